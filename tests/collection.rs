//! The collection path end to end, over HTTP against the real server:
//! invite, open, draft, reopen, submit, and what lands in the CSV.

mod common;

use common::{TestApp, encode, full_2022};

fn with(
    mut fields: Vec<(&'static str, &'static str)>,
    name: &'static str,
    value: &'static str,
) -> Vec<(&'static str, &'static str)> {
    fields.retain(|(k, _)| *k != name);
    fields.push((name, value));
    fields
}

fn without(
    mut fields: Vec<(&'static str, &'static str)>,
    name: &str,
) -> Vec<(&'static str, &'static str)> {
    fields.retain(|(k, _)| *k != name);
    fields
}

#[tokio::test]
async fn a_member_drafts_comes_back_submits_and_the_csv_holds_exactly_what_was_typed() {
    let app = TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    let page = app.form(&token).await;
    assert!(page.contains("Korea (Republic of)"));
    assert!(page.contains("8 required questions are still unanswered"));

    // A draft may be incomplete.
    let draft = vec![
        ("P1", "Draft organisation"),
        ("A2", "email"),
        ("G4", "=1+1"),
    ];
    let (status, location) = app.save(&token, "draft", &draft).await;
    assert_eq!(status, 303, "{location}");
    assert!(location.starts_with(&format!("/r/{token}?saved=")));
    let (_, page) = app.get_text(&location).await;
    assert!(page.contains("Draft saved at"));
    assert!(page.contains("value=\"Draft organisation\""));
    assert!(page.contains(r#"id="f-A2-email" name="A2" value="email" checked"#));
    assert!(page.contains(">=1+1</textarea>"));

    let (status, location) = app.save(&token, "submit", &full_2022()).await;
    assert_eq!(status, 303, "{location}");
    assert_eq!(location, format!("/r/{token}/done"));
    let (status, done) = app.get_text(&location).await;
    assert_eq!(status, 200);
    assert!(done.contains("your answers are received"));
    assert!(
        done.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "typed text is escaped"
    );
    assert!(!done.contains("<script>alert"));

    let rows = app.rows("spam-2022");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["status"], "draft");
    assert_eq!(rows[0]["revision"], "1");
    assert_eq!(rows[0]["G4"], "=1+1");
    let row = &rows[1];
    assert_eq!(row["revision"], "2");
    assert_eq!(row["member"], "KR");
    assert_eq!(row["status"], "submitted");
    assert_eq!(row["P1"], "Ministère des Télécoms, \"Spam\" Unit, 総務省");
    assert_eq!(row["A12"], "=SUM(A1:A9)\r\nline two, with a comma");
    assert_eq!(row["B9"], "+1000 USD");
    assert_eq!(row["B11"], "-");
    assert_eq!(row["C1"], "@Regulator");
    assert_eq!(row["C3"], "\ttab-led text");
    assert_eq!(row["G4"], "<script>alert(1)</script> & \"quotes\"");
    assert_eq!(row["G5"], "Emoji 🙂 and ÅÄÖ");
    assert_eq!(row["A2"], "email;sms;other", "codes in questionnaire order");
    assert_eq!(row["A2_other_text"], "Push notifications");
    assert_eq!(row["A3_sms"], "5");
    assert_eq!(row["A10_2019"], "1200", "a thousands separator is read");
    assert_eq!(row["A10_2020"], "unknown");
    assert_eq!(
        row["A10_2021"], "0",
        "zero is distinct from unknown and from empty"
    );
    assert_eq!(row["A11_email"], "unknown");
    assert_eq!(row["A11_fax"], "");
    assert_eq!(row["P3_email"], "ana@example.org");
    assert_eq!(row["G2_1"], "foreign_spam");
    assert!(chrono::DateTime::parse_from_rfc3339(&row["time"]).is_ok());

    // The member may change the answers and submit again.
    let page = app.form(&token).await;
    assert!(page.contains("Submitted on"));
    let (status, _) = app
        .save(&token, "submit", &with(full_2022(), "A1", "2"))
        .await;
    assert_eq!(status, 303);
    assert_eq!(app.rows("spam-2022")[2]["A1"], "2");
}

async fn refused(
    app: &TestApp,
    token: &str,
    fields: &[(&str, &str)],
    question: &str,
    message: &str,
) {
    let before = app.rows("spam-2022").len();
    let (status, page) = app.save(token, "submit", fields).await;
    assert_eq!(status, 422, "{question} should be refused: {page}");
    assert!(
        page.contains(&format!("href=\"#q-{question}\"")),
        "the summary links to {question}"
    );
    assert!(
        page.contains(message),
        "the message for {question} is shown: {message}"
    );
    assert_eq!(app.rows("spam-2022").len(), before, "nothing is stored");
}

#[tokio::test]
async fn every_validation_rule_is_refused_with_its_message_and_the_typed_answers_kept() {
    let app = TestApp::spawn().await;
    let t = app.invite("spam-2022", "JP");
    refused(
        &app,
        &t,
        &without(full_2022(), "P1"),
        "P1",
        "This question is required.",
    )
    .await;
    refused(
        &app,
        &t,
        &without(full_2022(), "A1"),
        "A1",
        "This question is required.",
    )
    .await;
    refused(
        &app,
        &t,
        &without(without(full_2022(), "G1"), "G2_1"),
        "G1",
        "This question is required.",
    )
    .await;
    refused(
        &app,
        &t,
        &with(full_2022(), "P3_email", "not-an-address"),
        "P3",
        "write an e-mail address",
    )
    .await;
    refused(
        &app,
        &t,
        &without(full_2022(), "P3_name"),
        "P3",
        "Name: this is required.",
    )
    .await;
    refused(
        &app,
        &t,
        &with(full_2022(), "A10_2019", "-5"),
        "A10",
        "is not a whole number",
    )
    .await;
    refused(
        &app,
        &t,
        &with(full_2022(), "A10_2019", "12.5"),
        "A10",
        "is not a whole number",
    )
    .await;
    refused(
        &app,
        &t,
        &with(full_2022(), "A10_2019", "1000000000001"),
        "A10",
        "between 0 and 1000000000000",
    )
    .await;
    refused(
        &app,
        &t,
        &with(full_2022(), "A10_2020", "5"),
        "A10",
        "either a number or “Unknown”",
    )
    .await;
    let mut none_and_more = full_2022();
    none_and_more.push(("B8", "none"));
    refused(
        &app,
        &t,
        &none_and_more,
        "B8",
        "“None” cannot be chosen together",
    )
    .await;
    refused(
        &app,
        &t,
        &with(full_2022(), "G2_2", "foreign_spam"),
        "G2",
        "Each place must hold a different option.",
    )
    .await;
    refused(
        &app,
        &t,
        &with(full_2022(), "G2_3", "legislation"),
        "G2",
        "Rank only options that you picked in G1.",
    )
    .await;
    refused(
        &app,
        &t,
        &without(full_2022(), "G2_2"),
        "G2",
        "Fill the places in order",
    )
    .await;
    let long = "x".repeat(10_001);
    let long: &'static str = Box::leak(long.into_boxed_str());
    refused(
        &app,
        &t,
        &with(full_2022(), "G4", long),
        "G4",
        "the limit is 10000",
    )
    .await;
    refused(
        &app,
        &t,
        &without(full_2022(), "P2_other_text"),
        "P2",
        "Please specify “Other”.",
    )
    .await;

    // The page that comes back keeps what was typed, even what was wrong.
    let (_, page) = app
        .save(&t, "submit", &with(full_2022(), "A10_2019", "twelve"))
        .await;
    assert!(page.contains("value=\"twelve\""));
    assert!(page.contains("Ministère des Télécoms, &#34;Spam&#34; Unit"));
    // A draft takes what a submission refuses for being incomplete...
    let (status, _) = app.save(&t, "draft", &without(full_2022(), "P1")).await;
    assert_eq!(status, 303);
    // ...but not a number that is not a number.
    let (status, _) = app
        .save(&t, "draft", &with(full_2022(), "A10_2019", "twelve"))
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn a_hidden_conditional_answer_is_not_stored() {
    let app = TestApp::spawn().await;
    let t = app.invite("spam-2022", "TH");
    // A9 = No hides A10 and A11; B1 = No hides B2 and B3; A3 keeps only rows picked in A2.
    let mut fields = with(with(full_2022(), "A9", "no"), "B1", "no");
    fields.push(("A3_fax", "4"));
    let (status, _) = app.save(&t, "submit", &fields).await;
    assert_eq!(status, 303);
    let row = &app.rows("spam-2022")[0];
    for col in [
        "A10_2019",
        "A10_2020",
        "A10_2021",
        "A11_sms",
        "A11_email",
        "B2",
        "B3",
        "A3_fax",
    ] {
        assert_eq!(row[col], "", "{col} is hidden and not stored");
    }
    assert_eq!(row["A3_sms"], "5", "a row picked in A2 is kept");
}

#[tokio::test]
async fn a_wrong_link_and_a_revoked_link_get_the_same_404_and_a_new_link_works_at_once() {
    let app = TestApp::spawn().await;
    let old = app.invite("spam-2022", "NZ");
    let (status, wrong) = app
        .get_text("/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_eq!(status, 404);
    assert!(!wrong.contains("New Zealand"));
    let new = app.invite("spam-2022", "NZ");
    let (status, replaced) = app.get_text(&format!("/r/{old}")).await;
    assert_eq!(status, 404, "a reissued link replaces the old one");
    assert_eq!(
        replaced, wrong,
        "the page does not tell a replaced link from a wrong one"
    );
    app.form(&new).await;
    assert!(app.revoke("spam-2022", "NZ"));
    let (status, revoked) = app.get_text(&format!("/r/{new}")).await;
    assert_eq!(status, 404);
    assert_eq!(revoked, wrong);
    let r = app
        .post_raw(&new, encode(&[("action", "draft"), ("P1", "x")]))
        .await;
    assert_eq!(r.status().as_u16(), 404);
    assert!(app.rows("spam-2022").is_empty());
    let (status, _) = app.get_text("/r/short").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn malformed_posts_get_a_4xx_page_that_says_what_is_wrong_and_store_nothing() {
    let app = TestApp::spawn().await;
    let t = app.invite("spam-2022", "MY");
    let csrf = common::csrf_of(&app.form(&t).await);
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (
            format!("csrf={csrf}&action=draft&Z9=1").into_bytes(),
            400,
            "does not ask",
        ),
        (
            format!("csrf={csrf}&action=draft&P1=a&P1=b").into_bytes(),
            400,
            "more than once",
        ),
        (
            format!("csrf={csrf}&action=draft&A4=carrier_pigeon").into_bytes(),
            400,
            "not one of the options",
        ),
        (
            format!("csrf={csrf}&action=draft&A1=9").into_bytes(),
            400,
            "from 1 to 5",
        ),
        (
            format!("csrf={csrf}&action=draft&P1=%FF%FE").into_bytes(),
            400,
            "not valid UTF-8",
        ),
        (
            format!("csrf={csrf}&action=publish").into_bytes(),
            400,
            "save a draft or submit",
        ),
        (
            format!("csrf={csrf}&action=draft&action=submit").into_bytes(),
            400,
            "more than once",
        ),
        (
            format!("csrf={csrf}&action=draft&P1={}", "a".repeat(1024 * 1024)).into_bytes(),
            413,
            "too large",
        ),
    ];
    for (body, want, says) in cases {
        let r = app.post_raw(&t, body).await;
        let status = r.status().as_u16();
        let page = r.text().await.unwrap();
        assert_eq!(status, want, "{page}");
        assert!(page.contains(says), "the page says {says}: {page}");
        assert!(page.contains("<html"), "an HTML page");
    }
    let r = app
        .client
        .post(format!("{}/r/{t}", app.base))
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    // A post without the page's form token stores nothing but keeps what was typed.
    let r = app
        .post_raw(&t, encode(&[("action", "draft"), ("P1", "kept text")]))
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().await.unwrap().contains("value=\"kept text\""));
    assert!(app.rows("spam-2022").is_empty());
}

#[tokio::test]
async fn a_closed_edition_shows_the_answers_read_only_and_refuses_saves() {
    let app = TestApp::spawn().await;
    // The bundled 2021 edition closed on 30 June 2021.
    let t = app.invite("spam-2021", "FJ");
    let (status, page) = app.get_text(&format!("/r/{t}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("This questionnaire closed on 30 June 2021"));
    assert!(!page.contains("<form"));
    let r = app
        .post_raw(&t, encode(&[("action", "draft"), ("P1", "late")]))
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(app.rows("spam-2021").is_empty());
}

#[tokio::test]
async fn one_members_link_never_reaches_another_member_or_edition() {
    let app = TestApp::spawn().await;
    let kr = app.invite("spam-2022", "KR");
    let jp = app.invite("spam-2022", "JP");
    app.save(&kr, "submit", &full_2022()).await;
    let page = app.form(&jp).await;
    assert!(page.contains("Japan"));
    assert!(!page.contains("Ministère des Télécoms"));
    app.save(&jp, "draft", &[("P1", "Japan MIC")]).await;
    let rows = app.rows("spam-2022");
    assert_eq!(
        rows.iter()
            .map(|r| r["member"].as_str())
            .collect::<Vec<_>>(),
        ["KR", "JP"]
    );
    assert!(app.rows("spam-2021").is_empty());
}
