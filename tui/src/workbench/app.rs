//! The workbench's model and its `update`: the Elm architecture.
//!
//! [`App`] is everything the screen shows: what the screens share
//! ([`Ctx`]), which screen is open, an overlay, and one field per screen.
//! Keys become [`Message`]s through the open screen's key table, workers
//! send [`Message`]s when a grade, a load or a stage ends, and
//! [`App::update`] is the one place the model changes. `update` does no
//! input or output itself: it returns [`Effect`]s, which the runtime
//! carries out (grade, watch, start or stop a stage, run a background
//! task, append a label, save the state). That is what makes it testable
//! without a terminal.
//!
//! Each screen speaks its own message type; [`Message`] has one variant
//! per screen that wraps it, and `with_screen!` is the one table that
//! pairs each [`ScreenId`] with its screen and that variant.

use super::ctx::{BuildStatus, Ctx, LabState, StageMsg};
use super::keys::Act;
use super::screens::{
    Screen, ScreenId, agreement, deploy, evaluate, explorer, lab, labeling, map, monitor, train,
};
use crate::state::{LoadNote, State};
use crossterm::event::KeyEvent;
use ninety_grader::GradeReport;
use ninety_grader::course::Course;
use ninety_kit::Stage;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::collections::BTreeMap;

/// The work `update` asks for; a task's result is a [`Message`].
pub type Effect = super::ctx::Effect<Message>;

/// Calls `$body` with `$screen` bound to the screen `$id` of the app `$app`
/// (by reference, or mutably with `mut`), `$ctx` to the shared context, and
/// `$wrap` to the [`Message`] variant that carries the screen's messages.
/// The one table of screens: a new screen is one line in each arm list.
macro_rules! with_screen {
    ($app:expr, $id:expr, |$screen:ident, $ctx:ident, $wrap:ident| $body:expr) => {{
        let App {
            ctx: $ctx,
            map,
            lab,
            explorer,
            labeling,
            agreement,
            train,
            evaluate,
            deploy,
            monitor,
            ..
        } = $app;
        match $id {
            ScreenId::Map => {
                let ($screen, $wrap) = (map, Message::Map);
                $body
            }
            ScreenId::Lab(_) => {
                let ($screen, $wrap) = (lab, Message::Lab);
                $body
            }
            ScreenId::Explorer => {
                let ($screen, $wrap) = (explorer, Message::Explorer);
                $body
            }
            ScreenId::Labeling => {
                let ($screen, $wrap) = (labeling, Message::Labeling);
                $body
            }
            ScreenId::Agreement => {
                let ($screen, $wrap) = (agreement, Message::Agreement);
                $body
            }
            ScreenId::Train => {
                let ($screen, $wrap) = (train, Message::Train);
                $body
            }
            ScreenId::Evaluate => {
                let ($screen, $wrap) = (evaluate, Message::Evaluate);
                $body
            }
            ScreenId::Deploy => {
                let ($screen, $wrap) = (deploy, Message::Deploy);
                $body
            }
            ScreenId::Monitor => {
                let ($screen, $wrap) = (monitor, Message::Monitor);
                $body
            }
        }
    }};
}

/// A modal window over the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// The keys of the screen under it.
    Help,
    /// "Reset this lab to its starter?"
    ConfirmReset(Stage),
    /// The config file cannot be used: what is wrong with it, whole, until
    /// the learner closes it.
    ConfigError,
    /// The status line's message, whole, scrolled down by this many rows
    /// (a compiler's errors can be longer than the screen).
    Message(u16),
}

