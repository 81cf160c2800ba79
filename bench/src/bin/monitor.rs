//! The monitor benchmark: the monitor's full report against Evidently's
//! data drift report, and its drift statistics one by one against SciPy's,
//! on the same 10,000 predictions and 5,000-line reference, in one run.
//!
//! `cargo run --release -p ninety-bench --bin monitor -- [--python PYTHON]
//! [--dev DEV_BINARY] [--runs N] [--reps R] [--stat-reps S] [--evidently-reps E]`
//!
//! (`bash bench/monitor/run` builds this binary in both profiles and runs
//! the release one with `--dev target/debug/monitor`.)
//!
//! The input is the monitor lab's fixtures, the real corpus's messages
//! through the real server: the reference (1,143 test-split predictions)
//! cycled to 5,000 lines, each copy after the first with a fresh request id,
//! and the six scenarios' prediction logs (stable, collections, campaign,
//! html-only, truncated, flood: 12,000 lines) concatenated and cut to
//! 10,000, with the feedback that names one of those 10,000. They are
//! written once, as JSON lines, to `target/ninety/bench-monitor/`
//! (`reference.jsonl`, `current.jsonl`, `feedback.jsonl`); every side reads
//! those files, and reading them is not timed.
//!
//! Our side (`monitor --ours DIR R S`, a process of its own) times
//! `lab_monitor::report::report` with `Settings::with_window(200)` over
//! the 10,000 predictions, the reference and the feedback: 50 windows, each
//! with every statistic (score PSI and KS, token JS, length PSI, input
//! health, charset JS, Page-Hinkley), the estimated and measured
//! performance, and the rules judged over the windows. The median of `R`
//! repetitions (21 by default). The same report with one window of all
//! 10,000 (whole current against reference: the shape of Evidently's
//! report), likewise. Then each drift statistic alone, on the
//! whole arrays (5,000 reference values against 10,000 current ones): KS
//! and PSI on the scores, PSI on the body lengths, JS on the token counts
//! (two tables over the hashed ids either side holds, built before the
//! clock starts, as SciPy's vectors are); the median of `S`
//! repetitions each (201 by default). It runs twice a round: this binary
//! (release) and, with `--dev`, the same program built in the dev profile,
//! what a learner's `cargo` builds.
//!
//! The peer is `bench/monitor/peer.py` in two processes: `evidently`
//! (Evidently's `DataDriftPreset` report on the same rows and columns, the
//! median of `E` runs, 5 by default; then, once a round, one report per
//! window of 200, as the monitor's windows; then the median of `E` reports
//! with a token column added) and `scipy` (`ks_2samp`,
//! `jensenshannon` and PSI written in NumPy on the same arrays, medians of
//! `S`). `N` rounds (3 by default), interleaved; each side's figure is its
//! lowest median. The statistics' values are then compared: KS and JS with
//! SciPy's to 1e-9, PSI with NumPy's to 1e-9.

use anyhow::{Context, Result, bail};
use flate2::read::GzDecoder;
use lab_monitor::drift::{js, ks, psi};
use lab_monitor::report::{Settings, report};
use ninety_bench::{json_of, machine, peak_kib};
use ninety_kit::Label;
use ninety_kit::records::serve::{LoggedFeedback, LoggedPrediction, SKETCH_BUCKETS};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Lines of the reference.
const REFERENCE: usize = 5_000;
/// Predictions judged.
const CURRENT: usize = 10_000;
/// Predictions per window, as the pipeline's monitor stage.
const WINDOW: usize = 200;
/// Quantile bins for PSI, as `Settings::with_window`.
const BINS: usize = 10;
/// The scenarios whose logs make the current traffic, in order.
const SCENARIOS: [&str; 6] = [
    "stable",
    "collections",
    "campaign",
    "html-only",
    "truncated",
    "flood",
];
/// The single statistics, in the order they are printed.
const STATISTICS: [(&str, &str); 4] = [
    ("score_ks", "KS on the scores"),
    ("score_psi", "PSI on the scores, 10 bins"),
    ("length_psi", "PSI on the body lengths, 10 bins"),
    ("tokens_js", "JS on the token counts"),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../labs/monitor/tests/fixtures")
}

