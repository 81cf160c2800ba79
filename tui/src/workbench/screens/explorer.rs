//! The data explorer: every message of a gather run, filtered and searched,
//! the raw message beside the clean text, and the quality report as charts.
//! It reads what the gather stage wrote, and can run that stage (`r`).

pub mod dataset;

pub use dataset::{Dataset, ExplorerScreen, Pane, window_start};

use super::{Screen, ScreenId, building_line};
use crate::workbench::ctx::{Ctx, Effect, StageMsg, Task, WorkError};
use crate::workbench::keys::{
    Act, Binding, KeyTable, book_row, help_row, message_row, pages, up_down,
};
use crossterm::event::{KeyCode, KeyEvent};
use ninety_kit::command::{CorpusArg, StageCommand};
use ninety_kit::records::gather::Status;
use ninety_kit::{CorpusName, Event};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Gauge, Paragraph, Widget, Wrap};
use std::path::PathBuf;

/// The explorer's messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Move the selection by this many rows.
    Move(i64),
    /// Cycle the status filter.
    CycleStatus,
    /// Cycle the group filter.
    CycleGroup,
    /// Cycle the period filter.
    CyclePeriod,
    /// Cycle the corpus.
    CycleCorpus,
    /// Start typing a search.
    StartSearch,
    /// A character typed into the search.
    SearchChar(char),
    /// Delete the last character of the search.
    SearchBackspace,
    /// Stop typing the search (keep it).
    EndSearch,
    /// Switch between the messages and the report.
    TogglePane,
    /// Scroll the raw and clean panes.
    ScrollText(i32),
    /// Run the gather stage on the explorer's corpus.
    RunGather,
    /// The dataset of a corpus was read (or could not be).
    DatasetLoaded(CorpusName, Result<Box<Dataset>, WorkError>),
    /// A raw message was read: its corpus path and its text.
    RawLoaded(String, String),
}

impl Msg {
    /// Whether it comes from a worker (applied even under an overlay).
    pub fn is_from_a_worker(&self) -> bool {
        matches!(self, Msg::DatasetLoaded(..) | Msg::RawLoaded(..))
    }
}

/// The task that reads the gather output of `corpus`.
pub fn load_task(corpus: &CorpusName) -> Task<Msg> {
    let corpus = corpus.clone();
    Task::new(format!("read the gather output of {corpus}"), move |ws| {
        let known = ninety_kit::corpus::known(&ws.root, &ws.home);
        let result = match known.iter().find(|c| c.name == corpus) {
            Some(info) => dataset::load(
                &ninety_kit::clean::gather_dir(&ws.home, &corpus),
                &corpus,
                &info.root,
            )
            .map(Box::new)
            .map_err(WorkError::new),
            None => Err(WorkError::msg(format!("no corpus named {corpus}"))),
        };
        Msg::DatasetLoaded(corpus, result)
    })
}

/// The task that reads one raw message (shown as text, the first 256 KiB).
/// `path` is the message's file inside the corpus folder as the gather
/// output names it; one that would leave that folder is not read.
pub fn raw_task(path: String, full: PathBuf) -> Task<Msg> {
    Task::new(format!("read the raw message {path}"), move |_| {
        let inside = std::path::Path::new(&path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            let text = format!(
                "not shown: the gather output names `{path}` as this message's file, which is not a path inside the corpus folder; run the gather stage again (r)"
            );
            return Msg::RawLoaded(path, text);
        }
        let text = match std::fs::read(&full) {
            Ok(bytes) => {
                let shown = &bytes[..bytes.len().min(256 * 1024)];
                as_shown(&String::from_utf8_lossy(shown))
            }
            Err(e) => format!("cannot read {}: {e}", full.display()),
        };
        Msg::RawLoaded(path, text)
    })
}

