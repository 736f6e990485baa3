//! The workspace's preview of an edition (`/admin/s/<edition>/preview`):
//! the form as a member sees it in each language, for any signed-in role;
//! posting it checks the answers and stores nothing (the data directory is
//! byte for byte the same after); a definition broken or edited since the
//! start is read again, its errors shown with the messages of `check`.

mod common;

use common::{TestApp, run_command};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const EDITION: &str = "legal-2023";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/languages")
}

/// A surveys folder of its own, a copy of the two-language fixture.
fn surveys_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for f in ["members.csv", "legal-2023.toml"] {
        std::fs::copy(fixture().join(f), dir.path().join(f)).expect("a copy");
    }
    dir
}

/// A server on a copy of the fixture's folder (which the test then edits),
/// and the admin signed in.
async fn served_copy() -> (tempfile::TempDir, TestApp, common::Admin) {
    let surveys = surveys_copy();
    let app = TestApp::spawn_with(surveys.path()).await;
    let admin = app.admin().await;
    (surveys, app, admin)
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("a readable folder") {
            let p = e.expect("an entry").path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).expect("a readable file"));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_preview_shows_the_form_in_each_language_to_any_signed_in_role() {
    let app = TestApp::spawn_with(&fixture()).await;
    let (status, _) = app.browser().get("/admin/s/legal-2023/preview").await;
    assert_eq!(status, 401, "signed-in only");
    app.add_account("vera", "viewer", "a viewer's long passphrase here");
    let viewer = app
        .signed_in_as("vera", "a viewer's long passphrase here")
        .await;
    let (status, page) = viewer.get("/admin/s/legal-2023/preview").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(r#"<html lang="en">"#));
    assert!(page.contains("Preview: this is the questionnaire as a member sees it."));
    assert!(page.contains("Is there a law against spam?"));
    assert!(page.contains(r#"action="/admin/s/legal-2023/preview?lang=en""#));
    assert!(page.contains(
        r#"<a href="/admin/s/legal-2023/preview?lang=fr" lang="fr" hreflang="fr">Français</a>"#
    ));
    let (status, page) = viewer.get("/admin/s/legal-2023/preview?lang=fr").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"<html lang="fr">"#));
    assert!(page.contains("Existe-t-il une loi contre le spam ?"));
    assert!(page.contains("Aperçu : voici le questionnaire tel qu"));
    let (status, _) = viewer.get("/admin/s/no-such-2023/preview").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn posting_the_preview_checks_the_answers_and_stores_nothing() {
    let app = TestApp::spawn_with(&fixture()).await;
    let admin = app.admin().await;
    let (_, page) = admin.get("/admin/s/legal-2023/preview?lang=fr").await;
    let csrf = common::csrf_of(&page);
    let before = snapshot(app.data.path());
    let (status, page) = admin
        .post(
            "/admin/s/legal-2023/preview?lang=fr",
            &[
                ("csrf", &csrf),
                ("action", "submit"),
                ("L2", "Loi sans réponse à L1"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Cette question est obligatoire."), "{page}");
    assert!(
        page.contains("rien n&#39;a été enregistré") || page.contains("rien n'a été enregistré")
    );
    assert!(
        page.contains(r#"value="Loi sans réponse à L1""#),
        "the typed answer comes back"
    );
    let (status, page) = admin
        .post(
            "/admin/s/legal-2023/preview",
            &[
                ("csrf", &csrf),
                ("action", "submit"),
                ("L1", "yes"),
                ("L3", "email"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        !page.contains("class=\"summary\""),
        "a whole answer has no problem"
    );
    let (status, _) = admin
        .post(
            "/admin/s/legal-2023/preview",
            &[("csrf", &csrf), ("action", "draft"), ("L1", "no")],
        )
        .await;
    assert_eq!(status, 200);
    let after = snapshot(app.data.path());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "no file is made"
    );
    for (path, bytes) in &before {
        assert!(after[path] == *bytes, "{} is unchanged", path.display());
    }
    assert!(app.rows(EDITION).is_empty(), "no response row");
    // Without the session's form token, nothing is even checked.
    let (status, _) = admin
        .post(
            "/admin/s/legal-2023/preview",
            &[("csrf", "forged"), ("action", "submit")],
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_definition_broken_since_the_start_shows_the_messages_of_check() {
    let (surveys, _app, admin) = served_copy().await;
    let def = surveys.path().join("legal-2023.toml");
    let text = std::fs::read_to_string(&def).expect("the definition");
    std::fs::write(
        &def,
        text.replace(
            r#"text = { en = "Name of the law", fr = "Intitulé de la loi" }"#,
            r#"text = { en = "Name of the law" }"#,
        )
        .replace("type = \"scale\"", "type = \"slider\""),
    )
    .expect("the broken definition");
    let (ok, out) = run_command(&["check", &def.display().to_string()], "");
    assert!(!ok);
    let messages: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with(&*def.display().to_string()))
        .collect();
    assert_eq!(messages.len(), 2, "{out}");
    let (status, page) = admin.get("/admin/s/legal-2023/preview").await;
    assert_eq!(status, 200);
    assert!(page.contains("the definition has errors"), "{page}");
    for m in messages {
        let shown = m
            .replace('`', "&#96;")
            .replace('\'', "&#39;")
            .replace('"', "&#34;");
        assert!(
            page.contains(m) || page.contains(&shown),
            "the page shows «{m}»:\n{page}"
        );
    }
    // The form itself is not shown from a broken file.
    assert!(!page.contains("name=\"action\""));
}

#[tokio::test]
async fn a_definition_edited_or_added_since_the_start_is_previewed_as_it_is_now() {
    let (surveys, _app, admin) = served_copy().await;
    let def = surveys.path().join("legal-2023.toml");
    let text = std::fs::read_to_string(&def).expect("the definition");
    std::fs::write(
        &def,
        text.replace("Is there a law against spam?", "Is there an anti-spam law?"),
    )
    .expect("the edited definition");
    let (_, page) = admin.get("/admin/s/legal-2023/preview").await;
    assert!(page.contains("Is there an anti-spam law?"), "{page}");
    let added = text
        .replace("id = \"legal-2023\"", "id = \"legal-2024\"")
        .replace("year = 2023", "year = 2024");
    std::fs::write(surveys.path().join("legal-2024.toml"), added).expect("a new definition");
    let (status, page) = admin.get("/admin/s/legal-2024/preview?lang=fr").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Existe-t-il une loi contre le spam ?"));
    // A name that cannot be an edition's never reaches the file system.
    let (status, _) = admin.get("/admin/s/..%2Fsecret/preview").await;
    assert_eq!(status, 404);
}