/// Every line of a gzipped JSON-lines fixture.
fn read_gz<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("opening `{}`", path.display()))?;
    read_lines(BufReader::new(GzDecoder::new(file)), path)
}

/// Every line of a JSON-lines file.
fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("opening `{}`", path.display()))?;
    read_lines(BufReader::new(file), path)
}

fn read_lines<T: DeserializeOwned>(reader: impl BufRead, path: &Path) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("reading `{}`", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line)
                .with_context(|| format!("`{}` line {}", path.display(), i + 1))?,
        );
    }
    Ok(out)
}

fn write_jsonl<T: serde::Serialize>(path: &Path, records: &[T]) -> Result<()> {
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("writing `{}`", path.display()))?,
    );
    for r in records {
        serde_json::to_writer(&mut out, r)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Writes the three input files into `dir` from the monitor lab's
/// fixtures; returns their line counts.
fn write_inputs(dir: &Path) -> Result<(usize, usize, usize)> {
    let root = fixtures();
    let base: Vec<LoggedPrediction> = read_gz(&root.join("reference.jsonl.gz"))?;
    if base.is_empty() {
        bail!("the reference fixture is empty");
    }
    // The reference cycled to REFERENCE lines; each copy after the first
    // gets a fresh request id, so no two lines share one.
    let reference: Vec<LoggedPrediction> = (0..REFERENCE)
        .map(|i| {
            let mut p = base[i % base.len()].clone();
            let copy = i / base.len();
            if copy > 0 {
                p.request_id = format!("{}-copy{copy}", p.request_id);
            }
            p
        })
        .collect();
    let mut current: Vec<LoggedPrediction> = Vec::new();
    let mut feedback: Vec<LoggedFeedback> = Vec::new();
    for s in SCENARIOS {
        current.extend(read_gz::<LoggedPrediction>(
            &root.join(s).join("predictions.jsonl.gz"),
        )?);
        feedback.extend(read_gz::<LoggedFeedback>(
            &root.join(s).join("feedback.jsonl.gz"),
        )?);
    }
    if current.len() < CURRENT {
        bail!(
            "the scenarios hold {} predictions, fewer than {CURRENT}",
            current.len()
        );
    }
    current.truncate(CURRENT);
    let ids: HashSet<&str> = current.iter().map(|p| p.request_id.as_str()).collect();
    if ids.len() != current.len() {
        bail!("the scenarios' request ids are not distinct");
    }
    feedback.retain(|f| ids.contains(f.request_id.as_str()));
    write_jsonl(&dir.join("reference.jsonl"), &reference)?;
    write_jsonl(&dir.join("current.jsonl"), &current)?;
    write_jsonl(&dir.join("feedback.jsonl"), &feedback)?;
    Ok((reference.len(), current.len(), feedback.len()))
}

/// The two samples' token counts as tables indexed alike, one entry per
/// id that either holds, in id order: the vectors the SciPy side gives
/// `jensenshannon`, built before either clock starts.
fn token_tables(a: &[LoggedPrediction], b: &[LoggedPrediction]) -> (Vec<u64>, Vec<u64>) {
    let dense = |records: &[LoggedPrediction]| {
        let mut counts = vec![0u64; SKETCH_BUCKETS];
        for p in records {
            for &t in &p.tokens {
                counts[t as usize % SKETCH_BUCKETS] += 1;
            }
        }
        counts
    };
    let (ca, cb) = (dense(a), dense(b));
    (0..SKETCH_BUCKETS)
        .filter(|&i| ca[i] + cb[i] > 0)
        .map(|i| (ca[i], cb[i]))
        .unzip()
}

/// The median of `reps` timings of `f`, in seconds, and its last value.
fn median_of<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        let value = black_box(f());
        times.push(start.elapsed().as_secs_f64());
        last = Some(value);
    }
    times.sort_by(f64::total_cmp);
    (
        times[times.len() / 2],
        last.expect("at least one repetition"),
    )
}

