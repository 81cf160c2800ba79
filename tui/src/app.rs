//! The workbench's model and its `update`: the Elm architecture.
//!
//! [`App`] is everything the screen shows. Keys become [`Message`]s (see
//! [`crate::keys`]), workers send [`Message`]s when a grade finishes or a
//! file is saved, and [`App::update`] is the one place the model changes.
//! `update` never does input or output itself: it returns [`Effect`]s, which
//! the terminal loop carries out (start a grade, watch files, open the book,
//! save the state). That is what makes it testable without a terminal.

use crate::config::LabelConfig;
use crate::explorer::{Dataset, Explorer, Pane};
use crate::labeling::{LabelSession, SessionData};
use crate::state::{LoadNote, Progress, State};
use ninety_grader::GradeReport;
use ninety_grader::cargo::{GradeOutcome, build_errors};
use ninety_grader::course::Course;
use ninety_kit::labels::{Decision, Mark};
use std::collections::BTreeMap;

/// Which screen is showing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// Every stage in order, with status and points.
    Map,
    /// One lab: instructions, checks, hints, output.
    Lab(String),
    /// The data explorer over the gather stage's output.
    Explorer,
    /// The labeling screen.
    Label,
    /// Agreement: kappa, confusion, disagreements, learning curves.
    Agreement,
    /// Training: live curves, baselines, the run table.
    Train,
}

/// Which pane of the lab view takes the scroll keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The instructions.
    Instructions,
    /// The list of checks.
    Checks,
    /// The build output or the selected check's details.
    Output,
}

/// A modal window over the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// The key help.
    Help,
    /// "Reset this lab to its starter?"
    ConfirmReset(String),
}

/// What the workbench knows about one lab while it runs.
#[derive(Debug, Clone, Default)]
pub struct LabView {
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

/// The workbench's whole state.
#[derive(Debug, Clone)]
pub struct App {
    /// The course being worked through.
    pub course: Course,
    /// One line about the corpus in use, for the header.
    pub corpus_line: String,
    /// The screen showing.
    pub screen: Screen,
    /// The selected row of the course map.
    pub map_selected: usize,
    /// Per-lab state, by lab name.
    pub labs: BTreeMap<String, LabView>,
    /// A modal window, if any.
    pub overlay: Option<Overlay>,
    /// A one-line message in the status bar.
    pub flash: Option<String>,
    /// Set when the workbench should close.
    pub quit: bool,
    /// Frames drawn while something runs, for the spinner.
    pub tick: u64,
    /// Whether this is a learner workspace (reset works there).
    pub learner_workspace: bool,
    /// The corpora there are (name, present), for the explorer.
    pub corpora: Vec<String>,
    /// The data explorer, once opened.
    pub explorer: Option<Explorer>,
    /// The labeling settings: config file, then command-line flags.
    pub label_config: LabelConfig,
    /// The corpus to label.
    pub label_corpus: String,
    /// The labeling session, once started.
    pub labeling: Option<LabelSession>,
    /// The queue is being prepared: progress of the stage, when known.
    pub label_loading: Option<(u64, u64)>,
    /// The agreement view.
    pub agreement: Option<AgreementView>,
    /// The train view.
    pub train: TrainView,
}

/// The train view: the run going on, its curves, and the runs so far.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainView {
    /// The model the next run trains: `fasttext` or `logreg`.
    pub model: String,
    /// The split the next run uses: `random` or `time`.
    pub split: String,
    /// A run is going on.
    pub running: bool,
    /// Each metric's points `(epoch, value)`, by name (`fasttext.valid_f1`).
    pub series: BTreeMap<String, Vec<(f64, f64)>>,
    /// The run's last log lines.
    pub log: Vec<String>,
    /// The finished run's summary.
    pub summary: Option<serde_json::Value>,
    /// Why the last run failed: the stage's message, or the compiler's.
    pub problem: Option<String>,
    /// The recorded runs, newest first.
    pub runs: Vec<serde_json::Value>,
}

