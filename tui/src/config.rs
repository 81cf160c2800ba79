//! The learner's settings: `<data dir>/config.toml`.
//!
//! ```toml
//! [label]
//! annotator = "ana"
//! order = "stratified"   # random | stratified | uncertain
//! seed = 7               # optional; by default made from the corpus name
//!
//! [label.keys]
//! spam = "s"
//! ham = "h"
//! unsure = "u"
//! skip = "n"
//! undo = "z"
//! note = "m"
//! back = "q"
//! ```
//!
//! Everything is optional. A missing file is the defaults; a file that does
//! not read is an error naming the file, the line and the field, and nothing
//! is written over it. `ninety label` refuses to start with such a file,
//! and the workbench shows the error until it is dismissed and keeps the
//! labeling screen closed: decisions saved under the wrong annotator's
//! name, or made with keys the learner did not choose, would be worse than
//! no decisions.

use ninety_kit::AnnotatorName;
use ninety_kit::tomlfile::{self, TomlError, TomlProblem};
use serde::Deserialize;
use std::path::Path;

/// The whole config file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The labeling screen's settings.
    #[serde(default)]
    pub label: LabelConfig,
}

/// `[label]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelConfig {
    /// The annotator's name (it names their label log).
    pub annotator: Option<AnnotatorName>,
    /// The queue order.
    pub order: Option<ninety_kit::QueueOrder>,
    /// The queue's seed.
    pub seed: Option<u64>,
    /// The keys.
    #[serde(default)]
    pub keys: LabelKeys,
}

/// `[label.keys]`: one character per action.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LabelKeys {
    /// Label spam.
    pub spam: char,
    /// Label ham.
    pub ham: char,
    /// Label unsure.
    pub unsure: char,
    /// Skip for now.
    pub skip: char,
    /// Undo the last decision.
    pub undo: char,
    /// Write a note for the next decision.
    pub note: char,
    /// Leave the labeling screen.
    pub back: char,
}

impl Default for LabelKeys {
    fn default() -> Self {
        LabelKeys {
            spam: 's',
            ham: 'h',
            unsure: 'u',
            skip: 'n',
            undo: 'z',
            note: 'm',
            back: 'q',
        }
    }
}

