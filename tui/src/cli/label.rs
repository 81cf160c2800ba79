//! `ninety label`: the labeling screen, opened directly.

use crate::workbench::app::Message;
use crate::workbench::screens::ScreenId;
use crate::workspace::Workspace;
use anyhow::{Result, anyhow};
use ninety_kit::{AnnotatorName, CorpusName, QueueOrder, Stage};
use std::process::ExitCode;

/// `ninety label`'s arguments.
#[derive(Debug, clap::Args)]
pub struct LabelArgs {
    /// Your name as an annotator (default: config, then your login).
    #[arg(long)]
    pub annotator: Option<AnnotatorName>,
    /// The queue order (default: config, then random).
    #[arg(long, value_enum)]
    pub order: Option<QueueOrder>,
    /// The queue seed (default: config, then made from the corpus name).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The corpus to label.
    #[arg(long, default_value = "mini")]
    pub corpus: CorpusName,
}

/// Opens the workbench on the labeling screen, once the corpus is there and
/// the config file reads: with a bad one, decisions would be saved under
/// the login name instead of the configured annotator.
pub fn run(ws: Workspace, args: LabelArgs) -> Result<ExitCode> {
    ws.corpus(&args.corpus)?;
    crate::config::Config::load(&crate::config::path(&ws.home)).map_err(refusal)?;
    crate::workbench::Runtime::new(ws).run_with(move |app| {
        let config = &mut app.ctx.label_config;
        config.annotator = args.annotator.or(config.annotator.take());
        config.order = args.order.or(config.order);
        config.seed = args.seed.or(config.seed);
        app.ctx.corpus = args.corpus;
        vec![
            Message::Go(ScreenId::Lab(Stage::Label)),
            Message::Go(ScreenId::Labeling),
        ]
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A config file that does not read, as the reason to stop.
pub fn refusal(error: crate::config::ConfigError) -> anyhow::Error {
    anyhow!("{error}\n  fix the file, or remove it to use the defaults; nothing was started")
}
