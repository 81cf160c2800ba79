//! The train lab's checks. Run them with `cargo test -p lab-train`, or press
//! `g` on the lab in the workbench. The model checks train on the CPU with
//! burn's flex backend; they take a few seconds.

use burn::backend::{Autodiff, Flex};
use burn::optim::AdamConfig;
use lab_train::features::{bag, bucket, sequence, tokenize};
use lab_train::fit::{Encoded, FitConfig, fit, predict};
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
        .check(Check::new("split.dedupe_keeps_first", 2, keeps_first).hint(
            "dedupe: walk the examples in order with a HashSet of the keys seen so \
             far (insert returns false for a key already there): the first copy wins",
        ))
        .check(Check::new("split.stratified_shares", 3, stratified_shares).hint(
            "stratified: per label, spam first and then ham: collect the \
             pool's indices with that label, Fisher–Yates them with rng.below, \
             cut round(n × valid) for valid and then round(n × test) for test \
             off the front, and the rest trains; sort each part at the end",
        ))
        .check(Check::new("split.random_no_leak_seeded", 3, random_no_leak).hint(
            "random_split: dedupe first, then stratified \
             over the kept indices with Rng::new(seed)",
        ))
        .check(Check::new("split.by_time", 3, by_time).hint(
            "time_split: dedupe first; the kept examples of period 1 go \
             through stratified with a test share of 0 and Rng::new(seed); the \
             kept examples of any later period, in order, are the test set",
        ))
        .check(Check::new("features.tokens", 2, tokens).hint(
            "tokenize: one pass over the chars: a letter or digit (is_alphanumeric) \
             extends the current word, lowercased; any other char ends it, and a '$' \
             or '!' is then pushed as a token of its own; push the last word too",
        ))
        .check(Check::new("features.fnv1a_buckets", 2, fnv).hint(
            "bucket: start from the offset basis; for each byte, xor \
             it in, then multiply by the prime with wrapping_mul; \
             the bucket is the hash modulo buckets, as a u32",
        ))
        .check(Check::new("features.bag_and_sequence", 3, bag_and_sequence).hint(
            "bag: count the buckets in a BTreeMap (ascending for free), then divide each \
             count by the square root of the sum of the squared counts; sequence: for each \
             of the first max_tokens tokens push its bucket, then, from the second token \
             on, the bucket of \"previous current\"; every weight is 1 / the number of ids",
        ))
        .check(Check::new("step.loss_goes_down", 4, loss_goes_down).time_limit(std::time::Duration::from_secs(60)).hint(
            "train_step: take the model's logits for the batch; build a \
             BinaryCrossEntropyLossConfig with logits on, init it on the logits' own \
             device (logits.device(): the step has no device argument), and apply it \
             against batch.labels; read its value as an f32 before backward() consumes it; \
             turn loss.backward() into GradientsParams for the model; then one \
             optimizer.step at the learning rate",
        ))
        .check(Check::new("stage.learns_the_toy_corpus", 3, learns_toy).time_limit(std::time::Duration::from_secs(120)).hint(
            "with your split, features and step, the fastText-style model must separate an easy toy corpus: check each of them first",
        ))
        // BEGIN HIDDEN TESTS
        .check(Check::new("hidden.split_edges", 2, hidden_edges).hint("look again at empty inputs and a pool with one label only"))
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
// END HIDDEN TESTS
