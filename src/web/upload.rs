//! The member's form with attachments: a `multipart/form-data` post read
//! within its edition's body limit, and each `file` question's cell decided
//! from the file sent (checked by content and size, then stored), the box
//! that removes it, or the sealed attachment the page was showing.

use super::member::form_scope;
use super::view::{SectionForm, Widget};
use super::{AppError, AppState, csrf, limits};
use crate::answers::{KEPT_SUFFIX, REMOVE_SUFFIX, form::MAX_FIELDS};
use crate::attachments::{self, Attached};
use crate::definition::Survey;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;

/// A file as it came with the form.
pub(super) struct Upload {
    /// The column (the file question's id) it was sent for.
    pub(super) column: String,
    pub(super) name: String,
    /// Its bytes, or None when it was over its question's limit (then only counted).
    pub(super) bytes: Option<Vec<u8>>,
    pub(super) size: u64,
}

/// Whether a request is a multipart form.
pub(super) fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

fn payload_error(e: actix_multipart::MultipartError) -> AppError {
    match &e {
        actix_multipart::MultipartError::Payload(p) if limits::is_deadline(p) => AppError::TimedOut,
        _ => AppError::BadRequest(format!("the form did not arrive whole ({e})")),
    }
}

/// Reads a multipart form of `survey`: its text fields, and the files sent
/// for its `file` questions. The whole body may be [`limits::form_body`]
/// long; a file over its own question's limit is counted, not kept.
pub(super) async fn read(
    req: &HttpRequest,
    payload: web::Payload,
    survey: &Survey,
) -> Result<(Vec<(String, String)>, Vec<Upload>), AppError> {
    let limit = limits::form_body(survey);
    let mut parts = actix_multipart::Multipart::new(req.headers(), payload);
    let (mut fields, mut uploads) = (Vec::new(), Vec::new());
    // The answers alone keep the urlencoded form's limit.
    let (mut total, mut answers) = (0usize, 0usize);
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(payload_error)?;
        if fields.len() + uploads.len() >= MAX_FIELDS {
            return Err(AppError::BadRequest(format!(
                "the form has more than {MAX_FIELDS} fields"
            )));
        }
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let max = match &file_name {
            Some(_) => match survey.file_questions().find(|(q, _)| q.id == name) {
                Some((_, rules)) => Some(rules.max_bytes as usize),
                None => {
                    let shown: String = name.chars().take(60).collect();
                    return Err(AppError::BadRequest(format!(
                        "the form sends a file as `{shown}`, which is not a question that takes one"
                    )));
                }
            },
            None => None,
        };
        let mut bytes = Vec::new();
        let mut size = 0usize;
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(payload_error)?;
            total += chunk.len();
            if total > limit {
                let largest = survey.file_questions().map(|(_, r)| r.max_bytes).max();
                return Err(AppError::UploadTooLarge(
                    attachments::size_in_words(limit as u64),
                    attachments::size_in_words(largest.unwrap_or_default()),
                ));
            }
            size += chunk.len();
            if max.is_none() {
                answers += chunk.len();
                if answers > super::MAX_BODY {
                    return Err(AppError::TooLarge(super::MAX_BODY));
                }
            }
            // A file past its limit is read on (the other answers come
            // after it) but not kept.
            if max.is_none_or(|m| size <= m) {
                bytes.extend_from_slice(&chunk);
            }
        }
        match (file_name, max) {
            // A file box left empty sends an empty part without a name.
            (Some(f), _) if f.is_empty() && size == 0 => {}
            (Some(f), Some(m)) => uploads.push(Upload {
                column: name,
                name: f,
                bytes: (size <= m).then_some(bytes),
                size: size as u64,
            }),
            _ => {
                let value = String::from_utf8(bytes).map_err(|_| {
                    AppError::BadRequest(format!(
                        "the form data is not valid UTF-8 text (in field {})",
                        name.chars().take(40).collect::<String>()
                    ))
                })?;
                fields.push((name, value));
            }
        }
    }
    Ok((fields, uploads))
}

/// The seal that lets a page name back the attachment it showed.
fn seal(state: &AppState, token: &str, cell: &str) -> String {
    csrf::token(
        state.store.secret(),
        &format!("{}:attachment:{cell}", form_scope(token)),
    )
}

