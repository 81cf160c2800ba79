//! The label stages: the labeling queue, and what the labels add up to.
//!
//! `label-queue` orders the clean messages for one annotator with the lab's
//! queue code and saves the order as the artifact `label/<corpus>-queue-<annotator>`
//! (`queue.json`); the workbench's labeling screen reads it. `label` reads
//! every annotator's log and reports decisions, labels, agreement with gold
//! and between annotators, learning curves, disagreements and probable label
//! errors, all computed by the lab's code. Until the lab's queue code is
//! written the queue is in id order, which, ids being hashes, is as good as
//! shuffled. A step of the lab that is not
//! written yet leaves its figures empty with a note, instead of failing the
//! whole report: counting decisions needs no lab code.

use crate::Context;
use crate::data::{clean_file, clean_messages};
use anyhow::{Result, bail};
use lab_label::agreement::{agreement, learning_curve, paired};
use lab_label::errors::{Labeled, suspects};
use lab_label::queue::{Candidate, queue};
use lab_label::{Choice, KeywordScorer, Scorer};
use ninety_kit::artifact::{ArtifactStore, InputRef};
use ninety_kit::clean::Gathered;
use ninety_kit::command::QueueArgs;
use ninety_kit::events::Emitter;
use ninety_kit::hash::sha256_file;
use ninety_kit::labels::{self, Annotator};
use ninety_kit::records::Summary;
use ninety_kit::records::label::{
    AnnotatorStats, Disagreement, GoldDifference, LabelStats, PairAgreement, Queue, QueueSummary,
    SuspectRow,
};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

/// Decisions per window of the learning curve.
const CURVE_WINDOW: usize = 25;
/// How sure the model must be before its disagreement makes a label suspect.
const CONFIDENCE: f64 = 0.9;
/// How many suspects and disagreements the report lists.
const LISTED: usize = 50;

/// Runs a piece of the learner's code; a panic (a `todo!()` above all)
/// comes back as a sentence instead of ending the stage.
fn learner<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    static MESSAGE: Mutex<Option<String>> = Mutex::new(None);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let payload = ninety_kit::events::panic_text(info);
        if let Ok(mut m) = MESSAGE.lock() {
            *m = Some(payload);
        }
    }));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|_| {
        let payload = MESSAGE
            .lock()
            .ok()
            .and_then(|mut m| m.take())
            .unwrap_or_default();
        match payload.strip_prefix("not yet implemented") {
            Some(hint) => format!(
                "{what} is not written yet ({}); cargo test -p lab-label shows what is missing",
                hint.trim_start_matches(':').trim()
            ),
            None => format!("{what} panicked: {payload}"),
        }
    })
}

/// `label-queue`: one annotator's queue over the clean messages.
pub fn run_queue<W: Write>(
    ctx: &Context,
    args: &QueueArgs,
    out: &mut Emitter<W>,
) -> Result<Summary> {
    let (annotator, order) = (&args.annotator, args.order);
    let messages = clean_messages(ctx, out)?;
    let candidates: Vec<Candidate> = messages
        .iter()
        .map(|m| Candidate {
            id: m.id.clone(),
            stratum: format!("{}/{}", m.group, m.period),
            text: m.text(),
        })
        .collect();
    // One seed per corpus by default: every annotator gets the same queue,
    // so their labels overlap and can be compared.
    let seed = args
        .seed
        .unwrap_or_else(|| ninety_kit::rng::seed_from(&ctx.corpus));
    let scorer = KeywordScorer::default();
    let (ids, fallback) = match learner(&format!("the {order} queue order"), || {
        queue(&candidates, order, seed, &scorer)
    }) {
        Ok(indices) => {
            let valid = indices.len() == candidates.len() && {
                let mut seen = vec![false; candidates.len()];
                indices
                    .iter()
                    .all(|&i| i < seen.len() && !std::mem::replace(&mut seen[i], true))
            };
            if !valid {
                bail!(
                    "the {order} queue order did not return every message exactly once ({} indices for {} messages)",
                    indices.len(),
                    candidates.len()
                );
            }
            let ids: Vec<String> = indices.iter().map(|&i| candidates[i].id.clone()).collect();
            (ids, None)
        }
        Err(why) => {
            out.log(format!("{why}; the queue is in corpus order until then"));
            (candidates.iter().map(|c| c.id.clone()).collect(), Some(why))
        }
    };
    let record = Queue {
        corpus: ctx.corpus.clone(),
        annotator: annotator.clone(),
        order,
        fallback: fallback.clone(),
        seed,
        ids,
    };
    let store = ArtifactStore::new(ctx.home.artifacts());
    let name = format!("{}-queue-{annotator}", ctx.corpus);
    store.save(
        "label",
        &name,
        &[("queue.json", &serde_json::to_vec_pretty(&record)?)],
        vec![InputRef {
            name: format!("gather:{}/clean.jsonl", ctx.corpus),
            sha256: sha256_file(&clean_file(ctx))?,
        }],
        serde_json::json!({ "order": order, "seed": seed, "annotator": annotator }),
    )?;
    Ok(Summary::LabelQueue(QueueSummary {
        corpus: ctx.corpus.to_string(),
        annotator: annotator.to_string(),
        order,
        fallback,
        messages: record.ids.len(),
        artifact: store.current_dir("label", &name).join("queue.json"),
        seconds: ctx.seconds(),
    }))
}

