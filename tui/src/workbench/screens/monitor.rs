//! The monitor view: the served traffic, live, as the monitor lab's code
//! judges it.
//!
//! Opening the view reads the logs once with the pipeline's `monitor`
//! stage, then starts it again with `--follow`: it sends a report each
//! time the prediction or feedback log grows, until the view is left (its
//! handle ends it, like every stage). The view draws the reports in panes
//! that Tab cycles through: an overview (the request rate and latency, the
//! score histogram against the reference, the alerts), drift statistics
//! window by window with each rule's threshold drawn, estimated against
//! measured F1 and ham-flagged rate as feedback arrives, input health, and
//! the alerts, where Enter lists the messages of an alert's windows.
//!
//! The rate, the latency and the histogram come from the prediction log
//! itself (only the bytes added since the last read) and the reference
//! registered with the served model; the view reads their JSON and never
//! links the lab's code. `r` replays a scenario to the server of this data
//! folder (`ninety replay NAME --json`, this executable, as a child the
//! view owns: leaving the view ends it); with no prediction log yet, the
//! view says what to run and starts by itself once the log appears. Once
//! a second while it is open it looks at the last replay's record too: a
//! replay that ended (here or in a terminal) rewrites it, and the monitor
//! reads the logs again from where that replay began.

pub mod view;
pub mod work;

#[cfg(test)]
pub(crate) mod tests;

use super::{Screen, ScreenId};
use crate::pipeline::BuildProgress;
use crate::workbench::ctx::{ChildEnd, ChildJob, Ctx, Effect, StageMsg, Task, WorkError};
use crate::workbench::keys::{
    Act, Binding, KeyTable, back_row, book_row, help_row, message_row, pages, up_down_in_footer,
};
use crossterm::event::KeyCode;
use ninety_kit::command::{CorpusArg, MonitorArgs, StageCommand};
use ninety_kit::records::Summary;
use ninety_kit::records::monitor::{Alert, MonitorReport};
use ninety_kit::records::serve::LoggedPrediction;
use ninety_kit::scenario::{ReplayRecord, Scenario};
use ninety_kit::{DataHome, Event};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::collections::VecDeque;
use work::{Histogram, Seen, Tail};

/// Seconds of traffic the rate and latency charts draw.
pub const HISTORY: usize = 60;

/// Scores kept from the log, the newest (the histogram draws the last
/// window's worth).
pub const SCORES_KEPT: usize = 5_000;

/// The speeds a replay can be sent at: the scenario's own, or these
/// requests a second (0: each as soon as the last is answered).
pub const SPEEDS: [Option<f64>; 5] = [None, Some(20.0), Some(50.0), Some(100.0), Some(0.0)];

/// Rows a page key moves a list by.
const PAGE: i32 = 10;

/// The view's panes, in the order Tab visits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    /// The request rate and latency, the scores against the reference,
    /// the alerts.
    #[default]
    Overview,
    /// Each drift statistic window by window, its threshold drawn.
    Drift,
    /// Estimated against measured F1 and ham-flagged rate.
    Performance,
    /// What the messages look like, against the reference.
    Health,
    /// The alerts, with the messages of their windows.
    Alerts,
}

impl Pane {
    /// Every pane, in Tab order.
    pub const ALL: [Pane; 5] = [
        Pane::Overview,
        Pane::Drift,
        Pane::Performance,
        Pane::Health,
        Pane::Alerts,
    ];

    /// Its name on the tab bar.
    pub fn name(self) -> &'static str {
        match self {
            Pane::Overview => "overview",
            Pane::Drift => "drift",
            Pane::Performance => "performance",
            Pane::Health => "health",
            Pane::Alerts => "alerts",
        }
    }

    fn at(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The pane after it (after the last: the first).
    pub fn next(self) -> Pane {
        Pane::ALL[(self.at() + 1) % Pane::ALL.len()]
    }

    /// The pane before it.
    pub fn previous(self) -> Pane {
        Pane::ALL[(self.at() + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }
}

/// Where the monitor stage stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Follow {
    /// Not started (the view is not open).
    #[default]
    Idle,
    /// Looking at the prediction log before starting.
    Checking,
    /// There is no prediction log yet, or no prediction in it: the view
    /// says what to run and looks again each second.
    NoLog,
    /// Reading the logs once (the stage without `--follow`).
    Reading,
    /// Following the logs.
    Following,
    /// The stage failed: why, in its words.
    Failed(String),
}

/// One second of log time with requests in it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Second {
    /// Seconds since 1970.
    pub at: i64,
    /// The latency of each request answered in it, in microseconds.
    pub latencies: Vec<u64>,
}

