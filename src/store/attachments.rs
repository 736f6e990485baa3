//! Attached documents in the data directory: `files/<sha256>`, each written
//! whole (a temporary file, fsynced, renamed, the folder fsynced) before
//! the answer row that names it, and never changed or removed after.

use super::{Store, StoreError, files, sync_dir};
use crate::attachments::is_sha256;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub use crate::attachments::FOLDER;
/// The start of a file being written (set aside by `verify`, never served).
const PART: &str = ".part-";

impl Store {
    /// Stores `bytes` under their SHA-256 and returns it; durable when this
    /// returns (file and folder fsynced). A file already there is kept:
    /// its name is its content.
    pub fn put_file(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let hash = hex::encode(Sha256::digest(bytes));
        let dir = self.dir.join(FOLDER);
        let path = dir.join(&hash);
        if path.is_file() {
            return Ok(hash);
        }
        files::create_dir(&dir)?;
        let tmp = dir.join(format!(
            "{PART}{}",
            hex::encode(super::random_bytes::<8>()?)
        ));
        let written = (|| {
            let mut f = files::private().write(true).create_new(true).open(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            sync_dir(&dir)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
        Ok(hash)
    }

    /// The stored file with this hash, if there is one.
    pub fn file_path(&self, sha256: &str) -> Option<PathBuf> {
        let path = self.dir.join(FOLDER).join(sha256);
        (is_sha256(sha256) && path.is_file()).then_some(path)
    }
}

/// What `verify` finds of one file under `files/`.
pub enum Found {
    /// Its content hashes to its name.
    Whole,
    /// A file being written when the server stopped: no answer names it.
    Partial,
    /// Its content or its name is not what it was written as.
    Fault(String),
}

/// Checks one file under `files/` against its name.
pub fn check(path: &Path) -> std::io::Result<Found> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.starts_with(PART) {
        return Ok(Found::Partial);
    }
    if !is_sha256(&name) {
        return Ok(Found::Fault(
            "not an attachment: its name is not a SHA-256 (a file put there by hand?)".into(),
        ));
    }
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let got = hex::encode(hasher.finalize());
    Ok(if got == name {
        Found::Whole
    } else {
        Found::Fault(format!(
            "its content has the SHA-256 {got}, not its name: the file was changed; restore it from a backup"
        ))
    })
}
