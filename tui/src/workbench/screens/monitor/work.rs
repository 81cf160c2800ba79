//! The monitor view's work off the loop's thread: reading what the
//! prediction log gained (compactly: a second, a latency and a score per
//! request), the reference's scores, the messages of an alert's window,
//! the scenarios, and where the server of this data folder listens. Each
//! returns a value for a message; none touches the view, and none links
//! the monitor lab's code: the view reads JSON only.

use super::{ScenarioInfo, Scenarios, ServerInfo};
use ninety_kit::DataHome;
use ninety_kit::records::serve::LoggedPrediction;
use ninety_kit::registry::{REFERENCE_FILE, Registry};
use ninety_kit::scenario::ReplayRecord;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The most of the log's end a first read takes (the last minute of
/// traffic and a window's scores are in it at any rate a learner sends).
pub const FIRST_READ: u64 = 1 << 20;

/// More than this added since the last read (a flood, or a view left
/// behind), and only the last [`FIRST_READ`] bytes are read.
pub const MOST_READ: u64 = 8 << 20;

/// Score bins of the histograms.
pub const BINS: usize = 20;

/// The most messages an alert's window shows.
pub const MOST_MESSAGES: usize = 5_000;

/// What the view keeps of one logged prediction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seen {
    /// The second it was answered, in seconds since 1970 (absent when its
    /// time does not read).
    pub second: Option<i64>,
    /// Microseconds to answer it.
    pub latency_us: u64,
    /// Its raw score.
    pub score: f64,
}

impl Seen {
    /// What the view keeps of `p`.
    pub fn of(p: &LoggedPrediction) -> Self {
        Seen {
            second: epoch_seconds(&p.time),
            latency_us: p.latency_us,
            score: p.score,
        }
    }
}

/// What the prediction log gave since the last read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tail {
    /// Whether the log exists.
    pub exists: bool,
    /// Where the next read starts (after the last whole line read).
    pub offset: u64,
    /// The records read, in the log's order.
    pub records: Vec<Seen>,
    /// Lines that are not a prediction record.
    pub bad: usize,
    /// The records do not follow the ones before: the log was replaced, or
    /// so much was added that only its end was read.
    pub reset: bool,
}

/// What the log at `path` gained since `from` (`None`: its last
/// [`FIRST_READ`] bytes). Whole lines only: a line being written is read
/// next time. A log shorter than `from` was replaced and is read again.
pub fn tail(path: &Path, from: Option<u64>) -> std::io::Result<Tail> {
    let read = crate::workbench::logtail::gained(path, from, FIRST_READ, MOST_READ, |line| {
        serde_json::from_slice::<LoggedPrediction>(line)
            .ok()
            .map(|r| Seen::of(&r))
    })?;
    Ok(Tail {
        exists: read.exists,
        offset: read.offset,
        records: read.records,
        bad: read.bad,
        reset: read.reset,
    })
}

/// When a file last changed, and its size: two looks that differ saw it
/// written in between.
pub type Stamp = (u64, std::time::SystemTime);

/// What the view's clock sees of the data folder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Look {
    /// The prediction log holds a whole line.
    pub log: bool,
    /// The last replay's record's stamp (none without one).
    pub replay: Option<Stamp>,
    /// Now, in seconds since 1970.
    pub now: Option<i64>,
}

/// A look at the data folder `home`.
pub fn look(home: &DataHome) -> Look {
    let replay = std::fs::metadata(ninety_kit::scenario::replay_path(home))
        .ok()
        .and_then(|m| Some((m.len(), m.modified().ok()?)));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok());
    Look {
        log: has_a_record(&super::prediction_log(home)),
        replay,
        now,
    }
}

/// Whether the log at `path` holds a whole line yet.
pub fn has_a_record(path: &Path) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut start = [0u8; 4096];
    let n = file.read(&mut start).unwrap_or(0);
    start[..n].contains(&b'\n')
}

/// Seconds since 1970 of an RFC 3339 time in UTC as the server writes it
/// (`2026-12-01T00:06:33Z`; a fraction or an offset after the seconds is
/// not read).
pub fn epoch_seconds(time: &str) -> Option<i64> {
    let b = time.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> { time.get(from..to)?.parse().ok() };
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (h, min, s) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || h > 23 || min > 59 || s > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + min * 60 + s)
}

/// Scores counted in [`BINS`] equal bins from 0 to 1.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Histogram {
    /// The count of each bin.
    pub counts: Vec<u64>,
    /// Every score counted.
    pub total: u64,
}

