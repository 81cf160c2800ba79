//! What errors cost, and the operating constraint that decides whether a
//! filter may ship.

use crate::metrics::Confusion;
use crate::spec::{Costs, MetricSpec};

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

/// The verdict: whether a filter's results meet the constraint. It is a
/// record the frame stage writes, so it lives in the kit.
pub use ninety_kit::records::frame::Verdict;

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
