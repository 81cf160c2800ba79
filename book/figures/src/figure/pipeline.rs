//! The course's pipeline: the eight stages in order and what each one
//! writes for the next. The stages are the kit's own list, so a stage added
//! there does not compile here until the diagram says what it writes.

use crate::data::Data;
use crate::svg::{Font, Paint, Svg, colour};
use ninety_kit::Stage;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 354.0;
const BOX_W: f64 = 158.0;
const BOX_H: f64 = 124.0;
const GAP_X: f64 = 18.0;
const LEFT: f64 = 16.0;
const ROW_TOP: [f64; 2] = [20.0, 214.0];
const HEAD_H: f64 = 26.0;

/// One line in a stage's box: a file name (monospace) or words.
enum Line {
    File(&'static str),
    Words(&'static str),
}

/// What a stage writes, and whether its lab exists yet.
fn writes(stage: Stage) -> (bool, Vec<Line>) {
    use Line::{File, Words};
    match stage {
        Stage::Frame => (
            true,
            vec![
                Words("your problem spec:"),
                File("spec.toml"),
                Words("the judged baseline:"),
                File("summary.json"),
            ],
        ),
        Stage::Gather => (
            true,
            vec![
                File("clean.jsonl"),
                File("duplicates.jsonl"),
                File("quarantine.jsonl"),
                File("report.json"),
            ],
        ),
        Stage::Label => (
            true,
            vec![
                Words("a label log each:"),
                File("<annotator>.jsonl"),
                Words("a queue to label:"),
                File("queue.json"),
            ],
        ),
        Stage::Train => (
            true,
            vec![
                File("runs/<run id>/"),
                File("  run.json"),
                File("  config.json"),
                File("  split.json"),
                File("  model.mpk"),
            ],
        ),
        Stage::Evaluate => (
            true,
            vec![
                File("runs/<run id>/"),
                File("  evaluation.json"),
                File("  model-card.md"),
                Words("and in the registry:"),
                File("models/<model id>/"),
            ],
        ),
        Stage::Deploy => (
            false,
            vec![
                Words("a running service"),
                Words("and its prediction log:"),
                File("predictions.jsonl"),
            ],
        ),
        Stage::Monitor => (
            false,
            vec![
                Words("a monitoring report"),
                Words("with the alerts"),
                Words("it raised"),
            ],
        ),
        Stage::Iterate => (
            false,
            vec![
                Words("a new model, its"),
                Words("evaluation, and the"),
                Words("decision to ship it"),
            ],
        ),
    }
}

/// Where the `i`th stage's box is: the first row left to right, the second
/// right to left, so the flow turns once.
fn place(i: usize) -> (f64, f64) {
    let (row, col) = (i / 4, i % 4);
    let col = if row == 0 { col } else { 3 - col };
    (LEFT + col as f64 * (BOX_W + GAP_X), ROW_TOP[row.min(1)])
}

/// Draws the figure (from no data: the stages are the kit's).
pub fn draw(_: &Data) -> String {
    let mut svg = Svg::new(WIDTH, HEIGHT);
    let arrow = Paint::stroke(colour::INK, 1.6);
    for (i, &stage) in Stage::ALL.iter().enumerate() {
        let (x, y) = place(i);
        let (written, lines) = writes(stage);
        let outline = if written {
            Paint::fill(colour::WHITE).outlined(colour::INK, 1.4)
        } else {
            Paint::fill(colour::WHITE)
                .outlined(colour::LINE, 1.4)
                .dashed("5 4")
        };
        svg.rect(x, y, BOX_W, BOX_H, 6.0, outline);
        let head = if written {
            colour::HAM_LIGHT
        } else {
            colour::PALE
        };
        svg.rect(
            x + 1.0,
            y + 1.0,
            BOX_W - 2.0,
            HEAD_H - 1.0,
            5.0,
            Paint::fill(head),
        );
        let ink = if written { colour::INK } else { colour::MUTED };
        svg.text(
            x + 10.0,
            y + 18.0,
            &format!("{} {}", i + 1, stage.as_str()),
            Font::new(13.5).bold().fill(ink),
        );
        if !written {
            svg.text(
                x + BOX_W - 10.0,
                y + 18.0,
                "to come",
                Font::new(11.0).italic().end().fill(colour::MUTED),
            );
        }
        for (j, line) in lines.iter().enumerate() {
            let ly = y + HEAD_H + 20.0 + j as f64 * 18.0;
            match line {
                Line::File(name) => svg.text(x + 10.0, ly, name, Font::new(11.5).mono().fill(ink)),
                Line::Words(words) => {
                    svg.text(x + 10.0, ly, words, Font::new(11.5).fill(colour::MUTED))
                }
            }
        }
        // The arrow to the next stage.
        if i + 1 < Stage::ALL.len() {
            let (nx, ny) = place(i + 1);
            if ny == y {
                let mid = y + BOX_H / 2.0;
                if nx > x {
                    svg.arrow(x + BOX_W + 2.0, mid, nx - 2.0, mid, arrow);
                } else {
                    svg.arrow(x - 2.0, mid, nx + BOX_W + 2.0, mid, arrow);
                }
            } else {
                let cx = x + BOX_W / 2.0;
                svg.arrow(cx, y + BOX_H + 2.0, cx, ny - 2.0, arrow);
            }
        }
    }
    // The loop: what monitoring finds sends the work back upstream.
    let last = Stage::ALL.len() - 1;
    let (lx, ly) = place(last);
    let (fx, fy) = place(0);
    let cx = lx + BOX_W / 2.0;
    debug_assert!((cx - (fx + BOX_W / 2.0)).abs() < 1e-9);
    svg.arrow(
        cx,
        ly - 2.0,
        cx,
        fy + BOX_H + 2.0,
        Paint::stroke(colour::INK, 1.6).dashed("5 4"),
    );
    svg.text(
        cx + 8.0,
        (ly + fy + BOX_H) / 2.0 + 4.0,
        "relabel, gather more, retrain, or change the spec",
        Font::new(11.5).italic().fill(colour::MUTED),
    );
    svg.finish("The eight stages of the course and the files each one writes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_has_a_place_and_the_flow_turns_once() {
        assert_eq!(Stage::ALL.len(), 8);
        assert_eq!(place(3).0, place(4).0, "train sits above evaluate");
        assert_eq!(place(0).0, place(7).0, "iterate comes back under frame");
        for i in 0..8 {
            let (x, y) = place(i);
            assert!(x + BOX_W <= WIDTH && y + BOX_H <= HEIGHT);
        }
    }
}
