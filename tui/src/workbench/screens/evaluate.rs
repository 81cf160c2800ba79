//! The evaluate view: the `evaluate` stage's judgement of a run, with the
//! test split's operating points to walk along, and what the totals hide.
//!
//! The stage (the learner's evaluate lab, in the pipeline) chooses the
//! threshold on validation and records the test curve, the slices, the
//! calibration, the behavioural suites and every test message's score.
//! This view shows them in panes that Tab cycles through: the curve with
//! a marker that ↑ ↓ move and the gates; the slices, worst first; the
//! reliability chart; the suites; and the messages misjudged at the
//! marker's threshold. Enter on a slice, a suite or a message opens the
//! explorer on those messages, and ← comes back here.

pub mod panes;

use super::{Screen, ScreenId, building_line};
use crate::pipeline::BuildProgress;
use crate::workbench::ctx::{Ctx, Effect, StageMsg, Subset, Task, WorkError};
use crate::workbench::keys::{
    Act, Binding, KeyTable, back_row, book_row, help_row, message_row, pages, up_down_in_footer,
};
use crossterm::event::KeyCode;
use ninety_kit::CorpusName;
use ninety_kit::command::{CorpusArg, EvaluateArgs, StageCommand};
use ninety_kit::records::Summary;
use ninety_kit::records::evaluate::{Evaluation, GateResult, Point, TestMessage};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget, Wrap};
use std::collections::{BTreeMap, BTreeSet};

/// The view's panes, in the order Tab visits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    /// The test curve, the threshold under the marker, and the gates.
    #[default]
    Curve,
    /// The slices of the test split, worst first.
    Slices,
    /// The reliability chart, before and after Platt scaling.
    Calibration,
    /// The behavioural suites.
    Behaviour,
    /// The test messages misjudged at the marker's threshold.
    Errors,
}

impl Pane {
    /// Every pane, in Tab order.
    pub const ALL: [Pane; 5] = [
        Pane::Curve,
        Pane::Slices,
        Pane::Calibration,
        Pane::Behaviour,
        Pane::Errors,
    ];

    /// Its name on the tab bar.
    pub fn name(self) -> &'static str {
        match self {
            Pane::Curve => "curve",
            Pane::Slices => "slices",
            Pane::Calibration => "calibration",
            Pane::Behaviour => "behaviour",
            Pane::Errors => "errors",
        }
    }

    /// The gate whose evidence the pane shows (the curve shows the rest).
    pub fn gate(self) -> Option<&'static str> {
        match self {
            Pane::Slices => Some("slices"),
            Pane::Calibration => Some("calibrated"),
            Pane::Behaviour => Some("behaviour"),
            Pane::Curve | Pane::Errors => None,
        }
    }

    fn at(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The pane after it (after the last: the first).
    pub fn next(self) -> Pane {
        Pane::ALL[(self.at() + 1) % Pane::ALL.len()]
    }

    /// The pane before it.
    pub fn previous(self) -> Pane {
        Pane::ALL[(self.at() + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }
}

/// What the gather output says about a test message, for the errors pane.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct MessageInfo {
    /// Its file in the corpus.
    pub path: String,
    /// Its subject.
    pub subject: Option<String>,
}

/// The test messages' paths and subjects by id, as the gather output of
/// the evaluation's corpus has them.
pub type Infos = BTreeMap<String, MessageInfo>;

/// The evaluate view's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvaluateScreen {
    /// The stage's judgement, once it has run.
    pub evaluation: Option<Evaluation>,
    /// Why there is none.
    pub problem: Option<String>,
    /// The stage is running.
    pub loading: bool,
    /// The pipeline's build, while the stage waits for it.
    pub building: Option<BuildProgress>,
    /// The operating point the marker is on (an index into the test curve).
    pub selected: usize,
    /// The pane showing.
    pub pane: Pane,
    /// The selected slice (an index into the evaluation's slices).
    pub slice: usize,
    /// The selected suite.
    pub suite: usize,
    /// The selected row of the errors pane (an index into [`Self::errors`]).
    pub error: usize,
    /// The test messages' paths and subjects, once read (or why they
    /// could not be).
    pub infos: Option<Result<Infos, String>>,
}

