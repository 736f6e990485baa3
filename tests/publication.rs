//! Publication: an editor publishes a closed edition, the public reads and
//! downloads it with no sign-in, the files never change, and nothing
//! private is in any public byte. Against the real binary (demo data) and
//! a real server on port 0 (the workspace's buttons).

mod common;

use common::{ADMIN_PASSWORD, TestApp, bundled_surveys, full_2022, run_command, start_binary};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

/// Kills the server it holds when the test ends, however it ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn cli(args: &[&str], data: &Path) -> (bool, String) {
    let mut all: Vec<&str> = args.to_vec();
    let surveys = bundled_surveys();
    all.extend(["--data", data.to_str().unwrap()]);
    all.extend(["--surveys", surveys.to_str().unwrap()]);
    run_command(&all, "")
}

async fn get(client: &reqwest::Client, url: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let r = client.get(url).send().await.expect("the server answers");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.expect("a body").to_vec())
}

/// Every `href` of a page that stays on the site.
fn links(page: &str) -> Vec<String> {
    page.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|l| l.starts_with('/') && !l.starts_with("//") && !l.starts_with("/static"))
        .map(|l| l.replace("&amp;", "&"))
        .collect()
}

/// Each entry of a ZIP file (the ZIP download, or a workbook), unpacked.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP file");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).expect("an entry");
            let mut out = Vec::new();
            f.read_to_end(&mut out).expect("the entry reads");
            (f.name().expect("a name").to_string(), out)
        })
        .collect()
}

/// The values of the demo data that must never be public: every answer of
/// a private question, and every free text of a question whose texts are
/// not public (unless the same text is also a public answer).
fn private_values(data: &Path) -> BTreeSet<String> {
    let defs = spam_survey::definition::load_dir(&bundled_surveys()).unwrap();
    let mut withheld = BTreeSet::new();
    let mut public = BTreeSet::new();
    for survey in &defs {
        let (ok, all) = cli(
            &[
                "export",
                "--survey",
                &survey.id,
                "--kind",
                "responses",
                "--raw",
            ],
            data,
        );
        assert!(ok, "{all}");
        let csv_text = &all[all.find("member,").unwrap()..];
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        for row in reader.records() {
            let row = row.unwrap();
            for (h, v) in headers.iter().zip(row.iter()) {
                let Some(i) = survey.column_index(h) else {
                    continue;
                };
                let column = &survey.columns()[i];
                let q = survey.question_at(column.question).unwrap();
                // Decided here from the definition, not by the code under test.
                let free_text = matches!(q.kind, spam_survey::definition::Kind::Text { .. })
                    || matches!(column.cell, spam_survey::definition::Cell::Specify { .. });
                let withheld_file =
                    matches!(&q.kind, spam_survey::definition::Kind::File(r) if !r.public);
                if !q.private && !withheld_file && (!free_text || q.texts_public) {
                    public.insert(v.to_string());
                } else if v.chars().count() >= 6 {
                    withheld.insert(v.to_string());
                }
            }
        }
    }
    withheld.retain(|v| !public.contains(v));
    withheld
}

/// Demo data of both editions, 2022 closed and both published with the
/// real commands; the data directory.
fn published_demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for ed in ["spam-2021", "spam-2022"] {
        let (ok, out) = cli(&["demo", "--survey", ed], &data);
        assert!(ok, "{out}");
    }
    let (ok, out) = cli(&["publish", "--survey", "spam-2022"], &data);
    assert!(!ok, "an open edition is refused: {out}");
    assert!(out.contains("still open"), "{out}");
    assert!(
        !data.join("published").join("spam-2022").exists(),
        "a refused publication makes nothing"
    );
    let (ok, out) = cli(&["close", "--survey", "spam-2022"], &data);
    assert!(ok, "{out}");
    for ed in ["spam-2021", "spam-2022"] {
        let (ok, out) = cli(&["publish", "--survey", ed], &data);
        assert!(ok, "{out}");
    }
    dir
}

