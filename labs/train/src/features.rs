//! Features: text into numbers a model can use.
//!
//! Both models read hashed tokens: a token's number is a hash of its text
//! modulo the number of buckets, so there is no vocabulary to build, store
//! or keep in step with the data, and a word never seen in training still
//! gets a number. The price is collisions, two tokens sharing a bucket,
//! which a large enough table keeps rare.

/// The tokens of a text: lowercase runs of letters and digits, and each `$`
/// and `!` as a token of its own (they mean something in mail).
/// `"FREE $$$ now!"` has the tokens `free`, `$`, `$`, `$`, `now`, `!`.
pub fn tokenize(text: &str) -> Vec<String> {
    // BEGIN SOLUTION: split the text into lowercase words of
    //   letters and digits, with each $ and ! a token of its own
    // Each word is copied out of the text once, when it ends, in one
    // allocation of its own size: lowercasing ASCII is byte for byte;
    // anything else goes character by character, as `char::to_lowercase`
    // says (not `str::to_lowercase`, whose final sigma depends on context).
    let lowercase = |word: &str| -> String {
        if word.is_ascii() {
            word.to_ascii_lowercase()
        } else {
            word.chars().flat_map(char::to_lowercase).collect()
        }
    };
    let mut tokens = Vec::new();
    let mut start = None; // where the word being read began
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            tokens.push(lowercase(&text[s..i]));
        }
        if c == '$' || c == '!' {
            tokens.push(c.to_string());
        }
    }
    if let Some(s) = start {
        tokens.push(lowercase(&text[s..]));
    }
    tokens
    // END SOLUTION
}

/// The bucket of a token: the 64-bit FNV-1a hash of its UTF-8 bytes
/// (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`) modulo
/// `buckets`. Stable across runs and machines, unlike the standard
/// library's hasher, which is seeded at random on purpose.
pub fn bucket(token: &str, buckets: usize) -> u32 {
    // BEGIN SOLUTION: hash the token with 64-bit FNV-1a and give the bucket it falls in
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in token.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % buckets.max(1) as u64) as u32
    // END SOLUTION
}

/// Hashed features: bucket ids and their weights, what a model is fed.
#[derive(Debug, Clone, PartialEq)]
pub struct Hashed {
    /// Bucket ids.
    pub ids: Vec<u32>,
    /// One weight per id.
    pub weights: Vec<f32>,
}

/// The bag of words for the logistic regression: each distinct bucket once,
/// in ascending order, weighted by how often its tokens occur, the weights
/// scaled to length 1 (divided by the square root of the sum of the squared
/// counts) so that long messages do not shout. No tokens, no ids.
pub fn bag(tokens: &[String], buckets: usize) -> Hashed {
    // BEGIN SOLUTION: turn the tokens into the logistic regression's bag of hashed words
    let mut counts: std::collections::BTreeMap<u32, f32> = std::collections::BTreeMap::new();
    for t in tokens {
        *counts.entry(bucket(t, buckets)).or_default() += 1.0;
    }
    let norm = counts.values().map(|c| c * c).sum::<f32>().sqrt();
    Hashed {
        ids: counts.keys().copied().collect(),
        weights: counts.values().map(|c| c / norm).collect(),
    }
    // END SOLUTION
}

/// The sequence for the fastText-style model: for each of the first
/// `max_tokens` tokens, its bucket, then (from the second token on) the
/// bucket of the bigram `"previous current"` (the two joined by a space);
/// every id weighted `1 / number of ids`, so the model averages them.
pub fn sequence(tokens: &[String], buckets: usize, max_tokens: usize) -> Hashed {
    // BEGIN SOLUTION: turn the first max_tokens tokens into
    //   the fastText-style model's unigram and bigram buckets
    // FNV-1a, as in `bucket`, from a given state: a bigram's hash is its
    // first token's hash carried on over a space and the second token, the
    // hash of "previous current" without building that string.
    fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h
    }
    let n = buckets.max(1) as u64;
    let mut ids = Vec::with_capacity(2 * tokens.len().min(max_tokens));
    let mut previous = None; // the hash of the token before this one
    for token in tokens.iter().take(max_tokens) {
        let h = fnv1a(0xcbf2_9ce4_8422_2325, token.as_bytes());
        ids.push((h % n) as u32);
        if let Some(p) = previous {
            ids.push((fnv1a(fnv1a(p, b" "), token.as_bytes()) % n) as u32);
        }
        previous = Some(h);
    }
    let w = 1.0 / ids.len().max(1) as f32;
    Hashed {
        weights: vec![w; ids.len()],
        ids,
    }
    // END SOLUTION
}