/// Raw text as a terminal can show it. A terminal cell cannot hold a tab or
/// another control character, and the renderer drops them, which would hide
/// the very thing the gather chapter teaches: a header line folded with a
/// leading tab. Tabs become spaces to the next multiple of 8 columns, a
/// carriage return before a line feed is dropped, and any other control
/// character is shown in caret notation (`^L` for a form feed).
pub fn as_shown(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut column = 0;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                out.push('\n');
                column = 0;
            }
            '\t' => {
                let to = (column / 8 + 1) * 8;
                out.extend(std::iter::repeat_n(' ', to - column));
                column = to;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push('^');
                out.push(if c == '\u{7f}' {
                    '?'
                } else {
                    char::from(c as u8 + 0x40)
                });
                column += 2;
            }
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// The screen that opened the explorer on some messages, in words.
fn screen_name(screen: ScreenId) -> &'static str {
    match screen {
        ScreenId::Evaluate => "the evaluate view",
        _ => "the screen that opened the explorer",
    }
}

impl ExplorerScreen {
    /// When the messages another screen asked for are none of the loaded
    /// dataset's, says so and gives the screen to go back to, rather than
    /// showing an empty list; when only some are, says how many are not.
    fn missing_subset(&self, ctx: &mut Ctx) -> Option<ScreenId> {
        let (found, wanted) = self.subset_found()?;
        let label = self.subset.as_ref().map_or("", |s| s.label.as_str());
        if found == 0 {
            ctx.flash(format!(
                "None of the {wanted} message{} of {label} is in the gather output of {}: it was gathered again since they were picked (evaluate again to match it).",
                if wanted == 1 { "" } else { "s" },
                self.corpus
            ));
            return self.back;
        }
        if found < wanted {
            ctx.flash(format!(
                "Explorer: {label}: {found} of {wanted} messages are in the gather output of {}; the others are not (it was gathered again since they were picked).",
                self.corpus
            ));
        }
        None
    }

    /// The effect that reads the selected message's raw text, when it is needed.
    fn raw_effect(&self) -> Vec<Effect<Msg>> {
        match (self.raw_wanted(), self.current()) {
            (Some(full), Some(item)) => vec![Effect::Task(raw_task(item.path.clone(), full))],
            _ => vec![],
        }
    }
}

impl Screen for ExplorerScreen {
    type Msg = Msg;

    fn update(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match msg {
            Msg::Move(delta) => {
                self.move_by(delta);
                self.raw_effect()
            }
            Msg::DatasetLoaded(corpus, result) => {
                if corpus != self.corpus {
                    return vec![];
                }
                match result {
                    Ok(data) => {
                        if data.reference {
                            ctx.flash(format!("Explorer: {}.", ninety_kit::clean::REFERENCE_NOTE));
                        }
                        self.set_data(*data);
                        self.raw = None;
                        if let Some(back) = self.missing_subset(ctx) {
                            ctx.go(back);
                            return vec![];
                        }
                    }
                    Err(problem) => {
                        self.data = None;
                        self.visible.clear();
                        self.problem = Some(problem.to_string());
                    }
                }
                self.raw_effect()
            }
            Msg::RawLoaded(path, text) => {
                self.raw = Some((path, text));
                vec![]
            }
            Msg::CycleStatus | Msg::CycleGroup | Msg::CyclePeriod => {
                match msg {
                    Msg::CycleStatus => self.status.next(),
                    Msg::CycleGroup => self.group.next(),
                    _ => self.period.next(),
                }
                self.refilter();
                self.raw_effect()
            }
            Msg::CycleCorpus => {
                if self.running.is_some() || ctx.corpora.is_empty() {
                    return vec![];
                }
                let at = ctx
                    .corpora
                    .iter()
                    .position(|c| c == &self.corpus)
                    .map_or(0, |i| (i + 1) % ctx.corpora.len());
                // Another corpus: the messages asked for are not in it, but
                // Back still leads where it did.
                let back = self.back;
                *self = ExplorerScreen::new(ctx.corpora[at].clone());
                self.back = back;
                vec![Effect::Task(load_task(&self.corpus))]
            }
            Msg::StartSearch => {
                self.searching = true;
                vec![]
            }
            Msg::SearchChar(c) => {
                self.search.push(c);
                self.refilter();
                self.raw_effect()
            }
            Msg::SearchBackspace => {
                self.search.pop();
                self.refilter();
                self.raw_effect()
            }
            Msg::EndSearch => {
                self.searching = false;
                vec![]
            }
            Msg::TogglePane => {
                self.pane = if self.pane == Pane::Messages {
                    Pane::Report
                } else {
                    Pane::Messages
                };
                vec![]
            }
            Msg::ScrollText(delta) => {
                self.scroll = (i32::from(self.scroll) + delta).clamp(0, i32::from(u16::MAX)) as u16;
                vec![]
            }
            Msg::RunGather => {
                if self.running.is_some() {
                    return vec![];
                }
                self.running = Some((0, 0));
                self.building = None;
                ctx.flash(format!(
                    "Running the gather stage on {} (the pipeline, as a child process)...",
                    self.corpus
                ));
                vec![Effect::RunStage(
                    ScreenId::Explorer,
                    StageCommand::Gather(CorpusArg {
                        corpus: self.corpus.clone(),
                    }),
                )]
            }
        }
    }

