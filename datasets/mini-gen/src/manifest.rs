//! The corpus manifest: one tab-separated row per file with its checksum, size, group,
//! period and label, written by the kit's writer.
//!
//! Both the mini corpus and the real SpamAssassin corpus are described in this format
//! (the latter with one extra `md5` column, the checksum its file name promises). The
//! rows and the writer are the kit's ([`ninety_kit::corpus`]), so what this writes is
//! exactly what the labs read.

use md5::{Digest, Md5};

pub use ninety_kit::corpus::{Entry, Group};
pub use ninety_kit::hash::sha256_hex;

/// An entry for `data`, computing its checksum and size; its label is its group's.
pub fn entry_for_bytes(path: String, data: &[u8], group: Group, period: u8) -> Entry {
    Entry {
        path,
        sha256: sha256_hex(data),
        bytes: data.len() as u64,
        group,
        period,
        label: group.label(),
        md5: None,
    }
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
    let mut out = Vec::new();
    ninety_kit::corpus::write_manifest(&mut out, sorted, with_md5)
        .expect("writing to memory cannot fail");
    String::from_utf8(out).expect("a manifest of UTF-8 fields is UTF-8")
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
            entry_for_bytes("spam/00001.x".into(), b"b", Group::Spam, 1),
            entry_for_bytes("easy_ham_2/00001.y".into(), b"a", Group::EasyHam, 2),
            entry_for_bytes("easy_ham/00001.z".into(), b"", Group::EasyHam, 1),
        ];
        let text = render(&entries, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "path\tsha256\tbytes\tgroup\tperiod\tlabel");
        assert!(lines[1].starts_with("easy_ham/00001.z\t"));
        assert!(lines[2].starts_with("easy_ham_2/00001.y\t"));
        assert!(lines[3].ends_with("\t1\tspam\t1\tspam"));
        assert!(text.ends_with('\n'));
        let with = render(&entries, true);
        assert!(with.lines().next().unwrap().ends_with("\tlabel\tmd5"));
        assert!(with.lines().nth(1).unwrap().ends_with("\t-"));
        // What it writes, the kit reads back.
        let back = ninety_kit::corpus::parse_manifest(&with, std::path::Path::new("m")).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back[0], entries[2]);
    }
}
