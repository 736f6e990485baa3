//! What changed from one edition to the next, question by question: what
//! the `diff` command prints, from the same [`Matching`] the form uses.

use super::{Fit, Matching, Pair};
use crate::definition::{Choice, Kind, Question};

/// One difference, about one question (its id in the later edition, or in
/// the earlier one for a question that was removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub question: String,
    /// `added`, `removed`, `renamed` or `changed`.
    pub what: &'static str,
    pub detail: String,
}

/// The named lists of choices of a question: its options, rows, columns, parts.
fn lists(q: &Question) -> Vec<(&'static str, Vec<Choice>)> {
    let parts = |q: &Question| match &q.kind {
        Kind::Text { parts, .. } => parts
            .iter()
            .map(|p| Choice {
                code: p.code.clone(),
                label: p.label.clone(),
                specify: false,
                exclusive: false,
            })
            .collect(),
        _ => Vec::new(),
    };
    match &q.kind {
        Kind::Single { options, .. } | Kind::Multi { options } | Kind::YesNo { options } => {
            vec![("options", options.clone())]
        }
        Kind::MatrixChoice { rows, columns, .. } => {
            vec![("rows", rows.clone()), ("columns", columns.clone())]
        }
        Kind::MatrixNumber { rows, .. } => vec![("rows", rows.clone())],
        Kind::Text { .. } => vec![("parts", parts(q))],
        _ => Vec::new(),
    }
}

fn codes(c: &[&Choice]) -> String {
    c.iter()
        .map(|c| c.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn years(q: &Question) -> Option<String> {
    match &q.kind {
        Kind::NumberPerYear { years, .. } => Some(
            years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    }
}

/// The changes of one matched question, one line each.
fn changes(pair: &Pair, out: &mut Vec<Difference>) {
    let id = &pair.now.id;
    let mut push = |detail: String| {
        out.push(Difference {
            question: id.clone(),
            what: "changed",
            detail,
        })
    };
    let (b, n) = (pair.before, pair.now);
    if b.kind.name() != n.kind.name() {
        push(format!("type: {} → {}", b.kind.name(), n.kind.name()));
    }
    if b.text != n.text {
        push(format!("text: “{}” → “{}”", b.text, n.text));
    }
    if b.help != n.help {
        let h = |h: &Option<String>| h.clone().unwrap_or_default();
        push(format!("help: “{}” → “{}”", h(&b.help), h(&n.help)));
    }
    if let (Some(by), Some(ny)) = (years(b), years(n))
        && by != ny
    {
        push(format!("years: {by} → {ny}"));
    }
    let before_lists = lists(b);
    for (noun, now_list) in lists(n) {
        let Some((_, before_list)) = before_lists.iter().find(|(k, _)| *k == noun) else {
            continue;
        };
        let added: Vec<&Choice> = now_list
            .iter()
            .filter(|c| !before_list.iter().any(|p| p.code == c.code))
            .collect();
        let removed: Vec<&Choice> = before_list
            .iter()
            .filter(|p| !now_list.iter().any(|c| c.code == p.code))
            .collect();
        if !added.is_empty() {
            push(format!("{noun} added: {}", codes(&added)));
        }
        if !removed.is_empty() {
            push(format!("{noun} removed: {}", codes(&removed)));
        }
        for c in &now_list {
            if let Some(p) = before_list.iter().find(|p| p.code == c.code)
                && p.label != c.label
            {
                push(format!(
                    "{noun} `{}` label: “{}” → “{}”",
                    c.code, p.label, c.label
                ));
            }
        }
    }
    if let Fit::Incompatible { why } = &pair.fit {
        push(format!("answers cannot be carried over: {why}"));
    }
}

/// Every difference between the two editions of `m`: the questions of the
/// later edition in its order (added, renamed, changed), then those removed.
pub fn differences(m: &Matching) -> Vec<Difference> {
    let mut out = Vec::new();
    for q in m.now.questions() {
        match m.pair(&q.id) {
            None => out.push(Difference {
                question: q.id.clone(),
                what: "added",
                detail: q.text.clone(),
            }),
            Some(pair) => {
                if pair.renamed {
                    out.push(Difference {
                        question: q.id.clone(),
                        what: "renamed",
                        detail: format!("was {} in {}", pair.before.id, m.before.id),
                    });
                }
                changes(pair, &mut out);
            }
        }
    }
    for q in m.removed() {
        out.push(Difference {
            question: q.id.clone(),
            what: "removed",
            detail: q.text.clone(),
        });
    }
    out
}