/// Puts the seal of each attachment shown on the form.
pub(super) fn seal_all(state: &AppState, token: &str, sections: &mut [SectionForm]) {
    for q in sections.iter_mut().flat_map(|s| s.questions.iter_mut()) {
        if let Widget::File { field } = &mut q.widget
            && let Some((cell, _, _)) = &field.current
        {
            field.seal = seal(state, token, cell);
        }
    }
}

/// Takes each `file` question's fields out of `fields` and puts in its
/// cell: the file sent (if it is an allowed kind within the limit, stored
/// when `store` is true), else nothing if "remove" is ticked, else the
/// attachment the page showed. Returns what is wrong with a file sent, by
/// question; a refused file leaves the attachment as it was.
pub(super) fn decide(
    state: &AppState,
    (token, member): (&str, &str),
    survey: &Survey,
    fields: &mut Vec<(String, String)>,
    uploads: Vec<Upload>,
    mut store: bool,
) -> Result<Vec<(String, String)>, AppError> {
    // A link past its saves per minute or its revisions stores no file: its
    // writer will refuse the save anyway, and a flood must not fill the disk.
    if store && !uploads.is_empty() {
        let saves = state.store.saves(&survey.id, member)?;
        let quotas = crate::store::admit::Conditions {
            quotas: Some(state.limits.quotas()),
            ..Default::default()
        };
        store = quotas
            .decide(saves.all(), &[], 0, chrono::Utc::now())
            .is_ok();
    }
    let mut problems = Vec::new();
    for (q, rules) in survey.file_questions() {
        let take = |fields: &mut Vec<(String, String)>, name: &str| -> Vec<String> {
            let mut out = Vec::new();
            fields.retain(|(k, v)| {
                let hit = k == name;
                if hit {
                    out.push(v.clone());
                }
                !hit
            });
            out
        };
        if !take(fields, &q.id).is_empty() {
            return Err(AppError::BadRequest(format!(
                "{} holds an attachment, which is sent as a file",
                q.id
            )));
        }
        let remove = !take(fields, &format!("{}{REMOVE_SUFFIX}", q.id)).is_empty();
        let kept = take(fields, &format!("{}{KEPT_SUFFIX}", q.id))
            .into_iter()
            .filter_map(|v| {
                let (mac, cell) = v.split_once(' ')?;
                let sealed = csrf::verify(
                    state.store.secret(),
                    &format!("{}:attachment:{cell}", form_scope(token)),
                    mac,
                );
                (sealed && Attached::parse(cell).is_some()).then(|| cell.to_string())
            })
            .next();
        let mut cell = if remove { None } else { kept };
        for up in uploads.iter().filter(|u| u.column == q.id) {
            let Some(bytes) = &up.bytes else {
                problems.push((
                    q.id.clone(),
                    format!(
                        "“{}” is {}; the limit is {}. Nothing was attached: choose a smaller file.",
                        attachments::clean_name(&up.name),
                        attachments::size_in_words(up.size),
                        attachments::size_in_words(rules.max_bytes)
                    ),
                ));
                continue;
            };
            if attachments::recognise(bytes, &rules.kinds).is_none() {
                let kinds: Vec<&str> = rules
                    .kinds
                    .iter()
                    .filter_map(|k| attachments::kind_named(k))
                    .map(|k| k.label)
                    .collect();
                problems.push((
                    q.id.clone(),
                    format!(
                        "“{}” is not a {} (its content was checked, not only its name). Nothing was attached: choose a file of that kind.",
                        attachments::clean_name(&up.name),
                        kinds.join(" or ")
                    ),
                ));
                continue;
            }
            // A post that is refused anyway (its form token is wrong)
            // stores nothing and keeps the attachment as it was.
            if store {
                let attached = Attached::of(&up.name, bytes);
                let hash = state.store.put_file(bytes)?;
                debug_assert_eq!(hash, attached.sha256);
                cell = Some(attached.cell());
            }
        }
        if let Some(c) = cell {
            fields.push((q.id.clone(), c));
        }
    }
    Ok(problems)
}
