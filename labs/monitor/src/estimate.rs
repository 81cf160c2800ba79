//! Performance, measured and estimated.
//!
//! Labels come late: a user reports a spam days after it arrived, or never
//! moves a message at all. So performance is known twice: measured on the
//! predictions whose feedback has arrived (a biased sample: people report
//! mistakes more than successes), and estimated for all of them from the
//! calibrated probabilities the model gave, before any feedback: if the
//! probabilities are honest, a message flagged with probability 0.9 is a
//! true positive nine times in ten.

use ninety_kit::Label;
use ninety_kit::metrics::Counts;
use std::collections::HashMap;

// ANCHOR: expected
/// A confusion matrix in expected counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Expected {
    /// Spam flagged.
    pub tp: f64,
    /// Ham flagged.
    pub fp: f64,
    /// Ham let through.
    pub tn: f64,
    /// Spam let through.
    pub fn_: f64,
}
// ANCHOR_END: expected

impl Expected {
    /// Spam F1 of the expected counts; None when there is no expected spam
    /// and nothing flagged. Given.
    pub fn f1(&self) -> Option<f64> {
        let d = 2.0 * self.tp + self.fp + self.fn_;
        (d > 0.0).then(|| 2.0 * self.tp / d)
    }

    /// The expected share of ham flagged; None with no expected ham. Given.
    pub fn ham_flagged_rate(&self) -> Option<f64> {
        let ham = self.fp + self.tn;
        (ham > 0.0).then(|| self.fp / ham)
    }
}

/// One served prediction, as the monitor reads it from the log (the
/// request id borrowed from the log's record).
#[derive(Debug, Clone, PartialEq)]
pub struct Served<'a> {
    /// The request's id.
    pub request_id: &'a str,
    /// Whether it was flagged.
    pub spam: bool,
    /// The calibrated probability of spam.
    pub probability: f64,
}

// ANCHOR: estimate
/// The confusion matrix expected of `predictions` if their calibrated
/// probabilities are right (confidence-based performance estimation): a
/// flagged message adds its probability to `tp` and the rest to `fp`; a
/// message let through adds its probability to `fn_` and the rest to
/// `tn`.
pub fn estimate(predictions: &[Served<'_>]) -> Expected {
    // BEGIN SOLUTION: split each message's probability between the two
    //   cells of its decision
    let mut e = Expected::default();
    for p in predictions {
        if p.spam {
            e.tp += p.probability;
            e.fp += 1.0 - p.probability;
        } else {
            e.fn_ += p.probability;
            e.tn += 1.0 - p.probability;
        }
    }
    e
    // END SOLUTION
}
// ANCHOR_END: estimate

/// What the feedback that arrived says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measured {
    /// The confusion matrix of the predictions with feedback.
    pub counts: Counts,
    /// Feedback for request ids that are not among the predictions:
    /// counted, not lost (a prediction outside the window, or a bug).
    pub unknown: usize,
}

// ANCHOR: measure
/// The predictions' confusion matrix on the feedback that arrived, by
/// request id. When one request has several feedback records, the last
/// one counts (a user changed their mind). Feedback whose id is not among
/// the predictions is counted in `unknown`, once per record.
pub fn measure(predictions: &[Served<'_>], feedback: &[(String, Label)]) -> Measured {
    // BEGIN SOLUTION: the last label per id, then each prediction that
    //   has one into its cell; ids with no prediction counted apart
    let decided: HashMap<&str, bool> = predictions.iter().map(|p| (p.request_id, p.spam)).collect();
    let mut last: HashMap<&str, Label> = HashMap::new();
    let mut unknown = 0;
    for (id, label) in feedback {
        if decided.contains_key(id.as_str()) {
            last.insert(id.as_str(), *label);
        } else {
            unknown += 1;
        }
    }
    let counts = Counts::from_decisions(
        last.iter()
            .map(|(id, label)| (decided[id], *label == Label::Spam)),
    );
    Measured { counts, unknown }
    // END SOLUTION
}
// ANCHOR_END: measure
