//! Modal windows over the screen: the key help and the reset question.

use super::app::{App, Overlay};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// Draws `overlay` over `area`.
pub fn render(app: &App, overlay: &Overlay, area: Rect, buf: &mut Buffer) {
    match overlay {
        Overlay::Help => {
            // The open screen's own key table: what it lists is what works.
            let keys = app.help_rows();
            let width = keys
                .iter()
                .map(|(k, a)| k.chars().count() + a.chars().count() + 6)
                .max()
                .unwrap_or(30) as u16;
            let mut lines: Vec<Line<'_>> = keys
                .into_iter()
                .map(|(k, a)| {
                    Line::from(vec![
                        Span::styled(
                            format!("{k:>16}  "),
                            Style::default()
                                .fg(Color::Cyan)
                                .add_modifier(Modifier::BOLD),
                        ),
                        Span::raw(a),
                    ])
                })
                .collect();
            lines.push(Line::default());
            lines.push(Line::styled(
                "Any key closes this help.",
                Style::default().fg(Color::DarkGray),
            ));
            let rect = centered(area, width + 14, lines.len() as u16 + 2);
            Clear.render(rect, buf);
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .title(" Keys ")
                        .border_style(Style::default().fg(Color::Cyan)),
                )
                .render(rect, buf);
        }
        Overlay::ConfirmReset(lab) => {
            let lines = vec![
                Line::styled(
                    format!("Reset {lab} to its starter?"),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Line::default(),
                Line::from(
                    "The lab's files go back to how they were released. A copy of your current files is kept in .ninety/backups/.",
                ),
                Line::default(),
                Line::from(vec![
                    Span::styled(" y ", Style::default().fg(Color::Black).bg(Color::Red)),
                    Span::raw(" reset    "),
                    Span::styled(" n ", Style::default().fg(Color::Black).bg(Color::Gray)),
                    Span::raw(" keep my work"),
                ]),
            ];
            let rect = centered(area, 56, 9);
            Clear.render(rect, buf);
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .title(" Reset ")
                        .border_style(Style::default().fg(Color::Red)),
                )
                .render(rect, buf);
        }
    }
}
