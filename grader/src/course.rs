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
//!
//! # Manual grading: what no check can judge
//! [[rubric]]
//! id = "spec.reasoning"         # letters, digits, `.`, `_`, `-`; unique in the lab
//! title = "The numbers come with their reasons"
//! points = 3                    # a whole number, 1 or more; scored from 0 to 3, 2.5 allowed
//! guidance = "What full, partial and no marks look like, for the grader."
//!
//! [[rubric]]
//! id = "spec.definitions_written"
//! title = "Each label definition is at least 15 words"
//! points = 1
//! guidance = "Scored by the grader; change it by hand only to correct it."
//! auto = { file = "spec.toml", fields = ["labels.spam", "labels.ham"], words = 15 }
//! ```
//!
//! A `[[rubric]]` criterion is scored by a person (`ninety cohort rubric`);
//! one with `auto` is scored when the cohort is graded, all its points or
//! none, from the submitted file `file` (relative to the lab's folder):
//!
//! - `auto = { file = "F" }`: the file is there and not blank;
//! - `auto = { file = "F", words = N }`: it holds at least N words;
//! - `auto = { file = "F.toml", fields = ["a.b", ...], words = N }`: each
//!   dotted field is a string of at least N words;
//! - `auto = { file = "F.jsonl", records = N, key = "k", values = [...] }`:
//!   at least N lines are JSON objects whose `k` is one of `values` (any
//!   string without `values`; any object without `key`).
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
    #[serde(default)]
    rubric: Vec<CriterionFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionFile {
    id: toml::Spanned<String>,
    title: toml::Spanned<String>,
    points: toml::Spanned<i64>,
    guidance: toml::Spanned<String>,
    #[serde(default)]
    auto: Option<toml::Spanned<AutoFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AutoFile {
    file: String,
    #[serde(default)]
    words: Option<i64>,
    #[serde(default)]
    fields: Option<Vec<String>>,
    #[serde(default)]
    records: Option<i64>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    values: Option<Vec<String>>,
}

/// A criterion of a lab's rubric: something a person judges (or, with
/// [`AutoCheck`], a property of a submitted file the grader checks).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Criterion {
    /// Its id, unique in the lab (`spec.reasoning`).
    pub id: String,
    /// What it asks, in a line.
    pub title: String,
    /// The most it is worth.
    pub points: u32,
    /// What full, partial and no marks look like, for the grader.
    pub guidance: String,
    /// How the grader scores it, when it is automatic.
    pub auto: Option<AutoCheck>,
}

/// A property of one submitted file, checked by the grader.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AutoCheck {
    /// The file, relative to the lab's folder.
    pub file: String,
    /// What must hold of it.
    pub rule: AutoRule,
}

/// What an [`AutoCheck`] requires of its file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoRule {
    /// It is there and not blank.
    Present,
    /// It holds at least this many words.
    Words(usize),
    /// Each dotted field of the TOML file is a string of at least `words` words.
    Fields {
        /// The dotted fields (`labels.spam`).
        fields: Vec<String>,
        /// The fewest words each must have.
        words: usize,
    },
    /// At least `min` lines are JSON objects whose `key` (if given) is a
    /// string, one of `values` (if any).
    Records {
        /// The fewest such lines.
        min: usize,
        /// The key that must be there.
        key: Option<String>,
        /// The values it may have (any string when empty).
        values: Vec<String>,
    },
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

    /// The lab's rubric (`[[rubric]]` in its `lab.toml`): the criteria a
    /// person scores, or the grader from a submitted file, in order.
    pub fn rubric(&self) -> Result<Vec<Criterion>, CourseError> {
        let path = self.dir.join("lab.toml");
        let (lab, text): (LabFile, String) = read_toml_text(&path, "lab manifest")?;
        rubric_of(&path, &text, lab.rubric)
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
                let (lab, text): (LabFile, String) = read_toml_text(&lab_path, "lab manifest")?;
                if lab.name != stage.name {
                    return Err(CourseError::Invalid {
                        path: lab_path,
                        problem: format!(
                            "field `name` is `{}` but the lab sits in `labs/{}`; they must match",
                            lab.name, stage.name
                        ),
                    });
                }
                rubric_of(&lab_path, &text, lab.rubric)?;
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
    read_toml_text(path, what).map(|(value, _)| value)
}

