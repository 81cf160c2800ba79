//! A small seeded random number generator, the same on every machine.
//!
//! Labeling queues, data splits and the bundled mini corpus must come out
//! the same for every learner who uses the same seed, on any platform and
//! with any version of any crate, so the course fixes its generator here: SplitMix64 (Steele, Lea
//! and Flood, 2014), which passes the usual statistical batteries and is a
//! few lines long. It is not for cryptography.

/// SplitMix64: a 64-bit state advanced by a fixed odd constant and mixed.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`, each equally likely (`0` when `n` is 0). Uses
    /// Lemire's multiply-and-reject, so there is no modulo bias.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let n = n as u64;
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as usize;
            }
        }
    }

    /// A number in `0..n` from exactly one draw, by one multiply and a
    /// shift (`0` when `n` is 0), without [`below`](Self::below)'s
    /// rejection step. Slightly biased: some values are more likely than
    /// others by at most one chance in 2^64, which no test of word choices
    /// can see. It exists for the mini corpus generator, whose committed
    /// output depends on this exact sequence of draws; use `below` anywhere
    /// a fair draw matters.
    pub fn below_biased(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// An independent generator derived from this one's state and `tag`,
    /// without advancing `self`. Giving each part of a job its own fork
    /// (one per message, say) means a part that draws one number more does
    /// not shift the numbers of every part after it.
    pub fn fork(&self, tag: u64) -> Rng {
        let mut mixer = Rng::new(self.state ^ tag.wrapping_mul(0xA076_1D64_78BD_642F));
        Rng::new(mixer.next_u64())
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A seed made from a name, so that "ana's queue" is the same queue on every
/// run without anyone choosing a number (FNV-1a over the bytes).
pub fn seed_from(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_sequence() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let mut r = Rng::new(7);
        assert!(a.iter().all(|&x| x == r.next_u64()));
        assert_ne!(Rng::new(8).next_u64(), a[0]);
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut r = Rng::new(1);
        let mut counts = [0usize; 6];
        for _ in 0..60_000 {
            counts[r.below(6)] += 1;
        }
        // Each face 10,000 expected; 5 standard deviations is about 450.
        assert!(
            counts.iter().all(|&c| (9_500..=10_500).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(r.below(0), 0);
        assert_eq!(r.below(1), 0);
        let u = r.unit();
        assert!((0.0..1.0).contains(&u));
    }

    #[test]
    fn matches_the_reference_splitmix64_sequence() {
        // Reference values of SplitMix64 seeded with 0.
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(r.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn forks_are_deterministic_independent_and_leave_the_parent_alone() {
        let root = Rng::new(7);
        let a = root.fork(1).next_u64();
        assert_eq!(a, root.fork(1).next_u64());
        assert_ne!(a, root.fork(2).next_u64());
        // Forking does not advance the parent.
        let mut parent = root.clone();
        let _ = parent.fork(3);
        assert_eq!(parent.next_u64(), Rng::new(7).next_u64());
        // How a fork is seeded is fixed: the mini corpus depends on it.
        let seed = Rng::new(7 ^ 0xA076_1D64_78BD_642F).next_u64();
        assert_eq!(a, Rng::new(seed).next_u64());
    }

    #[test]
    fn below_biased_is_one_draw_in_range() {
        let mut r = Rng::new(5);
        let mut same = Rng::new(5);
        for n in [1, 2, 7, 100, 1 << 40] {
            let x = r.below_biased(n);
            assert!(x < n);
            // One draw, mapped by multiply and shift.
            assert_eq!(
                x,
                ((u128::from(same.next_u64()) * n as u128) >> 64) as usize
            );
        }
        assert_eq!(r.below_biased(0), 0);
        // For small bounds it agrees with the fair draw, which almost never rejects.
        let (mut a, mut b) = (Rng::new(9), Rng::new(9));
        for _ in 0..1000 {
            assert_eq!(a.below_biased(10), b.below(10));
        }
    }

    #[test]
    fn seeds_from_names_differ() {
        assert_ne!(seed_from("ana"), seed_from("bob"));
        assert_eq!(seed_from("ana"), seed_from("ana"));
    }
}
