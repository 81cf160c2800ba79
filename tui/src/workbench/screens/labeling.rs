//! The labeling screen: one message, the guidelines beside it, progress above.
//!
//! Opening it runs the label lab's queue code (the `label-queue` stage) for
//! the configured annotator and order, then reads the queue, the gather
//! output and the annotator's log into a [`Session`]. Every decision is
//! appended to the log before the next key is read.

pub mod session;

pub use session::{Item, Session, SessionData};

use super::{Screen, ScreenId, building_line};
use crate::pipeline::BuildProgress;
use crate::workbench::ctx::{Ctx, Effect, StageMsg, Task, WorkError};
use crate::workbench::keys::{Act, Binding, KeyTable, help_row, message_row};
use crossterm::event::{KeyCode, KeyEvent};
use ninety_kit::command::{CorpusArg, QueueArgs, StageCommand};
use ninety_kit::labels::Mark;
use ninety_kit::records::Summary;
use ninety_kit::{Event, QueueOrder, Stage};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Widget, Wrap};
use std::time::Instant;

/// The labeling screen's state.
#[derive(Debug, Clone, Default)]
pub struct LabelingScreen {
    /// The session, once the queue is ready.
    pub session: Option<Session>,
    /// The queue is being prepared: the stage's progress, when known.
    pub loading: Option<(u64, u64)>,
    /// The pipeline's build, while the queue waits for it.
    pub building: Option<BuildProgress>,
}

/// The labeling screen's messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Label, or skip, the message on screen.
    Decide(Mark),
    /// Take back the last decision of the session.
    Undo,
    /// Start typing a note for the next decision.
    StartNote,
    /// A character of the note.
    NoteChar(char),
    /// Delete the last character of the note.
    NoteBackspace,
    /// Stop typing the note: keep it (true) or drop it.
    EndNote(bool),
    /// Scroll the message body.
    Scroll(i32),
    /// Scroll the guidelines.
    ScrollGuidelines(i32),
    /// Stop labeling: the agreement view when decisions were made.
    Leave,
    /// The session's data was read (or could not be).
    Ready(Result<Box<SessionData>, WorkError>),
}

impl Msg {
    /// Whether it comes from a worker (applied even under an overlay).
    pub fn is_from_a_worker(&self) -> bool {
        matches!(self, Msg::Ready(_))
    }
}

/// The task that reads a session's data once its queue is written.
fn session_task(queue: std::path::PathBuf) -> Task<Msg> {
    Task::new(
        format!("read the labeling session of {}", queue.display()),
        move |ws| {
            let guidelines = ws
                .course
                .lab(Stage::Label)
                .map(|l| l.dir.join("guidelines.md"))
                .unwrap_or_default();
            Msg::Ready(
                session::load(&ws.home, &queue, &guidelines)
                    .map(Box::new)
                    .map_err(WorkError::new),
            )
        },
    )
}

impl LabelingScreen {
    /// Whether a session is open (its log needs a sync at the end).
    pub fn has_session(&self) -> bool {
        self.session.is_some()
    }

    fn failed(&mut self, why: &str, ctx: &mut Ctx) {
        self.loading = None;
        self.building = None;
        ctx.flash(format!("Could not start labeling: {why}"));
        ctx.go(ScreenId::Lab(Stage::Label));
    }
}

impl Screen for LabelingScreen {
    type Msg = Msg;

