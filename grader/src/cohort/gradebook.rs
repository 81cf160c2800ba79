//! The gradebook: one SQLite file in the cohort folder.
//!
//! Tables: `learners` (the roster), `labs` (each lab's due time and
//! points), `checks` (each lab's checks as the solution runs them: points,
//! hints, whether hidden), `submissions` (what was graded: source, commit,
//! time), `grades` (one row per learner and lab: status, points, late
//! penalty, final), `results` (one row per check of each graded
//! submission) and `tampering` (released test files a submission changed).
//! Grading a submission again replaces its rows. Exported as CSV; read for
//! the cohort's status and each learner's feedback.
//!
//! The manual part of grading lives beside it: `rubric` (each lab's
//! criteria, from its `lab.toml`) and `rubric_scores` (one row per learner,
//! lab and criterion scored, by a person or by the grader's auto-check),
//! which regrading leaves alone; and `solution_releases` (when each lab's
//! solutions were published). A lab's points and maximum are its checks'
//! plus its rubric's.
//!
//! `ci_reports` holds what the learners' own CI runs reported (see
//! [`super::ci_reports`]): one row per learner and lab, kept apart from
//! `grades` because a learner's runner is not the grade of record.

use super::collect::Submission;
use super::config::Learner;
use super::grade::{LabGrade, Reference, Status};
use super::{CohortError, fmt_points};
use crate::course::Criterion;
use ninety_kit::Stage;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS learners (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, repository TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS labs (
    name TEXT PRIMARY KEY, position INTEGER NOT NULL, due TEXT NOT NULL, max_points INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS checks (
    lab TEXT NOT NULL, check_id TEXT NOT NULL, position INTEGER NOT NULL, max_points INTEGER NOT NULL,
    hints TEXT NOT NULL, hidden INTEGER NOT NULL, PRIMARY KEY (lab, check_id));
CREATE TABLE IF NOT EXISTS submissions (
    learner TEXT NOT NULL, lab TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL,
    commit_id TEXT, submitted_at TEXT NOT NULL, collected_at TEXT NOT NULL,
    PRIMARY KEY (learner, lab));
CREATE TABLE IF NOT EXISTS grades (
    learner TEXT NOT NULL, lab TEXT NOT NULL, status TEXT NOT NULL,
    points INTEGER NOT NULL, max_points INTEGER NOT NULL,
    days_late INTEGER NOT NULL, penalty_percent REAL NOT NULL, late_penalty REAL NOT NULL,
    final REAL NOT NULL, submitted_at TEXT, commit_id TEXT, detail TEXT, seconds REAL NOT NULL,
    graded_at TEXT NOT NULL, PRIMARY KEY (learner, lab));
CREATE TABLE IF NOT EXISTS results (
    learner TEXT NOT NULL, lab TEXT NOT NULL, check_id TEXT NOT NULL,
    points INTEGER NOT NULL, max_points INTEGER NOT NULL, passed INTEGER NOT NULL,
    timed_out INTEGER NOT NULL, message TEXT, millis INTEGER NOT NULL,
    PRIMARY KEY (learner, lab, check_id));
CREATE TABLE IF NOT EXISTS tampering (
    learner TEXT NOT NULL, lab TEXT NOT NULL, path TEXT NOT NULL, change TEXT NOT NULL,
    PRIMARY KEY (learner, lab, path));
CREATE TABLE IF NOT EXISTS rubric (
    lab TEXT NOT NULL, criterion TEXT NOT NULL, position INTEGER NOT NULL, title TEXT NOT NULL,
    max_points INTEGER NOT NULL, guidance TEXT NOT NULL, automatic INTEGER NOT NULL,
    PRIMARY KEY (lab, criterion));
CREATE TABLE IF NOT EXISTS rubric_scores (
    learner TEXT NOT NULL, lab TEXT NOT NULL, criterion TEXT NOT NULL, points REAL NOT NULL,
    comment TEXT NOT NULL, scored_by TEXT NOT NULL, scored_at TEXT NOT NULL,
    PRIMARY KEY (learner, lab, criterion));
CREATE TABLE IF NOT EXISTS solution_releases (
    lab TEXT PRIMARY KEY, released_at TEXT NOT NULL, forced INTEGER NOT NULL,
    files INTEGER NOT NULL, places INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ci_reports (
    learner TEXT NOT NULL, lab TEXT NOT NULL, points INTEGER NOT NULL, max_points INTEGER NOT NULL,
    failing TEXT NOT NULL, finished_at TEXT, source TEXT NOT NULL, imported_at TEXT NOT NULL,
    PRIMARY KEY (learner, lab));
PRAGMA user_version = 1;
";

/// The cohort's gradebook.
pub struct Gradebook {
    conn: Connection,
    path: PathBuf,
}

/// Who scores automatic criteria, as `rubric_scores` records it.
pub const AUTO_SCORER: &str = "auto";

/// One criterion of a lab's rubric with one learner's score for it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct RubricScore {
    /// The criterion's id.
    pub criterion: String,
    /// What it asks.
    pub title: String,
    /// What full, partial and no marks look like.
    pub guidance: String,
    /// The most it is worth.
    pub max_points: u32,
    /// The points given, if it has been scored.
    pub points: Option<f64>,
    /// The grader's comment (empty when none).
    pub comment: String,
    /// Whether the grader scores it from a submitted file.
    pub automatic: bool,
    /// Who scored it (`auto` for the grader), if anyone did.
    pub scored_by: Option<String>,
    /// When, RFC 3339.
    pub scored_at: Option<String>,
}

/// Rubric criteria not scored yet for one lab.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Ungraded {
    /// The lab.
    pub lab: String,
    /// The criterion.
    pub criterion: String,
    /// The learners (with a submission of the lab) it is not scored for.
    pub learners: Vec<String>,
}

/// A lab whose solutions were published to the learners.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SolutionRelease {
    /// The lab.
    pub lab: String,
    /// When, RFC 3339.
    pub released_at: String,
    /// Whether it was done before the due date (`--force`).
    pub forced: bool,
    /// Files published.
    pub files: u32,
    /// Workspaces (and the template) they were written to.
    pub places: u32,
}

/// What is wrong with a rubric score, and which part of it is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoreProblem {
    /// The learner is not in the gradebook.
    Learner(String),
    /// The lab has no rubric here.
    Lab(String),
    /// The lab has no such criterion.
    Criterion(String),
    /// The points are out of range or not a number.
    Points(String),
}

