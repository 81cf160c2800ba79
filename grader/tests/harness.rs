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
    assert!(stdout.contains("demo: 2/22 points"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "Points 2/22"), "{stdout}");

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
    assert_eq!(
        by_id("eq").message.as_deref(),
        Some(r#"for the text "a b": expected ["a", "b"], got ["a b"]"#)
    );
    let looped = by_id("loop");
    assert!(looped.timed_out && !looped.passed);
    assert!(looped.message.unwrap().contains("time limit"));

    // What ends a process fails that check alone, and says what happened.
    let said = |id: &str| {
        let check = by_id(id);
        assert!(!check.passed && !check.timed_out, "{id}: {check:?}");
        check.message.unwrap()
    };
    let overflow = said("overflow");
    assert!(overflow.contains("overflowed its stack"), "{overflow}");
    let oom = said("oom");
    assert!(
        oom.contains("ran out of memory") && oom.contains("256 MiB"),
        "{oom}"
    );
    let exit = said("exit");
    assert!(
        exit.contains("exit code 0") && exit.contains("std::process::exit"),
        "{exit}"
    );
    let abort = said("abort");
    assert!(abort.contains("SIGABRT"), "{abort}");
    // Output past a screenful is dropped and counted; the failure still shows.
    let noisy = said("noisy");
    assert!(noisy.contains("noisy and wrong"), "{noisy}");
    assert!(noisy.contains("line 0 of a check"), "{noisy}");
    assert!(noisy.contains("more lines"), "{noisy}");
    assert!(noisy.len() < 16 * 1024, "{}", noisy.len());
    // A check cannot print its way to a pass.
    let forged = said("forged");
    assert!(forged.contains("forged a pass"), "{forged}");

    // Declaration order, whatever order the processes finished in.
    let ids: Vec<_> = report.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ok", "err", "assert", "eq", "todo", "loop", "overflow", "oom", "exit", "abort",
            "noisy", "forged"
        ]
    );
    let junit = std::fs::read_to_string(dir.path().join("demo.junit.xml")).unwrap();
    assert_eq!(junit.matches("<failure").count(), 11);
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
