//! Label errors: the labels most worth a second look.
//!
//! Every labeled dataset has wrong labels; the public corpora that papers
//! report on are no exception. Nobody can re-check six thousand labels, but a
//! few dozen chosen well is an afternoon: the ones a confident model
//! disagrees with, and the ones most other annotators labeled differently.

use ninety_kit::labels::Choice;

/// A label to check, with the evidence about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Labeled {
    /// The item's id.
    pub id: String,
    /// The label under suspicion.
    pub label: Choice,
    /// A model's spam probability for the item, if there is a model.
    pub score: Option<f64>,
    /// The labels other annotators gave the same item.
    pub others: Vec<Choice>,
}

/// Why a label is suspect, and a probable label error: records the label
/// stage writes, so their types live in the kit.
pub use ninety_kit::records::label::{Suspect, Why};

/// The probable errors among `items`. An `unsure` label is never suspect
/// (it claims nothing). A spam or ham label is suspect:
///
/// - by the model, when its score says the other class with at least
///   `confidence`: a ham label with `score >= confidence`, or a spam label
///   with `score <= 1 - confidence`;
/// - by the annotators, when at least two others gave spam or ham and more
///   than half of those gave the other label.
///
/// Strongest first: two reasons before one; then the model's distance from
/// 0.5, largest first (a suspect without a model reason counts as 0); then
/// by id.
pub fn suspects(items: &[Labeled], confidence: f64) -> Vec<Suspect> {
    // BEGIN SOLUTION: find the labels worth a second look and list them strongest first
    let mut out: Vec<(Suspect, f64)> = Vec::new();
    for item in items {
        let other = match item.label {
            Choice::Spam => Choice::Ham,
            Choice::Ham => Choice::Spam,
            Choice::Unsure => continue,
        };
        let mut why = Vec::new();
        let mut distance = 0.0;
        if let Some(score) = item.score {
            let against = match item.label {
                Choice::Ham => score >= confidence,
                _ => score <= 1.0 - confidence,
            };
            if against {
                why.push(Why::Model { score });
                distance = (score - 0.5).abs();
            }
        }
        let of = item.others.iter().filter(|&&c| c != Choice::Unsure).count();
        let against = item.others.iter().filter(|&&c| c == other).count();
        if of >= 2 && against * 2 > of {
            why.push(Why::Annotators { against, of });
        }
        if !why.is_empty() {
            out.push((
                Suspect {
                    id: item.id.clone(),
                    label: item.label,
                    why,
                },
                distance,
            ));
        }
    }
    out.sort_by(|(a, da), (b, db)| {
        b.why
            .len()
            .cmp(&a.why.len())
            .then(db.total_cmp(da))
            .then(a.id.cmp(&b.id))
    });
    out.into_iter().map(|(s, _)| s).collect()
    // END SOLUTION
}
