//! The evaluate stage: a tracked run judged by the spec.
//!
//! It reads the run's saved probabilities (`predictions.jsonl`), chooses
//! the threshold the spec allows on the validation split with the learner's
//! code, reports that threshold once on the test split with intervals, and
//! decides the readiness gate. It writes `evaluation.json` and a model card
//! (`model-card.md`) into the run's folder.

use crate::Context;
use anyhow::{Context as _, Result, anyhow, bail};
use lab_evaluate::behaviour::{self, Case, Expectation};
use lab_evaluate::calibration::{Bin, Platt, ece, reliability};
use lab_evaluate::gate::{
    Gate, MAX_ECE, MIN_SLICE_HAM, MIN_SUITE_RATE, beats_gate, behaviour_gate, calibration_gate,
    constraint_gate, percent, ready, size_gate, slices_gate,
};
use lab_evaluate::intervals::{Z95, bootstrap_f1, f1_at, wilson};
use lab_evaluate::slices::{Sliced, judge};
use lab_evaluate::threshold::{Scored, choose, operating_points};
use ninety_kit::artifact::write_atomic;
use ninety_kit::command::EvaluateArgs;
use ninety_kit::events::Emitter;
use ninety_kit::records::Summary;
use ninety_kit::records::evaluate::{
    AtThreshold, Calibration, Evaluation, F1, GateResult, Point, Rate, ReliabilityBin, Slice,
    SuiteResult, TestMessage,
};
use ninety_kit::records::gather::{BodySource, Gathered, model_text};
use ninety_kit::records::serve::LoggedPrediction;
use ninety_kit::records::train::{TrainRun, load_runs};
use ninety_kit::registry::{
    CANARY_FILE, CanaryInfo, Lineage, ModelInfo, REFERENCE_FILE, Registry, TEST_SCORES_FILE,
};
use ninety_kit::rng::Rng;
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The most operating points an evaluation keeps for the workbench.
const CURVE: usize = 400;

/// Bins of the reliability tables.
const BINS: usize = 10;

/// Bootstrap resamples for F1's interval.
const DRAWS: usize = 1000;

/// Test messages of each class the behavioural suites change.
const PER_CLASS: usize = 100;

/// How far a behavioural case's score may move and still pass.
const TOLERANCE: f64 = 0.1;

/// One line of a run's `predictions.jsonl`.
#[derive(Debug, Deserialize)]
struct Prediction {
    part: String,
    id: String,
    spam: bool,
    model: f64,
    logreg: Option<f64>,
}

/// The run `args` names, or the corpus's run with the best validation F1
/// on the random split (on any split when there is none), leakage
/// experiments and runs without saved predictions left out. Validation F1s
/// of different splits are not compared: they are different questions.
fn pick_run(ctx: &Context, args: &EvaluateArgs) -> Result<TrainRun> {
    let (runs, _) = load_runs(&ctx.home);
    let of_corpus: Vec<TrainRun> = runs
        .into_iter()
        .filter(|r| r.corpus == ctx.corpus.as_str())
        .collect();
    if let Some(id) = &args.run {
        let matching =
            ninety_kit::names::by_id_prefix(&of_corpus, id, |r: &TrainRun| r.run_id.as_str());
        return match matching.as_slice() {
            [one] => Ok((*one).clone()),
            [] => bail!(
                "no run of the {} corpus starts with `{id}`; `ninety runs` lists them",
                ctx.corpus
            ),
            many => bail!(
                "`{id}` starts {} runs of the {} corpus; give more of the id",
                many.len(),
                ctx.corpus
            ),
        };
    }
    // Oldest first, so that of runs equally good the newest wins.
    of_corpus
        .into_iter()
        .rev()
        .filter(|r| {
            r.params.get("split.keep_duplicates").map(String::as_str) != Some("true")
                && r.artifact.as_ref().is_some_and(|a| has_both_parts(&a.join("predictions.jsonl")))
        })
        .max_by(|a, b| {
            let random = |r: &TrainRun| r.split == ninety_kit::SplitKind::Random;
            random(a)
                .cmp(&random(b))
                .then(a.best_valid_f1().total_cmp(&b.best_valid_f1()))
        })
        .ok_or_else(|| {
            anyhow!(
                "no run of the {} corpus to evaluate: train one first (`ninety run train --corpus {}`)",
                ctx.corpus,
                ctx.corpus
            )
        })
}

