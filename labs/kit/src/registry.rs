//! The model registry: evaluated models, each in a folder named by the
//! content hash of what is inside it, and a `champion` pointer.
//!
//! A registered model holds everything serving needs and everything an
//! auditor asks for: the weights (`model.mpk`), the training settings
//! (`config.json`, which fix the features), the decision threshold and the
//! calibration with the lineage (`model.json`), the evaluation and the
//! model card. A folder is written under a temporary name and renamed into
//! place, and never changed after: registering the same model twice gives
//! the same id and writes nothing. The pointer files are replaced
//! atomically.

use crate::DataHome;
use crate::artifact::write_atomic;
use crate::hash::sha256_hex;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The pointer to the model that is served.
pub const CHAMPION: &str = "champion";

/// Every change of champion, one line each (`TIME promote ID`, `TIME
/// rollback ID`), appended and never rewritten.
pub const HISTORY: &str = "champion.log";

/// The description of a model, `model.json` in its folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// The run that trained it.
    pub run_id: String,
    /// The corpus it was trained on.
    pub corpus: String,
    /// Its kind: `fasttext` or `logreg`.
    pub model: String,
    /// Flag a message when its score is at least this (absent when the
    /// evaluation found no threshold the spec allows).
    pub threshold: Option<f64>,
    /// Platt scaling's slope and shift, fitted on validation.
    pub platt: Option<(f64, f64)>,
    /// Whether every gate of its evaluation passed.
    pub ready: bool,
    /// Where it came from.
    pub lineage: Lineage,
    /// The canary: a test message kept raw beside the model
    /// (`canary.eml`) with the score the evaluation gave the text training
    /// made of it. A server scores the raw message again when it loads
    /// the model; a different score means the served features are not
    /// training's. Absent when the raw message could not be read.
    #[serde(default)]
    pub canary: Option<CanaryInfo>,
}

/// The canary's record in `model.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CanaryInfo {
    /// The message's path in its corpus.
    pub path: String,
    /// The score the evaluation gave the text training made of it.
    pub score: f64,
}

/// Every clean test message's serving-path score, one JSON object a line
/// (`id`, `path`, `score`): what a replay of the test split through a
/// server must get, exactly.
pub const TEST_SCORES_FILE: &str = "test-scores.jsonl";

/// What normal traffic looked like when the model was judged: every clean
/// test message as the prediction log would record it (kit
/// `LoggedPrediction`, `request_id` the message's id, `model_id` empty),
/// one JSON object a line. The monitor compares served windows with it.
pub const REFERENCE_FILE: &str = "reference.jsonl";

/// The canary's raw message in a model's folder.
pub const CANARY_FILE: &str = "canary.eml";

/// What made a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lineage {
    /// The run.
    pub run_id: String,
    /// The clean dataset's file name and SHA-256.
    pub clean: String,
    /// The labels used.
    pub labels: String,
    /// The SHA-256 of the run's `config.json`.
    pub config_sha256: String,
    /// The code's commit, when known.
    pub code_commit: Option<String>,
}

/// A registered model: its id, its folder and its description.
#[derive(Debug, Clone, PartialEq)]
pub struct Registered {
    /// The content hash that names it.
    pub id: String,
    /// Its folder.
    pub dir: PathBuf,
    /// `model.json`.
    pub info: ModelInfo,
    /// When its folder was made (seconds since the Unix epoch).
    pub created: u64,
}

