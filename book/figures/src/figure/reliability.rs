//! The reliability diagram of the random split's run: for each bin of test
//! scores, the mean score the model gave against the share that really was
//! spam, for the raw scores and for the scores after Platt scaling fitted on
//! the validation part, with the diagonal a calibrated model lies on.
//!
//! Nearly every message sits in the two end bins, and the middle bins hold
//! a handful each, so each dot's size grows with its bin's messages, each
//! share carries its 95% Wilson interval (wide where a bin is small), and a
//! table beside the plot gives the counts and the two end bins' numbers,
//! which the plot's scale cannot separate.

use super::{NOTE, legend_line};
use crate::data::{Data, ReliabilityBin};
use crate::plot::{Plot, Scale, ticks};
use crate::svg::{Font, Paint, Svg, colour, count, wrap};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 540.0;
const LEFT: f64 = 70.0;
const TOP: f64 = 84.0;
const SIDE: f64 = 380.0;
/// The table's left edge.
const TABLE: f64 = 488.0;
const RAW: &str = colour::PURPLE;
const CALIBRATED: &str = colour::GREEN;

/// The z of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Wilson's 95% interval for `k` of `n` (the whole range for none).
fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let d = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / d;
    let half = Z95 / d * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// A dot's radius: it grows with the log of its bin's messages, from 2.5
/// pixels for one message to about 8 for a thousand.
fn radius(messages: u64) -> f64 {
    2.5 + 2.0 * (messages.max(1) as f64).log10()
}

/// A bin's scores as the table names them: `0.3–0.4`.
fn range(bin: &ReliabilityBin) -> String {
    format!("{:.1}–{:.1}", bin.low, bin.high)
}

/// Draws the figure.
pub fn draw(data: &Data) -> String {
    let r = &data.reliability;
    let mut svg = Svg::new(WIDTH, HEIGHT);
    let calibrated = !r.after.is_empty();

    // Legend and what the marks mean.
    let mut x = LEFT;
    x = legend_line(&mut svg, x, 20.0, RAW, None, "raw scores");
    if calibrated {
        x = legend_line(
            &mut svg,
            x,
            20.0,
            CALIBRATED,
            Some("7 3"),
            "after Platt scaling",
        );
    }
    legend_line(
        &mut svg,
        x,
        20.0,
        colour::MUTED,
        Some("4 3"),
        "calibrated: spam share = score",
    );
    svg.text(
        LEFT,
        44.0,
        &format!(
            "The random split's {} test messages in bins of scores 0.1 wide; each dot is one bin.",
            count(r.test_messages())
        ),
        NOTE,
    );
    svg.text(
        LEFT,
        60.0,
        "Bigger dots hold more messages; bars are 95% intervals of the share of spam.",
        NOTE,
    );

    let plot = Plot {
        left: LEFT,
        top: TOP,
        width: SIDE,
        height: SIDE,
        x: Scale::Linear { lo: 0.0, hi: 1.0 },
        y: Scale::Linear { lo: 0.0, hi: 1.0 },
    };
    let tenths = ticks(0.0, 1.0, 0.1, |v| {
        if v == 0.0 {
            "0".to_owned()
        } else {
            format!("{v:.1}")
        }
    });
    plot.axes(&mut svg, &tenths, &tenths);
    plot.x_title(
        &mut svg,
        "mean score of the bin's messages: what the model said",
    );
    plot.y_title(&mut svg, "share of them that is spam: what came true", 44.0);
    let (x0, y0) = plot.at(0.0, 0.0);
    let (x1, y1) = plot.at(1.0, 1.0);
    svg.line(
        x0,
        y0,
        x1,
        y1,
        Paint::stroke(colour::MUTED, 1.4).dashed("4 3"),
    );

    // The calibrated series first, so the raw one stays on top.
    let mut series: Vec<(&[ReliabilityBin], &'static str, Option<&'static str>)> = Vec::new();
    if calibrated {
        series.push((&r.after, CALIBRATED, Some("7 3")));
    }
    series.push((&r.before, RAW, None));
    for &(table, stroke, _) in &series {
        for bin in table.iter().filter(|b| b.count > 0) {
            let (low, high) = wilson(bin.spam(), bin.count);
            let (bx, by_low) = plot.at(bin.mean_score, low);
            svg.line(bx, by_low, bx, plot.py(high), Paint::stroke(stroke, 1.3));
        }
    }
    for &(table, stroke, dash) in &series {
        let points: Vec<(f64, f64)> = table
            .iter()
            .filter(|b| b.count > 0)
            .map(|b| plot.at(b.mean_score, b.spam_share))
            .collect();
        let mut paint = Paint::stroke(stroke, 2.0);
        if let Some(d) = dash {
            paint = paint.dashed(d);
        }
        svg.polyline(&points, paint);
    }
    for &(table, stroke, _) in &series {
        for bin in table.iter().filter(|b| b.count > 0) {
            let (cx, cy) = plot.at(bin.mean_score, bin.spam_share);
            svg.circle(
                cx,
                cy,
                radius(bin.count),
                Paint::fill(stroke).outlined(colour::WHITE, 1.2),
            );
        }
    }

    table(&mut svg, data);
    svg.finish(
        "Reliability diagram of the random split's test scores, raw and after Platt scaling fitted on the validation split",
    )
}

