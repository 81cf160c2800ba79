//! The operating points of the random split's run: for every threshold,
//! the share of test spam caught against the share of test ham flagged,
//! for the fastText-style model and the logistic regression beside it,
//! with the spec's limit and the test set's resolution marked.
//!
//! The ham-flagged axis is logarithmic: the spec's limit (0.1%), the test
//! set's finest step (one ham) and the 0.5 thresholds (about 0.5%) all lie
//! within a decade of each other, and a linear axis would crowd them into
//! its first few pixels. No threshold that flags any ham lands left of one
//! ham, so the log axis starts a little below that, and the points that
//! flag none stand in a column of their own at its left, past a break.

use super::{NOTE, SPEC_LIMIT, legend_line, one_in, percent};
use crate::data::{Curve, Data, OperatingData};
use crate::plot::{Plot, Scale, Tick, ticks};
use crate::svg::{Font, Paint, Svg, colour, count};
use ninety_kit::ModelKind;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 440.0;
/// The plot's left edge: the column of points that flag no ham.
const LEFT: f64 = 70.0;
/// Where the log axis starts, right of that column.
const LOG_LEFT: f64 = 112.0;
const RIGHT: f64 = 700.0;
const TOP: f64 = 100.0;
const HEIGHT_PLOT: f64 = 292.0;
/// The column of points that flag no ham.
const ZERO_X: f64 = LEFT + 14.0;

/// How each model is drawn: colour, dash, name.
fn style(model: ModelKind) -> (&'static str, Option<&'static str>, &'static str) {
    match model {
        ModelKind::LogReg => (colour::GREEN, Some("7 3"), "logistic regression"),
        _ => (colour::PURPLE, None, "fastText-style model"),
    }
}

/// The 1-2-5 values from `10^-5` to 1.
fn nice() -> impl Iterator<Item = f64> {
    (-5..=0).flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
}

/// A rate as a short percentage: `0.05%`, `0.5%`, `20%`.
fn short_percent(rate: f64) -> String {
    let pct = rate * 100.0;
    let decimals = (-pct.log10().floor()).max(0.0) as usize;
    format!("{pct:.decimals$}%")
}

/// The log axis's ends: a 1-2-5 value a little below both the finest step
/// and the limit, and one above the rate at which the last curve catches
/// every spam.
fn x_range(d: &OperatingData) -> (f64, f64) {
    let n = d.test_ham.max(1) as f64;
    let low_mark = (1.0 / n).min(SPEC_LIMIT) / 1.5;
    let lo = nice().filter(|&v| v <= low_mark).last().unwrap_or(1e-5);
    let last = d
        .curves
        .iter()
        .filter_map(|c| c.points.last())
        .map(|p| p.ham_flagged as f64 / n)
        .fold(0.0, f64::max);
    let hi = nice().find(|&v| v >= last * 1.2).unwrap_or(1.0);
    (lo, hi.max(lo * 10.0).min(1.0))
}

/// The recall axis's lower end: a multiple of 0.05 under every point the
/// spec's limit allows.
fn y_floor(d: &OperatingData, allowed: u64) -> f64 {
    let min = d
        .curves
        .iter()
        .map(|c| c.caught_at(allowed) as f64 / d.test_spam.max(1) as f64)
        .fold(1.0, f64::min);
    (((min - 0.02) * 20.0).floor() / 20.0).clamp(0.0, 0.9)
}

