//! The harness as a learner meets it: a real lab binary run as a process.

use ninety_grader::GradeReport;
use std::path::PathBuf;
use std::process::Command;

/// `target/debug/examples/demo_lab`, built by `cargo test` with the examples.
fn demo_lab() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    profile_dir
        .join("examples")
        .join(format!("demo_lab{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn every_outcome_is_told_apart_and_the_report_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(demo_lab())
        .env("NINETY_GRADES_DIR", dir.path())
        .output()
        .expect("the demo lab is built with the tests");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "failing checks fail the run:\n{stdout}"
    );
    // libtest-style lines, the hints, the summary and the classroom line.
    assert!(stdout.contains("test [2 pts] ok"), "{stdout}");
    assert!(stdout.contains("err (3 pts): h-err"), "{stdout}");
    assert!(stdout.contains("demo: 2/15 points"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "Points 2/15"), "{stdout}");

    let report = GradeReport::load(dir.path(), "demo").unwrap();
    let by_id = |id: &str| report.checks.iter().find(|c| c.id == id).unwrap().clone();
    assert!(by_id("ok").passed);
    assert_eq!(by_id("err").message.as_deref(), Some("wrong answer: 4"));
    let assert_msg = by_id("assert").message.unwrap();
    assert!(
        assert_msg.contains("one is not two") && assert_msg.contains("demo_lab.rs"),
        "{assert_msg}"
    );
    let todo_msg = by_id("todo").message.unwrap();
    assert!(
        todo_msg.contains("todo!()") && todo_msg.contains("write the cost function"),
        "{todo_msg}"
    );
    let looped = by_id("loop");
    assert!(looped.timed_out && !looped.passed);
    assert!(looped.message.unwrap().contains("time limit"));
    // Declaration order, whatever order the threads finished in.
    let ids: Vec<_> = report.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["ok", "err", "assert", "todo", "loop"]);
    let junit = std::fs::read_to_string(dir.path().join("demo.junit.xml")).unwrap();
    assert_eq!(junit.matches("<failure").count(), 4);
}

#[test]
fn listing_checks_writes_no_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(demo_lab())
        .arg("--list")
        .env("NINETY_GRADES_DIR", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("todo"));
    assert!(!dir.path().join("demo.json").exists());
}
