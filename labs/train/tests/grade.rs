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
use ninety_grader::{Check, Lab};
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
            "train_step: take the model's logits for the batch; build a binary \
             cross-entropy loss with logits on and apply it against batch.labels; read \
             its value as an f32 before backward() consumes it; turn loss.backward() into \
             GradientsParams for the model; then one optimizer.step at the learning rate",
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

fn keeps_first() {
    let c = corpus();
    let kept = dedupe(&c);
    assert_eq!(kept.len(), 80, "20 copies removed");
    assert!(
        kept.contains(&2) && !kept.contains(&4),
        "the first copy of `body 2` stays"
    );
    assert!(kept.windows(2).all(|w| w[0] < w[1]), "in input order");
    assert!(dedupe(&[]).is_empty());
}

fn stratified_shares() {
    let c: Vec<Example> = (0..200)
        .map(|i| example(i, i % 4 == 0, 1, &format!("k{i}")))
        .collect();
    let pool: Vec<usize> = (0..200).collect();
    let s = stratified(&c, &pool, 0.1, 0.2, &mut Rng::new(1));
    assert_eq!((s.train.len(), s.valid.len(), s.test.len()), (140, 20, 40));
    let spam = |part: &Vec<usize>| part.iter().filter(|&&i| c[i].label == Label::Spam).count();
    assert_eq!(
        (spam(&s.train), spam(&s.valid), spam(&s.test)),
        (35, 5, 10),
        "a quarter spam in every part"
    );
    for part in parts(&s) {
        assert!(part.windows(2).all(|w| w[0] < w[1]), "each part sorted");
    }
    let all: HashSet<usize> = parts(&s).into_iter().flatten().copied().collect();
    assert_eq!(all.len(), 200, "every index in exactly one part");
    assert_ne!(
        s.test,
        (0..40).map(|i| i * 5).collect::<Vec<_>>(),
        "shuffled, not taken in order"
    );
}

fn no_key_in_two_parts(c: &[Example], s: &Split) {
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (p, part) in parts(s).into_iter().enumerate() {
        for &i in part {
            if let Some(&other) = owner.get(c[i].key.as_str()) {
                assert_eq!(other, p, "`{}` is in two parts", c[i].key);
            }
            owner.insert(&c[i].key, p);
        }
    }
}

fn random_no_leak() {
    let c = corpus();
    let s = random_split(&c, 0.1, 0.2, 42);
    no_key_in_two_parts(&c, &s);
    let total: usize = parts(&s).iter().map(|p| p.len()).sum();
    assert_eq!(total, 80, "only the 80 distinct bodies are split");
    assert_eq!(
        s,
        random_split(&c, 0.1, 0.2, 42),
        "the same seed, the same split"
    );
    assert_ne!(
        s,
        random_split(&c, 0.1, 0.2, 43),
        "another seed, another split"
    );
}

fn by_time() {
    let c = corpus();
    let s = time_split(&c, 0.2, 5);
    no_key_in_two_parts(&c, &s);
    assert!(
        s.test.iter().all(|&i| c[i].period == 2),
        "test is the later period"
    );
    assert!(s.train.iter().chain(&s.valid).all(|&i| c[i].period == 1));
    assert_eq!(
        s.train.len() + s.valid.len(),
        48,
        "the 48 distinct earlier bodies"
    );
    assert_eq!(s.test.len(), 32);
    assert_eq!(s, time_split(&c, 0.2, 5));
}

fn tokens() {
    assert_eq!(
        tokenize("FREE $$$ now!"),
        ["free", "$", "$", "$", "now", "!"]
    );
    assert_eq!(
        tokenize("Re: [ILUG] Straße, 2002-08-22"),
        ["re", "ilug", "straße", "2002", "08", "22"]
    );
    assert!(tokenize(" \n-- ").is_empty());
}

