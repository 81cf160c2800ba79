//! `ninety hint LAB [CHECK]`: a check's hints, one tier at a time.
//!
//! The hints are read from the lab's `tests/grade.rs` (no build), so they
//! are there before the first grade. Without a check, the first failing
//! check of the last grade is taken, or the first check when there is no
//! grade yet.

use crate::declared::{Declared, declared};
use crate::workspace::Workspace;
use anyhow::{Context, Result, bail};
use std::process::ExitCode;

/// `ninety hint`'s arguments.
#[derive(Debug, clap::Args)]
pub struct HintArgs {
    /// The lab.
    pub lab: String,
    /// The check's id (default: the first failing check of the last grade).
    pub check: Option<String>,
    /// How many tiers to show: 1 the idea, 2 also the approach, 3 also the
    /// code-level hint.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=3))]
    pub tier: u8,
}

/// The names of the tiers, gentlest first.
const TIERS: [&str; 3] = ["idea", "approach", "code"];

/// Prints the hints asked for.
pub fn run(ws: &Workspace, args: &HintArgs) -> Result<ExitCode> {
    let lab = ws.course.lab_named(&args.lab)?;
    let source_path = lab.dir.join("tests/grade.rs");
    let source = std::fs::read_to_string(&source_path)
        .with_context(|| format!("reading the checks in `{}`", source_path.display()))?;
    let Some(checks) = declared(&source) else {
        bail!(
            "`{}` does not parse as Rust; restore it with `git checkout {}`",
            source_path.display(),
            source_path.display()
        );
    };
    let check = match &args.check {
        Some(id) => checks.iter().find(|c| &c.id == id).with_context(|| {
            let ids: Vec<&str> = checks.iter().map(|c| c.id.as_str()).collect();
            format!(
                "the {} lab has no check `{id}`; its checks are: {}",
                lab.stage,
                ids.join(", ")
            )
        })?,
        None => first_failing(ws, lab.stage, &checks)
            .with_context(|| format!("the {} lab declares no checks", lab.stage))?,
    };
    print!("{}", render(lab.stage.as_str(), check, args.tier as usize));
    Ok(ExitCode::SUCCESS)
}

/// The first failing check of the lab's last grade, or its first check.
fn first_failing<'a>(
    ws: &Workspace,
    stage: ninety_kit::Stage,
    checks: &'a [Declared],
) -> Option<&'a Declared> {
    let failing = ninety_grader::GradeReport::load(&ws.home.grades(), stage.as_str())
        .ok()
        .and_then(|r| r.checks.into_iter().find(|c| !c.passed).map(|c| c.id));
    failing
        .and_then(|id| checks.iter().find(|c| c.id == id))
        .or_else(|| checks.first())
}

/// The first `tier` tiers of a check's hints, named, and how to ask for the
/// next.
fn render(lab: &str, check: &Declared, tier: usize) -> String {
    let mut out = format!("{} ({} points)\n", check.id, check.points);
    let hints = check.hints();
    if hints.is_empty() {
        out.push_str("  This check has no hint: its failure message says what is wrong.\n");
        return out;
    }
    let named = hints.len() == TIERS.len();
    for (i, hint) in hints.iter().enumerate().take(tier) {
        let name = if named { TIERS[i] } else { "hint" };
        out.push_str(&format!("  {name}: {hint}\n"));
    }
    if tier < hints.len() {
        out.push_str(&format!(
            "\nStuck after trying that? The {}: ninety hint {lab} {} --tier {}\n",
            if named { TIERS[tier] } else { "next hint" },
            check.id,
            tier + 1
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check() -> Declared {
        Declared {
            id: "split.by_time".into(),
            points: 3,
            tiers: [
                Some("judge on what comes later".into()),
                Some("earlier trains, later tests".into()),
                Some("filter on period".into()),
            ],
        }
    }

    #[test]
    fn one_tier_at_a_time_with_the_way_to_the_next() {
        let first = render("train", &check(), 1);
        assert!(first.contains("idea: judge on what comes later"), "{first}");
        assert!(!first.contains("earlier trains"), "{first}");
        assert!(
            first.contains("ninety hint train split.by_time --tier 2"),
            "{first}"
        );
        let all = render("train", &check(), 3);
        assert!(all.contains("code: filter on period"), "{all}");
        assert!(!all.contains("--tier"), "nothing further to ask for: {all}");
    }
}
