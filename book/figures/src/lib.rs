//! The book's figures, made by code from the project's real outputs.
//!
//! Two steps, so that the book builds without the corpus and CI can still
//! prove the pictures true:
//!
//! - [`capture`](capture::capture) reads a data home the pipeline wrote
//!   (the gather stage's clean dataset, the tracked train runs, the random
//!   split's evaluation, one raw message) and keeps what the figures show in
//!   small JSON files under `book/figures/data/`, which are committed;
//! - [`draw`] turns those files, and nothing else, into SVG files under
//!   `book/src/figures/`, also committed, the same bytes every time.
//!
//! [`check`] redraws in memory and names every committed figure that
//! differs from what its data gives; [`compare`](compare::compare) names
//! every committed number that a fresh capture no longer agrees with. CI
//! runs both. The diagrams (the pipeline, the curves computed from a
//! formula) are drawn by the same code from the same files, so no figure in
//! the book is drawn by hand.

pub mod capture;
pub mod compare;
pub mod data;
pub mod figure;
pub mod plot;
pub mod svg;

use data::{Data, DataError};
use std::path::{Path, PathBuf};

/// One figure: its file, the chapter it illustrates, how it is drawn.
#[derive(Debug, Clone, Copy)]
pub struct Figure {
    /// Its file name under `book/src/figures/`.
    pub file: &'static str,
    /// The chapter that shows it.
    pub chapter: &'static str,
    /// Draws it from the data.
    pub draw: fn(&Data) -> String,
}

/// Every figure in the book.
pub const FIGURES: &[Figure] = &[
    Figure {
        file: "pipeline.svg",
        chapter: "introduction.md",
        draw: figure::pipeline::draw,
    },
    Figure {
        file: "rule-of-three.svg",
        chapter: "frame.md",
        draw: figure::rule_of_three::draw,
    },
    Figure {
        file: "mime-tree.svg",
        chapter: "gather.md",
        draw: figure::mime_tree::draw,
    },
    Figure {
        file: "kappa-prevalence.svg",
        chapter: "label.md",
        draw: figure::kappa::draw,
    },
    Figure {
        file: "splits.svg",
        chapter: "train.md",
        draw: figure::splits::draw,
    },
    Figure {
        file: "confusion.svg",
        chapter: "train.md",
        draw: figure::confusion::draw,
    },
    Figure {
        file: "loss-curves.svg",
        chapter: "train.md",
        draw: figure::loss::draw,
    },
    Figure {
        file: "operating-points.svg",
        chapter: "train.md",
        draw: figure::operating::draw,
    },
    Figure {
        file: "reliability.svg",
        chapter: "evaluate.md",
        draw: figure::reliability::draw,
    },
];

/// Why the figures could not be drawn or checked.
#[derive(Debug, thiserror::Error)]
pub enum FigureError {
    /// The data files could not be read.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A figure could not be written or read.
    #[error("`{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Where the figures go, under the workspace `root`.
pub fn out_dir(root: &Path) -> PathBuf {
    root.join("book/src/figures")
}

/// Every figure drawn from `data`: file name and SVG text.
pub fn render(data: &Data) -> Vec<(&'static str, String)> {
    FIGURES.iter().map(|f| (f.file, (f.draw)(data))).collect()
}

/// Draws every figure from the data files of the workspace at `root` and
/// writes them into `book/src/figures/`. Returns the files written.
pub fn draw(root: &Path) -> Result<Vec<PathBuf>, FigureError> {
    let data = Data::load(&capture::data_dir(root))?;
    let dir = out_dir(root);
    std::fs::create_dir_all(&dir).map_err(|source| FigureError::Io {
        path: dir.clone(),
        source,
    })?;
    let mut written = Vec::new();
    for (file, svg) in render(&data) {
        let path = dir.join(file);
        std::fs::write(&path, svg).map_err(|source| FigureError::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

/// Every committed figure that differs from what its data gives, is
/// missing, or is an SVG in `book/src/figures/` that no figure makes, in
/// words. Empty when the committed figures are exactly what `draw` writes.
pub fn check(root: &Path) -> Result<Vec<String>, FigureError> {
    let data = Data::load(&capture::data_dir(root))?;
    let dir = out_dir(root);
    let mut problems = Vec::new();
    for (file, svg) in render(&data) {
        let path = dir.join(file);
        match std::fs::read_to_string(&path) {
            Ok(committed) if committed == svg => {}
            Ok(_) => problems.push(format!(
                "{}: differs from what its data gives; run `ninety book figures` and commit it",
                path.display()
            )),
            Err(_) => problems.push(format!(
                "{}: missing; run `ninety book figures` and commit it",
                path.display()
            )),
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut strays: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".svg") && !FIGURES.iter().any(|f| f.file == name))
            .collect();
        strays.sort();
        for name in strays {
            problems.push(format!(
                "{}: no figure makes it; remove it, or add its code to ninety-figures",
                dir.join(name).display()
            ));
        }
    }
    Ok(problems)
}

/// The committed data, for tests.
#[cfg(test)]
pub(crate) fn test_data() -> Data {
    Data::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data"))
        .expect("the committed data files read")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawing_is_deterministic_and_every_figure_is_an_svg_with_a_title() {
        let data = test_data();
        let first = render(&data);
        let second = render(&data);
        assert_eq!(first, second);
        for (file, svg) in &first {
            assert!(svg.starts_with("<svg "), "{file}");
            assert!(svg.contains("<title>"), "{file}");
            assert!(svg.trim_end().ends_with("</svg>"), "{file}");
        }
    }

    #[test]
    fn the_committed_figures_are_what_the_committed_data_gives() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let problems = check(&root).unwrap();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn check_names_a_changed_a_missing_and_a_stray_figure() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        data::Data::save(&test_data(), &capture::data_dir(root)).unwrap();
        draw(root).unwrap();
        assert!(check(root).unwrap().is_empty());
        let out = out_dir(root);
        std::fs::write(out.join("splits.svg"), "<svg/>").unwrap();
        std::fs::remove_file(out.join("pipeline.svg")).unwrap();
        std::fs::write(out.join("old.svg"), "<svg/>").unwrap();
        let problems = check(root).unwrap();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("splits.svg: differs")));
        assert!(problems.iter().any(|p| p.contains("pipeline.svg: missing")));
        assert!(problems.iter().any(|p| p.contains("old.svg: no figure")));
    }
}
