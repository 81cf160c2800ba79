//! The serve stage on a real socket: a model trained, evaluated and
//! registered, served, called over HTTP, and stopped with SIGTERM, which
//! finishes the requests in flight and flushes the prediction log.

use ninety_kit::Event;
use ninety_kit::records::Summary;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn pipeline(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ninety-pipeline"))
        .args(args)
        .arg("--root")
        .arg(root())
        .env("NINETY_HOME", home)
        .output()
        .unwrap()
}

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn summary(line: &str) -> Option<Summary> {
    match Event::from_line(line) {
        Event::Summary { data } => Some(*data),
        _ => None,
    }
}

/// One HTTP/1.1 request; the status and the body.
fn http(address: &str, method: &str, path: &str, content_type: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text[9..12].parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A server started on a free port, with what it said up to the line
/// that gives its address, and the rest of its output to come.
struct Server {
    child: std::process::Child,
    address: String,
    said: Vec<String>,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

fn serve(home: &Path, args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ninety-pipeline"))
        .args(["serve", "--port", "0"])
        .args(args)
        .arg("--root")
        .arg(root())
        .env("NINETY_HOME", home)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = Vec::new();
    let address = loop {
        let line = lines
            .next()
            .expect("the server said where it listens")
            .unwrap();
        said.push(line.clone());
        if let Event::Log { message, .. } = Event::from_line(&line)
            && let Some(rest) = message.strip_prefix("listening on http://")
        {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    Server {
        child,
        address,
        said,
        lines,
    }
}

#[test]
fn a_registered_model_is_served_called_and_stopped_cleanly() {
    let home = tempfile::tempdir().unwrap();
    assert!(
        pipeline(home.path(), &["train", "--epochs", "2"])
            .status
            .success()
    );
    let evaluated = pipeline(home.path(), &["evaluate"]);
    let id = String::from_utf8_lossy(&evaluated.stdout)
        .lines()
        .find_map(|l| match summary(l) {
            Some(Summary::Evaluate(e)) => e.model_id,
            _ => None,
        })
        .expect("a registered model");

    let Server {
        mut child,
        address,
        said,
        lines,
    } = serve(home.path(), &[]);
    assert!(
        said.iter()
            .any(|l| l.contains("no champion yet") && l.contains(&id)),
        "with no champion, the newest model is served, and it says so: {said:?}"
    );
    assert!(
        address.starts_with("127.0.0.1:"),
        "loopback only by default: {address}"
    );

    let (status, body) = http(&address, "GET", "/readyz", "text/plain", b"");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains(&id) && body.contains("\"ready\":true"),
        "the canary matched: {body}"
    );
    let (status, body) = http(&address, "GET", "/healthz", "text/plain", b"");
    assert_eq!((status, body.trim()), (200, "ok"));
    for i in 0..20 {
        let (status, body) = http(
            &address,
            "POST",
            "/v1/predict",
            "application/json",
            format!(r#"{{"subject": "offer {i}", "body": "claim your free prize now"}}"#)
                .as_bytes(),
        );
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["model_id"], id.as_str());
        let p = v["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{v}");
    }
    // No training/serving skew: the test split, replayed raw through the
    // server, scores exactly as the evaluation scored training's texts.
    let scores = std::fs::read_to_string(
        home.path()
            .join("models")
            .join(&id)
            .join("test-scores.jsonl"),
    )
    .unwrap();
    let mut replayed = 0;
    for line in scores.lines() {
        let offline: serde_json::Value = serde_json::from_str(line).unwrap();
        let path = offline["path"].as_str().unwrap();
        let raw = std::fs::read(root().join("datasets/mini").join(path)).unwrap();
        let (status, body) = http(&address, "POST", "/v1/predict", "message/rfc822", &raw);
        assert_eq!(status, 200, "{path}: {body}");
        let served: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            served["score"].as_f64(),
            offline["score"].as_f64(),
            "{path}: served and offline scores differ"
        );
        replayed += 1;
    }
    assert!(replayed >= 10, "only {replayed} test messages replayed");
    let (status, body) = http(&address, "GET", "/metrics", "text/plain", b"");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains(&format!(
            "ninety_http_requests_total{{route=\"/v1/predict\",status=\"200\"}} {}",
            20 + replayed
        )),
        "{body}"
    );
    let token_file = home.path().join("serve/admin-token");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&token_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the admin token is its owner's only");
    }
    let (status, body) = http(&address, "POST", "/admin/reload", "application/json", b"");
    assert_eq!(status, 401, "no token: {body}");
    let (status, body) = http(
        &address,
        "POST",
        "/v1/predict",
        "application/json",
        b"{nope",
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"code\":\"bad-json\""), "{body}");
    let (status, body) = http(&address, "GET", "/v2/nothing", "text/plain", b"");
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("not-found"), "{body}");

    // SIGTERM: the server finishes, flushes the log and reports.
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "a clean stop: {status:?} {rest:?}");
    let Some(Summary::Serve(s)) = rest.iter().find_map(|l| summary(l)) else {
        panic!("no serve summary: {rest:?}");
    };
    assert_eq!(s.predictions, 20 + replayed);
    assert_eq!(s.model_id.as_deref(), Some(id.as_str()));
    let log = std::fs::read_to_string(home.path().join("serve/predictions.jsonl")).unwrap();
    assert_eq!(
        log.lines().count() as u64,
        20 + replayed,
        "every prediction logged"
    );
    assert!(!token_file.exists(), "the token goes with the server");
}

