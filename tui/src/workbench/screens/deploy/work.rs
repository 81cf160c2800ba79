//! The deploy view's work off the loop's thread: reading what the
//! prediction log gained, asking `/readyz`, sending the server SIGTERM, and
//! running `ninety load`. Each returns a value for a message; none touches
//! the view.

use super::{KEEP, Load, Tail};
use crate::workbench::ctx::WorkError;
use crate::workspace::Workspace;
use ninety_kit::records::serve::{ErrorBody, LoggedPrediction, Readiness, Swapped};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The most of the log's end read at once: more than that added since the
/// last read (a load test), and only the end is read.
pub const TAIL_BYTES: u64 = 64 * 1024;

/// What the log at `path` gained since `from` (`None`: its last part).
/// Only whole lines are read; a line being written is read next time. A
/// log shorter than `from` was replaced, and is read again from its start.
pub fn tail(path: &Path, from: Option<u64>) -> std::io::Result<Tail> {
    let read = crate::workbench::logtail::gained(path, from, TAIL_BYTES, 4 * TAIL_BYTES, |line| {
        serde_json::from_slice::<LoggedPrediction>(line).ok()
    })?;
    let mut records = read.records;
    if records.len() > KEEP {
        records.drain(..records.len() - KEEP);
    }
    Ok(Tail {
        offset: read.offset,
        records,
        bad: read.bad,
        reset: read.reset,
    })
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// A response's status and body, or what kept it from coming.
fn answer(
    url: &str,
    call: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<(u16, String), WorkError> {
    let mut response = call.map_err(|e| WorkError::msg(format!("{url}: {e}")))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| WorkError::msg(format!("{url}: {e}")))?;
    Ok((status, text))
}

/// A refusal in the server's words (its JSON error body), else its status.
fn refusal(url: &str, status: u16, text: &str) -> WorkError {
    let why = serde_json::from_str::<ErrorBody>(text)
        .map(|b| b.error)
        .unwrap_or_else(|_| format!("{status} {}", text.trim()));
    WorkError::msg(format!("{url} answered {status}: {why}"))
}

/// Asks the server at `address` (`http://host:port`) whether it is ready:
/// `/readyz` answers 200 or 503 with the same record.
pub fn probe(address: &str) -> Result<Readiness, WorkError> {
    let url = format!("{address}/readyz");
    let (status, text) = answer(&url, agent().get(&url).call())?;
    if status != 200 && status != 503 {
        return Err(refusal(&url, status, &text));
    }
    serde_json::from_str(&text)
        .map_err(|e| WorkError::msg(format!("{url}: not the readiness record ({e})")))
}

/// Asks the server at `address` to load the champion in place of the model
/// it serves (`POST /admin/reload`, with the token it wrote at `token_path`).
pub fn reload(address: &str, token_path: &Path) -> Result<Swapped, WorkError> {
    let token = std::fs::read_to_string(token_path).map_err(|e| {
        WorkError::msg(format!(
            "reading the admin token `{}`: {e}",
            token_path.display()
        ))
    })?;
    let url = format!("{address}/admin/reload");
    let (status, text) = answer(
        &url,
        agent()
            .post(&url)
            .header("Authorization", format!("Bearer {}", token.trim()))
            .send_empty(),
    )?;
    if status != 200 {
        return Err(refusal(&url, status, &text));
    }
    serde_json::from_str(&text)
        .map_err(|e| WorkError::msg(format!("{url}: not the swap's record ({e})")))
}

/// Whether the process `args`, child of `parent`, is a serve stage this
/// workbench (`me`) started: the pipeline's binary running `serve`.
pub fn is_our_server(me: u32, parent: u32, args: &[String]) -> bool {
    parent == me
        && args.first().is_some_and(|program| {
            Path::new(program)
                .file_name()
                .is_some_and(|n| n == crate::pipeline::PACKAGE)
        })
        && args.iter().skip(1).any(|a| a == "serve")
}

/// Every process: its id, its parent's, its arguments.
#[cfg(target_os = "linux")]
fn processes() -> Vec<(u32, u32, Vec<String>)> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let dir = entry.path();
        // `pid (name) state ppid ...`: the name may hold spaces and parentheses.
        let Some(parent) = std::fs::read_to_string(dir.join("stat"))
            .ok()
            .and_then(|s| {
                let (_, rest) = s.rsplit_once(')')?;
                rest.split_whitespace().nth(1)?.parse().ok()
            })
        else {
            continue;
        };
        let args = std::fs::read(dir.join("cmdline"))
            .unwrap_or_default()
            .split(|&b| b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        all.push((pid, parent, args));
    }
    all
}

