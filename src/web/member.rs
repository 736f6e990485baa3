//! The member's pages: the questionnaire behind an invitation link, its
//! saves, and the confirmation after a submission.

use super::last_year::{self, LastYear};
use super::page_cache::PageState;
use super::pages::html;
use super::stale::{self, Conflict};
use super::view::{SectionForm, Widget, form};
use super::{AppError, AppState, MAX_BODY, csrf, upload};
use crate::answers::{self, Mode, Prefill, Problems, SectionView};
use crate::definition::{Member, Survey};
use crate::i18n::Words;
use crate::store::admit::{self, Conditions, Refused};
use crate::store::{MemberState, Status, StoreError, token_hash};
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
    /// The interface's words in the page's language.
    t: Words,
    /// The page's language, and the links to it in the edition's others.
    lang: &'a str,
    languages: Vec<super::language::LanguageLink>,
    /// What the form posts to: the link, in the page's language.
    action: String,
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
    /// The number of the latest save this page was made from (0: none).
    base: u64,
    conflict: Option<Conflict>,
    last_year: Option<LastYear>,
    /// Whether the form sends files (it has a `file` question).
    multipart: bool,
}

#[derive(Template)]
#[template(path = "member/refused.html")]
struct RefusedPage<'a> {
    /// The language of the answers shown (the page's own words are English).
    survey_lang: &'a str,
    survey_title: &'a str,
    member_name: &'a str,
    why: String,
    answers: Vec<SectionView>,
}

#[derive(Template)]
#[template(path = "member/done.html")]
struct DonePage<'a> {
    t: Words,
    lang: &'a str,
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
    /// The language of the answers shown (the page's own words are English).
    survey_lang: &'a str,
    survey_title: &'a str,
    member_name: &'a str,
    why: String,
    status: Option<&'static str>,
    answers: Vec<SectionView>,
}

/// The edition and member a link speaks for.
pub(super) struct Holder {
    pub(super) survey: Arc<Survey>,
    pub(super) member: Member,
}

/// The holder of a link. A wrong link counts against its address, and an
/// address that has tried too many gets 429 for its wrong links; a valid
/// link is always served, so wrong links that a third-party page makes a
/// browser fetch cannot lock its member out.
fn holder(state: &AppState, req: &HttpRequest, token: &str) -> Result<Holder, AppError> {
    let Some(h) = state.store.invitations.holder(token)? else {
        let ip = super::admin::client_ip(state, req);
        if let Some(wait) = state.link_guesses.wait(ip) {
            return Err(AppError::TooManyLinks(wait.as_secs()));
        }
        state.link_guesses.fail(ip);
        return Err(AppError::NotFound);
    };
    let survey = state
        .store
        .survey(&h.survey)
        .map_err(|_| AppError::NotFound)?
        .clone();
    let member = survey.member(&h.member).ok_or(AppError::NotFound)?.clone();
    let survey = super::language::localized(survey, req);
    Ok(Holder { survey, member })
}

fn stamp(t: DateTime<Utc>, w: &Words) -> String {
    format!("{}, {} UTC", w.date(t.date_naive()), t.format("%H:%M"))
}

/// The closing day in the edition's language.
fn closes(survey: &Survey) -> String {
    let w = Words::of(&survey.language);
    w.fill("closes", &[("date", &w.date(survey.closes))])
}

