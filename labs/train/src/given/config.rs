//! Everything a training run is made with, as one burn `Config` tree.
//!
//! Given (not part of the exercise). [`TrainConfig`] holds the model and its
//! settings, the loop's settings, the split and the seed; each default is
//! written once, on its field. A run saves the whole tree as `config.json`
//! beside its weights, so the same model can be trained again from it; a
//! sweep is a list of these trees. [`TrainConfig::validate`] refuses a
//! setting outside its range before any tensor is made, naming the setting;
//! the ranges are the kit's (`ninety_kit::settings`), which the command line
//! and the sweep files check with too.

use crate::fit::FitConfig;
use crate::model::{FastTextConfig, LogRegConfig};
use burn::config::Config;
use ninety_kit::command::TrainArgs;
use ninety_kit::settings;
use ninety_kit::{ModelKind, SplitKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

// ANCHOR: trainconfig
/// A model and its settings, named in files by the model's word
/// (`{"fasttext": {...}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ModelConfig {
    /// The fastText-style classifier.
    #[serde(rename = "fasttext")]
    FastText(FastTextConfig),
    /// The logistic regression.
    #[serde(rename = "logreg")]
    LogReg(LogRegConfig),
}

// A burn config like the others (burn's derive would name the variants in
// files by their Rust names; serde's derive lets them use the course's).
impl Config for ModelConfig {}

/// How the clean dataset is split.
#[derive(Config, Debug, PartialEq)]
pub struct SplitConfig {
    /// Random (stratified, seeded) or by time.
    #[config(default = "SplitKind::Random")]
    pub kind: SplitKind,
    /// The share of examples that validate (choose the epoch and settings).
    #[config(default = 0.1)]
    pub valid: f64,
    /// The share that tests, looked at once (random split only: the time
    /// split tests on everything from the later period).
    #[config(default = 0.2)]
    pub test: f64,
    /// Leave duplicates in (an experiment: a split that leaks, to measure
    /// how much flatter it makes the test figures). Never for a model you
    /// will use.
    #[config(default = false)]
    pub keep_duplicates: bool,
}

/// Everything a training run is made with: saved as `config.json`.
#[derive(Config, Debug, PartialEq)]
pub struct TrainConfig {
    /// The model.
    #[config(default = "ModelConfig::FastText(FastTextConfig::new())")]
    pub model: ModelConfig,
    /// The training loop.
    #[config(default = "FitConfig::new()")]
    pub fit: FitConfig,
    /// The split.
    #[config(default = "SplitConfig::new()")]
    pub split: SplitConfig,
    /// Seeds the split, the weights and the order of the examples.
    #[config(default = 7)]
    pub seed: u64,
}
// ANCHOR_END: trainconfig

/// A setting outside its range, or one the chosen model does not have
/// (the kit's, shared with the command line and the sweep files).
pub use ninety_kit::settings::SettingError;

impl ModelConfig {
    /// Which model this is.
    pub fn kind(&self) -> ModelKind {
        match self {
            ModelConfig::FastText(_) => ModelKind::FastText,
            ModelConfig::LogReg(_) => ModelKind::LogReg,
        }
    }

    /// The default settings of model `kind`.
    pub fn default_for(kind: ModelKind) -> Self {
        match kind {
            ModelKind::FastText => ModelConfig::FastText(FastTextConfig::new()),
            ModelKind::LogReg => ModelConfig::LogReg(LogRegConfig::new()),
        }
    }

    /// Hash buckets of its features.
    pub fn buckets(&self) -> usize {
        match self {
            ModelConfig::FastText(c) => c.buckets,
            ModelConfig::LogReg(c) => c.buckets,
        }
    }

    /// The same model with `buckets` hash buckets.
    pub fn with_buckets(self, buckets: usize) -> Self {
        match self {
            ModelConfig::FastText(c) => ModelConfig::FastText(c.with_buckets(buckets)),
            ModelConfig::LogReg(c) => ModelConfig::LogReg(c.with_buckets(buckets)),
        }
    }

    /// The same model with vectors of `dim` numbers; only the fastText-style
    /// model has vectors.
    pub fn with_dim(self, dim: usize) -> Result<Self, SettingError> {
        match self {
            ModelConfig::FastText(c) => Ok(ModelConfig::FastText(c.with_dim(dim))),
            ModelConfig::LogReg(_) => Err(SettingError {
                setting: "model.dim".into(),
                value: dim.to_string(),
                expected: "the logistic regression has no vectors; dim is for --model fasttext"
                    .into(),
            }),
        }
    }
}

