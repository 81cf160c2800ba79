//! The readiness gate: named conditions the spec sets, each passed or
//! failed with the evidence that decided it.
//!
//! A gate turns "is it good enough?" into questions with answers a team can
//! check and argue with. Each gate here is a decision you write; its
//! wording, the evidence a person reads, is given.

use crate::behaviour::Suite;
use crate::intervals::{Interval, Z95, ham_needed, wilson};
use crate::slices::{SliceResult, Verdict};
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

/// The fewest ham a slice needs for its verdict to fail the slices gate: a
/// smaller slice is shown, but one message more or less swings its rate.
pub const MIN_SLICE_HAM: u64 = 30;

/// The pass rate every behavioural suite needs.
pub const MIN_SUITE_RATE: f64 = 0.9;

/// The largest expected calibration error, on the test split after
/// calibration, the calibrated gate accepts.
pub const MAX_ECE: f64 = 0.05;

/// Whether the slices hold: no slice with at least `min_ham` ham
/// [`Verdict::Breaks`] the constraint. Suspect slices and smaller ones do
/// not fail the gate; they are shown in its evidence.
pub fn slices_hold(slices: &[SliceResult], min_ham: u64) -> bool {
    // BEGIN SOLUTION: no broken slice among those big enough
    !slices
        .iter()
        .any(|s| s.verdict == Verdict::Breaks && s.counts.ham >= min_ham)
    // END SOLUTION
}

/// Whether the behavioural suites hold: there is at least one, and every
/// suite's pass rate is at least `min_rate`.
pub fn suites_hold(suites: &[Suite], min_rate: f64) -> bool {
    // BEGIN SOLUTION: at least one suite, and none under the rate
    !suites.is_empty() && suites.iter().all(|s| s.rate() >= min_rate)
    // END SOLUTION
}

/// The slices gate, with its evidence. Given: it calls your
/// [`slices_hold`].
pub fn slices_gate(slices: &[SliceResult], min_ham: u64) -> Gate {
    let named = |v: Verdict| -> Vec<String> {
        slices
            .iter()
            .filter(|s| s.verdict == v)
            .map(|s| {
                format!(
                    "{}={} ({} of {} ham)",
                    s.counts.dimension, s.counts.value, s.counts.ham_flagged, s.counts.ham
                )
            })
            .collect()
    };
    let (broken, suspect) = (named(Verdict::Breaks), named(Verdict::Suspect));
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.join(", ")
        }
    };
    Gate {
        name: "slices".into(),
        passed: slices_hold(slices, min_ham),
        evidence: format!(
            "{} slices; breaking the constraint: {}; suspect: {}; a slice needs {min_ham} ham to fail the gate",
            slices.len(),
            list(&broken),
            list(&suspect)
        ),
    }
}

/// The behavioural gate, with its evidence. Given: it calls your
/// [`suites_hold`].
pub fn behaviour_gate(suites: &[Suite], min_rate: f64) -> Gate {
    let rates: Vec<String> = suites
        .iter()
        .map(|s| format!("{} {}/{}", s.name, s.passed, s.total))
        .collect();
    Gate {
        name: "behaviour".into(),
        passed: suites_hold(suites, min_rate),
        evidence: format!(
            "every suite needs {} of its cases to pass: {}",
            percent(min_rate),
            if rates.is_empty() {
                "no suites were run".to_owned()
            } else {
                rates.join(", ")
            }
        ),
    }
}

/// The calibration gate: the expected calibration error on the test split
/// after calibration (`after`, absent when there was nothing to fit) is at
/// most `max_ece`. Given.
pub fn calibration_gate(before: f64, after: Option<f64>, max_ece: f64) -> Gate {
    Gate {
        name: "calibrated".into(),
        passed: after.is_some_and(|a| a <= max_ece),
        evidence: match after {
            Some(a) => format!(
                "expected calibration error on test {before:.4} raw, {a:.4} after Platt scaling fitted on validation, against at most {max_ece:.2}"
            ),
            None => format!(
                "expected calibration error on test {before:.4} raw; no calibrator could be fitted on validation"
            ),
        },
    }
}