#[test]
fn a_taken_port_is_refused_with_the_reason() {
    let home = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = pipeline(home.path(), &["serve", "--port", &port]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("registry is empty") && said.contains("another server on that port"),
        "{said}"
    );
}

/// Trains with `args`, evaluates the run, and gives the registered model's id.
fn registered(home: &Path, args: &[&str]) -> String {
    let out = pipeline(home, args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let run = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| match summary(l) {
            Some(Summary::Train(t)) => Some(t.run_id),
            _ => None,
        })
        .expect("a train summary");
    let out = pipeline(home, &["evaluate", "--run", &run]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| match summary(l) {
            Some(Summary::Evaluate(e)) => e.model_id,
            _ => None,
        })
        .expect("a registered model")
}

#[test]
fn promotions_under_load_drop_no_request_and_slow_or_many_clients_are_answered() {
    #[cfg(unix)]
    {
        // 2,000 client sockets in this process too.
        use nix::sys::resource::{Resource, getrlimit, setrlimit};
        let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    }
    let home = tempfile::tempdir().unwrap();
    let a = registered(home.path(), &["train", "--epochs", "2"]);
    let b = registered(home.path(), &["train", "--epochs", "3"]);
    assert_ne!(a, b);
    let Server {
        mut child,
        address,
        lines,
        ..
    } = serve(home.path(), &["--model", &a]);
    // Drain the rest of its output so that it never blocks on a full pipe.
    let drained = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
    let token = std::fs::read_to_string(home.path().join("serve/admin-token")).unwrap();

    // Four clients at full speed while the champion changes ten times.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let address = address.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut answers = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let i = answers.len();
                    answers.push(http(
                        &address,
                        "POST",
                        "/v1/predict",
                        "application/json",
                        format!(r#"{{"body": "client {c} message {i}: claim your prize"}}"#)
                            .as_bytes(),
                    ));
                }
                answers
            })
        })
        .collect();
    for n in 0..10 {
        let to = if n % 2 == 0 { &b } else { &a };
        let mut stream = TcpStream::connect(&address).unwrap();
        let body = format!(r#"{{"model_id": "{to}"}}"#);
        write!(
            stream,
            "POST /admin/promote HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "promote {to}: {answer}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut seen = std::collections::BTreeSet::new();
    let mut under_load = 0;
    for client in clients {
        for (status, body) in client.join().unwrap() {
            assert_eq!(status, 200, "no request dropped during promotions: {body}");
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            let id = v["model_id"].as_str().unwrap().to_owned();
            assert!(id == a || id == b, "answered by one of the two models: {v}");
            seen.insert(id);
            under_load += 1;
        }
    }
    assert!(
        seen.len() == 2,
        "both models answered: {seen:?}, a {a}, b {b}"
    );

    // A slow client: headers, a tenth of its body, then nothing. The
    // request's time limit answers it with a JSON 408.
    let mut slow = TcpStream::connect(&address).unwrap();
    slow.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    write!(
        slow,
        "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"body\": "
    )
    .unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let _ = slow.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 408") && answer.contains("\"code\":\"timeout\""),
        "{answer}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    // 2,000 connections at once, each with a request: every one answered.
    let mut open: Vec<TcpStream> = (0..2000)
        .map(|i| {
            let mut s = TcpStream::connect(&address).unwrap_or_else(|e| panic!("connection {i}: {e}"));
            s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
                .unwrap();
            let body = format!(r#"{{"body": "connection {i}"}}"#);
            write!(
                s,
                "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            s
        })
        .collect();
    let ok = open
        .iter_mut()
        .map(|s| {
            let mut answer = String::new();
            s.read_to_string(&mut answer).is_ok() && answer.starts_with("HTTP/1.1 200")
        })
        .filter(|answered| *answered)
        .count();
    assert_eq!(ok, 2000, "every one of 2,000 connections answered");
    drop(open);

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    let said = drained.join().unwrap();
    let Some(Summary::Serve(s)) = said.iter().find_map(|l| summary(l)) else {
        panic!("no serve summary: {said:?}");
    };
    assert_eq!(s.predictions, under_load + 2000, "{s:?}");
}