/// Draws the figure.
pub fn draw(data: &Data) -> String {
    let d = &data.operating;
    let mut svg = Svg::new(WIDTH, HEIGHT);
    let n_ham = d.test_ham.max(1);
    let n_spam = d.test_spam.max(1);
    // The most ham the limit allows on this test set.
    let allowed = (SPEC_LIMIT * n_ham as f64 + 1e-9).floor() as u64;
    let (lo, hi) = x_range(d);
    let y_lo = y_floor(d, allowed);
    let plot = Plot {
        left: LOG_LEFT,
        top: TOP,
        width: RIGHT - LOG_LEFT,
        height: HEIGHT_PLOT,
        x: Scale::Log { lo, hi },
        y: Scale::Linear { lo: y_lo, hi: 1.0 },
    };
    // The whole area, the zero column included: its grid and axes.
    let whole = Plot {
        left: LEFT,
        width: RIGHT - LEFT,
        ..plot
    };
    let px = |ham: u64| {
        if ham == 0 {
            ZERO_X
        } else {
            plot.px(ham as f64 / n_ham as f64)
        }
    };
    let py = |spam: u64| plot.py((spam as f64 / n_spam as f64).max(y_lo));

    // Legend.
    let mut x = LEFT;
    for curve in &d.curves {
        let (stroke, dash, name) = style(curve.model);
        x = legend_line(&mut svg, x, 20.0, stroke, dash, name);
    }
    svg.circle(
        x + 6.0,
        16.0,
        4.5,
        Paint::fill(colour::WHITE).outlined(colour::INK, 2.0),
    );
    svg.text(x + 16.0, 20.0, "threshold 0.5", Font::new(12.0));
    x += 16.0 + Font::new(12.0).width("threshold 0.5") + 18.0;
    svg.circle(
        x + 6.0,
        16.0,
        4.5,
        Paint::fill(colour::INK).outlined(colour::WHITE, 1.5),
    );
    svg.text(
        x + 16.0,
        20.0,
        "most spam within the limit",
        Font::new(12.0),
    );

    // What the test set cannot measure: any rate between none and one ham.
    let step = 1.0 / n_ham as f64;
    let step_x = plot.px(step);
    svg.rect(
        LEFT,
        TOP,
        step_x - LEFT,
        HEIGHT_PLOT,
        0.0,
        Paint::fill(colour::PALE),
    );

    // Grid and axes.
    let y_ticks = ticks(y_lo, 1.0, 0.05, |v| format!("{v:.2}"));
    whole.axes(&mut svg, &[], &y_ticks);
    // No label at the log axis's start, next to the zero column's.
    let x_ticks: Vec<Tick> = nice()
        .filter(|&v| v > lo * 1.001 && v <= hi * 1.001)
        .map(|v| (v, short_percent(v)))
        .collect();
    let tick_font = Font::new(11.5).fill(colour::MUTED).middle();
    for (v, label) in x_ticks
        .iter()
        .map(|(v, l)| (plot.px(*v), l.as_str()))
        .chain([(ZERO_X, "0")])
    {
        svg.line(v, TOP, v, plot.bottom(), Paint::stroke(colour::GRID, 1.0));
        svg.text(v, plot.bottom() + 16.0, label, tick_font);
    }
    // The break between the zero column and the log axis.
    let bx = (ZERO_X + LOG_LEFT) / 2.0;
    svg.rect(
        bx - 4.0,
        plot.bottom() - 4.0,
        8.0,
        8.0,
        0.0,
        Paint::fill(colour::WHITE),
    );
    for dx in [-4.0, 1.0] {
        svg.line(
            bx + dx - 2.0,
            plot.bottom() + 5.0,
            bx + dx + 2.0,
            plot.bottom() - 5.0,
            Paint::stroke(colour::INK, 1.0),
        );
    }
    whole.x_title(
        &mut svg,
        &format!(
            "ham flagged, share of the test set's {} (log scale)",
            count(d.test_ham)
        ),
    );
    whole.y_title(
        &mut svg,
        &format!("spam recall, of {} test spam", count(d.test_spam)),
        46.0,
    );

    // The marks, each line rising above the plot to its label, one row
    // each so that labels close together do not meet.
    let three = 3.0 / n_ham as f64;
    let marks = [
        (
            SPEC_LIMIT,
            format!(
                "the spec's limit: {} ({})",
                one_in(SPEC_LIMIT),
                short_percent(SPEC_LIMIT)
            ),
            Paint::stroke(colour::INK, 1.4).dashed("5 4"),
            Font::new(12.0),
        ),
        (
            step,
            format!(
                "1 ham in {}: the finest step this test set has; shaded, what it cannot measure",
                count(d.test_ham)
            ),
            Paint::stroke(colour::MUTED, 1.2),
            NOTE,
        ),
        (
            three,
            format!(
                "3 in {} ({}): what none flagged vouches for (rule of three)",
                count(d.test_ham),
                percent(three)
            ),
            Paint::stroke(colour::MUTED, 1.2).dashed("2 3"),
            NOTE,
        ),
    ];
    for (i, (rate, label, paint, font)) in marks.iter().enumerate() {
        if *rate < lo || *rate > hi {
            continue;
        }
        let x = plot.px(*rate);
        let y = 48.0 + 16.0 * i as f64;
        svg.line(x, y + 4.0, x, plot.bottom(), *paint);
        // Long labels end at the figure's edge rather than run off it.
        let room = WIDTH - 8.0 - (x + 5.0);
        if font.width(label) <= room {
            svg.text(x + 5.0, y, label, *font);
        } else {
            svg.text(x - 5.0, y, label, font.end());
        }
    }

    // The curves, then their points.
    for curve in &d.curves {
        let (stroke, dash, _) = style(curve.model);
        let mut paint = Paint::stroke(stroke, 2.2);
        if let Some(dash) = dash {
            paint = paint.dashed(dash);
        }
        svg.polyline(&staircase(curve, n_ham, &px, &py, plot.right()), paint);
    }
    for curve in &d.curves {
        let (stroke, _, _) = style(curve.model);
        let caught = curve.caught_at(allowed);
        svg.circle(
            px(allowed),
            py(caught),
            4.5,
            Paint::fill(stroke).outlined(colour::WHITE, 1.5),
        );
        svg.text(
            px(allowed) + 8.0,
            py(caught) - 6.0,
            &format!("{:.3}", caught as f64 / n_spam as f64),
            Font::new(12.0).fill(stroke).halo(),
        );
        let half = curve.at_half;
        let (hx, hy) = (px(half.ham_flagged), py(half.spam_caught));
        svg.circle(
            hx,
            hy,
            5.0,
            Paint::fill(colour::WHITE).outlined(stroke, 2.2),
        );
    }
    // The 0.5 points' numbers, beside the lower one and above the other.
    let mut halves: Vec<&Curve> = d.curves.iter().collect();
    halves.sort_by_key(|c| c.at_half.spam_caught);
    for (i, curve) in halves.iter().enumerate() {
        let (stroke, _, _) = style(curve.model);
        let half = curve.at_half;
        let (hx, hy) = (px(half.ham_flagged), py(half.spam_caught));
        let text = format!(
            "0.5: {} of ham, recall {:.3}",
            percent(half.ham_flagged as f64 / n_ham as f64),
            half.spam_caught as f64 / n_spam as f64
        );
        let font = Font::new(12.0).fill(stroke).halo();
        if i == 0 {
            svg.text(hx + 10.0, hy + 18.0, &text, font);
        } else {
            svg.text(hx - 10.0, hy - 10.0, &text, font.end());
        }
    }
    svg.finish(
        "Spam recall against the share of ham flagged at every threshold, fastText-style model and logistic regression, random split test set",
    )
}

