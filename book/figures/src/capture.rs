//! `capture`: the figures' data, taken from a data home's real outputs.
//!
//! It reads what the pipeline wrote for a corpus (the gather stage's clean
//! dataset, the newest tracked run of each split, one raw message) through
//! the kit's record types, checks that the pieces belong together (each
//! run's inputs by content hash), and keeps only what the figures show.

use crate::data::{Data, EpochPoint, MimeData, MimeNode, PartCounts, TrainData, round6};
use mail_parser::{MessageParser, MessagePart, MimeHeaders, PartType};
use ninety_kit::clean::{self, Gathered};
use ninety_kit::hash::{sha256_file, sha256_hex};
use ninety_kit::records::gather::BodySource;
use ninety_kit::records::train::{TrainRun, load_runs};
use ninety_kit::{Corpus, DataHome, ModelKind, SplitKind};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The message whose MIME tree the gathering chapter shows: real spam from
/// the later collection, a `multipart/related` HTML page that holds a plain
/// and an HTML version of one text (quoted-printable) and two images
/// (base64). Chosen by hand for showing every layer the chapter names.
pub const MIME_MESSAGE: &str = "spam-2/00975.5e2e7c9d8b2c04929ff41e010163e5e8.txt";

/// The model whose runs the figures show: the one `ninety run train`
/// trains by default.
pub const MODEL: ModelKind = ModelKind::FastText;

/// How much better a validation loss must be to count as an improvement:
/// the train loop's own margin (`labs/train/src/given/fit.rs`), so that the
/// figure marks the epoch the loop kept.
pub const MIN_GAIN: f64 = 1e-4;

/// Why the real outputs could not be captured.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The gather output is missing or damaged.
    #[error(
        "reading the gather output of `{corpus}` (run `ninety run gather --corpus {corpus}` first)"
    )]
    Gather {
        /// The corpus.
        corpus: String,
        /// Why.
        source: clean::CleanError,
    },
    /// No run of that split.
    #[error(
        "no {model} run of the {split} split on `{corpus}` under `{runs}`; run `ninety run train --corpus {corpus} --split {split}` first"
    )]
    NoRun {
        /// The corpus.
        corpus: String,
        /// The split.
        split: SplitKind,
        /// The model.
        model: ModelKind,
        /// Where runs were looked for.
        runs: PathBuf,
    },
    /// A file could not be read.
    #[error("reading `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A run's split file is not one.
    #[error("`{path}` is not a split file (train, valid and test id lists): {source}")]
    Split {
        /// The file.
        path: PathBuf,
        /// What serde found.
        source: serde_json::Error,
    },
    /// A run was made from other data than the current gather output.
    #[error(
        "run `{run}` was trained on another {what} than the one in the data home (its recorded hash differs); train it again, or capture from the home it was made in"
    )]
    Lineage {
        /// The run.
        run: String,
        /// `clean dataset` or `split`.
        what: &'static str,
    },
    /// A split names a message the clean dataset does not hold.
    #[error("run `{run}`: its split names message `{id}`, which the clean dataset does not hold")]
    UnknownId {
        /// The run.
        run: String,
        /// The message id.
        id: String,
    },
    /// A setting the figures need is missing from a run.
    #[error("run `{run}` records no setting `{key}` (or not a whole number)")]
    Param {
        /// The run.
        run: String,
        /// The setting.
        key: &'static str,
    },
    /// The corpus or the message cannot be read.
    #[error("reading message `{path}` of corpus `{corpus}`: {why}")]
    Message {
        /// The corpus.
        corpus: String,
        /// The message's path.
        path: String,
        /// Why.
        why: String,
    },
}

/// The part lists of a run's `split.json`.
#[derive(Debug, Deserialize)]
struct SplitIds {
    train: Vec<String>,
    valid: Vec<String>,
    test: Vec<String>,
}

