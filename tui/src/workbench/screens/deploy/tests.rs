//! Tests of the deploy view's update and of its work functions, with no
//! terminal and no server: the stage's events are fed in as the runtime
//! would deliver them.

use super::work::{self, TAIL_BYTES};
use super::{Change, Load, Models, Msg, Server, Tail};
use crate::pipeline::{BuildProgress, StageFailure};
use crate::state::State;
use crate::workbench::app::{App, Effect, Message};
use crate::workbench::ctx::{StageMsg, WorkError};
use crate::workbench::screens::{ScreenId, map};
use crate::workbench::tests_update::{course, key};
use crossterm::event::KeyCode;
use ninety_grader::course::{CourseStage, LabInfo};
use ninety_kit::command::{ServeArgs, StageCommand};
use ninety_kit::events::Level;
use ninety_kit::records::Summary;
use ninety_kit::records::serve::{LoggedPrediction, Readiness, ServeStatus, ServeSummary, Swapped};
use ninety_kit::registry::Registered;
use ninety_kit::{Event, Stage};
use std::path::PathBuf;

/// The test course with the deploy stage after it, its lab written or not.
fn deploy_app(with_lab: bool) -> App {
    let mut c = course();
    c.stages.push(CourseStage {
        stage: Stage::Deploy,
        title: "Serving the model".into(),
        lab: with_lab.then(|| LabInfo {
            stage: Stage::Deploy,
            title: "Serving without skew".into(),
            dir: PathBuf::from("/nonexistent/labs/deploy"),
            chapter: Stage::Deploy.chapter(),
            instructions: "README.md".into(),
            files: vec!["src/lib.rs".into()],
        }),
    });
    App::new(
        c,
        &State::default(),
        vec![],
        None,
        "corpus: mini · 300 messages".into(),
    )
}

/// A registered model (its description read from JSON, as the registry
/// reads it, so fields added later keep their defaults).
pub(crate) fn registered(id: &str, run: &str, ready: bool, created: u64) -> Registered {
    let info = serde_json::from_value(serde_json::json!({
        "run_id": run,
        "corpus": "mini",
        "model": "fasttext",
        "threshold": 0.8125,
        "platt": null,
        "ready": ready,
        "lineage": {
            "run_id": run,
            "clean": "clean.jsonl 9f2c",
            "labels": "gold",
            "config_sha256": "5e1d",
            "code_commit": null
        }
    }))
    .expect("a model description");
    Registered {
        id: id.into(),
        dir: PathBuf::from(format!("/nonexistent/models/{id}")),
        info,
        created,
    }
}

/// Three models, the second the champion.
pub(crate) fn models() -> Models {
    Models {
        list: vec![
            registered(
                "c3d4e5f6a7b8c9d0",
                "20240502-101500-fasttext-random",
                false,
                3,
            ),
            registered(
                "9f8e7d6c5b4a3f2e",
                "20240501-093000-fasttext-random",
                true,
                2,
            ),
            registered("1a2b3c4d5e6f7a8b", "20240430-180000-logreg-time", true, 1),
        ],
        champion: Some("9f8e7d6c5b4a3f2e".into()),
    }
}

/// A second of the server's figures.
pub(crate) fn status(second: u64, per_second: f64, p50: u64, p99: u64) -> ServeStatus {
    ServeStatus {
        address: "http://127.0.0.1:41234".into(),
        model_id: Some("9f8e7d6c5b4a3f2e".into()),
        ready: true,
        requests: second * 150,
        predictions: second * 149,
        errors: second / 20,
        per_second,
        p50_us: (per_second > 0.0).then_some(p50),
        p99_us: (per_second > 0.0).then_some(p99),
        log_dropped: 0,
    }
}

