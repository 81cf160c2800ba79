//! The evaluate view: the `evaluate` stage's judgement of a run, with the
//! test split's operating points to walk along.
//!
//! The stage (the learner's evaluate lab, in the pipeline) chooses the
//! threshold on validation and records the test curve; this view draws the
//! curve with the spec's line, puts a marker on a threshold that ↑ ↓ move,
//! and shows what that threshold does, beside the gates.

use super::{Screen, ScreenId, building_line};
use crate::pipeline::BuildProgress;
use crate::workbench::ctx::{Ctx, Effect, StageMsg};
use crate::workbench::keys::{
    Act, Binding, KeyTable, book_row, help_row, message_row, pages, up_down_in_footer,
};
use crossterm::event::KeyCode;
use ninety_kit::command::{CorpusArg, EvaluateArgs, StageCommand};
use ninety_kit::records::Summary;
use ninety_kit::records::evaluate::{Evaluation, Point};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget, Wrap};

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
}

/// The evaluate view's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    /// Move the marker this many operating points (up: a higher threshold).
    Move(i32),
    /// Put the marker back on the threshold chosen on validation.
    Chosen,
    /// Evaluate again (runs the evaluate stage).
    Again,
}

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
                }
                vec![]
            }
            Msg::Chosen => {
                if let Some(e) = &self.evaluation {
                    self.selected = Self::chosen_index(e);
                }
                vec![]
            }
            Msg::Again => self.run(ctx),
        }
    }

    fn id(&self) -> ScreenId {
        ScreenId::Evaluate
    }

    fn title(&self, _ctx: &Ctx) -> String {
        "evaluate › the gate".to_owned()
    }

    fn header_right(&self, ctx: &Ctx) -> String {
        format!("corpus: {}", ctx.corpus)
    }

    fn keys(&self, _ctx: &Ctx) -> KeyTable<Msg> {
        let m = Act::Own;
        KeyTable::new()
            .extend(up_down_in_footer(
                "move the threshold up (flag less) or down (flag more)",
                Msg::Move(1),
                Msg::Move(-1),
                "threshold",
            ))
            .extend(pages(
                "ten operating points at a time",
                Msg::Move(10),
                Msg::Move(-10),
            ))
            .with(
                Binding::char(
                    'c',
                    "back to the threshold chosen on validation",
                    m(Msg::Chosen),
                )
                .footer("chosen"),
            )
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
            .with(
                Binding::new(
                    &[KeyCode::Esc, KeyCode::Left, KeyCode::Char('q')],
                    "Esc / ← / q",
                    "back to the evaluate lab",
                    Act::Back,
                )
                .footer("back"),
            )
    }

    fn open(&mut self, _from: ScreenId, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
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
                            "Run {} evaluated: {}. ↑ ↓ move the threshold along the test curve.",
                            e.run_id,
                            if e.ready {
                                "ready, every gate passed"
                            } else {
                                "not ready, a gate failed"
                            }
                        ));
                        self.selected = Self::chosen_index(&e);
                        self.evaluation = Some(e);
                        self.problem = None;
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

fn percent(x: f64) -> String {
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
    // The gates take the rows their wrapped lines need, up to half the view.
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let rows: usize = e
        .gates
        .iter()
        .map(|g| (17 + g.evidence.chars().count()).div_ceil(inner))
        .sum::<usize>()
        + 1;
    let gates_height = (rows as u16 + 2).min(area.height / 2);
    let [top, gates_area] =
        Layout::vertical([Constraint::Min(6), Constraint::Length(gates_height)]).areas(area);
    let [chart_area, side] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    render_curve(s, e, chart_area, buf);
    render_point(s, e, side, buf);
    let mut lines: Vec<Line<'_>> = e
        .gates
        .iter()
        .map(|g| {
            Line::from(vec![
                Span::styled(
                    if g.passed { "✓ " } else { "✗ " },
                    Style::default().fg(if g.passed { Color::Green } else { Color::Red }),
                ),
                Span::styled(
                    format!("{:<15}", g.name),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(g.evidence.clone()),
            ])
        })
        .collect();
    lines.push(Line::styled(
        if e.ready {
            "Ready: every gate passed."
        } else {
            "Not ready: a gate failed. The model card says which, beside the run."
        },
        Style::default().fg(if e.ready { Color::Green } else { Color::Yellow }),
    ));
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(pane(format!(" Gates · run {} ", e.run_id), gates_area))
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
        let chosen = e.threshold.is_some() && s.selected == EvaluateScreen::chosen_index(e);
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
        if chosen && let Some(test) = &e.test {
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
        if !chosen {
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
