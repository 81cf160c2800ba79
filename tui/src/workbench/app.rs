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

use super::screens::{
    Screen, ScreenId, agreement, explorer, lab, labeling, map, tool_for_key, train,
};
use crate::config::LabelConfig;
use crate::pipeline::{BuildProgress, StageFailure};
use crate::state::{LoadNote, Progress, State};
use crate::workspace::Workspace;
use ninety_grader::GradeReport;
use ninety_grader::cargo::{GradeOutcome, build_errors};
use ninety_grader::course::Course;
use ninety_kit::command::StageCommand;
use ninety_kit::labels::Decision;
use ninety_kit::records::Summary;
use ninety_kit::{Event, Stage};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Which pane of a lab takes the scroll keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The instructions.
    Instructions,
    /// The list of checks.
    Checks,
    /// The build output or the selected check's details.
    Output,
}

/// What the workbench knows about one lab while it runs (the course map
/// and the lab's screen both show it).
#[derive(Debug, Clone, Default)]
pub struct LabState {
    /// Saved progress.
    pub progress: Progress,
    /// The last grade report, when there is one.
    pub report: Option<GradeReport>,
    /// Compiler output of the last grade, when the lab did not build.
    pub build_error: Option<String>,
    /// A grade is running.
    pub grading: bool,
    /// A file changed while grading: grade again when this one ends.
    pub regrade_pending: bool,
    /// Re-grade when a file of the lab is saved.
    pub watching: bool,
    /// The selected check.
    pub selected: usize,
    /// Show the selected check's hint.
    pub show_hint: bool,
    /// Scroll of the instructions pane.
    pub instructions_scroll: u16,
    /// Scroll of the output pane.
    pub output_scroll: u16,
    /// Which pane scrolls.
    pub focus: Option<Focus>,
    /// The instructions, rendered from the lab's markdown.
    pub instructions: Vec<ratatui::text::Line<'static>>,
}

/// Where the background build of the pipeline stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BuildStatus {
    /// Not started (tests, or a workspace without cargo).
    #[default]
    Idle,
    /// Building: how far.
    Building(BuildProgress),
    /// Built: the first stage starts at once.
    Ready,
    /// It did not build; the stage screens say why when a stage runs.
    Failed,
}

/// What every screen may read, and change through `update`.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The course being worked through.
    pub course: Course,
    /// One line about the corpus in use, for the header.
    pub corpus_line: String,
    /// Whether this is a learner workspace (reset works there).
    pub learner_workspace: bool,
    /// The corpora that are present, by name.
    pub corpora: Vec<String>,
    /// The corpus the label and train stages run on.
    pub corpus: String,
    /// The labeling settings: config file, then command-line flags.
    pub label_config: LabelConfig,
    /// Per-lab state.
    pub labs: BTreeMap<Stage, LabState>,
    /// A message for the status line.
    pub flash: Option<String>,
    /// Frames drawn while something runs, for the spinner.
    pub tick: u64,
    /// The background build of the pipeline.
    pub build: BuildStatus,
    /// A screen a screen's `update` asks to open next.
    go: Option<ScreenId>,
}

impl Ctx {
    /// Asks the app to open `screen` once the current message is handled.
    pub fn go(&mut self, screen: ScreenId) {
        self.go = Some(screen);
    }

    /// Sets the status line.
    pub fn flash(&mut self, text: impl Into<String>) {
        self.flash = Some(text.into());
    }

    /// The state of the lab of `stage`, if it has one.
    pub fn lab_mut(&mut self, stage: Stage) -> Option<&mut LabState> {
        self.labs.get_mut(&stage)
    }

    /// Starts grading the lab of `stage` (or folds the request into the
    /// grade running now).
    pub fn start_grade(&mut self, stage: Stage) -> Vec<Effect> {
        let Some(view) = self.lab_mut(stage) else {
            self.flash("Nothing to grade: this stage has no lab yet.");
            return vec![];
        };
        if view.grading {
            view.regrade_pending = true;
            return vec![];
        }
        view.grading = true;
        self.flash(format!("Grading {stage}: cargo test -p lab-{stage} ..."));
        vec![Effect::Grade(stage)]
    }

