//! `spam-survey invite`: issues or revokes a member's link.

use super::{Dirs, args, audit, load_surveys};
use crate::store::Store;

/// The address of a link when neither --base-url nor the server says one.
const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

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
    /// Issue a link even though the edition is closed (the link shows the
    /// member's answers and that the edition is closed; reopen the edition
    /// in the workspace for the member to answer).
    #[arg(long)]
    pub even_if_closed: bool,
    /// The address people reach the server at, with https:// or http://
    /// (default: the address the server of this data directory announced
    /// when it started, else http://127.0.0.1:8080).
    #[arg(long, env = "SPAM_SURVEY_BASE_URL", value_parser = args::base_url)]
    pub base_url: Option<String>,
    /// Send the link by e-mail (an invitation, or a reminder when the
    /// member held a link) to the secretariat's addresses of the member,
    /// through the outbox the server shares, instead of printing it.
    #[arg(long, conflicts_with = "revoke")]
    pub send: bool,
    #[command(flatten)]
    pub mail: super::mail_args::MailArgs,
    #[command(flatten)]
    pub dirs: Dirs,
}

/// Runs `invite`: every check comes before the link is touched.
pub fn run(a: Args) -> Result<(), String> {
    let surveys = load_surveys(&a.dirs.surveys)?;
    let Some(s) = surveys.iter().find(|s| s.id == a.survey) else {
        let ids: Vec<&str> = surveys.iter().map(|s| s.id.as_str()).collect();
        return Err(format!(
            "there is no edition `{}` (the editions are: {})",
            a.survey,
            ids.join(", ")
        ));
    };
    let code = a.member.to_ascii_uppercase();
    let Some(m) = s.member(&code) else {
        return Err(format!(
            "`{code}` is not a member of {}: use a two-letter code from the member list, such as KR",
            s.id
        ));
    };
    let (survey, name, code) = (s.id.clone(), m.name.clone(), m.code.clone());
    let mail = match (a.send, a.mail.settings()?) {
        (true, None) => {
            return Err("--send needs an SMTP server: set SPAM_SURVEY_SMTP_URL (or --smtp-url) and SPAM_SURVEY_MAIL_FROM. No link was issued or ended.".into());
        }
        (true, Some(m)) => Some(m),
        (false, _) => None,
    };
    let dir = a.dirs.existing_data()?;
    let store = Store::open_for_invitations(dir, surveys).map_err(|e| e.to_string())?;
    if a.revoke {
        return revoke(&store, &survey, &name, &code);
    }
    let s = store.survey(&survey).map_err(|e| e.to_string())?.clone();
    let now = chrono::Utc::now();
    let round = store.round(&s, now).map_err(|e| e.to_string())?;
    let not_yet = !round.open && round.by_hand.is_none() && now < s.opens_at();
    if !round.open && !not_yet && !a.even_if_closed {
        return Err(format!(
            "{survey} is closed, so a link would only show {name}'s answers, not let them answer: reopen it first (the workspace's \"Reopen the edition\" button), or add --even-if-closed to issue the link anyway. No link was issued or ended."
        ));
    }
    let (base_url, from) = match a.base_url {
        Some(url) => (url, None),
        None => match Store::announced(dir) {
            Some(url) => (url, Some("announced by the server of this data directory")),
            None => (DEFAULT_BASE_URL.to_string(), Some("the default")),
        },
    };
    if let Some(settings) = mail {
        return super::send::run(&store, dir, settings, &base_url, &a.dirs.surveys, &s, &code);
    }
    let token = store
        .invitations
        .issue(&survey, &code)
        .map_err(|e| e.to_string())?;
    audit(&store, "invitation issued", &survey, &code, "");
    eprintln!(
        "Invitation for {name} ({code}) to {survey}; any earlier link of theirs no longer works:"
    );
    println!("{base_url}/r/{token}");
    if let Some(from) = from {
        eprintln!("(address {base_url}: {from}; --base-url sets another)");
    }
    if not_yet {
        eprintln!(
            "Note: {survey} opens on {}; until then the link says so.",
            s.opens.format("%-d %B %Y")
        );
    } else if !round.open {
        eprintln!(
            "Note: {survey} is closed: the link shows the answers until the edition is reopened."
        );
    }
    Ok(())
}

fn revoke(store: &Store, survey: &str, name: &str, code: &str) -> Result<(), String> {
    if store
        .invitations
        .revoke(survey, code)
        .map_err(|e| e.to_string())?
    {
        audit(store, "invitation revoked", survey, code, "");
        eprintln!("The link of {name} ({code}) for {survey} is revoked.");
    } else {
        eprintln!("{name} ({code}) has no link in force for {survey}: nothing to revoke.");
    }
    Ok(())
}
