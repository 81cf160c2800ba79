//! The generator's ways of choosing, on the kit's seeded [`Rng`]: a number in a range,
//! a coin with a given chance, one of a list (plain or weighted), a shuffle, random text.
//!
//! The random numbers themselves are the kit's (SplitMix64, [`Rng::fork`] for one stream
//! per message); this only turns them into choices. Every choice draws through
//! [`Rng::below_biased`], one draw per number, because the committed corpus depends on
//! that exact sequence: change how a choice draws and the corpus must be regenerated.
//! These helpers stay here, not in the kit, because the labs ask learners to write their
//! own shuffles and samples with [`Rng::below`].

pub use ninety_kit::rng::Rng;

/// Choices drawn from an [`Rng`]; see the module documentation.
pub trait Draw {
    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64;
    /// True with probability `percent` / 100.
    fn percent(&mut self, percent: u32) -> bool;
    /// One element of a non-empty slice.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T;
    /// One element of a non-empty slice of `(weight, item)` pairs, chosen by weight.
    fn weighted<'a, T>(&mut self, items: &'a [(u32, T)]) -> &'a T;
    /// Shuffles a slice in place (Fisher-Yates).
    fn shuffle<T>(&mut self, items: &mut [T]);
    /// `k` distinct indices from `0..n`, in random order.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize>;
    /// `len` random lowercase hex digits.
    fn hex(&mut self, len: usize) -> String;
    /// `len` random characters from `alphabet`.
    fn chars(&mut self, alphabet: &str, len: usize) -> String;
    /// `len` random bytes.
    fn bytes(&mut self, len: usize) -> Vec<u8>;
}

impl Draw for Rng {
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi, "Draw::range needs lo <= hi");
        let span = (hi - lo) as u64 + 1;
        lo + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as i64
    }

    fn percent(&mut self, percent: u32) -> bool {
        self.below_biased(100) < percent as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        assert!(!items.is_empty(), "Draw::pick needs a non-empty slice");
        &items[self.below_biased(items.len())]
    }

    fn weighted<'a, T>(&mut self, items: &'a [(u32, T)]) -> &'a T {
        let total: u32 = items.iter().map(|(w, _)| *w).sum();
        assert!(total > 0, "Draw::weighted needs a positive total weight");
        let mut roll = self.below_biased(total as usize) as u32;
        for (w, item) in items {
            if roll < *w {
                return item;
            }
            roll -= w;
        }
        &items[items.len() - 1].1
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below_biased(i + 1);
            items.swap(i, j);
        }
    }

    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        self.shuffle(&mut all);
        all.truncate(k.min(n));
        all
    }

    fn hex(&mut self, len: usize) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        (0..len)
            .map(|_| DIGITS[self.below_biased(16)] as char)
            .collect()
    }

    fn chars(&mut self, alphabet: &str, len: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len).map(|_| *self.pick(&chars)).collect()
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_choices() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        let xs: Vec<i64> = (0..100).map(|_| a.range(-5, 5)).collect();
        let ys: Vec<i64> = (0..100).map(|_| b.range(-5, 5)).collect();
        assert_eq!(xs, ys);
        assert_eq!(a.hex(16), b.hex(16));
    }

    #[test]
    fn bounded_helpers_stay_in_bounds() {
        let mut rng = Rng::new(9);
        for _ in 0..1000 {
            assert!(rng.below_biased(7) < 7);
            let r = rng.range(-3, 3);
            assert!((-3..=3).contains(&r));
        }
        let mut v: Vec<u32> = (0..50).collect();
        rng.shuffle(&mut v);
        let mut sorted = v.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        let s = rng.sample(10, 4);
        assert_eq!(s.len(), 4);
        assert!(s.iter().all(|&i| i < 10));
        assert_eq!(rng.hex(12).len(), 12);
        assert_eq!(*rng.weighted(&[(0, 'a'), (5, 'b'), (0, 'c')]), 'b');
        assert!(!rng.percent(0) && rng.percent(100));
    }
}
