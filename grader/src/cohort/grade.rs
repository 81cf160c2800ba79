//! `ninety cohort grade`: every collected submission graded with the
//! instructor's checks, N at a time, into the gradebook.
//!
//! First each lab's solution is graded in the instructor's tree: that
//! builds the dependencies (once, for every submission after), proves the
//! checks pass on the solution, and gives each lab's checks and points, so a
//! submission that does not compile still has a maximum. Then N workers,
//! each with a grading tree of its own, take submissions from one queue
//! (see [`super::runner`]). Each result is marked down for lateness by the
//! cohort's policy and written to the gradebook as it comes. Last, each
//! lab's rubric is recorded and its automatic criteria are scored from the
//! submitted files (see [`super::rubric`]).

use super::collect::{FILES_DIR, SUBMISSION_FILE, Submission};
use super::config::{Lateness, Learner, format_time};
use super::gradebook::Gradebook;
use super::runner::{self, Built, Limits, Ran};
use super::tamper::{self, ReleaseManifest, TestChange};
use super::{Cohort, CohortError, slash_path};
use crate::cargo::how_it_ended;
use crate::course::LabInfo;
use crate::markers::Role;
use crate::report::CheckResult;
use ninety_kit::Stage;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What to grade, and how.
#[derive(Debug, Clone)]
pub struct GradeOptions {
    /// The labs (none: every lab of the cohort).
    pub labs: Vec<Stage>,
    /// The learners (none: everyone on the roster).
    pub learners: Vec<String>,
    /// Submissions graded at once.
    pub jobs: usize,
    /// Limits on each submission.
    pub limits: Limits,
    /// The shared target folder (default: `grading/target` in the cohort).
    pub target_dir: Option<PathBuf>,
}

impl Default for GradeOptions {
    fn default() -> Self {
        Self {
            labs: Vec::new(),
            learners: Vec::new(),
            jobs: 1,
            limits: Limits::default(),
            target_dir: None,
        }
    }
}

/// How grading a submission ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The checks ran.
    Graded,
    /// The lab did not compile (or its build ran past the limit).
    BuildFailed,
    /// The checks ran past the time limit and were stopped.
    TimedOut,
    /// The checks ended without a report (the process was killed, ran out of memory...).
    NoReport,
    /// Nothing was collected.
    Missing,
    /// Grading itself failed (not the learner's doing): see the detail.
    Error,
}

impl Status {
    /// The word for it, as the gradebook stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Graded => "graded",
            Status::BuildFailed => "build_failed",
            Status::TimedOut => "timed_out",
            Status::NoReport => "no_report",
            Status::Missing => "missing",
            Status::Error => "error",
        }
    }

    /// The status stored as `word`.
    pub fn parse(word: &str) -> Option<Self> {
        [
            Status::Graded,
            Status::BuildFailed,
            Status::TimedOut,
            Status::NoReport,
            Status::Missing,
            Status::Error,
        ]
        .into_iter()
        .find(|s| s.as_str() == word)
    }

    /// What it means, for a person.
    pub fn describe(self) -> &'static str {
        match self {
            Status::Graded => "graded",
            Status::BuildFailed => "did not compile",
            Status::TimedOut => "ran past the time limit",
            Status::NoReport => "ended without a report",
            Status::Missing => "no submission",
            Status::Error => "grading failed",
        }
    }
}

