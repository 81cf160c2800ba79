//! The frame lab's checks. Run them with `cargo test -p lab-frame`, or press
//! `g` on the lab in the workbench.

use lab_frame::baseline::{KeywordBaseline, words};
use lab_frame::latency::percentile;
use lab_frame::spec::{BaselineSpec, Costs, LatencySpec, Metric, MetricSpec, Problem, ProblemSpec};
use lab_frame::{Confusion, Verdict};
use ninety_grader::{Check, Lab, check_close, check_eq, ensure};
use ninety_kit::{Corpus, Label};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    Lab::new("frame")
        .check(
            Check::new("spec.parses", 2, spec_parses)
                .idea(
                    "The spec is the framing written down where a program can check it. Before \
                     any rule about its content can be judged, each question of the chapter's \
                     section 'Step 1: the spec' needs an answer of the right kind, in the right \
                     place.",
                )
                .approach(
                    "Work through spec.toml one section at a time and replace every TODO with a \
                     value of the kind the section asks for: sentences for the goal, question, \
                     unit and definitions, a label for each class, numbers for the costs, rate \
                     and budget, a list of words for the keywords. Then read the error: it names \
                     the one field that is missing, misspelt or of the wrong kind, so fix that \
                     and grade again until the whole file loads.",
                )
                .hint(
                    "fill in every TODO in labs/frame/spec.toml; the error names the field that \
                     is missing or has the wrong type",
                ),
        )
        .check(
            Check::new("spec.costs_follow_goal", 2, spec_costs_follow_goal)
                .idea(
                    "Costs turn 'without ever losing a real email' into numbers. The chapter's \
                     section 'The cost of errors' prices both mistakes in user-minutes and shows \
                     that they are far from equal: the spec's numbers must say so too.",
                )
                .approach(
                    "Estimate what a spam left in the inbox costs a user (a few seconds to \
                     recognise and delete it) and what a lost real email costs on average \
                     (usually little, sometimes a disaster), both in minutes, and write the \
                     reasoning beside the numbers. A spam seen must cost something, and a lost \
                     email many times more (this check asks for at least ten times); the two \
                     correct outcomes may cost nothing.",
                )
                .hint(
                    "the goal says never lose a real email: a ham sent to spam (false_positive) \
                     should cost far more, 10x or more, than a spam seen (false_negative), which \
                     must cost more than 0; true_positive and true_negative may stay out, they \
                     default to 0",
                ),
        )
        .check(
            Check::new("spec.constraint_bounds_lost_mail", 2, spec_constraint)
                .idea(
                    "The spec pairs an objective with a constraint, as the chapter's section \
                     'Objective plus constraint' explains: one number to make as good as \
                     possible, and a ceiling on lost real mail that is strict enough to honour \
                     'never' yet above zero, since zero can never be demonstrated.",
                )
                .approach(
                    "Choose the metric to optimise from the costs, not from habit: when spam is \
                     rare, a filter that flags nothing looks good on one of the four, so pick \
                     among the other three. Then choose the largest share of real mail you accept \
                     losing by translating it into lost emails per user per year, and write it as \
                     a fraction rather than a percentage: above zero, and no looser than one in a \
                     hundred.",
                )
                .hint(
                    "max_ham_flagged_rate is a share, not a percentage: above 0 and at most 0.01 \
                     (1 in 100); optimise is one of spam_recall, precision and spam_f1, never \
                     accuracy",
                ),
        )
        .check(
            Check::new("spec.passes_validation", 1, spec_valid)
                .idea(
                    "A spec can parse and still contradict the goal. This check loads yours the \
                     way the pipeline does, through the validation of the chapter's 'Step 2: \
                     validation', so it passes only when your rules are written and your spec \
                     obeys all of them.",
                )
                .approach(
                    "Get the validation checks passing first, so that the rules themselves are \
                     right. Then grade again and read each problem this check lists: each names a \
                     field of spec.toml by its dotted path and says what was expected. Change \
                     those values in the spec, not the rules, until nothing is left.",
                )
                .hint(
                    "ProblemSpec::load parses spec.toml and then runs your validate(); every \
                     problem it lists names a field to fix",
                ),
        )
        .check(
            Check::new("validate.accepts_a_sound_spec", 1, validate_accepts)
                .idea(
                    "Validation must not cry wolf: a spec that follows every rule gets no \
                     problems at all, including one whose values sit exactly on a limit a rule \
                     allows ('Step 2: validation').",
                )
                .approach(
                    "Read each rule in the doc comment and note whether its limit is allowed: at \
                     least five words accepts exactly five, at most one in a hundred accepts \
                     exactly that rate, and the minimum number of hits may equal the number of \
                     keywords. Write each comparison so that the limit itself passes, and count \
                     words the way a reader would, separated by whitespace.",
                )
                .hint(
                    "validate must return an empty list for a spec that follows every rule: mind \
                     the bounds that include their limit (at most 0.01, at least five words, \
                     min_hits up to the number of keywords)",
                ),
        )
        .check(
            Check::new("validate.names_the_field", 4, validate_names_fields)
                .idea(
                    "Validation is where the chapter's decisions are enforced, and a problem \
                     helps only if it tells whoever fixes the spec which field to look at and \
                     what was expected; 'Step 2: validation' gives the reason behind every rule.",
                )
                .approach(
                    "Begin with no problems and test every rule on its own, adding one problem \
                     for each that is broken instead of stopping at the first. Name each by the \
                     field's dotted path as written in the TOML (the rule comparing the two error \
                     costs names the cost of a lost email), with a message saying what was \
                     expected. Phrase each numeric test as 'is it inside the allowed range?' so \
                     that a value that is not a number fails it, and make sure one bad value \
                     cannot set off a second, unrelated rule.",
                )
                .hint(
                    "validate: give each broken rule its own Problem whose field is the dotted \
                     TOML path (costs.false_positive) and whose message says what was expected; \
                     check every rule instead of returning at the first, and remember that every \
                     comparison with NaN is false, so test is_finite()",
                ),
        )
        .check(
            Check::new("metrics.confusion_counts", 2, confusion_counts)
                .idea(
                    "Every metric starts from the confusion matrix of the chapter's section 'The \
                     confusion matrix': four counts, named by what happened to each message \
                     rather than by 'false positive' and 'false negative'.",
                )
                .approach(
                    "Start with all four counts at zero. For each pair, read the true label first \
                     and the prediction second, decide which of the four outcomes that is, and \
                     add one to it: a real message predicted as spam is a lost email. With no \
                     pairs at all, every count stays at zero.",
                )
                .hint(
                    "from_pairs: start from Confusion::default() and match on each (gold, \
                     predicted) pair to add one to its cell: (ham, spam), a real message \
                     predicted as spam, is a lost email, ham_flagged",
                ),
        )
        .check(
            Check::new("metrics.rates", 3, rates)
                .idea(
                    "Each rate divides a count by the group it belongs to, and a rate over an \
                     empty group is unknown, not zero; the chapter's sections 'The confusion \
                     matrix' and 'Why accuracy misleads' show why that difference matters.",
                )
                .approach(
                    "For each rate, write down its numerator and the group it is taken within: \
                     the ham-flagged rate within the ham, recall within the spam, precision \
                     within everything flagged, accuracy within every message. Give no value when \
                     that group is empty. Build F1 from precision and recall: unknown when either \
                     is unknown, zero when both are zero, their harmonic mean otherwise.",
                )
                .hint(
                    "each rate divides one count by the group it belongs to, and the ratio helper \
                     at the bottom of metrics.rs returns None for an empty group; spam_f1 is 2pr \
                     / (p + r) from precision() and spam_recall(), None when either is, and 0 \
                     when both are 0",
                ),
        )
        .check(
            Check::new("cost.totals", 3, cost_totals)
                .idea(
                    "Cost puts every filter on one scale, in the units of your spec, as the \
                     chapter does by hand for filters A and B in 'The cost of errors'; the cost \
                     per message makes test sets of different sizes comparable.",
                )
                .approach(
                    "Weigh each of the four counts by what one such outcome costs and add all \
                     four, the correct outcomes included, since a spec may give them a cost too. \
                     Take care to match each count with its own cost: a lost email is the false \
                     positive. For the cost per message, divide the total by the number of \
                     messages, and give no answer when there are none.",
                )
                .hint(
                    "total: pair each count with its own cost: ham_flagged is the false positive, \
                     spam_missed the false negative, spam_caught the true positive, ham_passed \
                     the true negative; per_message divides the total by m.total(), None when \
                     that is 0",
                ),
        )
        .check(
            Check::new("constraint.rejects_lost_mail", 3, constraint)
                .idea(
                    "A constraint needs evidence as well as a good result: the rule of three, in \
                     the chapter's section 'How much evidence a constraint needs', says how much \
                     ham a test must hold, and the order of the verdict puts the burden of proof \
                     on the filter, not on the users.",
                )
                .approach(
                    "The ham needed is three divided by the maximum rate, rounded up to a whole \
                     message. To judge, ask in order: is the observed rate above the maximum? \
                     Then it violates the constraint, however small the sample. If not, were \
                     there fewer ham than needed, or none? Then there is too little evidence, and \
                     the verdict carries both numbers. Only otherwise is the constraint met; a \
                     rate exactly at the maximum is allowed.",
                )
                .hint(
                    "ham_needed is 3 / max_ham_flagged_rate rounded up (3000 for 0.001); judge \
                     checks the rate first: above the max is Violates whatever the sample size; \
                     then fewer than ham_needed() ham, or none, is TooFewHam with the ham tested \
                     and needed; else Meets",
                ),
        )
        .check(
            Check::new("baseline.predicts", 2, baseline_predicts)
                .idea(
                    "The keyword rule of the chapter's section 'Baselines' counts how many \
                     different keywords a text contains, as whole words, so that case, \
                     punctuation and repetition do not change its answer.",
                )
                .approach(
                    "Split the text into lowercase words with the word splitter the lab gives \
                     you, keep those that are keywords, and count each distinct keyword once \
                     however often it appears; part of a longer word does not count. Call the \
                     text spam when that count reaches the minimum number of hits, and ham when \
                     it falls short.",
                )
                .hint(
                    "hits: collect the words(text) that are keywords into a set, so that each \
                     keyword counts once, and return its size; predict: spam when hits reaches \
                     min_hits (>=), else ham",
                ),
        )
        .check(
            Check::new("baseline.measured_on_mini", 2, baseline_on_mini)
                .idea(
                    "A baseline is measured exactly as a model will be, on every message and with \
                     the same confusion matrix; as 'Step 6: the keyword baseline' says, a message \
                     silently dropped from an evaluation is a message you did not evaluate.",
                )
                .approach(
                    "Go through the corpus one message at a time. Predict on the message's whole \
                     raw text, headers included, and pair its gold label with the prediction. If \
                     reading a message fails, stop and hand the error to the caller instead of \
                     skipping that message. At the end, count all the pairs into one confusion \
                     matrix.",
                )
                .hint(
                    "evaluate: read every message with corpus.messages(), predict on its \
                     text_lossy() (the whole raw message, headers too), and count the (gold \
                     label, prediction) pairs with Confusion::from_pairs; pass a read error on \
                     with ? instead of skipping the message",
                ),
        )
        .check(
            Check::new("latency.percentile", 2, latency_percentile)
                .idea(
                    "A latency budget is stated as a percentile because averages hide the slow \
                     cases users notice; the chapter's section 'Latency budgets' fixes the \
                     method, nearest rank, and works an example by hand.",
                )
                .approach(
                    "Refuse an empty set of samples and a percentile outside the range from just \
                     above 0 up to 100. Otherwise sort a copy of the samples, leaving the \
                     caller's untouched, work out the rank as p hundredths of the number of \
                     samples rounded up, counting from one, and return the sample at that rank, \
                     remembering that positions in a list count from zero.",
                )
                .hint(
                    "percentile: sort a copy with f64::total_cmp (f64 has no total order, because \
                     of NaN), take the 1-based rank ceil(p / 100 * n) and return sorted[rank - \
                     1]; None for no samples or a p outside (0, 100]",
                ),
        )
        // BEGIN HIDDEN TESTS
        .check(
            Check::new("hidden.metrics_edge_cases", 2, hidden_metrics_edges)
                .idea(
                    "The rule that a rate over an empty group is unknown, from the chapter's \
                     section 'The confusion matrix', holds for every matrix and every rate, not \
                     only for the cases the visible checks build.",
                )
                .approach(
                    "Go back over each rate and, for every division it makes, ask what happens \
                     when the group it divides by is empty; then ask what F1 should be at its \
                     extremes. Answer from the definitions in the chapter, not from what the \
                     visible checks happen to test, and make the code agree.",
                )
                .hint(
                    "look again at empty matrices, at filters that flag nothing, and at F1 when \
                     precision and recall are both 0",
                ),
        )
        .check(
            Check::new("hidden.percentile_edges", 1, hidden_percentile_edges)
                .idea(
                    "The nearest-rank percentile of the chapter's section 'Latency budgets' is \
                     defined for every number of samples and every p in its range, and a function \
                     that computes it must agree with the method worked by hand at the edges too.",
                )
                .approach(
                    "Work the nearest-rank method by hand on the smallest inputs you can think of \
                     and at both ends of the allowed range of p, then compare with what your \
                     function returns: the rank must never fall outside the sorted samples, and \
                     the order in which samples arrive must not matter.",
                )
                .hint(
                    "look again at p = 100, a single sample, unsorted input and a p outside (0, \
                     100]",
                ),
        )
        // END HIDDEN TESTS
        .run()
}

