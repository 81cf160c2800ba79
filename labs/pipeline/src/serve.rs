//! The serve stage's HTTP service: the registry's model behind a small,
//! strict API.
//!
//! `router(state)` is the whole service, so tests drive it without a
//! socket (`tower::ServiceExt::oneshot`) and the stage binds it to one.
//! Every refusal is an [`ApiError`]: a 4xx or 5xx with a JSON body that
//! says what was wrong. The decisions inside are the deploy lab's: a
//! request becomes the model's text by `lab_deploy::request` (the training
//! code's own steps), readiness is `lab_deploy::ready`, the model sits in a
//! `lab_deploy::swap::Slot` (a reload or a promotion swaps the pointer; a
//! request in flight finishes on the model it started with), and batches
//! are `lab_deploy::batch`. Every prediction goes to the prediction log
//! through a bounded channel; a full channel is counted, never waited on.
//! `/metrics` is Prometheus text (with the traffic's scores, input health
//! and drift against the model's reference: [`traffic`]), `/openapi.json`
//! the contract, made from the handlers' annotations ([`openapi`]).

use crate::Context;
use crate::model::Forward;
use anyhow::{Context as _, Result};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lab_deploy::batch::{BatchError, score_batch};
use lab_deploy::ready::{Canary, Health, LoadedModel, readiness};
use lab_deploy::request::{RequestError, from_json, from_raw};
use lab_deploy::swap::Slot;
use ninety_kit::command::ServeArgs;
use ninety_kit::events::{Emitter, Event};
use ninety_kit::records::Summary;
use ninety_kit::records::serve::{
    BatchRequest, BatchResponse, ErrorBody, FeedbackRequest, LoggedFeedback, LoggedPrediction,
    PredictRequest, Prediction, PromoteRequest, Readiness, ServeStatus, ServeSummary, Swapped,
};
use ninety_kit::registry::{CANARY_FILE, Registered, Registry};
use std::collections::BTreeMap;
use std::future::IntoFuture as _;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use std::time::Instant;
use tokio::sync::mpsc;

mod openapi;
mod traffic;

/// The model being served: its id, its forward pass, its threshold and
/// calibration, and what readiness needs to know of it.
pub struct Served {
    /// The registry id.
    pub id: String,
    /// The forward pass.
    pub forward: Forward,
    /// Flag at a score at least this.
    pub threshold: f64,
    /// Platt's slope and shift, when the evaluation fitted them.
    pub platt: Option<(f64, f64)>,
    /// Whether its evaluation passed every gate.
    pub gate_passed: bool,
    /// Whether it was the champion when loaded.
    pub promoted: bool,
    /// How its canary scored when it was loaded.
    pub canary: Canary,
    /// Its last predictions against its reference, for the drift gauges
    /// (none for a model registered without a reference).
    pub drift: Option<traffic::Window>,
}

impl Served {
    /// The prediction for `text`, and its monitoring sketch, from one
    /// reading of its tokens.
    fn predict(&self, request_id: String, text: &str) -> (Prediction, Vec<u32>) {
        let (score, sketch) = self.forward.score_and_sketch(text);
        let probability = probability(score, self.platt);
        let prediction = Prediction {
            request_id,
            model_id: self.id.clone(),
            score,
            probability,
            spam: score >= self.threshold,
            threshold: self.threshold,
        };
        (prediction, sketch)
    }
}

/// A score after Platt's calibration (`slope`, `shift`), or the score
/// itself for a model with none.
pub fn probability(score: f64, platt: Option<(f64, f64)>) -> f64 {
    match platt {
        Some((a, b)) => {
            let s = score.clamp(1e-6, 1.0 - 1e-6);
            1.0 / (1.0 + (-(a * (s / (1.0 - s)).ln() + b)).exp())
        }
        None => score,
    }
}

/// Limits, each a setting of the stage.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest request body, in bytes.
    pub max_body: usize,
    /// The most messages in one batch.
    pub max_batch: usize,
    /// Each request's time limit.
    pub timeout: Duration,
    /// Requests served at once.
    pub concurrency: usize,
    /// The fields' sizes.
    pub fields: lab_deploy::validate::Limits,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body: 1 << 20,
            max_batch: 256,
            timeout: Duration::from_secs(2),
            concurrency: 512,
            fields: lab_deploy::validate::Limits::default(),
        }
    }
}

impl Limits {
    /// The limits `args` set.
    pub fn of(args: &ServeArgs) -> Self {
        Self {
            max_body: args.max_body as usize,
            max_batch: args.max_batch as usize,
            timeout: Duration::from_millis(args.timeout_ms),
            concurrency: args.concurrency as usize,
            fields: lab_deploy::validate::Limits {
                max_body_chars: args.max_body as usize,
                ..Default::default()
            },
        }
    }
}

/// The latency histogram's bucket bounds, in seconds.
const BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// One route's latencies, as Prometheus keeps them.
#[derive(Debug, Clone, Default)]
struct Latencies {
    /// Requests at most each bound (not yet cumulative).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// One route's answers by status code, and their latencies.
type RouteCounts = (BTreeMap<u16, u64>, Latencies);

/// What the server counts: for `/metrics`, the status line and
/// `/v1/status`.
pub struct Metrics {
    /// Requests by route: their count by status code, and their latencies.
    /// One lock, and a route's name allocated once, when first seen.
    routes: Mutex<BTreeMap<String, RouteCounts>>,
    /// This second's latencies in microseconds, for the percentiles.
    window: Mutex<hdrhistogram::Histogram<u64>>,
    /// The last finished second's figures: requests, p50, p99.
    last: Mutex<(u64, Option<u64>, Option<u64>)>,
    requests: AtomicU64,
    errors: AtomicU64,
    spam: AtomicU64,
    ham: AtomicU64,
    /// The scores and the inputs' health.
    inputs: traffic::Inputs,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            routes: Mutex::default(),
            window: Mutex::new(
                hdrhistogram::Histogram::new_with_bounds(1, 60_000_000, 3)
                    .expect("fixed bounds are valid"),
            ),
            last: Mutex::default(),
            requests: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            spam: AtomicU64::new(0),
            ham: AtomicU64::new(0),
            inputs: traffic::Inputs::default(),
        }
    }
}

