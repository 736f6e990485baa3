//! The workspace's preview of an edition: its form as a member sees it, in
//! each of its languages, read again from its definition file on every
//! request (so that an edit shows at once, and a broken file shows the
//! messages of `spam-survey check`). Nothing is stored and no link is
//! issued: a post is checked as a save would be and shown back.

use super::super::member::{Holder, PostTo, render_preview};
use super::{Me, page, require, require_post_as};
use crate::accounts::Role;
use crate::answers::{self, Mode, Problems};
use crate::definition::{Member, MemberStatus, Survey};
use crate::i18n::Words;
use crate::web::{AppError, AppState, language};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "admin/preview-errors.html")]
struct ErrorsPage<'a> {
    csrf: String,
    me: Me,
    edition: &'a str,
    file: String,
    messages: Vec<String>,
}

/// The edition as its file says now, or the page of its errors.
fn read(state: &AppState, edition: &str) -> Result<Result<Survey, Vec<String>>, AppError> {
    let known = state.store.survey(edition).ok();
    // Every edition is loaded from the one surveys folder.
    let folder = state
        .store
        .surveys
        .values()
        .next()
        .and_then(|s| s.file.parent().map(|p| p.to_path_buf()));
    let file = crate::preview::file_of(known.map(|s| s.as_ref()), folder.as_deref(), edition)
        .ok_or(AppError::NotFound)?;
    Ok(crate::preview::check_edition(&file).map_err(|mut m| {
        m.insert(0, file.display().to_string());
        m
    }))
}

fn errors_page(
    session: super::Session,
    edition: &str,
    mut messages: Vec<String>,
) -> Result<HttpResponse, AppError> {
    let file = messages.remove(0);
    let body = ErrorsPage {
        csrf: session.csrf.clone(),
        me: session.me(),
        edition,
        file,
        messages,
    }
    .render()?;
    Ok(page(body))
}

/// Whom the preview shows the form to: the list's first member, else a stand-in.
fn holder(survey: Survey, req: &HttpRequest) -> Holder {
    let member = survey.members.first().cloned().unwrap_or(Member {
        code: "XX".into(),
        iso3: "XXX".into(),
        name: "Member".into(),
        subregion: String::new(),
        status: MemberStatus::Member,
        email: String::new(),
    });
    let survey = language::localized(Arc::new(survey), req);
    Holder { survey, member }
}

fn banner(survey: &Survey, key: &str) -> String {
    Words::of(&survey.language).get(key).to_string()
}

/// GET /admin/s/{survey}/preview[?lang=fr]: any signed-in role.
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let survey = match read(&state, &path)? {
        Ok(s) => s,
        Err(messages) => return errors_page(session, &path, messages),
    };
    let h = holder(survey, &req);
    let cells = vec![String::new(); h.survey.columns().len()];
    let to = PostTo {
        path: format!("/admin/s/{}/preview", h.survey.id),
        csrf: session.csrf,
    };
    let notice = banner(&h.survey, "preview_banner");
    let body = render_preview(&state, &h, &[], (cells, Problems::default()), notice, to)?;
    Ok(page(body))
}

/// POST /admin/s/{survey}/preview: the answers checked as a save would
/// check them, and shown back; nothing is written anywhere.
pub async fn check(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let fields = answers::form::parse(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let given = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let session = require_post_as(&state, &req, given("csrf"), Role::Viewer)?;
    let mode = match given("action") {
        "draft" => Mode::Draft,
        _ => Mode::Submit,
    };
    let survey = match read(&state, &path)? {
        Ok(s) => s,
        Err(messages) => return errors_page(session, &path, messages),
    };
    let typed: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "csrf" | "action" | "base" | "confirm"))
        .collect();
    let h = holder(survey, &req);
    let checked = answers::process(&h.survey, &typed, mode)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let to = PostTo {
        path: format!("/admin/s/{}/preview", h.survey.id),
        csrf: session.csrf,
    };
    let notice = banner(&h.survey, "preview_checked");
    let body = render_preview(
        &state,
        &h,
        &typed,
        (checked.cells, checked.problems),
        notice,
        to,
    )?;
    Ok(page(body))
}
