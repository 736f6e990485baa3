//! The data directory against tampering, loss and prying, on the real
//! binary: private files under umask 022, `verify` naming the first line
//! changed, removed or inserted, and a start refused on a lost file.

mod common;

use common::{ADMIN_PASSWORD, bundled_surveys, csrf_of, encode};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spam-survey"))
}

/// Runs a command of the binary (not the server) under `umask 022`.
fn run(data: &Path, args: &[&str]) -> Output {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg("umask 022; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_spam-survey"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env("RUST_LOG", "warn");
    c.output().expect("the binary runs")
}

fn verify(data: &Path) -> (bool, String) {
    let out = binary()
        .args(["verify", "--data"])
        .arg(data)
        .env("RUST_LOG", "warn")
        .output()
        .expect("verify runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The server binary under `umask 022`, once it listens; its stderr is kept.
struct Server {
    child: std::process::Child,
    base: String,
    stderr: std::thread::JoinHandle<String>,
}

impl Server {
    fn start(data: &Path) -> Server {
        let mut child = spawn_serve(data);
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let stderr =
            std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(a) = line.strip_prefix("spam-survey is listening on ") {
                        let base = a.trim().to_string();
                        std::thread::spawn(move || for _ in lines.by_ref() {});
                        return Server {
                            child,
                            base,
                            stderr,
                        };
                    }
                }
                _ => {
                    let _ = child.wait();
                    panic!(
                        "the server did not start: {}",
                        stderr.join().unwrap_or_default()
                    );
                }
            }
        }
    }

    /// Stops it; what it wrote on stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr.join().unwrap_or_default()
    }
}

fn spawn_serve(data: &Path) -> std::process::Child {
    Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_spam-survey"))
        .args(["serve", "--addr", "127.0.0.1:0", "--surveys"])
        .arg(bundled_surveys())
        .arg("--data")
        .arg(data)
        .env("SPAM_SURVEY_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts")
}

