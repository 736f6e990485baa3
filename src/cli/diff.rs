//! `spam-survey diff`: what changed from one edition to another, by question.

use crate::continuity::{diff, match_editions};
use std::path::PathBuf;

/// The arguments of `spam-survey diff`.
#[derive(clap::Args)]
pub struct Args {
    /// The earlier edition, e.g. spam-2021.
    pub before: String,
    /// The later edition, e.g. spam-2022.
    pub after: String,
    /// The folder of questionnaire definitions.
    #[arg(long, env = "SPAM_SURVEY_SURVEYS", default_value = "surveys")]
    pub surveys: PathBuf,
}

/// Runs `diff`: one line per difference, `<question> <what> <detail>`.
pub fn run(a: Args) -> Result<(), String> {
    let surveys = super::load_surveys(&a.surveys)?;
    let find = |id: &str| {
        surveys
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| format!("there is no edition {id} in {}", a.surveys.display()))
    };
    let (before, after) = (find(&a.before)?, find(&a.after)?);
    let m = match_editions(before, after);
    let differences = diff::differences(&m);
    println!(
        "{} → {}: {} added, {} removed, {} renamed, {} questions in both",
        before.id,
        after.id,
        differences.iter().filter(|d| d.what == "added").count(),
        differences.iter().filter(|d| d.what == "removed").count(),
        m.pairs.iter().filter(|p| p.renamed).count(),
        m.pairs.len()
    );
    for d in &differences {
        println!("{:<6} {:<8} {}", d.question, d.what, d.detail);
    }
    Ok(())
}
