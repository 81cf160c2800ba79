//! `ninety cohort ci-reports import`: the reports the learners' own CI runs
//! wrote, read into the gradebook beside the grades of record.
//!
//! The released workflow (see [`super::ci`]) grades the visible checks on
//! every push and keeps `grades/<lab>.json` as an artifact. An instructor
//! downloads those artifacts into one folder per learner id and imports
//! them: each `<lab>.json` (directly in the learner's folder or under its
//! `grades/`) is checked against the roster, the cohort's labs and the
//! lab's visible checks, and only when every file passes is anything
//! written. A CI report comes from a machine the learner controls and runs
//! the visible checks only, so it is never a grade: it lives in a table of
//! its own and is compared with the grades of record in the cohort's status.

use super::grade::{chosen_labs, tests_text};
use super::gradebook::{CiReport, Gradebook};
use super::{Cohort, CohortError};
use crate::report::GradeReport;
use ninety_kit::Stage;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What the instructor's release knows of one lab's checks.
struct Known {
    /// The released test text (hidden checks taken out).
    released: String,
    /// The whole test text, hidden checks included.
    all: String,
    /// The checks as grading recorded them, id to hidden (empty before grading).
    graded: BTreeMap<String, bool>,
}

impl Known {
    /// Why check `id` cannot be in a CI report, if it cannot.
    fn problem(&self, id: &str, lab: Stage) -> Option<String> {
        let quoted = format!("\"{id}\"");
        let hidden = match self.graded.get(id) {
            Some(&hidden) => hidden,
            None => !self.released.contains(&quoted) && self.all.contains(&quoted),
        };
        if hidden {
            return Some(format!(
                "check `{id}` is a hidden check of lab `{lab}`; the released CI runs the visible checks only, so this report was not made by it"
            ));
        }
        let known = if self.graded.is_empty() {
            self.released.contains(&quoted)
        } else {
            self.graded.contains_key(id)
        };
        (!known).then(|| format!("`{id}` is not a visible check of lab `{lab}` as released"))
    }
}

