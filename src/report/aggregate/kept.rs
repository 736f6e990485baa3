//! Answers kept with their member's place in the member list: every one
//! while the report lists members, else a bounded sample, the first in the
//! member list's order, whatever order the rows come in.

/// A list of answers (texts, a member's numbers, a profile row), each with
/// its member's position in the member list, and how many there were.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Kept<T> {
    /// How many answers were offered, kept or not.
    pub(super) count: usize,
    /// (member position, answer). While every answer is kept they are in
    /// arrival order; in a sample they are sorted by position.
    items: Vec<(usize, T)>,
    /// How many a sample keeps.
    sample: usize,
}

impl<T> Kept<T> {
    pub(super) fn new(sample: usize) -> Self {
        Kept {
            count: 0,
            items: Vec::new(),
            sample,
        }
    }

    /// Offers the answer of the member at `position`; `make` runs only if
    /// the answer is kept, so a sample costs no allocation per row once full.
    pub(super) fn push(&mut self, position: usize, all: bool, make: impl FnOnce() -> T) {
        self.count += 1;
        if all {
            self.items.push((position, make()));
            return;
        }
        if self.items.len() >= self.sample {
            match self.items.last() {
                Some((last, _)) if *last > position => {
                    self.items.pop();
                }
                _ => return,
            }
        }
        let at = self.items.partition_point(|(p, _)| *p < position);
        self.items.insert(at, (position, make()));
    }

    /// Keeps only the sample: the first answers in the member list's order.
    pub(super) fn keep_sample(&mut self) {
        self.items.sort_by_key(|(p, _)| *p);
        self.items.truncate(self.sample);
    }

    /// Adds the answers of another part of the same edition.
    pub(super) fn merge(&mut self, other: Kept<T>, all: bool) {
        self.count += other.count;
        self.items.extend(other.items);
        if !all {
            self.keep_sample();
        }
    }

    /// The answers kept, in the member list's order.
    pub(super) fn into_sorted(mut self) -> Vec<(usize, T)> {
        self.items.sort_by_key(|(p, _)| *p);
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_of(order: &[usize]) -> Vec<usize> {
        let mut kept = Kept::new(3);
        for &p in order {
            kept.push(p, false, || p * 10);
        }
        assert_eq!(kept.count, order.len());
        kept.into_sorted().into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn a_sample_keeps_the_first_members_in_list_order_whatever_the_arrival_order() {
        assert_eq!(sample_of(&[0, 1, 2, 3, 4, 5]), [0, 1, 2]);
        assert_eq!(sample_of(&[5, 4, 3, 2, 1, 0]), [0, 1, 2]);
        assert_eq!(sample_of(&[4, 0, 5, 2, 3, 1]), [0, 1, 2]);
        assert_eq!(sample_of(&[9, 7]), [7, 9]);
    }

    #[test]
    fn an_empty_sample_keeps_nothing_but_counts() {
        let mut kept = Kept::new(0);
        kept.push(1, false, || "text");
        assert_eq!(kept.count, 1);
        assert!(kept.into_sorted().is_empty());
    }

    #[test]
    fn a_list_that_stops_keeping_everything_keeps_its_first_members() {
        let mut kept = Kept::new(2);
        for p in [8, 3, 5] {
            kept.push(p, true, || p);
        }
        kept.keep_sample();
        kept.push(1, false, || 1);
        let mut other = Kept::new(2);
        other.push(2, false, || 2);
        kept.merge(other, false);
        assert_eq!(kept.count, 5);
        assert_eq!(kept.into_sorted(), [(1, 1), (2, 2)]);
    }
}
