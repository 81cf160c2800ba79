//! `capture`: the figures' data, taken from a data home's real outputs.
//!
//! It reads what the pipeline wrote for a corpus (the gather stage's clean
//! dataset, the newest tracked run of each split, the random split's run's
//! evaluation, one raw message) through the kit's record types, checks that
//! the pieces belong together (each run's inputs by content hash, the
//! evaluation's run and test counts), and keeps only what the figures show.

use crate::data::{
    Curve, Data, EpochPoint, MimeData, MimeNode, OperatingData, OperatingPoint, PartCounts, Platt,
    ReliabilityBin, ReliabilityData, TrainData, round6,
};
use mail_parser::{MessageParser, MessagePart, MimeHeaders, PartType};
use ninety_kit::clean::{self, Gathered};
use ninety_kit::hash::{sha256_file, sha256_hex};
use ninety_kit::metrics::Counts;
use ninety_kit::records::evaluate::Evaluation;
use ninety_kit::records::gather::BodySource;
use ninety_kit::records::train::{TrainRun, load_runs};
use ninety_kit::{Corpus, DataHome, ModelKind, SplitKind};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The message whose MIME tree the gathering chapter shows: real spam from
/// the later collection, a `multipart/related` HTML page that holds a plain
/// and an HTML version of one text (quoted-printable) and two images
/// (base64). Chosen by hand for showing every layer the chapter names.
pub const MIME_MESSAGE: &str = "spam-2/00975.5e2e7c9d8b2c04929ff41e010163e5e8.txt";

/// The model whose runs the figures show: the one `ninety run train`
/// trains by default.
pub const MODEL: ModelKind = ModelKind::FastText;

/// How much better a validation loss must be to count as an improvement:
/// the train loop's own margin (`labs/train/src/given/fit.rs`), so that the
/// figure marks the epoch the loop kept.
pub const MIN_GAIN: f64 = 1e-4;

/// The most corners an operating-point curve keeps. A test part of `n`
/// spam has at most `n` + 1; past this many, [`thin`] keeps the highest of
/// each narrow band of ham counts, evenly spaced on a log scale, so the
/// data file stays small and the figure's low end stays exact.
pub const MAX_POINTS: usize = 200;

/// The threshold the train loop decides at: a message is spam when its
/// probability is at least this.
pub const HALF: f32 = 0.5;

/// Why the real outputs could not be captured.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The gather output is missing or damaged.
    #[error(
        "reading the gather output of `{corpus}` (run `ninety run gather --corpus {corpus}` first)"
    )]
    Gather {
        /// The corpus.
        corpus: String,
        /// Why.
        source: clean::CleanError,
    },
    /// No run of that split.
    #[error(
        "no {model} run of the {split} split on `{corpus}` under `{runs}`; run `ninety run train --corpus {corpus} --split {split}` first"
    )]
    NoRun {
        /// The corpus.
        corpus: String,
        /// The split.
        split: SplitKind,
        /// The model.
        model: ModelKind,
        /// Where runs were looked for.
        runs: PathBuf,
    },
    /// A file could not be read.
    #[error("reading `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A run's split file is not one.
    #[error("`{path}` is not a split file (train, valid and test id lists): {source}")]
    Split {
        /// The file.
        path: PathBuf,
        /// What serde found.
        source: serde_json::Error,
    },
    /// A run was made from other data than the current gather output.
    #[error(
        "run `{run}` was trained on another {what} than the one in the data home (its recorded hash differs); train it again, or capture from the home it was made in"
    )]
    Lineage {
        /// The run.
        run: String,
        /// `clean dataset` or `split`.
        what: &'static str,
    },
    /// A split names a message the clean dataset does not hold.
    #[error("run `{run}`: its split names message `{id}`, which the clean dataset does not hold")]
    UnknownId {
        /// The run.
        run: String,
        /// The message id.
        id: String,
    },
    /// A setting the figures need is missing from a run.
    #[error("run `{run}` records no setting `{key}` (or not a whole number)")]
    Param {
        /// The run.
        run: String,
        /// The setting.
        key: &'static str,
    },
    /// A run saved no per-message predictions.
    #[error(
        "run `{run}` has no `{path}`: it was trained before runs saved each message's probabilities; train it again with `ninety run train --corpus {corpus} --split {split}`"
    )]
    NoPredictions {
        /// The run.
        run: String,
        /// The corpus.
        corpus: String,
        /// The split.
        split: SplitKind,
        /// The file that is missing.
        path: PathBuf,
    },
    /// A line of a run's `predictions.jsonl` is not a prediction.
    #[error("`{path}` line {line}: not a prediction line ({why})")]
    PredictionLine {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// Why.
        why: String,
    },
    /// A run's predictions do not belong with the rest of its record.
    #[error("run `{run}`: its predictions.jsonl disagrees with its record: {why}")]
    Predictions {
        /// The run.
        run: String,
        /// How.
        why: String,
    },
    /// The run was never evaluated.
    #[error(
        "run `{run}` has no `{path}`: evaluate it with `ninety run evaluate --corpus {corpus} --run {run}`"
    )]
    NoEvaluation {
        /// The run.
        run: String,
        /// The corpus.
        corpus: String,
        /// The file that is missing.
        path: PathBuf,
    },
    /// A run's `evaluation.json` is not an evaluation.
    #[error("`{path}` is not an evaluation: {source}; evaluate the run again")]
    EvaluationFile {
        /// The file.
        path: PathBuf,
        /// What serde found.
        source: serde_json::Error,
    },
    /// A run's evaluation does not belong with the rest of its record, or
    /// lacks what the figures need.
    #[error(
        "run `{run}`: its evaluation.json {why}; evaluate it again with `ninety run evaluate --corpus {corpus} --run {run}`"
    )]
    Evaluation {
        /// The run.
        run: String,
        /// The corpus.
        corpus: String,
        /// How.
        why: String,
    },
    /// The corpus or the message cannot be read.
    #[error("reading message `{path}` of corpus `{corpus}`: {why}")]
    Message {
        /// The corpus.
        corpus: String,
        /// The message's path.
        path: String,
        /// Why.
        why: String,
    },
}