/// The table beside the plot: messages per bin, then the errors, the fit
/// and the two end bins.
fn table(svg: &mut Svg, data: &Data) {
    let r = &data.reliability;
    let calibrated = !r.after.is_empty();
    let head = Font::new(12.5).bold();
    let cell = Font::new(12.0);
    let (raw_x, after_x) = (TABLE + 130.0, TABLE + 210.0);
    svg.text(TABLE, TOP + 4.0, "Messages per bin", head);
    let mut y = TOP + 26.0;
    svg.text(TABLE, y, "scores", cell.fill(colour::MUTED));
    svg.text(raw_x, y, "raw", cell.fill(RAW).end());
    if calibrated {
        svg.text(after_x, y, "after", cell.fill(CALIBRATED).end());
    }
    svg.line(
        TABLE,
        y + 6.0,
        after_x,
        y + 6.0,
        Paint::stroke(colour::LINE, 1.0),
    );
    for (i, bin) in r.before.iter().enumerate() {
        y += 18.0;
        svg.text(TABLE, y, &range(bin), cell);
        svg.text(raw_x, y, &count(bin.count), cell.end());
        if let Some(after) = r.after.get(i) {
            svg.text(after_x, y, &count(after.count), cell.end());
        }
    }

    y += 34.0;
    svg.text(TABLE, y, "Expected calibration error", head);
    y += 20.0;
    svg.text(
        TABLE,
        y,
        &format!("raw {:.4}", r.ece_before),
        cell.fill(RAW),
    );
    if let Some(after) = r.ece_after {
        svg.text(
            TABLE + 100.0,
            y,
            &format!("after {after:.4}"),
            cell.fill(CALIBRATED),
        );
    }
    let mut notes: Vec<String> = Vec::new();
    if let Some(p) = r.platt {
        notes.push(format!(
            "Platt scaling, fitted on the {} validation messages: a = {:.2}, b = {:.2}.",
            count(r.valid_messages),
            p.a,
            p.b
        ));
    } else {
        notes.push("No Platt scaling could be fitted on validation.".to_owned());
    }
    for (bin, after) in [r.before.first(), r.before.last()]
        .into_iter()
        .flatten()
        .map(|b| (b, r.after.iter().find(|a| a.low == b.low)))
    {
        let mean = match after {
            Some(a) if a.count > 0 => {
                format!("{:.4} raw, {:.4} after", bin.mean_score, a.mean_score)
            }
            _ => format!("{:.4}", bin.mean_score),
        };
        let share = match after {
            Some(a)
                if a.count > 0
                    && format!("{:.4}", a.spam_share) != format!("{:.4}", bin.spam_share) =>
            {
                format!("{:.4} raw, {:.4} after", bin.spam_share, a.spam_share)
            }
            _ => format!("{:.4}", bin.spam_share),
        };
        notes.push(format!(
            "Scores {}: mean score {mean}; share of spam {share}.",
            range(bin)
        ));
    }
    y += 10.0;
    for note in notes {
        y += 8.0;
        for line in wrap(&note, WIDTH - 8.0 - TABLE, NOTE) {
            y += 15.0;
            svg.text(TABLE, y, &line, NOTE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_data;

    #[test]
    fn wilson_matches_the_labs_values() {
        // The evaluate lab's checks: 0 of 10 and 3 of 820.
        let (low, high) = wilson(0, 10);
        assert!(low.abs() < 1e-12 && (high - 0.277_532_799_862_889_2).abs() < 1e-12);
        let (low, high) = wilson(3, 820);
        assert!((low - 0.001_244_995_941_198_376_7).abs() < 1e-12);
        assert!((high - 0.010_700_820_472_049_262).abs() < 1e-12);
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }

    #[test]
    fn every_message_is_in_a_bin_and_the_dots_stay_small() {
        let data = test_data();
        let r = &data.reliability;
        let total = r.test_messages();
        assert!(total > 0);
        if !r.after.is_empty() {
            assert_eq!(r.after.iter().map(|b| b.count).sum::<u64>(), total);
            assert_eq!(r.after.len(), r.before.len());
        }
        assert!(radius(total) < 10.0);
        assert_eq!(range(&r.before[0]), "0.0–0.1");
    }
}
