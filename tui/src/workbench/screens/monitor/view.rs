//! Drawing the monitor view: a tab bar and a status row over the open
//! pane, each pane drawn from the view's state alone; the replay picker
//! over them when open.

use super::work::{BINS, Histogram};
use super::{
    Detail, Follow, MonitorScreen, Pane, Picker, Replay, SPEEDS, ScenarioInfo, speed_words,
};
use crate::workbench::chrome::pane;
use crate::workbench::screens::building_line;
use crate::workbench::screens::deploy::view::{count, latency, thousands};
use ninety_kit::records::monitor::{Alert, Health, MonitorReport, Window};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Block, Borders, Cell, Chart, Clear, Dataset, GraphType, Paragraph, Row, Sparkline,
    StatefulWidget, Table, TableState, Widget, Wrap,
};

fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

fn red() -> Style {
    Style::default().fg(Color::Red)
}

fn fg(color: Color) -> Style {
    Style::default().fg(color)
}

/// Draws the view.
pub fn render(s: &MonitorScreen, area: Rect, buf: &mut Buffer) {
    match &s.report {
        None => render_waiting(s, area, buf),
        Some(r) => {
            let [tabs, status, body] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Min(0),
            ])
            .areas(area);
            render_tabs(s, r, tabs, buf);
            render_status(s, r, status, buf);
            match (&s.detail, s.pane) {
                (Some(d), Pane::Alerts) => render_detail(d, body, buf),
                (_, Pane::Overview) => render_overview(s, r, body, buf),
                (_, Pane::Drift) => render_drift(s, r, body, buf),
                (_, Pane::Performance) => render_performance(r, body, buf),
                (_, Pane::Health) => render_health(r, body, buf),
                (_, Pane::Alerts) => render_alerts(s, r, body, buf),
            }
        }
    }
    if let Some(p) = &s.picker {
        render_picker(p, area, buf);
    }
}

