//! The corpus manifest: one TSV line per file with its checksum, size, group, period and label.
//!
//! Both the mini corpus and the real SpamAssassin corpus are described in this format
//! (the latter with one extra `md5` column, the checksum its file name promises).

use md5::Md5;
use sha2::{Digest, Sha256};

/// The three groups of the SpamAssassin corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    EasyHam,
    HardHam,
    Spam,
}

impl Group {
    /// The group's name in manifests: `easy-ham`, `hard-ham` or `spam`.
    pub fn name(self) -> &'static str {
        match self {
            Group::EasyHam => "easy-ham",
            Group::HardHam => "hard-ham",
            Group::Spam => "spam",
        }
    }

    /// The gold label every message of the group carries: `ham` or `spam`.
    pub fn label(self) -> &'static str {
        match self {
            Group::EasyHam | Group::HardHam => "ham",
            Group::Spam => "spam",
        }
    }
}

/// One manifest line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path relative to the corpus root, with `/` separators.
    pub path: String,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The file's size in bytes.
    pub bytes: u64,
    pub group: Group,
    /// 1 (the earlier collection) or 2 (the later one).
    pub period: u8,
    /// The MD5 the file's name promises (real corpus only).
    pub md5: Option<String>,
}

impl Entry {
    /// An entry for `data`, computing its checksum and size.
    pub fn for_bytes(path: String, data: &[u8], group: Group, period: u8) -> Self {
        Self {
            path,
            sha256: sha256_hex(data),
            bytes: data.len() as u64,
            group,
            period,
            md5: None,
        }
    }
}

/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Lowercase hex MD5 of `data` (the checksum upstream file names carry).
pub fn md5_hex(data: &[u8]) -> String {
    hex::encode(Md5::digest(data))
}

/// The manifest text: a header line, then `entries` sorted by path, `\n`-terminated.
///
/// The `md5` column is written when `with_md5` is true (entries without one get `-`).
pub fn render(entries: &[Entry], with_md5: bool) -> String {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = String::from("path\tsha256\tbytes\tgroup\tperiod\tlabel");
    if with_md5 {
        out.push_str("\tmd5");
    }
    out.push('\n');
    for e in sorted {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            e.path,
            e.sha256,
            e.bytes,
            e.group.name(),
            e.period,
            e.group.label()
        ));
        if with_md5 {
            out.push('\t');
            out.push_str(e.md5.as_deref().unwrap_or("-"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_known_values() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn render_sorts_by_path_and_writes_every_column() {
        let entries = vec![
            Entry::for_bytes("spam/00001.x".into(), b"b", Group::Spam, 1),
            Entry::for_bytes("easy_ham_2/00001.y".into(), b"a", Group::EasyHam, 2),
            Entry::for_bytes("easy_ham/00001.z".into(), b"", Group::EasyHam, 1),
        ];
        let text = render(&entries, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "path\tsha256\tbytes\tgroup\tperiod\tlabel");
        assert!(lines[1].starts_with("easy_ham/00001.z\t"));
        assert!(lines[2].starts_with("easy_ham_2/00001.y\t"));
        assert!(lines[3].ends_with("\t1\tspam\t1\tspam"));
        let with = render(&entries, true);
        assert!(with.lines().next().unwrap().ends_with("\tlabel\tmd5"));
        assert!(with.lines().nth(1).unwrap().ends_with("\t-"));
    }
}