/// The part lists of a run's `split.json`.
#[derive(Debug, Deserialize)]
struct SplitIds {
    train: Vec<String>,
    valid: Vec<String>,
    test: Vec<String>,
}

/// Captures every figure's data from the outputs in `home` for `corpus`
/// (the real corpus: `spamassassin`).
pub fn capture(home: &DataHome, corpus: &str) -> Result<Data, CaptureError> {
    let clean_path = clean::clean_path(home, corpus);
    let gathered = clean::read_gathered(&clean_path).map_err(|source| CaptureError::Gather {
        corpus: corpus.to_owned(),
        source,
    })?;
    let clean_sha = sha256_file(&clean_path).map_err(|source| CaptureError::Io {
        path: clean_path.clone(),
        source,
    })?;
    let by_id: HashMap<&str, &Gathered> = gathered.iter().map(|g| (g.id.as_str(), g)).collect();
    let (runs, _unreadable) = load_runs(home);
    let pick = |split| -> Result<&TrainRun, CaptureError> {
        runs.iter()
            // A leakage experiment's run (--keep-duplicates) is not the
            // figure of a split.
            .find(|r| {
                r.corpus == corpus
                    && r.split == split
                    && r.model == MODEL
                    && r.params.get("split.keep_duplicates").map(String::as_str) != Some("true")
            })
            .ok_or_else(|| CaptureError::NoRun {
                corpus: corpus.to_owned(),
                split,
                model: MODEL,
                runs: ninety_kit::records::train::runs_dir(home),
            })
    };
    let random_run = pick(SplitKind::Random)?;
    let random_ids = read_split(random_run)?;
    let random = train_data(random_run, &random_ids, &clean_sha, &by_id)?;
    let time_run = pick(SplitKind::Time)?;
    let time = train_data(time_run, &read_split(time_run)?, &clean_sha, &by_id)?;
    let operating = operating_data(random_run, &random_ids)?;
    let reliability = reliability_data(random_run, &random)?;
    let mime = mime_data(home, corpus, &gathered)?;
    Ok(Data {
        mime,
        random,
        time,
        operating,
        reliability,
    })
}

/// The run's folder.
fn run_folder(run: &TrainRun) -> PathBuf {
    run.artifact.clone().unwrap_or_default()
}

/// The run's `split.json`, checked against the hash its record holds.
fn read_split(run: &TrainRun) -> Result<SplitIds, CaptureError> {
    let split_path = run_folder(run).join("split.json");
    let bytes = std::fs::read(&split_path).map_err(|source| CaptureError::Io {
        path: split_path.clone(),
        source,
    })?;
    if sha256_hex(&bytes) != run.inputs.split.sha256 {
        return Err(CaptureError::Lineage {
            run: run.run_id.clone(),
            what: "split",
        });
    }
    serde_json::from_slice(&bytes).map_err(|source| CaptureError::Split {
        path: split_path,
        source,
    })
}

