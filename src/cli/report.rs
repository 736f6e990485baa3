//! `spam-survey report`: writes the annual report of an edition.

use super::{Dirs, audit, load_surveys};
use crate::report::{self as reports, ReportOptions};
use crate::store::Store;
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
    /// The edition to set beside it (default: the previous one, if any).
    #[arg(long)]
    pub compare: Option<String>,
    /// Do not compare with any edition.
    #[arg(long, conflicts_with = "compare")]
    pub no_compare: bool,
    /// Where to write (default: reports/ID.html).
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
    )
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