/// What shows before the first report: what runs, or what to run.
fn render_waiting(s: &MonitorScreen, area: Rect, buf: &mut Buffer) {
    let (lines, style): (Vec<Line<'_>>, Style) = match &s.follow {
        Follow::NoLog => (
            vec![
                Line::styled(
                    "No prediction yet: the server has logged nothing in this data folder.",
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Line::default(),
                Line::from(
                    "The monitor reads what the server logs (serve/predictions.jsonl in the data folder). To give it traffic:",
                ),
                Line::default(),
                Line::from(vec![
                    Span::raw("  1. start the server in another terminal:  "),
                    Span::styled("ninety serve", fg(Color::Cyan)),
                ]),
                Line::from(vec![
                    Span::raw("  2. send it a scenario's traffic:          "),
                    Span::styled("r", fg(Color::Cyan)),
                    Span::raw(" here, or "),
                    Span::styled("ninety replay stable", fg(Color::Cyan)),
                ]),
                Line::default(),
                Line::styled(
                    "This view starts by itself once the log holds a prediction.",
                    dim(),
                ),
            ],
            Style::default(),
        ),
        Follow::Failed(why) => (
            std::iter::once(Line::from(
                "The monitor stage stopped (the workbench did not). f starts it again.",
            ))
            .chain(std::iter::once(Line::default()))
            .chain(why.lines().map(|l| Line::from(l.to_owned())))
            .collect(),
            red(),
        ),
        Follow::Reading | Follow::Following => (
            vec![Line::from(match &s.building {
                Some(b) => building_line(b),
                None => "Reading the logs with your monitor lab's code (the monitor stage)..."
                    .to_owned(),
            })],
            Style::default(),
        ),
        Follow::Checking => (vec![Line::from("Looking at the prediction log...")], dim()),
        Follow::Idle => (vec![], Style::default()),
    };
    Paragraph::new(lines)
        .style(style)
        .wrap(Wrap { trim: false })
        .block(pane(" Monitor ", area))
        .render(area, buf);
}

/// The tab bar: each pane's name, the alerts' with their number.
fn render_tabs(s: &MonitorScreen, r: &MonitorReport, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![Span::raw(" ")];
    for p in Pane::ALL {
        let style = if p == s.pane {
            Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        spans.push(Span::styled(format!(" {} ", p.name()), style));
        if p == Pane::Alerts && !r.alerts.is_empty() {
            spans.push(Span::styled(
                format!("{}", r.alerts.len()),
                red().add_modifier(Modifier::BOLD),
            ));
        }
        spans.push(Span::raw(" "));
    }
    Line::from(spans).render(area, buf);
}

/// The state of the stage and the replay, and the report's size.
fn render_status(s: &MonitorScreen, r: &MonitorReport, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![Span::raw(" ")];
    match &s.follow {
        Follow::Following => spans.push(Span::styled("● following", fg(Color::Green))),
        Follow::Reading | Follow::Checking => {
            spans.push(Span::styled("◌ reading", fg(Color::Yellow)))
        }
        Follow::NoLog => spans.push(Span::styled("○ no log", fg(Color::Yellow))),
        Follow::Failed(why) => spans.push(Span::styled(
            format!("✗ stopped: {} (f again)", why.lines().next().unwrap_or("")),
            red(),
        )),
        Follow::Idle => spans.push(Span::styled("○ stopped", dim())),
    }
    let mut facts = vec![
        count(r.predictions as u64, "prediction"),
        format!(
            "{} of {}",
            count(r.windows.len() as u64, "window"),
            r.window
        ),
        format!("feedback {}", thousands(r.feedback.received as u64)),
    ];
    if !r.bad_lines.is_empty() {
        facts.push(format!("{} bad lines", r.bad_lines.len()));
    }
    spans.push(Span::styled(format!(" · {}", facts.join(" · ")), dim()));
    match &s.replay {
        Replay::Idle => {}
        Replay::Running {
            scenario,
            seen,
            messages,
            speed,
            ..
        } => spans.push(Span::styled(
            format!(
                " · replaying {scenario} {}/{} at {}",
                thousands((*seen).min(*messages as u64)),
                thousands(*messages as u64),
                speed_words(*speed, None).replace("its own speed", "its speed")
            ),
            fg(Color::Cyan),
        )),
        Replay::Done(record) => spans.push(Span::styled(
            format!(
                " · replayed {}: {} answered",
                record.scenario.name,
                thousands(record.answered as u64)
            ),
            dim(),
        )),
        Replay::Stopped(seen) => spans.push(Span::styled(
            format!(" · replay stopped after ~{}", thousands(*seen)),
            dim(),
        )),
        Replay::Failed(_) => spans.push(Span::styled(" · replay failed (! reads why)", red())),
    }
    Line::from(spans).render(area, buf);
}

/// A pane that only says why it has nothing to draw.
fn empty(title: impl AsRef<str>, text: &str, area: Rect, buf: &mut Buffer) {
    Paragraph::new(text.to_owned())
        .style(dim())
        .wrap(Wrap { trim: true })
        .block(pane(title, area))
        .render(area, buf);
}

/// Rows of the body from which the overview has a third row of panes:
/// drift and performance, as their panes draw them.
const TALL: u16 = 30;

fn render_overview(s: &MonitorScreen, r: &MonitorReport, area: Rect, buf: &mut Buffer) {
    let halves = |a: Rect| {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas::<2>(a)
    };
    let (top, middle, bottom) = if area.height >= TALL {
        let [t, m, b] = Layout::vertical([Constraint::Ratio(1, 3); 3]).areas(area);
        (t, m, Some(b))
    } else {
        let [t, m] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
        (t, m, None)
    };
    let [rate, lat] = halves(top);
    let [scores, alerts] = halves(middle);
    render_rate(s, rate, buf);
    render_latency(s, lat, buf);
    render_scores(s, r, scores, buf);
    render_alert_summary(r, alerts, buf);
    if let Some(bottom) = bottom {
        let [drift, performance] = halves(bottom);
        // The statistic chosen on the drift pane, else the one that
        // alarmed last.
        let names = s.statistics();
        let name = r
            .alerts
            .last()
            .filter(|_| s.statistic == 0)
            .map(|a| a.statistic.clone())
            .or_else(|| names.get(s.statistic).cloned());
        match name {
            Some(name) if !r.windows.is_empty() => render_statistic(r, &name, drift, buf),
            _ => empty(" Drift ", "No whole window yet.", drift, buf),
        }
        let per = |get: fn(&Window) -> Option<f64>| -> Vec<(f64, f64)> {
            r.windows
                .iter()
                .enumerate()
                .filter_map(|(i, w)| get(w).map(|v| (i as f64, v)))
                .collect()
        };
        let (estimated, measured) = (per(|w| w.estimated_f1), per(|w| w.measured.f1));
        compare(
            "F1",
            &estimated,
            &measured,
            r.windows.len(),
            (f1_floor(&estimated, &measured), 1.0),
            performance,
            buf,
        );
    }
}

/// The bottom of an F1 chart: a tenth under the lowest value, so the part
/// of the scale that moves is drawn.
fn f1_floor(estimated: &[(f64, f64)], measured: &[(f64, f64)]) -> f64 {
    let low = estimated
        .iter()
        .chain(measured)
        .map(|p| p.1)
        .fold(1.0_f64, f64::min);
    ((low - 0.05) * 10.0).floor().clamp(0.0, 9.0) / 10.0
}

/// Seconds the figures in the rate's and the latency's titles are over
/// (before the newest second of the log, which is still being written).
const RECENT: usize = 5;

/// A rate with a decimal while it is small.
fn rate(x: f64) -> String {
    if x < 10.0 {
        format!("{x:.1}")
    } else {
        thousands(x.round() as u64)
    }
}

fn render_rate(s: &MonitorScreen, area: Rect, buf: &mut Buffer) {
    let rates = s.traffic.rates();
    let peak = rates.iter().copied().max().unwrap_or(0);
    let title = format!(
        " Requests/s · {} over {RECENT} s · peak {} ",
        rate(s.traffic.recent_rate(RECENT)),
        thousands(peak)
    );
    if peak == 0 {
        let text = match &s.log_problem {
            Some(why) => format!("The prediction log does not read: {why}"),
            None => "No request in the log's last minute: r replays a scenario.".to_owned(),
        };
        return empty(title, &text, area, buf);
    }
    // The newest second of the log at the right edge, the minute before
    // it to its left, as far as there is room.
    let width = usize::from(area.width.saturating_sub(2)).min(rates.len());
    let shown: Vec<u64> = rates[rates.len() - width..].to_vec();
    let block = pane(title, area);
    let inside = block.inner(area);
    block.render(area, buf);
    let [_, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(width as u16)]).areas(inside);
    Sparkline::default()
        .style(fg(Color::Cyan))
        .data(&shown)
        .render(right, buf);
}

fn render_latency(s: &MonitorScreen, area: Rect, buf: &mut Buffer) {
    let points = s.traffic.latencies();
    let p50: Vec<(f64, f64)> = points
        .iter()
        .map(|(at, p, _)| (*at as f64, *p as f64 / 1000.0))
        .collect();
    let p99: Vec<(f64, f64)> = points
        .iter()
        .map(|(at, _, p)| (*at as f64, *p as f64 / 1000.0))
        .collect();
    let (p50_now, p99_now) = match s.traffic.recent_latency(RECENT) {
        Some((a, b)) => (latency(a), latency(b)),
        None => ("—".to_owned(), "—".to_owned()),
    };
    let title = format!(" Latency {RECENT} s · p50 {p50_now} · p99 {p99_now} ");
    if points.is_empty() {
        return empty(
            title,
            "Each second's median and 99th percentile, from the log.",
            area,
            buf,
        );
    }
    let (cyan, magenta) = (fg(Color::Cyan), fg(Color::Magenta));
    let block = if title.chars().count() + 2 <= usize::from(area.width) {
        Block::default()
            .borders(Borders::ALL)
            .title(Line::from(vec![
                Span::raw(format!(" Latency {RECENT} s · ")),
                Span::styled(format!("p50 {p50_now}"), cyan),
                Span::raw(" · "),
                Span::styled(format!("p99 {p99_now}"), magenta),
                Span::raw(" "),
            ]))
    } else {
        pane(title, area)
    };
    let top = p99.iter().map(|p| p.1).fold(0.1_f64, f64::max) * 1.1;
    let span = (super::HISTORY as f64 - 1.0).max(1.0);
    Chart::new(vec![
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(cyan)
            .data(&p50),
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(magenta)
            .data(&p99),
    ])
    .block(block)
    .legend_position(None)
    .x_axis(
        Axis::default()
            .bounds([-span, 0.0])
            .labels(vec![Line::from(format!("-{span:.0}s")), Line::from("last")]),
    )
    .y_axis(
        Axis::default()
            .bounds([0.0, top])
            .labels(vec![Line::from("0"), Line::from(format!("{top:.1}ms"))]),
    )
    .render(area, buf);
}

/// The histogram's bars as points of a chart, each bin's share at its
/// middle (in percent).
fn bars(h: &Histogram) -> Vec<(f64, f64)> {
    h.shares()
        .iter()
        .enumerate()
        .map(|(i, share)| ((i as f64 + 0.5) / BINS as f64, share * 100.0))
        .collect()
}

fn render_scores(s: &MonitorScreen, r: &MonitorReport, area: Rect, buf: &mut Buffer) {
    let n = r.window.max(1);
    let live = s.traffic.histogram(n);
    let psi = r
        .windows
        .last()
        .and_then(|w| w.statistics.get("score_psi"))
        .map(|v| format!(" · PSI {v:.2}"))
        .unwrap_or_default();
    let reference = match &s.reference {
        Some((_, Ok(h))) => Some(h),
        _ => None,
    };
    // The PSI where there is room for it.
    let psi = if format!(" Scores · last {} · reference{psi} ", live.total)
        .chars()
        .count()
        + 2
        <= usize::from(area.width)
    {
        psi
    } else {
        String::new()
    };
    let title = format!(" Scores · last {} · reference{psi} ", live.total);
    if live.total == 0 && reference.is_none() {
        let text = match &s.reference {
            Some((_, Err(why))) if why != "reading..." => {
                format!("The reference does not read: {why}")
            }
            _ => "The scores of the newest requests against the reference's, once read.".to_owned(),
        };
        return empty(title, &text, area, buf);
    }
    let (yellow, cyan) = (fg(Color::Yellow), fg(Color::Cyan));
    let block = if title.chars().count() + 2 <= usize::from(area.width) {
        Block::default()
            .borders(Borders::ALL)
            .title(Line::from(vec![
                Span::raw(" Scores · "),
                Span::styled(format!("last {}", live.total), yellow),
                Span::raw(" · "),
                Span::styled("reference", cyan),
                Span::raw(format!("{psi} ")),
            ]))
    } else {
        pane(title, area)
    };
    let live_points = bars(&live);
    let ref_points = reference.map(bars).unwrap_or_default();
    let top = live_points
        .iter()
        .chain(&ref_points)
        .map(|p| p.1)
        .fold(1.0_f64, f64::max)
        * 1.05;
    let mut datasets = vec![
        Dataset::default()
            .marker(Marker::HalfBlock)
            .graph_type(GraphType::Bar)
            .style(yellow)
            .data(&live_points),
    ];
    if !ref_points.is_empty() {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(cyan)
                .data(&ref_points),
        );
    }
    Chart::new(datasets)
        .block(block)
        .legend_position(None)
        .x_axis(Axis::default().bounds([0.0, 1.0]).labels(vec![
            Line::from("0"),
            Line::from("score"),
            Line::from("1"),
        ]))
        .y_axis(
            Axis::default()
                .bounds([0.0, top])
                .labels(vec![Line::from("0"), Line::from(format!("{top:.0}%"))]),
        )
        .render(area, buf);
}

