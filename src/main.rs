//! The `spam-survey` command: parses the command line and calls the library.

use clap::{Parser, Subcommand};
use spam_survey::definition;
use spam_survey::export::{self as exports, ExportKind, ExportOptions};
use spam_survey::report::{self as reports, ReportOptions};
use spam_survey::store::Store;
use spam_survey::web::{self, AppState, Settings};
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
        /// Mark cookies Secure: set this when people reach the server over
        /// HTTPS (a TLS proxy in front of it).
        #[arg(long, env = "SPAM_SURVEY_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Take the client's address from X-Forwarded-For (only behind a
        /// proxy that sets it), for sign-in throttling.
        #[arg(long, env = "SPAM_SURVEY_TRUST_PROXY")]
        trust_proxy: bool,
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
    /// Write a CSV download of an edition (safe for spreadsheets unless --raw).
    Export {
        /// The edition, such as spam-2022.
        #[arg(long)]
        survey: String,
        /// Which file: responses (latest submitted, one row per member),
        /// revisions (every save), long (one row per answer cell), codebook.
        #[arg(long, default_value = "responses", value_parser = ["responses", "revisions", "long", "codebook"])]
        kind: String,
        /// Where to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Option labels instead of codes.
        #[arg(long)]
        labels: bool,
        /// Exact values: do not neutralise cells that a spreadsheet would run as formulas.
        #[arg(long)]
        raw: bool,
        /// Start with a UTF-8 byte-order mark (for Excel).
        #[arg(long)]
        bom: bool,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Write the annual report of an edition as one HTML file.
    Report {
        /// The edition, such as spam-2022.
        #[arg(long)]
        survey: String,
        /// The edition to set beside it (default: the previous one, if any).
        #[arg(long)]
        compare: Option<String>,
        /// Do not compare with any edition.
        #[arg(long, conflicts_with = "compare")]
        no_compare: bool,
        /// Where to write (default: reports/ID.html).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Put the time of generation in the report (then two runs differ).
        #[arg(long)]
        stamp: bool,
        /// auto, full or summary: `full` lists every respondent, `summary`
        /// gives distributions, counts and a sample of the texts instead;
        /// `auto` lists up to 200 respondents and summarises above.
        #[arg(long, default_value = "auto")]
        detail: reports::Detail,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Fill an edition with synthetic, clearly marked demo answers.
    Demo {
        /// The edition, such as spam-2022.
        #[arg(long)]
        survey: String,
        /// Seed of the random answers (the same seed gives the same answers).
        #[arg(long, default_value_t = 2022)]
        seed: u64,
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
            secure_cookies,
            trust_proxy,
            dirs,
        } => serve(&addr, base_url, secure_cookies, trust_proxy, &dirs),
        Command::Check { files } => check(&files),
        Command::Invite {
            survey,
            member,
            revoke,
            base_url,
            dirs,
        } => invite(&survey, &member, revoke, &base_url, &dirs),
        Command::Export {
            survey,
            kind,
            out,
            labels,
            raw,
            bom,
            dirs,
        } => export(
            &survey,
            &kind,
            out.as_deref(),
            ExportOptions { labels, raw, bom },
            &dirs,
        ),
        Command::Report {
            survey,
            compare,
            no_compare,
            out,
            stamp,
            detail,
            dirs,
        } => report(&survey, compare, no_compare, out, stamp, detail, &dirs),
        Command::Demo { survey, seed, dirs } => demo(&survey, seed, &dirs),
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

fn serve(
    addr: &str,
    base_url: Option<String>,
    secure_cookies: bool,
    trust_proxy: bool,
    dirs: &Dirs,
) -> Result<(), String> {
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
    // What only the whole folder can tell: each `previous` names an earlier edition there.
    let mut folders: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        if let Err(errors) = definition::load_dir(folder) {
            for e in &errors {
                eprintln!("{e}");
            }
            return Err(format!(
                "the editions in {} do not fit together",
                folder.display()
            ));
        }
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

fn export(
    survey: &str,
    kind: &str,
    out: Option<&Path>,
    options: ExportOptions,
    dirs: &Dirs,
) -> Result<(), String> {
    // clap has already checked that the name is one of these.
    let kind = ExportKind::from_name(kind).unwrap_or(ExportKind::Responses);
    let surveys = load_surveys(&dirs.surveys)?;
    let store = Store::open_read_only(&dirs.data, surveys).map_err(|e| e.to_string())?;
    store.survey(survey).map_err(|e| e.to_string())?;
    match out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            let rows =
                exports::write(&store, survey, kind, options, &mut w).map_err(|e| e.to_string())?;
            std::io::Write::flush(&mut w)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!("{rows} row(s) written to {}", path.display());
            audit(&store, "export", survey, "", &path.display().to_string());
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            exports::write(&store, survey, kind, options, &mut w).map_err(|e| e.to_string())?;
            std::io::Write::flush(&mut w).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn report(
    survey: &str,
    compare: Option<String>,
    no_compare: bool,
    out: Option<PathBuf>,
    stamp: bool,
    detail: reports::Detail,
    dirs: &Dirs,
) -> Result<(), String> {
    let surveys = load_surveys(&dirs.surveys)?;
    let store = Store::open_read_only(&dirs.data, surveys).map_err(|e| e.to_string())?;
    store.survey(survey).map_err(|e| e.to_string())?;
    let compare = match (compare, no_compare) {
        (_, true) => None,
        (Some(c), false) => {
            store.survey(&c).map_err(|e| e.to_string())?;
            Some(c)
        }
        (None, false) => reports::default_compare(&store, survey),
    };
    let options = ReportOptions {
        generated: stamp.then(chrono::Utc::now),
        progress: true,
        detail,
    };
    let html =
        reports::build(&store, survey, compare.as_deref(), &options).map_err(|e| e.to_string())?;
    let out = out.unwrap_or_else(|| PathBuf::from("reports").join(format!("{survey}.html")));
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(&out, html).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    audit(
        &store,
        "report generated",
        survey,
        "",
        &out.display().to_string(),
    );
    match compare {
        Some(c) => eprintln!(
            "The report of {survey}, beside {c}, is in {}",
            out.display()
        ),
        None => eprintln!("The report of {survey} is in {}", out.display()),
    }
    Ok(())
}

fn demo(survey: &str, seed: u64, dirs: &Dirs) -> Result<(), String> {
    let surveys = load_surveys(&dirs.surveys)?;
    spam_survey::demo::prepare_dir(&dirs.data)?;
    let store = Store::open(&dirs.data, surveys).map_err(|e| e.to_string())?;
    store.survey(survey).map_err(|e| e.to_string())?;
    if !store
        .with_index(survey, |index| index.is_empty())
        .map_err(|e| e.to_string())?
    {
        return Err(format!(
            "{survey} already has answers in {}: demo data is made once per edition (delete the folder {} to make it again)",
            dirs.data.display(),
            dirs.data.join(survey).display()
        ));
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let summary = runtime
        .block_on(spam_survey::demo::fill(&store, survey, seed))
        .map_err(|e| e.to_string())?;
    eprintln!(
        "Synthetic demo answers for {survey} in {}: {} submitted, {} drafts only, {} without answers.",
        dirs.data.display(),
        summary.submitted,
        summary.drafts,
        summary.missing
    );
    eprintln!(
        "See them: cargo run --release -- serve --data {}",
        dirs.data.display()
    );
    Ok(())
}

/// Records a command's action in the audit log; a data directory that does
/// not exist yet (a report of no answers) has no log to write to.
fn audit(store: &Store, action: &str, survey: &str, member: &str, detail: &str) {
    if !store.dir.is_dir() {
        return;
    }
    if let Err(e) = store.audit("command line", "", action, survey, member, detail) {
        eprintln!("warning: the audit log could not be written: {e}");
    }
}
