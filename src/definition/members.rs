//! The member administrations an edition expects answers from.

use serde::Deserialize;
use std::hash::BuildHasher;
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
    /// The focal point's e-mail addresses, `;`-separated (an optional
    /// column of the list): where the secretariat's mail goes.
    #[serde(default)]
    pub email: String,
}

impl Member {
    /// The addresses of the list's `email` column, trimmed, empty ones left out.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.email
            .split(';')
            .map(str::trim)
            .filter(|a| !a.is_empty())
    }
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

/// The members of an edition in the list's order, with an index by code:
/// a round may have a million, so a look-up never scans. The index holds
/// places in the list, not copies of the codes. Editions that name the
/// same list file share one (`Arc`), so it is read and held once.
#[derive(Debug, Default)]
pub struct MemberList {
    list: Vec<Member>,
    places: hashbrown::HashTable<usize>,
    hasher: foldhash::fast::RandomState,
}

impl MemberList {
    fn with_capacity(n: usize) -> MemberList {
        MemberList {
            list: Vec::with_capacity(n),
            places: hashbrown::HashTable::with_capacity(n),
            hasher: Default::default(),
        }
    }

    /// Adds a member at the end; gives it back if its code is on the list already.
    // The member given back is the caller's own, moved in a moment before.
    #[allow(clippy::result_large_err)]
    fn push(&mut self, member: Member) -> Result<(), Member> {
        let hash = self.hasher.hash_one(member.code.as_str());
        let (list, hasher) = (&self.list, &self.hasher);
        match self.places.entry(
            hash,
            |&i| list[i].code == member.code,
            |&i| hasher.hash_one(list[i].code.as_str()),
        ) {
            hashbrown::hash_table::Entry::Occupied(_) => Err(member),
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert(self.list.len());
                self.list.push(member);
                Ok(())
            }
        }
    }

    /// The member with this code, if it is on the list.
    pub fn by_code(&self, code: &str) -> Option<&Member> {
        self.position(code).map(|i| &self.list[i])
    }

    /// Where the member with this code stands in the list.
    pub fn position(&self, code: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(code);
        self.places
            .find(hash, |&i| self.list[i].code == code)
            .copied()
    }
}

impl std::ops::Deref for MemberList {
    type Target = [Member];
    fn deref(&self) -> &[Member] {
        &self.list
    }
}

impl FromIterator<Member> for MemberList {
    /// A list from members already checked (tests, generated lists); a
    /// repeated code is left out.
    fn from_iter<I: IntoIterator<Item = Member>>(members: I) -> MemberList {
        let mut list = MemberList::default();
        for m in members {
            let _ = list.push(m);
        }
        list
    }
}

/// Reads a member list (`code,iso3,name,subregion,status`, and an optional
/// `email` column), refusing a
/// malformed row or a code that is not a member code or appears twice.
pub fn load_members(path: &Path) -> Result<MemberList, String> {
    let file = std::fs::File::open(path)
        .map_err(|e| format!("cannot read the member list {}: {e}", path.display()))?;
    // A row is some 40 bytes or more: room for them all, so that a big
    // list is not rehashed as it grows.
    let guess = file.metadata().map_or(0, |m| m.len() / 40) as usize;
    let mut list = MemberList::with_capacity(guess);
    let mut reader = csv::Reader::from_reader(std::io::BufReader::with_capacity(1 << 16, file));
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
        if let Some(bad) = m
            .addresses()
            .find(|a| !crate::answers::looks_like_email(a) || a.parse::<lettre::Address>().is_err())
        {
            return Err(format!(
                "{}:{line}: `{bad}` in the email column is not an e-mail address (several are separated by `;`)",
                path.display()
            ));
        }
        if let Err(m) = list.push(m) {
            return Err(format!(
                "{}:{line}: member code `{}` appears twice",
                path.display(),
                m.code
            ));
        }
    }
    if list.is_empty() {
        return Err(format!("the member list {} is empty", path.display()));
    }
    Ok(list)
}
