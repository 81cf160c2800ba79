//! The evaluate lab's checks. Run them with `cargo test -p lab-evaluate`, or
//! press `g` on the lab in the workbench.

use lab_evaluate::behaviour::{Case, Expectation, Suite, passes};
use lab_evaluate::calibration::{Bin, Platt, ece, reliability};
use lab_evaluate::gate::{
    Gate, beats, big_enough, constraint_gate, constraint_shown, ready, slices_hold, suites_hold,
};
use lab_evaluate::intervals::{
    Interval, Z95, bootstrap_f1, f1_at, ham_needed, rule_of_three, wilson,
};
use lab_evaluate::slices::{SliceCounts, Sliced, Verdict, judge, slice_counts, verdict};
use lab_evaluate::threshold::{OperatingPoint, Scored, choose, operating_points};
use ninety_grader::{Check, Lab, check_close, check_eq, ensure};
use ninety_kit::rng::Rng;
use std::process::ExitCode;

fn main() -> ExitCode {
    Lab::new("evaluate")
        .check(
            Check::new("threshold.operating_points", 3, points)
                .idea(
                    "Every threshold is a trade: the chapter's 'Thresholds and operating \
                     points' shows how recall and the ham-flagged rate move together as it \
                     falls.",
                )
                .approach(
                    "Order the messages from the highest score down and count spam and ham \
                     as you pass them; a point belongs to each distinct score, once every \
                     message with that score is counted.",
                )
                .hint(
                    "operating_points: sort a copy by score descending (total_cmp), walk it \
                     with running counts, and push a point when the next score differs (or \
                     at the end); recall = caught / all spam, rate = flagged / all ham, 0 \
                     when the denominator is 0",
                ),
        )
        .check(
            Check::new("threshold.choose", 3, choose_threshold)
                .idea(
                    "The spec is an objective plus a constraint: among the thresholds that \
                     lose no more real mail than it allows, catch the most spam.",
                )
                .approach(
                    "Leave out the points over the constraint; of the rest, keep the one with \
                     the most recall, and on a tie the higher threshold; if none is left, \
                     there is no threshold to choose.",
                )
                .hint(
                    "choose: iterate operating_points (highest threshold first), skip \
                     p.ham_flagged_rate > max, and replace the best only when p.recall is \
                     strictly greater",
                ),
        )
        .check(
            Check::new("intervals.wilson", 3, wilson_interval)
                .idea(
                    "A rate measured on a sample is a guess; 'Intervals and sample sizes' \
                     explains why Wilson's interval stays honest when the count is 0.",
                )
                .approach(
                    "Compute the measured proportion, then the centre and half-width of \
                     Wilson's formula as the documentation gives them; keep both ends \
                     within 0 and 1, and answer 0 to 1 when there were no trials.",
                )
                .hint(
                    "wilson: p = k/n, d = 1 + z²/n, centre = (p + z²/2n) / d, half = z/d × \
                     sqrt(p(1-p)/n + z²/4n²); low = max(0, centre - half), high = min(1, \
                     centre + half)",
                ),
        )
        .check(
            Check::new("intervals.rule_of_three", 2, three)
                .idea(
                    "Seeing no false alarm in n ham does not show the rate is zero: only \
                     that it is probably below about 3/n.",
                )
                .approach(
                    "The bound is three over the number of trials, never above one; the \
                     ham needed for a target rate is the smallest count whose bound reaches \
                     it.",
                )
                .hint(
                    "rule_of_three: if n == 0 {1} else {min(3/n, 1)}; ham_needed: \
                     ceil(3 / max_rate), u64::MAX when max_rate <= 0",
                ),
        )
        .check(
            Check::new("gate.decisions", 3, gate_decisions)
                .idea(
                    "A gate passes on evidence, not on a point estimate: the truth must be \
                     on the right side of the line, not only the measurement ('The gate').",
                )
                .approach(
                    "The constraint holds when the interval's top is within the spec's \
                     maximum; the test set is big enough when it has the ham the rule of \
                     three asks for; a baseline is beaten when even the interval's bottom \
                     is above it.",
                )
                .hint(
                    "constraint_shown: wilson(flagged, ham, Z95).high <= max_rate; \
                     big_enough: ham >= ham_needed(max_rate); beats: model.low > \
                     baseline_recall",
                ),
        )
        .check(
            Check::new("intervals.bootstrap_f1", 3, bootstrap)
                .idea(
                    "F1 has no formula for its interval; 'Intervals and sample sizes' shows \
                     how resampling the test set stands in for the test sets you did not \
                     collect.",
                )
                .approach(
                    "Draw as many messages as there are, with replacement, measure F1 on \
                     the draw, repeat; sort the F1s and read the interval off at 2.5% and \
                     97.5%.",
                )
                .hint(
                    "bootstrap_f1: for each draw fill a sample of n indices with \
                     rng.below(n), push f1_at(scored, &sample, threshold); sort with \
                     total_cmp; low = f1s[floor(0.025 × draws)], high = f1s[ceil(0.975 × \
                     draws) - 1]",
                ),
        )
        .check(
            Check::new("calibration.reliability", 3, reliability_table)
                .idea(
                    "Group the messages by what the model said, then compare what it said \
                     with what came true, group by group ('Calibration').",
                )
                .approach(
                    "Each score falls in one of the equal bins (a score of 1 in the last); \
                     keep each bin's count, score total and spam count, and list every bin, \
                     empty ones too.",
                )
                .hint(
                    "reliability: i = min(floor(score × bins), bins - 1); mean_score = \
                     total / count and spam_share = spam / count, both 0 when count is 0; \
                     low = i / bins, high = (i + 1) / bins",
                ),
        )
        .check(
            Check::new("calibration.ece", 2, expected_calibration_error)
                .idea(
                    "One number for the whole table: how far, on average over messages, \
                     the score is from what came true.",
                )
                .approach(
                    "A bin's gap is the distance between its mean score and its share of \
                     spam; a bin with more messages counts for more.",
                )
                .hint("ece: sum of count / total × |mean_score - spam_share|; 0 when total is 0"),
        )
        .check(
            Check::new("calibration.platt", 3, platt_fit)
                .idea(
                    "A model that is too sure of itself can be mended after training with \
                     two numbers fitted on validation; 'Calibration' says why not on test.",
                )
                .approach(
                    "Fit a logistic regression with one input, the score's log-odds, \
                     against Platt's softened targets; the loss is convex, so Newton's \
                     method finds its minimum in a few steps.",
                )
                .hint(
                    "fit: x = log_odds(score), t = (spam+1)/(spam+2) or 1/(ham+2); from (a, \
                     b) = (1, 0), p = logistic(a·x + b), gradient (Σ(p-t)x, Σ(p-t)), \
                     Hessian with w = p(1-p): [[Σwx², Σwx], [Σwx, Σw]]; step by the \
                     Hessian's inverse, halving it while the loss would rise; None for one \
                     class or one distinct score",
                ),
        )
        .check(
            Check::new("slices.counts", 3, slice_counting)
                .idea(
                    "A total can hide a group it fails: count each slice on its own \
                     ('Slices and hidden stratification').",
                )
                .approach(
                    "Every message belongs to one slice along each dimension; keep a tally \
                     per (dimension, value) and list the tallies in order.",
                )
                .hint(
                    "slice_counts: a BTreeMap keyed by (dimension, value); for each message \
                     and each of its keys, count ham / ham flagged or spam / spam caught \
                     (flagged = score >= threshold); collect the map's values",
                ),
        )
        .check(
            Check::new("slices.verdict", 2, slice_verdicts)
                .idea(
                    "A small slice's rate is noisy: say 'breaks' only when the evidence \
                     shows it, and 'suspect' when it only might.",
                )
                .approach(
                    "Compare the slice's interval with the spec's maximum: all of it over \
                     the line is a failure; only the measured rate over it is a warning.",
                )
                .hint(
                    "verdict: NoHam if ham == 0; Breaks if wilson(flagged, ham, Z95).low > \
                     max_rate; Suspect if flagged / ham > max_rate; else Holds",
                ),
        )
        .check(
            Check::new("behaviour.passes", 3, behaviour_cases)
                .idea(
                    "A behavioural test states what should happen and checks it: the \
                     decision a user sees, and how far the score may move \
                     ('Behavioural tests').",
                )
                .approach(
                    "An invariance case keeps its decision and stays near its old score; a \
                     directional case must not fall by more than the tolerance; a written \
                     message gets the label it was written with.",
                )
                .hint(
                    "passes: match (expect, before): Same with before → same side of the \
                     threshold and |after - before| <= tolerance; Up → after >= before - \
                     tolerance; Label(spam) → (after >= threshold) == spam; no before → false",
                ),
        )
        .check(
            Check::new("gate.slices_and_suites", 2, slice_and_suite_gates)
                .idea(
                    "A gate on slices and suites says which failures stop a release: \
                     'The gate' argues for each line.",
                )
                .approach(
                    "The slices hold unless a slice big enough to trust breaks the \
                     constraint; the suites hold when there are some and none is under the \
                     rate.",
                )
                .hint(
                    "slices_hold: no s with s.verdict == Breaks && s.counts.ham >= min_ham; \
                     suites_hold: !suites.is_empty() && every s.rate() >= min_rate",
                ),
        )
        // BEGIN HIDDEN TESTS
        .check(
            Check::new("hidden.edges", 2, hidden_edges)
                .idea(
                    "Evaluation code must hold at its edges: no messages, one class only, \
                     every score the same.",
                )
                .approach(
                    "Work each function by hand on an empty set, on ham only, and on scores \
                     that are all equal, and compare with what its documentation promises.",
                )
                .hint("look again at empty inputs, one class only, and tied scores"),
        )
        .check(
            Check::new("hidden.second_half", 3, hidden_second_half)
                .idea(
                    "The bootstrap's draws, the reliability table's edges, the slices' \
                     order and the behavioural rules must hold exactly as documented.",
                )
                .approach(
                    "Check the order of the bootstrap's draws, a score of exactly 1, a \
                     single bin, a rate exactly at the line, and a case with no score before.",
                )
                .hint("look again at each function's documentation, edge by edge"),
        )
        // END HIDDEN TESTS
        .run()
}

