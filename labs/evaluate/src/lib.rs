//! Lab 5, evaluate: is the model ready, by the product's own terms, and how
//! sure are we?
//!
//! - [`threshold`]: operating points, and the threshold the spec allows,
//!   chosen on the validation split;
//! - [`intervals`]: how far a rate measured on a test set could be from the
//!   truth (Wilson's interval), and the rule of three;
//! - [`calibration`]: whether a score comes true as often as it says, and
//!   Platt scaling fitted on validation when it does not;
//! - [`slices`]: the test split cut into groups a total can hide, each with
//!   its intervals and a verdict;
//! - [`behaviour`]: behavioural suites (invariance, direction, minimum
//!   functionality) and what counts as a pass;
//! - [`gate`]: the readiness gate, each gate with its evidence (the
//!   decisions are yours; the wording is given).
//!
//! The train stage saved each validation and test message's probability of
//! spam; the evaluate stage reads them and calls these functions.

pub mod behaviour;
pub mod calibration;
pub mod gate;
pub mod intervals;
pub mod slices;
pub mod threshold;
