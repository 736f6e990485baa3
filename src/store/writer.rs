//! The writer of one responses file: group commit in two stages that
//! overlap. The first stage decides a batch of queued saves, writes their
//! rows and fsyncs the file; the second writes the rows' chain entries,
//! fsyncs the chain and only then acknowledges the saves. While the second
//! stage waits for the disk on batch N, the first already writes batch
//! N + 1, so the two fsyncs a save needs cost about one in throughput.
//!
//! The order on disk stays what `chain.rs` promises: a row's entry is
//! written only after the row is on disk, so a crash can leave rows past
//! the chain's end (never acknowledged: set aside at the next start) but
//! never a chain ahead of its file.
//!
//! The first stage decides a save against the saves acknowledged (the
//! index) *and* those written but not yet acknowledged (`Inflight`), so
//! quotas and "based on the latest" see a save the moment its row is
//! written. When the second stage fails a batch, every batch written after
//! it fails too (their decisions counted on it), the first stage cuts the
//! file back to where the failed batch began, and writing resumes from there.

use super::StoreError;
use super::admit::Conditions;
use super::chain::{self, Chain};
use super::index::Index;
use super::responses::{Revision, Save, Saves, Status, encode_row};
use crate::answers::Cells;
use chrono::Utc;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use tokio::sync::oneshot;

/// How many queued saves one write and fsync may carry.
const MAX_BATCH: usize = 4_096;

type Reply = oneshot::Sender<Result<Arc<Revision>, StoreError>>;

/// One save asked of the writer.
pub(super) struct Job {
    pub member: String,
    pub status: Status,
    pub cells: Cells,
    pub conditions: Conditions,
    pub reply: Reply,
}

/// Where the writer starts: the file and its chain, open at their ends.
pub(super) struct Start {
    pub file: File,
    pub chain: Chain,
    /// Where the last acknowledged row ends.
    pub end: u64,
    /// The next revision's number.
    pub next: u64,
    pub state: Arc<RwLock<Index>>,
}

/// Starts both stages on threads named after `edition`; saves go to the returned queue.
pub(super) fn start(edition: &str, at: Start) -> std::io::Result<mpsc::Sender<Job>> {
    let (queue, jobs) = mpsc::channel();
    // A rendezvous: the first stage hands batch N + 1 over only once the
    // second has taken batch N, so at most two batches are ever in flight.
    let (to_chain, written) = mpsc::sync_channel(0);
    let inflight = Arc::new(Mutex::new(Inflight::default()));
    let failed = Arc::new(Mutex::new(None));
    let rows = Rows {
        file: at.file,
        end: at.end,
        next: at.next,
        state: at.state.clone(),
        inflight: inflight.clone(),
        failed: failed.clone(),
        to_chain,
    };
    let chainer = Chainer {
        chain: at.chain,
        state: at.state,
        inflight,
        failed,
        poisoned: false,
    };
    std::thread::Builder::new()
        .name(format!("chain-{edition}"))
        .spawn(move || chainer.run(written))?;
    std::thread::Builder::new()
        .name(format!("writer-{edition}"))
        .spawn(move || rows.run(jobs))?;
    Ok(queue)
}

/// Saves written but not yet acknowledged, per member, oldest first.
#[derive(Default)]
struct Inflight(HashMap<String, VecDeque<Save>>);

impl Inflight {
    fn add(&mut self, done: &[Done]) {
        for (rev, save, _) in done {
            self.0
                .entry(rev.member.clone())
                .or_default()
                .push_back(*save);
        }
    }

    /// Forgets a batch's saves: batches leave in the order they came, so
    /// each member's oldest saves in flight are this batch's.
    fn remove(&mut self, done: &[Done]) {
        for (rev, _, _) in done {
            if let Some(q) = self.0.get_mut(&rev.member) {
                q.pop_front();
                if q.is_empty() {
                    self.0.remove(&rev.member);
                }
            }
        }
    }
}

/// A save written, with its place and whom to answer.
type Done = (Arc<Revision>, Save, Reply);

/// A batch whose rows are on disk, for the second stage.
struct Written {
    /// Where its rows begin, and the first revision's number.
    start: u64,
    first: u64,
    bytes: Vec<u8>,
    done: Vec<Done>,
}

