//! The evaluate benchmark: the evaluate lab's code against scikit-learn's
//! metrics and NumPy, on the same 6,000 scored messages, in one run.
//!
//! `cargo run --release -p ninety-bench --bin evaluate -- [--python PYTHON]
//! [--predictions PREDICTIONS_JSONL [--score model|logreg]] [--runs N]
//! [--seed S] [--parts]`
//!
//! The input is 6,000 scored messages, 3,000 validation then 3,000 test,
//! written once to `target/ninety/bench-evaluate/scores.csv`, which every
//! side reads. By default they are generated from `S` (7): a third spam,
//! each message's log-odds drawn around −5 for ham and +4 for spam with
//! overlapping spreads, as a spam filter's scores are piled near 0 and 1.
//! With `--predictions`, they are a train run's saved scores instead
//! (`.ninety/artifacts/runs/RUN/predictions.jsonl`, the `model` score unless
//! `--score logreg`): its validation lines repeated in order to 3,000, its
//! test lines likewise.
//!
//! Each side does the same work, in five timed parts: on validation, every
//! operating point and the threshold that flags at most 0.1% of ham; on
//! test, the counts at that threshold and Wilson's intervals for recall and
//! the ham-flagged rate; the test scores' reliability table (10 bins) and
//! expected calibration error; Platt scaling fitted on validation, and the
//! test table and error after it; test F1 and its 1,000-draw bootstrap
//! interval. Our side is `lab_evaluate`'s functions, in this (release)
//! binary; the peer is `bench/evaluate_peer.py` in two variants: the usual
//! recipe, a loop of 1,000 resamples each scored by `f1_score`, and a
//! vectorised NumPy bootstrap. Each runs in its own process, interleaved, `N` times (3 by
//! default); the fastest in-process time of each is reported, with the
//! fastest whole-process time (start to exit: reading the file, and for
//! Python starting the interpreter and importing). Both sides' figures are
//! then checked against each other. `--parts` also prints each part's time,
//! and where our bootstrap's time goes, measured in one more run of ours
//! that no figure above comes from. `evaluate --ours-once SCORES_CSV [S
//! [--parts]]` runs our side once, by hand.

use anyhow::{Context, Result, bail};
use lab_evaluate::calibration::{Platt, ece, reliability};
use lab_evaluate::intervals::{Z95, bootstrap_f1, f1_at, wilson};
use lab_evaluate::threshold::{Scored, choose, operating_points};
use ninety_bench::{best, json_of, machine, peak_kib, seconds};
use ninety_kit::rng::Rng;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// Messages in each half: validation, then test.
const HALF: usize = 3_000;
/// The largest ham-flagged rate the threshold may give on validation.
const MAX_HAM_FLAGGED_RATE: f64 = 0.001;
/// Bins of the reliability table.
const BINS: usize = 10;
/// Draws of the bootstrap.
const DRAWS: usize = 1_000;
/// The timed parts, in order.
const PARTS: [&str; 5] = ["threshold", "wilson", "calibration", "platt", "bootstrap"];

/// A standard normal number (Box and Muller).
fn normal(rng: &mut Rng) -> f64 {
    let (u, v) = (1.0 - rng.unit(), rng.unit());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// `2 × HALF` messages scored as a spam filter scores them, from `seed`: a
/// third spam; log-odds around −5 (spread 2) for ham and +4 (spread 2.5)
/// for spam, so most scores sit near 0 or 1 and the two overlap in between.
fn generate(seed: u64) -> Vec<Scored> {
    let mut rng = Rng::new(seed);
    (0..2 * HALF)
        .map(|_| {
            let spam = rng.unit() < 1.0 / 3.0;
            let z = normal(&mut rng);
            let log_odds = if spam { 4.0 + 2.5 * z } else { -5.0 + 2.0 * z };
            Scored {
                spam,
                score: lab_evaluate::calibration::logistic(log_odds),
            }
        })
        .collect()
}

/// A train run's saved scores, `which` score of each line (`model` or
/// `logreg`): its validation lines repeated in order to `HALF`, then its
/// test lines likewise.
fn from_predictions(path: &Path, which: &str) -> Result<Vec<Scored>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading `{}`", path.display()))?;
    let (mut valid, mut test) = (Vec::new(), Vec::new());
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: Value = serde_json::from_str(line)
            .with_context(|| format!("`{}` line {}", path.display(), i + 1))?;
        let (Some(spam), Some(score)) = (v["spam"].as_bool(), v[which].as_f64()) else {
            bail!(
                "`{}` line {}: no `spam` or no `{which}` score",
                path.display(),
                i + 1
            );
        };
        match v["part"].as_str() {
            Some("valid") => valid.push(Scored { spam, score }),
            Some("test") => test.push(Scored { spam, score }),
            _ => bail!(
                "`{}` line {}: part is not valid or test",
                path.display(),
                i + 1
            ),
        }
    }
    if valid.is_empty() || test.is_empty() {
        bail!("`{}` needs validation and test lines", path.display());
    }
    let tile = |part: &[Scored]| part.iter().cycle().take(HALF).copied().collect::<Vec<_>>();
    Ok([tile(&valid), tile(&test)].concat())
}

