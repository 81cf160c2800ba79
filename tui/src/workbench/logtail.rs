//! Reading what a JSON-lines log gained since the last look: the deploy
//! and monitor views both follow the prediction log the server appends to.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// What a log gave since the last read.
#[derive(Debug, Clone, PartialEq)]
pub struct Gained<T> {
    /// Whether the log exists.
    pub exists: bool,
    /// Where the next read starts (after the last whole line read).
    pub offset: u64,
    /// The records read, in the log's order.
    pub records: Vec<T>,
    /// Whole lines that `parse` refused.
    pub bad: usize,
    /// The records do not follow the ones before: the log was replaced, or
    /// so much was added that only its end was read.
    pub reset: bool,
}

/// What the log at `path` gained since `from`, each whole line through
/// `parse`. Without `from`, or when more than `most` bytes were added since
/// it, only the last `first` bytes are read (a first look at a long log,
/// or a load test that outran the view), from the first line that starts
/// in them. A line still being written is left for the next read. A log
/// shorter than `from` was replaced, and is read again from its start.
pub fn gained<T>(
    path: &Path,
    from: Option<u64>,
    first: u64,
    most: u64,
    mut parse: impl FnMut(&[u8]) -> Option<T>,
) -> std::io::Result<Gained<T>> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Gained {
                exists: false,
                offset: 0,
                records: Vec::new(),
                bad: 0,
                reset: from.is_some_and(|o| o > 0),
            });
        }
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let replaced = from.is_some_and(|o| o > len);
    let mut start = from.filter(|&o| o <= len).unwrap_or(0);
    let jump = len - start > if from.is_none() { first } else { most };
    if jump {
        start = len - first.min(len);
    }
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.take(len - start).read_to_end(&mut bytes)?;
    // After a jump the first line is likely cut: it starts after its end.
    let skip = if jump && start > 0 {
        bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| i + 1)
    } else {
        0
    };
    let body = &bytes[skip..];
    let whole = body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut records = Vec::new();
    let mut bad = 0;
    for line in body[..whole].split(|&b| b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match parse(line) {
            Some(r) => records.push(r),
            None => bad += 1,
        }
    }
    Ok(Gained {
        exists: true,
        offset: start + (skip + whole) as u64,
        records,
        bad,
        reset: replaced || (jump && from.is_some()),
    })
}
