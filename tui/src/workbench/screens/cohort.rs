//! The cohort view, for an instructor: `ninety cohort view`.
//!
//! A grid of the cohort's learners (rows) by its labs (columns), each cell
//! a lab's final points coloured by their share and marked for lateness,
//! changed tests, code that did not compile and work not submitted; the
//! checks that fail most across the cohort; a status line. Enter opens a
//! learner's report, the same markdown `ninety cohort feedback` writes;
//! `r` opens a cell's rubric, where the instructor types each criterion's
//! points and a comment, recorded through the grader's
//! `Gradebook::set_rubric_score` (whose refusals are shown, not fatal).
//!
//! It is a small app of its own in the workbench's shape, not a screen of
//! the learner's workbench: it runs in a cohort folder, outside any
//! workspace, and shares with the workbench its key tables and its
//! markdown. The model is [`CohortView`], keys become [`Msg`]s through
//! [`CohortView::keys`], [`CohortView::update`] is the one place the model
//! changes and returns the [`Effect`]s (reading the gradebook, recording
//! a score) that [`run`]'s loop carries out. Drawing is in [`view`], what
//! is read from the gradebook in [`data`].

pub mod data;
pub mod view;

#[cfg(test)]
mod tests;

use crate::workbench::keys::{Act, Binding, KeyTable, describe, help_row, is_interrupt, is_press};
use anyhow::Result;
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyModifiers};
use data::Data;
use ninety_grader::cohort::gradebook::{Gradebook, RubricScore};
use ninety_grader::cohort::{CohortError, GRADEBOOK_FILE, fmt_points};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

/// What the view shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// The grid, the failing checks and the status line.
    Grid,
    /// A learner's report, scrolled down by `scroll` rows.
    Report {
        /// The learner's row in the grid.
        row: usize,
        /// The report, in markdown.
        text: String,
        /// Rows scrolled.
        scroll: u16,
    },
    /// The rubric of a cell's lab, for its learner: the criteria to score.
    Rubric(Rubric),
}

/// The rubric being scored: which cell, which criterion, and the score
/// being typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Rubric {
    /// The learner's row in the grid.
    pub row: usize,
    /// The lab's column.
    pub col: usize,
    /// The selected criterion.
    pub selected: usize,
    /// The score being typed, if one is.
    pub edit: Option<Edit>,
}

/// A score as the instructor types it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Edit {
    /// The points, as typed.
    pub points: String,
    /// The comment, as typed.
    pub comment: String,
    /// The field the keys type into.
    pub field: Field,
}

/// A field of the score being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    /// The points.
    #[default]
    Points,
    /// The comment.
    Comment,
}

/// A rubric score to record.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The learner's id.
    pub learner: String,
    /// The lab.
    pub lab: String,
    /// The criterion's id.
    pub criterion: String,
    /// The points given.
    pub points: f64,
    /// The comment (may be empty).
    pub comment: String,
    /// Who gives it.
    pub by: String,
}

/// The cohort view's whole state.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortView {
    /// What the gradebook holds.
    pub data: Data,
    /// The selected learner (a row of the grid).
    pub row: usize,
    /// The selected lab (a column of the grid).
    pub col: usize,
    /// What is showing.
    pub mode: Mode,
    /// The key help is open over it.
    pub help: bool,
    /// A message for the instructor: what just happened, or went wrong.
    pub flash: Option<String>,
    /// Set when the view should close.
    pub quit: bool,
    /// Who the rubric scores given here are recorded as given by.
    pub scorer: String,
    /// The terminal's width and height, for how far the report scrolls.
    pub size: (u16, u16),
}

