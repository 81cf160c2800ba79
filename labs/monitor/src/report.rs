//! The monitor, whole (given): the prediction log cut into windows, every
//! statistic of every window against the reference, the rules judged on
//! them, and performance from the feedback. It is written from the pieces
//! the lab asks for ([`drift`](crate::drift), [`health`](crate::health),
//! [`detect`](crate::detect), [`estimate`](crate::estimate),
//! [`alert`](crate::alert)); the pipeline's `monitor` stage runs it over
//! the logs, and the lab's checks replay the scenarios through it.

use crate::alert::{evidence, rearm};
use crate::detect::{PageHinkley, Sustained};
use crate::drift::{js, ks, psi};
use crate::estimate::{self, Served};
use crate::health::health;
use ninety_kit::Label;
use ninety_kit::metrics::Metrics;
use ninety_kit::records::monitor::{
    Detection, Health, MeasuredPerformance, MonitorReport, Rule, Window,
};
use ninety_kit::records::serve::LoggedPrediction;
use std::collections::{BTreeMap, HashMap, HashSet};

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
                    "repeats",
                    0.3,
                    2,
                    "many copies of one message: a flood, a loop, or a client retrying",
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

/// What every window is measured against, prepared once.
struct Reference {
    scores: Vec<f64>,
    lengths: Vec<f64>,
    tokens: HashMap<u32, u64>,
    vocabulary: HashSet<u32>,
    health: Health,
    /// The share of unseen ids among held-out reference messages: what
    /// new, normal traffic scores on `oov`.
    oov: f64,
    charsets: HashMap<String, u64>,
}

impl Reference {
    /// The reference's messages at even positions make the vocabulary,
    /// and those at odd positions measure how much new, normal mail falls
    /// outside it: the OOV rate a window is compared with.
    fn of(records: &[LoggedPrediction]) -> Self {
        let vocabulary: HashSet<u32> = records
            .iter()
            .step_by(2)
            .flat_map(|p| p.tokens.iter().copied())
            .collect();
        let held_out: Vec<LoggedPrediction> = records.iter().skip(1).step_by(2).cloned().collect();
        let oov = health(&held_out, &vocabulary).oov;
        Reference {
            scores: records.iter().map(|p| p.score).collect(),
            lengths: records.iter().map(|p| p.body_chars as f64).collect(),
            tokens: token_counts(records),
            health: health(records, &vocabulary),
            vocabulary,
            oov,
            charsets: charset_counts(records),
        }
    }
}

fn token_counts(records: &[LoggedPrediction]) -> HashMap<u32, u64> {
    let mut counts = HashMap::new();
    for p in records {
        for &t in &p.tokens {
            *counts.entry(t).or_default() += 1;
        }
    }
    counts
}

fn charset_counts(records: &[LoggedPrediction]) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    for p in records {
        let name = p
            .charset
            .as_deref()
            .map_or_else(|| "none".to_owned(), str::to_lowercase);
        *counts.entry(name).or_default() += 1;
    }
    counts
}

fn served(records: &[LoggedPrediction]) -> Vec<Served> {
    records
        .iter()
        .map(|p| Served {
            request_id: p.request_id.clone(),
            spam: p.spam,
            probability: p.probability,
        })
        .collect()
}

fn measured(records: &[LoggedPrediction], feedback: &[(String, Label)]) -> MeasuredPerformance {
    let m = estimate::measure(&served(records), feedback);
    let rates = Metrics::of(m.counts);
    MeasuredPerformance {
        labelled: m.counts.total() as usize,
        f1: rates.spam_f1,
        ham_flagged: rates.ham_flagged_rate,
    }
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
    let r = Reference::of(reference);
    let size = settings.window.max(1);
    let mut ph = PageHinkley::new(settings.page_hinkley.0, settings.page_hinkley.1);
    let mut windows = Vec::new();
    for (index, chunk) in predictions.chunks_exact(size).enumerate() {
        let scores: Vec<f64> = chunk.iter().map(|p| p.score).collect();
        let lengths: Vec<f64> = chunk.iter().map(|p| p.body_chars as f64).collect();
        let h = health(chunk, &r.vocabulary);
        // Page-Hinkley reads every message; the window reports how far the
        // walk stands above its lowest point when the window ends.
        for p in chunk {
            ph.update(p.probability);
        }
        let statistics: BTreeMap<String, f64> = [
            ("score_psi", psi(&r.scores, &scores, settings.bins)),
            ("score_ks", ks(&r.scores, &scores)),
            ("tokens_js", js(&r.tokens, &token_counts(chunk))),
            ("length_psi", psi(&r.lengths, &lengths, settings.bins)),
            ("empty_excess", (h.empty - r.health.empty).max(0.0)),
            ("decode_excess", (h.decode - r.health.decode).max(0.0)),
            ("html_shift", (h.html - r.health.html).abs()),
            ("charset_js", js(&r.charsets, &charset_counts(chunk))),
            ("oov_excess", (h.oov - r.oov).max(0.0)),
            ("repeats", h.repeats),
            ("score_rise", ph.sum - ph.lowest),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let expected = estimate::estimate(&served(chunk));
        let first = &chunk[0];
        let last = &chunk[chunk.len() - 1];
        windows.push(Window {
            index,
            start: index * size,
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
            measured: measured(chunk, feedback),
        });
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

    let known: HashSet<&str> = predictions.iter().map(|p| p.request_id.as_str()).collect();
    let matched = feedback
        .iter()
        .filter(|(id, _)| known.contains(id.as_str()))
        .count();
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
        measured: measured(predictions, feedback),
        estimated_f1: estimate::estimate(&served(predictions)).f1(),
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
