//! The monitor lab's checks. Run them with `cargo test -p lab-monitor`, or
//! press `g` on the lab in the workbench.
//!
//! The expected statistics were computed apart from this code: the KS
//! statistics and the Jensen-Shannon divergence with SciPy (`ks_2samp`,
//! `jensenshannon(..., base=2)` squared), PSI and Page-Hinkley with NumPy
//! written from their definitions.

use lab_monitor::alert::{evidence, rearm};
use lab_monitor::detect::{PageHinkley, Sustained};
use lab_monitor::drift::{FLOOR, js, ks, psi, quantile_edges, shares};
use lab_monitor::estimate::{Expected, Served, estimate, measure};
use lab_monitor::health::{Vocabulary, health};
use lab_monitor::report::{Settings, judge, report};
use ninety_grader::{Check, Lab, check_close, check_eq, ensure};
use ninety_kit::Label;
use ninety_kit::metrics::Counts;
use ninety_kit::records::monitor::{Health, Rule, Window};
use ninety_kit::records::serve::{LoggedFeedback, LoggedPrediction};
use ninety_kit::scenario::{Source, plan};
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    Lab::new("monitor")
        .check(
            Check::new("drift.quantile_edges", 2, edges)
                .idea(
                    "Bins cut at the reference's quantiles hold equal shares of it, so every \
                     bin has enough messages to compare ('Statistics for drift').",
                )
                .approach(
                    "Sort a copy of the reference, read the value at i·n/bins for each inner \
                     edge, and skip an edge equal to the one before.",
                )
                .hint(
                    "quantile_edges: if empty or bins < 2 return vec![]; sorted.sort_by(\
                     f64::total_cmp); for i in 1..bins {{ let e = sorted[i * n / bins]; if \
                     edges.last() != Some(&e) {{ edges.push(e) }} }}",
                ),
        )
        .check(
            Check::new("drift.psi", 3, population_stability)
                .idea(
                    "PSI sums, over the bins, how much each share moved weighted by the log \
                     of how much it grew or shrank; an empty bin needs a floor, or one \
                     missing message makes it infinite.",
                )
                .approach(
                    "shares: count each value into its bin (the number of edges at or below \
                     it), divide by the count, lift to FLOOR; psi: the reference's edges, \
                     both shares, the sum of (c - r)·ln(c / r).",
                )
                .hint(
                    "shares: counts[edges.partition_point(|e| e <= v)] += 1; share = (c / \
                     n).max(FLOOR), FLOOR for every bin when values is empty; psi: \
                     zip the shares and sum (c - r) * (c / r).ln()",
                ),
        )
        .check(
            Check::new("drift.ks", 3, kolmogorov_smirnov)
                .idea(
                    "The KS statistic is the widest vertical gap between two cumulative \
                     distributions; ties must be counted together, or a gap appears that \
                     is not there.",
                )
                .approach(
                    "Sort both; repeatedly take the smallest value not yet passed, advance \
                     past every copy of it in each sample, and measure the gap between the \
                     two shares passed.",
                )
                .hint(
                    "ks: while i < a.len() && j < b.len() {{ let v = a[i].min(b[j]); while \
                     a[i] <= v advance i; while b[j] <= v advance j; gap = gap.max((i/na - \
                     j/nb).abs()) }}",
                ),
        )
        .check(
            Check::new("drift.js", 3, jensen_shannon)
                .idea(
                    "Jensen-Shannon compares two distributions through their average, so a \
                     token present in one only still gives a finite, symmetric answer \
                     between 0 and 1 bit.",
                )
                .approach(
                    "Turn each count table into shares; for every token (every index of \
                     either table), add half of p·log2(p/m) and half of q·log2(q/m), m the \
                     average share, a zero share adding nothing.",
                )
                .hint(
                    "js: totals np, nq (both 0 → 0, one 0 → 1); for i in 0..p.len().max(q.\
                     len()): a = p[i]/np, b = q[i]/nq (0 past the end), m = (a+b)/2, total += \
                     0.5·t(a, m) + 0.5·t(b, m) with t(x, m) = if x > 0 {{ x·log2(x/m) }} else \
                     {{ 0 }}",
                ),
        )
        .check(
            Check::new("detect.sustained", 3, sustained)
                .idea(
                    "Windows are samples: a statistic crosses any line now and then by \
                     chance. Asking the crossing to last k windows trades a little delay \
                     for far fewer false alarms ('Alerts that hold their fire').",
                )
                .approach(
                    "Walk the statistics counting how many in a row are above the line; a \
                     value at or below it starts the count again; fire at the window that \
                     makes the count reach k.",
                )
                .hint(
                    "first_alarm: let need = windows.max(1); run += 1 when s > threshold \
                     (return Some(i) when run >= need), else run = 0",
                ),
        )
        .check(
            Check::new("detect.page_hinkley", 3, page_hinkley)
                .idea(
                    "Page-Hinkley accumulates how far each value sits above the running mean; \
                     noise cancels out, a lasting rise keeps adding up until it clears \
                     lambda.",
                )
                .approach(
                    "Update the count and the running mean with x, add x - mean - delta to \
                     the sum, keep the lowest sum seen, fire when the sum is more than lambda \
                     above it.",
                )
                .hint(
                    "update: n += 1; mean += (x - mean) / n; sum += x - mean - delta; lowest \
                     = lowest.min(sum); sum - lowest > lambda",
                ),
        )
        .check(
            Check::new("estimate.cbpe", 3, cbpe)
                .idea(
                    "If the probabilities are calibrated, a message flagged at 0.9 is spam \
                     nine times in ten: expected counts give performance before any label \
                     arrives ('Performance before the labels').",
                )
                .approach(
                    "For each prediction, put its probability in the spam cell of its \
                     decision and the rest in the ham cell.",
                )
                .hint(
                    "estimate: if p.spam {{ tp += prob; fp += 1 - prob }} else {{ fn_ += prob; \
                     tn += 1 - prob }}",
                ),
        )
        .check(
            Check::new("estimate.measure", 3, measured)
                .idea(
                    "Feedback is joined to predictions by request id; the last word of a user \
                     counts, and feedback that matches nothing is counted, never dropped \
                     silently.",
                )
                .approach(
                    "Map each prediction's id to its decision; keep the last label of each \
                     known id; count the records with an unknown id; count the cells from \
                     the known ones.",
                )
                .hint(
                    "measure: HashMap id → spam; for (id, label) in feedback {{ if known \
                     {{ last.insert(id, label) }} else {{ unknown += 1 }} }}; \
                     Counts::from_decisions(last → (decided[id], label == Spam))",
                ),
        )
        .check(
            Check::new("health.window", 3, input_health)
                .idea(
                    "Input health needs no label and no model: count what the messages look \
                     like, and an upstream break shows before anything else does ('Input \
                     health').",
                )
                .approach(
                    "One pass over the window: charsets lowercased (none when absent), ids \
                     unseen in the vocabulary over all ids, a sketch seen before in the \
                     window is a repeat; divide counts by the messages.",
                )
                .hint(
                    "health: if window is empty return Health::default(); oov = unseen / ids \
                     (0 without ids); repeats: collect the non-empty sketches as &[u32], \
                     sort them, count each equal to the one before it",
                ),
        )
        .check(
            Check::new("alert.evidence", 2, alert_evidence)
                .idea(
                    "An alert says when the change began, not only when the rule noticed it: \
                     the run of windows above the threshold that made it fire ('Alerts that \
                     hold their fire').",
                )
                .approach(
                    "Walk back from the firing window while the window before is above the \
                     threshold; copy the values from there, and the requests at both ends.",
                )
                .hint(
                    "evidence: let mut onset = fired; while onset > 0 && series[onset - 1] > \
                     rule.threshold {{ onset -= 1 }}; fired_at = windows[fired].start + \
                     windows[fired].messages - 1",
                ),
        )
        .check(
            Check::new("alert.rearm", 2, alert_rearm)
                .idea(
                    "One incident, one alert: a rule that fired stays quiet until what it \
                     watches has come back and stayed back ('Alerts that hold their fire').",
                )
                .approach(
                    "After the firing window, count windows at or below the threshold in a \
                     row, starting the count again on any window above it.",
                )
                .hint(
                    "rearm: for (i, v) in series.iter().enumerate().skip(fired + 1) {{ if v > \
                     threshold {{ calm = 0 }} else {{ calm += 1; if calm == windows.max(1) \
                     {{ return Some(i + 1) }} }} }} None",
                ),
        )
        .check(
            Check::new("replay.scenarios", 8, replayed_scenarios)
                .idea(
                    "The whole monitor, judged as on-call would judge it: the real server's \
                     logs of each scenario replayed through your statistics, detectors and \
                     alerts; every incident caught in time, and not one false alarm on the \
                     stable traffic ('Replaying the scenarios').",
                )
                .approach(
                    "Every other check of this lab feeds this one: make them pass first. Then \
                     read the report this check prints for the scenario that fails: which \
                     statistic moved, which rule fired, when.",
                )
                .hint(
                    "`ninety replay SCENARIO` against `ninety serve`, then `ninety run monitor` \
                     prints the same windows and alerts as a table",
                ),
        )
        // BEGIN HIDDEN TESTS
        .check(
            Check::new("hidden.health_edges", 2, hidden_health)
                .idea(
                    "Health counts must hold on odd traffic: charsets in any case, messages \
                     with no tokens, a window of one.",
                )
                .approach("Work the documentation by hand on those windows.")
                .hint("look again at lowercasing, empty sketches and the oov denominator"),
        )
        .check(
            Check::new("hidden.edges", 3, hidden_edges)
                .idea(
                    "Monitoring code runs on whatever the traffic gives it: empty windows, \
                     one value repeated, a detector that must fire at once.",
                )
                .approach(
                    "Work each function by hand on empty inputs, constant inputs and a rule \
                     of zero windows, and compare with its documentation.",
                )
                .hint("look again at empty inputs, constant values, and windows of 0"),
        )
        // END HIDDEN TESTS
        .run()
}