fn train_data(
    run: &TrainRun,
    ids: &SplitIds,
    clean_sha: &str,
    by_id: &HashMap<&str, &Gathered>,
) -> Result<TrainData, CaptureError> {
    if run.inputs.clean.sha256 != clean_sha {
        return Err(CaptureError::Lineage {
            run: run.run_id.clone(),
            what: "clean dataset",
        });
    }
    let mut parts = Vec::new();
    for (name, list) in [
        ("train", &ids.train),
        ("valid", &ids.valid),
        ("test", &ids.test),
    ] {
        let mut counts = PartCounts {
            part: name.to_owned(),
            spam: 0,
            ham: 0,
            period_1: 0,
            period_2: 0,
        };
        for id in list {
            let g = by_id
                .get(id.as_str())
                .ok_or_else(|| CaptureError::UnknownId {
                    run: run.run_id.clone(),
                    id: id.clone(),
                })?;
            match g.label {
                ninety_kit::Label::Spam => counts.spam += 1,
                ninety_kit::Label::Ham => counts.ham += 1,
            }
            if g.period == 1 {
                counts.period_1 += 1;
            } else {
                counts.period_2 += 1;
            }
        }
        parts.push(counts);
    }
    let param = |key: &'static str| -> Result<usize, CaptureError> {
        run.params
            .get(key)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| CaptureError::Param {
                run: run.run_id.clone(),
                key,
            })
    };
    let epochs: Vec<EpochPoint> = run
        .epochs
        .iter()
        .map(|e| EpochPoint {
            epoch: e.epoch,
            train_loss: round6(e.train_loss),
            valid_loss: round6(e.valid_loss),
            valid_f1: e.valid.spam_f1.map(round6),
        })
        .collect();
    Ok(TrainData {
        about: format!(
            "Captured by `cargo run -p ninety-figures -- capture` from run {} ({}, {} split, seed {}): the split's counts by label and period, the kept model's test counts, every epoch. Do not edit by hand.",
            run.run_id, run.corpus, run.split, run.seed
        ),
        run_id: run.run_id.clone(),
        corpus: run.corpus.clone(),
        model: run.model,
        split: run.split,
        seed: run.seed,
        max_epochs: param("fit.epochs")?,
        patience: param("fit.patience")?,
        parts,
        test: run.metrics.confusion,
        best_epoch: best_epoch(&run.epochs.iter().map(|e| e.valid_loss).collect::<Vec<_>>()),
        epochs,
    })
}

/// One line of a run's `predictions.jsonl`.
#[derive(Debug, Deserialize)]
struct PredictionLine {
    /// `valid` or `test`; absent in the first runs that saved predictions,
    /// which saved the test part only.
    #[serde(default)]
    part: Option<String>,
    id: String,
    spam: bool,
    /// The run's model's probability of spam.
    model: f32,
    /// The logistic regression's, when the run trained one beside it.
    logreg: Option<f32>,
}

/// The operating points of the run's model and of the logistic regression
/// beside it, on the test part, from the run's `predictions.jsonl`.
fn operating_data(run: &TrainRun, ids: &SplitIds) -> Result<OperatingData, CaptureError> {
    let path = run_folder(run).join("predictions.jsonl");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CaptureError::NoPredictions {
                run: run.run_id.clone(),
                corpus: run.corpus.clone(),
                split: run.split,
                path,
            });
        }
        Err(source) => return Err(CaptureError::Io { path, source }),
    };
    let mismatch = |why: String| CaptureError::Predictions {
        run: run.run_id.clone(),
        why,
    };
    let mut test = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let p: PredictionLine =
            serde_json::from_str(line).map_err(|e| CaptureError::PredictionLine {
                path: path.clone(),
                line: n + 1,
                why: e.to_string(),
            })?;
        match p.part.as_deref() {
            None | Some("test") => test.push(p),
            Some("valid") => {}
            Some(other) => {
                return Err(CaptureError::PredictionLine {
                    path: path.clone(),
                    line: n + 1,
                    why: format!("part `{other}`, not `valid` or `test`"),
                });
            }
        }
    }
    // The test lines are the split's test part, each message once.
    let wanted: HashSet<&str> = ids.test.iter().map(String::as_str).collect();
    let seen: HashSet<&str> = test.iter().map(|p| p.id.as_str()).collect();
    if test.len() != ids.test.len() || seen != wanted {
        return Err(mismatch(format!(
            "{} test lines ({} distinct ids), but the split's test part holds {} messages{}",
            test.len(),
            seen.len(),
            ids.test.len(),
            if seen == wanted {
                ""
            } else {
                ", not the same ones"
            }
        )));
    }
    let mut curves = Vec::new();
    for (model, recorded) in [
        (run.model, Some(run.metrics.confusion)),
        (
            ModelKind::LogReg,
            run.baselines.logreg.as_ref().map(|m| m.confusion),
        ),
    ] {
        let scores: Option<Vec<(f32, bool)>> = test
            .iter()
            .map(|p| {
                if model == run.model {
                    Some((p.model, p.spam))
                } else {
                    p.logreg.map(|s| (s, p.spam))
                }
            })
            .collect();
        let Some(scores) = scores else {
            return Err(mismatch(format!(
                "some test lines give no {model} probability; the figure needs both models'"
            )));
        };
        let at_half = at_threshold(&scores, HALF);
        if let Some(c) = recorded {
            check_counts(model, &at_half, &c).map_err(mismatch)?;
        }
        curves.push(Curve {
            model,
            at_half,
            points: thin(corners(&scores), MAX_POINTS),
        });
    }
    let test_spam = test.iter().filter(|p| p.spam).count() as u64;
    Ok(OperatingData {
        about: format!(
            "Captured by `cargo run -p ninety-figures -- capture` from the predictions.jsonl of run {} ({}, {} split, seed {}): on its test part, each model's point at threshold 0.5 and the corners of its operating-point curve (for each count of ham flagged, the most spam a threshold catches). Do not edit by hand.",
            run.run_id, run.corpus, run.split, run.seed
        ),
        run_id: run.run_id.clone(),
        corpus: run.corpus.clone(),
        split: run.split,
        seed: run.seed,
        test_spam,
        test_ham: test.len() as u64 - test_spam,
        curves,
    })
}

