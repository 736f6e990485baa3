//! Reading a responses file without changing it: the header checked
//! against the questionnaire, every row checked (its width, UTF-8, its
//! revision, time, member and status), and a last row that is not whole
//! told apart from damage anywhere else. Shared by the start-up index,
//! read-only stores and the exports.

use super::StoreError;
use super::responses::{Revision, Status};
use super::rows::{Fields, Splitter, Step};
use crate::answers::Cells;
use crate::definition::Survey;
use chrono::{DateTime, Utc};
use std::borrow::Cow;
use std::fs::File;
use std::path::{Path, PathBuf};

/// The columns before the answers, in every responses file.
pub const FIXED_HEADER: [&str; 4] = ["revision", "time", "member", "status"];

/// The header a responses file of `survey` has.
pub fn header(survey: &Survey) -> Vec<String> {
    FIXED_HEADER
        .iter()
        .map(|s| s.to_string())
        .chain(survey.columns().iter().map(|c| c.name.clone()))
        .collect()
}

/// The fields before the answers of one row.
#[derive(Debug, Clone)]
pub struct Fixed<'a> {
    pub number: u64,
    pub time: DateTime<Utc>,
    pub member: Cow<'a, str>,
    pub status: Status,
}

/// Checks a row's width and encoding and reads its fixed fields; the
/// answers are only checked, not copied.
pub fn check<'a>(fields: &Fields<'a>, width: usize) -> Result<Fixed<'a>, String> {
    let Some(texts) = fields.texts() else {
        let i = fields
            .iter()
            .position(|f| std::str::from_utf8(&f).is_err())
            .unwrap_or(0);
        return Err(format!("field {} is not UTF-8", i + 1));
    };
    fixed_from(fields.len(), texts, width)
}

/// Checks a row's width and reads its fixed fields, for a row whose
/// answers [`cells_into`] will check as it copies them.
pub fn fixed<'a>(fields: &Fields<'a>, width: usize) -> Result<Fixed<'a>, String> {
    let texts = fields.iter().take(FIXED_HEADER.len()).map(|f| match f {
        Cow::Borrowed(b) => std::str::from_utf8(b).map_or(Cow::Borrowed(""), Cow::Borrowed),
        Cow::Owned(b) => String::from_utf8(b).map_or(Cow::Borrowed(""), Cow::Owned),
    });
    fixed_from(fields.len(), texts, width)
}

/// The fixed fields from the first texts of a row of `found` fields.
fn fixed_from<'a>(
    found: usize,
    texts: impl Iterator<Item = Cow<'a, str>>,
    width: usize,
) -> Result<Fixed<'a>, String> {
    if found != width {
        return Err(format!("{found} fields where the header has {width}"));
    }
    let mut it = texts;
    let mut next = || it.next().unwrap_or_default();
    let number = next()
        .parse::<u64>()
        .map_err(|_| "the revision is not a number".to_string())?;
    let time = DateTime::parse_from_rfc3339(&next())
        .map_err(|_| "the time is not RFC 3339".to_string())?
        .with_timezone(&Utc);
    let member = next();
    let status = Status::parse(&next()).ok_or("the status is neither draft nor submitted")?;
    Ok(Fixed {
        number,
        time,
        member,
        status,
    })
}

/// Copies a checked row's answers into `cells`, reusing its strings.
pub fn cells_into(fields: &Fields<'_>, width: usize, cells: &mut Cells) -> Result<(), String> {
    let answers = width - FIXED_HEADER.len();
    cells.resize_with(answers, String::new);
    cells.truncate(answers);
    let texts = fields.texts().ok_or("a field is not UTF-8")?;
    let mut n = 0;
    for (cell, text) in cells.iter_mut().zip(texts.skip(FIXED_HEADER.len())) {
        cell.clear();
        cell.push_str(&text);
        n += 1;
    }
    if n != answers {
        return Err(format!(
            "{} fields where the header has {width}",
            n + FIXED_HEADER.len()
        ));
    }
    Ok(())
}

/// A whole revision from a row's fields.
pub fn decode(fields: &Fields<'_>, width: usize) -> Result<Revision, String> {
    // The answers' UTF-8 is checked once, as they are copied.
    revision(fixed(fields, width)?, fields, width)
}

/// A whole revision from a row whose fixed fields are read.
fn revision(fixed: Fixed<'_>, fields: &Fields<'_>, width: usize) -> Result<Revision, String> {
    let mut cells = Vec::with_capacity(width - FIXED_HEADER.len());
    cells_into(fields, width, &mut cells)?;
    Ok(Revision {
        number: fixed.number,
        time: fixed.time,
        member: fixed.member.into_owned(),
        status: fixed.status,
        cells,
    })
}

/// One checked row of a [`Scanner`], borrowed from its buffers.
pub enum Checked<'a> {
    /// A whole, good row: its fixed fields, all its fields, where it is
    /// and the line it starts on.
    Row {
        fixed: Fixed<'a>,
        fields: Fields<'a>,
        start: u64,
        end: u64,
        line: u64,
    },
    /// The last row is not whole: it starts at this offset.
    Torn { start: u64, why: String },
    /// A row before the last is damaged, on this line: the file needs a person.
    Bad { line: u64, why: String },
}

