//! Names a person types that end up naming files: corpora and annotators.
//!
//! A corpus name names folders in the data directory (`corpora/<name>`,
//! `labels/<name>`, the artifacts of every stage), and an annotator's name
//! names their label log (`labels/<corpus>/<name>.jsonl`). Taken as plain
//! strings, `../../x` would write outside the data directory. So each is a
//! type, checked once where it enters (a command-line flag, a config file, a
//! record read back from disk) and trusted everywhere after: a path built
//! from a [`CorpusName`] or an [`AnnotatorName`] cannot leave its folder.
//!
//! Whether a corpus of that name *exists* is a separate question, answered
//! against the workspace by [`crate::corpus::open_known`] and [`known_names`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

/// The longest corpus name.
pub const CORPUS_NAME_MAX: usize = 64;
/// The longest annotator name.
pub const ANNOTATOR_NAME_MAX: usize = 40;

/// A name that cannot name a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// A corpus name with characters a folder name should not have.
    #[error(
        "corpus name `{0}` is not usable: expected 1 to {CORPUS_NAME_MAX} letters, digits, `-` or `_` (it names folders in the data directory); `ninety data list` shows the corpora"
    )]
    Corpus(String),
    /// An annotator name with characters a file name should not have.
    #[error(
        "annotator name `{0}` is not usable: expected 1 to {ANNOTATOR_NAME_MAX} letters, digits, `-` or `_` (it names the log file)"
    )]
    Annotator(String),
}

/// Whether `name` has 1 to `most` ASCII letters, digits, `-` or `_`.
fn plain(name: &str, most: usize) -> bool {
    !name.is_empty()
        && name.len() <= most
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A name shown in an error: cut short so that a megabyte of junk does not
/// become a megabyte of message, and with control characters escaped.
pub fn shown(name: &str) -> String {
    const MOST: usize = 48;
    let mut out: String = name
        .chars()
        .take(MOST)
        .collect::<String>()
        .escape_debug()
        .collect();
    let n = name.chars().count();
    if n > MOST {
        out.push_str(&format!("… ({n} characters)"));
    }
    out
}

macro_rules! name_type {
    ($(#[$meta:meta])* $name:ident, $most:expr, $error:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The name, checked.
            pub fn new(name: impl Into<String>) -> Result<Self, NameError> {
                let name = name.into();
                if plain(&name, $most) {
                    Ok($name(name))
                } else {
                    Err(NameError::$error(shown(&name)))
                }
            }

            /// The name as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = NameError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = NameError;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                $name::new(s)
            }
        }

        impl From<$name> for String {
            fn from(n: $name) -> String {
                n.0
            }
        }

        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<std::path::Path> for $name {
            fn as_ref(&self) -> &std::path::Path {
                std::path::Path::new(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

name_type!(
    /// The name of a corpus: 1 to 64 ASCII letters, digits, `-` or `_`.
    CorpusName,
    CORPUS_NAME_MAX,
    Corpus
);

name_type!(
    /// The name of an annotator: 1 to 40 ASCII letters, digits, `-` or `_`.
    AnnotatorName,
    ANNOTATOR_NAME_MAX,
    Annotator
);

impl CorpusName {
    /// The bundled corpus, the default everywhere.
    pub fn mini() -> Self {
        CorpusName("mini".to_owned())
    }
}

impl Default for CorpusName {
    fn default() -> Self {
        CorpusName::mini()
    }
}

/// The names of the corpora a workspace knows, for "no corpus `x`; the
/// corpora are: ..." messages.
pub fn known_names(workspace_root: &std::path::Path, home: &crate::DataHome) -> Vec<String> {
    crate::corpus::known(workspace_root, home)
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// The items an id a person typed names: the one whose id is exactly
/// `typed` when there is one, otherwise every item whose id starts with it.
/// Run ids made in the same second differ only by a suffix (`…-random` and
/// `…-random-2`), so the shorter must still name its own run.
pub fn by_id_prefix<'a, T>(items: &'a [T], typed: &str, id: impl Fn(&T) -> &str) -> Vec<&'a T> {
    if let Some(exact) = items.iter().find(|item| id(item) == typed) {
        return vec![exact];
    }
    items
        .iter()
        .filter(|item| id(item).starts_with(typed))
        .collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_exact_id_wins_over_the_ids_it_starts() {
        let ids = [
            "20261130T192835-fasttext-random",
            "20261130T192835-fasttext-random-2",
        ];
        let picked = by_id_prefix(&ids, "20261130T192835-fasttext-random", |s| s);
        assert_eq!(picked, vec![&ids[0]]);
        let picked = by_id_prefix(&ids, "20261130T192835", |s| s);
        assert_eq!(picked.len(), 2, "a prefix of both names both");
        assert!(by_id_prefix(&ids, "nope", |s| s).is_empty());
    }
    use super::*;

    #[test]
    fn plain_names_pass_and_paths_do_not() {
        for good in ["mini", "spamassassin", "my-mail_2", &"x".repeat(64)] {
            assert_eq!(good.parse::<CorpusName>().unwrap().as_str(), good);
        }
        for bad in [
            "",
            "..",
            ".",
            "../../x",
            "a/b",
            "a\\b",
            "/etc",
            "a b",
            "naïve",
            "x\0",
            &"x".repeat(65),
        ] {
            let err = bad.parse::<CorpusName>().unwrap_err().to_string();
            assert!(
                err.contains("corpus name") && err.contains("expected"),
                "{bad:?}: {err}"
            );
        }
        assert!("ana-2_b".parse::<AnnotatorName>().is_ok());
        assert!("x".repeat(41).parse::<AnnotatorName>().is_err());
        assert!("../x".parse::<AnnotatorName>().is_err());
    }

    #[test]
    fn names_read_from_files_are_checked_too() {
        let ok: CorpusName = serde_json::from_str("\"mini\"").unwrap();
        assert_eq!(ok, "mini");
        assert_eq!(serde_json::to_string(&ok).unwrap(), "\"mini\"");
        let err = serde_json::from_str::<CorpusName>("\"../../x\"").unwrap_err();
        assert!(err.to_string().contains("not usable"), "{err}");
        let err = serde_json::from_str::<AnnotatorName>("\"a/b\"").unwrap_err();
        assert!(err.to_string().contains("annotator name"), "{err}");
    }

    #[test]
    fn a_huge_name_is_shown_short() {
        let huge = "a".repeat(10_000_000);
        let err = huge.parse::<CorpusName>().unwrap_err().to_string();
        assert!(err.len() < 400, "{} bytes", err.len());
        assert!(err.contains("10000000 characters"), "{err}");
    }
}
