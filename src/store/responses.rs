//! One edition's responses file: an append-only CSV of every save, indexed
//! at start (a torn last row set aside), written by one thread that batches
//! concurrent saves into one write and one fsync (group commit: `writer.rs`).
//!
//! Memory holds where each save's row is in the file, never its answers: a
//! row is read back when it is asked for (one read of a page the kernel
//! has cached), so start-up and memory grow by some 60 bytes a revision,
//! not by the size of the answers.

use super::admit::Conditions;
use super::chain::{self, Chain, set_aside};
use super::index::{Index, Loaded, load};
use super::rows::{Parser, read_exact_at};
use super::scan::{self, Scanner, header};
use super::writer::{self, Job};
use super::{StoreError, files, sync_dir};
use crate::answers::Cells;
use crate::definition::Survey;
use chrono::{DateTime, SecondsFormat, Utc};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, mpsc};
use tokio::sync::oneshot;

/// Draft or submitted: what a save was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Draft,
    Submitted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "submitted" => Some(Status::Submitted),
            _ => None,
        }
    }
}

/// One stored save of a member's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub number: u64,
    pub time: DateTime<Utc>,
    pub member: String,
    pub status: Status,
    pub cells: Cells,
}

/// One save as the index keeps it: what it was and where its row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Save {
    pub number: u64,
    pub time: DateTime<Utc>,
    pub status: Status,
    /// Where its row starts in the file, and its length with the line end.
    pub(crate) offset: u64,
    pub(crate) len: u32,
}

impl Save {
    /// The save whose row runs from `start` to `end` in the file at `path`.
    pub(crate) fn at(
        number: u64,
        time: DateTime<Utc>,
        status: Status,
        start: u64,
        end: u64,
        path: &Path,
    ) -> Result<Save, StoreError> {
        let len = u32::try_from(end - start).map_err(|_| {
            StoreError::Corrupt(
                path.to_path_buf(),
                format!("revision {number} is a row of over 4 GiB"),
            )
        })?;
        Ok(Save {
            number,
            time,
            status,
            offset: start,
            len,
        })
    }
}

/// Every save of one member, oldest first: what the overview needs, without the answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saves(pub(crate) Vec<Save>);

impl Saves {
    /// Every save, oldest first.
    pub fn all(&self) -> &[Save] {
        &self.0
    }

    pub fn latest(&self) -> Option<&Save> {
        self.0.last()
    }

    pub fn latest_submitted(&self) -> Option<&Save> {
        self.0.iter().rev().find(|s| s.status == Status::Submitted)
    }
}

/// What is stored of one member's response: its latest and latest
/// submitted answers (read from the file) and every save.
#[derive(Debug, Clone, Default)]
pub struct MemberState {
    pub latest: Option<Arc<Revision>>,
    pub latest_submitted: Option<Arc<Revision>>,
    /// (revision number, time, status) of every save, oldest first.
    pub history: Vec<(u64, DateTime<Utc>, Status)>,
}

/// An edition's responses: the index, the file to read rows back from,
/// and the writer's queue.
pub struct ResponseLog {
    pub path: PathBuf,
    /// The columns of a row: the fixed ones and the answers.
    width: usize,
    state: Arc<RwLock<Index>>,
    /// The file, to read rows back from (None: a read-only log of a file that does not exist).
    reader: Option<File>,
    /// None for a log opened read-only.
    queue: Option<mpsc::Sender<Job>>,
    /// A read-only log's edition until its rows are indexed.
    pending: std::sync::Mutex<Option<Survey>>,
}

/// One revision as the bytes of one CSV row, `\n`-terminated.
pub fn encode_row(rev: &Revision) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let time = rev.time.to_rfc3339_opts(SecondsFormat::Secs, true);
    let fixed = [
        rev.number.to_string(),
        time,
        rev.member.clone(),
        rev.status.as_str().to_string(),
    ];
    // Writing into a Vec cannot fail.
    let _ = w.write_record(fixed.iter().chain(rev.cells.iter()));
    w.into_inner().unwrap_or_default()
}

