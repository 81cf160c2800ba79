//! An error and its causes as one line of text, for the places that show an error as a
//! string: a grading check's failure message, an event sent to the workbench.
//!
//! The kit's errors keep what caused them as their `source`: the error's own message
//! says what failed and where (the file, the line, the field), its causes say why. An
//! error's `to_string()` alone drops the why; [`chain`] keeps it.

use std::error::Error;

/// `error`'s message followed by each of its causes, joined by `: `.
///
/// A cause whose text the message so far already ends with is left out (some errors
/// repeat their source's text in their own), and trailing whitespace (a parser's
/// closing newline) is trimmed from each part.
pub fn chain(error: &(dyn Error + 'static)) -> String {
    let mut message = String::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        let text = text.trim_end();
        if !message.ends_with(text) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(text);
        }
        next = e.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("reading `{path}`")]
    struct Outer {
        path: &'static str,
        source: std::io::Error,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("cannot read `{path}`: {source}")]
    struct Repeats {
        path: &'static str,
        source: std::io::Error,
    }

    #[test]
    fn every_cause_is_joined_once() {
        let missing = || std::io::Error::new(std::io::ErrorKind::NotFound, "no such file\n");
        let e = Outer {
            path: "a.toml",
            source: missing(),
        };
        assert_eq!(chain(&e), "reading `a.toml`: no such file");
        let e = Repeats {
            path: "a.toml",
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        };
        assert_eq!(chain(&e), "cannot read `a.toml`: no such file");
        assert_eq!(chain(&missing()), "no such file");
    }
}