/// Everything that can happen to the view.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Move the selection by rows and columns (clamped to the grid).
    Move(i32, i32),
    /// Open the selected learner's report.
    Open,
    /// Back to the grid.
    Back,
    /// Scroll the report by this many rows (negative: up).
    Scroll(i32),
    /// Read the gradebook again.
    Reload,
    /// The gradebook was read (or could not be).
    Loaded(Result<Box<Data>, String>),
    /// Show or hide the key help.
    Help,
    /// Close the view.
    Quit,
    /// A key that does nothing here.
    UnknownKey(String),
    /// List the rubric of the selected cell's lab, for its learner.
    Rubric,
    /// Move the selection in the rubric by this many criteria.
    Pick(i32),
    /// Start typing a score for the selected criterion.
    Edit,
    /// A character typed into the score's field.
    Type(char),
    /// Erase the last character of the score's field.
    Erase,
    /// Type into the other field.
    NextField,
    /// Record the score typed.
    Save,
    /// Stop typing the score; nothing is recorded.
    Cancel,
    /// The score was recorded and the gradebook read again (or what went wrong).
    Scored(Result<Box<Data>, String>),
}

/// The work `update` asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read the cohort's gradebook again; the answer is [`Msg::Loaded`].
    Load,
    /// Record a rubric score, then read the gradebook again; the answer
    /// is [`Msg::Scored`].
    Score(Score),
}

/// Rows a page key scrolls the report by.
const PAGE: i32 = 10;

impl CohortView {
    /// A view of `data`, with the first learner and lab selected.
    pub fn new(data: Data) -> Self {
        Self {
            data,
            row: 0,
            col: 0,
            mode: Mode::Grid,
            help: false,
            flash: None,
            quit: false,
            scorer: "instructor".to_owned(),
            size: (80, 24),
        }
    }

