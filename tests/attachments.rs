//! Attached documents on a real server on port 0 (and the real binary for
//! the crash): stored under their SHA-256 before the row that names them,
//! durable through SIGKILL, downloaded by the secretariat as a file with
//! the right headers, refused by content and by size with the other
//! answers kept, replaced and removed with every version in the history,
//! and checked by `verify`.

mod common;

use common::{TestApp, csrf_of, encode, pdf, sha256_hex};
use std::path::{Path, PathBuf};

fn types() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/types")
}

/// The address the secretariat downloads `member`'s attachment `bytes` at.
fn file_href(member: &str, bytes: &[u8]) -> String {
    format!("/admin/s/types-2022/m/{member}/files/{}", sha256_hex(bytes))
}

/// The stored attachment `name` of `bytes`, as its answer cell names it.
fn cell(name: &str, bytes: &[u8]) -> String {
    format!(
        "{name}; {} bytes; sha256:{}",
        bytes.len(),
        sha256_hex(bytes)
    )
}

#[tokio::test]
async fn an_attached_pdf_is_stored_privately_under_its_hash_and_named_in_the_row() {
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "KR");
    let page = app.form(&token).await;
    assert!(
        page.contains(r#"enctype="multipart/form-data""#),
        "a form with a file box sends files"
    );
    let law = pdf("Spam Act 2005");
    let (status, location) = app
        .save_with_files(
            &token,
            "draft",
            &[("L1", "Spam Act")],
            &[("L3", "Laws/spam act.pdf", &law)],
        )
        .await;
    assert_eq!(status, 303, "{location}");
    let rows = app.rows("types-2022");
    assert_eq!(
        rows[0]["L3"],
        cell("spam act.pdf", &law),
        "the cell has name, size and hash"
    );
    assert_eq!(rows[0]["L1"], "Spam Act");
    let stored = app.data.path().join("files").join(sha256_hex(&law));
    assert_eq!(std::fs::read(&stored).unwrap(), law);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&stored).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let page = app.form(&token).await;
    assert!(
        page.contains("Attached: <strong>spam act.pdf</strong>"),
        "{page}"
    );

    // Saved again without choosing a file, the attachment stays.
    let (status, _) = app
        .save_with_files(&token, "draft", &[("L1", "Spam Act 2005")], &[])
        .await;
    assert_eq!(status, 303);
    assert_eq!(app.rows("types-2022")[1]["L3"], cell("spam act.pdf", &law));
}

