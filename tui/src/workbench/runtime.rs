//! The terminal loop: draw, handle one event, carry out the effects, repeat.
//!
//! Workers (grading, tasks, the book, reset, file watches, stages) run on
//! their own threads and send [`Message`]s down one channel; only this loop
//! touches the model and the terminal. The stages a screen starts are held
//! here by their [`StageHandle`]s, one per screen: when the learner leaves
//! that screen, or quits, the handle is dropped and the stage's process
//! ends with it. A child of the workbench's own command line a screen runs
//! (`ninety replay` for the monitor view) is held the same way, by an
//! [`OwnedChild`]. The background build of the pipeline, started when the
//! workbench opens, gives way to foreground work: a grade or a stage stops
//! it (cargo keeps what it finished), and it resumes once they are done.
//! `ratatui::init` installs a panic hook that restores the terminal, so even
//! a bug here leaves the learner's shell usable.

use super::app::{App, Effect, Message};
use super::ctx::{BuildStatus, ChildEnd, StageMsg, WorkError};
use super::screens::{ScreenId, lab};
use super::watch::{self, LabWatch};
use crate::pipeline::{StageHandle, StageUpdate};
use crate::state::State;
use crate::workspace::Workspace;
use anyhow::Result;
use crossterm::event::{self, Event};
use ninety_grader::GradeReport;
use ninety_kit::{CorpusName, Stage};
use std::collections::HashMap;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The workbench's running side: the channel, the watches and the stages.
pub struct Runtime {
    ws: Workspace,
    tx: Sender<Message>,
    rx: Receiver<Message>,
    watches: HashMap<Stage, LabWatch>,
    /// The stage each screen started, while it runs.
    stages: HashMap<ScreenId, StageHandle>,
    /// The child of `ninety` each screen started, while it runs.
    children: HashMap<ScreenId, OwnedChild>,
    /// The background build of the pipeline, and its number: messages
    /// from an earlier one that was stopped are ignored.
    prebuild: Option<StageHandle>,
    prebuild_number: u64,
    /// The open label log, once a decision has been made.
    log: Option<ninety_kit::labels::LabelLog>,
    /// The workbench is open (tests drive a runtime without building).
    started: bool,
    /// A file to open in the learner's editor once the frame is drawn: the
    /// terminal is handed to the editor and taken back after.
    edit: Option<(std::path::PathBuf, u32)>,
}

/// Builds the app for a workspace: saved progress, last reports, corpus line.
pub fn load_app(ws: &Workspace) -> App {
    let (state, note) = State::load(&ws.home.state_file());
    let reports: Vec<GradeReport> = ws
        .course
        .labs()
        .filter_map(|lab| GradeReport::load(&ws.home.grades(), lab.stage.as_str()).ok())
        .collect();
    // Reading the corpora's manifests once serves the header and the explorer.
    let known = ninety_kit::corpus::known(&ws.root, &ws.home);
    let corpus_line = crate::workspace::corpus_line(&known);
    let mut app = App::new(ws.course.clone(), &state, reports, note, corpus_line);
    app.ctx.learner_workspace = ws.is_learner();
    match crate::config::Config::load(&crate::config::path(&ws.home)) {
        Ok(config) => app.ctx.label_config = config.label,
        Err(e) => app.config_problem(e),
    }
    app.ctx.corpora = known
        .into_iter()
        .filter(|c| c.messages.is_some())
        // A folder whose name is not a corpus name could not be asked for.
        .filter_map(|c| CorpusName::new(c.name).ok())
        .collect();
    app
}

impl Runtime {
    /// A runtime for `ws`.
    pub fn new(ws: Workspace) -> Self {
        let (tx, rx) = mpsc::channel();
        Self {
            ws,
            tx,
            rx,
            watches: HashMap::new(),
            stages: HashMap::new(),
            children: HashMap::new(),
            prebuild: None,
            prebuild_number: 0,
            log: None,
            started: false,
            edit: None,
        }
    }

    /// Opens the workbench and runs it until the learner quits.
    pub fn run(self) -> Result<()> {
        self.run_with(|_| vec![])
    }

