//! Where the rows of a file come from: the store (the secretariat's
//! downloads, read as they are written) or responses taken once (a
//! published snapshot, which later saves cannot change).

use super::ExportError;
use crate::answers::Cells;
use crate::definition::{Member, Survey};
use crate::store::Store;
use chrono::{DateTime, Utc};

/// One member's latest submitted response, as a snapshot keeps it.
#[derive(Debug, Clone)]
pub struct Response {
    /// The member's place in the edition's member list.
    pub place: usize,
    /// The number of the revision it comes from.
    pub revision: u64,
    pub submitted: DateTime<Utc>,
    /// Aligned with [`Survey::columns`]; a withheld cell is empty.
    pub cells: Cells,
}

/// The responses a file is written from.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// Each member's latest submitted response in the store, read now.
    Store(&'a Store),
    /// Responses taken earlier, in the member list's order.
    Responses(&'a [Response]),
}

impl Source<'_> {
    /// Calls `f` with each response in the member list's order: the
    /// member, the revision's number and time, and its cells.
    pub fn each<E: From<crate::store::StoreError>>(
        &self,
        survey: &Survey,
        mut f: impl FnMut(&Member, u64, DateTime<Utc>, &mut Cells) -> Result<(), E>,
    ) -> Result<(), E> {
        match self {
            Source::Store(store) => store.read_submitted(&survey.id, |member, save, cells| {
                f(member, save.number, save.time, cells)
            }),
            Source::Responses(responses) => {
                let mut cells = Cells::new();
                for r in responses.iter() {
                    let Some(member) = survey.members.get(r.place) else {
                        continue;
                    };
                    cells.clone_from(&r.cells);
                    f(member, r.revision, r.submitted, &mut cells)?;
                }
                Ok(())
            }
        }
    }
}

/// Each member's latest submitted response of `survey` in the store, read
/// once, in the member list's order.
pub fn take(store: &Store, survey: &Survey) -> Result<Vec<Response>, ExportError> {
    let mut taken = Vec::new();
    store.read_submitted(&survey.id, |member, save, cells| {
        // The store gives only members of this very list.
        let Some(place) = survey.members.position(&member.code) else {
            return Ok(());
        };
        taken.push(Response {
            place,
            revision: save.number,
            submitted: save.time,
            cells: std::mem::take(cells),
        });
        Ok::<(), ExportError>(())
    })?;
    Ok(taken)
}

/// Reads a responses file this module wrote (codes, formula-safe) back
/// into responses of `survey`: a published edition's answers, for the
/// next edition's report to compare with. Columns the file does not have
/// (withheld ones) stay empty; a member not on the list is skipped.
pub fn read_responses(survey: &Survey, bytes: &[u8]) -> Result<Vec<Response>, ExportError> {
    let bad = |e: csv::Error| ExportError::Write(format!("a published responses file: {e}"));
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().map_err(bad)?.clone();
    let at = |name: &str| headers.iter().position(|h| h == name);
    let (Some(member), Some(revision), Some(submitted)) =
        (at("member"), at("revision"), at("submitted"))
    else {
        return Err(ExportError::Write(
            "a published responses file without its member, revision and submitted columns".into(),
        ));
    };
    let columns: Vec<(usize, usize)> = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| survey.column_index(h).map(|c| (i, c)))
        .collect();
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.map_err(bad)?;
        let Some(place) = row.get(member).and_then(|m| survey.members.position(m)) else {
            continue;
        };
        let mut cells = vec![String::new(); survey.columns().len()];
        for &(i, c) in &columns {
            let value = row.get(i).unwrap_or("");
            // Undo the formula guard: `'` was put before a cell that starts like a formula.
            let value = match value.strip_prefix('\'') {
                Some(rest) if super::is_formula_like(rest) => rest,
                _ => value,
            };
            cells[c] = value.to_string();
        }
        out.push(Response {
            place,
            revision: row.get(revision).and_then(|r| r.parse().ok()).unwrap_or(0),
            submitted: row
                .get(submitted)
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default(),
            cells,
        });
    }
    Ok(out)
}
