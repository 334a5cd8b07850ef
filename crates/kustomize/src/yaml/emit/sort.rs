//! Mapping key order as go-yaml v2 prints it: its "natural" comparison
//! (letters after other characters, digit runs compared as numbers) run
//! through Go's `sort.Sort`.
//!
//! The comparison is not a strict weak order for every input (digit runs
//! overflow, and the rules for mixed classes are not transitive), so the
//! result can depend on the algorithm. Go's pattern-defeating quicksort is
//! therefore reproduced step by step: with the same comparisons and swaps
//! the same order comes out, and no Rust sort can panic on an inconsistent
//! comparison.

use super::unicode_tables::{DECIMAL_DIGIT, LETTER};

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let code = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < code {
                std::cmp::Ordering::Less
            } else if lo > code {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Go's `unicode.IsLetter`.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_table(LETTER, c)
}

/// Go's `unicode.IsDigit`.
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_table(DECIMAL_DIGIT, c)
}

/// A digit's value the way Go computes it (`rune - '0'`), which is far
/// off for non-ASCII digits; kept for identical results.
fn digit_value(c: char) -> i64 {
    i64::from(c as i32 - '0' as i32)
}

/// go-yaml v2's `keyList.Less` for two string keys, given as code points.
pub(super) fn key_less(a: &[char], b: &[char]) -> bool {
    for i in 0..a.len().min(b.len()) {
        if a[i] == b[i] {
            continue;
        }
        let a_letter = is_letter(a[i]);
        let b_letter = is_letter(b[i]);
        if a_letter && b_letter {
            return a[i] < b[i];
        }
        if a_letter || b_letter {
            return b_letter;
        }
        // Compare the digit runs starting here as numbers. A zero after
        // non-zero digits continues a number, so it must not compare as a
        // leading zero: seed both sides with 1 in that case.
        let mut a_num: i64 = 0;
        let mut b_num: i64 = 0;
        if a[i] == '0' || b[i] == '0' {
            let continues_number = a[..i]
                .iter()
                .rev()
                .take_while(|&&c| is_digit(c))
                .any(|&c| c != '0');
            if continues_number {
                a_num = 1;
                b_num = 1;
            }
        }
        let mut a_end = i;
        while a_end < a.len() && is_digit(a[a_end]) {
            a_num = a_num.wrapping_mul(10).wrapping_add(digit_value(a[a_end]));
            a_end += 1;
        }
        let mut b_end = i;
        while b_end < b.len() && is_digit(b[b_end]) {
            b_num = b_num.wrapping_mul(10).wrapping_add(digit_value(b[b_end]));
            b_end += 1;
        }
        if a_num != b_num {
            return a_num < b_num;
        }
        if a_end != b_end {
            return a_end < b_end;
        }
        return a[i] < b[i];
    }
    a.len() < b.len()
}

/// Go's `sort.Sort` (pdqsort, Go 1.19 and later) over `data` with `less`.
pub(super) fn go_sort<T>(data: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = data.len();
    if n <= 1 {
        return;
    }
    let limit = usize::BITS - n.leading_zeros();
    let mut sorter = GoSorter { data, less };
    sorter.pdqsort(0, n, limit);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SortedHint {
    Unknown,
    Increasing,
    Decreasing,
}

struct GoSorter<'a, T, F> {
    data: &'a mut [T],
    less: F,
}

