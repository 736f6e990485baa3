//! The workspace's publication page: whether an edition is published, its
//! versions, and (for editors) the buttons that publish or withdraw it;
//! and the secretariat's own Excel workbook of an edition.

use super::{Me, client_ip, page, require, require_post, survey_of};
use crate::export::{Selection, Source, workbook};
use crate::publish::{self, PublishError};
use crate::web::{AppError, AppState};
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

struct VersionLine {
    number: u32,
    published: String,
    by: String,
}

#[derive(Template)]
#[template(path = "admin/publication.html")]
struct PublicationPage {
    csrf: String,
    me: Me,
    id: String,
    title: String,
    closed: bool,
    public: Option<u32>,
    versions: Vec<VersionLine>,
    licence: Option<String>,
    notice: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    notice: String,
}

/// GET /admin/s/{survey}/publication
pub async fn page_of(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let survey = survey_of(&state, &path)?;
    let edition = publish::edition(&state.store, &survey.id)?;
    let closed = publish::is_closed(&state.store, &survey, chrono::Utc::now())?;
    let notice = match query.notice.as_str() {
        "published" => edition.current().map(|v| {
            format!(
                "Version {} is published: the public pages offer it now.",
                v.number
            )
        }),
        "withdrawn" => {
            Some("The edition is withdrawn: the public pages no longer offer it.".into())
        }
        _ => None,
    };
    let body = PublicationPage {
        me: session.me(),
        csrf: session.csrf,
        id: survey.id.clone(),
        title: survey.title.clone(),
        closed,
        public: edition.current().map(|v| v.number),
        versions: edition
            .versions
            .iter()
            .rev()
            .map(|v| VersionLine {
                number: v.number,
                published: v.published.format("%Y-%m-%d %H:%M UTC").to_string(),
                by: v.by.clone(),
            })
            .collect(),
        licence: survey.publication.licence.clone(),
        notice,
    }
    .render()?;
    Ok(page(body))
}

#[derive(serde::Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    csrf: String,
    action: String,
}

/// POST /admin/s/{survey}/publication: publish (a new version) or withdraw.
pub async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<PublishForm>,
) -> Result<HttpResponse, AppError> {
    let session = require_post(&state, &req, &form.csrf)?;
    let survey = survey_of(&state, &path)?;
    let publishing = match form.action.as_str() {
        "publish" => true,
        "withdraw" => false,
        _ => {
            return Err(AppError::BadRequest(
                "the action must be publish or withdraw".into(),
            ));
        }
    };
    let ip = client_ip(&state, &req).to_string();
    let st = state.clone();
    let id = survey.id.clone();
    let account = session.account.clone();
    let done = web::block(move || {
        if publishing {
            publish::publish(&st.store, &id, &account, &ip)
        } else {
            publish::withdraw(&st.store, &id, &account, &ip)
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    match done {
        Ok(_) => {}
        // Refused as the role check refuses: a page that says why, nothing changed.
        Err(PublishError::Refused(why)) => return Err(AppError::Forbidden(why)),
        Err(PublishError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(AppError::Internal(e.to_string())),
    }
    let notice = if publishing { "published" } else { "withdrawn" };
    Ok(HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            format!("/admin/s/{}/publication?notice={notice}", survey.id),
        ))
        .finish())
}

/// GET /admin/s/{survey}/workbook: the secretariat's Excel workbook of the
/// latest submitted responses, every column (private ones too).
pub async fn secretariat_workbook(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let survey = survey_of(&state, &path)?;
    let today = chrono::Utc::now().date_naive();
    let name = format!("{}-responses-{}.xlsx", survey.id, today.format("%Y-%m-%d"));
    state.store.audit(
        &session.account,
        &client_ip(&state, &req).to_string(),
        "export",
        &survey.id,
        "",
        &name,
    )?;
    let st = state.clone();
    let s = survey.clone();
    let bytes = web::block(move || {
        let about = vec![
            ("Edition".to_string(), s.id.clone()),
            ("Title".into(), s.title.clone()),
            ("Year".into(), s.year.to_string()),
            ("Made".into(), today.to_string()),
            (
                "Holds".into(),
                "Every column, the contact person's too: for the secretariat only".into(),
            ),
        ];
        workbook::workbook(Source::Store(&st.store), &s, Selection::All, &about)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(bytes))
}