/// One process of our side: reads the inputs, then times the full report
/// and each statistic alone.
fn ours_once(dir: &Path, reps: usize, stat_reps: usize) -> Result<Value> {
    let reference: Vec<LoggedPrediction> = read_jsonl(&dir.join("reference.jsonl"))?;
    let current: Vec<LoggedPrediction> = read_jsonl(&dir.join("current.jsonl"))?;
    let feedback: Vec<(String, Label)> = read_jsonl::<LoggedFeedback>(&dir.join("feedback.jsonl"))?
        .into_iter()
        .map(|f| (f.request_id, f.label))
        .collect();
    let settings = Settings::with_window(WINDOW);

    let (full, r) = median_of(reps, || {
        report(
            black_box(&reference),
            black_box(&current),
            black_box(&feedback),
            &settings,
        )
    });
    // The same report with one window of every prediction: whole current
    // against reference, the shape of Evidently's report.
    let whole = Settings::with_window(current.len());
    let (one_window, _) = median_of(reps, || {
        report(
            black_box(&reference),
            black_box(&current),
            black_box(&feedback),
            &whole,
        )
    });

    let scores = |ps: &[LoggedPrediction]| ps.iter().map(|p| p.score).collect::<Vec<f64>>();
    let lengths =
        |ps: &[LoggedPrediction]| ps.iter().map(|p| p.body_chars as f64).collect::<Vec<f64>>();
    let (rs, cs) = (scores(&reference), scores(&current));
    let (rl, cl) = (lengths(&reference), lengths(&current));
    let (rt, ct) = token_tables(&reference, &current);
    let (ks_t, ks_v) = median_of(stat_reps, || ks(black_box(&rs), black_box(&cs)));
    let (psi_t, psi_v) = median_of(stat_reps, || psi(black_box(&rs), black_box(&cs), BINS));
    let (lpsi_t, lpsi_v) = median_of(stat_reps, || psi(black_box(&rl), black_box(&cl), BINS));
    let (js_t, js_v) = median_of(stat_reps, || js(black_box(&rt), black_box(&ct)));

    Ok(json!({
        "seconds": full,
        "one_window_seconds": one_window,
        "reps": reps,
        "stat_reps": stat_reps,
        "reference": reference.len(),
        "current": current.len(),
        "feedback": feedback.len(),
        "windows": r.windows.len(),
        "alerts": r.alerts.len(),
        "alerts_by_statistic": r.alerts.iter().map(|a| a.statistic.clone()).collect::<Vec<_>>(),
        "matched_feedback": r.feedback.matched,
        "statistics": {
            "score_ks": {"seconds": ks_t, "value": ks_v},
            "score_psi": {"seconds": psi_t, "value": psi_v},
            "length_psi": {"seconds": lpsi_t, "value": lpsi_v},
            "tokens_js": {"seconds": js_t, "value": js_v},
        },
        "token_ids": rt.len(),
        "peak_kib": peak_kib(),
    }))
}

fn ours(binary: &Path, dir: &Path, reps: usize, stat_reps: usize, what: &str) -> Result<Value> {
    let mut command = Command::new(binary);
    command
        .arg("--ours")
        .arg(dir)
        .arg(reps.to_string())
        .arg(stat_reps.to_string());
    json_of(command, what)
}