/// Writes the scores file: a header, then `part,spam,score` a line, the
/// score in the shortest form that reads back to the same number.
fn write_scores(scored: &[Scored], out: &Path) -> Result<()> {
    let mut text = String::from("part,spam,score\n");
    for (i, s) in scored.iter().enumerate() {
        let part = if i < HALF { "valid" } else { "test" };
        writeln!(text, "{part},{},{}", u8::from(s.spam), s.score)?;
    }
    std::fs::write(out, text).with_context(|| format!("writing `{}`", out.display()))
}

/// Reads the scores file back: validation, then test.
fn read_scores(path: &Path) -> Result<(Vec<Scored>, Vec<Scored>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading `{}`", path.display()))?;
    let (mut valid, mut test) = (Vec::new(), Vec::new());
    for line in text.lines().skip(1) {
        let mut fields = line.split(',');
        let (Some(part), Some(spam), Some(score)) = (fields.next(), fields.next(), fields.next())
        else {
            bail!("`{}`: `{line}` is not part,spam,score", path.display());
        };
        let s = Scored {
            spam: spam == "1",
            score: score.parse()?,
        };
        if part == "valid" {
            valid.push(s);
        } else {
            test.push(s);
        }
    }
    Ok((valid, test))
}

/// One run of our side, in this process: the evaluate lab's functions on
/// the scores file, each part timed.
fn ours_once(path: &Path, seed: u64, breakdown: bool) -> Result<Value> {
    let (valid, test) = read_scores(path)?;
    let mut parts = serde_json::Map::new();
    let start = Instant::now();
    let mut clock = start;
    let mut lap = |name: &str| {
        let now = Instant::now();
        parts.insert(name.into(), json!((now - clock).as_secs_f64()));
        clock = now;
    };

    let points = operating_points(&valid);
    let chosen = choose(&valid, MAX_HAM_FLAGGED_RATE)
        .context("no threshold meets the ham-flagged rate on validation")?;
    let threshold = chosen.threshold;
    lap("threshold");

    let (mut caught, mut flagged, mut spam) = (0u64, 0u64, 0u64);
    for s in &test {
        let flag = s.score >= threshold;
        spam += u64::from(s.spam);
        caught += u64::from(s.spam && flag);
        flagged += u64::from(!s.spam && flag);
    }
    let ham = test.len() as u64 - spam;
    let (recall, ham_rate) = (wilson(caught, spam, Z95), wilson(flagged, ham, Z95));
    lap("wilson");

    let table = reliability(&test, BINS);
    let error = ece(&table);
    lap("calibration");

    let platt = Platt::fit(&valid).context("Platt scaling has nothing to fit on validation")?;
    let calibrated: Vec<Scored> = test
        .iter()
        .map(|s| Scored {
            spam: s.spam,
            score: platt.apply(s.score),
        })
        .collect();
    let table_after = reliability(&calibrated, BINS);
    let error_after = ece(&table_after);
    lap("platt");

    let all: Vec<usize> = (0..test.len()).collect();
    let f1 = f1_at(&test, &all, threshold);
    let interval = bootstrap_f1(&test, threshold, DRAWS, &mut Rng::new(seed));
    lap("bootstrap");
    let seconds = (clock - start).as_secs_f64();

    let counts =
        |t: &[lab_evaluate::calibration::Bin]| t.iter().map(|b| b.count).collect::<Vec<_>>();
    let share = |k: u64, n: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let peak = peak_kib();
    let inside = if breakdown {
        bootstrap_parts(&test, threshold, seed)
    } else {
        Value::Null
    };
    Ok(json!({
        "seconds": seconds,
        "parts": parts,
        "valid": valid.len(),
        "test": test.len(),
        "points": points.len(),
        "threshold": threshold,
        "valid_recall": chosen.recall,
        "valid_ham_flagged_rate": chosen.ham_flagged_rate,
        "test_spam": spam,
        "test_ham": ham,
        "caught": caught,
        "flagged": flagged,
        "recall": [share(caught, spam), recall.low, recall.high],
        "ham_flagged": [share(flagged, ham), ham_rate.low, ham_rate.high],
        "bins": counts(&table),
        "ece": error,
        "platt_a": platt.a,
        "platt_b": platt.b,
        "bins_after": counts(&table_after),
        "ece_after": error_after,
        "f1": f1,
        "f1_low": interval.low,
        "f1_high": interval.high,
        "bootstrap_parts": inside,
        "peak_kib": peak,
    }))
}

