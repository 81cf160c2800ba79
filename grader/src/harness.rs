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
//!             .idea("the total is what every kind of mistake costs, together")
//!             .approach("weigh each count by what one such mistake costs")
//!             .hint("multiply each count by its cost and add them up"))
//!         .run()
//! }
//! ```
//!
//! Each check runs in a process of its own (the test binary again, asked to
//! run that one check), under a time limit and a memory limit. A panic, a
//! `todo!()` or an assertion fails that check with a clear message; so does
//! anything that ends the process: a stack overflow, an allocation past the
//! memory limit, or a call to `std::process::exit` inside the learner's code.
//! A loop past the limit fails it as timed out. Whatever happens, the other
//! checks still run and are graded. What a check prints is kept, up to a
//! screenful, and shown with its failure; the rest is read and dropped. After
//! the libtest-style lines the harness prints the failing checks' hints, a
//! points summary and a `Points X/Y` line, and writes the [`GradeReport`].
//!
//! For a check, [`expect_eq`] makes the usual failure say what went in, what
//! was expected and what came out.

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

/// The memory limit of a check that does not set its own: the address space
/// of its process, in bytes.
pub const DEFAULT_MEMORY_LIMIT: u64 = 4 << 30;

/// Set in a check's own process: the id of the one check it runs.
pub const CHECK_ENV: &str = "NINETY_GRADER_CHECK";

/// How a check's process reports its outcome: one line on stdout, this
/// prefix then the run's token (so that nothing a check prints by chance can
/// pass for it) then the outcome as JSON.
const RESULT_LINE: &str = "ninety-check-outcome: ";

/// Set in a check's own process: the token its outcome line carries.
const TOKEN_ENV: &str = "NINETY_GRADER_TOKEN";

/// The most of a check's output kept, from stdout and stderr each.
const KEPT_OUTPUT: usize = 8 * 1024;

/// A failure message saying what went in, what was expected and what came
/// out, or `Ok` when `got` is what was expected:
///
/// ```
/// # use ninety_grader::expect_eq;
/// let r = expect_eq("the spec `a = 1`", &2, &1);
/// assert_eq!(r.unwrap_err(), "for the spec `a = 1`: expected 2, got 1");
/// ```
pub fn expect_eq<E, G>(input: impl Display, expected: &E, got: &G) -> Result<(), String>
where
    E: std::fmt::Debug + ?Sized,
    G: std::fmt::Debug + PartialEq<E> + ?Sized,
{
    if got == expected {
        Ok(())
    } else {
        Err(format!("for {input}: expected {expected:?}, got {got:?}"))
    }
}

/// [`expect_eq`] as a statement: returns the failure from the check.
///
/// ```
/// # use ninety_grader::check_eq;
/// fn check() -> Result<(), String> {
///     check_eq!("1 + 1", 2, 1 + 1);
///     Ok(())
/// }
/// assert!(check().is_ok());
/// ```
#[macro_export]
macro_rules! check_eq {
    ($input:expr, $expected:expr, $got:expr $(,)?) => {
        $crate::expect_eq($input, &$expected, &$got)?
    };
}

/// Numbers compared to within a rounding error: `f64`, `f32`, and options
/// and slices of them.
pub trait Approx: std::fmt::Debug {
    /// Whether `self` and `other` are equal but for rounding.
    fn approx(&self, other: &Self) -> bool;
}

impl Approx for f64 {
    fn approx(&self, other: &Self) -> bool {
        let scale = self.abs().max(other.abs()).max(1.0);
        self == other || (self - other).abs() <= 1e-9 * scale
    }
}

impl Approx for f32 {
    fn approx(&self, other: &Self) -> bool {
        let scale = self.abs().max(other.abs()).max(1.0);
        self == other || (self - other).abs() <= 1e-5 * scale
    }
}

