//! `verify`'s work: every file of a data directory checked against its
//! chain, row by row, naming the first line changed, removed or inserted;
//! files without a chain are named as such, never passed over in silence.

use super::chain::{self, Chain, Entry, Hash, link};
use super::{StoreError, files};
use std::fs::File;
use std::path::{Path, PathBuf};

/// What was found of one file.
#[derive(Debug)]
pub enum Verdict {
    /// Every row is the one its chain vouches for.
    Whole {
        rows: u64,
        since: String,
        head: String,
        /// A note that is not a fault (a torn last row, never acknowledged).
        note: Option<String>,
    },
    /// The first fault, with its line.
    Fault(String),
    /// Not chained, and why.
    NotChained(&'static str),
    /// An attachment whose content hashes to its name.
    Stored { bytes: u64 },
}

/// One file of the data directory and its verdict.
#[derive(Debug)]
pub struct Checked {
    /// The path inside the data directory.
    pub path: PathBuf,
    pub verdict: Verdict,
}

/// What `verify` found in a data directory.
#[derive(Debug)]
pub struct Findings {
    pub files: Vec<Checked>,
    /// Paths others can read, and the fix.
    pub permissions: Option<String>,
}

impl Findings {
    /// Whether any chained file has a fault.
    pub fn faults(&self) -> usize {
        self.files
            .iter()
            .filter(|f| matches!(f.verdict, Verdict::Fault(_)))
            .count()
    }
}

/// Checks every file under `dir`.
pub fn verify(dir: &Path) -> Result<Findings, StoreError> {
    if !dir.is_dir() {
        return Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} is not a data directory", dir.display()),
        )));
    }
    let mut paths = Vec::new();
    files::every_file(dir, &mut paths)?;
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let verdict = if rel.parent() == Some(Path::new(super::attachments::FOLDER)) {
            use super::attachments::{Found, check};
            match check(&path)? {
                Found::Whole => Verdict::Stored {
                    bytes: std::fs::metadata(&path)?.len(),
                },
                Found::Partial => Verdict::NotChained(
                    "an attachment being written when the server stopped, never named by an answer (it may be removed)",
                ),
                Found::Fault(why) => Verdict::Fault(format!("{}: {why}", rel.display())),
            }
        } else if let Some(data) = name.strip_suffix(chain::SUFFIX) {
            // A chain is checked with its file; alone, its file is missing.
            if path.with_file_name(data).exists() {
                continue;
            }
            match Chain::open(&path.with_file_name(data), false)? {
                Some(c) => Verdict::Fault(format!(
                    "{} is missing, but its chain says {} row(s) were acknowledged in it: restore it from a backup",
                    rel.with_file_name(data).display(),
                    c.count
                )),
                None => continue,
            }
        } else if chain::path_of(&path).exists() {
            check_file(&path, &rel)?
        } else if rel.starts_with("published") {
            Verdict::NotChained(
                "a published file, written once; its SHA-256 is in its version's manifest.json",
            )
        } else {
            Verdict::NotChained(kind_of(&name))
        };
        out.push(Checked { path: rel, verdict });
    }
    for rel in chain::listed(dir)? {
        let data = dir.join(&rel);
        if !data.exists() && !chain::path_of(&data).exists() {
            out.push(Checked {
                path: PathBuf::from(&rel),
                verdict: Verdict::Fault(format!(
                    "{rel} and its chain are missing, but {} lists it as a chained file: restore it from a backup",
                    chain::LIST
                )),
            });
        }
    }
    Ok(Findings {
        files: out,
        permissions: files::warning(dir),
    })
}

/// Why a file has no chain.
fn kind_of(name: &str) -> &'static str {
    match name {
        ".lock" => "the server's lock (empty)",
        "secret.key" => "the server's key, written once",
        "admin-password.argon2" => "the secretariat password's hash, written once",
        "DEMO-DATA.txt" => "the demo data marker",
        _ if name.contains(".torn-") => "a tail set aside at a start, kept for a person to look at",
        _ if name.ends_with(".chain.new") => {
            "a chain being made when the server stopped (made again at the next start)"
        }
        _ if name.ends_with(".csv") => {
            "not chained yet: its chain is begun at the next start or append"
        }
        _ => "unknown to spam-survey: not checked",
    }
}

