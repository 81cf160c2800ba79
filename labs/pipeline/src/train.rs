//! The train stage: split, baselines, a model, and a tracked run.
//!
//! Reads the clean dataset (running gather first if needed), splits it with
//! the lab's code (random or by time, seeded, duplicates removed), scores the
//! keyword baseline of the frame lab and a logistic regression on the test
//! part, trains the chosen model with the lab's step inside the given loop,
//! and records everything in a run folder: `runs/<run id>/` under the
//! artifacts, with the configs, the split, the data hashes, the code version,
//! per-epoch and final metrics, the model's weights, wall time and device.
//! The folder is written under a temporary name and renamed at the end, so a
//! run killed half-way leaves no half-written run, and never touches another.

use crate::Context;
use crate::data::{clean_messages, clean_path};
use anyhow::{Context as _, Result, anyhow, bail};
use burn::backend::Autodiff;
use burn::module::{AutodiffModule, Module};
use burn::prelude::Backend;
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder};
use lab_frame::baseline::KeywordBaseline;
use lab_train::features::{Hashed, bag, sequence, tokenize};
use lab_train::fit::{Encoded, EpochReport, FitConfig, fit, predict};
use lab_train::metrics::Metrics;
use lab_train::model::{Classifier, FastTextConfig, LogRegConfig};
use lab_train::split::{Example, Split, random_split, time_split};
use ninety_kit::Label;
use ninety_kit::artifact::{now_rfc3339, write_atomic};
use ninety_kit::events::Emitter;
use ninety_kit::hash::{sha256_file, sha256_hex};
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// Shares of the split.
const VALID: f64 = 0.1;
const TEST: f64 = 0.2;

/// What to train, from the command line.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// `fasttext` or `logreg`.
    pub model: String,
    /// `random` or `time`.
    pub split: String,
    /// `cpu` or `cuda`.
    pub device: String,
    /// `ndarray` or `flex` (the CPU backend).
    pub backend: String,
    /// The seed of the split, the weights and the order.
    pub seed: u64,
    /// The most epochs.
    pub epochs: Option<usize>,
    /// Adam's step size.
    pub learning_rate: Option<f64>,
    /// Embedding size (fastText-style).
    pub dim: Option<usize>,
    /// Hash buckets.
    pub buckets: Option<usize>,
    /// Examples per step.
    pub batch_size: Option<usize>,
}

/// The examples and their split, from the clean dataset.
struct Data {
    examples: Vec<Example>,
    split: Split,
    clean_sha256: String,
}

fn data<W: Write>(ctx: &Context, options: &TrainOptions, out: &mut Emitter<W>) -> Result<Data> {
    let messages = clean_messages(ctx, out)?;
    let examples: Vec<Example> = messages
        .iter()
        .map(|m| Example::from_clean(m, lab_gather::normalise::dedup_key))
        .collect();
    let split = match options.split.as_str() {
        "random" => random_split(&examples, VALID, TEST, options.seed),
        "time" => time_split(&examples, VALID, options.seed),
        other => bail!("unknown split `{other}`; expected random or time"),
    };
    if split.train.is_empty() || split.test.is_empty() {
        bail!(
            "the {} split left {} training and {} test examples; the corpus is too small or has one period only",
            options.split,
            split.train.len(),
            split.test.len()
        );
    }
    Ok(Data {
        examples,
        split,
        clean_sha256: sha256_file(&clean_path(ctx))?,
    })
}

fn encode(
    examples: &[Example],
    indices: &[usize],
    features: impl Fn(&[String]) -> Hashed,
) -> Vec<Encoded> {
    indices
        .iter()
        .map(|&i| {
            let h = features(&tokenize(&examples[i].text));
            Encoded {
                ids: h.ids,
                weights: h.weights,
                spam: examples[i].label == Label::Spam,
            }
        })
        .collect()
}

/// The code version: the git commit and whether the tree had changes.
fn code_version(root: &Path) -> Value {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    match git(&["rev-parse", "HEAD"]) {
        Some(commit) => json!({
            "commit": commit,
            "dirty": git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty()),
        }),
        None => json!({ "commit": null, "dirty": null }),
    }
}

/// One trained model's results.
struct Trained {
    test: Metrics,
    epochs: Vec<EpochReport>,
    seconds: f64,
}

