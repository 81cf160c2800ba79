//! `ninety init DIR`: a learner workspace made from this instructor repository.

use anyhow::{Context, Result};
use ninety_grader::release::{self, ReleaseOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// `ninety init`'s arguments.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// A new or empty folder.
    pub dir: PathBuf,
    /// Do not run `git init` and the first commit.
    #[arg(long)]
    pub no_git: bool,
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
    println!(
        "\nNext:\n  cd {}\n  cargo run                 # the workbench\n  cargo test -p lab-frame   # the first lab's checks",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
