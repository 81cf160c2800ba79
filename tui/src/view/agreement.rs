//! The agreement view: the `label` stage's report as tables, a learning
//! curve, and the items to review.

use crate::app::{AgreementList, AgreementView, App};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Widget, Wrap};
use serde_json::Value;

fn kappa(v: &Value) -> String {
    v.as_f64()
        .map_or_else(|| "-".to_owned(), |k| format!("{k:.2}"))
}

/// Draws the agreement view.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let view = app.agreement.clone().unwrap_or_default();
    let Some(stats) = &view.stats else {
        let text = match (&view.problem, view.loading) {
            (Some(p), _) => format!("No agreement report: {p}"),
            (None, true) => "Computing agreement: the pipeline runs your label lab's code over every annotator's log...".to_owned(),
            (None, false) => "No report yet: press r to compute it.".to_owned(),
        };
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(" Agreement "))
            .render(area, buf);
        return;
    };
    let names: Vec<&String> = stats["annotators"]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    if names.is_empty() {
        Paragraph::new(format!(
            "No labels yet in {}. Press l to label some messages.",
            stats["logs"].as_str().unwrap_or("the label logs")
        ))
        .wrap(Wrap { trim: true })
        .block(Block::default().borders(Borders::ALL).title(" Agreement "))
        .render(area, buf);
        return;
    }
    let table_rows =
        names.len() as u16 + 2 + stats["pairs"].as_array().map_or(0, |p| p.len().min(3)) as u16;
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Length(table_rows + 2),
        Constraint::Length(8),
        Constraint::Min(4),
    ])
    .areas(area);
    render_annotators(stats, &names, &view, top, buf);
    let selected = names[view.annotator.min(names.len() - 1)];
    let [confusion, curve] =
        Layout::horizontal([Constraint::Length(34), Constraint::Min(20)]).areas(middle);
    render_confusion(stats, selected, confusion, buf);
    render_curve(stats, selected, curve, buf);
    render_items(stats, &view, bottom, buf);
}

fn render_annotators(
    stats: &Value,
    names: &[&String],
    view: &AgreementView,
    area: Rect,
    buf: &mut Buffer,
) {
    let dim = Style::default().fg(Color::DarkGray);
    let mut lines = vec![Line::styled(
        format!(
            "{:<14}{:>10}{:>8}{:>8}{:>12}{:>10}",
            "annotator", "decisions", "labels", "unsure", "κ vs gold", "per min"
        ),
        dim,
    )];
    for (i, name) in names.iter().enumerate() {
        let a = &stats["annotators"][name.as_str()];
        let row = format!(
            "{:<14}{:>10}{:>8}{:>8}{:>12}{:>10}",
            name,
            a["decisions"].to_string(),
            a["labels"].to_string(),
            a["by_label"]["unsure"].to_string(),
            kappa(&a["kappa_vs_gold"]),
            a["labels_per_minute"]
                .as_f64()
                .map_or("-".into(), |r| format!("{r:.1}")),
        );
        let style = if i == view.annotator {
            Style::default()
                .add_modifier(Modifier::BOLD)
                .fg(Color::Cyan)
        } else {
            Style::default()
        };
        lines.push(Line::styled(row, style));
    }
    for p in stats["pairs"].as_array().into_iter().flatten().take(3) {
        lines.push(Line::from(vec![
            Span::styled("between ", dim),
            Span::raw(format!(
                "{} and {}: κ {} over {} items both labeled",
                p["a"].as_str().unwrap_or("?"),
                p["b"].as_str().unwrap_or("?"),
                kappa(&p["kappa"]),
                p["items"]
            )),
        ]));
    }
    if let Some(first) = stats["not_computed"].as_array().and_then(|n| n.first()) {
        lines.push(Line::styled(
            format!("not computed: {}", first.as_str().unwrap_or("")),
            Style::default().fg(Color::Red),
        ));
    }
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Annotators (←→ choose) "),
        )
        .render(area, buf);
}