/// Trains `model` on the split encoded by `features`, reporting each epoch
/// as `kind`'s metrics, saves the best epoch's weights to `save_as`, and
/// returns its test probabilities and the epochs.
#[allow(clippy::too_many_arguments)]
fn fit_and_predict<B, M, W>(
    kind: &str,
    model: M,
    features: impl Fn(&[String]) -> Hashed,
    data: &Data,
    fit_config: &FitConfig,
    device: &B::Device,
    save_as: Option<&Path>,
    out: &mut Emitter<W>,
) -> Result<(Vec<f32>, Vec<EpochReport>)>
where
    B: Backend,
    W: Write,
    M: Classifier<Autodiff<B>> + AutodiffModule<Autodiff<B>>,
    M::InnerModule: Classifier<B>,
{
    let (split, ex) = (&data.split, &data.examples);
    let (train, valid, test) = (
        encode(ex, &split.train, &features),
        encode(ex, &split.valid, &features),
        encode(ex, &split.test, &features),
    );
    let (best, epochs) = fit::<B, _>(model, &train, &valid, fit_config, device, &mut |r| {
        let step = Some(r.epoch as u64);
        out.metric(&format!("{kind}.train_loss"), r.train_loss, step);
        out.metric(&format!("{kind}.valid_loss"), r.valid_loss, step);
        out.metric(&format!("{kind}.valid_f1"), r.valid.spam_f1, step);
        out.log(format!(
            "{kind} epoch {}: train loss {:.4}, valid loss {:.4}, valid F1 {:.3} ({:.1} s)",
            r.epoch, r.train_loss, r.valid_loss, r.valid.spam_f1, r.seconds
        ));
    });
    let (probabilities, _) = predict::<B, _>(&best, &test, device);
    if let Some(path) = save_as {
        let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();
        best.save_file(path.to_path_buf(), &recorder)
            .map_err(|e| anyhow!("saving the model: {e}"))?;
    }
    Ok((probabilities, epochs))
}

fn train_one<B: Backend, W: Write>(
    kind: &str,
    data: &Data,
    options: &TrainOptions,
    fit_config: &FitConfig,
    device: &B::Device,
    save_as: Option<&Path>,
    out: &mut Emitter<W>,
) -> Result<(Trained, Value)> {
    let (split, ex) = (&data.split, &data.examples);
    <Autodiff<B> as Backend>::seed(device, options.seed);
    let started = Instant::now();
    let (probabilities, epochs, config) = match kind {
        "fasttext" => {
            let mut config = FastTextConfig::new();
            if let Some(dim) = options.dim {
                config = config.with_dim(dim);
            }
            if let Some(buckets) = options.buckets {
                config = config.with_buckets(buckets);
            }
            let (p, epochs) = fit_and_predict(
                kind,
                config.init::<Autodiff<B>>(device),
                |t: &[String]| sequence(t, config.buckets, config.max_tokens),
                data,
                fit_config,
                device,
                save_as,
                out,
            )?;
            (p, epochs, serde_json::to_value(&config)?)
        }
        "logreg" => {
            let mut config = LogRegConfig::new();
            if let Some(buckets) = options.buckets {
                config = config.with_buckets(buckets);
            }
            let (p, epochs) = fit_and_predict(
                kind,
                config.init::<Autodiff<B>>(device),
                |t: &[String]| bag(t, config.buckets),
                data,
                fit_config,
                device,
                save_as,
                out,
            )?;
            (p, epochs, serde_json::to_value(&config)?)
        }
        other => bail!("unknown model `{other}`; expected fasttext or logreg"),
    };
    let test = Metrics::of(
        probabilities
            .iter()
            .zip(&split.test)
            .map(|(&p, &i)| (p >= 0.5, ex[i].label == Label::Spam)),
    );
    Ok((
        Trained {
            test,
            epochs,
            seconds: started.elapsed().as_secs_f64(),
        },
        config,
    ))
}

fn keyword_baseline(ctx: &Context, data: &Data) -> Result<Metrics> {
    let (_, _, spec) = crate::frame::load_spec(ctx)?;
    let baseline = KeywordBaseline::new(&spec.baseline);
    Ok(Metrics::of(data.split.test.iter().map(|&i| {
        let e = &data.examples[i];
        (
            baseline.predict(&e.text) == Label::Spam,
            e.label == Label::Spam,
        )
    })))
}

