//! The label lab's checks. Run them with `cargo test -p lab-label`, or press
//! `g` on the lab in the workbench. `fixtures/` holds two annotators' label
//! logs over the same fifty messages, with a kappa worked out by hand.

use Choice::{Ham, Spam, Unsure};
use lab_label::agreement::{agreement, learning_curve, paired};
use lab_label::errors::{Labeled, Why, suspects};
use lab_label::queue::{Candidate, Order, by_uncertainty, queue, shuffled, stratified};
use ninety_grader::{Check, Lab, check_close, check_eq, ensure};
use ninety_kit::labels::{Choice, read_log, replay};
use ninety_kit::rng::Rng;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    Lab::new("label")
        .check(
            Check::new("agreement.table_and_observed", 2, table_and_observed)
                .idea(
                    "Agreement starts from a table of counts, a row for each label the first \
                     annotator gave and a column for each the second gave, as in the chapter's \
                     section 'Observed agreement'. The diagonal holds the agreements, and unsure \
                     is a third label with its own row and column.",
                )
                .approach(
                    "Make a three-by-three table of counts, rows for the first rater and columns \
                     for the second, in the order spam, ham, unsure. For each item, find the cell \
                     where the first rater's label meets the second's and add one. Then add up \
                     the cells where the two labels are the same and divide by the number of \
                     items.",
                )
                .hint(
                    "agreement: count each (first, second) pair in \
                     table[first.index()][second.index()], rows for the first rater; observed is \
                     the sum of the diagonal over the number of pairs",
                ),
        )
        .check(
            Check::new("agreement.kappa", 3, kappa_values)
                .idea(
                    "Raw agreement includes what chance alone would give. Cohen's kappa, worked \
                     by hand in the chapter's section 'Cohen's kappa, by hand', measures how far \
                     observed agreement rises above chance, as a share of the distance from \
                     chance to perfect.",
                )
                .approach(
                    "Work from the table. For each of the three labels, find the share of items \
                     each rater gave it (one rater's from the rows, the other's from the \
                     columns), and combine those shares into the agreement two raters labeling \
                     independently would reach by chance. Then express how far observed agreement \
                     rises above that level as a share of the room left between chance and \
                     perfect. The chapter's fifty-item example should come out at 0.4.",
                )
                .hint(
                    "agreement: expected is the sum over the three labels of the first rater's \
                     share of it times the second rater's share (row total / n × column total / \
                     n); kappa = (observed - expected) / (1 - expected)",
                ),
        )
        .check(
            Check::new("agreement.undefined_kappa", 2, undefined_kappa)
                .idea(
                    "Some kappas have no value: with no items, or when both raters gave every \
                     item one and the same label, the formula is zero over zero, and the \
                     chapter's 'What kappa does not tell you' asks for 'undefined' rather than a \
                     number that looks like a finding.",
                )
                .approach(
                    "Deal with the case of no items before anything divides by their number: the \
                     table is empty, both agreements are zero, and there is no kappa. Once chance \
                     agreement is known, check whether it is exactly one, which happens only when \
                     both raters used the same single label throughout, and give no kappa then \
                     either instead of dividing by zero.",
                )
                .hint(
                    "agreement: with no pairs, return zeros and kappa None before dividing by n; \
                     when expected is 1 (both raters gave one and the same label to everything), \
                     kappa is None too, never NaN or infinity",
                ),
        )
        .check(
            Check::new("agreement.paired_items", 2, paired_items)
                .idea(
                    "Agreement can only be computed on messages both annotators labeled, as the \
                     chapter's section 'Choosing an order' points out: pairing lines up two \
                     raters' current labels on exactly those messages.",
                )
                .approach(
                    "Keep only the ids that both raters labeled, in id order, each with the first \
                     rater's label followed by the second's. An id that only one of them labeled \
                     drops out, whichever of the two it belongs to.",
                )
                .hint(
                    "paired: walk the first map, a BTreeMap already in id order, and keep each id \
                     the second map also has, with the first map's label then the second's",
                ),
        )
        .check(
            Check::new("agreement.two_logs", 3, two_logs)
                .idea(
                    "This is the chapter's worked example of Ana and Bob run end to end from \
                     their label logs: replayed decisions, the items both labeled, and the kappa \
                     of 0.4 from 'Cohen's kappa, by hand'. It passes once pairing and agreement \
                     are right.",
                )
                .approach(
                    "Get the other agreement checks passing first: this one feeds the fixture \
                     logs through your pairing and your agreement, and the given learning curve \
                     calls your agreement again on windows of the same pairs. If it still fails, \
                     check that pairing keeps only the items both annotators labeled (a skipped \
                     message has no label), and compare your table with the one in the chapter.",
                )
                .hint(
                    "this check replays both fixture logs with the kit, lines up their current \
                     labels with your paired and compares them with your agreement: the kappa \
                     worked out by hand is 0.4, so fix the agreement checks above first",
                ),
        )
        .check(
            Check::new("queue.fair_shuffle", 3, fair_shuffle)
                .idea(
                    "A random queue gives a random sample only if the shuffle is fair, every \
                     order equally likely, and reproducible from its seed, so that two annotators \
                     get the same first messages to compare; the chapter's section 'Random order' \
                     describes the method.",
                )
                .approach(
                    "Start from the indices in order. Walk from the last position down to the \
                     second, and at each position swap it with a position drawn uniformly from \
                     the start up to and including itself. Draw from the generator you are given, \
                     once per step and for nothing else, so the same seed always gives the same \
                     order. Drawing from the whole range at every step is the classic unfair \
                     variant.",
                )
                .hint(
                    "shuffled: start from 0..n, then Fisher–Yates: for i from n-1 down to 1, swap \
                     positions i and rng.below(i + 1); draw nothing else from rng, so that the \
                     same seed gives the same order",
                ),
        )
        .check(
            Check::new("queue.stratified_shares", 3, stratified_shares)
                .idea(
                    "A stratified queue is a miniature of the pool at every prefix: wherever an \
                     annotator stops, each stratum has appeared in its share, within less than \
                     one message ('Stratified order'). Always taking the stratum furthest behind \
                     its share is not quite enough.",
                )
                .approach(
                    "Group the candidates by stratum in a fixed order, by name, and shuffle each \
                     group with your fair shuffle. Then build the queue one pick at a time. Think \
                     of each stratum's next member as a job that may not start before the \
                     stratum's share reaches what it has already given, and must be done by the \
                     pick where its share reaches one more. At each pick, among the strata \
                     allowed to give, take the one due soonest, comparing whole numbers rather \
                     than fractions and breaking ties by stratum order.",
                )
                .hint(
                    "stratified: group the indices by stratum in a BTreeMap (a fixed order) and \
                     shuffle each group with your shuffled(); then at pick k, among the strata \
                     with k·m > taken·n, take the one whose next message is due soonest, the \
                     smallest (taken + 1)·n/m (compare by cross-multiplying; ties go to the first \
                     stratum)",
                ),
        )
        .check(
            Check::new("queue.least_certain_first", 2, least_certain_first)
                .idea(
                    "Uncertainty sampling, in the chapter's section 'Least certain first', puts \
                     first the messages the scorer is least sure of, those scored closest to 0.5, \
                     where one label settles what the model cannot.",
                )
                .approach(
                    "Order the indices by how far each score lies from one half, smallest \
                     distance first. Use a sort that keeps equal distances in their input order, \
                     and treat a score that is not a number as further away than any real score, \
                     so that it goes last.",
                )
                .hint(
                    "by_uncertainty: sort the indices by |score - 0.5| with a stable sort \
                     (sort_by with f64::total_cmp), so that ties keep their input order; count a \
                     NaN score as infinitely far",
                ),
        )
        .check(
            Check::new("errors.model_and_annotators", 3, model_and_annotators)
                .idea(
                    "Two kinds of evidence point at a label worth a second look, as the chapter's \
                     'Finding label errors' explains: a confident model that disagrees, or a \
                     majority of other annotators who do. An unsure label claims nothing, so it \
                     is never suspect.",
                )
                .approach(
                    "Leave unsure labels out. For a spam or ham label, the model is evidence when \
                     its score points to the other class at least as confidently as the \
                     threshold, a score exactly on the line included. Other annotators are \
                     evidence when at least two of them gave spam or ham and more than half of \
                     those gave the other label; their unsure labels count for no one, and a tie \
                     is no majority. Record how many disagreed out of how many counted, and put \
                     the model's reason first.",
                )
                .hint(
                    "suspects: skip unsure labels; a ham label with score >= confidence, or a \
                     spam label with score <= 1 - confidence, is a Model reason; a strict \
                     majority of at least two other spam or ham labels against it (unsure ones do \
                     not count) is an Annotators reason; the model's reason comes first",
                ),
        )
        .check(
            Check::new("errors.strongest_first", 2, strongest_first)
                .idea(
                    "A suspect list is a list for people to review, so it comes strongest first \
                     and in a stable order: the chapter's 'Finding label errors' ranks two kinds \
                     of evidence above one, and then the more confident model above the less.",
                )
                .approach(
                    "Decide the order in three steps, each settling the ties of the one before: \
                     how much evidence there is, then how far from undecided the model was (a \
                     suspect flagged only by annotators adds nothing here), then something unique \
                     to each suspect, so the order never depends on the order of the input.",
                )
                .hint(
                    "suspects: sort the suspects by number of reasons (more first), then the \
                     model's distance from 0.5 (larger first, 0 without a model reason), then id",
                ),
        )
        // BEGIN HIDDEN TESTS
        .check(
            Check::new("hidden.kappa_with_unsure", 2, hidden_unsure)
                .idea(
                    "Unsure is a third label with its own row and column, as the chapter's \
                     section 'Ambiguity and the unsure label' says: it takes part in the table, \
                     in each rater's shares and in chance agreement like any other label.",
                )
                .approach(
                    "Go through each step of your agreement, the table, each rater's shares and \
                     chance agreement, and make sure it covers all three labels rather than the \
                     two that carry a verdict, whichever labels each rater happened to use; then \
                     check a small mixed example against a hand calculation.",
                )
                .hint("look again at tables where one rater uses unsure and the other never does"),
        )
        .check(
            Check::new("hidden.queue_edges", 2, hidden_queue_edges)
                .idea(
                    "The queue orders must hold for any pool they are given: the promises of the \
                     chapter's 'Stratified order' and 'Least certain first' apply to the smallest \
                     and plainest pools as much as to the corpus.",
                )
                .approach(
                    "Run your stratified and least-certain orders by hand on the smallest and \
                     most uniform inputs you can think of, and on scores that tie, and check that \
                     each still returns every index exactly once, in the order the doc comments \
                     promise, without dividing by zero or panicking.",
                )
                .hint("look again at empty inputs, one stratum, and scores of exactly 0.5"),
        )
        // END HIDDEN TESTS
        .run()
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

