//! `spam-survey invite --send`: one member's link by e-mail, queued in the
//! outbox the server shares and delivered from here at once (under the
//! outbox's lock, so a server beside it never sends the same message).

use crate::definition::Survey;
use crate::mail::sender::{Pass, Sender};
use crate::mail::{Mail, MailError, Settings, State};
use crate::store::Store;
use std::path::Path;

/// Queues and delivers the member's invitation or reminder.
pub fn run(
    store: &Store,
    dir: &Path,
    settings: Settings,
    base_url: &str,
    surveys_dir: &Path,
    survey: &Survey,
    code: &str,
) -> Result<(), String> {
    let member = survey
        .member(code)
        .ok_or_else(|| format!("`{code}` is not a member of {}", survey.id))?;
    let mail = Mail::open(dir, Some(settings.clone()));
    let mut sender = Sender::for_dir(settings, dir)?;
    let progress = progress_of(dir, surveys_dir, survey, code)?;
    let queued = match mail.send_link(
        store,
        base_url,
        survey,
        member,
        true,
        progress,
        ("command line", ""),
    ) {
        Ok(q) => q,
        Err(e @ MailError::NoAddress(_)) => {
            return Err(format!(
                "{e} (spam-survey serve, /admin/s/{}/mail). No link was issued or ended.",
                survey.id
            ));
        }
        Err(e) => return Err(e.to_string()),
    };
    eprintln!(
        "The {} for {} ({}) to {} is queued (Message-ID <{}>); any earlier link of theirs no longer works.",
        queued.kind.words(),
        member.name,
        member.code,
        queued.to.join(", "),
        queued.id
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let pass = runtime.block_on(sender.pass(&mail.outbox, Some(&queued.id)))?;
    if pass == Pass::Busy {
        eprintln!(
            "The server beside this command is delivering its outbox: it sends this message next."
        );
        return Ok(());
    }
    let ledger = mail.outbox.ledger().map_err(|e| e.to_string())?;
    let Some(m) = ledger.get(&queued.id) else {
        return Err("the message is not in the outbox after queuing it".into());
    };
    match m.state {
        State::Sent => {
            eprintln!("Sent: the mail server answered {}", m.reply);
            Ok(())
        }
        State::Queued => {
            eprintln!(
                "Not sent yet ({}): it stays in the outbox, and the server (spam-survey serve with the same SMTP settings) retries it.",
                m.reply
            );
            Ok(())
        }
        _ => Err(format!("the message was not sent: {}", m.reply)),
    }
}

/// Where the member stands, read beside a running server (its answers are
/// in the responses file the command only reads).
fn progress_of(
    dir: &Path,
    surveys_dir: &Path,
    survey: &Survey,
    code: &str,
) -> Result<crate::round::Progress, String> {
    let surveys = super::load_surveys(surveys_dir)?;
    let read = Store::open_read_only(dir, surveys).map_err(|e| e.to_string())?;
    let saves = read.saves(&survey.id, code).map_err(|e| e.to_string())?;
    let invited = read
        .invitations
        .is_invited(&survey.id, code)
        .map_err(|e| e.to_string())?;
    Ok(crate::round::progress(&saves, invited))
}