impl Histogram {
    /// The histogram of `scores` (each clamped to 0..=1).
    pub fn of(scores: impl IntoIterator<Item = f64>) -> Self {
        let mut counts = vec![0; BINS];
        let mut total = 0;
        for s in scores {
            if !s.is_finite() {
                continue;
            }
            let bin = ((s.clamp(0.0, 1.0) * BINS as f64) as usize).min(BINS - 1);
            counts[bin] += 1;
            total += 1;
        }
        Histogram { counts, total }
    }

    /// The share of the scores in each bin (all 0 without scores).
    pub fn shares(&self) -> Vec<f64> {
        self.counts
            .iter()
            .map(|&c| {
                if self.total == 0 {
                    0.0
                } else {
                    c as f64 / self.total as f64
                }
            })
            .collect()
    }
}

/// The scores of the reference registered with `model_id`.
pub fn reference(home: &DataHome, model_id: &str) -> anyhow::Result<Histogram> {
    use anyhow::Context;
    let registered = Registry::new(home)
        .find(model_id)
        .with_context(|| format!("finding model {model_id} in the registry"))?;
    let path = registered.dir.join(REFERENCE_FILE);
    let file = std::fs::File::open(&path).with_context(|| {
        format!(
            "reading `{}` (`ninety run evaluate` registers a model with its reference)",
            path.display()
        )
    })?;
    let mut scores = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line.with_context(|| format!("reading `{}`", path.display()))?;
        if let Ok(p) = serde_json::from_str::<LoggedPrediction>(&line) {
            scores.push(p.score);
        }
    }
    Ok(Histogram::of(scores))
}

/// The messages of the log from request `first` to request `last`, both
/// included, in the log's order (at most [`MOST_MESSAGES`]), and how many
/// more there were.
pub fn window_messages(
    path: &Path,
    first: &str,
    last: &str,
) -> anyhow::Result<(Vec<LoggedPrediction>, usize)> {
    use anyhow::{Context, bail};
    let file = std::fs::File::open(path)
        .with_context(|| format!("reading the prediction log `{}`", path.display()))?;
    let mut found = Vec::new();
    let mut more = 0;
    let mut inside = false;
    for line in BufReader::new(file).lines() {
        let line = line.with_context(|| format!("reading `{}`", path.display()))?;
        let Ok(p) = serde_json::from_str::<LoggedPrediction>(&line) else {
            continue;
        };
        if !inside && p.request_id != first {
            continue;
        }
        inside = true;
        let end = p.request_id == last;
        if found.len() < MOST_MESSAGES {
            found.push(p);
        } else {
            more += 1;
        }
        if end {
            return Ok((found, more));
        }
    }
    if !inside {
        bail!(
            "request {first} is not in the prediction log `{}` (was it replaced since the report?)",
            path.display()
        );
    }
    // The last one not written yet, or lost: what there is.
    Ok((found, more))
}

/// The scenarios of the workspace at `root`, `stable` first, and the files
/// that do not load, with why.
pub fn scenarios(root: &Path) -> Result<Scenarios, String> {
    let dir = root.join("labs/monitor/scenarios");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match ninety_kit::scenario::load(&path) {
            Ok(s) => found.push(ScenarioInfo::of(&s)),
            Err(e) => problems.push(e.to_string()),
        }
    }
    found.sort_by_key(|s| (s.name != "stable", s.name.clone()));
    Ok((found, problems))
}

/// Every process: its id, its arguments, and the data folder it uses when
/// that can be told (Linux: `/proc`).
#[cfg(target_os = "linux")]
fn processes() -> Vec<(u32, Vec<String>, Option<std::path::PathBuf>)> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let dir = entry.path();
        let split = |bytes: Vec<u8>| -> Vec<String> {
            bytes
                .split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect()
        };
        let args = split(std::fs::read(dir.join("cmdline")).unwrap_or_default());
        if args.is_empty() {
            continue;
        }
        let env = split(std::fs::read(dir.join("environ")).unwrap_or_default())
            .into_iter()
            .find_map(|v| {
                v.strip_prefix(&format!("{}=", ninety_kit::home::HOME_ENV))
                    .map(str::to_owned)
            });
        let cwd = std::fs::read_link(dir.join("cwd")).ok();
        let home = data_home_of(&args, env.as_deref(), cwd.as_deref());
        all.push((pid, args, home));
    }
    all
}