/// Where the bootstrap's time goes, measured apart, after the timed run,
/// with a timer around each draw's two halves: the lab's loop (`n` indices
/// from [`Rng::below`], then [`f1_at`] on them) and its sort. Then, for
/// reference, the same draws by one multiply and shift
/// ([`Rng::below_biased`]: no modulo, no rejection step), and the same
/// counts from a table of each message's part in F1's denominator
/// (2 for spam caught, 1 for a mistake, 0 for ham let through), which
/// needs no branch per message, and from the messages themselves with
/// `f1_at`'s two `if`s written as additions of booleans; whether both give
/// the same F1s as `f1_at`.
fn bootstrap_parts(test: &[Scored], threshold: f64, seed: u64) -> Value {
    let n = test.len();
    let mut sample = vec![0usize; n];
    let (mut draw, mut count) = (Duration::ZERO, Duration::ZERO);
    let mut rng = Rng::new(seed);
    let mut f1s = Vec::with_capacity(DRAWS);
    for _ in 0..DRAWS {
        let start = Instant::now();
        for slot in &mut sample {
            *slot = rng.below(n);
        }
        let drawn = Instant::now();
        f1s.push(f1_at(test, &sample, threshold));
        count += drawn.elapsed();
        draw += drawn - start;
    }
    let start = Instant::now();
    let mut sorted = f1s.clone();
    sorted.sort_by(f64::total_cmp);
    black_box(&sorted);
    let sort = start.elapsed();

    let mut rng = Rng::new(seed);
    let start = Instant::now();
    for _ in 0..DRAWS {
        for slot in &mut sample {
            *slot = rng.below_biased(n);
        }
        black_box(&sample);
    }
    let draw_one_multiply = start.elapsed();

    let kind: Vec<u8> = test
        .iter()
        .map(|s| match (s.spam, s.score >= threshold) {
            (true, true) => 2,
            (false, false) => 0,
            _ => 1,
        })
        .collect();
    let (mut rng, mut table_count, mut same) = (Rng::new(seed), Duration::ZERO, true);
    for &f1 in &f1s {
        for slot in &mut sample {
            *slot = rng.below(n);
        }
        let start = Instant::now();
        let (mut denominator, mut wrong) = (0u64, 0u64);
        for &i in black_box(&sample) {
            let k = kind[i];
            denominator += u64::from(k);
            wrong += u64::from(k == 1);
        }
        let table_f1 = if denominator == 0 {
            0.0
        } else {
            (denominator - wrong) as f64 / denominator as f64
        };
        table_count += start.elapsed();
        same &= table_f1 == f1;
    }
    let (mut rng, mut plain_count) = (Rng::new(seed), Duration::ZERO);
    for &f1 in &f1s {
        for slot in &mut sample {
            *slot = rng.below(n);
        }
        let start = Instant::now();
        let (mut caught, mut wrong) = (0u64, 0u64);
        for &i in black_box(&sample) {
            let (spam, flagged) = (test[i].spam, test[i].score >= threshold);
            caught += u64::from(spam & flagged);
            wrong += u64::from(spam ^ flagged);
        }
        let plain_f1 = if caught + wrong == 0 {
            0.0
        } else {
            2.0 * caught as f64 / (2 * caught + wrong) as f64
        };
        plain_count += start.elapsed();
        same &= plain_f1 == f1;
    }
    json!({
        "draw": draw.as_secs_f64(),
        "count": count.as_secs_f64(),
        "sort": sort.as_secs_f64(),
        "draw_one_multiply": draw_one_multiply.as_secs_f64(),
        "count_table": table_count.as_secs_f64(),
        "count_branch_free": plain_count.as_secs_f64(),
        "count_table_same_f1s": same,
    })
}

