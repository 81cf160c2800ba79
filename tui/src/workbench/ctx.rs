//! What the screens share and what they ask for: the context every screen
//! reads and changes ([`Ctx`]), the work they ask the runtime to do
//! ([`Effect`], [`Task`]) and what a running stage tells them
//! ([`StageMsg`]). It knows no screen: screens and the app build on it.

use super::route::ScreenId;
use crate::config::{ConfigError, LabelConfig};
use crate::pipeline::{BuildProgress, StageFailure};
use crate::state::Progress;
use crate::workspace::Workspace;
use ninety_grader::GradeReport;
use ninety_grader::cargo::{GradeOutcome, build_errors, how_it_ended};
use ninety_grader::course::Course;
use ninety_kit::command::StageCommand;
use ninety_kit::labels::Decision;
use ninety_kit::records::Summary;
use ninety_kit::{CorpusName, Event, Stage};
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
    /// How far the running grade's build is, while cargo builds.
    pub grade_build: Option<crate::pipeline::BuildProgress>,
    /// A file changed while grading: grade again when this one ends.
    pub regrade_pending: bool,
    /// Re-grade when a file of the lab is saved.
    pub watching: bool,
    /// The selected check.
    pub selected: usize,
    /// How many hint tiers each check shows (by check id): 0 hides them,
    /// and each `h` shows one more (the idea, the approach, the code-level
    /// hint) until they are all shown, and the next hides them.
    pub hints_shown: std::collections::BTreeMap<String, usize>,
    /// Scroll of the instructions pane.
    pub instructions_scroll: u16,
    /// Scroll of the output pane.
    pub output_scroll: u16,
    /// Which pane scrolls.
    pub focus: Option<Focus>,
    /// The instructions, rendered from the lab's markdown.
    pub instructions: Vec<ratatui::text::Line<'static>>,
    /// The checks its `tests/grade.rs` declares, listed before a grade.
    pub declared: Vec<crate::declared::Declared>,
}

impl LabState {
    /// The selected check's id and hints: from the last report, or from
    /// the checks the lab declares before its first grade.
    pub fn selected_hints(&self) -> Option<(String, Vec<String>)> {
        match &self.report {
            Some(report) => report
                .checks
                .get(self.selected)
                .map(|c| (c.id.clone(), c.hints.clone())),
            None => self
                .declared
                .get(self.selected)
                .map(|d| (d.id.clone(), d.hints())),
        }
    }

    /// How many of the selected check's hint tiers are shown.
    pub fn shown_tiers(&self) -> usize {
        self.selected_hints()
            .and_then(|(id, _)| self.hints_shown.get(&id).copied())
            .unwrap_or(0)
    }

    /// Shows the selected check's next hint tier, or hides them all after
    /// the last. Returns how many are now shown, of how many.
    pub fn next_hint(&mut self) -> Option<(usize, usize)> {
        let (id, hints) = self.selected_hints()?;
        let shown = self.hints_shown.entry(id).or_default();
        *shown = if *shown >= hints.len() { 0 } else { *shown + 1 };
        Some((*shown, hints.len()))
    }
}

/// Where the background build of the pipeline stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BuildStatus {
    /// Not started (tests, or a workspace without cargo).
    #[default]
    Idle,
    /// Building the pipeline: how far.
    Building(BuildProgress),
    /// The pipeline is built; building the labs' checks: how far.
    BuildingChecks(BuildProgress),
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
    pub corpora: Vec<CorpusName>,
    /// The corpus the label and train stages run on.
    pub corpus: CorpusName,
    /// The labeling settings: config file, then command-line flags.
    pub label_config: LabelConfig,
    /// Why the config file could not be used, when it could not: the
    /// labeling screen stays closed until it is fixed.
    pub config_error: Option<ConfigError>,
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
    /// The messages a screen asks the explorer to show, until it opens.
    explore: Option<Subset>,
}

/// Some messages of a corpus, picked by id, that one screen asks the
/// explorer to show (the messages of a slice, a misjudged message), with
/// the reason, which the explorer shows above them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subset {
    /// The corpus they are in.
    pub corpus: CorpusName,
    /// Their ids (the gather stage's).
    pub ids: std::collections::BTreeSet<String>,
    /// Why these: `slice format=html-only (test split)`.
    pub label: String,
}

