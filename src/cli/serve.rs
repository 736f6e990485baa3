//! `spam-survey serve`: the web server.

use super::{Dirs, load_surveys};
use crate::store::Store;
use crate::web::{self, AppState, Settings};
use std::net::TcpListener;

/// The arguments of `spam-survey serve`.
#[derive(clap::Args)]
pub struct Args {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// The address people use to reach the server, for the links it
    /// prints (default: http://ADDR).
    #[arg(long, env = "SPAM_SURVEY_BASE_URL")]
    pub base_url: Option<String>,
    /// Mark cookies Secure: set this when people reach the server over
    /// HTTPS (a TLS proxy in front of it).
    #[arg(long, env = "SPAM_SURVEY_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Take the client's address from X-Forwarded-For (only behind a
    /// proxy that sets it), for sign-in throttling.
    #[arg(long, env = "SPAM_SURVEY_TRUST_PROXY")]
    pub trust_proxy: bool,
    #[command(flatten)]
    pub limits: web::limits::Limits,
    #[command(flatten)]
    pub dirs: Dirs,
}

/// Runs `serve`.
pub fn run(a: Args) -> Result<(), String> {
    serve(
        &a.addr,
        a.base_url,
        a.secure_cookies,
        a.trust_proxy,
        a.limits,
        &a.dirs,
    )
}

fn serve(
    addr: &str,
    base_url: Option<String>,
    secure_cookies: bool,
    trust_proxy: bool,
    limits: web::limits::Limits,
    dirs: &Dirs,
) -> Result<(), String> {
    let started = std::time::Instant::now();
    let surveys = load_surveys(&dirs.surveys)?;
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        "questionnaires and member lists loaded"
    );
    let store = Store::open(&dirs.data, surveys).map_err(|e| e.to_string())?;
    if let Some(warning) = crate::store::permissions_warning(&dirs.data) {
        eprintln!("{warning}");
        tracing::warn!("the data directory can be read by other users; see the fix above");
    }
    let listener = TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let base_url = base_url.unwrap_or_else(|| format!("http://{local}"));
    let now = chrono::Utc::now();
    println!("spam-survey is listening on http://{local}");
    println!("data directory: {}", dirs.data.display());
    for s in store.surveys.values() {
        let state = if s.open_at(now) {
            format!("open until {}", s.closes)
        } else {
            "closed".to_string()
        };
        println!("  {} ({} members): {state}", s.id, s.members.len());
    }
    let example = store
        .surveys
        .values()
        .rev()
        .find(|s| s.open_at(now))
        .or(store.surveys.values().last());
    if let Some(s) = example {
        println!("To invite a member, in another terminal:");
        println!(
            "  cargo run --release -- invite --survey {} --member KR --data {}",
            s.id,
            dirs.data.display()
        );
    }
    let settings = Settings {
        base_url,
        admin_password: std::env::var("SPAM_SURVEY_ADMIN_PASSWORD").ok(),
        secure_cookies,
        trust_proxy,
        limits,
    };
    let (state, generated) = AppState::new(store, settings).map_err(|e| e.to_string())?;
    match generated {
        Some(p) => {
            println!("Secretariat workspace: http://{local}/admin");
            println!(
                "  A password was made for it; it is shown only now (only its hash is kept in {}):",
                dirs.data.display()
            );
            println!("  {p}");
        }
        None => println!(
            "Secretariat workspace: http://{local}/admin (sign in with the secretariat password)"
        ),
    }
    let state = actix_web::web::Data::new(state);
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let server = web::run(listener, state).map_err(|e| e.to_string())?;
        tracing::info!(seconds = started.elapsed().as_secs_f64(), "ready");
        server.await.map_err(|e| e.to_string())
    })
}
