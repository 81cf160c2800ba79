//! The train lab's checks. Run them with `cargo test -p lab-train`, or press
//! `g` on the lab in the workbench. The model checks train on the CPU with
//! burn's flex backend; they take a few seconds.

use burn::backend::{Autodiff, Flex};
use burn::optim::AdamConfig;
use lab_train::features::{bag, bucket, sequence, tokenize};
use lab_train::fit::{Encoded, FitConfig, fit, predict};
use lab_train::judge::{
    Interval, Paired, Verdict, bootstrap_gap, f1_gap, mcnemar, twins_across, verdict,
};
use lab_train::metrics::Metrics;
use lab_train::model::{Batch, Classifier, FastTextConfig};
use lab_train::split::{Example, Split, dedupe, random_split, stratified, time_split};
use lab_train::step::train_step;
use ninety_grader::{Check, Lab, check_close, check_eq, ensure};
use ninety_kit::Label;
use ninety_kit::rng::Rng;
use std::collections::{HashMap, HashSet};
use std::process::ExitCode;

type Cpu = Flex;

fn main() -> ExitCode {
    Lab::new("train")
        .check(
            Check::new("split.dedupe_keeps_first", 2, keeps_first)
                .idea(
                    "Two copies of one message, one on each side of the split, let the test \
                     reward memory. The chapter's section 'Duplicates across the split' says \
                     why the first copy is the one to keep.",
                )
                .approach(
                    "Go through the examples in order, remembering the dedup keys already \
                     met; keep an example only when its key is new, and return the kept \
                     positions in the order you met them.",
                )
                .hint(
                    "dedupe: walk the examples in order with a HashSet of the keys seen so \
                     far (insert returns false for a key already there): the first copy wins",
                ),
        )
        .check(
            Check::new("split.stratified_shares", 3, stratified_shares)
                .idea(
                    "Every part of the split should hold the pool's share of spam, and the \
                     same seed should give the same split: 'Stratification and seeds'.",
                )
                .approach(
                    "Split each label on its own, spam first: shuffle that label's members \
                     with the generator, cut the valid share off the front, then the test \
                     share, and train on the rest; put the labels' parts together, sorted.",
                )
                .hint(
                    "stratified: per label, spam first and then ham: collect the \
                     pool's indices with that label, Fisher–Yates them with rng.below, \
                     cut round(n × valid) for valid and then round(n × test) for test \
                     off the front, and the rest trains; sort each part at the end",
                ),
        )
        .check(
            Check::new("split.random_no_leak_seeded", 3, random_no_leak)
                .idea(
                    "A random split is leak-free only when duplicates go before the split, \
                     and reproducible only when its randomness comes from the seed.",
                )
                .approach(
                    "Remove the duplicates first, then split what is left with the \
                     stratified split, its generator made from the seed.",
                )
                .hint(
                    "random_split: dedupe first, then stratified \
                     over the kept indices with Rng::new(seed)",
                ),
        )
        .check(
            Check::new("split.by_time", 3, by_time)
                .idea(
                    "A model is used on mail that comes after the mail it learned from; the \
                     chapter's section 'Time' judges it the same way.",
                )
                .approach(
                    "Remove the duplicates; the earlier period alone is split into train and \
                     valid (no test share); everything from the later period, in order, is \
                     the test set.",
                )
                .hint(
                    "time_split: dedupe first; the kept examples of period 1 go \
                     through stratified with a test share of 0 and Rng::new(seed); the \
                     kept examples of any later period, in order, are the test set",
                ),
        )
        .check(
            Check::new("features.tokens", 2, tokens)
                .idea(
                    "A model reads numbers, so text first becomes tokens: the section \
                     'Tokens' says which runs of characters count, and why $ and ! do.",
                )
                .approach(
                    "Read the text one character at a time, growing a word while the \
                     characters are letters or digits (lowercased); anything else ends the \
                     word, and a dollar or an exclamation mark becomes a token of its own.",
                )
                .hint(
                    "tokenize: one pass over the chars: a letter or digit (is_alphanumeric) \
                     extends the current word, lowercased; any other char ends it, and a '$' \
                     or '!' is then pushed as a token of its own; push the last word too",
                ),
        )
        .check(
            Check::new("features.fnv1a_buckets", 2, fnv)
                .idea(
                    "The hashing trick gives every token a number with no vocabulary to \
                     keep: 'The hashing trick' explains why the hash must be stable across \
                     runs and machines.",
                )
                .approach(
                    "Start from the offset basis; for each byte of the token, mix the byte \
                     in and then multiply by the prime, letting the number wrap around; the \
                     bucket is what is left over after dividing by the number of buckets.",
                )
                .hint(
                    "bucket: start from the offset basis; for each byte, xor \
                     it in, then multiply by the prime with wrapping_mul; \
                     the bucket is the hash modulo buckets, as a u32",
                ),
        )
        .check(
            Check::new("features.bag_and_sequence", 3, bag_and_sequence)
                .idea(
                    "The two models read text differently: a bag of words counts tokens and \
                     forgets their order, a sequence keeps pairs of neighbours too ('Bags and \
                     sequences').",
                )
                .approach(
                    "For the bag, count each bucket once, in ascending order, and scale the \
                     counts to length 1. For the sequence, for each of the first tokens give \
                     its bucket and then, from the second token on, the bucket of it joined \
                     to the one before; weigh every id equally.",
                )
                .hint(
                    "bag: count the buckets in a BTreeMap (ascending for free), then divide each \
                     count by the square root of the sum of the squared counts; sequence: for each \
                     of the first max_tokens tokens push its bucket, then, from the second token \
                     on, the bucket of \"previous current\"; every weight is 1 / the number of ids",
                ),
        )
        .check(
            Check::new("step.loss_goes_down", 4, loss_goes_down)
                .time_limit(std::time::Duration::from_secs(60))
                .idea(
                    "Every training loop repeats one step: forward, loss, backward, update \
                     ('The training step and the loop'). Done right, the loss on a batch \
                     goes down step after step.",
                )
                .approach(
                    "Get the model's logits for the batch, measure them against the labels \
                     with binary cross-entropy on logits, keep the loss's value before \
                     backpropagating, turn the gradients into the optimizer's form, and let \
                     the optimizer take one step at the learning rate.",
                )
                .hint(
                    "train_step: take the model's logits for the batch; build a \
                     BinaryCrossEntropyLossConfig with logits on, init it on the logits' own \
                     device (logits.device(): the step has no device argument), and apply it \
                     against batch.labels; read its value as an f32 before backward() consumes it; \
                     turn loss.backward() into GradientsParams for the model; then one \
                     optimizer.step at the learning rate",
                ),
        )
        .check(
            Check::new("stage.learns_the_toy_corpus", 3, learns_toy)
                .time_limit(std::time::Duration::from_secs(120))
                .idea(
                    "The split, the features and the step together must let a model learn: \
                     an easy corpus is a test of the whole chain, not of one part.",
                )
                .approach(
                    "When this is the only check failing, train on the toy corpus in your \
                     head: does every example reach the model, with its label, in its own \
                     part of the split? Look at the check's message for the part that fails.",
                )
                .hint(
                    "with your split, features and step, the fastText-style model must \
                     separate an easy toy corpus: check each of them first",
                ),
        )
        .check(
            Check::new("judge.twins_across", 2, twins)
                .idea(
                    "A leak is measurable: count the test messages whose twin was in \
                     training. The leakage experiment ('Duplicates across the split') \
                     reports this number beside the F1 it flatters.",
                )
                .approach(
                    "Gather the dedup keys of the training part; then count the test \
                     examples whose key is among them. Validation examples are not \
                     training, and each test example counts once however many twins it has.",
                )
                .hint(
                    "twins_across: a HashSet<&str> of examples[i].key for i in split.train, \
                     then split.test.iter().filter(|&&i| set.contains(..)).count()",
                ),
        )
        .check(
            Check::new("judge.mcnemar", 3, mcnemar_counts_and_p)
                .idea(
                    "Two models judged on the same messages differ only where they \
                     disagree; 'Two models, a few messages apart' asks whether those \
                     disagreements split more unevenly than a fair coin would.",
                )
                .approach(
                    "Count the messages only the first model gets right and those only the \
                     second does; the p-value is twice the chance of the smaller count or \
                     fewer heads in that many fair tosses, never above 1, and 1 when they \
                     never disagree. Sum the binomial terms without overflowing.",
                )
                .hint(
                    "mcnemar: a right = (a == spam); a_only counts a right && !b right; \
                     with n = a_only + b_only and k = min, add C(n, i) / 2^n for i in 0..=k \
                     in logs (ln C grows by ln((n - i + 1) / i)), then p = min(1, 2 × sum)",
                ),
        )
        .check(
            Check::new("judge.bootstrap_interval", 3, bootstrap_interval)
                .idea(
                    "One test set gives one F1 gap; resampling the test set shows how far \
                     that gap could have moved by luck: the bootstrap of 'Two models, a few \
                     messages apart', on both models at once.",
                )
                .approach(
                    "Many times over, draw as many messages as the test set has, with \
                     replacement, the same draw for both models, and record the gap on the \
                     draw; sort the gaps and read off the ones 2.5% and 97.5% of the way up.",
                )
                .hint(
                    "bootstrap_gap: for each of draws, a Vec of n indices from rng.below(n), \
                     then f1_gap(pairs, sample.iter().copied()); sort with f64::total_cmp; \
                     low = gaps[floor(0.025 × draws)], high = gaps[ceil(0.975 × draws) - 1]",
                ),
        )
        .check(
            Check::new("judge.verdict", 1, verdict_reads_the_interval)
                .idea(
                    "A difference is real only when the luck of the test set cannot explain \
                     it: when zero is outside the interval of the gap.",
                )
                .approach(
                    "If the whole interval is above zero the first model is better; if all \
                     of it is below, the second; otherwise, zero included at an end, the \
                     test set cannot tell them apart.",
                )
                .hint(
                    "verdict: gap.low > 0.0 → ABetter, gap.high < 0.0 → BBetter, else \
                     NoClearDifference",
                ),
        )
        // BEGIN HIDDEN TESTS
        .check(
            Check::new("hidden.split_edges", 2, hidden_edges)
                .idea(
                    "A split must behave at the edges too: no examples, or a pool with \
                     only one label.",
                )
                .approach(
                    "Work each function by hand on an empty input and on a pool of one \
                     label, and compare with what its documentation promises.",
                )
                .hint("look again at empty inputs and a pool with one label only"),
        )
        .check(
            Check::new("hidden.judge_edges", 2, hidden_judge_edges)
                .idea(
                    "The judge must hold at its edges: no messages, a single draw, no \
                     disagreement at all.",
                )
                .approach(
                    "Work the interval's two indices by hand for one draw, and the \
                     p-value for models that never disagree or disagree once.",
                )
                .hint("look again at draws of 1, empty pairs, and one disagreement"),
        )
        // END HIDDEN TESTS
        .run()
}

