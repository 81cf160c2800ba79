//! The gather output, read one way everywhere: the later stages, the
//! explorer and the benchmarks read `clean.jsonl` (and the explorer its two
//! siblings) through [`read_gathered`], as [`Gathered`] records.

use crate::artifact::ArtifactStore;
use crate::home::DataHome;
pub use crate::records::gather::Gathered;
use std::path::{Path, PathBuf};

/// The gather stage's clean dataset file.
pub const CLEAN_FILE: &str = "clean.jsonl";
/// The messages left out as duplicates.
pub const DUPLICATES_FILE: &str = "duplicates.jsonl";
/// The messages set aside.
pub const QUARANTINE_FILE: &str = "quarantine.jsonl";
/// The data-quality report.
pub const REPORT_FILE: &str = "report.json";

/// A file in a gather artifact's folder marking it as the reference output:
/// the course's own solution run on the bundled corpus when `ninety init`
/// made the workspace, so that every later stage can be used before the
/// gather lab is written. The learner's first gather run replaces it.
pub const REFERENCE_FILE: &str = "REFERENCE";

/// What a reader says when the gather output it reads is the reference.
pub const REFERENCE_NOTE: &str = "reading the reference gather output until your gather lab runs";

/// Whether the gather artifact folder `dir` holds the reference output.
pub fn is_reference(dir: &Path) -> bool {
    dir.join(REFERENCE_FILE).is_file()
}

/// The folder of the current generation of `corpus`'s gather artifact,
/// where its files are: the one place readers find it
/// ([`ArtifactStore::current_dir`]). Resolve it once and read every file
/// from the folder it gives, so that all of them come from one generation.
pub fn gather_dir(home: &DataHome, corpus: &str) -> PathBuf {
    ArtifactStore::new(home.artifacts()).current_dir("gather", corpus)
}

/// The clean dataset of `corpus`, in the current generation of its gather
/// artifact.
pub fn clean_path(home: &DataHome, corpus: &str) -> PathBuf {
    gather_dir(home, corpus).join(CLEAN_FILE)
}

/// Why a gather output could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CleanError {
    /// The file could not be read.
    #[error("reading the gather output `{path}`")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line is not a gathered message.
    #[error("`{path}` line {line}: not a gathered message")]
    Line {
        /// The file.
        path: PathBuf,
        /// 1-based.
        line: usize,
        /// What serde found.
        source: serde_json::Error,
    },
    /// The report is not a quality report.
    #[error("`{path}`: not a gather quality report")]
    Report {
        /// The file.
        path: PathBuf,
        /// What serde found.
        source: serde_json::Error,
    },
}

/// Every message in the gather output file at `path` (`clean.jsonl` or a
/// sibling), in file order; blank lines are skipped and the first line that
/// does not read is named.
pub fn read_gathered(path: &Path) -> Result<Vec<Gathered>, CleanError> {
    let text = std::fs::read_to_string(path).map_err(|source| CleanError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|source| CleanError::Line {
                path: path.to_path_buf(),
                line: i + 1,
                source,
            })
        })
        .collect()
}

/// The quality report in the gather artifact folder `dir`.
pub fn read_report(dir: &Path) -> Result<crate::records::gather::QualityReport, CleanError> {
    let path = dir.join(REPORT_FILE);
    let bytes = std::fs::read(&path).map_err(|source| CleanError::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|source| CleanError::Report { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"id":"a","path":"spam/1","group":"spam","period":1,"label":"spam","status":"clean","date_source":"header","subject":"Hi","content_type":"text/plain","body":"text"}"#;

    #[test]
    fn reads_messages_and_names_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clean.jsonl");
        std::fs::write(&path, format!("{GOOD}\n\n{GOOD}\n")).unwrap();
        let messages = read_gathered(&path).unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].text(), "Hi\n\ntext/plain \n\ntext");
        std::fs::write(&path, format!("{GOOD}\n{{\"id\":3}}\n")).unwrap();
        let err = read_gathered(&path).unwrap_err();
        assert!(err.to_string().contains("clean.jsonl` line 2"), "{err}");
        assert!(
            std::error::Error::source(&err).is_some(),
            "the cause is kept"
        );
        let err = read_gathered(&dir.path().join("none.jsonl"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("none.jsonl"), "{err}");
    }

    #[test]
    fn every_status_reads_back() {
        use crate::records::gather::{DuplicateKind, Reason, Status};
        let dup = GOOD.replace(
            r#""status":"clean""#,
            r#""status":"duplicate","detail":"near","duplicate_of":"spam/0""#,
        );
        let quarantined = GOOD.replace(
            r#""status":"clean""#,
            r#""status":"quarantined","detail":"not_a_message""#,
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("all.jsonl");
        std::fs::write(&path, format!("{GOOD}\n{dup}\n{quarantined}\n")).unwrap();
        let all = read_gathered(&path).unwrap();
        let statuses: Vec<Status> = all.iter().map(|g| g.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Clean,
                Status::Duplicate(DuplicateKind::Near),
                Status::Quarantined(Reason::NotAMessage)
            ]
        );
        assert_eq!(all[1].duplicate_of.as_deref(), Some("spam/0"));
        // And what is written reads back the same.
        let line = serde_json::to_string(&all[1]).unwrap();
        assert_eq!(serde_json::from_str::<Gathered>(&line).unwrap(), all[1]);
    }
}