/// Captures every figure's data from the outputs in `home` for `corpus`
/// (the real corpus: `spamassassin`).
pub fn capture(home: &DataHome, corpus: &str) -> Result<Data, CaptureError> {
    let clean_path = clean::clean_path(home, corpus);
    let gathered = clean::read_gathered(&clean_path).map_err(|source| CaptureError::Gather {
        corpus: corpus.to_owned(),
        source,
    })?;
    let clean_sha = sha256_file(&clean_path).map_err(|source| CaptureError::Io {
        path: clean_path.clone(),
        source,
    })?;
    let by_id: HashMap<&str, &Gathered> = gathered.iter().map(|g| (g.id.as_str(), g)).collect();
    let (runs, _unreadable) = load_runs(home);
    let train = |split| -> Result<TrainData, CaptureError> {
        let run = runs
            .iter()
            // A leakage experiment's run (--keep-duplicates) is not the
            // figure of a split.
            .find(|r| {
                r.corpus == corpus
                    && r.split == split
                    && r.model == MODEL
                    && r.params.get("split.keep_duplicates").map(String::as_str) != Some("true")
            })
            .ok_or_else(|| CaptureError::NoRun {
                corpus: corpus.to_owned(),
                split,
                model: MODEL,
                runs: ninety_kit::records::train::runs_dir(home),
            })?;
        train_data(run, &clean_sha, &by_id)
    };
    let random = train(SplitKind::Random)?;
    let time = train(SplitKind::Time)?;
    let mime = mime_data(home, corpus, &gathered)?;
    Ok(Data { mime, random, time })
}

fn train_data(
    run: &TrainRun,
    clean_sha: &str,
    by_id: &HashMap<&str, &Gathered>,
) -> Result<TrainData, CaptureError> {
    if run.inputs.clean.sha256 != clean_sha {
        return Err(CaptureError::Lineage {
            run: run.run_id.clone(),
            what: "clean dataset",
        });
    }
    let folder = run.artifact.clone().unwrap_or_default();
    let split_path = folder.join("split.json");
    let bytes = std::fs::read(&split_path).map_err(|source| CaptureError::Io {
        path: split_path.clone(),
        source,
    })?;
    if sha256_hex(&bytes) != run.inputs.split.sha256 {
        return Err(CaptureError::Lineage {
            run: run.run_id.clone(),
            what: "split",
        });
    }
    let ids: SplitIds = serde_json::from_slice(&bytes).map_err(|source| CaptureError::Split {
        path: split_path.clone(),
        source,
    })?;
    let mut parts = Vec::new();
    for (name, list) in [
        ("train", &ids.train),
        ("valid", &ids.valid),
        ("test", &ids.test),
    ] {
        let mut counts = PartCounts {
            part: name.to_owned(),
            spam: 0,
            ham: 0,
            period_1: 0,
            period_2: 0,
        };
        for id in list {
            let g = by_id
                .get(id.as_str())
                .ok_or_else(|| CaptureError::UnknownId {
                    run: run.run_id.clone(),
                    id: id.clone(),
                })?;
            match g.label {
                ninety_kit::Label::Spam => counts.spam += 1,
                ninety_kit::Label::Ham => counts.ham += 1,
            }
            if g.period == 1 {
                counts.period_1 += 1;
            } else {
                counts.period_2 += 1;
            }
        }
        parts.push(counts);
    }
    let param = |key: &'static str| -> Result<usize, CaptureError> {
        run.params
            .get(key)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| CaptureError::Param {
                run: run.run_id.clone(),
                key,
            })
    };
    let epochs: Vec<EpochPoint> = run
        .epochs
        .iter()
        .map(|e| EpochPoint {
            epoch: e.epoch,
            train_loss: round6(e.train_loss),
            valid_loss: round6(e.valid_loss),
            valid_f1: e.valid.spam_f1.map(round6),
        })
        .collect();
    Ok(TrainData {
        about: format!(
            "Captured by `cargo run -p ninety-figures -- capture` from run {} ({}, {} split, seed {}): the split's counts by label and period, the kept model's test counts, every epoch. Do not edit by hand.",
            run.run_id, run.corpus, run.split, run.seed
        ),
        run_id: run.run_id.clone(),
        corpus: run.corpus.clone(),
        model: run.model,
        split: run.split,
        seed: run.seed,
        max_epochs: param("fit.epochs")?,
        patience: param("fit.patience")?,
        parts,
        test: run.metrics.confusion,
        best_epoch: best_epoch(&run.epochs.iter().map(|e| e.valid_loss).collect::<Vec<_>>()),
        epochs,
    })
}

/// The epoch (1-based) the train loop keeps: the first whose validation
/// loss beat every earlier one by more than [`MIN_GAIN`].
pub fn best_epoch(valid_losses: &[f64]) -> usize {
    let mut best: Option<(usize, f64)> = None;
    for (i, &loss) in valid_losses.iter().enumerate() {
        if best.is_none_or(|(_, b)| loss < b - MIN_GAIN) {
            best = Some((i + 1, loss));
        }
    }
    best.map_or(0, |(epoch, _)| epoch)
}

