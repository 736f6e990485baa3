//! The figures given in one column of numbers, counted by value: enough for
//! the median, the quartiles and the range without a row per member.

use super::{NumberStats, NumberValue};

/// Fresh values are counted into the runs once there are this many (or as
/// many as there are runs, so that a column of all-different figures costs
/// O(n log n), not O(n²)).
const FRESH_MAX: usize = 4_096;

/// One column's figures: how many members gave each value, and how many
/// answered "unknown". Memory grows with the number of different values,
/// not with the members (figures repeat: 0, round numbers).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Figures {
    unknown: usize,
    /// Values not yet counted into `runs`, in no order.
    fresh: Vec<u64>,
    /// (value, how many gave it), by value, each value once.
    runs: Vec<(u64, usize)>,
}

impl Figures {
    pub(super) fn add(&mut self, v: NumberValue) {
        match v {
            NumberValue::Value(n) => {
                self.fresh.push(n);
                if self.fresh.len() >= FRESH_MAX.max(self.runs.len()) {
                    self.compact();
                }
            }
            NumberValue::Unknown => self.unknown += 1,
            NumberValue::Blank => {}
        }
    }

    /// Counts the fresh values into the runs.
    fn compact(&mut self) {
        if self.fresh.is_empty() {
            return;
        }
        self.fresh.sort_unstable();
        let mut counted: Vec<(u64, usize)> = Vec::new();
        for &v in &self.fresh {
            match counted.last_mut() {
                Some((last, n)) if *last == v => *n += 1,
                _ => counted.push((v, 1)),
            }
        }
        self.fresh.clear();
        self.runs = merge_runs(std::mem::take(&mut self.runs), counted);
    }

    pub(super) fn merge(&mut self, mut other: Figures) {
        self.unknown += other.unknown;
        self.compact();
        other.compact();
        self.runs = merge_runs(std::mem::take(&mut self.runs), other.runs);
    }

    /// How many gave a figure.
    fn reported(&self) -> usize {
        self.runs.iter().map(|(_, n)| n).sum::<usize>() + self.fresh.len()
    }

    /// The `k`-th smallest figure (from 0); the runs must be compact.
    fn nth(&self, k: usize) -> Option<u64> {
        let mut seen = 0;
        for &(v, n) in &self.runs {
            seen += n;
            if k < seen {
                return Some(v);
            }
        }
        None
    }

    /// Median and range, "unknown" counted apart.
    pub(super) fn stats(&mut self) -> NumberStats {
        self.compact();
        let n = self.reported();
        let median = match n {
            0 => None,
            n if n % 2 == 1 => self.nth(n / 2).map(|v| v as f64),
            n => self
                .nth(n / 2 - 1)
                .zip(self.nth(n / 2))
                .map(|(a, b)| (a as f64 + b as f64) / 2.0),
        };
        NumberStats {
            reported: n,
            unknown: self.unknown,
            median,
            min: self.runs.first().map(|(v, _)| *v),
            max: self.runs.last().map(|(v, _)| *v),
        }
    }

    /// The lower and upper quartiles, interpolated between the figures
    /// around them (as spreadsheets' QUARTILE.INC and numpy do).
    pub(super) fn quartiles(&mut self) -> Option<(f64, f64)> {
        self.compact();
        let last = self.reported().checked_sub(1)?;
        let quantile = |p: f64| {
            let h = last as f64 * p;
            let below = h.floor() as usize;
            let a = self.nth(below)? as f64;
            let b = self.nth((below + 1).min(last))? as f64;
            Some(a + (h - below as f64) * (b - a))
        };
        quantile(0.25).zip(quantile(0.75))
    }
}

/// Two sorted run lists as one, equal values added up.
fn merge_runs(a: Vec<(u64, usize)>, b: Vec<(u64, usize)>) -> Vec<(u64, usize)> {
    if b.is_empty() {
        return a;
    }
    if a.is_empty() {
        return b;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        if x.0 == y.0 {
            out.push((x.0, x.1 + y.1));
            i += 1;
            j += 1;
        } else if x.0 < y.0 {
            out.push(x);
            i += 1;
        } else {
            out.push(y);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Median and range of the figures given; "unknown" counted apart.
pub fn number_stats(values: impl Iterator<Item = NumberValue>) -> NumberStats {
    let mut figures = Figures::default();
    for v in values {
        figures.add(v);
    }
    figures.stats()
}

#[cfg(test)]
mod tests {
    use super::*;
    use NumberValue::*;

    fn of(values: &[u64]) -> Figures {
        let mut f = Figures::default();
        for &v in values {
            f.add(Value(v));
        }
        f
    }

    #[test]
    fn quartiles_are_interpolated_between_the_figures_around_them() {
        // 1, 2, 3, 4: positions 0.75 and 2.25.
        assert_eq!(of(&[4, 1, 3, 2]).quartiles(), Some((1.75, 3.25)));
        assert_eq!(of(&[7]).quartiles(), Some((7.0, 7.0)));
        assert_eq!(of(&[]).quartiles(), None);
    }

    #[test]
    fn figures_counted_in_runs_give_the_median_of_every_figure() {
        // More values than FRESH_MAX: 5,000 different ones, four times each.
        let values: Vec<u64> = (0..20_000u64).map(|i| (i * 7_919) % 5_000).collect();
        let mut sorted = values.clone();
        sorted.sort_unstable();
        let mut f = of(&values);
        let s = f.stats();
        assert_eq!(s.reported, values.len());
        assert_eq!(
            s.median,
            Some((sorted[9_999] as f64 + sorted[10_000] as f64) / 2.0)
        );
        assert_eq!(
            (s.min, s.max),
            (sorted.first().copied(), sorted.last().copied())
        );
        assert_eq!(f.runs.len(), 5_000, "equal values share a run");
    }

    #[test]
    fn merged_figures_equal_the_figures_of_both_halves_counted_together() {
        let values: Vec<u64> = (0..9_000u64).map(|i| (i * 31) % 977).collect();
        let mut whole = of(&values);
        whole.add(Unknown);
        let (left, right) = values.split_at(4_321);
        let mut merged = of(right);
        merged.merge(of(left));
        merged.add(Unknown);
        assert_eq!(merged.stats(), whole.stats());
        assert_eq!(merged.quartiles(), whole.quartiles());
        assert_eq!(merged, whole);
    }
}
