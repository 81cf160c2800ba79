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
//! stays usable. [`export`] and [`import`] speak the JSON-lines shapes that
//! Prodigy and Label Studio users know.

use crate::corpus::Label;
use crate::home::DataHome;
use crate::names::{AnnotatorName, CorpusName, NameError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
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

/// Reads labels exported by Prodigy, Label Studio or Ninety itself (each
/// line is recognised by its shape) as decisions stamped `at`. Records with
/// no annotator get `annotator`. Lines that cannot be used are reported.
pub fn import(
    text: &str,
    path: &Path,
    annotator: &str,
    at: &str,
) -> (Vec<Decision>, Vec<LineProblem>) {
    let mut decisions = Vec::new();
    let mut problems = Vec::new();
    // Label Studio's own JSON export is one array of tasks: each task then
    // counts as a "line", numbered from 1.
    let records: Vec<Result<Value, String>> = if text.trim_start().starts_with('[') {
        match serde_json::from_str::<Vec<Value>>(text) {
            Ok(tasks) => tasks.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(format!("not a JSON array of tasks: {e}"))],
        }
    } else {
        text.lines()
            .map(|line| {
                if line.trim().is_empty() {
                    Ok(Value::Null)
                } else {
                    serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))
                }
            })
            .collect()
    };
    for (i, record) in records.into_iter().enumerate() {
        let mut problem = |p: String| {
            problems.push(LineProblem {
                path: path.to_owned(),
                line: i + 1,
                problem: p,
            })
        };
        let value: Value = match record {
            Ok(Value::Null) => continue,
            Ok(v) => v,
            Err(e) => {
                problem(e);
                continue;
            }
        };
        let decision =
            |item: &str, choice: Choice, who: Option<&str>, note: Option<&str>| Decision {
                item: item.to_owned(),
                label: choice.into(),
                annotator: who.unwrap_or(annotator).to_owned(),
                at: at.to_owned(),
                ms: 0,
                note: note.map(str::to_owned),
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
        if let Some(answer) = value.get("answer").and_then(Value::as_str) {
            // Prodigy.
            let Some(item) = value.pointer("/meta/id").and_then(Value::as_str) else {
                problem("a Prodigy record without `meta.id`; expected the message id Ninety exported there".into());
                continue;
            };
            let positive = value
                .get("label")
                .and_then(Value::as_str)
                .map_or(Choice::Spam, |l| l.parse().unwrap_or(Choice::Spam));
            let negative = if positive == Choice::Ham {
                Choice::Spam
            } else {
                Choice::Ham
            };
            let choice = match answer {
                "accept" => positive,
                "reject" => negative,
                "ignore" => Choice::Unsure,
                other => {
                    problem(format!(
                        "Prodigy answer `{other}`; expected accept, reject or ignore"
                    ));
                    continue;
                }
            };
            let who = value.get("_annotator_id").and_then(who_of);
            let note = value.pointer("/meta/note").and_then(Value::as_str);
            decisions.push(decision(item, choice, who.as_deref(), note));
        } else if let Some(annotations) = value.get("annotations").and_then(Value::as_array) {
            // Label Studio.
            let Some(item) = value.pointer("/data/item").and_then(Value::as_str) else {
                problem("a Label Studio task without `data.item`; expected the message id Ninety exported there".into());
                continue;
            };
            for a in annotations {
                let choice = a
                    .pointer("/result/0/value/choices/0")
                    .and_then(Value::as_str)
                    .map(str::parse::<Choice>);
                let note = a["result"].as_array().and_then(|results| {
                    results
                        .iter()
                        .find(|r| r["type"] == "textarea")
                        .and_then(|r| r.pointer("/value/text/0"))
                        .and_then(Value::as_str)
                });
                match choice {
                    Some(Ok(c)) => {
                        let who = a.get("completed_by").and_then(who_of);
                        decisions.push(decision(item, c, who.as_deref(), note));
                    }
                    Some(Err(e)) => problem(e),
                    None => problem(
                        "a Label Studio annotation without `result[0].value.choices[0]`".into(),
                    ),
                }
            }
        } else {
            match serde_json::from_value::<Decision>(value) {
                Ok(d) => decisions.push(d),
                Err(e) => problem(format!(
                    "{e}; expected a Prodigy record (with `answer`), a Label Studio task (with `annotations`) or a Ninety decision"
                )),
            }
        }
    }
    for d in &decisions {
        if check_annotator(&d.annotator).is_err() {
            problems.push(LineProblem {
                path: path.to_owned(),
                line: 0,
                problem: format!(
                    "annotator `{}` cannot name a log; pass --annotator",
                    d.annotator
                ),
            });
        }
    }
    decisions.retain(|d| check_annotator(&d.annotator).is_ok());
    (decisions, problems)
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

    #[test]
    fn exports_read_back_as_the_same_labels() {
        let log = [
            d("a", Mark::Spam, "ana"),
            d("b", Mark::Ham, "ana"),
            d("c", Mark::Unsure, "ana"),
            d("a", Mark::Ham, "bob"),
        ];
        let all = replay(&log);
        let texts = vec![ExportText {
            id: "a".into(),
            subject: "Hi".into(),
            body: "Buy now".into(),
        }];
        for format in [Format::Prodigy, Format::LabelStudio] {
            let text = export(&all, &texts, format);
            let (back, problems) = import(&text, Path::new("x.jsonl"), "someone", "t");
            assert!(problems.is_empty(), "{problems:?}");
            let again = replay(&back);
            for who in ["ana", "bob"] {
                assert_eq!(again[who].labels, all[who].labels, "{format:?} {who}");
            }
        }
        let prodigy = export(&all, &texts, Format::Prodigy);
        let first: Value = serde_json::from_str(prodigy.lines().next().unwrap()).unwrap();
        assert_eq!(first["text"], "Hi\n\nBuy now");
        assert_eq!(first["answer"], "accept");
        assert_eq!(first["meta"]["id"], "a");
    }

    #[test]
    fn notes_survive_the_round_trip_and_label_studio_arrays_and_user_ids_read() {
        let mut first = d("a", Mark::Spam, "ana");
        first.note = Some("a list-borne ad".into());
        let all = replay(&[first]);
        for format in [Format::Prodigy, Format::LabelStudio] {
            let text = export(&all, &[], format);
            let (back, problems) = import(&text, Path::new("x"), "x", "t");
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(
                back[0].note.as_deref(),
                Some("a list-borne ad"),
                "{format:?}"
            );
        }
        // Label Studio's JSON export: an array, users by number.
        let array = r#"[
          {"id": 1, "data": {"text": "x", "item": "a"},
           "annotations": [{"completed_by": 7, "result": [{"type": "choices", "value": {"choices": ["ham"]}}]},
                           {"completed_by": 9, "result": [{"type": "choices", "value": {"choices": ["spam"]}}]}]}
        ]"#;
        let (back, problems) = import(array, Path::new("ls.json"), "x", "t");
        assert!(problems.is_empty(), "{problems:?}");
        let who: Vec<&str> = back.iter().map(|d| d.annotator.as_str()).collect();
        assert_eq!(who, ["user-7", "user-9"], "two people stay two people");
    }

    #[test]
    fn imports_report_what_they_cannot_use() {
        let text = "{\"answer\":\"accept\",\"text\":\"x\"}\nnot json\n{\"answer\":\"maybe\",\"meta\":{\"id\":\"a\"}}\n";
        let (records, problems) = import(text, Path::new("in.jsonl"), "ana", "t");
        assert!(records.is_empty());
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [1, 2, 3]);
        assert!(problems[0].problem.contains("meta.id"));
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