#[tokio::test]
async fn an_anonymous_visitor_finds_the_demo_edition_reads_every_file_back_and_no_private_value_is_public()
 {
    let dir = published_demo();
    let data = dir.path().join("data");
    let secrets = private_values(&data);
    assert!(
        secrets.iter().any(|s| s.contains("Focal point"))
            && secrets.iter().any(|s| s.contains('@')),
        "the demo data has contact persons to look for: {secrets:?}"
    );
    let (child, base) = start_binary(&data);
    let _server = Server(child);
    // A new connection per request: the server closes idle ones.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();

    // Crawl every public page and file from the home page, as a visitor would.
    let mut seen: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut queue = vec!["/".to_string()];
    while let Some(path) = queue.pop() {
        if seen.contains_key(&path) || path.starts_with("/admin") || path.starts_with("/r/") {
            continue;
        }
        let (status, headers, body) = get(&client, &format!("{base}{path}")).await;
        assert_eq!(status, 200, "{path}");
        if headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
        {
            queue.extend(links(&String::from_utf8_lossy(&body)));
        }
        seen.insert(path, body);
    }
    let home = String::from_utf8_lossy(&seen["/"]).to_string();
    assert!(home.contains("href=\"/data/spam-2022\""), "{home}");
    assert!(home.contains("href=\"/data/spam-2021\""), "{home}");
    for file in [
        "spam-2022-responses.csv",
        "spam-2022-responses-labels.csv",
        "spam-2022-long.csv",
        "spam-2022-codebook.csv",
        "spam-2022.xlsx",
        "datapackage.json",
        "report.html",
        "spam-2022-v1.zip",
        "manifest.json",
    ] {
        assert!(
            seen.contains_key(&format!("/data/spam-2022/v1/{file}")),
            "the edition page links {file}: {:?}",
            seen.keys()
        );
    }
    assert!(seen.contains_key("/data/spam-2022/series-long.csv"));

    // Every public byte, the ZIP's and the workbook's entries unpacked too.
    let mut public: Vec<(String, Vec<u8>)> = Vec::new();
    for (path, body) in &seen {
        if path.ends_with(".zip") || path.ends_with(".xlsx") {
            for (name, inner) in unzip(body) {
                if name.ends_with(".xlsx") {
                    public.extend(unzip(&inner));
                }
                public.push((format!("{path}!{name}"), inner));
            }
        }
        public.push((path.clone(), body.clone()));
    }
    for (path, bytes) in &public {
        let text = String::from_utf8_lossy(bytes);
        for secret in &secrets {
            // The pages escape what they show; look for both spellings.
            let escaped = secret
                .replace('&', "&amp;")
                .replace('\'', "&#39;")
                .replace('"', "&quot;")
                .replace('<', "&lt;");
            assert!(
                !text.contains(secret.as_str()) && !text.contains(&escaped),
                "{path} holds the private value {secret:?}"
            );
        }
    }

    // The CSV files read back with the csv crate: one row per respondent,
    // no private column.
    let manifest: serde_json::Value =
        serde_json::from_slice(&seen["/data/spam-2022/v1/manifest.json"]).unwrap();
    let respondents = manifest["respondents"].as_u64().unwrap() as usize;
    assert!(respondents > 10);
    for name in ["spam-2022-responses.csv", "spam-2022-responses-labels.csv"] {
        let bytes = &seen[&format!("/data/spam-2022/v1/{name}")];
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let headers = reader.headers().unwrap().clone();
        for kept in ["P1", "P2", "A1", "A2", "A2_email", "A4", "A5", "A10_2021"] {
            assert!(
                headers.iter().any(|h| h == kept),
                "{name} has {kept}: {headers:?}"
            );
        }
        assert!(
            !headers.iter().any(|h| h.ends_with("_text")),
            "no \"please specify\" text: {headers:?}"
        );
        assert!(
            !headers.iter().any(|h| h.starts_with("P3") || h == "A12"),
            "{name}: {headers:?}"
        );
        assert_eq!(reader.records().filter_map(Result::ok).count(), respondents);
    }
    let long = &seen["/data/spam-2022/v1/spam-2022-long.csv"];
    let mut reader = csv::Reader::from_reader(long.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["member", "question", "column", "cell", "value", "label"]
    );
    assert!(reader.records().all(|r| r.unwrap().get(1) != Some("P3")));
    let series = &seen["/data/spam-2022/series-long.csv"];
    let mut reader = csv::Reader::from_reader(series.as_slice());
    let editions: BTreeSet<String> = reader
        .records()
        .map(|r| r.unwrap().get(0).unwrap().to_string())
        .collect();
    assert_eq!(
        editions,
        BTreeSet::from(["spam-2021".into(), "spam-2022".into()])
    );

    // The public report is built from the published responses: its figures
    // are the live report's (every base and every number in a cell), beside
    // the published 2021, and it quotes no withheld text.
    let live = dir.path().join("live.html");
    let (ok, out) = cli(
        &[
            "report",
            "--survey",
            "spam-2022",
            "--out",
            live.to_str().unwrap(),
        ],
        &data,
    );
    assert!(ok, "{out}");
    let live = std::fs::read_to_string(&live).unwrap();
    let public_report =
        String::from_utf8_lossy(&seen["/data/spam-2022/v1/report.html"]).to_string();
    assert!(public_report.contains("Comparisons with 2021"));
    let figures = |html: &str| -> Vec<String> {
        html.split("<td")
            .skip(1)
            .filter_map(|cell| {
                let text = cell.split_once('>')?.1.split('<').next()?;
                text.chars()
                    .all(|c| c.is_ascii_digit() || c == ' ' || c == '%')
                    .then(|| text.to_string())
            })
            .chain(
                html.split("Base")
                    .skip(1)
                    .filter_map(|b| b.split('<').next().map(str::to_string)),
            )
            .collect()
    };
    assert_eq!(figures(&public_report), figures(&live));

    // The workbook read back with calamine: its three sheets, numbers typed.
    use calamine::Reader;
    let bytes = seen["/data/spam-2022/v1/spam-2022.xlsx"].clone();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("the workbook opens");
    assert_eq!(book.sheet_names(), ["Responses", "Codebook", "About"]);
    let sheet = book.worksheet_range("Responses").unwrap();
    assert_eq!(sheet.height(), respondents + 1);
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let a1 = header.iter().position(|h| h == "A1").unwrap();
    assert!(
        sheet
            .rows()
            .skip(1)
            .any(|r| matches!(r[a1], calamine::Data::Float(_))),
        "scale points are numbers"
    );
    assert!(!header.iter().any(|h| h.starts_with("P3")));

    // The SHA-256 of each file is the manifest's, and a second download is the same.
    for f in manifest["files"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap();
        let path = format!("/data/spam-2022/v1/{name}");
        let (_, headers, again) = get(&client, &format!("{base}{path}")).await;
        assert_eq!(
            again, seen[&path],
            "{name} is the same on a second download"
        );
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&again));
        assert_eq!(sha, f["sha256"].as_str().unwrap(), "{name}");
        assert_eq!(headers["etag"], format!("\"{sha}\"").as_str());
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let r = client
            .get(format!("{base}{path}"))
            .header("If-None-Match", format!("\"{sha}\""))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 304, "{name}");
    }
}

