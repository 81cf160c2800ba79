//! Starting pipeline stages, for `ninety run` and the workbench alike.
//!
//! A stage runs in two steps, each a child process: cargo builds the
//! pipeline binary (its progress, crates done of total and the crate being
//! compiled, is reported as it goes), then the binary runs the stage and
//! speaks the event protocol on stdout. The binary is started directly, not
//! through `cargo run`, so the process this module holds is the stage
//! itself: [`StageHandle`] ends it when dropped or cancelled, and nothing is
//! left behind when the workbench leaves a stage's screen or quits.

use crate::workspace::Workspace;
use ninety_grader::cargo::cargo_bin;
use ninety_kit::Event;
use ninety_kit::command::StageCommand;
use ninety_kit::records::Summary;
use serde::Deserialize;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The pipeline's cargo package.
pub const PACKAGE: &str = "ninety-pipeline";

/// How far a build has come.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildProgress {
    /// Compilation units finished.
    pub done: u32,
    /// Compilation units in all (0 until cargo has said).
    pub total: u32,
    /// The crates being compiled now.
    pub compiling: String,
}

/// What a running stage reports on the way.
#[derive(Debug, Clone, PartialEq)]
pub enum StageUpdate {
    /// The pipeline is being built.
    Building(BuildProgress),
    /// The labs' checks are being built (after the pipeline, in the
    /// workbench's background build), so a first grade does not wait.
    BuildingChecks(BuildProgress),
    /// The stage said something.
    Event(Event),
}

/// Why a stage gave no summary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StageFailure {
    /// cargo could not be started.
    #[error("cannot start cargo ({0}); is it installed and on the PATH?")]
    NoCargo(String),
    /// The pipeline did not build: the compiler's errors.
    #[error("the pipeline did not build (your lab's code has errors):\n{0}")]
    BuildFailed(String),
    /// The stage reported an error: its message.
    #[error("{0}")]
    Reported(String),
    /// It ended without a summary (a crash): how, and what it printed.
    #[error("the stage ended without a result ({status}){}", if errors.is_empty() { String::new() } else { format!(":\n{errors}") })]
    Crashed {
        /// How the process ended.
        status: String,
        /// What it printed on stderr.
        errors: String,
    },
    /// It was stopped.
    #[error("stopped")]
    Cancelled,
}

/// The running side of a stage, shared with the thread that drives it.
#[derive(Debug, Default)]
struct Shared {
    child: Mutex<Option<Child>>,
    cancelled: AtomicBool,
    /// The thread driving the stage has returned its result.
    finished: AtomicBool,
    /// Children start in a process group of their own, ended as a whole
    /// (cargo with its rustc children). The workbench wants this; `ninety
    /// run` does not, so that Ctrl-C in the terminal reaches them.
    own_group: bool,
}

