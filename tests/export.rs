//! The CSV downloads, read back with the csv crate and checked value for
//! value against what was saved: responses, revisions, long, codebook,
//! labels, the byte-order mark and the spreadsheet safety.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use spam_survey::answers::{self, Cells, Mode};
use spam_survey::definition::{self, Cell, Kind, Survey};
use spam_survey::export::{
    self, CODEBOOK_COLUMNS, ExportError, ExportKind, ExportOptions, FORMULA_STARTS, LONG_COLUMNS,
    RESPONSES_ID_COLUMNS, REVISIONS_ID_COLUMNS,
};
use spam_survey::store::{Revision, Status, Store, encode_row};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

const EDITION: &str = "spam-2022";

fn surveys() -> Vec<Survey> {
    definition::load_dir(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/surveys")))
        .expect("the bundled definitions load")
}

fn edition() -> Survey {
    surveys()
        .into_iter()
        .find(|s| s.id == EDITION)
        .expect("the bundled edition")
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The cells a form post gives, as the server would store them.
fn cells(survey: &Survey, pairs: &[(&str, &str)], mode: Mode) -> Cells {
    let checked = answers::process(survey, &fields(pairs), mode).expect("a well-formed post");
    assert!(
        checked.problems.is_empty(),
        "the post is valid: {:?}",
        checked.problems
    );
    checked.cells
}

/// What every submission here answers: the required questions.
const REQUIRED: [(&str, &str); 11] = [
    ("P1", "Agency"),
    ("P3_name", "A. Person"),
    ("P3_email", "a.person@example.org"),
    ("A1", "3"),
    ("A2", "email"),
    ("A3_email", "3"),
    ("B1", "no"),
    ("D1", "no"),
    ("F5", "maybe"),
    ("G1", "statistics"),
    ("G2_1", "statistics"),
];

fn with_required<'a>(own: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all: Vec<(&str, &str)> = REQUIRED
        .into_iter()
        .filter(|(k, _)| !own.iter().any(|(o, _)| o == k))
        .collect();
    all.extend_from_slice(own);
    all
}

/// Answers with text a spreadsheet or a CSV reader could trip on.
fn awkward() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "P1",
            "Ministère des Télécoms, \"Spam\" dept.\n2nd line — 日本語 🚀",
        ),
        ("P2", "other"),
        ("P2_other_text", "@SUM(A1:A2)"),
        ("P3_name", "=HYPERLINK(\"http://evil.example\",\"x\")"),
        ("P3_position", "\tHead of unit"),
        ("P3_email", "someone@example.org"),
        ("A1", "4"),
        ("A2", "email"),
        ("A2", "sms"),
        ("A2", "other"),
        ("A2_other_text", "+1 555 spam; really"),
        ("A3_email", "5"),
        ("A3_sms", "3"),
        ("A3_other", "1"),
        ("A12", "-200 USD, roughly"),
        ("B1", "dedicated_law"),
        ("B2", "Spam Act, 2001\r\nAmended 2019"),
        ("B8", "none"),
        ("D1", "yes"),
        ("F5", "yes"),
        ("G1", "spoofing"),
        ("G1", "statistics"),
        ("G1", "awareness"),
        ("G2_1", "statistics"),
        ("G2_2", "spoofing"),
        ("G4", "\rstarts with a carriage return"),
        ("G5", "'already quoted, and = inside"),
    ]
}

/// Figures: 0, unknown and not answered, and two questions hidden by
/// their conditions (A8 by A7, E2 by E1) although the post answers them.
fn figures() -> Vec<(&'static str, &'static str)> {
    with_required(&[
        ("A7", "domestic"),
        ("A8", "should be dropped"),
        ("A9", "yes"),
        ("A10_2019", "0"),
        ("A10_2020:unknown", "1"),
        ("A11_email", "12,000"),
        ("A11_sms:unknown", "1"),
        ("A11_fax", "0"),
        ("E1", "no"),
        ("E2", "youth"),
        ("E2", "elderly"),
        ("F3_sent", "7"),
    ])
}