    fn id(&self) -> ScreenId {
        ScreenId::Explorer
    }

    fn title(&self, _ctx: &Ctx) -> String {
        "gather › data explorer".to_owned()
    }

    fn header_right(&self, _ctx: &Ctx) -> String {
        // The explorer names the corpus it shows, which need not be the default.
        match &self.data {
            Some(d) => format!("corpus: {} · {} messages", self.corpus, d.items.len()),
            None => format!("corpus: {}", self.corpus),
        }
    }

    fn keys(&self, _ctx: &Ctx) -> KeyTable<Msg> {
        let m = Act::Own;
        KeyTable::new()
            .extend(up_down("choose a message", Msg::Move(-1), Msg::Move(1)))
            .extend(pages("a page of messages", Msg::Move(-20), Msg::Move(20)))
            .with(Binding::new(
                &[KeyCode::Char('[')],
                "[ ]",
                "scroll the raw and clean text",
                m(Msg::ScrollText(-5)),
            ))
            .with(Binding::new(
                &[KeyCode::Char(']')],
                "",
                "",
                m(Msg::ScrollText(5)),
            ))
            .with(
                Binding::char(
                    'f',
                    "filter by status: clean, duplicate, quarantined",
                    m(Msg::CycleStatus),
                )
                .footer("status"),
            )
            .with(
                Binding::char(
                    'o',
                    "filter by group: easy-ham, hard-ham, spam",
                    m(Msg::CycleGroup),
                )
                .footer("group"),
            )
            .with(Binding::char('p', "filter by period", m(Msg::CyclePeriod)).footer("period"))
            .with(
                Binding::char(
                    '/',
                    "search subject, sender and path (Enter ends)",
                    m(Msg::StartSearch),
                )
                .footer("search"),
            )
            .with(
                Binding::char(
                    'c',
                    "switch corpus (mini, spamassassin, ...)",
                    m(Msg::CycleCorpus),
                )
                .footer("corpus"),
            )
            .with(
                Binding::new(
                    &[KeyCode::Tab],
                    "Tab",
                    "the quality report as charts",
                    m(Msg::TogglePane),
                )
                .footer("report"),
            )
            .with(
                Binding::char(
                    'r',
                    "run the gather stage on this corpus",
                    m(Msg::RunGather),
                )
                .footer("run"),
            )
            // The footer keeps to 80 columns: these two are in the help.
            .with(book_row("open the gather chapter in a browser").no_footer())
            .with(help_row().no_footer())
            .with(message_row())
            .with(
                Binding::new(
                    &[KeyCode::Esc, KeyCode::Char('q'), KeyCode::Left],
                    "Esc / q",
                    &match self.back {
                        Some(back) => format!("back to {}", screen_name(back)),
                        None => "back to the gather lab".to_owned(),
                    },
                    Act::Back,
                )
                .footer("back"),
            )
    }

    fn text_input(&self, key: &KeyEvent) -> Option<Option<Msg>> {
        if !self.searching {
            return None;
        }
        let m = Some;
        Some(match key.code {
            KeyCode::Enter | KeyCode::Esc => m(Msg::EndSearch),
            KeyCode::Backspace => m(Msg::SearchBackspace),
            KeyCode::Char(c) => m(Msg::SearchChar(c)),
            KeyCode::Up => m(Msg::Move(-1)),
            KeyCode::Down => m(Msg::Move(1)),
            _ => None,
        })
    }

