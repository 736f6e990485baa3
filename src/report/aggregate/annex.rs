//! The questionnaire in words (the annex) and the country profiles.

use super::*;

/// The columns of the country profiles and their headers.
const PROFILE_COLUMNS: [(&str, &str); 6] = [
    ("B1", "Anti-spam legislation"),
    ("B2", "Laws"),
    ("B4", "Consent regime"),
    ("C1", "Lead agency"),
    ("D1", "Reporting centre"),
    ("F1", "International networks"),
];

/// An option's label without the explanation in brackets at its end:
/// "Opt-in (prior consent)" reads "Opt-in" in a crowded table.
fn short_label(label: &str) -> &str {
    match label.find(" (") {
        Some(i) if i > 0 && label.ends_with(')') => &label[..i],
        _ => label,
    }
}

/// A question's answer in a few words, for the country profiles.
fn in_words(survey: &Survey, q: &Question, cells: &Cells) -> String {
    let mut parts: Vec<String> = Vec::new();
    let specify = |option: &str| {
        q.cells
            .clone()
            .find_map(|i| match &survey.columns()[i].cell {
                Cell::Specify { option: o } if o == option && !cells[i].trim().is_empty() => {
                    Some(cells[i].clone())
                }
                _ => None,
            })
    };
    match &q.kind {
        Kind::Single { options, .. } | Kind::YesNo { options } | Kind::Multi { options } => {
            for code in split_codes(&cells[q.cells.start]) {
                let label = short_label(label_of(options, &code)).to_string();
                parts.push(match specify(&code) {
                    Some(t) => format!("{label}: {t}"),
                    None => label,
                });
            }
        }
        _ => {
            for i in q.cells.clone() {
                let v = &cells[i];
                if !v.trim().is_empty() {
                    parts.push(if v == UNKNOWN {
                        "Unknown".into()
                    } else {
                        v.clone()
                    });
                }
            }
        }
    }
    parts.join("; ")
}

/// A column of the country profiles: a question the edition asks.
#[derive(Debug, Clone)]
pub(super) struct ProfileColumn<'a> {
    /// The question's index in questionnaire order.
    pub(super) index: usize,
    pub(super) question: &'a Question,
    pub(super) header: &'static str,
}

impl ProfileColumn<'_> {
    /// A respondent's answer in a few words (the cells read through the conditions).
    pub(super) fn in_words(&self, survey: &Survey, cells: &Cells) -> String {
        in_words(survey, self.question, cells)
    }
}

/// The profile columns that `survey` asks.
pub(super) fn profile_columns(survey: &Survey) -> Vec<ProfileColumn<'_>> {
    PROFILE_COLUMNS
        .iter()
        .filter_map(|(id, header)| {
            let (index, question) = survey.questions().enumerate().find(|(_, q)| q.id == *id)?;
            Some(ProfileColumn {
                index,
                question,
                header,
            })
        })
        .collect()
}

/// The kind of a question in words, for readers.
pub fn kind_label(kind: &Kind) -> String {
    match kind {
        Kind::Single { .. } => "Single choice".into(),
        Kind::Multi { .. } => "Multiple choice".into(),
        Kind::YesNo { options } if options.len() == 3 => "Yes / No / Don't know".into(),
        Kind::YesNo { .. } => "Yes / No".into(),
        Kind::Number { .. } => "Number".into(),
        Kind::NumberPerYear { .. } => "Number per year".into(),
        Kind::Text { parts, .. } if !parts.is_empty() => "Text in parts".into(),
        Kind::Text { long: true, .. } => "Long text".into(),
        Kind::Text { .. } => "Short text".into(),
        Kind::Scale { min, max, .. } => format!("Scale {min}–{max}"),
        Kind::MatrixChoice { .. } => "Matrix, one choice per row".into(),
        Kind::MatrixNumber { .. } => "Matrix of numbers".into(),
        Kind::Rank { top, .. } => format!("Ranking of the top {top}"),
        Kind::Date { .. } => "Date".into(),
        Kind::File(_) => "Attached document".into(),
    }
}

/// When a question is shown, in words.
pub fn condition_text(survey: &Survey, q: &Question) -> Option<String> {
    let c = q.shown_if.as_ref()?;
    let target = survey.question(&c.question);
    let options = target.and_then(|t| t.kind.options()).unwrap_or_default();
    let multi = matches!(target.map(|t| &t.kind), Some(Kind::Multi { .. }));
    let labels = |codes: &[String]| {
        let quoted: Vec<String> = codes
            .iter()
            .map(|c| format!("“{}”", label_of(options, c)))
            .collect();
        quoted.join(" or ")
    };
    Some(match &c.test {
        crate::definition::Test::Is(codes) if multi => {
            format!("Shown if {} includes {}", c.question, labels(codes))
        }
        crate::definition::Test::Is(codes) => {
            format!("Shown if the answer to {} is {}", c.question, labels(codes))
        }
        crate::definition::Test::IsNot(codes) => format!(
            "Shown if {} is answered and the answer is not {}",
            c.question,
            labels(codes)
        ),
        crate::definition::Test::Answered => format!("Shown if {} is answered", c.question),
    })
}

