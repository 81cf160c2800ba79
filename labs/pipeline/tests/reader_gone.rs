//! A stage whose reader has gone (the workbench left its screen, or quit)
//! stops at its next event instead of working on for nobody.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_stage_whose_stdout_is_closed_stops() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ninety-pipeline"))
        .args(["gather", "--corpus", "mini", "--root"])
        .arg(&root)
        .env("NINETY_HOME", home.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The reader goes away before reading a single line.
    drop(child.stdout.take());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the stage went on without a reader"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(
        status.code(),
        Some(i32::from(ninety_kit::events::EXIT_READER_GONE)),
        "{status}"
    );
    // It stopped before its work: no gather output was written.
    assert!(!home.path().join("artifacts/gather/mini").exists());
}
