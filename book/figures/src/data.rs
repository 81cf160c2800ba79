//! The figures' data files: what `capture` takes from the real outputs and
//! `draw` turns into pictures.
//!
//! They live in `book/figures/data/`, are committed, and are meant to be
//! read by people: small, pretty-printed JSON, every figure's numbers in one
//! place, each file saying where it came from. Nothing else is read by
//! `draw`, so a figure can always be traced to the file, and the file to
//! the run or the message it was captured from.

use ninety_kit::metrics::Counts;
use ninety_kit::{Label, ModelKind, SplitKind};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The MIME tree of one real message.
pub const MIME_FILE: &str = "mime-tree.json";
/// The random split's run.
pub const TRAIN_RANDOM_FILE: &str = "train-random.json";
/// The time split's run.
pub const TRAIN_TIME_FILE: &str = "train-time.json";
/// The random split's run, message by message: its operating points.
pub const OPERATING_FILE: &str = "operating-points.json";
/// The random split's run, evaluated: its reliability tables.
pub const RELIABILITY_FILE: &str = "reliability.json";

/// Every data file, in the order `capture` writes them.
pub const FILES: [&str; 5] = [
    MIME_FILE,
    TRAIN_RANDOM_FILE,
    TRAIN_TIME_FILE,
    OPERATING_FILE,
    RELIABILITY_FILE,
];

/// Why a data file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// It could not be read or written.
    #[error("`{path}`: {source}; run `cargo run -p ninety-figures -- capture` to make it")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// It is not what that file holds.
    #[error("`{path}` is not a figure data file of its kind: {source}; capture it again")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What serde found.
        source: serde_json::Error,
    },
}

/// One part of a message's MIME tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MimeNode {
    /// Its content type, lowercase (`multipart/alternative`, `text/plain`).
    pub content_type: String,
    /// The charset it declares, lowercase, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// Its `Content-Transfer-Encoding`, lowercase, if it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_encoding: Option<String>,
    /// The file name an attachment gives, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// How many bytes its body takes in the message file, encoded.
    pub sent_bytes: u64,
    /// For a text part: how many characters it decodes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_chars: Option<u64>,
    /// For any other leaf: how many bytes it decodes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoded_bytes: Option<u64>,
    /// Whether this is the part the gather stage kept as the body.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub kept: bool,
    /// Its parts, for a multipart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<MimeNode>,
}

impl MimeNode {
    /// How many leaves are under it (itself, for a leaf).
    pub fn leaves(&self) -> usize {
        if self.parts.is_empty() {
            1
        } else {
            self.parts.iter().map(MimeNode::leaves).sum()
        }
    }

    /// How many levels it spans.
    pub fn depth(&self) -> usize {
        1 + self.parts.iter().map(MimeNode::depth).max().unwrap_or(0)
    }
}

/// One real message, part by part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MimeData {
    /// Where it came from and how to make it again, in words.
    pub about: String,
    /// The corpus.
    pub corpus: String,
    /// The message's path in the corpus.
    pub path: String,
    /// The SHA-256 of the file: the message's id everywhere downstream.
    pub sha256: String,
    /// The file's size.
    pub bytes: u64,
    /// Its gold label.
    pub label: Label,
    /// Its decoded subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// The whole message.
    pub root: MimeNode,
}

/// How many messages of each kind one part of a split holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartCounts {
    /// `train`, `valid` or `test`.
    pub part: String,
    /// Its spam.
    pub spam: u64,
    /// Its ham.
    pub ham: u64,
    /// Its messages from the earlier collection.
    pub period_1: u64,
    /// Its messages from the later collection.
    pub period_2: u64,
}

impl PartCounts {
    /// All its messages.
    pub fn total(&self) -> u64 {
        self.spam + self.ham
    }
}

/// One epoch of a run, as the figures need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochPoint {
    /// 1-based.
    pub epoch: usize,
    /// Mean loss over the training batches.
    pub train_loss: f64,
    /// Mean loss over the validation examples.
    pub valid_loss: f64,
    /// Validation spam F1 at a 0.5 threshold; `null` when it is undefined
    /// (nothing flagged).
    pub valid_f1: Option<f64>,
}

/// One real training run: its split, its test counts, its epochs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainData {
    /// Where it came from and how to make it again, in words.
    pub about: String,
    /// The run's id.
    pub run_id: String,
    /// The corpus.
    pub corpus: String,
    /// The model.
    pub model: ModelKind,
    /// The split.
    pub split: SplitKind,
    /// The seed.
    pub seed: u64,
    /// The most epochs the loop allows.
    pub max_epochs: usize,
    /// How many epochs without improvement end the run.
    pub patience: usize,
    /// The split's parts, train, valid, test.
    pub parts: Vec<PartCounts>,
    /// What the kept model did on the test part.
    pub test: Counts,
    /// The epoch whose model was kept: the lowest validation loss, by the
    /// loop's own rule.
    pub best_epoch: usize,
    /// Every epoch run.
    pub epochs: Vec<EpochPoint>,
}

