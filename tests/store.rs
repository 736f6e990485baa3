//! The responses file: append-only rows, a torn last row set aside at
//! start, concurrent saves that never interleave, any text kept exactly.

mod common;

use proptest::prelude::*;
use spam_survey::definition::{self, Survey};
use spam_survey::store::{Revision, Status, Store, encode_row};
use std::io::Write;
use std::path::Path;

fn surveys() -> Vec<Survey> {
    definition::load_dir(&common::bundled_surveys()).expect("the bundled definitions load")
}

fn cells_with(survey: &Survey, column: &str, value: &str) -> Vec<String> {
    let mut cells = vec![String::new(); survey.columns().len()];
    cells[survey.column_index(column).expect("a column")] = value.to_string();
    cells
}

fn responses(dir: &Path) -> std::path::PathBuf {
    dir.join("spam-2022").join("responses.csv")
}

fn torn_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir.join("spam-2022"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().contains(".torn-"))
        .collect()
}

async fn two_saves(dir: &Path) -> Survey {
    let store = Store::open(dir, surveys()).unwrap();
    let survey = store.survey("spam-2022").unwrap().as_ref().clone();
    store
        .save(
            "spam-2022",
            "KR",
            Status::Draft,
            cells_with(&survey, "P1", "first"),
        )
        .await
        .unwrap();
    store
        .save(
            "spam-2022",
            "KR",
            Status::Submitted,
            cells_with(&survey, "G4", "line one\nline \"two\""),
        )
        .await
        .unwrap();
    survey
}

async fn torn_tail_is_set_aside(text: &str, cut: impl Fn(&[u8]) -> usize) {
    let dir = tempfile::tempdir().unwrap();
    let survey = two_saves(dir.path()).await;
    // A row as a crash could leave it: the first bytes of a real row.
    let rev = Revision {
        number: 3,
        time: chrono::Utc::now(),
        member: "JP".into(),
        status: Status::Draft,
        cells: cells_with(&survey, "G4", text),
    };
    let whole_row = encode_row(&rev);
    let keep = cut(&whole_row);
    assert!(
        keep > 0 && keep < whole_row.len(),
        "the cut {keep} is inside the row"
    );
    let tail = whole_row[..keep].to_vec();
    let before = std::fs::read(responses(dir.path())).unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(responses(dir.path()))
        .unwrap()
        .write_all(&tail)
        .unwrap();

    let store = Store::open(dir.path(), surveys()).expect("the server starts cleanly");
    let state = store.member("spam-2022", "KR").unwrap();
    assert_eq!(
        state.history.len(),
        2,
        "every complete row before the torn one is loaded"
    );
    assert!(
        store.member("spam-2022", "JP").unwrap().latest.is_none(),
        "the torn row is not taken as a save"
    );
    let aside = torn_files(dir.path());
    assert_eq!(
        aside.len(),
        1,
        "the torn row is kept in one file beside the CSV"
    );
    assert_eq!(
        std::fs::read(&aside[0]).unwrap(),
        tail,
        "nothing is lost: the torn bytes are kept exactly"
    );
    assert_eq!(
        std::fs::read(responses(dir.path())).unwrap(),
        before,
        "the CSV is back to its complete rows"
    );

    let rev = store
        .save(
            "spam-2022",
            "JP",
            Status::Draft,
            cells_with(&survey, "P1", "after"),
        )
        .await
        .unwrap();
    assert_eq!(rev.number, 3);
    let mut reader = csv::Reader::from_path(responses(dir.path())).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.len() == 4 + survey.columns().len()));
}

#[tokio::test]
async fn a_torn_last_row_cut_after_a_comma_is_set_aside() {
    torn_tail_is_set_aside("plain", |row| {
        row.iter().position(|&b| b == b',').unwrap() + 1
    })
    .await;
}