fn scored(spam: bool, score: f64) -> Scored {
    Scored { spam, score }
}

/// Ten messages: spam at 0.9, 0.8, 0.8, 0.6, 0.3; ham at 0.8, 0.5, 0.4,
/// 0.2, 0.1 (in a shuffled order).
fn ten() -> Vec<Scored> {
    vec![
        scored(false, 0.5),
        scored(true, 0.8),
        scored(false, 0.1),
        scored(true, 0.9),
        scored(true, 0.3),
        scored(false, 0.8),
        scored(true, 0.6),
        scored(false, 0.2),
        scored(true, 0.8),
        scored(false, 0.4),
    ]
}

const TEN: &str =
    "the check's ten messages (spam at 0.9, 0.8, 0.8, 0.6, 0.3; ham at 0.8, 0.5, 0.4, 0.2, 0.1)";

fn point(threshold: f64, spam_caught: u64, ham_flagged: u64) -> OperatingPoint {
    OperatingPoint {
        threshold,
        spam_caught,
        ham_flagged,
        recall: spam_caught as f64 / 5.0,
        ham_flagged_rate: ham_flagged as f64 / 5.0,
    }
}

fn points() -> Result<(), String> {
    check_eq!(
        format!("operating_points of {TEN}"),
        vec![
            point(0.9, 1, 0),
            point(0.8, 3, 1),
            point(0.6, 4, 1),
            point(0.5, 4, 2),
            point(0.4, 4, 3),
            point(0.3, 5, 3),
            point(0.2, 5, 4),
            point(0.1, 5, 5),
        ],
        operating_points(&ten())
    );
    check_eq!(
        "operating_points of no messages",
        Vec::<OperatingPoint>::new(),
        operating_points(&[])
    );
    let spam_only = operating_points(&[scored(true, 0.7), scored(true, 0.2)]);
    check_eq!(
        "the ham-flagged rates of two spam and no ham (0 when there is no ham)",
        vec![0.0, 0.0],
        spam_only
            .iter()
            .map(|p| p.ham_flagged_rate)
            .collect::<Vec<_>>()
    );
    Ok(())
}

