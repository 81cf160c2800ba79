//! The command line, run as a learner or an instructor would run it.

use crate::support::{copy_repo, copy_repo_to_edit, exclusive, ninety, summary, text};
use ninety_kit::labels::Choice;
use ninety_kit::records::Summary;
use ninety_kit::records::train::TrainRun;
use ninety_kit::{ModelKind, SplitKind};
use std::path::Path;

#[test]
fn help_fits_on_one_screen_for_every_command() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let commands: &[&[&str]] = &[
        &["--help"],
        &["init", "--help"],
        &["grade", "--help"],
        &["hint", "--help"],
        &["lab", "--help"],
        &["lab", "list", "--help"],
        &["lab", "check", "--help"],
        &["book", "--help"],
        &["book", "build", "--help"],
        &["book", "serve", "--help"],
        &["book", "figures", "--help"],
        &["run", "--help"],
        &["run", "frame", "--help"],
        &["run", "gather", "--help"],
        &["run", "label-queue", "--help"],
        &["run", "label", "--help"],
        &["run", "train", "--help"],
        &["data", "--help"],
        &["data", "list", "--help"],
        &["data", "import", "--help"],
        &["data", "fetch", "--help"],
        &["label", "--help"],
        &["labels", "--help"],
        &["labels", "stats", "--help"],
        &["labels", "export", "--help"],
        &["labels", "import", "--help"],
        &["runs", "--help"],
        &["run", "evaluate", "--help"],
        &["run", "serve", "--help"],
        &["models", "--help"],
    ];
    for args in commands {
        let out = ninety(dir, args);
        let help = text(&out);
        assert!(out.status.success(), "{args:?}: {help}");
        let lines = help.lines().count();
        assert!(
            lines <= 40,
            "`ninety {}` prints {lines} lines; keep help to one screen",
            args.join(" ")
        );
        assert!(help.contains("Usage:"), "{help}");
    }
}