impl<T: Approx> Approx for Option<T> {
    fn approx(&self, other: &Self) -> bool {
        match (self, other) {
            (Some(a), Some(b)) => a.approx(b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl<T: Approx> Approx for [T] {
    fn approx(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.approx(b))
    }
}

impl<T: Approx> Approx for Vec<T> {
    fn approx(&self, other: &Self) -> bool {
        self[..].approx(&other[..])
    }
}

/// [`expect_eq`] for numbers that may differ by a rounding error.
///
/// ```
/// # use ninety_grader::expect_close;
/// assert!(expect_close("0.1 + 0.2", &0.3, &(0.1 + 0.2)).is_ok());
/// assert_eq!(
///     expect_close("the rate of 1 in 3", &Some(0.25), &None).unwrap_err(),
///     "for the rate of 1 in 3: expected Some(0.25), got None"
/// );
/// ```
pub fn expect_close<T: Approx + ?Sized>(
    input: impl Display,
    expected: &T,
    got: &T,
) -> Result<(), String> {
    if expected.approx(got) {
        Ok(())
    } else {
        Err(format!("for {input}: expected {expected:?}, got {got:?}"))
    }
}

/// [`expect_close`] as a statement: returns the failure from the check.
#[macro_export]
macro_rules! check_close {
    ($input:expr, $expected:expr, $got:expr $(,)?) => {
        $crate::expect_close($input, &$expected, &$got)?
    };
}

/// Fails the check with a message unless `condition` holds: for what
/// `check_eq!` cannot say, such as "at least" or "one of".
///
/// ```
/// # use ninety_grader::ensure;
/// fn check(f1: f64) -> Result<(), String> {
///     ensure!(f1 > 0.9, "spam F1 on the toy set: expected above 0.9, got {f1:.3}");
///     Ok(())
/// }
/// assert!(check(0.95).is_ok());
/// assert!(check(0.5).is_err());
/// ```
#[macro_export]
macro_rules! ensure {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err(format!($($message)+).into());
        }
    };
}

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

/// A check's hints, gentlest first: the idea, the approach, the code-level
/// hint. A learner sees one tier at a time and asks for the next, so being
/// stuck does not hand over the answer on the first press.
#[derive(Default)]
struct Tiers {
    idea: Option<String>,
    approach: Option<String>,
    code: Option<String>,
}

impl Tiers {
    fn into_vec(self) -> Vec<String> {
        [self.idea, self.approach, self.code]
            .into_iter()
            .flatten()
            .collect()
    }
}

/// One graded check: an id, points, tiered hints, a time and a memory limit,
/// and a body.
pub struct Check {
    id: String,
    points: u32,
    hints: Tiers,
    limit: Duration,
    memory: u64,
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
            hints: Tiers::default(),
            limit: DEFAULT_TIME_LIMIT,
            memory: DEFAULT_MEMORY_LIMIT,
            body: Box::new(move || body().into_outcome()),
        }
    }

    /// The first hint tier: the idea the check is about, in the chapter's
    /// words, with no code in it.
    pub fn idea(mut self, idea: &str) -> Self {
        self.hints.idea = Some(idea.to_owned());
        self
    }

    /// The second hint tier: the approach, the steps in plain words.
    pub fn approach(mut self, approach: &str) -> Self {
        self.hints.approach = Some(approach.to_owned());
        self
    }

    /// The last hint tier: the code-level hint (which function, which call),
    /// shown only when the learner asks past the idea and the approach.
    pub fn hint(mut self, hint: &str) -> Self {
        self.hints.code = Some(hint.to_owned());
        self
    }

    /// Overrides the time limit.
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// Overrides the memory limit (bytes of address space).
    pub fn memory_limit(mut self, bytes: u64) -> Self {
        self.memory = bytes;
        self
    }

    /// The check's id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Where a lab's checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Isolation {
    /// Each in a process of its own: what `Lab::run` does.
    Process,
    /// Each on a thread of this process (the harness's own unit tests).
    Thread,
}

/// A lab's set of checks.
pub struct Lab {
    name: String,
    checks: Vec<Check>,
    isolation: Isolation,
}

