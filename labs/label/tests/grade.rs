//! The label lab's checks. Run them with `cargo test -p lab-label`, or press
//! `g` on the lab in the workbench. `fixtures/` holds two annotators' label
//! logs over the same fifty messages, with a kappa worked out by hand.

use Choice::{Ham, Spam, Unsure};
use lab_label::agreement::{agreement, learning_curve, paired};
use lab_label::errors::{Labeled, Why, suspects};
use lab_label::queue::{Candidate, Order, by_uncertainty, queue, shuffled, stratified};
use ninety_grader::{Check, Lab};
use ninety_kit::labels::{Choice, read_log, replay};
use ninety_kit::rng::Rng;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    Lab::new("label")
        .check(
            Check::new("agreement.table_and_observed", 2, table_and_observed).hint(
                "agreement: count each (first, second) pair in \
                 table[first.index()][second.index()], rows for the first rater; \
                 observed is the sum of the diagonal over the number of pairs",
            ),
        )
        .check(Check::new("agreement.kappa", 3, kappa_values).hint(
            "agreement: expected is the sum over the three labels of the first rater's \
             share of it times the second rater's share (row total / n × column total \
             / n); kappa = (observed - expected) / (1 - expected)",
        ))
        .check(
            Check::new("agreement.undefined_kappa", 2, undefined_kappa).hint(
                "agreement: with no pairs, return zeros and kappa None before \
                 dividing by n; when expected is 1 (both raters gave one and the \
                 same label to everything), kappa is None too, never NaN or infinity",
            ),
        )
        .check(Check::new("agreement.paired_items", 2, paired_items).hint(
            "paired: walk the first map, a BTreeMap already in id order, and keep each \
             id the second map also has, with the first map's label then the second's",
        ))
        .check(Check::new("agreement.two_logs", 3, two_logs).hint(
            "replay both fixture logs with the kit, line up their current \
             labels with paired and compare them with agreement: the kappa \
             worked out by hand is 0.4, so fix the agreement checks above first",
        ))
        .check(Check::new("queue.fair_shuffle", 3, fair_shuffle).hint(
            "shuffled: start from 0..n, then Fisher–Yates: for i from n-1 \
             down to 1, swap positions i and rng.below(i + 1); draw nothing \
             else from rng, so that the same seed gives the same order",
        ))
        .check(
            Check::new("queue.stratified_shares", 3, stratified_shares).hint(
                "stratified: group the indices by stratum in a BTreeMap (a fixed order) and \
                 shuffle each group with your shuffled(); then at pick k, among the strata with \
                 k·m > taken·n, take the one whose next message is due soonest, the smallest \
                 (taken + 1)·n/m (compare by cross-multiplying; ties go to the first stratum)",
            ),
        )
        .check(
            Check::new("queue.least_certain_first", 2, least_certain_first).hint(
                "by_uncertainty: sort the indices by |score - 0.5| with a \
                 stable sort (sort_by with f64::total_cmp), so that ties \
                 keep their input order; count a NaN score as infinitely far",
            ),
        )
        .check(
            Check::new("errors.model_and_annotators", 3, model_and_annotators).hint(
                "suspects: skip unsure labels; a ham label with score >= confidence, or a spam \
                 label with score <= 1 - confidence, is a Model reason; a strict majority of \
                 at least two other spam or ham labels against it (unsure ones do not count) \
                 is an Annotators reason; the model's reason comes first",
            ),
        )
        .check(
            Check::new("errors.strongest_first", 2, strongest_first).hint(
                "suspects: sort the suspects by number of reasons (more first), then the \
                 model's distance from 0.5 (larger first, 0 without a model reason), then id",
            ),
        )
        // BEGIN HIDDEN TESTS
        .check(
            Check::new("hidden.kappa_with_unsure", 2, hidden_unsure)
                .hint("look again at tables where one rater uses unsure and the other never does"),
        )
        .check(
            Check::new("hidden.queue_edges", 2, hidden_queue_edges)
                .hint("look again at empty inputs, one stratum, and scores of exactly 0.5"),
        )
        // END HIDDEN TESTS
        .run()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// The fixture's fifty items as pairs: 20 both spam, 15 both ham, 5 where
