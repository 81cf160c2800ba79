//! The numbers a spam filter is judged by, in one vocabulary for every stage.
//!
//! Spam is the positive class. The four counts are named by what happened to
//! the message, so nobody has to remember which of "false positive" and
//! "false negative" is the lost email; the rates are read off them. A rate
//! over nothing is not zero, it is unknown, so each rate is an `Option`.
//!
//! The frame lab has the learner write these rates for its own `Confusion`;
//! the stages after it use this module, so that a frame summary and a train
//! run speak the same words.

use serde::{Deserialize, Serialize};

/// What a filter did to a set of messages whose true labels are known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Spam sent to the spam folder (true positives).
    pub spam_caught: u64,
    /// Spam left in the inbox (false negatives).
    pub spam_missed: u64,
    /// Real mail sent to the spam folder (false positives: lost email).
    pub ham_flagged: u64,
    /// Real mail delivered (true negatives).
    pub ham_passed: u64,
}

impl Counts {
    /// Counts `(predicted spam, is spam)` pairs.
    pub fn from_decisions(pairs: impl IntoIterator<Item = (bool, bool)>) -> Self {
        let mut c = Counts::default();
        for (predicted, actual) in pairs {
            match (predicted, actual) {
                (true, true) => c.spam_caught += 1,
                (false, true) => c.spam_missed += 1,
                (true, false) => c.ham_flagged += 1,
                (false, false) => c.ham_passed += 1,
            }
        }
        c
    }

    /// All messages counted.
    pub fn total(&self) -> u64 {
        self.spam_caught + self.spam_missed + self.ham_flagged + self.ham_passed
    }

    /// Real messages counted.
    pub fn ham(&self) -> u64 {
        self.ham_flagged + self.ham_passed
    }

    /// Spam messages counted.
    pub fn spam(&self) -> u64 {
        self.spam_caught + self.spam_missed
    }
}

/// The counts and the rates read off them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// The four counts.
    pub confusion: Counts,
    /// Of the spam, the share caught; `None` without spam.
    pub spam_recall: Option<f64>,
    /// Of what was flagged, the share that was spam; `None` when nothing was.
    pub precision: Option<f64>,
    /// The harmonic mean of precision and recall; `None` when either is
    /// undefined, 0 when both are 0.
    pub spam_f1: Option<f64>,
    /// Of the ham, the share flagged: the product's promise is about this
    /// one; `None` without ham.
    pub ham_flagged_rate: Option<f64>,
    /// The share judged right; `None` for no messages.
    pub accuracy: Option<f64>,
}

/// `n / d`, or `None` when `d` is zero.
pub fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl Metrics {
    /// The rates of `counts`.
    pub fn of(counts: Counts) -> Self {
        let c = counts;
        let spam_recall = ratio(c.spam_caught, c.spam());
        let precision = ratio(c.spam_caught, c.spam_caught + c.ham_flagged);
        let spam_f1 = match (precision, spam_recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
        Metrics {
            confusion: c,
            spam_recall,
            precision,
            spam_f1,
            ham_flagged_rate: ratio(c.ham_flagged, c.ham()),
            accuracy: ratio(c.spam_caught + c.ham_passed, c.total()),
        }
    }

    /// The figures of `(predicted spam, is spam)` pairs.
    pub fn from_decisions(pairs: impl IntoIterator<Item = (bool, bool)>) -> Self {
        Metrics::of(Counts::from_decisions(pairs))
    }

    /// Spam F1, with an undefined F1 (no spam, or nothing flagged) as 0:
    /// for ranking, where "unknown" must still sort somewhere.
    pub fn f1_or_zero(&self) -> f64 {
        self.spam_f1.unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_follow_the_counts_and_undefined_rates_are_none() {
        // 3 spam caught, 1 missed, 1 ham flagged, 5 passed.
        let pairs = [
            (true, true),
            (true, true),
            (true, true),
            (false, true),
            (true, false),
        ]
        .into_iter()
        .chain(std::iter::repeat_n((false, false), 5));
        let m = Metrics::from_decisions(pairs);
        assert_eq!(
            m.confusion,
            Counts {
                spam_caught: 3,
                spam_missed: 1,
                ham_flagged: 1,
                ham_passed: 5
            }
        );
        assert_eq!(m.spam_recall, Some(0.75));
        assert_eq!(m.precision, Some(0.75));
        assert_eq!(m.spam_f1, Some(0.75));
        assert_eq!(m.ham_flagged_rate, Some(1.0 / 6.0));
        assert_eq!(m.accuracy, Some(0.8));

        let none = Metrics::of(Counts::default());
        assert_eq!(
            (none.spam_recall, none.precision, none.spam_f1),
            (None, None, None)
        );
        assert_eq!(none.f1_or_zero(), 0.0);
        // Spam present but none caught and nothing flagged: recall 0,
        // precision unknown, so F1 unknown.
        let missed = Metrics::from_decisions([(false, true)]);
        assert_eq!(missed.spam_recall, Some(0.0));
        assert_eq!(missed.spam_f1, None);
        // Something flagged, all of it ham, and spam missed: both 0, F1 0.
        let wrong = Metrics::from_decisions([(true, false), (false, true)]);
        assert_eq!(wrong.spam_f1, Some(0.0));
    }
}
