//! The pipeline: runs the labs' code as stages and reports over the event protocol.
//!
//! `ninety run STAGE` and the workbench build this binary and start it as a
//! child process; it is the only binary that links the lab crates, so a
//! learner's panic or `todo!()` ends this process, not the workbench. Every
//! line it prints on stdout is one event (see `ninety_kit::events`), and it
//! stops when nobody reads them any more. Its command line is the kit's
//! [`StageCommand`], shared with `ninety run`.

// The server allocates a string for every token of every message and
// frees it a moment later, and glibc's allocator spent a seventh of its
// time on that under load; mimalloc's per-thread free lists spend less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod data;
mod evaluate;
mod frame;
mod gather;
mod label;
mod model;
mod monitor;
mod observe;
mod serve;
mod train;

use clap::Parser;
use ninety_kit::command::StageCommand;
use ninety_kit::events::{Emitter, Event};
use ninety_kit::records::Summary;
use ninety_kit::vocab::Stage;
use ninety_kit::{CorpusName, DataHome};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Runs one stage of the Ninety pipeline, speaking JSON lines on stdout.
#[derive(Debug, Parser)]
#[command(name = "ninety-pipeline", version, about)]
struct Cli {
    /// The workspace root.
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// The stage to run, with its arguments.
    #[command(subcommand)]
    stage: StageCommand,
}

/// What every stage needs from the outside world.
pub struct Context {
    /// The workspace root.
    pub root: PathBuf,
    /// The data directory.
    pub home: DataHome,
    /// The corpus name (checked where it entered: it names folders).
    pub corpus: CorpusName,
    /// When the stage started.
    pub started: Instant,
}

impl Context {
    /// Seconds since the stage started.
    pub fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stage = cli.stage.stage();
    install_panic_reporter(stage);
    let mut out = Emitter::stdout(stage);
    out.emit(&Event::Started { stage });
    let start = Instant::now();
    let ctx = Context {
        home: DataHome::resolve(&cli.root),
        root: cli.root.clone(),
        corpus: cli.stage.corpus().clone(),
        started: start,
    };
    let result: anyhow::Result<Summary> = match &cli.stage {
        StageCommand::Frame(args) => frame::run(&ctx, args.spec.as_deref(), &mut out),
        StageCommand::Gather(_) => gather::run(&ctx, &mut out),
        StageCommand::LabelQueue(args) => label::run_queue(&ctx, args, &mut out),
        StageCommand::Label(_) => label::run_stats(&ctx, &mut out),
        StageCommand::Train(args) => train::run(&ctx, args, &mut out),
        StageCommand::Evaluate(args) => evaluate::run(&ctx, args, &mut out),
        StageCommand::Serve(args) => serve::run(&ctx, args, &mut out),
        StageCommand::Monitor(args) => monitor::run(&ctx, args, &mut out),
    };
    let seconds = start.elapsed().as_secs_f64();
    match result {
        Ok(summary) => {
            out.emit(&Event::Summary {
                data: Box::new(summary),
            });
            out.emit(&Event::Finished {
                stage,
                ok: true,
                seconds,
            });
            ExitCode::SUCCESS
        }
        Err(e) => {
            out.emit(&Event::Error {
                stage,
                message: one_line(&e),
            });
            out.emit(&Event::Finished {
                stage,
                ok: false,
                seconds,
            });
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, each cause once (the kit's rule).
fn one_line(e: &anyhow::Error) -> String {
    ninety_kit::error::chain(e.as_ref())
}

/// A panic in the learner's code (a `todo!()` they have not written yet)
/// becomes an error event that says so, instead of a bare backtrace.
fn install_panic_reporter(stage: Stage) {
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    std::panic::set_hook(Box::new(move |info| {
        // The first panic says what happened; the ones it causes (other
        // workers, the join) would only repeat it.
        if REPORTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let payload = ninety_kit::events::panic_text(info);
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = if let Some(hint) = payload.strip_prefix("not yet implemented") {
            let hint = hint.trim_start_matches(':').trim();
            let first = hint.split_once('\n').map_or(hint, |(h, _)| h);
            // The lab whose file holds the todo!(), else the stage's.
            let lab = info
                .location()
                .and_then(|l| l.file().strip_prefix("labs/"))
                .and_then(|f| f.split('/').next())
                .unwrap_or(stage.as_str());
            format!(
                "reached a todo!(){place}: this step of the lab is not written yet ({first}); finish it (cargo test -p lab-{lab} shows what is missing)"
            )
        } else {
            format!("the lab's code panicked{place}: {payload}")
        };
        Emitter::stdout(stage).emit(&Event::Error { stage, message });
    }));
}
