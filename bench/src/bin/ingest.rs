//! The ingest benchmark: our gather stage against Python's `email` package,
//! side by side on the same corpus, in one run.
//!
//! `cargo run --release -p ninety-bench --bin ingest -- CORPUS_DIR [MANIFEST]`
//! (`.ci/run` and `bench/README.md` show where the real corpus comes from).
//! Each side runs in its own child process, three times; the best time of
//! each is compared, and each child reports its own peak resident memory.
//!
//! Three sides: the stage in this (release) process, which is the code's
//! speed; the whole `ninety-pipeline gather` process that `ninety run
//! gather` starts, built in the dev profile a learner builds (reading the
//! corpus, the stage, writing the clean dataset and the report), which is
//! what a learner waits for; and Python.

use anyhow::{Result, bail};
use ninety_bench::{best, json_of, machine, ours, peak_kib, seconds};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const RUNS: usize = 3;

/// One run of our side, in this process: the whole gather stage.
fn ours_once(root: &Path, manifest: &Path) -> Result<Value> {
    let corpus = ninety_kit::Corpus::open_with_manifest("bench", root, manifest)?;
    let start = Instant::now();
    let out = lab_gather::stage::gather(&corpus, &mut |_, _| {})?;
    let seconds = start.elapsed().as_secs_f64();
    let r = &out.report;
    Ok(json!({
        "messages": r.imported,
        "clean": r.clean,
        "duplicates": r.duplicates,
        "quarantined": r.quarantined.values().sum::<usize>(),
        "seconds": seconds,
        "peak_kib": peak_kib(),
    }))
}

/// The learner's side: `ninety-pipeline gather` as a whole process, from
/// the dev-profile build `ninety run` uses, on the corpus at `root` (linked
/// into a scratch data directory with its manifest), timed from start to
/// exit. Run in a child of its own, whose children's peak memory is the
/// pipeline's.
fn learner_once(pipeline: &Path, root: &Path, manifest: &Path) -> Result<Value> {
    let home = std::env::temp_dir().join(format!("ninety-bench-{}", std::process::id()));
    let corpus = home.join("corpora").join("bench");
    std::fs::create_dir_all(&corpus)?;
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        if entry.path().is_dir() {
            std::os::unix::fs::symlink(entry.path(), corpus.join(entry.file_name()))?;
        }
    }
    std::fs::copy(manifest, corpus.join("manifest.tsv"))?;
    let start = Instant::now();
    let out = Command::new(pipeline)
        .args(["gather", "--corpus", "bench"])
        .env("NINETY_HOME", &home)
        .stdout(std::process::Stdio::piped())
        .output()?;
    let seconds = start.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&home);
    if !out.status.success() {
        bail!(
            "ninety-pipeline gather failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let summary = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(ninety_kit::Event::from_line)
        .find_map(|e| match e {
            ninety_kit::Event::Summary { data } => Some(*data),
            _ => None,
        });
    let Some(ninety_kit::records::Summary::Gather(g)) = summary else {
        bail!("ninety-pipeline gather printed no gather summary");
    };
    Ok(json!({
        "messages": g.report.imported,
        "clean": g.report.clean,
        "seconds": seconds,
        "peak_kib": ninety_bench::children_peak_kib(),
    }))
}

/// Builds the pipeline in the dev profile, as `ninety run` does, and
/// returns its binary.
fn dev_pipeline() -> Result<PathBuf> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(&workspace)
        .args(["build", "-p", "ninety-pipeline", "--message-format", "json"])
        .output()?;
    if !out.status.success() {
        bail!(
            "building the pipeline failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["target"]["name"] == "ninety-pipeline")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| anyhow::anyhow!("cargo built no ninety-pipeline binary"))
}

fn python(script: &Path, root: &Path, manifest: &Path) -> Result<Value> {
    let mut command = Command::new("python3");
    command.arg(script).arg(root).arg(manifest);
    json_of(
        command,
        "the Python peer (it needs Python 3 with its standard library)",
    )
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--ours-once") {
        let v = ours_once(Path::new(&args[1]), Path::new(&args[2]))?;
        println!("{v}");
        return Ok(());
    }
    if args.first().map(String::as_str) == Some("--learner-once") {
        let v = learner_once(
            Path::new(&args[1]),
            Path::new(&args[2]),
            Path::new(&args[3]),
        )?;
        println!("{v}");
        return Ok(());
    }
    let Some(root) = args.first().map(PathBuf::from) else {
        bail!(
            "usage: ingest CORPUS_DIR [MANIFEST]  (MANIFEST defaults to CORPUS_DIR/manifest.tsv)"
        );
    };
    let manifest = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("manifest.tsv"));
    // Absolute paths: the learner's side links the corpus's folders into a
    // scratch data directory, where a relative link would point nowhere.
    let absolute = |path: &Path| {
        path.canonicalize()
            .map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", path.display()))
    };
    let (root, manifest) = (absolute(&root)?, absolute(&manifest)?);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("ingest_peer.py");
    let (root_s, manifest_s) = (
        root.to_string_lossy().into_owned(),
        manifest.to_string_lossy().into_owned(),
    );
    let pipeline = dev_pipeline()?;
    let pipeline_s = pipeline.to_string_lossy().into_owned();
    let mut ours_runs = Vec::new();
    let mut learner_runs = Vec::new();
    let mut peer_runs = Vec::new();
    // Interleaved, so a slow moment of the machine hits every side.
    for _ in 0..RUNS {
        ours_runs.push(ours(&["--ours-once", &root_s, &manifest_s])?);
        learner_runs.push(ours(&[
            "--learner-once",
            &pipeline_s,
            &root_s,
            &manifest_s,
        ])?);
        peer_runs.push(python(&script, &root, &manifest)?);
    }
    let (o, l, p) = (best(&ours_runs), best(&learner_runs), best(&peer_runs));
    let (os, ls, ps) = (seconds(&o), seconds(&l), seconds(&p));
    println!(
        "ingest benchmark on {} ({} messages), best of {RUNS}",
        root.display(),
        o["messages"]
    );
    println!("machine: {}", machine());
    println!(
        "  ours   (gather stage: read, verify, parse, choose body, clean, dedupe, quarantine, report): {os:>8.3} s, peak {:>7} KiB",
        o["peak_kib"]
    );
    println!(
        "  learner (`ninety-pipeline gather`, dev profile, whole process, outputs written):        {ls:>8.3} s, peak {:>7} KiB",
        l["peak_kib"]
    );
    println!(
        "  python (email.message_from_bytes + get_body + get_content):                             {ps:>8.3} s, peak {:>7} KiB",
        p["peak_kib"]
    );
    println!(
        "  ratio: ours is {:.1}x faster; the learner's whole process is {:.1}x faster than python, {:.2}x the in-process stage's time",
        ps / os,
        ps / ls,
        ls / os
    );
    println!(
        "  ours: {} clean, {} duplicates, {} quarantined; python: {} bodies, {} failures",
        o["clean"], o["duplicates"], o["quarantined"], p["bodies"], p["failures"]
    );
    println!(
        "{}",
        json!({"ours": o, "learner": l, "python": p, "ratio": ps / os, "learner_ratio": ps / ls})
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ingest: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