/// the first said spam and the second ham, 10 the other way round.
fn fifty() -> Vec<(Choice, Choice)> {
    let mut pairs = Vec::new();
    pairs.extend(std::iter::repeat_n((Spam, Spam), 20));
    pairs.extend(std::iter::repeat_n((Ham, Ham), 15));
    pairs.extend(std::iter::repeat_n((Spam, Ham), 5));
    pairs.extend(std::iter::repeat_n((Ham, Spam), 10));
    pairs
}

fn table_and_observed() {
    let a = agreement(&fifty());
    assert_eq!(a.items, 50);
    assert_eq!(
        a.table,
        [[20, 5, 0], [10, 15, 0], [0, 0, 0]],
        "rows are the first rater"
    );
    assert!(close(a.observed, 0.7), "observed {}", a.observed);
    let b = agreement(&[(Unsure, Spam), (Unsure, Unsure)]);
    assert_eq!(b.table, [[0, 0, 0], [0, 0, 0], [1, 0, 1]]);
    assert!(close(b.observed, 0.5));
}

fn kappa_values() {
    // Worked by hand: first rater spam 25/50, second 30/50;
    // expected = 0.5·0.6 + 0.5·0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4.
    let a = agreement(&fifty());
    assert!(close(a.expected, 0.5), "expected {}", a.expected);
    assert!(close(a.kappa.unwrap(), 0.4), "kappa {:?}", a.kappa);
    // Perfect agreement with two labels in use is kappa 1.
    let perfect = agreement(&[(Spam, Spam), (Ham, Ham), (Ham, Ham)]);
    assert!(close(perfect.kappa.unwrap(), 1.0));
    // Agreement exactly at chance is kappa 0, however high it looks: both
    // raters call 90% ham, independently.
    let mut chance = Vec::new();
    chance.extend(std::iter::repeat_n((Ham, Ham), 81));
    chance.extend(std::iter::repeat_n((Ham, Spam), 9));
    chance.extend(std::iter::repeat_n((Spam, Ham), 9));
    chance.push((Spam, Spam));
    let c = agreement(&chance);
    assert!(close(c.observed, 0.82));
    assert!(close(c.kappa.unwrap(), 0.0), "kappa {:?}", c.kappa);
    // Worse than chance is negative.
    let worse = agreement(&[(Spam, Ham), (Ham, Spam)]);
    assert!(close(worse.kappa.unwrap(), -1.0));
}

fn undefined_kappa() {
    let empty = agreement(&[]);
    assert_eq!((empty.items, empty.kappa), (0, None));
    assert_eq!(empty.observed, 0.0);
    let same = agreement(&[(Ham, Ham), (Ham, Ham)]);
    assert_eq!(
        same.kappa, None,
        "both raters used only ham: kappa is undefined"
    );
    assert!(close(same.observed, 1.0));
    assert!(close(same.expected, 1.0));
}

fn map(entries: &[(&str, Choice)]) -> std::collections::BTreeMap<String, Choice> {
    entries.iter().map(|&(k, c)| (k.to_owned(), c)).collect()
}

fn paired_items() {
    let a = map(&[("c", Spam), ("a", Ham), ("d", Unsure)]);
    let b = map(&[("a", Spam), ("b", Ham), ("c", Spam)]);
    assert_eq!(
        paired(&a, &b),
        vec![("a".to_owned(), Ham, Spam), ("c".to_owned(), Spam, Spam)]
    );
    assert!(paired(&a, &map(&[])).is_empty());
}

