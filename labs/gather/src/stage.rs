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
use ninety_kit::{Corpus, Entry, Group, Label};
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// Reads, parses and judges one message.
fn gather_one(corpus: &Corpus, entry: &Entry) -> Result<Gathered, CorpusError> {
    let raw = corpus.read(entry)?;
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
    Ok(Gathered {
        // The reader has checked the bytes against this hash already.
        id: raw.entry.sha256.clone(),
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
    })
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
    // Each message is independent until deduplication: split the corpus
    // over the machine's cores, keep corpus order, report progress from here.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = total.div_ceil(threads).max(1);
    let done = AtomicUsize::new(0);
    let results: Vec<Result<Vec<Gathered>, CorpusError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = corpus
            .entries
            .chunks(chunk)
            .map(|entries| {
                let done = &done;
                scope.spawn(move || {
                    let mut out = Vec::with_capacity(entries.len());
                    for entry in entries {
                        out.push(gather_one(corpus, entry)?);
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(out)
                })
            })
            .collect();
        let mut reported = 0;
        while workers.iter().any(|w| !w.is_finished()) {
            let now = done.load(Ordering::Relaxed);
            if now >= reported + 100 {
                progress(now, total);
                reported = now;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        workers
            .into_iter()
            .map(|w| w.join().expect("a gather worker panicked"))
            .collect()
    });
    progress(total, total);
    let mut messages = Vec::with_capacity(total);
    for part in results {
        messages.extend(part?);
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
