//! Operating points and the threshold the spec allows.
//!
//! A model gives each message a score; a threshold turns the score into a
//! decision: flag the message as spam when its score is at least the
//! threshold. Each threshold is one operating point, a pair of spam recall
//! and ham-flagged rate. The spec fixes the largest ham-flagged rate it
//! accepts; among the thresholds that meet it, the one that catches the most
//! spam wins. It is chosen on the validation split and reported once on the
//! test split, never tuned there.

use serde::Serialize;

// ANCHOR: points
/// A message as a model scored it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// Whether it is spam.
    pub spam: bool,
    /// The model's score: its probability of spam.
    pub score: f64,
}

/// One threshold and what it does on a set of scored messages.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OperatingPoint {
    /// Flag a message when its score is at least this.
    pub threshold: f64,
    /// Spam flagged.
    pub spam_caught: u64,
    /// Ham flagged: real mail lost.
    pub ham_flagged: u64,
    /// `spam_caught` over all spam (0 when there is none).
    pub recall: f64,
    /// `ham_flagged` over all ham (0 when there is none).
    pub ham_flagged_rate: f64,
}
// ANCHOR_END: points

/// Every operating point worth considering: one per distinct score, that
/// score as the threshold, from the highest threshold to the lowest (so
/// recall and the ham-flagged rate only grow down the list). No messages:
/// no points.
pub fn operating_points(scored: &[Scored]) -> Vec<OperatingPoint> {
    // BEGIN SOLUTION: sort the messages by score, highest first, and walk
    //   down, counting spam and ham flagged at each distinct score
    let mut sorted: Vec<Scored> = scored.to_vec();
    sorted.sort_by(|a, b| b.score.total_cmp(&a.score));
    let spam = sorted.iter().filter(|s| s.spam).count() as u64;
    let ham = sorted.len() as u64 - spam;
    let rate = |k: u64, n: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let (mut caught, mut flagged) = (0, 0);
    let mut points = Vec::new();
    for (i, s) in sorted.iter().enumerate() {
        if s.spam {
            caught += 1;
        } else {
            flagged += 1;
        }
        // The point of a score: once every message with that score is in.
        if sorted.get(i + 1).is_none_or(|next| next.score != s.score) {
            points.push(OperatingPoint {
                threshold: s.score,
                spam_caught: caught,
                ham_flagged: flagged,
                recall: rate(caught, spam),
                ham_flagged_rate: rate(flagged, ham),
            });
        }
    }
    points
    // END SOLUTION
}

/// The threshold the spec allows: among the operating points whose
/// ham-flagged rate is at most `max_ham_flagged_rate`, the one with the
/// highest recall; between points with the same recall, the higher
/// threshold (it flags no more, and leaves more room). `None` when no
/// point meets the constraint: only flagging nothing does.
pub fn choose(scored: &[Scored], max_ham_flagged_rate: f64) -> Option<OperatingPoint> {
    // BEGIN SOLUTION: keep the points that meet the constraint and take the
    //   one with the most recall, the higher threshold on a tie
    let mut best: Option<OperatingPoint> = None;
    for p in operating_points(scored) {
        if p.ham_flagged_rate > max_ham_flagged_rate {
            continue;
        }
        if best.is_none_or(|b| p.recall > b.recall) {
            best = Some(p);
        }
    }
    best
    // END SOLUTION
}
