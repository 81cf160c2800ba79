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

use super::collect::Submission;
use super::config::Learner;
use super::grade::{LabGrade, Reference, Status};
use super::{CohortError, fmt_points};
use ninety_kit::Stage;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
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
PRAGMA user_version = 1;
";

/// The cohort's gradebook.
pub struct Gradebook {
    conn: Connection,
    path: PathBuf,
}

/// One learner's grade for one lab, as the gradebook holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Points earned.
    pub points: u32,
    /// Points possible.
    pub max_points: u32,
    /// Days late.
    pub days_late: u32,
    /// Percent taken off for lateness.
    pub penalty_percent: f64,
    /// Points taken off for lateness.
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
}

/// One check's result for one learner and lab.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotCompiling {
    /// The learner's id.
    pub learner: String,
    /// The lab.
    pub lab: String,
    /// The first error line.
    pub error: String,
}

/// The cohort at a glance.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

    /// Every grade, learners in roster order, labs in cohort order.
    pub fn grades(&self) -> Result<Vec<GradeRow>, CohortError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT g.learner, COALESCE(l.name, ''), COALESCE(l.email, ''), g.lab, g.status,
                        g.points, g.max_points, g.days_late, g.penalty_percent, g.late_penalty, g.final,
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
                    points: r.get(5)?,
                    max_points: r.get(6)?,
                    days_late: r.get(7)?,
                    penalty_percent: r.get(8)?,
                    late_penalty: r.get(9)?,
                    final_points: r.get(10)?,
                    tampering: Vec::new(),
                    submitted_at: r.get(11)?,
                    commit: r.get(12)?,
                    detail: r.get(13)?,
                })
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let mut row = row.map_err(|e| self.err(e))?;
            row.tampering = self.tampering_of(&row.learner, &row.lab)?;
            out.push(row);
        }
        Ok(out)
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

    /// Writes the gradebook as CSV: one row per learner and lab (points,
    /// max, late penalty, final), or with `checks` one row per check.
    pub fn export_csv(&self, to: impl std::io::Write, checks: bool) -> Result<(), CohortError> {
        let csv_err = |e: csv::Error| CohortError::Unmet(format!("writing the CSV: {e}"));
        let mut w = csv::Writer::from_writer(to);
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
            ])
            .map_err(csv_err)?;
            for c in self.check_rows(None)? {
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
                ])
                .map_err(csv_err)?;
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
            ])
            .map_err(csv_err)?;
            for g in self.grades()? {
                w.write_record([
                    g.learner.as_str(),
                    &g.name,
                    &g.email,
                    &g.lab,
                    &g.status,
                    &g.points.to_string(),
                    &g.max_points.to_string(),
                    &g.days_late.to_string(),
                    &fmt_points(g.late_penalty),
                    &fmt_points(g.final_points),
                    &g.tampering.join("; "),
                    g.submitted_at.as_deref().unwrap_or(""),
                    g.commit.as_deref().unwrap_or(""),
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
                Status::Graded if g.points * 2 < g.max_points => {
                    Some(format!("{}/{} points", g.points, g.max_points))
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
        Ok(CohortStatus {
            learners: count("SELECT COUNT(*) FROM learners")?,
            grades: grades.len() as u32,
            graded: count("SELECT COUNT(*) FROM grades WHERE status = 'graded'")?,
            stuck,
            failing_checks,
            not_compiling,
            tampering,
        })
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
            "learner,name,email,lab,status,points,max_points,days_late,late_penalty,final,tampering,submitted_at,commit\n\
             zoe,Learner zoe,zoe@example.org,frame,graded,5,5,3,1.5,3.5,,2026-01-01T00:00:00Z,\n\
             ada,Learner ada,ada@example.org,frame,graded,2,5,0,0,2,labs/frame/tests/grade.rs (edited),2026-01-01T00:00:00Z,\n\
             bob,Learner bob,bob@example.org,frame,build_failed,0,5,0,0,0,,2026-01-01T00:00:00Z,\n"
        );
        let mut csv = Vec::new();
        book.export_csv(&mut csv, true).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert!(
            text.contains("ada,frame,hidden.b,0,3,false,false,true,hidden.b failed\n"),
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