fn reference() -> Vec<f64> {
    (0..200).map(|i| (i * 37 % 101) as f64 / 100.0).collect()
}

fn current() -> Vec<f64> {
    (0..150)
        .map(|i| ((i * i) % 97) as f64 / 96.0 * 0.5 + 0.5)
        .collect()
}

fn edges() -> Result<(), String> {
    check_close!(
        "the edges of 10 bins of 200 spread values",
        vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.71, 0.81, 0.91],
        quantile_edges(&reference(), 10)
    );
    let tied: Vec<f64> = [
        vec![0.5; 60],
        (0..40).map(|i| (i % 10) as f64 / 10.0).collect(),
    ]
    .concat();
    check_close!(
        "the edges of 10 bins of a reference that is 60% one value",
        vec![0.2, 0.5, 0.7],
        quantile_edges(&tied, 10)
    );
    check_eq!(
        "an empty reference",
        Vec::<f64>::new(),
        quantile_edges(&[], 10)
    );
    check_eq!("one bin", Vec::<f64>::new(), quantile_edges(&[0.3, 0.4], 1));
    check_close!(
        "two bins of [4, 1, 3, 2]",
        vec![3.0],
        quantile_edges(&[4.0, 1.0, 3.0, 2.0], 2)
    );
    Ok(())
}

