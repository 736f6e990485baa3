//! `spam-survey invite`: issues or revokes a member's link.

use super::{Dirs, load_surveys};
use crate::store::Store;

/// The arguments of `spam-survey invite`.
#[derive(clap::Args)]
pub struct Args {
    /// The edition, such as spam-2022.
    #[arg(long)]
    pub survey: String,
    /// The member's two-letter code, such as KR.
    #[arg(long)]
    pub member: String,
    /// Revoke the member's link instead of issuing one.
    #[arg(long)]
    pub revoke: bool,
    /// The address people reach the server at.
    #[arg(
        long,
        env = "SPAM_SURVEY_BASE_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub base_url: String,
    #[command(flatten)]
    pub dirs: Dirs,
}

/// Runs `invite`.
pub fn run(a: Args) -> Result<(), String> {
    invite(&a.survey, &a.member, a.revoke, &a.base_url, &a.dirs)
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
