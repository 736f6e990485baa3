//! The durable outbox: an append-only journal (`outbox.csv`, chained) of
//! each message's life. Queued (with its bytes) → attempt started (on disk
//! before the server is spoken to) → sent with the server's reply, or
//! deferred (a retry time), or failed. An attempt with no outcome, found by
//! the next sender, is marked unknown and never retried by itself: a
//! person resends or drops it.

use super::templates::Kind;
use crate::store::{StoreError, journal};
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const HEADER: [&str; 10] = [
    "time", "id", "event", "survey", "member", "kind", "to", "at", "link", "detail",
];

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Waiting for its (next) attempt.
    Queued,
    /// An attempt began and has no outcome yet.
    Sending,
    Sent,
    /// Given up: the server refused it for good, or every retry failed.
    Failed,
    /// An attempt whose sender stopped before it knew the outcome.
    Unknown,
    /// Dropped by a person, or sent anew as another message.
    Closed,
}

impl State {
    /// The state in words, for the workspace.
    pub fn words(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sending => "being sent",
            State::Sent => "sent",
            State::Failed => "failed",
            State::Unknown => "outcome unknown",
            State::Closed => "dropped",
        }
    }
}

/// One message as the outbox says now.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub survey: String,
    pub member: String,
    pub kind: Kind,
    /// The recipients, `;`-separated.
    pub to: String,
    pub queued: DateTime<Utc>,
    pub state: State,
    pub attempts: u32,
    /// When the state last changed.
    pub changed: DateTime<Utc>,
    /// Not before this time (a deferred message).
    pub next: DateTime<Utc>,
    /// The server's reply to the last attempt, or why it failed.
    pub reply: String,
    /// The SHA-256 of the link the message carries (empty: none).
    pub link: String,
    /// The bytes, while the message may still be sent.
    bytes: Option<String>,
}

impl Message {
    /// The message as it goes out, while it may still be sent.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        base64::engine::general_purpose::STANDARD
            .decode(self.bytes.as_deref()?)
            .ok()
    }
}

/// Every message of the outbox, in the order they were queued.
#[derive(Default)]
pub struct Ledger {
    pub messages: Vec<Message>,
    by_id: HashMap<String, usize>,
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

impl Ledger {
    fn from_lines(lines: Vec<csv::StringRecord>) -> Ledger {
        let mut l = Ledger::default();
        for row in lines {
            let at = time(&row[0]);
            if &row[2] == "queued" {
                let Some(kind) = Kind::parse(&row[5]) else {
                    continue;
                };
                l.by_id.insert(row[1].to_string(), l.messages.len());
                l.messages.push(Message {
                    id: row[1].to_string(),
                    survey: row[3].to_string(),
                    member: row[4].to_string(),
                    kind,
                    to: row[6].to_string(),
                    queued: at,
                    state: State::Queued,
                    attempts: 0,
                    changed: at,
                    next: at,
                    reply: String::new(),
                    link: row[8].to_string(),
                    bytes: Some(row[9].to_string()),
                });
                continue;
            }
            let Some(m) = l.by_id.get(&row[1]).map(|&i| &mut l.messages[i]) else {
                continue;
            };
            m.changed = at;
            match &row[2] {
                "attempt" => {
                    m.state = State::Sending;
                    m.attempts += 1;
                }
                "sent" => {
                    m.state = State::Sent;
                    m.reply = row[9].to_string();
                    m.bytes = None;
                }
                "deferred" => {
                    m.state = State::Queued;
                    m.next = time(&row[7]);
                    m.reply = row[9].to_string();
                }
                "failed" => {
                    m.state = State::Failed;
                    m.reply = row[9].to_string();
                }
                "unknown" => m.state = State::Unknown,
                "closed" => {
                    m.state = State::Closed;
                    m.bytes = None;
                }
                _ => {}
            }
        }
        l
    }

    /// The message with this Message-ID.
    pub fn get(&self, id: &str) -> Option<&Message> {
        self.by_id.get(id).map(|&i| &self.messages[i])
    }

    /// The messages of an edition.
    pub fn of<'a>(&'a self, survey: &'a str) -> impl Iterator<Item = &'a Message> + 'a {
        self.messages.iter().filter(move |m| m.survey == survey)
    }

    /// Each member's last message of an edition (not counting dropped ones).
    pub fn last_per_member<'a>(&'a self, survey: &'a str) -> HashMap<&'a str, &'a Message> {
        let mut out = HashMap::new();
        for m in self.of(survey).filter(|m| m.state != State::Closed) {
            out.insert(m.member.as_str(), m);
        }
        out
    }
}

/// The outbox of a data directory.
pub struct Outbox {
    path: PathBuf,
    lock_path: PathBuf,
    ledger: journal::Cached<Ledger>,
}

/// Held while one process delivers: no two senders send the same message.
pub struct SenderLock(#[allow(dead_code)] std::fs::File);

impl Outbox {
    /// The outbox of a data directory; its file is made with the first
    /// message (a missing file is an empty outbox), so a start spends no
    /// time on it.
    pub fn open(dir: &Path) -> Outbox {
        Outbox {
            path: dir.join("outbox.csv"),
            lock_path: dir.join("outbox.lock"),
            ledger: journal::Cached::default(),
        }
    }

    /// Every message, read again when the file changed.
    pub fn ledger(&self) -> Result<std::sync::Arc<Ledger>, StoreError> {
        self.ledger.get(&self.path, Ledger::from_lines)
    }

    fn write(&self, fields: [&str; 9]) -> Result<(), StoreError> {
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
        let mut row = vec![now.as_str()];
        row.extend(fields);
        journal::append(&self.path, &row)
    }

    /// Queues a message: on disk before this returns.
    pub fn queue(
        &self,
        survey: &str,
        member: &str,
        kind: Kind,
        link_hash: &str,
        built: &super::message::Built,
    ) -> Result<(), StoreError> {
        journal::create(&self.path, &HEADER)?;
        let bytes = base64::engine::general_purpose::STANDARD.encode(&built.bytes);
        self.write([
            &built.id,
            "queued",
            survey,
            member,
            kind.name(),
            &built.to.join(";"),
            "",
            link_hash,
            &bytes,
        ])
    }

    /// Records what happened to a message (`attempt`, `sent`, `deferred`,
    /// `failed`, `unknown`, `closed`), fsynced.
    pub fn record(
        &self,
        m: &Message,
        event: &str,
        at: Option<DateTime<Utc>>,
        detail: &str,
    ) -> Result<(), StoreError> {
        let at = at
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
            .unwrap_or_default();
        let detail: String = detail
            .replace(['\r', '\n'], " ")
            .chars()
            .take(500)
            .collect();
        self.write([
            &m.id,
            event,
            &m.survey,
            &m.member,
            m.kind.name(),
            "",
            &at,
            "",
            &detail,
        ])
    }

    /// The right to deliver, if no other process has it now.
    pub fn try_lock(&self) -> Result<Option<SenderLock>, StoreError> {
        let f = crate::store::private_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock_path)?;
        match f.try_lock() {
            Ok(()) => Ok(Some(SenderLock(f))),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
        }
    }
}
