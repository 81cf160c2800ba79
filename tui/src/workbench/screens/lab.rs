//! A lab: its instructions, its checks with points, and the details of the
//! selected check or the compiler's errors when the lab does not build.

use super::{Screen, ScreenId, tools_of};
use crate::workbench::ctx::{Ctx, Effect, Focus, LabState, WorkError};
use crate::workbench::keys::{
    Act, Binding, KeyTable, back_row, book_row, help_row, message_row, pages, up_down,
};
use crossterm::event::KeyCode;
use ninety_grader::cargo::GradeOutcome;
use ninety_kit::Stage;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, BorderType, Borders, List, ListItem, ListState, Paragraph, StatefulWidget, Widget, Wrap,
};

/// The open lab (its state lives in [`Ctx::labs`], which the map shows too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabScreen {
    /// The lab's stage.
    pub stage: Stage,
}

/// A lab's messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Select a check, or scroll the focused pane, by this many rows
    /// (`page`: a page of them).
    Move {
        /// Rows.
        delta: i32,
        /// A page at a time.
        page: bool,
    },
    /// Grade the lab now.
    Grade,
    /// Turn watch mode on or off.
    ToggleWatch,
    /// Show the selected check's next hint tier (after the last, hide them).
    NextHint,
    /// Move focus to the next pane.
    FocusNext,
    /// Ask to reset the lab to its starter (the app asks).
    AskReset,
    /// Open the place the selected check failed at in the learner's editor.
    OpenPlace,
    /// How far the build of a lab's checks is, while it grades.
    GradeBuilding(Stage, crate::pipeline::BuildProgress),
    /// A grade of a lab ended.
    GradeFinished(Stage, GradeOutcome),
    /// A grade could not even start.
    GradeFailedToStart(Stage, WorkError),
    /// A file of a lab was saved.
    FilesChanged(Stage),
    /// A lab was reset to its starter, its old files kept in the folder
    /// named (or it could not be).
    ResetDone(Stage, Result<std::path::PathBuf, WorkError>),
}

impl Msg {
    /// Whether it comes from a worker (applied even under an overlay).
    pub fn is_from_a_worker(&self) -> bool {
        matches!(
            self,
            Msg::GradeFinished(..)
                | Msg::GradeBuilding(..)
                | Msg::GradeFailedToStart(..)
                | Msg::FilesChanged(_)
                | Msg::ResetDone(..)
        )
    }
}

impl LabScreen {}

fn scroll(view: &mut LabState, delta: i32, page: bool) {
    let focus = view.focus.unwrap_or(Focus::Checks);
    let step = if page { 10 } else { 1 };
    let apply = |v: u16| (i32::from(v) + delta * step).clamp(0, i32::from(u16::MAX)) as u16;
    match focus {
        Focus::Instructions => {
            // Never past the last line: wrapping only adds lines.
            let last = view
                .instructions
                .len()
                .saturating_sub(1)
                .min(usize::from(u16::MAX)) as u16;
            view.instructions_scroll = apply(view.instructions_scroll).min(last);
        }
        Focus::Output => view.output_scroll = apply(view.output_scroll),
        Focus::Checks => {
            // Before a grade, the checks the lab declares.
            let n = view
                .report
                .as_ref()
                .map_or(view.declared.len(), |r| r.checks.len());
            if n > 0 {
                let next = view.selected as i32 + delta * if page { 5 } else { 1 };
                view.selected = next.clamp(0, n as i32 - 1) as usize;
                view.output_scroll = 0;
            }
        }
    }
}

impl Screen for LabScreen {
    type Msg = Msg;

