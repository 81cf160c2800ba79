//! How far a rate measured on a test set could be from the truth.
//!
//! A test set is a sample. Three ham flagged out of 820 is a measured rate
//! of 0.37%, but another 820 ham from the same stream could have given one
//! or seven. An interval says which true rates are consistent with what was
//! seen; the rule of three says what a test set can show at all when it saw
//! nothing. F1 has no such formula: a bootstrap resamples the test set
//! instead.

use serde::Serialize;

/// An interval of rates, `low` to `high`, both in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Its lower end.
    pub low: f64,
    /// Its upper end.
    pub high: f64,
}

/// The z of a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson's score interval for a proportion: `k` events in `n` trials, at
/// the confidence `z` gives (1.96 for 95%). With p = k/n, its centre is
/// (p + z²/2n) / (1 + z²/n) and its half-width
/// z / (1 + z²/n) × √(p(1 − p)/n + z²/4n²); the ends are kept within 0
/// and 1. Unlike p ± z√(p(1 − p)/n), it does not collapse to a point when
/// k is 0 or n. No trials: the interval from 0 to 1 (nothing is known).
pub fn wilson(k: u64, n: u64, z: f64) -> Interval {
    // BEGIN SOLUTION: Wilson's centre and half-width, clamped to 0..=1
    if n == 0 {
        return Interval {
            low: 0.0,
            high: 1.0,
        };
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
    // END SOLUTION
}

/// The rule of three: after `n` trials with no event, the true rate is
/// below about 3/n with 95% confidence. Never above 1; with no trials, 1.
pub fn rule_of_three(n: u64) -> f64 {
    // BEGIN SOLUTION: 3 over n, at most 1
    if n == 0 {
        1.0
    } else {
        (3.0 / n as f64).min(1.0)
    }
    // END SOLUTION
}

/// How many ham a test set needs for the rule of three to show a
/// ham-flagged rate below `max_rate` when none is flagged: the smallest n
/// with 3/n at most `max_rate`. A rate of 0 or less can never be shown:
/// `u64::MAX`.
pub fn ham_needed(max_rate: f64) -> u64 {
    // BEGIN SOLUTION: the smallest n with 3 / n <= max_rate
    if max_rate <= 0.0 {
        return u64::MAX;
    }
    (3.0 / max_rate).ceil() as u64
    // END SOLUTION
}

/// F1 at a threshold: 2·caught / (2·caught + ham flagged + spam missed),
/// a message flagged when its score is at least `threshold`; 0 when that
/// denominator is 0. Given.
pub fn f1_at(scored: &[crate::threshold::Scored], sample: &[usize], threshold: f64) -> f64 {
    // Counted without branches: on a resample in random order a processor
    // cannot guess "spam?" or "flagged?", and a wrong guess costs more
    // than the counting.
    let (mut caught, mut wrong) = (0u64, 0u64);
    for &i in sample {
        let s = &scored[i];
        let flagged = s.score >= threshold;
        caught += u64::from(s.spam & flagged);
        wrong += u64::from(s.spam ^ flagged);
    }
    if caught + wrong == 0 {
        0.0
    } else {
        2.0 * caught as f64 / (2 * caught + wrong) as f64
    }
}

/// A seeded percentile bootstrap of F1 at `threshold`: F1 has no formula
/// for its interval, so the test set is resampled. Each of `draws` draws
/// picks `scored.len()` messages with replacement, each pick
/// `rng.below(scored.len())`, in order, and measures [`f1_at`] on them;
/// the interval runs from the draw at index floor(0.025 × draws) to the one
/// at ceil(0.975 × draws) − 1 of the F1s sorted from the lowest. No
/// messages or no draws: the interval from 0 to 0.
pub fn bootstrap_f1(
    scored: &[crate::threshold::Scored],
    threshold: f64,
    draws: usize,
    rng: &mut ninety_kit::rng::Rng,
) -> Interval {
    // BEGIN SOLUTION: resample the messages, measure F1 on each draw, and
    //   take the middle 95%
    let n = scored.len();
    if n == 0 || draws == 0 {
        return Interval {
            low: 0.0,
            high: 0.0,
        };
    }
    let mut sample = vec![0usize; n];
    let mut f1s: Vec<f64> = (0..draws)
        .map(|_| {
            for slot in sample.iter_mut() {
                *slot = rng.below(n);
            }
            f1_at(scored, &sample, threshold)
        })
        .collect();
    f1s.sort_by(f64::total_cmp);
    Interval {
        low: f1s[(draws as f64 * 0.025).floor() as usize],
        high: f1s[(draws as f64 * 0.975).ceil() as usize - 1],
    }
    // END SOLUTION
}
