//! The released tests' checksums, and which test files a learner changed.
//!
//! A release writes `ninety-release.toml` with the SHA-256 of every visible
//! test file (see [`crate::release`]); the cohort keeps its own copy, since
//! the learner's can be edited too. Grading never runs the learner's tests
//! (only the files each `lab.toml` lists are taken), so an edited test earns
//! nothing; it is still reported, as tampering.

use super::{CohortError, slash_path};
use crate::course::Course;
use crate::markers::{self, Layout, Role, Syntax};
use crate::release::{self, RELEASE_FILE};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The checksums of a release's visible test files.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct ReleaseManifest {
    /// When it was released.
    #[serde(default)]
    pub released_at: Option<String>,
    /// The instructor repository's commit it was released from.
    #[serde(default)]
    pub source_commit: Option<String>,
    /// Each visible test file (relative to the workspace root, `/`
    /// between parts) and its SHA-256.
    #[serde(default)]
    pub tests: BTreeMap<String, String>,
}

/// How a test file differs from the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Its content changed: tampering.
    Edited,
    /// It was deleted: tampering.
    Missing,
    /// A test file the release did not have: reported, never run.
    Added,
}

impl Change {
    /// The word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Edited => "edited",
            Change::Missing => "missing",
            Change::Added => "added",
        }
    }

    /// Whether the change alters the released checks (an added file does not).
    pub fn is_tampering(self) -> bool {
        !matches!(self, Change::Added)
    }
}

/// A test file that differs from the release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestChange {
    /// The file, relative to the workspace root.
    pub path: String,
    /// How it differs.
    pub change: Change,
}

impl ReleaseManifest {
    /// Reads a release manifest (`ninety-release.toml`, or a cohort's copy).
    pub fn load(path: &Path) -> Result<Self, CohortError> {
        let text = std::fs::read_to_string(path).map_err(CohortError::io(path))?;
        toml::from_str(&text).map_err(|e| CohortError::Invalid {
            path: path.to_owned(),
            line: e.span().map_or(1, |s| super::line_of(&text, s.start)),
            field: None,
            problem: format!(
                "{}; this file is written by the release and never edited: release again to rewrite it",
                e.message().trim()
            ),
        })
    }

    /// The manifest a release of the instructor repository at `root` would
    /// write: the checksum of each test file as released (hidden checks
    /// removed).
    pub fn of_course(root: &Path) -> Result<Self, CohortError> {
        let course = Course::load(root)?;
        let layout = Layout::of_course(&course);
        let mut tests = BTreeMap::new();
        for rel in release::source_files(root)? {
            if layout.role_of(&rel) != Role::Tests {
                continue;
            }
            let path = root.join(&rel);
            let bytes = std::fs::read(&path).map_err(CohortError::io(&path))?;
            let released = released_bytes(&rel, bytes, Role::Tests);
            tests.insert(slash_path(&rel), hex::encode(Sha256::digest(&released)));
        }
        Ok(Self {
            released_at: None,
            source_commit: None,
            tests,
        })
    }

    /// The labs' folders the manifest has tests for (`labs/frame`).
    fn lab_dirs(&self) -> Vec<String> {
        let mut dirs: Vec<String> = self
            .tests
            .keys()
            .filter_map(|p| p.split_once("/tests/").map(|(dir, _)| dir.to_owned()))
            .collect();
        dirs.dedup();
        dirs
    }
}

/// A file of the instructor repository as a release writes it: solution
/// regions turned into starters and hidden checks removed (for a file whose
/// markers are well formed; the bytes as they are otherwise).
pub(crate) fn released_bytes(rel: &Path, bytes: Vec<u8>, role: Role) -> Vec<u8> {
    let Some(syntax) = Syntax::for_path(rel) else {
        return bytes;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return bytes;
    };
    match markers::scan(rel, text, role, syntax) {
        Ok(regions) if !regions.is_empty() => markers::starter(text, &regions, syntax).into_bytes(),
        _ => bytes,
    }
}