/// The report files in `dir`: learner, lab, file, for every learner folder
/// and every `<lab>.json` in it or in its `grades/`. Problems found are
/// added to `problems`.
fn report_files(
    cohort: &Cohort,
    dir: &Path,
    labs: &[Stage],
    problems: &mut Vec<String>,
) -> Result<Vec<(String, Stage, PathBuf)>, CohortError> {
    let cohort_labs: Vec<Stage> = cohort.config.labs.iter().map(|l| l.name).collect();
    let mut found = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(CohortError::io(dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for folder in entries {
        let id = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if id.starts_with('.') {
            continue;
        }
        if cohort.roster.learner(&id).is_none() {
            problems.push(format!(
                "`{}`: no learner `{id}` on the roster; each folder is named by a learner's id",
                folder.display()
            ));
            continue;
        }
        let mut seen: BTreeMap<Stage, PathBuf> = BTreeMap::new();
        for sub in [folder.clone(), folder.join("grades")] {
            let Ok(read) = std::fs::read_dir(&sub) else {
                continue;
            };
            let mut files: Vec<PathBuf> = read
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            for file in files {
                let stem = file
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let Some(lab) = stem
                    .parse::<Stage>()
                    .ok()
                    .filter(|l| cohort_labs.contains(l))
                else {
                    problems.push(format!(
                        "`{}`: `{stem}` is not a lab of the cohort (its labs: {})",
                        file.display(),
                        cohort_labs
                            .iter()
                            .map(|l| l.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    continue;
                };
                if !labs.contains(&lab) {
                    continue;
                }
                if let Some(first) = seen.get(&lab) {
                    problems.push(format!(
                        "`{}`: a second report of lab `{lab}` for `{id}` (the first is `{}`); keep one",
                        file.display(),
                        first.display()
                    ));
                    continue;
                }
                seen.insert(lab, file.clone());
                found.push((id.clone(), lab, file));
            }
        }
    }
    Ok(found)
}

/// Reads and checks every report in `dir` (labs `labs`, all the cohort's
/// when empty) and, when all of them pass, records them in the gradebook,
/// each replacing the learner's earlier report of the lab. Returns them, by
/// learner and lab. When any fails nothing is written and the error lists
/// every problem with its file.
pub fn import(cohort: &Cohort, dir: &Path, labs: &[Stage]) -> Result<Vec<CiReport>, CohortError> {
    if !dir.is_dir() {
        return Err(CohortError::Unmet(format!(
            "`{}` is not a folder; download the learners' CI artifacts into DIR/<learner id>/",
            dir.display()
        )));
    }
    let labs = chosen_labs(cohort, labs)?;
    let course = cohort.course()?;
    let root = cohort.course_root();
    let book_path = cohort.gradebook_path();
    let existing = if book_path.is_file() {
        Some(Gradebook::open(&book_path)?)
    } else {
        None
    };
    let mut known: BTreeMap<Stage, Known> = BTreeMap::new();
    for &lab in &labs {
        let info = course.lab_named(lab.as_str())?;
        let graded = match &existing {
            Some(book) => book.lab_checks(lab.as_str())?.into_iter().collect(),
            None => BTreeMap::new(),
        };
        known.insert(
            lab,
            Known {
                released: tests_text(&root, info, true)?,
                all: tests_text(&root, info, false)?,
                graded,
            },
        );
    }
    drop(existing);

    let mut problems = Vec::new();
    let files = report_files(cohort, dir, &labs, &mut problems)?;
    let imported_at = ninety_kit::artifact::now_rfc3339();
    let mut reports = Vec::new();
    for (learner, lab, file) in files {
        let place = file.display();
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                problems.push(format!("`{place}`: cannot be read: {e}"));
                continue;
            }
        };
        let report: GradeReport = match serde_json::from_slice(&bytes) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!(
                    "`{place}`: not a grade report ({e}); expected the JSON a lab's checks write, with lab, points, max_points, partial, finished_at and checks"
                ));
                continue;
            }
        };
        let before = problems.len();
        if report.lab != lab.as_str() {
            problems.push(format!(
                "`{place}`: the report is of lab `{}`, not `{lab}` as its name says",
                report.lab
            ));
        }
        let lab_known = &known[&lab];
        let mut ids = BTreeSet::new();
        for c in &report.checks {
            if let Some(p) = lab_known.problem(&c.id, lab) {
                problems.push(format!("`{place}`: {p}"));
            }
            if !ids.insert(c.id.as_str()) {
                problems.push(format!("`{place}`: check `{}` appears twice", c.id));
            }
            if c.points > c.max_points {
                problems.push(format!(
                    "`{place}`: check `{}` has {} points, over its {}",
                    c.id, c.points, c.max_points
                ));
            }
        }
        if report.points > report.max_points {
            problems.push(format!(
                "`{place}`: {} points, over the maximum {}",
                report.points, report.max_points
            ));
        }
        let (sum, max_sum) = report.checks.iter().fold((0u64, 0u64), |(p, m), c| {
            (p + u64::from(c.points), m + u64::from(c.max_points))
        });
        if u64::from(report.points) != sum || u64::from(report.max_points) != max_sum {
            problems.push(format!(
                "`{place}`: says {}/{} points but its checks add up to {sum}/{max_sum}",
                report.points, report.max_points
            ));
        }
        if problems.len() > before {
            continue;
        }
        reports.push(CiReport {
            learner,
            lab: lab.as_str().to_owned(),
            points: report.points,
            max_points: report.max_points,
            failing: report
                .checks
                .iter()
                .filter(|c| !c.passed)
                .map(|c| c.id.clone())
                .collect(),
            finished_at: Some(report.finished_at).filter(|t| !t.trim().is_empty()),
            source: file.display().to_string(),
            imported_at: imported_at.clone(),
        });
    }
    if !problems.is_empty() {
        return Err(CohortError::Rejected {
            path: dir.to_owned(),
            problems,
        });
    }
    if reports.is_empty() {
        return Err(CohortError::Unmet(format!(
            "no CI reports in `{}`: expected DIR/<learner id>/<lab>.json or DIR/<learner id>/grades/<lab>.json",
            dir.display()
        )));
    }
    let mut book = Gradebook::open(&book_path)?;
    book.put_learners(&cohort.roster.learners)?;
    book.put_ci_reports(&reports)?;
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::grade::{LabGrade, Reference, Status};
    use crate::cohort::rubric::tests::{fixture, write};
    use crate::report::CheckResult;

    const TESTS: &str = "fn checks() {\n    check(\"frame.spec\", 20);\n    check(\"frame.code\", 9);\n    // BEGIN HIDDEN TESTS\n    check(\"frame.secret\", 5);\n    // END HIDDEN TESTS\n}\n";

    fn check(id: &str, max: u32, passed: bool) -> CheckResult {
        CheckResult {
            id: id.into(),
            points: if passed { max } else { 0 },
            max_points: max,
            passed,
            hints: Vec::new(),
            message: (!passed).then(|| "wrong".into()),
            timed_out: false,
            millis: 1,
        }
    }

    /// A CI report of the frame lab with the two visible checks.
    fn report(spec: bool, code: bool) -> GradeReport {
        GradeReport::new(
            "frame",
            vec![check("frame.spec", 20, spec), check("frame.code", 9, code)],
            false,
        )
    }

    fn put(dir: &Path, rel: &str, report: &GradeReport) {
        write(dir, rel, &serde_json::to_string_pretty(report).unwrap());
    }

    fn setup() -> (tempfile::TempDir, Cohort, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let cohort = fixture(tmp.path());
        write(tmp.path(), "course/labs/frame/tests/grade.rs", TESTS);
        let ci = tmp.path().join("ci");
        std::fs::create_dir_all(&ci).unwrap();
        (tmp, cohort, ci)
    }

    fn rejected(cohort: &Cohort, ci: &Path) -> String {
        let err = import(cohort, ci, &[]).unwrap_err().to_string();
        assert!(err.contains("nothing was imported"), "{err}");
        assert!(
            !cohort.gradebook_path().exists()
                || Gradebook::open(&cohort.gradebook_path())
                    .unwrap()
                    .ci_reports()
                    .unwrap()
                    .is_empty(),
            "{err}"
        );
        err
    }

    #[test]
    fn reports_import_once_however_often_they_are_imported() {
        let (_tmp, cohort, ci) = setup();
        put(&ci, "ada/grades/frame.json", &report(true, false));
        put(&ci, "bob/frame.json", &report(true, true));
        write(&ci, "bob/frame.points.txt", "Points 29/29\n");
        let first = import(&cohort, &ci, &[]).unwrap();
        assert_eq!(first.len(), 2);
        assert_eq!(first[0].learner, "ada");
        assert_eq!((first[0].points, first[0].max_points), (20, 29));
        assert_eq!(first[0].failing, vec!["frame.code".to_string()]);
        assert!(first[0].finished_at.is_some());
        assert!(first[0].source.ends_with("frame.json"));
        import(&cohort, &ci, &[]).unwrap();
        let book = Gradebook::open(&cohort.gradebook_path()).unwrap();
        let rows = book.ci_reports().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].failing, first[0].failing);
        assert_eq!(rows[1].learner, "bob");
        // A lab not in the cohort is refused.
        let err = import(&cohort, &ci, &["gather".parse().unwrap()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("not in the cohort"), "{err}");
    }

    #[test]
    fn each_bad_file_is_named_with_its_problem_and_nothing_is_written() {
        let (_tmp, cohort, ci) = setup();
        put(&ci, "ada/frame.json", &report(true, true));
        put(&ci, "zed/frame.json", &report(true, true));
        let err = rejected(&cohort, &ci);
        assert!(
            err.contains("zed") && err.contains("no learner `zed`"),
            "{err}"
        );
        std::fs::remove_dir_all(ci.join("zed")).unwrap();

        write(&ci, "bob/frame.json", "{\"lab\": \"frame\", \"points\": 3}");
        let err = rejected(&cohort, &ci);
        assert!(
            err.contains("bob/frame.json") && err.contains("not a grade report"),
            "{err}"
        );
        assert!(err.contains("expected"), "{err}");
        std::fs::remove_dir_all(ci.join("bob")).unwrap();

        put(&ci, "cy/gather.json", &report(true, true));
        let err = rejected(&cohort, &ci);
        assert!(
            err.contains("cy/gather.json") && err.contains("not a lab of the cohort"),
            "{err}"
        );
        std::fs::remove_dir_all(ci.join("cy")).unwrap();

        let mut hidden = report(true, true);
        hidden.checks.push(check("frame.secret", 5, true));
        hidden.points += 5;
        hidden.max_points += 5;
        put(&ci, "cy/grades/frame.json", &hidden);
        let err = rejected(&cohort, &ci);
        assert!(
            err.contains("cy/grades/frame.json")
                && err.contains("`frame.secret` is a hidden check"),
            "{err}"
        );

        let mut unknown = report(true, true);
        unknown.checks[1].id = "frame.other".into();
        put(&ci, "cy/grades/frame.json", &unknown);
        let err = rejected(&cohort, &ci);
        assert!(
            err.contains("`frame.other` is not a visible check"),
            "{err}"
        );

        let mut over = report(true, true);
        over.points = 40;
        put(&ci, "cy/grades/frame.json", &over);
        let err = rejected(&cohort, &ci);
        assert!(err.contains("40 points, over the maximum 29"), "{err}");
        assert!(err.contains("cy/grades/frame.json"), "{err}");
    }

    #[test]
    fn status_and_the_csv_compare_ci_with_the_grades_of_record() {
        let (_tmp, cohort, ci) = setup();
        let mut book = Gradebook::open(&cohort.gradebook_path()).unwrap();
        book.put_learners(&cohort.roster.learners).unwrap();
        let stage: Stage = "frame".parse().unwrap();
        let reference = Reference {
            checks: vec![
                check("frame.spec", 20, true),
                check("frame.code", 9, true),
                check("frame.secret", 5, true),
            ],
            hidden: ["frame.secret".to_string()].into(),
        };
        book.put_lab(stage, 0, "2026-01-10T00:00:00Z", &reference)
            .unwrap();
        for (learner, code) in [("ada", true), ("bob", false)] {
            let checks = vec![
                check("frame.spec", 20, true),
                check("frame.code", 9, code),
                check("frame.secret", 5, false),
            ];
            let points = checks.iter().map(|c| c.points).sum();
            book.record(
                &LabGrade {
                    learner: learner.into(),
                    lab: stage,
                    status: Status::Graded,
                    points,
                    max_points: 34,
                    late: Default::default(),
                    late_penalty: 0.0,
                    final_points: f64::from(points),
                    tampering: Vec::new(),
                    lacked: Vec::new(),
                    submitted_at: None,
                    commit: None,
                    checks,
                    detail: None,
                    seconds: 1.0,
                },
                None,
            )
            .unwrap();
        }
        drop(book);
        put(&ci, "ada/frame.json", &report(true, true));
        put(&ci, "bob/frame.json", &report(true, true));
        import(&cohort, &ci, &[]).unwrap();
        let book = Gradebook::open(&cohort.gradebook_path()).unwrap();
        let status = book.status().unwrap();
        assert_eq!(status.ci_compared, 2);
        assert_eq!(status.ci_mismatches.len(), 1, "{status:?}");
        let m = &status.ci_mismatches[0];
        assert_eq!(m.learner, "bob");
        assert_eq!((m.ci_points, m.ci_max), (29, 29));
        assert_eq!((m.graded_points, m.graded_max), (20, 29));

        let mut csv = Vec::new();
        book.export_csv(&mut csv, false).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let mut lines = csv.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .ends_with(",ungraded,ci_points,ci_max")
        );
        for line in lines {
            assert!(line.ends_with(",29,29"), "{csv}");
        }
    }
}
