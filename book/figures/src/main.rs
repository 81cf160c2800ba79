//! `ninety-figures`: capture the figures' data from real outputs, draw the
//! figures, check both.

use anyhow::{Context, Result, anyhow};
use clap::{Parser, Subcommand};
use ninety_figures::{capture, compare, data::Data};
use ninety_kit::DataHome;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The book's figures, from the project's real outputs.
#[derive(Debug, Parser)]
#[command(name = "ninety-figures")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read a data home's real outputs into book/figures/data/.
    Capture {
        /// The data home (default: NINETY_HOME, else the workspace's .ninety).
        #[arg(long)]
        home: Option<PathBuf>,
        /// The corpus the runs trained on.
        #[arg(long, default_value = "spamassassin")]
        corpus: String,
        /// Write nothing: fail if the committed data disagree with these
        /// outputs beyond the stated tolerances.
        #[arg(long)]
        compare: bool,
    },
    /// Draw book/src/figures/*.svg from book/figures/data/.
    Draw {
        /// Write nothing: fail if a committed figure differs from what its
        /// data gives.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ninety-figures: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("reading the current folder")?;
    let root = find_root(&cwd)?;
    match cli.command {
        Command::Capture {
            home,
            corpus,
            compare,
        } => {
            let home = home.map_or_else(|| DataHome::resolve(&root), DataHome::at);
            let fresh = capture::capture(&home, &corpus)
                .with_context(|| format!("capturing from `{}`", home.root().display()))?;
            let dir = capture::data_dir(&root);
            if compare {
                let committed = Data::load(&dir)?;
                let problems = compare::compare(&committed, &fresh);
                if problems.is_empty() {
                    println!(
                        "The committed figure data agree with the outputs in {} (runs {} and {}).",
                        home.root().display(),
                        fresh.random.run_id,
                        fresh.time.run_id
                    );
                    return Ok(ExitCode::SUCCESS);
                }
                for p in &problems {
                    println!("{p}");
                }
                println!(
                    "{} difference{} beyond the tolerances: run `cargo run -p ninety-figures -- capture`, then `ninety book figures`, look at the figures and commit them",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                );
                return Ok(ExitCode::FAILURE);
            }
            fresh.save(&dir)?;
            println!(
                "Captured runs {} and {} and message {} into {}.",
                fresh.random.run_id,
                fresh.time.run_id,
                fresh.mime.path,
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Draw { check } => {
            if check {
                let problems = ninety_figures::check(&root)?;
                if problems.is_empty() {
                    println!(
                        "Every figure in {} is what its data gives.",
                        ninety_figures::out_dir(&root).display()
                    );
                    return Ok(ExitCode::SUCCESS);
                }
                for p in &problems {
                    println!("{p}");
                }
                return Ok(ExitCode::FAILURE);
            }
            let written = ninety_figures::draw(&root)?;
            println!(
                "Drew {} figures into {}.",
                written.len(),
                ninety_figures::out_dir(&root).display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The workspace root: the folder at or above `start` holding course.toml.
fn find_root(start: &Path) -> Result<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join("course.toml").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            anyhow!(
                "no Ninety workspace here: no course.toml in `{}` or any folder above it",
                start.display()
            )
        })
}