/// Everything that can happen to the workbench.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Close the workbench.
    Quit,
    /// Show or hide the key help.
    Help,
    /// Show the status line's message whole.
    ShowMessage,
    /// Scroll the message window by this many rows (negative: up).
    ScrollMessage(i32),
    /// Close the overlay.
    CloseOverlay,
    /// The answer to the overlay's question.
    Confirm(bool),
    /// Back to where the open screen came from.
    Back,
    /// Open the open screen's chapter in a browser.
    Book,
    /// Time passed (drives the spinner).
    Tick,
    /// Something a worker wants the learner to read.
    Notice(String),
    /// A key that does nothing on this screen.
    UnknownKey(String),
    /// Open a screen.
    Go(ScreenId),
    /// For the course map.
    Map(map::Msg),
    /// For a lab.
    Lab(lab::Msg),
    /// For the data explorer.
    Explorer(explorer::Msg),
    /// For the labeling screen.
    Labeling(labeling::Msg),
    /// For the agreement view.
    Agreement(agreement::Msg),
    /// For the train view.
    Train(train::Msg),
    /// For the evaluate view.
    Evaluate(evaluate::Msg),
    /// For the deploy view.
    Deploy(deploy::Msg),
    /// For the monitor view.
    Monitor(monitor::Msg),
    /// From the stage a screen started.
    Stage(ScreenId, StageMsg),
    /// From the background build of the pipeline and the labs' checks (the
    /// number of the build, then where it stands).
    Build(u64, BuildStatus),
}

/// The workbench's whole state.
#[derive(Debug, Clone)]
pub struct App {
    /// What the screens share.
    pub ctx: Ctx,
    /// The screen showing.
    pub screen: ScreenId,
    /// A modal window, if any.
    pub overlay: Option<Overlay>,
    /// Set when the workbench should close.
    pub quit: bool,
    /// The course map.
    pub map: map::MapScreen,
    /// The open lab.
    pub lab: lab::LabScreen,
    /// The data explorer.
    pub explorer: explorer::ExplorerScreen,
    /// The labeling screen.
    pub labeling: labeling::LabelingScreen,
    /// The agreement view.
    pub agreement: agreement::AgreementScreen,
    /// The train view.
    pub train: train::TrainScreen,
    /// The evaluate view.
    pub evaluate: evaluate::EvaluateScreen,
    /// The deploy view.
    pub deploy: deploy::DeployScreen,
    /// The monitor view.
    pub monitor: monitor::MonitorScreen,
}

impl App {
    /// A workbench for `course`, restoring progress from `state`, the last
    /// reports from `reports`, with `note` saying how loading the state went.
    pub fn new(
        course: Course,
        state: &State,
        reports: Vec<GradeReport>,
        note: Option<LoadNote>,
        corpus_line: String,
    ) -> Self {
        let mut labs = BTreeMap::new();
        for lab in course.labs() {
            let mut view = LabState {
                progress: state.labs.get(&lab.stage).copied().unwrap_or_default(),
                instructions: super::markdown::render(&lab.instructions_text()),
                declared: std::fs::read_to_string(lab.dir.join("tests/grade.rs"))
                    .ok()
                    .and_then(|source| crate::declared::declared(&source))
                    .unwrap_or_default(),
                ..LabState::default()
            };
            if let Some(report) = reports.iter().find(|r| r.lab == lab.stage.as_str()) {
                view.report = Some(report.clone());
            }
            labs.insert(lab.stage, view);
        }
        let map_selected = state
            .last_lab
            .and_then(|stage| course.stages.iter().position(|s| s.stage == stage))
            .unwrap_or(0);
        let flash = match note {
            Some(LoadNote::FirstStart) => {
                Some("Welcome to Ninety. Press Enter to open the first lab, ? for keys.".to_owned())
            }
            Some(note) => note.message(),
            None => None,
        };
        let first_lab = course.labs().next().map_or(Stage::Frame, |l| l.stage);
        Self {
            ctx: Ctx::new(course, corpus_line, labs, flash),
            screen: ScreenId::Map,
            overlay: None,
            quit: false,
            map: map::MapScreen {
                selected: map_selected,
            },
            lab: lab::LabScreen { stage: first_lab },
            explorer: explorer::ExplorerScreen::new(ninety_kit::CorpusName::mini()),
            labeling: labeling::LabelingScreen::default(),
            agreement: agreement::AgreementScreen::default(),
            train: train::TrainScreen::default(),
            evaluate: evaluate::EvaluateScreen::default(),
            deploy: deploy::DeployScreen::default(),
            monitor: monitor::MonitorScreen::default(),
        }
    }

    /// The state to save.
    pub fn state(&self) -> State {
        let mut state = State::default();
        for (stage, view) in &self.ctx.labs {
            state.labs.insert(*stage, view.progress);
        }
        state.last_lab = match self.screen {
            ScreenId::Lab(stage) => Some(stage),
            _ => self.map.selected_stage(&self.ctx),
        };
        state
    }

