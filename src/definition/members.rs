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

/// Reads a member list (`code,iso3,name,subregion,status`), refusing a
/// malformed row or a code that is not two capital letters or appears twice.
pub fn load_members(path: &Path) -> Result<Vec<Member>, String> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| format!("cannot read the member list {}: {e}", path.display()))?;
    let mut members: Vec<Member> = Vec::new();
    let mut seen = HashSet::new();
    for (i, row) in reader.deserialize::<Member>().enumerate() {
        let line = i + 2;
        let m = row.map_err(|e| format!("{}:{line}: {e}", path.display()))?;
        if m.code.len() != 2 || !m.code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "{}:{line}: member code `{}` must be two capital letters (ISO 3166-1)",
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
