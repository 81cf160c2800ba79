//! The gather stage's artifact, run as the real pipeline binary: what a
//! damaged message becomes in it (issue 12, items 5 and 6), and what a
//! `kill -9` in the middle of saving it leaves (item 8).

use ninety_kit::DataHome;
use ninety_kit::artifact::ArtifactStore;
use ninety_kit::clean::{Gathered, clean_path, gather_dir, read_gathered, read_report};
use ninety_kit::corpus::{Entry, Group, MANIFEST_FILE, write_manifest};
use ninety_kit::hash::sha256_hex;
use ninety_kit::hooks::{PAUSE_ENV, kill_where_paused};
use ninety_kit::mail::Repair;
use ninety_kit::records::gather::{Reason, Status};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

fn repo_root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Writes a corpus named `name` into the data directory at `home`: each
/// message as `(path, bytes)`, filed by its folder.
fn corpus(home: &Path, name: &str, messages: &[(&str, Vec<u8>)]) {
    let root = home.join("corpora").join(name);
    let mut entries = Vec::new();
    for (path, bytes) in messages {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, bytes).unwrap();
        let group = if path.starts_with("spam") {
            Group::Spam
        } else {
            Group::EasyHam
        };
        entries.push(Entry {
            path: (*path).to_owned(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
            group,
            period: 1,
            label: group.label(),
            md5: None,
        });
    }
    let mut manifest = Vec::new();
    write_manifest(&mut manifest, &entries, false).unwrap();
    std::fs::write(root.join(MANIFEST_FILE), manifest).unwrap();
}

fn gather(home: &Path, corpus: &str) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_ninety-pipeline"))
        .args(["gather", "--corpus", corpus, "--root"])
        .arg(repo_root())
        .env("NINETY_HOME", home)
        .env_remove(PAUSE_ENV)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A message from its lines.
fn message(lines: &[&str]) -> Vec<u8> {
    let mut out = lines.join("\n").into_bytes();
    out.push(b'\n');
    out
}

/// One message of each kind of damage that used to put raw MIME (or
/// nothing) into the clean text, and two whose part charset matters.
fn damaged() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "spam/00001.header-break",
            message(&[
                "From: deals@example.com",
                "Subject: rates",
                "Date: Tue, 5 Feb 2002 01:26:18 +0000",
                "Content-Type: text/html",
                "<html><body><p>Lowest rates ever, refinance today</p>",
                "<p>No cost, no obligation</p></body></html>",
            ]),
        ),
        (
            "spam/00002.phantom-boundary",
            message(&[
                "From: deals@example.com",
                "Subject: watches",
                "Content-Type: multipart/alternative; boundary=\"hyldpc_135c15a2a271\"",
                "",
                "This is a multi-part message in MIME format.",
                "",
                "--hyldpc_135c15Q2a271",
                "Content-Type: text/plain; charset=\"windows-1252\"",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                "Designer watches at a fraction of the price =3D real savings",
                "--hyldpc_135c15Q2a271",
                "Content-Type: text/html; charset=\"windows-1252\"",
                "Content-Transfer-Encoding: base64",
                "",
                "PHA+RGVzaWduZXIgd2F0Y2hlczwvcD4=",
                "--hyldpc_135c15Q2a271--",
            ]),
        ),
        (
            "spam/00003.undeclared",
            message(&[
                "From: editor@example.com",
                "Subject: Your Membership Exchange",
                "MIME-Version: 1.0",
                "",
                "--646007810.993513231406.JavaMail",
                "Content-Type: text/plain; charset=iso-8859-1",
                "",
                "Your place to exchange ideas and ask questions",
                "--646007810.993513231406.JavaMail",
                "Content-Type: text/html; charset=iso-8859-1",
                "",
                "<p>Your place to exchange ideas</p>",
                "--646007810.993513231406.JavaMail--",
            ]),
        ),
        (
            "spam/00004.lost-boundary",
            message(&[
                "From: deals@example.com",
                "Subject: pills",
                "Content-Type: multipart/alternative; boundary=\"XYZ\"",
                "",
                "Content-Type: text/plain",
                "Content-Transfer-Encoding: base64",
                "",
                "Q2hlYXAgcGlsbHMsIG5vIHByZXNjcmlwdGlvbiBuZWVkZWQ=",
            ]),
        ),
        (
            "easy_ham/00001.part-charset",
            [
                &message(&[
                    "From: ana@example.org",
                    "Subject: dinner",
                    "Content-Type: multipart/alternative; boundary=\"b\"",
                    "",
                    "--b",
                    "Content-Type: text/plain; charset=windows-1252",
                    "Content-Transfer-Encoding: 8bit",
                    "",
                ])[..],
                b"See you at the caf\xe9 at eight\n--b--\n",
            ]
            .concat(),
        ),
        (
            "easy_ham/00002.decode-problem",
            [
                &message(&[
                    "From: ana@example.org",
                    "Subject: notes",
                    "Content-Type: text/plain; charset=utf-8",
                    "Content-Transfer-Encoding: 8bit",
                    "",
                ])[..],
                b"The notes from the caf\xe9 meeting are attached, all twelve pages of them\n",
            ]
            .concat(),
        ),
    ]
}

