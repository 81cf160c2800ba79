//! `ninety data`: the corpora a workspace knows, where they are, and importing one.

use crate::workspace::Workspace;
use anyhow::{Context, Result};
use ninety_kit::Label;
use ninety_kit::corpus;
use ninety_kit::import::LocalOptions;
use std::path::Path;

/// The header's line about the default corpus.
pub fn corpus_line(ws: &Workspace) -> String {
    let all = corpus::known(&ws.root, &ws.home);
    match all
        .iter()
        .find(|c| c.name == "mini")
        .and_then(|c| c.messages)
    {
        Some(n) => format!("corpus: mini · {n} messages"),
        None => "corpus: mini (missing: datasets/mini)".into(),
    }
}

/// Prints the known corpora, as a table or as JSON.
pub fn list(ws: &Workspace, json: bool) -> Result<()> {
    let all = corpus::known(&ws.root, &ws.home);
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(());
    }
    println!("{:<14} {:>9}  {:<50}", "CORPUS", "MESSAGES", "WHERE");
    for c in &all {
        let count = c.messages.map_or("-".to_owned(), |n| n.to_string());
        println!("{:<14} {:>9}  {}", c.name, count, c.root.display());
        println!("{:<14} {:>9}  {}", "", "", c.description);
        if c.messages.is_none()
            && let Some(how) = &c.how_to_get
        {
            println!("{:<14} {:>9}  not here yet: {how}", "", "");
        }
    }
    println!(
        "\ndata directory: {} (set NINETY_HOME to move it)",
        ws.home.root().display()
    );
    Ok(())
}

/// The options for a folder or mbox import: the corpus name defaults to
/// the file or folder name, made safe for a folder.
pub fn local_options(
    path: &Path,
    name: Option<String>,
    label: Option<&str>,
    period: u8,
) -> LocalOptions {
    let name = name.unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let safe: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        if safe.is_empty() {
            "imported".into()
        } else {
            safe
        }
    });
    LocalOptions {
        name,
        label: label.and_then(|l| l.parse::<Label>().ok()),
        period,
    }
}

/// Imports a corpus into the data directory and reports it.
pub fn import(ws: &Workspace, path: &Path, options: &LocalOptions, json: bool) -> Result<()> {
    if !json {
        eprintln!("Importing {}...", path.display());
    }
    let report = ninety_kit::import::import_path(path, &ws.home.corpora(), options)
        .with_context(|| format!("importing `{}`", path.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "{}: {} message(s) imported, {} already there, {} left out; {} in the corpus now",
        report.corpus,
        report.imported,
        report.unchanged,
        report.skipped.len(),
        report.total
    );
    for (group, n) in &report.by_group {
        println!("  {group:<12} {n:>6}");
    }
    for s in &report.skipped {
        println!("  left out {}: {}", s.name, s.reason);
    }
    println!(
        "\nin {}\nnext: ninety run frame --corpus {}",
        report.root.display(),
        report.corpus
    );
    Ok(())
}
