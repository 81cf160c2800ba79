//! The numbers a spam filter is judged by.
//!
//! Given (not part of the exercise; the frame lab taught them). Spam is the
//! positive class. "Ham flagged" is the share of real mail the filter would
//! have hidden: the product's promise is about that one.

use serde::Serialize;

/// Test figures of a classifier.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Examples judged.
    pub examples: usize,
    /// Spam caught.
    pub true_positives: usize,
    /// Ham flagged as spam.
    pub false_positives: usize,
    /// Spam let through.
    pub false_negatives: usize,
    /// Ham let through.
    pub true_negatives: usize,
    /// Of what was flagged, the share that was spam (0 when nothing was).
    pub precision: f64,
    /// Of the spam, the share flagged (0 when there was none).
    pub recall: f64,
    /// The harmonic mean of precision and recall (0 when both are 0).
    pub spam_f1: f64,
    /// Of the ham, the share flagged (0 when there was none).
    pub ham_flagged_rate: f64,
    /// The share judged right.
    pub accuracy: f64,
}

impl Metrics {
    /// The figures of `(predicted spam, is spam)` pairs.
    pub fn of(pairs: impl IntoIterator<Item = (bool, bool)>) -> Self {
        let mut m = Metrics::default();
        for (predicted, actual) in pairs {
            m.examples += 1;
            match (predicted, actual) {
                (true, true) => m.true_positives += 1,
                (true, false) => m.false_positives += 1,
                (false, true) => m.false_negatives += 1,
                (false, false) => m.true_negatives += 1,
            }
        }
        let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        m.precision = share(m.true_positives, m.true_positives + m.false_positives);
        m.recall = share(m.true_positives, m.true_positives + m.false_negatives);
        m.spam_f1 = if m.precision + m.recall == 0.0 {
            0.0
        } else {
            2.0 * m.precision * m.recall / (m.precision + m.recall)
        };
        m.ham_flagged_rate = share(m.false_positives, m.false_positives + m.true_negatives);
        m.accuracy = share(m.true_positives + m.true_negatives, m.examples);
        m
    }
}