struct Fixture {
    dir: tempfile::TempDir,
    survey: Survey,
    /// Every save, in the order it was made.
    saves: Vec<Arc<Revision>>,
}

/// A data directory with: KR submitted with awkward text, then a later
/// draft; JP submitted with figures and hidden questions; AU submitted
/// twice; TH with only a draft.
async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let survey = edition();
    let store = Store::open(dir.path(), surveys()).expect("the store opens");
    let mut saves = Vec::new();
    let plan: Vec<(&str, Status, Cells)> = vec![
        (
            "KR",
            Status::Draft,
            cells(&survey, &[("P1", "first try")], Mode::Draft),
        ),
        (
            "AU",
            Status::Submitted,
            cells(&survey, &with_required(&[]), Mode::Submit),
        ),
        (
            "KR",
            Status::Submitted,
            cells(&survey, &awkward(), Mode::Submit),
        ),
        (
            "TH",
            Status::Draft,
            cells(&survey, &[("P1", "=draft only")], Mode::Draft),
        ),
        (
            "JP",
            Status::Submitted,
            cells(&survey, &figures(), Mode::Submit),
        ),
        (
            "AU",
            Status::Submitted,
            cells(&survey, &with_required(&[("P1", "Second")]), Mode::Submit),
        ),
        (
            "KR",
            Status::Draft,
            cells(&survey, &[("P1", "a later draft")], Mode::Draft),
        ),
    ];
    for (member, status, cells) in plan {
        let rev = store
            .save(EDITION, member, status, cells)
            .await
            .expect("the save is stored");
        saves.push(rev);
    }
    Fixture { dir, survey, saves }
}

impl Fixture {
    fn latest_submitted(&self, member: &str) -> &Revision {
        self.saves
            .iter()
            .rev()
            .find(|r| r.member == member && r.status == Status::Submitted)
            .expect("a submission")
    }

    /// Exports as the command does: from a store opened read-only.
    fn export(&self, kind: ExportKind, options: ExportOptions) -> Vec<u8> {
        let store = Store::open_read_only(self.dir.path(), surveys()).expect("the store opens");
        let mut out = Vec::new();
        let rows = export::write(&store, EDITION, kind, options, &mut out).expect("the export");
        let table = Table::parse(&out);
        assert_eq!(rows, table.rows.len() as u64, "the row count returned");
        out
    }

    fn table(&self, kind: ExportKind, options: ExportOptions) -> Table {
        Table::parse(&self.export(kind, options))
    }
}

const RAW: ExportOptions = ExportOptions {
    labels: false,
    raw: true,
    bom: false,
};
const SAFE: ExportOptions = ExportOptions {
    labels: false,
    raw: false,
    bom: false,
};
const LABELS: ExportOptions = ExportOptions {
    labels: true,
    raw: true,
    bom: false,
};

/// A CSV file read back.
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn parse(bytes: &[u8]) -> Table {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes);
        let headers = reader
            .headers()
            .expect("a header row")
            .iter()
            .map(str::to_string)
            .collect::<Vec<_>>();
        let rows = reader
            .records()
            .map(|r| {
                let r = r.expect("a well-formed row");
                assert_eq!(r.len(), headers.len(), "every row has every column");
                r.iter().map(str::to_string).collect()
            })
            .collect();
        Table { headers, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("a column {name}"))
    }

    fn column(&self, name: &str) -> Vec<&str> {
        let i = self.col(name);
        self.rows.iter().map(|r| r[i].as_str()).collect()
    }

    fn row_where(&self, column: &str, value: &str) -> &[String] {
        let i = self.col(column);
        self.rows
            .iter()
            .find(|r| r[i] == value)
            .unwrap_or_else(|| panic!("a row with {column} = {value}"))
    }

    fn row(&self, member: &str) -> &[String] {
        self.row_where("member", member)
    }

    fn get(&self, member: &str, column: &str) -> &str {
        &self.row(member)[self.col(column)]
    }
}

