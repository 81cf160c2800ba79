//! Running a lab's grading as a child process.
//!
//! The workbench never links a learner's code: it runs `cargo test -p
//! lab-<name> --test grade` and reads the report the harness writes. This
//! module builds that command and turns its end into a [`GradeOutcome`]:
//! a report, or the compiler's output when the learner's code did not build.

use crate::report::{GRADES_DIR_ENV, GradeReport};
use std::ffi::OsString;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// How a grading run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum GradeOutcome {
    /// The checks ran; here is what they found, and cargo's output.
    Graded {
        /// The report.
        report: GradeReport,
        /// Everything cargo and the harness printed.
        output: String,
    },
    /// The lab did not compile (or cargo could not start it): the output says why.
    BuildFailed {
        /// Everything cargo printed, compiler errors included.
        output: String,
    },
    /// The lab compiled and its grading program started, but it ended
    /// without writing a report (the harness itself failed, or the run was
    /// stopped from outside): the output says how it ended.
    NoReport {
        /// Everything cargo and the grading program printed.
        output: String,
    },
}

/// The most of a grading run's output kept from each of stdout and stderr;
/// the harness keeps each check's own output far below this, so only a
/// runaway outside any check reaches it.
pub const KEPT_OUTPUT: usize = 1 << 20;

/// The cargo binary: `$CARGO` when run under cargo, else `cargo` on the path.
pub fn cargo_bin() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The command that grades `lab` in the workspace at `root`, writing the
/// report into `grades_dir`.
pub fn grade_command(root: &Path, lab: &str, grades_dir: &Path) -> Command {
    let mut cmd = Command::new(cargo_bin());
    cmd.current_dir(root)
        .args(["test", "--color", "never", "-p"])
        .arg(format!("lab-{lab}"))
        .args(["--test", "grade", "--", "--color", "never"])
        .env(GRADES_DIR_ENV, grades_dir)
        .env("CARGO_TERM_COLOR", "never")
        // The progress bar (`Building [=> ] 12/270: serde`) is how a caller
        // shows a long first build; it is dropped from the output kept.
        .env("CARGO_TERM_PROGRESS_WHEN", "always")
        .env("CARGO_TERM_PROGRESS_WIDTH", "200")
        .stdin(Stdio::null());
    cmd
}

/// Grades `lab` and waits for the result. The old report is removed first,
/// so a report found afterwards is this run's.
pub fn grade(root: &Path, lab: &str, grades_dir: &Path) -> std::io::Result<GradeOutcome> {
    grade_in(root, lab, grades_dir, None)
}

/// [`grade`], telling `on_progress` each of cargo's progress lines
/// (`Building [=> ] 12/270: serde, syn`) while the lab and its checks build.
pub fn grade_with_progress(
    root: &Path,
    lab: &str,
    grades_dir: &Path,
    on_progress: &mut dyn FnMut(&str),
) -> std::io::Result<GradeOutcome> {
    run_grade(root, lab, grades_dir, None, on_progress)
}

/// [`grade`], building in `target_dir` when given (whatever `CARGO_TARGET_DIR` says).
pub fn grade_in(
    root: &Path,
    lab: &str,
    grades_dir: &Path,
    target_dir: Option<&Path>,
) -> std::io::Result<GradeOutcome> {
    run_grade(root, lab, grades_dir, target_dir, &mut |_| {})
}

