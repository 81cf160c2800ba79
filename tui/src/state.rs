//! Saved progress: the workbench's one small state file.
//!
//! It lives at `<data dir>/state.json`, is written atomically after every
//! grade, and is read at start. A missing file is a first start; a corrupt
//! one is moved aside (nothing is deleted), reported in plain words, and the
//! workbench starts fresh rather than refusing to open.

use ninety_grader::GradeReport;
use ninety_kit::Stage;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const NOTE: &str =
    "Written by the ninety workbench. Do not edit: delete it to forget your progress.";
const VERSION: u32 = 1;

/// Where a learner stands on one lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Progress {
    /// Never graded.
    #[default]
    NotStarted,
    /// Graded; some checks fail.
    Failing {
        /// Points earned at the last grade.
        points: u32,
        /// Points possible.
        max_points: u32,
    },
    /// Graded; every check passes.
    Passed {
        /// Points earned at the last grade.
        points: u32,
        /// Points possible.
        max_points: u32,
    },
}

impl Progress {
    /// The progress a grade report shows.
    pub fn from_report(report: &GradeReport) -> Self {
        if report.all_passed() && !report.checks.is_empty() {
            Progress::Passed {
                points: report.points,
                max_points: report.max_points,
            }
        } else {
            Progress::Failing {
                points: report.points,
                max_points: report.max_points,
            }
        }
    }

    /// A short word for the course map.
    pub fn label(&self) -> &'static str {
        match self {
            Progress::NotStarted => "not started",
            Progress::Failing { .. } => "failing",
            Progress::Passed { .. } => "passed",
        }
    }

    /// `points/max`, when graded.
    pub fn points(&self) -> Option<(u32, u32)> {
        match *self {
            Progress::NotStarted => None,
            Progress::Failing { points, max_points } | Progress::Passed { points, max_points } => {
                Some((points, max_points))
            }
        }
    }
}

/// The saved state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    #[serde(rename = "_note", default)]
    note: String,
    /// The file format's version.
    pub version: u32,
    /// Progress per lab.
    #[serde(default)]
    pub labs: BTreeMap<Stage, Progress>,
    /// The lab open when the workbench last closed.
    #[serde(default)]
    pub last_lab: Option<Stage>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            note: NOTE.into(),
            version: VERSION,
            labs: BTreeMap::new(),
            last_lab: None,
        }
    }
}

/// How loading went, when it did not simply work.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadNote {
    /// No state file yet: a first start.
    FirstStart,
    /// The file was unreadable; it was moved to `kept_as` and a fresh state begun.
    Corrupt {
        /// What was wrong.
        problem: String,
        /// Where the old file now is.
        kept_as: Option<PathBuf>,
    },
}

impl State {
    /// Loads the state file at `path`. Never fails: a missing or corrupt
    /// file gives a fresh state and a note saying what happened.
    pub fn load(path: &Path) -> (State, Option<LoadNote>) {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (State::default(), Some(LoadNote::FirstStart));
            }
            Err(e) => {
                return (
                    State::default(),
                    Some(LoadNote::Corrupt {
                        problem: format!("cannot read `{}`: {e}", path.display()),
                        kept_as: None,
                    }),
                );
            }
        };
        let problem = match serde_json::from_slice::<State>(&bytes) {
            Ok(state) if state.version == VERSION => return (state, None),
            Ok(state) => format!(
                "`{}` has format version {}, this workbench reads version {VERSION}",
                path.display(),
                state.version
            ),
            Err(e) => format!("`{}` is not valid: {e}", path.display()),
        };
        let aside = path.with_extension(format!("json.corrupt-{}", std::process::id()));
        let kept_as = std::fs::rename(path, &aside).ok().map(|_| aside);
        (
            State::default(),
            Some(LoadNote::Corrupt { problem, kept_as }),
        )
    }

    /// Saves atomically (temp file and rename).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        ninety_kit::artifact::write_atomic(path, &json).map_err(std::io::Error::other)
    }
}

impl LoadNote {
    /// The message to show the learner.
    pub fn message(&self) -> Option<String> {
        match self {
            LoadNote::FirstStart => None,
            LoadNote::Corrupt { problem, kept_as } => Some(match kept_as {
                Some(p) => format!(
                    "Saved progress could not be read ({problem}). Starting fresh; the old file is kept at {}.",
                    p.display()
                ),
                None => format!("Saved progress could not be read ({problem}). Starting fresh."),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/state.json");
        let mut state = State::default();
        state.labs.insert(
            Stage::Frame,
            Progress::Failing {
                points: 3,
                max_points: 28,
            },
        );
        state.last_lab = Some(Stage::Frame);
        state.save(&path).unwrap();
        let (loaded, note) = State::load(&path);
        assert_eq!(note, None);
        assert_eq!(loaded, state);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("Do not edit"), "{text}");
    }

    #[test]
    fn a_missing_file_is_a_first_start() {
        let dir = tempfile::tempdir().unwrap();
        let (state, note) = State::load(&dir.path().join("state.json"));
        assert_eq!(state, State::default());
        assert_eq!(note, Some(LoadNote::FirstStart));
        assert_eq!(note.unwrap().message(), None);
    }

    #[test]
    fn a_corrupt_file_is_kept_aside_and_explained() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, b"{\"version\": 1, \"labs\": {\"frame\": 12").unwrap();
        let (state, note) = State::load(&path);
        assert_eq!(state, State::default());
        let Some(LoadNote::Corrupt {
            kept_as: Some(kept),
            ..
        }) = &note
        else {
            panic!("expected a corrupt note, got {note:?}")
        };
        assert_eq!(
            std::fs::read(kept).unwrap(),
            b"{\"version\": 1, \"labs\": {\"frame\": 12"
        );
        let message = note.unwrap().message().unwrap();
        assert!(
            message.contains("state.json") && message.contains("Starting fresh"),
            "{message}"
        );
        assert!(!path.exists());
    }

    #[test]
    fn a_future_version_is_not_misread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, br#"{"version": 99, "labs": {}}"#).unwrap();
        let (state, note) = State::load(&path);
        assert_eq!(state, State::default());
        assert!(note.unwrap().message().unwrap().contains("version 99"));
    }

    #[test]
    fn progress_follows_the_report() {
        use ninety_grader::CheckResult;
        let check = |passed| CheckResult {
            id: "a".into(),
            points: if passed { 2 } else { 0 },
            max_points: 2,
            passed,
            hints: Vec::new(),
            message: None,
            timed_out: false,
            millis: 0,
        };
        let failing = GradeReport::new("x", vec![check(true), check(false)], false);
        assert_eq!(
            Progress::from_report(&failing),
            Progress::Failing {
                points: 2,
                max_points: 4
            }
        );
        let passing = GradeReport::new("x", vec![check(true)], false);
        assert_eq!(
            Progress::from_report(&passing),
            Progress::Passed {
                points: 2,
                max_points: 2
            }
        );
    }
}