/// A lock whose holder panicked still holds whole counts.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Metrics {
    /// Counts a prediction: its decision, its score and its message's
    /// shape.
    fn predicted(&self, p: &Prediction, observed: &crate::observe::Observed) {
        if p.spam {
            self.spam.fetch_add(1, Ordering::Relaxed);
        } else {
            self.ham.fetch_add(1, Ordering::Relaxed);
        }
        self.inputs.record(p.score, observed);
    }

    fn record(&self, route: &str, status: StatusCode, elapsed: Duration) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if status.is_client_error() || status.is_server_error() {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        let seconds = elapsed.as_secs_f64();
        {
            let mut all = lock(&self.routes);
            if !all.contains_key(route) {
                all.insert(route.to_owned(), Default::default());
            }
            let (statuses, l) = all.get_mut(route).expect("inserted above");
            *statuses.entry(status.as_u16()).or_default() += 1;
            if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
                l.buckets[i] += 1;
            }
            l.count += 1;
            l.sum += seconds;
        }
        let micros = (elapsed.as_micros() as u64).clamp(1, 60_000_000);
        let _ = lock(&self.window).record(micros);
    }

    /// Ends a second: its request count and percentiles become the last.
    fn tick(&self) -> (u64, Option<u64>, Option<u64>) {
        let mut w = lock(&self.window);
        let figures = if w.is_empty() {
            (0, None, None)
        } else {
            (
                w.len(),
                Some(w.value_at_quantile(0.5)),
                Some(w.value_at_quantile(0.99)),
            )
        };
        w.reset();
        *lock(&self.last) = figures;
        figures
    }

    /// The Prometheus text exposition of everything counted, with the
    /// served model's drift gauges when it has a reference.
    fn exposition(
        &self,
        model_id: Option<&str>,
        ready: bool,
        log_dropped: u64,
        drift: Option<&traffic::Window>,
    ) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP ninety_http_requests_total HTTP requests answered, by route and status code.\n\
             # TYPE ninety_http_requests_total counter"
        );
        let routes = lock(&self.routes).clone();
        for (route, (statuses, _)) in &routes {
            for (status, n) in statuses {
                let _ = writeln!(
                    out,
                    "ninety_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP ninety_http_request_duration_seconds Time from a request's arrival to its answer, by route.\n\
             # TYPE ninety_http_request_duration_seconds histogram"
        );
        for (route, (_, l)) in &routes {
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(l.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "ninety_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "ninety_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 ninety_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 ninety_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                l.count, l.sum, l.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP ninety_predictions_total Predictions made, by decision.\n\
             # TYPE ninety_predictions_total counter\n\
             ninety_predictions_total{{decision=\"spam\"}} {}\n\
             ninety_predictions_total{{decision=\"ham\"}} {}",
            self.spam.load(Ordering::Relaxed),
            self.ham.load(Ordering::Relaxed)
        );
        self.inputs.render(&mut out);
        if let Some(window) = drift {
            window.render(&mut out);
        }
        let _ = writeln!(
            out,
            "# HELP ninety_prediction_log_dropped_total Predictions the prediction log's channel had no room for.\n\
             # TYPE ninety_prediction_log_dropped_total counter\n\
             ninety_prediction_log_dropped_total {log_dropped}"
        );
        let _ = writeln!(
            out,
            "# HELP ninety_ready Whether /readyz says ready (1) or not (0).\n\
             # TYPE ninety_ready gauge\n\
             ninety_ready {}",
            u8::from(ready)
        );
        let _ = writeln!(
            out,
            "# HELP ninety_model_info The model being served, as a label; the value is always 1.\n\
             # TYPE ninety_model_info gauge"
        );
        if let Some(id) = model_id {
            let _ = writeln!(out, "ninety_model_info{{model_id=\"{id}\"}} 1");
        }
        out
    }
}

/// What the admin routes need: the registry, and the token they ask for.
pub struct Admin {
    /// The registry the server loads from.
    pub registry: Registry,
    /// The bearer token.
    pub token: String,
}

/// A line for the logs' writer.
#[derive(Debug)]
pub enum LogLine {
    /// A prediction, for `predictions.jsonl`.
    Prediction(LoggedPrediction),
    /// Feedback, for `feedback.jsonl`.
    Feedback(LoggedFeedback),
}

/// What every handler shares.
pub struct AppState {
    /// The model, swapped whole.
    pub model: Slot<Served>,
    /// The logs' channel.
    pub log: mpsc::Sender<LogLine>,
    /// Predictions the log's channel had no room for.
    pub log_dropped: AtomicU64,
    /// Predictions made, for ids.
    pub answered: AtomicU64,
    /// The limits.
    pub limits: Limits,
    /// Whether the server is stopping.
    pub draining: AtomicBool,
    /// What it counts.
    pub metrics: Metrics,
    /// The address it listens on, once bound.
    pub address: OnceLock<String>,
    /// When it started, for its request ids.
    boot: String,
    /// The admin routes' registry and token (absent: the routes answer 404).
    pub admin: Option<Admin>,
}

/// Every way a request is refused.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not the JSON the route takes.
    #[error("{0}")]
    BadJson(String),
    /// The body is larger than the limit.
    #[error("the body is larger than the limit of {0} bytes")]
    TooLarge(usize),
    /// The body could not be read.
    #[error("the body could not be read: {0}")]
    BadBody(String),
    /// The content type is not one the route takes.
    #[error("{0}")]
    ContentType(String),
    /// A field's value is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// No model is loaded.
    #[error(
        "no model is loaded: `ninety run evaluate` registers one, `ninety models promote ID` makes it the champion"
    )]
    NoModel,
    /// An admin route without the right token.
    #[error(
        "this route needs `Authorization: Bearer TOKEN`, with the token the server wrote to {0}"
    )]
    Unauthorized(String),
    /// The request took longer than its limit.
    #[error("the request took longer than its limit of {0} ms")]
    Timeout(u128),
    /// Something the server did not expect.
    #[error("the server failed: {0}")]
    Internal(String),
    /// The route takes another method.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// No route has this path.
    #[error(
        "no route `{0}`: the routes are /v1/predict, /v1/predict/batch, /v1/feedback, /v1/status, /healthz, /readyz, /metrics, /openapi.json, /admin/reload, /admin/promote"
    )]
    NotFound(String),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadJson(_) => (StatusCode::BAD_REQUEST, "bad-json"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too-large"),
            ApiError::BadBody(_) => (StatusCode::BAD_REQUEST, "bad-body"),
            ApiError::ContentType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "content-type"),
            ApiError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ApiError::NoModel => (StatusCode::SERVICE_UNAVAILABLE, "no-model"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Timeout(_) => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not-found"),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        (
            status,
            Json(ErrorBody {
                code: code.to_owned(),
                error: self.to_string(),
            }),
        )
            .into_response()
    }
}

impl From<RequestError> for ApiError {
    fn from(e: RequestError) -> Self {
        ApiError::Invalid(e.to_string())
    }
}

impl From<BatchError> for ApiError {
    fn from(e: BatchError) -> Self {
        match e {
            BatchError::NoModel => ApiError::NoModel,
            other => ApiError::Invalid(other.to_string()),
        }
    }
}

/// The body's bytes, or why there are none.
fn bytes_of(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, ApiError> {
    body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(limit)
        } else {
            ApiError::BadBody(r.body_text())
        }
    })
}

/// The two kinds of body `/v1/predict` takes.
enum BodyKind {
    Json,
    Raw,
}

/// The request's content type, if it is one the route takes.
fn kind_of(headers: &HeaderMap, raw_allowed: bool) -> Result<BodyKind, ApiError> {
    let expected = if raw_allowed {
        "expected `Content-Type: application/json` with {\"subject\"?, \"from\"?, \"body\"}, or `Content-Type: message/rfc822` with a whole message"
    } else {
        "expected `Content-Type: application/json`"
    };
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match given.as_deref() {
        Some(t)
            if t == "application/json"
                || (t.starts_with("application/") && t.ends_with("+json")) =>
        {
            Ok(BodyKind::Json)
        }
        Some("message/rfc822") if raw_allowed => Ok(BodyKind::Raw),
        Some(other) => Err(ApiError::ContentType(format!(
            "{expected}; the request said `{other}`"
        ))),
        None => Err(ApiError::ContentType(format!(
            "{expected}; the request gave no content type"
        ))),
    }
}

