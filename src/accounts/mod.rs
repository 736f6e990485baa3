//! The secretariat's accounts: named people with a role, their passwords
//! (argon2 hashes only), an optional second factor, and their sessions.
//! Free of HTTP; the web layer and the `user` command both call it.
//!
//! `accounts.toml` in the data directory holds the accounts. The server and
//! the `user` command both change it: each change takes `accounts.lock`,
//! reads the file afresh, and replaces it whole (written beside it, synced,
//! renamed). The server reads it again whenever its inode, size or time
//! changes, so a command's `user disable` counts at the next request.

pub mod guard;
pub mod password;
pub mod sessions;
pub mod totp;

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The accounts file in the data directory.
pub const ACCOUNTS_FILE: &str = "accounts.toml";
/// The lock taken while the accounts file changes.
pub const LOCK_FILE: &str = "accounts.lock";
/// The single password of versions before accounts; migrated once.
pub const OLD_PASSWORD_FILE: &str = "admin-password.argon2";
/// The name of the account made on the first start.
pub const FIRST_ACCOUNT: &str = "admin";

/// What can go wrong with accounts; the message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Refused(String),
    #[error("there is no account `{0}`")]
    NoSuchAccount(String),
    #[error("the accounts could not be written or read: {0}")]
    Io(String),
    #[error("{path}: {message}", path = .0.display(), message = .1)]
    Corrupt(PathBuf, String),
}

impl From<std::io::Error> for AccountError {
    fn from(e: std::io::Error) -> Self {
        AccountError::Io(e.to_string())
    }
}

impl From<crate::store::StoreError> for AccountError {
    fn from(e: crate::store::StoreError) -> Self {
        AccountError::Io(e.to_string())
    }
}

/// What an account may do; each role may do all that the one before may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads the overview, responses, history, downloads, report, audit log.
    Viewer,
    /// Also invites, reminds, closes and reopens the round.
    Editor,
    /// Also manages the accounts.
    Admin,
}

impl Role {
    /// Parses `viewer`, `editor` or `admin`.
    pub fn parse(text: &str) -> Result<Role, AccountError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            other => Err(AccountError::Refused(format!(
                "`{}` is not a role: use viewer, editor or admin",
                other.chars().take(20).collect::<String>()
            ))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may change the round (invite, remind, close, reopen).
    pub fn may_change(self) -> bool {
        self >= Role::Editor
    }

    /// Whether this role may manage accounts.
    pub fn may_manage(self) -> bool {
        self == Role::Admin
    }
}

/// One person's account as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub role: Role,
    /// The argon2 hash of the password.
    pub password: String,
    #[serde(default)]
    pub disabled: bool,
    /// Raised to end every session at once (sign out everywhere, a new
    /// password); a session made under an older epoch is void.
    #[serde(default)]
    pub epoch: u64,
    /// The second factor, when set up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<totp::Factor>,
    #[serde(default)]
    pub created: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File_ {
    #[serde(default, rename = "account")]
    accounts: Vec<Account>,
}

/// Checks a new account's name: what the audit log will show.
pub fn check_name(name: &str) -> Result<(), AccountError> {
    let ok = (1..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(AccountError::Refused(
            "a name has 1 to 32 letters, digits, dots, hyphens or underscores, and starts with a letter or digit".into(),
        ))
    }
}

type Stamp = Option<(u64, u64, std::time::SystemTime)>;

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let ino = 0;
    Some((ino, m.len(), m.modified().ok()?))
}

/// The accounts of a data directory.
pub struct Accounts {
    dir: PathBuf,
    cached: Mutex<(Stamp, Arc<Vec<Account>>)>,
}

impl Accounts {
    /// The accounts of `dir` (none yet if the file does not exist).
    pub fn open(dir: &Path) -> Result<Accounts, AccountError> {
        let accounts = Accounts {
            dir: dir.to_path_buf(),
            cached: Mutex::new((None, Arc::new(Vec::new()))),
        };
        accounts.all()?;
        Ok(accounts)
    }

