//! The label store: every labeling decision, one JSON line each, never rewritten.
//!
//! Each annotator has a log per corpus, `<data dir>/labels/<corpus>/<annotator>.jsonl`.
//! A decision is appended as one line with one `write` on a file opened for
//! appending, before the labeling screen moves on: a workbench killed at any
//! moment loses at most the decision it was writing. Nothing is ever changed
//! in place. An undo is a record of its own, so the log tells the whole story
//! of a session, and the current labels are what the log adds up to
//! ([`replay`]): a later decision on an item replaces an earlier one, and an
//! undo takes back the annotator's latest surviving decision on that item.
//!
//! A line that does not read (a torn last record, a hand edit gone wrong) is
//! reported with its file and line number and skipped; the rest of the log
//! stays usable. [`export`] and [`read_import`] speak the JSON-lines shapes
//! that Prodigy and Label Studio users know. An import is checked line by
//! line against the corpus before anything is written, and
//! [`plan_import`] leaves out what the logs already hold, so the same file
//! imported twice adds its decisions once.

use crate::corpus::Label;
use crate::home::DataHome;
use crate::names::{AnnotatorName, CorpusName, NameError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A label a person can give a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    /// Unwanted bulk mail, by the guidelines' definition.
    Spam,
    /// Mail the recipient wants, or would not mind.
    Ham,
    /// The annotator cannot tell, even with the guidelines.
    Unsure,
}

impl Choice {
    /// Every choice, in table order.
    pub const ALL: [Choice; 3] = [Choice::Spam, Choice::Ham, Choice::Unsure];

    /// Its name in logs and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Spam => "spam",
            Choice::Ham => "ham",
            Choice::Unsure => "unsure",
        }
    }

    /// Its row or column in a 3×3 table ordered as [`Choice::ALL`].
    pub fn index(self) -> usize {
        match self {
            Choice::Spam => 0,
            Choice::Ham => 1,
            Choice::Unsure => 2,
        }
    }

    /// The corpus's own (gold) label as a choice.
    pub fn from_gold(label: Label) -> Self {
        match label {
            Label::Spam => Choice::Spam,
            Label::Ham => Choice::Ham,
        }
    }
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Choice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "spam" => Ok(Choice::Spam),
            "ham" => Ok(Choice::Ham),
            "unsure" => Ok(Choice::Unsure),
            other => Err(format!(
                "unknown label `{other}`; expected spam, ham or unsure"
            )),
        }
    }
}

/// What one record of the log says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    /// Labeled spam.
    Spam,
    /// Labeled ham.
    Ham,
    /// Labeled unsure.
    Unsure,
    /// Seen and passed over for now; it comes back at the end of the queue.
    Skip,
    /// Takes back the annotator's latest surviving decision on the item.
    Undo,
}

impl Mark {
    /// The label this record gives, if it gives one.
    pub fn choice(self) -> Option<Choice> {
        match self {
            Mark::Spam => Some(Choice::Spam),
            Mark::Ham => Some(Choice::Ham),
            Mark::Unsure => Some(Choice::Unsure),
            Mark::Skip | Mark::Undo => None,
        }
    }
}

impl From<Choice> for Mark {
    fn from(c: Choice) -> Self {
        match c {
            Choice::Spam => Mark::Spam,
            Choice::Ham => Mark::Ham,
            Choice::Unsure => Mark::Unsure,
        }
    }
}

// ANCHOR: decision
/// One record of a label log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The message, by the SHA-256 of its raw bytes (its id everywhere).
    pub item: String,
    /// What the annotator did.
    pub label: Mark,
    /// Who did it.
    pub annotator: String,
    /// When, RFC 3339 in UTC.
    pub at: String,
    /// Milliseconds the message was on screen before the decision.
    #[serde(default)]
    pub ms: u64,
    /// A note for a hard case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
// ANCHOR_END: decision

/// What can go wrong with label logs.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    /// A log cannot be read or written.
    #[error("label log `{path}`: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An annotator name that cannot name a file.
    #[error(transparent)]
    BadAnnotator(#[from] NameError),
}

/// A line of a log that could not be used: reported, skipped, the rest kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineProblem {
    /// The file.
    pub path: PathBuf,
    /// Its 1-based line number.
    pub line: usize,
    /// What was wrong and what was expected.
    pub problem: String,
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} line {}: {}",
            self.path.display(),
            self.line,
            self.problem
        )
    }
}

/// Checks that `name` can name an annotator (and their log file).
pub fn check_annotator(name: &str) -> Result<(), LabelError> {
    AnnotatorName::new(name).map(drop).map_err(LabelError::from)
}

/// The folder of a corpus's label logs.
pub fn labels_dir(home: &DataHome, corpus: &CorpusName) -> PathBuf {
    home.root().join("labels").join(corpus.as_str())
}

/// The log of one annotator on one corpus.
pub fn log_path(home: &DataHome, corpus: &CorpusName, annotator: &AnnotatorName) -> PathBuf {
    labels_dir(home, corpus).join(format!("{annotator}.jsonl"))
}