/// What the default export shows of a value: a `'` before a formula start.
fn neutralised(value: &str) -> String {
    if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

#[tokio::test]
async fn responses_hold_each_members_latest_submission_in_member_list_order() {
    let f = fixture().await;
    let t = f.table(ExportKind::Responses, RAW);
    // AU, JP, KR in the member list's order; TH has only a draft.
    assert_eq!(t.column("member"), ["AU", "JP", "KR"]);
    let kr = f.latest_submitted("KR");
    assert_eq!(t.get("KR", "revision"), kr.number.to_string());
    assert_eq!(
        t.get("KR", "submitted"),
        kr.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    assert_eq!(t.get("KR", "P1"), kr.cells[0], "not the later draft");
    assert_eq!(t.get("AU", "P1"), "Second");
    assert_eq!(t.get("KR", "iso3"), "KOR");
    assert_eq!(t.get("KR", "member_name"), "Korea (Republic of)");
    assert_eq!(t.get("KR", "subregion"), "East Asia");
    assert_eq!(t.get("KR", "member_status"), "member");
}

#[tokio::test]
async fn responses_headers_are_the_identifying_columns_then_the_questions_in_order() {
    let f = fixture().await;
    let t = f.table(ExportKind::Responses, RAW);
    assert_eq!(
        t.headers[..7],
        [
            "member",
            "iso3",
            "member_name",
            "subregion",
            "member_status",
            "revision",
            "submitted"
        ]
    );
    assert_eq!(t.headers[..7], RESPONSES_ID_COLUMNS);
    let stored: Vec<&str> = f.survey.columns().iter().map(|c| c.name.as_str()).collect();
    let answers: Vec<&str> = t.headers[7..]
        .iter()
        .map(String::as_str)
        .filter(|h| stored.contains(h))
        .collect();
    assert_eq!(
        answers, stored,
        "every stored column, in questionnaire order"
    );
    let a2 = t.col("A2");
    assert_eq!(
        t.headers[a2..a2 + 11],
        [
            "A2",
            "A2_email",
            "A2_sms",
            "A2_voice_live",
            "A2_robocall",
            "A2_messenger",
            "A2_social",
            "A2_rcs_ott",
            "A2_fax",
            "A2_other",
            "A2_other_text"
        ]
    );
    let mut unique = t.headers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), t.headers.len(), "no header twice");
}

#[tokio::test]
async fn raw_responses_give_back_every_submitted_cell_exactly() {
    let f = fixture().await;
    let t = f.table(ExportKind::Responses, RAW);
    for member in ["AU", "JP", "KR"] {
        let rev = f.latest_submitted(member);
        for (col, value) in f.survey.columns().iter().zip(&rev.cells) {
            assert_eq!(t.get(member, &col.name), value, "{member} {}", col.name);
        }
    }
    assert_eq!(
        t.get("KR", "P1"),
        "Ministère des Télécoms, \"Spam\" dept.\n2nd line — 日本語 🚀"
    );
    assert_eq!(t.get("KR", "B2"), "Spam Act, 2001\r\nAmended 2019");
    assert_eq!(
        t.get("KR", "P3_name"),
        "=HYPERLINK(\"http://evil.example\",\"x\")"
    );
}

#[tokio::test]
async fn default_responses_prefix_formula_cells_with_a_quote_and_change_nothing_else() {
    let f = fixture().await;
    let raw = f.table(ExportKind::Responses, RAW);
    let safe = f.table(ExportKind::Responses, SAFE);
    assert_eq!(safe.headers, raw.headers);
    let mut prefixed = std::collections::BTreeSet::new();
    for (r, s) in raw.rows.iter().zip(&safe.rows) {
        for (raw_cell, safe_cell) in r.iter().zip(s) {
            assert_eq!(*safe_cell, neutralised(raw_cell));
            if safe_cell != raw_cell {
                prefixed.insert(raw_cell.chars().next().expect("a first character"));
            }
        }
    }
    assert_eq!(
        prefixed,
        FORMULA_STARTS.into_iter().collect(),
        "each of the six starts was met and neutralised"
    );
    assert_eq!(safe.get("KR", "P3_position"), "'\tHead of unit");
    assert_eq!(safe.get("KR", "A12"), "'-200 USD, roughly");
    assert_eq!(
        safe.get("KR", "G5"),
        "'already quoted, and = inside",
        "a leading ' of its own is not a formula start"
    );
}