/// How the fifty pairs read in a failure message.
const FIFTY: &str = "50 pairs (20 spam/spam, 15 ham/ham, 5 spam/ham, 10 ham/spam)";

fn table_and_observed() -> Result<(), String> {
    let a = agreement(&fifty());
    check_eq!(format!("the items of {FIFTY}"), 50, a.items);
    check_eq!(
        format!(
            "the table of {FIFTY} (rows are the first rater, columns the second, in the order spam, ham, unsure)"
        ),
        [[20, 5, 0], [10, 15, 0], [0, 0, 0]],
        a.table
    );
    check_close!(
        format!("the observed agreement of {FIFTY}"),
        0.7,
        a.observed
    );
    let pairs = [(Unsure, Spam), (Unsure, Unsure)];
    let b = agreement(&pairs);
    check_eq!(
        format!("the table of {pairs:?}"),
        [[0, 0, 0], [0, 0, 0], [1, 0, 1]],
        b.table
    );
    check_close!(
        format!("the observed agreement of {pairs:?}"),
        0.5,
        b.observed
    );
    Ok(())
}

fn kappa_values() -> Result<(), String> {
    // Worked by hand: first rater spam 25/50, second 30/50;
    // expected = 0.5·0.6 + 0.5·0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4.
    let a = agreement(&fifty());
    check_close!(format!("the chance agreement of {FIFTY}"), 0.5, a.expected);
    check_close!(format!("the kappa of {FIFTY}"), Some(0.4), a.kappa);
    // Perfect agreement with two labels in use is kappa 1.
    let pairs = [(Spam, Spam), (Ham, Ham), (Ham, Ham)];
    check_close!(
        format!("the kappa of {pairs:?}"),
        Some(1.0),
        agreement(&pairs).kappa
    );
    // Agreement exactly at chance is kappa 0, however high it looks: both
    // raters call 90% ham, independently.
    let mut chance = Vec::new();
    chance.extend(std::iter::repeat_n((Ham, Ham), 81));
    chance.extend(std::iter::repeat_n((Ham, Spam), 9));
    chance.extend(std::iter::repeat_n((Spam, Ham), 9));
    chance.push((Spam, Spam));
    let c = agreement(&chance);
    let at_chance = "100 pairs (81 ham/ham, 9 ham/spam, 9 spam/ham, 1 spam/spam)";
    check_close!(
        format!("the observed agreement of {at_chance}"),
        0.82,
        c.observed
    );
    check_close!(format!("the kappa of {at_chance}"), Some(0.0), c.kappa);
    // Worse than chance is negative.
    let pairs = [(Spam, Ham), (Ham, Spam)];
    check_close!(
        format!("the kappa of {pairs:?}"),
        Some(-1.0),
        agreement(&pairs).kappa
    );
    Ok(())
}

