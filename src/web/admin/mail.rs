//! The workspace's mail: the messages previewed for one member, the
//! secretariat's addresses (and a draft's address as a suggestion to
//! adopt), the batches of invitations and reminders, and the messages whose
//! outcome is unknown. Thin: the work is in `crate::mail`.

use super::{Me, client_ip, page, require, require_post_as, survey_of};
use crate::accounts::Role;
use crate::definition::{Cell, Kind as QKind, Member, Survey, TextFormat};
use crate::mail::{Kind, MailError, Source, State, compose};
use crate::round::select::{ONE_PAGE_UP_TO, Wanted};
use crate::web::{AppError, AppState};
use crate::words::count;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// One member's line on the mail page.
pub struct Line {
    pub code: String,
    pub name: String,
    pub addresses: String,
    pub from_list: bool,
    pub last: Option<String>,
    pub failed: bool,
}

/// A message that waits for a person: its outcome is unknown, or it failed.
pub struct Unknown {
    pub id: String,
    /// "outcome unknown" or "failed".
    pub state: &'static str,
    /// Why it failed.
    pub reply: String,
    pub member: String,
    pub kind: &'static str,
    pub when: String,
}

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailPage<'a> {
    csrf: String,
    me: Me,
    survey: &'a Survey,
    /// How mail goes out, in words; None: it does not.
    sending: Option<String>,
    notice: Option<String>,
    not_invited: usize,
    to_remind: usize,
    no_address: Vec<String>,
    unknown: Vec<Unknown>,
    lines: Vec<Line>,
}

/// A message as it will go out.
pub struct Shown {
    pub kind: &'static str,
    pub subject: String,
    pub body: String,
    pub source: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/mail-member.html")]
struct MemberPage<'a> {
    csrf: String,
    me: Me,
    survey: &'a Survey,
    member: &'a Member,
    from: String,
    to: String,
    from_list: bool,
    suggestion: Option<String>,
    messages: Vec<Shown>,
    history: Vec<(String, &'static str, String, String)>,
}

/// Where a message stands, in a few words, with its time.
pub fn last_words(m: &crate::mail::Message) -> String {
    let mut s = format!(
        "{} {}, {}",
        m.kind.words(),
        m.state.words(),
        m.changed.format("%Y-%m-%d %H:%M")
    );
    if matches!(m.state, State::Failed | State::Queued) && !m.reply.is_empty() {
        s.push_str(&format!(": {}", m.reply));
    }
    s
}

/// Each member's last message in words, and whether it failed.
pub type LastMessages = std::collections::HashMap<String, (String, bool)>;

/// Each member's last message, for the overview; None when the edition
/// has none (the page is then what it was before mail).
pub fn last_messages(state: &AppState, survey: &Survey) -> Result<Option<LastMessages>, AppError> {
    let ledger = state.mail.outbox.ledger()?;
    let last = ledger.last_per_member(&survey.id);
    if last.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        last.into_iter()
            .map(|(k, m)| (k.to_string(), (last_words(m), m.state == State::Failed)))
            .collect(),
    ))
}

#[derive(serde::Deserialize)]
pub struct MailQuery {
    #[serde(default)]
    notice: String,
    #[serde(default)]
    n: usize,
    #[serde(default)]
    skipped: usize,
}

fn notice(q: &MailQuery) -> Option<String> {
    let skipped = if q.skipped > 0 {
        format!(
            " {} without an address {} left out: set their addresses below.",
            count(q.skipped, "member", "members"),
            if q.skipped == 1 { "was" } else { "were" }
        )
    } else {
        String::new()
    };
    let what = match q.notice.as_str() {
        "invitations" => "invitation",
        "reminders" => "reminder",
        "resent" => return Some("The message is queued anew, with a new link.".into()),
        "dropped" => return Some("The message is dropped: it will not be sent.".into()),
        _ => return None,
    };
    Some(format!(
        "{} queued, each with a new link; the sender delivers them in the background.{skipped}",
        count(q.n, what, &format!("{what}s"))
    ))
}

