//! Pages that belong to no one: the home page, assets, health, 404.

use super::{AppError, AppState};
use actix_web::{HttpResponse, HttpResponseBuilder, web};
use askama::Template;
use chrono::Utc;

pub struct SurveyLine {
    pub title: String,
    pub open: bool,
    pub closes: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    surveys: Vec<SurveyLine>,
    published: Vec<super::public::Listed>,
}

pub async fn home(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, AppError> {
    let now = Utc::now();
    let mut surveys = Vec::new();
    for s in state.store.surveys.values().rev() {
        surveys.push(SurveyLine {
            title: s.title.clone(),
            open: state.store.round(s, now)?.open,
            closes: s.closes.to_string(),
        });
    }
    let published = super::public::listed(&state)?;
    let page = Home { surveys, published }.render()?;
    Ok(super::public::cached_page(&req, page))
}

pub async fn health() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

const STYLE: &str = include_str!("../../templates/assets/style.css");
const FORM_SCRIPT: &str = include_str!("../../templates/assets/form.js");

pub async fn asset(file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (body, kind) = match file.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "form.js" => (FORM_SCRIPT, "text/javascript; charset=utf-8"),
        _ => return Err(AppError::NotFound),
    };
    Ok(HttpResponse::Ok()
        .content_type(kind)
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(body))
}

pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// An HTML page with status 200.
pub fn html(body: String) -> HttpResponse {
    html_response().body(body)
}

/// The head of an HTML page with status 200: never kept by a browser or a
/// proxy, as a member's page holds its link and answers.
pub fn html_response() -> HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"));
    response
}
