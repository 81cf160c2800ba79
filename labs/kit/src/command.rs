//! The command line of every stage, defined once.
//!
//! The pipeline binary parses these (`ninety-pipeline train --model logreg`),
//! `ninety run` offers the same subcommands, and the workbench builds them as
//! values and turns them into arguments with [`StageCommand::to_args`]. Each
//! stage takes only the flags it uses; a setting left unset takes its default
//! from the one place that defines it (the train lab's `TrainConfig`, for
//! training), not from here; a setting's allowed range comes from the kit's
//! [`settings`], so a flag refuses what the config would refuse.

use crate::names::{AnnotatorName, CorpusName};
use crate::settings;
use crate::vocab::{Backend, Device, ModelKind, QueueOrder, SplitKind, Stage};
use std::ffi::OsString;
use std::path::PathBuf;

/// The corpus a stage runs on: a checked name, so that no stage can build
/// a path from `../../x`.
#[derive(Debug, Clone, PartialEq, Eq, Default, clap::Args)]
pub struct CorpusArg {
    /// The corpus to run on (`ninety data list` shows them).
    #[arg(long, default_value = "mini")]
    pub corpus: CorpusName,
}

impl CorpusArg {
    /// The argument for corpus `name`.
    pub fn new(name: CorpusName) -> Self {
        CorpusArg { corpus: name }
    }
}

/// `frame`: the keyword baseline judged by the learner's spec.
#[derive(Debug, Clone, PartialEq, Eq, Default, clap::Args)]
pub struct FrameArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub corpus: CorpusArg,
    /// The problem spec (default: labs/frame/spec.toml in the workspace).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
}

/// `label-queue`: one annotator's labeling queue.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct QueueArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub corpus: CorpusArg,
    /// Whose queue.
    #[arg(long, default_value = "me")]
    pub annotator: AnnotatorName,
    /// The order of the queue.
    #[arg(long, value_enum, default_value_t = QueueOrder::Random)]
    pub order: QueueOrder,
    /// The seed (default: made from the corpus name, so that every
    /// annotator gets the same queue and their labels overlap).
    #[arg(long)]
    pub seed: Option<u64>,
}

/// `train`: split, baselines, a model, a tracked run (or a sweep of runs).
#[derive(Debug, Clone, PartialEq, Default, clap::Args)]
pub struct TrainArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub corpus: CorpusArg,
    /// The problem spec whose keyword rule is the first baseline
    /// (default: labs/frame/spec.toml).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// The model [default: fasttext].
    #[arg(long, value_enum)]
    pub model: Option<ModelKind>,
    /// The split [default: random].
    #[arg(long, value_enum)]
    pub split: Option<SplitKind>,
    /// Where to train; cuda builds the pipeline with the `cuda` feature.
    #[arg(long, value_enum, default_value_t = Device::Cpu)]
    pub device: Device,
    /// The CPU backend [default: flex, the faster here].
    #[arg(long, value_enum)]
    pub backend: Option<Backend>,
    /// The seed of the split, the weights and the order [default: 7].
    #[arg(long)]
    pub seed: Option<u64>,
    /// The most epochs (1 to 1000).
    #[arg(long, value_parser = settings::EPOCHS.parser())]
    pub epochs: Option<usize>,
    /// Adam's step size (above 0, at most 1).
    #[arg(long, allow_negative_numbers = true, value_parser = settings::LEARNING_RATE.parser())]
    pub learning_rate: Option<f64>,
    /// Examples per step (1 to 65536).
    #[arg(long, value_parser = settings::BATCH_SIZE.parser())]
    pub batch_size: Option<usize>,
    /// Hash buckets of the features (1 to 16777216).
    #[arg(long, value_parser = settings::BUCKETS.parser())]
    pub buckets: Option<usize>,
    /// The size of each token's vector (fasttext only; 1 to 1024).
    #[arg(long, value_parser = settings::DIM.parser())]
    pub dim: Option<usize>,
    /// Leave duplicates in the split: the leakage experiment (the run's test
    /// figures, beside a default run's, show what the leak does).
    #[arg(long)]
    pub keep_duplicates: bool,
    /// A sweep file (TOML: a grid or a random search over these settings);
    /// every run is tracked.
    #[arg(long, value_name = "FILE")]
    pub sweep: Option<PathBuf>,
}