/// What the view has read of the prediction log itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Traffic {
    /// The seconds with requests of the last [`HISTORY`] before the newest,
    /// in order.
    pub seconds: VecDeque<Second>,
    /// The newest scores, the newest last (at most [`SCORES_KEPT`]).
    pub scores: VecDeque<f64>,
    /// Records read since the view opened.
    pub read: u64,
    /// Lines of the log that were not records, so far.
    pub bad: usize,
    /// Now, in seconds since 1970, as the view's clock last read it: the
    /// charts end here, so a quiet log reads as no traffic.
    pub now: Option<i64>,
}

impl Traffic {
    /// The second the charts end at: now, once the view's clock has read
    /// it (or the newest of the log, if later); else the newest of the log.
    fn end(&self) -> Option<i64> {
        let newest = self.seconds.back()?.at;
        Some(self.now.map_or(newest, |now| now.max(newest)))
    }

    /// Adds what a read of the log gave.
    pub fn add(&mut self, records: &[Seen]) {
        for r in records {
            self.read += 1;
            self.scores.push_back(r.score);
            let Some(at) = r.second else { continue };
            // The log is in answering order, nearly in time order: a
            // request answered late lands a second or two back.
            match self.seconds.iter().rposition(|s| s.at <= at) {
                Some(i) if self.seconds[i].at == at => self.seconds[i].latencies.push(r.latency_us),
                Some(i) => self.seconds.insert(
                    i + 1,
                    Second {
                        at,
                        latencies: vec![r.latency_us],
                    },
                ),
                None => self.seconds.push_front(Second {
                    at,
                    latencies: vec![r.latency_us],
                }),
            }
        }
        while self.scores.len() > SCORES_KEPT {
            self.scores.pop_front();
        }
        if let Some(newest) = self.seconds.back().map(|s| s.at) {
            while self
                .seconds
                .front()
                .is_some_and(|s| s.at <= newest - HISTORY as i64)
            {
                self.seconds.pop_front();
            }
        }
    }

    /// Requests in each of the last [`HISTORY`] seconds of log time, the
    /// newest second last.
    pub fn rates(&self) -> Vec<u64> {
        let Some(end) = self.end() else {
            return vec![];
        };
        let mut rates = vec![0; HISTORY];
        for s in &self.seconds {
            let back = end - s.at;
            if (0..HISTORY as i64).contains(&back) {
                rates[HISTORY - 1 - back as usize] = s.latencies.len() as u64;
            }
        }
        rates
    }

    /// The median and 99th percentile latency of each second with
    /// requests of the last [`HISTORY`], by seconds before the end of the
    /// charts (0 or less), in microseconds.
    pub fn latencies(&self) -> Vec<(i64, u64, u64)> {
        let Some(end) = self.end() else {
            return vec![];
        };
        self.seconds
            .iter()
            .filter(|s| !s.latencies.is_empty() && end - s.at < HISTORY as i64)
            .map(|s| {
                let mut l = s.latencies.clone();
                l.sort_unstable();
                let at = |q: f64| l[((l.len() - 1) as f64 * q).round() as usize];
                (s.at - end, at(0.5), at(0.99))
            })
            .collect()
    }

    /// Whether the figures are of the newest second alone: the log holds
    /// no other, and the view's clock has not read the time yet.
    fn only_the_newest(&self) -> bool {
        self.now.is_none() && self.seconds.len() == 1
    }

    /// The seconds of the `n` before the end of the charts (the second
    /// under way is still being written).
    fn recent(&self, n: usize) -> impl Iterator<Item = &Second> {
        let end = self.end().unwrap_or(0);
        let only = self.only_the_newest();
        self.seconds
            .iter()
            .filter(move |s| only || (s.at < end && s.at >= end - n as i64))
    }

    /// Requests a second over the `n` seconds before the end of the charts.
    pub fn recent_rate(&self, n: usize) -> f64 {
        let total: usize = self.recent(n).map(|s| s.latencies.len()).sum();
        let seconds = if self.only_the_newest() { 1 } else { n.max(1) };
        total as f64 / seconds as f64
    }

    /// The median and 99th percentile latency of the requests of the `n`
    /// seconds before the end of the charts, in microseconds.
    pub fn recent_latency(&self, n: usize) -> Option<(u64, u64)> {
        let mut all: Vec<u64> = self
            .recent(n)
            .flat_map(|s| s.latencies.iter().copied())
            .collect();
        if all.is_empty() {
            return None;
        }
        all.sort_unstable();
        let at = |q: f64| all[((all.len() - 1) as f64 * q).round() as usize];
        Some((at(0.5), at(0.99)))
    }

    /// The histogram of the newest `n` scores.
    pub fn histogram(&self, n: usize) -> Histogram {
        Histogram::of(self.scores.iter().rev().take(n).copied())
    }
}

