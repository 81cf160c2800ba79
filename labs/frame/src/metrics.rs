//! The confusion matrix of a spam filter and the rates read off it.
//!
//! Every metric in this course starts from four counts. The names say what
//! happened to the message, so nobody has to remember which of "false
//! positive" and "false negative" is the lost email.

use ninety_kit::Label;
use serde::Serialize;

// ANCHOR: confusion
/// What a filter did to a set of messages whose true labels are known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Confusion {
    /// Spam sent to the spam folder (true positives).
    pub spam_caught: u64,
    /// Spam left in the inbox (false negatives).
    pub spam_missed: u64,
    /// Real mail sent to the spam folder (false positives: lost email).
    pub ham_flagged: u64,
    /// Real mail delivered (true negatives).
    pub ham_passed: u64,
}
// ANCHOR_END: confusion

impl Confusion {
    /// Counts `(gold, predicted)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Label, Label)>) -> Self {
        // BEGIN SOLUTION: count each (gold, predicted) pair in the cell of the matrix it belongs to
        let mut m = Confusion::default();
        for (gold, predicted) in pairs {
            match (gold, predicted) {
                (Label::Spam, Label::Spam) => m.spam_caught += 1,
                (Label::Spam, Label::Ham) => m.spam_missed += 1,
                (Label::Ham, Label::Spam) => m.ham_flagged += 1,
                (Label::Ham, Label::Ham) => m.ham_passed += 1,
            }
        }
        m
        // END SOLUTION
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

    /// The share of real mail sent to spam, `ham_flagged / ham`; `None`
    /// when there is no ham to judge by.
    pub fn ham_flagged_rate(&self) -> Option<f64> {
        // BEGIN SOLUTION: divide the ham sent to spam by
        //   all the ham, with no rate when there is no ham
        ratio(self.ham_flagged, self.ham())
        // END SOLUTION
    }

    /// Recall on spam, `spam_caught / spam`; `None` when there is no spam.
    pub fn spam_recall(&self) -> Option<f64> {
        // BEGIN SOLUTION: divide the spam caught by all
        //   the spam, with no recall when there is no spam
        ratio(self.spam_caught, self.spam())
        // END SOLUTION
    }

    /// Precision on spam, `spam_caught / flagged`; `None` when nothing was flagged.
    pub fn precision(&self) -> Option<f64> {
        // BEGIN SOLUTION: give the share of the messages sent to spam that
        //   really were spam, with no precision when nothing was sent there
        ratio(self.spam_caught, self.spam_caught + self.ham_flagged)
        // END SOLUTION
    }

    /// F1 on spam, the harmonic mean of precision and recall; `None` when
    /// either is undefined, `Some(0.0)` when both are zero.
    pub fn spam_f1(&self) -> Option<f64> {
        // BEGIN SOLUTION: combine precision and spam recall into their harmonic mean, the F1 score
        // With both defined, 2pr / (p + r) is 2·caught / (2·caught + flagged
        // + missed), whose denominator is never 0: no case for p = r = 0.
        self.precision()?;
        self.spam_recall()?;
        let caught = 2.0 * self.spam_caught as f64;
        Some(caught / (caught + self.ham_flagged as f64 + self.spam_missed as f64))
        // END SOLUTION
    }

    /// The share of messages labelled right; `None` for an empty matrix.
    pub fn accuracy(&self) -> Option<f64> {
        // BEGIN SOLUTION: give the share of all messages that were
        //   decided right, with no accuracy for an empty matrix
        ratio(self.spam_caught + self.ham_passed, self.total())
        // END SOLUTION
    }
}

/// `n / d`, or `None` when `d` is zero: a rate over nothing is not zero, it
/// is unknown, and reporting it as 0 hides that.
pub fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}
