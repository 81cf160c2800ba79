//! Slices: the test split cut into groups that a total can hide.
//!
//! A model can meet the constraint on the whole test split and break it for
//! one kind of mail: newsletters written in HTML, mail in one charset, long
//! messages. Those users are not comforted by the average. Each slice gets
//! its own counts and intervals, and a verdict that says what its evidence
//! shows: a small slice's rate is noisy, so a measured rate over the line
//! is a warning, and only an interval wholly over it is a failure.

use crate::intervals::{Interval, Z95, wilson};
use serde::Serialize;

// ANCHOR: sliced
/// A test message as the slices see it: which slice it is in along each
/// dimension, its label and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Sliced {
    /// `(dimension, value)` pairs, one per dimension: `("format",
    /// "html-only")`, `("length", "under 1k")`, ...
    pub keys: Vec<(String, String)>,
    /// Whether it is spam.
    pub spam: bool,
    /// The model's score.
    pub score: f64,
}

/// One slice's counts at a threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SliceCounts {
    /// The dimension: `format`, `charset`, ...
    pub dimension: String,
    /// The slice's value along it.
    pub value: String,
    /// Ham in the slice.
    pub ham: u64,
    /// Of them, flagged.
    pub ham_flagged: u64,
    /// Spam in the slice.
    pub spam: u64,
    /// Of them, caught.
    pub spam_caught: u64,
}
// ANCHOR_END: sliced

/// The counts of every slice at `threshold` (a message is flagged when its
/// score is at least the threshold): one entry per `(dimension, value)`
/// pair that some message has, ordered by dimension, then value (the
/// strings' order).
pub fn slice_counts(messages: &[Sliced], threshold: f64) -> Vec<SliceCounts> {
    // BEGIN SOLUTION: group the messages by each of their (dimension,
    //   value) pairs and count ham, ham flagged, spam and spam caught
    let mut groups: std::collections::BTreeMap<(&str, &str), SliceCounts> =
        std::collections::BTreeMap::new();
    for m in messages {
        let flagged = m.score >= threshold;
        for (dimension, value) in &m.keys {
            let c = groups
                .entry((dimension.as_str(), value.as_str()))
                .or_insert_with(|| SliceCounts {
                    dimension: dimension.clone(),
                    value: value.clone(),
                    ham: 0,
                    ham_flagged: 0,
                    spam: 0,
                    spam_caught: 0,
                });
            if m.spam {
                c.spam += 1;
                c.spam_caught += u64::from(flagged);
            } else {
                c.ham += 1;
                c.ham_flagged += u64::from(flagged);
            }
        }
    }
    groups.into_values().collect()
    // END SOLUTION
}

// ANCHOR: verdict
/// What a slice's ham shows about the constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The whole interval of its ham-flagged rate is over the maximum:
    /// this slice's users lose more real mail than the spec allows.
    Breaks,
    /// Its measured rate is over the maximum, but the interval reaches
    /// under it: too few ham to be sure, worth a look.
    Suspect,
    /// Its measured rate is within the maximum.
    Holds,
    /// No ham in the slice: nothing to say about the constraint.
    NoHam,
}
// ANCHOR_END: verdict

/// The verdict on a slice with `flagged` of `ham` ham flagged, against a
/// maximum rate of `max_rate`, using the 95% Wilson interval.
pub fn verdict(flagged: u64, ham: u64, max_rate: f64) -> Verdict {
    // BEGIN SOLUTION: no ham, nothing to say; the interval's low end over
    //   the line breaks it; the measured rate over the line is suspect
    if ham == 0 {
        return Verdict::NoHam;
    }
    if wilson(flagged, ham, Z95).low > max_rate {
        Verdict::Breaks
    } else if flagged as f64 / ham as f64 > max_rate {
        Verdict::Suspect
    } else {
        Verdict::Holds
    }
    // END SOLUTION
}

/// A slice judged: its counts, their 95% intervals and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SliceResult {
    /// Its counts.
    #[serde(flatten)]
    pub counts: SliceCounts,
    /// The interval of its ham-flagged rate.
    pub ham_flagged_interval: Interval,
    /// The interval of its spam recall.
    pub recall_interval: Interval,
    /// Its verdict.
    pub verdict: Verdict,
}

/// Every slice at `threshold`, judged against `max_rate`, the worst first:
/// broken slices, then suspect ones, each by the low end of its
/// ham-flagged interval (highest first); then the rest by the high end of
/// their spam recall's interval (lowest first): the slices whose recall is
/// surely low, not those too small to say, which is where a slice that
/// meets the constraint can still let users down. Given: it calls your
/// [`slice_counts`] and [`verdict`].
pub fn judge(messages: &[Sliced], threshold: f64, max_rate: f64) -> Vec<SliceResult> {
    let mut results: Vec<SliceResult> = slice_counts(messages, threshold)
        .into_iter()
        .map(|c| SliceResult {
            ham_flagged_interval: wilson(c.ham_flagged, c.ham, Z95),
            recall_interval: wilson(c.spam_caught, c.spam, Z95),
            verdict: verdict(c.ham_flagged, c.ham, max_rate),
            counts: c,
        })
        .collect();
    let rank = |v: Verdict| match v {
        Verdict::Breaks => 0,
        Verdict::Suspect => 1,
        Verdict::Holds | Verdict::NoHam => 2,
    };
    // Among broken and suspect slices, the low end of the interval; among
    // the rest it is 0 up to rounding, and recall decides.
    let low = |r: &SliceResult| {
        if rank(r.verdict) < 2 {
            r.ham_flagged_interval.low
        } else {
            0.0
        }
    };
    results.sort_by(|a, b| {
        rank(a.verdict)
            .cmp(&rank(b.verdict))
            .then(low(b).total_cmp(&low(a)))
            .then(a.recall_interval.high.total_cmp(&b.recall_interval.high))
    });
    results
}
