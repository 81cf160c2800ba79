//! Tests of `update` and the key tables: the model changes as a learner
//! expects, with no terminal.

use super::app::{App, Effect, Message, Overlay};
use super::ctx::{BuildStatus, Focus, StageMsg, WorkError};
use super::screens::explorer::{self, Dataset};
use super::screens::labeling::{Item, SessionData};
use super::screens::{ScreenId, agreement, evaluate, lab, labeling, map, train};
use crate::pipeline::{BuildProgress, StageFailure};
use crate::state::{LoadNote, Progress, State};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ninety_grader::cargo::GradeOutcome;
use ninety_grader::course::{Course, CourseStage, LabInfo};
use ninety_grader::{CheckResult, GradeReport};
use ninety_kit::command::{CorpusArg, QueueArgs, StageCommand, TrainArgs};
use ninety_kit::labels::Mark;
use ninety_kit::metrics::Metrics;
use ninety_kit::records::Summary;
use ninety_kit::records::label::QueueSummary;
use ninety_kit::records::train::EpochReport;
use ninety_kit::{Event, ModelKind, QueueOrder, SplitKind, Stage};
use std::path::PathBuf;

fn lab_info(stage: Stage, title: &str) -> LabInfo {
    LabInfo {
        stage,
        title: title.into(),
        dir: PathBuf::from(format!("/nonexistent/labs/{stage}")),
        chapter: stage.chapter(),
        instructions: "README.md".into(),
        files: vec!["src/lib.rs".into()],
    }
}

/// A course of three stages: frame with a lab, gather and label without.
pub(crate) fn course() -> Course {
    Course {
        root: PathBuf::from("/nonexistent"),
        title: "the other 90% of machine learning".into(),
        stages: vec![
            CourseStage {
                stage: Stage::Frame,
                title: "Framing".into(),
                lab: Some(lab_info(
                    Stage::Frame,
                    "From a product goal to a learning problem",
                )),
            },
            CourseStage {
                stage: Stage::Gather,
                title: "Gathering and cleaning data".into(),
                lab: None,
            },
            CourseStage {
                stage: Stage::Label,
                title: "Labeling".into(),
                lab: None,
            },
        ],
    }
}

/// The course with every lab of the first four stages written.
pub(crate) fn full_course() -> Course {
    let mut c = course();
    c.stages[1].lab = Some(lab_info(Stage::Gather, "Raw mail in"));
    c.stages[2].lab = Some(lab_info(Stage::Label, "Labels made well"));
    c.stages.push(CourseStage {
        stage: Stage::Train,
        title: "Splitting, baselines and training".into(),
        lab: Some(lab_info(Stage::Train, "Leak-free splits")),
    });
    c
}

pub(crate) fn check(id: &str, passed: bool, points: u32) -> CheckResult {
    CheckResult {
        id: id.into(),
        points: if passed { points } else { 0 },
        max_points: points,
        passed,
        hints: vec![
            format!("the idea behind {id}"),
            format!("the approach to {id}"),
            format!("the code for {id}"),
        ],
        message: (!passed).then(|| format!("{id} failed: expected 3, got 4")),
        timed_out: false,
        millis: 1,
    }
}

pub(crate) fn report(checks: Vec<CheckResult>) -> GradeReport {
    GradeReport::new("frame", checks, false)
}

pub(crate) fn app() -> App {
    App::new(
        course(),
        &State::default(),
        vec![],
        None,
        "corpus: mini · 300 messages".into(),
    )
}

pub(crate) fn full_app() -> App {
    App::new(
        full_course(),
        &State::default(),
        vec![],
        None,
        "corpus: mini · 300 messages".into(),
    )
}

pub(crate) fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn graded(report: GradeReport) -> Message {
    Message::Lab(lab::Msg::GradeFinished(
        Stage::Frame,
        GradeOutcome::Graded {
            report,
            output: String::new(),
        },
    ))
}

fn open_frame(app: &mut App) -> Vec<Effect> {
    app.update(Message::Map(map::Msg::Open))
}

#[test]
fn navigates_the_map_within_bounds() {
    let mut app = app();
    app.update(Message::Map(map::Msg::Move(-1)));
    assert_eq!(app.map.selected, 0);
    for _ in 0..3 {
        app.update(Message::Map(map::Msg::Move(1)));
    }
    assert_eq!(app.map.selected, 2);
    app.update(Message::Map(map::Msg::Move(-5)));
    assert_eq!(app.map.selected, 0);
}

#[test]
fn opens_a_lab_and_goes_back() {
    let mut app = app();
    let effects = open_frame(&mut app);
    assert_eq!(app.screen, ScreenId::Lab(Stage::Frame));
    assert_eq!(effects, vec![Effect::SaveState]);
    app.update(Message::Back);
    assert_eq!(app.screen, ScreenId::Map);
}

#[test]
fn a_stage_without_a_lab_does_not_open() {
    let mut app = app();
    app.update(Message::Map(map::Msg::Move(1)));
    app.update(Message::Map(map::Msg::Open));
    assert_eq!(app.screen, ScreenId::Map);
    assert!(
        app.ctx
            .flash
            .as_deref()
            .unwrap()
            .contains("not written yet")
    );
    assert_eq!(app.update(Message::Map(map::Msg::Grade)), vec![]);
}

#[test]
fn grading_runs_in_the_background_and_records_progress() {
    let mut app = app();
    open_frame(&mut app);
    assert_eq!(
        app.update(Message::Lab(lab::Msg::Grade)),
        vec![Effect::Grade(Stage::Frame)]
    );
    assert!(app.ctx.labs[&Stage::Frame].grading && app.busy());
    // A second request while grading waits instead of starting another run.
    assert_eq!(app.update(Message::Lab(lab::Msg::Grade)), vec![]);
    let effects = app.update(graded(report(vec![
        check("spec.loads", true, 2),
        check("cost.totals", false, 3),
    ])));
    // The pending request runs now.
    assert_eq!(
        effects,
        vec![Effect::SaveState, Effect::Grade(Stage::Frame)]
    );
    let view = &app.ctx.labs[&Stage::Frame];
    assert_eq!(
        view.progress,
        Progress::Failing {
            points: 2,
            max_points: 5
        }
    );
    assert_eq!(view.selected, 1, "the first failing check is selected");
    assert!(app.ctx.flash.as_deref().unwrap().contains("2/5 points"));
    let effects = app.update(graded(report(vec![
        check("spec.loads", true, 2),
        check("cost.totals", true, 3),
    ])));
    assert_eq!(effects, vec![Effect::SaveState]);
    let passed = Progress::Passed {
        points: 5,
        max_points: 5,
    };
    assert_eq!(app.ctx.labs[&Stage::Frame].progress, passed);
    assert_eq!(app.state().labs[&Stage::Frame], passed);
}

