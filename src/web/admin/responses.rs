//! One member's response, read-only, with every revision and what changed,
//! a page of revisions at a time, each answer in the history cut short: a
//! page stays small however many or large the drafts.

use super::listing::{Pager, Pages, page_of};
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
    pager: Option<Pager>,
    page_note: Option<String>,
    /// The most characters of an answer shown in the history.
    shown_chars: usize,
    last_year: Option<super::last_year::SideBySide>,
    confirmed: Vec<crate::store::Confirmation>,
    /// The documents attached in the revisions of this page (None: the
    /// edition asks for none).
    attachments: Option<Vec<super::attachments::Listed>>,
}

/// Revisions on one page of the history.
pub const HISTORY_PAGE: usize = 20;
/// The most characters of one answer, before or after, in the history
/// (the revisions export has every answer whole).
pub const HISTORY_CHARS: usize = 300;

#[derive(serde::Deserialize)]
pub struct HistoryQuery {
    #[serde(default)]
    page: String,
}

/// `text` cut to [`HISTORY_CHARS`] characters, saying how much was left out.
fn cut(text: String) -> String {
    match text.char_indices().nth(HISTORY_CHARS) {
        None => text,
        Some((at, _)) => {
            let rest = text[at..].chars().count();
            format!("{}… ({rest} more characters)", &text[..at])
        }
    }
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
                before: cut(b),
                after: cut(a),
            })
        })
        .collect()
}

/// GET /admin/s/{survey}/m/{member}?page=N
pub async fn response(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let (survey_id, code) = path.into_inner();
    let survey = survey_of(&state, &survey_id)?;
    let member = survey.member(&code).ok_or(AppError::NotFound)?.clone();
    let asked = page_of(&query.page)?;
    let st = state.store.member(&survey.id, &member.code)?;
    let saves = state.store.saves(&survey.id, &member.code)?;
    let progress = super::progress_of(&state, &survey.id, &member.code)?;
    // This page's revisions (newest first), and the one before its oldest
    // to show what that one changed: only their rows are read.
    let all = saves.all();
    let paging = Pages::new(all.len(), HISTORY_PAGE, asked);
    let newest = paging.rows();
    let (lo, hi) = (all.len() - newest.end, all.len() - newest.start);
    let from = lo.saturating_sub(1);
    let mut revisions: Vec<Revision> = Vec::with_capacity(hi - from);
    state
        .store
        .read_rows(&survey.id, &all[from..hi], |save, cells| {
            revisions.push(Revision {
                number: save.number,
                time: save.time,
                member: member.code.clone(),
                status: save.status,
                cells: cells.clone(),
            });
            Ok::<(), crate::store::StoreError>(())
        })?;
    let attachments = super::attachments::has_files(&survey).then(|| {
        super::attachments::listed(
            &survey,
            &member.code,
            revisions[lo - from..]
                .iter()
                .map(|r| (r.number, r.cells.as_slice())),
        )
    });
    let mut history = Vec::new();
    for (i, r) in revisions.iter().enumerate().skip(lo - from) {
        history.push(HistoryLine {
            number: r.number,
            time: r.time.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            status: r.status.as_str(),
            changes: changes(&survey, i.checked_sub(1).map(|p| &revisions[p]), r),
        });
    }
    history.reverse();
    let address = format!("/admin/s/{}/m/{}", survey.id, member.code);
    let pager = (paging.pages > 1)
        .then(|| paging.pager("Revisions", &address, |p| format!("{address}?page={p}")));
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
        pager,
        page_note: paging.note(),
        shown_chars: HISTORY_CHARS,
        last_year: super::last_year::side_by_side(
            &state,
            &survey,
            &member.code,
            shown.map(|r| &r.cells),
        )?,
        confirmed: super::last_year::confirmed_by(&state, &survey, &member.code)?,
        attachments,
    }
    .render()?;
    Ok(page(body))
}
