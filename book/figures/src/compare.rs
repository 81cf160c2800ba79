//! `capture --compare`: do the committed data files still say what the
//! code produces?
//!
//! CI trains on the real corpus in every run, then captures that run's
//! outputs and compares them with the committed files. What is decided by
//! the data and a seed alone must match exactly: the MIME tree, the split's
//! counts, the run's settings. Training is reproducible to the last digit on
//! one machine, but floating-point sums can come out in another order on
//! another processor, and a few bits can grow into a message or two, so the
//! trained figures are allowed the tolerances below. A difference beyond
//! them means the code now trains a different model than the figures show:
//! capture again and look at the figures before committing them.

use crate::data::{
    Curve, Data, MimeData, OperatingData, ReliabilityBin, ReliabilityData, TrainData,
};

/// How many messages each cell of a test confusion matrix may move.
pub const CELL_TOLERANCE: u64 = 3;
/// How many epochs the run's length and its kept epoch may move.
pub const EPOCH_TOLERANCE: usize = 2;
/// How far an epoch's loss may move: this much, plus
/// [`LOSS_RELATIVE_TOLERANCE`] of the committed value.
pub const LOSS_TOLERANCE: f64 = 0.01;
/// The part of an epoch's loss it may move by on top of
/// [`LOSS_TOLERANCE`].
pub const LOSS_RELATIVE_TOLERANCE: f64 = 0.25;
/// How far an epoch's validation F1 may move (an undefined F1 counts as
/// 0): about two validation spam of the smaller validation set.
pub const F1_TOLERANCE: f64 = 0.05;

/// How many test ham an operating-point curve may slide sideways: two ham
/// messages scored above or below a few spam, anywhere along it. Not past
/// its left end: the spam caught with no ham flagged (the figure's point
/// at the spec's limit) may move by [`CURVE_RECALL_TOLERANCE`] only, so
/// that a ham newly scored above the spam caught there fails the
/// comparison.
pub const CURVE_HAM_SHIFT: u64 = 2;
/// How far, in recall, an operating-point curve may move up or down on top
/// of [`CURVE_HAM_SHIFT`]: 5% of the test spam (16 of the random split's
/// 323). More than [`CELL_TOLERANCE`], because the curve's left end sits
/// where spam are crowded: the fewest ham flagged means a threshold near
/// the top ham's score, and on the real run a dozen spam score within a
/// small nudge of it on either side, so that a slightly different model
/// moves many of them across at once.
pub const CURVE_RECALL_TOLERANCE: f64 = 0.05;

/// How far a reliability bin's mean score may move on top of what
/// [`CELL_TOLERANCE`] messages joining or leaving it could do (each moves
/// the mean of a bin of n by at most the bin's width over n): 0.002 of the
/// score scale, under a pixel of the figure, and small beside the 0.0056
/// by which Platt scaling raised the lowest bin's mean on the real run,
/// the change the calibration section reads off that bin.
pub const BIN_MEAN_TOLERANCE: f64 = 0.002;
/// How far an expected calibration error may move: a few messages changing
/// bins on the random split's 1,143 test messages (each moves it by at most
/// one over the test set's size), and a little score drift within bins.
pub const ECE_TOLERANCE: f64 = 0.004;
/// How far Platt scaling's slope and shift may move. They are fitted on a
/// few hundred validation messages and lean on the most confident of them,
/// whose log-odds a slightly different model moves the most.
pub const PLATT_TOLERANCE: f64 = 0.1;

/// Every difference between `committed` and `fresh` beyond the tolerances,
/// in words, naming the file and the field. Empty when they agree.
pub fn compare(committed: &Data, fresh: &Data) -> Vec<String> {
    let mut out = Vec::new();
    compare_mime(&committed.mime, &fresh.mime, &mut out);
    compare_train(
        "train-random.json",
        &committed.random,
        &fresh.random,
        &mut out,
    );
    compare_train("train-time.json", &committed.time, &fresh.time, &mut out);
    compare_operating(&committed.operating, &fresh.operating, &mut out);
    compare_reliability(&committed.reliability, &fresh.reliability, &mut out);
    out
}

fn compare_mime(a: &MimeData, b: &MimeData, out: &mut Vec<String>) {
    let same = a.corpus == b.corpus
        && a.path == b.path
        && a.sha256 == b.sha256
        && a.bytes == b.bytes
        && a.label == b.label
        && a.subject == b.subject
        && a.root == b.root;
    if !same {
        out.push(format!(
            "mime-tree.json: message `{}` parses differently now (or another message was captured); it must match exactly",
            b.path
        ));
    }
}

