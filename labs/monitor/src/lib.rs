//! Lab 7, monitor: watching the served model after launch.
//!
//! The traffic a model meets moves away from the data it was checked on;
//! upstream systems break; labels arrive late, if at all. Nothing fails
//! loudly: the model goes on answering, worse. This lab writes what a
//! monitor measures and how it decides to say so:
//!
//! - [`drift`]: how far a window of traffic is from the reference (PSI on
//!   binned scores, the two-sample Kolmogorov-Smirnov statistic, the
//!   Jensen-Shannon divergence of token distributions);
//! - [`detect`]: rules that fire on a change and hold their fire on noise
//!   (a threshold held for several windows, the Page-Hinkley test);
//! - [`health`]: the inputs' health: empty bodies, HTML, charsets,
//!   decoding trouble, words never seen, copies of one message;
//! - [`estimate`]: performance measured from the feedback that has
//!   arrived, and estimated before it arrives from calibrated scores;
//! - [`alert`]: alerts that carry their evidence, one per incident.
//!
//! [`report`] (given) puts them together: the monitor the pipeline runs.
//!
//! `cargo test -p lab-monitor` grades it; the chapter "Monitoring"
//! explains each decision.
#![warn(missing_docs)]

pub mod alert;
pub mod detect;
pub mod drift;
pub mod estimate;
pub mod health;
pub mod report;