    fn update(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        let stage = self.stage;
        match msg {
            Msg::Move { delta, page } => {
                if let Some(view) = ctx.lab_mut(stage) {
                    scroll(view, delta, page);
                }
                vec![]
            }
            Msg::Grade => ctx.start_grade(stage),
            Msg::ToggleWatch => {
                let Some(view) = ctx.lab_mut(stage) else {
                    return vec![];
                };
                view.watching = !view.watching;
                let on = view.watching;
                ctx.flash(if on {
                    format!("Watching {stage}: saving a file of the lab grades it again.")
                } else {
                    "Watch mode off.".into()
                });
                vec![Effect::Watch(stage, on)]
            }
            Msg::OpenPlace => {
                let place = ctx.lab_mut(stage).and_then(|view| {
                    let check = view.report.as_ref()?.checks.get(view.selected)?;
                    if check.passed {
                        return None;
                    }
                    failure_place(check.message.as_deref()?)
                });
                match place {
                    Some((path, line)) => vec![Effect::Edit(path.into(), line)],
                    None => {
                        ctx.flash("The selected check names no place in the code: its message and hint say what to change.");
                        vec![]
                    }
                }
            }
            Msg::NextHint => {
                let shown = ctx.lab_mut(stage).and_then(|view| view.next_hint());
                match shown {
                    Some((_, 0)) => {
                        ctx.flash("This check has no hint: its message says what is wrong.")
                    }
                    None => ctx.flash("No check selected: grade the lab or pick a check with ↑ ↓."),
                    Some(_) => {}
                }
                vec![]
            }
            Msg::FocusNext => {
                if let Some(view) = ctx.lab_mut(stage) {
                    view.focus = Some(match view.focus.unwrap_or(Focus::Checks) {
                        Focus::Instructions => Focus::Checks,
                        Focus::Checks => Focus::Output,
                        Focus::Output => Focus::Instructions,
                    });
                }
                vec![]
            }
            // The app asks the question (it owns the overlays).
            Msg::AskReset => vec![],
            Msg::GradeBuilding(lab, progress) => {
                if let Some(view) = ctx.lab_mut(lab)
                    && view.grading
                {
                    view.grade_build = Some(progress);
                }
                vec![]
            }
            Msg::GradeFinished(lab, outcome) => ctx.finish_grade(lab, outcome),
            Msg::GradeFailedToStart(lab, why) => {
                if let Some(view) = ctx.lab_mut(lab) {
                    view.grading = false;
                    view.regrade_pending = false;
                    view.build_error = Some(why.to_string());
                }
                ctx.flash(format!("Could not run the grader for {lab}: {why}"));
                vec![]
            }
            Msg::FilesChanged(lab) => {
                let Some(view) = ctx.lab_mut(lab) else {
                    return vec![];
                };
                if !view.watching {
                    return vec![];
                }
                if view.grading {
                    view.regrade_pending = true;
                    return vec![];
                }
                ctx.start_grade(lab)
            }
            Msg::ResetDone(lab, result) => match result {
                Ok(backup) => {
                    if let Some(view) = ctx.lab_mut(lab) {
                        view.progress = crate::state::Progress::NotStarted;
                        view.report = None;
                        view.build_error = None;
                        view.selected = 0;
                    }
                    ctx.flash(format!(
                        "{lab} is back to its starter; your version is saved in {}",
                        backup.display()
                    ));
                    vec![Effect::SaveState]
                }
                Err(e) => {
                    ctx.flash(format!("Reset failed, nothing changed: {e}"));
                    vec![]
                }
            },
        }
    }

    fn id(&self) -> ScreenId {
        ScreenId::Lab(self.stage)
    }

    fn title(&self, ctx: &Ctx) -> String {
        let title = ctx.course.lab(self.stage).map_or("", |l| l.title.as_str());
        format!("{} · {title}", self.stage)
    }