    fn update(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match msg {
            Msg::Ready(result) => {
                self.loading = None;
                self.building = None;
                match result {
                    Ok(data) => {
                        let mut flash = format!(
                            "Labeling {} as {} ({} order): {} messages, {} already labeled.",
                            data.corpus,
                            data.annotator,
                            data.order,
                            data.items.len(),
                            data.labels.len()
                        );
                        if data.reference {
                            flash = format!("{flash} ({})", ninety_kit::clean::REFERENCE_NOTE);
                        }
                        if let Some(why) = &data.fallback {
                            flash = format!(
                                "{why}. The queue is in id order (as good as shuffled) until then."
                            );
                        }
                        if let Some(first) = data.problems.first() {
                            flash = format!(
                                "{} unreadable line(s) in the log were skipped, the first: {first}",
                                data.problems.len()
                            );
                        }
                        ctx.flash(flash);
                        self.session = Some(Session::new(*data, Instant::now()));
                    }
                    Err(why) => self.failed(&why.to_string(), ctx),
                }
                vec![]
            }
            Msg::Decide(mark) => {
                let Some(s) = self.session.as_mut() else {
                    return vec![];
                };
                match s.decide(mark, Instant::now()) {
                    Some(decision) => vec![Effect::AppendDecision(s.data.log.clone(), decision)],
                    None => {
                        ctx.flash("The queue is done: every message has a decision. Press q.");
                        vec![]
                    }
                }
            }
            Msg::Undo => {
                let Some(s) = self.session.as_mut() else {
                    return vec![];
                };
                match s.undo(Instant::now()) {
                    Some(record) => {
                        ctx.flash("Undone: the message is back on screen.");
                        vec![Effect::AppendDecision(s.data.log.clone(), record)]
                    }
                    None => {
                        ctx.flash("Nothing to undo in this session.");
                        vec![]
                    }
                }
            }
            Msg::StartNote => {
                if let Some(s) = self.session.as_mut() {
                    s.typing_note = true;
                }
                vec![]
            }
            Msg::NoteChar(c) => {
                if let Some(s) = self.session.as_mut()
                    && s.note.chars().count() < 500
                {
                    s.note.push(c);
                }
                vec![]
            }
            Msg::NoteBackspace => {
                if let Some(s) = self.session.as_mut() {
                    s.note.pop();
                }
                vec![]
            }
            Msg::EndNote(keep) => {
                if let Some(s) = self.session.as_mut() {
                    s.typing_note = false;
                    if !keep {
                        s.note.clear();
                    }
                    ctx.flash(if keep && !s.note.is_empty() {
                        "The note goes with your next decision."
                    } else {
                        "No note."
                    });
                }
                vec![]
            }
            Msg::Scroll(delta) => {
                if let Some(s) = self.session.as_mut() {
                    s.scroll = (i32::from(s.scroll) + delta).clamp(0, i32::from(u16::MAX)) as u16;
                }
                vec![]
            }
            Msg::ScrollGuidelines(delta) => {
                if let Some(s) = self.session.as_mut() {
                    // No further than the last line at the top.
                    let last = s.guidelines.len().saturating_sub(1) as i32;
                    s.guide_scroll = (i32::from(s.guide_scroll) + delta).clamp(0, last) as u16;
                }
                vec![]
            }
            Msg::Leave => {
                // After a session, the agreement view: how the labels compare.
                let made = self.session.as_ref().is_some_and(|s| s.undoable() > 0);
                ctx.go(if made {
                    ScreenId::Agreement
                } else {
                    ScreenId::Lab(Stage::Label)
                });
                vec![Effect::SyncLog]
            }
        }
    }

    fn id(&self) -> ScreenId {
        ScreenId::Labeling
    }

    fn title(&self, _ctx: &Ctx) -> String {
        match &self.session {
            Some(s) => format!("label › labeling as {}", s.data.annotator),
            None => "label › labeling".to_owned(),
        }
    }

    fn header_right(&self, ctx: &Ctx) -> String {
        format!("corpus: {}", ctx.corpus)
    }

    fn keys(&self, ctx: &Ctx) -> KeyTable<Msg> {
        let k = &ctx.label_config.keys;
        let m = Act::Own;
        let ready = self.session.is_some();
        // Before the queue is ready only leaving makes sense.
        let decide = |key: char, help: &str, word: &str, msg: Msg| {
            Binding::char(key, help, m(msg)).footer(word)
        };
        KeyTable::new()
            .with_if(
                ready,
                decide(k.spam, "label spam", "spam", Msg::Decide(Mark::Spam)),
            )
            .with_if(
                ready,
                decide(k.ham, "label ham", "ham", Msg::Decide(Mark::Ham)),
            )
            .with_if(
                ready,
                decide(
                    k.unsure,
                    "label unsure (add a note: why)",
                    "unsure",
                    Msg::Decide(Mark::Unsure),
                ),
            )
            .with_if(
                ready,
                decide(
                    k.skip,
                    "skip for now (it comes back at the end)",
                    "skip",
                    Msg::Decide(Mark::Skip),
                ),
            )
            .with_if(
                ready,
                decide(
                    k.undo,
                    "undo the last decision (again for the one before)",
                    "undo",
                    Msg::Undo,
                ),
            )
            .with_if(
                ready,
                decide(
                    k.note,
                    "write a note for the next decision (Enter keeps, Esc drops)",
                    "note",
                    Msg::StartNote,
                ),
            )
            .with(
                Binding::new(
                    &[KeyCode::Char(k.back), KeyCode::Esc],
                    &k.back.to_string(),
                    "stop: back to the lab, with the agreement view",
                    m(Msg::Leave),
                )
                .footer("back"),
            )
            .with(Binding::new(
                &[KeyCode::Up],
                "↑ ↓ PgUp PgDn",
                "scroll the message",
                m(Msg::Scroll(-1)),
            ))
            .with(Binding::new(&[KeyCode::Down], "", "", m(Msg::Scroll(1))))
            .with(Binding::new(
                &[KeyCode::PageUp],
                "",
                "",
                m(Msg::Scroll(-10)),
            ))
            .with(Binding::new(
                &[KeyCode::PageDown],
                "",
                "",
                m(Msg::Scroll(10)),
            ))
            .with(Binding::new(
                &[KeyCode::Char(']')],
                "[ ]",
                "scroll the guidelines",
                m(Msg::ScrollGuidelines(5)),
            ))
            .with(Binding::new(
                &[KeyCode::Char('[')],
                "",
                "",
                m(Msg::ScrollGuidelines(-5)),
            ))
            .with(help_row())
            .with(message_row())
            .with(Binding::new(
                &[],
                " ",
                "remap keys in .ninety/config.toml, [label.keys]",
                Act::Help,
            ))
    }

