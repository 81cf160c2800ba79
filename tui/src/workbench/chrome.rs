//! What surrounds every screen: the header, the status line, the footer and
//! the overlays, drawn from the [`App`] model and nothing else.
//!
//! The open screen draws the body; its key table gives the footer. Every
//! piece renders into a `Buffer`, so each is tested without a terminal.

use super::app::App;
use super::ctx::BuildStatus;
use super::overlay;
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
        self.render_screen(body, buf);
        render_flash(self, flash, buf);
        render_footer(self, footer, buf);
        if let Some(overlay) = &self.overlay {
            overlay::render(self, overlay, area, buf);
        }
    }
}

fn render_header(app: &App, area: Rect, buf: &mut Buffer) {
    let title = format!(
        " Ninety {} {}",
        if app.screen == super::screens::ScreenId::Map {
            "·"
        } else {
            "›"
        },
        app.title()
    );
    // While the pipeline builds in the background, the header says how far.
    let right = match &app.ctx.build {
        BuildStatus::Building(p) if p.total > 0 => {
            format!("building the pipeline {}/{} ", p.done, p.total)
        }
        BuildStatus::Building(_) => "building the pipeline ".to_owned(),
        _ => format!("{} ", app.header_right()),
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
        SPINNER[(app.ctx.tick % 4) as usize]
    } else {
        ""
    };
    let text = app.ctx.flash.clone().unwrap_or_default();
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
    let keys = app.footer();
    let mut spans = vec![Span::raw(" ")];
    for (key, action) in keys {
        spans.push(Span::styled(
            key,
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