#[tokio::test]
async fn multi_flag_columns_are_1_or_0_and_empty_when_not_answered_or_hidden() {
    let f = fixture().await;
    let t = f.table(ExportKind::Responses, RAW);
    assert_eq!(t.get("KR", "A2"), "email;sms;other");
    for (option, flag) in [("email", "1"), ("sms", "1"), ("fax", "0"), ("other", "1")] {
        assert_eq!(t.get("KR", &format!("A2_{option}")), flag, "{option}");
    }
    assert_eq!(t.get("KR", "B8_none"), "1");
    assert_eq!(t.get("KR", "B8_admin_fine"), "0");
    // JP did not answer A5 and E2 is hidden by E1 = no.
    for option in ["loans", "gambling", "other"] {
        assert_eq!(t.get("JP", &format!("A5_{option}")), "", "A5 not answered");
    }
    assert_eq!(t.get("JP", "E1"), "no");
    assert_eq!(t.get("JP", "E2"), "", "the hidden answer is not stored");
    for option in ["general_public", "elderly", "youth"] {
        assert_eq!(t.get("JP", &format!("E2_{option}")), "", "E2 hidden");
    }
    assert_eq!(t.get("JP", "A8"), "", "A8 hidden by A7 = domestic");
}

#[tokio::test]
async fn unknown_zero_and_empty_stay_distinct_in_both_modes() {
    let f = fixture().await;
    for options in [RAW, LABELS, SAFE] {
        let t = f.table(ExportKind::Responses, options);
        assert_eq!(t.get("JP", "A10_2019"), "0");
        assert_eq!(t.get("JP", "A10_2020"), "unknown");
        assert_eq!(t.get("JP", "A10_2021"), "");
        assert_eq!(t.get("JP", "A11_email"), "12000");
        assert_eq!(t.get("JP", "A11_sms"), "unknown");
        assert_eq!(t.get("JP", "A11_fax"), "0");
        assert_eq!(t.get("JP", "A11_social"), "");
        assert_eq!(t.get("JP", "F3_sent"), "7");
        assert_eq!(t.get("JP", "F3_received"), "");
    }
}

#[tokio::test]
async fn labels_mode_writes_labels_for_codes_and_keeps_numbers_texts_and_flags() {
    let f = fixture().await;
    let codes = f.table(ExportKind::Responses, RAW);
    let t = f.table(ExportKind::Responses, LABELS);
    assert_eq!(t.headers, codes.headers, "the same headers in both modes");
    assert_eq!(t.get("KR", "P2"), "Other");
    assert_eq!(t.get("KR", "P2_other_text"), "@SUM(A1:A2)");
    assert_eq!(t.get("KR", "A2"), "E-mail; SMS/MMS; Other");
    assert_eq!(t.get("KR", "A2_sms"), "1");
    assert_eq!(t.get("KR", "A2_fax"), "0");
    assert_eq!(t.get("KR", "A3_email"), "5 – very serious");
    assert_eq!(t.get("KR", "A3_fax"), "");
    assert_eq!(t.get("KR", "B1"), "Dedicated anti-spam law");
    assert_eq!(t.get("KR", "B8"), "None");
    assert_eq!(t.get("KR", "D1"), "Yes");
    assert_eq!(t.get("KR", "G2_1"), "Lack of statistics");
    assert_eq!(t.get("KR", "G2_2"), "Caller-ID spoofing");
    assert_eq!(t.get("KR", "G2_3"), "");
    assert_eq!(t.get("KR", "A1"), "4");
    assert_eq!(t.get("KR", "P1"), codes.get("KR", "P1"));
    assert_eq!(t.get("KR", "member_status"), "member");
    assert_eq!(t.get("JP", "A9"), "Yes");
}

