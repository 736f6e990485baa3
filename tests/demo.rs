//! Demo data: never mixed with real answers, deterministic for a seed, and
//! every synthetic submission one that the form itself would accept.

use spam_survey::answers::{self, Mode, UNKNOWN_SUFFIX, split_codes};
use spam_survey::definition::{self, Cell, Kind, Survey, UNKNOWN};
use spam_survey::demo::{self, MARKER};
use spam_survey::store::{Status, Store};
use std::path::Path;

fn surveys() -> Vec<Survey> {
    definition::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys")).unwrap()
}

/// The form fields that give these cells back: what a browser would post.
fn fields_of(s: &Survey, cells: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (col, v) in s.columns().iter().zip(cells) {
        if v.is_empty() {
            continue;
        }
        let q = s.questions().nth(col.question).unwrap();
        let number = matches!(
            (&q.kind, &col.cell),
            (Kind::Number { .. }, Cell::Whole)
                | (Kind::NumberPerYear { .. }, _)
                | (Kind::MatrixNumber { .. }, _)
        );
        match (&q.kind, &col.cell) {
            (Kind::Multi { .. }, Cell::Whole) => {
                out.extend(split_codes(v).into_iter().map(|c| (col.name.clone(), c)));
            }
            _ if number && v == UNKNOWN => {
                out.push((format!("{}{UNKNOWN_SUFFIX}", col.name), "1".into()));
            }
            _ => out.push((col.name.clone(), v.clone())),
        }
    }
    out
}

/// (member, status, cells) of every save, in file order.
fn saves(store: &Store, survey: &str) -> Vec<(String, Status, Vec<String>)> {
    store
        .scan(survey)
        .unwrap()
        .map(|r| {
            let r = r.unwrap();
            (r.member, r.status, r.cells)
        })
        .collect()
}

async fn filled(dir: &Path, survey: &str, seed: u64) -> (Store, demo::Summary) {
    demo::prepare_dir(dir).unwrap();
    let store = Store::open(dir, surveys()).unwrap();
    let summary = demo::fill(&store, survey, seed).await.unwrap();
    (store, summary)
}

#[tokio::test]
async fn prepare_dir_refuses_a_directory_with_real_answers() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), surveys()).unwrap();
        let s = store.survey("spam-2022").unwrap().clone();
        let checked = answers::process(
            &s,
            &[("P1".to_string(), "A real ministry".to_string())],
            Mode::Draft,
        )
        .unwrap();
        store
            .save("spam-2022", "KR", Status::Draft, checked.cells)
            .await
            .unwrap();
    }
    let err = demo::prepare_dir(dir.path()).unwrap_err();
    assert!(err.contains("real data"), "{err}");
    assert!(err.contains("spam-2022/responses.csv"), "{err}");
    assert!(err.contains(MARKER), "{err}");
    assert!(!dir.path().join(MARKER).exists());
}

#[tokio::test]
async fn prepare_dir_refuses_a_directory_with_invitations() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_for_invitations(dir.path(), surveys()).unwrap();
    store.invitations.issue("spam-2022", "KR").unwrap();
    let err = demo::prepare_dir(dir.path()).unwrap_err();
    assert!(err.contains("invitations.csv"), "{err}");
    assert!(!demo::is_demo(dir.path()));
}

#[test]
fn prepare_dir_accepts_and_marks_a_new_or_empty_directory() {
    let root = tempfile::tempdir().unwrap();
    let fresh = root.path().join("new").join("data");
    demo::prepare_dir(&fresh).unwrap();
    assert!(demo::is_demo(&fresh));
    let text = std::fs::read_to_string(fresh.join(MARKER)).unwrap();
    assert!(text.contains("SYNTHETIC"));
    // Again: a marked directory is accepted.
    demo::prepare_dir(&fresh).unwrap();
    let empty = tempfile::tempdir().unwrap();
    demo::prepare_dir(empty.path()).unwrap();
    assert!(demo::is_demo(empty.path()));
}

#[tokio::test]
async fn fill_refuses_a_directory_that_is_not_marked_as_demo_data() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), surveys()).unwrap();
    let err = demo::fill(&store, "spam-2022", 1).await.unwrap_err();
    assert!(err.to_string().contains(MARKER), "{err}");
    assert!(saves(&store, "spam-2022").is_empty());
}

