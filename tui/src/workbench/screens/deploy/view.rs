//! Drawing the deploy view: the server, the load test and the registry on
//! the left; the request rate, the latency and the last predictions on the
//! right. Each pane draws from the view's state alone.

use super::{DeployScreen, HISTORY, Load, Server};
use crate::workbench::chrome::pane;
use crate::workbench::screens::building_line;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Cell, Chart, Dataset, GraphType, Paragraph, Row, Sparkline, StatefulWidget, Table,
    TableState, Widget, Wrap,
};

fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

/// Draws the view.
pub fn render(s: &DeployScreen, area: Rect, buf: &mut Buffer) {
    // The charts take half of what the server's pane leaves, within reason.
    let middle = (area.height.saturating_sub(7) / 2).clamp(7, 14);
    let [top, mid, bottom] = Layout::vertical([
        Constraint::Length(7),
        Constraint::Length(middle),
        Constraint::Min(4),
    ])
    .areas(area);
    let halves = |r: Rect| {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas::<2>(r)
    };
    let [server, rate] = halves(top);
    let [load, latency] = halves(mid);
    let [models, requests] = halves(bottom);
    render_server(s, server, buf);
    render_rate(s, rate, buf);
    render_load(s, load, buf);
    render_latency(s, latency, buf);
    render_models(s, models, buf);
    render_requests(s, requests, buf);
}

/// `n` with a comma between each group of three digits.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` things, with the plural when it is not one.
pub fn count(n: u64, thing: &str) -> String {
    format!("{} {thing}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// A latency in microseconds, in the unit that reads best.
pub fn latency(us: u64) -> String {
    if us < 1_000 {
        format!("{us}µs")
    } else if us < 10_000 {
        format!("{:.1}ms", us as f64 / 1000.0)
    } else {
        format!("{}ms", us / 1000)
    }
}

/// Milliseconds with two significant decimals where they matter.
fn ms(x: f64) -> String {
    if x < 10.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.0}")
    }
}

/// A field name and its value, the name dimmed.
fn field(name: &str, value: impl Into<String>) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<9} "), dim()),
        Span::raw(value.into()),
    ])
}

