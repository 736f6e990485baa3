//! Named accounts over HTTP: what each role may and may not do, the audit
//! log naming who did what, sessions across a restart of the real binary,
//! idle expiry, signing out everywhere, a disabled account, the second
//! factor, and a full disk at sign-in.

mod common;

use common::{ADMIN, ADMIN_PASSWORD, SmallDisk, TestApp, bundled_surveys, fill};
use spam_survey::accounts::totp;

const VIEWER_PW: &str = "a viewer reads every page quietly";
const EDITOR_PW: &str = "an editor closes the round on time";

/// The value of a hidden field in a page.
fn field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).expect("the field") + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn audit_rows(app: &TestApp) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(app.data.path().join("audit.csv")).expect("the audit log");
    r.records().map(|x| x.expect("a row")).collect()
}

/// Posts `fields` with a valid form token and expects a 403.
async fn assert_refused(
    who: &common::Admin,
    csrf: &str,
    path: &str,
    fields: Vec<(&str, &str)>,
    role: &str,
) {
    let mut all = vec![("csrf", csrf)];
    all.extend(fields);
    let (status, body) = who.post(path, &all).await;
    assert_eq!(status, 403, "{role} posting to {path}: {body}");
}

fn now() -> u64 {
    spam_survey::accounts::sessions::now()
}

