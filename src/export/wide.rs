//! The wide files: one row per response (the latest submission of each
//! member) or per saved revision, identifying columns then answer columns.

use super::layout::{Layout, Selection};
use super::sheet::Sheet;
use super::source::Source;
use super::{ExportError, ExportOptions, RESPONSES_ID_COLUMNS, REVISIONS_ID_COLUMNS};
use crate::definition::{MemberStatus, Survey};
use crate::store::Store;
use chrono::{DateTime, SecondsFormat, Utc};

/// A time as the stored file has it: RFC 3339, UTC, whole seconds.
pub fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn member_status_text(status: MemberStatus) -> &'static str {
    match status {
        MemberStatus::Member => "member",
        MemberStatus::Associate => "associate",
    }
}

/// The latest submitted response of each member, in the member list's
/// order, each row read from the responses file as it is written: memory
/// holds the index and one row, whatever the number of respondents.
pub fn responses(
    source: Source,
    survey: &Survey,
    options: ExportOptions,
    selection: Selection,
    sheet: &mut Sheet,
) -> Result<(), ExportError> {
    let layout = Layout::select(survey, selection);
    sheet.header(RESPONSES_ID_COLUMNS.into_iter().chain(layout.headers()))?;
    source.each(survey, |member, revision, submitted, cells| {
        sheet.field(&member.code);
        sheet.field(&member.iso3);
        sheet.field(&member.name);
        sheet.field(&member.subregion);
        sheet.field(member_status_text(member.status));
        sheet.field(&revision.to_string());
        sheet.field(&time_text(submitted));
        layout.write(cells, options.labels, sheet);
        sheet.end_row()
    })
}

/// The last column of the revisions file: the warnings a submission was
/// confirmed with, `column: warning`, several joined by ` | `.
pub const CONFIRMED_COLUMN: &str = "confirmed_warnings";

/// Every saved revision, drafts included, in file order, read from disk as
/// it goes: memory does not grow with the number of revisions.
pub fn revisions(
    store: &Store,
    survey: &Survey,
    options: ExportOptions,
    sheet: &mut Sheet,
) -> Result<(), ExportError> {
    let layout = Layout::new(survey);
    sheet.header(
        REVISIONS_ID_COLUMNS
            .into_iter()
            .chain(layout.headers())
            .chain([CONFIRMED_COLUMN]),
    )?;
    // The warnings each submission was confirmed with ("submit anyway"),
    // from the journal beside the responses; a small file.
    let mut confirmed: std::collections::HashMap<(String, u64), String> = Default::default();
    for c in store.confirmations(&survey.id)? {
        let text = confirmed.entry((c.member, c.revision)).or_default();
        if !text.is_empty() {
            text.push_str(" | ");
        }
        text.push_str(&format!("{}: {}", c.column, c.warning));
    }
    for rev in store.scan(&survey.id)? {
        let rev = rev?;
        sheet.field(&rev.number.to_string());
        sheet.field(&time_text(rev.time));
        sheet.field(&rev.member);
        sheet.field(rev.status.as_str());
        layout.write(&rev.cells, options.labels, sheet);
        let key = (rev.member, rev.number);
        sheet.field(confirmed.get(&key).map(String::as_str).unwrap_or(""));
        sheet.end_row()?;
    }
    Ok(())
}
