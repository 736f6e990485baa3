//! Storage: the data directory and everything in it, behind one type.
//! Files are CSV, appended to and never rewritten; locks and fsyncs stay here.

pub mod admit;
pub mod chain;
mod confirmations;
mod files;
mod index;
mod invitations;
pub(crate) mod journal;
mod responses;
mod round;
mod rows;
mod scan;
mod verify;

pub use confirmations::Confirmation;
pub use files::{
    create_dir as create_private_dir, private as private_options, warning as permissions_warning,
    write_private,
};
pub use index::Index;
pub use invitations::{Holder, Invitations, Invited, TOKEN_LEN, looks_like_token, token_hash};
pub use responses::{MemberState, ResponseLog, Revision, Save, Saves, Status, encode_row};
pub use round::{AuditEntry, RoundState};
pub use scan::{FIXED_HEADER, Scanned, Scanner};
pub use verify::{Checked, Findings, Verdict, verify};

use crate::answers::Cells;
use crate::definition::{Member, Survey};
use rand::TryRngCore;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What can go wrong with the data directory.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{path}: {message}", path = .0.display(), message = .1)]
    Corrupt(PathBuf, String),
    #[error("the answers could not be written to disk: {0}")]
    NotSaved(String),
    #[error("the writer thread has stopped")]
    WriterGone,
    #[error("another spam-survey server is already using the data directory {}", .0.display())]
    InUse(PathBuf),
    #[error("the data directory is open read-only here; answers cannot be saved")]
    ReadOnly,
    #[error("there is no edition `{0}`")]
    NoSuchSurvey(String),
    /// Acknowledged rows are missing or changed: the start stops, for a
    /// person to restore the file.
    #[error("{0}")]
    Lost(String),
    /// A save whose conditions no longer held when it was written.
    #[error("the save was not written: {0}")]
    Refused(admit::Refused),
}

/// `N` bytes from the operating system's generator (keys, salts, tokens).
pub fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| StoreError::NotSaved(format!("no randomness from the system: {e}")))?;
    Ok(bytes)
}