async fn submit(app: &TestApp, member: &str, p1: &str) {
    let token = app.invite("spam-2022", member);
    let mut fields = full_2022();
    fields.retain(|(k, _)| *k != "P1");
    fields.push(("P1", p1));
    let (status, body) = app.save(&token, "submit", &fields).await;
    assert_eq!(status, 303, "{body}");
}

#[tokio::test]
async fn publishing_is_refused_on_an_open_edition_and_for_a_viewer() {
    let app = TestApp::spawn().await;
    submit(&app, "KR", "Korea Communications Commission").await;
    let admin = app.admin().await;
    let (status, page) = admin
        .post_from(
            "/admin/s/spam-2022/publication",
            "/admin/s/spam-2022/publication",
            &[("action", "publish")],
        )
        .await;
    assert_eq!(status, 403, "{page}");
    assert!(page.contains("still open"), "{page}");
    admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/round",
            &[("action", "close")],
        )
        .await;
    app.add_account("reader", "viewer", ADMIN_PASSWORD);
    let viewer = app.signed_in_as("reader", ADMIN_PASSWORD).await;
    let (_, page) = viewer.get("/admin/s/spam-2022/publication").await;
    assert!(
        !page.contains("value=\"publish\""),
        "a viewer is not offered the button"
    );
    let (status, page) = viewer
        .post_from(
            "/admin/s/spam-2022/publication",
            "/admin/s/spam-2022/publication",
            &[("action", "publish")],
        )
        .await;
    assert_eq!(status, 403, "{page}");
    // A forged form (no token) is refused too, even for an admin.
    let (status, _) = admin
        .post("/admin/s/spam-2022/publication", &[("action", "publish")])
        .await;
    assert_eq!(status, 403);
    assert!(!app.data.path().join("published").join("spam-2022").exists());
    let (_, home) = app.get_text("/").await;
    assert!(home.contains("No edition is published yet"), "{home}");
}