    /// The open screen's breadcrumb, for the header.
    pub fn title(&self) -> String {
        with_screen!(self, self.screen, |s, ctx, _w| s.title(ctx))
    }

    /// The right of the header.
    pub fn header_right(&self) -> String {
        with_screen!(self, self.screen, |s, ctx, _w| s.header_right(ctx))
    }

    /// Draws the open screen into `area`.
    pub fn render_screen(&self, area: Rect, buf: &mut Buffer) {
        with_screen!(self, self.screen, |s, ctx, _w| s.render(ctx, area, buf))
    }

    /// The open screen's keys for the help: `(keys, what they do)`.
    pub fn help_rows(&self) -> Vec<(String, String)> {
        with_screen!(self, self.screen, |s, ctx, _w| s.keys(ctx).help())
    }

    /// The open screen's keys for the footer: `(key, word)`.
    pub fn footer(&self) -> Vec<(String, String)> {
        with_screen!(self, self.screen, |s, ctx, _w| s.keys(ctx).footer())
    }

    /// The open screen's key table as the app sees it: for each row, its
    /// keys, its footer word, and the message it sends.
    pub fn key_rows(&self) -> Vec<(Vec<crossterm::event::KeyCode>, Option<String>, Message)> {
        with_screen!(self, self.screen, |s, ctx, wrap| {
            s.keys(ctx)
                .rows()
                .iter()
                .map(|b| (b.keys.clone(), b.footer.clone(), act(b.act.clone(), wrap)))
                .collect()
        })
    }

    fn parent(&self) -> Option<ScreenId> {
        with_screen!(self, self.screen, |s, _ctx, _w| s.parent())
    }

    fn chapter(&self) -> String {
        with_screen!(self, self.screen, |s, ctx, _w| s.chapter(ctx))
    }

    /// Whether anything is running (the spinner turns).
    pub fn busy(&self) -> bool {
        self.ctx.labs.values().any(|l| l.grading)
            || matches!(
                self.ctx.build,
                BuildStatus::Building(_) | BuildStatus::BuildingChecks(_)
            )
            || with_screen!(self, self.screen, |s, _ctx, _w| s.busy())
    }

