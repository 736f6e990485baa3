//! `spam-survey report`: writes the annual report of an edition.

use super::dirs::{check_out, write_file};
use super::{Dirs, audit, load_surveys};
use crate::definition::Survey;
use crate::report::{self as reports, ReportOptions};
use crate::store::{Store, StoreError};
use std::path::PathBuf;

/// The arguments of `spam-survey report`.
#[derive(clap::Args)]
#[command(
    after_help = "The report counts the members in every figure and shows the associate members' answers apart (count_associates = true in the definition counts them in). The analysts' commentary, if any, is read from <edition>.commentary.md beside the definition; see surveys/FORMAT.md."
)]
pub struct Args {
    /// The edition, such as spam-2022.
    #[arg(long)]
    pub survey: String,
    /// The language of the texts (questions, options, titles), one of the
    /// edition's `languages` (default: its first). Codes stay codes.
    #[arg(long)]
    pub lang: Option<String>,
    /// The edition to set beside it (default: the previous one, if any).
    #[arg(long)]
    pub compare: Option<String>,
    /// Do not compare with any edition.
    #[arg(long, conflicts_with = "compare")]
    pub no_compare: bool,
    /// Where to write, in a folder that exists (default: reports/ID.html,
    /// or reports/demo-ID.html from demo data; reports/ is made).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Put the time of generation in the report (then two runs differ).
    #[arg(long)]
    pub stamp: bool,
    /// auto, full or summary: `full` lists every respondent, `summary`
    /// gives distributions, counts and a sample of the texts instead;
    /// `auto` lists up to 200 respondents and summarises above.
    #[arg(long, default_value = "auto")]
    pub detail: reports::Detail,
    #[command(flatten)]
    pub dirs: Dirs,
}

/// Runs `report`.
pub fn run(a: Args) -> Result<(), String> {
    report(
        &a.survey,
        a.compare,
        a.no_compare,
        a.out,
        a.stamp,
        a.detail,
        &a.dirs,
        a.lang.as_deref(),
    )
}

// One argument per flag, as `run` reads them.
#[allow(clippy::too_many_arguments)]
fn report(
    survey: &str,
    compare: Option<String>,
    no_compare: bool,
    out: Option<PathBuf>,
    stamp: bool,
    detail: reports::Detail,
    dirs: &Dirs,
    lang: Option<&str>,
) -> Result<(), String> {
    let surveys = crate::definition::in_language(load_surveys(&dirs.surveys)?, survey, lang)?;
    let Some(this) = surveys.iter().find(|s| s.id == survey) else {
        return Err(StoreError::NoSuchSurvey(survey.to_string()).to_string());
    };
    if let Some(c) = compare.as_deref().filter(|_| !no_compare) {
        earlier(&surveys, this, c)?;
    }
    // The default folder is made; a folder the user names must exist.
    let default_out = out.is_none();
    if let Some(out) = &out {
        check_out(out)?;
    }
    let dir = dirs.existing_data()?;
    // A report of demo data never takes the place of the real one.
    let name = if crate::demo::is_demo(dir) {
        format!("demo-{survey}.html")
    } else {
        format!("{survey}.html")
    };
    let out = out.unwrap_or_else(|| PathBuf::from("reports").join(name));
    let store = Store::open_read_only(dir, surveys).map_err(|e| e.to_string())?;
    let compare = match (compare, no_compare) {
        (_, true) => None,
        (Some(c), false) => Some(c),
        (None, false) => reports::default_compare(&store, survey),
    };
    let options = ReportOptions {
        generated: stamp.then(chrono::Utc::now),
        progress: true,
        detail,
    };
    let html =
        reports::build(&store, survey, compare.as_deref(), &options).map_err(|e| e.to_string())?;
    if default_out && let Some(folder) = out.parent() {
        std::fs::create_dir_all(folder)
            .map_err(|e| format!("cannot make the folder {}: {e}", folder.display()))?;
    }
    write_file(&out, |w| {
        std::io::Write::write_all(w, html.as_bytes()).map_err(|e| e.to_string())
    })?;
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

/// `--compare` names an edition before this one: the report sets last
/// year beside this year, never this year beside itself or a later one.
fn earlier(surveys: &[Survey], this: &Survey, compare: &str) -> Result<(), String> {
    let ids = || {
        let before: Vec<&str> = surveys
            .iter()
            .filter(|s| (s.year, s.opens) < (this.year, this.opens))
            .map(|s| s.id.as_str())
            .collect();
        if before.is_empty() {
            format!("{} has no earlier edition: use --no-compare", this.id)
        } else {
            format!("the earlier editions are: {}", before.join(", "))
        }
    };
    let Some(c) = surveys.iter().find(|s| s.id == compare) else {
        return Err(format!(
            "--compare {compare}: there is no edition `{compare}` ({})",
            ids()
        ));
    };
    if c.id == this.id {
        return Err(format!(
            "--compare {compare} is the edition of the report itself: compare with an earlier edition ({})",
            ids()
        ));
    }
    if (c.year, c.opens) >= (this.year, this.opens) {
        return Err(format!(
            "--compare {compare} ({}) is not earlier than {} ({}): a report compares with an earlier edition ({})",
            c.year,
            this.id,
            this.year,
            ids()
        ));
    }
    Ok(())
}
