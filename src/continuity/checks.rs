//! Soft checks of a submission against the member's answers of the previous
//! edition: a figure that jumps by more than the question's factor, and a
//! figure for a year both editions ask that is not the one given then.
//! They warn; the member confirms them or corrects the figure.

use super::{Matching, year_of};
use crate::answers::Cells;
use crate::definition::{Cell, Kind, UNKNOWN};

/// One figure to confirm before a submission is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The question of this edition it belongs to.
    pub question: String,
    /// The answer column it concerns (`A10_2021`).
    pub column: String,
    /// What the member confirms: the column, the check and the figure, so
    /// that a confirmation holds only for the figure that was warned about.
    pub key: String,
    /// The sentence shown beside the question and recorded with the revision.
    pub message: String,
}

fn figure(v: &str) -> Option<u64> {
    if v == UNKNOWN { None } else { v.parse().ok() }
}

/// Whether `new` is more than `factor` times above or below `old`. A zero
/// counts as one, so that 0 → 3 is not a jump and 0 → 5000 is.
pub fn jumps(old: u64, new: u64, factor: f64) -> bool {
    let (a, b) = (old.max(1) as f64, new.max(1) as f64);
    b > a * factor || b < a / factor
}

/// The warnings about `now` (this edition's cells, as they would be stored)
/// given `before` (the member's last submitted cells of the previous edition).
pub fn warnings(m: &Matching, before: &Cells, now: &Cells) -> Vec<Warning> {
    let mut out = Vec::new();
    let year = m.before.year;
    for pair in m.pairs.iter().filter(|p| p.compatible()) {
        if !matches!(
            pair.now.kind,
            Kind::Number { .. } | Kind::NumberPerYear { .. } | Kind::MatrixNumber { .. }
        ) {
            continue;
        }
        let factor = m.now.jump_factor_of(pair.now);
        let columns = m.columns(pair);
        let mut warn = |i: usize, check: &str, new: u64, message: String| {
            let column = m.now.columns()[i].name.clone();
            out.push(Warning {
                question: pair.now.id.clone(),
                key: format!("{column}:{check}:{new}"),
                column,
                message,
            });
        };
        let jump = |old: u64, new: u64| {
            let how = if new > old { "more" } else { "less" };
            format!(
                "{new} is {how} than {factor} times the {old} you gave in {year}: please check the figure."
            )
        };
        if let Kind::NumberPerYear { .. } = pair.now.kind {
            // The latest figure of last year, for the years asked only now.
            let latest_before = pair
                .before
                .cells
                .clone()
                .filter_map(|j| Some((year_of(&m.before.columns()[j].cell)?, figure(&before[j])?)))
                .max_by_key(|(y, _)| *y);
            for i in pair.now.cells.clone() {
                let (Some(y), Some(new)) = (year_of(&m.now.columns()[i].cell), figure(&now[i]))
                else {
                    continue;
                };
                match columns.iter().find(|(n, _)| *n == i) {
                    Some(&(_, j)) => {
                        if let Some(old) = figure(&before[j])
                            && old != new
                        {
                            warn(
                                i,
                                "year",
                                new,
                                format!(
                                    "For {y} you give {new}; in {year} you gave {old} for the same year: please check which is right."
                                ),
                            );
                        }
                    }
                    None => {
                        if let Some((by, old)) = latest_before
                            && by < y
                            && jumps(old, new, factor)
                        {
                            let how = if new > old { "more" } else { "less" };
                            warn(
                                i,
                                "jump",
                                new,
                                format!(
                                    "{new} for {y} is {how} than {factor} times the {old} you gave for {by} in {year}: please check the figure."
                                ),
                            );
                        }
                    }
                }
            }
            continue;
        }
        // A row of a matrix is named, as the question asks several figures.
        let row_label = |i: usize| match (&pair.now.kind, &m.now.columns()[i].cell) {
            (Kind::MatrixNumber { rows, .. }, Cell::Row { row }) => rows
                .iter()
                .find(|r| &r.code == row)
                .map(|r| format!("{}: ", r.label))
                .unwrap_or_default(),
            _ => String::new(),
        };
        for (i, j) in columns {
            if let (Some(old), Some(new)) = (figure(&before[j]), figure(&now[i]))
                && jumps(old, new, factor)
            {
                let message = format!("{}{}", row_label(i), jump(old, new));
                warn(i, "jump", new, message);
            }
        }
    }
    out
}
