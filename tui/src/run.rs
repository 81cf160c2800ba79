//! `ninety run STAGE`: build the pipeline, run one stage, show what it reports.
//!
//! The stage runs as a child process (`cargo run -p ninety-pipeline`), and
//! speaks the event protocol on stdout. This side draws progress, then prints
//! the summary for a person, or, with `--json`, the summary object alone.

use crate::workspace::Workspace;
use anyhow::{Result, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use ninety_grader::cargo::cargo_bin;
use ninety_kit::Event;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

/// Options of one run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The stage.
    pub stage: String,
    /// Print the summary as one JSON object.
    pub json: bool,
    /// The corpus to run on.
    pub corpus: String,
    /// More arguments for the stage (`--annotator ana`, ...).
    pub extra: Vec<String>,
    /// Cargo features of the pipeline (`cuda`, `flex`).
    pub features: Vec<String>,
}

/// The command that builds and starts the pipeline for a stage.
pub fn pipeline_command(ws: &Workspace, options: &RunOptions) -> Command {
    let mut cmd = Command::new(cargo_bin());
    cmd.current_dir(&ws.root)
        .args(["run", "--quiet", "-p", "ninety-pipeline"]);
    if !options.features.is_empty() {
        cmd.arg("--features").arg(options.features.join(","));
    }
    cmd.arg("--")
        .arg(&options.stage)
        .arg("--root")
        .arg(&ws.root)
        .arg("--corpus")
        .arg(&options.corpus)
        .args(&options.extra)
        .env(ninety_kit::home::HOME_ENV, ws.home.root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs a stage; returns its summary, or an error saying why it failed.
pub fn run(ws: &Workspace, options: &RunOptions) -> Result<Value> {
    // `label-queue` belongs to the label stage.
    let stage = options.stage.split('-').next().unwrap_or(&options.stage);
    if !ws.course.stages.iter().any(|s| s.name == stage) {
        let names: Vec<_> = ws.course.stages.iter().map(|s| s.name.as_str()).collect();
        return Err(anyhow!(
            "no stage named `{}`; stages: {}",
            options.stage,
            names.join(", ")
        ));
    }
    if !options.json {
        eprintln!(
            "Building and starting the {} stage (the first build can take a while)...",
            options.stage
        );
    }
    let bar = ProgressBar::hidden();
    if !options.json {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len}")
                .map_err(|e| anyhow!("{e}"))?
                .progress_chars("=> "),
        );
    }
    let result = drive(
        &mut pipeline_command(ws, options),
        &mut |event| match event {
            Event::Progress {
                done, total, unit, ..
            } => {
                bar.set_length(*total);
                bar.set_position(*done);
                bar.set_message(unit.clone());
            }
            Event::Log { message, .. } if !options.json => bar.suspend(|| eprintln!("{message}")),
            _ => {}
        },
    );
    bar.finish_and_clear();
    match result {
        Ok(summary) => Ok(summary),
        Err(StageFailure::Reported(message)) => {
            Err(anyhow!("the {} stage failed: {message}", options.stage))
        }
        Err(StageFailure::Crashed { status, errors }) => {
            let lines: Vec<&str> = errors.lines().collect();
            let tail = lines[lines.len().saturating_sub(40)..].join("\n");
            Err(anyhow!(
                "the {} stage did not finish ({status}):\n{tail}",
                options.stage
            ))
        }
    }
}

/// Why a stage run gave no summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageFailure {
    /// The stage reported an error event: its message.
    Reported(String),
    /// It ended without a summary (a build error, a crash): its exit status
    /// and the compiler's or the process's errors.
    Crashed {
        /// How the process ended.
        status: String,
        /// What it printed on stderr, progress lines removed.
        errors: String,
    },
}