    /// The keys of what is showing: they answer key presses and fill the
    /// footer and the help.
    pub fn keys(&self) -> KeyTable<Msg> {
        match &self.mode {
            Mode::Grid => KeyTable::new()
                .with(
                    Binding::new(
                        &[KeyCode::Up, KeyCode::Char('k')],
                        "↑ ↓ / k j",
                        "choose a learner",
                        Act::Own(Msg::Move(-1, 0)),
                    )
                    .footer_as("↑↓", "learner"),
                )
                .with(Binding::new(
                    &[KeyCode::Down, KeyCode::Char('j')],
                    "",
                    "",
                    Act::Own(Msg::Move(1, 0)),
                ))
                .with(
                    Binding::new(
                        &[KeyCode::Left, KeyCode::Char('h')],
                        "← → / h l",
                        "choose a lab",
                        Act::Own(Msg::Move(0, -1)),
                    )
                    .footer_as("←→", "lab"),
                )
                .with(Binding::new(
                    &[KeyCode::Right, KeyCode::Char('l')],
                    "",
                    "",
                    Act::Own(Msg::Move(0, 1)),
                ))
                .with(Binding::new(
                    &[KeyCode::PageUp],
                    "PgUp PgDn",
                    "a page of learners up or down",
                    Act::Own(Msg::Move(-PAGE, 0)),
                ))
                .with(Binding::new(
                    &[KeyCode::PageDown],
                    "",
                    "",
                    Act::Own(Msg::Move(PAGE, 0)),
                ))
                .with(
                    Binding::new(
                        &[KeyCode::Enter],
                        "Enter",
                        "the learner's report: the feedback they are sent",
                        Act::Own(Msg::Open),
                    )
                    .footer("report"),
                )
                .with(
                    Binding::char('g', "read the gradebook again", Act::Own(Msg::Reload))
                        .footer("reload"),
                )
                .with(
                    Binding::char(
                        'r',
                        "score the rubric of the lab for the learner",
                        Act::Own(Msg::Rubric),
                    )
                    .footer("rubric"),
                )
                .with(help_row())
                .with(
                    Binding::new(
                        &[KeyCode::Char('q'), KeyCode::Esc],
                        "q / Esc",
                        "close the cohort view",
                        Act::Own(Msg::Quit),
                    )
                    .footer("quit"),
                ),
            Mode::Rubric(Rubric { edit: Some(_), .. }) => KeyTable::new()
                .with(
                    Binding::new(
                        &[KeyCode::Tab, KeyCode::Up, KeyCode::Down],
                        "Tab / ↑ ↓",
                        "type into the other field",
                        Act::Own(Msg::NextField),
                    )
                    .footer_as("Tab", "field"),
                )
                .with(Binding::new(
                    &[KeyCode::Backspace],
                    "Backspace",
                    "erase a character",
                    Act::Own(Msg::Erase),
                ))
                .with(
                    Binding::new(
                        &[KeyCode::Enter],
                        "Enter",
                        "record the score in the gradebook",
                        Act::Own(Msg::Save),
                    )
                    .footer("save"),
                )
                .with(
                    Binding::new(
                        &[KeyCode::Esc],
                        "Esc",
                        "stop typing; nothing is recorded",
                        Act::Own(Msg::Cancel),
                    )
                    .footer("cancel"),
                ),
            Mode::Rubric(_) => KeyTable::new()
                .with(
                    Binding::new(
                        &[KeyCode::Up, KeyCode::Char('k')],
                        "↑ ↓ / k j",
                        "choose a criterion",
                        Act::Own(Msg::Pick(-1)),
                    )
                    .footer_as("↑↓", "criterion"),
                )
                .with(Binding::new(
                    &[KeyCode::Down, KeyCode::Char('j')],
                    "",
                    "",
                    Act::Own(Msg::Pick(1)),
                ))
                .with(
                    Binding::new(
                        &[KeyCode::Enter],
                        "Enter",
                        "score the criterion: points and a comment",
                        Act::Own(Msg::Edit),
                    )
                    .footer("score"),
                )
                .with(
                    Binding::new(
                        &[KeyCode::Esc, KeyCode::Left, KeyCode::Backspace],
                        "Esc / ←",
                        "back to the grid",
                        Act::Own(Msg::Back),
                    )
                    .footer("back"),
                )
                .with(help_row())
                .with(
                    Binding::char('q', "close the cohort view", Act::Own(Msg::Quit)).footer("quit"),
                ),
            Mode::Report { .. } => KeyTable::new()
                .with(
                    Binding::new(
                        &[KeyCode::Up, KeyCode::Char('k')],
                        "↑ ↓ / k j",
                        "scroll the report",
                        Act::Own(Msg::Scroll(-1)),
                    )
                    .footer_as("↑↓", "scroll"),
                )
                .with(Binding::new(
                    &[KeyCode::Down, KeyCode::Char('j')],
                    "",
                    "",
                    Act::Own(Msg::Scroll(1)),
                ))
                .with(Binding::new(
                    &[KeyCode::PageUp],
                    "PgUp PgDn",
                    "scroll a page",
                    Act::Own(Msg::Scroll(-PAGE)),
                ))
                .with(Binding::new(
                    &[KeyCode::PageDown, KeyCode::Char(' ')],
                    "",
                    "",
                    Act::Own(Msg::Scroll(PAGE)),
                ))
                .with(
                    Binding::new(
                        &[KeyCode::Esc, KeyCode::Left, KeyCode::Backspace],
                        "Esc / ←",
                        "back to the grid",
                        Act::Own(Msg::Back),
                    )
                    .footer("back"),
                )
                .with(help_row())
                .with(
                    Binding::char('q', "close the cohort view", Act::Own(Msg::Quit)).footer("quit"),
                ),
        }
    }

