//! The evaluate view's panes beyond the curve: the slices, the reliability
//! chart, the behavioural suites and the misjudged test messages. Each
//! draws from the record alone, and says so when the record predates what
//! it shows.

use super::{EvaluateScreen, failed_originals, gate, mark, not_in, percent};
use crate::workbench::chrome::pane;
use ninety_kit::records::evaluate::{Evaluation, Rate, ReliabilityBin, Slice};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Cell, Chart, Dataset, GraphType, LegendPosition, Paragraph, Row, StatefulWidget, Table,
    TableState, Widget, Wrap,
};

fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

/// A pane that only says why it has nothing to show.
fn absent(title: &str, why: &str, area: Rect, buf: &mut Buffer) {
    Paragraph::new(why.to_owned())
        .wrap(Wrap { trim: true })
        .block(pane(title, area))
        .render(area, buf);
}

/// The line of the gate named `name`: its mark, its name, its evidence.
fn gate_evidence(e: &Evaluation, name: &str) -> Option<Line<'static>> {
    let g = gate(e, name)?;
    Some(Line::from(vec![
        mark(g.passed),
        Span::styled(
            format!(" {} gate: ", g.name),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw(g.evidence.clone()),
    ]))
}

/// A table of `rows` under `header`, the `selected` row highlighted and
/// kept in view.
fn table<'a>(
    title: String,
    header: &[&'a str],
    rows: Vec<Row<'a>>,
    widths: &[Constraint],
    selected: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let header = Row::new(header.iter().map(|h| Cell::from(*h))).style(dim());
    let table = Table::new(rows, widths.to_vec())
        .header(header)
        .block(pane(title, area))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .highlight_symbol("▸ ");
    let mut state = TableState::default().with_selected(Some(selected));
    StatefulWidget::render(table, area, buf, &mut state);
}

/// A rate as `k of n  low–high%`, its interval with `decimals` decimals;
/// a dash when there were no trials.
fn rate_cell(r: &Rate, decimals: usize) -> String {
    if r.of == 0 {
        return "—".to_owned();
    }
    format!(
        "{} of {}  {:.d$}–{:.d$}%",
        r.count,
        r.of,
        r.low * 100.0,
        r.high * 100.0,
        d = decimals
    )
}

/// A verdict's colour.
fn verdict_colour(verdict: &str) -> Color {
    match verdict {
        "breaks" => Color::Red,
        "suspect" => Color::Yellow,
        "holds" => Color::Green,
        _ => Color::DarkGray,
    }
}

/// What a verdict says, in a sentence.
fn verdict_meaning(verdict: &str) -> &'static str {
    match verdict {
        "breaks" => {
            "breaks: the whole interval of its ham-flagged rate is over the spec's limit; its users lose more real mail than the spec allows."
        }
        "suspect" => {
            "suspect: its measured ham-flagged rate is over the limit, but the interval reaches under it; too few ham to be sure, worth a look."
        }
        "holds" => "holds: its measured ham-flagged rate is within the limit.",
        "no-ham" => "no-ham: no ham in it, so nothing to say about the constraint.",
        _ => "an unknown verdict.",
    }
}

/// The slices, worst first, and the selected one in full.
pub fn slices(s: &EvaluateScreen, e: &Evaluation, area: Rect, buf: &mut Buffer) {
    if e.slices.is_empty() {
        return absent(" Slices ", &not_in("The slices are"), area, buf);
    }
    // The selected slice in full below the list, as tall as it needs (up
    // to half the pane).
    let selected = e.slices.get(s.slice);
    let lines = selected.map(|sl| slice_detail(sl, e)).unwrap_or_default();
    let detail_height = rows_needed(&lines, area.width).min(area.height / 2);
    let [list, detail] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(detail_height)]).areas(area);
    let rows: Vec<Row<'_>> = e
        .slices
        .iter()
        .map(|sl| {
            Row::new(vec![
                Cell::from(format!("{}={}", sl.dimension, sl.value)),
                Cell::from(rate_cell(&sl.ham_flagged, 2)),
                Cell::from(rate_cell(&sl.spam_recall, 1)),
                Cell::from(sl.verdict.clone())
                    .style(Style::default().fg(verdict_colour(&sl.verdict))),
            ])
        })
        .collect();
    let at = e.threshold.map_or(String::new(), |t| format!(" at {t:.4}"));
    table(
        format!(
            " Slices of the test split{at}, worst first ({}) ",
            e.slices.len()
        ),
        &["slice", "ham flagged (95%)", "spam caught (95%)", "verdict"],
        rows,
        &[
            Constraint::Fill(1),
            Constraint::Length(21),
            Constraint::Length(23),
            Constraint::Length(7),
        ],
        s.slice,
        list,
        buf,
    );
    if let Some(sl) = selected {
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(pane(format!(" {}={} ", sl.dimension, sl.value), detail))
            .render(detail, buf);
    }
}

