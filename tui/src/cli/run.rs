//! `ninety run STAGE`: build the pipeline, run one stage, show what it reports.
//!
//! The same subcommands as the pipeline binary ([`StageCommand`], from the
//! kit). The build's progress and then the stage's are drawn on stderr; the
//! summary is printed for a person, or with `--json` as one JSON object on
//! stdout.

use crate::pipeline::{StageFailure, StageHandle, StageUpdate};
use crate::workspace::Workspace;
use anyhow::{Result, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use ninety_kit::Event;
use ninety_kit::command::StageCommand;
use ninety_kit::metrics::Metrics;
use ninety_kit::records::Summary;
use ninety_kit::records::frame::{FrameSummary, Verdict};
use ninety_kit::records::gather::GatherSummary;
use ninety_kit::records::serve::ServeSummary;
use ninety_kit::records::train::{SweepSummary, TrainRun};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;

/// `ninety run`'s arguments.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Print the summary as one JSON object.
    #[arg(long, global = true)]
    pub json: bool,
    /// The stage, with its own arguments.
    #[command(subcommand)]
    pub stage: StageCommand,
}

/// Runs the stage and prints its summary.
pub fn run(ws: &Workspace, args: &RunArgs) -> Result<ExitCode> {
    let mut command = args.stage.clone();
    // A sweep file given relative to where the learner stands.
    if let StageCommand::Train(train) = &mut command
        && let Some(path) = &train.sweep
    {
        train.sweep = Some(
            std::fs::canonicalize(path)
                .map_err(|e| anyhow!("the sweep file `{}`: {e}", path.display()))?,
        );
    }
    let summary = run_stage(ws, &command, args.json)?;
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        print_human(&summary);
    }
    Ok(ExitCode::SUCCESS)
}

/// Builds the pipeline and runs `command`, drawing progress on stderr
/// unless `quiet`; returns the summary, or an error saying why it failed.
/// A corpus that is not there is named before anything is built.
pub fn run_stage(ws: &Workspace, command: &StageCommand, quiet: bool) -> Result<Summary> {
    run_stage_with(ws, command, quiet, &mut |event, bar| match event {
        Event::Progress {
            done, total, unit, ..
        } => {
            bar.set_prefix(unit.as_str());
            bar.set_message("");
            bar.set_length(total);
            bar.set_position(done);
        }
        Event::Log { message, .. } if !quiet => {
            bar.suspend(|| eprintln!("{message}"));
        }
        Event::Started { stage } if !quiet => {
            bar.set_prefix(stage.as_str());
            bar.set_length(0);
            bar.set_message("");
        }
        _ => {}
    })
}

/// [`run_stage`], with the stage's events given to `on_event` (with the
/// bar the build was drawn on, to draw on or to clear) instead of drawn
/// as a progress bar: for `ninety serve`'s status line.
///
/// A stage that stops cleanly on Ctrl-C (the server: it finishes the
/// requests in flight, then reports) is waited for: while it runs, Ctrl-C
/// and SIGTERM are passed on to it instead of ending `ninety` before its
/// summary comes; a second Ctrl-C ends it at once.
pub fn run_stage_with(
    ws: &Workspace,
    command: &StageCommand,
    quiet: bool,
    on_event: &mut dyn FnMut(Event, &ProgressBar),
) -> Result<Summary> {
    ws.corpus(command.corpus())?;
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {msg}")?
            .progress_chars("=> "),
    );
    let mut building = false;
    // Said at once, and kept moving: cargo may first wait for another
    // build's lock, or compile one large crate for a minute, with nothing
    // to report, and a blank terminal looks like a hang.
    bar.set_prefix("building");
    bar.set_message("the pipeline (cargo build: minutes the first time)");
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    let mut ticking = true;
    let handle = Arc::new(StageHandle::new());
    let signals = if stops_on_interrupt(command) {
        Some(signals::Forward::start(Arc::clone(&handle))?)
    } else {
        None
    };
    let result = handle.run(ws, command, &mut |update| match update {
        StageUpdate::Building(p) | StageUpdate::BuildingChecks(p) => {
            if !building {
                building = true;
                bar.set_prefix("building");
            }
            if p.total > 0 {
                bar.set_length(u64::from(p.total));
                bar.set_position(u64::from(p.done));
            }
            bar.set_message(truncate(&p.compiling, 40));
        }
        StageUpdate::Event(event) => {
            if ticking {
                ticking = false;
                bar.disable_steady_tick();
            }
            on_event(event, &bar)
        }
    });
    bar.finish_and_clear();
    let interrupted = signals.is_some_and(|s| s.stop() > 0);
    result.map_err(|e| match e {
        StageFailure::BuildFailed(_) if interrupted => {
            anyhow!("stopped while the pipeline was being built")
        }
        e if interrupted => anyhow!(
            "the {} stage was stopped before it reported: {e}",
            command.name()
        ),
        e => anyhow!("the {} stage failed: {e}", command.name()),
    })
}

