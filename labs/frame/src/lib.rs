//! Lab 1, frame: from a product goal to a learning problem.
//!
//! The product goal is "keep spam out of our users' inboxes without ever
//! losing a real email". Before any data is cleaned or any model trained,
//! this lab turns that sentence into something a program can check:
//!
//! - [`spec`]: the problem spec, read from `spec.toml` into typed structs,
//!   and the validation that says whether it is complete and consistent;
//! - [`metrics`]: the confusion matrix and the rates that follow from it;
//! - [`decision`]: what errors cost, and the operating constraint that
//!   rejects a model that loses real mail;
//! - [`baseline`]: the keyword heuristic every later model must beat, and
//!   how it is measured on a corpus;
//! - [`latency`]: the latency budget and the percentile it is judged by.

pub mod baseline;
pub mod decision;
pub mod latency;
pub mod metrics;
pub mod spec;

pub use baseline::KeywordBaseline;
pub use decision::Verdict;
pub use metrics::Confusion;
pub use spec::{ProblemSpec, SpecError};

/// The spec file this lab's learner writes, in the lab's folder.
pub const SPEC_FILE: &str = "spec.toml";

/// The path of this lab's spec file in the workspace it was built in.
pub fn default_spec_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SPEC_FILE)
}
