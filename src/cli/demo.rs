//! `spam-survey demo`: fills an edition with synthetic demo answers.

use super::dirs::Found;
use super::{Dirs, load_surveys};
use crate::store::{Store, StoreError};

/// The arguments of `spam-survey demo`.
#[derive(clap::Args)]
pub struct Args {
    /// The edition, such as spam-2022.
    #[arg(long)]
    pub survey: String,
    /// Seed of the random answers (the same seed gives the same answers).
    #[arg(long, default_value_t = 2022)]
    pub seed: u64,
    #[command(flatten)]
    pub dirs: Dirs,
}

/// Runs `demo`.
pub fn run(a: Args) -> Result<(), String> {
    demo(&a.survey, a.seed, &a.dirs)
}

fn demo(survey: &str, seed: u64, dirs: &Dirs) -> Result<(), String> {
    let surveys = load_surveys(&dirs.surveys)?;
    if !surveys.iter().any(|s| s.id == survey) {
        return Err(StoreError::NoSuchSurvey(survey.to_string()).to_string());
    }
    // Every check before anything is made.
    let found = dirs.new_or_existing_data()?;
    let existed = dirs.data.exists();
    crate::demo::prepare_dir(&dirs.data)?;
    let store = Store::open(&dirs.data, surveys).map_err(|e| {
        if !existed {
            let _ = std::fs::remove_dir_all(&dirs.data);
        }
        e.to_string()
    })?;
    if found == Found::New {
        eprintln!(
            "Made the data directory {} for demo data (marked {}).",
            dirs.data.display(),
            crate::demo::MARKER
        );
    }
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
        .block_on(crate::demo::fill(&store, survey, seed))
        .map_err(|e| e.to_string())?;
    eprintln!(
        "Synthetic demo answers for {survey} in {}: {} submitted, {} drafts only, {} without answers.",
        dirs.data.display(),
        summary.submitted,
        summary.drafts,
        summary.missing
    );
    eprintln!(
        "See them (on another port than a server already running): cargo run --release -- serve --data {} --addr 127.0.0.1:8081",
        dirs.data.display()
    );
    Ok(())
}
