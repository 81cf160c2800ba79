//! `ninety cohort` end to end (issue 17): six learners of the frame lab,
//! each made by editing a released workspace and committing, collected
//! from their git repositories, graded two at a time with the hidden
//! checks, exported, reported on and given feedback.

use crate::support::{copy_repo, edits_target, exclusive, ninety, text};
use std::path::Path;
use std::process::Command;

const DUE: &str = "2026-01-10T00:00:00Z";
const ON_TIME: &str = "2026-01-09T12:00:00Z";
const LATE: &str = "2026-01-12T06:00:00Z";

/// The frame lab's percentile as the instructor wrote it.
const PERCENTILE: &str = "    if samples.is_empty() || !(p > 0.0 && p <= 100.0) {\n        return None;\n    }\n    let mut sorted = samples.to_vec();\n    sorted.sort_by(f64::total_cmp);\n    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;\n    Some(sorted[rank.clamp(1, sorted.len()) - 1])\n";

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Learner",
            "-c",
            "user.email=learner@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out));
}

/// Puts the instructor's files of the frame lab (its solution) into a
/// learner's workspace.
fn solve(instructor: &Path, workspace: &Path) {
    let lab = instructor.join("labs/frame/lab.toml");
    let manifest: toml::Value = toml::from_str(&std::fs::read_to_string(lab).unwrap()).unwrap();
    for file in manifest["files"].as_array().unwrap() {
        let rel = Path::new("labs/frame").join(file.as_str().unwrap());
        std::fs::copy(instructor.join(&rel), workspace.join(&rel)).unwrap();
    }
}

