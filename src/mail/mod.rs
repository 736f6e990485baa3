//! Mail to the members, no HTTP: the secretariat's addresses of each
//! member (`addresses`), the templates (`templates`) and their words for
//! one member (`compose`), whole messages (`message`), the durable outbox
//! (`outbox`), the SMTP URL (`smtp`) and the sender that delivers the
//! outbox with retries, backoff and a rate limit (`sender`).

pub mod addresses;
pub mod compose;
pub mod message;
pub mod outbox;
pub mod sender;
pub mod smtp;
pub mod templates;

pub use addresses::{Addresses, Held, Source};
pub use outbox::{Ledger, Message, Outbox, State};
pub use sender::Settings;
pub use templates::Kind;

use crate::definition::{Member, Survey};
use crate::store::{Store, StoreError};
use std::path::Path;
use std::sync::Arc;

/// The mail of a data directory: addresses, outbox, and how to send.
pub struct Mail {
    pub addresses: Addresses,
    pub outbox: Outbox,
    /// None: no SMTP server configured; the workspace gives ready texts.
    pub settings: Option<Settings>,
    /// Woken when a message is queued, so the sender starts at once.
    pub wake: Arc<tokio::sync::Notify>,
}

/// Why a message was not queued.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("no SMTP server is configured (SPAM_SURVEY_SMTP_URL): nothing is sent")]
    NotConfigured,
    #[error(
        "{0} has no address: set one in the workspace's mail page, or in the member list's email column"
    )]
    NoAddress(String),
    #[error("{0}")]
    Template(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// What queuing one message did.
#[derive(Debug)]
pub struct Queued {
    pub id: String,
    pub kind: Kind,
    pub to: Vec<String>,
}

impl Mail {
    /// The mail of a data directory (its journals are made when first written).
    pub fn open(dir: &Path, settings: Option<Settings>) -> Mail {
        Mail {
            addresses: Addresses::open(dir),
            outbox: Outbox::open(dir),
            settings,
            wake: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// Whether messages can be sent.
    pub fn configured(&self) -> bool {
        self.settings.is_some()
    }

    /// Issues the member a new link (ending any earlier one) and queues the
    /// invitation, or the reminder when `reminder` and the member held a
    /// link; `progress` is where the member stands (the reminder says it).
    /// Every check comes before the link is touched.
    #[allow(clippy::too_many_arguments)]
    pub fn send_link(
        &self,
        store: &Store,
        base_url: &str,
        survey: &Survey,
        member: &Member,
        reminder: bool,
        progress: crate::round::Progress,
        by: (&str, &str),
    ) -> Result<Queued, MailError> {
        let settings = self.settings.as_ref().ok_or(MailError::NotConfigured)?;
        let held = self.addresses.of(member)?;
        if held.addresses.is_empty() {
            return Err(MailError::NoAddress(format!(
                "{} ({})",
                member.name, member.code
            )));
        }
        let earlier = store.invitations.is_invited(&survey.id, &member.code)?;
        let kind = if reminder && earlier {
            Kind::Reminder
        } else {
            Kind::Invitation
        };
        let template = templates::load(survey, kind).map_err(MailError::Template)?;
        let token = store.invitations.issue(&survey.id, &member.code)?;
        let action = match kind {
            Kind::Reminder => "invitation issued for a reminder",
            _ => "invitation issued",
        };
        let ctx = compose::Context {
            link: format!("{}/r/{token}", base_url.trim_end_matches('/')),
            earlier,
            progress: Some(progress),
            answers: None,
        };
        let (subject, body) = compose::render(&template, survey, member, &ctx);
        let built = message::build(
            &settings.from,
            &member.name,
            &held.addresses,
            &subject,
            &body,
        )
        .map_err(MailError::Template)?;
        let hash = crate::store::token_hash(&token);
        self.queue(
            store,
            (survey, member, kind),
            &hash,
            built,
            (by.0, by.1, action),
        )
    }

    /// Queues the thank-you for a submission, with the answers in words,
    /// to the secretariat's addresses of the member (none: nothing is sent).
    pub fn thank(
        &self,
        store: &Store,
        survey: &Survey,
        member: &Member,
        revision: &crate::store::Revision,
    ) -> Result<Option<Queued>, MailError> {
        let Some(settings) = self.settings.as_ref() else {
            return Ok(None);
        };
        let held = self.addresses.of(member)?;
        if held.addresses.is_empty() {
            return Ok(None);
        }
        let ctx = compose::Context {
            answers: Some((&revision.cells, revision.time)),
            ..Default::default()
        };
        let (subject, body) =
            compose::compose(survey, member, Kind::ThankYou, &ctx).map_err(MailError::Template)?;
        let built = message::build(
            &settings.from,
            &member.name,
            &held.addresses,
            &subject,
            &body,
        )
        .map_err(MailError::Template)?;
        let by = ("member", "", "mail queued");
        self.queue(store, (survey, member, Kind::ThankYou), "", built, by)
            .map(Some)
    }

    /// Queues the message and writes its one audit line (`action`): for a
    /// link, the link's issue and its message together.
    fn queue(
        &self,
        store: &Store,
        (survey, member, kind): (&Survey, &Member, Kind),
        link_hash: &str,
        built: message::Built,
        (account, ip, action): (&str, &str, &str),
    ) -> Result<Queued, MailError> {
        self.outbox
            .queue(&survey.id, &member.code, kind, link_hash, &built)?;
        store.audit(
            account,
            ip,
            action,
            &survey.id,
            &member.code,
            &format!(
                "by e-mail: {} <{}> to {}",
                kind.name(),
                built.id,
                built.to.join("; ")
            ),
        )?;
        self.wake.notify_one();
        Ok(Queued {
            id: built.id,
            kind,
            to: built.to,
        })
    }
}