/// The error a damaged row (not the last) stops a start with.
pub fn damaged(path: &Path, line: u64, why: &str) -> StoreError {
    StoreError::Corrupt(
        path.to_path_buf(),
        format!(
            "line {line}: {why}; only the last row can be torn, so this file needs a person to look at it"
        ),
    )
}

/// One step of a [`Scanner`] used as an iterator.
#[derive(Debug)]
pub enum Scanned {
    /// A whole row, and the byte offset where it ends.
    Row(Revision, u64),
    /// The last row is not whole: it starts at this offset.
    Torn { start: u64, why: String },
}

/// Reads a responses file row by row without changing it: checks the header
/// against the questionnaire, and reports a last row that is not whole as
/// torn (a crash, or a save being written at this moment).
pub struct Scanner {
    rows: Splitter,
    len: u64,
    width: usize,
    header_end: u64,
    last_number: u64,
    path: PathBuf,
    done: bool,
}

impl Scanner {
    /// Opens `path` for reading; `Ok(None)` when the file does not exist.
    pub fn open(survey: &Survey, path: &Path) -> Result<Option<Scanner>, StoreError> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        // Only what the file's chain vouches for: beside a running server,
        // a row being written (or one added by hand) is not read.
        let len = super::chain::vouched_len(path, file.metadata()?.len());
        let expected = header(survey);
        // The csv crate reads the header (and a byte-order mark before it,
        // should a person have saved the file with one).
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(std::io::Read::take(file.try_clone()?, len));
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
        let at = reader.position();
        Ok(Some(Scanner {
            rows: Splitter::new(file, at.byte(), len, at.line()),
            len,
            width: expected.len(),
            header_end: at.byte(),
            last_number: 0,
            path: path.to_path_buf(),
            done: false,
        }))
    }

    /// A scanner of the rows from `start` (where a row starts) to the end of
    /// this one's file, counting lines from 1 there, for a second thread.
    pub fn rest_from(&self, start: u64) -> Result<Scanner, StoreError> {
        Ok(Scanner {
            rows: Splitter::new(self.rows.file().try_clone()?, start, self.len, 1),
            len: self.len,
            width: self.width,
            header_end: self.header_end,
            last_number: 0,
            path: self.path.clone(),
            done: false,
        })
    }

    /// The length of the file when it was opened: rows after it are not read.
    pub fn file_len(&self) -> u64 {
        self.len
    }

    /// The file being read.
    pub fn file(&self) -> &File {
        self.rows.file()
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// No more rows than this fit in the file: a row has a comma between
    /// each two of its fields and a line end.
    pub fn rows_at_most(&self) -> usize {
        ((self.len - self.header_end) / self.width as u64) as usize
    }

    /// Where the header ends: the length of a file with no rows.
    pub fn header_end(&self) -> u64 {
        self.header_end
    }

    /// The next row, checked; its answers are not copied.
    pub fn step(&mut self) -> Result<Option<Checked<'_>>, StoreError> {
        if self.done {
            return Ok(None);
        }
        let (len, width, last_number) = (self.len, self.width, self.last_number);
        let step = self.rows.next_row()?;
        let (start, end, line, fields) = match step {
            None => {
                self.done = true;
                return Ok(None);
            }
            Some(Step::Torn { start }) => {
                self.done = true;
                return Ok(Some(Checked::Torn {
                    start,
                    why: "the last row does not end where a row ends".into(),
                }));
            }
            Some(Step::Row {
                start,
                end,
                line,
                fields,
            }) => (start, end, line, fields),
        };
        let checked = check(&fields, width).and_then(|fixed| {
            if fixed.number <= last_number {
                Err(format!(
                    "revision {} follows revision {last_number}",
                    fixed.number
                ))
            } else {
                Ok(fixed)
            }
        });
        match checked {
            Ok(fixed) => {
                self.last_number = fixed.number;
                Ok(Some(Checked::Row {
                    fixed,
                    fields,
                    start,
                    end,
                    line,
                }))
            }
            Err(why) if end >= len => {
                self.done = true;
                Ok(Some(Checked::Torn { start, why }))
            }
            Err(why) => {
                self.done = true;
                Ok(Some(Checked::Bad { line, why }))
            }
        }
    }

    /// The whole rows, in file order; a torn last row is left out.
    pub fn revisions(self) -> impl Iterator<Item = Result<Revision, StoreError>> {
        self.filter_map(|step| match step {
            Ok(Scanned::Row(r, _)) => Some(Ok(r)),
            Ok(Scanned::Torn { .. }) => None,
            Err(e) => Some(Err(e)),
        })
    }
}

impl Iterator for Scanner {
    type Item = Result<Scanned, StoreError>;
    fn next(&mut self) -> Option<Self::Item> {
        let width = self.width;
        let decoded = match self.step() {
            Ok(None) => return None,
            Ok(Some(Checked::Torn { start, why })) => {
                return Some(Ok(Scanned::Torn { start, why }));
            }
            Ok(Some(Checked::Bad { line, why })) => {
                return Some(Err(damaged(&self.path, line, &why)));
            }
            // `step` has checked the row already: only the answers are copied.
            Ok(Some(Checked::Row {
                fixed, fields, end, ..
            })) => revision(fixed, &fields, width).map(|r| Scanned::Row(r, end)),
            Err(e) => return Some(Err(e)),
        };
        Some(decoded.map_err(|m| StoreError::Corrupt(self.path.clone(), m)))
    }
}
