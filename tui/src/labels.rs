//! `ninety labels`: statistics over the label logs, export and import.
//!
//! The statistics are the pipeline's `label` stage (the label lab's code, in
//! a child process); export and import are the kit's, since they decide
//! nothing.

use crate::run::RunOptions;
use crate::workspace::Workspace;
use anyhow::{Context, Result, anyhow};
use ninety_kit::labels::{self, ExportText, Format, LabelLog};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// `ninety labels stats`.
pub fn stats(ws: &Workspace, corpus: &str, json: bool) -> Result<ExitCode> {
    let summary = crate::run::run(
        ws,
        &RunOptions {
            stage: "label".into(),
            json,
            corpus: corpus.to_owned(),
            extra: vec![],
            features: vec![],
        },
    )?;
    if json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        print_stats(&summary);
    }
    Ok(ExitCode::SUCCESS)
}

fn kappa(v: &Value) -> String {
    v.as_f64()
        .map_or_else(|| "-".to_owned(), |k| format!("{k:.2}"))
}

/// The stats for a person.
pub fn print_stats(s: &Value) {
    println!(
        "Labels on {} (logs in {}):",
        s["corpus"].as_str().unwrap_or("?"),
        s["logs"].as_str().unwrap_or("?")
    );
    let Some(annotators) = s["annotators"].as_object().filter(|a| !a.is_empty()) else {
        println!("  no decisions yet: label some with `ninety label` (or `l` on the label lab).");
        return;
    };
    println!(
        "  {:<14}{:>10}{:>8}{:>6}{:>6}{:>8}{:>11}{:>9}",
        "annotator", "decisions", "labels", "spam", "ham", "unsure", "κ vs gold", "per min"
    );
    for (name, a) in annotators {
        println!(
            "  {:<14}{:>10}{:>8}{:>6}{:>6}{:>8}{:>11}{:>9}",
            name,
            a["decisions"].to_string(),
            a["labels"].to_string(),
            a["by_label"]["spam"].to_string(),
            a["by_label"]["ham"].to_string(),
            a["by_label"]["unsure"].to_string(),
            kappa(&a["kappa_vs_gold"]),
            a["labels_per_minute"]
                .as_f64()
                .map_or("-".into(), |r| format!("{r:.1}"))
        );
    }
    for p in s["pairs"].as_array().into_iter().flatten() {
        println!(
            "  between {} and {}: κ {} over {} items both labeled",
            p["a"].as_str().unwrap_or("?"),
            p["b"].as_str().unwrap_or("?"),
            kappa(&p["kappa"]),
            p["items"]
        );
    }
    let disagreements = s["disagreements"].as_array().map_or(0, Vec::len);
    let suspects = s["suspects"].as_array().map_or(0, Vec::len);
    println!(
        "  {disagreements} item(s) where annotators disagree, {suspects} probable label error(s): review them with `a` on the label lab."
    );
    for note in s["not_computed"].as_array().into_iter().flatten() {
        println!("  not computed: {}", note.as_str().unwrap_or(""));
    }
    for p in s["problems"].as_array().into_iter().flatten() {
        println!("  skipped: {}", p.as_str().unwrap_or(""));
    }
}

/// The clean texts of a corpus from the gather output (none when it has not run).
fn texts(ws: &Workspace, corpus: &str) -> Result<Vec<ExportText>> {
    let path = ws
        .home
        .artifacts()
        .join("gather")
        .join(corpus)
        .join("clean.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let v: Value = serde_json::from_str(l)
                .with_context(|| format!("`{}` line {}", path.display(), i + 1))?;
            Ok(ExportText {
                id: v["id"].as_str().unwrap_or_default().to_owned(),
                subject: v["subject"].as_str().unwrap_or_default().to_owned(),
                body: v["body"].as_str().unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

/// `ninety labels export`.
pub fn export(ws: &Workspace, corpus: &str, format: &str, out: Option<&Path>) -> Result<ExitCode> {
    let format: Format = format.parse().map_err(|e: String| anyhow!(e))?;
    let dir = labels::labels_dir(&ws.home, corpus);
    let (decisions, problems) = labels::read_all(&dir)?;
    for p in &problems {
        eprintln!("skipped: {p}");
    }
    let annotators = labels::replay(&decisions);
    let texts = texts(ws, corpus)?;
    if texts.is_empty() {
        eprintln!(
            "note: no gather output for {corpus}, so the export carries ids without text (run `ninety run gather --corpus {corpus}` first for text)"
        );
    }
    let lines = labels::export(&annotators, &texts, format);
    match out {
        Some(path) => {
            ninety_kit::artifact::write_atomic(path, lines.as_bytes())?;
            eprintln!(
                "wrote {} line(s) to {}",
                lines.lines().count(),
                path.display()
            );
        }
        None => print!("{lines}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `ninety labels import`.
pub fn import(
    ws: &Workspace,
    corpus: &str,
    path: &Path,
    annotator: Option<String>,
) -> Result<ExitCode> {
    let annotator = annotator.unwrap_or_else(crate::config::default_annotator);
    labels::check_annotator(&annotator)?;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading `{}`", path.display()))?;
    let (decisions, problems) = labels::import(
        &text,
        path,
        &annotator,
        &ninety_kit::artifact::now_rfc3339(),
    );
    for p in &problems {
        eprintln!("skipped: {p}");
    }
    if decisions.is_empty() {
        return Err(anyhow!(
            "`{}` holds no usable labels ({} problem line(s) above); expected Prodigy, Label Studio or Ninety JSON lines",
            path.display(),
            problems.len()
        ));
    }
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    let mut logs: BTreeMap<String, LabelLog> = BTreeMap::new();
    for d in &decisions {
        let log = match logs.entry(d.annotator.clone()) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => e.insert(LabelLog::open(
                &labels::log_path(&ws.home, corpus, &d.annotator),
            )?),
        };
        log.append(d)?;
        *per.entry(&d.annotator).or_default() += 1;
    }
    for log in logs.values() {
        log.sync()?;
    }
    for (who, n) in per {
        println!(
            "imported {n} decision(s) for {who} into {}",
            labels::log_path(&ws.home, corpus, who).display()
        );
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
