//! The test harness: a real server on port 0 with its own temporary data
//! directory, and one helper per thing a test does to it.
#![allow(dead_code)]

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use spam_survey::definition;
use spam_survey::store::Store;
use spam_survey::web::{self, AppState, Settings};

/// The password of every test server's first account, `admin` (long
/// enough and on no list of common passwords).
pub const ADMIN_PASSWORD: &str = "a test server's secretariat passphrase";
/// The name of the first account.
pub const ADMIN: &str = "admin";
use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

pub struct TestApp {
    pub base: String,
    /// Serve cookies as Secure (as behind a TLS proxy).
    pub secure_cookies: bool,
    pub data: tempfile::TempDir,
    pub surveys: PathBuf,
    pub client: reqwest::Client,
    /// The bound of the member's page cache, when a test sets one.
    pub page_cache_bytes: Option<u64>,
    /// The running server's state, for a test to look into.
    pub state: Option<actix_web::web::Data<AppState>>,
    /// How long sessions last (the defaults unless a test shortens them).
    pub sessions: spam_survey::accounts::sessions::Lifetimes,
    pub trust_proxy: bool,
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// The bundled questionnaire definitions.
pub fn bundled_surveys() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys")
}

/// Encodes pairs as a form body.
pub fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of the hidden form token in a page.
pub fn csrf_of(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("the page has a form token") + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(&bundled_surveys()).await
    }

    pub async fn spawn_with(surveys: &Path) -> TestApp {
        TestApp::spawn_on(surveys, tempfile::tempdir().expect("a temporary directory")).await
    }

    /// A server that marks its cookies Secure, as behind a TLS proxy.
    pub async fn spawn_with_secure_cookies() -> TestApp {
        let data = tempfile::tempdir().expect("a temporary directory");
        let app = TestApp {
            base: String::new(),
            secure_cookies: true,
            data,
            surveys: bundled_surveys(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a client"),
            page_cache_bytes: None,
            state: None,
            sessions: Default::default(),
            trust_proxy: false,
            trusted_proxies: Vec::new(),
        };
        app.start().await
    }

    /// A server on a data directory the test prepared (a small filesystem, say).
    pub async fn spawn_on(surveys: &Path, data: tempfile::TempDir) -> TestApp {
        TestApp::unstarted(surveys, data).start().await
    }

    /// A server whose member's page cache holds at most `bytes`.
    pub async fn spawn_with_page_cache(bytes: u64) -> TestApp {
        let data = tempfile::tempdir().expect("a temporary directory");
        let mut app = TestApp::unstarted(&bundled_surveys(), data);
        app.page_cache_bytes = Some(bytes);
        app.start().await
    }

    /// A server not started yet, for a test to set up before [`TestApp::start`].
    pub fn unstarted(surveys: &Path, data: tempfile::TempDir) -> TestApp {
        TestApp {
            base: String::new(),
            secure_cookies: false,
            data,
            surveys: surveys.to_path_buf(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a client"),
            page_cache_bytes: None,
            state: None,
            sessions: Default::default(),
            trust_proxy: false,
            trusted_proxies: Vec::new(),
        }
    }

    /// The member's page cache of the running server.
    pub fn page_cache(&self) -> &web::page_cache::PageCache {
        &self.state.as_ref().expect("the server runs").page_cache
    }

    /// Starts (or restarts) the server on the same data directory.
    pub async fn start(mut self) -> TestApp {
        let defs = definition::load_dir(&self.surveys).expect("the definitions load");
        let store = Store::open(self.data.path(), defs).expect("the store opens");
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("an address").port();
        self.base = format!("http://127.0.0.1:{port}");
        // Every field is set today; the rest stays for settings yet to come.
        #[allow(clippy::needless_update)]
        let settings = Settings {
            base_url: self.base.clone(),
            admin_password: Some(ADMIN_PASSWORD.into()),
            secure_cookies: self.secure_cookies,
            trust_proxy: self.trust_proxy,
            trusted_proxies: self.trusted_proxies.clone(),
            sessions: self.sessions,
            ..Settings::default()
        };
        let (mut state, _) = AppState::new(store, settings).expect("the state sets up");
        if let Some(bytes) = self.page_cache_bytes {
            state.page_cache = web::page_cache::PageCache::new(bytes);
        }
        let state = actix_web::web::Data::new(state);
        self.state = Some(state.clone());
        let server = web::run(listener, state).expect("the server starts");
        tokio::spawn(server);
        self
    }

    fn invitations(&self) -> Store {
        let defs = definition::load_dir(&self.surveys).expect("the definitions load");
        Store::open_for_invitations(self.data.path(), defs).expect("the data directory opens")
    }

    /// Issues a link as `spam-survey invite` does, beside the running server.
    pub fn invite(&self, survey: &str, member: &str) -> String {
        self.invitations()
            .invitations
            .issue(survey, member)
            .expect("an invitation")
    }

    pub fn revoke(&self, survey: &str, member: &str) -> bool {
        self.invitations()
            .invitations
            .revoke(survey, member)
            .expect("a revocation")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("the server answers")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.expect("a body"))
    }

    /// The member's form page.
    pub async fn form(&self, token: &str) -> String {
        let (status, body) = self.get_text(&format!("/r/{token}")).await;
        assert_eq!(status, 200, "the form opens: {body}");
        body
    }

    /// Posts a raw body to a member's form.
    pub async fn post_raw(&self, token: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.client
            .post(format!("{}/r/{token}", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("the server answers")
    }

    /// Saves answers as the browser would: with the page's form token and the button pressed.
    pub async fn save(&self, token: &str, action: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let csrf = csrf_of(&self.form(token).await);
        let mut all: Vec<(&str, &str)> = vec![("csrf", &csrf), ("action", action)];
        all.extend_from_slice(fields);
        let r = self.post_raw(token, encode(&all)).await;
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        let body = r.text().await.expect("a body");
        (status, location.unwrap_or(body))
    }

    /// Every row of an edition's responses file, as header → value.
    pub fn rows(&self, survey: &str) -> Vec<HashMap<String, String>> {
        let path = self.data.path().join(survey).join("responses.csv");
        let mut reader = csv::Reader::from_path(path).expect("the responses file");
        let header: Vec<String> = reader
            .headers()
            .expect("a header")
            .iter()
            .map(str::to_string)
            .collect();
        reader
            .records()
            .map(|r| {
                let r = r.expect("a whole row");
                header
                    .iter()
                    .cloned()
                    .zip(r.iter().map(str::to_string))
                    .collect()
            })
            .collect()
    }
}

/// A complete, valid submission to the 2022 edition, with awkward text.
pub fn full_2022() -> Vec<(&'static str, &'static str)> {
    vec![
        ("P1", "Ministère des Télécoms, \"Spam\" Unit, 総務省"),
        ("P2", "other"),
        ("P2_other_text", "Joint task force"),
        ("P3_name", "Ana María O'Neil"),
        ("P3_position", "Director, Consumer Affairs"),
        ("P3_email", "ana@example.org"),
        ("A1", "4"),
        ("A2", "email"),
        ("A2", "sms"),
        ("A2", "other"),
        ("A2_other_text", "Push notifications"),
        ("A3_email", "3"),
        ("A3_sms", "5"),
        ("A3_other", "2"),
        ("A4", "sms"),
        ("A5", "phishing"),
        ("A5", "loans"),
        ("A6_email", "same"),
        ("A6_sms", "increased"),
        ("A7", "abroad"),
        ("A8", "Country X; region Y"),
        ("A9", "yes"),
        ("A10_2019", "1,200"),
        ("A10_2020:unknown", "1"),
        ("A10_2021", "0"),
        ("A11_sms", "350"),
        ("A11_email:unknown", "1"),
        ("A12", "=SUM(A1:A9)\r\nline two, with a comma"),
        ("B1", "dedicated_law"),
        ("B2", "Spam Act 2003 (amended 2021)"),
        ("B3", "email"),
        ("B4", "different"),
        ("B5_email", "opt_in"),
        ("B5_sms", "opt_out"),
        ("B6", "sender_id"),
        ("B7", "yes"),
        ("B8", "admin_fine"),
        ("B9", "+1000 USD"),
        ("B10", "no"),
        ("B11", "-"),
        ("B12", "yes"),
        ("C1", "@Regulator"),
        ("C2", "regulator"),
        ("C3", "\ttab-led text"),
        ("C4", "investigate"),
        ("C5_2019", "3"),
        ("C5_2020", "4"),
        ("C5_2021:unknown", "1"),
        ("D1", "yes"),
        ("D2", "web_portal"),
        ("D3", "sms_firewall"),
        ("D4", "yes"),
        ("D5", "1 million"),
        ("E1", "yes"),
        ("E2", "elderly"),
        ("E3", "no"),
        ("F1", "ucenet"),
        ("F2", "Two MoUs"),
        ("F3_sent", "5"),
        ("F3_received", "7"),
        ("F4", "language"),
        ("F5", "maybe"),
        ("F6", "training"),
        ("G1", "spoofing"),
        ("G1", "foreign_spam"),
        ("G1", "awareness"),
        ("G2_1", "foreign_spam"),
        ("G2_2", "spoofing"),
        ("G2_3", "awareness"),
        ("G3", "statistics"),
        ("G4", "<script>alert(1)</script> & \"quotes\""),
        ("G5", "Emoji 🙂 and ÅÄÖ"),
    ]
}

/// A browser of the secretariat: keeps its cookies.
pub struct Admin {
    pub client: reqwest::Client,
    pub base: String,
}

/// The value of the first hidden form token in a page.
pub fn first_csrf(page: &str) -> String {
    csrf_of(page)
}

impl TestApp {
    /// A new browser with no session.
    pub fn browser(&self) -> Admin {
        Admin {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a client"),
            base: self.base.clone(),
        }
    }

    /// A browser signed in to the workspace as `admin`.
    pub async fn admin(&self) -> Admin {
        self.signed_in_as(ADMIN, ADMIN_PASSWORD).await
    }

    /// A browser signed in as `name`.
    pub async fn signed_in_as(&self, name: &str, password: &str) -> Admin {
        let a = self.browser();
        let (status, body) = a.sign_in_as(name, password, "").await;
        assert_eq!(status, 303, "{name} signs in: {body}");
        a
    }

    /// Adds an account as `spam-survey user add` does, beside the server.
    pub fn add_account(&self, name: &str, role: &str, password: &str) {
        let accounts =
            spam_survey::accounts::Accounts::open(self.data.path()).expect("the accounts");
        let role = spam_survey::accounts::Role::parse(role).expect("a role");
        accounts
            .add(name, role, password)
            .expect("the account is added");
    }
}

impl Admin {
    pub async fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("the server answers");
        let status = r.status().as_u16();
        (status, r.text().await.expect("a body"))
    }

    /// Signs in as `admin` with `password` from a fresh sign-in page; the raw answer.
    pub async fn sign_in_response(&self, password: &str) -> reqwest::Response {
        let (_, page) = self.get("/admin").await;
        let csrf = csrf_of(&page);
        self.client
            .post(format!("{}/admin/login", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(encode(&[
                ("csrf", &csrf),
                ("name", ADMIN),
                ("password", password),
            ]))
            .send()
            .await
            .expect("the server answers")
    }

    /// Opens the sign-in page and signs in as `admin` with `password`; the
    /// status and the Location or body.
    pub async fn sign_in(&self, password: &str) -> (u16, String) {
        self.sign_in_as(ADMIN, password, "").await
    }

    /// Signs in as `name` with `password` and a second factor's `code`.
    pub async fn sign_in_as(&self, name: &str, password: &str, code: &str) -> (u16, String) {
        let (_, page) = self.get("/admin").await;
        let csrf = csrf_of(&page);
        self.post(
            "/admin/login",
            &[
                ("csrf", &csrf),
                ("name", name),
                ("password", password),
                ("code", code),
                ("next", "/admin"),
            ],
        )
        .await
    }

    /// Posts a form; the status and the Location (for a redirect) or the body.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(encode(fields))
            .send()
            .await
            .expect("the server answers");
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        let body = r.text().await.expect("a body");
        (status, location.unwrap_or(body))
    }

    /// Posts a form of the page at `from`, with that page's form token.
    pub async fn post_from(
        &self,
        from: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String) {
        let (_, page) = self.get(from).await;
        let csrf = csrf_of(&page);
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(path, &all).await
    }
}

/// The invitation token in a page that shows a new link.
pub fn token_in(page: &str) -> String {
    let start = page.find("/r/").expect("the page shows a link") + 3;
    page[start..start + 43].to_string()
}

/// Starts the real binary on a free port; returns it and its address once it listens.
pub fn start_binary(data: &Path) -> (std::process::Child, String) {
    start_binary_with(data, &[], None)
}

/// Runs `spam-survey ARGS` to its end, with `input` on standard input; the
/// exit status and standard output.
pub fn run_command(args: &[&str], input: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_spam-survey"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    let out = child.wait_with_output().expect("the command ends");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A tmpfs of `size` mounted on a fresh directory; unmounted when dropped.
pub struct SmallDisk {
    dir: Option<tempfile::TempDir>,
}

impl SmallDisk {
    /// None when this user may not mount (not root).
    pub fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir: Some(dir) })
    }
    pub fn path(&self) -> &Path {
        self.dir.as_ref().unwrap().path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            // Lazily: the in-process server of the test may still hold a file open.
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(dir.path())
                .status();
        }
    }
}