impl Default for TrainView {
    fn default() -> Self {
        TrainView {
            model: "fasttext".into(),
            split: "random".into(),
            running: false,
            series: BTreeMap::new(),
            log: Vec::new(),
            summary: None,
            problem: None,
            runs: Vec::new(),
        }
    }
}

/// The lists of items to review in the agreement view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AgreementList {
    /// Items annotators labeled differently.
    #[default]
    Disagreements,
    /// Items where the chosen annotator differs from gold.
    AgainstGold,
    /// Probable label errors.
    Suspects,
}

impl AgreementList {
    /// The next list, in Tab order.
    pub fn next(self) -> Self {
        match self {
            AgreementList::Disagreements => AgreementList::AgainstGold,
            AgreementList::AgainstGold => AgreementList::Suspects,
            AgreementList::Suspects => AgreementList::Disagreements,
        }
    }
}

/// The agreement view: the `label` stage's report, and what is selected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgreementView {
    /// The report, once the stage has run.
    pub stats: Option<serde_json::Value>,
    /// Why there is no report.
    pub problem: Option<String>,
    /// The stage is running.
    pub loading: bool,
    /// Which list shows: see [`AgreementList`].
    pub list: AgreementList,
    /// The selected row of that list.
    pub selected: usize,
    /// The annotator whose confusion and curve show.
    pub annotator: usize,
}

/// Everything that can happen to the workbench.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Move the selection or scroll up.
    Up,
    /// Move the selection or scroll down.
    Down,
    /// Scroll a page up.
    PageUp,
    /// Scroll a page down.
    PageDown,
    /// Open the selected lab.
    Open,
    /// Go back to the course map.
    Back,
    /// Close the workbench.
    Quit,
    /// Show or hide the key help.
    ToggleHelp,
    /// Grade the current (or selected) lab now.
    Grade,
    /// Turn watch mode on or off for the current lab.
    ToggleWatch,
    /// Show or hide the hint of the selected check.
    ToggleHint,
    /// Move focus to the next pane.
    FocusNext,
    /// Open the lab's chapter in a browser.
    OpenBook,
    /// Ask to reset the lab to its starter.
    AskReset,
    /// The answer to the reset question.
    ConfirmReset(bool),
    /// Close the overlay.
    CloseOverlay,
    /// Time passed (drives the spinner).
    Tick,
    /// A grade of `lab` ended.
    GradeFinished(String, GradeOutcome),
    /// A grade could not even start.
    GradeFailedToStart(String, String),
    /// A file of `lab` was saved.
    FilesChanged(String),
    /// Something a worker wants the learner to read.
    Notice(String),
    /// A lab was reset to its starter, its old files kept in the folder
    /// named (or it could not be).
    ResetDone(String, Result<String, String>),
    /// Open the data explorer.
    OpenExplorer,
    /// The explorer's dataset was read (or could not be).
    DatasetLoaded(String, Result<Dataset, String>),
    /// A raw message was read: its corpus path and its text.
    RawLoaded(String, String),
    /// Cycle the explorer's status filter.
    CycleStatus,
    /// Cycle the explorer's group filter.
    CycleGroup,
    /// Cycle the explorer's period filter.
    CyclePeriod,
    /// Cycle the explorer's corpus.
    CycleCorpus,
    /// Start typing a search.
    StartSearch,
    /// A character typed into the search.
    SearchChar(char),
    /// Delete the last character of the search.
    SearchBackspace,
    /// Stop typing the search (keep it).
    EndSearch,
    /// Switch between the messages and the report.
    TogglePane,
    /// Scroll the raw and clean panes.
    ScrollText(i32),
    /// Run the gather stage for the explorer's corpus.
    RunGather,
    /// The running stage made progress.
    StageProgress(u64, u64),
    /// The running stage ended (an error says why it failed).
    StageFinished(Result<(), String>),
    /// Open a lab by name (the command line's way in).
    OpenLab(String),
    /// Open the labeling screen.
    OpenLabeling,
    /// The labeling queue is ready (or could not be made).
    LabelingReady(Result<SessionData, String>),
    /// The queue's stage made progress.
    LabelProgress(u64, u64),
    /// Label, or skip, the message on screen.
    Decide(Mark),
    /// Take back the last decision of the session.
    Undo,
    /// Start typing a note for the next decision.
    StartNote,
    /// A character of the note.
    NoteChar(char),
    /// Delete the last character of the note.
    NoteBackspace,
    /// Stop typing the note: keep it (true) or drop it.
    EndNote(bool),
    /// Scroll the message body.
    ScrollBody(i32),
    /// Open the agreement view (runs the `label` stage).
    OpenAgreement,
    /// The `label` stage's report (or why there is none).
    StatsLoaded(Result<serde_json::Value, String>),
    /// Show the agreement view's next list.
    NextList,
    /// Show the next (or previous) annotator's confusion and curve.
    CycleAnnotator(i32),
    /// Open the train view.
    OpenTrain,
    /// Start a training run.
    StartTrain,
    /// Switch the model of the next run.
    ToggleModel,
    /// Switch the split of the next run.
    ToggleSplit,
    /// A metric from the running stage: name, value, epoch.
    TrainMetric(String, f64, Option<u64>),
    /// A log line from the running stage.
    TrainLog(String),
    /// The run ended: its summary, or why it failed.
    TrainFinished(Result<serde_json::Value, String>),
    /// The recorded runs were read.
    RunsLoaded(Vec<serde_json::Value>),
}

