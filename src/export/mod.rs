//! CSV downloads for analysts and the public: responses, revisions, long
//! (tidy) and codebook, streamed row by row, safe for spreadsheets by default.
//!
//! Every file is UTF-8 CSV as RFC 4180 has it (commas, `"` quoting, CRLF
//! line ends) with one header row; `bom` puts a byte-order mark first, for
//! Excel. Rows are encoded as they are made and passed on to `out` in
//! chunks of about 64 KiB: no file is ever held whole in memory. The
//! columns and their headers below are a published interface (analysts'
//! scripts read them by name): they change only on purpose, together with
//! this page and `tests/export.rs`.
//!
//! # responses: `<edition>-responses-<date>.csv`
//!
//! The latest *submitted* response of each member (drafts never), one row
//! per member, in the member list's order.
//!
//! | column | holds |
//! |---|---|
//! | `member` | the member's code (ISO 3166-1 alpha-2) |
//! | `iso3` | its ISO 3166-1 alpha-3 code |
//! | `member_name` | its name |
//! | `subregion` | its sub-region |
//! | `member_status` | `member` or `associate` |
//! | `revision` | the number of the revision the row comes from |
//! | `submitted` | when it was submitted (UTC, RFC 3339) |
//!
//! then the answer columns.
//!
//! # Answer columns (responses and revisions)
//!
//! Question by question in questionnaire order, each question's stored
//! columns ([`Survey::columns`]) in their order, with a multi's 0/1 columns
//! added right after its joined column:
//!
//! | type | columns |
//! |---|---|
//! | `single`, `yesno`, `yesno_dk` | `Q`: the code (its label with `labels`); `Q_<code>_text` for a "please specify" option |
//! | `multi` | `Q`: the codes joined by `;` (labels joined by `; `); `Q_<code>` for each option in order: `1` picked, `0` not picked, empty when the question has no answer (not answered or not shown); `Q_<code>_text` |
//! | `number` | `Q`: a whole number or `unknown` |
//! | `number_per_year` | `Q_<year>` for each year: a whole number or `unknown` |
//! | `text` | `Q`, or `Q_<part>` for each part |
//! | `scale` | `Q`: the number |
//! | `matrix_choice` | `Q_<row>` for each row: the column's code (label) |
//! | `matrix_number` | `Q_<row>` for each row: a whole number or `unknown` |
//! | `rank` | `Q_1` … `Q_<top>`: the code (label) of the option in that place |
//!
//! An empty cell is "not answered" (or "not shown"); `unknown` stays
//! `unknown` in both modes, distinct from `0` and from empty. Headers are the
//! same in both modes.
//!
//! # revisions: `<edition>-revisions-<date>.csv`
//!
//! Every saved revision, drafts included, in file order, read from disk as
//! it goes: `revision`, `time` (UTC, RFC 3339), `member`, `status` (`draft`
//! or `submitted`), then the answer columns.
//!
//! # long: `<edition>-long-<date>.csv`
//!
//! One row per answered cell of the latest submitted responses, for tidy
//! data tools: `member`, `question` (its id), `column` (the responses
//! file's column), `cell` (the row, year, place, part or "please specify"
//! option code; empty for a question's one cell), `value` (as stored: a
//! code, a number, `unknown`, a text) and `label` (the option's label where
//! `value` is a code). A multi gives one row per picked option, under its
//! joined column; an unanswered cell gives no row. `labels` changes nothing.
//!
//! # codebook: `<edition>-codebook-<date>.csv`
//!
//! One row per column of the responses file, in its order, the identifying
//! columns and the 0/1 columns included: `column`, `section`,
//! `section_title`, `question`, `question_text`, `type` (the definition's
//! type, or `identifier`), `holds` (what the column holds, in words, for
//! the file written with the same `labels` option), `values` (the allowed
//! values: `code=label; …` for codes, the range of a number or scale),
//! `required` (`yes`, empty, or when: a "please specify" text when its
//! option is chosen, say), `shown_if` (the condition, in words).
//!
//! # Safe for spreadsheets
//!
//! Unless `raw`, every cell (headers too) that starts with `=`, `+`, `-`,
//! `@`, a tab or a carriage return gets a leading `'`, so that a
//! spreadsheet shows it as text instead of running it as a formula;
//! nothing else changes. `raw` writes exact values.

