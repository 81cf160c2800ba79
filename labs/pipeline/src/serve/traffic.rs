//! What `/metrics` says about the traffic itself, beyond requests and
//! latencies: the scores' histogram, the inputs' health (length, HTML,
//! charset, decoding trouble, empty bodies), and how far the last window
//! of predictions has drifted from the served model's reference.
//!
//! The request path only counts and records: a few additions under one
//! lock, and a score with its token sketch copied into a ring. The drift
//! statistics are the monitor lab's (`lab_monitor::drift`), computed when
//! `/metrics` is scraped, never per request.

use crate::observe::Observed;
use anyhow::{Context as _, Result};
use lab_monitor::drift::{js, ks, psi};
use ninety_kit::records::serve::{LoggedPrediction, SKETCH_BUCKETS};
use ninety_kit::registry::REFERENCE_FILE;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::BufRead as _;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The score histogram's bucket bounds.
const SCORE_BUCKETS: [f64; 10] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

/// The body length histogram's bucket bounds, in characters.
const BODY_CHARS_BUCKETS: [f64; 8] = [
    0.0, 100.0, 300.0, 1_000.0, 3_000.0, 10_000.0, 30_000.0, 100_000.0,
];

/// The charsets counted by name: the common ones of mail. Any other is
/// `other`, so the label's values stay bounded whatever clients send
/// (one series per value a client invents is how a Prometheus server runs
/// out of memory).
pub const CHARSETS: [&str; 15] = [
    "none",
    "us-ascii",
    "utf-8",
    "iso-8859-1",
    "iso-8859-2",
    "iso-8859-15",
    "windows-1251",
    "windows-1252",
    "koi8-r",
    "gb2312",
    "big5",
    "euc-kr",
    "iso-2022-jp",
    "shift_jis",
    "other",
];

/// Predictions the drift window holds: the monitor lab's window.
pub const WINDOW: usize = 200;

/// PSI's bins (quantiles of the reference's scores).
const PSI_BINS: usize = 10;

/// The label of a message's charset: its name lowercased when it is one
/// of [`CHARSETS`], `none` when it named none, else `other`.
pub fn charset_label(charset: Option<&str>) -> &'static str {
    let Some(name) = charset.map(|c| c.trim().trim_matches('"')) else {
        return "none";
    };
    if name.is_empty() {
        return "none";
    }
    CHARSETS[..CHARSETS.len() - 1]
        .iter()
        .find(|known| known.eq_ignore_ascii_case(name))
        .copied()
        .unwrap_or("other")
}

/// A histogram as Prometheus keeps one: counts per bucket (not yet
/// cumulative), the count and the sum.
#[derive(Debug, Clone)]
struct Histogram<const N: usize> {
    buckets: [u64; N],
    count: u64,
    sum: f64,
}

impl<const N: usize> Default for Histogram<N> {
    fn default() -> Self {
        Self {
            buckets: [0; N],
            count: 0,
            sum: 0.0,
        }
    }
}

impl<const N: usize> Histogram<N> {
    fn add(&mut self, bounds: &[f64; N], value: f64) {
        if let Some(i) = bounds.iter().position(|b| value <= *b) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        if value.is_finite() {
            self.sum += value;
        }
    }

    fn render(&self, out: &mut String, name: &str, help: &str, bounds: &[f64; N]) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, n) in bounds.iter().zip(self.buckets) {
            cumulative += n;
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{le=\"+Inf\"}} {}\n{name}_sum {}\n{name}_count {}",
            self.count, self.sum, self.count
        );
    }
}

/// Every prediction's counts, kept together so a scrape sees them whole.
#[derive(Debug, Clone, Default)]
struct Counts {
    scores: Histogram<{ SCORE_BUCKETS.len() }>,
    body_chars: Histogram<{ BODY_CHARS_BUCKETS.len() }>,
    empty: u64,
    html: u64,
    decode_problems: u64,
    charsets: [u64; CHARSETS.len()],
}

/// The scores and the inputs' health, over the server's life.
#[derive(Debug, Default)]
pub struct Inputs {
    counts: Mutex<Counts>,
}