/// Reads the records of a log's text; `path` only names it in problems.
pub fn parse_log(text: &str, path: &Path) -> (Vec<Decision>, Vec<LineProblem>) {
    let mut decisions = Vec::new();
    let mut problems = Vec::new();
    let torn_end = !text.is_empty() && !text.ends_with('\n');
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let problem = match serde_json::from_str::<Decision>(line) {
            Ok(d) if d.item.trim().is_empty() => Some("`item` is empty; expected a message id".into()),
            Ok(d) => match check_annotator(&d.annotator) {
                Ok(()) => {
                    decisions.push(d);
                    None
                }
                Err(e) => Some(e.to_string()),
            },
            Err(_) if torn_end && i + 1 == lines.len() => Some(
                "the last record is cut short (the program was stopped while writing it); it is ignored"
                    .into(),
            ),
            Err(e) => Some(format!(
                "{e}; expected a record like {{\"item\":\"<id>\",\"label\":\"spam|ham|unsure|skip|undo\",\"annotator\":\"<name>\",\"at\":\"<time>\"}}"
            )),
        };
        if let Some(problem) = problem {
            problems.push(LineProblem {
                path: path.to_owned(),
                line: i + 1,
                problem,
            });
        }
    }
    (decisions, problems)
}

/// Reads one log; a log that does not exist yet is empty.
pub fn read_log(path: &Path) -> Result<(Vec<Decision>, Vec<LineProblem>), LabelError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(parse_log(&String::from_utf8_lossy(&bytes), path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Vec::new(), Vec::new())),
        Err(source) => Err(LabelError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Reads every log (`*.jsonl`) in a corpus's label folder, in file-name
/// order, each file's records in their own order.
pub fn read_all(dir: &Path) -> Result<(Vec<Decision>, Vec<LineProblem>), LabelError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(source) => {
            return Err(LabelError::Io {
                path: dir.to_owned(),
                source,
            });
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut decisions = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        let (d, p) = read_log(&file)?;
        decisions.extend(d);
        problems.extend(p);
    }
    Ok((decisions, problems))
}

/// An open log, appended to one record at a time.
#[derive(Debug)]
pub struct LabelLog {
    path: PathBuf,
    file: std::fs::File,
}

impl LabelLog {
    /// Opens (creating it and its folder if needed) a log for appending. A
    /// log whose last record was cut short gets a line break first, so the
    /// next record starts on a line of its own.
    pub fn open(path: &Path) -> Result<Self, LabelError> {
        let io = |source| LabelError::Io {
            path: path.to_owned(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let torn = match std::fs::read(path) {
            Ok(bytes) => bytes.last().is_some_and(|&b| b != b'\n'),
            Err(_) => false,
        };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        if torn {
            file.write_all(b"\n").map_err(io)?;
        }
        Ok(LabelLog {
            path: path.to_owned(),
            file,
        })
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record: one line, written with one call and no buffer in
    /// between, so it is with the operating system when this returns.
    pub fn append(&mut self, decision: &Decision) -> Result<(), LabelError> {
        let mut line = serde_json::to_vec(decision).map_err(|e| LabelError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(|source| LabelError::Io {
            path: self.path.clone(),
            source,
        })
    }

    /// Appends several records with one write (an import's, for one
    /// annotator). A write that fails part-way can leave the last line cut
    /// short, which [`read_log`] reports and [`LabelLog::open`] mends; the
    /// import, run again, adds only what is missing.
    pub fn append_all(&mut self, decisions: &[Decision]) -> Result<(), LabelError> {
        let mut lines = Vec::new();
        for d in decisions {
            serde_json::to_writer(&mut lines, d).map_err(|e| LabelError::Io {
                path: self.path.clone(),
                source: std::io::Error::other(e),
            })?;
            lines.push(b'\n');
        }
        self.file
            .write_all(&lines)
            .map_err(|source| LabelError::Io {
                path: self.path.clone(),
                source,
            })
    }

    /// Asks the operating system to put the log on disk (for a power cut,
    /// not a crash: a crash already loses nothing written). Called at the end
    /// of a session.
    pub fn sync(&self) -> Result<(), LabelError> {
        self.file.sync_data().map_err(|source| LabelError::Io {
            path: self.path.clone(),
            source,
        })
    }
}

/// What one annotator's records add up to.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Annotator {
    /// Records that labeled or skipped (undos are not counted here).
    pub decisions: usize,
    /// Undo records.
    pub undos: usize,
    /// The current label of each item.
    pub labels: BTreeMap<String, Choice>,
    /// Items whose current decision is a skip.
    pub skipped: BTreeSet<String>,
    /// The label decisions that survive undo, in the order they were made
    /// (an item relabeled appears twice): the annotator's practice, for
    /// learning curves.
    pub history: Vec<(String, Choice)>,
    /// The note of each item's current decision, where it has one.
    pub notes: BTreeMap<String, String>,
    /// Milliseconds spent on the surviving decisions.
    pub ms: u64,
}

/// Replays records into each annotator's current labels. Undo takes back the
/// annotator's latest surviving decision on the record's item (an undo with
/// nothing to take back does nothing).
pub fn replay(decisions: &[Decision]) -> BTreeMap<String, Annotator> {
    let mut by_annotator: BTreeMap<&str, Vec<&Decision>> = BTreeMap::new();
    for d in decisions {
        by_annotator.entry(&d.annotator).or_default().push(d);
    }
    by_annotator
        .into_iter()
        .map(|(name, records)| {
            let mut out = Annotator::default();
            // Each item's surviving decisions, as indices into `records`.
            let mut stacks: HashMap<&str, Vec<usize>> = HashMap::new();
            let mut alive = vec![false; records.len()];
            for (i, d) in records.iter().enumerate() {
                if d.label == Mark::Undo {
                    out.undos += 1;
                    if let Some(j) = stacks.get_mut(d.item.as_str()).and_then(Vec::pop) {
                        alive[j] = false;
                    }
                } else {
                    out.decisions += 1;
                    stacks.entry(&d.item).or_default().push(i);
                    alive[i] = true;
                }
            }
            for (i, d) in records.iter().enumerate() {
                if !alive[i] {
                    continue;
                }
                out.ms += d.ms;
                if let Some(c) = d.label.choice() {
                    out.history.push((d.item.clone(), c));
                }
            }
            for (item, stack) in stacks {
                let Some(&top) = stack.last() else { continue };
                let d = records[top];
                match d.label.choice() {
                    Some(c) => {
                        out.labels.insert(item.to_owned(), c);
                    }
                    None => {
                        out.skipped.insert(item.to_owned());
                    }
                }
                if let Some(note) = &d.note {
                    out.notes.insert(item.to_owned(), note.clone());
                }
            }
            (name.to_owned(), out)
        })
        .collect()
}

/// The text of a message as exported: its id, subject and clean body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportText {
    /// Its id.
    pub id: String,
    /// Its subject.
    pub subject: String,
    /// Its clean body.
    pub body: String,
}

/// The export shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Prodigy's binary text classification: one line per (annotator,
    /// item), `label` "SPAM" with `answer` accept (spam), reject (ham) or
    /// ignore (unsure).
    Prodigy,
    /// Label Studio tasks: one line per item with its `data` and one
    /// annotation per annotator whose result is a `choices` value.
    LabelStudio,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "prodigy" => Ok(Format::Prodigy),
            "label-studio" | "labelstudio" => Ok(Format::LabelStudio),
            other => Err(format!(
                "unknown format `{other}`; expected prodigy or label-studio"
            )),
        }
    }
}