/// Runs `command`, reads its report, and adds the whole process's time,
/// from start to exit, as `wall_seconds`.
fn timed(command: Command, what: &str) -> Result<Value> {
    let start = Instant::now();
    let mut report = json_of(command, what)?;
    report["wall_seconds"] = json!(start.elapsed().as_secs_f64());
    Ok(report)
}

fn ours(scores: &Path, seed: u64, breakdown: bool) -> Result<Value> {
    let mut command = Command::new(std::env::current_exe()?);
    command.arg("--ours-once").arg(scores).arg(seed.to_string());
    if breakdown {
        command.arg("--parts");
    }
    timed(command, "our side")
}

fn peer(python: &str, variant: &str, scores: &Path, seed: u64) -> Result<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("evaluate_peer.py");
    let mut command = Command::new(python);
    // One thread, as ours: scikit-learn's loss runs on OpenMP threads and
    // NumPy's algebra on OpenBLAS's, which at this size gain nothing, and
    // on a machine that is busy elsewhere their waiting threads slowed the
    // Platt fit from 5 ms to 50 to 90 ms.
    command
        .env("OMP_NUM_THREADS", "1")
        .env("OPENBLAS_NUM_THREADS", "1")
        .arg(script)
        .arg(variant)
        .arg(scores)
        .arg(seed.to_string());
    timed(
        command,
        &format!(
            "the {variant} Python peer (`{python}` needs numpy and scikit-learn; see bench/README.md)"
        ),
    )
}

/// The fastest whole-process time of several runs.
fn best_wall(runs: &[Value]) -> f64 {
    runs.iter()
        .filter_map(|r| r["wall_seconds"].as_f64())
        .fold(f64::INFINITY, f64::min)
}

fn f(r: &Value, key: &str) -> f64 {
    r[key].as_f64().unwrap_or(f64::NAN)
}

/// One comparison: what was compared, and whether the sides agree.
struct Check {
    ok: bool,
    line: String,
}

/// Compares our figures with one peer's: the same threshold and counts,
/// the same intervals and calibration error (to rounding), Platt's pair to
/// 1e-3, and bootstrap intervals that both hold the point F1 and are about
/// as wide (the generators differ, so the ends do too).
fn agreement(o: &Value, p: &Value) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut check = |ok: bool, line: String| checks.push(Check { ok, line });
    let same = |key: &str| o[key] == p[key];
    let gap = |key: &str| (f(o, key) - f(p, key)).abs();
    let gaps = |key: &str| -> f64 {
        let (a, b) = (o[key].as_array(), p[key].as_array());
        match (a, b) {
            (Some(a), Some(b)) if a.len() == b.len() => a
                .iter()
                .zip(b)
                .map(|(x, y)| {
                    (x.as_f64().unwrap_or(f64::NAN) - y.as_f64().unwrap_or(f64::NAN)).abs()
                })
                .fold(0.0, f64::max),
            _ => f64::NAN,
        }
    };
    check(
        same("points") && gap("threshold") == 0.0 && gap("valid_recall") < 1e-12,
        format!(
            "threshold {} ({} operating points; validation recall {:.4}, ham flagged {:.4}%)",
            o["threshold"],
            o["points"],
            f(o, "valid_recall"),
            100.0 * f(o, "valid_ham_flagged_rate")
        ),
    );
    check(
        ["test_spam", "test_ham", "caught", "flagged"]
            .iter()
            .all(|k| same(k)),
        format!(
            "test: {} of {} spam caught, {} of {} ham flagged",
            o["caught"], o["test_spam"], o["flagged"], o["test_ham"]
        ),
    );
    let wilson_gap = gaps("recall").max(gaps("ham_flagged"));
    check(
        wilson_gap < 1e-12,
        format!(
            "Wilson 95%: recall {:.4} [{:.4}, {:.4}], ham flagged {:.3}% [{:.3}%, {:.3}%] (largest difference {wilson_gap:.1e})",
            o["recall"][0].as_f64().unwrap_or(f64::NAN),
            o["recall"][1].as_f64().unwrap_or(f64::NAN),
            o["recall"][2].as_f64().unwrap_or(f64::NAN),
            100.0 * o["ham_flagged"][0].as_f64().unwrap_or(f64::NAN),
            100.0 * o["ham_flagged"][1].as_f64().unwrap_or(f64::NAN),
            100.0 * o["ham_flagged"][2].as_f64().unwrap_or(f64::NAN),
        ),
    );
    check(
        same("bins") && gap("ece") < 1e-9,
        format!(
            "ECE {:.6} (difference {:.1e}), bin counts {}",
            f(o, "ece"),
            gap("ece"),
            if same("bins") { "the same" } else { "DIFFER" }
        ),
    );
    let (ga, gb) = (gap("platt_a"), gap("platt_b"));
    check(
        ga < 1e-3 && gb < 1e-3 && gap("ece_after") < 1e-4,
        format!(
            "Platt a {:.6}, b {:.6} (differences {ga:.1e}, {gb:.1e}); ECE after {:.6} (difference {:.1e}), bin counts {}",
            f(o, "platt_a"),
            f(o, "platt_b"),
            f(o, "ece_after"),
            gap("ece_after"),
            if same("bins_after") {
                "the same"
            } else {
                "differ"
            }
        ),
    );
    let (f1, ow, pw) = (
        f(o, "f1"),
        f(o, "f1_high") - f(o, "f1_low"),
        f(p, "f1_high") - f(p, "f1_low"),
    );
    let holds = |r: &Value| f(r, "f1_low") <= f1 && f1 <= f(r, "f1_high");
    check(
        gap("f1") < 1e-12 && holds(o) && holds(p) && (0.75..=1.33).contains(&(ow / pw)),
        format!(
            "F1 {f1:.4}; bootstrap 95%: ours [{:.4}, {:.4}], python [{:.4}, {:.4}] (widths {ow:.4} and {pw:.4}; different generators)",
            f(o, "f1_low"),
            f(o, "f1_high"),
            f(p, "f1_low"),
            f(p, "f1_high")
        ),
    );
    checks
}

