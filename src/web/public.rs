//! The public pages, no sign-in: the published editions on the home page,
//! each edition's page (report, downloads, licence, citation, earlier
//! versions and editions) and its files. A version's files never change:
//! they go out with their SHA-256 as ETag and a year's immutable cache.

use super::{AppError, AppState};
use crate::publish::{self, Edition, Manifest};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use sha2::{Digest, Sha256};

/// What the home page says of one published edition.
pub struct Listed {
    pub id: String,
    pub title: String,
    pub year: i32,
    pub respondents: usize,
    /// The date of the current version (YYYY-MM-DD).
    pub published: String,
}

/// The published editions, newest first, for the home page.
pub fn listed(state: &AppState) -> Result<Vec<Listed>, AppError> {
    let mut out = Vec::new();
    for (id, e) in publish::editions(&state.store)?.iter().rev() {
        let Some(v) = e.current() else { continue };
        let m = publish::manifest(&state.store, id, v.number)?;
        out.push(Listed {
            id: id.clone(),
            title: m.title,
            year: m.year,
            respondents: m.respondents,
            published: v.published.format("%Y-%m-%d").to_string(),
        });
    }
    out.sort_by(|a, b| b.year.cmp(&a.year).then(a.id.cmp(&b.id)));
    Ok(out)
}

struct VersionLine {
    number: u32,
    published: String,
}

struct EarlierEdition {
    id: String,
    title: String,
}

#[derive(Template)]
#[template(path = "public/edition.html")]
struct EditionPage {
    m: Manifest,
    /// The version shown is the edition's current one.
    current: bool,
    current_number: u32,
    versions: Vec<VersionLine>,
    earlier: Vec<EarlierEdition>,
}

impl EditionPage {
    /// When the version was published, for people: `2026-12-02 01:52 UTC`.
    fn when(&self) -> String {
        chrono::DateTime::parse_from_rfc3339(&self.m.published)
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|_| self.m.published.clone())
    }

    fn size(bytes: &u64) -> String {
        if *bytes >= 1024 * 1024 {
            format!("{:.1} MB", *bytes as f64 / (1024.0 * 1024.0))
        } else {
            format!("{} KB", bytes.div_ceil(1024))
        }
    }
}

/// The edition, if it is public now; else a 404 (never published, or withdrawn).
fn public_edition(state: &AppState, id: &str) -> Result<Edition, AppError> {
    state.store.survey(id).map_err(|_| AppError::NotFound)?;
    let edition = publish::edition(&state.store, id)?;
    if edition.current().is_none() {
        return Err(AppError::NotFound);
    }
    Ok(edition)
}

fn version_of(text: &str) -> Result<u32, AppError> {
    text.strip_prefix('v')
        .and_then(|n| n.parse::<u32>().ok())
        .ok_or(AppError::NotFound)
}

/// GET /data/{edition}: the current version's page.
pub async fn edition(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let edition = public_edition(&state, &path)?;
    let number = edition.current().map_or(0, |v| v.number);
    edition_page(&state, &req, &edition, number)
}

/// GET /data/{edition}/v{N}: one version's page.
pub async fn version(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, version) = path.into_inner();
    let edition = public_edition(&state, &id)?;
    let number = version_of(&version)?;
    if !edition.versions.iter().any(|v| v.number == number) {
        return Err(AppError::NotFound);
    }
    edition_page(&state, &req, &edition, number)
}

fn edition_page(
    state: &AppState,
    req: &HttpRequest,
    edition: &Edition,
    number: u32,
) -> Result<HttpResponse, AppError> {
    let store = &state.store;
    let m = publish::manifest(store, &edition.survey, number)?;
    let current_number = edition.current().map_or(0, |v| v.number);
    let survey = store.survey(&edition.survey)?;
    let all = publish::editions(store)?;
    let earlier = publish::series::earlier(store, survey)
        .into_iter()
        .filter(|s| all.get(&s.id).and_then(Edition::current).is_some())
        .map(|s| EarlierEdition {
            id: s.id.clone(),
            title: s.title.clone(),
        })
        .collect();
    let versions = edition
        .versions
        .iter()
        .rev()
        .map(|v| VersionLine {
            number: v.number,
            published: v.published.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect();
    let body = EditionPage {
        current: number == current_number,
        current_number,
        m,
        versions,
        earlier,
    }
    .render()?;
    Ok(cached_page(req, body))
}

/// A public page: cached briefly (a publication or withdrawal shows within
/// a minute), with an ETag so that a browser asks again cheaply.
pub fn cached_page(req: &HttpRequest, body: String) -> HttpResponse {
    let tag = format!("\"{}\"", hex::encode(Sha256::digest(body.as_bytes())));
    if matches(req, &tag) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .finish();
    }
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .insert_header((header::ETAG, tag))
        .body(body)
}

fn matches(req: &HttpRequest, tag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
}

/// GET /data/{edition}/v{N}/{file}: one file of a published version.
pub async fn file(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, version, name) = path.into_inner();
    let edition = public_edition(&state, &id)?;
    let number = version_of(&version)?;
    if !edition.versions.iter().any(|v| v.number == number) {
        return Err(AppError::NotFound);
    }
    let st = state.clone();
    let found = web::block(move || publish::file(&st.store, &id, number, &name))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let Some((bytes, entry)) = found else {
        return Err(AppError::NotFound);
    };
    let tag = format!("\"{}\"", entry.sha256);
    let immutable = "public, max-age=31536000, immutable";
    if matches(&req, &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, immutable))
            .finish());
    }
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, immutable));
    if entry.media_type == "text/html" {
        // The report is one self-contained file: its styles are inline, and it runs no script.
        response
            .content_type("text/html; charset=utf-8")
            .insert_header(("Content-Security-Policy", REPORT_CSP));
    } else {
        let kind = match entry.media_type.as_str() {
            "text/csv" => "text/csv; charset=utf-8".to_string(),
            "application/json" => "application/json; charset=utf-8".to_string(),
            other => other.to_string(),
        };
        response.content_type(kind);
        if entry.media_type != "application/json" {
            response.insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", entry.name),
            ));
        }
    }
    Ok(response.body(bytes))
}

/// The report's policy: its own inline styles and data: images, nothing else.
pub const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// GET /data/{edition}/series-long.csv: the long files of the edition and
/// its published predecessors as one table (changes when one is published).
pub async fn series_long(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    public_edition(&state, &id)?;
    let st = state.clone();
    let built = web::block(move || {
        let survey = st.store.survey(&id)?.clone();
        let all = publish::editions(&st.store)?;
        publish::series::combined_long(&st.store, &survey, &all).map(|b| (b, survey.id.clone()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    let (Some(bytes), id) = built else {
        return Err(AppError::NotFound);
    };
    let tag = format!("\"{}\"", hex::encode(Sha256::digest(&bytes)));
    if matches(&req, &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{id}-series-long.csv\""),
        ))
        .body(bytes))
}