#[tokio::test]
async fn a_byte_order_mark_comes_first_only_when_asked() {
    let f = fixture().await;
    let plain = f.export(ExportKind::Responses, SAFE);
    let with_bom = f.export(ExportKind::Responses, ExportOptions { bom: true, ..SAFE });
    assert!(!plain.starts_with(b"\xEF\xBB\xBF"));
    assert!(plain.starts_with(b"member,"));
    assert_eq!(&with_bom[..3], b"\xEF\xBB\xBF");
    assert_eq!(&with_bom[3..], plain.as_slice(), "nothing else changes");
    let codebook = f.export(ExportKind::Codebook, ExportOptions { bom: true, ..SAFE });
    assert!(codebook.starts_with(b"\xEF\xBB\xBFcolumn,"));
}

#[tokio::test]
async fn revisions_list_every_save_drafts_included_in_file_order() {
    let f = fixture().await;
    let t = f.table(ExportKind::Revisions, RAW);
    assert_eq!(t.headers[..4], REVISIONS_ID_COLUMNS);
    assert_eq!(t.headers[..4], ["revision", "time", "member", "status"]);
    let responses = f.table(ExportKind::Responses, RAW);
    assert_eq!(
        t.headers[4..t.headers.len() - 1],
        responses.headers[7..],
        "the same answer columns"
    );
    assert_eq!(
        t.headers.last().map(String::as_str),
        Some("confirmed_warnings")
    );
    assert_eq!(t.rows.len(), f.saves.len());
    for (row, rev) in t.rows.iter().zip(&f.saves) {
        assert_eq!(row[0], rev.number.to_string());
        assert_eq!(
            row[1],
            rev.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        assert_eq!(row[2], rev.member);
        assert_eq!(row[3], rev.status.as_str());
        for (col, value) in f.survey.columns().iter().zip(&rev.cells) {
            assert_eq!(&row[t.col(&col.name)], value, "{}", col.name);
        }
    }
    assert_eq!(
        t.column("member"),
        ["KR", "AU", "KR", "TH", "JP", "AU", "KR"]
    );
    assert_eq!(t.column("status")[3], "draft", "TH's draft is there");
    let safe = f.table(ExportKind::Revisions, SAFE);
    assert_eq!(safe.rows[3][safe.col("P1")], "'=draft only");
}

#[tokio::test]
async fn the_long_file_has_a_row_per_answered_cell_and_per_picked_option() {
    let f = fixture().await;
    let t = f.table(ExportKind::Long, RAW);
    assert_eq!(t.headers, LONG_COLUMNS);
    assert_eq!(
        t.headers,
        ["member", "question", "column", "cell", "value", "label"]
    );
    let rows: Vec<[&str; 6]> = t
        .rows
        .iter()
        .map(|r| std::array::from_fn(|i| r[i].as_str()))
        .collect();
    // Counted from what was saved: one per non-empty cell, a multi one per code.
    let mut expected = 0;
    for member in ["AU", "JP", "KR"] {
        let rev = f.latest_submitted(member);
        for (col, value) in f.survey.columns().iter().zip(&rev.cells) {
            let q = f
                .survey
                .questions()
                .nth(col.question)
                .expect("its question");
            expected += match (&q.kind, &col.cell) {
                (Kind::Multi { .. }, Cell::Whole) => answers::split_codes(value).len(),
                _ => usize::from(!value.is_empty()),
            };
        }
    }
    assert_eq!(rows.len(), expected);
    assert!(!rows.iter().any(|r| r[0] == "TH"), "drafts are not here");
    assert!(
        !rows.iter().any(|r| r[4].is_empty()),
        "no row without a value"
    );
    let has = |row: [&str; 6]| rows.contains(&row);
    assert!(has(["KR", "A2", "A2", "", "email", "E-mail"]));
    assert!(has(["KR", "A2", "A2", "", "sms", "SMS/MMS"]));
    assert!(has(["KR", "A2", "A2", "", "other", "Other"]));
    assert!(has([
        "KR",
        "A2",
        "A2_other_text",
        "other",
        "+1 555 spam; really",
        ""
    ]));
    assert!(has([
        "KR",
        "A3",
        "A3_email",
        "email",
        "5",
        "5 – very serious"
    ]));
    assert!(has([
        "KR",
        "G2",
        "G2_1",
        "1",
        "statistics",
        "Lack of statistics"
    ]));
    assert!(has([
        "KR",
        "P3",
        "P3_name",
        "name",
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        ""
    ]));
    assert!(has(["JP", "A10", "A10_2019", "2019", "0", ""]));
    assert!(has(["JP", "A10", "A10_2020", "2020", "unknown", ""]));
    assert!(!rows.iter().any(|r| r[2] == "A10_2021" && r[0] == "JP"));
    assert!(has(["JP", "A11", "A11_sms", "sms", "unknown", ""]));
    assert!(has(["JP", "A9", "A9", "", "yes", "Yes"]));
    assert!(
        !rows
            .iter()
            .any(|r| r[0] == "JP" && (r[1] == "E2" || r[1] == "A8"))
    );
    let safe = f.table(ExportKind::Long, SAFE);
    assert!(
        safe.rows
            .iter()
            .any(|r| r[4] == "'=HYPERLINK(\"http://evil.example\",\"x\")")
    );
}

#[tokio::test]
async fn the_codebook_names_exactly_the_columns_of_the_responses_file_in_order() {
    let f = fixture().await;
    for options in [SAFE, RAW, LABELS] {
        let responses = f.table(ExportKind::Responses, options);
        let codebook = f.table(ExportKind::Codebook, options);
        assert_eq!(codebook.headers, CODEBOOK_COLUMNS);
        assert_eq!(codebook.column("column"), responses.headers);
    }
}

#[tokio::test]
async fn an_empty_edition_still_has_its_codebook_and_header_rows() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open_read_only(dir.path(), surveys()).expect("the store opens");
    let survey = edition();
    for kind in ExportKind::ALL {
        let mut out = Vec::new();
        let rows = export::write(&store, EDITION, kind, SAFE, &mut out).expect("the export");
        let t = Table::parse(&out);
        assert_eq!(rows, t.rows.len() as u64);
        match kind {
            ExportKind::Codebook => assert!(rows > survey.columns().len() as u64),
            _ => assert_eq!(rows, 0, "{kind:?}"),
        }
        assert!(!t.headers.is_empty());
    }
}