impl ResponseLog {
    /// Opens (or creates) `path` for `survey`: indexes every complete row,
    /// sets a torn last row aside in a file beside it, and starts the writer.
    pub fn open(survey: &Survey, path: &Path) -> Result<ResponseLog, StoreError> {
        // A deleted file whose chain says it held answers is not made anew.
        chain::refuse_if_lost(path)?;
        if !path.exists() {
            let mut f = files::private().write(true).create_new(true).open(path)?;
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            w.write_record(header(survey))
                .map_err(|e| StoreError::Corrupt(path.to_path_buf(), e.to_string()))?;
            f.write_all(&w.into_inner().unwrap_or_default())?;
            f.sync_all()?;
            if let Some(dir) = path.parent() {
                sync_dir(dir)?;
            }
        }
        let mut file = OpenOptions::new().read(true).write(true).open(path)?;
        // The tail checked against the chain (and anything past it set
        // aside) before the rows are read; a file without one gets it once
        // its torn row, if any, is set aside below.
        let chained = match Chain::open(path, false)? {
            Some(_) => Some(chain::open_for_append(path, &mut file)?),
            None => None,
        };
        let started = std::time::Instant::now();
        let Loaded {
            index: state,
            good_end,
            last_number,
            torn,
        } = load(survey, path)?;
        tracing::debug!(
            edition = %survey.id,
            revisions = state.revisions(),
            members = state.members(),
            seconds = started.elapsed().as_secs_f64(),
            "responses indexed"
        );
        if let Some((start, why)) = torn {
            set_aside(path, &mut file, start, &format!("a torn last row ({why})"))?;
        }
        let chain = match chained {
            Some(c) => c,
            None => chain::open_for_append(path, &mut file)?,
        };
        let state = Arc::new(RwLock::new(state));
        let queue = writer::start(
            &survey.id,
            writer::Start {
                file,
                chain,
                end: good_end,
                next: last_number + 1,
                state: state.clone(),
            },
        )?;
        Ok(ResponseLog {
            path: path.to_path_buf(),
            width: header(survey).len(),
            state,
            reader: Some(File::open(path)?),
            queue: Some(queue),
            pending: std::sync::Mutex::new(None),
        })
    }

