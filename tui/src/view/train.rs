//! The train view: loss and validation curves drawn as the run goes, the
//! baselines as lines to beat, and the runs so far.

use crate::app::{App, TrainView};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{
    Axis, Block, Borders, Chart, Dataset, GraphType, LegendPosition, Paragraph, Widget, Wrap,
};

/// Draws the train view.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.train;
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Min(5)]).areas(area);
    let [loss, f1] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    render_chart(t, "loss", &["train_loss", "valid_loss"], loss, buf);
    render_chart(t, "valid F1", &["valid_f1"], f1, buf);
    let [runs, side] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(bottom);
    render_runs(t, runs, buf);
    render_status(t, side, buf);
}

const COLORS: [Color; 4] = [Color::Cyan, Color::Yellow, Color::Green, Color::Magenta];

fn render_chart(t: &TrainView, title: &str, metrics: &[&str], area: Rect, buf: &mut Buffer) {
    // The model's own curves, then the logistic regression's (a baseline
    // when the model is fastText), then flat lines for the test F1 of the
    // baselines once the run has finished.
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for (name, points) in &t.series {
        if metrics.iter().any(|m| name.ends_with(m)) {
            lines.push((name.clone(), points.clone()));
        }
    }
    let max_x = lines
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(x, _)| *x))
        .fold(1.0_f64, f64::max);
    if title == "valid F1"
        && let Some(summary) = &t.summary
        && let Some(baselines) = summary["baselines"].as_object()
    {
        for (name, m) in baselines {
            if let Some(f1) = m["spam_f1"].as_f64() {
                lines.push((format!("{name} (test)"), vec![(1.0, f1), (max_x, f1)]));
            }
        }
    }
    let max_y = if title == "loss" {
        lines
            .iter()
            .flat_map(|(_, p)| p.iter().map(|(_, y)| *y))
            .fold(0.1_f64, f64::max)
    } else {
        1.0
    };
    let datasets: Vec<Dataset<'_>> = lines
        .iter()
        .enumerate()
        .map(|(i, (name, points))| {
            let flat = name.ends_with("(test)");
            Dataset::default()
                .name(name.clone())
                .marker(if flat { Marker::Dot } else { Marker::Braille })
                .graph_type(GraphType::Line)
                .style(Style::default().fg(if flat {
                    Color::DarkGray
                } else {
                    COLORS[i % COLORS.len()]
                }))
                .data(points)
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} per epoch "));
    if datasets.is_empty() {
        Paragraph::new(if t.running {
            "Waiting for the first epoch (the first build can take a few minutes)..."
        } else {
            "Press t to train: the curves are drawn epoch by epoch."
        })
        .wrap(Wrap { trim: true })
        .block(block)
        .render(area, buf);
        return;
    }
    Chart::new(datasets)
        .block(block)
        .legend_position(Some(LegendPosition::BottomLeft))
        .hidden_legend_constraints((Constraint::Ratio(2, 3), Constraint::Ratio(2, 3)))
        .x_axis(
            Axis::default()
                .bounds([1.0, max_x.max(2.0)])
                .labels(vec![Line::from("1"), Line::from(format!("{max_x:.0}"))]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, max_y])
                .labels(vec![Line::from("0"), Line::from(format!("{max_y:.2}"))]),
        )
        .render(area, buf);
}

fn render_runs(t: &TrainView, area: Rect, buf: &mut Buffer) {
    let dim = Style::default().fg(Color::DarkGray);
    let mut lines = vec![Line::styled(
        format!(
            "{:<33}{:<9}{:<7}{:>7}{:>8}",
            "run", "model", "split", "F1", "secs"
        ),
        dim,
    )];
    for r in t.runs.iter().take(area.height.saturating_sub(3) as usize) {
        lines.push(Line::from(format!(
            "{:<33}{:<9}{:<7}{:>7.3}{:>8.1}",
            r["run_id"].as_str().unwrap_or("?"),
            r["model"].as_str().unwrap_or("?"),
            r["split"].as_str().unwrap_or("?"),
            r["metrics"]["spam_f1"].as_f64().unwrap_or(0.0),
            r["seconds"].as_f64().unwrap_or(0.0),
        )));
    }
    if t.runs.is_empty() {
        lines.push(Line::from("No runs yet."));
    }
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Runs (ninety runs) "),
        )
        .render(area, buf);
}

fn render_status(t: &TrainView, area: Rect, buf: &mut Buffer) {
    let title = format!(" Next: {} on the {} split (m, s) ", t.model, t.split);
    let block = Block::default().borders(Borders::ALL).title(title);
    if let Some(problem) = &t.problem {
        Paragraph::new(format!(
            "The run failed (the workbench did not):\n\n{problem}"
        ))
        .style(Style::default().fg(Color::Red))
        .wrap(Wrap { trim: false })
        .block(block)
        .render(area, buf);
        return;
    }
    let lines: Vec<Line<'_>> = match &t.summary {
        Some(s) if !t.running => {
            let row = |name: &str, m: &serde_json::Value| {
                Line::from(format!(
                    "{name:<10} F1 {:.3}  P {:.3}  R {:.3}",
                    m["spam_f1"].as_f64().unwrap_or(0.0),
                    m["precision"].as_f64().unwrap_or(0.0),
                    m["recall"].as_f64().unwrap_or(0.0)
                ))
            };
            let mut l = vec![row(s["model"].as_str().unwrap_or("model"), &s["metrics"])];
            if let Some(b) = s["baselines"].as_object() {
                for (name, m) in b {
                    l.push(row(name, m));
                }
            }
            l
        }
        _ => {
            let rows = area.height.saturating_sub(2) as usize;
            t.log[t.log.len().saturating_sub(rows)..]
                .iter()
                .map(|l| Line::from(l.clone()))
                .collect()
        }
    };
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(block)
        .render(area, buf);
}