/// The reliability tables of the run's test scores, raw and after Platt
/// scaling, from the `evaluation.json` the evaluate stage wrote into the
/// run's folder. The evaluation must be of this run and of its test part
/// (`split` holds the part's counts, from its `split.json`).
fn reliability_data(run: &TrainRun, split: &TrainData) -> Result<ReliabilityData, CaptureError> {
    let path = run_folder(run).join("evaluation.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CaptureError::NoEvaluation {
                run: run.run_id.clone(),
                corpus: run.corpus.clone(),
                path,
            });
        }
        Err(source) => return Err(CaptureError::Io { path, source }),
    };
    let evaluation: Evaluation = serde_json::from_str(&text)
        .map_err(|source| CaptureError::EvaluationFile { path, source })?;
    let fail = |why: String| CaptureError::Evaluation {
        run: run.run_id.clone(),
        corpus: run.corpus.clone(),
        why,
    };
    if evaluation.run_id != run.run_id {
        return Err(fail(format!(
            "judges run `{}`, not this one",
            evaluation.run_id
        )));
    }
    let Some(c) = evaluation.calibration else {
        return Err(fail(
            "holds no calibration (it was written before the stage measured it)".into(),
        ));
    };
    let (spam, ham) = split.part("test").map_or((0, 0), |p| (p.spam, p.ham));
    let tabled: u64 = c.before.iter().map(|b| b.count).sum();
    if evaluation.test_counts != (spam, ham) || tabled != spam + ham {
        return Err(fail(format!(
            "counts {} test spam and {} ham, {tabled} in its reliability table, but the split's test part holds {spam} and {ham}",
            evaluation.test_counts.0, evaluation.test_counts.1
        )));
    }
    let after_tabled: u64 = c.after.iter().map(|b| b.count).sum();
    if !c.after.is_empty() && after_tabled != tabled {
        return Err(fail(format!(
            "tables {tabled} test messages raw but {after_tabled} after calibration"
        )));
    }
    let bins = |table: &[ninety_kit::records::evaluate::ReliabilityBin]| -> Vec<ReliabilityBin> {
        table
            .iter()
            .map(|b| ReliabilityBin {
                low: round6(b.low),
                high: round6(b.high),
                count: b.count,
                mean_score: round6(b.mean_score),
                spam_share: round6(b.spam_share),
            })
            .collect()
    };
    Ok(ReliabilityData {
        about: format!(
            "Captured by `cargo run -p ninety-figures -- capture` from the evaluation.json of run {} ({}, {} split, seed {}), which `ninety run evaluate` wrote: the reliability tables of its test scores, raw and after Platt scaling fitted on the validation part, with their expected calibration errors. Do not edit by hand.",
            run.run_id, run.corpus, run.split, run.seed
        ),
        run_id: run.run_id.clone(),
        corpus: run.corpus.clone(),
        split: run.split,
        seed: run.seed,
        valid_messages: split.part("valid").map_or(0, PartCounts::total),
        ece_before: round6(c.ece_before),
        ece_after: c.ece_after.map(round6),
        platt: c.platt.map(|(a, b)| Platt {
            a: round6(a),
            b: round6(b),
        }),
        before: bins(&c.before),
        after: bins(&c.after),
    })
}

/// The point at `threshold`: every message whose score is at least it is
/// flagged.
pub fn at_threshold(scores: &[(f32, bool)], threshold: f32) -> OperatingPoint {
    let flagged = |label: bool| {
        scores
            .iter()
            .filter(|&&(s, spam)| s >= threshold && spam == label)
            .count() as u64
    };
    OperatingPoint {
        threshold,
        ham_flagged: flagged(false),
        spam_caught: flagged(true),
    }
}

/// The predictions' counts at 0.5 must be the ones the run recorded.
fn check_counts(model: ModelKind, at: &OperatingPoint, recorded: &Counts) -> Result<(), String> {
    if at.spam_caught == recorded.spam_caught && at.ham_flagged == recorded.ham_flagged {
        return Ok(());
    }
    Err(format!(
        "at 0.5 its {model} probabilities catch {} spam and flag {} ham, but the run recorded {} and {}",
        at.spam_caught, at.ham_flagged, recorded.spam_caught, recorded.ham_flagged
    ))
}

