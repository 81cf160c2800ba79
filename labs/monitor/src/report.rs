//! The monitor, whole (given): the prediction log cut into windows, every
//! statistic of every window against the reference, the rules judged on
//! them, and performance from the feedback. It is written from the pieces
//! the lab asks for ([`drift`](crate::drift), [`health`](crate::health),
//! [`detect`](crate::detect), [`estimate`](crate::estimate),
//! [`alert`](crate::alert)); the pipeline's `monitor` stage runs it over
//! the logs, and the lab's checks replay the scenarios through it.

use crate::alert::{evidence, rearm};
use crate::detect::{PageHinkley, Sustained};
use crate::drift::{js, ks, quantile_edges, shares};
use crate::estimate::{self, Served};
use crate::health::{Vocabulary, health};
use ninety_kit::Label;
use ninety_kit::metrics::{Counts, Metrics};
use ninety_kit::records::monitor::{
    Detection, Health, MeasuredPerformance, MonitorReport, Rule, Window,
};
use ninety_kit::records::serve::{LoggedPrediction, SKETCH_BUCKETS};
use std::collections::{BTreeMap, HashMap};

/// How the monitor reads the traffic.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Predictions per window.
    pub window: usize,
    /// Quantile bins for PSI.
    pub bins: usize,
    /// Page-Hinkley's tolerance and alarm level on the calibrated
    /// probability, message by message.
    pub page_hinkley: (f64, f64),
    /// The rules alerts are raised by.
    pub rules: Vec<Rule>,
}

impl Settings {
    /// The rules this course ships, for windows of `window` predictions.
    /// Each threshold sits above what the stable scenario's windows reach
    /// (the chapter's "Alerts that hold their fire" shows how they were
    /// chosen), and each must hold two windows running, except
    /// Page-Hinkley's, which accumulates its own evidence.
    pub fn with_window(window: usize) -> Self {
        let rule = |statistic: &str, threshold: f64, windows: usize, meaning: &str| Rule {
            statistic: statistic.to_owned(),
            threshold,
            windows,
            meaning: meaning.to_owned(),
        };
        Settings {
            window,
            bins: 10,
            page_hinkley: (0.05, 40.0),
            rules: vec![
                rule(
                    "score_psi",
                    0.25,
                    2,
                    "the scores' distribution moved: the traffic's mix or the model's view of it changed",
                ),
                rule(
                    "tokens_js",
                    0.2,
                    2,
                    "the words moved: new vocabulary, a campaign, or a change upstream",
                ),
                rule(
                    "length_psi",
                    0.25,
                    2,
                    "the bodies' lengths moved: truncation upstream, or a new kind of mail",
                ),
                rule(
                    "empty_excess",
                    0.05,
                    2,
                    "more empty bodies than the reference had: an upstream bug is likely",
                ),
                rule(
                    "decode_excess",
                    0.05,
                    2,
                    "more text that did not decode than the reference had: a charset or decoder problem",
                ),
                rule(
                    "html_shift",
                    0.2,
                    2,
                    "the share of HTML mail moved: a client or gateway changed the format",
                ),
                rule("charset_js", 0.1, 2, "the charset mix moved"),
                rule(
                    "oov_excess",
                    0.1,
                    2,
                    "more tokens the reference never held: new vocabulary, or text mangled upstream",
                ),
                rule(
                    "repeats_excess",
                    0.3,
                    2,
                    "many more copies of one message than the reference's own windows hold: a flood, a loop, or a client retrying",
                ),
                rule(
                    "score_rise",
                    40.0,
                    1,
                    "the calibrated probability of spam rose and stayed up (Page-Hinkley)",
                ),
            ],
        }
    }
}

/// The reference's side of PSI, cut once: its quantile bins and its share
/// in each. A window's PSI needs only its own shares.
struct Bins {
    edges: Vec<f64>,
    shares: Vec<f64>,
}

impl Bins {
    fn of(reference: &[f64], bins: usize) -> Self {
        let edges = quantile_edges(reference, bins);
        let shares = shares(reference, &edges);
        Bins { edges, shares }
    }

