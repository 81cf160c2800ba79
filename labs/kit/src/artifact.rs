//! The artifact store: stage outputs committed whole, each with a manifest
//! that names its inputs and its files by content hash.
//!
//! Layout: `<data dir>/artifacts/<stage>/<name>/` is one artifact. Each save
//! writes a new *generation*: a folder `g000001`, `g000002`, ... holding the
//! output files and `manifest.json`, written first under a temporary name
//! (`.g000002.tmp-<pid>`) and renamed into place when every file is on disk.
//! Then the small pointer file `CURRENT`, which names the generation readers
//! use, is replaced by rename: that one rename is the commit. A process
//! killed at any moment leaves `CURRENT` naming a whole generation, the old
//! one or the new one, never a mix. What a killed save leaves behind (its
//! temporary folder, a generation it never pointed to) and the generations
//! before the current one are removed when the next save starts; the one
//! before the current stays until then, for readers still reading it.
//!
//! Every reader finds the current generation through [`ArtifactStore::current`]
//! (or [`ArtifactStore::current_dir`]), and reading an artifact back with
//! [`ArtifactStore::load`] checks every file against its hash. An artifact
//! saved before generations existed (its files directly in its folder, no
//! `CURRENT`) still reads; the next save replaces it.

use crate::hash::{sha256_file, sha256_hex};
use crate::hooks::pause_at;
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
    /// The pointer to the current generation names none.
    #[error(
        "`{path}` should name a generation folder of its artifact (like `g000001`) and holds `{content}`; run the stage again to write a new one"
    )]
    BadPointer {
        /// The pointer file.
        path: PathBuf,
        /// What it holds (at most 80 characters of it).
        content: String,
    },
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

/// The name of an artifact's manifest file, in each generation.
pub const MANIFEST: &str = "manifest.json";
/// The name of the pointer file that names an artifact's current generation.
pub const CURRENT: &str = "CURRENT";

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

