//! Release: the learner workspace made from the instructor's repository.
//!
//! `ninety init DIR` copies the workspace, turns every solution region into
//! its `todo!`, removes hidden checks, writes `ninety-release.toml` (the
//! checksums of every visible test file, so a grader can tell whether tests
//! were edited), and makes a git repository with one commit tagged
//! `starter`, which the workbench's "reset lab" restores from.

use crate::course::{Course, CourseError};
use crate::markers::{self, Layout, MarkerError, Role, Syntax};
use ninety_kit::artifact::now_rfc3339;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The release manifest's file name; its presence marks a learner workspace.
pub const RELEASE_FILE: &str = "ninety-release.toml";

/// The git tag on the learner workspace's first commit.
pub const STARTER_TAG: &str = "starter";

/// Top-level paths never released: build output, data, instructor tooling.
/// The workspace's front page, released with its instructor-only parts
/// taken out.
const README: &str = "README.md";

const NOT_RELEASED: &[&str] = &["target", ".ninety", ".git", ".ci", "book/build"];

/// What can go wrong releasing.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    /// The destination already has files in it.
    #[error(
        "`{0}` already exists and is not empty; choose a new folder so nothing there is overwritten"
    )]
    NotEmpty(PathBuf),
    /// A file cannot be read or written.
    #[error("cannot access `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Markers are malformed or misplaced, or a lab's `files` names a file
    /// it cannot; every problem is listed.
    #[error("malformed or misplaced markers:\n{}", .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Markers(Vec<MarkerError>),
    /// The course or a lab manifest cannot be read.
    #[error(transparent)]
    Course(#[from] CourseError),
    /// The source is itself a learner workspace.
    #[error(
        "`{0}` is a learner workspace (it has {RELEASE_FILE}); release from the instructor repository"
    )]
    AlreadyReleased(PathBuf),
    /// git could not be started.
    #[error("cannot run git {action} in `{dir}`; is git installed?")]
    GitNotRun {
        /// What git was asked to do.
        action: String,
        /// Where.
        dir: PathBuf,
        /// Why it could not be started.
        source: std::io::Error,
    },
    /// git failed.
    #[error("git {action} failed in `{dir}`: {message}")]
    Git {
        /// What git was asked to do.
        action: String,
        /// Where.
        dir: PathBuf,
        /// git's output.
        message: String,
    },
}

/// Options for a release.
#[derive(Debug, Clone)]
pub struct ReleaseOptions {
    /// Make a git repository with a first commit tagged `starter`.
    pub git: bool,
}

/// What a release wrote.
#[derive(Debug, Clone, Default)]
pub struct ReleaseSummary {
    /// Files copied.
    pub files: usize,
    /// Solution regions replaced by starters.
    pub solutions: usize,
    /// Hidden-check regions removed.
    pub hidden: usize,
    /// Visible test files and their SHA-256.
    pub tests: BTreeMap<String, String>,
}

/// The files a release starts from, relative to `root`, sorted: what git
/// tracks plus untracked files it does not ignore, or, outside git, every
/// file but build output.
pub fn source_files(root: &Path) -> Result<Vec<PathBuf>, ReleaseError> {
    let git = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output();
    let mut files: Vec<PathBuf> = match git {
        Ok(out) if out.status.success() && root.join(".git").exists() => out
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
            .filter(|p| root.join(p).is_file())
            .collect(),
        _ => walkdir::WalkDir::new(root)
            .into_iter()
            .filter_entry(|e| {
                let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                let skipped = NOT_RELEASED.iter().any(|skip| rel == Path::new(skip));
                let data_dir =
                    e.depth() == 1 && e.file_name().to_string_lossy().starts_with(".ninety");
                !skipped && !data_dir
            })
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| e.path().strip_prefix(root).ok().map(Path::to_path_buf))
            .collect(),
    };
    files.retain(|p| !NOT_RELEASED.iter().any(|skip| p.starts_with(skip)));
    // Data folders (`.ninety`, or one a test named through NINETY_HOME) are
    // never part of a release.
    files.retain(|p| {
        !p.components()
            .next()
            .is_some_and(|c| c.as_os_str().to_string_lossy().starts_with(".ninety"))
    });
    files.sort();
    Ok(files)
}

