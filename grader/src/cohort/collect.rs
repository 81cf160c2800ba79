//! `ninety cohort collect`: each learner's work, with its time, into the
//! cohort folder.
//!
//! Where the work comes from is the roster's `repository`: a git URL or a
//! local git repository (mirrored under `repos/`, then a commit or tag is
//! taken: `HEAD` unless told, `{lab}` in the name standing for the lab), a
//! plain folder, or a `.tar`/`.tar.gz`/`.tgz` archive. Of each lab only
//! `labs/<lab>/` is taken (regular files; links and build output are left),
//! into `submissions/<learner>/<lab>/files/`, with `submission.toml` saying
//! where it came from and when it was made: the commit's committer date for
//! git (a learner can set it; `collected_at` says when it was taken), else
//! the newest file's modification time.

use super::config::{format_time, parse_time};
use super::{Cohort, CohortError, git, slash_path};
use ninety_kit::Stage;
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use time::OffsetDateTime;

/// The record of a submission, in its folder.
pub const SUBMISSION_FILE: &str = "submission.toml";
/// The submission's files (a mirror of the workspace's paths), in its folder.
pub const FILES_DIR: &str = "files";
/// The most a submission of one lab may hold.
pub const MAX_BYTES: u64 = 64 << 20;
/// The most files a submission of one lab may hold.
pub const MAX_FILES: usize = 10_000;

/// Where a submission came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A git repository, remote or local.
    Git,
    /// A plain folder.
    Folder,
    /// A tar archive.
    Archive,
}

/// What the submission's time is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeSource {
    /// The commit's committer date.
    Commit,
    /// The newest file's modification time.
    Files,
}

/// One learner's submission of one lab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// The learner's id.
    pub learner: String,
    /// The lab.
    pub lab: Stage,
    /// Where it was taken from (the roster's `repository`).
    pub source: String,
    /// What kind of source that is.
    pub kind: SourceKind,
    /// The ref asked for (git).
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The commit taken (git).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// When the work was made, RFC 3339 UTC.
    pub submitted_at: String,
    /// What `submitted_at` is.
    pub time_source: TimeSource,
    /// When it was collected, RFC 3339 UTC.
    pub collected_at: String,
    /// Files taken.
    pub files: usize,
}

impl Submission {
    /// Reads the submission in `dir` (`submissions/<learner>/<lab>`).
    pub fn load(dir: &Path) -> Result<Self, CohortError> {
        let path = dir.join(SUBMISSION_FILE);
        let text = std::fs::read_to_string(&path).map_err(CohortError::io(&path))?;
        toml::from_str(&text).map_err(|e| CohortError::Invalid {
            path: path.clone(),
            line: e.span().map_or(1, |s| super::line_of(&text, s.start)),
            field: None,
            problem: format!(
                "{}; `ninety cohort collect` writes this file: collect again to rewrite it",
                e.message().trim()
            ),
        })
    }

    /// When the work was made.
    pub fn time(&self) -> Option<OffsetDateTime> {
        parse_time(&self.submitted_at).ok()
    }
}

/// What to collect.
#[derive(Debug, Clone, Default)]
pub struct CollectOptions {
    /// The labs (none: every lab of the cohort).
    pub labs: Vec<Stage>,
    /// The learners (none: everyone on the roster).
    pub learners: Vec<String>,
    /// The git ref to take (`HEAD` when `None`); `{lab}` stands for the lab.
    pub reference: Option<String>,
}

/// The result of collecting one learner's lab.
#[derive(Debug, Clone, Serialize)]
pub struct Collected {
    /// The learner.
    pub learner: String,
    /// The lab.
    pub lab: Stage,
    /// The submission, or why there is none.
    pub result: Result<Submission, String>,
}

