//! Behavioural tests: what the model should do, written down and checked
//! like a program's tests.
//!
//! A test set measures the model on the mail it happened to hold. A
//! behavioural suite asks a question the test set never asks outright:
//! does shouting the same words change the verdict? Does a signature at the
//! end? Does an unsubscribe footer make a message look less like a mailing,
//! ever? Each suite is a list of cases, each case a message before and
//! after one change (or one message written for the purpose), and an
//! expectation. A suite's pass rate is a number a team can put a gate on.
//!
//! The changes and the written messages are given; what counts as a pass
//! is yours to write.

use serde::Serialize;

// ANCHOR: expectation
/// What a case expects of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expectation {
    /// Invariance: the change should not matter.
    Same,
    /// Direction: the change makes the message more like spam, so its
    /// score should not fall.
    Up,
    /// Minimum functionality: a message written to be plainly spam
    /// (`true`) or plainly ham (`false`).
    Label(bool),
}

/// One case: a score before a change (absent for a written message), the
/// score after it, and what was expected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// The suite it belongs to: `shouting`, `unsubscribe-footer`, ...
    pub suite: String,
    /// The message it came from, or the written message's name.
    pub name: String,
    /// What was expected.
    pub expect: Expectation,
    /// The score of the message before the change.
    pub before: Option<f64>,
    /// The score after the change (of the written message itself).
    pub after: f64,
}
// ANCHOR_END: expectation

/// Whether `case` passes, with the model flagging a message when its score
/// is at least `threshold`:
/// - [`Expectation::Same`]: the decision is the same before and after, and
///   the score moved by at most `tolerance` either way;
/// - [`Expectation::Up`]: the score did not fall by more than `tolerance`;
/// - [`Expectation::Label`]: the decision is the label written (flagged
///   for spam, not flagged for ham).
///
/// A `Same` or `Up` case without a score before fails: there is nothing
/// to compare.
pub fn passes(case: &Case, threshold: f64, tolerance: f64) -> bool {
    // BEGIN SOLUTION: compare the decisions and the scores the
    //   expectation is about
    let flagged = |s: f64| s >= threshold;
    match (case.expect, case.before) {
        (Expectation::Same, Some(before)) => {
            flagged(before) == flagged(case.after) && (case.after - before).abs() <= tolerance
        }
        (Expectation::Up, Some(before)) => case.after >= before - tolerance,
        (Expectation::Label(spam), _) => flagged(case.after) == spam,
        (Expectation::Same | Expectation::Up, None) => false,
    }
    // END SOLUTION
}

/// One suite's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suite {
    /// Its name.
    pub name: String,
    /// What its cases expect: `same`, `up` or `label`.
    pub kind: String,
    /// Cases passed.
    pub passed: u64,
    /// Cases.
    pub total: u64,
    /// The names of up to five failed cases, to look at.
    pub failures: Vec<String>,
}

impl Suite {
    /// The share of cases that passed (1 for an empty suite: nothing
    /// failed).
    pub fn rate(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.passed as f64 / self.total as f64
        }
    }
}

/// The suites of `cases`, in the order their first case comes. Given: it
/// calls your [`passes`].
pub fn suites(cases: &[Case], threshold: f64, tolerance: f64) -> Vec<Suite> {
    let mut out: Vec<Suite> = Vec::new();
    for case in cases {
        let i = match out.iter().position(|s| s.name == case.suite) {
            Some(i) => i,
            None => {
                out.push(Suite {
                    name: case.suite.clone(),
                    kind: match case.expect {
                        Expectation::Same => "same",
                        Expectation::Up => "up",
                        Expectation::Label(_) => "label",
                    }
                    .into(),
                    passed: 0,
                    total: 0,
                    failures: Vec::new(),
                });
                out.len() - 1
            }
        };
        let suite = &mut out[i];
        suite.total += 1;
        if passes(case, threshold, tolerance) {
            suite.passed += 1;
        } else if suite.failures.len() < 5 {
            suite.failures.push(case.name.clone());
        }
    }
    out
}