/// What went wrong in the registry, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A `model.json` that does not parse.
    #[error("{path}: not a model description: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// An id that names no model, or more than one.
    #[error("{0}")]
    Unknown(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RegistryError + '_ {
    move |source| RegistryError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The registry of a data directory.
#[derive(Debug, Clone)]
pub struct Registry {
    dir: PathBuf,
}

impl Registry {
    /// The registry under `home` (`.ninety/models/`).
    pub fn new(home: &DataHome) -> Self {
        Self { dir: home.models() }
    }

    /// Its folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Registers a model made of `files` (name and bytes; `model.json` is
    /// written from `info`) and returns its id: the first 16 hex digits of
    /// the SHA-256 over every file's name, length and bytes, in name order.
    pub fn register(
        &self,
        info: &ModelInfo,
        files: &[(&str, Vec<u8>)],
    ) -> Result<String, RegistryError> {
        let description =
            serde_json::to_vec_pretty(info).map_err(|source| RegistryError::Parse {
                path: self.dir.join("model.json"),
                source,
            })?;
        let mut all: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        all.push(("model.json", &description));
        all.sort_by(|a, b| a.0.cmp(b.0));
        let mut hashed = Vec::new();
        for (name, bytes) in &all {
            hashed.extend_from_slice(name.as_bytes());
            hashed.push(0);
            hashed.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            hashed.extend_from_slice(bytes);
        }
        let id = sha256_hex(&hashed)[..16].to_owned();
        let target = self.dir.join(&id);
        if target.join("model.json").is_file() {
            return Ok(id);
        }
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let staging = self
            .dir
            .join(format!(".partial-{id}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(io(&staging))?;
        for (name, bytes) in &all {
            let path = staging.join(name);
            std::fs::write(&path, bytes).map_err(io(&path))?;
        }
        match std::fs::rename(&staging, &target) {
            Ok(()) => Ok(id),
            // Another process registered the same model first.
            Err(_) if target.join("model.json").is_file() => {
                let _ = std::fs::remove_dir_all(&staging);
                Ok(id)
            }
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staging);
                Err(io(&target)(e))
            }
        }
    }

    /// Every registered model, the newest first. Folders being written
    /// (`.partial-…`) are left out.
    pub fn list(&self) -> Result<Vec<Registered>, RegistryError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&self.dir)(e)),
        };
        let mut models = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io(&self.dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !entry.path().is_dir() {
                continue;
            }
            models.push(self.read(&name)?);
        }
        models.sort_by(|a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
        Ok(models)
    }

    fn read(&self, id: &str) -> Result<Registered, RegistryError> {
        let dir = self.dir.join(id);
        let path = dir.join("model.json");
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        let info =
            serde_json::from_str(&text).map_err(|source| RegistryError::Parse { path, source })?;
        let created = std::fs::metadata(&dir)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        Ok(Registered {
            id: id.to_owned(),
            dir,
            info,
            created,
        })
    }

    /// The model whose id starts with `prefix`.
    pub fn find(&self, prefix: &str) -> Result<Registered, RegistryError> {
        let models = self.list()?;
        let matching = crate::names::by_id_prefix(&models, prefix, |m: &Registered| m.id.as_str());
        match matching.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(RegistryError::Unknown(format!(
                "no registered model's id starts with `{prefix}` (in {}); `ninety run evaluate` registers one",
                self.dir.display()
            ))),
            many => Err(RegistryError::Unknown(format!(
                "`{prefix}` starts {} models' ids; give more of the id",
                many.len()
            ))),
        }
    }

    /// The champion's id, when one was promoted and is still registered.
    pub fn champion(&self) -> Result<Option<String>, RegistryError> {
        let path = self.dir.join(CHAMPION);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let id = text.trim().to_owned();
                Ok(self
                    .dir
                    .join(&id)
                    .join("model.json")
                    .is_file()
                    .then_some(id))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&path)(e)),
        }
    }

    /// Makes the model `id` the champion, and records it in the
    /// champion's history.
    pub fn promote(&self, id: &str) -> Result<String, RegistryError> {
        let model = self.find(id)?;
        self.record("promote", &model.id)?;
        self.point_at(&model.id)?;
        Ok(model.id)
    }

    /// Puts back the champion before the current one (as promotions and
    /// rollbacks left the history) and returns its id.
    pub fn rollback(&self) -> Result<String, RegistryError> {
        let mut stack = self.champions()?;
        stack.pop();
        let Some(previous) = stack.pop() else {
            return Err(RegistryError::Unknown(
                "no earlier champion to roll back to: the champion history (champion.log) holds only the current one".into(),
            ));
        };
        if !self.dir.join(&previous).join("model.json").is_file() {
            return Err(RegistryError::Unknown(format!(
                "the earlier champion {previous} is no longer in {}",
                self.dir.display()
            )));
        }
        self.record("rollback", &previous)?;
        self.point_at(&previous)?;
        Ok(previous)
    }

    /// The champions in the order they were made, the current one last:
    /// the history replayed, each promotion pushing its model and each
    /// rollback popping back to the one before.
    pub fn champions(&self) -> Result<Vec<String>, RegistryError> {
        let path = self.dir.join(HISTORY);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&path)(e)),
        };
        let mut stack: Vec<String> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                [_, "promote", id] => stack.push((*id).to_owned()),
                [_, "rollback", id] => {
                    stack.pop();
                    if stack.last().map(String::as_str) != Some(*id) {
                        // A history edited by hand: trust what it says.
                        stack.push((*id).to_owned());
                    }
                }
                [] => {}
                _ => {
                    return Err(RegistryError::Unknown(format!(
                        "{} line {}: expected `TIME promote ID` or `TIME rollback ID`, found `{line}`",
                        path.display(),
                        n + 1
                    )));
                }
            }
        }
        Ok(stack)
    }

    fn record(&self, what: &str, id: &str) -> Result<(), RegistryError> {
        use std::io::Write as _;
        let path = self.dir.join(HISTORY);
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| writeln!(f, "{} {what} {id}", crate::artifact::now_rfc3339()))
            .map_err(io(&path))
    }

    fn point_at(&self, id: &str) -> Result<(), RegistryError> {
        let path = self.dir.join(CHAMPION);
        write_atomic(&path, format!("{id}\n").as_bytes()).map_err(|e| RegistryError::Io {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(run: &str) -> ModelInfo {
        ModelInfo {
            run_id: run.into(),
            corpus: "mini".into(),
            model: "fasttext".into(),
            threshold: Some(0.9),
            platt: Some((0.5, -0.1)),
            ready: false,
            lineage: Lineage {
                run_id: run.into(),
                clean: "clean.jsonl".into(),
                labels: "the corpus's folders".into(),
                config_sha256: "c0ffee".into(),
                code_commit: None,
            },
            canary: None,
        }
    }

    #[test]
    fn a_canary_score_reads_back_to_the_same_bits() {
        // Seen: without exact float parsing, this came back one unit in
        // the last place lower, and a server judged its own canary skewed.
        let mut described = info("r");
        described.canary = Some(CanaryInfo {
            path: "easy_ham/00001".into(),
            score: 0.456_474_888_648_713_55,
        });
        let text = serde_json::to_string(&described).unwrap();
        let back: ModelInfo = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back.canary.unwrap().score.to_bits(),
            0.456_474_888_648_713_55_f64.to_bits()
        );
    }

    #[test]
    fn the_same_model_registered_twice_gets_one_id_and_one_folder() {
        let home = tempfile::tempdir().unwrap();
        let registry = Registry::new(&DataHome::at(home.path()));
        let files = vec![("model.mpk", vec![1u8, 2, 3])];
        let a = registry.register(&info("r1"), &files).unwrap();
        let b = registry.register(&info("r1"), &files).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 16);
        let other = registry.register(&info("r2"), &files).unwrap();
        assert_ne!(a, other, "a different run is a different model");
        let listed = registry.list().unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(registry.find(&a[..6]).unwrap().info, info("r1"));
        assert_eq!(
            std::fs::read(registry.dir().join(&a).join("model.mpk")).unwrap(),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn the_champion_is_a_pointer_to_a_registered_model() {
        let home = tempfile::tempdir().unwrap();
        let registry = Registry::new(&DataHome::at(home.path()));
        assert_eq!(registry.champion().unwrap(), None);
        let id = registry
            .register(&info("r1"), &[("model.mpk", vec![7])])
            .unwrap();
        registry.promote(&id[..4]).unwrap();
        assert_eq!(registry.champion().unwrap(), Some(id));
        let err = registry.promote("zzz").unwrap_err().to_string();
        assert!(err.contains("no registered model"), "{err}");
    }

    #[test]
    fn a_rollback_puts_back_the_champion_before_and_can_go_further_back() {
        let home = tempfile::tempdir().unwrap();
        let registry = Registry::new(&DataHome::at(home.path()));
        let ids: Vec<String> = ["r1", "r2", "r3"]
            .iter()
            .map(|r| {
                registry
                    .register(&info(r), &[("model.mpk", vec![1])])
                    .unwrap()
            })
            .collect();
        let err = registry.rollback().unwrap_err().to_string();
        assert!(err.contains("no earlier champion"), "{err}");
        for id in &ids {
            registry.promote(id).unwrap();
        }
        assert_eq!(registry.rollback().unwrap(), ids[1]);
        assert_eq!(registry.champion().unwrap().as_ref(), Some(&ids[1]));
        assert_eq!(registry.rollback().unwrap(), ids[0]);
        assert!(registry.rollback().is_err(), "nothing before the first");
        assert_eq!(registry.champion().unwrap().as_ref(), Some(&ids[0]));
        registry.promote(&ids[2]).unwrap();
        assert_eq!(
            registry.champions().unwrap(),
            vec![ids[0].clone(), ids[2].clone()]
        );
        // A damaged history is named with its line.
        std::fs::write(registry.dir().join(HISTORY), "when promote\n").unwrap();
        let err = registry.champions().unwrap_err().to_string();
        assert!(err.contains("champion.log line 1"), "{err}");
    }

    #[test]
    fn a_damaged_description_is_named() {
        let home = tempfile::tempdir().unwrap();
        let registry = Registry::new(&DataHome::at(home.path()));
        let id = registry
            .register(&info("r1"), &[("model.mpk", vec![7])])
            .unwrap();
        std::fs::write(registry.dir().join(&id).join("model.json"), "{").unwrap();
        let err = registry.list().unwrap_err().to_string();
        assert!(
            err.contains("model.json") && err.contains("not a model description"),
            "{err}"
        );
    }
}
