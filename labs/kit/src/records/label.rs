//! The label stages' records: the labeling queue, and what the labels add up to.

use crate::labels::Choice;
use crate::vocab::QueueOrder;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

// ANCHOR: agreement
/// A 3×3 table of counts: rows are the first rater's labels, columns the
/// second's, both in the order of [`Choice::ALL`] (spam, ham, unsure), so
/// `table[0][1]` counts the items the first called spam and the second ham.
pub type Table = [[usize; 3]; 3];

/// How two raters compare on the items both labeled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// Items both labeled.
    pub items: usize,
    /// The share of those items on which they gave the same label (0 when
    /// there are none).
    pub observed: f64,
    /// The share they would agree on by chance, given how often each uses
    /// each label: the sum over labels of the product of the two raters'
    /// shares (0 when there are no items).
    pub expected: f64,
    /// Cohen's kappa, `(observed - expected) / (1 - expected)`; `None` when
    /// there are no items or `expected` is 1 (both raters used one and the
    /// same label for everything, and kappa is undefined).
    pub kappa: Option<f64>,
    /// The confusion between them.
    pub table: Table,
}
// ANCHOR_END: agreement

/// One point of a learning curve: agreement with gold over a window of
/// consecutive decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// How many decisions the annotator had made at the end of the window.
    pub after: usize,
    /// The window's agreement with gold.
    pub observed: f64,
    /// The window's kappa against gold.
    pub kappa: Option<f64>,
}

// ANCHOR: suspect
/// Why a label is suspect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Why {
    /// A confident model says the other class: `score` is its spam
    /// probability.
    Model {
        /// The model's spam probability.
        score: f64,
    },
    /// Most of the other annotators who gave spam or ham gave the other one.
    Annotators {
        /// How many of them gave the other label.
        against: usize,
        /// How many gave spam or ham at all.
        of: usize,
    },
}

/// A probable label error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suspect {
    /// The item's id.
    pub id: String,
    /// Its label under suspicion.
    pub label: Choice,
    /// The evidence, model first.
    pub why: Vec<Why>,
}
// ANCHOR_END: suspect

/// One annotator's queue (`label/<corpus>-queue-<annotator>/queue.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    /// The corpus (checked when read back: it names folders).
    pub corpus: crate::names::CorpusName,
    /// Whose queue (checked when read back: it names their log).
    pub annotator: crate::names::AnnotatorName,
    /// The order asked for.
    pub order: QueueOrder,
    /// Why that order could not be used (the lab's code for it is not
    /// written yet): the queue is then in id order, which, ids being
    /// hashes, is as good as shuffled.
    #[serde(default)]
    pub fallback: Option<String>,
    /// The seed.
    pub seed: u64,
    /// The message ids, in queue order.
    pub ids: Vec<String>,
}

/// The `label-queue` stage's summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueSummary {
    /// The corpus.
    pub corpus: String,
    /// Whose queue.
    pub annotator: String,
    /// The order asked for.
    pub order: QueueOrder,
    /// Why it was not used, if it was not (see [`Queue::fallback`]).
    pub fallback: Option<String>,
    /// Messages in the queue.
    pub messages: usize,
    /// The queue file.
    pub artifact: PathBuf,
    /// Wall time of the stage.
    pub seconds: f64,
}

/// A label that differs from the corpus's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldDifference {
    /// The item.
    pub id: String,
    /// Its subject.
    pub subject: String,
    /// The annotator's label.
    pub label: Choice,
    /// The corpus's label.
    pub gold: Choice,
}

/// One annotator's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnotatorStats {
    /// Records written, undos included.
    pub decisions: usize,
    /// Decisions taken back.
    pub undos: usize,
    /// Items with a current label.
    pub labels: usize,
    /// Items whose current decision is a skip.
    pub skipped: usize,
    /// Current labels by choice.
    pub by_label: BTreeMap<Choice, usize>,
    /// Notes written.
    pub notes: usize,
    /// Time spent deciding, in minutes.
    pub minutes: f64,
    /// Labels per minute of that time.
    pub labels_per_minute: Option<f64>,
    /// Kappa against gold (`None` until the lab's agreement is written, or
    /// when undefined).
    pub kappa_vs_gold: Option<f64>,
    /// The whole comparison with gold.
    pub vs_gold: Option<Agreement>,
    /// Agreement with gold per window of decisions.
    pub curve: Option<Vec<CurvePoint>>,
    /// Labels that differ from gold (the first few).
    pub against_gold: Vec<GoldDifference>,
}

/// Two annotators compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairAgreement {
    /// The first.
    pub a: String,
    /// The second.
    pub b: String,
    /// How they agree on the items both labeled.
    #[serde(flatten)]
    pub agreement: Agreement,
}

/// An item annotators labeled differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disagreement {
    /// The item.
    pub id: String,
    /// Its subject.
    pub subject: String,
    /// Each annotator's label.
    pub labels: BTreeMap<String, Choice>,
    /// The corpus's label.
    pub gold: Option<Choice>,
}

/// A probable label error, with whose label it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuspectRow {
    /// Whose label.
    pub annotator: String,
    /// The item.
    pub id: String,
    /// Its subject.
    pub subject: String,
    /// The label under suspicion.
    pub label: Choice,
    /// The corpus's label.
    pub gold: Option<Choice>,
    /// The evidence.
    pub why: Vec<Why>,
}

/// The `label` stage's summary: what every annotator's labels add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelStats {
    /// The corpus.
    pub corpus: String,
    /// The folder of the label logs.
    pub logs: PathBuf,
    /// Each annotator's figures, by name.
    pub annotators: BTreeMap<String, AnnotatorStats>,
    /// Each pair of annotators compared.
    pub pairs: Vec<PairAgreement>,
    /// Items labeled by two or more annotators.
    pub shared_items: usize,
    /// Items they labeled differently (the first few).
    pub disagreements: Vec<Disagreement>,
    /// Probable label errors, strongest first (the first few per annotator).
    pub suspects: Vec<SuspectRow>,
    /// Log lines that could not be read.
    pub problems: Vec<String>,
    /// Figures left out because the lab's code for them is not written yet.
    pub not_computed: Vec<String>,
    /// Wall time of the stage.
    pub seconds: f64,
}
