//! What the cohort view shows, read once from the cohort folder and its
//! gradebook: the roster, the labs, every grade and check result, the
//! checks that fail most. Reading never writes: a cohort with no
//! gradebook yet is shown as one with nothing graded, and no file is made.

use ninety_grader::cohort::config::{LatePolicy, Learner};
use ninety_grader::cohort::feedback;
use ninety_grader::cohort::grade::Status;
use ninety_grader::cohort::gradebook::{CheckRow, FailingCheck, GradeRow, Gradebook};
use ninety_grader::cohort::{COHORT_FILE, Cohort, CohortError, fmt_points};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The cohort as the view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    /// The cohort folder.
    pub dir: PathBuf,
    /// The cohort's name.
    pub name: String,
    /// The gradebook file.
    pub gradebook: PathBuf,
    /// How late work is marked down (the feedback explains it).
    pub policy: LatePolicy,
    /// The rows: the roster in its order, then anyone graded who has left it.
    pub learners: Vec<Learner>,
    /// The columns: the cohort's labs in order, then any other lab graded.
    pub labs: Vec<String>,
    /// Each grade, by learner id and lab.
    pub grades: BTreeMap<(String, String), GradeRow>,
    /// Every check result, in roster, lab and check order.
    pub checks: Vec<CheckRow>,
    /// Each lab's due time as the gradebook records it.
    pub dues: BTreeMap<String, Option<String>>,
    /// Checks that failed at least once, most failed first.
    pub failing: Vec<FailingCheck>,
    /// Learner and lab pairs below half the points, or with no checks run.
    pub stuck: usize,
    /// When the last grade was recorded.
    pub graded_at: Option<String>,
}

/// How one cell of the grid reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Late: the penalty was taken.
    Late,
    /// Released test files were changed (and not used).
    Tampering,
    /// The code did not compile.
    NotCompiling,
    /// No check ran for another reason: time limit, crash, grading error.
    NoChecks,
    /// Rubric criteria wait to be scored.
    Unscored,
}

impl Mark {
    /// Its sign in a cell.
    pub fn sign(self) -> &'static str {
        match self {
            Mark::Late => "L",
            Mark::Tampering => "T",
            Mark::NotCompiling => "✗",
            Mark::NoChecks => "!",
            Mark::Unscored => "R",
        }
    }

    /// Every mark with its meaning, for the legend, and its meaning in
    /// fewer words for a narrow one.
    pub const LEGEND: [(Mark, &'static str, &'static str); 5] = [
        (Mark::Late, "late", "late"),
        (Mark::Tampering, "tests changed", "tests changed"),
        (Mark::NotCompiling, "did not compile", "no build"),
        (Mark::NoChecks, "no checks ran", "no checks"),
        (Mark::Unscored, "rubric to score", "to score"),
    ];
}

/// The sign of a lab with no submission.
pub const NOT_SUBMITTED: &str = "—";

impl Data {
    /// Reads the cohort in `dir` and its gradebook (none yet: nothing graded).
    pub fn load(dir: &Path) -> Result<Self, CohortError> {
        if !dir.is_dir() {
            return Err(CohortError::Unmet(format!(
                "there is no cohort folder `{}`; make one with `ninety cohort new {} --roster roster.csv`, or name an existing one with --cohort DIR",
                dir.display(),
                dir.display()
            )));
        }
        if !dir.join(COHORT_FILE).is_file() {
            return Err(CohortError::NotACohort(dir.to_owned()));
        }
        Self::of(&Cohort::open(dir)?)
    }