/// The problems with the `files` of each lab's `lab.toml`: every path must
/// name a file inside the lab's folder that exists and is not given code
/// (`src/given/`). Each is reported at its line in the manifest.
pub fn check_lab_files(course: &Course) -> Vec<MarkerError> {
    let mut errors = Vec::new();
    for lab in course.labs() {
        let manifest = lab.dir.join("lab.toml");
        let text = std::fs::read_to_string(&manifest).unwrap_or_default();
        let shown = manifest
            .strip_prefix(&course.root)
            .unwrap_or(&manifest)
            .to_owned();
        for file in &lab.files {
            let path = Path::new(file);
            let problem = if path.is_absolute()
                || path
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                format!(
                    "`files` lists `{file}`, which is outside the lab's folder; list paths relative to it, such as `src/lib.rs`"
                )
            } else if markers::is_given(path) {
                format!(
                    "`files` lists `{file}`, which is given code: the learner reads src/given/ but never edits it; list only the learner's files"
                )
            } else if !lab.dir.join(path).is_file() {
                format!(
                    "`files` lists `{file}`, which does not exist; list the files the learner edits, relative to the lab's folder"
                )
            } else {
                continue;
            };
            let quoted = format!("\"{file}\"");
            let line = text
                .lines()
                .position(|l| l.contains(&quoted))
                .or_else(|| {
                    text.lines()
                        .position(|l| l.trim_start().starts_with("files"))
                })
                .map_or(1, |i| i + 1);
            errors.push(MarkerError {
                path: shown.clone(),
                line,
                problem,
            });
        }
    }
    errors
}

/// How a lab file is released: its marked regions, in its comment syntax.
type Plan = (Vec<markers::Region>, Syntax);

/// The plan for the file at `rel` (relative to the workspace root), its
/// markers checked against its role; `None` when markers cannot appear in
/// it (outside `labs/`, or neither Rust nor TOML).
fn scan_file(rel: &Path, text: &str, layout: &Layout) -> Option<Result<Plan, Vec<MarkerError>>> {
    let syntax = Syntax::for_path(rel).filter(|_| rel.starts_with("labs"))?;
    Some(markers::scan(rel, text, layout.role_of(rel), syntax).map(|regions| (regions, syntax)))
}

/// The workspace's README as learners get it (see
/// [`markers::for_learners`]); `None` for every other file.
fn learners_page(rel: &Path, bytes: &[u8]) -> Option<Result<String, Vec<MarkerError>>> {
    if rel != Path::new(README) {
        return None;
    }
    let text = String::from_utf8_lossy(bytes);
    Some(markers::for_learners(rel, &text))
}

