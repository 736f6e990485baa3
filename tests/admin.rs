//! The secretariat's workspace over HTTP: sign-in, the overview as members
//! answer, invitations, reminders, the round's life, each response, audit.

mod common;

use common::{ADMIN_PASSWORD, TestApp, full_2022, token_in};

#[tokio::test]
async fn sign_in_and_sign_out_guard_every_workspace_page() {
    let app = TestApp::spawn().await;
    let stranger = app.browser();
    for path in [
        "/admin/s/spam-2022",
        "/admin/s/spam-2022/reminders",
        "/admin/s/spam-2022/m/KR",
        "/admin/s/spam-2022/export?kind=responses",
        "/admin/s/spam-2022/report",
        "/admin/audit",
    ] {
        let (status, page) = stranger.get(path).await;
        assert_eq!(status, 401, "{path} needs a session");
        assert!(page.contains("Please sign in"));
    }
    let (status, page) = stranger.get("/admin").await;
    assert_eq!(status, 200);
    assert!(page.contains("type=\"password\""));

    let (status, page) = stranger.sign_in("wrong password").await;
    assert_eq!(status, 401);
    assert!(page.contains("That password is not right"));
    let (status, location) = stranger.sign_in(ADMIN_PASSWORD).await;
    assert_eq!(status, 303);
    assert_eq!(location, "/admin");
    let (status, page) = stranger.get("/admin/s/spam-2022").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("0 of 38 members have submitted, 0 %"));

    let (status, _) = stranger
        .post_from("/admin/s/spam-2022", "/admin/logout", &[])
        .await;
    assert_eq!(status, 303);
    let (status, _) = stranger.get("/admin/s/spam-2022").await;
    assert_eq!(status, 401, "signed out");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_strict() {
    let app = TestApp::spawn().await;
    let a = app.browser();
    let r = a.sign_in_response(ADMIN_PASSWORD).await;
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("spam_survey_admin="))
        .expect("a session cookie");
    assert!(session.contains("HttpOnly"));
    assert!(session.contains("SameSite=Strict"));
    assert!(
        !session.contains("Secure"),
        "not Secure unless served over HTTPS"
    );
    // A forged or tampered cookie opens nothing.
    let forged = reqwest::Client::new()
        .get(format!("{}/admin/s/spam-2022", app.base))
        .header("Cookie", "spam_survey_admin=abc.def")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);
}

#[tokio::test]
async fn five_failed_sign_ins_from_one_address_get_429_with_retry_after() {
    let app = TestApp::spawn().await;
    let a = app.browser();
    for _ in 0..5 {
        let (status, _) = a.sign_in("nope").await;
        assert_eq!(status, 401);
    }
    let r = a.sign_in_response(ADMIN_PASSWORD).await;
    assert_eq!(r.status().as_u16(), 429, "even the right password waits");
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 15 * 60);
}