/// Fills the filesystem at `dir` until a write fails.
pub fn fill(dir: &Path) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let block = vec![b'x'; 4096];
    while f.write_all(&block).is_ok() {}
    let _ = f.sync_all();
    path
}

/// Starts the real binary with more arguments to `serve`, and under a
/// limit of open files when one is given (`ulimit -n` in a shell that then
/// becomes the server).
pub fn start_binary_with(
    data: &Path,
    extra: &[&str],
    open_files: Option<u32>,
) -> (std::process::Child, String) {
    // The data directory and its first account made here, once: the
    // account's argon2 hash and fsyncs would otherwise fall in the first
    // moments of the server, which tests that kill it early must not wait for.
    if !data.join("secret.key").exists() {
        let defs = definition::load_dir(&bundled_surveys()).expect("the bundled definitions");
        drop(Store::open(data, defs).expect("the data directory"));
    }
    spam_survey::accounts::Accounts::open(data)
        .and_then(|a| a.first_start(Some(ADMIN_PASSWORD)))
        .expect("the first account");
    let bin = env!("CARGO_BIN_EXE_spam-survey");
    let mut command = match open_files {
        Some(n) => {
            let mut c = std::process::Command::new("sh");
            c.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\""), bin]);
            c
        }
        None => std::process::Command::new(bin),
    };
    let mut child = command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .arg("--surveys")
        .arg(bundled_surveys())
        .arg("--data")
        .arg(data)
        .args(extra)
        .env("SPAM_SURVEY_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not say it was listening"
        );
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(addr) = line.strip_prefix("spam-survey is listening on ") {
                    // Keep draining stdout so the server never blocks on a full pipe.
                    std::thread::spawn(move || for _ in lines.by_ref() {});
                    return (child, addr.trim().to_string());
                }
            }
            _ => {
                let out = child.wait_with_output().expect("the server's output");
                panic!(
                    "the server did not start cleanly: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
}

/// A `multipart/form-data` body of text `fields` and `files` (field name,
/// file name, bytes), as a browser sends a form with a file box; the
/// Content-Type to send it with.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----spam-survey-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A small PDF whose text is `marker` (only its header makes it a PDF to
/// the checks; the rest makes each one's hash differ).
pub fn pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {marker}\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        .into_bytes()
}

