//! The sign-in under attack, against the real binary: a hundred wrong
//! passwords at once from one address, a flood from many addresses (memory
//! must stay flat), and spoofed X-Forwarded-For headers with and without
//! `--trust-proxy` and a list of trusted proxies.

mod common;

use common::{ADMIN, ADMIN_PASSWORD, csrf_of, encode, start_binary_with};
use std::path::Path;

/// A sign-in form fetched: its login cookie and its token.
struct Form {
    cookie: String,
    csrf: String,
}

async fn form(http: &reqwest::Client, base: &str) -> Form {
    let r = http
        .get(format!("{base}/admin"))
        .send()
        .await
        .expect("the sign-in page");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("spam_survey_login="))
        .and_then(|c| c.split(';').next())
        .expect("a login cookie")
        .to_string();
    let csrf = csrf_of(&r.text().await.expect("a body"));
    Form { cookie, csrf }
}

/// Posts one sign-in with that form; the status.
async fn post(
    http: &reqwest::Client,
    base: &str,
    f: &Form,
    name: &str,
    password: &str,
    forwarded: Option<&str>,
) -> u16 {
    let mut req = http
        .post(format!("{base}/admin/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", &f.cookie)
        .body(encode(&[
            ("csrf", &f.csrf),
            ("name", name),
            ("password", password),
        ]));
    if let Some(x) = forwarded {
        req = req.header("X-Forwarded-For", x);
    }
    req.send()
        .await
        .expect("the server answers")
        .status()
        .as_u16()
}

/// A client that shows redirects as they are (a sign-in answers 303).
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

async fn attempt(base: &str, name: &str, password: &str, forwarded: Option<&str>) -> u16 {
    let http = client();
    let f = form(&http, base).await;
    post(&http, base, &f, name, password, forwarded).await
}

/// `n` wrong guesses at `name`, one after another, the `i`th with the
/// X-Forwarded-For header `forwarded(i)`; their statuses.
async fn wrong_guesses(
    base: &str,
    name: &str,
    n: usize,
    forwarded: impl Fn(usize) -> Option<String>,
) -> Vec<u16> {
    let mut statuses = Vec::new();
    for i in 0..n {
        let header = forwarded(i);
        statuses.push(attempt(base, name, "not the password at all", header.as_deref()).await);
    }
    statuses
}

/// A figure of /proc/PID/status, in KiB.
fn status_kib(pid: u32, key: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("the figure")
}

fn audit_count(data: &Path, action: &str) -> usize {
    let mut r = csv::Reader::from_path(data.join("audit.csv")).expect("the audit log");
    r.records()
        .filter(|x| x.as_ref().is_ok_and(|x| &x[3] == action))
        .count()
}

struct Server {
    child: std::process::Child,
    base: String,
    data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server(extra: &[&str]) -> Server {
    let data = tempfile::tempdir().unwrap();
    // What these tests measure is the sign-in's own guard, so the cap on
    // connections per address (tests/hardening.rs) does not cut them first.
    let mut args = vec!["--connections-per-address", "0"];
    args.extend_from_slice(extra);
    let (child, base) = start_binary_with(data.path(), &args, None);
    Server { child, base, data }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_wrong_passwords_at_once_from_one_address_check_at_most_the_limit() {
    let s = server(&[]);
    let http = client();
    let mut forms = Vec::new();
    for _ in 0..100 {
        forms.push(form(&http, &s.base).await);
    }
    let rss_before = status_kib(s.child.id(), "VmRSS:");
    let tasks: Vec<_> = forms
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let (http, base) = (http.clone(), s.base.clone());
            tokio::spawn(async move {
                post(
                    &http,
                    &base,
                    &f,
                    ADMIN,
                    &format!("wrong guess number {i}"),
                    None,
                )
                .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let held = statuses.iter().filter(|s| **s == 429).count();
    let peak = status_kib(s.child.id(), "VmHWM:");
    eprintln!(
        "100 parallel wrong passwords: {checked} checked, {held} refused; VmRSS before {} KiB, peak {} KiB",
        rss_before, peak
    );
    assert_eq!(checked, 5, "exactly the limit was checked: {statuses:?}");
    assert_eq!(held, 95);
    // Two checking threads of 19 MiB each, whatever came: 40 MiB of room.
    assert!(
        peak.saturating_sub(rss_before) < 60 * 1024,
        "memory grew from {rss_before} KiB to {peak} KiB"
    );
    assert_eq!(audit_count(s.data.path(), "failed sign-in"), 5);
    assert_eq!(
        audit_count(s.data.path(), "sign-in refused (throttled)"),
        1,
        "one line for the blocked address in its window, not 95"
    );
    assert_eq!(
        attempt(&s.base, ADMIN, ADMIN_PASSWORD, None).await,
        429,
        "the right password waits too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_from_many_addresses_runs_two_password_checks_at_a_time_and_memory_stays_flat() {
    let s = server(&["--trust-proxy"]);
    let http = client();
    let mut forms = Vec::new();
    // 40, not 100: each is checked, and a loaded machine checks some two a second.
    for _ in 0..40 {
        forms.push(form(&http, &s.base).await);
    }
    // One right sign-in first, so that the allocator has seen a check.
    assert_eq!(
        attempt(&s.base, ADMIN, ADMIN_PASSWORD, Some("198.51.100.1")).await,
        303
    );
    let rss_before = status_kib(s.child.id(), "VmRSS:");
    let started = std::time::Instant::now();
    let tasks: Vec<_> = forms
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let (http, base) = (http.clone(), s.base.clone());
            tokio::spawn(async move {
                // Every attempt from its own address, at its own name: each is checked.
                let from = format!("203.0.113.{}", i + 1);
                post(
                    &http,
                    &base,
                    &f,
                    &format!("guess{i}"),
                    "wrong password guess",
                    Some(&from),
                )
                .await
            })
        })
        .collect();
    let mut checked = 0;
    for t in tasks {
        match t.await.unwrap() {
            401 => checked += 1,
            // Waited too long for a turn: answered "busy", never checked at once.
            503 => {}
            other => panic!("an attempt got {other}"),
        }
    }
    assert!(
        checked >= 10,
        "each address's first attempt is checked ({checked})"
    );
    let peak = status_kib(s.child.id(), "VmHWM:");
    let grown_mib = peak.saturating_sub(rss_before) / 1024;
    eprintln!(
        "40 parallel wrong passwords from 40 addresses ({checked} checked) in {:.1} s: VmRSS before {rss_before} KiB, peak (VmHWM) {peak} KiB, {grown_mib} MiB more",
        started.elapsed().as_secs_f64()
    );
    // Unbounded, 40 argon2 checks at once hold some 760 MiB; two at a time, 38 MiB.
    assert!(grown_mib < 60, "memory grew by {grown_mib} MiB");
}

#[tokio::test]
async fn without_trust_proxy_a_rotated_x_forwarded_for_changes_nothing() {
    let s = server(&[]);
    let statuses = wrong_guesses(&s.base, ADMIN, 8, |i| Some(format!("192.0.2.{i}"))).await;
    assert_eq!(
        statuses,
        [401, 401, 401, 401, 401, 429, 429, 429],
        "one address, whatever the header says"
    );
}

#[tokio::test]
async fn behind_one_proxy_only_the_entry_it_appended_counts() {
    let s = server(&["--trust-proxy"]);
    let statuses = wrong_guesses(&s.base, ADMIN, 8, |i| {
        Some(format!("192.0.2.{i}, 203.0.113.9"))
    })
    .await;
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    // Another client of the proxy is not held back.
    assert_eq!(
        attempt(&s.base, ADMIN, ADMIN_PASSWORD, Some("203.0.113.10")).await,
        303
    );
    // An IPv4-mapped address is the same client; a rotated IPv6 in one /64 too.
    assert_eq!(
        attempt(&s.base, ADMIN, ADMIN_PASSWORD, Some("::ffff:203.0.113.9")).await,
        429
    );
    let v6 = wrong_guesses(&s.base, "someone", 6, |i| {
        Some(format!("2001:db8:5:6::{:x}", i + 1))
    })
    .await;
    assert_eq!(
        v6,
        [401, 401, 401, 401, 401, 429],
        "a /64 counts as one address"
    );
}

#[tokio::test]
async fn behind_a_chain_of_trusted_proxies_the_rightmost_untrusted_entry_counts() {
    let s = server(&["--trusted-proxies", "127.0.0.1,10.0.0.0/8"]);
    let statuses = wrong_guesses(&s.base, ADMIN, 8, |i| {
        Some(format!("192.0.2.{i}, 203.0.113.9, 10.1.2.3"))
    })
    .await;
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    assert_eq!(
        attempt(
            &s.base,
            ADMIN,
            ADMIN_PASSWORD,
            Some("203.0.113.10, 10.1.2.3")
        )
        .await,
        303
    );
    let rows = csv::Reader::from_path(s.data.path().join("audit.csv"))
        .unwrap()
        .records()
        .filter_map(Result::ok)
        .filter(|r| &r[3] == "failed sign-in")
        .map(|r| r[2].to_string())
        .collect::<Vec<_>>();
    assert!(rows.iter().all(|a| a == "203.0.113.9"), "{rows:?}");

    // A peer that is not a trusted proxy is its own address, whatever it sends.
    let direct = server(&["--trusted-proxies", "10.0.0.0/8"]);
    let statuses = wrong_guesses(&direct.base, ADMIN, 6, |i| Some(format!("192.0.2.{i}"))).await;
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
}

/// A browser of the real binary: keeps its cookies, follows no redirect.
fn browser(base: &str) -> common::Admin {
    common::Admin {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client"),
        base: base.to_string(),
    }
}

#[tokio::test]
async fn the_admin_adds_a_viewer_and_an_editor_who_stay_signed_in_across_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let (first, base) = start_binary_with(data.path(), &[], None);
    let mut server = Server {
        child: first,
        base,
        data,
    };
    let admin = browser(&server.base);
    assert_eq!(admin.sign_in_as(ADMIN, ADMIN_PASSWORD, "").await.0, 303);
    let mut passwords = Vec::new();
    for (name, role) in [("vera", "viewer"), ("eddie", "editor")] {
        let (status, page) = admin
            .post_from(
                "/admin/accounts",
                "/admin/accounts",
                &[("name", name), ("role", role)],
            )
            .await;
        assert_eq!(status, 200, "{page}");
        let start = page.find("<li><code>").expect("the password shown once") + 10;
        passwords.push(page[start..start + 20].to_string());
    }
    let mut viewer = browser(&server.base);
    assert_eq!(viewer.sign_in_as("vera", &passwords[0], "").await.0, 303);
    let mut editor = browser(&server.base);
    assert_eq!(editor.sign_in_as("eddie", &passwords[1], "").await.0, 303);
    let (status, _) = editor
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/round",
            &[("action", "close")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, audit) = viewer.get("/admin/audit").await;
    assert!(
        audit.contains("round closed") && audit.contains("eddie"),
        "{audit}"
    );

    // The server stops hard and starts again: both are still signed in.
    let _ = server.child.kill();
    let _ = server.child.wait();
    let (again, base) = start_binary_with(server.data.path(), &[], None);
    server.child = again;
    server.base = base.clone();
    viewer.base = base.clone();
    editor.base = base;
    let (status, page) = viewer.get("/admin/s/spam-2022").await;
    assert_eq!(status, 200, "the viewer's session survived the restart");
    assert!(!page.contains("/round\""), "still offered no change");
    let (status, page) = editor.get("/admin/s/spam-2022").await;
    assert_eq!(status, 200, "the editor's session survived the restart");
    assert!(page.contains("value=\"reopen\""), "the round stays closed");
    let (status, _) = viewer
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/round",
            &[("action", "reopen")],
        )
        .await;
    assert_eq!(status, 403, "and the viewer still changes nothing");
}