/// Checks every lab's `files` and every lab file's markers, returning the
/// number of marked regions or all the problems found.
pub fn check_markers(root: &Path) -> Result<usize, ReleaseError> {
    let course = Course::load(root)?;
    let layout = Layout::of_course(&course);
    let mut errors = check_lab_files(&course);
    let mut regions = 0;
    for rel in source_files(root)? {
        if rel == Path::new(README) {
            let bytes = std::fs::read(root.join(&rel)).map_err(|source| ReleaseError::Io {
                path: root.join(&rel),
                source,
            })?;
            if let Some(Err(mut e)) = learners_page(&rel, &bytes) {
                errors.append(&mut e);
            }
            continue;
        }
        if Syntax::for_path(&rel).is_none() || !rel.starts_with("labs") {
            continue;
        }
        let path = root.join(&rel);
        let text = std::fs::read_to_string(&path).map_err(|source| ReleaseError::Io {
            path: path.clone(),
            source,
        })?;
        match scan_file(&rel, &text, &layout) {
            Some(Ok((found, _))) => regions += found.len(),
            Some(Err(mut e)) => errors.append(&mut e),
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(regions)
    } else {
        Err(ReleaseError::Markers(errors))
    }
}

/// Writes the learner workspace for the instructor repository at `root` into `dest`.
pub fn release(
    root: &Path,
    dest: &Path,
    options: &ReleaseOptions,
) -> Result<ReleaseSummary, ReleaseError> {
    if root.join(RELEASE_FILE).exists() {
        return Err(ReleaseError::AlreadyReleased(root.to_owned()));
    }
    if dest.exists() {
        let mut entries = std::fs::read_dir(dest).map_err(|source| ReleaseError::Io {
            path: dest.to_owned(),
            source,
        })?;
        if entries.next().is_some() {
            return Err(ReleaseError::NotEmpty(dest.to_owned()));
        }
    }
    let course = Course::load(root)?;
    let layout = Layout::of_course(&course);
    let files = source_files(root)?;
    // Check every lab's files and every marker before writing anything.
    let mut errors = check_lab_files(&course);
    let mut plans = Vec::with_capacity(files.len());
    for rel in files {
        let path = root.join(&rel);
        let bytes = std::fs::read(&path).map_err(|source| ReleaseError::Io {
            path: path.clone(),
            source,
        })?;
        let scanned = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| scan_file(&rel, text, &layout));
        let plan = match scanned {
            Some(Ok(plan)) => Some(plan),
            Some(Err(mut e)) => {
                errors.append(&mut e);
                None
            }
            None => None,
        };
        let bytes = match learners_page(&rel, &bytes) {
            Some(Ok(page)) => page.into_bytes(),
            Some(Err(mut e)) => {
                errors.append(&mut e);
                bytes
            }
            None => bytes,
        };
        plans.push((rel, bytes, plan));
    }
    if !errors.is_empty() {
        return Err(ReleaseError::Markers(errors));
    }
    let mut summary = ReleaseSummary::default();
    for (rel, bytes, plan) in plans {
        let out_path = dest.join(&rel);
        let out_bytes = match plan {
            Some((regions, syntax)) if !regions.is_empty() => {
                for r in &regions {
                    match r.kind {
                        markers::Kind::Solution => summary.solutions += 1,
                        markers::Kind::HiddenTests => summary.hidden += 1,
                    }
                }
                let text = String::from_utf8_lossy(&bytes);
                markers::starter(&text, &regions, syntax).into_bytes()
            }
            _ => bytes,
        };
        if layout.role_of(&rel) == Role::Tests {
            summary
                .tests
                .insert(slash_path(&rel), hex::encode(Sha256::digest(&out_bytes)));
        }
        if let Some(parent) = out_path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| ReleaseError::Io {
                path: parent.to_owned(),
                source,
            })?;
        }
        std::fs::write(&out_path, &out_bytes).map_err(|source| ReleaseError::Io {
            path: out_path.clone(),
            source,
        })?;
        copy_permissions(&root.join(&rel), &out_path);
        summary.files += 1;
    }
    let manifest = release_manifest(root, &summary);
    let manifest_path = dest.join(RELEASE_FILE);
    std::fs::write(&manifest_path, manifest).map_err(|source| ReleaseError::Io {
        path: manifest_path,
        source,
    })?;
    if options.git {
        git_init(dest)?;
    }
    Ok(summary)
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn copy_permissions(from: &Path, to: &Path) {
    if let Ok(meta) = std::fs::metadata(from) {
        let _ = std::fs::set_permissions(to, meta.permissions());
    }
}

fn release_manifest(root: &Path, summary: &ReleaseSummary) -> String {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    let mut text = String::from(
        "# Written by `ninety init`: this folder is a learner workspace.\n\
         # Do not edit. Graders compare the test files below with these checksums\n\
         # to tell whether the checks were changed.\n",
    );
    text.push_str(&format!("released_at = \"{}\"\n", now_rfc3339()));
    text.push_str(&format!("source_commit = \"{commit}\"\n\n[tests]\n"));
    for (path, sha) in &summary.tests {
        text.push_str(&format!("\"{path}\" = \"{sha}\"\n"));
    }
    text
}