/// Whether a run's predictions name their part (runs from before the
/// validation part was saved do not).
fn has_both_parts(path: &Path) -> bool {
    use std::io::BufRead;
    // The first line says it; the file can hold thousands.
    let mut first = String::new();
    std::fs::File::open(path)
        .map(std::io::BufReader::new)
        .and_then(|mut r| r.read_line(&mut first))
        .is_ok_and(|_| first.contains("\"part\""))
}

/// Reads `predictions.jsonl`, naming the line that is wrong.
fn read_predictions(path: &Path) -> Result<Vec<Prediction>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading `{}` (runs made before predictions were saved cannot be evaluated: train again)",
            path.display()
        )
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| {
                format!(
                    "`{}` line {}: expected {{\"part\", \"spam\", \"model\", \"logreg\"}} (a run from before the validation part was saved: train again)",
                    path.display(),
                    i + 1
                )
            })
        })
        .collect()
}

/// A rate with its Wilson interval.
fn rate(count: u64, of: u64) -> Rate {
    let i = wilson(count, of, Z95);
    Rate {
        count,
        of,
        value: if of == 0 {
            0.0
        } else {
            count as f64 / of as f64
        },
        low: i.low,
        high: i.high,
    }
}

/// What flagging at `threshold` does to `scored`.
fn at(scored: &[Scored], threshold: f64) -> AtThreshold {
    let flagged = |s: &&Scored| s.score >= threshold;
    let spam = scored.iter().filter(|s| s.spam).count() as u64;
    let ham = scored.len() as u64 - spam;
    let caught = scored.iter().filter(|s| s.spam).filter(flagged).count() as u64;
    let lost = scored.iter().filter(|s| !s.spam).filter(flagged).count() as u64;
    AtThreshold {
        spam_recall: rate(caught, spam),
        ham_flagged: rate(lost, ham),
        precision: (caught + lost > 0).then(|| caught as f64 / (caught + lost) as f64),
    }
}

fn part(
    predictions: &[Prediction],
    name: &str,
    score: impl Fn(&Prediction) -> Option<f64>,
) -> Vec<Scored> {
    predictions
        .iter()
        .filter(|p| p.part == name)
        .filter_map(|p| {
            Some(Scored {
                spam: p.spam,
                score: score(p)?,
            })
        })
        .collect()
}