/// The test files of the workspace (or submission) at `root` that differ
/// from `manifest`: for every lab, or only the labs whose folders
/// (`labs/frame`) are in `only`. Sorted by path.
pub fn verify(root: &Path, manifest: &ReleaseManifest, only: Option<&[String]>) -> Vec<TestChange> {
    let wanted = |dir: &str| only.is_none_or(|o| o.iter().any(|d| d == dir));
    let mut changes = Vec::new();
    for (path, sha) in &manifest.tests {
        let Some((dir, _)) = path.split_once("/tests/") else {
            continue;
        };
        if !wanted(dir) {
            continue;
        }
        let change = match std::fs::read(root.join(path)) {
            Ok(bytes) if hex::encode(Sha256::digest(&bytes)) == *sha => continue,
            Ok(_) => Change::Edited,
            Err(_) => Change::Missing,
        };
        changes.push(TestChange {
            path: path.clone(),
            change,
        });
    }
    for dir in manifest.lab_dirs() {
        if !wanted(&dir) {
            continue;
        }
        let tests = root.join(&dir).join("tests");
        for entry in walkdir::WalkDir::new(&tests)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            let Ok(rel) = entry.path().strip_prefix(root) else {
                continue;
            };
            let rel = slash_path(rel);
            if !manifest.tests.contains_key(&rel) {
                changes.push(TestChange {
                    path: rel,
                    change: Change::Added,
                });
            }
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    changes
}

/// Verifies the workspace at `root` against its own `ninety-release.toml`,
/// or against `manifest` when given (a cohort's copy, which the learner
/// cannot edit).
pub fn verify_workspace(
    root: &Path,
    manifest: Option<&Path>,
) -> Result<Vec<TestChange>, CohortError> {
    let path = manifest.map_or_else(|| root.join(RELEASE_FILE), Path::to_owned);
    if !path.is_file() {
        return Err(CohortError::Unmet(format!(
            "`{}` does not exist: verify a learner workspace (made by `ninety init` or `ninety cohort release`), or name the release's manifest with --manifest",
            path.display()
        )));
    }
    let manifest = ReleaseManifest::load(&path)?;
    Ok(verify(root, &manifest, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn sha(text: &str) -> String {
        hex::encode(Sha256::digest(text.as_bytes()))
    }

    #[test]
    fn edited_missing_and_added_test_files_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let manifest = ReleaseManifest {
            tests: [
                ("labs/frame/tests/grade.rs".to_owned(), sha("checks\n")),
                ("labs/frame/tests/fixtures/a.txt".to_owned(), sha("a\n")),
                ("labs/gather/tests/grade.rs".to_owned(), sha("g\n")),
            ]
            .into(),
            ..Default::default()
        };
        write(root, "labs/frame/tests/grade.rs", "checks\n");
        write(root, "labs/frame/tests/fixtures/a.txt", "a\n");
        write(root, "labs/gather/tests/grade.rs", "g\n");
        assert_eq!(verify(root, &manifest, None), []);
        std::fs::remove_file(root.join("labs/frame/tests/fixtures/a.txt")).unwrap();

        write(root, "labs/frame/tests/grade.rs", "checks that pass\n");
        std::fs::remove_file(root.join("labs/gather/tests/grade.rs")).unwrap();
        write(root, "labs/frame/tests/mine.rs", "my own\n");
        let changes = verify(root, &manifest, None);
        let found: Vec<(&str, Change)> = changes
            .iter()
            .map(|c| (c.path.as_str(), c.change))
            .collect();
        assert_eq!(
            found,
            [
                ("labs/frame/tests/fixtures/a.txt", Change::Missing),
                ("labs/frame/tests/grade.rs", Change::Edited),
                ("labs/frame/tests/mine.rs", Change::Added),
                ("labs/gather/tests/grade.rs", Change::Missing),
            ]
        );
        let frame_only = verify(root, &manifest, Some(&["labs/gather".to_owned()]));
        assert_eq!(frame_only.len(), 1);
        assert!(!Change::Added.is_tampering() && Change::Edited.is_tampering());
    }

    #[test]
    fn a_workspace_without_a_manifest_says_what_to_verify() {
        let dir = tempfile::tempdir().unwrap();
        let err = verify_workspace(dir.path(), None).unwrap_err().to_string();
        assert!(
            err.contains("ninety-release.toml") && err.contains("--manifest"),
            "{err}"
        );
    }

    #[test]
    fn the_manifest_of_a_course_matches_what_a_release_writes() {
        let src = tempfile::tempdir().unwrap();
        write(
            src.path(),
            "course.toml",
            "title = \"t\"\n[[stage]]\nname = \"frame\"\ntitle = \"Frame\"\n",
        );
        write(
            src.path(),
            "labs/frame/lab.toml",
            "name = \"frame\"\ntitle = \"F\"\nchapter = \"frame.md\"\ninstructions = \"README.md\"\nfiles = [\"src/lib.rs\"]\n",
        );
        write(
            src.path(),
            "labs/frame/src/lib.rs",
            "pub fn f() -> u32 {\n    // BEGIN SOLUTION: return 42\n    42\n    // END SOLUTION\n}\n",
        );
        write(
            src.path(),
            "labs/frame/tests/grade.rs",
            "visible\n// BEGIN HIDDEN TESTS\nhidden\n// END HIDDEN TESTS\n",
        );
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("ws");
        crate::release::release(
            src.path(),
            &dest,
            &crate::release::ReleaseOptions { git: false },
        )
        .unwrap();
        let released = ReleaseManifest::load(&dest.join(RELEASE_FILE)).unwrap();
        let computed = ReleaseManifest::of_course(src.path()).unwrap();
        assert_eq!(computed.tests, released.tests);
        assert_eq!(verify_workspace(&dest, None).unwrap(), []);
    }
}
