//! Input health: what the messages look like, before anyone asks the
//! model. Upstream breakage shows here first: a mail gateway that starts
//! sending empty bodies, a new decoder that mangles a charset, a client
//! that wraps everything in HTML. None of it needs a label to see.

use ninety_kit::records::monitor::Health;
use ninety_kit::records::serve::LoggedPrediction;
use std::collections::{BTreeMap, HashSet};

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
pub fn health(window: &[LoggedPrediction], vocabulary: &HashSet<u32>) -> Health {
    // ANCHOR_END: health_doc
    // BEGIN SOLUTION: count each property over the window, then divide
    //   by the messages (or by the ids, for oov)
    let n = window.len();
    if n == 0 {
        return Health::default();
    }
    let share = |count: usize| count as f64 / n as f64;
    let mut charsets: BTreeMap<String, usize> = BTreeMap::new();
    let (mut ids, mut unseen) = (0usize, 0usize);
    let mut seen: HashSet<&[u32]> = HashSet::new();
    let mut repeats = 0;
    for p in window {
        let name = p
            .charset
            .as_deref()
            .map_or_else(|| "none".to_owned(), str::to_lowercase);
        *charsets.entry(name).or_default() += 1;
        ids += p.tokens.len();
        unseen += p.tokens.iter().filter(|t| !vocabulary.contains(t)).count();
        if !p.tokens.is_empty() && !seen.insert(p.tokens.as_slice()) {
            repeats += 1;
        }
    }
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
