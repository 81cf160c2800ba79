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