fn example(i: usize, spam: bool, period: u8, key: &str) -> Example {
    Example {
        id: format!("id{i}"),
        text: key.to_owned(),
        key: key.to_owned(),
        label: if spam { Label::Spam } else { Label::Ham },
        period,
    }
}

/// 100 examples, 30 spam, every fifth of them repeating an earlier key;
/// periods 1 then 2.
fn corpus() -> Vec<Example> {
    (0..100)
        .map(|i| {
            let key = if i % 5 == 4 {
                format!("body {}", i - 2)
            } else {
                format!("body {i}")
            };
            // The copy carries the label of its original, as real copies do.
            let spam = if i % 5 == 4 {
                (i - 2) % 10 < 3
            } else {
                i % 10 < 3
            };
            example(i, spam, if i < 60 { 1 } else { 2 }, &key)
        })
        .collect()
}

/// 100 test messages, 40 spam, as two models decided them: a catches 36
/// spam and flags 2 ham; b catches 30 spam (missing every fourth) and flags
/// 5 ham. a alone is right on 14 messages, b alone on 5.
fn fixture_pairs() -> Vec<Paired> {
    (0..100)
        .map(|i| {
            if i < 40 {
                Paired {
                    spam: true,
                    a: i < 36,
                    b: i % 4 != 0,
                }
            } else {
                Paired {
                    spam: false,
                    a: i < 42,
                    b: i >= 95,
                }
            }
        })
        .collect()
}

