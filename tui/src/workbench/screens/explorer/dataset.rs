//! The data explorer's model: the gather stage's output, filtered and searched.
//!
//! The dataset is read from the artifact `gather/<corpus>` that `ninety run
//! gather` (or the explorer's own `r`) writes, through the kit's reader: the
//! same [`Gathered`] records every stage reads. Filtering keeps a vector of
//! indices, so scrolling through all 6,000 messages of the real corpus only
//! ever draws the rows on screen.

use crate::workbench::ctx::Subset;
use crate::workbench::route::ScreenId;
use ninety_kit::CorpusName;
use ninety_kit::clean::{
    CLEAN_FILE, CleanError, DUPLICATES_FILE, Gathered, QUARANTINE_FILE, read_gathered, read_report,
};
use ninety_kit::records::gather::QualityReport;
use std::path::{Path, PathBuf};

/// The gather stage's output for one corpus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// Which corpus.
    pub corpus: String,
    /// The corpus's folder (for the raw messages).
    pub corpus_root: PathBuf,
    /// Every message, in corpus order.
    pub items: Vec<Gathered>,
    /// The quality report.
    pub report: QualityReport,
    /// Whether it is the reference gather output `ninety init` wrote, not
    /// the learner's own.
    pub reference: bool,
}

/// Reads the gather artifact of `corpus` from `artifact_dir`.
pub fn load(artifact_dir: &Path, corpus: &str, corpus_root: &Path) -> Result<Dataset, CleanError> {
    let mut items = Vec::new();
    for file in [CLEAN_FILE, DUPLICATES_FILE, QUARANTINE_FILE] {
        items.extend(read_gathered(&artifact_dir.join(file))?);
    }
    items.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Dataset {
        corpus: corpus.to_owned(),
        corpus_root: corpus_root.to_owned(),
        items,
        report: read_report(artifact_dir)?,
        reference: ninety_kit::clean::is_reference(artifact_dir),
    })
}

/// A filter that cycles through its choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// The choices; the first is "all".
    pub choices: Vec<String>,
    /// The current one.
    pub at: usize,
}

impl Cycle {
    fn new(choices: &[&str]) -> Self {
        Self {
            choices: choices.iter().map(|c| (*c).to_owned()).collect(),
            at: 0,
        }
    }

    /// The current choice, or `None` for "all".
    pub fn value(&self) -> Option<&str> {
        (self.at > 0).then(|| self.choices[self.at].as_str())
    }

    /// Moves to the next choice.
    pub fn next(&mut self) {
        self.at = (self.at + 1) % self.choices.len();
    }
}

/// What the explorer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The list, the raw message and the clean text.
    Messages,
    /// The quality report as bar charts.
    Report,
}

/// The explorer's state: the dataset, the filters, the selection.
#[derive(Debug, Clone)]
pub struct ExplorerScreen {
    /// The corpus being explored.
    pub corpus: CorpusName,
    /// The dataset, once loaded.
    pub data: Option<Dataset>,
    /// Why there is no dataset, when there is none.
    pub problem: Option<String>,
    /// Indices of the items the filters let through.
    pub visible: Vec<usize>,
    /// The selected row of `visible`.
    pub selected: usize,
    /// Status filter.
    pub status: Cycle,
    /// Group filter.
    pub group: Cycle,
    /// Period filter.
    pub period: Cycle,
    /// The search text (matched against subject, sender and path).
    pub search: String,
    /// Whether keys are going into the search box.
    pub searching: bool,
    /// The raw bytes of the selected message, as text, once read.
    pub raw: Option<(String, String)>,
    /// Scroll of the raw and clean panes.
    pub scroll: u16,
    /// Messages or report.
    pub pane: Pane,
    /// A stage run in progress: done, total.
    pub running: Option<(u64, u64)>,
    /// The pipeline's build, while the stage waits for it.
    pub building: Option<crate::pipeline::BuildProgress>,
    /// The messages another screen asked to see, when it did: only they
    /// pass the filters.
    pub subset: Option<Subset>,
    /// The screen that asked, where Back leads.
    pub back: Option<ScreenId>,
}

impl ExplorerScreen {
    /// An explorer for `corpus`, with nothing loaded yet.
    pub fn new(corpus: CorpusName) -> Self {
        Self {
            corpus,
            data: None,
            problem: None,
            visible: Vec::new(),
            selected: 0,
            status: Cycle::new(&["all", "clean", "duplicate", "quarantined"]),
            group: Cycle::new(&["all", "easy-ham", "hard-ham", "spam"]),
            period: Cycle::new(&["all", "1", "2"]),
            search: String::new(),
            searching: false,
            raw: None,
            scroll: 0,
            pane: Pane::Messages,
            running: None,
            building: None,
            subset: None,
            back: None,
        }
    }

