//! The deploy view: the pipeline's `serve` stage as a child process,
//! watched live, load-tested, and pointed at another model.
//!
//! `s` starts the server (the champion on a free port of this machine) and
//! stops it: stopping sends it SIGTERM, so it finishes the requests in
//! flight, flushes the prediction log and reports what it did. Leaving the
//! view, or quitting, ends it with its handle like every stage. The view
//! draws what the server reports once a second (readiness, the request
//! rate, p50 and p99 latency over the last minute), the last predictions
//! from the prediction log (only the bytes added since the last read), and
//! the model registry with the champion marked. `l` runs `ninety load`
//! against it as a child; `p` promotes the selected model and `r` rolls
//! back, and a running server loads the new champion through its admin
//! route (`POST /admin/reload`, no request dropped), or is stopped and
//! started again when it cannot.

pub mod view;
pub mod work;

#[cfg(test)]
pub(crate) mod tests;

use super::{Screen, ScreenId};
use crate::pipeline::BuildProgress;
use crate::workbench::ctx::{Ctx, Effect, StageMsg, Task, WorkError};
use crate::workbench::keys::{
    Act, Binding, KeyTable, back_row, book_row, help_row, message_row, up_down_in_footer,
};
use ninety_kit::command::{CorpusArg, ServeArgs, StageCommand};
use ninety_kit::records::Summary;
use ninety_kit::records::serve::{LoggedPrediction, Readiness, ServeStatus, ServeSummary, Swapped};
use ninety_kit::registry::{Registered, Registry};
use ninety_kit::{DataHome, Event};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::collections::VecDeque;

/// Seconds of figures the charts draw.
pub const HISTORY: usize = 60;

/// Predictions the view keeps from the log (the newest).
pub const KEEP: usize = 100;

/// Lines of the server's own log kept.
const LOG_LINES: usize = 50;

/// Where the server stands, as far as the view knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Server {
    /// Not running.
    #[default]
    Stopped,
    /// Asked to start: the pipeline builds, then the server loads its
    /// model and binds its port.
    Starting,
    /// Listening.
    Running,
    /// Asked to stop: it finishes the requests in flight. Asked before it
    /// listened, the stop is sent once it does.
    Stopping,
}

/// One second of the server's figures, for the charts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Requests answered in that second.
    pub per_second: f64,
    /// Their median latency, in microseconds.
    pub p50_us: Option<u64>,
    /// Their 99th percentile, in microseconds.
    pub p99_us: Option<u64>,
}

/// The model registry as the view shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Models {
    /// Every registered model, the newest first.
    pub list: Vec<Registered>,
    /// The champion's id, when there is one.
    pub champion: Option<String>,
}

/// A change of champion that was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// This model was promoted.
    Promoted(String),
    /// The champion before was put back: this one.
    RolledBack(String),
}

/// What the prediction log gave since the last read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tail {
    /// Where the next read starts (after the last whole line read).
    pub offset: u64,
    /// The records read, in the log's order (at most [`KEEP`]).
    pub records: Vec<LoggedPrediction>,
    /// Lines that are not a prediction record.
    pub bad: usize,
    /// The records do not follow the ones before: the log was replaced, or
    /// so much was added that only its end was read.
    pub reset: bool,
}

/// The last load test.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Load {
    /// None yet.
    #[default]
    Idle,
    /// `ninety load` is running against this address.
    Running(String),
    /// Its report (what `ninety load --json` prints).
    Done(Box<crate::cli::load::LoadReport>),
    /// It did not run, or gave no report: its own words.
    Failed(String),
}

