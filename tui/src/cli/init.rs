//! `ninety init DIR`: a learner workspace made from this instructor repository.

use crate::pipeline::{StageHandle, StageUpdate};
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use ninety_grader::release::{self, ReleaseOptions};
use ninety_kit::command::{CorpusArg, StageCommand};
use ninety_kit::home::DataHome;
use ninety_kit::names::CorpusName;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `ninety init`'s arguments.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// A new or empty folder.
    pub dir: PathBuf,
    /// Do not run `git init` and the first commit.
    #[arg(long)]
    pub no_git: bool,
    /// Do not write the reference outputs of the mini corpus: its gather
    /// output and a trained run (made by running this repository's stages,
    /// with its solutions).
    #[arg(long)]
    pub no_reference: bool,
}

/// Releases the learner workspace.
pub fn run(root: Option<&PathBuf>, args: &InitArgs) -> Result<ExitCode> {
    let ws = super::workspace(root)?;
    let dir = &args.dir;
    let summary = release::release(&ws.root, dir, &ReleaseOptions { git: !args.no_git })
        .with_context(|| format!("releasing the learner workspace into `{}`", dir.display()))?;
    println!(
        "Wrote a learner workspace to {}: {} files, {} solutions turned into todo!()s, {} hidden check groups removed.",
        dir.display(),
        summary.files,
        summary.solutions,
        summary.hidden
    );
    if !args.no_reference {
        match reference_gather(&ws, dir) {
            Ok(out) => println!(
                "Wrote the reference gather output of the mini corpus to {}: the explorer, labeling and the later stages read it before the gather lab works; the learner's first gather run replaces it.",
                out.display()
            ),
            Err(e) => println!(
                "No reference gather output ({e:#}); the later stages will wait for the learner's gather lab."
            ),
        }
        match reference_train(&ws, dir) {
            Ok(out) => println!(
                "Wrote a reference training run of the mini corpus to {}: the train view shows it, and the later stages have a model, before the train lab works.",
                out.display()
            ),
            Err(e) => println!(
                "No reference training run ({e:#}); the train view stays empty until the learner's train lab runs."
            ),
        }
    }
    println!(
        "\nNext:\n  cd {}\n  cargo run                 # the workbench\n  cargo test -p lab-frame   # the first lab's checks",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs this repository's gather stage (its solution) on the mini corpus
/// into the new workspace's data directory and marks the output as the
/// reference ([`ninety_kit::clean::REFERENCE_FILE`]). Returns its folder.
fn reference_gather(ws: &Workspace, dest: &Path) -> Result<PathBuf> {
    let corpus: CorpusName = "mini".parse()?;
    let home = DataHome::at(dest.join(".ninety"));
    run_instructor_stage(
        ws,
        &home,
        &StageCommand::Gather(CorpusArg::new(corpus.clone())),
    )?;
    let dir = ninety_kit::clean::gather_dir(&home, corpus.as_str());
    std::fs::write(
        dir.join(ninety_kit::clean::REFERENCE_FILE),
        "Made by `ninety init` with the course's solution. Your first gather run replaces it.\n",
    )
    .with_context(|| format!("marking `{}` as the reference", dir.display()))?;
    Ok(dir)
}

/// Runs this repository's train stage (its solution, the default settings)
/// on the reference gather output of the mini corpus, into the new
/// workspace's data directory, and marks the run as the reference. Returns
/// its folder.
fn reference_train(ws: &Workspace, dest: &Path) -> Result<PathBuf> {
    let home = DataHome::at(dest.join(".ninety"));
    let command = StageCommand::Train(ninety_kit::command::TrainArgs {
        corpus: CorpusArg::new("mini".parse()?),
        ..Default::default()
    });
    let summary = run_instructor_stage(ws, &home, &command)?;
    let ninety_kit::records::Summary::Train(run) = summary else {
        anyhow::bail!("the train stage reported a {} summary", summary.name());
    };
    let dir = run
        .artifact
        .context("the train stage did not say where it saved the run")?;
    std::fs::write(
        dir.join(ninety_kit::clean::REFERENCE_FILE),
        "Trained by `ninety init` with the course's solution. Your own runs list beside it.\n",
    )
    .with_context(|| format!("marking `{}` as the reference", dir.display()))?;
    Ok(dir)
}

/// Runs a stage of this (the instructor's) repository, with its solutions,
/// writing into `home`; says once when the pipeline has to be built first.
fn run_instructor_stage(
    ws: &Workspace,
    home: &DataHome,
    command: &StageCommand,
) -> Result<ninety_kit::records::Summary> {
    let instructor = Workspace {
        home: home.clone(),
        ..ws.clone()
    };
    let mut building = false;
    StageHandle::new()
        .run(&instructor, command, &mut |update| {
            if let StageUpdate::Building(p) = update
                && !std::mem::replace(&mut building, true)
            {
                println!(
                    "Building the pipeline to make the reference outputs ({} crates)...",
                    p.total
                );
            }
        })
        .map_err(|e| anyhow::anyhow!("the {} stage failed: {e}", command.name()))
}