#[test]
fn the_map_grades_the_selected_lab() {
    let mut app = app();
    assert_eq!(
        app.update(Message::Map(map::Msg::Grade)),
        vec![Effect::Grade(Stage::Frame)]
    );
}

#[test]
fn a_build_failure_is_shown_not_fatal() {
    let mut app = app();
    open_frame(&mut app);
    app.update(Message::Lab(lab::Msg::Grade));
    let output = "   Compiling lab-frame v0.1.0\nerror[E0425]: cannot find value `x`\n --> labs/frame/src/metrics.rs:40:9".to_owned();
    app.update(Message::Lab(lab::Msg::GradeFinished(
        Stage::Frame,
        GradeOutcome::BuildFailed { output },
    )));
    let view = &app.ctx.labs[&Stage::Frame];
    assert!(!view.grading);
    assert_eq!(
        view.build_error.as_deref(),
        Some("error[E0425]: cannot find value `x`\n --> labs/frame/src/metrics.rs:40:9")
    );
    assert_eq!(view.focus, Some(Focus::Output));
    for _ in 0..2 {
        app.update(Message::Lab(lab::Msg::Move {
            delta: 1,
            page: false,
        }));
    }
    assert_eq!(app.ctx.labs[&Stage::Frame].output_scroll, 2);
}

#[test]
fn watch_mode_regrades_on_save_only_when_on() {
    let mut app = app();
    open_frame(&mut app);
    let saved = || Message::Lab(lab::Msg::FilesChanged(Stage::Frame));
    assert_eq!(app.update(saved()), vec![]);
    assert_eq!(
        app.update(Message::Lab(lab::Msg::ToggleWatch)),
        vec![Effect::Watch(Stage::Frame, true)]
    );
    assert_eq!(app.update(saved()), vec![Effect::Grade(Stage::Frame)]);
    // Saves during a grade are folded into one more grade afterwards.
    assert_eq!(app.update(saved()), vec![]);
    assert!(app.ctx.labs[&Stage::Frame].regrade_pending);
    assert_eq!(
        app.update(Message::Lab(lab::Msg::ToggleWatch)),
        vec![Effect::Watch(Stage::Frame, false)]
    );
}

#[test]
fn hints_come_one_tier_at_a_time_and_then_hide() {
    let mut app = app();
    open_frame(&mut app);
    app.update(Message::Lab(lab::Msg::Grade));
    app.update(Message::Lab(lab::Msg::GradeFinished(
        Stage::Frame,
        GradeOutcome::Graded {
            report: report(vec![check("cost.totals", false, 3)]),
            output: String::new(),
        },
    )));
    let view = &app.ctx.labs[&Stage::Frame];
    let (id, hints) = view.selected_hints().expect("a check is selected");
    assert_eq!(hints.len(), 3, "{id}: the idea, the approach, the code");
    assert_eq!(view.shown_tiers(), 0, "no hint before one is asked for");
    for shown in [1, 2, 3, 0] {
        app.update(Message::Lab(lab::Msg::NextHint));
        assert_eq!(app.ctx.labs[&Stage::Frame].shown_tiers(), shown);
    }
    // The details pane shows the tiers asked for and says what comes next.
    app.update(Message::Lab(lab::Msg::NextHint));
    let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 120, 40));
    ratatui::widgets::Widget::render(&app, buf.area, &mut buf);
    let screen = super::chrome::buffer_text(&buf);
    assert!(
        screen.contains("Idea: the idea behind cost.totals"),
        "{screen}"
    );
    assert!(
        !screen.contains("Code:"),
        "not the code on the first press: {screen}"
    );
    assert!(screen.contains("h again for the approach"), "{screen}");
}

#[test]
fn reset_asks_first_and_only_in_a_learner_workspace() {
    let mut app = app();
    open_frame(&mut app);
    let ask = || Message::Lab(lab::Msg::AskReset);
    assert_eq!(app.update(ask()), vec![]);
    assert!(app.overlay.is_none());
    assert!(
        app.ctx
            .flash
            .as_deref()
            .unwrap()
            .contains("instructor repository")
    );

    app.ctx.learner_workspace = true;
    app.update(ask());
    assert_eq!(app.overlay, Some(Overlay::ConfirmReset(Stage::Frame)));
    // Other keys do nothing while the question is open.
    assert_eq!(app.update(Message::Lab(lab::Msg::Grade)), vec![]);
    assert_eq!(app.update(Message::Confirm(false)), vec![]);
    assert!(app.overlay.is_none());
    app.update(ask());
    assert_eq!(
        app.update(Message::Confirm(true)),
        vec![Effect::Reset(Stage::Frame)]
    );
    app.ctx.lab_mut(Stage::Frame).unwrap().progress = Progress::Failing {
        points: 1,
        max_points: 5,
    };
    assert_eq!(
        app.update(Message::Lab(lab::Msg::ResetDone(
            Stage::Frame,
            Ok("/w/.ninety/backups/frame-1".into())
        ))),
        vec![Effect::SaveState]
    );
    assert_eq!(app.ctx.labs[&Stage::Frame].progress, Progress::NotStarted);
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut app = app();
    app.update(Message::Help);
    assert_eq!(app.overlay, Some(Overlay::Help));
    app.update(Message::Map(map::Msg::Move(1)));
    assert_eq!(app.map.selected, 0, "keys under the help do not act");
    assert_eq!(
        app.message_for(key(KeyCode::Char('x'))),
        Some(Message::CloseOverlay)
    );
    app.update(Message::CloseOverlay);
    assert!(app.overlay.is_none());
}

#[test]
fn workers_still_report_under_an_overlay() {
    let mut app = app();
    open_frame(&mut app);
    app.update(Message::Lab(lab::Msg::Grade));
    app.update(Message::Help);
    app.update(graded(report(vec![check("a", true, 1)])));
    assert!(!app.ctx.labs[&Stage::Frame].grading);
    assert_eq!(
        app.ctx.labs[&Stage::Frame].progress,
        Progress::Passed {
            points: 1,
            max_points: 1
        }
    );
}

