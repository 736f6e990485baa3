//! `spam-survey serve`: the web server.

use super::{Dirs, load_surveys};
use crate::accounts::{FIRST_ACCOUNT, FirstStart, OLD_PASSWORD_FILE};
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
    /// proxy that sets it), for sign-in throttling: the rightmost entry,
    /// which the proxy in front appended.
    #[arg(long, env = "SPAM_SURVEY_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// The proxies in front, comma-separated addresses or networks
    /// (10.0.0.5,192.0.2.0/24,2001:db8::/48): the client is the rightmost
    /// X-Forwarded-For entry not among them, and only a request from one of
    /// them is believed. Implies --trust-proxy.
    #[arg(long, env = "SPAM_SURVEY_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_net)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A workspace session unused this long ends (e.g. 30m, 2h).
    #[arg(long, env = "SPAM_SURVEY_SESSION_IDLE", default_value = "1h", value_parser = parse_duration)]
    pub session_idle: std::time::Duration,
    /// A workspace session ends this long after sign-in, however used (e.g. 12h, 7d).
    #[arg(long, env = "SPAM_SURVEY_SESSION_MAX", default_value = "12h", value_parser = parse_duration)]
    pub session_max: std::time::Duration,
    #[command(flatten)]
    pub dirs: Dirs,
}

/// An address (one host) or a network in CIDR notation.
fn parse_net(text: &str) -> Result<ipnet::IpNet, String> {
    let t = text.trim();
    t.parse::<ipnet::IpNet>()
        .or_else(|_| t.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{t}` is not an address or a network such as 192.0.2.0/24"))
}

/// A duration written as a number and a unit: 90s, 30m, 12h, 7d.
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{t}` is not a duration such as 30m or 12h"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("`{t}` needs a unit: s, m, h or d (30m, 12h)")),
    };
    if secs == 0 {
        return Err("a session must last at least a second".into());
    }
    Ok(std::time::Duration::from_secs(secs))
}

/// Runs `serve`.
pub fn run(a: Args) -> Result<(), String> {
    serve(&a)
}

fn serve(a: &Args) -> Result<(), String> {
    let (addr, base_url, dirs) = (&a.addr, a.base_url.clone(), &a.dirs);
    let started = std::time::Instant::now();
    let surveys = load_surveys(&dirs.surveys)?;
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        "questionnaires and member lists loaded"
    );
    let store = Store::open(&dirs.data, surveys).map_err(|e| e.to_string())?;
    let listener = TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let base_url = base_url.unwrap_or_else(|| format!("http://{local}"));
    let now = chrono::Utc::now();
    // Printed before the accounts are set up, as before accounts existed.
    let mut intro = Vec::new();
    intro.push(format!("spam-survey is listening on http://{local}"));
    intro.push(format!("data directory: {}", dirs.data.display()));
    for s in store.surveys.values() {
        let state = if s.open_at(now) {
            format!("open until {}", s.closes)
        } else {
            "closed".to_string()
        };
        intro.push(format!("  {} ({} members): {state}", s.id, s.members.len()));
    }
    let example = store
        .surveys
        .values()
        .rev()
        .find(|s| s.open_at(now))
        .or(store.surveys.values().last());
    if let Some(s) = example {
        intro.push("To invite a member, in another terminal:".to_string());
        intro.push(format!(
            "  cargo run --release -- invite --survey {} --member KR --data {}",
            s.id,
            dirs.data.display()
        ));
    }
    let given = std::env::var("SPAM_SURVEY_ADMIN_PASSWORD").ok();
    let settings = Settings {
        base_url,
        admin_password: given.clone(),
        secure_cookies: a.secure_cookies,
        trust_proxy: a.trust_proxy,
        trusted_proxies: a.trusted_proxies.clone(),
        sessions: crate::accounts::sessions::Lifetimes {
            idle: a.session_idle,
            absolute: a.session_max,
        },
    };
    for line in intro {
        println!("{line}");
    }
    let (state, first) = AppState::new(store, settings).map_err(|e| e.to_string())?;
    println!("Secretariat workspace: http://{local}/admin");
    match first {
        FirstStart::Generated(p) => {
            println!(
                "  An account `{FIRST_ACCOUNT}` (role admin) was made; its password is shown only now (only its hash is kept in {}):",
                dirs.data.display()
            );
            println!("  {p}");
            println!("  Add the others with: spam-survey user add NAME --role viewer|editor|admin");
        }
        FirstStart::FromEnvironment => println!(
            "  An account `{FIRST_ACCOUNT}` (role admin) was made with the password of SPAM_SURVEY_ADMIN_PASSWORD."
        ),
        FirstStart::Migrated => println!(
            "  The secretariat password of the earlier version is now the password of account `{FIRST_ACCOUNT}` (role admin); {OLD_PASSWORD_FILE} is removed. Choose a new one with: spam-survey user password {FIRST_ACCOUNT}"
        ),
        FirstStart::Existing => {
            if given.is_some_and(|g| !g.is_empty()) {
                println!(
                    "  SPAM_SURVEY_ADMIN_PASSWORD is ignored: accounts exist, and it sets only the first account's password. Use `spam-survey user password NAME` to change one."
                );
            }
        }
    }
    let state = actix_web::web::Data::new(state);
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let server = web::run(listener, state).map_err(|e| e.to_string())?;
        tracing::info!(seconds = started.elapsed().as_secs_f64(), "ready");
        server.await.map_err(|e| e.to_string())
    })
}
