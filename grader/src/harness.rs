//! The harness lab tests are written with.
//!
//! A lab's `tests/grade.rs` is a test target with `harness = false` whose
//! `main` lists the lab's checks:
//!
//! ```no_run
//! use ninety_grader::{Check, Lab};
//!
//! fn main() -> std::process::ExitCode {
//!     Lab::new("frame")
//!         .check(Check::new("cost.totals", 3, || assert_eq!(1 + 1, 2))
//!             .hint("multiply each count by its cost"))
//!         .run()
//! }
//! ```
//!
//! Each check runs on its own thread under a time limit. A panic, a `todo!()`
//! or an assertion fails that check with a clear message, a loop past the
//! limit fails it as timed out, and the other checks still run. After the
//! libtest-style lines the harness prints the failing checks' hints, a points
//! summary and a `Points X/Y` line, and writes the [`GradeReport`].

use crate::report::{CheckResult, GRADES_DIR_ENV, GradeReport};
use libtest_mimic::{Arguments, Failed, Trial};
use std::cell::RefCell;
use std::fmt::Display;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, Once, mpsc};
use std::time::{Duration, Instant};

/// The time limit of a check that does not set its own.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(10);

/// What a check's body may return: nothing (it asserts), or a `Result`
/// whose error says what is wrong.
pub trait Outcome {
    /// `Ok` when the check passed, else the failure message.
    fn into_outcome(self) -> Result<(), String>;
}

impl Outcome for () {
    fn into_outcome(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: Display> Outcome for Result<(), E> {
    fn into_outcome(self) -> Result<(), String> {
        self.map_err(|e| e.to_string())
    }
}

type Body = Box<dyn FnOnce() -> Result<(), String> + Send + 'static>;

/// One graded check: an id, points, a hint, a time limit and a body.
pub struct Check {
    id: String,
    points: u32,
    hint: String,
    limit: Duration,
    body: Body,
}

impl Check {
    /// A check worth `points` that runs `body`.
    pub fn new<F, O>(id: &str, points: u32, body: F) -> Self
    where
        F: FnOnce() -> O + Send + 'static,
        O: Outcome,
    {
        Self {
            id: id.to_owned(),
            points,
            hint: String::new(),
            limit: DEFAULT_TIME_LIMIT,
            body: Box::new(move || body().into_outcome()),
        }
    }

    /// The hint shown when the check fails: what to look at, not the answer.
    pub fn hint(mut self, hint: &str) -> Self {
        self.hint = hint.to_owned();
        self
    }

    /// Overrides the time limit.
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// The check's id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// A lab's set of checks.
pub struct Lab {
    name: String,
    checks: Vec<Check>,
}

impl Lab {
    /// A lab named `name` (the crate is `lab-<name>`).
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            checks: Vec::new(),
        }
    }

    /// Adds a check.
    pub fn check(mut self, check: Check) -> Self {
        self.checks.push(check);
        self
    }

    /// Runs the checks with the process's command-line arguments (libtest's
    /// flags: filters, `--list`, `--test-threads`, ...), prints the summary,
    /// writes the report, and returns the exit code: success only when every
    /// check that ran passed.
    pub fn run(self) -> ExitCode {
        let args = Arguments::from_args();
        let grades_dir = grades_dir();
        match self.run_with(&args, grades_dir.as_deref()) {
            Some(report) if report.all_passed() => ExitCode::SUCCESS,
            Some(_) => ExitCode::FAILURE,
            None => ExitCode::SUCCESS,
        }
    }

    /// Runs with explicit arguments, writing the report into `grades_dir`
    /// when given. Returns the report, or `None` for `--list`.
    pub fn run_with(
        self,
        args: &Arguments,
        grades_dir: Option<&std::path::Path>,
    ) -> Option<GradeReport> {
        install_panic_hook();
        let lab = self.name.clone();
        let mut seen = std::collections::HashSet::new();
        for check in &self.checks {
            assert!(
                seen.insert(check.id.clone()),
                "lab `{lab}` declares check `{}` twice; check ids must be unique",
                check.id
            );
        }
        let results: Arc<Mutex<Vec<(usize, CheckResult)>>> = Arc::default();
        let total = self.checks.len();
        let trials: Vec<Trial> = self
            .checks
            .into_iter()
            .enumerate()
            .map(|(index, check)| {
                let results = Arc::clone(&results);
                let name = check.id.clone();
                let kind = format!(
                    "{} pt{}",
                    check.points,
                    if check.points == 1 { "" } else { "s" }
                );
                Trial::test(name, move || {
                    let result = run_check(check);
                    let outcome = if result.passed {
                        Ok(())
                    } else {
                        Err(Failed::from(format!(
                            "{}\nhint: {}",
                            result.message.as_deref().unwrap_or("failed"),
                            result.hint
                        )))
                    };
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((index, result));
                    outcome
                })
                .with_kind(kind)
            })
            .collect();
        let _conclusion = libtest_mimic::run(args, trials);
        if args.list {
            return None;
        }
        let mut ran = std::mem::take(&mut *results.lock().unwrap_or_else(|e| e.into_inner()));
        ran.sort_by_key(|(index, _)| *index);
        let partial = ran.len() < total;
        let report = GradeReport::new(&lab, ran.into_iter().map(|(_, r)| r).collect(), partial);
        print_summary(&report);
        if let Some(dir) = grades_dir {
            match report.write(dir) {
                Ok(()) => println!("report: {}", GradeReport::json_path(dir, &lab).display()),
                Err(e) => eprintln!(
                    "warning: cannot write the grade report into `{}`: {e}",
                    dir.display()
                ),
            }
        }
        Some(report)
    }
}

fn print_summary(report: &GradeReport) {
    let failing: Vec<&CheckResult> = report.checks.iter().filter(|c| !c.passed).collect();
    if !failing.is_empty() {
        println!("hints:");
        for check in failing {
            println!("  {} ({} pts): {}", check.id, check.max_points, check.hint);
        }
        println!();
    }
    let note = if report.partial {
        " (filtered run)"
    } else {
        ""
    };
    println!(
        "{}: {}/{} points{note}",
        report.lab, report.points, report.max_points
    );
    println!("Points {}/{}", report.points, report.max_points);
}

/// Where reports go: `$NINETY_GRADES_DIR`, else `<target>/ninety/grades`,
/// found from the test executable's own path (`<target>/<profile>/deps/…`).
pub fn grades_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(GRADES_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let exe = std::env::current_exe().ok()?;
    let target = exe
        .ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .map(PathBuf::from)
        .or_else(|| exe.ancestors().nth(3).map(PathBuf::from))?;
    Some(target.join("ninety").join("grades"))
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Replaces the default panic printout, for checks only, with a record of the
/// message and location, so a failing check reads as one clear message.
fn install_panic_hook() {
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_check = std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with("check:"));
            if !in_check {
                default(info);
                return;
            }
            let payload = ninety_kit::events::panic_text(info);
            let location = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(describe_panic(&payload, &location)));
        }));
    });
}

