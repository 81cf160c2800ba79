//! Tests of `update`: the model changes as a learner expects, with no terminal.

use super::*;
use crate::state::{LoadNote, Progress, State};
use ninety_grader::CheckResult;
use ninety_grader::course::{Course, LabInfo, Stage};
use std::path::PathBuf;

pub(crate) fn course() -> Course {
    let lab = LabInfo {
        name: "frame".into(),
        title: "From a product goal to a learning problem".into(),
        dir: PathBuf::from("/nonexistent/labs/frame"),
        chapter: "frame.md".into(),
        instructions: "README.md".into(),
        files: vec!["spec.toml".into(), "src/lib.rs".into()],
    };
    Course {
        root: PathBuf::from("/nonexistent"),
        title: "the other 90% of machine learning".into(),
        stages: vec![
            Stage {
                name: "frame".into(),
                title: "Framing".into(),
                lab: Some(lab),
            },
            Stage {
                name: "gather".into(),
                title: "Gathering and cleaning data".into(),
                lab: None,
            },
            Stage {
                name: "label".into(),
                title: "Labeling".into(),
                lab: None,
            },
        ],
    }
}

pub(crate) fn check(id: &str, passed: bool, points: u32) -> CheckResult {
    CheckResult {
        id: id.into(),
        points: if passed { points } else { 0 },
        max_points: points,
        passed,
        hint: format!("hint for {id}"),
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

fn graded(report: GradeReport) -> Message {
    Message::GradeFinished(
        "frame".into(),
        GradeOutcome::Graded {
            report,
            output: String::new(),
        },
    )
}

#[test]
fn navigates_the_map_within_bounds() {
    let mut app = app();
    app.update(Message::Up);
    assert_eq!(app.map_selected, 0);
    app.update(Message::Down);
    app.update(Message::Down);
    app.update(Message::Down);
    assert_eq!(app.map_selected, 2);
    app.update(Message::PageUp);
    assert_eq!(app.map_selected, 0);
}

#[test]
fn opens_a_lab_and_goes_back() {
    let mut app = app();
    let effects = app.update(Message::Open);
    assert_eq!(app.screen, Screen::Lab("frame".into()));
    assert_eq!(effects, vec![Effect::SaveState]);
    app.update(Message::Back);
    assert_eq!(app.screen, Screen::Map);
}

#[test]
fn a_stage_without_a_lab_does_not_open() {
    let mut app = app();
    app.update(Message::Down);
    app.update(Message::Open);
    assert_eq!(app.screen, Screen::Map);
    assert!(app.flash.as_deref().unwrap().contains("not written yet"));
    assert_eq!(app.update(Message::Grade), vec![]);
}

#[test]
fn grading_runs_in_the_background_and_records_progress() {
    let mut app = app();
    app.update(Message::Open);
    assert_eq!(
        app.update(Message::Grade),
        vec![Effect::Grade("frame".into())]
    );
    assert!(app.labs["frame"].grading && app.busy());
    // A second request while grading waits instead of starting another run.
    assert_eq!(app.update(Message::Grade), vec![]);
    let effects = app.update(graded(report(vec![
        check("spec.loads", true, 2),
        check("cost.totals", false, 3),
    ])));
    // The pending request runs now.
    assert_eq!(
        effects,
        vec![Effect::SaveState, Effect::Grade("frame".into())]
    );
    let view = &app.labs["frame"];
    assert_eq!(
        view.progress,
        Progress::Failing {
            points: 2,
            max_points: 5
        }
    );
    assert_eq!(view.selected, 1, "the first failing check is selected");
    assert!(app.flash.as_deref().unwrap().contains("2/5 points"));
    let effects = app.update(graded(report(vec![
        check("spec.loads", true, 2),
        check("cost.totals", true, 3),
    ])));
    assert_eq!(effects, vec![Effect::SaveState]);
    assert_eq!(
        app.labs["frame"].progress,
        Progress::Passed {
            points: 5,
            max_points: 5
        }
    );
    assert_eq!(
        app.state().labs["frame"],
        Progress::Passed {
            points: 5,
            max_points: 5
        }
    );
}

#[test]
fn a_build_failure_is_shown_not_fatal() {
    let mut app = app();
    app.update(Message::Open);
    app.update(Message::Grade);
    let output = "   Compiling lab-frame v0.1.0\nerror[E0425]: cannot find value `x`\n --> labs/frame/src/metrics.rs:40:9".to_owned();
    app.update(Message::GradeFinished(
        "frame".into(),
        GradeOutcome::BuildFailed { output },
    ));
    let view = &app.labs["frame"];
    assert!(!view.grading);
    assert_eq!(
        view.build_error.as_deref(),
        Some("error[E0425]: cannot find value `x`\n --> labs/frame/src/metrics.rs:40:9")
    );
    assert_eq!(view.focus, Some(Focus::Output));
    app.update(Message::Down);
    app.update(Message::Down);
    assert_eq!(app.labs["frame"].output_scroll, 2);
}

#[test]
fn watch_mode_regrades_on_save_only_when_on() {
    let mut app = app();
    app.update(Message::Open);
    assert_eq!(app.update(Message::FilesChanged("frame".into())), vec![]);
    assert_eq!(
        app.update(Message::ToggleWatch),
        vec![Effect::Watch("frame".into(), true)]
    );
    assert_eq!(
        app.update(Message::FilesChanged("frame".into())),
        vec![Effect::Grade("frame".into())]
    );
    // Saves during a grade are folded into one more grade afterwards.
    assert_eq!(app.update(Message::FilesChanged("frame".into())), vec![]);
    assert!(app.labs["frame"].regrade_pending);
    assert_eq!(
        app.update(Message::ToggleWatch),
        vec![Effect::Watch("frame".into(), false)]
    );
}

#[test]
fn hints_toggle() {
    let mut app = app();
    app.update(Message::Open);
    assert!(!app.labs["frame"].show_hint);
    app.update(Message::ToggleHint);
    assert!(app.labs["frame"].show_hint);
}

#[test]
fn reset_asks_first_and_only_in_a_learner_workspace() {
    let mut app = app();
    app.update(Message::Open);
    assert_eq!(app.update(Message::AskReset), vec![]);
    assert!(app.overlay.is_none());
    assert!(
        app.flash
            .as_deref()
            .unwrap()
            .contains("instructor repository")
    );

    app.learner_workspace = true;
    app.update(Message::AskReset);
    assert_eq!(app.overlay, Some(Overlay::ConfirmReset("frame".into())));
    // Other keys do nothing while the question is open.
    assert_eq!(app.update(Message::Grade), vec![]);
    assert_eq!(app.update(Message::ConfirmReset(false)), vec![]);
    assert!(app.overlay.is_none());
    app.update(Message::AskReset);
    assert_eq!(
        app.update(Message::ConfirmReset(true)),
        vec![Effect::Reset("frame".into())]
    );
    app.labs.get_mut("frame").unwrap().progress = Progress::Failing {
        points: 1,
        max_points: 5,
    };
    assert_eq!(
        app.update(Message::ResetDone(
            "frame".into(),
            Ok("/w/.ninety/backups/frame-1".into())
        )),
        vec![Effect::SaveState]
    );
    assert_eq!(app.labs["frame"].progress, Progress::NotStarted);
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut app = app();
    app.update(Message::ToggleHelp);
    assert_eq!(app.overlay, Some(Overlay::Help));
    app.update(Message::Down);
    assert_eq!(app.map_selected, 0, "keys under the help do not act");
    app.update(Message::CloseOverlay);
    assert!(app.overlay.is_none());
}

#[test]
fn workers_still_report_under_an_overlay() {
    let mut app = app();
    app.update(Message::Open);
    app.update(Message::Grade);
    app.update(Message::ToggleHelp);
    app.update(graded(report(vec![check("a", true, 1)])));
    assert!(!app.labs["frame"].grading);
    assert_eq!(
        app.labs["frame"].progress,
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
}

#[test]
fn progress_and_place_are_restored() {
    let mut state = State::default();
    state.labs.insert(
        "frame".into(),
        Progress::Failing {
            points: 7,
            max_points: 28,
        },
    );
    state.last_lab = Some("label".into());
    let app = App::new(course(), &state, vec![], None, String::new());
    assert_eq!(
        app.labs["frame"].progress,
        Progress::Failing {
            points: 7,
            max_points: 28
        }
    );
    assert_eq!(app.map_selected, 2);
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
    assert!(app.flash.as_deref().unwrap().contains("Starting fresh"));
}

#[test]
fn keys_map_to_messages_by_screen() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
    let mut app = app();
    assert_eq!(
        crate::keys::message_for(&app, key(KeyCode::Char('q'))),
        Some(Message::Quit)
    );
    assert_eq!(
        crate::keys::message_for(&app, key(KeyCode::Enter)),
        Some(Message::Open)
    );
    assert_eq!(
        crate::keys::message_for(&app, key(KeyCode::Char('w'))),
        None
    );
    app.update(Message::Open);
    assert_eq!(
        crate::keys::message_for(&app, key(KeyCode::Char('q'))),
        Some(Message::Back)
    );
    assert_eq!(
        crate::keys::message_for(&app, key(KeyCode::Char('w'))),
        Some(Message::ToggleWatch)
    );
    assert_eq!(
        crate::keys::message_for(&app, key(KeyCode::Tab)),
        Some(Message::FocusNext)
    );
    assert_eq!(
        crate::keys::message_for(
            &app,
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        ),
        Some(Message::Quit)
    );
    app.update(Message::ToggleHelp);
    assert_eq!(
        crate::keys::message_for(&app, key(KeyCode::Char('x'))),
        Some(Message::CloseOverlay)
    );
}

#[test]
fn the_explorer_loads_filters_and_reads_raw_messages_through_effects() {
    use crate::explorer::tests::dataset;
    let mut app = app();
    assert_eq!(
        app.update(Message::OpenExplorer),
        vec![Effect::LoadDataset("mini".into())]
    );
    assert_eq!(app.screen, Screen::Explorer);
    let effects = app.update(Message::DatasetLoaded("mini".into(), Ok(dataset(50))));
    assert_eq!(
        effects,
        vec![Effect::ReadRaw(
            "g/00000".into(),
            "/nonexistent/g/00000".into()
        )]
    );
    app.update(Message::RawLoaded("g/00000".into(), "raw text".into()));
    assert_eq!(
        app.update(Message::Down),
        vec![Effect::ReadRaw(
            "g/00001".into(),
            "/nonexistent/g/00001".into()
        )]
    );
    app.update(Message::CycleStatus);
    assert_eq!(app.explorer.as_ref().unwrap().visible.len(), 30);
    // Searching takes typed characters.
    app.update(Message::StartSearch);
    for c in "subject 4".chars() {
        app.update(Message::SearchChar(c));
    }
    assert!(app.explorer.as_ref().unwrap().visible.len() < 30);
    app.update(Message::EndSearch);
    // Running the stage: progress, then a reload when it ends.
    assert_eq!(
        app.update(Message::RunGather),
        vec![Effect::RunGather("mini".into())]
    );
    assert_eq!(app.update(Message::RunGather), vec![], "one run at a time");
    app.update(Message::StageProgress(100, 301));
    assert_eq!(app.explorer.as_ref().unwrap().running, Some((100, 301)));
    assert!(app.busy());
    assert_eq!(
        app.update(Message::StageFinished(Ok(()))),
        vec![Effect::LoadDataset("mini".into())]
    );
    app.update(Message::Back);
    assert_eq!(app.screen, Screen::Lab("gather".into()));
}

#[test]
fn a_missing_dataset_is_explained_not_fatal() {
    let mut app = app();
    app.update(Message::OpenExplorer);
    app.update(Message::DatasetLoaded(
        "mini".into(),
        Err("cannot read clean.jsonl".into()),
    ));
    let e = app.explorer.as_ref().unwrap();
    assert!(e.data.is_none() && e.problem.as_deref() == Some("cannot read clean.jsonl"));
}

#[test]
fn the_explorer_key_belongs_to_the_gather_lab() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let e = KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE);
    let mut app = app();
    app.screen = Screen::Lab("frame".into());
    assert_eq!(crate::keys::message_for(&app, e), None);
    app.screen = Screen::Lab("gather".into());
    assert_eq!(
        crate::keys::message_for(&app, e),
        Some(Message::OpenExplorer)
    );
    app.update(Message::OpenExplorer);
    let f = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE);
    assert_eq!(
        crate::keys::message_for(&app, f),
        Some(Message::CycleStatus)
    );
    app.update(Message::StartSearch);
    assert_eq!(
        crate::keys::message_for(&app, f),
        Some(Message::SearchChar('f')),
        "typing goes into the search"
    );
}