// ANCHOR: sound_spec
/// A spec that follows every rule, built in code so each check can break one.
fn sound_spec() -> ProblemSpec {
    ProblemSpec {
        product: lab_frame::spec::Product {
            goal: "Keep spam out without losing real mail.".into(),
        },
        target: lab_frame::spec::Target {
            question: "Is this message spam?".into(),
            unit: "message".into(),
            positive: Label::Spam,
            negative: Label::Ham,
        },
        labels: lab_frame::spec::Labels {
            spam: "Bulk mail nobody asked for, sent to many.".into(),
            ham: "Mail the recipient wants or expects to get.".into(),
        },
        costs: Costs {
            false_positive: 30.0,
            false_negative: 0.5,
            true_positive: 0.0,
            true_negative: 0.0,
        },
        metric: MetricSpec {
            optimise: Metric::SpamRecall,
            max_ham_flagged_rate: 0.002,
        },
        baseline: BaselineSpec {
            keywords: vec!["free".into(), "cash".into(), "offer".into()],
            min_hits: 2,
        },
        latency: LatencySpec { p99_ms: 20.0 },
    }
}
// ANCHOR_END: sound_spec

/// The learner's spec, parsed but not validated, so these checks do not
/// wait on `validate` being written.
fn learner_spec() -> Result<ProblemSpec, String> {
    let path = lab_frame::default_spec_path();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    ProblemSpec::parse(&text, &path).map_err(|e| ninety_kit::error::chain(&e))
}