impl TrainConfig {
    /// The defaults with what the command line sets: the model, the split,
    /// the seed and the loop's settings. A setting the chosen model does not
    /// have is refused.
    pub fn from_args(args: &TrainArgs) -> Result<Self, SettingError> {
        let mut config = TrainConfig::new();
        if let Some(kind) = args.model {
            config.model = ModelConfig::default_for(kind);
        }
        if let Some(kind) = args.split {
            config.split.kind = kind;
        }
        config.split.keep_duplicates = args.keep_duplicates;
        if let Some(seed) = args.seed {
            config.seed = seed;
        }
        if let Some(epochs) = args.epochs {
            config.fit.epochs = epochs;
        }
        if let Some(rate) = args.learning_rate {
            config.fit.learning_rate = rate;
        }
        if let Some(size) = args.batch_size {
            config.fit.batch_size = size;
        }
        if let Some(buckets) = args.buckets {
            config.model = config.model.with_buckets(buckets);
        }
        if let Some(dim) = args.dim {
            config.model = config.model.with_dim(dim)?;
        }
        config.validate()?;
        Ok(config)
    }

    /// Every setting within its range (the kit's [`settings`], the ranges
    /// the command line and the sweep files use too); the first that is
    /// not, named.
    pub fn validate(&self) -> Result<(), SettingError> {
        match &self.model {
            ModelConfig::FastText(c) => {
                settings::BUCKETS.check(c.buckets)?;
                settings::DIM.check(c.dim)?;
                settings::MAX_TOKENS.check(c.max_tokens)?;
            }
            ModelConfig::LogReg(c) => {
                settings::BUCKETS.check(c.buckets)?;
            }
        }
        let fit = &self.fit;
        settings::EPOCHS.check(fit.epochs)?;
        settings::BATCH_SIZE.check(fit.batch_size)?;
        settings::LEARNING_RATE.check(fit.learning_rate)?;
        settings::PATIENCE.check(fit.patience)?;
        settings::VALID_SHARE.check(self.split.valid)?;
        settings::TEST_SHARE.check(self.split.test)?;
        if self.split.kind == SplitKind::Random && self.split.test == 0.0 {
            return Err(SettingError {
                setting: "split.test".into(),
                value: "0".into(),
                expected: "a random split needs a test share above 0".into(),
            });
        }
        Ok(())
    }

    /// Every setting as `path = value`, the way experiment trackers list
    /// parameters: `fit.learning_rate = 0.02`, `model.fasttext.dim = 16`.
    pub fn params(&self) -> BTreeMap<String, String> {
        fn flatten(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        let path = if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        };
                        flatten(&path, v, out);
                    }
                }
                serde_json::Value::String(s) => {
                    out.insert(prefix.to_owned(), s.clone());
                }
                other => {
                    out.insert(prefix.to_owned(), other.to_string());
                }
            }
        }
        let mut out = BTreeMap::new();
        let tree = serde_json::to_value(self).expect("a config always serialises");
        flatten("", &tree, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_round_trips_through_json() {
        let config = TrainConfig::new()
            .with_model(ModelConfig::LogReg(LogRegConfig::new().with_buckets(64)))
            .with_seed(3);
        let json = burn::config::config_to_json(&config);
        let back: TrainConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
        assert!(json.contains("\"logreg\""), "{json}");
    }

    #[test]
    fn params_name_every_setting_by_its_path() {
        let params = TrainConfig::new().params();
        assert_eq!(params["fit.learning_rate"], "0.02");
        assert_eq!(params["model.fasttext.dim"], "16");
        assert_eq!(params["split.kind"], "random");
        assert_eq!(params["seed"], "7");
    }

    #[test]
    fn arguments_override_the_defaults_and_bad_ones_are_named() {
        let mut args = TrainArgs {
            model: Some(ModelKind::LogReg),
            learning_rate: Some(0.05),
            ..TrainArgs::default()
        };
        let config = TrainConfig::from_args(&args).unwrap();
        assert_eq!(config.model.kind(), ModelKind::LogReg);
        assert_eq!(config.fit.learning_rate, 0.05);
        args.dim = Some(8);
        let err = TrainConfig::from_args(&args).unwrap_err();
        assert_eq!(err.setting, "model.dim");
        for (setting, change) in [
            (
                "fit.learning_rate",
                TrainArgs {
                    learning_rate: Some(f64::NAN),
                    ..TrainArgs::default()
                },
            ),
            (
                "fit.learning_rate",
                TrainArgs {
                    learning_rate: Some(-1.0),
                    ..TrainArgs::default()
                },
            ),
            (
                "fit.learning_rate",
                TrainArgs {
                    learning_rate: Some(1e308),
                    ..TrainArgs::default()
                },
            ),
            (
                "fit.batch_size",
                TrainArgs {
                    batch_size: Some(0),
                    ..TrainArgs::default()
                },
            ),
            (
                "fit.epochs",
                TrainArgs {
                    epochs: Some(0),
                    ..TrainArgs::default()
                },
            ),
            (
                "model.dim",
                TrainArgs {
                    dim: Some(0),
                    ..TrainArgs::default()
                },
            ),
            (
                "model.buckets",
                TrainArgs {
                    buckets: Some(0),
                    ..TrainArgs::default()
                },
            ),
        ] {
            let err = TrainConfig::from_args(&change).unwrap_err();
            assert_eq!(err.setting, setting, "{err}");
            assert!(err.to_string().contains("expected"), "{err}");
        }
    }
}
