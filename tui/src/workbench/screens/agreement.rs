//! The agreement view: the `label` stage's report as tables, a learning
//! curve, and the items to review.

use super::{Screen, ScreenId};
use crate::workbench::ctx::{Ctx, Effect, StageMsg};
use crate::workbench::keys::{
    Act, Binding, KeyTable, back_row, book_row, help_row, message_row, pages, up_down_in_footer,
};
use crossterm::event::KeyCode;
use ninety_kit::command::{CorpusArg, StageCommand};
use ninety_kit::labels::Choice;
use ninety_kit::records::Summary;
use ninety_kit::records::label::{LabelStats, Why};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Widget, Wrap};

/// The lists of items to review.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ItemList {
    /// Items annotators labeled differently.
    #[default]
    Disagreements,
    /// Items where the chosen annotator differs from gold.
    AgainstGold,
    /// Probable label errors.
    Suspects,
}

impl ItemList {
    /// The next list, in Tab order.
    pub fn next(self) -> Self {
        match self {
            ItemList::Disagreements => ItemList::AgainstGold,
            ItemList::AgainstGold => ItemList::Suspects,
            ItemList::Suspects => ItemList::Disagreements,
        }
    }
}

/// One row of a list: the subject, the gold label, and what the list says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The message's subject.
    pub subject: String,
    /// The corpus's label.
    pub gold: Option<Choice>,
    /// The labels or the evidence.
    pub detail: String,
}

/// The agreement view's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgreementScreen {
    /// The report, once the stage has run.
    pub stats: Option<LabelStats>,
    /// Why there is no report.
    pub problem: Option<String>,
    /// The stage is running.
    pub loading: bool,
    /// Which list shows.
    pub list: ItemList,
    /// The selected row of that list.
    pub selected: usize,
    /// The annotator whose confusion and curve show.
    pub annotator: usize,
}

/// The agreement view's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    /// Move the selection by this many rows.
    Move(i32),
    /// Show the next list.
    NextList,
    /// Show the next (or previous) annotator's confusion and curve.
    CycleAnnotator(i32),
    /// Compute again (runs the label stage).
    Recompute,
}

impl AgreementScreen {
    /// The name of the chosen annotator.
    pub fn annotator_name(&self) -> Option<&str> {
        let stats = self.stats.as_ref()?;
        stats
            .annotators
            .keys()
            .nth(self.annotator)
            .map(String::as_str)
    }