/// The evaluate view's messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Move the marker this many operating points (up: a higher threshold).
    Move(i32),
    /// Put the marker back on the threshold chosen on validation.
    Chosen,
    /// Evaluate again (runs the evaluate stage).
    Again,
    /// Show the next pane.
    NextPane,
    /// Show the previous pane.
    PreviousPane,
    /// Move the selection of the pane's list this many rows (up: negative).
    Select(i32),
    /// Open the explorer on the selected slice's, suite's or message's
    /// messages.
    Explore,
    /// The gather output's facts about the test messages of a corpus were
    /// read (or could not be).
    InfosRead(String, Result<Box<Infos>, WorkError>),
}

impl Msg {
    /// Whether it comes from a worker (applied even under an overlay).
    pub fn is_from_a_worker(&self) -> bool {
        matches!(self, Msg::InfosRead(..))
    }
}

/// The task that reads, from the gather output of `corpus`, the path and
/// subject of each message of `ids`.
pub fn infos_task(corpus: String, ids: Vec<String>) -> Task<Msg> {
    Task::new(
        format!("read the test messages of {corpus} from its gather output"),
        move |ws| {
            let file = ninety_kit::clean::gather_dir(&ws.home, &corpus)
                .join(ninety_kit::clean::CLEAN_FILE);
            let wanted: BTreeSet<String> = ids.into_iter().collect();
            let result = ninety_kit::clean::read_gathered(&file)
                .map(|items| {
                    let infos: Infos = items
                        .into_iter()
                        .filter(|g| wanted.contains(&g.id))
                        .map(|g| {
                            let info = MessageInfo {
                                path: g.path,
                                subject: g.subject,
                            };
                            (g.id, info)
                        })
                        .collect();
                    Box::new(infos)
                })
                .map_err(WorkError::new);
            Msg::InfosRead(corpus, result)
        },
    )
}

/// Rows a page key moves a list by.
const PAGE: i32 = 10;

impl EvaluateScreen {
    fn run(&mut self, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        if self.loading {
            return vec![];
        }
        self.loading = true;
        self.problem = None;
        ctx.flash(format!(
            "Evaluating the best run on {} with your evaluate lab's code (ninety run evaluate)...",
            ctx.corpus
        ));
        vec![Effect::RunStage(
            ScreenId::Evaluate,
            StageCommand::Evaluate(EvaluateArgs {
                corpus: CorpusArg {
                    corpus: ctx.corpus.clone(),
                },
                ..EvaluateArgs::default()
            }),
        )]
    }

    /// The test curve's point for the chosen threshold: flagging at `t`
    /// flags every message scored at least `t`, which is the point of the
    /// lowest test score still at or above it (the last such point, the
    /// curve running from the highest threshold down).
    fn chosen_index(e: &Evaluation) -> usize {
        let Some(t) = e.threshold else {
            return 0;
        };
        e.test_curve
            .iter()
            .rposition(|p| p.threshold >= t)
            .unwrap_or(0)
    }

    /// The operating point under the marker.
    pub fn point(&self) -> Option<&Point> {
        self.evaluation.as_ref()?.test_curve.get(self.selected)
    }

    /// Whether the marker is on the threshold chosen on validation.
    pub fn on_chosen(&self) -> bool {
        self.evaluation
            .as_ref()
            .is_some_and(|e| e.threshold.is_some() && self.selected == Self::chosen_index(e))
    }

    /// The threshold the errors pane judges at: the marker's, or the
    /// chosen one when the record has no curve.
    /// On the chosen one, it is said as chosen (the marker's point is the
    /// lowest test score at or above it, which flags the same messages).
    pub fn error_threshold(&self) -> Option<f64> {
        let chosen = self.evaluation.as_ref()?.threshold;
        match self.point() {
            Some(_) if self.on_chosen() => chosen,
            Some(p) => Some(p.threshold),
            None => chosen,
        }
    }

