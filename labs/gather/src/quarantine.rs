//! Quarantine: messages set aside with a reason, never silently dropped.

use ninety_kit::mail::ParsedMail;

/// Why a message was set aside: a record the stage writes, so it lives in
/// the kit (`ninety_kit::records::gather::Reason`).
pub use ninety_kit::records::gather::Reason;

/// Whether to set a message aside, and why: checked in the order of
/// [`Reason`]'s variants, the first that applies wins. One reason is not
/// yours to give: [`Reason::LostBoundary`] comes from the kit's parsing, and
/// the given stage applies it itself; return the others. `mail` is what the
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
