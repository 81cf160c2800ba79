//! Grading, release and lab checks for Ninety.
//!
//! - [`harness`]: the test harness lab tests are written with (`harness =
//!   false`, on `libtest-mimic`): checks with ids, points, hints and time limits.
//! - [`report`]: the grade report every run writes (JSON, JUnit XML).
//! - [`markers`]: solution and hidden-test markers, and the starter they make.
//! - [`course`]: the course manifest and each lab's `lab.toml`.
//! - [`release`]: turning the instructor repository into a learner workspace.
//! - [`labcheck`]: proving each lab's starter fails and its solution passes.
//! - [`cargo`]: running `cargo test` for a lab as a child process.
//! - [`seed`]: giving a new target folder the dependencies another built.
//! - `cohort` (with the `cohort` feature, on by default): a bootcamp's
//!   roster, releases, collection, grading with hidden checks and limits,
//!   the SQLite gradebook and feedback.
#![warn(missing_docs)]

pub mod cargo;
#[cfg(feature = "cohort")]
pub mod cohort;
pub mod course;
pub mod harness;
pub mod labcheck;
pub mod markers;
pub mod release;
pub mod report;
pub mod seed;

pub use harness::{Approx, Check, Lab, expect_close, expect_eq};
pub use report::{CheckResult, GradeReport};
