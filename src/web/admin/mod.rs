//! The secretariat's workspace under `/admin`: sign-in, the round overview,
//! invitations, reminders, each response, downloads, the report, the audit
//! log, the accounts. Every page needs a session and the role it is for;
//! every POST needs the session's form token.

mod account;
mod accounts;
pub mod attachments;
pub mod auth;
mod downloads;
mod last_year;
mod listing;
pub mod mail;
mod overview;
mod preview;
mod publication;
mod responses;
mod round;

use super::pages::html;
use super::{AppError, AppState, csrf};
use crate::accounts::Role;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use std::net::IpAddr;

/// Mounts the workspace's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(home))
        .route("/admin/", web::get().to(home))
        .route("/admin/login", web::post().to(auth::login))
        .route("/admin/logout", web::post().to(auth::logout))
        .route(
            "/admin/logout-everywhere",
            web::post().to(auth::logout_everywhere),
        )
        .route("/admin/account", web::get().to(account::page))
        .route("/admin/account/password", web::post().to(account::password))
        .route("/admin/account/totp", web::post().to(account::totp_start))
        .route(
            "/admin/account/totp/confirm",
            web::post().to(account::totp_confirm),
        )
        .route(
            "/admin/account/totp/remove",
            web::post().to(account::totp_remove),
        )
        .route("/admin/accounts", web::get().to(accounts::list))
        .route("/admin/accounts", web::post().to(accounts::add))
        .route("/admin/accounts/change", web::post().to(accounts::change))
        .route("/admin/audit", web::get().to(downloads::audit))
        .route("/admin/s/{survey}", web::get().to(overview::overview))
        .route("/admin/s/{survey}/invite", web::post().to(round::invite))
        .route(
            "/admin/s/{survey}/reminders",
            web::get().to(round::reminders),
        )
        .route(
            "/admin/s/{survey}/reminders",
            web::post().to(round::prepare_reminders),
        )
        .route("/admin/s/{survey}/round", web::post().to(round::set_round))
        .route("/admin/s/{survey}/mail", web::get().to(mail::page_of_mail))
        .route(
            "/admin/s/{survey}/mail/preview",
            web::get().to(mail::preview),
        )
        .route(
            "/admin/s/{survey}/mail/invitations",
            web::post().to(mail::invitations),
        )
        .route(
            "/admin/s/{survey}/mail/reminders",
            web::post().to(mail::reminders),
        )
        .route(
            "/admin/s/{survey}/mail/resolve",
            web::post().to(mail::resolve),
        )
        .route(
            "/admin/s/{survey}/mail/addresses",
            web::post().to(mail::set_addresses),
        )
        .route(
            "/admin/s/{survey}/m/{member}",
            web::get().to(responses::response),
        )
        .route(
            "/admin/s/{survey}/m/{member}/files/{sha256}",
            web::get().to(attachments::download),
        )
        .route("/admin/s/{survey}/export", web::get().to(downloads::export))
        .route("/admin/s/{survey}/report", web::get().to(downloads::report))
        .route(
            "/admin/s/{survey}/publication",
            web::get().to(publication::page_of),
        )
        .route(
            "/admin/s/{survey}/publication",
            web::post().to(publication::act),
        )
        .route(
            "/admin/s/{survey}/workbook",
            web::get().to(publication::secretariat_workbook),
        )
        .route("/admin/s/{survey}/preview", web::get().to(preview::show))
        .route("/admin/s/{survey}/preview", web::post().to(preview::check));
}

/// A signed-in secretariat session: whose, and what it may do.
pub struct Session {
    pub id: String,
    /// The token every form of this session carries.
    pub csrf: String,
    /// The account's name: what the audit log writes.
    pub account: String,
    pub role: Role,
}

impl Session {
    /// What the pages need to know of who is signed in.
    pub fn me(&self) -> Me {
        Me {
            name: self.account.clone(),
            role: self.role.name(),
            may_change: self.role.may_change(),
            may_manage: self.role.may_manage(),
        }
    }
}

/// Who is signed in, for the pages: what is not allowed is not offered.
pub struct Me {
    pub name: String,
    pub role: &'static str,
    pub may_change: bool,
    pub may_manage: bool,
}

/// Where a member of an edition stands now: from its saves (no answers
/// read) and whether it holds a link.
pub(crate) fn progress_of(
    state: &AppState,
    survey: &str,
    code: &str,
) -> Result<crate::round::Progress, AppError> {
    let saves = state.store.saves(survey, code)?;
    let invited = state.store.invitations.is_invited(survey, code)?;
    Ok(crate::round::progress(&saves, invited))
}

fn sign(state: &AppState, scope: &str, value: &str) -> String {
    csrf::token(state.store.secret(), &format!("{scope}:{value}"))
}

/// The address a request came from. Without `--trust-proxy` the socket's
/// address; behind trusted proxies, the rightmost X-Forwarded-For entry
/// that is not one of them (see [`client_behind`]). An IPv4-mapped IPv6
/// address is given as IPv4.
pub fn client_ip(state: &AppState, req: &HttpRequest) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip().to_canonical());
    if !state.trust_proxy {
        return peer;
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    client_behind(peer, &forwarded, &state.trusted_proxies)
}