    fn text_input(&self, key: &KeyEvent) -> Option<Option<Msg>> {
        if !self.session.as_ref().is_some_and(|s| s.typing_note) {
            return None;
        }
        let m = Some;
        Some(match key.code {
            KeyCode::Enter => m(Msg::EndNote(true)),
            KeyCode::Esc => m(Msg::EndNote(false)),
            KeyCode::Backspace => m(Msg::NoteBackspace),
            KeyCode::Char(c) => m(Msg::NoteChar(c)),
            _ => None,
        })
    }

    fn open(&mut self, _from: ScreenId, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        if self.session.is_some() || self.loading.is_some() {
            return vec![];
        }
        let config = &ctx.label_config;
        let annotator = config
            .annotator
            .clone()
            .unwrap_or_else(crate::config::default_annotator);
        let order = config.order.unwrap_or(QueueOrder::Random);
        let seed = config.seed;
        self.loading = Some((0, 0));
        ctx.flash(format!(
            "Preparing {annotator}'s {order} queue on {} (the label lab's queue code, in the pipeline)...",
            ctx.corpus
        ));
        vec![Effect::RunStage(
            ScreenId::Labeling,
            StageCommand::LabelQueue(QueueArgs {
                corpus: CorpusArg {
                    corpus: ctx.corpus.clone(),
                },
                annotator,
                order,
                seed,
            }),
        )]
    }

    fn on_stage(&mut self, update: StageMsg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match update {
            StageMsg::Building(p) => {
                self.building = Some(p);
                vec![]
            }
            StageMsg::Event(Event::Progress { done, total, .. }) => {
                self.building = None;
                if self.loading.is_some() {
                    self.loading = Some((done, total));
                }
                vec![]
            }
            StageMsg::Event(_) => vec![],
            StageMsg::Done(result) => match *result {
                Ok(Summary::LabelQueue(queue)) => {
                    vec![Effect::Task(session_task(queue.artifact))]
                }
                Ok(other) => {
                    self.failed(
                        &format!("the queue stage reported a {} summary", other.name()),
                        ctx,
                    );
                    vec![]
                }
                Err(why) => {
                    self.failed(&why.to_string(), ctx);
                    vec![]
                }
            },
        }
    }

    fn busy(&self) -> bool {
        // The screen shows a live rate and the time on screen.
        true
    }

    fn render(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        let Some(session) = &self.session else {
            return render_loading(self, area, buf);
        };
        let [progress, main] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        render_progress(session, progress, buf);
        let guidelines_width = if main.width >= 100 {
            42
        } else if main.width >= 70 {
            30
        } else {
            0
        };
        let [message, side] =
            Layout::horizontal([Constraint::Min(20), Constraint::Length(guidelines_width)])
                .areas(main);
        render_message(ctx, session, message, buf);
        if guidelines_width > 0 {
            Paragraph::new(session.guidelines.clone())
                .wrap(Wrap { trim: false })
                .scroll((session.guide_scroll, 0))
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .title(" Guidelines ([ ] scroll) "),
                )
                .render(side, buf);
        }
    }
}