/// A statistic's value, with as many decimals as its size needs.
fn value(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// An alert's strongest value against its threshold: `49.2 > 40.0`.
fn peak(a: &Alert) -> String {
    let top = a.values.iter().copied().fold(f64::NAN, f64::max);
    format!("{} > {}", value(top), value(a.threshold))
}

/// How the alerts compare with the replayed incident, when there was one.
fn detection_line(r: &MonitorReport) -> Option<Line<'static>> {
    let d = r.detection.as_ref()?;
    let mark = if d.passed {
        Span::styled("✓ ", fg(Color::Green))
    } else {
        Span::styled("✗ ", red())
    };
    let mut text = if d.incident == "none" {
        format!("{}: no incident", d.scenario)
    } else {
        let onset = d
            .onset
            .map_or("its onset not logged".to_owned(), |o| format!("from {o}"));
        let found = match (&d.first_alert, d.delay) {
            (Some(a), Some(delay)) => format!("{a} after {delay}"),
            _ => "no alert yet".to_owned(),
        };
        let within = d
            .detect_within
            .map(|w| format!(" (within {w})"))
            .unwrap_or_default();
        format!("{} {onset}: {found}{within}", d.incident)
    };
    text.push_str(&format!(
        " · {} false alarm{}",
        d.false_alarms,
        if d.false_alarms == 1 { "" } else { "s" }
    ));
    Some(Line::from(vec![mark, Span::raw(text)]))
}

