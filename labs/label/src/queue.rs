//! The labeling queue: which message a person sees next.
//!
//! A person labels a few hundred messages in a sitting; the corpus has six
//! thousand. The order decides what those few hundred teach you:
//!
//! - **random**: an unbiased sample, the only order whose label shares you
//!   can read as the corpus's;
//! - **stratified**: every group and period in its share from the first
//!   message on, so a short session still covers the rare strata;
//! - **uncertain**: the messages a model is least sure of first, where a
//!   label changes the model most (uncertainty sampling, the simplest form
//!   of active learning).
//!
//! Every order is a permutation of the candidates' indices, and the same
//! seed gives the same order, so a session can stop and resume.

use crate::scorer::Scorer;
use ninety_kit::rng::Rng;
use std::collections::BTreeMap;

/// A message that may be queued.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Its id.
    pub id: String,
    /// The stratum it belongs to, such as `spam/1` (group and period).
    pub stratum: String,
    /// The text a scorer reads: subject and clean body.
    pub text: String,
}

/// The queue orders (the course's vocabulary, in the kit).
pub use ninety_kit::vocab::QueueOrder as Order;

/// `0..n` shuffled with `rng`: every permutation equally likely (the
/// Fisher–Yates shuffle, drawing with [`Rng::below`]).
pub fn shuffled(n: usize, rng: &mut Rng) -> Vec<usize> {
    // BEGIN SOLUTION: shuffle the indices 0..n with rng so that every order is equally likely
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.below(i + 1);
        order.swap(i, j);
    }
    order
    // END SOLUTION
}

/// The indices of `strata` (one stratum name per candidate) in an order
/// where every prefix holds each stratum in its share of the whole, as
/// nearly as whole numbers allow: after `k` picks, a stratum with `m` of the
/// `n` candidates has been picked `k·m/n` times, give or take less than one.
/// Within a stratum, the order is shuffled with `rng`.
///
/// Always taking from the stratum furthest behind its share comes close but
/// can drift past one; what always works (Tijdeman, 1980) is to treat each
/// stratum's next message as a job with a window: it may not be taken
/// before the stratum's share reaches the count already taken
/// (`k·m > taken·n`), and must be taken by the pick where the share reaches
/// one more (`(taken + 1)·n/m`). Among the strata whose next message may be
/// taken, take the one due soonest.
pub fn stratified(strata: &[String], rng: &mut Rng) -> Vec<usize> {
    // BEGIN SOLUTION: order the indices so that every prefix holds
    //   each stratum in its share, shuffled within each stratum
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, s) in strata.iter().enumerate() {
        groups.entry(s).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = groups
        .into_values()
        .map(|members| {
            shuffled(members.len(), rng)
                .into_iter()
                .map(|i| members[i])
                .collect()
        })
        .collect();
    let n = strata.len();
    let mut taken = vec![0usize; groups.len()];
    let mut order = Vec::with_capacity(n);
    for k in 1..=n {
        // Due soonest: compare (taken_a + 1)·n/m_a with (taken_b + 1)·n/m_b
        // in whole numbers, by cross-multiplying.
        // A stratum may give its next item at step k while it has given
        // fewer than its share, k·m/n (so never more than its m items).
        let Some(g) = (0..groups.len())
            .filter(|&g| k * groups[g].len() > taken[g] * n)
            .min_by(|&a, &b| {
                ((taken[a] + 1) * groups[b].len())
                    .cmp(&((taken[b] + 1) * groups[a].len()))
                    .then(a.cmp(&b))
            })
        else {
            break;
        };
        order.push(groups[g][taken[g]]);
        taken[g] += 1;
    }
    order
    // END SOLUTION
}

/// The indices of `scores` (a model's spam probabilities), least certain
/// first: by distance from 0.5, smallest first; equal distances keep their
/// input order; scores that are not numbers (NaN) go last.
pub fn by_uncertainty(scores: &[f64]) -> Vec<usize> {
    // BEGIN SOLUTION: order the indices from the least certain
    //   score to the most, ties in input order and NaN last
    let distance = |s: f64| {
        if s.is_nan() {
            f64::INFINITY
        } else {
            (s - 0.5).abs()
        }
    };
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| distance(scores[a]).total_cmp(&distance(scores[b])));
    order
    // END SOLUTION
}

/// The queue over `candidates` in `order`, as indices into `candidates`.
///
/// Given: it calls your functions above; `scorer` is only asked for the
/// uncertain order.
pub fn queue(candidates: &[Candidate], order: Order, seed: u64, scorer: &dyn Scorer) -> Vec<usize> {
    let mut rng = Rng::new(seed);
    match order {
        Order::Random => shuffled(candidates.len(), &mut rng),
        Order::Stratified => {
            let strata: Vec<String> = candidates.iter().map(|c| c.stratum.clone()).collect();
            stratified(&strata, &mut rng)
        }
        Order::Uncertain => {
            let scores: Vec<f64> = candidates.iter().map(|c| scorer.score(&c.text)).collect();
            by_uncertainty(&scores)
        }
    }
}
