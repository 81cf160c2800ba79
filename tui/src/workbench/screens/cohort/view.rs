//! Drawing the cohort view: the header, the grid and the failing checks
//! (or a learner's report), the status line, the message line, the keys.
//! Everything is drawn from the [`CohortView`] model into a `Buffer`.

use super::data::{Data, Mark, cell};
use super::{CohortView, Field, Mode, Rubric};
use crate::workbench::chrome::{MIN_HEIGHT, MIN_WIDTH, pane};
use ninety_grader::cohort::fmt_points;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// The colour of a share of the points: green from 80%, yellow from half.
pub fn share_colour(share: f64) -> Color {
    if share >= 0.8 {
        Color::Green
    } else if share >= 0.5 {
        Color::Yellow
    } else {
        Color::Red
    }
}

impl Widget for &CohortView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            Paragraph::new("Make the terminal larger to see the cohort (40×10 at least).")
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        let flash = self.flash.as_deref().unwrap_or_default();
        // A long message (an error) takes up to three lines rather than
        // being cut.
        let flash_rows = (flash.chars().count() as u16 + 12)
            .div_ceil(area.width)
            .clamp(1, 3);
        let [header, body, status, message, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(flash_rows),
            Constraint::Length(1),
        ])
        .areas(area);
        render_header(self, header, buf);
        match &self.mode {
            Mode::Grid if self.data.is_empty() => render_nothing_graded(&self.data, body, buf),
            Mode::Grid => {
                let failing_rows =
                    (self.data.failing.len().max(1) as u16 + 2).min((body.height / 3).max(3));
                let [grid, failing] =
                    Layout::vertical([Constraint::Min(4), Constraint::Length(failing_rows)])
                        .areas(body);
                render_grid(self, grid, buf);
                render_failing(&self.data, failing, buf);
            }
            Mode::Report {
                row, text, scroll, ..
            } => render_report(self, *row, text, *scroll, body, buf),
            Mode::Rubric(r) => render_rubric(self, r, body, buf),
        }
        Line::from(Span::styled(
            format!(" {}", status_line(&self.data, usize::from(area.width) - 1)),
            Style::default().fg(Color::Cyan),
        ))
        .render(status, buf);
        Paragraph::new(Span::styled(
            format!(" {flash}"),
            Style::default().fg(Color::Yellow),
        ))
        .wrap(Wrap { trim: false })
        .render(message, buf);
        render_footer(self, footer, buf);
        if self.help {
            render_help(self, area, buf);
        }
    }
}

fn render_header(view: &CohortView, area: Rect, buf: &mut Buffer) {
    let mut title = format!(" Ninety › cohort {}", view.data.name);
    match &view.mode {
        Mode::Report { row, .. } => {
            if let Some(l) = view.data.learners.get(*row) {
                title.push_str(&format!(" › {}", l.name));
            }
        }
        Mode::Rubric(r) => {
            if let (Some(l), Some(lab)) = (view.data.learners.get(r.row), view.data.labs.get(r.col))
            {
                title.push_str(&format!(" › {} › {lab} rubric", l.name));
            }
        }
        Mode::Grid => {}
    }
    let right = format!("{} ", view.data.dir.display());
    let width = area.width as usize;
    let room = width.saturating_sub(right.chars().count() + 1);
    // The title first: the folder gives way when both do not fit.
    let left: String = title.chars().take(width).collect();
    let right = if left.chars().count() <= room {
        right
    } else {
        String::new()
    };
    crate::workbench::chrome::header_bar(&left, &right, area, buf);
}

/// The status line: the cohort in numbers, in at most `room` columns
/// where it can (the counts a glance needs stay; the others give way).
pub fn status_line(data: &Data, room: usize) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let learners = plural(data.learners.len(), "learner", "learners");
    let submissions = plural(data.submissions(), "submission", "submissions");
    let unscored = data.unscored() as usize;
    let at = data.graded_at.as_deref().map(short_time);
    let long = {
        let mut parts = vec![
            learners.clone(),
            submissions.clone(),
            format!("{} graded", data.graded()),
        ];
        if data.stuck > 0 {
            parts.push(format!("{} stuck", data.stuck));
        }
        if unscored > 0 {
            parts.push(plural(
                unscored,
                "rubric item to score",
                "rubric items to score",
            ));
        }
        parts.push(match &at {
            Some(at) => format!("graded at {at}"),
            None => "never graded".to_owned(),
        });
        parts.join(" · ")
    };
    if long.chars().count() <= room {
        return long;
    }
    let mut parts = vec![learners, submissions];
    if unscored > 0 {
        parts.push(format!("rubric: {unscored} to score"));
    }
    parts.push(match at {
        Some(at) => format!("graded {at}"),
        None => "never graded".to_owned(),
    });
    parts.join(" · ")
}

