//! Alerts that someone can act on. A page that says "drift" helps nobody
//! at three in the morning; one that says which statistic, how far past
//! its threshold, since which window and between which requests, does.
//! And a rule that has fired stays quiet until what it watches has come
//! back: one incident, one alert, not one a window.

use ninety_kit::records::monitor::{Alert, Rule, Window};

// ANCHOR: evidence
// ANCHOR: evidence_doc
/// The alert `rule` raises when it fires at window `fired` of `windows`,
/// `series` holding the rule's statistic for each window (as many values
/// as windows).
///
/// The onset is the first window of the run of windows above the threshold
/// that ends at `fired` (walk back from `fired` while the value before is
/// above it). The alert keeps the values from the onset to `fired`, the
/// onset window's first request, the fired window's last request, and
/// `fired_at`: the log position of the fired window's last prediction
/// (its `start` plus its `messages`, less one).
pub fn evidence(rule: &Rule, series: &[f64], windows: &[Window], fired: usize) -> Alert {
    // ANCHOR_END: evidence_doc
    // BEGIN SOLUTION: walk back to the start of the run, then copy the
    //   evidence out of the windows
    let mut onset = fired;
    while onset > 0 && series[onset - 1] > rule.threshold {
        onset -= 1;
    }
    let last = &windows[fired];
    Alert {
        statistic: rule.statistic.clone(),
        fired_window: fired,
        onset_window: onset,
        fired_at: last.start + last.messages.saturating_sub(1),
        first_request: windows[onset].first_request.clone(),
        last_request: last.last_request.clone(),
        values: series[onset..=fired].to_vec(),
        threshold: rule.threshold,
        meaning: rule.meaning.clone(),
    }
    // END SOLUTION
}
// ANCHOR_END: evidence

// ANCHOR: rearm
// ANCHOR: rearm_doc
/// Where `rule` may look for its next alarm after firing at window `fired`:
/// the window after the first run of `rule.windows` windows in a row at or
/// below the threshold that follows `fired` (the statistic has come back
/// and stayed back). None when it never comes back: the incident is still
/// on, and one alert said so.
pub fn rearm(rule: &Rule, series: &[f64], fired: usize) -> Option<usize> {
    // ANCHOR_END: rearm_doc
    // BEGIN SOLUTION: count calm windows after the firing; a value above
    //   the threshold starts the count again
    let need = rule.windows.max(1);
    let mut calm = 0;
    for (i, &v) in series.iter().enumerate().skip(fired + 1) {
        if v > rule.threshold {
            calm = 0;
        } else {
            calm += 1;
            if calm == need {
                return Some(i + 1);
            }
        }
    }
    None
    // END SOLUTION
}
// ANCHOR_END: rearm