fn two_logs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut decisions = Vec::new();
    for who in ["ana", "bob"] {
        let (records, problems) = read_log(&dir.join(format!("{who}.jsonl"))).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        decisions.extend(records);
    }
    let all = replay(&decisions);
    let pairs = paired(&all["ana"].labels, &all["bob"].labels);
    assert_eq!(
        pairs.len(),
        50,
        "50 items both labeled (a skip is no label; m99 is only bob's)"
    );
    let choices: Vec<(Choice, Choice)> = pairs.iter().map(|(_, a, b)| (*a, *b)).collect();
    let a = agreement(&choices);
    assert!(close(a.kappa.unwrap(), 0.4), "kappa {:?}", a.kappa);
    // The learning curve is built on agreement: windows of 25.
    let curve = learning_curve(&choices, 25);
    assert_eq!(curve.len(), 2);
    assert!(close(curve[0].observed, 1.0));
}

fn is_permutation(order: &[usize], n: usize) -> bool {
    let mut seen = vec![false; n];
    order.len() == n
        && order
            .iter()
            .all(|&i| i < n && !std::mem::replace(&mut seen[i], true))
}

fn fair_shuffle() {
    let a = shuffled(100, &mut Rng::new(7));
    assert!(is_permutation(&a, 100), "every index exactly once");
    assert_eq!(
        a,
        shuffled(100, &mut Rng::new(7)),
        "the same seed, the same order"
    );
    assert_ne!(
        a,
        shuffled(100, &mut Rng::new(8)),
        "another seed, another order"
    );
    assert_ne!(a, (0..100).collect::<Vec<_>>());
    assert!(shuffled(0, &mut Rng::new(1)).is_empty());
    // Each of 4 items comes first about a quarter of the time.
    let mut first = [0usize; 4];
    let mut rng = Rng::new(42);
    for _ in 0..4000 {
        first[shuffled(4, &mut rng)[0]] += 1;
    }
    assert!(
        first.iter().all(|&c| (880..=1120).contains(&c)),
        "first positions {first:?}"
    );
    // And the last of 3 items lands in each place equally often.
    let mut place = [0usize; 3];
    for _ in 0..3000 {
        let o = shuffled(3, &mut rng);
        place[o.iter().position(|&i| i == 2).unwrap()] += 1;
    }
    assert!(
        place.iter().all(|&c| (880..=1120).contains(&c)),
        "places of item 2 {place:?}"
    );
}

/// Checks that every prefix of `order` holds each stratum within less than
/// one of its share.
fn assert_shares(strata: &[String], order: &[usize]) {
    assert!(
        is_permutation(order, strata.len()),
        "every index exactly once"
    );
    let n = strata.len() as f64;
    let mut names: Vec<&String> = strata.iter().collect();
    names.sort();
    names.dedup();
    for name in names {
        let m = strata.iter().filter(|s| *s == name).count() as f64;
        let mut taken = 0.0;
        for (k, &i) in order.iter().enumerate() {
            if &strata[i] == name {
                taken += 1.0;
            }
            let share = (k + 1) as f64 * m / n;
            assert!(
                (taken - share).abs() < 1.0 - 1e-9,
                "after {} picks, {name} taken {taken} times, its share is {share:.3}",
                k + 1
            );
        }
    }
}

fn stratified_shares() {
    // 60 spam/1, 30 ham/1, 9 ham/2, 1 spam/2, mixed up in the input.
    let mut strata = Vec::new();
    for i in 0..100 {
        strata.push(
            match i % 10 {
                0..=5 => "spam/1",
                6..=8 => "ham/1",
                _ if i == 99 => "spam/2",
                _ => "ham/2",
            }
            .to_owned(),
        );
    }
    let order = stratified(&strata, &mut Rng::new(3));
    assert_shares(&strata, &order);
    assert_eq!(order, stratified(&strata, &mut Rng::new(3)));
    // Within a stratum the order is shuffled, not the input order.
    let spam: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| strata[i] == "spam/1")
        .collect();
    assert!(
        spam.windows(2).any(|w| w[0] > w[1]),
        "spam/1 came out in input order"
    );
    // Eight strata of uneven sizes, where always taking the stratum furthest
    // behind its share drifts past one.
    let sizes = [1, 19, 1, 1, 3, 3, 19, 5];
    let uneven: Vec<String> = sizes
        .iter()
        .enumerate()
        .flat_map(|(s, &m)| std::iter::repeat_n(format!("s{s}"), m))
        .collect();
    assert_shares(&uneven, &stratified(&uneven, &mut Rng::new(9)));
}