#[test]
fn quitting_saves() {
    let mut app = app();
    assert_eq!(app.update(Message::Quit), vec![Effect::SaveState]);
    assert!(app.quit);
    // Back on the map quits too.
    let mut app = self::app();
    assert_eq!(app.update(Message::Back), vec![Effect::SaveState]);
    assert!(app.quit);
}

#[test]
fn progress_and_place_are_restored() {
    let mut state = State::default();
    state.labs.insert(
        Stage::Frame,
        Progress::Failing {
            points: 7,
            max_points: 28,
        },
    );
    state.last_lab = Some(Stage::Label);
    let app = App::new(course(), &state, vec![], None, String::new());
    assert_eq!(
        app.ctx.labs[&Stage::Frame].progress,
        Progress::Failing {
            points: 7,
            max_points: 28
        }
    );
    assert_eq!(app.map.selected, 2);
}

#[test]
fn a_corrupt_state_file_is_explained_on_screen() {
    let note = LoadNote::Corrupt {
        problem: "`state.json` is not valid: EOF".into(),
        kept_as: None,
    };
    let app = App::new(
        course(),
        &State::default(),
        vec![],
        Some(note),
        String::new(),
    );
    assert!(app.ctx.flash.as_deref().unwrap().contains("Starting fresh"));
}

#[test]
fn keys_map_to_messages_through_the_screens_table() {
    let mut app = app();
    assert_eq!(
        app.message_for(key(KeyCode::Char('q'))),
        Some(Message::Back)
    );
    assert_eq!(
        app.message_for(key(KeyCode::Enter)),
        Some(Message::Map(map::Msg::Open))
    );
    // A key the screen does not use says so instead of doing nothing.
    assert_eq!(
        app.message_for(key(KeyCode::Char('w'))),
        Some(Message::UnknownKey("w".into()))
    );
    app.update(Message::UnknownKey("w".into()));
    assert!(
        app.ctx
            .flash
            .as_deref()
            .unwrap()
            .contains("w does nothing here")
    );
    open_frame(&mut app);
    assert_eq!(
        app.message_for(key(KeyCode::Char('q'))),
        Some(Message::Back)
    );
    assert_eq!(
        app.message_for(key(KeyCode::Char('w'))),
        Some(Message::Lab(lab::Msg::ToggleWatch))
    );
    assert_eq!(
        app.message_for(key(KeyCode::Tab)),
        Some(Message::Lab(lab::Msg::FocusNext))
    );
    assert_eq!(
        app.message_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Message::Quit)
    );
}

#[test]
fn every_key_the_footer_or_help_shows_is_one_the_table_answers() {
    let mut app = full_app();
    let mut screens = vec![ScreenId::Map];
    for stage in [Stage::Frame, Stage::Gather, Stage::Label, Stage::Train] {
        screens.push(ScreenId::Lab(stage));
    }
    screens.extend([
        ScreenId::Explorer,
        ScreenId::Labeling,
        ScreenId::Agreement,
        ScreenId::Train,
    ]);
    // The evaluate view's keys change with its pane: each pane's table.
    let panes = evaluate::Pane::ALL.map(|p| (ScreenId::Evaluate, p));
    let screens = screens
        .into_iter()
        .map(|id| (id, evaluate::Pane::Curve))
        .chain(panes);
    for (id, pane) in screens {
        app.screen = id;
        app.evaluate.pane = pane;
        let rows = app.key_rows();
        // Every footer word is a row with keys, and each key of each row
        // sends that row's message: the table is what handles the keys.
        let footer_rows = rows.iter().filter(|(_, f, _)| f.is_some()).count();
        assert_eq!(footer_rows, app.footer().len(), "{id:?} {pane:?}");
        for (codes, footer, message) in &rows {
            assert!(
                !(footer.is_some() && codes.is_empty()),
                "{id:?} {pane:?}: {footer:?} has no key"
            );
            for code in codes {
                assert_eq!(
                    app.message_for(key(*code)).as_ref(),
                    Some(message),
                    "{id:?} {pane:?}: {code:?}"
                );
            }
        }
        // No key means two things on one screen.
        let mut codes: Vec<String> = rows
            .iter()
            .flat_map(|(keys, _, _)| keys.iter().map(|k| format!("{k:?}")))
            .collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), n, "{id:?} {pane:?} binds a key twice");
    }
}

#[test]
fn a_labs_tools_belong_to_that_lab() {
    let mut app = full_app();
    app.update(Message::Go(ScreenId::Lab(Stage::Frame)));
    assert_eq!(
        app.message_for(key(KeyCode::Char('e'))),
        Some(Message::UnknownKey("e".into()))
    );
    app.update(Message::Go(ScreenId::Lab(Stage::Gather)));
    assert_eq!(
        app.message_for(key(KeyCode::Char('e'))),
        Some(Message::Go(ScreenId::Explorer))
    );
    app.update(Message::Go(ScreenId::Explorer));
    let f = key(KeyCode::Char('f'));
    assert_eq!(
        app.message_for(f),
        Some(Message::Explorer(explorer::Msg::CycleStatus))
    );
    app.update(Message::Explorer(explorer::Msg::StartSearch));
    assert_eq!(
        app.message_for(f),
        Some(Message::Explorer(explorer::Msg::SearchChar('f'))),
        "typing goes into the search"
    );
}

fn dataset(n: usize) -> Dataset {
    explorer::dataset::tests::dataset(n)
}

fn loaded(n: usize) -> Message {
    Message::Explorer(explorer::Msg::DatasetLoaded(
        "mini".parse().unwrap(),
        Ok(Box::new(dataset(n))),
    ))
}

/// The effect's task name, for effects that are tasks.
fn task(effect: &Effect) -> &str {
    match effect {
        Effect::Task(t) => &t.what,
        other => panic!("not a task: {other:?}"),
    }
}