/// How the check's pairs read in a failure message.
const PAIRS: &str = "the check's 100 pairs (40 spam; a catches 36 and flags 2 ham, b catches 30 and flags 5; a alone right on 14, b alone on 5)";

fn twins() -> Result<(), String> {
    // Keys: train has k0 k1 k2 (k1 twice); valid has k3; test has k1, k2,
    // k3, k4 and k1 again.
    let keys = ["k0", "k1", "k1", "k2", "k3", "k1", "k2", "k3", "k4", "k1"];
    let ex: Vec<Example> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| example(i, i % 2 == 0, 1, k))
        .collect();
    let split = Split {
        train: vec![0, 1, 2, 3],
        valid: vec![4],
        test: vec![5, 6, 7, 8, 9],
    };
    let input = "a split whose train keys are k0 k1 k1 k2, valid key k3, test keys k1 k2 k3 k4 k1";
    check_eq!(
        format!(
            "twins_across for {input} (k1, k2 and k1 again have a twin in train; k3's is in valid only)"
        ),
        3,
        twins_across(&ex, &split)
    );
    let clean = Split {
        train: vec![0, 1, 3],
        valid: vec![],
        test: vec![4, 8],
    };
    check_eq!(
        "twins_across of a split with no shared key",
        0,
        twins_across(&ex, &clean)
    );
    check_eq!(
        "twins_across of an empty split",
        0,
        twins_across(&ex, &Split::default())
    );
    Ok(())
}