#[tokio::test]
async fn each_role_is_refused_what_it_may_not_do_and_its_pages_do_not_offer_it() {
    let app = TestApp::spawn().await;
    app.add_account("vera", "viewer", VIEWER_PW);
    app.add_account("eddie", "editor", EDITOR_PW);
    let viewer = app.signed_in_as("vera", VIEWER_PW).await;
    let editor = app.signed_in_as("eddie", EDITOR_PW).await;
    let admin = app.admin().await;

    // The viewer reads everything...
    for path in [
        "/admin/s/spam-2022",
        "/admin/s/spam-2022/m/KR",
        "/admin/s/spam-2022/export?kind=responses",
        "/admin/s/spam-2022/report",
        "/admin/audit",
        "/admin/account",
    ] {
        let (status, _) = viewer.get(path).await;
        assert_eq!(status, 200, "a viewer reads {path}");
    }
    // ...is offered no change...
    let (_, overview) = viewer.get("/admin/s/spam-2022").await;
    for offer in ["/invite\"", "/round\"", "/reminders\"", "/admin/accounts\""] {
        assert!(!overview.contains(offer), "a viewer is not offered {offer}");
    }
    // ...and is refused each one when sent anyway, with a valid form token.
    let csrf = common::csrf_of(&overview);
    for (path, fields) in [
        (
            "/admin/s/spam-2022/invite",
            vec![("member", "KR"), ("action", "issue")],
        ),
        (
            "/admin/s/spam-2022/invite",
            vec![("member", "KR"), ("action", "revoke")],
        ),
        ("/admin/s/spam-2022/reminders", vec![("member", "KR")]),
        ("/admin/s/spam-2022/round", vec![("action", "close")]),
        ("/admin/s/spam-2022/round", vec![("action", "reopen")]),
        (
            "/admin/accounts",
            vec![("name", "mallory"), ("role", "admin")],
        ),
        (
            "/admin/accounts/change",
            vec![("name", "eddie"), ("action", "disable")],
        ),
    ] {
        assert_refused(&viewer, &csrf, path, fields, "a viewer").await;
    }
    for path in ["/admin/s/spam-2022/reminders", "/admin/accounts"] {
        let (status, _) = viewer.get(path).await;
        assert_eq!(status, 403, "a viewer opening {path}");
    }

    // The editor changes the round but not the accounts.
    let (_, overview) = editor.get("/admin/s/spam-2022").await;
    assert!(overview.contains("/round\"") && overview.contains("/invite\""));
    assert!(
        !overview.contains("/admin/accounts\""),
        "no accounts link for an editor"
    );
    let csrf = common::csrf_of(&overview);
    for (path, fields) in [
        (
            "/admin/accounts",
            vec![("name", "mallory"), ("role", "admin")],
        ),
        (
            "/admin/accounts/change",
            vec![("name", "vera"), ("action", "password")],
        ),
    ] {
        assert_refused(&editor, &csrf, path, fields, "an editor").await;
    }
    assert_eq!(editor.get("/admin/accounts").await.0, 403);
    assert_eq!(editor.get("/admin/s/spam-2022/reminders").await.0, 200);

    // The admin is offered the accounts and manages them.
    let (_, overview) = admin.get("/admin/s/spam-2022").await;
    assert!(overview.contains("/admin/accounts\""));
    let (status, page) = admin
        .post_from(
            "/admin/accounts",
            "/admin/accounts",
            &[("name", "nina"), ("role", "viewer")],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Account nina added"));
    assert!(
        app.state
            .as_ref()
            .unwrap()
            .auth
            .accounts
            .get("nina")
            .unwrap()
            .is_some()
    );
    assert!(
        app.state
            .as_ref()
            .unwrap()
            .auth
            .accounts
            .get("mallory")
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn every_audited_action_names_the_account_that_took_it() {
    let app = TestApp::spawn().await;
    app.add_account("vera", "viewer", VIEWER_PW);
    app.add_account("eddie", "editor", EDITOR_PW);
    let viewer = app.signed_in_as("vera", VIEWER_PW).await;
    let editor = app.signed_in_as("eddie", EDITOR_PW).await;
    let admin = app.admin().await;
    let from = "/admin/s/spam-2022";
    editor
        .post_from(
            from,
            "/admin/s/spam-2022/invite",
            &[("member", "KR"), ("action", "issue")],
        )
        .await;
    editor
        .post_from(
            from,
            "/admin/s/spam-2022/invite",
            &[("member", "KR"), ("action", "revoke")],
        )
        .await;
    editor
        .post_from(
            "/admin/s/spam-2022/reminders",
            "/admin/s/spam-2022/reminders",
            &[("member", "JP")],
        )
        .await;
    editor
        .post_from(from, "/admin/s/spam-2022/round", &[("action", "close")])
        .await;
    editor
        .post_from(from, "/admin/s/spam-2022/round", &[("action", "reopen")])
        .await;
    viewer.get("/admin/s/spam-2022/export?kind=responses").await;
    viewer.get("/admin/s/spam-2022/report").await;
    admin
        .post_from(
            "/admin/accounts",
            "/admin/accounts",
            &[("name", "nina"), ("role", "editor")],
        )
        .await;
    admin
        .post_from(
            "/admin/accounts",
            "/admin/accounts/change",
            &[("name", "nina"), ("action", "disable")],
        )
        .await;
    viewer
        .post_from("/admin/account", "/admin/logout", &[])
        .await;

    let expected = [
        ("eddie", "signed in"),
        ("eddie", "invitation issued"),
        ("eddie", "invitation revoked"),
        ("eddie", "invitation issued for a reminder"),
        ("eddie", "round closed"),
        ("eddie", "round reopened"),
        ("vera", "export"),
        ("vera", "report generated"),
        ("admin", "account added"),
        ("admin", "account disabled"),
        ("vera", "signed out"),
    ];
    let rows = audit_rows(&app);
    for (who, action) in expected {
        assert!(
            rows.iter().any(|r| &r[1] == who && &r[3] == action),
            "{action} by {who} is in the log: {rows:?}"
        );
    }
    for r in &rows {
        assert!(
            !r[1].is_empty() && &r[1] != "secretariat",
            "a row without its account: {r:?}"
        );
    }
    // The round's own record names the editor too.
    let (_, page) = admin.get("/admin/audit").await;
    assert!(page.contains("eddie"));
}

#[tokio::test]
async fn a_session_ends_after_its_idle_time_and_after_sign_out_everywhere() {
    let mut app = TestApp::unstarted(&bundled_surveys(), tempfile::tempdir().unwrap());
    // Whole seconds are kept: three leave room for a slow request.
    app.sessions.idle = std::time::Duration::from_secs(3);
    let app = app.start().await;
    let a = app.admin().await;
    assert_eq!(a.get("/admin/s/spam-2022").await.0, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert_eq!(
        a.get("/admin/s/spam-2022").await.0,
        200,
        "used within its idle time"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert_eq!(
        a.get("/admin/s/spam-2022").await.0,
        200,
        "each use extends it"
    );
    tokio::time::sleep(std::time::Duration::from_millis(4200)).await;
    assert_eq!(a.get("/admin/s/spam-2022").await.0, 401, "idle too long");

    let here = app.admin().await;
    let there = app.admin().await;
    let (status, _) = here
        .post_from("/admin/account", "/admin/logout-everywhere", &[])
        .await;
    assert_eq!(status, 303);
    assert_eq!(here.get("/admin/s/spam-2022").await.0, 401);
    assert_eq!(
        there.get("/admin/s/spam-2022").await.0,
        401,
        "the other browser too"
    );
    let again = app.admin().await;
    assert_eq!(
        again.get("/admin/s/spam-2022").await.0,
        200,
        "signing in again works"
    );
}

#[tokio::test]
async fn the_second_factor_takes_a_fresh_code_once_and_refuses_a_reused_or_stale_one() {
    let app = TestApp::spawn().await;
    let a = app.admin().await;
    let (status, setup) = a
        .post_from("/admin/account", "/admin/account/totp", &[])
        .await;
    assert_eq!(status, 200);
    assert!(setup.contains("data:image/svg+xml;base64,"), "a QR code");
    let secret = field(&setup, "secret");
    assert!(
        setup.contains(
            &secret.as_bytes()[..4]
                .iter()
                .map(|b| *b as char)
                .collect::<String>()
        )
    );
    let t = now();
    let code = totp::code_at(&secret, ADMIN, t).unwrap();
    let confirm = [
        ("csrf", common::csrf_of(&setup)),
        ("secret", secret.clone()),
        ("signature", field(&setup, "signature")),
        ("code", code.clone()),
    ];
    let confirm: Vec<(&str, &str)> = confirm.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, shown) = a.post("/admin/account/totp/confirm", &confirm).await;
    assert_eq!(status, 200, "{shown}");
    let recovery: Vec<String> = shown
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect();
    assert_eq!(recovery.len(), totp::RECOVERY_CODES);

    let b = app.browser();
    assert_eq!(
        b.sign_in_as(ADMIN, ADMIN_PASSWORD, "").await.0,
        401,
        "the password alone"
    );
    assert_eq!(
        b.sign_in_as(ADMIN, ADMIN_PASSWORD, &code).await.0,
        401,
        "the confirming code, reused"
    );
    let stale = totp::code_at(&secret, ADMIN, t - 120).unwrap();
    assert_eq!(
        b.sign_in_as(ADMIN, ADMIN_PASSWORD, &stale).await.0,
        401,
        "a stale code"
    );
    let next = totp::code_at(&secret, ADMIN, t + 30).unwrap();
    assert_eq!(
        b.sign_in_as(ADMIN, ADMIN_PASSWORD, &next).await.0,
        303,
        "a fresh code"
    );
    let c = app.browser();
    assert_eq!(
        c.sign_in_as(ADMIN, ADMIN_PASSWORD, &next).await.0,
        401,
        "that code, reused"
    );
    let d = app.browser();
    assert_eq!(
        d.sign_in_as(ADMIN, ADMIN_PASSWORD, &recovery[0]).await.0,
        303,
        "a recovery code"
    );
    // Four failures so far from this address: the next is heard, and refused.
    let e = app.browser();
    assert_eq!(
        e.sign_in_as(ADMIN, ADMIN_PASSWORD, &recovery[0]).await.0,
        401,
        "a recovery code works once"
    );
}

#[tokio::test]
async fn a_disabled_account_is_signed_out_at_once_even_by_the_command_beside_the_server() {
    let app = TestApp::spawn().await;
    app.add_account("eddie", "editor", EDITOR_PW);
    let editor = app.signed_in_as("eddie", EDITOR_PW).await;
    assert_eq!(editor.get("/admin/s/spam-2022").await.0, 200);
    let data = app.data.path().to_str().unwrap().to_string();
    let (ok, out) = common::run_command(&["user", "disable", "eddie", "--data", &data], "");
    assert!(ok, "{out}");
    assert_eq!(
        editor.get("/admin/s/spam-2022").await.0,
        401,
        "signed out at once"
    );
    assert_eq!(editor.get("/admin/audit").await.0, 401);
    let again = app.browser();
    assert_eq!(
        again.sign_in_as("eddie", EDITOR_PW, "").await.0,
        401,
        "cannot sign in"
    );
    let (ok, _) = common::run_command(&["user", "enable", "eddie", "--data", &data], "");
    assert!(ok);
    assert_eq!(
        editor.get("/admin/s/spam-2022").await.0,
        401,
        "the old session stays ended"
    );
}

#[test]
fn the_user_command_adds_lists_and_refuses_weak_passwords_creating_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    let (ok, out) = common::run_command(
        &[
            "user",
            "add",
            "ana",
            "--role",
            "editor",
            "--data",
            d,
            "--password-stdin",
        ],
        "qwerty123456\n",
    );
    assert!(!ok && out.contains("common"), "{out}");
    assert!(!data.exists(), "a refused command creates nothing");
    let (ok, out) = common::run_command(&["user", "add", "ana", "--role", "boss", "--data", d], "");
    assert!(!ok && out.contains("viewer, editor or admin"), "{out}");
    let (ok, out) =
        common::run_command(&["user", "add", "ana", "--role", "editor", "--data", d], "");
    assert!(ok, "{out}");
    let password = out.lines().last().unwrap().trim().to_string();
    assert_eq!(password.len(), 20);
    let accounts = spam_survey::accounts::Accounts::open(&data).unwrap();
    assert!(accounts.verify("ana", &password, "").unwrap().is_some());
    let (ok, out) = common::run_command(&["user", "list", "--data", d], "");
    assert!(ok && out.contains("ana") && out.contains("editor") && !out.contains(&password));
    let (ok, out) = common::run_command(
        &["user", "password", "ana", "--password-stdin", "--data", d],
        "short\n",
    );
    assert!(!ok && out.contains("at least 12"), "{out}");
    let (ok, _) = common::run_command(
        &["user", "password", "ana", "--password-stdin", "--data", d],
        "a long new phrase for her\n",
    );
    assert!(ok);
    assert!(
        accounts
            .verify("ana", "a long new phrase for her", "")
            .unwrap()
            .is_some()
    );
    let (ok, out) = common::run_command(&["user", "disable", "nobody", "--data", d], "");
    assert!(!ok && out.contains("no account"), "{out}");
}

#[tokio::test]
async fn a_full_disk_at_sign_in_gets_a_clear_503_and_no_session() {
    let Some(disk) = SmallDisk::mount("2m") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root and must be able to mount a small tmpfs"
        );
        eprintln!("skipped: mounting a small tmpfs needs root");
        return;
    };
    let data = tempfile::TempDir::new_in(disk.path()).unwrap();
    let app = TestApp::spawn_on(&bundled_surveys(), data).await;
    let filler = fill(disk.path());
    let a = app.browser();
    let (status, page) = a.sign_in(ADMIN_PASSWORD).await;
    assert_eq!(status, 503, "{page}");
    assert!(
        page.contains("cannot write to its data directory"),
        "{page}"
    );
    assert_eq!(
        a.get("/admin/s/spam-2022").await.0,
        401,
        "no session was made"
    );
    let (status, page) = app.browser().sign_in("a wrong password, long enough").await;
    assert_eq!(status, 503, "a failure that cannot be logged: {page}");
    std::fs::remove_file(filler).unwrap();
    let (status, _) = app.browser().sign_in(ADMIN_PASSWORD).await;
    assert_eq!(status, 303, "signing in recovers when space returns");
}