/// `label`: what every annotator's labels add up to.
pub fn run_stats<W: Write>(ctx: &Context, out: &mut Emitter<W>) -> Result<Summary> {
    let dir = labels::labels_dir(&ctx.home, &ctx.corpus);
    let (decisions, problems) = labels::read_all(&dir)?;
    for p in &problems {
        out.warn(format!("skipped: {p}"));
    }
    let annotators: BTreeMap<String, Annotator> = labels::replay(&decisions);
    // Gold from the corpus manifest; subjects and texts from the gather
    // output when there is one (the report is still useful without).
    let corpus = ninety_kit::corpus::open_known(&ctx.corpus, &ctx.root, &ctx.home)?;
    let gold: HashMap<&str, Choice> = corpus
        .entries
        .iter()
        .map(|e| (e.sha256.as_str(), Choice::from_gold(e.label)))
        .collect();
    let messages: Vec<Gathered> = if clean_file(ctx).exists() {
        clean_messages(ctx, out)?
    } else {
        Vec::new()
    };
    let by_id: HashMap<&str, &Gathered> = messages.iter().map(|m| (m.id.as_str(), m)).collect();
    let subject = |id: &str| {
        by_id
            .get(id)
            .and_then(|m| m.subject.clone())
            .unwrap_or_default()
    };
    let mut notes: Vec<String> = Vec::new();
    let mut note = |n: String| {
        if !notes.contains(&n) {
            notes.push(n);
        }
    };

    let scorer = KeywordScorer::default();
    let mut per_annotator = BTreeMap::new();
    let mut all_suspects = Vec::new();
    for (name, a) in &annotators {
        let vs_gold: Vec<(Choice, Choice)> = a
            .labels
            .iter()
            .filter_map(|(id, &c)| gold.get(id.as_str()).map(|&g| (c, g)))
            .collect();
        let history: Vec<(Choice, Choice)> = a
            .history
            .iter()
            .filter_map(|(id, c)| gold.get(id.as_str()).map(|&g| (*c, g)))
            .collect();
        let gold_agreement = learner("agreement", || agreement(&vs_gold)).map_err(&mut note);
        let curve = learner("agreement (for the learning curve)", || {
            learning_curve(&history, CURVE_WINDOW)
        })
        .map_err(&mut note);
        let by_label: BTreeMap<Choice, usize> = Choice::ALL
            .iter()
            .map(|c| (*c, a.labels.values().filter(|&&x| x == *c).count()))
            .collect();
        let minutes = a.ms as f64 / 60_000.0;
        let against_gold: Vec<GoldDifference> = a
            .labels
            .iter()
            .filter_map(|(id, &c)| gold.get(id.as_str()).map(|&g| (id, c, g)))
            .filter(|(_, c, g)| c != g)
            .take(LISTED)
            .map(|(id, label, gold)| GoldDifference {
                id: id.clone(),
                subject: subject(id),
                label,
                gold,
            })
            .collect();
        let vs_gold = gold_agreement.ok();
        per_annotator.insert(
            name.clone(),
            AnnotatorStats {
                decisions: a.decisions,
                undos: a.undos,
                labels: a.labels.len(),
                skipped: a.skipped.len(),
                by_label,
                notes: a.notes.len(),
                minutes,
                labels_per_minute: (minutes > 0.0).then(|| a.history.len() as f64 / minutes),
                kappa_vs_gold: vs_gold.as_ref().and_then(|g| g.kappa),
                vs_gold,
                curve: curve.ok(),
                against_gold,
            },
        );

        // Probable errors in this annotator's labels.
        let items: Vec<Labeled> = a
            .labels
            .iter()
            .map(|(id, &label)| Labeled {
                id: id.clone(),
                label,
                score: by_id.get(id.as_str()).map(|m| scorer.score(&m.text())),
                others: annotators
                    .iter()
                    .filter(|(other, _)| *other != name)
                    .filter_map(|(_, o)| o.labels.get(id).copied())
                    .collect(),
            })
            .collect();
        match learner("suspects", || suspects(&items, CONFIDENCE)) {
            Ok(found) => {
                for s in found.into_iter().take(LISTED) {
                    all_suspects.push(SuspectRow {
                        annotator: name.clone(),
                        subject: subject(&s.id),
                        gold: gold.get(s.id.as_str()).copied(),
                        id: s.id,
                        label: s.label,
                        why: s.why,
                    });
                }
            }
            Err(why) => note(why),
        }
    }

    let names: Vec<&String> = annotators.keys().collect();
    let mut pairs = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            let result = learner("paired and agreement", || {
                let both = paired(&annotators[*a].labels, &annotators[*b].labels);
                let choices: Vec<(Choice, Choice)> =
                    both.iter().map(|(_, x, y)| (*x, *y)).collect();
                agreement(&choices)
            });
            match result {
                Ok(agreement) => pairs.push(PairAgreement {
                    a: (*a).clone(),
                    b: (*b).clone(),
                    agreement,
                }),
                Err(why) => note(why),
            }
        }
    }

    // Items labeled by two or more annotators who did not all agree.
    let mut by_item: BTreeMap<&str, BTreeMap<&str, Choice>> = BTreeMap::new();
    for (name, a) in &annotators {
        for (id, &c) in &a.labels {
            by_item.entry(id).or_default().insert(name, c);
        }
    }
    let disagreements: Vec<Disagreement> = by_item
        .iter()
        .filter(|(_, l)| l.len() >= 2 && l.values().any(|c| Some(c) != l.values().next()))
        .take(LISTED)
        .map(|(id, l)| Disagreement {
            id: (*id).to_owned(),
            subject: subject(id),
            labels: l.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
            gold: gold.get(id).copied(),
        })
        .collect();
    let shared_items = by_item.values().filter(|l| l.len() >= 2).count();

    Ok(Summary::Label(LabelStats {
        corpus: ctx.corpus.to_string(),
        logs: dir,
        annotators: per_annotator,
        pairs,
        shared_items,
        disagreements,
        suspects: all_suspects,
        problems: problems.iter().map(|p| p.to_string()).collect(),
        not_computed: notes,
        seconds: ctx.seconds(),
    }))
}