fn population_stability() -> Result<(), String> {
    check_close!(
        "the shares of [0.1, 0.5, 0.5, 0.9] in bins cut at 0.5",
        vec![0.25, 0.75],
        shares(&[0.1, 0.5, 0.5, 0.9], &[0.5])
    );
    check_close!(
        "the shares of [0.9, 0.95] in bins cut at 0.5 (an empty bin)",
        vec![FLOOR, 1.0],
        shares(&[0.9, 0.95], &[0.5])
    );
    check_close!("no values", vec![FLOOR; 3], shares(&[], &[0.2, 0.4]));
    check_close!(
        "PSI of 150 values in the top half against 200 spread ones, 10 bins",
        3.7671178952614364,
        psi(&reference(), &current(), 10)
    );
    check_close!(
        "PSI of the reference against itself",
        0.0,
        psi(&reference(), &reference(), 10)
    );
    let tied: Vec<f64> = [
        vec![0.5; 60],
        (0..40).map(|i| (i % 10) as f64 / 10.0).collect(),
    ]
    .concat();
    check_close!(
        "PSI against a reference with tied edges",
        2.257541296918955,
        psi(&tied, &current(), 10)
    );
    Ok(())
}

fn kolmogorov_smirnov() -> Result<(), String> {
    check_close!(
        "KS of [0.1, 0.2, 0.2, 0.3, 0.9] and [0.2, 0.25, 0.3, 0.35, 0.4, 0.95] (ties)",
        0.43333333333333335,
        ks(
            &[0.1, 0.2, 0.2, 0.3, 0.9],
            &[0.2, 0.25, 0.3, 0.35, 0.4, 0.95]
        )
    );
    let a: Vec<f64> = (1..=8).map(f64::from).collect();
    let b: Vec<f64> = (5..=14).map(f64::from).collect();
    check_close!("KS of 1..=8 and 5..=14", 0.6, ks(&a, &b));
    check_close!(
        "KS of 5..=14 and 1..=8 (the first runs out last)",
        0.6,
        ks(&b, &a)
    );
    check_close!(
        "KS of the reference and the current scores",
        0.495,
        ks(&reference(), &current())
    );
    check_close!("KS of a sample with itself", 0.0, ks(&b, &b));
    check_close!("KS with an empty sample", 0.0, ks(&a, &[]));
    Ok(())
}