    fn open(&mut self, from: ScreenId, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match ctx.take_explore() {
            Some(subset) => {
                let n = subset.ids.len();
                ctx.flash(format!(
                    "Explorer: {}, {n} message{}. ← goes back to {}.",
                    subset.label,
                    if n == 1 { "" } else { "s" },
                    screen_name(from),
                ));
                self.show_only(subset, from);
            }
            None => {
                self.show_all();
                ctx.flash("Explorer: f status · o group · p period · / search · c corpus · Tab report · r run gather");
            }
        }
        vec![Effect::Task(load_task(&self.corpus))]
    }

    fn parent(&self) -> Option<ScreenId> {
        self.back
            .or_else(|| super::owner(ScreenId::Explorer).map(ScreenId::Lab))
    }

    fn on_stage(&mut self, update: StageMsg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match update {
            StageMsg::Building(p) => {
                self.building = Some(p);
                vec![]
            }
            StageMsg::Event(Event::Progress { done, total, .. }) => {
                self.building = None;
                self.running = Some((done, total));
                vec![]
            }
            StageMsg::Event(_) => vec![],
            StageMsg::Done(result) => {
                self.running = None;
                self.building = None;
                match *result {
                    Ok(_) => {
                        ctx.flash(format!("Gather finished on {}.", self.corpus));
                        vec![Effect::Task(load_task(&self.corpus))]
                    }
                    Err(why) => {
                        ctx.flash(format!("The gather stage failed: {why}"));
                        vec![]
                    }
                }
            }
        }
    }

    fn busy(&self) -> bool {
        self.running.is_some()
    }

    fn render(&self, _ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        render(self, area, buf);
    }
}

/// Draws the explorer into `area`.
fn render(e: &ExplorerScreen, area: Rect, buf: &mut Buffer) {
    let bar_rows = if e.subset.is_some() { 2 } else { 1 };
    let [bar, body] =
        Layout::vertical([Constraint::Length(bar_rows), Constraint::Min(3)]).areas(area);
    render_filters(e, bar, buf);
    if let Some((done, total)) = e.running {
        let ratio = if total == 0 {
            0.0
        } else {
            done as f64 / total as f64
        };
        let [gauge, rest] =
            Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(body);
        let label = match &e.building {
            Some(p) => building_line(p),
            None => format!("{done}/{total} messages"),
        };
        let ratio = match &e.building {
            Some(p) if p.total > 0 => f64::from(p.done) / f64::from(p.total),
            _ => ratio,
        };
        Gauge::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!(" Gathering {} ", e.corpus)),
            )
            .gauge_style(Style::default().fg(Color::Cyan))
            .ratio(ratio.clamp(0.0, 1.0))
            .label(label)
            .render(gauge, buf);
        Paragraph::new("The stage runs as a child process; the explorer reloads when it ends. Leaving the explorer stops it.")
            .wrap(Wrap { trim: true })
            .render(rest, buf);
        return;
    }
    if e.data.is_none() {
        let why = e.problem.clone().unwrap_or_else(|| "Loading...".into());
        let text = vec![
            Line::styled(
                format!("No gather output for the {} corpus yet.", e.corpus),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Line::default(),
            Line::from(why),
            Line::default(),
            Line::from("Press r to run the gather stage on it, or c to switch corpus."),
        ];
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(" Explorer "))
            .render(body, buf);
        return;
    }
    match e.pane {
        Pane::Messages => render_messages(e, body, buf),
        Pane::Report => render_report(e, body, buf),
    }
}

