//! The member's form page as the page cache serves it, over HTTP against
//! the real server: every change shows at once (a save, a submission, a
//! link revoked or reissued, the round closed or reopened), gzip and plain
//! requests get the same page, no page reaches another member, and the
//! cache stays within its bound.

mod common;

use common::{TestApp, full_2022};
use std::io::Read;

/// The page's text, gunzipped.
fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a whole gzip stream of UTF-8");
    text
}

/// A name as the templates write it.
fn escaped(name: &str) -> String {
    name.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The form page, asked for twice: the second answer comes from the cache
/// and must be the same page.
async fn form_twice(app: &TestApp, path: &str) -> String {
    let (status, first) = app.get_text(path).await;
    assert_eq!(status, 200, "{path}: {first}");
    let (_, second) = app.get_text(path).await;
    assert_eq!(first, second, "{path} is the same page the second time");
    first
}

#[tokio::test]
async fn after_a_draft_save_the_next_visit_shows_the_new_answers_and_the_notice() {
    let app = TestApp::spawn().await;
    let token = app.invite("spam-2022", "KR");
    let empty = form_twice(&app, &format!("/r/{token}")).await;
    assert!(!empty.contains("class=\"notice\""), "no save, no notice");

    // `save` opens the form first, so the page before the save is cached.
    let (status, location) = app.save(&token, "draft", &[("P1", "First draft")]).await;
    assert_eq!(status, 303, "{location}");
    let just_saved = form_twice(&app, &location).await;
    assert!(just_saved.contains("Draft saved at"));
    assert!(just_saved.contains(r#"name="P1" value="First draft""#));
    let later = form_twice(&app, &format!("/r/{token}")).await;
    assert!(later.contains("Your draft of"));
    assert!(!later.contains("Draft saved at"));
    assert!(later.contains(r#"name="P1" value="First draft""#));

    // The plain page first this time, then the one after the redirect.
    let (status, location) = app.save(&token, "draft", &[("P1", "Second draft")]).await;
    assert_eq!(status, 303, "{location}");
    let later = form_twice(&app, &format!("/r/{token}")).await;
    assert!(later.contains("Your draft of"));
    assert!(later.contains(r#"name="P1" value="Second draft""#));
    assert!(!later.contains("First draft"));
    let just_saved = form_twice(&app, &location).await;
    assert!(just_saved.contains("Draft saved at"));
    assert!(just_saved.contains(r#"name="P1" value="Second draft""#));
}

#[tokio::test]
async fn after_a_submission_the_page_says_submitted_with_the_answers_submitted() {
    let app = TestApp::spawn().await;
    let token = app.invite("spam-2022", "JP");
    app.save(&token, "draft", &[("A1", "4")]).await;
    let draft = form_twice(&app, &format!("/r/{token}")).await;
    assert!(draft.contains("Your draft of"));

    let (status, location) = app.save(&token, "submit", &full_2022()).await;
    assert_eq!(status, 303, "{location}");
    let submitted = form_twice(&app, &format!("/r/{token}")).await;
    assert!(submitted.contains("Submitted on"));
    assert!(!submitted.contains("Your draft of"));
    assert!(submitted.contains(r#"value="Joint task force""#));

    let mut changed = full_2022();
    changed.retain(|(k, _)| *k != "A1");
    changed.push(("A1", "2"));
    let (status, _) = app.save(&token, "submit", &changed).await;
    assert_eq!(status, 303);
    let resubmitted = form_twice(&app, &format!("/r/{token}")).await;
    assert!(resubmitted.contains(r#"name="A1" value="2" checked"#));
    assert!(!resubmitted.contains(r#"name="A1" value="4" checked"#));
}

#[tokio::test]
async fn a_revoked_or_reissued_link_stops_at_once_though_its_page_was_cached() {
    let app = TestApp::spawn().await;
    let old = app.invite("spam-2022", "NZ");
    form_twice(&app, &format!("/r/{old}")).await;
    let gzip = app
        .client
        .get(format!("{}/r/{old}", app.base))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("the server answers");
    assert_eq!(gzip.status(), 200);

    let new = app.invite("spam-2022", "NZ");
    let (status, _) = app.get_text(&format!("/r/{old}")).await;
    assert_eq!(status, 404, "a reissued link stops at once");
    let gzip = app
        .client
        .get(format!("{}/r/{old}", app.base))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("the server answers");
    assert_eq!(gzip.status(), 404, "gzipped or not");
    let page = form_twice(&app, &format!("/r/{new}")).await;
    assert!(page.contains(&format!("action=\"/r/{new}\"")));

    assert!(app.revoke("spam-2022", "NZ"));
    let (status, _) = app.get_text(&format!("/r/{new}")).await;
    assert_eq!(status, 404, "a revoked link stops at once");
    let (status, _) = app.get_text(&format!("/r/{new}?saved=1")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn closing_the_edition_shows_the_closed_page_at_once_and_reopening_brings_the_form_back() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = app.invite("spam-2022", "KR");
    app.save(&token, "draft", &[("P1", "Kept while closed")])
        .await;
    let open = form_twice(&app, &format!("/r/{token}")).await;
    assert!(open.contains("<form method=\"post\""));

    let (status, _) = admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/round",
            &[("action", "close")],
        )
        .await;
    assert_eq!(status, 303);
    for path in [format!("/r/{token}"), format!("/r/{token}?saved=1")] {
        let closed = form_twice(&app, &path).await;
        assert!(closed.contains("The secretariat has closed this questionnaire."));
        assert!(!closed.contains("<form"), "{path} has no form while closed");
        assert!(closed.contains("Kept while closed"));
    }

    let (status, _) = admin
        .post_from(
            "/admin/s/spam-2022",
            "/admin/s/spam-2022/round",
            &[("action", "reopen")],
        )
        .await;
    assert_eq!(status, 303);
    let reopened = form_twice(&app, &format!("/r/{token}")).await;
    assert_eq!(reopened, open, "the form is back as it was");
}

#[tokio::test]
async fn a_gzip_and_a_plain_request_get_the_same_page_with_the_same_headers() {
    let app = TestApp::spawn().await;
    let kr = app.invite("spam-2022", "KR");
    let jp = app.invite("spam-2022", "JP");
    for token in [&kr, &jp] {
        app.save(token, "draft", &[("P1", "Ministère 総務省 <b>&</b>")])
            .await;
    }
    // Korea's page is cached by a gzip request first, Japan's by a plain one.
    for (token, gzip_first) in [(&kr, true), (&jp, false)] {
        let url = format!("{}/r/{token}", app.base);
        let mut pages = Vec::new();
        for gzip in [gzip_first, !gzip_first, gzip_first, !gzip_first] {
            let mut request = app.client.get(&url);
            if gzip {
                request = request.header("Accept-Encoding", "gzip");
            }
            let r = request.send().await.expect("the server answers");
            assert_eq!(r.status(), 200);
            let h = r.headers().clone();
            assert_eq!(h["content-type"], "text/html; charset=utf-8");
            assert_eq!(h["cache-control"], "no-store");
            assert_eq!(h["vary"], "Accept-Encoding");
            assert!(h.contains_key("content-security-policy"));
            assert_eq!(h["x-content-type-options"], "nosniff");
            assert_eq!(h["referrer-policy"], "no-referrer");
            assert_eq!(h["x-frame-options"], "DENY");
            let body = r.bytes().await.expect("a body");
            let text = if gzip {
                assert_eq!(h["content-encoding"], "gzip");
                gunzip(&body)
            } else {
                assert!(!h.contains_key("content-encoding"));
                String::from_utf8(body.to_vec()).expect("UTF-8")
            };
            pages.push(text);
        }
        assert!(pages[0].contains("Ministère 総務省 &#60;b&#62;&#38;&#60;/b&#62;"));
        assert!(pages.iter().all(|p| p == &pages[0]), "one page, four ways");
    }

    // A client that refuses gzip gets the plain page; one that asks only
    // for deflate gets it from the middleware, as before the cache.
    let url = format!("{}/r/{kr}", app.base);
    let plain = app.get_text(&format!("/r/{kr}")).await.1;
    let r = app
        .client
        .get(&url)
        .header("Accept-Encoding", "gzip;q=0, identity")
        .send()
        .await
        .expect("the server answers");
    assert!(!r.headers().contains_key("content-encoding"));
    assert_eq!(r.text().await.expect("a body"), plain);
    let r = app
        .client
        .get(&url)
        .header("Accept-Encoding", "deflate")
        .send()
        .await
        .expect("the server answers");
    assert_eq!(r.headers()["content-encoding"], "deflate");
    let mut text = String::new();
    flate2::read::ZlibDecoder::new(&r.bytes().await.expect("a body")[..])
        .read_to_string(&mut text)
        .expect("a whole deflate stream");
    assert_eq!(text, plain);
}

#[tokio::test]
async fn many_members_visiting_get_each_their_own_page_and_the_cache_stays_within_its_bound() {
    // Room for about three pages of 80 KB (plain and gzipped).
    let bound = 250_000;
    let app = TestApp::spawn_with_page_cache(bound).await;
    let defs = spam_survey::definition::load_dir(&app.surveys).expect("the definitions load");
    let survey = defs
        .iter()
        .find(|s| s.id == "spam-2022")
        .expect("the 2022 edition");
    let members: Vec<_> = survey.members.iter().take(12).collect();
    let tokens: Vec<String> = members
        .iter()
        .map(|m| app.invite("spam-2022", &m.code))
        .collect();
    let mut smallest = usize::MAX;
    for round in 0..3 {
        for (i, (member, token)) in members.iter().zip(&tokens).enumerate() {
            if round == 1 && i % 3 == 0 {
                let answer = format!("Answer of {}", member.code);
                app.save(token, "draft", &[("P1", &answer)]).await;
            }
            let page = form_twice(&app, &format!("/r/{token}")).await;
            smallest = smallest.min(page.len());
            assert!(
                page.contains(&format!(
                    "Response of <strong>{}</strong>",
                    escaped(&member.name)
                )),
                "{}'s page names {}",
                member.code,
                member.name
            );
            assert!(page.contains(&format!("action=\"/r/{token}\"")));
            for (other, t) in members.iter().zip(&tokens) {
                if other.code != member.code {
                    assert!(
                        !page.contains(t.as_str()),
                        "{} holds no other link",
                        member.code
                    );
                    let answer = format!("Answer of {}", other.code);
                    assert!(
                        !page.contains(&answer),
                        "{} holds no other answers",
                        member.code
                    );
                }
            }
            if round >= 1 && i % 3 == 0 {
                assert!(page.contains(&format!("value=\"Answer of {}\"", member.code)));
            }
            let cache = app.page_cache();
            assert!(cache.weight() <= bound, "{} > {bound}", cache.weight());
            // Each page kept weighs at least its plain bytes.
            assert!(
                cache.len() as u64 * smallest as u64 <= bound,
                "{} pages of at least {smallest} bytes within {bound}",
                cache.len()
            );
        }
    }
    assert!(!app.page_cache().is_empty(), "pages are kept at all");
    assert!(app.page_cache().len() < members.len(), "pages were evicted");
}

#[tokio::test]
async fn with_room_for_all_each_members_page_is_kept_once() {
    let app = TestApp::spawn().await;
    let tokens: Vec<String> = ["KR", "JP", "FJ", "NZ"]
        .iter()
        .map(|m| app.invite("spam-2022", m))
        .collect();
    for token in &tokens {
        form_twice(&app, &format!("/r/{token}")).await;
        form_twice(&app, &format!("/r/{token}?saved=1")).await;
    }
    assert_eq!(
        app.page_cache().len(),
        tokens.len(),
        "one page per link: a newer state replaces the older"
    );
}