fn spec_parses() -> Result<(), String> {
    learner_spec().map(|_| ())
}

fn spec_valid() -> Result<(), String> {
    ProblemSpec::load(&lab_frame::default_spec_path())
        .map(|_| ())
        .map_err(|e| ninety_kit::error::chain(&e))
}

fn spec_costs_follow_goal() -> Result<(), String> {
    let spec = learner_spec()?;
    let c = spec.costs;
    if !(c.false_negative > 0.0 && c.false_positive >= 10.0 * c.false_negative) {
        return Err(format!(
            "a lost real email costs {} and a spam seen costs {}: a spam seen must cost something, and a lost email at least 10 times as much, or the goal's \"never lose a real email\" is not in the numbers",
            c.false_positive, c.false_negative
        ));
    }
    Ok(())
}

fn spec_constraint() -> Result<(), String> {
    let spec = learner_spec()?;
    let rate = spec.metric.max_ham_flagged_rate;
    if !(rate > 0.0 && rate <= 0.01) {
        return Err(format!(
            "max_ham_flagged_rate is {rate}; expected above 0 and at most 0.01"
        ));
    }
    if spec.metric.optimise == Metric::Accuracy {
        return Err("optimising accuracy rewards flagging nothing when spam is rare".into());
    }
    Ok(())
}