    /// The rows of the list on show.
    pub fn items(&self) -> Vec<Item> {
        let Some(stats) = &self.stats else {
            return vec![];
        };
        match self.list {
            ItemList::Disagreements => stats
                .disagreements
                .iter()
                .map(|d| Item {
                    subject: d.subject.clone(),
                    gold: d.gold,
                    detail: d
                        .labels
                        .iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(" · "),
                })
                .collect(),
            ItemList::Suspects => stats
                .suspects
                .iter()
                .map(|s| {
                    let why: Vec<String> = s
                        .why
                        .iter()
                        .map(|w| match w {
                            Why::Model { score } => format!("model {score:.2}"),
                            Why::Annotators { against, of } => {
                                format!("{against} of {of} others")
                            }
                        })
                        .collect();
                    Item {
                        subject: s.subject.clone(),
                        gold: s.gold,
                        detail: format!("{} said {} · {}", s.annotator, s.label, why.join(", ")),
                    }
                })
                .collect(),
            ItemList::AgainstGold => {
                let name = self.annotator_name().unwrap_or_default();
                stats
                    .annotators
                    .get(name)
                    .map(|a| {
                        a.against_gold
                            .iter()
                            .map(|d| Item {
                                subject: d.subject.clone(),
                                gold: Some(d.gold),
                                detail: format!("{name} {}", d.label),
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            }
        }
    }

    fn run(&mut self, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        if self.loading {
            return vec![];
        }
        self.loading = true;
        ctx.flash("Computing agreement with your label lab's code (ninety labels stats)...");
        vec![Effect::RunStage(
            ScreenId::Agreement,
            StageCommand::Label(CorpusArg {
                corpus: ctx.corpus.clone(),
            }),
        )]
    }
}

impl Screen for AgreementScreen {
    type Msg = Msg;

    fn update(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        match msg {
            Msg::Move(delta) => {
                let len = self.items().len();
                let next = self.selected as i32 + delta;
                self.selected = next.clamp(0, len.saturating_sub(1) as i32) as usize;
                vec![]
            }
            Msg::NextList => {
                self.list = self.list.next();
                self.selected = 0;
                vec![]
            }
            Msg::CycleAnnotator(delta) => {
                self.selected = 0;
                let n = self.stats.as_ref().map_or(0, |s| s.annotators.len());
                if n > 0 {
                    self.annotator =
                        (self.annotator as i64 + i64::from(delta)).rem_euclid(n as i64) as usize;
                }
                vec![]
            }
            Msg::Recompute => self.run(ctx),
        }
    }

    fn id(&self) -> ScreenId {
        ScreenId::Agreement
    }

    fn title(&self, _ctx: &Ctx) -> String {
        "label › agreement".to_owned()
    }

    fn header_right(&self, ctx: &Ctx) -> String {
        format!("corpus: {}", ctx.corpus)
    }

    fn keys(&self, _ctx: &Ctx) -> KeyTable<Msg> {
        let m = Act::Own;
        KeyTable::new()
            .extend(up_down_in_footer(
                "choose a disagreement or a suspect label",
                Msg::Move(-1),
                Msg::Move(1),
                "select",
            ))
            .extend(pages("ten rows at a time", Msg::Move(-10), Msg::Move(10)))
            .with(
                Binding::new(
                    &[KeyCode::Char('<')],
                    "< >",
                    "the previous or next annotator's confusion and curve",
                    m(Msg::CycleAnnotator(-1)),
                )
                .footer_as("<>", "annotator"),
            )
            .with(Binding::new(
                &[KeyCode::Char('>')],
                "",
                "",
                m(Msg::CycleAnnotator(1)),
            ))
            .with(
                Binding::new(
                    &[KeyCode::Tab],
                    "Tab",
                    "switch between disagreements and probable label errors",
                    m(Msg::NextList),
                )
                .footer("lists"),
            )
            .with(
                Binding::char(
                    'r',
                    "compute again (runs the label stage)",
                    m(Msg::Recompute),
                )
                .footer("again"),
            )
            .with(
                Binding::char('l', "back to labeling", Act::Go(ScreenId::Labeling)).footer("label"),
            )
            .with(book_row("open the label chapter in a browser").no_footer())
            .with(help_row())
            .with(message_row())
            .with(back_row("back to the label lab"))
    }

    fn open(&mut self, _from: ScreenId, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        self.run(ctx)
    }

    fn on_stage(&mut self, update: StageMsg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        let StageMsg::Done(result) = update else {
            return vec![];
        };
        self.loading = false;
        match *result {
            Ok(Summary::Label(stats)) => {
                ctx.flash(format!(
                    "Agreement computed by your label lab's code over {} annotator(s).",
                    stats.annotators.len()
                ));
                self.selected = 0;
                self.annotator = self.annotator.min(stats.annotators.len().saturating_sub(1));
                // Show the annotator who just labeled, if there is one.
                let me = ctx
                    .label_config
                    .annotator
                    .clone()
                    .unwrap_or_else(crate::config::default_annotator);
                if let Some(mine) = stats.annotators.keys().position(|k| *k == me) {
                    self.annotator = mine;
                }
                self.stats = Some(stats);
                self.problem = None;
            }
            Ok(other) => {
                self.problem = Some(format!(
                    "the label stage reported a {} summary",
                    other.name()
                ));
            }
            Err(why) => self.problem = Some(why.to_string()),
        }
        vec![]
    }

    fn busy(&self) -> bool {
        self.loading
    }

    fn render(&self, _ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        render(self, area, buf);
    }
}

fn kappa(k: Option<f64>) -> String {
    k.map_or_else(|| "-".to_owned(), |k| format!("{k:.2}"))
}

/// Draws the agreement view.
fn render(view: &AgreementScreen, area: Rect, buf: &mut Buffer) {
    let Some(stats) = &view.stats else {
        let text = match (&view.problem, view.loading) {
            (Some(p), _) => format!("No agreement report: {p}"),
            (None, true) => "Computing agreement: the pipeline runs your label lab's code over every annotator's log...".to_owned(),
            (None, false) => "No report yet: press r to compute it.".to_owned(),
        };
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(" Agreement "))
            .render(area, buf);
        return;
    };
    let names: Vec<&String> = stats.annotators.keys().collect();
    if names.is_empty() {
        Paragraph::new(format!(
            "No labels yet in {}. Press l to label some messages.",
            stats.logs.display()
        ))
        .wrap(Wrap { trim: true })
        .block(Block::default().borders(Borders::ALL).title(" Agreement "))
        .render(area, buf);
        return;
    }
    let table_rows = names.len() as u16 + 2 + stats.pairs.len().min(3) as u16;
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Length(table_rows + 2),
        Constraint::Length(8),
        Constraint::Min(4),
    ])
    .areas(area);
    render_annotators(stats, &names, view, top, buf);
    let selected = names[view.annotator.min(names.len() - 1)];
    let [confusion, curve] =
        Layout::horizontal([Constraint::Length(34), Constraint::Min(20)]).areas(middle);
    render_confusion(stats, selected, confusion, buf);
    render_curve(stats, selected, curve, buf);
    render_items(stats, view, bottom, buf);
}

fn render_annotators(
    stats: &LabelStats,
    names: &[&String],
    view: &AgreementScreen,
    area: Rect,
    buf: &mut Buffer,
) {
    let dim = Style::default().fg(Color::DarkGray);
    let mut lines = vec![Line::styled(
        format!(
            "{:<14}{:>10}{:>8}{:>8}{:>12}{:>10}",
            "annotator", "decisions", "labels", "unsure", "κ vs gold", "per min"
        ),
        dim,
    )];
    for (i, name) in names.iter().enumerate() {
        let a = &stats.annotators[*name];
        let row = format!(
            "{:<14}{:>10}{:>8}{:>8}{:>12}{:>10}",
            name,
            a.decisions,
            a.labels,
            a.by_label.get(&Choice::Unsure).copied().unwrap_or(0),
            kappa(a.kappa_vs_gold),
            a.labels_per_minute
                .map_or("-".into(), |r| format!("{r:.1}")),
        );
        let style = if i == view.annotator {
            Style::default()
                .add_modifier(Modifier::BOLD)
                .fg(Color::Cyan)
        } else {
            Style::default()
        };
        lines.push(Line::styled(row, style));
    }
    for p in stats.pairs.iter().take(3) {
        lines.push(Line::from(vec![
            Span::styled("between ", dim),
            Span::raw(format!(
                "{} and {}: κ {} over {} items both labeled",
                p.a,
                p.b,
                kappa(p.agreement.kappa),
                p.agreement.items
            )),
        ]));
    }
    if let Some(first) = stats.not_computed.first() {
        lines.push(Line::styled(
            format!("not computed: {first}"),
            Style::default().fg(Color::Red),
        ));
    }
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Annotators (< > choose) "),
        )
        .render(area, buf);
}