/// The deploy view's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeployScreen {
    /// Where the server stands.
    pub server: Server,
    /// The pipeline's build, while the server waits for it.
    pub building: Option<BuildProgress>,
    /// The address it listens on.
    pub address: Option<String>,
    /// The file holding the token its admin routes ask for, as it said.
    pub token_path: Option<std::path::PathBuf>,
    /// The model it serves.
    pub model_id: Option<String>,
    /// Whether it is ready (unknown until it says, or `/readyz` does).
    pub ready: Option<bool>,
    /// Why it is not ready, when it said.
    pub not_ready: Option<String>,
    /// Its last report of its figures.
    pub status: Option<ServeStatus>,
    /// Its figures of the last [`HISTORY`] seconds, the newest last.
    pub history: VecDeque<Sample>,
    /// Its last log lines.
    pub log: Vec<String>,
    /// Its last warning (no champion, an empty registry).
    pub warning: Option<String>,
    /// Why it stopped when it should not have, or did not start.
    pub problem: Option<String>,
    /// What it reported when it last stopped.
    pub summary: Option<ServeSummary>,
    /// Start it again once it has stopped (the champion changed).
    pub restart: bool,
    /// Stages asked for whose end has not been heard: more than one means
    /// the older ones were replaced or left behind, and what they still
    /// say is not about the server shown.
    pending: u32,
    /// The registry, once read (or why it could not be).
    pub models: Option<Result<Models, String>>,
    /// The selected model (an index into the registry's list).
    pub selected: usize,
    /// The newest predictions of the log, the newest last.
    pub requests: VecDeque<LoggedPrediction>,
    /// Where the next read of the log starts (`None`: at its end's last
    /// part, on the first read).
    log_offset: Option<u64>,
    /// A read of the log is under way.
    tailing: bool,
    /// Lines of the log that were not records, so far.
    pub bad_lines: usize,
    /// Why the log could not be read.
    pub log_problem: Option<String>,
    /// The last load test.
    pub load: Load,
    /// Where Back leads: the screen it was opened from.
    came_from: Option<ScreenId>,
}

/// The deploy view's messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Start the server, or stop it.
    Toggle,
    /// Run a load test against it.
    Load,
    /// Promote the selected model.
    Promote,
    /// Put back the champion before this one.
    Rollback,
    /// Move the model selection by this many rows.
    Select(i32),
    /// The registry was read.
    Models(Result<Models, WorkError>),
    /// The champion was changed (or could not be).
    Changed(Result<(Change, Models), WorkError>),
    /// The prediction log was read.
    Tailed(Result<Tail, WorkError>),
    /// `/readyz` of this address answered (or could not be asked).
    Probed(String, Result<Readiness, WorkError>),
    /// `POST /admin/reload` of this address swapped the champion in (or
    /// could not).
    Reloaded(String, Result<Swapped, WorkError>),
    /// The server was sent SIGTERM (this many processes), or could not be.
    StopSent(Result<usize, WorkError>),
    /// The load test ended.
    Loaded(Load),
}

impl Msg {
    /// Whether it comes from a worker (applied even under an overlay).
    pub fn is_from_a_worker(&self) -> bool {
        matches!(
            self,
            Msg::Models(_)
                | Msg::Changed(_)
                | Msg::Tailed(_)
                | Msg::Probed(..)
                | Msg::Reloaded(..)
                | Msg::StopSent(_)
                | Msg::Loaded(_)
        )
    }
}

/// The prediction log of a data folder (where the serve stage appends).
pub fn prediction_log(home: &DataHome) -> std::path::PathBuf {
    home.root().join("serve").join("predictions.jsonl")
}

/// The registry as the view shows it.
pub fn read_models(home: &DataHome) -> Result<Models, ninety_kit::registry::RegistryError> {
    let registry = Registry::new(home);
    Ok(Models {
        list: registry.list()?,
        champion: registry.champion()?,
    })
}

/// The task that reads the registry.
pub fn models_task() -> Task<Msg> {
    Task::new("read the model registry", |ws| {
        Msg::Models(read_models(&ws.home).map_err(WorkError::new))
    })
}

/// The task that makes `id` the champion.
pub fn promote_task(id: String) -> Task<Msg> {
    Task::new(format!("promote {id}"), move |ws| {
        let result = Registry::new(&ws.home)
            .promote(&id)
            .and_then(|id| Ok((Change::Promoted(id), read_models(&ws.home)?)));
        Msg::Changed(result.map_err(WorkError::new))
    })
}

/// The task that puts back the champion before the current one.
pub fn rollback_task() -> Task<Msg> {
    Task::new("roll back the champion", |ws| {
        let result = Registry::new(&ws.home)
            .rollback()
            .and_then(|id| Ok((Change::RolledBack(id), read_models(&ws.home)?)));
        Msg::Changed(result.map_err(WorkError::new))
    })
}

/// The task that reads what the prediction log gained since `from`.
pub fn tail_task(from: Option<u64>) -> Task<Msg> {
    Task::new("read the new lines of the prediction log", move |ws| {
        Msg::Tailed(work::tail(&prediction_log(&ws.home), from).map_err(WorkError::new))
    })
}

