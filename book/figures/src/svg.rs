//! A small SVG writer: the shapes and text every figure is made of, written
//! the same way every time.
//!
//! Every figure goes through this one writer, so all of them share a
//! palette, a font stack and a number format, and the same data always
//! gives the same bytes (coordinates are rounded to a tenth of a pixel, and
//! nothing depends on the clock, the machine or a hash order). That is what
//! lets `draw --check` compare a committed figure with a fresh one byte for
//! byte.

use std::fmt::Write as _;

/// The font every label uses: the generic family, so the figure renders
/// with whatever sans-serif face the reader's system has.
pub const SANS: &str = "sans-serif";
/// The font for file names and code.
pub const MONO: &str = "monospace";

/// The colours, chosen to stay apart for readers with the common forms of
/// colour blindness (after Okabe and Ito's palette) and to read on the white
/// ground every figure has, whatever the book's theme.
pub mod colour {
    /// Spam, everywhere.
    pub const SPAM: &str = "#d55e00";
    /// Spam, light: areas.
    pub const SPAM_LIGHT: &str = "#f6c9a6";
    /// Ham, everywhere.
    pub const HAM: &str = "#0072b2";
    /// Ham, light: areas.
    pub const HAM_LIGHT: &str = "#b4d5ec";
    /// A third series.
    pub const GREEN: &str = "#009e73";
    /// A fourth series, and highlights.
    pub const PURPLE: &str = "#8f4d9e";
    /// Text and axes.
    pub const INK: &str = "#222222";
    /// Secondary text.
    pub const MUTED: &str = "#5f5f5f";
    /// Grid lines and quiet rules.
    pub const GRID: &str = "#e3e3e3";
    /// Box outlines.
    pub const LINE: &str = "#9a9a9a";
    /// Quiet fills.
    pub const PALE: &str = "#f2f2f2";
    /// The ground.
    pub const WHITE: &str = "#ffffff";
}

/// A number as SVG wants it: at most one decimal, no `-0`, no trailing `.0`.
pub fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Text made safe for SVG content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A count with thousands separators, as the book writes them: `5,714`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How wide `text` is at `size` pixels, roughly. Good enough to size a box
/// or place a label beside a line; generous, so that wider faces still fit.
pub fn text_width(text: &str, size: f64, mono: bool) -> f64 {
    let per = if mono { 0.62 } else { 0.56 };
    text.chars().count() as f64 * size * per
}

/// Where text is anchored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// At its left end.
    Start,
    /// At its middle.
    Middle,
    /// At its right end.
    End,
}

/// How a piece of text looks.
#[derive(Debug, Clone, Copy)]
pub struct Font {
    /// Size in pixels.
    pub size: f64,
    /// Bold or not.
    pub bold: bool,
    /// Italic or not.
    pub italic: bool,
    /// Monospace or not.
    pub mono: bool,
    /// Its colour.
    pub fill: &'static str,
    /// Where it is anchored.
    pub anchor: Anchor,
    /// Whether a white outline keeps it readable over lines it crosses.
    pub halo: bool,
}

impl Font {
    /// Plain text at `size`, left-anchored, in ink.
    pub const fn new(size: f64) -> Self {
        Font {
            size,
            bold: false,
            italic: false,
            mono: false,
            fill: colour::INK,
            anchor: Anchor::Start,
            halo: false,
        }
    }

    /// With a white outline, to stay readable over lines.
    pub const fn halo(self) -> Self {
        Font { halo: true, ..self }
    }

    /// Bold.
    pub const fn bold(self) -> Self {
        Font { bold: true, ..self }
    }

    /// Italic.
    pub const fn italic(self) -> Self {
        Font {
            italic: true,
            ..self
        }
    }

    /// Monospace.
    pub const fn mono(self) -> Self {
        Font { mono: true, ..self }
    }

    /// In `fill`.
    pub const fn fill(self, fill: &'static str) -> Self {
        Font { fill, ..self }
    }

