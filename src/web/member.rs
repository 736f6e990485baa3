//! The member's pages: the questionnaire behind an invitation link, its
//! saves, and the confirmation after a submission.

use super::page_cache::PageState;
use super::pages::html;
use super::view::{SectionForm, Widget, form};
use super::{AppError, AppState, MAX_BODY, csrf};
use crate::answers::{self, Mode, Prefill, Problems, SectionView};
use crate::definition::{Member, Survey};
use crate::store::{MemberState, Status, token_hash};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::StreamExt;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "member/form.html")]
struct FormPage<'a> {
    survey_title: &'a str,
    member_name: &'a str,
    reference_period: &'a str,
    closes: String,
    token: &'a str,
    csrf: String,
    introduction: Vec<&'a str>,
    notice: Option<String>,
    /// A heading and a sentence, for a save that failed.
    failure: Option<(String, String)>,
    summary: Vec<(String, String)>,
    /// The questions the summary names (a question can have two problems).
    to_check: usize,
    required_left: usize,
    sections: Vec<SectionForm>,
}

#[derive(Template)]
#[template(path = "member/done.html")]
struct DonePage<'a> {
    survey_title: &'a str,
    member_name: &'a str,
    token: &'a str,
    time: String,
    revision: u64,
    open: bool,
    closes: String,
    answers: Vec<SectionView>,
}

#[derive(Template)]
#[template(path = "member/closed.html")]
struct ClosedPage<'a> {
    survey_title: &'a str,
    member_name: &'a str,
    why: String,
    status: Option<&'static str>,
    answers: Vec<SectionView>,
}

/// The edition and member a link speaks for.
struct Holder {
    survey: Arc<Survey>,
    member: Member,
}

/// The holder of a link; a wrong link counts against its address, and an
/// address that has tried too many is held back (valid links too, for a while).
fn holder(state: &AppState, req: &HttpRequest, token: &str) -> Result<Holder, AppError> {
    let ip = super::admin::client_ip(state, req);
    if let Some(wait) = state.link_guesses.wait(ip) {
        return Err(AppError::TooManyAttempts(wait.as_secs()));
    }
    let Some(h) = state.store.invitations.holder(token)? else {
        state.link_guesses.fail(ip);
        return Err(AppError::NotFound);
    };
    let survey = state
        .store
        .survey(&h.survey)
        .map_err(|_| AppError::NotFound)?
        .clone();
    let member = survey.member(&h.member).ok_or(AppError::NotFound)?.clone();
    Ok(Holder { survey, member })
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y, %H:%M UTC").to_string()
}

fn closes(survey: &Survey) -> String {
    format!("{} (23:59 UTC)", survey.closes.format("%-d %B %Y"))
}

fn form_scope(token: &str) -> String {
    format!("member-form:{}", token_hash(token))
}

/// Why the edition takes no answers now, if it does not: the
/// secretariat's last word, or else the definition's dates.
fn closed_because(
    state: &AppState,
    survey: &Survey,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    let round = state.store.round(survey, now)?;
    Ok(if round.open {
        None
    } else if round.by_hand.is_some() {
        Some("The secretariat has closed this questionnaire.".to_string())
    } else if now < survey.opens_at() {
        Some(format!(
            "This questionnaire opens on {}.",
            survey.opens.format("%-d %B %Y")
        ))
    } else {
        Some(format!("This questionnaire closed on {}.", closes(survey)))
    })
}

struct FormState {
    prefill: Prefill,
    cells: answers::Cells,
    problems: Problems,
    notice: Option<String>,
    failure: Option<(String, String)>,
}

