//! The gather stage: a corpus in, the clean dataset and its quality report out.
//!
//! Runs the lab's stage over the corpus (progress as events), then saves the
//! artifact `gather/<corpus>`: `clean.jsonl` (one clean message per line),
//! `duplicates.jsonl`, `quarantine.jsonl` and `report.json`, with a manifest
//! naming the corpus by the hash of its manifest, committed as one new
//! generation of the artifact (a killed run leaves the last one whole).

use crate::Context;
use anyhow::{Context as _, Result};
use lab_gather::report::Status;
use ninety_kit::artifact::{ArtifactStore, InputRef, MANIFEST};
use ninety_kit::clean::{CLEAN_FILE, DUPLICATES_FILE, QUARANTINE_FILE, REPORT_FILE};
use ninety_kit::corpus::{self, MANIFEST_FILE};
use ninety_kit::events::Emitter;
use ninety_kit::hash::sha256_file;
use ninety_kit::records::Summary;
use ninety_kit::records::gather::GatherSummary;
use std::io::Write;

/// Runs the stage and returns its summary.
pub fn run<W: Write>(ctx: &Context, out: &mut Emitter<W>) -> Result<Summary> {
    let corpus = corpus::open_known(&ctx.corpus, &ctx.root, &ctx.home)?;
    out.log(format!(
        "gathering {} messages from {}",
        corpus.len(),
        corpus.root.display()
    ));
    let output = lab_gather::stage::gather(&corpus, &mut |done, total| {
        out.progress(done as u64, total as u64)
    })?;
    let mut clean = Vec::new();
    let mut duplicates = Vec::new();
    let mut quarantine = Vec::new();
    for m in &output.messages {
        let line = serde_json::to_vec(m)?;
        let target = match m.status {
            Status::Clean => &mut clean,
            Status::Duplicate(_) => &mut duplicates,
            Status::Quarantined(_) => &mut quarantine,
        };
        target.extend_from_slice(&line);
        target.push(b'\n');
    }
    let report = serde_json::to_vec_pretty(&output.report)?;
    let store = ArtifactStore::new(ctx.home.artifacts());
    let corpus_hash =
        sha256_file(&corpus.root.join(MANIFEST_FILE)).context("hashing the corpus manifest")?;
    store.save(
        "gather",
        &corpus.name,
        &[
            (CLEAN_FILE, &clean),
            (DUPLICATES_FILE, &duplicates),
            (QUARANTINE_FILE, &quarantine),
            (REPORT_FILE, &report),
        ],
        vec![InputRef {
            name: format!("corpus:{}", corpus.name),
            sha256: corpus_hash,
        }],
        serde_json::json!({ "corpus": corpus.name }),
    )?;
    Ok(Summary::Gather(GatherSummary {
        artifact: store.current_dir("gather", &corpus.name).join(MANIFEST),
        corpus: corpus.name,
        report: output.report,
        seconds: ctx.seconds(),
    }))
}