/// GET /admin/s/{survey}/mail: the round's mail.
pub async fn page_of_mail(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<MailQuery>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let survey = survey_of(&state, &path)?;
    let invited = state.store.invitations.invited(&survey.id)?;
    let ledger = state.mail.outbox.ledger()?;
    let last = ledger.last_per_member(&survey.id);
    let (mut lines, mut no_address, mut not_invited, mut to_remind) =
        (Vec::new(), Vec::new(), 0, 0);
    for m in survey.members.iter() {
        let held = state.mail.addresses.of(m)?;
        if !invited.contains(&m.code) {
            not_invited += 1;
        }
        if Wanted::NotSubmitted.admits(super::progress_of(&state, &survey.id, &m.code)?) {
            to_remind += 1;
        }
        if held.addresses.is_empty() {
            no_address.push(format!("{} ({})", m.name, m.code));
        }
        let msg = last.get(m.code.as_str());
        lines.push(Line {
            code: m.code.clone(),
            name: m.name.clone(),
            addresses: held.addresses.join("; "),
            from_list: held.source == Source::List,
            last: msg.map(|m| last_words(m)),
            failed: msg.is_some_and(|m| m.state == State::Failed),
        });
    }
    // The last failure of a member counts, not one already sent anew.
    let unknown = ledger
        .of(&survey.id)
        .filter(|m| {
            m.state == State::Unknown
                || (m.state == State::Failed
                    && last.get(m.member.as_str()).is_some_and(|l| l.id == m.id))
        })
        .map(|m| Unknown {
            state: m.state.words(),
            reply: m.reply.clone(),
            id: m.id.clone(),
            member: survey
                .member(&m.member)
                .map(|x| format!("{} ({})", x.name, x.code))
                .unwrap_or_else(|| m.member.clone()),
            kind: m.kind.words(),
            when: m.changed.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect();
    let sending = state
        .mail
        .settings
        .as_ref()
        .map(|s| format!("Mail is {}.", s.describe()));
    Ok(page(
        MailPage {
            me: session.me(),
            csrf: session.csrf,
            survey: &survey,
            sending,
            notice: notice(&query),
            not_invited,
            to_remind,
            no_address,
            unknown,
            lines,
        }
        .render()?,
    ))
}

/// The e-mail address the member typed in its latest save, if any: a
/// suggestion for the secretariat, never a recipient by itself.
fn typed_address(state: &AppState, survey: &Survey, code: &str) -> Option<String> {
    let latest = state.store.member(&survey.id, code).ok()?.latest?;
    survey
        .columns()
        .iter()
        .zip(&latest.cells)
        .find_map(|(col, value)| {
            let q = survey.question_at(col.question)?;
            let is_email = match (&q.kind, &col.cell) {
                (QKind::Text { format, .. }, Cell::Whole) => *format == TextFormat::Email,
                (QKind::Text { parts, .. }, Cell::Part { part }) => parts
                    .iter()
                    .any(|p| &p.code == part && p.format == TextFormat::Email),
                _ => false,
            };
            (is_email && crate::answers::looks_like_email(value)).then(|| value.trim().to_string())
        })
}

/// The member's addresses as the secretariat holds them, and a typed one
/// not among them, as a suggestion.
pub fn held_and_suggested(
    state: &AppState,
    survey: &Survey,
    member: &Member,
) -> Result<(crate::mail::Held, Option<String>), AppError> {
    let held = state.mail.addresses.of(member)?;
    let typed = typed_address(state, survey, &member.code)
        .filter(|t| !held.addresses.iter().any(|a| a.eq_ignore_ascii_case(t)));
    Ok((held, typed))
}

#[derive(serde::Deserialize)]
pub struct MemberQuery {
    #[serde(default)]
    member: String,
}

fn member_of<'a>(survey: &'a Survey, code: &str) -> Result<&'a Member, AppError> {
    survey.member(code).ok_or_else(|| {
        AppError::BadRequest(format!(
            "`{}` is not a member of this edition",
            code.chars().take(20).collect::<String>()
        ))
    })
}