fn undefined_kappa() -> Result<(), String> {
    let empty = agreement(&[]);
    check_eq!("the items of no pairs", 0, empty.items);
    check_close!("the kappa of no pairs", None, empty.kappa);
    check_close!("the observed agreement of no pairs", 0.0, empty.observed);
    let pairs = [(Ham, Ham), (Ham, Ham)];
    let same = agreement(&pairs);
    check_close!(
        format!("the kappa of {pairs:?} (both raters used only ham: kappa is undefined)"),
        None,
        same.kappa
    );
    check_close!(
        format!("the observed agreement of {pairs:?}"),
        1.0,
        same.observed
    );
    check_close!(
        format!("the chance agreement of {pairs:?}"),
        1.0,
        same.expected
    );
    Ok(())
}

fn map(entries: &[(&str, Choice)]) -> std::collections::BTreeMap<String, Choice> {
    entries.iter().map(|&(k, c)| (k.to_owned(), c)).collect()
}

fn paired_items() -> Result<(), String> {
    let a = map(&[("c", Spam), ("a", Ham), ("d", Unsure)]);
    let b = map(&[("a", Spam), ("b", Ham), ("c", Spam)]);
    check_eq!(
        format!("paired({a:?}, {b:?})"),
        vec![("a".to_owned(), Ham, Spam), ("c".to_owned(), Spam, Spam)],
        paired(&a, &b)
    );
    check_eq!(
        format!("paired({a:?}, {{}})"),
        Vec::<(String, Choice, Choice)>::new(),
        paired(&a, &map(&[]))
    );
    Ok(())
}