    /// Opens the workbench, lets `setup` adjust the app and name the
    /// messages to start with (`ninety label` opens the labeling screen),
    /// and runs it until the learner quits.
    pub fn run_with(mut self, setup: impl FnOnce(&mut App) -> Vec<Message>) -> Result<()> {
        let mut app = load_app(&self.ws);
        self.started = true;
        self.start_prebuild();
        for message in setup(&mut app) {
            self.apply(&mut app, message);
        }
        let mut terminal = ratatui::init();
        let result = self.event_loop(&mut terminal, &mut app);
        ratatui::restore();
        // Every stage and build still running ends here, with its handle.
        self.stages.clear();
        self.children.clear();
        self.prebuild = None;
        if let Err(e) = app.state().save(&self.ws.home.state_file()) {
            eprintln!(
                "warning: could not save progress to `{}`: {e}",
                self.ws.home.state_file().display()
            );
        }
        result
    }

    /// Builds the pipeline in the background, so the first stage a learner
    /// runs does not wait for it; the header shows how far it is.
    fn start_prebuild(&mut self) {
        self.prebuild_number += 1;
        let number = self.prebuild_number;
        let tx = self.tx.clone();
        let done = self.tx.clone();
        self.prebuild = Some(StageHandle::spawn_build(
            &self.ws,
            move |update| {
                let status = match update {
                    StageUpdate::Building(p) => BuildStatus::Building(p),
                    StageUpdate::BuildingChecks(p) => BuildStatus::BuildingChecks(p),
                    StageUpdate::Event(_) => return,
                };
                let _ = tx.send(Message::Build(number, status));
            },
            move |result| {
                // A build that gave way to foreground work says nothing.
                if result != Err(crate::pipeline::StageFailure::Cancelled) {
                    let status = match result {
                        Ok(_) => BuildStatus::Ready,
                        Err(_) => BuildStatus::Failed,
                    };
                    let _ = done.send(Message::Build(number, status));
                }
            },
        ));
    }

    /// Stops the background build while a grade or a stage needs cargo
    /// (they would otherwise wait for its lock).
    fn pause_prebuild(&mut self, app: &mut App) {
        if let Some(handle) = self.prebuild.take()
            && !handle.is_finished()
        {
            drop(handle);
            app.ctx.build = BuildStatus::Idle;
        }
    }

    /// Starts the background build again once nothing else uses cargo.
    fn resume_prebuild(&mut self, app: &App) {
        let idle = !app.ctx.labs.values().any(|l| l.grading)
            && self.stages.values().all(StageHandle::is_finished);
        if idle && self.prebuild.is_none() && app.ctx.build == BuildStatus::Idle {
            self.start_prebuild();
        }
    }

