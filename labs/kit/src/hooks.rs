//! Places where a writer can be told to stop and wait, so that a test can kill
//! it there with `kill -9` and check that nothing already saved was lost.
//!
//! Setting [`PAUSE_ENV`] to a point's name (`artifact-file`, `import-message`)
//! makes the process, when it reaches that point, print `ninety: paused at
//! <point>` on stderr and sleep until it is killed. A point reached many
//! times takes a count: `import-message:3` pauses at the third time. Without
//! the variable, a point costs one comparison with a value read once.

use std::io::Write;
use std::sync::OnceLock;

/// The environment variable that names the point to pause at.
pub const PAUSE_ENV: &str = "NINETY_PAUSE_AT";

/// The line written to stderr on pausing, before the point's name.
pub const PAUSED: &str = "ninety: paused at ";

fn wanted() -> Option<&'static (String, usize)> {
    static WANTED: OnceLock<Option<(String, usize)>> = OnceLock::new();
    WANTED
        .get_or_init(|| {
            let value = std::env::var(PAUSE_ENV).ok()?;
            match value.rsplit_once(':') {
                Some((point, n)) => Some((point.to_owned(), n.parse().ok()?)),
                None => Some((value, 1)),
            }
        })
        .as_ref()
}

/// Pauses here, until killed, when [`PAUSE_ENV`] names `point` and this is
/// the `count`-th time (from 1) it is reached.
pub fn pause_at(point: &str, count: usize) {
    if let Some((name, n)) = wanted()
        && name == point
        && *n == count
    {
        let mut err = std::io::stderr();
        let _ = writeln!(err, "{PAUSED}{point}:{count}");
        let _ = err.flush();
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

/// For tests: starts `command` with [`PAUSE_ENV`] set to `point` and its
/// stderr read here, and kills it with SIGKILL (no destructor, no cleanup
/// runs) as soon as it says it paused there. Returns what it wrote to
/// stderr before it paused; `Err` with that, and how it ended, when it
/// ended without pausing.
pub fn kill_where_paused(
    command: &mut std::process::Command,
    point: &str,
) -> Result<Vec<String>, String> {
    use std::io::BufRead;
    let mut child = command
        .env(PAUSE_ENV, point)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start it: {e}"))?;
    let stderr = std::io::BufReader::new(child.stderr.take().expect("stderr is piped"));
    let mut said = Vec::new();
    for line in stderr.lines().map_while(Result::ok) {
        if line.starts_with(PAUSED) {
            // `Child::kill` is SIGKILL on Unix.
            let _ = child.kill();
            let _ = child.wait();
            return Ok(said);
        }
        said.push(line);
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    Err(format!("it never paused at {point} ({status}): {said:?}"))
}
