//! Last year's answers read into this year's questionnaire: what the form
//! shows beside each question and what "start from last year" stores as a
//! draft. An answer is carried whole or not at all.

use super::{Fit, Matching, Pair};
use crate::answers::{self, AnswerView, Cells, Mode, UNKNOWN_SUFFIX, split_codes};
use crate::definition::{Cell, Kind, Survey, UNKNOWN};

/// What of last year's answers fits this year's questionnaire.
#[derive(Debug, Clone, Default)]
pub struct Carried {
    /// This edition's cells, holding the carried answers only.
    pub cells: Cells,
    /// The questions (of this edition) whose answers were carried, in order.
    pub carried: Vec<String>,
    /// The questions answered last year whose answers were not carried, and why.
    pub left: Vec<(String, String)>,
}

/// Why an earlier answer does not fit, if it does not: an option (or
/// column, or part) that is gone, or a value the question no longer takes.
fn misfit(m: &Matching, pair: &Pair, before: &Cells) -> Option<String> {
    let removed = match &pair.fit {
        Fit::Incompatible { why } => return Some(format!("the question changed ({why})")),
        Fit::Same => &Vec::new(),
        Fit::Narrowed { removed } => removed,
    };
    let label = |code: &str| {
        let options = match &pair.before.kind {
            Kind::MatrixChoice { columns, .. } => columns.as_slice(),
            Kind::Rank { of, .. } => m
                .before
                .question(of)
                .and_then(|q| q.kind.options())
                .unwrap_or_default(),
            Kind::Text { .. } => &[],
            k => k.options().unwrap_or_default(),
        };
        options
            .iter()
            .find(|o| o.code == code)
            .map(|o| o.label.clone())
            .unwrap_or_else(|| code.to_string())
    };
    for j in pair.before.cells.clone() {
        let v = before[j].as_str();
        if v.is_empty() {
            continue;
        }
        let cell = &m.before.columns()[j].cell;
        let used: Vec<String> = match (&pair.before.kind, cell) {
            (Kind::Multi { .. }, Cell::Whole) => split_codes(v),
            (Kind::Text { .. }, Cell::Part { part }) => vec![part.clone()],
            (_, Cell::Whole | Cell::Row { .. } | Cell::Place { .. }) => vec![v.to_string()],
            _ => Vec::new(),
        };
        if let Some(code) = used.iter().find(|c| removed.contains(c)) {
            let what = if matches!(pair.before.kind, Kind::Text { .. }) {
                "a part you filled in"
            } else {
                "an option you chose"
            };
            return Some(format!("{what}, “{}”, is no longer asked", label(code)));
        }
    }
    // Codes that are still there but would not be read (a scale point out
    // of range is ruled out by the fit; a rank's code must still be offered).
    if let Kind::Rank { of, .. } = &pair.now.kind {
        let offered = m
            .now
            .question(of)
            .and_then(|q| q.kind.options())
            .unwrap_or_default();
        for j in pair.before.cells.clone() {
            let v = &before[j];
            if !v.is_empty() && !offered.iter().any(|o| &o.code == v) {
                return Some(format!(
                    "an option you ranked, “{}”, is no longer offered",
                    label(v)
                ));
            }
        }
    }
    None
}

/// The form fields that would give these cells of `survey` back.
fn fields_of(survey: &Survey, cells: &Cells) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (col, v) in survey.columns().iter().zip(cells) {
        if v.is_empty() {
            continue;
        }
        let kind = survey.question_at(col.question).map(|q| &q.kind);
        match (kind, &col.cell) {
            (Some(Kind::Multi { .. }), Cell::Whole) => {
                out.extend(split_codes(v).into_iter().map(|c| (col.name.clone(), c)));
            }
            _ if v == UNKNOWN
                && matches!(
                    kind,
                    Some(
                        Kind::Number { .. }
                            | Kind::NumberPerYear { .. }
                            | Kind::MatrixNumber { .. }
                    )
                ) =>
            {
                out.push((format!("{}{UNKNOWN_SUFFIX}", col.name), "1".into()));
            }
            _ => out.push((col.name.clone(), v.clone())),
        }
    }
    out
}

/// Reads the member's last submitted answers to `m.before` into `m.now`:
/// each answer of a matched question that still fits is carried whole; the
/// others are named with the reason. The cells come out as a draft of this
/// edition would store them (conditions applied).
pub fn carry(m: &Matching, before: &Cells) -> Carried {
    let mut cells = vec![String::new(); m.now.columns().len()];
    let mut tried = Vec::new();
    let mut left = Vec::new();
    for pair in &m.pairs {
        if pair.before.cells.clone().all(|j| before[j].is_empty()) {
            continue;
        }
        if let Some(why) = misfit(m, pair, before) {
            left.push((pair.now.id.clone(), why));
            continue;
        }
        for (i, j) in m.columns(pair) {
            cells[i] = before[j].clone();
        }
        tried.push(pair);
    }
    // A value the question no longer takes (a number past a new maximum, a
    // text past a new limit) is what a draft would refuse: ask the rules.
    let mut checked = match answers::process(m.now, &fields_of(m.now, &cells), Mode::Draft) {
        Ok(c) => c,
        Err(e) => {
            left.extend(tried.iter().map(|p| (p.now.id.clone(), e.to_string())));
            return Carried {
                cells: vec![String::new(); m.now.columns().len()],
                carried: Vec::new(),
                left,
            };
        }
    };
    if !checked.problems.is_empty() {
        for pair in &tried {
            let problems = checked.problems.for_question(&pair.now.id);
            if let Some(first) = problems.first() {
                left.push((pair.now.id.clone(), (*first).to_string()));
                for i in pair.now.cells.clone() {
                    cells[i].clear();
                }
            }
        }
        checked = match answers::process(m.now, &fields_of(m.now, &cells), Mode::Draft) {
            Ok(c) => c,
            Err(_) => {
                return Carried {
                    cells: vec![String::new(); m.now.columns().len()],
                    carried: Vec::new(),
                    left,
                };
            }
        };
    }
    let mut carried = Vec::new();
    for pair in &tried {
        if left.iter().any(|(q, _)| q == &pair.now.id) {
            continue;
        }
        if pair.now.cells.clone().any(|i| !checked.cells[i].is_empty()) {
            carried.push(pair.now.id.clone());
        } else {
            left.push((
                pair.now.id.clone(),
                "it is asked only after an answer that was not carried".into(),
            ));
        }
    }
    // The notice lists them in questionnaire order.
    let order = |id: &str| m.now.questions().position(|q| q.id == id);
    left.sort_by_key(|(q, _)| order(q));
    Carried {
        cells: checked.cells,
        carried,
        left,
    }
}

/// Last year's answer to each matched question, in words, by this year's
/// question id: what the form shows beside the question. Questions that
/// last year's answers hid, or that were left unanswered, have none.
pub fn in_words(m: &Matching, before: &Cells) -> Vec<(String, AnswerView)> {
    let views = answers::describe(m.before, before);
    let mut out = Vec::new();
    for pair in &m.pairs {
        let found = views
            .iter()
            .flat_map(|s| s.answers.iter())
            .find(|a| a.id == pair.before.id && !a.lines.is_empty());
        if let Some(a) = found {
            out.push((pair.now.id.clone(), a.clone()));
        }
    }
    out
}
