//! No one gets in where they don't belong, and nothing typed is executed:
//! headers, form tokens, link guessing, escaping, path traversal, and a
//! storm of random and hostile requests at every route.

mod common;

use common::{TestApp, encode, full_2022, token_in};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

const HOSTILE: [&str; 6] = [
    "<script>alert('x')</script>",
    "\"><img src=x onerror=alert(1)>",
    "</svg><script>alert(2)</script>",
    "javascript:alert(3)",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "'; DROP TABLE responses; --",
];

/// Whether a page shows a hostile string as markup rather than as text.
fn executes(page: &str) -> Option<&'static str> {
    let bad = [
        "<script>alert",
        "<img src=x",
        "\"><img",
        "</svg><script",
        "href=\"javascript:",
        "src=\"javascript:",
    ];
    bad.into_iter().find(|b| page.contains(b))
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    for path in [
        "/".to_string(),
        format!("/r/{token}"),
        "/admin".into(),
        "/nowhere".into(),
        "/static/style.css".into(),
        format!("/r/{token}/done"),
    ] {
        let r = app.get(&path).await;
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path} has a CSP"))
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
    }
}

#[tokio::test]
async fn cookies_are_secure_when_served_behind_tls() {
    let app = TestApp::spawn_with_secure_cookies().await;
    let r = app.get("/admin").await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("Secure")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

#[tokio::test]
async fn guessing_links_is_held_back_per_address_after_thirty_wrong_ones() {
    let app = TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    for i in 0..spam_survey::web::LINK_GUESSES {
        let wrong = format!("{:A>43}", i);
        assert_eq!(app.get(&format!("/r/{wrong}")).await.status().as_u16(), 404);
        if i == 3 {
            // A few typos do not lock the office out.
            assert_eq!(app.get(&format!("/r/{token}")).await.status().as_u16(), 200);
        }
    }
    let r = app
        .get("/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")
        .await;
    assert_eq!(r.status().as_u16(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 600);
    assert_eq!(
        app.get(&format!("/r/{token}")).await.status().as_u16(),
        200,
        "wrong links never hold a valid one back"
    );
}

#[tokio::test]
async fn every_state_changing_post_needs_its_form_token() {
    let app = TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    let admin = app.admin().await;
    let r = app
        .post_raw(&token, encode(&[("action", "draft"), ("P1", "x")]))
        .await;
    assert_eq!(r.status().as_u16(), 403, "the member's form");
    let r = app
        .post_raw(
            &token,
            encode(&[("csrf", "0123abcd"), ("action", "draft"), ("P1", "x")]),
        )
        .await;
    assert_eq!(r.status().as_u16(), 403, "a wrong token");
    let other = app.invite("spam-2022", "JP");
    let jp_token = common::csrf_of(&app.form(&other).await);
    let r = app
        .post_raw(
            &token,
            encode(&[("csrf", &jp_token), ("action", "draft"), ("P1", "x")]),
        )
        .await;
    assert_eq!(r.status().as_u16(), 403, "another member's form token");
    for (path, fields) in [
        (
            "/admin/s/spam-2022/invite",
            vec![("member", "KR"), ("action", "issue")],
        ),
        ("/admin/s/spam-2022/reminders", vec![("member", "KR")]),
        ("/admin/s/spam-2022/round", vec![("action", "close")]),
        ("/admin/logout", vec![]),
    ] {
        let (status, _) = admin.post(path, &fields).await;
        assert_eq!(status, 403, "{path}");
    }
    let fresh = app.browser();
    let (status, _) = fresh
        .post(
            "/admin/login",
            &[
                ("name", common::ADMIN),
                ("password", common::ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 403, "sign-in without the form's token");
    assert!(app.rows("spam-2022").is_empty());
    let (_, audit) = admin.get("/admin/audit").await;
    assert!(!audit.contains("round closed") && !audit.contains("invitation issued"));
}

#[tokio::test]
async fn hostile_text_is_shown_as_text_on_every_page() {
    let app = TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    let mut fields = full_2022();
    let texts = [
        "P1",
        "A8",
        "A12",
        "B2",
        "B9",
        "B11",
        "C1",
        "C3",
        "D5",
        "F2",
        "G4",
        "G5",
        "P2_other_text",
        "A2_other_text",
        "P3_position",
    ];
    fields.retain(|(k, _)| !texts.contains(k));
    for (i, k) in texts.iter().enumerate() {
        fields.push((k, HOSTILE[i % HOSTILE.len()]));
    }
    // A draft first, so the hostile text also comes back in the form.
    let (status, _) = app.save(&token, "draft", &fields).await;
    assert_eq!(status, 303);
    let form = app.form(&token).await;
    assert_eq!(executes(&form), None);
    assert!(form.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;"));
    // A refused submission shows it again beside the errors.
    let mut invalid = fields.clone();
    invalid.retain(|(k, _)| *k != "P3_email");
    invalid.push(("P3_email", "\"><img src=x onerror=alert(1)>"));
    let (status, page) = app.save(&token, "submit", &invalid).await;
    assert_eq!(status, 422);
    assert_eq!(executes(&page), None);
    let (status, _) = app.save(&token, "submit", &fields).await;
    assert_eq!(status, 303);
    let (_, done) = app.get_text(&format!("/r/{token}/done")).await;
    assert_eq!(executes(&done), None);
    assert!(
        done.contains("javascript:alert(3)"),
        "the text itself is kept and shown"
    );

    let admin = app.admin().await;
    for path in [
        "/admin/s/spam-2022",
        "/admin/s/spam-2022/m/KR",
        "/admin/audit",
        "/admin/s/spam-2022/reminders",
    ] {
        let (status, page) = admin.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(executes(&page), None, "{path}");
    }
    // A draft's hostile e-mail address never makes a mailto link.
    let jp = app.invite("spam-2022", "JP");
    app.save(&jp, "draft", &[("P3_email", "javascript:alert(1)//@x.y")])
        .await;
    let (_, page) = admin
        .post_from(
            "/admin/s/spam-2022/reminders",
            "/admin/s/spam-2022/reminders",
            &[("member", "JP")],
        )
        .await;
    assert_eq!(executes(&page), None);
    assert!(page.contains("href=\"mailto:"));
    let rows = app.rows("spam-2022");
    assert_eq!(
        rows.last().unwrap()["P3_email"],
        "javascript:alert(1)//@x.y",
        "stored exactly as typed"
    );
}

#[tokio::test]
async fn names_in_paths_cannot_walk_out_of_their_folder() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for path in [
        "/static/..%2F..%2F..%2Fetc%2Fpasswd",
        "/static/../Cargo.toml",
        "/static/%2e%2e/%2e%2e/Cargo.toml",
        "/r/..%2F..%2Fsecret.key",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
    for path in [
        "/admin/s/..%2F..%2Fetc",
        "/admin/s/spam-2022%2F..%2F..%2Fsecret.key",
        "/admin/s/spam-2022/m/..%2F..%2Finvitations.csv",
        "/admin/s/spam-2022/m/../../secret.key",
    ] {
        let (status, page) = admin.get(path).await;
        assert!(status == 404, "{path}: {status}");
        assert!(
            !page.contains("token_sha256") && !page.contains("root:"),
            "{path}"
        );
    }
    // Sent as raw bytes: an HTTP client would tidy `..` away before the server saw it.
    for path in [
        "/static/../Cargo.toml",
        "/static/..",
        "/r/../../secret.key",
        "/admin/s/../../../etc/passwd",
    ] {
        use std::io::{Read, Write};
        let addr = app.base.trim_start_matches("http://").to_string();
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer.split(' ').nth(1).unwrap_or_default().to_string();
        assert!(
            status == "404" || status == "401",
            "{path}: {}",
            answer.lines().next().unwrap_or_default()
        );
        assert!(
            !answer.contains("[package]") && !answer.contains("root:"),
            "{path}"
        );
    }
    let (status, _) = admin
        .get("/admin/s/spam-2022/export?kind=..%2F..%2Fsecret.key")
        .await;
    assert_eq!(status, 400);
    for args in [
        ["export", "--survey", "../../etc/passwd"],
        ["report", "--survey", "../secret"],
        ["invite", "--survey", "../x"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_spam-survey"))
            .args(args)
            .args(
                ["--member", "KR"]
                    .iter()
                    .take(if args[0] == "invite" { 2 } else { 0 }),
            )
            .arg("--surveys")
            .arg(common::bundled_surveys())
            .arg("--data")
            .arg(app.data.path())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("no edition"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousands_of_random_and_hostile_requests_find_no_5xx_and_the_server_keeps_answering() {
    let app = TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    let admin = app.admin().await;
    let (_, page) = admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/invite",
            &[("member", "JP"), ("action", "issue")],
        )
        .await;
    let jp = token_in(&page);
    let member_csrf = common::csrf_of(&app.form(&token).await);
    let (_, overview) = admin.get("/admin/s/spam-2022").await;
    let admin_csrf = common::csrf_of(&overview);

    let routes = [
        "/".to_string(),
        "/health".into(),
        "/static/style.css".into(),
        "/static/x".into(),
        format!("/r/{token}"),
        format!("/r/{token}/done"),
        format!("/r/{jp}"),
        "/r/short".into(),
        "/admin".into(),
        "/admin/login".into(),
        "/admin/logout".into(),
        "/admin/audit".into(),
        "/admin/s/spam-2022".into(),
        "/admin/s/spam-2021".into(),
        "/admin/s/nope".into(),
        "/admin/s/spam-2022/invite".into(),
        "/admin/s/spam-2022/reminders".into(),
        "/admin/s/spam-2022/round".into(),
        "/admin/s/spam-2022/m/KR".into(),
        "/admin/s/spam-2022/m/ZZ".into(),
        "/admin/s/spam-2022/export".into(),
        "/admin/s/spam-2022/report".into(),
    ];
    let names = [
        "P1",
        "A1",
        "A2",
        "A3_email",
        "A10_2019",
        "A10_2019:unknown",
        "G2_1",
        "B8",
        "action",
        "csrf",
        "member",
        "kind",
        "password",
        "next",
        "sort",
        "labels",
        "Z",
        "",
    ];
    let values = [
        "", "1", "9", "-1", "1e99", "draft", "submit", "issue", "revoke", "close", "reopen",
        "none", "email", "KR", "../..", "%00", "\u{0}", "🙂", "a\r\nb", HOSTILE[0], HOSTILE[1],
        HOSTILE[2], HOSTILE[3],
    ];
    let mut rng = rand::rngs::StdRng::seed_from_u64(20221);
    let mut plans = Vec::new();
    for _ in 0..3000 {
        let mut path = routes.choose(&mut rng).unwrap().clone();
        if rng.random_bool(0.2) {
            path.push_str(&format!(
                "?{}={}",
                names.choose(&mut rng).unwrap(),
                urlencode(values.choose(&mut rng).unwrap())
            ));
        }
        if rng.random_bool(0.05) {
            path.push_str(
                ["/%2e%2e", "/%ff", "/x/y/z", "%00", "/..;/"]
                    .choose(&mut rng)
                    .unwrap(),
            );
        }
        let body: Vec<u8> = match rng.random_range(0..4) {
            0 => Vec::new(),
            1 => (0..rng.random_range(0..300))
                .map(|_| rng.random())
                .collect(),
            _ => {
                let mut pairs: Vec<(String, String)> = (0..rng.random_range(0..12))
                    .map(|_| {
                        (
                            names.choose(&mut rng).unwrap().to_string(),
                            values.choose(&mut rng).unwrap().to_string(),
                        )
                    })
                    .collect();
                if rng.random_bool(0.5) {
                    pairs.push((
                        "csrf".into(),
                        if path.starts_with("/admin") {
                            admin_csrf.clone()
                        } else {
                            member_csrf.clone()
                        },
                    ));
                }
                let refs: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(a, b)| (a.as_str(), b.as_str()))
                    .collect();
                encode(&refs).into_bytes()
            }
        };
        let post = rng.random_bool(0.6);
        let content_type = *[
            "application/x-www-form-urlencoded",
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded; charset=utf-8",
        ]
        .choose(&mut rng)
        .unwrap();
        let signed_in = rng.random_bool(0.5);
        plans.push((path, post, body, content_type, signed_in));
    }
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut five_hundreds = Vec::new();
    let mut answered = 0;
    for chunk in plans.chunks(16) {
        let mut tasks = Vec::new();
        for (path, post, body, content_type, signed_in) in chunk.iter().cloned() {
            let client = if signed_in {
                admin.client.clone()
            } else {
                anonymous.clone()
            };
            let url = format!("{}{path}", app.base);
            tasks.push(tokio::spawn(async move {
                let req = if post {
                    client
                        .post(&url)
                        .header("Content-Type", content_type)
                        .body(body)
                } else {
                    client.get(&url)
                };
                (path, req.send().await.map(|r| r.status().as_u16()))
            }));
        }
        for t in tasks {
            let (path, result) = t.await.unwrap();
            match result {
                Ok(status) if status >= 500 => five_hundreds.push((path, status)),
                Ok(_) => answered += 1,
                Err(e) => panic!("{path}: the server did not answer: {e}"),
            }
        }
    }
    assert!(five_hundreds.is_empty(), "5xx: {five_hundreds:?}");
    assert_eq!(
        app.get("/health").await.status().as_u16(),
        200,
        "still answering"
    );
    println!(
        "fuzz: {} requests, {answered} answered below 500, 0 5xx",
        plans.len()
    );
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