fn render_alert_summary(r: &MonitorReport, area: Rect, buf: &mut Buffer) {
    let title = format!(" Alerts · {} (Tab: alerts) ", r.alerts.len());
    let mut lines: Vec<Line<'_>> = Vec::new();
    if let Some(d) = detection_line(r) {
        lines.push(d);
    }
    if r.alerts.is_empty() {
        lines.push(Line::styled(
            if r.windows.is_empty() {
                format!(
                    "No whole window yet: the first is judged after {} predictions.",
                    r.window
                )
            } else {
                "None: every statistic is under its threshold.".to_owned()
            },
            fg(Color::Green),
        ));
    }
    for a in r.alerts.iter().rev() {
        lines.push(Line::from(vec![
            Span::styled("● ", red()),
            Span::styled(
                format!("{:<12} ", a.statistic),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!("w{:<3} ", a.fired_window)),
            Span::styled(peak(a), dim()),
        ]));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(pane(title, area))
        .render(area, buf);
}

/// An alert's windows: `w5`, or `w5–6` from its onset to its firing.
pub fn windows_of(a: &Alert) -> String {
    if a.onset_window == a.fired_window {
        format!("w{}", a.fired_window)
    } else {
        format!("w{}–{}", a.onset_window, a.fired_window)
    }
}

/// The windows' values of `statistic`, in order (absent ones as 0).
fn series(r: &MonitorReport, statistic: &str) -> Vec<f64> {
    r.windows
        .iter()
        .map(|w| w.statistics.get(statistic).copied().unwrap_or(0.0))
        .collect()
}

fn render_drift(s: &MonitorScreen, r: &MonitorReport, area: Rect, buf: &mut Buffer) {
    let names = s.statistics();
    if names.is_empty() || r.windows.is_empty() {
        return empty(
            " Drift ",
            &format!(
                "No whole window yet: each window's statistics are drawn once it holds {} predictions.",
                r.window
            ),
            area,
            buf,
        );
    }
    let list_width = 31.min(area.width / 2);
    let [list, chart] =
        Layout::horizontal([Constraint::Length(list_width), Constraint::Min(0)]).areas(area);
    let last = r.windows.last();
    let rule = |name: &str| r.rules.iter().find(|x| x.statistic == name);
    let rows: Vec<Row<'_>> = names
        .iter()
        .map(|name| {
            let v = last.and_then(|w| w.statistics.get(name)).copied();
            let t = rule(name).map(|x| x.threshold);
            let over = matches!((v, t), (Some(v), Some(t)) if v > t);
            Row::new(vec![
                Cell::from(name.clone()),
                Cell::from(v.map_or("—".to_owned(), value)).style(if over {
                    red()
                } else {
                    Style::default()
                }),
                Cell::from(t.map_or(String::new(), value)).style(dim()),
            ])
        })
        .collect();
    let selected = s.statistic.min(names.len() - 1);
    let name = &names[selected];
    let meaning = rule(name).map(|x| x.meaning.clone());
    let room = usize::from(list.height.saturating_sub(3));
    let (table_area, meaning_area) = if meaning.is_some() && room >= names.len() + 3 {
        let [t, m] = Layout::vertical([
            Constraint::Length(names.len() as u16 + 3),
            Constraint::Min(0),
        ])
        .areas(list);
        (t, Some(m))
    } else {
        (list, None)
    };
    let table = Table::new(
        rows,
        [
            Constraint::Length(13),
            Constraint::Length(6),
            Constraint::Length(5),
        ],
    )
    .header(Row::new(vec!["statistic", "last", "alarm"]).style(dim()))
    .column_spacing(1)
    .block(pane(" Last window ", table_area))
    .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
    .highlight_symbol("▸");
    let mut state = TableState::default().with_selected(Some(selected));
    StatefulWidget::render(table, table_area, buf, &mut state);
    if let (Some(m), Some(meaning)) = (meaning_area, meaning) {
        Paragraph::new(meaning)
            .style(dim())
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::LEFT | Borders::RIGHT | Borders::BOTTOM))
            .render(m, buf);
    }
    render_statistic(r, name, chart, buf);
}

