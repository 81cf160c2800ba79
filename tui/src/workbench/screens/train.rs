//! The train view: loss and validation curves drawn as the run goes, the
//! baselines as lines to beat, and the runs so far. A run is the pipeline's
//! train stage in a child process; leaving the view stops it.

use super::{Screen, ScreenId, building_line};
use crate::pipeline::BuildProgress;
use crate::workbench::ctx::{Ctx, Effect, StageMsg, Task};
use crate::workbench::keys::{Act, Binding, KeyTable, back_row, book_row, help_row, message_row};
use ninety_kit::command::{CorpusArg, StageCommand, TrainArgs};
use ninety_kit::metrics::Metrics;
use ninety_kit::records::Summary;
use ninety_kit::records::train::{EpochReport, TrainRun};
use ninety_kit::{Event, ModelKind, SplitKind};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{
    Axis, Block, Borders, Chart, Dataset, GraphType, LegendPosition, Paragraph, Widget, Wrap,
};
use std::collections::BTreeMap;

/// Log lines kept for the view.
const LOG_LINES: usize = 200;

/// The train view's state.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainScreen {
    /// The model the next run trains.
    pub model: ModelKind,
    /// The split the next run uses.
    pub split: SplitKind,
    /// A run is going on.
    pub running: bool,
    /// The pipeline's build, while the run waits for it.
    pub building: Option<BuildProgress>,
    /// Each model's epochs so far (a run trains the logistic regression
    /// baseline first, then its own model).
    pub epochs: BTreeMap<ModelKind, Vec<EpochReport>>,
    /// The run's last log lines.
    pub log: Vec<String>,
    /// The finished run.
    pub summary: Option<TrainRun>,
    /// Why the last run failed: the stage's message, or the compiler's.
    pub problem: Option<String>,
    /// The recorded runs, newest first.
    pub runs: Vec<TrainRun>,
}

impl Default for TrainScreen {
    fn default() -> Self {
        TrainScreen {
            model: ModelKind::FastText,
            split: SplitKind::Random,
            running: false,
            building: None,
            epochs: BTreeMap::new(),
            log: Vec::new(),
            summary: None,
            problem: None,
            runs: Vec::new(),
        }
    }
}

/// The train view's messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Start a training run.
    Start,
    /// Switch the model of the next run.
    ToggleModel,
    /// Switch the split of the next run.
    ToggleSplit,
    /// The recorded runs were read.
    RunsLoaded(Vec<TrainRun>),
}

impl Msg {
    /// Whether it comes from a worker (applied even under an overlay).
    pub fn is_from_a_worker(&self) -> bool {
        matches!(self, Msg::RunsLoaded(_))
    }
}

/// What the train view says when it shows the reference run.
pub const REFERENCE_RUN_NOTE: &str = "Showing the reference run, trained by `ninety init` with the course's solution; r trains with your lab's code, and your runs list above it.";

/// The task that reads the recorded runs.
pub fn runs_task() -> Task<Msg> {
    Task::new("read the recorded runs", |ws| {
        let (runs, _) = ninety_kit::records::train::load_runs(&ws.home);
        Msg::RunsLoaded(runs)
    })
}

impl TrainScreen {}

impl Screen for TrainScreen {
    type Msg = Msg;