#[tokio::test]
async fn the_codebook_gives_codes_with_labels_and_says_what_each_column_holds() {
    let f = fixture().await;
    let t = f.table(ExportKind::Codebook, SAFE);
    let t = &t;
    let row = |column: &str| {
        let r = t.row_where("column", column).to_vec();
        move |field: &str| r[t.col(field)].clone()
    };
    let a2 = row("A2");
    assert_eq!(a2("section"), "A");
    assert_eq!(a2("section_title"), "Current situation");
    assert_eq!(a2("question"), "A2");
    assert_eq!(
        a2("question_text"),
        "Through which channels do users receive spam?"
    );
    assert_eq!(a2("type"), "multi");
    assert_eq!(a2("required"), "yes");
    assert!(a2("values").starts_with("email=E-mail; sms=SMS/MMS; voice_live="));
    assert!(a2("holds").contains("codes"));
    let flag = row("A2_email");
    assert_eq!(flag("values"), "1=picked; 0=not picked");
    assert!(flag("holds").contains("E-mail"));
    assert_eq!(
        row("A1")("values"),
        "1=Not a problem; 2; 3; 4; 5=Very serious"
    );
    assert_eq!(row("D1")("values"), "yes=Yes; no=No");
    assert_eq!(
        row("A10_2019")("values"),
        "whole number from 0 to 1000000000000; unknown=not known"
    );
    assert!(row("A10_2019")("holds").contains("2019"));
    assert_eq!(row("A10_2019")("shown_if"), "A9 is yes");
    assert_eq!(
        row("A3_sms")("shown_if"),
        "A2 is answered; only the rows picked in A2"
    );
    assert_eq!(row("B2")("shown_if"), "B1 is answered and not no");
    assert!(row("G2_1")("values").contains("statistics=Lack of statistics"));
    assert!(row("A2_other_text")("holds").contains("Other"));
    assert_eq!(
        row("A2_other_text")("required"),
        "when that option is chosen"
    );
    assert_eq!(row("P3_email")("required"), "yes");
    assert_eq!(row("P3_position")("required"), "");
    assert_eq!(row("G2_1")("required"), "");
    assert_eq!(row("A12")("required"), "");
    assert_eq!(row("member_status")("type"), "identifier");
    assert_eq!(
        row("member_status")("values"),
        "member=Member; associate=Associate member"
    );
    let labelled = f.table(ExportKind::Codebook, LABELS);
    let a2_labels = labelled.row_where("column", "A2");
    assert!(a2_labels[labelled.col("holds")].contains("labels"));
}

