//! Tests of the cohort view: a small cohort written in a temporary folder
//! through the grader's own API (its manifest, roster and gradebook), the
//! view's `update` driven by key presses as the loop would deliver them,
//! and its drawing, snapshot by snapshot, with `TestBackend`.

use super::data::{Data, cell};
use super::{CohortView, Effect, Field, Mode, Msg};
use crate::workbench::chrome::buffer_text;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ninety_grader::cohort::config::{Lateness, Learner};
use ninety_grader::cohort::grade::{LabGrade, Reference, Status};
use ninety_grader::cohort::gradebook::Gradebook;
use ninety_grader::cohort::tamper::{Change, TestChange};
use ninety_grader::course::Criterion;
use ninety_grader::report::CheckResult;
use ninety_kit::Stage;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::widgets::Widget;
use std::path::Path;

const TOML: &str = r#"name = "spring"
course = "/nonexistent/ninety"
roster = "roster.csv"

[late]
penalty_per_day = 10.0
cap = 50.0

[[lab]]
name = "frame"
due = "2026-01-10T23:59:00Z"

[[lab]]
name = "gather"
due = "2026-01-17T23:59:00Z"
"#;

const ROSTER: &str = "id,name,email,repository
ada,Ada Lovelace,ada@example.org,
bob,Bob Kahn,bob@example.org,
zoe,Zoe Ng,zoe@example.org,
li,Li Wei,li@example.org,
";

fn check(id: &str, max: u32, passed: bool) -> CheckResult {
    CheckResult {
        id: id.into(),
        points: if passed { max } else { 0 },
        max_points: max,
        passed,
        hints: vec![format!("think about {id}")],
        message: (!passed).then(|| format!("{id}: expected 3, got 2")),
        timed_out: false,
        millis: 1,
    }
}

fn grade(learner: &str, lab: Stage, status: Status, checks: Vec<CheckResult>) -> LabGrade {
    let points = checks.iter().map(|c| c.points).sum();
    LabGrade {
        learner: learner.into(),
        lab,
        status,
        points,
        max_points: if lab == Stage::Frame { 5 } else { 4 },
        late: Lateness::default(),
        late_penalty: 0.0,
        final_points: f64::from(points),
        tampering: Vec::new(),
        lacked: Vec::new(),
        submitted_at: Some("2026-01-09T12:00:00Z".into()),
        commit: Some("0123456789abcdef0123".into()),
        checks,
        detail: None,
        seconds: 1.0,
    }
}

fn learners() -> Vec<Learner> {
    ROSTER
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            Learner {
                id: f[0].into(),
                name: f[1].into(),
                email: f[2].into(),
                repository: String::new(),
            }
        })
        .collect()
}

