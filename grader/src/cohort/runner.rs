//! Grading one submission: a grading tree, one shared build, and the
//! learner's code run under a time and a memory limit.
//!
//! A grading tree is a copy of the instructor repository (hidden checks and
//! all) whose files keep their modification times, so cargo sees the kit,
//! the grader and every dependency as already built. A submission changes
//! only the files its lab's `lab.toml` lists; a file it lacks gets the
//! released starter, never the solution.
//!
//! All trees build into one target folder, so the dependencies are built
//! once and each submission compiles only its own lab. Cargo decides what
//! to rebuild from modification times, and the trees share artifact names
//! (the same packages at the same relative paths), so builds take turns:
//! under one lock, the lab's files are touched, `cargo test --no-run`
//! builds the checks, cargo's JSON messages confirm the lab was compiled
//! afresh (else it is touched and built again), and the test program is
//! copied out. Running it needs no lock: N submissions run at once.
//!
//! The run is the test program in a process group of its own, under a
//! memory limit (`ulimit -d`, the data segment, through `sh`: the limit of
//! each process, the grading program and each check's own), killed as a
//! group when it runs past the time limit. The harness inside has its own
//! limits per check; these are the submission's backstop.

use super::{CohortError, slash_path};
use crate::cargo::{build_errors, cargo_bin, read_capped};
use crate::course::LabInfo;
use crate::markers::Role;
use crate::report::{GRADES_DIR_ENV, GradeReport};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// Limits on grading one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest the checks may run, all together.
    pub time: Duration,
    /// The most memory each process of the run may use, in bytes.
    pub memory: u64,
    /// The longest the build of the lab and its checks may take.
    pub build_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            time: Duration::from_secs(300),
            memory: 4 << 30,
            build_time: Duration::from_secs(900),
        }
    }
}

/// How much of a run's output is kept.
const KEPT: usize = 256 * 1024;

/// Copies the instructor repository's source files (`files`, relative to
/// `course_root`) into a fresh grading tree at `dest`, keeping their
/// modification times.
pub fn make_tree(course_root: &Path, files: &[PathBuf], dest: &Path) -> Result<(), CohortError> {
    if dest.exists() {
        std::fs::remove_dir_all(dest).map_err(CohortError::io(dest))?;
    }
    for rel in files {
        let from = course_root.join(rel);
        let to = dest.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(CohortError::io(parent))?;
        }
        std::fs::copy(&from, &to).map_err(CohortError::io(&from))?;
        let modified = std::fs::metadata(&from)
            .and_then(|m| m.modified())
            .map_err(CohortError::io(&from))?;
        set_modified(&to, modified)?;
    }
    Ok(())
}

fn set_modified(path: &Path, when: SystemTime) -> Result<(), CohortError> {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(when))
        .map_err(CohortError::io(path))
}

/// The lab's folder relative to the workspace root (`labs/frame`).
pub fn lab_rel(lab: &LabInfo, course_root: &Path) -> PathBuf {
    lab.dir
        .strip_prefix(course_root)
        .map(Path::to_owned)
        .unwrap_or_else(|_| PathBuf::from("labs").join(lab.stage.as_str()))
}

/// Puts a submission's files into the grading tree `tree`: each file the
/// lab lists, from `submission` (a folder mirroring the workspace's paths)
/// when it has it as a regular file, else the released starter. With no
/// submission, the instructor's own files (the solution) are put back.
/// Returns the listed files the submission lacked.
pub fn install(
    tree: &Path,
    course_root: &Path,
    lab: &LabInfo,
    submission: Option<&Path>,
) -> Result<Vec<String>, CohortError> {
    let lab_rel = lab_rel(lab, course_root);
    let mut lacked = Vec::new();
    for file in &lab.files {
        let rel = lab_rel.join(file);
        let bytes = match submission {
            Some(dir) => {
                let from = dir.join(&rel);
                let regular = std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_file());
                if regular {
                    std::fs::read(&from).map_err(CohortError::io(&from))?
                } else {
                    lacked.push(file.clone());
                    let original = course_root.join(&rel);
                    let bytes = std::fs::read(&original).map_err(CohortError::io(&original))?;
                    super::tamper::released_bytes(&rel, bytes, Role::Learner)
                }
            }
            None => {
                let original = course_root.join(&rel);
                std::fs::read(&original).map_err(CohortError::io(&original))?
            }
        };
        let to = tree.join(&rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(CohortError::io(parent))?;
        }
        std::fs::write(&to, bytes).map_err(CohortError::io(&to))?;
    }
    Ok(lacked)
}

