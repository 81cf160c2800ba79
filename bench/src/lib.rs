//! What the benchmarks share: each side runs in its own child process, which
//! reports one JSON object with its `seconds` and its own peak memory.

pub mod paced;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::process::Command;

/// This process's peak resident memory in KiB (`VmHWM`), 0 where unknown.
pub fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The peak resident memory of this process's finished children, in KiB
/// (`getrusage(RUSAGE_CHILDREN)`), 0 where unknown.
pub fn children_peak_kib() -> u64 {
    nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .map_or(0, |u| u64::try_from(u.max_rss()).unwrap_or(0))
}

/// Runs `command` and reads the one JSON object it prints; `what` names the
/// side in errors.
pub fn json_of(mut command: Command, what: &str) -> Result<Value> {
    let out = command
        .output()
        .with_context(|| format!("starting {what}"))?;
    if !out.status.success() {
        bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or("");
    serde_json::from_str(last).with_context(|| format!("{what} printed `{last}`, not JSON"))
}

/// This benchmark binary again, with `args`: our side in a process of its
/// own, so its peak memory is its own.
pub fn ours(args: &[&str]) -> Result<Value> {
    let mut command = Command::new(std::env::current_exe()?);
    command.args(args);
    json_of(command, "our side")
}

/// The fastest of several runs' reports (by `seconds`).
pub fn best(runs: &[Value]) -> Value {
    runs.iter()
        .min_by(|a, b| seconds(a).total_cmp(&seconds(b)))
        .cloned()
        .unwrap_or(Value::Null)
}

/// A report's `seconds`, NaN where it has none.
pub fn seconds(report: &Value) -> f64 {
    report["seconds"].as_f64().unwrap_or(f64::NAN)
}

/// The CPU model and core count, for the record.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores")
}
