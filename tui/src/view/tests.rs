//! Widget tests against a `Buffer`, and whole-screen snapshots with `TestBackend`.

use crate::app::Message;
use crate::app::tests::{app, check, report};
use crate::view::buffer_text;
use ninety_grader::cargo::GradeOutcome;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

fn render(app: &crate::app::App, width: u16, height: u16) -> String {
    let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
    app.render(buf.area, &mut buf);
    buffer_text(&buf)
}

fn screen(app: &crate::app::App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(app, f.area())).unwrap();
    buffer_text(terminal.backend().buffer())
}

fn graded_app() -> crate::app::App {
    let mut app = app();
    app.labs.get_mut("frame").unwrap().instructions = crate::markdown::render(
        "# Frame\n\nTurn the product goal into a spec.\n\n1. Fill in `spec.toml`.\n2. Write `validate`.\n",
    );
    app.update(Message::Open);
    app.update(Message::Grade);
    app.update(Message::GradeFinished(
        "frame".into(),
        GradeOutcome::Graded {
            report: report(vec![
                check("spec.loads", true, 2),
                check("validate.names_the_field", false, 4),
                check("cost.totals", false, 3),
            ]),
            output: String::new(),
        },
    ));
    app
}

#[test]
fn tiny_and_empty_areas_do_not_panic() {
    let app = graded_app();
    for (w, h) in [(0, 0), (1, 1), (10, 3), (39, 9), (40, 10), (41, 11)] {
        let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
        (&app).render(buf.area, &mut buf);
    }
    assert!(render(&app, 20, 5).contains("larger"));
}

#[test]
fn the_map_shows_every_stage_with_status_and_points() {
    let mut app = app();
    app.labs.get_mut("frame").unwrap().progress = crate::state::Progress::Failing {
        points: 7,
        max_points: 28,
    };
    let text = render(&app, 80, 24);
    assert!(
        text.contains("frame") && text.contains("failing") && text.contains("7/28"),
        "{text}"
    );
    assert!(
        text.contains("gather") && text.contains("coming later"),
        "{text}"
    );
    assert!(text.contains("corpus: mini · 300 messages"), "{text}");
}

#[test]
fn the_lab_view_shows_checks_points_and_the_hint_on_demand() {
    let mut app = graded_app();
    let text = render(&app, 100, 30);
    assert!(text.contains("Checks 2/9 pts"), "{text}");
    assert!(
        text.contains("✓ spec.loads") && text.contains("✗ cost.totals"),
        "{text}"
    );
    assert!(text.contains("Press h for a hint."), "{text}");
    assert!(
        !text.contains("hint for validate.names_the_field"),
        "{text}"
    );
    app.update(Message::ToggleHint);
    let text = render(&app, 100, 30);
    assert!(
        text.contains("Hint: hint for validate.names_the_field"),
        "{text}"
    );
}

#[test]
fn a_build_error_fills_the_output_pane() {
    let mut app = graded_app();
    app.update(Message::Grade);
    app.update(Message::GradeFinished(
        "frame".into(),
        GradeOutcome::BuildFailed {
            output: "error[E0308]: mismatched types\n --> labs/frame/src/metrics.rs:44:9".into(),
        },
    ));
    let text = render(&app, 80, 24);
    assert!(
        text.contains("Build failed") && text.contains("E0308"),
        "{text}"
    );
}