fn task_text(t: &ExportText) -> String {
    if t.subject.is_empty() {
        t.body.clone()
    } else {
        format!("{}\n\n{}", t.subject, t.body)
    }
}

/// Exports the current labels of every annotator as JSON lines. Items with
/// no text in `texts` are exported with their id only.
pub fn export(
    annotators: &BTreeMap<String, Annotator>,
    texts: &[ExportText],
    format: Format,
) -> String {
    let by_id: HashMap<&str, &ExportText> = texts.iter().map(|t| (t.id.as_str(), t)).collect();
    let text_of = |id: &str| by_id.get(id).map(|t| task_text(t)).unwrap_or_default();
    let subject_of = |id: &str| by_id.get(id).map(|t| t.subject.clone()).unwrap_or_default();
    let mut out = String::new();
    match format {
        Format::Prodigy => {
            for (name, a) in annotators {
                for (item, choice) in &a.labels {
                    let answer = match choice {
                        Choice::Spam => "accept",
                        Choice::Ham => "reject",
                        Choice::Unsure => "ignore",
                    };
                    let mut meta = json!({ "id": item, "subject": subject_of(item) });
                    if let Some(note) = a.notes.get(item) {
                        meta["note"] = json!(note);
                    }
                    let line = json!({
                        "text": text_of(item),
                        "label": "SPAM",
                        "answer": answer,
                        "meta": meta,
                        "_annotator_id": name,
                        "_view_id": "classification",
                    });
                    out.push_str(&line.to_string());
                    out.push('\n');
                }
            }
        }
        Format::LabelStudio => {
            // Each item's labels: (annotator, label, note).
            type Labels<'a> = Vec<(&'a str, Choice, Option<&'a String>)>;
            let mut items: BTreeMap<&str, Labels<'_>> = BTreeMap::new();
            for (name, a) in annotators {
                for (item, &choice) in &a.labels {
                    items
                        .entry(item)
                        .or_default()
                        .push((name, choice, a.notes.get(item)));
                }
            }
            for (n, (item, labels)) in items.into_iter().enumerate() {
                let annotations: Vec<Value> = labels
                    .iter()
                    .map(|(name, choice, note)| {
                        let mut result = vec![json!({
                            "from_name": "label",
                            "to_name": "text",
                            "type": "choices",
                            "value": { "choices": [choice.as_str()] },
                        })];
                        // A note is a TextArea control's result.
                        if let Some(note) = note {
                            result.push(json!({
                                "from_name": "note",
                                "to_name": "text",
                                "type": "textarea",
                                "value": { "text": [note] },
                            }));
                        }
                        json!({ "completed_by": { "email": name }, "result": result })
                    })
                    .collect();
                let line = json!({
                    "id": n + 1,
                    "data": { "text": text_of(item), "item": item },
                    "annotations": annotations,
                });
                out.push_str(&line.to_string());
                out.push('\n');
            }
        }
    }
    out
}

