//! Watch mode: grade a lab again when one of its files is saved.
//!
//! A `notify` watcher on the lab's folder feeds a small debounce thread:
//! editors write a file in several steps (temp file, rename, metadata), so
//! events are gathered until the folder has been quiet for a moment, then one
//! [`Message::FilesChanged`] is sent.

use crate::app::Message;
use notify::{EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::time::Duration;

/// How long the folder must be quiet before a change counts.
pub const QUIET: Duration = Duration::from_millis(300);

/// A running watch on one lab; dropping it stops the watch.
pub struct LabWatch {
    _watcher: notify::RecommendedWatcher,
}

/// Whether a changed path should trigger a grade: a lab's sources, tests
/// and data files, not build output or editor droppings.
pub fn is_relevant(lab_dir: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(lab_dir) else {
        return false;
    };
    if rel.components().any(|c| c.as_os_str() == "target") {
        return false;
    }
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.contains(".tmp")
    {
        return false;
    }
    matches!(
        rel.extension().and_then(|e| e.to_str()),
        Some("rs" | "toml" | "md" | "json" | "txt")
    )
}

/// Starts watching `lab_dir`; `FilesChanged(lab)` goes to `tx` after each burst of saves.
pub fn watch(lab: &str, lab_dir: &Path, tx: Sender<Message>) -> notify::Result<LabWatch> {
    let (raw_tx, raw_rx) = mpsc::channel::<PathBuf>();
    let dir = lab_dir.to_path_buf();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res
            && matches!(
                event.kind,
                EventKind::Modify(_) | EventKind::Create(_) | EventKind::Remove(_)
            )
        {
            for path in event.paths {
                if is_relevant(&dir, &path) {
                    let _ = raw_tx.send(path);
                }
            }
        }
    })?;
    watcher.watch(lab_dir, RecursiveMode::Recursive)?;
    let lab = lab.to_owned();
    std::thread::spawn(move || {
        // Ends when the watcher (and so raw_tx) is dropped.
        while raw_rx.recv().is_ok() {
            while raw_rx.recv_timeout(QUIET).is_ok() {}
            if tx.send(Message::FilesChanged(lab.clone())).is_err() {
                return;
            }
        }
    });
    Ok(LabWatch { _watcher: watcher })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lab_sources_count() {
        let lab = Path::new("/w/labs/frame");
        assert!(is_relevant(lab, Path::new("/w/labs/frame/src/lib.rs")));
        assert!(is_relevant(lab, Path::new("/w/labs/frame/spec.toml")));
        assert!(!is_relevant(
            lab,
            Path::new("/w/labs/frame/target/debug/x.rs")
        ));
        assert!(!is_relevant(
            lab,
            Path::new("/w/labs/frame/src/.lib.rs.swp")
        ));
        assert!(!is_relevant(lab, Path::new("/w/labs/frame/src/lib.rs~")));
        assert!(!is_relevant(lab, Path::new("/w/labs/gather/src/lib.rs")));
        assert!(!is_relevant(lab, Path::new("/w/labs/frame/notes.bin")));
    }

    #[test]
    fn a_burst_of_saves_is_one_change() {
        let dir = tempfile::tempdir().unwrap();
        let lab = dir.path().join("labs/frame");
        std::fs::create_dir_all(lab.join("src")).unwrap();
        let (tx, rx) = mpsc::channel();
        let _watch = watch("frame", &lab, tx).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        for i in 0..5 {
            std::fs::write(lab.join("src/lib.rs"), format!("// {i}")).unwrap();
        }
        let first = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("a change is reported");
        assert_eq!(first, Message::FilesChanged("frame".into()));
        assert!(
            rx.recv_timeout(QUIET * 3).is_err(),
            "one burst, one message"
        );
    }
}
