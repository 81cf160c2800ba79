//! The monitor lab's checks. Run them with `cargo test -p lab-monitor`, or
//! press `g` on the lab in the workbench.
//!
//! The expected statistics were computed apart from this code: the KS
//! statistics and the Jensen-Shannon divergence with SciPy (`ks_2samp`,
//! `jensenshannon(..., base=2)` squared), PSI and Page-Hinkley with NumPy
//! written from their definitions.

use lab_monitor::detect::{PageHinkley, Sustained};
use lab_monitor::drift::{FLOOR, js, ks, psi, quantile_edges, shares};
use lab_monitor::estimate::{Expected, Served, estimate, measure};
use ninety_grader::{Check, Lab, check_close, check_eq, ensure};
use ninety_kit::Label;
use ninety_kit::metrics::Counts;
use std::collections::HashMap;
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
                    "Turn each count table into shares; for every token in either, add half \
                     of p·log2(p/m) and half of q·log2(q/m), m the average share, a zero \
                     share adding nothing.",
                )
                .hint(
                    "js: totals np, nq (both 0 → 0, one 0 → 1); for k in keys of p and of q \
                     not in p: a = p[k]/np, b = q[k]/nq, m = (a+b)/2, total += 0.5·t(a, m) + \
                     0.5·t(b, m) with t(x, m) = if x > 0 {{ x·log2(x/m) }} else {{ 0 }}",
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
        // BEGIN HIDDEN TESTS
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

fn counts(pairs: &[(&str, u64)]) -> HashMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn jensen_shannon() -> Result<(), String> {
    let p = counts(&[("a", 3), ("b", 1)]);
    let q = counts(&[("a", 1), ("c", 2), ("b", 1)]);
    check_close!(
        "JS of {a: 3, b: 1} and {a: 1, c: 2, b: 1}",
        0.34436093777043364,
        js(&p, &q)
    );
    check_close!("JS is symmetric", js(&p, &q), js(&q, &p));
    check_close!("JS of a table with itself", 0.0, js(&q, &q));
    check_close!(
        "JS of tables with no token in common",
        1.0,
        js(&counts(&[("x", 5)]), &counts(&[("y", 2), ("z", 9)]))
    );
    check_close!(
        "JS of two empty tables",
        0.0,
        js::<String>(&HashMap::new(), &HashMap::new())
    );
    check_close!("JS with one empty table", 1.0, js(&p, &HashMap::new()));
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

fn served(id: &str, spam: bool, probability: f64) -> Served {
    Served {
        request_id: id.to_owned(),
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

// BEGIN HIDDEN TESTS
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
