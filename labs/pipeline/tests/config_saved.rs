//! Every run saves its whole settings tree as `config.json`, which reads
//! back as the train lab's `TrainConfig`: the recipe to train it again.

use burn::config::Config;
use lab_train::config::{ModelConfig, TrainConfig};
use ninety_kit::Event;
use ninety_kit::records::Summary;
use std::process::Command;

#[test]
fn a_run_saves_the_config_it_trained_with() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ninety-pipeline"))
        .args(["train", "--model", "logreg", "--epochs", "2", "--seed", "3"])
        .arg("--root")
        .arg(&root)
        .env("NINETY_HOME", home.path())
        .output()
        .unwrap();
    let events: Vec<Event> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(Event::from_line)
        .collect();
    let run = events
        .iter()
        .find_map(|e| match e {
            Event::Summary { data } => match &**data {
                Summary::Train(run) => Some(run.clone()),
                _ => None,
            },
            _ => None,
        })
        .unwrap_or_else(|| panic!("no train summary: {events:?}"));
    let folder = run.artifact.expect("the summary names the run's folder");
    let config = TrainConfig::load(folder.join("config.json")).unwrap();
    assert!(matches!(config.model, ModelConfig::LogReg(_)));
    assert_eq!((config.fit.epochs, config.seed), (2, 3));
    // The flattened parameters in run.json say the same.
    assert_eq!(run.params["fit.epochs"], "2");
    assert_eq!(run.params, config.params());
    // Every epoch was reported as an event, as the workbench draws them.
    let epochs = events
        .iter()
        .filter(|e| matches!(e, Event::Epoch { .. }))
        .count();
    assert_eq!(epochs, run.epochs.len());
}

#[test]
fn a_setting_out_of_range_is_refused_by_name_before_training() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let home = tempfile::tempdir().unwrap();
    for (flag, value, setting) in [
        ("--batch-size", "0", "fit.batch_size"),
        ("--learning-rate", "NaN", "fit.learning_rate"),
        ("--dim", "0", "model.dim"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_ninety-pipeline"))
            .args(["train", flag, value])
            .arg("--root")
            .arg(&root)
            .env("NINETY_HOME", home.path())
            .output()
            .unwrap();
        // Refused where it enters, by the flag's own range (the kit's
        // settings): a usage error, before any stage starts.
        assert_eq!(out.status.code(), Some(2));
        let error = String::from_utf8_lossy(&out.stderr);
        assert!(
            error.contains(&format!("setting `{setting}` = "))
                && error.contains("expected a value"),
            "{flag} {value}: {error}"
        );
    }
    assert!(
        !home.path().join("artifacts/runs").exists(),
        "no run was started"
    );
}