/// `bytes` as the JSON of a `T`, or a 400 that says where it went wrong.
fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8], shape: &str) -> Result<T, ApiError> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => {
            return Err(ApiError::BadJson(format!(
                "the body is empty; expected JSON {shape}"
            )));
        }
        // serde reads a struct from an array too; the contract is an object.
        Some(b'{') => {}
        Some(_) => {
            return Err(ApiError::BadJson(format!(
                "the body is not a JSON object; expected {shape}"
            )));
        }
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadJson(format!("the body is not the JSON expected ({shape}): {e}")))
}

const PREDICT_SHAPE: &str = "{\"subject\": string?, \"from\": string?, \"body\": string}";

impl AppState {
    /// A state serving `model` (or nothing yet), logging into `log`.
    pub fn new(model: Option<Served>, log: mpsc::Sender<LogLine>, limits: Limits) -> Self {
        Self {
            model: Slot::new(model),
            log,
            log_dropped: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            limits,
            draining: AtomicBool::new(false),
            metrics: Metrics::default(),
            address: OnceLock::new(),
            admin: None,
            boot: format!(
                "{:x}",
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis())
            ),
        }
    }

    /// `r<boot>-<n>`: the server's start in milliseconds (hex) and the
    /// prediction's number, so ids stay unique across restarts that share
    /// one log (feedback is joined to predictions by id).
    fn next_id(&self) -> String {
        let n = self.answered.fetch_add(1, Ordering::Relaxed) + 1;
        format!("r{}-{n:09}", self.boot)
    }

    /// Counts a prediction, keeps it in its model's drift window and
    /// sends it to the log: one look at the message serves all three.
    fn log(&self, served: &Served, p: &Prediction, started: Instant, text: &str, sketch: Vec<u32>) {
        let observed = crate::observe::observe_sketched(text, sketch);
        self.metrics.predicted(p, &observed);
        if let Some(window) = &served.drift {
            window.record(p.score, &observed.tokens);
        }
        let record = LoggedPrediction {
            request_id: p.request_id.clone(),
            time: ninety_kit::artifact::now_rfc3339(),
            model_id: p.model_id.clone(),
            score: p.score,
            probability: p.probability,
            spam: p.spam,
            latency_us: started.elapsed().as_micros() as u64,
            body_chars: observed.body_chars,
            content_type: observed.content_type,
            charset: observed.charset,
            decode_problem: observed.decode_problem,
            tokens: observed.tokens,
        };
        if self.log.try_send(LogLine::Prediction(record)).is_err() {
            self.log_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// What readiness is judged on, now.
    fn health(&self) -> (Option<String>, Vec<String>) {
        let model = self.model.load();
        let health = Health {
            model: model.as_ref().map(|m| LoadedModel {
                id: m.id.clone(),
                gate_passed: m.gate_passed,
                promoted: m.promoted,
                canary: m.canary,
            }),
            draining: self.draining.load(Ordering::Relaxed),
            log_writer_alive: !self.log.is_closed(),
        };
        (
            model.as_ref().map(|m| m.id.clone()),
            readiness(&health).iter().map(ToString::to_string).collect(),
        )
    }

    /// The server's figures now (the percentiles of the last second).
    pub fn status(&self) -> ServeStatus {
        let (model_id, reasons) = self.health();
        let (per_second, p50_us, p99_us) = *lock(&self.metrics.last);
        ServeStatus {
            address: self.address.get().cloned().unwrap_or_default(),
            model_id,
            ready: reasons.is_empty(),
            requests: self.metrics.requests.load(Ordering::Relaxed),
            predictions: self.answered.load(Ordering::Relaxed),
            errors: self.metrics.errors.load(Ordering::Relaxed),
            per_second: per_second as f64,
            p50_us,
            p99_us,
            log_dropped: self.log_dropped.load(Ordering::Relaxed),
        }
    }
}

#[utoipa::path(post, path = "/v1/predict", tag = "predict",
    request_body(description = "A message as JSON parts, or a whole raw message", content((PredictRequest = "application/json"), (String = "message/rfc822"))),
    responses((status = 200, description = "The model's prediction", body = Prediction), (status = 400, description = "The body is not the JSON the route takes", body = ErrorBody), (status = 413, description = "The body is larger than --max-body", body = ErrorBody), (status = 415, description = "A content type the route does not take", body = ErrorBody), (status = 422, description = "A field is not acceptable", body = ErrorBody), (status = 503, description = "No model is loaded", body = ErrorBody), (status = 408, description = "The request took longer than --timeout-ms", body = ErrorBody)))]
async fn predict(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Prediction>, ApiError> {
    let started = Instant::now();
    let kind = kind_of(&headers, true)?;
    let bytes = bytes_of(body, state.limits.max_body)?;
    let text = match kind {
        BodyKind::Json => {
            let request: PredictRequest = parse_json(&bytes, PREDICT_SHAPE)?;
            from_json(&request, &state.limits.fields)?
        }
        BodyKind::Raw => from_raw(&bytes)?,
    };
    let served = state.model.load().ok_or(ApiError::NoModel)?;
    let (prediction, sketch) = served.predict(state.next_id(), &text);
    state.log(&served, &prediction, started, &text, sketch);
    Ok(Json(prediction))
}

#[utoipa::path(post, path = "/v1/predict/batch", tag = "predict", request_body = BatchRequest,
    responses((status = 200, description = "One prediction per message, in order, all by one model", body = BatchResponse), (status = 400, description = "The body is not the JSON the route takes", body = ErrorBody), (status = 413, description = "The body is larger than --max-body", body = ErrorBody), (status = 415, description = "A content type the route does not take", body = ErrorBody), (status = 422, description = "A field is not acceptable", body = ErrorBody), (status = 503, description = "No model is loaded", body = ErrorBody)))]
async fn predict_batch(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<BatchResponse>, ApiError> {
    let started = Instant::now();
    kind_of(&headers, false)?;
    let bytes = bytes_of(body, state.limits.max_body)?;
    let batch: BatchRequest = parse_json(&bytes, "{\"messages\": [message, ...]}")?;
    let (served, predictions) = score_batch(
        &state.model,
        &batch.messages,
        state.limits.max_batch,
        &state.limits.fields,
        |served: &Served, text: &str| {
            let (p, sketch) = served.predict(state.next_id(), text);
            state.log(served, &p, started, text, sketch);
            p
        },
    )?;
    Ok(Json(BatchResponse {
        model_id: served.id.clone(),
        predictions,
    }))
}

#[utoipa::path(post, path = "/v1/feedback", tag = "predict", request_body = FeedbackRequest,
    responses((status = 202, description = "Appended to the feedback log"), (status = 400, description = "The body is not the JSON the route takes", body = ErrorBody), (status = 413, description = "The body is larger than --max-body", body = ErrorBody), (status = 415, description = "A content type the route does not take", body = ErrorBody), (status = 422, description = "A field is not acceptable", body = ErrorBody)))]
