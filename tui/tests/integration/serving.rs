//! `ninety serve` and `ninety load` against each other, as a learner runs
//! them: a model trained and registered in a copy of the repository,
//! served on a free port, loaded for two seconds, then stopped with Ctrl-C
//! (SIGINT), which must still print the server's summary.

use crate::support::{command, copy_repo, exclusive, ninety, summary, text};
use ninety::cli::load::LoadReport;
use ninety_kit::records::Summary;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A port nothing listens on (bound, then freed).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server's output, read as it comes: its stderr's lines are also
/// sent on a channel, to wait for one.
struct Output {
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    lines: mpsc::Receiver<String>,
}

impl Output {
    fn of(child: &mut Child) -> Self {
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, lines) = mpsc::channel();
        let mut out = child.stdout.take().unwrap();
        let into = Arc::clone(&stdout);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                into.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let err = child.stderr.take().unwrap();
        let into = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                into.lock().unwrap().push_str(&format!("{line}\n"));
                let _ = tx.send(line);
            }
        });
        Output {
            stdout,
            stderr,
            lines,
        }
    }

    fn text(&self) -> String {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        )
    }
}

/// Waits for `child` to end, at most `limit`; ends it and fails if it
/// does not.
fn wait(child: &mut Child, limit: Duration, output: &Output) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`ninety serve` did not stop within {limit:?}\n{}",
                output.text()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_and_load_help_fit_on_one_screen() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for command in ["serve", "load"] {
        let out = ninety(dir, &[command, "--help"]);
        let help = text(&out);
        assert!(out.status.success(), "{help}");
        assert!(
            help.lines().count() <= 40,
            "`ninety {command} --help`: {help}"
        );
        assert!(help.contains("--json") && help.contains("--url") == (command == "load"));
    }
}

