//! What a request must be before anything is scored.
//!
//! The contract is small: a `body`, and optionally a `subject` and a
//! `from`, the way a mail server knows them. Validation refuses what does
//! not fit it, with the field and the reason, so the caller can fix the
//! request; a model handed nonsense answers nonsense with confidence.

use ninety_kit::records::serve::PredictRequest;

// ANCHOR: limits
/// The sizes a request's fields may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest subject, in characters. A header line may be 998
    /// characters long (RFC 5322, section 2.1.1).
    pub max_subject_chars: usize,
    /// The longest sender, in characters.
    pub max_from_chars: usize,
    /// The longest body, in characters.
    pub max_body_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_subject_chars: 998,
            max_from_chars: 998,
            max_body_chars: 500_000,
        }
    }
}
// ANCHOR_END: limits

/// A field that is not acceptable, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` {problem}")]
pub struct FieldError {
    /// The field: `subject`, `from` or `body`.
    pub field: &'static str,
    /// What is wrong with it, and what was expected.
    pub problem: String,
}

impl FieldError {
    /// A field's error. Given.
    pub fn new(field: &'static str, problem: impl Into<String>) -> Self {
        Self {
            field,
            problem: problem.into(),
        }
    }
}

/// The problem with a header field's value (`subject` or `from`), if any,
/// checked in this order: longer than `max` characters ("is N characters
/// long; at most MAX are allowed"), a line break, CR or LF ("holds a line
/// break; a header field is one line"), any other control character
/// except tab ("holds the control character U+XXXX"). Given.
pub fn header_problem(value: &str, max: usize) -> Option<String> {
    let n = value.chars().count();
    if n > max {
        return Some(format!("is {n} characters long; at most {max} are allowed"));
    }
    if value.contains(['\r', '\n']) {
        return Some("holds a line break; a header field is one line".to_owned());
    }
    value
        .chars()
        .find(|c| c.is_control() && *c != '\t')
        .map(|c| format!("holds the control character U+{:04X}", c as u32))
}

// ANCHOR: check
/// Checks `request` against `limits`: the first problem found, looking at
/// `subject`, then `from`, then `body`.
///
/// - `subject` and `from`, when present, must have no
///   [`header_problem`]: the text of a header field is one line, and a
///   line break in it would let a caller forge the headers after it.
/// - `body` may hold anything but must not be longer than
///   `max_body_chars` ("is N characters long; at most MAX are allowed").
/// - There must be something to score: a `body`, or a `subject`, that is
///   not blank (only whitespace). When neither is, the error is the
///   body's: "and `subject` are both empty: there is nothing to score".
pub fn check(request: &PredictRequest, limits: &Limits) -> Result<(), FieldError> {
    // BEGIN SOLUTION: each header field's problem, the body's length,
    //   then whether there is anything to score at all
    if let Some(subject) = &request.subject
        && let Some(problem) = header_problem(subject, limits.max_subject_chars)
    {
        return Err(FieldError::new("subject", problem));
    }
    if let Some(from) = &request.from
        && let Some(problem) = header_problem(from, limits.max_from_chars)
    {
        return Err(FieldError::new("from", problem));
    }
    let n = request.body.chars().count();
    if n > limits.max_body_chars {
        return Err(FieldError::new(
            "body",
            format!(
                "is {n} characters long; at most {} are allowed",
                limits.max_body_chars
            ),
        ));
    }
    let blank = |s: &str| s.trim().is_empty();
    if blank(&request.body) && request.subject.as_deref().is_none_or(blank) {
        return Err(FieldError::new(
            "body",
            "and `subject` are both empty: there is nothing to score",
        ));
    }
    Ok(())
    // END SOLUTION
}
// ANCHOR_END: check
