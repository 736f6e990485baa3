//! CSV downloads for analysts and the public: responses, revisions, long
//! (tidy) and codebook, streamed row by row, safe for spreadsheets by default.

use crate::definition::Survey;
use crate::store::{Store, StoreError};
use chrono::NaiveDate;
use std::io::Write;

/// Which file to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// The latest submitted response per member, one row each.
    Responses,
    /// Every saved revision, drafts included.
    Revisions,
    /// One row per (member, question, cell, value).
    Long,
    /// One row per column of the responses file.
    Codebook,
}

/// How to write it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Labels instead of option codes.
    pub labels: bool,
    /// Exact values: no `'` before a cell that a spreadsheet would run as a formula.
    pub raw: bool,
    /// Start with a UTF-8 byte-order mark, for Excel.
    pub bom: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not write the file: {0}")]
    Write(String),
}

/// The file name: edition, kind and date, such as `spam-2022-responses-2026-11-28.csv`.
pub fn file_name(survey: &Survey, kind: ExportKind, date: NaiveDate) -> String {
    let _ = (survey, kind, date);
    todo!("export::file_name")
}

/// Writes one export of an edition to `out`, streaming; returns the number of data rows.
pub fn write(
    store: &Store,
    survey: &str,
    kind: ExportKind,
    options: ExportOptions,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let _ = (store, survey, kind, options, out);
    todo!("export::write")
}