    /// The PSI of `values` against the reference: the sum `psi` makes.
    fn psi(&self, values: &[f64]) -> f64 {
        let c = shares(values, &self.edges);
        self.shares
            .iter()
            .zip(&c)
            .map(|(r, c)| (c - r) * (c / r).ln())
            .sum()
    }
}

/// What every window is measured against, prepared once: sorting the
/// reference, cutting its bins, counting its tokens and reading its health
/// once rather than again in every window is most of what keeps a report
/// fast.
struct Reference {
    /// Sorted: `ks` sorts its own copy, and a sorted sample sorts in one
    /// pass.
    scores: Vec<f64>,
    score_bins: Bins,
    length_bins: Bins,
    vocabulary: Vocabulary,
    health: Health,
    /// The share of unseen ids among held-out reference messages: what
    /// new, normal traffic scores on `oov`.
    oov: f64,
    /// The share of repeats in a window of the reference's own messages:
    /// what normal traffic scores on `repeats` at this window size.
    repeats: f64,
}

impl Reference {
    /// The reference's messages at even positions make the vocabulary,
    /// and those at odd positions measure how much new, normal mail falls
    /// outside it: the OOV rate a window is compared with.
    fn of(records: &[LoggedPrediction], settings: &Settings) -> Self {
        let vocabulary: Vocabulary = records
            .iter()
            .step_by(2)
            .flat_map(|p| p.tokens.iter().copied())
            .collect();
        let (mut ids, mut unseen) = (0usize, 0usize);
        for p in records.iter().skip(1).step_by(2) {
            ids += p.tokens.len();
            unseen += p
                .tokens
                .iter()
                .filter(|&&t| !vocabulary.contains(t))
                .count();
        }
        let sorted = |values: Vec<f64>| {
            let mut v = values;
            v.sort_by(f64::total_cmp);
            v
        };
        // The reference's health, read whole and window by window, is
        // most of the work: it runs beside the sorting.
        let size = settings.window.max(1);
        let (health, repeats, scores, lengths) = std::thread::scope(|scope| {
            let whole = scope.spawn(|| health(records, &vocabulary));
            let repeats = repeats_per_window(records, size, &vocabulary);
            let scores = sorted(records.iter().map(|p| p.score).collect());
            let lengths = sorted(records.iter().map(|p| p.body_chars as f64).collect());
            let whole = whole
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (whole, repeats, scores, lengths)
        });
        Reference {
            score_bins: Bins::of(&scores, settings.bins),
            length_bins: Bins::of(&lengths, settings.bins),
            scores,
            health,
            repeats,
            vocabulary,
            oov: if ids == 0 {
                0.0
            } else {
                unseen as f64 / ids as f64
            },
        }
    }
}

/// The mean share of repeats over windows of `size` of the reference's
/// own messages, read round and round so that a reference smaller than a
/// window still fills one. Traffic drawn from a pool of 50 messages
/// repeats itself in a window of 200 whatever happens: that is the pool's
/// size, not a flood, and the rule judges the excess over it.
fn repeats_per_window(records: &[LoggedPrediction], size: usize, vocabulary: &Vocabulary) -> f64 {
    if records.is_empty() {
        return 0.0;
    }
    if records.len() < size {
        let cycled: Vec<LoggedPrediction> = records.iter().cycle().take(size).cloned().collect();
        return health(&cycled, vocabulary).repeats;
    }
    let windows: Vec<f64> = records
        .chunks_exact(size)
        .map(|w| health(w, vocabulary).repeats)
        .collect();
    windows.iter().sum::<f64>() / windows.len() as f64
}