fn render_filters(e: &ExplorerScreen, area: Rect, buf: &mut Buffer) {
    let shown = e.visible.len();
    let total = e.data.as_ref().map_or(0, |d| d.items.len());
    let value = |v: Option<&str>| v.unwrap_or("all").to_owned();
    let search = if e.searching {
        format!("/{}▏", e.search)
    } else if e.search.is_empty() {
        "-".into()
    } else {
        format!("/{}", e.search)
    };
    let dim = Style::default().fg(Color::DarkGray);
    let strong = Style::default().fg(Color::Cyan);
    Line::from(vec![
        Span::styled(" corpus ", dim),
        Span::styled(e.corpus.to_string(), strong),
        Span::styled("  status ", dim),
        Span::styled(value(e.status.value()), strong),
        Span::styled("  group ", dim),
        Span::styled(value(e.group.value()), strong),
        Span::styled("  period ", dim),
        Span::styled(value(e.period.value()), strong),
        Span::styled("  search ", dim),
        Span::styled(search, strong),
        Span::styled(format!("  {shown}/{total}"), dim),
    ])
    .render(area, buf);
    // The messages another screen asked for, and why, on a line of their own.
    if let Some(subset) = e.subset.as_ref().filter(|_| area.height > 1) {
        let found = e.subset_found().map_or(String::new(), |(found, wanted)| {
            if found == wanted {
                format!("  {wanted} message{}", if wanted == 1 { "" } else { "s" })
            } else {
                format!("  {found} of {wanted} messages found")
            }
        });
        Line::from(vec![
            Span::styled(" showing ", dim),
            Span::styled(subset.label.clone(), Style::default().fg(Color::Yellow)),
            Span::styled(found, dim),
            Span::styled("  · ← back", dim),
        ])
        .render(
            Rect {
                y: area.y + 1,
                height: 1,
                ..area
            },
            buf,
        );
    }
}

fn status_mark(status: Status) -> (&'static str, Color) {
    match status {
        Status::Clean => ("✓", Color::Green),
        Status::Duplicate(_) => ("≈", Color::Yellow),
        Status::Quarantined(_) => ("✗", Color::Red),
    }
}