fn render_server(s: &DeployScreen, area: Rect, buf: &mut Buffer) {
    let block = pane(" Server ", area);
    if let (Some(problem), Server::Stopped) = (&s.problem, s.server) {
        Paragraph::new(format!(
            "The server stopped (the workbench did not): {problem}\n\ns starts it again."
        ))
        .style(Style::default().fg(Color::Red))
        .wrap(Wrap { trim: false })
        .block(block)
        .render(area, buf);
        return;
    }
    let green = Style::default()
        .fg(Color::Green)
        .add_modifier(Modifier::BOLD);
    let yellow = Style::default().fg(Color::Yellow);
    let state = match (s.server, s.ready) {
        (Server::Stopped, _) => Line::from(vec![
            Span::styled("○ stopped", Style::default().add_modifier(Modifier::BOLD)),
            Span::styled("  s starts it", dim()),
        ]),
        (Server::Starting, _) if s.address.is_none() => Line::styled(
            format!(
                "◌ starting: {}",
                match &s.building {
                    Some(p) => building_line(p),
                    // Before the stage's first word, cargo is at work (or
                    // waiting for the build folder's lock).
                    None if s.log.is_empty() => {
                        "building the pipeline, then loading the model...".to_owned()
                    }
                    None => "loading the model...".to_owned(),
                }
            ),
            yellow,
        ),
        (Server::Stopping, _) => Line::styled("◌ stopping: answering what is in flight", yellow),
        (_, Some(true)) => Line::from(vec![
            Span::styled("● ready", green),
            Span::styled("  s stops it", dim()),
        ]),
        (_, Some(false)) => {
            // One line, cut: the status line has it whole (`!`).
            let why = s.not_ready.as_deref().unwrap_or("asking /readyz why...");
            let room = usize::from(area.width.saturating_sub(2)).saturating_sub(13);
            let cut = if why.chars().count() > room {
                let head: String = why.chars().take(room.saturating_sub(1)).collect();
                format!("{}…", head.trim_end())
            } else {
                why.to_owned()
            };
            Line::from(vec![
                Span::styled("○ not ready: ", yellow.add_modifier(Modifier::BOLD)),
                Span::styled(cut, yellow),
            ])
        }
        (_, None) => Line::styled("◌ listening; asking /readyz...", yellow),
    };
    let mut lines = vec![state];
    match s.server {
        Server::Stopped => {
            match &s.summary {
                Some(sum) => {
                    lines.push(field("last", sum.address.clone()));
                    lines.push(field(
                        "served",
                        format!(
                            "{} predictions in {:.0} s",
                            thousands(sum.predictions),
                            sum.seconds
                        ),
                    ));
                }
                None => lines.push(Line::styled(
                    match (s.champion(), &s.models) {
                        (Some(id), _) => format!(
                            "It serves the champion, {id}, on a free port of this machine."
                        ),
                        (None, Some(Ok(m))) if !m.list.is_empty() => format!(
                            "No champion yet: it serves the newest model, {}, on a free port of this machine; p promotes the selected one.",
                            m.list[0].id
                        ),
                        _ => "It serves the champion on a free port of this machine.".to_owned(),
                    },
                    dim(),
                )),
            }
        }
        _ => {
            lines.push(field("address", s.address.clone().unwrap_or("—".into())));
            let model = match (&s.model_id, s.champion()) {
                (Some(id), Some(c)) if id == c => format!("{id} (champion)"),
                (Some(id), Some(_)) => format!("{id} (not the champion)"),
                (Some(id), None) => id.clone(),
                (None, _) => "—".to_owned(),
            };
            lines.push(field("model", model));
            match &s.status {
                Some(st) => {
                    lines.push(field(
                        "served",
                        format!(
                            "{} · {}",
                            count(st.requests, "request"),
                            count(st.errors, "error")
                        ),
                    ));
                    lines.push(field(
                        "predicted",
                        format!(
                            "{} · {} not logged",
                            thousands(st.predictions),
                            thousands(st.log_dropped)
                        ),
                    ));
                }
                None => {
                    if let Some(w) = &s.warning {
                        lines.push(Line::styled(w.clone(), yellow));
                    } else if let Some(last) = s.log.last() {
                        lines.push(Line::styled(last.clone(), dim()));
                    }
                }
            }
        }
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(block)
        .render(area, buf);
}

/// A pane that only says why it has nothing to draw yet.
fn waiting(s: &DeployScreen, title: String, what: &str, area: Rect, buf: &mut Buffer) {
    let text = match s.server {
        Server::Running if s.history.is_empty() => {
            format!("Waiting for the server's first report of {what} (once a second)...")
        }
        Server::Running | Server::Stopping => {
            format!("No requests in the last {HISTORY} s: l sends some.")
        }
        _ => format!("s starts the server; {what} over the last minute is drawn here."),
    };
    Paragraph::new(text)
        .style(dim())
        .wrap(Wrap { trim: true })
        .block(pane(title, area))
        .render(area, buf);
}

fn render_rate(s: &DeployScreen, area: Rect, buf: &mut Buffer) {
    let rates: Vec<u64> = s
        .history
        .iter()
        .map(|x| x.per_second.round() as u64)
        .collect();
    let now = rates.last().copied().unwrap_or(0);
    let peak = rates.iter().copied().max().unwrap_or(0);
    let title = format!(
        " Requests/s · now {} · peak {} ",
        thousands(now),
        thousands(peak)
    );
    if peak == 0 {
        return waiting(s, title, "its request rate", area, buf);
    }
    // The newest second at the right edge, the minute before it to its
    // left (as far as there is room); seconds before the server was up
    // are blank.
    let inner = usize::from(area.width.saturating_sub(2));
    let width = inner.min(HISTORY);
    let shown = &rates[rates.len().saturating_sub(width)..];
    let bars: Vec<Option<u64>> = std::iter::repeat_n(None, width - shown.len())
        .chain(shown.iter().copied().map(Some))
        .collect();
    let block = pane(title, area);
    let inside = block.inner(area);
    block.render(area, buf);
    let [_, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(width as u16)]).areas(inside);
    Sparkline::default()
        .style(Style::default().fg(Color::Cyan))
        .data(bars)
        .render(right, buf);
}

