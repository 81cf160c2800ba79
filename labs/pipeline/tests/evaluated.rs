//! The evaluate stage judges a tracked run by the spec: a threshold chosen
//! on validation, test figures with intervals, the gates, and the files it
//! writes beside the run.

use ninety_kit::Event;
use ninety_kit::records::Summary;
use std::path::Path;
use std::process::{Command, Output};

fn pipeline(home: &Path, args: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    Command::new(env!("CARGO_BIN_EXE_ninety-pipeline"))
        .args(args)
        .arg("--root")
        .arg(&root)
        .env("NINETY_HOME", home)
        .output()
        .unwrap()
}

fn summary(out: &Output) -> Option<Summary> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(Event::from_line)
        .find_map(|e| match e {
            Event::Summary { data } => Some(*data),
            _ => None,
        })
}

#[test]
fn a_run_is_evaluated_against_the_spec_with_intervals_and_gates() {
    let home = tempfile::tempdir().unwrap();
    let trained = pipeline(home.path(), &["train", "--epochs", "3"]);
    let Some(Summary::Train(run)) = summary(&trained) else {
        panic!(
            "no train summary: {}",
            String::from_utf8_lossy(&trained.stderr)
        );
    };
    let out = pipeline(home.path(), &["evaluate"]);
    let Some(Summary::Evaluate(e)) = summary(&out) else {
        panic!(
            "no evaluate summary: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    assert_eq!(e.run_id, run.run_id, "the only run is the one evaluated");
    assert_eq!(e.max_ham_flagged_rate, 0.001, "the spec's constraint");
    let names: Vec<&str> = e.gates.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(&names[..2], ["constraint", "test-set-size"]);
    // The mini corpus's test set is far too small to show 0.1%.
    let size = &e.gates[1];
    assert!(!size.passed && size.evidence.contains("3000"), "{size:?}");
    assert!(!e.ready, "a failed gate means not ready");
    if let (Some(_), Some(test)) = (e.threshold, &e.test) {
        let r = test.ham_flagged;
        assert!(r.low <= r.value && r.value <= r.high, "{r:?}");
        assert_eq!(r.of + test.spam_recall.of, run.sizes.test as u64);
    }
    // Written beside the run, and the record reads back.
    let folder = run.artifact.unwrap();
    let card = std::fs::read_to_string(folder.join("model-card.md")).unwrap();
    assert!(
        card.contains("## Intended use") && card.contains("## The readiness gate"),
        "{card}"
    );
    assert!(
        card.contains(&run.inputs.clean.sha256),
        "the card names the data's version"
    );
    let saved: ninety_kit::records::evaluate::Evaluation =
        serde_json::from_slice(&std::fs::read(folder.join("evaluation.json")).unwrap()).unwrap();
    assert_eq!(saved.gates, e.gates);

    // The second half of the gate: slices, behaviour, calibration.
    for name in ["slices", "behaviour", "calibrated"] {
        assert!(names.contains(&name), "a `{name}` gate: {names:?}");
    }
    assert_eq!(e.test_messages.len(), run.sizes.test, "every test message");
    let dimensions: std::collections::BTreeSet<&str> =
        e.slices.iter().map(|s| s.dimension.as_str()).collect();
    assert_eq!(
        dimensions.into_iter().collect::<Vec<_>>(),
        ["attachments", "charset", "collection", "format", "length"]
    );
    for s in &e.slices {
        // A slice's members are exactly the test messages it counts.
        let ham = s
            .members
            .iter()
            .filter(|&&i| !e.test_messages[i as usize].spam)
            .count();
        assert_eq!(ham as u64, s.ham_flagged.of, "{s:?}");
        assert!(s.ham_flagged.low <= s.ham_flagged.high);
    }
    for dimension in ["format", "length"] {
        let total: usize = e
            .slices
            .iter()
            .filter(|s| s.dimension == dimension)
            .map(|s| s.members.len())
            .sum();
        assert_eq!(
            total, run.sizes.test,
            "each message is in one {dimension} slice"
        );
    }
    let calibration = e.calibration.as_ref().expect("calibration");
    assert_eq!(calibration.before.len(), 10);
    assert_eq!(
        calibration.before.iter().map(|b| b.count).sum::<u64>(),
        run.sizes.test as u64
    );
    assert!((0.0..=1.0).contains(&calibration.ece_before));
    let suites: Vec<&str> = e.behavioural.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        suites,
        [
            "shouting",
            "whitespace",
            "signature",
            "quoted-reply",
            "unsubscribe-footer",
            "payment-link",
            "written-spam",
            "written-ham"
        ]
    );
    // Shouting cannot change a model whose tokens are lowercased.
    assert_eq!(
        e.behavioural[0].passed, e.behavioural[0].total,
        "{:?}",
        e.behavioural[0]
    );
    for section in ["## Calibration", "## Slices", "## Behavioural suites"] {
        assert!(card.contains(section), "the card has `{section}`: {card}");
    }

    // Registered: the registry holds the weights, the settings and the
    // threshold, and evaluating again registers nothing new.
    let id = e.model_id.clone().expect("a model id");
    let registry = ninety_kit::registry::Registry::new(&ninety_kit::DataHome::at(home.path()));
    let model = registry.find(&id).unwrap();
    assert_eq!(model.info.run_id, run.run_id);
    assert_eq!(model.info.threshold, e.threshold);
    for file in [
        "model.mpk",
        "config.json",
        "evaluation.json",
        "model-card.md",
        "model.json",
    ] {
        assert!(model.dir.join(file).is_file(), "{file} registered");
    }
    let again = pipeline(home.path(), &["evaluate"]);
    let Some(Summary::Evaluate(e2)) = summary(&again) else {
        panic!("no second evaluate summary");
    };
    assert_eq!(
        e2.model_id,
        Some(id),
        "the same model, the same content hash"
    );
    assert_eq!(registry.list().unwrap().len(), 1);
}

#[test]
fn a_run_that_cannot_be_evaluated_is_named_with_the_reason() {
    let home = tempfile::tempdir().unwrap();
    let out = pipeline(home.path(), &["evaluate"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stdout);
    assert!(
        err.contains("no run of the mini corpus to evaluate"),
        "{err}"
    );
    let out = pipeline(home.path(), &["evaluate", "--run", "2099"]);
    let err = String::from_utf8_lossy(&out.stdout);
    assert!(
        err.contains("no run of the mini corpus starts with `2099`"),
        "{err}"
    );
    // A damaged predictions file is named with its line.
    let trained = pipeline(home.path(), &["train", "--epochs", "2"]);
    let Some(Summary::Train(run)) = summary(&trained) else {
        panic!("no train summary");
    };
    let path = run.artifact.unwrap().join("predictions.jsonl");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("{\"part\": \"test\", \"spam\": maybe}\n");
    std::fs::write(&path, text).unwrap();
    let out = pipeline(home.path(), &["evaluate", "--run", &run.run_id]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stdout);
    assert!(
        err.contains("predictions.jsonl") && err.contains("line"),
        "{err}"
    );
}