/// The state of the walk along one file and its chain.
struct Walk<'a> {
    chain: &'a Chain,
    entries: Vec<Entry>,
    /// The next entry to meet, and the hash before it.
    next: usize,
    prev: Hash,
    rel: &'a Path,
    fault: Option<String>,
    /// Rows past the chain's end: the first one's line, and how many.
    past: Option<(u64, u64)>,
}

impl Walk<'_> {
    /// Meets `row` (on `line`), with the row after it when there is one.
    fn meet(&mut self, row: &[u8], line: u64, after: Option<&[u8]>) -> Result<(), StoreError> {
        if let Some((_, n)) = &mut self.past {
            *n += 1;
            return Ok(());
        }
        if self.next >= self.entries.len() {
            // Beside a running server, the chain may have grown since it was read.
            let more = self.chain.entries_from(self.entries.len() as u64)?;
            self.entries.extend(more);
        }
        let Some(want) = self.entries.get(self.next) else {
            self.past = Some((line, 1));
            return Ok(());
        };
        let got = link(&self.prev, row);
        if got == want.hash {
            self.prev = got;
            self.next += 1;
            return Ok(());
        }
        let rel = self.rel.display();
        let n = self.next + 1;
        self.fault = Some(
            if self
                .entries
                .get(self.next + 1)
                .is_some_and(|e| link(&want.hash, row) == e.hash)
            {
                format!(
                    "a row was removed before line {line} (the chain's row {n} is not in the file)"
                )
            } else if after.is_some_and(|a| link(&self.prev, a) == want.hash) {
                format!(
                    "line {line} was inserted (the chain has no such row; its row {n} follows it)"
                )
            } else {
                format!("line {line} was changed (it is not the row {n} the chain vouches for)")
            },
        )
        .map(|m| format!("{rel}: {m}"));
        Ok(())
    }
}

/// Checks one chained file, row by row.
fn check_file(path: &Path, rel: &Path) -> Result<Verdict, StoreError> {
    // The chain is read before the file: beside a running server, a row
    // is written before its entry, so the file can only be ahead.
    let Some(chain) = Chain::open(path, false)? else {
        return Ok(Verdict::NotChained("its chain vanished while it was read"));
    };
    let mut walk = Walk {
        entries: chain.entries_from(0)?,
        chain: &chain,
        next: 0,
        prev: [0; 32],
        rel,
        fault: None,
        past: None,
    };
    let file = File::open(path)?;
    let mut held: Option<(Vec<u8>, u64)> = None;
    let rows = chain::for_each_row(&file, file.metadata()?.len(), |row| {
        if let Some((bytes, line)) = held.take() {
            walk.meet(&bytes, line, Some(row.bytes))?;
        }
        held = Some((row.bytes.to_vec(), row.line));
        Ok(walk.fault.is_none())
    })?;
    if walk.fault.is_none()
        && let Some((bytes, line)) = held.take()
    {
        walk.meet(&bytes, line, None)?;
    }
    if let Some(fault) = walk.fault {
        return Ok(Verdict::Fault(fault));
    }
    let rel_s = rel.display();
    if let Some((line, n)) = walk.past {
        return Ok(Verdict::Fault(format!(
            "{rel_s}: line {line} and {n} row(s) from there are past the end of the chain: never acknowledged (rows added by hand, or a crash during a save; the server sets them aside at its next start)"
        )));
    }
    let len = file.metadata()?.len();
    if walk.next < walk.entries.len() {
        return Ok(Verdict::Fault(format!(
            "{rel_s}: the file ends at line {}, but its chain vouches for {} more row(s): rows at its end were removed (or, in a copy made during a save, this file was copied a moment before its chain: copy again)",
            rows.next_line.saturating_sub(1),
            walk.entries.len() - walk.next
        )));
    }
    let note = (len > rows.whole).then(|| {
        format!(
            "a last row that is not whole from line {} (a save a crash cut short, never acknowledged; set aside at the next start)",
            rows.next_line
        )
    });
    let since = chain
        .preamble
        .split_once("begun ")
        .map(|(_, s)| s.to_string())
        .unwrap_or_default();
    Ok(Verdict::Whole {
        rows: walk.next as u64,
        since,
        head: hex::encode(walk.prev),
        note,
    })
}