fn by_path(home: &DataHome, corpus: &str) -> BTreeMap<String, Gathered> {
    let dir = gather_dir(home, corpus);
    let mut all = BTreeMap::new();
    for file in ["clean.jsonl", "duplicates.jsonl", "quarantine.jsonl"] {
        for g in read_gathered(&dir.join(file)).unwrap() {
            all.insert(g.path.clone(), g);
        }
    }
    all
}

#[test]
fn damaged_mime_is_mended_or_set_aside_never_learned_as_text() {
    // Issue 12, item 5: raw MIME (part headers, delimiters, `=3D`, base64)
    // entered clean.jsonl as the "text" of spam, and a body with no blank
    // line before it was lost.
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), "damaged", &damaged());
    gather(dir.path(), "damaged");
    let home = DataHome::at(dir.path());
    let all = by_path(&home, "damaged");
    let clean: Vec<&Gathered> = all.values().filter(|g| g.status == Status::Clean).collect();
    assert_eq!(clean.len(), 5, "{all:#?}");
    for g in &clean {
        let body = g.body.as_deref().unwrap();
        for raw in [
            "Content-Type",
            "Content-Transfer-Encoding",
            "=3D",
            "--hyldpc",
            "--6460",
        ] {
            assert!(!body.contains(raw), "{}: {raw} in {body:?}", g.path);
        }
    }
    let g = &all["spam/00001.header-break"];
    assert_eq!(g.repairs, [Repair::HeaderBreak]);
    assert!(
        g.body.as_deref().unwrap().starts_with("Lowest rates ever"),
        "{g:?}"
    );
    let g = &all["spam/00002.phantom-boundary"];
    assert_eq!(g.repairs, [Repair::Boundary]);
    assert_eq!(
        g.body.as_deref(),
        Some("Designer watches at a fraction of the price = real savings")
    );
    let g = &all["spam/00003.undeclared"];
    assert_eq!(g.repairs, [Repair::UndeclaredMultipart]);
    assert_eq!(
        g.body.as_deref(),
        Some("Your place to exchange ideas and ask questions")
    );
    let g = &all["spam/00004.lost-boundary"];
    assert_eq!(g.status, Status::Quarantined(Reason::LostBoundary));
    assert!(g.body.is_none());

    let report = read_report(&gather_dir(&home, "damaged")).unwrap();
    let counts = |pairs: &[(&str, usize)]| -> BTreeMap<String, usize> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    };
    assert_eq!(
        report.repaired,
        counts(&[
            ("boundary", 1),
            ("header_break", 1),
            ("undeclared_multipart", 1)
        ])
    );
    assert_eq!(report.quarantined, counts(&[("lost_boundary", 1)]));
    assert_eq!(
        report.imported,
        report.clean + report.duplicates + report.quarantined_total()
    );
}

#[test]
fn the_kept_part_s_charset_and_decode_problem_reach_the_record() {
    // Issue 12, item 6: the chosen part's charset and its decode-problem
    // flag were dropped before the artifact.
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), "damaged", &damaged());
    gather(dir.path(), "damaged");
    let all = by_path(&DataHome::at(dir.path()), "damaged");
    let g = &all["easy_ham/00001.part-charset"];
    assert_eq!(g.charset, None, "no top-level charset");
    assert_eq!(g.body_charset.as_deref(), Some("windows-1252"));
    assert!(!g.decode_problem);
    assert!(g.body.as_deref().unwrap().contains("café"));
    let g = &all["easy_ham/00002.decode-problem"];
    assert_eq!(g.status, Status::Clean);
    assert_eq!(g.body_charset.as_deref(), Some("utf-8"));
    assert!(g.decode_problem, "{g:?}");
    let g = &all["spam/00002.phantom-boundary"];
    assert_eq!(g.body_charset.as_deref(), Some("windows-1252"));
    // And the flags read back from the file as they were written.
    let line = std::fs::read_to_string(clean_path(&DataHome::at(dir.path()), "damaged")).unwrap();
    assert!(line.contains("\"decode_problem\":true"), "{line}");
}