    fn event_loop(&mut self, terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> Result<()> {
        let tick = Duration::from_millis(120);
        let mut last_tick = Instant::now();
        while !app.quit {
            terminal.draw(|frame| frame.render_widget(&*app, frame.area()))?;
            let timeout = tick.saturating_sub(last_tick.elapsed());
            if event::poll(timeout)?
                && let Event::Key(key) = event::read()?
                && let Some(message) = app.message_for(key)
            {
                self.apply(app, message);
            }
            while let Ok(message) = self.rx.try_recv() {
                self.apply(app, message);
            }
            if let Some((path, line)) = self.edit.take() {
                let note = edit_in_terminal(terminal, &path, line)?;
                app.ctx.flash(note);
            }
            if last_tick.elapsed() >= tick {
                last_tick = Instant::now();
                if app.busy() {
                    app.update(Message::Tick);
                }
            }
        }
        Ok(())
    }

    /// Applies a message, carries out the effects it returns, and stops the
    /// stages of the screens that are no longer open.
    pub fn apply(&mut self, app: &mut App, message: Message) {
        if let Message::Build(number, _) = &message
            && (*number != self.prebuild_number || self.prebuild.is_none())
        {
            return;
        }
        for effect in app.update(message) {
            self.perform(app, effect);
        }
        let open = app.screen;
        self.stages.retain(|screen, _| *screen == open);
        self.children.retain(|screen, _| *screen == open);
        if self.started {
            self.resume_prebuild(app);
        }
    }

    fn perform(&mut self, app: &mut App, effect: Effect) {
        match effect {
            Effect::RunStage(screen, command) => {
                self.pause_prebuild(app);
                let tx = self.tx.clone();
                let done = self.tx.clone();
                let handle = StageHandle::spawn(
                    &self.ws,
                    command,
                    move |update| {
                        let message = match update {
                            StageUpdate::Building(p) | StageUpdate::BuildingChecks(p) => {
                                StageMsg::Building(p)
                            }
                            StageUpdate::Event(e) => StageMsg::Event(e),
                        };
                        let _ = tx.send(Message::Stage(screen, message));
                    },
                    move |result| {
                        let _ = done.send(Message::Stage(screen, StageMsg::Done(Box::new(result))));
                    },
                );
                // A screen runs one stage at a time; a new one replaces it.
                self.stages.insert(screen, handle);
            }
            Effect::RunChild(screen, job) => {
                let tx = self.tx.clone();
                let done = job.done;
                let mut command = match std::env::current_exe() {
                    Ok(exe) => Command::new(exe),
                    Err(e) => {
                        let _ = tx.send(done(ChildEnd::NotStarted(format!(
                            "cannot find the ninety executable: {e}"
                        ))));
                        return;
                    }
                };
                command
                    .args(&job.args)
                    .current_dir(&self.ws.root)
                    .env(ninety_kit::home::HOME_ENV, self.ws.home.root())
                    .env("NO_COLOR", "1");
                // A new one replaces the one running, which ends here.
                self.children.remove(&screen);
                let child = OwnedChild::spawn(command, move |end| {
                    let _ = tx.send(done(end));
                });
                self.children.insert(screen, child);
            }
            Effect::StopChild(screen) => {
                self.children.remove(&screen);
            }
            Effect::Task(task) => {
                let tx = self.tx.clone();
                let ws = self.ws.clone();
                std::thread::spawn(move || {
                    let _ = tx.send((task.run)(&ws));
                });
            }
            Effect::AppendDecision(path, decision) => {
                // Written here, on the loop's thread, before the next key is
                // read: a decision on screen is a decision on disk.
                if self.log.as_ref().is_none_or(|l| l.path() != path) {
                    match ninety_kit::labels::LabelLog::open(&path) {
                        Ok(log) => self.log = Some(log),
                        Err(e) => {
                            app.ctx.flash(format!(
                                "Could not save the decision: {}. Earlier decisions are safe in the log.",
                                ninety_kit::error::chain(&e)
                            ));
                            return;
                        }
                    }
                }
                if let Some(log) = self.log.as_mut()
                    && let Err(e) = log.append(&decision)
                {
                    app.ctx.flash(format!(
                        "Could not save the decision: {}. Earlier decisions are safe in the log.",
                        ninety_kit::error::chain(&e)
                    ));
                }
            }
            Effect::Edit(path, line) => {
                self.edit = Some((self.ws.root.join(path), line));
            }
            Effect::SyncLog => {
                if let Some(log) = &self.log
                    && let Err(e) = log.sync()
                {
                    app.ctx.flash(format!(
                        "Could not flush the label log to disk: {}",
                        ninety_kit::error::chain(&e)
                    ));
                }
            }
            Effect::SaveState => {
                if let Err(e) = app.state().save(&self.ws.home.state_file()) {
                    app.ctx.flash(format!(
                        "Could not save progress to {}: {e}",
                        self.ws.home.state_file().display()
                    ));
                }
            }
            Effect::Grade(stage) => {
                self.pause_prebuild(app);
                let tx = self.tx.clone();
                let root = self.ws.root.clone();
                let grades = self.ws.home.grades();
                let progress = self.tx.clone();
                std::thread::spawn(move || {
                    // Each step of cargo's progress bar, told once.
                    let mut last = None;
                    let mut on_progress = |line: &str| {
                        if let Some(p) = crate::pipeline::parse_progress(line)
                            && last.replace((p.done, p.total)) != Some((p.done, p.total))
                        {
                            let _ = progress.send(Message::Lab(lab::Msg::GradeBuilding(stage, p)));
                        }
                    };
                    let graded = ninety_grader::cargo::grade_with_progress(
                        &root,
                        stage.as_str(),
                        &grades,
                        &mut on_progress,
                    );
                    let message = match graded {
                        Ok(outcome) => lab::Msg::GradeFinished(stage, outcome),
                        Err(e) => lab::Msg::GradeFailedToStart(
                            stage,
                            WorkError::new(anyhow::Error::new(e).context(
                                "cannot run cargo test; is cargo installed and on the PATH?",
                            )),
                        ),
                    };
                    let _ = tx.send(Message::Lab(message));
                });
            }
            Effect::Watch(stage, on) => {
                if !on {
                    self.watches.remove(&stage);
                    return;
                }
                let Some(info) = self.ws.course.lab(stage) else {
                    return;
                };
                let tx = self.tx.clone();
                match watch::watch(&info.dir, move || {
                    let _ = tx.send(Message::Lab(lab::Msg::FilesChanged(stage)));
                }) {
                    Ok(w) => {
                        self.watches.insert(stage, w);
                    }
                    Err(e) => app
                        .ctx
                        .flash(format!("Cannot watch {}: {e}", info.dir.display())),
                }
            }
            Effect::OpenBook(chapter) => {
                let tx = self.tx.clone();
                let book = self.ws.book_dir();
                std::thread::spawn(move || {
                    let text = match crate::book::open_chapter(&book, &chapter) {
                        Ok(note) => note,
                        Err(e) => format!("Could not open the book: {e:#}"),
                    };
                    let _ = tx.send(Message::Notice(text));
                });
            }
            Effect::Reset(stage) => {
                let tx = self.tx.clone();
                let root = self.ws.root.clone();
                let Some(info) = self.ws.course.lab(stage).cloned() else {
                    return;
                };
                let backups = self.ws.home.root().join("backups");
                std::thread::spawn(move || {
                    let stamp = ninety_kit::artifact::now_rfc3339().replace(':', "-");
                    let backup = backups.join(format!("{stage}-{stamp}"));
                    let result =
                        ninety_grader::release::reset_files(&root, &info.dir, &info.files, &backup)
                            .map_err(WorkError::new);
                    let _ = tx.send(Message::Lab(lab::Msg::ResetDone(stage, result)));
                });
            }
        }
    }
}

/// The learner's editor: `$VISUAL`, else `$EDITOR`, with its arguments.
fn editor() -> Option<Vec<String>> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .map(|value| {
            value
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .find(|words| !words.is_empty())
}

/// Hands the terminal to the learner's editor on `path` at `line` and
/// takes it back when the editor exits. Returns what to say about it.
fn edit_in_terminal(
    terminal: &mut ratatui::DefaultTerminal,
    path: &std::path::Path,
    line: u32,
) -> Result<String> {
    let place = format!("{}:{line}", path.display());
    let Some(words) = editor() else {
        return Ok(format!(
            "Set $EDITOR (for example `export EDITOR=nano`) to open files from here; the place is {place}"
        ));
    };
    ratatui::restore();
    // `+LINE FILE` is how vi, vim, nano, emacs, micro and kak take a line.
    let status = std::process::Command::new(&words[0])
        .args(&words[1..])
        .arg(format!("+{line}"))
        .arg(path)
        .status();
    *terminal = ratatui::init();
    terminal.clear()?;
    Ok(match status {
        Ok(s) if s.success() => {
            "Back from the editor: g grades again, w grades on every save.".to_owned()
        }
        Ok(s) => format!("The editor `{}` ended with {s} on {place}.", words[0]),
        Err(e) => format!(
            "Could not start the editor `{}` ({e}); the place is {place}",
            words[0]
        ),
    })
}

/// The most of each of a child's streams kept for its end's report.
const CHILD_OUTPUT: u64 = 64 * 1024;

/// A child process a screen owns: started in a process group of its own,
/// watched by a thread that reports its end, and ended with its group when
/// this is dropped (the screen closed, or the workbench quit).
#[derive(Debug)]
pub struct OwnedChild {
    /// The process, until it is reaped; the watching thread reaps it under
    /// this lock, so the id is never signalled once it may be reused.
    child: Arc<Mutex<Option<Child>>>,
}

impl OwnedChild {
    /// Starts `command` (its stdin empty, its output kept) and tells
    /// `on_end` how it ended, from a thread of its own.
    pub fn spawn(mut command: Command, on_end: impl FnOnce(ChildEnd) + Send + 'static) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = match command.spawn() {
            Ok(c) => c,
            Err(e) => {
                on_end(ChildEnd::NotStarted(format!(
                    "cannot start `{}`: {e}",
                    command.get_program().to_string_lossy()
                )));
                return OwnedChild {
                    child: Arc::new(Mutex::new(None)),
                };
            }
        };
        let read = |pipe: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut text = String::new();
                if let Some(mut p) = pipe {
                    let _ = p.by_ref().take(CHILD_OUTPUT).read_to_string(&mut text);
                    let _ = std::io::copy(&mut p, &mut std::io::sink());
                }
                text
            })
        };
        let stdout = read(
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let stderr = read(
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let shared = Arc::new(Mutex::new(Some(child)));
        let watched = Arc::clone(&shared);
        std::thread::spawn(move || {
            let ended = loop {
                {
                    let mut slot = watched.lock().unwrap_or_else(|e| e.into_inner());
                    let Some(child) = slot.as_mut() else {
                        break None;
                    };
                    match child.try_wait() {
                        Ok(Some(status)) => {
                            slot.take();
                            break Some(Ok(status));
                        }
                        Ok(None) => {}
                        Err(e) => {
                            slot.take();
                            break Some(Err(e));
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(50));
            };
            let (stdout, stderr) = (
                stdout.join().unwrap_or_default(),
                stderr.join().unwrap_or_default(),
            );
            on_end(match ended {
                None => ChildEnd::Stopped,
                Some(Ok(status)) => ChildEnd::Exited {
                    success: status.success(),
                    status: status.to_string(),
                    stdout,
                    stderr,
                },
                Some(Err(e)) => ChildEnd::Exited {
                    success: false,
                    status: format!("lost ({e})"),
                    stdout,
                    stderr,
                },
            });
        });
        OwnedChild { child: shared }
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(Child::id)
    }
}

impl Drop for OwnedChild {
    fn drop(&mut self) {
        let mut slot = self.child.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut child) = slot.take() {
            #[cfg(unix)]
            if let Ok(pid) = i32::try_from(child.id()) {
                use nix::sys::signal::{Signal, killpg};
                let _ = killpg(nix::unistd::Pid::from_raw(pid), Signal::SIGKILL);
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alive(pid: u32) -> bool {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_child_a_screen_owns_ends_when_dropped_and_says_so() {
        let (tx, rx) = mpsc::channel();
        let mut command = Command::new("sh");
        command.args(["-c", "sleep 30 & wait"]);
        let child = OwnedChild::spawn(command, move |end| {
            let _ = tx.send(end);
        });
        let pid = child.pid().expect("it runs");
        assert!(alive(pid));
        drop(child);
        assert!(!alive(pid), "reaped at once");
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)),
            Ok(ChildEnd::Stopped)
        );
    }

    #[test]
    #[cfg(unix)]
    fn a_child_that_exits_reports_its_status_and_output() {
        let (tx, rx) = mpsc::channel();
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; exit 3"]);
        let _child = OwnedChild::spawn(command, move |end| {
            let _ = tx.send(end);
        });
        match rx.recv_timeout(Duration::from_secs(5)).unwrap() {
            ChildEnd::Exited {
                success,
                status,
                stdout,
                stderr,
            } => {
                assert!(!success);
                assert!(status.contains('3'), "{status}");
                assert_eq!(stdout, "out\n");
                assert_eq!(stderr, "err\n");
            }
            other => panic!("{other:?}"),
        }
        let (tx, rx) = mpsc::channel();
        let _gone = OwnedChild::spawn(Command::new("/nonexistent/ninety"), move |end| {
            let _ = tx.send(end);
        });
        assert!(matches!(
            rx.recv_timeout(Duration::from_secs(5)),
            Ok(ChildEnd::NotStarted(_))
        ));
    }
}