    fn update(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match msg {
            Msg::Start => {
                if self.running {
                    return vec![];
                }
                self.running = true;
                self.building = None;
                self.epochs.clear();
                self.log.clear();
                self.summary = None;
                self.problem = None;
                ctx.flash(format!(
                    "Training {} on the {} split of {} (your lab's code, in the pipeline)...",
                    self.model, self.split, ctx.corpus
                ));
                vec![Effect::RunStage(
                    ScreenId::Train,
                    StageCommand::Train(TrainArgs {
                        corpus: CorpusArg {
                            corpus: ctx.corpus.clone(),
                        },
                        model: Some(self.model),
                        split: Some(self.split),
                        ..TrainArgs::default()
                    }),
                )]
            }
            Msg::ToggleModel => {
                self.model = match self.model {
                    ModelKind::FastText => ModelKind::LogReg,
                    ModelKind::LogReg => ModelKind::FastText,
                };
                vec![]
            }
            Msg::ToggleSplit => {
                self.split = match self.split {
                    SplitKind::Random => SplitKind::Time,
                    SplitKind::Time => SplitKind::Random,
                };
                vec![]
            }
            Msg::RunsLoaded(runs) => {
                // Before anything runs, the newest run's test figures show;
                // in a fresh workspace that is the reference run.
                if self.summary.is_none()
                    && !self.running
                    && let Some(newest) = runs.first()
                {
                    if newest.is_reference() {
                        ctx.flash(REFERENCE_RUN_NOTE);
                    }
                    if self.epochs.is_empty() {
                        self.epochs.insert(newest.model, newest.epochs.clone());
                    }
                    self.summary = Some(newest.clone());
                }
                self.runs = runs;
                vec![]
            }
        }
    }

    fn id(&self) -> ScreenId {
        ScreenId::Train
    }

    fn title(&self, _ctx: &Ctx) -> String {
        "train › runs".to_owned()
    }

    fn header_right(&self, ctx: &Ctx) -> String {
        format!("corpus: {}", ctx.corpus)
    }

    fn keys(&self, _ctx: &Ctx) -> KeyTable<Msg> {
        let m = Act::Own;
        KeyTable::new()
            .with(
                Binding::char(
                    't',
                    "start a run (ninety run train, as a child process)",
                    m(Msg::Start),
                )
                .footer("train"),
            )
            .with(
                Binding::char(
                    'm',
                    "switch the model: fasttext or logreg",
                    m(Msg::ToggleModel),
                )
                .footer("model"),
            )
            .with(
                Binding::char('s', "switch the split: random or time", m(Msg::ToggleSplit))
                    .footer("split"),
            )
            .with(book_row("open the chapter"))
            .with(help_row())
            .with(message_row())
            .with(back_row("back to the train lab (a run going on stops)"))
    }

    fn open(&mut self, _from: ScreenId, _ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        vec![Effect::Task(runs_task())]
    }

    fn on_stage(&mut self, update: StageMsg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match update {
            StageMsg::Building(p) => {
                self.building = Some(p);
                vec![]
            }
            StageMsg::Event(Event::Epoch { model, report }) => {
                self.building = None;
                self.epochs.entry(model).or_default().push(report);
                vec![]
            }
            StageMsg::Event(Event::Log { message, .. }) => {
                self.building = None;
                self.log.push(message);
                if self.log.len() > LOG_LINES {
                    self.log.remove(0);
                }
                vec![]
            }
            StageMsg::Event(_) => vec![],
            StageMsg::Done(result) => {
                self.running = false;
                self.building = None;
                match *result {
                    Ok(Summary::Train(run)) => {
                        ctx.flash(format!(
                            "Run {} finished: test F1 {} in {:.1} s. `ninety runs` lists it.",
                            run.run_id,
                            f1(&run.metrics),
                            run.seconds
                        ));
                        self.summary = Some(run);
                    }
                    Ok(other) => {
                        self.problem = Some(format!(
                            "the train stage reported a {} summary",
                            other.name()
                        ));
                    }
                    Err(why) => {
                        ctx.flash(
                            "The run failed; the reason is in the panel. The workbench is fine.",
                        );
                        self.problem = Some(why.to_string());
                    }
                }
                vec![Effect::Task(runs_task())]
            }
        }
    }

    fn busy(&self) -> bool {
        self.running
    }

    fn render(&self, _ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        render(self, area, buf);
    }
}

fn f1(m: &Metrics) -> String {
    m.spam_f1
        .map_or_else(|| "-".to_owned(), |f| format!("{f:.3}"))
}

/// Draws the train view.
fn render(t: &TrainScreen, area: Rect, buf: &mut Buffer) {
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Min(5)]).areas(area);
    let [loss, f1] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    render_chart(t, Plot::Loss, loss, buf);
    render_chart(t, Plot::ValidF1, f1, buf);
    let [runs, side] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(bottom);
    render_runs(t, runs, buf);
    render_status(t, side, buf);
}

