//! Tests of the monitor view: its update fed the stage's events and the
//! workers' results as the runtime would deliver them (no terminal, no
//! server, no pipeline), its work functions on files in a temporary
//! folder, and its drawing, snapshot by snapshot, on a real report.

use super::work::{self, Histogram, Seen, Tail};
use super::{Follow, Msg, Pane, Picker, Replay, ScenarioInfo, ServerInfo, Traffic};
use crate::pipeline::{BuildProgress, StageFailure};
use crate::state::State;
use crate::workbench::app::{App, Effect, Message};
use crate::workbench::chrome::buffer_text;
use crate::workbench::ctx::{ChildEnd, StageMsg};
use crate::workbench::screens::ScreenId;
use crate::workbench::tests_update::{course, key};
use crossterm::event::KeyCode;
use ninety_grader::course::{CourseStage, LabInfo};
use ninety_kit::command::{MonitorArgs, StageCommand};
use ninety_kit::events::Level;
use ninety_kit::records::Summary;
use ninety_kit::records::monitor::MonitorReport;
use ninety_kit::records::serve::LoggedPrediction;
use ninety_kit::{Event, Stage};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;

/// The test course with the monitor stage and its lab after it.
fn monitor_app() -> App {
    let mut c = course();
    c.stages.push(CourseStage {
        stage: Stage::Monitor,
        title: "Monitoring".into(),
        lab: Some(LabInfo {
            stage: Stage::Monitor,
            title: "After launch".into(),
            dir: PathBuf::from("/nonexistent/labs/monitor"),
            chapter: Stage::Monitor.chapter(),
            instructions: "README.md".into(),
            files: vec!["src/drift.rs".into()],
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

/// The report of the monitor stage on a replay of the `campaign` scenario
/// to a model trained on the mini corpus (`ninety run monitor --json`).
pub(crate) fn real_report() -> MonitorReport {
    match serde_json::from_str(include_str!("../../fixtures/monitor-report-campaign.json"))
        .expect("a monitor summary")
    {
        Summary::Monitor(r) => *r,
        other => panic!("not a monitor summary: {}", other.name()),
    }
}

/// A number from `n`, the same each time, from 0 to 1.
fn draw(n: u64) -> f64 {
    let x = n
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (x >> 33) as f64 / (1u64 << 31) as f64
}

/// A minute of traffic from the log: about 20 requests a second, a quiet
/// stretch, latencies of a few hundred microseconds with a slow second,
/// scores mostly low with a share of spam, more of it lately.
pub(crate) fn minute() -> Vec<Seen> {
    let start = work::epoch_seconds("2026-12-01T00:06:00Z").unwrap();
    let mut out = Vec::new();
    for s in 0..60i64 {
        let n = if (25..30).contains(&s) {
            0
        } else {
            15 + (s * 7) % 11
        };
        for i in 0..n {
            let k = (s * 100 + i) as u64;
            let spammy = draw(k) < if s > 40 { 0.6 } else { 0.3 };
            let score = if spammy {
                0.75 + 0.25 * draw(k + 7)
            } else {
                0.2 * draw(k + 11)
            };
            let slow = if s == 47 { 4_000 } else { 0 };
            out.push(Seen {
                second: Some(start + s),
                latency_us: 250 + (draw(k + 3) * 500.0) as u64 + slow,
                score,
            });
        }
    }
    out
}

/// The reference's scores: a third spam.
fn reference() -> Histogram {
    Histogram::of((0..53).map(|i| {
        if i % 3 == 0 {
            0.8 + 0.2 * draw(i)
        } else {
            0.15 * draw(i + 100)
        }
    }))
}

fn stage(m: StageMsg) -> Message {
    Message::Stage(ScreenId::Monitor, m)
}

fn done(result: Result<Summary, StageFailure>) -> Message {
    stage(StageMsg::done(result))
}

fn monitoring(report: MonitorReport) -> Message {
    stage(StageMsg::Event(Event::Monitoring {
        report: Box::new(report),
    }))
}

fn tailed(app: &App, tail: Tail) -> Message {
    Message::Monitor(Msg::Tailed(app.monitor.visit, Ok(tail)))
}

/// A read of a log that holds `records`.
fn log_with(records: Vec<Seen>) -> Tail {
    Tail {
        exists: true,
        offset: 4096 + records.len() as u64 * 300,
        records,
        bad: 0,
        reset: false,
    }
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

/// The `--follow` of each monitor stage the effects start.
fn monitors(effects: &[Effect]) -> Vec<bool> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunStage(
                ScreenId::Monitor,
                StageCommand::Monitor(MonitorArgs { follow, .. }),
            ) => Some(*follow),
            _ => None,
        })
        .collect()
}

const TAIL: &str = "read the new lines of the prediction log";
const LOOK: &str = "look at the log and the replay record in a second";

/// The app on the monitor view, following the logs, the report of the
/// campaign replay shown, a minute of traffic and the reference read.
pub(crate) fn following_app() -> App {
    let mut app = monitor_app();
    app.update(Message::Go(ScreenId::Monitor));
    app.update(tailed(&app, log_with(minute())));
    app.update(done(Ok(Summary::Monitor(Box::new(real_report())))));
    app.update(Message::Monitor(Msg::ReferenceRead(
        "8659b569fde0047a".into(),
        Ok(reference()),
    )));
    app.update(tailed(&app, log_with(vec![])));
    app
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(app, f.area())).unwrap();
    buffer_text(terminal.backend().buffer())
}

#[test]
fn the_monitor_lab_opens_the_view_which_looks_at_the_log_first() {
    let mut app = monitor_app();
    app.update(Message::Go(ScreenId::Lab(Stage::Monitor)));
    let v = app.message_for(key(KeyCode::Char('v'))).unwrap();
    assert_eq!(v, Message::Go(ScreenId::Monitor));
    let effects = app.update(v);
    assert_eq!(app.screen, ScreenId::Monitor);
    assert_eq!(tasks(&effects), [TAIL, LOOK]);
    assert!(
        monitors(&effects).is_empty(),
        "no stage before the log is seen"
    );
    assert_eq!(app.monitor.follow, Follow::Checking);
    app.update(Message::Back);
    assert_eq!(app.screen, ScreenId::Lab(Stage::Monitor));
}

#[test]
fn it_reads_the_logs_once_then_follows_them() {
    let mut app = monitor_app();
    app.update(Message::Go(ScreenId::Monitor));
    let effects = app.update(tailed(&app, log_with(minute())));
    assert_eq!(monitors(&effects), [false], "{effects:?}");
    assert_eq!(app.monitor.follow, Follow::Reading);
    assert!(app.busy());
    app.update(stage(StageMsg::Building(BuildProgress {
        done: 3,
        total: 9,
        compiling: "lab-monitor".into(),
    })));
    assert!(app.monitor.building.is_some());
    let text = screen(&app, 80, 24);
    assert!(text.contains("Building the pipeline: 3/9"), "{text}");

    // The one reading's report, then the stage that follows.
    let effects = app.update(done(Ok(Summary::Monitor(Box::new(real_report())))));
    assert_eq!(monitors(&effects), [true]);
    assert_eq!(
        tasks(&effects),
        [TAIL, "read the reference of model 8659b569fde0047a"]
    );
    assert_eq!(app.monitor.follow, Follow::Following);
    assert_eq!(app.monitor.reports, 1);
    assert!(app.monitor.building.is_none());

    // Each report reads the log's new lines, one read at a time; the
    // reference is read once per model.
    let mut grown = real_report();
    grown.predictions += 200;
    let effects = app.update(monitoring(grown.clone()));
    assert!(
        tasks(&effects).is_empty(),
        "a read is under way: {effects:?}"
    );
    app.update(tailed(&app, log_with(vec![])));
    let effects = app.update(monitoring(grown));
    assert_eq!(tasks(&effects), [TAIL]);
    assert_eq!(app.monitor.reports, 3);
    assert_eq!(app.monitor.report.as_ref().unwrap().predictions, 2200);

    // A warning of the stage is kept to show.
    app.update(stage(StageMsg::Event(Event::Log {
        level: Level::Info,
        message: "warning: reading `x`: permission denied".into(),
    })));
    assert_eq!(
        app.monitor.warning.as_deref(),
        Some("reading `x`: permission denied")
    );
}

#[test]
fn with_no_log_it_says_what_to_run_and_starts_once_the_log_appears() {
    let mut app = monitor_app();
    app.update(Message::Go(ScreenId::Monitor));
    let effects = app.update(tailed(&app, Tail::default()));
    assert_eq!(app.monitor.follow, Follow::NoLog);
    assert!(effects.is_empty(), "the view's clock looks: {effects:?}");
    assert!(!app.busy(), "nothing runs while there is nothing to read");
    let text = screen(&app, 80, 24);
    assert!(text.contains("ninety serve"), "{text}");
    assert!(text.contains("ninety replay stable"), "{text}");
    insta::assert_snapshot!("monitor_no_log_80x24", text);

    let opening = app.monitor.opening;
    let effects = app.update(looked(opening, false, None));
    assert_eq!(tasks(&effects), [LOOK], "it looks again in a second");
    let effects = app.update(looked(opening, true, None));
    assert_eq!(tasks(&effects), [LOOK, TAIL]);
    assert_eq!(app.monitor.follow, Follow::Checking);
    let effects = app.update(tailed(&app, log_with(minute())));
    assert_eq!(monitors(&effects), [false]);

    // Left, its clock stops: a look of an opening before is not news.
    app.update(Message::Back);
    assert!(app.update(looked(opening, true, None)).is_empty());
    app.update(Message::Go(ScreenId::Monitor));
    assert!(app.update(looked(opening, true, None)).is_empty());
    assert_eq!(
        tasks(&app.update(looked(app.monitor.opening, true, None))),
        [LOOK]
    );
}

fn looked(opening: u64, log: bool, replay: Option<work::Stamp>) -> Message {
    Message::Monitor(Msg::Looked(
        opening,
        work::Look {
            log,
            replay,
            now: None,
        },
    ))
}

#[test]
fn a_replay_that_ends_anywhere_has_the_logs_read_again_from_its_start() {
    let mut app = following_app();
    let opening = app.monitor.opening;
    let before = (100, std::time::SystemTime::UNIX_EPOCH);
    let after = (120, std::time::SystemTime::now());
    // The first look only learns the record; the same one again is nothing.
    assert_eq!(
        tasks(&app.update(looked(opening, true, Some(before)))),
        [LOOK]
    );
    let effects = app.update(looked(opening, true, Some(before)));
    assert!(monitors(&effects).is_empty());
    // `ninety replay` in a terminal ended and wrote its record.
    let effects = app.update(looked(opening, true, Some(after)));
    assert_eq!(monitors(&effects), [false], "{effects:?}");
    assert!(app.ctx.flash.as_deref().unwrap().contains("A replay ended"));
    // The first replay of a data folder writes the first record.
    let mut app = following_app();
    app.update(looked(app.monitor.opening, true, None));
    let effects = app.update(looked(app.monitor.opening, true, Some(after)));
    assert_eq!(monitors(&effects), [false]);
}

#[test]
fn a_stage_that_fails_says_why_and_f_starts_again() {
    let mut app = monitor_app();
    app.update(Message::Go(ScreenId::Monitor));
    app.update(tailed(&app, log_with(minute())));
    app.update(done(Err(StageFailure::Reported(
        "model 8659b569fde0047a was registered without a reference: evaluate it again".into(),
    ))));
    assert!(matches!(app.monitor.follow, Follow::Failed(_)));
    let text = screen(&app, 80, 24);
    assert!(text.contains("registered without a reference"), "{text}");
    let effects = app.update(app.message_for(key(KeyCode::Char('f'))).unwrap());
    assert_eq!(tasks(&effects), [TAIL]);
    assert_eq!(app.monitor.follow, Follow::Checking);

    // Failing after reports, the reports stay and the status row says it.
    let mut app = following_app();
    app.update(done(Err(StageFailure::Crashed {
        status: "signal: 9".into(),
        errors: String::new(),
    })));
    let text = screen(&app, 80, 24);
    assert!(text.contains("✗ stopped: the stage ended"), "{text}");
    assert!(text.contains("Requests/s"), "{text}");
}

#[test]
fn what_a_stage_of_an_earlier_visit_says_is_not_news() {
    let mut app = following_app();
    app.update(Message::Back);
    assert_eq!(app.monitor.follow, Follow::Idle);
    assert!(!app.busy());
    app.update(Message::Go(ScreenId::Monitor));
    assert_eq!(app.monitor.follow, Follow::Checking);
    // The old stage's last report and its end.
    let mut old = real_report();
    old.predictions = 1;
    app.update(monitoring(old));
    app.update(done(Err(StageFailure::Cancelled)));
    assert_eq!(app.monitor.follow, Follow::Checking);
    assert_eq!(app.monitor.report.as_ref().unwrap().predictions, 2000);
    // The new one starts, and what it says counts.
    assert_eq!(
        monitors(&app.update(tailed(&app, log_with(minute())))),
        [false]
    );
    let effects = app.update(done(Ok(Summary::Monitor(Box::new(real_report())))));
    assert_eq!(monitors(&effects), [true]);
    assert_eq!(app.monitor.follow, Follow::Following);
    // A read of the log asked in the visit before is not this one's.
    let before = app.monitor.traffic.read;
    app.update(Message::Monitor(Msg::Tailed(
        app.monitor.visit - 1,
        Ok(log_with(minute())),
    )));
    assert_eq!(app.monitor.traffic.read, before);
}

#[test]
fn the_traffic_keeps_the_last_minute_of_log_time() {
    let mut t = Traffic::default();
    t.add(&minute());
    let rates = t.rates();
    assert_eq!(rates.len(), super::HISTORY);
    assert_eq!(rates[26], 0, "the quiet stretch");
    assert_eq!(*rates.last().unwrap(), 15 + (59 * 7) % 11);
    // The newest second is still being written: the figures are of the
    // five before it.
    let five: u64 = rates[54..59].iter().sum();
    assert_eq!(t.recent_rate(5), five as f64 / 5.0);
    let (p50, p99) = t.recent_latency(5).unwrap();
    assert!((250..=750).contains(&p50) && p50 <= p99, "{p50} {p99}");
    // Once the clock has read the time, the charts end now: a log gone
    // quiet half a minute ago shows it, and a minute ago, nothing.
    let newest = t.seconds.back().unwrap().at;
    let mut quiet = t.clone();
    quiet.now = Some(newest + 30);
    assert_eq!(quiet.rates()[29], *rates.last().unwrap());
    assert_eq!(quiet.rates()[30..], [0; 30]);
    assert_eq!(quiet.recent_rate(5), 0.0);
    assert_eq!(quiet.recent_latency(5), None);
    quiet.now = Some(newest + 100);
    assert!(quiet.rates().iter().all(|&r| r == 0));
    assert!(quiet.latencies().is_empty());
    let slow = t
        .latencies()
        .into_iter()
        .find(|(at, ..)| *at == -12)
        .unwrap();
    assert!(slow.1 >= 4_000, "{slow:?}");
    // A request answered a second late lands in its second.
    let last = t.seconds.back().unwrap().at;
    t.add(&[Seen {
        second: Some(last - 2),
        latency_us: 1,
        score: 0.5,
    }]);
    assert_eq!(t.seconds.back().unwrap().at, last);
    // A minute on, the old seconds are gone.
    t.add(&[Seen {
        second: Some(last + 59),
        latency_us: 9,
        score: 0.5,
    }]);
    assert_eq!(t.seconds.len(), 2, "{:?}", t.seconds.len());
    assert_eq!(t.histogram(2).total, 2);
    assert!(t.scores.len() <= super::SCORES_KEPT);
}

fn scenario(name: &str, incident: &str, onset: Option<usize>) -> ScenarioInfo {
    ScenarioInfo {
        name: name.into(),
        about: format!("The {name} scenario."),
        messages: 2000,
        speed: 200.0,
        incident: incident.into(),
        onset,
    }
}

fn server() -> ServerInfo {
    ServerInfo {
        url: "http://127.0.0.1:18290".into(),
        how: "the serve stage, process 4242".into(),
        model_id: Some("8659b569fde0047a".into()),
        ready: true,
    }
}

fn picked() -> Message {
    Message::Monitor(Msg::Picked(
        Ok((
            vec![
                scenario("stable", "none", None),
                scenario("campaign", "campaign", Some(1000)),
                scenario("flood", "flood", Some(800)),
            ],
            vec![],
        )),
        Ok(server()),
    ))
}

fn children(effects: &[Effect]) -> Vec<Vec<String>> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunChild(ScreenId::Monitor, job) => Some(job.args.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn r_replays_a_chosen_scenario_as_a_child_and_stops_it() {
    let mut app = following_app();
    let effects = app.update(app.message_for(key(KeyCode::Char('r'))).unwrap());
    assert_eq!(
        tasks(&effects),
        ["list the scenarios and look for the server"]
    );
    assert_eq!(app.monitor.picker, Some(Picker::default()));
    app.update(picked());
    // The picker's keys: ↓ chooses, s the speed, Enter replays.
    app.update(app.message_for(key(KeyCode::Down)).unwrap());
    app.update(app.message_for(key(KeyCode::Char('s'))).unwrap());
    let text = screen(&app, 80, 24);
    assert!(text.contains("http://127.0.0.1:18290"), "{text}");
    insta::assert_snapshot!("monitor_picker_80x24", text);
    let effects = app.update(app.message_for(key(KeyCode::Enter)).unwrap());
    assert_eq!(
        children(&effects),
        [vec![
            "replay",
            "campaign",
            "--url",
            "http://127.0.0.1:18290",
            "--json",
            "--speed",
            "20"
        ]]
    );
    assert_eq!(app.monitor.picker, None);
    assert!(matches!(app.monitor.replay, Replay::Running { .. }));
    assert!(app.header_right().contains("replaying campaign"));
    // What the log gains counts as sent.
    app.update(tailed(&app, log_with(minute()[..300].to_vec())));
    match &app.monitor.replay {
        Replay::Running { seen, .. } => assert_eq!(*seen, 300),
        other => panic!("{other:?}"),
    }
    assert!(
        app.footer()
            .iter()
            .any(|(k, w)| k == "r" && w == "stop replay")
    );
    let effects = app.update(app.message_for(key(KeyCode::Char('r'))).unwrap());
    assert_eq!(effects, vec![Effect::StopChild(ScreenId::Monitor)]);
    let number = app.monitor.replays;
    app.update(Message::Monitor(Msg::Replayed(number, ChildEnd::Stopped)));
    assert_eq!(app.monitor.replay, Replay::Stopped(300));
}

#[test]
fn a_replay_s_end_is_read_and_the_logs_read_again_with_its_record() {
    let mut app = following_app();
    app.update(Message::Monitor(Msg::Replay));
    app.update(picked());
    app.update(Message::Monitor(Msg::Open));
    let number = app.monitor.replays;
    let record = serde_json::json!({
        "scenario": {
            "name": "stable", "about": "x", "messages": 2000, "speed": 200.0, "window": 200,
            "seed": 7, "order": "shuffled",
            "feedback": {"share": 0.3, "delay": 150},
            "incident": {"kind": "none", "onset": 0, "share": null, "detect_within": null}
        },
        "model_id": "8659b569fde0047a",
        "first_request": "r1a22eec1e51-000000001",
        "onset_request": null,
        "sent": 2000, "answered": 2000, "errors": {}, "injected": 0, "feedback": 604,
        "seconds": 10.2
    });
    // A replay replaced, or of an earlier visit, is not this one.
    assert!(
        app.update(Message::Monitor(Msg::Replayed(
            number - 1,
            ChildEnd::Stopped
        )))
        .is_empty()
    );
    let effects = app.update(Message::Monitor(Msg::Replayed(
        number,
        ChildEnd::Exited {
            success: true,
            status: "exit status: 0".into(),
            stdout: format!("{record}\n"),
            stderr: String::new(),
        },
    )));
    assert!(matches!(app.monitor.replay, Replay::Done(_)));
    assert_eq!(monitors(&effects), [false], "read again with its record");
    assert!(app.ctx.flash.as_deref().unwrap().contains("2000 answered"));

    // One that fails says why, in its words.
    app.update(done(Ok(Summary::Monitor(Box::new(real_report())))));
    app.update(Message::Monitor(Msg::Replay));
    app.update(picked());
    app.update(Message::Monitor(Msg::Open));
    app.update(Message::Monitor(Msg::Replayed(
        app.monitor.replays,
        ChildEnd::Exited {
            success: false,
            status: "exit status: 1".into(),
            stdout: String::new(),
            stderr: "error: http://127.0.0.1:18290/readyz: connection refused\n".into(),
        },
    )));
    assert!(
        matches!(&app.monitor.replay, Replay::Failed(why) if why.contains("connection refused"))
    );
    assert!(
        app.ctx
            .flash
            .as_deref()
            .unwrap()
            .contains("connection refused")
    );

    // With no server, the picker says what to do and Enter replays nothing.
    let mut app = following_app();
    app.update(Message::Monitor(Msg::Replay));
    app.update(Message::Monitor(Msg::Picked(
        Ok((vec![scenario("stable", "none", None)], vec![])),
        Err("no server of this data folder answers: start one with `ninety serve`".into()),
    )));
    assert!(children(&app.update(Message::Monitor(Msg::Open))).is_empty());
    assert!(app.ctx.flash.as_deref().unwrap().contains("ninety serve"));
    // Esc closes the picker, not the view.
    app.update(app.message_for(key(KeyCode::Esc)).unwrap());
    assert_eq!(app.monitor.picker, None);
    assert_eq!(app.screen, ScreenId::Monitor);
}

#[test]
fn enter_on_an_alert_lists_the_messages_of_its_windows() {
    let mut app = following_app();
    app.update(Message::Monitor(Msg::Open));
    assert_eq!(app.monitor.detail, None, "only on the alerts pane");
    while app.monitor.pane != Pane::Alerts {
        app.update(app.message_for(key(KeyCode::Tab)).unwrap());
    }
    app.update(app.message_for(key(KeyCode::Down)).unwrap());
    let alert = app.monitor.selected_alert().unwrap().clone();
    assert_eq!(alert.statistic, "score_rise");
    let effects = app.update(app.message_for(key(KeyCode::Enter)).unwrap());
    assert_eq!(
        tasks(&effects),
        ["read the messages from r1a22eec1e51-000001001 to r1a22eec1e51-000001200"]
    );
    let rows: Vec<LoggedPrediction> = (1001..=1200).map(|n| logged(n, &alert)).collect();
    app.update(Message::Monitor(Msg::AlertRead(
        (alert.first_request.clone(), alert.last_request.clone()),
        Ok((rows, 0)),
    )));
    app.update(app.message_for(key(KeyCode::PageDown)).unwrap());
    let text = screen(&app, 80, 24);
    assert!(text.contains("#1011"), "{text}");
    insta::assert_snapshot!("monitor_alert_messages_80x24", text);
    // Esc goes back to the alerts, and then Esc leaves.
    app.update(app.message_for(key(KeyCode::Esc)).unwrap());
    assert_eq!(app.monitor.detail, None);
    assert_eq!(app.screen, ScreenId::Monitor);
    app.update(app.message_for(key(KeyCode::Esc)).unwrap());
    assert_eq!(app.screen, ScreenId::Map, "where it was opened from");
}

/// A logged prediction of request `n` of the campaign replay.
fn logged(n: u64, alert: &ninety_kit::records::monitor::Alert) -> LoggedPrediction {
    let prefix = alert.first_request.rsplit_once('-').unwrap().0;
    let spam = draw(n) < 0.6;
    LoggedPrediction {
        request_id: format!("{prefix}-{n:09}"),
        time: "2026-12-01T00:06:33Z".into(),
        model_id: "8659b569fde0047a".into(),
        score: if spam {
            0.9 + draw(n + 1) / 10.0
        } else {
            draw(n + 2) / 5.0
        },
        probability: 0.5,
        spam,
        latency_us: 400,
        body_chars: 120 + (n as usize * 37) % 900,
        content_type: if n.is_multiple_of(9) {
            "text/html"
        } else {
            "text/plain"
        }
        .into(),
        charset: (!n.is_multiple_of(4)).then(|| "utf-8".into()),
        decode_problem: n.is_multiple_of(50),
        tokens: vec![],
    }
}

#[test]
fn the_keys_shown_are_the_keys_that_work() {
    let mut app = following_app();
    for pane in 0..6 {
        let rows = app.key_rows();
        let footer_rows = rows.iter().filter(|(_, f, _)| f.is_some()).count();
        assert_eq!(footer_rows, app.footer().len());
        let mut seen = Vec::new();
        for (codes, _, message) in &rows {
            for code in codes {
                assert_eq!(
                    app.message_for(key(*code)).as_ref(),
                    Some(message),
                    "{code:?} on pane {pane}"
                );
                assert!(!seen.contains(code), "{code:?} bound twice");
                seen.push(*code);
            }
        }
        app.update(Message::Monitor(Msg::NextPane));
    }
    app.update(Message::Monitor(Msg::Replay));
    assert_eq!(
        app.message_for(key(KeyCode::Left)),
        Some(Message::Monitor(Msg::Close))
    );
    assert_eq!(
        app.message_for(key(KeyCode::Char('q'))),
        Some(Message::Back)
    );
}

#[test]
fn the_drift_pane_chooses_a_statistic_with_its_threshold() {
    let mut app = following_app();
    app.update(Message::Monitor(Msg::NextPane));
    assert_eq!(app.monitor.pane, Pane::Drift);
    let names = app.monitor.statistics();
    assert_eq!(names[0], "score_psi", "the rules' order first");
    assert!(names.contains(&"score_ks".to_owned()), "then the others");
    app.update(Message::Monitor(Msg::Select(100)));
    assert_eq!(app.monitor.statistic, names.len() - 1);
    app.update(Message::Monitor(Msg::Select(-100)));
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("score_psi · alarm > 0.250 for 2 windows"),
        "{text}"
    );
    insta::assert_snapshot!("monitor_drift_80x24", text);
}

#[test]
fn snapshot_the_monitor_view_s_panes() {
    let mut app = following_app();
    let wide = screen(&app, 120, 40);
    assert!(wide.contains("● following"), "{wide}");
    assert!(wide.contains("Requests/s"), "{wide}");
    assert!(wide.contains("score_rise"), "{wide}");
    insta::assert_snapshot!("monitor_overview_120x40", wide);
    insta::assert_snapshot!("monitor_overview_80x24", screen(&app, 80, 24));
    for pane in ["performance", "health", "alerts"] {
        while app.monitor.pane.name() != pane {
            app.update(Message::Monitor(Msg::NextPane));
        }
        insta::assert_snapshot!(format!("monitor_{pane}_80x24"), screen(&app, 80, 24));
    }
    insta::assert_snapshot!("monitor_alerts_120x40", screen(&app, 120, 40));
}

#[test]
fn the_view_draws_in_any_size_without_panicking() {
    let mut apps = vec![following_app(), monitor_app()];
    let mut empty = following_app();
    empty.update(done(Ok(Summary::Monitor(Box::default()))));
    apps.push(empty);
    let mut picking = following_app();
    picking.update(Message::Monitor(Msg::Replay));
    apps.push(picking);
    for mut app in apps {
        for _ in 0..6 {
            for (w, h) in [(40, 10), (41, 11), (60, 17), (80, 24), (200, 60)] {
                assert!(!screen(&app, w, h).is_empty());
            }
            app.update(Message::Monitor(Msg::NextPane));
        }
    }
}

#[test]
fn the_log_is_read_in_whole_lines_from_where_the_last_read_ended() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("serve/predictions.jsonl");
    let none = work::tail(&path, None).unwrap();
    assert!(!none.exists);
    assert!(!work::has_a_record(&path));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let alert = &real_report().alerts[1];
    let line = |n| serde_json::to_string(&logged(n, alert)).unwrap() + "\n";
    let partial = &line(3)[..20];
    std::fs::write(&path, partial).unwrap();
    assert!(
        !work::has_a_record(&path),
        "a line being written is not one"
    );
    std::fs::write(&path, format!("{}{}oops\n{partial}", line(1), line(2))).unwrap();
    assert!(work::has_a_record(&path));
    let first = work::tail(&path, None).unwrap();
    assert!(first.exists);
    assert_eq!(first.records.len(), 2);
    assert_eq!(first.bad, 1);
    assert_eq!(
        first.records[0].second,
        work::epoch_seconds("2026-12-01T00:06:33Z")
    );
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut f, &line(3).as_bytes()[20..]).unwrap();
    let next = work::tail(&path, Some(first.offset)).unwrap();
    assert_eq!(next.records.len(), 1);
    assert!(!next.reset);
    // Replaced by a shorter log: read from its start.
    std::fs::write(&path, line(9)).unwrap();
    assert!(work::tail(&path, Some(next.offset)).unwrap().reset);
    // A first read of a long log takes its end, from a line's start.
    let many: String = (0..6000).map(line).collect();
    assert!(many.len() as u64 > work::FIRST_READ);
    std::fs::write(&path, &many).unwrap();
    let end = work::tail(&path, None).unwrap();
    assert_eq!(end.bad, 0, "no cut line read");
    assert_eq!(end.offset as usize, many.len());
    assert!(end.records.len() < 6000);
}