fn choose_threshold() -> Result<(), String> {
    let t = ten();
    check_eq!(
        format!("choose on {TEN} with at most 20% ham flagged"),
        Some(point(0.6, 4, 1)),
        choose(&t, 0.2)
    );
    check_eq!(
        format!(
            "choose on {TEN} with at most 60% (0.3 flags exactly 60%: a rate at the line meets it)"
        ),
        Some(point(0.3, 5, 3)),
        choose(&t, 0.6)
    );
    check_eq!(
        format!("choose on {TEN} with no ham flagged at all"),
        Some(point(0.9, 1, 0)),
        choose(&t, 0.0)
    );
    check_eq!(
        format!(
            "choose on {TEN} with at most 40% (0.5 catches no more than 0.6: the higher threshold wins)"
        ),
        Some(point(0.6, 4, 1)),
        choose(&t, 0.4)
    );
    let hard = vec![scored(false, 0.9), scored(true, 0.5), scored(false, 0.1)];
    check_eq!(
        "choose when the highest score is ham and the spec allows no ham flagged",
        None,
        choose(&hard, 0.0)
    );
    Ok(())
}

fn wilson_interval() -> Result<(), String> {
    // Values computed independently (Python, the same formula); 0 of 10 and
    // 1 of 10 are the textbook's 0 to 0.2775 and 0.0179 to 0.4042.
    let cases = [
        ((0, 10), (0.0, 0.2775327998628892)),
        ((1, 10), (0.017876213095072868, 0.4041500267952385)),
        ((3, 820), (0.0012449959411983767, 0.010700820472049262)),
        ((0, 1388), (0.0, 0.0027599830399857393)),
        ((310, 323), (0.9323668640463216, 0.9763305853887414)),
        ((10, 10), (0.7224672001371107, 1.0)),
    ];
    for ((k, n), (low, high)) in cases {
        let got = wilson(k, n, Z95);
        check_close!(
            format!("the low end of wilson({k}, {n}, 95%)"),
            low,
            got.low
        );
        check_close!(
            format!("the high end of wilson({k}, {n}, 95%)"),
            high,
            got.high
        );
    }
    check_eq!(
        "wilson(0, 0): no trials, nothing known",
        Interval {
            low: 0.0,
            high: 1.0
        },
        wilson(0, 0, Z95)
    );
    let narrow = wilson(50, 100, 1.0);
    let wide = wilson(50, 100, Z95);
    ensure!(
        narrow.low > wide.low && narrow.high < wide.high,
        "wilson(50, 100) with z = 1 should be narrower than with z = 1.96: got {narrow:?} and {wide:?}"
    );
    Ok(())
}