fn render_confusion(stats: &Value, name: &str, area: Rect, buf: &mut Buffer) {
    let table = &stats["annotators"][name]["vs_gold"]["table"];
    let cell = |row: usize, col: usize| table[row][col].as_u64().unwrap_or(0);
    let dim = Style::default().fg(Color::DarkGray);
    let mut lines = vec![Line::styled(
        format!("{:<12}{:>9}{:>9}", "labeled", "gold spam", "gold ham"),
        dim,
    )];
    for (i, label) in ["spam", "ham", "unsure"].iter().enumerate() {
        lines.push(Line::from(format!(
            "{label:<12}{:>9}{:>9}",
            cell(i, 0),
            cell(i, 1)
        )));
    }
    let observed = stats["annotators"][name]["vs_gold"]["observed"].as_f64();
    lines.push(Line::styled(
        format!(
            "agreement {}  κ {}",
            observed.map_or("-".into(), |o| format!("{:.0}%", o * 100.0)),
            kappa(&stats["annotators"][name]["kappa_vs_gold"])
        ),
        dim,
    ));
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {name} vs gold ")),
        )
        .render(area, buf);
}

fn render_curve(stats: &Value, name: &str, area: Rect, buf: &mut Buffer) {
    let points = stats["annotators"][name]["curve"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Learning curve: % agreeing with gold, per 25 decisions ");
    if points.is_empty() {
        Paragraph::new("Label 25 messages or more for the first point of the curve.")
            .wrap(Wrap { trim: true })
            .block(block)
            .render(area, buf);
        return;
    }
    let bars: Vec<Bar<'_>> = points
        .iter()
        .map(|p| {
            let pct = (p["observed"].as_f64().unwrap_or(0.0) * 100.0).round() as u64;
            Bar::default()
                .value(pct)
                .text_value(format!("{pct}%"))
                .label(Line::from(p["after"].to_string()))
        })
        .collect();
    BarChart::default()
        .block(block)
        .data(BarGroup::default().bars(&bars))
        .bar_width(5)
        .bar_gap(1)
        .max(100)
        .bar_style(Style::default().fg(Color::Cyan))
        .value_style(Style::default().fg(Color::Black).bg(Color::Cyan))
        .render(area, buf);
}

fn render_items(stats: &Value, view: &AgreementView, area: Rect, buf: &mut Buffer) {
    let items = view.items();
    let annotator = stats["annotators"]
        .as_object()
        .and_then(|m| m.keys().nth(view.annotator))
        .cloned()
        .unwrap_or_default();
    let (title, empty) = match view.list {
        AgreementList::Disagreements => (
            format!(
                " Disagreements ({} of {} shared items) · Tab: next list ",
                items.len(),
                stats["shared_items"]
            ),
            "No disagreements: no item has two annotators who differ. (A second annotator's log goes in the same folder; the same seed gives the same queue.)".to_owned(),
        ),
        AgreementList::AgainstGold => (
            format!(" {annotator} against gold ({} differ) · Tab: next list ", items.len()),
            format!("{annotator} agrees with gold on every labeled message."),
        ),
        AgreementList::Suspects => (
            format!(" Probable label errors ({}) · Tab: next list ", items.len()),
            "No label looks wrong: no confident model disagrees, and no majority of others.".to_owned(),
        ),
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    block.render(area, buf);
    if items.is_empty() {
        Paragraph::new(empty)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
        return;
    }
    let rows = inner.height as usize;
    let start = crate::explorer::window_start(view.selected, rows, items.len());
    let lines: Vec<Line<'_>> = items
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, item)| {
            let labels = match view.list {
                AgreementList::Suspects => {
                    let why: Vec<String> = item["why"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|w| match w["kind"].as_str() {
                            Some("model") => {
                                format!("model {:.2}", w["score"].as_f64().unwrap_or(0.0))
                            }
                            _ => format!("{} of {} others", w["against"], w["of"]),
                        })
                        .collect();
                    format!(
                        "{} said {} · {}",
                        item["annotator"].as_str().unwrap_or("?"),
                        item["label"].as_str().unwrap_or("?"),
                        why.join(", ")
                    )
                }
                AgreementList::AgainstGold => {
                    format!("{annotator} {}", item["label"].as_str().unwrap_or("?"))
                }
                AgreementList::Disagreements => item["labels"]
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| format!("{k} {}", v.as_str().unwrap_or("?")))
                            .collect::<Vec<_>>()
                            .join(" · ")
                    })
                    .unwrap_or_default(),
            };
            let row = format!(
                "{:<40} gold {:<5} {labels}",
                item["subject"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(40)
                    .collect::<String>(),
                item["gold"].as_str().unwrap_or("?"),
            );
            let style = if i == view.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Line::styled(row, style)
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}
