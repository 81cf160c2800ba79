//! A trained model loaded from a folder (a run's, or a registered model's),
//! scoring texts with exactly the features it was trained on: the same
//! `config.json`, the same tokenizer and the same hashing as training.

use anyhow::{Context as _, Result, anyhow};
use burn::backend::NdArray;
use burn::config::Config;
use burn::module::Module;
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder};
use lab_train::config::{ModelConfig, TrainConfig};
use lab_train::features::{Hashed, bag, sequence, tokenize};
#[cfg(test)]
use lab_train::fit::{Encoded, predict};
use lab_train::model::{FastText, LogReg};
use std::path::Path;

type B = NdArray<f32>;

enum Loaded {
    FastText(FastText<B>, usize, usize),
    LogReg(LogReg<B>, usize),
}

/// A model ready to score texts.
pub struct Scorer {
    /// burn's modules: the batched forward pass that [`Scorer::score_one`]
    /// is held to in the tests.
    #[cfg_attr(not(test), allow(dead_code))]
    loaded: Loaded,
    forward: Forward,
}

/// The model's forward pass on plain arrays with its feature settings:
/// all a server needs to score one message, and free of burn's types, so
/// it can be shared between threads and swapped whole.
pub struct Forward {
    dense: Dense,
    buckets: usize,
    /// Tokens read, for the fastText-style model's sequence (none for the
    /// logistic regression's bag of words).
    max_tokens: Option<usize>,
}

impl Forward {
    /// The features of `text`, as the model was trained on them.
    fn features(&self, text: &str) -> Hashed {
        match self.max_tokens {
            Some(max) => sequence(&first_tokens(text, max), self.buckets, max),
            None => bag(&tokenize(text), self.buckets),
        }
    }

    /// The probability of spam of one text.
    pub fn score_one(&self, text: &str) -> f64 {
        self.probability(&self.features(text))
    }

    /// The probability of spam of one text and its monitoring sketch
    /// ([`crate::observe::sketch`]), from one reading of its tokens: what
    /// the server needs of every message. The same score as
    /// [`Forward::score_one`] and the same sketch as `sketch`, bit for bit.
    pub fn score_and_sketch(&self, text: &str) -> (f64, Vec<u32>) {
        let (features, sketch) = match self.max_tokens {
            Some(max) => {
                let (tokens, whole) = first_tokens_of(text, max);
                let features = sequence(&tokens, self.buckets, max);
                (features, crate::observe::sketch_of(&tokens, whole))
            }
            None => {
                let tokens = tokenize(text);
                let features = bag(&tokens, self.buckets);
                (features, crate::observe::sketch_of(&tokens, true))
            }
        };
        let sketch = sketch.unwrap_or_else(|| crate::observe::sketch(text));
        (self.probability(&features), sketch)
    }

    fn probability(&self, features: &Hashed) -> f64 {
        let z = self.dense.logit(features);
        1.0 / (1.0 + (-f64::from(z)).exp())
    }
}

/// Bytes of text to tokenize first for each token wanted: most messages
/// are shorter than this many bytes for a thousand tokens, and a prefix
/// too short is doubled.
const BYTES_A_TOKEN: usize = 8;

/// The tokens of `text` that the fastText-style model reads, at least its
/// first `max` (all of them when it has fewer), without tokenizing a long
/// message whole: the first 1,000 tokens of a 100,000-character message
/// are in its first few thousand bytes.
///
/// Exact, not an estimate: the tokenizer reads left to right and emits a
/// word when a character that is not a letter or digit ends it, and `$` and
/// `!` as they come. So the tokens of a prefix that stops just before such
/// a character are the text's own first tokens, in order: no word is cut
/// (the character after the prefix would have ended it anyway), and every
/// `$` and `!` in the prefix is whole. Once a prefix holds `max` tokens, the
/// text's first `max` are those; until then the prefix doubles, and at
/// worst is the whole text.
fn first_tokens(text: &str, max: usize) -> Vec<String> {
    first_tokens_of(text, max).0
}

