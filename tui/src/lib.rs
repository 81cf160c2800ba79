//! The Ninety workbench and command line.
//!
//! This crate draws and routes; it holds no course logic of its own. Grading,
//! release and lab checks live in `ninety-grader`, corpora and artifacts in
//! `ninety-kit`. It never links a lab crate: labs run as child processes
//! (`cargo test -p lab-<name>`, the pipeline binary), so a learner's code
//! that does not compile, panics or loops cannot take the workbench down.

pub mod app;
pub mod book;
pub mod cli;
pub mod config;
pub mod data;
pub mod explorer;
pub mod fetch;
pub mod keys;
pub mod labeling;
pub mod labels;
pub mod markdown;
pub mod run;
pub mod runs;
pub mod state;
pub mod terminal;
pub mod view;
pub mod watch;
pub mod workspace;