/// A logged prediction.
pub(crate) fn prediction(n: u64, score: f64) -> LoggedPrediction {
    LoggedPrediction {
        request_id: format!("r18d3f2a1b2c-{n:09}"),
        time: format!("2024-05-02T10:{:02}:{:02}Z", 20 + n / 60, n % 60),
        model_id: "9f8e7d6c5b4a3f2e".into(),
        score,
        probability: score,
        spam: score >= 0.8125,
        latency_us: 180 + (n * 37) % 900,
        body_chars: (n as usize * 131) % 4000,
        content_type: "text/plain".into(),
        charset: Some("utf-8".into()),
        decode_problem: false,
        tokens: vec![n as u32 % 7, 11],
    }
}

fn log(message: &str) -> Message {
    Message::Stage(
        ScreenId::Deploy,
        StageMsg::Event(Event::Log {
            level: Level::Info,
            message: message.into(),
        }),
    )
}

fn serving(s: ServeStatus) -> Message {
    Message::Stage(
        ScreenId::Deploy,
        StageMsg::Event(Event::Serving { status: s }),
    )
}

fn done(result: Result<Summary, StageFailure>) -> Message {
    Message::Stage(ScreenId::Deploy, StageMsg::done(result))
}

fn stopped(predictions: u64) -> Message {
    done(Ok(Summary::Serve(ServeSummary {
        address: "http://127.0.0.1:41234".into(),
        model_id: Some("9f8e7d6c5b4a3f2e".into()),
        predictions,
        log_dropped: 0,
        seconds: 62.0,
    })))
}

fn tasks(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Task(t) => Some(t.what.clone()),
            _ => None,
        })
        .collect()
}

fn serves(effects: &[Effect]) -> bool {
    effects.iter().any(|e| {
        matches!(
            e,
            Effect::RunStage(
                ScreenId::Deploy,
                StageCommand::Serve(ServeArgs { port: 0, .. })
            )
        )
    })
}

const LISTENING: &str = "listening on http://127.0.0.1:41234 (prediction log: /tmp/x/serve/predictions.jsonl; admin token: /tmp/x/serve/admin-token)";

/// What a server before the admin routes said.
const LISTENING_WITHOUT_ADMIN: &str =
    "listening on http://127.0.0.1:41234 (prediction log: /tmp/x/serve/predictions.jsonl)";

/// The app on the deploy view, the registry read, the server listening
/// and ready.
pub(crate) fn serving_app() -> App {
    let mut app = deploy_app(false);
    app.update(Message::Go(ScreenId::Deploy));
    app.update(Message::Deploy(Msg::Models(Ok(models()))));
    app.update(Message::Deploy(Msg::Tailed(Ok(Tail::default()))));
    app.update(Message::Deploy(Msg::Toggle));
    app.update(log("serving model 9f8e7d6c5b4a3f2e (fasttext model, run 20240501-093000-fasttext-random), threshold 0.8125"));
    app.update(log(LISTENING));
    app.update(Message::Deploy(Msg::Probed(
        "http://127.0.0.1:41234".into(),
        Ok(Readiness {
            ready: true,
            model_id: Some("9f8e7d6c5b4a3f2e".into()),
            reasons: vec![],
        }),
    )));
    app
}

#[test]
fn the_course_map_opens_the_deploy_view_while_its_lab_is_not_written() {
    let mut app = deploy_app(false);
    app.update(Message::Map(map::Msg::Move(10)));
    let effects = app.update(Message::Map(map::Msg::Open));
    assert_eq!(app.screen, ScreenId::Deploy);
    assert_eq!(
        tasks(&effects),
        [
            "read the model registry",
            "read the new lines of the prediction log"
        ]
    );
    assert!(!app.deploy.is_live(), "opening it starts nothing");
    // Back leads to the map.
    app.update(Message::Back);
    assert_eq!(app.screen, ScreenId::Map);

    // With its lab written, the map opens the lab and `v` the view; back
    // leads to the lab.
    let mut app = deploy_app(true);
    app.update(Message::Map(map::Msg::Move(10)));
    app.update(Message::Map(map::Msg::Open));
    assert_eq!(app.screen, ScreenId::Lab(Stage::Deploy));
    let v = app.message_for(key(KeyCode::Char('v'))).unwrap();
    assert_eq!(v, Message::Go(ScreenId::Deploy));
    app.update(v);
    assert_eq!(app.screen, ScreenId::Deploy);
    app.update(Message::Back);
    assert_eq!(app.screen, ScreenId::Lab(Stage::Deploy));

    // A stage without a lab and without such a view still does not open.
    let mut app = deploy_app(false);
    app.update(Message::Map(map::Msg::Move(1)));
    app.update(Message::Map(map::Msg::Open));
    assert_eq!(app.screen, ScreenId::Map);
}

