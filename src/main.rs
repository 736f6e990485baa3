//! The `spam-survey` command: parses the command line and calls the library.

use clap::{Parser, Subcommand};
use spam_survey::definition;
use spam_survey::store::Store;
use spam_survey::web::{self, AppState};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "spam-survey",
    version,
    about = "The APT's yearly survey of its members on spam"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Dirs {
    /// The data directory: responses, invitations, keys.
    #[arg(long, env = "SPAM_SURVEY_DATA", default_value = "data")]
    data: PathBuf,
    /// The folder of questionnaire definitions (*.toml) and the member list.
    #[arg(long, env = "SPAM_SURVEY_SURVEYS", default_value = "surveys")]
    surveys: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// The address people use to reach the server, for the links it
        /// prints (default: http://ADDR).
        #[arg(long, env = "SPAM_SURVEY_BASE_URL")]
        base_url: Option<String>,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Check questionnaire definitions; exits non-zero on any error.
    Check {
        /// Definition files (default: every *.toml in surveys/).
        files: Vec<PathBuf>,
    },
    /// Print a member's invitation link (a new one, ending any earlier one),
    /// or revoke it. A running server honours the change at once.
    Invite {
        /// The edition, such as spam-2022.
        #[arg(long)]
        survey: String,
        /// The member's two-letter code, such as KR.
        #[arg(long)]
        member: String,
        /// Revoke the member's link instead of issuing one.
        #[arg(long)]
        revoke: bool,
        /// The address people reach the server at.
        #[arg(
            long,
            env = "SPAM_SURVEY_BASE_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        base_url: String,
        #[command(flatten)]
        dirs: Dirs,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve {
            addr,
            base_url,
            dirs,
        } => serve(&addr, base_url, &dirs),
        Command::Check { files } => check(&files),
        Command::Invite {
            survey,
            member,
            revoke,
            base_url,
            dirs,
        } => invite(&survey, &member, revoke, &base_url, &dirs),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn load_surveys(dir: &Path) -> Result<Vec<definition::Survey>, String> {
    definition::load_dir(dir).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!(
            "the questionnaire definitions are broken:\n{}",
            lines.join("\n")
        )
    })
}

fn serve(addr: &str, base_url: Option<String>, dirs: &Dirs) -> Result<(), String> {
    let surveys = load_surveys(&dirs.surveys)?;
    let store = Store::open(&dirs.data, surveys).map_err(|e| e.to_string())?;
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
    let state = actix_web::web::Data::new(AppState { store, base_url });
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let server = web::run(listener, state).map_err(|e| e.to_string())?;
        server.await.map_err(|e| e.to_string())
    })
}

fn check(files: &[PathBuf]) -> Result<(), String> {
    let files: Vec<PathBuf> = if files.is_empty() {
        let mut found: Vec<PathBuf> = std::fs::read_dir("surveys")
            .map_err(|e| format!("cannot read surveys/: {e}"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        found.sort();
        found
    } else {
        files.to_vec()
    };
    let mut failed = 0;
    for f in &files {
        match definition::load_file(f) {
            Ok(s) => println!(
                "{}: ok ({}, {} questions, {} answer columns, {} members)",
                f.display(),
                s.id,
                s.questions().count(),
                s.columns().len(),
                s.members.len()
            ),
            Err(errors) => {
                failed += 1;
                for e in errors {
                    eprintln!("{e}");
                }
            }
        }
    }
    if failed > 0 {
        return Err(format!(
            "{failed} of {} definition(s) have errors",
            files.len()
        ));
    }
    Ok(())
}

fn invite(
    survey: &str,
    member: &str,
    revoke: bool,
    base_url: &str,
    dirs: &Dirs,
) -> Result<(), String> {
    let surveys = load_surveys(&dirs.surveys)?;
    let store = Store::open_for_invitations(&dirs.data, surveys).map_err(|e| e.to_string())?;
    let s = store.survey(survey).map_err(|e| {
        format!(
            "{e} (the editions are: {})",
            store.surveys.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    })?;
    let member = member.to_ascii_uppercase();
    let m = s.member(&member).ok_or_else(|| format!("`{member}` is not a member of {survey}: use a two-letter code from the member list, such as KR"))?;
    if revoke {
        if store
            .invitations
            .revoke(survey, &m.code)
            .map_err(|e| e.to_string())?
        {
            eprintln!(
                "The link of {} ({}) for {survey} is revoked.",
                m.name, m.code
            );
        } else {
            eprintln!(
                "{} ({}) has no link in force for {survey}: nothing to revoke.",
                m.name, m.code
            );
        }
        return Ok(());
    }
    let token = store
        .invitations
        .issue(survey, &m.code)
        .map_err(|e| e.to_string())?;
    eprintln!(
        "Invitation for {} ({}) to {survey}; any earlier link of theirs no longer works:",
        m.name, m.code
    );
    println!("{}/r/{token}", base_url.trim_end_matches('/'));
    Ok(())
}
