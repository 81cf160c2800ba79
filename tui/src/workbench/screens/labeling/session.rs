//! The labeling screen's model: a queue of messages, one on screen, and the
//! decisions of this session (for undo).
//!
//! The queue comes from the label lab's queue code, run as the pipeline's
//! `label-queue` stage; the messages from the gather stage's output; the
//! annotator's earlier decisions from their log in the kit's label store.
//! What was decided before (a label or a skip) is not asked again: unlabeled
//! messages come first, in queue order, then the skipped ones. So a session
//! that stops resumes where it stopped.

use ninety_kit::QueueOrder;
use ninety_kit::clean::{clean_path, read_gathered};
use ninety_kit::labels::{self, Choice, Decision, Mark};
use ninety_kit::records::label::Queue;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A message to label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Its id (the SHA-256 of its raw bytes).
    pub id: String,
    /// Its subject.
    pub subject: String,
    /// Its sender.
    pub from: String,
    /// Its clean body.
    pub body: String,
}

/// Everything a session starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionData {
    /// The corpus.
    pub corpus: String,
    /// Who labels.
    pub annotator: String,
    /// The order asked for.
    pub order: QueueOrder,
    /// Why the asked order was not used, if it was not (the queue is then
    /// in id order).
    pub fallback: Option<String>,
    /// Whether the messages come from the reference gather output.
    pub reference: bool,
    /// The messages, in queue order.
    pub items: Vec<Item>,
    /// The annotator's current labels, from their log.
    pub labels: HashMap<String, Choice>,
    /// Items whose current decision is a skip.
    pub skipped: BTreeSet<String>,
    /// Lines of the log that could not be read.
    pub problems: Vec<String>,
    /// The log's path.
    pub log: PathBuf,
    /// The labeling guidelines (markdown), from the label lab.
    pub guidelines: String,
}

/// One decision of this session, with what undo needs to put back.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Made {
    item: usize,
    at: usize,
    mark: Mark,
    before: Option<Choice>,
    was_skipped: bool,
}

/// A labeling session.
#[derive(Debug, Clone)]
pub struct Session {
    /// What it started from.
    pub data: SessionData,
    /// Indices into `data.items` still to decide, in the order they come.
    pub pending: Vec<usize>,
    /// The position in `pending` of the message on screen.
    pub at: usize,
    /// The note to attach to the next decision.
    pub note: String,
    /// Typing the note.
    pub typing_note: bool,
    /// Scroll of the body.
    pub scroll: u16,
    /// Scroll of the guidelines.
    pub guide_scroll: u16,
    /// The guidelines, rendered once.
    pub guidelines: Vec<ratatui::text::Line<'static>>,
    made: Vec<Made>,
    labels_this_session: usize,
    started: Instant,
    shown: Instant,
}

impl Session {
    /// A session over `data`, starting at the first message not decided.
    pub fn new(data: SessionData, now: Instant) -> Self {
        let undecided = (0..data.items.len()).filter(|&i| {
            let id = &data.items[i].id;
            !data.labels.contains_key(id) && !data.skipped.contains(id)
        });
        let skipped = (0..data.items.len()).filter(|&i| data.skipped.contains(&data.items[i].id));
        let pending: Vec<usize> = undecided.chain(skipped).collect();
        let guidelines = crate::workbench::markdown::render(&data.guidelines);
        Session {
            guidelines,
            data,
            pending,
            at: 0,
            note: String::new(),
            typing_note: false,
            scroll: 0,
            guide_scroll: 0,
            made: Vec::new(),
            labels_this_session: 0,
            started: now,
            shown: now,
        }
    }

    /// The message on screen, if any is left.
    pub fn current(&self) -> Option<&Item> {
        self.pending.get(self.at).map(|&i| &self.data.items[i])
    }

    /// Messages with a label (all sessions).
    pub fn labeled(&self) -> usize {
        self.data.labels.len()
    }

    /// Messages left in the queue, the one on screen included.
    pub fn left(&self) -> usize {
        self.pending.len().saturating_sub(self.at)
    }

    /// Decisions of this session that undo can take back.
    pub fn undoable(&self) -> usize {
        self.made.len()
    }

    /// Labels given this session, per minute since it started.
    pub fn rate(&self, now: Instant) -> Option<f64> {
        let minutes = now.duration_since(self.started).as_secs_f64() / 60.0;
        (self.labels_this_session > 0 && minutes > 0.0)
            .then(|| self.labels_this_session as f64 / minutes)
    }