/// The most of a body drawn: long enough for any message a person reads,
/// short enough that a megabyte of base64 junk cannot slow a frame.
const SHOWN_CHARS: usize = 20_000;

fn render_loading(screen: &LabelingScreen, area: Rect, buf: &mut Buffer) {
    let block = Block::default().borders(Borders::ALL).title(" Labeling ");
    let inner = block.inner(area);
    block.render(area, buf);
    let [text, bar] = Layout::vertical([Constraint::Length(3), Constraint::Length(1)]).areas(inner);
    Paragraph::new(vec![
        Line::from("Preparing the queue: the pipeline runs your label lab's queue code"),
        Line::from("(and the gather stage first, if it has not run on this corpus)."),
    ])
    .wrap(Wrap { trim: true })
    .render(text, buf);
    if let Some(p) = &screen.building {
        let ratio = if p.total == 0 {
            0.0
        } else {
            f64::from(p.done) / f64::from(p.total)
        };
        Gauge::default()
            .ratio(ratio.clamp(0.0, 1.0))
            .label(building_line(p))
            .gauge_style(Style::default().fg(Color::Cyan))
            .render(bar, buf);
    } else if let Some((done, total)) = screen.loading
        && total > 0
    {
        Gauge::default()
            .ratio((done as f64 / total as f64).clamp(0.0, 1.0))
            .label(format!("{done}/{total} messages"))
            .gauge_style(Style::default().fg(Color::Cyan))
            .render(bar, buf);
    }
}

fn render_progress(session: &Session, area: Rect, buf: &mut Buffer) {
    let now = Instant::now();
    let rate = session
        .rate(now)
        .map_or_else(|| "-".to_owned(), |r| format!("{r:.1}"));
    let secs = session.showing_for(now).as_secs();
    let dim = Style::default().fg(Color::DarkGray);
    let strong = Style::default().add_modifier(Modifier::BOLD);
    Line::from(vec![
        Span::styled(" labeled ", dim),
        Span::styled(session.labeled().to_string(), strong),
        Span::styled("  queue ", dim),
        Span::styled(session.left().to_string(), strong),
        Span::styled("  per minute ", dim),
        Span::styled(rate, strong),
        Span::styled("  on screen ", dim),
        Span::raw(format!("{}:{:02}", secs / 60, secs % 60)),
        Span::styled("  order ", dim),
        Span::raw(session.data.order.to_string()),
        Span::styled("  can undo ", dim),
        Span::raw(session.undoable().to_string()),
    ])
    .render(area, buf);
}

fn render_message(ctx: &Ctx, session: &Session, area: Rect, buf: &mut Buffer) {
    let Some(item) = session.current() else {
        Paragraph::new(vec![
            Line::from("Every message in the queue has a decision."),
            Line::default(),
            Line::from(format!(
                "Press {} to see how your labels agree with gold and with others.",
                ctx.label_config.keys.back
            )),
        ])
        .wrap(Wrap { trim: true })
        .block(Block::default().borders(Borders::ALL).title(" Done "))
        .render(area, buf);
        return;
    };
    let title = format!(" Message · {} left ", session.left());
    let block = crate::workbench::chrome::pane(title, area);
    let inner = block.inner(area);
    block.render(area, buf);
    let note_rows = if session.typing_note || !session.note.is_empty() {
        1
    } else {
        0
    };
    let [head, body, note] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(1),
        Constraint::Length(note_rows),
    ])
    .areas(inner);
    let dim = Style::default().fg(Color::DarkGray);
    Paragraph::new(vec![
        Line::from(vec![
            Span::styled("From     ", dim),
            Span::raw(item.from.clone()),
        ]),
        Line::from(vec![
            Span::styled("Subject  ", dim),
            Span::styled(
                if item.subject.is_empty() {
                    "(no subject)".to_owned()
                } else {
                    item.subject.clone()
                },
                Style::default().add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::default(),
    ])
    .render(head, buf);
    let text: String = item.body.chars().take(SHOWN_CHARS).collect();
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .scroll((session.scroll, 0))
        .render(body, buf);
    if note_rows > 0 {
        let cursor = if session.typing_note { "█" } else { "" };
        Line::from(vec![
            Span::styled(
                if session.typing_note {
                    "Note (Enter keeps, Esc drops): "
                } else {
                    "Note for the next decision: "
                },
                Style::default().fg(Color::Yellow),
            ),
            Span::raw(format!("{}{cursor}", session.note)),
        ])
        .render(note, buf);
    }
}