/// Writes the cohort `spring` into `dir`: two labs, four learners, and a
/// gradebook with every kind of cell (full marks, late with changed
/// tests, did not compile, not submitted, failing checks, nothing at all).
pub(crate) fn write_cohort(dir: &Path, graded: bool) {
    std::fs::write(dir.join("cohort.toml"), TOML).unwrap();
    std::fs::write(dir.join("roster.csv"), ROSTER).unwrap();
    if !graded {
        return;
    }
    let mut book = Gradebook::open(&dir.join("gradebook.sqlite")).unwrap();
    book.put_learners(&learners()).unwrap();
    let frame = Reference {
        checks: vec![check("spec.loads", 2, true), check("hidden.edges", 3, true)],
        hidden: ["hidden.edges".to_owned()].into(),
    };
    let gather = Reference {
        checks: vec![
            check("parse.mime", 2, true),
            check("dedupe.bodies", 2, true),
        ],
        hidden: Default::default(),
    };
    book.put_lab(Stage::Frame, 0, "2026-01-10T23:59:00Z", &frame)
        .unwrap();
    book.put_lab(Stage::Gather, 1, "2026-01-17T23:59:00Z", &gather)
        .unwrap();
    // The frame lab has a rubric of two criteria; gather has none.
    let criterion = |id: &str, title: &str, points, guidance: &str| Criterion {
        id: id.into(),
        title: title.into(),
        points,
        guidance: guidance.into(),
        auto: None,
    };
    book.put_rubric(
        "frame",
        &[
            criterion(
                "spec.reasoning",
                "Says why the metric fits the product",
                3,
                "3: ties the metric to mail a user would lose\n1: names a metric only",
            ),
            criterion(
                "spec.costs",
                "Prices a lost real email against a spam let through",
                2,
                "2: both costs, with a ratio\n0: none",
            ),
        ],
    )
    .unwrap();
    let full = |learner, lab| {
        let checks = if lab == Stage::Frame {
            frame.checks.clone()
        } else {
            gather.checks.clone()
        };
        grade(learner, lab, Status::Graded, checks)
    };
    book.record(&full("ada", Stage::Frame), None).unwrap();
    book.set_rubric_score("ada", "frame", "spec.costs", 2.0, "both, 1:50", "ana")
        .unwrap();
    let mut late = full("ada", Stage::Gather);
    late.late = Lateness {
        days: 2,
        percent: 20.0,
    };
    late.late_penalty = 0.8;
    late.final_points = 3.2;
    late.submitted_at = Some("2026-01-19T08:00:00Z".into());
    late.tampering = vec![TestChange {
        path: "labs/gather/tests/grade.rs".into(),
        change: Change::Edited,
    }];
    book.record(&late, None).unwrap();
    let mut broken = grade("bob", Stage::Frame, Status::BuildFailed, Vec::new());
    broken.detail = Some("error[E0308]: mismatched types\n --> labs/frame/src/spec.rs:12:5".into());
    book.record(&broken, None).unwrap();
    let mut missing = grade("bob", Stage::Gather, Status::Missing, Vec::new());
    missing.submitted_at = None;
    missing.commit = None;
    book.record(&missing, None).unwrap();
    book.record(
        &grade(
            "zoe",
            Stage::Frame,
            Status::Graded,
            vec![
                check("spec.loads", 2, true),
                check("hidden.edges", 3, false),
            ],
        ),
        None,
    )
    .unwrap();
    book.record(
        &grade(
            "zoe",
            Stage::Gather,
            Status::Graded,
            vec![
                check("parse.mime", 2, false),
                check("dedupe.bodies", 2, true),
            ],
        ),
        None,
    )
    .unwrap();
}

/// The view of the test cohort, its time of grading fixed for snapshots.
fn cohort_view(graded: bool) -> (tempfile::TempDir, CohortView) {
    let dir = tempfile::tempdir().unwrap();
    write_cohort(dir.path(), graded);
    let mut data = Data::load(dir.path()).unwrap();
    if graded {
        data.graded_at = Some("2026-01-20T09:00:00Z".into());
    }
    // The folder's name changes with each run; the snapshot keeps one.
    data.dir = "/cohorts/spring".into();
    (dir, CohortView::new(data))
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Presses `code`, applying what it sends; returns the effects.
fn press(view: &mut CohortView, code: KeyCode) -> Vec<Effect> {
    match view.message_for(key(code)) {
        Some(msg) => view.update(msg),
        None => vec![],
    }
}

fn screen(view: &CohortView, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(view, f.area())).unwrap();
    buffer_text(terminal.backend().buffer())
}

#[test]
fn the_gradebook_is_read_through_the_grader_in_roster_and_lab_order() {
    let (_dir, view) = cohort_view(true);
    let data = &view.data;
    let ids: Vec<&str> = data.learners.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["ada", "bob", "zoe", "li"]);
    assert_eq!(data.labs, ["frame", "gather"]);
    assert_eq!((data.submissions(), data.graded()), (5, 4));
    assert_eq!(data.failing.len(), 2);
    let cells: Vec<String> = (0..4)
        .flat_map(|r| (0..2).map(move |c| (r, c)))
        .map(|(r, c)| cell(data.grade(r, c)).0)
        .collect();
    assert_eq!(
        cells,
        [
            "7/10 R",
            "3.2/4 LT",
            "0/10 ✗R",
            "—",
            "2/10 R",
            "2/4",
            "—",
            "—"
        ]
    );
}