/// Runs the stage.
pub fn run<W: Write>(ctx: &Context, args: &EvaluateArgs, out: &mut Emitter<W>) -> Result<Summary> {
    let run = pick_run(ctx, args)?;
    let folder = run
        .artifact
        .clone()
        .context("the run's folder is not known")?;
    out.log(format!(
        "evaluating run {} ({} model, {} split)",
        run.run_id, run.model, run.split
    ));
    let (_, _, spec) = crate::frame::load_spec(ctx, args.spec.as_deref())?;
    let max = spec.metric.max_ham_flagged_rate;
    let predictions = read_predictions(&folder.join("predictions.jsonl"))?;
    let (valid, test) = (
        part(&predictions, "valid", |p| Some(p.model)),
        part(&predictions, "test", |p| Some(p.model)),
    );
    if valid.is_empty() || test.is_empty() {
        bail!(
            "`{}` holds {} validation and {} test predictions; both are needed",
            folder.join("predictions.jsonl").display(),
            valid.len(),
            test.len()
        );
    }
    let chosen = choose(&valid, max);
    let threshold = chosen.map(|p| p.threshold);
    match chosen {
        Some(p) => out.log(format!(
            "threshold {:.4}, chosen on {} validation messages: recall {}, ham flagged {} (at most {})",
            p.threshold,
            valid.len(),
            percent(p.recall),
            percent(p.ham_flagged_rate),
            percent(max)
        )),
        None => out.log(format!(
            "no threshold flags at most {} of the validation ham while flagging anything",
            percent(max)
        )),
    }
    let valid_at = threshold.map(|t| at(&valid, t));
    let test_at = threshold.map(|t| at(&test, t));
    // The logistic regression, at its own threshold chosen the same way.
    let (logreg_valid, logreg_test) = (
        part(&predictions, "valid", |p| p.logreg),
        part(&predictions, "test", |p| p.logreg),
    );
    let logreg_recall = (!logreg_valid.is_empty())
        .then(|| choose(&logreg_valid, max))
        .flatten()
        .map(|p| at(&logreg_test, p.threshold).spam_recall.value);
    let keyword_recall = run.baselines.keyword.spam_recall;

    let test_ham = test.iter().filter(|s| !s.spam).count() as u64;
    let mut gates: Vec<Gate> = Vec::new();
    // Gates in the order a reader weighs them: the spec, then how much the
    // numbers can say, then the baselines, slices, behaviour, calibration.
    match &test_at {
        Some(t) => gates.push(constraint_gate(t.ham_flagged.count, t.ham_flagged.of, max)),
        None => gates.push(Gate {
            name: "constraint".into(),
            passed: false,
            evidence: format!(
                "no threshold meets at most {} on validation, so none is tested",
                percent(max)
            ),
        }),
    }
    gates.push(size_gate(test_ham, max));
    if let Some(t) = &test_at {
        let recall = lab_evaluate::intervals::Interval {
            low: t.spam_recall.low,
            high: t.spam_recall.high,
        };
        if let Some(k) = keyword_recall {
            gates.push(beats_gate("keyword", recall, k));
        }
        if let Some(l) = logreg_recall {
            gates.push(beats_gate("logreg", recall, l));
        }
    }
    // The rest judges the model at its threshold; with none, at 0.5, so
    // that the slices and suites still say something.
    let at_threshold = threshold.unwrap_or(0.5);
    let test_ids: Vec<&Prediction> = predictions.iter().filter(|p| p.part == "test").collect();
    let test_messages: Vec<TestMessage> = test_ids
        .iter()
        .map(|p| TestMessage {
            id: p.id.clone(),
            spam: p.spam,
            score: p.model,
        })
        .collect();

    // F1, with a seeded bootstrap interval.
    let everything: Vec<usize> = (0..test.len()).collect();
    let f1 = threshold.map(|t| {
        let i = bootstrap_f1(&test, t, DRAWS, &mut Rng::new(run.seed));
        F1 {
            value: f1_at(&test, &everything, t),
            low: i.low,
            high: i.high,
            draws: DRAWS,
            seed: run.seed,
        }
    });

    // Calibration: judged on test, fitted on validation.
    let platt = Platt::fit(&valid);
    let before = reliability(&test, BINS);
    let after = platt.map(|p| {
        let calibrated: Vec<Scored> = test
            .iter()
            .map(|s| Scored {
                spam: s.spam,
                score: p.apply(s.score),
            })
            .collect();
        reliability(&calibrated, BINS)
    });
    let calibration = Calibration {
        ece_before: ece(&before),
        ece_after: after.as_deref().map(ece),
        platt: platt.map(|p| (p.a, p.b)),
        before: bins(&before),
        after: after.as_deref().map(bins).unwrap_or_default(),
    };
    out.log(format!(
        "calibration: expected calibration error {:.4} raw, {} after Platt scaling fitted on validation",
        calibration.ece_before,
        calibration
            .ece_after
            .map_or("nothing to fit".to_owned(), |e| format!("{e:.4}"))
    ));

    // Slices and behaviour need the messages themselves.
    let messages = crate::data::clean_messages(ctx, out)?;
    let by_id: HashMap<&str, &Gathered> = messages.iter().map(|m| (m.id.as_str(), m)).collect();
    let sliced: Vec<Sliced> = test_messages
        .iter()
        .map(|t| Sliced {
            keys: by_id
                .get(t.id.as_str())
                .map(|m| slice_keys(m))
                .unwrap_or_default(),
            spam: t.spam,
            score: t.score,
        })
        .collect();
    let missing = sliced.iter().filter(|s| s.keys.is_empty()).count();
    if missing > 0 {
        out.log(format!(
            "{missing} test messages are not in the clean dataset any more (gathered again since the run?): they are in no slice"
        ));
    }
    let judged = judge(&sliced, at_threshold, max);
    let slices: Vec<Slice> = judged
        .iter()
        .map(|r| Slice {
            dimension: r.counts.dimension.clone(),
            value: r.counts.value.clone(),
            ham_flagged: rate(r.counts.ham_flagged, r.counts.ham),
            spam_recall: rate(r.counts.spam_caught, r.counts.spam),
            verdict: serde_json::to_value(r.verdict)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            members: sliced
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    s.keys
                        .iter()
                        .any(|(d, v)| *d == r.counts.dimension && *v == r.counts.value)
                })
                .map(|(i, _)| i as u32)
                .collect(),
        })
        .collect();
    gates.push(slices_gate(&judged, MIN_SLICE_HAM));

    // The run's model, loaded once for the suites and the serving path.
    let scorer = crate::model::load(&folder)?;
    let suites = behavioural(&scorer, &test_messages, &by_id, at_threshold, out)?;
    let served = serving_scores(
        ctx,
        &scorer,
        &test_messages,
        &by_id,
        at_threshold,
        calibration.platt,
        out,
    )?;
    gates.push(behaviour_gate(&suites, MIN_SUITE_RATE));
    gates.push(calibration_gate(
        calibration.ece_before,
        calibration.ece_after,
        MAX_ECE,
    ));

    let is_ready = ready(&gates);
    // The test curve, thinned to at most CURVE points, both ends kept.
    let all = operating_points(&test);
    let step = all.len().div_ceil(CURVE).max(1);
    let test_curve: Vec<Point> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0 || *i + 1 == all.len())
        .map(|(_, p)| Point {
            threshold: p.threshold,
            spam_caught: p.spam_caught,
            ham_flagged: p.ham_flagged,
            recall: p.recall,
            ham_flagged_rate: p.ham_flagged_rate,
        })
        .collect();
    let test_spam = test.iter().filter(|s| s.spam).count() as u64;
    let mut evaluation = Evaluation {
        run_id: run.run_id.clone(),
        corpus: run.corpus.clone(),
        max_ham_flagged_rate: max,
        threshold,
        valid: valid_at,
        test: test_at,
        logreg_recall,
        keyword_recall,
        gates: gates
            .iter()
            .map(|g| GateResult {
                name: g.name.clone(),
                passed: g.passed,
                evidence: g.evidence.clone(),
            })
            .collect(),
        ready: is_ready,
        test_curve,
        test_counts: (test_spam, test_ham),
        model_card: Some(folder.join("model-card.md")),
        f1,
        calibration: Some(calibration),
        slices,
        behavioural: suites
            .iter()
            .map(|s| SuiteResult {
                name: s.name.clone(),
                kind: s.kind.clone(),
                passed: s.passed,
                total: s.total,
                failures: s.failures.clone(),
            })
            .collect(),
        test_messages,
        model_id: None,
    };
    let card = model_card(&run, &evaluation);
    write_atomic(&folder.join("model-card.md"), card.as_bytes())?;
    let id = register(ctx, &run, &folder, &evaluation, &card, served)?;
    out.log(format!(
        "registered as model {id} in `{}` (`ninety models` lists the registry)",
        Registry::new(&ctx.home).dir().display()
    ));
    evaluation.model_id = Some(id);
    write_atomic(
        &folder.join("evaluation.json"),
        &serde_json::to_vec_pretty(&evaluation)?,
    )?;
    for g in &evaluation.gates {
        out.log(format!(
            "gate {}: {} ({})",
            g.name,
            if g.passed { "passed" } else { "FAILED" },
            g.evidence
        ));
    }
    Ok(Summary::Evaluate(evaluation))
}