/// Whether the stage stops cleanly on Ctrl-C and then reports: the server
/// does (the other stages end where they are, and leave nothing half
/// written).
fn stops_on_interrupt(command: &StageCommand) -> bool {
    match command {
        StageCommand::Serve(_) => true,
        StageCommand::Monitor(a) => a.follow,
        _ => false,
    }
}

/// Ctrl-C and SIGTERM passed on to a running stage.
mod signals {
    use crate::pipeline::StageHandle;
    use anyhow::Result;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    /// Once started, Ctrl-C and SIGTERM no longer end this process: the
    /// first is passed on to the stage's process (which, in this process
    /// group, may have had it from the terminal already: a server takes a
    /// second one calmly), a second ends the stage at once. After
    /// [`Forward::stop`] they are ignored (the handler stays installed for
    /// the life of the process), so stop it only when the stage has ended
    /// and `ninety` is about to print its result and exit.
    pub struct Forward {
        received: Arc<AtomicUsize>,
        done: Arc<AtomicBool>,
    }

    impl Forward {
        /// Starts listening (on a thread of its own) before it returns, so
        /// no signal falls between this and the stage's start.
        #[cfg(unix)]
        pub fn start(handle: Arc<StageHandle>) -> Result<Self> {
            use tokio::signal::unix::{SignalKind, signal};
            let received = Arc::new(AtomicUsize::new(0));
            let done = Arc::new(AtomicBool::new(false));
            let (ready, listening) = std::sync::mpsc::channel::<std::io::Result<()>>();
            let (count, finished) = (Arc::clone(&received), Arc::clone(&done));
            std::thread::spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => return drop(ready.send(Err(e))),
                };
                runtime.block_on(async move {
                    let (mut interrupt, mut terminate) = match (
                        signal(SignalKind::interrupt()),
                        signal(SignalKind::terminate()),
                    ) {
                        (Ok(i), Ok(t)) => (i, t),
                        (Err(e), _) | (_, Err(e)) => return drop(ready.send(Err(e))),
                    };
                    let _ = ready.send(Ok(()));
                    let mut tick = tokio::time::interval(std::time::Duration::from_millis(50));
                    loop {
                        let signal = tokio::select! {
                            _ = interrupt.recv() => nix::sys::signal::Signal::SIGINT,
                            _ = terminate.recv() => nix::sys::signal::Signal::SIGTERM,
                            _ = tick.tick() => {
                                if finished.load(Ordering::SeqCst) {
                                    return;
                                }
                                continue;
                            }
                        };
                        if finished.load(Ordering::SeqCst) {
                            return;
                        }
                        // Nothing is printed on the first: the stage says
                        // when it has stopped, and the terminal's Ctrl-C
                        // may reach it before this thread has woken.
                        if count.fetch_add(1, Ordering::SeqCst) == 0 {
                            if let Some(pid) = handle.pid().and_then(|p| i32::try_from(p).ok()) {
                                let _ =
                                    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal);
                            }
                        } else {
                            eprintln!("\nstopping at once (a second Ctrl-C)");
                            handle.cancel();
                        }
                    }
                });
            });
            listening
                .recv()
                .map_err(|_| anyhow::anyhow!("the signal listener did not start"))?
                .map_err(|e| anyhow::anyhow!("cannot listen for Ctrl-C: {e}"))?;
            Ok(Forward { received, done })
        }

        /// Elsewhere, Ctrl-C keeps its usual effect.
        #[cfg(not(unix))]
        pub fn start(_handle: Arc<StageHandle>) -> Result<Self> {
            Ok(Forward {
                received: Arc::new(AtomicUsize::new(0)),
                done: Arc::new(AtomicBool::new(false)),
            })
        }

        /// Stops passing signals on; returns how many came.
        pub fn stop(self) -> usize {
            self.done.store(true, Ordering::SeqCst);
            self.received.load(Ordering::SeqCst)
        }
    }
}

