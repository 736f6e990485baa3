//! The secretariat's sign-in: one password (argon2 hash only), sessions as
//! signed random cookies kept in memory, and throttling of failed attempts.

pub use crate::store::random_token;
use crate::store::{StoreError, random_bytes};
use crate::web::throttle::Throttle;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed sign-ins allowed from one address within [`WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// The window over which failed sign-ins are counted.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long a session lasts after sign-in.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);
/// The name of the session cookie.
pub const COOKIE: &str = "spam_survey_admin";
/// The name of the cookie that binds the sign-in form to its browser.
pub const LOGIN_COOKIE: &str = "spam_survey_login";
/// The file that keeps the password's hash in the data directory.
pub const PASSWORD_FILE: &str = "admin-password.argon2";

/// The password check, the sessions and the failure counts.
pub struct Auth {
    hash: String,
    sessions: Mutex<HashMap<String, Instant>>,
    failures: Throttle,
}

fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| StoreError::NotSaved(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::NotSaved(format!("cannot hash the password: {e}")))
}

impl Auth {
    /// Sets up the password: `given` (from `SPAM_SURVEY_ADMIN_PASSWORD`) if
    /// set; else the hash stored in `dir`; else a new password, stored as its
    /// hash and returned so that it can be printed once.
    pub fn setup(dir: &Path, given: Option<&str>) -> Result<(Auth, Option<String>), StoreError> {
        let path = dir.join(PASSWORD_FILE);
        let (hash, generated) = match given.filter(|p| !p.is_empty()) {
            Some(p) => (hash_password(p)?, None),
            None => match std::fs::read_to_string(&path) {
                Ok(stored) => {
                    let stored = stored.trim().to_string();
                    PasswordHash::new(&stored).map_err(|e| {
                        StoreError::Corrupt(path.clone(), format!("not an argon2 hash: {e}"))
                    })?;
                    (stored, None)
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let password = random_token()?[..20].to_string();
                    let hash = hash_password(&password)?;
                    let mut opts = std::fs::OpenOptions::new();
                    opts.write(true).create_new(true);
                    #[cfg(unix)]
                    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                    let mut f = opts.open(&path)?;
                    std::io::Write::write_all(&mut f, hash.as_bytes())?;
                    f.sync_all()?;
                    (hash, Some(password))
                }
                Err(e) => return Err(e.into()),
            },
        };
        let auth = Auth {
            hash,
            sessions: Mutex::new(HashMap::new()),
            failures: Throttle::new(MAX_FAILURES, WINDOW),
        };
        Ok((auth, generated))
    }

    /// Whether `password` is the secretariat's (slow on purpose: argon2).
    pub fn verify(&self, password: &str) -> bool {
        PasswordHash::new(&self.hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    }

    /// How long `ip` must wait before another attempt, if it is throttled.
    pub fn throttled(&self, ip: IpAddr) -> Option<Duration> {
        self.failures.wait(ip)
    }

    /// Counts a failed attempt from `ip`.
    pub fn failed(&self, ip: IpAddr) {
        self.failures.fail(ip);
    }

    /// Starts a session; returns its id (the cookie carries it, signed).
    pub fn start_session(&self) -> Result<String, StoreError> {
        let id = random_token()?;
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        sessions.retain(|_, until| *until > now);
        sessions.insert(id.clone(), now + SESSION_LIFETIME);
        Ok(id)
    }

    /// Whether a session id is live.
    pub fn session_live(&self, id: &str) -> bool {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions
            .get(id)
            .is_some_and(|until| *until > Instant::now())
    }

    /// Ends a session.
    pub fn end_session(&self, id: &str) {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_password_is_only_a_hash_and_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let (auth, generated) = Auth::setup(dir.path(), None).unwrap();
        let password = generated.expect("a first start makes a password");
        let stored = std::fs::read_to_string(dir.path().join(PASSWORD_FILE)).unwrap();
        assert!(stored.starts_with("$argon2"));
        assert!(!stored.contains(&password));
        assert!(auth.verify(&password));
        assert!(!auth.verify("wrong"));
        let (again, generated) = Auth::setup(dir.path(), None).unwrap();
        assert!(
            generated.is_none(),
            "the second start reuses the stored hash"
        );
        assert!(again.verify(&password));
        let (env, _) = Auth::setup(dir.path(), Some("from-env")).unwrap();
        assert!(env.verify("from-env") && !env.verify(&password));
    }

    #[test]
    fn five_failures_from_one_address_throttle_it_and_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let (auth, _) = Auth::setup(dir.path(), Some("pw")).unwrap();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..MAX_FAILURES {
            assert!(auth.throttled(a).is_none());
            auth.failed(a);
        }
        let wait = auth.throttled(a).expect("throttled");
        assert!(wait <= WINDOW && wait > Duration::from_secs(60));
        assert!(auth.throttled(b).is_none());
    }
}
