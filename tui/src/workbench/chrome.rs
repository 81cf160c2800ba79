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
        BuildStatus::BuildingChecks(p) if p.total > 0 => {
            format!("building the labs' checks {}/{} ", p.done, p.total)
        }
        BuildStatus::BuildingChecks(_) => "building the labs' checks ".to_owned(),
        _ => format!("{} ", app.header_right()),
    };
    let width = area.width as usize;
    let room = width.saturating_sub(right.chars().count() + 1);
    let left: String = title.chars().take(room).collect();
    header_bar(&left, &right, area, buf);
}

/// The header's bar: `left` in bold and `right` against the right edge, on
/// blue, both already fitted to `area`'s width by the caller.
pub fn header_bar(left: &str, right: &str, area: Rect, buf: &mut Buffer) {
    let pad = (area.width as usize).saturating_sub(left.chars().count() + right.chars().count());
    let style = Style::default().bg(Color::Blue).fg(Color::White);
    Line::from(vec![
        Span::styled(left.to_owned(), style.add_modifier(Modifier::BOLD)),
        Span::styled(" ".repeat(pad), style),
        Span::styled(right.to_owned(), style),
    ])
    .render(area, buf);
}

fn render_flash(app: &App, area: Rect, buf: &mut Buffer) {
    let spinner = if app.busy() {
        SPINNER[(app.ctx.tick % 4) as usize]
    } else {
        ""
    };
    let text = fit_flash(
        app.ctx.flash.as_deref().unwrap_or_default(),
        (area.width as usize).saturating_sub(if spinner.is_empty() { 1 } else { 3 }),
    );
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

/// What of a status message fits in `room` columns: all of it when it fits,
/// else its start, cut at a word where it can, and a note that `!` shows it
/// whole, so the cause of an error is never silently cut off.
pub fn fit_flash(text: &str, room: usize) -> String {
    // One line: a message with line breaks is read whole through `!`.
    let first = text.lines().next().unwrap_or_default();
    if text.chars().count() <= room && first.len() == text.len() {
        return text.to_owned();
    }
    const MORE: &str = "… (! reads all)";
    let keep = room.saturating_sub(MORE.chars().count());
    let cut: String = first.chars().take(keep).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > keep / 2 && first.chars().count() > keep => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}{MORE}", cut.trim_end())
}

/// A pane's title that fits a pane `width` columns wide (its two corners
/// left free): all of it when it fits, else its start and "…", so a cut
/// title says that it was cut.
pub fn fit_title(title: &str, width: u16) -> String {
    let room = usize::from(width.saturating_sub(2));
    if title.chars().count() <= room {
        return title.to_owned();
    }
    // Keep the closing space that separates the title from the border.
    let keep = room.saturating_sub(2);
    let cut: String = title.chars().take(keep).collect();
    format!("{}… ", cut.trim_end())
}

/// A bordered pane whose title fits its area's width.
pub fn pane(title: impl AsRef<str>, area: Rect) -> ratatui::widgets::Block<'static> {
    ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .title(fit_title(title.as_ref(), area.width))
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

#[cfg(test)]
mod tests {
    use super::{fit_flash, fit_title};

    #[test]
    fn a_title_too_long_for_its_pane_ends_with_an_ellipsis() {
        assert_eq!(fit_title(" Runs ", 20), " Runs ");
        let cut = fit_title(" Raw · spam/00123.4f8a9e0c1d2b3a4f5e6d7c8b9a0f1e2d ", 24);
        assert_eq!(cut, " Raw · spam/00123.4f… ");
        assert_eq!(cut.chars().count(), 22, "the two corners stay free");
        assert_eq!(fit_title(" Anything ", 2), "… ");
    }

    #[test]
    fn a_message_that_fits_is_left_alone_and_a_long_one_says_how_to_read_it() {
        assert_eq!(fit_flash("Graded: 32/32.", 40), "Graded: 32/32.");
        let long = "The run failed: labs/frame/spec.toml line 14, field metric.max_ham_flagged_rate: is 0.05";
        let cut = fit_flash(long, 50);
        assert!(cut.ends_with("… (! reads all)"), "{cut}");
        assert!(cut.chars().count() <= 50, "{cut}");
        assert!(cut.starts_with("The run failed: labs/frame/spec"), "{cut}");
        // A message of several lines shows its first, and the note.
        assert_eq!(fit_flash("first\nsecond", 40), "first… (! reads all)");
        // No room at all still gives the note rather than nothing.
        assert!(fit_flash(long, 5).contains("!"));
    }
}
