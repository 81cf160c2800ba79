//! The problem spec: the product goal written down as fields a program can check.
//!
//! The learner writes `spec.toml`; [`ProblemSpec::load`] reads it into the
//! typed structs below (a missing or misspelt field is an error naming the
//! field) and then runs [`ProblemSpec::validate`], which the learner writes,
//! to catch specs that parse but do not make sense.

use ninety_kit::Label;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

// ANCHOR: spec_types
/// The whole spec: one section per question the team had to answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemSpec {
    /// Why we are doing this at all.
    pub product: Product,
    /// What exactly is predicted, for what unit.
    pub target: Target,
    /// What each label means, precisely enough for two people to agree.
    pub labels: Labels,
    /// What each kind of outcome costs.
    pub costs: Costs,
    /// What we optimise and what we must never violate.
    pub metric: MetricSpec,
    /// The simple rule every model has to beat.
    pub baseline: BaselineSpec,
    /// How fast a prediction has to be.
    pub latency: LatencySpec,
}

/// The product goal, in the product's words.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// One sentence a user would recognise.
    pub goal: String,
}

/// The prediction target.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The yes/no question the model answers.
    pub question: String,
    /// What one prediction is about (`message`).
    pub unit: String,
    /// The label that means "act" (send to the spam folder).
    pub positive: Label,
    /// The label that means "leave it alone".
    pub negative: Label,
}

/// Label definitions: what a labeler reads before deciding.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// What counts as spam.
    pub spam: String,
    /// What counts as ham.
    pub ham: String,
}

/// The cost of each outcome, in one unit (say, minutes of a user's time).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// A real email sent to the spam folder.
    pub false_positive: f64,
    /// A spam left in the inbox.
    pub false_negative: f64,
    /// A spam caught (usually 0).
    #[serde(default)]
    pub true_positive: f64,
    /// A real email delivered (usually 0).
    #[serde(default)]
    pub true_negative: f64,
}

/// The metrics a model can be optimised for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Share of spam caught.
    SpamRecall,
    /// Share of flagged messages that really are spam.
    Precision,
    /// Harmonic mean of precision and recall.
    SpamF1,
    /// Share of all messages labelled right.
    Accuracy,
}

/// What to optimise, under which constraint.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSpec {
    /// The number to make as good as possible...
    pub optimise: Metric,
    /// ...while the share of ham sent to spam stays at or below this.
    pub max_ham_flagged_rate: f64,
}

/// The keyword baseline: flag a message when it has enough spammy words.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineSpec {
    /// Lowercase single words.
    pub keywords: Vec<String>,
    /// How many different keywords a message needs to be flagged.
    pub min_hits: u32,
}

/// The latency budget of one prediction.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencySpec {
    /// 99 of 100 predictions must take at most this many milliseconds.
    pub p99_ms: f64,
}
// ANCHOR_END: spec_types

// ANCHOR: problem
/// One thing wrong with a spec: the field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's dotted path, as in the TOML file: `costs.false_positive`.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}
// ANCHOR_END: problem

impl Problem {
    /// A problem with `field`.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}`: {}", self.field, self.message)
    }
}

