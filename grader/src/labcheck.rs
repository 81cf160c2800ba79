//! `ninety lab check`: proof that each lab is gradeable.
//!
//! For every lab (or the ones named) this checks that the markers are well
//! formed, that the released starter compiles and fails every graded check,
//! and that the solution passes every check, hidden ones included. A grader
//! that passes an empty starter is a defect, and this is what catches it.

use crate::cargo::{self, GradeOutcome};
use crate::course::{Course, LabInfo};
use crate::release::{self, ReleaseOptions};
use crate::report::GradeReport;
use std::path::{Path, PathBuf};

/// The verdict on one lab.
#[derive(Debug, Clone)]
pub struct LabVerdict {
    /// The lab.
    pub lab: String,
    /// The problems found; empty when the lab is sound.
    pub problems: Vec<String>,
    /// The starter's grade, when it compiled.
    pub starter: Option<GradeReport>,
    /// The solution's grade, when it compiled.
    pub solution: Option<GradeReport>,
}

impl LabVerdict {
    /// Whether the lab passed the check.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What can stop the check as a whole.
#[derive(Debug, thiserror::Error)]
pub enum LabCheckError {
    /// The release into the scratch folder failed (markers included).
    #[error(transparent)]
    Release(#[from] release::ReleaseError),
    /// The course could not be read.
    #[error(transparent)]
    Course(#[from] crate::course::CourseError),
    /// cargo could not be started.
    #[error("cannot run cargo: {0}")]
    Io(#[from] std::io::Error),
}

/// Checks the labs named in `only` (all when empty) of the instructor
/// repository at `root`, using `scratch` for the released starter and the
/// reports. `progress` is told what is happening, one line at a time.
pub fn check_labs(
    root: &Path,
    only: &[String],
    scratch: &Path,
    mut progress: impl FnMut(&str),
) -> Result<Vec<LabVerdict>, LabCheckError> {
    let course = Course::load(root)?;
    let labs: Vec<&LabInfo> = if only.is_empty() {
        course.labs().collect()
    } else {
        only.iter()
            .map(|name| course.lab_named(name))
            .collect::<Result<_, _>>()?
    };
    progress("checking markers");
    release::check_markers(root)?;
    let starter_root = scratch.join("starter");
    if starter_root.exists() {
        std::fs::remove_dir_all(&starter_root)?;
    }
    progress("releasing the starter into a scratch workspace");
    release::release(root, &starter_root, &ReleaseOptions { git: false })?;
    let mut verdicts = Vec::new();
    for lab in labs {
        let mut problems = Vec::new();
        let starter_dir = scratch.join("grades-starter");
        let solution_dir = scratch.join("grades-solution");
        progress(&format!("{}: grading the solution", lab.stage));
        let solution = match cargo::grade(root, lab.stage.as_str(), &solution_dir)? {
            GradeOutcome::Graded { report, .. } => Some(report),
            GradeOutcome::BuildFailed { output } => {
                problems.push(format!(
                    "the solution does not compile:\n{}",
                    tail(&cargo::build_errors(&output), 40)
                ));
                None
            }
            GradeOutcome::NoReport { output } => {
                problems.push(format!(
                    "the solution's grading ended without a report:\n{}",
                    cargo::how_it_ended(&output, 40)
                ));
                None
            }
        };
        progress(&format!("{}: grading the starter", lab.stage));
        // The starter builds in a target folder of its own that outlives the
        // scratch workspace: its dependencies compile once, not on every
        // check, and its artifacts never mix with the solution's (the two
        // workspaces hold the same packages at the same relative paths).
        // The solution is graded first, so the dependencies it built can
        // be copied there instead of built a second time.
        let starter_target = scratch.join("target");
        crate::seed::seed_target(
            &starter_root,
            &crate::seed::target_dir_of(root),
            &starter_target,
        )?;
        let starter = match cargo::grade_in(
            &starter_root,
            lab.stage.as_str(),
            &starter_dir,
            Some(&starter_target),
        )? {
            GradeOutcome::Graded { report, .. } => Some(report),
            GradeOutcome::BuildFailed { output } => {
                problems.push(format!(
                    "the starter does not compile:\n{}",
                    tail(&cargo::build_errors(&output), 40)
                ));
                None
            }
            GradeOutcome::NoReport { output } => {
                problems.push(format!(
                    "the starter's grading ended without a report:\n{}",
                    cargo::how_it_ended(&output, 40)
                ));
                None
            }
        };
        problems.extend(format_problems(&starter_root, lab.stage.as_str())?);
        if let Some(report) = &starter {
            problems.extend(starter_problems(report));
        }
        if let Some(report) = &solution {
            problems.extend(solution_problems(report));
        }
        if let (Some(s), Some(sol)) = (&starter, &solution) {
            for check in &s.checks {
                if !sol.checks.iter().any(|c| c.id == check.id) {
                    problems.push(format!(
                        "check `{}` runs in the starter but not in the solution",
                        check.id
                    ));
                }
            }
        }
        verdicts.push(LabVerdict {
            lab: lab.stage.to_string(),
            problems,
            starter,
            solution,
        });
    }
    Ok(verdicts)
}

/// The problems with how the released lab is laid out: every Rust file
/// must be as `cargo fmt` would leave it, or a learner who formats their
/// workspace changes the test files' checksums and looks like a tamperer.
pub fn format_problems(starter_root: &Path, lab: &str) -> std::io::Result<Vec<String>> {
    let out = std::process::Command::new(cargo::cargo_bin())
        .current_dir(starter_root)
        .args(["fmt", "--check", "-p"])
        .arg(format!("lab-{lab}"))
        .args(["--", "--files-with-diff"])
        .stdin(std::process::Stdio::null())
        .output()?;
    if out.status.success() {
        return Ok(Vec::new());
    }
    let listed = String::from_utf8_lossy(&out.stdout);
    let files: Vec<String> = listed
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            Path::new(l.trim())
                .strip_prefix(starter_root)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| l.trim().to_owned())
        })
        .collect();
    Ok(if files.is_empty() {
        vec![format!(
            "cannot check the released files' layout with `cargo fmt` (install it with `rustup component add rustfmt`): {}",
            tail(String::from_utf8_lossy(&out.stderr).trim(), 5)
        )]
    } else {
        files
            .into_iter()
            .map(|file| format!("released `{file}` is not as `cargo fmt` leaves it: a learner who formats their workspace would change it"))
            .collect()
    })
}

/// The problems with a starter's grade: every graded check must fail.
pub fn starter_problems(report: &GradeReport) -> Vec<String> {
    let mut problems = Vec::new();
    if report.checks.is_empty() {
        problems.push("the starter ran no checks".to_owned());
    }
    for check in report
        .checks
        .iter()
        .filter(|c| c.passed && c.max_points > 0)
    {
        problems.push(format!(
            "check `{}` passes on the unsolved starter: it does not test the learner's work",
            check.id
        ));
    }
    problems
}

/// The problems with a solution's grade: every check must pass.
pub fn solution_problems(report: &GradeReport) -> Vec<String> {
    let mut problems = Vec::new();
    if report.checks.is_empty() {
        problems.push("the solution ran no checks".to_owned());
    }
    for check in report.checks.iter().filter(|c| !c.passed) {
        problems.push(format!(
            "check `{}` fails on the solution: {}",
            check.id,
            check.message.as_deref().unwrap_or("failed")
        ));
    }
    problems
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The default scratch folder: `<root>/target/ninety/labcheck`.
pub fn default_scratch(root: &Path) -> PathBuf {
    root.join("target").join("ninety").join("labcheck")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::CheckResult;

    fn result(id: &str, passed: bool) -> CheckResult {
        CheckResult {
            id: id.into(),
            points: if passed { 2 } else { 0 },
            max_points: 2,
            passed,
            hints: Vec::new(),
            message: (!passed).then(|| "nope".into()),
            timed_out: false,
            millis: 0,
        }
    }

    #[test]
    fn a_check_passing_on_the_starter_is_a_problem() {
        let report = GradeReport::new("x", vec![result("a", false), result("b", true)], false);
        let problems = starter_problems(&report);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("`b`"));
    }

    #[test]
    fn a_check_failing_on_the_solution_is_a_problem() {
        let report = GradeReport::new("x", vec![result("a", false), result("b", true)], false);
        let problems = solution_problems(&report);
        assert_eq!(
            problems,
            vec!["check `a` fails on the solution: nope".to_owned()]
        );
    }

    #[test]
    fn a_released_file_cargo_fmt_would_change_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"labs/x\"]\nresolver = \"3\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("labs/x/src")).unwrap();
        std::fs::write(
            root.join("labs/x/Cargo.toml"),
            "[package]\nname = \"lab-x\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        )
        .unwrap();
        let lib = root.join("labs/x/src/lib.rs");
        std::fs::write(&lib, "pub fn f() -> u32 {\n    1\n}\n").unwrap();
        assert_eq!(format_problems(root, "x").unwrap(), Vec::<String>::new());
        std::fs::write(&lib, "pub fn f() -> u32 {\n    1\n}\n\n").unwrap();
        let problems = format_problems(root, "x").unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("released `labs/x/src/lib.rs` is not as `cargo fmt` leaves it"),
            "{problems:?}"
        );
    }

    #[test]
    fn no_checks_at_all_is_a_problem() {
        let empty = GradeReport::new("x", vec![], false);
        assert_eq!(starter_problems(&empty).len(), 1);
        assert_eq!(solution_problems(&empty).len(), 1);
    }
}
