//! Input health: what the messages look like, before anyone asks the
//! model. Upstream breakage shows here first: a mail gateway that starts
//! sending empty bodies, a new decoder that mangles a charset, a client
//! that wraps everything in HTML. None of it needs a label to see.

use ninety_kit::records::monitor::Health;
use ninety_kit::records::serve::{LoggedPrediction, SKETCH_BUCKETS};
use std::collections::BTreeMap;

/// A set of token ids (given). Sketch ids are below [`SKETCH_BUCKETS`],
/// so the set is a table of one bit per id: a lookup is one read, where a
/// hash set would hash the id first, and a window's every token is looked
/// up. (A bit rather than a `bool`: 8 KiB rather than 64, which stays in
/// the processor's fastest cache.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary {
    bits: Vec<u64>,
}

impl Vocabulary {
    /// An empty vocabulary.
    pub fn new() -> Self {
        Vocabulary {
            bits: vec![0; SKETCH_BUCKETS / 64],
        }
    }

    /// Adds `id` (an id past the table grows it).
    pub fn insert(&mut self, id: u32) {
        let word = id as usize / 64;
        if word >= self.bits.len() {
            self.bits.resize(word + 1, 0);
        }
        self.bits[word] |= 1 << (id % 64);
    }

    /// Whether `id` is in the vocabulary.
    pub fn contains(&self, id: u32) -> bool {
        self.bits
            .get(id as usize / 64)
            .is_some_and(|word| word >> (id % 64) & 1 == 1)
    }
}

impl Default for Vocabulary {
    fn default() -> Self {
        Self::new()
    }
}

impl FromIterator<u32> for Vocabulary {
    fn from_iter<I: IntoIterator<Item = u32>>(ids: I) -> Self {
        let mut v = Vocabulary::new();
        for id in ids {
            v.insert(id);
        }
        v
    }
}

// ANCHOR: health
// ANCHOR: health_doc
/// The input health of `window` against the reference's `vocabulary`
/// (every token id its messages' sketches hold):
///
/// - `messages`, and `mean_chars` (0 for no messages);
/// - the shares of messages with an empty body (`body_chars` 0), read as
///   HTML (`content_type` `text/html`), and with a decode problem;
/// - `oov`: of all the token ids of all the window's sketches, the share
///   not in `vocabulary` (0 when the sketches hold no ids);
/// - `repeats`: the share of messages whose sketch (its whole list of ids,
///   a non-empty one) equals that of a message earlier in the window;
/// - `charsets`: the share of each charset, lowercased, `none` for a
///   message that named none.
///
/// Every share is of the window's messages, and 0 (an empty `charsets`)
/// for an empty window.
pub fn health(window: &[LoggedPrediction], vocabulary: &Vocabulary) -> Health {
    // ANCHOR_END: health_doc
    // BEGIN SOLUTION: count each property over the window, then divide
    //   by the messages (or by the ids, for oov); sort the sketches to
    //   find the copies side by side
    let n = window.len();
    if n == 0 {
        return Health::default();
    }
    let share = |count: usize| count as f64 / n as f64;
    // Each charset counted as the message names it, then the names that
    // differ only in case folded together: a few names to lowercase, not
    // one per message.
    let mut named: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut ids, mut unseen) = (0usize, 0usize);
    for p in window {
        *named
            .entry(p.charset.as_deref().unwrap_or("none"))
            .or_default() += 1;
        ids += p.tokens.len();
        unseen += p
            .tokens
            .iter()
            .filter(|&&t| !vocabulary.contains(t))
            .count();
    }
    let mut charsets: BTreeMap<String, usize> = BTreeMap::new();
    for (name, count) in named {
        *charsets.entry(name.to_lowercase()).or_default() += count;
    }
    // Sorted, the copies of a sketch stand together: each one equal to
    // the sketch before it repeats an earlier message.
    let mut sketches: Vec<&[u32]> = window
        .iter()
        .map(|p| p.tokens.as_slice())
        .filter(|t| !t.is_empty())
        .collect();
    sketches.sort_unstable();
    let repeats = sketches.windows(2).filter(|w| w[0] == w[1]).count();
    Health {
        messages: n,
        mean_chars: window.iter().map(|p| p.body_chars as f64).sum::<f64>() / n as f64,
        empty: share(window.iter().filter(|p| p.body_chars == 0).count()),
        html: share(
            window
                .iter()
                .filter(|p| p.content_type == "text/html")
                .count(),
        ),
        decode: share(window.iter().filter(|p| p.decode_problem).count()),
        oov: if ids == 0 {
            0.0
        } else {
            unseen as f64 / ids as f64
        },
        repeats: share(repeats),
        charsets: charsets.into_iter().map(|(k, c)| (k, share(c))).collect(),
    }
    // END SOLUTION
}
// ANCHOR_END: health
