//! The data explorer's model: the gather stage's output, filtered and searched.
//!
//! The dataset is read from the artifact `gather/<corpus>` that `ninety run
//! gather` (or the explorer's own `r`) writes. Filtering keeps a vector of
//! indices, so scrolling through all 6,000 messages of the real corpus only
//! ever draws the rows on screen.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One message as the gather stage left it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Item {
    /// Its path in the corpus.
    pub path: String,
    /// `easy-ham`, `hard-ham`, `spam`.
    pub group: String,
    /// 1 or 2.
    pub period: u8,
    /// `clean`, `duplicate` or `quarantined`.
    pub status: String,
    /// The duplicate kind or quarantine reason.
    #[serde(default)]
    pub detail: Option<String>,
    /// For a duplicate, the message it copies.
    #[serde(default)]
    pub duplicate_of: Option<String>,
    /// Its month.
    #[serde(default)]
    pub month: Option<String>,
    /// Its subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// Its sender.
    #[serde(default)]
    pub from: Option<String>,
    /// Its top-level charset.
    #[serde(default)]
    pub charset: Option<String>,
    /// Its clean body, for clean messages.
    #[serde(default)]
    pub body: Option<String>,
}

/// The gather stage's output for one corpus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// Which corpus.
    pub corpus: String,
    /// The corpus's folder (for the raw messages).
    pub corpus_root: PathBuf,
    /// Every message, in corpus order.
    pub items: Vec<Item>,
    /// The report's breakdowns, by name (`by_group`, `quarantined`, ...).
    pub charts: BTreeMap<String, Vec<(String, u64)>>,
}

/// Reads the gather artifact of `corpus` from `artifact_dir`.
pub fn load(artifact_dir: &Path, corpus: &str, corpus_root: &Path) -> Result<Dataset, String> {
    let mut items = Vec::new();
    for file in ["clean.jsonl", "duplicates.jsonl", "quarantine.jsonl"] {
        let path = artifact_dir.join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let item: Item = serde_json::from_str(line)
                .map_err(|e| format!("{} line {}: {e}", path.display(), i + 1))?;
            items.push(item);
        }
    }
    items.sort_by(|a, b| a.path.cmp(&b.path));
    let report_path = artifact_dir.join("report.json");
    let report: serde_json::Value = std::fs::read(&report_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| format!("cannot read {}", report_path.display()))?;
    let mut charts = BTreeMap::new();
    for key in [
        "by_group",
        "by_period",
        "by_charset",
        "by_content_type",
        "quarantined",
    ] {
        let mut rows: Vec<(String, u64)> = report[key]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                    .collect()
            })
            .unwrap_or_default();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        charts.insert(key.to_owned(), rows);
    }
    Ok(Dataset {
        corpus: corpus.to_owned(),
        corpus_root: corpus_root.to_owned(),
        items,
        charts,
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

/// The explorer's state.
#[derive(Debug, Clone)]
pub struct Explorer {
    /// The corpus being explored.
    pub corpus: String,
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
}

impl Explorer {
    /// An explorer for `corpus`, with nothing loaded yet.
    pub fn new(corpus: &str) -> Self {
        Self {
            corpus: corpus.to_owned(),
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
        }
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
                self.status.value().is_none_or(|s| item.status == s)
                    && self.group.value().is_none_or(|g| item.group == g)
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
    pub fn current(&self) -> Option<&Item> {
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

    pub(crate) fn item(path: &str, group: &str, period: u8, status: &str, subject: &str) -> Item {
        Item {
            path: path.into(),
            group: group.into(),
            period,
            status: status.into(),
            detail: (status != "clean").then(|| "exact".into()),
            duplicate_of: None,
            month: Some("2002-08".into()),
            subject: Some(subject.into()),
            from: Some("someone@example.com".into()),
            charset: None,
            body: Some(format!("body of {subject}")),
        }
    }

    pub(crate) fn dataset(n: usize) -> Dataset {
        let groups = ["easy-ham", "hard-ham", "spam"];
        let statuses = ["clean", "clean", "clean", "duplicate", "quarantined"];
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
            charts: BTreeMap::from([(
                "by_group".to_owned(),
                vec![("easy-ham".to_owned(), 4u64), ("spam".to_owned(), 2)],
            )]),
        }
    }

    #[test]
    fn filters_combine_and_search_matches_subject_sender_and_path() {
        let mut e = Explorer::new("test");
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
        let mut e = Explorer::new("test");
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
        let mut e = Explorer::new("test");
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
        let line = |p: &str, s: &str| {
            format!(
                "{{\"path\":\"{p}\",\"group\":\"spam\",\"period\":1,\"status\":\"{s}\",\"subject\":\"x\"}}\n"
            )
        };
        std::fs::write(dir.path().join("clean.jsonl"), line("b", "clean")).unwrap();
        std::fs::write(dir.path().join("duplicates.jsonl"), line("a", "duplicate")).unwrap();
        std::fs::write(dir.path().join("quarantine.jsonl"), "").unwrap();
        std::fs::write(
            dir.path().join("report.json"),
            r#"{"by_group":{"spam":2},"quarantined":{}}"#,
        )
        .unwrap();
        let data = load(dir.path(), "t", Path::new("/c")).unwrap();
        assert_eq!(
            data.items
                .iter()
                .map(|i| i.path.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(data.charts["by_group"], vec![("spam".to_owned(), 2)]);
        std::fs::write(
            dir.path().join("clean.jsonl"),
            format!("{}{{oops\n", line("b", "clean")),
        )
        .unwrap();
        let err = load(dir.path(), "t", Path::new("/c")).unwrap_err();
        assert!(err.contains("clean.jsonl line 2"), "{err}");
    }
}
