//! The round overview: who has answered, invitations and reminders, and
//! closing or reopening the edition.

use super::{client_ip, page, require, require_post, survey_of};
use crate::definition::{Cell, Kind, Survey, TextFormat};
use crate::round::{self, Count, MemberLine, Progress};
use crate::web::{AppError, AppState};
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

pub struct RegionLine {
    pub name: String,
    pub count: Count,
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct Overview<'a> {
    csrf: String,
    /// The data directory holds synthetic demo data.
    demo: bool,
    survey: &'a Survey,
    editions: Vec<(String, String)>,
    open: bool,
    round_note: String,
    notice: Option<String>,
    overall: Count,
    regions: Vec<RegionLine>,
    associates: Count,
    members: Vec<MemberLine>,
    sort: &'a str,
}

fn member_lines(state: &AppState, survey: &Survey) -> Result<Vec<MemberLine>, AppError> {
    let invited = state.store.invitations.invited(&survey.id)?;
    Ok(state.store.with_index(&survey.id, |index| {
        round::lines(survey, index, |code| invited.contains(code))
    })?)
}

#[derive(serde::Deserialize)]
pub struct OverviewQuery {
    #[serde(default)]
    sort: String,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    member: String,
}

/// GET /admin/s/{survey}
pub async fn overview(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<OverviewQuery>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let survey = survey_of(&state, &path)?;
    let mut members = member_lines(&state, &survey)?;
    let sort = match query.sort.as_str() {
        "name" => {
            members.sort_by(|a, b| a.name.cmp(&b.name));
            "name"
        }
        "subregion" => {
            members.sort_by(|a, b| (&a.subregion, &a.name).cmp(&(&b.subregion, &b.name)));
            "subregion"
        }
        "last" => {
            members.sort_by(|a, b| b.last_save.cmp(&a.last_save).then(a.name.cmp(&b.name)));
            "last"
        }
        _ => {
            // Those who have not submitted first: they are the ones to chase.
            members.sort_by(|a, b| {
                (a.progress, a.associate, &a.name).cmp(&(b.progress, b.associate, &b.name))
            });
            "status"
        }
    };
    let (overall, regions, associates) = round::totals(&members);
    let now = Utc::now();
    let r = state.store.round(&survey, now)?;
    let round_note = match (r.open, r.by_hand) {
        (true, Some(t)) => format!(
            "Open: reopened by the secretariat on {}.",
            t.format("%-d %B %Y, %H:%M UTC")
        ),
        (false, Some(t)) => format!(
            "Closed by the secretariat on {}.",
            t.format("%-d %B %Y, %H:%M UTC")
        ),
        (true, None) => format!(
            "Open from {} until {} (23:59 UTC), as the questionnaire's dates say.",
            survey.opens, survey.closes
        ),
        (false, None) if now < survey.opens_at() => {
            format!("Not open yet: opens on {}.", survey.opens)
        }
        (false, None) => format!(
            "Closed on {}, as the questionnaire's dates say.",
            survey.closes
        ),
    };
    let name_of = |code: &str| {
        survey
            .member(code)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    let notice = match query.notice.as_str() {
        "revoked" => Some(format!(
            "The link of {} is revoked: it no longer opens the questionnaire.",
            name_of(&query.member)
        )),
        "not-revoked" => Some(format!(
            "{} had no link in force: nothing was revoked.",
            name_of(&query.member)
        )),
        "closed" => {
            Some("The edition is closed: members can no longer change their answers.".into())
        }
        "reopened" => Some("The edition is open again: members can change their answers.".into()),
        _ => None,
    };
    let page_body = Overview {
        csrf: session.csrf,
        demo: crate::demo::is_demo(&state.store.dir),
        editions: state
            .store
            .surveys
            .values()
            .rev()
            .map(|s| (s.id.clone(), s.title.clone()))
            .collect(),
        survey: &survey,
        open: r.open,
        round_note,
        notice,
        overall,
        regions: regions
            .into_iter()
            .map(|(name, count)| RegionLine { name, count })
            .collect(),
        associates,
        members,
        sort,
    }
    .render()?;
    Ok(page(page_body))
}

#[derive(Template)]
#[template(path = "admin/link.html")]
struct LinkPage<'a> {
    csrf: String,
    survey: &'a Survey,
    reminders: Vec<Reminder>,
    title: String,
}

