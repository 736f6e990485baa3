//! One edition's responses file: an append-only CSV of every save, loaded
//! at start (a torn last row set aside), written by one thread that batches
//! concurrent saves into one write and one fsync (group commit).

use crate::answers::Cells;
use crate::definition::Survey;
use chrono::{DateTime, SecondsFormat, Utc};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, mpsc};
use tokio::sync::oneshot;

use super::{StoreError, sync_dir};

/// The columns before the answers, in every responses file.
pub const FIXED_HEADER: [&str; 4] = ["revision", "time", "member", "status"];
/// How many queued saves one write and fsync may carry.
const MAX_BATCH: usize = 4_096;

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
    fn parse(s: &str) -> Option<Status> {
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

/// What is known of one member's saves without reading the file again.
#[derive(Debug, Clone, Default)]
pub struct MemberState {
    pub latest: Option<Arc<Revision>>,
    pub latest_submitted: Option<Arc<Revision>>,
    /// (revision number, time, status) of every save, oldest first.
    pub history: Vec<(u64, DateTime<Utc>, Status)>,
}

#[derive(Debug, Default)]
struct State {
    members: HashMap<String, MemberState>,
    revisions: u64,
}

struct Job {
    member: String,
    status: Status,
    cells: Cells,
    reply: oneshot::Sender<Result<Arc<Revision>, StoreError>>,
}

/// An edition's responses: the in-memory view and the writer's queue.
pub struct ResponseLog {
    pub path: PathBuf,
    state: Arc<RwLock<State>>,
    /// None for a log opened read-only.
    queue: Option<mpsc::Sender<Job>>,
    /// A read-only log's edition until its rows are loaded.
    pending: std::sync::Mutex<Option<Survey>>,
}

fn header(survey: &Survey) -> Vec<String> {
    FIXED_HEADER
        .iter()
        .map(|s| s.to_string())
        .chain(survey.columns().iter().map(|c| c.name.clone()))
        .collect()
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

fn decode_row(record: &csv::ByteRecord, width: usize) -> Result<Revision, String> {
    if record.len() != width {
        return Err(format!(
            "{} fields where the header has {width}",
            record.len()
        ));
    }
    let text = |i: usize| {
        std::str::from_utf8(&record[i])
            .map(str::to_string)
            .map_err(|_| format!("field {} is not UTF-8", i + 1))
    };
    let number = text(0)?
        .parse::<u64>()
        .map_err(|_| "the revision is not a number".to_string())?;
    let time = DateTime::parse_from_rfc3339(&text(1)?)
        .map_err(|_| "the time is not RFC 3339".to_string())?
        .with_timezone(&Utc);
    let member = text(2)?;
    let status = Status::parse(&text(3)?).ok_or("the status is neither draft nor submitted")?;
    let cells = (FIXED_HEADER.len()..width)
        .map(text)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Revision {
        number,
        time,
        member,
        status,
        cells,
    })
}

impl State {
    fn apply(&mut self, rev: Arc<Revision>) {
        let m = self.members.entry(rev.member.clone()).or_default();
        m.history.push((rev.number, rev.time, rev.status));
        if rev.status == Status::Submitted {
            m.latest_submitted = Some(rev.clone());
        }
        m.latest = Some(rev);
        self.revisions += 1;
    }
}

/// Reads a responses file row by row without changing it: checks the header
/// against the questionnaire, and reports a last row that is not whole as
/// [`Scanned::Torn`] (a crash, or a save being written at this moment).
pub struct Scanner {
    reader: csv::Reader<BufReader<std::io::Take<File>>>,
    check: File,
    len: u64,
    width: usize,
    last_number: u64,
    record: csv::ByteRecord,
    path: PathBuf,
    done: bool,
}

/// One step of a [`Scanner`].
#[derive(Debug)]
pub enum Scanned {
    /// A whole row, and the byte offset where it ends.
    Row(Revision, u64),
    /// The last row is not whole: it starts at this offset.
    Torn { start: u64, why: String },
}

impl Scanner {
    /// Opens `path` for reading; `Ok(None)` when the file does not exist.
    pub fn open(survey: &Survey, path: &Path) -> Result<Option<Scanner>, StoreError> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let len = file.metadata()?.len();
        let check = file.try_clone()?;
        let expected = header(survey);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(BufReader::with_capacity(1 << 20, file.take(len)));
        let found: Vec<String> = reader
            .byte_headers()
            .map_err(|e| StoreError::Corrupt(path.to_path_buf(), e.to_string()))?
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        if found != expected {
            return Err(StoreError::Corrupt(
                path.to_path_buf(),
                format!(
                    "its header does not match the questionnaire {} (was the definition changed after answers were stored?)",
                    survey.id
                ),
            ));
        }
        Ok(Some(Scanner {
            reader,
            check,
            len,
            width: expected.len(),
            last_number: 0,
            record: csv::ByteRecord::new(),
            path: path.to_path_buf(),
            done: false,
        }))
    }

    /// Where the header ends: the length of a file with no rows.
    pub fn header_end(&self) -> u64 {
        self.reader.position().byte()
    }

    fn step(&mut self) -> Result<Option<Scanned>, StoreError> {
        if self.done {
            return Ok(None);
        }
        let start = self.reader.position().byte();
        let line = self.reader.position().line();
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                return Ok(None);
            }
            Ok(true) => {}
            Err(e) => {
                self.done = true;
                return Ok(Some(Scanned::Torn {
                    start,
                    why: e.to_string(),
                }));
            }
        }
        let end = self.reader.position().byte();
        let last = end >= self.len;
        let row = decode_row(&self.record, self.width).and_then(|r| {
            if r.number <= self.last_number {
                Err(format!(
                    "revision {} follows revision {}",
                    r.number, self.last_number
                ))
            } else {
                Ok(r)
            }
        });
        match row {
            Ok(_) if last && !ends_cleanly(&mut self.check, start, end)? => {
                self.done = true;
                Ok(Some(Scanned::Torn {
                    start,
                    why: "the last row does not end where a row ends".into(),
                }))
            }
            Ok(r) => {
                self.last_number = r.number;
                Ok(Some(Scanned::Row(r, end)))
            }
            Err(why) if last => {
                self.done = true;
                Ok(Some(Scanned::Torn { start, why }))
            }
            Err(m) => Err(StoreError::Corrupt(
                self.path.clone(),
                format!(
                    "line {line}: {m}; only the last row can be torn, so this file needs a person to look at it"
                ),
            )),
        }
    }

    /// The whole rows, in file order; a torn last row is left out.
    pub fn revisions(self) -> impl Iterator<Item = Result<Revision, StoreError>> {
        let mut scanner = self;
        std::iter::from_fn(move || {
            loop {
                match scanner.step() {
                    Ok(Some(Scanned::Row(r, _))) => return Some(Ok(r)),
                    Ok(Some(Scanned::Torn { .. })) => continue,
                    Ok(None) => return None,
                    Err(e) => {
                        scanner.done = true;
                        return Some(Err(e));
                    }
                }
            }
        })
    }
}