/// Starts a pipeline stage (`command` from [`pipeline_command`]), hands
/// every event it prints to `on_event`, and returns its summary. Shared by
/// `ninety run` and the workbench.
pub fn drive(
    command: &mut Command,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Value, StageFailure> {
    let crashed = |status: String, errors: String| StageFailure::Crashed { status, errors };
    let mut child = command.spawn().map_err(|e| {
        crashed(
            "not started".into(),
            format!("cannot start cargo ({e}); is it installed and on the PATH?"),
        )
    })?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut summary = None;
    let mut failure = None;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        let event = Event::from_line(&line);
        on_event(&event);
        match event {
            Event::Summary { data, .. } => summary = Some(data),
            Event::Error { message, .. } => failure = Some(message),
            _ => {}
        }
    }
    let status = child
        .wait()
        .map_err(|e| crashed("lost".into(), e.to_string()))?;
    let stderr_text = errors.join().unwrap_or_default();
    match (failure, status.success(), summary) {
        (Some(message), _, _) => Err(StageFailure::Reported(message)),
        (None, true, Some(summary)) => Ok(summary),
        _ => Err(crashed(
            status.to_string(),
            ninety_grader::cargo::build_errors(&stderr_text),
        )),
    }
}

/// Prints a stage's summary for a person.
pub fn print_human(stage: &str, summary: &Value) {
    if stage == "frame" {
        print_frame(summary);
    } else if stage == "gather" {
        print_gather(summary);
    } else if stage == "label" {
        crate::labels::print_stats(summary);
    } else if stage == "train" {
        print_train(summary);
    } else {
        println!("{stage}:");
        print_value(summary, 1);
    }
}

fn print_value(v: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    if let Value::Object(map) = v {
        for (k, v) in map {
            match v {
                Value::Object(_) => {
                    println!("{pad}{k}:");
                    print_value(v, depth + 1);
                }
                other => println!("{pad}{k}: {other}"),
            }
        }
    }
}

fn pct(v: &Value) -> String {
    v.as_f64()
        .map_or("n/a".to_owned(), |x| format!("{:.2}%", x * 100.0))
}

fn print_frame(s: &Value) {
    let c = &s["confusion"];
    let m = &s["metrics"];
    println!("Frame: the keyword baseline, judged by your spec");
    println!("  spec      {}", s["spec"].as_str().unwrap_or("?"));
    println!(
        "  corpus    {} ({} messages: {} ham, {} spam)",
        s["corpus"]["name"].as_str().unwrap_or("?"),
        s["corpus"]["messages"],
        s["corpus"]["ham"],
        s["corpus"]["spam"]
    );
    println!();
    println!("                 predicted spam   predicted ham");
    let n = |k: &str| c[k].as_u64().unwrap_or(0);
    println!(
        "  actual spam    {:>14}   {:>13}",
        n("spam_caught"),
        n("spam_missed")
    );
    println!(
        "  actual ham     {:>14}   {:>13}",
        n("ham_flagged"),
        n("ham_passed")
    );
    println!();
    println!("  spam recall        {}", pct(&m["spam_recall"]));
    println!("  precision          {}", pct(&m["precision"]));
    println!(
        "  spam F1            {}",
        m["spam_f1"]
            .as_f64()
            .map_or("n/a".into(), |x| format!("{x:.3}"))
    );
    println!(
        "  ham flagged rate   {}  (the spec allows {})",
        pct(&m["ham_flagged_rate"]),
        pct(&s["constraint"]["max_ham_flagged_rate"])
    );
    println!(
        "  cost               {:.1} in all, {:.3} per message",
        s["costs"]["total"].as_f64().unwrap_or(f64::NAN),
        s["costs"]["per_message"].as_f64().unwrap_or(f64::NAN)
    );
    let verdict = &s["constraint"]["verdict"];
    let words = match verdict["verdict"].as_str() {
        Some("meets") => "MEETS the constraint".to_owned(),
        Some("violates") => "VIOLATES the constraint: it loses real mail".to_owned(),
        Some("too_few_ham") => format!(
            "CANNOT BE JUDGED: {} ham tested, {} needed",
            verdict["ham"], verdict["needed"]
        ),
        _ => "unknown".to_owned(),
    };
    println!("  verdict            {words}");
    println!(
        "  latency p99        {:.4} ms (budget {} ms)",
        s["latency"]["p99_ms"].as_f64().unwrap_or(f64::NAN),
        s["latency"]["budget_ms"]
    );
    println!();
    println!(
        "  saved              {}",
        s["artifact"].as_str().unwrap_or("?")
    );
}