/// Every process: its id, its parent's, its arguments (as `ps` splits them).
#[cfg(all(unix, not(target_os = "linux")))]
fn processes() -> Vec<(u32, u32, Vec<String>)> {
    let Ok(out) = Command::new("ps")
        .args(["-A", "-o", "pid=,ppid=,command="])
        .output()
    else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let pid = words.next()?.parse().ok()?;
            let parent = words.next()?.parse().ok()?;
            Some((pid, parent, words.map(str::to_owned).collect()))
        })
        .collect()
}

/// Sends SIGTERM to the serve stages this workbench started, so they
/// finish the requests in flight and report; returns how many.
#[cfg(unix)]
pub fn terminate_server() -> Result<usize, WorkError> {
    use nix::sys::signal::{Signal, kill};
    let me = std::process::id();
    let mut sent = 0;
    for (pid, parent, args) in processes() {
        if is_our_server(me, parent, &args)
            && let Ok(pid) = i32::try_from(pid)
            && kill(nix::unistd::Pid::from_raw(pid), Signal::SIGTERM).is_ok()
        {
            sent += 1;
        }
    }
    if sent == 0 {
        return Err(WorkError::msg(
            "no server process of this workbench was found",
        ));
    }
    Ok(sent)
}

/// Stopping a server from the view needs Unix signals.
#[cfg(not(unix))]
pub fn terminate_server() -> Result<usize, WorkError> {
    Err(WorkError::msg("stopping the server needs a Unix system"))
}

/// How long a load test may take before it is stopped: its 5 s, and room
/// to start and report.
const LOAD_LIMIT: Duration = Duration::from_secs(60);

/// Runs `ninety load --url ADDRESS --duration 5 --json` (this executable)
/// and reads its report; or says, in its own words, why there is none.
pub fn load_test(ws: &Workspace, address: &str) -> Load {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return Load::Failed(format!("cannot find the ninety executable: {e}")),
    };
    let mut child = match Command::new(&exe)
        .args(["load", "--url", address, "--duration", "5", "--json"])
        .current_dir(&ws.root)
        .env(ninety_kit::home::HOME_ENV, ws.home.root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return Load::Failed(format!("cannot start `{}`: {e}", exe.display())),
    };
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                let _ = p.by_ref().take(1 << 20).read_to_string(&mut text);
                let _ = std::io::copy(&mut p, &mut std::io::sink());
            }
            text
        })
    };
    let stdout = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() > LOAD_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!(
                    "ninety load ran past {} s and was stopped",
                    LOAD_LIMIT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => break Err(format!("lost the ninety load process: {e}")),
        }
    };
    let out = stdout.join().unwrap_or_default();
    let err = stderr.join().unwrap_or_default();
    match status {
        Err(why) => Load::Failed(why),
        Ok(s) if s.success() => match report(&out) {
            Ok(r) => Load::Done(Box::new(r)),
            Err(why) => Load::Failed(format!(
                "ninety load printed no report this view reads ({why}):\n{}",
                last_lines(&format!("{out}{err}"), 12)
            )),
        },
        Ok(s) => Load::Failed(format!(
            "ninety load ended with {s}:\n{}",
            last_lines(if err.trim().is_empty() { &out } else { &err }, 12)
        )),
    }
}

/// The last `n` lines of `text`, trimmed.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The report `ninety load --json` printed on stdout: the whole of it, or
/// its last line that is a JSON object (after anything else it printed).
pub fn report(stdout: &str) -> Result<crate::cli::load::LoadReport, String> {
    let whole: Result<crate::cli::load::LoadReport, _> = serde_json::from_str(stdout.trim());
    whole.or_else(|e| {
        stdout
            .lines()
            .rev()
            .find(|l| l.trim_start().starts_with('{'))
            .ok_or(e)
            .and_then(serde_json::from_str)
            .map_err(|e| e.to_string())
    })
}
