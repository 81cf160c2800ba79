//! `ninety book`: build the course book, serve it, check its links, draw
//! its figures.

use crate::workspace::Workspace;
use anyhow::Result;
use std::process::ExitCode;

/// `ninety book ...`
#[derive(Debug, clap::Subcommand)]
pub enum BookCommand {
    /// Build the book into book/build with the mdbook library.
    Build,
    /// Build the book and serve it on 127.0.0.1, rebuilding on change.
    Serve {
        /// The port to listen on.
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Do not open a browser.
        #[arg(long)]
        no_open: bool,
    },
    /// Check that every internal link, heading anchor and code include in
    /// the book resolves, and that no include shows solution code.
    Check,
    /// Draw the book's figures into book/src/figures from their data.
    ///
    /// The data, in book/figures/data, come from real outputs: `cargo run -p
    /// ninety-figures -- capture` reads them from a data home.
    Figures {
        /// Write nothing: fail if a committed figure differs from what its
        /// data gives.
        #[arg(long)]
        check: bool,
    },
}

/// Runs `ninety book ...`.
pub fn run(ws: &Workspace, command: BookCommand) -> Result<ExitCode> {
    let dir = ws.book_dir();
    match command {
        BookCommand::Build => {
            let out = crate::book::build(&dir)?;
            println!("Built the book into {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        BookCommand::Serve { port, no_open } => {
            crate::book::serve(&dir, port, !no_open)?;
            Ok(ExitCode::SUCCESS)
        }
        BookCommand::Figures { check: false } => {
            let written = ninety_figures::draw(&ws.root)?;
            println!(
                "Drew {} figures into {}.",
                written.len(),
                ninety_figures::out_dir(&ws.root).display()
            );
            Ok(ExitCode::SUCCESS)
        }
        BookCommand::Figures { check: true } => {
            let problems = ninety_figures::check(&ws.root)?;
            for p in &problems {
                println!("{p}");
            }
            if problems.is_empty() {
                println!("Every figure is what its data gives.");
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::FAILURE)
            }
        }
        BookCommand::Check => {
            let problems = crate::book::check_links(&dir)?;
            if problems.is_empty() {
                println!("Every link, anchor and include in the book resolves.");
                Ok(ExitCode::SUCCESS)
            } else {
                for p in &problems {
                    println!("{p}");
                }
                println!(
                    "{} problem{} in the book",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                );
                Ok(ExitCode::FAILURE)
            }
        }
    }
}