    /// Shows only `subset`'s messages, on its corpus, from the first, every
    /// other filter cleared; Back leads to `back`. A dataset already loaded
    /// for that corpus is kept, and filtered at once.
    pub fn show_only(&mut self, subset: Subset, back: ScreenId) {
        let data = self.data.take().filter(|_| self.corpus == subset.corpus);
        *self = ExplorerScreen::new(subset.corpus.clone());
        self.subset = Some(subset);
        self.back = Some(back);
        if let Some(data) = data {
            self.set_data(data);
        }
    }

    /// Shows every message again, Back leading to the gather lab.
    pub fn show_all(&mut self) {
        self.subset = None;
        self.back = None;
        self.refilter();
    }

    /// How many of the subset's messages the dataset holds, of how many,
    /// once both are there.
    pub fn subset_found(&self) -> Option<(usize, usize)> {
        let subset = self.subset.as_ref()?;
        let data = self.data.as_ref()?;
        let found = data
            .items
            .iter()
            .filter(|item| subset.ids.contains(&item.id))
            .count();
        Some((found, subset.ids.len()))
    }

    /// Installs a loaded dataset and applies the filters.
    pub fn set_data(&mut self, data: Dataset) {
        self.data = Some(data);
        self.problem = None;
        self.refilter();
    }

    /// Recomputes which items are visible; keeps the selection in range.
    pub fn refilter(&mut self) {
        let Some(data) = &self.data else {
            self.visible.clear();
            return;
        };
        let needle = self.search.to_lowercase();
        self.visible = data
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| {
                self.subset
                    .as_ref()
                    .is_none_or(|s| s.ids.contains(&item.id))
                    && self
                        .status
                        .value()
                        .is_none_or(|s| item.status.as_str() == s)
                    && self.group.value().is_none_or(|g| item.group.as_str() == g)
                    && self
                        .period
                        .value()
                        .is_none_or(|p| item.period.to_string() == p)
                    && (needle.is_empty()
                        || item.path.to_lowercase().contains(&needle)
                        || item
                            .subject
                            .as_deref()
                            .is_some_and(|s| s.to_lowercase().contains(&needle))
                        || item
                            .from
                            .as_deref()
                            .is_some_and(|f| f.to_lowercase().contains(&needle)))
            })
            .map(|(i, _)| i)
            .collect();
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
        self.scroll = 0;
    }

    /// The selected item.
    pub fn current(&self) -> Option<&Gathered> {
        let data = self.data.as_ref()?;
        self.visible.get(self.selected).map(|&i| &data.items[i])
    }

    /// Moves the selection by `delta` rows; returns whether it moved.
    pub fn move_by(&mut self, delta: i64) -> bool {
        if self.visible.is_empty() {
            return false;
        }
        let last = self.visible.len() as i64 - 1;
        let next = (self.selected as i64 + delta).clamp(0, last) as usize;
        let moved = next != self.selected;
        self.selected = next;
        if moved {
            self.scroll = 0;
        }
        moved
    }

    /// The path of the raw message to show, if it is not loaded yet.
    pub fn raw_wanted(&self) -> Option<PathBuf> {
        let item = self.current()?;
        let data = self.data.as_ref()?;
        match &self.raw {
            Some((path, _)) if path == &item.path => None,
            _ => Some(data.corpus_root.join(&item.path)),
        }
    }
}