    /// Anchored at its middle.
    pub const fn middle(self) -> Self {
        Font {
            anchor: Anchor::Middle,
            ..self
        }
    }

    /// Anchored at its right end.
    pub const fn end(self) -> Self {
        Font {
            anchor: Anchor::End,
            ..self
        }
    }

    /// How wide `text` is in this font, roughly.
    pub fn width(&self, text: &str) -> f64 {
        text_width(text, self.size, self.mono) * if self.bold { 1.06 } else { 1.0 }
    }
}

/// How a shape is painted.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    /// The fill, or none.
    pub fill: Option<&'static str>,
    /// The stroke, or none.
    pub stroke: Option<&'static str>,
    /// The stroke's width.
    pub width: f64,
    /// A dash pattern (`"4 3"`), or a solid line.
    pub dash: Option<&'static str>,
    /// The fill's opacity, 0 to 1.
    pub opacity: f64,
}

impl Paint {
    /// Filled with `fill`, no outline.
    pub const fn fill(fill: &'static str) -> Self {
        Paint {
            fill: Some(fill),
            stroke: None,
            width: 1.0,
            dash: None,
            opacity: 1.0,
        }
    }

    /// An outline of `width` in `stroke`, not filled.
    pub const fn stroke(stroke: &'static str, width: f64) -> Self {
        Paint {
            fill: None,
            stroke: Some(stroke),
            width,
            dash: None,
            opacity: 1.0,
        }
    }

    /// Adds an outline.
    pub const fn outlined(self, stroke: &'static str, width: f64) -> Self {
        Paint {
            stroke: Some(stroke),
            width,
            ..self
        }
    }

    /// Dashed.
    pub const fn dashed(self, dash: &'static str) -> Self {
        Paint {
            dash: Some(dash),
            ..self
        }
    }

    /// With the fill at `opacity`.
    pub const fn opacity(self, opacity: f64) -> Self {
        Paint { opacity, ..self }
    }

    fn attrs(&self) -> String {
        let mut s = format!(" fill=\"{}\"", self.fill.unwrap_or("none"));
        if self.opacity < 1.0 {
            let _ = write!(s, " fill-opacity=\"{}\"", self.opacity);
        }
        if let Some(stroke) = self.stroke {
            let _ = write!(s, " stroke=\"{stroke}\" stroke-width=\"{}\"", self.width);
            if let Some(dash) = self.dash {
                let _ = write!(s, " stroke-dasharray=\"{dash}\"");
            }
        }
        s
    }
}

/// An SVG document being written.
#[derive(Debug)]
pub struct Svg {
    width: f64,
    height: f64,
    body: String,
}

impl Svg {
    /// A blank white figure of `width` × `height` pixels.
    pub fn new(width: f64, height: f64) -> Self {
        let mut svg = Svg {
            width,
            height,
            body: String::new(),
        };
        svg.rect(0.0, 0.0, width, height, 0.0, Paint::fill(colour::WHITE));
        svg
    }