/// Elsewhere the process table is not read: the default address is tried.
#[cfg(not(target_os = "linux"))]
fn processes() -> Vec<(u32, Vec<String>, Option<std::path::PathBuf>)> {
    Vec::new()
}

/// The data folder a pipeline process uses, as [`DataHome::resolve`]
/// finds it: `NINETY_HOME` when set, else `.ninety` in its `--root`
/// (taken from its working folder `cwd`), else in `cwd`.
pub fn data_home_of(
    args: &[String],
    env_home: Option<&str>,
    cwd: Option<&Path>,
) -> Option<std::path::PathBuf> {
    if let Some(h) = env_home.filter(|h| !h.is_empty()) {
        return Some(match cwd {
            Some(cwd) => cwd.join(h),
            None => h.into(),
        });
    }
    let root = args
        .iter()
        .position(|a| a == "--root")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let root = match (root, cwd) {
        (Some(r), _) if r.is_absolute() => r,
        (Some(r), Some(cwd)) => cwd.join(r),
        (None, Some(cwd)) => cwd.to_owned(),
        _ => return None,
    };
    Some(root.join(".ninety"))
}

/// The address a process's arguments say a serve stage listens on: the
/// pipeline's binary running `serve` with a port other than 0 (any free
/// port is not known from outside).
pub fn served_address(args: &[String]) -> Option<String> {
    let program = Path::new(args.first()?).file_name()?;
    if program != crate::pipeline::PACKAGE || !args.iter().skip(1).any(|a| a == "serve") {
        return None;
    }
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .or_else(|| {
                let prefix = format!("{flag}=");
                args.iter()
                    .find_map(|a| a.strip_prefix(&prefix).map(str::to_owned))
            })
    };
    let defaults = ninety_kit::command::ServeArgs::default();
    let port: u16 = match value("--port") {
        Some(p) => p.parse().ok()?,
        None => defaults.port,
    };
    if port == 0 {
        return None;
    }
    let host = value("--host").unwrap_or_else(|| defaults.host.to_string());
    // A server on every address answers on this machine's.
    let host = match host.as_str() {
        "0.0.0.0" => "127.0.0.1".to_owned(),
        "::" => "[::1]".to_owned(),
        h if h.contains(':') => format!("[{h}]"),
        h => h.to_owned(),
    };
    Some(format!("http://{host}:{port}"))
}

/// Where the server of the data folder `home` listens: a serve stage
/// running on it (as `ninety serve` starts one); where the process table
/// is not read, the default address if a server answers there. Says what
/// to do when there is none.
pub fn find_server(home: &DataHome) -> Result<ServerInfo, String> {
    let same = |a: &Path, b: &Path| {
        a == b
            || matches!(
                (std::fs::canonicalize(a), std::fs::canonicalize(b)),
                (Ok(x), Ok(y)) if x == y
            )
    };
    let mut candidates: Vec<(String, String)> = processes()
        .into_iter()
        .filter(|(_, _, h)| h.as_deref().is_some_and(|h| same(h, home.root())))
        .filter_map(|(pid, args, _)| {
            served_address(&args).map(|a| (a, format!("the serve stage, process {pid}")))
        })
        .collect();
    if cfg!(not(target_os = "linux")) {
        let d = ninety_kit::command::ServeArgs::default();
        candidates.push((
            format!("http://{}:{}", d.host, d.port),
            "the default address".to_owned(),
        ));
    }
    let mut tried = Vec::new();
    for (address, how) in candidates {
        match crate::workbench::screens::deploy::work::probe(&address) {
            Ok(r) => {
                return Ok(ServerInfo {
                    url: address,
                    how,
                    model_id: r.model_id,
                    ready: r.ready,
                });
            }
            Err(e) => tried.push(e.to_string()),
        }
    }
    let seen = if tried.is_empty() {
        format!("no serve stage runs on {}", home.root().display())
    } else {
        tried.join("; ")
    };
    Err(format!(
        "no server of this data folder answers ({seen}): start one with `ninety serve` in another terminal (the deploy view's server stops when you leave it)"
    ))
}

/// The record `ninety replay --json` printed: its last line that is a
/// JSON object.
pub fn replay_record(stdout: &str) -> Result<ReplayRecord, String> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .ok_or("it printed no record")?;
    serde_json::from_str(line).map_err(|e| format!("its record does not read: {e}"))
}

/// The last `n` lines of `text`, trimmed.
pub fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