fn print_counts(title: &str, map: &Value) {
    let Some(map) = map.as_object() else { return };
    let mut rows: Vec<(&String, u64)> = map
        .iter()
        .map(|(k, v)| (k, v.as_u64().unwrap_or(0)))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("  {title}");
    let widest = rows.first().map_or(1, |r| r.1.max(1));
    for (name, n) in rows {
        let bar = "#".repeat(((n * 30) / widest) as usize);
        println!("    {name:<24} {n:>6}  {bar}");
    }
}

fn print_gather(s: &Value) {
    let n = |k: &str| s[k].as_u64().unwrap_or(0);
    println!(
        "Gather: {} ({} messages)",
        s["corpus"].as_str().unwrap_or("?"),
        n("imported")
    );
    println!("  clean         {:>6}", n("clean"));
    println!(
        "  duplicates    {:>6}  ({} exact, {} near)",
        n("duplicates"),
        n("exact_duplicates"),
        n("near_duplicates")
    );
    let quarantined: u64 = s["quarantined"]
        .as_object()
        .map_or(0, |m| m.values().filter_map(Value::as_u64).sum());
    println!("  quarantined   {quarantined:>6}");
    println!();
    print_counts("quarantined by reason", &s["quarantined"]);
    print_counts("by group", &s["by_group"]);
    print_counts("by period", &s["by_period"]);
    print_counts("by content type", &s["by_content_type"]);
    print_counts("by charset", &s["by_charset"]);
    let l = &s["length"];
    println!(
        "  clean body length (chars): min {}, median {}, p90 {}, max {}",
        l["min"], l["median"], l["p90"], l["max"]
    );
    println!();
    println!(
        "  saved              {}",
        s["artifact"].as_str().unwrap_or("?")
    );
}

/// The train stage's results for a person: the model beside its baselines,
/// or a sweep's runs, best first.
fn print_train(s: &Value) {
    if let Some(runs) = s["runs"].as_array() {
        println!(
            "Sweep {} ({} search), best first by validation F1:",
            s["sweep"].as_str().unwrap_or("?"),
            s["search"].as_str().unwrap_or("?")
        );
        for r in runs {
            println!(
                "  {:<34} valid F1 {:.4}  test F1 {:.4}  {:>6.1} s  lr {} dim {}",
                r["run_id"].as_str().unwrap_or("?"),
                r["best_valid_f1"].as_f64().unwrap_or(0.0),
                r["metrics"]["spam_f1"].as_f64().unwrap_or(0.0),
                r["seconds"].as_f64().unwrap_or(0.0),
                r["settings"]["fit"]["learning_rate"],
                r["settings"]["model"]["dim"],
            );
        }
        return;
    }
    let pct = |v: &Value| {
        v.as_f64()
            .map_or_else(|| "-".into(), |x| format!("{:.1}", x * 100.0))
    };
    println!(
        "Run {} ({} model, {} split, {} on {}), trained in {:.1} s:",
        s["run_id"].as_str().unwrap_or("?"),
        s["model"].as_str().unwrap_or("?"),
        s["split"].as_str().unwrap_or("?"),
        s["backend"].as_str().unwrap_or("?"),
        s["device"].as_str().unwrap_or("?"),
        s["seconds"].as_f64().unwrap_or(0.0)
    );
    println!(
        "  {:<22}{:>8}{:>11}{:>8}{:>14}",
        "on the test split", "F1 %", "precision", "recall", "ham flagged %"
    );
    let mut rows = vec![(
        s["model"].as_str().unwrap_or("model").to_owned(),
        &s["metrics"],
    )];
    if let Some(b) = s["baselines"].as_object() {
        for (name, m) in b {
            rows.push((format!("{name} (baseline)"), m));
        }
    }
    for (name, m) in rows {
        println!(
            "  {:<22}{:>8}{:>11}{:>8}{:>14}",
            name,
            pct(&m["spam_f1"]),
            pct(&m["precision"]),
            pct(&m["recall"]),
            pct(&m["ham_flagged_rate"])
        );
    }
    println!("  saved in {}", s["artifact"].as_str().unwrap_or("?"));
}