/// The most characters a note may have (the labeling screen stops at 500).
pub const NOTE_MAX: usize = 2000;

/// Whether `id` has the shape of a message id: the 64 lowercase hex digits
/// of the SHA-256 of the message's raw bytes.
pub fn is_message_id(id: &str) -> bool {
    id.len() == 64
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The messages an import may label: the ids of one corpus.
#[derive(Debug, Clone, Copy)]
pub struct ImportTarget<'a> {
    /// The corpus's name, for messages.
    pub corpus: &'a str,
    /// Its message ids (the `sha256` column of its manifest).
    pub ids: &'a HashSet<String>,
}

/// A decision read from an import file, with the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Its 1-based line (its task, in a Label Studio JSON array).
    pub line: usize,
    /// The decision.
    pub decision: Decision,
}

/// Everything an import file holds: the decisions it makes, and every line
/// that cannot be used, each with what was expected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportFile {
    /// The usable decisions, in file order.
    pub decisions: Vec<Imported>,
    /// The lines that cannot be used.
    pub problems: Vec<LineProblem>,
}

/// Reads labels exported by Prodigy, Label Studio or Ninety itself (each
/// line is recognised by its shape) as decisions stamped `at`; records that
/// name no annotator get `annotator`. Every line is checked in full, so that
/// an import can refuse a file before writing anything: it is JSON of one
/// of those shapes, UTF-8, its message id is one of `target`'s, its
/// annotator can name a log, its note is not huge. Each line that fails is
/// a [`LineProblem`] naming the line and what was expected.
pub fn read_import(
    bytes: &[u8],
    path: &Path,
    annotator: &AnnotatorName,
    at: &str,
    target: ImportTarget<'_>,
) -> ImportFile {
    let mut out = ImportFile::default();
    let problem = |line: usize, problem: String| LineProblem {
        path: path.to_owned(),
        line,
        problem,
    };
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    // Label Studio's own JSON export is one array of tasks: each task is
    // then found at the line where it starts.
    let records: Vec<(usize, Result<Value, String>)> = if first == Some(&b'[') {
        match std::str::from_utf8(bytes) {
            Err(e) => {
                let at = e.valid_up_to();
                vec![(line_at(bytes, at), Err(not_utf8(bytes, at)))]
            }
            Ok(text) => match serde_json::from_str::<Vec<&serde_json::value::RawValue>>(text) {
                Err(e) => vec![(e.line(), Err(format!("not a JSON array of tasks: {e}")))],
                Ok(tasks) => tasks
                    .into_iter()
                    .map(|raw| {
                        let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
                        let value = serde_json::from_str(raw.get()).map_err(|e| e.to_string());
                        (line_at(bytes, offset), value)
                    })
                    .collect(),
            },
        }
    } else {
        bytes
            .split(|&b| b == b'\n')
            .enumerate()
            .map(|(i, raw)| {
                let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
                let value = match std::str::from_utf8(raw) {
                    Err(e) => Err(not_utf8(raw, e.valid_up_to())),
                    Ok(line) if line.trim().is_empty() => Ok(Value::Null),
                    Ok(line) => serde_json::from_str(line)
                        .map_err(|e| format!("not JSON ({e}); expected one JSON record per line")),
                };
                (i + 1, value)
            })
            .collect()
    };
    for (line, record) in records {
        let value = match record {
            Ok(Value::Null) => continue,
            Ok(v) => v,
            Err(e) => {
                out.problems.push(problem(line, e));
                continue;
            }
        };
        match decisions_of(&value, annotator, at, target) {
            Ok(decisions) => out.decisions.extend(
                decisions
                    .into_iter()
                    .map(|decision| Imported { line, decision }),
            ),
            Err(e) => out.problems.push(problem(line, e)),
        }
    }
    out
}