fn two_logs() -> Result<(), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut decisions = Vec::new();
    for who in ["ana", "bob"] {
        let path = dir.join(format!("{who}.jsonl"));
        let (records, problems) = read_log(&path).map_err(|e| e.to_string())?;
        ensure!(
            problems.is_empty(),
            "the fixture {} has problems: {problems:?}",
            path.display()
        );
        decisions.extend(records);
    }
    let all = replay(&decisions);
    let pairs = paired(&all["ana"].labels, &all["bob"].labels);
    check_eq!(
        "the items both ana and bob labeled in fixtures/ (a skip is no label; m99 is only bob's)",
        50,
        pairs.len()
    );
    let choices: Vec<(Choice, Choice)> = pairs.iter().map(|(_, a, b)| (*a, *b)).collect();
    check_close!(
        "the kappa of ana and bob",
        Some(0.4),
        agreement(&choices).kappa
    );
    // The learning curve is built on agreement: windows of 25.
    let curve = learning_curve(&choices, 25);
    check_eq!(
        "the windows of 25 in a learning curve of 50 items",
        2,
        curve.len()
    );
    check_close!(
        "the observed agreement of ana and bob's first 25 items",
        1.0,
        curve[0].observed
    );
    Ok(())
}

fn is_permutation(order: &[usize], n: usize) -> bool {
    let mut seen = vec![false; n];
    order.len() == n
        && order
            .iter()
            .all(|&i| i < n && !std::mem::replace(&mut seen[i], true))
}

