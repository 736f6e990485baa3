//! The codebook: one row per column of the responses file, in its order,
//! saying what the column holds and which codes it may hold.

use super::layout::{AnswerColumn, Layout, Selection, Shows, label_of};
use super::sheet::Sheet;
use super::{CODEBOOK_COLUMNS, ExportError, ExportOptions, RESPONSES_ID_COLUMNS};
use crate::definition::{Bounds, Cell, Choice, Condition, Kind, Survey, Test, TextFormat, UNKNOWN};

/// What an identifying column of the responses file holds, and its values.
pub fn identifying(name: &str) -> (&'static str, &'static str) {
    match name {
        "member" => ("The member's code (ISO 3166-1 alpha-2)", ""),
        "iso3" => ("The member's ISO 3166-1 alpha-3 code", ""),
        "member_name" => ("The member administration's name", ""),
        "subregion" => ("The member's sub-region", ""),
        "member_status" => (
            "Full member or associate member of the APT",
            "member=Member; associate=Associate member",
        ),
        "revision" => (
            "The number of the saved revision this row comes from: the member's latest submission",
            "",
        ),
        "submitted" => ("When that revision was submitted (UTC, RFC 3339)", ""),
        _ => ("", ""),
    }
}

pub fn codebook(
    survey: &Survey,
    options: ExportOptions,
    selection: Selection,
    sheet: &mut Sheet,
) -> Result<(), ExportError> {
    sheet.header(CODEBOOK_COLUMNS)?;
    for name in RESPONSES_ID_COLUMNS {
        let (holds, values) = identifying(name);
        sheet.row([name, "", "", "", "", "identifier", holds, values, "", ""])?;
    }
    let layout = Layout::select(survey, selection);
    for c in &layout.columns {
        let q = c.question;
        sheet.row([
            c.header.as_str(),
            &c.section.id,
            &c.section.title,
            &q.id,
            &q.text,
            q.kind.name(),
            &holds(c, options.labels),
            &values(c),
            required(c),
            &shown_if(&q.kind, q.shown_if.as_ref()),
        ])?;
    }
    Ok(())
}

/// What a column holds, in words.
pub fn holds(c: &AnswerColumn, labels: bool) -> String {
    let code = if labels { "label" } else { "code" };
    let unknown = |b: &Bounds| {
        if b.unknown {
            format!(", or “{UNKNOWN}” when the figure is not known")
        } else {
            String::new()
        }
    };
    match (&c.question.kind, &c.source.cell, c.shows) {
        (_, Cell::Specify { option }, _) => {
            let label = c
                .question
                .kind
                .options()
                .map_or(option.as_str(), |o| label_of(o, option));
            format!("The text written for “{label}”")
        }
        (_, _, Shows::Flag(o)) => format!(
            "1 if “{}” was picked, 0 if not; empty when the question was not answered or not shown",
            o.label
        ),
        (Kind::Multi { .. }, _, _) if labels => {
            "The labels of the options picked, joined by “; ”".into()
        }
        (Kind::Multi { .. }, _, _) => "The codes of the options picked, joined by “;”".into(),
        (
            Kind::Text {
                parts,
                format,
                max_length,
                ..
            },
            cell,
            _,
        ) => {
            let (name, format) = match cell {
                Cell::Part { part } => parts
                    .iter()
                    .find(|p| &p.code == part)
                    .map_or((part.as_str(), TextFormat::Plain), |p| {
                        (p.label.as_str(), p.format)
                    }),
                _ => ("", *format),
            };
            let what = match format {
                TextFormat::Email => "An e-mail address".to_string(),
                TextFormat::Plain => format!("Free text, up to {max_length} characters"),
            };
            if name.is_empty() {
                what
            } else {
                format!("{name}: {}", what.to_lowercase())
            }
        }
        (Kind::Number { bounds, unit }, _, _) => format!(
            "A whole number{}{}",
            unit.as_ref().map_or(String::new(), |u| format!(" ({u})")),
            unknown(bounds)
        ),
        (Kind::NumberPerYear { bounds, .. }, Cell::Year { year }, _) => {
            format!("The number for {year}{}", unknown(bounds))
        }
        (Kind::MatrixNumber { rows, bounds, .. }, Cell::Row { row }, _) => {
            format!(
                "The number for “{}”{}",
                row_label(rows, row),
                unknown(bounds)
            )
        }
        (Kind::MatrixChoice { rows, .. }, Cell::Row { row }, _) => {
            format!(
                "The {code} of the column chosen for “{}”",
                row_label(rows, row)
            )
        }
        (Kind::Rank { of, .. }, Cell::Place { place }, _) => {
            format!("The {code} of the option of {of} ranked in place {place} (1 = most important)")
        }
        (Kind::Scale { min, max, .. }, _, _) => format!("A point on the scale from {min} to {max}"),
        (Kind::Date { unknown, .. }, _, _) => format!(
            "A day, written YYYY-MM-DD{}",
            if *unknown { ", or “unknown”" } else { "" }
        ),
        (Kind::File(_), _, _) => {
            "An attached document: its name, its size in bytes and its SHA-256 (`name; N bytes; sha256:…`); the file is data/files/<sha256>".to_string()
        }
        (_, _, Shows::Code(_)) => format!("The {code} of the option chosen"),
        _ => String::new(),
    }
}

