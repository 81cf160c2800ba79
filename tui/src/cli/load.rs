//! `ninety load`: a load generator for the server `ninety serve` runs.
//!
//! It posts real messages over N connections kept alive (one thread and
//! one HTTP agent each), for a number of seconds: a corpus's clean set
//! from the gather stage, as the JSON `{subject, from, body}` the API
//! takes, or, where the gather stage has not run, its raw messages as
//! `message/rfc822`.
//!
//! Without `--rate` the loop is closed: each connection sends as soon as
//! its last answer came, which measures how much the server can take.
//! With `--rate` it is open: request k is due at `k / rate` seconds, and
//! its latency counts from then, not from when a free connection got to
//! send it. A server that stalls for a second makes every request due in
//! that second late, and each counts its wait; a closed loop would record
//! one slow request and hide the rest (coordinated omission). Requests
//! due before the end but never sent (the connections were all busy) are
//! counted, not dropped silently.
//!
//! Latencies go in an HDR histogram (microseconds, 3 significant digits);
//! errors are counted by status code, or by what failed when no answer
//! came.

use crate::workspace::Workspace;
use anyhow::{Context, Result, anyhow, bail};
use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};
use ninety_kit::command::ServeArgs;
use ninety_kit::names::CorpusName;
use ninety_kit::records::serve::{ErrorBody, PredictRequest};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// `ninety load`'s arguments.
#[derive(Debug, clap::Args)]
pub struct LoadArgs {
    /// The server, as `ninety serve` prints it when it starts listening.
    #[arg(long, default_value_t = default_url())]
    pub url: String,
    /// Connections, each kept alive and sending one request at a time.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub connections: u32,
    /// Requests per second in all, each sent when it is due and timed from
    /// then (open loop). Without it, each connection sends as soon as its
    /// last answer came (closed loop).
    #[arg(long, value_parser = positive_rate)]
    pub rate: Option<f64>,
    /// Seconds to send for.
    #[arg(long, default_value_t = 10.0, value_parser = seconds)]
    pub duration: f64,
    /// The corpus whose messages are sent (its clean set, from the gather
    /// stage; without one, its raw messages).
    #[arg(long, default_value = "mini")]
    pub corpus: CorpusName,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Where `ninety serve` listens unless told otherwise.
pub(crate) fn default_url() -> String {
    let defaults = ServeArgs::default();
    format!("http://{}:{}", defaults.host, defaults.port)
}

fn positive_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 && r <= 10_000_000.0 => Ok(r),
        _ => Err(format!(
            "`{text}`: expected requests per second, above 0 and at most 10000000"
        )),
    }
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!(
            "`{text}`: expected seconds, above 0 and at most 86400"
        )),
    }
}

/// What a load run measured: what `--json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// Where the requests went.
    pub url: String,
    /// The model that answered, as `/readyz` named it before the run.
    pub model_id: Option<String>,
    /// The corpus whose messages were sent.
    pub corpus: String,
    /// How many different messages were sent, round and round.
    pub messages: usize,
    /// Connections.
    pub connections: u32,
    /// The rate asked for (open loop), or none (closed loop).
    pub rate: Option<f64>,
    /// Seconds asked for.
    pub duration: f64,
    /// Seconds it took, the last answers included.
    pub seconds: f64,
    /// Requests sent (answered or failed).
    pub requests: u64,
    /// Requests answered with a 2xx.
    pub ok: u64,
    /// Requests answered with another status, or not answered.
    pub errors: u64,
    /// Requests per second over `seconds`.
    pub per_second: f64,
    /// Requests due before the end but never sent, the connections all
    /// busy (open loop only; 0 in a closed loop).
    pub unsent: u64,
    /// The latencies of the answers, whatever their status; none when
    /// nothing was answered.
    pub latency_ms: Option<Latency>,
    /// Errors by status code (`503`), or by what failed when no answer
    /// came (`connection refused`, `timed out`).
    pub errors_by: BTreeMap<String, u64>,
}