    /// Reads `cohort`'s gradebook.
    pub fn of(cohort: &Cohort) -> Result<Self, CohortError> {
        let path = cohort.gradebook_path();
        let mut data = Data {
            dir: cohort.dir.clone(),
            name: cohort.config.name.clone(),
            gradebook: path.clone(),
            policy: cohort.config.late,
            learners: cohort.roster.learners.clone(),
            labs: cohort
                .config
                .labs
                .iter()
                .map(|l| l.name.as_str().to_owned())
                .collect(),
            grades: BTreeMap::new(),
            checks: Vec::new(),
            dues: BTreeMap::new(),
            failing: Vec::new(),
            stuck: 0,
            graded_at: None,
        };
        // Opening a gradebook that is not there would make one.
        if !path.is_file() {
            return Ok(data);
        }
        let book = Gradebook::open_existing(&path)?;
        for g in book.grades()? {
            if !data.learners.iter().any(|l| l.id == g.learner) {
                data.learners.push(Learner {
                    id: g.learner.clone(),
                    name: if g.name.is_empty() {
                        g.learner.clone()
                    } else {
                        g.name.clone()
                    },
                    email: g.email.clone(),
                    repository: String::new(),
                });
            }
            if !data.labs.contains(&g.lab) {
                data.labs.push(g.lab.clone());
            }
            data.grades.insert((g.learner.clone(), g.lab.clone()), g);
        }
        for lab in &data.labs {
            data.dues.insert(lab.clone(), book.due(lab)?);
        }
        data.checks = book.check_rows(None)?;
        let status = book.status()?;
        data.failing = status.failing_checks;
        data.stuck = status.stuck.len();
        data.graded_at = book.last_graded_at()?;
        Ok(data)
    }

    /// Whether anything has been graded.
    pub fn is_empty(&self) -> bool {
        self.grades.is_empty()
    }

    /// The grade of learner `row` for lab `col`, if there is one.
    pub fn grade(&self, row: usize, col: usize) -> Option<&GradeRow> {
        let learner = self.learners.get(row)?;
        let lab = self.labs.get(col)?;
        self.grades.get(&(learner.id.clone(), lab.clone()))
    }

    /// Grades recorded for work that was submitted.
    pub fn submissions(&self) -> usize {
        self.grades
            .values()
            .filter(|g| g.status != Status::Missing.as_str())
            .count()
    }

    /// Grades whose checks ran.
    pub fn graded(&self) -> usize {
        self.grades
            .values()
            .filter(|g| g.status == Status::Graded.as_str())
            .count()
    }

    /// Rubric criteria still to score, over every submitted lab.
    pub fn unscored(&self) -> u32 {
        self.grades
            .values()
            .filter(|g| g.status != Status::Missing.as_str())
            .map(|g| g.ungraded)
            .sum()
    }

    /// The feedback of learner `row`, as `ninety cohort feedback` writes it.
    pub fn feedback(&self, row: usize) -> Option<String> {
        let learner = self.learners.get(row)?;
        let mine: Vec<&GradeRow> = self
            .labs
            .iter()
            .filter_map(|lab| self.grades.get(&(learner.id.clone(), lab.clone())))
            .collect();
        if mine.is_empty() {
            return None;
        }
        let dues: Vec<Option<String>> = mine
            .iter()
            .map(|g| self.dues.get(&g.lab).cloned().flatten())
            .collect();
        let checks: Vec<CheckRow> = self
            .checks
            .iter()
            .filter(|c| c.learner == learner.id)
            .cloned()
            .collect();
        Some(feedback::render(
            learner,
            &mine,
            &dues,
            &checks,
            &self.policy,
        ))
    }
}

/// A cell's text, its marks, and the share of the points it holds (none
/// for a lab not submitted).
pub fn cell(grade: Option<&GradeRow>) -> (String, Option<f64>) {
    let Some(g) = grade else {
        return (NOT_SUBMITTED.to_owned(), None);
    };
    let status = Status::parse(&g.status).unwrap_or(Status::Error);
    if status == Status::Missing {
        return (NOT_SUBMITTED.to_owned(), None);
    }
    let mut text = format!("{}/{}", fmt_points(g.final_points), g.max_points);
    let mut marks = Vec::new();
    match status {
        Status::Graded | Status::Missing => {}
        Status::BuildFailed => marks.push(Mark::NotCompiling),
        Status::TimedOut | Status::NoReport | Status::Error => marks.push(Mark::NoChecks),
    }
    if g.days_late > 0 {
        marks.push(Mark::Late);
    }
    if !g.tampering.is_empty() {
        marks.push(Mark::Tampering);
    }
    if g.ungraded > 0 {
        marks.push(Mark::Unscored);
    }
    if !marks.is_empty() {
        text.push(' ');
        text.extend(marks.iter().map(|m| m.sign()));
    }
    let share = if g.max_points == 0 {
        0.0
    } else {
        g.final_points / f64::from(g.max_points)
    };
    (text, Some(share))
}
