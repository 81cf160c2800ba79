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
}
