//! How far a window of traffic is from the reference.
//!
//! The reference is what the model was checked on (the evaluation's test
//! scores, the training texts' tokens); a window is a stretch of served
//! traffic. Each statistic here answers "how different?" with one number,
//! without labels: that is their worth, since labels come late.

/// The smallest share a bin is given: an empty bin would make PSI
/// infinite, and one message more or less should not.
pub const FLOOR: f64 = 1e-4;

// ANCHOR: quantile_edges
/// The inner edges of `bins` bins that share `reference` equally: for each
/// `i` in `1..bins`, the value at index `i * n / bins` (rounded down) of
/// the sorted reference, `n` its length. An edge equal to the one before
/// it is left out (a reference with many equal values gives fewer bins).
/// No edges (one bin) for an empty reference or fewer than 2 bins.
pub fn quantile_edges(reference: &[f64], bins: usize) -> Vec<f64> {
    // BEGIN SOLUTION: sort a copy, read the edges off at i·n/bins,
    //   keep each edge once
    if reference.is_empty() || bins < 2 {
        return Vec::new();
    }
    let mut sorted = reference.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let mut edges: Vec<f64> = Vec::with_capacity(bins - 1);
    for i in 1..bins {
        let edge = sorted[i * n / bins];
        if edges.last() != Some(&edge) {
            edges.push(edge);
        }
    }
    edges
    // END SOLUTION
}
// ANCHOR_END: quantile_edges

// ANCHOR: shares
/// The share of `values` in each of the `edges.len() + 1` bins: bin 0
/// holds the values below `edges[0]`, bin `i` those at least `edges[i-1]`
/// and below `edges[i]`, the last those at least the last edge. A share
/// is never below [`FLOOR`] (with no values, every share is `FLOOR`).
pub fn shares(values: &[f64], edges: &[f64]) -> Vec<f64> {
    // BEGIN SOLUTION: count each value into the bin of the edges at or
    //   below it, divide by the count, lift each share to the floor
    let mut counts = vec![0u64; edges.len() + 1];
    for v in values {
        counts[edges.partition_point(|e| e <= v)] += 1;
    }
    let n = values.len() as f64;
    counts
        .iter()
        .map(|&c| {
            if values.is_empty() {
                FLOOR
            } else {
                (c as f64 / n).max(FLOOR)
            }
        })
        .collect()
    // END SOLUTION
}
// ANCHOR_END: shares

// ANCHOR: psi
/// The population stability index of `current` against `reference`:
/// over the bins of `reference`'s [`quantile_edges`] (`bins` of them),
/// the sum of `(c - r) × ln(c / r)`, `c` and `r` the two [`shares`] of a
/// bin. 0 when nothing moved; by a common reading, above 0.1 is a change
/// worth a look and above 0.25 a large one.
pub fn psi(reference: &[f64], current: &[f64], bins: usize) -> f64 {
    // BEGIN SOLUTION: the reference's edges, both sets of shares, the sum
    let edges = quantile_edges(reference, bins);
    let r = shares(reference, &edges);
    let c = shares(current, &edges);
    r.iter().zip(&c).map(|(r, c)| (c - r) * (c / r).ln()).sum()
    // END SOLUTION
}
// ANCHOR_END: psi

// ANCHOR: ks
/// The two-sample Kolmogorov-Smirnov statistic: the largest gap, over
/// every value, between the share of `a` at most that value and the
/// share of `b` at most it. 0 when either is empty. Equal values count
/// together: the gap is measured after every copy of a value is counted.
pub fn ks(a: &[f64], b: &[f64]) -> f64 {
    // BEGIN SOLUTION: walk both sorted samples together, taking every
    //   copy of the smaller value from each before measuring the gap
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut gap) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let v = if a[i] <= b[j] { a[i] } else { b[j] };
        while i < a.len() && a[i] <= v {
            i += 1;
        }
        while j < b.len() && b[j] <= v {
            j += 1;
        }
        gap = gap.max((i as f64 / na - j as f64 / nb).abs());
    }
    gap
    // END SOLUTION
}
// ANCHOR_END: ks

// ANCHOR: js
/// The Jensen-Shannon divergence, in bits (0 to 1), between the token
/// distributions `p` and `q`, two tables of counts indexed alike: `p[i]`
/// and `q[i]` count the same token (past the end of the shorter table, a
/// count is 0). With `m` the average of the two distributions, half of
/// `KL(p ‖ m)` plus half of `KL(q ‖ m)`, logarithms base 2, a term with a
/// zero share counting 0. 0 when both are empty (every count 0); 1 when
/// only one is.
pub fn js(p: &[u64], q: &[u64]) -> f64 {
    // BEGIN SOLUTION: the totals, then for each token the two KL terms
    //   against the average of its two shares
    let (np, nq) = (p.iter().sum::<u64>(), q.iter().sum::<u64>());
    match (np, nq) {
        (0, 0) => return 0.0,
        (0, _) | (_, 0) => return 1.0,
        _ => {}
    }
    // log2 of a count: looked up for counts below 65,536 (the table is
    // made once, the first time it is wanted), computed above.
    fn log2_count(n: u64) -> f64 {
        static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
        let table = TABLE.get_or_init(|| (0..1u32 << 16).map(|k| f64::from(k).log2()).collect());
        table
            .get(n as usize)
            .copied()
            .unwrap_or_else(|| (n as f64).log2())
    }
    // Written for speed as well as truth, since the monitor runs it on
    // every window: with shares a = x / np and b = y / nq, one token's two
    // terms, ½·a·log2(a/m) + ½·b·log2(b/m) with m = (a + b) / 2, are
    //   ½·(a·(1 + log2 a) + b·(1 + log2 b) − (a + b)·log2(a + b)),
    // and log2 a = log2 x − log2 np: the logarithm of a count, which
    // `log2_count` looks up. That leaves one logarithm a token, not two.
    let (lp, lq) = (log2_count(np), log2_count(nq));
    let (fp, fq) = (np as f64, nq as f64);
    let mut total = 0.0;
    for i in 0..p.len().max(q.len()) {
        let x = p.get(i).copied().unwrap_or(0);
        let y = q.get(i).copied().unwrap_or(0);
        let (a, b) = (x as f64 / fp, y as f64 / fq);
        total += if x == 0 || y == 0 {
            // A token on one side only: its share s against the average
            // s / 2 gives s·log2(2) = s, and the zero side adds nothing.
            (a + b) / 2.0
        } else {
            let la = log2_count(x) - lp;
            let lb = log2_count(y) - lq;
            (a * (1.0 + la) + b * (1.0 + lb) - (a + b) * (a + b).log2()) / 2.0
        };
    }
    total.clamp(0.0, 1.0)
    // END SOLUTION
}
// ANCHOR_END: js