/// The first row to draw so that `selected` is on screen in `height` rows.
pub fn window_start(selected: usize, height: usize, len: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    let half = height / 2;
    selected.saturating_sub(half).min(len - height)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ninety_kit::records::gather::{DateSource, DuplicateKind, Reason, Status};
    use ninety_kit::{Group, Label};

    pub(crate) fn item(
        path: &str,
        group: Group,
        period: u8,
        status: Status,
        subject: &str,
    ) -> Gathered {
        Gathered {
            id: format!("id-{path}"),
            path: path.into(),
            group,
            period,
            label: group.label(),
            status,
            duplicate_of: None,
            month: Some("2002-08".into()),
            date_source: DateSource::Header,
            subject: Some(subject.into()),
            from: Some("someone@example.com".into()),
            content_type: "text/plain".into(),
            charset: None,
            body_source: None,
            body_charset: None,
            decode_problem: false,
            repairs: Vec::new(),
            body: Some(format!("body of {subject}")),
        }
    }

    pub(crate) fn dataset(n: usize) -> Dataset {
        let groups = [Group::EasyHam, Group::HardHam, Group::Spam];
        let statuses = [
            Status::Clean,
            Status::Clean,
            Status::Clean,
            Status::Duplicate(DuplicateKind::Exact),
            Status::Quarantined(Reason::NotAMessage),
        ];
        let mut report = QualityReport::default();
        report.by_group.insert("easy-ham".into(), 4);
        report.by_group.insert("spam".into(), 2);
        Dataset {
            corpus: "test".into(),
            corpus_root: PathBuf::from("/nonexistent"),
            items: (0..n)
                .map(|i| {
                    item(
                        &format!("g/{i:05}"),
                        groups[i % 3],
                        (i % 2 + 1) as u8,
                        statuses[i % 5],
                        &format!("subject {i}"),
                    )
                })
                .collect(),
            report,
            reference: false,
        }
    }

    #[test]
    fn filters_combine_and_search_matches_subject_sender_and_path() {
        let mut e = ExplorerScreen::new("test".parse().unwrap());
        e.set_data(dataset(60));
        assert_eq!(e.visible.len(), 60);
        e.status.next(); // clean
        e.refilter();
        assert_eq!(e.visible.len(), 36);
        e.group.next(); // easy-ham
        e.refilter();
        assert!(e.visible.iter().all(|&i| i % 3 == 0 && i % 5 < 3));
        e.search = "SUBJECT 3".into();
        e.refilter();
        assert_eq!(
            e.visible,
            vec![30, 36],
            "case-insensitive substring of the subject"
        );
        e.search = "g/00012".into();
        e.refilter();
        assert_eq!(e.visible, vec![12]);
    }

    #[test]
    fn selection_stays_in_range_and_the_window_follows_it() {
        let mut e = ExplorerScreen::new("test".parse().unwrap());
        e.set_data(dataset(6000));
        assert!(!e.move_by(-1));
        assert!(e.move_by(5999));
        assert_eq!(e.selected, 5999);
        assert!(!e.move_by(10));
        assert_eq!(window_start(5999, 20, 6000), 5980);
        assert_eq!(window_start(0, 20, 6000), 0);
        assert_eq!(window_start(100, 20, 6000), 90);
        assert_eq!(window_start(3, 20, 5), 0);
        e.period.next();
        e.period.next(); // period 2
        e.refilter();
        assert_eq!(e.visible.len(), 3000);
        assert!(e.selected < 3000);
    }

    #[test]
    fn the_raw_message_is_asked_for_once_per_selection() {
        let mut e = ExplorerScreen::new("test".parse().unwrap());
        e.set_data(dataset(3));
        let wanted = e.raw_wanted().unwrap();
        assert_eq!(wanted, PathBuf::from("/nonexistent/g/00000"));
        e.raw = Some(("g/00000".into(), "raw".into()));
        assert_eq!(e.raw_wanted(), None);
        e.move_by(1);
        assert_eq!(
            e.raw_wanted().unwrap(),
            PathBuf::from("/nonexistent/g/00001")
        );
    }

    #[test]
    fn loads_the_artifact_and_reports_a_bad_line_by_number() {
        let dir = tempfile::tempdir().unwrap();
        let line = |g: &Gathered| format!("{}\n", serde_json::to_string(g).unwrap());
        let clean = item("b", Group::Spam, 1, Status::Clean, "x");
        let dup = item(
            "a",
            Group::Spam,
            1,
            Status::Duplicate(DuplicateKind::Near),
            "x",
        );
        std::fs::write(dir.path().join("clean.jsonl"), line(&clean)).unwrap();
        std::fs::write(dir.path().join("duplicates.jsonl"), line(&dup)).unwrap();
        std::fs::write(dir.path().join("quarantine.jsonl"), "").unwrap();
        let mut report = QualityReport::default();
        report.by_group.insert("spam".into(), 2);
        std::fs::write(
            dir.path().join("report.json"),
            serde_json::to_string(&report).unwrap(),
        )
        .unwrap();
        let data = load(dir.path(), "t", Path::new("/c")).unwrap();
        assert!(!data.reference, "the learner's own output");
        std::fs::write(dir.path().join(ninety_kit::clean::REFERENCE_FILE), "").unwrap();
        assert!(load(dir.path(), "t", Path::new("/c")).unwrap().reference);
        assert_eq!(
            data.items
                .iter()
                .map(|i| i.path.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(
            data.report.breakdowns()[0],
            ("by_group", vec![("spam".to_owned(), 2)])
        );
        assert_eq!(data.items[1].label, Label::Spam);
        std::fs::write(
            dir.path().join("clean.jsonl"),
            format!("{}{{oops\n", line(&clean)),
        )
        .unwrap();
        let err = load(dir.path(), "t", Path::new("/c")).unwrap_err();
        assert!(err.to_string().contains("clean.jsonl` line 2"), "{err}");
    }
}
