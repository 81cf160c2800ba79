//! Manual grading: each lab's rubric (from its `lab.toml`), the grader's
//! auto-checks of submitted files, and the CSV an instructor scores it in.
//!
//! `ninety cohort rubric export` writes one row per learner, lab and
//! criterion (`learner,lab,criterion,max,points,comment`), automatic
//! criteria already scored; the instructor fills in `points` and `comment`
//! and `ninety cohort rubric import` reads it back. The import checks every
//! row before writing any: an unknown learner, lab or criterion, points
//! that are not a number, negative or over the maximum, a row given twice,
//! each is reported with its line and column, and nothing is written. A
//! blank `points` leaves the criterion as it is; `max` is there for the
//! reader (the rubric in `lab.toml` decides). Importing the same file twice
//! changes nothing the second time.

use super::collect::FILES_DIR;
use super::gradebook::{Gradebook, NewScore, ScoreProblem};
use super::{Cohort, CohortError, fmt_points};
use crate::course::{AutoCheck, AutoRule, Criterion};
use ninety_kit::Stage;
use std::collections::BTreeMap;
use std::path::Path;

/// The CSV's columns, in order.
pub const COLUMNS: [&str; 6] = ["learner", "lab", "criterion", "max", "points", "comment"];

/// Who a CSV import's scores are recorded as given by.
pub const IMPORTED_BY: &str = "csv import";

/// What an auto-check found in one submission.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoResult {
    /// Whether the property holds.
    pub passed: bool,
    /// What was found, for the comment.
    pub found: String,
}

/// Checks `check` on the submitted lab folder `lab_dir`.
pub fn judge(check: &AutoCheck, lab_dir: &Path) -> AutoResult {
    let path = lab_dir.join(&check.file);
    let fail = |found: String| AutoResult {
        passed: false,
        found,
    };
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => return fail(format!("`{}` was not submitted", check.file)),
    };
    let words = |t: &str| t.split_whitespace().count();
    match &check.rule {
        AutoRule::Present => {
            let passed = !text.trim().is_empty();
            AutoResult {
                passed,
                found: if passed {
                    format!("`{}` is there", check.file)
                } else {
                    format!("`{}` is blank", check.file)
                },
            }
        }
        AutoRule::Words(min) => {
            let n = words(&text);
            AutoResult {
                passed: n >= *min,
                found: format!("`{}` has {n} words (at least {min} wanted)", check.file),
            }
        }
        AutoRule::Fields { fields, words: min } => {
            let value: toml::Table = match toml::from_str(&text) {
                Ok(v) => v,
                Err(e) => {
                    return fail(format!(
                        "`{}` is not valid TOML: {}",
                        check.file,
                        e.message().trim()
                    ));
                }
            };
            let mut found = Vec::new();
            let mut passed = true;
            for field in fields {
                let mut at: Option<&toml::Value> = None;
                for (i, part) in field.split('.').enumerate() {
                    at = if i == 0 {
                        value.get(part)
                    } else {
                        at.and_then(|v| v.get(part))
                    };
                }
                match at.and_then(|v| v.as_str()) {
                    Some(s) => {
                        let n = words(s);
                        passed &= n >= *min;
                        found.push(format!("`{field}` {n} words"));
                    }
                    None => {
                        passed = false;
                        found.push(format!("`{field}` missing"));
                    }
                }
            }
            AutoResult {
                passed,
                found: format!("{} (at least {min} each wanted)", found.join(", ")),
            }
        }
        AutoRule::Records { min, key, values } => {
            let n =
                text.lines()
                    .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                    .filter(|v| match key {
                        None => v.is_object(),
                        Some(k) => v.get(k).and_then(|x| x.as_str()).is_some_and(|x| {
                            values.is_empty() || values.iter().any(|want| want == x)
                        }),
                    })
                    .count();
            AutoResult {
                passed: n >= *min,
                found: format!("`{}` has {n} records (at least {min} wanted)", check.file),
            }
        }
    }
}

