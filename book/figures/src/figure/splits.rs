//! The random and the time split of the real clean dataset, as mosaics:
//! each part's width is its number of messages, its height is split by
//! label, so the stratified parts line up and the time split's do not.

use super::{NOTE, legend_box};
use crate::data::{Data, TrainData};
use crate::svg::{Font, Paint, Svg, colour, count};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 392.0;
const BAR_LEFT: f64 = 132.0;
const BAR_RIGHT: f64 = 706.0;
const GAP: f64 = 6.0;
const BAR_H: f64 = 84.0;

/// Draws the figure.
pub fn draw(data: &Data) -> String {
    let mut svg = Svg::new(WIDTH, HEIGHT);
    let x = legend_box(&mut svg, BAR_LEFT, 22.0, colour::SPAM, "spam");
    legend_box(&mut svg, x, 22.0, colour::HAM_LIGHT, "ham");
    let random_note = format!("stratified, seed {}", data.random.seed);
    row(&mut svg, 48.0, &data.random, "Random split", &random_note);
    let xs = row(
        &mut svg,
        214.0,
        &data.time,
        "Time split",
        "by collection period",
    );
    // Which period each part of the time split came from.
    let brace_y = 214.0 + 36.0 + BAR_H + 32.0;
    let p1: u64 = data
        .time
        .parts
        .iter()
        .filter(|p| p.part != "test")
        .map(|p| p.period_1)
        .sum();
    let p2 = data.time.part("test").map_or(0, |p| p.period_2);
    if let [(train_l, _), (_, valid_r), (test_l, test_r)] = xs[..] {
        brace(
            &mut svg,
            train_l,
            valid_r,
            brace_y,
            &format!("period 1, the earlier collection: {}", count(p1)),
        );
        brace(
            &mut svg,
            test_l,
            test_r,
            brace_y,
            &format!("period 2: {}", count(p2)),
        );
    }
    svg.finish("The random and the time split of the real clean dataset, by part and label")
}

/// Draws one split at `top`; returns each part's left and right edge.
fn row(svg: &mut Svg, top: f64, run: &TrainData, title: &str, note: &str) -> Vec<(f64, f64)> {
    let total = run.total().max(1) as f64;
    let gaps = GAP * (run.parts.len().saturating_sub(1)) as f64;
    let scale = (BAR_RIGHT - BAR_LEFT - gaps) / total;
    let bar_top = top + 36.0;
    svg.text(14.0, bar_top + 30.0, title, Font::new(14.0).bold());
    svg.text(14.0, bar_top + 48.0, note, NOTE);
    svg.text(
        14.0,
        bar_top + 64.0,
        &format!("{} messages", count(run.total())),
        NOTE,
    );
    let mut x = BAR_LEFT;
    let mut edges = Vec::new();
    for part in &run.parts {
        let w = part.total() as f64 * scale;
        let spam_h = if part.total() == 0 {
            0.0
        } else {
            BAR_H * part.spam as f64 / part.total() as f64
        };
        let mid = x + w / 2.0;
        svg.text(mid, top + 12.0, &part.part, Font::new(12.5).bold().middle());
        svg.text(mid, top + 27.0, &count(part.total()), NOTE.middle());
        svg.rect(
            x,
            bar_top,
            w,
            BAR_H - spam_h,
            0.0,
            Paint::fill(colour::HAM_LIGHT),
        );
        svg.rect(
            x,
            bar_top + BAR_H - spam_h,
            w,
            spam_h,
            0.0,
            Paint::fill(colour::SPAM),
        );
        let share = if part.total() == 0 {
            0.0
        } else {
            100.0 * part.spam as f64 / part.total() as f64
        };
        let long = format!("{} spam ({share:.1}%)", count(part.spam));
        let short = format!("{share:.1}%");
        let label = if NOTE.width(&long) < w - 4.0 {
            long
        } else {
            short
        };
        svg.text(mid, bar_top + BAR_H + 17.0, &label, NOTE.middle());
        edges.push((x, x + w));
        x += w + GAP;
    }
    edges
}

/// A bracket under `left`..`right` at `y`, with `label` below its middle.
fn brace(svg: &mut Svg, left: f64, right: f64, y: f64, label: &str) {
    let paint = Paint::stroke(colour::MUTED, 1.2);
    svg.line(left, y - 6.0, left, y, paint);
    svg.line(left, y, right, y, paint);
    svg.line(right, y - 6.0, right, y, paint);
    svg.text((left + right) / 2.0, y + 16.0, label, NOTE.middle());
}