impl Lab {
    /// A lab named `name` (the crate is `lab-<name>`).
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            checks: Vec::new(),
            isolation: Isolation::Process,
        }
    }

    /// Runs each check on a thread of this process instead of a process of
    /// its own: quicker, but a check that ends the process ends them all.
    pub fn in_process(mut self) -> Self {
        self.isolation = Isolation::Thread;
        self
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
        if let Ok(id) = std::env::var(CHECK_ENV) {
            return self.run_one(&id);
        }
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
        let isolation = self.isolation;
        let lab_name = lab.clone();
        let trials: Vec<Trial> = self
            .checks
            .into_iter()
            .enumerate()
            .map(|(index, check)| {
                let results = Arc::clone(&results);
                let lab = lab_name.clone();
                let name = check.id.clone();
                let kind = format!(
                    "{} pt{}",
                    check.points,
                    if check.points == 1 { "" } else { "s" }
                );
                Trial::test(name, move || {
                    let result = match isolation {
                        Isolation::Process => run_in_process_of_its_own(check),
                        Isolation::Thread => run_check(check),
                    };
                    let outcome = if result.passed {
                        Ok(())
                    } else {
                        Err(Failed::from(format!(
                            "{}{}",
                            result.message.as_deref().unwrap_or("failed"),
                            first_hint(&lab, &result)
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

impl Lab {
    /// In a check's own process: runs the check `id` alone, under its
    /// memory limit, and prints its outcome as one line.
    fn run_one(self, id: &str) -> ExitCode {
        install_panic_hook();
        let Some(check) = self.checks.into_iter().find(|c| c.id == id) else {
            eprintln!("no check `{id}` in this lab");
            return ExitCode::FAILURE;
        };
        limit_memory(check.memory);
        let result = run_check(check);
        let outcome = Reported {
            message: result.message,
            timed_out: result.timed_out,
        };
        let line = serde_json::to_string(&outcome).expect("an outcome always serialises");
        let token = std::env::var(TOKEN_ENV).unwrap_or_default();
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        // On a line of its own, whatever the check printed last.
        let _ = writeln!(out, "\n{RESULT_LINE}{token} {line}");
        let _ = out.flush();
        ExitCode::SUCCESS
    }
}

/// What a check's process reports.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Reported {
    message: Option<String>,
    timed_out: bool,
}

/// A token no check can guess by chance: the outcome line must carry it.
fn fresh_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.write_u32(std::process::id());
    format!("{:016x}", hasher.finish())
}

/// Limits the memory this process may write to `bytes`, so a runaway
/// allocation fails here instead of slowing the whole machine. On Linux
/// that is the data limit, which counts heap and private mappings but not
/// address space merely reserved (thread arenas, guard pages), so a
/// many-threaded check is not refused memory it never uses.
fn limit_memory(bytes: u64) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use nix::sys::resource::{Resource, setrlimit};
        let _ = setrlimit(Resource::RLIMIT_DATA, bytes, bytes);
    }
    #[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
    {
        use nix::sys::resource::{Resource, setrlimit};
        let _ = setrlimit(Resource::RLIMIT_AS, bytes, bytes);
    }
    #[cfg(not(unix))]
    let _ = bytes;
}

/// Reads all of `from`, keeping at most [`KEPT_OUTPUT`] bytes of it, and
/// the check's outcome line if one comes.
fn drain(mut from: impl std::io::Read, marker: &str) -> (String, Option<String>) {
    let mut kept: Vec<u8> = Vec::new();
    let mut outcome = None;
    let mut line: Vec<u8> = Vec::new();
    let mut buf = [0u8; 8192];
    let mut dropped = 0usize;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            if b == b'\n' {
                let text = String::from_utf8_lossy(&line);
                if let Some(rest) = text.strip_prefix(marker) {
                    outcome = Some(rest.to_owned());
                } else if kept.len() + line.len() < KEPT_OUTPUT {
                    kept.extend_from_slice(&line);
                    kept.push(b'\n');
                } else {
                    dropped += line.len() + 1;
                }
                line.clear();
            } else if line.len() < KEPT_OUTPUT.max(RESULT_LINE.len() + 64 * 1024) {
                line.push(b);
            }
        }
    }
    if !line.is_empty() {
        if kept.len() + line.len() < KEPT_OUTPUT {
            kept.extend_from_slice(&line);
        } else {
            dropped += line.len();
        }
    }
    let mut text = String::from_utf8_lossy(&kept).into_owned();
    if dropped > 0 {
        text.push_str(&format!("[... {dropped} more bytes of output not kept]\n"));
    }
    (text, outcome)
}

/// Runs one check in a process of its own (this test binary again, with
/// [`CHECK_ENV`] naming the check), under its time limit, and says what
/// happened to it, however its process ended.
fn run_in_process_of_its_own(check: Check) -> CheckResult {
    let Check {
        id,
        points,
        hints,
        limit,
        memory,
        body: _,
    } = check;
    let hints = hints.into_vec();
    let start = Instant::now();
    let finish = |outcome: Result<(), String>, timed_out: bool| {
        let passed = outcome.is_ok();
        CheckResult {
            id: id.clone(),
            points: if passed { points } else { 0 },
            max_points: points,
            passed,
            hints: hints.clone(),
            message: outcome.err(),
            timed_out,
            millis: start.elapsed().as_millis() as u64,
        }
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            return finish(
                Err(format!(
                    "cannot find the test program to run the check: {e}"
                )),
                false,
            );
        }
    };
    let token = fresh_token();
    let marker = format!("{RESULT_LINE}{token} ");
    let mut child = match std::process::Command::new(exe)
        .env(CHECK_ENV, &id)
        .env(TOKEN_ENV, &token)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => return finish(Err(format!("cannot start the check's process: {e}")), false),
    };
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let out = std::thread::spawn(move || drain(stdout, &marker));
    let err = std::thread::spawn(move || drain(stderr, "\0"));
    // The check keeps its own time inside; this is the backstop for a
    // process that cannot (a check stuck where its thread cannot be left).
    let deadline = limit + Duration::from_secs(5);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break None,
        }
    };
    let (printed, outcome) = out.join().unwrap_or_default();
    let (errors, _) = err.join().unwrap_or_default();
    let Some(status) = status else {
        return finish(
            Err(format!(
                "still running after {:.1} s, past its time limit: look for a loop that never ends or work that grows too fast",
                limit.as_secs_f64()
            )),
            true,
        );
    };
    match outcome.and_then(|line| serde_json::from_str::<Reported>(&line).ok()) {
        Some(o) => {
            let outcome = match o.message {
                None => Ok(()),
                Some(message) => Err(with_output(message, &printed)),
            };
            finish(outcome, o.timed_out)
        }
        None => finish(
            Err(with_output(
                explain_crash(status, &errors, memory),
                &printed,
            )),
            false,
        ),
    }
}

