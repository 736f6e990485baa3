//! `spam-survey close`: closes an edition now, as the workspace's "Close
//! the edition now" does (the same call, the same audit line).

use super::{Dirs, load_surveys};
use crate::store::{Store, StoreError};

/// The arguments of `spam-survey close`.
#[derive(clap::Args)]
pub struct Args {
    /// The edition, such as spam-2022.
    #[arg(long)]
    pub survey: String,
    #[command(flatten)]
    pub dirs: Dirs,
}

/// Runs `close`.
pub fn run(a: Args) -> Result<(), String> {
    let surveys = load_surveys(&a.dirs.surveys)?;
    if !surveys.iter().any(|s| s.id == a.survey) {
        return Err(StoreError::NoSuchSurvey(a.survey.clone()).to_string());
    }
    let dir = a.dirs.existing_data()?;
    let store = Store::open_read_only(dir, surveys).map_err(|e| e.to_string())?;
    crate::publish::close(&store, &a.survey, "command line", "").map_err(|e| e.to_string())?;
    eprintln!(
        "{} is closed: no answer is accepted until it is reopened in the workspace.",
        a.survey
    );
    Ok(())
}