/// Latency percentiles, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// The median.
    pub p50: f64,
    /// The 90th percentile.
    pub p90: f64,
    /// The 99th percentile.
    pub p99: f64,
    /// The 99.9th percentile.
    pub p99_9: f64,
    /// The slowest.
    pub max: f64,
    /// The mean.
    pub mean: f64,
}

/// When requests are sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// How long requests are sent for.
    pub duration: Duration,
    /// Requests per second in all (open loop), or none (closed loop).
    pub rate: Option<f64>,
}

impl Plan {
    /// When request `k` (from 0) is due, from the start: open loop only.
    pub fn due(&self, k: u64) -> Option<Duration> {
        self.rate.map(|r| Duration::from_secs_f64(k as f64 / r))
    }

    /// How many requests are due before the end: open loop only.
    pub fn scheduled(&self) -> Option<u64> {
        self.rate
            .map(|r| (self.duration.as_secs_f64() * r).ceil() as u64)
    }
}

/// A clock the load loop reads and sleeps on: the wall clock, or a
/// test's.
pub trait Clock {
    /// The time since the start.
    fn now(&self) -> Duration;
    /// Waits until `at` after the start (at once if it is past).
    fn sleep_until(&self, at: Duration);
}

/// The wall clock, from a start.
struct Wall(Instant);

impl Clock for Wall {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }

    fn sleep_until(&self, at: Duration) {
        let now = self.now();
        if at > now {
            std::thread::sleep(at - now);
        }
    }
}

/// How one request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer.
    Ok,
    /// Another answer.
    Status(u16),
    /// No answer: what failed.
    Failed(String),
}

/// One connection's counts, merged at the end.
#[derive(Debug, Clone)]
pub struct Tally {
    /// Latencies of the answers, in microseconds.
    pub latency: Histogram<u64>,
    /// 2xx answers.
    pub ok: u64,
    /// Errors by status code or by failure.
    pub errors: BTreeMap<String, u64>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            // 1 µs to an hour, 3 significant digits.
            latency: Histogram::new_with_bounds(1, 3_600_000_000, 3)
                .expect("the histogram's bounds are valid"),
            ok: 0,
            errors: BTreeMap::new(),
        }
    }
}

impl Tally {
    /// Counts a request that ended with `outcome`, `latency` after it was
    /// due (or sent, in a closed loop).
    pub fn record(&mut self, outcome: Outcome, latency: Duration) {
        let answered = match outcome {
            Outcome::Ok => {
                self.ok += 1;
                true
            }
            Outcome::Status(code) => {
                *self.errors.entry(code.to_string()).or_default() += 1;
                true
            }
            Outcome::Failed(why) => {
                *self.errors.entry(why).or_default() += 1;
                false
            }
        };
        if answered {
            let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
            self.latency.saturating_record(us.max(1));
        }
    }

    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: &Tally) {
        self.latency
            .add(&other.latency)
            .expect("histograms with the same bounds add up");
        self.ok += other.ok;
        for (k, n) in &other.errors {
            *self.errors.entry(k.clone()).or_default() += n;
        }
    }

    /// Requests counted.
    pub fn requests(&self) -> u64 {
        self.ok + self.errors.values().sum::<u64>()
    }
}

/// Requests done so far, for the progress bar.
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests ended.
    pub done: AtomicU64,
    /// Of which errors.
    pub errors: AtomicU64,
}