/// Brings the gradebook up to date with the course: the roster, each lab's
/// rubric, and the auto-checks of every collected submission (a score a
/// person gave is kept). `labs` limits it (none: every lab).
pub fn sync(cohort: &Cohort, book: &mut Gradebook, labs: &[Stage]) -> Result<(), CohortError> {
    book.put_learners(&cohort.roster.learners)?;
    let course = cohort.course()?;
    for lab in &cohort.config.labs {
        if !labs.is_empty() && !labs.contains(&lab.name) {
            continue;
        }
        let info = course.lab_named(lab.name.as_str())?;
        let criteria = info.rubric()?;
        book.put_rubric(lab.name.as_str(), &criteria)?;
        let rel = info.dir.strip_prefix(&course.root).unwrap_or(&info.dir);
        let mut scores = Vec::new();
        for learner in &cohort.roster.learners {
            let files = cohort
                .submission_dir(&learner.id, lab.name.as_str())
                .join(FILES_DIR)
                .join(rel);
            if !files.is_dir() {
                continue;
            }
            scores.extend(auto_scores(&criteria, &files, &learner.id, lab.name));
        }
        book.put_auto_scores(&scores)?;
    }
    Ok(())
}

/// The grader's scores of the automatic criteria of `criteria` for one
/// learner's submitted lab folder `lab_dir`.
pub fn auto_scores(
    criteria: &[Criterion],
    lab_dir: &Path,
    learner: &str,
    lab: Stage,
) -> Vec<NewScore> {
    criteria
        .iter()
        .filter_map(|c| {
            let check = c.auto.as_ref()?;
            let result = judge(check, lab_dir);
            Some(NewScore {
                learner: learner.to_owned(),
                lab: lab.as_str().to_owned(),
                criterion: c.id.clone(),
                points: if result.passed {
                    f64::from(c.points)
                } else {
                    0.0
                },
                comment: format!("auto-check: {}", result.found),
            })
        })
        .collect()
}

/// Writes the rubric template: a row per learner, lab and criterion, in
/// roster, lab and criterion order, with the scores already given.
pub fn export(
    cohort: &Cohort,
    book: &Gradebook,
    labs: &[Stage],
    to: impl std::io::Write,
) -> Result<usize, CohortError> {
    let csv_err = |e: csv::Error| CohortError::Unmet(format!("writing the CSV: {e}"));
    let mut w = csv::Writer::from_writer(to);
    w.write_record(COLUMNS).map_err(csv_err)?;
    let mut rows = 0;
    for learner in &cohort.roster.learners {
        for lab in &cohort.config.labs {
            if !labs.is_empty() && !labs.contains(&lab.name) {
                continue;
            }
            for c in book.rubric(&learner.id, lab.name.as_str())? {
                let points = c.points.map(fmt_points).unwrap_or_default();
                w.write_record([
                    learner.id.as_str(),
                    lab.name.as_str(),
                    &c.criterion,
                    &c.max_points.to_string(),
                    &points,
                    &c.comment,
                ])
                .map_err(csv_err)?;
                rows += 1;
            }
        }
    }
    w.flush()
        .map_err(|e| CohortError::Unmet(format!("writing the CSV: {e}")))?;
    Ok(rows)
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Imported {
    /// Rows read.
    pub rows: usize,
    /// Scores written (new or changed).
    pub changed: usize,
    /// Rows with the score the gradebook already held.
    pub unchanged: usize,
    /// Rows left blank (not scored).
    pub blank: usize,
}

/// One cell the import cannot use: its place and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    /// The 1-based line.
    pub line: u64,
    /// The 1-based column.
    pub column: usize,
    /// The column's name.
    pub field: String,
    /// What is wrong and what was expected.
    pub problem: String,
}