async fn feedback(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    kind_of(&headers, false)?;
    let bytes = bytes_of(body, state.limits.max_body)?;
    let given: FeedbackRequest = parse_json(
        &bytes,
        "{\"request_id\": string (a prediction's), \"label\": \"spam\" or \"ham\"}",
    )?;
    let known = given
        .request_id
        .strip_prefix(&format!("r{}-", state.boot))
        .filter(|n| n.len() == 9)
        .and_then(|n| n.parse::<u64>().ok())
        .is_some_and(|n| n >= 1 && n <= state.answered.load(Ordering::Relaxed));
    if !known {
        return Err(ApiError::Invalid(format!(
            "`request_id` `{}` names no prediction of this server (its ids look like r{}-000000001)",
            given.request_id, state.boot
        )));
    }
    let record = LoggedFeedback {
        request_id: given.request_id,
        label: given.label,
        time: ninety_kit::artifact::now_rfc3339(),
    };
    state
        .log
        .send(LogLine::Feedback(record))
        .await
        .map_err(|_| ApiError::Internal("the feedback log's writer stopped".to_owned()))?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "The process is alive", body = String, content_type = "text/plain")))]
async fn healthz() -> &'static str {
    "ok\n"
}

#[utoipa::path(get, path = "/readyz", tag = "operations", responses((status = 200, description = "Ready for traffic", body = Readiness), (status = 503, description = "Not ready, with the reasons", body = Readiness)))]
async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let (model_id, reasons) = state.health();
    let status = if reasons.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            ready: reasons.is_empty(),
            model_id,
            reasons,
        }),
    )
        .into_response()
}

#[utoipa::path(get, path = "/v1/status", tag = "operations", responses((status = 200, description = "Requests, latency percentiles of the last second, errors, the model", body = ServeStatus)))]
async fn status(State(state): State<Arc<AppState>>) -> Json<ServeStatus> {
    Json(state.status())
}

#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text exposition format 0.0.4", body = String, content_type = "text/plain")))]
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let (model_id, reasons) = state.health();
    let served = state.model.load();
    let text = state.metrics.exposition(
        model_id.as_deref(),
        reasons.is_empty(),
        state.log_dropped.load(Ordering::Relaxed),
        served.as_ref().and_then(|s| s.drift.as_ref()),
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

#[utoipa::path(get, path = "/openapi.json", tag = "operations", responses((status = 200, description = "This document", body = Object)))]
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi::document())
}

/// The admin state, when the bearer token is right.
fn authorised<'a>(state: &'a AppState, headers: &HeaderMap) -> Result<&'a Admin, ApiError> {
    let admin = state
        .admin
        .as_ref()
        .ok_or_else(|| ApiError::NotFound("/admin".to_owned()))?;
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compared in time independent of where they differ.
    let same = given.len() == admin.token.len()
        && given
            .bytes()
            .zip(admin.token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(admin)
    } else {
        Err(ApiError::Unauthorized(
            token_path_of(&admin.registry).display().to_string(),
        ))
    }
}

/// Loads `model` and puts it in the slot, answering what changed.
fn swap_in(state: &AppState, model: &Registered, champion: bool) -> Result<Swapped, ApiError> {
    let served = load_served(model, champion).map_err(|e| ApiError::Internal(format!("{e:#}")))?;
    let id = served.id.clone();
    let previous = state.model.replace(served).map(|m| m.id.clone());
    Ok(Swapped {
        previous,
        model_id: id,
    })
}

#[utoipa::path(post, path = "/admin/reload", tag = "admin", security(("token" = [])),
    responses((status = 200, description = "The champion loaded and swapped in", body = Swapped), (status = 401, description = "No token, or the wrong one", body = ErrorBody), (status = 422, description = "There is no champion", body = ErrorBody)))]
async fn admin_reload(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Swapped>, ApiError> {
    let admin = authorised(&state, &headers)?;
    let registry = &admin.registry;
    let id = registry
        .champion()
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .ok_or_else(|| {
            ApiError::Invalid(
                "there is no champion to reload: `ninety models promote ID` names one".to_owned(),
            )
        })?;
    let model = registry
        .find(&id)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(swap_in(&state, &model, true)?))
}

#[utoipa::path(post, path = "/admin/promote", tag = "admin", security(("token" = [])), request_body = PromoteRequest,
    responses((status = 200, description = "The model promoted in the registry and swapped in", body = Swapped), (status = 401, description = "No token, or the wrong one", body = ErrorBody), (status = 422, description = "No registered model has that id", body = ErrorBody)))]
async fn admin_promote(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Swapped>, ApiError> {
    let admin = authorised(&state, &headers)?;
    kind_of(&headers, false)?;
    let bytes = bytes_of(body, state.limits.max_body)?;
    let given: PromoteRequest = parse_json(&bytes, "{\"model_id\": string}")?;
    let model = admin
        .registry
        .find(&given.model_id)
        .map_err(|e| ApiError::Invalid(e.to_string()))?;
    admin
        .registry
        .promote(&model.id)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(swap_in(&state, &model, true)?))
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    let path = uri.path();
    let allowed: Vec<String> = ROUTES
        .iter()
        .filter(|(_, p)| *p == path)
        .map(|(m, _)| m.to_uppercase())
        .collect();
    ApiError::MethodNotAllowed(format!(
        "`{method} {path}`: this route takes {}",
        allowed.join(", ")
    ))
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(uri.path().to_owned())
}

/// Counts and times every request, by the route that answered it.
async fn track(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    state
        .metrics
        .record(&route, response.status(), started.elapsed());
    response
}

/// The routes, with their methods: what `/openapi.json` documents, and a
/// test holds the router to.
pub const ROUTES: [(&str, &str); 11] = [
    ("post", "/v1/predict"),
    ("post", "/v1/predict/batch"),
    ("post", "/v1/feedback"),
    ("get", "/v1/status"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
    ("post", "/admin/reload"),
    ("post", "/admin/promote"),
    ("get", "/"),
];

#[utoipa::path(get, path = "/", tag = "operations", responses((status = 200, description = "The service's name and its routes", body = Object)))]
async fn index() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "service": "ninety spam filter",
        "routes": ROUTES.iter().map(|(m, p)| format!("{} {p}", m.to_uppercase())).collect::<Vec<_>>(),
        "openapi": "/openapi.json",
    }))
}

/// The service, with its limits: body size (413), time (408) and
/// requests at once (the rest wait their turn).
pub fn router(state: Arc<AppState>) -> Router {
    let limits = state.limits;
    let timeout_ms = limits.timeout.as_millis();
    Router::new()
        .route("/", get(index))
        .route("/v1/predict", post(predict))
        .route("/v1/predict/batch", post(predict_batch))
        .route("/v1/feedback", post(feedback))
        .route("/v1/status", get(status))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/admin/reload", post(admin_reload))
        .route("/admin/promote", post(admin_promote))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limits.max_body))
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(
                    move |e: tower::BoxError| async move {
                        if e.is::<tower::timeout::error::Elapsed>() {
                            ApiError::Timeout(timeout_ms)
                        } else {
                            ApiError::Internal(e.to_string())
                        }
                    },
                ))
                .timeout(limits.timeout)
                .concurrency_limit(limits.concurrency),
        )
        .layer(axum::middleware::from_fn_with_state(state.clone(), track))
        .with_state(state)
}

/// Where the admin token is written.
fn token_path_of(registry: &Registry) -> std::path::PathBuf {
    registry
        .dir()
        .parent()
        .unwrap_or(registry.dir())
        .join("serve")
        .join("admin-token")
}

