//! Answers in words: what a confirmation page or a read-only view shows.

use super::{Cells, apply_conditions, split_codes};
use crate::definition::{Cell, Choice, Kind, Survey, UNKNOWN};

/// One section of answers, for display.
#[derive(Debug, Clone)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub answers: Vec<AnswerView>,
}

/// One question and its answer in words, one line per part of the answer.
#[derive(Debug, Clone)]
pub struct AnswerView {
    pub id: String,
    pub text: String,
    /// Empty when the question was shown but not answered.
    pub lines: Vec<String>,
}

fn label<'a>(options: &'a [Choice], code: &'a str) -> &'a str {
    options
        .iter()
        .find(|o| o.code == code)
        .map(|o| o.label.as_str())
        .unwrap_or(code)
}

fn number(v: &str) -> String {
    if v == UNKNOWN {
        "Unknown".into()
    } else {
        v.to_string()
    }
}

/// The answers of a response in words, section by section; questions that
/// its answers hide are left out.
pub fn describe(survey: &Survey, cells: &Cells) -> Vec<SectionView> {
    let mut cells = cells.clone();
    let shown = apply_conditions(survey, &mut cells);
    let mut shown = shown.into_iter();
    let mut out = Vec::new();
    for s in &survey.sections {
        let mut answers = Vec::new();
        for q in &s.questions {
            if !shown.next().unwrap_or(true) {
                continue;
            }
            let own: Vec<(&Cell, &str)> = q
                .cells
                .clone()
                .map(|i| (&survey.columns()[i].cell, cells[i].as_str()))
                .collect();
            let mut lines = Vec::new();
            for (cell, v) in &own {
                if v.is_empty() {
                    continue;
                }
                let line = match (&q.kind, cell) {
                    (Kind::Multi { options }, Cell::Whole) => {
                        lines.extend(split_codes(v).iter().map(|c| label(options, c).to_string()));
                        continue;
                    }
                    (Kind::Single { options, .. } | Kind::YesNo { options }, Cell::Whole) => {
                        label(options, v).to_string()
                    }
                    (k, Cell::Specify { option }) => {
                        let options = k.options().unwrap_or_default();
                        format!("{} (specified): {v}", label(options, option))
                    }
                    (Kind::Scale { min, max, .. }, _) => {
                        format!("{v} (on a scale of {min} to {max})")
                    }
                    (Kind::Number { unit, .. }, _) => match unit {
                        Some(u) if *v != UNKNOWN => format!("{v} {u}"),
                        _ => number(v),
                    },
                    (Kind::NumberPerYear { .. }, Cell::Year { year }) => {
                        format!("{year}: {}", number(v))
                    }
                    (Kind::MatrixNumber { rows, .. }, Cell::Row { row }) => {
                        format!("{}: {}", label(rows, row), number(v))
                    }
                    (Kind::MatrixChoice { rows, columns, .. }, Cell::Row { row }) => {
                        format!("{}: {}", label(rows, row), label(columns, v))
                    }
                    (Kind::Rank { of, .. }, Cell::Place { place }) => {
                        let options = survey
                            .question(of)
                            .and_then(|r| r.kind.options())
                            .unwrap_or_default();
                        format!("{place}. {}", label(options, v))
                    }
                    (Kind::Text { parts, .. }, Cell::Part { part }) => {
                        let l = parts
                            .iter()
                            .find(|p| &p.code == part)
                            .map(|p| p.label.as_str())
                            .unwrap_or(part);
                        format!("{l}: {v}")
                    }
                    (Kind::File(_), _) => match crate::attachments::Attached::parse(v) {
                        Some(a) => format!(
                            "{} ({}, SHA-256 {})",
                            a.name,
                            a.size_in_words(),
                            &a.sha256[..12]
                        ),
                        None => v.to_string(),
                    },
                    (Kind::Date { .. }, _) => number(v),
                    _ => v.to_string(),
                };
                lines.push(line);
            }
            answers.push(AnswerView {
                id: q.id.clone(),
                text: q.text.clone(),
                lines,
            });
        }
        out.push(SectionView {
            id: s.id.clone(),
            title: s.title.clone(),
            answers,
        });
    }
    out
}