#[tokio::test]
async fn the_secretariat_downloads_an_attachment_as_a_file_with_a_safe_name_and_nosniff() {
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "JP");
    let law = pdf("特定電子メール法");
    let name = "特定電子メール法 (2008); 改正.pdf";
    let (status, _) = app
        .save_with_files(&token, "submit", &[("L1", "Act")], &[("L3", name, &law)])
        .await;
    assert_eq!(status, 303);
    let href = file_href("JP", &law);

    // Signed out: the sign-in page, not the file.
    let r = app.get(&href).await;
    assert_eq!(r.status().as_u16(), 401);

    let admin = app.admin().await;
    let (status, page) = admin.get("/admin/s/types-2022/m/JP").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!(r#"<a href="{href}" download>"#)),
        "{page}"
    );
    let r = admin
        .client
        .get(format!("{}{href}", admin.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let h = |k: &str| {
        r.headers()
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        h("content-type"),
        "application/pdf",
        "the kind its content was checked as"
    );
    assert_eq!(h("x-content-type-options"), "nosniff");
    let disposition = h("content-disposition");
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert!(
        disposition.starts_with("attachment; filename=\"________ (2008), __.pdf\"; filename*=UTF-8''%E7%89%B9%E5%AE%9A%E9%9B%BB%E5%AD%90%E3%83%A1%E3%83%BC%E3%83%AB%E6%B3%95%20%282008%29%2C%20%E6%94%B9%E6%AD%A3.pdf"),
        "an ASCII name and the real one in RFC 5987 form: {disposition}"
    );
    assert!(h("content-security-policy").contains("sandbox"));
    let body = r.bytes().await.unwrap();
    assert_eq!(
        sha256_hex(&body),
        sha256_hex(&law),
        "the bytes downloaded are the bytes attached"
    );

    // A hash no revision of this member names is not served, even if stored.
    let (status, _) = admin.get(&file_href("KR", &law)).await;
    assert_eq!(status, 404);
    let (status, _) = admin
        .get("/admin/s/types-2022/m/JP/files/..%2Fsecret.key")
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_program_or_a_text_named_pdf_is_refused_by_its_content_with_the_other_answers_kept() {
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "TH");
    let program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00 This program cannot be run in DOS mode.".to_vec();
    let text = b"Just some text, renamed to look like a PDF.".to_vec();
    for (name, bytes) in [
        ("setup.exe", &program),
        ("law.pdf", &program),
        ("law.pdf", &text),
    ] {
        let (status, page) = app
            .save_with_files(
                &token,
                "draft",
                &[("L1", "Loi n° 2021-12"), ("L2", "2021-03-04")],
                &[("L3", name, bytes)],
            )
            .await;
        assert_eq!(status, 422, "{name}: {page}");
        assert!(
            page.contains(
                "is not a PDF or Word document (.docx) (its content was checked, not only its name)"
            ),
            "{page}"
        );
        assert!(
            page.contains("Loi n° 2021-12") && page.contains(r#"value="2021-03-04""#),
            "the other answers are kept"
        );
    }
    assert!(
        !app.data.path().join("files").exists(),
        "nothing was stored"
    );
    assert!(app.rows("types-2022").is_empty());
}

#[tokio::test]
async fn a_file_over_the_size_limit_is_refused_with_the_other_answers_kept() {
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "VN");
    let mut big = pdf("big");
    big.resize(65 * 1024, b' ');
    let (status, page) = app
        .save_with_files(
            &token,
            "draft",
            &[("L1", "Cybersecurity Law")],
            &[("L3", "big.pdf", &big)],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("“big.pdf” is 65 KB; the limit is 64 KB."),
        "{page}"
    );
    assert!(page.contains("Cybersecurity Law"));
    assert!(!app.data.path().join("files").exists());

    // Just within the limit, it is taken.
    big.truncate(64 * 1024);
    let (status, _) = app
        .save_with_files(
            &token,
            "draft",
            &[("L1", "Cybersecurity Law")],
            &[("L3", "big.pdf", &big)],
        )
        .await;
    assert_eq!(status, 303);

    // Past the whole body's limit (the answers' 1 MiB and the file's 64 KB): 413.
    let huge = vec![b'%'; 1024 * 1024 + 70 * 1024];
    let csrf = csrf_of(&app.form(&token).await);
    let r = app
        .post_multipart(
            &token,
            &[("csrf", &csrf), ("action", "draft")],
            &[("L3", "huge.pdf", &huge)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 413);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(
            "the form with its attached file is larger than 1.1 MB (a document may be up to 64 KB)"
        ),
        "the page says what was too large: {page}"
    );
}

#[tokio::test]
async fn the_larger_body_limit_is_only_for_a_multipart_form_of_an_edition_with_files() {
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "KR");
    let csrf = csrf_of(&app.form(&token).await);
    // An urlencoded body keeps the 1 MiB limit, even here.
    let long = "x".repeat(1024 * 1024 + 10);
    let r = app
        .post_raw(
            &token,
            encode(&[("csrf", &csrf), ("action", "draft"), ("L1", &long)]),
        )
        .await;
    assert_eq!(r.status().as_u16(), 413);
    // Nor may the answers of a multipart post be longer: only files get more room.
    let r = app
        .post_multipart(
            &token,
            &[("csrf", &csrf), ("action", "draft"), ("L1", &long)],
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 413);
    // And an edition without a file question takes no multipart post at all.
    let dir = tempfile::tempdir().unwrap();
    let members = Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys/members.csv");
    let src = std::fs::read_to_string(types().join("types-2022.toml")).unwrap();
    let without = src[..src.find("[[sections.questions]]\nid = \"L3\"").unwrap()]
        .replace("../../../surveys/members.csv", members.to_str().unwrap());
    std::fs::write(dir.path().join("types-2022.toml"), without).unwrap();
    let plain = TestApp::spawn_with(dir.path()).await;
    let t = plain.invite("types-2022", "KR");
    assert!(
        !plain.form(&t).await.contains("multipart"),
        "its form stays urlencoded"
    );
    let r = plain.post_multipart(&t, &[("action", "draft")], &[]).await;
    assert_eq!(r.status().as_u16(), 415);
}

#[tokio::test]
async fn an_attachment_cannot_be_named_by_a_typed_field_or_a_forged_seal() {
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "JP");
    let csrf = csrf_of(&app.form(&token).await);
    let forged = cell("other.pdf", b"someone else's file");
    let r = app
        .post_raw(
            &token,
            encode(&[("csrf", &csrf), ("action", "draft"), ("L3", &forged)]),
        )
        .await;
    assert_eq!(r.status().as_u16(), 400, "the cell is never typed");
    let r = app
        .post_multipart(
            &token,
            &[
                ("csrf", &csrf),
                ("action", "draft"),
                ("L1", "x"),
                ("L3:kept", &format!("{} {forged}", "00".repeat(32))),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        app.rows("types-2022")[0]["L3"],
        "",
        "a seal that does not match attaches nothing"
    );
}