impl Inputs {
    /// Counts one prediction: its score and what its message looked like.
    pub fn record(&self, score: f64, observed: &Observed) {
        let label = charset_label(observed.charset.as_deref());
        let slot = CHARSETS.iter().position(|c| *c == label).unwrap_or(0);
        let mut c = super::lock(&self.counts);
        c.scores.add(&SCORE_BUCKETS, score);
        c.body_chars
            .add(&BODY_CHARS_BUCKETS, observed.body_chars as f64);
        c.empty += u64::from(observed.body_chars == 0);
        c.html += u64::from(observed.content_type.eq_ignore_ascii_case("text/html"));
        c.decode_problems += u64::from(observed.decode_problem);
        c.charsets[slot] += 1;
    }

    /// The Prometheus text of the counts.
    pub fn render(&self, out: &mut String) {
        let c = super::lock(&self.counts).clone();
        c.scores.render(
            out,
            "ninety_prediction_score",
            "The model's raw scores (0 to 1, before calibration), one per prediction.",
            &SCORE_BUCKETS,
        );
        c.body_chars.render(
            out,
            "ninety_input_body_chars",
            "The length of each scored message's body, in characters.",
            &BODY_CHARS_BUCKETS,
        );
        for (name, help, n) in [
            (
                "ninety_input_empty_bodies_total",
                "Predictions whose message had an empty body.",
                c.empty,
            ),
            (
                "ninety_input_html_total",
                "Predictions whose message's text was HTML (text/html).",
                c.html,
            ),
            (
                "ninety_input_decode_problems_total",
                "Predictions whose message held bytes that did not decode in its charset (U+FFFD).",
                c.decode_problems,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP ninety_input_charset_total Predictions by the charset their message named (lowercased; a fixed list, any other is \"other\").\n\
             # TYPE ninety_input_charset_total counter"
        );
        for (charset, n) in CHARSETS.iter().zip(c.charsets) {
            let _ = writeln!(
                out,
                "ninety_input_charset_total{{charset=\"{charset}\"}} {n}"
            );
        }
    }
}

/// What normal looked like for a model: its `reference.jsonl`, as the
/// drift statistics need it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The scores, one per message.
    scores: Vec<f64>,
    /// How many of the messages' sketches hold each token id, indexed by
    /// id (the monitor lab's `js` takes tables indexed alike).
    tokens: Vec<u64>,
    /// The token ids of the messages at even positions: the vocabulary
    /// a window's ids are looked up in.
    vocabulary: HashSet<u32>,
    /// The out-of-vocabulary ratio of new, normal mail: the messages at
    /// odd positions against the vocabulary (none with fewer than two
    /// messages).
    oov_baseline: Option<f64>,
    /// The shares of its messages with an empty body, read as HTML, and
    /// with a decode problem: what the input health counters' rates are
    /// compared with.
    empty: f64,
    html: f64,
    decode_problems: f64,
}

impl Reference {
    /// The reference in a model's folder; none for a model registered
    /// before references were saved (or with an empty one). A line that
    /// is not a logged prediction is an error naming the file and line.
    pub fn load(model_dir: &Path) -> Result<Option<Reference>> {
        let path = model_dir.join(REFERENCE_FILE);
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("reading the reference `{}`", path.display()));
            }
        };
        let mut logged = Vec::new();
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line =
                line.with_context(|| format!("reading the reference `{}`", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let p: LoggedPrediction = serde_json::from_str(&line).with_context(|| {
                format!(
                    "the reference `{}` line {}: not a logged prediction (evaluate writes this file; `ninety run evaluate` registers the model again)",
                    path.display(),
                    i + 1
                )
            })?;
            logged.push(p);
        }
        Ok((!logged.is_empty()).then(|| Reference::of(&logged)))
    }

    /// The reference of `records`, in the file's order. As the monitor
    /// lab's report does, the messages at even positions make the
    /// vocabulary and those at odd positions measure how much new, normal
    /// mail falls outside it, so that the OOV gauges and the report's
    /// `oov_excess` are the same numbers.
    pub fn of(records: &[LoggedPrediction]) -> Reference {
        let vocabulary: HashSet<u32> = records
            .iter()
            .step_by(2)
            .flat_map(|p| p.tokens.iter().copied())
            .collect();
        let held_out = records.iter().skip(1).step_by(2);
        let oov_baseline =
            (records.len() >= 2).then(|| oov(held_out.flat_map(|p| p.tokens.iter()), &vocabulary));
        let share = |f: fn(&LoggedPrediction) -> bool| {
            records.iter().filter(|p| f(p)).count() as f64 / records.len().max(1) as f64
        };
        Reference {
            scores: records.iter().map(|p| p.score).collect(),
            tokens: count_tokens(records.iter().map(|p| p.tokens.as_slice())),
            vocabulary,
            oov_baseline,
            empty: share(|p| p.body_chars == 0),
            html: share(|p| p.content_type.eq_ignore_ascii_case("text/html")),
            decode_problems: share(|p| p.decode_problem),
        }
    }
}