impl Shared {
    /// Starts `command` as this stage's child (in its own process group
    /// when asked).
    fn spawn(&self, command: &mut Command) -> std::io::Result<Child> {
        #[cfg(unix)]
        if self.own_group {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        command.spawn()
    }

    /// Ends `child`, and its process group when it has one of its own.
    fn end(&self, child: &mut Child) {
        #[cfg(unix)]
        if self.own_group
            && let Ok(pid) = i32::try_from(child.id())
        {
            use nix::sys::signal::{Signal, killpg};
            let _ = killpg(nix::unistd::Pid::from_raw(pid), Signal::SIGKILL);
        }
        let _ = child.kill();
    }

    /// Holds `child` as the process to end on cancel; ends it at once if
    /// the stage was cancelled before it started.
    fn hold(&self, child: Child) {
        let mut slot = self.child.lock().unwrap_or_else(|e| e.into_inner());
        *slot = Some(child);
        if self.cancelled.load(Ordering::SeqCst)
            && let Some(c) = slot.as_mut()
        {
            self.end(c);
        }
    }

    /// Takes the child back to wait for it.
    fn release(&self) -> Option<Child> {
        self.child.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        if let Some(child) = self
            .child
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            self.end(child);
        }
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// A stage (or a build) in progress. Dropping it, or calling
/// [`StageHandle::cancel`], ends the process it is running.
#[derive(Debug, Default)]
pub struct StageHandle {
    shared: Arc<Shared>,
}

impl StageHandle {
    /// A handle with nothing running yet, whose children share this
    /// process's group (Ctrl-C in the terminal reaches them): for `ninety run`.
    pub fn new() -> Self {
        Self::default()
    }

    /// A handle whose children each start a process group of their own,
    /// ended as a whole: for the workbench, where nothing else stops them.
    pub fn in_own_group() -> Self {
        StageHandle {
            shared: Arc::new(Shared {
                own_group: true,
                ..Shared::default()
            }),
        }
    }

    /// Ends the running process, and stops the stage before its next step.
    pub fn cancel(&self) {
        self.shared.cancel();
    }

    /// Whether the stage (or build) has ended, its result handed over.
    pub fn is_finished(&self) -> bool {
        self.shared.finished.load(Ordering::SeqCst)
    }

    /// The process id of the running child, if one is running.
    pub fn pid(&self) -> Option<u32> {
        self.shared
            .child
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(Child::id)
    }
}

impl Drop for StageHandle {
    fn drop(&mut self) {
        self.shared.cancel();
    }
}

/// One line of cargo's `--message-format json` output (the fields used).
#[derive(Debug, Deserialize)]
struct CargoMessage {
    reason: String,
    #[serde(default)]
    target: Option<CargoTarget>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    message: Option<Diagnostic>,
    #[serde(default)]
    success: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct CargoTarget {
    name: String,
}

#[derive(Debug, Deserialize)]
struct Diagnostic {
    level: String,
    #[serde(default)]
    rendered: Option<String>,
}

/// Reads one of cargo's progress lines, `Building [==>  ] 90/105: serde, syn`.
pub fn parse_progress(line: &str) -> Option<BuildProgress> {
    let rest = line.trim().strip_prefix("Building")?;
    let (_, after_bar) = rest.split_once(']')?;
    let (counts, compiling) = after_bar.split_once(':').unwrap_or((after_bar, ""));
    let (done, total) = counts.trim().split_once('/')?;
    Some(BuildProgress {
        done: done.trim().parse().ok()?,
        total: total.trim().parse().ok()?,
        compiling: compiling.trim().to_owned(),
    })
}

/// The command that builds the pipeline with `features`, reporting in JSON
/// on stdout and with a progress bar on stderr.
pub fn build_command(ws: &Workspace, features: &[&str]) -> Command {
    let mut cmd = reporting_cargo(ws, &["build", "-p", PACKAGE]);
    if !features.is_empty() {
        cmd.arg("--features").arg(features.join(","));
    }
    cmd
}

/// `cargo ARGS` in the workspace, reporting in JSON on stdout and with a
/// progress bar on stderr, as [`run_build`] reads them.
fn reporting_cargo(ws: &Workspace, args: &[&str]) -> Command {
    let mut cmd = Command::new(cargo_bin());
    cmd.current_dir(&ws.root)
        .args(args)
        .args(["--message-format", "json"])
        .env("CARGO_TERM_PROGRESS_WHEN", "always")
        .env("CARGO_TERM_PROGRESS_WIDTH", "200")
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// The command that builds every lab's checks (`cargo test --no-run -p
/// lab-<name> ...`), reporting as [`build_command`] does. It compiles what
/// a first grade would, with the same dependency features (the
/// `workspace-hack` crate), so that grade starts at once.
pub fn checks_build_command(ws: &Workspace) -> Command {
    let mut cmd = reporting_cargo(ws, &["test", "--no-run"]);
    for lab in ws.course.labs() {
        cmd.arg("-p").arg(format!("lab-{}", lab.stage));
    }
    cmd
}

/// Builds the pipeline with `features` and returns the path of its binary.
fn build(
    ws: &Workspace,
    features: &[&str],
    shared: &Shared,
    on_update: &mut dyn FnMut(StageUpdate),
) -> Result<PathBuf, StageFailure> {
    let exe = run_build(&mut build_command(ws, features), shared, &mut |p| {
        on_update(StageUpdate::Building(p))
    })?;
    exe.ok_or_else(|| StageFailure::BuildFailed("cargo built no pipeline binary".into()))
}

/// Runs a cargo build that reports in JSON, telling `on_progress` how far
/// it is; returns the pipeline's binary when the build made it.
fn run_build(
    command: &mut Command,
    shared: &Shared,
    on_progress: &mut dyn FnMut(BuildProgress),
) -> Result<Option<PathBuf>, StageFailure> {
    let mut child = shared
        .spawn(command)
        .map_err(|e| StageFailure::NoCargo(e.to_string()))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    shared.hold(child);
    // Progress comes on stderr, separated by carriage returns.
    let (tx, rx) = std::sync::mpsc::channel::<BuildProgress>();
    let progress = std::thread::spawn(move || {
        let mut text = String::new();
        let mut reader = BufReader::new(stderr);
        let mut piece = Vec::new();
        while let Ok(n) = reader.read_until(b'\r', &mut piece) {
            if n == 0 {
                break;
            }
            for line in String::from_utf8_lossy(&piece).split('\n') {
                if let Some(p) = parse_progress(line) {
                    let _ = tx.send(p);
                } else if line.trim_start().starts_with("error") {
                    text.push_str(line.trim_end());
                    text.push('\n');
                }
            }
            piece.clear();
        }
        text
    });
    let mut executable = None;
    let mut errors = Vec::new();
    let mut success = None;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        while let Ok(p) = rx.try_recv() {
            on_progress(p);
        }
        let Ok(message) = serde_json::from_str::<CargoMessage>(&line) else {
            continue;
        };
        match message.reason.as_str() {
            "compiler-artifact" if message.target.as_ref().is_some_and(|t| t.name == PACKAGE) => {
                executable = message.executable.or(executable);
            }
            "compiler-message" => {
                if let Some(d) = message.message
                    && d.level == "error"
                    && let Some(text) = d.rendered
                {
                    errors.push(text.trim_end().to_owned());
                }
            }
            "build-finished" => success = message.success,
            _ => {}
        }
    }
    let cargo_errors = progress.join().unwrap_or_default();
    while let Ok(p) = rx.try_recv() {
        on_progress(p);
    }
    let status = shared.release().map(|mut c| c.wait());
    if shared.is_cancelled() {
        return Err(StageFailure::Cancelled);
    }
    match success {
        Some(true) => Ok(executable),
        _ => {
            if errors.is_empty() {
                errors.push(cargo_errors.trim_end().to_owned());
            }
            if let Some(Ok(status)) = status
                && errors.iter().all(|e| e.is_empty())
            {
                errors = vec![format!("cargo build ended with {status}")];
            }
            Err(StageFailure::BuildFailed(errors.join("\n\n")))
        }
    }
}

/// Starts the stage binary `exe` for `command` and reads its events.
fn run_binary(
    ws: &Workspace,
    exe: &Path,
    command: &StageCommand,
    shared: &Shared,
    on_update: &mut dyn FnMut(StageUpdate),
) -> Result<Summary, StageFailure> {
    if shared.is_cancelled() {
        return Err(StageFailure::Cancelled);
    }
    let mut stage = Command::new(exe);
    stage
        .current_dir(&ws.root)
        .arg("--root")
        .arg(&ws.root)
        .args(command.to_args())
        .env(ninety_kit::home::HOME_ENV, ws.home.root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = shared
        .spawn(&mut stage)
        .map_err(|e| StageFailure::Crashed {
            status: "not started".into(),
            errors: format!("cannot start `{}`: {e}", exe.display()),
        })?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    shared.hold(child);
    let errors = std::thread::spawn(move || {
        // What a crash prints is kept, up to a screenful or two.
        let mut text = String::new();
        let _ = stderr.by_ref().take(64 * 1024).read_to_string(&mut text);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        text
    });
    let mut summary = None;
    let mut failure = None;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        let event = Event::from_line(&line);
        match &event {
            Event::Summary { data } => summary = Some((**data).clone()),
            Event::Error { message, .. } => failure = Some(message.clone()),
            _ => {}
        }
        on_update(StageUpdate::Event(event));
    }
    let status = shared.release().map(|mut c| c.wait());
    let errors = errors.join().unwrap_or_default();
    if shared.is_cancelled() {
        return Err(StageFailure::Cancelled);
    }
    let status = match status {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            return Err(StageFailure::Crashed {
                status: "lost".into(),
                errors: e.to_string(),
            });
        }
        None => return Err(StageFailure::Cancelled),
    };
    match (failure, status.success(), summary) {
        (Some(message), _, _) => Err(StageFailure::Reported(message)),
        (None, true, Some(summary)) => Ok(summary),
        _ => Err(StageFailure::Crashed {
            status: status.to_string(),
            errors: errors.trim_end().to_owned(),
        }),
    }
}

impl StageHandle {
    /// Builds the pipeline for `command` and runs it here, on this thread,
    /// telling `on_update` what happens; returns the stage's summary.
    pub fn run(
        &self,
        ws: &Workspace,
        command: &StageCommand,
        on_update: &mut dyn FnMut(StageUpdate),
    ) -> Result<Summary, StageFailure> {
        let exe = build(ws, &command.features(), &self.shared, on_update)?;
        run_binary(ws, &exe, command, &self.shared, on_update)
    }

    /// Builds the pipeline (with no extra features) here, on this thread.
    pub fn build(
        &self,
        ws: &Workspace,
        on_update: &mut dyn FnMut(StageUpdate),
    ) -> Result<PathBuf, StageFailure> {
        build(ws, &[], &self.shared, on_update)
    }

    /// Starts `command` on a thread of its own: `on_update` hears progress
    /// and events, `on_done` the result. The returned handle ends the stage
    /// when dropped.
    pub fn spawn(
        ws: &Workspace,
        command: StageCommand,
        mut on_update: impl FnMut(StageUpdate) + Send + 'static,
        on_done: impl FnOnce(Result<Summary, StageFailure>) + Send + 'static,
    ) -> StageHandle {
        let handle = StageHandle::in_own_group();
        let shared = Arc::clone(&handle.shared);
        let ws = ws.clone();
        std::thread::spawn(move || {
            let result = build(&ws, &command.features(), &shared, &mut on_update)
                .and_then(|exe| run_binary(&ws, &exe, &command, &shared, &mut on_update));
            shared.finished.store(true, Ordering::SeqCst);
            on_done(result);
        });
        handle
    }

    /// Builds the pipeline on a thread of its own (the workbench does it at
    /// start, so the first stage a learner runs does not wait for it).
    pub fn spawn_build(
        ws: &Workspace,
        mut on_update: impl FnMut(StageUpdate) + Send + 'static,
        on_done: impl FnOnce(Result<PathBuf, StageFailure>) + Send + 'static,
    ) -> StageHandle {
        let handle = StageHandle::in_own_group();
        let shared = Arc::clone(&handle.shared);
        let ws = ws.clone();
        std::thread::spawn(move || {
            let result = build(&ws, &[], &shared, &mut on_update);
            // Then what every lab's first grade needs. A lab that does not
            // compile yet (a learner mid-edit) says so when it is graded.
            if result.is_ok() && ws.course.labs().next().is_some() && !shared.is_cancelled() {
                let _ = run_build(&mut checks_build_command(&ws), &shared, &mut |p| {
                    on_update(StageUpdate::BuildingChecks(p))
                });
            }
            shared.finished.store(true, Ordering::SeqCst);
            if !shared.is_cancelled() {
                on_done(result);
            } else {
                on_done(Err(StageFailure::Cancelled));
            }
        });
        handle
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn reads_cargos_progress_lines() {
        assert_eq!(
            parse_progress(
                "    Building [=====================>    ] 90/105: serde_json, serde   "
            ),
            Some(BuildProgress {
                done: 90,
                total: 105,
                compiling: "serde_json, serde".into()
            })
        );
        assert_eq!(
            parse_progress("Building [=>] 3/7"),
            Some(BuildProgress {
                done: 3,
                total: 7,
                compiling: String::new()
            })
        );
        assert_eq!(parse_progress("   Compiling serde v1.0.0"), None);
        assert_eq!(parse_progress("Building [==] x/y: a"), None);
    }

    fn alive(pid: u32) -> bool {
        // A zombie has exited; `ps` says so in its state column.
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| {
                !s.rsplit_once(')')
                    .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
            })
            .unwrap_or(false)
    }

    #[test]
    fn dropping_the_handle_ends_the_child_within_a_second() {
        let handle = StageHandle::new();
        let child = Command::new("sleep").arg("30").spawn().unwrap();
        let pid = child.id();
        handle.shared.hold(child);
        assert_eq!(handle.pid(), Some(pid));
        assert!(alive(pid));
        drop(handle);
        let start = Instant::now();
        // The child was killed; once reaped by nobody it is a zombie, which
        // `alive` counts as ended.
        while alive(pid) && start.elapsed() < Duration::from_secs(1) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!alive(pid), "the child outlived its handle");
    }

    #[test]
    #[cfg(unix)]
    fn a_handle_of_its_own_group_ends_the_childs_children_too() {
        let handle = StageHandle::in_own_group();
        // A shell that starts a grandchild and waits for it, as cargo waits
        // for rustc.
        let child = handle
            .shared
            .spawn(
                Command::new("sh")
                    .args(["-c", "sleep 30 & echo $!; wait"])
                    .stdout(Stdio::piped()),
            )
            .unwrap();
        let mut child = child;
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let grandchild: u32 = line.trim().parse().unwrap();
        let pid = child.id();
        handle.shared.hold(child);
        assert!(alive(grandchild));
        drop(handle);
        let start = Instant::now();
        while (alive(pid) || alive(grandchild)) && start.elapsed() < Duration::from_secs(1) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!alive(grandchild), "the grandchild outlived the handle");
        assert!(!alive(pid), "the child outlived the handle");
    }

    #[test]
    fn a_child_started_after_cancel_is_ended_at_once() {
        let handle = StageHandle::new();
        handle.cancel();
        let child = Command::new("sleep").arg("30").spawn().unwrap();
        let pid = child.id();
        handle.shared.hold(child);
        let mut child = handle.shared.release().unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success());
        assert!(!alive(pid));
    }
}