/// One statistic window by window, its rule's threshold as a line, the
/// windows of its alerts marked.
fn render_statistic(r: &MonitorReport, name: &str, area: Rect, buf: &mut Buffer) {
    let values = series(r, name);
    let points: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as f64, *v))
        .collect();
    let last_x = (values.len().saturating_sub(1) as f64).max(1.0);
    let rule = r.rules.iter().find(|x| x.statistic == name);
    let threshold = rule.map(|x| x.threshold);
    let line: Vec<(f64, f64)> = threshold
        .map(|t| vec![(0.0, t), (last_x, t)])
        .unwrap_or_default();
    let alarmed: Vec<(f64, f64)> = r
        .alerts
        .iter()
        .filter(|a| a.statistic == name)
        .flat_map(|a| a.onset_window..=a.fired_window)
        .filter_map(|w| values.get(w).map(|v| (w as f64, *v)))
        .collect();
    let top = values
        .iter()
        .copied()
        .chain(threshold.map(|t| t * 1.5))
        .fold(0.0_f64, f64::max)
        .max(1e-3)
        * 1.1;
    let title = match rule {
        Some(x) => format!(
            " {name} · alarm > {} for {} ",
            value(x.threshold),
            count(x.windows as u64, "window")
        ),
        None => format!(" {name} · no alarm rule "),
    };
    let mut datasets = vec![
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(fg(Color::Cyan))
            .data(&points),
    ];
    if !line.is_empty() {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(red())
                .data(&line),
        );
    }
    if !alarmed.is_empty() {
        datasets.push(
            Dataset::default()
                .marker(Marker::Dot)
                .graph_type(GraphType::Scatter)
                .style(red().add_modifier(Modifier::BOLD))
                .data(&alarmed),
        );
    }
    Chart::new(datasets)
        .block(pane(title, area))
        .legend_position(None)
        .x_axis(Axis::default().bounds([0.0, last_x]).labels(vec![
            Line::from("w0"),
            Line::from(format!("w{}", values.len().saturating_sub(1))),
        ]))
        .y_axis(
            Axis::default()
                .bounds([0.0, top])
                .labels(vec![Line::from("0"), Line::from(value(top))]),
        )
        .render(area, buf);
}

/// A rate as a percentage.
fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// An optional figure, or a dash.
fn or_dash(x: Option<f64>, show: fn(f64) -> String) -> String {
    x.map_or("—".to_owned(), show)
}

fn render_performance(r: &MonitorReport, area: Rect, buf: &mut Buffer) {
    let side_width = 34.min(area.width / 2);
    let [charts, side] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(side_width)]).areas(area);
    let [f1_area, ham_area] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(charts);
    let per = |get: fn(&Window) -> Option<f64>| -> Vec<(f64, f64)> {
        r.windows
            .iter()
            .enumerate()
            .filter_map(|(i, w)| get(w).map(|v| (i as f64, v)))
            .collect()
    };
    let (estimated_f1, measured_f1) = (per(|w| w.estimated_f1), per(|w| w.measured.f1));
    compare(
        "F1",
        &estimated_f1,
        &measured_f1,
        r.windows.len(),
        (f1_floor(&estimated_f1, &measured_f1), 1.0),
        f1_area,
        buf,
    );
    let estimated = per(|w| w.estimated_ham_flagged);
    let measured = per(|w| w.measured.ham_flagged);
    let top = estimated
        .iter()
        .chain(&measured)
        .map(|p| p.1)
        .fold(0.01_f64, f64::max)
        * 1.2;
    compare(
        "Ham flagged",
        &estimated,
        &measured,
        r.windows.len(),
        (0.0, top.min(1.0)),
        ham_area,
        buf,
    );
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let f1 = |x: Option<f64>| or_dash(x, |v| format!("{v:.3}"));
    // An estimate beside its measure, in the charts' colours.
    let pair = |name: &str, estimated: String, measured: String| {
        Line::from(vec![
            Span::styled(format!("{name:<10}"), dim()),
            Span::styled(estimated, fg(Color::Cyan)),
            Span::styled(" est · ", dim()),
            Span::styled(measured, fg(Color::Magenta)),
        ])
    };
    let field = |name: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{name:<10}"), dim()),
            Span::raw(value),
        ])
    };
    let mut lines = vec![
        field(
            "feedback",
            format!("{} received", thousands(r.feedback.received as u64)),
        ),
        field(
            "matched",
            format!(
                "{} · {} unknown",
                thousands(r.feedback.matched as u64),
                thousands(r.feedback.unknown as u64)
            ),
        ),
        Line::default(),
        Line::styled(
            format!("All {} predictions", thousands(r.predictions as u64)),
            bold,
        ),
        pair("F1", f1(r.estimated_f1), f1(r.measured.f1)),
        field(
            "labelled",
            format!(
                "{} · ham flagged {}",
                thousands(r.measured.labelled as u64),
                or_dash(r.measured.ham_flagged, percent)
            ),
        ),
    ];
    if let Some(w) = r.windows.last() {
        lines.push(Line::default());
        lines.push(Line::styled(format!("Last window (w{})", w.index), bold));
        lines.push(pair("F1", f1(w.estimated_f1), f1(w.measured.f1)));
        lines.push(pair(
            "ham flag.",
            or_dash(w.estimated_ham_flagged, percent),
            or_dash(w.measured.ham_flagged, percent),
        ));
        lines.push(field(
            "labelled",
            format!(
                "{} · spam {}",
                thousands(w.measured.labelled as u64),
                percent(w.spam_share)
            ),
        ));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "Estimated: from the calibrated scores, before any label. Measured: from the feedback, which comes late.",
        dim(),
    ));
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(pane(" Performance ", side))
        .render(side, buf);
}

