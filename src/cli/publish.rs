//! `spam-survey publish`: publishes a closed edition for the public (a new
//! version, built once), or withdraws it with `--withdraw`.

use super::{Dirs, load_surveys};
use crate::publish;
use crate::store::{Store, StoreError};

/// The arguments of `spam-survey publish`.
#[derive(clap::Args)]
pub struct Args {
    /// The edition, such as spam-2022 (it must be closed).
    #[arg(long)]
    pub survey: String,
    /// Withdraw the published edition instead: the public no longer gets it.
    #[arg(long)]
    pub withdraw: bool,
    #[command(flatten)]
    pub dirs: Dirs,
}

/// The data directory's store, once the edition is known to exist (as
/// `publish` and `close` both need it); a message otherwise.
pub(super) fn store_for(survey: &str, dirs: &Dirs) -> Result<Store, String> {
    let surveys = load_surveys(&dirs.surveys)?;
    if !surveys.iter().any(|s| s.id == survey) {
        return Err(StoreError::NoSuchSurvey(survey.to_string()).to_string());
    }
    let dir = dirs.existing_data()?;
    Store::open_read_only(dir, surveys).map_err(|e| e.to_string())
}

/// Runs `publish`.
pub fn run(a: Args) -> Result<(), String> {
    let store = store_for(&a.survey, &a.dirs)?;
    if a.withdraw {
        let version =
            publish::withdraw(&store, &a.survey, "command line", "").map_err(|e| e.to_string())?;
        eprintln!(
            "{} (version {version}) is withdrawn: the public pages no longer offer it.",
            a.survey
        );
        return Ok(());
    }
    let version =
        publish::publish(&store, &a.survey, "command line", "").map_err(|e| e.to_string())?;
    let manifest = publish::manifest(&store, &a.survey, version).map_err(|e| e.to_string())?;
    eprintln!(
        "{} is published as version {version} ({} respondents), in {}:",
        a.survey,
        manifest.respondents,
        publish::version_dir(&store, &a.survey, version).display()
    );
    for f in &manifest.files {
        println!("{}  {}", f.sha256, f.name);
    }
    Ok(())
}
