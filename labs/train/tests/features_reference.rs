//! The instructor's check that the features' reference solution, written
//! for speed, still makes exactly the tokens and ids of the plain version
//! the chapter describes: a served model must see the features it was
//! trained on, so a faster tokenizer that moved one bucket would be
//! training/serving skew. (A learner's copy of this file is empty: the
//! plain version is a solution too.)

// BEGIN HIDDEN TESTS
use lab_train::features::{Hashed, bag, bucket, sequence, tokenize};
use ninety_kit::rng::Rng;
use std::path::{Path, PathBuf};

/// The plain version: a `String` grown character by character for each
/// word, and a `format!`ted string for each bigram.
mod plain {
    use super::{Hashed, bucket};

    pub fn tokenize(text: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        let mut word = String::new();
        for c in text.chars() {
            if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
                continue;
            }
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            if c == '$' || c == '!' {
                tokens.push(c.to_string());
            }
        }
        if !word.is_empty() {
            tokens.push(word);
        }
        tokens
    }

    pub fn bag(tokens: &[String], buckets: usize) -> Hashed {
        let mut counts: std::collections::BTreeMap<u32, f32> = std::collections::BTreeMap::new();
        for t in tokens {
            *counts.entry(bucket(t, buckets)).or_default() += 1.0;
        }
        let norm = counts.values().map(|c| c * c).sum::<f32>().sqrt();
        Hashed {
            ids: counts.keys().copied().collect(),
            weights: counts.values().map(|c| c / norm).collect(),
        }
    }

    pub fn sequence(tokens: &[String], buckets: usize, max_tokens: usize) -> Hashed {
        let mut ids = Vec::new();
        for (i, token) in tokens.iter().take(max_tokens).enumerate() {
            ids.push(bucket(token, buckets));
            if i > 0 {
                ids.push(bucket(&format!("{} {token}", tokens[i - 1]), buckets));
            }
        }
        let w = 1.0 / ids.len().max(1) as f32;
        Hashed {
            weights: vec![w; ids.len()],
            ids,
        }
    }
}

/// Holds every feature of `text` to the plain version's, bit for bit.
fn same(text: &str, what: &str) {
    let tokens = tokenize(text);
    assert_eq!(plain::tokenize(text), tokens, "the tokens of {what}");
    for buckets in [0, 1, 97, 1 << 17, 1 << 20, 1 << 31] {
        assert_eq!(
            plain::bag(&tokens, buckets),
            bag(&tokens, buckets),
            "the bag of {what} in {buckets} buckets"
        );
        for max in [0, 1, 2, 7, 1000, usize::MAX] {
            assert_eq!(
                plain::sequence(&tokens, buckets, max),
                sequence(&tokens, buckets, max),
                "the sequence of {what} in {buckets} buckets, at most {max} tokens"
            );
        }
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn the_mini_corpus_has_the_plain_versions_features() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/mini");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths.sort();
    assert!(paths.len() > 250, "the mini corpus: {} files", paths.len());
    for path in &paths {
        let raw = std::fs::read(path).unwrap();
        same(&String::from_utf8_lossy(&raw), &path.display().to_string());
    }
}

#[test]
fn random_texts_have_the_plain_versions_features() {
    // ASCII of every kind, and characters whose lowercase is longer,
    // shorter in bytes, ASCII, context-dependent in `str::to_lowercase`
    // (final sigma), titlecase, numeric without being a digit, or no
    // letter at all.
    let alphabet: Vec<char> = "aZ09 \n\t.,-_'\"<>/=$!?@#%&*()[]{}\\"
        .chars()
        .chain([
            'é', 'É', 'ß', 'ẞ', 'Σ', 'σ', 'ς', 'İ', 'ı', 'ǅ', 'Ⅻ', '٣', '²', '½', '中', 'ﬁ', 'Ꭰ',
            '\u{212A}', // the Kelvin sign, whose lowercase is ASCII k
            '\u{2126}', // the Ohm sign
            '\u{0345}', // a combining mark that is a letter
            '\u{0300}', // one that is not
            '😀', '\u{FFFD}', '\u{A0}', '\u{2028}',
        ])
        .collect();
    let mut rng = Rng::new(15);
    for n in 0..2000 {
        let len = rng.below(if n % 50 == 0 { 5000 } else { 60 });
        let text: String = (0..len)
            .map(|_| {
                // Mostly letters, so that words run long.
                if rng.below(3) == 0 {
                    alphabet[rng.below(alphabet.len())]
                } else {
                    char::from(b'A' + rng.below(58) as u8)
                }
            })
            .collect();
        same(&text, &format!("random text {n} (of {len} chars)"));
    }
    // Any bytes at all, read as a server reads them.
    for n in 0..500 {
        let bytes: Vec<u8> = (0..rng.below(300)).map(|_| rng.below(256) as u8).collect();
        same(
            &String::from_utf8_lossy(&bytes),
            &format!("random bytes {n} (of {} bytes)", bytes.len()),
        );
    }
}
// END HIDDEN TESTS
