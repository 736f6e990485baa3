//! The `date` answer type on a real server on port 0: the native date box
//! and a date typed without JavaScript, the range of the definition, the
//! "unknown" answer, the CSV cell, the report's table and range, and
//! `check` on a date's `min` and `max`.

mod common;

use common::{TestApp, csrf_of, encode};
use std::path::{Path, PathBuf};

fn types() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/types")
}

/// Posts urlencoded fields as a browser without JavaScript does (the
/// date is whatever was typed into the box).
async fn post(app: &TestApp, token: &str, action: &str, fields: &[(&str, &str)]) -> (u16, String) {
    app.save(token, action, fields).await
}

#[tokio::test]
async fn a_date_typed_without_javascript_is_stored_as_yyyy_mm_dd_and_shown_in_a_native_date_box() {
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "KR");
    let page = app.form(&token).await;
    assert!(
        page.contains(
            r#"type="date" id="f-L2" name="L2" value="" min="2000-01-01" max="2022-12-31""#
        ),
        "{page}"
    );
    assert!(
        page.contains("written as YYYY-MM-DD"),
        "the box says how to type a date"
    );

    // Typed by hand, with spaces around it, as a plain text box sends it.
    let (status, location) = post(
        &app,
        &token,
        "draft",
        &[("L1", "Spam Act"), ("L2", " 2021-07-15 ")],
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let rows = app.rows("types-2022");
    assert_eq!(rows[0]["L2"], "2021-07-15");
    let page = app.form(&token).await;
    assert!(
        page.contains(r#"name="L2" value="2021-07-15""#),
        "the stored date comes back"
    );
}

#[tokio::test]
async fn a_date_out_of_range_or_not_a_day_is_refused_with_a_message_and_the_other_answers_kept() {
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "JP");
    for (typed, message) in [
        (
            "2023-01-01",
            "The date must be between 2000-01-01 and 2022-12-31.",
        ),
        (
            "1999-12-31",
            "The date must be between 2000-01-01 and 2022-12-31.",
        ),
        ("2021-02-30", "is not a day of the calendar"),
        ("15/07/2021", "Write it as YYYY-MM-DD, such as 2021-07-15"),
    ] {
        let (status, page) = post(
            &app,
            &token,
            "submit",
            &[("L1", "Loi « anti-pourriel »"), ("L2", typed)],
        )
        .await;
        assert_eq!(status, 422, "{typed}: {page}");
        assert!(page.contains(message), "{typed}: {page}");
        assert!(
            page.contains("Loi « anti-pourriel »"),
            "{typed}: the other answer is kept"
        );
        assert!(
            page.contains(&format!(r#"name="L2" value="{typed}""#)),
            "{typed}: the date typed is shown back"
        );
    }
    assert!(
        !app.data.path().join("types-2022/responses.csv").exists()
            || app.rows("types-2022").is_empty(),
        "nothing was stored"
    );
}

#[tokio::test]
async fn unknown_is_an_answer_to_a_date_that_allows_it_but_not_together_with_a_date() {
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "TH");
    let (status, page) = post(
        &app,
        &token,
        "draft",
        &[("L2", "2021-01-01"), ("L2:unknown", "1")],
    )
    .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Give either a date or “Unknown”, not both."));
    let (status, _) = post(&app, &token, "draft", &[("L2:unknown", "1")]).await;
    assert_eq!(status, 303);
    assert_eq!(app.rows("types-2022")[0]["L2"], "unknown");
    let page = app.form(&token).await;
    assert!(
        page.contains(r#"name="L2:unknown" value="1" checked"#),
        "{page}"
    );
}

#[tokio::test]
async fn the_export_holds_each_date_and_the_report_a_table_by_member_and_the_range() {
    let app = TestApp::spawn_with(&types()).await;
    for (member, day) in [("KR", "2005-03-01"), ("JP", "2011-07-15"), ("TH", "")] {
        let token = app.invite("types-2022", member);
        let fields: Vec<(&str, &str)> = if day.is_empty() {
            vec![("L1", "None yet"), ("L2:unknown", "1")]
        } else {
            vec![("L1", "Act"), ("L2", day)]
        };
        let (status, location) = post(&app, &token, "submit", &fields).await;
        assert_eq!(status, 303, "{member}: {location}");
    }
    let admin = app.admin().await;
    let (status, csv) = admin.get("/admin/s/types-2022/export?kind=responses").await;
    assert_eq!(status, 200);
    assert!(
        csv.contains("2005-03-01") && csv.contains("2011-07-15"),
        "{csv}"
    );
    let (status, report) = admin.get("/admin/s/types-2022/report").await;
    assert_eq!(status, 200);
    assert!(
        report.contains("Dates given, by member"),
        "the report has the table"
    );
    assert!(
        report.contains("The earliest date given is 2005-03-01, the latest 2011-07-15."),
        "the report gives the range"
    );
    assert!(report.contains("1 member answered “unknown”."));
    assert!(report.contains("Japan") && report.contains("2011-07-15"));
}

#[tokio::test]
async fn a_date_the_page_never_sends_in_another_form_is_never_stored() {
    // A client that posts the field twice: structural nonsense, 400.
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "VN");
    let csrf = csrf_of(&app.form(&token).await);
    let body = encode(&[
        ("csrf", &csrf),
        ("action", "draft"),
        ("L2", "2021-01-01"),
        ("L2", "2021-01-02"),
    ]);
    let r = app.post_raw(&token, body).await;
    assert_eq!(r.status().as_u16(), 400);
}

#[test]
fn check_refuses_a_date_whose_max_is_before_its_min_or_whose_bounds_are_not_days() {
    let dir = tempfile::tempdir().unwrap();
    let members = Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys/members.csv");
    let src = std::fs::read_to_string(types().join("types-2022.toml"))
        .unwrap()
        .replace("../../../surveys/members.csv", members.to_str().unwrap())
        .replace(
            "min = 2000-01-01\nmax = 2022-12-31",
            "min = 2022-12-31\nmax = 2000-01-01",
        );
    let file = dir.path().join("types-2022.toml");
    std::fs::write(&file, &src).unwrap();
    let errors = spam_survey::definition::load_file(&file).unwrap_err();
    let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        messages.iter().any(
            |m| m.contains(":23: question L2: `max` (2000-01-01) is before `min` (2022-12-31)")
        ),
        "{messages:?}"
    );

    std::fs::write(
        &file,
        src.replace("min = 2022-12-31", "min = \"2000-01-01\"")
            .replace("max = 2000-01-01", "max = 5"),
    )
    .unwrap();
    let messages: Vec<String> = spam_survey::definition::load_file(&file)
        .unwrap_err()
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`min` is written as a string")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`max` of a date must be a day")),
        "{messages:?}"
    );

    let (ok, out) = common::run_command(&["check", file.to_str().unwrap()], "");
    assert!(!ok, "check fails: {out}");
    assert!(out.contains("question L2"), "{out}");
}
