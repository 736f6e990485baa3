//! The accounts, for admins: who there is, with which role; adding one (its
//! password is made and shown once), a new password, a new role, disabling
//! (its sessions end at once) and enabling again.

use super::account::ShownOnce;
use super::{Me, client_ip, page, require_post_as, require_role};
use crate::accounts::{Role, password};
use crate::web::{AppError, AppState};
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// One account as the list shows it.
pub struct Line {
    pub name: String,
    pub role: &'static str,
    pub disabled: bool,
    pub second_factor: bool,
    pub sessions: usize,
    pub created: String,
    pub is_me: bool,
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    csrf: String,
    me: Me,
    accounts: Vec<Line>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    notice: String,
    #[serde(default)]
    name: String,
}

fn list_page(
    state: &AppState,
    s: &super::Session,
    notice: Option<String>,
    error: Option<String>,
) -> Result<String, AppError> {
    let accounts = state
        .auth
        .accounts
        .all()?
        .iter()
        .map(|a| Line {
            name: a.name.clone(),
            role: a.role.name(),
            disabled: a.disabled,
            second_factor: a.totp.is_some(),
            sessions: state.auth.sessions.count(&a.name),
            created: a.created.clone(),
            is_me: a.name == s.account,
        })
        .collect();
    Ok(AccountsPage {
        csrf: s.csrf.clone(),
        me: s.me(),
        accounts,
        notice,
        error,
    }
    .render()?)
}

/// GET /admin/accounts
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let s = require_role(&state, &req, Role::Admin)?;
    let name: String = q.name.chars().take(32).collect();
    let notice = match q.notice.as_str() {
        "disabled" => Some(format!("{name} is disabled; its sessions have ended.")),
        "enabled" => Some(format!("{name} is enabled again.")),
        "role" => Some(format!("{name} has a new role.")),
        _ => None,
    };
    Ok(page(list_page(&state, &s, notice, None)?))
}

#[derive(serde::Deserialize)]
pub struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

fn refused(state: &AppState, s: &super::Session, m: String) -> Result<HttpResponse, AppError> {
    let body = list_page(state, s, None, Some(m))?;
    Ok(HttpResponse::UnprocessableEntity()
        .content_type("text/html; charset=utf-8")
        .body(body))
}

fn shown_once(
    s: &super::Session,
    title: String,
    lead: String,
    secret: String,
) -> Result<HttpResponse, AppError> {
    let body = ShownOnce {
        csrf: s.csrf.clone(),
        me: s.me(),
        title,
        lead,
        items: vec![secret],
        back: "/admin/accounts",
    }
    .render()?;
    Ok(page(body))
}

/// POST /admin/accounts: a new account with a new password, shown once.
pub async fn add(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<AddForm>,
) -> Result<HttpResponse, AppError> {
    let s = require_post_as(&state, &req, &form.csrf, Role::Admin)?;
    let name = form.name.trim();
    let role = match Role::parse(&form.role) {
        Ok(r) => r,
        Err(e) => return refused(&state, &s, e.to_string()),
    };
    let secret = password::generate()?;
    if let Err(e) = state.auth.accounts.add(name, role, &secret) {
        return match e {
            crate::accounts::AccountError::Refused(m) => refused(&state, &s, m),
            other => Err(other.into()),
        };
    }
    state.store.audit(
        &s.account,
        &client_ip(&state, &req).to_string(),
        "account added",
        "",
        "",
        &format!("{name} ({})", role.name()),
    )?;
    shown_once(
        &s,
        format!("Account {name} added"),
        format!(
            "{name} is a {} and signs in with this password, shown only now. Give it to them by a safe way; they can change it under “Your account”.",
            role.name()
        ),
        secret,
    )
}

#[derive(serde::Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    role: String,
}

/// POST /admin/accounts/change: disable, enable, new password, or new role.
pub async fn change(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, AppError> {
    let s = require_post_as(&state, &req, &form.csrf, Role::Admin)?;
    let name = form.name.as_str();
    if state.auth.accounts.get(name)?.is_none() {
        return refused(
            &state,
            &s,
            format!(
                "There is no account `{}`.",
                name.chars().take(32).collect::<String>()
            ),
        );
    }
    // An admin cannot lock themselves out from here; another admin (or
    // the `user` command) can.
    if name == s.account && form.action != "password" {
        return refused(&state, &s, "You cannot disable your own account or change your own role here; ask another admin, or use the `user` command.".into());
    }
    let ip = client_ip(&state, &req).to_string();
    let (action, notice) = match form.action.as_str() {
        "disable" => {
            state.auth.accounts.set_disabled(name, true)?;
            state.auth.sessions.end_all(name)?;
            ("account disabled", "disabled")
        }
        "enable" => {
            state.auth.accounts.set_disabled(name, false)?;
            ("account enabled", "enabled")
        }
        "role" => {
            let role = match Role::parse(&form.role) {
                Ok(r) => r,
                Err(e) => return refused(&state, &s, e.to_string()),
            };
            state.auth.accounts.update(name, |a| {
                a.role = role;
                Ok(())
            })?;
            state.store.audit(
                &s.account,
                &ip,
                "role changed",
                "",
                "",
                &format!("{name} ({})", role.name()),
            )?;
            return Ok(HttpResponse::SeeOther()
                .insert_header((LOCATION, format!("/admin/accounts?notice=role&name={name}")))
                .finish());
        }
        "password" => {
            let secret = password::generate()?;
            state.auth.accounts.set_password(name, &secret)?;
            state.auth.sessions.end_all(name)?;
            state
                .store
                .audit(&s.account, &ip, "password reset", "", "", name)?;
            return shown_once(
                &s,
                format!("New password for {name}"),
                format!(
                    "{name}'s sessions have ended; they sign in with this password, shown only now."
                ),
                secret,
            );
        }
        _ => {
            return Err(AppError::BadRequest(
                "the action must be disable, enable, role or password".into(),
            ));
        }
    };
    state.store.audit(&s.account, &ip, action, "", "", name)?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            format!("/admin/accounts?notice={notice}&name={name}"),
        ))
        .finish())
}