    /// The figure's width.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// A rectangle with corners rounded by `radius`.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, radius: f64, paint: Paint) {
        let _ = write!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0))
        );
        if radius > 0.0 {
            let _ = write!(self.body, " rx=\"{}\"", num(radius));
        }
        let _ = writeln!(self.body, "{}/>", paint.attrs());
    }

    /// A straight line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, paint: Paint) {
        let _ = writeln!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            paint.attrs()
        );
    }

    /// Joined straight segments through `points`.
    pub fn polyline(&mut self, points: &[(f64, f64)], paint: Paint) {
        if points.is_empty() {
            return;
        }
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let _ = writeln!(
            self.body,
            "<polyline points=\"{}\" stroke-linejoin=\"round\"{}/>",
            pts.join(" "),
            paint.attrs()
        );
    }

    /// A closed shape through `points`.
    pub fn polygon(&mut self, points: &[(f64, f64)], paint: Paint) {
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let _ = writeln!(
            self.body,
            "<polygon points=\"{}\"{}/>",
            pts.join(" "),
            paint.attrs()
        );
    }

    /// A circle.
    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, paint: Paint) {
        let _ = writeln!(
            self.body,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{}/>",
            num(cx),
            num(cy),
            num(r),
            paint.attrs()
        );
    }

    /// An arrow from `(x1, y1)` to `(x2, y2)`, its head at the end.
    pub fn arrow(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, paint: Paint) {
        self.line(x1, y1, x2, y2, paint);
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        let (ux, uy) = (dx / len, dy / len);
        let head = 7.0;
        let half = 3.5;
        let base = (x2 - ux * head, y2 - uy * head);
        let colour = paint.stroke.unwrap_or(colour::INK);
        self.polygon(
            &[
                (x2, y2),
                (base.0 - uy * half, base.1 + ux * half),
                (base.0 + uy * half, base.1 - ux * half),
            ],
            Paint::fill(colour),
        );
    }

    /// One line of text with its baseline at `y`.
    pub fn text(&mut self, x: f64, y: f64, text: &str, font: Font) {
        let anchor = match font.anchor {
            Anchor::Start => "",
            Anchor::Middle => " text-anchor=\"middle\"",
            Anchor::End => " text-anchor=\"end\"",
        };
        let _ = writeln!(
            self.body,
            "<text x=\"{}\" y=\"{}\" font-family=\"{}\" font-size=\"{}\"{}{}{} fill=\"{}\"{}>{}</text>",
            num(x),
            num(y),
            if font.mono { MONO } else { SANS },
            num(font.size),
            if font.bold {
                " font-weight=\"bold\""
            } else {
                ""
            },
            if font.italic {
                " font-style=\"italic\""
            } else {
                ""
            },
            anchor,
            font.fill,
            if font.halo {
                " stroke=\"#ffffff\" stroke-width=\"4\" stroke-linejoin=\"round\" paint-order=\"stroke\""
            } else {
                ""
            },
            esc(text)
        );
    }

    /// Text turned a quarter anticlockwise about `(x, y)`: an axis title.
    pub fn text_up(&mut self, x: f64, y: f64, text: &str, font: Font) {
        let _ = writeln!(
            self.body,
            "<text transform=\"translate({},{}) rotate(-90)\" font-family=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
            num(x),
            num(y),
            if font.mono { MONO } else { SANS },
            num(font.size),
            font.fill,
            esc(text)
        );
    }

    /// Lines of text, `leading` pixels apart, the first baseline at `y`.
    pub fn lines(&mut self, x: f64, y: f64, lines: &[&str], leading: f64, font: Font) {
        for (i, line) in lines.iter().enumerate() {
            self.text(x, y + i as f64 * leading, line, font);
        }
    }

    /// The finished document, with `title` for screen readers and tooltips.
    pub fn finish(self, title: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\">\n<title>{t}</title>\n{body}</svg>\n",
            w = num(self.width),
            h = num(self.height),
            t = esc(title),
            body = self.body
        )
    }
}

/// `text` cut into lines of at most `max` pixels in `font`, at spaces.
pub fn wrap(text: &str, max: f64, font: Font) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if font.width(&candidate) > max && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(2.25), "2.3");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(-1.26), "-1.3");
    }

    #[test]
    fn counts_read_as_the_book_writes_them() {
        assert_eq!(count(5), "5");
        assert_eq!(count(820), "820");
        assert_eq!(count(5714), "5,714");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn text_is_escaped() {
        let mut svg = Svg::new(10.0, 10.0);
        svg.text(0.0, 0.0, "a <b> & \"c\"", Font::new(10.0));
        let out = svg.finish("t & u");
        assert!(out.contains("a &lt;b&gt; &amp; &quot;c&quot;"));
        assert!(out.contains("<title>t &amp; u</title>"));
    }

    #[test]
    fn wrapping_keeps_every_word_in_order() {
        let font = Font::new(10.0);
        let text = "the quick brown fox jumps over the lazy dog";
        let lines = wrap(text, 60.0, font);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
    }
}