/// Writes a fresh random admin token to `path`, readable by its owner only.
fn write_token(path: &std::path::Path) -> Result<String> {
    let mut bytes = [0u8; 24];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .context("reading /dev/urandom for the admin token")?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("writing the admin token to `{}`", path.display()))?;
    file.write_all(token.as_bytes())?;
    Ok(token)
}

/// Where the prediction log lives.
pub fn log_path(home: &ninety_kit::DataHome) -> std::path::PathBuf {
    home.root().join("serve").join("predictions.jsonl")
}

/// Where the feedback log lives.
pub fn feedback_path(home: &ninety_kit::DataHome) -> std::path::PathBuf {
    home.root().join("serve").join("feedback.jsonl")
}

/// The model `args` asks for: the one named (`latest`: the newest), else
/// the champion, else the newest registered (said, since it was never
/// promoted); none when the registry is empty. With it, whether it is the
/// champion.
fn choose_model<W: Write>(
    registry: &Registry,
    args: &ServeArgs,
    out: &mut Emitter<W>,
) -> Result<Option<(Registered, bool)>> {
    let champion = registry.champion()?;
    let is_champion = |m: &Registered| champion.as_deref() == Some(m.id.as_str());
    if let Some(id) = &args.model {
        let model = if id == "latest" {
            registry.list()?.into_iter().next().ok_or_else(|| {
                anyhow::anyhow!("`--model latest`: the registry is empty; `ninety run evaluate` registers a model")
            })?
        } else {
            registry.find(id)?
        };
        let promoted = is_champion(&model);
        return Ok(Some((model, promoted)));
    }
    if let Some(id) = &champion {
        return Ok(Some((registry.find(id)?, true)));
    }
    let newest = registry.list()?.into_iter().next();
    match &newest {
        Some(m) => out.log(format!(
            "warning: no champion yet, serving the newest registered model {} (never promoted: `ninety models promote {}` makes it the champion)",
            m.id, m.id
        )),
        None => out.log(
            "warning: the registry is empty: serving no model (/readyz says 503 until one is registered and the server reloads or restarts)",
        ),
    }
    Ok(newest.map(|m| (m, false)))
}

/// Loads a registered model for serving, and scores its canary: the raw
/// message the evaluation kept, through the deploy lab's `from_raw`,
/// against the score it recorded for training's text.
pub fn load_served(model: &Registered, promoted: bool) -> Result<Served> {
    let forward = crate::model::load(&model.dir)?.into_forward();
    let canary = match &model.info.canary {
        None => Canary::Missing,
        Some(info) => {
            let path = model.dir.join(CANARY_FILE);
            let raw = std::fs::read(&path)
                .with_context(|| format!("reading the canary `{}`", path.display()))?;
            let served = match from_raw(&raw) {
                Ok(text) => forward.score_one(&text),
                Err(_) => f64::NAN,
            };
            if served == info.score {
                Canary::Matched
            } else {
                Canary::Differs {
                    served,
                    offline: info.score,
                }
            }
        }
    };
    let drift = traffic::Reference::load(&model.dir)?
        .map(|reference| traffic::Window::new(reference, traffic::WINDOW));
    Ok(Served {
        id: model.id.clone(),
        forward,
        threshold: model.info.threshold.unwrap_or(0.5),
        platt: model.info.platt,
        gate_passed: model.info.ready,
        promoted,
        canary,
        drift,
    })
}

/// Runs the stage: serves until interrupted (Ctrl-C, SIGTERM), then
/// finishes the requests in flight, flushes the logs and reports.
pub fn run<W: Write>(ctx: &Context, args: &ServeArgs, out: &mut Emitter<W>) -> Result<Summary> {
    let registry = Registry::new(&ctx.home);
    let chosen = choose_model(&registry, args, out)?;
    let served = chosen
        .as_ref()
        .map(|(m, promoted)| load_served(m, *promoted))
        .transpose()?;
    if let (Some((m, _)), Some(s)) = (&chosen, &served) {
        out.log(format!(
            "serving model {} ({} model, run {}), threshold {:.4}",
            s.id, m.info.model, m.info.run_id, s.threshold
        ));
        if let Canary::Differs { served, offline } = s.canary {
            out.log(format!(
                "warning: the canary ({}) scores {served} here but scored {offline} offline: the deploy lab's request code does not make training's text; /readyz says not ready",
                m.info.canary.as_ref().map_or("", |c| c.path.as_str())
            ));
        }
    }
    let path = log_path(&ctx.home);
    let serve_dir = path.parent().expect("the log has a folder");
    std::fs::create_dir_all(serve_dir)
        .with_context(|| format!("creating `{}`", serve_dir.display()))?;
    let token_path = token_path_of(&registry);
    let token = write_token(&token_path)?;
    raise_open_files_limit(out);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(async {
        let address = std::net::SocketAddr::new(args.host, args.port);
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("listening on {address} (is another server on that port? --port chooses another, 0 any free one)"))?;
        let bound = listener.local_addr()?;
        let (tx, rx) = mpsc::channel(8192);
        let writer = tokio::spawn(write_logs(path.clone(), feedback_path(&ctx.home), rx));
        let mut state = AppState::new(served, tx, Limits::of(args));
        state.admin = Some(Admin { registry, token });
        let state = Arc::new(state);
        let _ = state.address.set(format!("http://{bound}"));
        out.log(format!(
            "listening on http://{bound} (prediction log: {}; admin token: {})",
            path.display(),
            token_path.display()
        ));
        let stopping = state.clone();
        let server = axum::serve(listener, router(state.clone()))
            .with_graceful_shutdown(async move {
                stop_signal().await;
                stopping.draining.store(true, Ordering::Relaxed);
            });
        let mut server = std::pin::pin!(server.into_future());
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                done = &mut server => { done.context("serving")?; break; }
                _ = tick.tick() => {
                    state.metrics.tick();
                    out.emit(&Event::Serving { status: state.status() });
                }
            }
        }
        out.log("stopped: requests in flight were finished");
        let summary = ServeSummary {
            address: format!("http://{bound}"),
            model_id: state.model.load().map(|m| m.id.clone()),
            predictions: state.answered.load(Ordering::Relaxed),
            log_dropped: state.log_dropped.load(Ordering::Relaxed),
            seconds: ctx.seconds(),
        };
        drop(state);
        writer.await.context("the logs' writer")??;
        let _ = std::fs::remove_file(&token_path);
        Ok(Summary::Serve(summary))
    })
}