#[test]
fn the_mini_corpus_s_damage_is_mended_and_counted() {
    let home = tempfile::tempdir().unwrap();
    gather(home.path(), "mini");
    let home = DataHome::at(home.path());
    let report = read_report(&gather_dir(&home, "mini")).unwrap();
    // The card's 4 messages with no blank line after the header and 3 whose
    // declared boundary never appears.
    let expected: BTreeMap<String, usize> =
        [("boundary".to_owned(), 3), ("header_break".to_owned(), 4)].into();
    assert_eq!(report.repaired, expected);
    for g in read_gathered(&clean_path(&home, "mini")).unwrap() {
        let body = g.body.unwrap();
        assert!(!body.contains("Content-Type:"), "{}: {body}", g.path);
    }
}

/// Runs the gather stage on `corpus` until it pauses at `point`, then kills
/// it with SIGKILL.
fn gather_killed_at(home: &Path, corpus: &str, point: &str) {
    let mut gather = Command::new(env!("CARGO_BIN_EXE_ninety-pipeline"));
    gather
        .args(["gather", "--corpus", corpus, "--root"])
        .arg(repo_root())
        .env("NINETY_HOME", home);
    if let Err(why) = kill_where_paused(&mut gather, point) {
        panic!("the gather stage: {why}");
    }
}

/// The names in a folder that are temporary files or folders.
fn temps(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

#[test]
fn a_save_killed_between_files_leaves_the_last_artifact_whole() {
    // Issue 12, item 8: kill -9 during a save left a new clean.jsonl beside
    // the old manifest.json, and temporary files nobody removed.
    let dir = tempfile::tempdir().unwrap();
    let messages = damaged();
    corpus(dir.path(), "small", &messages[..5]);
    gather(dir.path(), "small");
    let home = DataHome::at(dir.path());
    let store = ArtifactStore::new(home.artifacts());
    let before = store.load("gather", "small").unwrap();
    let clean_before = read_gathered(&clean_path(&home, "small")).unwrap();

    // The corpus grows by a message, and the next save is killed after its
    // second file; then another after its generation is in place but
    // before the pointer moved to it.
    corpus(dir.path(), "small", &messages);
    let artifact = store.dir("gather", "small");
    let unchanged = |point: &str| {
        let after = store.load("gather", "small").unwrap();
        assert_eq!(after, before, "killed at {point}: the manifest changed");
        assert_eq!(
            read_gathered(&clean_path(&home, "small")).unwrap(),
            clean_before,
            "killed at {point}: the clean data changed"
        );
        assert!(read_report(&gather_dir(&home, "small")).is_ok());
    };
    gather_killed_at(dir.path(), "small", "artifact-file:2");
    unchanged("artifact-file:2");
    assert_eq!(
        temps(&artifact).len(),
        1,
        "the killed save's folder is left"
    );
    gather_killed_at(dir.path(), "small", "artifact-commit");
    unchanged("artifact-commit");
    assert_eq!(
        temps(&artifact),
        Vec::<String>::new(),
        "cleared at its start"
    );
    assert!(
        artifact.join("g000002").is_dir(),
        "the generation never pointed to"
    );

    // The next start clears what the kills left, and saves whole.
    gather(dir.path(), "small");
    assert_eq!(temps(&artifact), Vec::<String>::new());
    let mut names: Vec<String> = std::fs::read_dir(&artifact)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // The one the kills left current, and the new one; not the orphan.
    assert_eq!(names, ["CURRENT", "g000001", "g000003"]);
    let report = read_report(&gather_dir(&home, "small")).unwrap();
    assert_eq!(report.imported, 6);
    assert_eq!(store.load("gather", "small").unwrap().files.len(), 4);
}