#[test]
fn a_file_name_carries_the_edition_the_kind_and_the_date() {
    let survey = edition();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date");
    assert_eq!(
        export::file_name(&survey, ExportKind::Responses, date),
        "spam-2022-responses-2026-11-28.csv"
    );
    assert_eq!(
        export::file_name(&survey, ExportKind::Codebook, date),
        "spam-2022-codebook-2026-11-28.csv"
    );
    let date = chrono::NaiveDate::from_ymd_opt(2027, 1, 5).expect("a date");
    assert_eq!(
        export::file_name(&survey, ExportKind::Long, date),
        "spam-2022-long-2027-01-05.csv"
    );
    for kind in ExportKind::ALL {
        assert_eq!(
            export::file_name(&survey, kind, date),
            format!("spam-2022-{}-2027-01-05.csv", kind.name())
        );
    }
}

#[test]
fn an_unknown_edition_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open_read_only(dir.path(), surveys()).expect("the store opens");
    let mut out = Vec::new();
    let err = export::write(&store, "spam-1999", ExportKind::Responses, SAFE, &mut out)
        .expect_err("no such edition");
    assert!(err.to_string().contains("spam-1999"), "{err}");
}

/// A writer that fails: a full disk.
struct Full;
impl Write for Full {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("no space left on device"))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_write_that_fails_is_reported_not_ignored() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open_read_only(dir.path(), surveys()).expect("the store opens");
    for options in [SAFE, ExportOptions { bom: true, ..SAFE }] {
        let err = export::write(&store, EDITION, ExportKind::Codebook, options, &mut Full)
            .expect_err("the disk is full");
        assert!(matches!(err, ExportError::Write(_)), "{err:?}");
        assert!(err.to_string().contains("no space left"), "{err}");
    }
}

/// Counts what reaches the output and how big each write is.
#[derive(Default)]
struct Meter {
    bytes: u64,
    writes: u64,
    largest: usize,
    line_ends: u64,
    last_byte: u8,
    /// The last bytes written.
    tail: Vec<u8>,
}