impl Ctx {
    /// A context for `course`, with the labs' states and a first message.
    pub fn new(
        course: Course,
        corpus_line: String,
        labs: BTreeMap<Stage, LabState>,
        flash: Option<String>,
    ) -> Self {
        Ctx {
            course,
            corpus_line,
            learner_workspace: false,
            corpora: vec![CorpusName::mini()],
            corpus: CorpusName::mini(),
            label_config: LabelConfig::default(),
            config_error: None,
            labs,
            flash,
            tick: 0,
            build: BuildStatus::Idle,
            go: None,
            explore: None,
        }
    }

    /// The screen asked for, once: the app opens it.
    pub fn take_go(&mut self) -> Option<ScreenId> {
        self.go.take()
    }

    /// Asks the app to open `screen` once the current message is handled.
    pub fn go(&mut self, screen: ScreenId) {
        self.go = Some(screen);
    }

    /// Asks the app to open the explorer on `subset`; Back there leads to
    /// the screen that asked.
    pub fn explore(&mut self, subset: Subset) {
        self.explore = Some(subset);
        self.go(ScreenId::Explorer);
    }

    /// The messages the explorer is asked to show, once (the explorer
    /// takes them when it opens; opened any other way, it shows them all).
    pub fn take_explore(&mut self) -> Option<Subset> {
        self.explore.take()
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
    pub fn start_grade<M>(&mut self, stage: Stage) -> Vec<Effect<M>> {
        let Some(view) = self.lab_mut(stage) else {
            self.flash("Nothing to grade: this stage has no lab yet.");
            return vec![];
        };
        if view.grading {
            view.regrade_pending = true;
            return vec![];
        }
        view.grading = true;
        view.grade_build = None;
        self.flash(format!("Grading {stage}: cargo test -p lab-{stage} ..."));
        vec![Effect::Grade(stage)]
    }

    /// Records a finished grade of `stage`.
    pub fn finish_grade<M>(&mut self, stage: Stage, outcome: GradeOutcome) -> Vec<Effect<M>> {
        let Some(view) = self.lab_mut(stage) else {
            return vec![];
        };
        view.grading = false;
        view.grade_build = None;
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
            GradeOutcome::NoReport { output } => {
                view.build_error = Some(format!(
                    "The grading program ended without a report. Its last words:\n\n{}",
                    how_it_ended(&output, 40)
                ));
                view.output_scroll = 0;
                view.focus = Some(Focus::Output);
                format!(
                    "{stage}: grading ended without a report: the output pane says how (Tab to focus)."
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

/// Why a worker's job failed, with its whole chain of causes kept. It is
/// shared (cloned with the message that carries it), shown with every
/// cause, and two are equal when they say the same.
#[derive(Debug, Clone)]
pub struct WorkError(std::sync::Arc<anyhow::Error>);

impl WorkError {
    /// A failure from any error, its causes kept.
    pub fn new(error: impl Into<anyhow::Error>) -> Self {
        WorkError(std::sync::Arc::new(error.into()))
    }

    /// A failure that is only a sentence (a worker's own finding).
    pub fn msg(text: impl Into<String>) -> Self {
        WorkError::new(anyhow::anyhow!(text.into()))
    }
}

impl std::fmt::Display for WorkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl PartialEq for WorkError {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
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

/// A piece of work for a background thread: reads files, and returns a
/// message of type `M` (a screen's own, until the app wraps it).
pub struct Task<M> {
    /// What it does, in words (tests compare tasks by it).
    pub what: String,
    /// The work.
    pub run: Box<dyn FnOnce(&Workspace) -> M + Send>,
}

impl<M: 'static> Task<M> {
    /// A task that does `run`.
    pub fn new(
        what: impl Into<String>,
        run: impl FnOnce(&Workspace) -> M + Send + 'static,
    ) -> Self {
        Task {
            what: what.into(),
            run: Box::new(run),
        }
    }

    /// The same work, its message passed through `wrap`.
    pub fn map<N: 'static>(self, wrap: fn(M) -> N) -> Task<N> {
        let run = self.run;
        Task {
            what: self.what,
            run: Box::new(move |ws| wrap(run(ws))),
        }
    }
}

impl<M> std::fmt::Debug for Task<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Task({:?})", self.what)
    }
}

impl<M> PartialEq for Task<M> {
    fn eq(&self, other: &Self) -> bool {
        self.what == other.what
    }
}

/// Work `update` asks the runtime to do; `M` is the message a task returns.
#[derive(Debug, PartialEq)]
pub enum Effect<M> {
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
    /// back as [`StageMsg`]s to that screen. It stops when that screen closes.
    RunStage(ScreenId, StageCommand),
    /// Run a task on a background thread.
    Task(Task<M>),
    /// Append a record to a label log, now, before anything else happens.
    AppendDecision(PathBuf, Decision),
    /// Ask the system to put the label log on disk (end of a session).
    SyncLog,
    /// Open a file of the workspace (relative to its root) at a line in the
    /// learner's editor (`$VISUAL` or `$EDITOR`), the workbench paused
    /// until the editor exits.
    Edit(PathBuf, u32),
    /// Run this workbench's own command line (`ninety ARGS`) as a child
    /// the screen owns, like a stage: it ends when that screen closes or
    /// the workbench quits, and a new one replaces it. Its end comes back
    /// as the job's message.
    RunChild(ScreenId, ChildJob<M>),
    /// End the child the screen started, if it still runs (its end comes
    /// back as [`ChildEnd::Stopped`]).
    StopChild(ScreenId),
}

impl<M: 'static> Effect<M> {
    /// The same effect, a task's message passed through `wrap`.
    pub fn map<N: 'static>(self, wrap: fn(M) -> N) -> Effect<N> {
        match self {
            Effect::Grade(s) => Effect::Grade(s),
            Effect::Watch(s, on) => Effect::Watch(s, on),
            Effect::OpenBook(c) => Effect::OpenBook(c),
            Effect::Reset(s) => Effect::Reset(s),
            Effect::SaveState => Effect::SaveState,
            Effect::RunStage(id, c) => Effect::RunStage(id, c),
            Effect::Task(t) => Effect::Task(t.map(wrap)),
            Effect::AppendDecision(p, d) => Effect::AppendDecision(p, d),
            Effect::SyncLog => Effect::SyncLog,
            Effect::Edit(p, l) => Effect::Edit(p, l),
            Effect::RunChild(id, job) => Effect::RunChild(id, job.map(wrap)),
            Effect::StopChild(id) => Effect::StopChild(id),
        }
    }
}

