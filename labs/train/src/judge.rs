//! Judging a difference: is one model better than another, or is the gap
//! the luck of one test set?
//!
//! A single F1 per model cannot answer that. Two models scored on the same
//! messages can: resample the test set to see how far the gap moves
//! (an interval), and look only at the messages the two decide differently
//! (a paired test). And a split that lets a test message's twin into
//! training makes every number here flatter than the truth, so the same
//! module counts those twins.

use crate::split::{Example, Split};
use ninety_kit::metrics::Metrics;
use ninety_kit::rng::Rng;
use serde::{Deserialize, Serialize};

/// One test message as two models, `a` and `b`, decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paired {
    /// Whether it is spam.
    pub spam: bool,
    /// Whether model `a` flagged it as spam.
    pub a: bool,
    /// Whether model `b` flagged it as spam.
    pub b: bool,
}

/// An interval, `low` to `high`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Its lower end.
    pub low: f64,
    /// Its upper end.
    pub high: f64,
}

/// The messages two models decide differently, and how likely so uneven a
/// split of them would be if the two were equally good.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct McNemar {
    /// Messages `a` gets right and `b` wrong.
    pub a_only: u64,
    /// Messages `b` gets right and `a` wrong.
    pub b_only: u64,
    /// The exact two-sided p-value.
    pub p_value: f64,
}

/// What the interval of the gap says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// `a` is better: the whole interval of F1(a) − F1(b) is above zero.
    ABetter,
    /// `b` is better: the whole interval is below zero.
    BBetter,
    /// The interval holds zero: the test set cannot tell them apart.
    NoClearDifference,
}

/// F1(a) − F1(b) on the messages `sample` picks (indices into `pairs`,
/// repeats allowed), each F1 the spam F1 (0 where it is undefined). Given.
pub fn f1_gap(pairs: &[Paired], sample: impl Iterator<Item = usize> + Clone) -> f64 {
    let f1 = |pick: fn(&Paired) -> bool| {
        Metrics::from_decisions(sample.clone().map(|i| (pick(&pairs[i]), pairs[i].spam)))
            .f1_or_zero()
    };
    f1(|p| p.a) - f1(|p| p.b)
}

/// The paired bootstrap's 95% interval of F1(a) − F1(b): `draws` times,
/// draw `pairs.len()` messages with replacement (each index
/// `rng.below(pairs.len())`, in order) and take the gap on the draw
/// ([`f1_gap`]); sort the gaps; the interval runs from the gap at index
/// `floor(0.025 × draws)` to the one at `ceil(0.975 × draws) − 1`. No pairs
/// or no draws: the interval from 0 to 0.
pub fn bootstrap_gap(pairs: &[Paired], draws: usize, rng: &mut Rng) -> Interval {
    // BEGIN SOLUTION: resample the test set, both models together, and
    //   take the middle 95% of the F1 gaps
    let n = pairs.len();
    if n == 0 || draws == 0 {
        return Interval {
            low: 0.0,
            high: 0.0,
        };
    }
    let mut gaps: Vec<f64> = (0..draws)
        .map(|_| {
            let sample: Vec<usize> = (0..n).map(|_| rng.below(n)).collect();
            f1_gap(pairs, sample.iter().copied())
        })
        .collect();
    gaps.sort_by(f64::total_cmp);
    let low = (draws as f64 * 0.025).floor() as usize;
    // At least 1 and at most draws, since 0 < 0.975 × draws <= draws.
    let high = (draws as f64 * 0.975).ceil() as usize - 1;
    Interval {
        low: gaps[low],
        high: gaps[high],
    }
    // END SOLUTION
}

/// McNemar's exact test: count the messages only `a` gets right and those
/// only `b` gets right; if the two models were equally good, each of these
/// `n` disagreements would go either way like a fair coin. The p-value is
/// the chance of a split at least this uneven, either way: twice the
/// chance of at most `min(a_only, b_only)` heads in `n` fair tosses, at
/// most 1; with no disagreement it is 1.
pub fn mcnemar(pairs: &[Paired]) -> McNemar {
    // BEGIN SOLUTION: count the disagreements each way and
    //   give the exact two-sided binomial p-value
    let right = |flagged: bool, p: &Paired| flagged == p.spam;
    let a_only = pairs
        .iter()
        .filter(|p| right(p.a, p) && !right(p.b, p))
        .count() as u64;
    let b_only = pairs
        .iter()
        .filter(|p| right(p.b, p) && !right(p.a, p))
        .count() as u64;
    let n = a_only + b_only;
    let k = a_only.min(b_only);
    // The binomial terms in logs: ln C(n, i) − n ln 2, built up term by term.
    let mut ln_choose = 0.0_f64;
    let mut tail = 0.0;
    for i in 0..=k {
        if i > 0 {
            ln_choose += ((n - i + 1) as f64).ln() - (i as f64).ln();
        }
        tail += (ln_choose - n as f64 * std::f64::consts::LN_2).exp();
    }
    McNemar {
        a_only,
        b_only,
        p_value: if n == 0 { 1.0 } else { (2.0 * tail).min(1.0) },
    }
    // END SOLUTION
}

/// The verdict the interval of F1(a) − F1(b) gives: `a` better when all of
/// it is above zero, `b` better when all of it is below, and no clear
/// difference when it holds zero (an end exactly at zero holds it).
pub fn verdict(gap: Interval) -> Verdict {
    // BEGIN SOLUTION: read the interval: which side of zero is it on?
    if gap.low > 0.0 {
        Verdict::ABetter
    } else if gap.high < 0.0 {
        Verdict::BBetter
    } else {
        Verdict::NoClearDifference
    }
    // END SOLUTION
}

/// How many test examples have a twin in training: another example with
/// the same dedup key in the train part. A leak-free split has none.
pub fn twins_across(examples: &[Example], split: &Split) -> usize {
    // BEGIN SOLUTION: collect the train part's keys, then count
    //   the test examples whose key is among them
    let train: std::collections::HashSet<&str> = split
        .train
        .iter()
        .map(|&i| examples[i].key.as_str())
        .collect();
    split
        .test
        .iter()
        .filter(|&&i| train.contains(examples[i].key.as_str()))
        .count()
    // END SOLUTION
}
