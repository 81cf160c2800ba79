//! The frame stage: the learner's spec, judged on a corpus with the keyword baseline.
//!
//! Loads and validates the spec, measures the baseline on every message of
//! the corpus (timing each prediction), computes the metrics, the cost and
//! the verdict of the operating constraint with the learner's code, and saves
//! the result as the artifact `frame/baseline`, whose manifest names the
//! spec and the corpus by content hash.

use crate::Context;
use anyhow::{Context as _, Result};
use lab_frame::{Confusion, KeywordBaseline, ProblemSpec};
use ninety_kit::artifact::{ArtifactStore, InputRef};
use ninety_kit::corpus::{self, MANIFEST_FILE};
use ninety_kit::events::Emitter;
use ninety_kit::hash::{sha256_file, sha256_hex};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// The learner's spec (the context's, else the frame lab's): its path, its
/// text, and the spec parsed and validated.
pub fn load_spec(ctx: &Context) -> Result<(PathBuf, String, ProblemSpec)> {
    let path = ctx.spec.clone().unwrap_or_else(|| {
        ctx.root
            .join("labs")
            .join("frame")
            .join(lab_frame::SPEC_FILE)
    });
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the spec `{}`", path.display()))?;
    let spec = ProblemSpec::from_toml(&text, &path)?;
    Ok((path, text, spec))
}

/// Runs the stage and returns its summary.
pub fn run<W: Write>(ctx: &Context, out: &mut Emitter<W>) -> Result<Value> {
    // Read once: the same bytes are parsed and hashed into the manifest.
    let (spec_path, spec_text, spec) = load_spec(ctx)?;
    out.log(format!(
        "spec {} is complete and consistent",
        spec_path.display()
    ));

    let corpus = corpus::open_known(&ctx.corpus, &ctx.root, &ctx.home)?;
    let (ham, spam) = corpus.label_counts();
    let baseline = KeywordBaseline::new(&spec.baseline);
    let total = corpus.len() as u64;
    let mut pairs = Vec::with_capacity(corpus.len());
    let mut timings_ms = Vec::with_capacity(corpus.len());
    for (i, message) in corpus.messages().enumerate() {
        let message = message?;
        let text = message.text_lossy();
        let started = Instant::now();
        let predicted = baseline.predict(&text);
        timings_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        pairs.push((message.entry.label, predicted));
        let done = i as u64 + 1;
        if done.is_multiple_of(50) || done == total {
            out.progress(done, total, "messages");
        }
    }
    let m = Confusion::from_pairs(pairs);
    let verdict = spec.metric.judge(&m);
    let latency = spec.latency.check(&timings_ms);
    for (name, value) in [
        ("spam_recall", m.spam_recall()),
        ("precision", m.precision()),
        ("ham_flagged_rate", m.ham_flagged_rate()),
    ] {
        if let Some(v) = value {
            out.metric(name, v, None);
        }
    }
    let spec_rel = spec_path
        .strip_prefix(&ctx.root)
        .unwrap_or(&spec_path)
        .display()
        .to_string();
    let mut summary = json!({
        "stage": "frame",
        "spec": spec_rel,
        "target": spec.target.question,
        "corpus": { "name": corpus.name, "messages": corpus.len(), "ham": ham, "spam": spam },
        "baseline": { "keywords": spec.baseline.keywords.len(), "min_hits": spec.baseline.min_hits },
        "confusion": m,
        "metrics": {
            "spam_recall": m.spam_recall(),
            "precision": m.precision(),
            "spam_f1": m.spam_f1(),
            "accuracy": m.accuracy(),
            "ham_flagged_rate": m.ham_flagged_rate(),
        },
        "costs": { "total": spec.costs.total(&m), "per_message": spec.costs.per_message(&m) },
        "constraint": {
            "max_ham_flagged_rate": spec.metric.max_ham_flagged_rate,
            "ham_needed": spec.metric.ham_needed(),
            "verdict": verdict,
            "accepted": verdict.accepts(),
        },
        "latency": latency,
    });
    let store = ArtifactStore::new(ctx.home.artifacts());
    let corpus_manifest =
        sha256_file(&corpus.root.join(MANIFEST_FILE)).context("hashing the corpus manifest")?;
    let body = serde_json::to_vec_pretty(&summary)?;
    let manifest = store.save(
        "frame",
        "baseline",
        &[("summary.json", &body)],
        vec![
            InputRef {
                name: format!("spec:{spec_rel}"),
                sha256: sha256_hex(spec_text.as_bytes()),
            },
            InputRef {
                name: format!("corpus:{}", corpus.name),
                sha256: corpus_manifest,
            },
        ],
        json!({ "corpus": corpus.name }),
    )?;
    summary["artifact"] = json!(
        store
            .dir("frame", "baseline")
            .join("manifest.json")
            .display()
            .to_string()
    );
    summary["artifact_created_at"] = json!(manifest.created_at);
    Ok(summary)
}
