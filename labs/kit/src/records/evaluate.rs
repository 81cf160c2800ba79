//! The evaluate stage's record: `evaluation.json` in a run's folder, and
//! the stage's summary.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A rate measured on a test set, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// Events.
    pub count: u64,
    /// Trials.
    pub of: u64,
    /// `count / of` (0 when there are no trials).
    pub value: f64,
    /// The interval's lower end (Wilson's, 95%).
    pub low: f64,
    /// Its upper end.
    pub high: f64,
}

/// One gate of the readiness gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateResult {
    /// Its name: `constraint`, `test-set-size`, `beats-keyword`, `beats-logreg`.
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// The numbers that decided it, in words.
    pub evidence: String,
}

/// What a threshold does on one split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AtThreshold {
    /// Spam recall, with its interval.
    pub spam_recall: Rate,
    /// The ham-flagged rate, with its interval.
    pub ham_flagged: Rate,
    /// Precision: spam among what was flagged (absent when nothing was).
    pub precision: Option<f64>,
}

/// One operating point on the test split: a threshold and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Flag a message when its score is at least this.
    pub threshold: f64,
    /// Spam flagged.
    pub spam_caught: u64,
    /// Ham flagged.
    pub ham_flagged: u64,
    /// Spam recall.
    pub recall: f64,
    /// The ham-flagged rate.
    pub ham_flagged_rate: f64,
}

/// A run, judged by the spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The run evaluated.
    pub run_id: String,
    /// Its corpus.
    pub corpus: String,
    /// The spec's largest ham-flagged rate.
    pub max_ham_flagged_rate: f64,
    /// The threshold chosen on validation (absent when no threshold meets
    /// the constraint there).
    pub threshold: Option<f64>,
    /// The threshold on the validation split, where it was chosen.
    pub valid: Option<AtThreshold>,
    /// The threshold on the test split, reported once.
    pub test: Option<AtThreshold>,
    /// The logistic regression at its own threshold chosen the same way:
    /// its test spam recall (absent when the run has no baseline scores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logreg_recall: Option<f64>,
    /// The keyword rule's test spam recall.
    pub keyword_recall: Option<f64>,
    /// Every gate, in order.
    pub gates: Vec<GateResult>,
    /// The test split's operating points, highest threshold first (at most
    /// a few hundred, evenly spaced), as the learner's `operating_points`
    /// gives them: the curve the workbench lets a person walk along.
    #[serde(default)]
    pub test_curve: Vec<Point>,
    /// Spam and ham in the test split.
    #[serde(default)]
    pub test_counts: (u64, u64),
    /// Whether every gate passed.
    pub ready: bool,
    /// The model card written beside the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_card: Option<PathBuf>,
    /// F1 on the test split at the threshold, with a seeded bootstrap
    /// interval (absent with no threshold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f1: Option<F1>,
    /// Calibration on the test split, raw and after Platt scaling fitted
    /// on validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    /// Every slice of the test split at the threshold, the worst first.
    #[serde(default)]
    pub slices: Vec<Slice>,
    /// The behavioural suites.
    #[serde(default)]
    pub behavioural: Vec<SuiteResult>,
    /// The test messages the slices and the view point at: id, label,
    /// score, in the order of the split.
    #[serde(default)]
    pub test_messages: Vec<TestMessage>,
    /// The id the evaluated model was registered under (`.ninety/models/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_id: Option<String>,
}

/// F1 at the threshold, with its bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct F1 {
    /// F1 on the whole test split.
    pub value: f64,
    /// The interval's lower end (percentile bootstrap, 95%).
    pub low: f64,
    /// Its upper end.
    pub high: f64,
    /// Resamples drawn.
    pub draws: usize,
    /// Their seed.
    pub seed: u64,
}

/// One bin of a reliability table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// The bin's lowest score.
    pub low: f64,
    /// Its highest.
    pub high: f64,
    /// Messages in it.
    pub count: u64,
    /// Their mean score.
    pub mean_score: f64,
    /// The share of them that are spam.
    pub spam_share: f64,
}

/// Calibration on the test split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Expected calibration error of the raw scores.
    pub ece_before: f64,
    /// After Platt scaling (absent when nothing could be fitted).
    pub ece_after: Option<f64>,
    /// Platt's slope and shift, fitted on validation.
    pub platt: Option<(f64, f64)>,
    /// The reliability table of the raw scores.
    pub before: Vec<ReliabilityBin>,
    /// Of the calibrated scores.
    pub after: Vec<ReliabilityBin>,
}

/// One slice of the test split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slice {
    /// The dimension: `collection`, `format`, `charset`, `length`, `attachment`.
    pub dimension: String,
    /// The slice's value along it.
    pub value: String,
    /// Ham flagged, with its interval.
    pub ham_flagged: Rate,
    /// Spam recall, with its interval.
    pub spam_recall: Rate,
    /// `breaks`, `suspect`, `holds` or `no-ham`.
    pub verdict: String,
    /// The slice's messages: indices into the evaluation's `test_messages`.
    pub members: Vec<u32>,
}

/// One behavioural suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuiteResult {
    /// Its name.
    pub name: String,
    /// What its cases expect: `same`, `up` or `label`.
    pub kind: String,
    /// Cases passed.
    pub passed: u64,
    /// Cases.
    pub total: u64,
    /// The names of some failed cases.
    pub failures: Vec<String>,
}

/// A test message as the evaluation saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestMessage {
    /// Its id.
    pub id: String,
    /// Whether it is spam.
    pub spam: bool,
    /// The model's score.
    pub score: f64,
}