#[tokio::test]
async fn a_torn_last_row_cut_inside_a_quoted_line_break_is_set_aside() {
    torn_tail_is_set_aside("before\nafter", |row| {
        row.iter().position(|&b| b == b'\n').unwrap() + 1
    })
    .await;
}

#[tokio::test]
async fn a_torn_last_row_cut_inside_a_character_is_set_aside() {
    torn_tail_is_set_aside("総務省", |row| {
        row.iter().position(|&b| b >= 0x80).unwrap() + 1
    })
    .await;
}

#[tokio::test]
async fn a_torn_last_row_missing_only_its_line_end_is_set_aside() {
    torn_tail_is_set_aside("plain", |row| row.len() - 1).await;
}

#[tokio::test]
async fn a_damaged_row_before_the_last_stops_the_start_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    two_saves(dir.path()).await;
    let path = responses(dir.path());
    let text = std::fs::read_to_string(&path).unwrap();
    let damaged = text.replacen(",KR,draft,", ",KR,bogus,", 1);
    std::fs::write(&path, damaged).unwrap();
    let err = Store::open(dir.path(), surveys())
        .err()
        .expect("the start is refused")
        .to_string();
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("neither draft nor submitted"), "{err}");
}

#[tokio::test]
async fn a_header_that_does_not_match_the_questionnaire_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    two_saves(dir.path()).await;
    let path = responses(dir.path());
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("P1,", "P0,", 1);
    std::fs::write(&path, text).unwrap();
    let err = Store::open(dir.path(), surveys())
        .err()
        .expect("the start is refused")
        .to_string();
    assert!(err.contains("header does not match"), "{err}");
}

#[tokio::test]
async fn a_second_server_on_the_same_data_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _first = Store::open(dir.path(), surveys()).unwrap();
    let err = Store::open(dir.path(), surveys())
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("already using"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_saves_get_distinct_revisions_and_never_interleave() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(Store::open(dir.path(), surveys()).unwrap());
    let survey = store.survey("spam-2022").unwrap().as_ref().clone();
    let members: Vec<String> = survey.members.iter().map(|m| m.code.clone()).collect();
    let mut tasks = Vec::new();
    for i in 0..400 {
        let store = store.clone();
        let member = members[i % members.len()].clone();
        let cells = cells_with(
            &survey,
            "G4",
            &format!("save {i}, \"quoted\"\nsecond line {}", "x".repeat(i % 50)),
        );
        tasks.push(tokio::spawn(async move {
            store
                .save("spam-2022", &member, Status::Draft, cells)
                .await
                .unwrap()
                .number
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=400).collect::<Vec<u64>>());
    let mut reader = csv::Reader::from_path(responses(dir.path())).unwrap();
    let g4 = survey.column_index("G4").unwrap() + 4;
    let mut seen = 0;
    for (i, r) in reader.records().enumerate() {
        let r = r.unwrap();
        assert_eq!(
            r[0].parse::<u64>().unwrap(),
            i as u64 + 1,
            "revisions are in file order"
        );
        assert!(
            r[g4].starts_with("save ") && r[g4].contains("\nsecond line"),
            "row {i} is whole"
        );
        seen += 1;
    }
    assert_eq!(seen, 400);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_survives_the_csv_round_trip(text in any::<String>(), other in "\\PC*") {
        let survey = surveys().into_iter().find(|s| s.id == "spam-2022").unwrap();
        let mut cells = cells_with(&survey, "G4", &text);
        cells[survey.column_index("G5").unwrap()] = other.clone();
        let rev = Revision { number: 7, time: chrono::Utc::now(), member: "KR".into(), status: Status::Submitted, cells };
        let bytes = encode_row(&rev);
        prop_assert_eq!(bytes.last(), Some(&b'\n'));
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        prop_assert_eq!(rows.len(), 1);
        prop_assert_eq!(&rows[0][4 + survey.column_index("G4").unwrap()], text.as_str());
        prop_assert_eq!(&rows[0][4 + survey.column_index("G5").unwrap()], other.as_str());
    }
}