const COLORS: [Color; 4] = [Color::Cyan, Color::Yellow, Color::Green, Color::Magenta];

/// A curve of a chart: its name, and its value in an epoch.
type Curve = (&'static str, fn(&EpochReport) -> f64);

/// The two charts of the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plot {
    /// Training and validation loss.
    Loss,
    /// Validation F1, with the baselines' test F1 as lines to beat.
    ValidF1,
}

impl Plot {
    fn title(self) -> &'static str {
        match self {
            Plot::Loss => "loss",
            Plot::ValidF1 => "valid F1",
        }
    }

    /// The curves it draws of one model's epochs: a name and a value per epoch.
    fn curves(self) -> &'static [Curve] {
        match self {
            Plot::Loss => &[
                ("train_loss", |e| e.train_loss),
                ("valid_loss", |e| e.valid_loss),
            ],
            Plot::ValidF1 => &[("valid_f1", |e| e.valid.f1_or_zero())],
        }
    }
}

fn render_chart(t: &TrainScreen, chart: Plot, area: Rect, buf: &mut Buffer) {
    // Each model's curves (the logistic regression's is a baseline when the
    // model is fastText). Only validation figures: the test split's are in
    // the status panel once the run has finished, never on these axes.
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for (model, epochs) in &t.epochs {
        for (name, value) in chart.curves() {
            let points = epochs.iter().map(|e| (e.epoch as f64, value(e))).collect();
            lines.push((format!("{model}.{name}"), points));
        }
    }
    let max_x = lines
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(x, _)| *x))
        .fold(1.0_f64, f64::max);
    let max_y = match chart {
        Plot::Loss => lines
            .iter()
            .flat_map(|(_, p)| p.iter().map(|(_, y)| *y))
            .fold(0.1_f64, f64::max),
        Plot::ValidF1 => 1.0,
    };
    let datasets: Vec<Dataset<'_>> = lines
        .iter()
        .enumerate()
        .map(|(i, (name, points))| {
            Dataset::default()
                .name(name.clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(COLORS[i % COLORS.len()]))
                .data(points)
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} per epoch ", chart.title()));
    if datasets.is_empty() {
        let waiting = match &t.building {
            Some(p) => building_line(p),
            None => "Waiting for the first epoch...".to_owned(),
        };
        Paragraph::new(if t.running {
            waiting
        } else {
            "Press t to train: the curves are drawn epoch by epoch.".to_owned()
        })
        .wrap(Wrap { trim: true })
        .block(block)
        .render(area, buf);
        return;
    }
    Chart::new(datasets)
        .block(block)
        .legend_position(Some(LegendPosition::BottomLeft))
        .hidden_legend_constraints((Constraint::Ratio(2, 3), Constraint::Ratio(2, 3)))
        .x_axis(
            Axis::default()
                .bounds([1.0, max_x.max(2.0)])
                .labels(vec![Line::from("1"), Line::from(format!("{max_x:.0}"))]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, max_y])
                .labels(vec![Line::from("0"), Line::from(format!("{max_y:.2}"))]),
        )
        .render(area, buf);
}

fn render_runs(t: &TrainScreen, area: Rect, buf: &mut Buffer) {
    let dim = Style::default().fg(Color::DarkGray);
    // A run's id names its time, model and split; it gets what the figures
    // leave, cut with "…" on a narrow screen.
    let inner = area.width.saturating_sub(2) as usize;
    let id_width = inner.saturating_sub(25).clamp(8, 33);
    let mut lines = vec![Line::styled(
        format!(
            "{:<id_width$}{:>7}{:>10}{:>8}",
            "run", "F1", "ham→spam", "secs"
        ),
        dim,
    )];
    for r in t.runs.iter().take(area.height.saturating_sub(3) as usize) {
        let name = if r.is_reference() {
            format!("ref {}", r.run_id)
        } else {
            r.run_id.clone()
        };
        let id = if name.chars().count() > id_width {
            let cut: String = name.chars().take(id_width - 2).collect();
            format!("{cut}…")
        } else {
            name
        };
        lines.push(Line::from(format!(
            "{id:<id_width$}{:>7}{:>10}{:>8.1}",
            f1(&r.metrics),
            flagged(&r.metrics),
            r.seconds,
        )));
    }
    if t.runs.is_empty() {
        lines.push(Line::from("No runs yet."));
    }
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Runs (ninety runs) "),
        )
        .render(area, buf);
}