    /// The test messages misjudged at [`Self::error_threshold`], as
    /// indices into the evaluation's `test_messages`: the ham it flags,
    /// the highest score first, then the spam it misses, the lowest score
    /// first (the surest mistakes lead each part).
    pub fn errors(&self) -> Vec<usize> {
        let (Some(e), Some(t)) = (&self.evaluation, self.error_threshold()) else {
            return vec![];
        };
        let by_score = |a: &usize, b: &usize| {
            let (x, y) = (&e.test_messages[*a], &e.test_messages[*b]);
            x.score.total_cmp(&y.score).then(a.cmp(b))
        };
        let mut flagged: Vec<usize> = (0..e.test_messages.len())
            .filter(|&i| !e.test_messages[i].spam && e.test_messages[i].score >= t)
            .collect();
        flagged.sort_by(|a, b| by_score(b, a));
        let mut missed: Vec<usize> = (0..e.test_messages.len())
            .filter(|&i| e.test_messages[i].spam && e.test_messages[i].score < t)
            .collect();
        missed.sort_by(by_score);
        flagged.extend(missed);
        flagged
    }

    /// How many rows the open pane's list has.
    fn rows(&self) -> usize {
        let Some(e) = &self.evaluation else { return 0 };
        match self.pane {
            Pane::Slices => e.slices.len(),
            Pane::Behaviour => e.behavioural.len(),
            Pane::Errors => self.errors().len(),
            Pane::Curve | Pane::Calibration => 0,
        }
    }

    /// The selection of the open pane's list.
    fn row_mut(&mut self) -> Option<&mut usize> {
        match self.pane {
            Pane::Slices => Some(&mut self.slice),
            Pane::Behaviour => Some(&mut self.suite),
            Pane::Errors => Some(&mut self.error),
            Pane::Curve | Pane::Calibration => None,
        }
    }

    /// Keeps every list's selection within its list.
    fn clamp_rows(&mut self) {
        let (slices, suites) = self
            .evaluation
            .as_ref()
            .map_or((0, 0), |e| (e.slices.len(), e.behavioural.len()));
        let errors = self.errors().len();
        self.slice = self.slice.min(slices.saturating_sub(1));
        self.suite = self.suite.min(suites.saturating_sub(1));
        self.error = self.error.min(errors.saturating_sub(1));
    }

    /// The messages Enter opens in the explorer from the open pane, and
    /// why those; or, when there are none to open, why not.
    pub fn to_explore(&self) -> Result<(Vec<String>, String), String> {
        let Some(e) = &self.evaluation else {
            return Err("Nothing to explore before an evaluation.".into());
        };
        let id = |i: u32| e.test_messages.get(i as usize).map(|m| m.id.clone());
        match self.pane {
            Pane::Slices => {
                let Some(s) = e.slices.get(self.slice) else {
                    return Err(not_in("The slices are"));
                };
                let ids: Vec<String> = s.members.iter().filter_map(|&i| id(i)).collect();
                if ids.is_empty() {
                    return Err(format!(
                        "The slice {}={} names no test message of this evaluation.",
                        s.dimension, s.value
                    ));
                }
                Ok((
                    ids,
                    format!("slice {}={} (test split)", s.dimension, s.value),
                ))
            }
            Pane::Errors => {
                let Some(&i) = self.errors().get(self.error) else {
                    return Err(if e.test_messages.is_empty() {
                        not_in("The test messages are")
                    } else {
                        "No test message is misjudged at this threshold.".into()
                    });
                };
                let m = &e.test_messages[i];
                let what = if m.spam { "spam missed" } else { "ham flagged" };
                let at = self.error_threshold().unwrap_or_default();
                Ok((
                    vec![m.id.clone()],
                    format!("{what} at {at:.4}, scored {:.4} (test split)", m.score),
                ))
            }
            Pane::Behaviour => {
                let Some(suite) = e.behavioural.get(self.suite) else {
                    return Err(not_in("The behavioural suites are"));
                };
                if suite.failures.is_empty() {
                    return Err(format!(
                        "Every case of {} passed: no failure to read.",
                        suite.name
                    ));
                }
                let ids = failed_originals(&suite.failures, &e.test_messages);
                if ids.is_empty() {
                    return Err(format!(
                        "{}'s failed cases are messages written for the suite, not messages of the corpus: {}.",
                        suite.name,
                        suite.failures.join(", ")
                    ));
                }
                let failed = suite.total.saturating_sub(suite.passed);
                let which = if failed as usize > suite.failures.len() {
                    format!("{} of its {failed} failed cases", suite.failures.len())
                } else {
                    "its failed cases".to_owned()
                };
                Ok((
                    ids,
                    format!(
                        "behaviour {}: the originals of {which} (test split)",
                        suite.name
                    ),
                ))
            }
            Pane::Curve | Pane::Calibration => {
                Err("Enter opens a slice, a suite or a misjudged message in the explorer.".into())
            }
        }
    }