fn edit(workspace: &Path, rel: &str, from: &str, to: &str) {
    let path = workspace.join(rel);
    let before = std::fs::read_to_string(&path).unwrap();
    assert!(before.contains(from), "`{from}` not in {rel}");
    std::fs::write(&path, before.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_cohort_of_six_is_collected_graded_and_exported() {
    let _serial = exclusive();
    let copy = copy_repo();
    let instructor = copy.path();
    let outside = tempfile::tempdir().unwrap();
    let cohort = outside.path().join("spring");
    let cohort_arg = cohort.to_str().unwrap();
    let learners = ["correct", "partly", "broken", "looping", "tamperer", "late"];
    let mut roster = String::from("id,name,email,repository\n");
    for id in learners {
        roster.push_str(&format!(
            "{id},Learner {id},{id}@example.org,workspaces/{id}\n"
        ));
    }
    let roster_path = outside.path().join("roster.csv");
    std::fs::write(&roster_path, roster).unwrap();

    let out = ninety(
        instructor,
        &[
            "cohort",
            "new",
            cohort_arg,
            "--roster",
            roster_path.to_str().unwrap(),
            "--lab",
            "frame",
            "--due",
            DUE,
            "--grace-hours",
            "1",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = ninety(instructor, &["cohort", "release", "--cohort", cohort_arg]);
    assert!(out.status.success(), "{}", text(&out));
    for id in learners {
        let ws = cohort.join("workspaces").join(id);
        assert!(
            ws.join("ninety-release.toml").is_file(),
            "{id}: {}",
            text(&out)
        );
        assert!(ws.join(".github/workflows/ninety-grade.yml").is_file());
        assert!(ws.join(".gitlab-ci.yml").is_file());
    }

    // Each learner edits their released workspace and commits.
    let ws = |id: &str| cohort.join("workspaces").join(id);
    let latency = "labs/frame/src/latency.rs";
    for id in learners {
        solve(instructor, &ws(id));
    }
    edit(
        &ws("partly"),
        latency,
        PERCENTILE,
        "    let _ = (samples, p);\n    None\n",
    );
    edit(
        &ws("broken"),
        latency,
        PERCENTILE,
        "    let rank: u32 = \"no\";\n    None\n",
    );
    edit(
        &ws("looping"),
        latency,
        PERCENTILE,
        "    let _ = (samples, p);\n    loop {}\n",
    );
    edit(
        &ws("tamperer"),
        latency,
        PERCENTILE,
        "    let _ = (samples, p);\n    None\n",
    );
    edit(
        &ws("tamperer"),
        "labs/frame/tests/grade.rs",
        "fn latency_percentile() -> Result<(), String> {\n",
        "fn latency_percentile() -> Result<(), String> {\n    if true {\n        return Ok(());\n    }\n",
    );
    for id in learners {
        let date = if id == "late" { LATE } else { ON_TIME };
        git(&ws(id), &["add", "-A"], date);
        git(&ws(id), &["commit", "-q", "-m", "my frame lab"], date);
    }

    // The tamperer's workspace fails verification against the cohort's checksums.
    let manifest = cohort.join("release.toml");
    let verify = |id: &str| {
        ninety(
            instructor,
            &[
                "cohort",
                "verify",
                ws(id).to_str().unwrap(),
                "--manifest",
                manifest.to_str().unwrap(),
            ],
        )
    };
    let out = verify("tamperer");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("labs/frame/tests/grade.rs: edited"),
        "{}",
        text(&out)
    );
    assert!(verify("correct").status.success());

    let out = ninety(instructor, &["cohort", "collect", "--cohort", cohort_arg]);
    assert!(out.status.success(), "{}", text(&out));

    // The grading trees hold learners' sources: never the pristine build.
    let target = edits_target();
    let out = ninety(
        instructor,
        &[
            "cohort",
            "grade",
            "--cohort",
            cohort_arg,
            "--jobs",
            "2",
            "--time-limit",
            "120",
            "--target-dir",
            target.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("TAMPERING: labs/frame/tests/grade.rs (edited)"),
        "{}",
        text(&out)
    );

    // The gradebook: 32 points in all (29 visible, 3 hidden); percentile is
    // worth 2 visible and 1 hidden.
    let out = ninety(
        instructor,
        &[
            "cohort",
            "gradebook",
            "export",
            "--csv",
            "--cohort",
            cohort_arg,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "learner,name,email,lab,status,points,max_points,days_late,late_penalty,final,tampering,submitted_at,commit,auto_points,rubric_points,ungraded,ci_points,ci_max"
        )
    );
    let rows: Vec<String> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!(
                "{} {} {}/{} late {} -{} ={} [{}] {} checks {} rubric {} ungraded {}",
                f[0], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[13], f[14], f[15]
            )
        })
        .collect();
    // The frame lab's rubric adds 7 points: its auto-checked definitions (1,
    // which every learner's spec.toml earns) and two criteria to score.
    let on_time = "2026-01-09T12:00:00Z";
    assert_eq!(
        rows,
        [
            format!("correct graded 33/39 late 0 -0 =33 [] {on_time} checks 32 rubric 1 ungraded 2"),
            format!("partly graded 30/39 late 0 -0 =30 [] {on_time} checks 29 rubric 1 ungraded 2"),
            format!("broken build_failed 1/39 late 0 -0 =1 [] {on_time} checks 0 rubric 1 ungraded 2"),
            format!("looping graded 30/39 late 0 -0 =30 [] {on_time} checks 29 rubric 1 ungraded 2"),
            format!(
                "tamperer graded 30/39 late 0 -0 =30 [labs/frame/tests/grade.rs (edited)] {on_time} checks 29 rubric 1 ungraded 2"
            ),
            "late graded 33/39 late 3 -9.9 =23.1 [] 2026-01-12T06:00:00Z checks 32 rubric 1 ungraded 2"
                .to_owned(),
        ],
        "{csv}"
    );

    // Per check: the looping learner's percentile ran past its limit; the
    // tamperer's edited check counted for nothing, the hidden one ran.
    let out = ninety(
        instructor,
        &[
            "cohort",
            "gradebook",
            "export",
            "--csv",
            "--checks",
            "--cohort",
            cohort_arg,
        ],
    );
    let checks = String::from_utf8(out.stdout).unwrap();
    assert!(
        checks.contains("\nlooping,frame,latency.percentile,0,2,false,true,false,"),
        "{checks}"
    );
    assert!(
        checks.contains("\ntamperer,frame,latency.percentile,0,2,false,false,false,"),
        "{checks}"
    );
    assert!(
        checks.contains("\ntamperer,frame,hidden.percentile_edges,0,1,false,false,true,"),
        "{checks}"
    );
    assert!(
        checks.contains("\ncorrect,frame,hidden.metrics_edge_cases,2,2,true,false,true,"),
        "{checks}"
    );
    assert!(
        checks.contains(
            "\ncorrect,frame,spec.definitions_written,1,1,true,false,false,\"auto-check: "
        ) && checks.contains("\ncorrect,frame,spec.reasoning,,3,,false,false,,rubric\n"),
        "{checks}"
    );

    let out = ninety(
        instructor,
        &["cohort", "status", "--json", "--cohort", cohort_arg],
    );
    assert!(out.status.success(), "{}", text(&out));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["not_compiling"][0]["learner"], "broken");
    assert!(
        status["not_compiling"][0]["error"]
            .as_str()
            .unwrap()
            .starts_with("error[E0308]"),
        "{status}"
    );
    assert_eq!(status["tampering"][0][0], "tamperer");
    let stuck: Vec<&str> = status["stuck"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["learner"].as_str().unwrap())
        .collect();
    assert_eq!(stuck, ["broken"], "{status}");
    let worst = &status["failing_checks"][0];
    assert!(
        worst["check"] == "latency.percentile" || worst["check"] == "hidden.percentile_edges",
        "{status}"
    );
    assert_eq!(worst["failed"], 3);
    assert_eq!(
        status["rubric_ungraded"][0]["criterion"],
        "spec.awkward_cases"
    );
    assert_eq!(
        status["rubric_ungraded"][0]["learners"]
            .as_array()
            .unwrap()
            .len(),
        6
    );

    let out = ninety(instructor, &["cohort", "feedback", "--cohort", cohort_arg]);
    assert!(out.status.success(), "{}", text(&out));
    let late = std::fs::read_to_string(cohort.join("feedback/late.md")).unwrap();
    assert!(
        late.contains("**Late by 3 days**") && late.contains("9.9 off, 23.1 left"),
        "{late}"
    );
    let tamperer = std::fs::read_to_string(cohort.join("feedback/tamperer.md")).unwrap();
    assert!(
        tamperer.contains("`labs/frame/tests/grade.rs (edited)`"),
        "{tamperer}"
    );
    assert!(
        tamperer.contains("- `latency.percentile` (2 pts)"),
        "{tamperer}"
    );
    let broken = std::fs::read_to_string(cohort.join("feedback/broken.md")).unwrap();
    assert!(
        broken.contains("did not compile") && broken.contains("error[E0308]"),
        "{broken}"
    );

    // Due in January: the solutions go out, marker lines taken out.
    let out = ninety(
        instructor,
        &[
            "cohort",
            "release-solutions",
            "--lab",
            "frame",
            "--cohort",
            cohort_arg,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let solution =
        std::fs::read_to_string(ws("partly").join("solutions/frame/src/latency.rs")).unwrap();
    assert!(
        solution.contains(PERCENTILE) && !solution.contains("BEGIN SOLUTION"),
        "{solution}"
    );
    let out = ninety(instructor, &["cohort", "status", "--cohort", cohort_arg]);
    assert!(
        text(&out).contains("Solutions released:\n  frame"),
        "{}",
        text(&out)
    );

    // The released CI workflows, run here as scripts (the grading step's
    // commands in order, with the variables the CI would set), write the
    // artifacts they keep: GitHub's in a passing workspace, GitLab's in a
    // failing one (its artifacts are kept `when: always`).
    let github = yaml(&ws("correct").join(".github/workflows/ninety-grade.yml"));
    let job = &github["jobs"]["grade"];
    let run = job["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find_map(|step| step["run"].as_str())
        .expect("a step that runs the grading");
    let workspace = ws("correct");
    let grades_dir = job["env"]["NINETY_GRADES_DIR"]
        .as_str()
        .unwrap()
        .replace("${{ github.workspace }}", workspace.to_str().unwrap());
    // GitHub runs a `shell: bash` step as `bash -eo pipefail`.
    let status = workflow_script(
        &workspace,
        &["-e", "-o", "pipefail"],
        &run.replace("${{ matrix.lab }}", "frame"),
        &[("NINETY_GRADES_DIR", grades_dir.as_str())],
    );
    assert!(status.success(), "the solved lab's grading passes");
    let kept = job["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .filter(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact"))
        })
        .find_map(|step| step["with"]["path"].as_str())
        .expect("a step that keeps the grades");
    let kept = workspace.join(kept);
    assert_eq!(
        std::fs::read_to_string(kept.join("frame.points.txt")).unwrap(),
        "Points 29/29\n",
        "the visible checks' points"
    );
    for artifact in ["frame.json", "frame.junit.xml", "frame.log"] {
        assert!(kept.join(artifact).is_file(), "GitHub keeps {artifact}");
    }

    let gitlab = yaml(&ws("partly").join(".gitlab-ci.yml"));
    let job = &gitlab["grade"];
    let workspace = ws("partly");
    let project = workspace.to_str().unwrap();
    let script: Vec<&str> = job["script"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|line| line.as_str().unwrap())
        .collect();
    // CARGO_HOME points at the runner's cache; here the machine's own stays.
    let grades_dir = job["variables"]["NINETY_GRADES_DIR"]
        .as_str()
        .unwrap()
        .replace("$CI_PROJECT_DIR", project);
    let status = workflow_script(
        &workspace,
        &[],
        &script.join("\n"),
        &[
            ("LAB", "frame"),
            ("CI_PROJECT_DIR", project),
            ("NINETY_GRADES_DIR", grades_dir.as_str()),
        ],
    );
    assert!(!status.success(), "the partly solved lab's grading fails");
    assert_eq!(job["artifacts"]["when"].as_str(), Some("always"));
    let kept = workspace.join(job["artifacts"]["paths"][0].as_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(kept.join("frame.points.txt")).unwrap(),
        "Points 27/29\n",
        "the percentile's 2 visible points lost"
    );
    let junit = job["artifacts"]["reports"]["junit"].as_str().unwrap();
    assert_eq!(junit, "grades/*.junit.xml");
    let report = std::fs::read_to_string(kept.join("frame.junit.xml")).unwrap();
    assert!(
        report.contains("<testsuite") && report.contains("latency.percentile"),
        "{report}"
    );
    assert!(kept.join("frame.json").is_file() && kept.join("frame.log").is_file());
}

fn yaml(path: &Path) -> yaml_rust2::Yaml {
    let text = std::fs::read_to_string(path).unwrap();
    yaml_rust2::YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .remove(0)
}

/// Runs a CI script with bash and `flags`, as a runner would, in
/// `workspace`, building in the tests' target folder for edited sources.
fn workflow_script(
    workspace: &Path,
    flags: &[&str],
    script: &str,
    vars: &[(&str, &str)],
) -> std::process::ExitStatus {
    let mut cmd = Command::new("bash");
    cmd.args(flags)
        .args(["-c", script])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", edits_target())
        .env("CARGO_TERM_COLOR", "never");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.status().unwrap()
}

#[test]
fn cohort_help_fits_on_one_screen_and_bad_files_name_their_place() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    for args in [
        &["cohort", "--help"][..],
        &["cohort", "new", "--help"],
        &["cohort", "release", "--help"],
        &["cohort", "collect", "--help"],
        &["cohort", "grade", "--help"],
        &["cohort", "gradebook", "export", "--help"],
        &["cohort", "feedback", "--help"],
        &["cohort", "status", "--help"],
        &["cohort", "verify", "--help"],
        &["cohort", "rubric", "export", "--help"],
        &["cohort", "rubric", "import", "--help"],
        &["cohort", "release-solutions", "--help"],
        &["cohort", "ci-reports", "import", "--help"],
    ] {
        let out = ninety(dir, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        assert!(text(&out).lines().count() <= 40, "{args:?}: {}", text(&out));
    }
    let tmp = tempfile::tempdir().unwrap();
    let roster = tmp.path().join("roster.csv");
    std::fs::write(&roster, "id,name\nada,Ada\nada,Ada again\n").unwrap();
    let cohort = tmp.path().join("c");
    let out = ninety(
        dir,
        &[
            "cohort",
            "new",
            cohort.to_str().unwrap(),
            "--roster",
            roster.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("roster.csv` line 3, field `id`: learner `ada` is already on line 2"),
        "{}",
        text(&out)
    );
    assert!(!cohort.exists(), "nothing is written");
    let out = ninety(
        dir,
        &["cohort", "status", "--cohort", tmp.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("ninety cohort new"), "{}", text(&out));

    // A rubric sheet with a bad cell writes nothing; solutions wait for the due date.
    std::fs::write(&roster, "id,name\nada,Ada\n").unwrap();
    let cohort_arg = cohort.to_str().unwrap();
    let out = ninety(
        dir,
        &[
            "cohort",
            "new",
            cohort_arg,
            "--roster",
            roster.to_str().unwrap(),
            "--lab",
            "frame",
            "--due",
            "2999-01-01T00:00:00Z",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let sheet = tmp.path().join("scores.csv");
    std::fs::write(
        &sheet,
        "learner,lab,criterion,max,points,comment\nada,frame,spec.reasoning,3,3,fine\nada,frame,spec.reasoning2,3,9,\n",
    )
    .unwrap();
    let out = ninety(
        dir,
        &[
            "cohort",
            "rubric",
            "import",
            sheet.to_str().unwrap(),
            "--cohort",
            cohort_arg,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("line 3, column 3 (`criterion`): unknown criterion `spec.reasoning2`"),
        "{}",
        text(&out)
    );
    let out = ninety(dir, &["cohort", "rubric", "export", "--cohort", cohort_arg]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\nada,frame,spec.reasoning,3,,\n"),
        "nothing was imported: {}",
        text(&out)
    );
    // CI reports: an unknown learner and a file that is not a report are
    // each named, and nothing is written.
    let ci = tmp.path().join("ci");
    std::fs::create_dir_all(ci.join("zed")).unwrap();
    std::fs::create_dir_all(ci.join("ada/grades")).unwrap();
    std::fs::write(ci.join("zed/frame.json"), "{}").unwrap();
    std::fs::write(ci.join("ada/grades/frame.json"), "Points 3/9").unwrap();
    let out = ninety(
        dir,
        &[
            "cohort",
            "ci-reports",
            "import",
            ci.to_str().unwrap(),
            "--cohort",
            cohort_arg,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("nothing was imported, 2 problems")
            && text(&out).contains("no learner `zed` on the roster")
            && text(&out).contains("frame.json`: not a grade report"),
        "{}",
        text(&out)
    );
    let out = ninety(
        dir,
        &[
            "cohort",
            "release-solutions",
            "--lab",
            "frame",
            "--cohort",
            cohort_arg,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("lab `frame` is due 2999-01-01T00:00:00Z"),
        "{}",
        text(&out)
    );
}
