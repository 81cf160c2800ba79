//! `ninety cohort`: run a bootcamp: roster, release, collect, grade,
//! gradebook, rubric (manual grading), CI reports, feedback, status, solutions, verify. The logic is the grader's
//! (`ninety_grader::cohort`); this module parses, calls and prints.

use anyhow::{Context, Result, anyhow};
use ninety_grader::cohort::collect::{self, CollectOptions};
use ninety_grader::cohort::config::{
    CohortConfig, LabDue, LatePolicy, Roster, format_time, parse_time, weekly_due,
};
use ninety_grader::cohort::grade::{self, GradeEvent, GradeOptions, LabGrade, Status};
use ninety_grader::cohort::gradebook::{Gradebook, SolutionRelease, Ungraded};
use ninety_grader::cohort::runner::Limits;
use ninety_grader::cohort::{
    COHORT_FILE, Cohort, ROSTER_FILE, ci_reports, feedback, fmt_points, release, rubric, solutions,
    tamper,
};
use ninety_kit::Stage;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// `ninety cohort ...`
#[derive(Debug, clap::Subcommand)]
pub enum CohortCommand {
    /// Make a cohort folder: cohort.toml (labs, due dates, late policy) and the roster.
    New(NewArgs),
    /// Release the learner workspaces (or one template) with CI workflows.
    Release {
        #[command(flatten)]
        at: At,
        /// Release only the template repository, not a workspace per learner.
        #[arg(long)]
        template: bool,
    },
    /// Collect submissions from git remotes, folders or archives, with their time.
    Collect(CollectArgs),
    /// Grade the submissions with the instructor's checks, hidden ones too.
    Grade(GradeArgs),
    /// The gradebook: export it.
    Gradebook {
        #[command(subcommand)]
        command: GradebookCommand,
    },
    /// Manual grading: export each lab's rubric as CSV to score, import it back.
    Rubric {
        #[command(subcommand)]
        command: RubricCommand,
    },
    /// The learners' own CI reports: import them beside the grades (never as grades).
    CiReports {
        #[command(subcommand)]
        command: CiReportsCommand,
    },
    /// Publish a lab's solution files to the workspaces, once it is due.
    ReleaseSolutions {
        #[command(flatten)]
        at: At,
        /// The lab.
        #[arg(long, value_name = "LAB")]
        lab: String,
        /// Publish before the due date.
        #[arg(long)]
        force: bool,
    },
    /// Write each learner's feedback: failing checks, hints, late penalty.
    Feedback(At),
    /// Who is stuck, which checks fail most, what did not compile.
    Status {
        #[command(flatten)]
        at: At,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Browse the gradebook: learners by labs, failing checks, reports; score rubrics.
    View(At),
    /// Check a workspace's visible tests against the release's checksums.
    Verify {
        /// The workspace (default: the current folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The release manifest to check against (default: the workspace's own).
        #[arg(long, value_name = "FILE")]
        manifest: Option<PathBuf>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Which cohort.
#[derive(Debug, clap::Args)]
pub struct At {
    /// The cohort folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub cohort: PathBuf,
}

/// `ninety cohort new`'s arguments.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// A new folder for the cohort.
    pub dir: PathBuf,
    /// The roster: a CSV file with id,name,email,repository.
    #[arg(long, value_name = "FILE")]
    pub roster: PathBuf,
    /// A lab of the cohort (repeat; default: every lab of the course).
    #[arg(long = "lab", value_name = "LAB")]
    pub labs: Vec<String>,
    /// When every lab is due, RFC 3339 (default: one a week from now).
    #[arg(long, value_name = "TIME")]
    pub due: Option<String>,
    /// Percent taken off per day late.
    #[arg(long, value_name = "PERCENT", default_value_t = 10.0)]
    pub penalty_per_day: f64,
    /// The most taken off for lateness, in percent.
    #[arg(long, value_name = "PERCENT", default_value_t = 50.0)]
    pub cap: f64,
    /// Hours late that still count as on time.
    #[arg(long, value_name = "HOURS", default_value_t = 0.0)]
    pub grace_hours: f64,
}

/// `ninety cohort collect`'s arguments.
#[derive(Debug, clap::Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub at: At,
    /// Only this lab (repeat).
    #[arg(long = "lab", value_name = "LAB")]
    pub labs: Vec<String>,
    /// Only this learner (repeat).
    #[arg(long = "learner", value_name = "ID")]
    pub learners: Vec<String>,
    /// The commit or tag to take from git (default HEAD); `{lab}` stands for the lab.
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ninety cohort grade`'s arguments.
#[derive(Debug, clap::Args)]
pub struct GradeArgs {
    #[command(flatten)]
    pub at: At,
    /// Only this lab (repeat).
    #[arg(long = "lab", value_name = "LAB")]
    pub labs: Vec<String>,
    /// Only this learner (repeat).
    #[arg(long = "learner", value_name = "ID")]
    pub learners: Vec<String>,
    /// Submissions graded at once.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub jobs: usize,
    /// Seconds the checks of one submission may run.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub time_limit: u64,
    /// MiB of memory each process of a submission's run may use.
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    pub memory_limit: u64,
    /// Seconds the build of one submission may take.
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    pub build_time_limit: u64,
    /// The shared target folder (default: grading/target in the cohort).
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// Print the grades as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ninety cohort gradebook ...`
#[derive(Debug, clap::Subcommand)]
pub enum GradebookCommand {
    /// Export as CSV: a row per learner and lab, or with --checks per check.
    Export {
        #[command(flatten)]
        at: At,
        /// CSV (the one format).
        #[arg(long, required = true)]
        csv: bool,
        /// One row per check instead of per learner and lab.
        #[arg(long)]
        checks: bool,
        /// Write to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// `ninety cohort rubric ...`
#[derive(Debug, clap::Subcommand)]
pub enum RubricCommand {
    /// Write the scoring sheet: learner,lab,criterion,max,points,comment.
    Export {
        #[command(flatten)]
        at: At,
        /// Only this lab (repeat).
        #[arg(long = "lab", value_name = "LAB")]
        labs: Vec<String>,
        /// Write to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Read a scored sheet back: every row is checked, then all or nothing is written.
    Import {
        #[command(flatten)]
        at: At,
        /// The CSV file.
        file: PathBuf,
    },
}

/// `ninety cohort ci-reports ...`
#[derive(Debug, clap::Subcommand)]
pub enum CiReportsCommand {
    /// Read DIR/<learner>/[grades/]<lab>.json: all checked, then all or nothing written.
    Import {
        #[command(flatten)]
        at: At,
        /// The downloaded artifacts: one folder per learner id.
        dir: PathBuf,
        /// Only this lab (repeat).
        #[arg(long = "lab", value_name = "LAB")]
        labs: Vec<String>,
    },
}

/// Runs `ninety cohort ...`.
pub fn run(root: Option<&PathBuf>, command: CohortCommand) -> Result<ExitCode> {
    match command {
        CohortCommand::New(args) => new(root, &args),
        CohortCommand::Release { at, template } => release_cmd(&at, template),
        CohortCommand::Collect(args) => collect_cmd(&args),
        CohortCommand::Grade(args) => grade_cmd(&args),
        CohortCommand::Gradebook {
            command: GradebookCommand::Export {
                at, checks, out, ..
            },
        } => export(&at, checks, out.as_deref()),
        CohortCommand::Rubric {
            command: RubricCommand::Export { at, labs, out },
        } => rubric_export(&at, &labs, out.as_deref()),
        CohortCommand::Rubric {
            command: RubricCommand::Import { at, file },
        } => rubric_import(&at, &file),
        CohortCommand::CiReports {
            command: CiReportsCommand::Import { at, dir, labs },
        } => ci_import(&at, &dir, &labs),
        CohortCommand::ReleaseSolutions { at, lab, force } => release_solutions(&at, &lab, force),
        CohortCommand::Feedback(at) => feedback_cmd(&at),
        CohortCommand::Status { at, json } => status(&at, json),
        CohortCommand::View(at) => {
            crate::workbench::screens::cohort::run(&at.cohort).map(|()| ExitCode::SUCCESS)
        }
        CohortCommand::Verify {
            dir,
            manifest,
            json,
        } => verify(&dir, manifest.as_deref(), json),
    }
}

fn open(at: &At) -> Result<Cohort> {
    Ok(Cohort::open(&at.cohort)?)
}

fn stages(names: &[String]) -> Result<Vec<Stage>> {
    names
        .iter()
        .map(|n| n.parse::<Stage>().map_err(|e| anyhow!("{e}")))
        .collect()
}

fn new(root: Option<&PathBuf>, args: &NewArgs) -> Result<ExitCode> {
    let ws = super::workspace(root)?;
    if ws.is_learner() {
        return Err(anyhow!(
            "this is a learner workspace; make a cohort from the instructor repository, which holds the solutions and hidden checks"
        ));
    }
    let dir = &args.dir;
    if dir.join(COHORT_FILE).exists() {
        return Err(anyhow!(
            "`{}` already has a {COHORT_FILE}; edit it, or choose a new folder",
            dir.display()
        ));
    }
    let roster_text = std::fs::read_to_string(&args.roster)
        .with_context(|| format!("reading the roster `{}`", args.roster.display()))?;
    let roster = Roster::parse(&args.roster, &roster_text)?;
    let labs: Vec<Stage> = if args.labs.is_empty() {
        ws.course.labs().map(|l| l.stage).collect()
    } else {
        let labs = stages(&args.labs)?;
        for lab in &labs {
            ws.course.lab_named(lab.as_str())?;
        }
        labs
    };
    let due = args
        .due
        .as_deref()
        .map(parse_time)
        .transpose()
        .map_err(|e| anyhow!("--due: {e}"))?;
    let course =
        std::path::absolute(&ws.root).context("finding the instructor repository's path")?;
    let config = CohortConfig {
        name: dir
            .file_name()
            .map_or("cohort".into(), |n| n.to_string_lossy().into_owned()),
        course,
        roster: PathBuf::from(ROSTER_FILE),
        late: LatePolicy {
            penalty_per_day: args.penalty_per_day,
            cap: args.cap,
            grace_hours: args.grace_hours,
        },
        labs: labs
            .iter()
            .enumerate()
            .map(|(i, &name)| LabDue {
                name,
                due: due.unwrap_or_else(|| weekly_due(i)),
            })
            .collect(),
    };
    let text = config.to_toml();
    // What is written must read back: the policy's numbers are checked here.
    CohortConfig::parse(&dir.join(COHORT_FILE), &text)?;
    std::fs::create_dir_all(dir).with_context(|| format!("making `{}`", dir.display()))?;
    std::fs::write(dir.join(COHORT_FILE), text)
        .with_context(|| format!("writing `{}`", dir.join(COHORT_FILE).display()))?;
    std::fs::write(dir.join(ROSTER_FILE), roster_text)
        .with_context(|| format!("writing `{}`", dir.join(ROSTER_FILE).display()))?;
    println!(
        "Made the cohort {} in {}: {} learners, labs {}.",
        config.name,
        dir.display(),
        roster.learners.len(),
        labs.iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for lab in &config.labs {
        println!("  {} due {}", lab.name, format_time(lab.due));
    }
    println!(
        "Edit {} for the due dates and the late policy, then: ninety cohort release --cohort {}",
        dir.join(COHORT_FILE).display(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn release_cmd(at: &At, template: bool) -> Result<ExitCode> {
    let cohort = open(at)?;
    let out = release::release(&cohort, template)?;
    if out.template_written {
        println!(
            "Released the template to {} ({} test files checksummed, CI for GitHub Actions and GitLab CI).",
            out.template.display(),
            out.tests
        );
    } else {
        println!(
            "The template {} was already released.",
            out.template.display()
        );
    }
    for (id, dir) in &out.workspaces {
        println!("  {id}: {}", dir.display());
    }
    if !out.kept.is_empty() {
        println!(
            "Already released, left as they are: {}",
            out.kept.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn collect_cmd(args: &CollectArgs) -> Result<ExitCode> {
    let cohort = open(&args.at)?;
    let options = CollectOptions {
        labs: stages(&args.labs)?,
        learners: args.learners.clone(),
        reference: args.reference.clone(),
    };
    let json = args.json;
    let all = collect::collect(&cohort, &options, &mut |c| {
        if json {
            return;
        }
        match &c.result {
            Ok(s) => println!(
                "✓ {} {}: {} files, {}{}",
                c.learner,
                c.lab,
                s.files,
                s.submitted_at,
                s.commit
                    .as_deref()
                    .map(|id| format!(" (commit {})", &id[..id.len().min(12)]))
                    .unwrap_or_default()
            ),
            Err(e) => println!("✗ {} {}: {e}", c.learner, c.lab),
        }
    })?;
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
    }
    Ok(if all.iter().all(|c| c.result.is_ok()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn grade_cmd(args: &GradeArgs) -> Result<ExitCode> {
    let cohort = open(&args.at)?;
    let options = GradeOptions {
        labs: stages(&args.labs)?,
        learners: args.learners.clone(),
        jobs: args.jobs.max(1),
        limits: Limits {
            time: Duration::from_secs(args.time_limit),
            memory: args.memory_limit.saturating_mul(1 << 20),
            build_time: Duration::from_secs(args.build_time_limit),
        },
        target_dir: args.target_dir.clone(),
    };
    let json = args.json;
    let grades = grade::grade(&cohort, &options, &mut |event| match event {
        GradeEvent::Preparing { slots } => {
            eprintln!(
                "Making {slots} grading tree(s) from {}...",
                cohort.course_root().display()
            )
        }
        GradeEvent::Reference(lab) => eprintln!(
            "Grading the solution of {lab} (the first time, this builds the dependencies)..."
        ),
        GradeEvent::ReferenceFailing(lab, ids) => eprintln!(
            "warning: the solution of {lab} fails {}; those checks count for nobody",
            ids.join(", ")
        ),
        GradeEvent::Graded(g) if !json => print_grade(g),
        GradeEvent::Graded(_) => {}
    })?;
    if json {
        println!("{}", serde_json::to_string_pretty(&grades)?);
    } else {
        let graded = grades.iter().filter(|g| g.status == Status::Graded).count();
        println!(
            "\n{} of {} submissions graded; the gradebook is {}",
            graded,
            grades.len(),
            cohort.gradebook_path().display()
        );
    }
    // A grade the grading itself failed to make is not the learner's doing:
    // say so with the exit code, so a script does not take it for a grade.
    let failed: Vec<String> = grades
        .iter()
        .filter(|g| g.status == Status::Error)
        .map(|g| format!("{} {}", g.learner, g.lab))
        .collect();
    if !failed.is_empty() {
        eprintln!(
            "grading failed for: {} (see the detail in the gradebook or --json)",
            failed.join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_grade(g: &LabGrade) {
    let mut line = format!(
        "{:<12} {:<9} {:>3}/{:<3} {}",
        g.learner,
        g.lab.as_str(),
        g.points,
        g.max_points,
        g.status.describe()
    );
    if g.late.days > 0 {
        line.push_str(&format!(
            ", {} day(s) late: -{}% = {}",
            g.late.days,
            fmt_points(g.late.percent),
            fmt_points(g.final_points)
        ));
    }
    if !g.tampering.is_empty() {
        let files: Vec<String> = g
            .tampering
            .iter()
            .map(|t| format!("{} ({})", t.path, t.change.as_str()))
            .collect();
        line.push_str(&format!(", TAMPERING: {} (not used)", files.join(", ")));
    }
    println!("{line}");
    if !matches!(g.status, Status::Graded | Status::Missing)
        && let Some(first) = g
            .detail
            .as_deref()
            .and_then(|d| d.lines().find(|l| !l.trim().is_empty()))
    {
        println!("    {first}");
    }
}

fn export(at: &At, checks: bool, out: Option<&Path>) -> Result<ExitCode> {
    let cohort = open(at)?;
    let book = Gradebook::open_existing(&cohort.gradebook_path())?;
    match out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("writing `{}`", path.display()))?;
            book.export_csv(file, checks)?;
        }
        None => book.export_csv(std::io::stdout().lock(), checks)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn rubric_export(at: &At, labs: &[String], out: Option<&Path>) -> Result<ExitCode> {
    let cohort = open(at)?;
    let labs = grade::chosen_labs(&cohort, &stages(labs)?)?;
    let mut book = Gradebook::open(&cohort.gradebook_path())?;
    rubric::sync(&cohort, &mut book, &labs)?;
    let rows = match out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("writing `{}`", path.display()))?;
            rubric::export(&cohort, &book, &labs, file)?
        }
        None => rubric::export(&cohort, &book, &labs, std::io::stdout().lock())?,
    };
    if let Some(path) = out {
        println!(
            "Wrote {rows} rubric rows to {}; fill in points and comment, then: ninety cohort rubric import {}",
            path.display(),
            path.display()
        );
    }
    if rows == 0 {
        eprintln!("No lab of the cohort has a rubric: add [[rubric]] criteria to its lab.toml.");
    }
    Ok(ExitCode::SUCCESS)
}

fn rubric_import(at: &At, file: &Path) -> Result<ExitCode> {
    let cohort = open(at)?;
    let mut book = Gradebook::open(&cohort.gradebook_path())?;
    let done = rubric::import(&cohort, &mut book, file)?;
    println!(
        "Read {} rows: {} scores written, {} unchanged, {} left blank.",
        done.rows, done.changed, done.unchanged, done.blank
    );
    Ok(ExitCode::SUCCESS)
}

fn ci_import(at: &At, dir: &Path, labs: &[String]) -> Result<ExitCode> {
    let cohort = open(at)?;
    let reports = ci_reports::import(&cohort, dir, &stages(labs)?)?;
    for r in &reports {
        let failing = if r.failing.is_empty() {
            "all checks pass".to_owned()
        } else {
            format!("failing {}", r.failing.join(", "))
        };
        let when = r
            .finished_at
            .as_deref()
            .map(|t| format!(" (run {t})"))
            .unwrap_or_default();
        println!(
            "  {:<12} {:<9} {:>3}/{:<3} {failing}{when}",
            r.learner, r.lab, r.points, r.max_points
        );
    }
    let learners: std::collections::BTreeSet<&str> =
        reports.iter().map(|r| r.learner.as_str()).collect();
    println!(
        "Imported {} CI report{} of {} learner{} into {}: not grades; `ninety cohort status` compares them with the graded submissions.",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        learners.len(),
        if learners.len() == 1 { "" } else { "s" },
        cohort.gradebook_path().display()
    );
    Ok(ExitCode::SUCCESS)
}

fn release_solutions(at: &At, lab: &str, force: bool) -> Result<ExitCode> {
    let cohort = open(at)?;
    let lab: Stage = lab.parse().map_err(|e| anyhow!("{e}"))?;
    let out = solutions::release_solutions(&cohort, lab, force)?;
    println!(
        "Published the solutions of {} ({} files{}) to:",
        out.lab,
        out.files.len(),
        if out.forced {
            ", before the due date"
        } else {
            ""
        }
    );
    for place in &out.places {
        println!("  {}", place.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn feedback_cmd(at: &At) -> Result<ExitCode> {
    let cohort = open(at)?;
    let book = Gradebook::open_existing(&cohort.gradebook_path())?;
    let written = feedback::write_all(&cohort, &book)?;
    println!(
        "Wrote feedback for {} learners to {}",
        written.len(),
        cohort.feedback_dir().display()
    );
    Ok(ExitCode::SUCCESS)
}

fn status(at: &At, json: bool) -> Result<ExitCode> {
    let cohort = open(at)?;
    let book = Gradebook::open_existing(&cohort.gradebook_path())?;
    let s = book.status()?;
    let ungraded = book.ungraded()?;
    let released = book.solution_releases()?;
    if json {
        #[derive(serde::Serialize)]
        struct Full<'a> {
            #[serde(flatten)]
            status: &'a ninety_grader::cohort::gradebook::CohortStatus,
            rubric_ungraded: &'a [Ungraded],
            solutions_released: &'a [SolutionRelease],
        }
        let full = Full {
            status: &s,
            rubric_ungraded: &ungraded,
            solutions_released: &released,
        };
        println!("{}", serde_json::to_string_pretty(&full)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}: {} learners, {} grades, {} graded",
        cohort.config.name, s.learners, s.grades, s.graded
    );
    println!("\nStuck ({}):", s.stuck.len());
    for x in &s.stuck {
        println!("  {:<12} {:<9} {}", x.learner, x.lab, x.reason);
    }
    println!("\nChecks that fail most:");
    for c in s.failing_checks.iter().take(10) {
        let hidden = if c.hidden { " (hidden)" } else { "" };
        println!(
            "  {:>3}/{:<3} {} {}{hidden}",
            c.failed, c.graded, c.lab, c.check
        );
    }
    println!("\nDid not compile ({}):", s.not_compiling.len());
    for n in &s.not_compiling {
        println!("  {:<12} {:<9} {}", n.learner, n.lab, n.error);
    }
    if !s.tampering.is_empty() {
        println!("\nChanged released tests (not used in grading):");
        for (learner, lab, file) in &s.tampering {
            println!("  {learner:<12} {lab:<9} {file}");
        }
    }
    if s.ci_compared > 0 {
        println!(
            "\nCI reports against the graded visible checks ({} compared, {} differ):",
            s.ci_compared,
            s.ci_mismatches.len()
        );
        for m in &s.ci_mismatches {
            println!(
                "  {:<12} {:<9} CI {}/{}, graded {}/{} ({}): the commit collected is not the one CI ran, or the run is not to be trusted",
                m.learner, m.lab, m.ci_points, m.ci_max, m.graded_points, m.graded_max, m.status
            );
        }
    }
    if !ungraded.is_empty() {
        let items: usize = ungraded.iter().map(|u| u.learners.len()).sum();
        println!("\nRubric not scored yet ({items}; ninety cohort rubric export):");
        for u in &ungraded {
            let mut who = u
                .learners
                .iter()
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if u.learners.len() > 8 {
                who.push_str(&format!(" and {} more", u.learners.len() - 8));
            }
            println!("  {:<9} {:<24} {who}", u.lab, u.criterion);
        }
    }
    if !released.is_empty() {
        println!("\nSolutions released:");
        for r in &released {
            let forced = if r.forced {
                " (before the due date)"
            } else {
                ""
            };
            println!("  {:<9} {}{forced}", r.lab, r.released_at);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(dir: &Path, manifest: Option<&Path>, json: bool) -> Result<ExitCode> {
    let changes = tamper::verify_workspace(dir, manifest)?;
    let tampered = changes.iter().any(|c| c.change.is_tampering());
    if json {
        println!("{}", serde_json::to_string_pretty(&changes)?);
    } else if changes.is_empty() {
        println!("Every visible test file is as released.");
    } else {
        for c in &changes {
            let note = if c.change.is_tampering() {
                ""
            } else {
                " (not part of the release; never run by the grader)"
            };
            println!("{}: {}{note}", c.path, c.change.as_str());
        }
    }
    Ok(if tampered {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