/// The share of `ids` not in `vocabulary` (0 for no ids).
fn oov<'a>(ids: impl Iterator<Item = &'a u32>, vocabulary: &HashSet<u32>) -> f64 {
    let (mut all, mut unseen) = (0usize, 0usize);
    for id in ids {
        all += 1;
        unseen += usize::from(!vocabulary.contains(id));
    }
    if all == 0 {
        0.0
    } else {
        unseen as f64 / all as f64
    }
}

/// How many sketches hold each token id, indexed by id (sketch ids are
/// below `SKETCH_BUCKETS`; a larger one grows the table).
fn count_tokens<'a>(sketches: impl Iterator<Item = &'a [u32]>) -> Vec<u64> {
    let mut counts = vec![0; SKETCH_BUCKETS];
    for sketch in sketches {
        for &id in sketch {
            let i = id as usize;
            if i >= counts.len() {
                counts.resize(i + 1, 0);
            }
            counts[i] += 1;
        }
    }
    counts
}

/// The last predictions of one model, as a ring.
#[derive(Debug, Default)]
struct Ring {
    /// Where the next one goes once the ring is full.
    next: usize,
    entries: Vec<(f64, Vec<u32>)>,
}

/// The drift of the last window against the reference, at one scrape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drift {
    /// Predictions in the window.
    pub predictions: usize,
    /// The statistics, when the window holds any prediction (and the
    /// monitor lab's code ran).
    pub statistics: Option<Statistics>,
}

/// The drift statistics of a window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Statistics {
    /// PSI of the scores, over 10 quantile bins of the reference's.
    pub score_psi: f64,
    /// The two-sample Kolmogorov-Smirnov statistic of the scores.
    pub score_ks: f64,
    /// The Jensen-Shannon divergence (bits) of the token ids.
    pub tokens_js: f64,
    /// The share of the window's token ids not in the reference's
    /// vocabulary.
    pub oov_ratio: f64,
}

/// One served model's drift watch: its reference and its last
/// predictions. It lives with the model, so a hot swap starts a new
/// window against the new model's reference, and a request in flight
/// on the old model records into the old one's.
#[derive(Debug)]
pub struct Window {
    reference: Reference,
    capacity: usize,
    recent: Mutex<Ring>,
    /// Set when the monitor lab's code panicked (a `todo!` not written
    /// yet): the statistics are left out from then on, said once.
    failed: AtomicBool,
}

impl Window {
    /// An empty window of the last `capacity` predictions against
    /// `reference`.
    pub fn new(reference: Reference, capacity: usize) -> Self {
        Self {
            reference,
            capacity: capacity.max(1),
            recent: Mutex::default(),
            failed: AtomicBool::new(false),
        }
    }

    /// Keeps a prediction's score and sketch, forgetting the oldest when
    /// the window is full (its sketch's room is reused).
    pub fn record(&self, score: f64, tokens: &[u32]) {
        let mut ring = super::lock(&self.recent);
        if ring.entries.len() < self.capacity {
            ring.entries.push((score, tokens.to_vec()));
        } else {
            let i = ring.next;
            let (s, t) = &mut ring.entries[i];
            *s = score;
            t.clear();
            t.extend_from_slice(tokens);
        }
        ring.next = (ring.next + 1) % self.capacity;
    }