/// The 1-based line of byte `offset`.
fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The problem of a line that is not UTF-8 from byte `at` on.
fn not_utf8(line: &[u8], at: usize) -> String {
    let column = line[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(at, |nl| at - nl - 1)
        + 1;
    format!(
        "not UTF-8 text (byte 0x{:02x} at column {column}); expected UTF-8 JSON, as Prodigy, Label Studio and Ninety write it",
        line[at]
    )
}

/// The decisions of one record, or why it cannot be used.
fn decisions_of(
    value: &Value,
    annotator: &AnnotatorName,
    at: &str,
    target: ImportTarget<'_>,
) -> Result<Vec<Decision>, String> {
    let item = |field: &str, id: Option<&str>| -> Result<String, String> {
        let Some(id) = id else {
            return Err(format!(
                "no `{field}`; expected the message id Ninety exported there"
            ));
        };
        if !is_message_id(id) {
            return Err(format!(
                "`{field}` is `{}`; expected a message id (the 64 hex digits of the message's SHA-256)",
                crate::names::shown(id)
            ));
        }
        if !target.ids.contains(id) {
            return Err(format!(
                "`{field}` {id} is not a message of the {} corpus; expected an id from its manifest (was the file made from another corpus? pass --corpus)",
                target.corpus
            ));
        }
        Ok(id.to_owned())
    };
    let who = |name: Option<String>| -> Result<String, String> {
        match name {
            None => Ok(annotator.to_string()),
            Some(name) => AnnotatorName::new(name)
                .map(String::from)
                .map_err(|e| e.to_string()),
        }
    };
    let note = |note: Option<&str>| -> Result<Option<String>, String> {
        match note {
            Some(n) if n.chars().count() > NOTE_MAX => Err(format!(
                "the note has {} characters; expected at most {NOTE_MAX}",
                n.chars().count()
            )),
            n => Ok(n.map(str::to_owned)),
        }
    };
    let decision = |item: String, choice: Choice, who: String, note: Option<String>| Decision {
        item,
        label: choice.into(),
        annotator: who,
        at: at.to_owned(),
        ms: 0,
        note,
    };
    // An annotator: a name, an object with an email, or Label Studio's
    // numeric user id (`user-7`), so that different people never merge.
    let who_of = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(format!("user-{n}")),
            Value::Object(o) => match (o.get("email").and_then(Value::as_str), o.get("id")) {
                (Some(email), _) => Some(email.split('@').next().unwrap_or(email).to_owned()),
                (None, Some(Value::Number(n))) => Some(format!("user-{n}")),
                _ => None,
            },
            _ => None,
        }
        .map(|s| crate::import::safe_name(&s, '_'))
    };
    if let Some(answer) = value.get("answer") {
        // Prodigy.
        let id = item("meta.id", value.pointer("/meta/id").and_then(Value::as_str))?;
        let positive = match value.get("label") {
            None => Choice::Spam,
            Some(Value::String(l)) if l.eq_ignore_ascii_case("spam") => Choice::Spam,
            Some(Value::String(l)) if l.eq_ignore_ascii_case("ham") => Choice::Ham,
            Some(other) => {
                return Err(format!(
                    "Prodigy `label` {}; expected \"SPAM\" (or \"HAM\")",
                    crate::names::shown(&other.to_string())
                ));
            }
        };
        let negative = if positive == Choice::Ham {
            Choice::Spam
        } else {
            Choice::Ham
        };
        let choice = match answer.as_str() {
            Some("accept") => positive,
            Some("reject") => negative,
            Some("ignore") => Choice::Unsure,
            _ => {
                return Err(format!(
                    "Prodigy `answer` {}; expected \"accept\", \"reject\" or \"ignore\"",
                    crate::names::shown(&answer.to_string())
                ));
            }
        };
        let name = who(value.get("_annotator_id").and_then(who_of))?;
        let note = note(value.pointer("/meta/note").and_then(Value::as_str))?;
        Ok(vec![decision(id, choice, name, note)])
    } else if let Some(annotations) = value.get("annotations") {
        // Label Studio.
        let id = item(
            "data.item",
            value.pointer("/data/item").and_then(Value::as_str),
        )?;
        let Some(annotations) = annotations.as_array() else {
            return Err(
                "`annotations` is not an array; expected Label Studio's list of annotations".into(),
            );
        };
        let mut out = Vec::new();
        for (n, a) in annotations.iter().enumerate() {
            let results = a["result"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let choices = results
                .iter()
                .find_map(|r| r.pointer("/value/choices/0").and_then(Value::as_str));
            let Some(choice) = choices else {
                return Err(format!(
                    "annotation {} has no `result[].value.choices[0]`; expected a choices result (spam, ham or unsure)",
                    n + 1
                ));
            };
            let choice = choice
                .parse::<Choice>()
                .map_err(|e| format!("annotation {}: {e}", n + 1))?;
            let text = results
                .iter()
                .find(|r| r["type"] == "textarea")
                .and_then(|r| r.pointer("/value/text/0"))
                .and_then(Value::as_str);
            let name = who(a.get("completed_by").and_then(who_of))?;
            out.push(decision(id.clone(), choice, name, note(text)?));
        }
        Ok(out)
    } else {
        // A line of a Ninety log.
        let d: Decision = serde_json::from_value(value.clone()).map_err(|e| {
            format!(
                "{e}; expected a Prodigy record (with `answer`), a Label Studio task (with `annotations`) or a Ninety decision"
            )
        })?;
        let id = item("item", Some(&d.item))?;
        AnnotatorName::new(d.annotator.as_str()).map_err(|e| e.to_string())?;
        let note = note(d.note.as_deref())?;
        Ok(vec![Decision {
            item: id,
            note,
            ..d
        }])
    }
}

/// What an import adds to the logs, and what it leaves out as already there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// The decisions to append, in file order.
    pub new: Vec<Decision>,
    /// Decisions the logs already hold (the same item, annotator and label).
    pub already: usize,
    /// Records of the file that a later one of the file replaces or takes
    /// back (a relabel, an undo, a skip), so they are not imported.
    pub superseded: usize,
}