fn compare_train(file: &str, a: &TrainData, b: &TrainData, out: &mut Vec<String>) {
    let mut say = |what: String| out.push(format!("{file}: {what}"));
    if (
        &a.corpus,
        a.model,
        a.split,
        a.seed,
        a.max_epochs,
        a.patience,
    ) != (
        &b.corpus,
        b.model,
        b.split,
        b.seed,
        b.max_epochs,
        b.patience,
    ) {
        say(format!(
            "the run's settings differ: committed {} {} split seed {} ({} epochs, patience {}), fresh {} {} split seed {} ({} epochs, patience {})",
            a.corpus,
            a.split,
            a.seed,
            a.max_epochs,
            a.patience,
            b.corpus,
            b.split,
            b.seed,
            b.max_epochs,
            b.patience
        ));
    }
    if a.parts != b.parts {
        say(format!(
            "the split's counts differ; they must match exactly: committed {:?}, fresh {:?}",
            a.parts, b.parts
        ));
    }
    let cells = [
        ("spam_caught", a.test.spam_caught, b.test.spam_caught),
        ("spam_missed", a.test.spam_missed, b.test.spam_missed),
        ("ham_flagged", a.test.ham_flagged, b.test.ham_flagged),
        ("ham_passed", a.test.ham_passed, b.test.ham_passed),
    ];
    for (name, x, y) in cells {
        if x.abs_diff(y) > CELL_TOLERANCE {
            say(format!(
                "test {name} is {y}, committed {x}: more than {CELL_TOLERANCE} messages apart"
            ));
        }
    }
    if a.epochs.len().abs_diff(b.epochs.len()) > EPOCH_TOLERANCE {
        say(format!(
            "the run has {} epochs, committed {}: more than {EPOCH_TOLERANCE} apart",
            b.epochs.len(),
            a.epochs.len()
        ));
    }
    if a.best_epoch.abs_diff(b.best_epoch) > EPOCH_TOLERANCE {
        say(format!(
            "the kept epoch is {}, committed {}: more than {EPOCH_TOLERANCE} apart",
            b.best_epoch, a.best_epoch
        ));
    }
    for (x, y) in a.epochs.iter().zip(&b.epochs) {
        let loss_ok =
            |p: f64, q: f64| (p - q).abs() <= LOSS_TOLERANCE + LOSS_RELATIVE_TOLERANCE * p;
        if !loss_ok(x.train_loss, y.train_loss) || !loss_ok(x.valid_loss, y.valid_loss) {
            say(format!(
                "epoch {}: losses train {:.4} valid {:.4}, committed {:.4} and {:.4}: beyond the tolerance",
                x.epoch, y.train_loss, y.valid_loss, x.train_loss, x.valid_loss
            ));
        }
        let f1 = |v: Option<f64>| v.unwrap_or(0.0);
        if (f1(x.valid_f1) - f1(y.valid_f1)).abs() > F1_TOLERANCE {
            say(format!(
                "epoch {}: validation F1 {:.4}, committed {:.4}: more than {F1_TOLERANCE} apart",
                x.epoch,
                f1(y.valid_f1),
                f1(x.valid_f1)
            ));
        }
    }
}

fn compare_operating(a: &OperatingData, b: &OperatingData, out: &mut Vec<String>) {
    let mut say = |what: String| out.push(format!("operating-points.json: {what}"));
    if (&a.corpus, a.split, a.seed) != (&b.corpus, b.split, b.seed) {
        say(format!(
            "from another run: committed {} {} split seed {}, fresh {} {} split seed {}",
            a.corpus, a.split, a.seed, b.corpus, b.split, b.seed
        ));
    }
    if (a.test_spam, a.test_ham) != (b.test_spam, b.test_ham) {
        say(format!(
            "the test part holds {} spam and {} ham, committed {} and {}; they must match exactly",
            b.test_spam, b.test_ham, a.test_spam, a.test_ham
        ));
        return;
    }
    let models = |d: &OperatingData| d.curves.iter().map(|c| c.model).collect::<Vec<_>>();
    if models(a) != models(b) {
        say(format!(
            "the curves are of {:?}, committed {:?}",
            models(b),
            models(a)
        ));
        return;
    }
    let slack = (CURVE_RECALL_TOLERANCE * a.test_spam as f64).round() as u64;
    for (x, y) in a.curves.iter().zip(&b.curves) {
        let model = x.model;
        for (name, p, q) in [
            ("spam caught", x.at_half.spam_caught, y.at_half.spam_caught),
            ("ham flagged", x.at_half.ham_flagged, y.at_half.ham_flagged),
        ] {
            if p.abs_diff(q) > CELL_TOLERANCE {
                say(format!(
                    "{model} at 0.5: {name} {q}, committed {p}: more than {CELL_TOLERANCE} messages apart"
                ));
            }
        }
        let outside = outside_band(x, y, a.test_ham, slack)
            .map(|k| (k, x.caught_at(k), y.caught_at(k)))
            .or_else(|| {
                outside_band(y, x, a.test_ham, slack).map(|k| (k, x.caught_at(k), y.caught_at(k)))
            });
        if let Some((k, p, q)) = outside {
            say(format!(
                "{model}'s curve: with at most {k} ham flagged it catches {q} spam, committed {p}: beyond {CURVE_HAM_SHIFT} ham sideways and {slack} spam ({CURVE_RECALL_TOLERANCE} of recall) up or down"
            ));
        }
    }
}

