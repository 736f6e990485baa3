//! The index of one responses file: every member's saves and where each
//! one's row is, never the answers. Built at start in one pass over the
//! file; a big file is read by two threads, one from each half.

use super::StoreError;
use super::responses::{Save, Saves};
use super::rows::read_at;
use super::scan::{Checked, Scanner, damaged};
use crate::definition::{MemberList, Survey};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Every member's saves: a member of the edition's list by its place in
/// the list (no hashing of codes on the way), any other by its code.
#[derive(Debug, Default)]
pub struct Index {
    members: Arc<MemberList>,
    /// By place in the list; empty until the first listed member saves.
    listed: Vec<Saves>,
    /// Members the list no longer has (a list edited after they saved).
    unlisted: foldhash::HashMap<String, Saves>,
    revisions: u64,
}

/// Whose a save is: a place in the member list, or a code off the list.
enum Who {
    Place(usize),
    Other(String),
}

impl Index {
    pub fn new(members: Arc<MemberList>) -> Index {
        Index {
            members,
            ..Index::default()
        }
    }

    /// The saves of the member with this code, if it saved anything.
    pub fn get(&self, code: &str) -> Option<&Saves> {
        match self.members.position(code) {
            Some(place) => self.listed.get(place).filter(|s| !s.all().is_empty()),
            None => self.unlisted.get(code),
        }
    }

    /// Whether nothing was saved.
    pub fn is_empty(&self) -> bool {
        self.revisions == 0
    }

    /// How many saves there are, all members together.
    pub fn revisions(&self) -> u64 {
        self.revisions
    }

    /// How many members saved something.
    pub fn members(&self) -> usize {
        self.listed.iter().filter(|s| !s.all().is_empty()).count() + self.unlisted.len()
    }

    /// The members of the list that saved something, with their places, in the list's order.
    pub fn listed(&self) -> impl Iterator<Item = (usize, &Saves)> {
        self.listed
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.all().is_empty())
    }

    fn who(&self, code: &str) -> Who {
        match self.members.position(code) {
            Some(place) => Who::Place(place),
            None => Who::Other(code.to_string()),
        }
    }

    /// Adds a save of the member with this code (the newest of its saves).
    pub fn apply(&mut self, code: &str, save: Save) {
        let who = self.who(code);
        self.apply_to(who, save);
    }

    /// Adds `later`'s saves after this one's: each member's come after its own here.
    fn append(&mut self, later: Index) {
        if self.listed.is_empty() {
            self.listed = later.listed;
        } else {
            for (mine, theirs) in self.listed.iter_mut().zip(later.listed) {
                if mine.0.is_empty() {
                    *mine = theirs;
                } else {
                    mine.0.extend(theirs.0);
                }
            }
        }
        for (code, saves) in later.unlisted {
            self.unlisted.entry(code).or_default().0.extend(saves.0);
        }
        self.revisions += later.revisions;
    }

    fn apply_to(&mut self, who: Who, save: Save) {
        match who {
            Who::Place(place) => {
                if self.listed.is_empty() {
                    self.listed.resize_with(self.members.len(), Saves::default);
                }
                self.listed[place].0.push(save);
            }
            Who::Other(code) => self.unlisted.entry(code).or_default().0.push(save),
        }
        self.revisions += 1;
    }
}

/// A file's index, where its good rows end, its last revision number and
/// a torn last row (its start and why).
pub struct Loaded {
    pub index: Index,
    pub good_end: u64,
    pub last_number: u64,
    pub torn: Option<(u64, String)>,
}

/// Below this many bytes of rows, one thread reads the file: a second one
/// would cost more to start and merge than it saves.
const TWO_THREADS_FROM: u64 = 64 << 20;

/// Indexes every row of `path`: one pass, no answer copied.
pub fn load(survey: &Survey, path: &Path) -> Result<Loaded, StoreError> {
    load_with(survey, path, TWO_THREADS_FROM)
}