/// A run of `ninety ARGS` (this executable) for a screen: what
/// [`Effect::RunChild`] starts.
pub struct ChildJob<M> {
    /// The arguments after `ninety` (tests compare jobs by them).
    pub args: Vec<String>,
    /// The message its end makes.
    pub done: Box<dyn FnOnce(ChildEnd) -> M + Send>,
}

impl<M: 'static> ChildJob<M> {
    /// A run of `ninety ARGS` whose end `done` turns into a message.
    pub fn new(
        args: impl IntoIterator<Item = impl Into<String>>,
        done: impl FnOnce(ChildEnd) -> M + Send + 'static,
    ) -> Self {
        ChildJob {
            args: args.into_iter().map(Into::into).collect(),
            done: Box::new(done),
        }
    }

    /// The same run, its message passed through `wrap`.
    pub fn map<N: 'static>(self, wrap: fn(M) -> N) -> ChildJob<N> {
        let done = self.done;
        ChildJob {
            args: self.args,
            done: Box::new(move |end| wrap(done(end))),
        }
    }
}

impl<M> std::fmt::Debug for ChildJob<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChildJob(ninety {})", self.args.join(" "))
    }
}

impl<M> PartialEq for ChildJob<M> {
    fn eq(&self, other: &Self) -> bool {
        self.args == other.args
    }
}

/// How a screen's child ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildEnd {
    /// It exited by itself: whether it succeeded, its status in words, and
    /// what it printed (the first 64 KiB of each stream).
    Exited {
        /// Whether it exited with success.
        success: bool,
        /// How it ended (`exit status: 1`).
        status: String,
        /// What it printed on stdout.
        stdout: String,
        /// What it printed on stderr.
        stderr: String,
    },
    /// It was ended: its screen closed, or asked it to stop.
    Stopped,
    /// It could not be started: why.
    NotStarted(String),
}