    /// Records a finished grade of `stage`.
    pub fn finish_grade(&mut self, stage: Stage, outcome: GradeOutcome) -> Vec<Effect> {
        let Some(view) = self.lab_mut(stage) else {
            return vec![];
        };
        view.grading = false;
        let flash = match outcome {
            GradeOutcome::Graded { report, .. } => {
                view.progress = Progress::from_report(&report);
                view.build_error = None;
                let failing = report.checks.iter().position(|c| !c.passed);
                view.selected = failing
                    .unwrap_or(0)
                    .min(report.checks.len().saturating_sub(1));
                let text = if report.all_passed() {
                    format!(
                        "{stage}: all checks pass, {}/{} points. On to the next lab!",
                        report.points, report.max_points
                    )
                } else {
                    let n = report.checks.iter().filter(|c| !c.passed).count();
                    format!(
                        "{stage}: {}/{} points, {n} check{} failing. Press h for the hint.",
                        report.points,
                        report.max_points,
                        if n == 1 { "" } else { "s" }
                    )
                };
                view.report = Some(report);
                text
            }
            GradeOutcome::BuildFailed { output } => {
                view.build_error = Some(build_errors(&output));
                view.output_scroll = 0;
                view.focus = Some(Focus::Output);
                format!(
                    "{stage} does not compile: the errors are in the output pane (Tab to focus, arrows to scroll)."
                )
            }
        };
        let mut effects = vec![Effect::SaveState];
        if let Some(view) = self.lab_mut(stage)
            && std::mem::take(&mut view.regrade_pending)
        {
            effects.extend(self.start_grade(stage));
        }
        // The result stays on the status line even when a new grade starts.
        self.flash(flash);
        effects
    }
}

/// A modal window over the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// The keys of the screen under it.
    Help,
    /// "Reset this lab to its starter?"
    ConfirmReset(Stage),
}

/// What a running stage tells the screen that started it.
#[derive(Debug, Clone, PartialEq)]
pub enum StageMsg {
    /// The pipeline is being built.
    Building(BuildProgress),
    /// An event of the stage.
    Event(Event),
    /// It ended: its summary, or why it gave none.
    Done(Box<Result<Summary, StageFailure>>),
}

impl StageMsg {
    /// The end of a stage.
    pub fn done(result: Result<Summary, StageFailure>) -> Self {
        StageMsg::Done(Box::new(result))
    }
}

/// Everything that can happen to the workbench.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Close the workbench.
    Quit,
    /// Show or hide the key help.
    Help,
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
    /// From the stage a screen started.
    Stage(ScreenId, StageMsg),
    /// From the background build of the pipeline (the number of the build,
    /// then how far it is, or that it ended).
    Build(u64, Result<Option<BuildProgress>, String>),
}

/// A piece of work for a background thread: reads files, returns a message.
pub struct Task {
    /// What it does, in words (tests compare tasks by it).
    pub what: String,
    /// The work.
    pub run: Box<dyn FnOnce(&Workspace) -> Message + Send>,
}

impl Task {
    /// A task that does `run`.
    pub fn new(
        what: impl Into<String>,
        run: impl FnOnce(&Workspace) -> Message + Send + 'static,
    ) -> Self {
        Task {
            what: what.into(),
            run: Box::new(run),
        }
    }
}

impl std::fmt::Debug for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Task({:?})", self.what)
    }
}

impl PartialEq for Task {
    fn eq(&self, other: &Self) -> bool {
        self.what == other.what
    }
}

/// Work `update` asks the runtime to do.
#[derive(Debug, PartialEq)]
pub enum Effect {
    /// Run `cargo test -p lab-<stage>` in the background.
    Grade(Stage),
    /// Start or stop watching a lab's files.
    Watch(Stage, bool),
    /// Build the book and open a chapter.
    OpenBook(String),
    /// Restore a lab's files from the starter.
    Reset(Stage),
    /// Write the state file.
    SaveState,
    /// Build the pipeline and run a stage for a screen; its updates come
    /// back as [`Message::Stage`]. It stops when that screen closes.
    RunStage(ScreenId, StageCommand),
    /// Run a task on a background thread.
    Task(Task),
    /// Append a record to a label log, now, before anything else happens.
    AppendDecision(PathBuf, Decision),
    /// Ask the system to put the label log on disk (end of a session).
    SyncLog,
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
            ctx: Ctx {
                course,
                corpus_line,
                learner_workspace: false,
                corpora: vec!["mini".to_owned()],
                corpus: "mini".to_owned(),
                label_config: LabelConfig::default(),
                labs,
                flash,
                tick: 0,
                build: BuildStatus::Idle,
                go: None,
            },
            screen: ScreenId::Map,
            overlay: None,
            quit: false,
            map: map::MapScreen {
                selected: map_selected,
            },
            lab: lab::LabScreen { stage: first_lab },
            explorer: explorer::ExplorerScreen::new("mini"),
            labeling: labeling::LabelingScreen::default(),
            agreement: agreement::AgreementScreen::default(),
            train: train::TrainScreen::default(),
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

    /// The open screen.
    pub fn current(&self) -> &dyn Screen {
        self.screen_of(self.screen)
    }

