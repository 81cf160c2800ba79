//! Sweeps: a list of training configs from a small TOML file, each a
//! tracked run, ranked by validation F1.
//!
//! ```toml
//! model = "fasttext"        # optional: the runs' model
//! split = "random"          # optional
//! search = "grid"           # or "random", with `trials`
//! trials = 4                # random search only
//!
//! [values]
//! learning_rate = [0.01, 0.02]
//! dim = [16, 32]
//! ```
//!
//! The file is turned into a list of [`TrainConfig`]s (the command line's
//! settings, then the file's model and split, then one point of the grid
//! each), every one validated before the first run starts, so a bad value
//! is refused with the file's name instead of failing in the middle.

use super::train_on;
use crate::Context;
use anyhow::{Context as _, Result, anyhow, bail};
use lab_train::config::{ModelConfig, TrainConfig};
use ninety_kit::events::Emitter;
use ninety_kit::records::Summary;
use ninety_kit::records::train::{Search, SweepRow, SweepSummary};
use ninety_kit::{Backend, ModelKind, SplitKind};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

/// The most runs one sweep may ask for.
const MOST_RUNS: usize = 50;

/// A sweep file.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    model: Option<ModelKind>,
    split: Option<SplitKind>,
    #[serde(default)]
    search: Search,
    trials: Option<usize>,
    values: SweepValues,
}

/// The values to try for each setting (unset: the base config's).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepValues {
    #[serde(default)]
    learning_rate: Vec<f64>,
    #[serde(default)]
    dim: Vec<usize>,
    #[serde(default)]
    epochs: Vec<usize>,
    #[serde(default)]
    batch_size: Vec<usize>,
    #[serde(default)]
    buckets: Vec<usize>,
}

/// One point of a sweep: a value for each setting the file varies.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Point {
    learning_rate: Option<f64>,
    dim: Option<usize>,
    epochs: Option<usize>,
    batch_size: Option<usize>,
    buckets: Option<usize>,
}

fn points(values: &SweepValues) -> Vec<Point> {
    fn axis<T: Copy>(v: &[T]) -> Vec<Option<T>> {
        if v.is_empty() {
            vec![None]
        } else {
            v.iter().copied().map(Some).collect()
        }
    }
    let mut all = Vec::new();
    for learning_rate in axis(&values.learning_rate) {
        for dim in axis(&values.dim) {
            for epochs in axis(&values.epochs) {
                for batch_size in axis(&values.batch_size) {
                    for buckets in axis(&values.buckets) {
                        all.push(Point {
                            learning_rate,
                            dim,
                            epochs,
                            batch_size,
                            buckets,
                        });
                    }
                }
            }
        }
    }
    all
}

/// `base` with the point's values.
fn apply(base: &TrainConfig, p: &Point) -> Result<TrainConfig, lab_train::config::SettingError> {
    let mut c = base.clone();
    if let Some(v) = p.learning_rate {
        c.fit.learning_rate = v;
    }
    if let Some(v) = p.epochs {
        c.fit.epochs = v;
    }
    if let Some(v) = p.batch_size {
        c.fit.batch_size = v;
    }
    if let Some(v) = p.buckets {
        c.model = c.model.with_buckets(v);
    }
    if let Some(v) = p.dim {
        c.model = c.model.with_dim(v)?;
    }
    c.validate()?;
    Ok(c)
}

/// The configs of the sweep file at `path` over `base`: a grid, or a
/// seeded draw of `trials` of its points.
fn configs(base: &TrainConfig, path: &Path) -> Result<(Search, Vec<TrainConfig>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the sweep file `{}`", path.display()))?;
    let sweep: SweepFile = toml::from_str(&text)
        .map_err(|e| anyhow!("sweep file `{}`: {}", path.display(), e.to_string().trim()))?;
    let mut base = base.clone();
    if let Some(kind) = sweep.model {
        base.model = ModelConfig::default_for(kind);
    }
    if let Some(kind) = sweep.split {
        base.split.kind = kind;
    }
    let mut chosen = points(&sweep.values);
    match sweep.search {
        Search::Grid => {}
        Search::Random => {
            let trials = sweep.trials.ok_or_else(|| {
                anyhow!(
                    "sweep file `{}`: `trials` is needed for a random search",
                    path.display()
                )
            })?;
            let mut rng = ninety_kit::rng::Rng::new(base.seed);
            for i in (1..chosen.len()).rev() {
                chosen.swap(i, rng.below(i + 1));
            }
            chosen.truncate(trials);
        }
    }
    if chosen.len() > MOST_RUNS {
        bail!(
            "sweep file `{}` asks for {} runs; {MOST_RUNS} at most (use search = \"random\" with trials)",
            path.display(),
            chosen.len()
        );
    }
    let configs = chosen
        .iter()
        .map(|p| apply(&base, p))
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("sweep file `{}`", path.display()))?;
    Ok((sweep.search, configs))
}