/// [`first_tokens`], and whether they are all of the text's tokens.
fn first_tokens_of(text: &str, max: usize) -> (Vec<String>, bool) {
    let mut len = max.saturating_mul(BYTES_A_TOKEN).max(1024);
    loop {
        let prefix = cut_before_separator(text, len);
        let tokens = tokenize(prefix);
        let whole = prefix.len() == text.len();
        if tokens.len() >= max || whole {
            return (tokens, whole);
        }
        len = len.saturating_mul(2);
    }
}

/// The longest prefix of `text` shorter than `len` bytes that ends just
/// before a character that is not a letter or digit (the whole text when it
/// is at most `len` bytes long, or when no such place exists).
pub(crate) fn cut_before_separator(text: &str, len: usize) -> &str {
    if text.len() <= len {
        return text;
    }
    let mut end = len;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end]
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(text, |(i, _)| &text[..i])
}

/// The same model's weights as plain arrays, for scoring one message at a
/// time without building tensors: what serving needs, where a request is
/// one message and the tensor machinery costs more than the arithmetic.
/// [`Scorer::score`] and [`Scorer::score_one`] agree to rounding (a test
/// holds them to 1e-5): the model's forward pass written out by hand.
enum Dense {
    /// The weighted mean of the ids' rows of `table` (`dim` wide), then a
    /// dot product with `out` plus `bias`.
    FastText {
        table: Vec<f32>,
        dim: usize,
        out: Vec<f32>,
        bias: f32,
    },
    /// The weighted sum of the ids' entries of `table`, times `scale`,
    /// plus `bias`.
    LogReg {
        table: Vec<f32>,
        scale: f32,
        bias: f32,
    },
}

fn floats<const D: usize>(t: burn::tensor::Tensor<B, D>) -> Vec<f32> {
    t.into_data()
        .to_vec::<f32>()
        .unwrap_or_else(|e| panic!("weights as f32: {e:?}"))
}

impl Dense {
    fn of(loaded: &Loaded) -> Self {
        match loaded {
            Loaded::FastText(m, ..) => {
                let record = m.clone().into_record();
                let table = floats(record.embedding.weight.val());
                let out = floats(record.output.weight.val());
                let bias = record.output.bias.map_or(0.0, |b| floats(b.val())[0]);
                Dense::FastText {
                    dim: out.len(),
                    table,
                    out,
                    bias,
                }
            }
            Loaded::LogReg(m, _) => {
                let record = m.clone().into_record();
                Dense::LogReg {
                    table: floats(record.weights.weight.val()),
                    scale: floats(record.bias.weight.val())[0],
                    bias: record.bias.bias.map_or(0.0, |b| floats(b.val())[0]),
                }
            }
        }
    }

    fn logit(&self, h: &Hashed) -> f32 {
        match self {
            Dense::FastText {
                table,
                dim,
                out,
                bias,
            } => {
                let mut mean = vec![0.0f32; *dim];
                for (&id, &w) in h.ids.iter().zip(&h.weights) {
                    let row = &table[id as usize * dim..(id as usize + 1) * dim];
                    for (m, &x) in mean.iter_mut().zip(row) {
                        *m += w * x;
                    }
                }
                mean.iter().zip(out).map(|(m, o)| m * o).sum::<f32>() + bias
            }
            Dense::LogReg { table, scale, bias } => {
                let sum: f32 = h
                    .ids
                    .iter()
                    .zip(&h.weights)
                    .map(|(&id, &w)| w * table[id as usize])
                    .sum();
                sum * scale + bias
            }
        }
    }
}

