//! Quarantine: messages set aside with a reason, never silently dropped.

use ninety_kit::mail::ParsedMail;
use serde::Serialize;
use std::fmt;

// ANCHOR: reason
/// Why a message was set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Not an email at all: nothing parses, or it has none of the
    /// `From:`, `Subject:` and `Date:` headers.
    NotAMessage,
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

/// Whether to set a message aside, and why: checked in the order of
/// [`Reason`]'s variants, the first that applies wins. `mail` is what the
/// kit parsed (`None` when nothing did); `clean_body` is the clean text
/// ([`crate::normalise::clean`]) of the body [`crate::body::choose_body`]
/// kept (`None` when it kept none). The stage cleans each body once and
/// hands the same text to this function and to the dataset.
pub fn quarantine(mail: Option<&ParsedMail>, clean_body: Option<&str>) -> Option<Reason> {
    // BEGIN SOLUTION: give the first reason, in the order of Reason's
    //   variants, to set this message aside, or None to keep it
    let Some(mail) = mail else {
        return Some(Reason::NotAMessage);
    };
    if mail.from.is_none() && mail.subject.is_none() && mail.date_header.is_none() {
        return Some(Reason::NotAMessage);
    }
    let Some(text) = clean_body else {
        return Some(Reason::EmptyAfterCleaning);
    };
    // One pass for all three counts: this runs on every message.
    let (mut total, mut bad, mut alphanumeric) = (0usize, 0usize, false);
    for c in text.chars() {
        total += 1;
        bad += usize::from(c == '\u{FFFD}');
        alphanumeric |= c.is_alphanumeric();
    }
    if !alphanumeric {
        return Some(Reason::EmptyAfterCleaning);
    }
    if bad * 20 > total {
        return Some(Reason::Undecodable);
    }
    None
    // END SOLUTION
}
