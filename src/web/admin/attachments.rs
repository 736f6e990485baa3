//! The documents members attached, for the secretariat: each revision's
//! attachments listed on the response page, and each one downloaded,
//! never shown inline, to any signed-in role.

use super::{require, survey_of};
use crate::attachments::{self, Attached};
use crate::definition::{Kind, Survey};
use crate::web::{AppError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};

/// One attachment of a member's response, as the response page lists it.
pub struct Listed {
    pub question: String,
    /// The revisions that hold it, oldest first.
    pub revisions: Vec<u64>,
    pub name: String,
    pub size: String,
    pub sha256: String,
    pub href: String,
}

/// Every distinct attachment in `revisions` (number and cells, oldest first).
pub fn listed<'a>(
    survey: &Survey,
    member: &str,
    revisions: impl Iterator<Item = (u64, &'a [String])>,
) -> Vec<Listed> {
    let mut out: Vec<Listed> = Vec::new();
    for (number, cells) in revisions {
        for (q, _) in survey.file_questions() {
            let Some(a) = cells.get(q.cells.start).and_then(|c| Attached::parse(c)) else {
                continue;
            };
            match out
                .iter_mut()
                .find(|l| l.sha256 == a.sha256 && l.question == q.id && l.name == a.name)
            {
                Some(l) => l.revisions.push(number),
                None => out.push(Listed {
                    question: q.id.clone(),
                    revisions: vec![number],
                    size: a.size_in_words(),
                    href: format!("/admin/s/{}/m/{member}/files/{}", survey.id, a.sha256),
                    name: a.name,
                    sha256: a.sha256,
                }),
            }
        }
    }
    out
}

/// GET /admin/s/{survey}/m/{member}/files/{sha256}: a document the member
/// attached in one of its revisions, as a download.
pub async fn download(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    require(&state, &req)?;
    let (survey_id, code, sha256) = path.into_inner();
    let survey = survey_of(&state, &survey_id)?;
    let member = survey.member(&code).ok_or(AppError::NotFound)?.clone();
    if !attachments::is_sha256(&sha256) {
        return Err(AppError::NotFound);
    }
    // Only a file one of this member's revisions names, under that name.
    let saves = state.store.saves(&survey.id, &member.code)?;
    let mut found: Option<(Attached, Vec<String>)> = None;
    state.store.read_rows(&survey.id, saves.all(), |_, cells| {
        for (q, rules) in survey.file_questions() {
            if let Some(a) = cells.get(q.cells.start).and_then(|c| Attached::parse(c))
                && a.sha256 == sha256
            {
                found = Some((a, rules.kinds.clone()));
            }
        }
        Ok::<(), crate::store::StoreError>(())
    })?;
    let Some((attached, kinds)) = found else {
        return Err(AppError::NotFound);
    };
    let Some(file) = state.store.file_path(&sha256) else {
        tracing::error!(survey = %survey.id, member = %member.code, %sha256, "an attachment named by an answer is missing from data/files");
        return Err(AppError::NotFound);
    };
    let bytes = web::block(move || std::fs::read(file))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // The kind its content was checked as; else bytes with no kind at all.
    let mime = attachments::recognise(&bytes, &kinds)
        .map(|k| k.mime)
        .unwrap_or("application/octet-stream");
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            "Content-Disposition",
            attachments::content_disposition(&attached.name),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Cache-Control", "private, no-store"))
        // Opened by mistake in a tab, it still runs nothing.
        .insert_header(("Content-Security-Policy", "sandbox; default-src 'none'"))
        .body(bytes))
}

/// Whether a question takes attachments (the response page shows a list then).
pub fn has_files(survey: &Survey) -> bool {
    survey.questions().any(|q| matches!(q.kind, Kind::File(_)))
}