#[test]
fn movement_clamps_to_the_grid() {
    let (_dir, mut view) = cohort_view(true);
    press(&mut view, KeyCode::Up);
    press(&mut view, KeyCode::Char('h'));
    assert_eq!((view.row, view.col), (0, 0));
    for _ in 0..10 {
        press(&mut view, KeyCode::Char('j'));
        press(&mut view, KeyCode::Right);
    }
    assert_eq!((view.row, view.col), (3, 1));
    press(&mut view, KeyCode::PageUp);
    press(&mut view, KeyCode::Char('k'));
    assert_eq!((view.row, view.col), (0, 1));
    press(&mut view, KeyCode::Left);
    press(&mut view, KeyCode::Down);
    assert_eq!((view.row, view.col), (1, 0));
}

#[test]
fn enter_opens_the_learner_s_report_and_esc_returns_to_the_grid() {
    let (_dir, mut view) = cohort_view(true);
    press(&mut view, KeyCode::Enter);
    let Mode::Report { row, text, scroll } = &view.mode else {
        panic!("no report: {:?}", view.mode);
    };
    assert_eq!((*row, *scroll), (0, 0));
    // The same feedback `ninety cohort feedback` writes.
    assert!(
        text.starts_with("# Feedback for Ada Lovelace (ada)\n"),
        "{text}"
    );
    assert!(text.contains("**Late by 2 days**"), "{text}");
    // Scrolling stops at the top and at the last line.
    press(&mut view, KeyCode::Up);
    assert!(matches!(view.mode, Mode::Report { scroll: 0, .. }));
    for _ in 0..20 {
        press(&mut view, KeyCode::PageDown);
    }
    let Mode::Report { scroll, text, .. } = view.mode.clone() else {
        panic!("the report closed");
    };
    let at_end = scroll;
    assert!(at_end > 0);
    press(&mut view, KeyCode::Down);
    assert!(matches!(view.mode, Mode::Report { scroll, .. } if scroll == at_end));
    // At the end, the report's last line shows.
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    let tail: String = last
        .chars()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let shown = screen(&view, 80, 24);
    assert!(
        shown.contains(tail.trim_end_matches('`')),
        "{tail:?} not in\n{shown}"
    );
    press(&mut view, KeyCode::Esc);
    assert_eq!(view.mode, Mode::Grid);
    assert!(!view.quit);
    // Where nothing was graded there is no report, and the view says so.
    for _ in 0..3 {
        press(&mut view, KeyCode::Down);
    }
    press(&mut view, KeyCode::Enter);
    assert_eq!(view.mode, Mode::Grid);
    assert!(
        view.flash.as_deref().unwrap().contains("Li Wei (li)"),
        "{:?}",
        view.flash
    );
}

#[test]
fn q_quits_from_the_grid_and_from_a_report() {
    let (_dir, mut view) = cohort_view(true);
    press(&mut view, KeyCode::Char('q'));
    assert!(view.quit);
    let (_dir, mut view) = cohort_view(true);
    press(&mut view, KeyCode::Enter);
    press(&mut view, KeyCode::Char('q'));
    assert!(view.quit);
    let (_dir, view) = cohort_view(true);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(view.message_for(ctrl_c), Some(Msg::Quit));
}

#[test]
fn an_unknown_key_says_so_and_help_lists_the_keys() {
    let (_dir, mut view) = cohort_view(true);
    press(&mut view, KeyCode::Char('z'));
    assert_eq!(
        view.flash.as_deref(),
        Some("z does nothing here; ? lists the keys.")
    );
    press(&mut view, KeyCode::Char('?'));
    assert!(view.help);
    let text = screen(&view, 80, 24);
    assert!(
        text.contains("the learner's report") && text.contains("Any key closes"),
        "{text}"
    );
    // Any key closes the help and does nothing else.
    press(&mut view, KeyCode::Char('q'));
    assert!(!view.help && !view.quit);
}

