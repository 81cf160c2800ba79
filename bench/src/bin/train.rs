//! The training benchmark: our fastText-style model (burn, flex backend)
//! against the same model in PyTorch on the CPU, and against scikit-learn's
//! hashing vectoriser with a logistic regression, on the same split, in one
//! run.
//!
//! `cargo run --release -p ninety-bench --bin train -- CLEAN_JSONL [--python PYTHON] [--runs N]`
//!
//! CLEAN_JSONL is the gather stage's output for the real corpus
//! (`.ninety/artifacts/gather/spamassassin/clean.jsonl` after
//! `ninety run gather --corpus spamassassin`); PYTHON is an interpreter with
//! `torch` and `scikit-learn` (`bench/README.md` shows how to make one).
//! The split is the train stage's: duplicates removed, stratified, seed 7,
//! 70/10/20. It is written once, with our features, to a JSON-lines file
//! that every side reads, so PyTorch learns from exactly our ids and
//! weights. Each side then runs in its own process, interleaved, `N` times
//! (3 by default); the fastest run of each is reported. `--keep-split FILE`
//! writes the split file there and keeps it, to rerun a side by hand
//! (`train --ours-once FILE`, `python bench/train_peer.py torch FILE`).

use anyhow::{Context, Result, bail};
use burn::backend::{Autodiff, Flex};
use burn::prelude::Backend;
use lab_train::config::{ModelConfig, TrainConfig};
use lab_train::features::{sequence, tokenize};
use lab_train::fit::{Encoded, fit, predict};
use lab_train::metrics::Metrics;
use lab_train::model::FastTextConfig;
use lab_train::split::{Example, random_split};
use ninety_bench::{best, json_of, machine, ours, peak_kib, seconds};
use ninety_kit::Label;
use serde::Deserialize;
use serde_json::{Value, json};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// One line of the split file.
#[derive(Deserialize)]
struct Row {
    part: String,
    spam: bool,
    text: String,
}

/// The fastText-style model's settings in `config` (the default model).
fn fasttext(config: &TrainConfig) -> FastTextConfig {
    match &config.model {
        ModelConfig::FastText(c) => c.clone(),
        ModelConfig::LogReg(_) => FastTextConfig::new(),
    }
}

/// Writes the split file: every example of the split with its part, label,
/// text, and our features. Returns the part sizes.
fn prepare(clean: &Path, out: &Path) -> Result<[usize; 3]> {
    let messages = ninety_kit::clean::read_gathered(clean)?;
    let examples: Vec<Example> = messages
        .iter()
        .map(|m| Example::from_clean(m, lab_gather::normalise::dedup_key))
        .collect();
    // The train stage's own defaults: its shares, its seed, its model.
    let defaults = TrainConfig::new();
    let s = &defaults.split;
    let split = random_split(&examples, s.valid, s.test, defaults.seed);
    let config = fasttext(&defaults);
    let mut file = BufWriter::new(
        std::fs::File::create(out).with_context(|| format!("creating `{}`", out.display()))?,
    );
    for (part, indices) in [
        ("train", &split.train),
        ("valid", &split.valid),
        ("test", &split.test),
    ] {
        for &i in indices {
            let e = &examples[i];
            let h = sequence(&tokenize(&e.text), config.buckets, config.max_tokens);
            let row = json!({
                "part": part, "spam": e.label == Label::Spam, "text": e.text,
                "ids": h.ids, "weights": h.weights,
            });
            writeln!(file, "{row}")?;
        }
    }
    file.flush()?;
    Ok([split.train.len(), split.valid.len(), split.test.len()])
}

/// One run of our side, in this process: features from the text, then the
/// train lab's loop with its default settings on the flex backend.
fn ours_once(split: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(split)?;
    let rows: Vec<Row> = text
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let defaults = TrainConfig::new();
    let (config, fit_config) = (fasttext(&defaults), defaults.fit.clone());
    let started = Instant::now();
    let encode = |part: &str| -> Vec<Encoded> {
        rows.iter()
            .filter(|r| r.part == part)
            .map(|r| {
                let h = sequence(&tokenize(&r.text), config.buckets, config.max_tokens);
                Encoded {
                    ids: h.ids,
                    weights: h.weights,
                    spam: r.spam,
                }
            })
            .collect()
    };
    let (train, valid, test) = (encode("train"), encode("valid"), encode("test"));
    let features_seconds = started.elapsed().as_secs_f64();
    let device = Default::default();
    <Autodiff<Flex> as Backend>::seed(&device, defaults.seed);
    let started = Instant::now();
    let model = config.init::<Autodiff<Flex>>(&device);
    let (model, epochs) = fit::<Flex, _>(
        model,
        &train,
        &valid,
        &fit_config,
        defaults.seed,
        &device,
        &mut |_| {},
    );
    let seconds = started.elapsed().as_secs_f64();
    let (probabilities, _) = predict::<Flex, _>(&model, &test, &device);
    let m = Metrics::from_decisions(
        probabilities
            .iter()
            .zip(&test)
            .map(|(&p, e)| (p >= 0.5, e.spam)),
    );
    Ok(json!({
        "seconds": seconds,
        "features_seconds": features_seconds,
        "epochs": epochs.len(),
        "spam_f1": m.spam_f1, "precision": m.precision, "recall": m.spam_recall,
        "ham_flagged_rate": m.ham_flagged_rate,
        "peak_kib": peak_kib(),
    }))
}