/// The settings whose values differ between `configs`, with each config's
/// values.
fn varied(configs: &[TrainConfig]) -> Vec<BTreeMap<String, String>> {
    let all: Vec<BTreeMap<String, String>> = configs.iter().map(TrainConfig::params).collect();
    let keys: BTreeSet<&String> = all.iter().flat_map(|p| p.keys()).collect();
    let differing: Vec<&String> = keys
        .into_iter()
        .filter(|k| {
            let first = all.first().and_then(|p| p.get(*k));
            all.iter().any(|p| p.get(*k) != first)
        })
        .collect();
    all.iter()
        .map(|p| {
            differing
                .iter()
                .filter_map(|k| p.get(*k).map(|v| ((*k).clone(), v.clone())))
                .collect()
        })
        .collect()
}

/// `train --sweep FILE`: one tracked run per config of the sweep, then the
/// results, best first by the validation F1 of each run's best epoch: the
/// test split is not for choosing settings.
pub fn run<W: Write>(
    ctx: &Context,
    base: &TrainConfig,
    backend: Backend,
    spec: Option<&Path>,
    path: &Path,
    out: &mut Emitter<W>,
) -> Result<Summary> {
    let (search, configs) = configs(base, path)?;
    let mut runs = Vec::new();
    for (i, (config, varied)) in configs.iter().zip(varied(&configs)).enumerate() {
        let shown: Vec<String> = varied.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        out.log(format!(
            "sweep run {} of {}: {}",
            i + 1,
            configs.len(),
            if shown.is_empty() {
                "the base settings".to_owned()
            } else {
                shown.join(", ")
            }
        ));
        let run = train_on(ctx, config, backend, spec, out)?;
        runs.push(SweepRow {
            best_valid_f1: run.best_valid_f1(),
            run_id: run.run_id,
            varied,
            metrics: run.metrics,
            seconds: run.seconds,
        });
    }
    runs.sort_by(|a, b| b.best_valid_f1.total_cmp(&a.best_valid_f1));
    Ok(Summary::Sweep(SweepSummary {
        sweep: path.to_path_buf(),
        search,
        best: runs.first().map(|r| r.run_id.clone()),
        runs,
        seconds: ctx.seconds(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_is_every_combination_and_unset_settings_stay_default() {
        let values = SweepValues {
            learning_rate: vec![0.01, 0.02],
            dim: vec![8, 16, 32],
            ..SweepValues::default()
        };
        let all = points(&values);
        assert_eq!(all.len(), 6);
        assert!(
            all.iter()
                .all(|p| p.epochs.is_none() && p.buckets.is_none())
        );
        assert_eq!(points(&SweepValues::default()), vec![Point::default()]);
    }

    #[test]
    fn a_sweep_is_a_list_of_configs_and_only_what_varies_is_shown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sweep.toml");
        std::fs::write(
            &path,
            "split = \"time\"\n[values]\nlearning_rate = [0.01, 0.02]\ndim = [8]\n",
        )
        .unwrap();
        let (search, configs) = configs(&TrainConfig::new(), &path).unwrap();
        assert_eq!(search, Search::Grid);
        assert_eq!(configs.len(), 2);
        assert!(configs.iter().all(|c| c.split.kind == SplitKind::Time));
        let varied = varied(&configs);
        assert_eq!(varied[0].keys().collect::<Vec<_>>(), ["fit.learning_rate"]);
        assert_eq!(varied[1]["fit.learning_rate"], "0.02");
    }

    #[test]
    fn a_bad_sweep_file_names_the_file_and_the_field() {
        let dir = tempfile::tempdir().unwrap();
        for (text, expected) in [
            (
                "[values]\nlearnin_rate = [0.1]\n",
                "unknown field `learnin_rate`",
            ),
            (
                "search = \"random\"\n[values]\ndim = [8]\n",
                "`trials` is needed",
            ),
            ("search = \"best\"\n[values]\n", "unknown variant `best`"),
            ("model = \"bert\"\n[values]\n", "unknown variant `bert`"),
            ("[values]\ndim = [0]\n", "setting `model.dim` = 0"),
            (
                "[values]\nbatch_size = [0]\n",
                "setting `fit.batch_size` = 0",
            ),
            ("[values]\nlearning_rate = [-1.0]\n", "fit.learning_rate"),
            (
                "model = \"logreg\"\n[values]\ndim = [8]\n",
                "the logistic regression has no vectors",
            ),
        ] {
            let path = dir.path().join("sweep.toml");
            std::fs::write(&path, text).unwrap();
            let err = format!("{:#}", configs(&TrainConfig::new(), &path).unwrap_err());
            assert!(
                err.contains("sweep.toml") && err.contains(expected),
                "{text:?}: {err}"
            );
        }
    }
}
