//! Form tokens: an HMAC, under the data directory's secret key, of what the
//! form is for; a post must carry the one its page was given.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8; 32], scope: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(scope.as_bytes());
    mac
}

/// The token for a form of this scope.
pub fn token(secret: &[u8; 32], scope: &str) -> String {
    hex::encode(mac(secret, scope).finalize().into_bytes())
}

/// Whether `given` is the token for this scope (compared in constant time).
pub fn verify(secret: &[u8; 32], scope: &str, given: &str) -> bool {
    match hex::decode(given) {
        Ok(bytes) => mac(secret, scope).verify_slice(&bytes).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_for_its_own_scope_and_key() {
        let key = [7u8; 32];
        let t = token(&key, "member:abc");
        assert!(verify(&key, "member:abc", &t));
        assert!(!verify(&key, "member:abd", &t));
        assert!(!verify(&[8u8; 32], "member:abc", &t));
        assert!(!verify(&key, "member:abc", "zz"));
    }
}