#[test]
fn the_explorer_loads_filters_and_reads_raw_messages_through_tasks() {
    let mut app = full_app();
    let effects = app.update(Message::Go(ScreenId::Explorer));
    assert_eq!(app.screen, ScreenId::Explorer);
    assert_eq!(task(&effects[0]), "read the gather output of mini");
    let effects = app.update(loaded(50));
    assert_eq!(task(&effects[0]), "read the raw message g/00000");
    app.update(Message::Explorer(explorer::Msg::RawLoaded(
        "g/00000".into(),
        "raw text".into(),
    )));
    let effects = app.update(Message::Explorer(explorer::Msg::Move(1)));
    assert_eq!(task(&effects[0]), "read the raw message g/00001");
    app.update(Message::Explorer(explorer::Msg::CycleStatus));
    assert_eq!(app.explorer.visible.len(), 30);
    // Searching takes typed characters.
    app.update(Message::Explorer(explorer::Msg::StartSearch));
    for c in "subject 4".chars() {
        app.update(Message::Explorer(explorer::Msg::SearchChar(c)));
    }
    assert!(app.explorer.visible.len() < 30);
    app.update(Message::Explorer(explorer::Msg::EndSearch));
    // Running the stage: build progress, its progress, then a reload.
    assert_eq!(
        app.update(Message::Explorer(explorer::Msg::RunGather)),
        vec![Effect::RunStage(
            ScreenId::Explorer,
            StageCommand::Gather(CorpusArg {
                corpus: "mini".parse().unwrap()
            })
        )]
    );
    assert_eq!(
        app.update(Message::Explorer(explorer::Msg::RunGather)),
        vec![],
        "one run at a time"
    );
    app.update(Message::Stage(
        ScreenId::Explorer,
        StageMsg::Building(BuildProgress {
            done: 3,
            total: 9,
            compiling: "lab-gather".into(),
        }),
    ));
    assert_eq!(app.explorer.building.as_ref().unwrap().done, 3);
    app.update(Message::Stage(
        ScreenId::Explorer,
        StageMsg::Event(Event::Progress {
            stage: Stage::Gather,
            done: 100,
            total: 301,
            unit: ninety_kit::events::Unit::Messages,
        }),
    ));
    assert_eq!(app.explorer.running, Some((100, 301)));
    assert!(app.explorer.building.is_none());
    assert!(app.busy());
    let effects = app.update(Message::Stage(
        ScreenId::Explorer,
        StageMsg::done(Err(StageFailure::Cancelled)),
    ));
    assert!(effects.is_empty());
    assert!(
        app.ctx
            .flash
            .as_deref()
            .unwrap()
            .contains("gather stage failed")
    );
    app.update(Message::Back);
    assert_eq!(app.screen, ScreenId::Lab(Stage::Gather));
}

#[test]
fn a_missing_dataset_is_explained_not_fatal() {
    let mut app = full_app();
    app.update(Message::Go(ScreenId::Explorer));
    app.update(Message::Explorer(explorer::Msg::DatasetLoaded(
        "mini".parse().unwrap(),
        Err(WorkError::msg("cannot read clean.jsonl")),
    )));
    let e = &app.explorer;
    assert!(e.data.is_none() && e.problem.as_deref() == Some("cannot read clean.jsonl"));
}

#[test]
fn a_raw_message_path_that_leaves_the_corpus_folder_is_not_read() {
    // Issue 12, item 10: the explorer joins the gather output's `path` to
    // the corpus folder; an edited `clean.jsonl` must not make it read
    // (and show) any file on the machine.
    let scratch = tempfile::tempdir().unwrap();
    let corpus = scratch.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(scratch.path().join("secret.txt"), "the secret").unwrap();
    std::fs::write(corpus.join("a.eml"), "Subject: hi\n\nhello").unwrap();
    let ws = crate::workspace::Workspace {
        root: scratch.path().to_path_buf(),
        home: ninety_kit::DataHome::at(scratch.path().join("home")),
        course: course(),
    };
    let read = |path: &str| {
        let task = explorer::raw_task(path.to_owned(), corpus.join(path));
        match (task.run)(&ws) {
            explorer::Msg::RawLoaded(_, text) => text,
            other => panic!("{other:?}"),
        }
    };
    assert!(read("a.eml").contains("hello"));
    for outside in ["../secret.txt", "/etc/hostname"] {
        let text = read(outside);
        assert!(
            text.starts_with("not shown") && !text.contains("the secret"),
            "{outside}: {text}"
        );
    }
}

fn session_data(n: usize) -> SessionData {
    SessionData {
        corpus: "mini".into(),
        annotator: "ana".into(),
        order: QueueOrder::Stratified,
        fallback: None,
        reference: false,
        items: (0..n)
            .map(|i| Item {
                id: format!("id{i}"),
                subject: format!("Offer number {i}"),
                from: "Deals <deals@example.net>".into(),
                body: "Click here for a free quote.\n\nTo be removed, reply REMOVE.".into(),
            })
            .collect(),
        labels: Default::default(),
        skipped: Default::default(),
        problems: vec![],
        log: PathBuf::from("/tmp/ana.jsonl"),
        guidelines: "# Guidelines\n\n## Spam\n\nUnsolicited bulk mail.\n".into(),
    }
}

/// The workbench opened, as the runtime opens it, on a data directory
/// whose `config.toml` holds `config`.
pub(crate) fn app_with_config(config: &str) -> (tempfile::TempDir, App) {
    let scratch = tempfile::tempdir().unwrap();
    let home = ninety_kit::DataHome::at(scratch.path().join("home"));
    std::fs::create_dir_all(home.root()).unwrap();
    std::fs::write(crate::config::path(&home), config).unwrap();
    let ws = crate::workspace::Workspace {
        root: scratch.path().to_path_buf(),
        home,
        course: full_course(),
    };
    let app = super::runtime::load_app(&ws);
    (scratch, app)
}

#[test]
fn a_bad_config_is_shown_until_dismissed_and_keeps_labeling_closed() {
    // Issue 12, item 12: the error flashed for a moment, the defaults were
    // used, and decisions were saved under the login name instead of the
    // configured annotator.
    let (_dir, mut app) = app_with_config("[label]\nannotator = \"ana\"\norder = \"best\"\n");
    assert_eq!(app.overlay, Some(Overlay::ConfigError));
    let error = app.ctx.config_error.clone().expect("the error is kept");
    assert_eq!(
        (error.line, error.field.as_deref()),
        (Some(3), Some("label.order"))
    );
    // Ticks, stray keys and help do not close it; Esc does.
    app.update(Message::Tick);
    assert_eq!(app.message_for(key(KeyCode::Char('x'))), None);
    assert_eq!(app.message_for(key(KeyCode::Char('?'))), None);
    assert_eq!(app.overlay, Some(Overlay::ConfigError));
    let close = app.message_for(key(KeyCode::Esc)).unwrap();
    app.update(close);
    assert_eq!(app.overlay, None);
    assert!(
        app.ctx
            .flash
            .as_deref()
            .unwrap()
            .contains("labeling stays closed")
    );
    // Labeling does not start under another name: the error comes back.
    app.update(Message::Go(ScreenId::Lab(Stage::Label)));
    let effects = app.update(Message::Go(ScreenId::Labeling));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::RunStage(..))),
        "{effects:?}"
    );
    assert_eq!(app.screen, ScreenId::Lab(Stage::Label));
    assert_eq!(app.overlay, Some(Overlay::ConfigError));
    assert_eq!(
        app.message_for(key(KeyCode::Enter)),
        Some(Message::CloseOverlay)
    );

    // A good file: no overlay, and its annotator is the one labeling.
    let (_dir, mut app) = app_with_config("[label]\nannotator = \"ana\"\n");
    assert_eq!(
        (app.overlay.clone(), app.ctx.config_error.clone()),
        (None, None)
    );
    app.update(Message::Go(ScreenId::Lab(Stage::Label)));
    let effects = app.update(Message::Go(ScreenId::Labeling));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::RunStage(_, StageCommand::LabelQueue(q)) if q.annotator == "ana"
        )),
        "{effects:?}"
    );
}