impl Scorer {
    /// Loads the model in `folder`: its `config.json` and `model.mpk`.
    pub fn load(folder: &Path) -> Result<Self> {
        let config_path = folder.join("config.json");
        let config = TrainConfig::load(&config_path).map_err(|e| {
            anyhow!(
                "`{}`: expected a run's settings (`model`, `fit`, `split`, `seed`): {e}",
                config_path.display()
            )
        })?;
        let device = Default::default();
        let weights = folder.join("model.mpk");
        if !weights.is_file() {
            anyhow::bail!(
                "`{}` is missing: the model's weights are needed to score messages",
                weights.display()
            );
        }
        let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();
        let named = |e: burn::record::RecorderError| {
            anyhow!(
                "`{}`: the weights do not load into the model `config.json` describes: {e}",
                weights.display()
            )
        };
        let loaded = match config.model {
            ModelConfig::FastText(m) => Loaded::FastText(
                m.init::<B>(&device)
                    .load_file(folder.join("model"), &recorder, &device)
                    .map_err(named)?,
                m.buckets,
                m.max_tokens,
            ),
            ModelConfig::LogReg(m) => Loaded::LogReg(
                m.init::<B>(&device)
                    .load_file(folder.join("model"), &recorder, &device)
                    .map_err(named)?,
                m.buckets,
            ),
        };
        let forward = Forward {
            dense: Dense::of(&loaded),
            buckets: match &loaded {
                Loaded::FastText(_, b, _) | Loaded::LogReg(_, b) => *b,
            },
            max_tokens: match &loaded {
                Loaded::FastText(_, _, max) => Some(*max),
                Loaded::LogReg(..) => None,
            },
        };
        Ok(Self { loaded, forward })
    }

    /// The probability of spam of one text, by the model's forward pass
    /// written out on plain arrays (see [`Dense`]).
    pub fn score_one(&self, text: &str) -> f64 {
        self.forward.score_one(text)
    }

    /// The forward pass alone, for serving.
    pub fn into_forward(self) -> Forward {
        self.forward
    }

    /// [`Scorer::score_one`] of each text, in order.
    pub fn score_all(&self, texts: &[String]) -> Vec<f64> {
        texts.iter().map(|t| self.score_one(t)).collect()
    }

    /// The probability of spam of each text, in order, by burn's forward
    /// pass in batches: what training's `predict` computes, and what
    /// [`Scorer::score_one`] is held to.
    #[cfg(test)]
    pub fn score(&self, texts: &[String]) -> Vec<f64> {
        let device = Default::default();
        let encoded: Vec<Encoded> = texts
            .iter()
            .map(|t| {
                let h = self.forward.features(t);
                Encoded {
                    ids: h.ids,
                    weights: h.weights,
                    spam: false,
                }
            })
            .collect();
        let (p, _) = match &self.loaded {
            Loaded::FastText(m, ..) => predict::<B, _>(m, &encoded, &device),
            Loaded::LogReg(m, _) => predict::<B, _>(m, &encoded, &device),
        };
        p.into_iter().map(f64::from).collect()
    }
}