/// One model's figures on the test split: F1, precision, recall, and the
/// share of ham sent to spam, the frame spec's constraint.
/// The share of ham sent to spam, as a percentage.
fn flagged(m: &Metrics) -> String {
    m.ham_flagged_rate
        .map_or_else(|| "-".to_owned(), |x| format!("{:.2}%", x * 100.0))
}

/// One model's figures on the test split: F1, precision and recall when
/// there is room (`wide`), and the share of ham sent to spam, the frame
/// spec's constraint, always.
fn test_row(name: &str, m: &Metrics, wide: bool) -> Line<'static> {
    let rate = |v: Option<f64>| {
        v.map_or_else(|| "-".to_owned(), |x| format!("{x:.3}"))
            .trim_start_matches('0')
            .to_owned()
    };
    Line::from(if wide {
        format!(
            "{name:<10}{:>6}{:>6}{:>6}{:>10}",
            rate(m.spam_f1),
            rate(m.precision),
            rate(m.spam_recall),
            flagged(m)
        )
    } else {
        format!("{name:<10}{:>6}{:>10}", rate(m.spam_f1), flagged(m))
    })
}

fn render_status(t: &TrainScreen, area: Rect, buf: &mut Buffer) {
    let title = format!(" Next: {}, {} split (m, s) ", t.model, t.split);
    let block = crate::workbench::chrome::pane(title, area);
    if let Some(problem) = &t.problem {
        Paragraph::new(format!(
            "The run failed (the workbench did not):\n\n{problem}"
        ))
        .style(Style::default().fg(Color::Red))
        .wrap(Wrap { trim: false })
        .block(block)
        .render(area, buf);
        return;
    }
    let lines: Vec<Line<'_>> = match &t.summary {
        Some(s) if !t.running => {
            let wide = area.width >= 40;
            let header = if wide {
                format!(
                    "{:<10}{:>6}{:>6}{:>6}{:>10}",
                    "test", "F1", "P", "R", "ham→spam"
                )
            } else {
                format!("{:<10}{:>6}{:>10}", "test", "F1", "ham→spam")
            };
            let mut l = vec![Line::styled(header, Style::default().fg(Color::DarkGray))];
            l.push(test_row(s.model.as_str(), &s.metrics, wide));
            if s.is_reference() {
                l.insert(
                    0,
                    Line::styled(
                        "the reference run (ninety init)",
                        Style::default().fg(Color::Yellow),
                    ),
                );
            }
            for (name, m) in s.baselines.iter() {
                l.push(test_row(name, m, wide));
            }
            if let Some(c) = &s.comparison {
                l.push(Line::styled(
                    format!(
                        "{} − {}: {:+.3} [{:+.3}, {:+.3}] {}",
                        s.model, c.against, c.gap, c.low, c.high, c.verdict
                    ),
                    Style::default().fg(Color::Cyan),
                ));
            }
            if let Some(n) = s.twins_across.filter(|&n| n > 0) {
                l.push(Line::styled(
                    format!("{n} test messages have a twin in training: leaks"),
                    Style::default().fg(Color::Red),
                ));
            }
            l
        }
        _ => {
            let rows = area.height.saturating_sub(2) as usize;
            t.log[t.log.len().saturating_sub(rows)..]
                .iter()
                .map(|l| Line::from(l.clone()))
                .collect()
        }
    };
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(block)
        .render(area, buf);
}