/// The corners of the operating-point curve of `(score, is spam)` pairs:
/// lowering the threshold through every distinct score, the point just
/// before each further ham is flagged, where that catches more spam than
/// the corner before. Between corners the curve is flat; the last corner
/// catches every spam. Ties between a spam and a ham enter together.
pub fn corners(scores: &[(f32, bool)]) -> Vec<OperatingPoint> {
    let mut sorted: Vec<(f32, bool)> = scores.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<OperatingPoint> = Vec::new();
    let (mut ham, mut spam) = (0u64, 0u64);
    let mut i = 0;
    while i < sorted.len() {
        let score = sorted[i].0;
        // Every message with this score at once.
        while i < sorted.len() && sorted[i].0 == score {
            if sorted[i].1 {
                spam += 1;
            } else {
                ham += 1;
            }
            i += 1;
        }
        // Flat from here unless the next score is some ham's (or none is
        // left): only then is this the most spam for this much ham.
        let mut j = i;
        let mut next_has_ham = i == sorted.len();
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            next_has_ham |= !sorted[j].1;
            j += 1;
        }
        if next_has_ham && spam > out.last().map_or(0, |p| p.spam_caught) {
            out.push(OperatingPoint {
                threshold: score,
                ham_flagged: ham,
                spam_caught: spam,
            });
        }
    }
    out
}

/// `points` cut to at most `max` + 1 corners when longer: the ham counts
/// are grouped in `max` bands of equal width on a log scale, and each band
/// keeps its last corner (the most spam it reaches). Low counts each keep a
/// band of their own, so the curve's start stays exact; further right, a
/// dropped corner only lowers the staircase until the next kept one, so
/// the thinned curve never claims more recall than the data gave.
pub fn thin(points: Vec<OperatingPoint>, max: usize) -> Vec<OperatingPoint> {
    if points.len() <= max + 1 {
        return points;
    }
    let top = points.last().map_or(0, |p| p.ham_flagged);
    let band =
        |ham: u64| ((ham as f64 + 1.0).ln() / (top as f64 + 1.0).ln() * max as f64).floor() as u64;
    let mut out: Vec<OperatingPoint> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let last_of_band = points
            .get(i + 1)
            .is_none_or(|next| band(next.ham_flagged) != band(p.ham_flagged));
        if last_of_band {
            out.push(*p);
        }
    }
    out
}

/// The epoch (1-based) the train loop keeps: the first whose validation
/// loss beat every earlier one by more than [`MIN_GAIN`].
pub fn best_epoch(valid_losses: &[f64]) -> usize {
    let mut best: Option<(usize, f64)> = None;
    for (i, &loss) in valid_losses.iter().enumerate() {
        if best.is_none_or(|(_, b)| loss < b - MIN_GAIN) {
            best = Some((i + 1, loss));
        }
    }
    best.map_or(0, |(epoch, _)| epoch)
}

fn mime_data(
    home: &DataHome,
    corpus: &str,
    gathered: &[Gathered],
) -> Result<MimeData, CaptureError> {
    let fail = |why: String| CaptureError::Message {
        corpus: corpus.to_owned(),
        path: MIME_MESSAGE.to_owned(),
        why,
    };
    let root = home.corpora().join(corpus);
    let opened = Corpus::open(corpus, &root).map_err(|e| fail(e.to_string()))?;
    let entry = opened
        .entries
        .iter()
        .find(|e| e.path == MIME_MESSAGE)
        .ok_or_else(|| {
            fail(format!(
                "the corpus in `{}` has no such message",
                root.display()
            ))
        })?;
    let raw = opened.read(entry).map_err(|e| fail(e.to_string()))?;
    let kept = gathered
        .iter()
        .find(|g| g.path == MIME_MESSAGE)
        .and_then(|g| g.body_source);
    let bytes = ninety_kit::mail::strip_mbox_line(&raw.bytes);
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| fail("mail-parser reads nothing in it".into()))?;
    let mut tree = node(&message, 0);
    if let Some(source) = kept {
        mark_kept(&mut tree, source);
    }
    Ok(MimeData {
        about: format!(
            "Captured by `cargo run -p ninety-figures -- capture` from message {MIME_MESSAGE} of the imported corpus `{corpus}`, parsed with mail-parser as the kit parses it; `kept` marks the part the gather stage's clean record says its body came from. Do not edit by hand."
        ),
        corpus: corpus.to_owned(),
        path: MIME_MESSAGE.to_owned(),
        sha256: entry.sha256.clone(),
        bytes: entry.bytes,
        label: entry.label,
        subject: message.subject().map(str::to_owned),
        root: tree,
    })
}

