//! The monitor's report: windows of served traffic measured against the
//! reference saved with the model, the alerts raised on them, and what the
//! feedback says. The pipeline's `monitor` stage writes it (`--json`), the
//! workbench's monitor view and `ninety replay` read it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The input health of a stretch of traffic: what the messages looked
/// like, without the model's opinion of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// How many messages.
    pub messages: usize,
    /// Their mean body length, in characters (0 for no messages).
    pub mean_chars: f64,
    /// The share with an empty body.
    pub empty: f64,
    /// The share read as HTML (`text/html`).
    pub html: f64,
    /// The share whose text did not decode cleanly.
    pub decode: f64,
    /// The share of their sketch's token ids never seen in the reference
    /// (over every id of every message; 0 when they have none).
    pub oov: f64,
    /// The share of messages whose token sketch repeats one earlier in the
    /// same stretch: copies of one message.
    pub repeats: f64,
    /// The share of each charset (lowercase; `none` when the message named
    /// none).
    pub charsets: BTreeMap<String, f64>,
}

/// Performance over a stretch of traffic, from the labels that came back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct MeasuredPerformance {
    /// Predictions with a label.
    pub labelled: usize,
    /// F1 on them (absent without a labelled spam or spam decision).
    pub f1: Option<f64>,
    /// The share of labelled ham sent to the spam folder (absent without
    /// labelled ham).
    pub ham_flagged: Option<f64>,
}

/// One window of traffic, measured against the reference.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// Its place, from 0.
    pub index: usize,
    /// The position in the log of its first prediction, from 0.
    pub start: usize,
    /// How many predictions it holds.
    pub messages: usize,
    /// Its first request's id.
    pub first_request: String,
    /// Its last request's id.
    pub last_request: String,
    /// Its first prediction's time.
    pub first_time: String,
    /// Its last prediction's time.
    pub last_time: String,
    /// Every statistic of the window by name (`score_psi`, `score_ks`,
    /// `tokens_js`, ...: the report's `statistics` list says which and what
    /// each means).
    pub statistics: BTreeMap<String, f64>,
    /// Its input health.
    pub health: Health,
    /// The share it sent to the spam folder.
    pub spam_share: f64,
    /// F1 expected from the calibrated scores, before any label.
    pub estimated_f1: Option<f64>,
    /// The share of ham expected to be flagged, from the calibrated scores.
    pub estimated_ham_flagged: Option<f64>,
    /// What its labels say, as far as they have come back.
    pub measured: MeasuredPerformance,
}

/// A rule an alert is raised by: a window statistic above a threshold for
/// some windows in a row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// The statistic it watches (a key of [`Window::statistics`]).
    pub statistic: String,
    /// Alarm above this.
    pub threshold: f64,
    /// For this many windows in a row.
    pub windows: usize,
    /// What it means when it fires, in words.
    pub meaning: String,
}

/// An alert, with its evidence: enough for whoever is on call to see what
/// moved, by how much, since when, and which requests to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The statistic that moved.
    pub statistic: String,
    /// The window in which the rule fired.
    pub fired_window: usize,
    /// The first window of the run above the threshold that made it fire:
    /// when the change began, as far as the windows tell.
    pub onset_window: usize,
    /// The position in the log of the last prediction of the window that
    /// fired: how many messages the monitor had seen when it spoke.
    pub fired_at: usize,
    /// The first request of the onset window.
    pub first_request: String,
    /// The last request of the window that fired.
    pub last_request: String,
    /// The statistic's value in each window from the onset to the firing.
    pub values: Vec<f64>,
    /// The rule's threshold.
    pub threshold: f64,
    /// What the rule means.
    pub meaning: String,
}

/// A line of a log that could not be read, and why: reported, skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadLine {
    /// The file.
    pub file: String,
    /// Its line number, from 1.
    pub line: usize,
    /// What was wrong.
    pub error: String,
}

/// What came back from users.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackCounts {
    /// Feedback records read.
    pub received: usize,
    /// Those naming a request in the prediction log.
    pub matched: usize,
    /// Those naming a request the log does not hold: counted, kept, not
    /// matched.
    pub unknown: usize,
}

/// The monitor's report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MonitorReport {
    /// The model whose traffic it watched (the last one in the log).
    pub model_id: Option<String>,
    /// The reference's size, in messages.
    pub reference: usize,
    /// The reference's own input health.
    pub reference_health: Health,
    /// Predictions read from the log.
    pub predictions: usize,
    /// Predictions per window.
    pub window: usize,
    /// The windows, in order (only whole ones).
    pub windows: Vec<Window>,
    /// The rules it judged the windows by.
    pub rules: Vec<Rule>,
    /// The alerts raised, in the order they fired.
    pub alerts: Vec<Alert>,
    /// Feedback received.
    pub feedback: FeedbackCounts,
    /// Performance over every labelled prediction.
    pub measured: MeasuredPerformance,
    /// F1 expected over every prediction, from the calibrated scores.
    pub estimated_f1: Option<f64>,
    /// Log lines that could not be read.
    pub bad_lines: Vec<BadLine>,
    /// How the alerts compare with the incident of the replay the report
    /// read (absent when it read no replay).
    #[serde(default)]
    pub detection: Option<Detection>,
}

/// Alerts judged against a replayed scenario's incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// The scenario.
    pub scenario: String,
    /// Its incident's kind (`none` for the stable one).
    pub incident: String,
    /// The log position of the incident's first request, counted from the
    /// replay's first (absent without an incident).
    pub onset: Option<usize>,
    /// Within how many requests of the onset an alert must come.
    pub detect_within: Option<usize>,
    /// The first alert at or after the onset: its statistic.
    pub first_alert: Option<String>,
    /// Requests from the onset to that alert's firing.
    pub delay: Option<usize>,
    /// Alerts that fired before the onset (every alert, without an
    /// incident).
    pub false_alarms: usize,
    /// Whether it met the scenario's bar: no alert on a scenario without
    /// an incident; otherwise an alert within `detect_within` and no false
    /// alarm (a scenario with no bar passes on no false alarm alone).
    pub passed: bool,
}