    fn keys(&self, _ctx: &Ctx) -> KeyTable<Msg> {
        let m = Act::Own;
        let mv = |delta, page| Msg::Move { delta, page };
        let tools: Vec<_> = tools_of(self.stage).collect();
        let mut table = KeyTable::new()
            .with(
                Binding::char(
                    'g',
                    &format!("grade now (cargo test -p lab-{})", self.stage),
                    m(Msg::Grade),
                )
                .footer("grade"),
            )
            .with(
                Binding::char(
                    'w',
                    "watch: grade again whenever a lab file is saved",
                    m(Msg::ToggleWatch),
                )
                .footer("watch"),
            )
            .with(
                Binding::char(
                    'h',
                    "next hint for the check: idea, approach, code",
                    m(Msg::NextHint),
                )
                .footer("hint"),
            );
        // The footer has room for the lab's tools or for Tab, not both
        // (80 columns); the help always lists Tab.
        let tab = Binding::new(
            &[KeyCode::Tab],
            "Tab",
            "move focus: checks → output → instructions",
            m(Msg::FocusNext),
        );
        table = if tools.is_empty() {
            table.with(tab.footer("focus"))
        } else {
            table.with(tab)
        };
        for t in tools {
            table = table.with(Binding::char(t.key, t.help, Act::Go(t.screen)).footer(t.footer));
        }
        table
            .extend(up_down(
                "select a check, or scroll the focused pane",
                mv(-1, false),
                mv(1, false),
            ))
            .extend(pages("scroll a page", mv(-1, true), mv(1, true)))
            .with(book_row("open the lab's chapter in a browser"))
            .with(Binding::char(
                'o',
                "open where the check failed, in $EDITOR",
                m(Msg::OpenPlace),
            ))
            .with(
                Binding::char(
                    'R',
                    "reset the lab to its starter (asks first)",
                    m(Msg::AskReset),
                )
                .footer("reset"),
            )
            .with(help_row())
            .with(message_row())
            .with(back_row("back to the course map"))
    }

    fn parent(&self) -> Option<ScreenId> {
        Some(ScreenId::Map)
    }

    fn chapter(&self, ctx: &Ctx) -> String {
        ctx.course
            .lab(self.stage)
            .map_or_else(|| self.stage.chapter(), |l| l.chapter.clone())
    }

    fn open(&mut self, from: ScreenId, ctx: &mut Ctx) -> Vec<Effect<Msg>> {
        if from == ScreenId::Map {
            ctx.flash = None;
        }
        vec![]
    }

    fn render(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        if let Some(view) = ctx.labs.get(&self.stage) {
            render(ctx, self.stage, view, area, buf);
        }
    }
}

fn block(title: String, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default().fg(Color::Cyan)
    } else {
        Style::default()
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(style)
        .title(title)
}

/// Draws the lab of `stage` into `area`.
fn render(ctx: &Ctx, stage: Stage, view: &LabState, area: Rect, buf: &mut Buffer) {
    let focus = view.focus.unwrap_or(Focus::Checks);
    let left_share = if area.width >= 110 { 55 } else { 48 };
    let [left, right] = Layout::horizontal([
        Constraint::Percentage(left_share),
        Constraint::Percentage(100 - left_share),
    ])
    .areas(area);

    Paragraph::new(view.instructions.clone())
        .wrap(Wrap { trim: false })
        .scroll((view.instructions_scroll, 0))
        .block(block(" Instructions ".into(), focus == Focus::Instructions))
        .render(left, buf);

    let checks_height = view
        .report
        .as_ref()
        .map_or(4, |r| r.checks.len() as u16 + 2)
        .clamp(4, right.height.saturating_mul(3) / 5);
    let [checks_area, detail_area] =
        Layout::vertical([Constraint::Length(checks_height), Constraint::Min(3)]).areas(right);
    render_checks(ctx, view, checks_area, buf, focus == Focus::Checks);
    render_details(stage, view, detail_area, buf, focus == Focus::Output);
}