/// `evaluate`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Default, clap::Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub corpus: CorpusArg,
    /// The tracked run to evaluate, by its id or the start of it (default:
    /// the run of the corpus with the best validation F1).
    #[arg(long, value_name = "RUN_ID")]
    pub run: Option<String>,
    /// The problem spec whose constraint the gate holds the model to
    /// (default: labs/frame/spec.toml).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
}

/// `monitor`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Default, clap::Args)]
pub struct MonitorArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub corpus: CorpusArg,
    /// Predictions per window (default: the last replay's scenario's, or 200).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub window: Option<u64>,
    /// Keep reading the logs as they grow, with a report each time they do,
    /// until stopped.
    #[arg(long)]
    pub follow: bool,
    /// Read the whole log, not only what the last `ninety replay` sent.
    #[arg(long)]
    pub all: bool,
}

/// `serve`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub corpus: CorpusArg,
    /// The registered model to serve, by its id or the start of it
    /// (default: the champion; with none, the newest registered model).
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,
    /// The address to listen on (default: this machine only).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// The port (0: any free port, named when listening).
    #[arg(long, default_value_t = 8090)]
    pub port: u16,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = 1 << 20, value_parser = clap::value_parser!(u64).range(1..=(256 << 20)))]
    pub max_body: u64,
    /// The most messages in one batch request.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_batch: u64,
    /// Each request's time limit, in milliseconds.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub timeout_ms: u64,
    /// Requests served at once; more wait their turn.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub concurrency: u64,
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            corpus: CorpusArg::default(),
            model: None,
            host: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            port: 8090,
            max_body: 1 << 20,
            max_batch: 256,
            timeout_ms: 2_000,
            concurrency: 512,
        }
    }
}

/// One stage to run, with its own arguments.
#[derive(Debug, Clone, PartialEq, clap::Subcommand)]
pub enum StageCommand {
    /// Judge the keyword baseline with your spec (the frame lab's code).
    Frame(FrameArgs),
    /// Clean a corpus: the clean dataset, duplicates, quarantine, the quality report.
    Gather(CorpusArg),
    /// Order the clean messages for one annotator (the label lab's queue code).
    LabelQueue(QueueArgs),
    /// What the labels add up to: kappa, disagreements, probable label errors.
    Label(CorpusArg),
    /// Split, baselines, a model, a tracked run (the train lab's code).
    Train(TrainArgs),
    /// A threshold the spec allows, figures with intervals, the readiness
    /// gate, a model card (the evaluate lab's code).
    Evaluate(EvaluateArgs),
    /// Serve a registered model over HTTP until stopped.
    Serve(ServeArgs),
    /// Read the prediction and feedback logs: windows, drift, input health,
    /// performance, alerts (the monitor lab's code).
    Monitor(MonitorArgs),
}

impl StageCommand {
    /// The stage of the course it belongs to.
    pub fn stage(&self) -> Stage {
        match self {
            StageCommand::Frame(_) => Stage::Frame,
            StageCommand::Gather(_) => Stage::Gather,
            StageCommand::LabelQueue(_) | StageCommand::Label(_) => Stage::Label,
            StageCommand::Train(_) => Stage::Train,
            StageCommand::Evaluate(_) => Stage::Evaluate,
            StageCommand::Serve(_) => Stage::Deploy,
            StageCommand::Monitor(_) => Stage::Monitor,
        }
    }

