//! The train stage: split, baselines, a model, and a tracked run.
//!
//! Reads the clean dataset (running gather first if needed), splits it with
//! the lab's code (random or by time, seeded, duplicates removed), scores the
//! keyword baseline of the frame lab and a logistic regression on the test
//! part, trains the chosen model with the lab's step inside the given loop,
//! and records everything in a run folder: `runs/<run id>/` under the
//! artifacts, with `config.json` (the whole settings tree), `run.json` (the
//! record: data hashes, code version, per-epoch and final metrics, wall time,
//! device), `split.json` and the model's weights. The folder is written
//! under a temporary name and renamed at the end, so a run killed half-way
//! leaves no half-written run, and never touches another.

mod sweep;

use crate::Context;
use crate::data::{clean_file, clean_messages};
use anyhow::{Context as _, Result, anyhow, bail};
use burn::backend::Autodiff;
use burn::module::{AutodiffModule, Module};
use burn::prelude::Backend as BurnBackend;
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder};
use lab_frame::baseline::KeywordBaseline;
use lab_train::config::{ModelConfig, TrainConfig};
use lab_train::features::{Hashed, bag, sequence, tokenize};
use lab_train::fit::{Encoded, EpochReport, fit, predict};
use lab_train::judge::{Paired, Verdict, bootstrap_gap, mcnemar, twins_across, verdict};
use lab_train::model::{Classifier, LogRegConfig};
use lab_train::split::{Example, Split, random_split, stratified, time_split};
use ninety_kit::artifact::{now_rfc3339, write_atomic};
use ninety_kit::command::TrainArgs;
use ninety_kit::events::Emitter;
use ninety_kit::hash::{sha256_file, sha256_hex};
use ninety_kit::metrics::Metrics;
use ninety_kit::records::Summary;
use ninety_kit::records::train::Comparison;
use ninety_kit::records::train::{Baselines, CodeVersion, HashedInput, RunInputs, Sizes, TrainRun};
use ninety_kit::rng::Rng;
use ninety_kit::{Backend, Device, Label, ModelKind, SplitKind};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// `train`: one run of the settings the arguments give, or with `--sweep`,
/// one run per point of the sweep file.
pub fn run<W: Write>(ctx: &Context, args: &TrainArgs, out: &mut Emitter<W>) -> Result<Summary> {
    let base = TrainConfig::from_args(args)?;
    let backend = match (args.device, args.backend) {
        (Device::Cpu, backend) => backend.unwrap_or(Backend::Flex),
        (Device::Cuda, None) => Backend::Cuda,
        (Device::Cuda, Some(b)) => bail!(
            "--backend {b} chooses a CPU backend; with --device cuda the backend is CUDA, leave --backend out"
        ),
    };
    let spec = args.spec.as_deref();
    match &args.sweep {
        Some(path) => sweep::run(ctx, &base, backend, spec, path, out),
        None => Ok(Summary::Train(train_on(ctx, &base, backend, spec, out)?)),
    }
}

/// One tracked run of `config` on `backend`.
fn train_on<W: Write>(
    ctx: &Context,
    config: &TrainConfig,
    backend: Backend,
    spec: Option<&Path>,
    out: &mut Emitter<W>,
) -> Result<TrainRun> {
    match backend {
        Backend::Ndarray => run_on::<burn::backend::NdArray<f32>, W>(
            ctx,
            config,
            backend,
            Default::default(),
            spec,
            out,
        ),
        #[cfg(feature = "flex")]
        Backend::Flex => {
            run_on::<burn::backend::Flex, W>(ctx, config, backend, Default::default(), spec, out)
        }
        #[cfg(not(feature = "flex"))]
        Backend::Flex => {
            bail!("this pipeline was built without the flex backend (cargo feature `flex`)")
        }
        #[cfg(feature = "cuda")]
        Backend::Cuda => {
            run_on::<burn::backend::Cuda, W>(ctx, config, backend, Default::default(), spec, out)
        }
        #[cfg(not(feature = "cuda"))]
        Backend::Cuda => bail!(
            "this pipeline was built without CUDA; build it with the `cuda` feature (`ninety run train --device cuda` does) on a machine with the CUDA toolkit"
        ),
    }
}

/// The examples and their split, from the clean dataset.
struct Data {
    examples: Vec<Example>,
    split: Split,
    clean_sha256: String,
}