pub(crate) fn labeling_app() -> App {
    let mut app = full_app();
    app.ctx.label_config.annotator = Some("ana".parse().unwrap());
    let effects = app.update(Message::Go(ScreenId::Labeling));
    assert_eq!(
        effects,
        vec![Effect::RunStage(
            ScreenId::Labeling,
            StageCommand::LabelQueue(QueueArgs {
                corpus: CorpusArg {
                    corpus: "mini".parse().unwrap()
                },
                annotator: "ana".parse().unwrap(),
                order: QueueOrder::Random,
                seed: None,
            })
        )]
    );
    assert_eq!(app.screen, ScreenId::Labeling);
    let effects = app.update(Message::Stage(
        ScreenId::Labeling,
        StageMsg::done(Ok(Summary::LabelQueue(QueueSummary {
            corpus: "mini".into(),
            annotator: "ana".into(),
            order: QueueOrder::Random,
            fallback: None,
            messages: 5,
            artifact: "/tmp/queue.json".into(),
            seconds: 0.1,
        }))),
    ));
    assert_eq!(
        task(&effects[0]),
        "read the labeling session of /tmp/queue.json"
    );
    app.update(Message::Labeling(labeling::Msg::Ready(Ok(Box::new(
        session_data(5),
    )))));
    app
}

#[test]
fn a_decision_is_appended_before_anything_else_and_undo_appends_its_record() {
    let mut app = labeling_app();
    let l = |m| Message::Labeling(m);
    let effects = app.update(l(labeling::Msg::Decide(Mark::Spam)));
    let [Effect::AppendDecision(path, d)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (path.as_path(), d.item.as_str(), d.label),
        (std::path::Path::new("/tmp/ana.jsonl"), "id0", Mark::Spam)
    );
    app.update(l(labeling::Msg::StartNote));
    for c in "hard".chars() {
        app.update(l(labeling::Msg::NoteChar(c)));
    }
    app.update(l(labeling::Msg::EndNote(true)));
    let effects = app.update(l(labeling::Msg::Decide(Mark::Unsure)));
    assert!(
        matches!(&effects[..], [Effect::AppendDecision(_, d)] if d.note.as_deref() == Some("hard"))
    );
    let effects = app.update(l(labeling::Msg::Undo));
    assert!(
        matches!(&effects[..], [Effect::AppendDecision(_, d)] if d.label == Mark::Undo && d.item == "id1")
    );
    assert_eq!(app.labeling.session.as_ref().unwrap().labeled(), 1);
    // Leaving after decisions syncs the log and opens the agreement view,
    // which runs the label stage.
    let effects = app.update(l(labeling::Msg::Leave));
    assert_eq!(
        effects,
        vec![
            Effect::SyncLog,
            Effect::RunStage(
                ScreenId::Agreement,
                StageCommand::Label(CorpusArg {
                    corpus: "mini".parse().unwrap()
                })
            )
        ]
    );
    assert_eq!(app.screen, ScreenId::Agreement);
    app.update(Message::Stage(
        ScreenId::Agreement,
        StageMsg::done(Err(StageFailure::Reported("the label stage failed".into()))),
    ));
    assert_eq!(
        app.agreement.problem.as_deref(),
        Some("the label stage failed")
    );
    app.update(Message::Agreement(agreement::Msg::NextList));
    assert_eq!(app.agreement.list, agreement::ItemList::AgainstGold);
    app.update(Message::Back);
    assert_eq!(app.screen, ScreenId::Lab(Stage::Label));
}

#[test]
fn a_queue_that_cannot_be_made_says_why_and_goes_back() {
    let mut app = full_app();
    app.update(Message::Go(ScreenId::Lab(Stage::Label)));
    app.update(Message::Go(ScreenId::Labeling));
    app.update(Message::Stage(
        ScreenId::Labeling,
        StageMsg::done(Err(StageFailure::Reported(
            "reached a todo!() in queue.rs".into(),
        ))),
    ));
    assert_eq!(app.screen, ScreenId::Lab(Stage::Label));
    assert!(app.ctx.flash.as_deref().unwrap().contains("todo!()"));
    assert!(app.labeling.session.is_none());
}

#[test]
fn remapped_keys_label_and_the_note_takes_every_character() {
    let mut app = labeling_app();
    app.ctx.label_config.keys.spam = '1';
    let c = |c| key(KeyCode::Char(c));
    assert_eq!(
        app.message_for(c('1')),
        Some(Message::Labeling(labeling::Msg::Decide(Mark::Spam)))
    );
    assert_eq!(
        app.message_for(c('s')),
        Some(Message::UnknownKey("s".into()))
    );
    assert_eq!(
        app.message_for(c('z')),
        Some(Message::Labeling(labeling::Msg::Undo))
    );
    app.update(Message::Labeling(labeling::Msg::StartNote));
    assert_eq!(
        app.message_for(c('1')),
        Some(Message::Labeling(labeling::Msg::NoteChar('1')))
    );
    assert_eq!(
        app.message_for(c('q')),
        Some(Message::Labeling(labeling::Msg::NoteChar('q')))
    );
}

fn epoch(n: usize, loss: f64, f1_pairs: usize) -> EpochReport {
    EpochReport {
        epoch: n,
        train_loss: loss,
        valid_loss: loss * 0.9,
        valid: Metrics::from_decisions(
            std::iter::repeat_n((true, true), f1_pairs).chain([(false, true)]),
        ),
        seconds: 0.1,
    }
}