/// The task that asks the server at `address` whether it is ready.
pub fn probe_task(address: String) -> Task<Msg> {
    Task::new(format!("GET {address}/readyz"), move |_| {
        let answer = work::probe(&address);
        Msg::Probed(address, answer)
    })
}

/// The task that asks the server at `address` to load the champion
/// (`POST /admin/reload`, with the token from `token_path`).
pub fn reload_task(address: String, token_path: std::path::PathBuf) -> Task<Msg> {
    Task::new(format!("POST {address}/admin/reload"), move |_| {
        let answer = work::reload(&address, &token_path);
        Msg::Reloaded(address, answer)
    })
}

/// The task that sends the server SIGTERM.
pub fn stop_task() -> Task<Msg> {
    Task::new("stop the server (SIGTERM)", |_| {
        Msg::StopSent(work::terminate_server())
    })
}

/// The task that runs `ninety load` against `address`.
pub fn load_task(address: String) -> Task<Msg> {
    Task::new(
        format!("ninety load --url {address} --duration 5 --json"),
        move |ws| Msg::Loaded(work::load_test(ws, &address)),
    )
}

impl DeployScreen {
    /// Whether the server is up or on its way (a stage runs for it).
    pub fn is_live(&self) -> bool {
        self.server != Server::Stopped
    }

    /// The selected model, if any.
    pub fn selected_model(&self) -> Option<&Registered> {
        match &self.models {
            Some(Ok(m)) => m.list.get(self.selected),
            _ => None,
        }
    }

    /// The champion's id, if known.
    pub fn champion(&self) -> Option<&str> {
        match &self.models {
            Some(Ok(m)) => m.champion.as_deref(),
            _ => None,
        }
    }

    /// Forgets what was shown of the server that ran last.
    fn clear_server(&mut self) {
        self.building = None;
        self.address = None;
        self.token_path = None;
        self.model_id = None;
        self.ready = None;
        self.not_ready = None;
        self.status = None;
        self.history.clear();
        self.warning = None;
    }

    /// Starts the serve stage (replacing the one running, if any).
    fn start(&mut self, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        self.clear_server();
        self.problem = None;
        self.summary = None;
        self.log.clear();
        self.server = Server::Starting;
        self.pending += 1;
        vec![Effect::RunStage(
            ScreenId::Deploy,
            StageCommand::Serve(ServeArgs {
                corpus: CorpusArg {
                    corpus: ctx.corpus.clone(),
                },
                // Any free port: two workbenches, or a `ninety serve` in
                // another terminal, do not collide.
                port: 0,
                ..ServeArgs::default()
            }),
        )]
    }

    /// Asks the server to stop (at once when it listens; else once it does).
    fn stop(&mut self, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        let listening = self.address.is_some();
        self.server = Server::Stopping;
        if listening {
            ctx.flash("Stopping the server: it finishes the requests in flight first...");
            vec![Effect::Task(stop_task())]
        } else {
            ctx.flash(
                "The server stops as soon as it has started (leaving the view stops it at once).",
            );
            vec![]
        }
    }

    /// Serves the new champion: a running server that has admin routes
    /// swaps it in (no request dropped); one without them is stopped and
    /// started again; one still starting is replaced.
    fn serve_champion(&mut self, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match (self.server, &self.address, &self.token_path) {
            (Server::Running, Some(address), Some(token)) => {
                vec![Effect::Task(reload_task(address.clone(), token.clone()))]
            }
            _ => self.restart(ctx),
        }
    }

    /// Stops a running server and starts it again; replaces one still
    /// starting.
    fn restart(&mut self, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match self.server {
            Server::Stopped => vec![],
            Server::Running => {
                self.restart = true;
                self.stop(ctx)
            }
            Server::Stopping => {
                self.restart = true;
                vec![]
            }
            Server::Starting => self.start(ctx),
        }
    }

    /// Reads the prediction log's new lines, unless a read is under way.
    fn tail(&mut self) -> Vec<Effect<Msg>> {
        if self.tailing {
            return vec![];
        }
        self.tailing = true;
        vec![Effect::Task(tail_task(self.log_offset))]
    }