fn node(message: &mail_parser::Message<'_>, id: u32) -> MimeNode {
    let Some(part) = message.part(id) else {
        return MimeNode {
            content_type: "missing part".into(),
            charset: None,
            transfer_encoding: None,
            file_name: None,
            sent_bytes: 0,
            text_chars: None,
            decoded_bytes: None,
            kept: false,
            parts: Vec::new(),
        };
    };
    let content_type = content_type(part);
    let lower = |s: &str| s.to_ascii_lowercase();
    let mut n = MimeNode {
        content_type,
        charset: part
            .content_type()
            .and_then(|c| c.attribute("charset"))
            .map(lower),
        transfer_encoding: part.content_transfer_encoding().map(lower),
        file_name: part.attachment_name().map(str::to_owned),
        sent_bytes: u64::from(part.offset_end.saturating_sub(part.offset_body)),
        text_chars: None,
        decoded_bytes: None,
        kept: false,
        parts: Vec::new(),
    };
    match &part.body {
        PartType::Text(t) | PartType::Html(t) => n.text_chars = Some(t.chars().count() as u64),
        PartType::Binary(b) | PartType::InlineBinary(b) => n.decoded_bytes = Some(b.len() as u64),
        PartType::Message(m) => n.decoded_bytes = Some(m.raw_message.len() as u64),
        PartType::Multipart(children) => {
            n.parts = children.iter().map(|&c| node(message, c)).collect();
        }
    }
    n
}

fn content_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        },
        None => "text/plain".into(),
    }
}

/// Marks the first leaf of the kind the body came from that has any text:
/// the gathering chapter's rule for choosing a body.
fn mark_kept(tree: &mut MimeNode, source: BodySource) -> bool {
    if tree.parts.is_empty() {
        let wanted = match source {
            BodySource::Plain => "text/plain",
            BodySource::Html => "text/html",
        };
        if tree.content_type == wanted && tree.text_chars.is_some_and(|n| n > 0) {
            tree.kept = true;
            return true;
        }
        return false;
    }
    tree.parts.iter_mut().any(|p| mark_kept(p, source))
}