fn peer(python: &str, part: &str, dir: &Path, numbers: &[usize]) -> Result<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("monitor/peer.py");
    let mut command = Command::new(python);
    // One thread, as ours (NumPy's and scikit-learn's pools gain nothing at
    // this size and wait badly on a busy machine); and Evidently sends
    // nothing anywhere.
    command
        .env("OMP_NUM_THREADS", "1")
        .env("OPENBLAS_NUM_THREADS", "1")
        .env("MKL_NUM_THREADS", "1")
        .env("DO_NOT_TRACK", "1")
        .env("EVIDENTLY_DISABLE_TELEMETRY", "1")
        .arg(script)
        .arg(part)
        .arg(dir)
        .args(numbers.iter().map(usize::to_string));
    json_of(
        command,
        &format!(
            "the {part} peer (`{python}` needs evidently, scipy, pandas: see bench/README.md)"
        ),
    )
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// The run with the lowest `seconds` at `path` (a JSON pointer).
fn lowest<'a>(runs: &'a [Value], path: &str) -> (f64, &'a Value) {
    runs.iter()
        .map(|r| (r.pointer(path).map_or(f64::NAN, f), r))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or((f64::NAN, &Value::Null))
}

fn time(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.3} s")
    } else if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}

/// The spread of `path`'s figure over the rounds: "a to b".
fn spread(runs: &[Value], path: &str) -> String {
    let v: Vec<f64> = runs.iter().filter_map(|r| r.pointer(path).map(f)).collect();
    if v.is_empty() {
        return "-".to_owned();
    }
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{} to {}", time(lo), time(hi))
}

/// The 1-minute load average, for the record: how busy the machine was.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

fn parse_count(flag: &str, value: &str) -> Result<usize> {
    value
        .parse()
        .ok()
        .filter(|&n: &usize| n > 0)
        .with_context(|| format!("{flag} `{value}`: expected a whole number above 0"))
}

