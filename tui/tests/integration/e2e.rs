//! The workbench in a real terminal: tmux runs it, keys go in with
//! `send-keys`, and the screen comes back with `capture-pane`.

use crate::support::{copy_repo, copy_repo_to_edit, exclusive, target_for};
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

fn tmux_missing() -> bool {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required in CI (.ci/run installs it)"
        );
        eprintln!("skipping: tmux is not installed");
        return true;
    }
    false
}

/// Starts `ninety ARGS` in a tmux session of its own in `copy`.
fn start(session: &Session, copy: &Path, home: &Path, args: &str, size: (u16, u16)) {
    let shell = format!(
        "cd {} && NINETY_HOME={} CARGO_TARGET_DIR={} {} {args}; sleep 30",
        copy.display(),
        home.display(),
        target_for(copy).display(),
        env!("CARGO_BIN_EXE_ninety")
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session.0,
        "-x",
        &size.0.to_string(),
        "-y",
        &size.1.to_string(),
        &shell,
    ]);
}

/// The line of the screen that holds `needle`.
fn line_with(screen: &str, needle: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_default()
        .to_owned()
}

fn log_lines(path: &Path) -> Vec<ninety_kit::labels::Decision> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

#[test]
fn labeling_resumes_after_quit_and_loses_nothing_to_sigkill() {
    if tmux_missing() {
        return;
    }
    let _serial = exclusive();
    let copy = copy_repo();
    let home = copy.path().join(".ninety-test");
    let log = home.join("labels/mini/ana.jsonl");
    let args = "label --annotator ana --order stratified";

    let session = Session(format!("ninety-label-{}", std::process::id()));
    start(&session, copy.path(), &home, args, (110, 32));
    // The first start builds the pipeline and runs gather and the queue.
    wait_for(&session.0, "labeled 0 ", Duration::from_secs(600));
    for i in 0..30 {
        let key = if i % 3 == 0 { "s" } else { "h" };
        tmux(&["send-keys", "-t", &session.0, key]);
    }
    wait_for(&session.0, "labeled 30 ", Duration::from_secs(10));
    tmux(&["send-keys", "-t", &session.0, "z"]);
    tmux(&["send-keys", "-t", &session.0, "z"]);
    let undone = wait_for(&session.0, "labeled 28 ", Duration::from_secs(10));
    let subject = line_with(&undone, "Subject");
    assert!(!subject.is_empty(), "{undone}");
    // Leaving shows the agreement view, computed by the label lab's code.
    tmux(&["send-keys", "-t", &session.0, "q"]);
    let agreement = wait_for(&session.0, "ana vs gold", Duration::from_secs(300));
    assert!(agreement.contains("Learning curve"), "{agreement}");
    for key in ["Escape", "q", "q"] {
        tmux(&["send-keys", "-t", &session.0, key]);
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(session);
    let records = log_lines(&log);
    assert_eq!(records.len(), 32, "30 labels and 2 undos");
    let current = ninety_kit::labels::replay(&records);
    assert_eq!(current["ana"].labels.len(), 28);

    // Again: the 28 are there and the queue resumes at the message undone.
    let session = Session(format!("ninety-label2-{}", std::process::id()));
    start(&session, copy.path(), &home, args, (110, 32));
    let resumed = wait_for(&session.0, "labeled 28 ", Duration::from_secs(120));
    assert_eq!(line_with(&resumed, "Subject"), subject, "{resumed}");

    // Five more, then SIGKILL: every decision made is in the log.
    for key in ["h", "s", "u", "h", "n"] {
        tmux(&["send-keys", "-t", &session.0, key]);
    }
    wait_for(&session.0, "labeled 32 ", Duration::from_secs(10));
    let shell = tmux(&["list-panes", "-t", &session.0, "-F", "#{pane_pid}"]);
    let children = Command::new("pgrep")
        .args(["-P", shell.trim()])
        .output()
        .expect("pgrep runs");
    let pid = String::from_utf8_lossy(&children.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    assert!(
        !pid.is_empty(),
        "no workbench process under the pane's shell"
    );
    let killed = Command::new("kill").args(["-9", &pid]).status().unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    let records = log_lines(&log);
    assert_eq!(records.len(), 37, "32 before, then 4 labels and a skip");
    assert_eq!(
        records.last().unwrap().label,
        ninety_kit::labels::Mark::Skip
    );
}

#[test]
fn the_workbench_grades_the_frame_lab_in_a_real_terminal() {
    if tmux_missing() {
        return;
    }
    let _serial = exclusive();
    let copy = copy_repo_to_edit();
    let session = Session(format!("ninety-e2e-{}", std::process::id()));
    let home = copy.path().join(".ninety-test");
    start(&session, copy.path(), &home, "", (80, 24));
    let map = wait_for(&session.0, "Course map", Duration::from_secs(60));
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
    // Any key closes it. Not Escape: tmux holds an Escape a moment to see
    // whether a sequence follows, and one sent just before Enter arrives
    // as Alt-Enter.
    tmux(&["send-keys", "-t", &session.0, "x"]);
    let start = Instant::now();
    while capture(&session.0).contains("Any key closes this help") {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the help stayed open"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    tmux(&["send-keys", "-t", &session.0, "Enter"]);
    wait_for(&session.0, "Instructions", Duration::from_secs(10));
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

/// The cargo, rustc and pipeline processes working for the test copy at
/// `copy` (by their working folder or their arguments), still alive.
fn stage_processes(copy: &Path) -> Vec<String> {
    let target = target_for(copy);
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let dir = entry.path();
        let Ok(cmdline) = std::fs::read(dir.join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|&b| b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let Some(program) = args.first() else {
            continue;
        };
        let name = Path::new(program)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !["cargo", "rustc", "ninety-pipeline"].contains(&name.as_str()) {
            continue;
        }
        // A zombie has ended already.
        let zombie = std::fs::read_to_string(dir.join("stat"))
            .map(|s| {
                s.rsplit_once(')')
                    .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
            })
            .unwrap_or(true);
        let cwd = std::fs::read_link(dir.join("cwd")).unwrap_or_default();
        let ours = cwd.starts_with(copy)
            || args.iter().any(|a| {
                a.contains(&*copy.to_string_lossy()) || a.contains(&*target.to_string_lossy())
            });
        if ours && !zombie {
            found.push(format!("{name} {}", args[1..].join(" ")));
        }
    }
    found
}

/// Waits until no stage or build of `copy` is left, polling often; panics
/// after `limit` naming what is left. Generous: on a loaded machine a
/// killed process group can take seconds to be reaped.
fn wait_until_none_left(what: &str, limit: Duration, copy: &Path) {
    let start = Instant::now();
    loop {
        let left = stage_processes(copy);
        if left.is_empty() {
            return;
        }
        assert!(
            start.elapsed() < limit,
            "{what}: not within {limit:?}; left: {left:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Waits until `check` holds, polling often; panics after `limit`.
fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The runs that finished (a run being written has a dot name).
fn finished_runs(home: &Path) -> usize {
    std::fs::read_dir(home.join("artifacts/runs"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .count()
}

#[test]
fn leaving_a_stage_or_quitting_leaves_no_process_behind() {
    if tmux_missing() {
        return;
    }
    let _serial = exclusive();
    let copy = copy_repo();
    let home = copy.path().join(".ninety-test");
    let keys = |session: &Session, k: &str| {
        tmux(&["send-keys", "-t", &session.0, k]);
    };

    // The workbench builds the pipeline in the background as it opens;
    // quitting during that build ends cargo and every rustc it started.
    let session = Session(format!("ninety-stop-{}", std::process::id()));
    start(&session, copy.path(), &home, "", (100, 30));
    wait_for(&session.0, "Course map", Duration::from_secs(60));
    wait_until("a build for the copy", Duration::from_secs(60), || {
        stage_processes(copy.path())
            .iter()
            .any(|p| p.starts_with("rustc"))
    });
    keys(&session, "q");
    wait_until_none_left(
        "no build left after quitting",
        Duration::from_secs(30),
        copy.path(),
    );
    drop(session);

    // Again, and this time the build finishes; then a training run is
    // started and the view left while it runs.
    let session = Session(format!("ninety-stop2-{}", std::process::id()));
    start(&session, copy.path(), &home, "", (100, 30));
    wait_for(&session.0, "Course map", Duration::from_secs(60));
    wait_until(
        "the background build to finish",
        Duration::from_secs(1200),
        || {
            !capture(&session.0).contains("building the pipeline")
                && stage_processes(copy.path()).is_empty()
        },
    );
    for k in ["j", "j", "j", "Enter"] {
        keys(&session, k);
    }
    wait_for(&session.0, "train ·", Duration::from_secs(10));
    keys(&session, "t");
    wait_for(&session.0, "train › runs", Duration::from_secs(10));
    let running = || {
        stage_processes(copy.path())
            .iter()
            .any(|p| p.starts_with("ninety-pipeline"))
    };
    keys(&session, "t");
    wait_until(
        "the training run to start",
        Duration::from_secs(300),
        running,
    );
    keys(&session, "Left");
    wait_until_none_left(
        "no stage left after leaving the train view",
        Duration::from_secs(30),
        copy.path(),
    );
    assert_eq!(finished_runs(&home), 0, "the run was stopped, not finished");
    wait_for(&session.0, "Leak-free", Duration::from_secs(5));

    // And quitting the workbench during a run.
    keys(&session, "t");
    wait_for(&session.0, "train › runs", Duration::from_secs(10));
    keys(&session, "t");
    wait_until("the second run to start", Duration::from_secs(300), running);
    keys(&session, "C-c");
    wait_until_none_left(
        "no stage left after quitting",
        Duration::from_secs(30),
        copy.path(),
    );
    assert_eq!(finished_runs(&home), 0, "the second run was stopped too");
}

#[test]
fn a_fresh_learner_workspace_explores_labels_and_shows_a_trained_run_with_no_code_written() {
    if tmux_missing() {
        return;
    }
    let _serial = exclusive();
    let copy = copy_repo();
    let learner = copy.path().join("learner");
    let out = crate::support::ninety(
        copy.path(),
        &["init", "--no-git", learner.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", crate::support::text(&out));
    let home = learner.join(".ninety");
    let keys = |session: &Session, ks: &[&str]| {
        for k in ks {
            tmux(&["send-keys", "-t", &session.0, k]);
            std::thread::sleep(Duration::from_millis(400));
        }
    };
    let session = Session(format!("ninety-fresh-{}", std::process::id()));
    start(&session, &learner, &home, "", (100, 30));
    wait_for(&session.0, "Course map", Duration::from_secs(60));

    // The explorer: raw mail and its clean text, from the reference gather
    // output, with the gather lab all todo!()s.
    keys(&session, &["j", "Enter", "e"]);
    let screen = wait_for(&session.0, "Raw ·", Duration::from_secs(30));
    assert!(screen.contains("Clean text"), "{screen}");
    assert!(
        screen.contains("301/301"),
        "every message of the mini corpus: {screen}"
    );
    assert!(
        screen.contains("reading the reference gather output"),
        "it says whose output it shows: {screen}"
    );

    // Labeling: a queue comes up (the label lab's order is not written, so
    // the pipeline falls back and says so), and a decision is saved.
    // (← for back: tmux holds an Escape a moment to see whether a key
    // sequence follows.)
    keys(&session, &["Left", "Left", "j", "Enter", "l"]);
    let screen = wait_for(&session.0, "labeled 0", Duration::from_secs(900));
    assert!(screen.contains("left"), "{screen}");
    keys(&session, &["s"]);
    wait_for(&session.0, "labeled 1", Duration::from_secs(10));
    let logs: Vec<_> = std::fs::read_dir(home.join("labels/mini"))
        .expect("a label log folder")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(logs.len(), 1, "one annotator's log");
    assert_eq!(
        log_lines(&logs[0].path()).len(),
        1,
        "the decision is on disk"
    );

    // The train view: the reference run, its curves and its test figures.
    // Leaving the labeling screen shows how the labels agree (the label
    // lab's agreement is not written, and the view says so).
    keys(&session, &["q"]);
    wait_for(&session.0, "label › agreement", Duration::from_secs(10));
    wait_for(&session.0, "not written yet", Duration::from_secs(120));
    keys(&session, &["Left"]);
    wait_for(&session.0, "Ninety › label ·", Duration::from_secs(10));
    keys(&session, &["Left"]);
    let map = wait_for(&session.0, "Course map", Duration::from_secs(10));
    assert!(line_with(&map, "▸").contains("label"), "{map}");
    keys(&session, &["j", "Enter"]);
    wait_for(&session.0, "Ninety › train ·", Duration::from_secs(10));
    keys(&session, &["t"]);
    let screen = wait_for(
        &session.0,
        "the reference run (ninety init)",
        Duration::from_secs(30),
    );
    assert!(
        screen.contains("ref 2"),
        "the runs table marks it: {screen}"
    );
    assert!(
        screen.contains("fasttext.valid_f1"),
        "its curves are drawn: {screen}"
    );
    assert!(line_with(&screen, "keyword").contains('.'), "{screen}");
}

#[test]
fn the_evaluate_view_judges_a_trained_run_and_moves_its_threshold() {
    if tmux_missing() {
        return;
    }
    let _serial = exclusive();
    let copy = copy_repo();
    let home = copy.path().join(".ninety-test");
    // A run to evaluate, trained with the course's solution.
    let out = crate::support::ninety(copy.path(), &["run", "train", "--epochs", "3"]);
    assert!(out.status.success(), "{}", crate::support::text(&out));
    let session = Session(format!("ninety-evaluate-{}", std::process::id()));
    start(&session, copy.path(), &home, "", (100, 30));
    wait_for(&session.0, "Course map", Duration::from_secs(60));
    let keys = |ks: &[&str]| {
        for k in ks {
            tmux(&["send-keys", "-t", &session.0, k]);
            std::thread::sleep(Duration::from_millis(400));
        }
    };
    keys(&["j", "j", "j", "j", "Enter"]);
    wait_for(&session.0, "Ninety › evaluate ·", Duration::from_secs(10));
    keys(&["v"]);
    let screen = wait_for(&session.0, "(the chosen one)", Duration::from_secs(600));
    assert!(screen.contains("Gates · run"), "{screen}");
    assert!(screen.contains("test-set-size"), "{screen}");
    assert!(
        screen.contains("Spam recall against ham flagged"),
        "{screen}"
    );
    // Down lowers the threshold; c goes back to the chosen one.
    keys(&["Down"]);
    let moved = wait_for(&session.0, "c goes back", Duration::from_secs(5));
    assert!(!moved.contains("(the chosen one)"), "{moved}");
    keys(&["c"]);
    wait_for(&session.0, "(the chosen one)", Duration::from_secs(5));
    // Tab shows the slices, worst first; Enter reads the first slice's
    // messages in the explorer, raw beside clean, and ← comes back to the
    // same judgement without evaluating again.
    keys(&["Tab"]);
    let slices = wait_for(
        &session.0,
        "Slices of the test split",
        Duration::from_secs(5),
    );
    assert!(slices.contains("verdict"), "{slices}");
    assert!(slices.contains("slices gate"), "{slices}");
    keys(&["Enter"]);
    let explorer = wait_for(&session.0, "showing slice ", Duration::from_secs(30));
    assert!(
        line_with(&explorer, "showing slice ").contains("(test split)"),
        "{explorer}"
    );
    wait_for(&session.0, "Raw ·", Duration::from_secs(30));
    keys(&["Left"]);
    let back = wait_for(
        &session.0,
        "Slices of the test split",
        Duration::from_secs(5),
    );
    assert!(!back.contains("Evaluating"), "{back}");
    // The stage wrote its record and the model card beside the run.
    let runs = std::fs::read_dir(home.join("artifacts/runs")).unwrap();
    let folder = runs.filter_map(Result::ok).next().unwrap().path();
    assert!(folder.join("evaluation.json").is_file());
    assert!(folder.join("model-card.md").is_file());
}

#[test]
fn the_deploy_view_serves_the_registered_model_and_leaves_no_server_behind() {
    if tmux_missing() {
        return;
    }
    let _serial = exclusive();
    let copy = copy_repo();
    let home = copy.path().join(".ninety-test");
    // A registered model: a run trained and judged with the course's solution.
    for args in [&["run", "train", "--epochs", "3"][..], &["run", "evaluate"]] {
        let out = crate::support::ninety(copy.path(), args);
        assert!(out.status.success(), "{}", crate::support::text(&out));
    }
    let servers = || {
        stage_processes(copy.path())
            .into_iter()
            .filter(|p| p.starts_with("ninety-pipeline") && p.contains(" serve"))
            .count()
    };
    let session = Session(format!("ninety-deploy-{}", std::process::id()));
    start(&session, copy.path(), &home, "", (100, 30));
    wait_for(&session.0, "Course map", Duration::from_secs(60));
    let keys = |ks: &[&str]| {
        for k in ks {
            tmux(&["send-keys", "-t", &session.0, k]);
            std::thread::sleep(Duration::from_millis(400));
        }
    };
    // The deploy stage's row opens its lab, where `v` opens the view; while
    // the lab is not written, the row opens the view itself.
    let open_the_view = || {
        let start = Instant::now();
        loop {
            let screen = capture(&session.0);
            if screen.contains("deploy › serve") {
                return screen;
            }
            if screen.contains("Ninety › deploy ·") {
                keys(&["v"]);
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the deploy view did not open: {screen}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    keys(&["j", "j", "j", "j", "j", "Enter"]);
    let view = open_the_view();
    assert!(view.contains("○ stopped"), "{view}");
    assert_eq!(servers(), 0, "opening the view starts nothing");

    keys(&["s"]);
    let ready = wait_for(&session.0, "● ready", Duration::from_secs(600));
    assert!(
        line_with(&ready, "address").contains("http://127.0.0.1:"),
        "{ready}"
    );
    // The one registered model, never promoted: the newest is served.
    let models: Vec<String> = std::fs::read_dir(home.join("models"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("model.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(models.len(), 1, "{models:?}");
    assert!(
        line_with(&ready, "model   ").contains(&models[0]),
        "{ready}"
    );
    assert_eq!(
        servers(),
        1,
        "one server: {:?}",
        stage_processes(copy.path())
    );
    // Promoted, it is the champion the server serves.
    keys(&["p"]);
    wait_for(&session.0, "(champion)", Duration::from_secs(30));

    // Leaving the view stops the server.
    keys(&["Left"]);
    wait_until(
        "no server left after leaving the deploy view",
        Duration::from_secs(10),
        || servers() == 0,
    );

    // And quitting the workbench while it serves.
    keys(&["Enter"]);
    open_the_view();
    // (Its background build, resumed when the view was left, gives way;
    // what it left half done may be built again first.)
    keys(&["s"]);
    wait_for(&session.0, "● ready", Duration::from_secs(600));
    assert_eq!(servers(), 1);
    keys(&["C-c"]);
    wait_until(
        "no server left after quitting",
        Duration::from_secs(30),
        || servers() == 0,
    );
    // Nor anything else the workbench started (its background build).
    wait_until_none_left(
        "nothing left after quitting",
        Duration::from_secs(30),
        copy.path(),
    );
}