#[tokio::test]
async fn the_home_page_lists_an_edition_once_published_not_after_withdrawal_and_files_stay_byte_identical()
 {
    let app = TestApp::spawn().await;
    submit(&app, "KR", "Korea Communications Commission").await;
    submit(
        &app,
        "JP",
        "Ministry of Internal Affairs and Communications",
    )
    .await;
    let admin = app.admin().await;
    let (_, home) = app.get_text("/").await;
    assert!(!home.contains("href=\"/data/spam-2022\""), "{home}");
    admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/round",
            &[("action", "close")],
        )
        .await;
    let publish = |action: &'static str| {
        let admin = &admin;
        async move {
            admin
                .post_from(
                    "/admin/s/spam-2022/publication",
                    "/admin/s/spam-2022/publication",
                    &[("action", action)],
                )
                .await
        }
    };
    let (status, to) = publish("publish").await;
    assert_eq!(
        (status, to.as_str()),
        (303, "/admin/s/spam-2022/publication?notice=published")
    );
    let (_, home) = app.get_text("/").await;
    assert!(home.contains("href=\"/data/spam-2022\""), "{home}");
    assert!(home.contains("<td>2</td>"), "two respondents: {home}");
    let (status, page) = app.get_text("/data/spam-2022").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("CC-BY-4.0") && page.contains("Cite as:"),
        "{page}"
    );
    let file = "/data/spam-2022/v1/spam-2022-responses.csv";
    let first = app.get(file).await.bytes().await.unwrap();
    assert!(String::from_utf8_lossy(&first).contains("Korea Communications Commission"));

    // New saves after reopening change no published byte.
    admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/round",
            &[("action", "reopen")],
        )
        .await;
    submit(
        &app,
        "TH",
        "National Broadcasting and Telecommunications Commission",
    )
    .await;
    submit(&app, "KR", "KCC after the publication").await;
    let after = app.get(file).await.bytes().await.unwrap();
    assert_eq!(
        first, after,
        "a published file does not change with new saves"
    );

    // Withdrawn: off the home page, its pages and files gone.
    let (status, _) = publish("withdraw").await;
    assert_eq!(status, 303);
    let (_, home) = app.get_text("/").await;
    assert!(!home.contains("href=\"/data/spam-2022\""), "{home}");
    assert_eq!(app.get_text("/data/spam-2022").await.0, 404);
    assert_eq!(app.get(file).await.status().as_u16(), 404);

    // Published again (closed again first): version 2 with the new answers,
    // version 1 still listed and still the same bytes.
    admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/round",
            &[("action", "close")],
        )
        .await;
    let (status, _) = publish("publish").await;
    assert_eq!(status, 303);
    let (_, page) = app.get_text("/data/spam-2022").await;
    assert!(page.contains("version 2, published"), "{page}");
    assert!(page.contains("href=\"/data/spam-2022/v1\""), "{page}");
    let v2 = app
        .get("/data/spam-2022/v2/spam-2022-responses.csv")
        .await
        .bytes()
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&v2).contains("KCC after the publication"));
    assert_eq!(app.get(file).await.bytes().await.unwrap(), first);

    // Every step is in the audit log.
    let (_, audit) = admin.get("/admin/audit").await;
    assert_eq!(audit.matches("edition published").count(), 2, "{audit}");
    assert_eq!(audit.matches("edition withdrawn").count(), 1, "{audit}");
}