#[test]
fn starting_serves_on_a_free_port_and_shows_readiness_and_the_address() {
    let mut app = deploy_app(false);
    app.update(Message::Go(ScreenId::Deploy));
    let effects = app.update(Message::Deploy(Msg::Toggle));
    assert!(serves(&effects), "{effects:?}");
    assert_eq!(app.deploy.server, Server::Starting);
    assert!(app.busy());
    app.update(Message::Stage(
        ScreenId::Deploy,
        StageMsg::Building(BuildProgress {
            done: 3,
            total: 9,
            compiling: "lab-deploy".into(),
        }),
    ));
    assert!(app.deploy.building.is_some());
    let effects = app.update(log(LISTENING));
    assert_eq!(app.deploy.server, Server::Running);
    assert_eq!(
        app.deploy.address.as_deref(),
        Some("http://127.0.0.1:41234")
    );
    assert_eq!(tasks(&effects), ["GET http://127.0.0.1:41234/readyz"]);
    assert_eq!(app.deploy.ready, None, "unknown until it says");
    // An answer about another address (a server before) is not this one's.
    app.update(Message::Deploy(Msg::Probed(
        "http://127.0.0.1:1".into(),
        Ok(Readiness {
            ready: false,
            model_id: None,
            reasons: vec![],
        }),
    )));
    assert_eq!(app.deploy.ready, None);
    app.update(Message::Deploy(Msg::Probed(
        "http://127.0.0.1:41234".into(),
        Ok(Readiness {
            ready: false,
            model_id: None,
            reasons: vec!["no model is loaded".into(), "draining".into()],
        }),
    )));
    assert_eq!(app.deploy.ready, Some(false));
    assert_eq!(
        app.deploy.not_ready.as_deref(),
        Some("no model is loaded; draining")
    );
    // Its once-a-second report is the last word.
    app.update(serving(status(1, 12.0, 300, 900)));
    assert_eq!(app.deploy.ready, Some(true));
    assert_eq!(app.deploy.not_ready, None);
    assert_eq!(app.header_right(), "http://127.0.0.1:41234");
}

#[test]
fn the_charts_keep_the_last_minute_and_the_log_is_read_one_read_at_a_time() {
    let mut app = serving_app();
    let first = app.update(serving(status(1, 10.0, 250, 700)));
    assert_eq!(tasks(&first), ["read the new lines of the prediction log"]);
    // While that read is under way, no second one starts.
    for s in 2..=100 {
        let effects = app.update(serving(status(s, s as f64, 250, 700)));
        assert!(tasks(&effects).is_empty(), "{effects:?}");
    }
    assert_eq!(app.deploy.history.len(), super::HISTORY);
    assert_eq!(app.deploy.history.back().unwrap().per_second, 100.0);
    app.update(Message::Deploy(Msg::Tailed(Ok(Tail {
        offset: 500,
        records: (0..150).map(|n| prediction(n, 0.5)).collect(),
        bad: 1,
        reset: false,
    }))));
    assert_eq!(
        app.deploy.requests.len(),
        super::KEEP,
        "only the newest kept"
    );
    assert_eq!(
        app.deploy.requests.back().unwrap().request_id,
        "r18d3f2a1b2c-000000149"
    );
    assert_eq!(app.deploy.bad_lines, 1);
    // The next read starts where this one ended.
    let effects = app.update(serving(status(101, 1.0, 250, 700)));
    assert_eq!(
        tasks(&effects),
        ["read the new lines of the prediction log"]
    );
    // A log read again from its start replaces what was shown.
    app.update(Message::Deploy(Msg::Tailed(Ok(Tail {
        offset: 10,
        records: vec![prediction(7, 0.9)],
        bad: 0,
        reset: true,
    }))));
    assert_eq!(app.deploy.requests.len(), 1);
}