/// A failure message with what the check printed, when it printed anything.
fn with_output(message: String, printed: &str) -> String {
    let printed = printed.trim();
    if printed.is_empty() {
        message
    } else {
        let lines: Vec<&str> = printed.lines().collect();
        let shown = lines.len().min(30);
        let more = if lines.len() > shown {
            format!("\n[... {} more lines]", lines.len() - shown)
        } else {
            String::new()
        };
        format!(
            "{message}\nthe check printed:\n{}{more}",
            lines[..shown].join("\n")
        )
    }
}

/// Why a check's process ended without reporting: read from how it ended
/// and from what it wrote on stderr.
fn explain_crash(status: std::process::ExitStatus, stderr: &str, memory: u64) -> String {
    let tail: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("note: "))
        .collect();
    let last = tail[tail.len().saturating_sub(3)..].join("\n");
    if stderr.contains("has overflowed its stack") {
        return "overflowed its stack: a recursion that never stops, or one far too deep"
            .to_owned();
    }
    if let Some(line) = stderr.lines().find(|l| l.contains("memory allocation of")) {
        return format!(
            "ran out of memory: it asked for more than the check's limit of {} MiB ({})",
            memory >> 20,
            line.trim()
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                6 => " (SIGABRT: the process aborted)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV: a memory access that is not allowed)",
                _ => "",
            };
            return format!(
                "ended the test process: killed by signal {signal}{name}{}",
                if last.is_empty() {
                    String::new()
                } else {
                    format!("; it said: {last}")
                }
            );
        }
    }
    match status.code() {
        Some(code) => format!(
            "ended the test process with exit code {code} before the check returned: a check must return, so no lab code may call `std::process::exit`{}",
            if last.is_empty() {
                String::new()
            } else {
                format!("; it said: {last}")
            }
        ),
        None => "ended the test process without an exit code".to_owned(),
    }
}

/// The first hint tier, as a line after a failure message (nothing when the
/// check has no hint).
fn first_hint(lab: &str, result: &CheckResult) -> String {
    match result.hints.first() {
        Some(hint) if result.hints.len() > 1 => format!(
            "\nhint: {hint}\n(the next hint: `ninety hint {lab} {}`, or h again in the workbench)",
            result.id
        ),
        Some(hint) => format!("\nhint: {hint}"),
        None => String::new(),
    }
}

fn print_summary(report: &GradeReport) {
    let failing: Vec<&CheckResult> = report.checks.iter().filter(|c| !c.passed).collect();
    if !failing.is_empty() {
        println!(
            "hints (the first of each; `ninety hint {} <check>` gives the next):",
            report.lab
        );
        for check in failing {
            match check.hints.first() {
                Some(hint) => println!("  {} ({} pts): {hint}", check.id, check.max_points),
                None => println!("  {} ({} pts)", check.id, check.max_points),
            }
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
        hints,
        limit,
        memory: _,
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
        hints: hints.into_vec(),
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
            .in_process()
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
    fn expect_eq_says_what_went_in_and_what_came_out() {
        assert_eq!(expect_eq("x", &[1, 2][..], &[1, 2][..]), Ok(()));
        assert_eq!(
            expect_eq("the text \"a b\"", &vec!["a", "b"], &vec!["a b"]),
            Err(r#"for the text "a b": expected ["a", "b"], got ["a b"]"#.to_owned())
        );
    }

    #[test]
    fn kept_output_is_capped_and_the_outcome_line_found() {
        let mut text = "x".repeat(100) + "\n";
        text.push_str(&"noise\n".repeat(10_000));
        text.push_str(RESULT_LINE);
        text.push_str("{\"message\":null,\"timed_out\":false}\n");
        let (kept, outcome) = drain(text.as_bytes(), RESULT_LINE);
        assert!(kept.len() < KEPT_OUTPUT + 100, "{}", kept.len());
        assert!(kept.contains("more bytes of output not kept"), "{kept}");
        assert_eq!(
            outcome.as_deref(),
            Some("{\"message\":null,\"timed_out\":false}")
        );
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