/// Collects every learner's work for every lab asked for. A learner whose
/// work cannot be collected is reported and the others go on.
pub fn collect(
    cohort: &Cohort,
    options: &CollectOptions,
    on_each: &mut dyn FnMut(&Collected),
) -> Result<Vec<Collected>, CohortError> {
    let labs = super::grade::chosen_labs(cohort, &options.labs)?;
    let learners = super::grade::chosen_learners(cohort, &options.learners)?;
    let mut all = Vec::new();
    for learner in learners {
        let source = resolve(&cohort.dir, &learner.repository);
        let mirror = match &source {
            Ok(Source::Git(url)) => {
                Some(mirror(cohort, &learner.id, url).map_err(|e| e.to_string()))
            }
            _ => None,
        };
        for &lab in &labs {
            let result = match (&source, &mirror) {
                (Err(e), _) => Err(e.clone()),
                (Ok(_), Some(Err(e))) => Err(e.clone()),
                (Ok(source), mirror) => {
                    let mirror = mirror.as_ref().and_then(|m| m.as_ref().ok());
                    collect_one(
                        cohort,
                        &learner.id,
                        &learner.repository,
                        lab,
                        source,
                        mirror,
                        options,
                    )
                    .map_err(|e| e.to_string())
                }
            };
            let collected = Collected {
                learner: learner.id.clone(),
                lab,
                result,
            };
            on_each(&collected);
            all.push(collected);
        }
    }
    Ok(all)
}

/// A roster `repository`, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Git(String),
    Folder(PathBuf),
    Archive(PathBuf),
}

fn resolve(cohort_dir: &Path, repository: &str) -> Result<Source, String> {
    let repository = repository.trim();
    if repository.is_empty() {
        return Err(
            "the roster gives no repository for this learner; fill in the `repository` column"
                .into(),
        );
    }
    let scp_like = repository
        .split_once(':')
        .is_some_and(|(host, _)| host.contains('@') && !host.contains('/'));
    if repository.contains("://") || scp_like {
        return Ok(Source::Git(repository.to_owned()));
    }
    let path = cohort_dir.join(repository);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if path.is_file() {
        if [".tar", ".tar.gz", ".tgz"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            Ok(Source::Archive(path))
        } else {
            Err(format!(
                "`{}` is a file but not a .tar, .tar.gz or .tgz archive",
                path.display()
            ))
        }
    } else if path.is_dir() {
        if git::is_repository(&path) {
            Ok(Source::Git(path.to_string_lossy().into_owned()))
        } else {
            Ok(Source::Folder(path))
        }
    } else {
        Err(format!(
            "`{}` does not exist; the roster's `repository` is a git URL, a folder or an archive (relative paths start at the cohort folder)",
            path.display()
        ))
    }
}

/// Mirrors the learner's repository under `repos/`, or brings the mirror up to date.
fn mirror(cohort: &Cohort, learner: &str, url: &str) -> Result<PathBuf, CohortError> {
    let dir = cohort.mirror_dir(learner);
    if git::is_repository(&dir) {
        git::git(&dir, &["remote", "set-url", "origin", url])?;
        git::git(&dir, &["fetch", "-q", "--prune", "--force", "origin"])?;
    } else {
        let parent = dir.parent().unwrap_or(&cohort.dir).to_owned();
        std::fs::create_dir_all(&parent).map_err(CohortError::io(&parent))?;
        let to = dir.to_string_lossy().into_owned();
        git::git(&parent, &["clone", "-q", "--mirror", url, &to])?;
    }
    Ok(dir)
}

