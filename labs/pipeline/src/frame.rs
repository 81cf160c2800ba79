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
use ninety_kit::artifact::{ArtifactStore, InputRef, MANIFEST};
use ninety_kit::corpus::{self, MANIFEST_FILE};
use ninety_kit::events::Emitter;
use ninety_kit::hash::{sha256_file, sha256_hex};
use ninety_kit::metrics::{Counts, Metrics};
use ninety_kit::records::Summary;
use ninety_kit::records::frame::{
    BaselineSettings, Constraint, CorpusCounts, CostFigures, FrameSummary,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The learner's spec (`spec`, else the frame lab's): its path, its text,
/// and the spec parsed and validated.
pub fn load_spec(ctx: &Context, spec: Option<&Path>) -> Result<(PathBuf, String, ProblemSpec)> {
    let path = spec.map(Path::to_path_buf).unwrap_or_else(|| {
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

/// The learner's confusion matrix and rates in the kit's vocabulary: the
/// counts as they are, each rate from the learner's own method.
fn metrics_of(m: &Confusion) -> Metrics {
    Metrics {
        confusion: Counts {
            spam_caught: m.spam_caught,
            spam_missed: m.spam_missed,
            ham_flagged: m.ham_flagged,
            ham_passed: m.ham_passed,
        },
        spam_recall: m.spam_recall(),
        precision: m.precision(),
        spam_f1: m.spam_f1(),
        ham_flagged_rate: m.ham_flagged_rate(),
        accuracy: m.accuracy(),
    }
}

/// Runs the stage and returns its summary.
pub fn run<W: Write>(ctx: &Context, spec: Option<&Path>, out: &mut Emitter<W>) -> Result<Summary> {
    // Read once: the same bytes are parsed and hashed into the manifest.
    let (spec_path, spec_text, spec) = load_spec(ctx, spec)?;
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
            out.progress(done, total);
        }
    }
    let m = Confusion::from_pairs(pairs);
    let verdict = spec.metric.judge(&m);
    let spec_rel = spec_path
        .strip_prefix(&ctx.root)
        .unwrap_or(&spec_path)
        .display()
        .to_string();
    let store = ArtifactStore::new(ctx.home.artifacts());
    let mut draft = store.begin("frame", "baseline")?;
    let mut summary = FrameSummary {
        spec: spec_rel.clone(),
        target: spec.target.question.clone(),
        corpus: CorpusCounts {
            name: corpus.name.clone(),
            messages: corpus.len(),
            ham,
            spam,
        },
        baseline: BaselineSettings {
            keywords: spec.baseline.keywords.len(),
            min_hits: spec.baseline.min_hits,
        },
        metrics: metrics_of(&m),
        costs: CostFigures {
            total: spec.costs.total(&m),
            per_message: spec.costs.per_message(&m),
        },
        constraint: Constraint {
            max_ham_flagged_rate: spec.metric.max_ham_flagged_rate,
            ham_needed: spec.metric.ham_needed(),
            verdict,
            accepted: verdict.accepts(),
        },
        latency: spec.latency.check(&timings_ms),
        artifact: draft.final_dir().join(MANIFEST),
        artifact_created_at: String::new(),
        seconds: 0.0,
    };
    let corpus_manifest =
        sha256_file(&corpus.root.join(MANIFEST_FILE)).context("hashing the corpus manifest")?;
    draft.write("summary.json", &serde_json::to_vec_pretty(&summary)?)?;
    let manifest = draft.commit(
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
        serde_json::json!({ "corpus": corpus.name }),
    )?;
    summary.artifact_created_at = manifest.created_at;
    summary.seconds = ctx.seconds();
    Ok(Summary::Frame(summary))
}
