//! The member's path against slow clients, races and floods, on the real
//! binary: bodies that stop arriving, hundreds of idle connections under a
//! small file limit, uploads that finish after a close or a revocation,
//! floods of saves from one link.

mod common;

use common::{Admin, bundled_surveys, csrf_of, encode, start_binary_with};
use std::io::{Read, Write};
use std::net::{IpAddr, TcpStream};
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

/// The real server on a temporary data directory; killed when dropped.
struct Server {
    child: Child,
    base: String,
    data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(extra: &[&str], open_files: Option<u32>) -> Server {
        let data = tempfile::tempdir().expect("a temporary directory");
        let (child, base) = start_binary_with(data.path(), extra, open_files);
        Server { child, base, data }
    }

    /// Issues a link as `spam-survey invite` does, beside the server.
    fn invite(&self, member: &str) -> String {
        let defs = spam_survey::definition::load_dir(&bundled_surveys()).expect("definitions");
        let store = spam_survey::store::Store::open_for_invitations(self.data.path(), defs)
            .expect("the data directory");
        store
            .invitations
            .issue("spam-2022", member)
            .expect("a link")
    }

    fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }

    /// The saved rows of the 2022 edition.
    fn rows(&self) -> Vec<csv::StringRecord> {
        rows(self.data.path())
    }
}

fn rows(data: &Path) -> Vec<csv::StringRecord> {
    let path = data.join("spam-2022").join("responses.csv");
    let mut reader = csv::Reader::from_path(path).expect("the responses file");
    reader.records().map(|r| r.expect("a whole row")).collect()
}

/// A client from `from` (any 127.x address reaches the server on loopback).
fn client(from: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(from.parse::<IpAddr>().ok())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client")
}

/// The form token of a fresh form page.
async fn form_token(http: &reqwest::Client, base: &str, token: &str) -> String {
    let page = http
        .get(format!("{base}/r/{token}"))
        .send()
        .await
        .expect("the form")
        .text()
        .await
        .expect("a page");
    csrf_of(&page)
}

/// A save's body, with the form token of a fresh page.
async fn body(http: &reqwest::Client, base: &str, token: &str, p1: &str) -> String {
    let csrf = form_token(http, base, token).await;
    encode(&[("csrf", &csrf), ("action", "draft"), ("P1", p1)])
}

