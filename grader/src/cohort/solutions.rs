//! `ninety cohort release-solutions`: a lab's solutions, published once it
//! is due.
//!
//! The solution of a lab is the instructor repository's version of each
//! file its `lab.toml` lists in `files`: the code the starter's `todo!`s
//! stand for, with the marker lines (`BEGIN SOLUTION: hint`, its
//! continuation lines, `END SOLUTION`) taken out so that the files read as
//! plain code. They are written to `solutions/<lab>/<file>` in the
//! template (and committed there) and in every learner workspace released
//! in the cohort folder (not committed: a commit in a learner's repository
//! would change what `collect` takes and when it says the work was made).
//! Before the lab's due date this is refused unless forced. The gradebook
//! records when it was done; `ninety cohort status` shows it.

use super::config::format_time;
use super::gradebook::{Gradebook, SolutionRelease};
use super::{Cohort, CohortError, git};
use crate::markers::{self, Kind, Role, Syntax};
use ninety_kit::Stage;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// The folder, in a workspace, that published solutions go to.
pub const SOLUTIONS_DIR: &str = "solutions";

/// What publishing wrote.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Published {
    /// The lab.
    pub lab: String,
    /// The solution files, relative to `solutions/<lab>/`.
    pub files: Vec<String>,
    /// The folders they were written to (`.../solutions/<lab>`).
    pub places: Vec<PathBuf>,
    /// Whether it was done before the due date.
    pub forced: bool,
}

/// Publishes `lab`'s solutions to the cohort's template and workspaces, if
/// the lab is due or `force` is set.
pub fn release_solutions(
    cohort: &Cohort,
    lab: Stage,
    force: bool,
) -> Result<Published, CohortError> {
    release_solutions_at(cohort, lab, force, OffsetDateTime::now_utc())
}

