//! Invitation links: each gives its holder one member's response to one
//! edition. Only a SHA-256 hash of each token is kept, in an append-only CSV
//! that the command line and the server share; the server re-reads it when
//! it changes, so a new or revoked link counts at once.

use super::{StoreError, journal};
use chrono::{SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const HEADER: [&str; 5] = ["time", "survey", "member", "action", "token_sha256"];
/// A token is 32 random bytes (256 bits), written as 43 base64url characters.
pub const TOKEN_LEN: usize = 43;

/// Whom a valid link speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub survey: String,
    pub member: String,
}

/// The links in force, as the invitations file says.
#[derive(Default)]
struct Links {
    /// token hash → holder.
    active: HashMap<String, Holder>,
    /// survey → member → hash of the link in force (looked up by `&str`,
    /// with no key to build).
    current: HashMap<String, HashMap<String, String>>,
}

impl Links {
    /// Replays the file: an issue replaces the member's earlier link, a revoke ends it.
    fn from_lines(lines: Vec<csv::StringRecord>) -> Links {
        let mut links = Links::default();
        for row in lines {
            let holder = Holder {
                survey: row[1].to_string(),
                member: row[2].to_string(),
            };
            let hash = row[4].to_string();
            match &row[3] {
                "issue" => {
                    let old = links
                        .current
                        .entry(holder.survey.clone())
                        .or_default()
                        .insert(holder.member.clone(), hash.clone());
                    if let Some(old) = old {
                        links.active.remove(&old);
                    }
                    links.active.insert(hash, holder);
                }
                "revoke" => {
                    let old = links
                        .current
                        .get_mut(&holder.survey)
                        .and_then(|m| m.remove(&holder.member));
                    if let Some(old) = old {
                        links.active.remove(&old);
                    }
                }
                _ => {}
            }
        }
        links
    }
}

/// The members of one edition with a link in force, as the invitations
/// file said when asked: a look at the replayed file, not a copy of it.
pub struct Invited {
    links: std::sync::Arc<Links>,
    survey: String,
}

impl Invited {
    /// Whether this member has a link in force.
    pub fn contains(&self, member: &str) -> bool {
        self.links
            .current
            .get(&self.survey)
            .is_some_and(|m| m.contains_key(member))
    }

    /// Every member with a link in force, in no order.
    pub fn members(&self) -> impl Iterator<Item = &str> {
        self.links
            .current
            .get(&self.survey)
            .into_iter()
            .flat_map(|m| m.keys().map(String::as_str))
    }
}

/// The invitations file and what it says now.
pub struct Invitations {
    path: PathBuf,
    links: journal::Cached<Links>,
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
            links: journal::Cached::default(),
        };
        inv.refresh()?;
        Ok(inv)
    }

    /// The links in force, read again if the file changed since last time.
    /// A torn last line (a crash mid-append) is skipped, not a reason to stop serving.
    fn refresh(&self) -> Result<std::sync::Arc<Links>, StoreError> {
        self.links.get(&self.path, Links::from_lines)
    }

    /// Who holds this token, if it is a link in force.
    pub fn holder(&self, token: &str) -> Result<Option<Holder>, StoreError> {
        if !looks_like_token(token) {
            return Ok(None);
        }
        Ok(self.refresh()?.active.get(&token_hash(token)).cloned())
    }

    /// Whether the member has a link in force for the edition.
    pub fn is_invited(&self, survey: &str, member: &str) -> Result<bool, StoreError> {
        Ok(self
            .refresh()?
            .current
            .get(survey)
            .is_some_and(|m| m.contains_key(member)))
    }

    /// Whether the link whose hash is `hash` is the member's link in force
    /// (the sender asks before it mails a link).
    pub fn is_current(&self, survey: &str, member: &str, hash: &str) -> Result<bool, StoreError> {
        Ok(self
            .refresh()?
            .current
            .get(survey)
            .and_then(|m| m.get(member))
            .is_some_and(|h| h == hash))
    }

    /// The members with a link in force for the edition, read once (the
    /// overview asks of every member), without copying them.
    pub fn invited(&self, survey: &str) -> Result<Invited, StoreError> {
        Ok(Invited {
            links: self.refresh()?,
            survey: survey.to_string(),
        })
    }

    /// Makes a new link for the member, ending any earlier one; returns the token.
    pub fn issue(&self, survey: &str, member: &str) -> Result<String, StoreError> {
        let token = super::random_token()?;
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
