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
    assert!(page.contains("That name, password or code is not right"));
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
    assert!(page.contains("41 members have not submitted"));
    assert!(!page.contains("value=\"KR\""));
    let (status, page) = admin
        .post_from(
            "/admin/s/spam-2022/reminders",
            "/admin/s/spam-2022/reminders",
            &[("member", "JP"), ("member", "FJ")],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Reminders for 2 members"));
    // The address typed into the draft is a suggestion, never the recipient.
    assert!(
        !page.contains("mailto:focal%40soumu%2Eexample%2Ejp?subject="),
        "the address the member typed is not used"
    );
    assert!(page.contains("mailto:?subject="), "{page}");
    assert!(page.contains("The answers name focal@soumu.example.jp"));
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

const REGIONS: [&str; 4] = ["East Asia", "Pacific", "South Asia", "South-East Asia"];

/// A surveys folder with the bundled editions and a member list of `n`
/// members (a regulator's round): `M0000`, `M0001`…, named "Member 0000"…,
/// sub-regions in turn, every 100th an associate.
fn big_surveys(n: usize) -> tempfile::TempDir {
    big_surveys_named(n, |i| format!("Member {i:04}"))
}

/// [`big_surveys`], with the name of the `i`th member given by `name`.
fn big_surveys_named(n: usize, name: impl Fn(usize) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["spam-2021.toml", "spam-2022.toml"] {
        std::fs::copy(common::bundled_surveys().join(f), dir.path().join(f)).unwrap();
    }
    let mut members = String::from("code,iso3,name,subregion,status\n");
    for i in 0..n {
        let status = if i % 100 == 99 { "associate" } else { "member" };
        members.push_str(&format!(
            "M{i:04},,{},{},{status}\n",
            name(i),
            REGIONS[i % 4]
        ));
    }
    std::fs::write(dir.path().join("members.csv"), members).unwrap();
    dir
}

/// The codes and statuses of the member table's rows, in order.
fn rows(page: &str) -> Vec<(String, String)> {
    page.split("<tr class=\"st-")
        .skip(1)
        .map(|row| {
            let status = row[..row.find('"').unwrap()].to_string();
            let at = row.find("<span class=\"code\">").unwrap() + 19;
            let code = row[at..at + row[at..].find('<').unwrap()].to_string();
            (code, status)
        })
        .collect()
}

/// The address of the link marked `rel` ("next", "prev"), as a browser reads it.
fn link(page: &str, rel: &str) -> Option<String> {
    let end = page.find(&format!("\" rel=\"{rel}\""))?;
    let start = page[..end].rfind("href=\"")? + 6;
    Some(page[start..end].replace("&#38;", "&"))
}

#[tokio::test]
async fn the_apt_overview_is_one_page_with_every_member_and_no_paging_or_filter() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (status, page) = admin.get("/admin/s/spam-2022").await;
    assert_eq!(status, 200);
    assert_eq!(rows(&page).len(), 42, "38 members and 4 associates");
    for absent in [
        "class=\"pager",
        "rel=\"next\"",
        "role=\"search\"",
        "page 1 of",
    ] {
        assert!(!page.contains(absent), "no {absent}");
    }
}

#[tokio::test]
async fn an_edition_past_500_members_pages_by_200_and_the_pages_hold_each_member_once_in_order() {
    let surveys = big_surveys(1_203);
    let app = TestApp::spawn_with(surveys.path()).await;
    let admin = app.admin().await;
    let (status, page) = admin.get("/admin/s/spam-2022?sort=name").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Members 1–200 of 1,203: page 1 of 7."),
        "{page}"
    );
    assert!(link(&page, "prev").is_none(), "no page before the first");
    let mut seen = Vec::new();
    let mut at = "/admin/s/spam-2022?sort=name".to_string();
    for n in 1..=7 {
        let (status, page) = admin.get(&at).await;
        assert_eq!(status, 200, "{at}");
        assert!(page.contains(&format!("page {n} of 7.")), "{at}");
        let here = rows(&page);
        assert_eq!(here.len(), if n < 7 { 200 } else { 3 }, "{at}");
        seen.extend(here.into_iter().map(|(code, _)| code));
        match link(&page, "next") {
            Some(next) => at = format!("/admin/s/spam-2022{next}"),
            None => assert_eq!(n, 7, "only the last page has no next"),
        }
    }
    let every: Vec<String> = (0..1_203).map(|i| format!("M{i:04}")).collect();
    assert_eq!(seen, every, "every member once, by name, across the pages");
    let (_, last) = admin.get("/admin/s/spam-2022?sort=name&page=7").await;
    assert!(last.contains("Members 1,201–1,203 of 1,203"));
    assert_eq!(
        link(&last, "prev").as_deref(),
        Some("?sort=name&page=6"),
        "the previous page keeps the order"
    );
}

