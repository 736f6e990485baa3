//! The web layer: routes, shared state and the server. Handlers are thin:
//! they extract, call the domain or the store, and render.

mod csrf;
mod error;
mod member;
mod pages;
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
}

/// Mounts every route; used by `serve` and by the tests alike.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::home))
        .route("/health", web::get().to(pages::health))
        .route("/static/{file}", web::get().to(pages::asset))
        .route("/r/{token}", web::get().to(member::show))
        .route("/r/{token}", web::post().to(member::save))
        .route("/r/{token}/done", web::get().to(member::done))
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
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(security_headers())
            .wrap(Compress::default())
            .configure(configure)
    })
    .listen(listener)?
    .run();
    Ok(server)
}