impl LabelKeys {
    /// The keys with their names, in screen order.
    pub fn named(&self) -> [(&'static str, char); 7] {
        [
            ("spam", self.spam),
            ("ham", self.ham),
            ("unsure", self.unsure),
            ("skip", self.skip),
            ("undo", self.undo),
            ("note", self.note),
            ("back", self.back),
        ]
    }

    /// Every key usable and no two actions on one key; else the field to
    /// blame (one the file `text` sets, where it can) and what is wrong.
    fn check(&self, text: &str) -> Result<(), (String, String)> {
        let named = self.named();
        let field = |name: &str| format!("label.keys.{name}");
        let set = |name: &str| tomlfile::line_of_field(text, &["label", "keys", name]).is_some();
        for (i, (name, key)) in named.iter().enumerate() {
            if key.is_control() || key.is_whitespace() || ['?', '[', ']'].contains(key) {
                return Err((
                    field(name),
                    format!(
                        "`{}` cannot be a key; expected a letter, digit or punctuation other than `?` (help) and `[` `]` (scroll the guidelines)",
                        key.escape_default()
                    ),
                ));
            }
            if let Some((other, _)) = named[..i].iter().find(|(_, k)| k == key) {
                // Blame the one the file sets: the other is a default.
                let (blamed, with) = if set(name) || !set(other) {
                    (name, other)
                } else {
                    (other, name)
                };
                return Err((
                    field(blamed),
                    format!(
                        "`{key}` is also the key for {with}; each action needs its own key (the defaults are s h u n z m q)"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The config file in a data directory.
pub fn path(home: &ninety_kit::DataHome) -> std::path::PathBuf {
    home.root().join("config.toml")
}

/// Why the config file cannot be used: the file, the line, the field, and
/// what was expected.
pub type ConfigError = TomlError;

/// What the config file is called in errors.
const WHAT: &str = "config file";

impl Config {
    /// Reads the config at `path`; a missing file is the defaults.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let at = e.utf8_error().valid_up_to();
                    return Err(TomlError::at(
                        WHAT,
                        path,
                        &text,
                        Some(at..at + 1),
                        "not UTF-8 text; expected a TOML file saved as UTF-8",
                    ));
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(TomlError::from(TomlProblem {
                    what: WHAT,
                    path: path.to_owned(),
                    line: None,
                    field: None,
                    problem: format!("cannot be read ({e})"),
                    line_text: None,
                }));
            }
        };
        Self::parse(&text, path)
    }

    /// Reads a config from its text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let config: Config = tomlfile::read(WHAT, path, text)?;
        config
            .label
            .keys
            .check(text)
            .map_err(|(field, problem)| TomlError::field(WHAT, path, text, &field, problem))?;
        Ok(config)
    }
}

/// The annotator's name when none is given: the login name, made safe, or
/// `me`.
pub fn default_annotator() -> AnnotatorName {
    std::env::var("USER")
        .ok()
        .and_then(|u| AnnotatorName::new(ninety_kit::import::safe_name(&u, '_')).ok())
        .unwrap_or_else(|| AnnotatorName::new("me").expect("a plain name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new(".ninety/config.toml"))
    }

    #[test]
    fn defaults_and_remapped_keys() {
        assert_eq!(parse("").unwrap(), Config::default());
        let c = parse("[label]\nannotator = \"ana\"\norder = \"uncertain\"\n[label.keys]\nspam = \"1\"\nham = \"2\"\n").unwrap();
        assert_eq!(c.label.keys.spam, '1');
        assert_eq!(c.label.keys.undo, 'z');
        assert_eq!(c.label.annotator.as_deref(), Some("ana"));
    }

    #[test]
    fn bad_configs_name_the_file_the_line_and_the_field() {
        // Issue 12, item 12: what was wrong, where, and what was expected.
        let cases = [
            (
                "[label.keys]\nspam = \"h\"\n",
                2,
                "label.keys.spam",
                "`h` is also the key for ham",
            ),
            (
                "[label.keys]\nundo = \"x\"\nnote = \"x\"\n",
                3,
                "label.keys.note",
                "`x` is also the key for undo",
            ),
            (
                "[label.keys]\n\nskip = \"]\"\n",
                3,
                "label.keys.skip",
                "`]` cannot be a key",
            ),
            (
                "[label]\norder = \"best\"\n",
                2,
                "label.order",
                "unknown variant `best`, expected one of `random`, `stratified`, `uncertain`",
            ),
            (
                "[label]\n\nannotator = \"a b\"\n",
                3,
                "label.annotator",
                "annotator name `a b` is not usable",
            ),
            (
                "[label]\nanotator = \"ana\"\n",
                2,
                "label.anotator",
                "unknown field `anotator`",
            ),
            (
                "[label.keys]\nspam = \"ss\"\n",
                2,
                "label.keys.spam",
                "char",
            ),
            (
                "[label.keys]\nnote = \"?\"\n",
                2,
                "label.keys.note",
                "other than `?`",
            ),
            ("[label]\nseed = -1\n", 2, "label.seed", "u64"),
        ];
        for (text, line, field, expected) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(err.line, Some(line), "{text:?} gave {err}");
            assert_eq!(err.field.as_deref(), Some(field), "{text:?} gave {err}");
            assert!(err.problem.contains(expected), "{text:?} gave {err}");
            let said = err.to_string();
            assert!(
                said.starts_with(&format!(
                    "config file `.ninety/config.toml` line {line}, field `{field}`: "
                )),
                "{said}"
            );
        }
    }

    #[test]
    fn a_file_that_is_not_utf8_or_not_toml_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, b"[label]\nannotator = \"an\xffa\"\n").unwrap();
        let err = Config::load(&file).unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
        assert!(err.problem.contains("UTF-8"), "{err}");
        std::fs::write(&file, "[label\n").unwrap();
        let err = Config::load(&file).unwrap_err();
        assert_eq!(err.line, Some(1), "{err}");
        assert!(
            Config::load(&dir.path().join("none.toml")).is_ok(),
            "missing: defaults"
        );
    }
}