    /// The window's drift now: copied out under the lock, computed
    /// outside it.
    pub fn drift(&self) -> Drift {
        let (scores, ids) = {
            let ring = super::lock(&self.recent);
            let scores: Vec<f64> = ring.entries.iter().map(|(s, _)| *s).collect();
            let ids: Vec<u32> = ring
                .entries
                .iter()
                .flat_map(|(_, t)| t.iter().copied())
                .collect();
            (scores, ids)
        };
        let predictions = scores.len();
        if predictions == 0 || self.failed.load(Ordering::Relaxed) {
            return Drift {
                predictions,
                statistics: None,
            };
        }
        let window_tokens = count_tokens(std::iter::once(ids.as_slice()));
        let oov_ratio = oov(ids.iter(), &self.reference.vocabulary);
        let reference = &self.reference;
        let computed = std::panic::catch_unwind(|| {
            (
                psi(&reference.scores, &scores, PSI_BINS),
                ks(&reference.scores, &scores),
                js(&reference.tokens, &window_tokens),
            )
        });
        let statistics = match computed {
            Ok((score_psi, score_ks, tokens_js)) => Some(Statistics {
                score_psi,
                score_ks,
                tokens_js,
                oov_ratio,
            }),
            Err(_) => {
                self.failed.store(true, Ordering::Relaxed);
                eprintln!(
                    "warning: the monitor lab's drift statistics panicked (labs/monitor/src/drift.rs not written yet?): /metrics leaves the drift gauges out until the server restarts"
                );
                None
            }
        };
        Drift {
            predictions,
            statistics,
        }
    }

