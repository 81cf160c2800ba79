//! The frame stage's record: the keyword baseline, judged by the learner's spec.

use crate::metrics::Metrics;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

// ANCHOR: verdict
/// Whether a filter's results meet the spec's operating constraint.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// It sent at most the allowed share of ham to spam, on at least the ham
    /// the rule of three asks for. A first gate, not a proof: with some ham
    /// flagged, the true rate can still be above the maximum; the evaluate
    /// lab puts a confidence bound on it.
    Meets {
        /// The observed share of ham sent to spam.
        ham_flagged_rate: f64,
    },
    /// It sent more ham to spam than allowed: it loses real mail.
    Violates {
        /// The observed share of ham sent to spam.
        ham_flagged_rate: f64,
        /// The most the spec allows.
        max: f64,
    },
    /// Too little ham was tested to show the rate is low enough, even if no
    /// ham was flagged at all.
    TooFewHam {
        /// The ham tested.
        ham: u64,
        /// The ham needed: 3 / max, rounded up (the rule of three).
        needed: u64,
    },
}
// ANCHOR_END: verdict

impl Verdict {
    /// Whether the filter may ship on this evidence.
    pub fn accepts(&self) -> bool {
        matches!(self, Verdict::Meets { .. })
    }
}

/// How a set of timings compares with the latency budget.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatencyReport {
    /// The measured 99th percentile, in milliseconds.
    pub p99_ms: f64,
    /// The budget, in milliseconds.
    pub budget_ms: f64,
    /// Whether the p99 is within the budget.
    pub within_budget: bool,
}

/// The corpus a stage ran on, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorpusCounts {
    /// Its name.
    pub name: String,
    /// Messages in it.
    pub messages: usize,
    /// Of which ham.
    pub ham: usize,
    /// Of which spam.
    pub spam: usize,
}

/// The keyword baseline's settings, from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineSettings {
    /// How many keywords.
    pub keywords: usize,
    /// Hits needed to call a message spam.
    pub min_hits: u32,
}

/// What the errors cost, by the spec's prices.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CostFigures {
    /// The cost over the whole corpus.
    pub total: f64,
    /// Per message; `None` for an empty corpus.
    pub per_message: Option<f64>,
}

/// The spec's operating constraint and the verdict on the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Constraint {
    /// The most ham the spec lets the filter flag.
    pub max_ham_flagged_rate: f64,
    /// The ham a test needs to show that (the rule of three).
    pub ham_needed: u64,
    /// The verdict.
    pub verdict: Verdict,
    /// Whether the baseline may ship on this evidence.
    pub accepted: bool,
}

/// The frame stage's summary (`frame/baseline/summary.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameSummary {
    /// The spec, relative to the workspace.
    pub spec: String,
    /// The spec's target question.
    pub target: String,
    /// The corpus it ran on.
    pub corpus: CorpusCounts,
    /// The baseline's settings.
    pub baseline: BaselineSettings,
    /// The baseline's figures, computed by the learner's code.
    pub metrics: Metrics,
    /// What its errors cost.
    pub costs: CostFigures,
    /// The constraint and the verdict.
    pub constraint: Constraint,
    /// The latency of one prediction against the budget; `None` without
    /// messages.
    pub latency: Option<LatencyReport>,
    /// The artifact's manifest.
    pub artifact: PathBuf,
    /// When the artifact was written.
    pub artifact_created_at: String,
    /// Wall time of the stage.
    pub seconds: f64,
}