impl ScoreProblem {
    /// What is wrong and what is expected.
    pub fn message(&self) -> &str {
        match self {
            ScoreProblem::Learner(m)
            | ScoreProblem::Lab(m)
            | ScoreProblem::Criterion(m)
            | ScoreProblem::Points(m) => m,
        }
    }
}

/// A rubric score to record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewScore {
    /// The learner's id.
    pub learner: String,
    /// The lab.
    pub lab: String,
    /// The criterion's id.
    pub criterion: String,
    /// The points given.
    pub points: f64,
    /// The comment (may be empty).
    pub comment: String,
}

/// What is wrong with `points` for a criterion worth `max`, if anything.
pub fn points_problem(points: f64, max: u32) -> Option<String> {
    if !points.is_finite() {
        Some(format!(
            "`{points}` is not a number of points; expected 0 to {max}"
        ))
    } else if points < 0.0 {
        Some(format!(
            "{} points is negative; expected 0 to {max}",
            fmt_points(points)
        ))
    } else if points > f64::from(max) + 1e-9 {
        Some(format!(
            "{} points is over the maximum of {max}; expected 0 to {max}",
            fmt_points(points)
        ))
    } else {
        None
    }
}

/// Up to ten of `ids`, joined, with how many more there are.
fn some_of(ids: &[String]) -> String {
    if ids.is_empty() {
        return "(none: grade the cohort first)".into();
    }
    let mut text = ids.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > 10 {
        text.push_str(&format!(" and {} more", ids.len() - 10));
    }
    text
}

/// One learner's grade for one lab, as the gradebook holds it: the checks'
/// points and the rubric's together.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct GradeRow {
    /// The learner's id.
    pub learner: String,
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// The lab.
    pub lab: String,
    /// How grading ended.
    pub status: String,
    /// Points earned: the checks' and the rubric's scored so far.
    pub points: f64,
    /// Points possible: the checks' and the whole rubric's.
    pub max_points: u32,
    /// Points earned by the checks.
    pub auto_points: u32,
    /// Points the checks are worth.
    pub auto_max: u32,
    /// Points given on the rubric so far.
    pub rubric_points: f64,
    /// Points the rubric is worth.
    pub rubric_max: u32,
    /// Rubric criteria not scored yet.
    pub ungraded: u32,
    /// Days late.
    pub days_late: u32,
    /// Percent taken off for lateness.
    pub penalty_percent: f64,
    /// Points taken off for lateness: the percent of `points`.
    pub late_penalty: f64,
    /// Points after the penalty.
    #[serde(rename = "final")]
    pub final_points: f64,
    /// Released test files changed, as `path (edited)`.
    pub tampering: Vec<String>,
    /// When the work was made.
    pub submitted_at: Option<String>,
    /// The commit graded.
    pub commit: Option<String>,
    /// Compiler errors or how the run ended.
    pub detail: Option<String>,
    /// The lab's rubric with this learner's scores.
    pub rubric: Vec<RubricScore>,
}

/// One check's result for one learner and lab.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CheckRow {
    /// The learner's id.
    pub learner: String,
    /// The lab.
    pub lab: String,
    /// The check's id.
    pub check: String,
    /// Points earned.
    pub points: u32,
    /// Points possible.
    pub max_points: u32,
    /// Whether it passed.
    pub passed: bool,
    /// Whether it ran past its time limit.
    pub timed_out: bool,
    /// Whether it is a hidden check.
    pub hidden: bool,
    /// Why it failed.
    pub message: Option<String>,
    /// Its hints, gentlest first.
    pub hints: Vec<String>,
}

/// A learner stuck on a lab.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Stuck {
    /// The learner's id.
    pub learner: String,
    /// Their name.
    pub name: String,
    /// The lab.
    pub lab: String,
    /// Why they count as stuck.
    pub reason: String,
}

/// A check and how often it fails.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct FailingCheck {
    /// The lab.
    pub lab: String,
    /// The check.
    pub check: String,
    /// Submissions it failed.
    pub failed: u32,
    /// Submissions it ran on.
    pub graded: u32,
    /// Whether it is hidden.
    pub hidden: bool,
}

/// A submission that did not compile.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct NotCompiling {
    /// The learner's id.
    pub learner: String,
    /// The lab.
    pub lab: String,
    /// The first error line.
    pub error: String,
}

/// What a learner's own CI run reported for a lab, as imported.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CiReport {
    /// The learner's id.
    pub learner: String,
    /// The lab.
    pub lab: String,
    /// Points the visible checks gave on the learner's runner.
    pub points: u32,
    /// Points the visible checks are worth.
    pub max_points: u32,
    /// The ids of the checks that failed there.
    pub failing: Vec<String>,
    /// When that run finished, if the report says.
    pub finished_at: Option<String>,
    /// The report file it was imported from.
    pub source: String,
    /// When it was imported.
    pub imported_at: String,
}

/// A learner whose CI report and graded submission disagree on the
/// visible checks.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CiMismatch {
    /// The learner's id.
    pub learner: String,
    /// The lab.
    pub lab: String,
    /// Points on the learner's CI.
    pub ci_points: u32,
    /// Their maximum there.
    pub ci_max: u32,
    /// Points the visible checks gave the graded submission.
    pub graded_points: u32,
    /// Their maximum in grading.
    pub graded_max: u32,
    /// How grading ended.
    pub status: String,
}

/// The cohort at a glance.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CohortStatus {
    /// Learners in the gradebook.
    pub learners: u32,
    /// Grades (learner and lab) recorded.
    pub grades: u32,
    /// Those whose checks ran.
    pub graded: u32,
    /// Learners below half the points of a lab, or with no graded work for it.
    pub stuck: Vec<Stuck>,
    /// Checks that failed at least once, most failed first.
    pub failing_checks: Vec<FailingCheck>,
    /// Submissions that did not compile.
    pub not_compiling: Vec<NotCompiling>,
    /// Submissions that changed released test files: learner, lab, file.
    pub tampering: Vec<(String, String, String)>,
    /// Grades that have a CI report to compare with.
    pub ci_compared: u32,
    /// Those whose CI report and graded visible checks disagree.
    pub ci_mismatches: Vec<CiMismatch>,
}