/// GET /admin/s/{survey}/mail/preview?member=KR: each message for one
/// member as it will go out, its addresses, and its messages so far.
pub async fn preview(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<MemberQuery>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let survey = survey_of(&state, &path)?;
    let member = member_of(&survey, &query.member)?;
    let (held, suggestion) = held_and_suggested(&state, &survey, member)?;
    let progress = super::progress_of(&state, &survey.id, &member.code)?;
    let earlier = state
        .store
        .invitations
        .is_invited(&survey.id, &member.code)?;
    let link = format!(
        "{}/r/(a new personal link, made when the message is sent)",
        state.base_url.trim_end_matches('/')
    );
    let stored = state.store.member(&survey.id, &member.code)?;
    let mut messages = Vec::new();
    for kind in Kind::ALL {
        let submitted = stored.latest_submitted.as_ref().or(stored.latest.as_ref());
        let ctx = compose::Context {
            link: link.clone(),
            // A reminder replaces a link; an invitation says so only when one was in force.
            earlier: earlier || kind == Kind::Reminder,
            progress: Some(progress),
            answers: submitted.map(|r| (&r.cells, r.time)),
        };
        let shown = match crate::mail::templates::load(&survey, kind) {
            Ok(t) => {
                let (subject, body) = compose::render(&t, &survey, member, &ctx);
                Shown {
                    kind: kind.words(),
                    subject,
                    body,
                    source: t.source,
                    error: None,
                }
            }
            Err(e) => Shown {
                kind: kind.words(),
                subject: String::new(),
                body: String::new(),
                source: String::new(),
                error: Some(e),
            },
        };
        messages.push(shown);
    }
    let ledger = state.mail.outbox.ledger()?;
    let history = ledger
        .of(&survey.id)
        .filter(|m| m.member == member.code)
        .map(|m| {
            (
                m.changed.format("%Y-%m-%d %H:%M").to_string(),
                m.kind.words(),
                m.state.words().to_string(),
                m.reply.clone(),
            )
        })
        .collect();
    let from = state
        .mail
        .settings
        .as_ref()
        .map(|s| s.from.to_string())
        .unwrap_or_else(|| "(no sender: SPAM_SURVEY_MAIL_FROM is not set)".into());
    Ok(page(
        MemberPage {
            me: session.me(),
            csrf: session.csrf,
            survey: &survey,
            member,
            from,
            to: held.addresses.join("; "),
            from_list: held.source == Source::List,
            suggestion,
            messages,
            history,
        }
        .render()?,
    ))
}

fn to_mail_page(survey: &str, query: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/admin/s/{survey}/mail?{query}")))
        .finish()
}