fn collect_one(
    cohort: &Cohort,
    learner: &str,
    repository: &str,
    lab: Stage,
    source: &Source,
    mirror: Option<&PathBuf>,
    options: &CollectOptions,
) -> Result<Submission, CohortError> {
    let dest = cohort.submission_dir(learner, lab.as_str());
    let tmp = dest.with_extension(format!("tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(CohortError::io(&tmp))?;
    }
    let lab_rel = PathBuf::from("labs").join(lab.as_str());
    let files_root = tmp.join(FILES_DIR);
    let mut taken = Taken::default();
    let (kind, reference, commit, time, time_source) = match source {
        Source::Git(_) => {
            let mirror = mirror.ok_or_else(|| CohortError::Unmet("no mirror".into()))?;
            let reference = options
                .reference
                .as_deref()
                .unwrap_or("HEAD")
                .replace("{lab}", lab.as_str());
            let commit = git::git_text(
                mirror,
                &["rev-parse", "--verify", "--quiet", &format!("{reference}^{{commit}}")],
            )
            .map_err(|_| {
                CohortError::Unmet(format!(
                    "the repository has no commit or tag `{reference}`; push it, or collect another with --ref"
                ))
            })?;
            let when = git::git_text(mirror, &["show", "-s", "--format=%cI", &commit])?;
            let when = parse_time(&when).map_err(CohortError::Unmet)?;
            let tar = git::git(
                mirror,
                &[
                    "archive",
                    "--format=tar",
                    &commit,
                    "--",
                    &slash_path(&lab_rel),
                ],
            )
            .map_err(|_| {
                CohortError::Unmet(format!(
                    "commit {} has no `{}` folder",
                    &commit[..commit.len().min(12)],
                    slash_path(&lab_rel)
                ))
            })?;
            unpack(&tar[..], &lab_rel, &files_root, &mut taken)?;
            (
                SourceKind::Git,
                Some(reference),
                Some(commit),
                when,
                TimeSource::Commit,
            )
        }
        Source::Folder(dir) => {
            copy_folder(&dir.join(&lab_rel), &lab_rel, &files_root, &mut taken)?;
            let when = taken.newest.ok_or_else(|| {
                CohortError::Unmet(format!(
                    "`{}` has no `{}` folder",
                    dir.display(),
                    slash_path(&lab_rel)
                ))
            })?;
            (SourceKind::Folder, None, None, when, TimeSource::Files)
        }
        Source::Archive(path) => {
            let file = std::fs::File::open(path).map_err(CohortError::io(path))?;
            let name = path.to_string_lossy();
            if name.ends_with(".tar") {
                unpack(file, &lab_rel, &files_root, &mut taken)?;
            } else {
                unpack(
                    flate2::read::GzDecoder::new(file),
                    &lab_rel,
                    &files_root,
                    &mut taken,
                )?;
            }
            let when = taken.newest.ok_or_else(|| {
                CohortError::Unmet(format!(
                    "`{}` has no `{}` folder",
                    path.display(),
                    slash_path(&lab_rel)
                ))
            })?;
            (SourceKind::Archive, None, None, when, TimeSource::Files)
        }
    };
    if taken.files == 0 {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(CohortError::Unmet(format!(
            "no files under `{}`",
            slash_path(&lab_rel)
        )));
    }
    let submission = Submission {
        learner: learner.to_owned(),
        lab,
        source: repository.to_owned(),
        kind,
        reference,
        commit,
        submitted_at: format_time(time),
        time_source,
        collected_at: ninety_kit::artifact::now_rfc3339(),
        files: taken.files,
    };
    let record = tmp.join(SUBMISSION_FILE);
    let text = toml::to_string(&submission).expect("submissions always serialise");
    std::fs::write(&record, text).map_err(CohortError::io(&record))?;
    if dest.exists() {
        std::fs::remove_dir_all(&dest).map_err(CohortError::io(&dest))?;
    }
    std::fs::rename(&tmp, &dest).map_err(CohortError::io(&dest))?;
    Ok(submission)
}

/// What was taken so far: to stay within the limits, and the newest time.
#[derive(Default)]
struct Taken {
    files: usize,
    bytes: u64,
    newest: Option<OffsetDateTime>,
}

impl Taken {
    fn add(&mut self, size: u64, modified: Option<OffsetDateTime>) -> Result<(), CohortError> {
        self.files += 1;
        self.bytes += size;
        if self.files > MAX_FILES || self.bytes > MAX_BYTES {
            return Err(CohortError::Unmet(format!(
                "the submission holds more than {MAX_FILES} files or {} MiB; is build output committed?",
                MAX_BYTES >> 20
            )));
        }
        if let Some(t) = modified {
            self.newest = Some(self.newest.map_or(t, |n| n.max(t)));
        }
        Ok(())
    }
}

/// Whether `rel` (inside a lab) is taken: no build output, no git data.
fn wanted(rel: &Path) -> bool {
    rel.components().all(|c| match c {
        Component::Normal(name) => name != "target" && name != ".git",
        _ => false,
    })
}

fn write_file(root: &Path, rel: &Path, bytes: &[u8]) -> Result<(), CohortError> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(CohortError::io(parent))?;
    }
    std::fs::write(&path, bytes).map_err(CohortError::io(&path))
}

