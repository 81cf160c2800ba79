//! The workspace the binary works in: its root, its data directory, its course.

use anyhow::{Context, Result, anyhow};
use ninety_grader::course::{self, Course};
use ninety_kit::{Corpus, CorpusName, DataHome};
use std::path::{Path, PathBuf};

/// A Ninety workspace: an instructor repository or a learner workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The folder holding `course.toml`.
    pub root: PathBuf,
    /// The data directory (`.ninety/` or `$NINETY_HOME`).
    pub home: DataHome,
    /// The course, read from `course.toml` and the labs' `lab.toml`.
    pub course: Course,
}

impl Workspace {
    /// Finds the workspace at or above `start` (or at `explicit` when given)
    /// and reads its course.
    pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<Self> {
        let root = match explicit {
            Some(dir) => {
                if !dir.join(course::COURSE_FILE).is_file() {
                    return Err(anyhow!(
                        "`{}` is not a Ninety workspace: it has no {}",
                        dir.display(),
                        course::COURSE_FILE
                    ));
                }
                dir.to_path_buf()
            }
            None => course::find_root(start).ok_or_else(|| {
                anyhow!(
                    "no Ninety workspace here: no {} in `{}` or any folder above it; cd into the course, or make one with `ninety init DIR`",
                    course::COURSE_FILE,
                    start.display()
                )
            })?,
        };
        let course = Course::load(&root).context("reading the course")?;
        let home = DataHome::resolve(&root);
        Ok(Self { root, home, course })
    }

    /// Whether this is a learner workspace made by `ninety init`.
    pub fn is_learner(&self) -> bool {
        self.root
            .join(ninety_grader::release::RELEASE_FILE)
            .exists()
    }

    /// The book's folder.
    pub fn book_dir(&self) -> PathBuf {
        self.root.join("book")
    }

    /// The corpus called `name`, opened: an error that lists the corpora
    /// when there is none of that name, or says how to get it when it is
    /// known but not here. Every command that takes a corpus asks this
    /// before it does anything else.
    pub fn corpus(&self, name: &CorpusName) -> Result<Corpus> {
        Ok(ninety_kit::corpus::open_known(
            name, &self.root, &self.home,
        )?)
    }
}

/// The header's line about the default corpus, from the known corpora.
pub fn corpus_line(all: &[ninety_kit::corpus::CorpusInfo]) -> String {
    match all
        .iter()
        .find(|c| c.name == "mini")
        .and_then(|c| c.messages)
    {
        Some(n) => format!("corpus: mini · {n} messages"),
        None => "corpus: mini (missing: datasets/mini)".into(),
    }
}