pub(super) fn form_scope(token: &str) -> String {
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

pub(super) struct FormState {
    prefill: Prefill,
    cells: answers::Cells,
    problems: Problems,
    notice: Option<String>,
    failure: Option<(String, String)>,
    base: u64,
    conflict: Option<Conflict>,
    last_year: Option<LastYear>,
}

fn render_form(
    state: &AppState,
    token: &str,
    h: &Holder,
    f: FormState,
) -> Result<String, AppError> {
    render_form_to(state, token, h, f, None)
}

/// Where a form other than a link's posts: the workspace's preview.
pub(super) struct PostTo {
    /// The page's path (the form posts to it, the language links go to it).
    pub(super) path: String,
    /// The session's form token.
    pub(super) csrf: String,
}

/// The form of the workspace's preview: `h.survey` as its member sees it,
/// with what was `typed` and its `problems`, posting to `to`. No link, no
/// save and no earlier answers are involved.
pub(super) fn render_preview(
    state: &AppState,
    h: &Holder,
    typed: &[(String, String)],
    (cells, problems): (answers::Cells, Problems),
    notice: String,
    to: PostTo,
) -> Result<String, AppError> {
    let f = FormState {
        prefill: Prefill::from_fields(&answers::clean::shown(typed)),
        cells,
        problems,
        notice: Some(notice),
        failure: None,
        base: 0,
        conflict: None,
        last_year: None,
    };
    render_form_to(state, "", h, f, Some(to))
}

fn render_form_to(
    state: &AppState,
    token: &str,
    h: &Holder,
    f: FormState,
    to: Option<PostTo>,
) -> Result<String, AppError> {
    let survey = &h.survey;
    let t = Words::of(&survey.language);
    let summary = f
        .problems
        .0
        .iter()
        .map(|(q, m)| (q.clone(), t.problem(m).into_owned()))
        .collect();
    let mut sections = form(survey, &f.prefill, &f.problems, &t);
    last_year::describe(&mut sections, &f.last_year);
    upload::seal_all(state, token, &mut sections);
    let path = match &to {
        Some(to) => to.path.clone(),
        None => format!("/r/{token}"),
    };
    let languages = super::language::links(survey, &path);
    let csrf = match to {
        Some(to) => to.csrf,
        None => csrf::token(state.store.secret(), &form_scope(token)),
    };
    let page = FormPage {
        t,
        lang: &survey.language,
        action: match languages.is_empty() {
            true => path,
            false => format!("{path}?lang={}", survey.language),
        },
        languages,
        survey_title: &survey.title,
        member_name: &h.member.name,
        reference_period: &survey.reference_period,
        closes: closes(survey),
        token,
        csrf,
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
        sections,
        base: f.base,
        conflict: f.conflict,
        last_year: f.last_year,
        multipart: survey.file_questions().next().is_some(),
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
        previous: last_year::previous_number(&state, survey, &h.member.code)?,
        lang: survey.language.clone(),
    };
    if let Some(page) = state.page_cache.get(&token, &page_state) {
        let mut res = page.respond(&req);
        super::language::remember(&mut res, &req, survey, &token);
        return Ok(res);
    }
    let stored = state.store.member(&survey.id, &h.member.code)?;
    // A save may have landed since the number was read: the page is filed
    // under the save it shows.
    page_state.latest = stored.latest.as_ref().map(|r| r.number);
    let carried = req.query_string().contains(last_year::FROM_LAST_YEAR);
    let body = render_show(&state, &token, &h, &stored, &page_state, carried)?;
    let mut res = state
        .page_cache
        .insert(&token, page_state, body)?
        .respond(&req);
    super::language::remember(&mut res, &req, survey, &token);
    Ok(res)
}

/// The page `show` sends, as it is in `page_state`.
fn render_show(
    state: &AppState,
    token: &str,
    h: &Holder,
    stored: &MemberState,
    page_state: &PageState,
    carried: bool,
) -> Result<String, AppError> {
    let survey = &h.survey;
    if let Some(why) = &page_state.closed {
        let answers = stored.latest_submitted.as_ref().or(stored.latest.as_ref());
        let page = ClosedPage {
            survey_lang: &survey.language,
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
    let w = Words::of(&survey.language);
    let notice = stored.latest.as_ref().map(|r| {
        let time = stamp(r.time, &w);
        match (r.status, just_saved) {
            (Status::Draft, true) => w.fill("draft_saved", &[("time", &time)]),
            (Status::Draft, false) => w.fill("draft_filled", &[("time", &time)]),
            (Status::Submitted, _) => w.fill(
                "submitted_on",
                &[("time", &time), ("closes", &closes(survey))],
            ),
        }
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
            base: page_state.latest.unwrap_or(0),
            conflict: None,
            last_year: last_year::view(state, h, stored.latest.is_some(), carried, Vec::new())?,
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
        let chunk = chunk.map_err(|e| match super::limits::is_deadline(&e) {
            true => AppError::TimedOut,
            false => AppError::BadRequest(format!("the form did not arrive whole ({e})")),
        })?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(AppError::TooLarge(MAX_BODY));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The holder of a link and the fields it posts, while its edition takes
/// answers: what every post of the member's form starts with.
pub(super) async fn posted(
    state: &AppState,
    req: &HttpRequest,
    token: &str,
    payload: web::Payload,
) -> Result<(Holder, Vec<(String, String)>), AppError> {
    let h = open_holder(state, req, token)?;
    let body = read_body(req, payload).await?;
    let fields = answers::form::parse(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    Ok((h, fields))
}

/// The holder of a link whose edition takes answers now.
fn open_holder(state: &AppState, req: &HttpRequest, token: &str) -> Result<Holder, AppError> {
    let h = holder(state, req, token)?;
    if let Some(why) = closed_because(state, &h.survey, Utc::now())? {
        return Err(AppError::Forbidden(format!(
            "{why} Answers can no longer be changed; nothing was stored."
        )));
    }
    Ok(h)
}

/// As [`posted`], for the form itself: an edition with `file` questions
/// also takes a multipart post, with the files it sends.
async fn posted_with_files(
    state: &AppState,
    req: &HttpRequest,
    token: &str,
    payload: web::Payload,
) -> Result<(Holder, Vec<(String, String)>, Vec<upload::Upload>), AppError> {
    if !upload::is_multipart(req) {
        let (h, fields) = posted(state, req, token, payload).await?;
        return Ok((h, fields, Vec::new()));
    }
    let h = open_holder(state, req, token)?;
    if h.survey.file_questions().next().is_none() {
        return Err(AppError::UnsupportedMedia);
    }
    let (fields, uploads) = upload::read(req, payload, &h.survey).await?;
    Ok((h, fields, uploads))
}

/// POST /r/{token}: save a draft or submit.
pub async fn save(
    state: web::Data<AppState>,
    token: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (h, fields, uploads) = posted_with_files(&state, &req, &token, payload).await?;
    let survey = &h.survey;
    let (mut action, mut given_csrf, mut base) = (None, None, None);
    let mut answer_fields = Vec::with_capacity(fields.len());
    // The warnings the page showed, which "submit anyway" confirms.
    let mut confirmed = Vec::new();
    for (k, v) in fields {
        let slot = match k.as_str() {
            "action" => &mut action,
            "csrf" => &mut given_csrf,
            "base" => &mut base,
            "confirm" => {
                confirmed.push(v);
                continue;
            }
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
        Some("submit" | "confirm") => Mode::Submit,
        _ => {
            return Err(AppError::BadRequest(
                "the form must say whether to save a draft or submit".into(),
            ));
        }
    };
    let based_on = base
        .map(|b| b.parse::<u64>())
        .transpose()
        .map_err(|_| AppError::BadRequest("the form's `base` is not a revision number".into()))?;
    let csrf_ok = given_csrf
        .as_deref()
        .is_some_and(|t| csrf::verify(state.store.secret(), &form_scope(&token), t));
    // Files are checked and stored (before the row that will name them)
    // only for a post that may be stored.
    let file_problems = upload::decide(
        &state,
        (&token, &h.member.code),
        survey,
        &mut answer_fields,
        uploads,
        csrf_ok,
    )?;
    let mut checked = answers::process(survey, &answer_fields, mode)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    checked.problems.merge(survey, file_problems);
    // A page sent without its base (an older page) is taken as made from the latest save.
    let page_base = match based_on {
        Some(b) => b,
        None => state
            .store
            .latest_number(&survey.id, &h.member.code)?
            .unwrap_or(0),
    };
    // Whatever goes wrong from here, the page comes back with what was typed.
    let again_warned = |cells,
                        problems,
                        failure: Option<(&str, &str)>,
                        status,
                        warnings|
     -> Result<HttpResponse, AppError> {
        let failure = failure.map(|(h, t)| (h.to_string(), t.to_string()));
        let saved = state
            .store
            .latest_number(&survey.id, &h.member.code)?
            .is_some();
        let form = FormState {
            prefill: Prefill::from_fields(&answers::clean::shown(&answer_fields)),
            cells,
            problems,
            notice: None,
            failure,
            base: page_base,
            conflict: None,
            last_year: last_year::view(&state, &h, saved, false, warnings)?,
        };
        Ok(with_status(status, render_form(&state, &token, &h, form)?))
    };
    let again = |cells, problems, failure, status| {
        again_warned(cells, problems, failure, status, Vec::new())
    };
    let w = Words::of(&survey.language);
    if !csrf_ok {
        let failure = (w.get("stale_heading"), w.get("stale_text"));
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
    // A submission's figures against last year's: the page comes back with
    // the warnings until "submit anyway" confirms every one of them.
    let warnings = match mode {
        Mode::Submit => last_year::warnings(&state, &h, &checked.cells)?,
        Mode::Draft => Vec::new(),
    };
    let confirming = action.as_deref() == Some("confirm");
    if warnings
        .iter()
        .any(|w| !confirming || !confirmed.contains(&w.key))
    {
        return again_warned(
            checked.cells,
            Problems::default(),
            None,
            StatusCode::OK,
            warnings,
        );
    }
    let conditions = conditions(&state, &token, &h, based_on);
    match state
        .store
        .save_if(
            &survey.id,
            &h.member.code,
            status,
            checked.cells.clone(),
            conditions,
        )
        .await
    {
        Ok(rev) => {
            let confirmations: Vec<(String, String, String)> = warnings
                .into_iter()
                .map(|w| (w.question, w.column, w.message))
                .collect();
            if let Err(e) =
                state
                    .store
                    .confirm_warnings(&survey.id, &h.member.code, rev.number, &confirmations)
            {
                tracing::error!(error = %e, survey = %survey.id, member = %h.member.code, "confirmed warnings not recorded");
                let failure = (
                    "Your answers were submitted, but your confirmation was not recorded",
                    "The server could not write which figures you confirmed. Press “Submit anyway” again in a moment, so that the secretariat knows the figures are right.",
                );
                return again(
                    checked.cells,
                    Problems::default(),
                    Some(failure),
                    StatusCode::SERVICE_UNAVAILABLE,
                );
            }
            if status == Status::Submitted {
                super::admin::mail::thank(&state, survey, &h.member, &rev);
            }
            Ok(saved(&token, status, rev.number, survey))
        }
        Err(StoreError::Refused(why)) => {
            let typed = FormState {
                prefill: Prefill::from_fields(&answers::clean::shown(&answer_fields)),
                cells: checked.cells,
                problems: Problems::default(),
                notice: None,
                failure: None,
                base: page_base,
                conflict: None,
                last_year: None,
            };
            refused(&state, &token, &h, why, (status, typed))
        }
        Err(e) => {
            tracing::error!(error = %e, survey = %survey.id, member = %h.member.code, "a save failed");
            let failure = (w.get("failed_heading"), w.get("failed_text"));
            again(
                checked.cells,
                Problems::default(),
                Some(failure),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

/// The question the writer asks again when the save is written: is this
/// link still this member's, and the round still open?
/// What the writer decides when a member's save is written: the page it was
/// made from (`based_on`), the member's quotas, and that the link and the
/// round still hold. Every save from a member's link goes through it.
pub(super) fn conditions(
    state: &web::Data<AppState>,
    token: &str,
    h: &Holder,
    based_on: Option<u64>,
) -> Conditions {
    Conditions {
        based_on,
        quotas: Some(state.limits.quotas()),
        still_allowed: Some(still_allowed(state, token, h)),
    }
}

fn still_allowed(state: &web::Data<AppState>, token: &str, h: &Holder) -> admit::StillAllowed {
    let (state, token) = (state.clone(), token.to_string());
    let (survey, member) = (h.survey.clone(), h.member.code.clone());
    Box::new(move || {
        let same = |x: &crate::store::Holder| x.survey == survey.id && x.member == member;
        match state.store.invitations.holder(&token) {
            Ok(Some(x)) if same(&x) => {}
            Ok(_) => return Some("This invitation link was withdrawn or replaced by a newer one while your answers were on their way.".into()),
            Err(e) => {
                tracing::error!(error = %e, "the link could not be checked at the moment of writing");
                return Some("The link could not be checked just now.".into());
            }
        }
        match closed_because(&state, &survey, Utc::now()) {
            Ok(why) => why.map(|w| format!("{w} It closed while your answers were on their way.")),
            Err(e) => {
                tracing::error!(error = %e, "the round could not be checked at the moment of writing");
                Some("The round could not be checked just now.".into())
            }
        }
    })
}

/// Where a stored save sends the browser (in the page's language, when
/// the edition has several).
fn saved(token: &str, status: Status, number: u64, survey: &Survey) -> HttpResponse {
    let lang = match survey.languages.len() {
        0 | 1 => String::new(),
        _ => format!("lang={}", survey.language),
    };
    let to = match (status, lang.is_empty()) {
        (Status::Draft, true) => format!("/r/{token}?saved={number}#main"),
        (Status::Draft, false) => format!("/r/{token}?saved={number}&{lang}#main"),
        (Status::Submitted, true) => format!("/r/{token}/done"),
        (Status::Submitted, false) => format!("/r/{token}/done?{lang}"),
    };
    HttpResponse::SeeOther()
        .insert_header((LOCATION, to))
        .finish()
}

/// The page for a save its writer refused (`wanted` as `typed`): the typed
/// answers always come back.
fn refused(
    state: &AppState,
    token: &str,
    h: &Holder,
    why: Refused,
    (wanted, mut typed): (Status, FormState),
) -> Result<HttpResponse, AppError> {
    let survey = &h.survey;
    let (status, heading, text, retry) = match why {
        Refused::NotAllowed(why) => {
            let page = RefusedPage {
                survey_lang: &survey.language,
                survey_title: &survey.title,
                member_name: &h.member.name,
                why,
                answers: answers::describe(survey, &typed.cells),
            };
            return Ok(with_status(StatusCode::FORBIDDEN, page.render()?));
        }
        Refused::Stale { latest } => {
            let stored = state.store.member(&survey.id, &h.member.code)?;
            let (cells, time) = match &stored.latest {
                // A button pressed twice: the first press stored exactly this.
                Some(r) if r.status == wanted && r.cells == typed.cells => {
                    return Ok(saved(token, wanted, r.number, survey));
                }
                Some(r) => (r.cells.clone(), r.time),
                None => (vec![String::new(); survey.columns().len()], Utc::now()),
            };
            typed.conflict = Some(stale::conflict(survey, &typed.cells, &cells, latest, time));
            // Pressing a button now is the choice "keep mine".
            typed.base = latest;
            let body = render_form(state, token, h, typed)?;
            return Ok(with_status(StatusCode::CONFLICT, body));
        }
        Refused::TooFast { wait_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            "Nothing was saved: too many saves in a minute".to_string(),
            format!(
                "A response takes at most {} saves a minute. Your answers are kept below: wait {wait_secs} second(s) and press the button again.",
                state.limits.saves_per_minute
            ),
            Some(wait_secs),
        ),
        Refused::Full => (
            StatusCode::FORBIDDEN,
            "Nothing was saved: this response has no room for more revisions".to_string(),
            format!(
                "A member's response keeps at most {} revisions or {} MiB in an edition, and this one has reached that. Your answers are kept below: copy them somewhere safe and ask the APT secretariat.",
                state.limits.max_revisions, state.limits.max_member_mib
            ),
            None,
        ),
    };
    typed.failure = Some((heading, text));
    let mut res = with_status(status, render_form(state, token, h, typed)?);
    if let Some(secs) = retry {
        res.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(secs),
        );
    }
    Ok(res)
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
    let t = Words::of(&survey.language);
    let page = DonePage {
        t,
        lang: &survey.language,
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
