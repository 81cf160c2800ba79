//! The serve stage's HTTP service: the registry's model behind a small,
//! strict API.
//!
//! `router(state)` is the whole service, so tests drive it without a
//! socket (`tower::ServiceExt::oneshot`) and the stage binds it to one.
//! Every refusal is an [`ApiError`]: a 4xx or 5xx with a JSON body that
//! says what was wrong. The model sits behind an `ArcSwap`: a reload or a
//! promotion swaps the pointer, and a request in flight finishes on the
//! model it started with. Every prediction goes to the prediction log
//! through a bounded channel; a full channel is counted, never waited on.
//!
//! Work in progress (issue 15): the raw `message/rfc822` body, `/metrics`,
//! `/openapi.json`, the admin routes, `ninety serve` with its live status
//! line and `ninety load` come next, and the request-to-text step moves
//! into the deploy lab.

use crate::Context;
use crate::model::Forward;
use anyhow::{Context as _, Result};
use arc_swap::ArcSwap;
use axum::Json;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ninety_kit::command::ServeArgs;
use ninety_kit::events::Emitter;
use ninety_kit::records::Summary;
use ninety_kit::records::gather::model_text;
use ninety_kit::records::serve::ServeSummary;
use ninety_kit::records::serve::{
    BatchRequest, BatchResponse, ErrorBody, LoggedPrediction, PredictRequest, Prediction,
};
use ninety_kit::registry::{Registered, Registry};
use std::future::IntoFuture as _;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use std::time::Instant;
use tokio::sync::mpsc;

/// The model being served: its id, its forward pass, its threshold and
/// calibration.
pub struct Served {
    /// The registry id.
    pub id: String,
    /// The forward pass.
    pub forward: Forward,
    /// Flag at a score at least this.
    pub threshold: f64,
    /// Platt's slope and shift, when the evaluation fitted them.
    pub platt: Option<(f64, f64)>,
}

impl Served {
    fn predict(&self, request_id: String, text: &str) -> Prediction {
        let score = self.forward.score_one(text);
        let probability = match self.platt {
            Some((a, b)) => {
                let s = score.clamp(1e-6, 1.0 - 1e-6);
                1.0 / (1.0 + (-(a * (s / (1.0 - s)).ln() + b)).exp())
            }
            None => score,
        };
        Prediction {
            request_id,
            model_id: self.id.clone(),
            score,
            probability,
            spam: score >= self.threshold,
            threshold: self.threshold,
        }
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
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body: 1 << 20,
            max_batch: 256,
            timeout: Duration::from_secs(2),
            concurrency: 512,
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
        }
    }
}

/// What every handler shares.
pub struct AppState {
    /// The model, swapped whole.
    pub model: ArcSwap<Option<Served>>,
    /// The prediction log's channel.
    pub log: mpsc::Sender<LoggedPrediction>,
    /// Predictions the log's channel had no room for.
    pub log_dropped: AtomicU64,
    /// Requests answered, for ids.
    pub answered: AtomicU64,
    /// The limits.
    pub limits: Limits,
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
    /// The request took longer than its limit.
    #[error("the request took longer than its limit of {0} ms")]
    Timeout(u128),
    /// Something the server did not expect.
    #[error("the server failed: {0}")]
    Internal(String),
    /// No route has this path.
    #[error("no route `{0}`: the routes are /v1/predict, /v1/predict/batch, /healthz, /readyz")]
    NotFound(String),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadJson(_) => (StatusCode::BAD_REQUEST, "bad-json"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too-large"),
            ApiError::ContentType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "content-type"),
            ApiError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ApiError::NoModel => (StatusCode::SERVICE_UNAVAILABLE, "no-model"),
            ApiError::Timeout(_) => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not-found"),
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

impl ApiError {
    fn from_json(rejection: JsonRejection, limit: usize) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::ContentType(
                "expected `Content-Type: application/json` with a body {\"subject\", \"from\", \"body\"}"
                    .to_owned(),
            ),
            JsonRejection::BytesRejection(_) => ApiError::TooLarge(limit),
            other => ApiError::BadJson(format!(
                "the body is not the JSON expected ({{\"subject\": string?, \"from\": string?, \"body\": string}}): {}",
                other.body_text()
            )),
        }
    }
}

