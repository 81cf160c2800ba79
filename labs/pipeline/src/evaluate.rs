//! The evaluate stage: a tracked run judged by the spec.
//!
//! It reads the run's saved probabilities (`predictions.jsonl`), chooses
//! the threshold the spec allows on the validation split with the learner's
//! code, reports that threshold once on the test split with intervals, and
//! decides the readiness gate. It writes `evaluation.json` and a model card
//! (`model-card.md`) into the run's folder.

use crate::Context;
use anyhow::{Context as _, Result, anyhow, bail};
use lab_evaluate::gate::{Gate, beats_gate, constraint_gate, percent, ready, size_gate};
use lab_evaluate::intervals::{Z95, wilson};
use lab_evaluate::threshold::{Scored, choose, operating_points};
use ninety_kit::artifact::write_atomic;
use ninety_kit::command::EvaluateArgs;
use ninety_kit::events::Emitter;
use ninety_kit::records::Summary;
use ninety_kit::records::evaluate::{AtThreshold, Evaluation, GateResult, Point, Rate};
use ninety_kit::records::train::{TrainRun, load_runs};
use serde::Deserialize;
use std::io::Write;
use std::path::Path;

/// The most operating points an evaluation keeps for the workbench.
const CURVE: usize = 400;

/// One line of a run's `predictions.jsonl`.
#[derive(Debug, Deserialize)]
struct Prediction {
    part: String,
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
        let matching: Vec<&TrainRun> = of_corpus
            .iter()
            .filter(|r| r.run_id.starts_with(id.as_str()))
            .collect();
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
    let evaluation = Evaluation {
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
    };
    write_atomic(
        &folder.join("model-card.md"),
        model_card(&run, &evaluation).as_bytes(),
    )?;
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
    card.push_str("## The readiness gate\n\n");
    for g in &e.gates {
        card.push_str(&format!(
            "- **{}**: {}. {}\n",
            g.name,
            if g.passed { "passed" } else { "failed" },
            g.evidence
        ));
    }
    card.push_str(&format!(
        "\n**{}**\n\n## Known limits\n\n\
         Slices, calibration and behavioural tests are not evaluated yet. The test set's size \
         bounds what it can show: see the test-set-size gate.\n",
        if e.ready {
            "Ready: every gate passed."
        } else {
            "Not ready: at least one gate failed."
        }
    ));
    card
}
