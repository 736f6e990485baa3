//! The round's actions: invitations, reminders, and closing or reopening
//! the edition.

use super::listing::{Pager, page_note, page_of, pager};
use super::overview::{invite_shown, lines, standings};
use super::{Me, client_ip, page, require_post, require_role, survey_of};
use crate::accounts::Role;
use crate::definition::Survey;
use crate::round::select::{self, ONE_PAGE_UP_TO, Paging, Wanted};
use crate::round::{self, MemberLine, Progress, grouped};
use crate::web::{AppError, AppState};
use crate::words::{count, plural};
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

#[derive(Template)]
#[template(path = "admin/link.html")]
struct LinkPage<'a> {
    csrf: String,
    me: Me,
    survey: &'a Survey,
    reminders: Vec<Reminder>,
    title: String,
    /// The reminders page that follows, when they were made from one page of several.
    next: Option<String>,
}

/// A member's new link with a ready-to-send message.
pub struct Reminder {
    pub code: String,
    pub name: String,
    pub progress: &'static str,
    pub link: String,
    pub text: String,
    pub mailto: String,
    /// The secretariat's addresses of the member (empty: none yet).
    pub to: String,
    /// An address typed into the answers and not among them.
    pub suggestion: Option<String>,
}

/// A member's new link with its message: an invitation when no link of
/// the member's was in force (`earlier`), else a reminder that says it is
/// one. The mailto: goes to the secretariat's addresses of the member; an
/// address typed into the answers is only shown, as a suggestion.
fn reminder(
    state: &AppState,
    survey: &Survey,
    code: &str,
    progress: Progress,
    token: &str,
    earlier: bool,
) -> Result<Reminder, AppError> {
    let member = survey.member(code).ok_or(AppError::NotFound)?;
    let link = format!("{}/r/{token}", state.base_url.trim_end_matches('/'));
    let kind = if earlier {
        crate::mail::Kind::Reminder
    } else {
        crate::mail::Kind::Invitation
    };
    let ctx = crate::mail::compose::Context {
        link: link.clone(),
        earlier,
        progress: Some(progress),
        answers: None,
    };
    let (subject, text) =
        crate::mail::compose::compose(survey, member, kind, &ctx).unwrap_or_else(|e| {
            (
                String::new(),
                format!("(The message cannot be made: {e})\n\n{link}"),
            )
        });
    let (held, suggestion) = super::mail::held_and_suggested(state, survey, member)?;
    let to = held.addresses.join(",");
    let mailto = format!(
        "mailto:{}?subject={}&body={}",
        utf8_percent_encode(&to, NON_ALPHANUMERIC),
        utf8_percent_encode(&subject, NON_ALPHANUMERIC),
        utf8_percent_encode(&text, NON_ALPHANUMERIC)
    );
    Ok(Reminder {
        code: code.to_string(),
        name: member.name.clone(),
        progress: progress.label(),
        link,
        text,
        mailto,
        to: held.addresses.join("; "),
        suggestion,
    })
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
            let earlier = state
                .store
                .invitations
                .is_invited(&survey.id, &member.code)?;
            let token = state.store.invitations.issue(&survey.id, &member.code)?;
            state.store.audit(
                &session.account,
                &ip,
                "invitation issued",
                &survey.id,
                &member.code,
                "",
            )?;
            let saves = state.store.saves(&survey.id, &member.code)?;
            let progress = round::progress(&saves, true);
            let r = reminder(&state, &survey, &member.code, progress, &token, earlier)?;
            let body = LinkPage {
                me: session.me(),
                csrf: session.csrf,
                survey: &survey,
                title: format!("New link for {}", member.name),
                reminders: vec![r],
                next: None,
            }
            .render()?;
            Ok(page(body))
        }
        "revoke" => {
            let revoked = state.store.invitations.revoke(&survey.id, &member.code)?;
            if revoked {
                state.store.audit(
                    &session.account,
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
    me: Me,
    survey: &'a Survey,
    /// How many have not submitted, every page together, with the words
    /// that agree: "1 member has", "41 members have".
    to_remind: String,
    members: Vec<MemberLine>,
    /// The page, when the edition is paged.
    pager: Option<Pager>,
    page: usize,
    page_note: Option<String>,
    /// The server sends mail (an SMTP server is configured).
    mail: bool,
}

#[derive(serde::Deserialize)]
pub struct RemindersQuery {
    #[serde(default)]
    page: String,
}

/// GET /admin/s/{survey}/reminders: who has not submitted, a page at a
/// time in an edition past 500 members, so that one click makes at most
/// a page's worth of new links.
pub async fn reminders(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<RemindersQuery>,
) -> Result<HttpResponse, AppError> {
    // Reminders make new links: an editor's work, not offered to a viewer.
    let session = require_role(&state, &req, Role::Editor)?;
    let survey = survey_of(&state, &path)?;
    let asked = page_of(&query.page)?;
    let mut standings = standings(&state, &survey)?;
    standings.retain(|s| Wanted::NotSubmitted.admits(s.progress));
    let paging = Paging::new(survey.members.len(), standings.len(), asked);
    // Who is to remind does not depend on links: only the rows shown need them.
    let mut rows = select::reminders_page(&survey, standings, &paging);
    invite_shown(&state, &survey, &mut rows)?;
    let members = lines(&survey, &rows);
    let address = format!("/admin/s/{}/reminders", survey.id);
    let pager = paging.paged.then(|| {
        pager(&paging, " to remind", address.clone(), Vec::new(), |p| {
            format!("{address}?page={p}")
        })
    });
    Ok(page(
        RemindersPage {
            me: session.me(),
            csrf: session.csrf,
            survey: &survey,
            to_remind: format!(
                "{} {}",
                grouped(paging.matching),
                plural(paging.matching, "member has", "members have")
            ),
            members,
            pager,
            page: paging.page,
            page_note: page_note(&paging),
            mail: state.mail.configured(),
        }
        .render()?,
    ))
}

/// POST /admin/s/{survey}/reminders: new links and reminder texts for the
/// chosen members, at most as many as one page lists.
pub async fn prepare_reminders(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let fields =
        crate::answers::form::parse(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let session = require_post(&state, &req, field("csrf"))?;
    let survey = survey_of(&state, &path)?;
    // Members on the list, once each, in the list's order; others are
    // left out, as they have no line to remind.
    let mut chosen: Vec<usize> = fields
        .iter()
        .filter(|(k, _)| k == "member")
        .filter_map(|(_, code)| survey.members.position(code))
        .collect();
    chosen.sort_unstable();
    chosen.dedup();
    if chosen.is_empty() {
        return Err(AppError::BadRequest(
            "no member was chosen for a reminder".into(),
        ));
    }
    if chosen.len() > ONE_PAGE_UP_TO {
        return Err(AppError::BadRequest(format!(
            "{} members were chosen; at most {ONE_PAGE_UP_TO} reminders are made at once, a page of the reminders at a time",
            grouped(chosen.len())
        )));
    }
    let from_page = page_of(field("page"))?;
    let ip = client_ip(&state, &req).to_string();
    let mut out = Vec::new();
    for place in chosen {
        let Some(member) = survey.members.get(place) else {
            continue;
        };
        let progress = super::progress_of(&state, &survey.id, &member.code)?;
        let earlier = state
            .store
            .invitations
            .is_invited(&survey.id, &member.code)?;
        let token = state.store.invitations.issue(&survey.id, &member.code)?;
        state.store.audit(
            &session.account,
            &ip,
            "invitation issued for a reminder",
            &survey.id,
            &member.code,
            "",
        )?;
        out.push(reminder(
            &state,
            &survey,
            &member.code,
            progress,
            &token,
            earlier,
        )?);
    }
    // The page after the one the reminders came from, if there is one (a
    // new link changes no one's place among those to remind).
    let next = if field("page").is_empty() {
        None
    } else {
        let mut left = standings(&state, &survey)?;
        left.retain(|s| Wanted::NotSubmitted.admits(s.progress));
        let paging = Paging::new(survey.members.len(), left.len(), from_page);
        (paging.page < paging.pages)
            .then(|| format!("/admin/s/{}/reminders?page={}", survey.id, paging.page + 1))
    };
    let body = LinkPage {
        me: session.me(),
        csrf: session.csrf,
        survey: &survey,
        title: format!("Reminders for {}", count(out.len(), "member", "members")),
        reminders: out,
        next,
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
    let session = require_post(&state, &req, &form.csrf)?;
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
    state.store.set_round(&survey.id, open, &session.account)?;
    let ip = client_ip(&state, &req).to_string();
    state.store.audit(
        &session.account,
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
