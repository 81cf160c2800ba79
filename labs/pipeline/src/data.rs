//! The clean dataset the later stages read: the gather stage's output.

use crate::Context;
use anyhow::{Context as _, Result};
use ninety_kit::artifact::ArtifactStore;
use ninety_kit::events::Emitter;
use std::io::Write;
use std::path::PathBuf;

pub use ninety_kit::clean::CleanMessage;

/// Where the gather stage keeps the clean messages of the context's corpus.
pub fn clean_path(ctx: &Context) -> PathBuf {
    ArtifactStore::new(ctx.home.artifacts())
        .dir("gather", &ctx.corpus)
        .join("clean.jsonl")
}

/// The clean messages of the context's corpus, running the gather stage
/// first when it has not run.
pub fn clean_messages<W: Write>(ctx: &Context, out: &mut Emitter<W>) -> Result<Vec<CleanMessage>> {
    let path = clean_path(ctx);
    if !path.exists() {
        out.log(format!(
            "no gather output for the {} corpus yet: running the gather stage first",
            ctx.corpus
        ));
        crate::gather::run(ctx, out)?;
    }
    ninety_kit::clean::read_clean(&path).with_context(|| {
        format!(
            "the gather output is unreadable; run `ninety run gather --corpus {}` again",
            ctx.corpus
        )
    })
}
