//! Settings files in TOML, read so that every error names the file, the
//! line and the field.
//!
//! The `toml` crate reports where a problem is as a byte span; people fix
//! files by line and by key. [`read`] turns a span into both: the line by
//! counting, the key by walking the spanned document (`toml::de::DeTable`)
//! to the innermost key or value that holds the span. Checks made after
//! reading (a value out of its range, two actions on one key) find their
//! line with [`line_of_field`] or from a `toml::Spanned` value.

use serde::de::DeserializeOwned;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// A settings file that cannot be used (its details behind a box, so that
/// a `Result` carrying it stays small; read them through `Deref`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TomlError(Box<TomlProblem>);

/// What is wrong with a settings file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlProblem {
    /// What the file is, in words (`config file`, `sweep file`).
    pub what: &'static str,
    /// The file.
    pub path: PathBuf,
    /// The 1-based line of the problem, when it has one.
    pub line: Option<usize>,
    /// The key path of the problem (`label.keys.spam`), when it is at a key.
    pub field: Option<String>,
    /// What was wrong and what was expected.
    pub problem: String,
    /// The text of that line, for showing it.
    pub line_text: Option<String>,
}

impl std::ops::Deref for TomlError {
    type Target = TomlProblem;

    fn deref(&self) -> &TomlProblem {
        &self.0
    }
}

impl From<TomlProblem> for TomlError {
    fn from(problem: TomlProblem) -> Self {
        TomlError(Box::new(problem))
    }
}

impl fmt::Display for TomlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.what, self.path.display())?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl TomlError {
    /// A problem at `span` of `text` (the line and the field found from it).
    pub fn at(
        what: &'static str,
        path: &Path,
        text: &str,
        span: Option<Range<usize>>,
        problem: impl Into<String>,
    ) -> Self {
        let line = span.as_ref().map(|s| line_of(text, s.start));
        TomlError::from(TomlProblem {
            what,
            path: path.to_owned(),
            line,
            field: span.and_then(|s| field_at(text, s.start)),
            problem: problem.into(),
            line_text: line
                .and_then(|n| text.lines().nth(n - 1))
                .map(str::to_owned),
        })
    }

    /// A problem with the value of `field` (a key path, `label.keys.spam`),
    /// found in `text` for its line when the file sets it.
    pub fn field(
        what: &'static str,
        path: &Path,
        text: &str,
        field: &str,
        problem: impl Into<String>,
    ) -> Self {
        let keys: Vec<&str> = field.split('.').collect();
        let line = line_of_field(text, &keys);
        TomlError::from(TomlProblem {
            what,
            path: path.to_owned(),
            line,
            field: Some(field.to_owned()),
            problem: problem.into(),
            line_text: line
                .and_then(|n| text.lines().nth(n - 1))
                .map(str::to_owned),
        })
    }
}

/// Reads `text`, the contents of the file at `path`, as a `T`; `what` names
/// the kind of file in the error.
pub fn read<T: DeserializeOwned>(
    what: &'static str,
    path: &Path,
    text: &str,
) -> Result<T, TomlError> {
    toml::from_str(text)
        .map_err(|e| TomlError::at(what, path, text, e.span(), e.message().trim().to_owned()))
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The key path (`label.keys.spam`) of the innermost key or value of the
/// document `text` that holds byte `offset`; none when the document does
/// not parse or the offset is outside every key and value.
pub fn field_at(text: &str, offset: usize) -> Option<String> {
    let doc = DeTable::parse(text).ok()?;
    let mut best: Option<(usize, Vec<String>)> = None;
    let mut path = Vec::new();
    walk(doc.get_ref(), &mut path, &mut |path, key, value| {
        for span in [key, value] {
            let holds = span.start <= offset && (offset < span.end || span.is_empty());
            let len = span.end - span.start;
            if holds && best.as_ref().is_none_or(|(l, _)| len <= *l) {
                best = Some((len, path.to_vec()));
            }
        }
    });
    best.map(|(_, p)| p.join("."))
}

/// The 1-based line where the document `text` sets the key path `field`;
/// none when it does not set it (a default) or does not parse.
pub fn line_of_field(text: &str, field: &[&str]) -> Option<usize> {
    let doc = DeTable::parse(text).ok()?;
    let mut found = None;
    let mut path = Vec::new();
    walk(doc.get_ref(), &mut path, &mut |path, key, _value| {
        if found.is_none() && path.iter().map(String::as_str).eq(field.iter().copied()) {
            found = Some(line_of(text, key.start));
        }
    });
    found
}

/// What [`walk`] calls for each entry: its key path, its key's span, its
/// value's span.
type Visit<'a> = dyn FnMut(&[String], Range<usize>, Range<usize>) + 'a;

/// Calls `visit` with the key path, the key's span and the value's span of
/// every entry of `table`, depth first.
fn walk(table: &DeTable<'_>, path: &mut Vec<String>, visit: &mut Visit<'_>) {
    for (key, value) in table.iter() {
        path.push(key.get_ref().to_string());
        visit(path, key.span(), value.span());
        if let DeValue::Table(inner) = value.get_ref() {
            walk(inner, path, visit);
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct File {
        label: Label,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Label {
        seed: Option<u64>,
        #[serde(default)]
        keys: std::collections::BTreeMap<String, char>,
    }

    fn error(text: &str) -> TomlError {
        read::<File>("config file", Path::new("c.toml"), text).unwrap_err()
    }

    #[test]
    fn errors_name_the_line_and_the_field() {
        let e = error("# settings\n[label]\nseed = \"seven\"\n");
        assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("label.seed")));
        assert_eq!(e.line_text.as_deref(), Some("seed = \"seven\""));
        assert!(
            e.to_string()
                .starts_with("config file `c.toml` line 3, field `label.seed`: invalid type"),
            "{e}"
        );
        let e = error("[label]\nsed = 7\n");
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("label.sed")));
        assert!(e.problem.contains("unknown field `sed`"), "{e}");
        let e = error("[label]\n\n[label.keys]\nspam = \"ss\"\n");
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(4), Some("label.keys.spam"))
        );
        // A file that is not TOML at all: the line, no field.
        let e = error("[label\nseed = 1\n");
        assert_eq!((e.line, e.field.as_deref()), (Some(1), None));
    }

    #[test]
    fn a_field_set_in_the_file_is_found_by_its_path() {
        let text = "[label]\nseed = 1\n\n[label.keys]\nham = \"x\"\n";
        assert_eq!(line_of_field(text, &["label", "keys", "ham"]), Some(5));
        assert_eq!(line_of_field(text, &["label", "seed"]), Some(2));
        assert_eq!(line_of_field(text, &["label", "keys", "spam"]), None);
        let e = TomlError::field(
            "config file",
            Path::new("c.toml"),
            text,
            "label.keys.ham",
            "bad",
        );
        assert_eq!(
            e.to_string(),
            "config file `c.toml` line 5, field `label.keys.ham`: bad"
        );
    }
}