fn render_latency(s: &DeployScreen, area: Rect, buf: &mut Buffer) {
    let n = s.history.len();
    let at = |i: usize| i as f64 - (n as f64 - 1.0);
    let series = |get: fn(&super::Sample) -> Option<u64>| -> Vec<(f64, f64)> {
        s.history
            .iter()
            .enumerate()
            .filter_map(|(i, x)| get(x).map(|us| (at(i), us as f64 / 1000.0)))
            .collect()
    };
    let p50 = series(|x| x.p50_us);
    let p99 = series(|x| x.p99_us);
    let last = |points: &[(f64, f64)]| {
        points
            .last()
            .map_or("—".to_owned(), |p| latency((p.1 * 1000.0) as u64))
    };
    let (cyan, magenta) = (
        Style::default().fg(Color::Cyan),
        Style::default().fg(Color::Magenta),
    );
    let title = format!(" Latency ms · p50 {} · p99 {} ", last(&p50), last(&p99));
    if p50.is_empty() && p99.is_empty() {
        return waiting(s, title, "its latency", area, buf);
    }
    // The title, its figures in their curves' colours, is the legend.
    let block = if title.chars().count() + 2 <= usize::from(area.width) {
        ratatui::widgets::Block::default()
            .borders(ratatui::widgets::Borders::ALL)
            .title(Line::from(vec![
                Span::raw(" Latency ms · "),
                Span::styled(format!("p50 {}", last(&p50)), cyan),
                Span::raw(" · "),
                Span::styled(format!("p99 {}", last(&p99)), magenta),
                Span::raw(" "),
            ]))
    } else {
        pane(title, area)
    };
    let top = p99.iter().chain(&p50).map(|p| p.1).fold(0.1_f64, f64::max) * 1.1;
    let datasets = vec![
        Dataset::default()
            .name("p50")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(cyan)
            .data(&p50),
        Dataset::default()
            .name("p99")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(magenta)
            .data(&p99),
    ];
    let span = (HISTORY as f64 - 1.0).max(1.0);
    Chart::new(datasets)
        .block(block)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([-span, 0.0])
                .labels(vec![Line::from(format!("-{span:.0}s")), Line::from("now")]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, top])
                .labels(vec![Line::from("0"), Line::from(format!("{top:.1}"))]),
        )
        .render(area, buf);
}

fn render_load(s: &DeployScreen, area: Rect, buf: &mut Buffer) {
    let block = pane(" Load test (l) ", area);
    let (lines, style): (Vec<Line<'_>>, Style) = match &s.load {
        Load::Idle => (
            vec![Line::from(
                "l runs `ninety load` against the server for 5 s and shows what it measured.",
            )],
            dim(),
        ),
        Load::Running(address) => (
            vec![Line::from(format!(
                "ninety load --url {address} --duration 5 --json: running..."
            ))],
            Style::default().fg(Color::Yellow),
        ),
        Load::Failed(why) => (
            std::iter::once(Line::from("The load test did not run:"))
                .chain(why.lines().map(|l| Line::from(l.to_owned())))
                .collect(),
            Style::default().fg(Color::Red),
        ),
        Load::Done(r) => {
            // The figures that fit: the connections and the slowest
            // answer only where there is room.
            let wide = area.width >= 46;
            let mut rate = format!(
                "{}/s for {:.1} s",
                thousands(r.per_second.round() as u64),
                r.seconds
            );
            if wide {
                rate.push_str(&format!(
                    " · {}",
                    count(u64::from(r.connections), "connection")
                ));
            }
            let mut lines = vec![
                field(
                    "requests",
                    format!("{} · {}", thousands(r.requests), count(r.errors, "error")),
                ),
                field("rate", rate),
            ];
            lines.push(match &r.latency_ms {
                Some(l) if wide => field(
                    "latency",
                    format!(
                        "p50 {} · p99 {} · max {} ms",
                        ms(l.p50),
                        ms(l.p99),
                        ms(l.max)
                    ),
                ),
                Some(l) => field(
                    "latency",
                    format!("p50 {} · p99 {} ms", ms(l.p50), ms(l.p99)),
                ),
                None => field("latency", "— (nothing was answered)"),
            });
            if !r.errors_by.is_empty() {
                let by: Vec<String> = r
                    .errors_by
                    .iter()
                    .map(|(why, n)| format!("{why}: {}", thousands(*n)))
                    .collect();
                lines.push(Line::styled(
                    format!("{:<9} {}", "errors", by.join(" · ")),
                    Style::default().fg(Color::Red),
                ));
            }
            if r.unsent > 0 {
                lines.push(field(
                    "unsent",
                    format!("{} (every connection busy)", thousands(r.unsent)),
                ));
            }
            lines.push(field(
                "sent",
                format!("{} messages of {}", r.messages, r.corpus),
            ));
            (lines, Style::default())
        }
    };
    Paragraph::new(lines)
        .style(style)
        .wrap(Wrap { trim: false })
        .block(block)
        .render(area, buf);
}

