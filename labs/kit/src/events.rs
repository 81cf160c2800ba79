//! The event protocol: how a pipeline stage tells the workbench what it is doing.
//!
//! A stage writes one JSON object per line on stdout, each with an `event`
//! field, and flushes after every line. The workbench (or `ninety run`) reads
//! the lines as they come and draws them: progress bars, metrics, the final
//! summary. Anything on stdout that is not an event (a stray `println!` in a
//! learner's code) is passed through as [`Event::Log`] by the reader instead
//! of breaking the stream.
//!
//! ```text
//! {"event":"started","stage":"frame"}
//! {"event":"progress","stage":"frame","done":120,"total":300,"unit":"messages"}
//! {"event":"epoch","model":"fasttext","report":{"epoch":1,"train_loss":0.41,...}}
//! {"event":"summary","data":{"stage":"frame",...}}
//! {"event":"finished","stage":"frame","ok":true,"seconds":0.41}
//! ```
//!
//! Every payload is a type of this crate: the summary is a
//! [`crate::records::Summary`], an epoch a
//! [`crate::records::train::EpochReport`]. A stage whose stdout is closed
//! (the workbench left its screen, or quit) ends at its next event.

use crate::records::Summary;
use crate::records::train::EpochReport;
use crate::vocab::{ModelKind, Stage};
use serde::{Deserialize, Serialize};
use std::io::Write;

/// What a progress count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Messages of a corpus.
    Messages,
}

impl Unit {
    /// Its word, for a progress bar.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Messages => "messages",
        }
    }
}

/// How much a log line matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Something the person watching may like to know.
    Info,
    /// Something that went wrong without stopping the stage.
    Warn,
}

/// One event from a running stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The stage began.
    Started {
        /// The stage.
        stage: Stage,
    },
    /// Work done so far out of a known total.
    Progress {
        /// The stage.
        stage: Stage,
        /// Units done.
        done: u64,
        /// Units in all.
        total: u64,
        /// What is being counted.
        unit: Unit,
    },
    /// A training epoch ended.
    Epoch {
        /// The model being trained (the run's own, or a baseline's).
        model: ModelKind,
        /// What the epoch did.
        report: EpochReport,
    },
    /// A line of text for the person watching.
    Log {
        /// How much it matters.
        level: Level,
        /// The text.
        message: String,
    },
    /// A running server's state, once a second (the serve stage).
    Serving {
        /// The figures.
        status: crate::records::serve::ServeStatus,
    },
    /// The monitor's report so far, each time the logs grow (the monitor
    /// stage with `--follow`).
    Monitoring {
        /// The report.
        report: Box<crate::records::monitor::MonitorReport>,
    },
    /// The stage's result (what `--json` prints).
    Summary {
        /// The summary.
        data: Box<Summary>,
    },
    /// The stage failed; `message` says why and what to do.
    Error {
        /// The stage.
        stage: Stage,
        /// The error chain, one line.
        message: String,
    },
    /// The stage ended.
    Finished {
        /// The stage.
        stage: Stage,
        /// Whether it succeeded.
        ok: bool,
        /// Wall time in seconds.
        seconds: f64,
    },
}

impl Event {
    /// Reads one line of a stage's stdout. A line that is not an event
    /// becomes an `info` log line, so nothing a stage prints is lost.
    pub fn from_line(line: &str) -> Event {
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if trimmed.trim_start().starts_with('{')
            && let Ok(event) = serde_json::from_str::<Event>(trimmed)
        {
            return event;
        }
        Event::Log {
            level: Level::Info,
            message: trimmed.to_owned(),
        }
    }

    /// The event as one line of JSON, without the newline.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("events always serialise")
    }
}

/// The exit code of a stage whose reader went away (its stdout closed).
pub const EXIT_READER_GONE: u8 = 141;

/// Writes events to a stream, one flushed line each.
pub struct Emitter<W: Write> {
    out: W,
    stage: Stage,
    on_closed: OnClosed,
}

/// What an emitter does when its stream is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnClosed {
    /// Ends the process: a stage whose reader is gone (the workbench left
    /// the stage, or quit) has nobody to work for. Its outputs are written
    /// atomically, so stopping between two events loses nothing saved.
    Exit,
    /// Goes on without writing (in tests).
    Ignore,
}

impl Emitter<std::io::Stdout> {
    /// An emitter on stdout for `stage`; when stdout is closed, the process
    /// ends at the next event.
    pub fn stdout(stage: Stage) -> Self {
        Self {
            out: std::io::stdout(),
            stage,
            on_closed: OnClosed::Exit,
        }
    }
}