    fn record(&self, item: usize, mark: Mark, ms: u64, note: Option<String>) -> Decision {
        Decision {
            item: self.data.items[item].id.clone(),
            label: mark,
            annotator: self.data.annotator.clone(),
            at: ninety_kit::artifact::now_rfc3339(),
            ms,
            note,
        }
    }

    /// Labels or skips the message on screen; returns the record to append,
    /// or `None` when the queue is done.
    pub fn decide(&mut self, mark: Mark, now: Instant) -> Option<Decision> {
        let &item = self.pending.get(self.at)?;
        let id = self.data.items[item].id.clone();
        let ms = u64::try_from(now.duration_since(self.shown).as_millis()).unwrap_or(u64::MAX);
        let note = Some(std::mem::take(&mut self.note)).filter(|n| !n.trim().is_empty());
        let before = self.data.labels.get(&id).copied();
        let was_skipped = self.data.skipped.contains(&id);
        match mark.choice() {
            Some(choice) => {
                self.data.labels.insert(id.clone(), choice);
                self.data.skipped.remove(&id);
                self.labels_this_session += 1;
            }
            None => {
                self.data.labels.remove(&id);
                self.data.skipped.insert(id.clone());
                // It comes back at the end of the queue.
                self.pending.push(item);
            }
        }
        self.made.push(Made {
            item,
            at: self.at,
            mark,
            before,
            was_skipped,
        });
        self.at += 1;
        self.scroll = 0;
        self.typing_note = false;
        self.shown = now;
        Some(self.record(item, mark, ms, note))
    }

    /// Takes back the last decision of this session and shows its message
    /// again; returns the undo record to append, or `None` when there is
    /// nothing to take back.
    pub fn undo(&mut self, now: Instant) -> Option<Decision> {
        let made = self.made.pop()?;
        let id = self.data.items[made.item].id.clone();
        match made.before {
            Some(c) => {
                self.data.labels.insert(id.clone(), c);
            }
            None => {
                self.data.labels.remove(&id);
            }
        }
        if made.was_skipped {
            self.data.skipped.insert(id.clone());
        } else {
            self.data.skipped.remove(&id);
        }
        if made.mark.choice().is_some() {
            self.labels_this_session = self.labels_this_session.saturating_sub(1);
        } else if let Some(pos) = self.pending.iter().rposition(|&i| i == made.item)
            && pos > made.at
        {
            self.pending.remove(pos);
        }
        self.at = made.at;
        self.scroll = 0;
        self.shown = now;
        Some(self.record(made.item, Mark::Undo, 0, None))
    }

    /// Time the message on screen has been showing.
    pub fn showing_for(&self, now: Instant) -> Duration {
        now.duration_since(self.shown)
    }
}