fn fair_shuffle() -> Result<(), String> {
    let a = shuffled(100, &mut Rng::new(7));
    ensure!(
        is_permutation(&a, 100),
        "for shuffled(100, seed 7): expected every index from 0 to 99 exactly once, got {a:?}"
    );
    check_eq!(
        "shuffled(100) twice with seed 7 (the same seed, the same order)",
        a,
        shuffled(100, &mut Rng::new(7))
    );
    ensure!(
        a != shuffled(100, &mut Rng::new(8)),
        "for shuffled(100) with seeds 7 and 8: expected two orders, got the same one: the order must come from the rng"
    );
    ensure!(
        a != (0..100).collect::<Vec<_>>(),
        "for shuffled(100, seed 7): expected a shuffled order, got 0 to 99 in order"
    );
    check_eq!(
        "shuffled(0)",
        Vec::<usize>::new(),
        shuffled(0, &mut Rng::new(1))
    );
    // Each of 4 items comes first about a quarter of the time.
    let mut first = [0usize; 4];
    let mut rng = Rng::new(42);
    for _ in 0..4000 {
        first[shuffled(4, &mut rng)[0]] += 1;
    }
    ensure!(
        first.iter().all(|&c| (880..=1120).contains(&c)),
        "for 4000 shuffles of 4 items: expected each item first about 1000 times (880 to 1120), got {first:?}: some orders come up more often than others"
    );
    // And the last of 3 items lands in each place equally often.
    let mut place = [0usize; 3];
    for _ in 0..3000 {
        let o = shuffled(3, &mut rng);
        place[o.iter().position(|&i| i == 2).unwrap_or(0)] += 1;
    }
    ensure!(
        place.iter().all(|&c| (880..=1120).contains(&c)),
        "for 3000 shuffles of 3 items: expected item 2 in each place about 1000 times (880 to 1120), got {place:?}"
    );
    Ok(())
}

/// Checks that every prefix of `order` holds each stratum within less than
/// one of its share.
fn check_shares(strata: &[String], order: &[usize]) -> Result<(), String> {
    ensure!(
        is_permutation(order, strata.len()),
        "for stratified() of {} items: expected every index exactly once, got {order:?}",
        strata.len()
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
            ensure!(
                (taken - share).abs() < 1.0 - 1e-9,
                "for stratified() of {} items: after {} picks, expected {name} within one of its share {share:.3}, got it {taken} times",
                strata.len(),
                k + 1
            );
        }
    }
    Ok(())
}

fn stratified_shares() -> Result<(), String> {
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
    check_shares(&strata, &order)?;
    check_eq!(
        "stratified() twice with seed 3 (the same seed, the same order)",
        order,
        stratified(&strata, &mut Rng::new(3))
    );
    // Within a stratum the order is shuffled, not the input order.
    let spam: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| strata[i] == "spam/1")
        .collect();
    ensure!(
        spam.windows(2).any(|w| w[0] > w[1]),
        "for stratified() of 100 items: expected the spam/1 items shuffled, got them in input order"
    );
    // Eight strata of uneven sizes, where always taking the stratum furthest
    // behind its share drifts past one.
    let sizes = [1, 19, 1, 1, 3, 3, 19, 5];
    let uneven: Vec<String> = sizes
        .iter()
        .enumerate()
        .flat_map(|(s, &m)| std::iter::repeat_n(format!("s{s}"), m))
        .collect();
    check_shares(&uneven, &stratified(&uneven, &mut Rng::new(9)))
}