fn bins(table: &[Bin]) -> Vec<ReliabilityBin> {
    table
        .iter()
        .map(|b| ReliabilityBin {
            low: b.low,
            high: b.high,
            count: b.count,
            mean_score: b.mean_score,
            spam_share: b.spam_share,
        })
        .collect()
}

/// The slices a message is in: its collection (folder: easy or hard ham,
/// spam, and the period), its format (HTML only or plain text), its
/// charset, its length and whether it came with attachments.
fn slice_keys(m: &Gathered) -> Vec<(String, String)> {
    let collection = m.path.split('/').next().unwrap_or("").to_owned();
    let format = match m.body_source {
        Some(BodySource::Html) => "html-only",
        Some(BodySource::Plain) => "plain",
        None => "no body",
    };
    let charset = m
        .body_charset
        .as_deref()
        .or(m.charset.as_deref())
        .map_or("none".to_owned(), str::to_ascii_lowercase);
    let chars = m.body.as_deref().map_or(0, |b| b.chars().count());
    let length = match chars {
        0..500 => "under 500 chars",
        500..2_000 => "500 to 2k chars",
        2_000..10_000 => "2k to 10k chars",
        _ => "10k chars and over",
    };
    let attachment = if m.content_type.eq_ignore_ascii_case("multipart/mixed") {
        "multipart/mixed"
    } else {
        "single part or alternative"
    };
    [
        ("collection", collection.as_str()),
        ("format", format),
        ("charset", charset.as_str()),
        ("length", length),
        ("attachments", attachment),
    ]
    .into_iter()
    .map(|(d, v)| (d.to_owned(), v.to_owned()))
    .collect()
}