// ANCHOR: changes
/// A change made to a message's text for a suite, and what it expects.
pub struct Change {
    /// The suite's name.
    pub suite: &'static str,
    /// What the change should do to the score.
    pub expect: Expectation,
    /// The change.
    pub apply: fn(&str) -> String,
}

/// The changes the evaluate stage makes to test messages. Given.
pub fn changes() -> Vec<Change> {
    vec![
        Change {
            suite: "shouting",
            expect: Expectation::Same,
            apply: |t| t.to_uppercase(),
        },
        Change {
            suite: "whitespace",
            expect: Expectation::Same,
            apply: |t| t.split_whitespace().collect::<Vec<_>>().join("  \n "),
        },
        Change {
            suite: "signature",
            expect: Expectation::Same,
            apply: |t| format!("{t}\n\n-- \nSam Okafor\nOps team, third floor\n"),
        },
        Change {
            suite: "quoted-reply",
            expect: Expectation::Same,
            apply: |t| {
                let quoted: Vec<String> = t.lines().map(|l| format!("> {l}")).collect();
                format!(
                    "Thanks, noted.\n\nOn Tuesday, Sam wrote:\n{}",
                    quoted.join("\n")
                )
            },
        },
        Change {
            suite: "unsubscribe-footer",
            expect: Expectation::Up,
            apply: |t| {
                format!(
                    "{t}\n\nYou are receiving this because you opted in. To unsubscribe \
                     from future mailings, click here and remove your address."
                )
            },
        },
        Change {
            suite: "payment-link",
            expect: Expectation::Up,
            apply: |t| {
                format!(
                    "{t}\n\nAct now: claim your cash reward today at \
                     http://secure-payment-verify.example/claim?id=88213 before the offer expires!"
                )
            },
        },
    ]
}

/// Messages written for the minimum-functionality suites: a name, the
/// text the model reads (subject and body), and whether it is spam.
/// Given.
pub fn written() -> Vec<(&'static str, &'static str, bool)> {
    vec![
        (
            "lottery win",
            "YOU HAVE WON!!! Claim your $1,000,000 prize now\nCongratulations! Your email was \
             selected in our international lottery. Send your bank details today to receive \
             your cash prize. Act now, this offer expires!",
            true,
        ),
        (
            "cheap pills",
            "Cheap meds online, no prescription\nBuy viagra and other pills at 80% off. \
             Free shipping worldwide. Order now and save $$$! Click here to order.",
            true,
        ),
        (
            "work from home",
            "Make $5000 a week from home!!!\nEarn money fast with this amazing opportunity. \
             No experience needed. Limited time offer, reply now to get started. Remove me \
             from this list.",
            true,
        ),
        (
            "mortgage rates",
            "Lowest mortgage rates guaranteed\nRefinance today and save thousands! Our \
             lenders compete for your business. Free quote, no obligation. Click below to \
             apply now.",
            true,
        ),
        (
            "meeting moved",
            "Re: meeting on Thursday\nCan we move the review to 3pm? I need the morning to \
             finish the patch for the build failure. Let me know if that works.",
            false,
        ),
        (
            "mailing list question",
            "Re: [Razor-users] question about razor-check\nI ran razor-check on the sample \
             and it returned an error about the config file. Has anyone seen this with the \
             latest version of the package?",
            false,
        ),
        (
            "patch review",
            "Re: patch for the kernel module\nThe patch looks fine to me, but the function \
             should check the return value before freeing the buffer. I can test it on my \
             machine tonight.",
            false,
        ),
        (
            "dinner plans",
            "dinner saturday?\nHi, are you and Chris free on Saturday evening? We were \
             thinking of trying the new place near the station. Bring the kids if you like.",
            false,
        ),
    ]
}
// ANCHOR_END: changes
