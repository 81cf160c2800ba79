//! Agreement: how often two raters agree, and how much of that is chance.
//!
//! A rater is an annotator, or the corpus's own labels ("gold"). Two raters
//! who both call almost everything ham agree almost always, and learn nothing
//! from it; Cohen's kappa subtracts the agreement their label shares would
//! produce by chance and scales the rest so that 1 is perfect agreement and
//! 0 is no better than chance.

use ninety_kit::labels::Choice;
use std::collections::BTreeMap;

/// The table and the figures `agreement` returns: records the label stage
/// writes, so their types live in the kit.
pub use ninety_kit::records::label::{Agreement, CurvePoint, Table};

/// Compares two raters over `pairs`, one `(first, second)` per item.
pub fn agreement(pairs: &[(Choice, Choice)]) -> Agreement {
    // BEGIN SOLUTION: compare the two raters: their table of counts, how often they
    //   agree, how often chance alone would make them agree, and Cohen's kappa
    let mut table: Table = [[0; 3]; 3];
    for &(a, b) in pairs {
        table[a.index()][b.index()] += 1;
    }
    let items = pairs.len();
    if items == 0 {
        return Agreement {
            items,
            observed: 0.0,
            expected: 0.0,
            kappa: None,
            table,
        };
    }
    let n = items as f64;
    let observed = (0..3).map(|i| table[i][i]).sum::<usize>() as f64 / n;
    let expected = (0..3)
        .map(|k| {
            let row: usize = table[k].iter().sum();
            let column: usize = table.iter().map(|r| r[k]).sum();
            (row as f64 / n) * (column as f64 / n)
        })
        .sum::<f64>();
    // Chance agreement is exactly 1 only when both raters gave every item
    // one and the same label (each share is then n / n, exactly 1).
    let kappa = (expected < 1.0).then(|| (observed - expected) / (1.0 - expected));
    Agreement {
        items,
        observed,
        expected,
        kappa,
        table,
    }
    // END SOLUTION
}

/// The items both raters labeled, in id order, with each one's label.
pub fn paired(
    first: &BTreeMap<String, Choice>,
    second: &BTreeMap<String, Choice>,
) -> Vec<(String, Choice, Choice)> {
    // BEGIN SOLUTION: line up the two raters' labels on the ids both of them labeled
    first
        .iter()
        .filter_map(|(id, &a)| second.get(id).map(|&b| (id.clone(), a, b)))
        .collect()
    // END SOLUTION
}

/// Agreement with gold over consecutive windows of `window` decisions, in the
/// order they were made: how an annotator's labels improve with practice.
/// `history` holds `(annotator's label, gold label)` in decision order; a
/// last window shorter than half of `window` is left out (too few to say).
///
/// Given: it is built on your [`agreement`].
pub fn learning_curve(history: &[(Choice, Choice)], window: usize) -> Vec<CurvePoint> {
    let window = window.max(1);
    let mut points = Vec::new();
    let mut after = 0;
    for chunk in history.chunks(window) {
        after += chunk.len();
        if chunk.len() * 2 < window {
            break;
        }
        let a = agreement(chunk);
        points.push(CurvePoint {
            after,
            observed: a.observed,
            kappa: a.kappa,
        });
    }
    points
}