#[test]
fn stopping_asks_the_server_to_finish_and_shows_what_it_did() {
    let mut app = serving_app();
    let effects = app.update(Message::Deploy(Msg::Toggle));
    assert_eq!(app.deploy.server, Server::Stopping);
    assert_eq!(tasks(&effects), ["stop the server (SIGTERM)"]);
    app.update(Message::Deploy(Msg::StopSent(Ok(1))));
    assert_eq!(app.deploy.server, Server::Stopping);
    app.update(stopped(1234));
    assert_eq!(app.deploy.server, Server::Stopped);
    assert_eq!(app.deploy.summary.as_ref().unwrap().predictions, 1234);
    assert!(
        app.ctx
            .flash
            .as_deref()
            .unwrap()
            .contains("1234 predictions")
    );
    assert!(!app.busy());

    // A stop that cannot be sent says so, and the server keeps serving.
    let mut app = serving_app();
    app.update(Message::Deploy(Msg::Toggle));
    app.update(Message::Deploy(Msg::StopSent(Err(WorkError::msg(
        "no server process of this workbench was found",
    )))));
    assert_eq!(app.deploy.server, Server::Running);
    assert!(
        app.ctx
            .flash
            .as_deref()
            .unwrap()
            .contains("leaving the view")
    );
}

#[test]
fn a_stop_asked_before_the_server_listens_is_sent_once_it_does() {
    let mut app = deploy_app(false);
    app.update(Message::Go(ScreenId::Deploy));
    app.update(Message::Deploy(Msg::Toggle));
    let effects = app.update(Message::Deploy(Msg::Toggle));
    assert!(tasks(&effects).is_empty(), "nothing to signal yet");
    assert_eq!(app.deploy.server, Server::Stopping);
    let effects = app.update(log(LISTENING));
    assert!(
        tasks(&effects).contains(&"stop the server (SIGTERM)".to_owned()),
        "{effects:?}"
    );
    assert_eq!(app.deploy.server, Server::Stopping);
}

#[test]
fn a_server_that_fails_says_why_and_the_view_keeps_working() {
    let mut app = deploy_app(false);
    app.update(Message::Go(ScreenId::Deploy));
    app.update(Message::Deploy(Msg::Toggle));
    app.update(done(Err(StageFailure::Reported(
        "listening on 127.0.0.1:8090 (is another server on that port?)".into(),
    ))));
    assert_eq!(app.deploy.server, Server::Stopped);
    assert!(
        app.deploy
            .problem
            .as_deref()
            .unwrap()
            .contains("another server")
    );
    // And it starts again.
    let effects = app.update(Message::Deploy(Msg::Toggle));
    assert!(serves(&effects));
    assert_eq!(app.deploy.problem, None);
}

