//! One module per figure; each draws its SVG from the [`Data`](crate::data::Data).

pub mod confusion;
pub mod kappa;
pub mod loss;
pub mod mime_tree;
pub mod operating;
pub mod pipeline;
pub mod reliability;
pub mod rule_of_three;
pub mod splits;

use crate::svg::{Font, Paint, Svg, colour, count};

/// The spec's constraint: at most this share of real mail flagged, one in a
/// thousand (`max_ham_flagged_rate` in `labs/frame/spec.toml`, the framing
/// chapter's choice).
pub(crate) const SPEC_LIMIT: f64 = 0.001;

/// "1 in N" for a rate.
pub(crate) fn one_in(rate: f64) -> String {
    format!("1 in {}", count((1.0 / rate).round() as u64))
}

/// A legend entry: a short line in `stroke` (dashed when `dash` is set),
/// then `label`. Returns where the next entry may start.
pub(crate) fn legend_line(
    svg: &mut Svg,
    x: f64,
    y: f64,
    stroke: &'static str,
    dash: Option<&'static str>,
    label: &str,
) -> f64 {
    let mut paint = Paint::stroke(stroke, 2.5);
    if let Some(d) = dash {
        paint = paint.dashed(d);
    }
    svg.line(x, y - 4.0, x + 24.0, y - 4.0, paint);
    let font = Font::new(12.0);
    svg.text(x + 30.0, y, label, font);
    x + 30.0 + font.width(label) + 18.0
}

/// A legend entry: a filled square, then `label`. Returns where the next
/// entry may start.
pub(crate) fn legend_box(svg: &mut Svg, x: f64, y: f64, fill: &'static str, label: &str) -> f64 {
    svg.rect(x, y - 11.0, 13.0, 13.0, 2.0, Paint::fill(fill));
    let font = Font::new(12.0);
    svg.text(x + 19.0, y, label, font);
    x + 19.0 + font.width(label) + 18.0
}

/// A rate as a percentage with two decimals: `0.61%`.
pub(crate) fn percent(rate: f64) -> String {
    format!("{:.2}%", rate * 100.0)
}

/// A quiet note in the figure's muted colour.
pub(crate) const NOTE: Font = Font::new(11.5).fill(colour::MUTED);

#[cfg(test)]
mod tests {
    /// The figures draw the course's spec (the solution in
    /// `labs/frame/spec.toml`), whose limit the framing chapter chose.
    #[test]
    fn the_limit_is_the_specs() {
        let spec = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs/frame/spec.toml"),
        )
        .unwrap();
        // A learner workspace's spec holds the learner's own number, or
        // none yet; the figures show the course's.
        if !spec.contains("BEGIN SOLUTION") {
            return;
        }
        let line = spec
            .lines()
            .find_map(|l| l.trim().strip_prefix("max_ham_flagged_rate"))
            .expect("the spec sets max_ham_flagged_rate");
        let value: f64 = line.trim_start_matches([' ', '=']).trim().parse().unwrap();
        assert_eq!(value, super::SPEC_LIMIT);
    }
}