/// An estimated and a measured figure window by window, on a scale from
/// `low` to `top` (a rate: drawn in percent when under 1).
fn compare(
    what: &str,
    estimated: &[(f64, f64)],
    measured: &[(f64, f64)],
    windows: usize,
    (low, top): (f64, f64),
    area: Rect,
    buf: &mut Buffer,
) {
    let title = format!(" {what} · estimated · measured ");
    if windows == 0 {
        return empty(title, "No whole window yet.", area, buf);
    }
    let (cyan, magenta) = (fg(Color::Cyan), fg(Color::Magenta));
    let block = if title.chars().count() + 2 <= usize::from(area.width) {
        Block::default()
            .borders(Borders::ALL)
            .title(Line::from(vec![
                Span::raw(format!(" {what} · ")),
                Span::styled("estimated", cyan),
                Span::raw(" · "),
                Span::styled("measured", magenta),
                Span::raw(" "),
            ]))
    } else {
        pane(title, area)
    };
    let last_x = (windows.saturating_sub(1) as f64).max(1.0);
    let label = |x: f64| {
        if top < 1.0 {
            percent(x)
        } else {
            format!("{x:.1}")
        }
    };
    Chart::new(vec![
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(cyan)
            .data(estimated),
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(magenta)
            .data(measured),
    ])
    .block(block)
    .legend_position(None)
    .x_axis(Axis::default().bounds([0.0, last_x]).labels(vec![
        Line::from("w0"),
        Line::from(format!("w{}", windows.saturating_sub(1))),
    ]))
    .y_axis(
        Axis::default()
            .bounds([low, top])
            .labels(vec![Line::from(label(low)), Line::from(label(top))]),
    )
    .render(area, buf);
}

const TICKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `values` as a line of block characters from their least to their most
/// (the last `width` of them).
pub fn spark(values: &[f64], width: usize) -> String {
    let shown = &values[values.len().saturating_sub(width)..];
    let (lo, hi) = shown
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    shown
        .iter()
        .map(|v| {
            if hi - lo < 1e-12 {
                TICKS[0]
            } else {
                TICKS[(((v - lo) / (hi - lo)) * 7.0).round() as usize]
            }
        })
        .collect()
}

fn render_health(r: &MonitorReport, area: Rect, buf: &mut Buffer) {
    let Some(last) = r.windows.last() else {
        return empty(
            " Input health ",
            &format!(
                "No whole window yet: the first is measured after {} predictions.",
                r.window
            ),
            area,
            buf,
        );
    };
    let reference = &r.reference_health;
    let stat = |name: &str| -> (String, bool) {
        let v = last.statistics.get(name).copied();
        let t = r
            .rules
            .iter()
            .find(|x| x.statistic == name)
            .map(|x| x.threshold);
        let over = matches!((v, t), (Some(v), Some(t)) if v > t);
        let text = match (v, t) {
            (Some(v), Some(t)) => format!("{name} {} / {}", value(v), value(t)),
            (Some(v), None) => format!("{name} {}", value(v)),
            _ => String::new(),
        };
        (text, over)
    };
    type Get = fn(&Health) -> f64;
    // Each row's statistic, under the names it has had: `repeats` is what
    // reports called `repeats_excess` before the rule judged the excess.
    let mut rows_spec: Vec<(String, Get, bool, &[&str])> = vec![
        (
            "mean length".into(),
            |h| h.mean_chars,
            false,
            &["length_psi"],
        ),
        ("empty body".into(), |h| h.empty, true, &["empty_excess"]),
        ("HTML".into(), |h| h.html, true, &["html_shift"]),
        (
            "decode trouble".into(),
            |h| h.decode,
            true,
            &["decode_excess"],
        ),
        ("unseen tokens".into(), |h| h.oov, true, &["oov_excess"]),
        (
            "repeats".into(),
            |h| h.repeats,
            true,
            &["repeats_excess", "repeats"],
        ),
    ];
    // The charsets the last window holds most of, with their trend.
    let mut charsets: Vec<(&String, &f64)> = last.health.charsets.iter().collect();
    charsets.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
    // As wide as there are windows, within what the pane leaves.
    let trend_width = usize::from(area.width.saturating_sub(2 + 15 + 9 + 11 + 28 + 4))
        .min(r.windows.len().max(9))
        .max(4);
    let mut rows: Vec<Row<'_>> = Vec::new();
    for (name, get, share, names) in rows_spec.drain(..) {
        let show = |x: f64| {
            if share {
                percent(x)
            } else {
                format!("{x:.0} ch")
            }
        };
        let values: Vec<f64> = r.windows.iter().map(|w| get(&w.health)).collect();
        let (text, over) = names
            .iter()
            .map(|n| stat(n))
            .find(|(text, _)| !text.is_empty())
            .unwrap_or_default();
        rows.push(Row::new(vec![
            Cell::from(name),
            Cell::from(show(get(reference))),
            Cell::from(show(get(&last.health))),
            Cell::from(spark(&values, trend_width)).style(fg(Color::Cyan)),
            Cell::from(text).style(if over { red() } else { dim() }),
        ]));
    }
    let (charset_text, charset_over) = stat("charset_js");
    rows.push(Row::new(vec![
        Cell::from("charset mix"),
        Cell::from(""),
        Cell::from(""),
        Cell::from(""),
        Cell::from(charset_text).style(if charset_over { red() } else { dim() }),
    ]));
    for (name, share) in charsets.iter().take(3) {
        let values: Vec<f64> = r
            .windows
            .iter()
            .map(|w| w.health.charsets.get(*name).copied().unwrap_or(0.0))
            .collect();
        rows.push(Row::new(vec![
            Cell::from(format!("  {name}")),
            Cell::from(percent(
                reference.charsets.get(*name).copied().unwrap_or(0.0),
            )),
            Cell::from(percent(**share)),
            Cell::from(spark(&values, trend_width)).style(fg(Color::Cyan)),
        ]));
    }
    let table = Table::new(
        rows,
        [
            Constraint::Length(15),
            Constraint::Length(9),
            Constraint::Length(11),
            Constraint::Length(trend_width as u16),
            Constraint::Min(10),
        ],
    )
    .header(
        Row::new(vec![
            "",
            "reference",
            "last window",
            "by window",
            "statistic / alarm",
        ])
        .style(dim()),
    )
    .column_spacing(1)
    .block(pane(
        format!(
            " Input health · reference {} · window w{} of {} ",
            thousands(r.reference as u64),
            last.index,
            thousands(last.messages as u64)
        ),
        area,
    ));
    Widget::render(table, area, buf);
}

