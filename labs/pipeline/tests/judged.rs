//! Every run judges its model against the logistic regression on the same
//! test messages, counts test twins in training, and saves each validation
//! and test message's probabilities; `--keep-duplicates` runs the leakage
//! experiment, and says so.

use ninety_kit::Event;
use ninety_kit::records::Summary;
use ninety_kit::records::train::TrainRun;
use std::path::Path;
use std::process::Command;

fn train(home: &Path, extra: &[&str]) -> TrainRun {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_ninety-pipeline"))
        .args(["train", "--epochs", "3"])
        .args(extra)
        .arg("--root")
        .arg(&root)
        .env("NINETY_HOME", home)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(Event::from_line)
        .find_map(|e| match e {
            Event::Summary { data } => match *data {
                Summary::Train(run) => Some(run),
                _ => None,
            },
            _ => None,
        })
        .unwrap_or_else(|| panic!("no train summary: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_run_is_judged_against_the_baseline_and_its_predictions_saved() {
    let home = tempfile::tempdir().unwrap();
    let run = train(home.path(), &[]);
    assert_eq!(run.twins_across, Some(0), "the default split does not leak");
    let c = run
        .comparison
        .as_ref()
        .expect("a fastText run is compared with logreg");
    let logreg = run.baselines.logreg.as_ref().unwrap();
    assert!(
        (c.gap - (run.metrics.f1_or_zero() - logreg.f1_or_zero())).abs() < 1e-9,
        "the gap is the two test F1s apart: {c:?}"
    );
    assert!(c.low <= c.high && c.draws == 1000, "{c:?}");
    assert!((0.0..=1.0).contains(&c.p_value), "{c:?}");
    assert!(
        ["fasttext better", "logreg better", "no clear difference"].contains(&c.verdict.as_str()),
        "{c:?}"
    );
    // One line per validation and test example, in that order.
    let folder = run.artifact.unwrap();
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(folder.join("predictions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), run.sizes.valid + run.sizes.test);
    let parts: Vec<&str> = lines.iter().map(|l| l["part"].as_str().unwrap()).collect();
    assert!(parts[..run.sizes.valid].iter().all(|p| *p == "valid"));
    assert!(parts[run.sizes.valid..].iter().all(|p| *p == "test"));
    for l in &lines {
        let p = l["model"].as_f64().unwrap();
        let b = l["logreg"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p) && (0.0..=1.0).contains(&b), "{l}");
    }
    // The test lines give back the run's own test figures.
    let caught = lines
        .iter()
        .filter(|l| l["part"] == "test" && l["spam"] == true && l["model"].as_f64().unwrap() >= 0.5)
        .count() as u64;
    assert_eq!(caught, run.metrics.confusion.spam_caught);
}

#[test]
fn keeping_duplicates_leaks_and_the_run_says_how_much() {
    let home = tempfile::tempdir().unwrap();
    let leaky = train(home.path(), &["--keep-duplicates"]);
    let clean = train(home.path(), &[]);
    assert!(
        leaky.twins_across.is_some_and(|n| n > 0),
        "the mini corpus's copies come back and some land across the split: {:?}",
        leaky.twins_across
    );
    assert!(
        leaky.sizes.test > clean.sizes.test,
        "the copies are in the split"
    );
    assert_eq!(leaky.params["split.keep_duplicates"], "true");
    assert_eq!(clean.params["split.keep_duplicates"], "false");
}
