//! The signed-in person's own account: a new password, signing out of every
//! session, and the second factor (set up with a QR code or the secret as
//! text, confirmed by a code, with recovery codes shown once).

use super::page as page_of;
use super::{Me, client_ip, require, require_signed_in, sign};
use crate::accounts::{password, sessions, totp};
use crate::web::{AppError, AppState, csrf};
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage {
    csrf: String,
    me: Me,
    has_factor: bool,
    recovery_left: usize,
    sessions: usize,
    notice: Option<String>,
    error: Option<String>,
    min_length: usize,
}

#[derive(Template)]
#[template(path = "admin/totp.html")]
struct TotpPage {
    csrf: String,
    me: Me,
    secret: String,
    signature: String,
    qr: String,
    secret_text: String,
    error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "admin/shown-once.html")]
pub struct ShownOnce {
    pub csrf: String,
    pub me: Me,
    pub title: String,
    pub lead: String,
    pub items: Vec<String>,
    pub back: &'static str,
}

#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    notice: String,
}

fn account_page(
    state: &AppState,
    s: &super::Session,
    notice: Option<String>,
    error: Option<String>,
) -> Result<String, AppError> {
    let account = state
        .auth
        .accounts
        .get(&s.account)?
        .ok_or(AppError::SignIn)?;
    Ok(AccountPage {
        csrf: s.csrf.clone(),
        me: s.me(),
        has_factor: account.totp.is_some(),
        recovery_left: account.totp.as_ref().map_or(0, |f| f.recovery.len()),
        sessions: state.auth.sessions.count(&s.account),
        notice,
        error,
        min_length: password::MIN_LENGTH,
    }
    .render()?)
}

/// GET /admin/account
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    q: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let s = require(&state, &req)?;
    let notice = (q.notice == "totp-removed").then(|| "The second factor is removed.".to_string());
    Ok(page_of(account_page(&state, &s, notice, None)?))
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    again: String,
}

/// Checks the account's current password, in turn with the sign-ins.
async fn current_password_right(
    state: &web::Data<AppState>,
    name: &str,
    given: &str,
) -> Result<bool, AppError> {
    let Some(account) = state.auth.accounts.get(name)? else {
        return Ok(false);
    };
    let given = given.to_string();
    state
        .auth
        .guard
        .check(move || password::verify(&account.password, &given))
        .await
        .map_err(|_| super::auth::busy())
}

/// POST /admin/account/password: a new password of one's own; every
/// session of the account ends with it, this one too.
pub async fn password(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let s = require_signed_in(&state, &req, &form.csrf)?;
    let refuse = |m: String| -> Result<HttpResponse, AppError> {
        let body = account_page(&state, &s, None, Some(m))?;
        Ok(HttpResponse::UnprocessableEntity()
            .content_type("text/html; charset=utf-8")
            .body(body))
    };
    if !current_password_right(&state, &s.account, &form.current).await? {
        return refuse("The current password is not right; nothing was changed.".into());
    }
    if form.new != form.again {
        return refuse("The two new passwords differ; nothing was changed.".into());
    }
    if let Some(why) = password::refusal(&form.new, &s.account) {
        return refuse(format!(
            "The new password is refused: {why}. Nothing was changed."
        ));
    }
    state.auth.accounts.set_password(&s.account, &form.new)?;
    state.auth.sessions.end_all(&s.account)?;
    state.store.audit(
        &s.account,
        &client_ip(&state, &req).to_string(),
        "password changed",
        "",
        "",
        "",
    )?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, "/admin"))
        .finish())
}

#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

fn totp_page(
    state: &AppState,
    s: &super::Session,
    secret: String,
    error: Option<&'static str>,
) -> Result<String, AppError> {
    let e = totp::enrolment(&secret, &s.account)?;
    Ok(TotpPage {
        csrf: s.csrf.clone(),
        me: s.me(),
        signature: sign(state, "totp-setup", &format!("{}:{secret}", s.account)),
        secret,
        qr: e.qr_svg_data,
        secret_text: e.secret_text,
        error,
    }
    .render()?)
}

/// POST /admin/account/totp: a new secret to scan, not yet in force.
pub async fn totp_start(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    let s = require_signed_in(&state, &req, &form.csrf)?;
    let secret = totp::new_secret()?;
    Ok(page_of(totp_page(&state, &s, secret, None)?))
}

#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    signature: String,
    #[serde(default)]
    code: String,
}

/// POST /admin/account/totp/confirm: the first code from the app puts the
/// second factor in force; the recovery codes are shown once.
pub async fn totp_confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let s = require_signed_in(&state, &req, &form.csrf)?;
    // The secret came from this server for this account, not from the form's sender.
    let scope = format!("totp-setup:{}:{}", s.account, form.secret);
    if !csrf::verify(state.store.secret(), &scope, &form.signature) {
        return Err(AppError::Forbidden(
            "This setup is out of date; start it again from your account page.".into(),
        ));
    }
    let Some(step) = totp::accepted_step(&form.secret, &s.account, &form.code, sessions::now(), 0)
    else {
        let body = totp_page(
            &state,
            &s,
            form.secret.clone(),
            Some("That code is not right (or has expired). Type the six digits the app shows now."),
        )?;
        return Ok(HttpResponse::UnprocessableEntity()
            .content_type("text/html; charset=utf-8")
            .body(body));
    };
    let (codes, hashes) = totp::new_recovery_codes()?;
    let secret = form.secret.clone();
    state.auth.accounts.update(&s.account, |a| {
        a.totp = Some(totp::Factor {
            secret,
            last_step: step,
            recovery: hashes,
        });
        Ok(())
    })?;
    state.store.audit(
        &s.account,
        &client_ip(&state, &req).to_string(),
        "second factor set up",
        "",
        "",
        "",
    )?;
    let body = ShownOnce {
        csrf: s.csrf.clone(),
        me: s.me(),
        title: "Second factor set up".into(),
        lead: "From now on, signing in asks for the code your app shows. If you lose the phone, each of these recovery codes works once in place of a code. Keep them somewhere safe: they are shown only now.".into(),
        items: codes,
        back: "/admin/account",
    }
    .render()?;
    Ok(page_of(body))
}

#[derive(serde::Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// POST /admin/account/totp/remove: needs a current code (or a recovery code).
pub async fn totp_remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<RemoveForm>,
) -> Result<HttpResponse, AppError> {
    let s = require_signed_in(&state, &req, &form.csrf)?;
    let now = sessions::now();
    let code = form.code.clone();
    let removed = state.auth.accounts.update(&s.account, |a| {
        let name = a.name.clone();
        let right = a.totp.as_mut().is_some_and(|f| f.redeem(&name, &code, now));
        if right {
            a.totp = None;
        }
        Ok(right)
    })?;
    if !removed {
        let body = account_page(
            &state,
            &s,
            None,
            Some("That code is not right; the second factor stays.".into()),
        )?;
        return Ok(HttpResponse::UnprocessableEntity()
            .content_type("text/html; charset=utf-8")
            .body(body));
    }
    state.store.audit(
        &s.account,
        &client_ip(&state, &req).to_string(),
        "second factor removed",
        "",
        "",
        "",
    )?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, "/admin/account?notice=totp-removed"))
        .finish())
}
