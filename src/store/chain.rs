//! Tamper evidence: beside each append-only file of the data directory,
//! `<file>.chain` holds one entry per row of `<file>` (its header
//! included): where the row ends and SHA-256(previous entry's hash ‖ the
//! row's bytes). A row changed, removed or inserted breaks the chain at
//! that row; a file shorter than its chain lost rows that were
//! acknowledged. The CSV files themselves stay exactly as they were, so
//! every reader and export is unchanged.
//!
//! Every append goes through here (the responses writer, `journal`), and a
//! row is acknowledged only once its entry is on disk: the data is written
//! and fsynced first, then the chain, so a crash can leave rows past the
//! chain's end (never acknowledged: set aside at the next start) but never
//! a chain ahead of its file.

use super::{StoreError, files, sync_dir};
use chrono::{SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// What a chain file's name adds to its file's.
pub const SUFFIX: &str = ".chain";
/// The first words of a chain file, and of its format's version.
const MAGIC: &str = "spam-survey chain 1 (sha256)";
/// One entry: the row's end as 20 digits, a space, 64 hex digits, a line end.
pub(crate) const ENTRY: u64 = 86;

pub type Hash = [u8; 32];

/// The chain file of `data`.
pub fn path_of(data: &Path) -> PathBuf {
    let mut name = OsString::from(data.as_os_str());
    name.push(SUFFIX);
    PathBuf::from(name)
}

/// The next link: the hash of the one before and the row's bytes.
pub fn link(prev: &Hash, row: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(row);
    h.finalize().into()
}

/// One row as the chain holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Entry {
    /// Where the row ends in its file (just past its line end).
    pub end: u64,
    pub hash: Hash,
}

impl Entry {
    fn encode(&self) -> String {
        format!("{:020} {}\n", self.end, hex::encode(self.hash))
    }

    fn parse(b: &[u8]) -> Option<Entry> {
        if b.len() != ENTRY as usize || b[20] != b' ' || b[85] != b'\n' {
            return None;
        }
        let end = std::str::from_utf8(&b[..20]).ok()?.parse().ok()?;
        let mut hash = [0; 32];
        hex::decode_to_slice(&b[21..85], &mut hash).ok()?;
        Some(Entry { end, hash })
    }
}

/// A chain file read: its first line and its entries' place.
pub struct Chain {
    pub path: PathBuf,
    file: File,
    /// The first line (what the chain is of, since when).
    pub preamble: String,
    /// Where the entries start.
    start: u64,
    /// Whole entries.
    pub count: u64,
    /// The last entry and the hash before it (zeros before the first).
    pub last: Entry,
    prev: Hash,
    /// Bytes of a torn entry after the whole ones (a crash mid-append).
    pub torn_bytes: u64,
}

fn corrupt(path: &Path, why: impl Into<String>) -> StoreError {
    StoreError::Corrupt(path.to_path_buf(), why.into())
}

impl Chain {
    /// Opens the chain of `data`; None when it has none. With `write`, the
    /// file is opened to append to, and a torn entry is cut off.
    pub fn open(data: &Path, write: bool) -> Result<Option<Chain>, StoreError> {
        let path = path_of(data);
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .write(write)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let len = file.metadata()?.len();
        let mut head = vec![0; len.min(1024) as usize];
        read_at(&file, &mut head, 0)?;
        let Some(nl) = head.iter().position(|&b| b == b'\n') else {
            return Err(corrupt(&path, "its first line is not whole"));
        };
        let preamble = String::from_utf8_lossy(&head[..nl]).into_owned();
        if !preamble.starts_with(MAGIC) {
            return Err(corrupt(&path, "it is not a spam-survey chain"));
        }
        let start = nl as u64 + 1;
        let count = (len - start) / ENTRY;
        let torn_bytes = (len - start) % ENTRY;
        let entry_at = |i: u64| -> Result<Entry, StoreError> {
            let mut b = vec![0; ENTRY as usize];
            read_at(&file, &mut b, start + i * ENTRY)?;
            Entry::parse(&b).ok_or_else(|| corrupt(&path, format!("entry {} is damaged", i + 1)))
        };
        let last = if count > 0 {
            entry_at(count - 1)?
        } else {
            Entry::default()
        };
        let prev = if count > 1 {
            entry_at(count - 2)?.hash
        } else {
            [0; 32]
        };
        let mut chain = Chain {
            path,
            file,
            preamble,
            start,
            count,
            last,
            prev,
            torn_bytes,
        };
        if write && torn_bytes > 0 {
            chain.file.set_len(start + count * ENTRY)?;
            chain.file.sync_all()?;
            chain.torn_bytes = 0;
        }
        Ok(Some(chain))
    }

