//! `ninety cohort feedback`: what each learner is told, in markdown.
//!
//! For each lab: the points, the late penalty and how it was reckoned, the
//! failing checks with their first hint (a hidden check's message is not
//! shown: it would give the hidden test away), the compiler's errors when
//! the code did not compile, and any released test file the learner changed
//! (which was not used: their code was graded with the course's checks),
//! then the lab's rubric: each criterion with its points and the grader's
//! comment, or that it is not scored yet.

use super::config::{LatePolicy, Learner};
use super::grade::Status;
use super::gradebook::{CheckRow, GradeRow, Gradebook};
use super::{Cohort, CohortError, fmt_points};
use std::path::PathBuf;

/// Writes `feedback/<id>.md` for every learner with a grade; returns the files.
pub fn write_all(cohort: &Cohort, book: &Gradebook) -> Result<Vec<PathBuf>, CohortError> {
    let grades = book.grades()?;
    let dir = cohort.feedback_dir();
    std::fs::create_dir_all(&dir).map_err(CohortError::io(&dir))?;
    let mut written = Vec::new();
    for learner in &cohort.roster.learners {
        let mine: Vec<&GradeRow> = grades.iter().filter(|g| g.learner == learner.id).collect();
        if mine.is_empty() {
            continue;
        }
        let checks = book.check_rows(Some(&learner.id))?;
        let mut dues = Vec::new();
        for g in &mine {
            dues.push(book.due(&g.lab)?);
        }
        let text = render(learner, &mine, &dues, &checks, &cohort.config.late);
        let path = dir.join(format!("{}.md", learner.id));
        ninety_kit::artifact::write_atomic(&path, text.as_bytes())
            .map_err(|e| CohortError::Unmet(e.to_string()))?;
        written.push(path);
    }
    Ok(written)
}

/// The feedback of one learner: `grades` (with each lab's due time in
/// `dues`) and their check results.
pub fn render(
    learner: &Learner,
    grades: &[&GradeRow],
    dues: &[Option<String>],
    checks: &[CheckRow],
    policy: &LatePolicy,
) -> String {
    let mut md = format!("# Feedback for {} ({})\n", learner.name, learner.id);
    for (g, due) in grades.iter().zip(dues) {
        let status = Status::parse(&g.status).unwrap_or(Status::Error);
        md.push_str(&format!(
            "\n## {}: {} / {} points\n\n",
            g.lab,
            fmt_points(g.final_points),
            g.max_points
        ));
        if status == Status::Missing {
            md.push_str("Nothing was collected for this lab.\n");
            continue;
        }
        if let Some(at) = &g.submitted_at {
            let commit = g
                .commit
                .as_deref()
                .map(|c| format!(" (commit {})", &c[..c.len().min(12)]))
                .unwrap_or_default();
            md.push_str(&format!("Submitted {at}{commit}"));
            if let Some(due) = due {
                md.push_str(&format!("; due {due}"));
            }
            md.push_str(".\n");
        }
        if g.days_late > 0 {
            md.push_str(&format!(
                "\n**Late by {} day{}**: the policy takes {}% of the points a day (a day begun counts), at most {}%, so {}% of {} points: {} off, {} left.\n",
                g.days_late,
                if g.days_late == 1 { "" } else { "s" },
                fmt_points(policy.penalty_per_day),
                fmt_points(policy.cap),
                fmt_points(g.penalty_percent),
                fmt_points(g.points),
                fmt_points(g.late_penalty),
                fmt_points(g.final_points),
            ));
        }
        if !g.tampering.is_empty() {
            md.push_str(
                "\n**Test files changed.** These released files differ from what you were given; they were not used, your code was graded with the course's own checks:\n\n",
            );
            for t in &g.tampering {
                md.push_str(&format!("- `{t}`\n"));
            }
        }
        match status {
            Status::Graded => {
                let failing: Vec<&CheckRow> = checks
                    .iter()
                    .filter(|c| c.lab == g.lab && !c.passed)
                    .collect();
                if failing.is_empty() {
                    md.push_str("\nEvery check passed.\n");
                    rubric(&mut md, g);
                    continue;
                }
                md.push_str("\nChecks that failed:\n\n");
                for c in failing {
                    let pts = format!(
                        "{} pt{}",
                        c.max_points,
                        if c.max_points == 1 { "" } else { "s" }
                    );
                    if c.hidden {
                        md.push_str(&format!("- a hidden check, `{}` ({pts})", c.check));
                    } else {
                        md.push_str(&format!("- `{}` ({pts})", c.check));
                        if let Some(m) = &c.message {
                            let first: Vec<&str> = m.lines().take(3).collect();
                            md.push_str(&format!(": {}", first.join(" / ")));
                        }
                    }
                    if c.timed_out {
                        md.push_str(" (ran past its time limit)");
                    }
                    md.push('\n');
                    if let Some(hint) = c.hints.first() {
                        md.push_str(&format!("  - Hint: {hint}\n"));
                    }
                }
                md.push_str(&format!(
                    "\nFor the next hints of a visible check: `ninety hint {} CHECK --tier 2`.\n",
                    g.lab
                ));
            }
            other => {
                md.push_str(&format!(
                    "\nYour code {}; no check could run.\n",
                    other.describe()
                ));
                if let Some(detail) = &g.detail {
                    md.push_str(&format!("\n```text\n{}\n```\n", detail.trim_end()));
                }
            }
        }
        rubric(&mut md, g);
    }
    md
}