/// Rows `lines` take in a pane `width` columns wide, borders included,
/// wrapped at words (a wrapped row loses up to a word's width).
fn rows_needed(lines: &[Line<'_>], width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| {
            let w = l.width();
            (w + w / inner * 8).div_ceil(inner).max(1)
        })
        .sum();
    u16::try_from(rows + 2).unwrap_or(u16::MAX)
}

/// What the slice pane says about the selected slice.
fn slice_detail(sl: &Slice, e: &Evaluation) -> Vec<Line<'static>> {
    let (h, r) = (&sl.ham_flagged, &sl.spam_recall);
    let mut lines = vec![
        if h.of == 0 {
            Line::from("No ham in this slice.")
        } else {
            Line::from(format!(
                "Ham flagged {} of {} ({}), 95% interval {} to {}; the spec allows {}.",
                h.count,
                h.of,
                percent(h.value),
                percent(h.low),
                percent(h.high),
                percent(e.max_ham_flagged_rate)
            ))
        },
        if r.of == 0 {
            Line::from("No spam in this slice.")
        } else {
            Line::from(format!(
                "Spam caught {} of {} ({}), 95% interval {} to {}.",
                r.count,
                r.of,
                percent(r.value),
                percent(r.low),
                percent(r.high)
            ))
        },
        Line::styled(
            verdict_meaning(&sl.verdict),
            Style::default().fg(verdict_colour(&sl.verdict)),
        ),
        Line::styled(
            format!(
                "{} test message{}: Enter reads them in the explorer.",
                sl.members.len(),
                if sl.members.len() == 1 { "" } else { "s" }
            ),
            dim(),
        ),
    ];
    lines.extend(gate_evidence(e, "slices"));
    lines
}

/// The bins of a reliability table that hold messages, as chart points.
fn points(bins: &[ReliabilityBin]) -> Vec<(f64, f64)> {
    bins.iter()
        .filter(|b| b.count > 0)
        .map(|b| (b.mean_score, b.spam_share))
        .collect()
}