#[test]
fn reading_again_keeps_the_selection_and_shows_new_grades() {
    let (dir, mut view) = cohort_view(true);
    press(&mut view, KeyCode::Down);
    press(&mut view, KeyCode::Down);
    press(&mut view, KeyCode::Enter);
    let effects = press(&mut view, KeyCode::Char('g'));
    // In the report, g is no key: the grid's reload is there.
    assert!(effects.is_empty());
    press(&mut view, KeyCode::Esc);
    let effects = press(&mut view, KeyCode::Char('g'));
    assert_eq!(effects, [Effect::Load]);
    // Zoe is graded again meanwhile, with full marks.
    let mut book = Gradebook::open(&dir.path().join("gradebook.sqlite")).unwrap();
    book.record(
        &grade(
            "zoe",
            Stage::Frame,
            Status::Graded,
            vec![check("spec.loads", 2, true), check("hidden.edges", 3, true)],
        ),
        None,
    )
    .unwrap();
    drop(book);
    let msg = CohortView::perform(dir.path(), Effect::Load);
    view.update(msg);
    assert_eq!((view.row, view.col), (2, 0));
    assert_eq!(cell(view.data.grade(2, 0)).0, "5/10 R");
    assert!(
        view.flash
            .as_deref()
            .unwrap()
            .starts_with("Read the gradebook"),
        "{:?}",
        view.flash
    );
    // A gradebook that cannot be read again leaves what was shown.
    let before = view.data.clone();
    view.update(CohortView::perform(&dir.path().join("gone"), Effect::Load));
    assert_eq!(view.data, before);
    assert!(
        view.flash.as_deref().unwrap().contains("gone"),
        "{:?}",
        view.flash
    );
}

/// Types `text` into the score being edited.
fn type_in(view: &mut CohortView, text: &str) {
    for c in text.chars() {
        press(view, KeyCode::Char(c));
    }
}

/// Carries out `effects` as the loop would, for the cohort in `dir`.
fn perform(view: &mut CohortView, dir: &Path, effects: Vec<Effect>) {
    for effect in effects {
        let msg = CohortView::perform(dir, effect);
        let more = view.update(msg);
        assert!(more.is_empty(), "a second effect: {more:?}");
    }
}

#[test]
fn r_scores_a_rubric_criterion_and_the_grid_updates() {
    let (dir, mut view) = cohort_view(true);
    view.scorer = "ana".into();
    assert_eq!(view.data.unscored(), 5, "ada 1, bob 2, zoe 2");
    press(&mut view, KeyCode::Char('r'));
    let Mode::Rubric(r) = &view.mode else {
        panic!("no rubric: {:?} {:?}", view.mode, view.flash);
    };
    // The first criterion still to score is chosen.
    assert_eq!((r.row, r.col, r.selected), (0, 0, 0));
    assert_eq!(view.criteria()[1].points, Some(2.0));
    press(&mut view, KeyCode::Enter);
    type_in(&mut view, "2.5");
    press(&mut view, KeyCode::Tab);
    type_in(&mut view, "ties it to lost mail, q included");
    let Mode::Rubric(r) = &view.mode else {
        panic!("the rubric closed");
    };
    let edit = r.edit.as_ref().unwrap();
    assert_eq!(
        (edit.points.as_str(), edit.comment.as_str(), edit.field),
        ("2.5", "ties it to lost mail, q included", Field::Comment)
    );
    assert!(!view.quit, "q typed into a comment is a letter");
    insta::assert_snapshot!("cohort_rubric_score_80x24", screen(&view, 80, 24));
    let effects = press(&mut view, KeyCode::Enter);
    assert!(matches!(&effects[..], [Effect::Score(s)] if s.points == 2.5 && s.by == "ana"));
    perform(&mut view, dir.path(), effects);
    assert_eq!(
        view.flash.as_deref(),
        Some(
            "Scored spec.reasoning for Ada Lovelace: 2.5/3, \"ties it to lost mail, q included\"."
        )
    );
    let Mode::Rubric(r) = &view.mode else {
        panic!("the rubric closed");
    };
    assert!(r.edit.is_none());
    assert_eq!(view.criteria()[0].points, Some(2.5));
    assert_eq!(view.criteria()[0].scored_by.as_deref(), Some("ana"));
    assert_eq!(view.data.unscored(), 4);
    press(&mut view, KeyCode::Esc);
    assert_eq!(view.mode, Mode::Grid);
    assert_eq!(cell(view.data.grade(0, 0)).0, "9.5/10");
    // The report tells the learner the new total.
    press(&mut view, KeyCode::Enter);
    let Mode::Report { text, .. } = &view.mode else {
        panic!("no report");
    };
    assert!(text.contains("## frame: 9.5 / 10 points"), "{text}");
}