impl TrainData {
    /// The part called `name`.
    pub fn part(&self, name: &str) -> Option<&PartCounts> {
        self.parts.iter().find(|p| p.part == name)
    }

    /// All its messages.
    pub fn total(&self) -> u64 {
        self.parts.iter().map(PartCounts::total).sum()
    }

    /// All its spam.
    pub fn spam(&self) -> u64 {
        self.parts.iter().map(|p| p.spam).sum()
    }
}

/// One operating point: what flagging every test message whose score is at
/// least `threshold` does.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OperatingPoint {
    /// The lowest threshold that gives this point: the score of the
    /// lowest-scoring message it flags (a message is flagged when its score
    /// is at least the threshold, as the train loop decides at 0.5).
    pub threshold: f32,
    /// Test ham flagged.
    pub ham_flagged: u64,
    /// Test spam caught.
    pub spam_caught: u64,
}

/// One model's operating-point curve on the test part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// The model.
    pub model: ModelKind,
    /// Its point at the train loop's threshold, 0.5.
    pub at_half: OperatingPoint,
    /// The curve's corners, by rising `ham_flagged`: for each count of ham
    /// flagged at which the most spam a threshold can catch grows, that
    /// most. Between two corners the curve is flat, so these points alone
    /// give the whole staircase (or, where a long curve was thinned, a
    /// staircase that never lies above it). The last catches every spam.
    pub points: Vec<OperatingPoint>,
}

impl Curve {
    /// The most spam any threshold catches while flagging at most `ham`
    /// ham, by the stored corners.
    pub fn caught_at(&self, ham: u64) -> u64 {
        self.points
            .iter()
            .take_while(|p| p.ham_flagged <= ham)
            .map(|p| p.spam_caught)
            .max()
            .unwrap_or(0)
    }
}

/// The random split's run, message by message: each model's operating
/// points on the test part, from the run's `predictions.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperatingData {
    /// Where it came from and how to make it again, in words.
    pub about: String,
    /// The run's id.
    pub run_id: String,
    /// The corpus.
    pub corpus: String,
    /// The split.
    pub split: SplitKind,
    /// The seed.
    pub seed: u64,
    /// The test part's spam: recall is `spam_caught` over this.
    pub test_spam: u64,
    /// The test part's ham: the ham-flagged rate is `ham_flagged` over this.
    pub test_ham: u64,
    /// The model the run trained, then the logistic regression beside it.
    pub curves: Vec<Curve>,
}

impl OperatingData {
    /// The curve of `model`, if the run has one.
    pub fn curve(&self, model: ModelKind) -> Option<&Curve> {
        self.curves.iter().find(|c| c.model == model)
    }
}

/// One bin of a reliability table: the test messages whose score fell in
/// `low..high` (the last bin takes 1.0 too).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// The bin's lowest score.
    pub low: f64,
    /// Its highest.
    pub high: f64,
    /// Test messages in it.
    pub count: u64,
    /// Their mean score: what the model said (0 for an empty bin).
    pub mean_score: f64,
    /// The share of them that are spam: what came true (0 for an empty
    /// bin).
    pub spam_share: f64,
}

impl ReliabilityBin {
    /// How many of its messages are spam.
    pub fn spam(&self) -> u64 {
        (self.spam_share * self.count as f64).round() as u64
    }
}

/// Platt scaling's two numbers: a calibrated score is
/// 1 / (1 + e^−(a·x + b)), x the raw score's log-odds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    /// The slope on the log-odds: below 1 pulls scores in from 0 and 1.
    pub a: f64,
    /// The shift.
    pub b: f64,
}

/// The random split's run as the evaluate stage judged it: the reliability
/// tables of its test scores, raw and after Platt scaling fitted on
/// validation, from the run's `evaluation.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityData {
    /// Where it came from and how to make it again, in words.
    pub about: String,
    /// The run's id.
    pub run_id: String,
    /// The corpus.
    pub corpus: String,
    /// The split.
    pub split: SplitKind,
    /// The seed.
    pub seed: u64,
    /// The validation messages Platt scaling was fitted on.
    pub valid_messages: u64,
    /// The expected calibration error of the raw test scores.
    pub ece_before: f64,
    /// After Platt scaling (absent when nothing could be fitted).
    pub ece_after: Option<f64>,
    /// Platt scaling's numbers, fitted on validation (absent when nothing
    /// could be fitted).
    pub platt: Option<Platt>,
    /// The raw scores' table, every bin from the lowest, empty ones too.
    pub before: Vec<ReliabilityBin>,
    /// The calibrated scores' table (empty when nothing could be fitted).
    pub after: Vec<ReliabilityBin>,
}

impl ReliabilityData {
    /// The test messages in the table.
    pub fn test_messages(&self) -> u64 {
        self.before.iter().map(|b| b.count).sum()
    }
}