fn mcnemar_counts_and_p() -> Result<(), String> {
    let pairs = fixture_pairs();
    let m = mcnemar(&pairs);
    check_eq!(
        format!("(a_only, b_only) of mcnemar on {PAIRS}"),
        (14, 5),
        (m.a_only, m.b_only)
    );
    check_close!(
        format!("the p-value of mcnemar on {PAIRS}: 2 × P(at most 5 heads in 19 tosses)"),
        0.063568115234375,
        m.p_value
    );
    let swapped: Vec<Paired> = pairs
        .iter()
        .map(|p| Paired {
            spam: p.spam,
            a: p.b,
            b: p.a,
        })
        .collect();
    let s = mcnemar(&swapped);
    check_eq!(
        "(a_only, b_only) with a and b swapped",
        (5, 14),
        (s.a_only, s.b_only)
    );
    check_close!(
        "the p-value with a and b swapped (the test is two-sided)",
        0.063568115234375,
        s.p_value
    );
    // Both wrong, or both right, says nothing.
    let agree: Vec<Paired> = (0..30)
        .map(|i| Paired {
            spam: i % 3 == 0,
            a: i % 2 == 0,
            b: i % 2 == 0,
        })
        .collect();
    let none = mcnemar(&agree);
    check_eq!(
        "the counts when a and b always agree (right or wrong)",
        (0, 0),
        (none.a_only, none.b_only)
    );
    check_close!("the p-value when a and b never disagree", 1.0, none.p_value);
    let even = mcnemar(
        &(0..10)
            .map(|i| Paired {
                spam: true,
                a: i < 5,
                b: i >= 5,
            })
            .collect::<Vec<_>>(),
    );
    check_close!(
        "the p-value of a 5 to 5 split (twice the tail is above 1: capped)",
        1.0,
        even.p_value
    );
    let lopsided = mcnemar(
        &(0..12)
            .map(|_| Paired {
                spam: false,
                a: false,
                b: true,
            })
            .collect::<Vec<_>>(),
    );
    check_close!(
        "the p-value of a 0 to 12 split: 2 / 4096",
        0.00048828125,
        lopsided.p_value
    );
    let big = mcnemar(
        &(0..1240)
            .map(|i| Paired {
                spam: true,
                a: i < 600,
                b: i >= 600,
            })
            .collect::<Vec<_>>(),
    );
    check_close!(
        "the p-value of a 600 to 640 split (2^1240 overflows an f64: sum in logs)",
        0.26805950270208545,
        big.p_value
    );
    Ok(())
}

