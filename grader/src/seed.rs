//! Giving a new target folder the dependencies another one already built.
//!
//! Grading builds in target folders of its own: the lab check's starter,
//! a cohort's grading trees, the integration tests' copies of the
//! repository. Those workspaces hold the same packages at the same relative
//! paths as the instructor's, so cargo names their artifacts alike, and it
//! decides whether an artifact is fresh by comparing modification times:
//! sharing one folder would let it take one workspace's build for the
//! other's. So each gets its own folder, and each would build burn, tokio,
//! axum and the rest from nothing, several minutes on a laptop, although
//! they are the same crates with the same features and profile.
//!
//! [`seed_target`] copies those dependency artifacts (with cargo's
//! fingerprints for them) from a folder that has them, and none of the
//! workspace's own packages, which then build from the sources being
//! graded. Cargo checks each copied artifact's fingerprint as it would its
//! own: one that does not match (another compiler, other features) is
//! rebuilt, never trusted. Files are copied, not linked, so a rebuild in
//! one folder can never change the other.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// The file that records a seeded folder, so it is seeded once.
const MARKER: &str = ".ninety-seeded";

/// The profile folder the dev and test builds share.
const PROFILE: &str = "debug";

/// What [`seed_target`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seeded {
    /// Copied this many files and folders.
    Copied(usize),
    /// The folder was seeded before: nothing done.
    Already,
    /// The source folder has no dependency build yet: nothing done (a later
    /// call, after a build there, seeds).
    NothingToCopy,
}

/// The target folder cargo uses for the workspace at `root`:
/// `$CARGO_TARGET_DIR` when set (relative to `root` when relative), else
/// `root/target`.
pub fn target_dir_of(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// The names of the packages of the workspace at `root` (its members and
/// the root package, if any), with `-` as `_`, as cargo names artifacts.
pub fn workspace_crates(root: &Path) -> io::Result<BTreeSet<String>> {
    let manifest = read_toml(&root.join("Cargo.toml"))?;
    let mut names = BTreeSet::new();
    if let Some(name) = package_name(&manifest) {
        names.insert(name);
    }
    let members = manifest
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .cloned()
        .unwrap_or_default();
    for member in members.iter().filter_map(|m| m.as_str()) {
        for dir in expand_member(root, member)? {
            let path = dir.join("Cargo.toml");
            if path.is_file()
                && let Some(name) = package_name(&read_toml(&path)?)
            {
                names.insert(name);
            }
        }
    }
    Ok(names)
}

/// Copies into `to` the dependency artifacts that `from` holds, leaving out
/// every package of the workspace at `workspace`, unless `to` was seeded
/// before. Both are target folders (`.../target`). Each file or folder is
/// copied under a temporary name and renamed, so a build that starts in
/// `to` meanwhile never sees half a file.
pub fn seed_target(workspace: &Path, from: &Path, to: &Path) -> io::Result<Seeded> {
    let marker = to.join(PROFILE).join(MARKER);
    if marker.exists() {
        return Ok(Seeded::Already);
    }
    let source = from.join(PROFILE);
    if !source.join(".fingerprint").is_dir() || same_folder(from, to) {
        return Ok(Seeded::NothingToCopy);
    }
    let local = workspace_crates(workspace)?;
    let mut copied = 0;
    for sub in ["deps", "build", ".fingerprint"] {
        let (src, dst) = (source.join(sub), to.join(PROFILE).join(sub));
        let Ok(entries) = std::fs::read_dir(&src) else {
            continue;
        };
        std::fs::create_dir_all(&dst)?;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !wanted(sub, name, &local) || dst.join(name).exists() {
                continue;
            }
            copy_atomically(&entry.path(), &dst.join(name))?;
            copied += 1;
        }
    }
    std::fs::write(&marker, format!("seeded from {}\n", from.display()))?;
    Ok(Seeded::Copied(copied))
}

/// Whether the entry `name` of the profile's `sub` folder belongs to a
/// dependency. In `deps` those are the libraries (`lib<crate>-<hash>.rlib`,
/// `.rmeta`, `.so`); its executables are the workspace's tests and its
/// `.d` files cargo does not read back. In `build` and `.fingerprint`, a
/// folder `<package>-<hash>` per unit.
fn wanted(sub: &str, name: &str, local: &BTreeSet<String>) -> bool {
    let stem = if sub == "deps" {
        match name.strip_prefix("lib") {
            Some(rest) if !name.ends_with(".d") => rest,
            _ => return false,
        }
    } else {
        name
    };
    let Some((krate, _hash)) = stem
        .split_once('.')
        .map_or(stem, |(s, _)| s)
        .rsplit_once('-')
    else {
        return false;
    };
    !local.contains(&krate.replace('-', "_"))
}