#[test]
fn the_train_view_draws_what_the_run_reports_and_survives_a_failed_run() {
    let mut app = full_app();
    let effects = app.update(Message::Go(ScreenId::Train));
    assert_eq!(task(&effects[0]), "read the recorded runs");
    app.update(Message::Train(train::Msg::ToggleSplit));
    let effects = app.update(Message::Train(train::Msg::Start));
    assert_eq!(
        effects,
        vec![Effect::RunStage(
            ScreenId::Train,
            StageCommand::Train(TrainArgs {
                model: Some(ModelKind::FastText),
                split: Some(SplitKind::Time),
                ..TrainArgs::default()
            })
        )]
    );
    assert!(
        app.update(Message::Train(train::Msg::Start)).is_empty(),
        "one run at a time"
    );
    for n in 1..=2 {
        app.update(Message::Stage(
            ScreenId::Train,
            StageMsg::Event(Event::Epoch {
                model: ModelKind::FastText,
                report: epoch(n, 0.5 / n as f64, 4),
            }),
        ));
    }
    assert_eq!(app.train.epochs[&ModelKind::FastText].len(), 2);
    let effects = app.update(Message::Stage(
        ScreenId::Train,
        StageMsg::done(Err(StageFailure::BuildFailed(
            "error[E0425]: cannot find value `x`".into(),
        ))),
    ));
    assert_eq!(task(&effects[0]), "read the recorded runs");
    assert!(!app.train.running);
    assert!(app.train.problem.as_deref().unwrap().contains("E0425"));
    assert_eq!(
        app.screen,
        ScreenId::Train,
        "a failed run leaves the view up"
    );
    app.update(Message::Back);
    assert_eq!(app.screen, ScreenId::Lab(Stage::Train));
}

#[test]
fn the_background_build_shows_in_the_app_until_it_ends() {
    let mut app = app();
    let progress = BuildProgress {
        done: 10,
        total: 400,
        compiling: "burn".into(),
    };
    app.update(Message::Build(1, BuildStatus::Building(progress.clone())));
    assert!(app.busy());
    assert!(render_header(&app).contains("building the pipeline 10/400"));
    app.update(Message::Build(1, BuildStatus::BuildingChecks(progress)));
    assert!(app.busy());
    assert!(
        render_header(&app).contains("building the labs' checks 10/400"),
        "then what the first grade of each lab needs"
    );
    app.update(Message::Build(1, BuildStatus::Ready));
    assert!(!app.busy());
}

#[test]
fn keys_mean_one_thing_across_screens() {
    // ← goes back wherever it is bound; `r` runs a stage (or its report
    // again), never resets a lab: reset is `R`, and it asks first.
    let screens = [
        ScreenId::Lab(Stage::Gather),
        ScreenId::Explorer,
        ScreenId::Agreement,
        ScreenId::Train,
        ScreenId::Evaluate,
    ];
    for id in screens {
        let mut app = full_app();
        app.ctx.go(id);
        app.screen = id;
        assert_eq!(
            app.message_for(key(KeyCode::Left)),
            Some(Message::Back),
            "← on {id:?}"
        );
        let r = app.message_for(key(KeyCode::Char('r')));
        assert_ne!(
            r,
            Some(Message::Lab(lab::Msg::AskReset)),
            "r on {id:?} resets"
        );
    }
    let mut app = full_app();
    app.screen = ScreenId::Lab(Stage::Frame);
    assert_eq!(
        app.message_for(key(KeyCode::Char('R'))),
        Some(Message::Lab(lab::Msg::AskReset))
    );
    // On the course map, `h` opens the lab with its hint shown, as the
    // status line after a grade asks.
    let mut app = full_app();
    assert_eq!(app.screen, ScreenId::Map);
    app.ctx.lab_mut(Stage::Frame).unwrap().declared = vec![crate::declared::Declared {
        id: "spec.parses".into(),
        points: 2,
        tiers: [
            Some("idea".into()),
            Some("approach".into()),
            Some("code".into()),
        ],
    }];
    let h = app
        .message_for(key(KeyCode::Char('h')))
        .expect("h is bound on the map");
    app.update(h);
    assert_eq!(app.screen, ScreenId::Lab(Stage::Frame));
    assert!(
        app.ctx
            .lab_mut(Stage::Frame)
            .is_some_and(|v| v.shown_tiers() == 1)
    );
}

#[test]
fn a_failing_check_s_place_is_named_and_o_opens_it_in_the_editor() {
    use lab::failure_place;
    assert_eq!(
        failure_place(
            "reached a `todo!()` at labs/frame/src/metrics.rs:42:9: this step is not written yet"
        ),
        Some(("labs/frame/src/metrics.rs".to_owned(), 42))
    );
    assert_eq!(
        failure_place("panicked at labs/gather/src/body.rs:7:1: index out of bounds"),
        Some(("labs/gather/src/body.rs".to_owned(), 7))
    );
    // The checks themselves, a library and a made-up path are not places.
    for message in [
        "panicked at labs/frame/tests/grade.rs:88:5: boom",
        "panicked at /rustc/abc/library/core/src/option.rs:1:1: unwrap",
        "panicked at labs/../etc/passwd.rs:1:1: x",
        "for spam_f1(): expected Some(0.8), got None",
    ] {
        assert_eq!(failure_place(message), None, "{message}");
    }

    let mut app = app();
    app.update(Message::Go(ScreenId::Lab(Stage::Frame)));
    let mut failing = check("metrics.rates", false, 3);
    failing.message = Some(
        "reached a `todo!()` at labs/frame/src/metrics.rs:42:9: this step is not written yet"
            .into(),
    );
    app.update(graded(report(vec![failing])));
    let o = app
        .message_for(key(KeyCode::Char('o')))
        .expect("o is bound");
    assert_eq!(
        app.update(o),
        vec![Effect::Edit("labs/frame/src/metrics.rs".into(), 42)]
    );
}

/// The header row of the app drawn 100 columns wide.
fn render_header(app: &App) -> String {
    let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 100, 24));
    ratatui::widgets::Widget::render(app, buf.area, &mut buf);
    super::chrome::buffer_text(&buf)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The evaluate stage's judgement of the course's real random-split run,
/// as `ninety run evaluate --corpus spamassassin --json` printed it.
pub(crate) fn real_evaluation() -> ninety_kit::records::evaluate::Evaluation {
    serde_json::from_str(include_str!("fixtures/evaluation-real.json")).unwrap()
}