fn run() -> Result<bool> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--ours") {
        let usage = "--ours DIR REPS STAT_REPS";
        let dir = args.get(1).context(usage)?;
        let reps = parse_count("REPS", args.get(2).context(usage)?)?;
        let stat_reps = parse_count("STAT_REPS", args.get(3).context(usage)?)?;
        println!("{}", ours_once(Path::new(dir), reps, stat_reps)?);
        return Ok(true);
    }
    let usage = "usage: monitor [--python PYTHON] [--dev DEV_BINARY] [--runs N] [--reps R] [--stat-reps S] [--evidently-reps E]";
    let mut python = "python3".to_owned();
    let mut dev: Option<PathBuf> = None;
    let (mut runs, mut reps, mut stat_reps, mut evidently_reps) = (3, 21, 201, 5);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest
            .next()
            .with_context(|| format!("{flag} needs a value; {usage}"))?;
        match flag.as_str() {
            "--python" => python.clone_from(value),
            "--dev" => dev = Some(PathBuf::from(value)),
            "--runs" => runs = parse_count(flag, value)?,
            "--reps" => reps = parse_count(flag, value)?,
            "--stat-reps" => stat_reps = parse_count(flag, value)?,
            "--evidently-reps" => evidently_reps = parse_count(flag, value)?,
            other => bail!("unknown option `{other}`; {usage}"),
        }
    }
    if let Some(d) = &dev
        && !d.is_file()
    {
        bail!(
            "--dev `{}`: no such binary (cargo build -p ninety-bench --bin monitor)",
            d.display()
        );
    }

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/ninety/bench-monitor");
    std::fs::create_dir_all(&dir)?;
    let dir = dir.canonicalize()?;
    let (nr, nc, nf) = write_inputs(&dir)?;
    let this = std::env::current_exe()?;
    let load_before = load_average();

    let (mut release, mut debug, mut evidently, mut scipy) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Interleaved, so a slow moment of the machine hits every side.
    for round in 0..runs {
        eprintln!("round {} of {runs}", round + 1);
        release.push(ours(&this, &dir, reps, stat_reps, "our side (release)")?);
        if let Some(d) = &dev {
            debug.push(ours(d, &dir, reps, stat_reps, "our side (dev)")?);
        }
        evidently.push(peer(&python, "evidently", &dir, &[evidently_reps, WINDOW])?);
        scipy.push(peer(&python, "scipy", &dir, &[stat_reps])?);
    }

    let (ours_s, o) = lowest(&release, "/seconds");
    let (ours_one, _) = lowest(&release, "/one_window_seconds");
    let (dev_s, d) = lowest(&debug, "/seconds");
    let (dev_one, _) = lowest(&debug, "/one_window_seconds");
    let (ev_s, e) = lowest(&evidently, "/seconds");
    let (ev_first, _) = lowest(&evidently, "/first_seconds");
    let (ev_windows, _) = lowest(&evidently, "/windows/seconds");
    let (ev_tokens, _) = lowest(&evidently, "/with_tokens/seconds");
    let (ev_pandas, _) = lowest(&evidently, "/from_pandas_seconds");
    let (_, s) = lowest(&scipy, "/seconds");
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    let cell = |x: f64| {
        if x.is_nan() { "-".to_owned() } else { time(x) }
    };

    println!(
        "monitor benchmark: {nc} predictions (the six scenarios' logs, cut to {CURRENT}) against a reference of {nr} (the test split's 1,143, cycled), {nf} feedback labels"
    );
    println!(
        "{runs} rounds, interleaved; each figure is a median within a process, the lowest over the rounds (the range over rounds in brackets)"
    );
    println!("inputs: {}", dir.display());
    println!("machine: {}", machine());
    println!(
        "load average (1 minute) at the start {load_before}, at the end {} (the benchmark itself keeps about one core busy)",
        load_average()
    );
    println!(
        "python: {}; {}; one thread (OMP/OPENBLAS/MKL_NUM_THREADS=1)",
        e["version"].as_str().unwrap_or("?"),
        s["version"].as_str().unwrap_or("?")
    );
    println!();
    println!(
        "full report (ours: median of {reps}; Evidently: median of {evidently_reps}, the windows once a round):"
    );
    println!(
        "  ours, report(): {} windows of {WINDOW}, every statistic, health, performance, {} alerts",
        o["windows"], o["alerts"]
    );
    println!(
        "    release {:>10} [{}]   dev {:>10} [{}]   peak {} KiB (release), {} KiB (dev), inputs included",
        cell(ours_s),
        spread(&release, "/seconds"),
        cell(dev_s),
        spread(&debug, "/seconds"),
        o["peak_kib"],
        d["peak_kib"]
    );
    println!("  ours, report() with one window of all {nc} (whole current against reference)");
    println!(
        "    release {:>10} [{}]   dev {:>10} [{}]",
        cell(ours_one),
        spread(&release, "/one_window_seconds"),
        cell(dev_one),
        spread(&debug, "/one_window_seconds")
    );
    println!(
        "  Evidently, Report([DataDriftPreset()]) on {} columns, whole current against reference",
        e["columns"].as_array().map_or(0, Vec::len)
    );
    println!(
        "    {:>10} [{}] (Dataset.from_pandas {} of it); the first run in its process {}; peak {} KiB",
        cell(ev_s),
        spread(&evidently, "/seconds"),
        cell(ev_pandas),
        cell(ev_first),
        e["peak_kib"]
    );
    println!("    columns {}", e["columns"]);
    println!("    methods Evidently chose {}", e["methods"]);
    println!(
        "  Evidently, one report per window of {WINDOW} ({} reports)",
        e["windows"]["count"]
    );
    println!(
        "    {:>10} [{}]; methods {}",
        cell(ev_windows),
        spread(&evidently, "/windows/seconds"),
        e["windows"]["methods"]
    );
    println!(
        "  Evidently, the {} columns and a `tokens` text column (each message's token ids, joined by spaces)",
        e["columns"].as_array().map_or(0, Vec::len)
    );
    println!(
        "    {:>10} [{}]; its method {}",
        cell(ev_tokens),
        spread(&evidently, "/with_tokens/seconds"),
        e["with_tokens"]["methods"]
    );
    let goal = ev_s / ours_s >= 50.0 && (dev_s.is_nan() || ev_s / dev_s >= 50.0);
    println!(
        "  ratio, the goal's (our report against Evidently's report): release {:.1}x, dev {:.1}x faster (goal 50x: {})",
        ev_s / ours_s,
        ev_s / dev_s,
        met(goal)
    );
    println!(
        "  ratio, the same shape (one window of everything against one report): release {:.1}x, dev {:.1}x",
        ev_s / ours_one,
        ev_s / dev_one
    );
    println!(
        "  ratio, the same windows (our report against {} Evidently reports): release {:.1}x, dev {:.1}x",
        e["windows"]["count"],
        ev_windows / ours_s,
        ev_windows / dev_s
    );
    println!(
        "  ratio, Evidently with the token column: release {:.1}x, dev {:.1}x",
        ev_tokens / ours_s,
        ev_tokens / dev_s
    );
    println!();
    println!(
        "single statistics on the whole arrays ({nr} reference values against {nc}; {} token ids in either), median of {stat_reps} calls:",
        o["token_ids"]
    );
    let mut agree = true;
    let mut all_met = true;
    for (key, about) in STATISTICS {
        let path = format!("/statistics/{key}/seconds");
        let (ot, _) = lowest(&release, &path);
        let (dt, _) = lowest(&debug, &path);
        let (pt, _) = lowest(&scipy, &path);
        let peer_name = s["statistics"][key]["peer"].as_str().unwrap_or("?");
        let (ov, pv) = (
            f(&o["statistics"][key]["value"]),
            f(&s["statistics"][key]["value"]),
        );
        let same = (ov - pv).abs() <= 1e-9;
        agree &= same;
        all_met &= pt >= ot;
        println!("  {about}:");
        println!(
            "    ours release {:>9} [{}]   dev {:>9}   {peer_name} {:>9} [{}]   ratio {:.2}x (dev {:.2}x)",
            cell(ot),
            spread(&release, &path),
            cell(dt),
            cell(pt),
            spread(&scipy, &path),
            pt / ot,
            pt / dt
        );
        println!(
            "    values: ours {ov:.17}, peer {pv:.17}, difference {:.1e} ({})",
            (ov - pv).abs(),
            if same { "agree to 1e-9" } else { "DIFFER" }
        );
    }
    for (key, about) in [
        (
            "score_ks_default",
            "ks_2samp as called by default (method auto: at these sizes, the exact p-value)",
        ),
        (
            "tokens_js_aligned",
            "jensenshannon with its alignment timed (from two 65,536-bucket count vectors to dense vectors over the ids in either)",
        ),
    ] {
        let path = format!("/extra/{key}/seconds");
        let (pt, _) = lowest(&scipy, &path);
        println!(
            "  for reference, {about}: {} [{}] (value {:.17})",
            cell(pt),
            spread(&scipy, &path),
            f(&s["extra"][key]["value"])
        );
    }
    println!(
        "  goal, no slower than SciPy (or NumPy) for each single statistic, release: {}",
        met(all_met)
    );
    println!(
        "  values: {}",
        if agree {
            "every statistic agrees with the peer's to 1e-9"
        } else {
            "SOME DIFFER (see above)"
        }
    );
    println!(
        "{}",
        json!({"ours_release": o, "ours_dev": d, "evidently": e, "scipy": s,
               "rounds": {"ours_release": release, "ours_dev": debug,
                          "evidently": evidently, "scipy": scipy},
               "ratio_evidently_release": ev_s / ours_s, "ratio_evidently_dev": ev_s / dev_s,
               "agree": agree})
    );
    Ok(agree)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("monitor: the statistics' values disagree (see above)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("monitor: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