/// The number of a generation folder's name (`g000012` is 12).
fn generation_number(name: &str) -> Option<u64> {
    let digits = name.strip_prefix('g')?;
    (digits.len() >= 6 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The process id in a temporary name (`.x.tmp-123` or `.g000002.tmp-123`).
fn temp_owner(name: &str) -> Option<u32> {
    let (_, pid) = name.rsplit_once(".tmp-")?;
    name.starts_with('.').then(|| pid.parse().ok()).flatten()
}

/// Whether the process that owns a temporary file may still be writing it:
/// a live process other than this one (this one only tidies before it
/// starts writing). Where liveness cannot be told, no.
pub fn owner_alive(pid: u32) -> bool {
    pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes what a killed writer leaves in `dir`: hidden temporary files and
/// folders (`.name.tmp-<pid>`) whose process is gone. Returns how many.
pub fn remove_stale_temps(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = temp_owner(&name) else {
            continue;
        };
        if owner_alive(pid) {
            continue;
        }
        let path = entry.path();
        let gone = if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed += usize::from(gone.is_ok());
    }
    removed
}

/// Flushes a directory's entries (a rename in it) to disk, where the
/// platform can; elsewhere the rename is still atomic, only not yet durable.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

impl ArtifactStore {
    /// A store at `root` (usually `DataHome::artifacts()`).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The folder of one artifact: its generations and its `CURRENT` pointer.
    pub fn dir(&self, stage: &str, name: &str) -> PathBuf {
        self.root.join(stage).join(name)
    }

    /// The folder of the artifact's current generation, the one its
    /// `CURRENT` pointer names; `None` when nothing was ever committed there.
    /// An artifact saved before generations existed is its own folder.
    pub fn current(&self, stage: &str, name: &str) -> Result<Option<PathBuf>, ArtifactError> {
        check_name(stage)?;
        check_name(name)?;
        let dir = self.dir(stage, name);
        match read_pointer(&dir)? {
            Some(generation) => Ok(Some(dir.join(generation))),
            None if dir.join(MANIFEST).is_file() => Ok(Some(dir)),
            None => Ok(None),
        }
    }

    /// Where the current generation's files are, for readers that report a
    /// missing file by its path: [`ArtifactStore::current`], or the
    /// artifact's own folder when it has no readable pointer, so that
    /// reading a file there fails naming the place it was looked for.
    pub fn current_dir(&self, stage: &str, name: &str) -> PathBuf {
        self.current(stage, name)
            .ok()
            .flatten()
            .unwrap_or_else(|| self.dir(stage, name))
    }

    /// Starts a new generation of `stage/name`: tidies what earlier saves
    /// left (temporary folders of killed saves, generations other than the
    /// current one) and returns a draft whose files are invisible to readers
    /// until [`Draft::commit`].
    pub fn begin(&self, stage: &str, name: &str) -> Result<Draft, ArtifactError> {
        check_name(stage)?;
        check_name(name)?;
        let dir = self.dir(stage, name);
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| ArtifactError::Io { path, source }
        };
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let current = read_pointer(&dir).ok().flatten();
        remove_stale_temps(&dir);
        let mut last = 0;
        for entry in std::fs::read_dir(&dir).map_err(io(&dir))?.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            match generation_number(&file_name) {
                Some(n) if is_dir => {
                    last = last.max(n);
                    if current.as_deref() != Some(file_name.as_str()) {
                        let _ = std::fs::remove_dir_all(entry.path());
                    }
                }
                // Files from before generations, once a generation replaced them.
                _ if current.is_some()
                    && !is_dir
                    && file_name != CURRENT
                    && temp_owner(&file_name).is_none() =>
                {
                    let _ = std::fs::remove_file(entry.path());
                }
                _ => {}
            }
        }
        let generation = format!("g{:06}", last + 1);
        let temp = dir.join(format!(".{generation}.tmp-{}", std::process::id()));
        std::fs::create_dir(&temp).map_err(io(&temp))?;
        Ok(Draft {
            stage: stage.to_owned(),
            name: name.to_owned(),
            dir,
            generation,
            temp,
            files: Vec::new(),
            committed: false,
        })
    }

    /// Saves `files` as a new generation of the artifact `stage/name` and
    /// makes it the current one: [`ArtifactStore::begin`], each file, then
    /// [`Draft::commit`].
    pub fn save(
        &self,
        stage: &str,
        name: &str,
        files: &[(&str, &[u8])],
        inputs: Vec<InputRef>,
        params: serde_json::Value,
    ) -> Result<Manifest, ArtifactError> {
        let mut draft = self.begin(stage, name)?;
        for (file, bytes) in files {
            draft.write(file, bytes)?;
        }
        draft.commit(inputs, params)
    }

    /// Loads the manifest of the current generation of `stage/name` and
    /// checks every file against it.
    pub fn load(&self, stage: &str, name: &str) -> Result<Manifest, ArtifactError> {
        let dir = self
            .current(stage, name)?
            .unwrap_or_else(|| self.dir(stage, name));
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

/// The generation `dir/CURRENT` names, if there is a pointer.
fn read_pointer(dir: &Path) -> Result<Option<String>, ArtifactError> {
    let path = dir.join(CURRENT);
    let text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(ArtifactError::Io { path, source }),
    };
    let text = String::from_utf8_lossy(&text);
    let generation = text.trim();
    if generation_number(generation).is_some() && dir.join(generation).is_dir() {
        Ok(Some(generation.to_owned()))
    } else {
        Err(ArtifactError::BadPointer {
            path,
            content: generation.chars().take(80).collect(),
        })
    }
}

/// A generation being written: its files go into a temporary folder that no
/// reader looks at, and [`Draft::commit`] makes it the current generation in
/// one rename. Dropped without a commit, it removes its folder.
#[derive(Debug)]
pub struct Draft {
    stage: String,
    name: String,
    dir: PathBuf,
    generation: String,
    temp: PathBuf,
    files: Vec<FileRef>,
    committed: bool,
}

impl Draft {
    /// The folder the generation will have once committed (for a record
    /// that names where it is saved).
    pub fn final_dir(&self) -> PathBuf {
        self.dir.join(&self.generation)
    }

    /// Writes one file of the generation, flushed to disk.
    pub fn write(&mut self, file: &str, bytes: &[u8]) -> Result<(), ArtifactError> {
        check_name(file)?;
        if file == MANIFEST || file == CURRENT || self.files.iter().any(|f| f.file == file) {
            return Err(ArtifactError::BadName(file.to_owned()));
        }
        let path = self.temp.join(file);
        let written = std::fs::File::create(&path).and_then(|mut out| {
            out.write_all(bytes)?;
            out.sync_all()
        });
        written.map_err(|source| ArtifactError::Io { path, source })?;
        self.files.push(FileRef {
            file: file.to_owned(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        });
        pause_at("artifact-file", self.files.len());
        Ok(())
    }

    /// Writes the manifest, moves the generation into place and points
    /// `CURRENT` at it: from this rename on, readers see the new generation
    /// whole; before it, the old one whole.
    pub fn commit(
        mut self,
        inputs: Vec<InputRef>,
        params: serde_json::Value,
    ) -> Result<Manifest, ArtifactError> {
        let manifest = Manifest {
            stage: self.stage.clone(),
            name: self.name.clone(),
            created_at: now_rfc3339(),
            inputs,
            files: std::mem::take(&mut self.files),
            params,
        };
        let json = serde_json::to_vec_pretty(&manifest).expect("a manifest always serialises");
        let io = |path: PathBuf| move |source| ArtifactError::Io { path, source };
        let path = self.temp.join(MANIFEST);
        std::fs::File::create(&path)
            .and_then(|mut out| {
                out.write_all(&json)?;
                out.sync_all()
            })
            .map_err(io(path))?;
        sync_dir(&self.temp);
        let target = self.final_dir();
        std::fs::rename(&self.temp, &target).map_err(io(target.clone()))?;
        sync_dir(&self.dir);
        pause_at("artifact-commit", 1);
        write_atomic(
            &self.dir.join(CURRENT),
            format!("{}\n", self.generation).as_bytes(),
        )?;
        sync_dir(&self.dir);
        self.committed = true;
        Ok(manifest)
    }
}

impl Drop for Draft {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
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

    /// The names in a folder, sorted.
    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    fn save(store: &ArtifactStore, files: &[(&str, &[u8])]) -> Manifest {
        store
            .save("gather", "mini", files, vec![], serde_json::Value::Null)
            .unwrap()
    }

    #[test]
    fn each_save_is_a_generation_that_replaces_the_last_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = ArtifactStore::new(dir.path());
        assert_eq!(store.current("gather", "mini").unwrap(), None);
        save(&store, &[("clean.jsonl", b"old"), ("report.json", b"{}")]);
        let first = store.current_dir("gather", "mini");
        assert!(first.ends_with("gather/mini/g000001"), "{first:?}");
        // The second save drops a file: the new generation does not hold it,
        // and readers of the new one never see the old one's files.
        save(&store, &[("clean.jsonl", b"new")]);
        let second = store.current_dir("gather", "mini");
        assert!(second.ends_with("g000002"), "{second:?}");
        assert_eq!(std::fs::read(second.join("clean.jsonl")).unwrap(), b"new");
        assert!(!second.join("report.json").exists());
        assert_eq!(store.load("gather", "mini").unwrap().files.len(), 1);
        // The one before stays whole until the next save starts, for a
        // reader still reading it; then it goes.
        assert_eq!(std::fs::read(first.join("clean.jsonl")).unwrap(), b"old");
        save(&store, &[("clean.jsonl", b"newer")]);
        assert_eq!(
            entries(&store.dir("gather", "mini")),
            ["CURRENT", "g000002", "g000003"]
        );
    }

    #[test]
    fn what_a_killed_save_left_is_cleared_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let store = ArtifactStore::new(dir.path());
        save(&store, &[("clean.jsonl", b"old")]);
        let artifact = store.dir("gather", "mini");
        // A save killed half way (by a process that is gone: no process
        // has the largest pid), one killed after its generation was renamed into place
        // but before the pointer moved, and a pointer's temporary file.
        let dead = format!(".g000002.tmp-{}", u32::MAX);
        std::fs::create_dir(artifact.join(&dead)).unwrap();
        std::fs::write(artifact.join(&dead).join("clean.jsonl"), b"half").unwrap();
        std::fs::create_dir(artifact.join("g000007")).unwrap();
        std::fs::write(artifact.join(format!(".CURRENT.tmp-{}", u32::MAX)), b"g0").unwrap();
        // Readers still see the old generation, whole.
        assert_eq!(store.load("gather", "mini").unwrap().files[0].bytes, 3);
        save(&store, &[("clean.jsonl", b"next")]);
        assert_eq!(entries(&artifact), ["CURRENT", "g000001", "g000008"]);
        assert_eq!(
            std::fs::read(store.current_dir("gather", "mini").join("clean.jsonl")).unwrap(),
            b"next"
        );
    }

    #[test]
    fn a_draft_dropped_without_commit_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = ArtifactStore::new(dir.path());
        save(&store, &[("clean.jsonl", b"old")]);
        let mut draft = store.begin("gather", "mini").unwrap();
        assert!(draft.final_dir().ends_with("g000002"));
        draft.write("clean.jsonl", b"new").unwrap();
        assert!(draft.write("clean.jsonl", b"twice").is_err());
        drop(draft);
        assert_eq!(
            entries(&store.dir("gather", "mini")),
            ["CURRENT", "g000001"]
        );
    }

    #[test]
    fn an_artifact_saved_before_generations_reads_and_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let store = ArtifactStore::new(dir.path());
        let artifact = store.dir("frame", "baseline");
        std::fs::create_dir_all(&artifact).unwrap();
        let manifest = Manifest {
            stage: "frame".into(),
            name: "baseline".into(),
            created_at: now_rfc3339(),
            inputs: vec![],
            files: vec![FileRef {
                file: "summary.json".into(),
                sha256: sha256_hex(b"{}"),
                bytes: 2,
            }],
            params: serde_json::Value::Null,
        };
        std::fs::write(artifact.join("summary.json"), b"{}").unwrap();
        std::fs::write(
            artifact.join(MANIFEST),
            serde_json::to_vec(&manifest).unwrap(),
        )
        .unwrap();
        assert_eq!(store.current_dir("frame", "baseline"), artifact);
        assert_eq!(store.load("frame", "baseline").unwrap(), manifest);
        store
            .save(
                "frame",
                "baseline",
                &[("summary.json", b"[]")],
                vec![],
                manifest.params.clone(),
            )
            .unwrap();
        assert!(store.current_dir("frame", "baseline").ends_with("g000001"));
        // The next save clears the old layout's files.
        store
            .save(
                "frame",
                "baseline",
                &[("summary.json", b"[1]")],
                vec![],
                serde_json::Value::Null,
            )
            .unwrap();
        assert_eq!(entries(&artifact), ["CURRENT", "g000001", "g000002"]);
    }

    #[test]
    fn a_pointer_that_names_no_generation_is_reported_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let store = ArtifactStore::new(dir.path());
        save(&store, &[("clean.jsonl", b"x")]);
        for bad in ["g000009", "../../etc", ""] {
            std::fs::write(store.dir("gather", "mini").join(CURRENT), bad).unwrap();
            let err = store.load("gather", "mini").unwrap_err().to_string();
            assert!(
                err.contains("CURRENT") && err.contains("run the stage again"),
                "{err}"
            );
        }
        // Saving again mends it.
        save(&store, &[("clean.jsonl", b"y")]);
        assert_eq!(store.load("gather", "mini").unwrap().files[0].bytes, 1);
    }

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
        assert_eq!(
            entries(&store.dir("frame", "report")),
            ["CURRENT", "g000001"]
        );
        assert_eq!(
            entries(&store.current_dir("frame", "report")),
            ["manifest.json", "notes.txt", "report.json"]
        );
    }

    #[test]
    fn a_tampered_file_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let store = ArtifactStore::new(dir.path());
        store
            .save("s", "a", &[("x", b"1")], vec![], serde_json::Value::Null)
            .unwrap();
        std::fs::write(store.current_dir("s", "a").join("x"), b"2").unwrap();
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
        std::fs::write(
            store.current_dir("s", "a").join("manifest.json"),
            b"{not json",
        )
        .unwrap();
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
        for bad in ["..", "a/b", "", "manifest.json", "CURRENT"] {
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