/// Unpacks the regular files under `lab_rel` of a tar stream (found at any
/// depth, so an archive of a folder holding the workspace works too).
fn unpack(
    from: impl Read,
    lab_rel: &Path,
    files_root: &Path,
    taken: &mut Taken,
) -> Result<(), CohortError> {
    let io = |e: std::io::Error| CohortError::Unmet(format!("the archive cannot be read: {e}"));
    let mut archive = tar::Archive::new(from);
    let wanted_parts: Vec<_> = lab_rel.components().collect();
    for entry in archive.entries().map_err(io)? {
        let mut entry = entry.map_err(io)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(io)?.into_owned();
        let parts: Vec<_> = path.components().collect();
        let Some(at) = parts
            .windows(wanted_parts.len())
            .position(|w| w == wanted_parts.as_slice())
        else {
            continue;
        };
        let inside: PathBuf = parts[at + wanted_parts.len()..].iter().collect();
        if inside.as_os_str().is_empty() || !wanted(&inside) {
            continue;
        }
        let size = entry.header().size().map_err(io)?;
        let modified = entry
            .header()
            .mtime()
            .ok()
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s as i64).ok());
        taken.add(size, modified)?;
        let mut bytes = Vec::with_capacity(size as usize);
        entry.read_to_end(&mut bytes).map_err(io)?;
        write_file(files_root, &lab_rel.join(inside), &bytes)?;
    }
    Ok(())
}

/// Copies the regular files of a lab folder.
fn copy_folder(
    from: &Path,
    lab_rel: &Path,
    files_root: &Path,
    taken: &mut Taken,
) -> Result<(), CohortError> {
    if !from.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(from).follow_links(false) {
        let entry = entry
            .map_err(|e| CohortError::Unmet(format!("cannot read `{}`: {e}", from.display())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(inside) = entry.path().strip_prefix(from) else {
            continue;
        };
        if !wanted(inside) {
            continue;
        }
        let meta = entry
            .metadata()
            .map_err(|e| CohortError::Unmet(e.to_string()))?;
        let modified = meta.modified().ok().map(OffsetDateTime::from);
        taken.add(meta.len(), modified)?;
        let bytes = std::fs::read(entry.path()).map_err(CohortError::io(entry.path()))?;
        write_file(files_root, &lab_rel.join(inside), &bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_is_a_url_an_archive_a_repository_or_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(matches!(
            resolve(root, "https://example.org/a.git"),
            Ok(Source::Git(_))
        ));
        assert!(matches!(
            resolve(root, "git@example.org:ada/ws.git"),
            Ok(Source::Git(_))
        ));
        std::fs::write(root.join("ada.tar.gz"), b"").unwrap();
        assert!(matches!(
            resolve(root, "ada.tar.gz"),
            Ok(Source::Archive(_))
        ));
        std::fs::create_dir_all(root.join("bob/.git")).unwrap();
        assert!(matches!(resolve(root, "bob"), Ok(Source::Git(_))));
        std::fs::create_dir_all(root.join("cy")).unwrap();
        assert_eq!(resolve(root, "cy"), Ok(Source::Folder(root.join("cy"))));
        assert!(
            resolve(root, "")
                .unwrap_err()
                .contains("`repository` column")
        );
        assert!(
            resolve(root, "nowhere")
                .unwrap_err()
                .contains("does not exist")
        );
        std::fs::write(root.join("notes.txt"), b"").unwrap();
        assert!(
            resolve(root, "notes.txt")
                .unwrap_err()
                .contains("not a .tar")
        );
    }

    #[test]
    fn an_archive_gives_the_lab_folder_wherever_it_sits_and_nothing_else() {
        let mut builder = tar::Builder::new(Vec::new());
        let mut add = |path: &str, body: &[u8], mtime: u64| {
            let mut header = tar::Header::new_gnu();
            header.set_size(body.len() as u64);
            header.set_mode(0o644);
            header.set_mtime(mtime);
            header.set_cksum();
            builder.append_data(&mut header, path, body).unwrap();
        };
        add(
            "ws/labs/frame/src/metrics.rs",
            b"fn a() {}\n",
            1_700_000_000,
        );
        add("ws/labs/frame/spec.toml", b"x = 1\n", 1_700_000_100);
        add("ws/labs/frame/target/debug/junk", b"junk", 1_800_000_000);
        add("ws/labs/gather/src/lib.rs", b"other lab", 1_800_000_000);
        let bytes = builder.into_inner().unwrap();
        let out = tempfile::tempdir().unwrap();
        let mut taken = Taken::default();
        unpack(&bytes[..], Path::new("labs/frame"), out.path(), &mut taken).unwrap();
        assert_eq!(taken.files, 2);
        assert_eq!(taken.newest.unwrap().unix_timestamp(), 1_700_000_100);
        assert!(out.path().join("labs/frame/src/metrics.rs").is_file());
        assert!(!out.path().join("labs/frame/target").exists());
        assert!(!out.path().join("labs/gather").exists());
    }
}
