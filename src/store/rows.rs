//! Finding and splitting the rows of a responses file fast: the start-up
//! index, the exports and the report read every row, and a million rows
//! is more than a gigabyte.
//!
//! The rows the store writes quote a field only when it needs it, as
//! RFC 4180 does: a quote opens a field, a doubled quote inside stands for
//! one, and the closing quote is followed by a comma or the line end. Such
//! a row is split with `memchr` jumps (to the next quote, comma or line
//! end) instead of a byte-by-byte state machine. A row with anything else
//! (a quote inside an unquoted field, text after a closing quote, a
//! carriage return) is handed to `csv_core`, the parser under the `csv`
//! crate, so that every row is split exactly as the `csv` crate splits it;
//! a property test holds the two to it.

use std::borrow::Cow;
use std::fs::File;

/// The fields of one row, without its line end.
#[derive(Debug, Clone, Copy)]
pub enum Fields<'a> {
    /// A row with no quote: split on commas.
    Plain(&'a [u8]),
    /// A row quoted as RFC 4180 has it (checked), of `count` fields.
    Quoted { row: &'a [u8], count: usize },
    /// A row the CSV parser has unquoted: each field ends at its `ends` entry.
    Parsed { data: &'a [u8], ends: &'a [usize] },
}

/// Where the quoted field that starts at `row[open]` ends: its closing
/// quote, and whether it holds doubled quotes. None if it is not closed in `row`.
fn closing_quote(row: &[u8], open: usize) -> Option<(usize, bool)> {
    let mut at = open + 1;
    let mut doubled = false;
    loop {
        let quote = at + memchr::memchr(b'"', &row[at..])?;
        if row.get(quote + 1) == Some(&b'"') {
            doubled = true;
            at = quote + 2;
        } else {
            return Some((quote, doubled));
        }
    }
}

/// The content of a quoted field: doubled quotes made single.
fn unquote(inner: &[u8], doubled: bool) -> Cow<'_, [u8]> {
    if !doubled {
        return Cow::Borrowed(inner);
    }
    let mut out = Vec::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(i) = memchr::memchr(b'"', rest) {
        // A quote inside is always doubled here: keep one, skip the other.
        out.extend_from_slice(&rest[..=i]);
        rest = rest.get(i + 2..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
    Cow::Owned(out)
}

/// Splits plain bytes on commas.
fn commas(row: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(row);
    std::iter::from_fn(move || {
        let row = rest?;
        match memchr::memchr(b',', row) {
            Some(i) => {
                rest = Some(&row[i + 1..]);
                Some(&row[..i])
            }
            None => {
                rest = None;
                Some(row)
            }
        }
    })
}

/// Where each field of a checked RFC 4180 row is: the range of its content
/// (inside its quotes, if quoted) and whether it holds doubled quotes.
fn quoted_spans(row: &[u8]) -> impl Iterator<Item = (usize, usize, bool)> + '_ {
    let mut at = Some(0);
    std::iter::from_fn(move || {
        let start = at?;
        if row.get(start) == Some(&b'"') {
            let (close, doubled) = closing_quote(row, start)?;
            // A comma follows the closing quote, or the row ends there.
            at = (close + 1 < row.len()).then_some(close + 2);
            return Some((start + 1, close, doubled));
        }
        match memchr::memchr(b',', &row[start..]) {
            Some(i) => {
                at = Some(start + i + 1);
                Some((start, start + i, false))
            }
            None => {
                at = None;
                Some((start, row.len(), false))
            }
        }
    })
}

/// The fields of a checked RFC 4180 row.
fn quoted_fields(row: &[u8]) -> impl Iterator<Item = Cow<'_, [u8]>> {
    quoted_spans(row).map(move |(start, end, doubled)| unquote(&row[start..end], doubled))
}