fn validate_accepts() -> Result<(), String> {
    let problems = sound_spec().validate();
    ensure!(
        problems.is_empty(),
        "for a sound spec: expected no problems, got {problems:?}"
    );
    // Each rule's edge is inside it: "at least five", "at most the number
    // of keywords", "at most 0.01".
    type Edge = fn(&mut ProblemSpec);
    let edges: [(&str, Edge); 3] = [
        ("labels.spam of exactly five words", |s| {
            s.labels.spam = "Bulk mail nobody asked for.".into()
        }),
        ("baseline.min_hits equal to the number of keywords", |s| {
            s.baseline.min_hits = 3
        }),
        ("metric.max_ham_flagged_rate of exactly 0.01", |s| {
            s.metric.max_ham_flagged_rate = 0.01
        }),
    ];
    for (edge, set) in edges {
        let mut spec = sound_spec();
        set(&mut spec);
        check_eq!(
            format!("a sound spec with {edge}"),
            Vec::<&str>::new(),
            fields(&spec.validate())
        );
    }
    Ok(())
}

fn fields(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.field.as_str()).collect()
}

fn validate_names_fields() -> Result<(), String> {
    type Breaker = fn(&mut ProblemSpec);
    let cases: Vec<(&str, Breaker)> = vec![
        ("product.goal", |s| s.product.goal = "  ".into()),
        ("target.positive", |s| s.target.positive = Label::Ham),
        ("labels.ham", |s| s.labels.ham = "mail we want".into()),
        ("costs.false_negative", |s| s.costs.false_negative = -1.0),
        ("costs.true_positive", |s| s.costs.true_positive = f64::NAN),
        ("costs.false_positive", |s| s.costs.false_positive = 0.25),
        ("metric.max_ham_flagged_rate", |s| {
            s.metric.max_ham_flagged_rate = 0.0
        }),
        ("metric.max_ham_flagged_rate", |s| {
            s.metric.max_ham_flagged_rate = 0.05
        }),
        ("metric.optimise", |s| s.metric.optimise = Metric::Accuracy),
        ("baseline.keywords", |s| {
            s.baseline.keywords.push("Free Money".into())
        }),
        ("baseline.min_hits", |s| s.baseline.min_hits = 0),
        ("baseline.min_hits", |s| s.baseline.min_hits = 4),
        ("latency.p99_ms", |s| s.latency.p99_ms = f64::INFINITY),
    ];
    for (field, breaker) in cases {
        let mut spec = sound_spec();
        breaker(&mut spec);
        let problems = spec.validate();
        let named = fields(&problems);
        if !named.contains(&field) {
            return Err(format!(
                "breaking `{field}` was not reported; problems named {named:?}"
            ));
        }
        if let Some(extra) = named.iter().find(|f| **f != field) {
            return Err(format!(
                "breaking only `{field}` also reported `{extra}`: {problems:?}"
            ));
        }
        if problems.iter().any(|p| p.message.trim().is_empty()) {
            return Err(format!("a problem with `{field}` has an empty message"));
        }
    }
    // Two broken rules give two problems: validation reports everything.
    let mut spec = sound_spec();
    spec.product.goal.clear();
    spec.latency.p99_ms = 0.0;
    let problems = spec.validate();
    if problems.len() != 2 {
        return Err(format!(
            "two broken rules should give two problems, got {problems:?}"
        ));
    }
    Ok(())
}

