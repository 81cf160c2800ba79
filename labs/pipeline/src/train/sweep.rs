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
use anyhow::{Context as _, Result, bail};
use lab_train::config::{ModelConfig, SettingError, TrainConfig};
use ninety_kit::events::Emitter;
use ninety_kit::records::Summary;
use ninety_kit::records::train::{Search, SweepRow, SweepSummary};
use ninety_kit::settings::{self, MOST_RUNS};
use ninety_kit::tomlfile::{self, TomlError};
use ninety_kit::{Backend, ModelKind, SplitKind};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use toml::Spanned;

/// What a sweep file is called in errors.
const WHAT: &str = "sweep file";

/// A sweep file. Each value keeps where it was written, so that a value out
/// of its range is refused with its line.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    model: Option<ModelKind>,
    split: Option<SplitKind>,
    #[serde(default)]
    search: Search,
    trials: Option<Spanned<usize>>,
    values: SweepValues,
}

/// The values to try for each setting (unset: the base config's).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepValues {
    #[serde(default)]
    learning_rate: Vec<Spanned<f64>>,
    #[serde(default)]
    dim: Vec<Spanned<usize>>,
    #[serde(default)]
    epochs: Vec<Spanned<usize>>,
    #[serde(default)]
    batch_size: Vec<Spanned<usize>>,
    #[serde(default)]
    buckets: Vec<Spanned<usize>>,
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
    fn axis<T: Copy>(v: &[Spanned<T>]) -> Vec<Option<T>> {
        if v.is_empty() {
            vec![None]
        } else {
            v.iter().map(|s| Some(*s.get_ref())).collect()
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

/// Every value of the file within its setting's range (the kit's, as the
/// command line's), and every setting one the model has; the first that is
/// not, with its line.
fn check_values(
    sweep: &SweepFile,
    model: ModelKind,
    path: &Path,
    text: &str,
) -> Result<(), TomlError> {
    fn each<T: Copy + PartialOrd + std::fmt::Display>(
        values: &[Spanned<T>],
        setting: settings::Setting<T>,
        at: &dyn Fn(&Spanned<T>, String) -> TomlError,
    ) -> Result<(), TomlError> {
        for v in values {
            setting
                .check(*v.get_ref())
                .map_err(|e| at(v, e.to_string()))?;
        }
        Ok(())
    }
    let at_usize = |v: &Spanned<usize>, problem: String| {
        TomlError::at(WHAT, path, text, Some(v.span()), problem)
    };
    let at_f64 = |v: &Spanned<f64>, problem: String| {
        TomlError::at(WHAT, path, text, Some(v.span()), problem)
    };
    let v = &sweep.values;
    each(&v.learning_rate, settings::LEARNING_RATE, &at_f64)?;
    each(&v.epochs, settings::EPOCHS, &at_usize)?;
    each(&v.batch_size, settings::BATCH_SIZE, &at_usize)?;
    each(&v.buckets, settings::BUCKETS, &at_usize)?;
    each(&v.dim, settings::DIM, &at_usize)?;
    if let (ModelKind::LogReg, Some(first)) = (model, v.dim.first()) {
        return Err(at_usize(
            first,
            "the logistic regression has no vectors; dim is for model = \"fasttext\"".into(),
        ));
    }
    match (sweep.search, &sweep.trials) {
        (Search::Random, None) => Err(TomlError::field(
            WHAT,
            path,
            text,
            "search",
            "`trials` is needed for a random search: how many points to draw",
        )),
        (Search::Random, Some(trials)) => settings::TRIALS
            .check(*trials.get_ref())
            .map(drop)
            .map_err(|e| at_usize(trials, e.to_string())),
        (Search::Grid, Some(trials)) => Err(at_usize(
            trials,
            "`trials` is for search = \"random\"; a grid runs every point".into(),
        )),
        (Search::Grid, None) => Ok(()),
    }
}

/// `base` with the point's values.
fn apply(base: &TrainConfig, p: &Point) -> Result<TrainConfig, SettingError> {
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
/// seeded draw of `trials` of its points. Every value is checked, with its
/// line, before the first run starts.
fn configs(base: &TrainConfig, path: &Path) -> Result<(Search, Vec<TrainConfig>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the sweep file `{}`", path.display()))?;
    let sweep: SweepFile = tomlfile::read(WHAT, path, &text)?;
    let mut base = base.clone();
    if let Some(kind) = sweep.model {
        base.model = ModelConfig::default_for(kind);
    }
    if let Some(kind) = sweep.split {
        base.split.kind = kind;
    }
    check_values(&sweep, base.model.kind(), path, &text)?;
    let mut chosen = points(&sweep.values);
    if let (Search::Random, Some(trials)) = (sweep.search, &sweep.trials) {
        let mut rng = ninety_kit::rng::Rng::new(base.seed);
        for i in (1..chosen.len()).rev() {
            chosen.swap(i, rng.below(i + 1));
        }
        chosen.truncate(*trials.get_ref());
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
        fn spanned<T>(values: &[T]) -> Vec<Spanned<T>>
        where
            T: Copy,
        {
            values.iter().map(|&v| Spanned::new(0..0, v)).collect()
        }
        let values = SweepValues {
            learning_rate: spanned(&[0.01, 0.02]),
            dim: spanned(&[8, 16, 32]),
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

    #[test]
    fn a_value_out_of_its_range_is_refused_with_its_line_before_any_run() {
        // Issue 12, item 13: `dim = 0` or `buckets = 0` panicked in burn,
        // and a zero batch, a learning rate of NaN, -1 or 1e308 and zero
        // epochs became tracked runs; a sweep file names where it came from.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sweep.toml");
        for (text, line, expected) in [
            (
                "model = \"fasttext\"\n[values]\ndim = [16, 0]\n",
                3,
                "field `values.dim`: setting `model.dim` = 0: expected a value from 1 to 1024",
            ),
            (
                "[values]\nbuckets = [0]\n",
                2,
                "setting `model.buckets` = 0",
            ),
            (
                "[values]\n\nbatch_size = [0]\n",
                3,
                "setting `fit.batch_size` = 0",
            ),
            (
                "[values]\nlearning_rate = [nan]\n",
                2,
                "setting `fit.learning_rate` = NaN: expected a value above 0 and at most 1",
            ),
            (
                "[values]\nlearning_rate = [-1.0]\n",
                2,
                "`fit.learning_rate` = -1",
            ),
            (
                "[values]\nlearning_rate = [1e308]\n",
                2,
                "`fit.learning_rate` = 1000000",
            ),
            (
                "[values]\nepochs = [3,\n  0]\n",
                3,
                "setting `fit.epochs` = 0",
            ),
            (
                "search = \"random\"\ntrials = 0\n[values]\ndim = [8]\n",
                2,
                "setting `trials` = 0: expected a value from 1 to 50",
            ),
            (
                "model = \"logreg\"\n[values]\ndim = [8]\n",
                3,
                "the logistic regression has no vectors",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let err = format!("{:#}", configs(&TrainConfig::new(), &path).unwrap_err());
            let place = format!("sweep file `{}` line {line}", path.display());
            assert!(
                err.contains(&place) && err.contains(expected),
                "{text:?}: {err}"
            );
        }
    }
}
