//! `ninety label`: the labeling screen, opened directly.

use crate::workbench::app::Message;
use crate::workbench::screens::ScreenId;
use crate::workspace::Workspace;
use anyhow::Result;
use ninety_kit::{QueueOrder, Stage};
use std::process::ExitCode;

/// `ninety label`'s arguments.
#[derive(Debug, clap::Args)]
pub struct LabelArgs {
    /// Your name as an annotator (default: config, then your login).
    #[arg(long)]
    pub annotator: Option<String>,
    /// The queue order (default: config, then random).
    #[arg(long, value_enum)]
    pub order: Option<QueueOrder>,
    /// The queue seed (default: config, then made from the corpus name).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The corpus to label.
    #[arg(long, default_value = "mini")]
    pub corpus: String,
}

/// Opens the workbench on the labeling screen.
pub fn run(ws: Workspace, args: LabelArgs) -> Result<ExitCode> {
    if let Some(name) = &args.annotator {
        ninety_kit::labels::check_annotator(name)?;
    }
    if !ninety_kit::corpus::known(&ws.root, &ws.home)
        .iter()
        .any(|c| c.name == args.corpus && c.messages.is_some())
    {
        ninety_kit::corpus::open_known(&args.corpus, &ws.root, &ws.home)?;
    }
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
