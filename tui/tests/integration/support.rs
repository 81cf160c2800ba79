//! Temporary copies of the repository and a way to run the binary in them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository these tests were built from.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A target folder shared by every copy, apart from the main one (so the
/// cargo running these tests and the cargo they run never wait on each
/// other), and kept between runs so the dependencies build once.
pub fn shared_target() -> PathBuf {
    repo_root().join("target").join("ninety").join("it-target")
}

/// Serialises the tests that build in the shared target folder.
///
/// Every copy has the same packages at the same relative paths, so cargo
/// gives their artifacts the same names and decides freshness by comparing
/// the sources' modification times with the artifacts'. Run one after
/// another, each copy's files are newer than the last build and everything
/// rebuilds as it should; run side by side, one copy could be handed
/// another's test binary.
pub fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A fresh copy of the repository's source files (what git tracks or would
/// track), in a temporary folder. Hold [`exclusive`] while using it.
pub fn copy_repo() -> tempfile::TempDir {
    let root = repo_root();
    let dir = tempfile::Builder::new()
        .prefix("ninety-it-")
        .tempdir()
        .unwrap();
    for rel in ninety_grader::release::source_files(&root).unwrap() {
        let to = dir.path().join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root.join(&rel), &to).unwrap();
    }
    dir
}

/// `ninety ARGS` run in `dir`, with its own data folder and the shared target.
pub fn ninety(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

/// The command behind [`ninety`].
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ninety"));
    cmd.args(args)
        .current_dir(dir)
        .env("NINETY_HOME", dir.join(".ninety-test"))
        .env("CARGO_TARGET_DIR", shared_target())
        .env_remove("NINETY_GRADES_DIR")
        .env("NO_COLOR", "1");
    cmd
}

/// stdout and stderr of an output, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The summary `ninety run STAGE --json` printed, read as the kit's record.
pub fn summary(out: &Output) -> ninety_kit::records::Summary {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("--json prints one summary ({e}): {}", text(out)))
}