fn three() -> Result<(), String> {
    check_close!("rule_of_three(820)", 3.0 / 820.0, rule_of_three(820));
    check_close!("rule_of_three(3000)", 0.001, rule_of_three(3000));
    check_close!("rule_of_three(2): never above 1", 1.0, rule_of_three(2));
    check_close!("rule_of_three(0)", 1.0, rule_of_three(0));
    check_eq!("ham_needed(0.001)", 3000, ham_needed(0.001));
    check_eq!(
        "ham_needed(0.004): 750 gives exactly 0.004",
        750,
        ham_needed(0.004)
    );
    check_eq!("ham_needed(0.0007)", 4286, ham_needed(0.0007));
    check_eq!("ham_needed(0.0): never", u64::MAX, ham_needed(0.0));
    Ok(())
}

fn gate_decisions() -> Result<(), String> {
    // 0 of 4,000 ham: the interval's top is 0.096%, under 0.1%.
    ensure!(
        constraint_shown(0, 4000, 0.001),
        "constraint_shown(0 of 4,000 ham, at most 0.1%): the 95% interval reaches only 0.096%, so it is shown"
    );
    ensure!(
        !constraint_shown(0, 1388, 0.001),
        "constraint_shown(0 of 1,388 ham, at most 0.1%): the interval reaches 0.28%, so it is not shown"
    );
    ensure!(
        constraint_shown(3, 820, 0.02),
        "constraint_shown(3 of 820 ham, at most 2%): the interval's top, 1.07%, is under 2%: expected shown"
    );
    ensure!(
        !constraint_shown(3, 820, 0.005),
        "constraint_shown(3 of 820 ham, at most 0.5%): the measured 0.37% is under the line, but the interval reaches 1.07%: expected not shown"
    );
    ensure!(
        big_enough(3000, 0.001) && !big_enough(2999, 0.001),
        "big_enough: 3,000 ham are just enough for 0.1% (3 / 3,000), 2,999 are not"
    );
    let model = Interval {
        low: 0.93,
        high: 0.98,
    };
    ensure!(
        beats(model, 0.92) && !beats(model, 0.93) && !beats(model, 0.95),
        "beats(interval 0.93 to 0.98): expected to beat a baseline at 0.92, not one at 0.93 (the end itself) or 0.95"
    );
    let gates: Vec<Gate> = vec![
        constraint_gate(0, 4000, 0.001),
        constraint_gate(3, 820, 0.001),
    ];
    check_eq!("ready with one gate failing", false, ready(&gates));
    check_eq!("ready with one gate passing", true, ready(&gates[..1]));
    Ok(())
}

/// Eight messages for the reliability table: spam at 1.0, 0.8, 0.6 and
/// 0.25; ham at 0.9, 0.5, 0.2 and 0.1.
fn eight() -> Vec<Scored> {
    vec![
        scored(true, 1.0),
        scored(true, 0.8),
        scored(false, 0.9),
        scored(true, 0.6),
        scored(false, 0.5),
        scored(false, 0.1),
        scored(false, 0.2),
        scored(true, 0.25),
    ]
}

const EIGHT: &str =
    "the check's eight messages (spam at 1.0, 0.8, 0.6, 0.25; ham at 0.9, 0.5, 0.2, 0.1)";

fn bin(low: f64, high: f64, count: u64, mean_score: f64, spam_share: f64) -> Bin {
    Bin {
        low,
        high,
        count,
        mean_score,
        spam_share,
    }
}