fn copy_atomically(from: &Path, to: &Path) -> io::Result<()> {
    let tmp = to.with_file_name(format!(
        ".{}.seeding-{}",
        to.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
        std::process::id()
    ));
    if tmp.exists() {
        remove(&tmp)?;
    }
    copy_tree(from, &tmp)?;
    match std::fs::rename(&tmp, to) {
        Ok(()) => Ok(()),
        // Another seeder got there first: theirs is as good as ours.
        Err(_) if to.exists() => remove(&tmp),
        Err(e) => Err(e),
    }
}

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    if meta.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else if meta.file_type().is_symlink() {
        #[cfg(unix)]
        std::os::unix::fs::symlink(std::fs::read_link(from)?, to)?;
        Ok(())
    } else {
        std::fs::copy(from, to)?;
        // Keep the modification time: cargo compares it with its sources'.
        let file = std::fs::OpenOptions::new().write(true).open(to)?;
        file.set_modified(meta.modified()?)
    }
}

fn remove(path: &Path) -> io::Result<()> {
    if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn read_toml(path: &Path) -> io::Result<toml::Table> {
    let text = std::fs::read_to_string(path)?;
    text.parse::<toml::Table>().map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: not a valid Cargo.toml: {e}", path.display()),
        )
    })
}

fn package_name(manifest: &toml::Table) -> Option<String> {
    manifest
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(|n| n.replace('-', "_"))
}

/// A member entry as a list of folders: a path, or a path ending in `/*`.
fn expand_member(root: &Path, member: &str) -> io::Result<Vec<PathBuf>> {
    match member.strip_suffix("/*") {
        Some(parent) => {
            let mut dirs = Vec::new();
            if let Ok(entries) = std::fs::read_dir(root.join(parent)) {
                for entry in entries {
                    dirs.push(entry?.path());
                }
            }
            Ok(dirs)
        }
        None => Ok(vec![root.join(member)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> BTreeSet<String> {
        ["ninety_kit", "lab_frame", "ninety"]
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn dependencies_are_wanted_and_the_workspace_s_own_packages_are_not() {
        let local = local();
        assert!(wanted("deps", "libserde-0123abcd.rlib", &local));
        assert!(wanted("deps", "libserde_derive-0123abcd.so", &local));
        assert!(wanted("deps", "libburn_core-99.rmeta", &local));
        assert!(!wanted("deps", "libninety_kit-0123.rlib", &local));
        assert!(!wanted("deps", "liblab_frame-0123.rmeta", &local));
        // Test binaries and dep-info files are never copied.
        assert!(!wanted("deps", "grade-0123", &local));
        assert!(!wanted("deps", "libserde-0123.d", &local));
        assert!(wanted(".fingerprint", "serde-0123abcd", &local));
        assert!(wanted("build", "proc-macro2-77aa", &local));
        assert!(!wanted(".fingerprint", "ninety-kit-0123", &local));
        assert!(!wanted("build", "lab-frame-0123", &local));
        // `ninety` is local, `ninety_kit` too, but a dependency whose name
        // merely starts alike is not.
        assert!(wanted(".fingerprint", "ninetyish-0123", &local));
        assert!(!wanted(".fingerprint", "nohash", &local));
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn a_seed_copies_dependencies_once_with_their_times_and_leaves_local_packages() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        write(
            &ws.join("Cargo.toml"),
            "[workspace]\nmembers = [\"labs/*\", \"tool\"]\n",
        );
        write(
            &ws.join("labs/kit/Cargo.toml"),
            "[package]\nname = \"ninety-kit\"\n",
        );
        write(&ws.join("tool/Cargo.toml"), "[package]\nname = \"tool\"\n");
        let from = dir.path().join("from");
        write(&from.join("debug/deps/libserde-11.rlib"), "serde");
        write(&from.join("debug/deps/libninety_kit-22.rlib"), "kit");
        write(&from.join("debug/deps/tool-33"), "a test binary");
        write(&from.join("debug/.fingerprint/serde-11/lib-serde"), "fp");
        write(
            &from.join("debug/.fingerprint/ninety-kit-22/lib-ninety_kit"),
            "fp",
        );
        write(
            &from.join("debug/build/serde-44/output"),
            "cargo:rustc-cfg=x",
        );
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        std::fs::File::options()
            .write(true)
            .open(from.join("debug/deps/libserde-11.rlib"))
            .unwrap()
            .set_modified(old)
            .unwrap();

        let to = dir.path().join("to");
        assert_eq!(
            workspace_crates(&ws).unwrap(),
            ["ninety_kit", "tool"].map(String::from).into()
        );
        assert_eq!(seed_target(&ws, &from, &to).unwrap(), Seeded::Copied(3));
        let copied = to.join("debug/deps/libserde-11.rlib");
        assert_eq!(std::fs::read_to_string(&copied).unwrap(), "serde");
        assert_eq!(std::fs::metadata(&copied).unwrap().modified().unwrap(), old);
        assert!(to.join("debug/.fingerprint/serde-11/lib-serde").is_file());
        assert!(to.join("debug/build/serde-44/output").is_file());
        assert!(!to.join("debug/deps/libninety_kit-22.rlib").exists());
        assert!(!to.join("debug/.fingerprint/ninety-kit-22").exists());
        assert!(!to.join("debug/deps/tool-33").exists());
        assert_eq!(seed_target(&ws, &from, &to).unwrap(), Seeded::Already);

        let empty = dir.path().join("empty");
        assert_eq!(
            seed_target(&ws, &empty, &dir.path().join("elsewhere")).unwrap(),
            Seeded::NothingToCopy
        );
        assert!(!dir.path().join("elsewhere/debug").join(MARKER).exists());
    }
}
