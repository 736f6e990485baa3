//! Pages that cannot grow without bound: a member's history and the audit
//! log come a page at a time, whatever their length.

mod common;

use common::TestApp;
use spam_survey::store::Status;

/// A draft's answers: a long text in every long-text question there is room for.
fn big_draft(app: &TestApp, n: usize) -> Vec<String> {
    let state = app.state.as_ref().expect("the server runs");
    let survey = state.store.survey("spam-2022").expect("the edition");
    let mut cells = vec![String::new(); survey.columns().len()];
    for column in ["A12", "G4", "B2", "A8"] {
        if let Some(i) = survey.column_index(column) {
            // Different in every revision, so that each one shows changes.
            cells[i] = format!("{n} {}", "long answer ".repeat(400));
        }
    }
    cells
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_with_a_thousand_large_revisions_gets_a_history_in_pages_of_bounded_size() {
    let app = TestApp::spawn().await;
    let state = app.state.clone().expect("the server runs");
    // A thousand saves, sent together: the writer commits them in batches.
    let saves = (0..1_000).map(|n| {
        let state = state.clone();
        let cells = big_draft(&app, n);
        async move {
            state
                .store
                .save("spam-2022", "KR", Status::Draft, cells)
                .await
                .expect("a save")
        }
    });
    futures_util::future::join_all(saves).await;
    let admin = app.admin().await;

    let (status, first) = admin.get("/admin/s/spam-2022/m/KR").await;
    assert_eq!(status, 200);
    assert!(
        first.contains("Revisions 1–20 of 1,000, newest first: page 1 of 50."),
        "the page says where it stands"
    );
    assert_eq!(
        first.matches("<h3 id=\"rev-").count(),
        20,
        "20 revisions a page"
    );
    assert!(first.contains("id=\"rev-1000\""), "the newest first");
    assert!(
        first.contains("more characters)"),
        "long answers are cut in the history"
    );
    // 4 texts of 4,800 characters, before and after, in 20 revisions would
    // be 770 KB whole; cut to 300 characters the page stays small.
    assert!(first.len() < 300_000, "page 1 is {} bytes", first.len());
    eprintln!(
        "history page 1 of 1,000 large revisions: {} bytes",
        first.len()
    );

    let (status, last) = admin.get("/admin/s/spam-2022/m/KR?page=50").await;
    assert_eq!(status, 200);
    assert!(last.contains("id=\"rev-1\""), "the oldest on the last page");
    assert!(last.contains("id=\"rev-20\"") && !last.contains("id=\"rev-21\""));
    assert!(last.len() < 300_000, "page 50 is {} bytes", last.len());

    let (status, past) = admin.get("/admin/s/spam-2022/m/KR?page=51").await;
    assert_eq!(status, 200);
    assert!(past.contains("There is no page 51: this is the last page, 50 of 50."));
    let (status, _) = admin.get("/admin/s/spam-2022/m/KR?page=zero").await;
    assert_eq!(status, 400, "a page that is not a number is refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_comes_a_hundred_lines_a_page_newest_first() {
    let app = TestApp::spawn().await;
    let state = app.state.clone().expect("the server runs");
    for n in 0..250 {
        state
            .store
            .audit(
                "secretariat",
                "",
                "test action",
                "",
                "",
                &format!("entry {n}"),
            )
            .expect("an audit line");
    }
    let admin = app.admin().await;
    // 250 lines and the sign-in: 251.
    let (status, first) = admin.get("/admin/audit").await;
    assert_eq!(status, 200);
    assert!(
        first.contains("Actions 1–100 of 251, newest first: page 1 of 3."),
        "{}",
        &first[..first.len().min(2000)]
    );
    assert_eq!(first.matches("<tr><td>").count(), 100);
    assert!(first.contains("signed in"), "the newest line is on page 1");
    assert!(first.contains("entry 249") && !first.contains("entry 149<"));

    let (_, third) = admin.get("/admin/audit?page=3").await;
    assert_eq!(third.matches("<tr><td>").count(), 51);
    assert!(
        third.contains("<td>entry 0</td>"),
        "the oldest line is on the last page"
    );
    assert!(!third.contains("entry 100<"));
}