    /// The server says it listens at `address`.
    fn listening(&mut self, address: String, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        if self.address.as_deref() == Some(address.as_str()) {
            return vec![];
        }
        self.address = Some(address.clone());
        self.building = None;
        let mut effects = vec![Effect::Task(probe_task(address.clone()))];
        match self.server {
            Server::Stopping => effects.push(Effect::Task(stop_task())),
            _ => {
                self.server = Server::Running;
                ctx.flash(format!(
                    "Serving on {address}: l sends it 5 s of load; s stops it, and so does leaving the view."
                ));
            }
        }
        effects
    }

    fn on_event(&mut self, event: Event, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match event {
            Event::Log { message, .. } => {
                self.building = None;
                let mut effects = vec![];
                if let Some(rest) = message.strip_prefix("listening on ")
                    && let Some(address) = rest.split_whitespace().next()
                {
                    // `(prediction log: PATH; admin token: PATH)`
                    self.token_path = rest
                        .split_once("admin token: ")
                        .map(|(_, p)| p.trim_end().trim_end_matches(')'))
                        .filter(|p| !p.is_empty())
                        .map(std::path::PathBuf::from);
                    effects.extend(self.listening(address.to_owned(), ctx));
                } else if let Some(rest) = message.strip_prefix("serving model ")
                    && let Some(id) = rest.split_whitespace().next()
                {
                    self.model_id = Some(id.to_owned());
                } else if message.starts_with("warning") {
                    self.warning = Some(message.clone());
                } else if self.address.is_some() {
                    // Its once-a-second line while requests come.
                    effects.extend(self.tail());
                }
                self.log.push(message);
                if self.log.len() > LOG_LINES {
                    self.log.remove(0);
                }
                effects
            }
            Event::Serving { status } => {
                let mut effects = self.listening(status.address.clone(), ctx);
                // Not ready where it was: `/readyz` says why.
                if !status.ready && self.ready != Some(false) {
                    effects.push(Effect::Task(probe_task(status.address.clone())));
                }
                self.ready = Some(status.ready);
                if status.ready {
                    self.not_ready = None;
                }
                self.model_id = status.model_id.clone().or(self.model_id.take());
                self.history.push_back(Sample {
                    per_second: status.per_second,
                    p50_us: status.p50_us,
                    p99_us: status.p99_us,
                });
                while self.history.len() > HISTORY {
                    self.history.pop_front();
                }
                self.status = Some(status);
                effects.extend(self.tail());
                effects
            }
            _ => vec![],
        }
    }

    fn on_done(
        &mut self,
        result: Result<Summary, crate::pipeline::StageFailure>,
        ctx: &mut Ctx,
    ) -> Vec<Effect<Msg>> {
        let was = self.server;
        self.server = Server::Stopped;
        self.building = None;
        let restart = std::mem::take(&mut self.restart);
        let mut effects = self.tail();
        match result {
            Ok(Summary::Serve(summary)) => {
                if restart {
                    ctx.flash("The server stopped; starting it again to serve the champion...");
                    effects.extend(self.start(ctx));
                    return effects;
                }
                ctx.flash(format!(
                    "The server stopped after {} predictions in {:.0} s; the requests in flight were answered.",
                    summary.predictions, summary.seconds
                ));
                self.summary = Some(summary);
            }
            Ok(other) => {
                self.problem = Some(format!(
                    "the serve stage reported a {} summary",
                    other.name()
                ));
            }
            Err(crate::pipeline::StageFailure::Cancelled) => {
                if was != Server::Stopped {
                    ctx.flash("The server was stopped.");
                }
            }
            Err(why) => {
                ctx.flash("The server stopped: the panel says why. The workbench is fine.");
                self.problem = Some(why.to_string());
            }
        }
        effects
    }
}

impl Screen for DeployScreen {
    type Msg = Msg;