    /// The message for a key press.
    pub fn message_for(&self, key: KeyEvent) -> Option<Msg> {
        if !is_press(&key) {
            return None;
        }
        if is_interrupt(&key) {
            return Some(Msg::Quit);
        }
        if self.help {
            return Some(Msg::Help);
        }
        let typing = matches!(self.mode, Mode::Rubric(Rubric { edit: Some(_), .. }));
        Some(match self.keys().lookup(&key) {
            Some(Act::Own(m)) => m,
            Some(Act::Help) => Msg::Help,
            Some(_) => return None,
            None if typing => match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => Msg::Type(c),
                _ => return None,
            },
            None => Msg::UnknownKey(describe(&key)),
        })
    }

    /// Applies one message and returns the work it calls for.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Move(rows, cols) => {
                self.row = step(self.row, rows, self.data.learners.len());
                self.col = step(self.col, cols, self.data.labs.len());
            }
            Msg::Open => self.open_report(),
            Msg::Back => self.mode = Mode::Grid,
            Msg::Scroll(by) => {
                let (width, height) = self.size;
                if let Mode::Report { text, scroll, .. } = &mut self.mode {
                    // The report's pane: the screen less its header, status,
                    // message and footer lines, and its own borders.
                    let page = usize::from(height.saturating_sub(6)).max(1);
                    let rows = view::wrapped_rows(text, width.saturating_sub(2));
                    let last = rows.saturating_sub(page);
                    let to = (i64::from(*scroll) + i64::from(by)).clamp(0, last as i64);
                    *scroll = u16::try_from(to).unwrap_or(u16::MAX);
                }
            }
            Msg::Reload => {
                self.flash = Some("Reading the gradebook again...".to_owned());
                return vec![Effect::Load];
            }
            Msg::Loaded(Ok(data)) => {
                self.replace(*data);
                self.flash = Some(format!(
                    "Read the gradebook: {} grades of {} learners.",
                    self.data.grades.len(),
                    self.data.learners.len()
                ));
            }
            Msg::Loaded(Err(e)) => {
                self.flash = Some(format!("Could not read the gradebook again: {e}"));
            }
            Msg::Help => self.help = !self.help,
            Msg::Quit => self.quit = true,
            Msg::UnknownKey(key) => {
                self.flash = Some(format!("{key} does nothing here; ? lists the keys."));
            }
            Msg::Rubric => self.open_rubric(),
            Msg::Pick(by) => {
                let len = self.criteria().len();
                if let Mode::Rubric(r) = &mut self.mode {
                    r.selected = step(r.selected, by, len);
                }
            }
            Msg::Edit => {
                let Mode::Rubric(r) = &self.mode else {
                    return vec![];
                };
                let Some(c) = self.criteria().get(r.selected) else {
                    return vec![];
                };
                let edit = Edit {
                    points: c.points.map(fmt_points).unwrap_or_default(),
                    comment: c.comment.clone(),
                    field: Field::Points,
                };
                if let Mode::Rubric(r) = &mut self.mode {
                    r.edit = Some(edit);
                }
            }
            Msg::Type(ch) => {
                if let Some(e) = self.editing() {
                    match e.field {
                        Field::Points => e.points.push(ch),
                        Field::Comment => e.comment.push(ch),
                    }
                }
            }
            Msg::Erase => {
                if let Some(e) = self.editing() {
                    match e.field {
                        Field::Points => e.points.pop(),
                        Field::Comment => e.comment.pop(),
                    };
                }
            }
            Msg::NextField => {
                if let Some(e) = self.editing() {
                    e.field = match e.field {
                        Field::Points => Field::Comment,
                        Field::Comment => Field::Points,
                    };
                }
            }
            Msg::Cancel => {
                if let Mode::Rubric(r) = &mut self.mode {
                    r.edit = None;
                }
                self.flash = Some("Not scored: nothing was recorded.".to_owned());
            }
            Msg::Save => return self.save(),
            Msg::Scored(Ok(data)) => {
                let said = self.score_said();
                self.replace(*data);
                if let Mode::Rubric(r) = &mut self.mode {
                    r.edit = None;
                }
                self.flash = said;
            }
            Msg::Scored(Err(e)) => {
                // The score stays as typed, to be put right.
                self.flash = Some(format!("Not recorded: {e}"));
            }
        }
        vec![]
    }

    /// The criteria of the rubric open, with the learner's scores.
    pub fn criteria(&self) -> &[RubricScore] {
        match &self.mode {
            Mode::Rubric(r) => self
                .data
                .grade(r.row, r.col)
                .map_or(&[], |g| g.rubric.as_slice()),
            _ => &[],
        }
    }

    fn editing(&mut self) -> Option<&mut Edit> {
        match &mut self.mode {
            Mode::Rubric(r) => r.edit.as_mut(),
            _ => None,
        }
    }

    fn open_rubric(&mut self) {
        let (Some(learner), Some(lab)) = (
            self.data.learners.get(self.row),
            self.data.labs.get(self.col),
        ) else {
            self.flash = Some("No cell to score: the grid is empty.".to_owned());
            return;
        };
        let Some(grade) = self.data.grade(self.row, self.col) else {
            self.flash = Some(format!(
                "Nothing recorded for {} in {lab} yet: grade the lab first, then score its rubric.",
                learner.name
            ));
            return;
        };
        if grade.rubric.is_empty() {
            self.flash = Some(format!(
                "The {lab} lab has no rubric: its criteria are `[[rubric]]` tables in its lab.toml."
            ));
            return;
        }
        self.mode = Mode::Rubric(Rubric {
            row: self.row,
            col: self.col,
            selected: grade
                .rubric
                .iter()
                .position(|c| c.points.is_none())
                .unwrap_or(0),
            edit: None,
        });
    }

    /// The score typed, checked for a number, as an effect to record it.
    fn save(&mut self) -> Vec<Effect> {
        let Mode::Rubric(r) = &self.mode else {
            return vec![];
        };
        let (Some(edit), Some(c), Some(learner), Some(lab)) = (
            r.edit.as_ref(),
            self.criteria().get(r.selected),
            self.data.learners.get(r.row),
            self.data.labs.get(r.col),
        ) else {
            return vec![];
        };
        let typed = edit.points.trim();
        let Ok(points) = typed.parse::<f64>() else {
            self.flash = Some(format!(
                "Not recorded: `{typed}` is not a number of points; type 0 to {} for {}.",
                c.max_points, c.criterion
            ));
            return vec![];
        };
        let score = Score {
            learner: learner.id.clone(),
            lab: lab.clone(),
            criterion: c.criterion.clone(),
            points,
            comment: edit.comment.trim().to_owned(),
            by: self.scorer.clone(),
        };
        self.flash = Some(format!("Recording {} for {}...", c.criterion, learner.name));
        vec![Effect::Score(score)]
    }

    /// What to say once the score typed is recorded.
    fn score_said(&self) -> Option<String> {
        let Mode::Rubric(r) = &self.mode else {
            return None;
        };
        let c = self.criteria().get(r.selected)?;
        let e = r.edit.as_ref()?;
        let learner = self.data.learners.get(r.row)?;
        Some(format!(
            "Scored {} for {}: {}/{}{}.",
            c.criterion,
            learner.name,
            e.points.trim(),
            c.max_points,
            if e.comment.trim().is_empty() {
                String::new()
            } else {
                format!(", \"{}\"", e.comment.trim())
            }
        ))
    }

    fn open_report(&mut self) {
        let Some(learner) = self.data.learners.get(self.row) else {
            self.flash = Some("No learner to open: the roster is empty.".to_owned());
            return;
        };
        match self.data.feedback(self.row) {
            Some(text) => {
                self.mode = Mode::Report {
                    row: self.row,
                    text,
                    scroll: 0,
                };
            }
            None => {
                self.flash = Some(format!(
                    "Nothing graded for {} ({}) yet: no report to show.",
                    learner.name, learner.id
                ));
            }
        }
    }

    /// Shows `data` in place of what was read before, keeping the same
    /// learner and lab selected (and their report open) where they remain.
    fn replace(&mut self, data: Data) {
        let learner = self.data.learners.get(self.row).map(|l| l.id.clone());
        let lab = self.data.labs.get(self.col).cloned();
        self.data = data;
        self.row = learner
            .and_then(|id| self.data.learners.iter().position(|l| l.id == id))
            .unwrap_or(self.row)
            .min(self.data.learners.len().saturating_sub(1));
        self.col = lab
            .and_then(|lab| self.data.labs.iter().position(|l| *l == lab))
            .unwrap_or(self.col)
            .min(self.data.labs.len().saturating_sub(1));
        if let Mode::Rubric(r) = &mut self.mode {
            r.row = self.row;
            r.col = self.col;
            let len = self.data.grade(r.row, r.col).map_or(0, |g| g.rubric.len());
            r.selected = r.selected.min(len.saturating_sub(1));
        }
        if let Mode::Report { scroll, .. } = self.mode {
            match self.data.feedback(self.row) {
                Some(text) => {
                    self.mode = Mode::Report {
                        row: self.row,
                        text,
                        scroll,
                    }
                }
                None => self.mode = Mode::Grid,
            }
        }
    }

    /// Carries out `effect` for the cohort in `dir`: the message it ends with.
    pub fn perform(dir: &Path, effect: Effect) -> Msg {
        match effect {
            Effect::Load => Msg::Loaded(Data::load(dir).map(Box::new).map_err(|e| e.to_string())),
            Effect::Score(s) => Msg::Scored(
                record(dir, &s)
                    .and_then(|()| Data::load(dir))
                    .map(Box::new)
                    .map_err(|e| e.to_string()),
            ),
        }
    }
}