    /// Makes the chain of `data` over its rows from 0 to `upto` (whole rows
    /// only), written aside and renamed into place so that it is whole or absent.
    pub fn create(data: &Path, upto: u64) -> Result<Chain, StoreError> {
        let file = File::open(data)?;
        let mut entries = String::new();
        let mut prev = [0; 32];
        let mut rows = 0u64;
        let end = for_each_row(&file, upto, |row| {
            prev = link(&prev, row.bytes);
            entries.push_str(
                &Entry {
                    end: row.end,
                    hash: prev,
                }
                .encode(),
            );
            rows += 1;
            Ok(true)
        })?;
        if end.whole != upto {
            return Err(corrupt(
                data,
                format!("byte {} is not the end of a row", upto),
            ));
        }
        let path = path_of(data);
        let name = data
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let time = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        let preamble =
            format!("{MAGIC} of {name}, begun {time} over the {rows} row(s) then in the file\n");
        let mut aside = path.clone().into_os_string();
        aside.push(".new");
        let aside = PathBuf::from(aside);
        let mut f = files::private()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&aside)?;
        f.write_all(preamble.as_bytes())?;
        f.write_all(entries.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&aside, &path)?;
        if let Some(dir) = path.parent() {
            sync_dir(dir)?;
        }
        Chain::open(data, true)?.ok_or_else(|| corrupt(&path, "it vanished as it was made"))
    }

    /// Appends one entry per row (the rows' bytes, in order, ending at
    /// `start + …`) and returns once they are on disk; on failure the chain
    /// is cut back, so nothing it did not vouch for before is vouched for.
    pub fn push<'a>(
        &mut self,
        start: u64,
        rows: impl Iterator<Item = &'a [u8]>,
    ) -> Result<(), StoreError> {
        let mut text = String::new();
        let (mut prev, mut last, mut end, mut n) = (self.prev, self.last, start, 0u64);
        for row in rows {
            end += row.len() as u64;
            prev = last.hash;
            last = Entry {
                end,
                hash: link(&last.hash, row),
            };
            text.push_str(&last.encode());
            n += 1;
        }
        if n == 0 {
            return Ok(());
        }
        let at = self.start + self.count * ENTRY;
        let written = self
            .file
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.file.write_all(text.as_bytes()))
            .and_then(|_| self.file.sync_data());
        if let Err(e) = written {
            let _ = self.file.set_len(at).and_then(|_| self.file.sync_all());
            return Err(e.into());
        }
        self.count += n;
        self.prev = prev;
        self.last = last;
        Ok(())
    }

    /// Where the acknowledged rows end.
    pub fn end(&self) -> u64 {
        self.last.end
    }

    /// Every entry from the `from`th (0-based), read from the file now.
    pub fn entries_from(&self, from: u64) -> Result<Vec<Entry>, StoreError> {
        let len = self.file.metadata()?.len();
        self.entries(from, len.saturating_sub(self.start) / ENTRY)
    }

    /// The entries from the `from`th up to (not with) the `to`th, 0-based.
    pub fn entries(&self, from: u64, to: u64) -> Result<Vec<Entry>, StoreError> {
        let count = to;
        let mut out = Vec::with_capacity(count.saturating_sub(from) as usize);
        let mut f = std::io::BufReader::with_capacity(1 << 20, self.file.try_clone()?);
        f.seek(SeekFrom::Start(self.start + from * ENTRY))?;
        let mut b = vec![0; ENTRY as usize];
        for i in from..count {
            f.read_exact(&mut b)?;
            out.push(
                Entry::parse(&b)
                    .ok_or_else(|| corrupt(&self.path, format!("entry {} is damaged", i + 1)))?,
            );
        }
        Ok(out)
    }

    /// Checks the tail of `data` (open in `file`) against the chain: refuses
    /// a file shorter than what was acknowledged or whose last acknowledged
    /// row is not what was written, and says where the acknowledged rows end.
    pub fn check_tail(&self, data: &Path, file: &File) -> Result<u64, StoreError> {
        let len = file.metadata()?.len();
        let end = self.end();
        if len < end {
            return Err(StoreError::Lost(format!(
                "{} ends at byte {len}, but its chain ({}) says {} row(s) up to byte {end} were acknowledged: rows were removed, or the file was replaced by an older copy. Stop here and restore {} from your backup of the data directory (with its .chain file), then start again; `spam-survey verify --data DIR` names the first line that differs",
                data.display(),
                self.path.display(),
                self.count,
                data.display(),
            )));
        }
        if self.count > 0 {
            let row_start = if self.count > 1 { self.prev_end()? } else { 0 };
            let mut row = vec![0; (end - row_start) as usize];
            read_at(file, &mut row, row_start)?;
            if link(&self.prev, &row) != self.last.hash {
                return Err(StoreError::Lost(format!(
                    "the last acknowledged row of {} (ending at byte {end}) is not the row that was written: the file was changed. Restore it from your backup of the data directory; `spam-survey verify --data DIR` names the first line that differs",
                    data.display(),
                )));
            }
        }
        Ok(end)
    }

    fn prev_end(&self) -> Result<u64, StoreError> {
        let mut b = vec![0; ENTRY as usize];
        read_at(&self.file, &mut b, self.start + (self.count - 2) * ENTRY)?;
        Ok(Entry::parse(&b)
            .ok_or_else(|| corrupt(&self.path, "an entry is damaged"))?
            .end)
    }
}