/// A scenario as the replay picker lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioInfo {
    /// Its name, what `ninety replay` takes.
    pub name: String,
    /// What happens in it.
    pub about: String,
    /// Requests it sends.
    pub messages: usize,
    /// Its own requests a second.
    pub speed: f64,
    /// Its incident's kind (`none`).
    pub incident: String,
    /// The request its incident starts at (none without one).
    pub onset: Option<usize>,
}

impl ScenarioInfo {
    /// What the picker shows of `s`.
    pub fn of(s: &Scenario) -> Self {
        let incident = serde_json::to_value(s.incident.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| format!("{:?}", s.incident.kind));
        ScenarioInfo {
            name: s.name.clone(),
            about: s.about.clone(),
            messages: s.messages,
            speed: s.speed,
            onset: (incident != "none").then_some(s.incident.onset),
            incident,
        }
    }
}

/// The server a replay is sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    /// Its address, `http://host:port`.
    pub url: String,
    /// How it was found, in words.
    pub how: String,
    /// The model it serves, as `/readyz` said.
    pub model_id: Option<String>,
    /// Whether it is ready.
    pub ready: bool,
}

/// The scenarios of the workspace, and the files that did not load (why).
pub type Scenarios = (Vec<ScenarioInfo>, Vec<String>);

/// The replay picker: the scenarios, the server, the speed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Picker {
    /// The scenarios and the files that did not load, once read (or why
    /// they could not be).
    pub scenarios: Option<Result<Scenarios, String>>,
    /// The server, once looked for (or what to do without one).
    pub server: Option<Result<ServerInfo, String>>,
    /// The selected scenario.
    pub selected: usize,
    /// The speed (an index into [`SPEEDS`]).
    pub speed: usize,
}

impl Picker {
    /// The selected scenario, once read.
    pub fn scenario(&self) -> Option<&ScenarioInfo> {
        match &self.scenarios {
            Some(Ok((list, _))) => list.get(self.selected),
            _ => None,
        }
    }
}

/// The replay the view started.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Replay {
    /// None.
    #[default]
    Idle,
    /// `ninety replay` runs.
    Running {
        /// The scenario.
        scenario: String,
        /// The server.
        url: String,
        /// Its requests a second (`None`: the scenario's own).
        speed: Option<f64>,
        /// Requests it sends.
        messages: usize,
        /// Predictions the log gained since it started.
        seen: u64,
    },
    /// It ended: what it did.
    Done(Box<ReplayRecord>),
    /// It was stopped: after about this many predictions.
    Stopped(u64),
    /// It failed: its words.
    Failed(String),
}

/// The messages of an alert's windows, over the alerts pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    /// The alert.
    pub alert: Alert,
    /// The messages, once read (and how many more there were than shown),
    /// or why they could not be.
    pub rows: Option<Result<(Vec<LoggedPrediction>, usize), String>>,
    /// The first row shown.
    pub scroll: usize,
}

/// The monitor view's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonitorScreen {
    /// Where the monitor stage stands.
    pub follow: Follow,
    /// The pipeline's build, while the stage waits for it.
    pub building: Option<BuildProgress>,
    /// Stages asked for whose end has not been heard: more than one means
    /// the older ones were replaced, and what they still say is not news.
    pending: u32,
    /// The last report.
    pub report: Option<MonitorReport>,
    /// Reports received since the view opened.
    pub reports: u64,
    /// The stage's last warning.
    pub warning: Option<String>,
    /// The pane showing.
    pub pane: Pane,
    /// The selected statistic of the drift pane (an index into
    /// [`MonitorScreen::statistics`]).
    pub statistic: usize,
    /// The selected alert.
    pub alert: usize,
    /// The messages of an alert's windows, when open.
    pub detail: Option<Detail>,
    /// What the view read of the prediction log.
    pub traffic: Traffic,
    /// Where the next read of the log starts (`None`: at its end's last part).
    log_offset: Option<u64>,
    /// A read of the log is under way.
    tailing: bool,
    /// Why the log could not be read.
    pub log_problem: Option<String>,
    /// The reference's scores of the model served, once read (or why not),
    /// and that model.
    pub reference: Option<(String, Result<Histogram, String>)>,
    /// The replay picker, when open.
    pub picker: Option<Picker>,
    /// The replay the view started.
    pub replay: Replay,
    /// The view is open (it looks for the log while it is).
    open: bool,
    /// Which reading of the log from its end this is: what a read asked
    /// before says is not about this one.
    visit: u64,
    /// Which opening of the view this is: the clock of an earlier one stops.
    opening: u64,
    /// The last replay record's stamp, once looked at (`Some(None)`: there
    /// is none): a new one means a replay ended, and the monitor reads the
    /// logs again from where it began.
    replay_stamp: Option<Option<work::Stamp>>,
    /// Which replay: the end of one replaced is not the current one's.
    replays: u64,
    /// Where Back leads: the screen it was opened from.
    came_from: Option<ScreenId>,
}

