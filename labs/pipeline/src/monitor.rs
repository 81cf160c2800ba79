//! The `monitor` stage: reads the prediction and feedback logs, once or as
//! they grow, and reports windows, drift, input health, performance and
//! alerts against the reference registered with the served model (the
//! monitor lab's code, put together by its `report`).

use crate::Context;
use anyhow::{Context as _, Result, bail};
use lab_monitor::report::{Settings, judge, report};
use ninety_kit::Label;
use ninety_kit::command::MonitorArgs;
use ninety_kit::events::{Emitter, Event};
use ninety_kit::records::Summary;
use ninety_kit::records::monitor::{BadLine, MonitorReport};
use ninety_kit::records::serve::{LoggedFeedback, LoggedPrediction};
use ninety_kit::registry::{REFERENCE_FILE, Registry};
use ninety_kit::scenario::{ReplayRecord, replay_path};
use serde::de::DeserializeOwned;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// The window when neither the command nor a replay says.
const DEFAULT_WINDOW: usize = 200;

/// Runs the stage.
pub fn run<W: Write>(ctx: &Context, args: &MonitorArgs, out: &mut Emitter<W>) -> Result<Summary> {
    let first = read_all(ctx, args)?;
    if !args.follow {
        say(&first, out);
        return Ok(Summary::Monitor(Box::new(first)));
    }
    // Following, every report is an event, the first one at once: whoever
    // draws them has something to draw before the logs next move. The
    // events carry the alerts; the log says only what was skipped, so no
    // alert is told twice.
    skipped(&first, out);
    out.emit(&Event::Monitoring {
        report: Box::new(first.clone()),
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the stage's clock")?;
    let mut last = first;
    let mut seen = watched(ctx);
    runtime.block_on(async {
        let stop = crate::serve::stop_signal();
        let mut stop = std::pin::pin!(stop);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = &mut stop => break,
                _ = tick.tick() => {
                    let now = watched(ctx);
                    if now == seen {
                        continue;
                    }
                    seen = now;
                    match read_all(ctx, args) {
                        Ok(r) => {
                            out.emit(&Event::Monitoring { report: Box::new(r.clone()) });
                            last = r;
                        }
                        Err(e) => out.log(format!("warning: {e:#}")),
                    }
                }
            }
        }
    });
    say(&last, out);
    Ok(Summary::Monitor(Box::new(last)))
}

/// What `--follow` watches: the length and modification time of the
/// prediction log, the feedback log and the last replay's record. The logs
/// grow; a new replay rewrites `replay.json` whole, perhaps at the same
/// length, and changes which predictions the report reads and how it
/// judges them.
fn watched(ctx: &Context) -> [(u64, Option<SystemTime>); 3] {
    let state = |p: &Path| std::fs::metadata(p).map_or((0, None), |m| (m.len(), m.modified().ok()));
    [
        state(&crate::serve::log_path(&ctx.home)),
        state(&crate::serve::feedback_path(&ctx.home)),
        state(&replay_path(&ctx.home)),
    ]
}

/// The report on the logs as they are now.
fn read_all(ctx: &Context, args: &MonitorArgs) -> Result<MonitorReport> {
    let log = crate::serve::log_path(&ctx.home);
    if !log.is_file() {
        bail!(
            "no prediction log at `{}`: start the server (`ninety serve`) and send it traffic (`ninety replay stable`)",
            log.display()
        );
    }
    let mut bad = Vec::new();
    let mut predictions: Vec<LoggedPrediction> = read_lines(&log, &mut bad)?;
    let feedback_file = crate::serve::feedback_path(&ctx.home);
    let feedback: Vec<LoggedFeedback> = if feedback_file.is_file() {
        read_lines(&feedback_file, &mut bad)?
    } else {
        Vec::new()
    };

    let replay = if args.all {
        None
    } else {
        read_replay(&replay_path(&ctx.home))?
    };
    let mut feedback = feedback;
    if let Some(first) = replay.as_ref().and_then(|r| r.first_request.as_deref())
        && let Some(at) = predictions.iter().position(|p| p.request_id == first)
    {
        // Feedback on the predictions left out is left out with them; feedback
        // naming no prediction of the log at all stays, to be counted.
        let before: std::collections::HashSet<String> =
            predictions.drain(..at).map(|p| p.request_id).collect();
        feedback.retain(|f| !before.contains(&f.request_id));
    }
    let Some(model_id) = predictions.last().map(|p| p.model_id.clone()) else {
        bail!(
            "the prediction log `{}` holds no prediction yet: send the server traffic (`ninety replay stable`)",
            log.display()
        );
    };
    let registered = Registry::new(&ctx.home)
        .find(&model_id)
        .with_context(|| format!("finding model {model_id}, which answered the last prediction"))?;
    let reference_file = registered.dir.join(REFERENCE_FILE);
    if !reference_file.is_file() {
        bail!(
            "model {model_id} was registered without a reference (`{}`): evaluate it again (`ninety run evaluate`) to register one",
            reference_file.display()
        );
    }
    let reference: Vec<LoggedPrediction> = read_lines(&reference_file, &mut bad)?;

    let window = args
        .window
        .map(|w| w as usize)
        .or_else(|| replay.as_ref().map(|r| r.scenario.window))
        .unwrap_or(DEFAULT_WINDOW);
    let labels: Vec<(String, Label)> = feedback
        .into_iter()
        .map(|f| (f.request_id, f.label))
        .collect();
    let mut r = report(
        &reference,
        &predictions,
        &labels,
        &Settings::with_window(window),
    );
    r.bad_lines = bad;
    if let Some(replay) = replay {
        let s = &replay.scenario;
        let kind = serde_json::to_value(s.incident.kind)?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let onset = replay
            .onset_request
            .as_deref()
            .and_then(|id| predictions.iter().position(|p| p.request_id == id));
        r.detection = Some(judge(&r, &s.name, &kind, onset, s.incident.detect_within));
    }
    Ok(r)
}