    /// Opens the explorer on [`Self::to_explore`]'s messages, or says why
    /// it does not: they are of a corpus this workspace does not have, or
    /// its gather output no longer holds them.
    fn explore(&mut self, ctx: &mut Ctx) {
        let (ids, label) = match self.to_explore() {
            Ok(found) => found,
            Err(why) => {
                ctx.flash(why);
                return;
            }
        };
        let Some(e) = &self.evaluation else { return };
        let corpus = match CorpusName::new(e.corpus.clone()) {
            Ok(name) if ctx.corpora.contains(&name) => name,
            _ => {
                let here: Vec<String> = ctx.corpora.iter().map(ToString::to_string).collect();
                ctx.flash(format!(
                    "This evaluation is of the {} corpus, which this workspace does not have (it has: {}): its messages cannot be shown.",
                    e.corpus,
                    if here.is_empty() {
                        "none".to_owned()
                    } else {
                        here.join(", ")
                    }
                ));
                return;
            }
        };
        match &self.infos {
            Some(Ok(infos)) if !ids.iter().any(|id| infos.contains_key(id)) => {
                ctx.flash(format!(
                    "Not in the gather output of {corpus}: {label} ({} message{}). It was gathered again since this evaluation; r evaluates again.",
                    ids.len(),
                    if ids.len() == 1 { "" } else { "s" }
                ));
            }
            Some(Err(why)) => {
                ctx.flash(format!(
                    "The explorer cannot show {label}: the gather output of {corpus} does not read ({why})."
                ));
            }
            _ => ctx.explore(Subset {
                corpus,
                ids: ids.into_iter().collect(),
                label,
            }),
        }
    }
}

/// A pane's sentence for a part of the record an older evaluate stage did
/// not write.
/// `what` names the part and its verb: `The slices are`.
pub fn not_in(what: &str) -> String {
    format!(
        "{what} not in this evaluation: an older evaluate stage wrote it. Press r to evaluate again."
    )
}

/// The test messages a suite's failed cases were made from: a failure
/// names its message by the start of its id (`1d64e3527393 (spam-2/…)`);
/// a written message's name (`cheap pills`) names none.
fn failed_originals(failures: &[String], messages: &[TestMessage]) -> Vec<String> {
    let mut ids = Vec::new();
    for failure in failures {
        let Some(start) = failure.split_whitespace().next() else {
            continue;
        };
        if start.len() < 8 || !start.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        ids.extend(
            messages
                .iter()
                .filter(|m| m.id.starts_with(start))
                .map(|m| m.id.clone()),
        );
    }
    ids.sort();
    ids.dedup();
    ids
}

impl Screen for EvaluateScreen {
    type Msg = Msg;

