//! The labeling screen: one message, the guidelines beside it, progress above.

use crate::app::App;
use crate::labeling::LabelSession;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Widget, Wrap};
use std::time::Instant;

/// The most of a body drawn: long enough for any message a person reads,
/// short enough that a megabyte of base64 junk cannot slow a frame.
const SHOWN_CHARS: usize = 20_000;

/// Draws the labeling screen.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(session) = &app.labeling else {
        return render_loading(app, area, buf);
    };
    let [progress, main] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    render_progress(session, progress, buf);
    let guidelines_width = if main.width >= 100 {
        42
    } else if main.width >= 70 {
        30
    } else {
        0
    };
    let [message, side] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(guidelines_width)]).areas(main);
    render_message(app, session, message, buf);
    if guidelines_width > 0 {
        Paragraph::new(session.guidelines.clone())
            .wrap(Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Guidelines · labs/label/guidelines.md "),
            )
            .render(side, buf);
    }
}

fn render_loading(app: &App, area: Rect, buf: &mut Buffer) {
    let block = Block::default().borders(Borders::ALL).title(" Labeling ");
    let inner = block.inner(area);
    block.render(area, buf);
    let [text, bar] = Layout::vertical([Constraint::Length(3), Constraint::Length(1)]).areas(inner);
    Paragraph::new(vec![
        Line::from("Preparing the queue: the pipeline runs your label lab's queue code"),
        Line::from("(and the gather stage first, if it has not run on this corpus)."),
    ])
    .wrap(Wrap { trim: true })
    .render(text, buf);
    if let Some((done, total)) = app.label_loading
        && total > 0
    {
        Gauge::default()
            .ratio((done as f64 / total as f64).clamp(0.0, 1.0))
            .label(format!("{done}/{total} messages"))
            .gauge_style(Style::default().fg(Color::Cyan))
            .render(bar, buf);
    }
}

fn render_progress(session: &LabelSession, area: Rect, buf: &mut Buffer) {
    let now = Instant::now();
    let rate = session
        .rate(now)
        .map_or_else(|| "-".to_owned(), |r| format!("{r:.1}"));
    let secs = session.showing_for(now).as_secs();
    let dim = Style::default().fg(Color::DarkGray);
    let strong = Style::default().add_modifier(Modifier::BOLD);
    Line::from(vec![
        Span::styled(" labeled ", dim),
        Span::styled(session.labeled().to_string(), strong),
        Span::styled("  queue ", dim),
        Span::styled(session.left().to_string(), strong),
        Span::styled("  per minute ", dim),
        Span::styled(rate, strong),
        Span::styled("  on screen ", dim),
        Span::raw(format!("{}:{:02}", secs / 60, secs % 60)),
        Span::styled("  order ", dim),
        Span::raw(session.data.order.clone()),
        Span::styled("  can undo ", dim),
        Span::raw(session.undoable().to_string()),
    ])
    .render(area, buf);
}

fn render_message(app: &App, session: &LabelSession, area: Rect, buf: &mut Buffer) {
    let Some(item) = session.current() else {
        Paragraph::new(vec![
            Line::from("Every message in the queue has a decision."),
            Line::default(),
            Line::from(format!(
                "Press {} to see how your labels agree with gold and with others.",
                app.label_config.keys.back
            )),
        ])
        .wrap(Wrap { trim: true })
        .block(Block::default().borders(Borders::ALL).title(" Done "))
        .render(area, buf);
        return;
    };
    let title = format!(" Message · {} left ", session.left());
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    block.render(area, buf);
    let note_rows = if session.typing_note || !session.note.is_empty() {
        1
    } else {
        0
    };
    let [head, body, note] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(1),
        Constraint::Length(note_rows),
    ])
    .areas(inner);
    let dim = Style::default().fg(Color::DarkGray);
    Paragraph::new(vec![
        Line::from(vec![
            Span::styled("From     ", dim),
            Span::raw(item.from.clone()),
        ]),
        Line::from(vec![
            Span::styled("Subject  ", dim),
            Span::styled(
                if item.subject.is_empty() {
                    "(no subject)".to_owned()
                } else {
                    item.subject.clone()
                },
                Style::default().add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::default(),
    ])
    .render(head, buf);
    let text: String = item.body.chars().take(SHOWN_CHARS).collect();
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .scroll((session.scroll, 0))
        .render(body, buf);
    if note_rows > 0 {
        let cursor = if session.typing_note { "█" } else { "" };
        Line::from(vec![
            Span::styled(
                if session.typing_note {
                    "Note (Enter keeps, Esc drops): "
                } else {
                    "Note for the next decision: "
                },
                Style::default().fg(Color::Yellow),
            ),
            Span::raw(format!("{}{cursor}", session.note)),
        ])
        .render(note, buf);
    }
}