/// Each connection is an open file: a soft limit of 1,024 (common) would
/// refuse the 1,025th client. Raise it to the hard limit, as servers do.
fn raise_open_files_limit<W: Write>(out: &mut Emitter<W>) {
    #[cfg(unix)]
    {
        use nix::sys::resource::{Resource, getrlimit, setrlimit};
        if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE)
            && soft < hard
            && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_err()
        {
            out.log(format!(
                "warning: open files are limited to {soft}: the server cannot hold more connections than that"
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = out;
}

/// Ctrl-C, or SIGTERM (what a supervisor, or the workbench, sends).
pub(crate) async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// Opens a log for appending.
fn append(path: &std::path::Path) -> Result<std::io::BufWriter<std::fs::File>> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening the log `{}`", path.display()))?;
    Ok(std::io::BufWriter::new(file))
}

/// Appends each line to its log, flushing when the channel runs dry,
/// until every sender is gone.
async fn write_logs(
    predictions: std::path::PathBuf,
    feedback: std::path::PathBuf,
    mut rx: mpsc::Receiver<LogLine>,
) -> Result<()> {
    let mut p = append(&predictions)?;
    let mut f = append(&feedback)?;
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(line) = next {
            match line {
                LogLine::Prediction(r) => {
                    serde_json::to_writer(&mut p, &r)?;
                    p.write_all(b"\n")?;
                }
                LogLine::Feedback(r) => {
                    serde_json::to_writer(&mut f, &r)?;
                    f.write_all(b"\n")?;
                }
            }
            next = rx.try_recv().ok();
        }
        p.flush()
            .with_context(|| format!("writing `{}`", predictions.display()))?;
        f.flush()
            .with_context(|| format!("writing `{}`", feedback.display()))?;
    }
    p.flush()?;
    f.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use lab_train::config::{ModelConfig, TrainConfig};
    use lab_train::model::FastTextConfig;
    use ninety_kit::records::gather::model_text;
    use tower::ServiceExt as _;

    fn served(id: &str) -> Served {
        let dir = tempfile::tempdir().unwrap();
        crate::model::tests::saved(
            ModelConfig::FastText(FastTextConfig::new().with_buckets(4096).with_dim(8)),
            dir.path(),
        );
        let _ = TrainConfig::new();
        Served {
            id: id.to_owned(),
            forward: crate::model::load(dir.path()).unwrap().into_forward(),
            threshold: 0.5,
            platt: None,
            gate_passed: true,
            promoted: true,
            canary: Canary::Missing,
            drift: None,
        }
    }

    fn app(model: Option<Served>) -> (Router, mpsc::Receiver<LogLine>) {
        let (tx, rx) = mpsc::channel(64);
        let state = Arc::new(AppState::new(model, tx, Limits::default()));
        (router(state), rx)
    }

    async fn call(app: &Router, req: Request<Body>) -> (StatusCode, serde_json::Value) {
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, value)
    }

    fn json(path: &str, body: impl Into<Body>) -> Request<Body> {
        Request::post(path)
            .header("content-type", "application/json")
            .body(body.into())
            .unwrap()
    }

    #[tokio::test]
    async fn a_message_is_scored_logged_and_answered_with_the_offline_score() {
        let model = served("m1");
        let offline = model.forward.score_one(&model_text(
            Some("hello"),
            None,
            "text/plain",
            Some("utf-8"),
            Some("free money now"),
        ));
        let (app, mut log) = app(Some(model));
        let (status, body) = call(
            &app,
            json(
                "/v1/predict",
                r#"{"subject": "hello", "body": "free money now"}"#,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["model_id"], "m1");
        assert_eq!(
            body["score"].as_f64().unwrap(),
            offline,
            "no training/serving skew"
        );
        let Some(LogLine::Prediction(logged)) = log.recv().await else {
            panic!("a prediction is logged")
        };
        assert_eq!(logged.request_id, body["request_id"].as_str().unwrap());
        assert_eq!(
            (
                logged.body_chars,
                logged.content_type.as_str(),
                logged.charset.as_deref()
            ),
            (14, "text/plain", Some("utf-8"))
        );
        assert_eq!(logged.probability, body["probability"].as_f64().unwrap());
    }

    #[tokio::test]
    async fn bad_requests_get_a_4xx_with_a_json_body_that_says_why() {
        let (app, _log) = app(Some(served("m1")));
        let cases: Vec<(&str, Request<Body>, StatusCode, &str)> = vec![
            (
                "malformed JSON",
                json("/v1/predict", "{\"body\": "),
                StatusCode::BAD_REQUEST,
                "bad-json",
            ),
            (
                "an empty body",
                json("/v1/predict", ""),
                StatusCode::BAD_REQUEST,
                "bad-json",
            ),
            (
                "an unknown field",
                json("/v1/predict", r#"{"bdy": "x"}"#),
                StatusCode::BAD_REQUEST,
                "bad-json",
            ),
            (
                "a wrong type",
                json("/v1/predict", r#"{"body": 3}"#),
                StatusCode::BAD_REQUEST,
                "bad-json",
            ),
            (
                "deeply nested JSON",
                json(
                    "/v1/predict",
                    format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
                ),
                StatusCode::BAD_REQUEST,
                "bad-json",
            ),
            (
                "invalid UTF-8",
                json("/v1/predict", vec![b'{', b'"', b'b', 0xff, b'"', b'}']),
                StatusCode::BAD_REQUEST,
                "bad-json",
            ),
            (
                "an array for an object",
                json("/v1/predict", r#"["hi", null, "free money"]"#),
                StatusCode::BAD_REQUEST,
                "bad-json",
            ),
            (
                "the wrong method",
                Request::get("/v1/predict").body(Body::empty()).unwrap(),
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
            ),
            (
                "the wrong content type",
                Request::post("/v1/predict")
                    .header("content-type", "text/csv")
                    .body(Body::from("a,b"))
                    .unwrap(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "content-type",
            ),
            (
                "10 MB",
                json(
                    "/v1/predict",
                    format!("{{\"body\": \"{}\"}}", "a".repeat(10 << 20)),
                ),
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
            ),
            (
                "nothing to score",
                json("/v1/predict", r#"{"body": "  "}"#),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
            ),
            (
                "an empty batch",
                json("/v1/predict/batch", r#"{"messages": []}"#),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
            ),
        ];
        for (what, req, status, code) in cases {
            let (got, body) = call(&app, req).await;
            assert_eq!(got, status, "{what}: {body}");
            assert_eq!(body["code"], code, "{what}: {body}");
            assert!(
                body["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{what}: {body}"
            );
        }
    }

    #[tokio::test]
    async fn without_a_model_it_is_alive_but_not_ready() {
        let (app, _log) = app(None);
        let res = app
            .clone()
            .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let (status, body) = call(&app, Request::get("/readyz").body(Body::empty()).unwrap()).await;
        assert_eq!(
            (status, &body["ready"]),
            (StatusCode::SERVICE_UNAVAILABLE, &serde_json::json!(false))
        );
        let (status, _) = call(&app, json("/v1/predict", r#"{"body": "hi"}"#)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    }

    #[tokio::test]
    async fn a_batch_keeps_its_order_and_names_the_message_that_is_wrong() {
        let (app, _log) = app(Some(served("m1")));
        let (status, body) = call(
            &app,
            json(
                "/v1/predict/batch",
                r#"{"messages": [{"body": "one"}, {"body": "two two"}, {"body": "three"}]}"#,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let predictions = body["predictions"].as_array().unwrap();
        assert_eq!(predictions.len(), 3);
        let (_, single) = call(&app, json("/v1/predict", r#"{"body": "two two"}"#)).await;
        assert_eq!(
            predictions[1]["score"], single["score"],
            "the batch scores as one at a time"
        );
        let (status, body) = call(
            &app,
            json(
                "/v1/predict/batch",
                r#"{"messages": [{"body": "one"}, {"body": ""}]}"#,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body["error"].as_str().unwrap().starts_with("messages[1]:"),
            "{body}"
        );
    }

    #[tokio::test]
    async fn a_swap_under_requests_drops_none_and_each_is_answered_by_one_model() {
        let (tx, _rx) = mpsc::channel(1);
        let state = Arc::new(AppState::new(Some(served("a")), tx, Limits::default()));
        let app = router(state.clone());
        let mut b = Some(served("b"));
        let mut tasks = Vec::new();
        for i in 0..200 {
            let app = app.clone();
            tasks.push(tokio::spawn(async move {
                let res = app
                    .oneshot(json(
                        "/v1/predict",
                        format!("{{\"body\": \"message {i}\"}}"),
                    ))
                    .await
                    .unwrap();
                let status = res.status();
                let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                    .await
                    .unwrap();
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                (status, v["model_id"].as_str().unwrap_or("").to_owned())
            }));
            if i == 100 {
                state.model.replace(b.take().unwrap());
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for t in tasks {
            let (status, id) = t.await.unwrap();
            assert_eq!(status, StatusCode::OK);
            assert!(id == "a" || id == "b", "{id}");
            seen.insert(id);
        }
        assert!(seen.contains("b"), "the swap took effect");
        assert!(
            state.log_dropped.load(Ordering::Relaxed) > 0,
            "a full log channel is counted, not waited on"
        );
    }

    fn get(path: &str) -> Request<Body> {
        Request::get(path).body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn a_raw_message_is_read_as_training_read_it() {
        let model = served("m1");
        let raw = "From: Ann <ann@x.org>\r\nSubject: Cheap meds\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<p>Buy <b>now</b>!</p>\r\n";
        let offline = model.forward.score_one(&from_raw(raw.as_bytes()).unwrap());
        let (app, mut log) = app(Some(model));
        let req = Request::post("/v1/predict")
            .header("content-type", "message/rfc822")
            .body(Body::from(raw))
            .unwrap();
        let (status, body) = call(&app, req).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["score"].as_f64().unwrap(), offline);
        let Some(LogLine::Prediction(logged)) = log.recv().await else {
            panic!("a prediction is logged")
        };
        assert_eq!(
            (logged.content_type.as_str(), logged.charset.as_deref()),
            ("text/html", Some("iso-8859-1")),
            "the log keeps the format the model read"
        );
        let req = Request::post("/v1/predict")
            .header("content-type", "message/rfc822")
            .body(Body::from("   \n"))
            .unwrap();
        let (status, body) = call(&app, req).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("not a mail message")
        );
    }

    #[tokio::test]
    async fn metrics_count_requests_by_route_and_status_with_a_latency_histogram() {
        let (app, _log) = app(Some(served("m1")));
        for _ in 0..3 {
            call(&app, json("/v1/predict", r#"{"body": "hello"}"#)).await;
        }
        call(&app, json("/v1/predict", "{")).await;
        call(&app, get("/nowhere")).await;
        let res = app.clone().oneshot(get("/metrics")).await.unwrap();
        assert_eq!(
            res.headers()["content-type"],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        for line in [
            "ninety_http_requests_total{route=\"/v1/predict\",status=\"200\"} 3",
            "ninety_http_requests_total{route=\"/v1/predict\",status=\"400\"} 1",
            "ninety_http_requests_total{route=\"unmatched\",status=\"404\"} 1",
            "ninety_http_request_duration_seconds_bucket{route=\"/v1/predict\",le=\"+Inf\"} 4",
            "ninety_http_request_duration_seconds_count{route=\"/v1/predict\"} 4",
            "ninety_model_info{model_id=\"m1\"} 1",
            "ninety_ready 1",
        ] {
            assert!(text.lines().any(|l| l == line), "no `{line}` in:\n{text}");
        }
        let spam: u64 = text
            .lines()
            .filter_map(|l| l.strip_prefix("ninety_predictions_total{decision=\""))
            .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
            .sum();
        assert_eq!(spam, 3, "every prediction counted once, by decision");
        // The scores and the inputs' health, one count per prediction (a
        // JSON request's text is UTF-8 plain text).
        for line in [
            "# TYPE ninety_prediction_score histogram",
            "ninety_prediction_score_bucket{le=\"+Inf\"} 3",
            "ninety_prediction_score_count 3",
            "ninety_input_body_chars_bucket{le=\"0\"} 0",
            "ninety_input_body_chars_bucket{le=\"100\"} 3",
            "ninety_input_body_chars_sum 15",
            "ninety_input_empty_bodies_total 0",
            "ninety_input_html_total 0",
            "ninety_input_decode_problems_total 0",
            "ninety_input_charset_total{charset=\"utf-8\"} 3",
            "ninety_input_charset_total{charset=\"other\"} 0",
        ] {
            assert!(text.lines().any(|l| l == line), "no `{line}` in:\n{text}");
        }
        let score_sum: f64 = sample(&text, "ninety_prediction_score_sum");
        assert!(score_sum > 0.0 && score_sum < 3.0, "{score_sum}");
        assert!(
            !text.contains("ninety_drift_"),
            "a model without a reference has no drift gauges, not zeros:\n{text}"
        );
    }

    /// The value of the sample `name` (with its labels) in `text`.
    fn sample(text: &str, name: &str) -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no `{name}` in:\n{text}"))
            .parse()
            .unwrap()
    }

    async fn metrics_text(app: &Router) -> String {
        let res = app.clone().oneshot(get("/metrics")).await.unwrap();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    /// Messages, and a model whose reference is those messages as the
    /// evaluation would have saved them.
    fn with_reference(id: &str, bodies: &[String]) -> Served {
        let mut model = served(id);
        let records: Vec<LoggedPrediction> = bodies
            .iter()
            .map(|b| {
                let text = from_json(
                    &PredictRequest {
                        subject: None,
                        from: None,
                        body: b.clone(),
                    },
                    &Limits::default().fields,
                )
                .unwrap();
                let score = model.forward.score_one(&text);
                let o = crate::observe::observe(&text);
                LoggedPrediction {
                    request_id: b.clone(),
                    time: String::new(),
                    model_id: String::new(),
                    score,
                    probability: score,
                    spam: score >= 0.5,
                    latency_us: 0,
                    body_chars: o.body_chars,
                    content_type: o.content_type,
                    charset: o.charset,
                    decode_problem: o.decode_problem,
                    tokens: o.tokens,
                }
            })
            .collect();
        model.drift = Some(traffic::Window::new(
            traffic::Reference::of(&records),
            traffic::WINDOW,
        ));
        model
    }

    fn bodies(n: usize, topic: &str) -> Vec<String> {
        (0..n)
            .map(|i| format!("{topic} number {i}: {}", "word ".repeat(i % 9)))
            .collect()
    }

    #[tokio::test]
    async fn drift_gauges_compare_the_window_with_the_model_s_reference_and_restart_on_a_swap() {
        let normal = bodies(60, "meeting notes");
        let (tx, _rx) = mpsc::channel(1024);
        let state = Arc::new(AppState::new(
            Some(with_reference("m1", &normal)),
            tx,
            Limits::default(),
        ));
        let app = router(state.clone());
        let text = metrics_text(&app).await;
        assert_eq!(sample(&text, "ninety_drift_window_predictions"), 0.0);
        assert_eq!(sample(&text, "ninety_drift_reference_predictions"), 60.0);
        assert!(
            !text.contains("ninety_drift_score_psi"),
            "no statistics of an empty window:\n{text}"
        );
        // The reference's own traffic: no drift at all.
        for body in &normal {
            let (status, _) = call(
                &app,
                json(
                    "/v1/predict",
                    serde_json::json!({ "body": body }).to_string(),
                ),
            )
            .await;
            assert_eq!(status, StatusCode::OK);
        }
        let text = metrics_text(&app).await;
        assert_eq!(sample(&text, "ninety_drift_window_predictions"), 60.0);
        for name in [
            "ninety_drift_score_psi",
            "ninety_drift_score_ks",
            "ninety_drift_tokens_js",
        ] {
            assert!(sample(&text, name).abs() < 1e-9, "{name} in:\n{text}");
        }
        let baseline = sample(&text, "ninety_input_reference_oov_ratio");
        assert!(
            sample(&text, "ninety_input_oov_ratio") <= baseline,
            "the reference's held-out half, diluted by its vocabulary's half:\n{text}"
        );
        // Other words: tokens the reference never held.
        for body in bodies(60, "cheap pills online casino") {
            call(
                &app,
                json(
                    "/v1/predict",
                    serde_json::json!({ "body": body }).to_string(),
                ),
            )
            .await;
        }
        let text = metrics_text(&app).await;
        assert_eq!(sample(&text, "ninety_drift_window_predictions"), 120.0);
        assert!(sample(&text, "ninety_drift_tokens_js") > 0.05, "{text}");
        assert!(
            sample(&text, "ninety_input_oov_ratio") > baseline + 0.1,
            "{text}"
        );
        // A swap starts a new window, against the new model's reference.
        state.model.replace(with_reference("m2", &normal[..30]));
        let text = metrics_text(&app).await;
        assert_eq!(sample(&text, "ninety_drift_window_predictions"), 0.0);
        assert_eq!(sample(&text, "ninety_drift_reference_predictions"), 30.0);
        assert_eq!(
            sample(&text, "ninety_prediction_score_count"),
            120.0,
            "the counters go on across a swap"
        );
    }

    #[tokio::test]
    async fn the_metrics_pass_promtool_s_lint() {
        let (tx, _rx) = mpsc::channel(1024);
        let state = Arc::new(AppState::new(
            Some(with_reference("m1", &bodies(40, "status report"))),
            tx,
            Limits::default(),
        ));
        let app = router(state);
        for body in bodies(20, "status report") {
            call(
                &app,
                json(
                    "/v1/predict",
                    serde_json::json!({ "body": body }).to_string(),
                ),
            )
            .await;
        }
        let raw: &[u8] =
            b"Subject: hi\r\nContent-Type: text/html; charset=KOI8-R\r\n\r\n<p>b\xff\xfedy</p>\r\n";
        let req = Request::post("/v1/predict")
            .header("content-type", "message/rfc822")
            .body(Body::from(raw))
            .unwrap();
        assert_eq!(call(&app, req).await.0, StatusCode::OK);
        call(
            &app,
            json("/v1/predict", r#"{"subject": "no body", "body": ""}"#),
        )
        .await;
        call(&app, get("/nowhere")).await;
        let text = metrics_text(&app).await;
        for line in [
            "ninety_input_html_total 1",
            "ninety_input_charset_total{charset=\"koi8-r\"} 1",
            "ninety_input_empty_bodies_total 1",
        ] {
            assert!(text.lines().any(|l| l == line), "no `{line}` in:\n{text}");
        }
        assert!(text.contains("ninety_drift_score_psi "), "{text}");
        let child = std::process::Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                println!(
                    "note: promtool is not on PATH: the lint of /metrics is skipped (apt-get install prometheus)"
                );
                return;
            }
            Err(e) => panic!("starting promtool: {e}"),
        };
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
            "promtool check metrics: {}{}\n{text}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[tokio::test]
    async fn the_contract_lists_every_route_and_every_route_answers() {
        let (app, _log) = app(Some(served("m1")));
        let (status, doc) = call(&app, get("/openapi.json")).await;
        assert_eq!(status, StatusCode::OK);
        let mut documented: Vec<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(move |method| (method.clone(), path.clone()))
            })
            .collect();
        documented.sort();
        let mut routes: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        routes.sort();
        assert_eq!(documented, routes, "the contract and the route list differ");
        for (method, path) in &routes {
            let req = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(path.as_str())
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let res = app.clone().oneshot(req).await.unwrap();
            let status = res.status();
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            let body = String::from_utf8_lossy(&bytes);
            // Without admin state the admin routes are 404s that say so;
            // every other route is routed (not a 404 or 405).
            if path.starts_with("/admin") {
                assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
            } else {
                assert!(
                    status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is documented but not routed: {status} {body}"
                );
            }
        }
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert!(
            schemas["PredictRequest"]["required"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("body")),
            "{}",
            schemas["PredictRequest"]
        );
    }

    #[tokio::test]
    async fn admin_routes_need_the_token_and_feedback_needs_a_known_request() {
        let home = tempfile::tempdir().unwrap();
        let data = ninety_kit::DataHome::at(home.path());
        let (tx, mut rx) = mpsc::channel(64);
        let mut state = AppState::new(Some(served("m1")), tx, Limits::default());
        state.admin = Some(Admin {
            registry: Registry::new(&data),
            token: "s3cret".to_owned(),
        });
        let boot = state.boot.clone();
        let app = router(Arc::new(state));
        let reload = |token: &str| {
            Request::post("/admin/reload")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap()
        };
        let (status, body) = call(&app, reload("wrong")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert!(
            body["error"].as_str().unwrap().contains("admin-token"),
            "{body}"
        );
        let (status, body) = call(&app, reload("s3cret")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["error"].as_str().unwrap().contains("no champion"),
            "{body}"
        );

        let first = format!("r{boot}-000000001");
        let feedback = |id: &str, label: &str| {
            json(
                "/v1/feedback",
                format!(r#"{{"request_id": "{id}", "label": "{label}"}}"#),
            )
        };
        let (status, body) = call(&app, feedback(&first, "spam")).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "before any prediction: {body}"
        );
        let (_, answer) = call(&app, json("/v1/predict", r#"{"body": "hello"}"#)).await;
        assert_eq!(answer["request_id"], first.as_str());
        // Another server's id (an earlier start sharing the log) is not this one's.
        let (status, _) = call(&app, feedback("r1-000000001", "spam")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = call(&app, feedback(&first, "spam")).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let (status, body) = call(&app, feedback(&first, "maybe")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let mut lines = Vec::new();
        while let Ok(line) = rx.try_recv() {
            lines.push(line);
        }
        assert!(
            matches!(lines.as_slice(), [LogLine::Prediction(_), LogLine::Feedback(f)] if f.label == ninety_kit::Label::Spam),
            "{lines:?}"
        );
    }

    #[tokio::test]
    async fn readiness_gives_its_reasons() {
        let (empty, _log) = app(None);
        let (status, body) = call(&empty, get("/readyz")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["ready"], false);
        assert!(
            body["reasons"][0].as_str().unwrap().contains("no model"),
            "{body}"
        );
        let mut model = served("m1");
        model.canary = Canary::Differs {
            served: 0.5,
            offline: 0.25,
        };
        let (app, _log) = app(Some(model));
        let (status, body) = call(&app, get("/readyz")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(
            body["reasons"][0].as_str().unwrap().contains("canary"),
            "{body}"
        );
        let (status, body) = call(&app, get("/v1/status")).await;
        assert_eq!(
            (status, &body["ready"]),
            (StatusCode::OK, &serde_json::json!(false))
        );
    }
}