/// Runs the behavioural suites: the lab's changes made to the bodies of
/// the first PER_CLASS test ham and spam (by id, which is a hash: an
/// arbitrary, fixed sample), and its written messages, all scored by the
/// run's model one message at a time, as serving scores them.
fn behavioural<W: Write>(
    scorer: &crate::model::Scorer,
    test: &[TestMessage],
    by_id: &HashMap<&str, &Gathered>,
    threshold: f64,
    out: &mut Emitter<W>,
) -> Result<Vec<behaviour::Suite>> {
    let mut sample: Vec<&Gathered> = test
        .iter()
        .filter_map(|t| by_id.get(t.id.as_str()).copied())
        .collect();
    sample.sort_by(|a, b| a.id.cmp(&b.id));
    let of = |label: ninety_kit::Label| {
        sample
            .iter()
            .filter(move |m| m.label == label)
            .take(PER_CLASS)
            .copied()
    };
    let sample: Vec<&Gathered> = of(ninety_kit::Label::Ham)
        .chain(of(ninety_kit::Label::Spam))
        .collect();
    let with_body = |m: &Gathered, body: &str| {
        model_text(
            m.subject.as_deref(),
            m.from.as_deref(),
            &m.content_type,
            m.charset.as_deref(),
            Some(body),
        )
    };
    let base = scorer.score_all(&sample.iter().map(|m| m.text()).collect::<Vec<_>>());
    let mut cases: Vec<Case> = Vec::new();
    for change in behaviour::changes() {
        let texts: Vec<String> = sample
            .iter()
            .map(|m| with_body(m, &(change.apply)(m.body.as_deref().unwrap_or(""))))
            .collect();
        for ((m, before), after) in sample.iter().zip(&base).zip(scorer.score_all(&texts)) {
            cases.push(Case {
                suite: change.suite.to_owned(),
                name: format!("{} ({})", &m.id[..12], m.path),
                expect: change.expect,
                before: Some(*before),
                after,
            });
        }
    }
    let written = behaviour::written();
    let texts: Vec<String> = written
        .iter()
        .map(|(_, text, _)| {
            let (subject, body) = text.split_once('\n').unwrap_or((text, ""));
            model_text(
                Some(subject),
                Some("Pat Lee <pat@example.org>"),
                "text/plain",
                Some("us-ascii"),
                Some(body),
            )
        })
        .collect();
    for ((name, _, spam), after) in written.iter().zip(scorer.score_all(&texts)) {
        cases.push(Case {
            suite: if *spam { "written-spam" } else { "written-ham" }.to_owned(),
            name: (*name).to_owned(),
            expect: Expectation::Label(*spam),
            before: None,
            after,
        });
    }
    let suites = behaviour::suites(&cases, threshold, TOLERANCE);
    for s in &suites {
        out.log(format!(
            "behaviour {} ({}): {} of {} passed{}",
            s.name,
            s.kind,
            s.passed,
            s.total,
            if s.failures.is_empty() {
                String::new()
            } else {
                format!("; failed, among others: {}", s.failures.join(", "))
            }
        ));
    }
    Ok(suites)
}