fn bootstrap_interval() -> Result<(), String> {
    let pairs = fixture_pairs();
    check_close!(
        format!("f1_gap (given) on {PAIRS}"),
        72.0 / 78.0 - 60.0 / 75.0,
        f1_gap(&pairs, 0..pairs.len())
    );
    let i = bootstrap_gap(&pairs, 200, &mut Rng::new(7));
    check_close!(
        format!("the low end of bootstrap_gap on {PAIRS}, 200 draws, Rng::new(7)"),
        0.02747406784412676,
        i.low
    );
    check_close!(
        format!("the high end of bootstrap_gap on {PAIRS}, 200 draws, Rng::new(7)"),
        0.24897540983606548,
        i.high
    );
    let j = bootstrap_gap(&pairs, 40, &mut Rng::new(3));
    check_close!(
        "the low end with 40 draws, Rng::new(3) (index floor(1.0) = 1)",
        0.022058823529411797,
        j.low
    );
    check_close!(
        "the high end with 40 draws, Rng::new(3) (index ceil(39.0) - 1 = 38)",
        0.20964300952922776,
        j.high
    );
    check_eq!(
        "bootstrap_gap of the same seed twice",
        bootstrap_gap(&pairs, 50, &mut Rng::new(5)),
        bootstrap_gap(&pairs, 50, &mut Rng::new(5))
    );
    let same: Vec<Paired> = pairs
        .iter()
        .map(|p| Paired {
            spam: p.spam,
            a: p.a,
            b: p.a,
        })
        .collect();
    check_eq!(
        "bootstrap_gap of a model against itself: every resample's gap is 0",
        Interval {
            low: 0.0,
            high: 0.0
        },
        bootstrap_gap(&same, 100, &mut Rng::new(1))
    );
    check_eq!(
        "bootstrap_gap with no draws",
        Interval {
            low: 0.0,
            high: 0.0
        },
        bootstrap_gap(&pairs, 0, &mut Rng::new(1))
    );
    Ok(())
}

fn verdict_reads_the_interval() -> Result<(), String> {
    let cases = [
        ((0.01, 0.2), Verdict::ABetter),
        ((-0.2, -0.01), Verdict::BBetter),
        ((-0.01, 0.02), Verdict::NoClearDifference),
        ((0.0, 0.1), Verdict::NoClearDifference),
        ((-0.1, 0.0), Verdict::NoClearDifference),
    ];
    for ((low, high), expected) in cases {
        check_eq!(
            format!("verdict of the interval {low} to {high}"),
            expected,
            verdict(Interval { low, high })
        );
    }
    Ok(())
}

fn parts(split: &Split) -> [&Vec<usize>; 3] {
    [&split.train, &split.valid, &split.test]
}

/// How the check's corpus reads in a failure message.
const CORPUS: &str = "the check's 100 examples (30 spam; every fifth repeats the body two before it; ids 60 and up in period 2)";

fn keeps_first() -> Result<(), String> {
    let c = corpus();
    let kept = dedupe(&c);
    check_eq!(
        format!("how many of {CORPUS} dedupe keeps (20 copies removed)"),
        80,
        kept.len()
    );
    ensure!(
        kept.contains(&2) && !kept.contains(&4),
        "for dedupe of {CORPUS}: expected index 2 kept and its copy at index 4 dropped (the first copy stays), got {kept:?}"
    );
    ensure!(
        kept.windows(2).all(|w| w[0] < w[1]),
        "for dedupe of {CORPUS}: expected the kept indices in input order, got {kept:?}"
    );
    check_eq!("dedupe of no examples", Vec::<usize>::new(), dedupe(&[]));
    Ok(())
}

fn stratified_shares() -> Result<(), String> {
    let c: Vec<Example> = (0..200)
        .map(|i| example(i, i % 4 == 0, 1, &format!("k{i}")))
        .collect();
    let pool: Vec<usize> = (0..200).collect();
    let s = stratified(&c, &pool, 0.1, 0.2, &mut Rng::new(1));
    let input = "stratified() of 200 examples, a quarter spam, with valid 0.1 and test 0.2";
    check_eq!(
        format!("the sizes (train, valid, test) of {input}"),
        (140, 20, 40),
        (s.train.len(), s.valid.len(), s.test.len())
    );
    let spam = |part: &Vec<usize>| part.iter().filter(|&&i| c[i].label == Label::Spam).count();
    check_eq!(
        format!("the spam in (train, valid, test) of {input} (a quarter spam in every part)"),
        (35, 5, 10),
        (spam(&s.train), spam(&s.valid), spam(&s.test))
    );
    for part in parts(&s) {
        ensure!(
            part.windows(2).all(|w| w[0] < w[1]),
            "for {input}: expected each part sorted, got {part:?}"
        );
    }
    let all: HashSet<usize> = parts(&s).into_iter().flatten().copied().collect();
    check_eq!(
        format!("the distinct indices over the parts of {input} (each in exactly one part)"),
        200,
        all.len()
    );
    ensure!(
        s.test != (0..40).map(|i| i * 5).collect::<Vec<_>>(),
        "for {input}: expected a shuffled test part, got every fifth index in order"
    );
    // A fair shuffle can leave an item where it was: of two spam examples
    // split in half, either one is the valid one, depending on the seed.
    let two: Vec<Example> = (0..2)
        .map(|i| example(i, true, 1, &format!("k{i}")))
        .collect();
    let valid: HashSet<Vec<usize>> = (1..=20)
        .map(|seed| stratified(&two, &[0, 1], 0.5, 0.0, &mut Rng::new(seed)).valid)
        .collect();
    check_eq!(
        "the valid parts of stratified() of two spam examples with valid 0.5, seeds 1 to 20 (each example valid for some seed)",
        2,
        valid.len()
    );
    // Rounding can ask for more than there is: valid takes its share first.
    let three: Vec<Example> = (0..3)
        .map(|i| example(i, true, 1, &format!("k{i}")))
        .collect();
    let s = stratified(&three, &[0, 1, 2], 0.5, 0.5, &mut Rng::new(1));
    check_eq!(
        "the sizes (train, valid, test) of stratified() of three spam examples with valid 0.5 and test 0.5",
        (0, 2, 1),
        (s.train.len(), s.valid.len(), s.test.len())
    );
    Ok(())
}

