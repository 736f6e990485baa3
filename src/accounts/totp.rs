//! The optional second factor: time-based one-time codes (RFC 6238, by the
//! totp-rs crate) and single-use recovery codes.

use super::AccountError;
use crate::store::random_bytes;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

/// The issuer an authenticator app shows beside the account's name.
pub const ISSUER: &str = "APT spam survey";
/// How many recovery codes a setup makes.
pub const RECOVERY_CODES: usize = 10;
/// Seconds a code lasts (RFC 6238's usual step).
const STEP: u64 = 30;

/// A second factor as stored in the accounts file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Factor {
    /// The shared secret, base32 (the app holds the same one).
    pub secret: String,
    /// The last time step whose code was accepted: no code of it or
    /// before it is accepted again.
    #[serde(default)]
    pub last_step: u64,
    /// SHA-256 hashes of the recovery codes not yet used.
    #[serde(default)]
    pub recovery: Vec<String>,
}

fn totp(secret_base32: &str, name: &str) -> Result<TOTP, AccountError> {
    let bytes = Secret::Encoded(secret_base32.to_string())
        .to_bytes()
        .map_err(|e| {
            AccountError::Refused(format!("the second factor's secret is unreadable: {e:?}"))
        })?;
    // One step of skew either way: a phone's clock a little off still works.
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP,
        bytes,
        Some(ISSUER.into()),
        name.into(),
    )
    .map_err(|e| AccountError::Refused(format!("the second factor cannot be set up: {e}")))
}

/// A new secret (160 bits, base32) for a setup not yet confirmed.
pub fn new_secret() -> Result<String, AccountError> {
    let bytes = random_bytes::<20>()?;
    Ok(Secret::Raw(bytes.to_vec()).to_encoded().to_string())
}

/// What a setup page shows: the otpauth:// address, as a QR code (an SVG
/// data address) and the secret as text, grouped by four.
pub struct Enrolment {
    pub url: String,
    pub qr_svg_data: String,
    pub secret_text: String,
}

/// The setup of `secret` for the account `name`.
pub fn enrolment(secret: &str, name: &str) -> Result<Enrolment, AccountError> {
    let url = totp(secret, name)?.get_url();
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| AccountError::Refused(format!("no QR code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    let secret_text = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Enrolment {
        url,
        qr_svg_data: format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(svg)
        ),
        secret_text,
    })
}

/// The time step of `code` if it is right at `now` (unix seconds), within
/// one step either way, and later than `after`; None otherwise.
pub fn accepted_step(secret: &str, name: &str, code: &str, now: u64, after: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret, name).ok()?;
    let step = now / STEP;
    [step.saturating_sub(1), step, step + 1]
        .into_iter()
        .filter(|s| *s > after)
        .find(|s| same(t.generate(s * STEP).as_bytes(), code.as_bytes()))
}

/// The code of `secret` at `time` (what the app shows then); for tests and
/// the confirmation of a setup.
pub fn code_at(secret: &str, name: &str, time: u64) -> Result<String, AccountError> {
    Ok(totp(secret, name)?.generate(time))
}

/// Compares in constant time, so that the time taken tells nothing of a code.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

/// New recovery codes (shown once) and their hashes (stored).
pub fn new_recovery_codes() -> Result<(Vec<String>, Vec<String>), AccountError> {
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        // 50 bits each, in two groups of five base32 letters.
        let raw = random_bytes::<8>()?;
        let text = Secret::Raw(raw.to_vec())
            .to_encoded()
            .to_string()
            .to_lowercase();
        codes.push(format!("{}-{}", &text[..5], &text[5..10]));
    }
    let hashes = codes.iter().map(|c| recovery_hash(c)).collect();
    Ok((codes, hashes))
}

impl Factor {
    /// Checks a one-time code or a recovery code at `now`; a match is used
    /// up (the code's step, or the recovery code). The caller stores the
    /// factor again when this returns true.
    pub fn redeem(&mut self, name: &str, given: &str, now: u64) -> bool {
        if let Some(step) = accepted_step(&self.secret, name, given, now, self.last_step) {
            self.last_step = step;
            return true;
        }
        let h = recovery_hash(given);
        if given.trim().len() >= 10
            && let Some(i) = self.recovery.iter().position(|r| *r == h)
        {
            self.recovery.remove(i);
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_accepted_once_and_a_stale_one_never() {
        let secret = new_secret().unwrap();
        let mut f = Factor {
            secret: secret.clone(),
            last_step: 0,
            recovery: Vec::new(),
        };
        let now = 1_800_000_000;
        let code = code_at(&secret, "ana", now).unwrap();
        assert!(f.redeem("ana", &code, now));
        assert!(!f.redeem("ana", &code, now), "a code is used once");
        let old = code_at(&secret, "ana", now - 120).unwrap();
        assert!(
            !f.redeem("ana", &old, now + 30),
            "a code of two steps ago is stale"
        );
        let next = code_at(&secret, "ana", now + 30).unwrap();
        assert!(f.redeem("ana", &next, now + 30));
        assert!(!f.redeem("ana", "12345", now + 30));
    }

    #[test]
    fn a_recovery_code_works_once() {
        let (codes, hashes) = new_recovery_codes().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut f = Factor {
            secret: new_secret().unwrap(),
            last_step: 0,
            recovery: hashes,
        };
        assert!(f.redeem("ana", &codes[3].to_uppercase(), 1));
        assert!(!f.redeem("ana", &codes[3], 1));
        assert_eq!(f.recovery.len(), RECOVERY_CODES - 1);
    }

    #[test]
    fn the_setup_shows_a_qr_code_and_the_secret_as_text() {
        let secret = new_secret().unwrap();
        let e = enrolment(&secret, "ana").unwrap();
        assert!(e.url.starts_with("otpauth://totp/"));
        assert!(e.qr_svg_data.starts_with("data:image/svg+xml;base64,"));
        assert_eq!(e.secret_text.replace(' ', ""), secret);
    }
}
