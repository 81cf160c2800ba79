//! The course's vocabulary as types: stages, models, splits, devices,
//! backends and queue orders.
//!
//! Each word is spelled once, here, and every place that reads or writes it
//! goes through the type: the pipeline's and `ninety run`'s command lines
//! (`clap::ValueEnum`), the config file and the records the stages write
//! (serde), the workbench's routing. A misspelt value is refused where it
//! enters, with the words that would do, instead of travelling as a string.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Defines a closed set of lowercase words with one type: serde, clap
/// (`ValueEnum`, listing the words without a paragraph each, so that help
/// stays short), `Display`, `FromStr` (whose error lists the words) and
/// `ALL`. A variant marked `(not chosen)` is a word on record that the
/// command line does not offer.
macro_rules! words {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $word:literal $(($not:ident $chosen:ident))? ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $word)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word for it in files and on the command line.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }

        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                $name::ALL
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                match self {
                    $($name::$variant => words!(@offer $word $($not $chosen)?),)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownWord;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| UnknownWord {
                        what: stringify!($name),
                        word: s.to_owned(),
                        expected: $name::ALL.iter().map(|v| v.as_str()).collect(),
                    })
            }
        }
    };
    (@offer $word:literal) => {
        Some(clap::builder::PossibleValue::new($word))
    };
    (@offer $word:literal not chosen) => {
        None
    };
}

/// A word that is not one of its type's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {} `{word}`; expected one of: {}", kind_words(what), expected.join(", "))]
pub struct UnknownWord {
    /// The type's name (`Stage`, `ModelKind`, ...).
    pub what: &'static str,
    /// The word given.
    pub word: String,
    /// The words that would do.
    pub expected: Vec<&'static str>,
}

fn kind_words(what: &str) -> &'static str {
    match what {
        "Stage" => "stage",
        "ModelKind" => "model",
        "SplitKind" => "split",
        "Device" => "device",
        "Backend" => "backend",
        "QueueOrder" => "queue order",
        _ => "value",
    }
}

words! {
    /// A stage of the course, in order. Each has a chapter in the book and,
    /// once written, a lab crate `lab-<stage>` and a pipeline stage.
    Stage {
        /// From a product goal to a learning problem.
        Frame = "frame",
        /// Raw mail in, a clean dataset out.
        Gather = "gather",
        /// Labels made well, and measured.
        Label = "label",
        /// Splits, baselines, a model, tracked runs.
        Train = "train",
        /// Whether the model is ready.
        Evaluate = "evaluate",
        /// Serving the model.
        Deploy = "deploy",
        /// Watching it in use.
        Monitor = "monitor",
        /// Improving it with what monitoring shows.
        Iterate = "iterate",
    }
}

impl Stage {
    /// The cargo package of its lab.
    pub fn package(self) -> String {
        format!("lab-{}", self.as_str())
    }

    /// Its chapter's file in `book/src/`.
    pub fn chapter(self) -> String {
        format!("{}.md", self.as_str())
    }

    /// The stage after it, if any.
    pub fn next(self) -> Option<Stage> {
        let at = Stage::ALL.iter().position(|s| *s == self)?;
        Stage::ALL.get(at + 1).copied()
    }
}

words! {
    /// The models the train stage knows.
    ModelKind {
        /// The fastText-style classifier: averaged token vectors, then a
        /// linear layer.
        FastText = "fasttext",
        /// Logistic regression on hashed bag-of-words.
        LogReg = "logreg",
    }
}

impl ModelKind {
    /// Its name for a person.
    pub fn title(self) -> &'static str {
        match self {
            ModelKind::FastText => "fastText-style",
            ModelKind::LogReg => "logistic regression",
        }
    }
}

words! {
    /// How the clean dataset is split into train, validation and test.
    SplitKind {
        /// Stratified and shuffled with a seed, duplicates removed first.
        Random = "random",
        /// The earlier collection trains and validates, the later one tests.
        Time = "time",
    }
}

words! {
    /// Where a model trains.
    #[derive(Default)]
    Device {
        /// The processor, with one of the CPU backends.
        #[default]
        Cpu = "cpu",
        /// An NVIDIA GPU (the pipeline built with the `cuda` feature).
        Cuda = "cuda",
    }
}

words! {
    /// The burn backend a model trains on.
    Backend {
        /// burn's flex backend on the CPU (the faster one here).
        Flex = "flex",
        /// burn's ndarray backend on the CPU.
        Ndarray = "ndarray",
        /// CUDA on an NVIDIA GPU; chosen with the device, not as a CPU backend.
        Cuda = "cuda" (not chosen),
    }
}

words! {
    /// The order in which the labeling queue shows messages.
    QueueOrder {
        /// Shuffled: an unbiased sample.
        Random = "random",
        /// Shuffled within strata (group and period), strata interleaved in
        /// proportion.
        Stratified = "stratified",
        /// The messages a model is least sure of first.
        Uncertain = "uncertain",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_round_trips_through_text_serde_and_clap() {
        use clap::ValueEnum;
        for s in Stage::ALL {
            assert_eq!(s.as_str().parse::<Stage>().unwrap(), *s);
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<Stage>(&json).unwrap(), *s);
            assert_eq!(
                <Stage as ValueEnum>::from_str(s.as_str(), false).unwrap(),
                *s
            );
        }
        assert_eq!(ModelKind::FastText.to_string(), "fasttext");
        assert_eq!("logreg".parse::<ModelKind>().unwrap(), ModelKind::LogReg);
        assert_eq!(QueueOrder::Stratified.as_str(), "stratified");
    }

    #[test]
    fn a_misspelt_word_lists_the_ones_that_would_do() {
        let err = "trian".parse::<Stage>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown stage `trian`; expected one of: frame, gather, label, train, evaluate, deploy, monitor, iterate"
        );
        let err = "bert".parse::<ModelKind>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown model `bert`; expected one of: fasttext, logreg"
        );
    }

    #[test]
    fn cuda_is_a_backend_on_record_but_not_a_cpu_backend_to_choose() {
        use clap::ValueEnum;
        let choices: Vec<String> = Backend::value_variants()
            .iter()
            .filter_map(|b| b.to_possible_value())
            .map(|p| p.get_name().to_owned())
            .collect();
        assert_eq!(choices, ["flex", "ndarray"]);
        assert_eq!(Stage::Train.next(), Some(Stage::Evaluate));
        assert_eq!(Stage::Iterate.next(), None);
        assert_eq!(Stage::Gather.package(), "lab-gather");
    }
}
