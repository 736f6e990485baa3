//! Year after year, on the real server and the real binary: `new-edition`
//! makes spam-2023 from spam-2022, the member's 2023 form shows its 2022
//! answers, "start from last year" makes a draft, a figure that jumps is
//! warned and confirmed, and `diff` lists what changed.

mod common;

use common::{TestApp, csrf_of, encode, full_2022};
use std::process::Command;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spam-survey"))
}

/// `spam-survey new-edition --from spam-2022 --id spam-2023` on a folder.
fn new_2023(surveys: &std::path::Path) -> std::process::Output {
    binary()
        .args([
            "new-edition",
            "--from",
            "spam-2022",
            "--id",
            "spam-2023",
            "--surveys",
        ])
        .arg(surveys)
        .output()
        .unwrap()
}

/// A copy of the bundled surveys with spam-2023 made by `new-edition`,
/// passed through `edit` (to take an option away, say).
fn surveys_with_2023(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["members.csv", "spam-2021.toml", "spam-2022.toml"] {
        std::fs::copy(common::bundled_surveys().join(f), dir.path().join(f)).unwrap();
    }
    let out = new_2023(dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.path().join("spam-2023.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
    dir
}

fn with(
    fields: &[(&'static str, &'static str)],
    changes: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    fields
        .iter()
        .map(|(k, v)| *changes.iter().find(|(c, _)| c == k).unwrap_or(&(k, v)))
        .collect()
}

/// Submits 2022 as `member` and returns the member's 2023 link.
async fn submitted_2022(app: &TestApp, member: &str, fields: &[(&str, &str)]) -> String {
    let token = app.invite("spam-2022", member);
    let (status, to) = app.save(&token, "submit", fields).await;
    assert_eq!(status, 303, "the 2022 submission is stored: {to}");
    app.invite("spam-2023", member)
}

#[test]
fn new_edition_writes_a_file_that_passes_check_and_refuses_to_overwrite() {
    let dir = surveys_with_2023(|t| t);
    let path = dir.path().join("spam-2023.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    for line in [
        "id = \"spam-2023\"",
        "year = 2023",
        "reference_period = \"calendar year 2022\"",
        "opens = 2023-03-01",
        "previous = \"spam-2022\"",
        "# The bundled edition is kept open",
    ] {
        assert!(text.contains(line), "{line} in the new file");
    }
    let check = binary().arg("check").arg(&path).output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Made again: refused, and the file is as it was.
    std::fs::write(&path, "# the secretariat's own edits\n").unwrap();
    let again = new_2023(dir.path());
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# the secretariat's own edits\n"
    );
    // An edition that does not exist: nothing written.
    let none = binary()
        .args([
            "new-edition",
            "--from",
            "spam-1999",
            "--id",
            "spam-2000",
            "--surveys",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!none.status.success());
    assert!(!dir.path().join("spam-2000.toml").exists());
}

#[test]
fn diff_lists_what_the_2022_edition_added_and_changed_from_2021() {
    let out = binary()
        .args(["diff", "spam-2021", "spam-2022", "--surveys"])
        .arg(common::bundled_surveys())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            "spam-2021 → spam-2022: 25 added, 0 removed, 0 renamed, 27 questions in both"
        ),
        "{text}"
    );
    assert!(
        text.contains("A10    changed  years: 2018, 2019, 2020 → 2019, 2020, 2021"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("B2a    added")),
        "B1's legislation gains an optional attachment, a question of its own: {text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("A3     added")),
        "{text}"
    );
    assert!(
        !text.lines().any(|l| l.starts_with("A1 ")),
        "A1 did not change: {text}"
    );
}

#[tokio::test]
async fn a_members_2023_form_shows_its_own_2022_answers_and_never_another_members() {
    let dir = surveys_with_2023(|t| t);
    let app = TestApp::spawn_with(dir.path()).await;
    let au = submitted_2022(&app, "AU", &full_2022()).await;
    let kr_fields = with(
        &full_2022(),
        &[
            ("P1", "Korea Communications Commission"),
            ("B9", "KRW 30 million"),
        ],
    );
    submitted_2022(&app, "KR", &kr_fields).await;
    let page = app.form(&au).await;
    assert!(
        page.contains("In 2022 you answered"),
        "last year's answers are shown"
    );
    assert!(
        page.contains("Ministère des Télécoms, &quot;Spam&quot; Unit, 総務省")
            || page.contains("Ministère des Télécoms, &#34;Spam&#34; Unit, 総務省")
    );
    assert!(page.contains("+1000 USD"));
    assert!(
        !page.contains("Korea Communications Commission"),
        "never another member's answer"
    );
    assert!(!page.contains("KRW 30 million"));
    // Tied to its question for screen readers.
    assert!(page.contains("id=\"prev-B9\""));
    let described = page.split("aria-describedby=\"").skip(1).any(|rest| {
        rest.split('"')
            .next()
            .is_some_and(|ids| ids.split(' ').any(|id| id == "prev-B9"))
    });
    assert!(described, "B9's box is described by last year's answer");
    assert!(page.contains("Start from my 2022 answers"));
    // A member with no 2022 submission sees none of it.
    let jp = app.invite("spam-2023", "JP");
    let page = app.form(&jp).await;
    assert!(!page.contains("In 2022 you answered"));
    assert!(!page.contains("Start from my"));
}

