//! The long (tidy) file: one row per answered cell of the latest submitted
//! responses, and one per picked option of a multi.

use super::layout::{Selection, coded_options, codes, label_of, questions};
use super::sheet::Sheet;
use super::source::Source;
use super::{ExportError, LONG_COLUMNS};
use crate::definition::{Cell, Kind, Survey};

/// What the `cell` column says of a stored cell: the row, year, place, part
/// or specified option it is, or nothing for a question's one cell.
pub fn cell_code(cell: &Cell) -> String {
    match cell {
        Cell::Whole => String::new(),
        Cell::Specify { option } => option.clone(),
        Cell::Part { part } => part.clone(),
        Cell::Year { year } => year.to_string(),
        Cell::Row { row } => row.clone(),
        Cell::Place { place } => place.to_string(),
    }
}

pub fn long(
    source: Source,
    survey: &Survey,
    selection: Selection,
    sheet: &mut Sheet,
) -> Result<(), ExportError> {
    sheet.header(LONG_COLUMNS)?;
    let questions = questions(survey);
    let columns: Vec<_> = survey
        .columns()
        .iter()
        .map(|c| {
            let q = questions[c.question].1;
            let multi = matches!((&q.kind, &c.cell), (Kind::Multi { .. }, Cell::Whole));
            (
                c,
                q,
                cell_code(&c.cell),
                coded_options(survey, q, &c.cell),
                multi,
                selection.keeps(q, &c.cell),
            )
        })
        .collect();
    source.each(survey, |member, _, _, cells| {
        for ((column, q, cell, options, multi, kept), value) in columns.iter().zip(cells.iter()) {
            if value.is_empty() || !kept {
                continue;
            }
            let label = |code| options.map_or("", |o| label_of(o, code));
            if *multi {
                for code in codes(value) {
                    sheet.row([&member.code, &q.id, &column.name, cell, code, label(code)])?;
                }
            } else {
                sheet.row([&member.code, &q.id, &column.name, cell, value, label(value)])?;
            }
        }
        Ok(())
    })
}