/// Reads what a session starts from: the queue the stage wrote at
/// `queue_path`, the gather output of its corpus, and the annotator's log.
pub fn load(
    home: &ninety_kit::DataHome,
    queue_path: &Path,
    guidelines: &Path,
) -> anyhow::Result<SessionData> {
    use anyhow::Context;
    let guidelines = std::fs::read_to_string(guidelines).unwrap_or_else(|e| {
        format!(
            "# Guidelines\n\nThe guidelines file `{}` cannot be read ({e}). Restore it from the starter.",
            guidelines.display()
        )
    });
    let bytes = std::fs::read(queue_path)
        .with_context(|| format!("cannot read the queue `{}`", queue_path.display()))?;
    let queue: Queue = serde_json::from_slice(&bytes)
        .with_context(|| format!("the queue `{}` does not read", queue_path.display()))?;
    let clean_file = clean_path(home, &queue.corpus);
    let reference = clean_file
        .parent()
        .is_some_and(ninety_kit::clean::is_reference);
    let clean = read_gathered(&clean_file)?;
    let mut by_id: HashMap<String, ninety_kit::clean::Gathered> =
        clean.into_iter().map(|g| (g.id.clone(), g)).collect();
    let items: Vec<Item> = queue
        .ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .map(|g| Item {
            id: g.id,
            subject: g.subject.unwrap_or_default(),
            from: g.from.unwrap_or_default(),
            body: g.body.unwrap_or_default(),
        })
        .collect();
    let log = labels::log_path(home, &queue.corpus, &queue.annotator);
    let (decisions, problems) = labels::read_log(&log)?;
    let mine = labels::replay(&decisions)
        .remove(queue.annotator.as_str())
        .unwrap_or_default();
    Ok(SessionData {
        corpus: queue.corpus.to_string(),
        annotator: queue.annotator.to_string(),
        order: queue.order,
        fallback: queue.fallback,
        reference,
        items,
        labels: mine.labels.into_iter().collect(),
        skipped: mine.skipped,
        problems: problems.iter().map(ToString::to_string).collect(),
        log,
        guidelines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(n: usize) -> SessionData {
        SessionData {
            corpus: "mini".into(),
            annotator: "ana".into(),
            order: QueueOrder::Random,
            fallback: None,
            reference: false,
            items: (0..n)
                .map(|i| Item {
                    id: format!("m{i}"),
                    subject: format!("subject {i}"),
                    from: "a@example.com".into(),
                    body: "body".into(),
                })
                .collect(),
            labels: HashMap::new(),
            skipped: BTreeSet::new(),
            problems: vec![],
            log: PathBuf::from("ana.jsonl"),
            guidelines: "# Guidelines\n\nSpam is unsolicited bulk mail.".into(),
        }
    }

    #[test]
    fn labels_undo_and_resume() {
        let t = Instant::now();
        let mut s = Session::new(data(5), t);
        let later = t + Duration::from_millis(1500);
        let d = s.decide(Mark::Spam, later).unwrap();
        assert_eq!((d.item.as_str(), d.label, d.ms), ("m0", Mark::Spam, 1500));
        s.note = "looks like a newsletter".into();
        let d = s.decide(Mark::Ham, later).unwrap();
        assert_eq!(d.note.as_deref(), Some("looks like a newsletter"));
        assert!(s.note.is_empty(), "a note goes with one decision");
        s.decide(Mark::Unsure, later).unwrap();
        assert_eq!(
            (s.labeled(), s.left(), s.current().unwrap().id.as_str()),
            (3, 2, "m3")
        );
        let u = s.undo(later).unwrap();
        assert_eq!((u.item.as_str(), u.label), ("m2", Mark::Undo));
        assert_eq!(s.current().unwrap().id, "m2");
        assert_eq!(s.labeled(), 2);
        // A new session over the same labels starts at the first undecided.
        let mut again = data(5);
        again.labels = s.data.labels.clone();
        let s2 = Session::new(again, t);
        assert_eq!(s2.current().unwrap().id, "m2");
        assert_eq!(s2.left(), 3);
    }

    #[test]
    fn a_skip_comes_back_at_the_end_and_undo_removes_it() {
        let t = Instant::now();
        let mut s = Session::new(data(3), t);
        s.decide(Mark::Skip, t).unwrap();
        assert_eq!(s.pending, vec![0, 1, 2, 0]);
        s.decide(Mark::Ham, t).unwrap();
        s.decide(Mark::Ham, t).unwrap();
        assert_eq!(s.current().unwrap().id, "m0", "the skipped message returns");
        s.undo(t).unwrap();
        s.undo(t).unwrap();
        s.undo(t).unwrap();
        assert_eq!(s.pending, vec![0, 1, 2]);
        assert_eq!(s.current().unwrap().id, "m0");
        assert!(s.undo(t).is_none(), "nothing left to undo");
        // Skipped messages of earlier sessions come after the undecided ones.
        let mut d = data(3);
        d.skipped.insert("m0".into());
        assert_eq!(Session::new(d, t).pending, vec![1, 2, 0]);
    }

    #[test]
    fn a_queue_file_naming_a_path_is_refused_before_any_log_is_opened() {
        // Issue 12, item 10: the log's path is built from the queue file's
        // corpus and annotator, so a queue edited to say `../../x` must not
        // lead the labeling screen outside the data directory.
        let dir = tempfile::tempdir().unwrap();
        let home = ninety_kit::DataHome::at(dir.path().join("home"));
        for (corpus, annotator, what) in [
            ("../../x", "ana", "corpus name"),
            ("mini", "../../../y", "annotator name"),
        ] {
            let queue = dir.path().join("queue.json");
            std::fs::write(
                &queue,
                format!(
                    r#"{{"corpus":"{corpus}","annotator":"{annotator}","order":"random","seed":1,"ids":[]}}"#
                ),
            )
            .unwrap();
            let err = format!(
                "{:#}",
                load(&home, &queue, Path::new("none.md")).unwrap_err()
            );
            assert!(err.contains(what) && err.contains("not usable"), "{err}");
        }
        assert!(!dir.path().join("x").exists() && !dir.path().join("home").exists());
    }

    #[test]
    fn the_end_of_the_queue_is_not_an_error() {
        let t = Instant::now();
        let mut s = Session::new(data(1), t);
        assert!(s.decide(Mark::Spam, t).is_some());
        assert!(s.current().is_none());
        assert!(s.decide(Mark::Spam, t).is_none());
        assert_eq!(s.left(), 0);
    }
}