/// One connection's loop: takes the next request number from `next`
/// (shared by all connections), waits until it is due (open loop), sends
/// it with `send` and counts how it ended, until the plan's end. A request
/// is never started after the end; one due before the end that could only
/// be started after it is left unsent.
pub fn drive(
    clock: &impl Clock,
    plan: &Plan,
    next: &AtomicU64,
    counters: &Counters,
    send: &mut dyn FnMut(u64) -> Outcome,
) -> Tally {
    let mut tally = Tally::default();
    loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        let due = match plan.due(k) {
            Some(due) if due >= plan.duration => break,
            Some(due) => {
                clock.sleep_until(due);
                due
            }
            None => clock.now(),
        };
        if clock.now() >= plan.duration {
            break;
        }
        let outcome = send(k);
        let latency = clock.now().saturating_sub(due);
        if outcome != Outcome::Ok {
            counters.errors.fetch_add(1, Ordering::Relaxed);
        }
        counters.done.fetch_add(1, Ordering::Relaxed);
        tally.record(outcome, latency);
    }
    tally
}

/// The report of a run that went to `plan` and counted `tally` in
/// `elapsed`.
pub fn report(target: &Target, plan: &Plan, tally: &Tally, elapsed: Duration) -> LoadReport {
    let requests = tally.requests();
    let seconds = elapsed.as_secs_f64();
    let h = &tally.latency;
    let ms = |us: u64| us as f64 / 1000.0;
    LoadReport {
        url: target.endpoint.clone(),
        model_id: target.model_id.clone(),
        corpus: target.corpus.clone(),
        messages: target.messages,
        connections: target.connections,
        rate: plan.rate,
        duration: plan.duration.as_secs_f64(),
        seconds,
        requests,
        ok: tally.ok,
        errors: requests - tally.ok,
        per_second: if seconds > 0.0 {
            requests as f64 / seconds
        } else {
            0.0
        },
        unsent: plan
            .scheduled()
            .map_or(0, |due| due.saturating_sub(requests)),
        latency_ms: (!h.is_empty()).then(|| Latency {
            p50: ms(h.value_at_quantile(0.50)),
            p90: ms(h.value_at_quantile(0.90)),
            p99: ms(h.value_at_quantile(0.99)),
            p99_9: ms(h.value_at_quantile(0.999)),
            max: ms(h.max()),
            mean: h.mean() / 1000.0,
        }),
        errors_by: tally.errors.clone(),
    }
}

/// What is being loaded, for the report.
#[derive(Debug, Clone)]
pub struct Target {
    /// The predict route's URL.
    pub endpoint: String,
    /// The model `/readyz` named.
    pub model_id: Option<String>,
    /// The corpus sent.
    pub corpus: String,
    /// How many messages.
    pub messages: usize,
    /// Connections.
    pub connections: u32,
}

/// The server's base URL and its predict route, from what `--url` says
/// (the base, or the route itself).
pub(crate) fn urls(url: &str) -> Result<(String, String)> {
    let url = url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        bail!("`--url {url}`: expected an http:// address, as `ninety serve` prints it");
    }
    let base = url
        .trim_end_matches('/')
        .trim_end_matches("/v1/predict")
        .trim_end_matches('/')
        .to_owned();
    let endpoint = format!("{base}/v1/predict");
    Ok((base, endpoint))
}

/// An agent for one connection: answers of any status are answers.
pub(crate) fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .max_idle_connections_per_host(1)
        .user_agent("ninety-load")
        .build()
        .into()
}

/// What failed, in a few words, for counting.
pub(crate) fn failure(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            std::io::ErrorKind::ConnectionReset => "connection reset".to_owned(),
            std::io::ErrorKind::UnexpectedEof => "connection closed".to_owned(),
            std::io::ErrorKind::TimedOut => "timed out".to_owned(),
            _ => format!("i/o: {io}"),
        },
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        other => other.to_string(),
    }
}

