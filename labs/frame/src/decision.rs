//! What errors cost, and the operating constraint that decides whether a
//! filter may ship.

use crate::metrics::Confusion;
use crate::spec::{Costs, MetricSpec};
use serde::Serialize;

impl Costs {
    /// The total cost of a confusion matrix: each count times its cost.
    pub fn total(&self, m: &Confusion) -> f64 {
        // BEGIN SOLUTION: add up what the four counts cost, each count at its own cost
        m.ham_flagged as f64 * self.false_positive
            + m.spam_missed as f64 * self.false_negative
            + m.spam_caught as f64 * self.true_positive
            + m.ham_passed as f64 * self.true_negative
        // END SOLUTION
    }

    /// The average cost per message; `None` for an empty matrix.
    pub fn per_message(&self, m: &Confusion) -> Option<f64> {
        // BEGIN SOLUTION: give the average cost of one message, with no average for an empty matrix
        let n = m.total();
        (n > 0).then(|| self.total(m) / n as f64)
        // END SOLUTION
    }
}

// ANCHOR: verdict
/// Whether a filter's results meet the spec's operating constraint.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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

impl MetricSpec {
    /// The ham a test set needs before a perfect result can show the
    /// constraint holds: `ceil(3 / max_ham_flagged_rate)`. With no errors in
    /// n trials, 3/n is roughly the 95% upper bound on the true error rate.
    pub fn ham_needed(&self) -> u64 {
        // BEGIN SOLUTION: give the number of ham a test needs, by the rule of three
        (3.0 / self.max_ham_flagged_rate).ceil() as u64
        // END SOLUTION
    }

    /// Judges a confusion matrix against the constraint. A rate above the
    /// maximum is a violation whatever the sample size; otherwise too little
    /// ham is not enough evidence; otherwise it meets the constraint.
    pub fn judge(&self, m: &Confusion) -> Verdict {
        // BEGIN SOLUTION: decide whether the matrix meets the
        //   constraint, violates it, or has too little ham to tell
        let needed = self.ham_needed();
        match m.ham_flagged_rate() {
            Some(rate) if rate > self.max_ham_flagged_rate => Verdict::Violates {
                ham_flagged_rate: rate,
                max: self.max_ham_flagged_rate,
            },
            Some(rate) if m.ham() >= needed => Verdict::Meets {
                ham_flagged_rate: rate,
            },
            _ => Verdict::TooFewHam {
                ham: m.ham(),
                needed,
            },
        }
        // END SOLUTION
    }
}
