//! Lab 3, label: labels made well, and measured.
//!
//! The workbench's labeling screen records decisions in the kit's label
//! store; this lab turns them into knowledge about the labels:
//!
//! - [`agreement`]: how often two raters agree beyond chance (Cohen's kappa),
//!   between annotators and against the corpus's own (gold) labels;
//! - [`queue`]: which messages to put in front of a person first (random,
//!   stratified, or the ones a model is least sure of);
//! - [`errors`]: the labels most likely to be wrong;
//! - [`scorer`]: the interface a model offers the queue and the error check,
//!   and the keyword scorer used until the train lab gives a better one
//!   (given).

pub mod agreement;
pub mod errors;
pub mod given;
pub mod queue;

pub use given::scorer;
pub use ninety_kit::labels::Choice;
pub use scorer::{KeywordScorer, Scorer};