/// [`load`], with two threads from `two_from` bytes of rows (tests set it low).
fn load_with(survey: &Survey, path: &Path, two_from: u64) -> Result<Loaded, StoreError> {
    let mut loaded = Loaded {
        index: Index::new(survey.members.clone()),
        good_end: 0,
        last_number: 0,
        torn: None,
    };
    let Some(mut scanner) = Scanner::open(survey, path)? else {
        return Ok(loaded);
    };
    loaded.good_end = scanner.header_end();
    let two = scanner.file_len() - scanner.header_end() >= two_from
        && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let half = scanner.header_end() + (scanner.file_len() - scanner.header_end()) / 2;
    let second = if two {
        row_start_after(&scanner, half)?
    } else {
        None
    };
    let Some(second) = second else {
        index_rows(&mut scanner, &mut loaded, None, path)?;
        return Ok(loaded);
    };
    // The second half starts at the first line end after its middle, which
    // is a row's start unless a quoted text holds that line end: the first
    // thread tells, by landing on that very byte or reading across it. It
    // also checks the row it lands on (its revision after its own last),
    // so the halves need no check across them.
    let stop = AtomicBool::new(false);
    let mut rest = scanner.rest_from(second)?;
    let members = loaded.index.members.clone();
    let (first, tail) = std::thread::scope(|s| {
        let tail = s.spawn(|| Tail::read(&mut rest, members, &stop));
        let first = index_rows(&mut scanner, &mut loaded, Some(second), path);
        if !matches!(first, Ok(Some(_))) {
            stop.store(true, Ordering::Relaxed);
        }
        (first, tail.join())
    });
    let Some(line) = first? else {
        // The halves did not meet: the first thread read the whole file.
        tracing::debug!(file = %path.display(), "the second reader started inside a row; the first read the whole file");
        return Ok(loaded);
    };
    tracing::debug!(file = %path.display(), at = second, "two readers met");
    let tail = tail.map_err(|_| {
        StoreError::Corrupt(path.to_path_buf(), "the second reader stopped".into())
    })??;
    tail.join_onto(&mut loaded, line, path)?;
    Ok(loaded)
}

/// Where the first row after `at` would start if `at` is inside a row
/// outside quotes: past the next line end and any empty lines.
fn row_start_after(scanner: &Scanner, at: u64) -> Result<Option<u64>, StoreError> {
    let (file, len) = (scanner.file(), scanner.file_len());
    let mut buf = vec![0; 64 << 10];
    let mut pos = at;
    let mut seen_end = false;
    while pos < len {
        let n = read_at(file, &mut buf, pos)?;
        if n == 0 {
            break;
        }
        for (i, &b) in buf[..n].iter().enumerate() {
            match (seen_end, b) {
                (false, b'\n') => seen_end = true,
                (false, _) | (true, b'\n' | b'\r') => {}
                (true, _) => return Ok(Some(pos + i as u64)),
            }
        }
        pos += n as u64;
    }
    Ok(None)
}

/// Indexes rows until the row that starts at `meet` (the second thread's
/// first) and gives the line it starts on; None when there is no meeting
/// (no `meet`, or a row runs across it) and every row was read.
fn index_rows(
    scanner: &mut Scanner,
    loaded: &mut Loaded,
    mut meet: Option<u64>,
    path: &Path,
) -> Result<Option<u64>, StoreError> {
    while let Some(step) = scanner.step()? {
        match step {
            Checked::Row {
                fixed,
                start,
                end,
                line,
                ..
            } => {
                if let Some(m) = meet {
                    if start == m {
                        return Ok(Some(line));
                    }
                    if end > m {
                        meet = None;
                    }
                }
                loaded.last_number = fixed.number;
                loaded.good_end = end;
                let save = Save::at(fixed.number, fixed.time, fixed.status, start, end, path)?;
                loaded.index.apply(&fixed.member, save);
            }
            Checked::Torn { start, why } => loaded.torn = Some((start, why)),
            Checked::Bad { line, why } => return Err(damaged(path, line, &why)),
        }
    }
    Ok(None)
}