/// `r1a22eec1e51-000001001` → `#1001`: the server's start is the same
/// for every request of a run.
pub fn short_id(id: &str) -> String {
    match id.rsplit_once('-') {
        Some((_, n)) if n.chars().all(|c| c.is_ascii_digit()) => {
            let n = n.trim_start_matches('0');
            format!("#{}", if n.is_empty() { "0" } else { n })
        }
        _ => id.to_owned(),
    }
}

fn render_alerts(s: &MonitorScreen, r: &MonitorReport, area: Rect, buf: &mut Buffer) {
    let detection = detection_line(r);
    let below = 2 + u16::from(detection.is_some()) + 2;
    let [list, info] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(below + 1)]).areas(area);
    let title = format!(" Alerts · {} (Enter: its messages) ", r.alerts.len());
    if r.alerts.is_empty() {
        empty(
            title,
            if r.windows.is_empty() {
                "No whole window yet."
            } else {
                "No alert has fired: every statistic stayed under its rule's threshold."
            },
            list,
            buf,
        );
    } else {
        let wide = list.width >= 70;
        let rows: Vec<Row<'_>> = r
            .alerts
            .iter()
            .map(|a| {
                let mut cells = vec![
                    Cell::from(a.statistic.clone()).style(red()),
                    Cell::from(windows_of(a)),
                    Cell::from(format!("#{}", thousands(a.fired_at as u64 + 1))),
                    Cell::from(peak(a)),
                ];
                if wide {
                    cells.push(Cell::from(a.meaning.clone()).style(dim()));
                }
                Row::new(cells)
            })
            .collect();
        let mut widths = vec![
            Constraint::Length(12),
            Constraint::Length(7),
            Constraint::Length(7),
            Constraint::Length(14),
        ];
        let mut header = vec!["statistic", "windows", "after", "peak > alarm"];
        if wide {
            widths.push(Constraint::Min(10));
            header.push("what it means");
        }
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(dim()))
            .column_spacing(1)
            .block(pane(title, list))
            .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(s.alert));
        StatefulWidget::render(table, list, buf, &mut state);
    }
    let mut lines = Vec::new();
    if let Some(d) = detection {
        lines.push(d);
    }
    match s.selected_alert() {
        Some(a) => {
            lines.push(Line::from(a.meaning.clone()));
            lines.push(Line::styled(
                format!(
                    "requests {} to {}, windows {}: Enter lists them",
                    short_id(&a.first_request),
                    short_id(&a.last_request),
                    windows_of(a)
                ),
                dim(),
            ));
        }
        None => lines.push(Line::styled(
            "An alert names the windows and the requests that set it off; Enter lists them.",
            dim(),
        )),
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(pane(" Evidence ", info))
        .render(info, buf);
}