#[test]
fn leaving_ends_the_server_and_its_last_words_are_not_taken_for_the_next_ones() {
    let mut app = serving_app();
    app.update(Message::Back);
    assert_eq!(app.screen, ScreenId::Map);
    app.update(Message::Go(ScreenId::Deploy));
    assert_eq!(app.deploy.server, Server::Stopped, "its handle ended it");
    assert_eq!(app.deploy.address, None);
    // Started again before the first one's end is heard.
    assert!(serves(&app.update(Message::Deploy(Msg::Toggle))));
    // The old one's last report and its end are ignored.
    app.update(serving(status(9, 99.0, 1, 2)));
    assert!(app.deploy.history.is_empty());
    app.update(done(Err(StageFailure::Cancelled)));
    assert_eq!(app.deploy.server, Server::Starting);
    // The new one's are not.
    app.update(log(
        "listening on http://127.0.0.1:5555 (prediction log: /tmp/x)",
    ));
    assert_eq!(app.deploy.server, Server::Running);
    assert_eq!(app.deploy.address.as_deref(), Some("http://127.0.0.1:5555"));
    app.update(stopped(0));
    assert_eq!(app.deploy.server, Server::Stopped);
}

#[test]
fn promoting_swaps_the_champion_into_a_running_server_without_a_restart() {
    let mut app = serving_app();
    assert_eq!(
        app.deploy.token_path,
        Some(PathBuf::from("/tmp/x/serve/admin-token"))
    );
    assert_eq!(app.deploy.selected, 1, "the champion is selected");
    // The champion is the champion already.
    let effects = app.update(Message::Deploy(Msg::Promote));
    assert!(tasks(&effects).is_empty());
    app.update(Message::Deploy(Msg::Select(-1)));
    let effects = app.update(Message::Deploy(Msg::Promote));
    assert_eq!(tasks(&effects), ["promote c3d4e5f6a7b8c9d0"]);
    let mut promoted = models();
    promoted.champion = Some("c3d4e5f6a7b8c9d0".into());
    let effects = app.update(Message::Deploy(Msg::Changed(Ok((
        Change::Promoted("c3d4e5f6a7b8c9d0".into()),
        promoted,
    )))));
    assert_eq!(
        tasks(&effects),
        ["POST http://127.0.0.1:41234/admin/reload"]
    );
    assert_eq!(app.deploy.champion(), Some("c3d4e5f6a7b8c9d0"));
    let effects = app.update(Message::Deploy(Msg::Reloaded(
        "http://127.0.0.1:41234".into(),
        Ok(Swapped {
            previous: Some("9f8e7d6c5b4a3f2e".into()),
            model_id: "c3d4e5f6a7b8c9d0".into(),
        }),
    )));
    assert_eq!(tasks(&effects), ["GET http://127.0.0.1:41234/readyz"]);
    assert_eq!(app.deploy.server, Server::Running, "no restart");
    assert_eq!(app.deploy.model_id.as_deref(), Some("c3d4e5f6a7b8c9d0"));

    // A swap refused: the server is restarted instead.
    let effects = app.update(Message::Deploy(Msg::Reloaded(
        "http://127.0.0.1:41234".into(),
        Err(WorkError::msg("401: wrong token")),
    )));
    assert_eq!(tasks(&effects), ["stop the server (SIGTERM)"]);
    assert!(app.deploy.restart);
    let effects = app.update(stopped(10));
    assert!(serves(&effects), "{effects:?}");
    assert_eq!(app.deploy.server, Server::Starting);
}

