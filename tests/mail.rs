//! Mail on the real binary and a real SMTP server on the loopback address
//! (aiosmtpd, started by each test from `tests/mail/smtp_sink.py`): the
//! invitations of a round, reminders, the thank-you, the server down and
//! back, a sender killed mid-batch, a draft's address, the password.

mod common;

use common::{ADMIN_PASSWORD, Admin, csrf_of, full_2022};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FROM: &str = "APT Secretariat <survey@apt.example>";
/// The members the copy of the list leaves without an address.
const NO_ADDRESS: [&str; 2] = ["MO", "NU"];

/// A python3 that has aiosmtpd, or a failure that says how to get one.
fn python() -> String {
    for p in ["python3", "/usr/bin/python3"] {
        let ok = Command::new(p)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return p.to_string();
        }
    }
    panic!(
        "the mail tests need python3 with aiosmtpd: run tests/run.sh (it installs python3-aiosmtpd), or apt-get install python3-aiosmtpd"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The SMTP server: each message it takes is a file in `dir`.
struct Sink {
    child: Child,
    dir: PathBuf,
}

/// A message as the SMTP server received it, decoded.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
    /// The message as it came over the wire.
    raw: String,
}

impl Sink {
    fn start(port: u16, dir: &Path, auth: Option<(&str, &str)>) -> Sink {
        Sink::start_with(port, dir, auth, &[])
    }

    fn start_with(port: u16, dir: &Path, auth: Option<(&str, &str)>, more: &[&str]) -> Sink {
        let mut c = Command::new(python());
        c.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail/smtp_sink.py"))
            .arg(port.to_string())
            .arg(dir);
        if let Some((u, p)) = auth {
            c.args(["--user", u, "--password", p]);
        }
        c.args(more);
        let mut child = c
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 starts");
        let mut line = String::new();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        assert_eq!(line.trim(), "listening", "the SMTP server starts");
        Sink {
            child,
            dir: dir.to_path_buf(),
        }
    }

    fn received(&self) -> Vec<Received> {
        received_in(&self.dir)
    }

    /// Waits until at least `n` messages have arrived.
    fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.received();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn received_in(dir: &Path) -> Vec<Received> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    names.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    names.sort();
    names
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let (head, body) = text.split_once("\n\n").unwrap();
            let headers = head
                .lines()
                .filter_map(|l| {
                    l.split_once(": ")
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                })
                .collect();
            let raw = std::fs::read_to_string(p.with_extension("eml")).unwrap();
            Received {
                headers,
                body: body.to_string(),
                raw,
            }
        })
        .collect()
}

impl Received {
    fn to(&self) -> &str {
        &self.headers["To"]
    }
    fn id(&self) -> &str {
        &self.headers["Message-ID"]
    }
    fn subject(&self) -> &str {
        &self.headers["Subject"]
    }
    /// The link in the text: on a line of its own.
    fn link(&self) -> String {
        self.body
            .lines()
            .find(|l| l.contains("/r/"))
            .map(|l| l.to_string())
            .expect("the message has a link")
    }
}

/// The bundled definitions with a member list that has addresses: two for
/// KR, one for every other member but MO and NU, and Viet Nam's name in
/// its own letters.
fn surveys_with_addresses(dir: &Path) -> PathBuf {
    let out = dir.join("surveys");
    std::fs::create_dir_all(&out).unwrap();
    let bundled = common::bundled_surveys();
    for e in std::fs::read_dir(&bundled).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&p, out.join(p.file_name().unwrap())).unwrap();
        }
    }
    let list = std::fs::read_to_string(bundled.join("members.csv")).unwrap();
    let mut csv = csv::Reader::from_reader(list.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    header.push("email".into());
    w.write_record(&header).unwrap();
    for r in csv.records() {
        let mut r: Vec<String> = r.unwrap().iter().map(String::from).collect();
        let code = r[0].clone();
        if code == "VN" {
            r[2] = "Việt Nam".into();
        }
        r.push(match code.as_str() {
            "KR" => "fp@msit.example; deputy@msit.example".into(),
            c if NO_ADDRESS.contains(&c) => String::new(),
            c => format!("focal-{}@members.example", c.to_lowercase()),
        });
        w.write_record(&r).unwrap();
    }
    std::fs::write(out.join("members.csv"), w.into_inner().unwrap()).unwrap();
    out
}