#[test]
fn withdrawing_an_edition_that_is_not_published_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (ok, out) = cli(&["demo", "--survey", "spam-2021"], &data);
    assert!(ok, "{out}");
    let (ok, out) = cli(&["publish", "--survey", "spam-2021", "--withdraw"], &data);
    assert!(!ok, "{out}");
    assert!(out.contains("not published"), "{out}");
    assert!(!data.join("publications.csv").exists());
    let (ok, out) = cli(&["publish", "--survey", "spam-2099"], &data);
    assert!(!ok && out.contains("spam-2099"), "{out}");
}

/// Loads a one-question edition with `head` added to its edition keys and
/// `question` added to its question; the errors' messages, or none.
fn definition_errors(head: &str, question: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("members.csv"),
        "code,iso3,name,subregion,status\nKR,KOR,Korea,East Asia,member\n",
    )
    .unwrap();
    let src = format!(
        "id = \"t-1\"\ntitle = \"T\"\nyear = 2022\nreference_period = \"2021\"\nopens = 2022-03-01\ncloses = 2022-06-30\nmembers = \"members.csv\"\nintroduction = \"x\"\n{head}\n[[sections]]\nid = \"A\"\ntitle = \"A\"\n\n[[sections.questions]]\nid = \"Q1\"\ntype = \"text\"\ntext = \"Why?\"\n{question}\n"
    );
    let path = dir.path().join("t-1.toml");
    std::fs::write(&path, src).unwrap();
    match spam_survey::definition::load_file(&path) {
        Ok(s) => {
            assert!(s.question("Q1").is_some());
            Vec::new()
        }
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn check_takes_a_licence_a_citation_and_public_texts_and_refuses_them_where_they_cannot_hold() {
    let good = "licence = \"CC-BY-4.0\"\nlicence_url = \"https://creativecommons.org/licenses/by/4.0/\"\ncitation = \"APT (2022).\"";
    assert_eq!(
        definition_errors(good, "texts_public = true"),
        Vec::<String>::new()
    );
    let bad = definition_errors("licence = \"CC BY 4.0\"", "");
    assert!(bad.len() == 1 && bad[0].contains("SPDX"), "{bad:?}");
    let bad = definition_errors("licence_url = \"http://example.org/licence\"", "");
    assert!(bad.len() == 1 && bad[0].contains("https:"), "{bad:?}");
    let bad = definition_errors("", "private = true\ntexts_public = true");
    assert!(bad.len() == 1 && bad[0].contains("private"), "{bad:?}");
    let bad = definition_errors("", "texts_public = maybe");
    assert!(
        !bad.is_empty(),
        "a value that is not true or false is refused"
    );
}

#[test]
fn a_text_is_published_only_when_its_question_says_its_texts_are_public() {
    let defs = spam_survey::definition::load_dir(&bundled_surveys()).unwrap();
    // The edition as the published files see it (withheld texts as private).
    let survey =
        &spam_survey::publish::public_survey(defs.iter().find(|s| s.id == "spam-2022").unwrap());
    let kept = |id: &str| {
        let q = survey.question(id).unwrap();
        survey.columns()[q.cells.clone()]
            .iter()
            .any(|c| spam_survey::export::published(q, &c.cell))
    };
    assert!(kept("P1"), "P1 says texts_public");
    assert!(!kept("P3"), "P3 is private");
    assert!(!kept("A12"), "A12's texts are not public");
    assert!(kept("A1"), "a scale is published");
    assert!(
        !kept("B2a"),
        "an attachment is not, unless it says public = true"
    );
    let p2 = survey.question("P2").unwrap();
    let columns: Vec<&str> = survey.columns()[p2.cells.clone()]
        .iter()
        .filter(|c| spam_survey::export::published(p2, &c.cell))
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        columns,
        ["P2"],
        "the choice, not its \"please specify\" text"
    );
}
