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

/// The target folder of the pristine copies ([`copy_repo`]), apart from the
/// main one (the cargo running these tests holds that one's lock while they
/// run), and kept between runs.
///
/// A pristine copy's files keep the repository's modification times, and
/// its sources are never changed (checked when it is dropped), so every
/// pristine copy of one commit is the same sources at the same times:
/// cargo builds the course's packages here once, and later copies find
/// them fresh. On first use in a run it is given the dependencies the cargo
/// running these tests built (see `ninety_grader::seed`), so a fresh clone
/// does not build them a second time.
pub fn shared_target() -> PathBuf {
    static SEEDED: std::sync::Once = std::sync::Once::new();
    let target = repo_root().join("target").join("ninety").join("it-target");
    SEEDED.call_once(|| {
        // Builds here are of pristine copies at one place. Anything else
        // (a folder from before copies kept their times, or from copies
        // elsewhere, whose builds name that place) is built again.
        let marker = target.join("pristine-copies");
        let expected = format!("{}\n", pristine_root().display());
        if std::fs::read_to_string(&marker).ok().as_deref() != Some(expected.as_str()) {
            forget_course_builds(&target);
            std::fs::create_dir_all(&target).unwrap();
            std::fs::write(&marker, expected).unwrap();
        }
        seed(&target);
    });
    target
}

/// The target folder of everything else built in a test: copies whose
/// sources a test changes ([`copy_repo_to_edit`]) and the learner
/// workspaces, cohorts and grading trees made inside copies.
///
/// Those hold the same packages at the same relative paths as the pristine
/// copies, with other sources, and cargo decides freshness by comparing
/// modification times: sharing a folder with the pristine copies would let
/// one be handed the other's build. Here every file is newer than the last
/// build, so everything of the course rebuilds, as it must.
pub fn edits_target() -> PathBuf {
    static SEEDED: std::sync::Once = std::sync::Once::new();
    let target = repo_root()
        .join("target")
        .join("ninety")
        .join("it-target-edits");
    SEEDED.call_once(|| seed(&target));
    target
}

/// Gives `target` the dependencies of the target folder this test binary
/// was built in (`<target>/debug/deps/integration-<hash>`).
fn seed(target: &Path) {
    let outer = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()));
    if let Some(outer) = outer {
        ninety_grader::seed::seed_target(&repo_root(), &outer, target)
            .unwrap_or_else(|e| panic!("seeding {}: {e}", target.display()));
    }
}

/// The target folder for cargo run in `dir`: the pristine one for a
/// pristine copy's root, the other one for anything else.
pub fn target_for(dir: &Path) -> PathBuf {
    if pristine_roots()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains(dir)
    {
        shared_target()
    } else {
        edits_target()
    }
}

fn pristine_roots() -> &'static std::sync::Mutex<std::collections::BTreeSet<PathBuf>> {
    static ROOTS: std::sync::Mutex<std::collections::BTreeSet<PathBuf>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    &ROOTS
}

/// Serialises the tests that build in the shared target folders.
///
/// Every copy has the same packages at the same relative paths, so cargo
/// gives their artifacts the same names; run side by side, one copy could
/// be handed another's test binary.
pub fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A copy of the repository's source files (what git tracks or would
/// track), removed when dropped. Hold [`exclusive`] while using it.
pub struct Copy {
    root: PathBuf,
    /// For a copy in a temporary folder, that folder.
    _temp: Option<tempfile::TempDir>,
    /// For a pristine copy, each source file that cargo compiles and its
    /// modification time, to check that none changed.
    watched: Option<Vec<(PathBuf, std::time::SystemTime)>>,
}

impl Copy {
    /// The copy's root.
    pub fn path(&self) -> &Path {
        &self.root
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let Some(watched) = self.watched.take() else {
            return;
        };
        pristine_roots()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.root);
        let changed: Vec<&PathBuf> = watched
            .iter()
            .filter(|(path, time)| {
                std::fs::metadata(self.root.join(path))
                    .and_then(|m| m.modified())
                    .map_or(true, |now| now != *time)
            })
            .map(|(path, _)| path)
            .collect();
        let _ = std::fs::remove_dir_all(&self.root);
        if !changed.is_empty() {
            // Whatever was built from the changed sources must not be
            // taken for the pristine build by the next copy.
            forget_course_builds(&shared_target());
            if !std::thread::panicking() {
                panic!(
                    "a test changed {changed:?} in a pristine copy of the repository; \
                     make that copy with copy_repo_to_edit()"
                );
            }
        }
    }
}

/// Removes cargo's records of the course's own packages from `target`, so
/// the next build there compiles them again.
fn forget_course_builds(target: &Path) {
    let course = ninety_grader::seed::workspace_crates(&repo_root()).unwrap_or_default();
    let fingerprints = target.join("debug").join(".fingerprint");
    for entry in std::fs::read_dir(&fingerprints)
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().replace('-', "_");
        if let Some((krate, _)) = name.rsplit_once('_')
            && course.contains(krate)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A pristine copy of the repository: always at the same place
/// (`target/ninety/it-copy`), its files keep their modification times, and
/// builds in it share [`shared_target`], so each copy of one commit finds
/// the last one's build fresh (the same paths too: a build remembers its
/// package's folder, `CARGO_MANIFEST_DIR`). Its Rust sources and manifests
/// must not be changed (data files such as a spec may be).
pub fn copy_repo() -> Copy {
    let root = pristine_root();
    shared_target();
    assert!(
        pristine_roots()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty(),
        "one pristine copy at a time: hold exclusive() and drop the last one first"
    );
    if root.exists() {
        std::fs::remove_dir_all(&root).unwrap();
    }
    let watched = fill(&root, true);
    pristine_roots()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(root.clone());
    Copy {
        root,
        _temp: None,
        watched: Some(watched),
    }
}

/// A copy of the repository whose sources a test may change, in a
/// temporary folder: its files are new, and builds in it use
/// [`edits_target`].
pub fn copy_repo_to_edit() -> Copy {
    let temp = tempfile::Builder::new()
        .prefix("ninety-it-")
        .tempdir()
        .unwrap();
    let root = temp.path().to_path_buf();
    fill(&root, false);
    Copy {
        root,
        _temp: Some(temp),
        watched: None,
    }
}

/// Copies the repository's source files into `to`, keeping their
/// modification times if `keep_times`; returns the compiled ones' times.
fn fill(to: &Path, keep_times: bool) -> Vec<(PathBuf, std::time::SystemTime)> {
    let root = repo_root();
    let mut watched = Vec::new();
    for rel in ninety_grader::release::source_files(&root).unwrap() {
        let (from, dest) = (root.join(&rel), to.join(&rel));
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&from, &dest).unwrap();
        if keep_times {
            let time = std::fs::metadata(&from).unwrap().modified().unwrap();
            std::fs::File::options()
                .write(true)
                .open(&dest)
                .unwrap()
                .set_modified(time)
                .unwrap();
            if compiled(&rel) {
                watched.push((rel, time));
            }
        }
    }
    watched
}

/// Where the pristine copies are made.
fn pristine_root() -> PathBuf {
    repo_root().join("target").join("ninety").join("it-copy")
}

/// Whether cargo reads `rel` when it builds: a Rust source or a manifest.
fn compiled(rel: &Path) -> bool {
    rel.extension().is_some_and(|e| e == "rs")
        || rel
            .file_name()
            .is_some_and(|n| n == "Cargo.toml" || n == "Cargo.lock")
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
        .env("CARGO_TARGET_DIR", target_for(dir))
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