    /// Opens `path` for reading only: nothing is created, cut or written,
    /// and a torn last row is skipped. A missing file is an edition with no
    /// answers. The header is checked at once; the rows are indexed on first
    /// use, so a command that only streams the file (the revisions export,
    /// the codebook) never indexes it.
    pub fn open_read_only(survey: &Survey, path: &Path) -> Result<ResponseLog, StoreError> {
        Scanner::open(survey, path)?;
        let reader = match File::open(path) {
            Ok(f) => Some(f),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        Ok(ResponseLog {
            path: path.to_path_buf(),
            width: header(survey).len(),
            state: Arc::new(RwLock::new(Index::new(survey.members.clone()))),
            reader,
            queue: None,
            pending: std::sync::Mutex::new(Some(survey.clone())),
        })
    }

    /// Indexes a read-only log's rows if they are not indexed yet.
    fn ensure_loaded(&self) -> Result<(), StoreError> {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(survey) = pending.as_ref() {
            let loaded = load(survey, &self.path)?;
            if let Some((_, why)) = loaded.torn {
                tracing::warn!(file = %self.path.display(), "the last row is not whole ({why}); it is left out");
            }
            *self.state.write().unwrap_or_else(|e| e.into_inner()) = loaded.index;
            *pending = None;
        }
        Ok(())
    }

    /// Appends a save and answers once it is on disk.
    pub async fn save(
        &self,
        member: &str,
        status: Status,
        cells: Cells,
    ) -> Result<Arc<Revision>, StoreError> {
        self.save_if(member, status, cells, Conditions::default())
            .await
    }

    /// Appends a save if `conditions` still hold when it is written (else
    /// [`StoreError::Refused`], nothing written); answers once it is on disk.
    pub async fn save_if(
        &self,
        member: &str,
        status: Status,
        cells: Cells,
        conditions: Conditions,
    ) -> Result<Arc<Revision>, StoreError> {
        let queue = self.queue.as_ref().ok_or(StoreError::ReadOnly)?;
        let (reply, answer) = oneshot::channel();
        let job = Job {
            member: member.to_string(),
            status,
            cells,
            conditions,
            reply,
        };
        queue.send(job).map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// One member's saves, without their answers.
    pub fn saves(&self, code: &str) -> Result<Saves, StoreError> {
        Ok(self.read()?.get(code).cloned().unwrap_or_default())
    }

    /// What is stored of one member's response: its latest and latest
    /// submitted answers are read from the file.
    pub fn member(&self, code: &str) -> Result<MemberState, StoreError> {
        let saves = self.saves(code)?;
        let latest = saves.latest().map(|s| self.revision(s)).transpose()?;
        let latest_submitted = match (saves.latest_submitted(), &latest) {
            (Some(s), Some(l)) if s.number == l.number => Some(l.clone()),
            (Some(s), _) => Some(self.revision(s)?),
            (None, _) => None,
        };
        Ok(MemberState {
            latest,
            latest_submitted,
            history: saves
                .all()
                .iter()
                .map(|s| (s.number, s.time, s.status))
                .collect(),
        })
    }

    /// Lends every member's saves to `f`, without copying them.
    pub fn with_index<R>(&self, f: impl FnOnce(&Index) -> R) -> Result<R, StoreError> {
        Ok(f(&*self.read()?))
    }

    /// The revision whose row `save` points at, read from the file.
    pub fn revision(&self, save: &Save) -> Result<Arc<Revision>, StoreError> {
        let mut buf = vec![0; save.len as usize];
        read_exact_at(self.file()?, &mut buf, save.offset)?;
        let mut parser = Parser::default();
        let decoded = match parser.split(&buf) {
            Some((fields, _)) => scan::decode(&fields, self.width),
            None => Err("the row is not whole".to_string()),
        };
        let rev = decoded.map_err(|m| self.moved(save, &m))?;
        if rev.number != save.number {
            return Err(self.moved(save, "it holds another revision"));
        }
        Ok(Arc::new(rev))
    }

    /// Reads the rows of `items` (each pointing at a save through `save`)
    /// in the order given, their answers into one reused `cells`, for `f`.
    /// Rows that follow each other in the file are read together, a few MiB
    /// at a time, so that reading every member's latest row costs about one
    /// pass over the file.
    pub fn read_rows<T, E: From<StoreError>>(
        &self,
        items: &[T],
        save: impl Fn(&T) -> &Save,
        mut f: impl FnMut(&T, &mut Cells) -> Result<(), E>,
    ) -> Result<(), E> {
        /// Rows this close together are read in one go, the bytes between them too.
        const GAP: u64 = 64 << 10;
        const MOST: u64 = 4 << 20;
        if items.is_empty() {
            return Ok(());
        }
        let file = self.file()?;
        let mut parser = Parser::default();
        let mut buf = Vec::new();
        let mut cells = Cells::new();
        let mut i = 0;
        while i < items.len() {
            let first = save(&items[i]);
            let start = first.offset;
            let mut end = start + u64::from(first.len);
            let mut j = i + 1;
            while let Some(s) = items.get(j).map(&save) {
                let s_end = s.offset + u64::from(s.len);
                if s.offset < end || s.offset - end > GAP || s_end - start > MOST {
                    break;
                }
                end = s_end;
                j += 1;
            }
            buf.resize((end - start) as usize, 0);
            read_exact_at(file, &mut buf, start).map_err(StoreError::from)?;
            for item in &items[i..j] {
                let s = save(item);
                let at = (s.offset - start) as usize;
                let row = &buf[at..at + s.len as usize];
                let checked = match parser.split(row) {
                    Some((fields, _)) => scan::fixed(&fields, self.width).and_then(|fixed| {
                        if fixed.number != s.number {
                            return Err("it holds another revision".to_string());
                        }
                        scan::cells_into(&fields, self.width, &mut cells)
                    }),
                    None => Err("the row is not whole".to_string()),
                };
                checked.map_err(|m| self.moved(s, &m))?;
                f(item, &mut cells)?;
            }
            i = j;
        }
        Ok(())
    }

    fn file(&self) -> Result<&File, StoreError> {
        self.reader
            .as_ref()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound).into())
    }

    /// The file no longer holds at `save`'s place what the index says it does.
    fn moved(&self, save: &Save, why: &str) -> StoreError {
        StoreError::Corrupt(
            self.path.clone(),
            format!(
                "the row of revision {} at byte {} cannot be read back ({why}); was the file changed while the server ran?",
                save.number, save.offset
            ),
        )
    }

    fn read(&self) -> Result<std::sync::RwLockReadGuard<'_, Index>, StoreError> {
        self.ensure_loaded()?;
        // A panic elsewhere cannot leave State half-changed (apply is simple), so a poisoned lock is still good to read.
        Ok(self.state.read().unwrap_or_else(|e| e.into_inner()))
    }
}