/// The curve as pixels: from the bottom of the zero column, up each
/// corner's rise and along its flat, to the plot's right edge.
fn staircase(
    curve: &Curve,
    n_ham: u64,
    px: &dyn Fn(u64) -> f64,
    py: &dyn Fn(u64) -> f64,
    right: f64,
) -> Vec<(f64, f64)> {
    let mut out = vec![(px(0), py(0))];
    let mut caught = 0;
    for p in &curve.points {
        if p.ham_flagged > 0 {
            out.push((px(p.ham_flagged), py(caught)));
        }
        out.push((px(p.ham_flagged), py(p.spam_caught)));
        caught = p.spam_caught;
    }
    // Flat from the last corner; flagging all ham is the axis's end or
    // beyond it.
    let end = if n_ham > 0 { right } else { px(0) };
    out.push((end, py(caught)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_data;

    #[test]
    fn percentages_are_short() {
        assert_eq!(short_percent(0.0005), "0.05%");
        assert_eq!(short_percent(0.001), "0.1%");
        assert_eq!(short_percent(0.02), "2%");
        assert_eq!(short_percent(0.5), "50%");
    }

    #[test]
    fn the_axes_hold_the_limit_the_finest_step_and_every_corner() {
        let data = test_data();
        let d = &data.operating;
        let (lo, hi) = x_range(d);
        assert!(lo < SPEC_LIMIT && lo < 1.0 / d.test_ham as f64);
        for c in &d.curves {
            let last = c.points.last().unwrap();
            assert_eq!(last.spam_caught, d.test_spam);
            assert!(last.ham_flagged as f64 / d.test_ham as f64 <= hi);
        }
        let floor = y_floor(d, 0);
        assert!(
            d.curves
                .iter()
                .all(|c| c.caught_at(0) as f64 / d.test_spam as f64 > floor)
        );
    }
}