/// The token tables a window's divergence is measured on. A window of 200
/// holds a few thousand distinct tokens, the reference several thousand
/// more, and `js` over all of them for every window would spend most of
/// its time on tokens only one side holds. Yet such a token adds half its
/// share whatever else happens (`js` says why): pooled, they change
/// nothing. So the tables `js` gets hold one entry per reference token the
/// window holds, one for all the window's tokens the reference lacks, and
/// one for all the reference's tokens the window lacks.
#[derive(Clone)]
struct Tokens {
    /// For each token id, its slot among the reference's ids, from 1; slot
    /// 0 stands for every id the reference lacks.
    slots: Vec<u32>,
    /// The reference's count of each slot (0 for slot 0).
    reference: Vec<u64>,
    /// Their sum.
    total: u64,
    /// The window's count of each slot, all 0 between windows.
    window: Vec<u64>,
    /// The slots the window holds, in the order met.
    held: Vec<u32>,
}

impl Tokens {
    fn of(reference: &[LoggedPrediction]) -> Self {
        let mut slots = vec![0u32; SKETCH_BUCKETS];
        let mut counts = vec![0u64];
        for &t in reference.iter().flat_map(|p| &p.tokens) {
            let id = t as usize;
            if id >= slots.len() {
                slots.resize(id + 1, 0);
            }
            if slots[id] == 0 {
                slots[id] = counts.len() as u32;
                counts.push(0);
            }
            counts[slots[id] as usize] += 1;
        }
        Tokens {
            slots,
            total: counts.iter().sum(),
            window: vec![0; counts.len()],
            reference: counts,
            held: Vec::new(),
        }
    }

    /// The reference's and the window's counts, indexed alike.
    fn tables(&mut self, window: &[LoggedPrediction]) -> (Vec<u64>, Vec<u64>) {
        let ids = window.iter().map(|p| p.tokens.len()).sum();
        self.held.resize(ids, 0);
        let mut held = 0;
        for &t in window.iter().flat_map(|p| &p.tokens) {
            let slot = self.slots.get(t as usize).copied().unwrap_or(0);
            // Whether a slot is new is a coin toss a processor cannot
            // predict, so it is counted rather than branched on: the slot
            // is written at the end of the list, which grows only if it
            // was new.
            self.held[held] = slot;
            let count = &mut self.window[slot as usize];
            held += usize::from(*count == 0);
            *count += 1;
        }
        let mut r = Vec::with_capacity(held + 1);
        let mut w = Vec::with_capacity(held + 1);
        for &slot in &self.held[..held] {
            r.push(self.reference[slot as usize]);
            w.push(std::mem::take(&mut self.window[slot as usize]));
        }
        // The reference's tokens the window lacks.
        r.push(self.total - r.iter().sum::<u64>());
        w.push(0);
        (r, w)
    }
}

/// Charset names get slots the first time they are met, so that the
/// reference's charset counts and a window's are indexed alike.
#[derive(Default, Clone)]
struct Charsets {
    slots: BTreeMap<String, usize>,
}

impl Charsets {
    /// The charset counts behind `health`'s shares.
    fn charsets(&mut self, health: &Health) -> Vec<u64> {
        let mut counts = vec![0; self.slots.len()];
        for (name, share) in &health.charsets {
            let next = self.slots.len();
            let slot = *self.slots.entry(name.clone()).or_insert(next);
            if slot >= counts.len() {
                counts.resize(slot + 1, 0);
            }
            counts[slot] = (share * health.messages as f64).round() as u64;
        }
        counts
    }
}

fn served(records: &[LoggedPrediction]) -> Vec<Served<'_>> {
    records
        .iter()
        .map(|p| Served {
            request_id: &p.request_id,
            spam: p.spam,
            probability: p.probability,
        })
        .collect()
}

fn performance(counts: Counts) -> MeasuredPerformance {
    let rates = Metrics::of(counts);
    MeasuredPerformance {
        labelled: counts.total() as usize,
        f1: rates.spam_f1,
        ham_flagged: rates.ham_flagged_rate,
    }
}

fn add(a: Counts, b: Counts) -> Counts {
    Counts {
        spam_caught: a.spam_caught + b.spam_caught,
        spam_missed: a.spam_missed + b.spam_missed,
        ham_flagged: a.ham_flagged + b.ham_flagged,
        ham_passed: a.ham_passed + b.ham_passed,
    }
}

