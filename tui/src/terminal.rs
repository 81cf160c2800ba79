//! The terminal loop: draw, handle one event, carry out the effects, repeat.
//!
//! Workers (grading, the book, reset, file watches) run on their own threads
//! and send [`Message`]s down one channel; only this loop touches the model
//! and the terminal. `ratatui::init` installs a panic hook that restores the
//! terminal, so even a bug here leaves the learner's shell usable.

use crate::app::{App, Effect, Message};
use crate::state::State;
use crate::watch::{self, LabWatch};
use crate::workspace::Workspace;
use anyhow::Result;
use crossterm::event::{self, Event};
use ninety_grader::GradeReport;
use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

/// The workbench's running side: the channel and the live watches.
pub struct Runtime {
    ws: Workspace,
    tx: Sender<Message>,
    rx: Receiver<Message>,
    watches: HashMap<String, LabWatch>,
    /// The open label log, once a decision has been made.
    log: Option<ninety_kit::labels::LabelLog>,
}

/// Builds the app for a workspace: saved progress, last reports, corpus line.
pub fn load_app(ws: &Workspace) -> App {
    let (state, note) = State::load(&ws.home.state_file());
    let reports: Vec<GradeReport> = ws
        .course
        .labs()
        .filter_map(|lab| GradeReport::load(&ws.home.grades(), &lab.name).ok())
        .collect();
    // Reading the corpora's manifests once serves the header and the explorer.
    let known = ninety_kit::corpus::known(&ws.root, &ws.home);
    let corpus_line = crate::data::corpus_line(&known);
    let mut app = App::new(ws.course.clone(), &state, reports, note, corpus_line);
    app.learner_workspace = ws.is_learner();
    match crate::config::Config::load(&crate::config::path(&ws.home)) {
        Ok(config) => app.label_config = config.label,
        Err(e) => {
            app.flash = Some(format!(
                "{e:#}. Using the default settings; the file is left as it is."
            ));
        }
    }
    app.corpora = known
        .into_iter()
        .filter(|c| c.messages.is_some())
        .map(|c| c.name)
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
            log: None,
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
        for message in setup(&mut app) {
            self.apply(&mut app, message);
        }
        let mut terminal = ratatui::init();
        let result = self.event_loop(&mut terminal, &mut app);
        ratatui::restore();
        if let Err(e) = app.state().save(&self.ws.home.state_file()) {
            eprintln!(
                "warning: could not save progress to `{}`: {e}",
                self.ws.home.state_file().display()
            );
        }
        result
    }

    fn event_loop(&mut self, terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> Result<()> {
        let tick = Duration::from_millis(120);
        let mut last_tick = Instant::now();
        while !app.quit {
            terminal.draw(|frame| frame.render_widget(&*app, frame.area()))?;
            let timeout = tick.saturating_sub(last_tick.elapsed());
            if event::poll(timeout)? {
                match event::read()? {
                    Event::Key(key) => {
                        if let Some(message) = crate::keys::message_for(app, key) {
                            self.apply(app, message);
                        }
                    }
                    Event::Resize(..) => {}
                    _ => {}
                }
            }
            while let Ok(message) = self.rx.try_recv() {
                self.apply(app, message);
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

    /// Applies a message and carries out the effects it returns.
    pub fn apply(&mut self, app: &mut App, message: Message) {
        for effect in app.update(message) {
            self.perform(app, effect);
        }
    }

    /// The pipeline command for `stage` on `corpus`, reporting in JSON
    /// events, with the stage's own `extra` arguments.
    fn stage_command(
        &self,
        stage: &str,
        corpus: String,
        extra: Vec<String>,
    ) -> std::process::Command {
        crate::run::pipeline_command(
            &self.ws,
            &crate::run::RunOptions {
                stage: stage.into(),
                json: true,
                corpus,
                extra,
                features: vec![],
            },
        )
    }

    fn perform(&mut self, app: &mut App, effect: Effect) {
        match effect {
            Effect::LoadDataset(corpus) => {
                let tx = self.tx.clone();
                let (root, home) = (self.ws.root.clone(), self.ws.home.clone());
                std::thread::spawn(move || {
                    let known = ninety_kit::corpus::known(&root, &home);
                    let result = match known.iter().find(|c| c.name == corpus) {
                        Some(info) => crate::explorer::load(
                            &home.artifacts().join("gather").join(&corpus),
                            &corpus,
                            &info.root,
                        ),
                        None => Err(format!("no corpus named {corpus}")),
                    };
                    let _ = tx.send(Message::DatasetLoaded(corpus, result));
                });
            }
            Effect::ReadRaw(path, full) => {
                let tx = self.tx.clone();
                std::thread::spawn(move || {
                    let text = match std::fs::read(&full) {
                        Ok(bytes) => {
                            let shown = &bytes[..bytes.len().min(256 * 1024)];
                            String::from_utf8_lossy(shown).into_owned()
                        }
                        Err(e) => format!("cannot read {}: {e}", full.display()),
                    };
                    let _ = tx.send(Message::RawLoaded(path, text));
                });
            }
            Effect::RunGather(corpus) => {
                let tx = self.tx.clone();
                let mut command = self.stage_command("gather", corpus, vec![]);
                std::thread::spawn(move || {
                    let result = run_stage(&mut command, &tx);
                    let _ = tx.send(Message::StageFinished(result));
                });
            }
            Effect::PrepareLabeling {
                corpus,
                annotator,
                order,
                seed,
            } => {
                let tx = self.tx.clone();
                let mut extra = vec![
                    "--annotator".to_owned(),
                    annotator.clone(),
                    "--order".to_owned(),
                    order,
                ];
                if let Some(seed) = seed {
                    extra.extend(["--seed".to_owned(), seed.to_string()]);
                }
                let mut command = self.stage_command("label-queue", corpus.clone(), extra);
                let home = self.ws.home.clone();
                let guidelines = self
                    .ws
                    .course
                    .lab("label")
                    .map(|l| l.dir.join("guidelines.md"))
                    .unwrap_or_default();
                std::thread::spawn(move || {
                    let result = crate::run::drive(&mut command, &mut |event| {
                        if let ninety_kit::Event::Progress { done, total, .. } = event {
                            let _ = tx.send(Message::LabelProgress(*done, *total));
                        }
                    })
                    .map_err(|f| failure_text(&f))
                    .and_then(|summary| {
                        let queue = summary["artifact"].as_str().unwrap_or_default();
                        let fallback = summary["fallback"].as_str().map(str::to_owned);
                        crate::labeling::load(
                            &home,
                            &corpus,
                            &annotator,
                            std::path::Path::new(queue),
                            fallback,
                            &guidelines,
                        )
                    });
                    let _ = tx.send(Message::LabelingReady(result));
                });
            }
            Effect::AppendDecision(path, decision) => {
                // Written here, on the loop's thread, before the next key is
                // read: a decision on screen is a decision on disk.
                if self.log.as_ref().is_none_or(|l| l.path() != path) {
                    match ninety_kit::labels::LabelLog::open(&path) {
                        Ok(log) => self.log = Some(log),
                        Err(e) => {
                            app.flash = Some(format!(
                                "Could not save the decision: {e}. Earlier decisions are safe in the log."
                            ));
                            return;
                        }
                    }
                }
                if let Some(log) = self.log.as_mut()
                    && let Err(e) = log.append(&decision)
                {
                    app.flash = Some(format!(
                        "Could not save the decision: {e}. Earlier decisions are safe in the log."
                    ));
                }
            }
            Effect::SyncLog => {
                if let Some(log) = &self.log
                    && let Err(e) = log.sync()
                {
                    app.flash = Some(format!("Could not flush the label log to disk: {e}"));
                }
            }
            Effect::RunLabelStats(corpus) => {
                let tx = self.tx.clone();
                let mut command = self.stage_command("label", corpus, vec![]);
                std::thread::spawn(move || {
                    let result =
                        crate::run::drive(&mut command, &mut |_| {}).map_err(|f| failure_text(&f));
                    let _ = tx.send(Message::StatsLoaded(result));
                });
            }
            Effect::RunTrain(corpus, model, split) => {
                let tx = self.tx.clone();
                let mut command = self.stage_command(
                    "train",
                    corpus,
                    vec!["--model".into(), model, "--split".into(), split],
                );
                std::thread::spawn(move || {
                    let result = crate::run::drive(&mut command, &mut |event| {
                        let message = match event {
                            ninety_kit::Event::Metric {
                                name, value, step, ..
                            } => Message::TrainMetric(name.clone(), *value, *step),
                            ninety_kit::Event::Log { message, .. } => {
                                Message::TrainLog(message.clone())
                            }
                            _ => return,
                        };
                        let _ = tx.send(message);
                    })
                    .map_err(|f| failure_text(&f));
                    let _ = tx.send(Message::TrainFinished(result));
                });
            }
            Effect::LoadRuns => {
                let (runs, _) = crate::runs::load(&self.ws);
                app.update(Message::RunsLoaded(runs));
            }
            Effect::SaveState => {
                if let Err(e) = app.state().save(&self.ws.home.state_file()) {
                    app.flash = Some(format!(
                        "Could not save progress to {}: {e}",
                        self.ws.home.state_file().display()
                    ));
                }
            }
            Effect::Grade(lab) => {
                let tx = self.tx.clone();
                let root = self.ws.root.clone();
                let grades = self.ws.home.grades();
                std::thread::spawn(move || {
                    let message = match ninety_grader::cargo::grade(&root, &lab, &grades) {
                        Ok(outcome) => Message::GradeFinished(lab, outcome),
                        Err(e) => Message::GradeFailedToStart(
                            lab,
                            format!("{e}; is cargo installed and on the PATH?"),
                        ),
                    };
                    let _ = tx.send(message);
                });
            }
            Effect::Watch(lab, on) => {
                if !on {
                    self.watches.remove(&lab);
                    return;
                }
                let Ok(info) = self.ws.course.lab(&lab) else {
                    return;
                };
                let (tx, changed) = (self.tx.clone(), lab.clone());
                let on_change = move || {
                    let _ = tx.send(Message::FilesChanged(changed.clone()));
                };
                match watch::watch(&info.dir, on_change) {
                    Ok(w) => {
                        self.watches.insert(lab, w);
                    }
                    Err(e) => app.flash = Some(format!("Cannot watch {}: {e}", info.dir.display())),
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
            Effect::Reset(lab) => {
                let tx = self.tx.clone();
                let root = self.ws.root.clone();
                let Ok(info) = self.ws.course.lab(&lab).cloned() else {
                    return;
                };
                let backups = self.ws.home.root().join("backups");
                std::thread::spawn(move || {
                    let stamp = ninety_kit::artifact::now_rfc3339().replace(':', "-");
                    let backup = backups.join(format!("{lab}-{stamp}"));
                    let result =
                        ninety_grader::release::reset_files(&root, &info.dir, &info.files, &backup)
                            .map(|dir| dir.display().to_string())
                            .map_err(|e| e.to_string());
                    let _ = tx.send(Message::ResetDone(lab, result));
                });
            }
        }
    }
}

/// One line about why a stage gave no summary.
fn failure_text(failure: &crate::run::StageFailure) -> String {
    match failure {
        crate::run::StageFailure::Reported(message) => message.clone(),
        crate::run::StageFailure::Crashed { errors, .. } => {
            errors.lines().take(6).collect::<Vec<_>>().join(" / ")
        }
    }
}

/// Runs a pipeline stage as a child, turning its progress events into
/// messages; returns why it failed, if it did.
fn run_stage(command: &mut std::process::Command, tx: &Sender<Message>) -> Result<(), String> {
    let result = crate::run::drive(command, &mut |event| {
        if let ninety_kit::Event::Progress { done, total, .. } = event {
            let _ = tx.send(Message::StageProgress(*done, *total));
        }
    });
    result.map(|_| ()).map_err(|f| failure_text(&f))
}
