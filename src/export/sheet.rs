//! The CSV writer every export goes through: RFC 4180 rows written as they
//! come, an optional byte-order mark, and cells a spreadsheet would run as a
//! formula neutralised with a leading `'` unless the export is raw.

use super::{ExportError, ExportOptions};
use std::io::Write;

/// The first characters that make a spreadsheet read a cell as a formula
/// (or, for a tab or a carriage return, hide one behind them).
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The UTF-8 byte-order mark, which tells Excel the file is UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// Whether a spreadsheet could take this cell for a formula.
pub fn is_formula_like(cell: &str) -> bool {
    // All six are ASCII, so the first byte decides.
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// How much a sheet gathers before it passes it on: rows reach `out` in
/// chunks of about this size, whatever the size of the file.
const CHUNK: usize = 64 * 1024;

/// One CSV file being written: a header, then data rows, counted. A row is
/// written field by field ([`Sheet::field`], then [`Sheet::end_row`]) or
/// all at once ([`Sheet::row`]).
///
/// Rows are encoded here rather than by the csv crate's writer: the rules
/// are few (quote a field holding `"`, `,`, CR or LF, and double its
/// quotes), and the exports' rows are wide and mostly empty, where the
/// crate's per-field bookkeeping was most of the time an export took. The
/// unit tests check the encoding against the csv crate's; the integration
/// tests read every export back with it.
pub struct Sheet<'w> {
    out: &'w mut dyn Write,
    raw: bool,
    rows: u64,
    buf: Vec<u8>,
    /// Fields written so far in the current row.
    fields: usize,
    /// Where the current row starts in `buf`.
    row_start: usize,
}

fn write_error(e: impl std::fmt::Display) -> ExportError {
    ExportError::Write(e.to_string())
}

/// Whether a field must be quoted to stay one field.
fn needs_quotes(field: &[u8]) -> bool {
    // Whole chunks without an early exit: the compiler turns the inner
    // loop into vector instructions, and long texts are most of the bytes.
    field.chunks(32).any(|chunk| {
        chunk.iter().fold(false, |found, b| {
            found | matches!(b, b'"' | b',' | b'\r' | b'\n')
        })
    })
}

impl<'w> Sheet<'w> {
    /// Starts a file on `out`, with the byte-order mark if asked.
    pub fn new(out: &'w mut dyn Write, options: ExportOptions) -> Sheet<'w> {
        let mut buf = Vec::with_capacity(CHUNK + 4096);
        if options.bom {
            buf.extend_from_slice(BOM);
        }
        Sheet {
            out,
            raw: options.raw,
            rows: 0,
            row_start: buf.len(),
            buf,
            fields: 0,
        }
    }

    /// Writes the header row (not counted as a data row).
    pub fn header<I, S>(&mut self, fields: I) -> Result<(), ExportError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for field in fields {
            self.field(field.as_ref());
        }
        self.end_line()
    }