/// The SHA-256 of `bytes`, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The value of the hidden field `name` in a page, if there is one.
pub fn hidden_value(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    page[start..].split('"').next().map(str::to_string)
}

impl TestApp {
    /// Posts a multipart form to a member's form at `base`.
    pub async fn post_multipart(
        &self,
        token: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> reqwest::Response {
        let (content_type, body) = multipart(fields, files);
        self.client
            .post(format!("{}/r/{token}", self.base))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("the server answers")
    }

    /// Saves answers and files as the browser would (the page's form token,
    /// the button pressed, the attachment the page shows kept): the status
    /// and the Location or the body.
    pub async fn save_with_files(
        &self,
        token: &str,
        action: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> (u16, String) {
        let page = self.form(token).await;
        let csrf = csrf_of(&page);
        let mut all: Vec<(String, String)> =
            vec![("csrf".into(), csrf), ("action".into(), action.into())];
        // Every attachment the page shows is posted back, as a browser does.
        let mut rest = page.as_str();
        while let Some(at) = rest.find(":kept\" value=\"") {
            let name_start = rest[..at].rfind("name=\"").expect("a field name") + 6;
            let name = format!("{}:kept", &rest[name_start..at]);
            let value_start = at + ":kept\" value=\"".len();
            let value = rest[value_start..].split('"').next().unwrap_or_default();
            let value = value
                .replace("&#34;", "\"")
                .replace("&#39;", "'")
                .replace("&#60;", "<")
                .replace("&#62;", ">")
                .replace("&#38;", "&");
            all.push((name, value));
            rest = &rest[value_start..];
        }
        all.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = self.post_multipart(token, &refs, files).await;
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        let body = r.text().await.expect("a body");
        (status, location.unwrap_or(body))
    }
}