impl std::fmt::Display for CellProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)?;
        if !self.field.is_empty() {
            write!(f, " (`{}`)", self.field)?;
        }
        write!(f, ": {}", self.problem)
    }
}

/// The most problems an import lists.
const MAX_PROBLEMS: usize = 20;

/// Reads the scores in the CSV at `path` into the gradebook: every row is
/// checked first, and one bad row writes nothing (the error lists each
/// bad cell with its line and column).
pub fn import(cohort: &Cohort, book: &mut Gradebook, path: &Path) -> Result<Imported, CohortError> {
    let bytes = std::fs::read(path).map_err(CohortError::io(path))?;
    import_bytes(cohort, book, path, &bytes)
}

/// [`import`] of the CSV text `bytes`, which `path` names in errors.
pub fn import_bytes(
    cohort: &Cohort,
    book: &mut Gradebook,
    path: &Path,
    bytes: &[u8],
) -> Result<Imported, CohortError> {
    let rejected = |problems: Vec<CellProblem>| CohortError::Rejected {
        path: path.to_owned(),
        problems: problems.iter().map(ToString::to_string).collect(),
    };
    // A spreadsheet may start its CSV with a byte order mark.
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| rejected(vec![csv_problem(&e, "the header")]))?
        .clone();
    let mut at: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for name in ["learner", "lab", "criterion", "points", "comment"] {
        match header.iter().position(|h| h.eq_ignore_ascii_case(name)) {
            Some(i) => {
                at.insert(name, i);
            }
            None => problems.push(CellProblem {
                line: 1,
                column: header.len() + 1,
                field: name.into(),
                problem: format!(
                    "no `{name}` column; the header must name {} (as `ninety cohort rubric export` writes it)",
                    COLUMNS.join(",")
                ),
            }),
        }
    }
    if !problems.is_empty() {
        return Err(rejected(problems));
    }
    let labs: Vec<Stage> = cohort.config.labs.iter().map(|l| l.name).collect();
    // The gradebook must know each lab's rubric and every learner.
    sync(cohort, book, &[])?;
    let mut scores: Vec<NewScore> = Vec::new();
    let mut seen: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    let mut out = Imported::default();
    for record in reader.records() {
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(csv_problem(&e, "this row"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        out.rows += 1;
        let cell = |name: &str| record.get(at[name]).unwrap_or("");
        let problem = |name: &str, problem: String| CellProblem {
            line,
            column: at[name] + 1,
            field: name.to_owned(),
            problem,
        };
        let (learner, lab, criterion) = (cell("learner"), cell("lab"), cell("criterion"));
        if cohort.roster.learner(learner).is_none() {
            problems.push(problem(
                "learner",
                format!(
                    "unknown learner `{learner}`; expected an id of the roster `{}`",
                    cohort.config.roster.display()
                ),
            ));
            continue;
        }
        if !labs.iter().any(|l| l.as_str() == lab) {
            problems.push(problem(
                "lab",
                format!(
                    "unknown lab `{lab}`; expected one of the cohort's: {}",
                    labs.iter()
                        .map(|l| l.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            continue;
        }
        let points_text = cell("points");
        let points = if points_text.is_empty() {
            None
        } else {
            match points_text.parse::<f64>() {
                Ok(p) if p.is_finite() => Some(p),
                _ => {
                    problems.push(problem(
                        "points",
                        format!("`{points_text}` is not a number; expected points such as 2 or 1.5, or nothing to leave it unscored"),
                    ));
                    continue;
                }
            }
        };
        match book.check_score(learner, lab, criterion, points.unwrap_or(0.0))? {
            Ok(_) => {}
            Err(p) => {
                let field = match p {
                    ScoreProblem::Learner(_) => "learner",
                    ScoreProblem::Lab(_) => "lab",
                    ScoreProblem::Criterion(_) => "criterion",
                    ScoreProblem::Points(_) => "points",
                };
                problems.push(problem(field, p.message().to_owned()));
                continue;
            }
        }
        let key = (learner.to_owned(), lab.to_owned(), criterion.to_owned());
        if let Some(first) = seen.insert(key, line) {
            problems.push(problem(
                "criterion",
                format!(
                    "`{criterion}` of lab `{lab}` for `{learner}` is already on line {first}; give each score once"
                ),
            ));
            continue;
        }
        let Some(points) = points else {
            out.blank += 1;
            continue;
        };
        scores.push(NewScore {
            learner: learner.to_owned(),
            lab: lab.to_owned(),
            criterion: criterion.to_owned(),
            points,
            comment: cell("comment").to_owned(),
        });
    }
    if !problems.is_empty() {
        problems.truncate(MAX_PROBLEMS);
        return Err(rejected(problems));
    }
    out.changed = book.set_rubric_scores(&scores, IMPORTED_BY)?;
    out.unchanged = scores.len() - out.changed;
    Ok(out)
}

fn csv_problem(e: &csv::Error, what: &str) -> CellProblem {
    let line = e.position().map_or(1, |p| p.line());
    CellProblem {
        line,
        column: 1,
        field: String::new(),
        problem: format!("{what} cannot be read as CSV: {e}"),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub(crate) const LAB: &str = r#"name = "frame"
title = "F"
chapter = "frame.md"
instructions = "README.md"
files = ["spec.toml", "src/a.rs"]

[[rubric]]
id = "spec.written"
title = "The definitions are written out"
points = 1
guidance = "Scored by the grader."
auto = { file = "spec.toml", fields = ["labels.spam"], words = 4 }

[[rubric]]
id = "spec.reasoning"
title = "The numbers come with their reasons"
points = 3
guidance = "Full marks: each number has its reason."
"#;

    /// A cohort of ada, bob and cy doing the frame lab (due 2026-01-10), of
    /// a course that is never built: the rubric needs none.
    pub(crate) fn fixture(root: &Path) -> Cohort {
        write(
            root,
            "course/course.toml",
            "title = \"t\"\n[[stage]]\nname = \"frame\"\ntitle = \"Frame\"\n",
        );
        write(root, "course/labs/frame/lab.toml", LAB);
        write(
            root,
            "course/labs/frame/spec.toml",
            "[labels]\n# BEGIN SOLUTION: define spam\nspam = \"bulk mail nobody asked for\"\n# END SOLUTION\n",
        );
        write(
            root,
            "course/labs/frame/src/a.rs",
            "pub fn a() -> u32 {\n    // BEGIN SOLUTION: return one\n    1\n    // END SOLUTION\n}\n",
        );
        write(
            root,
            "cohort/cohort.toml",
            "name = \"t\"\ncourse = \"../course\"\n[[lab]]\nname = \"frame\"\ndue = \"2026-01-10T00:00:00Z\"\n",
        );
        write(
            root,
            "cohort/roster.csv",
            "id,name,email,repository\nada,Ada,,\nbob,Bob,,\ncy,Cy,,\n",
        );
        Cohort::open(&root.join("cohort")).unwrap()
    }

    /// A collected submission of the frame lab whose spam definition is `spam`.
    fn submit(cohort: &Cohort, learner: &str, spam: &str) {
        let dir = cohort.submission_dir(learner, "frame");
        write(
            &dir,
            "files/labs/frame/spec.toml",
            &format!("[labels]\nspam = {spam:?}\n"),
        );
    }

    #[test]
    fn auto_checks_judge_files_fields_words_and_records() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(
            dir,
            "spec.toml",
            "[labels]\nspam = \"one two three\"\nham = 3\n",
        );
        write(dir, "notes.md", "  \n");
        write(
            dir,
            "labels.jsonl",
            "{\"label\": \"spam\"}\n{\"label\": \"undo\"}\nnot json\n{\"label\": \"ham\"}\n",
        );
        let check = |file: &str, rule: AutoRule| {
            judge(
                &AutoCheck {
                    file: file.into(),
                    rule,
                },
                dir,
            )
        };
        assert!(!check("notes.md", AutoRule::Present).passed);
        assert!(!check("gone.md", AutoRule::Present).passed);
        assert!(check("spec.toml", AutoRule::Present).passed);
        assert!(check("spec.toml", AutoRule::Words(5)).passed);
        let fields = |words| AutoRule::Fields {
            fields: vec!["labels.spam".into()],
            words,
        };
        assert!(check("spec.toml", fields(3)).passed);
        let short = check("spec.toml", fields(4));
        assert!(!short.passed);
        assert_eq!(
            short.found,
            "`labels.spam` 3 words (at least 4 each wanted)"
        );
        let not_text = AutoRule::Fields {
            fields: vec!["labels.ham".into()],
            words: 1,
        };
        assert!(!check("spec.toml", not_text).passed);
        let records = |min, values: &[&str]| AutoRule::Records {
            min,
            key: Some("label".into()),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        assert!(check("labels.jsonl", records(3, &[])).passed);
        assert!(!check("labels.jsonl", records(3, &["spam", "ham", "unsure"])).passed);
        assert!(check("labels.jsonl", records(2, &["spam", "ham", "unsure"])).passed);
    }

    #[test]
    fn export_fills_auto_criteria_and_import_is_checked_then_idempotent() {
        let tmp = tempfile::tempdir().unwrap();
        let cohort = fixture(tmp.path());
        submit(&cohort, "ada", "bulk mail nobody ever asked for");
        submit(&cohort, "bob", "ads");
        let mut book = Gradebook::open(&cohort.gradebook_path()).unwrap();
        sync(&cohort, &mut book, &[]).unwrap();
        let mut csv = Vec::new();
        let rows = export(&cohort, &book, &[], &mut csv).unwrap();
        assert_eq!(rows, 6);
        let csv = String::from_utf8(csv).unwrap();
        assert_eq!(
            csv,
            "learner,lab,criterion,max,points,comment\n\
             ada,frame,spec.written,1,1,auto-check: `labels.spam` 6 words (at least 4 each wanted)\n\
             ada,frame,spec.reasoning,3,,\n\
             bob,frame,spec.written,1,0,auto-check: `labels.spam` 1 words (at least 4 each wanted)\n\
             bob,frame,spec.reasoning,3,,\n\
             cy,frame,spec.written,1,,\n\
             cy,frame,spec.reasoning,3,,\n"
        );

        // One bad cell of each kind: every one is named, nothing is written.
        let bad = "learner,lab,criterion,max,points,comment\n\
                   ada,frame,spec.reasoning,3,2.5,good costs\n\
                   zed,frame,spec.reasoning,3,1,\n\
                   bob,frame,spec.reasons,3,1,\n\
                   bob,frame,spec.reasoning,3,4,\n\
                   cy,frame,spec.reasoning,3,-1,\n\
                   cy,frame,spec.written,1,lots,\n\
                   cy,gather,spec.written,1,1,\n";
        let path = Path::new("scores.csv");
        let err = import_bytes(&cohort, &mut book, path, bad.as_bytes())
            .unwrap_err()
            .to_string();
        for want in [
            "`scores.csv`: nothing was imported, 6 problems to fix first:",
            "line 3, column 1 (`learner`): unknown learner `zed`",
            "line 4, column 3 (`criterion`): unknown criterion `spec.reasons` for lab `frame`; expected one of: spec.written, spec.reasoning",
            "line 5, column 5 (`points`): 4 points is over the maximum of 3; expected 0 to 3",
            "line 6, column 5 (`points`): -1 points is negative",
            "line 7, column 5 (`points`): `lots` is not a number",
            "line 8, column 2 (`lab`): unknown lab `gather`; expected one of the cohort's: frame",
        ] {
            assert!(err.contains(want), "{want}\nnot in:\n{err}");
        }
        assert_eq!(book.rubric("ada", "frame").unwrap()[1].points, None);

        // A good sheet: the instructor overrides bob's auto-check, leaves cy blank.
        let good = "learner,lab,criterion,max,points,comment\n\
                    ada,frame,spec.reasoning,3,2.5,good costs\n\
                    ada,frame,spec.written,1,1,auto-check: `labels.spam` 6 words (at least 4 each wanted)\n\
                    bob,frame,spec.written,1,0.5,one word but a fair one\n\
                    bob,frame,spec.reasoning,3,0,\n\
                    cy,frame,spec.reasoning,3,,\n";
        let first = import_bytes(&cohort, &mut book, path, good.as_bytes()).unwrap();
        assert_eq!(
            first,
            Imported {
                rows: 5,
                changed: 3,
                unchanged: 1,
                blank: 1
            }
        );
        let again = import_bytes(&cohort, &mut book, path, good.as_bytes()).unwrap();
        assert_eq!((again.changed, again.unchanged), (0, 4));
        let ada = book.rubric("ada", "frame").unwrap();
        assert_eq!(
            ada[0].scored_by.as_deref(),
            Some("auto"),
            "an equal score is left as it was"
        );
        assert_eq!(
            (ada[1].points, ada[1].comment.as_str()),
            (Some(2.5), "good costs")
        );
        assert_eq!(ada[1].scored_by.as_deref(), Some(IMPORTED_BY));
        // The grader's next auto-check does not undo the instructor's score.
        sync(&cohort, &mut book, &[]).unwrap();
        let bob = book.rubric("bob", "frame").unwrap();
        assert_eq!(bob[0].points, Some(0.5));
        assert!(bob[0].automatic);
    }

    #[test]
    fn a_sheet_without_the_columns_or_not_csv_is_refused_by_place() {
        let tmp = tempfile::tempdir().unwrap();
        let cohort = fixture(tmp.path());
        let mut book = Gradebook::open(&cohort.gradebook_path()).unwrap();
        let path = Path::new("s.csv");
        let err = import_bytes(
            &cohort,
            &mut book,
            path,
            b"learner,lab,points\nada,frame,1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("line 1, column 4 (`criterion`): no `criterion` column"),
            "{err}"
        );
        let err = import_bytes(
            &cohort,
            &mut book,
            path,
            b"learner,lab,criterion,points,comment\nada,frame,spec.reasoning,1,\xff\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("`s.csv`: nothing was imported") && err.contains("line 2"),
            "{err}"
        );
        let err = import_bytes(
            &cohort,
            &mut book,
            path,
            b"learner,lab,criterion,points,comment\nada,frame,spec.reasoning,1,a\nada,frame,spec.reasoning,2,b\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 3, column 3 (`criterion`): `spec.reasoning` of lab `frame` for `ada` is already on line 2"), "{err}");
        // A spreadsheet's byte order mark is not part of the first column's name.
        let done = import_bytes(
            &cohort,
            &mut book,
            path,
            "\u{feff}learner,lab,criterion,points,comment\nada,frame,spec.reasoning,1,a\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(done.changed, 1);
    }

    #[test]
    fn the_course_rubrics_read_and_the_frame_solution_passes_its_auto_check() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let course = crate::course::Course::load(&root).unwrap();
        let mut with_rubric = Vec::new();
        for lab in course.labs() {
            let rubric = lab.rubric().unwrap();
            if !rubric.is_empty() {
                with_rubric.push(lab.stage.as_str());
            }
        }
        assert_eq!(with_rubric, ["frame", "label", "evaluate", "deploy"]);
        let frame = course.lab_named("frame").unwrap();
        let auto = frame.rubric().unwrap()[0].auto.clone().unwrap();
        let found = judge(&auto, &frame.dir);
        assert!(found.passed, "{found:?}");
    }
}