fn read_replay(path: &Path) -> Result<Option<ReplayRecord>> {
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(path).with_context(|| format!("reading `{}`", path.display()))?;
    serde_json::from_slice(&bytes).map(Some).with_context(|| {
        format!(
            "`{}` is not a replay record (`ninety replay` writes it; remove it, or pass --all)",
            path.display()
        )
    })
}

/// The records of a JSON-lines file; a line that is not one (torn by a
/// crash, or damaged) is reported in `bad` with its number and skipped. A
/// last line without its newline is still being written: it is left for
/// the next read, not reported.
fn read_lines<T: DeserializeOwned>(path: &Path, bad: &mut Vec<BadLine>) -> Result<Vec<T>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading `{}`", path.display()))?;
    let complete = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(end) => &bytes[..=end],
        None => &[][..],
    };
    let mut out = Vec::new();
    for (i, line) in complete.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<T>(line) {
            Ok(record) => out.push(record),
            Err(e) => bad.push(BadLine {
                file: path.display().to_string(),
                line: i + 1,
                error: e.to_string(),
            }),
        }
    }
    Ok(out)
}

/// The lines of the logs the report skipped, each with its place.
fn skipped<W: Write>(r: &MonitorReport, out: &mut Emitter<W>) {
    for b in &r.bad_lines {
        out.log(format!(
            "warning: {} line {}: skipped, not a record ({})",
            b.file, b.line, b.error
        ));
    }
}

/// The report's gist, for the person watching.
fn say<W: Write>(r: &MonitorReport, out: &mut Emitter<W>) {
    skipped(r, out);
    out.log(format!(
        "{} predictions in {} windows of {} against a reference of {}; {} alerts",
        r.predictions,
        r.windows.len(),
        r.window,
        r.reference,
        r.alerts.len()
    ));
    for a in &r.alerts {
        out.log(format!(
            "alert {} > {} from window {} (fired in window {}, after request {}): {}",
            a.statistic, a.threshold, a.onset_window, a.fired_window, a.fired_at, a.meaning
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_or_damaged_line_is_reported_with_its_number_and_the_rest_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feedback.jsonl");
        let good =
            |id: &str| format!("{{\"request_id\":\"{id}\",\"label\":\"spam\",\"time\":\"t\"}}\n");
        let text = format!(
            "{}{{\"request_id\":\"r2\",\"lab\n{}\n\u{0}\u{1}garbage\n{}{{\"request_id\":\"r5\"",
            good("r1"),
            good("r3").trim_end(),
            good("r4")
        );
        std::fs::write(&path, text).unwrap();
        let mut bad = Vec::new();
        let read: Vec<LoggedFeedback> = read_lines(&path, &mut bad).unwrap();
        let ids: Vec<&str> = read.iter().map(|f| f.request_id.as_str()).collect();
        assert_eq!(ids, ["r1", "r3", "r4"]);
        let lines: Vec<usize> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [2, 4]);
        assert!(bad.iter().all(|b| b.file.ends_with("feedback.jsonl")));
    }
}
