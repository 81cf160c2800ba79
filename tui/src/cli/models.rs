//! `ninety models`: the model registry. Each `ninety run evaluate`
//! registers the model it judged under the content hash of its files
//! (weights, settings, threshold, calibration, evaluation, model card,
//! lineage); `promote` makes one the champion, the model `ninety serve`
//! serves, and `rollback` puts back the one before. Every change of
//! champion is appended to `champion.log` beside the pointer.

use crate::workspace::Workspace;
use anyhow::Result;
use ninety_kit::registry::{Registered, Registry};
use serde::Serialize;
use std::process::ExitCode;

/// `ninety models`' arguments.
#[derive(Debug, clap::Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub command: Option<ModelsCommand>,
    /// Print as JSON.
    #[arg(long, global = true)]
    pub json: bool,
}

/// What to do with the registry (nothing: list it).
#[derive(Debug, clap::Subcommand)]
pub enum ModelsCommand {
    /// Make a registered model the champion, by its id or the start of it.
    Promote {
        /// The model's id (or a unique prefix).
        id: String,
    },
    /// Put back the champion before the current one (each rollback goes
    /// one further back through the promotions).
    Rollback,
}

/// A model as `--json` lists it.
#[derive(Debug, Serialize)]
struct Listed<'a> {
    id: &'a str,
    champion: bool,
    path: String,
    #[serde(flatten)]
    info: &'a ninety_kit::registry::ModelInfo,
}

/// The registry as a table, the newest first, the champion marked.
pub fn table(models: &[Registered], champion: Option<&str>) -> String {
    let mut out = format!(
        "  {:<16} {:<9} {:<14} {:>9} {:>6}  {}\n",
        "MODEL", "KIND", "CORPUS", "THRESHOLD", "READY", "RUN"
    );
    for m in models {
        out.push_str(&format!(
            "{} {:<16} {:<9} {:<14} {:>9} {:>6}  {}\n",
            if Some(m.id.as_str()) == champion {
                "*"
            } else {
                " "
            },
            m.id,
            m.info.model,
            m.info.corpus,
            m.info
                .threshold
                .map_or_else(|| "none".to_owned(), |t| format!("{t:.4}")),
            if m.info.ready { "yes" } else { "no" },
            m.info.run_id
        ));
    }
    out
}

/// Runs `ninety models`.
pub fn run(ws: &Workspace, args: &ModelsArgs) -> Result<ExitCode> {
    let registry = Registry::new(&ws.home);
    match &args.command {
        None => {
            let models = registry.list()?;
            let champion = registry.champion()?;
            if args.json {
                let listed: Vec<Listed<'_>> = models
                    .iter()
                    .map(|m| Listed {
                        id: &m.id,
                        champion: champion.as_deref() == Some(m.id.as_str()),
                        path: m.dir.display().to_string(),
                        info: &m.info,
                    })
                    .collect();
                println!("{}", serde_json::to_string(&listed)?);
            } else if models.is_empty() {
                println!(
                    "No models yet: `ninety run evaluate` judges a run and registers its model."
                );
            } else {
                print!("{}", table(&models, champion.as_deref()));
                match champion {
                    Some(id) => println!("* champion: {id}"),
                    None => println!(
                        "No champion yet: `ninety models promote ID` makes one (the newest is served until then)."
                    ),
                }
            }
        }
        Some(ModelsCommand::Promote { id }) => {
            let model = registry.find(id)?;
            registry.promote(&model.id)?;
            if args.json {
                println!("{}", serde_json::json!({"champion": model.id}));
            } else {
                println!(
                    "{} is the champion{}",
                    model.id,
                    if model.info.ready {
                        ""
                    } else {
                        " (its evaluation did not pass every gate)"
                    }
                );
            }
        }
        Some(ModelsCommand::Rollback) => {
            let id = registry.rollback()?;
            if args.json {
                println!("{}", serde_json::json!({"champion": id}));
            } else {
                println!("{id} is the champion again");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
