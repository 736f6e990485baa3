//! Next year's definition made from this year's: the id, the year, the
//! reference period and the dates move one year on, `previous` names the
//! source, and every other byte of the file (comments, layout, questions)
//! stays as it was, through `toml_edit`.

use crate::definition::Survey;
use chrono::{Datelike, NaiveDate};
use toml_edit::{DocumentMut, Value};

/// What went wrong making the next edition's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EditionError(pub String);

/// The same day one year on (29 February becomes 28 February).
fn year_on(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() + 1)
        .or_else(|| NaiveDate::from_ymd_opt(d.year() + 1, d.month(), 28))
        .unwrap_or(d)
}

/// Each year (a four-digit number from 1900 to 2999 standing alone) one on:
/// "calendar year 2021" becomes "calendar year 2022".
pub fn years_on(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let alone = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let end_alone = chars
            .get(i + digits)
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if digits == 4 && alone && end_alone {
            let s: String = chars[i..i + 4].iter().collect();
            match s.parse::<u32>() {
                Ok(y) if (1900..=2999).contains(&y) => out.push_str(&(y + 1).to_string()),
                _ => out.push_str(&s),
            }
            i += 4;
        } else if digits > 0 {
            out.extend(&chars[i..i + digits]);
            i += digits;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn date(d: NaiveDate) -> Value {
    Value::from(toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: d.year() as u16,
            month: d.month() as u8,
            day: d.day() as u8,
        }),
        time: None,
        offset: None,
    })
}

/// Sets a top-level key's value, keeping the spaces and the comment around it.
fn set(doc: &mut DocumentMut, key: &str, mut value: Value) {
    match doc.get_mut(key).and_then(|i| i.as_value_mut()) {
        Some(old) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        None => {
            value.decor_mut().set_prefix(" ");
            doc.insert(key, toml_edit::Item::Value(value));
        }
    }
}

/// The text of the edition after `from` (whose definition file reads
/// `source`), with the id `id`.
pub fn next_edition(source: &str, from: &Survey, id: &str) -> Result<String, EditionError> {
    let mut doc: DocumentMut = source
        .parse()
        .map_err(|e| EditionError(format!("the definition of {} cannot be read: {e}", from.id)))?;
    set(&mut doc, "id", Value::from(id));
    set(&mut doc, "year", Value::from(i64::from(from.year) + 1));
    // In a definition of several languages, each translation moves on.
    let period = match doc
        .get("reference_period")
        .and_then(|i| i.as_inline_table())
    {
        Some(table) => {
            let mut table = table.clone();
            for (_, v) in table.iter_mut() {
                if let Some(text) = v.as_str() {
                    let decor = v.decor().clone();
                    *v = Value::from(years_on(text));
                    *v.decor_mut() = decor;
                }
            }
            Value::InlineTable(table)
        }
        None => Value::from(years_on(&from.reference_period)),
    };
    set(&mut doc, "reference_period", period);
    set(&mut doc, "opens", date(year_on(from.opens)));
    set(&mut doc, "closes", date(year_on(from.closes)));
    set(&mut doc, "previous", Value::from(from.id.as_str()));
    Ok(doc.to_string())
}

/// The lines of `text` (numbered from 1) that still name one of `years`
/// (the source's year and reference period), outside the keys moved on: the title, the introduction, the years of a question, for a
/// person to look at.
pub fn lines_naming(text: &str, years: &[i32]) -> Vec<usize> {
    let moved = [
        "id",
        "year",
        "reference_period",
        "opens",
        "closes",
        "previous",
    ];
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            let key = t.split(['=', ' ']).next().unwrap_or_default();
            !t.starts_with('#')
                && !moved.contains(&key)
                && years.iter().any(|y| l.contains(&y.to_string()))
        })
        .map(|(n, _)| n + 1)
        .collect()
}