fn mime_data(
    home: &DataHome,
    corpus: &str,
    gathered: &[Gathered],
) -> Result<MimeData, CaptureError> {
    let fail = |why: String| CaptureError::Message {
        corpus: corpus.to_owned(),
        path: MIME_MESSAGE.to_owned(),
        why,
    };
    let root = home.corpora().join(corpus);
    let opened = Corpus::open(corpus, &root).map_err(|e| fail(e.to_string()))?;
    let entry = opened
        .entries
        .iter()
        .find(|e| e.path == MIME_MESSAGE)
        .ok_or_else(|| {
            fail(format!(
                "the corpus in `{}` has no such message",
                root.display()
            ))
        })?;
    let raw = opened.read(entry).map_err(|e| fail(e.to_string()))?;
    let kept = gathered
        .iter()
        .find(|g| g.path == MIME_MESSAGE)
        .and_then(|g| g.body_source);
    let bytes = ninety_kit::mail::strip_mbox_line(&raw.bytes);
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| fail("mail-parser reads nothing in it".into()))?;
    let mut tree = node(&message, 0);
    if let Some(source) = kept {
        mark_kept(&mut tree, source);
    }
    Ok(MimeData {
        about: format!(
            "Captured by `cargo run -p ninety-figures -- capture` from message {MIME_MESSAGE} of the imported corpus `{corpus}`, parsed with mail-parser as the kit parses it; `kept` marks the part the gather stage's clean record says its body came from. Do not edit by hand."
        ),
        corpus: corpus.to_owned(),
        path: MIME_MESSAGE.to_owned(),
        sha256: entry.sha256.clone(),
        bytes: entry.bytes,
        label: entry.label,
        subject: message.subject().map(str::to_owned),
        root: tree,
    })
}

fn node(message: &mail_parser::Message<'_>, id: u32) -> MimeNode {
    let Some(part) = message.part(id) else {
        return MimeNode {
            content_type: "missing part".into(),
            charset: None,
            transfer_encoding: None,
            file_name: None,
            sent_bytes: 0,
            text_chars: None,
            decoded_bytes: None,
            kept: false,
            parts: Vec::new(),
        };
    };
    let content_type = content_type(part);
    let lower = |s: &str| s.to_ascii_lowercase();
    let mut n = MimeNode {
        content_type,
        charset: part
            .content_type()
            .and_then(|c| c.attribute("charset"))
            .map(lower),
        transfer_encoding: part.content_transfer_encoding().map(lower),
        file_name: part.attachment_name().map(str::to_owned),
        sent_bytes: u64::from(part.offset_end.saturating_sub(part.offset_body)),
        text_chars: None,
        decoded_bytes: None,
        kept: false,
        parts: Vec::new(),
    };
    match &part.body {
        PartType::Text(t) | PartType::Html(t) => n.text_chars = Some(t.chars().count() as u64),
        PartType::Binary(b) | PartType::InlineBinary(b) => n.decoded_bytes = Some(b.len() as u64),
        PartType::Message(m) => n.decoded_bytes = Some(m.raw_message.len() as u64),
        PartType::Multipart(children) => {
            n.parts = children.iter().map(|&c| node(message, c)).collect();
        }
    }
    n
}

fn content_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        },
        None => "text/plain".into(),
    }
}

/// Marks the first leaf of the kind the body came from that has any text:
/// the gathering chapter's rule for choosing a body.
fn mark_kept(tree: &mut MimeNode, source: BodySource) -> bool {
    if tree.parts.is_empty() {
        let wanted = match source {
            BodySource::Plain => "text/plain",
            BodySource::Html => "text/html",
        };
        if tree.content_type == wanted && tree.text_chars.is_some_and(|n| n > 0) {
            tree.kept = true;
            return true;
        }
        return false;
    }
    tree.parts.iter_mut().any(|p| mark_kept(p, source))
}

/// The folder the data files live in, under the workspace `root`.
pub fn data_dir(root: &Path) -> PathBuf {
    root.join("book/figures/data")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_epoch_follows_the_loops_rule() {
        // The real random run's validation losses: epoch 7 beat epoch 6 by
        // more than the margin, 8 and 9 did not beat 7.
        let losses = [
            0.131760, 0.063509, 0.052502, 0.047358, 0.045359, 0.044954, 0.044510, 0.044800,
            0.045010,
        ];
        assert_eq!(best_epoch(&losses), 7);
        // A gain inside the margin is no gain.
        assert_eq!(best_epoch(&[0.5, 0.49995, 0.4]), 3);
        assert_eq!(best_epoch(&[0.5, 0.49995]), 1);
        assert_eq!(best_epoch(&[]), 0);
    }
}