fn confusion_counts() -> Result<(), String> {
    use Label::{Ham, Spam};
    let pairs = [
        (Spam, Spam),
        (Spam, Spam),
        (Spam, Ham),
        (Ham, Spam),
        (Ham, Ham),
        (Ham, Ham),
        (Ham, Ham),
    ];
    check_eq!(
        format!("from_pairs of (gold, predicted) {pairs:?}"),
        Confusion {
            spam_caught: 2,
            spam_missed: 1,
            ham_flagged: 1,
            ham_passed: 3
        },
        Confusion::from_pairs(pairs)
    );
    check_eq!(
        "from_pairs of no pairs",
        Confusion::default(),
        Confusion::from_pairs([])
    );
    Ok(())
}

fn rates() -> Result<(), String> {
    let m = Confusion {
        spam_caught: 80,
        spam_missed: 20,
        ham_flagged: 5,
        ham_passed: 895,
    };
    check_close!(
        format!("ham_flagged_rate() of {m:?}"),
        Some(5.0 / 900.0),
        m.ham_flagged_rate()
    );
    check_close!(
        format!("spam_recall() of {m:?}"),
        Some(0.8),
        m.spam_recall()
    );
    check_close!(
        format!("precision() of {m:?}"),
        Some(80.0 / 85.0),
        m.precision()
    );
    let (p, r) = (80.0 / 85.0, 0.8);
    check_close!(
        format!("spam_f1() of {m:?}"),
        Some(2.0 * p * r / (p + r)),
        m.spam_f1()
    );
    check_close!(
        format!("accuracy() of {m:?}"),
        Some(975.0 / 1000.0),
        m.accuracy()
    );
    // A filter that flags nothing: precision is unknown, not zero.
    let silent = Confusion {
        spam_caught: 0,
        spam_missed: 50,
        ham_flagged: 0,
        ham_passed: 950,
    };
    check_close!(
        format!("precision() of a filter that flags nothing, {silent:?}"),
        None,
        silent.precision()
    );
    check_close!(
        format!("spam_recall() of {silent:?}"),
        Some(0.0),
        silent.spam_recall()
    );
    check_close!(
        format!("accuracy() of {silent:?}"),
        Some(0.95),
        silent.accuracy()
    );
    // No ham at all: the rate of lost mail cannot be known.
    let spam_only = Confusion {
        spam_caught: 3,
        spam_missed: 1,
        ham_flagged: 0,
        ham_passed: 0,
    };
    check_close!(
        format!("ham_flagged_rate() with no ham, {spam_only:?}"),
        None,
        spam_only.ham_flagged_rate()
    );
    Ok(())
}