fn least_certain_first() -> Result<(), String> {
    let scores = [0.9, 0.45, 0.55, 0.02, f64::NAN, 0.5, 0.7];
    check_eq!(
        format!("by_uncertainty({scores:?})"),
        vec![5, 1, 2, 6, 0, 3, 4],
        by_uncertainty(&scores)
    );
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
    check_eq!(
        "queue(Uncertain) of \"sure spam\" 0.99, \"maybe\" 0.52, \"sure ham\" 0.03",
        vec![1, 2, 0],
        queue(&candidates, Order::Uncertain, 0, &scorer)
    );
    Ok(())
}

fn item(id: &str, label: Choice, score: Option<f64>, others: &[Choice]) -> Labeled {
    Labeled {
        id: id.into(),
        label,
        score,
        others: others.to_vec(),
    }
}

fn model_and_annotators() -> Result<(), String> {
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
        item("j", Spam, Some(0.15), &[]),              // not confident enough
    ];
    let input = "suspects(.., 0.9) of the ten items a to j in the check";
    let found = suspects(&items, 0.9);
    let mut ids: Vec<&str> = found.iter().map(|s| s.id.as_str()).collect();
    ids.sort();
    check_eq!(format!("the ids of {input}"), ["a", "b", "e", "i"], ids);
    let why = |id: &str| found.iter().find(|s| s.id == id).map(|s| s.why.clone());
    check_eq!(
        format!("why e, labeled spam while others said ham, ham, spam, is a suspect in {input}"),
        Some(vec![Why::Annotators { against: 2, of: 3 }]),
        why("e")
    );
    check_eq!(
        format!("why a, labeled ham with a model score of 0.95, is a suspect in {input}"),
        Some(vec![Why::Model { score: 0.95 }]),
        why("a")
    );
    Ok(())
}

fn strongest_first() -> Result<(), String> {
    let items = [
        item("z", Spam, None, &[Ham, Ham]),
        item("y", Ham, Some(0.93), &[]),
        item("x", Ham, Some(0.995), &[]),
        item("w", Ham, Some(0.91), &[Spam, Spam, Ham]),
        item("v", Spam, Some(0.01), &[]),
    ];
    let order: Vec<String> = suspects(&items, 0.9).into_iter().map(|s| s.id).collect();
    check_eq!(
        "the order of suspects(.., 0.9) of z (2 of 2 others disagree), y (0.93), x (0.995), w (0.91 and 2 of 3 others), v (0.01)",
        ["w", "x", "v", "y", "z"],
        order
    );
    Ok(())
}

// BEGIN HIDDEN TESTS
fn hidden_unsure() -> Result<(), String> {
    let pairs = [(Spam, Spam), (Ham, Ham), (Unsure, Ham), (Unsure, Spam)];
    let a = agreement(&pairs);
    check_eq!(
        format!("the unsure row of the table of {pairs:?}"),
        [1, 1, 0],
        a.table[2]
    );
    check_close!(
        format!("the observed agreement of {pairs:?}"),
        0.5,
        a.observed
    );
    // first: spam .25 ham .25 unsure .5; second: spam .5 ham .5 unsure 0.
    check_close!(
        format!("the chance agreement of {pairs:?}"),
        0.25,
        a.expected
    );
    check_close!(
        format!("the kappa of {pairs:?}"),
        Some((0.5 - 0.25) / 0.75),
        a.kappa
    );
    Ok(())
}

fn hidden_queue_edges() -> Result<(), String> {
    check_eq!(
        "stratified() of no items",
        Vec::<usize>::new(),
        stratified(&[], &mut Rng::new(1))
    );
    let one = vec!["a".to_owned(); 5];
    let order = stratified(&one, &mut Rng::new(1));
    ensure!(
        is_permutation(&order, 5),
        "for stratified() of five items in one stratum: expected every index exactly once, got {order:?}"
    );
    check_eq!(
        "by_uncertainty([0.5, 0.5, 0.4]) (ties keep their order)",
        vec![0, 1, 2],
        by_uncertainty(&[0.5, 0.5, 0.4])
    );
    check_eq!(
        "by_uncertainty([])",
        Vec::<usize>::new(),
        by_uncertainty(&[])
    );
    Ok(())
}
// END HIDDEN TESTS
