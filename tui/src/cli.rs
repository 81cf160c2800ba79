//! The command line: `ninety` alone opens the workbench; subcommands do one
//! thing each and exit with a code scripts can trust. One module per
//! subcommand holds its arguments and what it does.

pub mod book;
pub mod cohort;
pub mod data;
pub mod grade;
pub mod hint;
pub mod init;
pub mod lab;
pub mod label;
pub mod labels;
pub mod load;
pub mod models;
pub mod monitor;
pub mod replay;
pub mod run;
pub mod runs;
pub mod serve;

use crate::workspace::Workspace;
use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
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
    /// Write a learner workspace into DIR.
    ///
    /// Solutions become todo!()s with hints, hidden checks are removed, a
    /// checksum manifest of the tests is written, and a git repository is
    /// made with a first commit.
    Init(init::InitArgs),
    /// Grade one lab, or every lab, with `cargo test -p lab-<name>`.
    ///
    /// Prints each check with its points, the hints of failing checks, and
    /// saves your progress for the workbench. Exits non-zero unless all pass.
    Grade(grade::GradeArgs),
    /// A check's hints, one tier at a time: idea, approach, code-level hint.
    ///
    /// The idea first, then the approach (--tier 2), then the code-level
    /// hint (--tier 3). Without a check, the first failing check of the last
    /// grade.
    Hint(hint::HintArgs),
    /// Instructors: a cohort's roster, release, collection, grading and gradebook.
    Cohort {
        #[command(subcommand)]
        command: cohort::CohortCommand,
    },
    /// Labs: list them, or check that they are gradeable.
    Lab {
        #[command(subcommand)]
        command: lab::LabCommand,
    },
    /// The course book (mdBook): build it, serve it, check it, draw its figures.
    Book {
        #[command(subcommand)]
        command: book::BookCommand,
    },
    /// Run one pipeline stage headless; --json for one JSON object.
    ///
    /// Builds and starts the pipeline, then prints a summary for a person,
    /// or with --json one JSON object on stdout.
    Run(run::RunArgs),
    /// Tracked training runs: list them, or compare two.
    Runs(runs::RunsArgs),
    /// The model registry: list, promote, roll back.
    ///
    /// The models `ninety run evaluate` registered, and the champion;
    /// `promote ID` makes one the champion.
    Models(models::ModelsArgs),
    /// Serve the champion model over HTTP with a live status line; Ctrl-C
    /// stops it cleanly and prints its summary.
    Serve(serve::ServeCliArgs),
    /// Load the running server with real messages: throughput, latency
    /// percentiles, errors.
    Load(load::LoadArgs),
    /// Replay a monitoring scenario's traffic to the running server.
    Replay(replay::ReplayArgs),
    /// Watch the served model's logs live: drift, health, alerts.
    Monitor(monitor::MonitorCliArgs),
    /// Corpora: what is available and where.
    Data {
        #[command(subcommand)]
        command: data::DataCommand,
    },
    /// Open the labeling screen directly, one message at a time.
    ///
    /// A key per label (s spam, h ham, u unsure, n skip, z undo, q back;
    /// remap them in .ninety/config.toml). Every decision is saved as it is
    /// made.
    Label(label::LabelArgs),
    /// Label logs: statistics, and export or import for other tools.
    Labels {
        #[command(subcommand)]
        command: labels::LabelsCommand,
    },
}

/// Parses the command line, runs it, and prints any error with its causes.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            for line in error_lines(&e) {
                eprintln!("{line}");
            }
            ExitCode::from(2)
        }
    }
}

/// An error as the command line prints it: `ninety: error: ...`, then a
/// `caused by:` line per cause, leaving out a cause whose text the one
/// before already ends with (an error that repeats its source's message).
fn error_lines(e: &anyhow::Error) -> Vec<String> {
    let mut lines = vec![format!("ninety: error: {e}")];
    let mut previous = e.to_string();
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        if !previous.trim_end().ends_with(text.trim_end()) {
            lines.push(format!("  caused by: {text}"));
        }
        previous = text;
    }
    lines
}

/// The workspace at `root`, or the one containing the current folder.
pub fn workspace(root: Option<&PathBuf>) -> Result<Workspace> {
    let cwd = std::env::current_dir().context("reading the current folder")?;
    Workspace::discover(root.map(PathBuf::as_path), &cwd)
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    let root = cli.root.as_ref();
    match cli.command {
        None => {
            crate::workbench::Runtime::new(workspace(root)?).run()?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Init(args)) => init::run(root, &args),
        Some(Command::Grade(args)) => grade::run(&workspace(root)?, &args),
        Some(Command::Hint(args)) => hint::run(&workspace(root)?, &args),
        Some(Command::Cohort { command }) => cohort::run(root, command),
        Some(Command::Lab { command }) => lab::run(&workspace(root)?, command),
        Some(Command::Book { command }) => book::run(&workspace(root)?, command),
        Some(Command::Run(args)) => run::run(&workspace(root)?, &args),
        Some(Command::Runs(args)) => runs::run(&workspace(root)?, &args),
        Some(Command::Models(args)) => models::run(&workspace(root)?, &args),
        Some(Command::Serve(args)) => serve::run(&workspace(root)?, &args),
        Some(Command::Load(args)) => load::run(&workspace(root)?, &args),
        Some(Command::Replay(args)) => replay::run(&workspace(root)?, &args),
        Some(Command::Monitor(args)) => monitor::run(&workspace(root)?, &args),
        Some(Command::Data { command }) => data::run(&workspace(root)?, command),
        Some(Command::Label(args)) => label::run(workspace(root)?, args),
        Some(Command::Labels { command }) => labels::run(&workspace(root)?, command),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_the_error_already_says_is_not_printed_twice() {
        let io = std::io::Error::new(std::io::ErrorKind::IsADirectory, "Is a directory");
        let store = ninety_kit::artifact::ArtifactError::Io {
            path: "corpora/spamassassin/spam/..".into(),
            source: io,
        };
        let e = anyhow::Error::new(store).context("importing `20021010_spam.tar.bz2`");
        assert_eq!(
            error_lines(&e),
            [
                "ninety: error: importing `20021010_spam.tar.bz2`",
                "  caused by: cannot access `corpora/spamassassin/spam/..`: Is a directory",
            ]
        );
    }
}
