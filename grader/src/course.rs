//! The course manifest and the labs in it.
//!
//! `course.toml` at the workspace root lists every stage of the course in
//! order; a stage that has a lab has `labs/<name>/lab.toml`, the lab's
//! manifest (as rustlings' `info.toml` is for its exercises):
//!
//! ```toml
//! name = "frame"
//! title = "From a product goal to a learning problem"
//! chapter = "frame.md"          # the book chapter, in book/src/
//! instructions = "README.md"    # shown in the workbench, in the lab's folder
//! files = ["spec.toml", "src/lib.rs"]   # what the learner edits
//! ```
//!
//! `files` is also where solution markers may be: `ninety lab check` and
//! `ninety init` refuse a listed path that does not exist or lies under
//! `src/given/` (given code, read but never edited), and a solution marker
//! in any file not listed (see [`crate::markers`]).

use ninety_kit::Stage;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The course manifest's file name, which also marks the workspace root.
pub const COURSE_FILE: &str = "course.toml";

/// What can go wrong reading the course.
#[derive(Debug, thiserror::Error)]
pub enum CourseError {
    /// A manifest cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A manifest is not valid TOML of the expected shape.
    #[error("`{path}` is not a valid {what}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Which manifest it is.
        what: &'static str,
        /// The parser's error, which names the field and line.
        source: Box<toml::de::Error>,
    },
    /// A manifest's content contradicts the layout.
    #[error("`{path}`: {problem}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// No lab has that name.
    #[error("no lab named `{name}`; labs: {known}")]
    UnknownLab {
        /// The requested name.
        name: String,
        /// The labs there are.
        known: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseFile {
    title: String,
    #[serde(rename = "stage")]
    stages: Vec<StageFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StageFile {
    name: Stage,
    title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabFile {
    name: Stage,
    title: String,
    chapter: String,
    instructions: String,
    files: Vec<String>,
}

/// A lab: one crate under `labs/`, graded by its `tests/grade.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabInfo {
    /// Its stage (`frame`); the crate is `lab-<stage>`.
    pub stage: Stage,
    /// Its title.
    pub title: String,
    /// Its folder.
    pub dir: PathBuf,
    /// Its book chapter, relative to `book/src/`.
    pub chapter: String,
    /// Its instructions file, relative to its folder.
    pub instructions: String,
    /// The files the learner edits, relative to its folder.
    pub files: Vec<String>,
}

impl LabInfo {
    /// The cargo package name.
    pub fn package(&self) -> String {
        self.stage.package()
    }

    /// The instructions as text, or a note saying they are missing.
    pub fn instructions_text(&self) -> String {
        let path = self.dir.join(&self.instructions);
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            format!(
                "# {}\n\nThe instructions file `{}` cannot be read: {e}.",
                self.title,
                path.display()
            )
        })
    }
}

/// A stage of the course, with its lab once it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseStage {
    /// The stage.
    pub stage: Stage,
    /// Its title.
    pub title: String,
    /// Its lab, if written.
    pub lab: Option<LabInfo>,
}

/// The course: its stages in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    /// The workspace root.
    pub root: PathBuf,
    /// The course's title.
    pub title: String,
    /// Every stage, in order.
    pub stages: Vec<CourseStage>,
}

impl Course {
    /// Reads `course.toml` and every `labs/<stage>/lab.toml` under `root`.
    pub fn load(root: &Path) -> Result<Self, CourseError> {
        let path = root.join(COURSE_FILE);
        let file: CourseFile = read_toml(&path, "course manifest")?;
        let mut stages = Vec::with_capacity(file.stages.len());
        for stage in file.stages {
            let dir = root.join("labs").join(stage.name.as_str());
            let lab_path = dir.join("lab.toml");
            let lab = if lab_path.exists() {
                let lab: LabFile = read_toml(&lab_path, "lab manifest")?;
                if lab.name != stage.name {
                    return Err(CourseError::Invalid {
                        path: lab_path,
                        problem: format!(
                            "field `name` is `{}` but the lab sits in `labs/{}`; they must match",
                            lab.name, stage.name
                        ),
                    });
                }
                Some(LabInfo {
                    stage: lab.name,
                    title: lab.title,
                    dir,
                    chapter: lab.chapter,
                    instructions: lab.instructions,
                    files: lab.files,
                })
            } else {
                None
            };
            stages.push(CourseStage {
                stage: stage.name,
                title: stage.title,
                lab,
            });
        }
        Ok(Self {
            root: root.to_owned(),
            title: file.title,
            stages,
        })
    }