#[test]
fn a_server_without_admin_routes_is_restarted_to_serve_the_champion() {
    let mut app = deploy_app(false);
    app.update(Message::Go(ScreenId::Deploy));
    app.update(Message::Deploy(Msg::Models(Ok(models()))));
    app.update(Message::Deploy(Msg::Toggle));
    app.update(log(LISTENING_WITHOUT_ADMIN));
    assert_eq!(app.deploy.token_path, None);
    let effects = app.update(Message::Deploy(Msg::Changed(Ok((
        Change::Promoted("c3d4e5f6a7b8c9d0".into()),
        models(),
    )))));
    assert_eq!(tasks(&effects), ["stop the server (SIGTERM)"]);
    assert!(app.deploy.restart);
    // Once it has stopped, it starts again.
    let effects = app.update(stopped(10));
    assert!(serves(&effects), "{effects:?}");
    assert_eq!(app.deploy.server, Server::Starting);
    assert!(!app.deploy.restart);

    // A server still starting is replaced at once; the replaced one's end
    // is not the new one's.
    let effects = app.update(Message::Deploy(Msg::Rollback));
    assert_eq!(tasks(&effects), ["roll back the champion"]);
    let effects = app.update(Message::Deploy(Msg::Changed(Ok((
        Change::RolledBack("9f8e7d6c5b4a3f2e".into()),
        models(),
    )))));
    assert!(serves(&effects));
    app.update(done(Err(StageFailure::Cancelled)));
    assert_eq!(app.deploy.server, Server::Starting);
    app.update(log(LISTENING));
    assert_eq!(app.deploy.server, Server::Running);

    // A refusal changes nothing and says why.
    app.update(Message::Deploy(Msg::Changed(Err(WorkError::msg(
        "no earlier champion to roll back to",
    )))));
    assert_eq!(app.deploy.server, Server::Running);
    assert!(
        app.ctx
            .flash
            .as_deref()
            .unwrap()
            .contains("no earlier champion")
    );

    // With the server stopped, nothing restarts.
    let mut app = deploy_app(false);
    app.update(Message::Go(ScreenId::Deploy));
    let effects = app.update(Message::Deploy(Msg::Changed(Ok((
        Change::Promoted("c3d4e5f6a7b8c9d0".into()),
        models(),
    )))));
    assert!(effects.is_empty());
    assert!(app.ctx.flash.as_deref().unwrap().contains("s serves it"));
}

#[test]
fn a_load_test_needs_a_server_and_shows_its_report_or_its_error() {
    let mut app = deploy_app(false);
    app.update(Message::Go(ScreenId::Deploy));
    assert!(app.update(Message::Deploy(Msg::Load)).is_empty());
    assert!(
        app.ctx
            .flash
            .as_deref()
            .unwrap()
            .contains("Start the server")
    );
    let mut app = serving_app();
    let effects = app.update(Message::Deploy(Msg::Load));
    assert_eq!(
        tasks(&effects),
        ["ninety load --url http://127.0.0.1:41234 --duration 5 --json"]
    );
    assert!(matches!(app.deploy.load, Load::Running(_)));
    assert!(
        app.update(Message::Deploy(Msg::Load)).is_empty(),
        "one at a time"
    );
    let effects = app.update(Message::Deploy(Msg::Loaded(Load::Failed(
        "ninety load ended with exit status: 2:\nerror: unrecognized subcommand 'load'".into(),
    ))));
    assert_eq!(
        tasks(&effects),
        ["read the new lines of the prediction log"]
    );
    assert!(matches!(app.deploy.load, Load::Failed(_)));
    // And again.
    assert_eq!(tasks(&app.update(Message::Deploy(Msg::Load))).len(), 1);
}

#[test]
fn the_keys_shown_are_the_keys_that_work() {
    let mut app = serving_app();
    let rows = app.key_rows();
    let footer_rows = rows.iter().filter(|(_, f, _)| f.is_some()).count();
    assert_eq!(footer_rows, app.footer().len());
    let mut seen = Vec::new();
    for (codes, _, message) in &rows {
        for code in codes {
            assert_eq!(
                app.message_for(key(*code)).as_ref(),
                Some(message),
                "{code:?}"
            );
            assert!(!seen.contains(code), "{code:?} bound twice");
            seen.push(*code);
        }
    }
    assert_eq!(
        app.message_for(key(KeyCode::Char('s'))),
        Some(Message::Deploy(Msg::Toggle))
    );
    assert_eq!(app.message_for(key(KeyCode::Left)), Some(Message::Back));
    assert!(app.footer().iter().any(|(k, w)| k == "s" && w == "stop"));
    app.update(Message::Deploy(Msg::Toggle));
    app.update(stopped(0));
    assert!(app.footer().iter().any(|(k, w)| k == "s" && w == "start"));
    app.update(Message::Deploy(Msg::Select(10)));
    assert_eq!(app.deploy.selected, 2);
}

