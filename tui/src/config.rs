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
//! is written over it.

use anyhow::{Result, anyhow};
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
    pub annotator: Option<String>,
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

    fn check(&self) -> Result<(), String> {
        let named = self.named();
        for (i, (name, key)) in named.iter().enumerate() {
            if key.is_control() || key.is_whitespace() || *key == '?' {
                return Err(format!(
                    "label.keys.{name}: `{}` cannot be a key; expected a letter, digit or punctuation other than `?` (help)",
                    key.escape_default()
                ));
            }
            if let Some((other, _)) = named[..i].iter().find(|(_, k)| k == key) {
                return Err(format!(
                    "label.keys.{name}: `{key}` is already the key for {other}; each action needs its own key"
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

impl Config {
    /// Reads the config at `path`; a missing file is the defaults.
    pub fn load(path: &Path) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(anyhow!("cannot read `{}`: {e}", path.display())),
        };
        Self::parse(&text).map_err(|e| anyhow!("`{}`: {e}", path.display()))
    }

    /// Reads a config from its text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string().trim().to_owned())?;
        config.label.keys.check()?;
        if let Some(name) = &config.label.annotator {
            ninety_kit::labels::check_annotator(name)
                .map_err(|e| format!("label.annotator: {e}"))?;
        }
        Ok(config)
    }
}

/// The annotator's name when none is given: the login name, made safe, or
/// `me`.
pub fn default_annotator() -> String {
    std::env::var("USER")
        .ok()
        .map(|u| ninety_kit::import::safe_name(&u, '_'))
        .filter(|u| ninety_kit::labels::check_annotator(u).is_ok())
        .unwrap_or_else(|| "me".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_remapped_keys() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
        let c = Config::parse("[label]\nannotator = \"ana\"\norder = \"uncertain\"\n[label.keys]\nspam = \"1\"\nham = \"2\"\n").unwrap();
        assert_eq!(c.label.keys.spam, '1');
        assert_eq!(c.label.keys.undo, 'z');
        assert_eq!(c.label.annotator.as_deref(), Some("ana"));
    }

    #[test]
    fn bad_configs_name_the_field() {
        let cases = [
            (
                "[label.keys]\nspam = \"h\"\n",
                "label.keys.ham: `h` is already the key for spam",
            ),
            (
                "[label]\norder = \"best\"\n",
                "unknown variant `best`, expected one of `random`, `stratified`, `uncertain`",
            ),
            ("[label]\nannotator = \"a b\"\n", "label.annotator"),
            ("[label]\nanotator = \"ana\"\n", "unknown field `anotator`"),
            ("[label.keys]\nspam = \"ss\"\n", "line 2"),
            ("[label.keys]\nnote = \"?\"\n", "label.keys.note"),
        ];
        for (text, expected) in cases {
            let err = Config::parse(text).unwrap_err();
            assert!(err.contains(expected), "{text:?} gave {err}");
        }
    }
}
