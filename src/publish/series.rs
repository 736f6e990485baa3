//! An edition's series: the earlier editions it follows (`previous`, and
//! theirs), and one long file across the published ones, so that an
//! analyst charts a question over the years with no reshaping.

use super::Edition;
use crate::continuity::match_editions;
use crate::definition::Survey;
use crate::export::LONG_COLUMNS;
use crate::store::{Store, StoreError};
use std::collections::BTreeMap;

/// The editions `survey` follows, nearest first (each one's `previous`).
pub fn earlier<'a>(store: &'a Store, survey: &Survey) -> Vec<&'a Survey> {
    let mut out: Vec<&Survey> = Vec::new();
    let mut next = survey.previous.clone();
    while let Some(id) = next {
        let Ok(s) = store.survey(&id) else { break };
        // A loop of `previous` is refused by the loader; stop anyway.
        if out.iter().any(|o| o.id == s.id) || s.id == survey.id {
            break;
        }
        out.push(s);
        next = s.previous.clone();
    }
    out
}

/// The columns of the combined long file: the edition and its year, the
/// question's id in the newest edition of the file, then the long file's.
pub fn columns() -> Vec<&'static str> {
    let mut c = vec!["edition", "year", "series_question"];
    c.extend(LONG_COLUMNS);
    c
}

/// The combined long file of `survey` and its published predecessors,
/// oldest first, from each one's current published version: CSV bytes
/// (as the long files have them, formula-safe); None when `survey` is not
/// public.
pub fn combined_long(
    store: &Store,
    survey: &Survey,
    editions: &BTreeMap<String, Edition>,
) -> Result<Option<Vec<u8>>, StoreError> {
    let Some(current) = editions.get(&survey.id).and_then(Edition::current) else {
        return Ok(None);
    };
    let mut parts: Vec<(&Survey, u32)> = vec![(survey, current.number)];
    for s in earlier(store, survey) {
        if let Some(v) = editions.get(&s.id).and_then(Edition::current) {
            parts.push((s, v.number));
        }
    }
    parts.reverse();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let failed = |e: csv::Error| StoreError::NotSaved(e.to_string());
    w.write_record(columns()).map_err(failed)?;
    for (s, version) in parts {
        let name = format!("{}-long.csv", s.id);
        let Some((bytes, _)) = super::file(store, &s.id, version, &name)? else {
            continue;
        };
        // Which question of the newest edition each of this one's continues,
        // matched edition by edition along the series.
        let forward = forward_ids(store, s, survey);
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        for row in reader.records() {
            let row = row.map_err(failed)?;
            let question = row.get(1).unwrap_or("");
            let newest = forward.get(question).map(String::as_str).unwrap_or("");
            let year = s.year.to_string();
            let mut record = vec![s.id.as_str(), year.as_str(), newest];
            record.extend(row.iter());
            w.write_record(&record).map_err(failed)?;
        }
    }
    w.into_inner()
        .map(Some)
        .map_err(|e| StoreError::NotSaved(e.to_string()))
}

/// For each question id of `from`, the id of the question of `to` that
/// continues it (through every edition between them); none when the
/// series drops it or its answers stop fitting.
fn forward_ids(store: &Store, from: &Survey, to: &Survey) -> BTreeMap<String, String> {
    let mut ids: BTreeMap<String, String> = from
        .questions()
        .map(|q| (q.id.clone(), q.id.clone()))
        .collect();
    if from.id == to.id {
        return ids;
    }
    // The editions after `from` up to `to`, oldest first.
    let mut chain: Vec<&Survey> = earlier(store, to)
        .into_iter()
        .take_while(|s| s.id != from.id)
        .collect();
    chain.reverse();
    chain.push(to);
    let mut before = from;
    for now in chain {
        let matching = match_editions(before, now);
        ids = ids
            .into_iter()
            .filter_map(|(orig, at)| {
                matching
                    .pairs
                    .iter()
                    .find(|p| p.before.id == at && p.compatible())
                    .map(|p| (orig, p.now.id.clone()))
            })
            .collect();
        before = now;
    }
    ids
}
