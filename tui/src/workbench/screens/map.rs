//! The course map: every stage in order, its status and points.

use super::{Screen, ScreenId, tool_without_lab};
use crate::state::Progress;
use crate::workbench::ctx::{Ctx, Effect};
use crate::workbench::keys::{
    Act, Binding, KeyTable, book_row, help_row, message_row, pages, up_down,
};
use crossterm::event::KeyCode;
use ninety_kit::Stage;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap,
};

/// The course map's state: the selected row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapScreen {
    /// The selected row (a stage, in course order).
    pub selected: usize,
}

/// The course map's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    /// Move the selection by this many rows.
    Move(i32),
    /// Open the selected stage's lab.
    Open,
    /// Grade the selected stage's lab.
    Grade,
    /// Open the selected stage's lab with the hint of its selected check
    /// shown (after a grade, the first failing one).
    Hint,
}

impl MapScreen {
    /// The selected stage.
    pub fn selected_stage(&self, ctx: &Ctx) -> Option<Stage> {
        ctx.course.stages.get(self.selected).map(|s| s.stage)
    }
}

impl Screen for MapScreen {
    type Msg = Msg;

    fn update(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match msg {
            Msg::Move(delta) => {
                let n = ctx.course.stages.len() as i32;
                if n > 0 {
                    self.selected = (self.selected as i32 + delta).clamp(0, n - 1) as usize;
                }
                vec![]
            }
            Msg::Open => {
                if let Some(stage) = self.selected_stage(ctx) {
                    // A stage whose lab is not written yet may still have
                    // a view that works without it (the deploy view).
                    match tool_without_lab(stage) {
                        Some(tool) if ctx.course.lab(stage).is_none() => ctx.go(tool.screen),
                        _ => ctx.go(ScreenId::Lab(stage)),
                    }
                }
                vec![]
            }
            Msg::Hint => {
                if let Some(stage) = self.selected_stage(ctx) {
                    if let Some(view) = ctx.lab_mut(stage)
                        && view.shown_tiers() == 0
                    {
                        view.next_hint();
                    }
                    ctx.go(ScreenId::Lab(stage));
                }
                vec![]
            }
            Msg::Grade => match self.selected_stage(ctx) {
                Some(stage) => ctx.start_grade(stage),
                None => vec![],
            },
        }
    }

    fn id(&self) -> ScreenId {
        ScreenId::Map
    }

    fn title(&self, ctx: &Ctx) -> String {
        ctx.course.title.clone()
    }

    fn keys(&self, _ctx: &Ctx) -> KeyTable<Msg> {
        let m = Act::Own;
        KeyTable::new()
            .extend(up_down("choose a stage", Msg::Move(-1), Msg::Move(1)))
            .extend(pages("five stages at a time", Msg::Move(-5), Msg::Move(5)))
            .with(
                Binding::new(
                    &[KeyCode::Enter, KeyCode::Right, KeyCode::Char('l')],
                    "Enter / → / l",
                    "open the lab",
                    m(Msg::Open),
                )
                .footer("open"),
            )
            .with(Binding::char('g', "grade the selected lab", m(Msg::Grade)).footer("grade"))
            .with(Binding::char(
                'h',
                "open the lab with the hint of its first failing check",
                m(Msg::Hint),
            ))
            .with(book_row("open the stage's chapter in a browser"))
            .with(help_row())
            .with(message_row())
            .with(
                Binding::new(
                    &[KeyCode::Char('q'), KeyCode::Esc],
                    "q / Esc / Ctrl-C",
                    "quit (progress is saved)",
                    Act::Back,
                )
                .footer("quit"),
            )
    }

    fn parent(&self) -> Option<ScreenId> {
        None
    }

    fn open(&mut self, _from: ScreenId, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        ctx.flash = None;
        vec![]
    }

