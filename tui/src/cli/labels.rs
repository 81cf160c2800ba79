//! `ninety labels`: statistics over the label logs, export and import.
//!
//! The statistics are the pipeline's `label` stage (the label lab's code, in
//! a child process); export and import are the kit's, since they decide
//! nothing.

use crate::workspace::Workspace;
use anyhow::{Context, Result, anyhow};
use ninety_kit::clean::{clean_path, read_gathered};
use ninety_kit::command::{CorpusArg, StageCommand};
use ninety_kit::labels::{self, Choice, ExportText, Format, ImportTarget, LabelLog};
use ninety_kit::records::Summary;
use ninety_kit::records::label::LabelStats;
use ninety_kit::{AnnotatorName, CorpusName};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `ninety labels ...`
#[derive(Debug, clap::Subcommand)]
pub enum LabelsCommand {
    /// Decisions and current labels per annotator, kappa against gold and
    /// between annotators (computed by the label lab's code).
    Stats {
        /// Print as one JSON object.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        corpus: CorpusArg,
    },
    /// Write everyone's current labels as JSON lines for Prodigy or Label Studio.
    Export {
        /// prodigy or label-studio.
        #[arg(long, value_parser = ["prodigy", "label-studio"])]
        format: String,
        /// The file to write (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        corpus: CorpusArg,
    },
    /// Add labels exported by Prodigy, Label Studio or Ninety to the logs
    /// (each annotator's to their own log). Every line is checked against
    /// the corpus first: one bad line and nothing is imported. A decision
    /// the logs already hold is not added again.
    Import {
        /// A JSON-lines file (or Label Studio's JSON array).
        path: PathBuf,
        /// The annotator for records that name none (default: config, then your login).
        #[arg(long)]
        annotator: Option<AnnotatorName>,
        /// Import the good lines even when some cannot be used (they are
        /// listed); by default one bad line stops the whole import.
        #[arg(long)]
        skip_bad: bool,
        #[command(flatten)]
        corpus: CorpusArg,
    },
}

/// Runs `ninety labels ...`.
pub fn run(ws: &Workspace, command: LabelsCommand) -> Result<ExitCode> {
    match command {
        LabelsCommand::Stats { json, corpus } => stats(ws, corpus, json),
        LabelsCommand::Export {
            format,
            out,
            corpus,
        } => export(ws, &corpus.corpus, &format, out.as_deref()),
        LabelsCommand::Import {
            path,
            annotator,
            skip_bad,
            corpus,
        } => import(ws, &corpus.corpus, &path, annotator, skip_bad),
    }
}

/// `ninety labels stats`: the `label` stage.
fn stats(ws: &Workspace, corpus: CorpusArg, json: bool) -> Result<ExitCode> {
    ws.corpus(&corpus.corpus)?;
    let summary = super::run::run_stage(ws, &StageCommand::Label(corpus), json)?;
    if json {
        println!("{}", serde_json::to_string(&summary)?);
    } else if let Summary::Label(stats) = &summary {
        print_stats(stats);
    }
    Ok(ExitCode::SUCCESS)
}

fn kappa(k: Option<f64>) -> String {
    k.map_or_else(|| "-".to_owned(), |k| format!("{k:.2}"))
}

/// The stats for a person.
pub fn print_stats(s: &LabelStats) {
    println!("Labels on {} (logs in {}):", s.corpus, s.logs.display());
    if s.annotators.is_empty() {
        println!("  no decisions yet: label some with `ninety label` (or `l` on the label lab).");
        return;
    }
    println!(
        "  {:<14}{:>10}{:>8}{:>6}{:>6}{:>8}{:>11}{:>9}",
        "annotator", "decisions", "labels", "spam", "ham", "unsure", "κ vs gold", "per min"
    );
    for (name, a) in &s.annotators {
        let n = |c: Choice| a.by_label.get(&c).copied().unwrap_or(0);
        println!(
            "  {:<14}{:>10}{:>8}{:>6}{:>6}{:>8}{:>11}{:>9}",
            name,
            a.decisions,
            a.labels,
            n(Choice::Spam),
            n(Choice::Ham),
            n(Choice::Unsure),
            kappa(a.kappa_vs_gold),
            a.labels_per_minute
                .map_or("-".into(), |r| format!("{r:.1}"))
        );
    }
    for p in &s.pairs {
        println!(
            "  between {} and {}: κ {} over {} items both labeled",
            p.a,
            p.b,
            kappa(p.agreement.kappa),
            p.agreement.items
        );
    }
    println!(
        "  {} item(s) where annotators disagree, {} probable label error(s): review them with `a` on the label lab.",
        s.disagreements.len(),
        s.suspects.len()
    );
    for note in &s.not_computed {
        println!("  not computed: {note}");
    }
    for p in &s.problems {
        println!("  skipped: {p}");
    }
}