#[test]
fn lab_list_and_data_list_describe_the_workspace() {
    let root = crate::support::repo_root();
    let out = ninety(&root, &["lab", "list"]);
    let listing = text(&out);
    assert!(out.status.success(), "{listing}");
    assert!(
        listing.contains("frame") && listing.contains("gather") && listing.contains("not written"),
        "{listing}"
    );

    let out = ninety(&root, &["data", "list", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let corpora: Vec<ninety_kit::corpus::CorpusInfo> = serde_json::from_slice(&out.stdout).unwrap();
    let mini = &corpora[0];
    assert_eq!(mini.name, "mini");
    assert!(mini.messages.unwrap() >= 200, "{mini:?}");
    assert!(
        corpora[1]
            .how_to_get
            .as_deref()
            .unwrap()
            .contains("npm pack")
    );
}

#[test]
fn outside_a_workspace_the_error_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = ninety(dir.path(), &["lab", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let msg = text(&out);
    assert!(
        msg.contains("no Ninety workspace here") && msg.contains("ninety init"),
        "{msg}"
    );
}

#[test]
fn a_corrupt_state_file_does_not_stop_the_cli() {
    let _serial = exclusive();
    let copy = copy_repo();
    let home = copy.path().join(".ninety-test");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("state.json"), b"\x00\x01 not json").unwrap();
    let out = ninety(copy.path(), &["lab", "list"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("not started"));
}

#[test]
fn init_writes_a_learner_workspace_that_fails_with_hints() {
    let _serial = exclusive();
    let copy = copy_repo();
    let learner = copy.path().join("learner");
    let out = ninety(copy.path(), &["init", learner.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));

    let lib = std::fs::read_to_string(learner.join("labs/frame/src/metrics.rs")).unwrap();
    assert!(
        lib.contains("todo!(\"divide the ham sent to spam by all the ham"),
        "{lib}"
    );
    assert!(!lib.contains("BEGIN SOLUTION"));
    let tests = std::fs::read_to_string(learner.join("labs/frame/tests/grade.rs")).unwrap();
    assert!(!tests.contains("hidden."), "hidden checks must be removed");
    let spec = std::fs::read_to_string(learner.join("labs/frame/spec.toml")).unwrap();
    assert!(
        spec.contains("# TODO:") && !spec.contains("false_positive = 60"),
        "{spec}"
    );
    let manifest = std::fs::read_to_string(learner.join("ninety-release.toml")).unwrap();
    assert!(
        manifest.contains("\"labs/frame/tests/grade.rs\" = \""),
        "{manifest}"
    );
    assert!(!learner.join(".ci").exists());
    // The reference gather output: the course's solution run on the mini
    // corpus, so the later stages work before the gather lab is written.
    let store = ninety_kit::artifact::ArtifactStore::new(learner.join(".ninety/artifacts"));
    let gathered = store
        .current("gather", "mini")
        .unwrap()
        .expect("init writes the reference gather output");
    assert!(ninety_kit::clean::is_reference(&gathered));
    let clean = ninety_kit::clean::read_gathered(&gathered.join("clean.jsonl")).unwrap();
    assert!(clean.len() > 200, "{} clean messages", clean.len());
    assert!(
        text(&out).contains("reference gather output"),
        "{}",
        text(&out)
    );
    // And a reference training run on it, marked as such.
    let (runs, problems) = ninety_kit::records::train::load_runs(&ninety_kit::home::DataHome::at(
        learner.join(".ninety"),
    ));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(runs.len(), 1, "one reference run");
    assert!(
        runs[0].is_reference() && runs[0].corpus == "mini",
        "{:?}",
        runs[0].artifact
    );
    assert!(
        runs[0].metrics.spam_f1.is_some_and(|f1| f1 > 0.8),
        "{:?}",
        runs[0].metrics
    );
    let readme = std::fs::read_to_string(learner.join("README.md")).unwrap();
    assert!(
        !readme.contains("instructor's copy") && !readme.contains("-- init"),
        "the learner's README is written for learners: {readme}"
    );
    let tag = std::process::Command::new("git")
        .args(["tag", "--list"])
        .current_dir(&learner)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&tag.stdout).trim(), "starter");

    // Grading the starter fails every check and shows the hints.
    let out = ninety(&learner, &["grade", "frame"]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("frame: 0/"), "{report}");
    // The first hint tier only: the idea, and the way to the next.
    assert!(report.contains("hint: The spec is the framing"), "{report}");
    assert!(
        !report.contains("fill in every TODO in labs/frame/spec.toml"),
        "{report}"
    );
    assert!(
        report.contains("ninety hint frame spec.parses --tier 2"),
        "{report}"
    );
    assert!(report.contains("todo!()"), "{report}");
    let out = ninety(&learner, &["hint", "frame", "spec.parses", "--tier", "3"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("code: fill in every TODO in labs/frame/spec.toml"),
        "{}",
        text(&out)
    );
    let out = ninety(&learner, &["hint", "frame", "no.such.check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("its checks are: spec.parses"),
        "{}",
        text(&out)
    );

    // `lab check` refuses to run in a learner workspace.
    let out = ninety(&learner, &["lab", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("learner workspace"));

    // Init never writes into a folder that has files.
    let out = ninety(copy.path(), &["init", learner.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("not empty"));
}

#[test]
fn grade_passes_on_the_solution_and_records_progress() {
    let _serial = exclusive();
    let copy = copy_repo();
    let out = ninety(copy.path(), &["grade", "frame"]);
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    assert!(report.contains("✓ spec.parses"), "{report}");
    let list = text(&ninety(copy.path(), &["lab", "list"]));
    assert!(list.contains("passed"), "{list}");
}

#[test]
fn grade_survives_learner_code_that_ends_the_process() {
    let _serial = exclusive();
    let copy = copy_repo_to_edit();
    let metrics = copy.path().join("labs/frame/src/metrics.rs");
    let original = std::fs::read_to_string(&metrics).unwrap();
    // One method ends the process, another recurses until the stack runs out.
    let broken = original
        .replacen(
            "        ratio(self.ham_flagged, self.ham())",
            "        std::process::exit(0)",
            1,
        )
        .replacen(
            "        ratio(self.spam_caught, self.spam())",
            "        self.spam_recall().map(|r| r + 1.0)",
            1,
        );
    assert_ne!(broken, original);
    std::fs::write(&metrics, broken).unwrap();

    let out = ninety(copy.path(), &["grade", "frame", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let reports: Vec<ninety_grader::GradeReport> =
        serde_json::from_slice(&out.stdout).expect("one report per lab, the crash included");
    let report = &reports[0];
    let check = |id: &str| {
        report
            .checks
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no `{id}` in {report:?}"))
    };
    let rates = check("metrics.rates");
    assert!(!rates.passed);
    let message = rates.message.as_deref().unwrap_or_default();
    assert!(
        message.contains("exit code 0") || message.contains("overflowed its stack"),
        "{message}"
    );
    // The checks that never reach the broken methods are still graded.
    assert!(check("spec.parses").passed, "{report:?}");
    assert!(check("metrics.confusion_counts").passed, "{report:?}");
    assert!(report.points > 0, "{report:?}");
}

#[test]
fn lab_check_proves_the_lab_and_catches_a_check_that_passes_on_the_starter() {
    let _serial = exclusive();
    let copy = copy_repo_to_edit();
    let scratch = crate::support::target_for(copy.path()).join("labcheck");
    let scratch = scratch.to_str().unwrap();
    let out = ninety(
        copy.path(),
        &["lab", "check", "frame", "--scratch", scratch],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("✓ frame: starter 0/"), "{}", text(&out));

    // A check that does not depend on the learner's work must be caught.
    let grade = copy.path().join("labs/frame/tests/grade.rs");
    let original = std::fs::read_to_string(&grade).unwrap();
    let weakened = original.replace(
        "fn confusion_counts() -> Result<(), String> {",
        "fn confusion_counts() -> Result<(), String> {\n    if true {\n        return Ok(());\n    }",
    );
    assert_ne!(weakened, original);
    std::fs::write(&grade, weakened).unwrap();
    let out = ninety(
        copy.path(),
        &["lab", "check", "frame", "--scratch", scratch],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("`metrics.confusion_counts` passes on the unsolved starter"),
        "{}",
        text(&out)
    );
}

#[test]
fn malformed_markers_are_reported_with_file_and_line() {
    let _serial = exclusive();
    let copy = copy_repo_to_edit();
    let path = copy.path().join("labs/frame/src/latency.rs");
    let text_before = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text_before.replacen("    // END SOLUTION\n", "", 1)).unwrap();
    let out = ninety(
        copy.path(),
        &["init", copy.path().join("learner").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let msg = text(&out);
    assert!(
        msg.contains("labs/frame/src/latency.rs:") && msg.contains("never closed"),
        "{msg}"
    );
    assert!(
        !copy.path().join("learner").exists(),
        "nothing is written when markers are bad"
    );

    let out = ninety(copy.path(), &["lab", "check", "frame"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(text(&out).contains("never closed"), "{}", text(&out));
}

#[test]
fn run_frame_reports_json_and_names_a_bad_spec_field() {
    let _serial = exclusive();
    let copy = copy_repo();
    let out = ninety(copy.path(), &["run", "frame", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let Summary::Frame(frame) = summary(&out) else {
        panic!("not a frame summary: {}", text(&out))
    };
    assert_eq!(
        frame.metrics.confusion.total(),
        frame.corpus.messages as u64,
        "every message counted once"
    );
    assert_eq!(
        frame.constraint.accepted,
        frame.constraint.verdict.accepts()
    );
    assert!(frame.seconds > 0.0);
    let manifest: ninety_kit::artifact::Manifest =
        serde_json::from_slice(&std::fs::read(&frame.artifact).unwrap()).unwrap();
    assert_eq!(manifest.inputs.len(), 2);

    // The gather stage accounts for every message.
    let out = ninety(copy.path(), &["run", "gather", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let Summary::Gather(gather) = summary(&out) else {
        panic!("not a gather summary: {}", text(&out))
    };
    let r = &gather.report;
    assert_eq!(
        r.imported,
        r.clean + r.duplicates + r.quarantined_total(),
        "{r:?}"
    );
    assert!(gather.seconds > 0.0);
    let home = ninety_kit::DataHome::at(copy.path().join(".ninety-test"));
    assert!(ninety_kit::clean::clean_path(&home, "mini").exists());
    assert_eq!(
        gather.artifact.parent(),
        Some(ninety_kit::clean::gather_dir(&home, "mini").as_path())
    );

    // A spec with a cost of the wrong type: the error names the field.
    let spec = copy.path().join("labs/frame/spec.toml");
    let good = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        good.replace("false_negative = 0.25", "false_negative = \"cheap\""),
    )
    .unwrap();
    let out = ninety(copy.path(), &["run", "frame"]);
    assert_ne!(out.status.code(), Some(0));
    let msg = text(&out);
    assert!(
        msg.contains("false_negative") && msg.contains("spec.toml"),
        "{msg}"
    );
    // The earlier artifact is still there, whole.
    let store = ninety_kit::artifact::ArtifactStore::new(home.artifacts());
    assert_eq!(
        store.load("frame", "baseline").unwrap().created_at,
        manifest.created_at
    );
}

#[test]
fn data_import_refuses_what_is_not_a_corpus_archive() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("holiday-photos.zip");
    std::fs::write(&bogus, b"PK\x03\x04").unwrap();
    let out = ninety(
        &crate::support::repo_root(),
        &["data", "import", bogus.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let msg = text(&out);
    assert!(
        msg.contains("holiday-photos.zip") && msg.contains("npm pack"),
        "{msg}"
    );
}

#[test]
fn labels_stats_gives_the_kappa_of_two_logs_and_export_import_round_trips() {
    let _serial = exclusive();
    let copy = copy_repo();
    let labels = copy.path().join(".ninety-test/labels/mini");
    std::fs::create_dir_all(&labels).unwrap();
    // The label lab's fixture: two annotators, kappa 0.4 worked by hand.
    for who in ["ana", "bob"] {
        std::fs::copy(
            copy.path().join(format!("labs/label/fixtures/{who}.jsonl")),
            labels.join(format!("{who}.jsonl")),
        )
        .unwrap();
    }
    // A third annotator who labels ten real messages of the mini corpus as
    // their folders say, and one line that is not a record.
    let manifest = std::fs::read_to_string(copy.path().join("datasets/mini/manifest.tsv")).unwrap();
    let mut carol = String::new();
    for row in manifest.lines().skip(1).step_by(25).take(10) {
        let f: Vec<&str> = row.split('\t').collect();
        carol.push_str(&format!(
            "{{\"item\":\"{}\",\"label\":\"{}\",\"annotator\":\"carol\",\"at\":\"2026-11-22T10:00:00Z\",\"ms\":4000}}\n",
            f[1], f[5]
        ));
    }
    carol.push_str("{\"item\": oops\n");
    std::fs::write(labels.join("carol.jsonl"), carol).unwrap();

    let out = ninety(copy.path(), &["labels", "stats", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let Summary::Label(stats) = summary(&out) else {
        panic!("not a label summary: {}", text(&out))
    };
    let ana = &stats.annotators["ana"];
    assert_eq!(
        ana.decisions, 52,
        "51 labels and a skip; the undo is not a decision"
    );
    assert_eq!(ana.labels, 50);
    assert!(
        ana.kappa_vs_gold.is_none(),
        "the fixture's ids are not in the corpus: no gold"
    );
    let carol = &stats.annotators["carol"];
    assert_eq!((carol.decisions, carol.labels), (10, 10));
    assert_eq!(carol.kappa_vs_gold, Some(1.0), "{carol:?}");
    assert_eq!(
        carol.by_label[&Choice::Spam] + carol.by_label[&Choice::Ham],
        10
    );
    let pair = stats
        .pairs
        .iter()
        .find(|p| p.a == "ana" && p.b == "bob")
        .unwrap();
    assert!(
        (pair.agreement.kappa.unwrap() - 0.4).abs() < 1e-9,
        "{pair:?}"
    );
    assert_eq!(pair.agreement.items, 50);
    assert_eq!(stats.problems.len(), 1, "{:?}", stats.problems);
    assert!(
        stats.problems[0].contains("carol.jsonl line 11"),
        "{:?}",
        stats.problems
    );

    // The human summary says the same.
    let out = ninety(copy.path(), &["labels", "stats"]);
    let human = text(&out);
    assert!(
        human.contains("between ana and bob: κ 0.40 over 50 items"),
        "{human}"
    );

    // Export for Prodigy, import into a fresh data folder.
    let exported = copy.path().join("prodigy.jsonl");
    let out = ninety(
        copy.path(),
        &[
            "labels",
            "export",
            "--format",
            "prodigy",
            "--out",
            exported.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    std::fs::remove_dir_all(&labels).unwrap();
    // The fixture's ids (`m01`...) are not messages of the mini corpus: the
    // whole file is refused, those lines named, nothing written.
    let import = |extra: &[&str]| {
        let mut args = vec!["labels", "import", exported.to_str().unwrap()];
        args.extend_from_slice(extra);
        ninety(copy.path(), &args)
    };
    let out = import(&[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("prodigy.jsonl line 1: `meta.id` is `m01`; expected a message id")
            && said.contains("101 line(s) cannot be imported")
            && said.contains("nothing was imported")
            && said.contains("--skip-bad to import the 10 good decision(s)"),
        "{said}"
    );
    assert!(!labels.exists(), "nothing written");
    // Asked to, it imports carol's ten and leaves the rest out.
    let out = import(&["--skip-bad"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("imported 10 decision(s) for carol") && said.contains("left out 101 line(s)"),
        "{said}"
    );
    let out = ninety(copy.path(), &["labels", "stats", "--json"]);
    let Summary::Label(again) = summary(&out) else {
        panic!("not a label summary: {}", text(&out))
    };
    assert_eq!(again.annotators["carol"].kappa_vs_gold, Some(1.0));
    assert!(!again.annotators.contains_key("ana"));
    // The same file again adds nothing.
    let out = import(&["--skip-bad"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("10 decision(s) already in the logs") && said.contains("nothing new"),
        "{said}"
    );

    // Importing what is not labels fails, names the lines, and adds nothing.
    let junk = copy.path().join("junk.jsonl");
    std::fs::write(&junk, "hello\n{\"answer\":\"accept\"}\n").unwrap();
    let out = ninety(copy.path(), &["labels", "import", junk.to_str().unwrap()]);
    assert!(!out.status.success());
    let said = text(&out);
    assert!(
        said.contains("junk.jsonl line 1") && said.contains("junk.jsonl line 2"),
        "{said}"
    );
    let (decisions, _) = ninety_kit::labels::read_all(&labels).unwrap();
    assert_eq!(
        decisions.len(),
        10,
        "nothing added twice or by the failed import"
    );
}

#[test]
fn run_train_records_runs_that_list_compare_and_survive_a_killed_run() {
    let _serial = exclusive();
    let copy = copy_repo();
    let out = ninety(copy.path(), &["run", "train", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let Summary::Train(first) = summary(&out) else {
        panic!("not a train summary: {}", text(&out))
    };
    let logreg_baseline = first.baselines.logreg.as_ref().expect("a logreg baseline");
    for m in [&first.metrics, &first.baselines.keyword, logreg_baseline] {
        assert!(m.spam_f1.is_some() && m.ham_flagged_rate.is_some(), "{m:?}");
        assert_eq!(m.confusion.total() as usize, first.sizes.test);
    }
    assert!(first.seconds > 0.0);
    assert!(!first.epochs.is_empty());
    assert_eq!(first.params["model.fasttext.dim"], "16");
    let run_id = first.run_id.clone();
    let folder = copy
        .path()
        .join(".ninety-test/artifacts/runs")
        .join(&run_id);
    assert!(
        folder.join("run.json").exists()
            && folder.join("model.mpk").exists()
            && folder.join("config.json").exists(),
        "{}",
        folder.display()
    );

    // The same seed, the same figures.
    let out = ninety(copy.path(), &["run", "train", "--json"]);
    let Summary::Train(again) = summary(&out) else {
        panic!("not a train summary: {}", text(&out))
    };
    assert_eq!(again.metrics, first.metrics, "same seed, same metrics");
    let out = ninety(
        copy.path(),
        &[
            "run", "train", "--model", "logreg", "--split", "time", "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let Summary::Train(logreg) = summary(&out) else {
        panic!("not a train summary: {}", text(&out))
    };
    assert_eq!(
        (logreg.model, logreg.split),
        (ModelKind::LogReg, SplitKind::Time)
    );
    assert!(logreg.baselines.logreg.is_none(), "no baseline of itself");

    // A run killed half-way leaves no run behind and the others intact.
    let pipeline = crate::support::target_for(copy.path()).join("debug/ninety-pipeline");
    let home = copy.path().join(".ninety-test");
    let mut child = std::process::Command::new(&pipeline)
        .args(["train", "--root"])
        .arg(copy.path())
        .env("NINETY_HOME", &home)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let runs_dir = home.join("artifacts/runs");
    let start = std::time::Instant::now();
    let partial = || {
        std::fs::read_dir(&runs_dir)
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with(".partial"))
    };
    while !partial() && start.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(partial(), "the run never started its folder");
    child.kill().unwrap();
    child.wait().unwrap();
    let out = ninety(copy.path(), &["runs", "--json"]);
    let runs: Vec<TrainRun> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(runs.len(), 3, "the killed run is not listed");
    assert!(folder.join("model.mpk").exists(), "earlier models intact");

    let out = ninety(copy.path(), &["runs"]);
    let table = text(&out);
    assert!(
        table.contains(&run_id) && table.contains("logreg"),
        "{table}"
    );
    let out = ninety(copy.path(), &["runs", &run_id, &logreg.run_id]);
    let compared = text(&out);
    assert!(out.status.success(), "{compared}");
    assert!(
        compared.contains("*model") && compared.contains("*split"),
        "{compared}"
    );
    let out = ninety(copy.path(), &["runs", "nope", &run_id]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(
        said.contains("no run `nope`; the runs are: ") && said.contains(&run_id),
        "{said}"
    );

    // Evaluating a run registers its model; `ninety models` lists the
    // registry and promotes one to champion.
    let out = ninety(
        copy.path(),
        &["run", "evaluate", "--run", &run_id, "--json"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let Summary::Evaluate(evaluation) = summary(&out) else {
        panic!("not an evaluate summary: {}", text(&out))
    };
    let id = evaluation.model_id.expect("registered");
    let out = ninety(copy.path(), &["models"]);
    let listed = text(&out);
    assert!(
        listed.contains(&id) && listed.contains(&run_id) && listed.contains("No champion yet"),
        "{listed}"
    );
    let out = ninety(copy.path(), &["models", "promote", &id[..6]]);
    assert!(out.status.success(), "{}", text(&out));
    let out = ninety(copy.path(), &["models", "--json"]);
    let models: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(models.len(), 1);
    assert_eq!(models[0]["id"], id.as_str());
    assert_eq!(models[0]["champion"], true, "{models:?}");
    let out = ninety(copy.path(), &["models", "rollback"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "one promotion: nothing to roll back to"
    );
    assert!(text(&out).contains("no earlier champion"), "{}", text(&out));
    let out = ninety(copy.path(), &["models", "promote", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("no registered model's id starts with `nope`"));
}

/// The id of the `n`th message of the mini corpus (its SHA-256, as the
/// manifest lists it) and its label.
fn mini_message(n: usize) -> (String, String) {
    let manifest =
        std::fs::read_to_string(crate::support::repo_root().join("datasets/mini/manifest.tsv"))
            .unwrap();
    let row = manifest.lines().nth(n + 1).unwrap();
    let f: Vec<&str> = row.split('\t').collect();
    (f[1].to_owned(), f[5].to_owned())
}

/// `ninety ARGS` in this repository, with the data directory `home`.
fn ninety_with_home(home: &Path, args: &[&str]) -> std::process::Output {
    crate::support::command(&crate::support::repo_root(), args)
        .env("NINETY_HOME", home)
        .output()
        .unwrap()
}

/// Every file under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    let mut all: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    all.sort();
    all
}

#[test]
fn a_corpus_or_annotator_name_cannot_leave_the_data_directory() {
    // Issue 12, item 10: `labels import --corpus ../../x` wrote outside the
    // data directory and exited 0.
    let scratch = tempfile::tempdir().unwrap();
    let home = scratch.path().join("a/home");
    let (id, label) = mini_message(0);
    let file = scratch.path().join("in.jsonl");
    std::fs::write(
        &file,
        format!("{{\"item\":\"{id}\",\"label\":\"{label}\",\"annotator\":\"ana\",\"at\":\"t\"}}\n"),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    // A name no `--corpus` would accept afterwards.
    let long_name = "x".repeat(65);
    let attempts: &[&[&str]] = &[
        &["labels", "import", file, "--corpus", "../../x"],
        &["labels", "import", file, "--annotator", "../../y"],
        &[
            "labels", "export", "--format", "prodigy", "--corpus", "../x",
        ],
        &["labels", "stats", "--corpus", "/tmp"],
        &["label", "--corpus", "../x"],
        &["label", "--annotator", "../x"],
        &["run", "gather", "--corpus", "../x"],
        &["run", "label-queue", "--annotator", "a/../../b"],
        &["run", "train", "--corpus", ".."],
        &["data", "import", file, "--name", "../../x"],
        &["data", "import", file, "--name", &long_name],
    ];
    for args in attempts {
        let out = ninety_with_home(&home, args);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {said}");
        assert!(
            said.contains("is not usable") && said.contains("letters, digits"),
            "{args:?}: {said}"
        );
    }
    assert_eq!(
        files_under(scratch.path()),
        ["in.jsonl"],
        "nothing was written anywhere"
    );

    // An export cannot be written over a label log (or anything else in
    // the data directory).
    let log = home.join("labels/mini/ana.jsonl");
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    let saved =
        format!("{{\"item\":\"{id}\",\"label\":\"{label}\",\"annotator\":\"ana\",\"at\":\"t\"}}\n");
    std::fs::write(&log, &saved).unwrap();
    let out = ninety_with_home(
        &home,
        &[
            "labels",
            "export",
            "--format",
            "prodigy",
            "--out",
            log.to_str().unwrap(),
        ],
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("inside the data directory"), "{said}");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        saved,
        "the log is intact"
    );
}

#[test]
fn unknown_names_are_errors_that_list_the_known_ones() {
    // Issue 12, item 14: `labels export --corpus nonexistent` exited 0 with nothing.
    let scratch = tempfile::tempdir().unwrap();
    let home = scratch.path().join("home");
    let file = scratch.path().join("in.jsonl");
    std::fs::write(&file, "{}\n").unwrap();
    let file = file.to_str().unwrap();
    let corpus_commands: &[&[&str]] = &[
        &[
            "labels", "export", "--format", "prodigy", "--corpus", "nope",
        ],
        &["labels", "import", file, "--corpus", "nope"],
        &["labels", "stats", "--corpus", "nope"],
        &["label", "--corpus", "nope"],
        &["run", "frame", "--corpus", "nope"],
        &["run", "gather", "--corpus", "nope"],
        &["run", "label-queue", "--corpus", "nope"],
        &["run", "label", "--corpus", "nope"],
        &["run", "train", "--corpus", "nope"],
    ];
    for args in corpus_commands {
        let out = ninety_with_home(&home, args);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {said}");
        assert!(
            said.contains("no corpus named `nope`") && said.contains("mini, spamassassin"),
            "{args:?}: {said}"
        );
        assert!(
            !said.contains("building"),
            "refused before any build: {said}"
        );
    }
    let named: &[(&[&str], &str)] = &[
        (
            &["grade", "nope"],
            "no lab named `nope`; labs: frame, gather",
        ),
        (
            &["lab", "check", "nope"],
            "no lab named `nope`; labs: frame, gather",
        ),
        (
            &["runs", "nope", "nada"],
            "no run `nope`: there are no runs yet",
        ),
        (&["data", "fetch", "nope"], "possible values: spamassassin"),
    ];
    for (args, expected) in named {
        let out = ninety_with_home(&home, args);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {said}");
        assert!(said.contains(expected), "{args:?}: {said}");
    }
    assert!(!home.join("labels").exists(), "no label folder was made");
}

#[test]
fn a_bad_config_file_stops_label_with_the_file_line_and_field() {
    // Issue 12, item 12: `ninety label` used the defaults and saved
    // decisions under the login name instead of the configured annotator.
    let scratch = tempfile::tempdir().unwrap();
    let home = scratch.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let config = home.join("config.toml");
    std::fs::write(&config, "[label]\nannotator = \"ana\"\norder = \"best\"\n").unwrap();
    let (id, label) = mini_message(3);
    let file = scratch.path().join("in.jsonl");
    std::fs::write(
        &file,
        format!(
            "{{\"answer\":\"accept\",\"meta\":{{\"id\":\"{id}\"}},\"label\":\"{}\"}}\n",
            label.to_uppercase()
        ),
    )
    .unwrap();
    for args in [
        &["label"][..],
        &["label", "--annotator", "bob"],
        &["labels", "import", file.to_str().unwrap()],
    ] {
        let out = ninety_with_home(&home, args);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {said}");
        assert!(
            said.contains(&format!(
                "config file `{}` line 3, field `label.order`",
                config.display()
            )) && said.contains("expected one of `random`, `stratified`, `uncertain`"),
            "{args:?}: {said}"
        );
    }
    assert!(
        !home.join("labels").exists(),
        "nothing was labeled or imported"
    );
}

#[test]
fn labels_import_is_all_or_nothing_checked_against_the_corpus_and_idempotent() {
    // Issue 12, item 11: a file with some bad lines appended the good ones;
    // the same file imported twice doubled the decisions; ids not in the
    // corpus and a 10 MB id were counted as labels.
    let scratch = tempfile::tempdir().unwrap();
    let home = scratch.path().join("home");
    let log = home.join("labels/mini/ana.jsonl");
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    let record = |n: usize, who: &str| {
        let (id, label) = mini_message(n);
        format!("{{\"item\":\"{id}\",\"label\":\"{label}\",\"annotator\":\"{who}\",\"at\":\"t\"}}")
    };
    // What the labeling screen saved before: kept byte for byte.
    let saved = format!("{}\n", record(0, "ana"));
    std::fs::write(&log, &saved).unwrap();
    let mut bytes = [record(0, "ana"), record(1, "ana"), record(2, "bob")]
        .join("\n")
        .into_bytes();
    bytes.extend_from_slice(
        format!(
            "\n{{\"item\":\"{}\",\"label\":\"ham\",\"annotator\":\"ana\",\"at\":\"t\"}}\n",
            "0".repeat(64)
        )
        .as_bytes(),
    );
    bytes.extend_from_slice(b"{\"item\":\"caf\xe9\",\"label\":\"ham\"}\n");
    bytes.extend_from_slice(
        format!(
            "{{\"answer\":\"accept\",\"meta\":{{\"id\":\"{}\"}}}}\n",
            "a".repeat(10 << 20)
        )
        .as_bytes(),
    );
    let file = scratch.path().join("in.jsonl");
    std::fs::write(&file, &bytes).unwrap();
    let file = file.to_str().unwrap();

    let out = ninety_with_home(&home, &["labels", "import", file]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    for expected in [
        "in.jsonl line 4: `item` 0000000000000000000000000000000000000000000000000000000000000000 is not a message of the mini corpus",
        "in.jsonl line 5: not UTF-8 text",
        "in.jsonl line 6: `meta.id` is `aaaa",
        "3 line(s) cannot be imported",
        "nothing was imported",
    ] {
        assert!(said.contains(expected), "{expected:?} missing from: {said}");
    }
    assert!(said.len() < 10_000, "the 10 MB id is not printed whole");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        saved,
        "the log is untouched"
    );
    assert_eq!(files_under(&home), ["labels/mini/ana.jsonl"], "no new log");

    let out = ninety_with_home(&home, &["labels", "import", file, "--skip-bad"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("imported 1 decision(s) for ana")
            && said.contains("imported 1 decision(s) for bob")
            && said.contains("1 decision(s) already in the logs")
            && said.contains("left out 3 line(s)"),
        "{said}"
    );
    let after = std::fs::read_to_string(&log).unwrap();
    assert!(after.starts_with(&saved), "appended, never rewritten");
    assert_eq!(after.lines().count(), 2);

    let out = ninety_with_home(&home, &["labels", "import", file, "--skip-bad"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("nothing new to import"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        after,
        "imported twice, added once"
    );
}

#[test]
fn a_training_setting_out_of_range_is_refused_before_anything_runs() {
    // Issue 12, item 13: the flag's range is the config's (the kit's
    // settings), so `run train` refuses before building or recording.
    let scratch = tempfile::tempdir().unwrap();
    let home = scratch.path().join("home");
    for (flag, value, said) in [
        (
            "--epochs",
            "0",
            "setting `fit.epochs` = 0: expected a value from 1 to 1000",
        ),
        ("--batch-size", "0", "setting `fit.batch_size` = 0"),
        (
            "--learning-rate",
            "-1",
            "setting `fit.learning_rate` = -1: expected a value above 0 and at most 1",
        ),
        ("--learning-rate", "1e308", "setting `fit.learning_rate`"),
        ("--dim", "0", "setting `model.dim` = 0"),
        ("--buckets", "0", "setting `model.buckets` = 0"),
    ] {
        let out = ninety_with_home(&home, &["run", "train", flag, value]);
        let text = text(&out);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {text}");
        assert!(
            text.contains(said) && text.contains(flag),
            "{flag} {value}: {text}"
        );
    }
    assert!(!home.exists(), "no run recorded, nothing written");
}
