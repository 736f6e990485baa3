//! Two tabs: a save made from a page older than the member's latest save
//! is not applied; the form comes back with what differs between the
//! member's typed version and the stored one, for them to choose.

use crate::answers::{self, Cells};
use crate::definition::Survey;
use chrono::{DateTime, Utc};

/// One question whose answer differs between the two versions.
pub struct Difference {
    pub id: String,
    pub text: String,
    /// The answer in words, one line per part; empty: not answered.
    pub mine: Vec<String>,
    pub stored: Vec<String>,
}

/// What the member chooses between.
pub struct Conflict {
    /// The stored save that came after the member's page.
    pub latest: u64,
    pub saved_at: String,
    pub differences: Vec<Difference>,
}

/// The questions whose answers differ between `mine` and `stored`, in
/// questionnaire order (a question hidden in one version counts as not answered).
pub fn conflict(
    survey: &Survey,
    mine: &Cells,
    stored: &Cells,
    latest: u64,
    time: DateTime<Utc>,
) -> Conflict {
    let lines = |cells: &Cells| -> Vec<(String, String, Vec<String>)> {
        answers::describe(survey, cells)
            .into_iter()
            .flat_map(|s| s.answers)
            .map(|a| (a.id, a.text, a.lines))
            .collect()
    };
    let (mine, stored) = (lines(mine), lines(stored));
    let find = |list: &[(String, String, Vec<String>)], id: &str| -> Vec<String> {
        list.iter()
            .find(|(q, _, _)| q == id)
            .map(|(_, _, l)| l.clone())
            .unwrap_or_default()
    };
    let differences = survey
        .questions()
        .filter_map(|q| {
            let (m, s) = (find(&mine, &q.id), find(&stored, &q.id));
            (m != s).then(|| Difference {
                id: q.id.clone(),
                text: q.text.clone(),
                mine: m,
                stored: s,
            })
        })
        .collect();
    Conflict {
        latest,
        saved_at: time.format("%-d %B %Y, %H:%M UTC").to_string(),
        differences,
    }
}
