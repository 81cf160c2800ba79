//! The gather stage's records: each message with what became of it, the
//! data-quality report, and the stage's summary.
//!
//! The stage writes `clean.jsonl`, `duplicates.jsonl` and `quarantine.jsonl`
//! (one [`Gathered`] per line) and `report.json` (a [`QualityReport`]); the
//! later stages, the explorer and the benchmarks read them through
//! [`crate::clean`].

use crate::corpus::{Group, Label};
pub use crate::mail::Repair;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

// ANCHOR: reason
/// Why a message was set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Not an email at all: nothing parses, or it has none of the
    /// `From:`, `Subject:` and `Date:` headers.
    NotAMessage,
    /// Its parts cannot be told apart: a multipart whose declared boundary
    /// never appears in its body, and no other delimiter does either, so
    /// its only "text" is raw MIME. The kit finds this while parsing
    /// (`ParsedMail::lost_boundary`) and the given stage sets it aside.
    LostBoundary,
    /// It is an email, but no body has any letter or digit once cleaned.
    EmptyAfterCleaning,
    /// Its body did not decode: more than one character in twenty of the
    /// clean body is U+FFFD, the replacement character.
    Undecodable,
}
// ANCHOR_END: reason

impl Reason {
    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotAMessage => "not_a_message",
            Reason::LostBoundary => "lost_boundary",
            Reason::EmptyAfterCleaning => "empty_after_cleaning",
            Reason::Undecodable => "undecodable",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a duplicate matches the message it copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateKind {
    /// The clean body is the same, character for character.
    Exact,
    /// The clean bodies differ, but their dedup keys are equal.
    Near,
}

impl DuplicateKind {
    /// The snake_case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateKind::Exact => "exact",
            DuplicateKind::Near => "near",
        }
    }
}

/// What became of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "detail", rename_all = "snake_case")]
pub enum Status {
    /// Kept in the clean dataset.
    Clean,
    /// Left out as a copy of an earlier message.
    Duplicate(DuplicateKind),
    /// Set aside.
    Quarantined(Reason),
}

impl Status {
    /// Its name: `clean`, `duplicate`, `quarantined`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Clean => "clean",
            Status::Duplicate(_) => "duplicate",
            Status::Quarantined(_) => "quarantined",
        }
    }

    /// The duplicate kind or the quarantine reason, if any.
    pub fn detail(self) -> Option<&'static str> {
        match self {
            Status::Clean => None,
            Status::Duplicate(kind) => Some(kind.as_str()),
            Status::Quarantined(reason) => Some(reason.as_str()),
        }
    }
}

/// Where a message's month came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// The `Date:` header.
    Header,
    /// The mbox `From ` line.
    MboxLine,
    /// Neither gave a plausible date.
    Unknown,
}

/// Where the kept body came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodySource {
    /// A `text/plain` part, as it was.
    Plain,
    /// A `text/html` part, turned into text.
    Html,
}

/// One message after the gather stage: where it came from, what became of
/// it, and for clean messages, the text the rest of the course learns from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gathered {
    /// The SHA-256 of the raw message: its id everywhere downstream.
    pub id: String,
    /// Its path in the corpus.
    pub path: String,
    /// Its group.
    pub group: Group,
    /// Its collection period: 1 earlier, 2 later.
    pub period: u8,
    /// Its gold label, from the corpus.
    pub label: Label,
    /// What became of it.
    #[serde(flatten)]
    pub status: Status,
    /// For a duplicate, the path of the message it copies.
    #[serde(default)]
    pub duplicate_of: Option<String>,
    /// Its month, `YYYY-MM`, when known.
    #[serde(default)]
    pub month: Option<String>,
    /// Where the month came from.
    pub date_source: DateSource,
    /// Its subject, decoded.
    #[serde(default)]
    pub subject: Option<String>,
    /// Its sender.
    #[serde(default)]
    pub from: Option<String>,
    /// Its top-level content type.
    pub content_type: String,
    /// Its top-level charset.
    #[serde(default)]
    pub charset: Option<String>,
    /// Where the body came from.
    #[serde(default)]
    pub body_source: Option<BodySource>,
    /// The charset the kept body's part declared (lowercase), which may
    /// differ from the top-level one; `None` when it declared none or no
    /// body was kept.
    #[serde(default)]
    pub body_charset: Option<String>,
    /// Whether the kept body's part had trouble decoding (a bad transfer
    /// encoding or bytes its charset cannot map): its text is a best effort
    /// and may hold replacement characters.
    #[serde(default)]
    pub decode_problem: bool,
    /// The structural defects the kit mended before the message was read
    /// (a missing blank line after the header, a multipart split on the
    /// delimiter its body uses rather than the one it declared): what was
    /// done to it, so that nobody mistakes the mended text for the original.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repairs: Vec<Repair>,
    /// The clean body.
    #[serde(default)]
    pub body: Option<String>,
}