    fn path(&self) -> PathBuf {
        self.dir.join(ACCOUNTS_FILE)
    }

    fn read(&self) -> Result<Vec<Account>, AccountError> {
        let path = self.path();
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str::<File_>(&text)
                .map(|f| f.accounts)
                .map_err(|e| AccountError::Corrupt(path, e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        }
    }

    /// Every account as the file says now (read again only when it changed).
    pub fn all(&self) -> Result<Arc<Vec<Account>>, AccountError> {
        let now = stamp(&self.path());
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if cached.0.is_none() || cached.0 != now {
            let fresh = Arc::new(self.read()?);
            *cached = (now, fresh);
        }
        Ok(cached.1.clone())
    }

    /// The account called `name`, if there is one.
    pub fn get(&self, name: &str) -> Result<Option<Account>, AccountError> {
        Ok(self.all()?.iter().find(|a| a.name == name).cloned())
    }

    /// Changes the accounts under the lock, from the file as it is now, and
    /// writes them back whole; nothing changes when `change` refuses.
    pub fn change<R>(
        &self,
        change: impl FnOnce(&mut Vec<Account>) -> Result<R, AccountError>,
    ) -> Result<R, AccountError> {
        let lock = crate::store::private_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(LOCK_FILE))?;
        lock.lock()?;
        let result = (|| {
            let mut accounts = self.read()?;
            let out = change(&mut accounts)?;
            self.write(&accounts)?;
            Ok(out)
        })();
        let _ = lock.unlock();
        result
    }

    fn write(&self, accounts: &[Account]) -> Result<(), AccountError> {
        let text = toml::to_string(&File_ {
            accounts: accounts.to_vec(),
        })
        .map_err(|e| AccountError::Io(e.to_string()))?;
        write_whole(&self.dir, ACCOUNTS_FILE, text.as_bytes())
    }

    /// Adds an account; refuses a taken name or a weak password.
    pub fn add(&self, name: &str, role: Role, password: &str) -> Result<(), AccountError> {
        check_name(name)?;
        if let Some(why) = password::refusal(password, name) {
            return Err(AccountError::Refused(why));
        }
        let hash = password::hash(password)?;
        self.change(|all| {
            if all.iter().any(|a| a.name.eq_ignore_ascii_case(name)) {
                return Err(AccountError::Refused(format!(
                    "there is already an account `{name}`"
                )));
            }
            all.push(Account {
                name: name.to_string(),
                role,
                password: hash,
                disabled: false,
                epoch: 0,
                totp: None,
                created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            });
            Ok(())
        })
    }

    /// Changes one account with `f`; an unknown name is refused.
    pub fn update<R>(
        &self,
        name: &str,
        f: impl FnOnce(&mut Account) -> Result<R, AccountError>,
    ) -> Result<R, AccountError> {
        self.change(|all| {
            let a = all
                .iter_mut()
                .find(|a| a.name == name)
                .ok_or_else(|| AccountError::NoSuchAccount(name.to_string()))?;
            f(a)
        })
    }

    /// Sets a new password and ends the account's sessions.
    pub fn set_password(&self, name: &str, new: &str) -> Result<(), AccountError> {
        if let Some(why) = password::refusal(new, name) {
            return Err(AccountError::Refused(why));
        }
        let hash = password::hash(new)?;
        self.update(name, |a| {
            a.password = hash;
            a.epoch += 1;
            Ok(())
        })
    }

    /// Disables (or enables) an account; disabling ends its sessions at once.
    pub fn set_disabled(&self, name: &str, disabled: bool) -> Result<bool, AccountError> {
        self.update(name, |a| {
            let changed = a.disabled != disabled;
            a.disabled = disabled;
            if disabled {
                a.epoch += 1;
            }
            Ok(changed)
        })
    }

    /// Ends every session of the account, here and on any other browser.
    pub fn sign_out_everywhere(&self, name: &str) -> Result<(), AccountError> {
        self.update(name, |a| {
            a.epoch += 1;
            Ok(())
        })
    }

