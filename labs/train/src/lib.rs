//! Lab 4, train: leak-free splits, baselines first, a burn model, tracked runs.
//!
//! - [`split`]: deduplicated, stratified, seeded splits, random and by time;
//! - [`features`]: tokens, and hashed features for the two models;
//! - [`step`]: one training step: forward, loss, backward, update;
//! - [`judge`]: is a gap between two models more than the luck of the
//!   test set (a bootstrap interval, McNemar's test), and how many test
//!   messages have a twin in training;
//! - [`model`]: the fastText-style classifier and the logistic regression
//!   (given);
//! - [`fit`]: the training loop around your step, with validation and early
//!   stopping (given);
//! - [`adam`]: Adam in one pass over each parameter, the loop's optimizer on
//!   the CPU (given);
//! - [`config`]: everything a run is made with, one burn `Config` tree
//!   (given);
//! - [`metrics`]: spam F1, precision, recall, ham flagged (the kit's, shared
//!   by every stage).
//!
//! Splits and features are plain Rust; the models, the step and the loop run
//! on any burn backend: ndarray or flex on the CPU, CUDA behind the `cuda`
//! feature.

pub mod features;
pub mod given;
pub mod judge;
pub mod split;
pub mod step;

pub use given::{adam, config, fit, model};
pub use ninety_kit::metrics;
pub use split::{Example, Split};