impl Gathered {
    /// What a model reads: the subject, the sender, the content type and
    /// charset (an HTML-only message in an unusual charset says something),
    /// a blank line, the body.
    pub fn text(&self) -> String {
        model_text(
            self.subject.as_deref(),
            self.from.as_deref(),
            &self.content_type,
            self.charset.as_deref(),
            self.body.as_deref(),
        )
    }
}

/// The text a model reads from a message's parts: its subject, sender,
/// content type and charset, then its body. Training, evaluation and
/// serving all build it here, so a model never meets a text laid out
/// differently from the ones it learned from.
pub fn model_text(
    subject: Option<&str>,
    from: Option<&str>,
    content_type: &str,
    charset: Option<&str>,
    body: Option<&str>,
) -> String {
    format!(
        "{}\n{}\n{} {}\n\n{}",
        subject.unwrap_or(""),
        from.unwrap_or(""),
        content_type,
        charset.unwrap_or(""),
        body.unwrap_or("")
    )
}

/// The content type and charset a [`model_text`] says its message had:
/// its third line, `content/type charset` (the charset empty when the
/// message named none). None for a text not laid out by `model_text`.
pub fn model_text_format(text: &str) -> Option<(&str, Option<&str>)> {
    let third = text.split('\n').nth(2)?;
    let (content_type, charset) = third.split_once(' ')?;
    Some((content_type, Some(charset).filter(|c| !c.is_empty())))
}

/// The body of a [`model_text`]: what follows its four header lines
/// (nothing for a text with fewer lines).
pub fn model_text_body(text: &str) -> &str {
    text.splitn(5, '\n').nth(4).unwrap_or("")
}

// ANCHOR: report
/// Lengths of the clean bodies, in characters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LengthStats {
    /// How many clean bodies.
    pub count: usize,
    /// The shortest.
    pub min: usize,
    /// The median (nearest rank).
    pub median: usize,
    /// The 90th percentile (nearest rank).
    pub p90: usize,
    /// The longest.
    pub max: usize,
}

/// The data-quality report of one gather run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityReport {
    /// Messages read.
    pub imported: usize,
    /// Messages in the clean dataset.
    pub clean: usize,
    /// Messages left out as duplicates (exact and near).
    pub duplicates: usize,
    /// Of which exact.
    pub exact_duplicates: usize,
    /// Of which near.
    pub near_duplicates: usize,
    /// Messages set aside, by reason (`not_a_message`, ...): only reasons that occurred.
    pub quarantined: BTreeMap<String, usize>,
    /// Messages read, by group.
    pub by_group: BTreeMap<String, usize>,
    /// Messages read, by period (`"1"`, `"2"`).
    pub by_period: BTreeMap<String, usize>,
    /// Messages read, by top-level content type.
    pub by_content_type: BTreeMap<String, usize>,
    /// Messages read, by top-level charset (`"none"` when not declared).
    pub by_charset: BTreeMap<String, usize>,
    /// Lengths of the clean bodies (clean messages only).
    pub length: LengthStats,
    /// Messages read whose structure the kit mended first, by repair
    /// (`header_break`, `boundary`, `undeclared_multipart`), whatever became
    /// of them: only repairs that occurred. The given stage fills this in
    /// from each message's `repairs`; `build` leaves it empty.
    #[serde(default)]
    pub repaired: BTreeMap<String, usize>,
}
// ANCHOR_END: report

impl QualityReport {
    /// Messages quarantined, for every reason.
    pub fn quarantined_total(&self) -> usize {
        self.quarantined.values().sum()
    }

    /// The report's breakdowns for charts, each sorted largest first (then
    /// by name): `(title, rows)`.
    pub fn breakdowns(&self) -> Vec<(&'static str, Vec<(String, usize)>)> {
        [
            ("by_group", &self.by_group),
            ("by_period", &self.by_period),
            ("by_charset", &self.by_charset),
            ("by_content_type", &self.by_content_type),
            ("quarantined", &self.quarantined),
            ("repaired", &self.repaired),
        ]
        .into_iter()
        .map(|(name, map)| {
            let mut rows: Vec<(String, usize)> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
            rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            (name, rows)
        })
        .collect()
    }
}

/// The gather stage's summary: the report, and where the output went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GatherSummary {
    /// The corpus gathered.
    pub corpus: String,
    /// The data-quality report.
    #[serde(flatten)]
    pub report: QualityReport,
    /// The artifact's manifest.
    pub artifact: PathBuf,
    /// Wall time of the stage.
    pub seconds: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_text_says_its_format_and_only_a_model_text_does() {
        let text = model_text(
            Some("Hi"),
            Some("a@x.org"),
            "text/html",
            Some("gb2312"),
            Some("body\nwith lines"),
        );
        assert_eq!(
            model_text_format(&text),
            Some(("text/html", Some("gb2312")))
        );
        let bare = model_text(None, None, "text/plain", None, None);
        assert_eq!(model_text_format(&bare), Some(("text/plain", None)));
        assert_eq!(model_text_format("just words"), None);
        assert_eq!(model_text_body(&text), "body\nwith lines");
        assert_eq!(model_text_body(&bare), "");
        assert_eq!(model_text_body("just words"), "");
    }
}