    /// The screen `id`.
    pub fn screen_of(&self, id: ScreenId) -> &dyn Screen {
        match id {
            ScreenId::Map => &self.map,
            ScreenId::Lab(_) => &self.lab,
            ScreenId::Explorer => &self.explorer,
            ScreenId::Labeling => &self.labeling,
            ScreenId::Agreement => &self.agreement,
            ScreenId::Train => &self.train,
        }
    }

    /// Calls `f` with the screen `id` and the shared context, borrowed apart.
    fn with_screen<R>(
        &mut self,
        id: ScreenId,
        f: impl FnOnce(&mut dyn Screen, &mut Ctx) -> R,
    ) -> R {
        let App {
            ctx,
            map,
            lab,
            explorer,
            labeling,
            agreement,
            train,
            ..
        } = self;
        let screen: &mut dyn Screen = match id {
            ScreenId::Map => map,
            ScreenId::Lab(_) => lab,
            ScreenId::Explorer => explorer,
            ScreenId::Labeling => labeling,
            ScreenId::Agreement => agreement,
            ScreenId::Train => train,
        };
        f(screen, ctx)
    }

    /// Whether anything is running (the spinner turns).
    pub fn busy(&self) -> bool {
        self.ctx.labs.values().any(|l| l.grading)
            || matches!(self.ctx.build, BuildStatus::Building(_))
            || self.current().busy()
    }

    /// The message for a key press, through the open screen's key table.
    pub fn message_for(&self, key: crossterm::event::KeyEvent) -> Option<Message> {
        use super::keys::{describe, is_interrupt, is_press};
        if !is_press(&key) {
            return None;
        }
        if is_interrupt(&key) {
            return Some(Message::Quit);
        }
        match &self.overlay {
            Some(Overlay::Help) => return Some(Message::CloseOverlay),
            Some(Overlay::ConfirmReset(_)) => {
                use crossterm::event::KeyCode;
                return match key.code {
                    KeyCode::Char('y' | 'Y') => Some(Message::Confirm(true)),
                    KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Message::Confirm(false)),
                    _ => None,
                };
            }
            None => {}
        }
        let screen = self.current();
        if let Some(typed) = screen.text_input(&key) {
            return typed;
        }
        screen
            .keys(&self.ctx)
            .lookup(&key)
            .or_else(|| Some(Message::UnknownKey(describe(&key))))
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
                (Overlay::Help, Message::Help | Message::CloseOverlay) => {
                    self.overlay = None;
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
            Message::CloseOverlay | Message::Confirm(_) => vec![],
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
            Message::Back => match self.current().parent() {
                Some(parent) => self.open(parent),
                None => {
                    self.quit = true;
                    vec![Effect::SaveState]
                }
            },
            Message::Book => {
                let chapter = self.current().chapter(&self.ctx);
                self.ctx
                    .flash(format!("Building the book and opening {chapter}..."));
                vec![Effect::OpenBook(chapter)]
            }
            Message::Go(id) => self.open(id),
            Message::Map(m) => self.map.update(m, &mut self.ctx),
            Message::Lab(m) => {
                if let lab::Msg::AskReset = m {
                    self.ask_reset()
                } else {
                    self.lab.update(m, &mut self.ctx)
                }
            }
            Message::Explorer(m) => self.explorer.update(m, &mut self.ctx),
            Message::Labeling(m) => self.labeling.update(m, &mut self.ctx),
            Message::Agreement(m) => self.agreement.update(m, &mut self.ctx),
            Message::Train(m) => self.train.update(m, &mut self.ctx),
            Message::Stage(id, m) => self.with_screen(id, |s, ctx| s.on_stage(m, ctx)),
            Message::Build(_, result) => {
                self.ctx.build = match result {
                    Ok(Some(progress)) => BuildStatus::Building(progress),
                    Ok(None) => BuildStatus::Ready,
                    Err(_) => BuildStatus::Failed,
                };
                vec![]
            }
        };
        match self.ctx.go.take() {
            Some(id) => {
                let mut all = effects;
                all.extend(self.open(id));
                all
            }
            None => effects,
        }
    }

    /// Opens the screen `id`, and tells it so.
    fn open(&mut self, id: ScreenId) -> Vec<Effect> {
        match id {
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
        let mut effects = self.with_screen(id, |s, ctx| s.open(from, ctx));
        if matches!(id, ScreenId::Map | ScreenId::Lab(_)) {
            effects.push(Effect::SaveState);
        }
        if let Some(next) = self.ctx.go.take() {
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

    /// The screen a lab's key opens, if any (`e` on the gather lab).
    pub fn tool(&self, stage: Stage, key: char) -> Option<ScreenId> {
        tool_for_key(stage, key)
    }
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
        _ => false,
    }
}