fn jensen_shannon() -> Result<(), String> {
    // Tokens a, b and c, in that order.
    let p = [3, 1, 0];
    let q = [1, 1, 2];
    check_close!(
        "JS of the counts [3, 1, 0] and [1, 1, 2] (tokens a, b, c)",
        0.34436093777043364,
        js(&p, &q)
    );
    check_close!("JS is symmetric", js(&p, &q), js(&q, &p));
    check_close!("JS of a table with itself", 0.0, js(&q, &q));
    check_close!(
        "JS of tables with no token in common ([5, 0, 0] and [0, 2, 9])",
        1.0,
        js(&[5, 0, 0], &[0, 2, 9])
    );
    check_close!(
        "JS of [3, 1] and [1, 1, 2] (the shorter table counts 0 past its end)",
        0.34436093777043364,
        js(&p[..2], &q)
    );
    check_close!("JS of two empty tables", 0.0, js(&[], &[]));
    check_close!("JS of two tables of zeros", 0.0, js(&[0, 0], &[0]));
    check_close!("JS with one empty table", 1.0, js(&p, &[]));
    Ok(())
}

fn sustained() -> Result<(), String> {
    let rule = Sustained {
        threshold: 0.25,
        windows: 3,
    };
    let noisy = [0.1, 0.3, 0.1, 0.3, 0.3, 0.1, 0.26, 0.2, 0.1];
    check_eq!(
        "noise crossing the line now and then",
        None,
        rule.first_alarm(&noisy)
    );
    let shift = [0.1, 0.3, 0.1, 0.3, 0.4, 0.5, 0.6];
    check_eq!("a shift from window 3", Some(5), rule.first_alarm(&shift));
    check_eq!(
        "a value exactly at the line does not count",
        None,
        rule.first_alarm(&[0.25, 0.25, 0.25, 0.25])
    );
    let once = Sustained {
        threshold: 0.25,
        windows: 1,
    };
    check_eq!("a rule of one window", Some(1), once.first_alarm(&shift));
    Ok(())
}