#[test]
fn an_alert_s_messages_are_the_log_s_from_its_first_request_to_its_last() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("predictions.jsonl");
    let alert = &real_report().alerts[1];
    let text: String = (990..1210)
        .map(|n| serde_json::to_string(&logged(n, alert)).unwrap() + "\n")
        .collect();
    std::fs::write(&path, text).unwrap();
    let (rows, more) =
        work::window_messages(&path, &alert.first_request, &alert.last_request).unwrap();
    assert_eq!(rows.len(), 200);
    assert_eq!(more, 0);
    assert_eq!(rows[0].request_id, alert.first_request);
    assert_eq!(rows[199].request_id, alert.last_request);
    let gone = work::window_messages(&path, "r0-000000001", "r0-000000002").unwrap_err();
    assert!(
        gone.to_string().contains("not in the prediction log"),
        "{gone}"
    );
}

#[test]
fn times_scores_and_addresses_read_as_expected() {
    assert_eq!(work::epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(
        work::epoch_seconds("2026-12-01T00:06:33Z"),
        Some(1_796_083_593)
    );
    assert_eq!(
        work::epoch_seconds("2000-02-29T12:00:00+00:00"),
        Some(951_825_600)
    );
    assert_eq!(work::epoch_seconds("yesterday"), None);
    assert_eq!(work::epoch_seconds("2026-13-01T00:00:00Z"), None);

    let h = Histogram::of([0.0, 0.01, 0.5, 0.999, 1.0, f64::NAN]);
    assert_eq!(h.total, 5);
    assert_eq!(h.counts[0], 2);
    assert_eq!(h.counts[work::BINS - 1], 2);
    assert_eq!(h.shares().iter().sum::<f64>(), 1.0);

    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let serve = args(&[
        "/w/target/debug/ninety-pipeline",
        "--root",
        "/w",
        "serve",
        "--corpus",
        "mini",
        "--host",
        "127.0.0.1",
        "--port",
        "18290",
    ]);
    assert_eq!(
        work::served_address(&serve).as_deref(),
        Some("http://127.0.0.1:18290")
    );
    let any_port = args(&["/w/target/debug/ninety-pipeline", "serve", "--port", "0"]);
    assert_eq!(
        work::served_address(&any_port),
        None,
        "not known from outside"
    );
    let everywhere = args(&["ninety-pipeline", "serve", "--host", "0.0.0.0"]);
    assert_eq!(
        work::served_address(&everywhere).as_deref(),
        Some("http://127.0.0.1:8090")
    );
    let train = args(&["/w/target/debug/ninety-pipeline", "train"]);
    assert_eq!(work::served_address(&train), None);
    // Whose data folder it serves: NINETY_HOME, else its root's.
    let w = std::path::Path::new("/w");
    assert_eq!(
        work::data_home_of(&serve, Some("/tmp/h"), Some(w)),
        Some(PathBuf::from("/tmp/h"))
    );
    assert_eq!(
        work::data_home_of(&serve, None, Some(std::path::Path::new("/x"))),
        Some(PathBuf::from("/w/.ninety"))
    );
    let relative = args(&["ninety-pipeline", "--root", ".", "serve"]);
    assert_eq!(
        work::data_home_of(&relative, Some(""), Some(w)),
        Some(PathBuf::from("/w/./.ninety"))
    );
    assert_eq!(work::data_home_of(&relative, None, None), None);
    assert_eq!(work::served_address(&args(&["/bin/serve"])), None);

    assert!(work::replay_record("warming up\nnot json").is_err());
    assert_eq!(super::view::short_id("r1a22eec1e51-000001001"), "#1001");
    assert_eq!(super::view::short_id("r000000000000"), "r000000000000");
    assert_eq!(super::view::spark(&[0.0, 0.5, 1.0], 2), "▁█");
    assert_eq!(super::view::spark(&[0.3, 0.3], 5), "▁▁");
}

#[test]
fn the_scenarios_of_the_workspace_list_stable_first() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (list, problems) = work::scenarios(&root).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(list[0].name, "stable");
    assert_eq!(list[0].onset, None);
    let campaign = list.iter().find(|s| s.name == "campaign").unwrap();
    assert_eq!(campaign.incident, "campaign");
    assert_eq!(campaign.onset, Some(1000));
}