/// 32 random bytes (256 bits) as 43 base64url characters: links, session ids.
pub fn random_token() -> Result<String, StoreError> {
    use base64::Engine;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// fsync a directory, so that a file created or renamed in it survives a crash.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// The data directory: every edition's responses, the invitations, the
/// server's secret key.
pub struct Store {
    pub dir: PathBuf,
    pub surveys: BTreeMap<String, Arc<Survey>>,
    logs: BTreeMap<String, ResponseLog>,
    pub invitations: Invitations,
    secret: [u8; 32],
    /// The round's changes, read again only when the file changes.
    rounds: journal::Cached<Vec<csv::StringRecord>>,
    _lock: Option<File>,
}

impl Store {
    /// Opens the data directory for a server: creates what is missing, loads
    /// every edition's responses, and holds a lock so that no second server
    /// writes to the same files.
    pub fn open(dir: &Path, surveys: Vec<Survey>) -> Result<Store, StoreError> {
        files::create_dir(dir)?;
        let lock = files::private()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(".lock"))?;
        if lock.try_lock().is_err() {
            return Err(StoreError::InUse(dir.to_path_buf()));
        }
        // Before anything is read or written: every acknowledged row is
        // where its chain says, and files written before chains get one.
        chain::check_dir(dir)?;
        chain::check_listed(dir)?;
        for name in journal::KNOWN {
            journal::begin_chain(&dir.join(name))?;
        }
        let mut store = Store::open_unlocked(dir, surveys)?;
        store._lock = Some(lock);
        chain::list_chained(dir)?;
        Ok(store)
    }

    /// Opens the data directory without the server's lock, for a command
    /// that only issues invitations (safe beside a running server).
    pub fn open_for_invitations(dir: &Path, surveys: Vec<Survey>) -> Result<Store, StoreError> {
        files::create_dir(dir)?;
        let secret = secret_key(dir)?;
        Ok(Store {
            dir: dir.to_path_buf(),
            surveys: surveys
                .into_iter()
                .map(|s| (s.id.clone(), Arc::new(s)))
                .collect(),
            logs: BTreeMap::new(),
            invitations: Invitations::open(dir, true)?,
            secret,
            rounds: journal::Cached::default(),
            _lock: None,
        })
    }

    /// Opens the data directory to read it, beside a running server or
    /// without one: nothing is created or changed, a missing directory or
    /// file is an edition without answers.
    pub fn open_read_only(dir: &Path, surveys: Vec<Survey>) -> Result<Store, StoreError> {
        let mut logs = BTreeMap::new();
        for s in &surveys {
            let log = ResponseLog::open_read_only(s, &dir.join(&s.id).join("responses.csv"))?;
            logs.insert(s.id.clone(), log);
        }
        Ok(Store {
            dir: dir.to_path_buf(),
            surveys: surveys
                .into_iter()
                .map(|s| (s.id.clone(), Arc::new(s)))
                .collect(),
            logs,
            invitations: Invitations::open(dir, false)?,
            secret: [0; 32],
            rounds: journal::Cached::default(),
            _lock: None,
        })
    }

    fn open_unlocked(dir: &Path, surveys: Vec<Survey>) -> Result<Store, StoreError> {
        let mut store = Store::open_for_invitations(dir, surveys)?;
        for (id, survey) in &store.surveys {
            let edition_dir = dir.join(id);
            files::create_dir(&edition_dir)?;
            let log = ResponseLog::open(survey, &edition_dir.join("responses.csv"))?;
            store.logs.insert(id.clone(), log);
        }
        Ok(store)
    }

    /// Whether `dir` holds a data directory: the server's key is made at
    /// its first start, and never removed.
    pub fn is_data_dir(dir: &Path) -> bool {
        dir.join("secret.key").is_file()
    }

    /// Writes the address the server is reached at into its lock file, so
    /// that `invite` prints links to this very server (whatever its port).
    pub fn announce(&self, base_url: &str) -> Result<(), StoreError> {
        if let Some(mut lock) = self._lock.as_ref() {
            lock.set_len(0)?;
            std::io::Seek::rewind(&mut lock)?;
            lock.write_all(format!("{base_url}\n").as_bytes())?;
        }
        Ok(())
    }

    /// The address the last server of `dir` announced (see
    /// [`Store::announce`]), if any.
    pub fn announced(dir: &Path) -> Option<String> {
        let text = std::fs::read_to_string(dir.join(".lock")).ok()?;
        let url = text.lines().next()?.trim();
        (url.starts_with("http://") || url.starts_with("https://")).then(|| url.to_string())
    }

    pub fn survey(&self, id: &str) -> Result<&Arc<Survey>, StoreError> {
        self.surveys
            .get(id)
            .ok_or_else(|| StoreError::NoSuchSurvey(id.to_string()))
    }

    fn log(&self, survey: &str) -> Result<&ResponseLog, StoreError> {
        self.logs
            .get(survey)
            .ok_or_else(|| StoreError::NoSuchSurvey(survey.to_string()))
    }

    /// Stores a save of a member's answers; returns once it is on disk.
    pub async fn save(
        &self,
        survey: &str,
        member: &str,
        status: Status,
        cells: Cells,
    ) -> Result<Arc<Revision>, StoreError> {
        self.log(survey)?.save(member, status, cells).await
    }

    /// Stores a save if `conditions` still hold when it is written (decided
    /// by the edition's writer, after every save before it).
    pub async fn save_if(
        &self,
        survey: &str,
        member: &str,
        status: Status,
        cells: Cells,
        conditions: admit::Conditions,
    ) -> Result<Arc<Revision>, StoreError> {
        self.log(survey)?
            .save_if(member, status, cells, conditions)
            .await
    }

    /// What is stored of a member's response to an edition: its latest and
    /// latest submitted answers (read from the file) and every save.
    pub fn member(&self, survey: &str, member: &str) -> Result<MemberState, StoreError> {
        self.log(survey)?.member(member)
    }

    /// A member's saves to an edition, without their answers (cheap).
    pub fn saves(&self, survey: &str, member: &str) -> Result<Saves, StoreError> {
        self.log(survey)?.saves(member)
    }

    /// The number of a member's latest save to an edition (cheap: no answers are read).
    pub fn latest_number(&self, survey: &str, member: &str) -> Result<Option<u64>, StoreError> {
        Ok(self.saves(survey, member)?.latest().map(|s| s.number))
    }

    /// Lends the index of an edition (every member's saves, no answers) to
    /// `f`, without copying it.
    pub fn with_index<R>(
        &self,
        survey: &str,
        f: impl FnOnce(&Index) -> R,
    ) -> Result<R, StoreError> {
        self.log(survey)?.with_index(f)
    }

    /// The latest submitted save of each member on the edition's list, with
    /// the member's place in the list, in the list's order.
    pub fn submitted(&self, survey: &str) -> Result<Vec<(usize, Save)>, StoreError> {
        self.with_index(survey, |index| {
            index
                .listed()
                .filter_map(|(place, saves)| Some((place, *saves.latest_submitted()?)))
                .collect()
        })
    }

    /// Reads the rows of `saves` (of this edition), in the order given,
    /// each one's answers into one reused buffer lent to `f`; rows near each
    /// other in the file are read together.
    pub fn read_rows<E: From<StoreError>>(
        &self,
        survey: &str,
        saves: &[Save],
        mut f: impl FnMut(&Save, &mut Cells) -> Result<(), E>,
    ) -> Result<(), E> {
        self.log(survey)?
            .read_rows(saves, |s| s, |s, cells| f(s, cells))
    }

    /// Reads the rows of some of [`Store::submitted`]'s answer (a part, for
    /// one thread of several), lending `f` each member's place in the list,
    /// its save and its answers.
    pub fn read_places<E: From<StoreError>>(
        &self,
        survey: &str,
        rows: &[(usize, Save)],
        mut f: impl FnMut(usize, &Save, &mut Cells) -> Result<(), E>,
    ) -> Result<(), E> {
        self.log(survey)?
            .read_rows(rows, |(_, s)| s, |(place, s), cells| f(*place, s, cells))
    }

    /// Reads the latest submitted response of each member on the list, in
    /// the list's order, one row at a time: `f` gets the member, its save
    /// and its answers (a buffer reused from row to row).
    pub fn read_submitted<E: From<StoreError>>(
        &self,
        survey: &str,
        mut f: impl FnMut(&Member, &Save, &mut Cells) -> Result<(), E>,
    ) -> Result<(), E> {
        let s = self.survey(survey)?.clone();
        let rows = self.submitted(survey)?;
        self.read_places(survey, &rows, |place, save, cells| {
            match s.members.get(place) {
                Some(member) => f(member, save, cells),
                // `submitted` gives places in this very list.
                None => Ok(()),
            }
        })
    }

    /// The latest submitted response of each member, in the member list's
    /// order, answers and all (in memory: for small editions and tests;
    /// exports and the report read row by row).
    pub fn latest_submitted(&self, survey: &str) -> Result<Vec<Arc<Revision>>, StoreError> {
        let mut out = Vec::new();
        self.read_submitted(survey, |member, save, cells| {
            out.push(Arc::new(Revision {
                number: save.number,
                time: save.time,
                member: member.code.clone(),
                status: save.status,
                cells: cells.clone(),
            }));
            Ok::<(), StoreError>(())
        })?;
        Ok(out)
    }

    /// Every revision of an edition in file order, read from disk as it goes
    /// (memory does not grow with the file); a torn last row is left out.
    pub fn scan(
        &self,
        survey: &str,
    ) -> Result<Box<dyn Iterator<Item = Result<Revision, StoreError>>>, StoreError> {
        let s = self.survey(survey)?;
        match Scanner::open(s, self.responses_path(survey)?)? {
            Some(scanner) => Ok(Box::new(scanner.revisions())),
            None => Ok(Box::new(std::iter::empty())),
        }
    }

    /// The responses file of an edition.
    pub fn responses_path(&self, survey: &str) -> Result<&Path, StoreError> {
        Ok(&self.log(survey)?.path)
    }

    /// A key only this data directory knows, for signing (form tokens, cookies).
    pub fn secret(&self) -> &[u8; 32] {
        &self.secret
    }
}

/// Reads the server's secret key, making it on first use.
fn secret_key(dir: &Path) -> Result<[u8; 32], StoreError> {
    let path = dir.join("secret.key");
    let mut key = [0u8; 32];
    match File::open(&path) {
        Ok(mut f) => {
            let mut text = String::new();
            f.read_to_string(&mut text)?;
            let bytes = hex::decode(text.trim())
                .map_err(|_| StoreError::Corrupt(path.clone(), "not a hex key".into()))?;
            if bytes.len() != 32 {
                return Err(StoreError::Corrupt(path, "the key is not 32 bytes".into()));
            }
            key.copy_from_slice(&bytes);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            key = random_bytes()?;
            let mut f = files::private().write(true).create_new(true).open(&path)?;
            f.write_all(hex::encode(key).as_bytes())?;
            f.sync_all()?;
            sync_dir(dir)?;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(key)
}