/// How a build ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Built {
    /// The checks' program, copied out of the shared target folder.
    Program(PathBuf),
    /// The lab did not compile: the compiler's errors.
    Failed(String),
    /// The build ran past its limit.
    TimedOut,
}

/// Builds the checks of `lab` in the grading tree `tree` into the shared
/// `target_dir`, holding `lock` (one build at a time), and copies the
/// program to `program`.
pub fn build(
    tree: &Path,
    course_root: &Path,
    lab: &LabInfo,
    target_dir: &Path,
    program: &Path,
    limit: Duration,
    lock: &Mutex<()>,
) -> Result<Built, CohortError> {
    let _turn = lock.lock().unwrap_or_else(|e| e.into_inner());
    let lab_rel = lab_rel(lab, course_root);
    for _attempt in 0..2 {
        // Newer than any build so far, so cargo compiles this tree's lab.
        let now = SystemTime::now();
        for file in &lab.files {
            set_modified(&tree.join(&lab_rel).join(file), now)?;
        }
        let mut cmd = Command::new(cargo_bin());
        cmd.current_dir(tree)
            .args(["test", "--color", "never", "-p"])
            .arg(lab.package())
            .args([
                "--test",
                "grade",
                "--no-run",
                "--message-format=json-render-diagnostics",
            ])
            .env("CARGO_TARGET_DIR", target_dir)
            .env("CARGO_TERM_COLOR", "never")
            .env("CARGO_TERM_PROGRESS_WHEN", "never")
            .env_remove(GRADES_DIR_ENV);
        let done = run_limited(cmd, limit).map_err(|e| {
            CohortError::Unmet(format!("cannot start cargo in `{}`: {e}", tree.display()))
        })?;
        let Some(status) = done.status else {
            return Ok(Built::TimedOut);
        };
        if !status.success() {
            let errors = build_errors(&done.stderr);
            let errors = if errors.is_empty() {
                done.stderr
            } else {
                errors
            };
            return Ok(Built::Failed(errors));
        }
        let artifacts = Artifacts::read(&done.stdout, &lab.package());
        let Some(executable) = artifacts.executable else {
            return Err(CohortError::Unmet(format!(
                "cargo built {} but named no test program `grade`",
                lab.package()
            )));
        };
        if artifacts.lab_fresh {
            // Another build in this target folder was newer than our files:
            // touch them again and rebuild, once.
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        if program.exists() {
            std::fs::remove_file(program).map_err(CohortError::io(program))?;
        }
        std::fs::copy(&executable, program).map_err(CohortError::io(&executable))?;
        return Ok(Built::Program(program.to_owned()));
    }
    Err(CohortError::Unmet(format!(
        "cargo kept an earlier build of {} in `{}` although the submission's files are newer; is another grading using that target folder?",
        lab.package(),
        target_dir.display()
    )))
}

/// What cargo's JSON messages say about the build of a lab.
#[derive(Debug, Default, PartialEq, Eq)]
struct Artifacts {
    executable: Option<PathBuf>,
    lab_fresh: bool,
}

impl Artifacts {
    fn read(stdout: &str, package: &str) -> Self {
        let lib = package.replace('-', "_");
        let mut out = Self::default();
        for line in stdout.lines() {
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if msg["reason"] != "compiler-artifact" {
                continue;
            }
            let kinds: Vec<&str> = msg["target"]["kind"]
                .as_array()
                .map(|k| k.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            let name = msg["target"]["name"].as_str().unwrap_or_default();
            if name == lib && kinds.contains(&"lib") {
                out.lab_fresh = msg["fresh"].as_bool().unwrap_or(false);
            }
            if name == "grade"
                && kinds.contains(&"test")
                && let Some(exe) = msg["executable"].as_str()
            {
                out.executable = Some(PathBuf::from(exe));
            }
        }
        out
    }
}

/// How a run of the checks ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ran {
    /// The checks ran and wrote their report.
    Report {
        /// The report.
        report: GradeReport,
        /// What the run printed.
        output: String,
    },
    /// The run went past the time limit and was stopped.
    TimedOut {
        /// What it printed before.
        output: String,
    },
    /// It ended without a report.
    NoReport {
        /// What it printed.
        output: String,
    },
}

/// Runs the checks' `program` for `lab` in the grading tree `tree` under
/// `limits`, the report written to `grades_dir` and data to `home`.
pub fn run(
    program: &Path,
    tree: &Path,
    course_root: &Path,
    lab: &LabInfo,
    grades_dir: &Path,
    home: &Path,
    limits: &Limits,
) -> Result<Ran, CohortError> {
    if grades_dir.exists() {
        std::fs::remove_dir_all(grades_dir).map_err(CohortError::io(grades_dir))?;
    }
    std::fs::create_dir_all(grades_dir).map_err(CohortError::io(grades_dir))?;
    std::fs::create_dir_all(home).map_err(CohortError::io(home))?;
    let lab_dir = tree.join(lab_rel(lab, course_root));
    let mut cmd = limited(program, limits.memory);
    cmd.args(["--color", "never"])
        .current_dir(&lab_dir)
        .env(GRADES_DIR_ENV, grades_dir)
        .env("CARGO_MANIFEST_DIR", &lab_dir)
        .env("CARGO_PKG_NAME", lab.package())
        .env("NINETY_HOME", home)
        .env_remove(crate::harness::CHECK_ENV)
        .env_remove("NINETY_GRADER_TOKEN");
    let done = run_limited(cmd, limits.time)
        .map_err(|e| CohortError::Unmet(format!("cannot start `{}`: {e}", program.display())))?;
    let output = format!("{}{}", done.stdout, done.stderr);
    if done.status.is_none() {
        return Ok(Ran::TimedOut { output });
    }
    Ok(match GradeReport::load(grades_dir, lab.stage.as_str()) {
        Ok(report) => Ran::Report { report, output },
        Err(_) => Ran::NoReport { output },
    })
}

/// `program` under a memory limit: through `sh`, which sets the data
/// segment limit (`ulimit -d`) then becomes the program.
#[cfg(unix)]
fn limited(program: &Path, memory: u64) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        "ulimit -d \"$1\" || { echo \"ninety: cannot set the memory limit\" >&2; exit 125; }; shift; exec \"$@\"",
        "ninety-limit",
    ])
    .arg((memory / 1024).max(1).to_string())
    .arg(program);
    cmd
}