fn page_hinkley() -> Result<(), String> {
    let mut test = PageHinkley::new(0.01, 1.0);
    let stream: Vec<f64> = [vec![0.1; 30], vec![0.6; 30]].concat();
    let fired = stream.iter().position(|&x| test.update(x));
    check_eq!(
        "the first alarm on 30 values of 0.1 then 30 of 0.6 (delta 0.01, lambda 1)",
        Some(32),
        fired
    );
    let mut quiet = PageHinkley::new(0.01, 1.0);
    let noise: Vec<f64> = (0..300)
        .map(|i| 0.1 + ((i * 7919) % 13) as f64 / 100.0)
        .collect();
    ensure!(
        !noise.iter().any(|&x| quiet.update(x)),
        "Page-Hinkley fired on a stationary stream (values 0.1 to 0.22, no shift)"
    );
    check_eq!("values seen", 300, quiet.n);
    // 0 then 2: the mean is 1 and the sum climbs exactly 1 above its lowest.
    let mut edge = PageHinkley::new(0.0, 1.0);
    check_eq!(
        "a climb of exactly lambda (it must be more)",
        (false, false),
        (edge.update(0.0), edge.update(2.0))
    );
    Ok(())
}

fn served(id: &str, spam: bool, probability: f64) -> Served<'_> {
    Served {
        request_id: id,
        spam,
        probability,
    }
}

fn cbpe() -> Result<(), String> {
    let predictions = [
        served("r1", true, 0.9),
        served("r2", true, 0.6),
        served("r3", false, 0.2),
        served("r4", false, 0.05),
    ];
    let e = estimate(&predictions);
    check_close!(
        "the expected counts (tp, fp, tn, fn) of four predictions",
        vec![1.5, 0.5, 1.75, 0.25],
        vec![e.tp, e.fp, e.tn, e.fn_]
    );
    check_close!("their expected F1", Some(0.8), e.f1());
    check_eq!("no predictions", Expected::default(), estimate(&[]));
    Ok(())
}

fn measured() -> Result<(), String> {
    let predictions = [
        served("r1", true, 0.9),
        served("r2", true, 0.6),
        served("r3", false, 0.2),
        served("r4", false, 0.05),
    ];
    let feedback = vec![
        ("r1".to_owned(), Label::Spam),
        ("r2".to_owned(), Label::Spam),
        ("r2".to_owned(), Label::Ham),
        ("r4".to_owned(), Label::Spam),
        ("r9".to_owned(), Label::Ham),
        ("r9".to_owned(), Label::Spam),
    ];
    let m = measure(&predictions, &feedback);
    check_eq!(
        "the counts of r1 spam, r2 spam then ham, r4 spam",
        Counts {
            spam_caught: 1,
            spam_missed: 1,
            ham_flagged: 1,
            ham_passed: 0,
        },
        m.counts
    );
    check_eq!("feedback records for unknown ids", 2, m.unknown);
    Ok(())
}

fn logged(
    id: &str,
    chars: usize,
    content_type: &str,
    charset: Option<&str>,
    tokens: &[u32],
) -> LoggedPrediction {
    LoggedPrediction {
        request_id: id.to_owned(),
        time: String::new(),
        model_id: "m".to_owned(),
        score: 0.5,
        probability: 0.5,
        spam: false,
        latency_us: 0,
        body_chars: chars,
        content_type: content_type.to_owned(),
        charset: charset.map(str::to_owned),
        decode_problem: false,
        tokens: tokens.to_vec(),
    }
}