    /// On a start with no account: the first `admin` account. Its password
    /// is `given` (SPAM_SURVEY_ADMIN_PASSWORD) if set, else the hash of the
    /// single password of earlier versions, else a new one that is returned
    /// to be printed once. With accounts already there nothing changes and
    /// `given` is never used.
    pub fn first_start(&self, given: Option<&str>) -> Result<FirstStart, AccountError> {
        if !self.all()?.is_empty() {
            return Ok(FirstStart::Existing);
        }
        let old = self.dir.join(OLD_PASSWORD_FILE);
        let add_hash = |hash: String| {
            self.change(|all| {
                if !all.is_empty() {
                    return Ok(false);
                }
                all.push(Account {
                    name: FIRST_ACCOUNT.into(),
                    role: Role::Admin,
                    password: hash,
                    disabled: false,
                    epoch: 0,
                    totp: None,
                    created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                });
                Ok(true)
            })
        };
        if let Some(p) = given.filter(|p| !p.is_empty()) {
            if let Some(why) = password::refusal(p, FIRST_ACCOUNT) {
                return Err(AccountError::Refused(format!(
                    "SPAM_SURVEY_ADMIN_PASSWORD is refused: {why}"
                )));
            }
            add_hash(password::hash(p)?)?;
            // The accounts file is the one place a password lives now.
            if old.exists() {
                std::fs::remove_file(&old)?;
            }
            return Ok(FirstStart::FromEnvironment);
        }
        match std::fs::read_to_string(&old) {
            Ok(stored) => {
                let stored = stored.trim().to_string();
                if !password::is_hash(&stored) {
                    return Err(AccountError::Corrupt(old, "not an argon2 hash".into()));
                }
                add_hash(stored)?;
                // Gone once it lives in the accounts file: it cannot come back.
                std::fs::remove_file(&old)?;
                Ok(FirstStart::Migrated)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let p = password::generate()?;
                add_hash(password::hash(&p)?)?;
                Ok(FirstStart::Generated(p))
            }
            Err(e) => Err(e.into()),
        }
    }
}

impl Accounts {
    /// Checks a sign-in (slow: argon2, so call it off the async threads).
    /// The account when its name, password and, if it has a second factor,
    /// `code` (a one-time or recovery code, then used up) are right and it
    /// is not disabled. An unknown name costs the same hash as a known one.
    pub fn verify(
        &self,
        name: &str,
        password: &str,
        code: &str,
    ) -> Result<Option<Account>, AccountError> {
        let account = self.get(name.trim())?;
        let hash = account
            .as_ref()
            .map_or(password::decoy(), |a| a.password.as_str());
        let right = password::verify(hash, password);
        let Some(account) = account.filter(|a| right && !a.disabled) else {
            return Ok(None);
        };
        if account.totp.is_none() {
            return Ok(Some(account));
        }
        let now = sessions::now();
        let redeemed = self.update(&account.name, |a| {
            let name = a.name.clone();
            if a.totp.as_mut().is_some_and(|f| f.redeem(&name, code, now)) {
                Ok(a.clone())
            } else {
                // Refused: nothing is written.
                Err(AccountError::Refused("wrong code".into()))
            }
        });
        match redeemed {
            Ok(a) => Ok(Some(a)),
            Err(AccountError::Refused(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// What the first start did about the `admin` account.
#[derive(Debug, PartialEq, Eq)]
pub enum FirstStart {
    /// Accounts were there already.
    Existing,
    /// Made with the password of SPAM_SURVEY_ADMIN_PASSWORD.
    FromEnvironment,
    /// Made from the single password of an earlier version.
    Migrated,
    /// Made with this new password, to print once.
    Generated(String),
}

/// Replaces `dir/name` whole: written beside it, synced, renamed, the
/// folder synced; a crash leaves the old file or the new, never half.
pub(crate) fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), AccountError> {
    let tmp = dir.join(format!(".{name}.new"));
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let result = (|| {
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, dir.join(name))?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(result?)
}

#[cfg(test)]
mod tests;
