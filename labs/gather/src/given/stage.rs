//! The gather stage over a whole corpus, built from the lab's decisions.
//!
//! Given (not part of the exercise): it reads every message, asks the kit to
//! parse it, and calls the functions of this lab in order: choose a body,
//! quarantine, clean, date; then finds duplicates among the messages not set
//! aside, in corpus order, and builds the report. Two things it adds of its
//! own, from what the kit found while parsing: a message whose multipart
//! cannot be split is set aside as `lost_boundary`, and the report counts
//! the messages the kit mended (`repaired`), which each record lists.

use crate::body::choose_body;
use crate::dedupe::{Keyed, find_duplicates};
use crate::normalise::{clean, dedup_key};
use crate::period::month_of;
use crate::quarantine::{Reason, quarantine};
use crate::report::{QualityReport, Record, Status, build};
use ninety_kit::corpus::CorpusError;
use ninety_kit::mail::ParsedMail;
use ninety_kit::{Corpus, Entry};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One message after the stage (the record the stage writes, in the kit).
pub use ninety_kit::records::gather::Gathered;

/// One message as a worker leaves it: judged, and for a clean one, its
/// dedup key and the length of its body in characters.
struct Judged {
    message: Gathered,
    key: Option<String>,
    body_chars: Option<usize>,
}

/// A worker's batches: each batch's number with its judged messages.
type Batches = Vec<(usize, Vec<Judged>)>;

/// Reads, parses and judges one message.
fn gather_one(corpus: &Corpus, entry: &Entry) -> Result<Judged, CorpusError> {
    let raw = corpus.read(entry)?;
    let mail = ninety_kit::mail::parse(&raw.bytes);
    let body = mail.as_ref().and_then(choose_body);
    let (body_source, body_charset, decode_problem) = match &body {
        Some(b) => (Some(b.source), b.charset.clone(), b.decode_problem),
        None => (None, None, false),
    };
    let clean_body = body.map(|b| clean(&b.text));
    let judged: Option<Reason> = quarantine(mail.as_ref(), clean_body.as_deref());
    let reason = structural_reason(mail.as_ref(), judged);
    let repairs = mail.as_ref().map(|m| m.repairs.clone()).unwrap_or_default();
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
    // Only clean messages carry their text on.
    let body = clean_body.filter(|_| reason.is_none());
    let key = body.as_deref().map(dedup_key);
    let body_chars = body.as_deref().map(|b| b.chars().count());
    let message = Gathered {
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
        body_source,
        body_charset,
        decode_problem,
        repairs,
        body,
    };
    Ok(Judged {
        message,
        key,
        body_chars,
    })
}

/// The reason to set a message aside, given what your `quarantine` judged:
/// a message the kit could not take apart ([`Reason::LostBoundary`]) is set
/// aside whatever its text looks like, since that text is raw MIME, unless
/// it is not a message at all (the more basic reason). This is the stage's
/// guard on the kit's parsing, not a judgement of the text.
fn structural_reason(mail: Option<&ParsedMail>, judged: Option<Reason>) -> Option<Reason> {
    match (judged, mail) {
        (Some(Reason::NotAMessage), _) => judged,
        (_, Some(m)) if m.lost_boundary => Some(Reason::LostBoundary),
        _ => judged,
    }
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
    // Each message is independent until deduplication: workers on every
    // core take small batches in turn (a batch of long HTML spam costs more
    // than one of short notes, so fixed halves would leave a core idle), and
    // the results go back into corpus order.
    const BATCH: usize = 16;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let batches = total.div_ceil(BATCH);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    // One worker loop, run by the spawned threads and by this one; `tick`
    // is called after each batch (this thread reports progress there).
    let work = |tick: &mut dyn FnMut(usize)| -> Result<Batches, CorpusError> {
        let mut mine = Vec::new();
        loop {
            let batch = next.fetch_add(1, Ordering::Relaxed);
            if batch >= batches {
                return Ok(mine);
            }
            let entries = &corpus.entries[batch * BATCH..((batch + 1) * BATCH).min(total)];
            let out = entries
                .iter()
                .map(|entry| gather_one(corpus, entry))
                .collect::<Result<Vec<_>, _>>()?;
            tick(done.fetch_add(out.len(), Ordering::Relaxed) + out.len());
            mine.push((batch, out));
        }
    };
    let results: Vec<Result<Batches, CorpusError>> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .map(|_| scope.spawn(|| work(&mut |_| {})))
            .collect();
        let mut reported = 0;
        let own = work(&mut |now| {
            if now >= reported + 100 {
                progress(now, total);
                reported = now;
            }
        });
        let mut all = vec![own];
        all.extend(
            helpers
                .into_iter()
                .map(|w| w.join().expect("a gather worker panicked")),
        );
        all
    });
    progress(total, total);
    let mut ordered: Vec<(usize, Vec<Judged>)> = Vec::with_capacity(batches);
    for part in results {
        ordered.extend(part?);
    }
    ordered.sort_unstable_by_key(|(batch, _)| *batch);
    let mut messages = Vec::with_capacity(total);
    let mut keys = Vec::with_capacity(total);
    let mut body_chars = Vec::with_capacity(total);
    for judged in ordered.into_iter().flat_map(|(_, batch)| batch) {
        messages.push(judged.message);
        keys.push(judged.key);
        body_chars.push(judged.body_chars);
    }
    let kept: Vec<usize> = (0..messages.len())
        .filter(|&i| messages[i].status == Status::Clean)
        .collect();
    let bodies: Vec<Keyed<'_>> = kept
        .iter()
        .map(|&i| Keyed {
            body: messages[i].body.as_deref().unwrap_or(""),
            key: keys[i].as_deref().unwrap_or(""),
        })
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
        .zip(&body_chars)
        .map(|(m, &body_chars)| Record {
            group: m.group.to_string(),
            period: m.period,
            content_type: m.content_type.clone(),
            charset: m.charset.clone(),
            status: m.status,
            body_chars,
        })
        .collect();
    let mut report = build(&records);
    for repair in messages.iter().flat_map(|m| &m.repairs) {
        *report.repaired.entry(repair.to_string()).or_default() += 1;
    }
    Ok(GatherOutput { messages, report })
}
