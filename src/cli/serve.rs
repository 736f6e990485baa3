//! `spam-survey serve`: the web server.

use super::dirs::Found;
use super::{Dirs, args, load_surveys};
use crate::accounts::{FIRST_ACCOUNT, FirstStart, OLD_PASSWORD_FILE};
use crate::store::Store;
use crate::web::{self, AppState, Settings};
use std::net::TcpListener;

/// The arguments of `spam-survey serve`.
#[derive(clap::Args)]
#[command(after_help = "Environment:
  SPAM_SURVEY_ADMIN_PASSWORD  the password of the first account, `admin`, made at the first start
                              when the data directory has no account yet. When it is not set,
                              that start makes a password and prints it once. Once accounts exist
                              it is ignored (and the server says so): manage them with
                              `spam-survey user`.

A new --data folder is made (with its secret key) and the server says so; a file, or a folder
of other files, is refused.")]
pub struct Args {
    /// Address and port to listen on: HOST:PORT (127.0.0.1 is this machine
    /// only, 0.0.0.0 every network interface).
    #[arg(long, default_value = "127.0.0.1:8080", value_parser = args::addr)]
    pub addr: String,
    /// The address people use to reach the server, with https:// or
    /// http://, for the links it prints (default: http://ADDR).
    #[arg(long, env = "SPAM_SURVEY_BASE_URL", value_parser = args::base_url)]
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
    pub limits: web::limits::Limits,
    #[command(flatten)]
    pub mail: super::mail_args::MailArgs,
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
    serve(a)
}

fn serve(a: Args) -> Result<(), String> {
    let (addr, base_url, dirs) = (&a.addr, a.base_url.clone(), &a.dirs);
    let started = std::time::Instant::now();
    let surveys = load_surveys(&dirs.surveys)?;
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        "questionnaires and member lists loaded"
    );
    let mail = a.mail.settings()?;
    // Every check before anything is made: the folder, then the port.
    let found = dirs.new_or_existing_data()?;
    let listener = TcpListener::bind(addr).map_err(|e| cannot_listen(addr, &e))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let existed = dirs.data.exists();
    let store = Store::open(&dirs.data, surveys).map_err(|e| {
        // A folder made just now for nothing is taken away again.
        if !existed {
            let _ = std::fs::remove_dir_all(&dirs.data);
        }
        e.to_string()
    })?;
    if let Some(warning) = crate::store::permissions_warning(&dirs.data) {
        eprintln!("{warning}");
        tracing::warn!("the data directory can be read by other users; see the fix above");
    }
    let base_url = base_url.unwrap_or_else(|| format!("http://{local}"));
    // `invite` reads it, so that its links point at this server.
    if let Err(e) = store.announce(&base_url) {
        eprintln!("warning: the server's address could not be written for `invite`: {e}");
    }
    let now = chrono::Utc::now();
    println!("spam-survey is listening on http://{local}");
    match found {
        Found::Data => println!("data directory: {}", dirs.data.display()),
        Found::New => println!(
            "data directory: {} (new: made now, with its secret key)",
            dirs.data.display()
        ),
    }
    for s in store.surveys.values() {
        let state = if s.open_at(now) {
            format!("open until {}", s.closes)
        } else {
            "closed".to_string()
        };
        // Members and associates apart, as the overview and the report count them.
        let associates = s
            .members
            .iter()
            .filter(|m| m.status == crate::definition::MemberStatus::Associate)
            .count();
        let mut who = crate::words::count(s.members.len() - associates, "member", "members");
        if associates > 0 {
            who.push_str(&format!(
                " and {}",
                crate::words::count(associates, "associate member", "associate members")
            ));
        }
        println!("  {} ({who}): {state}", s.id);
    }
    let example = store
        .surveys
        .values()
        .rev()
        .find(|s| s.open_at(now))
        .or(store.surveys.values().last());
    if let Some(s) = example {
        println!("To invite a member, in another terminal (in this folder):");
        println!(
            "  cargo run --release -- invite --survey {} --member KR{}",
            s.id,
            flags(dirs, &base_url)
        );
    }
    let given = std::env::var("SPAM_SURVEY_ADMIN_PASSWORD").ok();
    let settings = Settings {
        base_url,
        admin_password: given.clone(),
        secure_cookies: a.secure_cookies,
        trust_proxy: a.trust_proxy,
        trusted_proxies: a.trusted_proxies.clone(),
        limits: a.limits,
        sessions: crate::accounts::sessions::Lifetimes {
            idle: a.session_idle,
            absolute: a.session_max,
        },
        mail: mail.clone(),
    };
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
    let sender = match &mail {
        Some(m) => {
            println!("Mail: {}", m.describe());
            Some(crate::mail::sender::Sender::for_dir(m.clone(), &dirs.data)?)
        }
        None => {
            println!(
                "Mail: not sent (no SPAM_SURVEY_SMTP_URL): the workspace gives ready texts and mailto: links"
            );
            None
        }
    };
    let state = actix_web::web::Data::new(state);
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        if let Some(sender) = sender {
            tokio::spawn(crate::mail::sender::run(state.mail.clone(), sender));
        }
        let server = web::run(listener, state).map_err(|e| e.to_string())?;
        tracing::info!(seconds = started.elapsed().as_secs_f64(), "ready");
        server.await.map_err(|e| e.to_string())
    })
}

/// The flags a command pasted in another terminal needs to reach this
/// server: those that differ from their defaults.
fn flags(dirs: &Dirs, base_url: &str) -> String {
    let mut out = String::new();
    if dirs.data != std::path::Path::new("data") {
        out.push_str(&format!(
            " --data {}",
            shell_word(&dirs.data.display().to_string())
        ));
    }
    if dirs.surveys != std::path::Path::new("surveys") {
        out.push_str(&format!(
            " --surveys {}",
            shell_word(&dirs.surveys.display().to_string())
        ));
    }
    if base_url != "http://127.0.0.1:8080" {
        out.push_str(&format!(" --base-url {}", shell_word(base_url)));
    }
    out
}

/// A word as a shell reads it back: quoted when it holds anything but
/// letters, digits and `-_./:@`.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Why the server cannot listen, and what to do.
fn cannot_listen(addr: &str, e: &std::io::Error) -> String {
    let port: u16 = addr
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    let other = format!("--addr 127.0.0.1:{}", port.wrapping_add(1).max(1024));
    match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "cannot listen on {addr}: the port is in use (by another spam-survey server, or another program): stop it, or choose another port, such as {other}"
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "cannot listen on {addr}: ports below 1024 need special rights; choose another, such as {other}"
        ),
        std::io::ErrorKind::AddrNotAvailable => format!(
            "cannot listen on {addr}: this machine has no such address; use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface), such as --addr 127.0.0.1:{port}"
        ),
        _ => format!("cannot listen on {addr}: {e}"),
    }
}