    fn chapter(&self, ctx: &Ctx) -> String {
        let stage = self.selected_stage(ctx).unwrap_or(Stage::Frame);
        ctx.course
            .lab(stage)
            .map_or_else(|| stage.chapter(), |l| l.chapter.clone())
    }

    fn render(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        render(ctx, self.selected, area, buf);
    }
}

/// Draws the course map into `area`.
fn render(ctx: &Ctx, selected: usize, area: Rect, buf: &mut Buffer) {
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(5)]).areas(area);
    let rows = ctx.course.stages.iter().enumerate().map(|(i, stage)| {
        let (status, points, style) = match (&stage.lab, ctx.labs.get(&stage.stage)) {
            (Some(_), Some(view)) => {
                let style = match view.progress {
                    Progress::NotStarted => Style::default(),
                    Progress::Failing { .. } => Style::default().fg(Color::Red),
                    Progress::Passed { .. } => Style::default().fg(Color::Green),
                };
                let status = if view.grading {
                    "grading…".to_owned()
                } else {
                    view.progress.label().to_owned()
                };
                let points = view
                    .progress
                    .points()
                    .map_or("–".to_owned(), |(p, m)| format!("{p}/{m}"));
                (status, points, style)
            }
            _ => (
                "coming later".to_owned(),
                "".to_owned(),
                Style::default().fg(Color::DarkGray),
            ),
        };
        let dim = if stage.lab.is_none() {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        };
        Row::new(vec![
            Cell::from(format!("{}", i + 1)),
            Cell::from(Span::styled(
                stage.stage.to_string(),
                dim.add_modifier(Modifier::BOLD),
            )),
            Cell::from(Span::styled(stage.title.clone(), dim)),
            Cell::from(Span::styled(status, style)),
            Cell::from(Span::styled(points, style)),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(2),
            Constraint::Length(9),
            Constraint::Min(10),
            Constraint::Length(12),
            Constraint::Length(7),
        ],
    )
    .header(
        Row::new(["#", "Stage", "Title", "Status", "Points"])
            .style(Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)),
    )
    .row_highlight_style(
        Style::default()
            .bg(Color::DarkGray)
            .add_modifier(Modifier::BOLD),
    )
    .highlight_symbol("▸ ")
    .block(Block::default().borders(Borders::ALL).title(" Course map "));
    let mut state = TableState::default().with_selected(Some(selected));
    StatefulWidget::render(table, table_area, buf, &mut state);

    let detail = match ctx.course.stages.get(selected) {
        Some(stage) => match &stage.lab {
            Some(lab) => {
                let checks = ctx
                    .labs
                    .get(&stage.stage)
                    .and_then(|v| v.report.as_ref())
                    .map_or("not graded yet".to_owned(), |r| {
                        format!("{} checks", r.checks.len())
                    });
                vec![
                    Line::from(vec![Span::styled(
                        lab.title.clone(),
                        Style::default().add_modifier(Modifier::BOLD),
                    )]),
                    Line::from(format!(
                        "labs/{} · crate lab-{} · {checks} · chapter {}",
                        lab.stage, lab.stage, lab.chapter
                    )),
                    Line::from(Span::styled(
                        "Enter opens the lab; g grades it from here.",
                        Style::default().fg(Color::DarkGray),
                    )),
                ]
            }
            None => vec![
                Line::from(Span::styled(
                    stage.title.clone(),
                    Style::default().add_modifier(Modifier::BOLD),
                )),
                Line::from(match tool_without_lab(stage.stage) {
                    Some(tool) => format!(
                        "This stage's lab is not written yet; Enter opens {}.",
                        tool.help
                    ),
                    None => "This stage's lab is not written yet. Its chapter (b) says what it will cover.".to_owned(),
                }),
            ],
        },
        None => vec![],
    };
    Paragraph::new(detail)
        .wrap(Wrap { trim: true })
        .block(Block::default().borders(Borders::ALL).title(" Stage "))
        .render(detail_area, buf);
}