fn render_detail(d: &Detail, area: Rect, buf: &mut Buffer) {
    let a = &d.alert;
    let title = format!(
        " {} · {} · {} to {} (Esc: back) ",
        a.statistic,
        windows_of(a),
        short_id(&a.first_request),
        short_id(&a.last_request)
    );
    let (rows, more) = match &d.rows {
        None => return empty(title, "Reading the prediction log...", area, buf),
        Some(Err(why)) => {
            Paragraph::new(format!("The messages do not read: {why}"))
                .style(red())
                .wrap(Wrap { trim: false })
                .block(pane(title, area))
                .render(area, buf);
            return;
        }
        Some(Ok((rows, more))) => (rows, *more),
    };
    if rows.is_empty() {
        return empty(title, "No message in that range.", area, buf);
    }
    let wide = area.width >= 72;
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let start = d.scroll.min(rows.len().saturating_sub(visible));
    let shown: Vec<Row<'_>> = rows
        .iter()
        .skip(start)
        .take(visible)
        .map(|p| {
            let decision = if p.spam {
                Span::styled("spam", red())
            } else {
                Span::styled("ham", fg(Color::Green))
            };
            let mut cells = vec![
                Cell::from(short_id(&p.request_id)),
                Cell::from(format!("{:.4}", p.score)),
                Cell::from(decision),
                Cell::from(thousands(p.body_chars as u64)),
                Cell::from(p.content_type.clone()),
                Cell::from(p.charset.clone().unwrap_or_else(|| "—".to_owned())),
            ];
            if wide {
                cells.push(Cell::from(if p.decode_problem { "✗ decode" } else { "" }).style(red()));
                cells.push(Cell::from(p.time.get(11..19).unwrap_or(&p.time).to_owned()));
            }
            Row::new(cells)
        })
        .collect();
    // `multipart/alternative` whole where there is room.
    let type_width = if area.width >= 90 { 21 } else { 10 };
    let mut widths = vec![
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(4),
        Constraint::Length(6),
        Constraint::Length(type_width),
        Constraint::Length(12),
    ];
    let mut header = vec!["request", "score", "", "chars", "type", "charset"];
    if wide {
        widths.push(Constraint::Length(8));
        widths.push(Constraint::Length(8));
        header.push("");
        header.push("time");
    }
    let count_text = if more > 0 {
        format!("{} shown of {}", rows.len(), rows.len() + more)
    } else {
        thousands(rows.len() as u64)
    };
    let title = format!(
        " {} · {} · {} messages, {}–{} (Esc: back) ",
        a.statistic,
        windows_of(a),
        count_text,
        start + 1,
        (start + visible).min(rows.len())
    );
    let table = Table::new(shown, widths)
        .header(Row::new(header).style(dim()))
        .column_spacing(1)
        .block(pane(title, area));
    Widget::render(table, area, buf);
}

/// One scenario as a row of the picker.
fn scenario_row(s: &ScenarioInfo) -> Row<'static> {
    let incident = match s.onset {
        Some(at) => format!("{} from #{at}", s.incident),
        None => s.incident.clone(),
    };
    Row::new(vec![
        Cell::from(s.name.clone()),
        Cell::from(thousands(s.messages as u64)),
        Cell::from(if s.speed == 0.0 {
            "max".to_owned()
        } else {
            format!("{:.0}/s", s.speed)
        }),
        Cell::from(incident),
    ])
}

fn render_picker(p: &Picker, area: Rect, buf: &mut Buffer) {
    let width = area.width.saturating_sub(4).min(76);
    let list_len = match &p.scenarios {
        Some(Ok((list, _))) => list.len() as u16,
        _ => 1,
    };
    let height = (list_len + 9).min(area.height.saturating_sub(1)).max(6);
    let x = area.x + (area.width.saturating_sub(width)) / 2;
    let y = area.y + (area.height.saturating_sub(height)) / 2;
    let frame = Rect::new(x, y, width, height);
    Clear.render(frame, buf);
    let block = pane(" Replay a scenario (Enter) · s speed · Esc closes ", frame);
    let inner = block.inner(frame);
    block.render(frame, buf);
    let [list_area, about_area] =
        Layout::vertical([Constraint::Length(list_len + 1), Constraint::Min(0)]).areas(inner);
    match &p.scenarios {
        None => Paragraph::new("Reading labs/monitor/scenarios...")
            .style(dim())
            .render(list_area, buf),
        Some(Err(why)) => Paragraph::new(format!("The scenarios do not read: {why}"))
            .style(red())
            .wrap(Wrap { trim: false })
            .render(list_area, buf),
        Some(Ok((list, _))) => {
            let table = Table::new(
                list.iter().map(scenario_row),
                [
                    Constraint::Length(12),
                    Constraint::Length(6),
                    Constraint::Length(6),
                    Constraint::Min(8),
                ],
            )
            .header(Row::new(vec!["scenario", "sends", "speed", "incident"]).style(dim()))
            .column_spacing(1)
            .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
            .highlight_symbol("▸");
            let mut state = TableState::default().with_selected(Some(p.selected));
            StatefulWidget::render(table, list_area, buf, &mut state);
        }
    }
    let mut lines = Vec::new();
    if let Some(s) = p.scenario() {
        lines.push(Line::from(s.about.clone()));
    }
    if let Some(Ok((_, problems))) = &p.scenarios {
        for problem in problems {
            lines.push(Line::styled(problem.clone(), fg(Color::Yellow)));
        }
    }
    lines.push(Line::from(vec![
        Span::styled("speed   ", dim()),
        Span::raw(speed_words(
            SPEEDS[p.speed % SPEEDS.len()],
            p.scenario().map(|s| s.speed),
        )),
    ]));
    lines.push(match &p.server {
        None => Line::styled("server  looking...", dim()),
        Some(Ok(server)) => Line::from(vec![
            Span::styled("server  ", dim()),
            Span::raw(server.url.clone()),
            Span::styled(
                format!(
                    " ({}{}{})",
                    server.how,
                    server
                        .model_id
                        .as_ref()
                        .map(|m| format!(", model {m}"))
                        .unwrap_or_default(),
                    if server.ready { "" } else { ", not ready" }
                ),
                dim(),
            ),
        ]),
        Some(Err(why)) => Line::styled(format!("server  {why}"), red()),
    });
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(about_area, buf);
}