fn render_confusion(stats: &LabelStats, name: &str, area: Rect, buf: &mut Buffer) {
    let a = &stats.annotators[name];
    let cell = |row: usize, col: usize| a.vs_gold.as_ref().map_or(0, |g| g.table[row][col]);
    let dim = Style::default().fg(Color::DarkGray);
    let mut lines = vec![Line::styled(
        format!("{:<12}{:>9}{:>9}", "labeled", "gold spam", "gold ham"),
        dim,
    )];
    for (i, label) in ["spam", "ham", "unsure"].iter().enumerate() {
        lines.push(Line::from(format!(
            "{label:<12}{:>9}{:>9}",
            cell(i, 0),
            cell(i, 1)
        )));
    }
    let observed = a.vs_gold.as_ref().map(|g| g.observed);
    lines.push(Line::styled(
        format!(
            "agreement {}  κ {}",
            observed.map_or("-".into(), |o| format!("{:.0}%", o * 100.0)),
            kappa(a.kappa_vs_gold)
        ),
        dim,
    ));
    Paragraph::new(lines)
        .block(crate::workbench::chrome::pane(
            format!(" {name} vs gold "),
            area,
        ))
        .render(area, buf);
}

fn render_curve(stats: &LabelStats, name: &str, area: Rect, buf: &mut Buffer) {
    let points = stats.annotators[name].curve.clone().unwrap_or_default();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Learning curve: % agreeing with gold ");
    if points.is_empty() {
        Paragraph::new("Label 25 messages or more for the first point of the curve.")
            .wrap(Wrap { trim: true })
            .block(block)
            .render(area, buf);
        return;
    }
    let bars: Vec<Bar<'_>> = points
        .iter()
        .map(|p| {
            let pct = (p.observed * 100.0).round() as u64;
            Bar::default()
                .value(pct)
                .text_value(format!("{pct}%"))
                .label(Line::from(p.after.to_string()))
        })
        .collect();
    BarChart::default()
        .block(block)
        .data(BarGroup::default().bars(&bars))
        .bar_width(5)
        .bar_gap(1)
        .max(100)
        .bar_style(Style::default().fg(Color::Cyan))
        .value_style(Style::default().fg(Color::Black).bg(Color::Cyan))
        .render(area, buf);
}

fn render_items(stats: &LabelStats, view: &AgreementScreen, area: Rect, buf: &mut Buffer) {
    let items = view.items();
    let annotator = view.annotator_name().unwrap_or_default().to_owned();
    let (title, empty) = match view.list {
        ItemList::Disagreements => (
            format!(
                " Disagreements ({} of {} shared items) · Tab: next list ",
                items.len(),
                stats.shared_items
            ),
            "No disagreements: no item has two annotators who differ. (A second annotator's log goes in the same folder; the same seed gives the same queue.)".to_owned(),
        ),
        ItemList::AgainstGold => (
            format!(" {annotator} against gold ({} differ) · Tab: next list ", items.len()),
            format!("{annotator} agrees with gold on every labeled message."),
        ),
        ItemList::Suspects => (
            format!(" Probable label errors ({}) · Tab: next list ", items.len()),
            "No label looks wrong: no confident model disagrees, and no majority of others.".to_owned(),
        ),
    };
    let block = crate::workbench::chrome::pane(title, area);
    let inner = block.inner(area);
    block.render(area, buf);
    if items.is_empty() {
        Paragraph::new(empty)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
        return;
    }
    let rows = inner.height as usize;
    let start = super::explorer::window_start(view.selected, rows, items.len());
    let lines: Vec<Line<'_>> = items
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, item)| {
            let row = format!(
                "{:<40} gold {:<5} {}",
                item.subject.chars().take(40).collect::<String>(),
                item.gold.map_or("?", |g| g.as_str()),
                item.detail
            );
            let style = if i == view.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Line::styled(row, style)
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}
