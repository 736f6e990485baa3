//! One member's response, read-only, with every revision and what changed.

use super::{Me, page, require, survey_of};
use crate::answers::{self, SectionView};
use crate::store::Revision;
use crate::web::{AppError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::collections::BTreeMap;

/// One saved revision and how it differs from the one before.
pub struct HistoryLine {
    pub number: u64,
    pub time: String,
    pub status: &'static str,
    pub changes: Vec<Change>,
}

/// One question whose answer changed.
pub struct Change {
    pub question: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "admin/response.html")]
struct ResponsePage<'a> {
    csrf: String,
    me: Me,
    survey_id: &'a str,
    survey_title: &'a str,
    member_name: &'a str,
    member_code: &'a str,
    progress: &'static str,
    shown: Option<(u64, &'static str)>,
    answers: Vec<SectionView>,
    history: Vec<HistoryLine>,
}

fn by_question(sections: &[SectionView]) -> BTreeMap<String, String> {
    sections
        .iter()
        .flat_map(|s| s.answers.iter())
        .map(|a| {
            (
                a.id.clone(),
                if a.lines.is_empty() {
                    "—".to_string()
                } else {
                    a.lines.join("; ")
                },
            )
        })
        .collect()
}

/// What changed between two revisions' answers, question by question, in questionnaire order.
fn changes(
    survey: &crate::definition::Survey,
    before: Option<&Revision>,
    after: &Revision,
) -> Vec<Change> {
    let old = before
        .map(|r| by_question(&answers::describe(survey, &r.cells)))
        .unwrap_or_default();
    let new = by_question(&answers::describe(survey, &after.cells));
    survey
        .questions()
        .filter_map(|q| {
            let b = old.get(&q.id).cloned().unwrap_or_else(|| "—".into());
            let a = new.get(&q.id).cloned().unwrap_or_else(|| "—".into());
            (a != b).then(|| Change {
                question: q.id.clone(),
                before: b,
                after: a,
            })
        })
        .collect()
}

/// GET /admin/s/{survey}/m/{member}
pub async fn response(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let (survey_id, code) = path.into_inner();
    let survey = survey_of(&state, &survey_id)?;
    let member = survey.member(&code).ok_or(AppError::NotFound)?.clone();
    let st = state.store.member(&survey.id, &member.code)?;
    let saves = state.store.saves(&survey.id, &member.code)?;
    let progress = super::progress_of(&state, &survey.id, &member.code)?;
    // Every revision of this member, read from its rows: the index knows
    // where each one is, so no other member's row is read.
    let mut revisions: Vec<Revision> = Vec::with_capacity(saves.all().len());
    state
        .store
        .read_rows(&survey.id, saves.all(), |save, cells| {
            revisions.push(Revision {
                number: save.number,
                time: save.time,
                member: member.code.clone(),
                status: save.status,
                cells: cells.clone(),
            });
            Ok::<(), crate::store::StoreError>(())
        })?;
    let mut history = Vec::new();
    for (i, r) in revisions.iter().enumerate() {
        history.push(HistoryLine {
            number: r.number,
            time: r.time.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            status: r.status.as_str(),
            changes: changes(&survey, i.checked_sub(1).map(|p| &revisions[p]), r),
        });
    }
    history.reverse();
    let shown = st.latest_submitted.as_ref().or(st.latest.as_ref());
    let body = ResponsePage {
        me: session.me(),
        csrf: session.csrf,
        survey_id: &survey.id,
        survey_title: &survey.title,
        member_name: &member.name,
        member_code: &member.code,
        progress: progress.label(),
        shown: shown.map(|r| (r.number, r.status.as_str())),
        answers: shown
            .map(|r| answers::describe(&survey, &r.cells))
            .unwrap_or_default(),
        history,
    }
    .render()?;
    Ok(page(body))
}
