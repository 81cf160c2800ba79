//! The evaluate lab's checks. Run them with `cargo test -p lab-evaluate`, or
//! press `g` on the lab in the workbench.

use lab_evaluate::gate::{Gate, beats, big_enough, constraint_gate, constraint_shown, ready};
use lab_evaluate::intervals::{Interval, Z95, ham_needed, rule_of_three, wilson};
use lab_evaluate::threshold::{OperatingPoint, Scored, choose, operating_points};
use ninety_grader::{Check, Lab, check_close, check_eq, ensure};
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
// END HIDDEN TESTS