/// Records `score` in the gradebook of the cohort in `dir`, through the
/// grader, which checks it.
fn record(dir: &Path, score: &Score) -> Result<(), CohortError> {
    let mut book = Gradebook::open_existing(&dir.join(GRADEBOOK_FILE))?;
    book.set_rubric_score(
        &score.learner,
        &score.lab,
        &score.criterion,
        score.points,
        &score.comment,
        &score.by,
    )
}

/// Who scores rubric criteria here: `$NINETY_SCORER`, else the login name.
fn scorer() -> String {
    ["NINETY_SCORER", "USER", "USERNAME"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|v| v.to_string_lossy().trim().to_owned())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "instructor".to_owned())
}

/// `at` moved by `by` within `0..len`, stopping at the ends.
fn step(at: usize, by: i32, len: usize) -> usize {
    let last = len.saturating_sub(1) as i64;
    (at as i64 + i64::from(by)).clamp(0, last) as usize
}

/// Opens the cohort view on the cohort in `dir` and runs it until the
/// instructor quits. A folder that is not a cohort is an error before the
/// terminal is taken.
pub fn run(dir: &Path) -> Result<()> {
    let data = Data::load(dir)?;
    let mut view = CohortView::new(data);
    view.scorer = scorer();
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, &mut view, dir);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    view: &mut CohortView,
    dir: &Path,
) -> Result<()> {
    // Grading in another terminal changes the gradebook: read it again
    // when its file changes, at most once a second.
    let mut seen = modified(&view.data.gradebook);
    let mut checked = Instant::now();
    while !view.quit {
        let size = terminal.size()?;
        view.size = (size.width, size.height);
        terminal.draw(|frame| frame.render_widget(&*view, frame.area()))?;
        let mut pending = Vec::new();
        if event::poll(Duration::from_millis(250))?
            && let Event::Key(key) = event::read()?
            && let Some(msg) = view.message_for(key)
        {
            pending.push(msg);
        }
        if checked.elapsed() >= Duration::from_secs(1) {
            checked = Instant::now();
            let now = modified(&view.data.gradebook);
            if now != seen {
                seen = now;
                pending.push(CohortView::perform(dir, Effect::Load));
            }
        }
        let mut wrote = false;
        while let Some(msg) = pending.pop() {
            for effect in view.update(msg) {
                wrote |= matches!(effect, Effect::Score(_));
                pending.push(CohortView::perform(dir, effect));
            }
        }
        // The view's own score is read already: the change it made to the
        // file is not news.
        if wrote {
            seen = modified(&view.data.gradebook);
        }
    }
    Ok(())
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