#[test]
fn a_score_the_gradebook_refuses_is_shown_and_kept_to_put_right() {
    let (dir, mut view) = cohort_view(true);
    press(&mut view, KeyCode::Char('r'));
    press(&mut view, KeyCode::Enter);
    type_in(&mut view, "9");
    let effects = press(&mut view, KeyCode::Enter);
    perform(&mut view, dir.path(), effects);
    let flash = view.flash.clone().unwrap();
    assert!(
        flash.starts_with("Not recorded:") && flash.contains("over the maximum of 3"),
        "{flash}"
    );
    let Mode::Rubric(r) = &view.mode else {
        panic!("the rubric closed");
    };
    assert_eq!(r.edit.as_ref().map(|e| e.points.as_str()), Some("9"));
    // Not a number: said before the gradebook is asked.
    press(&mut view, KeyCode::Backspace);
    type_in(&mut view, "two");
    assert!(press(&mut view, KeyCode::Enter).is_empty());
    assert!(
        view.flash
            .as_deref()
            .unwrap()
            .contains("`two` is not a number"),
        "{:?}",
        view.flash
    );
    // A gradebook gone since: the error, and the view goes on.
    std::fs::remove_file(dir.path().join("gradebook.sqlite")).unwrap();
    for _ in 0..3 {
        press(&mut view, KeyCode::Backspace);
    }
    type_in(&mut view, "1");
    let effects = press(&mut view, KeyCode::Enter);
    perform(&mut view, dir.path(), effects);
    assert!(
        view.flash.as_deref().unwrap().contains("no gradebook"),
        "{:?}",
        view.flash
    );
    press(&mut view, KeyCode::Esc);
    assert_eq!(
        view.flash.as_deref(),
        Some("Not scored: nothing was recorded.")
    );
    press(&mut view, KeyCode::Esc);
    assert_eq!(view.mode, Mode::Grid);
}

#[test]
fn r_on_a_lab_without_a_rubric_or_without_a_grade_says_why() {
    let (_dir, mut view) = cohort_view(true);
    press(&mut view, KeyCode::Right);
    press(&mut view, KeyCode::Char('r'));
    assert_eq!(view.mode, Mode::Grid);
    assert!(
        view.flash
            .as_deref()
            .unwrap()
            .contains("gather lab has no rubric"),
        "{:?}",
        view.flash
    );
    for _ in 0..3 {
        press(&mut view, KeyCode::Down);
    }
    press(&mut view, KeyCode::Char('r'));
    assert_eq!(view.mode, Mode::Grid);
    assert!(
        view.flash
            .as_deref()
            .unwrap()
            .contains("Nothing recorded for Li Wei"),
        "{:?}",
        view.flash
    );
}

#[test]
fn a_missing_cohort_folder_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("autumn");
    let err = Data::load(&gone).unwrap_err().to_string();
    assert!(
        err.contains(&format!("no cohort folder `{}`", gone.display())),
        "{err}"
    );
    assert!(err.contains("ninety cohort new"), "{err}");
    let err = Data::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("is not a cohort folder"), "{err}");
    assert!(err.contains(&dir.path().display().to_string()), "{err}");
}

#[test]
fn an_empty_gradebook_says_what_to_run_and_makes_no_file() {
    let (dir, mut view) = cohort_view(false);
    assert!(!dir.path().join("gradebook.sqlite").exists());
    let text = screen(&view, 80, 24);
    assert!(
        text.contains("Nothing graded yet") && text.contains("ninety cohort grade --cohort"),
        "{text}"
    );
    // Keys still answer, without a panic.
    for code in [KeyCode::Down, KeyCode::Right, KeyCode::Enter, KeyCode::Esc] {
        press(&mut view, code);
    }
    assert_eq!(view.mode, Mode::Grid);
    assert!(view.quit, "Esc closes the view from the grid");
    insta::assert_snapshot!("cohort_nothing_graded_80x24", screen(&view, 80, 24));
}