    /// The message for a key press, through the open screen's key table.
    pub fn message_for(&self, key: KeyEvent) -> Option<Message> {
        use super::keys::{describe, is_interrupt, is_press};
        if !is_press(&key) {
            return None;
        }
        if is_interrupt(&key) {
            return Some(Message::Quit);
        }
        match &self.overlay {
            Some(Overlay::Message(_)) => {
                use crossterm::event::KeyCode;
                return Some(match key.code {
                    KeyCode::Down | KeyCode::Char('j') => Message::ScrollMessage(1),
                    KeyCode::Up | KeyCode::Char('k') => Message::ScrollMessage(-1),
                    KeyCode::PageDown | KeyCode::Char(' ') => Message::ScrollMessage(10),
                    KeyCode::PageUp => Message::ScrollMessage(-10),
                    _ => Message::CloseOverlay,
                });
            }
            Some(Overlay::Help) => return Some(Message::CloseOverlay),
            Some(Overlay::ConfirmReset(_)) => {
                use crossterm::event::KeyCode;
                return match key.code {
                    KeyCode::Char('y' | 'Y') => Some(Message::Confirm(true)),
                    KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Message::Confirm(false)),
                    _ => None,
                };
            }
            Some(Overlay::ConfigError) => {
                // Only a deliberate key closes it: a stray one would hide
                // what the learner has to read.
                use crossterm::event::KeyCode;
                return match key.code {
                    KeyCode::Esc | KeyCode::Enter => Some(Message::CloseOverlay),
                    _ => None,
                };
            }
            None => {}
        }
        with_screen!(self, self.screen, |s, ctx, wrap| {
            if let Some(typed) = s.text_input(&key) {
                return typed.map(wrap);
            }
            s.keys(ctx)
                .lookup(&key)
                .map(|a| act(a, wrap))
                .or_else(|| Some(Message::UnknownKey(describe(&key))))
        })
    }

    /// Applies one message and returns the work it calls for.
    pub fn update(&mut self, message: Message) -> Vec<Effect> {
        // Overlays take the keys first; workers' messages still arrive.
        if let Some(overlay) = self.overlay.clone() {
            match (&overlay, &message) {
                (Overlay::ConfirmReset(stage), Message::Confirm(yes)) => {
                    self.overlay = None;
                    if *yes {
                        self.ctx
                            .flash(format!("Resetting {stage} to its starter..."));
                        return vec![Effect::Reset(*stage)];
                    }
                    self.ctx.flash("Reset cancelled; nothing changed.");
                    return vec![];
                }
                (Overlay::ConfirmReset(_), Message::CloseOverlay) => {
                    self.overlay = None;
                    self.ctx.flash("Reset cancelled; nothing changed.");
                    return vec![];
                }
                (Overlay::Message(scroll), Message::ScrollMessage(by)) => {
                    // At most a row per character: the window stops at
                    // the last row it can show whatever this says.
                    let most = self.ctx.flash.as_deref().map_or(0, |f| f.chars().count()) as i32;
                    self.overlay =
                        Some(Overlay::Message((*scroll as i32 + by).clamp(0, most) as u16));
                    return vec![];
                }
                (Overlay::Help, Message::Help | Message::CloseOverlay)
                | (Overlay::Message(_), Message::CloseOverlay) => {
                    self.overlay = None;
                    return vec![];
                }
                (Overlay::ConfigError, Message::CloseOverlay) => {
                    self.overlay = None;
                    self.ctx.flash(
                        "The config file still needs fixing: labeling stays closed until then; everything else works.",
                    );
                    return vec![];
                }
                (_, Message::Quit) => {}
                (_, m) if is_from_a_worker(m) => {}
                _ => return vec![],
            }
        }
        let effects = match message {
            Message::Quit => {
                self.quit = true;
                let mut effects = vec![Effect::SaveState];
                if self.labeling.has_session() {
                    effects.push(Effect::SyncLog);
                }
                effects
            }
            Message::Tick => {
                self.ctx.tick = self.ctx.tick.wrapping_add(1);
                vec![]
            }
            Message::Help => {
                self.overlay = Some(Overlay::Help);
                vec![]
            }
            Message::ShowMessage => {
                if self.ctx.flash.as_deref().is_some_and(|f| !f.is_empty()) {
                    self.overlay = Some(Overlay::Message(0));
                } else {
                    self.ctx.flash("No message to read.");
                }
                vec![]
            }
            Message::CloseOverlay | Message::Confirm(_) | Message::ScrollMessage(_) => vec![],
            Message::Notice(text) => {
                self.ctx.flash(text);
                vec![]
            }
            Message::UnknownKey(key) => {
                self.ctx.flash(format!(
                    "{key} does nothing here; ? lists this screen's keys."
                ));
                vec![]
            }
            Message::Back => match self.parent() {
                Some(parent) => self.open(parent),
                None => {
                    self.quit = true;
                    vec![Effect::SaveState]
                }
            },
            Message::Book => {
                let chapter = self.chapter();
                self.ctx
                    .flash(format!("Building the book and opening {chapter}..."));
                vec![Effect::OpenBook(chapter)]
            }
            Message::Go(id) => self.open(id),
            Message::Lab(lab::Msg::AskReset) => self.ask_reset(),
            Message::Map(m) => wrapped(self.map.update(m, &mut self.ctx), Message::Map),
            Message::Lab(m) => wrapped(self.lab.update(m, &mut self.ctx), Message::Lab),
            Message::Explorer(m) => {
                wrapped(self.explorer.update(m, &mut self.ctx), Message::Explorer)
            }
            Message::Labeling(m) => {
                wrapped(self.labeling.update(m, &mut self.ctx), Message::Labeling)
            }
            Message::Agreement(m) => {
                wrapped(self.agreement.update(m, &mut self.ctx), Message::Agreement)
            }
            Message::Train(m) => wrapped(self.train.update(m, &mut self.ctx), Message::Train),
            Message::Evaluate(m) => {
                wrapped(self.evaluate.update(m, &mut self.ctx), Message::Evaluate)
            }
            Message::Deploy(m) => wrapped(self.deploy.update(m, &mut self.ctx), Message::Deploy),
            Message::Monitor(m) => wrapped(self.monitor.update(m, &mut self.ctx), Message::Monitor),
            Message::Stage(id, m) => {
                with_screen!(&mut *self, id, |s, ctx, wrap| wrapped(
                    s.on_stage(m, ctx),
                    wrap
                ))
            }
            Message::Build(_, status) => {
                self.ctx.build = status;
                vec![]
            }
        };
        match self.ctx.take_go() {
            Some(id) => {
                let mut all = effects;
                all.extend(self.open(id));
                all
            }
            None => effects,
        }
    }

    /// Records that the config file cannot be used: the workbench runs on
    /// the defaults, shows the error whole, and keeps labeling closed.
    pub fn config_problem(&mut self, error: crate::config::ConfigError) {
        self.ctx.config_error = Some(error);
        self.overlay = Some(Overlay::ConfigError);
    }

    /// Opens the screen `id`, and tells it so.
    fn open(&mut self, id: ScreenId) -> Vec<Effect> {
        match id {
            // Labels saved under the login name instead of the configured
            // annotator, or with keys the learner did not choose, are worse
            // than no labels: the error again, instead of the screen.
            ScreenId::Labeling if self.ctx.config_error.is_some() => {
                self.overlay = Some(Overlay::ConfigError);
                return vec![];
            }
            ScreenId::Lab(stage) if self.ctx.course.lab(stage).is_none() => {
                self.ctx.flash(format!(
                    "The {stage} lab is not written yet; its chapter says what it will cover."
                ));
                return vec![];
            }
            ScreenId::Lab(stage) => {
                self.lab.stage = stage;
                if let Some(i) = self.ctx.course.stages.iter().position(|s| s.stage == stage) {
                    self.map.selected = i;
                }
            }
            _ => {}
        }
        let from = std::mem::replace(&mut self.screen, id);
        if from != id {
            with_screen!(&mut *self, from, |s, ctx, _w| s.close(ctx));
        }
        let mut effects = with_screen!(&mut *self, id, |s, ctx, wrap| wrapped(
            s.open(from, ctx),
            wrap
        ));
        if matches!(id, ScreenId::Map | ScreenId::Lab(_)) {
            effects.push(Effect::SaveState);
        }
        if let Some(next) = self.ctx.take_go() {
            effects.extend(self.open(next));
        }
        effects
    }

    fn ask_reset(&mut self) -> Vec<Effect> {
        let ScreenId::Lab(stage) = self.screen else {
            return vec![];
        };
        if !self.ctx.learner_workspace {
            self.ctx.flash("Reset works in a learner workspace (made with `ninety init`); this is the instructor repository, where the solution lives.");
            return vec![];
        }
        self.overlay = Some(Overlay::ConfirmReset(stage));
        vec![]
    }
}