fn input_health() -> Result<(), String> {
    let vocabulary: Vocabulary = [1, 2, 3].into_iter().collect();
    let mut broken = logged("r3", 0, "text/plain", Some("UTF-8"), &[1, 9]);
    broken.decode_problem = true;
    let window = vec![
        logged("r1", 100, "text/plain", None, &[1, 2, 3, 4]),
        logged("r2", 300, "text/html", Some("utf-8"), &[1, 2, 3, 4]),
        broken,
        logged("r4", 200, "text/html", Some("iso-8859-1"), &[]),
        logged("r5", 400, "text/plain", None, &[]),
    ];
    let h = health(&window, &vocabulary);
    let expected = Health {
        messages: 5,
        mean_chars: 200.0,
        empty: 0.2,
        html: 0.4,
        decode: 0.2,
        // Ids 4, 4 and 9 of the 10 ids are not in the vocabulary.
        oov: 0.3,
        // r2 repeats r1's sketch; r5's empty sketch repeats nothing.
        repeats: 0.2,
        charsets: BTreeMap::from([
            ("iso-8859-1".to_owned(), 0.2),
            ("none".to_owned(), 0.4),
            ("utf-8".to_owned(), 0.4),
        ]),
    };
    check_eq!(
        "the health of a window of five messages (see the check's source for them)",
        expected,
        h
    );
    check_eq!(
        "the health of no messages",
        Health::default(),
        health(&[], &vocabulary)
    );
    Ok(())
}

fn rule(threshold: f64, windows: usize) -> Rule {
    Rule {
        statistic: "score_psi".to_owned(),
        threshold,
        windows,
        meaning: "the scores moved".to_owned(),
    }
}

fn windows(n: usize, size: usize) -> Vec<Window> {
    (0..n)
        .map(|i| Window {
            index: i,
            start: i * size,
            messages: size,
            first_request: format!("r{}", i * size),
            last_request: format!("r{}", i * size + size - 1),
            ..Window::default()
        })
        .collect()
}

fn alert_evidence() -> Result<(), String> {
    let series = [0.1, 0.3, 0.05, 0.4, 0.5, 0.6, 0.2];
    let a = evidence(&rule(0.25, 2), &series, &windows(7, 100), 4);
    check_eq!(
        "(onset window, fired window, fired at, first request, last request) of a rule of 2 \
         windows over 0.25 firing at window 4 of [0.1, 0.3, 0.05, 0.4, 0.5, 0.6, 0.2]",
        (3, 4, 499, "r300".to_owned(), "r499".to_owned()),
        (
            a.onset_window,
            a.fired_window,
            a.fired_at,
            a.first_request.clone(),
            a.last_request.clone()
        )
    );
    check_close!("its values", vec![0.4, 0.5], a.values.clone());
    check_eq!(
        "its statistic, threshold and meaning",
        ("score_psi".to_owned(), 0.25, "the scores moved".to_owned()),
        (a.statistic, a.threshold, a.meaning)
    );
    let from_start = evidence(&rule(0.25, 1), &[0.9, 0.8], &windows(2, 50), 1);
    check_eq!(
        "the onset of a run from the first window",
        (0, 99),
        (from_start.onset_window, from_start.fired_at)
    );
    let at_line = evidence(&rule(0.25, 2), &[0.1, 0.25, 0.4, 0.5], &windows(4, 100), 3);
    check_eq!(
        "the onset when the window before the run is exactly at the threshold (0.25 of \
         [0.1, 0.25, 0.4, 0.5], firing at window 3): at the line is not above it",
        (2, "r200".to_owned()),
        (at_line.onset_window, at_line.first_request)
    );
    Ok(())
}

fn alert_rearm() -> Result<(), String> {
    let series = [0.5, 0.6, 0.1, 0.4, 0.1, 0.1, 0.7];
    check_eq!(
        "rearming a rule of 2 windows over 0.25 that fired at window 1",
        Some(6),
        rearm(&rule(0.25, 2), &series, 1)
    );
    check_eq!(
        "rearming a rule of 1 window",
        Some(3),
        rearm(&rule(0.25, 1), &series, 1)
    );
    check_eq!(
        "a statistic that never comes back",
        None,
        rearm(&rule(0.25, 2), &[0.5, 0.6, 0.7, 0.1], 1)
    );
    check_eq!(
        "a value at the threshold is calm",
        Some(3),
        rearm(&rule(0.25, 1), &[0.5, 0.6, 0.25], 1)
    );
    check_eq!(
        "the calm windows are counted after the firing one, never from it (a rule of 1 \
         window over 0.25 that fired at window 1 of [0.5, 0.1, 0.6, 0.1])",
        Some(4),
        rearm(&rule(0.25, 1), &[0.5, 0.1, 0.6, 0.1], 1)
    );
    check_eq!(
        "rearming at the very first calm window after the firing (a rule of 1 window \
         that fired at window 0 of [0.5, 0.1])",
        Some(2),
        rearm(&rule(0.25, 1), &[0.5, 0.1], 0)
    );
    Ok(())
}

