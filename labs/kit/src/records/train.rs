//! The train stage's records: a tracked run, its epochs, and a sweep.
//!
//! A run folder `runs/<run id>/` holds `run.json` (a [`TrainRun`]),
//! `config.json` (the whole settings tree, as the train lab's burn `Config`
//! writes it, to train the same model again), `split.json` and the model's
//! weights. The run record carries the settings flattened into
//! [`TrainRun::params`] (`fit.learning_rate = 0.02`), the way experiment
//! trackers list parameters, so that a reader that does not link the train
//! lab can list and compare them.

use crate::metrics::Metrics;
use crate::vocab::{Backend, Device, ModelKind, SplitKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What one epoch did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    /// 1-based.
    pub epoch: usize,
    /// Mean loss over the training batches.
    pub train_loss: f64,
    /// Mean loss over the validation examples.
    pub valid_loss: f64,
    /// Validation figures at a 0.5 threshold.
    pub valid: Metrics,
    /// Wall time of the epoch.
    pub seconds: f64,
}

/// The code a run was made with.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CodeVersion {
    /// The git commit, when the workspace is a git repository.
    pub commit: Option<String>,
    /// Whether tracked files had changes.
    pub dirty: Option<bool>,
}

/// A file a run read, by content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashedInput {
    /// What it is (`gather:mini/clean.jsonl`).
    pub name: String,
    /// Its SHA-256.
    pub sha256: String,
}

/// What a run was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInputs {
    /// The clean dataset.
    pub clean: HashedInput,
    /// Where the labels came from.
    pub labels: String,
    /// The split (`split.json`).
    pub split: HashedInput,
}

/// How many examples each part of the split holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sizes {
    /// Training examples.
    pub train: usize,
    /// Validation examples.
    pub valid: usize,
    /// Test examples.
    pub test: usize,
}

/// The baselines, scored on the same test split as the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baselines {
    /// The frame lab's keyword rule, from the learner's spec.
    pub keyword: Metrics,
    /// A logistic regression on hashed bag-of-words (absent when the run's
    /// model is the logistic regression itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logreg: Option<Metrics>,
}

impl Baselines {
    /// `(name, figures)` of each baseline present.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Metrics)> {
        std::iter::once(("keyword", &self.keyword))
            .chain(self.logreg.as_ref().map(|m| ("logreg", m)))
    }
}

/// The run's model against the logistic regression baseline, message by
/// message on the same test split: the train lab's judge at work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The baseline compared against.
    pub against: ModelKind,
    /// The model's test F1 minus the baseline's.
    pub gap: f64,
    /// The paired bootstrap's 95% interval of the gap: its lower end.
    pub low: f64,
    /// Its upper end.
    pub high: f64,
    /// How many resamples the interval is from.
    pub draws: usize,
    /// Test messages only the model gets right.
    pub model_only: u64,
    /// Test messages only the baseline gets right.
    pub baseline_only: u64,
    /// McNemar's exact two-sided p-value.
    pub p_value: f64,
    /// What the interval says, in words: "fasttext better", "logreg
    /// better", or "no clear difference".
    pub verdict: String,
}

impl Comparison {
    /// The comparison in one line: `fasttext − logreg: -0.006 F1, 95%
    /// interval -0.017 to +0.003; disagreements 3 to 7 (McNemar p = 0.34):
    /// no clear difference`.
    pub fn describe(&self, model: ModelKind) -> String {
        format!(
            "{model} − {}: {:+.3} F1, 95% interval {:+.3} to {:+.3}; disagreements {} to {} (McNemar p = {:.2}): {}",
            self.against,
            self.gap,
            self.low,
            self.high,
            self.model_only,
            self.baseline_only,
            self.p_value,
            self.verdict
        )
    }
}

/// One tracked run (`runs/<run id>/run.json`), also the train stage's summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainRun {
    /// Its id: the time it started, the model, the split.
    pub run_id: String,
    /// The model trained.
    pub model: ModelKind,
    /// The split.
    pub split: SplitKind,
    /// The corpus.
    pub corpus: String,
    /// Where it trained.
    pub device: Device,
    /// The burn backend.
    pub backend: Backend,
    /// The seed of the split, the weights and the order.
    pub seed: u64,
    /// When it was made.
    pub created_at: String,
    /// The code it was made with.
    pub code: CodeVersion,
    /// The data it was made from.
    pub inputs: RunInputs,
    /// Every setting, flattened (`model.dim`, `fit.learning_rate`, ...).
    pub params: BTreeMap<String, String>,
    /// The split's sizes.
    pub sizes: Sizes,
    /// Every epoch.
    pub epochs: Vec<EpochReport>,
    /// The best epoch's model on the test split.
    pub metrics: Metrics,
    /// The baselines on the same test split.
    pub baselines: Baselines,
    /// The model against the logistic regression (absent when the run's
    /// model is the logistic regression, and in runs from before it was
    /// recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    /// Test messages with a twin (the same dedup key) in training: 0 for a
    /// leak-free split (absent in runs from before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twins_across: Option<usize>,
    /// Wall time of training and scoring the model.
    pub seconds: f64,
    /// The run's folder (in the stage's summary, not in `run.json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<PathBuf>,
}

impl TrainRun {
    /// Whether this is the reference run `ninety init` trains into a learner
    /// workspace with the course's solution (its folder holds the
    /// [`crate::clean::REFERENCE_FILE`] marker), so that the train view and
    /// the later stages have a model before the train lab is written.
    pub fn is_reference(&self) -> bool {
        self.artifact
            .as_deref()
            .is_some_and(crate::clean::is_reference)
    }

    /// The best validation F1 over the epochs: what a sweep ranks by.
    pub fn best_valid_f1(&self) -> f64 {
        self.epochs
            .iter()
            .map(|e| e.valid.f1_or_zero())
            .fold(0.0, f64::max)
    }
}

/// How a sweep chooses its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Search {
    /// Every combination.
    #[default]
    Grid,
    /// A seeded draw of `trials` combinations.
    Random,
}

/// One run of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    /// The run.
    pub run_id: String,
    /// The settings this sweep varied, with this run's values.
    pub varied: BTreeMap<String, String>,
    /// Its best validation F1: the sweep's ranking.
    pub best_valid_f1: f64,
    /// Its test figures (reported, never used to choose).
    pub metrics: Metrics,
    /// Its training time.
    pub seconds: f64,
}

/// The summary of `train --sweep FILE`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSummary {
    /// The sweep file.
    pub sweep: PathBuf,
    /// How it chose its points.
    pub search: Search,
    /// Its runs, best first by validation F1.
    pub runs: Vec<SweepRow>,
    /// The best run's id.
    pub best: Option<String>,
    /// Wall time of the whole sweep.
    pub seconds: f64,
}

/// The folder of the tracked runs.
pub fn runs_dir(home: &crate::DataHome) -> PathBuf {
    home.artifacts().join("runs")
}

/// The recorded runs, newest first, and the runs that could not be read
/// (`path: why`), listed rather than skipped in silence. A run still being
/// written, or killed while it was, has a dot name and is not listed.
pub fn load_runs(home: &crate::DataHome) -> (Vec<TrainRun>, Vec<String>) {
    let dir = runs_dir(home);
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    folders.sort();
    folders.reverse();
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    for folder in folders {
        let path = folder.join("run.json");
        let read = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<TrainRun>(&b).map_err(|e| e.to_string()));
        match read {
            Ok(run) => runs.push(TrainRun {
                artifact: Some(folder),
                ..run
            }),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    (runs, problems)
}
