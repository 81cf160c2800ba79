//! Cohen's kappa against prevalence for two annotators whose raw agreement
//! does not change: the labeling chapter's two careful people, each wrong on
//! 5% of messages independently, on streams with more or less spam.

use super::NOTE;
use crate::data::Data;
use crate::plot::{Plot, Scale, ticks};
use crate::svg::{Font, Paint, Svg, colour};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 394.0;
/// The chapter's annotators: each wrong on this share of messages.
const ERROR: f64 = 0.05;
/// A second, less careful pair, for the shape.
const ERROR_WIDE: f64 = 0.10;

/// Raw agreement, chance agreement and kappa of two annotators who are each
/// wrong on `error` of the messages, independently, on a stream with
/// `prevalence` spam.
pub fn agreement(prevalence: f64, error: f64) -> (f64, f64, f64) {
    let observed = (1.0 - error).powi(2) + error.powi(2);
    // The share each of them calls spam.
    let q = prevalence * (1.0 - error) + (1.0 - prevalence) * error;
    let chance = q * q + (1.0 - q) * (1.0 - q);
    (observed, chance, (observed - chance) / (1.0 - chance))
}

/// Draws the figure.
pub fn draw(data: &Data) -> String {
    let mut svg = Svg::new(WIDTH, HEIGHT);
    let plot = Plot {
        left: 64.0,
        top: 28.0,
        width: 470.0,
        height: 320.0,
        x: Scale::Linear { lo: 0.0, hi: 0.5 },
        y: Scale::Linear { lo: 0.0, hi: 1.0 },
    };
    plot.axes(
        &mut svg,
        &ticks(0.0, 0.5, 0.1, |v| format!("{:.0}%", v * 100.0)),
        &ticks(0.0, 1.0, 0.2, |v| format!("{v:.1}")),
    );
    plot.x_title(&mut svg, "share of the stream that is spam");
    plot.y_title(&mut svg, "agreement, or kappa", 44.0);

    let steps = 100;
    let curve = |f: &dyn Fn(f64) -> f64| -> Vec<(f64, f64)> {
        (0..=steps)
            .map(|i| {
                let p = 0.5 * i as f64 / steps as f64;
                (p, f(p))
            })
            .collect()
    };
    let share = data.random.spam() as f64 / data.random.total().max(1) as f64;
    // The corpus's own share, behind the curves.
    let sx = plot.px(share);
    svg.line(
        sx,
        plot.top,
        sx,
        plot.bottom(),
        Paint::stroke(colour::LINE, 1.2).dashed("3 3"),
    );
    svg.text(sx + 5.0, plot.bottom() - 26.0, "the real corpus,", NOTE);
    svg.text(
        sx + 5.0,
        plot.bottom() - 12.0,
        &format!("cleaned: {:.1}% spam", share * 100.0),
        NOTE,
    );

    let (_, _, here) = agreement(share, ERROR);
    let (hx, hy) = plot.at(share, here);
    svg.circle(
        hx,
        hy,
        4.5,
        Paint::fill(colour::INK).outlined(colour::WHITE, 1.5),
    );
    svg.text(
        hx - 8.0,
        hy - 10.0,
        &format!("kappa {here:.2}"),
        Font::new(12.0).end().halo(),
    );

    let series = [
        (
            curve(&|p| agreement(p, ERROR).0),
            Paint::stroke(colour::GREEN, 2.0).dashed("7 4"),
            format!("raw agreement {:.3}", agreement(0.5, ERROR).0),
        ),
        (
            curve(&|p| agreement(p, ERROR).1),
            Paint::stroke(colour::PURPLE, 2.0).dashed("2 3"),
            "agreement by chance".to_owned(),
        ),
        (
            curve(&|p| agreement(p, ERROR).2),
            Paint::stroke(colour::INK, 2.5),
            "kappa".to_owned(),
        ),
        (
            curve(&|p| agreement(p, ERROR_WIDE).2),
            Paint::stroke(colour::LINE, 2.0),
            format!("kappa if each is wrong {:.0}%", ERROR_WIDE * 100.0),
        ),
    ];
    for (points, paint, label) in &series {
        plot.series(&mut svg, points, *paint, false);
        if let Some(&(x, y)) = points.last() {
            svg.text(
                plot.px(x) + 8.0,
                plot.py(y) + 4.0,
                label,
                Font::new(12.0).fill(paint.stroke.unwrap_or(colour::INK)),
            );
        }
    }
    svg.text(
        plot.right() + 8.0,
        plot.top + 4.0,
        &format!("two annotators, each wrong {:.0}%:", ERROR * 100.0),
        NOTE,
    );

    // The chapter's two streams.
    for (p, label_right) in [(0.5, false), (0.05, true)] {
        let (_, _, k) = agreement(p, ERROR);
        let (x, y) = plot.at(p, k);
        svg.circle(
            x,
            y,
            4.5,
            Paint::fill(colour::INK).outlined(colour::WHITE, 1.5),
        );
        let text = format!("{:.0}% spam: kappa {k:.2}", p * 100.0);
        if label_right {
            svg.text(x + 10.0, y + 18.0, &text, Font::new(12.0).halo());
        } else {
            svg.text(x - 8.0, y + 20.0, &text, Font::new(12.0).end().halo());
        }
    }
    svg.finish("Cohen's kappa falls with prevalence while raw agreement stays the same")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chapters_numbers() {
        let (o, e, k) = agreement(0.5, 0.05);
        assert!((o - 0.905).abs() < 1e-12);
        assert!((e - 0.5).abs() < 1e-12);
        assert!((k - 0.81).abs() < 1e-12);
        let (o, e, k) = agreement(0.05, 0.05);
        assert!((o - 0.905).abs() < 1e-12);
        assert!((e - 0.83).abs() < 0.005, "{e}");
        assert!((k - 0.45).abs() < 0.005, "{k}");
        // No spam at all: everything they agree on is chance.
        assert!(agreement(0.0, 0.05).2.abs() < 1e-12);
    }
}
