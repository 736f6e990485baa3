//! The Excel workbook (`.xlsx`, written by `rust_xlsxwriter`): a sheet of
//! responses with a frozen header and numbers as numbers, the codebook, and
//! a sheet that says what the edition is. Excel and LibreOffice open it
//! without an import dialog, as they cannot a CSV file.
//!
//! The sheets hold exactly what the CSV files hold (written by the same
//! code, with labels, then read back), so the workbook cannot drift from
//! them; cells are written as strings or numbers, never as formulas.

use super::layout::{Layout, Selection, Shows};
use super::source::Source;
use super::{ExportError, ExportKind, ExportOptions, write_from};
use crate::definition::{Kind, Survey};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// The sheets' names, in their order.
pub const SHEETS: [&str; 3] = ["Responses", "Codebook", "About"];

fn failed(e: XlsxError) -> ExportError {
    ExportError::Write(format!("the workbook could not be made: {e}"))
}

/// The workbook of `survey`'s responses from `source`, with the columns
/// `selection` keeps; `about` are the lines of the "About" sheet (what,
/// value). The bytes of the `.xlsx` file.
pub fn workbook(
    source: Source,
    survey: &Survey,
    selection: Selection,
    about: &[(String, String)],
) -> Result<Vec<u8>, ExportError> {
    let options = ExportOptions {
        labels: true,
        raw: true,
        bom: false,
    };
    let mut responses = Vec::new();
    write_from(
        source,
        survey,
        ExportKind::Responses,
        options,
        selection,
        &mut responses,
    )?;
    let mut codebook = Vec::new();
    write_from(
        source,
        survey,
        ExportKind::Codebook,
        options,
        selection,
        &mut codebook,
    )?;
    // Which columns hold numbers: the revision, the 0/1 columns, the
    // figures and scale points ("unknown" stays text).
    let layout = Layout::select(survey, selection);
    let mut numeric: Vec<bool> = super::RESPONSES_ID_COLUMNS
        .iter()
        .map(|c| *c == "revision")
        .collect();
    numeric.extend(layout.columns.iter().map(|c| match c.shows {
        Shows::Flag(_) => true,
        Shows::Verbatim => matches!(
            c.question.kind,
            Kind::Number { .. }
                | Kind::NumberPerYear { .. }
                | Kind::MatrixNumber { .. }
                | Kind::Scale { .. }
        ),
        _ => false,
    }));
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(SHEETS[0]).map_err(failed)?;
    fill(sheet, &responses, &numeric, &bold)?;
    let sheet = book.add_worksheet();
    sheet.set_name(SHEETS[1]).map_err(failed)?;
    fill(sheet, &codebook, &[], &bold)?;
    let sheet = book.add_worksheet();
    sheet.set_name(SHEETS[2]).map_err(failed)?;
    sheet.set_column_width(0, 24).map_err(failed)?;
    sheet.set_column_width(1, 100).map_err(failed)?;
    for (row, (what, value)) in about.iter().enumerate() {
        let row = row as u32;
        sheet
            .write_string_with_format(row, 0, what, &bold)
            .map_err(failed)?;
        sheet.write_string(row, 1, value).map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}

/// Writes a CSV file's rows into `sheet`: the header in bold and frozen,
/// the cells of `numeric` columns as numbers where they are ones.
fn fill(
    sheet: &mut Worksheet,
    csv_bytes: &[u8],
    numeric: &[bool],
    bold: &Format,
) -> Result<(), ExportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_bytes);
    let mut record = csv::StringRecord::new();
    let mut row: u32 = 0;
    while reader
        .read_record(&mut record)
        .map_err(|e| ExportError::Write(e.to_string()))?
    {
        for (col, value) in record.iter().enumerate() {
            let col = col as u16;
            if row == 0 {
                sheet
                    .write_string_with_format(row, col, value, bold)
                    .map_err(failed)?;
            } else if value.is_empty() {
                continue;
            } else if numeric.get(col as usize) == Some(&true)
                && let Ok(n) = value.parse::<u64>()
            {
                sheet.write_number(row, col, n as f64).map_err(failed)?;
            } else {
                sheet.write_string(row, col, value).map_err(failed)?;
            }
        }
        row += 1;
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    Ok(())
}
