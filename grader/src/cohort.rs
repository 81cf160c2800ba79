//! Cohorts: an instructor's bootcamp, from roster to gradebook.
//!
//! A cohort is a folder (made by `ninety cohort new`):
//!
//! ```text
//! cohort.toml        the instructor repository, the labs and their due dates, the late policy
//! roster.csv         id, name, email, repository: one learner a line
//! release.toml       the released tests' checksums (written by `release`)
//! template/          the learner workspace as released, with its CI workflows
//! workspaces/<id>/   one workspace per learner (a git clone of the template)
//! repos/<id>.git     mirrors of the learners' git repositories (`collect`)
//! submissions/<id>/<lab>/submission.toml and files/   what `collect` took
//! grading/           grading trees and their shared build (`grade`)
//! gradebook.sqlite   the gradebook (with the learners' CI reports, `ci-reports import`)
//! feedback/<id>.md   what each learner is told
//! solutions/<lab>/   a lab's solution files, once published (also in each workspace)
//! ```
//!
//! - [`config`]: `cohort.toml` and `roster.csv`, and the late policy.
//! - [`release`]: the learner workspaces and their CI workflows ([`ci`]).
//! - [`ci_reports`]: the reports of those workflows, imported beside the grades.
//! - [`collect`]: submissions from git, folders and archives, with their time.
//! - [`tamper`]: the released tests' checksums, and what changed.
//! - [`runner`]: grading trees, one shared build, limits on time and memory.
//! - [`grade`]: grading every submission, N at a time.
//! - [`gradebook`]: the SQLite gradebook, its CSV export and the cohort's status.
//! - [`feedback`]: a markdown report per learner.
//! - [`rubric`]: manual grading: each lab's rubric, its auto-checks, and
//!   the CSV an instructor scores it in.
//! - [`solutions`]: publishing a lab's solutions after its due date.

pub mod ci;
pub mod ci_reports;
pub mod collect;
pub mod config;
#[cfg(test)]
mod end_to_end;
pub mod feedback;
mod git;
pub mod grade;
pub mod gradebook;
pub mod release;
pub mod rubric;
pub mod runner;
pub mod solutions;
pub mod tamper;

use crate::course::{Course, CourseError};
use crate::release::ReleaseError;
use config::{CohortConfig, Roster};
pub use gradebook::{Gradebook, RubricScore};
use std::path::{Path, PathBuf};

/// The cohort's manifest.
pub const COHORT_FILE: &str = "cohort.toml";
/// The roster's file name in the cohort folder.
pub const ROSTER_FILE: &str = "roster.csv";
/// The released tests' checksums, kept in the cohort folder.
pub const RELEASE_COPY: &str = "release.toml";
/// The gradebook's file name.
pub const GRADEBOOK_FILE: &str = "gradebook.sqlite";

/// What can go wrong with a cohort.
#[derive(Debug, thiserror::Error)]
pub enum CohortError {
    /// The folder is not a cohort.
    #[error(
        "`{0}` is not a cohort folder: it has no {COHORT_FILE}; make one with `ninety cohort new DIR --roster roster.csv`"
    )]
    NotACohort(PathBuf),
    /// A file cannot be read or written.
    #[error("cannot access `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file of the cohort is wrong at a place it names.
    #[error("`{path}` line {line}{}: {problem}", field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// The field, when one is to blame.
        field: Option<String>,
        /// What is wrong and what to write instead.
        problem: String,
    },
    /// The instructor repository's course cannot be read.
    #[error("reading the course the cohort is graded with")]
    Course(#[from] CourseError),
    /// Releasing the learner workspace failed.
    #[error("releasing the learner workspace")]
    Release(#[from] ReleaseError),
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
    /// The gradebook cannot be read or written.
    #[error("gradebook `{path}`: {source}")]
    Gradebook {
        /// The gradebook file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// A file was refused as a whole: every problem found, each with its place.
    #[error(
        "`{path}`: nothing was imported, {} problem{} to fix first:\n{}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
    )]
    Rejected {
        /// The file.
        path: PathBuf,
        /// Each problem, with its line and column.
        problems: Vec<String>,
    },
    /// Something the cohort needs is not there yet, or a request cannot be met.
    #[error("{0}")]
    Unmet(String),
}

