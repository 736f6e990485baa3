//! The secretariat's workspace under `/admin`: sign-in, the round overview,
//! invitations, reminders, each response, downloads, the report, the audit
//! log. Every page needs a session; every POST needs the session's form token.

pub mod auth;
mod downloads;
mod last_year;
mod listing;
mod overview;
mod responses;
mod round;

use super::pages::html;
use super::{AppError, AppState, csrf};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::net::IpAddr;

/// Mounts the workspace's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(home))
        .route("/admin/", web::get().to(home))
        .route("/admin/login", web::post().to(login))
        .route("/admin/logout", web::post().to(logout))
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
        .route(
            "/admin/s/{survey}/m/{member}",
            web::get().to(responses::response),
        )
        .route("/admin/s/{survey}/export", web::get().to(downloads::export))
        .route("/admin/s/{survey}/report", web::get().to(downloads::report));
}

/// A signed-in secretariat session.
pub struct Session {
    pub id: String,
    /// The token every form of this session carries.
    pub csrf: String,
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

/// The address a request came from (the proxy's word only when told to trust it).
pub fn client_ip(state: &AppState, req: &HttpRequest) -> IpAddr {
    if !state.trust_proxy {
        // The socket's address as is: `connection_info` would also read the
        // host and scheme headers and print the address to parse it back.
        return req
            .peer_addr()
            .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    }
    let info = req.connection_info();
    info.realip_remote_addr()
        .and_then(|t| {
            t.parse::<IpAddr>()
                .ok()
                .or_else(|| t.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        })
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// The live session of this request, if any.
pub fn session(state: &AppState, req: &HttpRequest) -> Option<Session> {
    let cookie = req.cookie(auth::COOKIE)?;
    let (id, sig) = cookie.value().split_once('.')?;
    if !csrf::verify(state.store.secret(), &format!("session:{id}"), sig)
        || !state.auth.session_live(id)
    {
        return None;
    }
    Some(Session {
        id: id.to_string(),
        csrf: sign(state, "admin-form", id),
    })
}

/// The session, or the sign-in page (401) in place of the page asked for.
pub fn require(state: &AppState, req: &HttpRequest) -> Result<Session, AppError> {
    session(state, req).ok_or(AppError::SignIn)
}

/// The session of a POST whose form token matches, or a refusal.
pub fn require_post(state: &AppState, req: &HttpRequest, given: &str) -> Result<Session, AppError> {
    let s = require(state, req)?;
    if !csrf::verify(state.store.secret(), &format!("admin-form:{}", s.id), given) {
        return Err(AppError::Forbidden("This form is out of date (its security code does not match). Go back, reload the page and try again; nothing was changed.".into()));
    }
    Ok(s)
}

fn cookie<'a>(state: &AppState, name: &'a str, value: String) -> Cookie<'a> {
    let mut c = Cookie::new(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Strict);
    c.set_path("/admin");
    c.set_secure(state.secure_cookies);
    c
}

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage<'a> {
    csrf: String,
    max_failures: usize,
    next: &'a str,
    error: Option<&'a str>,
}

/// The sign-in page, with a fresh cookie that binds its form to this browser.
pub fn login_page(
    state: &AppState,
    status: actix_web::http::StatusCode,
    next: &str,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let nonce = auth::random_token()?;
    let page = LoginPage {
        csrf: sign(state, "login", &nonce),
        max_failures: auth::MAX_FAILURES,
        next,
        error,
    };
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .cookie(cookie(state, auth::LOGIN_COOKIE, nonce))
        .body(page.render()?))
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
        return login_page(&state, actix_web::http::StatusCode::OK, "/admin", None);
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

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let ip = client_ip(&state, &req);
    if let Some(wait) = state.auth.throttled(ip) {
        let _ = state.store.audit(
            "secretariat",
            &ip.to_string(),
            "sign-in refused (throttled)",
            "",
            "",
            "",
        );
        return Err(AppError::TooManyAttempts(wait.as_secs()));
    }
    let bound = req.cookie(auth::LOGIN_COOKIE).is_some_and(|c| {
        csrf::verify(
            state.store.secret(),
            &format!("login:{}", c.value()),
            &form.csrf,
        )
    });
    if !bound {
        return login_page(
            &state,
            actix_web::http::StatusCode::FORBIDDEN,
            safe_next(&form.next),
            Some("The sign-in form was out of date. Please enter the password again."),
        );
    }
    let password = form.password.clone();
    let st = state.clone();
    let ok = web::block(move || st.auth.verify(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if !ok {
        state.auth.failed(ip);
        state
            .store
            .audit("secretariat", &ip.to_string(), "failed sign-in", "", "", "")?;
        return login_page(
            &state,
            actix_web::http::StatusCode::UNAUTHORIZED,
            safe_next(&form.next),
            Some("That password is not right. Check it and try again."),
        );
    }
    let id = state.auth.start_session()?;
    state
        .store
        .audit("secretariat", &ip.to_string(), "signed in", "", "", "")?;
    let value = format!("{id}.{}", sign(&state, "session", &id));
    let mut gone = cookie(&state, auth::LOGIN_COOKIE, String::new());
    gone.make_removal();
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, safe_next(&form.next).to_string()))
        .cookie(cookie(&state, auth::COOKIE, value))
        .cookie(gone)
        .finish())
}

#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    let s = require_post(&state, &req, &form.csrf)?;
    state.auth.end_session(&s.id);
    state.store.audit(
        "secretariat",
        &client_ip(&state, &req).to_string(),
        "signed out",
        "",
        "",
        "",
    )?;
    let mut gone = cookie(&state, auth::COOKIE, String::new());
    gone.make_removal();
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, "/admin"))
        .cookie(gone)
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