/// The clean texts of a corpus from the gather output (none when it has not run).
fn texts(ws: &Workspace, corpus: &CorpusName) -> Result<Vec<ExportText>> {
    let path = clean_path(&ws.home, corpus);
    if !path.exists() {
        return Ok(Vec::new());
    }
    Ok(read_gathered(&path)?
        .into_iter()
        .map(|g| ExportText {
            id: g.id,
            subject: g.subject.unwrap_or_default(),
            body: g.body.unwrap_or_default(),
        })
        .collect())
}

/// Refuses an export file inside the data directory: written there, an
/// export could replace a label log (the labels it was made from) or an
/// artifact, and what is saved there is the pipeline's, not the user's.
fn outside_the_data_directory(ws: &Workspace, path: &Path) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("`{}` names no file to write the export to", path.display()))?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let folder = std::fs::canonicalize(folder).with_context(|| {
        format!(
            "the folder of `{}` (make it first, or choose another file)",
            path.display()
        )
    })?;
    let target = folder.join(name);
    // A data directory that does not exist yet holds nothing to lose.
    if let Ok(home) = std::fs::canonicalize(ws.home.root())
        && target.starts_with(&home)
    {
        return Err(anyhow!(
            "`{}` is inside the data directory `{}`, where the label logs and the pipeline's outputs live; an export there could replace them. Write it somewhere else",
            path.display(),
            home.display()
        ));
    }
    Ok(())
}

/// `ninety labels export`.
fn export(
    ws: &Workspace,
    corpus: &CorpusName,
    format: &str,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let format: Format = format.parse().map_err(|e: String| anyhow!(e))?;
    ws.corpus(corpus)?;
    if let Some(path) = out {
        outside_the_data_directory(ws, path)?;
    }
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

/// The most problem lines printed; the count says how many more there are.
const SHOWN_PROBLEMS: usize = 20;

/// `ninety labels import`: all or nothing by default, nothing twice.
fn import(
    ws: &Workspace,
    corpus: &CorpusName,
    path: &Path,
    annotator: Option<AnnotatorName>,
    skip_bad: bool,
) -> Result<ExitCode> {
    let opened = ws.corpus(corpus)?;
    let annotator = match annotator {
        Some(name) => name,
        None => crate::config::Config::load(&crate::config::path(&ws.home))
            .map_err(super::label::refusal)?
            .label
            .annotator
            .unwrap_or_else(crate::config::default_annotator),
    };
    let bytes = std::fs::read(path).with_context(|| format!("reading `{}`", path.display()))?;
    let ids: HashSet<String> = opened.entries.into_iter().map(|e| e.sha256).collect();
    let file = labels::read_import(
        &bytes,
        path,
        &annotator,
        &ninety_kit::artifact::now_rfc3339(),
        ImportTarget {
            corpus: corpus.as_str(),
            ids: &ids,
        },
    );
    for p in file.problems.iter().take(SHOWN_PROBLEMS) {
        eprintln!("{p}");
    }
    if file.problems.len() > SHOWN_PROBLEMS {
        eprintln!(
            "... and {} more line(s) that cannot be imported",
            file.problems.len() - SHOWN_PROBLEMS
        );
    }
    if !file.problems.is_empty() && !skip_bad {
        return Err(anyhow!(
            "`{}`: {} line(s) cannot be imported (above, with what was expected); nothing was imported. Fix them, or pass --skip-bad to import the {} good decision(s) and leave those lines out",
            path.display(),
            file.problems.len(),
            file.decisions.len()
        ));
    }
    if file.decisions.is_empty() {
        return Err(anyhow!(
            "`{}` holds no labels; expected Prodigy, Label Studio or Ninety JSON lines (`ninety labels export` writes them)",
            path.display()
        ));
    }
    let (existing, unreadable) = labels::read_all(&labels::labels_dir(&ws.home, corpus))?;
    for p in &unreadable {
        eprintln!("note: an existing log has a line that does not read, left as it is: {p}");
    }
    let plan = labels::plan_import(&file.decisions, &existing);
    let mut per: BTreeMap<AnnotatorName, Vec<labels::Decision>> = BTreeMap::new();
    for d in plan.new {
        per.entry(AnnotatorName::new(d.annotator.as_str())?)
            .or_default()
            .push(d);
    }
    let mut written: Vec<String> = Vec::new();
    for (who, decisions) in &per {
        let log_path = labels::log_path(&ws.home, corpus, who);
        let append = || -> Result<(), labels::LabelError> {
            let mut log = LabelLog::open(&log_path)?;
            log.append_all(decisions)?;
            log.sync()
        };
        append().with_context(|| {
            if written.is_empty() {
                "nothing was imported".to_owned()
            } else {
                format!(
                    "the decisions of {} were imported; run the same import again to add the rest (it adds nothing twice)",
                    written.join(", ")
                )
            }
        })?;
        written.push(who.to_string());
        println!(
            "imported {} decision(s) for {who} into {}",
            decisions.len(),
            log_path.display()
        );
    }
    if plan.already > 0 {
        println!(
            "{} decision(s) already in the logs, not added again",
            plan.already
        );
    }
    if per.is_empty() {
        println!("nothing new to import");
    }
    if !file.problems.is_empty() {
        println!(
            "left out {} line(s) that cannot be imported (listed on stderr)",
            file.problems.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
