//! The CI workflows a cohort release puts in each learner workspace.
//!
//! On every push, GitHub Actions (`.github/workflows/ninety-grade.yml`) and
//! GitLab CI (`.gitlab-ci.yml`) grade each lab's visible checks, one job per
//! lab, and keep as artifacts the JUnit XML and the JSON grade report the
//! harness writes, the `Points X/Y` line and the whole log. A cohort too
//! large for one machine can be graded this way, on the learners' runners;
//! the hidden checks still need `ninety cohort grade`.

use ninety_kit::Stage;

/// Where the GitHub Actions workflow goes, relative to the workspace root.
pub const GITHUB_PATH: &str = ".github/workflows/ninety-grade.yml";
/// Where the GitLab CI configuration goes, relative to the workspace root.
pub const GITLAB_PATH: &str = ".gitlab-ci.yml";

fn lab_list(labs: &[Stage]) -> String {
    labs.iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The GitHub Actions workflow grading `labs`.
pub fn github_actions(labs: &[Stage]) -> String {
    format!(
        r#"# Written by `ninety cohort release`: grades each lab's visible checks on
# every push and keeps the grades (JSON, JUnit XML, the Points line) as artifacts.
name: ninety-grade
on:
  push:
  pull_request:
  workflow_dispatch:
jobs:
  grade:
    name: grade ${{{{ matrix.lab }}}}
    runs-on: ubuntu-latest
    timeout-minutes: 60
    strategy:
      fail-fast: false
      matrix:
        lab: [{labs}]
    env:
      CARGO_TERM_COLOR: never
      NINETY_GRADES_DIR: ${{{{ github.workspace }}}}/grades
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache@v4
        with:
          path: |
            ~/.cargo/registry
            ~/.cargo/git
            target
          key: cargo-${{{{ runner.os }}}}-${{{{ hashFiles('Cargo.lock') }}}}
      - name: Grade ${{{{ matrix.lab }}}}
        shell: bash
        run: |
          mkdir -p grades
          status=0
          cargo test -p "lab-${{{{ matrix.lab }}}}" --test grade -- --color never 2>&1 | tee "grades/${{{{ matrix.lab }}}}.log" || status=$?
          grep -E '^Points [0-9]+/[0-9]+$' "grades/${{{{ matrix.lab }}}}.log" | tail -n 1 > "grades/${{{{ matrix.lab }}}}.points.txt" || true
          cat "grades/${{{{ matrix.lab }}}}.points.txt"
          exit "$status"
      - name: Keep the grades
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: grades-${{{{ matrix.lab }}}}
          path: grades/
          if-no-files-found: warn
"#,
        labs = lab_list(labs)
    )
}

/// The GitLab CI configuration grading `labs`.
pub fn gitlab_ci(labs: &[Stage]) -> String {
    format!(
        r#"# Written by `ninety cohort release`: grades each lab's visible checks on
# every push and keeps the grades (JSON, JUnit XML, the Points line) as artifacts.
stages:
  - grade

grade:
  stage: grade
  image: rust:1
  timeout: 1h
  parallel:
    matrix:
      - LAB: [{labs}]
  variables:
    CARGO_HOME: "$CI_PROJECT_DIR/.cargo-home"
    CARGO_TERM_COLOR: never
    NINETY_GRADES_DIR: "$CI_PROJECT_DIR/grades"
  cache:
    key:
      files:
        - Cargo.lock
    paths:
      - .cargo-home/registry/
      - target/
  script:
    - mkdir -p grades
    - status=0; cargo test -p "lab-$LAB" --test grade -- --color never > "grades/$LAB.log" 2>&1 || status=$?; cat "grades/$LAB.log"
    - grep -E '^Points [0-9]+/[0-9]+$' "grades/$LAB.log" | tail -n 1 > "grades/$LAB.points.txt" || true
    - cat "grades/$LAB.points.txt"
    - exit "$status"
  artifacts:
    when: always
    name: "grades-$LAB"
    expire_in: 30 days
    paths:
      - grades/
    reports:
      junit: grades/*.junit.xml
"#,
        labs = lab_list(labs)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use yaml_rust2::{Yaml, YamlLoader};

    fn parse(text: &str) -> Yaml {
        let mut docs = YamlLoader::load_from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(docs.len(), 1, "one document");
        docs.remove(0)
    }

    fn key<'a>(yaml: &'a Yaml, k: &str) -> &'a Yaml {
        let v = &yaml[k];
        assert!(!v.is_badvalue(), "no `{k}` in {yaml:?}");
        v
    }

    const LABS: [Stage; 2] = [Stage::Frame, Stage::Gather];

    #[test]
    fn the_github_workflow_is_valid_yaml_with_the_keys_actions_needs() {
        let doc = parse(&github_actions(&LABS));
        assert!(
            doc["on"]["push"].is_null(),
            "runs on every push: {:?}",
            doc["on"]
        );
        let jobs = key(&doc, "jobs").as_hash().expect("jobs is a mapping");
        assert!(!jobs.is_empty());
        for (_, job) in jobs {
            assert_eq!(key(job, "runs-on").as_str(), Some("ubuntu-latest"));
            let matrix: Vec<&str> = job["strategy"]["matrix"]["lab"]
                .as_vec()
                .unwrap()
                .iter()
                .filter_map(Yaml::as_str)
                .collect();
            assert_eq!(matrix, ["frame", "gather"]);
            let steps = key(job, "steps").as_vec().expect("steps is a list");
            for step in steps {
                assert!(
                    step["uses"].as_str().is_some() || step["run"].as_str().is_some(),
                    "each step uses an action or runs a script: {step:?}"
                );
            }
            let run = steps.iter().find_map(|s| s["run"].as_str()).unwrap();
            assert!(
                run.contains("cargo test -p \"lab-${{ matrix.lab }}\" --test grade"),
                "{run}"
            );
            assert!(run.contains("Points"), "{run}");
            let upload = steps
                .iter()
                .find(|s| {
                    s["uses"]
                        .as_str()
                        .is_some_and(|u| u.starts_with("actions/upload-artifact"))
                })
                .unwrap();
            assert_eq!(upload["if"].as_str(), Some("always()"));
            assert_eq!(upload["with"]["path"].as_str(), Some("grades/"));
        }
    }

    #[test]
    fn the_gitlab_configuration_is_valid_yaml_with_the_keys_gitlab_needs() {
        let doc = parse(&gitlab_ci(&LABS));
        let stages: Vec<&str> = key(&doc, "stages")
            .as_vec()
            .unwrap()
            .iter()
            .filter_map(Yaml::as_str)
            .collect();
        assert_eq!(stages, ["grade"]);
        let job = key(&doc, "grade");
        assert!(stages.contains(&key(job, "stage").as_str().unwrap()));
        let script: Vec<&str> = key(job, "script")
            .as_vec()
            .unwrap()
            .iter()
            .map(|l| l.as_str().expect("script lines are strings"))
            .collect();
        assert!(
            script
                .iter()
                .any(|l| l.contains("cargo test -p \"lab-$LAB\" --test grade")),
            "{script:?}"
        );
        assert!(script.iter().any(|l| l.contains("Points")), "{script:?}");
        let labs: Vec<&str> = job["parallel"]["matrix"][0]["LAB"]
            .as_vec()
            .unwrap()
            .iter()
            .filter_map(Yaml::as_str)
            .collect();
        assert_eq!(labs, ["frame", "gather"]);
        let artifacts = key(job, "artifacts");
        assert_eq!(artifacts["when"].as_str(), Some("always"));
        assert_eq!(artifacts["paths"][0].as_str(), Some("grades/"));
        assert_eq!(
            artifacts["reports"]["junit"].as_str(),
            Some("grades/*.junit.xml")
        );
    }
}