#[tokio::test]
async fn a_replaced_attachment_keeps_the_earlier_one_in_the_history_and_removing_it_keeps_both() {
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "KR");
    let (first, second) = (pdf("first version"), pdf("second version"));
    app.save_with_files(&token, "draft", &[], &[("L3", "law-v1.pdf", &first)])
        .await;
    let (status, _) = app
        .save_with_files(&token, "submit", &[], &[("L3", "law-v2.pdf", &second)])
        .await;
    assert_eq!(status, 303);
    let (status, _) = app
        .save_with_files(&token, "draft", &[("L3:remove", "1")], &[])
        .await;
    assert_eq!(status, 303);
    let rows = app.rows("types-2022");
    let cells: Vec<&str> = rows.iter().map(|r| r["L3"].as_str()).collect();
    assert_eq!(
        cells,
        [
            cell("law-v1.pdf", &first),
            cell("law-v2.pdf", &second),
            String::new()
        ]
    );
    for bytes in [&first, &second] {
        assert!(
            app.data
                .path()
                .join("files")
                .join(sha256_hex(bytes))
                .is_file(),
            "every version is kept"
        );
    }
    let admin = app.admin().await;
    let (_, page) = admin.get("/admin/s/types-2022/m/KR").await;
    assert!(
        page.contains("law-v1.pdf") && page.contains("law-v2.pdf"),
        "{page}"
    );
    let (status, _) = admin.get(&file_href("KR", &first)).await;
    assert_eq!(status, 200, "the earlier version still downloads");
    let (_, report) = admin.get("/admin/s/types-2022/report").await;
    assert!(
        report.contains("1 member attached a document: Korea (Republic of)."),
        "the report lists who attached one"
    );
}

#[tokio::test]
async fn verify_checks_each_stored_file_against_its_name() {
    let app = TestApp::spawn_with(&types()).await;
    let token = app.invite("types-2022", "TH");
    let law = pdf("verify me");
    app.save_with_files(&token, "draft", &[], &[("L3", "law.pdf", &law)])
        .await;
    let data = app.data.path().to_str().unwrap().to_string();
    let (ok, out) = common::run_command(&["verify", "--data", &data], "");
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!(
            "files/{}: {} bytes, its SHA-256 is its name",
            sha256_hex(&law),
            law.len()
        )),
        "{out}"
    );
    let stored = app.data.path().join("files").join(sha256_hex(&law));
    let mut changed = law.clone();
    changed[20] ^= 1;
    std::fs::write(&stored, &changed).unwrap();
    let (ok, out) = common::run_command(&["verify", "--data", &data], "");
    assert!(!ok, "a changed attachment fails verify: {out}");
    assert!(
        out.contains("its content has the SHA-256") && out.contains("the file was changed"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acknowledged_attachment_survives_sigkill_with_its_row_and_its_hash() {
    let data = tempfile::tempdir().unwrap();
    let surveys = spam_survey::definition::load_dir(&common::bundled_surveys()).unwrap();
    let token = {
        let store = spam_survey::store::Store::open_for_invitations(data.path(), surveys).unwrap();
        store.invitations.issue("spam-2022", "KR").unwrap()
    };
    let (mut server, base) = common::start_binary(data.path());
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http
        .get(format!("{base}/r/{token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"enctype="multipart/form-data""#),
        "the 2022 form takes B1's legislation as a file"
    );
    let law = pdf("Spam Act, as in force");
    let (content_type, body) = common::multipart(
        &[
            ("csrf", &csrf_of(&page)),
            ("action", "draft"),
            ("B1", "dedicated_law"),
        ],
        &[("B2a", "spam-act.pdf", &law)],
    );
    let r = http
        .post(format!("{base}/r/{token}"))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "acknowledged");
    server.kill().expect("SIGKILL"); // at once, after the acknowledgement
    server.wait().unwrap();

    let (mut server, _) = common::start_binary(data.path());
    let stored =
        std::fs::read(data.path().join("files").join(sha256_hex(&law))).expect("the file is there");
    assert_eq!(sha256_hex(&stored), sha256_hex(&law));
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_path(data.path().join("spam-2022/responses.csv"))
            .unwrap()
            .records()
            .map(Result::unwrap)
            .collect();
    let header = csv::Reader::from_path(data.path().join("spam-2022/responses.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    let at = header.iter().position(|h| h == "B2a").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][at], cell("spam-act.pdf", &law));
    server.kill().unwrap();
    server.wait().unwrap();
}