fn close_bins(what: &str, expected: &[Bin], got: &[Bin]) -> Result<(), String> {
    check_eq!(
        format!("the number of bins of {what}"),
        expected.len(),
        got.len()
    );
    for (i, (e, g)) in expected.iter().zip(got).enumerate() {
        check_eq!(format!("bin {i}'s count in {what}"), e.count, g.count);
        check_close!(format!("bin {i}'s low end in {what}"), e.low, g.low);
        check_close!(format!("bin {i}'s high end in {what}"), e.high, g.high);
        check_close!(
            format!("bin {i}'s mean score in {what}"),
            e.mean_score,
            g.mean_score
        );
        check_close!(
            format!("bin {i}'s spam share in {what}"),
            e.spam_share,
            g.spam_share
        );
    }
    Ok(())
}

fn reliability_table() -> Result<(), String> {
    close_bins(
        &format!("reliability of {EIGHT} in 4 bins (0.25 is in the second bin, 1.0 in the last)"),
        &[
            bin(0.0, 0.25, 2, 0.15, 0.0),
            bin(0.25, 0.5, 1, 0.25, 1.0),
            bin(0.5, 0.75, 2, 0.55, 0.5),
            bin(0.75, 1.0, 3, 0.9, 2.0 / 3.0),
        ],
        &reliability(&eight(), 4),
    )?;
    let ten_bins = reliability(&[scored(true, 0.93), scored(false, 0.07)], 10);
    close_bins(
        "reliability of a spam at 0.93 and a ham at 0.07 in 10 bins (empty bins listed)",
        &(0..10)
            .map(|i| {
                let (low, high) = (i as f64 / 10.0, (i + 1) as f64 / 10.0);
                match i {
                    0 => bin(low, high, 1, 0.07, 0.0),
                    9 => bin(low, high, 1, 0.93, 1.0),
                    _ => bin(low, high, 0, 0.0, 0.0),
                }
            })
            .collect::<Vec<_>>(),
        &ten_bins,
    )?;
    check_eq!(
        "the counts of reliability of no messages in 3 bins",
        vec![0, 0, 0],
        reliability(&[], 3)
            .iter()
            .map(|b| b.count)
            .collect::<Vec<_>>()
    );
    Ok(())
}

fn expected_calibration_error() -> Result<(), String> {
    let table = [
        bin(0.0, 0.25, 2, 0.15, 0.0),
        bin(0.25, 0.5, 1, 0.25, 1.0),
        bin(0.5, 0.75, 2, 0.55, 0.5),
        bin(0.75, 1.0, 3, 0.9, 2.0 / 3.0),
    ];
    check_close!(
        format!(
            "ece of the 4-bin reliability table of {EIGHT}: (2 × 0.15 + 1 × 0.75 + 2 × 0.05 + 3 × 0.2333) / 8"
        ),
        0.23125,
        ece(&table)
    );
    let honest = [bin(0.0, 0.5, 4, 0.25, 0.25), bin(0.5, 1.0, 6, 0.5, 0.5)];
    check_close!(
        "ece of a table whose bins come true exactly as often as they say",
        0.0,
        ece(&honest)
    );
    let with_empty = [bin(0.0, 0.5, 0, 0.0, 0.0), bin(0.5, 1.0, 5, 0.8, 0.6)];
    check_close!(
        "ece of a table with an empty bin and one bin of 5 at 0.8 that came true 60% of the time",
        0.2,
        ece(&with_empty)
    );
    check_close!("ece of an empty table", 0.0, ece(&[]));
    Ok(())
}