/// Runs the stage on backend `B`.
fn run_on<B: Backend, W: Write>(
    ctx: &Context,
    options: &TrainOptions,
    device: B::Device,
    device_name: &str,
    out: &mut Emitter<W>,
) -> Result<Value> {
    let data = data(ctx, options, out)?;
    out.log(format!(
        "{} split: {} train, {} valid, {} test (duplicates removed first)",
        options.split,
        data.split.train.len(),
        data.split.valid.len(),
        data.split.test.len()
    ));
    let mut fit_config = FitConfig::new().with_seed(options.seed);
    if let Some(epochs) = options.epochs {
        fit_config = fit_config.with_epochs(epochs);
    }
    if let Some(lr) = options.learning_rate {
        fit_config = fit_config.with_learning_rate(lr);
    }
    if let Some(size) = options.batch_size {
        fit_config = fit_config.with_batch_size(size);
    }
    let keyword = keyword_baseline(ctx, &data)?;
    let mut baselines = serde_json::Map::new();
    baselines.insert("keyword".into(), serde_json::to_value(&keyword)?);
    if options.model != "logreg" {
        out.log("baseline: logistic regression on hashed bag-of-words");
        let (logreg, _) =
            train_one::<B, W>("logreg", &data, options, &fit_config, &device, None, out)?;
        baselines.insert("logreg".into(), serde_json::to_value(&logreg.test)?);
    }

    // The run folder, written under a temporary name.
    let runs = ctx.home.artifacts().join("runs");
    let stamp = now_rfc3339().replace([':', '-'], "");
    let base = format!(
        "{}-{}-{}",
        stamp.trim_end_matches('Z'),
        options.model,
        options.split
    );
    // Two runs in one second (a sweep on a small corpus) get -2, -3, ...
    let run_id = (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| !runs.join(id).exists() && !runs.join(format!(".partial-{id}")).exists())
        .unwrap_or(base);
    let temp = runs.join(format!(".partial-{run_id}"));
    std::fs::create_dir_all(&temp).with_context(|| format!("creating `{}`", temp.display()))?;
    out.log(format!("training {} on {device_name}", options.model));
    let (trained, model_config) = train_one::<B, W>(
        &options.model,
        &data,
        options,
        &fit_config,
        &device,
        Some(&temp.join("model")),
        out,
    )?;
    let split_ids = |part: &[usize]| -> Vec<&str> {
        part.iter().map(|&i| data.examples[i].id.as_str()).collect()
    };
    let split_json = serde_json::to_vec(&json!({
        "kind": options.split,
        "seed": options.seed,
        "train": split_ids(&data.split.train),
        "valid": split_ids(&data.split.valid),
        "test": split_ids(&data.split.test),
    }))?;
    let run = json!({
        "run_id": run_id,
        "stage": "train",
        "model": options.model,
        "split": options.split,
        "corpus": ctx.corpus,
        "device": device_name,
        "backend": if device_name == "cuda" { "cuda" } else { options.backend.as_str() },
        "seed": options.seed,
        "created_at": now_rfc3339(),
        "code": code_version(&ctx.root),
        "inputs": {
            "clean": { "name": format!("gather:{}/clean.jsonl", ctx.corpus), "sha256": data.clean_sha256 },
            "labels": "the corpus's own labels (gold), in clean.jsonl",
            "split": { "sha256": sha256_hex(&split_json) },
        },
        "config": { "model": model_config, "fit": serde_json::to_value(&fit_config)? },
        "sizes": { "train": data.split.train.len(), "valid": data.split.valid.len(), "test": data.split.test.len() },
        "epochs": trained.epochs,
        "metrics": trained.test,
        "baselines": baselines,
        "seconds": trained.seconds,
    });
    write_atomic(&temp.join("split.json"), &split_json)?;
    write_atomic(&temp.join("run.json"), &serde_json::to_vec_pretty(&run)?)?;
    let folder = runs.join(&run_id);
    std::fs::rename(&temp, &folder)
        .with_context(|| format!("moving the finished run into `{}`", folder.display()))?;
    let mut summary = run;
    summary["artifact"] = json!(folder.display().to_string());
    summary["epochs"] = json!(trained.epochs.len());
    summary["epoch_reports"] = json!(trained.epochs);
    Ok(summary)
}

/// `train`: the stage, on the backend the options name.
pub fn run<W: Write>(ctx: &Context, options: &TrainOptions, out: &mut Emitter<W>) -> Result<Value> {
    match (options.device.as_str(), options.backend.as_str()) {
        ("cpu", "ndarray") => {
            run_on::<burn::backend::NdArray<f32>, W>(ctx, options, Default::default(), "cpu", out)
        }
        #[cfg(feature = "flex")]
        ("cpu", "flex") => {
            run_on::<burn::backend::Flex, W>(ctx, options, Default::default(), "cpu", out)
        }
        #[cfg(not(feature = "flex"))]
        ("cpu", "flex") => {
            bail!("this pipeline was built without the flex backend (cargo feature `flex`)")
        }
        #[cfg(feature = "cuda")]
        ("cuda", _) => {
            run_on::<burn::backend::Cuda, W>(ctx, options, Default::default(), "cuda", out)
        }
        #[cfg(not(feature = "cuda"))]
        ("cuda", _) => bail!(
            "this pipeline was built without CUDA; build it with the `cuda` feature (`ninety run train --device cuda` does) on a machine with the CUDA toolkit"
        ),
        (device, backend) => bail!(
            "unknown device `{device}` or backend `{backend}`; expected --device cpu|cuda and --backend ndarray|flex"
        ),
    }
}