fn session_data(n: usize) -> crate::labeling::SessionData {
    crate::labeling::SessionData {
        corpus: "mini".into(),
        annotator: "ana".into(),
        order: "stratified".into(),
        fallback: None,
        items: (0..n)
            .map(|i| crate::labeling::LabelItem {
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

pub(crate) fn labeling_app() -> App {
    let mut app = app();
    assert_eq!(
        app.update(Message::OpenLabeling),
        vec![Effect::PrepareLabeling {
            corpus: "mini".into(),
            annotator: app
                .label_config
                .annotator
                .clone()
                .unwrap_or_else(crate::config::default_annotator),
            order: "random".into(),
            seed: None,
        }]
    );
    assert_eq!(app.screen, Screen::Label);
    app.update(Message::LabelingReady(Ok(session_data(5))));
    app
}

#[test]
fn a_decision_is_appended_before_anything_else_and_undo_appends_its_record() {
    let mut app = labeling_app();
    let effects = app.update(Message::Decide(Mark::Spam));
    let [Effect::AppendDecision(path, d)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (path.as_path(), d.item.as_str(), d.label),
        (std::path::Path::new("/tmp/ana.jsonl"), "id0", Mark::Spam)
    );
    app.update(Message::StartNote);
    for c in "hard".chars() {
        app.update(Message::NoteChar(c));
    }
    app.update(Message::EndNote(true));
    let effects = app.update(Message::Decide(Mark::Unsure));
    assert!(
        matches!(&effects[..], [Effect::AppendDecision(_, d)] if d.note.as_deref() == Some("hard"))
    );
    let effects = app.update(Message::Undo);
    assert!(
        matches!(&effects[..], [Effect::AppendDecision(_, d)] if d.label == Mark::Undo && d.item == "id1")
    );
    assert_eq!(app.labeling.as_ref().unwrap().labeled(), 1);
    // Leaving after decisions syncs the log and opens the agreement view.
    let effects = app.update(Message::Back);
    assert_eq!(
        effects,
        vec![Effect::SyncLog, Effect::RunLabelStats("mini".into())]
    );
    assert_eq!(app.screen, Screen::Agreement);
    app.update(Message::StatsLoaded(Err("the label stage failed".into())));
    assert_eq!(
        app.agreement.as_ref().unwrap().problem.as_deref(),
        Some("the label stage failed")
    );
    app.update(Message::Back);
    assert_eq!(app.screen, Screen::Lab("label".into()));
}

#[test]
fn a_queue_that_cannot_be_made_says_why_and_goes_back() {
    let mut app = app();
    app.update(Message::OpenLab("frame".into()));
    app.update(Message::OpenLabeling);
    app.update(Message::LabelingReady(Err(
        "the label stage failed: reached a todo!()".into(),
    )));
    assert_eq!(app.screen, Screen::Lab("label".into()));
    assert!(app.flash.as_deref().unwrap().contains("todo!()"));
    assert!(app.labeling.is_none());
}

#[test]
fn remapped_keys_label_and_the_note_takes_every_character() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = labeling_app();
    app.label_config.keys.spam = '1';
    let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(
        crate::keys::message_for(&app, key('1')),
        Some(Message::Decide(Mark::Spam))
    );
    assert_eq!(crate::keys::message_for(&app, key('s')), None);
    assert_eq!(
        crate::keys::message_for(&app, key('z')),
        Some(Message::Undo)
    );
    app.update(Message::StartNote);
    assert_eq!(
        crate::keys::message_for(&app, key('1')),
        Some(Message::NoteChar('1'))
    );
    assert_eq!(
        crate::keys::message_for(&app, key('q')),
        Some(Message::NoteChar('q'))
    );
}

#[test]
fn the_train_view_draws_what_the_run_reports_and_survives_a_failed_run() {
    let mut app = app();
    assert_eq!(app.update(Message::OpenTrain), vec![Effect::LoadRuns]);
    app.update(Message::ToggleSplit);
    let effects = app.update(Message::StartTrain);
    assert_eq!(
        effects,
        vec![Effect::RunTrain(
            "mini".into(),
            "fasttext".into(),
            "time".into()
        )]
    );
    assert!(
        app.update(Message::StartTrain).is_empty(),
        "one run at a time"
    );
    app.update(Message::TrainMetric(
        "fasttext.valid_f1".into(),
        0.8,
        Some(1),
    ));
    app.update(Message::TrainMetric(
        "fasttext.valid_f1".into(),
        0.9,
        Some(2),
    ));
    assert_eq!(
        app.train.series["fasttext.valid_f1"],
        vec![(1.0, 0.8), (2.0, 0.9)]
    );
    let effects = app.update(Message::TrainFinished(Err(
        "error[E0425]: cannot find value `x`".into(),
    )));
    assert_eq!(effects, vec![Effect::LoadRuns]);
    assert!(!app.train.running);
    assert!(app.train.problem.as_deref().unwrap().contains("E0425"));
    assert_eq!(app.screen, Screen::Train, "a failed run leaves the view up");
    app.update(Message::Back);
    assert_eq!(app.screen, Screen::Lab("train".into()));
}