/// The model text of a JSON request, checked: a body is required, and
/// the text must not be empty.
fn text_of(request: &PredictRequest) -> Result<String, ApiError> {
    if request.body.trim().is_empty()
        && request
            .subject
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
    {
        return Err(ApiError::Invalid(
            "`body` and `subject` are both empty: there is nothing to score".to_owned(),
        ));
    }
    Ok(model_text(
        request.subject.as_deref(),
        request.from.as_deref(),
        "text/plain",
        Some("utf-8"),
        Some(&request.body),
    ))
}

impl AppState {
    /// A state serving `model` (or nothing yet), logging into `log`.
    pub fn new(model: Option<Served>, log: mpsc::Sender<LoggedPrediction>, limits: Limits) -> Self {
        Self {
            model: ArcSwap::from_pointee(model),
            log,
            log_dropped: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            limits,
        }
    }

    fn next_id(&self) -> String {
        format!("r{:012}", self.answered.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn log(&self, p: &Prediction, started: Instant, body_chars: usize) {
        let record = LoggedPrediction {
            request_id: p.request_id.clone(),
            time: ninety_kit::artifact::now_rfc3339(),
            model_id: p.model_id.clone(),
            score: p.score,
            spam: p.spam,
            latency_us: started.elapsed().as_micros() as u64,
            body_chars,
        };
        if self.log.try_send(record).is_err() {
            self.log_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn predict(
    State(state): State<Arc<AppState>>,
    body: Result<Json<PredictRequest>, JsonRejection>,
) -> Result<Json<Prediction>, ApiError> {
    let started = Instant::now();
    let Json(request) = body.map_err(|r| ApiError::from_json(r, state.limits.max_body))?;
    let text = text_of(&request)?;
    let model = state.model.load();
    let served = model.as_ref().as_ref().ok_or(ApiError::NoModel)?;
    let prediction = served.predict(state.next_id(), &text);
    state.log(&prediction, started, request.body.chars().count());
    Ok(Json(prediction))
}

async fn predict_batch(
    State(state): State<Arc<AppState>>,
    body: Result<Json<BatchRequest>, JsonRejection>,
) -> Result<Json<BatchResponse>, ApiError> {
    let started = Instant::now();
    let Json(batch) = body.map_err(|r| ApiError::from_json(r, state.limits.max_body))?;
    if batch.messages.is_empty() {
        return Err(ApiError::Invalid("`messages` is empty".to_owned()));
    }
    if batch.messages.len() > state.limits.max_batch {
        return Err(ApiError::Invalid(format!(
            "`messages` holds {} messages; a batch takes at most {}",
            batch.messages.len(),
            state.limits.max_batch
        )));
    }
    let texts = batch
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| text_of(m).map_err(|e| ApiError::Invalid(format!("messages[{i}]: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    // One model for the whole batch, however the champion changes meanwhile.
    let model = state.model.load_full();
    let served = model.as_ref().as_ref().ok_or(ApiError::NoModel)?;
    let predictions: Vec<Prediction> = texts
        .iter()
        .zip(&batch.messages)
        .map(|(t, m)| {
            let p = served.predict(state.next_id(), t);
            state.log(&p, started, m.body.chars().count());
            p
        })
        .collect();
    Ok(Json(BatchResponse {
        model_id: served.id.clone(),
        predictions,
    }))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<Arc<AppState>>) -> Result<Json<serde_json::Value>, ApiError> {
    match state.model.load().as_ref() {
        Some(m) => Ok(Json(serde_json::json!({"ready": true, "model_id": m.id}))),
        None => Err(ApiError::NoModel),
    }
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(uri.path().to_owned())
}

/// The service, with its limits: body size (413), time (408) and
/// requests at once (the rest wait their turn).
pub fn router(state: Arc<AppState>) -> Router {
    let limits = state.limits;
    let timeout_ms = limits.timeout.as_millis();
    Router::new()
        .route("/v1/predict", post(predict))
        .route("/v1/predict/batch", post(predict_batch))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(not_found)
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
        .with_state(state)
}

/// Where the prediction log lives.
pub fn log_path(home: &ninety_kit::DataHome) -> std::path::PathBuf {
    home.root().join("serve").join("predictions.jsonl")
}

/// The model `args` asks for: the one named, else the champion, else the
/// newest registered (said, since it was never promoted); none when the
/// registry is empty.
fn choose_model<W: Write>(
    ctx: &Context,
    args: &ServeArgs,
    out: &mut Emitter<W>,
) -> Result<Option<Registered>> {
    let registry = Registry::new(&ctx.home);
    if let Some(id) = &args.model {
        return Ok(Some(registry.find(id)?));
    }
    if let Some(id) = registry.champion()? {
        return Ok(Some(registry.find(&id)?));
    }
    let newest = registry.list()?.into_iter().next();
    match &newest {
        Some(m) => out.log(format!(
            "warning: no champion yet, serving the newest registered model {} (never promoted: `ninety models promote {}` makes it the champion)",
            m.id, m.id
        )),
        None => out.log(
            "warning: the registry is empty: serving no model (/readyz says 503 until one is registered and the server restarted)",
        ),
    }
    Ok(newest)
}

/// Loads a registered model for serving.
pub fn load_served(model: &Registered) -> Result<Served> {
    let forward = crate::model::load(&model.dir)?.into_forward();
    Ok(Served {
        id: model.id.clone(),
        forward,
        threshold: model.info.threshold.unwrap_or(0.5),
        platt: model.info.platt,
    })
}

/// Runs the stage: serves until interrupted (Ctrl-C, SIGTERM), then
/// finishes the requests in flight, flushes the log and reports.
pub fn run<W: Write>(ctx: &Context, args: &ServeArgs, out: &mut Emitter<W>) -> Result<Summary> {
    let chosen = choose_model(ctx, args, out)?;
    let served = chosen.as_ref().map(load_served).transpose()?;
    if let (Some(m), Some(s)) = (&chosen, &served) {
        out.log(format!(
            "serving model {} ({} model, run {}), threshold {:.4}",
            s.id, m.info.model, m.info.run_id, s.threshold
        ));
    }
    let path = log_path(&ctx.home);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating `{}`", dir.display()))?;
    }
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
        let writer = tokio::spawn(write_log(path.clone(), rx));
        let state = Arc::new(AppState::new(served, tx, Limits::of(args)));
        out.log(format!("listening on http://{bound} (prediction log: {})", path.display()));
        let server = axum::serve(listener, router(state.clone()))
            .with_graceful_shutdown(stop_signal());
        let mut server = std::pin::pin!(server.into_future());
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let mut before = 0;
        loop {
            tokio::select! {
                done = &mut server => { done.context("serving")?; break; }
                _ = tick.tick() => {
                    let now = state.answered.load(Ordering::Relaxed);
                    if now != before {
                        out.log(format!(
                            "{} predictions/s, {now} in all, {} not logged (full log channel)",
                            now - before,
                            state.log_dropped.load(Ordering::Relaxed)
                        ));
                        before = now;
                    }
                }
            }
        }
        out.log("stopped: requests in flight were finished");
        let summary = ServeSummary {
            address: format!("http://{bound}"),
            model_id: state.model.load().as_ref().as_ref().map(|m| m.id.clone()),
            predictions: state.answered.load(Ordering::Relaxed),
            log_dropped: state.log_dropped.load(Ordering::Relaxed),
            seconds: ctx.seconds(),
        };
        drop(state);
        writer.await.context("the prediction log's writer")??;
        Ok(Summary::Serve(summary))
    })
}

/// Ctrl-C, or SIGTERM (what a supervisor, or the workbench, sends).
async fn stop_signal() {
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

/// Appends each prediction to the log, flushing when the channel runs
/// dry, until every sender is gone.
async fn write_log(
    path: std::path::PathBuf,
    mut rx: mpsc::Receiver<LoggedPrediction>,
) -> Result<()> {
    use std::io::Write as _;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("opening the prediction log `{}`", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(record) = next {
            serde_json::to_writer(&mut w, &record)?;
            w.write_all(b"\n")?;
            next = rx.try_recv().ok();
        }
        w.flush()
            .with_context(|| format!("writing `{}`", path.display()))?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use lab_train::config::{ModelConfig, TrainConfig};
    use lab_train::model::FastTextConfig;
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
        }
    }

    fn app(model: Option<Served>) -> (Router, mpsc::Receiver<LoggedPrediction>) {
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
        let logged = log.recv().await.unwrap();
        assert_eq!(logged.request_id, body["request_id"].as_str().unwrap());
        assert_eq!(logged.body_chars, 14);
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
            (status, body["code"].as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, Some("no-model"))
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
        let b = Arc::new(Some(served("b")));
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
                state.model.store(b.clone());
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
}