    fn update(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match msg {
            Msg::Move(delta) => {
                let n = self.evaluation.as_ref().map_or(0, |e| e.test_curve.len());
                if n > 0 {
                    // Up the list is a higher threshold: fewer flags.
                    let next = self.selected as i64 - i64::from(delta);
                    self.selected = next.clamp(0, n as i64 - 1) as usize;
                    self.clamp_rows();
                }
                vec![]
            }
            Msg::Chosen => {
                if let Some(e) = &self.evaluation {
                    self.selected = Self::chosen_index(e);
                    self.clamp_rows();
                }
                vec![]
            }
            Msg::Again => self.run(ctx),
            Msg::NextPane => {
                self.pane = self.pane.next();
                vec![]
            }
            Msg::PreviousPane => {
                self.pane = self.pane.previous();
                vec![]
            }
            Msg::Select(delta) => {
                let n = self.rows();
                if let Some(row) = self.row_mut()
                    && n > 0
                {
                    *row = (*row as i64 + i64::from(delta)).clamp(0, n as i64 - 1) as usize;
                }
                vec![]
            }
            Msg::Explore => {
                self.explore(ctx);
                vec![]
            }
            Msg::InfosRead(corpus, result) => {
                if self.evaluation.as_ref().is_some_and(|e| e.corpus == corpus) {
                    self.infos = Some(result.map(|b| *b).map_err(|e| e.to_string()));
                }
                vec![]
            }
        }
    }

    fn id(&self) -> ScreenId {
        ScreenId::Evaluate
    }

    fn title(&self, _ctx: &Ctx) -> String {
        "evaluate › the gate".to_owned()
    }

    fn header_right(&self, ctx: &Ctx) -> String {
        match &self.evaluation {
            Some(e) => match &e.model_id {
                Some(id) => format!("model {id} · corpus: {}", e.corpus),
                None => format!("corpus: {}", e.corpus),
            },
            None => format!("corpus: {}", ctx.corpus),
        }
    }

    fn keys(&self, _ctx: &Ctx) -> KeyTable<Msg> {
        let m = Act::Own;
        let list = |what: &str, word: &'static str| {
            KeyTable::new()
                .extend(up_down_in_footer(
                    &format!("choose {what}"),
                    Msg::Select(-1),
                    Msg::Select(1),
                    word,
                ))
                .extend(pages(
                    &format!("ten {word}s at a time"),
                    Msg::Select(-PAGE),
                    Msg::Select(PAGE),
                ))
        };
        let explore = |help: &str| {
            Binding::new(&[KeyCode::Enter], "Enter", help, m(Msg::Explore)).footer("explore")
        };
        let chosen = Binding::char(
            'c',
            "back to the threshold chosen on validation",
            m(Msg::Chosen),
        )
        .footer("chosen");
        let own = match self.pane {
            Pane::Curve => KeyTable::new()
                .extend(up_down_in_footer(
                    "move the threshold up (flag less) or down (flag more)",
                    Msg::Move(1),
                    Msg::Move(-1),
                    "threshold",
                ))
                .extend(pages(
                    "ten operating points at a time",
                    Msg::Move(PAGE),
                    Msg::Move(-PAGE),
                ))
                .with(chosen),
            Pane::Slices => list("a slice", "slice").with(explore(
                "read the slice's messages in the explorer (← comes back)",
            )),
            Pane::Calibration => KeyTable::new(),
            Pane::Behaviour => list("a suite", "suite").with(explore(
                "read the messages its failed cases were made from in the explorer",
            )),
            Pane::Errors => list("a misjudged message", "message")
                .with(explore("read the message in the explorer (← comes back)"))
                .with(chosen.no_footer()),
        };
        own.with(
            Binding::new(
                &[KeyCode::Tab],
                "Tab / ⇧Tab",
                "the next pane (⇧Tab: the one before)",
                m(Msg::NextPane),
            )
            .footer_as("Tab", self.pane.next().name()),
        )
        .with(Binding::new(
            &[KeyCode::BackTab],
            "",
            "",
            m(Msg::PreviousPane),
        ))
        .with(
            Binding::char(
                'r',
                "evaluate again (runs the evaluate stage)",
                m(Msg::Again),
            )
            .footer("again"),
        )
        .with(book_row("open the evaluate chapter in a browser").no_footer())
        .with(help_row())
        .with(message_row())
        .with(back_row("back to the evaluate lab"))
    }

    fn open(&mut self, from: ScreenId, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        // Back from reading its messages, the judgement is still the one
        // they were picked from: no need to evaluate again.
        // (The status line keeps what the explorer said: when it sends
        // the learner back because the messages are gone, that is why.)
        if from == ScreenId::Explorer && self.evaluation.is_some() {
            return vec![];
        }
        self.run(ctx)
    }

    fn on_stage(&mut self, update: StageMsg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match update {
            StageMsg::Building(p) => {
                self.building = Some(p);
            }
            StageMsg::Done(result) => {
                self.loading = false;
                self.building = None;
                match *result {
                    Ok(Summary::Evaluate(e)) => {
                        ctx.flash(format!(
                            "Run {} evaluated: {}. ↑ ↓ move the threshold; Tab shows the slices, calibration, behaviour and errors.",
                            e.run_id,
                            if e.ready {
                                "ready, every gate passed"
                            } else {
                                "not ready, a gate failed"
                            }
                        ));
                        self.selected = Self::chosen_index(&e);
                        let read = (!e.test_messages.is_empty()).then(|| {
                            infos_task(
                                e.corpus.clone(),
                                e.test_messages.iter().map(|m| m.id.clone()).collect(),
                            )
                        });
                        self.evaluation = Some(e);
                        self.problem = None;
                        self.infos = None;
                        self.clamp_rows();
                        return read.map(Effect::Task).into_iter().collect();
                    }
                    Ok(other) => {
                        self.problem = Some(format!(
                            "the evaluate stage reported a {} summary",
                            other.name()
                        ));
                    }
                    Err(why) => {
                        ctx.flash("The evaluation failed: the panel says why.");
                        self.problem = Some(why.to_string());
                    }
                }
            }
            _ => {}
        }
        vec![]
    }

    fn busy(&self) -> bool {
        self.loading
    }

    fn render(&self, _ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        render(self, area, buf);
    }
}

