//! The clean dataset: the gather stage's `clean.jsonl`, as the later stages
//! and the benchmarks read it.

use crate::corpus::Label;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A clean message as the gather stage saved it (the fields read after it).
#[derive(Debug, Clone, Deserialize)]
pub struct CleanMessage {
    /// Its id.
    pub id: String,
    /// Its group.
    pub group: String,
    /// Its period.
    pub period: u8,
    /// Its gold label, from the corpus.
    pub label: Label,
    /// Its subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// Its sender.
    #[serde(default)]
    pub from: Option<String>,
    /// Its top-level content type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Its top-level charset.
    #[serde(default)]
    pub charset: Option<String>,
    /// Its clean body.
    #[serde(default)]
    pub body: Option<String>,
}

impl CleanMessage {
    /// What a model reads: the subject, the sender, the content type and
    /// charset (an HTML-only message in an unusual charset says something),
    /// a blank line, the body.
    pub fn text(&self) -> String {
        format!(
            "{}\n{}\n{} {}\n\n{}",
            self.subject.as_deref().unwrap_or(""),
            self.from.as_deref().unwrap_or(""),
            self.content_type.as_deref().unwrap_or(""),
            self.charset.as_deref().unwrap_or(""),
            self.body.as_deref().unwrap_or("")
        )
    }
}

/// Why a clean dataset could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CleanError {
    /// The file could not be read.
    #[error("reading the gather output `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line is not a gathered message.
    #[error("`{path}` line {line}: not a gathered message ({source})")]
    Line {
        /// The file.
        path: PathBuf,
        /// 1-based.
        line: usize,
        /// What serde found.
        source: serde_json::Error,
    },
}

/// Every message in the clean dataset at `path`, in file order; blank lines
/// are skipped and the first line that does not read is named.
pub fn read_clean(path: &Path) -> Result<Vec<CleanMessage>, CleanError> {
    let text = std::fs::read_to_string(path).map_err(|source| CleanError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|source| CleanError::Line {
                path: path.to_path_buf(),
                line: i + 1,
                source,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_messages_and_names_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clean.jsonl");
        let good =
            r#"{"id":"a","group":"spam","period":1,"label":"spam","subject":"Hi","body":"text"}"#;
        std::fs::write(&path, format!("{good}\n\n{good}\n")).unwrap();
        let messages = read_clean(&path).unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].text(), "Hi\n\n \n\ntext");
        std::fs::write(&path, format!("{good}\n{{\"id\":3}}\n")).unwrap();
        let err = read_clean(&path).unwrap_err().to_string();
        assert!(err.contains("clean.jsonl` line 2"), "{err}");
        let err = read_clean(&dir.path().join("none.jsonl"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("none.jsonl"), "{err}");
    }
}