fn no_key_in_two_parts(c: &[Example], s: &Split, input: &str) -> Result<(), String> {
    let names = ["train", "valid", "test"];
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (p, part) in parts(s).into_iter().enumerate() {
        for &i in part {
            if let Some(&other) = owner.get(c[i].key.as_str()) {
                ensure!(
                    other == p,
                    "for {input}: expected each body in one part only, got `{}` in {} and {}",
                    c[i].key,
                    names[other],
                    names[p]
                );
            }
            owner.insert(&c[i].key, p);
        }
    }
    Ok(())
}

fn random_no_leak() -> Result<(), String> {
    let c = corpus();
    let s = random_split(&c, 0.1, 0.2, 42);
    let input = format!("random_split of {CORPUS} with seed 42");
    no_key_in_two_parts(&c, &s, &input)?;
    let total: usize = parts(&s).iter().map(|p| p.len()).sum();
    check_eq!(
        format!("the indices split by {input} (only the 80 distinct bodies)"),
        80,
        total
    );
    check_eq!(
        format!("{input}, twice (the same seed, the same split)"),
        s,
        random_split(&c, 0.1, 0.2, 42)
    );
    ensure!(
        s != random_split(&c, 0.1, 0.2, 43),
        "for {input} and seed 43: expected two different splits, got the same: the split must come from the seed"
    );
    Ok(())
}

fn by_time() -> Result<(), String> {
    let c = corpus();
    let s = time_split(&c, 0.2, 5);
    let input = format!("time_split of {CORPUS} with valid 0.2 and seed 5");
    no_key_in_two_parts(&c, &s, &input)?;
    ensure!(
        s.test.iter().all(|&i| c[i].period == 2),
        "for {input}: expected only period 2 in test (the later period), got {:?}",
        s.test
    );
    ensure!(
        s.train.iter().chain(&s.valid).all(|&i| c[i].period == 1),
        "for {input}: expected only period 1 in train and valid, got train {:?} and valid {:?}",
        s.train,
        s.valid
    );
    check_eq!(
        format!("the train and valid sizes together of {input} (the 48 distinct earlier bodies)"),
        48,
        s.train.len() + s.valid.len()
    );
    check_eq!(
        format!("the test size of {input} (the 32 distinct later bodies)"),
        32,
        s.test.len()
    );
    check_eq!(format!("{input}, twice"), s, time_split(&c, 0.2, 5));
    Ok(())
}

fn tokens() -> Result<(), String> {
    check_eq!(
        "tokenize(\"FREE $$$ now!\")",
        ["free", "$", "$", "$", "now", "!"],
        tokenize("FREE $$$ now!")
    );
    check_eq!(
        "tokenize(\"Re: [ILUG] Straße, 2002-08-22\")",
        ["re", "ilug", "straße", "2002", "08", "22"],
        tokenize("Re: [ILUG] Straße, 2002-08-22")
    );
    check_eq!(
        "tokenize(\" \\n-- \")",
        Vec::<String>::new(),
        tokenize(" \n-- ")
    );
    Ok(())
}