/// How much of `data` the chain vouches for (its whole length when it has
/// no chain): readers beside a running server stop there, so a row being
/// written, or one added by hand, is not read.
pub fn vouched_len(data: &Path, len: u64) -> u64 {
    match Chain::open(data, false) {
        Ok(Some(c)) => len.min(c.end()),
        _ => len,
    }
}

/// Opens `data` (an append-only file, locked by the caller or by the
/// server's lock) for appending: checks its tail against its chain, sets
/// aside anything past the chain's end (a row a crash cut short, or rows
/// never acknowledged), and makes the chain if the file has none yet (a
/// data directory written before chains, or a file just created).
pub fn open_for_append(data: &Path, file: &mut File) -> Result<Chain, StoreError> {
    match Chain::open(data, true)? {
        Some(chain) => {
            let end = chain.check_tail(data, file)?;
            if file.metadata()?.len() > end {
                set_aside(
                    data,
                    file,
                    end,
                    "rows past the end of its chain, never acknowledged",
                )?;
            }
            Ok(chain)
        }
        None => {
            let end = for_each_row(file, file.metadata()?.len(), |_| Ok(true))?;
            if end.whole < file.metadata()?.len() {
                set_aside(data, file, end.whole, "a last row that is not whole")?;
            }
            let chain = Chain::create(data, end.whole)?;
            // Only a file with rows before its header's chain is an upgrade worth telling.
            if chain.count > 1 {
                tracing::info!(file = %data.display(), rows = chain.count, "a chain was begun over the rows already in the file");
            } else {
                tracing::debug!(file = %data.display(), "a chain was begun with the file");
            }
            Ok(chain)
        }
    }
}

/// Refuses to make `data` anew when its chain says rows were acknowledged
/// in it: a deleted file is a loss to restore, not an empty file to start.
pub fn refuse_if_lost(data: &Path) -> Result<(), StoreError> {
    if data.exists() {
        return Ok(());
    }
    if let Some(chain) = Chain::open(data, false)? {
        return Err(StoreError::Lost(format!(
            "{} is missing, but its chain ({}) says {} row(s) were acknowledged in it: restore the file from your backup of the data directory, then start again (a new empty file would lose them)",
            data.display(),
            chain.path.display(),
            chain.count,
        )));
    }
    Ok(())
}

/// Copies the tail of `path` from `start` to `<path>.torn-<time>` (never
/// deleted) and cuts it from the file.
pub fn set_aside(path: &Path, file: &mut File, start: u64, why: &str) -> Result<(), StoreError> {
    let len = file.metadata()?.len();
    let mut tail = vec![0; (len - start) as usize];
    read_at(file, &mut tail, start)?;
    let stamp = Utc::now().format("%Y%m%dT%H%M%S%.fZ");
    let aside = PathBuf::from(format!("{}.torn-{stamp}", path.display()));
    let mut out = files::private().write(true).create_new(true).open(&aside)?;
    out.write_all(&tail)?;
    out.sync_all()?;
    file.set_len(start)?;
    file.sync_all()?;
    if let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    tracing::warn!(file = %path.display(), kept_in = %aside.display(), bytes = tail.len(), "{why}: set aside; every row before it is loaded");
    Ok(())
}

/// One row of a file, as [`for_each_row`] lends it.
pub struct Row<'a> {
    pub bytes: &'a [u8],
    pub start: u64,
    pub end: u64,
    /// The line it starts on (1 for the header).
    pub line: u64,
}

/// Where [`for_each_row`] stopped.
pub struct Rows {
    /// Where the last whole row ends.
    pub whole: u64,
    /// The line after the last whole row.
    pub next_line: u64,
}