#[test]
fn a_large_cohort_scrolls_to_keep_the_selected_cell_in_sight() {
    let (_dir, mut view) = cohort_view(true);
    let labs = [
        "frame", "gather", "label", "train", "evaluate", "deploy", "monitor", "iterate",
    ];
    view.data.labs = labs.iter().map(|l| l.to_string()).collect();
    view.data.learners = (0..40)
        .map(|i| Learner {
            id: format!("l{i:02}"),
            name: format!("Learner {i:02}"),
            email: String::new(),
            repository: String::new(),
        })
        .collect();
    view.data.grades.clear();
    for learner in &view.data.learners {
        for lab in labs {
            let row = ninety_grader::cohort::gradebook::GradeRow {
                learner: learner.id.clone(),
                lab: lab.into(),
                status: "graded".into(),
                final_points: 12.5,
                max_points: 32,
                ..Default::default()
            };
            view.data
                .grades
                .insert((learner.id.clone(), lab.into()), row);
        }
    }
    let text = screen(&view, 80, 24);
    assert!(text.contains("Learner 00") && text.contains(" ›"), "{text}");
    assert!(!text.contains("iterate"), "{text}");
    for _ in 0..50 {
        press(&mut view, KeyCode::PageDown);
        press(&mut view, KeyCode::Right);
    }
    assert_eq!((view.row, view.col), (39, 7));
    let text = screen(&view, 80, 24);
    assert!(
        text.contains("▸Learner 39") && text.contains("iterate") && text.contains("‹"),
        "{text}"
    );
    assert!(!text.contains("Learner 00"), "{text}");
}

#[test]
fn cells_are_coloured_by_their_share_of_the_points() {
    let (_dir, view) = cohort_view(true);
    let mut buf = Buffer::empty(Rect::new(0, 0, 80, 24));
    (&view).render(buf.area, &mut buf);
    let text = buffer_text(&buf);
    let colour_of = |row: &str, cell: &str| {
        let (y, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(row))
            .unwrap();
        let x = line[..line.find(cell).unwrap()].chars().count();
        buf[(x as u16, y as u16)].fg
    };
    assert_eq!(colour_of("Ada Lovelace", "7/10"), Color::Yellow);
    assert_eq!(colour_of("Ada Lovelace", "3.2/4"), Color::Green);
    assert_eq!(colour_of("Zoe Ng", "2/10"), Color::Red);
    assert_eq!(colour_of("Bob Kahn", "0/10"), Color::Red);
    assert_eq!(colour_of("Li Wei", "—"), Color::DarkGray);
}

#[test]
fn tiny_areas_do_not_panic() {
    let (_dir, mut view) = cohort_view(true);
    for (w, h) in [(0, 0), (1, 1), (39, 9), (40, 10), (41, 11)] {
        screen(&view, w.max(1), h.max(1));
    }
    press(&mut view, KeyCode::Enter);
    screen(&view, 40, 10);
    assert!(screen(&view, 20, 5).contains("larger"));
}

#[test]
fn snapshot_the_cohort_view() {
    let (_dir, mut view) = cohort_view(true);
    press(&mut view, KeyCode::Right);
    insta::assert_snapshot!("cohort_grid_80x24", screen(&view, 80, 24));
    insta::assert_snapshot!("cohort_grid_100x30", screen(&view, 100, 30));
    press(&mut view, KeyCode::Down);
    press(&mut view, KeyCode::Down);
    press(&mut view, KeyCode::Enter);
    insta::assert_snapshot!("cohort_report_80x24", screen(&view, 80, 24));
}

/// Writes the test cohort into `$NINETY_COHORT_FIXTURE`, for trying the
/// view by hand: `NINETY_COHORT_FIXTURE=/tmp/spring cargo test -p ninety
/// --lib cohort::tests::write_a_cohort_to_try -- --ignored`, then
/// `ninety cohort view --cohort /tmp/spring`.
#[test]
#[ignore = "writes a cohort where it is told to, for a person to try"]
fn write_a_cohort_to_try() {
    let dir = std::env::var_os("NINETY_COHORT_FIXTURE").expect("NINETY_COHORT_FIXTURE");
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    write_cohort(dir, true);
}