fn fnv() -> Result<(), String> {
    // Published FNV-1a 64 test vectors.
    check_eq!(
        "bucket(\"\", 2^31)",
        0xcbf29ce484222325 % (1 << 31),
        u64::from(bucket("", 1 << 31))
    );
    check_eq!(
        "bucket(\"a\", 1000003)",
        (0xaf63dc4c8601ec8c_u64 % 1_000_003) as u32,
        bucket("a", 1_000_003)
    );
    check_eq!(
        "bucket(\"foobar\", 65536)",
        (0x85944171f73967e8_u64 % 65_536) as u32,
        bucket("foobar", 65_536)
    );
    check_eq!(
        "bucket(\"free\", 97), twice",
        bucket("free", 97),
        bucket("free", 97)
    );
    Ok(())
}

fn bag_and_sequence() -> Result<(), String> {
    let t = tokenize("buy buy now");
    let b = bag(&t, 1 << 20);
    let input = "bag of [\"buy\", \"buy\", \"now\"] in 2^20 buckets";
    check_eq!(format!("the number of ids in the {input}"), 2, b.ids.len());
    ensure!(
        b.ids.windows(2).all(|w| w[0] < w[1]),
        "for the {input}: expected ascending ids, got {:?}",
        b.ids
    );
    let norm: f32 = b.weights.iter().map(|w| w * w).sum();
    check_close!(
        format!("the squared length of the weights of the {input}"),
        1.0f32,
        norm
    );
    let buy = b
        .ids
        .iter()
        .position(|&i| i == bucket("buy", 1 << 20))
        .ok_or_else(|| {
            format!(
                "for the {input}: expected the bucket of \"buy\" among the ids, got {:?}",
                b.ids
            )
        })?;
    check_close!(
        format!("the weight of \"buy\" in the {input} (it counts twice: 2 / sqrt 5)"),
        2.0 / 5f32.sqrt(),
        b.weights[buy]
    );
    check_eq!(
        "the ids of a bag of no tokens",
        Vec::<u32>::new(),
        bag(&[], 10).ids
    );

    let s = sequence(&t, 1 << 20, 100);
    let input = "sequence of [\"buy\", \"buy\", \"now\"] in 2^20 buckets, at most 100 tokens";
    check_eq!(
        format!("the ids of the {input} (buy, buy, \"buy buy\", now, \"buy now\")"),
        vec![
            bucket("buy", 1 << 20),
            bucket("buy", 1 << 20),
            bucket("buy buy", 1 << 20),
            bucket("now", 1 << 20),
            bucket("buy now", 1 << 20)
        ],
        s.ids
    );
    check_close!(
        format!("the weights of the {input}"),
        vec![0.2f32; 5],
        s.weights
    );
    check_eq!(
        "the ids of a sequence of [\"buy\", \"buy\", \"now\"] of at most 1 token",
        vec![bucket("buy", 1 << 20)],
        sequence(&t, 1 << 20, 1).ids
    );
    Ok(())
}

/// A toy corpus a linear model separates: spam says one set of words, ham another.
/// A toy set, half spam, encoded here rather than by the lab's features,
/// so the checks of the training step and of fit do not wait on
/// `features.rs`: each word has an id of its own (spam words 0 to 5, ham
/// words 6 to 11, filler 12 to 17), weighted 1/8 so the model averages them.
fn toy(n: usize, seed: u64) -> Vec<Encoded> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let spam = i % 2 == 0;
            let topical = if spam { 0 } else { 6 };
            let ids: Vec<u32> = (0..8)
                .map(|k| {
                    let word = rng.below(6) as u32;
                    if k % 2 == 0 {
                        topical + word
                    } else {
                        12 + word
                    }
                })
                .collect();
            Encoded {
                weights: vec![1.0 / 8.0; ids.len()],
                ids,
                spam,
            }
        })
        .collect()
}