#[tokio::test]
async fn a_members_link_gives_no_access_to_the_workspace() {
    let app = TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    let member = app.browser();
    let (status, _) = member.get(&format!("/r/{token}")).await;
    assert_eq!(status, 200);
    for path in [
        "/admin/s/spam-2022".to_string(),
        format!("/admin/s/spam-2022?token={token}"),
        format!("/admin/s/spam-2022/m/KR?t={token}"),
    ] {
        let (status, _) = member.get(&path).await;
        assert_eq!(status, 401, "{path}");
    }
    let r = reqwest::Client::new()
        .get(format!("{}/admin/s/spam-2022", app.base))
        .header("Cookie", format!("spam_survey_admin={token}"))
        .header("Authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn the_overview_follows_a_member_from_invited_to_changed_after_submission() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let status_of = |page: &str, name: &str| -> String {
        let at = page
            .find(&format!(">{name}</a>"))
            .expect("the member is listed");
        let rest = &page[at..];
        let s = rest.find("<span class=\"status\">").unwrap() + 21;
        rest[s..s + rest[s..].find('<').unwrap()].to_string()
    };
    let (_, page) = admin.get("/admin/s/spam-2022").await;
    assert_eq!(status_of(&page, "Thailand"), "not invited");
    let (status, page) = admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/invite",
            &[("member", "TH"), ("action", "issue")],
        )
        .await;
    assert_eq!(status, 200);
    let token = token_in(&page);
    assert!(page.contains("mailto:"));
    let (_, page) = admin.get("/admin/s/spam-2022").await;
    assert_eq!(status_of(&page, "Thailand"), "invited");

    app.save(&token, "draft", &[("P1", "Thai NBTC")]).await;
    let (_, page) = admin.get("/admin/s/spam-2022").await;
    assert_eq!(status_of(&page, "Thailand"), "draft");
    assert!(page.contains("0 of 38 members have submitted"));

    app.save(&token, "submit", &full_2022()).await;
    let (_, page) = admin.get("/admin/s/spam-2022").await;
    assert_eq!(status_of(&page, "Thailand"), "submitted");
    assert!(page.contains("1 of 38 members have submitted, 3 %"));
    // Those who have not submitted come first.
    assert!(page.find(">Thailand</a>").unwrap() > page.find(">Afghanistan</a>").unwrap());

    app.save(&token, "draft", &full_2022()).await;
    let (_, page) = admin.get("/admin/s/spam-2022").await;
    assert_eq!(status_of(&page, "Thailand"), "changed after submission");
    assert!(
        page.contains("1 of 38 members have submitted"),
        "the submission still counts"
    );

    let (status, page) = admin.get("/admin/s/spam-2022/m/TH").await;
    assert_eq!(status, 200);
    assert!(page.contains("Revision 3: draft"));
    assert!(page.contains("Revision 2: submitted"));
    assert!(page.contains("Thai NBTC"), "the history shows what changed");
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "typed text is escaped"
    );

    let (_, audit) = admin.get("/admin/audit").await;
    assert!(audit.contains("signed in"));
    assert!(audit.contains("invitation issued"));
}

#[tokio::test]
async fn revoking_and_reissuing_from_the_browser_works_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, page) = admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/invite",
            &[("member", "NZ"), ("action", "issue")],
        )
        .await;
    let first = token_in(&page);
    let (_, page) = admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/invite",
            &[("member", "NZ"), ("action", "issue")],
        )
        .await;
    let second = token_in(&page);
    assert_ne!(first, second);
    assert_eq!(app.get(&format!("/r/{first}")).await.status().as_u16(), 404);
    assert_eq!(
        app.get(&format!("/r/{second}")).await.status().as_u16(),
        200
    );
    let (status, location) = admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/invite",
            &[("member", "NZ"), ("action", "revoke")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, page) = admin.get(&location).await;
    assert!(page.contains("The link of New Zealand is revoked"));
    assert_eq!(
        app.get(&format!("/r/{second}")).await.status().as_u16(),
        404
    );
}

#[tokio::test]
async fn a_workspace_post_without_its_form_token_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (status, _) = admin
        .post(
            "/admin/s/spam-2022/invite",
            &[("member", "KR"), ("action", "issue")],
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = admin
        .post(
            "/admin/s/spam-2022/round",
            &[("csrf", "00"), ("action", "close")],
        )
        .await;
    assert_eq!(status, 403);
    let (_, page) = admin.get("/admin/s/spam-2022").await;
    assert!(page.contains("Close the edition now"), "still open");
    let (_, audit) = admin.get("/admin/audit").await;
    assert!(!audit.contains("invitation issued"));
}

