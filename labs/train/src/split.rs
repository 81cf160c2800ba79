//! Splits: which examples train the model, which tune it, which judge it.
//!
//! A split that leaks makes every later number a lie. Two copies of one
//! message on both sides of it let the test reward memory; a random split
//! of mail that arrives over time lets the model peek at next month. So the
//! split removes duplicates first, keeps the share of spam the same in every
//! part, is reproducible from a seed, and comes in a second flavour that
//! splits by time.

use ninety_kit::Label;
use ninety_kit::clean::Gathered;
use ninety_kit::rng::Rng;
use serde::Serialize;

/// One labeled message, as the split and the features see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Its id (the SHA-256 of the raw message).
    pub id: String,
    /// The text the model reads: subject and clean body.
    pub text: String,
    /// Its dedup key: the normalised body. Two examples with the same key
    /// are the same message as far as a model can tell.
    pub key: String,
    /// Its label.
    pub label: Label,
    /// Its collection period: 1 earlier, 2 later.
    pub period: u8,
}

impl Example {
    /// The example of a message from the clean dataset, with `key` making
    /// its dedup key from the clean body (the gather lab's `dedup_key`).
    pub fn from_clean(message: &Gathered, key: impl Fn(&str) -> String) -> Self {
        Example {
            id: message.id.clone(),
            text: message.text(),
            key: key(message.body.as_deref().unwrap_or("")),
            label: message.label,
            period: message.period,
        }
    }
}

// ANCHOR: split
/// A split: indices into the examples, each in at most one part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Split {
    /// Examples the model learns from.
    pub train: Vec<usize>,
    /// Examples that choose when to stop and which settings win.
    pub valid: Vec<usize>,
    /// Examples that judge the result, looked at once.
    pub test: Vec<usize>,
}
// ANCHOR_END: split

/// The examples to keep: the first of each dedup key, in input order.
pub fn dedupe(examples: &[Example]) -> Vec<usize> {
    // BEGIN SOLUTION: keep the index of the first example of each dedup key, in input order
    let mut seen = std::collections::HashSet::new();
    (0..examples.len())
        .filter(|&i| seen.insert(examples[i].key.as_str()))
        .collect()
    // END SOLUTION
}

/// Splits `pool` (indices into `examples`) into valid and test shares and
/// the rest for training, within each label separately so that every part
/// has the pool's share of spam: for each label, shuffle its indices with
/// `rng` (visiting labels spam first, then ham), then take
/// `round(n · valid)` for valid, `round(n · test)` for test (or what valid
/// left, when that is fewer), the rest for train. Each part comes back sorted.
pub fn stratified(
    examples: &[Example],
    pool: &[usize],
    valid: f64,
    test: f64,
    rng: &mut Rng,
) -> Split {
    // BEGIN SOLUTION: split the pool into valid, test and train parts
    //   with the pool's share of spam in each, shuffled with rng
    let mut split = Split::default();
    for label in [Label::Spam, Label::Ham] {
        let mut members: Vec<usize> = pool
            .iter()
            .copied()
            .filter(|&i| examples[i].label == label)
            .collect();
        for i in (1..members.len()).rev() {
            let j = rng.below(i + 1);
            members.swap(i, j);
        }
        let (len, n) = (members.len(), members.len() as f64);
        let n_valid = ((n * valid).round() as usize).min(len);
        let n_test = ((n * test).round() as usize).min(len - n_valid);
        split.valid.extend(&members[..n_valid]);
        split.test.extend(&members[n_valid..n_valid + n_test]);
        split.train.extend(&members[n_valid + n_test..]);
    }
    split.train.sort_unstable();
    split.valid.sort_unstable();
    split.test.sort_unstable();
    split
    // END SOLUTION
}

/// The random split: duplicates removed, then [`stratified`] over all that
/// is left, with a generator seeded by `seed`.
pub fn random_split(examples: &[Example], valid: f64, test: f64, seed: u64) -> Split {
    // BEGIN SOLUTION: split the examples at random,
    //   without duplicates, the same way for the same seed
    stratified(
        examples,
        &dedupe(examples),
        valid,
        test,
        &mut Rng::new(seed),
    )
    // END SOLUTION
}

/// The time split: duplicates removed, then every later (period 2)
/// example is test, and the earlier ones are split into train and valid by
/// [`stratified`] with no test share. The model is judged on mail it was
/// not drawn from, as it will be in use. (In the mini corpus period 2 was
/// sent later; in the SpamAssassin corpus it is a batch added later and
/// collected separately, so there the split is by collection.)
pub fn time_split(examples: &[Example], valid: f64, seed: u64) -> Split {
    // BEGIN SOLUTION: split the examples by time: the later period
    //   is the test set, the earlier one trains and validates
    let kept = dedupe(examples);
    let earlier: Vec<usize> = kept
        .iter()
        .copied()
        .filter(|&i| examples[i].period == 1)
        .collect();
    let mut split = stratified(examples, &earlier, valid, 0.0, &mut Rng::new(seed));
    split.test = kept
        .into_iter()
        .filter(|&i| examples[i].period != 1)
        .collect();
    split
    // END SOLUTION
}