/// The fields of a checked RFC 4180 row that is text. Every span starts and
/// ends next to an ASCII quote or comma, so slicing the text there is safe.
fn quoted_texts(row: &str) -> impl Iterator<Item = Cow<'_, str>> {
    quoted_spans(row.as_bytes()).map(move |(start, end, doubled)| {
        let inner = &row[start..end];
        if doubled {
            Cow::Owned(inner.replace("\"\"", "\""))
        } else {
            Cow::Borrowed(inner)
        }
    })
}

impl<'a> Fields<'a> {
    /// How many fields the row has.
    pub fn len(&self) -> usize {
        match self {
            Fields::Plain(row) => memchr::memchr_iter(b',', row).count() + 1,
            Fields::Quoted { count, .. } => *count,
            Fields::Parsed { ends, .. } => ends.len(),
        }
    }

    /// Whether the row's bytes are UTF-8 (then every field is: fields end at ASCII bytes).
    pub fn is_utf8(&self) -> bool {
        let bytes = match self {
            Fields::Plain(row) | Fields::Quoted { row, .. } => row,
            Fields::Parsed { data, .. } => data,
        };
        std::str::from_utf8(bytes).is_ok()
    }

    /// The fields in order as text, the row's UTF-8 checked once; None
    /// when the row is not UTF-8.
    pub fn texts(&self) -> Option<Box<dyn Iterator<Item = Cow<'a, str>> + 'a>> {
        Some(match *self {
            Fields::Plain(row) => {
                Box::new(std::str::from_utf8(row).ok()?.split(',').map(Cow::Borrowed))
            }
            Fields::Quoted { row, .. } => Box::new(quoted_texts(std::str::from_utf8(row).ok()?)),
            Fields::Parsed { data, ends } => {
                let data = std::str::from_utf8(data).ok()?;
                let mut start = 0;
                // A field ends where the parser met a comma or the line end:
                // never inside a character.
                Box::new(ends.iter().map(move |&end| {
                    let field = data.get(start..end).unwrap_or_default();
                    start = end;
                    Cow::Borrowed(field)
                }))
            }
        })
    }

    /// The fields in order, unquoted.
    pub fn iter(&self) -> Box<dyn Iterator<Item = Cow<'a, [u8]>> + 'a> {
        match *self {
            Fields::Plain(row) => Box::new(commas(row).map(Cow::Borrowed)),
            Fields::Quoted { row, .. } => Box::new(quoted_fields(row)),
            Fields::Parsed { data, ends } => {
                let mut start = 0;
                Box::new(ends.iter().map(move |&end| {
                    let field = &data[start..end];
                    start = end;
                    Cow::Borrowed(field)
                }))
            }
        }
    }
}

/// What the fast scan of a row found.
enum Scan {
    /// A row of `len` bytes before its `\n`, of `count` fields; `quoted` if it has quotes.
    Row {
        len: usize,
        count: usize,
        quoted: bool,
    },
    /// The input ends before the row does.
    Incomplete,
    /// Something the fast scan does not take: the CSV parser must split it.
    Odd,
}

/// Finds the end of the row at the start of `input`, checking that its
/// quotes are where RFC 4180 puts them.
fn scan(input: &[u8]) -> Scan {
    let mut at = 0;
    let mut quoted_commas = 0;
    loop {
        let Some(i) = memchr::memchr3(b'"', b'\n', b'\r', &input[at..]) else {
            return Scan::Incomplete;
        };
        let hit = at + i;
        match input[hit] {
            b'\n' => {
                let all = memchr::memchr_iter(b',', &input[..hit]).count();
                return Scan::Row {
                    len: hit,
                    count: all - quoted_commas + 1,
                    quoted: quoted_commas > 0 || at > 0,
                };
            }
            b'"' => {
                // A quote opens a field only at its start.
                if hit > 0 && input[hit - 1] != b',' {
                    return Scan::Odd;
                }
                let Some((close, _)) = closing_quote(input, hit) else {
                    return Scan::Incomplete;
                };
                match input.get(close + 1) {
                    Some(b',' | b'\n') => {}
                    None => return Scan::Incomplete,
                    Some(_) => return Scan::Odd,
                }
                quoted_commas += memchr::memchr_iter(b',', &input[hit + 1..close]).count();
                at = close + 1;
            }
            _ => return Scan::Odd,
        }
    }
}

