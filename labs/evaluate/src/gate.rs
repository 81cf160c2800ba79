//! The readiness gate: named conditions the spec sets, each passed or
//! failed with the evidence that decided it.
//!
//! A gate turns "is it good enough?" into questions with answers a team can
//! check and argue with. Each gate here is a decision you write; its
//! wording, the evidence a person reads, is given.

use crate::intervals::{Interval, Z95, ham_needed, wilson};
use serde::Serialize;

// ANCHOR: gate
/// One gate: its name, whether it passed, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gate {
    /// A short name: `constraint`, `test-set-size`, `beats-keyword`, ...
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// The numbers that decided it, in words.
    pub evidence: String,
}
// ANCHOR_END: gate

/// A rate as a percentage with two decimals. Given.
pub fn percent(rate: f64) -> String {
    format!("{:.2}%", rate * 100.0)
}

/// Whether the ham-flagged constraint is shown on the test split:
/// `flagged` of `ham` test ham were flagged, and the spec allows at most
/// `max_rate`. It passes only when the whole 95% Wilson interval of the
/// rate is at most `max_rate`: a measured rate under the line is not
/// enough when the truth could be over it.
pub fn constraint_shown(flagged: u64, ham: u64, max_rate: f64) -> bool {
    // BEGIN SOLUTION: the interval's upper end against the spec's maximum
    wilson(flagged, ham, Z95).high <= max_rate
    // END SOLUTION
}

/// Whether `ham` test ham are enough to show a rate of `max_rate` at all,
/// by the rule of three (even with none flagged).
pub fn big_enough(ham: u64, max_rate: f64) -> bool {
    // BEGIN SOLUTION: compare with the ham the rule of three needs
    ham >= ham_needed(max_rate)
    // END SOLUTION
}

/// Whether the model's spam recall beats a baseline's beyond the luck of
/// the test set: the model's 95% interval (`model`) lies wholly above the
/// baseline's measured recall.
pub fn beats(model: Interval, baseline_recall: f64) -> bool {
    // BEGIN SOLUTION: the interval's lower end above the baseline
    model.low > baseline_recall
    // END SOLUTION
}

// ANCHOR: constraint_gate
/// The constraint gate, with its evidence. Given: it calls your
/// [`constraint_shown`].
pub fn constraint_gate(flagged: u64, ham: u64, max_rate: f64) -> Gate {
    let i = wilson(flagged, ham, Z95);
    let rate = if ham == 0 {
        0.0
    } else {
        flagged as f64 / ham as f64
    };
    Gate {
        name: "constraint".into(),
        passed: constraint_shown(flagged, ham, max_rate),
        evidence: format!(
            "{flagged} of {ham} test ham flagged ({}, 95% interval {} to {}) against at most {}",
            percent(rate),
            percent(i.low),
            percent(i.high),
            percent(max_rate)
        ),
    }
}
// ANCHOR_END: constraint_gate

/// The test-set-size gate, with its evidence. Given: it calls your
/// [`big_enough`].
pub fn size_gate(ham: u64, max_rate: f64) -> Gate {
    Gate {
        name: "test-set-size".into(),
        passed: big_enough(ham, max_rate),
        evidence: format!(
            "{ham} test ham; showing a rate below {} needs at least {} (the rule of three)",
            percent(max_rate),
            ham_needed(max_rate)
        ),
    }
}

/// A gate that the model beats a baseline, with its evidence. Given: it
/// calls your [`beats`].
pub fn beats_gate(baseline: &str, model: Interval, baseline_recall: f64) -> Gate {
    Gate {
        name: format!("beats-{baseline}"),
        passed: beats(model, baseline_recall),
        evidence: format!(
            "spam recall 95% interval {} to {} against the {baseline}'s {}",
            percent(model.low),
            percent(model.high),
            percent(baseline_recall)
        ),
    }
}

/// Ready when every gate passed (and there is at least one).
pub fn ready(gates: &[Gate]) -> bool {
    !gates.is_empty() && gates.iter().all(|g| g.passed)
}