/// Starts the server where it must refuse; its exit and its words.
fn refused_start(data: &Path) -> (bool, String) {
    let child = spawn_serve(data);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut child = child;
    loop {
        if let Some(status) = child.try_wait().expect("the server's state") {
            let out = child.wait_with_output().expect("its output");
            return (
                status.success(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return (true, "it kept running".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A new link for `member`, from the `invite` command.
fn invite(data: &Path, member: &str) -> String {
    let surveys = bundled_surveys();
    // `invite` needs a data directory that a server made: make it as the first start does.
    if !data.join("secret.key").exists() {
        let defs = spam_survey::definition::load_dir(&surveys).expect("the bundled definitions");
        drop(spam_survey::store::Store::open(data, defs).expect("a data directory"));
    }
    let out = run(
        data,
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            member,
            "--surveys",
            surveys.to_str().expect("a UTF-8 path"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text.find("/r/").expect("a link") + 3;
    text[at..at + 43].to_string()
}

/// Saves a draft through the server, as a browser does.
async fn save(base: &str, token: &str, text: &str) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let page = http
        .get(format!("{base}/r/{token}"))
        .send()
        .await
        .expect("the form")
        .text()
        .await
        .expect("its text");
    let body = encode(&[("csrf", &csrf_of(&page)), ("action", "draft"), ("P1", text)]);
    let r = http
        .post(format!("{base}/r/{token}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("the save");
    assert_eq!(r.status().as_u16(), 303, "the save is acknowledged");
}

/// A data directory with three members' drafts (four rows), the server stopped.
async fn with_saves() -> tempfile::TempDir {
    let data = tempfile::tempdir().expect("a temporary directory");
    let links: Vec<String> = ["KR", "JP", "TH"]
        .iter()
        .map(|m| invite(data.path(), m))
        .collect();
    let server = Server::start(data.path());
    for (i, t) in links.iter().enumerate() {
        save(
            &server.base,
            t,
            &format!("answer {i}, with a comma\nand a line"),
        )
        .await;
    }
    save(&server.base, &links[0], "KR again").await;
    server.stop();
    data
}

fn responses(data: &Path) -> PathBuf {
    data.join("spam-2022").join("responses.csv")
}

/// The rows of a responses file as whole byte strings, header first.
fn rows_of(path: &Path) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).expect("the file");
    spam_survey::store::chain::split(&bytes)
        .map(<[u8]>::to_vec)
        .collect()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("a path").permissions().mode() & 0o777
}

fn every_path(dir: &Path, out: &mut Vec<PathBuf>) {
    out.push(dir.to_path_buf());
    for e in std::fs::read_dir(dir).expect("a folder") {
        let p = e.expect("an entry").path();
        if p.is_dir() {
            every_path(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_umask_022_the_data_directory_is_0700_and_every_file_in_it_0600() {
    let parent = tempfile::tempdir().expect("a temporary directory");
    let data = parent.path().join("data");
    let token = invite(&data, "KR");
    let server = Server::start(&data);
    save(&server.base, &token, "private").await;
    // The secretariat signs in (audit.csv) and closes the round (rounds.csv).
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let login = http
        .get(format!("{}/admin", server.base))
        .send()
        .await
        .expect("sign-in page");
    let csrf = csrf_of(&login.text().await.expect("its text"));
    let r = http
        .post(format!("{}/admin/login", server.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(encode(&[
            ("csrf", &csrf),
            ("name", common::ADMIN),
            ("password", ADMIN_PASSWORD),
            ("next", "/admin"),
        ]))
        .send()
        .await
        .expect("sign-in");
    assert_eq!(r.status().as_u16(), 303);
    let stderr = server.stop();
    let mut paths = Vec::new();
    every_path(&data, &mut paths);
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    for want in [
        "invitations.csv",
        "audit.csv",
        "secret.key",
        "responses.csv",
        "responses.csv.chain",
    ] {
        assert!(
            names.iter().any(|n| n.ends_with(want)),
            "{want} is made: {names:?}"
        );
    }
    for p in &paths {
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(p), want, "{} is {:o}", p.display(), mode(p));
    }
    assert!(
        !stderr.contains("chmod"),
        "no warning on private files: {stderr}"
    );

    // A file made readable by others is named at the next start, with the fix.
    use std::os::unix::fs::PermissionsExt;
    let opened = data.join("invitations.csv");
    std::fs::set_permissions(&opened, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let server = Server::start(&data);
    let stderr = server.stop();
    assert!(
        stderr.contains("644") && stderr.contains("invitations.csv"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("chmod -R go-rwx {}", data.display())),
        "the warning gives the fix: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_says_what_it_checked_on_clean_data_and_names_files_it_does_not_know() {
    let data = with_saves().await;
    std::fs::write(data.path().join("notes.txt"), "a person's notes").expect("a stray file");
    let (ok, out) = verify(data.path());
    assert!(ok, "clean data verifies: {out}");
    assert!(out.contains("spam-2022/responses.csv: 5 row(s)"), "{out}");
    assert!(out.contains("invitations.csv: 4 row(s)"), "{out}");
    assert!(
        out.contains("secret.key: not chained (the server's key"),
        "{out}"
    );
    assert!(out.contains("notes.txt: not chained (unknown"), "{out}");
    assert!(
        out.contains("every row is the one that was written"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_names_a_changed_middle_row_by_its_file_and_line() {
    let data = with_saves().await;
    let path = responses(data.path());
    let text = std::fs::read_to_string(&path).expect("the file");
    // The same length, one letter: what a careless edit in a spreadsheet does.
    let changed = text.replacen("answer 1", "answer 7", 1);
    assert_ne!(changed, text);
    std::fs::write(&path, changed).expect("the edit");
    let (ok, out) = verify(data.path());
    assert!(!ok, "a changed row fails: {out}");
    // Header on line 1; answer 0's row on lines 2-3; answer 1's on line 4.
    assert!(
        out.contains("spam-2022/responses.csv: line 4 was changed"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_names_a_removed_row_and_an_inserted_row() {
    let data = with_saves().await;
    let path = responses(data.path());
    let rows = rows_of(&path);
    assert_eq!(rows.len(), 5);
    let without: Vec<u8> = [&rows[..2], &rows[3..]].concat().concat();
    std::fs::write(&path, &without).expect("a row removed");
    let (ok, out) = verify(data.path());
    assert!(!ok, "{out}");
    assert!(
        out.contains("spam-2022/responses.csv: a row was removed before line 4"),
        "{out}"
    );

    let mut forged = rows[1].clone();
    forged.splice(0..1, b"9".iter().copied());
    let with: Vec<u8> = [&rows[..3], std::slice::from_ref(&forged), &rows[3..]]
        .concat()
        .concat();
    std::fs::write(&path, &with).expect("a row inserted");
    let (ok, out) = verify(data.path());
    assert!(!ok, "{out}");
    assert!(
        out.contains("spam-2022/responses.csv: line 6 was inserted"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_names_a_changed_line_of_the_invitations_journal() {
    let data = with_saves().await;
    let path = data.path().join("invitations.csv");
    let text = std::fs::read_to_string(&path).expect("the file");
    std::fs::write(&path, text.replacen(",JP,", ",KP,", 1)).expect("the edit");
    let (ok, out) = verify(data.path());
    assert!(!ok, "{out}");
    assert!(out.contains("invitations.csv: line 3 was changed"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_copied_while_the_server_runs_verifies_and_starts() {
    let data = with_saves().await;
    let links: Vec<String> = ["VN", "MY"]
        .iter()
        .map(|m| invite(data.path(), m))
        .collect();
    let server = Server::start(data.path());
    for t in &links {
        save(&server.base, t, "before the copy").await;
    }
    let backup = tempfile::tempdir().expect("a temporary directory");
    let copy = backup.path().join("data");
    let out = Command::new("cp")
        .arg("-a")
        .arg(data.path())
        .arg(&copy)
        .output()
        .expect("cp runs");
    assert!(out.status.success());
    save(&server.base, &links[0], "after the copy").await;
    server.stop();
    let (ok, out) = verify(&copy);
    assert!(ok, "the copy verifies: {out}");
    let (ok, out) = verify(data.path());
    assert!(ok, "the live directory verifies: {out}");
    // The copy starts as a data directory of its own.
    Server::start(&copy).stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_responses_file_is_refused_at_start_with_what_to_restore() {
    let data = with_saves().await;
    std::fs::remove_file(responses(data.path())).expect("deleted");
    let (ok, err) = refused_start(data.path());
    assert!(!ok, "the start is refused: {err}");
    assert!(err.contains("responses.csv is missing"), "{err}");
    assert!(err.contains("5 row(s) were acknowledged"), "{err}");
    assert!(err.contains("restore the file from your backup"), "{err}");
    assert!(
        !responses(data.path()).exists(),
        "no empty file is made in its place"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_responses_file_is_refused_at_start_and_a_torn_row_is_not() {
    let data = with_saves().await;
    let path = responses(data.path());
    let whole = std::fs::read(&path).expect("the file");
    let rows = rows_of(&path);
    let last = rows.last().expect("a row").len();
    // A row cut by a crash before it was acknowledged is no loss.
    let mut torn = whole.clone();
    torn.extend_from_slice(&rows[1][..20]);
    std::fs::write(&path, &torn).expect("a torn row");
    Server::start(data.path()).stop();
    assert_eq!(
        std::fs::read(&path).expect("the file"),
        whole,
        "the torn row is set aside"
    );

    // The last acknowledged row cut off is.
    std::fs::write(&path, &whole[..whole.len() - last]).expect("truncated");
    let (ok, err) = refused_start(data.path());
    assert!(!ok, "the start is refused: {err}");
    assert!(err.contains("says 5 row(s)"), "{err}");
    assert!(err.contains("restore"), "{err}");
    assert!(err.contains("from your backup"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_added_by_hand_to_the_invitations_file_is_not_honoured() {
    let data = with_saves().await;
    let token = "A".repeat(43);
    let line = format!(
        "2026-01-01T00:00:00Z,spam-2022,SG,issue,{}\n",
        spam_survey::store::token_hash(&token)
    );
    let path = data.path().join("invitations.csv");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("the file");
    std::io::Write::write_all(&mut f, line.as_bytes()).expect("a forged line");
    let (ok, out) = verify(data.path());
    assert!(!ok, "{out}");
    assert!(
        out.contains("invitations.csv: line 5 and 1 row(s) from there are past the end"),
        "{out}"
    );
    let server = Server::start(data.path());
    let r = reqwest::get(format!("{}/r/{token}", server.base))
        .await
        .expect("an answer");
    assert_eq!(r.status().as_u16(), 404, "the forged link opens nothing");
    server.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_directory_written_before_chains_opens_and_its_chains_begin() {
    let data = with_saves().await;
    let mut paths = Vec::new();
    every_path(data.path(), &mut paths);
    for p in paths
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".chain"))
    {
        std::fs::remove_file(p).expect("a chain removed");
    }
    let (ok, out) = verify(data.path());
    assert!(ok, "{out}");
    assert!(
        out.contains("responses.csv: not chained (not chained yet"),
        "{out}"
    );
    Server::start(data.path()).stop();
    let (ok, out) = verify(data.path());
    assert!(ok, "{out}");
    assert!(
        out.contains("spam-2022/responses.csv: 5 row(s), each the one written (chain begun"),
        "{out}"
    );
    assert!(out.contains("over the 5 row(s) then in the file"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_edition_folder_is_refused_at_start_and_named_by_verify() {
    let data = with_saves().await;
    std::fs::remove_dir_all(data.path().join("spam-2022")).expect("the folder removed");
    let (ok, out) = verify(data.path());
    assert!(!ok, "{out}");
    assert!(
        out.contains("spam-2022/responses.csv and its chain are missing"),
        "{out}"
    );
    let (ok, err) = refused_start(data.path());
    assert!(!ok, "the start is refused: {err}");
    assert!(
        err.contains("responses.csv and its chain are missing"),
        "{err}"
    );
    assert!(err.contains("restore it (or its whole folder)"), "{err}");
    assert!(
        !data.path().join("spam-2022").exists(),
        "nothing is made in its place"
    );
}