fn read_toml_text<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &'static str,
) -> Result<(T, String), CourseError> {
    let text = std::fs::read_to_string(path).map_err(|source| CourseError::Io {
        path: path.to_owned(),
        source,
    })?;
    let value = toml::from_str(&text).map_err(|e| CourseError::Parse {
        path: path.to_owned(),
        what,
        source: Box::new(e),
    })?;
    Ok((value, text))
}

/// Whether `id` may name a criterion: letters, digits, `.`, `_`, `-`.
fn is_criterion_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Checks the `[[rubric]]` criteria of the lab manifest at `path` (whose
/// text is `text`); an error names the file, the line and the field.
fn rubric_of(
    path: &Path,
    text: &str,
    criteria: Vec<CriterionFile>,
) -> Result<Vec<Criterion>, CourseError> {
    let line = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
    let mut out: Vec<Criterion> = Vec::with_capacity(criteria.len());
    for (n, c) in criteria.into_iter().enumerate() {
        let invalid = |at: usize, field: &str, problem: String| CourseError::Invalid {
            path: path.to_owned(),
            problem: format!("line {}, field `rubric[{n}].{field}`: {problem}", line(at)),
        };
        let id = c.id.get_ref().trim().to_owned();
        if !is_criterion_id(&id) {
            return Err(invalid(
                c.id.span().start,
                "id",
                format!(
                    "`{}` is not a criterion id; use letters, digits, `.`, `_` and `-`, such as `spec.reasoning`",
                    c.id.get_ref()
                ),
            ));
        }
        if out.iter().any(|o| o.id == id) {
            return Err(invalid(
                c.id.span().start,
                "id",
                format!("criterion `{id}` is listed twice; give each criterion its own id"),
            ));
        }
        for (field, value) in [("title", &c.title), ("guidance", &c.guidance)] {
            if value.get_ref().trim().is_empty() {
                return Err(invalid(
                    value.span().start,
                    field,
                    format!(
                        "criterion `{id}` has a blank {field}; say what the grader is to judge"
                    ),
                ));
            }
        }
        let points = match u32::try_from(*c.points.get_ref()) {
            Ok(p) if p >= 1 => p,
            _ => {
                return Err(invalid(
                    c.points.span().start,
                    "points",
                    format!(
                        "criterion `{id}` is worth {}; write a whole number of points, 1 or more",
                        c.points.get_ref()
                    ),
                ));
            }
        };
        let auto = match c.auto {
            None => None,
            Some(auto) => {
                let at = auto.span().start;
                let a = auto.into_inner();
                let problem = |p: String| invalid(at, "auto", format!("criterion `{id}`: {p}"));
                let file = Path::new(&a.file);
                if a.file.trim().is_empty()
                    || file.is_absolute()
                    || file
                        .components()
                        .any(|c| !matches!(c, std::path::Component::Normal(_)))
                {
                    return Err(problem(format!(
                        "`file = {:?}` is not a path inside the lab's folder; write one relative to it, such as \"spec.toml\"",
                        a.file
                    )));
                }
                let count = |n: Option<i64>, what: &str| -> Result<Option<usize>, CourseError> {
                    match n {
                        None => Ok(None),
                        Some(n) if n >= 1 => Ok(Some(n as usize)),
                        Some(n) => Err(problem(format!(
                            "`{what} = {n}`: write a whole number, 1 or more"
                        ))),
                    }
                };
                let words = count(a.words, "words")?;
                let records = count(a.records, "records")?;
                let has_key = a.key.is_some() || a.values.is_some();
                let rule = match (words, a.fields, records) {
                    (None, None, None) => {
                        if has_key {
                            return Err(problem(
                                "`key` and `values` go with `records`; add `records = N`".into(),
                            ));
                        }
                        AutoRule::Present
                    }
                    (Some(words), None, None) => AutoRule::Words(words),
                    (Some(words), Some(fields), None) => {
                        if fields.is_empty()
                            || fields
                                .iter()
                                .any(|f| f.split('.').any(|part| part.trim().is_empty()))
                        {
                            return Err(problem(
                                "`fields` must list dotted TOML fields, such as [\"labels.spam\"]"
                                    .into(),
                            ));
                        }
                        AutoRule::Fields { fields, words }
                    }
                    (None, Some(_), None) => {
                        return Err(problem(
                            "`fields` needs `words`, the fewest words each field must have".into(),
                        ));
                    }
                    (None, None, Some(min)) => {
                        if a.values.is_some() && a.key.is_none() {
                            return Err(problem(
                                "`values` needs `key`, the field whose value they are".into(),
                            ));
                        }
                        AutoRule::Records {
                            min,
                            key: a.key,
                            values: a.values.unwrap_or_default(),
                        }
                    }
                    _ => {
                        return Err(problem(
                            "give one rule: `words` (with `fields` or not) or `records`, not both"
                                .into(),
                        ));
                    }
                };
                if matches!(
                    rule,
                    AutoRule::Present | AutoRule::Words(_) | AutoRule::Fields { .. }
                ) && has_key
                {
                    return Err(problem(
                        "`key` and `values` go with `records`, not `words`".into(),
                    ));
                }
                Some(AutoCheck { file: a.file, rule })
            }
        };
        out.push(Criterion {
            id,
            title: c.title.into_inner().trim().to_owned(),
            points,
            guidance: c.guidance.into_inner().trim().to_owned(),
            auto,
        });
    }
    Ok(out)
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

    const RUBRIC: &str = "\n[[rubric]]\nid = \"spec.reasoning\"\ntitle = \"Reasons\"\npoints = 3\nguidance = \"Each number has its reason.\"\n\n[[rubric]]\nid = \"labels.fifty\"\ntitle = \"Fifty labels\"\npoints = 1\nguidance = \"Scored by the grader.\"\nauto = { file = \"labels.jsonl\", records = 50, key = \"label\", values = [\"spam\", \"ham\"] }\n";

    #[test]
    fn a_rubric_is_read_with_its_auto_checks() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "course.toml", COURSE);
        write(dir.path(), "labs/frame/lab.toml", &format!("{LAB}{RUBRIC}"));
        let course = Course::load(dir.path()).unwrap();
        let rubric = course.lab_named("frame").unwrap().rubric().unwrap();
        assert_eq!(rubric.len(), 2);
        assert_eq!(
            (rubric[0].id.as_str(), rubric[0].points, &rubric[0].auto),
            ("spec.reasoning", 3, &None)
        );
        assert_eq!(
            rubric[1].auto,
            Some(AutoCheck {
                file: "labels.jsonl".into(),
                rule: AutoRule::Records {
                    min: 50,
                    key: Some("label".into()),
                    values: vec!["spam".into(), "ham".into()],
                },
            })
        );
        write(dir.path(), "labs/frame/lab.toml", LAB);
        assert!(
            course
                .lab_named("frame")
                .unwrap()
                .rubric()
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_bad_rubric_names_file_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "course.toml", COURSE);
        let refused = |from: &str, to: &str| {
            let text = format!("{LAB}{RUBRIC}").replacen(from, to, 1);
            assert_ne!(text, format!("{LAB}{RUBRIC}"), "{from}");
            write(dir.path(), "labs/frame/lab.toml", &text);
            ninety_kit::error::chain(&Course::load(dir.path()).unwrap_err())
        };
        let err = refused("points = 3", "points = 0");
        assert!(
            err.contains("labs/frame/lab.toml")
                && err.contains("line 10, field `rubric[0].points`: criterion `spec.reasoning` is worth 0; write a whole number of points, 1 or more"),
            "{err}"
        );
        let err = refused("id = \"labels.fifty\"", "id = \"spec.reasoning\"");
        assert!(
            err.contains(
                "line 14, field `rubric[1].id`: criterion `spec.reasoning` is listed twice"
            ),
            "{err}"
        );
        let err = refused("id = \"spec.reasoning\"", "id = \"spec reasoning\"");
        assert!(
            err.contains("field `rubric[0].id`: `spec reasoning` is not a criterion id"),
            "{err}"
        );
        let err = refused(
            "guidance = \"Each number has its reason.\"",
            "guidance = \" \"",
        );
        assert!(
            err.contains(
                "field `rubric[0].guidance`: criterion `spec.reasoning` has a blank guidance"
            ),
            "{err}"
        );
        let err = refused("records = 50, ", "words = 5, ");
        assert!(err.contains("line 18, field `rubric[1].auto`: criterion `labels.fifty`: `key` and `values` go with `records`"), "{err}");
        let err = refused("file = \"labels.jsonl\"", "file = \"../secret\"");
        assert!(
            err.contains("is not a path inside the lab's folder"),
            "{err}"
        );
        let err = refused("points = 3", "points = 2.5");
        assert!(err.contains("lab.toml") && err.contains("points"), "{err}");
        let err = refused("guidance = \"Scored", "gidance = \"Scored");
        assert!(err.contains("lab.toml") && err.contains("gidance"), "{err}");
    }
}