    /// The labs there are, in course order.
    pub fn labs(&self) -> impl Iterator<Item = &LabInfo> {
        self.stages.iter().filter_map(|s| s.lab.as_ref())
    }

    /// The lab of `stage`, if it is written.
    pub fn lab(&self, stage: Stage) -> Option<&LabInfo> {
        self.labs().find(|l| l.stage == stage)
    }

    /// The lab named `name` (as a person types it on the command line).
    pub fn lab_named(&self, name: &str) -> Result<&LabInfo, CourseError> {
        name.parse::<Stage>()
            .ok()
            .and_then(|stage| self.lab(stage))
            .ok_or_else(|| CourseError::UnknownLab {
                name: name.to_owned(),
                known: self
                    .labs()
                    .map(|l| l.stage.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The course's entry for `stage`.
    pub fn stage(&self, stage: Stage) -> Option<&CourseStage> {
        self.stages.iter().find(|s| s.stage == stage)
    }
}

fn read_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &'static str,
) -> Result<T, CourseError> {
    let text = std::fs::read_to_string(path).map_err(|source| CourseError::Io {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| CourseError::Parse {
        path: path.to_owned(),
        what,
        source: Box::new(e),
    })
}

/// The workspace root at or above `start`: the first folder with a `course.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(COURSE_FILE).is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    const COURSE: &str = "title = \"T\"\n[[stage]]\nname = \"frame\"\ntitle = \"Frame\"\n[[stage]]\nname = \"gather\"\ntitle = \"Gather\"\n";
    const LAB: &str = "name = \"frame\"\ntitle = \"F\"\nchapter = \"frame.md\"\ninstructions = \"README.md\"\nfiles = [\"src/lib.rs\"]\n";

    #[test]
    fn loads_stages_and_labs_in_order() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "course.toml", COURSE);
        write(dir.path(), "labs/frame/lab.toml", LAB);
        let course = Course::load(dir.path()).unwrap();
        assert_eq!(course.stages.len(), 2);
        assert!(course.stages[1].lab.is_none());
        let lab = course.lab_named("frame").unwrap();
        assert_eq!(lab.package(), "lab-frame");
        let err = course.lab_named("gather").unwrap_err().to_string();
        assert_eq!(err, "no lab named `gather`; labs: frame");
        assert_eq!(
            find_root(&dir.path().join("labs/frame")).unwrap(),
            dir.path()
        );
    }

    #[test]
    fn a_bad_lab_manifest_names_file_and_field() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "course.toml", COURSE);
        write(
            dir.path(),
            "labs/frame/lab.toml",
            &LAB.replace("chapter", "chaptr"),
        );
        let err = Course::load(dir.path()).unwrap_err();
        // The error names the file; its cause, the parser's error, names the field.
        assert!(err.to_string().contains("lab.toml"), "{err}");
        let err = ninety_kit::error::chain(&err);
        assert!(err.contains("lab.toml") && err.contains("chaptr"), "{err}");
    }

    #[test]
    fn a_lab_in_the_wrong_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "course.toml", COURSE);
        write(
            dir.path(),
            "labs/frame/lab.toml",
            &LAB.replace("name = \"frame\"", "name = \"gather\""),
        );
        let err = Course::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("must match"), "{err}");
    }
}
