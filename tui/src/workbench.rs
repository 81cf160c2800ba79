//! The workbench: the terminal app that walks a learner through the labs.
//!
//! It follows the Elm architecture. [`app`] holds the model, its messages
//! and `update`; [`screens`] one module per screen, each with its state,
//! messages, update, key table and drawing; [`keys`] the key tables that
//! drive the key handling, the help and the footer; [`chrome`] the header,
//! status line, footer and [`overlay`]s around every screen; [`runtime`] the
//! terminal loop that carries out effects on worker threads and owns the
//! stages screens start; [`watch`] the file watches of watch mode;
//! [`markdown`] the rendering of instructions and guidelines.

pub mod app;
pub mod chrome;
pub mod keys;
pub mod markdown;
pub mod overlay;
pub mod runtime;
pub mod screens;
pub mod watch;

pub use app::{App, Effect, Message};
pub use runtime::Runtime;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_update;