fn platt_fit() -> Result<(), String> {
    // Computed independently (gradient descent in Python on the same loss).
    let overconfident = vec![
        scored(true, 0.99),
        scored(true, 0.97),
        scored(true, 0.95),
        scored(true, 0.9),
        scored(true, 0.8),
        scored(true, 0.6),
        scored(false, 0.7),
        scored(false, 0.4),
        scored(false, 0.2),
        scored(false, 0.1),
        scored(false, 0.05),
        scored(false, 0.01),
    ];
    let close = |what: &str, expected: (f64, f64), got: Option<Platt>| -> Result<(), String> {
        let Some(p) = got else {
            return Err(format!("Platt::fit of {what}: expected a fit, got None"));
        };
        ensure!(
            (p.a - expected.0).abs() < 1e-6 && (p.b - expected.1).abs() < 1e-6,
            "Platt::fit of {what}: expected a = {:.6}, b = {:.6}, got a = {:.6}, b = {:.6}",
            expected.0,
            expected.1,
            p.a,
            p.b
        );
        Ok(())
    };
    close(
        "six spam (0.99, 0.97, 0.95, 0.9, 0.8, 0.6) and six ham (0.7, 0.4, 0.2, 0.1, 0.05, 0.01)",
        (0.6503524147370658, -0.2899021310602842),
        Platt::fit(&overconfident),
    )?;
    let separated = vec![
        scored(true, 1.0),
        scored(true, 0.999),
        scored(true, 0.98),
        scored(false, 0.02),
        scored(false, 0.0),
        scored(false, 0.001),
    ];
    close(
        "three spam (1.0, 0.999, 0.98) and three ham (0.02, 0.0, 0.001): perfectly separated, Platt's targets keep the slope finite",
        (0.1445688585703085, 0.0),
        Platt::fit(&separated),
    )?;
    check_eq!(
        "Platt::fit of spam only",
        None,
        Platt::fit(&[scored(true, 0.9), scored(true, 0.3)])
    );
    check_eq!(
        "Platt::fit when every score is 0.5",
        None,
        Platt::fit(&[scored(true, 0.5), scored(false, 0.5)])
    );
    // A model that says 95% for mail that is spam 7 times in 10 (and 5%
    // for mail that is spam 3 times in 10): calibrating it lowers its ece.
    let sure: Vec<Scored> = (0..10)
        .map(|i| scored(i < 7, 0.95))
        .chain((0..10).map(|i| scored(i < 3, 0.05)))
        .collect();
    let fitted =
        Platt::fit(&sure).ok_or("Platt::fit of twenty messages at two scores gave None")?;
    let calibrated: Vec<Scored> = sure
        .iter()
        .map(|s| scored(s.spam, fitted.apply(s.score)))
        .collect();
    let (raw, after) = (
        ece(&reliability(&sure, 10)),
        ece(&reliability(&calibrated, 10)),
    );
    ensure!(
        after < 0.05 && raw > 0.2,
        "ten messages at 0.95 (7 spam) and ten at 0.05 (3 spam), calibrated with their own Platt fit: expected their ece (10 bins) to fall from 0.25 to under 0.05, got {raw:.4} before and {after:.4} after"
    );
    Ok(())
}

fn bootstrap() -> Result<(), String> {
    let right: Vec<Scored> = (0..12)
        .map(|i| scored(i < 8, if i < 8 { 0.9 } else { 0.1 }))
        .collect();
    check_eq!(
        "bootstrap_f1 of twelve messages all decided right (8 spam at 0.9, 4 ham at 0.1), at 0.5, 200 draws",
        Interval {
            low: 1.0,
            high: 1.0
        },
        bootstrap_f1(&right, 0.5, 200, &mut Rng::new(1))
    );
    check_eq!(
        "bootstrap_f1 of no messages",
        Interval {
            low: 0.0,
            high: 0.0
        },
        bootstrap_f1(&[], 0.5, 200, &mut Rng::new(1))
    );
    let t = ten();
    let everything: Vec<usize> = (0..t.len()).collect();
    let point = f1_at(&t, &everything, 0.5);
    let once = bootstrap_f1(&t, 0.5, 500, &mut Rng::new(7));
    let again = bootstrap_f1(&t, 0.5, 500, &mut Rng::new(7));
    check_eq!(
        format!("bootstrap_f1 of {TEN} twice with seed 7 (the same seed, the same interval)"),
        once,
        again
    );
    ensure!(
        once.low < point && point < once.high && once.low > 0.0 && once.high <= 1.0,
        "bootstrap_f1 of {TEN} at 0.5: expected an interval around its F1 of {point:.3}, got {once:?}"
    );
    let many: Vec<Scored> = (0..40).flat_map(|_| ten()).collect();
    let wide = bootstrap_f1(&t, 0.5, 500, &mut Rng::new(7));
    let narrow = bootstrap_f1(&many, 0.5, 500, &mut Rng::new(7));
    ensure!(
        narrow.high - narrow.low < (wide.high - wide.low) / 2.0,
        "bootstrap_f1 of the ten messages 40 times over should be much narrower than of the ten once: {narrow:?} against {wide:?}"
    );
    Ok(())
}

fn sliced(keys: &[(&str, &str)], spam: bool, score: f64) -> Sliced {
    Sliced {
        keys: keys
            .iter()
            .map(|(d, v)| ((*d).to_owned(), (*v).to_owned()))
            .collect(),
        spam,
        score,
    }
}

fn counts(dimension: &str, value: &str, c: [u64; 4]) -> SliceCounts {
    SliceCounts {
        dimension: dimension.into(),
        value: value.into(),
        ham: c[0],
        ham_flagged: c[1],
        spam: c[2],
        spam_caught: c[3],
    }
}

