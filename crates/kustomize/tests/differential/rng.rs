//! A small deterministic PRNG (splitmix64): one seed gives one tree, on
//! every machine and in every run.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }

    /// Up to `max` distinct items, in a random order.
    pub fn some<T: Clone>(&mut self, items: &[T], min: usize, max: usize) -> Vec<T> {
        let mut pool: Vec<T> = items.to_vec();
        let n = self.range(min.min(pool.len()), max.min(pool.len()));
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(pool.remove(self.below(pool.len())));
        }
        out
    }
}