enum Stage {
    Batch(Written),
    /// The first stage has cut the file back after a failure: what follows is good again.
    Resume,
}

/// Where the first failed batch began: the file is cut back to it.
#[derive(Clone, Copy)]
struct Failure {
    start: u64,
    first: u64,
}

/// The first stage: decisions, rows, the file's fsync.
struct Rows {
    file: File,
    /// Where the rows written so far end (acknowledged or in flight).
    end: u64,
    next: u64,
    state: Arc<RwLock<Index>>,
    inflight: Arc<Mutex<Inflight>>,
    failed: Arc<Mutex<Option<Failure>>>,
    to_chain: mpsc::SyncSender<Stage>,
}

impl Rows {
    fn run(mut self, jobs: mpsc::Receiver<Job>) {
        while let Ok(first) = jobs.recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            if self.recover().is_err() {
                return;
            }
            self.commit(batch);
        }
    }

    /// After the second stage failed a batch: the file cut back to where it
    /// began, and the second stage told that what follows is good again.
    fn recover(&mut self) -> Result<(), ()> {
        let failure = lock(&self.failed).take();
        let Some(f) = failure else { return Ok(()) };
        self.cut_back(f.start);
        self.end = f.start;
        self.next = f.first;
        self.to_chain.send(Stage::Resume).map_err(|_| ())
    }

    fn commit(&mut self, batch: Vec<Job>) {
        let now = Utc::now();
        let mut bytes = Vec::new();
        let mut done: Vec<Done> = Vec::with_capacity(batch.len());
        // The saves this batch has taken so far, per member: a member's
        // second save in one batch is decided after its first.
        let mut taken: HashMap<String, Vec<Save>> = Default::default();
        for job in batch {
            let rev = Revision {
                number: self.next + done.len() as u64,
                time: now,
                member: job.member,
                status: job.status,
                cells: job.cells,
            };
            let row = encode_row(&rev);
            let decided = {
                let state = self.state.read().unwrap_or_else(|e| e.into_inner());
                let inflight = lock(&self.inflight);
                let stored = state.get(&rev.member).map(Saves::all).unwrap_or_default();
                let mine = taken
                    .get(&rev.member)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                match inflight.0.get(&rev.member) {
                    None => job.conditions.decide(stored, mine, row.len(), now),
                    Some(earlier) => {
                        let after: Vec<Save> = earlier.iter().chain(mine).copied().collect();
                        job.conditions.decide(stored, &after, row.len(), now)
                    }
                }
            };
            if let Err(why) = decided {
                let _ = job.reply.send(Err(StoreError::Refused(why)));
                continue;
            }
            let offset = self.end + bytes.len() as u64;
            bytes.extend_from_slice(&row);
            let len = (self.end + bytes.len() as u64 - offset) as u32;
            let save = Save {
                number: rev.number,
                time: rev.time,
                status: rev.status,
                offset,
                len,
            };
            taken.entry(rev.member.clone()).or_default().push(save);
            done.push((Arc::new(rev), save, job.reply));
        }
        if bytes.is_empty() {
            return;
        }
        if let Err(e) = self.append(&bytes) {
            tracing::error!(error = %e, saves = done.len(), "saves could not be written; none was acknowledged");
            // Cut any partial write back so the file stays whole.
            self.cut_back(self.end);
            for (_, _, reply) in done {
                let _ = reply.send(Err(StoreError::NotSaved(e.to_string())));
            }
            return;
        }
        lock(&self.inflight).add(&done);
        let written = Written {
            start: self.end,
            first: self.next,
            bytes,
            done,
        };
        self.end += written.bytes.len() as u64;
        self.next += written.done.len() as u64;
        if let Err(mpsc::SendError(Stage::Batch(w))) = self.to_chain.send(Stage::Batch(written)) {
            for (_, _, reply) in w.done {
                let _ = reply.send(Err(StoreError::WriterGone));
            }
        }
    }

    /// Cuts the file back to `to` after a failed write; if even that
    /// fails, the next start sets the rows past the chain aside.
    fn cut_back(&mut self, to: u64) {
        if let Err(e) = self.file.set_len(to).and_then(|_| self.file.sync_all()) {
            tracing::error!(error = %e, "could not cut a failed write back");
        }
    }

    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.file.seek(SeekFrom::Start(self.end))?;
        self.file.write_all(bytes)?;
        self.file.sync_data()
    }
}