/// The recorded traffic of the shipped scenarios
/// (labs/monitor/scenarios/record made them from the real server).
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read_gz<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{}: {e}", path.display())))
        .collect()
}

/// One scenario's report through the learner's monitor, and its verdict.
fn replay(
    name: &str,
) -> Result<
    (
        lab_monitor::report::Settings,
        ninety_kit::records::monitor::MonitorReport,
    ),
    String,
> {
    let reference: Vec<LoggedPrediction> = read_gz(&fixtures().join("reference.jsonl.gz"))?;
    let dir = fixtures().join(name);
    let predictions: Vec<LoggedPrediction> = read_gz(&dir.join("predictions.jsonl.gz"))?;
    let feedback: Vec<LoggedFeedback> = read_gz(&dir.join("feedback.jsonl.gz"))?;
    let replay: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("replay.json")).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let settings =
        Settings::with_window(replay["scenario"]["window"].as_u64().unwrap_or(200) as usize);
    let labels: Vec<(String, Label)> = feedback
        .into_iter()
        .map(|f| (f.request_id, f.label))
        .collect();
    let mut r = report(&reference, &predictions, &labels, &settings);
    let onset = replay["onset_request"]
        .as_str()
        .and_then(|id| predictions.iter().position(|p| p.request_id == id));
    let within = replay["scenario"]["incident"]["detect_within"]
        .as_u64()
        .map(|w| w as usize);
    let kind = replay["scenario"]["incident"]["kind"]
        .as_str()
        .unwrap_or("none")
        .to_owned();
    r.detection = Some(judge(&r, name, &kind, onset, within));
    Ok((settings, r))
}

fn replayed_scenarios() -> Result<(), String> {
    let mut failed = Vec::new();
    for name in ["stable", "campaign", "html-only", "truncated", "flood"] {
        let (_, r) = replay(name)?;
        let d = r.detection.as_ref().expect("judged above");
        if !d.passed {
            let alerts: Vec<String> = r
                .alerts
                .iter()
                .map(|a| {
                    format!(
                        "{} fired after request {} (onset window {})",
                        a.statistic, a.fired_at, a.onset_window
                    )
                })
                .collect();
            failed.push(format!(
                "`{name}`: incident {} from request {:?}, allowed {:?}; first alert after the onset {:?} after {:?} requests; {} false alarms; alerts: [{}]",
                d.incident,
                d.onset,
                d.detect_within,
                d.first_alert,
                d.delay,
                d.false_alarms,
                alerts.join("; ")
            ));
        }
    }
    let small = small_pool_stable()?;
    if !small.alerts.is_empty() {
        let alerts: Vec<String> = small
            .alerts
            .iter()
            .map(|a| format!("{} fired after request {}", a.statistic, a.fired_at))
            .collect();
        failed.push(format!(
            "`stable` drawn from a pool of {SMALL_POOL} messages, fewer than a window (as on the mini corpus): every alert is a false alarm: [{}]",
            alerts.join("; ")
        ));
    }
    ensure!(
        failed.is_empty(),
        "the monitor missed an incident or raised a false alarm:\n  {}",
        failed.join("\n  ")
    );
    Ok(())
}

/// The size of the mini corpus's test split.
const SMALL_POOL: usize = 53;