/// Each feedback record, sent to the window of its prediction (found once
/// by request id), and how many matched a prediction: the rest are
/// counted apart. (foldhash hashes the ids several times faster than the
/// standard SipHash, whose resistance to chosen keys a log does not need.)
fn route(
    predictions: &[LoggedPrediction],
    feedback: &[(String, Label)],
    size: usize,
) -> (Vec<Vec<(String, Label)>>, usize) {
    let position: HashMap<&str, usize, foldhash::fast::RandomState> = predictions
        .iter()
        .enumerate()
        .map(|(i, p)| (p.request_id.as_str(), i))
        .collect();
    let parts = predictions.len().div_ceil(size);
    let mut feedback_of: Vec<Vec<(String, Label)>> = vec![Vec::new(); parts];
    let mut matched = 0;
    for (id, label) in feedback {
        if let Some(&i) = position.get(id.as_str()) {
            feedback_of[i / size].push((id.clone(), *label));
            matched += 1;
        }
    }
    (feedback_of, matched)
}

/// The monitor's report on `predictions` (in log order) against
/// `reference` (the registered model's `reference.jsonl`), with the
/// `feedback` that has come back. Only whole windows are judged; the
/// report's `bad_lines` is left for the reader of the logs to fill.
pub fn report(
    reference: &[LoggedPrediction],
    predictions: &[LoggedPrediction],
    feedback: &[(String, Label)],
    settings: &Settings,
) -> MonitorReport {
    let size = settings.window.max(1);
    // The reference's preparation runs beside what depends on the
    // predictions alone: the reference's token table, the feedback sent to
    // its windows, and the Page-Hinkley walk.
    let (r, (tokens, feedback_of, matched, all, rises)) = std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            let tokens = Tokens::of(reference);
            let (feedback_of, matched) = route(predictions, feedback, size);
            let all = served(predictions);

            // Page-Hinkley reads every message in order; each window reports
            // how far the walk stands above its lowest point when it ends.
            let mut ph = PageHinkley::new(settings.page_hinkley.0, settings.page_hinkley.1);
            let rises: Vec<f64> = predictions
                .chunks_exact(size)
                .map(|chunk| {
                    for p in chunk {
                        ph.update(p.probability);
                    }
                    ph.sum - ph.lowest
                })
                .collect();
            (tokens, feedback_of, matched, all, rises)
        });
        let r = Reference::of(reference, settings);
        let other = other
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (r, other)
    });
    let mut charsets = Charsets::default();
    let reference_charsets = charsets.charsets(&r.health);

    // Every other statistic of a window depends on that window alone, so
    // the windows are shared out among the processor's cores, each part
    // with its own scratch tables, and put back in order.
    let count = rises.len();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_part = count.div_ceil(cores.min(count).max(1)).max(1);
    let window_of = |index: usize, tokens: &mut Tokens, charsets: &mut Charsets| {
        let start = index * size;
        let chunk = &predictions[start..start + size];
        let scores: Vec<f64> = chunk.iter().map(|p| p.score).collect();
        let lengths: Vec<f64> = chunk.iter().map(|p| p.body_chars as f64).collect();
        let h = health(chunk, &r.vocabulary);
        let (reference_tokens, window_tokens) = tokens.tables(chunk);
        let statistics: BTreeMap<String, f64> = [
            ("score_psi", r.score_bins.psi(&scores)),
            ("score_ks", ks(&r.scores, &scores)),
            ("tokens_js", js(&reference_tokens, &window_tokens)),
            ("length_psi", r.length_bins.psi(&lengths)),
            ("empty_excess", (h.empty - r.health.empty).max(0.0)),
            ("decode_excess", (h.decode - r.health.decode).max(0.0)),
            ("html_shift", (h.html - r.health.html).abs()),
            (
                "charset_js",
                js(&reference_charsets, &charsets.charsets(&h)),
            ),
            ("oov_excess", (h.oov - r.oov).max(0.0)),
            ("repeats_excess", (h.repeats - r.repeats).max(0.0)),
            ("score_rise", rises[index]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let mine = &all[start..start + chunk.len()];
        let expected = estimate::estimate(mine);
        let counts = estimate::measure(mine, &feedback_of[index]).counts;
        let first = &chunk[0];
        let last = &chunk[chunk.len() - 1];
        let window = Window {
            index,
            start,
            messages: chunk.len(),
            first_request: first.request_id.clone(),
            last_request: last.request_id.clone(),
            first_time: first.time.clone(),
            last_time: last.time.clone(),
            statistics,
            health: h,
            spam_share: chunk.iter().filter(|p| p.spam).count() as f64 / chunk.len() as f64,
            estimated_f1: expected.f1(),
            estimated_ham_flagged: expected.ham_flagged_rate(),
            measured: performance(counts),
        };
        (window, counts)
    };
    let parts: Vec<Vec<(Window, Counts)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..count)
            .step_by(per_part)
            .map(|from| {
                let (mut tokens, mut charsets) = (tokens.clone(), charsets.clone());
                let window_of = &window_of;
                scope.spawn(move || {
                    (from..(from + per_part).min(count))
                        .map(|index| window_of(index, &mut tokens, &mut charsets))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            // A panic in a window (a `todo!()` not written yet) goes on
            // as itself, so its message and place reach whoever reads it.
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut windows = Vec::with_capacity(count);
    let mut labelled = Counts::default();
    for (window, counts) in parts.into_iter().flatten() {
        labelled = add(labelled, counts);
        windows.push(window);
    }
    // The predictions after the last whole window count in the totals.
    let tail = windows.len() * size;
    if tail < predictions.len() {
        let counts = estimate::measure(&all[tail..], &feedback_of[tail / size]).counts;
        labelled = add(labelled, counts);
    }

    let mut alerts = Vec::new();
    for rule in &settings.rules {
        let series: Vec<f64> = windows
            .iter()
            .map(|w| w.statistics.get(&rule.statistic).copied().unwrap_or(0.0))
            .collect();
        let detector = Sustained {
            threshold: rule.threshold,
            windows: rule.windows,
        };
        let mut from = 0;
        while from < series.len() {
            let Some(at) = detector.first_alarm(&series[from..]) else {
                break;
            };
            let fired = from + at;
            alerts.push(evidence(rule, &series, &windows, fired));
            match rearm(rule, &series, fired) {
                Some(next) => from = next,
                None => break,
            }
        }
    }
    alerts.sort_by_key(|a| (a.fired_at, a.statistic.clone()));

    MonitorReport {
        model_id: predictions.last().map(|p| p.model_id.clone()),
        reference: reference.len(),
        reference_health: r.health,
        predictions: predictions.len(),
        window: size,
        windows,
        rules: settings.rules.clone(),
        alerts,
        feedback: ninety_kit::records::monitor::FeedbackCounts {
            received: feedback.len(),
            matched,
            unknown: feedback.len() - matched,
        },
        measured: performance(labelled),
        estimated_f1: estimate::estimate(&all).f1(),
        bad_lines: Vec::new(),
        detection: None,
    }
}

/// The report's alerts judged against an incident: `onset` the log
/// position where it began (none for a scenario where nothing happens),
/// `within` how many requests after it an alert must come.
pub fn judge(
    report: &MonitorReport,
    scenario: &str,
    incident: &str,
    onset: Option<usize>,
    within: Option<usize>,
) -> Detection {
    let false_alarms = report
        .alerts
        .iter()
        .filter(|a| onset.is_none_or(|o| a.fired_at < o))
        .count();
    let first = onset.and_then(|o| {
        report
            .alerts
            .iter()
            .filter(|a| a.fired_at >= o)
            .min_by_key(|a| a.fired_at)
    });
    let delay = first.zip(onset).map(|(a, o)| a.fired_at - o);
    let passed = false_alarms == 0
        && match (onset, within) {
            (Some(_), Some(w)) => delay.is_some_and(|d| d <= w),
            _ => true,
        };
    Detection {
        scenario: scenario.to_owned(),
        incident: incident.to_owned(),
        onset,
        detect_within: within,
        first_alert: first.map(|a| a.statistic.clone()),
        delay,
        false_alarms,
        passed,
    }
}