    /// Its subcommand name.
    pub fn name(&self) -> &'static str {
        match self {
            StageCommand::Frame(_) => "frame",
            StageCommand::Gather(_) => "gather",
            StageCommand::LabelQueue(_) => "label-queue",
            StageCommand::Label(_) => "label",
            StageCommand::Train(_) => "train",
            StageCommand::Evaluate(_) => "evaluate",
            StageCommand::Serve(_) => "serve",
            StageCommand::Monitor(_) => "monitor",
        }
    }

    /// The corpus it runs on.
    pub fn corpus(&self) -> &CorpusName {
        match self {
            StageCommand::Frame(a) => &a.corpus.corpus,
            StageCommand::Gather(a) | StageCommand::Label(a) => &a.corpus,
            StageCommand::LabelQueue(a) => &a.corpus.corpus,
            StageCommand::Train(a) => &a.corpus.corpus,
            StageCommand::Evaluate(a) => &a.corpus.corpus,
            StageCommand::Serve(a) => &a.corpus.corpus,
            StageCommand::Monitor(a) => &a.corpus.corpus,
        }
    }

    /// The cargo features the pipeline needs for it (`cuda` to train on a GPU).
    pub fn features(&self) -> Vec<&'static str> {
        match self {
            StageCommand::Train(a) if a.device == Device::Cuda => vec!["cuda"],
            _ => vec![],
        }
    }

    /// The arguments that give this command back when parsed: the
    /// subcommand, then each flag that is set.
    pub fn to_args(&self) -> Vec<OsString> {
        let mut args = Args(vec![self.name().into()]);
        match self {
            StageCommand::Frame(a) => {
                args.flag("corpus", &a.corpus.corpus);
                args.path("spec", a.spec.as_ref());
            }
            StageCommand::Gather(a) | StageCommand::Label(a) => args.flag("corpus", &a.corpus),
            StageCommand::LabelQueue(a) => {
                args.flag("corpus", &a.corpus.corpus);
                args.flag("annotator", &a.annotator);
                args.flag("order", a.order);
                args.opt("seed", a.seed);
            }
            StageCommand::Train(a) => {
                args.flag("corpus", &a.corpus.corpus);
                args.path("spec", a.spec.as_ref());
                args.opt("model", a.model);
                args.opt("split", a.split);
                args.flag("device", a.device);
                args.opt("backend", a.backend);
                args.opt("seed", a.seed);
                args.opt("epochs", a.epochs);
                args.opt("learning-rate", a.learning_rate);
                args.opt("batch-size", a.batch_size);
                args.opt("buckets", a.buckets);
                args.opt("dim", a.dim);
                if a.keep_duplicates {
                    args.0.push("--keep-duplicates".into());
                }
                args.path("sweep", a.sweep.as_ref());
            }
            StageCommand::Evaluate(a) => {
                args.flag("corpus", &a.corpus.corpus);
                args.opt("run", a.run.as_ref());
                args.path("spec", a.spec.as_ref());
            }
            StageCommand::Serve(a) => {
                args.flag("corpus", &a.corpus.corpus);
                args.opt("model", a.model.as_ref());
                args.flag("host", a.host);
                args.flag("port", a.port);
                args.flag("max-body", a.max_body);
                args.flag("max-batch", a.max_batch);
                args.flag("timeout-ms", a.timeout_ms);
                args.flag("concurrency", a.concurrency);
            }
            StageCommand::Monitor(a) => {
                args.flag("corpus", &a.corpus.corpus);
                args.opt("window", a.window);
                if a.follow {
                    args.0.push("--follow".into());
                }
                if a.all {
                    args.0.push("--all".into());
                }
            }
        }
        args.0
    }
}

/// Arguments being written.
struct Args(Vec<OsString>);

impl Args {
    fn flag(&mut self, name: &str, value: impl std::fmt::Display) {
        self.0.push(format!("--{name}").into());
        self.0.push(value.to_string().into());
    }

    fn opt(&mut self, name: &str, value: Option<impl std::fmt::Display>) {
        if let Some(v) = value {
            self.flag(name, v);
        }
    }