fn ms(seconds: f64) -> String {
    format!("{:.2} ms", 1000.0 * seconds)
}

fn parts_line(name: &str, r: &Value) -> String {
    let cells: Vec<String> = PARTS
        .iter()
        .map(|p| {
            format!(
                "{:>12.2}",
                1000.0 * r["parts"][p].as_f64().unwrap_or(f64::NAN)
            )
        })
        .collect();
    format!("  {name:<22}{}", cells.join(""))
}

fn run() -> Result<bool> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--ours-once") {
        let scores = args
            .get(1)
            .context("--ours-once SCORES_CSV [SEED [--parts]]")?;
        let seed = args.get(2).map_or(Ok(7), |s| s.parse())?;
        let breakdown = args.get(3).is_some_and(|a| a == "--parts");
        println!("{}", ours_once(Path::new(scores), seed, breakdown)?);
        return Ok(true);
    }
    let usage = "usage: evaluate [--python PYTHON] [--predictions PREDICTIONS_JSONL [--score model|logreg]] [--runs N] [--seed S] [--parts]";
    let (mut python, mut runs, mut seed, mut show_parts) =
        ("python3".to_owned(), 3usize, 7u64, false);
    let (mut predictions, mut which) = (None, "model".to_owned());
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "--parts" {
            show_parts = true;
            continue;
        }
        let value = rest
            .next()
            .with_context(|| format!("{flag} needs a value; {usage}"))?;
        match flag.as_str() {
            "--python" => python.clone_from(value),
            "--predictions" => predictions = Some(PathBuf::from(value)),
            "--score" if value == "model" || value == "logreg" => which.clone_from(value),
            "--runs" => {
                runs = value.parse().ok().filter(|&n| n > 0).with_context(|| {
                    format!("--runs `{value}`: expected a whole number above 0")
                })?;
            }
            "--seed" => {
                seed = value
                    .parse()
                    .with_context(|| format!("--seed `{value}`: expected a whole number"))?;
            }
            other => bail!("unknown option or value `{other} {value}`; {usage}"),
        }
    }
    let (scored, source) = match &predictions {
        Some(path) => (
            from_predictions(path, &which)?,
            format!(
                "{} (`{which}` scores, each part repeated to {HALF})",
                path.display()
            ),
        ),
        None => (generate(seed), format!("generated from seed {seed}")),
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/ninety/bench-evaluate");
    std::fs::create_dir_all(&dir)?;
    let scores = dir.join("scores.csv");
    write_scores(&scored, &scores)?;
    let scores = scores.canonicalize()?;

    let (mut o, mut i, mut v) = (Vec::new(), Vec::new(), Vec::new());
    // Interleaved, so a slow moment of the machine hits every side.
    for _ in 0..runs {
        o.push(ours(&scores, seed, false)?);
        i.push(peer(&python, "idiomatic", &scores, seed)?);
        v.push(peer(&python, "vectorised", &scores, seed)?);
    }
    // The bootstrap's inside, in a run of its own, so that the extra work
    // stays out of every timed run's whole-process time.
    let inside = if show_parts {
        ours(&scores, seed, true)?["bootstrap_parts"].take()
    } else {
        Value::Null
    };
    let (ow, iw, vw) = (best_wall(&o), best_wall(&i), best_wall(&v));
    let (o, i, v) = (best(&o), best(&i), best(&v));
    let (os, is, vs) = (seconds(&o), seconds(&i), seconds(&v));
    let met = |ratio: f64| if ratio >= 10.0 { "met" } else { "NOT met" };

    println!(
        "evaluate benchmark: {} scored messages (valid {} / test {}), {source}; bootstrap {DRAWS} draws on test; best of {runs}",
        2 * HALF,
        o["valid"],
        o["test"]
    );
    println!("scores file: {}", scores.display());
    println!("machine: {}", machine());
    let version = i["version"].as_str().unwrap_or("?");
    println!(
        "  ours   (lab-evaluate, release)                              {:>10}   whole process {:>10}   peak {:>7} KiB",
        ms(os),
        ms(ow),
        o["peak_kib"]
    );
    println!(
        "  python (metrics + a loop of 1,000 f1_score calls)           {:>10}   whole process {:>10}   peak {:>7} KiB",
        ms(is),
        ms(iw),
        i["peak_kib"]
    );
    println!(
        "  python (metrics + a vectorised NumPy bootstrap)             {:>10}   whole process {:>10}   peak {:>7} KiB",
        ms(vs),
        ms(vw),
        v["peak_kib"]
    );
    println!(
        "  python: {version}; one thread (OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1), as ours"
    );
    println!(
        "  ratio: ours is {:.1}x faster than the idiomatic peer (goal 10x: {}), {:.1}x faster than the vectorised one (goal 10x: {})",
        is / os,
        met(is / os),
        vs / os,
        met(vs / os)
    );
    println!(
        "  whole processes: ours is {:.1}x faster than the idiomatic peer, {:.1}x faster than the vectorised one",
        iw / ow,
        vw / ow
    );
    if show_parts {
        println!(
            "  parts, ms (best run) {}",
            PARTS.map(|p| format!("{p:>12}")).join("")
        );
        println!("{}", parts_line("ours", &o));
        println!("{}", parts_line("python, idiomatic", &i));
        println!("{}", parts_line("python, vectorised", &v));
        let b = &inside;
        let part = |key: &str| ms(b[key].as_f64().unwrap_or(f64::NAN));
        println!(
            "  ours, inside the bootstrap (a run of its own, a timer around each half of each draw):"
        );
        println!(
            "    drawing {} indices with Rng::below {}, f1_at on each resample {}, sorting the F1s {}",
            DRAWS * HALF,
            part("draw"),
            part("count"),
            part("sort")
        );
        println!(
            "    for reference: the same draws by one multiply (Rng::below_biased, no modulo) {}; the same counts with additions of booleans, no branch per message, {}, or from a per-message table {} ({} F1s)",
            part("draw_one_multiply"),
            part("count_branch_free"),
            part("count_table"),
            if b["count_table_same_f1s"] == true {
                "the same"
            } else {
                "DIFFERENT"
            }
        );
    }

    let mut all_agree = true;
    for (name, p) in [("idiomatic", &i), ("vectorised", &v)] {
        let checks = agreement(&o, p);
        let agree = checks.iter().all(|c| c.ok);
        all_agree &= agree;
        println!(
            "agreement with the {name} peer: {}",
            if agree { "yes" } else { "NO" }
        );
        for c in checks {
            println!("  {} {}", if c.ok { "same" } else { "DIFF" }, c.line);
        }
    }
    let same_draws = i["f1_low"] == v["f1_low"] && i["f1_high"] == v["f1_high"];
    println!(
        "  the two Python variants' bootstrap intervals: {}",
        if same_draws {
            "identical (the same draws, counted two ways)"
        } else {
            "DIFFER"
        }
    );
    println!(
        "{}",
        json!({"ours": o, "python_idiomatic": i, "python_vectorised": v,
               "ours_bootstrap_parts": inside,
               "ratio_vs_idiomatic": is / os, "ratio_vs_vectorised": vs / os,
               "whole_process_ratio_vs_idiomatic": iw / ow,
               "whole_process_ratio_vs_vectorised": vw / ow,
               "agree": all_agree && same_draws})
    );
    Ok(all_agree && same_draws)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("evaluate: the two sides' figures disagree (see above)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("evaluate: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