/// `x` as a percentage with two decimals.
pub fn percent(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

fn render(s: &EvaluateScreen, area: Rect, buf: &mut Buffer) {
    use crate::workbench::chrome::pane;
    let Some(e) = &s.evaluation else {
        let text = match (&s.problem, &s.building, s.loading) {
            (Some(p), _, _) => format!("The evaluation failed (the workbench did not):\n\n{p}"),
            (None, Some(b), _) => building_line(b),
            (None, None, true) => "Evaluating: the pipeline runs your evaluate lab's code on the best run's saved predictions...".to_owned(),
            (None, None, false) => "Press r to evaluate the best run.".to_owned(),
        };
        let style = if s.problem.is_some() {
            Style::default().fg(Color::Red)
        } else {
            Style::default()
        };
        Paragraph::new(text)
            .style(style)
            .wrap(Wrap { trim: false })
            .block(pane(" Evaluate ", area))
            .render(area, buf);
        return;
    };
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    render_tabs(s, e, tabs, buf);
    match s.pane {
        Pane::Curve => render_curve_pane(s, e, body, buf),
        Pane::Slices => panes::slices(s, e, body, buf),
        Pane::Calibration => panes::calibration(e, body, buf),
        Pane::Behaviour => panes::behaviour(s, e, body, buf),
        Pane::Errors => panes::errors(s, e, body, buf),
    }
}

/// The gate named `name`, if the record has it.
pub fn gate<'e>(e: &'e Evaluation, name: &str) -> Option<&'e GateResult> {
    e.gates.iter().find(|g| g.name == name)
}

/// A gate's mark and its colour.
pub fn mark(passed: bool) -> Span<'static> {
    Span::styled(
        if passed { "✓" } else { "✗" },
        Style::default().fg(if passed { Color::Green } else { Color::Red }),
    )
}