/// The second stage: the chain's entries, its fsync, the acknowledgement.
struct Chainer {
    chain: Chain,
    state: Arc<RwLock<Index>>,
    inflight: Arc<Mutex<Inflight>>,
    failed: Arc<Mutex<Option<Failure>>>,
    /// A batch failed and the first stage has not cut the file back yet:
    /// every batch until then is failed too.
    poisoned: bool,
}

impl Chainer {
    fn run(mut self, written: mpsc::Receiver<Stage>) {
        while let Ok(stage) = written.recv() {
            match stage {
                Stage::Resume => self.poisoned = false,
                Stage::Batch(w) if self.poisoned => {
                    self.fail(w, "an earlier write failed".to_string());
                }
                Stage::Batch(w) => match self.chain.push(w.start, chain::split(&w.bytes)) {
                    Ok(()) => self.acknowledge(w),
                    Err(e) => {
                        tracing::error!(error = %e, saves = w.done.len(), "the chain could not be written; the saves were not acknowledged");
                        self.poisoned = true;
                        *lock(&self.failed) = Some(Failure {
                            start: w.start,
                            first: w.first,
                        });
                        self.fail(w, e.to_string());
                    }
                },
            }
        }
    }

    fn acknowledge(&mut self, w: Written) {
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        lock(&self.inflight).remove(&w.done);
        for (rev, save, reply) in w.done {
            state.apply(&rev.member, save);
            let _ = reply.send(Ok(rev));
        }
    }

    fn fail(&mut self, w: Written, why: String) {
        let _state = self.state.write().unwrap_or_else(|e| e.into_inner());
        lock(&self.inflight).remove(&w.done);
        for (_, _, reply) in w.done {
            let _ = reply.send(Err(StoreError::NotSaved(why.clone())));
        }
    }
}

/// A poisoned lock still holds whole values here (each change is one call).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;

    const HEADER: &[u8] = b"revision,time,member,status,Q1\n";

    async fn save(queue: &mpsc::Sender<Job>) -> Result<Arc<Revision>, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            member: "AFG".to_string(),
            status: Status::Draft,
            cells: vec!["an answer".to_string()],
            conditions: Conditions::default(),
            reply,
        };
        queue.send(job).expect("the writer runs");
        answer.await.expect("the writer answers")
    }

    #[tokio::test]
    async fn a_chain_that_cannot_be_written_acknowledges_nothing_and_the_rows_are_cut_back() {
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("responses.csv");
        std::fs::write(&path, HEADER).expect("a header");
        Chain::create(&path, HEADER.len() as u64).expect("a chain");
        // Opened without write access: every push of an entry fails.
        let chain = Chain::open(&path, false).expect("opens").expect("is there");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .expect("opens");
        let state = Arc::new(RwLock::new(Index::new(Default::default())));
        let start_at = Start {
            file,
            chain,
            end: HEADER.len() as u64,
            next: 1,
            state: state.clone(),
        };
        let queue = start("test", start_at).expect("starts");
        for _ in 0..3 {
            let got = save(&queue).await;
            assert!(
                matches!(got, Err(StoreError::NotSaved(_))),
                "a save whose chain entry failed is not acknowledged: {got:?}"
            );
        }
        assert_eq!(state.read().expect("state").revisions(), 0);
        // Each failed batch was cut back before the next was written, and
        // the next took the failed one's number: the file holds the header
        // and at most the last, unacknowledged row (set aside at the next start).
        let bytes = std::fs::read(&path).expect("the file");
        let rest = &bytes[HEADER.len()..];
        assert!(bytes.starts_with(HEADER));
        assert_eq!(chain::split(rest).count(), 1, "one row past the header");
        assert!(rest.starts_with(b"1,"), "revision 1 again: {rest:?}");
    }
}