fn render_messages(e: &ExplorerScreen, area: Rect, buf: &mut Buffer) {
    let Some(data) = &e.data else { return };
    let [list_area, text_area] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    // The list: only the rows on screen are built, however many messages there are.
    let block = Block::default().borders(Borders::ALL).title(" Messages ");
    let inner = block.inner(list_area);
    block.render(list_area, buf);
    let rows = inner.height as usize;
    let start = window_start(e.selected, rows, e.visible.len());
    for (row, &index) in e.visible.iter().skip(start).take(rows).enumerate() {
        let item = &data.items[index];
        let (mark, color) = status_mark(item.status);
        let selected = start + row == e.selected;
        let base = if selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let line = Line::from(vec![
            Span::styled(format!("{mark} "), base.fg(color)),
            Span::styled(
                format!("{:<8} ", item.group.as_str()),
                base.fg(Color::DarkGray),
            ),
            Span::styled(
                format!("{:<7} ", item.month.as_deref().unwrap_or("?")),
                base.fg(Color::DarkGray),
            ),
            Span::styled(
                item.subject
                    .clone()
                    .unwrap_or_else(|| "(no subject)".into()),
                base,
            ),
        ]);
        let y = inner.y + row as u16;
        line.render(
            Rect {
                x: inner.x,
                y,
                width: inner.width,
                height: 1,
            },
            buf,
        );
    }
    if e.visible.is_empty() {
        Paragraph::new("No message matches the filters.").render(inner, buf);
    }
    let [raw_area, clean_area] = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .areas(text_area);
    let Some(item) = e.current() else { return };
    let raw = match &e.raw {
        Some((path, text)) if path == &item.path => text.clone(),
        _ => "reading...".into(),
    };
    Paragraph::new(raw)
        .wrap(Wrap { trim: false })
        .scroll((e.scroll, 0))
        .block(crate::workbench::chrome::pane(
            format!(" Raw · {} ", item.path),
            raw_area,
        ))
        .render(raw_area, buf);
    let detail = item.status.detail().unwrap_or("?");
    let facts = body_facts(item);
    let (title, text, style) = match item.status {
        Status::Clean => (
            format!(" Clean text {facts}"),
            item.body.clone().unwrap_or_default(),
            Style::default(),
        ),
        Status::Duplicate(_) => (
            format!(" Duplicate ({detail}) {facts}"),
            format!(
                "of {}\n\n{}",
                item.duplicate_of.as_deref().unwrap_or("?"),
                item.body.clone().unwrap_or_default()
            ),
            Style::default().fg(Color::Yellow),
        ),
        Status::Quarantined(_) => (
            " Quarantined ".to_owned(),
            format!(
                "reason: {detail}\n\nThis message is kept aside, not dropped: it is counted in the report and listed in quarantine.jsonl."
            ),
            Style::default().fg(Color::Red),
        ),
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .scroll((e.scroll, 0))
        .block(crate::workbench::chrome::pane(title, clean_area).border_style(style))
        .render(clean_area, buf);
}

/// A horizontal bar chart of counts. Each count is part of its row's label,
/// right-aligned in a column of its own, so it never runs into the bar.
fn chart<'a>(title: &'a str, rows: &'a [(String, usize)], limit: usize) -> BarChart<'a> {
    let shown = &rows[..rows.len().min(limit)];
    let name_width = shown
        .iter()
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(0);
    let count_width = shown
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(0);
    let bars: Vec<Bar<'a>> = shown
        .iter()
        .map(|(name, n)| {
            Bar::default()
                .label(Line::from(format!(
                    "{name:<name_width$} {n:>count_width$} "
                )))
                .value(*n as u64)
                .text_value(String::new())
        })
        .collect();
    BarChart::default()
        .block(Block::default().borders(Borders::ALL).title(title))
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .bar_style(Style::default().fg(Color::Cyan))
        .data(BarGroup::default().bars(&bars))
}

/// What the record says about its kept body, for a pane's title: where it
/// came from, the part's charset, a decoding problem, and what the kit
/// mended before reading it (`· plain, windows-1252, mended: boundary `),
/// to follow the title's first word and its space; empty when it says nothing.
fn body_facts(item: &ninety_kit::clean::Gathered) -> String {
    use ninety_kit::records::gather::BodySource;
    let mut facts: Vec<String> = Vec::new();
    if let Some(source) = item.body_source {
        facts.push(match source {
            BodySource::Plain => "plain".into(),
            BodySource::Html => "from html".into(),
        });
    }
    if let Some(charset) = &item.body_charset {
        facts.push(charset.clone());
    }
    if item.decode_problem {
        facts.push("decode problem".into());
    }
    if !item.repairs.is_empty() {
        let mended: Vec<&str> = item.repairs.iter().map(|r| r.as_str()).collect();
        facts.push(format!("mended: {}", mended.join(", ")));
    }
    if facts.is_empty() {
        String::new()
    } else {
        format!("· {} ", facts.join(", "))
    }
}

fn render_report(e: &ExplorerScreen, area: Rect, buf: &mut Buffer) {
    let Some(data) = &e.data else { return };
    let charts = data.report.breakdowns();
    let empty = Vec::new();
    let rows = |k: &str| {
        charts
            .iter()
            .find(|(name, _)| *name == k)
            .map_or(&empty, |(_, rows)| rows)
    };
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    let [groups, reasons] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    chart(" By group ", rows("by_group"), 8).render(groups, buf);
    let reasons_rows = rows("quarantined");
    if reasons_rows.is_empty() {
        Paragraph::new("Nothing quarantined.")
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Quarantined by reason "),
            )
            .render(reasons, buf);
    } else {
        chart(" Quarantined by reason ", reasons_rows, 8).render(reasons, buf);
    }
    chart(
        " By charset ",
        rows("by_charset"),
        bottom.height.saturating_sub(2) as usize,
    )
    .render(bottom, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ninety_kit::Group;
    use ninety_kit::mail::Repair;
    use ninety_kit::records::gather::BodySource;

    #[test]
    fn raw_text_keeps_a_folded_header_s_tab_and_shows_control_characters() {
        assert_eq!(
            as_shown("Received: from a\r\n\tby b\r\nX:\tc\n"),
            "Received: from a\n        by b\nX:      c\n"
        );
        assert_eq!(as_shown("form\x0cfeed\x7f\r"), "form^Lfeed^?^M");
        assert_eq!(as_shown("Caf\u{e9}\tx"), "Caf\u{e9}    x");
    }

    #[test]
    fn a_pane_title_says_what_the_record_says_about_its_body() {
        let mut item = dataset::tests::item("spam/1", Group::Spam, 1, Status::Clean, "hi");
        assert_eq!(body_facts(&item), "");
        item.body_source = Some(BodySource::Plain);
        item.body_charset = Some("windows-1252".into());
        item.decode_problem = true;
        item.repairs = vec![Repair::HeaderBreak, Repair::Boundary];
        assert_eq!(
            body_facts(&item),
            "· plain, windows-1252, decode problem, mended: header_break, boundary "
        );
    }
}
