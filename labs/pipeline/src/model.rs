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
    loaded: Loaded,
    device: burn::backend::ndarray::NdArrayDevice,
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
        Ok(Self { loaded, device })
    }

    /// The features of `text`, as the model was trained on them.
    fn features(&self, text: &str) -> Hashed {
        let tokens = tokenize(text);
        match &self.loaded {
            Loaded::FastText(_, buckets, max_tokens) => sequence(&tokens, *buckets, *max_tokens),
            Loaded::LogReg(_, buckets) => bag(&tokens, *buckets),
        }
    }

    /// The probability of spam of each text, in order.
    pub fn score(&self, texts: &[String]) -> Vec<f64> {
        let encoded: Vec<Encoded> = texts
            .iter()
            .map(|t| {
                let h = self.features(t);
                Encoded {
                    ids: h.ids,
                    weights: h.weights,
                    spam: false,
                }
            })
            .collect();
        let (p, _) = match &self.loaded {
            Loaded::FastText(m, ..) => predict::<B, _>(m, &encoded, &self.device),
            Loaded::LogReg(m, _) => predict::<B, _>(m, &encoded, &self.device),
        };
        p.into_iter().map(f64::from).collect()
    }
}

/// Loads and names the folder on failure.
pub fn load(folder: &Path) -> Result<Scorer> {
    Scorer::load(folder).with_context(|| format!("loading the model in `{}`", folder.display()))
}
