//! The previous edition on the member's form: last year's answers beside
//! each question, "start from last year", and the soft checks of a
//! submission. Thin: the matching and the checks are in `continuity`.

use super::member::{Holder, form_scope, posted};
use super::view::SectionForm;
use super::{AppError, AppState, csrf};
use crate::answers::{AnswerView, Cells};
use crate::continuity::checks::{self, Warning};
use crate::continuity::{carry, match_editions};
use crate::definition::Survey;
use crate::store::{Status, StoreError};
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use std::sync::Arc;

/// The query that follows a draft made from last year's answers.
pub const FROM_LAST_YEAR: &str = "from=last-year";

/// What the form shows of the previous edition.
pub struct LastYear {
    /// The previous edition's year ("In 2021 you answered").
    pub year: i32,
    /// Last year's answer in words, by this year's question id.
    pub answers: Vec<(String, AnswerView)>,
    /// Whether to offer "start from last year" (nothing saved yet).
    pub offer: bool,
    /// After "start from last year": the questions carried, and those not, with why.
    pub carried: Option<carry::Carried>,
    /// Figures to confirm before the submission is stored.
    pub warnings: Vec<Warning>,
}

impl LastYear {
    /// Last year's answer to this question, in words.
    pub fn answer(&self, question: &str) -> Option<&AnswerView> {
        self.answers
            .iter()
            .find(|(q, _)| q == question)
            .map(|(_, a)| a)
    }

    /// The warnings about this question.
    pub fn warnings_of(&self, question: &str) -> Vec<&Warning> {
        self.warnings
            .iter()
            .filter(|w| w.question == question)
            .collect()
    }
}

/// The previous edition of `survey` and the member's last submitted
/// answers to it, when both exist. Only this member's row is read.
pub fn previous_submitted(
    state: &AppState,
    survey: &Survey,
    member: &str,
) -> Result<Option<(Arc<Survey>, Cells)>, AppError> {
    let Some(prev) = &survey.previous else {
        return Ok(None);
    };
    let Ok(before) = state.store.survey(prev) else {
        return Ok(None);
    };
    let before = before.clone();
    let stored = state.store.member(&before.id, member)?;
    Ok(stored.latest_submitted.map(|r| (before, r.cells.clone())))
}

/// The number of the member's latest submission to the previous edition
/// (cheap: no answers are read), for the page cache to follow it.
pub fn previous_number(
    state: &AppState,
    survey: &Survey,
    member: &str,
) -> Result<Option<u64>, AppError> {
    let Some(prev) = survey.previous.as_deref() else {
        return Ok(None);
    };
    if state.store.survey(prev).is_err() {
        return Ok(None);
    }
    Ok(state
        .store
        .saves(prev, member)?
        .latest_submitted()
        .map(|s| s.number))
}

/// What the form of `h` shows of last year, given whether anything is
/// saved yet, whether a draft was just made from last year, and the
/// warnings of a submission; None when there is no previous submission.
pub(super) fn view(
    state: &AppState,
    h: &Holder,
    saved: bool,
    just_carried: bool,
    warnings: Vec<Warning>,
) -> Result<Option<LastYear>, AppError> {
    let Some((before, cells)) = previous_submitted(state, &h.survey, &h.member.code)? else {
        return Ok(None);
    };
    let m = match_editions(&before, &h.survey);
    let carried = just_carried.then(|| carry::carry(&m, &cells));
    Ok(Some(LastYear {
        year: before.year,
        answers: carry::in_words(&m, &cells),
        offer: !saved,
        carried,
        warnings,
    }))
}

/// The soft checks of a submission of `cells` by the member of `h`.
pub(super) fn warnings(
    state: &AppState,
    h: &Holder,
    cells: &Cells,
) -> Result<Vec<Warning>, AppError> {
    let Some((before, prev)) = previous_submitted(state, &h.survey, &h.member.code)? else {
        return Ok(Vec::new());
    };
    let m = match_editions(&before, &h.survey);
    Ok(checks::warnings(&m, &prev, cells))
}

/// Ties last year's answer and the warnings to each question for screen
/// readers (`aria-describedby`).
pub fn describe(sections: &mut [SectionForm], last: &Option<LastYear>) {
    let Some(last) = last else { return };
    for q in sections.iter_mut().flat_map(|s| s.questions.iter_mut()) {
        if last.answer(&q.id).is_some() {
            q.described_by.push(format!("prev-{}", q.id));
        }
        if !last.warnings_of(&q.id).is_empty() {
            q.described_by.push(format!("warn-{}", q.id));
        }
    }
}

/// POST /r/{token}/last-year: makes a draft of last year's submitted
/// answers that still fit, when nothing is saved to this edition yet.
pub(super) async fn start(
    state: web::Data<AppState>,
    token: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (h, fields) = posted(&state, &req, &token, payload).await?;
    let survey = &h.survey;
    let mut given = None;
    for (k, v) in fields {
        if k != "csrf" || given.replace(v).is_some() {
            return Err(AppError::BadRequest(format!(
                "this button sends only its security code, not `{}`",
                k.chars().take(60).collect::<String>()
            )));
        }
    }
    if !given.is_some_and(|t| csrf::verify(state.store.secret(), &form_scope(&token), &t)) {
        return Err(AppError::Forbidden(
            "This page is out of date (its security code did not match); nothing was stored. Open the link again.".into(),
        ));
    }
    if state
        .store
        .latest_number(&survey.id, &h.member.code)?
        .is_some()
    {
        return Err(AppError::Forbidden(
            "You already have answers to this edition, so last year's are not filled in over them; nothing was changed.".into(),
        ));
    }
    let Some((before, cells)) = previous_submitted(&state, survey, &h.member.code)? else {
        return Err(AppError::BadRequest(
            "There is no submitted answer of the previous edition to start from; nothing was stored.".into(),
        ));
    };
    let c = carry::carry(&match_editions(&before, survey), &cells);
    if c.carried.is_empty() {
        return Err(AppError::BadRequest(
            "None of last year's answers fits this edition's questions; nothing was stored.".into(),
        ));
    }
    // Decided by the writer like every save: the link and the round still
    // hold, the member's quotas, and no save of theirs came in meanwhile.
    let conditions = super::member::conditions(&state, &token, &h, Some(0));
    let rev = match state
        .store
        .save_if(
            &survey.id,
            &h.member.code,
            Status::Draft,
            c.cells,
            conditions,
        )
        .await
    {
        Ok(rev) => rev,
        Err(StoreError::Refused(why)) => {
            return Err(AppError::Forbidden(format!(
                "{why}; nothing was stored. Open the link again."
            )));
        }
        Err(e) => {
            return Err(AppError::Internal(format!(
                "the draft from last year could not be saved: {e}"
            )));
        }
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            format!(
                "/r/{}?saved={}&{FROM_LAST_YEAR}#main",
                token.as_str(),
                rev.number
            ),
        ))
        .finish())
}