impl Gradebook {
    /// Opens (or makes) the gradebook at `path`.
    pub fn open(path: &Path) -> Result<Self, CohortError> {
        let conn = Connection::open(path).map_err(|source| CohortError::Gradebook {
            path: path.to_owned(),
            source,
        })?;
        let book = Self {
            conn,
            path: path.to_owned(),
        };
        book.conn
            .busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| book.err(e))?;
        book.conn.execute_batch(SCHEMA).map_err(|e| book.err(e))?;
        Ok(book)
    }

    /// Opens the gradebook at `path`, which must exist.
    pub fn open_existing(path: &Path) -> Result<Self, CohortError> {
        if !path.is_file() {
            return Err(CohortError::Unmet(format!(
                "there is no gradebook at `{}` yet; run `ninety cohort grade` first",
                path.display()
            )));
        }
        Self::open(path)
    }

    fn err(&self, source: rusqlite::Error) -> CohortError {
        CohortError::Gradebook {
            path: self.path.clone(),
            source,
        }
    }

    /// Records the roster (learners already there keep their place).
    pub fn put_learners(&mut self, learners: &[Learner]) -> Result<(), CohortError> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| CohortError::Gradebook {
                path: self.path.clone(),
                source: e,
            })?;
        for l in learners {
            tx.execute(
                "INSERT INTO learners (id, name, email, repository) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET name = ?2, email = ?3, repository = ?4",
                params![l.id, l.name, l.email, l.repository],
            )
            .map_err(|e| CohortError::Gradebook {
                path: self.path.clone(),
                source: e,
            })?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// Records a lab: its place, due time and checks.
    pub fn put_lab(
        &mut self,
        lab: Stage,
        position: usize,
        due: &str,
        reference: &Reference,
    ) -> Result<(), CohortError> {
        let path = self.path.clone();
        let err = |source| CohortError::Gradebook {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        tx.execute(
            "INSERT INTO labs (name, position, due, max_points) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(name) DO UPDATE SET position = ?2, due = ?3, max_points = ?4",
            params![lab.as_str(), position as i64, due, reference.max_points()],
        )
        .map_err(err)?;
        tx.execute("DELETE FROM checks WHERE lab = ?1", params![lab.as_str()])
            .map_err(err)?;
        for (i, c) in reference.checks.iter().enumerate() {
            tx.execute(
                "INSERT INTO checks (lab, check_id, position, max_points, hints, hidden)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    lab.as_str(),
                    c.id,
                    i as i64,
                    c.max_points,
                    serde_json::to_string(&c.hints).unwrap_or_default(),
                    reference.hidden.contains(&c.id)
                ],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// Records a grade (replacing the learner's earlier grade of the lab),
    /// with the submission it graded.
    pub fn record(
        &mut self,
        grade: &LabGrade,
        submission: Option<&Submission>,
    ) -> Result<(), CohortError> {
        let path = self.path.clone();
        let err = |source| CohortError::Gradebook {
            path: path.clone(),
            source,
        };
        let lab = grade.lab.as_str();
        let tx = self.conn.transaction().map_err(err)?;
        for table in ["grades", "results", "tampering", "submissions"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE learner = ?1 AND lab = ?2"),
                params![grade.learner, lab],
            )
            .map_err(err)?;
        }
        if let Some(s) = submission {
            tx.execute(
                "INSERT INTO submissions (learner, lab, source, kind, commit_id, submitted_at, collected_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    grade.learner,
                    lab,
                    s.source,
                    serde_json::to_value(s.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    s.commit,
                    s.submitted_at,
                    s.collected_at
                ],
            )
            .map_err(err)?;
        }
        tx.execute(
            "INSERT INTO grades (learner, lab, status, points, max_points, days_late, penalty_percent,
                 late_penalty, final, submitted_at, commit_id, detail, seconds, graded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                grade.learner,
                lab,
                grade.status.as_str(),
                grade.points,
                grade.max_points,
                grade.late.days,
                grade.late.percent,
                grade.late_penalty,
                grade.final_points,
                grade.submitted_at,
                grade.commit,
                grade.detail,
                grade.seconds,
                ninety_kit::artifact::now_rfc3339()
            ],
        )
        .map_err(err)?;
        for c in &grade.checks {
            tx.execute(
                "INSERT INTO results (learner, lab, check_id, points, max_points, passed, timed_out, message, millis)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    grade.learner,
                    lab,
                    c.id,
                    c.points,
                    c.max_points,
                    c.passed,
                    c.timed_out,
                    c.message,
                    c.millis as i64
                ],
            )
            .map_err(err)?;
        }
        for t in &grade.tampering {
            tx.execute(
                "INSERT INTO tampering (learner, lab, path, change) VALUES (?1, ?2, ?3, ?4)",
                params![grade.learner, lab, t.path, t.change.as_str()],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// Every grade, learners in roster order, labs in cohort order, with
    /// each lab's rubric merged in: the rubric's points add to the checks'
    /// points and maximum.
    ///
    /// The late penalty is the lateness percent of that total, rubric points
    /// included, and it is reckoned here, on reading, so a rubric score
    /// given after grading is marked down like the rest: late work is late
    /// whichever part of it a person grades.
    pub fn grades(&self) -> Result<Vec<GradeRow>, CohortError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT g.learner, COALESCE(l.name, ''), COALESCE(l.email, ''), g.lab, g.status,
                        g.points, g.max_points, g.days_late, g.penalty_percent,
                        g.submitted_at, g.commit_id, g.detail
                 FROM grades g
                 LEFT JOIN learners l ON l.id = g.learner
                 LEFT JOIN labs b ON b.name = g.lab
                 ORDER BY l.rowid, b.position, g.lab",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(GradeRow {
                    learner: r.get(0)?,
                    name: r.get(1)?,
                    email: r.get(2)?,
                    lab: r.get(3)?,
                    status: r.get(4)?,
                    auto_points: r.get(5)?,
                    auto_max: r.get(6)?,
                    days_late: r.get(7)?,
                    penalty_percent: r.get(8)?,
                    submitted_at: r.get(9)?,
                    commit: r.get(10)?,
                    detail: r.get(11)?,
                    ..GradeRow::default()
                })
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let mut row = row.map_err(|e| self.err(e))?;
            row.tampering = self.tampering_of(&row.learner, &row.lab)?;
            row.rubric = self.rubric(&row.learner, &row.lab)?;
            row.rubric_max = row.rubric.iter().map(|c| c.max_points).sum();
            row.rubric_points = row.rubric.iter().filter_map(|c| c.points).sum();
            row.ungraded = row.rubric.iter().filter(|c| c.points.is_none()).count() as u32;
            row.points = f64::from(row.auto_points) + row.rubric_points;
            row.max_points = row.auto_max + row.rubric_max;
            row.late_penalty = row.points * row.penalty_percent / 100.0;
            row.final_points = row.points - row.late_penalty;
            out.push(row);
        }
        Ok(out)
    }

    /// Records the rubric of `lab`, replacing the one recorded before. Scores
    /// of criteria it no longer has are kept, and not counted.
    pub fn put_rubric(&mut self, lab: &str, criteria: &[Criterion]) -> Result<(), CohortError> {
        let path = self.path.clone();
        let err = |source| CohortError::Gradebook {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        tx.execute("DELETE FROM rubric WHERE lab = ?1", params![lab])
            .map_err(err)?;
        for (i, c) in criteria.iter().enumerate() {
            tx.execute(
                "INSERT INTO rubric (lab, criterion, position, title, max_points, guidance, automatic)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    lab,
                    c.id,
                    i as i64,
                    c.title,
                    c.points,
                    c.guidance,
                    c.auto.is_some()
                ],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// Every criterion of `lab`'s rubric, in order, with its maximum,
    /// whether it is automatic, and `learner`'s points and comment where it
    /// has been scored. Empty for a lab with no rubric.
    pub fn rubric(&self, learner: &str, lab: &str) -> Result<Vec<RubricScore>, CohortError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT r.criterion, r.title, r.guidance, r.max_points, r.automatic,
                        s.points, COALESCE(s.comment, ''), s.scored_by, s.scored_at
                 FROM rubric r
                 LEFT JOIN rubric_scores s
                   ON s.lab = r.lab AND s.criterion = r.criterion AND s.learner = ?1
                 WHERE r.lab = ?2
                 ORDER BY r.position",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![learner, lab], |r| {
                Ok(RubricScore {
                    criterion: r.get(0)?,
                    title: r.get(1)?,
                    guidance: r.get(2)?,
                    max_points: r.get(3)?,
                    automatic: r.get(4)?,
                    points: r.get(5)?,
                    comment: r.get(6)?,
                    scored_by: r.get(7)?,
                    scored_at: r.get(8)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Whether `points` may be given to `learner` for `criterion` of `lab`:
    /// the criterion's maximum, or what is wrong.
    pub fn check_score(
        &self,
        learner: &str,
        lab: &str,
        criterion: &str,
        points: f64,
    ) -> Result<Result<u32, ScoreProblem>, CohortError> {
        let known: bool = self
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM learners WHERE id = ?1)",
                params![learner],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if !known {
            let ids = self.list("SELECT id FROM learners ORDER BY rowid", [])?;
            return Ok(Err(ScoreProblem::Learner(format!(
                "unknown learner `{learner}`; expected one of the roster's ids: {}",
                some_of(&ids)
            ))));
        }
        let criteria = self.list(
            "SELECT criterion FROM rubric WHERE lab = ?1 ORDER BY position",
            params![lab],
        )?;
        if criteria.is_empty() {
            let labs = self.list(
                "SELECT DISTINCT r.lab FROM rubric r LEFT JOIN labs b ON b.name = r.lab ORDER BY b.position, r.lab",
                [],
            )?;
            return Ok(Err(ScoreProblem::Lab(if labs.is_empty() {
                format!(
                    "lab `{lab}` has no rubric, and no lab has one yet; add `[[rubric]]` criteria to the lab's lab.toml"
                )
            } else {
                format!(
                    "lab `{lab}` has no rubric; expected a lab with one: {}",
                    labs.join(", ")
                )
            })));
        }
        if !criteria.iter().any(|c| c == criterion) {
            return Ok(Err(ScoreProblem::Criterion(format!(
                "unknown criterion `{criterion}` for lab `{lab}`; expected one of: {}",
                criteria.join(", ")
            ))));
        }
        let max: u32 = self
            .conn
            .query_row(
                "SELECT max_points FROM rubric WHERE lab = ?1 AND criterion = ?2",
                params![lab, criterion],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(match points_problem(points, max) {
            Some(problem) => Err(ScoreProblem::Points(problem)),
            None => Ok(max),
        })
    }

    /// Scores `criterion` of `lab` for `learner`: `points` from 0 to the
    /// criterion's maximum, with a comment, scored by `by` (a name). It
    /// replaces an earlier score, the grader's own included.
    pub fn set_rubric_score(
        &mut self,
        learner: &str,
        lab: &str,
        criterion: &str,
        points: f64,
        comment: &str,
        by: &str,
    ) -> Result<(), CohortError> {
        self.set_rubric_scores(
            &[NewScore {
                learner: learner.to_owned(),
                lab: lab.to_owned(),
                criterion: criterion.to_owned(),
                points,
                comment: comment.to_owned(),
            }],
            by,
        )
        .map(|_| ())
    }

    /// Scores several criteria at once, all or none: every score is checked
    /// (as [`Gradebook::set_rubric_score`] checks one) before any is written.
    /// A score the gradebook already holds, with the same comment, is left
    /// as it is (with who gave it and when); returns how many changed.
    pub fn set_rubric_scores(
        &mut self,
        scores: &[NewScore],
        by: &str,
    ) -> Result<usize, CohortError> {
        if by.trim().is_empty() {
            return Err(CohortError::Unmet(
                "a rubric score needs the name of who gave it".into(),
            ));
        }
        for s in scores {
            if let Err(problem) = self.check_score(&s.learner, &s.lab, &s.criterion, s.points)? {
                return Err(CohortError::Unmet(format!(
                    "rubric score for {}, lab {}, criterion {}: {}",
                    s.learner,
                    s.lab,
                    s.criterion,
                    problem.message()
                )));
            }
        }
        let at = ninety_kit::artifact::now_rfc3339();
        let path = self.path.clone();
        let err = |source| CohortError::Gradebook {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        let mut changed = 0;
        for s in scores {
            let before: Option<(f64, String)> = tx
                .query_row(
                    "SELECT points, comment FROM rubric_scores
                     WHERE learner = ?1 AND lab = ?2 AND criterion = ?3",
                    params![s.learner, s.lab, s.criterion],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(err)?;
            if before.is_some_and(|(p, c)| (p - s.points).abs() < 1e-9 && c == s.comment) {
                continue;
            }
            tx.execute(
                "INSERT INTO rubric_scores (learner, lab, criterion, points, comment, scored_by, scored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(learner, lab, criterion) DO UPDATE
                 SET points = ?4, comment = ?5, scored_by = ?6, scored_at = ?7",
                params![s.learner, s.lab, s.criterion, s.points, s.comment, by, at],
            )
            .map_err(err)?;
            changed += 1;
        }
        tx.commit().map_err(err)?;
        Ok(changed)
    }

    /// Records the grader's scores of automatic criteria. A score a person
    /// gave is left as it is: a person's judgement outranks the check.
    pub fn put_auto_scores(&mut self, scores: &[NewScore]) -> Result<(), CohortError> {
        let at = ninety_kit::artifact::now_rfc3339();
        let path = self.path.clone();
        let err = |source| CohortError::Gradebook {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        for s in scores {
            tx.execute(
                "INSERT INTO rubric_scores (learner, lab, criterion, points, comment, scored_by, scored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(learner, lab, criterion) DO UPDATE
                 SET points = ?4, comment = ?5, scored_at = ?7
                 WHERE rubric_scores.scored_by = ?6
                   AND (rubric_scores.points != ?4 OR rubric_scores.comment != ?5)",
                params![s.learner, s.lab, s.criterion, s.points, s.comment, AUTO_SCORER, at],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// The rubric criteria not scored yet, per lab and criterion, with the
    /// learners (who submitted the lab) still waiting.
    pub fn ungraded(&self) -> Result<Vec<Ungraded>, CohortError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.lab, r.criterion, g.learner
                 FROM rubric r
                 JOIN grades g ON g.lab = r.lab AND g.status != 'missing'
                 LEFT JOIN rubric_scores s
                   ON s.learner = g.learner AND s.lab = r.lab AND s.criterion = r.criterion
                 LEFT JOIN learners l ON l.id = g.learner
                 LEFT JOIN labs b ON b.name = r.lab
                 WHERE s.points IS NULL
                 ORDER BY b.position, r.lab, r.position, l.rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out: Vec<Ungraded> = Vec::new();
        for row in rows {
            let (lab, criterion, learner) = row.map_err(|e| self.err(e))?;
            match out.last_mut() {
                Some(u) if u.lab == lab && u.criterion == criterion => u.learners.push(learner),
                _ => out.push(Ungraded {
                    lab,
                    criterion,
                    learners: vec![learner],
                }),
            }
        }
        Ok(out)
    }

    /// Records that `release`'s lab had its solutions published (again).
    pub fn put_solution_release(&mut self, release: &SolutionRelease) -> Result<(), CohortError> {
        self.conn
            .execute(
                "INSERT INTO solution_releases (lab, released_at, forced, files, places)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(lab) DO UPDATE
                 SET released_at = ?2, forced = ?3, files = ?4, places = ?5",
                params![
                    release.lab,
                    release.released_at,
                    release.forced,
                    release.files,
                    release.places
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// The labs whose solutions were published, in cohort order.
    pub fn solution_releases(&self) -> Result<Vec<SolutionRelease>, CohortError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.lab, s.released_at, s.forced, s.files, s.places
                 FROM solution_releases s LEFT JOIN labs b ON b.name = s.lab
                 ORDER BY b.position, s.lab",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(SolutionRelease {
                    lab: r.get(0)?,
                    released_at: r.get(1)?,
                    forced: r.get(2)?,
                    files: r.get(3)?,
                    places: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    fn list<P: rusqlite::Params>(&self, sql: &str, params: P) -> Result<Vec<String>, CohortError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params, |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    fn tampering_of(&self, learner: &str, lab: &str) -> Result<Vec<String>, CohortError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT path, change FROM tampering WHERE learner = ?1 AND lab = ?2 ORDER BY path",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![learner, lab], |r| {
                Ok(format!(
                    "{} ({})",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Every check result, in roster, lab and check order; only `learner`'s
    /// when given.
    pub fn check_rows(&self, learner: Option<&str>) -> Result<Vec<CheckRow>, CohortError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.learner, r.lab, r.check_id, r.points, r.max_points, r.passed, r.timed_out,
                        COALESCE(c.hidden, 0), r.message, COALESCE(c.hints, '[]')
                 FROM results r
                 LEFT JOIN learners l ON l.id = r.learner
                 LEFT JOIN labs b ON b.name = r.lab
                 LEFT JOIN checks c ON c.lab = r.lab AND c.check_id = r.check_id
                 WHERE ?1 IS NULL OR r.learner = ?1
                 ORDER BY l.rowid, b.position, c.position, r.check_id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![learner], |r| {
                let hints: String = r.get(9)?;
                Ok(CheckRow {
                    learner: r.get(0)?,
                    lab: r.get(1)?,
                    check: r.get(2)?,
                    points: r.get(3)?,
                    max_points: r.get(4)?,
                    passed: r.get(5)?,
                    timed_out: r.get(6)?,
                    hidden: r.get(7)?,
                    message: r.get(8)?,
                    hints: serde_json::from_str(&hints).unwrap_or_default(),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The due time recorded for `lab`.
    pub fn due(&self, lab: &str) -> Result<Option<String>, CohortError> {
        self.conn
            .query_row("SELECT due FROM labs WHERE name = ?1", params![lab], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Writes the gradebook as CSV: one row per learner and lab (points and
    /// max with the rubric's, late penalty, final; then the checks' points,
    /// the rubric's, how many criteria are not scored yet, and last the
    /// points and max of the learner's CI report, empty when none was
    /// imported), or with `checks` one row per check and rubric criterion
    /// (`kind` says which; a criterion not scored yet has no points).
    pub fn export_csv(&self, to: impl std::io::Write, checks: bool) -> Result<(), CohortError> {
        let csv_err = |e: csv::Error| CohortError::Unmet(format!("writing the CSV: {e}"));
        let mut w = csv::Writer::from_writer(to);
        let grades = self.grades()?;
        if checks {
            w.write_record([
                "learner",
                "lab",
                "check",
                "points",
                "max_points",
                "passed",
                "timed_out",
                "hidden",
                "message",
                "kind",
            ])
            .map_err(csv_err)?;
            let mut by_grade: BTreeMap<(String, String), Vec<CheckRow>> = BTreeMap::new();
            for c in self.check_rows(None)? {
                by_grade
                    .entry((c.learner.clone(), c.lab.clone()))
                    .or_default()
                    .push(c);
            }
            for g in &grades {
                for c in by_grade
                    .remove(&(g.learner.clone(), g.lab.clone()))
                    .unwrap_or_default()
                {
                    let message = c
                        .message
                        .as_deref()
                        .and_then(|m| m.lines().next())
                        .unwrap_or("");
                    w.write_record([
                        c.learner.as_str(),
                        &c.lab,
                        &c.check,
                        &c.points.to_string(),
                        &c.max_points.to_string(),
                        if c.passed { "true" } else { "false" },
                        if c.timed_out { "true" } else { "false" },
                        if c.hidden { "true" } else { "false" },
                        message,
                        "check",
                    ])
                    .map_err(csv_err)?;
                }
                for r in &g.rubric {
                    let passed = match r.points {
                        Some(p) if p >= f64::from(r.max_points) => "true",
                        Some(_) => "false",
                        None => "",
                    };
                    w.write_record([
                        g.learner.as_str(),
                        &g.lab,
                        &r.criterion,
                        &r.points.map(fmt_points).unwrap_or_default(),
                        &r.max_points.to_string(),
                        passed,
                        "false",
                        "false",
                        r.comment.lines().next().unwrap_or(""),
                        if r.automatic {
                            "rubric (auto)"
                        } else {
                            "rubric"
                        },
                    ])
                    .map_err(csv_err)?;
                }
            }
        } else {
            w.write_record([
                "learner",
                "name",
                "email",
                "lab",
                "status",
                "points",
                "max_points",
                "days_late",
                "late_penalty",
                "final",
                "tampering",
                "submitted_at",
                "commit",
                "auto_points",
                "rubric_points",
                "ungraded",
                "ci_points",
                "ci_max",
            ])
            .map_err(csv_err)?;
            let ci: BTreeMap<(String, String), (u32, u32)> = self
                .ci_reports()?
                .into_iter()
                .map(|r| ((r.learner, r.lab), (r.points, r.max_points)))
                .collect();
            for g in &grades {
                let (ci_points, ci_max) = ci
                    .get(&(g.learner.clone(), g.lab.clone()))
                    .map(|(p, m)| (p.to_string(), m.to_string()))
                    .unwrap_or_default();
                w.write_record([
                    g.learner.as_str(),
                    &g.name,
                    &g.email,
                    &g.lab,
                    &g.status,
                    &fmt_points(g.points),
                    &g.max_points.to_string(),
                    &g.days_late.to_string(),
                    &fmt_points(g.late_penalty),
                    &fmt_points(g.final_points),
                    &g.tampering.join("; "),
                    g.submitted_at.as_deref().unwrap_or(""),
                    g.commit.as_deref().unwrap_or(""),
                    &g.auto_points.to_string(),
                    &fmt_points(g.rubric_points),
                    &g.ungraded.to_string(),
                    &ci_points,
                    &ci_max,
                ])
                .map_err(csv_err)?;
            }
        }
        w.flush()
            .map_err(|e| CohortError::Unmet(format!("writing the CSV: {e}")))
    }

    /// Who is stuck, the checks that fail most, what did not compile, who tampered.
    pub fn status(&self) -> Result<CohortStatus, CohortError> {
        let grades = self.grades()?;
        let count = |sql: &str| -> Result<u32, CohortError> {
            self.conn
                .query_row(sql, [], |r| r.get(0))
                .map_err(|e| self.err(e))
        };
        let mut stuck = Vec::new();
        let mut not_compiling = Vec::new();
        let mut tampering = Vec::new();
        for g in &grades {
            let status = Status::parse(&g.status).unwrap_or(Status::Error);
            let reason = match status {
                // Stuck is about the code: the checks' points, not the rubric's.
                Status::Graded if g.auto_points * 2 < g.auto_max => {
                    Some(format!("{}/{} points", g.auto_points, g.auto_max))
                }
                Status::Graded => None,
                other => Some(other.describe().to_owned()),
            };
            if let Some(reason) = reason {
                stuck.push(Stuck {
                    learner: g.learner.clone(),
                    name: g.name.clone(),
                    lab: g.lab.clone(),
                    reason,
                });
            }
            if status == Status::BuildFailed {
                let error = g
                    .detail
                    .as_deref()
                    .and_then(|d| d.lines().find(|l| l.starts_with("error")))
                    .or_else(|| g.detail.as_deref().and_then(|d| d.lines().next()))
                    .unwrap_or("")
                    .to_owned();
                not_compiling.push(NotCompiling {
                    learner: g.learner.clone(),
                    lab: g.lab.clone(),
                    error,
                });
            }
            for t in &g.tampering {
                tampering.push((g.learner.clone(), g.lab.clone(), t.clone()));
            }
        }
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.lab, r.check_id, SUM(1 - r.passed), COUNT(*), COALESCE(MAX(c.hidden), 0)
                 FROM results r LEFT JOIN checks c ON c.lab = r.lab AND c.check_id = r.check_id
                 GROUP BY r.lab, r.check_id HAVING SUM(1 - r.passed) > 0
                 ORDER BY SUM(1 - r.passed) DESC, r.lab, r.check_id",
            )
            .map_err(|e| self.err(e))?;
        let failing_checks = stmt
            .query_map([], |r| {
                Ok(FailingCheck {
                    lab: r.get(0)?,
                    check: r.get(1)?,
                    failed: r.get(2)?,
                    graded: r.get(3)?,
                    hidden: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        let (ci_compared, ci_mismatches) = self.ci_comparison()?;
        Ok(CohortStatus {
            learners: count("SELECT COUNT(*) FROM learners")?,
            grades: grades.len() as u32,
            graded: count("SELECT COUNT(*) FROM grades WHERE status = 'graded'")?,
            stuck,
            failing_checks,
            not_compiling,
            tampering,
            ci_compared,
            ci_mismatches,
        })
    }

    /// Records CI reports, each replacing the learner's earlier one of the
    /// lab, all in one transaction.
    pub fn put_ci_reports(&mut self, reports: &[CiReport]) -> Result<(), CohortError> {
        let path = self.path.clone();
        let err = |source| CohortError::Gradebook {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        for r in reports {
            tx.execute(
                "INSERT INTO ci_reports (learner, lab, points, max_points, failing, finished_at,
                     source, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(learner, lab) DO UPDATE SET points = ?3, max_points = ?4,
                     failing = ?5, finished_at = ?6, source = ?7, imported_at = ?8",
                params![
                    r.learner,
                    r.lab,
                    r.points,
                    r.max_points,
                    r.failing.join(" "),
                    r.finished_at,
                    r.source,
                    r.imported_at
                ],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// Every CI report imported, by learner and lab.
    pub fn ci_reports(&self) -> Result<Vec<CiReport>, CohortError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT learner, lab, points, max_points, failing, finished_at, source, imported_at
                 FROM ci_reports ORDER BY learner, lab",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            let failing: String = r.get(4)?;
            Ok(CiReport {
                learner: r.get(0)?,
                lab: r.get(1)?,
                points: r.get(2)?,
                max_points: r.get(3)?,
                failing: failing.split_whitespace().map(str::to_owned).collect(),
                finished_at: r.get(5)?,
                source: r.get(6)?,
                imported_at: r.get(7)?,
            })
        })
        .map_err(|e| self.err(e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| self.err(e))
    }

    /// A lab's checks as grading last recorded them: id and whether hidden
    /// (empty before the lab is graded).
    pub fn lab_checks(&self, lab: &str) -> Result<Vec<(String, bool)>, CohortError> {
        let mut stmt = self
            .conn
            .prepare("SELECT check_id, hidden FROM checks WHERE lab = ?1 ORDER BY position")
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![lab], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))
    }

    /// How many grades have a CI report, and those where the report and the
    /// graded submission's visible checks disagree.
    fn ci_comparison(&self) -> Result<(u32, Vec<CiMismatch>), CohortError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT g.learner, g.lab, ci.points, ci.max_points, g.status,
                     (SELECT COALESCE(SUM(r.points), 0) FROM results r JOIN checks c
                        ON c.lab = r.lab AND c.check_id = r.check_id AND c.hidden = 0
                      WHERE r.learner = g.learner AND r.lab = g.lab),
                     (SELECT COALESCE(SUM(c.max_points), 0) FROM checks c
                      WHERE c.lab = g.lab AND c.hidden = 0)
                 FROM grades g JOIN ci_reports ci ON ci.learner = g.learner AND ci.lab = g.lab
                 LEFT JOIN learners l ON l.id = g.learner
                 LEFT JOIN labs b ON b.name = g.lab
                 ORDER BY l.rowid, b.position",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(CiMismatch {
                    learner: r.get(0)?,
                    lab: r.get(1)?,
                    ci_points: r.get(2)?,
                    ci_max: r.get(3)?,
                    status: r.get(4)?,
                    graded_points: r.get(5)?,
                    graded_max: r.get(6)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        let compared = rows.len() as u32;
        let mismatches = rows
            .into_iter()
            .filter(|m| m.ci_points != m.graded_points || m.ci_max != m.graded_max)
            .collect();
        Ok((compared, mismatches))
    }
}

/// Read-only queries for the workbench's cohort view.
impl Gradebook {
    /// When the last grade was recorded (RFC 3339), if any was.
    pub fn last_graded_at(&self) -> Result<Option<String>, CohortError> {
        self.conn
            .query_row("SELECT MAX(graded_at) FROM grades", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::config::Lateness;
    use crate::cohort::tamper::{Change, TestChange};
    use crate::report::CheckResult;

    fn check(id: &str, max: u32, passed: bool) -> CheckResult {
        CheckResult {
            id: id.into(),
            points: if passed { max } else { 0 },
            max_points: max,
            passed,
            hints: vec![format!("think about {id}")],
            message: (!passed).then(|| format!("{id} failed\nsecond line")),
            timed_out: false,
            millis: 1,
        }
    }

    fn grade(learner: &str, checks: Vec<CheckResult>, status: Status) -> LabGrade {
        let points = checks.iter().map(|c| c.points).sum();
        LabGrade {
            learner: learner.into(),
            lab: Stage::Frame,
            status,
            points,
            max_points: 5,
            late: Lateness::default(),
            late_penalty: 0.0,
            final_points: f64::from(points),
            tampering: Vec::new(),
            lacked: Vec::new(),
            submitted_at: Some("2026-01-01T00:00:00Z".into()),
            commit: None,
            checks,
            detail: None,
            seconds: 1.0,
        }
    }

    fn learner(id: &str) -> Learner {
        Learner {
            id: id.into(),
            name: format!("Learner {id}"),
            email: format!("{id}@example.org"),
            repository: String::new(),
        }
    }

    #[test]
    fn grades_export_as_csv_and_show_who_is_stuck() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gradebook.sqlite");
        let mut book = Gradebook::open(&path).unwrap();
        book.put_learners(&[learner("zoe"), learner("ada"), learner("bob")])
            .unwrap();
        let reference = Reference {
            checks: vec![check("a", 2, true), check("hidden.b", 3, true)],
            hidden: ["hidden.b".to_owned()].into(),
        };
        book.put_lab(Stage::Frame, 0, "2026-01-10T00:00:00Z", &reference)
            .unwrap();
        let mut late = grade(
            "zoe",
            vec![check("a", 2, true), check("hidden.b", 3, true)],
            Status::Graded,
        );
        late.late = Lateness {
            days: 3,
            percent: 30.0,
        };
        late.late_penalty = 1.5;
        late.final_points = 3.5;
        book.record(&late, None).unwrap();
        let mut tamperer = grade(
            "ada",
            vec![check("a", 2, true), check("hidden.b", 3, false)],
            Status::Graded,
        );
        tamperer.tampering = vec![TestChange {
            path: "labs/frame/tests/grade.rs".into(),
            change: Change::Edited,
        }];
        book.record(&tamperer, None).unwrap();
        let mut broken = grade("bob", Vec::new(), Status::BuildFailed);
        broken.detail = Some("error[E0308]: mismatched types\n --> src/a.rs".into());
        book.record(&broken, None).unwrap();
        // Grading again replaces, and the roster keeps its order.
        drop(book);
        let mut book = Gradebook::open(&path).unwrap();
        book.record(&tamperer, None).unwrap();

        let mut csv = Vec::new();
        book.export_csv(&mut csv, false).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "learner,name,email,lab,status,points,max_points,days_late,late_penalty,final,tampering,submitted_at,commit,auto_points,rubric_points,ungraded,ci_points,ci_max\n\
             zoe,Learner zoe,zoe@example.org,frame,graded,5,5,3,1.5,3.5,,2026-01-01T00:00:00Z,,5,0,0,,\n\
             ada,Learner ada,ada@example.org,frame,graded,2,5,0,0,2,labs/frame/tests/grade.rs (edited),2026-01-01T00:00:00Z,,2,0,0,,\n\
             bob,Learner bob,bob@example.org,frame,build_failed,0,5,0,0,0,,2026-01-01T00:00:00Z,,0,0,0,,\n"
        );
        let mut csv = Vec::new();
        book.export_csv(&mut csv, true).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert!(
            text.contains("ada,frame,hidden.b,0,3,false,false,true,hidden.b failed,check\n"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 5, "{text}");

        let status = book.status().unwrap();
        assert_eq!((status.learners, status.grades, status.graded), (3, 3, 2));
        let stuck: Vec<(&str, &str)> = status
            .stuck
            .iter()
            .map(|s| (s.learner.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(stuck, [("ada", "2/5 points"), ("bob", "did not compile")]);
        assert_eq!(status.failing_checks.len(), 1);
        assert_eq!(
            (
                status.failing_checks[0].failed,
                status.failing_checks[0].graded
            ),
            (1, 2)
        );
        assert!(status.failing_checks[0].hidden);
        assert_eq!(
            status.not_compiling[0].error,
            "error[E0308]: mismatched types"
        );
        assert_eq!(status.tampering.len(), 1);
        let rows = book.check_rows(Some("ada")).unwrap();
        assert_eq!(rows[1].hints, ["think about hidden.b"]);
    }

    fn criterion(id: &str, points: u32, auto: bool) -> Criterion {
        Criterion {
            id: id.into(),
            title: format!("the {id}"),
            points,
            guidance: "judge it".into(),
            auto: auto.then(|| crate::course::AutoCheck {
                file: "spec.toml".into(),
                rule: crate::course::AutoRule::Present,
            }),
        }
    }

    #[test]
    fn rubric_points_add_to_the_total_and_the_late_penalty_takes_its_share() {
        let dir = tempfile::tempdir().unwrap();
        let mut book = Gradebook::open(&dir.path().join("g.sqlite")).unwrap();
        book.put_learners(&[learner("zoe"), learner("ada")])
            .unwrap();
        let reference = Reference {
            checks: vec![check("a", 2, true), check("b", 3, true)],
            hidden: Default::default(),
        };
        book.put_lab(Stage::Frame, 0, "2026-01-10T00:00:00Z", &reference)
            .unwrap();
        book.put_rubric(
            "frame",
            &[
                criterion("written", 1, true),
                criterion("reasons", 4, false),
            ],
        )
        .unwrap();
        let mut late = grade(
            "zoe",
            vec![check("a", 2, true), check("b", 3, true)],
            Status::Graded,
        );
        late.late = Lateness {
            days: 2,
            percent: 20.0,
        };
        book.record(&late, None).unwrap();
        book.record(
            &grade(
                "ada",
                vec![check("a", 2, true), check("b", 3, false)],
                Status::Graded,
            ),
            None,
        )
        .unwrap();

        // The API checks a score as the import does.
        let refuse = |book: &mut Gradebook, learner: &str, criterion: &str, points: f64| {
            book.set_rubric_score(learner, "frame", criterion, points, "", "me")
                .unwrap_err()
                .to_string()
        };
        assert!(refuse(&mut book, "zed", "reasons", 1.0).contains("unknown learner `zed`"));
        assert!(refuse(&mut book, "zoe", "style", 1.0).contains(
            "unknown criterion `style` for lab `frame`; expected one of: written, reasons"
        ));
        assert!(refuse(&mut book, "zoe", "reasons", 4.5).contains("over the maximum of 4"));
        assert!(refuse(&mut book, "zoe", "reasons", -1.0).contains("negative"));
        assert!(refuse(&mut book, "zoe", "reasons", f64::NAN).contains("not a number"));
        let err = book
            .set_rubric_score("zoe", "gather", "reasons", 1.0, "", "me")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("lab `gather` has no rubric; expected a lab with one: frame"),
            "{err}"
        );

        book.put_auto_scores(&[NewScore {
            learner: "zoe".into(),
            lab: "frame".into(),
            criterion: "written".into(),
            points: 1.0,
            comment: "auto-check: there".into(),
        }])
        .unwrap();
        book.set_rubric_score("zoe", "frame", "reasons", 3.5, "good", "me")
            .unwrap();
        let zoe = book.rubric("zoe", "frame").unwrap();
        assert_eq!(
            zoe.iter()
                .map(|r| (r.criterion.as_str(), r.max_points, r.points, r.automatic))
                .collect::<Vec<_>>(),
            [
                ("written", 1, Some(1.0), true),
                ("reasons", 4, Some(3.5), false)
            ]
        );
        assert_eq!(zoe[1].scored_by.as_deref(), Some("me"));

        let grades = book.grades().unwrap();
        let zoe = &grades[0];
        // 5 from the checks and 4.5 from the rubric, of 5 + 5; 20% late of 9.5.
        assert_eq!(
            (
                zoe.points,
                zoe.max_points,
                zoe.auto_points,
                zoe.rubric_points
            ),
            (9.5, 10, 5, 4.5)
        );
        assert!((zoe.late_penalty - 1.9).abs() < 1e-9 && (zoe.final_points - 7.6).abs() < 1e-9);
        assert_eq!((grades[1].points, grades[1].ungraded), (2.0, 2));

        let mut csv = Vec::new();
        book.export_csv(&mut csv, false).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(
            csv.contains("\nzoe,Learner zoe,zoe@example.org,frame,graded,9.5,10,2,1.9,7.6,,2026-01-01T00:00:00Z,,5,4.5,0,,\n"),
            "{csv}"
        );
        assert!(
            csv.contains(",2,10,0,0,2,,2026-01-01T00:00:00Z,,2,0,2,,\n"),
            "{csv}"
        );
        let mut csv = Vec::new();
        book.export_csv(&mut csv, true).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.contains("\nzoe,frame,b,3,3,true,false,false,,check\nzoe,frame,written,1,1,true,false,false,auto-check: there,rubric (auto)\nzoe,frame,reasons,3.5,4,false,false,false,good,rubric\n"), "{csv}");
        assert!(
            csv.contains("\nada,frame,reasons,,4,,false,false,,rubric\n"),
            "{csv}"
        );

        let ungraded = book.ungraded().unwrap();
        assert_eq!(
            ungraded
                .iter()
                .map(|u| (u.criterion.as_str(), u.learners.clone()))
                .collect::<Vec<_>>(),
            [
                ("written", vec!["ada".to_owned()]),
                ("reasons", vec!["ada".to_owned()])
            ]
        );
        // Grading again keeps the rubric's scores.
        book.record(&late, None).unwrap();
        assert_eq!(book.grades().unwrap()[0].rubric_points, 4.5);
    }

    #[test]
    fn a_missing_gradebook_says_to_grade_first() {
        let dir = tempfile::tempdir().unwrap();
        let err = Gradebook::open_existing(&dir.path().join("g.sqlite"))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("ninety cohort grade"), "{err}");
    }
}