fn cost_totals() -> Result<(), String> {
    let costs = Costs {
        false_positive: 60.0,
        false_negative: 0.5,
        true_positive: 0.0,
        true_negative: 0.0,
    };
    let a = Confusion {
        spam_caught: 90,
        spam_missed: 10,
        ham_flagged: 1,
        ham_passed: 899,
    };
    check_close!(
        format!("total() of {a:?} with {costs:?}"),
        65.0,
        costs.total(&a)
    );
    check_close!(
        format!("per_message() of {a:?} with {costs:?}"),
        Some(0.065),
        costs.per_message(&a)
    );
    // Catching more spam at the price of two more lost emails costs more.
    let b = Confusion {
        spam_caught: 99,
        spam_missed: 1,
        ham_flagged: 3,
        ham_passed: 897,
    };
    check_close!(
        format!("total() of {b:?} with {costs:?}"),
        180.5,
        costs.total(&b)
    );
    let with_gains = Costs {
        true_positive: 0.1,
        true_negative: 0.01,
        ..costs
    };
    check_close!(
        format!("total() of {a:?} with {with_gains:?}"),
        65.0 + 9.0 + 8.99,
        with_gains.total(&a)
    );
    check_close!(
        "per_message() of an empty matrix",
        None,
        costs.per_message(&Confusion::default())
    );
    Ok(())
}

