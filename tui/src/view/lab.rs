//! A lab: its instructions, its checks with points, and the details of the
//! selected check or the compiler's errors when the lab does not build.

use crate::app::{App, Focus, LabView};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, BorderType, Borders, List, ListItem, ListState, Paragraph, StatefulWidget, Widget, Wrap,
};

fn block(title: String, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default().fg(Color::Cyan)
    } else {
        Style::default()
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(style)
        .title(title)
}

/// Draws the lab `name` into `area`.
pub fn render(app: &App, name: &str, area: Rect, buf: &mut Buffer) {
    let Some(view) = app.labs.get(name) else {
        return;
    };
    let focus = view.focus.unwrap_or(Focus::Checks);
    let left_share = if area.width >= 110 { 55 } else { 48 };
    let [left, right] = Layout::horizontal([
        Constraint::Percentage(left_share),
        Constraint::Percentage(100 - left_share),
    ])
    .areas(area);

    Paragraph::new(view.instructions.clone())
        .wrap(Wrap { trim: false })
        .scroll((view.instructions_scroll, 0))
        .block(block(" Instructions ".into(), focus == Focus::Instructions))
        .render(left, buf);

    let checks_height = view
        .report
        .as_ref()
        .map_or(4, |r| r.checks.len() as u16 + 2)
        .clamp(4, right.height.saturating_mul(3) / 5);
    let [checks_area, detail_area] =
        Layout::vertical([Constraint::Length(checks_height), Constraint::Min(3)]).areas(right);
    render_checks(app, view, checks_area, buf, focus == Focus::Checks);
    render_details(name, view, detail_area, buf, focus == Focus::Output);
}

fn render_checks(app: &App, view: &LabView, area: Rect, buf: &mut Buffer, focused: bool) {
    let mut title = String::from(" Checks");
    if let Some(r) = &view.report {
        title.push_str(&format!(" {}/{} pts", r.points, r.max_points));
    }
    if view.grading {
        title.push_str(&format!(
            " · grading {}",
            ["⠋", "⠙", "⠸", "⠴"][(app.tick % 4) as usize]
        ));
    }
    if view.watching {
        title.push_str(" · watching");
    }
    title.push(' ');
    let outer = block(title, focused);
    match &view.report {
        None => {
            let text = if view.grading {
                "Grading: the first build can take a minute..."
            } else {
                "Not graded yet. Press g to grade."
            };
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(outer)
                .render(area, buf);
        }
        Some(report) => {
            let width = area.width.saturating_sub(4) as usize;
            let items: Vec<ListItem<'_>> = report
                .checks
                .iter()
                .map(|c| {
                    let (mark, style) = if c.passed {
                        ("✓", Style::default().fg(Color::Green))
                    } else {
                        ("✗", Style::default().fg(Color::Red))
                    };
                    let pts = format!("{}/{}", c.points, c.max_points);
                    let room = width.saturating_sub(pts.len() + 3);
                    let id: String = c.id.chars().take(room).collect();
                    let pad = width.saturating_sub(id.chars().count() + pts.len() + 2);
                    ListItem::new(Line::from(vec![
                        Span::styled(format!("{mark} "), style),
                        Span::raw(id),
                        Span::raw(" ".repeat(pad)),
                        Span::styled(pts, style),
                    ]))
                })
                .collect();
            let list = List::new(items)
                .block(outer)
                .highlight_style(Style::default().add_modifier(Modifier::REVERSED));
            let mut state = ListState::default().with_selected(Some(view.selected));
            StatefulWidget::render(list, area, buf, &mut state);
        }
    }
}

fn render_details(name: &str, view: &LabView, area: Rect, buf: &mut Buffer, focused: bool) {
    if let Some(errors) = &view.build_error {
        let mut lines = vec![
            Line::styled(
                format!(
                    "cargo test -p lab-{name} did not build. Fix the first error, save, grade again."
                ),
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            Line::default(),
        ];
        lines.extend(errors.lines().map(|l| {
            let style = if l.starts_with("error") {
                Style::default().fg(Color::Red)
            } else if l.starts_with("warning") {
                Style::default().fg(Color::Yellow)
            } else {
                Style::default()
            };
            Line::styled(l.to_owned(), style)
        }));
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((view.output_scroll, 0))
            .block(block(" Build failed ".into(), focused))
            .render(area, buf);
        return;
    }
    let Some(check) = view
        .report
        .as_ref()
        .and_then(|r| r.checks.get(view.selected))
    else {
        Paragraph::new("Details of the selected check appear here after grading.")
            .wrap(Wrap { trim: true })
            .block(block(" Details ".into(), focused))
            .render(area, buf);
        return;
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            check.id.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(" · {}/{} points", check.points, check.max_points)),
        Span::raw(if check.timed_out { " · timed out" } else { "" }),
    ])];
    if check.passed {
        lines.push(Line::styled("Passes.", Style::default().fg(Color::Green)));
    } else {
        lines.push(Line::default());
        for l in check.message.as_deref().unwrap_or("failed").lines() {
            lines.push(Line::styled(l.to_owned(), Style::default().fg(Color::Red)));
        }
        lines.push(Line::default());
        if view.show_hint {
            lines.push(Line::from(vec![
                Span::styled(
                    "Hint: ",
                    Style::default()
                        .fg(Color::Yellow)
                        .add_modifier(Modifier::BOLD),
                ),
                Span::raw(check.hint.clone()),
            ]));
        } else {
            lines.push(Line::styled(
                "Press h for a hint.",
                Style::default().fg(Color::DarkGray),
            ));
        }
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((view.output_scroll, 0))
        .block(block(" Details ".into(), focused))
        .render(area, buf);
}