fn compare_reliability(a: &ReliabilityData, b: &ReliabilityData, out: &mut Vec<String>) {
    let mut say = |what: String| out.push(format!("reliability.json: {what}"));
    if (&a.corpus, a.split, a.seed, a.valid_messages)
        != (&b.corpus, b.split, b.seed, b.valid_messages)
    {
        say(format!(
            "from another run: committed {} {} split seed {} ({} validation messages), fresh {} {} split seed {} ({})",
            a.corpus,
            a.split,
            a.seed,
            a.valid_messages,
            b.corpus,
            b.split,
            b.seed,
            b.valid_messages
        ));
    }
    let edges = |t: &[ReliabilityBin]| t.iter().map(|x| (x.low, x.high)).collect::<Vec<_>>();
    for (name, x, y) in [
        ("raw", &a.before, &b.before),
        ("calibrated", &a.after, &b.after),
    ] {
        if edges(x) != edges(y) {
            say(format!(
                "the {name} table has {} bins, committed {}, or other edges; the bins must match exactly",
                y.len(),
                x.len()
            ));
            continue;
        }
        for (p, q) in x.iter().zip(y) {
            let bin = format!("the {name} bin {} to {}", p.low, p.high);
            for (what, m, n) in [("messages", p.count, q.count), ("spam", p.spam(), q.spam())] {
                if m.abs_diff(n) > CELL_TOLERANCE {
                    say(format!(
                        "{bin} holds {n} {what}, committed {m}: more than {CELL_TOLERANCE} apart"
                    ));
                }
            }
            let allowed = BIN_MEAN_TOLERANCE
                + (p.high - p.low) * CELL_TOLERANCE as f64 / p.count.max(1) as f64;
            if p.count > 0 && q.count > 0 && (p.mean_score - q.mean_score).abs() > allowed {
                say(format!(
                    "{bin}'s mean score is {:.4}, committed {:.4}: more than {allowed:.4} apart",
                    q.mean_score, p.mean_score
                ));
            }
        }
    }
    let ece = |v: Option<f64>| v.unwrap_or(f64::NAN);
    for (name, m, n) in [
        ("raw", a.ece_before, b.ece_before),
        ("calibrated", ece(a.ece_after), ece(b.ece_after)),
    ] {
        // Both absent (NaN) agree; one absent does not.
        let same = (m.is_nan() && n.is_nan()) || (m - n).abs() <= ECE_TOLERANCE;
        if !same {
            say(format!(
                "the {name} expected calibration error is {n:.4}, committed {m:.4}: more than {ECE_TOLERANCE} apart"
            ));
        }
    }
    let platt_ok = match (a.platt, b.platt) {
        (None, None) => true,
        (Some(p), Some(q)) => {
            (p.a - q.a).abs() <= PLATT_TOLERANCE && (p.b - q.b).abs() <= PLATT_TOLERANCE
        }
        _ => false,
    };
    if !platt_ok {
        let show = |p: Option<crate::data::Platt>| {
            p.map_or("none".to_owned(), |p| {
                format!("a = {:.4}, b = {:.4}", p.a, p.b)
            })
        };
        say(format!(
            "Platt scaling fitted {}, committed {}: more than {PLATT_TOLERANCE} apart",
            show(b.platt),
            show(a.platt)
        ));
    }
}

