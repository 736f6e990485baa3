//! A questionnaire in two languages (tests/fixtures/languages/legal-2023.toml,
//! English first, then French): `check` naming a missing translation, the
//! form in each language by a plain link, the choice remembered for the
//! link, answers stored as the same codes, and the report and exports in
//! either language with `--lang`.

mod common;

use common::{TestApp, run_command};
use std::path::{Path, PathBuf};

const EDITION: &str = "legal-2023";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/languages")
}

/// A copy of the fixture's folder with its definition changed by `edit`.
fn edited(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for f in ["members.csv", "legal-2023.toml"] {
        std::fs::copy(fixture().join(f), dir.path().join(f)).expect("a copy");
    }
    let def = dir.path().join("legal-2023.toml");
    let text = std::fs::read_to_string(&def).expect("the definition");
    std::fs::write(&def, edit(text)).expect("the edited definition");
    dir
}

/// `spam-survey check` on the fixture changed by `edit`: its verdict and words.
fn check_edited(edit: impl Fn(String) -> String) -> (bool, String) {
    let dir = edited(edit);
    let def = dir.path().join("legal-2023.toml");
    run_command(&["check", &def.display().to_string()], "")
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("the line is there")
        + 1
}

#[test]
fn the_two_language_definition_passes_check() {
    let def = fixture().join("legal-2023.toml");
    let (ok, out) = run_command(&["check", &def.display().to_string()], "");
    assert!(ok, "{out}");
    assert!(
        out.contains("legal-2023: ok") || out.contains("ok (legal-2023"),
        "{out}"
    );
}