fn slice_counting() -> Result<(), String> {
    let html = ("format", "html-only");
    let plain = ("format", "plain");
    let (short, long) = (("length", "short"), ("length", "long"));
    let messages = vec![
        sliced(&[plain, short], false, 0.2),
        sliced(&[html, long], false, 0.7),
        sliced(&[html, short], true, 0.9),
        sliced(&[plain, long], true, 0.4),
        sliced(&[html, short], false, 0.5),
        sliced(&[plain, short], true, 0.6),
    ];
    check_eq!(
        "slice_counts at 0.5 of six messages along format (html-only, plain) and length (short, long), as [ham, ham flagged, spam, spam caught]",
        vec![
            counts("format", "html-only", [2, 2, 1, 1]),
            counts("format", "plain", [1, 0, 2, 1]),
            counts("length", "long", [1, 1, 1, 0]),
            counts("length", "short", [2, 1, 2, 2]),
        ],
        slice_counts(&messages, 0.5)
    );
    check_eq!(
        "slice_counts of no messages",
        Vec::<SliceCounts>::new(),
        slice_counts(&[], 0.5)
    );
    Ok(())
}

fn slice_verdicts() -> Result<(), String> {
    check_eq!(
        "verdict of 5 of 40 ham flagged against at most 1% (the interval starts at 5.5%)",
        Verdict::Breaks,
        verdict(5, 40, 0.01)
    );
    check_eq!(
        "verdict of 1 of 40 ham flagged against at most 1% (2.5% measured, but the interval reaches 0.44%)",
        Verdict::Suspect,
        verdict(1, 40, 0.01)
    );
    check_eq!(
        "verdict of 0 of 40 ham flagged against at most 1%",
        Verdict::Holds,
        verdict(0, 40, 0.01)
    );
    check_eq!(
        "verdict of a slice with no ham",
        Verdict::NoHam,
        verdict(0, 0, 0.01)
    );
    check_eq!(
        "verdict of 2 of 100 ham flagged against at most 2% (exactly at the line holds)",
        Verdict::Holds,
        verdict(2, 100, 0.02)
    );
    let judged = judge(
        &[
            sliced(&[("format", "plain")], false, 0.1),
            sliced(&[("format", "html-only")], false, 0.9),
        ],
        0.5,
        0.01,
    );
    check_eq!(
        "the first slice judge lists for a plain ham not flagged and an HTML-only ham flagged",
        "html-only",
        judged[0].counts.value.as_str()
    );
    Ok(())
}

fn case(expect: Expectation, before: Option<f64>, after: f64) -> Case {
    Case {
        suite: "s".into(),
        name: "m".into(),
        expect,
        before,
        after,
    }
}

fn behaviour_cases() -> Result<(), String> {
    let (t, tol) = (0.5, 0.1);
    let table = [
        (
            "Same, 0.30 → 0.35",
            case(Expectation::Same, Some(0.3), 0.35),
            true,
        ),
        (
            "Same, 0.30 → 0.45 (moved 0.15)",
            case(Expectation::Same, Some(0.3), 0.45),
            false,
        ),
        (
            "Same, 0.45 → 0.52 (crossed the threshold)",
            case(Expectation::Same, Some(0.45), 0.52),
            false,
        ),
        (
            "Same, 0.52 → 0.45 (crossed down)",
            case(Expectation::Same, Some(0.52), 0.45),
            false,
        ),
        (
            "Same, 0.90 → 0.80 (moved exactly the tolerance)",
            case(Expectation::Same, Some(0.9), 0.8),
            true,
        ),
        (
            "Up, 0.30 → 0.25",
            case(Expectation::Up, Some(0.3), 0.25),
            true,
        ),
        (
            "Up, 0.30 → 0.15 (fell 0.15)",
            case(Expectation::Up, Some(0.3), 0.15),
            false,
        ),
        (
            "Up, 0.30 → 0.90",
            case(Expectation::Up, Some(0.3), 0.9),
            true,
        ),
        (
            "Label(spam), 0.70",
            case(Expectation::Label(true), None, 0.7),
            true,
        ),
        (
            "Label(spam), 0.40",
            case(Expectation::Label(true), None, 0.4),
            false,
        ),
        (
            "Label(ham), 0.40",
            case(Expectation::Label(false), None, 0.4),
            true,
        ),
        (
            "Label(ham), 0.50 (at the threshold is flagged)",
            case(Expectation::Label(false), None, 0.5),
            false,
        ),
        (
            "Same with no score before",
            case(Expectation::Same, None, 0.3),
            false,
        ),
    ];
    for (what, c, expected) in table {
        check_eq!(
            format!("passes({what}) at threshold 0.5, tolerance 0.1"),
            expected,
            passes(&c, t, tol)
        );
    }
    Ok(())
}

fn suite(passed: u64, total: u64) -> Suite {
    Suite {
        name: "s".into(),
        kind: "same".into(),
        passed,
        total,
        failures: Vec::new(),
    }
}