/// The first count of ham flagged at which curve `b` leaves the band around
/// curve `a`: `a` slid up to [`CURVE_HAM_SHIFT`] ham either way and `slack`
/// spam up or down. `None` when `b` stays inside it all along.
fn outside_band(a: &Curve, b: &Curve, test_ham: u64, slack: u64) -> Option<u64> {
    (0..=test_ham).find(|&k| {
        let low = a.caught_at(k.saturating_sub(CURVE_HAM_SHIFT));
        let high = a.caught_at((k + CURVE_HAM_SHIFT).min(test_ham));
        let got = b.caught_at(k);
        got + slack < low || got > high + slack
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_data;

    #[test]
    fn identical_data_agree() {
        let d = test_data();
        assert!(compare(&d, &d).is_empty());
    }

    #[test]
    fn training_may_move_a_little_and_not_more() {
        let committed = test_data();
        let mut fresh = committed.clone();
        fresh.random.test.spam_caught += CELL_TOLERANCE;
        fresh.random.epochs[0].valid_loss *= 1.1;
        assert!(compare(&committed, &fresh).is_empty());
        fresh.time.test.ham_flagged += CELL_TOLERANCE + 1;
        let problems = compare(&committed, &fresh);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("train-time.json: test ham_flagged"));
    }

    #[test]
    fn a_curve_may_slide_a_little_and_not_more() {
        let committed = test_data();
        let mut fresh = committed.clone();
        let slack = (CURVE_RECALL_TOLERANCE * committed.operating.test_spam as f64).round() as u64;
        // The curve past its first two ham a ham to the right, all of it a
        // few spam lower, and the 0.5 points moved as far as a confusion
        // cell may.
        for curve in &mut fresh.operating.curves {
            for p in &mut curve.points {
                if p.ham_flagged >= 2 {
                    p.ham_flagged += 1;
                }
                p.spam_caught = p.spam_caught.saturating_sub(slack / 2);
            }
            curve.at_half.ham_flagged += CELL_TOLERANCE;
        }
        assert!(compare(&committed, &fresh).is_empty());
        // Three ham to the right is too far where the curve climbs.
        let mut far = committed.clone();
        for p in &mut far.operating.curves[1].points {
            if p.ham_flagged > 0 {
                p.ham_flagged += CURVE_HAM_SHIFT + 1;
            }
        }
        let problems = compare(&committed, &far);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("operating-points.json: logreg's curve"),
            "{problems:?}"
        );
        // So is a start much lower, or a 0.5 point four messages off.
        let mut low = committed.clone();
        low.operating.curves[0].points[0].spam_caught -= slack + 1;
        low.operating.curves[0].at_half.spam_caught += CELL_TOLERANCE + 1;
        let problems = compare(&committed, &low);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("fasttext at 0.5: spam caught"));
        assert!(problems[1].contains("fasttext's curve: with at most 0 ham flagged"));
    }

    #[test]
    fn the_band_is_checked_both_ways() {
        let committed = test_data();
        let mut fresh = committed.clone();
        // A fresh curve that starts far higher: within the committed one
        // slid left, but the committed start is not within the fresh one.
        let c = &mut fresh.operating.curves[0];
        let third = c.caught_at(2);
        c.points[0].spam_caught = third;
        c.points
            .retain(|p| p.ham_flagged == 0 || p.spam_caught > third);
        let problems = compare(&committed, &fresh);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("with at most 0 ham flagged"));
    }

    #[test]
    fn a_reliability_table_may_move_a_little_and_not_more() {
        let committed = test_data();
        let mut fresh = committed.clone();
        let r = &mut fresh.reliability;
        // Three messages from the lowest bin into the next, a little drift
        // in the scores and the fit.
        r.before[0].count -= CELL_TOLERANCE;
        r.before[1].count += CELL_TOLERANCE;
        r.before[0].mean_score += BIN_MEAN_TOLERANCE / 2.0;
        r.ece_before += ECE_TOLERANCE / 2.0;
        if let Some(p) = &mut r.platt {
            p.a -= PLATT_TOLERANCE / 2.0;
        }
        assert!(compare(&committed, &fresh).is_empty());
        // A fourth message, an ECE twice the tolerance off, a slope far off.
        let mut far = fresh.clone();
        far.reliability.before[0].count -= 1;
        far.reliability.ece_after = far.reliability.ece_after.map(|e| e + 2.0 * ECE_TOLERANCE);
        if let Some(p) = &mut far.reliability.platt {
            p.a -= PLATT_TOLERANCE;
        }
        let problems = compare(&committed, &far);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("reliability.json: the raw bin 0 to 0.1 holds"));
        assert!(problems[1].contains("calibrated expected calibration error"));
        assert!(problems[2].contains("Platt scaling fitted"));
        // The lowest bin's raw mean score where the calibrated one is: too
        // far.
        let mut moved = committed.clone();
        moved.reliability.before[0].mean_score = committed.reliability.after[0].mean_score;
        let problems = compare(&committed, &moved);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("mean score"), "{problems:?}");
        // Other bins: never within a tolerance.
        let mut other = committed.clone();
        other.reliability.after.pop();
        let problems = compare(&committed, &other);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("the calibrated table has"),
            "{problems:?}"
        );
    }

    #[test]
    fn the_split_and_the_message_must_match_exactly() {
        let committed = test_data();
        let mut fresh = committed.clone();
        fresh.random.parts[0].spam += 1;
        fresh.mime.root.parts[0].sent_bytes += 1;
        fresh.operating.test_ham += 1;
        let problems = compare(&committed, &fresh);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("mime-tree.json"));
        assert!(problems[1].contains("split's counts"));
        assert!(problems[2].starts_with("operating-points.json: the test part"));
    }
}
