//! Passwords: the policy a new one must meet, argon2 hashes, and generated
//! passwords that are printed once.

use super::AccountError;
use crate::store::{random_bytes, random_token};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::collections::HashSet;
use std::sync::OnceLock;

/// The fewest characters a password may have.
pub const MIN_LENGTH: usize = 12;

/// Django's list of 20,000 common passwords (BSD-3-Clause; compiled by
/// Royce Williams from leaked password sets), lower-cased and sorted, one a
/// line: looked up by binary search, so it costs nothing at start.
const COMMON: &str = include_str!("common-passwords.txt");

fn is_common(folded: &str) -> bool {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| COMMON.lines().collect())
        .binary_search(&folded)
        .is_ok()
}

/// Why a password is refused, said so that the user knows what to do; None
/// when it is acceptable for the account `name`.
pub fn refusal(password: &str, name: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!(
            "the password has {length} characters; it needs at least {MIN_LENGTH} (a few words together are easy to remember)"
        ));
    }
    let folded = password.trim().to_lowercase();
    let squeezed: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
    if is_common(&folded) || is_common(&squeezed) {
        return Some("the password is on a list of common passwords that attackers try first; choose another".into());
    }
    if !name.is_empty() && folded.contains(&name.to_lowercase()) {
        return Some("the password contains the account's name; choose another".into());
    }
    if folded.chars().collect::<HashSet<_>>().len() < 4 {
        return Some("the password repeats too few characters; choose another".into());
    }
    None
}

/// The argon2id hash of `password` with a fresh salt (the PHC string).
pub fn hash(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| AccountError::Io(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Io(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches `hash` (slow on purpose, some 19 MiB of memory).
pub fn verify(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Whether a stored hash can be read as an argon2 hash at all.
pub fn is_hash(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok()
}

/// A hash no password matches, verified when the name is unknown, so that
/// an unknown name takes as long as a known one.
pub fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash(&random_token().unwrap_or_default()).unwrap_or_default())
}

/// A new random password of 20 characters (about 120 bits).
pub fn generate() -> Result<String, AccountError> {
    Ok(random_token()?[..20].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_common_and_name_passwords_are_refused_and_a_long_phrase_is_not() {
        assert!(refusal("short", "ana").unwrap().contains("at least 12"));
        assert!(refusal("qwerty123456", "ana").unwrap().contains("common"));
        assert!(refusal("1q2w3e4r5t6y", "ana").unwrap().contains("common"));
        assert!(
            refusal("ana-the-editor-2026", "ana")
                .unwrap()
                .contains("name")
        );
        assert!(refusal("aaaaaaaaaaaaaaaa", "ana").is_some());
        assert!(refusal("violet lantern over the harbour", "ana").is_none());
    }

    #[test]
    fn the_common_list_is_sorted_for_its_binary_search() {
        assert!(COMMON.lines().count() > 19_000);
        assert!(COMMON.lines().is_sorted());
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("violet lantern over the harbour").unwrap();
        assert!(is_hash(&h) && h.starts_with("$argon2id$"));
        assert!(verify(&h, "violet lantern over the harbour"));
        assert!(!verify(&h, "violet lantern over the harbor"));
        assert!(!verify(decoy(), ""));
    }
}