/// What the second thread read: an index of its own, to be added after
/// the first thread's.
struct Tail {
    saves: Index,
    last_number: u64,
    good_end: Option<u64>,
    torn: Option<(u64, String)>,
    bad: Option<(u64, String)>,
}

impl Tail {
    fn read(
        scanner: &mut Scanner,
        members: Arc<MemberList>,
        stop: &AtomicBool,
    ) -> Result<Tail, StoreError> {
        let mut tail = Tail {
            saves: Index::new(members),
            last_number: 0,
            good_end: None,
            torn: None,
            bad: None,
        };
        let path = scanner.path().to_path_buf();
        while let Some(step) = scanner.step()? {
            match step {
                Checked::Row {
                    fixed, start, end, ..
                } => {
                    if tail.saves.revisions().is_multiple_of(4096) && stop.load(Ordering::Relaxed) {
                        break;
                    }
                    tail.last_number = fixed.number;
                    tail.good_end = Some(end);
                    let save = Save::at(fixed.number, fixed.time, fixed.status, start, end, &path)?;
                    tail.saves.apply(&fixed.member, save);
                }
                Checked::Torn { start, why } => tail.torn = Some((start, why)),
                Checked::Bad { line, why } => tail.bad = Some((line, why)),
            }
        }
        Ok(tail)
    }