fn render_models(s: &DeployScreen, area: Rect, buf: &mut Buffer) {
    let title = " Models (p promote · r roll back) ";
    let models = match &s.models {
        None => {
            Paragraph::new("Reading the registry...")
                .style(dim())
                .block(pane(title, area))
                .render(area, buf);
            return;
        }
        Some(Err(why)) => {
            Paragraph::new(format!("The registry does not read: {why}"))
                .style(Style::default().fg(Color::Red))
                .wrap(Wrap { trim: false })
                .block(pane(title, area))
                .render(area, buf);
            return;
        }
        Some(Ok(m)) => m,
    };
    if models.list.is_empty() {
        Paragraph::new(
            "No registered model yet: `ninety run evaluate` registers the run it judges.",
        )
        .wrap(Wrap { trim: true })
        .block(pane(title, area))
        .render(area, buf);
        return;
    }
    let wide = area.width >= 60;
    // Twelve digits name a model as well where room is short (the
    // registry takes the start of an id).
    let id_width: usize = if area.width >= 44 { 16 } else { 12 };
    let rows: Vec<Row<'_>> = models
        .list
        .iter()
        .map(|m| {
            let champion = models.champion.as_deref() == Some(m.id.as_str());
            let serving = s.is_live() && s.model_id.as_deref() == Some(m.id.as_str());
            let mark = match (champion, serving) {
                (true, _) => Span::styled("★", Style::default().fg(Color::Yellow)),
                (false, true) => Span::styled("●", Style::default().fg(Color::Green)),
                _ => Span::raw(" "),
            };
            let threshold = m.info.threshold.map_or("—".to_owned(), |t| {
                format!("{t:.4}").trim_start_matches('0').to_owned()
            });
            let gates = if m.info.ready {
                Span::styled("✓", Style::default().fg(Color::Green))
            } else {
                Span::styled("✗", Style::default().fg(Color::Red))
            };
            let mut cells = vec![
                Cell::from(mark),
                Cell::from(m.id.chars().take(id_width).collect::<String>()),
                Cell::from(m.info.model.clone()),
                Cell::from(threshold),
                Cell::from(gates),
            ];
            if wide {
                cells.push(Cell::from(m.info.run_id.clone()));
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(id_width as u16),
        Constraint::Length(8),
        Constraint::Length(5),
        Constraint::Length(5),
    ];
    let mut header = vec!["", "id", "model", "thr", "gates"];
    if wide {
        widths.push(Constraint::Min(8));
        header.push("run");
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(dim()))
        .block(pane(title, area))
        .column_spacing(1)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .highlight_symbol("▸");
    let mut state = TableState::default().with_selected(Some(s.selected));
    StatefulWidget::render(table, area, buf, &mut state);
}

fn render_requests(s: &DeployScreen, area: Rect, buf: &mut Buffer) {
    let title = if area.width >= 44 {
        " Last requests (serve/predictions.jsonl) "
    } else {
        " Last requests "
    };
    if s.requests.is_empty() {
        let text = match &s.log_problem {
            Some(why) => format!("The prediction log does not read: {why}"),
            None => "No prediction logged yet: start the server and l sends some.".to_owned(),
        };
        Paragraph::new(text)
            .style(dim())
            .wrap(Wrap { trim: true })
            .block(pane(title, area))
            .render(area, buf);
        return;
    }
    let wide = area.width >= 52;
    let rows: Vec<Row<'_>> = s
        .requests
        .iter()
        .rev()
        .map(|r| {
            // `2002-08-23T12:01:02Z` → `12:01:02`.
            let time = r.time.get(11..19).unwrap_or(&r.time).to_owned();
            // `r18d3f2a1b2c-000001234` → `#1234`: the server's start
            // is the same for every row.
            let id = match r.request_id.rsplit_once('-') {
                Some((_, n)) => format!("#{}", n.trim_start_matches('0')),
                None => r.request_id.clone(),
            };
            let decision = if r.spam {
                Span::styled("spam", Style::default().fg(Color::Red))
            } else {
                Span::styled("ham", Style::default().fg(Color::Green))
            };
            let mut cells = vec![
                Cell::from(time),
                Cell::from(id),
                Cell::from(format!("{:.4}", r.score)),
                Cell::from(decision),
                Cell::from(latency(r.latency_us)),
            ];
            if wide {
                cells.push(Cell::from(format!("{} ch", thousands(r.body_chars as u64))));
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Length(4),
        Constraint::Length(7),
    ];
    let mut header = vec!["time", "request", "score", "", "latency"];
    if wide {
        widths.push(Constraint::Min(6));
        header.push("body");
    }
    let mut title = title.to_owned();
    if s.bad_lines > 0 {
        title = format!(
            " Last requests · {} lines not records ",
            thousands(s.bad_lines as u64)
        );
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(dim()))
        .column_spacing(1)
        .block(pane(title, area));
    Widget::render(table, area, buf);
}
