//! Duplicates: the same body under different headers.
//!
//! A message sent twice, forwarded, or caught by two spam traps is one
//! example, not two. Left in, a copy can land in training and its twin in
//! testing, and the test then measures memory, not skill.

use serde::Serialize;

// ANCHOR: duplicate
/// How a duplicate matches the message it copies (a record, in the kit).
pub use ninety_kit::records::gather::DuplicateKind;

/// A message whose body was already seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// The index of the duplicate in the input.
    pub index: usize,
    /// The index of the first message with this body, which is kept.
    pub original: usize,
    /// How they match.
    pub kind: DuplicateKind,
}

/// A clean body with its dedup key, as the stage hands them over: the keys
/// are made by [`crate::normalise::dedup_key`] on every core at once, before
/// this one-core pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyed<'a> {
    /// The clean body.
    pub body: &'a str,
    /// Its dedup key.
    pub key: &'a str,
}
// ANCHOR_END: duplicate

/// The duplicates among `bodies` (clean texts with their keys, in input
/// order): for each body whose key was seen before, a [`Duplicate`] pointing
/// at the first body with that key; `Exact` when the two clean texts are
/// equal, else `Near`. Returned in input order; the first of each key is
/// never a duplicate.
pub fn find_duplicates(bodies: &[Keyed<'_>]) -> Vec<Duplicate> {
    // BEGIN SOLUTION: report each body whose key was already
    //   seen as a duplicate of the first body with that key
    // Borrowed keys: nothing is copied, and the map holds one entry per
    // distinct body. The keys are long (whole bodies), so the hasher matters:
    // foldhash reads them several times faster than the standard SipHash.
    let mut first: std::collections::HashMap<&str, usize, foldhash::fast::RandomState> =
        std::collections::HashMap::with_capacity_and_hasher(bodies.len(), Default::default());
    let mut out = Vec::new();
    for (index, item) in bodies.iter().enumerate() {
        match first.entry(item.key) {
            std::collections::hash_map::Entry::Occupied(seen) => {
                let original = *seen.get();
                out.push(Duplicate {
                    index,
                    original,
                    kind: if bodies[original].body == item.body {
                        DuplicateKind::Exact
                    } else {
                        DuplicateKind::Near
                    },
                });
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(index);
            }
        }
    }
    out
    // END SOLUTION
}