fn constraint() -> Result<(), String> {
    let metric = MetricSpec {
        optimise: Metric::SpamRecall,
        max_ham_flagged_rate: 0.001,
    };
    check_eq!(
        "ham_needed() with max_ham_flagged_rate 0.001",
        3000,
        metric.ham_needed()
    );
    let cases = [
        // Loses 2% of real mail on plenty of ham: rejected.
        (
            Confusion {
                spam_caught: 500,
                spam_missed: 0,
                ham_flagged: 100,
                ham_passed: 4900,
            },
            "violates",
        ),
        // Loses real mail even on a small sample: still rejected.
        (
            Confusion {
                spam_caught: 10,
                spam_missed: 0,
                ham_flagged: 1,
                ham_passed: 99,
            },
            "violates",
        ),
        // Perfect on 100 ham proves nothing about 1 in 1000.
        (
            Confusion {
                spam_caught: 100,
                spam_missed: 0,
                ham_flagged: 0,
                ham_passed: 100,
            },
            "too_few",
        ),
        // Perfect on 5000 ham: accepted.
        (
            Confusion {
                spam_caught: 400,
                spam_missed: 100,
                ham_flagged: 0,
                ham_passed: 5000,
            },
            "meets",
        ),
        // 4 in 5000 is under 1 in 1000: accepted.
        (
            Confusion {
                spam_caught: 400,
                spam_missed: 100,
                ham_flagged: 4,
                ham_passed: 4996,
            },
            "meets",
        ),
        // 5 in 5000 is exactly 1 in 1000: at most the max is accepted.
        (
            Confusion {
                spam_caught: 400,
                spam_missed: 100,
                ham_flagged: 5,
                ham_passed: 4995,
            },
            "meets",
        ),
        // No ham at all.
        (
            Confusion {
                spam_caught: 400,
                spam_missed: 100,
                ham_flagged: 0,
                ham_passed: 0,
            },
            "too_few",
        ),
    ];
    for (m, want) in cases {
        let got = metric.judge(&m);
        let ok = matches!(
            (&got, want),
            (Verdict::Violates { .. }, "violates")
                | (Verdict::TooFewHam { .. }, "too_few")
                | (Verdict::Meets { .. }, "meets")
        );
        ensure!(
            ok,
            "for judge() of {m:?} with max_ham_flagged_rate 0.001: expected {want}, got {got:?}"
        );
        if let Verdict::TooFewHam { .. } = got {
            check_eq!(
                format!("judge() of {m:?} with max_ham_flagged_rate 0.001"),
                Verdict::TooFewHam {
                    ham: m.ham(),
                    needed: 3000
                },
                got
            );
        }
    }
    Ok(())
}

fn baseline_predicts() -> Result<(), String> {
    let spec = BaselineSpec {
        keywords: vec!["free".into(), "cash".into(), "offer".into()],
        min_hits: 2,
    };
    let b = KeywordBaseline::new(&spec);
    let hits = |text: &str, why: &str| {
        format!(
            "hits({text:?}) with the keywords {:?} ({why})",
            spec.keywords
        )
    };
    check_eq!(
        hits("FREE cash!!", "case and punctuation must not matter"),
        2,
        b.hits("FREE cash!!")
    );
    check_eq!(
        hits(
            "free free free",
            "a keyword counts once however often it appears"
        ),
        1,
        b.hits("free free free")
    );
    check_eq!(
        hits("freedom cashews offered", "keywords match whole words only"),
        0,
        b.hits("freedom cashews offered")
    );
    check_eq!(
        "predict(\"Subject: Free offer inside\") with min_hits 2",
        Label::Spam,
        b.predict("Subject: Free offer inside")
    );
    check_eq!(
        "predict(\"Subject: lunch is free today\") with min_hits 2",
        Label::Ham,
        b.predict("Subject: lunch is free today")
    );
    check_eq!(
        "words(\"Money-back, 100%!\")",
        vec!["money", "back", "100"],
        words("Money-back, 100%!").collect::<Vec<_>>()
    );
    Ok(())
}

