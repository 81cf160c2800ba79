//! Lab 2, gather: raw mail in, a clean dataset you can trust out.
//!
//! The kit decodes each message (MIME, transfer encodings, charsets); this
//! lab makes the decisions a dataset is built on:
//!
//! - [`body`]: which body to keep, and HTML turned into readable text;
//! - [`normalise`]: clean text for people, and a key for comparing bodies;
//! - [`dedupe`]: exact and near-exact duplicates, the first one kept;
//! - [`quarantine`]: the messages set aside, each with its reason;
//! - [`period`]: the month of each message, with a fallback for bad dates;
//! - [`report`]: the data-quality report;
//! - [`stage`]: the whole stage over a corpus (given; it calls the above).

pub mod body;
pub mod dedupe;
pub mod given;
pub mod normalise;
pub mod period;
pub mod quarantine;
pub mod report;

pub use given::stage;

pub use body::{Body, BodySource};
pub use quarantine::Reason;
