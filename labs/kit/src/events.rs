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
//! {"event":"metric","stage":"frame","name":"ham_flagged_rate","value":0.02}
//! {"event":"summary","stage":"frame","data":{...}}
//! {"event":"finished","stage":"frame","ok":true,"seconds":0.41}
//! ```

use serde::{Deserialize, Serialize};
use std::io::Write;

/// One event from a running stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The stage began.
    Started {
        /// The stage's name.
        stage: String,
    },
    /// Work done so far out of a known total.
    Progress {
        /// The stage's name.
        stage: String,
        /// Units done.
        done: u64,
        /// Units in all.
        total: u64,
        /// What is being counted (`messages`, `batches`).
        unit: String,
    },
    /// A named number, optionally at a step (an epoch, a batch).
    Metric {
        /// The stage's name.
        stage: String,
        /// The metric's name.
        name: String,
        /// Its value.
        value: f64,
        /// The step it belongs to, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<u64>,
    },
    /// A line of text for the person watching.
    Log {
        /// `info`, `warn` or `error`.
        level: String,
        /// The text.
        message: String,
    },
    /// The stage's result, as one JSON object (what `--json` prints).
    Summary {
        /// The stage's name.
        stage: String,
        /// The summary.
        data: serde_json::Value,
    },
    /// The stage failed; `message` says why and what to do.
    Error {
        /// The stage's name.
        stage: String,
        /// The error chain, one line.
        message: String,
    },
    /// The stage ended.
    Finished {
        /// The stage's name.
        stage: String,
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
            level: "info".into(),
            message: trimmed.to_owned(),
        }
    }

    /// The event as one line of JSON, without the newline.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("events always serialise")
    }
}

/// Writes events to a stream, one flushed line each.
pub struct Emitter<W: Write> {
    out: W,
    stage: String,
}

impl Emitter<std::io::Stdout> {
    /// An emitter on stdout for `stage`.
    pub fn stdout(stage: &str) -> Self {
        Self::new(std::io::stdout(), stage)
    }
}

impl<W: Write> Emitter<W> {
    /// An emitter on `out` for `stage`.
    pub fn new(out: W, stage: &str) -> Self {
        Self {
            out,
            stage: stage.to_owned(),
        }
    }

    /// The stage's name.
    pub fn stage(&self) -> &str {
        &self.stage
    }

    /// Writes one event and flushes it. A closed stdout (the reader went
    /// away) is not an error worth dying for, so write errors are ignored.
    pub fn emit(&mut self, event: &Event) {
        let _ = writeln!(self.out, "{}", event.to_line());
        let _ = self.out.flush();
    }

    /// Emits [`Event::Progress`].
    pub fn progress(&mut self, done: u64, total: u64, unit: &str) {
        let stage = self.stage.clone();
        self.emit(&Event::Progress {
            stage,
            done,
            total,
            unit: unit.to_owned(),
        });
    }

    /// Emits [`Event::Metric`].
    pub fn metric(&mut self, name: &str, value: f64, step: Option<u64>) {
        let stage = self.stage.clone();
        self.emit(&Event::Metric {
            stage,
            name: name.to_owned(),
            value,
            step,
        });
    }

    /// Emits an `info` [`Event::Log`].
    pub fn log(&mut self, message: impl Into<String>) {
        self.emit(&Event::Log {
            level: "info".into(),
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

    #[test]
    fn events_round_trip_as_single_lines() {
        let events = vec![
            Event::Started {
                stage: "frame".into(),
            },
            Event::Progress {
                stage: "frame".into(),
                done: 3,
                total: 10,
                unit: "messages".into(),
            },
            Event::Metric {
                stage: "frame".into(),
                name: "f1".into(),
                value: 0.5,
                step: Some(2),
            },
            Event::Summary {
                stage: "frame".into(),
                data: serde_json::json!({"a": [1, 2]}),
            },
            Event::Error {
                stage: "frame".into(),
                message: "bad\nthing".into(),
            },
            Event::Finished {
                stage: "frame".into(),
                ok: true,
                seconds: 0.25,
            },
        ];
        let mut emitter = Emitter::new(Vec::new(), "frame");
        for e in &events {
            emitter.emit(e);
        }
        let out = String::from_utf8(emitter.into_inner()).unwrap();
        let back: Vec<Event> = out.lines().map(Event::from_line).collect();
        assert_eq!(back, events);
    }

    #[test]
    fn the_wire_format_is_tagged_by_event() {
        let line = Event::Started {
            stage: "gather".into(),
        }
        .to_line();
        assert_eq!(line, r#"{"event":"started","stage":"gather"}"#);
    }

    #[test]
    fn stray_output_becomes_a_log_line() {
        for line in ["hello from println", "{not json", r#"{"event":"nope"}"#] {
            match Event::from_line(line) {
                Event::Log { level, message } => {
                    assert_eq!(level, "info");
                    assert_eq!(message, line);
                }
                other => panic!("expected a log line, got {other:?}"),
            }
        }
    }
}