/// Whether a submission must fill this column (when its question is shown).
fn required(c: &AnswerColumn) -> &'static str {
    let q = c.question;
    match (&q.kind, &c.source.cell) {
        (_, Cell::Specify { .. }) => "when that option is chosen",
        (Kind::Text { parts, .. }, Cell::Part { part }) => {
            match parts.iter().find(|p| &p.code == part) {
                Some(p) if p.required && q.required => "yes",
                Some(p) if p.required => "when the question is answered",
                _ => "",
            }
        }
        // A required ranking needs its first place; the rest may stay empty.
        (Kind::Rank { .. }, Cell::Place { place }) if *place > 1 => "",
        _ if q.required => "yes",
        _ => "",
    }
}

fn row_label<'a>(rows: &'a [Choice], row: &'a str) -> &'a str {
    label_of(rows, row)
}

/// The values a column may hold: `code=label; …` for codes.
fn values(c: &AnswerColumn) -> String {
    let pairs = |options: &[Choice]| {
        options
            .iter()
            .map(|o| format!("{}={}", o.code, o.label))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let number = |b: &Bounds| {
        let mut s = format!("whole number from {} to {}", b.min, b.max);
        if b.unknown {
            s.push_str(&format!("; {UNKNOWN}=not known"));
        }
        s
    };
    match (c.shows, &c.question.kind) {
        (Shows::Code(o) | Shows::Codes(o), _) => pairs(o),
        (Shows::Flag(_), _) => "1=picked; 0=not picked".into(),
        (Shows::Verbatim, _) if matches!(c.source.cell, Cell::Specify { .. }) => String::new(),
        (
            _,
            Kind::Number { bounds, .. }
            | Kind::NumberPerYear { bounds, .. }
            | Kind::MatrixNumber { bounds, .. },
        ) => number(bounds),
        (
            _,
            Kind::Scale {
                min,
                max,
                min_label,
                max_label,
            },
        ) => (*min..=*max)
            .map(|n| match (n, min_label, max_label) {
                (n, Some(l), _) if n == *min => format!("{n}={l}"),
                (n, _, Some(l)) if n == *max => format!("{n}={l}"),
                (n, _, _) => n.to_string(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => String::new(),
    }
}

/// When the question is shown, in words; empty when always.
fn shown_if(kind: &Kind, condition: Option<&Condition>) -> String {
    let mut parts = Vec::new();
    if let Some(c) = condition {
        parts.push(match &c.test {
            Test::Answered => format!("{} is answered", c.question),
            Test::Is(codes) => format!("{} is {}", c.question, codes.join(" or ")),
            Test::IsNot(codes) => {
                format!("{} is answered and not {}", c.question, codes.join(" or "))
            }
        });
    }
    if let Kind::MatrixChoice {
        rows_picked_in: Some(q),
        ..
    }
    | Kind::MatrixNumber {
        rows_picked_in: Some(q),
        ..
    } = kind
    {
        parts.push(format!("only the rows picked in {q}"));
    }
    parts.join("; ")
}