/// One learner's grade for one lab.
#[derive(Debug, Clone, Serialize)]
pub struct LabGrade {
    /// The learner.
    pub learner: String,
    /// The lab.
    pub lab: Stage,
    /// How grading ended.
    pub status: Status,
    /// Points earned by the instructor's checks.
    pub points: u32,
    /// Points possible.
    pub max_points: u32,
    /// How late it was.
    pub late: Lateness,
    /// Points taken off for lateness.
    pub late_penalty: f64,
    /// Points after the penalty.
    #[serde(rename = "final")]
    pub final_points: f64,
    /// Released test files the submission changed (never run).
    pub tampering: Vec<TestChange>,
    /// Listed files the submission lacked (graded as the starter).
    pub lacked: Vec<String>,
    /// When the work was made.
    pub submitted_at: Option<String>,
    /// The commit graded, for git submissions.
    pub commit: Option<String>,
    /// Every check's result (empty unless graded).
    pub checks: Vec<CheckResult>,
    /// Compiler errors, how a run ended, or why grading failed.
    pub detail: Option<String>,
    /// How long grading took, in seconds.
    pub seconds: f64,
}

/// Each lab's checks as the instructor's solution runs them.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The checks, in order, with their points and hints.
    pub checks: Vec<CheckResult>,
    /// The ids of the hidden checks (not in the released tests).
    pub hidden: BTreeSet<String>,
}

impl Reference {
    /// Points possible.
    pub fn max_points(&self) -> u32 {
        self.checks.iter().map(|c| c.max_points).sum()
    }
}

/// What grading reports as it goes.
#[derive(Debug)]
pub enum GradeEvent<'a> {
    /// Grading trees are being made.
    Preparing {
        /// How many.
        slots: usize,
    },
    /// A lab's solution is being built and graded (the first build of the
    /// dependencies happens here).
    Reference(Stage),
    /// The solution's checks did not all pass: those that failed.
    ReferenceFailing(Stage, Vec<String>),
    /// A submission was graded.
    Graded(&'a LabGrade),
}

