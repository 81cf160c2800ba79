//! `ninety serve`: the serve stage in the foreground, watched live.
//!
//! The stage is built and started the way `ninety run serve` starts it
//! ([`super::run::run_stage_with`]). Its log lines go to stderr as they
//! come, `listening on http://ADDR` first, so a script that asked for
//! `--port 0` learns the port. Its `serving` events, one a second, become
//! one status line on stdout: redrawn in place on a terminal, a plain line
//! whenever something changed when stdout is a file or a pipe, nothing
//! with `--json`. Ctrl-C stops the server cleanly (it finishes the requests
//! in flight) and its summary is printed.

use super::run::{run_stage_with, served};
use crate::workspace::Workspace;
use anyhow::{Result, anyhow, bail};
use ninety_kit::Event;
use ninety_kit::command::{self, StageCommand};
use ninety_kit::records::Summary;
use ninety_kit::records::serve::ServeStatus;
use ninety_kit::registry::Registry;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// What `--model` takes for the newest registered model.
pub const LATEST: &str = "latest";

/// `ninety serve`'s arguments: the stage's own, and `--json`.
#[derive(Debug, clap::Args)]
pub struct ServeCliArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub stage: command::ServeArgs,
    /// Print the summary as one JSON object on stdout, and no status line.
    #[arg(long)]
    pub json: bool,
}

/// Runs the server until it is stopped, then prints its summary.
pub fn run(ws: &Workspace, args: &ServeCliArgs) -> Result<ExitCode> {
    let mut stage = args.stage.clone();
    if stage.model.as_deref() == Some(LATEST) {
        stage.model = Some(newest_model(ws)?);
    }
    let mut view = StatusView::new(if args.json {
        Mode::Quiet
    } else if std::io::stdout().is_terminal() {
        Mode::Redraw
    } else {
        Mode::Lines
    });
    let summary = run_stage_with(ws, &StageCommand::Serve(stage), args.json, &mut |e, bar| {
        match e {
            // The build is done: the status line takes over.
            Event::Started { .. } => bar.finish_and_clear(),
            Event::Log { message, .. } => {
                view.clear();
                bar.suspend(|| eprintln!("{message}"));
                view.redraw();
            }
            Event::Serving { status } => {
                bar.finish_and_clear();
                view.show(&status);
            }
            _ => {}
        }
    });
    view.finish();
    let summary = summary?;
    let text = match (&summary, args.json) {
        (_, true) => serde_json::to_string(&summary)?,
        (Summary::Serve(s), false) => served(s),
        (other, false) => bail!("the serve stage reported something else: {other:?}"),
    };
    // Ctrl-C in a terminal also ends what stdout was piped into (`ninety
    // serve | tee log`): the summary then has nowhere to go, and that is
    // not this command failing.
    match writeln!(std::io::stdout(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow!("writing the summary: {e}"))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The id of the newest registered model.
fn newest_model(ws: &Workspace) -> Result<String> {
    let registry = Registry::new(&ws.home);
    // `list` gives the newest first.
    registry
        .list()?
        .into_iter()
        .next()
        .map(|m| m.id)
        .ok_or_else(|| {
            anyhow!(
                "`--model {LATEST}`: no model is registered in `{}`; `ninety run evaluate` judges a run and registers its model",
                registry.dir().display()
            )
        })
}

/// Where the status goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// One line on a terminal, redrawn in place.
    Redraw,
    /// A line each time the figures change (a file or a pipe).
    Lines,
    /// None (`--json`: stdout holds the summary alone).
    Quiet,
}

/// The status line as it is drawn.
struct StatusView {
    mode: Mode,
    /// The line last drawn, and whether it is on screen now (Redraw).
    line: Option<String>,
    shown: bool,
    /// What the last plain line said (Lines): requests, errors, ready, model.
    printed: Option<(u64, u64, bool, Option<String>)>,
}

impl StatusView {
    fn new(mode: Mode) -> Self {
        StatusView {
            mode,
            line: None,
            shown: false,
            printed: None,
        }
    }

    fn show(&mut self, status: &ServeStatus) {
        match self.mode {
            Mode::Quiet => {}
            Mode::Redraw => {
                self.line = Some(status_line(status));
                self.redraw();
            }
            Mode::Lines => {
                let now = (
                    status.requests,
                    status.errors,
                    status.ready,
                    status.model_id.clone(),
                );
                if self.printed.as_ref() != Some(&now) {
                    let _ = writeln!(std::io::stdout(), "{}", status_line(status));
                    self.printed = Some(now);
                }
            }
        }
    }

    /// Draws the last line again, in place, cut to the terminal's width
    /// (a line that wrapped could not be redrawn in place).
    fn redraw(&mut self) {
        if self.mode != Mode::Redraw {
            return;
        }
        let Some(line) = &self.line else { return };
        let width = crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w));
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "\r\x1b[2K{}", fit(line, width.saturating_sub(1)));
        let _ = out.flush();
        self.shown = true;
    }

    /// Takes the line off the screen, so something else can be printed.
    fn clear(&mut self) {
        if self.shown {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "\r\x1b[2K");
            let _ = out.flush();
            self.shown = false;
        }
    }

    /// Leaves the last line on screen, ended, for the summary below it.
    fn finish(&mut self) {
        if self.shown {
            let _ = writeln!(std::io::stdout());
            self.shown = false;
        }
    }
}