    fn update(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match msg {
            Msg::Toggle => match self.server {
                Server::Stopped => {
                    ctx.flash(
                        "Starting the server: the pipeline's serve stage, on a free port of this machine...",
                    );
                    self.start(ctx)
                }
                Server::Starting | Server::Running => {
                    self.restart = false;
                    self.stop(ctx)
                }
                Server::Stopping => {
                    ctx.flash("The server is stopping already.");
                    vec![]
                }
            },
            Msg::Load => {
                if matches!(self.load, Load::Running(_)) {
                    ctx.flash("A load test is running; its report comes in a few seconds.");
                    return vec![];
                }
                let Some(address) = self
                    .address
                    .clone()
                    .filter(|_| self.server == Server::Running)
                else {
                    ctx.flash("Start the server first (s): the load test needs its address.");
                    return vec![];
                };
                self.load = Load::Running(address.clone());
                ctx.flash(format!(
                    "Load test: ninety load --url {address} --duration 5 --json ..."
                ));
                vec![Effect::Task(load_task(address))]
            }
            Msg::Promote => {
                let Some(model) = self.selected_model() else {
                    ctx.flash("No model to promote: `ninety run evaluate` registers one.");
                    return vec![];
                };
                if self.champion() == Some(model.id.as_str()) {
                    ctx.flash(format!("{} is the champion already.", model.id));
                    return vec![];
                }
                let id = model.id.clone();
                ctx.flash(format!("Promoting {id}..."));
                vec![Effect::Task(promote_task(id))]
            }
            Msg::Rollback => {
                ctx.flash("Rolling back to the champion before...");
                vec![Effect::Task(rollback_task())]
            }
            Msg::Select(delta) => {
                let n = match &self.models {
                    Some(Ok(m)) => m.list.len(),
                    _ => 0,
                };
                if n > 0 {
                    self.selected =
                        (self.selected as i64 + i64::from(delta)).clamp(0, n as i64 - 1) as usize;
                }
                vec![]
            }
            Msg::Models(result) => {
                self.set_models(result.map_err(|e| e.to_string()), None);
                vec![]
            }
            Msg::Changed(Ok((change, models))) => {
                let id = match &change {
                    Change::Promoted(id) | Change::RolledBack(id) => id.clone(),
                };
                self.set_models(Ok(models), Some(&id));
                let done = match change {
                    Change::Promoted(_) => format!("Promoted {id}: it is the champion"),
                    Change::RolledBack(_) => format!("Rolled back: {id} is the champion again"),
                };
                ctx.flash(match self.server {
                    Server::Stopped => format!("{done}; s serves it."),
                    _ => format!("{done}; the server is told to serve it..."),
                });
                self.serve_champion(ctx)
            }
            Msg::Changed(Err(why)) => {
                ctx.flash(format!("The champion did not change: {why}"));
                vec![]
            }
            Msg::Tailed(result) => {
                self.tailing = false;
                match result {
                    Ok(tail) => {
                        self.log_problem = None;
                        if tail.reset {
                            self.requests.clear();
                        }
                        self.log_offset = Some(tail.offset);
                        self.bad_lines += tail.bad;
                        self.requests.extend(tail.records);
                        while self.requests.len() > KEEP {
                            self.requests.pop_front();
                        }
                    }
                    Err(why) => self.log_problem = Some(why.to_string()),
                }
                vec![]
            }
            Msg::Probed(address, result) => {
                if self.address.as_deref() == Some(address.as_str()) {
                    match result {
                        Ok(r) => {
                            let why = (!r.reasons.is_empty()).then(|| r.reasons.join("; "));
                            if let Some(why) = &why
                                && self.not_ready.as_ref() != Some(why)
                            {
                                ctx.flash(format!("The server is not ready: {why}"));
                            }
                            self.ready = Some(r.ready);
                            self.not_ready = why;
                            self.model_id = r.model_id.or(self.model_id.take());
                        }
                        Err(why) => {
                            self.not_ready = Some(format!("/readyz did not answer: {why}"));
                        }
                    }
                }
                vec![]
            }
            Msg::Reloaded(address, result) => {
                if self.address.as_deref() != Some(address.as_str())
                    || self.server != Server::Running
                {
                    return vec![];
                }
                match result {
                    Ok(swapped) => {
                        ctx.flash(format!(
                            "The server serves {} now: swapped in without dropping a request.",
                            swapped.model_id
                        ));
                        self.model_id = Some(swapped.model_id);
                        // What it warned of was about the model before.
                        self.warning = None;
                        vec![Effect::Task(probe_task(address))]
                    }
                    Err(why) => {
                        ctx.flash(format!(
                            "The server could not swap the model in ({why}); restarting it..."
                        ));
                        self.restart(ctx)
                    }
                }
            }
            Msg::StopSent(Ok(_)) => vec![],
            Msg::StopSent(Err(why)) => {
                if self.server != Server::Stopping {
                    return vec![];
                }
                if std::mem::take(&mut self.restart) {
                    // It cannot be asked to stop: replace it (its handle ends it).
                    return self.start(ctx);
                }
                self.server = Server::Running;
                ctx.flash(format!(
                    "Could not stop the server ({why}); leaving the view stops it."
                ));
                vec![]
            }
            Msg::Loaded(load) => {
                ctx.flash(match &load {
                    Load::Done(_) => "The load test ended: its figures are in the load pane.",
                    _ => "The load test did not run: the load pane says why.",
                });
                self.load = load;
                self.tail()
            }
        }
    }

