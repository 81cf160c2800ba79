//! `ninety runs`: the tracked training runs, as a table, or two side by side.
//!
//! Every `ninety run train` leaves a folder `runs/<run id>/` under the
//! artifacts with its `run.json` (the kit's `TrainRun`: settings, data
//! hashes, code version, metrics per epoch and at the end, wall time,
//! device) and its model. This reads those records and nothing else.

use crate::workspace::Workspace;
use anyhow::{Result, anyhow};
use ninety_kit::metrics::Metrics;
use ninety_kit::records::train::{TrainRun, load_runs};
use std::collections::BTreeSet;
use std::process::ExitCode;

/// `ninety runs`' arguments.
#[derive(Debug, clap::Args)]
pub struct RunsArgs {
    /// Two run ids (or unique prefixes) to compare side by side.
    #[arg(num_args = 0..=2)]
    pub compare: Vec<String>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{:.1}", x * 100.0))
}

/// One line per run.
pub fn table(runs: &[TrainRun]) -> String {
    let names: Vec<String> = runs
        .iter()
        .map(|r| {
            if r.is_reference() {
                format!("{} (reference)", r.run_id)
            } else {
                r.run_id.clone()
            }
        })
        .collect();
    let w = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(34);
    let mut out = format!(
        "{:<w$} {:<9} {:<7} {:<12} {:>6} {:>7} {:>7} {:>7} {:>8} {:>7}\n",
        "RUN",
        "MODEL",
        "SPLIT",
        "DEVICE",
        "EPOCHS",
        "F1 %",
        "PREC %",
        "REC %",
        "HAM FL %",
        "SECONDS"
    );
    for (r, name) in runs.iter().zip(names) {
        let m = &r.metrics;
        out.push_str(&format!(
            "{name:<w$} {:<9} {:<7} {:<12} {:>6} {:>7} {:>7} {:>7} {:>8} {:>7.1}\n",
            r.model.as_str(),
            r.split.as_str(),
            format!("{}/{}", r.device, r.backend),
            r.epochs.len(),
            pct(m.spam_f1),
            pct(m.precision),
            pct(m.spam_recall),
            pct(m.ham_flagged_rate),
            r.seconds,
        ));
    }
    out
}

fn find<'a>(runs: &'a [TrainRun], id: &str) -> Result<&'a TrainRun> {
    let matching = ninety_kit::names::by_id_prefix(runs, id, |r: &TrainRun| r.run_id.as_str());
    match matching.as_slice() {
        [one] => Ok(one),
        [] if runs.is_empty() => Err(anyhow!(
            "no run `{id}`: there are no runs yet (`ninety run train` makes one)"
        )),
        [] => {
            const SHOWN: usize = 8;
            let ids: Vec<&str> = runs.iter().take(SHOWN).map(|r| r.run_id.as_str()).collect();
            let more = if runs.len() > SHOWN {
                format!(
                    " and {} more (`ninety runs` lists them)",
                    runs.len() - SHOWN
                )
            } else {
                String::new()
            };
            Err(anyhow!(
                "no run `{id}`; the runs are: {}{more}",
                ids.join(", ")
            ))
        }
        _ => Err(anyhow!(
            "`{id}` matches {} runs; give more of the id",
            matching.len()
        )),
    }
}

/// Two runs side by side: what differed in how they were made, and how
/// their results compare.
pub fn compare(a: &TrainRun, b: &TrainRun) -> String {
    let mut out = format!("{:<28} {:<34} {:<34}\n", "", a.run_id, b.run_id);
    let mut row = |name: &str, x: String, y: String| {
        let mark = if x == y { " " } else { "*" };
        out.push_str(&format!("{mark}{name:<27} {x:<34} {y:<34}\n"));
    };
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    row("model", a.model.to_string(), b.model.to_string());
    row("split", a.split.to_string(), b.split.to_string());
    row("device", a.device.to_string(), b.device.to_string());
    row("backend", a.backend.to_string(), b.backend.to_string());
    row("seed", a.seed.to_string(), b.seed.to_string());
    row("corpus", a.corpus.clone(), b.corpus.clone());
    row(
        "code commit",
        opt(a.code.commit.clone()),
        opt(b.code.commit.clone()),
    );
    row(
        "code dirty",
        opt(a.code.dirty.map(|d| d.to_string())),
        opt(b.code.dirty.map(|d| d.to_string())),
    );
    row(
        "clean data sha256",
        a.inputs.clean.sha256.clone(),
        b.inputs.clean.sha256.clone(),
    );
    row(
        "split sha256",
        a.inputs.split.sha256.clone(),
        b.inputs.split.sha256.clone(),
    );
    let keys: BTreeSet<&String> = a.params.keys().chain(b.params.keys()).collect();
    for k in keys {
        row(
            k,
            opt(a.params.get(k).cloned()),
            opt(b.params.get(k).cloned()),
        );
    }
    type Rate = fn(&Metrics) -> Option<f64>;
    let rates: [(&str, Rate); 4] = [
        ("spam_f1", |m| m.spam_f1),
        ("precision", |m| m.precision),
        ("spam_recall", |m| m.spam_recall),
        ("ham_flagged_rate", |m| m.ham_flagged_rate),
    ];
    for (name, rate) in rates {
        let show = |m: &Metrics| opt(rate(m).map(|v| v.to_string()));
        row(&format!("test {name}"), show(&a.metrics), show(&b.metrics));
    }
    row("seconds", a.seconds.to_string(), b.seconds.to_string());
    out.push_str("(* marks what differs)\n");
    out
}

/// `ninety runs [A B] [--json]`.
pub fn run(ws: &Workspace, args: &RunsArgs) -> Result<ExitCode> {
    let (runs, problems) = load_runs(&ws.home);
    for p in &problems {
        eprintln!("unreadable run: {p}");
    }
    match args.compare.as_slice() {
        [] => {
            if args.json {
                println!("{}", serde_json::to_string(&runs)?);
            } else if runs.is_empty() {
                println!("No runs yet: `ninety run train` makes one.");
            } else {
                print!("{}", table(&runs));
            }
        }
        [a, b] => {
            let (a, b) = (find(&runs, a)?, find(&runs, b)?);
            if args.json {
                println!("{}", serde_json::to_string(&[a, b])?);
            } else {
                print!("{}", compare(a, b));
            }
        }
        _ => {
            return Err(anyhow!(
                "give no run to list them all, or two to compare them"
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