/// The rubric part of a lab's feedback: each criterion, its points and the
/// grader's comment.
fn rubric(md: &mut String, g: &GradeRow) {
    if g.rubric.is_empty() {
        return;
    }
    md.push_str(&format!(
        "\nChecks {} / {} points; rubric {} / {} points",
        g.auto_points,
        g.auto_max,
        fmt_points(g.rubric_points),
        g.rubric_max
    ));
    if g.ungraded > 0 {
        md.push_str(&format!(
            ", {} criteri{} not scored yet",
            g.ungraded,
            if g.ungraded == 1 { "on" } else { "a" }
        ));
    }
    md.push_str(":\n\n");
    for r in &g.rubric {
        let points = r
            .points
            .map(|p| format!("{} / {}", fmt_points(p), r.max_points))
            .unwrap_or_else(|| format!("not scored yet (of {})", r.max_points));
        md.push_str(&format!("- {} (`{}`): {points}\n", r.title, r.criterion));
        let comment = r.comment.trim();
        if !comment.is_empty() {
            md.push_str(&format!("  - {}\n", comment.replace('\n', " ")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(lab: &str, status: &str) -> GradeRow {
        GradeRow {
            learner: "ada".into(),
            name: "Ada".into(),
            email: String::new(),
            lab: lab.into(),
            status: status.into(),
            points: 20.0,
            max_points: 32,
            auto_points: 20,
            auto_max: 32,
            days_late: 3,
            penalty_percent: 30.0,
            late_penalty: 6.0,
            final_points: 14.0,
            tampering: vec!["labs/frame/tests/grade.rs (edited)".into()],
            submitted_at: Some("2026-01-12T06:00:00Z".into()),
            commit: Some("0123456789abcdef".into()),
            detail: None,
            ..GradeRow::default()
        }
    }

    fn check(id: &str, hidden: bool) -> CheckRow {
        CheckRow {
            learner: "ada".into(),
            lab: "frame".into(),
            check: id.into(),
            points: 0,
            max_points: 3,
            passed: false,
            timed_out: false,
            hidden,
            message: Some(format!("the secret input of {id}")),
            hints: vec![format!("the idea of {id}")],
        }
    }

    #[test]
    fn feedback_tells_the_penalty_the_failures_and_the_tampering() {
        let learner = Learner {
            id: "ada".into(),
            name: "Ada".into(),
            email: String::new(),
            repository: String::new(),
        };
        let frame = row("frame", "graded");
        let mut gather = row("gather", "build_failed");
        gather.days_late = 0;
        gather.tampering.clear();
        gather.detail = Some("error[E0308]: mismatched types".into());
        let md = render(
            &learner,
            &[&frame, &gather],
            &[Some("2026-01-10T00:00:00Z".into()), None],
            &[check("metrics.rates", false), check("hidden.edges", true)],
            &LatePolicy::default(),
        );
        assert!(md.starts_with("# Feedback for Ada (ada)\n"), "{md}");
        assert!(md.contains("## frame: 14 / 32 points"), "{md}");
        assert!(
            md.contains(
                "Submitted 2026-01-12T06:00:00Z (commit 0123456789ab); due 2026-01-10T00:00:00Z."
            ),
            "{md}"
        );
        assert!(md.contains("**Late by 3 days**: the policy takes 10% of the points a day (a day begun counts), at most 50%, so 30% of 20 points: 6 off, 14 left."), "{md}");
        assert!(
            md.contains("- `labs/frame/tests/grade.rs (edited)`"),
            "{md}"
        );
        assert!(md.contains("- `metrics.rates` (3 pts): the secret input of metrics.rates\n  - Hint: the idea of metrics.rates"), "{md}");
        assert!(
            md.contains(
                "- a hidden check, `hidden.edges` (3 pts)\n  - Hint: the idea of hidden.edges"
            ),
            "{md}"
        );
        assert!(!md.contains("the secret input of hidden.edges"), "{md}");
        assert!(
            md.contains("Your code did not compile; no check could run.\n\n```text\nerror[E0308]"),
            "{md}"
        );
    }

    #[test]
    fn feedback_lists_the_rubric_with_its_comments() {
        use crate::cohort::gradebook::RubricScore;
        let learner = Learner {
            id: "ada".into(),
            name: "Ada".into(),
            email: String::new(),
            repository: String::new(),
        };
        let mut frame = row("frame", "graded");
        frame.days_late = 0;
        frame.tampering.clear();
        frame.rubric = vec![
            RubricScore {
                criterion: "spec.reasoning".into(),
                title: "The numbers come with their reasons".into(),
                max_points: 3,
                points: Some(2.5),
                comment: "costs argued well;\nlatency not argued".into(),
                ..RubricScore::default()
            },
            RubricScore {
                criterion: "spec.cases".into(),
                title: "The awkward cases are decided".into(),
                max_points: 2,
                ..RubricScore::default()
            },
        ];
        frame.rubric_points = 2.5;
        frame.rubric_max = 5;
        frame.ungraded = 1;
        let md = render(&learner, &[&frame], &[None], &[], &LatePolicy::default());
        assert!(md.contains("Every check passed."), "{md}");
        assert!(
            md.contains("Checks 20 / 32 points; rubric 2.5 / 5 points, 1 criterion not scored yet:\n\n- The numbers come with their reasons (`spec.reasoning`): 2.5 / 3\n  - costs argued well; latency not argued\n- The awkward cases are decided (`spec.cases`): not scored yet (of 2)\n"),
            "{md}"
        );
    }
}