/// The folder the data files live in, under the workspace `root`.
pub fn data_dir(root: &Path) -> PathBuf {
    root.join("book/figures/data")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_epoch_follows_the_loops_rule() {
        // The real random run's validation losses: epoch 7 beat epoch 6 by
        // more than the margin, 8 and 9 did not beat 7.
        let losses = [
            0.131760, 0.063509, 0.052502, 0.047358, 0.045359, 0.044954, 0.044510, 0.044800,
            0.045010,
        ];
        assert_eq!(best_epoch(&losses), 7);
        // A gain inside the margin is no gain.
        assert_eq!(best_epoch(&[0.5, 0.49995, 0.4]), 3);
        assert_eq!(best_epoch(&[0.5, 0.49995]), 1);
        assert_eq!(best_epoch(&[]), 0);
    }

    fn point(threshold: f32, ham_flagged: u64, spam_caught: u64) -> OperatingPoint {
        OperatingPoint {
            threshold,
            ham_flagged,
            spam_caught,
        }
    }

    /// Four spam and four ham, interleaved.
    const SCORES: [(f32, bool); 8] = [
        (0.3, true),
        (0.85, false),
        (0.9, true),
        (0.1, false),
        (0.6, true),
        (0.5, false),
        (0.8, true),
        (0.2, false),
    ];

    #[test]
    fn the_corners_are_the_most_spam_for_each_count_of_ham() {
        assert_eq!(
            corners(&SCORES),
            [point(0.9, 0, 1), point(0.6, 1, 3), point(0.3, 2, 4)]
        );
        // A spam and a ham with one score enter together; a top ham makes
        // no corner of its own.
        let tied = [(0.9, true), (0.7, true), (0.7, false), (0.95, false)];
        assert_eq!(corners(&tied), [point(0.9, 1, 1), point(0.7, 2, 2)]);
        assert_eq!(corners(&[(0.4, false)]), []);
        assert_eq!(corners(&[]), []);
    }

    #[test]
    fn the_point_at_a_threshold_counts_scores_at_or_above_it() {
        assert_eq!(at_threshold(&SCORES, HALF), point(0.5, 2, 3));
        let curve = Curve {
            model: ModelKind::FastText,
            at_half: at_threshold(&SCORES, HALF),
            points: corners(&SCORES),
        };
        let caught: Vec<u64> = (0..=4).map(|k| curve.caught_at(k)).collect();
        assert_eq!(caught, [1, 3, 4, 4, 4]);
    }

    #[test]
    fn thinning_keeps_the_start_the_end_and_never_raises_the_curve() {
        // A long curve: one more spam for every further ham.
        let long: Vec<OperatingPoint> = (0..1000).map(|k| point(0.5, k, k + 1)).collect();
        let thinned = thin(long.clone(), 50);
        assert!(thinned.len() <= 51, "{}", thinned.len());
        assert_eq!(thinned.first(), long.first());
        assert_eq!(thinned.last(), long.last());
        let curve = |points: Vec<OperatingPoint>| Curve {
            model: ModelKind::FastText,
            at_half: point(0.5, 0, 0),
            points,
        };
        let (full, thin) = (curve(long), curve(thinned));
        for k in 0..1000 {
            assert!(thin.caught_at(k) <= full.caught_at(k), "at {k}");
        }
        // The first few ham counts each keep their corner.
        for k in 0..5 {
            assert_eq!(thin.caught_at(k), full.caught_at(k), "at {k}");
        }
        // A short curve is kept whole.
        let short = corners(&SCORES);
        assert_eq!(thin_whole(&short), short);
    }

    fn thin_whole(points: &[OperatingPoint]) -> Vec<OperatingPoint> {
        thin(points.to_vec(), MAX_POINTS)
    }

    /// A run folder holding `predictions` (when given) and the run's
    /// record, whose 0.5 counts are the ones [`SCORES`] gives for the model
    /// and those with every score halved for the logistic regression.
    fn run_with(dir: &Path, predictions: Option<&str>) -> (TrainRun, SplitIds) {
        use ninety_kit::metrics::Metrics;
        if let Some(text) = predictions {
            std::fs::write(dir.join("predictions.jsonl"), text).unwrap();
        }
        let counts = |p: OperatingPoint| Counts {
            spam_caught: p.spam_caught,
            spam_missed: 4 - p.spam_caught,
            ham_flagged: p.ham_flagged,
            ham_passed: 4 - p.ham_flagged,
        };
        let halved: Vec<(f32, bool)> = SCORES.iter().map(|&(s, l)| (s / 2.0, l)).collect();
        let model = Metrics::of(counts(at_threshold(&SCORES, HALF)));
        let logreg = Metrics::of(counts(at_threshold(&halved, HALF)));
        let run: TrainRun = serde_json::from_value(serde_json::json!({
            "run_id": "20260101T000000-fasttext-random",
            "model": "fasttext",
            "split": "random",
            "corpus": "mini",
            "device": "cpu",
            "backend": "flex",
            "seed": 7,
            "created_at": "2026-01-01T00:00:00Z",
            "code": {"commit": "0", "dirty": false},
            "inputs": {
                "clean": {"name": "clean.jsonl", "sha256": "0"},
                "labels": "gold",
                "split": {"name": "split.json", "sha256": "0"}
            },
            "params": {},
            "sizes": {"train": 0, "valid": 1, "test": 8},
            "epochs": [],
            "metrics": model,
            "baselines": {"keyword": model, "logreg": logreg},
            "seconds": 1.0,
            "artifact": dir,
        }))
        .unwrap();
        let ids = SplitIds {
            train: Vec::new(),
            valid: vec!["v".into()],
            test: (0..8).map(|i| format!("t{i}")).collect(),
        };
        (run, ids)
    }

    /// [`SCORES`] as prediction lines, `part` added when `parts` is set,
    /// with a validation line first.
    fn lines(parts: bool) -> String {
        let mut out = String::new();
        if parts {
            out.push_str(
                "{\"part\":\"valid\",\"id\":\"v\",\"spam\":true,\"model\":0.01,\"logreg\":0.01}\n",
            );
        }
        for (i, (score, spam)) in SCORES.iter().enumerate() {
            let part = if parts { "\"part\":\"test\"," } else { "" };
            out.push_str(&format!(
                "{{{part}\"id\":\"t{i}\",\"spam\":{spam},\"model\":{score},\"logreg\":{}}}\n",
                score / 2.0
            ));
        }
        out
    }

    #[test]
    fn the_operating_points_come_from_the_test_lines_of_either_format() {
        let dir = tempfile::tempdir().unwrap();
        let (run, ids) = run_with(dir.path(), Some(&lines(true)));
        let data = operating_data(&run, &ids).unwrap();
        assert_eq!((data.test_spam, data.test_ham), (4, 4));
        assert_eq!(data.curves.len(), 2);
        let model = data.curve(ModelKind::FastText).unwrap();
        assert_eq!(model.points, corners(&SCORES));
        assert_eq!(model.at_half, point(0.5, 2, 3));
        let logreg = data.curve(ModelKind::LogReg).unwrap();
        assert_eq!(logreg.at_half, point(0.5, 0, 0));
        assert_eq!(logreg.points.len(), model.points.len());
        // The first runs' lines name no part and hold the test part only.
        let (run, ids) = run_with(dir.path(), Some(&lines(false)));
        assert_eq!(operating_data(&run, &ids).unwrap(), data);
    }

    #[test]
    fn predictions_that_do_not_fit_the_run_are_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let (run, ids) = run_with(dir.path(), None);
        let e = operating_data(&run, &ids).unwrap_err().to_string();
        assert!(e.contains("has no"), "{e}");
        assert!(e.contains("predictions.jsonl"), "{e}");
        assert!(e.contains("trained before"), "{e}");
        assert!(e.contains("--corpus mini --split random"), "{e}");
        // A test message missing.
        let short: String = lines(true)
            .lines()
            .take(8)
            .map(|l| format!("{l}\n"))
            .collect();
        let (run, ids) = run_with(dir.path(), Some(&short));
        let e = operating_data(&run, &ids).unwrap_err().to_string();
        assert!(e.contains("7 test lines"), "{e}");
        // Scores that do not give the run's recorded counts.
        let (run, ids) = run_with(dir.path(), Some(&lines(true).replace("0.3,", "0.7,")));
        let e = operating_data(&run, &ids).unwrap_err().to_string();
        assert!(e.contains("catch 4 spam"), "{e}");
        // No logistic regression beside the model.
        let (run, ids) = run_with(
            dir.path(),
            Some(&lines(false).replace("\"logreg\":0.05", "\"logreg\":null")),
        );
        let e = operating_data(&run, &ids).unwrap_err().to_string();
        assert!(e.contains("no logreg probability"), "{e}");
        // Not a prediction at all.
        let (run, ids) = run_with(dir.path(), Some("{\"id\": 3}\n"));
        let e = operating_data(&run, &ids).unwrap_err().to_string();
        assert!(e.contains("line 1: not a prediction line"), "{e}");
    }

    /// The split's counts for [`reliability_data`]: 1 spam and 3 ham in
    /// validation, 3 spam and 5 ham in test.
    fn split_counts(run: &TrainRun) -> TrainData {
        let part = |name: &str, spam, ham| PartCounts {
            part: name.to_owned(),
            spam,
            ham,
            period_1: spam + ham,
            period_2: 0,
        };
        TrainData {
            about: String::new(),
            run_id: run.run_id.clone(),
            corpus: run.corpus.clone(),
            model: run.model,
            split: run.split,
            seed: run.seed,
            max_epochs: 1,
            patience: 1,
            parts: vec![part("train", 2, 2), part("valid", 1, 3), part("test", 3, 5)],
            test: Counts::default(),
            best_epoch: 0,
            epochs: Vec::new(),
        }
    }

    /// An evaluation of `run_id` whose tables hold the eight test messages
    /// of [`split_counts`].
    fn evaluation(run_id: &str) -> serde_json::Value {
        let table = serde_json::json!([
            {"low": 0.0, "high": 0.5, "count": 5, "mean_score": 0.1, "spam_share": 0.2},
            {"low": 0.5, "high": 1.0, "count": 3, "mean_score": 0.8, "spam_share": 0.6666666666666666}
        ]);
        serde_json::json!({
            "run_id": run_id,
            "corpus": "mini",
            "max_ham_flagged_rate": 0.001,
            "threshold": 0.9,
            "valid": null,
            "test": null,
            "keyword_recall": null,
            "gates": [],
            "ready": false,
            "test_counts": [3, 5],
            "calibration": {
                "ece_before": 0.123456789,
                "ece_after": 0.05,
                "platt": [0.7, 0.1],
                "before": table,
                "after": table
            }
        })
    }

    #[test]
    fn the_reliability_tables_come_from_the_runs_evaluation() {
        let dir = tempfile::tempdir().unwrap();
        let (run, _) = run_with(dir.path(), None);
        let split = split_counts(&run);
        let write = |value: &serde_json::Value| {
            std::fs::write(
                dir.path().join("evaluation.json"),
                serde_json::to_vec_pretty(value).unwrap(),
            )
            .unwrap();
        };
        write(&evaluation(&run.run_id));
        let data = reliability_data(&run, &split).unwrap();
        assert_eq!(data.valid_messages, 4);
        assert_eq!(data.test_messages(), 8);
        assert_eq!(data.ece_before, 0.123457);
        assert_eq!(data.platt, Some(Platt { a: 0.7, b: 0.1 }));
        assert_eq!(data.before[1].spam(), 2);
        assert_eq!(data.after, data.before);
    }

    #[test]
    fn an_evaluation_that_does_not_fit_the_run_is_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let (run, _) = run_with(dir.path(), None);
        let split = split_counts(&run);
        let e = reliability_data(&run, &split).unwrap_err().to_string();
        assert!(e.contains("has no"), "{e}");
        assert!(
            e.contains("ninety run evaluate --corpus mini --run 20260101T000000-fasttext-random"),
            "{e}"
        );
        let write = |value: serde_json::Value| {
            std::fs::write(
                dir.path().join("evaluation.json"),
                serde_json::to_vec(&value).unwrap(),
            )
            .unwrap();
        };
        write(evaluation("20260102T000000-fasttext-random"));
        let e = reliability_data(&run, &split).unwrap_err().to_string();
        assert!(e.contains("judges run `20260102T000000"), "{e}");
        let mut old = evaluation(&run.run_id);
        old.as_object_mut().unwrap().remove("calibration");
        write(old);
        let e = reliability_data(&run, &split).unwrap_err().to_string();
        assert!(e.contains("holds no calibration"), "{e}");
        let mut other = evaluation(&run.run_id);
        other["test_counts"] = serde_json::json!([4, 4]);
        write(other);
        let e = reliability_data(&run, &split).unwrap_err().to_string();
        assert!(e.contains("test part holds 3 and 5"), "{e}");
        write(serde_json::json!({"run_id": 3}));
        let e = reliability_data(&run, &split).unwrap_err().to_string();
        assert!(e.contains("is not an evaluation"), "{e}");
    }
}
