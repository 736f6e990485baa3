//! The secretariat's sign-in over HTTP: the form, the guarded check of a
//! name, password and code, the session cookie, and signing out. The
//! accounts, sessions and limits themselves are [`crate::accounts`].

use super::{client_ip, cookie, require_signed_in, safe_next, sign};
use crate::accounts::guard::Guard;
use crate::accounts::sessions::{Lifetimes, Sessions};
use crate::accounts::{AccountError, Accounts, FirstStart};
pub use crate::store::random_token;
use crate::web::{AppError, AppState, csrf};
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::path::Path;

/// The name of the session cookie.
pub const COOKIE: &str = "spam_survey_admin";
/// The name of the cookie that binds the sign-in form to its browser.
pub const LOGIN_COOKIE: &str = "spam_survey_login";

/// The accounts, their sessions and the sign-in's guard.
pub struct Auth {
    pub accounts: Accounts,
    pub sessions: Sessions,
    pub guard: Guard,
}

impl Auth {
    /// Opens the accounts and sessions of `dir`, making the first `admin`
    /// account when there is none (see [`Accounts::first_start`]).
    pub fn setup(
        dir: &Path,
        given: Option<&str>,
        lifetimes: Lifetimes,
    ) -> Result<(Auth, FirstStart), AccountError> {
        let accounts = Accounts::open(dir)?;
        let first = accounts.first_start(given)?;
        let auth = Auth {
            accounts,
            sessions: Sessions::open(dir, lifetimes)?,
            guard: Guard::default(),
        };
        Ok((auth, first))
    }
}

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage<'a> {
    csrf: String,
    max_failures: usize,
    next: &'a str,
    name: &'a str,
    error: Option<&'a str>,
}

/// The sign-in page, with a fresh cookie that binds its form to this browser.
pub fn login_page(
    state: &AppState,
    status: StatusCode,
    next: &str,
    name: &str,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let nonce = random_token()?;
    let page = LoginPage {
        csrf: sign(state, "login", &nonce),
        max_failures: state.auth.guard.per_address(),
        next,
        name,
        error,
    };
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .cookie(cookie(state, LOGIN_COOKIE, nonce))
        .body(page.render()?))
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// What a sign-in that cannot write its audit line or session answers.
fn unavailable(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "a sign-in could not be recorded");
    AppError::Unavailable(
        "Signing in is not possible just now: the server cannot write to its data directory (the disk may be full). Nothing was changed. Tell whoever runs the server, and try again later.".into(),
    )
}

/// What an attempt gets when no password check is free for long.
pub fn busy() -> AppError {
    AppError::Unavailable(
        "The server is busy checking other sign-ins. Please try again in a minute.".into(),
    )
}

/// POST /admin/login
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(&form.next);
    let bound = req.cookie(LOGIN_COOKIE).is_some_and(|c| {
        csrf::verify(
            state.store.secret(),
            &format!("login:{}", c.value()),
            &form.csrf,
        )
    });
    if !bound {
        return login_page(
            &state,
            StatusCode::FORBIDDEN,
            next,
            &form.name,
            Some("The sign-in form was out of date. Please enter the password again."),
        );
    }
    let ip = client_ip(&state, &req);
    let address = ip.to_string();
    // Counted before the check: a hundred attempts at once count a hundred.
    let reservation = match state.auth.guard.reserve(ip, &form.name) {
        Ok(r) => r,
        Err(blocked) => {
            if blocked.note {
                state
                    .store
                    .audit("", &address, "sign-in refused (throttled)", "", "", "")
                    .map_err(unavailable)?;
            }
            return Err(AppError::TooManyAttempts(blocked.wait.as_secs()));
        }
    };
    // A bounded number of argon2 checks at once: memory stays flat whatever comes.
    let (name, password, code) = (form.name.clone(), form.password.clone(), form.code.clone());
    let st = state.clone();
    let checked = state
        .auth
        .guard
        .check(move || st.auth.accounts.verify(&name, &password, &code))
        .await
        .map_err(|_| busy())?;
    let account = match checked {
        Ok(Some(a)) => a,
        Ok(None) => {
            // The name is written only when it is an account's: a password
            // typed into the name field stays out of the log.
            let known = state
                .auth
                .accounts
                .get(form.name.trim())
                .ok()
                .flatten()
                .map(|a| a.name)
                .unwrap_or_default();
            state
                .store
                .audit(&known, &address, "failed sign-in", "", "", "")
                .map_err(unavailable)?;
            return login_page(
                &state,
                StatusCode::UNAUTHORIZED,
                next,
                &form.name,
                Some("That name, password or code is not right. Check them and try again."),
            );
        }
        Err(e) => return Err(unavailable(e)),
    };
    state
        .store
        .audit(&account.name, &address, "signed in", "", "", "")
        .map_err(unavailable)?;
    let id = random_token()?;
    state
        .auth
        .sessions
        .start(&account, &id)
        .map_err(unavailable)?;
    reservation.succeeded();
    let value = format!("{id}.{}", sign(&state, "session", &id));
    let mut gone = cookie(&state, LOGIN_COOKIE, String::new());
    gone.make_removal();
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, next.to_string()))
        .cookie(cookie(&state, COOKIE, value))
        .cookie(gone)
        .finish())
}

#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf: String,
}

fn signed_out(state: &AppState) -> HttpResponse {
    let mut gone = cookie(state, COOKIE, String::new());
    gone.make_removal();
    HttpResponse::SeeOther()
        .insert_header((LOCATION, "/admin"))
        .cookie(gone)
        .finish()
}

/// POST /admin/logout: ends this session.
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    let s = require_signed_in(&state, &req, &form.csrf)?;
    state.auth.sessions.end(&s.id)?;
    state.store.audit(
        &s.account,
        &client_ip(&state, &req).to_string(),
        "signed out",
        "",
        "",
        "",
    )?;
    Ok(signed_out(&state))
}

/// POST /admin/logout-everywhere: ends every session of the account.
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    let s = require_signed_in(&state, &req, &form.csrf)?;
    state.auth.accounts.sign_out_everywhere(&s.account)?;
    let ended = state.auth.sessions.end_all(&s.account)?;
    state.store.audit(
        &s.account,
        &client_ip(&state, &req).to_string(),
        "signed out everywhere",
        "",
        "",
        &format!("{ended} session(s)"),
    )?;
    Ok(signed_out(&state))
}