fn least_certain_first() {
    let scores = [0.9, 0.45, 0.55, 0.02, f64::NAN, 0.5, 0.7];
    assert_eq!(by_uncertainty(&scores), vec![5, 1, 2, 6, 0, 3, 4]);
    // The queue takes any scorer: a closure will do.
    let candidates: Vec<Candidate> = ["sure spam", "maybe", "sure ham"]
        .iter()
        .map(|t| Candidate {
            id: t.to_string(),
            stratum: "x".into(),
            text: t.to_string(),
        })
        .collect();
    let scorer = |text: &str| match text {
        "sure spam" => 0.99,
        "maybe" => 0.52,
        _ => 0.03,
    };
    assert_eq!(
        queue(&candidates, Order::Uncertain, 0, &scorer),
        vec![1, 2, 0]
    );
}

fn item(id: &str, label: Choice, score: Option<f64>, others: &[Choice]) -> Labeled {
    Labeled {
        id: id.into(),
        label,
        score,
        others: others.to_vec(),
    }
}

fn model_and_annotators() {
    let items = [
        item("a", Ham, Some(0.95), &[]),               // model says spam
        item("b", Spam, Some(0.05), &[]),              // model says ham
        item("c", Ham, Some(0.85), &[]),               // not confident enough
        item("d", Unsure, Some(0.99), &[Ham, Ham]),    // unsure claims nothing
        item("e", Spam, None, &[Ham, Ham, Spam]),      // 2 of 3 others say ham
        item("f", Spam, None, &[Ham]),                 // one other is too few
        item("g", Spam, None, &[Ham, Spam]),           // a tie is no majority
        item("h", Ham, None, &[Spam, Unsure, Unsure]), // unsure others do not count
        item("i", Ham, Some(0.9), &[]),                // exactly at the line counts
    ];
    let found = suspects(&items, 0.9);
    let mut ids: Vec<&str> = found.iter().map(|s| s.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["a", "b", "e", "i"]);
    let e = found.iter().find(|s| s.id == "e").unwrap();
    assert_eq!(e.why, vec![Why::Annotators { against: 2, of: 3 }]);
    let a = found.iter().find(|s| s.id == "a").unwrap();
    assert_eq!(a.why, vec![Why::Model { score: 0.95 }]);
}

fn strongest_first() {
    let items = [
        item("z", Spam, None, &[Ham, Ham]),
        item("y", Ham, Some(0.93), &[]),
        item("x", Ham, Some(0.995), &[]),
        item("w", Ham, Some(0.91), &[Spam, Spam, Ham]),
        item("v", Spam, Some(0.01), &[]),
    ];
    let order: Vec<String> = suspects(&items, 0.9).into_iter().map(|s| s.id).collect();
    assert_eq!(order, ["w", "x", "v", "y", "z"]);
}

// BEGIN HIDDEN TESTS
fn hidden_unsure() {
    let a = agreement(&[(Spam, Spam), (Ham, Ham), (Unsure, Ham), (Unsure, Spam)]);
    assert_eq!(a.table[2], [1, 1, 0]);
    assert!(close(a.observed, 0.5));
    // first: spam .25 ham .25 unsure .5; second: spam .5 ham .5 unsure 0.
    assert!(close(a.expected, 0.25));
    assert!(close(a.kappa.unwrap(), (0.5 - 0.25) / 0.75));
}

fn hidden_queue_edges() {
    assert!(stratified(&[], &mut Rng::new(1)).is_empty());
    let one = vec!["a".to_owned(); 5];
    assert!(is_permutation(&stratified(&one, &mut Rng::new(1)), 5));
    assert_eq!(by_uncertainty(&[0.5, 0.5, 0.4]), vec![0, 1, 2]);
    assert!(by_uncertainty(&[]).is_empty());
}
// END HIDDEN TESTS
