//! How far a rate measured on a test set could be from the truth.
//!
//! A test set is a sample. Three ham flagged out of 820 is a measured rate
//! of 0.37%, but another 820 ham from the same stream could have given one
//! or seven. An interval says which true rates are consistent with what was
//! seen; the rule of three says what a test set can show at all when it saw
//! nothing.

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