#[tokio::test]
async fn a_marked_directory_with_demo_answers_takes_more_demo_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = filled(dir.path(), "spam-2021", 7).await;
    drop(store);
    demo::prepare_dir(dir.path()).unwrap();
}

#[tokio::test]
async fn fill_accounts_for_every_member_and_stores_only_what_the_form_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let (store, summary) = filled(dir.path(), "spam-2022", 2022).await;
    let s = store.survey("spam-2022").unwrap().clone();
    assert_eq!(
        summary.submitted + summary.drafts + summary.missing,
        s.members.len()
    );
    assert!(summary.submitted > s.members.len() / 2, "{summary:?}");
    assert!(summary.drafts > 0 && summary.missing > 0, "{summary:?}");
    assert_eq!(
        store.latest_submitted("spam-2022").unwrap().len(),
        summary.submitted
    );

    let all = saves(&store, "spam-2022");
    for (member, status, cells) in &all {
        let mode = match status {
            Status::Draft => Mode::Draft,
            Status::Submitted => Mode::Submit,
        };
        let checked = answers::process(&s, &fields_of(&s, cells), mode).unwrap();
        assert!(
            checked.problems.is_empty(),
            "{member}: {:?}",
            checked.problems
        );
        assert_eq!(
            &checked.cells, cells,
            "{member}: the cells are what the form gives"
        );
        let p1 = &cells[s.column_index("P1").unwrap()];
        assert!(p1.is_empty() || p1.contains("[Demo]"), "{p1}");
    }
    // Some members saved more than once: a draft, then a submission.
    let mut per_member = std::collections::HashMap::new();
    for (member, _, _) in &all {
        *per_member.entry(member.clone()).or_insert(0) += 1;
    }
    assert!(per_member.values().any(|n| *n > 1));
    // Members with only drafts never count as submitted.
    let drafts_only = per_member
        .keys()
        .filter(|m| all.iter().all(|(x, st, _)| x != *m || *st == Status::Draft))
        .count();
    assert_eq!(drafts_only, summary.drafts);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_cells_and_another_seed_others() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    let (sa, summary_a) = filled(a.path(), "spam-2022", 5).await;
    let (sb, summary_b) = filled(b.path(), "spam-2022", 5).await;
    let (sc, _) = filled(c.path(), "spam-2022", 6).await;
    assert_eq!(summary_a, summary_b);
    assert_eq!(saves(&sa, "spam-2022"), saves(&sb, "spam-2022"));
    assert_ne!(saves(&sa, "spam-2022"), saves(&sc, "spam-2022"));
}

#[tokio::test]
async fn the_two_editions_get_different_answers_from_one_seed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = filled(dir.path(), "spam-2021", 1).await;
    demo::fill(&store, "spam-2022", 1).await.unwrap();
    let a1 = |survey: &str| -> Vec<(String, String)> {
        let s = store.survey(survey).unwrap().clone();
        let i = s.column_index("A1").unwrap();
        store
            .latest_submitted(survey)
            .unwrap()
            .iter()
            .map(|r| (r.member.clone(), r.cells[i].clone()))
            .collect()
    };
    assert_ne!(a1("spam-2021"), a1("spam-2022"));
}

#[test]
fn the_demo_command_fills_an_edition_once_and_the_report_says_the_data_are_synthetic() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_spam-survey"))
            .args(args)
            .arg("--surveys")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/surveys"))
            .arg("--data")
            .arg(&data)
            .output()
            .unwrap()
    };
    assert!(run(&["demo", "--survey", "spam-2022"]).status.success());
    let again = run(&["demo", "--survey", "spam-2022"]);
    assert!(
        !again.status.success(),
        "a second demo run would pile up answers"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has answers"));
    let out = dir.path().join("r.html");
    assert!(
        run(&[
            "report",
            "--survey",
            "spam-2022",
            "--no-compare",
            "--out",
            out.to_str().unwrap()
        ])
        .status
        .success()
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("<title>[Demo data] "));
    assert!(html.contains("Do not cite these figures."));
}