/// What the registry keeps of the serving path's view of the test split.
struct ServedTest {
    /// `test-scores.jsonl`: every clean test message's score by the
    /// serving path (one message at a time, on the text training made of
    /// it), by id; a replay of the test split through a server must get
    /// exactly these.
    scores: Vec<u8>,
    /// `reference.jsonl`: the same messages as the prediction log would
    /// record them, the monitor's picture of normal.
    reference: Vec<u8>,
    /// The canary, the first by id, raw as the corpus holds it; None,
    /// said, when the corpus's file cannot be read.
    canary: Option<(CanaryInfo, Vec<u8>)>,
}

/// Scores the clean test messages by the serving path, for the registry.
fn serving_scores<W: Write>(
    ctx: &Context,
    scorer: &crate::model::Scorer,
    test: &[TestMessage],
    by_id: &HashMap<&str, &Gathered>,
    threshold: f64,
    platt: Option<(f64, f64)>,
    out: &mut Emitter<W>,
) -> Result<ServedTest> {
    let mut messages: Vec<&Gathered> = test
        .iter()
        .filter_map(|t| by_id.get(t.id.as_str()).copied())
        .collect();
    messages.sort_by(|a, b| a.id.cmp(&b.id));
    let mut scores_out = Vec::new();
    let mut reference = Vec::new();
    let mut scores = Vec::with_capacity(messages.len());
    for m in &messages {
        let text = m.text();
        let score = scorer.score_one(&text);
        scores.push(score);
        serde_json::to_writer(
            &mut scores_out,
            &serde_json::json!({"id": m.id, "path": m.path, "score": score}),
        )?;
        scores_out.push(b'\n');
        let observed = crate::observe::observe(&text);
        serde_json::to_writer(
            &mut reference,
            &LoggedPrediction {
                request_id: m.id.clone(),
                time: m.month.clone().unwrap_or_default(),
                model_id: String::new(),
                score,
                probability: crate::serve::probability(score, platt),
                spam: score >= threshold,
                latency_us: 0,
                body_chars: observed.body_chars,
                content_type: observed.content_type,
                charset: observed.charset,
                decode_problem: observed.decode_problem,
                tokens: observed.tokens,
            },
        )?;
        reference.push(b'\n');
    }
    let Some((first, score)) = messages.first().zip(scores.first()) else {
        return Ok(ServedTest {
            scores: scores_out,
            reference,
            canary: None,
        });
    };
    let raw = (|| -> Result<Vec<u8>> {
        let corpus = ninety_kit::corpus::open_known(&ctx.corpus, &ctx.root, &ctx.home)?;
        let entry = corpus
            .entries
            .iter()
            .find(|e| e.path == first.path)
            .with_context(|| format!("`{}` is not in the corpus any more", first.path))?;
        Ok(corpus.read(entry)?.bytes)
    })();
    let canary = match raw {
        Ok(raw) => Some((
            CanaryInfo {
                path: first.path.clone(),
                score: *score,
            },
            raw,
        )),
        Err(e) => {
            out.log(format!(
                "warning: no canary for the registry (the server cannot check its features at load): {e:#}"
            ));
            None
        }
    };
    Ok(ServedTest {
        scores: scores_out,
        reference,
        canary,
    })
}