/// The reliability chart, before and after Platt scaling, beside the
/// expected calibration errors, Platt's two numbers and the bins.
pub fn calibration(e: &Evaluation, area: Rect, buf: &mut Buffer) {
    let Some(c) = &e.calibration else {
        return absent(" Calibration ", &not_in("Calibration is"), area, buf);
    };
    let [chart_area, side] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let diagonal = [(0.0, 0.0), (1.0, 1.0)];
    let (before, after) = (points(&c.before), points(&c.after));
    // Points, not lines: a bin of three messages is a noisy share, and a
    // line through it draws a trend that is not there. The bins' counts
    // are beside the chart.
    let datasets = vec![
        Dataset::default()
            .name("perfect")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(dim())
            .data(&diagonal),
        Dataset::default()
            .name("• raw")
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(Style::default().fg(Color::Yellow))
            .data(&before),
        Dataset::default()
            .name("█ after Platt")
            .marker(Marker::Block)
            .graph_type(GraphType::Scatter)
            .style(Style::default().fg(Color::Cyan))
            .data(&after),
    ];
    let labels = || vec![Line::from("0"), Line::from("0.5"), Line::from("1")];
    Chart::new(datasets)
        .block(pane(
            " Reliability (test): spam share against mean score ",
            chart_area,
        ))
        .x_axis(Axis::default().bounds([0.0, 1.0]).labels(labels()))
        .y_axis(Axis::default().bounds([0.0, 1.0]).labels(labels()))
        .legend_position(Some(LegendPosition::BottomRight))
        .hidden_legend_constraints((Constraint::Percentage(50), Constraint::Percentage(50)))
        .render(chart_area, buf);

    let better = |after: f64| {
        Style::default().fg(if after <= c.ece_before {
            Color::Green
        } else {
            Color::Yellow
        })
    };
    let mut lines = vec![
        Line::styled(
            "Expected calibration error (test)",
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Line::from(format!("  raw scores     {:.4}", c.ece_before)),
        match c.ece_after {
            Some(a) => Line::styled(format!("  after Platt    {a:.4}"), better(a)),
            None => Line::styled("  after Platt    nothing could be fitted", dim()),
        },
    ];
    match c.platt {
        Some((a, b)) => {
            lines.push(Line::styled(
                "Platt scaling, fitted on validation",
                Style::default().add_modifier(Modifier::BOLD),
            ));
            lines.push(Line::from(format!("  a {a:.4} · b {b:.4}")));
            lines.push(Line::styled("p = 1 / (1 + e^−(a·logit(s) + b))", dim()));
            lines.push(Line::styled(
                if a < 1.0 {
                    "a under 1: the raw scores are surer than they should be."
                } else {
                    "a over 1: the raw scores are less sure than they could be."
                },
                dim(),
            ));
        }
        None => lines.push(Line::styled("No Platt scaling could be fitted.", dim())),
    }
    lines.extend(gate_evidence(e, "calibrated"));
    lines.push(Line::default());
    lines.push(Line::styled(
        format!(
            "{:<7} {:>5} {:>6} {:>5} {:>6}",
            "bin", "raw n", "spam", "cal n", "spam"
        ),
        dim(),
    ));
    let share = |bin: &ReliabilityBin| {
        if bin.count == 0 {
            "—".to_owned()
        } else {
            format!("{:.1}%", bin.spam_share * 100.0)
        }
    };
    for (i, b) in c.before.iter().enumerate() {
        let after = c.after.get(i).map_or(String::new(), |a| {
            format!(" {:>5} {:>6}", a.count, share(a))
        });
        lines.push(Line::from(format!(
            "{:.1}–{:.1} {:>5} {:>6}{after}",
            b.low,
            b.high,
            b.count,
            share(b)
        )));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(pane(" Calibration ", side))
        .render(side, buf);
}

/// What a suite's cases expect, in a few words and in a sentence.
fn expectation(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "same" => (
            "no change",
            "Each case changes a test message in a way that should not matter: it passes when the decision stays and the score barely moves.",
        ),
        "up" => (
            "not lower",
            "Each case makes a test message more like spam: it passes when the score does not fall.",
        ),
        "label" => (
            "its label",
            "Each case is a message written to be plainly spam or plainly ham: it passes when the model gives it that label.",
        ),
        _ => ("?", "An unknown kind of suite."),
    }
}

/// The behavioural suites, and the selected one's failures.
pub fn behaviour(s: &EvaluateScreen, e: &Evaluation, area: Rect, buf: &mut Buffer) {
    if e.behavioural.is_empty() {
        return absent(
            " Behaviour ",
            &not_in("The behavioural suites are"),
            area,
            buf,
        );
    }
    // The list as long as it needs (up to half), the rest for the details.
    let list_height = (e.behavioural.len() as u16 + 3).min(area.height / 2);
    let [list, detail] =
        Layout::vertical([Constraint::Length(list_height), Constraint::Min(3)]).areas(area);
    let rows: Vec<Row<'_>> =
        e.behavioural
            .iter()
            .map(|suite| {
                let rate = if suite.total == 0 {
                    0.0
                } else {
                    suite.passed as f64 / suite.total as f64
                };
                let all = suite.passed == suite.total;
                Row::new(vec![
                    Cell::from(suite.name.clone()),
                    Cell::from(expectation(&suite.kind).0),
                    Cell::from(format!("{} of {}", suite.passed, suite.total)),
                    Cell::from(format!("{:>5.1}%", rate * 100.0))
                        .style(Style::default().fg(if all { Color::Green } else { Color::Yellow })),
                ])
            })
            .collect();
    table(
        format!(" Behavioural suites ({}) ", e.behavioural.len()),
        &["suite", "expects", "passed", "rate"],
        rows,
        &[
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(11),
            Constraint::Length(6),
        ],
        s.suite,
        list,
        buf,
    );
    let Some(suite) = e.behavioural.get(s.suite) else {
        return;
    };
    let mut lines = vec![Line::from(expectation(&suite.kind).1)];
    let failed = suite.total.saturating_sub(suite.passed);
    if suite.failures.is_empty() {
        lines.push(Line::styled("Every case passed.", dim()));
    } else {
        lines.push(Line::styled(
            if failed as usize > suite.failures.len() {
                format!("{failed} failed; the first {}:", suite.failures.len())
            } else {
                format!("{failed} failed:")
            },
            Style::default().add_modifier(Modifier::BOLD),
        ));
        lines.extend(suite.failures.iter().map(|f| Line::from(format!("– {f}"))));
        if !failed_originals(&suite.failures, &e.test_messages).is_empty() {
            lines.push(Line::styled(
                "Enter reads the messages they were made from in the explorer.",
                dim(),
            ));
        }
    }
    lines.extend(gate_evidence(e, "behaviour"));
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(pane(format!(" {} · {} ", suite.name, suite.kind), detail))
        .render(detail, buf);
}

/// The test messages misjudged at the marker's threshold: ham flagged,
/// then spam missed.
pub fn errors(s: &EvaluateScreen, e: &Evaluation, area: Rect, buf: &mut Buffer) {
    if e.test_messages.is_empty() {
        return absent(" Errors ", &not_in("The test messages are"), area, buf);
    }
    let Some(t) = s.error_threshold() else {
        return absent(
            " Errors ",
            "No threshold meets the spec on validation, so nothing is flagged and there are no errors to list.",
            area,
            buf,
        );
    };
    let errors = s.errors();
    let flagged = errors.iter().filter(|&&i| !e.test_messages[i].spam).count();
    let missed = errors.len() - flagged;
    let (spam, ham) =
        e.test_messages.iter().fold(
            (0, 0),
            |(s, h), m| {
                if m.spam { (s + 1, h) } else { (s, h + 1) }
            },
        );
    let title = format!(
        " At {t:.4}{}: {flagged} of {ham} ham flagged, {missed} of {spam} spam missed ",
        if s.on_chosen() {
            " (the chosen one)"
        } else {
            ""
        }
    );
    if errors.is_empty() {
        return absent(&title, "Nothing is misjudged at this threshold.", area, buf);
    }
    let detail_height = 5.min(area.height / 2);
    let [list, detail] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(detail_height)]).areas(area);
    let infos = s.infos.as_ref().and_then(|i| i.as_ref().ok());
    let rows: Vec<Row<'_>> = errors
        .iter()
        .map(|&i| {
            let m = &e.test_messages[i];
            let (what, colour) = if m.spam {
                ("spam missed", Color::Yellow)
            } else {
                ("ham flagged", Color::Red)
            };
            let (folder, subject) = match infos.and_then(|infos| infos.get(&m.id)) {
                Some(info) => (
                    Cell::from(info.path.split('/').next().unwrap_or("").to_owned()),
                    Cell::from(
                        info.subject
                            .clone()
                            .unwrap_or_else(|| "(no subject)".to_owned()),
                    ),
                ),
                None => (
                    Cell::from("?"),
                    Cell::from(format!("id {}…", short(&m.id))).style(dim()),
                ),
            };
            Row::new(vec![
                Cell::from(what).style(Style::default().fg(colour)),
                Cell::from(format!("{:.4}", m.score)),
                folder,
                subject,
            ])
        })
        .collect();
    table(
        title,
        &["", "score", "folder", "subject"],
        rows,
        &[
            Constraint::Length(11),
            Constraint::Length(6),
            Constraint::Length(12),
            Constraint::Fill(1),
        ],
        s.error,
        list,
        buf,
    );
    let Some(m) = errors.get(s.error).map(|&i| &e.test_messages[i]) else {
        return;
    };
    let mut lines = vec![Line::from(if m.spam {
        format!(
            "Spam scored {:.6}, under {t:.4}: it reaches the inbox.",
            m.score
        )
    } else {
        format!(
            "Real mail scored {:.6}, at or over {t:.4}: it is sent to spam.",
            m.score
        )
    })];
    match &s.infos {
        Some(Ok(infos)) => match infos.get(&m.id) {
            Some(info) => lines.push(Line::from(format!("{} · id {}…", info.path, short(&m.id)))),
            None => lines.push(Line::styled(
                format!(
                    "id {}…: not in the gather output of {} (gathered again since?)",
                    short(&m.id),
                    e.corpus
                ),
                Style::default().fg(Color::Yellow),
            )),
        },
        Some(Err(why)) => lines.push(Line::styled(
            format!("Subjects not shown: {why}"),
            Style::default().fg(Color::Yellow),
        )),
        None => lines.push(Line::styled(
            format!("id {}… (reading the gather output...)", short(&m.id)),
            dim(),
        )),
    }
    lines.push(Line::styled(
        if s.on_chosen() {
            "Enter reads it in the explorer. The curve pane's marker sets the threshold."
        } else {
            "Enter reads it in the explorer. The marker is off the chosen threshold: c goes back."
        },
        dim(),
    ));
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(pane(" The message ", detail))
        .render(detail, buf);
}

/// The start of an id, enough to tell messages apart on screen.
fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}