impl CohortError {
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CohortError + '_ {
        move |source| CohortError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// An open cohort: its folder, manifest and roster.
#[derive(Debug, Clone)]
pub struct Cohort {
    /// The cohort folder.
    pub dir: PathBuf,
    /// `cohort.toml`.
    pub config: CohortConfig,
    /// `roster.csv`.
    pub roster: Roster,
}

impl Cohort {
    /// Opens the cohort in `dir`, checking its manifest and roster.
    pub fn open(dir: &Path) -> Result<Self, CohortError> {
        // Kept absolute: git and cargo run in other folders (a workspace,
        // a grading tree) and are handed paths inside the cohort.
        let dir = &std::path::absolute(dir).map_err(|source| CohortError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let manifest = dir.join(COHORT_FILE);
        if !manifest.is_file() {
            return Err(CohortError::NotACohort(dir.to_owned()));
        }
        let config = CohortConfig::load(&manifest)?;
        let roster = Roster::load(&dir.join(&config.roster))?;
        Ok(Self {
            dir: dir.to_owned(),
            config,
            roster,
        })
    }

    /// The instructor repository the cohort is graded with.
    pub fn course_root(&self) -> PathBuf {
        self.dir.join(&self.config.course)
    }

    /// The instructor repository's course, with every lab of the cohort in it.
    pub fn course(&self) -> Result<Course, CohortError> {
        let course = Course::load(&self.course_root())?;
        for lab in &self.config.labs {
            course.lab_named(lab.name.as_str())?;
        }
        Ok(course)
    }

    /// Where the released tests' checksums are kept.
    pub fn release_manifest(&self) -> PathBuf {
        self.dir.join(RELEASE_COPY)
    }

    /// The released template workspace.
    pub fn template_dir(&self) -> PathBuf {
        self.dir.join("template")
    }

    /// The workspace released to `learner`.
    pub fn workspace_dir(&self, learner: &str) -> PathBuf {
        self.dir.join("workspaces").join(learner)
    }

    /// The mirror of `learner`'s git repository.
    pub fn mirror_dir(&self, learner: &str) -> PathBuf {
        self.dir.join("repos").join(format!("{learner}.git"))
    }

    /// The submission of `learner` for `lab`.
    pub fn submission_dir(&self, learner: &str, lab: &str) -> PathBuf {
        self.dir.join("submissions").join(learner).join(lab)
    }

    /// Where grading trees and their build live.
    pub fn grading_dir(&self) -> PathBuf {
        self.dir.join("grading")
    }

    /// The gradebook file.
    pub fn gradebook_path(&self) -> PathBuf {
        self.dir.join(GRADEBOOK_FILE)
    }

    /// The folder of the feedback files.
    pub fn feedback_dir(&self) -> PathBuf {
        self.dir.join("feedback")
    }
}

/// A path with `/` between its parts, as manifests write it.
pub(crate) fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// A number of points as a person writes it: at most two decimals, no
/// trailing zeros (`22.4`, `30`, `0.25`).
pub fn fmt_points(x: f64) -> String {
    let s = format!("{:.2}", (x * 100.0).round() / 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_written_without_trailing_zeros() {
        assert_eq!(fmt_points(22.4), "22.4");
        assert_eq!(fmt_points(30.0), "30");
        assert_eq!(fmt_points(0.0), "0");
        assert_eq!(fmt_points(9.6000001), "9.6");
        assert_eq!(fmt_points(1.0 / 3.0), "0.33");
    }

    #[test]
    fn a_folder_without_a_manifest_is_not_a_cohort() {
        let dir = tempfile::tempdir().unwrap();
        let err = Cohort::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("ninety cohort new"), "{err}");
    }
}
