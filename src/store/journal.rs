//! Small append-only CSV files (invitations, the audit log, round changes):
//! one locked, fsynced append per line, shared by the server and commands.
//! Every line is chained (`chain`): a journal made here is tamper-evident
//! from its first line, whoever adds it.

use super::chain::{self, Chain};
use super::{StoreError, files, sync_dir};
use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::Path;

/// The journals of a data directory written before chains existed: the
/// server's start begins their chains.
pub(crate) const KNOWN: [&str; 3] = ["invitations.csv", "rounds.csv", "audit.csv"];

/// Begins the chain of a journal that has none (written before chains).
pub(crate) fn begin_chain(path: &Path) -> Result<(), StoreError> {
    if !path.exists() || chain::path_of(path).exists() {
        return Ok(());
    }
    let mut f = OpenOptions::new().read(true).write(true).open(path)?;
    f.lock()?;
    let begun = chain::open_for_append(path, &mut f).map(|_| ());
    let _ = f.unlock();
    begun
}

/// Creates `path` with its header line if it does not exist, and its
/// chain; refuses to make anew a file whose chain says it held rows.
pub(crate) fn create(path: &Path, header: &[&str]) -> Result<(), StoreError> {
    if path.exists() {
        return Ok(());
    }
    chain::refuse_if_lost(path)?;
    let line = encode(header.iter().copied())?;
    match files::private().write(true).create_new(true).open(path) {
        Ok(mut f) => {
            // Locked from its first byte: an append by another process
            // waits until the header and the chain are both there.
            f.lock()?;
            let made = f
                .write_all(&line)
                .and_then(|_| f.sync_all())
                .map_err(StoreError::from)
                .and_then(|_| match path.parent() {
                    Some(dir) => sync_dir(dir).map_err(StoreError::from),
                    None => Ok(()),
                })
                .and_then(|_| Chain::create(path, line.len() as u64).map(|_| ()));
            let _ = f.unlock();
            made
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
    let mut f = OpenOptions::new().read(true).append(true).open(path)?;
    f.lock()?;
    let result = append_locked(path, &mut f, &line);
    let _ = f.unlock();
    result
}

/// The line written, then its chain entry: on disk both, or neither.
fn append_locked(path: &Path, f: &mut std::fs::File, line: &[u8]) -> Result<(), StoreError> {
    let mut chain = chain::open_for_append(path, f)?;
    let at = f.metadata()?.len();
    let written = f
        .write_all(line)
        .and_then(|_| f.sync_data())
        .map_err(StoreError::from)
        .and_then(|_| chain.push(at, std::iter::once(line)));
    if written.is_err() {
        let _ = f.set_len(at).and_then(|_| f.sync_all());
    }
    written
}

/// Every whole line of `path` after the header; a missing file has none,
/// and a torn last line (a crash mid-append) is skipped.
/// Only what the chain vouches for is read: a line being appended, or one
/// added by hand, is not.
pub(crate) fn read(path: &Path) -> Result<Vec<csv::StringRecord>, StoreError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let len = chain::vouched_len(path, file.metadata()?.len());
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(file.take(len));
    let width = reader.headers().map(|h| h.len()).unwrap_or(0);
    Ok(reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| r.len() == width)
        .collect())
}

/// One page of a journal's lines, newest first: the `skip` newest passed
/// over, at most `take` after them; and how many lines it has. Only those
/// lines are read: the chain says where each one starts, so a long journal
/// is never read whole (without a chain, it is read through, keeping at
/// most `skip + take` lines).
pub(crate) fn newest(
    path: &Path,
    skip: usize,
    take: usize,
) -> Result<(Vec<csv::StringRecord>, usize), StoreError> {
    let Some(chain) = Chain::open(path, false)? else {
        let mut kept = std::collections::VecDeque::new();
        let mut total = 0;
        for line in read(path)? {
            total += 1;
            kept.push_back(line);
            if kept.len() > skip + take {
                kept.pop_front();
            }
        }
        let page = kept.into_iter().rev().skip(skip).collect();
        return Ok((page, total));
    };
    // Entry 0 is the header; entry i ends line i.
    let lines = chain.count.saturating_sub(1);
    let last = lines.saturating_sub(skip as u64);
    let first = last.saturating_sub(take as u64) + 1;
    if last == 0 || first > last {
        return Ok((Vec::new(), lines as usize));
    }
    let ends = chain.entries(first - 1, last + 1)?;
    let (Some(from), Some(to)) = (ends.first(), ends.last()) else {
        return Ok((Vec::new(), lines as usize));
    };
    let mut bytes = vec![0; (to.end - from.end) as usize];
    super::rows::read_exact_at(&std::fs::File::open(path)?, &mut bytes, from.end)?;
    let mut page: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice())
        .records()
        .filter_map(Result::ok)
        .collect();
    page.reverse();
    Ok((page, lines as usize))
}

/// A file's and its chain's sizes and modification times: what says it changed.
type Stamp = (
    Option<(u64, std::time::SystemTime)>,
    Option<(u64, std::time::SystemTime)>,
);

fn stamp_of(path: &Path) -> Result<Option<(u64, std::time::SystemTime)>, StoreError> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(Some((m.len(), m.modified()?))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

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
        let stamp = (stamp_of(path)?, stamp_of(&chain::path_of(path))?);
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