/// [`release_solutions`] as if it were `now`.
pub fn release_solutions_at(
    cohort: &Cohort,
    lab: Stage,
    force: bool,
    now: OffsetDateTime,
) -> Result<Published, CohortError> {
    let due = cohort.config.lab(lab).ok_or_else(|| {
        CohortError::Unmet(format!(
            "lab `{lab}` is not in the cohort; its labs: {}",
            cohort
                .config
                .labs
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let early = now < due.due;
    if early && !force {
        return Err(CohortError::Unmet(format!(
            "lab `{lab}` is due {}; its solutions can be released after that (or now, with --force)",
            format_time(due.due)
        )));
    }
    let course = cohort.course()?;
    let info = course.lab_named(lab.as_str())?;
    let mut texts: Vec<(String, Vec<u8>)> = Vec::new();
    for file in &info.files {
        let path = info.dir.join(file);
        let bytes = std::fs::read(&path).map_err(CohortError::io(&path))?;
        texts.push((file.clone(), solution_bytes(&path, bytes)?));
    }
    let template = cohort.template_dir();
    if !template.is_dir() {
        return Err(CohortError::Unmet(format!(
            "the cohort is not released yet (no `{}`); run `ninety cohort release` first",
            template.display()
        )));
    }
    let mut places = vec![template.clone()];
    for learner in &cohort.roster.learners {
        let ws = cohort.workspace_dir(&learner.id);
        if ws.is_dir() {
            places.push(ws);
        }
    }
    let mut out = Published {
        lab: lab.as_str().to_owned(),
        files: texts.iter().map(|(f, _)| f.clone()).collect(),
        places: Vec::new(),
        forced: early,
    };
    for root in &places {
        let dir = root.join(SOLUTIONS_DIR).join(lab.as_str());
        for (file, bytes) in &texts {
            let path = dir.join(file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(CohortError::io(parent))?;
            }
            ninety_kit::artifact::write_atomic(&path, bytes)
                .map_err(|e| CohortError::Unmet(e.to_string()))?;
        }
        out.places.push(dir);
    }
    if template.join(".git").exists() {
        let rel = format!("{SOLUTIONS_DIR}/{lab}");
        git::git(&template, &["add", "--", &rel])?;
        let staged = git::git_text(&template, &["diff", "--cached", "--name-only"])?;
        if !staged.is_empty() {
            let message = format!("{}: the solutions of lab {lab}", cohort.config.name);
            git::git(&template, &["commit", "-q", "-m", &message])?;
        }
    }
    let mut book = Gradebook::open(&cohort.gradebook_path())?;
    book.put_solution_release(&SolutionRelease {
        lab: out.lab.clone(),
        released_at: format_time(now),
        forced: early,
        files: out.files.len() as u32,
        places: out.places.len() as u32,
    })?;
    Ok(out)
}

/// A listed file of the instructor repository as a solution: its marker
/// lines taken out, the code between them kept. Files with no markers (or
/// in a syntax markers cannot be written in) are as they are.
pub fn solution_bytes(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>, CohortError> {
    let Some(syntax) = Syntax::for_path(path) else {
        return Ok(bytes);
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(bytes);
    };
    let regions = markers::scan(path, text, Role::Learner, syntax).map_err(|errors| {
        CohortError::Unmet(format!(
            "the solution markers of `{}` are not well formed (`ninety lab check` shows them all): {}",
            path.display(),
            errors
                .first()
                .map(ToString::to_string)
                .unwrap_or_default()
        ))
    })?;
    if regions.is_empty() {
        return Ok(bytes);
    }
    let mark = match syntax {
        Syntax::Rust => "//",
        Syntax::Hash => "#",
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut drop = vec![false; lines.len()];
    for r in regions.iter().filter(|r| r.kind == Kind::Solution) {
        drop[r.begin - 1] = true;
        drop[r.end - 1] = true;
        // The hint's continuation lines: comments whose text starts with two spaces.
        for (i, line) in lines.iter().enumerate().take(r.end - 1).skip(r.begin) {
            let continues = line.trim_start().strip_prefix(mark).is_some_and(|rest| {
                !(syntax == Syntax::Rust && (rest.starts_with('/') || rest.starts_with('!')))
                    && rest.starts_with("  ")
                    && !rest.trim().is_empty()
            });
            if !continues {
                break;
            }
            drop[i] = true;
        }
    }
    let mut out = String::with_capacity(text.len());
    for (line, dropped) in lines.iter().zip(&drop) {
        if !dropped {
            out.push_str(line);
            out.push('\n');
        }
    }
    if !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_taken_out_and_the_solution_kept() {
        let rust = "pub fn double(x: u32) -> u32 {\n    // BEGIN SOLUTION: multiply by\n    //   two\n    // A note on the answer.\n    x * 2\n    // END SOLUTION\n}\n";
        let out = solution_bytes(Path::new("src/a.rs"), rust.as_bytes().to_vec()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "pub fn double(x: u32) -> u32 {\n    // A note on the answer.\n    x * 2\n}\n"
        );
        let toml = "[a]\n# BEGIN SOLUTION: set b\nb = 1\n# END SOLUTION\n";
        let out = solution_bytes(Path::new("spec.toml"), toml.as_bytes().to_vec()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "[a]\nb = 1\n");
        let md = b"# Guidelines\n".to_vec();
        assert_eq!(
            solution_bytes(Path::new("guidelines.md"), md.clone()).unwrap(),
            md
        );
    }

    #[test]
    fn solutions_wait_for_the_due_date_unless_forced_and_status_shows_them() {
        use crate::cohort::config::parse_time;
        use crate::cohort::rubric::tests::{fixture, write};
        let tmp = tempfile::tempdir().unwrap();
        let cohort = fixture(tmp.path());
        let before = parse_time("2026-01-09T00:00:00Z").unwrap();
        let err = release_solutions_at(&cohort, Stage::Frame, false, before)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "lab `frame` is due 2026-01-10T00:00:00Z; its solutions can be released after that (or now, with --force)"
        );
        let err = release_solutions_at(&cohort, Stage::Gather, true, before)
            .unwrap_err()
            .to_string();
        assert!(err.contains("lab `gather` is not in the cohort"), "{err}");
        assert!(!cohort.gradebook_path().exists(), "nothing is recorded");

        // A released cohort: the template (no git here) and one workspace.
        write(&cohort.template_dir(), "README.md", "# Workspace\n");
        write(&cohort.workspace_dir("ada"), "README.md", "# Workspace\n");
        let after = parse_time("2026-01-11T00:00:00Z").unwrap();
        let out = release_solutions_at(&cohort, Stage::Frame, false, after).unwrap();
        assert!(!out.forced);
        assert_eq!(out.files, ["spec.toml", "src/a.rs"]);
        assert_eq!(out.places.len(), 2);
        for root in [cohort.template_dir(), cohort.workspace_dir("ada")] {
            let a = std::fs::read_to_string(root.join("solutions/frame/src/a.rs")).unwrap();
            assert_eq!(a, "pub fn a() -> u32 {\n    1\n}\n");
        }
        let spec = std::fs::read_to_string(cohort.template_dir().join("solutions/frame/spec.toml"))
            .unwrap();
        assert_eq!(spec, "[labels]\nspam = \"bulk mail nobody asked for\"\n");
        let forced = release_solutions_at(&cohort, Stage::Frame, true, before).unwrap();
        assert!(forced.forced);
        let book = Gradebook::open_existing(&cohort.gradebook_path()).unwrap();
        let released = book.solution_releases().unwrap();
        assert_eq!(
            released.len(),
            1,
            "a lab is recorded once, as last released"
        );
        assert_eq!(
            (
                released[0].lab.as_str(),
                released[0].released_at.as_str(),
                released[0].forced,
                released[0].places
            ),
            ("frame", "2026-01-09T00:00:00Z", true, 2)
        );
    }
}