#[cfg(not(unix))]
fn limited(program: &Path, _memory: u64) -> Command {
    Command::new(program)
}

/// A finished child process.
struct Finished {
    /// How it ended; `None` when it was stopped at the time limit.
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` in a process group of its own, reading its output, and kills
/// the whole group at `limit` (and, once it ends, whatever it left behind).
fn run_limited(mut cmd: Command, limit: Duration) -> std::io::Result<Finished> {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let (tx, rx) = std::sync::mpsc::channel();
    for (index, pipe) in [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .enumerate()
    {
        let tx = tx.clone();
        if let Some(pipe) = pipe {
            std::thread::spawn(move || {
                let _ = tx.send((index, read_capped(pipe, KEPT)));
            });
        }
    }
    drop(tx);
    let deadline = Instant::now() + limit;
    let status = loop {
        if exited(&mut child)? {
            kill_group(&mut child);
            break Some(child.wait()?);
        }
        if Instant::now() >= deadline {
            kill_group(&mut child);
            child.wait()?;
            break None;
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    let mut out = [String::new(), String::new()];
    // A process that left the group could keep a pipe open: its output is
    // not waited for long.
    let until = Instant::now() + Duration::from_secs(5);
    for _ in 0..2 {
        match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok((index, text)) => out[index] = text,
            Err(_) => break,
        }
    }
    let [stdout, stderr] = out;
    Ok(Finished {
        status,
        stdout,
        stderr,
    })
}

/// Whether the child has ended. On Linux it is not reaped yet, so its
/// process group cannot be reused before [`kill_group`] runs.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exited(child: &mut std::process::Child) -> std::io::Result<bool> {
    use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
    match waitid(Id::Pid(pid), flags) {
        Ok(WaitStatus::StillAlive) => Ok(false),
        Ok(_) => Ok(true),
        Err(nix::errno::Errno::EINTR) => Ok(false),
        Err(e) => Err(std::io::Error::from(e)),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exited(child: &mut std::process::Child) -> std::io::Result<bool> {
    // Elsewhere the child is reaped here, and its group is killed only at
    // the time limit.
    Ok(child.try_wait()?.is_some())
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, killpg};
        let pgid = nix::unistd::Pid::from_raw(child.id() as i32);
        if killpg(pgid, Signal::SIGKILL).is_err() {
            let _ = child.kill();
        }
    }
    #[cfg(not(unix))]
    let _ = child.kill();
}

/// Where a tree's listed files are, for messages: `labs/frame/src/a.rs`.
pub fn listed_paths(lab: &LabInfo, course_root: &Path) -> Vec<String> {
    let rel = lab_rel(lab, course_root);
    lab.files.iter().map(|f| slash_path(&rel.join(f))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lab_and_its_program_are_found_in_cargos_messages() {
        let stdout = r#"{"reason":"compiler-artifact","package_id":"path+file:///t/labs/kit#ninety-kit@0.1.0","target":{"kind":["lib"],"name":"ninety_kit"},"fresh":true,"executable":null}
{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"lab_frame"},"fresh":false,"executable":null}
{"reason":"compiler-artifact","target":{"kind":["test"],"name":"grade"},"fresh":false,"executable":"/t/target/debug/deps/grade-0123"}
{"reason":"build-finished","success":true}"#;
        let found = Artifacts::read(stdout, "lab-frame");
        assert_eq!(
            found,
            Artifacts {
                executable: Some(PathBuf::from("/t/target/debug/deps/grade-0123")),
                lab_fresh: false
            }
        );
        let fresh = stdout.replace(
            r#""name":"lab_frame"},"fresh":false"#,
            r#""name":"lab_frame"},"fresh":true"#,
        );
        assert!(Artifacts::read(&fresh, "lab-frame").lab_fresh);
    }

    /// Whether process `pid` has ended (a zombie waiting for a reaper has).
    #[cfg(unix)]
    fn gone(pid: i32) -> bool {
        for _ in 0..50 {
            let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
                s.rsplit(')')
                    .next()
                    .is_some_and(|rest| rest.trim_start().starts_with('Z'))
            });
            if zombie || nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_err() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    #[cfg(unix)]
    #[test]
    fn a_run_past_its_limit_is_stopped_with_everything_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let mut cmd = Command::new("sh");
        // A grandchild that would outlive its parent, and a parent that loops.
        cmd.arg("-c").arg(format!(
            "sleep 300 & echo $! > {}; echo started; while :; do :; done",
            pid_file.display()
        ));
        let started = Instant::now();
        let done = run_limited(cmd, Duration::from_millis(500)).unwrap();
        assert!(done.status.is_none(), "stopped at the limit");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(done.stdout, "started\n");
        let pid: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(gone(pid), "the grandchild was killed with its group");
    }

    #[cfg(unix)]
    #[test]
    fn the_memory_limit_holds_in_the_program_and_what_it_starts() {
        let limited = limited(Path::new("sh"), 64 << 20);
        let mut cmd = limited;
        cmd.args(["-c", "ulimit -d"]);
        let done = run_limited(cmd, Duration::from_secs(10)).unwrap();
        assert!(done.status.unwrap().success(), "{}", done.stderr);
        assert_eq!(done.stdout.trim(), (64 * 1024).to_string());
    }

    #[cfg(unix)]
    #[test]
    fn a_process_left_behind_after_a_normal_end_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(format!(
            "sleep 300 & echo $! > {}; exit 3",
            pid_file.display()
        ));
        let started = Instant::now();
        let done = run_limited(cmd, Duration::from_secs(60)).unwrap();
        assert_eq!(done.status.and_then(|s| s.code()), Some(3));
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not held by the sleeper's pipes"
        );
        let pid: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(gone(pid), "what it left behind was killed");
    }
}
