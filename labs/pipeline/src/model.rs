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
        let tokens = tokenize(text);
        match self.max_tokens {
            Some(max) => sequence(&tokens, self.buckets, max),
            None => bag(&tokens, self.buckets),
        }
    }

    /// The probability of spam of one text.
    pub fn score_one(&self, text: &str) -> f64 {
        let z = self.dense.logit(&self.features(text));
        1.0 / (1.0 + (-f64::from(z)).exp())
    }
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