/// A member's new link with a ready-to-send message.
pub struct Reminder {
    pub code: String,
    pub name: String,
    pub progress: &'static str,
    pub link: String,
    pub text: String,
    pub mailto: String,
}

/// The e-mail address the member gave in its latest save, if any.
fn known_email(state: &AppState, survey: &Survey, code: &str) -> Option<String> {
    let latest = state.store.member(&survey.id, code).ok()?.latest?;
    survey
        .columns()
        .iter()
        .zip(&latest.cells)
        .find_map(|(col, value)| {
            let q = survey.question_at(col.question)?;
            let is_email = match (&q.kind, &col.cell) {
                (Kind::Text { format, .. }, Cell::Whole) => *format == TextFormat::Email,
                (Kind::Text { parts, .. }, Cell::Part { part }) => parts
                    .iter()
                    .any(|p| &p.code == part && p.format == TextFormat::Email),
                _ => false,
            };
            (is_email && crate::answers::looks_like_email(value)).then(|| value.trim().to_string())
        })
}

fn reminder(
    state: &AppState,
    survey: &Survey,
    code: &str,
    progress: Progress,
    token: &str,
) -> Reminder {
    let name = survey
        .member(code)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let link = format!("{}/r/{token}", state.base_url.trim_end_matches('/'));
    let subject = format!("{}: your administration's questionnaire", survey.title);
    let status = match progress {
        Progress::Draft => "Your draft is saved and waiting for you to submit it.",
        Progress::ChangedAfterSubmission => {
            "You have changed your answers since you submitted them; please submit again so that the changes count."
        }
        _ => "We have not yet received your administration's answers.",
    };
    let text = format!(
        "Dear colleague,\n\nThis is a reminder about the {title}, which asks each APT member administration about unsolicited commercial messages (spam). {status}\n\nThe questionnaire for {name} is at this personal link (earlier links no longer work):\n\n{link}\n\nYou can save a draft and come back to it with the same link. Answers can be changed until {closes} (23:59 UTC).\n\nWith thanks and best regards,\nAPT secretariat",
        title = survey.title,
        closes = survey.closes.format("%-d %B %Y"),
    );
    let to = known_email(state, survey, code).unwrap_or_default();
    let mailto = format!(
        "mailto:{}?subject={}&body={}",
        utf8_percent_encode(&to, NON_ALPHANUMERIC),
        utf8_percent_encode(&subject, NON_ALPHANUMERIC),
        utf8_percent_encode(&text, NON_ALPHANUMERIC)
    );
    Reminder {
        code: code.to_string(),
        name,
        progress: progress.label(),
        link,
        text,
        mailto,
    }
}

#[derive(serde::Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    csrf: String,
    member: String,
    action: String,
}

