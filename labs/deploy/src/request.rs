//! A request to the text the model reads.
//!
//! The model learned from texts the gather stage made: a message parsed by
//! the kit, its body chosen by your `choose_body`, cleaned by your
//! `clean`, laid out by the kit's `model_text`. A served request must
//! become exactly that text, or the model meets inputs unlike any it
//! learned from and its scores mean less than the evaluation said: the
//! training/serving skew. The way not to have skew is to have one path:
//! call the code training used, never a second version of it.

use crate::validate::{FieldError, Limits, check};
use lab_gather::body::choose_body;
use lab_gather::normalise::clean;
use ninety_kit::mail::parse;
use ninety_kit::records::gather::model_text;
use ninety_kit::records::serve::PredictRequest;

/// Why a request has no text for the model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// A JSON field is not acceptable.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// A raw body that is not a mail message.
    #[error(
        "the body is not a mail message: expected RFC 822 headers, a blank line, then the message"
    )]
    NotAMessage,
    /// A message with no text in its body.
    #[error("the message has no text to score: no plain-text or HTML part with words in it")]
    NoText,
}

/// What a JSON request's text says of its content type: its `body` is
/// plain text.
pub const JSON_CONTENT_TYPE: &str = "text/plain";
/// What a JSON request's text says of its charset: JSON is UTF-8.
pub const JSON_CHARSET: &str = "utf-8";

// ANCHOR: from_json
/// The model text of a JSON request: `check`ed against `limits` first,
/// then laid out by `model_text` from its subject, its sender,
/// [`JSON_CONTENT_TYPE`], [`JSON_CHARSET`] and its body, the body cleaned
/// exactly as training's bodies were.
pub fn from_json(request: &PredictRequest, limits: &Limits) -> Result<String, RequestError> {
    // BEGIN SOLUTION: validate, then the same cleaning and the same
    //   layout as the texts the model was trained on
    check(request, limits)?;
    let body = clean(&request.body);
    Ok(model_text(
        request.subject.as_deref(),
        request.from.as_deref(),
        JSON_CONTENT_TYPE,
        Some(JSON_CHARSET),
        Some(&body),
    ))
    // END SOLUTION
}
// ANCHOR_END: from_json

// ANCHOR: from_raw
/// The model text of a raw message (`Content-Type: message/rfc822`): the
/// text the gather stage would have given the model for the same bytes.
///
/// Bytes the kit cannot parse as a message are [`RequestError::NotAMessage`];
/// a message whose chosen body is blank once cleaned (or has none) is
/// [`RequestError::NoText`].
pub fn from_raw(raw: &[u8]) -> Result<String, RequestError> {
    // BEGIN SOLUTION: the gather stage's own steps, in its order:
    //   parse, choose the body, clean it, lay the text out
    let mail = parse(raw).ok_or(RequestError::NotAMessage)?;
    let body = choose_body(&mail)
        .map(|b| clean(&b.text))
        .filter(|b| !b.trim().is_empty())
        .ok_or(RequestError::NoText)?;
    Ok(model_text(
        mail.subject.as_deref(),
        mail.from.as_deref(),
        &mail.content_type,
        mail.charset.as_deref(),
        Some(&body),
    ))
    // END SOLUTION
}
// ANCHOR_END: from_raw
