//! `ninety data`: the corpora a workspace knows and where they are.

use crate::workspace::Workspace;
use anyhow::Result;
use ninety_kit::corpus;

/// The header's line about the default corpus.
pub fn corpus_line(ws: &Workspace) -> String {
    let all = corpus::known(&ws.root, &ws.home);
    match all
        .iter()
        .find(|c| c.name == "mini")
        .and_then(|c| c.messages)
    {
        Some(n) => format!("corpus: mini · {n} messages"),
        None => "corpus: mini (missing: datasets/mini)".into(),
    }
}

/// Prints the known corpora, as a table or as JSON.
pub fn list(ws: &Workspace, json: bool) -> Result<()> {
    let all = corpus::known(&ws.root, &ws.home);
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(());
    }
    println!("{:<14} {:>9}  {:<50}", "CORPUS", "MESSAGES", "WHERE");
    for c in &all {
        let count = c.messages.map_or("-".to_owned(), |n| n.to_string());
        println!("{:<14} {:>9}  {}", c.name, count, c.root.display());
        println!("{:<14} {:>9}  {}", "", "", c.description);
        if c.messages.is_none()
            && let Some(how) = &c.how_to_get
        {
            println!("{:<14} {:>9}  not here yet: {how}", "", "");
        }
    }
    println!(
        "\ndata directory: {} (set NINETY_HOME to move it)",
        ws.home.root().display()
    );
    Ok(())
}
