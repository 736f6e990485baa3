//! Invitation links: each gives its holder one member's response to one
//! edition. Only a SHA-256 hash of each token is kept, in an append-only CSV
//! that the command line and the server share; the server re-reads it when
//! it changes, so a new or revoked link counts at once.

use super::{StoreError, journal};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{SecondsFormat, Utc};
use rand::TryRngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

const HEADER: [&str; 5] = ["time", "survey", "member", "action", "token_sha256"];
/// A token is 32 random bytes (256 bits), written as 43 base64url characters.
pub const TOKEN_LEN: usize = 43;

/// Whom a valid link speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub survey: String,
    pub member: String,
}

#[derive(Default)]
struct Cache {
    stamp: Option<(u64, SystemTime)>,
    /// token hash → holder, for links in force.
    active: HashMap<String, Holder>,
    /// (survey, member) → hash of the link in force.
    current: HashMap<(String, String), String>,
}

/// The invitations file and what it says now.
pub struct Invitations {
    path: PathBuf,
    cache: Mutex<Cache>,
}

/// The hash under which a token is kept.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether a string has the shape of a token (checked before any look-up).
pub fn looks_like_token(s: &str) -> bool {
    s.len() == TOKEN_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn new_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| StoreError::NotSaved(format!("no randomness from the system: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

impl Invitations {
    /// Opens the invitations file of a data directory; with `create`, makes
    /// it when it is missing (without, a missing file means no invitations).
    pub fn open(dir: &Path, create: bool) -> Result<Invitations, StoreError> {
        let path = dir.join("invitations.csv");
        if create {
            journal::create(&path, &HEADER)?;
        }
        let inv = Invitations {
            path,
            cache: Mutex::new(Cache::default()),
        };
        drop(inv.refresh()?);
        Ok(inv)
    }

    /// Re-reads the file if it changed since it was last read.
    fn refresh(&self) -> Result<std::sync::MutexGuard<'_, Cache>, StoreError> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let meta = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                *cache = Cache::default();
                return Ok(cache);
            }
            Err(e) => return Err(e.into()),
        };
        let stamp = (meta.len(), meta.modified()?);
        if cache.stamp == Some(stamp) {
            return Ok(cache);
        }
        let mut fresh = Cache {
            stamp: Some(stamp),
            ..Cache::default()
        };
        // A torn last line (a crash mid-append) is skipped, not a reason to stop serving.
        for row in journal::read(&self.path)? {
            let holder = Holder {
                survey: row[1].to_string(),
                member: row[2].to_string(),
            };
            let key = (holder.survey.clone(), holder.member.clone());
            let hash = row[4].to_string();
            match &row[3] {
                "issue" => {
                    if let Some(old) = fresh.current.insert(key, hash.clone()) {
                        fresh.active.remove(&old);
                    }
                    fresh.active.insert(hash, holder);
                }
                "revoke" => {
                    if let Some(old) = fresh.current.remove(&key) {
                        fresh.active.remove(&old);
                    }
                }
                _ => {}
            }
        }
        *cache = fresh;
        Ok(cache)
    }

    /// Who holds this token, if it is a link in force.
    pub fn holder(&self, token: &str) -> Result<Option<Holder>, StoreError> {
        if !looks_like_token(token) {
            return Ok(None);
        }
        let cache = self.refresh()?;
        Ok(cache.active.get(&token_hash(token)).cloned())
    }

    /// Whether the member has a link in force for the edition.
    pub fn is_invited(&self, survey: &str, member: &str) -> Result<bool, StoreError> {
        let cache = self.refresh()?;
        Ok(cache
            .current
            .contains_key(&(survey.to_string(), member.to_string())))
    }

    /// Makes a new link for the member, ending any earlier one; returns the token.
    pub fn issue(&self, survey: &str, member: &str) -> Result<String, StoreError> {
        let token = new_token()?;
        self.append(survey, member, "issue", &token_hash(&token))?;
        Ok(token)
    }

    /// Ends the member's link in force; false when there was none.
    pub fn revoke(&self, survey: &str, member: &str) -> Result<bool, StoreError> {
        if !self.is_invited(survey, member)? {
            return Ok(false);
        }
        self.append(survey, member, "revoke", "")?;
        Ok(true)
    }

    fn append(
        &self,
        survey: &str,
        member: &str,
        action: &str,
        hash: &str,
    ) -> Result<(), StoreError> {
        let time = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        journal::append(&self.path, &[&time, survey, member, action, hash])
    }
}
