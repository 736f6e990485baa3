//! The secretariat's addresses of each member: the member list's `email`
//! column, unless the workspace set others, kept in an append-only journal
//! (`mail-addresses.csv`, chained). An address typed into an answer is
//! never among them until the secretariat adopts it.

use crate::definition::Member;
use crate::store::{StoreError, journal};
use chrono::{SecondsFormat, Utc};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const HEADER: [&str; 4] = ["time", "member", "addresses", "account"];
/// The most addresses one member may have.
pub const MOST: usize = 10;

/// Where a member's addresses come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The member list's `email` column.
    List,
    /// Set in the workspace.
    Workspace,
}

/// A member's addresses and where they come from.
#[derive(Debug, Clone)]
pub struct Held {
    pub addresses: Vec<String>,
    pub source: Source,
}

/// The addresses the workspace set, as the journal says now.
pub struct Addresses {
    path: PathBuf,
    set: journal::Cached<HashMap<String, Vec<String>>>,
}

/// Reads a list of addresses as a person types it (`;`, `,` or new lines
/// between them); each must be an address.
pub fn parse_list(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for a in text.split([';', ',', '\n']).map(str::trim) {
        if a.is_empty() {
            continue;
        }
        if !crate::answers::looks_like_email(a) || a.parse::<lettre::Address>().is_err() {
            let shown: String = a.chars().take(80).collect();
            return Err(format!(
                "`{shown}` is not an e-mail address (such as focal.point@ministry.example); separate several with `;`"
            ));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(a)) {
            out.push(a.to_string());
        }
    }
    if out.len() > MOST {
        return Err(format!("at most {MOST} addresses per member"));
    }
    Ok(out)
}

impl Addresses {
    /// The journal of a data directory; made at its first line (a missing
    /// file sets nothing), so that a start spends no time on it.
    pub fn open(dir: &Path) -> Addresses {
        Addresses {
            path: dir.join("mail-addresses.csv"),
            set: journal::Cached::default(),
        }
    }

    fn current(&self) -> Result<std::sync::Arc<HashMap<String, Vec<String>>>, StoreError> {
        self.set.get(&self.path, |lines| {
            let mut map = HashMap::new();
            for row in lines {
                let list: Vec<String> = row[2]
                    .split(';')
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect();
                if list.is_empty() {
                    map.remove(&row[1]);
                } else {
                    map.insert(row[1].to_string(), list);
                }
            }
            map
        })
    }

    /// The member's addresses: the workspace's, else the member list's.
    pub fn of(&self, member: &Member) -> Result<Held, StoreError> {
        if let Some(set) = self.current()?.get(&member.code) {
            return Ok(Held {
                addresses: set.clone(),
                source: Source::Workspace,
            });
        }
        Ok(Held {
            addresses: member.addresses().map(str::to_string).collect(),
            source: Source::List,
        })
    }

    /// Sets the member's addresses (checked with [`parse_list`]); none
    /// means the member list's again.
    pub fn set(&self, member: &str, addresses: &[String], account: &str) -> Result<(), StoreError> {
        let time = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        journal::create(&self.path, &HEADER)?;
        journal::append(&self.path, &[&time, member, &addresses.join(";"), account])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_list_is_split_checked_and_kept_once() {
        let l = parse_list("a@x.org; b@y.org,\nA@x.org").unwrap();
        assert_eq!(l, ["a@x.org", "b@y.org"]);
        assert!(parse_list("a@x.org; not an address").is_err());
        assert!(parse_list("evil@x.org>\r\nBcc: y@z.org").is_err());
    }
}