    fn path(&mut self, name: &str, value: Option<&PathBuf>) {
        if let Some(p) = value {
            self.0.push(format!("--{name}").into());
            self.0.push(p.clone().into_os_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        stage: StageCommand,
    }

    fn round_trip(command: StageCommand) {
        let mut argv: Vec<OsString> = vec!["test".into()];
        argv.extend(command.to_args());
        let parsed = Cli::try_parse_from(&argv)
            .unwrap_or_else(|e| panic!("{argv:?} does not parse: {e}"))
            .stage;
        assert_eq!(parsed, command, "{argv:?}");
    }

    #[test]
    fn every_command_parses_back_from_its_arguments() {
        round_trip(StageCommand::Frame(FrameArgs::default()));
        round_trip(StageCommand::Frame(FrameArgs {
            corpus: CorpusArg {
                corpus: "spamassassin".parse().unwrap(),
            },
            spec: Some("/tmp/my spec.toml".into()),
        }));
        round_trip(StageCommand::Gather(CorpusArg::default()));
        round_trip(StageCommand::Label(CorpusArg::default()));
        round_trip(StageCommand::LabelQueue(QueueArgs {
            corpus: CorpusArg::default(),
            annotator: "ana".parse().unwrap(),
            order: QueueOrder::Uncertain,
            seed: Some(3),
        }));
        round_trip(StageCommand::Train(TrainArgs::default()));
        round_trip(StageCommand::Evaluate(EvaluateArgs::default()));
        round_trip(StageCommand::Serve(ServeArgs::default()));
        round_trip(StageCommand::Serve(ServeArgs {
            model: Some("0a1b".into()),
            host: "0.0.0.0".parse().unwrap(),
            port: 0,
            max_body: 4096,
            max_batch: 8,
            timeout_ms: 50,
            concurrency: 4,
            ..ServeArgs::default()
        }));
        round_trip(StageCommand::Evaluate(EvaluateArgs {
            corpus: CorpusArg::default(),
            run: Some("20261130T1322".into()),
            spec: Some("my-spec.toml".into()),
        }));
        round_trip(StageCommand::Train(TrainArgs {
            corpus: CorpusArg::default(),
            spec: None,
            model: Some(ModelKind::LogReg),
            split: Some(SplitKind::Time),
            device: Device::Cuda,
            backend: Some(Backend::Ndarray),
            seed: Some(11),
            epochs: Some(3),
            learning_rate: Some(0.005),
            batch_size: Some(32),
            buckets: Some(1024),
            dim: Some(8),
            keep_duplicates: true,
            sweep: Some("sweeps/small.toml".into()),
        }));
    }

    #[test]
    fn a_stage_refuses_a_flag_it_does_not_use() {
        let err = Cli::try_parse_from(["test", "gather", "--model", "logreg"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--model"), "{err}");
        let err = Cli::try_parse_from(["test", "train", "--model", "bert"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("fasttext") && err.contains("logreg"), "{err}");
    }

    #[test]
    fn a_corpus_or_annotator_that_is_a_path_is_refused_where_it_enters() {
        // Issue 12, item 10: `--corpus ../../x` wrote outside the data directory.
        for argv in [
            &["test", "gather", "--corpus", "../../x"][..],
            &["test", "label", "--corpus", "a/b"],
            &["test", "train", "--corpus", ".."],
            &["test", "label-queue", "--annotator", "../ana"],
        ] {
            let err = Cli::try_parse_from(argv).unwrap_err().to_string();
            assert!(
                err.contains("is not usable") && err.contains("letters, digits"),
                "{argv:?}: {err}"
            );
        }
    }

    #[test]
    fn a_setting_out_of_its_range_is_refused_by_its_flag() {
        // Issue 12, item 13: these became tracked runs, or panicked in burn.
        for (flag, value, setting) in [
            ("--epochs", "0", "fit.epochs"),
            ("--batch-size", "0", "fit.batch_size"),
            ("--learning-rate", "NaN", "fit.learning_rate"),
            ("--learning-rate", "-1", "fit.learning_rate"),
            ("--learning-rate", "1e308", "fit.learning_rate"),
            ("--dim", "0", "model.dim"),
            ("--buckets", "0", "model.buckets"),
        ] {
            let err = Cli::try_parse_from(["test", "train", flag, value])
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("setting `{setting}` = "))
                    && err.contains("expected a value")
                    && err.contains(flag),
                "{flag} {value}: {err}"
            );
        }
        let ok = Cli::try_parse_from(["test", "train", "--learning-rate", "0.05", "--epochs", "3"]);
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn only_cuda_training_needs_a_feature() {
        let mut train = TrainArgs::default();
        assert!(StageCommand::Train(train.clone()).features().is_empty());
        train.device = Device::Cuda;
        assert_eq!(StageCommand::Train(train).features(), ["cuda"]);
        assert_eq!(
            StageCommand::LabelQueue(QueueArgs {
                corpus: CorpusArg::default(),
                annotator: "me".parse().unwrap(),
                order: QueueOrder::Random,
                seed: None
            })
            .stage(),
            Stage::Label
        );
    }
}
