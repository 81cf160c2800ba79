//! `ninety replay SCENARIO`: traffic for the monitor. Sends a scenario's
//! requests (labs/monitor/scenarios/*.toml) to the running server in order
//! and on time, reports a share of them as users would, after a delay, and
//! records where the replay began and where its incident starts, so that
//! `ninety run monitor` can say how long detection took.

use crate::cli::load::{agent, check_ready, default_url, failure, urls};
use crate::workspace::Workspace;
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use ninety_kit::Label;
use ninety_kit::records::serve::{FeedbackRequest, Prediction};
use ninety_kit::registry::Registry;
use ninety_kit::scenario::{self, IncidentKind, Planned, ReplayRecord, Scenario, Source};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// `ninety replay`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// A scenario: a name from labs/monitor/scenarios (`stable`,
    /// `truncated`, ...) or the path of a scenario file.
    pub scenario: String,
    /// The server, as `ninety serve` prints it when it starts listening.
    #[arg(long, default_value_t = default_url())]
    pub url: String,
    /// Requests per second, instead of the scenario's own speed (0: each
    /// as soon as the last is answered).
    #[arg(long)]
    pub speed: Option<f64>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// The scenario file `name` means: a path, or a name in the workspace's
/// labs/monitor/scenarios.
fn scenario_path(ws: &Workspace, name: &str) -> Result<PathBuf> {
    let as_path = Path::new(name);
    if as_path.is_file() {
        return Ok(as_path.to_owned());
    }
    let dir = ws.root.join("labs/monitor/scenarios");
    let file = dir.join(format!("{name}.toml"));
    if file.is_file() {
        return Ok(file);
    }
    let mut known: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let p = e.path();
                    if p.extension()? != "toml" {
                        return None;
                    }
                    Some(p.file_stem()?.to_string_lossy().into_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    known.sort();
    bail!(
        "no scenario `{name}`: expected a file, or one of {} (in {})",
        if known.is_empty() {
            "none found".to_owned()
        } else {
            known.join(", ")
        },
        dir.display()
    )
}

/// The pool: the served model's clean test messages, raw as the corpus
/// holds them, with their labels, collections and dates.
fn pool(ws: &Workspace, model_id: &str) -> Result<Vec<Source>> {
    let registered = Registry::new(&ws.home)
        .find(model_id)
        .with_context(|| format!("finding the served model {model_id} in the registry"))?;
    let path = registered.dir.join("evaluation.json");
    let evaluation: ninety_kit::records::evaluate::Evaluation = serde_json::from_slice(
        &std::fs::read(&path).with_context(|| format!("reading `{}`", path.display()))?,
    )
    .with_context(|| format!("`{}` is not an evaluation", path.display()))?;
    let corpus = &registered.info.corpus;
    let clean = ninety_kit::clean::clean_path(&ws.home, corpus);
    let gathered = ninety_kit::clean::read_gathered(&clean)?;
    let by_id: HashMap<&str, _> = gathered.iter().map(|g| (g.id.as_str(), g)).collect();
    let opened = ninety_kit::corpus::open_known(corpus, &ws.root, &ws.home)?;
    let entries: HashMap<&str, _> = opened
        .entries
        .iter()
        .map(|e| (e.path.as_str(), e))
        .collect();
    let mut out = Vec::new();
    for t in &evaluation.test_messages {
        let Some(g) = by_id.get(t.id.as_str()) else {
            continue;
        };
        let Some(entry) = entries.get(g.path.as_str()) else {
            continue;
        };
        let raw = opened.read(entry)?.bytes;
        let date = ninety_kit::mail::parse(&raw)
            .and_then(|m| m.date)
            .map(|d| (d.year, d.month, d.day));
        out.push(Source {
            id: g.id.clone(),
            raw,
            label: g.label,
            period: g.period,
            date,
            body: g.body.clone().unwrap_or_default(),
        });
    }
    if out.is_empty() {
        bail!(
            "model {model_id}'s evaluation lists no test message found in the clean set of {corpus} (`{}`): run `ninety run gather --corpus {corpus}` and `ninety run evaluate` again",
            clean.display()
        );
    }
    Ok(out)
}

/// Runs `ninety replay`.
pub fn run(ws: &Workspace, args: &ReplayArgs) -> Result<ExitCode> {
    let (base, endpoint) = urls(&args.url)?;
    let path = scenario_path(ws, &args.scenario)?;
    let mut scenario = scenario::load(&path)?;
    if let Some(speed) = args.speed {
        if !(speed.is_finite() && speed >= 0.0) {
            bail!("`--speed {speed}`: expected requests per second, 0 or more");
        }
        scenario.speed = speed;
    }
    let Some(model_id) = check_ready(&base)? else {
        bail!("the server at {base} names no model in /readyz");
    };
    let pool = pool(ws, &model_id)?;
    if pool.len() < scenario.window {
        eprintln!(
            "note: the pool holds {} test messages, fewer than a window of {}: every window repeats messages (the monitor judges repeats against windows of the reference's own messages, so this alone raises no alert)",
            pool.len(),
            scenario.window
        );
    }
    let planned = scenario::plan(&scenario, &pool)?;
    let record = send(
        &base,
        &endpoint,
        &scenario,
        &planned,
        Some(model_id),
        !args.json,
    )?;
    let path = scenario::replay_path(&ws.home);
    ninety_kit::artifact::write_atomic(&path, &serde_json::to_vec_pretty(&record)?)
        .with_context(|| format!("writing `{}`", path.display()))?;
    if args.json {
        println!("{}", serde_json::to_string(&record)?);
    } else {
        println!("{}", describe(&record));
    }
    Ok(if record.answered == record.sent {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Sends the plan, in order, each request when it is due; reports each
/// reported request `delay` requests after it was answered.
fn send(
    base: &str,
    endpoint: &str,
    s: &Scenario,
    planned: &[Planned],
    model_id: Option<String>,
    progress: bool,
) -> Result<ReplayRecord> {
    let http = agent(Duration::from_secs(30));
    let bar = if progress {
        let bar = ProgressBar::new(planned.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {per_sec} eta {eta}")
                .expect("a fixed template")
                .progress_chars("=> "),
        );
        bar.set_message(format!("replaying {}", s.name));
        bar
    } else {
        ProgressBar::hidden()
    };
    let start = Instant::now();
    let mut record = ReplayRecord {
        scenario: s.clone(),
        model_id,
        first_request: None,
        onset_request: None,
        sent: 0,
        answered: 0,
        errors: Default::default(),
        injected: 0,
        feedback: 0,
        seconds: 0.0,
    };
    let mut pending: VecDeque<(usize, String, Label)> = VecDeque::new();
    let feedback_url = format!("{base}/v1/feedback");
    for (i, p) in planned.iter().enumerate() {
        if let Some(due) = p.due {
            let at = Duration::from_secs_f64(due);
            if let Some(wait) = at.checked_sub(start.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        record.sent += 1;
        record.injected += usize::from(p.injected);
        let answer = http
            .post(endpoint)
            .header("content-type", "message/rfc822")
            .send(&p.raw[..]);
        match answer {
            Ok(mut r) if r.status().as_u16() == 200 => {
                let body = r.body_mut().read_to_string().unwrap_or_default();
                let prediction: Prediction = serde_json::from_str(&body)
                    .with_context(|| format!("{endpoint} answered 200 with `{body}`"))?;
                record.answered += 1;
                if record.first_request.is_none() {
                    record.first_request = Some(prediction.request_id.clone());
                }
                if s.incident.kind != IncidentKind::None && i == s.incident.onset {
                    record.onset_request = Some(prediction.request_id.clone());
                }
                if p.reported {
                    pending.push_back((i + s.feedback.delay, prediction.request_id, p.label));
                }
            }
            Ok(r) => {
                *record
                    .errors
                    .entry(r.status().as_u16().to_string())
                    .or_default() += 1
            }
            Err(e) => *record.errors.entry(failure(&e)).or_default() += 1,
        }
        while pending.front().is_some_and(|(when, _, _)| *when <= i) {
            let (_, id, label) = pending.pop_front().expect("just looked");
            record.feedback += post_feedback(&http, &feedback_url, id, label)?;
        }
        bar.inc(1);
    }
    // Reports still owed when the traffic stops arrive at the end.
    for (_, id, label) in pending {
        record.feedback += post_feedback(&http, &feedback_url, id, label)?;
    }
    bar.finish_and_clear();
    record.seconds = start.elapsed().as_secs_f64();
    Ok(record)
}

fn post_feedback(http: &ureq::Agent, url: &str, request_id: String, label: Label) -> Result<usize> {
    let body = serde_json::to_vec(&FeedbackRequest { request_id, label })?;
    match http
        .post(url)
        .header("content-type", "application/json")
        .send(&body[..])
    {
        Ok(r) if r.status().is_success() => Ok(1),
        Ok(mut r) => bail!(
            "{url} refused feedback: HTTP {} {}",
            r.status(),
            r.body_mut().read_to_string().unwrap_or_default()
        ),
        Err(e) => bail!("{url}: {}", failure(&e)),
    }
}

/// The summary for a person.
pub fn describe(r: &ReplayRecord) -> String {
    let s = &r.scenario;
    let mut out = format!(
        "replayed `{}` to model {}: {} requests in {:.1} s, {} answered, {} changed by the incident, {} reported by users",
        s.name,
        r.model_id.as_deref().unwrap_or("?"),
        r.sent,
        r.seconds,
        r.answered,
        r.injected,
        r.feedback
    );
    if !r.errors.is_empty() {
        let mut errors: Vec<_> = r.errors.iter().collect();
        errors.sort();
        out.push_str(&format!("\nerrors: {errors:?}"));
    }
    match (&r.onset_request, s.incident.kind) {
        (_, IncidentKind::None) => {
            out.push_str("\nno incident: any alert on this traffic is a false alarm")
        }
        (Some(id), kind) => out.push_str(&format!(
            "\nincident {kind:?} from request {} ({id}){}",
            s.incident.onset,
            s.incident
                .detect_within
                .map(|d| format!(", to be detected within {d} requests"))
                .unwrap_or_default()
        )),
        (None, kind) => out.push_str(&format!(
            "\nincident {kind:?}: its onset request was not answered"
        )),
    }
    out.push_str("\nnext: `ninety run monitor` reads the logs and reports windows, drift, alerts and how long detection took");
    out
}
