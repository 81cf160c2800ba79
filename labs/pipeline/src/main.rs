//! The pipeline: runs the labs' code as stages and reports over the event protocol.
//!
//! `ninety run STAGE` and the workbench build this binary and start it as a
//! child process; it is the only binary that links the lab crates, so a
//! learner's panic or `todo!()` ends this process, not the workbench. Every
//! line it prints on stdout is one event (see `ninety_kit::events`).

mod data;
mod frame;
mod gather;
mod label;
mod train;

use clap::Parser;
use ninety_kit::DataHome;
use ninety_kit::events::{Emitter, Event};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Runs one stage of the Ninety pipeline, speaking JSON lines on stdout.
#[derive(Debug, Parser)]
#[command(name = "ninety-pipeline", version, about)]
struct Args {
    /// The stage to run.
    stage: String,
    /// The workspace root.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The corpus to run on.
    #[arg(long, default_value = "mini")]
    corpus: String,
    /// The problem spec (default: labs/frame/spec.toml in the workspace).
    #[arg(long)]
    spec: Option<PathBuf>,
    /// `label-queue`: whose queue.
    #[arg(long, default_value = "me")]
    annotator: String,
    /// `label-queue`: random, stratified or uncertain.
    #[arg(long, default_value = "random")]
    order: String,
    /// `label-queue`: the seed (default: from the corpus name, the same
    /// queue for everyone); `train`: the seed of the split, weights and order
    /// (default 7).
    #[arg(long)]
    seed: Option<u64>,
    /// `train`: fasttext or logreg.
    #[arg(long, default_value = "fasttext")]
    model: String,
    /// `train`: random or time.
    #[arg(long, default_value = "random")]
    split: String,
    /// `train`: cpu or cuda.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// `train`: the CPU backend, flex (faster) or ndarray.
    #[arg(long, default_value = "flex")]
    backend: String,
    /// `train`: the most epochs.
    #[arg(long)]
    epochs: Option<usize>,
    /// `train`: Adam's step size.
    #[arg(long)]
    learning_rate: Option<f64>,
    /// `train`: the fastText-style model's vector size.
    #[arg(long)]
    dim: Option<usize>,
    /// `train`: hash buckets.
    #[arg(long)]
    buckets: Option<usize>,
    /// `train`: examples per step.
    #[arg(long)]
    batch_size: Option<usize>,
    /// `train`: a sweep file (TOML): one tracked run per setting.
    #[arg(long)]
    sweep: Option<PathBuf>,
}

/// What a stage needs from the outside world.
pub struct Context {
    /// The workspace root.
    pub root: PathBuf,
    /// The data directory.
    pub home: DataHome,
    /// The corpus name.
    pub corpus: String,
    /// An explicit spec path.
    pub spec: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let stage = args.stage.clone();
    install_panic_reporter(&stage);
    let mut out = Emitter::stdout(&stage);
    out.emit(&Event::Started {
        stage: stage.clone(),
    });
    let start = Instant::now();
    let ctx = Context {
        home: DataHome::resolve(&args.root),
        root: args.root.clone(),
        corpus: args.corpus.clone(),
        spec: args.spec.clone(),
    };
    let result = match stage.as_str() {
        "frame" => frame::run(&ctx, &mut out),
        "gather" => gather::run(&ctx, &mut out),
        "label" => label::run_stats(&ctx, &mut out),
        "label-queue" => match args.order.parse::<lab_label::queue::Order>() {
            Ok(order) => label::run_queue(&ctx, &args.annotator, order, args.seed, &mut out),
            Err(e) => Err(anyhow::anyhow!(e)),
        },
        "train" => {
            let options = train::TrainOptions {
                model: args.model.clone(),
                split: args.split.clone(),
                device: args.device.clone(),
                backend: args.backend.clone(),
                seed: args.seed.unwrap_or(7),
                epochs: args.epochs,
                learning_rate: args.learning_rate,
                dim: args.dim,
                buckets: args.buckets,
                batch_size: args.batch_size,
            };
            match &args.sweep {
                Some(path) => train::run_sweep(&ctx, &options, path, &mut out),
                None => train::run(&ctx, &options, &mut out),
            }
        }
        "evaluate" | "deploy" | "monitor" | "iterate" => Err(anyhow::anyhow!(
            "the {stage} stage is not written yet; its chapter in the book says what it will do"
        )),
        other => Err(anyhow::anyhow!(
            "no stage named `{other}`; stages: frame, gather, label, label-queue, train, evaluate, deploy, monitor, iterate"
        )),
    };
    let seconds = start.elapsed().as_secs_f64();
    match result {
        Ok(mut summary) => {
            // A stage may report its own `seconds` (training wall time).
            if let Some(map) = summary.as_object_mut() {
                map.entry("seconds").or_insert(seconds.into());
            }
            out.emit(&Event::Summary {
                stage: stage.clone(),
                data: summary,
            });
            out.emit(&Event::Finished {
                stage,
                ok: true,
                seconds,
            });
            ExitCode::SUCCESS
        }
        Err(e) => {
            // Each cause once: some errors already end with their source's text.
            let mut message = String::new();
            for cause in e.chain().map(|c| c.to_string()) {
                if message.ends_with(&cause) {
                    continue;
                }
                if !message.is_empty() {
                    message.push_str(": ");
                }
                message.push_str(&cause);
            }
            out.emit(&Event::Error {
                stage: stage.clone(),
                message,
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

/// A panic in the learner's code (a `todo!()` they have not written yet)
/// becomes an error event that says so, instead of a bare backtrace.
fn install_panic_reporter(stage: &str) {
    let stage = stage.to_owned();
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
            format!(
                "reached a todo!(){place}: this step of the lab is not written yet{}; finish it (cargo test -p lab-{} shows what is missing)",
                hint.trim_start_matches(':')
                    .trim()
                    .split_once('\n')
                    .map_or_else(
                        || format!(" ({})", hint.trim_start_matches(':').trim()),
                        |(h, _)| format!(" ({h})")
                    ),
                // The lab whose file holds the todo!(), else the stage's.
                info.location()
                    .and_then(|l| l.file().strip_prefix("labs/"))
                    .and_then(|f| f.split('/').next())
                    .unwrap_or_else(|| stage.split('-').next().unwrap_or(&stage))
            )
        } else {
            format!("the lab's code panicked{place}: {payload}")
        };
        let mut out = Emitter::stdout(&stage);
        out.emit(&Event::Error {
            stage: stage.clone(),
            message,
        });
    }));
}