fn choice_lines(options: &[Choice]) -> Vec<String> {
    options
        .iter()
        .map(|o| match (o.specify, o.exclusive) {
            (true, _) => format!("{} (please specify)", o.label),
            (_, true) => format!("{} (excludes the other options)", o.label),
            _ => o.label.clone(),
        })
        .collect()
}

fn number_note(bounds: &crate::definition::Bounds) -> String {
    let mut s = format!(
        "A whole number from {} to {}",
        bounds.min,
        group_digits(bounds.max)
    );
    if bounds.unknown {
        s.push_str(", or “Unknown”");
    }
    s
}

/// 1234567 as "1,234,567".
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The questionnaire as it was asked.
pub fn annex(survey: &Survey) -> Vec<AnnexSection> {
    survey
        .sections
        .iter()
        .map(|s| AnnexSection {
            id: s.id.clone(),
            title: s.title.clone(),
            intro: s.intro.clone(),
            questions: s
                .questions
                .iter()
                .map(|q| {
                    let details: Vec<(String, Vec<String>)> = match &q.kind {
                        Kind::Single { options, .. }
                        | Kind::Multi { options }
                        | Kind::YesNo { options } => {
                            vec![("Options".into(), choice_lines(options))]
                        }
                        Kind::Number { bounds, unit } => {
                            let mut note = number_note(bounds);
                            if let Some(u) = unit {
                                note.push_str(&format!(" ({u})"));
                            }
                            vec![("Answer".into(), vec![note])]
                        }
                        Kind::NumberPerYear { years, bounds } => vec![
                            (
                                "Years".into(),
                                years.iter().map(|y| y.to_string()).collect(),
                            ),
                            ("Answer".into(), vec![number_note(bounds)]),
                        ],
                        Kind::Text {
                            parts, max_length, ..
                        } => {
                            let mut d = Vec::new();
                            if !parts.is_empty() {
                                d.push((
                                    "Parts".into(),
                                    parts
                                        .iter()
                                        .map(|p| {
                                            if p.required {
                                                format!("{} (required)", p.label)
                                            } else {
                                                p.label.clone()
                                            }
                                        })
                                        .collect(),
                                ));
                            }
                            d.push((
                                "Answer".into(),
                                vec![format!("Free text, up to {} characters", group_digits(*max_length as u64))],
                            ));
                            d
                        }
                        Kind::Scale {
                            min,
                            max,
                            min_label,
                            max_label,
                        } => vec![(
                            "Scale".into(),
                            vec![format!(
                                "{min} ({}) to {max} ({})",
                                min_label.as_deref().unwrap_or("lowest"),
                                max_label.as_deref().unwrap_or("highest")
                            )],
                        )],
                        Kind::MatrixChoice {
                            rows,
                            rows_picked_in,
                            columns,
                        } => {
                            let mut d = vec![
                                ("Rows".into(), choice_lines(rows)),
                                ("Columns".into(), choice_lines(columns)),
                            ];
                            if let Some(src) = rows_picked_in {
                                d.push((
                                    "Note".into(),
                                    vec![format!("Only the rows picked in {src} are asked")],
                                ));
                            }
                            d
                        }
                        Kind::MatrixNumber {
                            rows,
                            rows_picked_in,
                            bounds,
                        } => {
                            let mut d = vec![
                                ("Rows".into(), choice_lines(rows)),
                                ("Answer".into(), vec![number_note(bounds)]),
                            ];
                            if let Some(src) = rows_picked_in {
                                d.push((
                                    "Note".into(),
                                    vec![format!("Only the rows picked in {src} are asked")],
                                ));
                            }
                            d
                        }
                        Kind::Rank { of, top } => vec![(
                            "Answer".into(),
                            vec![format!(
                                "Places 1 to {top}, each a different option among those picked in {of}"
                            )],
                        )],
                        Kind::Date { min, max, unknown } => {
                            let mut note = match (min, max) {
                                (Some(a), Some(b)) => format!("A day from {a} to {b}"),
                                (Some(a), None) => format!("A day from {a}"),
                                (None, Some(b)) => format!("A day up to {b}"),
                                (None, None) => "A day (year-month-day)".to_string(),
                            };
                            if *unknown {
                                note.push_str(", or “Unknown”");
                            }
                            vec![("Answer".into(), vec![note])]
                        }
                        Kind::File(rules) => vec![(
                            "Answer".into(),
                            vec![format!(
                                "A document ({}), at most {}",
                                rules.kinds.join(", "),
                                crate::attachments::size_in_words(rules.max_bytes)
                            )],
                        )],
                    };
                    AnnexQuestion {
                        id: q.id.clone(),
                        text: q.text.clone(),
                        help: q.help.clone(),
                        kind: kind_label(&q.kind),
                        required: q.required,
                        condition: condition_text(survey, q),
                        details,
                    }
                })
                .collect(),
        })
        .collect()
}
