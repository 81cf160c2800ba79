//! Duplicates: the same body under different headers.
//!
//! A message sent twice, forwarded, or caught by two spam traps is one
//! example, not two. Left in, a copy can land in training and its twin in
//! testing, and the test then measures memory, not skill.

use crate::normalise::dedup_key;
use serde::Serialize;

// ANCHOR: duplicate
/// How a duplicate matches the message it copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateKind {
    /// The clean body is the same, character for character.
    Exact,
    /// The clean bodies differ, but their dedup keys are equal.
    Near,
}

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
// ANCHOR_END: duplicate

/// The duplicates among `bodies` (clean texts, in input order): for each
/// body whose dedup key was seen before, a [`Duplicate`] pointing at the
/// first body with that key; `Exact` when the two clean texts are equal,
/// else `Near`. Returned in input order; the first of each key is never a
/// duplicate.
pub fn find_duplicates(bodies: &[&str]) -> Vec<Duplicate> {
    // BEGIN SOLUTION: remember the first index of each dedup_key in a HashMap; every later body with a known key is a Duplicate of that first one
    let mut first: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (index, body) in bodies.iter().enumerate() {
        let key = dedup_key(body);
        match first.get(&key) {
            Some(&original) => out.push(Duplicate {
                index,
                original,
                kind: if bodies[original] == *body {
                    DuplicateKind::Exact
                } else {
                    DuplicateKind::Near
                },
            }),
            None => {
                first.insert(key, index);
            }
        }
    }
    out
    // END SOLUTION
}