fn data<W: Write>(ctx: &Context, config: &TrainConfig, out: &mut Emitter<W>) -> Result<Data> {
    let mut messages = clean_messages(ctx, out)?;
    if config.split.keep_duplicates {
        // The leakage experiment: the copies the gather stage set aside
        // come back, and the split keeps them too.
        let path = clean_file(ctx).with_file_name("duplicates.jsonl");
        let copies = ninety_kit::clean::read_gathered(&path).with_context(|| {
            format!(
                "reading the duplicates for --keep-duplicates from `{}`",
                path.display()
            )
        })?;
        out.log(format!(
            "--keep-duplicates: {} copies the gather stage set aside are back in, and the split keeps every copy",
            copies.len()
        ));
        messages.extend(copies);
    }
    let examples: Vec<Example> = messages
        .iter()
        .map(|m| Example::from_clean(m, lab_gather::normalise::dedup_key))
        .collect();
    let s = &config.split;
    let split = match (s.kind, s.keep_duplicates) {
        (SplitKind::Random, false) => random_split(&examples, s.valid, s.test, config.seed),
        (SplitKind::Time, false) => time_split(&examples, s.valid, config.seed),
        // The leakage experiment: the same splits with the duplicates left in.
        (SplitKind::Random, true) => {
            let all: Vec<usize> = (0..examples.len()).collect();
            stratified(&examples, &all, s.valid, s.test, &mut Rng::new(config.seed))
        }
        (SplitKind::Time, true) => {
            let earlier: Vec<usize> = (0..examples.len())
                .filter(|&i| examples[i].period == 1)
                .collect();
            let mut split = stratified(
                &examples,
                &earlier,
                s.valid,
                0.0,
                &mut Rng::new(config.seed),
            );
            split.test = (0..examples.len())
                .filter(|&i| examples[i].period != 1)
                .collect();
            split
        }
    };
    if split.train.is_empty() || split.test.is_empty() {
        bail!(
            "the {} split left {} training and {} test examples; the corpus is too small or has one period only",
            s.kind,
            split.train.len(),
            split.test.len()
        );
    }
    Ok(Data {
        examples,
        split,
        clean_sha256: sha256_file(&clean_file(ctx))?,
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
fn code_version(root: &Path) -> CodeVersion {
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
        Some(commit) => CodeVersion {
            commit: Some(commit),
            dirty: git(&["status", "--porcelain", "--untracked-files=no"]).map(|s| !s.is_empty()),
        },
        None => CodeVersion::default(),
    }
}

/// One trained model's results.
struct Trained {
    test: Metrics,
    /// The probability of spam for each test example, in split order.
    probabilities: Vec<f32>,
    /// The same for each validation example: what a threshold is chosen on.
    valid_probabilities: Vec<f32>,
    epochs: Vec<EpochReport>,
    seconds: f64,
}

/// How many resamples the comparison's interval is from.
const DRAWS: usize = 1000;

/// The model against the baseline on the same test examples, with the
/// learner's judge: the gap, its interval, McNemar's test, the verdict.
fn compare(
    data: &Data,
    model: (ModelKind, &[f32]),
    baseline: (ModelKind, &[f32]),
    seed: u64,
) -> Comparison {
    let pairs: Vec<Paired> = data
        .split
        .test
        .iter()
        .zip(model.1.iter().zip(baseline.1))
        .map(|(&i, (&a, &b))| Paired {
            spam: data.examples[i].label == Label::Spam,
            a: a >= 0.5,
            b: b >= 0.5,
        })
        .collect();
    let gap = lab_train::judge::f1_gap(&pairs, 0..pairs.len());
    let interval = bootstrap_gap(&pairs, DRAWS, &mut Rng::new(seed));
    let test = mcnemar(&pairs);
    Comparison {
        against: baseline.0,
        gap,
        low: interval.low,
        high: interval.high,
        draws: DRAWS,
        model_only: test.a_only,
        baseline_only: test.b_only,
        p_value: test.p_value,
        verdict: match verdict(interval) {
            Verdict::ABetter => format!("{} better", model.0),
            Verdict::BBetter => format!("{} better", baseline.0),
            Verdict::NoClearDifference => "no clear difference".to_owned(),
        },
    }
}

/// Trains `model` on the split encoded by `features`, reporting each epoch
/// as `kind`'s, saves the best epoch's weights to `save_as`, and returns its
/// test probabilities and the epochs.
#[allow(clippy::too_many_arguments)]
fn fit_and_predict<B, M, W>(
    kind: ModelKind,
    model: M,
    features: impl Fn(&[String]) -> Hashed,
    data: &Data,
    config: &TrainConfig,
    device: &B::Device,
    save_as: Option<&Path>,
    out: &mut Emitter<W>,
) -> Result<(Probabilities, Vec<EpochReport>)>
where
    B: BurnBackend,
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
    let (best, epochs) = fit::<B, _>(
        model,
        &train,
        &valid,
        &config.fit,
        config.seed,
        device,
        &mut |r| {
            out.epoch(kind, r);
            out.log(format!(
                "{kind} epoch {}: train loss {:.4}, valid loss {:.4}, valid F1 {:.3} ({:.1} s)",
                r.epoch,
                r.train_loss,
                r.valid_loss,
                r.valid.f1_or_zero(),
                r.seconds
            ));
        },
    );
    let (probabilities, _) = predict::<B, _>(&best, &test, device);
    let (valid_probabilities, _) = predict::<B, _>(&best, &valid, device);
    if let Some(path) = save_as {
        let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();
        best.save_file(path.to_path_buf(), &recorder)
            .map_err(|e| anyhow!("saving the model: {e}"))?;
    }
    Ok((
        Probabilities {
            test: probabilities,
            valid: valid_probabilities,
        },
        epochs,
    ))
}

/// A model's probability of spam for each test and each validation
/// example, in split order.
struct Probabilities {
    test: Vec<f32>,
    valid: Vec<f32>,
}

/// Trains the model `config` names and scores it on the test split.
fn train_one<B: BurnBackend, W: Write>(
    data: &Data,
    config: &TrainConfig,
    device: &B::Device,
    save_as: Option<&Path>,
    out: &mut Emitter<W>,
) -> Result<Trained> {
    <Autodiff<B> as BurnBackend>::seed(device, config.seed);
    let started = Instant::now();
    let kind = config.model.kind();
    let (
        Probabilities {
            test: probabilities,
            valid: valid_probabilities,
        },
        epochs,
    ) = match &config.model {
        ModelConfig::FastText(m) => fit_and_predict(
            kind,
            m.init::<Autodiff<B>>(device),
            |t: &[String]| sequence(t, m.buckets, m.max_tokens),
            data,
            config,
            device,
            save_as,
            out,
        )?,
        ModelConfig::LogReg(m) => fit_and_predict(
            kind,
            m.init::<Autodiff<B>>(device),
            |t: &[String]| bag(t, m.buckets),
            data,
            config,
            device,
            save_as,
            out,
        )?,
    };
    let test = Metrics::from_decisions(
        probabilities
            .iter()
            .zip(&data.split.test)
            .map(|(&p, &i)| (p >= 0.5, data.examples[i].label == Label::Spam)),
    );
    Ok(Trained {
        test,
        probabilities,
        valid_probabilities,
        epochs,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn keyword_baseline(ctx: &Context, spec: Option<&Path>, data: &Data) -> Result<Metrics> {
    let (_, _, spec) = crate::frame::load_spec(ctx, spec)?;
    let baseline = KeywordBaseline::new(&spec.baseline);
    Ok(Metrics::from_decisions(data.split.test.iter().map(|&i| {
        let e = &data.examples[i];
        (
            baseline.predict(&e.text) == Label::Spam,
            e.label == Label::Spam,
        )
    })))
}

/// A fresh run id under `runs`: the time, the model, the split; two runs in
/// one second (a sweep on a small corpus) get -2, -3, ...
fn new_run_id(runs: &Path, config: &TrainConfig) -> String {
    let stamp = now_rfc3339().replace([':', '-'], "");
    let base = format!(
        "{}-{}-{}",
        stamp.trim_end_matches('Z'),
        config.model.kind(),
        config.split.kind
    );
    (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| !runs.join(id).exists() && !runs.join(format!(".partial-{id}")).exists())
        .unwrap_or(base)
}

/// Runs the stage on burn backend `B`.
fn run_on<B: BurnBackend, W: Write>(
    ctx: &Context,
    config: &TrainConfig,
    backend: Backend,
    device: B::Device,
    spec: Option<&Path>,
    out: &mut Emitter<W>,
) -> Result<TrainRun> {
    let data = data(ctx, config, out)?;
    out.log(format!(
        "{} split: {} train, {} valid, {} test ({})",
        config.split.kind,
        data.split.train.len(),
        data.split.valid.len(),
        data.split.test.len(),
        if config.split.keep_duplicates {
            "duplicates kept: this split leaks on purpose"
        } else {
            "duplicates removed first"
        }
    ));
    let keyword = keyword_baseline(ctx, spec, &data)?;
    let logreg = if config.model.kind() == ModelKind::LogReg {
        None
    } else {
        out.log("baseline: logistic regression on hashed bag-of-words");
        // The same loop, split and seed; the model's bucket count.
        let baseline = TrainConfig {
            model: ModelConfig::LogReg(LogRegConfig::new().with_buckets(config.model.buckets())),
            ..config.clone()
        };
        Some(train_one::<B, W>(&data, &baseline, &device, None, out)?)
    };

    // The run folder, written under a temporary name.
    let runs = ctx.home.artifacts().join("runs");
    let run_id = new_run_id(&runs, config);
    let temp = runs.join(format!(".partial-{run_id}"));
    std::fs::create_dir_all(&temp).with_context(|| format!("creating `{}`", temp.display()))?;
    let device_name = if backend == Backend::Cuda {
        Device::Cuda
    } else {
        Device::Cpu
    };
    out.log(format!(
        "training {} on {device_name} ({backend})",
        config.model.kind()
    ));
    let trained = train_one::<B, W>(&data, config, &device, Some(&temp.join("model")), out)?;
    let twins = twins_across(&data.examples, &data.split);
    if twins > 0 {
        out.log(format!(
            "{twins} test messages have a twin in training: this split leaks, and its test figures flatter the model"
        ));
    }
    let comparison = logreg.as_ref().map(|baseline| {
        compare(
            &data,
            (config.model.kind(), &trained.probabilities),
            (ModelKind::LogReg, &baseline.probabilities),
            config.seed,
        )
    });
    if let Some(c) = &comparison {
        out.log(format!(
            "on the test split, {}",
            c.describe(config.model.kind())
        ));
    }
    // Each validation and test message's probabilities, for a later look
    // message by message (the evaluate stage chooses its threshold on the
    // validation part and reports on the test part).
    let mut predictions = Vec::new();
    let parts = [
        (
            "valid",
            &data.split.valid,
            &trained.valid_probabilities,
            logreg.as_ref().map(|b| &b.valid_probabilities),
        ),
        (
            "test",
            &data.split.test,
            &trained.probabilities,
            logreg.as_ref().map(|b| &b.probabilities),
        ),
    ];
    for (part, indices, model, baseline) in parts {
        for (n, &i) in indices.iter().enumerate() {
            let line = serde_json::json!({
                "part": part,
                "id": data.examples[i].id,
                "spam": data.examples[i].label == Label::Spam,
                "model": model[n],
                "logreg": baseline.map(|b| b[n]),
            });
            serde_json::to_writer(&mut predictions, &line)?;
            predictions.push(b'\n');
        }
    }
    write_atomic(&temp.join("predictions.jsonl"), &predictions)?;
    let split_ids = |part: &[usize]| -> Vec<&str> {
        part.iter().map(|&i| data.examples[i].id.as_str()).collect()
    };
    let split_json = serde_json::to_vec(&serde_json::json!({
        "kind": config.split.kind,
        "seed": config.seed,
        "train": split_ids(&data.split.train),
        "valid": split_ids(&data.split.valid),
        "test": split_ids(&data.split.test),
    }))?;
    let record = TrainRun {
        run_id: run_id.clone(),
        model: config.model.kind(),
        split: config.split.kind,
        corpus: ctx.corpus.to_string(),
        device: device_name,
        backend,
        seed: config.seed,
        created_at: now_rfc3339(),
        code: code_version(&ctx.root),
        inputs: RunInputs {
            clean: HashedInput {
                name: format!("gather:{}/clean.jsonl", ctx.corpus),
                sha256: data.clean_sha256.clone(),
            },
            labels: "the corpus's own labels (gold), in clean.jsonl".into(),
            split: HashedInput {
                name: "split.json".into(),
                sha256: sha256_hex(&split_json),
            },
        },
        params: config.params(),
        sizes: Sizes {
            train: data.split.train.len(),
            valid: data.split.valid.len(),
            test: data.split.test.len(),
        },
        epochs: trained.epochs,
        metrics: trained.test,
        baselines: Baselines {
            keyword,
            logreg: logreg.map(|b| b.test),
        },
        comparison,
        twins_across: Some(twins),
        seconds: trained.seconds,
        artifact: None,
    };
    write_atomic(&temp.join("split.json"), &split_json)?;
    write_atomic(
        &temp.join("config.json"),
        burn::config::config_to_json(config).as_bytes(),
    )?;
    write_atomic(&temp.join("run.json"), &serde_json::to_vec_pretty(&record)?)?;
    let folder = runs.join(&run_id);
    std::fs::rename(&temp, &folder)
        .with_context(|| format!("moving the finished run into `{}`", folder.display()))?;
    // The same record the folder holds, with where it is.
    Ok(TrainRun {
        artifact: Some(folder),
        ..record
    })
}
