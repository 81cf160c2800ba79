//! The rule of three: after `n` clean trials, the upper end of a 95%
//! interval for the true rate, exact and approximated by 3/n, with the
//! framing chapter's examples and the real test sets marked on it.

use super::{NOTE, SPEC_LIMIT as LIMIT, legend_line, one_in};
use crate::data::Data;
use crate::plot::{Plot, Scale, decades};
use crate::svg::{Font, Paint, Svg, colour, count};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 400.0;
/// The chapter's example of a test that is too small.
const SMALL_TEST: u64 = 500;

/// The exact upper 95% bound on a rate after `n` trials with no error:
/// the rate `p` at which `n` clean trials happen 5% of the time.
pub fn exact_bound(n: f64) -> f64 {
    1.0 - 0.05f64.powf(1.0 / n)
}

/// Draws the figure.
pub fn draw(data: &Data) -> String {
    let mut svg = Svg::new(WIDTH, HEIGHT);
    let plot = Plot {
        left: 108.0,
        top: 24.0,
        width: 586.0,
        height: 330.0,
        x: Scale::Log {
            lo: 10.0,
            hi: 100_000.0,
        },
        y: Scale::Log { lo: 1e-5, hi: 1.0 },
    };
    let xs = decades(1, 5, |v| count(v as u64));
    let ys = decades(
        -5,
        0,
        |v| {
            if v >= 1.0 { "1 in 1".into() } else { one_in(v) }
        },
    );
    plot.axes(&mut svg, &xs, &ys);
    plot.x_title(&mut svg, "ham tested, none of them flagged");
    plot.y_title(&mut svg, "upper 95% bound on the true rate", 92.0);

    // The constraint and the sample it needs.
    let needed = 3.0 / LIMIT;
    let guide = Paint::stroke(colour::MUTED, 1.2).dashed("5 4");
    svg.line(
        plot.left,
        plot.py(LIMIT),
        plot.right(),
        plot.py(LIMIT),
        guide,
    );
    svg.text(
        plot.left + 8.0,
        plot.py(LIMIT) - 6.0,
        &format!("the spec's limit: {}", one_in(LIMIT)),
        NOTE,
    );
    svg.line(
        plot.px(needed),
        plot.py(LIMIT),
        plot.px(needed),
        plot.bottom(),
        guide,
    );
    svg.text(
        plot.px(needed) + 6.0,
        plot.bottom() - 8.0,
        &format!("{} ham needed", count(needed as u64)),
        NOTE,
    );

    // The two curves.
    let steps = 160;
    let exact: Vec<(f64, f64)> = (0..=steps)
        .map(|i| {
            let n = 10f64.powf(1.0 + 4.0 * i as f64 / steps as f64);
            (n, exact_bound(n))
        })
        .collect();
    plot.series(
        &mut svg,
        &[(10.0, 0.3), (100_000.0, 3e-5)],
        Paint::stroke(colour::SPAM, 2.0).dashed("7 4"),
        false,
    );
    plot.series(&mut svg, &exact, Paint::stroke(colour::INK, 2.0), false);

    // The examples: the chapter's small test, the real test set, all the
    // clean ham the corpus has.
    let test_ham = data.random.part("test").map_or(0, |p| p.ham);
    let all_ham = data.random.total() - data.random.spam();
    // Labels go where the curve is not: below and left of a point, or
    // above and right of it.
    let marks = [
        (SMALL_TEST, format!("{SMALL_TEST} ham"), false),
        (
            test_ham,
            format!("the random split's test set, {} ham", count(test_ham)),
            true,
        ),
        (
            all_ham,
            format!("all {} clean ham in the corpus", count(all_ham)),
            false,
        ),
    ];
    for (n, what, above) in marks {
        if n == 0 {
            continue;
        }
        let bound = exact_bound(n as f64);
        let (x, y) = plot.at(n as f64, bound);
        svg.circle(
            x,
            y,
            4.5,
            Paint::fill(colour::HAM).outlined(colour::WHITE, 1.5),
        );
        let bound_text = format!("at most {}", one_in(bound));
        if above {
            svg.text(x + 9.0, y - 20.0, &what, Font::new(12.0).halo());
            svg.text(x + 9.0, y - 6.0, &bound_text, NOTE.halo());
        } else {
            svg.text(x - 9.0, y + 18.0, &what, Font::new(12.0).end().halo());
            svg.text(x - 9.0, y + 32.0, &bound_text, NOTE.end().halo());
        }
    }

    let lx = plot.right() - 230.0;
    legend_line(
        &mut svg,
        lx,
        plot.top + 24.0,
        colour::INK,
        None,
        "exact: 1 − 0.05^(1/n)",
    );
    legend_line(
        &mut svg,
        lx,
        plot.top + 44.0,
        colour::SPAM,
        Some("7 4"),
        "rule of three: 3/n",
    );
    svg.finish("The rule of three: the highest error rate still likely after n clean trials")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exact_bound_is_close_to_three_over_n() {
        // The chapter's check: 0.999 to the 3,000th is just under 5%.
        assert!(exact_bound(3000.0) < 0.001);
        assert!((exact_bound(3000.0) * 3000.0 - 3.0).abs() < 0.01);
        assert!((exact_bound(10.0) - 0.2589).abs() < 1e-4);
    }
}