/// The CSV parser for the rows the fast path cannot split, with its buffers.
pub struct Parser {
    core: csv_core::Reader,
    data: Vec<u8>,
    ends: Vec<usize>,
}

impl Default for Parser {
    fn default() -> Self {
        Parser {
            core: csv_core::Reader::new(),
            data: vec![0; 4096],
            ends: vec![0; 256],
        }
    }
}

/// Where the row at the start of some input ends, without borrowing it, so
/// that a caller can read more input and try again.
#[derive(Debug, Clone, Copy)]
enum Found {
    /// A row of `len` bytes before its `\n`, of `count` fields.
    Split {
        len: usize,
        count: usize,
        quoted: bool,
    },
    /// A row the parser has unquoted into its first `data` bytes and `ends` entries.
    Parsed {
        data: usize,
        ends: usize,
        taken: usize,
    },
    /// The input ends before the row does.
    Incomplete,
}

impl Found {
    /// How many input bytes the row takes, its line end included.
    fn taken(self) -> Option<usize> {
        match self {
            Found::Split { len, .. } => Some(len + 1),
            Found::Parsed { taken, .. } => Some(taken),
            Found::Incomplete => None,
        }
    }

    fn fields<'a>(self, parser: &'a Parser, input: &'a [u8]) -> Fields<'a> {
        match self {
            Found::Split {
                len, quoted: false, ..
            } => Fields::Plain(&input[..len]),
            Found::Split { len, count, .. } => Fields::Quoted {
                row: &input[..len],
                count,
            },
            Found::Parsed { data, ends, .. } => Fields::Parsed {
                data: &parser.data[..data],
                ends: &parser.ends[..ends],
            },
            // A row the parser could not finish has no fields to give.
            Found::Incomplete => Fields::Plain(&[]),
        }
    }
}

impl Parser {
    /// Where the row at the start of `input` ends, as the `csv` crate would
    /// split it, taking the fast path when it can. `input` starts where a
    /// row starts, after any empty line.
    fn find(&mut self, input: &[u8]) -> Found {
        match scan(input) {
            Scan::Row { len, count, quoted } => Found::Split { len, count, quoted },
            Scan::Incomplete => Found::Incomplete,
            Scan::Odd => self.parse(input),
        }
    }

    fn parse(&mut self, input: &[u8]) -> Found {
        use csv_core::ReadRecordResult::*;
        self.core.reset();
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        // Once reset, csv_core takes a byte-order mark at the start of its
        // input for the file's own and drops it; in the middle of a file it
        // belongs to the row (as the csv crate reads it), so the first call
        // gets one byte, too few to be taken for a mark.
        let mut upto = input.len().min(1);
        loop {
            let (res, i, o, e) = self.core.read_record(
                &input[nin..upto],
                &mut self.data[nout..],
                &mut self.ends[nend..],
            );
            nin += i;
            nout += o;
            nend += e;
            match res {
                Record => {
                    return Found::Parsed {
                        data: nout,
                        ends: nend,
                        taken: nin,
                    };
                }
                InputEmpty if upto < input.len() => upto = input.len(),
                InputEmpty | End => return Found::Incomplete,
                OutputFull => {
                    let len = self.data.len();
                    self.data.resize(len * 2, 0);
                }
                OutputEndsFull => {
                    let len = self.ends.len();
                    self.ends.resize(len * 2, 0);
                }
            }
        }
    }

    /// The fields of the row at the start of `input` and the bytes it
    /// takes; None when `input` ends before the row does.
    pub fn split<'a>(&'a mut self, input: &'a [u8]) -> Option<(Fields<'a>, usize)> {
        let found = self.find(input);
        let taken = found.taken()?;
        Some((found.fields(self, input), taken))
    }
}