fn mini_corpus() -> Corpus {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/mini");
    Corpus::open("mini", &root)
        .unwrap_or_else(|e| panic!("the bundled mini corpus does not open: {e}"))
}

fn baseline_on_mini() -> Result<(), String> {
    let corpus = mini_corpus();
    let spec = sound_spec();
    let baseline = KeywordBaseline::new(&spec.baseline);
    let m = baseline.evaluate(&corpus).map_err(|e| e.to_string())?;
    let (ham, spam) = corpus.label_counts();
    if m.ham() != ham as u64 || m.spam() != spam as u64 {
        return Err(format!(
            "{m:?} should count {ham} ham and {spam} spam, every message once"
        ));
    }
    // Every message is counted where its own prediction puts it.
    let mut flagged = 0;
    for message in corpus.messages() {
        let message = message.map_err(|e| e.to_string())?;
        if baseline.predict(&message.text_lossy()) == Label::Spam {
            flagged += 1;
        }
    }
    if m.spam_caught + m.ham_flagged != flagged {
        return Err(format!(
            "the baseline flags {flagged} messages one by one but evaluate counted {}",
            m.spam_caught + m.ham_flagged
        ));
    }
    Ok(())
}

fn latency_percentile() -> Result<(), String> {
    let samples = [12.0, 3.0, 7.0, 5.0, 9.0, 1.0, 4.0, 8.0, 2.0, 6.0];
    for (p, want) in [(50.0, 5.0), (90.0, 9.0), (99.0, 12.0)] {
        check_eq!(
            format!("percentile({samples:?}, {p})"),
            Some(want),
            percentile(&samples, p)
        );
    }
    let many: Vec<f64> = (1..=1000).map(f64::from).collect();
    check_eq!(
        "percentile(1.0 to 1000.0, 99)",
        Some(990.0),
        percentile(&many, 99.0)
    );
    check_eq!("percentile of no samples", None, percentile(&[], 99.0));
    let budget = LatencySpec { p99_ms: 10.0 };
    let report = budget
        .check(&samples)
        .ok_or("check() of ten samples gave no report")?;
    ensure!(
        !report.within_budget,
        "for the samples {samples:?} against a p99 budget of 10 ms: expected over budget (the p99 is 12 ms), got within_budget = true"
    );
    Ok(())
}

// BEGIN HIDDEN TESTS
fn hidden_metrics_edges() -> Result<(), String> {
    let empty = Confusion::default();
    check_close!(
        "spam_recall() of an empty matrix",
        None,
        empty.spam_recall()
    );
    check_close!("spam_f1() of an empty matrix", None, empty.spam_f1());
    check_close!("accuracy() of an empty matrix", None, empty.accuracy());
    let all_wrong = Confusion {
        spam_caught: 0,
        spam_missed: 5,
        ham_flagged: 5,
        ham_passed: 0,
    };
    check_close!(
        format!("spam_f1() of {all_wrong:?}"),
        Some(0.0),
        all_wrong.spam_f1()
    );
    Ok(())
}

fn hidden_percentile_edges() -> Result<(), String> {
    check_eq!("percentile([4.0], 99)", Some(4.0), percentile(&[4.0], 99.0));
    check_eq!(
        "percentile([3.0, 1.0, 2.0], 100)",
        Some(3.0),
        percentile(&[3.0, 1.0, 2.0], 100.0)
    );
    check_eq!(
        "percentile([3.0, 1.0, 2.0], 0)",
        None,
        percentile(&[3.0, 1.0, 2.0], 0.0)
    );
    check_eq!(
        "percentile([3.0, 1.0, 2.0], 101)",
        None,
        percentile(&[3.0, 1.0, 2.0], 101.0)
    );
    Ok(())
}
// END HIDDEN TESTS
