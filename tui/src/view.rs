//! The view: the whole screen drawn from the [`App`] model, nothing else.
//!
//! One file per screen: [`map`] (the course map), [`lab`] (a lab), and
//! [`overlay`] (help and the reset question). Everything renders into a
//! `Buffer`, so each piece is tested without a terminal.

pub mod explorer;
pub mod lab;
pub mod map;
pub mod overlay;

use crate::app::{App, Screen};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// Smallest area the workbench draws into; below it, a note asks for more room.
pub const MIN_WIDTH: u16 = 40;
/// See [`MIN_WIDTH`].
pub const MIN_HEIGHT: u16 = 10;

const SPINNER: [&str; 4] = ["⠋", "⠙", "⠸", "⠴"];

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            Paragraph::new("Make the terminal larger to use Ninety (40×10 at least).")
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        let [header, body, flash, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        render_header(self, header, buf);
        match &self.screen {
            Screen::Map => map::render(self, body, buf),
            Screen::Lab(name) => lab::render(self, name, body, buf),
            Screen::Explorer => explorer::render(self, body, buf),
        }
        render_flash(self, flash, buf);
        render_footer(self, footer, buf);
        if let Some(overlay) = &self.overlay {
            overlay::render(self, overlay, area, buf);
        }
    }
}

fn render_header(app: &App, area: Rect, buf: &mut Buffer) {
    let title = match &app.screen {
        Screen::Map => format!(" Ninety · {}", app.course.title),
        Screen::Explorer => " Ninety › gather › data explorer".to_owned(),
        Screen::Lab(name) => {
            let title = app
                .course
                .labs()
                .find(|l| &l.name == name)
                .map_or("", |l| l.title.as_str());
            format!(" Ninety › {name} · {title}")
        }
    };
    // The explorer names the corpus it shows, which need not be the default.
    let right = match (&app.screen, &app.explorer) {
        (Screen::Explorer, Some(e)) => match &e.data {
            Some(d) => format!("corpus: {} · {} messages ", e.corpus, d.items.len()),
            None => format!("corpus: {} ", e.corpus),
        },
        _ => format!("{} ", app.corpus_line),
    };
    let width = area.width as usize;
    let room = width.saturating_sub(right.chars().count() + 1);
    let left: String = title.chars().take(room).collect();
    let pad = width.saturating_sub(left.chars().count() + right.chars().count());
    let style = Style::default().bg(Color::Blue).fg(Color::White);
    Line::from(vec![
        Span::styled(left, style.add_modifier(Modifier::BOLD)),
        Span::styled(" ".repeat(pad), style),
        Span::styled(right, style),
    ])
    .render(area, buf);
}

fn render_flash(app: &App, area: Rect, buf: &mut Buffer) {
    let spinner = if app.busy() {
        SPINNER[(app.tick % 4) as usize]
    } else {
        ""
    };
    let text = app.flash.clone().unwrap_or_default();
    let line = if spinner.is_empty() {
        Line::from(Span::styled(
            format!(" {text}"),
            Style::default().fg(Color::Yellow),
        ))
    } else {
        Line::from(vec![
            Span::styled(format!(" {spinner} "), Style::default().fg(Color::Cyan)),
            Span::styled(text, Style::default().fg(Color::Yellow)),
        ])
    };
    line.render(area, buf);
}

fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let keys: &[(&str, &str)] = match &app.screen {
        Screen::Map => &[
            ("Enter", "open"),
            ("g", "grade"),
            ("b", "book"),
            ("?", "help"),
            ("q", "quit"),
        ],
        // The gather lab has the data explorer; Tab stays in the help overlay
        // so that the line still fits 80 columns.
        Screen::Lab(lab) if lab == "gather" => &[
            ("g", "grade"),
            ("w", "watch"),
            ("h", "hint"),
            ("e", "explore"),
            ("b", "book"),
            ("r", "reset"),
            ("?", "help"),
            ("Esc", "back"),
        ],
        Screen::Lab(_) => &[
            ("g", "grade"),
            ("w", "watch"),
            ("h", "hint"),
            ("Tab", "focus"),
            ("b", "book"),
            ("r", "reset"),
            ("?", "help"),
            ("Esc", "back"),
        ],
        Screen::Explorer => &[
            ("f", "status"),
            ("o", "group"),
            ("p", "period"),
            ("/", "search"),
            ("c", "corpus"),
            ("Tab", "report"),
            ("r", "run"),
            ("Esc", "back"),
        ],
    };
    let mut spans = vec![Span::raw(" ")];
    for (key, action) in keys {
        spans.push(Span::styled(
            *key,
            Style::default().fg(Color::Black).bg(Color::Gray),
        ));
        spans.push(Span::raw(format!(" {action}  ")));
    }
    Line::from(spans).render(area, buf);
}

/// The text of a buffer, one line per row with trailing spaces trimmed,
/// for tests and snapshots.
pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut row = String::new();
        for x in area.left()..area.right() {
            row.push_str(buf[(x, y)].symbol());
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