#[tokio::test]
async fn starting_from_last_year_stores_a_draft_of_what_still_fits_and_names_the_rest() {
    // 2023 no longer offers "phishing" in A5, which AU picked in 2022.
    let dir = surveys_with_2023(|t| {
        t.replace(
            "  { code = \"phishing\", label = \"Phishing/smishing/malicious links\" },\n",
            "",
        )
    });
    let app = TestApp::spawn_with(dir.path()).await;
    let token = submitted_2022(&app, "AU", &full_2022()).await;
    let csrf = csrf_of(&app.form(&token).await);
    let r = app
        .client
        .post(format!("{}/r/{token}/last-year", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(encode(&[("csrf", &csrf)]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let rows = app.rows("spam-2023");
    assert_eq!(rows.len(), 1, "one stored draft");
    let draft = &rows[0];
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["B9"], "+1000 USD");
    assert_eq!(draft["A10_2019"], "1200");
    assert_eq!(draft["A10_2020"], "unknown");
    assert_eq!(draft["A2"], "email;sms;other");
    assert_eq!(
        draft["A5"], "",
        "an answer with a removed option is not carried"
    );
    let (_, page) = app.get_text(&to.replace("#main", "")).await;
    assert!(page.contains("Carried over from your 2022 submission"));
    assert!(
        page.contains("Phishing/smishing/malicious links”, is no longer asked"),
        "the notice says why A5 was not carried"
    );
    assert!(
        !page.contains("Start from my 2022 answers"),
        "not offered once a draft exists"
    );
    // Pressed again (an old tab): refused, nothing stored.
    let r = app
        .client
        .post(format!("{}/r/{token}/last-year", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(encode(&[("csrf", &csrf)]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(app.rows("spam-2023").len(), 1);
}

async fn post(app: &TestApp, token: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let r = app.post_raw(token, encode(fields)).await;
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

#[tokio::test]
async fn a_tenfold_figure_is_warned_then_submitted_with_its_confirmation_recorded() {
    let dir = surveys_with_2023(|t| t);
    let app = TestApp::spawn_with(dir.path()).await;
    let token = submitted_2022(&app, "AU", &full_2022()).await;
    let tenfold = with(&full_2022(), &[("A11_sms", "3500")]);
    // A draft is never warned.
    let (status, to) = app.save(&token, "draft", &tenfold).await;
    assert_eq!(status, 303, "the draft is stored: {to}");
    // Submitted: warned, nothing stored, the answers kept.
    let csrf = csrf_of(&app.form(&token).await);
    let mut fields = vec![("csrf", csrf.as_str()), ("action", "submit")];
    fields.extend_from_slice(&tenfold);
    let (status, page) = post(&app, &token, &fields).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Please confirm 1 figure(s) before submitting"),
        "{page}"
    );
    assert!(page.contains("id=\"warn-A11\""));
    assert!(page.contains("SMS/MMS: 3500 is more than 5 times the 350 you gave in 2022"));
    assert!(page.contains("value=\"3500\""), "the typed figure is kept");
    assert!(page.contains("value=\"A11_sms:jump:3500\""));
    assert_eq!(app.rows("spam-2023").len(), 1, "only the draft");
    // Submit anyway.
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("action", "confirm"),
        ("confirm", "A11_sms:jump:3500"),
    ];
    fields.extend_from_slice(&tenfold);
    let r = app.post_raw(&token, encode(&fields)).await;
    assert_eq!(r.status().as_u16(), 303);
    let rows = app.rows("spam-2023");
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[1]["status"].as_str(), rows[1]["A11_sms"].as_str()),
        ("submitted", "3500")
    );
    let journal =
        std::fs::read_to_string(app.data.path().join("spam-2023").join("confirmations.csv"))
            .unwrap();
    let line = journal.lines().nth(1).expect("one confirmation");
    assert!(
        line.contains(&format!(",AU,{},A11,A11_sms,", rows[1]["revision"])),
        "{line}"
    );
    // A confirmation of another figure does not confirm this one.
    let other = with(&full_2022(), &[("A11_sms", "9000")]);
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("action", "confirm"),
        ("confirm", "A11_sms:jump:3500"),
    ];
    fields.extend_from_slice(&other);
    let (status, page) = post(&app, &token, &fields).await;
    assert_eq!(status, 200);
    assert!(page.contains("9000 is more than 5 times"));
    assert_eq!(app.rows("spam-2023").len(), 2);
    // The secretariat sees both years and the confirmed warning.
    let admin = app.admin().await;
    let (_, page) = admin.get("/admin/s/spam-2023/m/AU").await;
    assert!(page.contains("Warnings the member confirmed"));
    assert!(page.contains("3500 is more than 5 times the 350 you gave in 2022"));
    assert!(page.contains("Beside spam-2022"));
    let (_, overview) = admin.get("/admin/s/spam-2023").await;
    assert!(overview.contains("warnings confirmed"));
    let (_, csv) = admin.get("/admin/s/spam-2023/export?kind=revisions").await;
    assert!(
        csv.contains("A11_sms: SMS/MMS: 3500 is more than 5 times"),
        "{csv}"
    );
}

/// The bundled folder with spam-2022's text changed by `edit`.
fn folder_with_2022(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["members.csv", "spam-2021.toml", "spam-2022.toml"] {
        std::fs::copy(common::bundled_surveys().join(f), dir.path().join(f)).unwrap();
    }
    let path = dir.path().join("spam-2022.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
    dir
}

fn folder_errors(dir: &tempfile::TempDir) -> String {
    match spam_survey::definition::load_dir(dir.path()) {
        Ok(_) => String::new(),
        Err(e) => e
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn a_previous_id_must_name_a_question_of_the_previous_edition_that_nothing_else_claims() {
    let renamed = |to: &str| {
        let to = to.to_string();
        move |t: String| {
            t.replacen(
                "id = \"G5\"\n",
                &format!("id = \"G6\"\nprevious_id = \"{to}\"\n"),
                1,
            )
        }
    };
    assert_eq!(
        folder_errors(&folder_with_2022(renamed("G5"))),
        "",
        "G6 was G5"
    );
    let unknown = folder_errors(&folder_with_2022(renamed("Z9")));
    assert!(
        unknown
            .contains("question G6: `previous_id` names Z9, which is not a question of spam-2021"),
        "{unknown}"
    );
    let own = folder_errors(&folder_with_2022(renamed("G4")));
    assert!(
        own.contains("`previous_id` names G4, but this edition has a question G4 of its own"),
        "{own}"
    );
}

#[test]
fn a_jump_factor_must_be_above_one_and_only_on_numbers() {
    let at_one = folder_errors(&folder_with_2022(|t| {
        t.replacen("members = ", "jump_factor = 1\nmembers = ", 1)
    }));
    assert!(
        at_one.contains("`jump_factor` must be a number above 1 and at most 1000, not 1"),
        "{at_one}"
    );
    let on_text = folder_errors(&folder_with_2022(|t| {
        t.replacen("id = \"G5\"\n", "id = \"G5\"\njump_factor = 3\n", 1)
    }));
    assert!(
        on_text.contains("`jump_factor` does not apply to a question of type text"),
        "{on_text}"
    );
    let on_a10 = folder_errors(&folder_with_2022(|t| {
        t.replacen(
            "years = [2019, 2020, 2021]",
            "years = [2019, 2020, 2021]\njump_factor = 2.5",
            1,
        )
    }));
    assert_eq!(on_a10, "");
}

#[tokio::test]
async fn the_2023_form_follows_a_new_2022_submission_though_its_page_was_cached() {
    let dir = surveys_with_2023(|t| t);
    let app = TestApp::spawn_with(dir.path()).await;
    let token22 = app.invite("spam-2022", "AU");
    let (status, _) = app.save(&token22, "submit", &full_2022()).await;
    assert_eq!(status, 303);
    let token23 = app.invite("spam-2023", "AU");
    assert!(app.form(&token23).await.contains("+1000 USD"));
    let again = with(&full_2022(), &[("B9", "+2000 USD")]);
    let (status, _) = app.save(&token22, "submit", &again).await;
    assert_eq!(status, 303);
    let page = app.form(&token23).await;
    assert!(
        page.contains("+2000 USD"),
        "the latest 2022 submission is shown"
    );
    assert!(!page.contains("+1000 USD"));
}