fn fields_of(body: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    crate::answers::form::parse(body).map_err(|e| AppError::BadRequest(e.to_string()))
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// Refuses a batch when no SMTP server is configured.
fn configured(state: &AppState) -> Result<(), AppError> {
    if state.mail.configured() {
        return Ok(());
    }
    Err(AppError::BadRequest(
        "no SMTP server is configured (SPAM_SURVEY_SMTP_URL), so nothing can be sent: use the reminders page's ready texts. Nothing was changed.".into(),
    ))
}

/// Queues one message with a fresh link; a member without an address is
/// counted, not an error.
fn send_one(
    state: &AppState,
    survey: &Survey,
    member: &Member,
    reminder: bool,
    by: (&str, &str),
) -> Result<bool, AppError> {
    let progress = super::progress_of(state, &survey.id, &member.code)?;
    match state.mail.send_link(
        &state.store,
        &state.base_url,
        survey,
        member,
        reminder,
        progress,
        by,
    ) {
        Ok(_) => Ok(true),
        Err(MailError::NoAddress(_)) => Ok(false),
        Err(MailError::NotConfigured) => configured(state).map(|_| false),
        Err(MailError::Template(e)) => Err(AppError::BadRequest(format!(
            "the message cannot be made: {e}"
        ))),
        Err(MailError::Store(e)) => Err(e.into()),
    }
}

/// POST /admin/s/{survey}/mail/invitations: an invitation to each member
/// not yet invited (at most a page's worth a post).
pub async fn invitations(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let fields = fields_of(&body)?;
    let session = require_post_as(&state, &req, field(&fields, "csrf"), Role::Editor)?;
    let survey = survey_of(&state, &path)?;
    configured(&state)?;
    let ip = client_ip(&state, &req).to_string();
    let invited = state.store.invitations.invited(&survey.id)?;
    let wanted: Vec<&Member> = survey
        .members
        .iter()
        .filter(|m| !invited.contains(&m.code))
        .collect();
    drop(invited);
    batch(&state, &survey, wanted, false, (&session.account, &ip))
}

/// POST /admin/s/{survey}/mail/reminders: a reminder to each chosen member
/// (`member` fields), or to every member that has not submitted.
pub async fn reminders(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let fields = fields_of(&body)?;
    let session = require_post_as(&state, &req, field(&fields, "csrf"), Role::Editor)?;
    let survey = survey_of(&state, &path)?;
    configured(&state)?;
    let mut chosen: Vec<usize> = fields
        .iter()
        .filter(|(k, _)| k == "member")
        .filter_map(|(_, code)| survey.members.position(code))
        .collect();
    if chosen.is_empty() && field(&fields, "all") != "yes" {
        return Err(AppError::BadRequest(
            "no member was chosen for a reminder".into(),
        ));
    }
    if chosen.is_empty() {
        chosen = (0..survey.members.len()).collect();
    }
    chosen.sort_unstable();
    chosen.dedup();
    let ip = client_ip(&state, &req).to_string();
    let mut wanted = Vec::new();
    for place in chosen {
        let Some(m) = survey.members.get(place) else {
            continue;
        };
        // Those who have submitted get no reminder, even if ticked.
        if Wanted::NotSubmitted.admits(super::progress_of(&state, &survey.id, &m.code)?) {
            wanted.push(m);
        }
    }
    batch(&state, &survey, wanted, true, (&session.account, &ip))
}

/// Sends each of `members` its message (at most a page's worth in one
/// post), and goes back to the mail page saying how many went.
fn batch(
    state: &AppState,
    survey: &Survey,
    members: Vec<&Member>,
    reminder: bool,
    by: (&str, &str),
) -> Result<HttpResponse, AppError> {
    let (mut sent, mut skipped) = (0, 0);
    for m in members.into_iter().take(ONE_PAGE_UP_TO) {
        if send_one(state, survey, m, reminder, by)? {
            sent += 1;
        } else {
            skipped += 1;
        }
    }
    let what = if reminder { "reminders" } else { "invitations" };
    Ok(to_mail_page(
        &survey.id,
        &format!("notice={what}&n={sent}&skipped={skipped}"),
    ))
}

/// POST /admin/s/{survey}/mail/resolve: a message whose outcome is unknown
/// (or that failed) sent anew, with a new link, or dropped.
pub async fn resolve(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let fields = fields_of(&body)?;
    let session = require_post_as(&state, &req, field(&fields, "csrf"), Role::Editor)?;
    let survey = survey_of(&state, &path)?;
    let ledger = state.mail.outbox.ledger()?;
    let m = ledger
        .get(field(&fields, "id"))
        .filter(|m| m.survey == survey.id && matches!(m.state, State::Unknown | State::Failed))
        .ok_or_else(|| {
            AppError::BadRequest(
                "there is no such message with an unknown outcome or a failure (it may be resolved already)".into(),
            )
        })?
        .clone();
    let member = member_of(&survey, &m.member)?;
    let ip = client_ip(&state, &req).to_string();
    let by = (session.account.as_str(), ip.as_str());
    match field(&fields, "action") {
        "drop" => {
            state.mail.outbox.record(
                &m,
                "closed",
                None,
                &format!("dropped by {}", session.account),
            )?;
            state
                .store
                .audit(by.0, by.1, "mail dropped", &survey.id, &m.member, &m.id)?;
            Ok(to_mail_page(&survey.id, "notice=dropped"))
        }
        "resend" => {
            if m.kind == Kind::ThankYou {
                let stored = state.store.member(&survey.id, &m.member)?;
                let Some(rev) = stored.latest_submitted else {
                    return Err(AppError::BadRequest(
                        "the member has no submission to thank for".into(),
                    ));
                };
                state
                    .mail
                    .thank(&state.store, &survey, member, &rev)
                    .map_err(|e| AppError::BadRequest(e.to_string()))?;
            } else if !send_one(&state, &survey, member, m.kind == Kind::Reminder, by)? {
                return Err(AppError::BadRequest(format!(
                    "{} has no address now: set one first",
                    member.name
                )));
            }
            state.mail.outbox.record(
                &m,
                "closed",
                None,
                &format!("sent anew by {}", session.account),
            )?;
            Ok(to_mail_page(&survey.id, "notice=resent"))
        }
        _ => Err(AppError::BadRequest(
            "the action must be resend or drop".into(),
        )),
    }
}

/// POST /admin/s/{survey}/mail/addresses: the secretariat sets a member's
/// addresses (adopting a suggestion is the same post); none means the
/// member list's again.
pub async fn set_addresses(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let fields = fields_of(&body)?;
    let session = require_post_as(&state, &req, field(&fields, "csrf"), Role::Editor)?;
    let survey = survey_of(&state, &path)?;
    let member = member_of(&survey, field(&fields, "member"))?;
    let list = crate::mail::addresses::parse_list(field(&fields, "addresses"))
        .map_err(|e| AppError::BadRequest(format!("{e}. Nothing was changed.")))?;
    state
        .mail
        .addresses
        .set(&member.code, &list, &session.account)?;
    let ip = client_ip(&state, &req).to_string();
    let detail = if list.is_empty() {
        "back to the member list's".to_string()
    } else {
        list.join("; ")
    };
    state.store.audit(
        &session.account,
        &ip,
        "mail addresses set",
        &survey.id,
        &member.code,
        &detail,
    )?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            format!("/admin/s/{}/mail/preview?member={}", survey.id, member.code),
        ))
        .finish())
}

/// Queues the thank-you for a submission; a failure is logged, not the
/// member's problem (the answers are stored).
pub fn thank(state: &AppState, survey: &Survey, member: &Member, rev: &crate::store::Revision) {
    if let Err(e) = state.mail.thank(&state.store, survey, member, rev) {
        tracing::error!(error = %e, survey = %survey.id, member = %member.code, "the thank-you was not queued");
    }
}