fn render_form(
    state: &AppState,
    token: &str,
    h: &Holder,
    f: FormState,
) -> Result<String, AppError> {
    let survey = &h.survey;
    let summary = f
        .problems
        .0
        .iter()
        .map(|(q, m)| (q.clone(), m.clone()))
        .collect();
    let page = FormPage {
        survey_title: &survey.title,
        member_name: &h.member.name,
        reference_period: &survey.reference_period,
        closes: closes(survey),
        token,
        csrf: csrf::token(state.store.secret(), &form_scope(token)),
        introduction: survey
            .introduction
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect(),
        notice: f.notice,
        failure: f.failure,
        to_check: f
            .problems
            .0
            .iter()
            .map(|(q, _)| q)
            .collect::<HashSet<_>>()
            .len(),
        summary,
        required_left: answers::unanswered_required(survey, &f.cells).len(),
        sections: form(survey, &f.prefill, &f.problems),
    };
    Ok(page.render()?)
}

fn with_status(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

/// GET /r/{token}: the questionnaire, filled with the latest save. The
/// link and the round are checked on every request; the page itself comes
/// from the cache when nothing it shows has changed since it was made.
pub async fn show(
    state: web::Data<AppState>,
    token: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let h = holder(&state, &req, &token)?;
    let survey = &h.survey;
    let closed = closed_because(&state, survey, Utc::now())?;
    let mut page_state = PageState {
        survey: survey.id.clone(),
        member: h.member.code.clone(),
        latest: state.store.latest_number(&survey.id, &h.member.code)?,
        just_saved: req.query_string().starts_with("saved="),
        closed,
    };
    if let Some(page) = state.page_cache.get(&token, &page_state) {
        return Ok(page.respond(&req));
    }
    let stored = state.store.member(&survey.id, &h.member.code)?;
    // A save may have landed since the number was read: the page is filed
    // under the save it shows.
    page_state.latest = stored.latest.as_ref().map(|r| r.number);
    let body = render_show(&state, &token, &h, &stored, &page_state)?;
    Ok(state
        .page_cache
        .insert(&token, page_state, body)?
        .respond(&req))
}

/// The page `show` sends, as it is in `page_state`.
fn render_show(
    state: &AppState,
    token: &str,
    h: &Holder,
    stored: &MemberState,
    page_state: &PageState,
) -> Result<String, AppError> {
    let survey = &h.survey;
    if let Some(why) = &page_state.closed {
        let answers = stored.latest_submitted.as_ref().or(stored.latest.as_ref());
        let page = ClosedPage {
            survey_title: &survey.title,
            member_name: &h.member.name,
            why: why.clone(),
            status: answers.map(|r| r.status.as_str()),
            answers: answers
                .map(|r| answers::describe(survey, &r.cells))
                .unwrap_or_default(),
        };
        return Ok(page.render()?);
    }
    let cells = stored
        .latest
        .as_ref()
        .map(|r| r.cells.clone())
        .unwrap_or_else(|| vec![String::new(); survey.columns().len()]);
    let just_saved = page_state.just_saved;
    let notice = stored.latest.as_ref().map(|r| match (r.status, just_saved) {
        (Status::Draft, true) => format!("Draft saved at {}. You can close this page and come back to it with the same link.", stamp(r.time)),
        (Status::Draft, false) => format!("Your draft of {} is filled in below. It is not submitted yet.", stamp(r.time)),
        (Status::Submitted, _) => format!("Submitted on {}. You may change your answers and submit again until {}.", stamp(r.time), closes(survey)),
    });
    render_form(
        state,
        token,
        h,
        FormState {
            prefill: Prefill::from_cells(survey, &cells),
            cells,
            problems: Problems::default(),
            notice,
            failure: None,
        },
    )
}

/// Reads a form body, refusing one past [`MAX_BODY`] while it streams in.
async fn read_body(req: &HttpRequest, mut payload: web::Payload) -> Result<Vec<u8>, AppError> {
    let form_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !form_type {
        return Err(AppError::UnsupportedMedia);
    }
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| AppError::BadRequest(format!("the form did not arrive whole ({e})")))?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(AppError::TooLarge(MAX_BODY));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// POST /r/{token}: save a draft or submit.
pub async fn save(
    state: web::Data<AppState>,
    token: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let h = holder(&state, &req, &token)?;
    let survey = &h.survey;
    if let Some(why) = closed_because(&state, survey, Utc::now())? {
        return Err(AppError::Forbidden(format!(
            "{why} Answers can no longer be changed; nothing was stored."
        )));
    }
    let body = read_body(&req, payload).await?;
    let fields = answers::form::parse(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let (mut action, mut given_csrf) = (None, None);
    let mut answer_fields = Vec::with_capacity(fields.len());
    for (k, v) in fields {
        let slot = match k.as_str() {
            "action" => &mut action,
            "csrf" => &mut given_csrf,
            _ => {
                answer_fields.push((k, v));
                continue;
            }
        };
        if slot.replace(v).is_some() {
            return Err(AppError::BadRequest(format!(
                "the field `{k}` is sent more than once"
            )));
        }
    }
    let mode = match action.as_deref() {
        Some("draft") => Mode::Draft,
        Some("submit") => Mode::Submit,
        _ => {
            return Err(AppError::BadRequest(
                "the form must say whether to save a draft or submit".into(),
            ));
        }
    };
    let checked = answers::process(survey, &answer_fields, mode)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    // Whatever goes wrong from here, the page comes back with what was typed.
    let again = |cells,
                 problems,
                 failure: Option<(&str, &str)>,
                 status|
     -> Result<HttpResponse, AppError> {
        let failure = failure.map(|(h, t)| (h.to_string(), t.to_string()));
        let form = FormState {
            prefill: Prefill::from_fields(&answer_fields),
            cells,
            problems,
            notice: None,
            failure,
        };
        Ok(with_status(status, render_form(&state, &token, &h, form)?))
    };
    let csrf_ok =
        given_csrf.is_some_and(|t| csrf::verify(state.store.secret(), &form_scope(&token), &t));
    if !csrf_ok {
        let failure = (
            "Nothing was saved: this page is out of date",
            "The form's security code did not match (the page may be from before the server was reset). Your answers are kept below: press the button again to save them.",
        );
        return again(
            checked.cells,
            Problems::default(),
            Some(failure),
            StatusCode::FORBIDDEN,
        );
    }
    if !checked.problems.is_empty() {
        return again(
            checked.cells,
            checked.problems,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let status = if mode == Mode::Submit {
        Status::Submitted
    } else {
        Status::Draft
    };
    match state
        .store
        .save(&survey.id, &h.member.code, status, checked.cells.clone())
        .await
    {
        Ok(rev) => {
            let to = match status {
                Status::Draft => format!("/r/{}?saved={}#main", token.as_str(), rev.number),
                Status::Submitted => format!("/r/{}/done", token.as_str()),
            };
            Ok(HttpResponse::SeeOther()
                .insert_header((LOCATION, to))
                .finish())
        }
        Err(e) => {
            tracing::error!(error = %e, survey = %survey.id, member = %h.member.code, "a save failed");
            let failure = (
                "Your answers could not be saved: please retry",
                "The server could not write them to disk just now. They are kept in this page: press the button again in a moment. If it keeps failing, copy your longest answers somewhere safe and tell the secretariat.",
            );
            again(
                checked.cells,
                Problems::default(),
                Some(failure),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

/// GET /r/{token}/done: the answers as stored after a submission.
pub async fn done(
    state: web::Data<AppState>,
    token: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let h = holder(&state, &req, &token)?;
    let survey = &h.survey;
    let stored = state.store.member(&survey.id, &h.member.code)?;
    let Some(rev) = stored.latest_submitted else {
        return Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/r/{}", token.as_str())))
            .finish());
    };
    let page = DonePage {
        survey_title: &survey.title,
        member_name: &h.member.name,
        token: &token,
        time: rev
            .time
            .to_rfc3339_opts(SecondsFormat::Secs, true)
            .replace('T', " ")
            .replace('Z', " UTC"),
        revision: rev.number,
        open: closed_because(&state, survey, Utc::now())?.is_none(),
        closes: closes(survey),
        answers: answers::describe(survey, &rev.cells),
    };
    Ok(html(page.render()?))
}
