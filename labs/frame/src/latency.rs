//! The latency budget, and the percentile it is judged by.
//!
//! A budget on the mean hides the slow requests users notice; the spec
//! states a 99th percentile instead.

use crate::spec::LatencySpec;

/// The `p`th percentile (0 < p <= 100) of `samples` by the nearest-rank
/// method: sort, then take the value at rank `ceil(p / 100 * n)` (1-based).
/// `None` when there are no samples or `p` is out of range.
pub fn percentile(samples: &[f64], p: f64) -> Option<f64> {
    // BEGIN SOLUTION: give the p-th percentile of the samples by the nearest-rank method
    if samples.is_empty() || !(p > 0.0 && p <= 100.0) {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
    // END SOLUTION
}

/// How a set of timings compares with the budget (a record the frame
/// stage writes, so it lives in the kit).
pub use ninety_kit::records::frame::LatencyReport;

impl LatencySpec {
    /// Compares timings (milliseconds) with the budget; `None` without samples.
    pub fn check(&self, samples_ms: &[f64]) -> Option<LatencyReport> {
        let p99 = percentile(samples_ms, 99.0)?;
        Some(LatencyReport {
            p99_ms: p99,
            budget_ms: self.p99_ms,
            within_budget: p99 <= self.p99_ms,
        })
    }
}