fn truncate(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(most.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// Prints a stage's summary for a person.
pub fn print_human(summary: &Summary) {
    match summary {
        Summary::Frame(s) => print_frame(s),
        Summary::Gather(s) => print_gather(s),
        Summary::LabelQueue(q) => {
            println!(
                "Queue for {} on {}: {} messages in {} order{}",
                q.annotator,
                q.corpus,
                q.messages,
                q.order,
                q.fallback.as_ref().map_or(String::new(), |f| format!(
                    " (asked; in id order until then: {f})"
                ))
            );
            println!("  saved in {}", q.artifact.display());
        }
        Summary::Label(s) => super::labels::print_stats(s),
        Summary::Train(run) => print_train(run),
        Summary::Sweep(s) => print_sweep(s),
        Summary::Evaluate(e) => print_evaluation(e),
        Summary::Serve(s) => println!("{}", served(s)),
        Summary::Monitor(r) => print!("{}", monitored(r)),
    }
}

/// The monitor's report for a person: the windows in a table, the alerts
/// with their evidence, and how detection went against a replay.
pub fn monitored(r: &ninety_kit::records::monitor::MonitorReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let opt = |x: Option<f64>| x.map_or("-".to_owned(), |v| format!("{v:.3}"));
    let _ = writeln!(
        out,
        "Monitored model {}: {} predictions, {} windows of {}, against a reference of {} test messages",
        r.model_id.as_deref().unwrap_or("?"),
        r.predictions,
        r.windows.len(),
        r.window,
        r.reference
    );
    let _ = writeln!(
        out,
        "  {:>6} {:>7} {:>7} {:>7} {:>7} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}",
        "window",
        "scr-psi",
        "scr-ks",
        "tok-js",
        "len-psi",
        "empty",
        "html",
        "oov",
        "repeats",
        "est-f1",
        "f1"
    );
    for w in &r.windows {
        let st = |k: &str| w.statistics.get(k).copied().unwrap_or(0.0);
        let _ = writeln!(
            out,
            "  {:>6} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>6.2} {:>6.2} {:>6.2} {:>7.2} {:>7} {:>7}",
            w.index,
            st("score_psi"),
            st("score_ks"),
            st("tokens_js"),
            st("length_psi"),
            w.health.empty,
            w.health.html,
            w.health.oov,
            w.health.repeats,
            opt(w.estimated_f1),
            opt(w.measured.f1)
        );
    }
    let _ = writeln!(
        out,
        "Feedback: {} received, {} matched, {} for requests the log does not hold; F1 measured {} on {} labelled, estimated {} before labels",
        r.feedback.received,
        r.feedback.matched,
        r.feedback.unknown,
        opt(r.measured.f1),
        r.measured.labelled,
        opt(r.estimated_f1)
    );
    if r.alerts.is_empty() {
        let _ = writeln!(out, "No alerts.");
    }
    for a in &r.alerts {
        let values: Vec<String> = a.values.iter().map(|v| format!("{v:.3}")).collect();
        let _ = writeln!(
            out,
            "ALERT {} above {} in windows {}..={} (values {}), fired after request {} ({} to {}): {}",
            a.statistic,
            a.threshold,
            a.onset_window,
            a.fired_window,
            values.join(", "),
            a.fired_at,
            a.first_request,
            a.last_request,
            a.meaning
        );
    }
    if !r.bad_lines.is_empty() {
        let _ = writeln!(
            out,
            "{} log lines skipped (not records):",
            r.bad_lines.len()
        );
        for b in r.bad_lines.iter().take(10) {
            let _ = writeln!(out, "  {} line {}: {}", b.file, b.line, b.error);
        }
    }
    if let Some(d) = &r.detection {
        let verdict = match (d.onset, d.delay) {
            (None, _) => format!("no incident, {} false alarms", d.false_alarms),
            (Some(o), Some(delay)) => format!(
                "incident {} from request {o}, first alert {} after {delay} requests{}; {} false alarms",
                d.incident,
                d.first_alert.as_deref().unwrap_or("?"),
                d.detect_within
                    .map(|w| format!(" (allowed {w})"))
                    .unwrap_or_default(),
                d.false_alarms
            ),
            (Some(o), None) => format!(
                "incident {} from request {o}: not detected; {} false alarms",
                d.incident, d.false_alarms
            ),
        };
        let _ = writeln!(
            out,
            "Replay `{}`: {verdict}: {}",
            d.scenario,
            if d.passed { "PASSED" } else { "FAILED" }
        );
    }
    out
}

/// What a server did, in one line.
pub fn served(s: &ServeSummary) -> String {
    format!(
        "Served {} at {} for {:.0} s: {} predictions{}",
        s.model_id.as_deref().unwrap_or("no model"),
        s.address,
        s.seconds,
        s.predictions,
        if s.log_dropped > 0 {
            format!(
                ", {} not logged (the log's channel was full)",
                s.log_dropped
            )
        } else {
            String::new()
        }
    )
}

/// An evaluation: the threshold, the test figures with intervals, the gates.
fn print_evaluation(e: &ninety_kit::records::evaluate::Evaluation) {
    let p = |x: f64| format!("{:.2}%", x * 100.0);
    println!(
        "Run {} judged by the spec (at most {} of real mail flagged):",
        e.run_id,
        p(e.max_ham_flagged_rate)
    );
    match (e.threshold, &e.test) {
        (Some(t), Some(test)) => {
            println!("  threshold {t:.4}, chosen on the validation split");
            for (name, r) in [
                ("spam recall", &test.spam_recall),
                ("ham flagged", &test.ham_flagged),
            ] {
                println!(
                    "  test {name:<12} {:>7}  95% interval {} to {}  ({} of {})",
                    p(r.value),
                    p(r.low),
                    p(r.high),
                    r.count,
                    r.of
                );
            }
        }
        _ => println!("  no threshold meets the constraint on the validation split"),
    }
    if let Some(f) = &e.f1 {
        println!(
            "  test F1           {:>7.3}  95% interval {:.3} to {:.3}  (bootstrap, {} resamples)",
            f.value, f.low, f.high, f.draws
        );
    }
    if let Some(c) = &e.calibration {
        println!(
            "  calibration       ECE {:.4} raw, {} after Platt scaling fitted on validation",
            c.ece_before,
            c.ece_after
                .map_or("nothing to fit".to_owned(), |a| format!("{a:.4}"))
        );
    }
    if let Some(worst) = e.slices.first() {
        println!(
            "  worst slice       {}={} ({}): ham flagged {} of {}, spam caught {} of {}",
            worst.dimension,
            worst.value,
            worst.verdict,
            worst.ham_flagged.count,
            worst.ham_flagged.of,
            worst.spam_recall.count,
            worst.spam_recall.of
        );
    }
    for g in &e.gates {
        println!(
            "  {} {:<15} {}",
            if g.passed { "✓" } else { "✗" },
            g.name,
            g.evidence
        );
    }
    println!(
        "  {}",
        if e.ready {
            "ready: every gate passed"
        } else {
            "not ready: a gate failed"
        }
    );
    if let Some(card) = &e.model_card {
        println!("  model card: {}", card.display());
    }
    if let Some(id) = &e.model_id {
        println!("  registered as model {id} (`ninety models`)");
    }
}

/// A rate as a percentage, or `n/a` when it is undefined.
fn pct(v: Option<f64>) -> String {
    v.map_or("n/a".to_owned(), |x| format!("{:.2}%", x * 100.0))
}

fn print_frame(s: &FrameSummary) {
    let c = &s.metrics.confusion;
    let m = &s.metrics;
    println!("Frame: the keyword baseline, judged by your spec");
    println!("  spec      {}", s.spec);
    println!(
        "  corpus    {} ({} messages: {} ham, {} spam)",
        s.corpus.name, s.corpus.messages, s.corpus.ham, s.corpus.spam
    );
    println!();
    println!("                 predicted spam   predicted ham");
    println!(
        "  actual spam    {:>14}   {:>13}",
        c.spam_caught, c.spam_missed
    );
    println!(
        "  actual ham     {:>14}   {:>13}",
        c.ham_flagged, c.ham_passed
    );
    println!();
    println!("  spam recall        {}", pct(m.spam_recall));
    println!("  precision          {}", pct(m.precision));
    println!(
        "  spam F1            {}",
        m.spam_f1.map_or("n/a".into(), |x| format!("{x:.3}"))
    );
    println!(
        "  ham flagged rate   {}  (the spec allows {})",
        pct(m.ham_flagged_rate),
        pct(Some(s.constraint.max_ham_flagged_rate))
    );
    println!(
        "  cost               {:.1} in all, {} per message",
        s.costs.total,
        s.costs
            .per_message
            .map_or("n/a".into(), |c| format!("{c:.3}"))
    );
    let words = match s.constraint.verdict {
        Verdict::Meets { .. } => "MEETS the constraint".to_owned(),
        Verdict::Violates { .. } => "VIOLATES the constraint: it loses real mail".to_owned(),
        Verdict::TooFewHam { ham, needed } => {
            format!("CANNOT BE JUDGED: {ham} ham tested, {needed} needed")
        }
    };
    println!("  verdict            {words}");
    if let Some(latency) = &s.latency {
        println!(
            "  latency p99        {:.4} ms (budget {} ms)",
            latency.p99_ms, latency.budget_ms
        );
    }
    println!();
    println!("  saved              {}", s.artifact.display());
}

fn print_counts(title: &str, map: &BTreeMap<String, usize>) {
    let mut rows: Vec<(&String, usize)> = map.iter().map(|(k, v)| (k, *v)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("  {title}");
    let widest = rows.first().map_or(1, |r| r.1.max(1));
    for (name, n) in rows {
        let bar = "#".repeat((n * 30) / widest);
        println!("    {name:<24} {n:>6}  {bar}");
    }
}

fn print_gather(s: &GatherSummary) {
    let r = &s.report;
    println!("Gather: {} ({} messages)", s.corpus, r.imported);
    println!("  clean         {:>6}", r.clean);
    println!(
        "  duplicates    {:>6}  ({} exact, {} near)",
        r.duplicates, r.exact_duplicates, r.near_duplicates
    );
    println!("  quarantined   {:>6}", r.quarantined_total());
    println!();
    print_counts("quarantined by reason", &r.quarantined);
    if !r.repaired.is_empty() {
        print_counts("mended before reading, by repair", &r.repaired);
    }
    print_counts("by group", &r.by_group);
    print_counts("by period", &r.by_period);
    print_counts("by content type", &r.by_content_type);
    print_counts("by charset", &r.by_charset);
    let l = &r.length;
    println!(
        "  clean body length (chars): min {}, median {}, p90 {}, max {}",
        l.min, l.median, l.p90, l.max
    );
    println!();
    println!("  saved              {}", s.artifact.display());
}

/// A rate as a percentage with one decimal, `-` when undefined.
fn pct1(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{:.1}", x * 100.0))
}

/// A run's results beside its baselines.
fn print_train(s: &TrainRun) {
    println!(
        "Run {} ({} model, {} split, {} on {}), trained in {:.1} s:",
        s.run_id, s.model, s.split, s.backend, s.device, s.seconds
    );
    println!(
        "  {:<22}{:>8}{:>11}{:>8}{:>14}",
        "on the test split", "F1 %", "precision", "recall", "ham flagged %"
    );
    let mut rows: Vec<(String, &Metrics)> = vec![(s.model.to_string(), &s.metrics)];
    for (name, m) in s.baselines.iter() {
        rows.push((format!("{name} (baseline)"), m));
    }
    for (name, m) in rows {
        println!(
            "  {:<22}{:>8}{:>11}{:>8}{:>14}",
            name,
            pct1(m.spam_f1),
            pct1(m.precision),
            pct1(m.spam_recall),
            pct1(m.ham_flagged_rate)
        );
    }
    if let Some(c) = &s.comparison {
        println!("  {}", c.describe(s.model));
    }
    match s.twins_across {
        Some(0) | None => {}
        Some(n) => println!(
            "  {n} test messages have a twin in training: this split leaks (--keep-duplicates)"
        ),
    }
    if let Some(folder) = &s.artifact {
        println!("  saved in {}", folder.display());
    }
}

/// A sweep's runs, best first.
fn print_sweep(s: &SweepSummary) {
    println!(
        "Sweep {} ({} search), best first by validation F1:",
        s.sweep.display(),
        match s.search {
            ninety_kit::records::train::Search::Grid => "grid",
            ninety_kit::records::train::Search::Random => "random",
        }
    );
    for r in &s.runs {
        let varied: Vec<String> = r.varied.iter().map(|(k, v)| format!("{k} {v}")).collect();
        println!(
            "  {:<34} valid F1 {:.4}  test F1 {}  {:>6.1} s  {}",
            r.run_id,
            r.best_valid_f1,
            r.metrics
                .spam_f1
                .map_or_else(|| "-".to_owned(), |f| format!("{f:.4}")),
            r.seconds,
            varied.join(", ")
        );
    }
}
