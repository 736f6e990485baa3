//! One edition beside the one before: which question of the earlier edition
//! each question continues, and whether its answers still fit. The member's
//! form (last year's answers, "start from last year", the soft checks), the
//! `diff` command and the secretariat's response page all go through
//! [`Matching`]; the report can call it too. No HTTP here.

pub mod carry;
pub mod checks;
pub mod diff;
pub mod edition;

use crate::definition::{Cell, Choice, Kind, Question, Survey};

/// How the answers of an earlier question fit the question that continues it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fit {
    /// Every answer of the earlier question is an answer of this one
    /// (the same options, or more).
    Same,
    /// Some options (or matrix columns, or text parts) of the earlier
    /// question are gone: an answer that used one of them does not fit.
    Narrowed { removed: Vec<String> },
    /// No earlier answer can be an answer of this question.
    Incompatible { why: String },
}

/// A question of this edition and the earlier question it continues.
#[derive(Debug, Clone)]
pub struct Pair<'a> {
    pub now: &'a Question,
    pub before: &'a Question,
    /// Matched through the question's `previous_id`, not by its own id.
    pub renamed: bool,
    pub fit: Fit,
}

impl Pair<'_> {
    /// Whether earlier answers can be read into this question (some may not fit).
    pub fn compatible(&self) -> bool {
        !matches!(self.fit, Fit::Incompatible { .. })
    }
}

/// Every question of one edition set against the edition before it.
#[derive(Debug, Clone)]
pub struct Matching<'a> {
    pub before: &'a Survey,
    pub now: &'a Survey,
    /// In the questionnaire order of `now`.
    pub pairs: Vec<Pair<'a>>,
}

/// Matches the questions of `now` with those of `before`: a question
/// continues the earlier question named by its `previous_id`, else the one
/// with its own id (unless another question claims that one by its
/// `previous_id`).
pub fn match_editions<'a>(before: &'a Survey, now: &'a Survey) -> Matching<'a> {
    let claimed: Vec<&str> = now
        .questions()
        .filter_map(|q| q.previous_id.as_deref())
        .collect();
    let pairs = now
        .questions()
        .filter_map(|q| {
            let (earlier, renamed) = match &q.previous_id {
                Some(p) => (before.question(p)?, true),
                None if claimed.contains(&q.id.as_str()) => return None,
                None => (before.question(&q.id)?, false),
            };
            Some(Pair {
                now: q,
                before: earlier,
                renamed,
                fit: fit(before, earlier, now, q),
            })
        })
        .collect();
    Matching { before, now, pairs }
}

impl<'a> Matching<'a> {
    /// The pair of the question of `now` with this id.
    pub fn pair(&self, now_id: &str) -> Option<&Pair<'a>> {
        self.pairs.iter().find(|p| p.now.id == now_id)
    }

    /// The questions of `now` that continue no earlier question.
    pub fn added(&self) -> Vec<&'a Question> {
        self.now
            .questions()
            .filter(|q| self.pair(&q.id).is_none())
            .collect()
    }

    /// The questions of `before` that no question of `now` continues.
    pub fn removed(&self) -> Vec<&'a Question> {
        self.before
            .questions()
            .filter(|q| !self.pairs.iter().any(|p| p.before.id == q.id))
            .collect()
    }

    /// For a compatible pair: each column of `now` (by index) with the
    /// column of `before` that holds the same part of the answer (the same
    /// option's text, year, row, part or place). Empty for an incompatible pair.
    pub fn columns(&self, pair: &Pair) -> Vec<(usize, usize)> {
        if !pair.compatible() {
            return Vec::new();
        }
        pair.now
            .cells
            .clone()
            .filter_map(|i| {
                let cell = &self.now.columns()[i].cell;
                let j = pair
                    .before
                    .cells
                    .clone()
                    .find(|&j| &self.before.columns()[j].cell == cell)?;
                Some((i, j))
            })
            .collect()
    }
}

/// Codes of `before` that `now` does not have.
fn gone(before: &[Choice], now: &[Choice]) -> Vec<String> {
    before
        .iter()
        .filter(|b| !now.iter().any(|n| n.code == b.code))
        .map(|b| b.code.clone())
        .collect()
}

/// Fit of a list of codes: the same (or more), some gone, or none in common.
fn fit_codes(before: &[Choice], now: &[Choice], noun: &str) -> Fit {
    let removed = gone(before, now);
    if removed.is_empty() {
        Fit::Same
    } else if removed.len() == before.len() {
        Fit::Incompatible {
            why: format!("no {noun} in common"),
        }
    } else {
        Fit::Narrowed { removed }
    }
}

fn fit(before_s: &Survey, before: &Question, now_s: &Survey, now: &Question) -> Fit {
    let incompatible = |why: String| Fit::Incompatible { why };
    let (b, n) = (&before.kind, &now.kind);
    let same_family =
        b.name() == n.name() || matches!((b, n), (Kind::YesNo { .. }, Kind::YesNo { .. }));
    if !same_family {
        return incompatible(format!(
            "the type changed from {} to {}",
            b.name(),
            n.name()
        ));
    }
    match (b, n) {
        (
            Kind::Single { options: bo, .. }
            | Kind::Multi { options: bo }
            | Kind::YesNo { options: bo },
            Kind::Single { options: no, .. }
            | Kind::Multi { options: no }
            | Kind::YesNo { options: no },
        ) => fit_codes(bo, no, "option"),
        (Kind::Number { unit: bu, .. }, Kind::Number { unit: nu, .. }) if bu != nu => {
            let unit = |u: &Option<String>| u.clone().unwrap_or_else(|| "none".into());
            incompatible(format!(
                "the unit changed from {} to {}",
                unit(bu),
                unit(nu)
            ))
        }
        (Kind::Scale { min: a, max: b, .. }, Kind::Scale { min: c, max: d, .. })
            if (a, b) != (c, d) =>
        {
            incompatible(format!("the scale changed from {a}–{b} to {c}–{d}"))
        }
        (Kind::Text { parts: bp, .. }, Kind::Text { parts: np, .. }) => {
            match (bp.is_empty(), np.is_empty()) {
                (true, true) => Fit::Same,
                (false, false) => {
                    let removed: Vec<String> = bp
                        .iter()
                        .filter(|p| !np.iter().any(|q| q.code == p.code))
                        .map(|p| p.code.clone())
                        .collect();
                    if removed.len() == bp.len() {
                        incompatible("no part in common".into())
                    } else if removed.is_empty() {
                        Fit::Same
                    } else {
                        Fit::Narrowed { removed }
                    }
                }
                _ => incompatible("one text box became several parts, or the other way".into()),
            }
        }
        (Kind::MatrixChoice { columns: bc, .. }, Kind::MatrixChoice { columns: nc, .. }) => {
            fit_codes(bc, nc, "column")
        }
        (Kind::Rank { of: bof, .. }, Kind::Rank { of: nof, .. }) => {
            let options = |s: &Survey, of: &str| {
                s.question(of)
                    .and_then(|q| q.kind.options())
                    .map(<[Choice]>::to_vec)
                    .unwrap_or_default()
            };
            fit_codes(&options(before_s, bof), &options(now_s, nof), "option")
        }
        // Numbers, numbers per year and matrices of numbers fit cell by cell
        // (a year or a row that is not asked again is simply not carried).
        _ => Fit::Same,
    }
}

/// The year of a column, for the checks of figures per year.
pub(crate) fn year_of(cell: &Cell) -> Option<i32> {
    match cell {
        Cell::Year { year } => Some(*year),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