    fn id(&self) -> ScreenId {
        ScreenId::Deploy
    }

    fn title(&self, _ctx: &Ctx) -> String {
        "deploy › serve".to_owned()
    }

    fn header_right(&self, ctx: &Ctx) -> String {
        match (&self.address, self.server) {
            (Some(address), Server::Running | Server::Stopping) => address.clone(),
            _ => format!("corpus: {}", ctx.corpus),
        }
    }

    fn keys(&self, _ctx: &Ctx) -> KeyTable<Msg> {
        let m = Act::Own;
        KeyTable::new()
            .with(
                Binding::char(
                    's',
                    "start the server (the serve stage, as a child process), or stop it",
                    m(Msg::Toggle),
                )
                .footer(if self.is_live() { "stop" } else { "start" }),
            )
            .with(
                Binding::char(
                    'l',
                    "load test: ninety load against the server for 5 s",
                    m(Msg::Load),
                )
                .footer("load"),
            )
            .extend(up_down_in_footer(
                "choose a model",
                Msg::Select(-1),
                Msg::Select(1),
                "model",
            ))
            .with(
                Binding::char(
                    'p',
                    "promote the selected model to champion (a running server restarts)",
                    m(Msg::Promote),
                )
                .footer("promote"),
            )
            .with(
                Binding::char(
                    'r',
                    "roll back to the champion before (a running server restarts)",
                    m(Msg::Rollback),
                )
                .footer("rollback"),
            )
            .with(book_row("open the deploy chapter in a browser").no_footer())
            .with(help_row())
            .with(message_row())
            .with(back_row("back (the server stops)"))
    }

    fn parent(&self) -> Option<ScreenId> {
        Some(self.came_from.unwrap_or(ScreenId::Map))
    }

    fn open(&mut self, from: ScreenId, _ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        if from != ScreenId::Deploy {
            self.came_from = Some(from);
        }
        // The server of an earlier visit ended when the view was left; its
        // last words, still on their way, are not about a server shown.
        if self.server != Server::Stopped {
            self.server = Server::Stopped;
            self.restart = false;
            self.clear_server();
        }
        let mut effects = vec![Effect::Task(models_task())];
        effects.extend(self.tail());
        effects
    }

    fn on_stage(&mut self, update: StageMsg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        if let StageMsg::Done(result) = update {
            self.pending = self.pending.saturating_sub(1);
            if self.pending > 0 || self.server == Server::Stopped {
                // A server replaced, or left behind with the view.
                return vec![];
            }
            return self.on_done(*result, ctx);
        }
        if self.pending > 1 || self.server == Server::Stopped {
            return vec![];
        }
        match update {
            StageMsg::Building(p) => {
                self.building = Some(p);
                vec![]
            }
            StageMsg::Event(event) => self.on_event(event, ctx),
            StageMsg::Done(_) => vec![],
        }
    }

    fn busy(&self) -> bool {
        self.is_live() || matches!(self.load, Load::Running(_))
    }

    fn render(&self, _ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        view::render(self, area, buf);
    }
}

impl DeployScreen {
    /// Shows the registry read, the selection kept on the same model (or
    /// put on `select`).
    fn set_models(&mut self, models: Result<Models, String>, select: Option<&str>) {
        let keep = select
            .map(str::to_owned)
            .or_else(|| self.selected_model().map(|m| m.id.clone()));
        if let Ok(m) = &models {
            self.selected = keep
                .and_then(|id| m.list.iter().position(|r| r.id == id))
                .or_else(|| {
                    m.champion
                        .as_ref()
                        .and_then(|c| m.list.iter().position(|r| &r.id == c))
                })
                .unwrap_or(0)
                .min(m.list.len().saturating_sub(1));
        }
        self.models = Some(models);
    }
}