#[test]
fn snapshot_course_map_80x24() {
    let mut app = app();
    app.labs.get_mut("frame").unwrap().progress = crate::state::Progress::Failing {
        points: 7,
        max_points: 28,
    };
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn snapshot_lab_view_80x24() {
    let app = graded_app();
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn snapshot_lab_view_with_hint_120x30() {
    let mut app = graded_app();
    app.update(Message::ToggleHint);
    insta::assert_snapshot!(screen(&app, 120, 30));
}

#[test]
fn snapshot_help_overlay_80x24() {
    let mut app = graded_app();
    app.update(Message::ToggleHelp);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn snapshot_reset_question_80x24() {
    let mut app = graded_app();
    app.learner_workspace = true;
    app.update(Message::AskReset);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

fn explorer_app() -> crate::app::App {
    let mut app = app();
    app.update(Message::OpenExplorer);
    app.update(Message::DatasetLoaded(
        "mini".into(),
        Ok(crate::explorer::tests::dataset(6000)),
    ));
    app.update(Message::RawLoaded(
        "g/00000".into(),
        "From someone\nSubject: subject 0\n\nbody".into(),
    ));
    app
}

#[test]
fn the_explorer_draws_only_the_rows_on_screen_of_a_large_corpus() {
    let mut app = explorer_app();
    for _ in 0..3 {
        app.update(Message::PageDown);
    }
    let text = render(&app, 100, 30);
    assert!(text.contains("6000/6000"), "{text}");
    assert!(
        text.contains("subject 60"),
        "the window follows the selection: {text}"
    );
    assert!(!text.contains("subject 0 "), "{text}");
}

#[test]
fn snapshot_explorer_80x24() {
    insta::assert_snapshot!(screen(&explorer_app(), 80, 24));
}

#[test]
fn snapshot_explorer_report_80x24() {
    let mut app = explorer_app();
    app.update(Message::TogglePane);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn snapshot_labeling_screen_100x24() {
    let mut app = crate::app::tests::labeling_app();
    app.update(Message::Decide(ninety_kit::labels::Mark::Ham));
    let text = screen(&app, 100, 24);
    // The time on screen and the rate move; the rest is fixed.
    let text: String = text
        .lines()
        .map(|l| {
            if l.contains("per minute") {
                " labeled 1  queue 4  per minute …".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(text);
}

#[test]
fn snapshot_agreement_view_100x30() {
    let mut app = crate::app::tests::labeling_app();
    app.update(Message::Decide(ninety_kit::labels::Mark::Ham));
    app.update(Message::Back);
    let stats = serde_json::json!({
        "corpus": "mini", "logs": "/tmp/labels/mini",
        "annotators": {
            "ana": {"decisions": 52, "labels": 50, "by_label": {"spam": 25, "ham": 25, "unsure": 0},
                    "kappa_vs_gold": 0.62, "labels_per_minute": 11.5,
                    "vs_gold": {"observed": 0.81, "table": [[20, 5], [5, 20], [0, 0]]},
                    "curve": [{"after": 25, "observed": 0.72}, {"after": 50, "observed": 0.9}]},
            "bob": {"decisions": 51, "labels": 51, "by_label": {"spam": 30, "ham": 20, "unsure": 1},
                    "kappa_vs_gold": null, "labels_per_minute": null, "vs_gold": null, "curve": []}
        },
        "pairs": [{"a": "ana", "b": "bob", "kappa": 0.4, "items": 50}],
        "shared_items": 50,
        "disagreements": [{"id": "x", "subject": "Your account", "labels": {"ana": "ham", "bob": "spam"}, "gold": "ham"}],
        "suspects": [],
        "not_computed": []
    });
    app.update(Message::StatsLoaded(Ok(stats)));
    insta::assert_snapshot!(screen(&app, 100, 30));
}

/// How long a key press takes to answer on the labeling screen with a queue
/// the size of the real corpus: the update and one whole frame. Prints, does
/// not assert (timings belong in benchmarks); run with
/// `cargo test -p ninety --release --lib -- --ignored --nocapture key_press`.
#[test]
#[ignore]
fn key_press_to_frame_with_the_full_corpus() {
    let mut app = crate::app::tests::labeling_app();
    let body = "Dear friend, this is a long message body line that goes on.\n".repeat(40);
    let mut data = app.labeling.as_ref().unwrap().data.clone();
    data.items = (0..6000)
        .map(|i| crate::labeling::LabelItem {
            id: format!("{i:064}"),
            subject: format!("Subject {i}"),
            from: "someone@example.com".into(),
            body: body.clone(),
        })
        .collect();
    app.update(Message::LabelingReady(Ok(data)));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut worst = std::time::Duration::ZERO;
    let start = std::time::Instant::now();
    let n = 2000;
    for i in 0..n {
        let t = std::time::Instant::now();
        let mark = if i % 7 == 0 {
            ninety_kit::labels::Mark::Spam
        } else {
            ninety_kit::labels::Mark::Ham
        };
        app.update(Message::Decide(mark));
        if i % 10 == 9 {
            app.update(Message::Undo);
        }
        terminal.draw(|f| f.render_widget(&app, f.area())).unwrap();
        worst = worst.max(t.elapsed());
    }
    println!(
        "key press + frame over a 6,000-message queue: mean {:.3} ms, worst {:.3} ms ({n} presses)",
        start.elapsed().as_secs_f64() * 1000.0 / n as f64,
        worst.as_secs_f64() * 1000.0
    );
}

#[test]
fn snapshot_train_view_100x30() {
    let mut app = crate::app::tests::app();
    app.update(Message::OpenTrain);
    app.update(Message::StartTrain);
    for (epoch, (train, valid, f1)) in [(0.6, 0.5, 0.7), (0.3, 0.25, 0.9), (0.1, 0.12, 0.95)]
        .into_iter()
        .enumerate()
    {
        let step = Some(epoch as u64 + 1);
        app.update(Message::TrainMetric(
            "fasttext.train_loss".into(),
            train,
            step,
        ));
        app.update(Message::TrainMetric(
            "fasttext.valid_loss".into(),
            valid,
            step,
        ));
        app.update(Message::TrainMetric("fasttext.valid_f1".into(), f1, step));
    }
    let summary = serde_json::json!({
        "run_id": "20261122T101800-fasttext-random", "model": "fasttext", "split": "random", "seconds": 11.9,
        "metrics": {"spam_f1": 0.974, "precision": 0.975, "recall": 0.972},
        "baselines": {"keyword": {"spam_f1": 0.449, "precision": 0.802, "recall": 0.312},
                      "logreg": {"spam_f1": 0.965, "precision": 0.984, "recall": 0.948}}
    });
    app.update(Message::TrainFinished(Ok(summary.clone())));
    app.update(Message::RunsLoaded(vec![summary]));
    insta::assert_snapshot!(screen(&app, 100, 30));
}
