//! The Ninety workbench and command line.
//!
//! This crate draws and routes; it holds no course logic of its own. Grading,
//! release and lab checks live in `ninety-grader`, corpora, records and the
//! stage vocabulary in `ninety-kit`. It never links a lab crate: labs run as
//! child processes (`cargo test -p lab-<name>`, the pipeline binary), so a
//! learner's code that does not compile, panics or loops cannot take the
//! workbench down.
//!
//! - [`cli`]: the command line, one module per subcommand;
//! - [`workbench`]: the terminal app;
//! - [`pipeline`]: building the pipeline and running a stage, for both;
//! - [`book`], [`fetch`], [`config`], [`state`], [`workspace`]: what both use.

pub mod book;
pub mod cli;
pub mod config;
pub mod declared;
pub mod fetch;
pub mod pipeline;
pub mod state;
pub mod workbench;
pub mod workspace;
