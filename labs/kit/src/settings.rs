//! The training settings a person can choose, each with its allowed range,
//! stated once.
//!
//! Three places take these settings: the command line (`--epochs 3`), a
//! sweep file (`epochs = [3, 6]`), and the settings tree a run is made with
//! (the train lab's `TrainConfig`, whose `validate` checks every field).
//! Each reads its range from here, so a value the flag refuses is a value
//! the sweep and the config refuse too, with the same words. A value out of
//! range is refused before anything trains or any run is recorded: a zero
//! batch size or a zero-sized embedding would otherwise panic deep inside
//! burn, and look like a bug in the learner's code.

use std::fmt;
use std::str::FromStr;

/// A setting outside its range, or one the chosen model does not have.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("setting `{setting}` = {value}: {expected}")]
pub struct SettingError {
    /// The setting's path in the settings tree (`fit.learning_rate`).
    pub setting: String,
    /// The value given.
    pub value: String,
    /// What would do.
    pub expected: String,
}

/// One setting and the values it may take: from `low` (or above it, when
/// `above_low`) to `high`, both ends included otherwise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setting<T> {
    /// Its path in the settings tree (`fit.epochs`), as errors and run
    /// records name it.
    pub path: &'static str,
    /// The least value, or the bound it must be above.
    pub low: T,
    /// Whether `low` itself is refused (a learning rate must be above 0).
    pub above_low: bool,
    /// The greatest value.
    pub high: T,
}

/// Passes over the training examples, at most.
pub const EPOCHS: Setting<usize> = Setting::from_to("fit.epochs", 1, 1000);
/// Examples per step.
pub const BATCH_SIZE: Setting<usize> = Setting::from_to("fit.batch_size", 1, 65_536);
/// Adam's step size.
pub const LEARNING_RATE: Setting<f64> = Setting {
    path: "fit.learning_rate",
    low: 0.0,
    above_low: true,
    high: 1.0,
};
/// Epochs without a better validation loss before stopping.
pub const PATIENCE: Setting<usize> = Setting::from_to("fit.patience", 1, 1000);
/// Hash buckets of the features (rows of the model's table).
pub const BUCKETS: Setting<usize> = Setting::from_to("model.buckets", 1, 1 << 24);
/// The size of each token's vector (the fastText-style model).
pub const DIM: Setting<usize> = Setting::from_to("model.dim", 1, 1024);
/// Tokens read from each message.
pub const MAX_TOKENS: Setting<usize> = Setting::from_to("model.max_tokens", 1, 100_000);
/// The share of examples that validate.
pub const VALID_SHARE: Setting<f64> = Setting::from_to("split.valid", 0.0, 0.5);
/// The share of examples that test.
pub const TEST_SHARE: Setting<f64> = Setting::from_to("split.test", 0.0, 0.5);
/// The runs a random sweep draws.
pub const TRIALS: Setting<usize> = Setting::from_to("trials", 1, MOST_RUNS);

/// The most runs one sweep may ask for.
pub const MOST_RUNS: usize = 50;

impl<T> Setting<T> {
    /// A setting from `low` to `high`, both included.
    pub const fn from_to(path: &'static str, low: T, high: T) -> Self {
        Setting {
            path,
            low,
            above_low: false,
            high,
        }
    }
}

impl<T: PartialOrd + fmt::Display + Copy> Setting<T> {
    /// What the setting accepts, in words.
    pub fn expected(&self) -> String {
        if self.above_low {
            format!(
                "expected a value above {} and at most {}",
                self.low, self.high
            )
        } else {
            format!("expected a value from {} to {}", self.low, self.high)
        }
    }

    /// `value` if it is in range (a NaN never is), else an error naming the
    /// setting, the value and the range.
    pub fn check(&self, value: T) -> Result<T, SettingError> {
        let above = if self.above_low {
            self.low < value
        } else {
            self.low <= value
        };
        if above && value <= self.high {
            Ok(value)
        } else {
            Err(SettingError {
                setting: self.path.to_owned(),
                value: value.to_string(),
                expected: self.expected(),
            })
        }
    }
}

impl<T> Setting<T>
where
    T: PartialOrd + fmt::Display + Copy + FromStr + Send + Sync + 'static,
    T::Err: fmt::Display,
{
    /// A command-line value parser for this setting (clap's
    /// `value_parser`): a number, then in range.
    pub fn parser(self) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static {
        move |text: &str| {
            let value = text
                .trim()
                .parse::<T>()
                .map_err(|e| format!("`{text}` is not a number ({e}); {}", self.expected()))?;
            self.check(value).map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_range_refuses_what_would_break_a_run() {
        assert!(EPOCHS.check(0).is_err() && EPOCHS.check(1).is_ok());
        assert!(BATCH_SIZE.check(0).is_err());
        assert!(DIM.check(0).is_err() && BUCKETS.check(0).is_err());
        for bad in [f64::NAN, -1.0, 0.0, 1e308, f64::INFINITY] {
            let err = LEARNING_RATE.check(bad).unwrap_err();
            assert_eq!(err.setting, "fit.learning_rate");
            assert_eq!(
                err.to_string(),
                format!(
                    "setting `fit.learning_rate` = {bad}: expected a value above 0 and at most 1"
                )
            );
        }
        assert_eq!(LEARNING_RATE.check(0.02), Ok(0.02));
        assert_eq!(
            EPOCHS.check(0).unwrap_err().to_string(),
            "setting `fit.epochs` = 0: expected a value from 1 to 1000"
        );
    }

    #[test]
    fn the_parser_reads_then_checks() {
        let parse = EPOCHS.parser();
        assert_eq!(parse("12"), Ok(12));
        assert!(parse("0").unwrap_err().contains("from 1 to 1000"));
        assert!(parse("many").unwrap_err().contains("not a number"));
        assert!(
            LEARNING_RATE.parser()("NaN")
                .unwrap_err()
                .contains("above 0")
        );
    }
}