impl Write for Meter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writes += 1;
        self.bytes += buf.len() as u64;
        self.largest = self.largest.max(buf.len());
        let mut prev = self.last_byte;
        for &b in buf {
            if prev == b'\r' && b == b'\n' {
                self.line_ends += 1;
            }
            prev = b;
        }
        self.last_byte = prev;
        self.tail.extend_from_slice(buf);
        let excess = self.tail.len().saturating_sub(4096);
        self.tail.drain(..excess);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn fifty_thousand_revisions_stream_out_through_scan() {
    const REVISIONS: u64 = 50_000;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let survey = edition();
    let members: Vec<&str> = survey.members.iter().map(|m| m.code.as_str()).collect();
    let edition_dir = dir.path().join(EDITION);
    std::fs::create_dir_all(&edition_dir).expect("the edition's folder");
    let file = std::fs::File::create(edition_dir.join("responses.csv")).expect("the file");
    let mut file = std::io::BufWriter::new(file);
    let t0 = std::time::Instant::now();
    let header: Vec<&str> = ["revision", "time", "member", "status"]
        .into_iter()
        .chain(survey.columns().iter().map(|c| c.name.as_str()))
        .collect();
    writeln!(file, "{}", header.join(",")).expect("the header");
    // A light row with the awkward parts that matter to the file's shape:
    // a quoted line break, quotes, a comma, a formula start.
    let posted = with_required(&[
        ("P1", "Ministry, \"Spam\" unit\r\nsecond line"),
        ("P3_name", "=1+1"),
        ("A2", "email"),
        ("A2", "sms"),
    ]);
    let base = cells(&survey, &posted, Mode::Submit);
    let g5 = survey.column_index("G5").expect("G5");
    let time = chrono::DateTime::parse_from_rfc3339("2022-04-01T08:00:00Z")
        .expect("a time")
        .to_utc();
    for n in 1..=REVISIONS {
        let mut cells = base.clone();
        cells[g5] = format!("save {n}");
        let rev = Revision {
            number: n,
            time,
            member: members[n as usize % members.len()].to_string(),
            status: if n % 3 == 0 {
                Status::Submitted
            } else {
                Status::Draft
            },
            cells,
        };
        file.write_all(&encode_row(&rev)).expect("a row");
    }
    file.flush().expect("the file is written");
    drop(file);

    eprintln!("write {:?}", t0.elapsed());
    let store = Store::open_read_only(dir.path(), surveys()).expect("the store opens");
    eprintln!("open {:?}", t0.elapsed());
    let mut meter = Meter::default();
    let rows = export::write(&store, EDITION, ExportKind::Revisions, SAFE, &mut meter)
        .expect("the export");
    assert_eq!(rows, REVISIONS);
    eprintln!("export {:?}", t0.elapsed());
    // Each row ends with \r\n, and P1 holds one more inside its quotes.
    assert_eq!(meter.line_ends, 1 + REVISIONS * 2);
    assert!(meter.bytes > 10_000_000, "{} bytes", meter.bytes);
    let tail = String::from_utf8_lossy(&meter.tail);
    assert!(
        tail.contains(&format!("\r\n{REVISIONS},2022-04-01T08:00:00Z,"))
            // The last answer, then the empty column of confirmed warnings.
            && tail.ends_with(&format!("save {REVISIONS},\r\n")),
        "the last revision comes last: {tail}"
    );
    assert!(
        meter.writes > 100 && meter.largest < 1 << 20,
        "rows reach the output as they are made ({} writes, the largest {} bytes)",
        meter.writes,
        meter.largest
    );
}

#[test]
fn any_text_answer_survives_the_responses_export() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(dir.path(), surveys()).expect("the store opens");
    let survey = edition();
    let starts: Vec<String> = FORMULA_STARTS.iter().map(char::to_string).collect();
    // Any character a form may send (`answers::clean` refuses the rest).
    let char = || {
        any::<char>().prop_filter("refused in answers", |c| {
            answers::clean::stray(&c.to_string()).is_none()
        })
    };
    let text = prop_oneof![
        prop::collection::vec(char(), 0..120).prop_map(String::from_iter),
        (
            prop::sample::select(starts),
            prop::collection::vec(char(), 0..60).prop_map(String::from_iter)
        )
            .prop_map(|(start, rest)| start + &rest),
    ];
    let mut runner = TestRunner::new(Config::with_cases(128));
    runner
        .run(&text, |text| {
            let posted = with_required(&[("G5", text.as_str())]);
            let cells = cells(&survey, &posted, Mode::Submit);
            runtime
                .block_on(store.save(EDITION, "KR", Status::Submitted, cells))
                .expect("the save");
            let mut raw = Vec::new();
            export::write(&store, EDITION, ExportKind::Responses, RAW, &mut raw)
                .expect("the export");
            let mut safe = Vec::new();
            export::write(&store, EDITION, ExportKind::Responses, SAFE, &mut safe)
                .expect("the export");
            let raw = Table::parse(&raw);
            let safe = Table::parse(&safe);
            prop_assert_eq!(raw.get("KR", "G5"), text.as_str());
            let shown = safe.get("KR", "G5");
            if text.starts_with(FORMULA_STARTS) {
                prop_assert_eq!(shown.strip_prefix('\''), Some(text.as_str()));
            } else {
                prop_assert_eq!(shown, text.as_str());
            }
            Ok(())
        })
        .expect("every text survives");
}
