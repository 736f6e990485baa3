//! Attached documents, without HTTP: the kinds a `file` question may
//! allow, each recognised by its content (never by its name alone), the
//! one cell that names a stored file, and the names it is served under.

use sha2::{Digest, Sha256};

/// One kind of document a `file` question may allow.
#[derive(Debug, Clone, Copy)]
pub struct FileKind {
    /// Its name in definitions and the usual file extension (`pdf`).
    pub name: &'static str,
    /// What people call it, in messages.
    pub label: &'static str,
    /// Its media type, for the form's `accept` and the download.
    pub mime: &'static str,
    /// Whether these bytes are this kind: the magic bytes, and for the Office
    /// and OpenDocument zip containers the parts inside that make the kind.
    is: fn(&[u8]) -> bool,
}

/// Every kind a definition may list in `kinds`.
pub const KINDS: &[FileKind] = &[
    kind("pdf", "PDF", "application/pdf", infer::archive::is_pdf),
    kind(
        "docx",
        "Word document (.docx)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        infer::doc::is_docx,
    ),
    kind(
        "xlsx",
        "Excel workbook (.xlsx)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        infer::doc::is_xlsx,
    ),
    kind(
        "pptx",
        "PowerPoint presentation (.pptx)",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        infer::doc::is_pptx,
    ),
    kind(
        "doc",
        "Word 97-2003 document (.doc)",
        "application/msword",
        infer::doc::is_doc,
    ),
    kind(
        "xls",
        "Excel 97-2003 workbook (.xls)",
        "application/vnd.ms-excel",
        infer::doc::is_xls,
    ),
    kind(
        "odt",
        "OpenDocument text (.odt)",
        "application/vnd.oasis.opendocument.text",
        infer::odf::is_odt,
    ),
    kind(
        "ods",
        "OpenDocument spreadsheet (.ods)",
        "application/vnd.oasis.opendocument.spreadsheet",
        infer::odf::is_ods,
    ),
    kind(
        "rtf",
        "Rich Text (.rtf)",
        "application/rtf",
        infer::archive::is_rtf,
    ),
];

const fn kind(
    name: &'static str,
    label: &'static str,
    mime: &'static str,
    is: fn(&[u8]) -> bool,
) -> FileKind {
    FileKind {
        name,
        label,
        mime,
        is,
    }
}

/// The kind called `name` in definitions.
pub fn kind_named(name: &str) -> Option<&'static FileKind> {
    KINDS.iter().find(|k| k.name == name)
}

/// The first of `allowed` that these bytes are, if any.
pub fn recognise(bytes: &[u8], allowed: &[String]) -> Option<&'static FileKind> {
    allowed
        .iter()
        .filter_map(|a| kind_named(a))
        .find(|k| (k.is)(bytes))
}

/// The folder of the data directory that holds the attachments (so no
/// edition may have this id).
pub const FOLDER: &str = "files";
/// The default size limit of an attachment (`max_size` not given).
pub const DEFAULT_MAX_BYTES: u64 = 5 * 1024 * 1024;
/// The largest `max_size` a definition may set: every upload is held in
/// memory while it is checked, and must arrive within the body's deadline.
pub const MAX_MAX_BYTES: u64 = 20 * 1024 * 1024;
/// The longest file name kept, in characters.
pub const NAME_MAX: usize = 120;

/// A stored file, as its answer cell names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    /// The name it was uploaded under, cleaned (no folder, no control characters).
    pub name: String,
    pub size: u64,
    /// Its SHA-256, in lower-case hex: also its name in `data/files/`.
    pub sha256: String,
}

impl Attached {
    /// Describes `bytes` uploaded under `name`.
    pub fn of(name: &str, bytes: &[u8]) -> Attached {
        Attached {
            name: clean_name(name),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
        }
    }

    /// The answer cell: `name; size bytes; sha256:hex` (read from the right,
    /// so a name may hold anything but a line break).
    pub fn cell(&self) -> String {
        format!("{}; {} bytes; sha256:{}", self.name, self.size, self.sha256)
    }

    /// Reads an answer cell back; None for anything [`Attached::cell`] did not write.
    pub fn parse(cell: &str) -> Option<Attached> {
        let mut parts = cell.rsplitn(3, "; ");
        let hash = parts.next()?.strip_prefix("sha256:")?;
        let size = parts.next()?.strip_suffix(" bytes")?.parse().ok()?;
        let name = parts.next()?;
        (is_sha256(hash) && !name.is_empty() && clean_name(name) == name).then(|| Attached {
            name: name.to_string(),
            size,
            sha256: hash.to_string(),
        })
    }

    /// The size in words ("2.4 MB", "830 KB", "120 bytes").
    pub fn size_in_words(&self) -> String {
        size_in_words(self.size)
    }
}

/// A size in words, for people.
pub fn size_in_words(size: u64) -> String {
    match size {
        s if s >= 1024 * 1024 => format!("{:.1} MB", s as f64 / (1024.0 * 1024.0)),
        s if s >= 1024 => format!("{} KB", s.div_ceil(1024)),
        1 => "1 byte".into(),
        s => format!("{s} bytes"),
    }
}

/// Whether `s` is a SHA-256 in lower-case hex: the only names under `data/files/`.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The last part of an uploaded name (browsers on Windows may send a whole
/// path), without control characters or `;` runs that would read as the
/// cell's own separators, cut to [`NAME_MAX`] characters.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && crate::answers::clean::stray(&c.to_string()).is_none())
        .map(|c| if c == ';' { ',' } else { c })
        .take(NAME_MAX)
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "attachment".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The value of a download's `Content-Disposition`: always an attachment,
/// with an ASCII fallback name (`filename`) and the real one in RFC 5987
/// form (`filename*`), so no name can end the header or add a parameter.
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' | ' ' | '(' | ')' | ',' => c,
            _ => '_',
        })
        .collect();
    let ascii = if ascii.trim_matches(['_', ' ', '.']).is_empty() {
        "attachment".to_string()
    } else {
        ascii
    };
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_reads_back_whatever_the_name_holds() {
        let a = Attached::of("C:\\Users\\x\\Loi n° 12; 2021.pdf", b"%PDF-1.4 x");
        assert_eq!(a.name, "Loi n° 12, 2021.pdf");
        assert_eq!(Attached::parse(&a.cell()), Some(a));
        assert_eq!(Attached::parse("law.pdf; 12 bytes; sha256:zz"), None);
        assert_eq!(Attached::parse("free text"), None);
    }

    #[test]
    fn a_kind_is_told_by_content_and_not_by_name() {
        let pdf = b"%PDF-1.7\n1 0 obj\n";
        let allowed = vec!["pdf".to_string(), "docx".to_string()];
        assert_eq!(recognise(pdf, &allowed).map(|k| k.name), Some("pdf"));
        assert!(recognise(b"MZ\x90\x00 a program", &allowed).is_none());
        assert!(recognise(b"just text, named law.pdf", &allowed).is_none());
        assert!(recognise(pdf, &["docx".to_string()]).is_none());
    }

    #[test]
    fn a_download_name_cannot_break_out_of_its_header() {
        let h = content_disposition("a\"b\r\nX-Evil: 1; é.pdf");
        assert!(!h.contains('\r') && !h.contains('\n'));
        assert!(h.starts_with("attachment; filename=\"a_b__X-Evil_ 1_ _.pdf\"; "));
        assert!(h.ends_with("filename*=UTF-8''a%22b%0D%0AX-Evil%3A%201%3B%20%C3%A9.pdf"));
    }
}