    /// Adds the second half to the first, whose rows end where it starts,
    /// on `line`.
    fn join_onto(self, loaded: &mut Loaded, line: u64, path: &Path) -> Result<(), StoreError> {
        if let Some((rel, why)) = self.bad {
            return Err(damaged(path, line + rel - 1, &why));
        }
        loaded.index.append(self.saves);
        if let Some(end) = self.good_end {
            loaded.good_end = end;
            loaded.last_number = self.last_number;
        }
        if self.torn.is_some() {
            loaded.torn = self.torn;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::responses::{Revision, Status, encode_row};
    use proptest::prelude::*;
    use std::io::Write;

    fn survey() -> Survey {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys");
        crate::definition::load_dir(&dir)
            .expect("the bundled editions load")
            .into_iter()
            .find(|s| s.id == "spam-2022")
            .expect("spam-2022")
    }

    /// A responses file of `rows` saves, each a member and a text for G4.
    fn file_of(survey: &Survey, rows: &[(&str, String)], tail: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("a file");
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(crate::store::scan::header(survey))
            .expect("a header");
        f.write_all(&w.into_inner().expect("bytes"))
            .expect("written");
        let g4 = survey.column_index("G4").expect("G4");
        for (i, (member, text)) in rows.iter().enumerate() {
            let mut cells = vec![String::new(); survey.columns().len()];
            cells[g4] = text.clone();
            let rev = Revision {
                number: i as u64 + 1,
                time: chrono::Utc::now(),
                member: member.to_string(),
                status: if i % 3 == 0 {
                    Status::Draft
                } else {
                    Status::Submitted
                },
                cells,
            };
            f.write_all(&encode_row(&rev)).expect("written");
        }
        f.write_all(tail).expect("written");
        f
    }

    /// What a load found: each member's saves, the count, where good rows end, the last number, a torn row.
    type Snapshot = (
        Vec<(String, Vec<Save>)>,
        u64,
        u64,
        u64,
        Option<(u64, String)>,
    );

    /// What an index holds, member by member, to compare two.
    fn snapshot(l: &Loaded) -> Snapshot {
        let mut all: Vec<(String, Vec<Save>)> = l
            .index
            .listed()
            .map(|(p, s)| (l.index.members[p].code.clone(), s.all().to_vec()))
            .chain(
                l.index
                    .unlisted
                    .iter()
                    .map(|(c, s)| (c.clone(), s.all().to_vec())),
            )
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        (
            all,
            l.index.revisions(),
            l.good_end,
            l.last_number,
            l.torn.clone(),
        )
    }

    fn texts() -> impl Strategy<Value = Vec<(usize, String)>> {
        let text = prop_oneof![
            Just(String::new()),
            "[a-z ,]{0,30}",
            "[a-z\n\"]{0,40}",
            Just("line\n12,2026-01-01T00:00:00Z,KR,draft,\nmore".to_string()),
        ];
        proptest::collection::vec((0usize..6, text), 1..80)
    }

    const CODES: [&str; 6] = ["KR", "JP", "TH", "FJ", "XX-GONE", "IN"];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn two_readers_index_a_file_as_one_does(rows in texts(), torn_tail in any::<bool>()) {
            let s = survey();
            let rows: Vec<(&str, String)> = rows.into_iter().map(|(m, t)| (CODES[m], t)).collect();
            let tail: &[u8] = if torn_tail { b"99,2026-01-01T00:00:00Z,KR,dra" } else { b"" };
            let f = file_of(&s, &rows, tail);
            let one = load_with(&s, f.path(), u64::MAX).expect("one reader");
            let two = load_with(&s, f.path(), 0).expect("two readers");
            prop_assert_eq!(snapshot(&one), snapshot(&two));
            prop_assert_eq!(one.index.revisions() as usize, rows.len());
            prop_assert_eq!(one.torn.is_some(), torn_tail);
        }
    }

    /// The message with which one reader and two refuse the file: the same.
    fn both_refuse(s: &Survey, path: &Path) -> String {
        let one = load_with(s, path, u64::MAX)
            .err()
            .expect("refused")
            .to_string();
        let two = load_with(s, path, 0).err().expect("refused").to_string();
        assert_eq!(one, two);
        one
    }

    #[test]
    fn a_damaged_row_in_the_second_half_is_reported_on_its_own_line() {
        let s = survey();
        let rows: Vec<(&str, String)> = (0..40).map(|i| ("KR", format!("a\nb {i}"))).collect();
        let f = file_of(&s, &rows, b"");
        let text = std::fs::read_to_string(f.path()).expect("text");
        // Revision 35 is well into the second half.
        let damaged = text.replacen("\n35,", "\n35x,", 1);
        std::fs::write(f.path(), damaged).expect("written");
        let one = both_refuse(&s, f.path());
        // The header, then two lines a row (each text holds a line break).
        assert!(one.contains("line 70:"), "{one}");
    }

    #[test]
    fn revisions_out_of_order_across_the_halves_are_refused() {
        let s = survey();
        // 41 rows of one length: revisions 1 to 21, then 21 to 40. The
        // middle of the rows falls inside the first 21, so the second reader
        // starts at the second 21: the first reader checks it as it lands on it.
        let rows: Vec<(&str, String)> = (0..41).map(|_| ("JP", String::new())).collect();
        let f = file_of(&s, &rows, b"");
        let text = std::fs::read_to_string(f.path()).expect("text");
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        for (i, line) in lines.iter_mut().enumerate().skip(1) {
            let number = if i <= 21 { i } else { i - 1 };
            let rest = line.split_once(',').expect("a row").1;
            *line = format!("{number:02},{}", rest.replacen(",draft,", ",submitted,", 1));
        }
        std::fs::write(f.path(), lines.join("\n") + "\n").expect("written");
        let one = both_refuse(&s, f.path());
        assert!(
            one.contains("line 23: revision 21 follows revision 21"),
            "{one}"
        );
    }

    #[test]
    fn a_second_reader_that_starts_inside_a_quoted_text_is_set_aside() {
        let s = survey();
        // The middle of the rows falls in the first text, before a line
        // break that is followed by what looks like a row.
        let trap = format!(
            "{}\n12,2026-01-01T00:00:00Z,KR,draft\n{}",
            "x".repeat(3000),
            "y"
        );
        let rows = vec![("KR", trap), ("JP", "z".to_string())];
        let f = file_of(&s, &rows, b"");
        let one = load_with(&s, f.path(), u64::MAX).expect("one reader");
        let two = load_with(&s, f.path(), 0).expect("two readers");
        assert_eq!(snapshot(&one), snapshot(&two));
        assert_eq!(two.index.revisions(), 2);
    }
}