/// Plans an import that adds nothing twice. From the file, each annotator's
/// final word on each item is taken (a later line replaces an earlier one,
/// undo and skip records of a Ninety log apply as they do in [`replay`]);
/// it is added unless that annotator's surviving decisions in `existing`
/// already label the item the same way. So importing a file twice adds its
/// decisions once, and importing an old file again does not undo the
/// relabels made since.
pub fn plan_import(file: &[Imported], existing: &[Decision]) -> ImportPlan {
    let logs = replay(existing);
    let held: HashSet<(&str, &str, Choice)> = logs
        .iter()
        .flat_map(|(who, a)| {
            a.history
                .iter()
                .map(move |(item, choice)| (who.as_str(), item.as_str(), *choice))
        })
        .collect();
    // Per (annotator, item): the indices of the file's surviving records.
    let mut stacks: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, imported) in file.iter().enumerate() {
        let d = &imported.decision;
        let stack = stacks.entry((&d.annotator, &d.item)).or_default();
        if d.label == Mark::Undo {
            stack.pop();
        } else {
            stack.push(i);
        }
    }
    let mut finals: Vec<usize> = stacks.values().filter_map(|s| s.last().copied()).collect();
    finals.sort_unstable();
    let mut plan = ImportPlan::default();
    for &i in &finals {
        let d = &file[i].decision;
        let Some(choice) = d.label.choice() else {
            continue;
        };
        if held.contains(&(d.annotator.as_str(), d.item.as_str(), choice)) {
            plan.already += 1;
        } else {
            plan.new.push(d.clone());
        }
    }
    plan.superseded = file.len() - plan.new.len() - plan.already;
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(item: &str, label: Mark, who: &str) -> Decision {
        Decision {
            item: item.into(),
            label,
            annotator: who.into(),
            at: "2026-11-22T09:00:00Z".into(),
            ms: 1000,
            note: None,
        }
    }

    #[test]
    fn later_decisions_and_undos_win() {
        let log = [
            d("a", Mark::Spam, "ana"),
            d("b", Mark::Ham, "ana"),
            d("a", Mark::Ham, "ana"),
            d("c", Mark::Skip, "ana"),
            d("b", Mark::Undo, "ana"),
            d("a", Mark::Undo, "ana"),
            d("z", Mark::Undo, "ana"),
            d("a", Mark::Unsure, "bob"),
        ];
        let all = replay(&log);
        let ana = &all["ana"];
        assert_eq!(
            ana.labels.get("a"),
            Some(&Choice::Spam),
            "undo restores the earlier label"
        );
        assert_eq!(ana.labels.get("b"), None, "undone entirely");
        assert!(ana.skipped.contains("c"));
        assert_eq!((ana.decisions, ana.undos), (4, 3));
        assert_eq!(ana.history, vec![("a".to_owned(), Choice::Spam)]);
        assert_eq!(all["bob"].labels.get("a"), Some(&Choice::Unsure));
    }

    #[test]
    fn appended_records_read_back_and_a_torn_line_is_reported_and_mended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels/mini/ana.jsonl");
        let mut log = LabelLog::open(&path).unwrap();
        log.append(&d("a", Mark::Spam, "ana")).unwrap();
        log.append(&d("b", Mark::Ham, "ana")).unwrap();
        drop(log);
        // A record cut short, as if the process died while writing it.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(br#"{"item":"c","lab"#).unwrap();
        let (records, problems) = read_log(&path).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 3);
        assert!(problems[0].problem.contains("cut short"), "{}", problems[0]);
        // Opening again starts the next record on a fresh line.
        let mut log = LabelLog::open(&path).unwrap();
        log.append(&d("c", Mark::Unsure, "ana")).unwrap();
        let (records, problems) = read_log(&path).unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn a_corrupt_line_is_named_and_the_rest_is_kept() {
        let text = concat!(
            r#"{"item":"a","label":"spam","annotator":"ana","at":"t"}"#,
            "\n",
            r#"{"item":"b","label":"spma","annotator":"ana","at":"t"}"#,
            "\n",
            "\n",
            r#"{"item":"c","label":"ham","annotator":"no spaces please","at":"t"}"#,
            "\n",
            r#"{"item":"d","label":"ham","annotator":"ana","at":"t","ms":5}"#,
            "\n",
        );
        let (records, problems) = parse_log(text, Path::new("ana.jsonl"));
        assert_eq!(
            records.iter().map(|r| r.item.as_str()).collect::<Vec<_>>(),
            ["a", "d"]
        );
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 4]);
        assert!(
            problems[0]
                .to_string()
                .starts_with("ana.jsonl line 2: unknown variant `spma`"),
            "{}",
            problems[0]
        );
        assert!(
            problems[1].problem.contains("annotator name"),
            "{}",
            problems[1]
        );
    }

    #[test]
    fn read_all_joins_every_annotators_log() {
        let dir = tempfile::tempdir().unwrap();
        for who in ["ana", "bob"] {
            let mut log = LabelLog::open(&dir.path().join(format!("{who}.jsonl"))).unwrap();
            log.append(&d("a", Mark::Spam, who)).unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), "not a log").unwrap();
        let (records, problems) = read_all(dir.path()).unwrap();
        assert_eq!(records.len(), 2);
        assert!(problems.is_empty());
        assert!(read_all(&dir.path().join("missing")).unwrap().0.is_empty());
    }

    /// A message id made of one repeated hex digit.
    fn id(c: char) -> String {
        c.to_string().repeat(64)
    }

    /// The ids `a…`, `b…`, `c…` and `d…`, as a corpus's.
    fn ids() -> HashSet<String> {
        "abcd".chars().map(id).collect()
    }

    fn read(text: &str, ids: &HashSet<String>) -> ImportFile {
        read_import(
            text.as_bytes(),
            Path::new("in.jsonl"),
            &"someone".parse().unwrap(),
            "t",
            ImportTarget {
                corpus: "mini",
                ids,
            },
        )
    }

    fn decisions(file: &ImportFile) -> Vec<Decision> {
        file.decisions.iter().map(|i| i.decision.clone()).collect()
    }

    #[test]
    fn exports_read_back_as_the_same_labels() {
        let log = [
            d(&id('a'), Mark::Spam, "ana"),
            d(&id('b'), Mark::Ham, "ana"),
            d(&id('c'), Mark::Unsure, "ana"),
            d(&id('a'), Mark::Ham, "bob"),
        ];
        let all = replay(&log);
        let texts = vec![ExportText {
            id: id('a'),
            subject: "Hi".into(),
            body: "Buy now".into(),
        }];
        let ids = ids();
        for format in [Format::Prodigy, Format::LabelStudio] {
            let text = export(&all, &texts, format);
            let back = read(&text, &ids);
            assert!(back.problems.is_empty(), "{:?}", back.problems);
            let again = replay(&decisions(&back));
            for who in ["ana", "bob"] {
                assert_eq!(again[who].labels, all[who].labels, "{format:?} {who}");
            }
        }
        let prodigy = export(&all, &texts, Format::Prodigy);
        let first: Value = serde_json::from_str(prodigy.lines().next().unwrap()).unwrap();
        assert_eq!(first["text"], "Hi\n\nBuy now");
        assert_eq!(first["answer"], "accept");
        assert_eq!(first["meta"]["id"], id('a').as_str());
    }

    #[test]
    fn notes_survive_the_round_trip_and_label_studio_arrays_and_user_ids_read() {
        let mut first = d(&id('a'), Mark::Spam, "ana");
        first.note = Some("a list-borne ad".into());
        let all = replay(&[first]);
        let ids = ids();
        for format in [Format::Prodigy, Format::LabelStudio] {
            let text = export(&all, &[], format);
            let back = read(&text, &ids);
            assert!(back.problems.is_empty(), "{:?}", back.problems);
            assert_eq!(
                back.decisions[0].decision.note.as_deref(),
                Some("a list-borne ad"),
                "{format:?}"
            );
        }
        // Label Studio's JSON export: an array, users by number, each task
        // found at the line where it starts.
        let array = format!(
            r#"[
          {{"id": 1, "data": {{"text": "x", "item": "{a}"}},
           "annotations": [{{"completed_by": 7, "result": [{{"type": "choices", "value": {{"choices": ["ham"]}}}}]}},
                           {{"completed_by": 9, "result": [{{"type": "choices", "value": {{"choices": ["spam"]}}}}]}}]}},
          {{"id": 2, "data": {{"text": "y", "item": "{b}"}},
           "annotations": [{{"completed_by": 7, "result": [{{"type": "choices", "value": {{"choices": ["spma"]}}}}]}}]}}
        ]"#,
            a = id('a'),
            b = id('b')
        );
        let back = read(&array, &ids);
        let who: Vec<&str> = back
            .decisions
            .iter()
            .map(|d| d.decision.annotator.as_str())
            .collect();
        assert_eq!(who, ["user-7", "user-9"], "two people stay two people");
        assert_eq!(back.decisions[0].line, 2);
        assert_eq!(back.problems.len(), 1, "{:?}", back.problems);
        assert_eq!(back.problems[0].line, 5, "{}", back.problems[0]);
        assert!(back.problems[0].problem.contains("unknown label `spma`"));
    }

    #[test]
    fn every_bad_line_of_an_import_is_named_with_what_was_expected() {
        // Issue 12, item 11: ids not in the corpus and a 10 MB id were
        // counted as labels; a Prodigy label that is not SPAM was read as SPAM.
        let (a, b) = (id('a'), id('b'));
        let huge = "f".repeat(10 * 1024 * 1024);
        let lines = [
            format!(r#"{{"answer":"accept","meta":{{"id":"{a}"}}}}"#),
            "not json".to_owned(),
            format!(r#"{{"answer":"accept","meta":{{"id":"{}"}}}}"#, id('e')),
            format!(r#"{{"answer":"accept","meta":{{"id":"{huge}"}}}}"#),
            r#"{"answer":"accept","text":"x"}"#.to_owned(),
            format!(r#"{{"answer":"maybe","meta":{{"id":"{a}"}}}}"#),
            format!(r#"{{"answer":"accept","label":"FOO","meta":{{"id":"{a}"}}}}"#),
            format!(r#"{{"item":"{b}","label":"ham","annotator":"no spaces","at":"t"}}"#),
            format!(r#"{{"item":"{b}","label":"spma","annotator":"ana","at":"t"}}"#),
            format!(
                r#"{{"answer":"reject","meta":{{"id":"{b}","note":"{}"}}}}"#,
                "n".repeat(NOTE_MAX + 1)
            ),
            format!(r#"{{"item":"{b}","label":"ham","annotator":"ana","at":"t"}}"#),
            String::new(),
        ];
        let file = read(&lines.join("\n"), &ids());
        assert_eq!(
            file.decisions.iter().map(|d| d.line).collect::<Vec<_>>(),
            [1, 11],
            "{:?}",
            file.problems
        );
        assert_eq!(file.decisions[0].decision.annotator, "someone");
        let expected = [
            (2, "not JSON"),
            (3, "is not a message of the mini corpus"),
            (4, "(10485760 characters)`; expected a message id"),
            (5, "no `meta.id`"),
            (6, "expected \"accept\", \"reject\" or \"ignore\""),
            (7, "expected \"SPAM\""),
            (8, "annotator name `no spaces` is not usable"),
            (9, "unknown variant `spma`"),
            (10, "expected at most 2000"),
        ];
        assert_eq!(file.problems.len(), expected.len(), "{:?}", file.problems);
        for (p, (line, text)) in file.problems.iter().zip(expected) {
            assert_eq!(p.line, line, "{p}");
            assert!(p.problem.contains(text), "{p}");
            assert!(
                p.to_string()
                    .starts_with(&format!("in.jsonl line {line}: "))
            );
            assert!(
                p.problem.len() < 400,
                "line {line}: a huge value is shown short"
            );
        }
    }

    #[test]
    fn a_line_that_is_not_utf8_is_named() {
        let a = id('a');
        let mut bytes = format!(
            "{{\"item\":\"{a}\",\"label\":\"ham\",\"annotator\":\"ana\",\"at\":\"t\"}}\r\n"
        )
        .into_bytes();
        bytes.extend_from_slice(b"{\"item\":\"\xff\"}\n");
        let ids = ids();
        let target = ImportTarget {
            corpus: "mini",
            ids: &ids,
        };
        let who = "x".parse().unwrap();
        let file = read_import(&bytes, Path::new("in.jsonl"), &who, "t", target);
        assert_eq!(file.decisions.len(), 1, "{:?}", file.problems);
        assert_eq!(file.problems.len(), 1);
        assert_eq!(file.problems[0].line, 2);
        assert!(
            file.problems[0]
                .problem
                .contains("not UTF-8 text (byte 0xff at column 10)"),
            "{}",
            file.problems[0]
        );
        // In a Label Studio array too: the line of the bad byte.
        let array = b"[\n{\"data\": {\"item\": \"\xfe\"}, \"annotations\": []}\n]".to_vec();
        let file = read_import(&array, Path::new("ls.json"), &who, "t", target);
        assert_eq!(file.problems.len(), 1);
        assert_eq!(file.problems[0].line, 2, "{}", file.problems[0]);
    }

    #[test]
    fn the_same_decision_imported_twice_is_one_decision() {
        // Issue 12, item 11: importing the same file twice doubled the decisions.
        let (a, b, c) = (id('a'), id('b'), id('c'));
        let text = [
            format!(r#"{{"item":"{a}","label":"spam","annotator":"ana","at":"t"}}"#),
            format!(r#"{{"item":"{b}","label":"spam","annotator":"ana","at":"t"}}"#),
            // ana changes her mind on b, and takes back c.
            format!(r#"{{"item":"{b}","label":"ham","annotator":"ana","at":"t"}}"#),
            format!(r#"{{"item":"{c}","label":"ham","annotator":"ana","at":"t"}}"#),
            format!(r#"{{"item":"{c}","label":"undo","annotator":"ana","at":"t"}}"#),
            format!(r#"{{"item":"{a}","label":"ham","annotator":"bob","at":"t"}}"#),
            format!(r#"{{"item":"{a}","label":"ham","annotator":"bob","at":"t"}}"#),
        ]
        .join("\n");
        let file = read(&text, &ids());
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        let first = plan_import(&file.decisions, &[]);
        let added: Vec<(&str, &str, Mark)> = first
            .new
            .iter()
            .map(|d| (d.annotator.as_str(), &d.item[..1], d.label))
            .collect();
        assert_eq!(
            added,
            [
                ("ana", "a", Mark::Spam),
                ("ana", "b", Mark::Ham),
                ("bob", "a", Mark::Ham)
            ],
            "each annotator's final word per message, in file order"
        );
        assert_eq!((first.already, first.superseded), (0, 4));
        // Imported again onto what the first import wrote: nothing new.
        let again = plan_import(&file.decisions, &first.new);
        assert!(again.new.is_empty(), "{:?}", again.new);
        assert_eq!(again.already, 3);
        // ana relabels a as ham afterwards; the old file does not undo that.
        let mut logs = first.new.clone();
        logs.push(d(&a, Mark::Ham, "ana"));
        let stale = plan_import(&file.decisions, &logs);
        assert!(stale.new.is_empty(), "{:?}", stale.new);
        assert_eq!(replay(&logs)["ana"].labels[&a], Choice::Ham);
    }

    #[test]
    fn annotator_names_must_name_a_file() {
        assert!(check_annotator("ana-2_b").is_ok());
        for bad in ["", "../x", "a b", &"x".repeat(41)] {
            assert!(check_annotator(bad).is_err(), "{bad}");
        }
        assert!("SPAM".parse::<Choice>().is_ok());
        assert!(
            "spma"
                .parse::<Choice>()
                .unwrap_err()
                .contains("expected spam, ham or unsure")
        );
    }
}
