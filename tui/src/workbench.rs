//! The workbench: the terminal app that walks a learner through the labs.
//!
//! It follows the Elm architecture, in layers that import only downwards:
//!
//! 1. [`route`] (which screens there are, and the labs' tools), [`ctx`]
//!    (what the screens share, the effects they ask for), [`keys`] (key
//!    tables that drive the key handling, the help and the footer), and
//!    [`markdown`];
//! 2. [`screens`]: one module per screen, each with its state, its
//!    messages, its update, its key table and its drawing;
//! 3. [`app`]: the model that holds the screens, the [`Message`] that wraps
//!    theirs, and `update`, which routes;
//! 4. [`chrome`] and [`overlay`] draw the app around the open screen;
//!    [`runtime`] is the terminal loop that carries out effects on worker
//!    threads and owns the stages screens start; [`watch`] the file
//!    watches of watch mode.

pub mod app;
pub mod chrome;
pub mod ctx;
pub mod keys;
pub mod logtail;
pub mod markdown;
pub mod overlay;
pub mod route;
pub mod runtime;
pub mod screens;
pub mod watch;

pub use app::{App, Effect, Message};
pub use runtime::Runtime;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_update;