/// A sweep file: the settings to try, on a grid or drawn at random.
///
/// ```toml
/// model = "fasttext"        # optional: the run's --model
/// split = "random"          # optional
/// search = "grid"           # or "random", with `trials`
/// trials = 4                # random search only
///
/// [values]
/// learning_rate = [0.01, 0.02]
/// dim = [16, 32]
/// ```
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    model: Option<String>,
    split: Option<String>,
    #[serde(default = "grid")]
    search: String,
    trials: Option<usize>,
    values: SweepValues,
}

fn grid() -> String {
    "grid".into()
}

/// The values to try for each setting (unset: the default).
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

/// One point of a sweep.
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

/// `train --sweep FILE`: one tracked run per point of the grid (or per
/// random draw from it), then the results, best first by the validation F1
/// of each run's best epoch: the test split is not for choosing settings.
pub fn run_sweep<W: Write>(
    ctx: &Context,
    options: &TrainOptions,
    path: &Path,
    out: &mut Emitter<W>,
) -> Result<Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the sweep file `{}`", path.display()))?;
    let sweep: SweepFile = toml::from_str(&text)
        .map_err(|e| anyhow!("sweep file `{}`: {}", path.display(), e.to_string().trim()))?;
    let mut chosen = points(&sweep.values);
    match sweep.search.as_str() {
        "grid" => {}
        "random" => {
            let trials = sweep.trials.ok_or_else(|| {
                anyhow!(
                    "sweep file `{}`: `trials` is needed for a random search",
                    path.display()
                )
            })?;
            let mut rng = ninety_kit::rng::Rng::new(options.seed);
            for i in (1..chosen.len()).rev() {
                chosen.swap(i, rng.below(i + 1));
            }
            chosen.truncate(trials);
        }
        other => bail!(
            "sweep file `{}`: search `{other}`; expected grid or random",
            path.display()
        ),
    }
    if chosen.len() > 50 {
        bail!(
            "sweep file `{}` asks for {} runs; 50 at most (use search = \"random\" with trials)",
            path.display(),
            chosen.len()
        );
    }
    let mut results = Vec::new();
    for (i, p) in chosen.iter().enumerate() {
        let run_options = TrainOptions {
            model: sweep.model.clone().unwrap_or_else(|| options.model.clone()),
            split: sweep.split.clone().unwrap_or_else(|| options.split.clone()),
            learning_rate: p.learning_rate.or(options.learning_rate),
            dim: p.dim.or(options.dim),
            epochs: p.epochs.or(options.epochs),
            batch_size: p.batch_size.or(options.batch_size),
            buckets: p.buckets.or(options.buckets),
            ..options.clone()
        };
        out.log(format!("sweep run {} of {}: {p:?}", i + 1, chosen.len()));
        let summary = run(ctx, &run_options, out)?;
        let best_valid = summary["epoch_reports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["valid"]["spam_f1"].as_f64())
            .fold(0.0_f64, f64::max);
        results.push(json!({
            "run_id": summary["run_id"],
            "settings": summary["config"],
            "best_valid_f1": best_valid,
            "metrics": summary["metrics"],
            "seconds": summary["seconds"],
        }));
    }
    results.sort_by(|a, b| {
        b["best_valid_f1"]
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&a["best_valid_f1"].as_f64().unwrap_or(0.0))
    });
    Ok(json!({
        "stage": "train",
        "sweep": path.display().to_string(),
        "search": sweep.search,
        "runs": results,
        "best": results.first().map(|r| r["run_id"].clone()),
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
    fn a_bad_sweep_file_names_the_file_and_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context {
            root: dir.path().to_owned(),
            home: ninety_kit::DataHome::at(dir.path().join("home")),
            corpus: "mini".into(),
            spec: None,
        };
        let options = TrainOptions {
            model: "fasttext".into(),
            split: "random".into(),
            device: "cpu".into(),
            backend: "flex".into(),
            seed: 7,
            epochs: None,
            learning_rate: None,
            dim: None,
            buckets: None,
            batch_size: None,
        };
        let mut out = Emitter::new(Vec::new(), "train");
        for (text, expected) in [
            (
                "[values]\nlearnin_rate = [0.1]\n",
                "unknown field `learnin_rate`",
            ),
            (
                "search = \"random\"\n[values]\ndim = [8]\n",
                "`trials` is needed",
            ),
            ("search = \"best\"\n[values]\n", "search `best`"),
        ] {
            let path = dir.path().join("sweep.toml");
            std::fs::write(&path, text).unwrap();
            let err = run_sweep(&ctx, &options, &path, &mut out)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("sweep.toml") && err.contains(expected),
                "{text:?}: {err}"
            );
        }
    }
}