/// One step of a [`Splitter`].
pub enum Step<'a> {
    /// A whole row: where it starts and ends in the file, the line it starts on, its fields.
    Row {
        start: u64,
        end: u64,
        line: u64,
        fields: Fields<'a>,
    },
    /// The bytes from `start` to the end of the region are not a whole row.
    Torn { start: u64 },
}

/// Reads the rows of a region of a file in order, in large reads.
pub struct Splitter {
    file: File,
    /// Where the region ends: bytes past it (a save being written now) are not read.
    limit: u64,
    buf: Vec<u8>,
    /// The unread part of `buf` is `pos..filled`; `buf[pos]` is at file offset `at`.
    pos: usize,
    filled: usize,
    at: u64,
    /// Where the next read of the file starts.
    read_to: u64,
    line: u64,
    parser: Parser,
    done: bool,
    /// How much one read takes: a few MiB, so a gigabyte is a few hundred reads.
    chunk: usize,
}

impl Splitter {
    /// The rows of `file` from offset `start` (where a row starts) to `limit`;
    /// `line` is the line number at `start`.
    pub fn new(file: File, start: u64, limit: u64, line: u64) -> Splitter {
        Splitter {
            file,
            limit,
            buf: Vec::new(),
            pos: 0,
            filled: 0,
            at: start,
            read_to: start,
            line,
            parser: Parser::default(),
            done: false,
            chunk: 4 << 20,
        }
    }

    /// The file being read.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Keeps the unread bytes and reads more after them; false at the end of the region.
    fn refill(&mut self) -> std::io::Result<bool> {
        if self.read_to >= self.limit {
            return Ok(false);
        }
        self.buf.copy_within(self.pos..self.filled, 0);
        self.filled -= self.pos;
        self.pos = 0;
        let want = (self.limit - self.read_to).min(self.chunk as u64) as usize;
        if self.buf.len() < self.filled + want {
            self.buf.resize(self.filled + want, 0);
        }
        let target = &mut self.buf[self.filled..self.filled + want];
        let mut got = 0;
        while got < want {
            let n = read_at(&self.file, &mut target[got..], self.read_to + got as u64)?;
            if n == 0 {
                // The file is shorter than it was when the region was set.
                self.limit = self.read_to + got as u64;
                break;
            }
            got += n;
        }
        self.filled += got;
        self.read_to += got as u64;
        Ok(got > 0)
    }

    /// The next row, or the torn bytes that end the region, or None at its end.
    pub fn next_row(&mut self) -> std::io::Result<Option<Step<'_>>> {
        if self.done {
            return Ok(None);
        }
        let found = loop {
            // Empty lines between rows are skipped, as the csv crate does.
            while self.pos < self.filled && matches!(self.buf[self.pos], b'\n' | b'\r') {
                if self.buf[self.pos] == b'\n' {
                    self.line += 1;
                }
                self.pos += 1;
                self.at += 1;
            }
            if self.pos == self.filled {
                if self.refill()? {
                    continue;
                }
                self.done = true;
                return Ok(None);
            }
            let found = self.parser.find(&self.buf[self.pos..self.filled]);
            if found.taken().is_some() {
                break found;
            }
            if !self.refill()? {
                self.done = true;
                return Ok(Some(Step::Torn { start: self.at }));
            }
        };
        let taken = found.taken().unwrap_or(0);
        let bytes = &self.buf[self.pos..self.pos + taken];
        let (start, line) = (self.at, self.line);
        self.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
        self.pos += taken;
        self.at += taken as u64;
        Ok(Some(Step::Row {
            start,
            end: start + taken as u64,
            line,
            fields: found.fields(&self.parser, bytes),
        }))
    }
}

/// Reads up to `buf.len()` bytes of `file` at `offset`, leaving the file's position alone.
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        std::os::windows::fs::FileExt::seek_read(file, buf, offset)
    }
}