fn loss_goes_down() -> Result<(), String> {
    let device = Default::default();
    <Autodiff<Cpu> as burn::tensor::backend::Backend>::seed(&device, 1);
    let mut model = FastTextConfig::new()
        .with_buckets(4096)
        .with_dim(8)
        .init::<Autodiff<Cpu>>(&device);
    let mut optimizer = AdamConfig::new().init();
    let data = toy(64, 3);
    let rows: Vec<(&[u32], &[f32], bool)> = data
        .iter()
        .map(|e| (e.ids.as_slice(), e.weights.as_slice(), e.spam))
        .collect();
    let batch = Batch::<Autodiff<Cpu>>::new(&rows, &device);
    let mut losses = Vec::new();
    for _ in 0..30 {
        let (next, loss) = train_step(model, &mut optimizer, &batch, 0.05);
        model = next;
        losses.push(loss);
    }
    let input = "30 train steps at learning rate 0.05 on a toy batch of 64";
    ensure!(
        losses.iter().all(|l| l.is_finite()),
        "for {input}: expected finite losses, got {losses:?}"
    );
    ensure!(
        (losses[0] - std::f32::consts::LN_2).abs() < 0.1,
        "for {input}: expected a first loss near ln 2 = 0.693 (a fresh model is unsure), got {}",
        losses[0]
    );
    ensure!(
        losses[29] < losses[0] * 0.5,
        "for {input}: expected the last loss under half the first, got {losses:?}"
    );
    let logits = model.logits(&batch);
    check_eq!(
        "the shape of the logits of a batch of 64",
        [64],
        logits.dims()
    );
    Ok(())
}

fn learns_toy() -> Result<(), String> {
    let device = Default::default();
    <Autodiff<Cpu> as burn::tensor::backend::Backend>::seed(&device, 2);
    let model = FastTextConfig::new()
        .with_buckets(4096)
        .with_dim(8)
        .init::<Autodiff<Cpu>>(&device);
    let (train, valid, test) = (toy(400, 1), toy(100, 2), toy(200, 3));
    let config = FitConfig::new().with_epochs(4).with_learning_rate(0.02);
    let seed = 7;
    let mut epochs = 0;
    let (best, reports) = fit::<Cpu, _>(model, &train, &valid, &config, seed, &device, &mut |_| {
        epochs += 1
    });
    check_eq!(
        "the epochs reported to the callback, against the reports fit returns",
        reports.len(),
        epochs
    );
    let (p, _) = predict::<Cpu, _>(&best, &test, &device);
    let m = Metrics::from_decisions(p.iter().zip(&test).map(|(&p, e)| (p >= 0.5, e.spam)));
    let f1 = m.f1_or_zero();
    ensure!(
        f1 > 0.95,
        "for 4 epochs at learning rate 0.02 on the toy corpus: expected a spam F1 above 0.95 on its test set, got {f1:.3}"
    );
    Ok(())
}

// BEGIN HIDDEN TESTS
fn hidden_edges() -> Result<(), String> {
    check_eq!(
        "random_split of no examples",
        Split::default(),
        random_split(&[], 0.1, 0.2, 1)
    );
    let all_ham: Vec<Example> = (0..10)
        .map(|i| example(i, false, 1, &format!("k{i}")))
        .collect();
    let s = random_split(&all_ham, 0.1, 0.2, 1);
    check_eq!(
        "the sizes (train, valid, test) of random_split of 10 ham, valid 0.1, test 0.2",
        (7, 1, 2),
        (s.train.len(), s.valid.len(), s.test.len())
    );
    check_eq!(
        "the ids of a sequence of no tokens",
        Vec::<u32>::new(),
        sequence(&[], 10, 5).ids
    );
    Ok(())
}
fn hidden_judge_edges() -> Result<(), String> {
    let one = bootstrap_gap(&fixture_pairs(), 1, &mut Rng::new(7));
    ensure!(
        one.low == one.high,
        "bootstrap_gap with 1 draw: expected an interval of that one gap (both ends index 0), got {one:?}"
    );
    check_close!(
        "bootstrap_gap of the check's 100 pairs with 1 draw, Rng::new(7)",
        0.07179487179487165,
        one.low
    );
    check_eq!(
        "bootstrap_gap of no pairs",
        Interval {
            low: 0.0,
            high: 0.0
        },
        bootstrap_gap(&[], 100, &mut Rng::new(1))
    );
    let once = mcnemar(&[Paired {
        spam: true,
        a: true,
        b: false,
    }]);
    check_close!("mcnemar's p with one disagreement", 1.0, once.p_value);
    check_eq!(
        "verdict of the interval 0 to 0",
        Verdict::NoClearDifference,
        verdict(Interval {
            low: 0.0,
            high: 0.0
        })
    );
    Ok(())
}

// END HIDDEN TESTS