impl<T, F: Fn(&T, &T) -> bool> GoSorter<'_, T, F> {
    fn less(&self, i: usize, j: usize) -> bool {
        (self.less)(&self.data[i], &self.data[j])
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.data.swap(i, j);
    }

    fn insertion_sort(&mut self, a: usize, b: usize) {
        for i in a + 1..b {
            let mut j = i;
            while j > a && self.less(j, j - 1) {
                self.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    fn sift_down(&mut self, lo: usize, hi: usize, first: usize) {
        let mut root = lo;
        loop {
            let mut child = 2 * root + 1;
            if child >= hi {
                return;
            }
            if child + 1 < hi && self.less(first + child, first + child + 1) {
                child += 1;
            }
            if !self.less(first + root, first + child) {
                return;
            }
            self.swap(first + root, first + child);
            root = child;
        }
    }

    fn heap_sort(&mut self, a: usize, b: usize) {
        let first = a;
        let hi = b - a;
        for i in (0..hi.div_ceil(2)).rev() {
            self.sift_down(i, hi, first);
        }
        for i in (0..hi).rev() {
            self.swap(first, first + i);
            self.sift_down(0, i, first);
        }
    }

    fn pdqsort(&mut self, mut a: usize, mut b: usize, mut limit: u32) {
        const MAX_INSERTION: usize = 12;
        let mut was_balanced = true;
        let mut was_partitioned = true;
        loop {
            let length = b - a;
            if length <= MAX_INSERTION {
                self.insertion_sort(a, b);
                return;
            }
            if limit == 0 {
                self.heap_sort(a, b);
                return;
            }
            if !was_balanced {
                self.break_patterns(a, b);
                limit -= 1;
            }
            let (mut pivot, mut hint) = self.choose_pivot(a, b);
            if hint == SortedHint::Decreasing {
                self.reverse_range(a, b);
                pivot = (b - 1) - (pivot - a);
                hint = SortedHint::Increasing;
            }
            if was_balanced
                && was_partitioned
                && hint == SortedHint::Increasing
                && self.partial_insertion_sort(a, b)
            {
                return;
            }
            if a > 0 && !self.less(a - 1, pivot) {
                a = self.partition_equal(a, b, pivot);
                continue;
            }
            let (mid, already_partitioned) = self.partition(a, b, pivot);
            was_partitioned = already_partitioned;
            let (left, right) = (mid - a, b - mid);
            let balance_threshold = length / 8;
            if left < right {
                was_balanced = left >= balance_threshold;
                self.pdqsort(a, mid, limit);
                a = mid + 1;
            } else {
                was_balanced = right >= balance_threshold;
                self.pdqsort(mid + 1, b, limit);
                b = mid;
            }
        }
    }

    fn partition(&mut self, a: usize, b: usize, pivot: usize) -> (usize, bool) {
        self.swap(a, pivot);
        // `i` and `j` are inclusive bounds of what is left to partition;
        // `j` may step just below `a + 1`, so it is kept signed.
        let (mut i, mut j) = (a + 1, b as isize - 1);
        while i as isize <= j && self.less(i, a) {
            i += 1;
        }
        while i as isize <= j && !self.less(j as usize, a) {
            j -= 1;
        }
        if i as isize > j {
            self.swap(j as usize, a);
            return (j as usize, true);
        }
        self.swap(i, j as usize);
        i += 1;
        j -= 1;
        loop {
            while i as isize <= j && self.less(i, a) {
                i += 1;
            }
            while i as isize <= j && !self.less(j as usize, a) {
                j -= 1;
            }
            if i as isize > j {
                break;
            }
            self.swap(i, j as usize);
            i += 1;
            j -= 1;
        }
        self.swap(j as usize, a);
        (j as usize, false)
    }

    fn partition_equal(&mut self, a: usize, b: usize, pivot: usize) -> usize {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b as isize - 1);
        loop {
            while i as isize <= j && !self.less(a, i) {
                i += 1;
            }
            while i as isize <= j && self.less(a, j as usize) {
                j -= 1;
            }
            if i as isize > j {
                break;
            }
            self.swap(i, j as usize);
            i += 1;
            j -= 1;
        }
        i
    }

    fn partial_insertion_sort(&mut self, a: usize, b: usize) -> bool {
        const MAX_STEPS: usize = 5;
        const SHORTEST_SHIFTING: usize = 50;
        let mut i = a + 1;
        for _ in 0..MAX_STEPS {
            while i < b && !self.less(i, i - 1) {
                i += 1;
            }
            if i == b {
                return true;
            }
            if b - a < SHORTEST_SHIFTING {
                return false;
            }
            self.swap(i, i - 1);
            if i - a >= 2 {
                let mut j = i - 1;
                while j >= 1 {
                    if !self.less(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                    j -= 1;
                }
            }
            if b - i >= 2 {
                let mut j = i + 1;
                while j < b {
                    if !self.less(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                    j += 1;
                }
            }
        }
        false
    }

    fn break_patterns(&mut self, a: usize, b: usize) {
        let length = b - a;
        if length < 8 {
            return;
        }
        let mut random = length as u64;
        let modulus = 1usize << (usize::BITS - length.leading_zeros());
        let start = a + (length / 4) * 2 - 1;
        for idx in start..=start + 2 {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            let mut other = (random as usize) & (modulus - 1);
            if other >= length {
                other -= length;
            }
            self.swap(idx, a + other);
        }
    }

    fn choose_pivot(&mut self, a: usize, b: usize) -> (usize, SortedHint) {
        const SHORTEST_NINTHER: usize = 50;
        const MAX_SWAPS: usize = 4 * 3;
        let l = b - a;
        let mut swaps = 0;
        let mut i = a + l / 4;
        let mut j = a + l / 4 * 2;
        let mut k = a + l / 4 * 3;
        if l >= 8 {
            if l >= SHORTEST_NINTHER {
                i = self.median_adjacent(i, &mut swaps);
                j = self.median_adjacent(j, &mut swaps);
                k = self.median_adjacent(k, &mut swaps);
            }
            j = self.median(i, j, k, &mut swaps);
        }
        let hint = match swaps {
            0 => SortedHint::Increasing,
            MAX_SWAPS => SortedHint::Decreasing,
            _ => SortedHint::Unknown,
        };
        (j, hint)
    }

    fn order2(&self, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
        if self.less(b, a) {
            *swaps += 1;
            (b, a)
        } else {
            (a, b)
        }
    }

    fn median(&self, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
        let (a, b) = self.order2(a, b, swaps);
        let (b, c) = self.order2(b, c, swaps);
        let _ = c;
        let (_, b) = self.order2(a, b, swaps);
        b
    }

    fn median_adjacent(&self, a: usize, swaps: &mut usize) -> usize {
        self.median(a - 1, a, a + 1, swaps)
    }

    fn reverse_range(&mut self, a: usize, b: usize) {
        let (mut i, mut j) = (a, b - 1);
        while i < j {
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut items: Vec<Vec<char>> = keys.iter().map(|k| k.chars().collect()).collect();
        go_sort(&mut items, |a, b| key_less(a, b));
        items.into_iter().map(|k| k.into_iter().collect()).collect()
    }

    #[test]
    fn natural_order() {
        assert_eq!(
            sorted(&["b", "a10", "a2", "A", "_x", "1", "a02"]),
            ["_x", "1", "A", "a2", "a02", "a10", "b"]
        );
        assert_eq!(
            sorted(&["item10", "item9", "item1"]),
            ["item1", "item9", "item10"]
        );
    }

    #[test]
    fn go_sort_sorts_long_inputs() {
        let mut values: Vec<u32> = (0..500).map(|i| (i * 7919) % 503).collect();
        go_sort(&mut values, |a, b| a < b);
        assert!(values.windows(2).all(|w| w[0] <= w[1]));
        let mut desc: Vec<u32> = (0..200).rev().collect();
        go_sort(&mut desc, |a, b| a < b);
        assert!(desc.windows(2).all(|w| w[0] <= w[1]));
    }
}
