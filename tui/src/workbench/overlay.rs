//! Modal windows over the screen: the key help, the reset question, and a
//! config file that cannot be used.

use super::app::{App, Overlay};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

/// A rectangle of `width` by `height` (at most `area`'s) in the middle of `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
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
            window(lines, " Keys ", Color::Cyan, rect, buf);
        }
        Overlay::Message(scroll) => {
            let text = app.ctx.flash.clone().unwrap_or_default();
            let width =
                (text.chars().count() as u16 + 4).clamp(30, area.width.saturating_sub(4).max(30));
            let inner = width.saturating_sub(2).max(1) as usize;
            // The wrapped text, the blank line and the closing note.
            let rows = text.lines().map(|l| wrapped_rows(l, inner)).sum::<usize>() + 2;
            let rect = centered(area, width, rows as u16 + 2);
            // Taller than the screen: it scrolls, and its title says so.
            let overflows = rows as u16 + 2 > rect.height;
            let mut lines: Vec<Line<'_>> = text.lines().map(|l| Line::from(l.to_owned())).collect();
            lines.push(Line::default());
            lines.push(Line::styled(
                if overflows {
                    "↑ ↓ PgUp PgDn scroll; any other key closes this."
                } else {
                    "Any key closes this."
                },
                Style::default().fg(Color::DarkGray),
            ));
            let title = if overflows {
                " Message (↑ ↓ scroll) "
            } else {
                " Message "
            };
            Clear.render(rect, buf);
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                // No further than the last row's showing at the bottom.
                .scroll((
                    (*scroll).min((rows as u16 + 2).saturating_sub(rect.height)),
                    0,
                ))
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .title(title)
                        .border_style(Style::default().fg(Color::Yellow)),
                )
                .render(rect, buf);
        }
        Overlay::ConfigError => {
            if let Some(error) = &app.ctx.config_error {
                render_config_error(error, area, buf);
            }
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

/// The config file's error, whole: the file, the line and its text, the
/// field, what was expected, and what happens until it is fixed. Wrapped to
/// the screen, so that it reads at 80 columns.
fn render_config_error(error: &crate::config::ConfigError, area: Rect, buf: &mut Buffer) {
    let strong = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().fg(Color::DarkGray);
    let mut place = format!("{}", error.path.display());
    if let Some(line) = error.line {
        place.push_str(&format!(", line {line}"));
    }
    let mut lines = vec![Line::from(vec![
        Span::styled("File   ", dim),
        Span::raw(place),
    ])];
    if let Some(field) = &error.field {
        lines.push(Line::from(vec![
            Span::styled("Field  ", dim),
            Span::styled(field.clone(), strong),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled(error.problem.clone(), strong));
    if let (Some(line), Some(text)) = (error.line, &error.line_text) {
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::styled(format!("{line:>5} │ "), dim),
            Span::styled(text.clone(), Style::default().fg(Color::Yellow)),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(
        "Until it is fixed the workbench uses the default settings and the labeling screen stays closed, so that no decision is saved under another name or with keys you did not choose. Fix the file, or remove it to use the defaults, then open the workbench again.",
    ));
    lines.push(Line::default());
    lines.push(Line::styled("Esc or Enter closes this.", dim));
    let width = area.width.min(78);
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            wrapped_rows(&text, inner)
        })
        .sum();
    let rect = centered(area, width, rows as u16 + 2);
    window(
        lines,
        " The config file cannot be used ",
        Color::Red,
        rect,
        buf,
    );
}

/// A window over the screen at `rect`: cleared, bordered in `color`, with
/// `title`, holding `lines` wrapped to its width.
pub(crate) fn window(
    lines: Vec<Line<'_>>,
    title: &str,
    color: Color,
    rect: Rect,
    buf: &mut Buffer,
) {
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(title)
                .border_style(Style::default().fg(color)),
        )
        .render(rect, buf);
}

/// The rows `text` takes wrapped at word boundaries to `width` columns.
fn wrapped_rows(text: &str, width: usize) -> usize {
    let (mut rows, mut column) = (1, 0);
    for word in text.split(' ') {
        let w = word.chars().count();
        if column == 0 {
            column = w;
        } else if column + 1 + w <= width {
            column += 1 + w;
        } else {
            rows += 1;
            column = w;
        }
        while column > width {
            rows += 1;
            column -= width;
        }
    }
    rows
}
