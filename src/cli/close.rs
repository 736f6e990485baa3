//! `spam-survey close`: closes an edition now, as the workspace's "Close
//! the edition now" does (the same call, the same audit line).

use super::Dirs;

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
    let store = super::publish::store_for(&a.survey, &a.dirs)?;
    crate::publish::close(&store, &a.survey, "command line", "").map_err(|e| e.to_string())?;
    eprintln!(
        "{} is closed: no answer is accepted until it is reopened in the workspace.",
        a.survey
    );
    Ok(())
}