fn run_grade(
    root: &Path,
    lab: &str,
    grades_dir: &Path,
    target_dir: Option<&Path>,
    on_progress: &mut dyn FnMut(&str),
) -> std::io::Result<GradeOutcome> {
    std::fs::create_dir_all(grades_dir)?;
    let report_path = GradeReport::json_path(grades_dir, lab);
    match std::fs::remove_file(&report_path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut cmd = grade_command(root, lab, grades_dir);
    if let Some(dir) = target_dir {
        cmd.env("CARGO_TARGET_DIR", dir);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let out = std::thread::spawn(move || read_capped(stdout, KEPT_OUTPUT));
    let err = read_stderr(stderr, KEPT_OUTPUT, on_progress);
    child.wait()?;
    let mut output = err;
    output.push_str(&out.join().unwrap_or_default());
    Ok(outcome_from(grades_dir, lab, output))
}

/// Reads cargo's stderr to its end: each progress line (they end in `\r`
/// and start with `Building`) goes to `on_progress` and is not kept; of the
/// rest, the first `cap` bytes are kept, as [`read_capped`] keeps them.
pub fn read_stderr(from: impl Read, cap: usize, on_progress: &mut dyn FnMut(&str)) -> String {
    let mut reader = std::io::BufReader::new(from);
    let mut kept = Vec::new();
    let mut dropped = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        // A progress line ends in `\r`, every other line in `\n`: read to
        // whichever comes first.
        let mut byte = [0u8; 1];
        let mut ended = false;
        loop {
            match reader.read(&mut byte) {
                Ok(0) => {
                    ended = true;
                    break;
                }
                Ok(_) => {
                    line.push(byte[0]);
                    if byte[0] == b'\n' || byte[0] == b'\r' {
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    ended = true;
                    break;
                }
            }
        }
        let text = String::from_utf8_lossy(&line);
        let trimmed = text.trim();
        if trimmed.starts_with("Building") && trimmed.contains(']') {
            on_progress(trimmed);
        } else if !trimmed.is_empty() || line.ends_with(b"\n") {
            // The bar is cleared with spaces and a `\r` before real output.
            let keep = if line.ends_with(b"\r") {
                &line[..0]
            } else {
                &line[..]
            };
            let room = cap.saturating_sub(kept.len()).min(keep.len());
            kept.extend_from_slice(&keep[..room]);
            dropped += (keep.len() - room) as u64;
        }
        if ended {
            break;
        }
    }
    let mut text = String::from_utf8_lossy(&kept).into_owned();
    if dropped > 0 {
        text.push_str(&format!(
            "\n[... {dropped} more bytes of output not kept]\n"
        ));
    }
    text
}

/// Reads all of `from`, keeping its first `cap` bytes and saying how much
/// more there was.
pub fn read_capped(mut from: impl Read, cap: usize) -> String {
    let mut kept = Vec::new();
    let mut dropped = 0u64;
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let room = cap.saturating_sub(kept.len()).min(n);
        kept.extend_from_slice(&buf[..room]);
        dropped += (n - room) as u64;
    }
    let mut text = String::from_utf8_lossy(&kept).into_owned();
    if dropped > 0 {
        text.push_str(&format!(
            "\n[... {dropped} more bytes of output not kept]\n"
        ));
    }
    text
}

/// Reads the report a finished grading run left in `grades_dir`; without
/// one, the output tells a build that failed from a grading program that
/// started and then ended without a report.
pub fn outcome_from(grades_dir: &Path, lab: &str, output: String) -> GradeOutcome {
    match GradeReport::load(grades_dir, lab) {
        Ok(report) => GradeOutcome::Graded { report, output },
        Err(_) if grading_started(&output) => GradeOutcome::NoReport { output },
        Err(_) => GradeOutcome::BuildFailed { output },
    }
}

/// Whether cargo got as far as running the grading program.
fn grading_started(output: &str) -> bool {
    output.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("Running ")
            && (line.contains("tests/grade.rs") || line.contains("tests\\grade.rs"))
    })
}

/// What to show for a run that ended without a report: the lines after
/// cargo started the grading program, at most `lines` of them.
pub fn how_it_ended(output: &str, lines: usize) -> String {
    let after: Vec<&str> = output
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("Running "))
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let from = after.len().saturating_sub(lines);
    if after.is_empty() {
        "it printed nothing".to_owned()
    } else {
        after[from..].join("\n")
    }
}

/// The interesting part of cargo's output when a build failed: the compiler's
/// diagnostics without the `Compiling …` progress lines, and, when there are
/// errors, the errors alone (a starter's many warnings would bury them).
pub fn build_errors(output: &str) -> String {
    let all = without_progress(output);
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for line in all.lines() {
        let starts = line.starts_with("error") || line.starts_with("warning");
        match blocks.last_mut() {
            Some(block) if !starts => block.push(line),
            _ => blocks.push(vec![line]),
        }
    }
    let errors: Vec<String> = blocks
        .iter()
        .filter(|b| b[0].starts_with("error"))
        .map(|b| b.join("\n").trim_end().to_owned())
        .collect();
    if errors.is_empty() {
        all
    } else {
        errors.join("\n\n")
    }
}