fn git(dir: &Path, args: &[&str]) -> Result<(), ReleaseError> {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Ninety",
            "-c",
            "user.email=ninety@localhost",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|source| ReleaseError::GitNotRun {
            action: args.join(" "),
            dir: dir.to_owned(),
            source,
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(ReleaseError::Git {
            action: args.join(" "),
            dir: dir.to_owned(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
    }
}

fn git_init(dir: &Path) -> Result<(), ReleaseError> {
    git(dir, &["init", "-q"])?;
    git(dir, &["add", "-A"])?;
    git(
        dir,
        &[
            "commit",
            "-q",
            "-m",
            "Ninety learner workspace, as released",
        ],
    )?;
    git(dir, &["tag", STARTER_TAG])
}

/// Restores `files` (relative to the lab folder) of a lab to their released
/// starter, from the `starter` tag of a learner workspace at `root`. The
/// learner's current files are first copied into `backup` (committed or
/// not, nothing they wrote is lost); returns that folder.
pub fn reset_files(
    root: &Path,
    lab_dir: &Path,
    files: &[String],
    backup: &Path,
) -> Result<PathBuf, ReleaseError> {
    if !root.join(RELEASE_FILE).exists() {
        return Err(ReleaseError::Git {
            action: "reset".into(),
            dir: root.to_owned(),
            message: "this is the instructor repository (no ninety-release.toml); reset restores a learner workspace made with `ninety init`".into(),
        });
    }
    for file in files {
        let from = lab_dir.join(file);
        if from.is_file() {
            let to = backup.join(file);
            let io = |source| ReleaseError::Io {
                path: to.clone(),
                source,
            };
            std::fs::create_dir_all(to.parent().unwrap_or(backup)).map_err(io)?;
            std::fs::copy(&from, &to).map_err(io)?;
        }
    }
    let rel_dir = lab_dir.strip_prefix(root).unwrap_or(lab_dir);
    let paths: Vec<String> = files.iter().map(|f| slash_path(&rel_dir.join(f))).collect();
    let mut args = vec!["checkout", STARTER_TAG, "--"];
    args.extend(paths.iter().map(String::as_str));
    git(root, &args)?;
    Ok(backup.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    const LAB: &str = "name = \"frame\"\ntitle = \"Frame\"\nchapter = \"frame.md\"\ninstructions = \"README.md\"\nfiles = [\"src/lib.rs\", \"spec.toml\"]\n";

    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "course.toml",
            "title = \"t\"\n[[stage]]\nname = \"frame\"\ntitle = \"Frame\"\n",
        );
        write(dir.path(), "labs/frame/lab.toml", LAB);
        write(
            dir.path(),
            "labs/frame/src/given/helper.rs",
            "//! Given: nothing to write here.\npub fn help() {}\n",
        );
        write(
            dir.path(),
            "labs/frame/src/lib.rs",
            "pub fn f() -> u32 {\n    // BEGIN SOLUTION: return 42\n    42\n    // END SOLUTION\n}\n",
        );
        write(
            dir.path(),
            "labs/frame/tests/grade.rs",
            "visible\n// BEGIN HIDDEN TESTS\nhidden\n// END HIDDEN TESTS\n",
        );
        write(
            dir.path(),
            "labs/frame/spec.toml",
            "# BEGIN SOLUTION: fill me\nx = 1\n# END SOLUTION\n",
        );
        write(
            dir.path(),
            "README.md",
            "# Course\n<!-- BEGIN INSTRUCTORS -->\nrun init\n<!-- END INSTRUCTORS -->\n<!-- BEGIN LEARNERS\nyour workspace\nEND LEARNERS -->\n",
        );
        write(dir.path(), "target/debug/junk", "x");
        write(dir.path(), ".ci/run", "x");
        dir
    }

    #[test]
    fn releases_starters_without_hidden_tests_or_build_output() {
        let src = fixture();
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("learner");
        let summary = release(src.path(), &dest, &ReleaseOptions { git: false }).unwrap();
        assert_eq!((summary.solutions, summary.hidden), (2, 1));
        let lib = std::fs::read_to_string(dest.join("labs/frame/src/lib.rs")).unwrap();
        assert!(
            lib.contains("todo!(\"return 42\")") && !lib.contains("42\n"),
            "{lib}"
        );
        let tests = std::fs::read_to_string(dest.join("labs/frame/tests/grade.rs")).unwrap();
        assert_eq!(tests, "visible\n");
        assert_eq!(
            std::fs::read_to_string(dest.join("labs/frame/spec.toml")).unwrap(),
            "# TODO: fill me\n"
        );
        assert!(!dest.join("target").exists() && !dest.join(".ci").exists());
        assert_eq!(
            std::fs::read_to_string(dest.join("README.md")).unwrap(),
            "# Course\nyour workspace\n",
            "the front page has the learners' parts, not the instructors'"
        );
        let manifest = std::fs::read_to_string(dest.join(RELEASE_FILE)).unwrap();
        let sha = hex::encode(Sha256::digest(b"visible\n"));
        assert!(
            manifest.contains(&format!("\"labs/frame/tests/grade.rs\" = \"{sha}\"")),
            "{manifest}"
        );
        // A learner workspace cannot be released again.
        let again = release(&dest, &out.path().join("x"), &ReleaseOptions { git: false });
        assert!(matches!(again, Err(ReleaseError::AlreadyReleased(_))));
    }

    #[test]
    fn a_front_page_marker_out_of_place_stops_the_release_and_the_check() {
        let src = fixture();
        write(
            src.path(),
            "README.md",
            "# Course\n<!-- BEGIN INSTRUCTORS -->\n",
        );
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("learner");
        let err = release(src.path(), &dest, &ReleaseOptions { git: false }).unwrap_err();
        assert!(err.to_string().contains("README.md:2"), "{err}");
        assert!(!dest.exists(), "nothing is written");
        let err = check_markers(src.path()).unwrap_err();
        assert!(err.to_string().contains("README.md:2"), "{err}");
    }

    #[test]
    fn malformed_markers_stop_the_release_before_writing() {
        let src = fixture();
        write(
            src.path(),
            "labs/frame/src/other.rs",
            "// BEGIN SOLUTION: x\nfn g() {}\n",
        );
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("learner");
        let err = release(src.path(), &dest, &ReleaseOptions { git: false })
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("labs/frame/src/other.rs:1") && err.contains("never closed"),
            "{err}"
        );
        assert!(!dest.exists());
    }

    #[test]
    fn solution_markers_outside_the_listed_files_stop_release_and_check() {
        let src = fixture();
        let solution =
            "pub fn g() -> u32 {\n    // BEGIN SOLUTION: return 1\n    1\n    // END SOLUTION\n}\n";
        write(src.path(), "labs/frame/src/given/helper.rs", solution);
        write(src.path(), "labs/frame/src/extra.rs", solution);
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("learner");
        let err = release(src.path(), &dest, &ReleaseOptions { git: false })
            .unwrap_err()
            .to_string();
        let fix = "solution markers belong in the files lab.toml lists; given code under src/given/ holds none";
        for place in [
            "labs/frame/src/given/helper.rs:2: ",
            "labs/frame/src/extra.rs:2: ",
        ] {
            let line = err.lines().find(|l| l.contains(place));
            assert!(line.is_some_and(|l| l.contains(fix)), "{place}: {err}");
        }
        assert!(!dest.exists());
        let checked = check_markers(src.path()).unwrap_err().to_string();
        assert_eq!(checked, err);
        // Listed, the same file is fine.
        write(
            src.path(),
            "labs/frame/lab.toml",
            &LAB.replace("\"spec.toml\"", "\"spec.toml\", \"src/extra.rs\""),
        );
        write(
            src.path(),
            "labs/frame/src/given/helper.rs",
            "pub fn help() {}\n",
        );
        assert_eq!(check_markers(src.path()).unwrap(), 4);
    }

    #[test]
    fn lab_files_must_exist_and_not_be_given() {
        let src = fixture();
        write(
            src.path(),
            "labs/frame/lab.toml",
            &LAB.replace(
                "files = [\"src/lib.rs\", \"spec.toml\"]",
                "files = [\n    \"src/lib.rs\", \"spec.toml\",\n    \"src/missing.rs\",\n    \"src/given/helper.rs\",\n    \"../other/src/lib.rs\",\n]",
            ),
        );
        let err = check_markers(src.path()).unwrap_err().to_string();
        for (place, problem) in [
            (
                "labs/frame/lab.toml:7: ",
                "`src/missing.rs`, which does not exist",
            ),
            (
                "labs/frame/lab.toml:8: ",
                "`src/given/helper.rs`, which is given code",
            ),
            ("labs/frame/lab.toml:9: ", "outside the lab's folder"),
        ] {
            assert!(
                err.lines()
                    .any(|l| l.contains(place) && l.contains(problem)),
                "{place} {problem}: {err}"
            );
        }
        assert_eq!(err.lines().count(), 4, "{err}");
        let out = tempfile::tempdir().unwrap();
        let refused = release(
            src.path(),
            &out.path().join("learner"),
            &ReleaseOptions { git: false },
        );
        assert!(matches!(refused, Err(ReleaseError::Markers(e)) if e.len() == 3));
    }

    #[test]
    fn reset_restores_the_starter_and_keeps_a_copy_of_the_learners_work() {
        let src = fixture();
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("learner");
        release(src.path(), &dest, &ReleaseOptions { git: true }).unwrap();
        let lib = dest.join("labs/frame/src/lib.rs");
        let starter = std::fs::read_to_string(&lib).unwrap();
        std::fs::write(&lib, "pub fn f() -> u32 { 41 + 1 }\n").unwrap();
        let backup = out.path().join("backup");
        let files = vec!["src/lib.rs".to_owned(), "spec.toml".to_owned()];
        reset_files(&dest, &dest.join("labs/frame"), &files, &backup).unwrap();
        assert_eq!(std::fs::read_to_string(&lib).unwrap(), starter);
        assert_eq!(
            std::fs::read_to_string(backup.join("src/lib.rs")).unwrap(),
            "pub fn f() -> u32 { 41 + 1 }\n"
        );
        // In the instructor repository reset refuses: the solution lives there.
        let err =
            reset_files(src.path(), &src.path().join("labs/frame"), &files, &backup).unwrap_err();
        assert!(err.to_string().contains("instructor repository"), "{err}");
    }

    #[test]
    fn git_that_cannot_start_keeps_the_reason_as_its_cause() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone");
        let err = git(&gone, &["status"]).unwrap_err();
        assert!(matches!(err, ReleaseError::GitNotRun { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains("git status") && message.contains("gone"),
            "{message}"
        );
        let cause = std::error::Error::source(&err).expect("the spawn error is kept");
        assert!(cause.downcast_ref::<std::io::Error>().is_some());
    }

    #[test]
    fn refuses_a_non_empty_destination() {
        let src = fixture();
        let out = tempfile::tempdir().unwrap();
        write(out.path(), "precious.txt", "keep me");
        let err = release(src.path(), out.path(), &ReleaseOptions { git: false }).unwrap_err();
        assert!(matches!(err, ReleaseError::NotEmpty(_)));
        assert_eq!(
            std::fs::read_to_string(out.path().join("precious.txt")).unwrap(),
            "keep me"
        );
    }
}
