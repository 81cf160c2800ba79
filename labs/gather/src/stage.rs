//! The gather stage over a whole corpus, built from the lab's decisions.
//!
//! Given (not part of the exercise): it reads every message, asks the kit to
//! parse it, and calls the functions of this lab in order: choose a body,
//! quarantine, clean, date; then finds duplicates among the messages not set
//! aside, in corpus order, and builds the report.

use crate::body::{BodySource, choose_body};
use crate::dedupe::find_duplicates;
use crate::normalise::clean;
use crate::period::{DateSource, month_of};
use crate::quarantine::{Reason, quarantine};
use crate::report::{QualityReport, Record, Status, build};
use ninety_kit::corpus::CorpusError;
use ninety_kit::hash::sha256_hex;
use ninety_kit::{Corpus, Group, Label};
use serde::Serialize;

/// One message after the stage: where it came from, what became of it, and
/// for clean messages, the text the rest of the course learns from.
#[derive(Debug, Clone, Serialize)]
pub struct Gathered {
    /// The SHA-256 of the raw message: its id everywhere downstream.
    pub id: String,
    /// Its path in the corpus.
    pub path: String,
    /// Its group.
    pub group: Group,
    /// Its collection period.
    pub period: u8,
    /// Its gold label.
    pub label: Label,
    /// What became of it.
    #[serde(flatten)]
    pub status: Status,
    /// For a duplicate, the path of the message it copies.
    pub duplicate_of: Option<String>,
    /// Its month, `YYYY-MM`, when known.
    pub month: Option<String>,
    /// Where the month came from.
    pub date_source: DateSource,
    /// Its subject, decoded.
    pub subject: Option<String>,
    /// Its sender.
    pub from: Option<String>,
    /// Its top-level content type.
    pub content_type: String,
    /// Its top-level charset.
    pub charset: Option<String>,
    /// Where the body came from.
    pub body_source: Option<BodySource>,
    /// The clean body.
    pub body: Option<String>,
}

/// Everything the stage produced.
#[derive(Debug, Clone)]
pub struct GatherOutput {
    /// Every message of the corpus, in corpus order.
    pub messages: Vec<Gathered>,
    /// The report.
    pub report: QualityReport,
}

/// Runs the stage over `corpus`; `progress(done, total)` is told as it goes.
pub fn gather(
    corpus: &Corpus,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<GatherOutput, CorpusError> {
    let total = corpus.len();
    let mut messages = Vec::with_capacity(total);
    for (i, raw) in corpus.messages().enumerate() {
        let raw = raw?;
        let mail = ninety_kit::mail::parse(&raw.bytes);
        let body = mail.as_ref().and_then(choose_body);
        let reason: Option<Reason> = quarantine(mail.as_ref(), body.as_ref());
        let (month, date_source) = month_of(mail.as_ref(), &raw.bytes);
        let (content_type, charset, subject, from) = match &mail {
            Some(m) => (
                m.content_type.clone(),
                m.charset.clone(),
                m.subject.clone(),
                m.from.clone(),
            ),
            None => ("unknown".to_owned(), None, None, None),
        };
        messages.push(Gathered {
            id: sha256_hex(&raw.bytes),
            path: raw.entry.path.clone(),
            group: raw.entry.group,
            period: raw.entry.period,
            label: raw.entry.label,
            status: reason.map_or(Status::Clean, Status::Quarantined),
            duplicate_of: None,
            month: month.map(|m| m.to_string()),
            date_source,
            subject,
            from,
            content_type,
            charset,
            body_source: body.as_ref().map(|b| b.source),
            body: if reason.is_none() {
                body.map(|b| clean(&b.text))
            } else {
                None
            },
        });
        if (i + 1) % 100 == 0 || i + 1 == total {
            progress(i + 1, total);
        }
    }
    let kept: Vec<usize> = (0..messages.len())
        .filter(|&i| messages[i].status == Status::Clean)
        .collect();
    let bodies: Vec<&str> = kept
        .iter()
        .map(|&i| messages[i].body.as_deref().unwrap_or(""))
        .collect();
    let duplicates = find_duplicates(&bodies);
    for d in duplicates {
        let (index, original) = (kept[d.index], kept[d.original]);
        let original_path = messages[original].path.clone();
        let m = &mut messages[index];
        m.status = Status::Duplicate(d.kind);
        m.duplicate_of = Some(original_path);
    }
    let records: Vec<Record> = messages
        .iter()
        .map(|m| Record {
            group: m.group.to_string(),
            period: m.period,
            content_type: m.content_type.clone(),
            charset: m.charset.clone(),
            status: m.status,
            body_chars: m.body.as_ref().map(|b| b.chars().count()),
        })
        .collect();
    let report = build(&records);
    Ok(GatherOutput { messages, report })
}