/// The tab bar: each pane's name, with its gate's mark where it has one.
fn render_tabs(s: &EvaluateScreen, e: &Evaluation, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![Span::raw(" ")];
    for p in Pane::ALL {
        let style = if p == s.pane {
            Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        spans.push(Span::styled(format!(" {} ", p.name()), style));
        if let Some(g) = p.gate().and_then(|name| gate(e, name)) {
            spans.push(mark(g.passed));
        } else {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::raw(" "));
    }
    Line::from(spans).render(area, buf);
}

/// A gate as one line: its mark, its name, and its evidence, cut to fit
/// `width` columns when given.
fn gate_line(g: &GateResult, width: Option<usize>) -> Line<'static> {
    let evidence = match width {
        Some(w) => {
            let room = w.saturating_sub(17);
            if g.evidence.chars().count() > room {
                let cut: String = g.evidence.chars().take(room.saturating_sub(1)).collect();
                format!("{}…", cut.trim_end())
            } else {
                g.evidence.clone()
            }
        }
        None => g.evidence.clone(),
    };
    Line::from(vec![
        mark(g.passed),
        Span::raw(" "),
        Span::styled(
            format!("{:<15}", g.name),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw(evidence),
    ])
}

/// The curve, the threshold under the marker, and the gates: those with a
/// pane of their own in one line, their evidence in their panes.
fn render_curve_pane(s: &EvaluateScreen, e: &Evaluation, area: Rect, buf: &mut Buffer) {
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let (own, elsewhere): (Vec<&GateResult>, Vec<&GateResult>) = e
        .gates
        .iter()
        .partition(|g| !Pane::ALL.iter().any(|p| p.gate() == Some(g.name.as_str())));
    let extra = usize::from(!elsewhere.is_empty()) + 1;
    let wrapped: usize = own
        .iter()
        .map(|g| (17 + g.evidence.chars().count()).div_ceil(inner))
        .sum::<usize>()
        + extra;
    // Wrapped when that fits in a little under half the view; else a line
    // a gate, cut.
    let room = usize::from(area.height) * 9 / 20;
    let wrap = wrapped + 2 <= room;
    let rows = if wrap { wrapped } else { own.len() + extra };
    let gates_height = (rows as u16 + 2).min(area.height / 2);
    let [top, gates_area] =
        Layout::vertical([Constraint::Min(6), Constraint::Length(gates_height)]).areas(area);
    let [chart_area, side] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    render_curve(s, e, chart_area, buf);
    render_point(s, e, side, buf);
    let mut lines: Vec<Line<'_>> = own
        .iter()
        .map(|g| gate_line(g, (!wrap).then_some(inner)))
        .collect();
    if !elsewhere.is_empty() {
        let mut spans = Vec::new();
        for g in &elsewhere {
            spans.push(mark(g.passed));
            spans.push(Span::styled(
                format!(" {}  ", g.name),
                Style::default().add_modifier(Modifier::BOLD),
            ));
        }
        spans.push(Span::styled(
            "(Tab: their panes)",
            Style::default().fg(Color::DarkGray),
        ));
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled(
        if e.ready {
            "Ready: every gate passed."
        } else {
            "Not ready: a gate failed. The model card says which, beside the run."
        },
        Style::default().fg(if e.ready { Color::Green } else { Color::Yellow }),
    ));
    let mut text = Paragraph::new(lines);
    if wrap {
        text = text.wrap(Wrap { trim: true });
    }
    text.block(crate::workbench::chrome::pane(
        format!(" Gates · run {} ", e.run_id),
        gates_area,
    ))
    .render(gates_area, buf);
}

/// The widest ham-flagged rate the chart shows: the interesting part of the
/// curve is near the spec's line, far left of 100%.
fn x_limit(e: &Evaluation) -> f64 {
    (e.max_ham_flagged_rate * 20.0).clamp(0.01, 1.0)
}

fn render_curve(s: &EvaluateScreen, e: &Evaluation, area: Rect, buf: &mut Buffer) {
    let limit = x_limit(e);
    let curve: Vec<(f64, f64)> = e
        .test_curve
        .iter()
        .filter(|p| p.ham_flagged_rate <= limit)
        .map(|p| (p.ham_flagged_rate * 100.0, p.recall))
        .collect();
    let line = [
        (e.max_ham_flagged_rate * 100.0, 0.0),
        (e.max_ham_flagged_rate * 100.0, 1.0),
    ];
    let marker: Vec<(f64, f64)> = s
        .point()
        .filter(|p| p.ham_flagged_rate <= limit)
        .map(|p| vec![(p.ham_flagged_rate * 100.0, p.recall)])
        .unwrap_or_default();
    let datasets = vec![
        Dataset::default()
            .name("test curve")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::default().fg(Color::Cyan))
            .data(&curve),
        Dataset::default()
            .name("the spec's limit")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::default().fg(Color::Red))
            .data(&line),
        Dataset::default()
            .name("threshold")
            .marker(Marker::Block)
            .graph_type(GraphType::Scatter)
            .style(Style::default().fg(Color::Yellow))
            .data(&marker),
    ];
    let x_label = format!("{:.1}%", limit * 100.0);
    Chart::new(datasets)
        .block(crate::workbench::chrome::pane(
            " Spam recall against ham flagged % (test) ",
            area,
        ))
        .x_axis(
            Axis::default()
                .bounds([0.0, limit * 100.0])
                .labels(vec![Line::from("0"), Line::from(x_label)]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, 1.0])
                .labels(vec![Line::from("0"), Line::from("1")]),
        )
        .render(area, buf);
}