/// Everything the figures are drawn from.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    /// The MIME tree.
    pub mime: MimeData,
    /// The random split's run.
    pub random: TrainData,
    /// The time split's run.
    pub time: TrainData,
    /// The random split's run's operating points.
    pub operating: OperatingData,
    /// The random split's run's reliability tables.
    pub reliability: ReliabilityData,
}

impl Data {
    /// Reads the data files in `dir`.
    pub fn load(dir: &Path) -> Result<Self, DataError> {
        Ok(Data {
            mime: read(&dir.join(MIME_FILE))?,
            random: read(&dir.join(TRAIN_RANDOM_FILE))?,
            time: read(&dir.join(TRAIN_TIME_FILE))?,
            operating: read(&dir.join(OPERATING_FILE))?,
            reliability: read(&dir.join(RELIABILITY_FILE))?,
        })
    }

    /// Each file's name and its contents as written.
    pub fn files(&self) -> Vec<(&'static str, String)> {
        vec![
            (MIME_FILE, pretty(&self.mime)),
            (TRAIN_RANDOM_FILE, pretty(&self.random)),
            (TRAIN_TIME_FILE, pretty(&self.time)),
            // A point a line: a curve stays a screenful.
            (OPERATING_FILE, pretty_flat_below(&self.operating, 4)),
            // A bin a line: each table a screenful.
            (RELIABILITY_FILE, pretty_flat_below(&self.reliability, 2)),
        ]
    }

    /// Writes the data files into `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), DataError> {
        std::fs::create_dir_all(dir).map_err(|source| DataError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        for (name, text) in self.files() {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|source| DataError::Io { path, source })?;
        }
        Ok(())
    }
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, DataError> {
    let text = std::fs::read_to_string(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| DataError::Parse {
        path: path.to_path_buf(),
        source,
    })
}

fn pretty<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("figure data always serialises");
    text.push('\n');
    text
}

/// Like [`pretty`], but every object or array nested deeper than `depth`
/// containers is written on one line.
fn pretty_flat_below<T: Serialize>(value: &T, depth: usize) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        FlatBelow {
            pretty: serde_json::ser::PrettyFormatter::new(),
            depth: 0,
            flat_below: depth,
        },
    );
    value
        .serialize(&mut ser)
        .expect("figure data always serialises");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

/// serde_json's pretty layout down to `flat_below` levels, one line below.
struct FlatBelow {
    pretty: serde_json::ser::PrettyFormatter<'static>,
    depth: usize,
    flat_below: usize,
}

impl FlatBelow {
    fn flat(&self) -> bool {
        self.depth > self.flat_below
    }
}

impl serde_json::ser::Formatter for FlatBelow {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        if self.flat() {
            w.write_all(b"[")
        } else {
            self.pretty.begin_array(w)
        }
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        let result = if self.flat() {
            w.write_all(b"]")
        } else {
            self.pretty.end_array(w)
        };
        self.depth -= 1;
        result
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if self.flat() {
            w.write_all(if first { b"" } else { b", " })
        } else {
            self.pretty.begin_array_value(w, first)
        }
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        if self.flat() {
            Ok(())
        } else {
            self.pretty.end_array_value(w)
        }
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        if self.flat() {
            w.write_all(b"{")
        } else {
            self.pretty.begin_object(w)
        }
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        let result = if self.flat() {
            w.write_all(b"}")
        } else {
            self.pretty.end_object(w)
        };
        self.depth -= 1;
        result
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if self.flat() {
            w.write_all(if first { b"" } else { b", " })
        } else {
            self.pretty.begin_object_key(w, first)
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        if self.flat() {
            w.write_all(b": ")
        } else {
            self.pretty.begin_object_value(w)
        }
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        if self.flat() {
            Ok(())
        } else {
            self.pretty.end_object_value(w)
        }
    }
}

/// `v` rounded to six decimals: enough for a figure, short enough to read.
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_files_read_back_as_written_and_the_committed_ones_are_that() {
        let data = crate::test_data();
        let dir = tempfile::tempdir().unwrap();
        data.save(dir.path()).unwrap();
        assert_eq!(Data::load(dir.path()).unwrap(), data);
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        for (name, text) in data.files() {
            assert_eq!(
                std::fs::read_to_string(committed.join(name)).unwrap(),
                text,
                "{name}"
            );
        }
        // A point a line, the rest laid out as the other files are.
        let (_, text) = &data.files()[3];
        let points: usize = data.operating.curves.iter().map(|c| c.points.len()).sum();
        let lines = text
            .lines()
            .filter(|l| l.trim_start().starts_with("{\"threshold\": "));
        assert_eq!(lines.count(), points);
        assert!(text.contains("\n  \"test_ham\": "));
        assert!(text.contains("\"at_half\": {\n"));
        // A bin a line.
        let (_, text) = &data.files()[4];
        let bins = data.reliability.before.len() + data.reliability.after.len();
        let lines = text
            .lines()
            .filter(|l| l.trim_start().starts_with("{\"low\": "));
        assert_eq!(lines.count(), bins);
        assert!(text.contains("\"platt\": {\n"));
    }
}
