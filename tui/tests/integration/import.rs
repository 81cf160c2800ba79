//! `ninety data import` as a user runs it, and the commands that come after
//! it: odd file names (issue 12, item 7) and an import killed half way
//! (item 8).

use crate::support::{copy_repo, exclusive, ninety, repo_root, summary, text};
use ninety_kit::Corpus;
use ninety_kit::hooks::{PAUSE_ENV, kill_where_paused};
use ninety_kit::records::Summary;
use std::path::Path;
use std::process::{Command, Output};

fn message(subject: &str) -> Vec<u8> {
    format!(
        "From a@example.com  Thu Aug 22 12:36:23 2002\nFrom: a@example.com\nSubject: {subject}\nDate: Thu, 22 Aug 2002 07:36:16 -0400\n\nThe body of {subject}, long enough to read.\n"
    )
    .into_bytes()
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// `ninety ARGS` in the repository, with the data directory `home`.
fn ninety_in(home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ninety"));
    cmd.args(args)
        .current_dir(repo_root())
        .env("NINETY_HOME", home)
        .env_remove(PAUSE_ENV)
        .env("NO_COLOR", "1");
    cmd
}

fn import_json(home: &Path, src: &Path) -> (Output, serde_json::Value) {
    let out = ninety_in(
        home,
        &[
            "data",
            "import",
            src.to_str().unwrap(),
            "--name",
            "mine",
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let report = serde_json::from_slice(&out.stdout).unwrap();
    (out, report)
}

#[test]
fn a_name_with_a_tab_or_a_newline_is_left_out_and_later_commands_work() {
    // Issue 12, item 7: such a name went into manifest.tsv unescaped, the
    // import said it succeeded, and every later command on the corpus failed.
    let _serial = exclusive();
    let copy = copy_repo();
    let src = copy.path().join("my-mail");
    write(&src, "spam/00001.a", &message("fine"));
    write(&src, "spam/with\nnewline", &message("newline"));
    write(&src, "spam/with\ttab", &message("tab"));
    let out = ninety(
        copy.path(),
        &["data", "import", src.to_str().unwrap(), "--name", "odd"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("1 message(s) imported") && said.contains("2 left out"),
        "{said}"
    );
    assert!(
        said.contains("left out spam/with\ttab: its name holds a tab"),
        "{said}"
    );
    // The manifest reads back, and the next commands work on the corpus.
    let out = ninety(copy.path(), &["data", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let odd = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "odd")
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(odd["messages"], 1, "{odd}");
    let out = ninety(copy.path(), &["run", "gather", "--corpus", "odd", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let Summary::Gather(gather) = summary(&out) else {
        panic!("not a gather summary: {}", text(&out))
    };
    assert_eq!((gather.report.imported, gather.report.clean), (1, 1));
}

/// Starts `ninety data import` and kills it (SIGKILL) where it pauses.
fn import_killed_at(home: &Path, src: &Path, point: &str) {
    let mut import = ninety_in(
        home,
        &["data", "import", src.to_str().unwrap(), "--name", "mine"],
    );
    if let Err(why) = kill_where_paused(&mut import, point) {
        panic!("the import: {why}");
    }
}

#[test]
fn an_import_killed_while_replacing_messages_leaves_a_readable_corpus_and_is_taken_up() {
    // Issue 12, item 8: a re-import killed after it replaced a message left
    // the manifest naming the old bytes, and the corpus unreadable.
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let src = dir.path().join("mail");
    for n in 1..=6 {
        write(
            &src,
            &format!("spam/0000{n}.m"),
            &message(&format!("first {n}")),
        );
    }
    let (_, report) = import_json(&home, &src);
    assert_eq!(report["imported"], 6);

    // Two messages change, two are new; the import is killed after writing
    // the second changed one.
    write(&src, "spam/00002.m", &message("second 2"));
    write(&src, "spam/00004.m", &message("second 4"));
    write(&src, "spam/00007.m", &message("new 7"));
    write(&src, "spam/00008.m", &message("new 8"));
    import_killed_at(&home, &src, "import-message:2");

    let root = home.join("corpora/mine");
    let corpus = Corpus::open("mine", &root).unwrap();
    for message in corpus.messages() {
        message.unwrap_or_else(|e| panic!("the corpus does not read after the kill: {e}"));
    }
    assert!(root.join(ninety_kit::import::JOURNAL_FILE).exists());

    // The next import takes up what the killed one wrote and adds the rest.
    // (The first changed message is in the manifest already: taking the
    // second one's old row out wrote it there. The second comes from the
    // journal.)
    let (out, report) = import_json(&home, &src);
    assert_eq!(
        (
            &report["resumed"],
            &report["imported"],
            &report["unchanged"],
            &report["total"]
        ),
        (
            &serde_json::json!(1),
            &serde_json::json!(2),
            &serde_json::json!(6),
            &serde_json::json!(8)
        ),
        "{}",
        text(&out)
    );
    assert!(!root.join(ninety_kit::import::JOURNAL_FILE).exists());
    let corpus = Corpus::open("mine", &root).unwrap();
    let changed = corpus
        .entries
        .iter()
        .find(|e| e.path == "spam/00004.m")
        .unwrap();
    assert_eq!(corpus.read(changed).unwrap().bytes, message("second 4"));
    assert!(corpus.messages().all(|m| m.is_ok()));
    let names: Vec<String> = std::fs::read_dir(root.join("spam"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "temporary files left: {names:?}");
}