/// Registers the evaluated model: weights, settings, evaluation, card and
/// lineage, under their content hash.
fn register(
    ctx: &Context,
    run: &TrainRun,
    folder: &Path,
    evaluation: &Evaluation,
    card: &str,
    served: ServedTest,
) -> Result<String> {
    let ServedTest {
        scores: test_scores,
        reference,
        canary,
    } = served;
    let read = |name: &str| {
        let path = folder.join(name);
        std::fs::read(&path)
            .with_context(|| format!("reading `{}` to register the model", path.display()))
    };
    let config = read("config.json")?;
    let info = ModelInfo {
        run_id: run.run_id.clone(),
        corpus: run.corpus.clone(),
        model: run.model.to_string(),
        threshold: evaluation.threshold,
        platt: evaluation.calibration.as_ref().and_then(|c| c.platt),
        ready: evaluation.ready,
        lineage: Lineage {
            run_id: run.run_id.clone(),
            clean: format!(
                "{} (sha256 {})",
                run.inputs.clean.name, run.inputs.clean.sha256
            ),
            labels: run.inputs.labels.to_string(),
            config_sha256: ninety_kit::hash::sha256_hex(&config),
            code_commit: run.code.commit.clone(),
        },
        canary: canary.as_ref().map(|(info, _)| info.clone()),
    };
    let mut files = vec![
        ("model.mpk", read("model.mpk")?),
        ("config.json", config),
        // Without the card's path: where the data directory lives is no
        // part of the model.
        (
            "evaluation.json",
            serde_json::to_vec_pretty(&Evaluation {
                model_card: None,
                ..evaluation.clone()
            })?,
        ),
        ("model-card.md", card.as_bytes().to_vec()),
        (TEST_SCORES_FILE, test_scores),
        (REFERENCE_FILE, reference),
    ];
    if let Some((_, raw)) = canary {
        files.push((CANARY_FILE, raw));
    }
    Registry::new(&ctx.home)
        .register(&info, &files)
        .context("registering the evaluated model")
}