/// The stable scenario on a pool smaller than a window, as on the mini
/// corpus (53 test messages, windows of 200): the reference's first 53
/// messages are both the reference and the pool, and the scenario's own
/// plan draws the traffic from them, shuffled round and round, as
/// `ninety replay` does. Copies are bound to fill every window; none of
/// it is an incident.
fn small_pool_stable() -> Result<ninety_kit::records::monitor::MonitorReport, String> {
    let mut reference: Vec<LoggedPrediction> = read_gz(&fixtures().join("reference.jsonl.gz"))?;
    reference.truncate(SMALL_POOL);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/stable.toml");
    let scenario = ninety_kit::scenario::load(&path).map_err(|e| e.to_string())?;
    let pool: Vec<Source> = reference
        .iter()
        .map(|p| Source {
            id: p.request_id.clone(),
            raw: Vec::new(),
            label: if p.spam { Label::Spam } else { Label::Ham },
            period: 1,
            date: None,
            body: String::new(),
        })
        .collect();
    let planned = plan(&scenario, &pool).map_err(|e| e.to_string())?;
    let predictions: Vec<LoggedPrediction> = planned
        .iter()
        .enumerate()
        .map(|(i, request)| {
            let from = reference
                .iter()
                .find(|p| p.request_id == request.source)
                .expect("the plan draws from the pool");
            LoggedPrediction {
                request_id: format!("small-{i}"),
                ..from.clone()
            }
        })
        .collect();
    Ok(report(
        &reference,
        &predictions,
        &[],
        &Settings::with_window(scenario.window),
    ))
}

// BEGIN HIDDEN TESTS
fn hidden_health() -> Result<(), String> {
    let vocabulary: Vocabulary = [7].into_iter().collect();
    let window = vec![logged("a", 5, "text/html", Some("KOI8-R"), &[])];
    let h = health(&window, &vocabulary);
    check_eq!(
        "the health of one HTML message with no tokens in KOI8-R",
        Health {
            messages: 1,
            mean_chars: 5.0,
            empty: 0.0,
            html: 1.0,
            decode: 0.0,
            oov: 0.0,
            repeats: 0.0,
            charsets: BTreeMap::from([("koi8-r".to_owned(), 1.0)]),
        },
        h
    );
    let same = vec![
        logged("a", 1, "text/plain", None, &[7, 8]),
        logged("b", 1, "text/plain", None, &[7, 8]),
        logged("c", 1, "text/plain", None, &[7, 8]),
        logged("d", 1, "text/plain", None, &[8, 7]),
    ];
    let h = health(&same, &vocabulary);
    check_close!(
        "repeats of three copies and a reordered sketch",
        0.5,
        h.repeats
    );
    check_close!("oov of 8 ids, 4 unseen", 0.5, h.oov);
    Ok(())
}

fn hidden_edges() -> Result<(), String> {
    check_close!(
        "PSI with an empty current window",
        psi(&reference(), &[], 10),
        {
            let e = quantile_edges(&reference(), 10);
            let r = shares(&reference(), &e);
            r.iter()
                .map(|r| (FLOOR - r) * (FLOOR / r).ln())
                .sum::<f64>()
        }
    );
    check_close!(
        "PSI of a constant reference",
        0.0,
        psi(&[0.3; 50], &[0.3; 20], 10)
    );
    check_close!(
        "KS of two constant samples apart",
        1.0,
        ks(&[0.2; 5], &[0.7; 3])
    );
    check_close!(
        "KS of equal constant samples",
        0.0,
        ks(&[0.2; 5], &[0.2; 3])
    );
    let zero = Sustained {
        threshold: 0.0,
        windows: 0,
    };
    check_eq!("a rule of zero windows", Some(0), zero.first_alarm(&[0.1]));
    check_eq!("no windows", None, zero.first_alarm(&[]));
    let m = measure(&[], &[("r1".to_owned(), Label::Ham)]);
    check_eq!(
        "feedback with no predictions",
        (0, 1),
        (m.counts.total(), m.unknown)
    );
    Ok(())
}
// END HIDDEN TESTS