/// What the gather output of the real corpus says about some of that
/// evaluation's test messages: those misjudged at the chosen threshold,
/// and the twenty ham scored highest.
pub(crate) fn real_infos() -> evaluate::Infos {
    serde_json::from_str(include_str!("fixtures/evaluation-real-infos.json")).unwrap()
}

/// The app on the evaluate view, showing the real evaluation.
pub(crate) fn evaluated_app() -> App {
    let mut app = full_app();
    app.update(Message::Go(ScreenId::Evaluate));
    app.update(Message::Stage(
        ScreenId::Evaluate,
        StageMsg::done(Ok(Summary::Evaluate(real_evaluation()))),
    ));
    app
}

fn infos_read(infos: evaluate::Infos) -> Message {
    Message::Evaluate(evaluate::Msg::InfosRead(
        "spamassassin".into(),
        Ok(Box::new(infos)),
    ))
}

/// The explorer's dataset for the real corpus: `n` messages, the first
/// ones carrying the ids `ids`.
fn dataset_with_ids(n: usize, ids: &[String]) -> Message {
    let mut data = dataset(n);
    for (item, id) in data.items.iter_mut().zip(ids) {
        item.id = id.clone();
    }
    Message::Explorer(explorer::Msg::DatasetLoaded(
        "spamassassin".parse().unwrap(),
        Ok(Box::new(data)),
    ))
}

#[test]
fn the_evaluate_view_s_panes_take_their_own_keys() {
    use evaluate::{Msg, Pane};
    let mut app = full_app();
    app.update(Message::Go(ScreenId::Evaluate));
    // The stage's end asks for the test messages' subjects.
    let effects = app.update(Message::Stage(
        ScreenId::Evaluate,
        StageMsg::done(Ok(Summary::Evaluate(real_evaluation()))),
    ));
    assert_eq!(
        effects.iter().map(task).collect::<Vec<_>>(),
        ["read the test messages of spamassassin from its gather output"]
    );
    let on = |app: &App, code: KeyCode| app.message_for(key(code));
    assert_eq!(app.evaluate.pane, Pane::Curve);
    assert_eq!(
        on(&app, KeyCode::Down),
        Some(Message::Evaluate(Msg::Move(-1)))
    );
    assert_eq!(
        on(&app, KeyCode::Enter),
        Some(Message::UnknownKey("Enter".into())),
        "nothing to open on the curve"
    );
    // Tab goes round the panes, ⇧Tab back; the footer names the next one.
    let mut seen = vec![];
    for _ in 0..5 {
        seen.push(app.evaluate.pane);
        let tab = on(&app, KeyCode::Tab).unwrap();
        assert_eq!(tab, Message::Evaluate(Msg::NextPane));
        let next = app.evaluate.pane.next().name();
        assert!(
            app.footer().iter().any(|(k, w)| k == "Tab" && w == next),
            "{:?}",
            app.footer()
        );
        app.update(tab);
    }
    assert_eq!(seen, Pane::ALL);
    assert_eq!(app.evaluate.pane, Pane::Curve);
    app.update(on(&app, KeyCode::BackTab).unwrap());
    assert_eq!(app.evaluate.pane, Pane::Errors);
    // In a list, ↑ ↓ choose a row, within bounds, and Enter explores.
    app.update(Message::Evaluate(Msg::NextPane));
    app.update(Message::Evaluate(Msg::NextPane));
    assert_eq!(app.evaluate.pane, Pane::Slices);
    assert_eq!(
        on(&app, KeyCode::Down),
        Some(Message::Evaluate(Msg::Select(1)))
    );
    assert_eq!(
        on(&app, KeyCode::Up),
        Some(Message::Evaluate(Msg::Select(-1)))
    );
    assert_eq!(
        on(&app, KeyCode::Enter),
        Some(Message::Evaluate(Msg::Explore))
    );
    let slices = real_evaluation().slices.len();
    app.update(Message::Evaluate(Msg::Select(-1)));
    assert_eq!(app.evaluate.slice, 0);
    app.update(Message::Evaluate(Msg::Select(1_000)));
    assert_eq!(app.evaluate.slice, slices - 1);
    app.update(on(&app, KeyCode::PageUp).unwrap());
    assert_eq!(app.evaluate.slice, slices - 11);
    assert_eq!(
        app.evaluate.selected,
        {
            let mut fresh = evaluated_app();
            fresh.update(Message::Evaluate(Msg::Chosen));
            fresh.evaluate.selected
        },
        "choosing a slice leaves the marker alone"
    );
    // ← leaves for the lab, whichever the pane.
    assert_eq!(on(&app, KeyCode::Left), Some(Message::Back));
}