fn without_progress(output: &str) -> String {
    let kept: Vec<&str> = output
        .lines()
        .filter(|line| {
            let t = line.trim_start();
            !(t.starts_with("Compiling ")
                || t.starts_with("Blocking waiting")
                || t.starts_with("Finished ")
                || t.starts_with("Running ")
                || t.starts_with("Checking "))
        })
        .collect();
    kept.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_targets_the_lab_and_the_grades_dir() {
        let cmd = grade_command(Path::new("/w"), "frame", Path::new("/g"));
        let args: Vec<_> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert!(
            args.windows(2).any(|w| w == ["-p", "lab-frame"]),
            "{args:?}"
        );
        assert!(
            args.windows(2).any(|w| w == ["--test", "grade"]),
            "{args:?}"
        );
        let env: Vec<_> = cmd.get_envs().collect();
        assert!(
            env.iter()
                .any(|(k, v)| *k == GRADES_DIR_ENV && v.map(|v| v == "/g").unwrap_or(false))
        );
        assert_eq!(cmd.get_current_dir(), Some(Path::new("/w")));
    }

    #[test]
    fn errors_come_without_the_warnings_around_them() {
        let out = "warning: unused variable: `x`\n --> src/a.rs:1:1\n\nerror[E0425]: cannot find value `y`\n --> src/b.rs:2:2\n  |\n\nwarning: 3 warnings emitted\nerror: could not compile `lab-x`\n";
        assert_eq!(
            build_errors(out),
            "error[E0425]: cannot find value `y`\n --> src/b.rs:2:2\n  |\n\nerror: could not compile `lab-x`"
        );
    }

    #[test]
    fn progress_lines_are_told_and_not_kept() {
        let stderr = "   Compiling serde v1.0\n    Building [=>  ] 1/3: serde\r                    \r    Building [==> ] 2/3: lab-frame\r\nerror[E0308]: mismatched types\n";
        let mut seen = Vec::new();
        let kept = read_stderr(stderr.as_bytes(), 1 << 20, &mut |l| seen.push(l.to_owned()));
        assert_eq!(
            seen,
            [
                "Building [=>  ] 1/3: serde",
                "Building [==> ] 2/3: lab-frame"
            ]
        );
        assert_eq!(
            kept,
            "   Compiling serde v1.0\n\nerror[E0308]: mismatched types\n"
        );
        let capped = read_stderr("abcdef\n".as_bytes(), 3, &mut |_| {});
        assert!(capped.starts_with("abc\n[... 4 more bytes"), "{capped}");
    }

    #[test]
    fn build_errors_drop_progress_lines() {
        let out = "   Compiling lab-frame v0.1.0\nerror[E0308]: mismatched types\n --> src/lib.rs:3:5\n    Finished x\n";
        assert_eq!(
            build_errors(out),
            "error[E0308]: mismatched types\n --> src/lib.rs:3:5"
        );
    }

    #[test]
    fn a_grading_program_that_ends_without_a_report_is_not_a_build_failure() {
        let dir = tempfile::tempdir().unwrap();
        let output = "   Compiling lab-frame v0.1.0\n    Finished `test` profile\n     Running tests/grade.rs (target/debug/deps/grade-1)\nthread 'main' panicked: lab `frame` declares check `a` twice\n";
        let outcome = outcome_from(dir.path(), "frame", output.into());
        let GradeOutcome::NoReport { output } = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(
            how_it_ended(&output, 5),
            "thread 'main' panicked: lab `frame` declares check `a` twice"
        );
    }

    #[test]
    fn output_past_the_cap_is_counted_not_kept() {
        let text = "y".repeat(100_000);
        let kept = read_capped(text.as_bytes(), 1000);
        assert!(kept.starts_with(&"y".repeat(1000)));
        assert!(
            kept.ends_with("[... 99000 more bytes of output not kept]\n"),
            "{}",
            &kept[990..]
        );
    }

    #[test]
    fn no_report_means_the_build_failed() {
        let dir = tempfile::tempdir().unwrap();
        let outcome = outcome_from(dir.path(), "frame", "error: oops".into());
        assert_eq!(
            outcome,
            GradeOutcome::BuildFailed {
                output: "error: oops".into()
            }
        );
    }
}