#[test]
fn check_names_each_text_that_lacks_a_listed_language_with_file_line_and_question() {
    let dir = edited(|t| {
        t.replace(
            r#"text = { en = "Name of the law", fr = "Intitulé de la loi" }"#,
            r#"text = { en = "Name of the law" }"#,
        )
        .replace(
            r#"{ code = "police", label = { en = "Police", fr = "Police" } }"#,
            r#"{ code = "police", label = "Police" }"#,
        )
        .replace(
            r#"label = { en = "Text messages", fr = "SMS" }"#,
            r#"label = { en = "Text messages", de = "SMS" }"#,
        )
    });
    let def = dir.path().join("legal-2023.toml");
    let text = std::fs::read_to_string(&def).expect("the definition");
    let (ok, out) = run_command(&["check", &def.display().to_string()], "");
    assert!(!ok, "a missing translation fails the check: {out}");
    let file = def.display().to_string();
    let l2 = line_of(&text, r#"id = "L2""#);
    let l6 = line_of(&text, r#"id = "L6""#);
    let list = line_of(&text, "channels = [");
    for expected in [
        format!("{file}:{l2}: question L2: the question text lacks a translation into fr"),
        format!("{file}:{l6}: question L6: row `police` lacks a translation into fr"),
        format!(
            "{file}:{list}: in list `channels`, option `sms` has a translation into `de`, which is not one of the edition's languages (en, fr)"
        ),
        format!("{file}:{list}: in list `channels`, option `sms` lacks a translation into fr"),
    ] {
        assert!(out.contains(&expected), "expected «{expected}» in:\n{out}");
    }
}

#[test]
fn a_table_of_translations_without_languages_and_a_bad_language_list_are_refused() {
    let (ok, out) = check_edited(|t| t.replace("languages = [\"en\", \"fr\"]\n", ""));
    assert!(!ok);
    assert!(
        out.contains("`title` is a table of translations, but the edition lists no `languages`"),
        "{out}"
    );
    let (ok, out) = check_edited(|t| {
        t.replace(
            r#"languages = ["en", "fr"]"#,
            r#"languages = ["en", "French"]"#,
        )
    });
    assert!(!ok);
    assert!(
        out.contains("`French` in `languages` is not a language code"),
        "{out}"
    );
}

#[tokio::test]
async fn the_form_opens_in_the_default_language_with_a_plain_link_to_each_language() {
    let app = TestApp::spawn_with(&fixture()).await;
    let token = app.invite(EDITION, "AU");
    let page = app.form(&token).await;
    assert!(page.contains(r#"<html lang="en">"#), "{page}");
    assert!(page.contains("Is there a law against spam?"));
    assert!(page.contains(">Save draft</button>"));
    // The switch: links that work without script, each language named in
    // its own language and marked as such.
    assert!(page.contains(&format!(
        r#"<a href="/r/{token}?lang=fr" lang="fr" hreflang="fr">Français</a>"#
    )));
    assert!(page.contains(&format!(
        r#"<a href="/r/{token}?lang=en" lang="en" hreflang="en" aria-current="true">English</a>"#
    )));

    let r = app.get(&format!("/r/{token}?lang=fr")).await;
    assert_eq!(r.status(), 200);
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .map(str::to_string)
        .expect("the choice is remembered");
    assert!(cookie.starts_with("lang=fr"), "{cookie}");
    assert!(
        cookie.contains(&format!("Path=/r/{token}")),
        "scoped to the link: {cookie}"
    );
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let page = r.text().await.expect("a body");
    assert!(page.contains(r#"<html lang="fr">"#));
    for french in [
        "Enquête sur la législation anti-spam 2023",
        "Existe-t-il une loi contre le spam ?",
        "Une loi ou un règlement.",
        "Législation",
        ">Oui</label>",
        ">Courriel</label>",
        "Pas du tout",
        "Nombre (plaintes)",
        "Régulateur",
        ">Enregistrer le brouillon</button>",
        ">Envoyer</button>",
        "Aller au contenu",
        "Répondez si vous avez choisi “Oui” en L1.",
    ] {
        assert!(page.contains(french), "the French form has «{french}»");
    }
    assert!(!page.contains("Is there a law against spam?"));
    assert!(page.contains(&format!(r#"action="/r/{token}?lang=fr""#)));
}

#[tokio::test]
async fn the_language_chosen_is_remembered_for_that_link_only() {
    let app = TestApp::spawn_with(&fixture()).await;
    let au = app.invite(EDITION, "AU");
    let af = app.invite(EDITION, "AF");
    let browser = app.browser();
    let (_, page) = browser.get(&format!("/r/{au}?lang=fr")).await;
    assert!(page.contains(r#"<html lang="fr">"#));
    let (_, page) = browser.get(&format!("/r/{au}")).await;
    assert!(
        page.contains(r#"<html lang="fr">"#),
        "remembered for the link"
    );
    assert!(page.contains("Existe-t-il une loi"));
    let (_, page) = browser.get(&format!("/r/{af}")).await;
    assert!(
        page.contains(r#"<html lang="en">"#),
        "another link keeps the default"
    );
    // A language the edition does not have gives the default, and is not remembered.
    let r = app.get(&format!("/r/{af}?lang=de")).await;
    assert!(r.headers().get("set-cookie").is_none());
    assert!(
        r.text()
            .await
            .expect("a body")
            .contains(r#"<html lang="en">"#)
    );
    // Back to English by the link.
    let (_, page) = browser.get(&format!("/r/{au}?lang=en")).await;
    assert!(page.contains(r#"<html lang="en">"#));
    let (_, page) = browser.get(&format!("/r/{au}")).await;
    assert!(page.contains(r#"<html lang="en">"#));
}

/// Submits `fields` from the form at `/r/{token}{query}`, as its page posts them.
async fn submit(app: &TestApp, token: &str, query: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let path = format!("/r/{token}{query}");
    let browser = app.browser();
    let (_, page) = browser.get(&path).await;
    let csrf = common::csrf_of(&page);
    let mut all = vec![("csrf", csrf.as_str()), ("action", "submit")];
    all.extend_from_slice(fields);
    browser.post(&path, &all).await
}

const ANSWERS: &[(&str, &str)] = &[
    ("L1", "yes"),
    ("L2", "Loi n° 2004-575"),
    ("L3", "email"),
    ("L3", "other"),
    ("L3_other_text", "Messageries"),
    ("L4", "4"),
    ("L5", "120"),
    ("L6_regulator", "lead"),
    ("L7_name", "Ana"),
];

#[tokio::test]
async fn answers_given_in_french_are_stored_as_the_same_codes_as_in_english() {
    let app = TestApp::spawn_with(&fixture()).await;
    let fr = app.invite(EDITION, "AF");
    let en = app.invite(EDITION, "AU");
    let (status, location) = submit(&app, &fr, "?lang=fr", ANSWERS).await;
    assert_eq!(status, 303, "{location}");
    assert_eq!(
        location,
        format!("/r/{fr}/done?lang=fr"),
        "the next page stays in French"
    );
    let (_, done) = app.get_text(&location).await;
    assert!(done.contains(r#"<html lang="fr">"#));
    assert!(done.contains("Merci : vos réponses sont reçues"));
    let (status, location) = submit(&app, &en, "", ANSWERS).await;
    assert_eq!(status, 303, "{location}");
    assert_eq!(location, format!("/r/{en}/done?lang=en"));
    let rows = app.rows(EDITION);
    assert_eq!(rows.len(), 2);
    let (a, b) = (&rows[0], &rows[1]);
    for column in [
        "L1",
        "L2",
        "L3",
        "L3_other_text",
        "L4",
        "L5",
        "L6_regulator",
        "L7_name",
    ] {
        assert_eq!(
            a[column], b[column],
            "{column} is the same in both languages"
        );
    }
    assert_eq!(a["L1"], "yes");
    assert_eq!(a["L3"], "email;other");
    assert_eq!(a["L6_regulator"], "lead");
    assert_eq!(a["L3_other_text"], "Messageries", "free text as typed");
}

#[tokio::test]
async fn a_french_save_with_a_problem_says_so_in_french_and_keeps_the_answers() {
    let app = TestApp::spawn_with(&fixture()).await;
    let token = app.invite(EDITION, "AF");
    let (status, page) = submit(&app, &token, "?lang=fr", &[("L2", "Loi")]).await;
    assert_eq!(status, 422);
    assert!(page.contains(r#"<html lang="fr">"#));
    assert!(page.contains("Cette question est obligatoire."), "{page}");
    assert!(
        page.contains("Rien n&#39;a été enregistré") || page.contains("Rien n'a été enregistré")
    );
    assert!(page.contains(r#"value="Loi""#));
    assert!(app.rows(EDITION).is_empty());
}

#[tokio::test]
async fn a_one_language_edition_has_no_switch_and_ignores_lang() {
    let app = TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    let r = app.get(&format!("/r/{token}?lang=fr")).await;
    assert!(r.headers().get("set-cookie").is_none());
    let page = r.text().await.expect("a body");
    assert!(page.contains(r#"<html lang="en">"#));
    assert!(!page.contains("hreflang"));
    assert!(page.contains(&format!(r#"action="/r/{token}""#)));
}

#[tokio::test]
async fn the_report_and_the_exports_are_in_the_default_language_or_the_one_given_with_lang() {
    let app = TestApp::spawn_with(&fixture()).await;
    let token = app.invite(EDITION, "AF");
    let (status, _) = submit(&app, &token, "?lang=fr", ANSWERS).await;
    assert_eq!(status, 303);
    let data = app.data.path().display().to_string();
    let surveys = fixture().display().to_string();
    let export = |extra: &[&str]| {
        let mut args = vec![
            "export",
            "--survey",
            EDITION,
            "--data",
            &data,
            "--surveys",
            &surveys,
        ];
        args.extend_from_slice(extra);
        run_command(&args, "")
    };
    let (ok, english) = export(&["--labels"]);
    assert!(ok, "{english}");
    assert!(english.contains("Yes"), "{english}");
    assert!(english.contains("E-mail; Other"), "{english}");
    let (ok, french) = export(&["--labels", "--lang", "fr"]);
    assert!(ok, "{french}");
    assert!(french.contains("Oui"), "{french}");
    assert!(french.contains("Courriel; Autre"), "{french}");
    let (ok, codes) = export(&["--lang", "fr"]);
    assert!(ok);
    assert!(
        codes.contains(",yes,") && codes.contains("email;other"),
        "codes stay codes: {codes}"
    );
    let (ok, codebook) = export(&["--kind", "codebook", "--lang", "fr"]);
    assert!(ok);
    assert!(
        codebook.contains("Existe-t-il une loi contre le spam ?"),
        "{codebook}"
    );

    let out = tempfile::tempdir().expect("a folder");
    let report = |lang: Option<&str>, name: &str| {
        let path = out.path().join(name).display().to_string();
        let mut args = vec![
            "report",
            "--survey",
            EDITION,
            "--data",
            &data,
            "--surveys",
            &surveys,
            "--out",
            &path,
        ];
        if let Some(l) = lang {
            args.extend_from_slice(&["--lang", l]);
        }
        let (ok, said) = run_command(&args, "");
        (ok, said, std::fs::read_to_string(&path).unwrap_or_default())
    };
    let (ok, said, html) = report(None, "en.html");
    assert!(ok, "{said}");
    assert!(html.contains("Is there a law against spam?"));
    assert!(!html.contains("Existe-t-il"));
    let (ok, said, html) = report(Some("fr"), "fr.html");
    assert!(ok, "{said}");
    assert!(html.contains("Existe-t-il une loi contre le spam ?"));
    assert!(html.contains("Enquête sur la législation anti-spam 2023"));
    let (ok, said, html) = report(Some("de"), "de.html");
    assert!(!ok);
    assert!(
        said.contains("--lang de: legal-2023 is not written in `de`; its languages are en, fr"),
        "{said}"
    );
    assert!(
        html.is_empty() && !out.path().join("de.html").exists(),
        "nothing is written"
    );
}

#[test]
fn in_language_swaps_every_text_and_keeps_every_code_and_column() {
    let def = fixture().join("legal-2023.toml");
    let en = spam_survey::definition::load_file(&def).expect("the fixture loads");
    assert_eq!(en.languages, ["en", "fr"]);
    assert_eq!(en.language, "en");
    let fr = en.in_language("fr");
    assert_eq!(fr.language, "fr");
    let texts = |s: &spam_survey::definition::Survey| -> Vec<String> {
        use spam_survey::definition::Kind;
        let mut out = vec![
            s.title.clone(),
            s.introduction.clone(),
            s.reference_period.clone(),
        ];
        for sec in &s.sections {
            out.push(sec.title.clone());
            out.extend(sec.intro.clone());
        }
        for q in s.questions() {
            out.push(q.text.clone());
            out.extend(q.help.clone());
            match &q.kind {
                Kind::Single { options, .. }
                | Kind::Multi { options }
                | Kind::YesNo { options } => out.extend(options.iter().map(|o| o.label.clone())),
                Kind::MatrixChoice { rows, columns, .. } => {
                    out.extend(rows.iter().chain(columns).map(|o| o.label.clone()))
                }
                Kind::Number { unit, .. } => out.extend(unit.clone()),
                Kind::Text { parts, .. } => out.extend(parts.iter().map(|p| p.label.clone())),
                Kind::Scale {
                    min_label,
                    max_label,
                    ..
                } => {
                    out.extend(min_label.clone());
                    out.extend(max_label.clone());
                }
                _ => {}
            }
        }
        out
    };
    let (english, french) = (texts(&en), texts(&fr));
    assert_eq!(english.len(), french.len());
    // "Police" and the part "E-mail"/"Courriel" aside, every text differs.
    let same: Vec<&String> = english
        .iter()
        .zip(&french)
        .filter(|(e, f)| e == f)
        .map(|(e, _)| e)
        .collect();
    assert_eq!(
        same,
        ["Police"],
        "only the word both languages share is the same"
    );
    assert!(
        french.contains(&"Oui".to_string()),
        "yes/no labels from the catalogue"
    );
    let names = |s: &spam_survey::definition::Survey| -> Vec<String> {
        s.columns().iter().map(|c| c.name.clone()).collect()
    };
    assert_eq!(names(&en), names(&fr));
    assert_eq!(fr.in_language("en").title, en.title, "and back again");
    assert_eq!(
        en.in_language("de").language,
        "en",
        "an unlisted language gives the default"
    );
}

#[test]
fn new_edition_moves_every_translation_of_the_reference_period_on() {
    let dir = edited(|t| t);
    let surveys = dir.path().display().to_string();
    let (ok, out) = run_command(
        &[
            "new-edition",
            "--from",
            EDITION,
            "--id",
            "legal-2024",
            "--surveys",
            &surveys,
        ],
        "",
    );
    assert!(ok, "{out}");
    let made = std::fs::read_to_string(dir.path().join("legal-2024.toml")).expect("the new file");
    assert!(
        made.contains(
            r#"reference_period = { en = "calendar year 2023", fr = "année civile 2023" }"#
        ),
        "{made}"
    );
    let (ok, out) = run_command(
        &[
            "check",
            &dir.path().join("legal-2024.toml").display().to_string(),
        ],
        "",
    );
    assert!(ok, "{out}");
}

#[tokio::test]
async fn a_date_and_an_attachment_are_asked_in_french_in_the_french_form() {
    // The fixture with a date and a document question added to its first section.
    let dir = edited(|text| {
        text.replacen(
            "[[sections.questions]]\nid = \"L2\"",
            "[[sections.questions]]\nid = \"L1d\"\ntype = \"date\"\ntext = { en = \"When was it adopted?\", fr = \"Quand a-t-elle été adoptée ?\" }\nmin = 1990-01-01\nunknown = true\n\n[[sections.questions]]\nid = \"L1f\"\ntype = \"file\"\ntext = { en = \"Attach the law\", fr = \"Joignez la loi\" }\nkinds = [\"pdf\", \"docx\"]\n\n[[sections.questions]]\nid = \"L2\"",
            1,
        )
    });
    let app = TestApp::spawn_with(dir.path()).await;
    let token = app.invite(EDITION, "AU");
    let (status, page) = app.get_text(&format!("/r/{token}?lang=fr")).await;
    assert_eq!(status, 200, "{page}");
    for words in [
        "Quand a-t-elle été adoptée ?",
        "Une date à partir du 1990-01-01, au format AAAA-MM-JJ",
        "Choisir un fichier",
        "PDF ou Word",
        "au plus",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
    for english in ["Choose a file", "written as YYYY-MM-DD", "at most"] {
        assert!(!page.contains(english), "no English “{english}”");
    }
    let (_, page) = app.get_text(&format!("/r/{token}?lang=en")).await;
    assert!(page.contains("Choose a file") && page.contains("A date from 1990-01-01"));
}
