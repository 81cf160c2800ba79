//! The data-quality report: what went in, what came out, and why.

use crate::dedupe::DuplicateKind;

/// What became of one message, and the report: records the stage writes,
/// so their types live in the kit.
pub use ninety_kit::records::gather::{LengthStats, QualityReport, Status};

/// The facts about one message the report counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `easy-ham`, `hard-ham`, `spam`.
    pub group: String,
    /// 1 or 2.
    pub period: u8,
    /// The top-level content type.
    pub content_type: String,
    /// The top-level charset, if declared.
    pub charset: Option<String>,
    /// What became of it.
    pub status: Status,
    /// Characters in its clean body, when it has one.
    pub body_chars: Option<usize>,
}

/// The report over `records`: every message counted once in `imported` and
/// once in exactly one of `clean`, `duplicates` and `quarantined`; the
/// breakdowns over all messages read; the lengths over clean messages only
/// (all zero when there are none).
pub fn build(records: &[Record]) -> QualityReport {
    // BEGIN SOLUTION: count every record into the report
    //   and summarise the lengths of the clean bodies
    let mut r = QualityReport {
        imported: records.len(),
        ..QualityReport::default()
    };
    let mut lengths = Vec::new();
    for rec in records {
        *r.by_group.entry(rec.group.clone()).or_default() += 1;
        *r.by_period.entry(rec.period.to_string()).or_default() += 1;
        *r.by_content_type
            .entry(rec.content_type.clone())
            .or_default() += 1;
        *r.by_charset
            .entry(rec.charset.clone().unwrap_or_else(|| "none".into()))
            .or_default() += 1;
        match rec.status {
            Status::Clean => {
                r.clean += 1;
                lengths.push(rec.body_chars.unwrap_or(0));
            }
            Status::Duplicate(kind) => {
                r.duplicates += 1;
                match kind {
                    DuplicateKind::Exact => r.exact_duplicates += 1,
                    DuplicateKind::Near => r.near_duplicates += 1,
                }
            }
            Status::Quarantined(reason) => {
                *r.quarantined.entry(reason.to_string()).or_default() += 1
            }
        }
    }
    lengths.sort_unstable();
    if !lengths.is_empty() {
        let rank = |p: f64| {
            lengths
                [((p / 100.0 * lengths.len() as f64).ceil() as usize).clamp(1, lengths.len()) - 1]
        };
        r.length = LengthStats {
            count: lengths.len(),
            min: lengths[0],
            median: rank(50.0),
            p90: rank(90.0),
            max: lengths[lengths.len() - 1],
        };
    }
    r
    // END SOLUTION
}
