//! What the secretariat takes away: CSV downloads streamed as they are
//! written, the annual report, and the audit log.

use super::listing::{Pager, Pages, page_of};
use super::{Me, client_ip, page, require, survey_of};
use crate::export::{self, ExportKind, ExportOptions};
use crate::report::{self, ReportOptions};
use crate::store::AuditEntry;
use crate::web::{AppError, AppState};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::io::Write;

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    labels: Option<String>,
    #[serde(default)]
    raw: Option<String>,
    #[serde(default)]
    bom: Option<String>,
}

/// Sends what it is given to the response body in chunks, from a blocking thread.
struct ChannelWriter {
    buf: Vec<u8>,
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
}

const CHUNK: usize = 64 * 1024;

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        // The browser went away: stop writing.
        self.tx.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the download was cancelled")
        })
    }
}

/// GET /admin/s/{survey}/export?kind=responses&labels=on&raw=on&bom=on
pub async fn export(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let survey = survey_of(&state, &path)?;
    let name = if query.kind.is_empty() {
        "responses"
    } else {
        query.kind.as_str()
    };
    let kind = ExportKind::from_name(name).ok_or_else(|| {
        AppError::BadRequest("the kind must be responses, revisions, long or codebook".into())
    })?;
    let options = ExportOptions {
        labels: query.labels.is_some(),
        raw: query.raw.is_some(),
        bom: query.bom.is_some(),
    };
    let name = export::file_name(&survey, kind, chrono::Utc::now().date_naive());
    state.store.audit(
        &session.account,
        &client_ip(&state, &req).to_string(),
        "export",
        &survey.id,
        "",
        &name,
    )?;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let st = state.clone();
    let id = survey.id.clone();
    tokio::task::spawn_blocking(move || {
        let mut w = ChannelWriter {
            buf: Vec::with_capacity(CHUNK),
            tx: tx.clone(),
        };
        let result = export::write(&st.store, &id, kind, options, &mut w)
            .map_err(|e| e.to_string())
            .and_then(|_| w.flush().map_err(|e| e.to_string()));
        if let Err(e) = result {
            tracing::error!(error = %e, survey = %id, "an export stopped");
            let _ = tx.blocking_send(Err(std::io::Error::other(e)));
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(body))
}

#[derive(serde::Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    download: Option<String>,
}

/// GET /admin/s/{survey}/report: the annual report, to read or (with `download`) to save.
pub async fn report(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let survey = survey_of(&state, &path)?;
    let st = state.clone();
    let id = survey.id.clone();
    let html = web::block(move || {
        let compare = report::default_compare(&st.store, &id);
        report::build(
            &st.store,
            &id,
            compare.as_deref(),
            &ReportOptions::default(),
        )
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| match e {
        // The commentary beside the definition names what is wrong with it.
        report::ReportError::Data(m) => AppError::Unprocessable(m),
        other => AppError::Internal(other.to_string()),
    })?;
    state.store.audit(
        &session.account,
        &client_ip(&state, &req).to_string(),
        "report generated",
        &survey.id,
        "",
        "",
    )?;
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        // The report is one self-contained file: its styles are inline, and it runs no script.
        .insert_header(("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"));
    if query.download.is_some() {
        response.insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}.html\"", survey.id),
        ));
    }
    Ok(response.body(html))
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    csrf: String,
    me: Me,
    entries: Vec<AuditEntry>,
    total: String,
    pager: Option<Pager>,
    page_note: Option<String>,
}

/// Lines of the audit log on one page.
pub const AUDIT_PAGE: usize = 100;

#[derive(serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    page: String,
}

/// GET /admin/audit?page=N: the secretariat's actions, newest first, a
/// page at a time, read from the end of the file (never the whole file).
pub async fn audit(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let asked = page_of(&query.page)?;
    let (_, total) = state.store.audit_page(0, 0)?;
    let paging = Pages::new(total, AUDIT_PAGE, asked);
    let (entries, total) = state.store.audit_page(paging.start, AUDIT_PAGE)?;
    let pager = paging.pager("Actions", "/admin/audit", |p| {
        format!("/admin/audit?page={p}")
    });
    Ok(page(
        AuditPage {
            me: session.me(),
            csrf: session.csrf,
            entries,
            total: crate::round::grouped(total),
            pager: Some(pager),
            page_note: paging.note(),
        }
        .render()?,
    ))
}
