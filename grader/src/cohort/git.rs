//! git, run as a child process: what release and collection need of it.

use super::CohortError;
use std::path::Path;
use std::process::{Command, Stdio};

/// `git ARGS` in `dir`, with a fixed identity and no prompts; its stdout.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, CohortError> {
    let out = command(dir)
        .args(args)
        .output()
        .map_err(|source| CohortError::GitNotRun {
            action: args.join(" "),
            dir: dir.to_owned(),
            source,
        })?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(CohortError::Git {
            action: args.join(" "),
            dir: dir.to_owned(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
    }
}

/// `git ARGS` in `dir`, its stdout as trimmed text.
pub(crate) fn git_text(dir: &Path, args: &[&str]) -> Result<String, CohortError> {
    Ok(String::from_utf8_lossy(&git(dir, args)?).trim().to_owned())
}

/// The git command, set up to run in `dir` without asking anything.
pub(crate) fn command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.args([
        "-c",
        "user.name=Ninety",
        "-c",
        "user.email=ninety@localhost",
        "-c",
        "commit.gpgsign=false",
        "-c",
        "tag.gpgsign=false",
        "-c",
        "init.defaultBranch=main",
        "-c",
        "advice.detachedHead=false",
    ])
    .current_dir(dir)
    .env("GIT_TERMINAL_PROMPT", "0")
    .stdin(Stdio::null());
    cmd
}

/// Makes `dir` a git repository with one commit of everything, tagged `tag`.
pub(crate) fn init_commit_tag(dir: &Path, message: &str, tag: &str) -> Result<(), CohortError> {
    git(dir, &["init", "-q"])?;
    git(dir, &["add", "-A"])?;
    git(dir, &["commit", "-q", "-m", message])?;
    git(dir, &["tag", tag])?;
    Ok(())
}

/// Whether `dir` is the top of a git work tree or a bare repository.
pub(crate) fn is_repository(dir: &Path) -> bool {
    dir.join(".git").exists() || (dir.join("HEAD").is_file() && dir.join("objects").is_dir())
}