/// The real binary, its output going to files in its temporary folder.
struct Server {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
    surveys: PathBuf,
}

impl Server {
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn new(smtp_url: &str, extra_env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let surveys = surveys_with_addresses(dir.path());
        let data = dir.path().join("data");
        let defs = spam_survey::definition::load_dir(&surveys).expect("the definitions");
        drop(spam_survey::store::Store::open(&data, defs).expect("the data directory"));
        spam_survey::accounts::Accounts::open(&data)
            .and_then(|a| a.first_start(Some(ADMIN_PASSWORD)))
            .expect("the first account");
        let mut s = Server {
            child: Command::new("true").spawn().unwrap(),
            base: String::new(),
            dir,
            surveys,
        };
        s.start(smtp_url, extra_env);
        s
    }

    fn start(&mut self, smtp_url: &str, extra_env: &[(&str, &str)]) {
        let _ = self.child.wait();
        let n = std::fs::read_dir(self.dir.path()).unwrap().count();
        let out = self.dir.path().join(format!("run-{n}.out"));
        let err = self.dir.path().join(format!("run-{n}.err"));
        let mut c = Command::new(env!("CARGO_BIN_EXE_spam-survey"));
        c.args(["serve", "--addr", "127.0.0.1:0", "--surveys"])
            .arg(&self.surveys)
            .arg("--data")
            .arg(self.data())
            .env("SPAM_SURVEY_SMTP_URL", smtp_url)
            .env("SPAM_SURVEY_MAIL_FROM", FROM)
            .env("SPAM_SURVEY_MAIL_RETRY_AFTER", "1")
            .env("SPAM_SURVEY_MAIL_PER_MINUTE", "6000")
            .env("RUST_LOG", "info")
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap());
        for (k, v) in extra_env {
            c.env(k, v);
        }
        self.child = c.spawn().expect("the server starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = std::fs::read_to_string(&out).unwrap_or_default();
            if let Some(line) = text
                .lines()
                .find_map(|l| l.strip_prefix("spam-survey is listening on "))
            {
                self.base = line.trim().to_string();
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the server stopped ({status}): {}",
                    std::fs::read_to_string(&err).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every line the server printed or logged, over every run.
    fn printed(&self) -> String {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "out" || e == "err"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    async fn admin(&self) -> Admin {
        let a = Admin {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                // The tests wait between requests, past the server's keep-alive.
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
            base: self.base.clone(),
        };
        let (status, body) = a.sign_in(ADMIN_PASSWORD).await;
        assert_eq!(status, 303, "signs in: {body}");
        a
    }

    /// `spam-survey ARGS` on this server's folders, with its mail settings.
    fn command(&self, args: &[&str], smtp_url: &str) -> (bool, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_spam-survey"))
            .args(args)
            .arg("--surveys")
            .arg(&self.surveys)
            .arg("--data")
            .arg(self.data())
            .env("SPAM_SURVEY_SMTP_URL", smtp_url)
            .env("SPAM_SURVEY_MAIL_FROM", FROM)
            .env("SPAM_SURVEY_MAIL_RETRY_AFTER", "1")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    fn ledger(&self) -> std::sync::Arc<spam_survey::mail::Ledger> {
        spam_survey::mail::Outbox::open(&self.data())
            .ledger()
            .unwrap()
    }

    /// Waits until no message is queued or being sent.
    fn wait_settled(&self, secs: u64) -> std::sync::Arc<spam_survey::mail::Ledger> {
        use spam_survey::mail::State;
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let l = self.ledger();
            let busy = l
                .messages
                .iter()
                .any(|m| matches!(m.state, State::Queued | State::Sending));
            if !busy || Instant::now() > deadline {
                return l;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn post_mail(admin: &Admin, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let (_, page) = admin.get("/admin/s/spam-2022/mail").await;
    let csrf = csrf_of(&page);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    admin.post(path, &all).await
}

fn to_member<'a>(got: &'a [Received], address: &str) -> Vec<&'a Received> {
    got.iter().filter(|r| r.to().contains(address)).collect()
}

#[tokio::test]
async fn a_round_of_invitations_arrives_at_the_member_lists_addresses_with_links_that_open_each_form()
 {
    let port = free_port();
    let mail = tempfile::tempdir().unwrap();
    let sink = Sink::start(port, mail.path(), None);
    let server = Server::new(&format!("smtp://127.0.0.1:{port}"), &[]);
    let admin = server.admin().await;
    // The preview, before anything is sent: an invitation, not a reminder.
    let (status, preview) = admin.get("/admin/s/spam-2022/mail/preview?member=KR").await;
    assert_eq!(status, 200, "{preview}");
    assert!(preview.contains("invitation to answer"), "{preview}");
    assert!(preview.contains("fp@msit.example; deputy@msit.example"));
    assert!(sink.received().is_empty(), "a preview sends nothing");
    let (status, to) = post_mail(&admin, "/admin/s/spam-2022/mail/invitations", &[]).await;
    assert_eq!(status, 303, "{to}");
    let got = sink.wait_for(40, 20);
    assert_eq!(got.len(), 40, "one invitation per member with an address");
    let kr = to_member(&got, "fp@msit.example");
    assert_eq!(kr.len(), 1);
    let kr = kr[0];
    assert!(
        kr.to().contains("deputy@msit.example"),
        "both of KR's addresses: {}",
        kr.to()
    );
    assert!(kr.subject().contains("invitation"), "{}", kr.subject());
    assert_eq!(kr.headers["Auto-Submitted"], "auto-generated");
    assert!(kr.id().starts_with('<') && kr.id().ends_with("@apt.example>"));
    assert!(!kr.headers["Date"].is_empty());
    assert!(!kr.body.to_lowercase().contains("reminder"), "{}", kr.body);
    assert!(
        !kr.body.contains("no longer works"),
        "no earlier link to speak of: {}",
        kr.body
    );
    // The link is alone on its line and opens KR's form.
    let link = kr.link();
    assert!(link.starts_with(&format!("{}/r/", server.base)), "{link}");
    let form = reqwest::get(&link).await.unwrap();
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains("Korea (Republic of)"));
    // A name in its own letters is encoded in the header, whole once decoded.
    let vn = to_member(&got, "focal-vn@members.example");
    assert!(vn[0].to().contains("Việt Nam"), "{}", vn[0].to());
    assert!(vn[0].raw.contains("=?utf-8?"), "RFC 2047 in the raw header");
    // The overview shows each member's last message.
    server.wait_settled(10);
    let (_, overview) = admin.get("/admin/s/spam-2022").await;
    assert!(overview.contains("Last message (UTC)"), "{overview}");
    assert!(overview.contains("invitation sent"), "{overview}");
    let (_, page) = admin.get("/admin/s/spam-2022/mail").await;
    assert!(
        page.contains("Send invitations to the 2 members not yet invited"),
        "{page}"
    );
}

#[tokio::test]
async fn a_submission_is_thanked_with_a_copy_of_the_answers_and_reminders_go_only_to_those_who_have_not_submitted()
 {
    let port = free_port();
    let mail = tempfile::tempdir().unwrap();
    let sink = Sink::start(port, mail.path(), None);
    let server = Server::new(&format!("smtp://127.0.0.1:{port}"), &[]);
    let admin = server.admin().await;
    post_mail(&admin, "/admin/s/spam-2022/mail/invitations", &[]).await;
    let got = sink.wait_for(40, 20);
    let link = to_member(&got, "fp@msit.example")[0].link();
    // KR answers from the link in its mail and submits.
    let token = link.rsplit('/').next().unwrap().to_string();
    let app = common::TestApp::unstarted(&server.surveys, tempfile::tempdir().unwrap());
    let app = common::TestApp {
        base: server.base.clone(),
        ..app
    };
    let (status, _) = app.save(&token, "submit", &full_2022()).await;
    assert_eq!(status, 303, "KR submits");
    let got = sink.wait_for(41, 10);
    let thanks = to_member(&got, "fp@msit.example");
    assert_eq!(thanks.len(), 2, "the invitation and the thank-you");
    let thanks = thanks[1];
    assert!(
        thanks.subject().contains("received"),
        "{}",
        thanks.subject()
    );
    assert!(
        thanks.body.contains("Ministère des Télécoms"),
        "the answers in words: {}",
        thanks.body
    );
    assert!(thanks.body.contains("Ana María O'Neil"), "{}", thanks.body);
    assert!(
        !thanks.to().contains("ana@example.org"),
        "the typed address is not a recipient"
    );
    // One action: the reminders, to the 39 with addresses who have not submitted.
    server.wait_settled(10);
    let (status, _) = post_mail(
        &admin,
        "/admin/s/spam-2022/mail/reminders",
        &[("all", "yes")],
    )
    .await;
    assert_eq!(status, 303);
    let got = sink.wait_for(41 + 39, 20);
    let reminders: Vec<&Received> = got[41..].iter().collect();
    assert_eq!(reminders.len(), 39, "every member with an address but KR");
    assert!(
        reminders.iter().all(|r| !r.to().contains("msit.example")),
        "KR has submitted"
    );
    let r = reminders[0];
    assert!(r.subject().starts_with("Reminder"), "{}", r.subject());
    assert!(r.body.contains("This is a reminder"), "{}", r.body);
    assert!(
        r.body.contains("no longer works"),
        "it replaces the invitation's link: {}",
        r.body
    );
    // The old link is dead, the new one opens the form.
    let old = got.iter().find(|x| x.to() == r.to()).unwrap().link();
    assert_eq!(reqwest::get(&old).await.unwrap().status(), 404);
    assert_eq!(reqwest::get(&r.link()).await.unwrap().status(), 200);
}

#[tokio::test]
async fn with_the_smtp_server_down_a_message_is_queued_retried_and_delivered_once_it_is_back() {
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let server = Server::new(&url, &[]);
    // From the command line: queued, not sent, and it says so.
    let (ok, out) = server.command(
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "KR",
            "--send",
        ],
        &url,
    );
    assert!(ok, "{out}");
    assert!(out.contains("Not sent yet"), "{out}");
    let l = server.ledger();
    assert_eq!(l.messages.len(), 1);
    let id = format!("<{}>", l.messages[0].id);
    // The server's sender retries: still down, so still queued, with attempts counted.
    let deadline = Instant::now() + Duration::from_secs(15);
    let retried = loop {
        let m = server.ledger().messages[0].clone();
        if m.attempts >= 2 || Instant::now() > deadline {
            break m;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(retried.state, spam_survey::mail::State::Queued);
    assert!(
        retried.attempts >= 2,
        "retried: {} attempts",
        retried.attempts
    );
    assert!(!retried.reply.is_empty(), "the reason is kept");
    // Back: delivered once.
    let mail = tempfile::tempdir().unwrap();
    let sink = Sink::start(port, mail.path(), None);
    let got = sink.wait_for(1, 15);
    assert_eq!(got.len(), 1, "delivered once it is back");
    assert_eq!(got[0].id(), id);
    let l = server.wait_settled(5);
    assert_eq!(l.messages[0].state, spam_survey::mail::State::Sent);
    assert!(
        l.messages[0].reply.starts_with("250"),
        "{}",
        l.messages[0].reply
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(sink.received().len(), 1, "and not again");
}

#[tokio::test]
async fn a_sender_killed_in_the_middle_of_a_batch_of_40_delivers_each_once_or_shows_it_unknown() {
    use spam_survey::mail::State;
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let mail = tempfile::tempdir().unwrap();
    // The SMTP server keeps each message and answers 0.15 s later: the kill
    // falls while the sender waits for its answer, the worst moment.
    let sink = Sink::start_with(port, mail.path(), None, &["--delay", "0.15"]);
    let mut server = Server::new(&url, &[]);
    let admin = server.admin().await;
    let (status, _) = post_mail(&admin, "/admin/s/spam-2022/mail/invitations", &[]).await;
    assert_eq!(status, 303);
    assert_eq!(
        server.ledger().messages.len(),
        40,
        "the batch is queued whole"
    );
    let before = sink.wait_for(10, 20).len();
    server.kill();
    assert!(before < 40, "killed in the middle ({before} arrived)");
    server.start(&url, &[]);
    let l = server.wait_settled(30);
    let got = sink.received();
    let mut arrived: HashMap<String, usize> = HashMap::new();
    for r in &got {
        *arrived.entry(r.id().to_string()).or_default() += 1;
    }
    assert_eq!(l.messages.len(), 40, "none lost");
    for m in &l.messages {
        let n = arrived.get(&format!("<{}>", m.id)).copied().unwrap_or(0);
        match m.state {
            State::Sent => assert_eq!(n, 1, "{} sent exactly once", m.member),
            State::Unknown => assert!(n <= 1, "{} unknown, arrived {n} times", m.member),
            s => panic!("{} is {s:?} after the restart", m.member),
        }
    }
    assert!(
        arrived.values().all(|&n| n == 1),
        "none repeated: {arrived:?}"
    );
    assert_eq!(arrived.len(), 40, "every message arrived once");
    let unknown: Vec<_> = l
        .messages
        .iter()
        .filter(|m| m.state == State::Unknown)
        .collect();
    assert_eq!(
        unknown.len(),
        1,
        "the one being answered at the kill is unknown, not sent again"
    );
    let admin = server.admin().await;
    let (_, page) = admin.get("/admin/s/spam-2022/mail").await;
    assert!(
        page.contains(&unknown[0].id),
        "the unknown message is shown: {page}"
    );
    assert!(page.contains("Send anew") && page.contains("Drop"));
    // A person drops it: it leaves the list, and nothing is sent.
    let csrf = csrf_of(&page);
    let (status, _) = admin
        .post(
            "/admin/s/spam-2022/mail/resolve",
            &[("csrf", &csrf), ("id", &unknown[0].id), ("action", "drop")],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(
        server.ledger().get(&unknown[0].id).unwrap().state,
        State::Closed
    );
}

#[tokio::test]
async fn an_address_typed_in_a_draft_is_never_used_on_its_own() {
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let mail = tempfile::tempdir().unwrap();
    let sink = Sink::start(port, mail.path(), None);
    let server = Server::new(&url, &[]);
    // NU has no address on the list; its draft names one.
    let (ok, out) = server.command(&["invite", "--survey", "spam-2022", "--member", "NU"], &url);
    assert!(ok, "{out}");
    let token = out
        .lines()
        .find_map(|l| l.split("/r/").nth(1))
        .unwrap()
        .trim()
        .to_string();
    let app = common::TestApp {
        base: server.base.clone(),
        ..common::TestApp::unstarted(&server.surveys, tempfile::tempdir().unwrap())
    };
    let mut draft = full_2022();
    draft.retain(|(k, _)| *k != "P3_email");
    draft.push(("P3_email", "taker@elsewhere.example"));
    let (status, _) = app.save(&token, "draft", &draft).await;
    assert_eq!(status, 303);
    // Neither the command line, nor a batch, nor a chosen reminder mails it.
    let (ok, out) = server.command(
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "NU",
            "--send",
        ],
        &url,
    );
    assert!(!ok && out.contains("has no address"), "{out}");
    assert_eq!(
        reqwest::get(format!("{}/r/{token}", server.base))
            .await
            .unwrap()
            .status(),
        200,
        "no link was ended"
    );
    let admin = server.admin().await;
    post_mail(
        &admin,
        "/admin/s/spam-2022/mail/reminders",
        &[("member", "NU")],
    )
    .await;
    post_mail(
        &admin,
        "/admin/s/spam-2022/mail/reminders",
        &[("all", "yes")],
    )
    .await;
    server.wait_settled(20);
    assert!(
        sink.received()
            .iter()
            .all(|r| !r.to().contains("elsewhere"))
    );
    assert!(server.ledger().messages.iter().all(|m| m.member != "NU"));
    // The ready text's mailto: has no recipient; the address is a suggestion.
    let (_, page) = admin.get("/admin/s/spam-2022/reminders").await;
    let csrf = csrf_of(&page);
    let (_, links) = admin
        .post(
            "/admin/s/spam-2022/reminders",
            &[("csrf", &csrf), ("member", "NU")],
        )
        .await;
    assert!(links.contains("href=\"mailto:?subject="), "{links}");
    assert!(
        links.contains("taker@elsewhere.example"),
        "shown as a suggestion"
    );
    let (_, preview) = admin.get("/admin/s/spam-2022/mail/preview?member=NU").await;
    assert!(
        preview.contains("not used unless you adopt it"),
        "{preview}"
    );
    // Adopted by the secretariat (a POST, audited), it is used.
    let csrf = csrf_of(&preview);
    let (status, _) = admin
        .post(
            "/admin/s/spam-2022/mail/addresses",
            &[
                ("csrf", &csrf),
                ("member", "NU"),
                ("addresses", "taker@elsewhere.example"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, audit) = admin.get("/admin/audit").await;
    assert!(audit.contains("mail addresses set"), "{audit}");
    let before = sink.received().len();
    post_mail(
        &admin,
        "/admin/s/spam-2022/mail/reminders",
        &[("member", "NU")],
    )
    .await;
    let got = sink.wait_for(before + 1, 10);
    assert!(got.last().unwrap().to().contains("taker@elsewhere.example"));
}

#[tokio::test]
async fn the_smtp_password_never_appears_in_the_output_the_logs_the_pages_or_the_data() {
    let secret = "pw-Sekr1t-4711";
    let port = free_port();
    let mail = tempfile::tempdir().unwrap();
    let sink = Sink::start(port, mail.path(), Some(("mailer", secret)));
    let url = format!("smtp://mailer:{secret}@127.0.0.1:{port}");
    let server = Server::new(&url, &[]);
    let admin = server.admin().await;
    let (ok, out) = server.command(
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "KR",
            "--send",
        ],
        &url,
    );
    assert!(ok && out.contains("Sent"), "the account is accepted: {out}");
    // A server that cannot be reached: the failure is printed and recorded without it.
    let wrong = format!("smtp://mailer:{secret}@127.0.0.1:{}", free_port());
    let (_, out_wrong) = server.command(
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "JP",
            "--send",
        ],
        &wrong,
    );
    // A bad URL: the message does not repeat it.
    let (ok, out_bad) = server.command(
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "TH",
            "--send",
        ],
        &format!("smtp://mailer:{secret}@127.0.0.1:{port}/path"),
    );
    assert!(!ok, "{out_bad}");
    let help = Command::new(env!("CARGO_BIN_EXE_spam-survey"))
        .args(["serve", "--help"])
        .env("SPAM_SURVEY_SMTP_URL", &url)
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout).to_string();
    assert!(help.contains("--smtp-url"), "{help}");
    post_mail(&admin, "/admin/s/spam-2022/mail/invitations", &[]).await;
    sink.wait_for(5, 10);
    server.wait_settled(10);
    let (_, page) = admin.get("/admin/s/spam-2022/mail").await;
    assert!(page.contains("smtp://mailer:***@127.0.0.1"), "{page}");
    let (_, preview) = admin.get("/admin/s/spam-2022/mail/preview?member=JP").await;
    let mut seen = vec![
        out,
        out_wrong,
        out_bad,
        help,
        page,
        preview,
        server.printed(),
    ];
    for e in walk(&server.data()) {
        seen.push(String::from_utf8_lossy(&std::fs::read(e).unwrap()).to_string());
    }
    for text in seen {
        assert!(!text.contains(secret), "the password is shown: {text}");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