/// POST /admin/s/{survey}/invite: issue (or reissue) or revoke a member's link.
pub async fn invite(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let session = require_post(&state, &req, &form.csrf)?;
    let survey = survey_of(&state, &path)?;
    let member = survey
        .member(&form.member)
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "`{}` is not a member of this edition",
                form.member.chars().take(10).collect::<String>()
            ))
        })?
        .clone();
    let ip = client_ip(&state, &req).to_string();
    match form.action.as_str() {
        "issue" => {
            let token = state.store.invitations.issue(&survey.id, &member.code)?;
            state.store.audit(
                "secretariat",
                &ip,
                "invitation issued",
                &survey.id,
                &member.code,
                "",
            )?;
            let saves = state.store.saves(&survey.id, &member.code)?;
            let progress = round::progress(&saves, true);
            let r = reminder(&state, &survey, &member.code, progress, &token);
            let body = LinkPage {
                csrf: session.csrf,
                survey: &survey,
                title: format!("New link for {}", member.name),
                reminders: vec![r],
            }
            .render()?;
            Ok(page(body))
        }
        "revoke" => {
            let revoked = state.store.invitations.revoke(&survey.id, &member.code)?;
            if revoked {
                state.store.audit(
                    "secretariat",
                    &ip,
                    "invitation revoked",
                    &survey.id,
                    &member.code,
                    "",
                )?;
            }
            let notice = if revoked { "revoked" } else { "not-revoked" };
            Ok(HttpResponse::SeeOther()
                .insert_header((
                    LOCATION,
                    format!(
                        "/admin/s/{}?notice={notice}&member={}",
                        survey.id, member.code
                    ),
                ))
                .finish())
        }
        _ => Err(AppError::BadRequest(
            "the action must be issue or revoke".into(),
        )),
    }
}

#[derive(Template)]
#[template(path = "admin/reminders.html")]
struct RemindersPage<'a> {
    csrf: String,
    survey: &'a Survey,
    members: Vec<MemberLine>,
}

/// GET /admin/s/{survey}/reminders: who has not submitted.
pub async fn reminders(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let survey = survey_of(&state, &path)?;
    let mut members: Vec<MemberLine> = member_lines(&state, &survey)?
        .into_iter()
        .filter(|m| m.progress != Progress::Submitted)
        .collect();
    members.sort_by(|a, b| (a.associate, &a.name).cmp(&(b.associate, &b.name)));
    Ok(page(
        RemindersPage {
            csrf: session.csrf,
            survey: &survey,
            members,
        }
        .render()?,
    ))
}

/// POST /admin/s/{survey}/reminders: new links and reminder texts for the chosen members.
pub async fn prepare_reminders(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let fields =
        crate::answers::form::parse(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let session = require_post(&state, &req, csrf)?;
    let survey = survey_of(&state, &path)?;
    let chosen: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "member")
        .map(|(_, v)| v.as_str())
        .collect();
    if chosen.is_empty() {
        return Err(AppError::BadRequest(
            "no member was chosen for a reminder".into(),
        ));
    }
    let lines = member_lines(&state, &survey)?;
    let ip = client_ip(&state, &req).to_string();
    let mut out = Vec::new();
    for line in lines.iter().filter(|l| chosen.contains(&l.code.as_str())) {
        let token = state.store.invitations.issue(&survey.id, &line.code)?;
        state.store.audit(
            "secretariat",
            &ip,
            "invitation issued for a reminder",
            &survey.id,
            &line.code,
            "",
        )?;
        out.push(reminder(&state, &survey, &line.code, line.progress, &token));
    }
    let body = LinkPage {
        csrf: session.csrf,
        survey: &survey,
        title: format!("Reminders for {} member(s)", out.len()),
        reminders: out,
    }
    .render()?;
    Ok(page(body))
}

#[derive(serde::Deserialize)]
pub struct RoundForm {
    #[serde(default)]
    csrf: String,
    action: String,
}

/// POST /admin/s/{survey}/round: close the edition now, or reopen it.
pub async fn set_round(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<RoundForm>,
) -> Result<HttpResponse, AppError> {
    require_post(&state, &req, &form.csrf)?;
    let survey = survey_of(&state, &path)?;
    let open = match form.action.as_str() {
        "close" => false,
        "reopen" => true,
        _ => {
            return Err(AppError::BadRequest(
                "the action must be close or reopen".into(),
            ));
        }
    };
    state.store.set_round(&survey.id, open, "secretariat")?;
    let ip = client_ip(&state, &req).to_string();
    state.store.audit(
        "secretariat",
        &ip,
        if open {
            "round reopened"
        } else {
            "round closed"
        },
        &survey.id,
        "",
        "",
    )?;
    let notice = if open { "reopened" } else { "closed" };
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/admin/s/{}?notice={notice}", survey.id)))
        .finish())
}