/// The labs asked for, checked against the cohort (all of them when none).
pub fn chosen_labs(cohort: &Cohort, asked: &[Stage]) -> Result<Vec<Stage>, CohortError> {
    let all: Vec<Stage> = cohort.config.labs.iter().map(|l| l.name).collect();
    if asked.is_empty() {
        return Ok(all);
    }
    for lab in asked {
        if !all.contains(lab) {
            return Err(CohortError::Unmet(format!(
                "lab `{lab}` is not in the cohort; its labs: {}",
                all.iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    Ok(all.into_iter().filter(|l| asked.contains(l)).collect())
}

/// The learners asked for, checked against the roster (all when none).
pub fn chosen_learners<'a>(
    cohort: &'a Cohort,
    asked: &[String],
) -> Result<Vec<&'a Learner>, CohortError> {
    for id in asked {
        if cohort.roster.learner(id).is_none() {
            return Err(CohortError::Unmet(format!(
                "no learner `{id}` on the roster `{}`",
                cohort.config.roster.display()
            )));
        }
    }
    Ok(cohort
        .roster
        .learners
        .iter()
        .filter(|l| asked.is_empty() || asked.contains(&l.id))
        .collect())
}

/// A submission waiting to be graded.
struct Job {
    learner: String,
    lab: Stage,
    submission: Submission,
    dir: PathBuf,
}

/// What a worker found.
struct Found {
    status: Status,
    checks: Vec<CheckResult>,
    tampering: Vec<TestChange>,
    lacked: Vec<String>,
    detail: Option<String>,
}

/// Grades the cohort's submissions, telling `on_event` as it goes, and
/// returns every grade (missing submissions included), learners in roster
/// order, labs in cohort order.
pub fn grade(
    cohort: &Cohort,
    options: &GradeOptions,
    on_event: &mut dyn FnMut(GradeEvent<'_>),
) -> Result<Vec<LabGrade>, CohortError> {
    let course = cohort.course()?;
    let root = cohort.course_root();
    let labs = chosen_labs(cohort, &options.labs)?;
    let learners = chosen_learners(cohort, &options.learners)?;
    let manifest = if cohort.release_manifest().is_file() {
        ReleaseManifest::load(&cohort.release_manifest())?
    } else {
        ReleaseManifest::of_course(&root)?
    };
    // What there is to grade, and what was never collected.
    let mut queue = VecDeque::new();
    let mut absent: Vec<(String, Stage, Option<String>)> = Vec::new();
    for learner in &learners {
        for &lab in &labs {
            let dir = cohort.submission_dir(&learner.id, lab.as_str());
            if !dir.join(SUBMISSION_FILE).is_file() {
                absent.push((learner.id.clone(), lab, None));
                continue;
            }
            match Submission::load(&dir) {
                Ok(submission) => queue.push_back(Job {
                    learner: learner.id.clone(),
                    lab,
                    submission,
                    dir,
                }),
                Err(e) => {
                    absent.push((learner.id.clone(), lab, Some(ninety_kit::error::chain(&e))))
                }
            }
        }
    }

    // A grading tree per job slot; no more slots than submissions.
    let jobs = options.jobs.clamp(1, queue.len().max(1));
    let grading = cohort.grading_dir();
    let target = options
        .target_dir
        .clone()
        .unwrap_or_else(|| grading.join("target"));
    let slots: Vec<PathBuf> = (0..jobs)
        .map(|k| grading.join(format!("slot-{k}")))
        .collect();
    on_event(GradeEvent::Preparing { slots: jobs });
    let files = crate::release::source_files(&root)?;
    for slot in &slots {
        runner::make_tree(&root, &files, &slot.join("tree"))?;
    }
    // The instructor's own build already holds every dependency: the
    // grading trees' first build compiles only the course's packages.
    crate::seed::seed_target(
        &slots[0].join("tree"),
        &crate::seed::target_dir_of(&root),
        &target,
    )
    .map_err(|source| CohortError::Io {
        path: target.clone(),
        source,
    })?;
    let mut book = Gradebook::open(&cohort.gradebook_path())?;
    book.put_learners(&cohort.roster.learners)?;
    let lock = Mutex::new(());

    let mut references: BTreeMap<Stage, Reference> = BTreeMap::new();
    for (position, &lab) in labs.iter().enumerate() {
        on_event(GradeEvent::Reference(lab));
        let lab_info = course.lab_named(lab.as_str())?;
        let reference = reference(&root, lab_info, &slots[0], &target, &options.limits, &lock)?;
        let failing: Vec<String> = reference
            .checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.id.clone())
            .collect();
        if !failing.is_empty() {
            on_event(GradeEvent::ReferenceFailing(lab, failing));
        }
        let due = cohort
            .config
            .lab(lab)
            .map(|l| format_time(l.due))
            .unwrap_or_default();
        book.put_lab(lab, position, &due, &reference)?;
        references.insert(lab, reference);
    }

    let mut grades: Vec<LabGrade> = Vec::new();
    for (learner, lab, detail) in absent {
        let grade = LabGrade {
            learner,
            lab,
            status: Status::Missing,
            points: 0,
            max_points: references[&lab].max_points(),
            late: Lateness::default(),
            late_penalty: 0.0,
            final_points: 0.0,
            tampering: Vec::new(),
            lacked: Vec::new(),
            submitted_at: None,
            commit: None,
            checks: Vec::new(),
            detail,
            seconds: 0.0,
        };
        book.record(&grade, None)?;
        on_event(GradeEvent::Graded(&grade));
        grades.push(grade);
    }

    let queue = Mutex::new(queue);
    let course = &course;
    let root = root.as_path();
    let manifest = &manifest;
    let target = target.as_path();
    let lock = &lock;
    let references = &references;
    std::thread::scope(|scope| -> Result<(), CohortError> {
        let (tx, rx) = std::sync::mpsc::channel();
        for slot in &slots {
            let tx = tx.clone();
            let queue = &queue;
            scope.spawn(move || {
                loop {
                    let Some(job) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
                    else {
                        break;
                    };
                    let started = Instant::now();
                    let found = course
                        .lab_named(job.lab.as_str())
                        .map_err(CohortError::from)
                        .and_then(|lab| {
                            grade_one(
                                &job,
                                lab,
                                root,
                                slot,
                                manifest,
                                target,
                                &options.limits,
                                lock,
                            )
                        })
                        .unwrap_or_else(|e| Found {
                            status: Status::Error,
                            checks: Vec::new(),
                            tampering: Vec::new(),
                            lacked: Vec::new(),
                            detail: Some(ninety_kit::error::chain(&e)),
                        });
                    if tx.send((job, found, started.elapsed())).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (job, found, took) in rx {
            let grade = finish(cohort, &job, found, &references[&job.lab], took);
            book.record(&grade, Some(&job.submission))?;
            on_event(GradeEvent::Graded(&grade));
            grades.push(grade);
        }
        Ok(())
    })?;
    // Each lab's rubric, and the auto-checks of what was collected (a score
    // an instructor gave is kept).
    super::rubric::sync(cohort, &mut book, &labs)?;

    let order = |g: &LabGrade| {
        (
            learners.iter().position(|l| l.id == g.learner),
            labs.iter().position(|l| *l == g.lab),
        )
    };
    grades.sort_by_key(order);
    Ok(grades)
}

/// Grades the instructor's solution of `lab` in `slot`'s tree.
fn reference(
    root: &Path,
    lab: &LabInfo,
    slot: &Path,
    target: &Path,
    limits: &Limits,
    lock: &Mutex<()>,
) -> Result<Reference, CohortError> {
    let tree = slot.join("tree");
    runner::install(&tree, root, lab, None)?;
    let fix = "fix it (`ninety lab check` shows why) before grading the cohort";
    let program = match runner::build(
        &tree,
        root,
        lab,
        target,
        &slot.join("grade-program"),
        limits.build_time,
        lock,
    )? {
        Built::Program(p) => p,
        Built::Failed(errors) => {
            return Err(CohortError::Unmet(format!(
                "the instructor's solution of lab `{}` does not compile; {fix}:\n{errors}",
                lab.stage
            )));
        }
        Built::TimedOut => {
            return Err(CohortError::Unmet(format!(
                "building the instructor's solution of lab `{}` ran past {}s; raise --build-time-limit",
                lab.stage,
                limits.build_time.as_secs()
            )));
        }
    };
    let ran = runner::run(
        &program,
        &tree,
        root,
        lab,
        &slot.join("grades"),
        &slot.join("home"),
        limits,
    )?;
    let report = match ran {
        Ran::Report { report, .. } => report,
        Ran::TimedOut { .. } => {
            return Err(CohortError::Unmet(format!(
                "the checks of lab `{}` ran past {}s on the instructor's solution; raise --time-limit",
                lab.stage,
                limits.time.as_secs()
            )));
        }
        Ran::NoReport { output } => {
            return Err(CohortError::Unmet(format!(
                "the checks of lab `{}` ended without a report on the instructor's solution; {fix}:\n{}",
                lab.stage,
                how_it_ended(&output, 20)
            )));
        }
    };
    let hidden = hidden_checks(root, lab, &report.checks)?;
    Ok(Reference {
        checks: report.checks,
        hidden,
    })
}

/// The checks whose ids the released tests of `lab` do not name: the hidden ones.
fn hidden_checks(
    root: &Path,
    lab: &LabInfo,
    checks: &[CheckResult],
) -> Result<BTreeSet<String>, CohortError> {
    let released = tests_text(root, lab, true)?;
    Ok(checks
        .iter()
        .filter(|c| !released.contains(&format!("\"{}\"", c.id)))
        .map(|c| c.id.clone())
        .collect())
}

/// The text of `lab`'s test files, all of it or (`as_released`) as a
/// release gives them to learners, hidden checks taken out: a check is
/// visible when its id, quoted, appears in the released text.
pub(crate) fn tests_text(
    root: &Path,
    lab: &LabInfo,
    as_released: bool,
) -> Result<String, CohortError> {
    let tests = lab.dir.join("tests");
    let mut released = String::new();
    for entry in walkdir::WalkDir::new(&tests)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let bytes = std::fs::read(entry.path()).map_err(CohortError::io(entry.path()))?;
        let bytes = if as_released {
            tamper::released_bytes(rel, bytes, Role::Tests)
        } else {
            bytes
        };
        released.push_str(&String::from_utf8_lossy(&bytes));
    }
    Ok(released)
}

/// Grades one submission in `slot`'s tree.
#[allow(clippy::too_many_arguments)]
fn grade_one(
    job: &Job,
    lab: &LabInfo,
    root: &Path,
    slot: &Path,
    manifest: &ReleaseManifest,
    target: &Path,
    limits: &Limits,
    lock: &Mutex<()>,
) -> Result<Found, CohortError> {
    let files = job.dir.join(FILES_DIR);
    let lab_dir = slash_path(&runner::lab_rel(lab, root));
    let tampering: Vec<TestChange> = tamper::verify(&files, manifest, Some(&[lab_dir]))
        .into_iter()
        .filter(|c| c.change.is_tampering())
        .collect();
    let tree = slot.join("tree");
    let lacked = runner::install(&tree, root, lab, Some(&files))?;
    let mut found = Found {
        status: Status::Graded,
        checks: Vec::new(),
        tampering,
        lacked,
        detail: None,
    };
    let built = runner::build(
        &tree,
        root,
        lab,
        target,
        &slot.join("grade-program"),
        limits.build_time,
        lock,
    )?;
    let program = match built {
        Built::Program(p) => p,
        Built::Failed(errors) => {
            found.status = Status::BuildFailed;
            found.detail = Some(errors);
            return Ok(found);
        }
        Built::TimedOut => {
            found.status = Status::BuildFailed;
            found.detail = Some(format!(
                "the build ran past its limit of {}s",
                limits.build_time.as_secs()
            ));
            return Ok(found);
        }
    };
    match runner::run(
        &program,
        &tree,
        root,
        lab,
        &slot.join("grades"),
        &slot.join("home"),
        limits,
    )? {
        Ran::Report { report, .. } => found.checks = report.checks,
        Ran::TimedOut { output } => {
            found.status = Status::TimedOut;
            found.detail = Some(format!(
                "stopped after {}s; the last it printed:\n{}",
                limits.time.as_secs(),
                how_it_ended(&output, 20)
            ));
        }
        Ran::NoReport { output } => {
            found.status = Status::NoReport;
            found.detail = Some(how_it_ended(&output, 20));
        }
    }
    Ok(found)
}

/// The grade of a graded submission: points, then the late penalty.
fn finish(
    cohort: &Cohort,
    job: &Job,
    found: Found,
    reference: &Reference,
    took: Duration,
) -> LabGrade {
    let points: u32 = found.checks.iter().map(|c| c.points).sum();
    let late = match (cohort.config.lab(job.lab), job.submission.time()) {
        (Some(lab), Some(at)) => cohort.config.late.lateness(lab.due, at),
        _ => Lateness::default(),
    };
    let late_penalty = cohort.config.late.penalty(points, late);
    LabGrade {
        learner: job.learner.clone(),
        lab: job.lab,
        status: found.status,
        points,
        max_points: reference.max_points(),
        late,
        late_penalty,
        final_points: f64::from(points) - late_penalty,
        tampering: found.tampering,
        lacked: found.lacked,
        submitted_at: Some(job.submission.submitted_at.clone()),
        commit: job.submission.commit.clone(),
        checks: found.checks,
        detail: found.detail.map(|d| {
            if d.len() > 16 * 1024 {
                let mut end = 16 * 1024;
                while !d.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}\n[... cut]", &d[..end])
            } else {
                d
            }
        }),
        seconds: took.as_secs_f64(),
    }
}