/// The monitor view's messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Show the next pane.
    NextPane,
    /// Show the previous pane.
    PreviousPane,
    /// Move the selection this many rows (up: negative).
    Select(i32),
    /// Enter: the selected alert's messages; in the picker, replay.
    Open,
    /// Close the picker or the messages.
    Close,
    /// Open the replay picker, or stop the replay running.
    Replay,
    /// The next replay speed.
    Speed,
    /// Read the logs again (the monitor stage starts again).
    Again,
    /// The prediction log was read (in this visit).
    Tailed(u64, Result<Tail, WorkError>),
    /// The reference of this model was read.
    ReferenceRead(String, Result<Histogram, WorkError>),
    /// The messages from this request to that one were read.
    AlertRead(
        (String, String),
        Result<(Vec<LoggedPrediction>, usize), WorkError>,
    ),
    /// The scenarios were listed and the server looked for.
    Picked(Result<Scenarios, String>, Result<ServerInfo, String>),
    /// This replay ended.
    Replayed(u64, ChildEnd),
    /// The view's look at the data folder, once a second while it is open
    /// (this opening's).
    Looked(u64, work::Look),
}

impl Msg {
    /// Whether it comes from a worker (applied even under an overlay).
    pub fn is_from_a_worker(&self) -> bool {
        matches!(
            self,
            Msg::Tailed(..)
                | Msg::ReferenceRead(..)
                | Msg::AlertRead(..)
                | Msg::Picked(..)
                | Msg::Replayed(..)
                | Msg::Looked(..)
        )
    }
}

/// The prediction log of a data folder.
pub fn prediction_log(home: &DataHome) -> std::path::PathBuf {
    super::deploy::prediction_log(home)
}

/// The task that reads what the prediction log gained since `from`.
pub fn tail_task(visit: u64, from: Option<u64>) -> Task<Msg> {
    Task::new("read the new lines of the prediction log", move |ws| {
        Msg::Tailed(
            visit,
            work::tail(&prediction_log(&ws.home), from).map_err(WorkError::new),
        )
    })
}

/// The task that waits a second, then looks for a prediction in the log
/// and at the last replay's record: the view's clock while it is open.
pub fn look_task(opening: u64) -> Task<Msg> {
    Task::new(
        "look at the log and the replay record in a second",
        move |ws| {
            std::thread::sleep(std::time::Duration::from_secs(1));
            Msg::Looked(opening, work::look(&ws.home))
        },
    )
}

/// The task that reads the scores of `model`'s reference.
pub fn reference_task(model: String) -> Task<Msg> {
    Task::new(format!("read the reference of model {model}"), move |ws| {
        let read = work::reference(&ws.home, &model).map_err(WorkError::new);
        Msg::ReferenceRead(model, read)
    })
}

/// The task that reads the messages from request `first` to `last`.
pub fn alert_task(first: String, last: String) -> Task<Msg> {
    Task::new(
        format!("read the messages from {first} to {last}"),
        move |ws| {
            let read = work::window_messages(&prediction_log(&ws.home), &first, &last)
                .map_err(WorkError::new);
            Msg::AlertRead((first, last), read)
        },
    )
}

/// The task that lists the scenarios and looks for the server.
pub fn picker_task() -> Task<Msg> {
    Task::new("list the scenarios and look for the server", |ws| {
        Msg::Picked(work::scenarios(&ws.root), work::find_server(&ws.home))
    })
}

/// A speed in words.
pub fn speed_words(speed: Option<f64>, own: Option<f64>) -> String {
    match (speed, own) {
        (Some(0.0), _) => "as fast as answered".to_owned(),
        (Some(s), _) => format!("{s:.0}/s"),
        (None, Some(0.0)) => "its own speed (as fast as answered)".to_owned(),
        (None, Some(o)) => format!("its own speed ({o:.0}/s)"),
        (None, None) => "its own speed".to_owned(),
    }
}

impl MonitorScreen {
    /// Whether the monitor stage runs (or is about to).
    pub fn is_live(&self) -> bool {
        matches!(
            self.follow,
            Follow::Checking | Follow::Reading | Follow::Following
        )
    }

