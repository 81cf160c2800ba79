//! The data explorer: every message of a gather run, filtered and searched,
//! the raw message beside the clean text, and the quality report as charts.

use crate::app::App;
use crate::explorer::{Explorer, Pane, window_start};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Gauge, Paragraph, Widget, Wrap};

/// Draws the explorer into `area`.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(e) = &app.explorer else { return };
    let [bar, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    render_filters(e, bar, buf);
    if let Some((done, total)) = e.running {
        let ratio = if total == 0 {
            0.0
        } else {
            done as f64 / total as f64
        };
        let [gauge, rest] =
            Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(body);
        Gauge::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!(" Gathering {} ", e.corpus)),
            )
            .gauge_style(Style::default().fg(Color::Cyan))
            .ratio(ratio.clamp(0.0, 1.0))
            .label(format!("{done}/{total} messages"))
            .render(gauge, buf);
        Paragraph::new("The stage runs as a child process; the explorer reloads when it ends.")
            .wrap(Wrap { trim: true })
            .render(rest, buf);
        return;
    }
    if e.data.is_none() {
        let why = e.problem.clone().unwrap_or_else(|| "Loading...".into());
        let text = vec![
            Line::styled(
                format!("No gather output for the {} corpus yet.", e.corpus),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Line::default(),
            Line::from(why),
            Line::default(),
            Line::from("Press r to run the gather stage on it, or c to switch corpus."),
        ];
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(" Explorer "))
            .render(body, buf);
        return;
    }
    match e.pane {
        Pane::Messages => render_messages(e, body, buf),
        Pane::Report => render_report(e, body, buf),
    }
}

fn render_filters(e: &Explorer, area: Rect, buf: &mut Buffer) {
    let shown = e.visible.len();
    let total = e.data.as_ref().map_or(0, |d| d.items.len());
    let value = |v: Option<&str>| v.unwrap_or("all").to_owned();
    let search = if e.searching {
        format!("/{}▏", e.search)
    } else if e.search.is_empty() {
        "-".into()
    } else {
        format!("/{}", e.search)
    };
    let dim = Style::default().fg(Color::DarkGray);
    let strong = Style::default().fg(Color::Cyan);
    Line::from(vec![
        Span::styled(" corpus ", dim),
        Span::styled(e.corpus.clone(), strong),
        Span::styled("  status ", dim),
        Span::styled(value(e.status.value()), strong),
        Span::styled("  group ", dim),
        Span::styled(value(e.group.value()), strong),
        Span::styled("  period ", dim),
        Span::styled(value(e.period.value()), strong),
        Span::styled("  search ", dim),
        Span::styled(search, strong),
        Span::styled(format!("  {shown}/{total}"), dim),
    ])
    .render(area, buf);
}

fn status_mark(status: &str) -> (&'static str, Color) {
    match status {
        "clean" => ("✓", Color::Green),
        "duplicate" => ("≈", Color::Yellow),
        _ => ("✗", Color::Red),
    }
}

fn render_messages(e: &Explorer, area: Rect, buf: &mut Buffer) {
    let Some(data) = &e.data else { return };
    let [list_area, text_area] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    // The list: only the rows on screen are built, however many messages there are.
    let block = Block::default().borders(Borders::ALL).title(" Messages ");
    let inner = block.inner(list_area);
    block.render(list_area, buf);
    let rows = inner.height as usize;
    let start = window_start(e.selected, rows, e.visible.len());
    for (row, &index) in e.visible.iter().skip(start).take(rows).enumerate() {
        let item = &data.items[index];
        let (mark, color) = status_mark(&item.status);
        let selected = start + row == e.selected;
        let base = if selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let line = Line::from(vec![
            Span::styled(format!("{mark} "), base.fg(color)),
            Span::styled(format!("{:<8} ", item.group), base.fg(Color::DarkGray)),
            Span::styled(
                format!("{:<7} ", item.month.as_deref().unwrap_or("?")),
                base.fg(Color::DarkGray),
            ),
            Span::styled(
                item.subject
                    .clone()
                    .unwrap_or_else(|| "(no subject)".into()),
                base,
            ),
        ]);
        let y = inner.y + row as u16;
        line.render(
            Rect {
                x: inner.x,
                y,
                width: inner.width,
                height: 1,
            },
            buf,
        );
    }
    if e.visible.is_empty() {
        Paragraph::new("No message matches the filters.").render(inner, buf);
    }
    let [raw_area, clean_area] = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .areas(text_area);
    let Some(item) = e.current() else { return };
    let raw = match &e.raw {
        Some((path, text)) if path == &item.path => text.clone(),
        _ => "reading...".into(),
    };
    Paragraph::new(raw)
        .wrap(Wrap { trim: false })
        .scroll((e.scroll, 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" Raw · {} ", item.path)),
        )
        .render(raw_area, buf);
    let (title, text, style) = match item.status.as_str() {
        "clean" => (
            " Clean text ".to_owned(),
            item.body.clone().unwrap_or_default(),
            Style::default(),
        ),
        "duplicate" => (
            format!(" Duplicate ({}) ", item.detail.as_deref().unwrap_or("?")),
            format!(
                "of {}\n\n{}",
                item.duplicate_of.as_deref().unwrap_or("?"),
                item.body.clone().unwrap_or_default()
            ),
            Style::default().fg(Color::Yellow),
        ),
        _ => (
            " Quarantined ".to_owned(),
            format!(
                "reason: {}\n\nThis message is kept aside, not dropped: it is counted in the report and listed in quarantine.jsonl.",
                item.detail.as_deref().unwrap_or("?")
            ),
            Style::default().fg(Color::Red),
        ),
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .scroll((e.scroll, 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(title)
                .border_style(style),
        )
        .render(clean_area, buf);
}

fn chart<'a>(title: &'a str, rows: &'a [(String, u64)], limit: usize) -> BarChart<'a> {
    let bars: Vec<Bar<'a>> = rows
        .iter()
        .take(limit)
        .map(|(name, n)| {
            Bar::default()
                .label(Line::from(name.as_str()))
                .value(*n)
                .text_value(n.to_string())
        })
        .collect();
    BarChart::default()
        .block(Block::default().borders(Borders::ALL).title(title))
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .bar_style(Style::default().fg(Color::Cyan))
        .data(BarGroup::default().bars(&bars))
}

fn render_report(e: &Explorer, area: Rect, buf: &mut Buffer) {
    let Some(data) = &e.data else { return };
    let empty = Vec::new();
    let rows = |k: &str| data.charts.get(k).unwrap_or(&empty);
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    let [groups, reasons] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    chart(" By group ", rows("by_group"), 8).render(groups, buf);
    let reasons_rows = rows("quarantined");
    if reasons_rows.is_empty() {
        Paragraph::new("Nothing quarantined.")
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Quarantined by reason "),
            )
            .render(reasons, buf);
    } else {
        chart(" Quarantined by reason ", reasons_rows, 8).render(reasons, buf);
    }
    chart(
        " By charset ",
        rows("by_charset"),
        bottom.height.saturating_sub(2) as usize,
    )
    .render(bottom, buf);
}
