//! The artifact store: stage outputs written atomically, each with a manifest
//! that names its inputs and its files by content hash.
//!
//! Layout: `<data dir>/artifacts/<stage>/<name>/` holds the output files and
//! `manifest.json`. Every file is written to a temporary file in the same
//! directory and renamed into place, and the manifest is written last, so a
//! killed process leaves either the old artifact or the new one, never half
//! of one. Reading an artifact back checks every file against its hash.

use crate::hash::{sha256_file, sha256_hex};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What can go wrong saving or loading an artifact.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    /// A file could not be read or written.
    #[error("cannot access `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The manifest is not valid JSON of the expected shape.
    #[error(
        "manifest `{path}` is not valid: {source}; delete the artifact and run its stage again"
    )]
    BadManifest {
        /// The manifest file.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
    /// A file's content no longer matches its manifest.
    #[error(
        "`{path}` does not match its manifest (sha256 {actual}, expected {expected}); run the stage again to rebuild it"
    )]
    Tampered {
        /// The file.
        path: PathBuf,
        /// The hash in the manifest.
        expected: String,
        /// The hash of the file now.
        actual: String,
    },
    /// A name would escape the artifact directory.
    #[error("invalid artifact name `{0}`: use letters, digits, `-`, `_` and `.` only")]
    BadName(String),
}

/// An input an artifact was made from, named by content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRef {
    /// What the input is (`corpus:mini`, `spec`, `labels`).
    pub name: String,
    /// Its content hash (for a corpus, the hash of its manifest).
    pub sha256: String,
}

/// One file of an artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    /// The file name inside the artifact directory.
    pub file: String,
    /// Its content hash.
    pub sha256: String,
    /// Its size.
    pub bytes: u64,
}

/// The manifest of one artifact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The stage that made it.
    pub stage: String,
    /// The artifact's name within the stage.
    pub name: String,
    /// When it was made, RFC 3339 in UTC.
    pub created_at: String,
    /// What it was made from.
    pub inputs: Vec<InputRef>,
    /// Its files.
    pub files: Vec<FileRef>,
    /// The parameters that made it (stage-specific).
    pub params: serde_json::Value,
}

/// The artifact store rooted at a data directory's `artifacts/`.
#[derive(Debug, Clone)]
pub struct ArtifactStore {
    root: PathBuf,
}

const MANIFEST: &str = "manifest.json";

fn check_name(name: &str) -> Result<(), ArtifactError> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ArtifactError::BadName(name.to_owned()))
    }
}

impl ArtifactStore {
    /// A store at `root` (usually `DataHome::artifacts()`).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The directory of one artifact.
    pub fn dir(&self, stage: &str, name: &str) -> PathBuf {
        self.root.join(stage).join(name)
    }

    /// Saves `files` as the artifact `stage/name`, replacing any earlier one
    /// file by file, and writes its manifest last.
    pub fn save(
        &self,
        stage: &str,
        name: &str,
        files: &[(&str, &[u8])],
        inputs: Vec<InputRef>,
        params: serde_json::Value,
    ) -> Result<Manifest, ArtifactError> {
        check_name(stage)?;
        check_name(name)?;
        let dir = self.dir(stage, name);
        std::fs::create_dir_all(&dir).map_err(|source| ArtifactError::Io {
            path: dir.clone(),
            source,
        })?;
        let mut refs = Vec::with_capacity(files.len());
        for (file, bytes) in files {
            check_name(file)?;
            if *file == MANIFEST {
                return Err(ArtifactError::BadName((*file).to_owned()));
            }
            write_atomic(&dir.join(file), bytes)?;
            refs.push(FileRef {
                file: (*file).to_owned(),
                sha256: sha256_hex(bytes),
                bytes: bytes.len() as u64,
            });
        }
        let manifest = Manifest {
            stage: stage.to_owned(),
            name: name.to_owned(),
            created_at: now_rfc3339(),
            inputs,
            files: refs,
            params,
        };
        let json = serde_json::to_vec_pretty(&manifest).expect("a manifest always serialises");
        write_atomic(&dir.join(MANIFEST), &json)?;
        Ok(manifest)
    }

    /// Loads the manifest of `stage/name` and checks every file against it.
    pub fn load(&self, stage: &str, name: &str) -> Result<Manifest, ArtifactError> {
        check_name(stage)?;
        check_name(name)?;
        let dir = self.dir(stage, name);
        let path = dir.join(MANIFEST);
        let text = std::fs::read(&path).map_err(|source| ArtifactError::Io {
            path: path.clone(),
            source,
        })?;
        let manifest: Manifest = serde_json::from_slice(&text)
            .map_err(|source| ArtifactError::BadManifest { path, source })?;
        for file in &manifest.files {
            let path = dir.join(&file.file);
            let actual = sha256_file(&path).map_err(|source| ArtifactError::Io {
                path: path.clone(),
                source,
            })?;
            if actual != file.sha256 {
                return Err(ArtifactError::Tampered {
                    path,
                    expected: file.sha256.clone(),
                    actual,
                });
            }
        }
        Ok(manifest)
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory, flushed to disk, then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ArtifactError> {
    let io = |source| ArtifactError::Io {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// The current time as RFC 3339 in UTC, to the second.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_artifacts_load_back_with_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let store = ArtifactStore::new(dir.path());
        let inputs = vec![InputRef {
            name: "corpus:mini".into(),
            sha256: sha256_hex(b"m"),
        }];
        let saved = store
            .save(
                "frame",
                "report",
                &[("report.json", b"{}"), ("notes.txt", b"hello")],
                inputs,
                serde_json::json!({"k": 1}),
            )
            .unwrap();
        assert_eq!(saved.files[1].sha256, sha256_hex(b"hello"));
        let loaded = store.load("frame", "report").unwrap();
        assert_eq!(loaded, saved);
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(store.dir("frame", "report"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    }

    #[test]
    fn a_tampered_file_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let store = ArtifactStore::new(dir.path());
        store
            .save("s", "a", &[("x", b"1")], vec![], serde_json::Value::Null)
            .unwrap();
        std::fs::write(store.dir("s", "a").join("x"), b"2").unwrap();
        let err = store.load("s", "a").unwrap_err().to_string();
        assert!(err.contains("does not match its manifest"), "{err}");
    }

    #[test]
    fn a_corrupt_manifest_is_reported_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let store = ArtifactStore::new(dir.path());
        store
            .save("s", "a", &[("x", b"1")], vec![], serde_json::Value::Null)
            .unwrap();
        std::fs::write(store.dir("s", "a").join("manifest.json"), b"{not json").unwrap();
        let err = store.load("s", "a").unwrap_err().to_string();
        assert!(
            err.contains("manifest.json") && err.contains("not valid"),
            "{err}"
        );
    }

    #[test]
    fn names_cannot_escape_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let store = ArtifactStore::new(dir.path());
        for bad in ["..", "a/b", "", "manifest.json"] {
            let r = store.save("s", "a", &[(bad, b"1")], vec![], serde_json::Value::Null);
            assert!(matches!(r, Err(ArtifactError::BadName(_))), "{bad}");
        }
        assert!(
            store
                .save("../up", "a", &[], vec![], serde_json::Value::Null)
                .is_err()
        );
    }

    #[test]
    fn atomic_write_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        write_atomic(&path, b"first version, longer").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
    }
}