/// What a key's act sends, a screen's own message wrapped by `wrap`.
fn act<M>(act: Act<M>, wrap: fn(M) -> Message) -> Message {
    match act {
        Act::Own(m) => wrap(m),
        Act::Go(id) => Message::Go(id),
        Act::Back => Message::Back,
        Act::Help => Message::Help,
        Act::Book => Message::Book,
        Act::Message => Message::ShowMessage,
    }
}

/// A screen's effects, the messages its tasks return wrapped by `wrap`.
fn wrapped<M: 'static>(effects: Vec<super::ctx::Effect<M>>, wrap: fn(M) -> Message) -> Vec<Effect> {
    effects.into_iter().map(|e| e.map(wrap)).collect()
}

/// Whether a message comes from a worker rather than a key: those are
/// applied even under an overlay.
fn is_from_a_worker(message: &Message) -> bool {
    match message {
        Message::Tick | Message::Notice(_) | Message::Stage(..) | Message::Build(..) => true,
        Message::Lab(m) => m.is_from_a_worker(),
        Message::Explorer(m) => m.is_from_a_worker(),
        Message::Labeling(m) => m.is_from_a_worker(),
        Message::Train(m) => m.is_from_a_worker(),
        Message::Evaluate(m) => m.is_from_a_worker(),
        Message::Deploy(m) => m.is_from_a_worker(),
        Message::Monitor(m) => m.is_from_a_worker(),
        _ => false,
    }
}
