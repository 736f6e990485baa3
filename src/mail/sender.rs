//! The sender: delivers the outbox through SMTP, one message at a time at
//! most `per_minute`, under the outbox's lock (no two processes deliver at
//! once). Each attempt is on disk before the server is spoken to, so a
//! sender stopped mid-message leaves an attempt with no outcome, which the
//! next one marks unknown instead of sending again.

use super::outbox::{Message, Outbox, State};
use super::smtp::SmtpUrl;
use chrono::Utc;
use lettre::AsyncTransport;
use lettre::message::Mailbox;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How the server sends.
#[derive(Debug, Clone)]
pub struct Settings {
    pub url: SmtpUrl,
    pub from: Mailbox,
    /// At most this many messages a minute.
    pub per_minute: u32,
    /// The wait before the first retry; it doubles with each one, up to an hour.
    pub retry_after: Duration,
    /// Attempts before a message is given up as failed.
    pub attempts: u32,
}

impl Settings {
    /// How mail goes out, in words that may be shown (the password hidden).
    pub fn describe(&self) -> String {
        format!(
            "sent through {} ({}) from {}, at most {} a minute",
            self.url.redacted(),
            self.url.security_words(),
            self.from,
            self.per_minute
        )
    }

    fn backoff(&self, attempts: u32) -> Duration {
        let factor = 1u32 << attempts.saturating_sub(1).min(12);
        (self.retry_after * factor).min(Duration::from_secs(3600))
    }

    fn interval(&self) -> Duration {
        Duration::from_secs(60) / self.per_minute.max(1)
    }
}

/// Whether a queued message's link is still the member's (a newer link
/// issued since would make it a dead link).
pub type StillCurrent = Arc<dyn Fn(&Message) -> bool + Send + Sync>;

/// What one pass over the outbox did.
#[derive(Debug, PartialEq, Eq)]
pub enum Pass {
    /// Another process holds the right to deliver.
    Busy,
    /// Delivered what was due; the next retry falls then, if any.
    Done { next: Option<chrono::DateTime<Utc>> },
}

/// Delivers the outbox; keeps the time of the last message for the rate limit.
pub struct Sender {
    settings: Settings,
    transport: lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    still_current: StillCurrent,
    last: Option<Instant>,
}

impl Sender {
    pub fn new(settings: Settings, still_current: StillCurrent) -> Result<Sender, String> {
        let transport = settings.url.transport(Duration::from_secs(30))?;
        Ok(Sender {
            settings,
            transport,
            still_current,
            last: None,
        })
    }

    /// A sender whose links are checked against the invitations of `dir`.
    pub fn for_dir(settings: Settings, dir: &std::path::Path) -> Result<Sender, String> {
        let invitations = crate::store::Invitations::open(dir, false).map_err(|e| e.to_string())?;
        let still_current: StillCurrent = Arc::new(move |m: &Message| {
            invitations
                .is_current(&m.survey, &m.member, &m.link)
                .unwrap_or(false)
        });
        Sender::new(settings, still_current)
    }

    /// Sends what is due (only the message `only`, when given).
    pub async fn pass(&mut self, outbox: &Outbox, only: Option<&str>) -> Result<Pass, String> {
        let Some(_lock) = outbox.try_lock().map_err(|e| e.to_string())? else {
            return Ok(Pass::Busy);
        };
        let ledger = outbox.ledger().map_err(|e| e.to_string())?;
        // Under the lock, an attempt with no outcome is a sender that
        // stopped mid-message: it may have arrived. A person decides.
        for m in ledger.messages.iter().filter(|m| m.state == State::Sending) {
            outbox
                .record(m, "unknown", None, "the sender stopped during this attempt")
                .map_err(|e| e.to_string())?;
            tracing::warn!(id = %m.id, member = %m.member, "a message's outcome is unknown");
        }
        let now = Utc::now();
        let mut next = None;
        for m in ledger.messages.iter().filter(|m| m.state == State::Queued) {
            if only.is_some_and(|id| id != m.id) {
                continue;
            }
            if m.next > now {
                next = Some(next.map_or(m.next, |n: chrono::DateTime<Utc>| n.min(m.next)));
                continue;
            }
            self.deliver(outbox, m).await?;
        }
        Ok(Pass::Done { next })
    }

    async fn deliver(&mut self, outbox: &Outbox, m: &Message) -> Result<(), String> {
        let record = |event: &str, at, detail: &str| {
            outbox
                .record(m, event, at, detail)
                .map_err(|e| format!("the outbox could not be written: {e}"))
        };
        if !m.link.is_empty() && !(self.still_current)(m) {
            return record(
                "failed",
                None,
                "a newer link was issued, or the link revoked, since this message was queued: send it anew",
            );
        }
        let Some(bytes) = m.bytes() else {
            return record("failed", None, "the outbox holds no bytes for this message");
        };
        let to: Result<Vec<lettre::Address>, _> = m.to.split(';').map(str::parse).collect();
        let envelope = to.map_err(|e| e.to_string()).and_then(|to| {
            lettre::address::Envelope::new(Some(self.settings.from.email.clone()), to)
                .map_err(|e| e.to_string())
        });
        let envelope = match envelope {
            Ok(e) => e,
            Err(e) => return record("failed", None, &format!("bad recipients: {e}")),
        };
        if let Some(last) = self.last {
            let wait = self.settings.interval().saturating_sub(last.elapsed());
            tokio::time::sleep(wait).await;
        }
        self.last = Some(Instant::now());
        // On disk before a byte goes to the server.
        record("attempt", None, &(m.attempts + 1).to_string())?;
        match self.transport.send_raw(&envelope, &bytes).await {
            Ok(reply) => {
                let words: Vec<&str> = reply.message().collect();
                record(
                    "sent",
                    None,
                    &format!("{} {}", reply.code(), words.join(" ")),
                )
            }
            Err(e) => {
                let attempts = m.attempts + 1;
                let why = e.to_string();
                tracing::warn!(id = %m.id, member = %m.member, error = %why, "a message was not sent");
                if e.is_permanent() {
                    record("failed", None, &format!("refused by the server: {why}"))
                } else if attempts >= self.settings.attempts {
                    record(
                        "failed",
                        None,
                        &format!("gave up after {attempts} attempts: {why}"),
                    )
                } else {
                    let at = Utc::now()
                        + chrono::Duration::from_std(self.settings.backoff(attempts))
                            .unwrap_or_default();
                    record("deferred", Some(at), &why)
                }
            }
        }
    }
}

/// Runs the sender for as long as the server: a pass when woken (a message
/// queued), when a retry falls due, and every few seconds (a message
/// queued by a command beside the server).
pub async fn run(mail: Arc<super::Mail>, mut sender: Sender) {
    const POLL: Duration = Duration::from_secs(5);
    loop {
        let wait = match sender.pass(&mail.outbox, None).await {
            Ok(Pass::Done { next: Some(at) }) => (at - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(POLL),
            Ok(_) => POLL,
            Err(e) => {
                tracing::error!(error = %e, "the sender stopped a pass");
                POLL
            }
        };
        tokio::select! {
            _ = mail.wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}