/// Reads exactly `buf.len()` bytes of `file` at `offset`.
pub fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    let mut got = 0;
    while got < buf.len() {
        match read_at(file, &mut buf[got..], offset + got as u64)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => got += n,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    /// Rows of fields of bytes.
    type Rows = Vec<Vec<Vec<u8>>>;

    /// A header line before the bytes, as every responses file has: the
    /// splitter starts after it, as the store's scanner does.
    const HEADER: &[u8] = b"h\n";

    /// What the `csv` crate reads from `bytes` after the header: every record's fields.
    fn by_csv_crate(bytes: &[u8]) -> Rows {
        let file = [HEADER, bytes].concat();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(file.as_slice());
        reader
            .byte_records()
            .map(|r| {
                r.expect("the csv crate reads any bytes")
                    .iter()
                    .map(<[u8]>::to_vec)
                    .collect()
            })
            .collect()
    }

    /// What a [`Splitter`] reads from `bytes`, `chunk` bytes a read: the
    /// whole rows, whether it ended on a torn row, and each row's span.
    fn by_splitter(bytes: &[u8], chunk: usize) -> (Rows, bool, Vec<(u64, u64)>) {
        let mut file = tempfile::tempfile().expect("a temporary file");
        file.write_all(&[HEADER, bytes].concat()).expect("written");
        let start = HEADER.len() as u64;
        let mut rows = Splitter::new(file, start, start + bytes.len() as u64, 2);
        rows.chunk = chunk;
        let (mut out, mut spans) = (Vec::new(), Vec::new());
        while let Some(step) = rows.next_row().expect("read") {
            match step {
                Step::Row {
                    start, end, fields, ..
                } => {
                    let got: Vec<Vec<u8>> = fields.iter().map(|f| f.into_owned()).collect();
                    assert_eq!(
                        got.len(),
                        fields.len(),
                        "len() counts the fields iter() gives"
                    );
                    out.push(got);
                    spans.push((start, end));
                }
                Step::Torn { .. } => return (out, true, spans),
            }
        }
        (out, false, spans)
    }

    fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
        let token = prop_oneof![
            Just(b",".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"\"\"".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"a".to_vec()),
            Just(b"12".to_vec()),
            Just("é".as_bytes().to_vec()),
            Just(b"\xef\xbb\xbf".to_vec()),
        ];
        proptest::collection::vec(token, 0..60).prop_map(|t| t.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn rows_split_as_the_csv_crate_splits_them(bytes in csv_bytes(), chunk in 1usize..9) {
            let expected = by_csv_crate(&bytes);
            for chunk in [chunk, 1 << 20] {
                let (rows, torn, spans) = by_splitter(&bytes, chunk);
                // A last record without its line end is torn here (a crash
                // cut it), where the csv crate takes it as it is.
                let whole = expected.len() - usize::from(torn);
                prop_assert_eq!(&rows[..], &expected[..whole], "chunk {}", chunk);
                prop_assert!(!torn || expected.len() > rows.len());
                for w in spans.windows(2) {
                    prop_assert!(w[0].1 <= w[1].0, "rows do not overlap");
                }
            }
        }
    }

    #[test]
    fn a_quoted_row_is_split_without_the_parser() {
        let mut parser = Parser::default();
        let row = b"1,\"a,\"\"b\"\"\nc\",,\"\"\n";
        let (fields, taken) = parser.split(row).expect("a whole row");
        assert!(matches!(fields, Fields::Quoted { .. }), "{fields:?}");
        assert_eq!(taken, row.len());
        let got: Vec<Vec<u8>> = fields.iter().map(|f| f.into_owned()).collect();
        assert_eq!(got, [&b"1"[..], b"a,\"b\"\nc", b"", b""]);
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_goes_to_the_parser() {
        let mut parser = Parser::default();
        let (fields, _) = parser.split(b"ab\"c,d\n").expect("a whole row");
        assert!(matches!(fields, Fields::Parsed { .. }), "{fields:?}");
        let got: Vec<Vec<u8>> = fields.iter().map(|f| f.into_owned()).collect();
        assert_eq!(got, [&b"ab\"c"[..], b"d"]);
    }
}