fn render_checks(ctx: &Ctx, view: &LabState, area: Rect, buf: &mut Buffer, focused: bool) {
    let mut title = String::from(" Checks");
    if let Some(r) = &view.report {
        title.push_str(&format!(" {}/{} pts", r.points, r.max_points));
    }
    if view.grading {
        title.push_str(&format!(
            " · grading {}",
            ["⠋", "⠙", "⠸", "⠴"][(ctx.tick % 4) as usize]
        ));
        if let Some(p) = view.grade_build.as_ref().filter(|p| p.total > 0) {
            title.push_str(&format!(" building {}/{}", p.done, p.total));
        }
    }
    if view.watching {
        title.push_str(" · watching");
    }
    title.push(' ');
    let outer = block(
        crate::workbench::chrome::fit_title(&title, area.width),
        focused,
    );
    match &view.report {
        None => {
            let text = match (&view.grading, &view.grade_build) {
                (true, Some(p)) if p.total > 0 => format!(
                    "Building the lab and its checks: {}/{} crates{}. The first build takes minutes; the next ones seconds.",
                    p.done,
                    p.total,
                    if p.compiling.is_empty() {
                        String::new()
                    } else {
                        format!(", compiling {}", p.compiling)
                    }
                ),
                (true, _) => "Grading: the first build can take a minute...".to_owned(),
                _ if !view.declared.is_empty() => {
                    return render_declared(view, outer, area, buf);
                }
                _ => "Not graded yet. Press g to grade.".to_owned(),
            };
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(outer)
                .render(area, buf);
        }
        Some(report) => {
            let width = area.width.saturating_sub(4) as usize;
            let items: Vec<ListItem<'_>> = report
                .checks
                .iter()
                .map(|c| {
                    let (mark, style) = if c.passed {
                        ("✓", Style::default().fg(Color::Green))
                    } else {
                        ("✗", Style::default().fg(Color::Red))
                    };
                    let pts = format!("{}/{}", c.points, c.max_points);
                    let room = width.saturating_sub(pts.len() + 3);
                    let id: String = c.id.chars().take(room).collect();
                    let pad = width.saturating_sub(id.chars().count() + pts.len() + 2);
                    ListItem::new(Line::from(vec![
                        Span::styled(format!("{mark} "), style),
                        Span::raw(id),
                        Span::raw(" ".repeat(pad)),
                        Span::styled(pts, style),
                    ]))
                })
                .collect();
            let list = List::new(items)
                .block(outer)
                .highlight_style(Style::default().add_modifier(Modifier::REVERSED));
            let mut state = ListState::default().with_selected(Some(view.selected));
            StatefulWidget::render(list, area, buf, &mut state);
        }
    }
}

/// The checks the lab declares, before its first grade: each with its
/// points, none passed or failed yet.
fn render_declared(view: &LabState, outer: Block<'_>, area: Rect, buf: &mut Buffer) {
    let width = area.width.saturating_sub(4) as usize;
    let dim = Style::default().fg(Color::DarkGray);
    let items: Vec<ListItem<'_>> = view
        .declared
        .iter()
        .map(|c| {
            let pts = format!("–/{}", c.points);
            let room = width.saturating_sub(pts.chars().count() + 3);
            let id: String = c.id.chars().take(room).collect();
            let pad = width.saturating_sub(id.chars().count() + pts.chars().count() + 2);
            ListItem::new(Line::from(vec![
                Span::styled("○ ", dim),
                Span::raw(id),
                Span::raw(" ".repeat(pad)),
                Span::styled(pts, dim),
            ]))
        })
        .collect();
    let list = List::new(items)
        .block(outer.title_bottom(" not graded yet: g grades "))
        .highlight_style(Style::default().add_modifier(Modifier::REVERSED));
    let mut state = ListState::default().with_selected(Some(view.selected));
    StatefulWidget::render(list, area, buf, &mut state);
}

