//! Small append-only CSV files (invitations, the audit log, round changes):
//! one locked, fsynced append per line, shared by the server and commands.

use super::{StoreError, sync_dir};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

/// Creates `path` with its header line if it does not exist.
pub(crate) fn create(path: &Path, header: &[&str]) -> Result<(), StoreError> {
    if path.exists() {
        return Ok(());
    }
    let line = encode(header.iter().copied())?;
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut f) => {
            f.write_all(&line)?;
            f.sync_all()?;
            if let Some(dir) = path.parent() {
                sync_dir(dir)?;
            }
            Ok(())
        }
        // Another process made it in the meantime.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn encode<'a>(fields: impl Iterator<Item = &'a str>) -> Result<Vec<u8>, StoreError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(fields)
        .map_err(|e| StoreError::NotSaved(e.to_string()))?;
    w.into_inner()
        .map_err(|e| StoreError::NotSaved(e.to_string()))
}

/// Appends one line and returns once it is on disk. The file lock keeps
/// lines whole when a command and the server append at the same moment.
pub(crate) fn append(path: &Path, fields: &[&str]) -> Result<(), StoreError> {
    let line = encode(fields.iter().copied())?;
    let mut f = OpenOptions::new().append(true).open(path)?;
    f.lock()?;
    let result = f.write_all(&line).and_then(|_| f.sync_data());
    let _ = f.unlock();
    Ok(result?)
}

/// Every whole line of `path` after the header; a missing file has none,
/// and a torn last line (a crash mid-append) is skipped.
pub(crate) fn read(path: &Path) -> Result<Vec<csv::StringRecord>, StoreError> {
    let mut reader = match csv::ReaderBuilder::new().flexible(true).from_path(path) {
        Ok(r) => r,
        Err(e) => match e.kind() {
            csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Vec::new());
            }
            _ => return Err(StoreError::Corrupt(path.to_path_buf(), e.to_string())),
        },
    };
    let width = reader.headers().map(|h| h.len()).unwrap_or(0);
    Ok(reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| r.len() == width)
        .collect())
}

/// A file's size and modification time: what says it changed.
type Stamp = Option<(u64, std::time::SystemTime)>;

/// What a journal says, worked out again only when the file's size or time
/// changes: cheap to ask on every request, and a change made by another
/// process (the `invite` command beside the server) counts at once.
#[derive(Default)]
pub(crate) struct Cached<T> {
    /// The file's stamp and what was made of it; None until first asked.
    state: std::sync::Mutex<Option<(Stamp, std::sync::Arc<T>)>>,
}

impl<T> Cached<T> {
    /// What `build` makes of the lines of `path`, from memory when the file
    /// has not changed. A missing file is a journal with no lines.
    pub(crate) fn get(
        &self,
        path: &Path,
        build: impl FnOnce(Vec<csv::StringRecord>) -> T,
    ) -> Result<std::sync::Arc<T>, StoreError> {
        let stamp = match std::fs::metadata(path) {
            Ok(m) => Some((m.len(), m.modified()?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        // A file that is still missing is still a journal with no lines:
        // nothing to read again (the round's file is missing until the
        // secretariat first closes or reopens the edition).
        match &*state {
            Some((seen, made)) if *seen == stamp => Ok(made.clone()),
            _ => {
                let made = std::sync::Arc::new(build(read(path)?));
                *state = Some((stamp, made.clone()));
                Ok(made)
            }
        }
    }
}
