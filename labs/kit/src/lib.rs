//! The platform every Ninety lab builds on.
//!
//! The kit owns what the labs share and should not each reinvent: reading
//! corpora ([`corpus`]) and bringing them in ([`import`]), decoding mail
//! ([`mail`]), reading the clean dataset ([`clean`]), finding the data
//! directory ([`home`]), saving stage
//! outputs with manifests that name their inputs by content hash, each save
//! committed whole ([`artifact`]), the points where tests stop a writer to
//! kill it ([`hooks`]), and the JSON-lines event protocol by which a pipeline
//! stage reports to the workbench ([`events`]), the label logs
//! ([`labels`]), the course's seeded random numbers ([`rng`]), errors
//! shown with their causes ([`error`]), its
//! vocabulary as types ([`vocab`]), the metrics every stage reports
//! ([`metrics`]), the records stages write and the workbench reads
//! ([`records`]), the command line of every stage ([`command`]), and the
//! checked names of corpora and annotators that paths are built from
//! ([`names`]), the training settings' allowed ranges ([`settings`]), and
//! settings files read so that errors name the line and the field
//! ([`tomlfile`]). It
//! makes no modelling decisions: those are the learner's, in the lab crates.
#![warn(missing_docs)]

pub mod artifact;
pub mod clean;
pub mod command;
pub mod corpus;
pub mod error;
pub mod events;
pub mod hash;
pub mod home;
pub mod hooks;
pub mod import;
pub mod labels;
pub mod mail;
pub mod metrics;
pub mod names;
pub mod records;
pub mod registry;
pub mod rng;
pub mod scenario;
pub mod settings;
pub mod tomlfile;
pub mod vocab;

pub use corpus::{Corpus, Entry, Group, Label, RawMessage};
pub use events::Event;
pub use home::DataHome;
pub use names::{AnnotatorName, CorpusName};
pub use vocab::{Backend, Device, ModelKind, QueueOrder, SplitKind, Stage};
