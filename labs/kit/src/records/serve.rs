//! The serving API's bodies, and the prediction log's records.
//!
//! The server (the pipeline's `serve` stage), `ninety load` and the
//! workbench's deploy view all speak these types, so a field renamed in one
//! place is renamed everywhere.

use serde::{Deserialize, Serialize};

/// `POST /v1/predict` with `Content-Type: application/json`: a message as
/// its parts. Unknown fields are refused, so a misspelt `bdy` is an error,
/// not an empty body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PredictRequest {
    /// The subject line.
    #[serde(default)]
    pub subject: Option<String>,
    /// The sender, as the `From` header gives it.
    #[serde(default)]
    pub from: Option<String>,
    /// The body, as plain text.
    pub body: String,
}

/// A prediction.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The request's id (also in the prediction log).
    pub request_id: String,
    /// The model that scored it.
    pub model_id: String,
    /// The model's raw probability of spam.
    pub score: f64,
    /// The score after the model's calibration (the raw score when it has
    /// none).
    pub probability: f64,
    /// Whether the message goes to the spam folder: `score` at least the
    /// model's threshold.
    pub spam: bool,
    /// The threshold the decision used.
    pub threshold: f64,
}

/// `POST /v1/predict/batch`: up to the server's batch limit of messages.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// The messages, in order.
    pub messages: Vec<PredictRequest>,
}

/// The batch's answer: one prediction per message, in order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchResponse {
    /// The model that scored every message of the batch.
    pub model_id: String,
    /// The predictions, in the order of the request.
    pub predictions: Vec<Prediction>,
}

/// Every refusal's body: what was wrong, in words, and a stable code.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A short stable code: `bad-json`, `too-large`, `no-model`, ...
    pub code: String,
    /// What was wrong and what was expected.
    pub error: String,
}

/// One line of the prediction log, `.ninety/serve/predictions.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedPrediction {
    /// The request's id.
    pub request_id: String,
    /// When it was answered (RFC 3339).
    pub time: String,
    /// The model that answered.
    pub model_id: String,
    /// Its raw score.
    pub score: f64,
    /// Its calibrated probability (the raw score when the model has no
    /// calibration): what estimates performance before feedback.
    #[serde(default)]
    pub probability: f64,
    /// Its decision.
    pub spam: bool,
    /// Microseconds from the request's arrival to its answer's scoring.
    pub latency_us: u64,
    /// The cleaned body's length in characters. With the two below, what
    /// monitoring needs of the message, and no more of it.
    pub body_chars: usize,
    /// The content type the model read (`text/plain` for a JSON request).
    #[serde(default)]
    pub content_type: String,
    /// The charset the model read, when the message named one.
    #[serde(default)]
    pub charset: Option<String>,
    /// Whether the text holds U+FFFD, the mark of bytes that did not decode
    /// in the charset the message named.
    #[serde(default)]
    pub decode_problem: bool,
    /// A sketch of the tokens the model read: the hashed ids of the first
    /// [`SKETCH_TOKENS`] distinct tokens, in reading order, each the train
    /// lab's bucket of the token among [`SKETCH_BUCKETS`]. Ids, never words:
    /// monitoring compares token distributions and counts tokens never seen
    /// before, and needs no more of the message than that.
    #[serde(default)]
    pub tokens: Vec<u32>,
}

/// How many distinct tokens a [`LoggedPrediction`]'s sketch keeps.
pub const SKETCH_TOKENS: usize = 64;

/// The number of buckets a sketch's token ids are hashed into.
pub const SKETCH_BUCKETS: usize = 1 << 16;

/// What the server did, reported when it stops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServeSummary {
    /// The address it listened on.
    pub address: String,
    /// The model it served last (absent when it had none).
    pub model_id: Option<String>,
    /// Predictions answered.
    pub predictions: u64,
    /// Predictions the log had no room for.
    pub log_dropped: u64,
    /// Seconds it ran.
    pub seconds: f64,
}

/// A running server's state, reported once a second while it serves (the
/// `serving` event) and by `GET /v1/status`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServeStatus {
    /// The address it listens on, `http://host:port`.
    pub address: String,
    /// The model it serves (absent when it has none).
    pub model_id: Option<String>,
    /// Whether `/readyz` says ready.
    pub ready: bool,
    /// Requests answered since it started, errors included.
    pub requests: u64,
    /// Predictions made since it started.
    pub predictions: u64,
    /// Requests answered with a 4xx or 5xx since it started.
    pub errors: u64,
    /// Requests answered in the last second.
    pub per_second: f64,
    /// The median latency of the last second's requests, in microseconds
    /// (absent when there were none).
    pub p50_us: Option<u64>,
    /// The 99th percentile of the last second's latencies, in microseconds.
    pub p99_us: Option<u64>,
    /// Predictions the log had no room for, since it started.
    pub log_dropped: u64,
}

/// `POST /v1/feedback`: what a user later said a message was.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// The prediction's `request_id`.
    pub request_id: String,
    /// `spam` or `ham`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "spam"))]
    pub label: crate::Label,
}

/// One line of the feedback log, `.ninety/serve/feedback.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedFeedback {
    /// The prediction's request id.
    pub request_id: String,
    /// The label the user gave.
    pub label: crate::Label,
    /// When it arrived (RFC 3339).
    pub time: String,
}

/// `POST /admin/promote`: the model to make the champion and serve.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromoteRequest {
    /// A registered model's id, or the start of it.
    pub model_id: String,
}

/// What an admin route changed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swapped {
    /// The model served before.
    pub previous: Option<String>,
    /// The model served now.
    pub model_id: String,
}

/// `GET /readyz`'s answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    /// Whether requests should come here now.
    pub ready: bool,
    /// The model served, if any.
    pub model_id: Option<String>,
    /// Why not, when not ready.
    pub reasons: Vec<String>,
}
