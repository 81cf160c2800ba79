//! `ninety runs`: the tracked training runs, as a table, or two side by side.
//!
//! Every `ninety run train` leaves a folder `runs/<run id>/` under the
//! artifacts with its `run.json` (configs, data hashes, code version,
//! metrics per epoch and at the end, wall time, device) and its model. This
//! reads those files and nothing else.

use crate::workspace::Workspace;
use anyhow::{Result, anyhow};
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

/// The recorded runs, newest first. A folder whose `run.json` does not read
/// is listed with the problem, not skipped in silence.
pub fn load(ws: &Workspace) -> (Vec<Value>, Vec<String>) {
    let dir = ws.home.artifacts().join("runs");
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        // A run still being written (or killed while it was) has a dot name.
        .filter(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    folders.sort();
    folders.reverse();
    for folder in folders {
        let path = folder.join("run.json");
        match std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<Value>(&b).map_err(|e| e.to_string()))
        {
            Ok(run) => runs.push(run),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    (runs, problems)
}

fn pct(v: &Value) -> String {
    v.as_f64()
        .map_or_else(|| "-".into(), |x| format!("{:.1}", x * 100.0))
}

/// One line per run.
pub fn table(runs: &[Value]) -> String {
    let mut out = format!(
        "{:<34} {:<9} {:<7} {:<12} {:>6} {:>7} {:>7} {:>7} {:>8} {:>7}\n",
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
    for r in runs {
        let m = &r["metrics"];
        out.push_str(&format!(
            "{:<34} {:<9} {:<7} {:<12} {:>6} {:>7} {:>7} {:>7} {:>8} {:>7.1}\n",
            r["run_id"].as_str().unwrap_or("?"),
            r["model"].as_str().unwrap_or("?"),
            r["split"].as_str().unwrap_or("?"),
            format!(
                "{}/{}",
                r["device"].as_str().unwrap_or("?"),
                r["backend"].as_str().unwrap_or("?")
            ),
            r["epochs"].as_array().map_or(0, Vec::len),
            pct(&m["spam_f1"]),
            pct(&m["precision"]),
            pct(&m["recall"]),
            pct(&m["ham_flagged_rate"]),
            r["seconds"].as_f64().unwrap_or(0.0),
        ));
    }
    out
}

fn find<'a>(runs: &'a [Value], id: &str) -> Result<&'a Value> {
    let matching: Vec<&Value> = runs
        .iter()
        .filter(|r| r["run_id"].as_str().is_some_and(|r| r.starts_with(id)))
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => Err(anyhow!("no run `{id}`; `ninety runs` lists them")),
        _ => Err(anyhow!(
            "`{id}` matches {} runs; give more of the id",
            matching.len()
        )),
    }
}

/// Two runs side by side: what differed in how they were made, and how
/// their results compare.
pub fn compare(a: &Value, b: &Value) -> String {
    let mut out = format!(
        "{:<28} {:<34} {:<34}\n",
        "",
        a["run_id"].as_str().unwrap_or("?"),
        b["run_id"].as_str().unwrap_or("?")
    );
    let row = |name: &str, x: &Value, y: &Value| {
        let show = |v: &Value| match v {
            Value::String(s) => s.clone(),
            Value::Null => "-".into(),
            other => other.to_string(),
        };
        let mark = if x == y { " " } else { "*" };
        format!("{mark}{name:<27} {:<34} {:<34}\n", show(x), show(y))
    };
    for key in ["model", "split", "device", "backend", "seed", "corpus"] {
        out.push_str(&row(key, &a[key], &b[key]));
    }
    out.push_str(&row(
        "code commit",
        &a["code"]["commit"],
        &b["code"]["commit"],
    ));
    out.push_str(&row("code dirty", &a["code"]["dirty"], &b["code"]["dirty"]));
    out.push_str(&row(
        "clean data sha256",
        &a["inputs"]["clean"]["sha256"],
        &b["inputs"]["clean"]["sha256"],
    ));
    out.push_str(&row(
        "split sha256",
        &a["inputs"]["split"]["sha256"],
        &b["inputs"]["split"]["sha256"],
    ));
    for section in ["model", "fit"] {
        let keys: std::collections::BTreeSet<&String> = a["config"][section]
            .as_object()
            .into_iter()
            .chain(b["config"][section].as_object())
            .flat_map(|m| m.keys())
            .collect();
        for k in keys {
            out.push_str(&row(
                &format!("{section}.{k}"),
                &a["config"][section][k],
                &b["config"][section][k],
            ));
        }
    }
    for k in ["spam_f1", "precision", "recall", "ham_flagged_rate"] {
        out.push_str(&row(
            &format!("test {k}"),
            &a["metrics"][k],
            &b["metrics"][k],
        ));
    }
    out.push_str(&row("seconds", &a["seconds"], &b["seconds"]));
    out.push_str("(* marks what differs)\n");
    out
}

/// `ninety runs [A B] [--json]`.
pub fn runs(ws: &Workspace, ids: &[String], json: bool) -> Result<ExitCode> {
    let (runs, problems) = load(ws);
    for p in &problems {
        eprintln!("unreadable run: {p}");
    }
    match ids {
        [] => {
            if json {
                println!("{}", serde_json::to_string(&runs)?);
            } else if runs.is_empty() {
                println!("No runs yet: `ninety run train` makes one.");
            } else {
                print!("{}", table(&runs));
            }
        }
        [a, b] => {
            let (a, b) = (find(&runs, a)?, find(&runs, b)?);
            if json {
                println!("{}", serde_json::to_string(&serde_json::json!([a, b]))?);
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