/// Opens a POST of `body` and sends all of it but its last `held` bytes.
fn begin_upload(addr: &str, token: &str, body: &str, held: usize) -> TcpStream {
    let mut s = TcpStream::connect(addr).expect("a connection");
    let head = format!(
        "POST /r/{token} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).expect("the headers go out");
    s.write_all(&body.as_bytes()[..body.len() - held])
        .expect("the body's start goes out");
    s
}

/// Sends the rest of an upload and reads the whole answer.
fn finish_upload(mut s: TcpStream, body: &str, held: usize) -> String {
    s.write_all(&body.as_bytes()[body.len() - held..])
        .expect("the rest goes out");
    read_answer(&mut s, Duration::from_secs(10))
}

/// Reads until the server closes or the answer is whole (for a `Connection: close` answer: closes).
fn read_answer(s: &mut TcpStream, within: Duration) -> String {
    s.set_read_timeout(Some(within)).expect("a read timeout");
    let mut got = Vec::new();
    let mut buf = [0u8; 16 << 10];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
        let text = String::from_utf8_lossy(&got);
        if text.contains("</html>") {
            break;
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_arriving_is_dropped_after_ten_seconds_and_nothing_is_stored() {
    let server = Server::start(&[], None);
    let token = server.invite("KR");
    let body = body(&client("127.0.0.1"), &server.base, &token, "idle").await;
    let started = Instant::now();
    let mut s = begin_upload(&server.addr(), &token, &body, 5);
    let answer = read_answer(&mut s, Duration::from_secs(20));
    let waited = started.elapsed();
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "an idle body gets 408: {answer}"
    );
    assert!(answer.to_ascii_lowercase().contains("connection: close"));
    assert!(answer.contains("did not arrive in time") && answer.contains("Nothing was stored"));
    assert!(
        waited >= spam_survey::web::limits::BODY_IDLE && waited < Duration::from_secs(15),
        "dropped after {waited:?}"
    );
    // The rest of the body, sent late, is not taken as a request or a save.
    let mut buf = [0u8; 64];
    let _ = s.write_all(&body.as_bytes()[body.len() - 5..]);
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    assert!(
        matches!(s.read(&mut buf), Ok(0) | Err(_)),
        "the connection is closed"
    );
    assert!(server.rows().is_empty(), "nothing stored");
    println!("idle body: dropped with 408 after {waited:.1?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_idle_uploads_from_one_address_leave_the_server_saving_for_others_under_256_open_files()
 {
    const IDLE: usize = 300;
    let server = Server::start(&[], Some(256));
    let idle_token = server.invite("KR");
    let token = server.invite("JP");
    let attacker = client("127.0.0.1");
    let idle_body = body(&attacker, &server.base, &idle_token, "idle").await;
    let addr = server.addr();
    let opened = Instant::now();
    let mut idle: Vec<TcpStream> = (0..IDLE)
        .map(|_| begin_upload(&addr, &idle_token, &idle_body, 5))
        .collect();
    // Connections past the address's limit are closed as soon as the server accepts them.
    let limit = spam_survey::web::limits::CONNECTIONS_PER_ADDRESS;
    let mut closed = 0;
    while opened.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        closed = 0;
        for s in &mut idle {
            s.set_nonblocking(true).unwrap();
            if matches!(s.read(&mut [0u8; 1]), Ok(0)) {
                closed += 1;
            }
        }
        if IDLE - closed <= limit {
            break;
        }
    }
    let sorted = opened.elapsed();
    let held = IDLE - closed;
    assert!(held <= limit, "{held} idle connections held");

    // Meanwhile a member elsewhere opens the form and saves.
    let member = client("127.0.0.2");
    let started = Instant::now();
    let save_body = body(&member, &server.base, &token, "saved while 300 hang").await;
    let r = member
        .post(format!("{}/r/{token}", server.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(save_body)
        .send()
        .await
        .expect("the server answers while hundreds of uploads hang");
    let took = started.elapsed();
    assert_eq!(r.status().as_u16(), 303);
    assert!(
        took < Duration::from_secs(3),
        "the form and the save took {took:?}"
    );
    let stored = server.rows();
    assert_eq!(stored.len(), 1);
    assert_eq!(&stored[0][2], "JP");
    assert!(opened.elapsed() < spam_survey::web::limits::BODY_IDLE);
    println!(
        "{IDLE} idle uploads from one address under `ulimit -n 256`: {closed} closed within {sorted:.1?}, {held} held; another member's form and save took {took:.1?}"
    );
    drop(idle);
}

/// Closes the 2022 round through the workspace.
async fn close_round(base: &str) {
    let admin = Admin {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base: base.to_string(),
    };
    assert_eq!(admin.sign_in(common::ADMIN_PASSWORD).await.0, 303);
    let (status, _) = admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/round",
            &[("action", "close")],
        )
        .await;
    assert_eq!(status, 303, "the round closes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_begun_before_the_round_closed_and_finished_after_is_refused_with_nothing_stored()
{
    let server = Server::start(&[], None);
    let token = server.invite("KR");
    let body = body(
        &client("127.0.0.1"),
        &server.base,
        &token,
        "typed before the close",
    )
    .await;
    let upload = begin_upload(&server.addr(), &token, &body, 10);
    close_round(&server.base).await;
    let answer = finish_upload(upload, &body, 10);
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("Nothing was stored"), "{answer}");
    assert!(
        answer.contains("typed before the close"),
        "the typed answers come back"
    );
    assert!(server.rows().is_empty(), "nothing stored after the close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_begun_before_invite_revoke_and_finished_after_are_refused_with_nothing_stored() {
    let server = Server::start(&[], None);
    let token = server.invite("KR");
    let http = client("127.0.0.1");
    let mut uploads = Vec::new();
    for i in 0..3 {
        let body = body(&http, &server.base, &token, &format!("upload {i}")).await;
        let s = begin_upload(&server.addr(), &token, &body, 10);
        uploads.push((s, body));
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spam-survey"))
        .args([
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "KR",
            "--revoke",
        ])
        .arg("--data")
        .arg(server.data.path())
        .arg("--surveys")
        .arg(bundled_surveys())
        .output()
        .expect("invite --revoke runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (s, body) in uploads {
        let answer = finish_upload(s, &body, 10);
        assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
        assert!(answer.contains("withdrawn") && answer.contains("Nothing was stored"));
    }
    assert!(
        server.rows().is_empty(),
        "nothing stored after the revocation"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_saves_from_one_link_stores_ten_a_minute_and_answers_the_rest_429_with_the_answers_kept()
 {
    let server = Server::start(&[], None);
    let token = server.invite("KR");
    let http = client("127.0.0.1");
    let csrf = form_token(&http, &server.base, &token).await;
    // Thirty saves at once, as a script would send them.
    let sends = (0..30).map(|i| {
        let (http, url) = (http.clone(), format!("{}/r/{token}", server.base));
        let body = encode(&[
            ("csrf", &csrf),
            ("action", "draft"),
            ("P1", &format!("flood {i}")),
        ]);
        tokio::spawn(async move {
            let r = http
                .post(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let retry = r.headers().get("retry-after").is_some();
            (status, retry, r.text().await.unwrap(), i)
        })
    });
    let mut saved = 0;
    for t in sends.collect::<Vec<_>>() {
        let (status, retry, page, i) = t.await.unwrap();
        match status {
            303 => saved += 1,
            429 => {
                assert!(retry, "429 says when to retry");
                assert!(page.contains("too many saves in a minute"), "{page}");
                assert!(
                    page.contains(&format!("flood {i}")),
                    "the typed answers are kept"
                );
            }
            other => panic!("a flooded save got {other}"),
        }
    }
    assert_eq!(saved, spam_survey::store::admit::SAVES_PER_MINUTE);
    assert_eq!(server.rows().len(), saved);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_at_its_revision_quota_gets_a_clear_page_with_the_typed_answers_and_nothing_stored()
 {
    let server = Server::start(&["--max-revisions", "12", "--saves-per-minute", "0"], None);
    let token = server.invite("KR");
    let http = client("127.0.0.1");
    for i in 0..12 {
        let r = http
            .post(format!("{}/r/{token}", server.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body(&http, &server.base, &token, &format!("save {i}")).await)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
    }
    let r = http
        .post(format!("{}/r/{token}", server.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body(&http, &server.base, &token, "one too many").await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let page = r.text().await.unwrap();
    assert!(page.contains("at most 12 revisions"), "{page}");
    assert!(page.contains("one too many"), "the typed answers are kept");
    assert_eq!(server.rows().len(), 12);
}

#[tokio::test]
async fn control_and_bidi_characters_are_refused_naming_the_question_with_the_typed_answers_back() {
    let app = common::TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    let cases = [
        ("P1", "Ministry\0 of spam", "U+0000"),
        ("A12", "red \u{1b}[31mtext", "U+001B"),
        ("G4", "invoice \u{202E}fdp.exe", "U+202E"),
        ("G5", "isolated \u{2067}text\u{2069}", "U+2067"),
    ];
    for (field, text, code) in cases {
        let (status, page) = app
            .save(&token, "draft", &[(field, text), ("B2", "kept as typed")])
            .await;
        assert_eq!(status, 422, "{field}: {page}");
        assert!(
            page.contains(&format!("{field}: This answer contains")),
            "the message names {field}"
        );
        assert!(page.contains(code), "{code} named");
        assert!(
            page.contains("kept as typed"),
            "the typed answers come back"
        );
        assert!(
            !page.contains('\0') && !page.contains('\u{1b}'),
            "a control character comes back as a visible mark, never raw in the page"
        );
    }
    // Tabs, line breaks and right-to-left marks are text.
    let (status, _) = app
        .save(
            &token,
            "draft",
            &[("A12", "a\tb\r\nc"), ("G5", "\u{200F}مرحبا")],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(
        app.rows("spam-2022").len(),
        1,
        "only the clean save is stored"
    );
}

#[tokio::test]
async fn a_valid_link_works_after_thirty_wrong_ones_from_its_address_and_wrong_ones_still_get_429()
{
    let app = common::TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    for i in 0..spam_survey::web::LINK_GUESSES {
        let wrong = format!("{:A>43}", i);
        assert_eq!(app.get(&format!("/r/{wrong}")).await.status().as_u16(), 404);
    }
    let r = app
        .get("/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")
        .await;
    assert_eq!(r.status().as_u16(), 429, "guessing is still held back");
    let page = r.text().await.unwrap();
    assert!(page.contains("invitation links"), "{page}");
    assert!(!page.contains("password"), "the page says what was limited");
    assert_eq!(app.get(&format!("/r/{token}")).await.status().as_u16(), 200);
    let (status, _) = app.save(&token, "draft", &[("P1", "still mine")]).await;
    assert_eq!(status, 303, "the member can still save");
}

#[tokio::test]
async fn a_save_from_a_stale_tab_is_shown_with_the_differences_not_applied_and_keep_mine_then_saves()
 {
    let app = common::TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    let old_tab = app.form(&token).await;
    let fields_of = |page: &str, p1: &str| {
        let base_marker = "name=\"base\" value=\"";
        let at = page.find(base_marker).expect("the form carries its base") + base_marker.len();
        let base: String = page[at..].chars().take_while(|c| *c != '"').collect();
        encode(&[
            ("csrf", &csrf_of(page)),
            ("base", &base),
            ("action", "draft"),
            ("P1", p1),
            ("B2", "same in both"),
        ])
    };
    // The other tab saves first.
    let r = app
        .post_raw(
            &token,
            fields_of(&app.form(&token).await, "from the new tab"),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_raw(&token, fields_of(&old_tab, "from the old tab"))
        .await;
    assert_eq!(r.status().as_u16(), 409);
    let page = r.text().await.unwrap();
    assert!(page.contains("your answers changed elsewhere"), "{page}");
    assert!(page.contains("1 question(s) differ"), "only P1 differs");
    assert!(page.contains("from the new tab") && page.contains("from the old tab"));
    assert!(page.contains("Keep mine") && page.contains("Take the stored one"));
    assert_eq!(
        app.rows("spam-2022").len(),
        1,
        "the stale save was not applied"
    );
    assert_eq!(app.rows("spam-2022")[0]["P1"], "from the new tab");
    // Keep mine: the page that came back now knows the stored save.
    let r = app
        .post_raw(&token, fields_of(&page, "from the old tab"))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let rows = app.rows("spam-2022");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["P1"], "from the old tab");
}

#[tokio::test]
async fn a_button_pressed_twice_on_one_page_saves_once_and_both_presses_succeed() {
    let app = common::TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    let page = app.form(&token).await;
    let body = encode(&[
        ("csrf", &csrf_of(&page)),
        ("base", "0"),
        ("action", "draft"),
        ("P1", "pressed twice"),
    ]);
    let first = app.post_raw(&token, body.clone()).await;
    let second = app.post_raw(&token, body).await;
    assert_eq!(first.status().as_u16(), 303);
    assert_eq!(
        second.status().as_u16(),
        303,
        "the same answers are no conflict"
    );
    assert_eq!(app.rows("spam-2022").len(), 1);
}