#[tokio::test]
async fn members_with_the_same_name_keep_their_list_order_and_each_is_on_one_page_only() {
    // Three names among 1,203 members: every order ties, page after page.
    let surveys = big_surveys_named(1_203, |i| format!("Operator {}", i % 3));
    let app = TestApp::spawn_with(surveys.path()).await;
    let admin = app.admin().await;
    for sort in ["status", "name", "subregion", "last"] {
        let mut seen = Vec::new();
        let mut at = format!("/admin/s/spam-2022?sort={sort}");
        loop {
            let (_, page) = admin.get(&at).await;
            seen.extend(rows(&page).into_iter().map(|(code, _)| code));
            match link(&page, "next") {
                Some(next) => at = format!("/admin/s/spam-2022{next}"),
                None => break,
            }
        }
        let mut once = seen.clone();
        once.sort();
        once.dedup();
        assert_eq!(once.len(), 1_203, "{sort}: every member, once");
        if sort == "name" {
            // "Operator 0" is M0000, M0003, M0006…, in the list's order.
            let zeros: Vec<String> = (0..1_203).step_by(3).map(|i| format!("M{i:04}")).collect();
            assert_eq!(seen[..zeros.len()], zeros[..], "ties in the list's order");
        }
    }
}

#[tokio::test]
async fn the_totals_count_every_member_whatever_the_page_or_the_filter() {
    let surveys = big_surveys(1_203);
    let app = TestApp::spawn_with(surveys.path()).await;
    let admin = app.admin().await;
    // Two full members and an associate submit; one full member only drafts.
    for code in ["M0001", "M0002", "M0099"] {
        let token = app.invite("spam-2022", code);
        app.save(&token, "submit", &full_2022()).await;
    }
    let token = app.invite("spam-2022", "M0003");
    app.save(&token, "draft", &[("P1", "a draft")]).await;
    // 1,203 members, 12 of them associates (all in South-East Asia): 1,191
    // full members, 301 of them in the Pacific with M0001.
    for query in [
        "",
        "?page=4",
        "?page=7",
        "?status=draft",
        "?status=submitted&sort=last",
        "?subregion=East%20Asia&q=nobody",
    ] {
        let (status, page) = admin.get(&format!("/admin/s/spam-2022{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert!(
            page.contains("2 of 1,191 members have submitted, 0 %."),
            "{query}"
        );
        assert!(page.contains("Associate members: 1 of 12."), "{query}");
        assert!(
            page.contains("<tr><th scope=\"row\">Pacific</th><td>1</td><td>301</td>"),
            "{query}: by sub-region too"
        );
        assert!(
            page.contains("<tr><th scope=\"row\">All members</th><td>2</td><td>1,191</td>"),
            "{query}"
        );
    }
}

/// The codes the overview lists at `query`, every page of it.
async fn listed(admin: &common::Admin, query: &str) -> Vec<String> {
    let mut codes = Vec::new();
    let mut at = format!("/admin/s/spam-2022{query}");
    loop {
        let (status, page) = admin.get(&at).await;
        assert_eq!(status, 200, "{at}");
        codes.extend(rows(&page).into_iter().map(|(code, _)| code));
        match link(&page, "next") {
            Some(next) => at = format!("/admin/s/spam-2022{next}"),
            None => break,
        }
    }
    codes.sort();
    codes
}

#[tokio::test]
async fn each_status_filter_the_sub_region_and_the_search_select_exactly_their_members() {
    let surveys = big_surveys(1_203);
    let app = TestApp::spawn_with(surveys.path()).await;
    let admin = app.admin().await;
    app.invite("spam-2022", "M0005");
    let draft = app.invite("spam-2022", "M0010");
    app.save(&draft, "draft", &[("P1", "a draft")]).await;
    let submitted = app.invite("spam-2022", "M0020");
    app.save(&submitted, "submit", &full_2022()).await;
    let changed = app.invite("spam-2022", "M0030");
    app.save(&changed, "submit", &full_2022()).await;
    app.save(&changed, "draft", &full_2022()).await;
    app.invite("spam-2022", "M0040");
    assert!(app.revoke("spam-2022", "M0040"));

    let codes = |list: &[&str]| list.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    assert_eq!(listed(&admin, "?status=invited").await, codes(&["M0005"]));
    // In any order: links are looked up for every member, or for the rows shown.
    assert_eq!(
        listed(&admin, "?status=invited&sort=name").await,
        codes(&["M0005"])
    );
    let late = listed(&admin, "?status=not-invited&sort=last").await;
    assert_eq!(late.len(), 1_203 - 4);
    assert!(!late.contains(&"M0005".to_string()));
    let (_, page) = admin.get("/admin/s/spam-2022?q=M0005&sort=subregion").await;
    assert_eq!(rows(&page), [("M0005".to_string(), "invited".to_string())]);
    assert!(page.contains("aria-label=\"New link for Member 0005\""));
    assert!(page.contains("aria-label=\"Revoke the link of Member 0005\""));
    let (_, reminders) = admin.get("/admin/s/spam-2022/reminders").await;
    assert!(reminders.contains("Member 0005 (M0005): invited</label>"));
    assert!(reminders.contains("Member 0040 (M0040): not invited</label>"));
    assert_eq!(listed(&admin, "?status=draft").await, codes(&["M0010"]));
    assert_eq!(listed(&admin, "?status=submitted").await, codes(&["M0020"]));
    assert_eq!(listed(&admin, "?status=changed").await, codes(&["M0030"]));
    let not_invited = listed(&admin, "?status=not-invited").await;
    assert_eq!(not_invited.len(), 1_203 - 4);
    assert!(not_invited.contains(&"M0040".to_string()), "a revoked link");
    let to_chase = listed(&admin, "?status=not-submitted&sort=last").await;
    let every_but_m0020: Vec<String> = (0..1_203)
        .map(|i| format!("M{i:04}"))
        .filter(|c| c != "M0020")
        .collect();
    assert_eq!(
        to_chase, every_but_m0020,
        "changed after submission is to chase"
    );

    let pacific = listed(&admin, "?subregion=Pacific").await;
    let expected: Vec<String> = (0..1_203)
        .filter(|i| i % 4 == 1)
        .map(|i| format!("M{i:04}"))
        .collect();
    assert_eq!(pacific, expected);

    // The search ignores case, and looks in codes and names.
    assert_eq!(
        listed(&admin, "?q=mEMBER%20012").await,
        codes(&[
            "M0120", "M0121", "M0122", "M0123", "M0124", "M0125", "M0126", "M0127", "M0128",
            "M0129"
        ])
    );
    assert_eq!(listed(&admin, "?q=m1202").await, codes(&["M1202"]));
    assert_eq!(
        listed(&admin, "?q=%20%20m1202%20").await,
        codes(&["M1202"]),
        "trimmed"
    );
    let (_, page) = admin
        .get("/admin/s/spam-2022?status=not-submitted&subregion=East%20Asia&q=member%2000")
        .await;
    // East Asia is every fourth from M0000; M0020 there has submitted.
    let expected: Vec<String> = (0..100)
        .step_by(4)
        .filter(|&i| i != 20)
        .map(|i| format!("M{i:04}"))
        .collect();
    let found: Vec<String> = rows(&page).into_iter().map(|(code, _)| code).collect();
    assert_eq!(found, expected, "the filters combine");
    assert!(page.contains(
        "24 of 1,203 members match: status “not submitted, or changed since”, sub-region “East Asia”, code or name containing “member 00”."
    ));
    assert!(page.contains("<option selected>East Asia</option>"));
    assert!(page.contains("<option value=\"not-submitted\" selected>"));
    let (_, none) = admin.get("/admin/s/spam-2022?q=nobody").await;
    assert!(none.contains("0 of 1,203 members match"));
    assert!(none.contains("No member matches."));
    assert!(!none.contains("<table class=\"data members\">"));
}

#[tokio::test]
async fn the_paging_links_and_the_page_form_keep_the_filter_and_the_sort() {
    let surveys = big_surveys(1_203);
    let app = TestApp::spawn_with(surveys.path()).await;
    let admin = app.admin().await;
    let query = "?status=not-submitted&subregion=South-East%20Asia&q=MEMBER&sort=last";
    let (status, page) = admin.get(&format!("/admin/s/spam-2022{query}")).await;
    assert_eq!(status, 200);
    // South-East Asia: every fourth from M0003, 300 members.
    assert!(page.contains("Members 1–200 of 300 that match: page 1 of 2."));
    let next = link(&page, "next").expect("a next page");
    assert_eq!(
        next,
        "?status=not-submitted&subregion=South-East%20Asia&q=MEMBER&sort=last&page=2"
    );
    let (_, second) = admin.get(&format!("/admin/s/spam-2022{next}")).await;
    let here = rows(&second);
    assert_eq!(here.len(), 100);
    assert!(here.iter().all(|(code, _)| {
        let i: usize = code[1..].parse().unwrap();
        i % 4 == 3
    }));
    assert_eq!(
        link(&second, "prev").as_deref(),
        Some("?status=not-submitted&subregion=South-East%20Asia&q=MEMBER&sort=last")
    );
    // The "go to page" form carries the same filter, and the sort links too.
    let jump = &second[second.find("class=\"jump\"").expect("a page form")..];
    let jump = &jump[..jump.find("</form>").unwrap()];
    for field in [
        "<input type=\"hidden\" name=\"status\" value=\"not-submitted\">",
        "<input type=\"hidden\" name=\"subregion\" value=\"South-East Asia\">",
        "<input type=\"hidden\" name=\"q\" value=\"MEMBER\">",
        "<input type=\"hidden\" name=\"sort\" value=\"last\">",
    ] {
        assert!(jump.contains(field), "{field}");
    }
    assert!(second.contains(
        "<a href=\"?status=not-submitted&#38;subregion=South-East%20Asia&#38;q=MEMBER&#38;sort=name\">name</a>"
    ));
}

#[tokio::test]
async fn hostile_query_values_get_a_clear_400_or_the_last_page_and_never_a_500() {
    let surveys = big_surveys(1_203);
    let app = TestApp::spawn_with(surveys.path()).await;
    let admin = app.admin().await;
    let long = "x".repeat(101);
    for (query, says) in [
        (
            "?status=%3Cscript%3Ealert(1)%3C/script%3E",
            "is not a status to filter by",
        ),
        ("?status=Submitted", "is not a status to filter by"),
        (
            "?subregion=Atlantis",
            "no member of this edition is in the sub-region",
        ),
        ("?sort=%3Cb%3E", "the members cannot be sorted by"),
        ("?page=-1", "is not a page"),
        ("?page=0", "is not a page"),
        ("?page=abc", "is not a page"),
        ("?page=1.5", "is not a page"),
        ("?page=%2B2", "is not a page"),
        (
            &format!("?q={long}"),
            "the search text is longer than 100 characters",
        ),
        ("?status=draft&status=submitted", "duplicate field"),
    ] {
        let (status, page) = admin.get(&format!("/admin/s/spam-2022{query}")).await;
        assert_eq!(status, 400, "{query}: {page}");
        assert!(page.contains(says), "{query}: {page}");
        assert!(!page.contains("<script>alert"), "{query}: escaped");
        assert!(!page.contains("<b>"), "{query}: escaped");
    }
    let (_, page) = admin.get("/admin/s/spam-2022?status=%3Cscript%3E").await;
    assert!(
        page.contains("`&#60;script&#62;`"),
        "the value is quoted, escaped"
    );

    // A page past the end is the last one, with a word on why.
    for (query, last) in [
        ("?page=8", "page 7 of 7."),
        ("?page=99999999999999999999999999", "page 7 of 7."),
        ("?status=draft&page=2", "page 1 of 1."),
    ] {
        let (status, page) = admin.get(&format!("/admin/s/spam-2022{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert!(page.contains("There is no page "), "{query}");
        assert!(page.contains(last), "{query}");
    }

    // Text to search for is shown back escaped, in the field and the sentence.
    let (status, page) = admin
        .get("/admin/s/spam-2022?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E%26")
        .await;
    assert_eq!(status, 200);
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("value=\"&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#38;\""));
    assert!(page.contains("code or name containing “&#34;&#62;&#60;script&#62;"));
    // Bytes that are not UTF-8, and a search of any script, are no 500 either.
    for query in [
        "?q=%FF%FE",
        "?q=%E2%82",
        "?q=T%C3%BCrkiye",
        "?q=%00",
        "?subregion=%FF",
    ] {
        let (status, _) = admin.get(&format!("/admin/s/spam-2022{query}")).await;
        assert!(status == 200 || status == 400, "{query}: {status}");
    }

    // The APT's overview answers the same way.
    let apt = TestApp::spawn().await;
    let admin = apt.admin().await;
    let (status, page) = admin.get("/admin/s/spam-2021?page=2").await;
    assert_eq!(status, 200);
    assert!(page.contains("There is no page 2: this is the last page, 1 of 1."));
    let (status, _) = admin.get("/admin/s/spam-2021?status=maybe").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn reminders_past_500_members_come_a_page_of_200_at_a_time() {
    let surveys = big_surveys(1_203);
    let app = TestApp::spawn_with(surveys.path()).await;
    let admin = app.admin().await;
    let token = app.invite("spam-2022", "M0001");
    app.save(&token, "submit", &full_2022()).await;
    let (status, page) = admin.get("/admin/s/spam-2022/reminders").await;
    assert_eq!(status, 200);
    assert!(page.contains("1,202 members have not submitted"));
    assert!(page.contains("one click makes at most 200 new links"));
    assert!(page.contains("Members 1–200 of 1,202 to remind: page 1 of 7."));
    let boxes = page.matches("name=\"member\"").count();
    assert_eq!(boxes, 200, "one page of members to tick");
    assert!(page.contains("value=\"M0000\" checked"));
    assert!(!page.contains("value=\"M0001\""), "M0001 has submitted");
    assert_eq!(
        link(&page, "next").as_deref(),
        Some("/admin/s/spam-2022/reminders?page=2")
    );
    // Associates come after every full member: the last page holds the
    // last two of them (1,202 = 6 × 200 + 2).
    let (_, last) = admin.get("/admin/s/spam-2022/reminders?page=7").await;
    assert_eq!(last.matches("name=\"member\"").count(), 2);
    assert!(last.contains("value=\"M1099\" checked"));
    assert!(last.contains("value=\"M1199\" checked"));

    // Reminders made from a page lead on to the next one.
    let (status, made) = admin
        .post_from(
            "/admin/s/spam-2022/reminders",
            "/admin/s/spam-2022/reminders",
            &[
                ("page", "1"),
                ("member", "M0002"),
                ("member", "M0000"),
                ("member", "M0002"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{made}");
    assert!(made.contains("Reminders for 2 members"), "each once");
    assert!(made.contains("href=\"/admin/s/spam-2022/reminders?page=2\""));
    let (_, made) = admin
        .post_from(
            "/admin/s/spam-2022/reminders",
            "/admin/s/spam-2022/reminders",
            &[("page", "7"), ("member", "M0099")],
        )
        .await;
    assert!(made.contains("Reminders for 1 member<"));
    assert!(!made.contains("reminders?page="), "no page after the last");

    // More than a page can list is refused, and no link is made.
    let many: Vec<String> = (100..601).map(|i| format!("M{i:04}")).collect();
    let mut fields = vec![("page", "1")];
    fields.extend(many.iter().map(|c| ("member", c.as_str())));
    let (status, refused) = admin
        .post_from(
            "/admin/s/spam-2022/reminders",
            "/admin/s/spam-2022/reminders",
            &fields,
        )
        .await;
    assert_eq!(status, 400);
    assert!(refused.contains("501 members were chosen; at most 500 reminders are made at once"));
    assert_eq!(
        listed(&admin, "?status=invited").await,
        ["M0000", "M0002", "M0099"],
        "only the reminders made before"
    );

    let (status, page) = admin.get("/admin/s/spam-2022/reminders?page=9").await;
    assert_eq!(status, 200);
    assert!(page.contains("There is no page 9: this is the last page, 7 of 7."));
    let (status, _) = admin.get("/admin/s/spam-2022/reminders?page=-3").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_report_button_names_a_wrong_commentary_heading_instead_of_a_server_error() {
    let surveys = tempfile::tempdir().unwrap();
    for f in ["spam-2021.toml", "spam-2022.toml", "members.csv"] {
        std::fs::copy(common::bundled_surveys().join(f), surveys.path().join(f)).unwrap();
    }
    let app = TestApp::spawn_with(surveys.path()).await;
    let admin = app.admin().await;
    // Written while the server runs, as the secretariat drafts it.
    std::fs::write(
        surveys.path().join("spam-2022.commentary.md"),
        "## Summary\nFine.\n\n## Z9\nNo such question.\n",
    )
    .unwrap();
    let (status, page) = admin.get("/admin/s/spam-2022/report").await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("spam-2022.commentary.md:4:") && page.contains("Z9"),
        "the page names the file, the line and the heading: {page}"
    );
    std::fs::write(
        surveys.path().join("spam-2022.commentary.md"),
        "## Summary\nFine.\n",
    )
    .unwrap();
    let (status, _) = admin.get("/admin/s/spam-2022/report").await;
    assert_eq!(status, 200, "corrected, the report is made");
}
