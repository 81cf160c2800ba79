//! The ingest benchmark: our gather stage against Python's `email` package,
//! side by side on the same corpus, in one run.
//!
//! `cargo run --release -p ninety-bench --bin ingest -- CORPUS_DIR [MANIFEST]`
//! (`.ci/run` and `bench/README.md` show where the real corpus comes from).
//! Each side runs in its own child process, three times; the best time of
//! each is compared, and each child reports its own peak resident memory.

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
    let Some(root) = args.first().map(PathBuf::from) else {
        bail!(
            "usage: ingest CORPUS_DIR [MANIFEST]  (MANIFEST defaults to CORPUS_DIR/manifest.tsv)"
        );
    };
    let manifest = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("manifest.tsv"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("ingest_peer.py");
    let (root_s, manifest_s) = (
        root.to_string_lossy().into_owned(),
        manifest.to_string_lossy().into_owned(),
    );
    let mut ours_runs = Vec::new();
    let mut peer_runs = Vec::new();
    // Interleaved, so a slow moment of the machine hits both sides.
    for _ in 0..RUNS {
        ours_runs.push(ours(&["--ours-once", &root_s, &manifest_s])?);
        peer_runs.push(python(&script, &root, &manifest)?);
    }
    let (o, p) = (best(&ours_runs), best(&peer_runs));
    let (os, ps) = (seconds(&o), seconds(&p));
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
        "  python (email.message_from_bytes + get_body + get_content):                             {ps:>8.3} s, peak {:>7} KiB",
        p["peak_kib"]
    );
    println!("  ratio: ours is {:.1}x faster", ps / os);
    println!(
        "  ours: {} clean, {} duplicates, {} quarantined; python: {} bodies, {} failures",
        o["clean"], o["duplicates"], o["quarantined"], p["bodies"], p["failures"]
    );
    println!("{}", json!({"ours": o, "python": p, "ratio": ps / os}));
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