/// Loads and names the folder on failure.
pub fn load(folder: &Path) -> Result<Scorer> {
    Scorer::load(folder).with_context(|| format!("loading the model in `{}`", folder.display()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use lab_train::model::{FastTextConfig, LogRegConfig};

    /// Texts of every shape: empty, one word, long, repeated words, `$`.
    fn texts() -> Vec<String> {
        let mut t = vec![
            String::new(),
            "free".to_owned(),
            "FREE $$$ now! click here to claim your prize".to_owned(),
            "Re: the build failed again\nCan you look at the patch tonight?".to_owned(),
        ];
        t.push("lorem ipsum dolor sit amet ".repeat(400));
        t.extend((0..40).map(|i| format!("message {i} with words {} and more words", i * 7)));
        t
    }

    pub(crate) fn saved(model: ModelConfig, dir: &Path) {
        let device = Default::default();
        let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();
        match &model {
            ModelConfig::FastText(m) => m
                .init::<B>(&device)
                .save_file(dir.join("model"), &recorder)
                .unwrap(),
            ModelConfig::LogReg(m) => m
                .init::<B>(&device)
                .save_file(dir.join("model"), &recorder)
                .unwrap(),
        }
        TrainConfig::new()
            .with_model(model)
            .save(dir.join("config.json"))
            .unwrap();
    }

    #[test]
    fn one_message_at_a_time_scores_what_the_batched_forward_pass_scores() {
        for model in [
            ModelConfig::FastText(FastTextConfig::new().with_buckets(4096).with_dim(8)),
            ModelConfig::LogReg(LogRegConfig::new().with_buckets(4096)),
        ] {
            let dir = tempfile::tempdir().unwrap();
            saved(model.clone(), dir.path());
            let scorer = load(dir.path()).unwrap();
            let texts = texts();
            let batched = scorer.score(&texts);
            let one_by_one = scorer.score_all(&texts);
            let spread = batched.iter().cloned().fold(0.0f64, f64::max)
                - batched.iter().cloned().fold(1.0f64, f64::min);
            assert!(
                spread > 1e-4,
                "{model:?}: a model whose scores differ: {batched:?}"
            );
            for ((t, a), b) in texts.iter().zip(&batched).zip(&one_by_one) {
                assert!(
                    (a - b).abs() < 1e-5,
                    "{model:?} on {:?}: batched {a}, one at a time {b}",
                    &t[..t.len().min(40)]
                );
            }
        }
    }

    #[test]
    fn scoring_and_sketching_together_gives_what_each_gives_alone() {
        let mut rng = ninety_kit::rng::Rng::new(16);
        let mut texts = texts();
        // Long texts: many distinct words (the model's tokens settle the
        // sketch), and a thousand tokens of one word (they do not).
        texts.push((0..3000).map(|i| format!("w{i} ")).collect());
        texts.push("spam ".repeat(3000));
        texts.push(format!("{}{}", "spam ".repeat(1500), "egg ".repeat(100)));
        texts.extend((0..50).map(|_| {
            let chars = rng.below(20_000);
            random_text(&mut rng, chars)
        }));
        for model in [
            ModelConfig::FastText(FastTextConfig::new().with_buckets(4096).with_dim(8)),
            ModelConfig::LogReg(LogRegConfig::new().with_buckets(4096)),
        ] {
            let dir = tempfile::tempdir().unwrap();
            saved(model.clone(), dir.path());
            let forward = load(dir.path()).unwrap().into_forward();
            for t in &texts {
                let (score, sketch) = forward.score_and_sketch(t);
                let what = format!("{model:?} on {:?}", &t[..t.floor_char_boundary(40)]);
                assert_eq!(score.to_bits(), forward.score_one(t).to_bits(), "{what}");
                assert_eq!(sketch, crate::observe::sketch(t), "{what}");
            }
        }
    }

    /// Random texts of words, separators, `$` and `!`, and characters of
    /// two, three and four bytes (letters, digits and not), as long as
    /// `chars`.
    fn random_text(rng: &mut ninety_kit::rng::Rng, chars: usize) -> String {
        let alphabet: Vec<char> = "abcXYZ019 \n.,-<>=$!é中😀\u{212A}İ²ΣΩ\u{300}\u{A0}"
            .chars()
            .collect();
        (0..chars)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect()
    }

    #[test]
    fn a_text_cut_before_a_separator_tokenizes_as_the_whole_text_begins() {
        let mut rng = ninety_kit::rng::Rng::new(15);
        for n in 0..300 {
            let chars = rng.below(120);
            let text = random_text(&mut rng, chars);
            let whole = tokenize(&text);
            // Every length, so that cuts fall inside words and inside
            // characters of every width.
            for len in 0..=text.len() + 1 {
                let prefix = cut_before_separator(&text, len);
                assert!(text.starts_with(prefix));
                assert!(
                    prefix.len() == text.len() || prefix.len() < len,
                    "text {n} cut at {len}: {} bytes",
                    prefix.len()
                );
                let tokens = tokenize(prefix);
                assert_eq!(
                    whole[..tokens.len()],
                    tokens,
                    "text {n} {text:?} cut at {len}: {prefix:?}"
                );
            }
        }
    }

    /// Texts for the fastText path: the mini corpus, long ones, and ones
    /// whose first prefix ends inside a word or a character, or holds
    /// exactly the tokens wanted.
    fn long_texts() -> Vec<(String, String)> {
        let mut texts = Vec::new();
        let mini = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/mini");
        for dir in std::fs::read_dir(&mini).unwrap() {
            let dir = dir.unwrap().path();
            if !dir.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&dir).unwrap() {
                let file = file.unwrap().path();
                let raw = std::fs::read(&file).unwrap();
                texts.push((
                    file.display().to_string(),
                    String::from_utf8_lossy(&raw).into_owned(),
                ));
            }
        }
        let mut all = String::new();
        for (_, t) in &texts {
            all.push_str(t);
        }
        texts.push(("the mini corpus in one text".into(), all));
        let mut rng = ninety_kit::rng::Rng::new(1000);
        for n in 0..40 {
            let chars = [100, 3000, 20_000, 100_000][n % 4];
            texts.push((format!("random text {n}"), random_text(&mut rng, chars)));
        }
        let more = [
            ("$$$", "$$$".repeat(5000)),
            ("$$$ with a word", "FREE $$$ now! ".repeat(3000)),
            (
                "non-ASCII words",
                "Straße Ελλάδα ΣΟΦΟΣ café 中文 ".repeat(2000),
            ),
            ("no separator at all", "aé中".repeat(30_000)),
            (
                "one word, then words",
                format!("{} {}", "x".repeat(50_000), "a b ".repeat(2000)),
            ),
            (
                "words, then one long word",
                format!("{}{}", "ab ".repeat(100), "y".repeat(100_000)),
            ),
        ];
        texts.extend(more.map(|(what, t)| (what.to_owned(), t)));
        // Whose first prefix (8 bytes a token wanted, at least 1024) ends
        // inside a word, inside a character, just after a separator, or
        // holds exactly the tokens wanted: a thousand words of 8 bytes and
        // a space (9,000 bytes, so the first cut, at 8,000, is in a word),
        // padded by 0 to 8 bytes to move the cut through a word, a
        // multi-byte character and the space.
        for pad in 0..9 {
            for word in ["abcdefgh", "abcdef中", "abcdeé", "ab😀cd"] {
                let text = format!("{}{}", "p".repeat(pad), format!("{word} ").repeat(2000));
                texts.push((format!("{word:?} words after {pad} bytes"), text));
            }
        }
        // Exactly a thousand tokens, one more, and one fewer, long enough
        // to be cut.
        for n in [999, 1000, 1001] {
            texts.push((format!("{n} tokens"), "abcdefghijklmnop ".repeat(n)));
        }
        // A first prefix that holds exactly the tokens wanted (100 in
        // 1,024 bytes, 1,000 in 8,000), one fewer or one more, followed by
        // a word that runs past the cut, and more words.
        for (max, word) in [(100, "abcdefghi"), (1000, "abcdef")] {
            for n in [max - 1, max, max + 1] {
                let text = format!(
                    "{}{} {}",
                    format!("{word} ").repeat(n),
                    "z".repeat(20_000),
                    "a b ".repeat(2000)
                );
                texts.push((format!("{n} words of {word:?}, then a long one"), text));
            }
        }
        texts
    }

    #[test]
    fn the_fasttext_path_reads_the_same_tokens_from_a_prefix_as_from_the_whole_text() {
        let mut cut = 0;
        for (what, text) in long_texts() {
            let whole = tokenize(&text);
            for max in [0, 1, 2, 100, 999, 1000, 1001] {
                let first = first_tokens(&text, max);
                assert!(
                    first.len() >= max.min(whole.len()),
                    "{what}, {max} tokens: only {} of {}",
                    first.len(),
                    whole.len()
                );
                assert!(
                    first == whole[..first.len()],
                    "{what}, {max} tokens: not the text's first tokens"
                );
                for buckets in [97, 1 << 20] {
                    assert_eq!(
                        sequence(&first, buckets, max),
                        sequence(&whole, buckets, max),
                        "{what}, {max} tokens, {buckets} buckets"
                    );
                }
                if first.len() < whole.len() {
                    cut += 1;
                }
            }
        }
        assert!(
            cut > 100,
            "the prefix was shorter than the text {cut} times"
        );
    }

    #[test]
    fn a_folder_without_weights_or_with_bad_settings_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = format!("{:#}", load(dir.path()).err().unwrap());
        assert!(err.contains("config.json"), "{err}");
        std::fs::write(dir.path().join("config.json"), "{}").unwrap();
        let err = format!("{:#}", load(dir.path()).err().unwrap());
        assert!(
            err.contains("config.json") && err.contains("`model`"),
            "{err}"
        );
        TrainConfig::new()
            .save(dir.path().join("config.json"))
            .unwrap();
        let err = format!("{:#}", load(dir.path()).err().unwrap());
        assert!(
            err.contains("model.mpk") && err.contains("is missing"),
            "{err}"
        );
    }
}