fn peer(python: &str, which: &str, split: &Path) -> Result<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("train_peer.py");
    let mut command = Command::new(python);
    command.arg(script).arg(which).arg(split);
    json_of(
        command,
        &format!("the {which} peer (`{python}` needs torch and scikit-learn; see bench/README.md)"),
    )
}

fn line(name: &str, r: &Value) -> String {
    format!(
        "  {name:<40} {:>6.2} s  peak {:>8} KiB  epochs {:>4}  F1 {:.4}  P {:.4}  R {:.4}  ham flagged {:.2}%",
        seconds(r),
        r["peak_kib"],
        r["epochs"].as_u64().map_or("-".into(), |e| e.to_string()),
        r["spam_f1"].as_f64().unwrap_or(f64::NAN),
        r["precision"].as_f64().unwrap_or(f64::NAN),
        r["recall"].as_f64().unwrap_or(f64::NAN),
        100.0 * r["ham_flagged_rate"].as_f64().unwrap_or(f64::NAN),
    )
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--ours-once") {
        println!("{}", ours_once(Path::new(&args[1]))?);
        return Ok(());
    }
    let usage = "usage: train CLEAN_JSONL [--python PYTHON] [--runs N] [--keep-split FILE]";
    let Some(clean) = args.first().map(PathBuf::from) else {
        bail!("{usage}");
    };
    let (mut python, mut runs, mut keep) = ("python3".to_owned(), 3usize, None);
    let mut rest = args[1..].iter();
    while let Some(flag) = rest.next() {
        let value = rest
            .next()
            .with_context(|| format!("{flag} needs a value; {usage}"))?;
        match flag.as_str() {
            "--python" => python.clone_from(value),
            "--keep-split" => keep = Some(PathBuf::from(value)),
            "--runs" => {
                runs = value.parse().ok().filter(|&n| n > 0).with_context(|| {
                    format!("--runs `{value}`: expected a whole number above 0")
                })?;
            }
            other => bail!("unknown option `{other}`; {usage}"),
        }
    }
    let dir = std::env::temp_dir().join(format!("ninety-train-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let split = keep.clone().unwrap_or_else(|| dir.join("split.jsonl"));
    let sizes = prepare(&clean, &split)?;
    let split_s = split.to_string_lossy().into_owned();
    let (mut o, mut t, mut s) = (Vec::new(), Vec::new(), Vec::new());
    // Interleaved, so a slow moment of the machine hits every side.
    for _ in 0..runs {
        o.push(ours(&["--ours-once", &split_s])?);
        t.push(peer(&python, "torch", &split)?);
        s.push(peer(&python, "sklearn", &split)?);
    }
    std::fs::remove_dir_all(&dir).ok();
    let (o, t, s) = (best(&o), best(&t), best(&s));
    let with_features = seconds(&o) + o["features_seconds"].as_f64().unwrap_or(0.0);
    println!(
        "training benchmark on {} (train {} / valid {} / test {}), best of {runs}",
        clean.display(),
        sizes[0],
        sizes[1],
        sizes[2]
    );
    println!("machine: {}", machine());
    println!("{}", line("ours (burn 0.21 flex, fastText-style)", &o));
    println!(
        "{}",
        line(
            &format!(
                "pytorch {} (same model, CPU)",
                t["version"].as_str().unwrap_or("?")
            ),
            &t
        )
    );
    println!(
        "{}",
        line(
            &format!(
                "sklearn {} (hashing + logreg)",
                s["version"].as_str().unwrap_or("?")
            ),
            &s
        )
    );
    println!(
        "  ours: features {:.2} s more (tokens, hashing, bigrams); pytorch used {} threads",
        o["features_seconds"].as_f64().unwrap_or(f64::NAN),
        t["threads"]
    );
    println!(
        "  ratio: ours is {:.2}x pytorch's speed (training), {:.2}x scikit-learn's (features + training)",
        seconds(&t) / seconds(&o),
        seconds(&s) / with_features
    );
    println!(
        "{}",
        json!({"ours": o, "pytorch": t, "sklearn": s,
               "ratio_vs_pytorch": seconds(&t) / seconds(&o),
               "ratio_vs_sklearn": seconds(&s) / with_features})
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("train: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