/// A load test's report.
pub(crate) fn load_report() -> crate::cli::load::LoadReport {
    serde_json::from_value(serde_json::json!({
        "url": "http://127.0.0.1:41234",
        "model_id": "9f8e7d6c5b4a3f2e",
        "corpus": "mini",
        "messages": 264,
        "connections": 8,
        "rate": null,
        "duration": 5.0,
        "seconds": 5.02,
        "requests": 46743,
        "ok": 46741,
        "errors": 2,
        "per_second": 9319.55,
        "unsent": 0,
        "latency_ms": {"p50": 0.76, "p90": 1.41, "p99": 2.48, "p99_9": 4.71, "max": 16.48, "mean": 0.85},
        "errors_by": {"503": 2}
    }))
    .expect("a load report")
}

#[test]
fn the_report_is_read_from_what_ninety_load_prints() {
    let r = load_report();
    let line = serde_json::to_string(&r).unwrap();
    assert_eq!(work::report(&line), Ok(r.clone()));
    // After other lines, its own line.
    assert_eq!(work::report(&format!("warming up\n{line}\n")), Ok(r));
    assert!(work::report("error: unrecognized subcommand 'load'").is_err());
}

#[test]
fn only_this_workbench_s_serve_children_are_stopped() {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let serve = args(&[
        "/w/target/debug/ninety-pipeline",
        "--root",
        "/w",
        "serve",
        "--port",
        "0",
    ]);
    assert!(work::is_our_server(7, 7, &serve));
    assert!(!work::is_our_server(7, 8, &serve), "another workbench's");
    let train = args(&["/w/target/debug/ninety-pipeline", "--root", "/w", "train"]);
    assert!(!work::is_our_server(7, 7, &train));
    assert!(!work::is_our_server(7, 7, &args(&["/bin/serve"])));
}

#[test]
fn the_log_is_read_in_whole_lines_from_where_the_last_read_ended() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("serve/predictions.jsonl");
    // No log yet: nothing, and no error.
    assert_eq!(work::tail(&path, None).unwrap(), Tail::default());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let line = |n| serde_json::to_string(&prediction(n, 0.25)).unwrap() + "\n";
    let two = format!("{}{}", line(1), line(2));
    // A line being written is left for the next read.
    let partial = &line(3)[..20];
    std::fs::write(&path, format!("{two}not a record\n{partial}")).unwrap();
    let first = work::tail(&path, None).unwrap();
    assert_eq!(first.records.len(), 2);
    assert_eq!(first.bad, 1);
    assert_eq!(first.offset as usize, two.len() + "not a record\n".len());
    let rest = &line(3)[20..];
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut f, rest.as_bytes()).unwrap();
    let next = work::tail(&path, Some(first.offset)).unwrap();
    assert_eq!(next.records, [prediction(3, 0.25)]);
    assert!(!next.reset);
    // A log replaced by a shorter one is read from its start.
    std::fs::write(&path, line(9)).unwrap();
    let again = work::tail(&path, Some(next.offset)).unwrap();
    assert!(again.reset);
    assert_eq!(again.records, [prediction(9, 0.25)]);
    // A flood: only the end is read, from a line's start.
    let many: String = (0..3000).map(line).collect();
    assert!(many.len() as u64 > TAIL_BYTES * 4);
    std::fs::write(&path, &many).unwrap();
    let flood = work::tail(&path, Some(0)).unwrap();
    assert!(flood.reset);
    assert_eq!(flood.bad, 0, "no cut line read");
    assert_eq!(flood.records.last(), Some(&prediction(2999, 0.25)));
    assert_eq!(flood.records.len(), super::KEEP);
    assert_eq!(flood.offset as usize, many.len());
}
