//! The cohort tooling end to end on a tiny course with no dependencies (it
//! builds in a second): collect from folders, grade two at a time, and
//! read the gradebook. The real course is graded by the `ninety`
//! binary's integration test.

use super::collect::{self, CollectOptions};
use super::config::parse_time;
use super::grade::{self, GradeOptions, Status};
use super::gradebook::Gradebook;
use super::runner::Limits;
use super::{Cohort, feedback};
use std::path::Path;
use std::time::{Duration, SystemTime};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const METRICS: &str = "pub fn double(x: u32) -> u32 {\n    // BEGIN SOLUTION: multiply by two\n    x * 2\n    // END SOLUTION\n}\n\npub fn triple(x: u32) -> u32 {\n    // BEGIN SOLUTION: multiply by three\n    x * 3\n    // END SOLUTION\n}\n";

/// A grading program in the harness's place: checks as data, the report as JSON.
const GRADE: &str = r#"fn check(id: &str, points: u32, passed: bool) -> String {
    format!(
        "{{\"id\":\"{id}\",\"points\":{},\"max_points\":{points},\"passed\":{passed},\"hints\":[\"think about {id}\"],\"message\":{},\"timed_out\":false,\"millis\":1}}",
        if passed { points } else { 0 },
        if passed { "null".to_string() } else { format!("\"{id} failed\"") }
    )
}

fn main() {
    let checks = vec![
        check("double.two", 2, lab_frame::double(2) == 4),
        check("triple.two", 3, lab_frame::triple(2) == 6),
        // BEGIN HIDDEN TESTS
        check("hidden.zero", 1, lab_frame::double(0) == 0 && lab_frame::triple(0) == 0),
        // END HIDDEN TESTS
    ];
    let points: u32 = checks.iter().filter(|c| c.contains("\"passed\":true")).map(|c| {
        let at = c.find("\"max_points\":").unwrap() + 13;
        c[at..].split(',').next().unwrap().parse::<u32>().unwrap()
    }).sum();
    let max: u32 = checks.iter().map(|c| {
        let at = c.find("\"max_points\":").unwrap() + 13;
        c[at..].split(',').next().unwrap().parse::<u32>().unwrap()
    }).sum();
    let json = format!(
        "{{\"lab\":\"frame\",\"points\":{points},\"max_points\":{max},\"partial\":false,\"finished_at\":\"2026-01-01T00:00:00Z\",\"checks\":[{}]}}",
        checks.join(",")
    );
    let dir = std::env::var("NINETY_GRADES_DIR").unwrap();
    std::fs::write(format!("{dir}/frame.json"), json).unwrap();
    println!("Points {points}/{max}");
}
"#;

fn course(root: &Path) {
    write(
        root,
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"labs/frame\"]\n",
    );
    write(
        root,
        "course.toml",
        "title = \"t\"\n[[stage]]\nname = \"frame\"\ntitle = \"Frame\"\n",
    );
    write(
        root,
        "labs/frame/lab.toml",
        "name = \"frame\"\ntitle = \"F\"\nchapter = \"frame.md\"\ninstructions = \"README.md\"\nfiles = [\"src/metrics.rs\"]\n\
         [[rubric]]\nid = \"notes.written\"\ntitle = \"Notes\"\npoints = 1\nguidance = \"by the grader\"\nauto = { file = \"NOTES.md\", words = 3 }\n\
         [[rubric]]\nid = \"notes.sound\"\ntitle = \"Sound notes\"\npoints = 4\nguidance = \"judge them\"\n",
    );
    write(root, "labs/frame/README.md", "# Frame\n");
    write(
        root,
        "labs/frame/Cargo.toml",
        "[package]\nname = \"lab-frame\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[[test]]\nname = \"grade\"\nharness = false\n",
    );
    write(
        root,
        "labs/frame/src/lib.rs",
        "mod metrics;\npub use metrics::*;\n",
    );
    write(root, "labs/frame/src/metrics.rs", METRICS);
    write(root, "labs/frame/tests/grade.rs", GRADE);
}

