//! Deciding to say so: rules that fire on a change and hold their fire on
//! noise.
//!
//! A statistic computed on every window moves even when nothing happened:
//! windows are samples. A rule that fires whenever it crosses a line
//! fires on every unlucky window, and a team that is paged for nothing
//! learns to ignore the pager. Two remedies: ask the crossing to last,
//! or accumulate the evidence of a change until it is strong enough.

// ANCHOR: sustained
/// Fires when a statistic stays above `threshold` for `windows` windows
/// in a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sustained {
    /// The line a statistic must be above (strictly).
    pub threshold: f64,
    /// How many windows in a row (0 is taken as 1).
    pub windows: usize,
}
// ANCHOR_END: sustained

impl Sustained {
    /// The index of the first window at which the rule fires: the window
    /// that completes the first run of `windows` values in a row above
    /// `threshold`. None when it never does.
    pub fn first_alarm(&self, stats: &[f64]) -> Option<usize> {
        // BEGIN SOLUTION: count the run of values above the line, reset on
        //   one at or below it, fire when the run is long enough
        let need = self.windows.max(1);
        let mut run = 0;
        for (i, &s) in stats.iter().enumerate() {
            if s > self.threshold {
                run += 1;
                if run >= need {
                    return Some(i);
                }
            } else {
                run = 0;
            }
        }
        None
        // END SOLUTION
    }
}

// ANCHOR: page_hinkley
/// The Page-Hinkley test for a rise in the mean of a stream: it keeps the
/// cumulative sum of each value's excess over the running mean (less an
/// allowance `delta`) and fires when that sum has climbed more than
/// `lambda` above its lowest point.
#[derive(Debug, Clone, PartialEq)]
pub struct PageHinkley {
    /// The rise per value tolerated as noise.
    pub delta: f64,
    /// How far the sum must climb to fire.
    pub lambda: f64,
    /// Values seen.
    pub n: u64,
    /// Their running mean.
    pub mean: f64,
    /// The cumulative sum.
    pub sum: f64,
    /// Its lowest point so far.
    pub lowest: f64,
}
// ANCHOR_END: page_hinkley

impl PageHinkley {
    /// A test that has seen nothing. Given.
    pub fn new(delta: f64, lambda: f64) -> Self {
        Self {
            delta,
            lambda,
            n: 0,
            mean: 0.0,
            sum: 0.0,
            lowest: 0.0,
        }
    }

    /// Takes one value and says whether the test fires: first the count
    /// and the running mean take `x`, then the sum adds `x - mean -
    /// delta` (with the updated mean), then the lowest point takes the
    /// sum; it fires when `sum - lowest > lambda`.
    pub fn update(&mut self, x: f64) -> bool {
        // BEGIN SOLUTION: the mean, the sum, its lowest point, the climb
        self.n += 1;
        self.mean += (x - self.mean) / self.n as f64;
        self.sum += x - self.mean - self.delta;
        self.lowest = self.lowest.min(self.sum);
        self.sum - self.lowest > self.lambda
        // END SOLUTION
    }
}
