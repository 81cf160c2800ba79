//! `ninety grade [LAB]`: grade labs with their checks, print, save progress.

use crate::state::{Progress, State};
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use ninety_grader::cargo::{GradeOutcome, build_errors, how_it_ended};
use ninety_kit::Stage;
use std::process::ExitCode;

/// `ninety grade`'s arguments.
#[derive(Debug, clap::Args)]
pub struct GradeArgs {
    /// The lab (default: every lab).
    pub lab: Option<String>,
    /// Print the grade reports as JSON.
    #[arg(long)]
    pub json: bool,
}

/// What `--json` prints for a lab that did not build.
#[derive(Debug, serde::Serialize)]
struct BuildFailure<'a> {
    lab: Stage,
    build_error: &'a str,
}

/// What `--json` prints for a lab whose grading ended without a report.
#[derive(Debug, serde::Serialize)]
struct NoReport<'a> {
    lab: Stage,
    ended_without_report: &'a str,
}

/// Grades the labs and prints what each check found.
pub fn run(ws: &Workspace, args: &GradeArgs) -> Result<ExitCode> {
    let labs: Vec<Stage> = match &args.lab {
        Some(name) => vec![ws.course.lab_named(name)?.stage],
        None => ws.course.labs().map(|l| l.stage).collect(),
    };
    let json = args.json;
    let (mut state, _) = State::load(&ws.home.state_file());
    let mut all_passed = true;
    let mut reports = Vec::new();
    for stage in labs {
        if !json {
            eprintln!("Grading {stage} (cargo test -p lab-{stage})...");
        }
        // The first build of a lab's checks takes minutes: say how far it is.
        let bar = if json {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr())
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template("  building [{bar:30}] {pos}/{len} {msg}")?
                .progress_chars("=> "),
        );
        let outcome = ninety_grader::cargo::grade_with_progress(
            &ws.root,
            stage.as_str(),
            &ws.home.grades(),
            &mut |line| {
                if let Some(p) = crate::pipeline::parse_progress(line) {
                    bar.set_length(u64::from(p.total));
                    bar.set_position(u64::from(p.done));
                    bar.set_message(p.compiling.chars().take(40).collect::<String>());
                }
            },
        )
        .context("running cargo")?;
        bar.finish_and_clear();
        match outcome {
            GradeOutcome::Graded { report, .. } => {
                state.labs.insert(stage, Progress::from_report(&report));
                all_passed &= report.all_passed();
                if !json {
                    print_report(&report);
                }
                reports.push(serde_json::to_value(&report)?);
            }
            GradeOutcome::BuildFailed { output } => {
                all_passed = false;
                state.labs.insert(
                    stage,
                    Progress::Failing {
                        points: 0,
                        max_points: 0,
                    },
                );
                let errors = build_errors(&output);
                if json {
                    reports.push(serde_json::to_value(BuildFailure {
                        lab: stage,
                        build_error: &errors,
                    })?);
                } else {
                    println!("{stage}: does not compile\n\n{errors}\n");
                }
            }
            GradeOutcome::NoReport { output } => {
                all_passed = false;
                state.labs.insert(
                    stage,
                    Progress::Failing {
                        points: 0,
                        max_points: 0,
                    },
                );
                let ended = how_it_ended(&output, 40);
                if json {
                    reports.push(serde_json::to_value(NoReport {
                        lab: stage,
                        ended_without_report: &ended,
                    })?);
                } else {
                    println!("{stage}: grading ended without a report\n\n{ended}\n");
                }
            }
        }
    }
    state
        .save(&ws.home.state_file())
        .with_context(|| format!("saving progress to `{}`", ws.home.state_file().display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_report(report: &ninety_grader::GradeReport) {
    println!("{}", report.lab);
    for c in &report.checks {
        let mark = if c.passed { "✓" } else { "✗" };
        println!("  {mark} {:<40} {:>2}/{}", c.id, c.points, c.max_points);
        if !c.passed {
            if let Some(m) = &c.message {
                for line in m.lines().take(6) {
                    println!("      {line}");
                }
            }
            if let Some(hint) = c.hints.first() {
                println!("      hint: {hint}");
            }
            if c.hints.len() > 1 {
                println!(
                    "      (the next hint: ninety hint {} {} --tier 2)",
                    report.lab, c.id
                );
            }
        }
    }
    println!(
        "{}: {}/{} points\n",
        report.lab, report.points, report.max_points
    );
}
