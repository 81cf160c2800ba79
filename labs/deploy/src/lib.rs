//! Lab 6, deploy: what changes when the model meets traffic.
//!
//! The serve stage (`ninety run serve`, `ninety serve`) is an HTTP service
//! the course gives you; the decisions inside it are yours, here:
//!
//! - [`request`]: a request (JSON fields, or a raw RFC 822 message) to
//!   exactly the text the model was trained on, by the training code's own
//!   steps, so that no skew creeps in between training and serving;
//! - [`validate`]: what a request must be, refused with the field and the
//!   reason;
//! - [`ready`]: when this server should be sent traffic;
//! - [`swap`]: the slot the model lives in, swapped whole while requests
//!   are in flight;
//! - [`batch`]: many messages, one model, in order.
//!
//! `cargo test -p lab-deploy` grades it; the chapter "Serving the model"
//! explains each decision.
#![warn(missing_docs)]

pub mod batch;
pub mod ready;
pub mod request;
pub mod swap;
pub mod validate;