/// A learner's folder: the released lab with `metrics` as their
/// `src/metrics.rs`, every file made at `at`.
fn learner(root: &Path, metrics: &str, grade: Option<&str>, at: &str) {
    write(root, "labs/frame/src/metrics.rs", metrics);
    write(
        root,
        "labs/frame/src/lib.rs",
        "mod metrics;\npub use metrics::*;\n",
    );
    let released = GRADE
        .split("        // BEGIN HIDDEN TESTS\n")
        .next()
        .unwrap()
        .to_owned()
        + GRADE.split("        // END HIDDEN TESTS\n").nth(1).unwrap();
    write(
        root,
        "labs/frame/tests/grade.rs",
        grade.unwrap_or(&released),
    );
    let when: SystemTime = parse_time(at).unwrap().into();
    for entry in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let f = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap();
            f.set_modified(when).unwrap();
        }
    }
}

#[test]
fn a_cohort_is_collected_graded_two_at_a_time_and_exported() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    course(&root.join("course"));
    let on_time = "2026-01-09T12:00:00Z";
    let good = METRICS
        .replace("    // BEGIN SOLUTION: multiply by two\n", "")
        .replace("    // BEGIN SOLUTION: multiply by three\n", "")
        .replace("    // END SOLUTION\n", "");
    // Two learners hand in notes (before `learner` dates their files).
    for id in ["good", "late"] {
        write(
            root,
            &format!("work/{id}/labs/frame/NOTES.md"),
            "why times two works",
        );
    }
    learner(&root.join("work/good"), &good, None, on_time);
    learner(
        &root.join("work/partly"),
        &good.replace("x * 3", "x + 3"),
        None,
        on_time,
    );
    learner(
        &root.join("work/broken"),
        &good.replace("x * 3", "x * \"3\""),
        None,
        on_time,
    );
    learner(
        &root.join("work/looping"),
        &good.replace("    x * 3\n", "    let _ = x;\n    loop {}\n"),
        None,
        on_time,
    );
    let passing = GRADE.replace("lab_frame::triple(2) == 6", "true");
    learner(
        &root.join("work/tamperer"),
        &good.replace("x * 3", "x + 3"),
        Some(&passing),
        on_time,
    );
    learner(&root.join("work/late"), &good, None, "2026-01-12T06:00:00Z");
    std::fs::create_dir_all(root.join("cohort")).unwrap();
    write(
        root,
        "cohort/cohort.toml",
        "name = \"t\"\ncourse = \"../course\"\n[late]\npenalty_per_day = 10.0\ncap = 50.0\ngrace_hours = 1.0\n[[lab]]\nname = \"frame\"\ndue = \"2026-01-10T00:00:00Z\"\n",
    );
    let mut roster = String::from("id,name,email,repository\n");
    for id in ["good", "partly", "broken", "looping", "tamperer", "late"] {
        roster.push_str(&format!(
            "{id},Learner {id},{id}@example.org,../work/{id}\n"
        ));
    }
    roster.push_str("absent,Nobody,,../work/absent\n");
    write(root, "cohort/roster.csv", &roster);
    let cohort = Cohort::open(&root.join("cohort")).unwrap();

    let collected = collect::collect(&cohort, &CollectOptions::default(), &mut |_| {}).unwrap();
    assert_eq!(collected.iter().filter(|c| c.result.is_ok()).count(), 6);
    let absent = collected.iter().find(|c| c.learner == "absent").unwrap();
    assert!(
        absent
            .result
            .as_ref()
            .unwrap_err()
            .contains("does not exist"),
        "{absent:?}"
    );

    let options = GradeOptions {
        jobs: 2,
        limits: Limits {
            time: Duration::from_secs(5),
            memory: 1 << 30,
            build_time: Duration::from_secs(300),
        },
        ..Default::default()
    };
    let mut reference = 0;
    let grades = grade::grade(&cohort, &options, &mut |e| {
        if matches!(e, grade::GradeEvent::ReferenceFailing(..)) {
            reference += 1;
        }
    })
    .unwrap();
    assert_eq!(reference, 0, "the solution passes every check");
    let by = |id: &str| grades.iter().find(|g| g.learner == id).unwrap();
    let summary: Vec<(&str, Status, u32)> = grades
        .iter()
        .map(|g| (g.learner.as_str(), g.status, g.points))
        .collect();
    assert_eq!(
        summary,
        [
            ("good", Status::Graded, 6),
            ("partly", Status::Graded, 2),
            ("broken", Status::BuildFailed, 0),
            ("looping", Status::TimedOut, 0),
            ("tamperer", Status::Graded, 2),
            ("late", Status::Graded, 6),
            ("absent", Status::Missing, 0),
        ],
        "{grades:#?}"
    );
    assert!(grades.iter().all(|g| g.max_points == 6));
    assert!(
        by("broken").detail.as_deref().unwrap().contains("error[E0"),
        "{:?}",
        by("broken").detail
    );
    let tampered: Vec<&str> = by("tamperer")
        .tampering
        .iter()
        .map(|t| t.path.as_str())
        .collect();
    assert_eq!(tampered, ["labs/frame/tests/grade.rs"]);
    assert!(
        by("partly").tampering.is_empty(),
        "an unchanged test is no tampering"
    );
    assert_eq!(by("late").late.days, 3);
    assert!((by("late").final_points - 4.2).abs() < 1e-9);

    let book = Gradebook::open_existing(&cohort.gradebook_path()).unwrap();
    let mut csv = Vec::new();
    book.export_csv(&mut csv, false).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(10).collect())
        .collect();
    let short: Vec<String> = rows
        .iter()
        .map(|r| format!("{} {} {}/{} -{} ={}", r[0], r[4], r[5], r[6], r[8], r[9]))
        .collect();
    // The rubric adds 5 points: the auto-checked notes (1) and 4 to score.
    assert_eq!(
        short,
        [
            "good graded 7/11 -0 =7",
            "partly graded 2/11 -0 =2",
            "broken build_failed 0/11 -0 =0",
            "looping timed_out 0/11 -0 =0",
            "tamperer graded 2/11 -0 =2",
            "late graded 7/11 -2.1 =4.9",
            "absent missing 0/11 -0 =0",
        ]
    );
    let mut book = book;
    super::rubric::import_bytes(
        &cohort,
        &mut book,
        Path::new("scores.csv"),
        b"learner,lab,criterion,max,points,comment\nlate,frame,notes.sound,4,4,clear\n",
    )
    .unwrap();
    let late = book
        .grades()
        .unwrap()
        .into_iter()
        .find(|g| g.learner == "late")
        .unwrap();
    // 30% late of 6 + 1 + 4.
    assert_eq!((late.points, late.max_points, late.ungraded), (11.0, 11, 0));
    assert!((late.final_points - 7.7).abs() < 1e-9, "{late:?}");
    let ungraded = book.ungraded().unwrap();
    assert_eq!(
        ungraded[0].learners,
        ["good", "partly", "broken", "looping", "tamperer"]
    );
    let status = book.status().unwrap();
    let stuck: Vec<&str> = status.stuck.iter().map(|s| s.learner.as_str()).collect();
    assert_eq!(stuck, ["partly", "broken", "looping", "tamperer", "absent"]);
    let failing: Vec<(&str, u32, u32, bool)> = status
        .failing_checks
        .iter()
        .map(|c| (c.check.as_str(), c.failed, c.graded, c.hidden))
        .collect();
    assert_eq!(
        failing,
        [("hidden.zero", 2, 4, true), ("triple.two", 2, 4, false)]
    );
    assert_eq!(status.not_compiling.len(), 1);

    let written = feedback::write_all(&cohort, &book).unwrap();
    assert_eq!(written.len(), 7);
    let tamperer = std::fs::read_to_string(cohort.feedback_dir().join("tamperer.md")).unwrap();
    assert!(
        tamperer.contains("`triple.two` (3 pts): triple.two failed"),
        "{tamperer}"
    );
    assert!(
        tamperer.contains("labs/frame/tests/grade.rs (edited)"),
        "{tamperer}"
    );
    let late = std::fs::read_to_string(cohort.feedback_dir().join("late.md")).unwrap();
    assert!(late.contains("## frame: 7.7 / 11 points"), "{late}");
    assert!(
        late.contains("- Sound notes (`notes.sound`): 4 / 4\n  - clear\n"),
        "{late}"
    );
}