impl Iterator for Scanner {
    type Item = Result<Scanned, StoreError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.step().transpose()
    }
}

impl ResponseLog {
    /// Opens (or creates) `path` for `survey`: loads every complete row,
    /// sets a torn last row aside in a file beside it, and starts the writer.
    pub fn open(survey: &Survey, path: &Path) -> Result<ResponseLog, StoreError> {
        if !path.exists() {
            let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
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
        let (state, good_end, last_number, torn) = Self::load(survey, path)?;
        let mut file = OpenOptions::new().read(true).write(true).open(path)?;
        if let Some((start, why)) = torn {
            set_aside(path, &mut file, start, &why)?;
        }
        let state = Arc::new(RwLock::new(state));
        let (queue, jobs) = mpsc::channel();
        let writer = Writer {
            file,
            end: good_end,
            next: last_number + 1,
            state: state.clone(),
        };
        std::thread::Builder::new()
            .name(format!("writer-{}", survey.id))
            .spawn(move || writer.run(jobs))?;
        Ok(ResponseLog {
            path: path.to_path_buf(),
            state,
            queue: Some(queue),
            pending: std::sync::Mutex::new(None),
        })
    }

    /// Loads `path` for reading only: nothing is created, cut or written,
    /// and a torn last row is skipped. A missing file is an edition with no answers.
    /// The rows are loaded on first use, so a command that only streams the
    /// file (the revisions export, the codebook) never holds them in memory;
    /// the header is checked at once.
    pub fn open_read_only(survey: &Survey, path: &Path) -> Result<ResponseLog, StoreError> {
        Scanner::open(survey, path)?;
        Ok(ResponseLog {
            path: path.to_path_buf(),
            state: Arc::new(RwLock::new(State::default())),
            queue: None,
            pending: std::sync::Mutex::new(Some(survey.clone())),
        })
    }

    /// Loads a read-only log's rows if they are not loaded yet.
    fn ensure_loaded(&self) -> Result<(), StoreError> {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(survey) = pending.as_ref() {
            let (state, _, _, torn) = Self::load(survey, &self.path)?;
            if let Some((_, why)) = torn {
                tracing::warn!(file = %self.path.display(), "the last row is not whole ({why}); it is left out");
            }
            *self.state.write().unwrap_or_else(|e| e.into_inner()) = state;
            *pending = None;
        }
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn load(
        survey: &Survey,
        path: &Path,
    ) -> Result<(State, u64, u64, Option<(u64, String)>), StoreError> {
        let mut state = State::default();
        let Some(mut scanner) = Scanner::open(survey, path)? else {
            return Ok((state, 0, 0, None));
        };
        let mut good_end = scanner.header_end();
        let mut last_number = 0;
        let mut torn = None;
        for step in &mut scanner {
            match step? {
                Scanned::Row(r, end) => {
                    last_number = r.number;
                    good_end = end;
                    state.apply(Arc::new(r));
                }
                Scanned::Torn { start, why } => torn = Some((start, why)),
            }
        }
        Ok((state, good_end, last_number, torn))
    }

    /// Appends a save and answers once it is on disk.
    pub async fn save(
        &self,
        member: &str,
        status: Status,
        cells: Cells,
    ) -> Result<Arc<Revision>, StoreError> {
        let queue = self.queue.as_ref().ok_or(StoreError::ReadOnly)?;
        let (reply, answer) = oneshot::channel();
        let job = Job {
            member: member.to_string(),
            status,
            cells,
            reply,
        };
        queue.send(job).map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// What is known of one member's saves.
    pub fn member(&self, code: &str) -> Result<MemberState, StoreError> {
        Ok(self.read()?.members.get(code).cloned().unwrap_or_default())
    }

    /// The number of a member's latest save, without reading its answers.
    pub fn latest_number(&self, code: &str) -> Result<Option<u64>, StoreError> {
        Ok(self
            .read()?
            .members
            .get(code)
            .and_then(|m| m.history.last().map(|h| h.0)))
    }

    /// What is known of every member that saved anything.
    pub fn members(&self) -> Result<HashMap<String, MemberState>, StoreError> {
        Ok(self.read()?.members.clone())
    }

    /// How many revisions the file holds.
    pub fn revisions(&self) -> Result<u64, StoreError> {
        Ok(self.read()?.revisions)
    }

    fn read(&self) -> Result<std::sync::RwLockReadGuard<'_, State>, StoreError> {
        self.ensure_loaded()?;
        // A panic elsewhere cannot leave State half-changed (apply is simple), so a poisoned lock is still good to read.
        Ok(self.state.read().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Whether the bytes `start..end` end with a newline outside quotes.
fn ends_cleanly(file: &mut File, start: u64, end: u64) -> std::io::Result<bool> {
    let mut buf = vec![0; (end - start) as usize];
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(&mut buf)?;
    let quotes = buf.iter().filter(|&&b| b == b'"').count();
    Ok(buf.last() == Some(&b'\n') && quotes % 2 == 0)
}

/// Copies the torn tail to `<file>.torn-<time>` and cuts it from the file.
fn set_aside(path: &Path, file: &mut File, start: u64, why: &str) -> Result<(), StoreError> {
    let len = file.metadata()?.len();
    let mut tail = vec![0; (len - start) as usize];
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(&mut tail)?;
    let stamp = Utc::now().format("%Y%m%dT%H%M%S%.fZ");
    let aside = PathBuf::from(format!("{}.torn-{stamp}", path.display()));
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&aside)?;
    out.write_all(&tail)?;
    out.sync_all()?;
    file.set_len(start)?;
    file.sync_all()?;
    if let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    tracing::warn!(file = %path.display(), kept_in = %aside.display(), bytes = tail.len(), "a torn last row ({why}) was set aside; every complete row before it is loaded");
    Ok(())
}

struct Writer {
    file: File,
    /// Where the last acknowledged row ends: the file is cut back here after a failed write.
    end: u64,
    next: u64,
    state: Arc<RwLock<State>>,
}

impl Writer {
    fn run(mut self, jobs: mpsc::Receiver<Job>) {
        while let Ok(first) = jobs.recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            self.commit(batch);
        }
    }

    fn commit(&mut self, batch: Vec<Job>) {
        let now = Utc::now();
        let mut bytes = Vec::new();
        let mut revisions = Vec::with_capacity(batch.len());
        let mut replies = Vec::with_capacity(batch.len());
        for (i, job) in batch.into_iter().enumerate() {
            let rev = Revision {
                number: self.next + i as u64,
                time: now,
                member: job.member,
                status: job.status,
                cells: job.cells,
            };
            bytes.extend_from_slice(&encode_row(&rev));
            revisions.push(Arc::new(rev));
            replies.push(job.reply);
        }
        match self.append(&bytes) {
            Ok(()) => {
                self.next += revisions.len() as u64;
                self.end += bytes.len() as u64;
                let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
                for (rev, reply) in revisions.into_iter().zip(replies) {
                    state.apply(rev.clone());
                    let _ = reply.send(Ok(rev));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, saves = replies.len(), "saves could not be written; none was acknowledged");
                // Cut any partial write back so the file stays whole; if even
                // that fails, the next start sets the tail aside.
                if let Err(e) = self
                    .file
                    .set_len(self.end)
                    .and_then(|_| self.file.sync_all())
                {
                    tracing::error!(error = %e, "could not cut a failed write back");
                }
                for reply in replies {
                    let _ = reply.send(Err(StoreError::NotSaved(e.to_string())));
                }
            }
        }
    }

    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.file.seek(SeekFrom::Start(self.end))?;
        self.file.write_all(bytes)?;
        self.file.sync_data()
    }
}