    /// The statistics the drift pane lists: those with a rule, in the
    /// rules' order, then the others of the last window.
    pub fn statistics(&self) -> Vec<String> {
        let Some(r) = &self.report else {
            return vec![];
        };
        let mut names: Vec<String> = r.rules.iter().map(|rule| rule.statistic.clone()).collect();
        for w in &r.windows {
            for name in w.statistics.keys() {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        names
    }

    /// The alert selected, if any.
    pub fn selected_alert(&self) -> Option<&Alert> {
        self.report.as_ref()?.alerts.get(self.alert)
    }

    /// Looks at the log, then reads it with the monitor stage (forgetting
    /// what was read of it before).
    fn check(&mut self) -> Vec<Effect<Msg>> {
        self.follow = Follow::Checking;
        self.traffic = Traffic::default();
        self.log_offset = None;
        self.visit += 1;
        self.tailing = true;
        vec![Effect::Task(tail_task(self.visit, None))]
    }

    /// Starts the monitor stage: once, or following the logs.
    fn start(&mut self, follow: bool, ctx: &Ctx) -> Vec<Effect<Msg>> {
        self.pending += 1;
        self.follow = if follow {
            Follow::Following
        } else {
            Follow::Reading
        };
        vec![Effect::RunStage(
            ScreenId::Monitor,
            StageCommand::Monitor(MonitorArgs {
                corpus: CorpusArg {
                    corpus: ctx.corpus.clone(),
                },
                follow,
                window: None,
                all: false,
            }),
        )]
    }

    /// Reads the log's new lines, unless a read is under way.
    fn tail(&mut self) -> Vec<Effect<Msg>> {
        if self.tailing {
            return vec![];
        }
        self.tailing = true;
        vec![Effect::Task(tail_task(self.visit, self.log_offset))]
    }

    /// Shows a report; reads the log's new lines, and the reference when
    /// the model is new.
    fn show(&mut self, report: MonitorReport) -> Vec<Effect<Msg>> {
        self.building = None;
        self.reports += 1;
        let mut effects = self.tail();
        if let Some(model) = &report.model_id
            && self.reference.as_ref().is_none_or(|(m, _)| m != model)
        {
            self.reference = Some((model.clone(), Err("reading...".into())));
            effects.push(Effect::Task(reference_task(model.clone())));
        }
        let alerts = report.alerts.len();
        self.alert = self.alert.min(alerts.saturating_sub(1));
        self.report = Some(report);
        self.statistic = self
            .statistic
            .min(self.statistics().len().saturating_sub(1));
        effects
    }

    fn on_event(&mut self, event: Event) -> Vec<Effect<Msg>> {
        match event {
            Event::Monitoring { report } => self.show(*report),
            Event::Log { message, .. } => {
                if let Some(w) = message.strip_prefix("warning: ") {
                    self.warning = Some(w.to_owned());
                }
                vec![]
            }
            _ => vec![],
        }
    }

    fn on_done(
        &mut self,
        result: Result<Summary, crate::pipeline::StageFailure>,
        ctx: &mut Ctx,
    ) -> Vec<Effect<Msg>> {
        self.building = None;
        match result {
            Ok(Summary::Monitor(report)) => {
                let mut effects = self.show(*report);
                if self.follow == Follow::Reading {
                    if self.reports == 1 {
                        ctx.flash(
                            "Following the logs: a report each time they grow. r replays a scenario.",
                        );
                    }
                    effects.extend(self.start(true, ctx));
                } else {
                    self.follow =
                        Follow::Failed("the monitor stage stopped following the logs".into());
                }
                effects
            }
            Ok(other) => {
                self.follow = Follow::Failed(format!(
                    "the monitor stage reported a {} summary",
                    other.name()
                ));
                vec![]
            }
            Err(crate::pipeline::StageFailure::Cancelled) => {
                self.follow = Follow::Idle;
                vec![]
            }
            Err(why) => {
                ctx.flash("The monitor stage stopped: the view says why. f starts it again.");
                self.follow = Follow::Failed(why.to_string());
                vec![]
            }
        }
    }

    /// Starts `ninety replay` of the picker's scenario.
    fn start_replay(&mut self, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        let Some(picker) = &self.picker else {
            return vec![];
        };
        let Some(scenario) = picker.scenario().cloned() else {
            ctx.flash("No scenario to replay yet.");
            return vec![];
        };
        let server = match &picker.server {
            Some(Ok(s)) => s.clone(),
            Some(Err(why)) => {
                ctx.flash(why.clone());
                return vec![];
            }
            None => {
                ctx.flash("Still looking for the server...");
                return vec![];
            }
        };
        let speed = SPEEDS[picker.speed % SPEEDS.len()];
        let mut args = vec![
            "replay".to_owned(),
            scenario.name.clone(),
            "--url".to_owned(),
            server.url.clone(),
            "--json".to_owned(),
        ];
        if let Some(s) = speed {
            args.push("--speed".to_owned());
            args.push(format!("{s}"));
        }
        self.picker = None;
        self.replays += 1;
        let number = self.replays;
        self.replay = Replay::Running {
            scenario: scenario.name.clone(),
            url: server.url.clone(),
            speed,
            messages: scenario.messages,
            seen: 0,
        };
        ctx.flash(format!(
            "Replaying {} to {} at {}: the monitor reads the log as it grows; r stops it.",
            scenario.name,
            server.url,
            speed_words(speed, Some(scenario.speed))
        ));
        vec![Effect::RunChild(
            ScreenId::Monitor,
            ChildJob::new(args, move |end| Msg::Replayed(number, end)),
        )]
    }

    /// A replay ended: says how, and reads the logs again with its record.
    fn replayed(&mut self, end: ChildEnd, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        let seen = match &self.replay {
            Replay::Running { seen, .. } => *seen,
            _ => 0,
        };
        self.replay = match end {
            ChildEnd::Exited {
                success, stdout, ..
            } if success || work::replay_record(&stdout).is_ok() => {
                match work::replay_record(&stdout) {
                    Ok(record) => {
                        ctx.flash(format!(
                            "The replay of {} ended: {} requests in {:.1} s, {} answered, {} reported by users. The monitor reads the logs again with its record.",
                            record.scenario.name,
                            record.sent,
                            record.seconds,
                            record.answered,
                            record.feedback
                        ));
                        Replay::Done(Box::new(record))
                    }
                    Err(why) => Replay::Failed(format!("ninety replay ended well but {why}")),
                }
            }
            ChildEnd::Exited {
                status,
                stdout,
                stderr,
                ..
            } => {
                let said = if stderr.trim().is_empty() {
                    stdout
                } else {
                    stderr
                };
                let why = format!(
                    "ninety replay ended with {status}:\n{}",
                    work::last_lines(&said, 8)
                );
                ctx.flash(format!("The replay failed: {why}"));
                Replay::Failed(why)
            }
            ChildEnd::Stopped => {
                ctx.flash("The replay was stopped.");
                Replay::Stopped(seen)
            }
            ChildEnd::NotStarted(why) => {
                ctx.flash(format!("The replay did not start: {why}"));
                Replay::Failed(why)
            }
        };
        // Its record, written as it ends, says where it began in the log;
        // the clock takes it as known.
        self.replay_stamp = None;
        match self.follow {
            Follow::Reading | Follow::Following => self.start(false, ctx),
            Follow::NoLog | Follow::Failed(_) => self.check(),
            Follow::Idle | Follow::Checking => vec![],
        }
    }
}

impl Screen for MonitorScreen {
    type Msg = Msg;

    fn update(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match msg {
            Msg::NextPane => {
                self.pane = self.pane.next();
                self.detail = None;
                vec![]
            }
            Msg::PreviousPane => {
                self.pane = self.pane.previous();
                self.detail = None;
                vec![]
            }
            Msg::Select(delta) => {
                let step = |at: usize, n: usize| -> usize {
                    if n == 0 {
                        0
                    } else {
                        (at as i64 + i64::from(delta)).clamp(0, n as i64 - 1) as usize
                    }
                };
                if let Some(p) = &mut self.picker {
                    let n = match &p.scenarios {
                        Some(Ok((list, _))) => list.len(),
                        _ => 0,
                    };
                    p.selected = step(p.selected, n);
                } else if let Some(d) = &mut self.detail {
                    let n = match &d.rows {
                        Some(Ok((rows, _))) => rows.len(),
                        _ => 0,
                    };
                    d.scroll = step(d.scroll, n);
                } else {
                    match self.pane {
                        Pane::Drift => {
                            self.statistic = step(self.statistic, self.statistics().len());
                        }
                        Pane::Alerts => {
                            let n = self.report.as_ref().map_or(0, |r| r.alerts.len());
                            self.alert = step(self.alert, n);
                        }
                        _ => {}
                    }
                }
                vec![]
            }
            Msg::Open => {
                if self.picker.is_some() {
                    return self.start_replay(ctx);
                }
                if self.detail.is_some() {
                    self.detail = None;
                    return vec![];
                }
                if self.pane != Pane::Alerts {
                    ctx.flash("Enter lists an alert's messages on the alerts pane (Tab).");
                    return vec![];
                }
                let Some(alert) = self.selected_alert().cloned() else {
                    ctx.flash("No alert to open: none has fired.");
                    return vec![];
                };
                let task = alert_task(alert.first_request.clone(), alert.last_request.clone());
                self.detail = Some(Detail {
                    alert,
                    rows: None,
                    scroll: 0,
                });
                vec![Effect::Task(task)]
            }
            Msg::Close => {
                if self.picker.take().is_none() {
                    self.detail = None;
                }
                vec![]
            }
            Msg::Replay => {
                if matches!(self.replay, Replay::Running { .. }) {
                    ctx.flash("Stopping the replay...");
                    return vec![Effect::StopChild(ScreenId::Monitor)];
                }
                self.detail = None;
                self.picker = Some(Picker::default());
                vec![Effect::Task(picker_task())]
            }
            Msg::Speed => {
                if let Some(p) = &mut self.picker {
                    p.speed = (p.speed + 1) % SPEEDS.len();
                }
                vec![]
            }
            Msg::Again => {
                ctx.flash("Reading the logs again...");
                self.check()
            }
            Msg::Tailed(visit, result) => {
                if visit != self.visit {
                    return vec![];
                }
                self.tailing = false;
                let tail = match result {
                    Ok(tail) => tail,
                    Err(why) => {
                        self.log_problem = Some(why.to_string());
                        return vec![];
                    }
                };
                self.log_problem = None;
                if tail.reset {
                    self.traffic = Traffic::default();
                }
                self.log_offset = Some(tail.offset);
                self.traffic.bad += tail.bad;
                self.traffic.add(&tail.records);
                if let Replay::Running { seen, .. } = &mut self.replay {
                    *seen += tail.records.len() as u64;
                }
                if self.follow != Follow::Checking {
                    return vec![];
                }
                if tail.exists && self.log_offset.is_some_and(|o| o > 0) {
                    ctx.flash(
                        "Reading the logs with your monitor lab's code (the monitor stage)...",
                    );
                    self.start(false, ctx)
                } else {
                    // The view's clock looks for the log from now on.
                    self.follow = Follow::NoLog;
                    vec![]
                }
            }
            Msg::Looked(opening, look) => {
                if opening != self.opening || !self.open {
                    return vec![];
                }
                let mut effects = vec![Effect::Task(look_task(self.opening))];
                self.traffic.now = look.now.or(self.traffic.now);
                let ended = matches!(self.replay_stamp, Some(before) if before != look.replay);
                self.replay_stamp = Some(look.replay);
                match self.follow {
                    Follow::NoLog if look.log => {
                        ctx.flash("The prediction log has appeared: reading it...");
                        effects.extend(self.check());
                    }
                    Follow::Reading | Follow::Following if ended => {
                        ctx.flash(
                            "A replay ended: the monitor reads the logs again from where it began.",
                        );
                        effects.extend(self.start(false, ctx));
                    }
                    _ => {}
                }
                effects
            }
            Msg::ReferenceRead(model, result) => {
                if self.reference.as_ref().is_some_and(|(m, _)| *m == model) {
                    self.reference = Some((model, result.map_err(|e| e.to_string())));
                }
                vec![]
            }
            Msg::AlertRead(range, result) => {
                if let Some(d) = &mut self.detail
                    && (
                        d.alert.first_request.as_str(),
                        d.alert.last_request.as_str(),
                    ) == (range.0.as_str(), range.1.as_str())
                {
                    d.rows = Some(result.map_err(|e| e.to_string()));
                }
                vec![]
            }
            Msg::Picked(scenarios, server) => {
                if let Some(p) = &mut self.picker {
                    p.scenarios = Some(scenarios);
                    p.server = Some(server);
                    p.selected = 0;
                }
                vec![]
            }
            Msg::Replayed(number, end) => {
                if number != self.replays || !matches!(self.replay, Replay::Running { .. }) {
                    return vec![];
                }
                self.replayed(end, ctx)
            }
        }
    }

    fn id(&self) -> ScreenId {
        ScreenId::Monitor
    }

    fn title(&self, _ctx: &Ctx) -> String {
        "monitor › live".to_owned()
    }

    fn header_right(&self, ctx: &Ctx) -> String {
        match (&self.replay, &self.report) {
            (Replay::Running { scenario, url, .. }, _) => format!("replaying {scenario} → {url}"),
            (_, Some(r)) => match &r.model_id {
                Some(id) => format!("model {id} · corpus: {}", ctx.corpus),
                None => format!("corpus: {}", ctx.corpus),
            },
            _ => format!("corpus: {}", ctx.corpus),
        }
    }

    fn keys(&self, _ctx: &Ctx) -> KeyTable<Msg> {
        let m = Act::Own;
        let close = |help: &str| {
            Binding::new(
                &[KeyCode::Esc, KeyCode::Left, KeyCode::Backspace],
                "Esc / ←",
                help,
                m(Msg::Close),
            )
            .footer("close")
        };
        let quiet_back = || {
            Binding::new(
                &[KeyCode::Char('q')],
                "q",
                "back (the monitor and a replay stop)",
                Act::Back,
            )
        };
        if self.picker.is_some() {
            return KeyTable::new()
                .extend(up_down_in_footer(
                    "choose a scenario",
                    Msg::Select(-1),
                    Msg::Select(1),
                    "scenario",
                ))
                .with(
                    Binding::new(
                        &[KeyCode::Enter],
                        "Enter",
                        "replay it to the server (ninety replay, as a child of the workbench)",
                        m(Msg::Open),
                    )
                    .footer("replay"),
                )
                .with(
                    Binding::char('s', "the next speed to send it at", m(Msg::Speed))
                        .footer("speed"),
                )
                .with(close("close the picker"))
                .with(help_row())
                .with(message_row())
                .with(quiet_back());
        }
        if self.detail.is_some() {
            return KeyTable::new()
                .extend(up_down_in_footer(
                    "scroll the messages",
                    Msg::Select(-1),
                    Msg::Select(1),
                    "scroll",
                ))
                .extend(pages(
                    "ten messages at a time",
                    Msg::Select(-PAGE),
                    Msg::Select(PAGE),
                ))
                .with(Binding::new(
                    &[KeyCode::Enter],
                    "Enter",
                    "back to the alerts",
                    m(Msg::Close),
                ))
                .with(close("back to the alerts"))
                .with(help_row())
                .with(message_row())
                .with(quiet_back());
        }
        let own = match self.pane {
            Pane::Drift => KeyTable::new().extend(up_down_in_footer(
                "choose a statistic",
                Msg::Select(-1),
                Msg::Select(1),
                "statistic",
            )),
            Pane::Alerts => KeyTable::new()
                .extend(up_down_in_footer(
                    "choose an alert",
                    Msg::Select(-1),
                    Msg::Select(1),
                    "alert",
                ))
                .with(
                    Binding::new(
                        &[KeyCode::Enter],
                        "Enter",
                        "list the messages of the alert's windows (from the prediction log)",
                        m(Msg::Open),
                    )
                    .footer("messages"),
                ),
            _ => KeyTable::new(),
        };
        let replaying = matches!(self.replay, Replay::Running { .. });
        // Before a report there are no panes to move between.
        let panes = if self.report.is_some() {
            own.with(
                Binding::new(
                    &[KeyCode::Tab],
                    "Tab / ⇧Tab",
                    "the next pane (⇧Tab: the one before)",
                    m(Msg::NextPane),
                )
                .footer_as("Tab", self.pane.next().name()),
            )
            .with(Binding::new(
                &[KeyCode::BackTab],
                "",
                "",
                m(Msg::PreviousPane),
            ))
        } else {
            KeyTable::new()
        };
        panes
            .with(
                Binding::char(
                    'r',
                    "replay a scenario to the server (ninety replay), or stop the replay",
                    m(Msg::Replay),
                )
                .footer(if replaying { "stop replay" } else { "replay" }),
            )
            .with(
                Binding::char(
                    'f',
                    "read the logs again (the monitor stage starts again)",
                    m(Msg::Again),
                )
                .footer("again"),
            )
            .with(book_row("open the monitor chapter in a browser").no_footer())
            .with(help_row())
            .with(message_row())
            .with(back_row("back (the monitor and a replay stop)"))
    }

    fn parent(&self) -> Option<ScreenId> {
        Some(self.came_from.unwrap_or(ScreenId::Map))
    }

    fn open(&mut self, from: ScreenId, _ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        if from != ScreenId::Monitor {
            self.came_from = Some(from);
        }
        self.open = true;
        self.picker = None;
        self.detail = None;
        self.warning = None;
        self.reports = 0;
        self.opening += 1;
        self.replay_stamp = None;
        let mut effects = self.check();
        effects.push(Effect::Task(look_task(self.opening)));
        effects
    }

    fn close(&mut self, _ctx: &mut Ctx) {
        // The runtime ended the stage and the replay with the view.
        self.open = false;
        self.follow = Follow::Idle;
        self.building = None;
        if matches!(self.replay, Replay::Running { .. }) {
            self.replay = Replay::Idle;
        }
    }

    fn on_stage(&mut self, update: StageMsg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        // Only a stage asked for in this visit, and not replaced since.
        let ours = self.open && matches!(self.follow, Follow::Reading | Follow::Following);
        if let StageMsg::Done(result) = update {
            self.pending = self.pending.saturating_sub(1);
            if self.pending > 0 || !ours {
                // A stage replaced, or left behind with the view.
                return vec![];
            }
            return self.on_done(*result, ctx);
        }
        if self.pending > 1 || !ours {
            return vec![];
        }
        match update {
            StageMsg::Building(p) => {
                self.building = Some(p);
                vec![]
            }
            StageMsg::Event(event) => self.on_event(event),
            StageMsg::Done(_) => vec![],
        }
    }

    fn busy(&self) -> bool {
        self.is_live() || matches!(self.replay, Replay::Running { .. })
    }

    fn render(&self, _ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        view::render(self, area, buf);
    }
}