/// Work `update` asks the terminal loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Run `cargo test -p lab-<name>` in the background.
    Grade(String),
    /// Start or stop watching a lab's files.
    Watch(String, bool),
    /// Build the book and open a chapter.
    OpenBook(String),
    /// Restore a lab's files from the starter.
    Reset(String),
    /// Write the state file.
    SaveState,
    /// Read the gather artifact of a corpus.
    LoadDataset(String),
    /// Read one raw message (corpus-relative path, full path).
    ReadRaw(String, std::path::PathBuf),
    /// Run the gather stage on a corpus as a child process.
    RunGather(String),
    /// Run the `label-queue` stage and load a session.
    PrepareLabeling {
        /// The corpus.
        corpus: String,
        /// Who labels.
        annotator: String,
        /// The queue order.
        order: String,
        /// The seed, if one is set.
        seed: Option<u64>,
    },
    /// Append a record to a label log, now, before anything else happens.
    AppendDecision(std::path::PathBuf, Decision),
    /// Ask the system to put the label log on disk (end of a session).
    SyncLog,
    /// Run the `label` stage for the agreement view.
    RunLabelStats(String),
    /// Run the train stage (corpus, model, split).
    RunTrain(String, String, String),
    /// Read the recorded runs.
    LoadRuns,
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
            let mut view = LabView {
                progress: state.labs.get(&lab.name).copied().unwrap_or_default(),
                instructions: crate::markdown::render(&lab.instructions_text()),
                ..LabView::default()
            };
            if let Some(report) = reports.iter().find(|r| r.lab == lab.name) {
                view.report = Some(report.clone());
            }
            labs.insert(lab.name.clone(), view);
        }
        let map_selected = state
            .last_lab
            .as_ref()
            .and_then(|name| course.stages.iter().position(|s| &s.name == name))
            .unwrap_or(0);
        let flash = match note {
            Some(LoadNote::FirstStart) => {
                Some("Welcome to Ninety. Press Enter to open the first lab, ? for keys.".to_owned())
            }
            Some(note) => note.message(),
            None => None,
        };
        Self {
            course,
            corpus_line,
            screen: Screen::Map,
            map_selected,
            labs,
            overlay: None,
            flash,
            quit: false,
            tick: 0,
            learner_workspace: false,
            corpora: vec!["mini".to_owned()],
            explorer: None,
            label_config: LabelConfig::default(),
            label_corpus: "mini".to_owned(),
            labeling: None,
            label_loading: None,
            agreement: None,
            train: TrainView::default(),
        }
    }

    /// The state to save.
    pub fn state(&self) -> State {
        let mut state = State::default();
        for (name, view) in &self.labs {
            state.labs.insert(name.clone(), view.progress);
        }
        state.last_lab = match &self.screen {
            Screen::Lab(name) => Some(name.clone()),
            Screen::Map | Screen::Explorer | Screen::Label | Screen::Agreement | Screen::Train => {
                self.course
                    .stages
                    .get(self.map_selected)
                    .map(|s| s.name.clone())
            }
        };
        state
    }

    /// The lab the keys act on: the open one, or the one selected on the map.
    pub fn current_lab(&self) -> Option<String> {
        match &self.screen {
            Screen::Lab(name) => Some(name.clone()),
            Screen::Explorer => Some("gather".to_owned()),
            Screen::Label | Screen::Agreement => Some("label".to_owned()),
            Screen::Train => Some("train".to_owned()),
            Screen::Map => self
                .course
                .stages
                .get(self.map_selected)
                .and_then(|s| s.lab.as_ref())
                .map(|l| l.name.clone()),
        }
    }

    /// Whether anything is running (the spinner turns).
    pub fn busy(&self) -> bool {
        self.labs.values().any(|l| l.grading)
            || self.explorer.as_ref().is_some_and(|e| e.running.is_some())
            || self.label_loading.is_some()
            || self.agreement.as_ref().is_some_and(|a| a.loading)
            || self.train.running
            // The labeling screen shows a live rate and time on screen.
            || self.screen == Screen::Label
    }

    fn lab_mut(&mut self, name: &str) -> Option<&mut LabView> {
        self.labs.get_mut(name)
    }

    /// Applies one message and returns the work it calls for.
    pub fn update(&mut self, message: Message) -> Vec<Effect> {
        // Overlays take the keys first.
        if let Some(overlay) = self.overlay.clone() {
            match (&overlay, &message) {
                (Overlay::ConfirmReset(lab), Message::ConfirmReset(yes)) => {
                    self.overlay = None;
                    if *yes {
                        self.flash = Some(format!("Resetting {lab} to its starter..."));
                        return vec![Effect::Reset(lab.clone())];
                    }
                    self.flash = Some("Reset cancelled; nothing changed.".into());
                    return vec![];
                }
                (Overlay::ConfirmReset(_), Message::CloseOverlay) => {
                    self.overlay = None;
                    self.flash = Some("Reset cancelled; nothing changed.".into());
                    return vec![];
                }
                (Overlay::Help, Message::ToggleHelp | Message::CloseOverlay) => {
                    self.overlay = None;
                    return vec![];
                }
                (_, Message::Quit) => {}
                // Workers' messages still arrive under an overlay.
                (
                    _,
                    Message::Tick
                    | Message::GradeFinished(..)
                    | Message::GradeFailedToStart(..)
                    | Message::FilesChanged(_)
                    | Message::Notice(_)
                    | Message::ResetDone(..)
                    | Message::DatasetLoaded(..)
                    | Message::RawLoaded(..)
                    | Message::StageProgress(..)
                    | Message::StageFinished(_)
                    | Message::LabelingReady(_)
                    | Message::LabelProgress(..)
                    | Message::StatsLoaded(_)
                    | Message::TrainMetric(..)
                    | Message::TrainLog(_)
                    | Message::TrainFinished(_)
                    | Message::RunsLoaded(_),
                ) => {}
                _ => return vec![],
            }
        }
        if let Some(effects) = self.update_label(&message) {
            return effects;
        }
        if let Some(effects) = self.update_train(&message) {
            return effects;
        }
        match message {
            Message::Quit => {
                self.quit = true;
                let mut effects = vec![Effect::SaveState];
                if self.labeling.is_some() {
                    effects.push(Effect::SyncLog);
                }
                effects
            }
            Message::Tick => {
                self.tick = self.tick.wrapping_add(1);
                vec![]
            }
            Message::ToggleHelp => {
                self.overlay = Some(Overlay::Help);
                vec![]
            }
            Message::CloseOverlay => vec![],
            Message::Up | Message::Down | Message::PageUp | Message::PageDown => {
                self.scroll(&message);
                self.raw_effect()
            }
            Message::Open => {
                if let Screen::Map = self.screen {
                    match self.course.stages.get(self.map_selected) {
                        Some(stage) if stage.lab.is_some() => {
                            self.screen = Screen::Lab(stage.name.clone());
                            self.flash = None;
                            return vec![Effect::SaveState];
                        }
                        Some(stage) => {
                            self.flash = Some(format!(
                                "The {} lab is not written yet; its chapter says what it will cover.",
                                stage.name
                            ));
                        }
                        None => {}
                    }
                }
                vec![]
            }
            Message::Back => {
                if matches!(self.screen, Screen::Label | Screen::Agreement) {
                    self.screen = Screen::Lab("label".into());
                    return vec![];
                }
                if self.screen == Screen::Train {
                    self.screen = Screen::Lab("train".into());
                    return vec![];
                }
                if self.screen == Screen::Explorer {
                    self.screen = Screen::Lab("gather".into());
                    return vec![];
                }
                if let Screen::Lab(_) = self.screen {
                    self.screen = Screen::Map;
                    self.flash = None;
                    vec![Effect::SaveState]
                } else {
                    vec![]
                }
            }
            Message::Grade => match self.current_lab() {
                Some(lab) => self.start_grade(&lab),
                None => {
                    self.flash = Some("Nothing to grade: this stage has no lab yet.".into());
                    vec![]
                }
            },
            Message::ToggleWatch => {
                let Screen::Lab(lab) = self.screen.clone() else {
                    return vec![];
                };
                let Some(view) = self.lab_mut(&lab) else {
                    return vec![];
                };
                view.watching = !view.watching;
                let on = view.watching;
                self.flash = Some(if on {
                    format!("Watching {lab}: saving a file of the lab grades it again.")
                } else {
                    "Watch mode off.".into()
                });
                vec![Effect::Watch(lab, on)]
            }
            Message::ToggleHint => {
                if let Screen::Lab(lab) = self.screen.clone()
                    && let Some(view) = self.lab_mut(&lab)
                {
                    view.show_hint = !view.show_hint;
                }
                vec![]
            }
            Message::FocusNext => {
                if let Screen::Lab(lab) = self.screen.clone()
                    && let Some(view) = self.lab_mut(&lab)
                {
                    view.focus = Some(match view.focus.unwrap_or(Focus::Checks) {
                        Focus::Instructions => Focus::Checks,
                        Focus::Checks => Focus::Output,
                        Focus::Output => Focus::Instructions,
                    });
                }
                vec![]
            }
            Message::OpenBook => {
                let Some(stage) = self.course.stages.get(self.map_selected) else {
                    return vec![];
                };
                let chapter = match &self.screen {
                    Screen::Lab(name) => self
                        .course
                        .labs()
                        .find(|l| &l.name == name)
                        .map(|l| l.chapter.clone()),
                    Screen::Map => stage
                        .lab
                        .as_ref()
                        .map(|l| l.chapter.clone())
                        .or_else(|| Some(format!("{}.md", stage.name))),
                    Screen::Explorer => Some("gather.md".to_owned()),
                    Screen::Label | Screen::Agreement => Some("label.md".to_owned()),
                    Screen::Train => Some("train.md".to_owned()),
                };
                match chapter {
                    Some(chapter) => {
                        self.flash = Some(format!("Building the book and opening {chapter}..."));
                        vec![Effect::OpenBook(chapter)]
                    }
                    None => vec![],
                }
            }
            Message::AskReset => {
                let Screen::Lab(lab) = self.screen.clone() else {
                    return vec![];
                };
                if !self.learner_workspace {
                    self.flash = Some("Reset works in a learner workspace (made with `ninety init`); this is the instructor repository, where the solution lives.".into());
                    return vec![];
                }
                self.overlay = Some(Overlay::ConfirmReset(lab));
                vec![]
            }
            Message::ConfirmReset(_) => vec![],
            Message::GradeFinished(lab, outcome) => self.finish_grade(&lab, outcome),
            Message::GradeFailedToStart(lab, why) => {
                if let Some(view) = self.lab_mut(&lab) {
                    view.grading = false;
                    view.regrade_pending = false;
                    view.build_error = Some(why.clone());
                }
                self.flash = Some(format!("Could not run the grader for {lab}: {why}"));
                vec![]
            }
            Message::FilesChanged(lab) => {
                let Some(view) = self.lab_mut(&lab) else {
                    return vec![];
                };
                if !view.watching {
                    return vec![];
                }
                if view.grading {
                    view.regrade_pending = true;
                    return vec![];
                }
                self.start_grade(&lab)
            }
            Message::Notice(text) => {
                self.flash = Some(text);
                vec![]
            }
            Message::OpenExplorer => {
                let corpus = self
                    .explorer
                    .as_ref()
                    .map_or_else(|| "mini".to_owned(), |e| e.corpus.clone());
                if self.explorer.is_none() {
                    self.explorer = Some(Explorer::new(&corpus));
                }
                self.screen = Screen::Explorer;
                self.flash = Some("Explorer: f status · o group · p period · / search · c corpus · Tab report · r run gather".into());
                vec![Effect::LoadDataset(corpus)]
            }
            Message::DatasetLoaded(corpus, result) => {
                let Some(e) = self.explorer.as_mut().filter(|e| e.corpus == corpus) else {
                    return vec![];
                };
                match result {
                    Ok(data) => {
                        e.set_data(data);
                        e.raw = None;
                    }
                    Err(problem) => {
                        e.data = None;
                        e.visible.clear();
                        e.problem = Some(problem);
                    }
                }
                self.raw_effect()
            }
            Message::RawLoaded(path, text) => {
                if let Some(e) = self.explorer.as_mut() {
                    e.raw = Some((path, text));
                }
                vec![]
            }
            Message::CycleStatus | Message::CycleGroup | Message::CyclePeriod => {
                if let Some(e) = self.explorer.as_mut() {
                    match message {
                        Message::CycleStatus => e.status.next(),
                        Message::CycleGroup => e.group.next(),
                        _ => e.period.next(),
                    }
                    e.refilter();
                }
                self.raw_effect()
            }
            Message::CycleCorpus => {
                let Some(e) = self.explorer.as_mut() else {
                    return vec![];
                };
                if e.running.is_some() || self.corpora.is_empty() {
                    return vec![];
                }
                let at = self
                    .corpora
                    .iter()
                    .position(|c| c == &e.corpus)
                    .map_or(0, |i| (i + 1) % self.corpora.len());
                *e = Explorer::new(&self.corpora[at]);
                vec![Effect::LoadDataset(self.corpora[at].clone())]
            }
            Message::StartSearch => {
                if let Some(e) = self.explorer.as_mut() {
                    e.searching = true;
                }
                vec![]
            }
            Message::SearchChar(c) => {
                if let Some(e) = self.explorer.as_mut() {
                    e.search.push(c);
                    e.refilter();
                }
                self.raw_effect()
            }
            Message::SearchBackspace => {
                if let Some(e) = self.explorer.as_mut() {
                    e.search.pop();
                    e.refilter();
                }
                self.raw_effect()
            }
            Message::EndSearch => {
                if let Some(e) = self.explorer.as_mut() {
                    e.searching = false;
                }
                vec![]
            }
            Message::TogglePane => {
                if let Some(e) = self.explorer.as_mut() {
                    e.pane = if e.pane == Pane::Messages {
                        Pane::Report
                    } else {
                        Pane::Messages
                    };
                }
                vec![]
            }
            Message::ScrollText(delta) => {
                if let Some(e) = self.explorer.as_mut() {
                    e.scroll = (i32::from(e.scroll) + delta).clamp(0, i32::from(u16::MAX)) as u16;
                }
                vec![]
            }
            Message::RunGather => {
                let Some(e) = self.explorer.as_mut() else {
                    return vec![];
                };
                if e.running.is_some() {
                    return vec![];
                }
                e.running = Some((0, 0));
                self.flash = Some(format!(
                    "Running the gather stage on {} (cargo run -p ninety-pipeline)...",
                    e.corpus
                ));
                vec![Effect::RunGather(e.corpus.clone())]
            }
            Message::StageProgress(done, total) => {
                if let Some(e) = self.explorer.as_mut() {
                    e.running = Some((done, total));
                }
                vec![]
            }
            Message::StageFinished(result) => {
                let Some(e) = self.explorer.as_mut() else {
                    return vec![];
                };
                e.running = None;
                match result {
                    Ok(()) => {
                        self.flash = Some(format!("Gather finished on {}.", e.corpus));
                        vec![Effect::LoadDataset(e.corpus.clone())]
                    }
                    Err(why) => {
                        self.flash = Some(format!("The gather stage failed: {why}"));
                        vec![]
                    }
                }
            }
            Message::OpenLab(name) => {
                if let Some(i) = self
                    .course
                    .stages
                    .iter()
                    .position(|s| s.name == name && s.lab.is_some())
                {
                    self.map_selected = i;
                    self.screen = Screen::Lab(name);
                }
                vec![]
            }
            // Handled by `update_label` above.
            Message::OpenLabeling
            | Message::LabelingReady(_)
            | Message::LabelProgress(..)
            | Message::Decide(_)
            | Message::Undo
            | Message::StartNote
            | Message::NoteChar(_)
            | Message::NoteBackspace
            | Message::EndNote(_)
            | Message::ScrollBody(_)
            | Message::OpenAgreement
            | Message::StatsLoaded(_)
            | Message::NextList
            | Message::CycleAnnotator(_)
            | Message::OpenTrain
            | Message::StartTrain
            | Message::ToggleModel
            | Message::ToggleSplit
            | Message::TrainMetric(..)
            | Message::TrainLog(_)
            | Message::TrainFinished(_)
            | Message::RunsLoaded(_) => vec![],
            Message::ResetDone(lab, result) => match result {
                Ok(backup) => {
                    if let Some(view) = self.lab_mut(&lab) {
                        view.progress = Progress::NotStarted;
                        view.report = None;
                        view.build_error = None;
                        view.selected = 0;
                    }
                    self.flash = Some(format!(
                        "{lab} is back to its starter; your version is saved in {backup}"
                    ));
                    vec![Effect::SaveState]
                }
                Err(e) => {
                    self.flash = Some(format!("Reset failed, nothing changed: {e}"));
                    vec![]
                }
            },
        }
    }

    fn raw_effect(&self) -> Vec<Effect> {
        if self.screen != Screen::Explorer {
            return vec![];
        }
        let Some(e) = &self.explorer else {
            return vec![];
        };
        match (e.raw_wanted(), e.current()) {
            (Some(full), Some(item)) => vec![Effect::ReadRaw(item.path.clone(), full)],
            _ => vec![],
        }
    }

    fn start_grade(&mut self, lab: &str) -> Vec<Effect> {
        let Some(view) = self.lab_mut(lab) else {
            return vec![];
        };
        if view.grading {
            view.regrade_pending = true;
            return vec![];
        }
        view.grading = true;
        self.flash = Some(format!("Grading {lab}: cargo test -p lab-{lab} ..."));
        vec![Effect::Grade(lab.to_owned())]
    }

    fn finish_grade(&mut self, lab: &str, outcome: GradeOutcome) -> Vec<Effect> {
        let Some(view) = self.lab_mut(lab) else {
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
                        "{lab}: all checks pass, {}/{} points. On to the next lab!",
                        report.points, report.max_points
                    )
                } else {
                    let n = report.checks.iter().filter(|c| !c.passed).count();
                    format!(
                        "{lab}: {}/{} points, {n} check{} failing. Press h for the hint.",
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
                    "{lab} does not compile: the errors are in the output pane (Tab to focus, arrows to scroll)."
                )
            }
        };
        let mut effects = vec![Effect::SaveState];
        if let Some(view) = self.lab_mut(lab)
            && std::mem::take(&mut view.regrade_pending)
        {
            effects.extend(self.start_grade(lab));
        }
        // The result stays on the status line even when a new grade starts.
        self.flash = Some(flash);
        effects
    }

    fn scroll(&mut self, message: &Message) {
        let (delta, page): (i32, bool) = match message {
            Message::Up => (-1, false),
            Message::Down => (1, false),
            Message::PageUp => (-1, true),
            Message::PageDown => (1, true),
            _ => return,
        };
        match self.screen.clone() {
            Screen::Explorer => {
                if let Some(e) = self.explorer.as_mut() {
                    e.move_by(i64::from(delta) * if page { 20 } else { 1 });
                }
            }
            Screen::Train => {}
            Screen::Label => {
                if let Some(s) = self.labeling.as_mut() {
                    let step = if page { 10 } else { 1 };
                    s.scroll =
                        (i32::from(s.scroll) + delta * step).clamp(0, i32::from(u16::MAX)) as u16;
                }
            }
            Screen::Agreement => {
                if let Some(a) = self.agreement.as_mut() {
                    let len: usize = a.items().len();
                    let step = if page { 10 } else { 1 };
                    let next = a.selected as i32 + delta * step;
                    a.selected = next.clamp(0, len.saturating_sub(1) as i32) as usize;
                }
            }
            Screen::Map => {
                let n = self.course.stages.len();
                if n == 0 {
                    return;
                }
                let step = if page { 5 } else { 1 };
                let next = self.map_selected as i32 + delta * step;
                self.map_selected = next.clamp(0, n as i32 - 1) as usize;
            }
            Screen::Lab(lab) => {
                let Some(view) = self.lab_mut(&lab) else {
                    return;
                };
                let focus = view.focus.unwrap_or(Focus::Checks);
                let step = if page { 10 } else { 1 };
                let apply = |v: u16| (v as i32 + delta * step).clamp(0, u16::MAX as i32) as u16;
                match focus {
                    Focus::Instructions => {
                        // Never past the last line: wrapping only adds lines.
                        let last = view
                            .instructions
                            .len()
                            .saturating_sub(1)
                            .min(u16::MAX as usize) as u16;
                        view.instructions_scroll = apply(view.instructions_scroll).min(last);
                    }
                    Focus::Output => view.output_scroll = apply(view.output_scroll),
                    Focus::Checks => {
                        let n = view.report.as_ref().map_or(0, |r| r.checks.len());
                        if n > 0 {
                            let next = view.selected as i32 + delta * if page { 5 } else { 1 };
                            view.selected = next.clamp(0, n as i32 - 1) as usize;
                            view.output_scroll = 0;
                        }
                    }
                }
            }
        }
    }
}

mod label;
#[cfg(test)]
pub(crate) mod tests;
mod train;