mod codebook;
pub mod layout;
mod long;
mod sheet;
mod source;
mod wide;
pub mod workbook;

pub use codebook::{holds, identifying};
pub use layout::{Selection, published};
pub use sheet::{FORMULA_STARTS, is_formula_like};
pub use source::{Response, Source, read_responses, take};
pub use wide::{member_status_text, time_text};

use crate::definition::Survey;
use crate::store::{Store, StoreError};
use chrono::NaiveDate;
use sheet::Sheet;
use std::io::Write;

/// The identifying columns that start each row of the responses file.
pub const RESPONSES_ID_COLUMNS: [&str; 7] = [
    "member",
    "iso3",
    "member_name",
    "subregion",
    "member_status",
    "revision",
    "submitted",
];
/// The identifying columns that start each row of the revisions file.
pub const REVISIONS_ID_COLUMNS: [&str; 4] = ["revision", "time", "member", "status"];
/// The columns of the long file.
pub const LONG_COLUMNS: [&str; 6] = ["member", "question", "column", "cell", "value", "label"];
/// The columns of the codebook.
pub const CODEBOOK_COLUMNS: [&str; 10] = [
    "column",
    "section",
    "section_title",
    "question",
    "question_text",
    "type",
    "holds",
    "values",
    "required",
    "shown_if",
];

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

impl ExportKind {
    /// Every kind, in the order the command line lists them.
    pub const ALL: [ExportKind; 4] = [
        ExportKind::Responses,
        ExportKind::Revisions,
        ExportKind::Long,
        ExportKind::Codebook,
    ];

    /// The kind with this name, as the command line and the download link give it.
    pub fn from_name(name: &str) -> Option<ExportKind> {
        ExportKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Its name on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            ExportKind::Responses => "responses",
            ExportKind::Revisions => "revisions",
            ExportKind::Long => "long",
            ExportKind::Codebook => "codebook",
        }
    }
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
    format!(
        "{}-{}-{}.csv",
        survey.id,
        kind.name(),
        date.format("%Y-%m-%d")
    )
}

/// Writes one export of an edition to `out`, streaming; returns the number of data rows.
pub fn write(
    store: &Store,
    survey: &str,
    kind: ExportKind,
    options: ExportOptions,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let survey = store.survey(survey)?.clone();
    if kind == ExportKind::Revisions {
        let mut sheet = Sheet::new(out, options);
        wide::revisions(store, &survey, options, &mut sheet)?;
        return sheet.finish();
    }
    write_from(
        Source::Store(store),
        &survey,
        kind,
        options,
        Selection::All,
        out,
    )
}

/// Writes the responses, long or codebook file of `survey` from `source`
/// with the columns `selection` keeps (a published edition's files);
/// returns the number of data rows. Revisions are the store's alone.
pub fn write_from(
    source: Source,
    survey: &Survey,
    kind: ExportKind,
    options: ExportOptions,
    selection: Selection,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let mut sheet = Sheet::new(out, options);
    match kind {
        ExportKind::Responses => wide::responses(source, survey, options, selection, &mut sheet)?,
        ExportKind::Revisions => match source {
            Source::Store(store) => wide::revisions(store, survey, options, &mut sheet)?,
            Source::Responses(_) => {
                return Err(ExportError::Write(
                    "the revisions are never taken into a snapshot".into(),
                ));
            }
        },
        ExportKind::Long => long::long(source, survey, selection, &mut sheet)?,
        ExportKind::Codebook => codebook::codebook(survey, options, selection, &mut sheet)?,
    }
    sheet.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_the_command_line_names_and_read_back() {
        let names: Vec<&str> = ExportKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names, ["responses", "revisions", "long", "codebook"]);
        for kind in ExportKind::ALL {
            assert_eq!(ExportKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(ExportKind::from_name("Responses"), None);
        assert_eq!(ExportKind::from_name(""), None);
    }
}
