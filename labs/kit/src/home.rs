//! The data directory: where everything the pipeline and the workbench write lives.
//!
//! By default it is `.ninety/` at the workspace root (ignored by git). The
//! `NINETY_HOME` environment variable moves it, so several learners, or
//! several tests, can share one machine without touching each other's state.

use std::path::{Path, PathBuf};

/// The environment variable that moves the data directory.
pub const HOME_ENV: &str = "NINETY_HOME";

/// The data directory and the well-known places inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataHome {
    root: PathBuf,
}

impl DataHome {
    /// The data directory for the workspace at `workspace_root`: `NINETY_HOME`
    /// when it is set and not empty, else `<workspace_root>/.ninety`.
    pub fn resolve(workspace_root: &Path) -> Self {
        match std::env::var_os(HOME_ENV) {
            Some(dir) if !dir.is_empty() => Self::at(PathBuf::from(dir)),
            _ => Self::at(workspace_root.join(".ninety")),
        }
    }

    /// A data directory at exactly `root`.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The workbench's saved progress.
    pub fn state_file(&self) -> PathBuf {
        self.root.join("state.json")
    }

    /// Where imported corpora are unpacked, one folder each.
    pub fn corpora(&self) -> PathBuf {
        self.root.join("corpora")
    }

    /// Where stage artifacts are stored, one folder per stage.
    pub fn artifacts(&self) -> PathBuf {
        self.root.join("artifacts")
    }

    /// The model registry: one folder per registered model, named by its
    /// content hash, and the `champion` pointer.
    pub fn models(&self) -> PathBuf {
        self.root.join("models")
    }

    /// Where the workbench asks the grader to write results.
    pub fn grades(&self) -> PathBuf {
        self.root.join("grades")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_live_under_the_root() {
        let home = DataHome::at("/tmp/x");
        assert_eq!(home.state_file(), Path::new("/tmp/x/state.json"));
        assert_eq!(home.corpora(), Path::new("/tmp/x/corpora"));
        assert_eq!(home.artifacts(), Path::new("/tmp/x/artifacts"));
        assert_eq!(home.grades(), Path::new("/tmp/x/grades"));
    }
}