impl<W: Write> Emitter<W> {
    /// An emitter on `out` for `stage`; write errors are ignored.
    pub fn new(out: W, stage: Stage) -> Self {
        Self {
            out,
            stage,
            on_closed: OnClosed::Ignore,
        }
    }

    /// The stage.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Writes one event and flushes it.
    pub fn emit(&mut self, event: &Event) {
        let written = writeln!(self.out, "{}", event.to_line()).and_then(|()| self.out.flush());
        if written.is_err() && self.on_closed == OnClosed::Exit {
            // Nobody reads this stage any more; see `OnClosed::Exit`.
            #[allow(clippy::exit)]
            std::process::exit(i32::from(EXIT_READER_GONE));
        }
    }

    /// Emits [`Event::Progress`] in messages.
    pub fn progress(&mut self, done: u64, total: u64) {
        let stage = self.stage;
        self.emit(&Event::Progress {
            stage,
            done,
            total,
            unit: Unit::Messages,
        });
    }

    /// Emits [`Event::Epoch`].
    pub fn epoch(&mut self, model: ModelKind, report: &EpochReport) {
        self.emit(&Event::Epoch {
            model,
            report: report.clone(),
        });
    }

    /// Emits an `info` [`Event::Log`].
    pub fn log(&mut self, message: impl Into<String>) {
        self.emit(&Event::Log {
            level: Level::Info,
            message: message.into(),
        });
    }

    /// Emits a `warn` [`Event::Log`].
    pub fn warn(&mut self, message: impl Into<String>) {
        self.emit(&Event::Log {
            level: Level::Warn,
            message: message.into(),
        });
    }

    /// Gives back the underlying stream.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// The text a panic was raised with (`todo!("...")`, `panic!("...")`,
/// `expect`), for the hooks that turn a learner's panic into a message.
pub fn panic_text(info: &std::panic::PanicHookInfo<'_>) -> String {
    info.payload()
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Metrics;
    use crate::records::gather::{GatherSummary, QualityReport};

    fn epoch() -> EpochReport {
        EpochReport {
            epoch: 2,
            train_loss: 0.5,
            valid_loss: 0.25,
            valid: Metrics::from_decisions([(true, true), (false, false)]),
            seconds: 0.1,
        }
    }

    #[test]
    fn events_round_trip_as_single_lines() {
        let events = vec![
            Event::Started {
                stage: Stage::Frame,
            },
            Event::Progress {
                stage: Stage::Frame,
                done: 3,
                total: 10,
                unit: Unit::Messages,
            },
            Event::Epoch {
                model: ModelKind::FastText,
                report: epoch(),
            },
            Event::Summary {
                data: Box::new(Summary::Gather(GatherSummary {
                    corpus: "mini".into(),
                    report: QualityReport {
                        imported: 3,
                        clean: 3,
                        ..QualityReport::default()
                    },
                    artifact: "a/manifest.json".into(),
                    seconds: 0.5,
                })),
            },
            Event::Error {
                stage: Stage::Frame,
                message: "bad\nthing".into(),
            },
            Event::Finished {
                stage: Stage::Frame,
                ok: true,
                seconds: 0.25,
            },
        ];
        let mut emitter = Emitter::new(Vec::new(), Stage::Frame);
        for e in &events {
            emitter.emit(e);
        }
        let out = String::from_utf8(emitter.into_inner()).unwrap();
        assert_eq!(out.lines().count(), events.len());
        let back: Vec<Event> = out.lines().map(Event::from_line).collect();
        assert_eq!(back, events);
    }

    #[test]
    fn the_wire_format_is_tagged_by_event_and_summaries_by_stage() {
        let line = Event::Started {
            stage: Stage::Gather,
        }
        .to_line();
        assert_eq!(line, r#"{"event":"started","stage":"gather"}"#);
        let summary = Event::Summary {
            data: Box::new(Summary::Gather(GatherSummary {
                corpus: "mini".into(),
                report: QualityReport::default(),
                artifact: "m".into(),
                seconds: 0.5,
            })),
        }
        .to_line();
        assert!(
            summary.starts_with(
                r#"{"event":"summary","data":{"stage":"gather","corpus":"mini","imported":0,"#
            ),
            "{summary}"
        );
    }

    #[test]
    fn stray_output_becomes_a_log_line() {
        for line in ["hello from println", "{not json", r#"{"event":"nope"}"#] {
            match Event::from_line(line) {
                Event::Log { level, message } => {
                    assert_eq!(level, Level::Info);
                    assert_eq!(message, line);
                }
                other => panic!("expected a log line, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_closed_stream_is_ignored_by_a_test_emitter() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut emitter = Emitter::new(Closed, Stage::Train);
        emitter.log("nobody hears this");
        assert_eq!(emitter.stage(), Stage::Train);
    }
}
