//! The course map: every stage in order, its status and points.

use crate::app::App;
use crate::state::Progress;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap,
};

/// Draws the course map into `area`.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(5)]).areas(area);
    let rows = app.course.stages.iter().enumerate().map(|(i, stage)| {
        let (status, points, style) = match (&stage.lab, app.labs.get(&stage.name)) {
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
                stage.name.clone(),
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
    let mut state = TableState::default().with_selected(Some(app.map_selected));
    StatefulWidget::render(table, table_area, buf, &mut state);

    let detail = match app.course.stages.get(app.map_selected) {
        Some(stage) => match &stage.lab {
            Some(lab) => {
                let checks = app
                    .labs
                    .get(&stage.name)
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
                        lab.name, lab.name, lab.chapter
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
                Line::from(
                    "This stage's lab is not written yet. Its chapter (b) says what it will cover.",
                ),
            ],
        },
        None => vec![],
    };
    Paragraph::new(detail)
        .wrap(Wrap { trim: true })
        .block(Block::default().borders(Borders::ALL).title(" Stage "))
        .render(detail_area, buf);
}