fn render_point(s: &EvaluateScreen, e: &Evaluation, area: Rect, buf: &mut Buffer) {
    let dim = Style::default().fg(Color::DarkGray);
    let (spam, ham) = e.test_counts;
    let mut lines = vec![Line::styled(
        format!(
            "The spec: at most {} of real mail flagged.",
            percent(e.max_ham_flagged_rate)
        ),
        dim,
    )];
    match e.threshold {
        Some(t) => lines.push(Line::from(format!("Chosen on validation: {t:.4}"))),
        None => lines.push(Line::styled(
            "No threshold meets the spec on validation.",
            Style::default().fg(Color::Red),
        )),
    }
    lines.push(Line::default());
    if let Some(p) = s.point() {
        let chosen = s.on_chosen();
        lines.push(Line::styled(
            format!(
                "At {:.4}{}:",
                p.threshold,
                if chosen { " (the chosen one)" } else { "" }
            ),
            Style::default().add_modifier(Modifier::BOLD),
        ));
        lines.push(Line::from(format!(
            "spam caught {} of {spam} ({})",
            p.spam_caught,
            percent(p.recall)
        )));
        let over = p.ham_flagged_rate > e.max_ham_flagged_rate;
        lines.push(Line::styled(
            format!(
                "ham flagged {} of {ham} ({}){}",
                p.ham_flagged,
                percent(p.ham_flagged_rate),
                if over { ": over the spec" } else { "" }
            ),
            Style::default().fg(if over { Color::Red } else { Color::Reset }),
        ));
        if chosen {
            if let Some(f1) = &e.f1 {
                lines.push(Line::from(format!(
                    "F1 {:.4}, 95% {:.4} to {:.4}",
                    f1.value, f1.low, f1.high
                )));
                lines.push(Line::styled(
                    format!("(bootstrap: {} draws, seed {})", f1.draws, f1.seed),
                    dim,
                ));
            }
            if let Some(test) = &e.test {
                lines.push(Line::default());
                lines.push(Line::styled("95% intervals on test:", dim));
                lines.push(Line::from(format!(
                    "recall {} to {}",
                    percent(test.spam_recall.low),
                    percent(test.spam_recall.high)
                )));
                lines.push(Line::from(format!(
                    "ham flagged {} to {}",
                    percent(test.ham_flagged.low),
                    percent(test.ham_flagged.high)
                )));
            }
        } else {
            lines.push(Line::default());
            lines.push(Line::styled(
                "Looking is fine; choosing here would tune on the test set. c goes back.",
                dim,
            ));
        }
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(crate::workbench::chrome::pane(" The threshold ", area))
        .render(area, buf);
}