#[test]
#[cfg(unix)]
fn serve_answers_load_and_prints_its_summary_when_stopped_with_ctrl_c() {
    let _serial = exclusive();
    let copy = copy_repo();
    let out = ninety(copy.path(), &["run", "train", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = ninety(copy.path(), &["run", "evaluate", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let Summary::Evaluate(evaluation) = summary(&out) else {
        panic!("not an evaluate summary: {}", text(&out))
    };
    let model = evaluation.model_id.expect("evaluate registers the model");

    // Before any server: an error that names the address and what to run.
    let nobody = format!("http://127.0.0.1:{}", free_port());
    let out = ninety(
        copy.path(),
        &["load", "--url", &nobody, "--duration", "1", "--json"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains(&nobody) && said.contains("`ninety serve`") && !said.contains("panicked"),
        "{said}"
    );

    // The server, on any free port: its address is on stderr.
    let mut server = command(copy.path(), &["serve", "--port", "0", "--model", "latest"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output = Output::of(&mut server);
    let deadline = Instant::now() + Duration::from_secs(300);
    let url = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match output.lines.recv_timeout(left) {
            Ok(line) => {
                if let Some((_, rest)) = line.split_once("listening on ") {
                    break rest.split_whitespace().next().unwrap().to_owned();
                }
            }
            Err(_) => {
                let _ = server.kill();
                panic!(
                    "`ninety serve` never said where it listens\n{}",
                    output.text()
                );
            }
        }
    };
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let out = ninety(
        copy.path(),
        &[
            "load",
            "--url",
            &url,
            "--connections",
            "4",
            "--duration",
            "2",
            "--json",
        ],
    );
    if !out.status.success() {
        let _ = server.kill();
        panic!("{}\n{}", text(&out), output.text());
    }
    let report: LoadReport = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("--json prints one report ({e}): {}", text(&out)));
    assert!(report.requests > 0, "{report:?}");
    assert_eq!(report.errors, 0, "{report:?}");
    assert_eq!(report.ok, report.requests);
    let latency = report.latency_ms.expect("answers have latencies");
    assert!(
        0.0 < latency.p50 && latency.p50 <= latency.p99 && latency.p99 <= latency.max,
        "{latency:?}"
    );
    assert_eq!(report.model_id.as_deref(), Some(model.as_str()));
    assert!(
        report.messages > 100,
        "the mini corpus's clean set: {report:?}"
    );

    // A scenario replayed through the server, then the monitor on its logs:
    // an upstream truncation from request 150, on the mini corpus's test split.
    let scenario = copy.path().join("cut.toml");
    std::fs::write(
        &scenario,
        "name = \"cut\"\nabout = \"bodies cut from 150\"\nmessages = 300\nwindow = 50\n\n\
         [feedback]\nshare = 0.5\ndelay = 20\n\n\
         [incident]\nkind = \"truncated\"\nonset = 150\ndetect_within = 100\n",
    )
    .unwrap();
    let out = ninety(
        copy.path(),
        &[
            "replay",
            scenario.to_str().unwrap(),
            "--url",
            &url,
            "--json",
        ],
    );
    if !out.status.success() {
        let _ = server.kill();
        panic!("{}\n{}", text(&out), output.text());
    }
    let replay: ninety_kit::scenario::ReplayRecord = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("--json prints the record ({e}): {}", text(&out)));
    assert_eq!(
        (replay.sent, replay.answered, replay.injected),
        (300, 300, 150)
    );
    assert_eq!(replay.model_id.as_deref(), Some(model.as_str()));
    // A torn line in the prediction log and feedback for a request nobody
    // made: reported and counted, never fatal.
    let logs = copy.path().join(".ninety-test/serve");
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .open(logs.join("predictions.jsonl"))
        .unwrap();
    std::io::Write::write_all(&mut log, b"{\"request_id\": \"torn\n").unwrap();
    let mut feedback = std::fs::OpenOptions::new()
        .append(true)
        .open(logs.join("feedback.jsonl"))
        .unwrap();
    std::io::Write::write_all(
        &mut feedback,
        b"{\"request_id\":\"r0-000000001\",\"label\":\"spam\",\"time\":\"t\"}\n",
    )
    .unwrap();
    let out = ninety(copy.path(), &["run", "monitor", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let Summary::Monitor(monitor) = summary(&out) else {
        panic!("not a monitor summary: {}", text(&out))
    };
    assert_eq!(monitor.predictions, 300, "the replay's predictions only");
    assert_eq!(monitor.windows.len(), 6);
    assert_eq!(monitor.feedback.unknown, 1, "{:?}", monitor.feedback);
    assert_eq!(monitor.feedback.matched, replay.feedback);
    let torn: Vec<usize> = monitor.bad_lines.iter().map(|b| b.line).collect();
    assert_eq!(torn.len(), 1, "{:?}", monitor.bad_lines);
    assert!(monitor.bad_lines[0].file.ends_with("predictions.jsonl"));
    let d = monitor.detection.expect("judged against the replay");
    assert_eq!(d.onset, Some(150));
    assert!(
        d.delay.is_some_and(|delay| delay < 100),
        "the truncation is seen within two windows: {d:?}\n{:?}",
        monitor.alerts
    );

    // Ctrl-C: the server finishes, reports, and `ninety serve` prints it.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(server.id()).unwrap()),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let status = wait(&mut server, Duration::from_secs(60), &output);
    // The readers have the last of it once the pipes close.
    std::thread::sleep(Duration::from_millis(200));
    let all = output.text();
    assert_eq!(status.code(), Some(0), "{all}");
    let stdout = output.stdout.lock().unwrap().clone();
    assert!(
        stdout.contains(&format!("Served {model} at {url}")),
        "the summary names the model and address: {all}"
    );
    assert!(
        stdout.contains(&format!("{} predictions", report.ok + 300)),
        "the summary counts every prediction the load and the replay got: {all}"
    );
    assert!(
        stdout.contains("req/s") && stdout.contains("ready"),
        "plain status lines when stdout is not a terminal: {all}"
    );
}