/// The client behind the proxies: `peer` itself unless it is a trusted
/// proxy; else the rightmost entry of `forwarded` that is not a trusted
/// proxy (entries left of it are the client's own word, which anyone can
/// write). With no list, the peer is the one proxy trusted and the
/// rightmost entry (what it appended) is the client.
pub fn client_behind(peer: IpAddr, forwarded: &[&str], trusted: &[ipnet::IpNet]) -> IpAddr {
    let parse = |t: &str| {
        let t = t.trim();
        t.parse::<IpAddr>()
            .ok()
            .or_else(|| t.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
            .map(|ip| ip.to_canonical())
    };
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(&ip));
    if !trusted.is_empty() && !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    for entry in forwarded.iter().rev() {
        // An entry that is no address: the hop before it is the last known.
        let Some(ip) = parse(entry) else {
            return client;
        };
        client = ip;
        if trusted.is_empty() || !is_trusted(ip) {
            return ip;
        }
    }
    client
}

/// The live session of this request, if any.
pub fn session(state: &AppState, req: &HttpRequest) -> Option<Session> {
    let cookie = req.cookie(auth::COOKIE)?;
    let (id, sig) = cookie.value().split_once('.')?;
    if !csrf::verify(state.store.secret(), &format!("session:{id}"), sig) {
        return None;
    }
    let accounts = &state.auth.accounts;
    let account = state
        .auth
        .sessions
        .check(id, |name| accounts.get(name).ok().flatten())?;
    Some(Session {
        id: id.to_string(),
        csrf: sign(state, "admin-form", id),
        account: account.name,
        role: account.role,
    })
}

/// The session, or the sign-in page (401) in place of the page asked for;
/// every role may read.
pub fn require(state: &AppState, req: &HttpRequest) -> Result<Session, AppError> {
    session(state, req).ok_or(AppError::SignIn)
}

/// The session when its role is at least `need`; else 403.
pub fn require_role(state: &AppState, req: &HttpRequest, need: Role) -> Result<Session, AppError> {
    let s = require(state, req)?;
    if s.role < need {
        return Err(AppError::Forbidden(format!(
            "Your account ({}) is a {}; this needs an {}. Nothing was changed. Ask an admin if you need it.",
            s.account,
            s.role.name(),
            need.name()
        )));
    }
    Ok(s)
}

fn form_token_matches(state: &AppState, s: &Session, given: &str) -> Result<(), AppError> {
    if !csrf::verify(state.store.secret(), &format!("admin-form:{}", s.id), given) {
        return Err(AppError::Forbidden("This form is out of date (its security code does not match). Go back, reload the page and try again; nothing was changed.".into()));
    }
    Ok(())
}

/// The session of a POST that changes the round (an editor's or admin's)
/// whose form token matches, or a refusal.
pub fn require_post(state: &AppState, req: &HttpRequest, given: &str) -> Result<Session, AppError> {
    require_post_as(state, req, given, Role::Editor)
}

/// The session of a POST that needs `need` and whose form token matches.
pub fn require_post_as(
    state: &AppState,
    req: &HttpRequest,
    given: &str,
    need: Role,
) -> Result<Session, AppError> {
    let s = require_role(state, req, need)?;
    form_token_matches(state, &s, given)?;
    Ok(s)
}

/// The session of a POST about the account itself (sign out, its own
/// password or second factor), any role.
pub fn require_signed_in(
    state: &AppState,
    req: &HttpRequest,
    given: &str,
) -> Result<Session, AppError> {
    require_post_as(state, req, given, Role::Viewer)
}

fn cookie<'a>(state: &AppState, name: &'a str, value: String) -> Cookie<'a> {
    let mut c = Cookie::new(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Strict);
    c.set_path("/admin");
    c.set_secure(state.secure_cookies);
    c
}

/// Where to go after signing in: only a path of this workspace.
fn safe_next(next: &str) -> &str {
    let ok = next.starts_with("/admin/")
        && !next.starts_with("//")
        && !next.contains("..")
        && !next.contains('\\')
        && next.chars().all(|c| c.is_ascii_graphic());
    if ok { next } else { "/admin" }
}

async fn home(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    if session(&state, &req).is_none() {
        return auth::login_page(&state, actix_web::http::StatusCode::OK, "/admin", "", None);
    }
    let latest = state
        .store
        .surveys
        .keys()
        .next_back()
        .cloned()
        .unwrap_or_default();
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/admin/s/{latest}")))
        .finish())
}

/// The edition named in a path; an unknown name is a plain 404.
pub fn survey_of(
    state: &AppState,
    id: &str,
) -> Result<std::sync::Arc<crate::definition::Survey>, AppError> {
    state
        .store
        .survey(id)
        .cloned()
        .map_err(|_| AppError::NotFound)
}

/// An admin page with status 200.
pub fn page(body: String) -> HttpResponse {
    html(body)
}
