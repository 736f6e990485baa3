//! The language of a member's pages: asked for in the address (`?lang=fr`),
//! else remembered for the link in a cookie scoped to the link's path, else
//! the edition's default; and the plain links that switch it. The choosing
//! and the words are in `crate::i18n`; this is the HTTP around them.

use crate::definition::Survey;
use crate::i18n;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse};
use std::sync::Arc;

/// The cookie that remembers a link's language.
pub const COOKIE: &str = "lang";

/// The language the request is for, among the edition's.
pub fn chosen<'a>(survey: &'a Survey, req: &HttpRequest) -> &'a str {
    let asked = i18n::asked_in(req.query_string());
    let cookie = req.cookie(COOKIE);
    i18n::choose(&survey.languages, asked, cookie.as_ref().map(|c| c.value()))
}

/// The edition in the language the request is for: the one given as it is
/// when that is its language already (always, for a one-language edition).
pub fn localized(survey: Arc<Survey>, req: &HttpRequest) -> Arc<Survey> {
    let lang = chosen(&survey, req);
    if lang == survey.language {
        survey
    } else {
        Arc::new(survey.in_language(lang))
    }
}

/// Remembers the language asked for in the address for this link's pages
/// (the cookie goes only to `/r/<token>` and what is under it), when it
/// differs from what the browser remembers already.
pub fn remember(res: &mut HttpResponse, req: &HttpRequest, survey: &Survey, token: &str) {
    if survey.languages.len() < 2 {
        return;
    }
    let Some(asked) = i18n::asked_in(req.query_string()).filter(|l| survey.has_language(l)) else {
        return;
    };
    if req.cookie(COOKIE).is_some_and(|c| c.value() == asked) {
        return;
    }
    let cookie = Cookie::build(COOKIE, asked.to_string())
        .path(format!("/r/{token}"))
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(400))
        .finish();
    // A cookie that cannot be set leaves the language to the address.
    let _ = res.add_cookie(&cookie);
}

/// One link of the language switch.
pub struct LanguageLink {
    pub code: String,
    /// The language's own name, in its own language.
    pub name: String,
    pub href: String,
    pub current: bool,
}

/// The links to the page at `path` in each of the edition's languages;
/// none for a one-language edition.
pub fn links(survey: &Survey, path: &str) -> Vec<LanguageLink> {
    if survey.languages.len() < 2 {
        return Vec::new();
    }
    survey
        .languages
        .iter()
        .map(|l| LanguageLink {
            code: l.clone(),
            name: i18n::language_name(l),
            href: format!("{path}?lang={l}"),
            current: *l == survey.language,
        })
        .collect()
}
