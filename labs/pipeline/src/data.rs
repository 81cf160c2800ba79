//! The clean dataset the later stages read: the gather stage's output.

use crate::Context;
use anyhow::{Context as _, Result};
use ninety_kit::Label;
use ninety_kit::artifact::ArtifactStore;
use ninety_kit::events::Emitter;
use serde::Deserialize;
use std::io::Write;
use std::path::PathBuf;

/// A clean message as the gather stage saved it (the fields used here).
#[derive(Debug, Clone, Deserialize)]
pub struct CleanMessage {
    /// Its id.
    pub id: String,
    /// Its group.
    pub group: String,
    /// Its period.
    pub period: u8,
    /// Its gold label, from the corpus.
    pub label: Label,
    /// Its subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// Its sender.
    #[serde(default)]
    pub from: Option<String>,
    /// Its top-level content type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Its top-level charset.
    #[serde(default)]
    pub charset: Option<String>,
    /// Its clean body.
    #[serde(default)]
    pub body: Option<String>,
}

impl CleanMessage {
    /// What a model reads: the subject, the sender, the content type and
    /// charset (an HTML-only message in an unusual charset says something),
    /// a blank line, the body.
    pub fn text(&self) -> String {
        format!(
            "{}\n{}\n{} {}\n\n{}",
            self.subject.as_deref().unwrap_or(""),
            self.from.as_deref().unwrap_or(""),
            self.content_type.as_deref().unwrap_or(""),
            self.charset.as_deref().unwrap_or(""),
            self.body.as_deref().unwrap_or("")
        )
    }
}

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
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the gather output `{}`", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| {
                format!(
                    "`{}` line {}: not a gathered message; run `ninety run gather --corpus {}` again",
                    path.display(),
                    i + 1,
                    ctx.corpus
                )
            })
        })
        .collect()
}