/// An RFC 3339 time in UTC to the minute: `2026-01-20 09:00 UTC`.
fn short_time(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(day), Some(minute)) if at.ends_with('Z') => format!("{day} {minute} UTC"),
        _ => at.to_owned(),
    }
}

fn render_nothing_graded(data: &Data, area: Rect, buf: &mut Buffer) {
    let dir = data.dir.display();
    let command = Style::default().fg(Color::Cyan);
    let lines = vec![
        Line::from(format!(
            "Nothing graded yet: {} learner{} on the roster, labs {}.",
            data.learners.len(),
            if data.learners.len() == 1 { "" } else { "s" },
            if data.labs.is_empty() {
                "none".to_owned()
            } else {
                data.labs.join(", ")
            }
        )),
        Line::default(),
        Line::from("To fill this view, from the instructor repository:"),
        Line::default(),
        Line::from(vec![
            Span::raw("  1. take the learners' work:  "),
            Span::styled(format!("ninety cohort collect --cohort {dir}"), command),
        ]),
        Line::from(vec![
            Span::raw("  2. grade it:                 "),
            Span::styled(format!("ninety cohort grade --cohort {dir}"), command),
        ]),
        Line::default(),
        Line::from("The view reads the gradebook again by itself as grades are recorded."),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(pane(format!(" Cohort {} ", data.name), area))
        .render(area, buf);
}

fn render_grid(view: &CohortView, area: Rect, buf: &mut Buffer) {
    let data = &view.data;
    let block = pane(
        format!(
            " Learners × labs ({} × {}) ",
            data.learners.len(),
            data.labs.len()
        ),
        area,
    );
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let cells: Vec<Vec<(String, Option<f64>)>> = (0..data.learners.len())
        .map(|r| {
            (0..data.labs.len())
                .map(|c| cell(data.grade(r, c)))
                .collect()
        })
        .collect();
    let name_width = data
        .learners
        .iter()
        .map(|l| l.name.chars().count())
        .chain(std::iter::once("learner".len()))
        .max()
        .unwrap_or(0)
        .min(22);
    let col_width = cells
        .iter()
        .flatten()
        .map(|(t, _)| t.chars().count())
        .chain(data.labs.iter().map(|l| l.chars().count()))
        .max()
        .unwrap_or(1)
        + 2;
    // The columns that fit, scrolled so that the selected one shows.
    let room = (inner.width as usize).saturating_sub(name_width + 2);
    let fit = (room / col_width).max(1);
    let first_col = view.col.saturating_sub(fit - 1);
    let cols = first_col..(first_col + fit).min(data.labs.len());
    // The rows that fit under the lab names and above the legend.
    let fit_rows = (inner.height as usize).saturating_sub(2).max(1);
    let first_row = view.row.saturating_sub(fit_rows - 1);
    let rows = first_row..(first_row + fit_rows).min(data.learners.len());

    let dim = Style::default().fg(Color::DarkGray);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = Vec::new();
    let mut head = vec![Span::styled(
        format!(
            "{}{:<w$}",
            if first_col > 0 { "‹" } else { " " },
            "learner",
            w = name_width + 1
        ),
        dim,
    )];
    for c in cols.clone() {
        let style = if c == view.col { bold } else { dim };
        head.push(Span::styled(
            format!("{:>w$}", data.labs[c], w = col_width),
            style,
        ));
    }
    if cols.end < data.labs.len() {
        head.push(Span::styled(" ›", dim));
    }
    lines.push(Line::from(head));
    for r in rows {
        let learner = &data.learners[r];
        let name: String = learner.name.chars().take(name_width).collect();
        let mut spans = vec![Span::styled(
            format!(
                "{}{name:<name_width$} ",
                if r == view.row { "▸" } else { " " }
            ),
            if r == view.row {
                bold.add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            },
        )];
        for c in cols.clone() {
            let (text, share) = &cells[r][c];
            let mut style = match share {
                Some(s) => Style::default().fg(share_colour(*s)),
                None => dim,
            };
            if r == view.row && c == view.col {
                style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
            }
            spans.push(Span::raw("  "));
            spans.push(Span::styled(
                format!("{text:>w$}", w = col_width - 2),
                style,
            ));
        }
        lines.push(Line::from(spans));
    }
    let body = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    Paragraph::new(lines).render(body, buf);
    let legend_of = |short: bool| {
        let mut legend = vec![Span::raw(" ")];
        for (mark, long_words, short_words) in Mark::LEGEND {
            legend.push(Span::styled(mark.sign(), bold));
            let words = if short { short_words } else { long_words };
            legend.push(Span::styled(format!(" {words}  "), dim));
        }
        legend.push(Span::styled(super::data::NOT_SUBMITTED, bold));
        legend.push(Span::styled(
            if short { " none" } else { " not submitted" },
            dim,
        ));
        Line::from(legend)
    };
    let legend = match legend_of(false) {
        long if long.width() <= usize::from(inner.width) => long,
        _ => legend_of(true),
    };
    if inner.height >= 2 {
        legend.render(
            Rect {
                y: inner.bottom() - 1,
                height: 1,
                ..inner
            },
            buf,
        );
    }
}

fn render_failing(data: &Data, area: Rect, buf: &mut Buffer) {
    let block = pane(" Checks that fail most ", area);
    let lines: Vec<Line<'_>> = if data.failing.is_empty() {
        vec![Line::styled(
            "No check has failed yet.",
            Style::default().fg(Color::Green),
        )]
    } else {
        data.failing
            .iter()
            .map(|f| {
                let share = if f.graded == 0 {
                    0.0
                } else {
                    f64::from(f.failed) / f64::from(f.graded)
                };
                Line::from(vec![
                    Span::raw(format!("{:>4}/{:<4}", f.failed, f.graded)),
                    Span::styled(
                        format!("{:>5}  ", format!("{}%", fmt_points(share * 100.0))),
                        // A check most fail is the red one.
                        Style::default().fg(share_colour(1.0 - share)),
                    ),
                    Span::styled(
                        format!("{:<9}", f.lab),
                        Style::default().fg(Color::DarkGray),
                    ),
                    Span::raw(f.check.clone()),
                    Span::styled(
                        if f.hidden { " (hidden)" } else { "" },
                        Style::default().fg(Color::DarkGray),
                    ),
                ])
            })
            .collect()
    };
    Paragraph::new(lines).block(block).render(area, buf);
}

