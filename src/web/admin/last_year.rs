//! The previous edition on the secretariat's pages: last year's answers
//! beside this year's on a response, and the warnings a member confirmed.

use crate::answers::{Cells, describe};
use crate::continuity::match_editions;
use crate::definition::Survey;
use crate::store::Confirmation;
use crate::web::last_year::previous_submitted;
use crate::web::{AppError, AppState};
use std::collections::HashSet;

/// This year's answers beside last year's, question by question.
pub struct SideBySide {
    pub previous: String,
    pub year: i32,
    /// Question (this year's id, and last year's when renamed), this year's
    /// answer, last year's answer, in words.
    pub rows: Vec<(String, String, String)>,
}

fn words(lines: &[String]) -> String {
    if lines.is_empty() {
        "—".into()
    } else {
        lines.join("; ")
    }
}

/// The side-by-side view of a member's response, when it submitted to the
/// previous edition.
pub fn side_by_side(
    state: &AppState,
    survey: &Survey,
    member: &str,
    now: Option<&Cells>,
) -> Result<Option<SideBySide>, AppError> {
    let Some((before, prev)) = previous_submitted(state, survey, member)? else {
        return Ok(None);
    };
    let m = match_editions(&before, survey);
    let now_views = now.map(|c| describe(survey, c)).unwrap_or_default();
    let before_views = describe(&before, &prev);
    let find = |views: &[crate::answers::SectionView], id: &str| {
        views
            .iter()
            .flat_map(|s| s.answers.iter())
            .find(|a| a.id == id)
            .map(|a| words(&a.lines))
            .unwrap_or_else(|| "—".into())
    };
    let rows = m
        .pairs
        .iter()
        .map(|p| {
            let label = if p.renamed {
                format!("{} (was {})", p.now.id, p.before.id)
            } else {
                p.now.id.clone()
            };
            (
                label,
                find(&now_views, &p.now.id),
                find(&before_views, &p.before.id),
            )
        })
        .collect();
    Ok(Some(SideBySide {
        previous: before.id.clone(),
        year: before.year,
        rows,
    }))
}

/// The warnings `member` confirmed with any of its submissions, newest first.
pub fn confirmed_by(
    state: &AppState,
    survey: &Survey,
    member: &str,
) -> Result<Vec<Confirmation>, AppError> {
    let mut all: Vec<Confirmation> = state
        .store
        .confirmations(&survey.id)?
        .into_iter()
        .filter(|c| c.member == member)
        .collect();
    all.reverse();
    Ok(all)
}

/// The members whose latest submission came with confirmed warnings.
pub fn confirmed_members(state: &AppState, survey: &Survey) -> Result<HashSet<String>, AppError> {
    let confirmations = state.store.confirmations(&survey.id)?;
    if confirmations.is_empty() {
        return Ok(HashSet::new());
    }
    let latest: HashSet<(String, u64)> = state
        .store
        .submitted(&survey.id)?
        .into_iter()
        .filter_map(|(place, save)| Some((survey.members.get(place)?.code.clone(), save.number)))
        .collect();
    Ok(confirmations
        .into_iter()
        .filter(|c| latest.contains(&(c.member.clone(), c.revision)))
        .map(|c| c.member)
        .collect())
}

/// Which members of the overview to mark.
pub struct Marks(pub HashSet<String>);

impl Marks {
    pub fn has(&self, code: &str) -> bool {
        self.0.contains(code)
    }
}