    /// Writes one whole data row.
    pub fn row<I, S>(&mut self, fields: I) -> Result<(), ExportError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for field in fields {
            self.field(field.as_ref());
        }
        self.end_row()
    }

    /// Adds a field to the row being written.
    pub fn field(&mut self, field: &str) {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
        let bytes = field.as_bytes();
        if bytes.is_empty() {
            // Most cells of a wide row are empty: the quickest way out.
            return;
        }
        let prefix: &[u8] = if !self.raw && is_formula_like(field) {
            b"'"
        } else {
            b""
        };
        if !needs_quotes(bytes) {
            self.buf.extend_from_slice(prefix);
            self.buf.extend_from_slice(bytes);
            return;
        }
        self.buf.push(b'"');
        self.buf.extend_from_slice(prefix);
        let mut parts = bytes.split(|&b| b == b'"');
        if let Some(first) = parts.next() {
            self.buf.extend_from_slice(first);
        }
        for part in parts {
            self.buf.extend_from_slice(b"\"\"");
            self.buf.extend_from_slice(part);
        }
        self.buf.push(b'"');
    }

    /// Ends the data row being written.
    pub fn end_row(&mut self) -> Result<(), ExportError> {
        self.end_line()?;
        self.rows += 1;
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), ExportError> {
        if self.fields == 1 && self.buf.len() == self.row_start {
            // A row of one empty field would read back as no row at all.
            self.buf.extend_from_slice(b"\"\"");
        }
        self.fields = 0;
        self.buf.extend_from_slice(b"\r\n");
        if self.buf.len() >= CHUNK {
            self.pass_on()?;
        }
        self.row_start = self.buf.len();
        Ok(())
    }

    fn pass_on(&mut self) -> Result<(), ExportError> {
        self.out.write_all(&self.buf).map_err(write_error)?;
        self.buf.clear();
        Ok(())
    }

    /// Passes on what is still gathered; returns the number of data rows.
    pub fn finish(mut self) -> Result<u64, ExportError> {
        self.pass_on()?;
        self.out.flush().map_err(write_error)?;
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the csv crate's own writer makes of the same row.
    fn by_the_csv_crate(row: &[String]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record(row).unwrap();
        w.into_inner().unwrap()
    }

    proptest! {
        #[test]
        fn a_raw_row_is_encoded_as_the_csv_crate_encodes_it(
            row in prop::collection::vec(
                prop::collection::vec(
                    prop_oneof![Just('"'), Just(','), Just('\r'), Just('\n'), Just('='), any::<char>()],
                    0..8,
                ).prop_map(String::from_iter),
                1..6,
            )
        ) {
            let raw = ExportOptions { raw: true, ..ExportOptions::default() };
            let fields: Vec<&str> = row.iter().map(String::as_str).collect();
            prop_assert_eq!(written(raw, &[&fields]), by_the_csv_crate(&row));
        }
    }

    #[test]
    fn the_formula_test_is_exactly_the_six_starts() {
        for c in (0u8..128).map(char::from).chain(['é', '＝', '\u{feff}']) {
            let cell = format!("{c}1");
            assert_eq!(is_formula_like(&cell), FORMULA_STARTS.contains(&c), "{c:?}");
        }
    }

    #[test]
    fn a_row_of_one_empty_field_is_still_a_row() {
        assert_eq!(
            written(ExportOptions::default(), &[&[""], &["a"]]),
            b"\"\"\r\na\r\n"
        );
    }

    fn written(options: ExportOptions, rows: &[&[&str]]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut sheet = Sheet::new(&mut out, options);
        for row in rows {
            sheet.row(row.iter()).unwrap();
        }
        assert_eq!(sheet.finish().unwrap(), rows.len() as u64);
        out
    }

    #[test]
    fn each_of_the_six_formula_starts_gets_a_quote_and_nothing_else_does() {
        for start in FORMULA_STARTS {
            let cell = format!("{start}SUM(A1)");
            assert!(is_formula_like(&cell), "{cell:?}");
        }
        for cell in ["", "SUM(A1)", " =1", "1-2", "'=x", "\n=1", "é=1"] {
            assert!(!is_formula_like(cell), "{cell:?}");
        }
        let out = written(ExportOptions::default(), &[&["=1+1", "-3", "a=b", "@x"]]);
        assert_eq!(out, b"'=1+1,'-3,a=b,'@x\r\n");
    }

    #[test]
    fn a_raw_sheet_writes_cells_exactly() {
        let options = ExportOptions {
            raw: true,
            ..ExportOptions::default()
        };
        let out = written(options, &[&["=1+1", "\tx", "a,\"b\"\nc"]]);
        assert_eq!(out, b"=1+1,\tx,\"a,\"\"b\"\"\nc\"\r\n");
    }

    #[test]
    fn a_neutralised_cell_is_still_quoted_when_it_needs_quotes() {
        let out = written(ExportOptions::default(), &[&["\r\n=2", "=\"x\",y"]]);
        assert_eq!(out, b"\"'\r\n=2\",\"'=\"\"x\"\",y\"\r\n");
    }

    #[test]
    fn the_byte_order_mark_comes_first_only_when_asked() {
        let bom = ExportOptions {
            bom: true,
            ..ExportOptions::default()
        };
        assert_eq!(written(bom, &[&["a"]]), b"\xEF\xBB\xBFa\r\n");
        assert_eq!(written(ExportOptions::default(), &[&["a"]]), b"a\r\n");
    }
}
