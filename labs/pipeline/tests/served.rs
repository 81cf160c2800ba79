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

    let mut child = Command::new(env!("CARGO_BIN_EXE_ninety-pipeline"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root())
        .env("NINETY_HOME", home.path())
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
