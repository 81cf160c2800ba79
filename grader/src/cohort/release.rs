//! `ninety cohort release`: the learner workspaces of a cohort.
//!
//! The instructor repository is released once into `template/` (as `ninety
//! init` releases it: starters, no hidden checks, the tests' checksums),
//! with the CI workflows of [`super::ci`], as a git repository whose first
//! commit is tagged `starter`. Unless only the template is wanted, each
//! learner then gets `workspaces/<id>/`, a git clone of it (cheap: the
//! objects are shared) to push to their own remote. The release's
//! checksums are copied to the cohort folder, where grading reads them.

use super::{Cohort, CohortError, ci, git};
use crate::release::{self, RELEASE_FILE, ReleaseOptions, STARTER_TAG};
use ninety_kit::Stage;
use std::path::PathBuf;

/// What a cohort release wrote.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CohortRelease {
    /// The template workspace.
    pub template: PathBuf,
    /// Whether the template was written by this release (else it was there).
    pub template_written: bool,
    /// The workspaces written, by learner id.
    pub workspaces: Vec<(String, PathBuf)>,
    /// Learners whose workspace was already there and was left as it is.
    pub kept: Vec<String>,
    /// Visible test files whose checksums were recorded.
    pub tests: usize,
}

/// Releases the cohort: the template, then (unless `template_only`) a
/// workspace per learner. Folders already released are left as they are.
pub fn release(cohort: &Cohort, template_only: bool) -> Result<CohortRelease, CohortError> {
    // A cohort naming a lab the course lacks fails before anything is written.
    cohort.course()?;
    let root = cohort.course_root();
    let template = cohort.template_dir();
    let mut out = CohortRelease {
        template: template.clone(),
        ..Default::default()
    };
    if !template.join(RELEASE_FILE).is_file() {
        release::release(&root, &template, &ReleaseOptions { git: false })?;
        let labs: Vec<Stage> = cohort.config.labs.iter().map(|l| l.name).collect();
        for (rel, text) in [
            (ci::GITHUB_PATH, ci::github_actions(&labs)),
            (ci::GITLAB_PATH, ci::gitlab_ci(&labs)),
        ] {
            let path = template.join(rel);
            std::fs::create_dir_all(path.parent().unwrap_or(&template))
                .map_err(CohortError::io(&path))?;
            std::fs::write(&path, text).map_err(CohortError::io(&path))?;
        }
        git::init_commit_tag(
            &template,
            &format!("{}: the learner workspace, as released", cohort.config.name),
            STARTER_TAG,
        )?;
        out.template_written = true;
    }
    let manifest = template.join(RELEASE_FILE);
    let copy = cohort.release_manifest();
    std::fs::copy(&manifest, &copy).map_err(CohortError::io(&copy))?;
    out.tests = super::tamper::ReleaseManifest::load(&copy)?.tests.len();
    if template_only {
        return Ok(out);
    }
    let parent = cohort.dir.join("workspaces");
    std::fs::create_dir_all(&parent).map_err(CohortError::io(&parent))?;
    for learner in &cohort.roster.learners {
        let dest = cohort.workspace_dir(&learner.id);
        if dest.exists() {
            out.kept.push(learner.id.clone());
            continue;
        }
        let from = template.to_string_lossy().into_owned();
        let to = dest.to_string_lossy().into_owned();
        git::git(&parent, &["clone", "-q", &from, &to])?;
        // The learner pushes to their own remote; the template is not one.
        git::git(&dest, &["remote", "remove", "origin"])?;
        out.workspaces.push((learner.id.clone(), dest));
    }
    Ok(out)
}