/// What can go wrong loading a spec.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file cannot be read.
    #[error("cannot read spec `{path}`: {source}")]
    Io {
        /// The spec file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a field is missing, misspelt or of the wrong type.
    #[error("spec `{path}` does not parse")]
    Parse {
        /// The spec file.
        path: PathBuf,
        /// The parser's error: it names the field and the line.
        source: Box<toml::de::Error>,
    },
    /// The spec parses but is incomplete or inconsistent.
    #[error("spec `{path}` is not consistent:\n{}", problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The spec file.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

impl ProblemSpec {
    /// Reads, parses and validates the spec at `path`.
    pub fn load(path: &Path) -> Result<Self, SpecError> {
        let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text, path)
    }

    /// Parses and validates spec text; `path` is only used in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, SpecError> {
        let spec = Self::parse(text, path)?;
        let problems = spec.validate();
        if problems.is_empty() {
            Ok(spec)
        } else {
            Err(SpecError::Invalid {
                path: path.to_owned(),
                problems,
            })
        }
    }

    /// Parses spec text without validating it.
    pub fn parse(text: &str, path: &Path) -> Result<Self, SpecError> {
        toml::from_str(text).map_err(|e| SpecError::Parse {
            path: path.to_owned(),
            source: Box::new(e),
        })
    }

    // ANCHOR: validate_doc
    /// Every way this spec is incomplete or contradicts the product goal,
    /// each naming its field by dotted path. Empty means the spec is sound.
    ///
    /// The rules (the README explains why each one matters):
    /// - `product.goal`, `target.question`, `target.unit` are not blank;
    /// - `target.positive` is spam and `target.negative` is ham;
    /// - `labels.spam` and `labels.ham` each have at least five words;
    /// - every cost is a finite number, zero or more;
    /// - `costs.false_positive` is greater than `costs.false_negative`:
    ///   losing a real email is worse than seeing a spam (report it on
    ///   `costs.false_positive`, the number that is too low);
    /// - `metric.max_ham_flagged_rate` is above 0 and at most 0.01;
    /// - `metric.optimise` is not `accuracy` (with rare spam, a filter that
    ///   flags nothing looks accurate);
    /// - `baseline.keywords` is not empty, and each keyword is one lowercase
    ///   word of letters and digits;
    /// - `baseline.min_hits` is at least 1 and at most the number of keywords;
    /// - `latency.p99_ms` is a finite number above 0.
    pub fn validate(&self) -> Vec<Problem> {
        // ANCHOR_END: validate_doc
        // BEGIN SOLUTION: report every rule of the doc comment
        //   above that this spec breaks, one Problem for each
        let mut problems = Vec::new();
        let mut not_blank = |field: &str, value: &str| {
            if value.trim().is_empty() {
                problems.push(Problem::new(field, "is blank; write it out"));
            }
        };
        not_blank("product.goal", &self.product.goal);
        not_blank("target.question", &self.target.question);
        not_blank("target.unit", &self.target.unit);
        if self.target.positive != Label::Spam {
            problems.push(Problem::new(
                "target.positive",
                "must be `spam`: the action the filter takes is sending mail to spam",
            ));
        }
        if self.target.negative != Label::Ham {
            problems.push(Problem::new("target.negative", "must be `ham`"));
        }
        for (field, text) in [
            ("labels.spam", &self.labels.spam),
            ("labels.ham", &self.labels.ham),
        ] {
            let words = text.split_whitespace().count();
            if words < 5 {
                problems.push(Problem::new(
                    field,
                    format!("has {words} words; a definition two labelers can agree on needs at least five"),
                ));
            }
        }
        let costs = [
            ("costs.false_positive", self.costs.false_positive),
            ("costs.false_negative", self.costs.false_negative),
            ("costs.true_positive", self.costs.true_positive),
            ("costs.true_negative", self.costs.true_negative),
        ];
        for (field, value) in costs {
            if !value.is_finite() || value < 0.0 {
                problems.push(Problem::new(
                    field,
                    format!("is {value}; expected a finite number, zero or more"),
                ));
            }
        }
        if self.costs.false_positive <= self.costs.false_negative {
            problems.push(Problem::new(
                "costs.false_positive",
                "must be greater than costs.false_negative: the goal says a lost real email is worse than a spam seen",
            ));
        }
        let rate = self.metric.max_ham_flagged_rate;
        if !(rate > 0.0 && rate <= 0.01) {
            problems.push(Problem::new(
                "metric.max_ham_flagged_rate",
                format!(
                    "is {rate}; expected above 0 (0 cannot be shown by any test) and at most 0.01"
                ),
            ));
        }
        if self.metric.optimise == Metric::Accuracy {
            problems.push(Problem::new(
                "metric.optimise",
                "accuracy rewards a filter that flags nothing when spam is rare; pick spam_recall, precision or spam_f1",
            ));
        }
        if self.baseline.keywords.is_empty() {
            problems.push(Problem::new(
                "baseline.keywords",
                "is empty; list the words the heuristic looks for",
            ));
        }
        for keyword in &self.baseline.keywords {
            let one_word = !keyword.is_empty()
                && keyword
                    .chars()
                    .all(|c| c.is_alphanumeric() && !c.is_uppercase());
            if !one_word {
                problems.push(Problem::new(
                    "baseline.keywords",
                    format!("`{keyword}` is not one lowercase word of letters and digits"),
                ));
            }
        }
        let hits = self.baseline.min_hits as usize;
        if hits == 0 || hits > self.baseline.keywords.len() {
            problems.push(Problem::new(
                "baseline.min_hits",
                format!(
                    "is {hits}; expected between 1 and the number of keywords ({})",
                    self.baseline.keywords.len()
                ),
            ));
        }
        let p99 = self.latency.p99_ms;
        if !(p99.is_finite() && p99 > 0.0) {
            problems.push(Problem::new(
                "latency.p99_ms",
                format!("is {p99}; expected a finite number above 0"),
            ));
        }
        problems
        // END SOLUTION
        // ANCHOR: validate_end
    }
    // ANCHOR_END: validate_end
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[product]
goal = "g"
[target]
question = "q"
unit = "message"
positive = "spam"
negative = "ham"
[labels]
spam = "s"
ham = "h"
[costs]
false_positive = 1.0
false_negative = 1.0
[metric]
optimise = "spam_recall"
max_ham_flagged_rate = 0.001
[baseline]
keywords = ["free"]
min_hits = 1
[latency]
p99_ms = 10.0
"#;

    /// The error with its cause: the parser's error names the field and line.
    fn parse_err(text: &str) -> String {
        ninety_kit::error::chain(&ProblemSpec::parse(text, Path::new("spec.toml")).unwrap_err())
    }

    #[test]
    fn a_complete_file_parses() {
        let spec = ProblemSpec::parse(MINIMAL, Path::new("spec.toml")).unwrap();
        assert_eq!(spec.costs.true_positive, 0.0);
        assert_eq!(spec.metric.optimise, Metric::SpamRecall);
    }

    #[test]
    fn a_missing_field_is_named() {
        let err = parse_err(&MINIMAL.replace("false_negative = 1.0\n", ""));
        assert!(
            err.contains("spec.toml") && err.contains("false_negative"),
            "{err}"
        );
    }

    #[test]
    fn a_misspelt_field_is_named() {
        let err = parse_err(&MINIMAL.replace("p99_ms", "p99ms"));
        assert!(err.contains("p99ms"), "{err}");
    }

    #[test]
    fn a_wrong_type_names_the_field_and_line() {
        let err = parse_err(&MINIMAL.replace("min_hits = 1", "min_hits = \"two\""));
        assert!(err.contains("min_hits") && err.contains("line"), "{err}");
    }

    #[test]
    fn an_unknown_label_lists_the_choices() {
        let err = parse_err(&MINIMAL.replace("positive = \"spam\"", "positive = \"spma\""));
        assert!(err.contains("spma") && err.contains("spam"), "{err}");
    }

    #[test]
    fn a_missing_file_names_the_path() {
        let err = ProblemSpec::load(Path::new("/nonexistent/spec.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/spec.toml"), "{err}");
    }
}
