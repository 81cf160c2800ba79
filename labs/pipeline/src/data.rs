//! The clean dataset the later stages read: the gather stage's output.

use crate::Context;
use anyhow::{Context as _, Result};
use ninety_kit::clean::{Gathered, clean_path, read_gathered};
use ninety_kit::events::Emitter;
use std::io::Write;
use std::path::PathBuf;

/// Where the gather stage keeps the clean messages of the context's corpus.
pub fn clean_file(ctx: &Context) -> PathBuf {
    clean_path(&ctx.home, &ctx.corpus)
}

/// The clean messages of the context's corpus, running the gather stage
/// first when it has not run.
pub fn clean_messages<W: Write>(ctx: &Context, out: &mut Emitter<W>) -> Result<Vec<Gathered>> {
    let mut path = clean_file(ctx);
    if !path.exists() {
        out.log(format!(
            "no gather output for the {} corpus yet: running the gather stage first",
            ctx.corpus
        ));
        crate::gather::run(ctx, out)?;
        // The stage committed a new generation: find it again.
        path = clean_file(ctx);
    }
    if path.parent().is_some_and(ninety_kit::clean::is_reference) {
        out.log(format!(
            "{}: {}",
            ctx.corpus,
            ninety_kit::clean::REFERENCE_NOTE
        ));
    }
    read_gathered(&path).with_context(|| {
        format!(
            "the gather output is unreadable; run `ninety run gather --corpus {}` again",
            ctx.corpus
        )
    })
}
