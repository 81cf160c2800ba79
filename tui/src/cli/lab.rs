//! `ninety lab`: list the labs with where you stand, or prove they are gradeable.

use crate::state::State;
use crate::workspace::Workspace;
use anyhow::{Result, anyhow};
use ninety_grader::labcheck;
use ninety_kit::Stage;
use std::path::PathBuf;
use std::process::ExitCode;

/// `ninety lab ...`
#[derive(Debug, clap::Subcommand)]
pub enum LabCommand {
    /// List the labs in course order with your progress.
    List {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// For course authors and CI: prove each lab is gradeable. Checks the
    /// solution markers, releases the starter into a scratch folder, and
    /// grades both: the starter must compile and fail every check, the
    /// solution must pass them all (hidden ones included).
    Check {
        /// Labs to check (default: all).
        labs: Vec<String>,
        /// Where to release the starter and build it (default: target/ninety/labcheck).
        #[arg(long, value_name = "DIR")]
        scratch: Option<PathBuf>,
    },
}

/// Runs `ninety lab ...`.
pub fn run(ws: &Workspace, command: LabCommand) -> Result<ExitCode> {
    match command {
        LabCommand::List { json } => list(ws, json),
        LabCommand::Check { labs, scratch } => check(ws, &labs, scratch),
    }
}

/// One row of `ninety lab list --json`.
#[derive(Debug, serde::Serialize)]
struct LabRow<'a> {
    name: Stage,
    title: &'a str,
    has_lab: bool,
    status: &'static str,
    points: Option<u32>,
    max_points: Option<u32>,
}

fn list(ws: &Workspace, json: bool) -> Result<ExitCode> {
    let (state, _) = State::load(&ws.home.state_file());
    if json {
        let rows: Vec<LabRow<'_>> = ws
            .course
            .stages
            .iter()
            .map(|s| {
                let progress = state.labs.get(&s.stage).copied().unwrap_or_default();
                LabRow {
                    name: s.stage,
                    title: &s.title,
                    has_lab: s.lab.is_some(),
                    status: if s.lab.is_some() {
                        progress.label()
                    } else {
                        "not written"
                    },
                    points: progress.points().map(|p| p.0),
                    max_points: progress.points().map(|p| p.1),
                }
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<3} {:<9} {:<46} {:<12} POINTS",
        "#", "LAB", "TITLE", "STATUS"
    );
    for (i, s) in ws.course.stages.iter().enumerate() {
        let progress = state.labs.get(&s.stage).copied().unwrap_or_default();
        let (status, points) = match &s.lab {
            Some(_) => (
                progress.label(),
                progress
                    .points()
                    .map_or("-".into(), |(p, m)| format!("{p}/{m}")),
            ),
            None => ("not written", String::new()),
        };
        let title: String = s.title.chars().take(46).collect();
        println!(
            "{:<3} {:<9} {:<46} {:<12} {}",
            i + 1,
            s.stage.as_str(),
            title,
            status,
            points
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn check(ws: &Workspace, labs: &[String], scratch: Option<PathBuf>) -> Result<ExitCode> {
    if ws.is_learner() {
        return Err(anyhow!(
            "this is a learner workspace: its solutions are todo!()s, so there is nothing to prove; run `ninety lab check` in the instructor repository"
        ));
    }
    let scratch = scratch.unwrap_or_else(|| labcheck::default_scratch(&ws.root));
    let verdicts = labcheck::check_labs(&ws.root, labs, &scratch, |step| {
        eprintln!("lab check: {step}")
    })?;
    let mut ok = true;
    for v in &verdicts {
        let starter = v.starter.as_ref().map_or("did not build".into(), |r| {
            format!("{}/{} points", r.points, r.max_points)
        });
        let solution = v.solution.as_ref().map_or("did not build".into(), |r| {
            format!("{}/{} points", r.points, r.max_points)
        });
        if v.ok() {
            println!("✓ {}: starter {starter}, solution {solution}", v.lab);
        } else {
            ok = false;
            println!("✗ {}: starter {starter}, solution {solution}", v.lab);
            for p in &v.problems {
                println!("    - {}", p.replace('\n', "\n      "));
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
