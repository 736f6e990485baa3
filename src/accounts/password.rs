//! Passwords: the policy a new one must meet, argon2 hashes, and generated
//! passwords that are printed once.

use super::AccountError;
use crate::store::{random_bytes, random_token};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use std::cell::RefCell;
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

thread_local! {
    /// This thread's argon2 memory, made at its first check and reused by
    /// every later one: a check allocates nothing, so memory stays at one
    /// block per checking thread however many checks come.
    static BLOCKS: RefCell<Vec<argon2::Block>> = const { RefCell::new(Vec::new()) };
}

/// Whether `password` matches `hash` (slow on purpose, some 19 MiB of the
/// thread's own memory).
pub fn verify(hash: &str, password: &str) -> bool {
    let Ok(h) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (
        argon2::Params::try_from(&h),
        argon2::Algorithm::try_from(h.algorithm),
    ) else {
        return false;
    };
    let version = h
        .version
        .and_then(|v| argon2::Version::try_from(v).ok())
        .unwrap_or_default();
    let (Some(salt), Some(expected)) = (h.salt, h.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let expected = expected.as_bytes();
    let mut out = vec![0u8; expected.len()];
    let n = params.block_count();
    let context = Argon2::new(algorithm, version, params);
    let hashed = BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < n {
            blocks.resize(n, argon2::Block::default());
        }
        context
            .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut blocks[..n])
            .is_ok()
    });
    // Compared in constant time.
    hashed
        && out.len() == expected.len()
        && out
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
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
        assert!(!verify("not a hash", "violet lantern over the harbour"));
        // A hash of another version's parameters still verifies.
        let small = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(4096, 3, 1, None).unwrap(),
        );
        let salt = SaltString::encode_b64(b"a salt of sixteen").unwrap();
        let other = small
            .hash_password(b"violet lantern", &salt)
            .unwrap()
            .to_string();
        assert!(verify(&other, "violet lantern") && !verify(&other, "violet lanterns"));
    }
}
