//! The keyword baseline: the number every model in the course must beat.
//!
//! A message is flagged when it contains at least `min_hits` different
//! keywords from the spec, matched as whole words regardless of case. It is
//! crude on purpose: it is what a team could ship in an afternoon, and a
//! model that cannot beat it is not worth its upkeep.

use crate::metrics::Confusion;
use crate::spec::BaselineSpec;
use ninety_kit::{Corpus, Label, corpus::CorpusError};
use std::collections::BTreeSet;

/// The keyword heuristic, built from the spec's `[baseline]` section.
#[derive(Debug, Clone)]
pub struct KeywordBaseline {
    keywords: BTreeSet<String>,
    min_hits: u32,
}

// ANCHOR: words
/// The words of a text: maximal runs of letters and digits, lowercased.
/// `"FREE!! Money-back"` has the words `free`, `money`, `back`.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}
// ANCHOR_END: words

impl KeywordBaseline {
    /// The baseline the spec describes.
    pub fn new(spec: &BaselineSpec) -> Self {
        Self {
            keywords: spec.keywords.iter().map(|k| k.to_lowercase()).collect(),
            min_hits: spec.min_hits,
        }
    }

    /// How many different keywords occur in `text` as whole words.
    pub fn hits(&self, text: &str) -> u32 {
        // BEGIN SOLUTION: count how many different keywords occur in the text as whole words
        let found: BTreeSet<String> = words(text).filter(|w| self.keywords.contains(w)).collect();
        found.len() as u32
        // END SOLUTION
    }

    /// Spam when `hits(text)` reaches `min_hits`, else ham.
    pub fn predict(&self, text: &str) -> Label {
        // BEGIN SOLUTION: call the text spam when it has enough keyword hits, and ham otherwise
        if self.hits(text) >= self.min_hits {
            Label::Spam
        } else {
            Label::Ham
        }
        // END SOLUTION
    }

    /// Measures the baseline on every message of `corpus` against its gold
    /// labels. The whole raw message (headers too) is the text: the baseline
    /// does no parsing, which is part of why it is weak.
    pub fn evaluate(&self, corpus: &Corpus) -> Result<Confusion, CorpusError> {
        // BEGIN SOLUTION: measure the baseline on every
        //   message of the corpus against its gold label
        let mut pairs = Vec::with_capacity(corpus.len());
        for message in corpus.messages() {
            let message = message?;
            pairs.push((message.entry.label, self.predict(&message.text_lossy())));
        }
        Ok(Confusion::from_pairs(pairs))
        // END SOLUTION
    }
}
