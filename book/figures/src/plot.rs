//! Axes for the line charts: a linear or a base-10 logarithmic scale, the
//! grid and ticks, and series drawn through them.

use crate::svg::{Font, Paint, Svg, colour};

/// How values map onto one axis of a plot.
#[derive(Debug, Clone, Copy)]
pub enum Scale {
    /// Evenly spaced values from `lo` to `hi`.
    Linear {
        /// The value at the axis's start.
        lo: f64,
        /// The value at its end.
        hi: f64,
    },
    /// Evenly spaced powers of ten from `lo` to `hi` (both above zero).
    Log {
        /// The value at the axis's start.
        lo: f64,
        /// The value at its end.
        hi: f64,
    },
}

impl Scale {
    /// Where `v` falls between the axis's ends, 0 to 1 (outside for values
    /// beyond them).
    pub fn fraction(&self, v: f64) -> f64 {
        match *self {
            Scale::Linear { lo, hi } => (v - lo) / (hi - lo),
            Scale::Log { lo, hi } => (v.log10() - lo.log10()) / (hi.log10() - lo.log10()),
        }
    }
}

/// A plot area in a figure: its place and its two scales.
#[derive(Debug, Clone, Copy)]
pub struct Plot {
    /// Left edge of the area, in pixels.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// The horizontal scale.
    pub x: Scale,
    /// The vertical scale.
    pub y: Scale,
}

/// A tick: its value and its label.
pub type Tick = (f64, String);

const TICK_FONT: Font = Font::new(11.5).fill(colour::MUTED);

impl Plot {
    /// The pixel column of `x`.
    pub fn px(&self, x: f64) -> f64 {
        self.left + self.x.fraction(x) * self.width
    }

    /// The pixel row of `y`.
    pub fn py(&self, y: f64) -> f64 {
        self.top + self.height - self.y.fraction(y) * self.height
    }

    /// The pixel position of a point.
    pub fn at(&self, x: f64, y: f64) -> (f64, f64) {
        (self.px(x), self.py(y))
    }

    /// The bottom edge.
    pub fn bottom(&self) -> f64 {
        self.top + self.height
    }

    /// The right edge.
    pub fn right(&self) -> f64 {
        self.left + self.width
    }

    /// Grid lines and labels at `xs` and `ys`, then the two axis lines.
    pub fn axes(&self, svg: &mut Svg, xs: &[Tick], ys: &[Tick]) {
        for (v, label) in xs {
            let x = self.px(*v);
            svg.line(
                x,
                self.top,
                x,
                self.bottom(),
                Paint::stroke(colour::GRID, 1.0),
            );
            svg.text(x, self.bottom() + 16.0, label, TICK_FONT.middle());
        }
        for (v, label) in ys {
            let y = self.py(*v);
            svg.line(
                self.left,
                y,
                self.right(),
                y,
                Paint::stroke(colour::GRID, 1.0),
            );
            svg.text(self.left - 6.0, y + 4.0, label, TICK_FONT.end());
        }
        svg.line(
            self.left,
            self.bottom(),
            self.right(),
            self.bottom(),
            Paint::stroke(colour::INK, 1.0),
        );
        svg.line(
            self.left,
            self.top,
            self.left,
            self.bottom(),
            Paint::stroke(colour::INK, 1.0),
        );
    }

    /// The horizontal axis's title, centred under its labels.
    pub fn x_title(&self, svg: &mut Svg, title: &str) {
        svg.text(
            self.left + self.width / 2.0,
            self.bottom() + 36.0,
            title,
            Font::new(12.5).middle(),
        );
    }

    /// The vertical axis's title, turned, `gap` pixels left of the axis.
    pub fn y_title(&self, svg: &mut Svg, title: &str, gap: f64) {
        svg.text_up(
            self.left - gap,
            self.top + self.height / 2.0,
            title,
            Font::new(12.5),
        );
    }

    /// A line through `points` (in data values), with a dot on each when
    /// `dots` is set.
    pub fn series(&self, svg: &mut Svg, points: &[(f64, f64)], paint: Paint, dots: bool) {
        let px: Vec<(f64, f64)> = points.iter().map(|&(x, y)| self.at(x, y)).collect();
        svg.polyline(&px, paint);
        if dots {
            for &(x, y) in &px {
                svg.circle(
                    x,
                    y,
                    3.0,
                    Paint::fill(paint.stroke.unwrap_or(colour::INK)).outlined(colour::WHITE, 1.0),
                );
            }
        }
    }
}

/// Ticks every `step` from `lo` to `hi`, labelled by `label`.
pub fn ticks(lo: f64, hi: f64, step: f64, label: impl Fn(f64) -> String) -> Vec<Tick> {
    let n = ((hi - lo) / step + 1e-9).floor() as i64;
    (0..=n)
        .map(|i| {
            let v = lo + i as f64 * step;
            (v, label(v))
        })
        .collect()
}

/// A tick at every power of ten from `10^lo` to `10^hi`, labelled by `label`.
pub fn decades(lo: i32, hi: i32, label: impl Fn(f64) -> String) -> Vec<Tick> {
    (lo..=hi)
        .map(|e| {
            let v = 10f64.powi(e);
            (v, label(v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_put_their_ends_at_the_plot_edges() {
        let plot = Plot {
            left: 10.0,
            top: 20.0,
            width: 100.0,
            height: 50.0,
            x: Scale::Log {
                lo: 10.0,
                hi: 1000.0,
            },
            y: Scale::Linear { lo: 0.0, hi: 1.0 },
        };
        assert_eq!(plot.px(10.0), 10.0);
        assert!((plot.px(100.0) - 60.0).abs() < 1e-9);
        assert_eq!(plot.px(1000.0), 110.0);
        assert_eq!(plot.py(0.0), 70.0);
        assert_eq!(plot.py(1.0), 20.0);
    }

    #[test]
    fn ticks_include_both_ends() {
        let t = ticks(0.0, 1.0, 0.25, |v| format!("{v}"));
        assert_eq!(t.len(), 5);
        assert_eq!(t[4].0, 1.0);
        assert_eq!(decades(1, 3, |v| format!("{v}")).len(), 3);
    }
}
