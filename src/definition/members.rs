//! The member administrations an edition expects answers from.

use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// Full member of the APT, or associate member (counted apart in reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberStatus {
    Member,
    Associate,
}

/// A member administration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Member {
    /// ISO 3166-1 alpha-2 code, the member's key everywhere.
    pub code: String,
    pub iso3: String,
    pub name: String,
    pub subregion: String,
    pub status: MemberStatus,
}

/// Whether `code` may name a respondent: 1 to 20 capital letters, digits and
/// `-`, starting with a letter. The APT's members use ISO 3166-1 codes (KR);
/// bigger rounds (every licensed operator) use codes of their own. The rule
/// also keeps a code safe in a URL and a file name.
pub fn is_member_code(code: &str) -> bool {
    (1..=20).contains(&code.len())
        && code.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// Reads a member list (`code,iso3,name,subregion,status`), refusing a
/// malformed row or a code that is not a member code or appears twice.
pub fn load_members(path: &Path) -> Result<Vec<Member>, String> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| format!("cannot read the member list {}: {e}", path.display()))?;
    let mut members: Vec<Member> = Vec::new();
    let mut seen = HashSet::new();
    for (i, row) in reader.deserialize::<Member>().enumerate() {
        let line = i + 2;
        let m = row.map_err(|e| format!("{}:{line}: {e}", path.display()))?;
        if !is_member_code(&m.code) {
            return Err(format!(
                "{}:{line}: member code `{}` must be 1 to 20 capital letters, digits and '-', starting with a letter (such as the ISO 3166-1 code KR)",
                path.display(),
                m.code
            ));
        }
        if !seen.insert(m.code.clone()) {
            return Err(format!(
                "{}:{line}: member code `{}` appears twice",
                path.display(),
                m.code
            ));
        }
        members.push(m);
    }
    if members.is_empty() {
        return Err(format!("the member list {} is empty", path.display()));
    }
    Ok(members)
}
