//! The view: the whole screen drawn from the [`App`] model, nothing else.
//!
//! One file per screen: [`map`] (the course map), [`lab`] (a lab), and
//! [`overlay`] (help and the reset question). Everything renders into a
//! `Buffer`, so each piece is tested without a terminal.

pub mod agreement;
pub mod explorer;
pub mod lab;
pub mod labeling;
pub mod map;
pub mod overlay;
pub mod train;

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
            Screen::Label => labeling::render(self, body, buf),
            Screen::Agreement => agreement::render(self, body, buf),
            Screen::Train => train::render(self, body, buf),
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
        Screen::Label => match &app.labeling {
            Some(s) => format!(" Ninety › label › labeling as {}", s.data.annotator),
            None => " Ninety › label › labeling".to_owned(),
        },
        Screen::Agreement => " Ninety › label › agreement".to_owned(),
        Screen::Train => " Ninety › train › runs".to_owned(),
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
        (Screen::Label | Screen::Agreement | Screen::Train, _) => {
            format!("corpus: {} ", app.label_corpus)
        }
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
    let label_keys: Vec<(String, &str)>;
    let keys: &[(&str, &str)] = match &app.screen {
        Screen::Label => {
            let k = &app.label_config.keys;
            label_keys = vec![
                (k.spam.to_string(), "spam"),
                (k.ham.to_string(), "ham"),
                (k.unsure.to_string(), "unsure"),
                (k.skip.to_string(), "skip"),
                (k.undo.to_string(), "undo"),
                (k.note.to_string(), "note"),
                (k.back.to_string(), "back"),
                ("?".into(), "help"),
            ];
            return footer_line(label_keys.iter().map(|(k, a)| (k.as_str(), *a)), area, buf);
        }
        Screen::Agreement => &[
            ("↑↓", "select"),
            ("←→", "annotator"),
            ("Tab", "lists"),
            ("r", "again"),
            ("l", "label"),
            ("?", "help"),
            ("Esc", "back"),
        ],
        Screen::Train => &[
            ("t", "train"),
            ("m", "model"),
            ("s", "split"),
            ("b", "book"),
            ("?", "help"),
            ("Esc", "back"),
        ],
        Screen::Lab(lab) if lab == "train" => &[
            ("g", "grade"),
            ("w", "watch"),
            ("h", "hint"),
            ("t", "train"),
            ("b", "book"),
            ("r", "reset"),
            ("?", "help"),
            ("Esc", "back"),
        ],
        Screen::Lab(lab) if lab == "label" => &[
            ("g", "grade"),
            ("w", "watch"),
            ("h", "hint"),
            ("l", "label"),
            ("a", "agree"),
            ("b", "book"),
            ("r", "reset"),
            ("?", "help"),
            ("Esc", "back"),
        ],
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
    footer_line(keys.iter().copied(), area, buf);
}

fn footer_line<'a>(keys: impl Iterator<Item = (&'a str, &'a str)>, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![Span::raw(" ")];
    for (key, action) in keys {
        spans.push(Span::styled(
            key.to_owned(),
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
