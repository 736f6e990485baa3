//! The web layer: routes, shared state and the server. Handlers are thin:
//! they extract, call the domain or the store, and render.

pub mod admin;
mod csrf;
mod error;
pub(crate) mod language;
pub(crate) mod last_year;
pub mod limits;
mod member;
pub mod page_cache;
mod pages;
pub mod public;
mod stale;
pub mod throttle;
mod upload;
pub mod view;

pub use error::AppError;

use crate::store::Store;
use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpServer, web};
use std::net::TcpListener;

/// The largest form body accepted: the whole 2022 questionnaire with every
/// long text at its limit stays well below it.
pub const MAX_BODY: usize = 1024 * 1024;

/// What every handler shares.
pub struct AppState {
    pub store: Store,
    /// The address people reach the server at, for the links it prints.
    pub base_url: String,
    /// The secretariat's accounts, sessions and sign-in guard.
    pub auth: admin::auth::Auth,
    /// Mark cookies Secure (when served over HTTPS, e.g. behind a TLS proxy).
    pub secure_cookies: bool,
    /// Take the client's address from the proxy's headers (X-Forwarded-For).
    pub trust_proxy: bool,
    /// The proxies whose X-Forwarded-For entries are skipped (empty: the
    /// one proxy in front, whose entry is the rightmost).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Wrong invitation links per address.
    pub link_guesses: throttle::Throttle,
    /// The member's finished pages, ready to send again.
    pub page_cache: page_cache::PageCache,
    /// Quotas of saves and connections.
    pub limits: limits::Limits,
    /// The members' addresses, the outbox and how mail is sent.
    pub mail: std::sync::Arc<crate::mail::Mail>,
}

/// Wrong invitation links one address may try within [`LINK_WINDOW`]: enough
/// for a whole office behind one address to mistype links now and then.
pub const LINK_GUESSES: usize = 30;
/// The window over which wrong links are counted.
pub const LINK_WINDOW: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// How the server is set up beyond its data.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub base_url: String,
    /// The first `admin` account's password, used only when there is no
    /// account yet; None: an earlier version's password, or a new one.
    pub admin_password: Option<String>,
    pub secure_cookies: bool,
    pub trust_proxy: bool,
    pub limits: limits::Limits,
    /// Proxies to skip in X-Forwarded-For (given implies `trust_proxy`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long sessions last unused and at most.
    pub sessions: crate::accounts::sessions::Lifetimes,
    /// How mail is sent; None: no SMTP server, the workspace gives ready texts.
    pub mail: Option<crate::mail::Settings>,
}

impl AppState {
    /// Sets up the shared state; says what the first start did about the
    /// `admin` account (a new password is to be printed once).
    pub fn new(
        store: Store,
        settings: Settings,
    ) -> Result<(AppState, crate::accounts::FirstStart), crate::accounts::AccountError> {
        let (auth, generated) = admin::auth::Auth::setup(
            &store.dir,
            settings.admin_password.as_deref(),
            settings.sessions,
        )?;
        let mail = std::sync::Arc::new(crate::mail::Mail::open(&store.dir, settings.mail));
        let state = AppState {
            store,
            base_url: settings.base_url,
            auth,
            secure_cookies: settings.secure_cookies,
            trust_proxy: settings.trust_proxy || !settings.trusted_proxies.is_empty(),
            trusted_proxies: settings.trusted_proxies,
            link_guesses: throttle::Throttle::new(LINK_GUESSES, LINK_WINDOW),
            page_cache: page_cache::PageCache::default(),
            limits: settings.limits,
            mail,
        };
        Ok((state, generated))
    }
}

/// Mounts every route; used by `serve` and by the tests alike.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // A form, query or path that cannot be read gets the same error page as everything else.
    cfg.app_data(
        web::FormConfig::default()
            .limit(MAX_BODY)
            .error_handler(|e, _| AppError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| AppError::BadRequest(e.to_string()).into()),
    )
    .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()));
    cfg.route("/", web::get().to(pages::home))
        .route("/health", web::get().to(pages::health))
        .route("/static/{file}", web::get().to(pages::asset))
        .route("/data/{edition}", web::get().to(public::edition))
        .route(
            "/data/{edition}/series-long.csv",
            web::get().to(public::series_long),
        )
        .route("/data/{edition}/{version}", web::get().to(public::version))
        .route(
            "/data/{edition}/{version}/{file}",
            web::get().to(public::file),
        )
        .route("/r/{token}", web::get().to(member::show))
        .route("/r/{token}", web::post().to(member::save))
        .route("/r/{token}/done", web::get().to(member::done))
        .route("/r/{token}/last-year", web::post().to(last_year::start))
        .configure(admin::configure)
        .default_service(web::to(pages::not_found));
}

/// The headers every answer carries: no script or style from elsewhere, no
/// framing, no sniffing, and no Referer (an invitation link must not leak).
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
}

/// Builds the server on a listener that is already bound (port 0 in tests).
pub fn run(listener: TcpListener, state: web::Data<AppState>) -> std::io::Result<Server> {
    // Behind a proxy every connection comes from the proxy: counting them
    // per address would hold everyone back, so the proxy limits them.
    let limit = state.limits.connections_per_address;
    let per_address = (!state.trust_proxy && limit > 0).then_some(limit);
    let connections = limits::Connections::default();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(security_headers())
            .wrap(Compress::default())
            .wrap(actix_web::middleware::from_fn(limits::body_deadline))
            .configure(configure)
    })
    .on_connect(move |io, ext| {
        if let Some(limit) = per_address {
            connections.on_connect(limit, io, ext);
        }
    })
    // A compressed answer goes out as its headers and then its body; with
    // Nagle's algorithm on, the body waits for the client's delayed ACK of
    // the headers (about 20 ms on loopback, a round trip or more on a slow
    // link). The dispatcher writes whole buffers, so no small packets follow.
    .tcp_nodelay(true)
    .listen(listener)?
    .run();
    Ok(server)
}