fn render_report(
    view: &CohortView,
    row: usize,
    text: &str,
    scroll: u16,
    area: Rect,
    buf: &mut Buffer,
) {
    let lines = crate::workbench::markdown::render(text);
    let title = match view.data.learners.get(row) {
        Some(l) => format!(
            " Feedback · {} ({}) · row {}/{} ",
            l.name,
            l.id,
            usize::from(scroll) + 1,
            wrapped_rows(text, area.width.saturating_sub(2))
        ),
        None => " Feedback ".to_owned(),
    };
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .block(pane(title, area))
        .render(area, buf);
}

fn render_footer(view: &CohortView, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![Span::raw(" ")];
    for (key, word) in view.keys().footer() {
        spans.push(Span::styled(
            key,
            Style::default().fg(Color::Black).bg(Color::Gray),
        ));
        spans.push(Span::raw(format!(" {word}  ")));
    }
    Line::from(spans).render(area, buf);
}

fn render_help(view: &CohortView, area: Rect, buf: &mut Buffer) {
    let rows = view.keys().help();
    let mut lines: Vec<Line<'_>> = rows
        .iter()
        .map(|(k, a)| {
            Line::from(vec![
                Span::styled(
                    format!("{k:>12}  "),
                    Style::default()
                        .fg(Color::Cyan)
                        .add_modifier(Modifier::BOLD),
                ),
                Span::raw(a.clone()),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("Cells: ", Style::default().add_modifier(Modifier::BOLD)),
        Span::raw("final points / max, green from 80%, yellow from 50%, red below."),
    ]));
    lines.push(Line::styled(
        "Any key closes this help.",
        Style::default().fg(Color::DarkGray),
    ));
    let width = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(30)
        .saturating_add(4) as u16;
    let height = lines.len() as u16 + 2;
    let rect = crate::workbench::overlay::centered(area, width, height);
    crate::workbench::overlay::window(lines, " Keys ", Color::Cyan, rect, buf);
}

fn render_rubric(view: &CohortView, rubric: &Rubric, area: Rect, buf: &mut Buffer) {
    let criteria = view.criteria();
    let (Some(learner), Some(lab), Some(grade)) = (
        view.data.learners.get(rubric.row),
        view.data.labs.get(rubric.col),
        view.data.grade(rubric.row, rubric.col),
    ) else {
        return;
    };
    let dim = Style::default().fg(Color::DarkGray);
    let given: f64 = criteria.iter().filter_map(|c| c.points).sum();
    let most: u32 = criteria.iter().map(|c| c.max_points).sum();
    let id_width = criteria
        .iter()
        .map(|c| c.criterion.chars().count())
        .max()
        .unwrap_or(0);
    let list: Vec<Line<'_>> = criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let chosen = i == rubric.selected;
            let points = match c.points {
                Some(p) => Span::styled(
                    format!("{:>6}", format!("{}/{}", fmt_points(p), c.max_points)),
                    Style::default().fg(share_colour(if c.max_points == 0 {
                        1.0
                    } else {
                        p / f64::from(c.max_points)
                    })),
                ),
                None => Span::styled(format!("{:>6}", format!("–/{}", c.max_points)), dim),
            };
            let mut spans = vec![
                Span::raw(if chosen { "▸ " } else { "  " }),
                points,
                Span::styled(
                    format!("  {:<id_width$}  ", c.criterion),
                    if chosen {
                        Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
                    } else {
                        Style::default().add_modifier(Modifier::BOLD)
                    },
                ),
                Span::raw(c.title.clone()),
            ];
            match (&c.scored_by, c.automatic) {
                (Some(by), _) => spans.push(Span::styled(format!("  (by {by})"), dim)),
                (None, true) => spans.push(Span::styled("  (scored by the grader)", dim)),
                (None, false) => spans.push(Span::styled(
                    "  to score",
                    Style::default().fg(Color::Yellow),
                )),
            }
            Line::from(spans)
        })
        .collect();
    let list_rows = (criteria.len() as u16 + 2).min(area.height / 2).max(3);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(list_rows), Constraint::Min(3)]).areas(area);
    let late = if grade.days_late > 0 {
        format!(", {}% off for lateness", fmt_points(grade.penalty_percent))
    } else {
        String::new()
    };
    Paragraph::new(list)
        .block(pane(
            format!(
                " Rubric · {lab} · {} ({}) · {}/{most} pts given{late} ",
                learner.name,
                learner.id,
                fmt_points(given)
            ),
            top,
        ))
        .render(top, buf);
    let Some(c) = criteria.get(rubric.selected) else {
        return;
    };
    let mut lines = vec![
        Line::from(Span::styled(
            c.title.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        )),
        Line::default(),
    ];
    lines.extend(
        c.guidance
            .lines()
            .map(|l| Line::from(l.to_owned()))
            .collect::<Vec<_>>(),
    );
    lines.push(Line::default());
    let title = match &rubric.edit {
        Some(edit) => {
            let field = |label: &str, value: &str, on: bool| {
                Line::from(vec![
                    Span::styled(format!("{label:>9} "), Style::default().fg(Color::Cyan)),
                    Span::styled(
                        format!("{value}{}", if on { "▏" } else { "" }),
                        if on {
                            Style::default().add_modifier(Modifier::UNDERLINED)
                        } else {
                            Style::default()
                        },
                    ),
                ])
            };
            lines.push(field("Points:", &edit.points, edit.field == Field::Points));
            lines.push(field(
                "Comment:",
                &edit.comment,
                edit.field == Field::Comment,
            ));
            lines.push(Line::default());
            lines.push(Line::styled(
                format!(
                    "0 to {} points. Tab: the other field; Enter records it; Esc: nothing is recorded.",
                    c.max_points
                ),
                dim,
            ));
            format!(" Score {} (0 to {}) ", c.criterion, c.max_points)
        }
        None => {
            match c.points {
                Some(p) => lines.push(Line::from(format!(
                    "Given {} of {}{}{}.",
                    fmt_points(p),
                    c.max_points,
                    c.scored_by
                        .as_deref()
                        .map(|by| format!(" by {by}"))
                        .unwrap_or_default(),
                    c.scored_at
                        .as_deref()
                        .map(|at| format!(" at {}", short_time(at)))
                        .unwrap_or_default()
                ))),
                None => lines.push(Line::styled(
                    "Not scored yet: Enter to score it.",
                    Style::default().fg(Color::Yellow),
                )),
            }
            if !c.comment.is_empty() {
                lines.push(Line::from(format!("Comment: {}", c.comment)));
            }
            format!(" {} ", c.criterion)
        }
    };
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(pane(title, bottom))
        .render(bottom, buf);
}

/// About how many rows the report `text` takes wrapped at `width`
/// columns: its lines as drawn, each broken between words as a paragraph
/// breaks them.
pub fn wrapped_rows(text: &str, width: u16) -> usize {
    let width = usize::from(width.max(1));
    crate::workbench::markdown::render(text)
        .iter()
        .map(|line| {
            let plain: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            let mut rows = 1;
            let mut used = 0;
            for word in plain.split(' ') {
                let w = word.chars().count();
                if used > 0 && used + 1 + w > width {
                    rows += 1;
                    used = 0;
                }
                used += if used > 0 { 1 + w } else { w };
                while used > width {
                    rows += 1;
                    used -= width;
                }
            }
            rows
        })
        .sum()
}