#[test]
fn a_slice_opens_in_the_explorer_and_back_comes_to_the_same_judgement() {
    use evaluate::{Msg, Pane};
    let mut app = evaluated_app();
    let e = real_evaluation();
    app.update(Message::Evaluate(Msg::NextPane));
    assert_eq!(app.evaluate.pane, Pane::Slices);
    app.update(Message::Evaluate(Msg::Select(1)));
    let slice = &e.slices[1];
    let members: Vec<String> = slice
        .members
        .iter()
        .map(|&i| e.test_messages[i as usize].id.clone())
        .collect();

    // The evaluation is of the real corpus; this workspace has only mini.
    let effects = app.update(Message::Evaluate(Msg::Explore));
    assert!(effects.is_empty());
    assert_eq!(app.screen, ScreenId::Evaluate, "no empty explorer");
    let flash = app.ctx.flash.clone().unwrap();
    assert!(
        flash.contains(
            "of the spamassassin corpus, which this workspace does not have (it has: mini)"
        ),
        "{flash}"
    );

    // With the corpus, but a gather output that no longer holds them.
    app.ctx.corpora.push("spamassassin".parse().unwrap());
    app.update(infos_read(evaluate::Infos::new()));
    app.update(Message::Evaluate(Msg::Explore));
    assert_eq!(app.screen, ScreenId::Evaluate);
    let flash = app.ctx.flash.clone().unwrap();
    assert!(
        flash.starts_with(&format!(
            "Not in the gather output of spamassassin: slice {}={}",
            slice.dimension, slice.value
        )),
        "{flash}"
    );

    // With them: the explorer opens on the slice's messages, and says why.
    let mut infos = evaluate::Infos::new();
    for id in &members {
        infos.insert(
            id.clone(),
            evaluate::MessageInfo {
                path: "spam-2/x".into(),
                subject: None,
            },
        );
    }
    app.update(infos_read(infos));
    let effects = app.update(Message::Evaluate(Msg::Explore));
    assert_eq!(app.screen, ScreenId::Explorer);
    assert_eq!(
        effects.iter().map(task).collect::<Vec<_>>(),
        ["read the gather output of spamassassin"]
    );
    let subset = app.explorer.subset.clone().unwrap();
    assert_eq!(
        subset.label,
        format!("slice {}={} (test split)", slice.dimension, slice.value)
    );
    assert_eq!(subset.ids.len(), members.len());
    assert_eq!(app.explorer.corpus, "spamassassin");
    // Only they pass the filters, and only they are counted.
    app.update(dataset_with_ids(2000, &members));
    assert_eq!(app.explorer.visible.len(), members.len());
    assert_eq!(
        app.explorer.current().map(|m| m.id.as_str()),
        Some(members[0].as_str()),
        "the first of them, in the corpus's order"
    );
    assert_eq!(
        app.key_rows()
            .iter()
            .find(|(codes, _, _)| codes.contains(&KeyCode::Left))
            .map(|(_, _, m)| m.clone()),
        Some(Message::Back)
    );
    assert!(
        app.help_rows()
            .iter()
            .any(|(_, what)| what == "back to the evaluate view")
    );

    // ← comes back to the same pane and row, without evaluating again.
    let effects = app.update(app.message_for(key(KeyCode::Left)).unwrap());
    assert_eq!(app.screen, ScreenId::Evaluate);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(!app.evaluate.loading);
    assert_eq!((app.evaluate.pane, app.evaluate.slice), (Pane::Slices, 1));

    // Opened from its lab, the explorer shows everything again.
    app.update(Message::Go(ScreenId::Lab(Stage::Gather)));
    app.update(Message::Go(ScreenId::Explorer));
    assert_eq!(
        (app.explorer.subset.clone(), app.explorer.back),
        (None, None)
    );
    assert_eq!(app.explorer.visible.len(), 2000);
    app.update(Message::Back);
    assert_eq!(app.screen, ScreenId::Lab(Stage::Gather));
}

#[test]
fn the_errors_are_the_misjudged_test_messages_at_the_marker_surest_first() {
    use evaluate::{Msg, Pane};
    let mut app = evaluated_app();
    let e = real_evaluation();
    let at = |app: &App| *app.evaluate.point().unwrap();
    let check = |app: &App| {
        let p = at(app);
        let errors = app.evaluate.errors();
        let messages: Vec<_> = errors.iter().map(|&i| &e.test_messages[i]).collect();
        let flagged = messages.iter().take_while(|m| !m.spam).count();
        // They are the curve's own counts at the marker.
        assert_eq!(flagged as u64, p.ham_flagged);
        assert_eq!(
            (messages.len() - flagged) as u64,
            e.test_counts.0 - p.spam_caught
        );
        assert!(messages[flagged..].iter().all(|m| m.spam));
        // The surest mistakes first in each part.
        assert!(
            messages[..flagged]
                .windows(2)
                .all(|w| w[0].score >= w[1].score)
        );
        assert!(
            messages[flagged..]
                .windows(2)
                .all(|w| w[0].score <= w[1].score)
        );
        messages
            .iter()
            .map(|m| (m.spam, m.score))
            .collect::<Vec<_>>()
    };
    // At the chosen threshold no ham is flagged: every error is spam missed.
    let chosen = check(&app);
    assert_eq!(chosen.len(), 126);
    assert!(chosen.iter().all(|(spam, _)| *spam));
    // Lower, ham is flagged, and leads.
    app.update(Message::Evaluate(Msg::Move(-60)));
    let lower = check(&app);
    assert!(!lower[0].0, "a flagged ham first: {:?}", &lower[..3]);
    assert!(lower.len() != chosen.len());

    // Enter reads the selected one, and the label says which it is.
    app.ctx.corpora.push("spamassassin".parse().unwrap());
    app.update(infos_read(real_infos()));
    for _ in 0..4 {
        app.update(Message::Evaluate(Msg::NextPane));
    }
    assert_eq!(app.evaluate.pane, Pane::Errors);
    app.update(Message::Evaluate(Msg::Explore));
    assert_eq!(app.screen, ScreenId::Explorer);
    let subset = app.explorer.subset.clone().unwrap();
    assert_eq!(subset.ids.len(), 1);
    assert!(
        subset.label.starts_with("ham flagged at 0."),
        "{}",
        subset.label
    );
    // A gather output without it: said, and back to the view.
    app.update(dataset_with_ids(50, &[]));
    assert_eq!(app.screen, ScreenId::Evaluate);
    let flash = app.ctx.flash.clone().unwrap();
    assert!(
        flash.starts_with("None of the 1 message of ham flagged at"),
        "{flash}"
    );
    // c puts the marker back, and the errors follow it.
    app.update(app.message_for(key(KeyCode::Char('c'))).unwrap());
    assert_eq!(app.evaluate.errors().len(), 126);
}

#[test]
fn a_suite_opens_the_messages_its_failed_cases_came_from() {
    use evaluate::{Msg, Pane};
    let mut app = evaluated_app();
    app.ctx.corpora.push("spamassassin".parse().unwrap());
    app.update(Message::Evaluate(Msg::PreviousPane));
    app.update(Message::Evaluate(Msg::PreviousPane));
    assert_eq!(app.evaluate.pane, Pane::Behaviour);
    // shouting: every case passed.
    app.update(Message::Evaluate(Msg::Explore));
    assert!(
        app.ctx
            .flash
            .clone()
            .unwrap()
            .contains("Every case of shouting passed")
    );
    // signature: two failures, each naming its message by the start of its id.
    app.update(Message::Evaluate(Msg::Select(2)));
    let (ids, label) = app.evaluate.to_explore().unwrap();
    assert_eq!(ids.len(), 2);
    assert!(ids.iter().any(|id| id.starts_with("1d64e3527393")));
    assert_eq!(
        label,
        "behaviour signature: the originals of its failed cases (test split)"
    );
    // written-spam: its failures are written messages, not the corpus's.
    app.update(Message::Evaluate(Msg::Select(4)));
    app.update(Message::Evaluate(Msg::Explore));
    assert_eq!(app.screen, ScreenId::Evaluate);
    let flash = app.ctx.flash.clone().unwrap();
    assert!(
        flash.contains("written-spam's failed cases are messages written for the suite"),
        "{flash}"
    );
}