    /// The drift gauges' Prometheus text.
    pub fn render(&self, out: &mut String) {
        let drift = self.drift();
        let gauge = |out: &mut String, name: &str, help: &str, value: f64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        };
        gauge(
            out,
            "ninety_drift_window_predictions",
            &format!(
                "Predictions in the drift window (the last {} of the served model; it restarts when the model is swapped).",
                self.capacity
            ),
            drift.predictions as f64,
        );
        gauge(
            out,
            "ninety_drift_reference_predictions",
            "Messages in the served model's reference (its test split, saved by evaluate).",
            self.reference.scores.len() as f64,
        );
        for (name, what, value) in [
            (
                "ninety_input_reference_empty_bodies_ratio",
                "with an empty body",
                self.reference.empty,
            ),
            (
                "ninety_input_reference_html_ratio",
                "read as HTML (text/html)",
                self.reference.html,
            ),
            (
                "ninety_input_reference_decode_problems_ratio",
                "with bytes that did not decode (U+FFFD)",
                self.reference.decode_problems,
            ),
        ] {
            gauge(
                out,
                name,
                &format!("Share of the served model's reference messages {what}."),
                value,
            );
        }
        if let Some(baseline) = self.reference.oov_baseline {
            gauge(
                out,
                "ninety_input_reference_oov_ratio",
                "The out-of-vocabulary ratio of new, normal mail: the reference's messages at odd positions against the vocabulary of those at even positions.",
                baseline,
            );
        }
        let Some(s) = drift.statistics else {
            return;
        };
        gauge(
            out,
            "ninety_drift_score_psi",
            "Population stability index of the window's scores against the reference's (10 quantile bins; above 0.25 is a large shift).",
            s.score_psi,
        );
        gauge(
            out,
            "ninety_drift_score_ks",
            "Two-sample Kolmogorov-Smirnov statistic of the window's scores against the reference's.",
            s.score_ks,
        );
        gauge(
            out,
            "ninety_drift_tokens_js",
            "Jensen-Shannon divergence (bits, 0 to 1) of the window's token ids against the reference's.",
            s.tokens_js,
        );
        gauge(
            out,
            "ninety_input_oov_ratio",
            "Share of the window's sketch token ids never seen in the reference's vocabulary (the ids of its messages at even positions).",
            s.oov_ratio,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets_are_a_bounded_lowercase_set() {
        assert_eq!(charset_label(None), "none");
        assert_eq!(charset_label(Some("")), "none");
        assert_eq!(charset_label(Some("UTF-8")), "utf-8");
        assert_eq!(charset_label(Some("\"Windows-1252\"")), "windows-1252");
        assert_eq!(charset_label(Some("x-made-up-42")), "other");
        assert_eq!(charset_label(Some("other")), "other");
        assert_eq!(charset_label(Some("none")), "none");
        assert!(CHARSETS.iter().all(|c| c.to_lowercase() == *c));
    }

    fn logged(score: f64, tokens: Vec<u32>) -> LoggedPrediction {
        LoggedPrediction {
            request_id: "m".into(),
            time: String::new(),
            model_id: String::new(),
            score,
            probability: score,
            spam: score >= 0.5,
            latency_us: 0,
            body_chars: tokens.len(),
            content_type: "text/plain".into(),
            charset: None,
            decode_problem: false,
            tokens,
        }
    }

    fn reference(n: usize) -> Reference {
        let records: Vec<LoggedPrediction> = (0..n)
            .map(|i| {
                logged(
                    (i as f64 + 0.5) / n as f64,
                    vec![1, 2, 3, 100 + i as u32 % 7],
                )
            })
            .collect();
        Reference::of(&records)
    }

    #[test]
    fn the_window_keeps_the_last_predictions_only() {
        let w = Window::new(reference(40), 3);
        assert_eq!(w.drift().predictions, 0);
        assert_eq!(w.drift().statistics, None, "no statistics of nothing");
        for i in 0..5 {
            w.record(0.99, &[i]);
        }
        let ring = super::super::lock(&w.recent);
        let mut kept: Vec<u32> = ring.entries.iter().map(|(_, t)| t[0]).collect();
        kept.sort();
        assert_eq!(kept, [2, 3, 4]);
    }

    #[test]
    fn traffic_like_the_reference_does_not_drift_and_other_traffic_does() {
        let w = Window::new(reference(40), 40);
        for i in 0..40 {
            w.record((i as f64 + 0.5) / 40.0, &[1, 2, 3, 100 + i % 7]);
        }
        let same = w.drift().statistics.unwrap();
        assert!(same.score_psi < 1e-9 && same.score_ks < 1e-9, "{same:?}");
        assert!(same.tokens_js < 1e-9 && same.oov_ratio == 0.0, "{same:?}");
        for _ in 0..40 {
            w.record(0.999, &[1, 9_000, 9_001, 9_002]);
        }
        let shifted = w.drift().statistics.unwrap();
        assert!(
            shifted.score_psi > 0.25 && shifted.score_ks > 0.9,
            "{shifted:?}"
        );
        assert!(shifted.tokens_js > 0.2, "{shifted:?}");
        assert_eq!(shifted.oov_ratio, 0.75);
    }

    #[test]
    fn the_oov_baseline_is_the_held_out_half_against_the_other() {
        // Every message holds one token no other holds: a quarter of a
        // held-out message's ids are new to the vocabulary.
        let mut records: Vec<LoggedPrediction> = (0..12)
            .map(|i| logged(0.5, vec![1, 2, 3, 1_000 + i]))
            .collect();
        records[0].body_chars = 0;
        records[1].content_type = "text/html".into();
        records[2].content_type = "text/html".into();
        records[3].decode_problem = true;
        let logged = records;
        let r = Reference::of(&logged);
        assert_eq!(r.oov_baseline, Some(0.25));
        assert!(r.vocabulary.contains(&1_000) && !r.vocabulary.contains(&1_001));
        assert_eq!(Reference::of(&logged[..1]).oov_baseline, None);
        assert_eq!(
            (r.empty, r.html, r.decode_problems),
            (1.0 / 12.0, 2.0 / 12.0, 1.0 / 12.0)
        );
    }

    #[test]
    fn a_model_without_a_reference_has_none_and_a_bad_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Reference::load(dir.path()).unwrap(), None);
        std::fs::write(dir.path().join(REFERENCE_FILE), "").unwrap();
        assert_eq!(Reference::load(dir.path()).unwrap(), None, "empty");
        let good = serde_json::to_string(&logged(0.25, vec![7, 8])).unwrap();
        std::fs::write(dir.path().join(REFERENCE_FILE), format!("{good}\n")).unwrap();
        let r = Reference::load(dir.path()).unwrap().unwrap();
        assert_eq!(
            (
                r.scores.as_slice(),
                r.tokens.iter().filter(|&&c| c > 0).count()
            ),
            ([0.25].as_slice(), 2)
        );
        std::fs::write(dir.path().join(REFERENCE_FILE), format!("{good}\n{{nope\n")).unwrap();
        let e = format!("{:#}", Reference::load(dir.path()).unwrap_err());
        assert!(e.contains("line 2") && e.contains(REFERENCE_FILE), "{e}");
    }
}
