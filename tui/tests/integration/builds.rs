//! One build of the dependencies serves every command a learner runs.
//!
//! `cargo run` (the workbench), `cargo test -p lab-<name>` (a grade) and
//! `cargo build -p ninety-pipeline` (a stage) each select part of the
//! workspace, and cargo unifies the features of a dependency over what is
//! selected only. Where two selections enable different features of the
//! same crate, cargo builds it twice, with everything above it: minutes of
//! waiting the first time a learner grades. The `workspace-hack` crate that
//! every member depends on (made by `cargo hakari`) asks for the union; this
//! test proves, with `cargo tree`, that every selection gets the same
//! features as the whole workspace's build.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Each package's feature sets in a selection, as `cargo tree` resolves them.
fn features(args: &[&str], with_dev: bool) -> BTreeMap<String, BTreeSet<String>> {
    let root = crate::support::repo_root();
    let edges = if with_dev {
        "normal,build,dev"
    } else {
        "normal,build"
    };
    let out = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "tree", "--locked", "--prefix", "none", "-f", "{p}|{f}", "-e", edges,
        ])
        .args(args)
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((package, features)) = line.split_once('|') else {
            continue;
        };
        // `serde v1.0.0 (*)`: name and version; a path dependency's path is dropped.
        let package: Vec<&str> = package.split_whitespace().take(2).collect();
        // Our own crates differ by design (which are selected).
        if package[0].starts_with("lab-") || package[0].starts_with("ninety") {
            continue;
        }
        let features = features.trim().trim_end_matches("(*)").trim();
        map.entry(package.join(" "))
            .or_default()
            .insert(features.to_owned());
    }
    map
}

#[test]
fn every_command_builds_the_dependencies_with_the_features_of_the_whole_workspace() {
    let whole = features(&["--workspace"], true);
    let selections: [(&str, &[&str], bool); 9] = [
        ("cargo run (the workbench)", &["-p", "ninety"], false),
        ("a stage (the pipeline)", &["-p", "ninety-pipeline"], false),
        ("grading frame", &["-p", "lab-frame"], true),
        ("grading gather", &["-p", "lab-gather"], true),
        ("grading label", &["-p", "lab-label"], true),
        ("grading train", &["-p", "lab-train"], true),
        ("grading evaluate", &["-p", "lab-evaluate"], true),
        ("grading deploy", &["-p", "lab-deploy"], true),
        ("grading monitor", &["-p", "lab-monitor"], true),
    ];
    let mut problems = Vec::new();
    for (what, args, with_dev) in selections {
        for (package, sets) in features(args, with_dev) {
            let Some(everywhere) = whole.get(&package) else {
                continue;
            };
            if !sets.is_subset(everywhere) {
                problems.push(format!(
                    "{what}: {package} with {sets:?}, the workspace with {everywhere:?}"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "these dependencies would be built again with other features (run `cargo hakari generate`):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_workbench_s_background_build_compiles_what_every_lab_s_first_grade_needs() {
    let root = crate::support::repo_root();
    let ws =
        ninety::workspace::Workspace::discover(None, &root).expect("the repository is a workspace");
    let command = ninety::pipeline::checks_build_command(&ws);
    let args: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    assert_eq!(args[..2], ["test", "--no-run"], "{args:?}");
    // Every lab of the course, by the package a grade tests.
    let packages: Vec<&str> = args
        .windows(2)
        .filter(|w| w[0] == "-p")
        .map(|w| w[1].as_str())
        .collect();
    let labs: Vec<String> = ws
        .course
        .labs()
        .map(|l| format!("lab-{}", l.stage))
        .collect();
    assert_eq!(packages, labs);
    assert!(labs.len() >= 4, "{labs:?}");
    // Built together, they get the features each grade on its own gets, so
    // the build serves each first grade.
    let selection: Vec<&str> = packages.iter().flat_map(|p| ["-p", p]).collect();
    let together = features(&selection, true);
    for lab in &labs {
        let alone = features(&["-p", lab], true);
        for (package, sets) in &alone {
            assert_eq!(
                Some(sets),
                together.get(package),
                "{lab} alone builds {package} with other features than the background build"
            );
        }
    }
}
