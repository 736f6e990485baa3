//! Sessions that survive a restart: `sessions.toml` in the data directory
//! keeps, for each, only the SHA-256 of its id (the cookie carries the id),
//! the account, the account's epoch when it began, and when it began and
//! was last used. Only the server writes it.

use super::{Account, AccountError, write_whole};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// The sessions file in the data directory.
pub const SESSIONS_FILE: &str = "sessions.toml";
/// A session unused this long ends (unless configured otherwise).
pub const DEFAULT_IDLE: Duration = Duration::from_secs(60 * 60);
/// A session ends this long after sign-in, however used (unless configured otherwise).
pub const DEFAULT_ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            idle: DEFAULT_IDLE,
            absolute: DEFAULT_ABSOLUTE,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    /// SHA-256 of the session id, hex.
    id_hash: String,
    account: String,
    epoch: u64,
    /// Unix seconds.
    created: u64,
    /// Unix seconds, as last written (the memory may know a later use).
    seen: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct SessionsFile {
    #[serde(default, rename = "session")]
    sessions: Vec<Record>,
}

/// The live sessions, in memory and on disk.
pub struct Sessions {
    path: PathBuf,
    dir: PathBuf,
    lifetimes: Lifetimes,
    /// By id hash: the record, and the last use known in memory.
    live: Mutex<HashMap<String, (Record, u64)>>,
}

fn id_hash(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// Unix seconds now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Sessions {
    /// The sessions of `dir`, those past their time dropped.
    pub fn open(dir: &Path, lifetimes: Lifetimes) -> Result<Sessions, AccountError> {
        let path = dir.join(SESSIONS_FILE);
        let records = match std::fs::read_to_string(&path) {
            Ok(text) => {
                toml::from_str::<SessionsFile>(&text)
                    .map_err(|e| AccountError::Corrupt(path.clone(), e.to_string()))?
                    .sessions
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let s = Sessions {
            path,
            dir: dir.to_path_buf(),
            lifetimes,
            live: Mutex::new(
                records
                    .into_iter()
                    .map(|r| {
                        let seen = r.seen;
                        (r.id_hash.clone(), (r, seen))
                    })
                    .collect(),
            ),
        };
        Ok(s)
    }

    pub fn lifetimes(&self) -> Lifetimes {
        self.lifetimes
    }

    fn expired(&self, r: &Record, seen: u64, now: u64) -> bool {
        now.saturating_sub(r.created) >= self.lifetimes.absolute.as_secs()
            || now.saturating_sub(seen) >= self.lifetimes.idle.as_secs()
    }

    fn save(&self, live: &HashMap<String, (Record, u64)>) -> Result<(), AccountError> {
        let mut sessions: Vec<Record> = live
            .values()
            .map(|(r, seen)| Record {
                seen: *seen,
                ..r.clone()
            })
            .collect();
        sessions.sort_by(|a, b| a.created.cmp(&b.created).then(a.id_hash.cmp(&b.id_hash)));
        let text = toml::to_string(&SessionsFile { sessions })
            .map_err(|e| AccountError::Io(e.to_string()))?;
        write_whole(&self.dir, SESSIONS_FILE, text.as_bytes())
    }

    /// Starts a session for `account`; on disk before this returns.
    pub fn start(&self, account: &Account, id: &str) -> Result<(), AccountError> {
        let now = now();
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.retain(|_, (r, seen)| !self.expired(r, *seen, now));
        let record = Record {
            id_hash: id_hash(id),
            account: account.name.clone(),
            epoch: account.epoch,
            created: now,
            seen: now,
        };
        live.insert(record.id_hash.clone(), (record, now));
        let saved = self.save(&live);
        if saved.is_err() {
            // Not on disk: not a session either.
            live.remove(&id_hash(id));
        }
        saved
    }

    /// The account name of a live session `id`, checked against the account
    /// as it is now (`lookup`): an unknown, disabled or signed-out-everywhere
    /// account has no session. A use is noted; it is written to disk when
    /// the last written use is older than a quarter of the idle time (at
    /// most a minute), so that a restart loses little of it.
    pub fn check(&self, id: &str, lookup: impl Fn(&str) -> Option<Account>) -> Option<Account> {
        let now = now();
        let key = id_hash(id);
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        let (record, seen) = live.get(&key)?.clone();
        let account = lookup(&record.account).filter(|a| !a.disabled && a.epoch == record.epoch);
        if self.expired(&record, seen, now) || account.is_none() {
            live.remove(&key);
            let _ = self.save(&live);
            return None;
        }
        let every = (self.lifetimes.idle.as_secs() / 4).clamp(1, 60);
        if let Some(entry) = live.get_mut(&key) {
            entry.1 = now;
            if now.saturating_sub(entry.0.seen) >= every {
                entry.0.seen = now;
                // A use that cannot be written only makes the session end sooner.
                let _ = self.save(&live);
            }
        }
        account
    }

    /// Ends one session.
    pub fn end(&self, id: &str) -> Result<(), AccountError> {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        if live.remove(&id_hash(id)).is_some() {
            self.save(&live)?;
        }
        Ok(())
    }

    /// Ends every session of `account` (the epoch already voids them; this
    /// clears them from the file).
    pub fn end_all(&self, account: &str) -> Result<usize, AccountError> {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        let before = live.len();
        live.retain(|_, (r, _)| r.account != account);
        let ended = before - live.len();
        if ended > 0 {
            self.save(&live)?;
        }
        Ok(ended)
    }

    /// How many sessions `account` has now.
    pub fn count(&self, account: &str) -> usize {
        let now = now();
        let live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.values()
            .filter(|(r, seen)| r.account == account && !self.expired(r, *seen, now))
            .count()
    }

    /// The path of the file, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
