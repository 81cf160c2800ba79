//! The loss curves and validation F1 of the real runs, epoch by epoch, with
//! the epoch the loop kept.

use super::{NOTE, legend_line};
use crate::data::{Data, TrainData};
use crate::plot::{Plot, Scale, decades, ticks};
use crate::svg::{Font, Paint, Svg, colour};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 528.0;
const TRAIN: &str = colour::PURPLE;
const VALID: &str = colour::GREEN;
const F1: &str = colour::INK;

/// Draws the figure.
pub fn draw(data: &Data) -> String {
    let mut svg = Svg::new(WIDTH, HEIGHT);
    let mut x = 70.0;
    x = legend_line(&mut svg, x, 20.0, TRAIN, None, "training loss");
    x = legend_line(&mut svg, x, 20.0, VALID, None, "validation loss");
    x = legend_line(&mut svg, x, 20.0, F1, None, "validation F1");
    legend_line(&mut svg, x, 20.0, colour::MUTED, Some("4 3"), "epoch kept");
    let runs = [&data.random, &data.time];
    let (lo, hi) = loss_range(&runs);
    let f1_lo = f1_floor(&runs);
    for (i, run) in runs.iter().enumerate() {
        column(&mut svg, 72.0 + 354.0 * i as f64, run, (lo, hi), f1_lo);
    }
    svg.finish("Training and validation loss and validation F1 per epoch, random and time split")
}

/// The decades that hold every loss of both runs.
fn loss_range(runs: &[&TrainData]) -> (i32, i32) {
    let losses = runs
        .iter()
        .flat_map(|r| r.epochs.iter())
        .flat_map(|e| [e.train_loss, e.valid_loss])
        .filter(|v| *v > 0.0);
    let (min, max) = losses.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    if min > max {
        return (-3, 0);
    }
    (min.log10().floor() as i32, max.log10().ceil() as i32)
}

/// The F1 axis's lower end: a round value a little under every defined F1
/// of both runs.
fn f1_floor(runs: &[&TrainData]) -> f64 {
    let min = runs
        .iter()
        .flat_map(|r| r.epochs.iter())
        .filter_map(|e| e.valid_f1)
        .fold(1.0f64, f64::min);
    (((min - 0.01) * 20.0).floor() / 20.0).clamp(0.0, 0.95)
}

fn column(svg: &mut Svg, left: f64, run: &TrainData, (lo, hi): (i32, i32), f1_lo: f64) {
    let width = 276.0;
    let max_x = run.max_epochs.max(run.epochs.len()) as f64;
    let x = Scale::Linear {
        lo: 0.5,
        hi: max_x + 0.5,
    };
    let loss = Plot {
        left,
        top: 86.0,
        width,
        height: 200.0,
        x,
        y: Scale::Log {
            lo: 10f64.powi(lo),
            hi: 10f64.powi(hi),
        },
    };
    let f1 = Plot {
        left,
        top: 340.0,
        width,
        height: 140.0,
        x,
        y: Scale::Linear { lo: f1_lo, hi: 1.0 },
    };
    let last = run.epochs.last().map_or(0, |e| e.epoch);
    let split = match run.split {
        ninety_kit::SplitKind::Random => "Random split",
        ninety_kit::SplitKind::Time => "Time split",
    };
    svg.text(left, 46.0, split, Font::new(14.0).bold());
    let story = if last < run.max_epochs {
        format!(
            "stopped at {last} of {}: no gain after epoch {}",
            run.max_epochs, run.best_epoch
        )
    } else {
        format!("ran all {} epochs, still improving", run.max_epochs)
    };
    svg.text(left, 64.0, &story, NOTE);
    let epoch_ticks = ticks(1.0, max_x, if max_x > 12.0 { 2.0 } else { 1.0 }, |v| {
        format!("{v}")
    });
    let loss_ticks = decades(lo, hi, |v| {
        let digits = (-v.log10()).max(0.0) as usize;
        format!("{v:.digits$}")
    });
    // Epochs the loop never ran, greyed.
    if last < run.max_epochs {
        for plot in [&loss, &f1] {
            let x0 = plot.px(last as f64 + 0.5);
            svg.rect(
                x0,
                plot.top,
                plot.right() - x0,
                plot.height,
                0.0,
                Paint::fill(colour::PALE),
            );
        }
        svg.text(
            loss.px((last as f64 + 0.5 + max_x + 0.5) / 2.0),
            loss.top + 18.0,
            "not run",
            NOTE.middle(),
        );
    }
    loss.axes(svg, &epoch_ticks, &loss_ticks);
    loss.y_title(svg, "loss (log scale)", 48.0);
    let f1_step = if 1.0 - f1_lo > 0.1 { 0.05 } else { 0.02 };
    f1.axes(
        svg,
        &epoch_ticks,
        &ticks(f1_lo, 1.0, f1_step, |v| format!("{v:.2}")),
    );
    f1.y_title(svg, "validation F1", 48.0);
    f1.x_title(svg, "epoch");
    for plot in [&loss, &f1] {
        let bx = plot.px(run.best_epoch as f64);
        svg.line(
            bx,
            plot.top,
            bx,
            plot.bottom(),
            Paint::stroke(colour::MUTED, 1.2).dashed("4 3"),
        );
    }
    let train: Vec<(f64, f64)> = run
        .epochs
        .iter()
        .map(|e| (e.epoch as f64, e.train_loss))
        .collect();
    let valid: Vec<(f64, f64)> = run
        .epochs
        .iter()
        .map(|e| (e.epoch as f64, e.valid_loss))
        .collect();
    loss.series(svg, &train, Paint::stroke(TRAIN, 2.0), true);
    loss.series(svg, &valid, Paint::stroke(VALID, 2.0), true);
    let scores: Vec<(f64, f64)> = run
        .epochs
        .iter()
        .filter_map(|e| e.valid_f1.map(|f| (e.epoch as f64, f)))
        .collect();
    f1.series(svg, &scores, Paint::stroke(F1, 2.0), true);
    let undefined: Vec<String> = run
        .epochs
        .iter()
        .filter(|e| e.valid_f1.is_none())
        .map(|e| e.epoch.to_string())
        .collect();
    if !undefined.is_empty() {
        svg.text(
            f1.left,
            f1.top - 12.0,
            &format!(
                "epoch {}: nothing flagged, F1 undefined",
                undefined.join(", ")
            ),
            NOTE,
        );
    }
}
