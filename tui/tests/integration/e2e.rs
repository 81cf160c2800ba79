//! The workbench in a real terminal: tmux runs it, keys go in with
//! `send-keys`, and the screen comes back with `capture-pane`.

use crate::support::{copy_repo, exclusive, shared_target};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn capture(session: &str) -> String {
    tmux(&["capture-pane", "-p", "-t", session])
}

fn wait_for(session: &str, needle: &str, limit: Duration) -> String {
    let start = Instant::now();
    loop {
        let screen = capture(session);
        if screen.contains(needle) {
            return screen;
        }
        assert!(
            start.elapsed() < limit,
            "`{needle}` did not appear within {limit:?}; the screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

#[test]
fn the_workbench_grades_the_frame_lab_in_a_real_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required in CI (.ci/run installs it)"
        );
        eprintln!("skipping: tmux is not installed");
        return;
    }
    let _serial = exclusive();
    let copy = copy_repo();
    let session = Session(format!("ninety-e2e-{}", std::process::id()));
    let home = copy.path().join(".ninety-test");
    let shell = format!(
        "cd {} && NINETY_HOME={} CARGO_TARGET_DIR={} {}; sleep 30",
        copy.path().display(),
        home.display(),
        shared_target().display(),
        env!("CARGO_BIN_EXE_ninety")
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session.0,
        "-x",
        "80",
        "-y",
        "24",
        &shell,
    ]);
    let map = wait_for(&session.0, "Course map", Duration::from_secs(20));
    assert!(
        map.contains("frame") && map.contains("not started"),
        "{map}"
    );
    assert!(map.contains("corpus: mini"), "{map}");

    tmux(&["send-keys", "-t", &session.0, "?"]);
    wait_for(
        &session.0,
        "Any key closes this help",
        Duration::from_secs(5),
    );
    tmux(&["send-keys", "-t", &session.0, "Escape"]);

    tmux(&["send-keys", "-t", &session.0, "Enter"]);
    wait_for(&session.0, "Instructions", Duration::from_secs(5));
    tmux(&["send-keys", "-t", &session.0, "g"]);
    let graded = wait_for(&session.0, "all checks pass", Duration::from_secs(300));
    assert!(graded.contains("✓ spec.parses"), "{graded}");

    // Watch mode: saving a lab file grades again, and a compile error is
    // shown in the output pane while the workbench keeps running.
    tmux(&["send-keys", "-t", &session.0, "w"]);
    wait_for(&session.0, "watching", Duration::from_secs(5));
    let latency = copy.path().join("labs/frame/src/latency.rs");
    let good = std::fs::read_to_string(&latency).unwrap();
    std::fs::write(&latency, format!("{good}\nfn broken( {{\n")).unwrap();
    let broken = wait_for(&session.0, "Build failed", Duration::from_secs(120));
    assert!(broken.contains("error"), "{broken}");
    std::fs::write(&latency, &good).unwrap();
    wait_for(&session.0, "all checks pass", Duration::from_secs(120));
    tmux(&["send-keys", "-t", &session.0, "w"]);
    wait_for(&session.0, "Watch mode off", Duration::from_secs(5));

    // Resizing keeps it drawing.
    tmux(&["resize-window", "-t", &session.0, "-x", "120", "-y", "40"]);
    wait_for(&session.0, "Checks", Duration::from_secs(5));

    tmux(&["send-keys", "-t", &session.0, "Escape"]);
    wait_for(&session.0, "passed", Duration::from_secs(5));
    tmux(&["send-keys", "-t", &session.0, "q"]);
    // The progress was saved where NINETY_HOME points.
    let start = Instant::now();
    let state = home.join("state.json");
    while !std::fs::read_to_string(&state).is_ok_and(|s| s.contains("passed")) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "state not saved at {}",
            state.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(Path::new(&state).exists());
}
