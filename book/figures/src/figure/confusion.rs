//! The test confusion matrices of the real random-split and time-split runs.

use super::{NOTE, percent};
use crate::data::{Data, TrainData};
use crate::svg::{Font, Paint, Svg, colour, count};
use ninety_kit::metrics::Metrics;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 292.0;
const CELL_W: f64 = 118.0;
const CELL_H: f64 = 70.0;

/// Draws the figure.
pub fn draw(data: &Data) -> String {
    let mut svg = Svg::new(WIDTH, HEIGHT);
    panel(
        &mut svg,
        14.0,
        &data.random,
        "Random split",
        "test part: a stratified fifth of all the mail",
    );
    panel(
        &mut svg,
        372.0,
        &data.time,
        "Time split",
        "test part: all of period 2, the later collection",
    );
    svg.finish("Test confusion matrices of the fastText-style model, random and time split")
}

fn panel(svg: &mut Svg, x0: f64, run: &TrainData, title: &str, subtitle: &str) {
    let c = run.test;
    let m = Metrics::of(c);
    svg.text(x0, 24.0, title, Font::new(14.0).bold());
    svg.text(x0, 42.0, subtitle, NOTE);
    let left = x0 + 86.0;
    let top = 92.0;
    svg.text(
        left + CELL_W,
        66.0,
        "what the model did",
        Font::new(12.0).middle().fill(colour::MUTED),
    );
    for (i, head) in ["flagged as spam", "passed as ham"].iter().enumerate() {
        svg.text(
            left + CELL_W * (i as f64 + 0.5),
            top - 8.0,
            head,
            Font::new(12.0).bold().middle(),
        );
    }
    svg.text_up(
        x0 + 10.0,
        top + CELL_H,
        "what it is",
        Font::new(12.0).fill(colour::MUTED),
    );
    let rows = [
        (
            "spam",
            colour::SPAM,
            colour::SPAM_LIGHT,
            c.spam(),
            [
                (c.spam_caught, "spam caught"),
                (c.spam_missed, "spam missed"),
            ],
        ),
        (
            "ham",
            colour::HAM,
            colour::HAM_LIGHT,
            c.ham(),
            [(c.ham_flagged, "ham flagged"), (c.ham_passed, "ham passed")],
        ),
    ];
    for (r, (name, strong, light, total, cells)) in rows.iter().enumerate() {
        let y = top + CELL_H * r as f64;
        svg.text(
            left - 10.0,
            y + CELL_H / 2.0 - 2.0,
            name,
            Font::new(13.0).bold().end().fill(strong),
        );
        svg.text(
            left - 10.0,
            y + CELL_H / 2.0 + 14.0,
            &count(*total),
            NOTE.end(),
        );
        for (col, (n, label)) in cells.iter().enumerate() {
            let x = left + CELL_W * col as f64;
            let share = if *total == 0 {
                0.0
            } else {
                *n as f64 / *total as f64
            };
            svg.rect(
                x,
                y,
                CELL_W,
                CELL_H,
                0.0,
                Paint::fill(light)
                    .opacity(0.2 + 0.8 * share)
                    .outlined(colour::WHITE, 2.0),
            );
            svg.text(
                x + CELL_W / 2.0,
                y + 36.0,
                &count(*n),
                Font::new(22.0).bold().middle(),
            );
            svg.text(x + CELL_W / 2.0, y + 56.0, label, NOTE.middle());
        }
    }
    let rate = |v: Option<f64>| v.map_or("undefined".into(), |r| format!("{r:.3}"));
    svg.text(
        x0,
        top + 2.0 * CELL_H + 28.0,
        &format!(
            "recall {}   precision {}   F1 {}",
            rate(m.spam_recall),
            rate(m.precision),
            rate(m.spam_f1)
        ),
        Font::new(12.0),
    );
    svg.text(
        x0,
        top + 2.0 * CELL_H + 46.0,
        &format!(
            "ham flagged {} ({} of {})",
            m.ham_flagged_rate.map_or("undefined".into(), percent),
            count(c.ham_flagged),
            count(c.ham())
        ),
        Font::new(12.0),
    );
}
