//! Watch mode: grade a lab again when one of its files is saved.
//!
//! `notify-debouncer-mini` does the waiting: editors write a file in several
//! steps (temp file, rename, metadata), so changes are gathered until the
//! lab's folder has been quiet for [`QUIET`], then `on_change` runs once.
//! Under the debouncer, [`LabChanges`] passes on only what counts: writes,
//! creations and removals of a lab's own files (not the reads a grade makes
//! of them, which would start the next grade, nor build output), each as a
//! change to the lab's folder, so the debouncer keeps one quiet period for
//! the whole folder and a save that touches several files is one change.

use notify::{EventHandler, EventKind, RecommendedWatcher, RecursiveMode, Watcher, WatcherKind};
use notify_debouncer_mini::{
    Config, DebounceEventResult, DebouncedEventKind, Debouncer, new_debouncer_opt,
};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How long the folder must be quiet before a change counts.
pub const QUIET: Duration = Duration::from_millis(300);

/// A running watch on one lab; dropping it stops the watch.
pub struct LabWatch {
    _debouncer: Debouncer<LabChanges>,
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

/// Starts watching `lab_dir`; `on_change` runs (on the watch's own thread)
/// once after each burst of saves.
pub fn watch(
    lab_dir: &Path,
    mut on_change: impl FnMut() + Send + 'static,
) -> notify::Result<LabWatch> {
    // Everything reaches the debouncer as the lab folder's path (see
    // `LabChanges`): it says `Any` once the folder has been quiet, and
    // `AnyContinuous` while saves keep coming, which is not yet a change.
    let handler = move |result: DebounceEventResult| {
        if let Ok(events) = result
            && events.iter().any(|e| e.kind == DebouncedEventKind::Any)
        {
            on_change();
        }
    };
    let config = Config::default().with_timeout(QUIET);
    let mut debouncer = new_debouncer_opt::<_, LabChanges>(config, handler)?;
    debouncer
        .watcher()
        .watch(lab_dir, RecursiveMode::Recursive)?;
    Ok(LabWatch {
        _debouncer: debouncer,
    })
}

/// The platform's watcher, passing on only changes to the watched labs'
/// relevant files, each reported as a change to its lab's folder.
struct LabChanges {
    inner: RecommendedWatcher,
    labs: Arc<Mutex<Vec<PathBuf>>>,
}

impl Watcher for LabChanges {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        let labs: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
        let watched = Arc::clone(&labs);
        let inner = RecommendedWatcher::new(
            move |result: notify::Result<notify::Event>| match result {
                Err(e) => handler.handle_event(Err(e)),
                Ok(event)
                    if matches!(
                        event.kind,
                        EventKind::Modify(_) | EventKind::Create(_) | EventKind::Remove(_)
                    ) =>
                {
                    let labs = watched.lock().unwrap_or_else(PoisonError::into_inner);
                    for lab in labs.iter() {
                        if event.paths.iter().any(|path| is_relevant(lab, path)) {
                            handler.handle_event(Ok(
                                notify::Event::new(event.kind).add_path(lab.clone())
                            ));
                        }
                    }
                }
                Ok(_) => {}
            },
            config,
        )?;
        Ok(Self { inner, labs })
    }

    fn watch(&mut self, path: &Path, recursive_mode: RecursiveMode) -> notify::Result<()> {
        self.labs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(path.to_owned());
        let result = self.inner.watch(path, recursive_mode);
        if result.is_err() {
            self.forget(path);
        }
        result
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.forget(path);
        self.inner.unwatch(path)
    }

    fn kind() -> WatcherKind {
        RecommendedWatcher::kind()
    }
}

impl LabChanges {
    fn forget(&self, path: &Path) {
        self.labs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|lab| lab != path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

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

    /// A lab folder with `src/lib.rs` and `spec.toml`, watched; each change
    /// sends `()` on the returned channel.
    fn watched_lab() -> (tempfile::TempDir, PathBuf, LabWatch, mpsc::Receiver<()>) {
        let dir = tempfile::tempdir().unwrap();
        let lab = dir.path().join("labs/frame");
        std::fs::create_dir_all(lab.join("src")).unwrap();
        std::fs::write(lab.join("src/lib.rs"), "// start").unwrap();
        std::fs::write(lab.join("spec.toml"), "# start").unwrap();
        let (tx, rx) = mpsc::channel();
        let watch = watch(&lab, move || {
            let _ = tx.send(());
        })
        .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        (dir, lab, watch, rx)
    }

    #[test]
    fn a_burst_of_saves_is_one_change() {
        let (_dir, lab, _watch, rx) = watched_lab();
        for i in 0..5 {
            std::fs::write(lab.join("src/lib.rs"), format!("// {i}")).unwrap();
        }
        rx.recv_timeout(Duration::from_secs(5))
            .expect("a change is reported");
        assert!(
            rx.recv_timeout(QUIET * 3).is_err(),
            "one burst, one message"
        );
    }

    #[test]
    fn saving_several_files_at_once_is_one_change() {
        let (_dir, lab, _watch, rx) = watched_lab();
        std::fs::write(lab.join("src/lib.rs"), "// one").unwrap();
        std::thread::sleep(QUIET / 3);
        std::fs::write(lab.join("spec.toml"), "# two").unwrap();
        std::thread::sleep(QUIET / 3);
        std::fs::write(lab.join("src/new.rs"), "// three").unwrap();
        rx.recv_timeout(Duration::from_secs(5))
            .expect("a change is reported");
        assert!(
            rx.recv_timeout(QUIET * 3).is_err(),
            "one burst over several files, one message"
        );
    }

    #[test]
    fn reads_and_build_output_are_not_changes() {
        let (_dir, lab, watch, rx) = watched_lab();
        for _ in 0..5 {
            std::fs::read(lab.join("src/lib.rs")).unwrap();
            std::fs::read(lab.join("spec.toml")).unwrap();
        }
        std::fs::create_dir_all(lab.join("target/debug")).unwrap();
        std::fs::write(lab.join("target/debug/out.rs"), "// built").unwrap();
        std::fs::write(lab.join("src/.lib.rs.swp"), "swap").unwrap();
        assert!(
            rx.recv_timeout(QUIET * 4).is_err(),
            "reading a lab's files or building it is not a save"
        );
        // Dropping the watch stops it.
        drop(watch);
        std::fs::write(lab.join("src/lib.rs"), "// after").unwrap();
        assert!(rx.recv_timeout(QUIET * 3).is_err(), "the watch has stopped");
    }
}