fn slice_and_suite_gates() -> Result<(), String> {
    let messages: Vec<Sliced> = (0..40)
        .map(|i| {
            sliced(
                &[("format", "html-only")],
                false,
                if i < 5 { 0.9 } else { 0.1 },
            )
        })
        .chain(
            (0..10).map(|i| sliced(&[("format", "plain")], false, if i < 3 { 0.9 } else { 0.1 })),
        )
        .collect();
    let judged = judge(&messages, 0.5, 0.01);
    check_eq!(
        "slices_hold with an HTML-only slice of 40 ham, 5 flagged (breaks), and at least 30 ham needed",
        false,
        slices_hold(&judged, 30)
    );
    check_eq!(
        "slices_hold with the same slices and at least 41 ham needed (the broken slices are too small)",
        true,
        slices_hold(&judged, 41)
    );
    let suspect = judge(
        &messages[..40].iter().skip(4).cloned().collect::<Vec<_>>(),
        0.5,
        0.01,
    );
    check_eq!(
        "slices_hold with one slice of 36 ham, 1 flagged (suspect, not broken)",
        true,
        slices_hold(&suspect, 30)
    );
    check_eq!(
        "suites_hold with suites at 9/10 and 10/10, at least 90% needed",
        true,
        suites_hold(&[suite(9, 10), suite(10, 10)], 0.9)
    );
    check_eq!(
        "suites_hold with suites at 10/10 and 8/10, at least 90% needed",
        false,
        suites_hold(&[suite(10, 10), suite(8, 10)], 0.9)
    );
    check_eq!("suites_hold with no suites", false, suites_hold(&[], 0.9));
    Ok(())
}

// BEGIN HIDDEN TESTS
fn hidden_edges() -> Result<(), String> {
    check_eq!("choose on no messages", None, choose(&[], 0.5));
    let tied = vec![scored(true, 0.5), scored(false, 0.5), scored(true, 0.5)];
    check_eq!(
        "operating_points when every score is 0.5: one point",
        1,
        operating_points(&tied).len()
    );
    let ham_only = operating_points(&[scored(false, 0.3)]);
    check_close!(
        "the recall of ham only (0 when there is no spam)",
        0.0,
        ham_only[0].recall
    );
    check_close!(
        "the high end of wilson(0, 1, 95%)",
        0.7934506856227626,
        wilson(0, 1, Z95).high
    );
    Ok(())
}
fn hidden_second_half() -> Result<(), String> {
    // The bootstrap's draws in the documented order.
    let t = ten();
    let mut rng = Rng::new(3);
    let mut f1s: Vec<f64> = (0..40)
        .map(|_| {
            let sample: Vec<usize> = (0..t.len()).map(|_| rng.below(t.len())).collect();
            f1_at(&t, &sample, 0.5)
        })
        .collect();
    f1s.sort_by(f64::total_cmp);
    check_eq!(
        "bootstrap_f1 of the ten messages, 40 draws, seed 3: the draws at index 1 and 38",
        Interval {
            low: f1s[1],
            high: f1s[38]
        },
        bootstrap_f1(&t, 0.5, 40, &mut Rng::new(3))
    );
    check_eq!(
        "bootstrap_f1 with no draws",
        Interval {
            low: 0.0,
            high: 0.0
        },
        bootstrap_f1(&t, 0.5, 0, &mut Rng::new(3))
    );
    let one_bin = reliability(&[scored(true, 1.0), scored(false, 0.0)], 1);
    check_eq!("reliability with one bin: its count", 2, one_bin[0].count);
    check_eq!(
        "reliability with no bins",
        0,
        reliability(&eight(), 0).len()
    );
    check_eq!(
        "verdict of 1 of 10 ham against at most 10% (exactly at the line holds)",
        Verdict::Holds,
        verdict(1, 10, 0.1)
    );
    check_eq!(
        "verdict of 0 of 50 ham flagged when the spec allows none at all (the interval starts at 0, which is not over 0)",
        Verdict::Holds,
        verdict(0, 50, 0.0)
    );
    check_eq!(
        "passes(Up with no score before)",
        false,
        passes(&case(Expectation::Up, None, 0.9), 0.5, 0.1)
    );
    check_eq!(
        "passes(Label(ham) with a score before that was flagged, after 0.2)",
        true,
        passes(&case(Expectation::Label(false), Some(0.9), 0.2), 0.5, 0.1)
    );
    check_eq!(
        "suites_hold with an empty suite (nothing failed)",
        true,
        suites_hold(&[suite(0, 0)], 0.9)
    );
    let counted = slice_counts(&[sliced(&[("b", "x"), ("a", "y")], true, 0.5)], 0.5);
    check_eq!(
        "slice_counts of one spam at exactly the threshold, keyed b=x and a=y: dimensions in order, and caught",
        vec![
            counts("a", "y", [0, 0, 1, 1]),
            counts("b", "x", [0, 0, 1, 1])
        ],
        counted
    );
    Ok(())
}
// END HIDDEN TESTS