/// Lends `f` every whole row of `file` up to `limit`, in order: a row ends
/// at a line end outside quotes (the csv crate quotes a field with a quote
/// or a line end whole, doubling its quotes). `f` returns false to stop.
pub fn for_each_row(
    file: &File,
    limit: u64,
    mut f: impl FnMut(Row<'_>) -> Result<bool, StoreError>,
) -> Result<Rows, StoreError> {
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file.try_clone()?);
    reader.seek(SeekFrom::Start(0))?;
    let mut reader = reader.take(limit);
    let mut chunk = vec![0; 1 << 20];
    let mut row = Vec::new();
    let (mut start, mut line, mut lines_in_row, mut quoted) = (0u64, 1u64, 0u64, false);
    loop {
        let n = reader.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        let mut from = 0;
        for i in memchr::memchr2_iter(b'"', b'\n', &chunk[..n]) {
            if chunk[i] == b'"' {
                quoted = !quoted;
                continue;
            }
            lines_in_row += 1;
            if quoted {
                continue;
            }
            row.extend_from_slice(&chunk[from..=i]);
            from = i + 1;
            let end = start + row.len() as u64;
            if !f(Row {
                bytes: &row,
                start,
                end,
                line,
            })? {
                return Ok(Rows {
                    whole: end,
                    next_line: line + lines_in_row,
                });
            }
            start = end;
            line += lines_in_row;
            lines_in_row = 0;
            row.clear();
        }
        row.extend_from_slice(&chunk[from..n]);
    }
    Ok(Rows {
        whole: start,
        next_line: line,
    })
}

fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    super::rows::read_exact_at(file, buf, offset)
}

/// The rows of `bytes` (whole rows, as the writer made them), in order.
pub fn split(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut quoted = false;
    let mut from = 0;
    memchr::memchr2_iter(b'"', b'\n', bytes).filter_map(move |i| {
        if bytes[i] == b'"' {
            quoted = !quoted;
            return None;
        }
        if quoted {
            return None;
        }
        let row = &bytes[from..=i];
        from = i + 1;
        Some(row)
    })
}

/// At a server's start: every chained file of `dir` is there, as long as
/// its chain says and with its last row intact; anything past a chain's
/// end is set aside. Each file is locked while it is looked at, as a
/// command may be appending to it.
pub fn check_dir(dir: &Path) -> Result<(), StoreError> {
    let mut chains = Vec::new();
    files::every_file(dir, &mut chains)?;
    chains.retain(|p| p.to_string_lossy().ends_with(SUFFIX));
    chains.sort();
    for c in chains {
        let Some(data) = c
            .to_str()
            .and_then(|s| s.strip_suffix(SUFFIX))
            .map(PathBuf::from)
        else {
            continue;
        };
        refuse_if_lost(&data)?;
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&data)?;
        file.lock()?;
        let checked = open_for_append(&data, &mut file);
        let _ = file.unlock();
        checked?;
    }
    Ok(())
}

/// The list of every chained file of a data directory (paths inside it),
/// itself a chained journal: a file deleted with its chain (an edition's
/// folder removed) is still missed at the next start.
pub const LIST: &str = "chained.csv";

/// The chained files `dir`'s list names, as paths inside `dir`.
pub fn listed(dir: &Path) -> Result<Vec<String>, StoreError> {
    Ok(super::journal::read(&dir.join(LIST))?
        .into_iter()
        .filter_map(|r| r.get(0).map(str::to_string))
        .collect())
}

/// Adds to the list every chained file of `dir` it does not name yet.
pub fn list_chained(dir: &Path) -> Result<(), StoreError> {
    let path = dir.join(LIST);
    super::journal::create(&path, &["path"])?;
    let known: std::collections::HashSet<String> = listed(dir)?.into_iter().collect();
    let mut chains = Vec::new();
    files::every_file(dir, &mut chains)?;
    chains.sort();
    for c in chains {
        let Some(rel) = c
            .strip_prefix(dir)
            .ok()
            .and_then(|r| r.to_str())
            .and_then(|r| r.strip_suffix(SUFFIX))
        else {
            continue;
        };
        if rel != LIST && !known.contains(rel) {
            super::journal::append(&path, &[rel])?;
        }
    }
    Ok(())
}

/// At a server's start: every file the list names is there, or its chain
/// is (which [`check_dir`] has looked at); both gone is a loss to restore.
pub fn check_listed(dir: &Path) -> Result<(), StoreError> {
    for rel in listed(dir)? {
        let data = dir.join(&rel);
        if !data.exists() && !path_of(&data).exists() {
            return Err(StoreError::Lost(format!(
                "{} and its chain are missing, but {} lists it as a chained file of this data directory: restore it (or its whole folder) from your backup of the data directory, then start again",
                data.display(),
                dir.join(LIST).display(),
            )));
        }
    }
    Ok(())
}