fn render_details(stage: Stage, view: &LabState, area: Rect, buf: &mut Buffer, focused: bool) {
    if let Some(errors) = &view.build_error {
        let mut lines = vec![
            Line::styled(
                format!(
                    "cargo test -p lab-{stage} did not build. Fix the first error, save, grade again."
                ),
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            Line::default(),
        ];
        lines.extend(errors.lines().map(|l| {
            let style = if l.starts_with("error") {
                Style::default().fg(Color::Red)
            } else if l.starts_with("warning") {
                Style::default().fg(Color::Yellow)
            } else {
                Style::default()
            };
            Line::styled(l.to_owned(), style)
        }));
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((view.output_scroll, 0))
            .block(block(" Build failed ".into(), focused))
            .render(area, buf);
        return;
    }
    if view.report.is_none()
        && let Some(declared) = view.declared.get(view.selected)
    {
        let mut lines = vec![
            Line::from(vec![
                Span::styled(
                    declared.id.clone(),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!(" · {} points · not graded yet", declared.points)),
            ]),
            Line::default(),
        ];
        lines.extend(hint_lines(&declared.hints(), view.shown_tiers()));
        lines.push(Line::styled(
            "Press g to grade.",
            Style::default().fg(Color::DarkGray),
        ));
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(" Details ".into(), focused))
            .render(area, buf);
        return;
    }
    let Some(check) = view
        .report
        .as_ref()
        .and_then(|r| r.checks.get(view.selected))
    else {
        Paragraph::new("Details of the selected check appear here after grading.")
            .wrap(Wrap { trim: true })
            .block(block(" Details ".into(), focused))
            .render(area, buf);
        return;
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            check.id.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(" · {}/{} points", check.points, check.max_points)),
        Span::raw(if check.timed_out { " · timed out" } else { "" }),
    ])];
    if check.passed {
        lines.push(Line::styled("Passes.", Style::default().fg(Color::Green)));
    } else {
        lines.push(Line::default());
        for l in check.message.as_deref().unwrap_or("failed").lines() {
            lines.push(Line::styled(l.to_owned(), Style::default().fg(Color::Red)));
        }
        lines.push(Line::default());
        if let Some((path, line)) = check.message.as_deref().and_then(failure_place) {
            lines.push(Line::from(vec![
                Span::styled("Next: ", Style::default().add_modifier(Modifier::BOLD)),
                Span::raw(format!("{path}:{line}")),
                Span::styled(" (o opens it)", Style::default().fg(Color::DarkGray)),
            ]));
            lines.push(Line::default());
        }
        lines.extend(hint_lines(&check.hints, view.shown_tiers()));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((view.output_scroll, 0))
        .block(block(" Details ".into(), focused))
        .render(area, buf);
}

/// The names of the hint tiers, gentlest first.
const TIERS: [&str; 3] = ["Idea", "Approach", "Code"];

/// The first `shown` of a check's hint tiers, each under its name, and a
/// line saying what the next `h` shows.
fn hint_lines(hints: &[String], shown: usize) -> Vec<Line<'static>> {
    let names: &[&str] = if hints.len() == TIERS.len() {
        &TIERS
    } else {
        &["Hint"; 3]
    };
    let mut lines = Vec::new();
    for (hint, name) in hints.iter().zip(names).take(shown) {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{name}: "),
                Style::default()
                    .fg(Color::Yellow)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::raw(hint.clone()),
        ]));
        lines.push(Line::default());
    }
    let next = match (shown, hints.len()) {
        (_, 0) => return lines,
        (0, n) if n == TIERS.len() => "Press h for a hint (the idea first).".to_owned(),
        (0, _) => "Press h for a hint.".to_owned(),
        (s, n) if s < n => format!(
            "Press h again for the {} ({} of {n}).",
            names[s].to_lowercase(),
            s + 1
        ),
        _ => "Press h to hide the hints.".to_owned(),
    };
    lines.push(Line::styled(next, Style::default().fg(Color::DarkGray)));
    lines
}

/// The place in the lab's code a check failed at, from its message: the
/// `at labs/<lab>/src/<file>.rs:<line>` the harness writes for a panic or a
/// `todo!()` (the column, if any, left out). Only a relative path inside
/// `labs/` counts: the place is the learner's code, not the checks' or a
/// library's.
pub fn failure_place(message: &str) -> Option<(String, u32)> {
    message.split(" at ").skip(1).find_map(|rest| {
        let spot = rest.split(|c: char| c.is_whitespace() || c == ',').next()?;
        let spot = spot.trim_end_matches([':', '.', ')']);
        let mut parts = spot.split(':');
        let path = parts.next()?;
        let line: u32 = parts.next()?.parse().ok()?;
        let inside = path.starts_with("labs/")
            && path.ends_with(".rs")
            && !path.contains("/tests/")
            && !path.split('/').any(|c| c == "..");
        inside.then(|| (path.to_owned(), line))
    })
}