#[tokio::test]
async fn closing_the_round_early_makes_the_form_read_only_and_reopening_restores_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = app.invite("spam-2022", "KR");
    app.save(&token, "submit", &full_2022()).await;
    let (status, _) = admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/round",
            &[("action", "close")],
        )
        .await;
    assert_eq!(status, 303);
    let (status, page) = app.get_text(&format!("/r/{token}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("The secretariat has closed this questionnaire."));
    assert!(!page.contains("<form"));
    assert!(
        page.contains("Ministère des Télécoms"),
        "the answers are shown read-only"
    );
    let r = app
        .post_raw(
            &token,
            common::encode(&[("action", "draft"), ("P1", "late")]),
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(app.rows("spam-2022").len(), 1);

    let (status, _) = admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/round",
            &[("action", "reopen")],
        )
        .await;
    assert_eq!(status, 303);
    let (status, _) = app
        .save(&token, "draft", &[("P1", "after reopening")])
        .await;
    assert_eq!(status, 303);
    // The bundled 2021 edition is past its dates, and can be reopened too.
    admin
        .post_from(
            "/admin/s/spam-2021",
            "/admin/s/spam-2021/round",
            &[("action", "reopen")],
        )
        .await;
    let old = app.invite("spam-2021", "FJ");
    let (status, _) = app.save(&old, "draft", &[("P1", "Fiji")]).await;
    assert_eq!(status, 303);
}

#[tokio::test]
async fn reminders_list_those_who_have_not_submitted_with_new_working_links() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let kr = app.invite("spam-2022", "KR");
    app.save(&kr, "submit", &full_2022()).await;
    let jp = app.invite("spam-2022", "JP");
    app.save(
        &jp,
        "draft",
        &[("P3_email", "focal@soumu.example.jp"), ("P3_name", "Focal")],
    )
    .await;
    let (status, page) = admin.get("/admin/s/spam-2022/reminders").await;
    assert_eq!(status, 200);
    assert!(page.contains("41 member(s) have not submitted"));
    assert!(!page.contains("value=\"KR\""));
    let (status, page) = admin
        .post_from(
            "/admin/s/spam-2022/reminders",
            "/admin/s/spam-2022/reminders",
            &[("member", "JP"), ("member", "FJ")],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Reminders for 2 member(s)"));
    assert!(
        page.contains("mailto:focal%40soumu%2Eexample%2Ejp?subject="),
        "the address the member gave is used"
    );
    assert!(page.contains("Your draft is saved"));
    let new_jp = token_in(&page[page.find("Japan").unwrap()..]);
    assert_eq!(
        app.get(&format!("/r/{new_jp}")).await.status().as_u16(),
        200
    );
    assert!(
        app.form(&new_jp).await.contains("focal@soumu.example.jp"),
        "the draft is kept"
    );
    assert_eq!(
        app.get(&format!("/r/{jp}")).await.status().as_u16(),
        404,
        "the old link ends"
    );
}

async fn download(admin: &common::Admin, query: &str) -> (String, String) {
    let r = admin
        .client
        .get(format!("{}/admin/s/spam-2022/export?{query}", admin.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{query}");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    (disposition, r.text().await.unwrap())
}

fn parse(csv_text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[tokio::test]
async fn downloads_give_back_what_was_submitted_value_for_value_and_neutralise_formulas() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let kr = app.invite("spam-2022", "KR");
    app.save(&kr, "submit", &full_2022()).await;
    let jp = app.invite("spam-2022", "JP");
    app.save(&jp, "draft", &[("P1", "only a draft")]).await;
    let submitted = app
        .rows("spam-2022")
        .into_iter()
        .find(|r| r["status"] == "submitted")
        .unwrap();

    let (disposition, raw) = download(&admin, "kind=responses&raw=on").await;
    let today = chrono::Utc::now().date_naive().to_string();
    assert!(
        disposition.contains(&format!("spam-2022-responses-{today}.csv")),
        "{disposition}"
    );
    let (header, rows) = parse(&raw);
    assert_eq!(rows.len(), 1, "drafts are not responses");
    let row: std::collections::HashMap<&str, &str> = header
        .iter()
        .map(String::as_str)
        .zip(rows[0].iter().map(String::as_str))
        .collect();
    for (column, value) in &submitted {
        if ["revision", "time", "member", "status"].contains(&column.as_str()) {
            continue;
        }
        assert_eq!(
            row[column.as_str()],
            value,
            "{column} comes back exactly with raw"
        );
    }
    assert_eq!(row["A2_email"], "1");
    assert_eq!(row["A2_fax"], "0");

    let (_, safe) = download(&admin, "kind=responses").await;
    let (header, rows) = parse(&safe);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        rows[0][col("A12")],
        "'=SUM(A1:A9)\r\nline two, with a comma",
        "a formula is neutralised"
    );
    assert_eq!(rows[0][col("B9")], "'+1000 USD");
    assert_eq!(rows[0][col("C1")], "'@Regulator");
    assert_eq!(
        rows[0][col("P1")],
        submitted["P1"],
        "other text is untouched"
    );

    let (_, labels) = download(&admin, "kind=responses&labels=on&bom=on").await;
    assert!(
        labels.starts_with('\u{feff}'),
        "a byte-order mark when asked"
    );
    let (header, rows) = parse(&labels);
    assert_eq!(
        rows[0][header.iter().position(|h| h == "A4").unwrap()],
        "SMS/MMS"
    );

    let (_, codebook) = download(&admin, "kind=codebook").await;
    let (_, entries) = parse(&codebook);
    let named: Vec<&str> = entries.iter().map(|e| e[0].as_str()).collect();
    let (responses_header, _) = parse(&safe);
    assert_eq!(
        named,
        responses_header
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        "the codebook names every column, in order"
    );

    let (_, revisions) = download(&admin, "kind=revisions").await;
    let (_, rows) = parse(&revisions);
    assert_eq!(rows.len(), 2, "revisions include the draft");
    let (_, long) = download(&admin, "kind=long").await;
    assert!(parse(&long).1.iter().any(|r| r.contains(&"G4".to_string())));

    let (status, _) = admin.get("/admin/s/spam-2022/export?kind=everything").await;
    assert_eq!(status, 400);
    let (_, audit) = admin.get("/admin/audit").await;
    assert!(
        audit.contains(&format!("spam-2022-responses-{today}.csv")),
        "downloads are audited"
    );
}

/// The overview with what changes from run to run (the form token, the
/// times of saves) replaced by fixed marks, so that it can be compared
/// byte for byte with a copy saved before the overview learned to page.
fn steady(page: &str) -> String {
    let csrf = common::csrf_of(page);
    let page = page.replace(&csrf, "CSRF");
    // Every "2026-12-01 08:15" (a save's time as the table shows it).
    let shape = "dddd-dd-dd dd:dd";
    let bytes = page.as_bytes();
    let mut out = String::with_capacity(page.len());
    let mut i = 0;
    while i < bytes.len() {
        let here = bytes[i..].iter().take(shape.len());
        let is_time = bytes.len() - i >= shape.len()
            && here.zip(shape.bytes()).all(|(&b, s)| match s {
                b'd' => b.is_ascii_digit(),
                _ => b == s,
            });
        if is_time {
            out.push_str("TIME");
            i += shape.len();
        } else {
            let c = page[i..].chars().next().expect("a character");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[tokio::test]
async fn the_apt_overview_is_byte_for_byte_the_page_it_was_before_paging() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let kr = app.invite("spam-2022", "KR");
    app.save(&kr, "submit", &full_2022()).await;
    let jp = app.invite("spam-2022", "JP");
    app.save(&jp, "draft", &[("P1", "only a draft")]).await;
    let nz = app.invite("spam-2022", "NZ");
    app.save(&nz, "submit", &full_2022()).await;
    app.save(&nz, "draft", &full_2022()).await;
    app.invite("spam-2022", "TH");
    app.invite("spam-2022", "FJ");
    assert!(app.revoke("spam-2022", "FJ"));
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (name, query) in [
        ("status", ""),
        ("name", "?sort=name"),
        ("subregion", "?sort=subregion"),
        ("last", "?sort=last"),
        ("notice", "?notice=revoked&member=FJ"),
    ] {
        let (status, page) = admin.get(&format!("/admin/s/spam-2022{query}")).await;
        assert_eq!(status, 200, "{query}");
        let file = dir.join(format!("overview-spam-2022-{name}.html"));
        if std::env::var_os("SPAM_SURVEY_SAVE_FIXTURES").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&file, steady(&page)).unwrap();
        }
        let saved = std::fs::read_to_string(&file).expect("the saved overview");
        assert!(
            steady(&page) == saved,
            "{query}: the overview differs from {}",
            file.display()
        );
    }
}