/// Microseconds as milliseconds, `-` for none.
fn ms(us: Option<u64>) -> String {
    us.map_or_else(
        || "-".to_owned(),
        |us| format!("{:.2} ms", us as f64 / 1000.0),
    )
}

/// A server's status in one line: what it does now (the last second's
/// rate and latencies), what it did (errors of all requests), what it
/// serves and whether it is ready.
pub fn status_line(s: &ServeStatus) -> String {
    let mut line = format!(
        "{:.0} req/s  p50 {}  p99 {}  {} errors of {} requests  model {}  {}",
        s.per_second,
        ms(s.p50_us),
        ms(s.p99_us),
        s.errors,
        s.requests,
        s.model_id.as_deref().unwrap_or("none"),
        if s.ready { "ready" } else { "NOT READY" },
    );
    if s.log_dropped > 0 {
        line.push_str(&format!("  {} not logged", s.log_dropped));
    }
    line
}

/// `text` cut to `most` characters, the cut marked.
fn fit(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_owned()
    } else if most == 0 {
        String::new()
    } else {
        let mut cut: String = text.chars().take(most.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> ServeStatus {
        ServeStatus {
            address: "http://127.0.0.1:8090".into(),
            model_id: Some("3f2a9c1d".into()),
            ready: true,
            requests: 4821,
            predictions: 4820,
            errors: 1,
            per_second: 152.4,
            p50_us: Some(420),
            p99_us: Some(1310),
            log_dropped: 0,
        }
    }

    #[test]
    fn the_status_line_gives_rate_latency_errors_model_and_readiness() {
        assert_eq!(
            status_line(&status()),
            "152 req/s  p50 0.42 ms  p99 1.31 ms  1 errors of 4821 requests  model 3f2a9c1d  ready"
        );
        let idle = ServeStatus {
            model_id: None,
            ready: false,
            per_second: 0.0,
            p50_us: None,
            p99_us: None,
            log_dropped: 7,
            ..status()
        };
        assert_eq!(
            status_line(&idle),
            "0 req/s  p50 -  p99 -  1 errors of 4821 requests  model none  NOT READY  7 not logged"
        );
    }

    #[test]
    fn a_line_wider_than_the_terminal_is_cut_and_marked() {
        assert_eq!(fit("abcdef", 6), "abcdef");
        assert_eq!(fit("abcdefg", 6), "abcde…");
        assert_eq!(fit("abc", 0), "");
    }
}