/// Asks `/readyz` before the run: a server that is not there, or not
/// ready, is said so once, with what to do, instead of a run of errors.
/// Returns the model it serves.
pub(crate) fn check_ready(base: &str) -> Result<Option<String>> {
    let url = format!("{base}/readyz");
    let response = agent(Duration::from_secs(5)).get(&url).call();
    let mut response = match response {
        Ok(r) => r,
        Err(e) => bail!(
            "cannot reach the server at {base} ({}): is it running? Start it with `ninety serve` (in another terminal), or point --url at the address it printed",
            failure(&e)
        ),
    };
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    match status {
        200 => Ok(serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["model_id"].as_str().map(str::to_owned))),
        _ => match serde_json::from_str::<ErrorBody>(&body) {
            Ok(e) => bail!(
                "the server at {base} is not ready (HTTP {status}): {}",
                e.error
            ),
            Err(_) => {
                bail!("{url} answered HTTP {status}: is {base} the server `ninety serve` started?")
            }
        },
    }
}

/// A request body with its content type.
#[derive(Debug, Clone)]
struct Body {
    content_type: &'static str,
    bytes: Vec<u8>,
}

/// The messages to send: the corpus's clean set as JSON (what the model
/// was trained on, so every one is scored), or, before the gather stage
/// has run on it, its raw messages as `message/rfc822` (the server reads
/// them as gather would; a broken one may be refused, and counted so).
/// Clean messages with nothing to score are left out: the server refuses
/// them, and that is not what a load test measures.
fn bodies(ws: &Workspace, corpus: &CorpusName) -> Result<(Vec<Body>, String)> {
    let clean = ninety_kit::clean::clean_path(&ws.home, corpus.as_str());
    let (bodies, source) = if clean.is_file() {
        let mut bodies = Vec::new();
        for g in ninety_kit::clean::read_gathered(&clean)? {
            let request = PredictRequest {
                subject: g.subject,
                from: g.from,
                body: g.body.unwrap_or_default(),
            };
            let blank = |s: &str| s.trim().is_empty();
            if blank(&request.body) && request.subject.as_deref().is_none_or(blank) {
                continue;
            }
            bodies.push(Body {
                content_type: "application/json",
                bytes: serde_json::to_vec(&request)?,
            });
        }
        let source = format!("the clean set of {corpus} ({})", clean.display());
        (bodies, source)
    } else {
        let opened = ws.corpus(corpus)?;
        let bodies = opened
            .messages()
            .map(|m| {
                m.map(|m| Body {
                    content_type: "message/rfc822",
                    bytes: m.bytes,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let source = format!(
            "the raw messages of {corpus} (no gather output for it yet: `ninety run gather --corpus {corpus}` makes the clean set)"
        );
        (bodies, source)
    };
    if bodies.is_empty() {
        bail!("{source} has no message to send");
    }
    Ok((bodies, source))
}

/// Runs `ninety load`.
pub fn run(ws: &Workspace, args: &LoadArgs) -> Result<ExitCode> {
    let (base, endpoint) = urls(&args.url)?;
    let (bodies, source) = bodies(ws, &args.corpus)?;
    let model_id = check_ready(&base)?;
    let plan = Plan {
        duration: Duration::from_secs_f64(args.duration),
        rate: args.rate,
    };
    let target = Target {
        endpoint: endpoint.clone(),
        model_id,
        corpus: args.corpus.to_string(),
        messages: bodies.len(),
        connections: args.connections,
    };
    if !args.json {
        eprintln!(
            "sending {} messages from {source} to {endpoint}: {} connections, {}, {} s",
            bodies.len(),
            args.connections,
            match args.rate {
                Some(r) => format!("{r} requests/s in all (open loop)"),
                None => "each as fast as the server answers (closed loop)".to_owned(),
            },
            args.duration
        );
    }
    let bodies = Arc::new(bodies);
    let next = Arc::new(AtomicU64::new(0));
    let counters = Arc::new(Counters::default());
    let clock = Arc::new(Wall(Instant::now()));
    let workers: Vec<_> = (0..args.connections)
        .map(|_| {
            let (bodies, next, counters, clock) = (
                Arc::clone(&bodies),
                Arc::clone(&next),
                Arc::clone(&counters),
                Arc::clone(&clock),
            );
            let endpoint = endpoint.clone();
            std::thread::spawn(move || {
                let agent = agent(Duration::from_secs(30));
                drive(&*clock, &plan, &next, &counters, &mut |k| {
                    let body = &bodies[(k % bodies.len() as u64) as usize];
                    match agent
                        .post(&endpoint)
                        .header("content-type", body.content_type)
                        .send(&body.bytes[..])
                    {
                        Ok(mut response) => {
                            let status = response.status().as_u16();
                            // Read to the end, so the connection is reused.
                            if let Err(e) = response.body_mut().read_to_vec() {
                                return Outcome::Failed(failure(&e));
                            }
                            if (200..300).contains(&status) {
                                Outcome::Ok
                            } else {
                                Outcome::Status(status)
                            }
                        }
                        Err(e) => Outcome::Failed(failure(&e)),
                    }
                })
            })
        })
        .collect();
    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(
            Some(plan.duration.as_millis() as u64),
            indicatif::ProgressDrawTarget::stderr(),
        )
    };
    bar.set_style(
        ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {msg}")?.progress_chars("=> "),
    );
    while !workers.iter().all(|w| w.is_finished()) {
        let elapsed = clock.now();
        let done = counters.done.load(Ordering::Relaxed);
        bar.set_position(elapsed.min(plan.duration).as_millis() as u64);
        bar.set_message(format!(
            "{done} requests, {:.0}/s, {} errors",
            done as f64 / elapsed.as_secs_f64().max(1e-3),
            counters.errors.load(Ordering::Relaxed)
        ));
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
    let mut tally = Tally::default();
    for w in workers {
        let part = w
            .join()
            .map_err(|_| anyhow!("a connection's thread panicked"))?;
        tally.merge(&part);
    }
    let report = report(&target, &plan, &tally, clock.now());
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).context("writing the report")?
        );
    } else {
        print!("{}", describe(&report));
    }
    Ok(ExitCode::SUCCESS)
}

/// The report for a person.
pub fn describe(r: &LoadReport) -> String {
    let mut out = format!(
        "Load on {}{}: {} connections, {} for {} s\n",
        r.url,
        r.model_id
            .as_deref()
            .map_or_else(String::new, |m| format!(" (model {m})")),
        r.connections,
        match r.rate {
            Some(rate) => format!("open loop at {rate} requests/s"),
            None => "closed loop".to_owned(),
        },
        r.duration
    );
    out.push_str(&format!(
        "  requests  {} in {:.2} s: {:.1}/s; {} ok, {} errors\n",
        r.requests, r.seconds, r.per_second, r.ok, r.errors
    ));
    match &r.latency_ms {
        Some(l) => out.push_str(&format!(
            "  latency   p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  p99.9 {:.2} ms  max {:.2} ms  (mean {:.2} ms{})\n",
            l.p50,
            l.p90,
            l.p99,
            l.p99_9,
            l.max,
            l.mean,
            if r.rate.is_some() {
                ", from when each request was due"
            } else {
                ""
            }
        )),
        None => out.push_str("  latency   no answers\n"),
    }
    if !r.errors_by.is_empty() {
        let mut by: Vec<(&String, &u64)> = r.errors_by.iter().collect();
        by.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let listed: Vec<String> = by.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        out.push_str(&format!("  errors    {}\n", listed.join(", ")));
    }
    if r.unsent > 0 {
        out.push_str(&format!(
            "  unsent    {} requests were due but never sent: {} connections could not keep up with {} requests/s\n",
            r.unsent,
            r.connections,
            r.rate.unwrap_or_default()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A clock that moves only when told: sleeping jumps to the time, a
    /// request takes what the test says.
    struct Fake(Cell<Duration>);

    impl Clock for Fake {
        fn now(&self) -> Duration {
            self.0.get()
        }

        fn sleep_until(&self, at: Duration) {
            if at > self.0.get() {
                self.0.set(at);
            }
        }
    }

    impl Fake {
        fn advance(&self, by: Duration) {
            self.0.set(self.0.get() + by);
        }
    }

    fn target() -> Target {
        Target {
            endpoint: "http://127.0.0.1:8090/v1/predict".into(),
            model_id: Some("m1".into()),
            corpus: "mini".into(),
            messages: 10,
            connections: 1,
        }
    }

    /// One connection for a second against a server that answers in 1 ms
    /// but stalls for 100 ms on request 100.
    fn stalled(plan: Plan) -> Tally {
        let clock = Fake(Cell::new(Duration::ZERO));
        let next = AtomicU64::new(0);
        drive(&clock, &plan, &next, &Counters::default(), &mut |k| {
            clock.advance(Duration::from_millis(if k == 100 { 100 } else { 1 }));
            Outcome::Ok
        })
    }

    /// Requests slower than 20 ms.
    fn slow(t: &Tally) -> u64 {
        t.latency.count_between(20_000, u64::MAX)
    }

    #[test]
    fn an_open_loop_counts_the_wait_of_every_request_due_in_a_stall() {
        // 400 requests/s: one due every 2.5 ms.
        let plan = Plan {
            duration: Duration::from_secs(1),
            rate: Some(400.0),
        };
        let open = stalled(plan);
        // Request 100 is due at 250 ms and answered at 350 ms. Request k
        // after it is due at 2.5k ms but answered at 250 + k ms, one
        // millisecond after the one before: its wait counts, 98.5 ms for
        // request 101, still over 20 ms for request 153 (20.5 ms); from
        // request 166 on they go out on time again.
        assert_eq!(
            slow(&open),
            1 + 53,
            "the stalled request and those due while it stalled"
        );
        assert!(open.latency.max() >= 100_000, "{}", open.latency.max());
        assert_eq!(open.requests(), 400, "every request due was sent");
        let r = report(&target(), &plan, &open, Duration::from_secs(1));
        assert_eq!(r.unsent, 0);
        let l = r.latency_ms.unwrap();
        assert!((1.0..1.01).contains(&l.p50), "{l:?}");
        assert!(
            l.p90 > 10.0,
            "more than a tenth of the requests waited: {l:?}"
        );

        // The same server in a closed loop: the stall is one slow request.
        let closed = stalled(Plan { rate: None, ..plan });
        assert_eq!(slow(&closed), 1, "a closed loop sees one slow request");
        let l = report(&target(), &plan, &closed, Duration::from_secs(1))
            .latency_ms
            .unwrap();
        assert!(l.p99 < 1.01, "{l:?}");
    }

    #[test]
    fn requests_due_but_never_sent_are_counted() {
        // 2000 requests/s for a second, one connection, 1 ms each: half
        // can be sent.
        let plan = Plan {
            duration: Duration::from_secs(1),
            rate: Some(2000.0),
        };
        let clock = Fake(Cell::new(Duration::ZERO));
        let next = AtomicU64::new(0);
        let tally = drive(&clock, &plan, &next, &Counters::default(), &mut |_| {
            clock.advance(Duration::from_millis(1));
            Outcome::Ok
        });
        assert_eq!(tally.requests(), 1000);
        let r = report(&target(), &plan, &tally, Duration::from_secs(1));
        assert_eq!((r.requests, r.unsent), (1000, 1000));
        assert!(describe(&r).contains("1000 requests were due but never sent"));
    }

    #[test]
    fn the_plan_puts_each_request_on_its_due_time() {
        let plan = Plan {
            duration: Duration::from_secs(2),
            rate: Some(3.0),
        };
        assert_eq!(plan.due(0), Some(Duration::ZERO));
        assert_eq!(plan.due(3), Some(Duration::from_secs(1)));
        assert_eq!(plan.scheduled(), Some(6), "0, 1/3, ..., 5/3 s");
        let fraction = Plan {
            duration: Duration::from_millis(2500),
            rate: Some(2.0),
        };
        assert_eq!(fraction.scheduled(), Some(5), "0, 0.5, ..., 2 s");
        let closed = Plan { rate: None, ..plan };
        assert_eq!((closed.due(5), closed.scheduled()), (None, None));
    }

    #[test]
    fn percentiles_and_the_rate_come_from_the_histogram_and_the_counts() {
        let mut a = Tally::default();
        let mut b = Tally::default();
        // 1 to 1000 µs, split over two connections.
        for us in 1..=1000u64 {
            let t = if us % 2 == 0 { &mut a } else { &mut b };
            t.record(Outcome::Ok, Duration::from_micros(us));
        }
        b.record(Outcome::Status(503), Duration::from_micros(500));
        b.record(Outcome::Failed("connection refused".into()), Duration::ZERO);
        a.merge(&b);
        let plan = Plan {
            duration: Duration::from_secs(2),
            rate: None,
        };
        let r = report(&target(), &plan, &a, Duration::from_millis(2500));
        assert_eq!((r.requests, r.ok, r.errors), (1002, 1000, 2));
        assert!(
            (r.per_second - 1002.0 / 2.5).abs() < 1e-9,
            "{}",
            r.per_second
        );
        assert_eq!(r.unsent, 0);
        // The 503 was answered, so its latency counts; the refusal was not.
        let l = r.latency_ms.unwrap();
        let near = |got: f64, want: f64| (got - want).abs() <= want * 0.001 + 1e-9;
        assert!(near(l.p50, 0.500), "{l:?}");
        assert!(near(l.p90, 0.900), "{l:?}");
        assert!(near(l.p99, 0.990), "{l:?}");
        assert!(near(l.p99_9, 0.999), "{l:?}");
        assert!(near(l.max, 1.000), "{l:?}");
        assert!(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p99_9 && l.p99_9 <= l.max);
        assert_eq!(
            r.errors_by,
            BTreeMap::from([("503".to_owned(), 1), ("connection refused".to_owned(), 1)])
        );
        let text = describe(&r);
        assert!(
            text.contains("1002 in 2.50 s: 400.8/s; 1000 ok, 2 errors"),
            "{text}"
        );
        assert!(text.contains("503: 1"), "{text}");
        let json: LoadReport = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(json, r);
    }

    #[test]
    fn nothing_answered_has_no_latency() {
        let mut t = Tally::default();
        t.record(Outcome::Failed("timed out".into()), Duration::from_secs(30));
        let plan = Plan {
            duration: Duration::from_secs(1),
            rate: None,
        };
        let r = report(&target(), &plan, &t, Duration::from_secs(1));
        assert_eq!((r.requests, r.errors, r.latency_ms), (1, 1, None));
        assert!(describe(&r).contains("no answers"));
    }

    #[test]
    fn the_url_may_be_the_server_or_its_predict_route() {
        for url in [
            "http://127.0.0.1:8090",
            "http://127.0.0.1:8090/",
            "http://127.0.0.1:8090/v1/predict",
        ] {
            assert_eq!(
                urls(url).unwrap(),
                (
                    "http://127.0.0.1:8090".to_owned(),
                    "http://127.0.0.1:8090/v1/predict".to_owned()
                )
            );
        }
        let e = urls("127.0.0.1:8090").unwrap_err().to_string();
        assert!(e.contains("expected an http:// address"), "{e}");
        assert_eq!(default_url(), "http://127.0.0.1:8090");
    }

    #[test]
    fn an_unreachable_server_is_named_with_what_to_run() {
        // A port nothing listens on: bind one, then free it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let e = check_ready(&base).unwrap_err().to_string();
        assert!(
            e.contains(&base) && e.contains("ninety serve") && e.contains("connection refused"),
            "{e}"
        );
    }
}
