//! Calibration: whether a score of 0.8 means "spam four times in five".
//!
//! A threshold only needs the scores in the right order. Everything else a
//! score is used for needs more: a person reading "98% spam" in a log, a
//! monitor estimating how many mistakes the model makes before anyone
//! reports them, two models' scores compared. For those the score has to
//! be a probability that comes true as often as it says. A reliability
//! table shows whether it does, the expected calibration error puts it in
//! one number, and Platt scaling repairs it with two numbers fitted on the
//! validation split.

use crate::threshold::Scored;
use serde::Serialize;

// ANCHOR: bin
/// One bin of a reliability table: the messages whose score falls in
/// `low..high` (the last bin takes 1.0 too).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bin {
    /// The bin's lowest score.
    pub low: f64,
    /// Its highest score (not included, except 1.0 in the last bin).
    pub high: f64,
    /// Messages in it.
    pub count: u64,
    /// Their mean score: what the model said (0 for an empty bin).
    pub mean_score: f64,
    /// The share of them that are spam: what came true (0 for an empty
    /// bin).
    pub spam_share: f64,
}
// ANCHOR_END: bin

/// The reliability table of `scored` with `bins` bins of equal width over
/// 0 to 1: bin i covers scores from i/bins up to (not including)
/// (i + 1)/bins, and a score of exactly 1 goes into the last bin. Every
/// bin is listed, from the lowest, empty ones too (count 0, mean score 0,
/// spam share 0). No bins asked for: an empty table.
pub fn reliability(scored: &[Scored], bins: usize) -> Vec<Bin> {
    // BEGIN SOLUTION: put each score in its bin, then each bin's mean score
    //   and share of spam
    let mut sums = vec![(0u64, 0.0f64, 0u64); bins];
    for s in scored {
        if bins == 0 {
            break;
        }
        let i = ((s.score * bins as f64).floor() as usize).min(bins - 1);
        let (count, total, spam) = &mut sums[i];
        *count += 1;
        *total += s.score;
        *spam += u64::from(s.spam);
    }
    sums.iter()
        .enumerate()
        .map(|(i, &(count, total, spam))| Bin {
            low: i as f64 / bins as f64,
            high: (i + 1) as f64 / bins as f64,
            count,
            mean_score: if count == 0 {
                0.0
            } else {
                total / count as f64
            },
            spam_share: if count == 0 {
                0.0
            } else {
                spam as f64 / count as f64
            },
        })
        .collect()
    // END SOLUTION
}

/// The expected calibration error of a reliability table: the mean, over
/// messages, of the gap between what their bin's scores said and what came
/// true, that is the sum over bins of (count / all messages) ×
/// |mean score − spam share|. 0 for a table with no messages.
pub fn ece(table: &[Bin]) -> f64 {
    // BEGIN SOLUTION: weigh each bin's gap by its share of the messages
    let total: u64 = table.iter().map(|b| b.count).sum();
    if total == 0 {
        return 0.0;
    }
    table
        .iter()
        .map(|b| b.count as f64 / total as f64 * (b.mean_score - b.spam_share).abs())
        .sum()
    // END SOLUTION
}

// ANCHOR: platt
/// Platt scaling: a calibrated score from a raw one,
/// 1 / (1 + e^−(a·x + b)) where x is the raw score's log-odds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Platt {
    /// The slope on the log-odds: below 1 when the model is too sure of
    /// itself.
    pub a: f64,
    /// The shift.
    pub b: f64,
}
// ANCHOR_END: platt

/// Scores are kept this far from 0 and 1 before their log-odds are taken:
/// a model can say exactly 1.0, whose log-odds are infinite.
pub const EDGE: f64 = 1e-6;

/// The log-odds of a score, ln(s / (1 − s)), with `s` first kept within
/// [`EDGE`] of 0 and 1. Given.
pub fn log_odds(score: f64) -> f64 {
    let s = score.clamp(EDGE, 1.0 - EDGE);
    (s / (1.0 - s)).ln()
}

/// The logistic function, 1 / (1 + e^−z). Given.
pub fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Platt {
    /// The calibrated score of a raw `score`. Given.
    pub fn apply(&self, score: f64) -> f64 {
        logistic(self.a * log_odds(score) + self.b)
    }

    /// Fits `a` and `b` on `scored` (the validation split: never on the
    /// split the calibration is then judged on). They are the pair that
    /// minimises the log loss of the calibrated scores against Platt's
    /// targets, which are not 1 and 0 but (spam + 1) / (spam + 2) for each
    /// spam and 1 / (ham + 2) for each ham, `spam` and `ham` being how many
    /// of each `scored` holds: a model that separates the validation split
    /// perfectly would otherwise be fitted an infinite slope. The loss is
    /// convex, so any method that finds its minimum (Newton's method takes
    /// a few steps) gives the same pair.
    ///
    /// Nothing to fit (`None`) when `scored` has no spam, no ham, or
    /// fewer than two distinct log-odds.
    pub fn fit(scored: &[Scored]) -> Option<Platt> {
        // BEGIN SOLUTION: Newton's method on (a, b) against Platt's targets,
        //   halving a step that would raise the loss
        let spam = scored.iter().filter(|s| s.spam).count() as f64;
        let ham = scored.len() as f64 - spam;
        let xs: Vec<f64> = scored.iter().map(|s| log_odds(s.score)).collect();
        let distinct = xs.iter().any(|&x| x != xs[0]);
        if spam == 0.0 || ham == 0.0 || !distinct {
            return None;
        }
        let (high, low) = ((spam + 1.0) / (spam + 2.0), 1.0 / (ham + 2.0));
        let targets: Vec<f64> = scored
            .iter()
            .map(|s| if s.spam { high } else { low })
            .collect();
        // ln(1 + e^z), without overflow.
        let softplus = |z: f64| z.max(0.0) + (-z.abs()).exp().ln_1p();
        let loss = |a: f64, b: f64| -> f64 {
            xs.iter()
                .zip(&targets)
                .map(|(&x, &t)| {
                    let z = a * x + b;
                    t * softplus(-z) + (1.0 - t) * softplus(z)
                })
                .sum()
        };
        let (mut a, mut b) = (1.0, 0.0);
        for _ in 0..200 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for (&x, &t) in xs.iter().zip(&targets) {
                let p = logistic(a * x + b);
                let w = (p * (1.0 - p)).max(1e-12);
                ga += (p - t) * x;
                gb += p - t;
                haa += w * x * x;
                hab += w * x;
                hbb += w;
            }
            let det = haa * hbb - hab * hab;
            if det <= 0.0 {
                break;
            }
            let da = (hbb * ga - hab * gb) / det;
            let db = (haa * gb - hab * ga) / det;
            let before = loss(a, b);
            let mut step = 1.0;
            while loss(a - step * da, b - step * db) > before && step > 1e-12 {
                step /= 2.0;
            }
            a -= step * da;
            b -= step * db;
            if (step * da).abs() + (step * db).abs() < 1e-12 {
                break;
            }
        }
        Some(Platt { a, b })
        // END SOLUTION
    }
}