fn fnv() {
    // Published FNV-1a 64 test vectors.
    assert_eq!(
        u64::from(bucket("", 1 << 31)),
        0xcbf29ce484222325 % (1 << 31)
    );
    assert_eq!(
        bucket("a", 1_000_003),
        (0xaf63dc4c8601ec8c_u64 % 1_000_003) as u32
    );
    assert_eq!(
        bucket("foobar", 65_536),
        (0x85944171f73967e8_u64 % 65_536) as u32
    );
    assert_eq!(bucket("free", 97), bucket("free", 97), "stable");
}

fn bag_and_sequence() {
    let t = tokenize("buy buy now");
    let b = bag(&t, 1 << 20);
    assert_eq!(b.ids.len(), 2);
    assert!(b.ids.windows(2).all(|w| w[0] < w[1]), "ascending");
    let norm: f32 = b.weights.iter().map(|w| w * w).sum();
    assert!((norm - 1.0).abs() < 1e-5, "length 1");
    let buy = b
        .ids
        .iter()
        .position(|&i| i == bucket("buy", 1 << 20))
        .unwrap();
    assert!(
        (b.weights[buy] - 2.0 / 5f32.sqrt()).abs() < 1e-5,
        "buy counts twice"
    );
    assert!(bag(&[], 10).ids.is_empty());

    let s = sequence(&t, 1 << 20, 100);
    assert_eq!(
        s.ids,
        vec![
            bucket("buy", 1 << 20),
            bucket("buy", 1 << 20),
            bucket("buy buy", 1 << 20),
            bucket("now", 1 << 20),
            bucket("buy now", 1 << 20)
        ]
    );
    assert!(s.weights.iter().all(|&w| (w - 0.2).abs() < 1e-6));
    assert_eq!(
        sequence(&t, 1 << 20, 1).ids,
        vec![bucket("buy", 1 << 20)],
        "only the first max_tokens tokens"
    );
}

/// A toy corpus a linear model separates: spam says one set of words, ham another.
fn toy(n: usize, seed: u64) -> Vec<Encoded> {
    let spam_words = ["free", "offer", "winner", "cash", "click", "viagra"];
    let ham_words = ["meeting", "patch", "thanks", "lunch", "review", "notes"];
    let filler = ["the", "a", "and", "to", "of", "you"];
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let spam = i % 2 == 0;
            let words = if spam { &spam_words } else { &ham_words };
            let text: Vec<String> = (0..8)
                .map(|k| {
                    if k % 2 == 0 {
                        words[rng.below(6)]
                    } else {
                        filler[rng.below(6)]
                    }
                    .to_owned()
                })
                .collect();
            let h = sequence(&text, 4096, 64);
            Encoded {
                ids: h.ids,
                weights: h.weights,
                spam,
            }
        })
        .collect()
}

fn loss_goes_down() {
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
    assert!(losses.iter().all(|l| l.is_finite()), "{losses:?}");
    assert!(
        (losses[0] - std::f32::consts::LN_2).abs() < 0.1,
        "a fresh model starts near ln 2: {}",
        losses[0]
    );
    assert!(
        losses[29] < losses[0] * 0.5,
        "the loss should fall: {losses:?}"
    );
    let logits = model.logits(&batch);
    assert_eq!(logits.dims(), [64]);
}

fn learns_toy() {
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
    assert_eq!(epochs, reports.len());
    let (p, _) = predict::<Cpu, _>(&best, &test, &device);
    let m = Metrics::from_decisions(p.iter().zip(&test).map(|(&p, e)| (p >= 0.5, e.spam)));
    let f1 = m.f1_or_zero();
    assert!(f1 > 0.95, "spam F1 {f1:.3} on the toy test set");
}

// BEGIN HIDDEN TESTS
fn hidden_edges() {
    assert_eq!(random_split(&[], 0.1, 0.2, 1), Split::default());
    let all_ham: Vec<Example> = (0..10)
        .map(|i| example(i, false, 1, &format!("k{i}")))
        .collect();
    let s = random_split(&all_ham, 0.1, 0.2, 1);
    assert_eq!((s.train.len(), s.valid.len(), s.test.len()), (7, 1, 2));
    assert!(sequence(&[], 10, 5).ids.is_empty());
}
// END HIDDEN TESTS
