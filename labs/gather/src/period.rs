//! When a message was sent, as a month, with a fallback for the dates that lie.
//!
//! Senders' clocks were wrong (1980, 2028), some `Date:` headers do not
//! parse and some are missing. The SpamAssassin files also start with an
//! mbox `From ` line written by the machine that received them, whose date
//! is a better guess than a date that cannot be true.

use ninety_kit::mail::ParsedMail;
use serde::Serialize;
use std::fmt;
use std::ops::RangeInclusive;

/// The years a date in this corpus can plausibly have.
pub const PLAUSIBLE_YEARS: RangeInclusive<u16> = 1995..=2005;

/// Month abbreviations as mbox `From ` lines write them.
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct YearMonth {
    /// The year.
    pub year: u16,
    /// 1 to 12.
    pub month: u8,
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Where a month came from (a record, in the kit).
pub use ninety_kit::records::gather::DateSource;

/// The month of an mbox `From ` line such as
/// `From someone@example.com  Thu Aug 22 12:36:23 2002`: the month from the
/// first token that is one of [`MONTHS`], the year from the last token.
/// `None` when `raw` does not start with `From ` or either part is missing.
pub fn mbox_line_month(raw: &[u8]) -> Option<YearMonth> {
    // BEGIN SOLUTION: read the month and year from the mbox From line that starts raw
    let line = raw.split(|&b| b == b'\n').next()?;
    let line = String::from_utf8_lossy(line);
    let rest = line.strip_prefix("From ")?;
    let tokens: Vec<&str> = rest.split_whitespace().collect();
    let month = tokens
        .iter()
        .find_map(|t| MONTHS.iter().position(|m| m == t))? as u8
        + 1;
    let year = tokens.last()?.parse::<u16>().ok()?;
    Some(YearMonth { year, month })
    // END SOLUTION
}

/// The month of a message and where it came from: the `Date:` header when
/// it parsed and its year is in [`PLAUSIBLE_YEARS`]; else the mbox line's
/// month when that one's year is plausible; else unknown.
pub fn month_of(mail: Option<&ParsedMail>, raw: &[u8]) -> (Option<YearMonth>, DateSource) {
    // BEGIN SOLUTION: choose the message's month from its Date
    //   header or its mbox line, and say which it came from
    if let Some(d) = mail.and_then(|m| m.date)
        && PLAUSIBLE_YEARS.contains(&d.year)
        && (1..=12).contains(&d.month)
    {
        return (
            Some(YearMonth {
                year: d.year,
                month: d.month,
            }),
            DateSource::Header,
        );
    }
    match mbox_line_month(raw) {
        Some(ym) if PLAUSIBLE_YEARS.contains(&ym.year) => (Some(ym), DateSource::MboxLine),
        _ => (None, DateSource::Unknown),
    }
    // END SOLUTION
}