fn describe_panic(payload: &str, location: &str) -> String {
    if let Some(rest) = payload.strip_prefix("not yet implemented") {
        let hint = rest.trim_start_matches(':').trim();
        if hint.is_empty() {
            format!("reached a `todo!()`{location}: this step is not written yet")
        } else {
            format!("reached a `todo!()`{location}: this step is not written yet ({hint})")
        }
    } else {
        format!("panicked{location}: {payload}")
    }
}

/// Runs one check on its own thread, under its time limit.
fn run_check(check: Check) -> CheckResult {
    let Check {
        id,
        points,
        hint,
        limit,
        body,
    } = check;
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let spawned = std::thread::Builder::new()
        .name(format!("check:{id}"))
        .spawn(move || {
            let outcome = match catch_unwind(AssertUnwindSafe(body)) {
                Ok(outcome) => outcome,
                Err(_) => Err(LAST_PANIC
                    .with(|p| p.borrow_mut().take())
                    .unwrap_or_else(|| "panicked".to_owned())),
            };
            let _ = tx.send(outcome);
        });
    let (outcome, timed_out) = match spawned {
        Err(e) => (
            Err(format!("could not start the check's thread: {e}")),
            false,
        ),
        Ok(_handle) => match rx.recv_timeout(limit) {
            Ok(outcome) => (outcome, false),
            Err(mpsc::RecvTimeoutError::Timeout) => (
                Err(format!(
                    "still running after {:.1} s, its time limit: look for a loop that never ends or work that grows too fast",
                    limit.as_secs_f64()
                )),
                true,
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => (
                Err("the check's thread ended without a result".to_owned()),
                false,
            ),
        },
    };
    let passed = outcome.is_ok();
    CheckResult {
        id,
        points: if passed { points } else { 0 },
        max_points: points,
        passed,
        hint,
        message: outcome.err(),
        timed_out,
        millis: start.elapsed().as_millis() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet_args() -> Arguments {
        Arguments {
            quiet: true,
            test_threads: Some(2),
            ..Arguments::default()
        }
    }

    #[test]
    fn a_filter_makes_a_partial_report() {
        let lab = Lab::new("demo")
            .check(Check::new("spec.one", 1, || {}))
            .check(Check::new("cost.two", 1, || {}));
        let args = Arguments {
            filter: Some("spec".into()),
            ..quiet_args()
        };
        let report = lab.run_with(&args, None).unwrap();
        assert!(report.partial);
        assert_eq!(report.checks.len(), 1);
    }

    #[test]
    fn describes_todo_without_a_hint() {
        let msg = describe_panic("not yet implemented", " at src/lib.rs:3");
        assert_eq!(
            msg,
            "reached a `todo!()` at src/lib.rs:3: this step is not written yet"
        );
    }
}
