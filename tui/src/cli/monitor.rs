//! `ninety monitor`: the monitor stage following the logs in the
//! foreground, a line for each report and each new alert as it fires; with
//! `--prometheus`, a Prometheus server beside it scraping the local model
//! server with the lab's alert rules, on loopback only.

use super::run::{monitored, run_stage_with};
use crate::workspace::Workspace;
use anyhow::{Context, Result, bail};
use ninety_kit::Event;
use ninety_kit::command::{MonitorArgs, StageCommand};
use ninety_kit::records::Summary;
use ninety_kit::records::monitor::MonitorReport;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};

/// `ninety monitor`'s arguments.
#[derive(Debug, clap::Args)]
pub struct MonitorCliArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub stage: MonitorArgs,
    /// Also start Prometheus (when `prometheus` is on PATH) scraping the
    /// model server, with the lab's alert rules, on 127.0.0.1 only.
    #[arg(long)]
    pub prometheus: bool,
    /// The model server Prometheus scrapes (with --prometheus).
    #[arg(long, default_value_t = super::load::default_url())]
    pub url: String,
    /// The port Prometheus listens on (with --prometheus).
    #[arg(long, default_value_t = 9090)]
    pub prometheus_port: u16,
}

/// A child process killed when dropped: nothing is left running when the
/// command ends, however it ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The Prometheus configuration for the server at `target`
/// (`host:port`), with `rules` as its rule file.
pub fn prometheus_config(target: &str, rules: &Path) -> String {
    format!(
        "# Written by `ninety monitor --prometheus`; labs/monitor/ops/prometheus.yml is\n\
         # the one to take to a real deployment.\n\
         global:\n  scrape_interval: 5s\n  evaluation_interval: 5s\n\
         rule_files:\n  - {rules:?}\n\
         scrape_configs:\n  - job_name: ninety\n    static_configs:\n      - targets: [{target:?}]\n",
        rules = rules.display().to_string(),
    )
}

fn start_prometheus(ws: &Workspace, args: &MonitorCliArgs) -> Result<Reaped> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("prometheus"))
            .find(|p| p.is_file())
    });
    let Some(binary) = found else {
        bail!(
            "`--prometheus`: no `prometheus` on PATH (on Debian or Ubuntu: sudo apt-get install prometheus); the monitor runs without it: drop --prometheus"
        );
    };
    let (base, _) = super::load::urls(&args.url)?;
    let target = base
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .to_owned();
    let rules = ws.root.join("labs/monitor/ops/rules.yml");
    if !rules.is_file() {
        bail!("the lab's alert rules are not at `{}`", rules.display());
    }
    let dir: PathBuf = ws.home.root().join("prometheus");
    std::fs::create_dir_all(&dir).with_context(|| format!("making `{}`", dir.display()))?;
    let config = dir.join("prometheus.yml");
    std::fs::write(&config, prometheus_config(&target, &rules))
        .with_context(|| format!("writing `{}`", config.display()))?;
    let log = std::fs::File::create(dir.join("prometheus.log"))?;
    let child = Command::new(&binary)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!(
            "--web.listen-address=127.0.0.1:{}",
            args.prometheus_port
        ))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting `{}`", binary.display()))?;
    eprintln!(
        "Prometheus: http://127.0.0.1:{} (alerts at /alerts), scraping {target}; its log is {}",
        args.prometheus_port,
        dir.join("prometheus.log").display()
    );
    Ok(Reaped(child))
}

/// One line for a report as it arrives.
fn line(r: &MonitorReport) -> String {
    let last = r.windows.last();
    let st = |k: &str| {
        last.and_then(|w| w.statistics.get(k))
            .map_or("-".to_owned(), |v| format!("{v:.3}"))
    };
    format!(
        "{} predictions, {} windows: last window score PSI {} KS {}, tokens JS {}, length PSI {}; {} alerts",
        r.predictions,
        r.windows.len(),
        st("score_psi"),
        st("score_ks"),
        st("tokens_js"),
        st("length_psi"),
        r.alerts.len()
    )
}

/// Runs the monitor until Ctrl-C, then prints the last report.
pub fn run(ws: &Workspace, args: &MonitorCliArgs) -> Result<ExitCode> {
    let _prometheus = if args.prometheus {
        Some(start_prometheus(ws, args)?)
    } else {
        None
    };
    let mut stage = args.stage.clone();
    stage.follow = true;
    let mut alerts_seen = 0;
    let summary = run_stage_with(
        ws,
        &StageCommand::Monitor(stage),
        false,
        &mut |e, bar| match e {
            Event::Started { .. } => bar.finish_and_clear(),
            Event::Log { message, .. } => bar.suspend(|| eprintln!("{message}")),
            Event::Monitoring { report } => {
                bar.suspend(|| {
                    println!("{}", line(&report));
                    for a in report.alerts.iter().skip(alerts_seen) {
                        println!(
                            "ALERT {} above {} since window {} (after request {}): {}",
                            a.statistic, a.threshold, a.onset_window, a.fired_at, a.meaning
                        );
                    }
                });
                alerts_seen = alerts_seen.max(report.alerts.len());
            }
            _ => {}
        },
    )?;
    match summary {
        Summary::Monitor(r) => print!("{}", monitored(&r)),
        other => bail!(
            "the monitor stage reported something else: {}",
            other.name()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prometheus_config_scrapes_the_server_with_the_labs_rules() {
        let text = prometheus_config("127.0.0.1:8090", Path::new("/w/labs/monitor/ops/rules.yml"));
        assert!(text.contains("targets: [\"127.0.0.1:8090\"]"), "{text}");
        assert!(
            text.contains("- \"/w/labs/monitor/ops/rules.yml\""),
            "{text}"
        );
    }
}