/// The model card: what the model is for, what it was made from, how it
/// does with its uncertainty, and whether it passed the gate.
fn model_card(run: &TrainRun, e: &Evaluation) -> String {
    let mut card = format!(
        "# Model card: {} ({} model)\n\n\
         ## Intended use\n\n\
         Moving incoming mail to the spam folder for the users of one mail service, under the \
         spec's constraint that at most {} of real mail is flagged. Not for deleting mail, and \
         not for mail unlike the {} corpus it was trained on.\n\n\
         ## Data and versions\n\n\
         - corpus: {} ({}, sha256 {})\n\
         - labels: {}\n\
         - split: {} (seed {}), {} train, {} validation, {} test messages\n\
         - code: {}{}\n\n",
        run.run_id,
        run.model,
        percent(e.max_ham_flagged_rate),
        run.corpus,
        run.corpus,
        run.inputs.clean.name,
        run.inputs.clean.sha256,
        run.inputs.labels,
        run.split,
        run.seed,
        run.sizes.train,
        run.sizes.valid,
        run.sizes.test,
        run.code.commit.as_deref().unwrap_or("unknown commit"),
        if run.code.dirty == Some(true) {
            " (with uncommitted changes)"
        } else {
            ""
        },
    );
    card.push_str("## The threshold and why\n\n");
    match (e.threshold, &e.valid) {
        (Some(t), Some(v)) => card.push_str(&format!(
            "Flag a message when its score is at least {t:.4}: on the validation split it is the \
             threshold that catches the most spam ({}) while flagging at most {} of real mail \
             ({}). It was chosen there and looked at once on the test split.\n\n",
            percent(v.spam_recall.value),
            percent(e.max_ham_flagged_rate),
            percent(v.ham_flagged.value)
        )),
        _ => card.push_str(&format!(
            "None: no threshold flags at most {} of the validation ham while flagging anything.\n\n",
            percent(e.max_ham_flagged_rate)
        )),
    }
    if let Some(t) = &e.test {
        card.push_str(&format!(
            "## Metrics on the test split (95% intervals)\n\n\
             | metric | value | interval | counts |\n|---|---:|---|---:|\n\
             | spam recall | {} | {} to {} | {} of {} |\n\
             | ham flagged | {} | {} to {} | {} of {} |\n\
             | precision | {} | | |\n\n",
            percent(t.spam_recall.value),
            percent(t.spam_recall.low),
            percent(t.spam_recall.high),
            t.spam_recall.count,
            t.spam_recall.of,
            percent(t.ham_flagged.value),
            percent(t.ham_flagged.low),
            percent(t.ham_flagged.high),
            t.ham_flagged.count,
            t.ham_flagged.of,
            t.precision.map_or("-".into(), percent),
        ));
    }
    if let Some(f) = &e.f1 {
        card.push_str(&format!(
            "F1 at the threshold: {:.3} (bootstrap 95% interval {:.3} to {:.3}, {} resamples, seed {}).\n\n",
            f.value, f.low, f.high, f.draws, f.seed
        ));
    }
    if let Some(c) = &e.calibration {
        card.push_str(&format!(
            "## Calibration\n\nExpected calibration error on the test split ({} bins): {:.4} raw; {}.\n\n",
            c.before.len(),
            c.ece_before,
            match (c.ece_after, c.platt) {
                (Some(after), Some((a, b))) => format!(
                    "{after:.4} after Platt scaling fitted on validation (a = {a:.4}, b = {b:.4}){}; \
                     serving and monitoring use the calibrated score",
                    if after > c.ece_before {
                        ": on test the calibration made the scores no better, a sign that the \
                         validation split was too small to fit it, or that the raw scores needed none"
                    } else {
                        ""
                    }
                ),
                _ => "no calibrator could be fitted on validation".to_owned(),
            }
        ));
    }
    if !e.slices.is_empty() {
        card.push_str(
            "## Slices (test split, at the threshold, worst first)\n\n\
             | slice | ham flagged | 95% interval | spam recall | 95% interval | verdict |\n\
             |---|---:|---|---:|---|---|\n",
        );
        for sl in &e.slices {
            card.push_str(&format!(
                "| {}={} | {} of {} | {} to {} | {} of {} | {} to {} | {} |\n",
                sl.dimension,
                sl.value,
                sl.ham_flagged.count,
                sl.ham_flagged.of,
                percent(sl.ham_flagged.low),
                percent(sl.ham_flagged.high),
                sl.spam_recall.count,
                sl.spam_recall.of,
                percent(sl.spam_recall.low),
                percent(sl.spam_recall.high),
                sl.verdict
            ));
        }
        card.push('\n');
    }
    if !e.behavioural.is_empty() {
        card.push_str("## Behavioural suites\n\n| suite | expects | passed | failed, among others |\n|---|---|---:|---|\n");
        for b in &e.behavioural {
            card.push_str(&format!(
                "| {} | {} | {} of {} | {} |\n",
                b.name,
                b.kind,
                b.passed,
                b.total,
                b.failures.join("; ")
            ));
        }
        card.push('\n');
    }
    card.push_str("## The readiness gate\n\n");
    for g in &e.gates {
        card.push_str(&format!(
            "- **{}**: {}. {}\n",
            g.name,
            if g.passed { "passed" } else { "failed" },
            g.evidence
        ));
    }
    let failed: Vec<&str> = e
        .gates
        .iter()
        .filter(|g| !g.passed)
        .map(|g| g.name.as_str())
        .collect();
    card.push_str(&format!(
        "\n**{}**\n\n## Known failures and limits\n\n",
        if e.ready {
            "Ready: every gate passed."
        } else {
            "Not ready: at least one gate failed."
        }
    ));
    if failed.is_empty() {
        card.push_str("No gate failed. ");
    } else {
        card.push_str(&format!("Failed gates: {}. ", failed.join(", ")));
    }
    card.push_str(
        "The test set's size bounds what it can show (see the test-set-size gate). The slices \
         cover only what the gather stage records about a message; mail unlike the corpus \
         (other languages, other years, other senders) was never measured.\n",
    );
    card
}
