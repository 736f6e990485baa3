//! The annual report as a file: built from a real data directory, one block
//! per question, the previous edition beside it, self-contained, the same
//! bytes twice, and every text from the answers escaped (in the page and in
//! the SVG charts).

use spam_survey::answers::{self, Mode};
use spam_survey::definition::{self, Survey};
use spam_survey::report::{self, ReportOptions};
use spam_survey::store::{Status, Store};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn bundled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys")
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Saves answers as the form would: through `answers::process`.
async fn save(store: &Store, survey: &str, member: &str, status: Status, pairs: &[(&str, &str)]) {
    save_with(store, survey, member, status, pairs, &[]).await;
}

/// Saves answers as the form would, then sets the cells in `raw` as they
/// are: text the form now refuses (a control character) but a file
/// written before that check may hold.
async fn save_with(
    store: &Store,
    survey: &str,
    member: &str,
    status: Status,
    pairs: &[(&str, &str)],
    raw: &[(&str, &str)],
) {
    let s = store.survey(survey).unwrap().clone();
    let mode = match status {
        Status::Draft => Mode::Draft,
        Status::Submitted => Mode::Submit,
    };
    let checked = answers::process(&s, &fields(pairs), mode).expect("a well-formed post");
    assert!(
        checked.problems.is_empty(),
        "{member}: {:?}",
        checked.problems
    );
    let mut cells = checked.cells;
    for (column, text) in raw {
        cells[s.column_index(column).expect("a column")] = text.to_string();
    }
    store.save(survey, member, status, cells).await.unwrap();
}

const HOSTILE: &str = "<script>alert(1)</script> & \"quoted\" 'single' </svg> =1+1";

/// The smallest complete submission to the 2022 edition, with `extra`.
fn minimal_2022<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![
        ("P1", "[Test] Ministry"),
        ("P3_name", "Test Person"),
        ("P3_email", "test@example.org"),
        ("A1", "4"),
        ("A2", "sms"),
        ("B1", "dedicated_law"),
        ("D1", "yes"),
        ("F5", "yes"),
        ("G1", "foreign_spam"),
    ];
    // A one-answer question in `extra` replaces its default; a multi adds.
    for (k, value) in extra {
        if !matches!(*k, "A2" | "G1")
            && let Some(slot) = v.iter_mut().find(|(name, _)| name == k)
        {
            slot.1 = value;
        } else {
            v.push((k, value));
        }
    }
    v
}

/// A data directory with answers to both bundled editions: KR submits with
/// hostile texts, JP submits then saves a draft, TH has only a draft.
async fn data_dir() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let defs = definition::load_dir(&bundled()).unwrap();
    let store = Store::open(dir.path(), defs).unwrap();
    save_with(
        &store,
        "spam-2022",
        "KR",
        Status::Submitted,
        &minimal_2022(&[
            ("P2", "other"),
            ("P2_other_text", HOSTILE),
            ("A2", "other"),
            ("A2_other_text", HOSTILE),
            ("A9", "yes"),
            ("A10_2019", "1200"),
            ("A10_2020:unknown", "1"),
            ("A10_2021", "3400"),
            ("G4", HOSTILE),
        ]),
        &[("G5", "a bell\u{7}in the text")],
    )
    .await;
    save(
        &store,
        "spam-2022",
        "JP",
        Status::Submitted,
        &minimal_2022(&[("A1", "2")]),
    )
    .await;
    save(
        &store,
        "spam-2022",
        "JP",
        Status::Draft,
        &minimal_2022(&[("A1", "5"), ("G4", "draft text that must not appear")]),
    )
    .await;
    save(
        &store,
        "spam-2022",
        "TH",
        Status::Draft,
        &[("P1", "Only a draft, never counted")],
    )
    .await;
    save(
        &store,
        "spam-2021",
        "KR",
        Status::Submitted,
        &[
            ("P1", "[Test] Ministry 2021"),
            ("P3_name", "Test Person"),
            ("P3_email", "test@example.org"),
            ("A1", "3"),
            ("A2", "email"),
            ("B1", "draft"),
            ("D1", "no"),
            ("G1", "legislation"),
        ],
    )
    .await;
    (dir, store)
}

fn build(store: &Store) -> String {
    let compare = report::default_compare(store, "spam-2022");
    report::build(
        store,
        "spam-2022",
        compare.as_deref(),
        &ReportOptions::default(),
    )
    .unwrap()
}

fn survey(store: &Store, id: &str) -> Survey {
    store.survey(id).unwrap().as_ref().clone()
}

/// The inline SVG elements of a page.
fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg")
        .map(|(start, _)| {
            let end = html[start..].find("</svg>").expect("every svg is closed") + start + 6;
            &html[start..end]
        })
        .collect()
}

#[tokio::test]
async fn the_report_has_one_block_per_question_in_questionnaire_order() {
    let (_dir, store) = data_dir().await;
    let html = build(&store);
    let s = survey(&store, "spam-2022");
    let ids: Vec<&str> = s.questions().map(|q| q.id.as_str()).collect();
    assert_eq!(html.matches("id=\"q-").count(), ids.len());
    let mut last = 0;
    for id in &ids {
        let at = html
            .find(&format!("id=\"q-{id}\""))
            .unwrap_or_else(|| panic!("no block for {id}"));
        assert!(at > last, "{id} is out of order");
        last = at;
    }
    for section in &s.sections {
        assert!(html.contains(&format!("id=\"sec-{}\"", section.id)));
    }
    assert!(html.contains("id=\"profiles\""));
    assert!(html.contains("Annex A. The questionnaire"));
}

#[tokio::test]
async fn drafts_never_count_and_the_latest_submission_does() {
    let (_dir, store) = data_dir().await;
    let html = build(&store);
    assert!(html.contains("2 of 38 members responded"));
    assert!(!html.contains("Only a draft, never counted"));
    assert!(!html.contains("draft text that must not appear"));
    // After the cover (whose contact address may name any country).
    let body = &html[html.find("id=\"response\"").unwrap()..];
    assert!(!body.contains("Thailand"), "TH only saved a draft");
    assert!(body.contains("Japan"));
}

#[tokio::test]
async fn the_base_of_each_question_is_said_beside_it() {
    let (_dir, store) = data_dir().await;
    let html = build(&store);
    // A10 is shown only to members who answered A9 "yes": KR alone.
    let a10 = &html[html.find("id=\"q-A10\"").unwrap()..html.find("id=\"q-A11\"").unwrap()];
    assert!(a10.contains("Base: 1 member shown the question; 1 answered."));
    assert!(a10.contains("unknown"));
    assert!(a10.contains("1,200"));
    let a1 = &html[html.find("id=\"q-A1\"").unwrap()..html.find("id=\"q-A2\"").unwrap()];
    assert!(a1.contains("Base: 2 members shown the question; 2 answered."));
}

#[tokio::test]
async fn the_previous_edition_is_set_beside_and_new_questions_are_marked() {
    let (_dir, store) = data_dir().await;
    assert_eq!(
        report::default_compare(&store, "spam-2022").as_deref(),
        Some("spam-2021")
    );
    assert_eq!(report::default_compare(&store, "spam-2021"), None);
    let html = build(&store);
    let block = |id: &str, next: &str| {
        html[html.find(&format!("id=\"q-{id}\"")).unwrap()
            ..html.find(&format!("id=\"q-{next}\"")).unwrap()]
            .to_string()
    };
    let a1 = block("A1", "A2");
    assert!(a1.contains("in 2022 beside 2021"));
    assert!(a1.contains("Change (percentage points)"));
    assert!(!a1.contains("New in 2022"));
    let a3 = block("A3", "A4");
    assert!(a3.contains("New in 2022"));
    // KR had "Draft under preparation" in 2021 (100%), "Dedicated" now.
    let b1 = block("B1", "B2");
    assert!(b1.contains("\u{2212}100"), "the change of the draft share");
    let without = report::build(&store, "spam-2022", None, &ReportOptions::default()).unwrap();
    assert!(!without.contains("New in 2022"));
    assert!(!without.contains("beside 2021"));
}

#[tokio::test]
async fn the_file_is_self_contained() {
    let (_dir, store) = data_dir().await;
    let html = build(&store);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<title>"));
    assert!(html.contains("<style>"));
    for banned in [
        "http://", "https://", "<script", "<link", "@import", "url(", "<img", "<iframe",
    ] {
        assert!(!html.contains(banned), "the page contains {banned}");
    }
    for attr in ["src=\"", "href=\""] {
        for (at, _) in html.match_indices(attr) {
            let value = &html[at + attr.len()..];
            assert!(
                value.starts_with('#'),
                "{attr} points elsewhere: {}",
                &value[..40.min(value.len())]
            );
        }
    }
    assert!(html.contains("@page {\n  size: A4"));
    assert!(html.contains("counter(page)"), "page numbers in print");
    assert!(html.contains("break-inside: avoid"));
}

#[tokio::test]
async fn every_chart_has_a_text_alternative_and_a_table() {
    let (_dir, store) = data_dir().await;
    let html = build(&store);
    let charts = svgs(&html);
    assert!(charts.len() > 20);
    for svg in &charts {
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-label=\""));
    }
    for (at, _) in html.match_indices("<svg") {
        let rest = &html[at..];
        let table = rest.find("<table").unwrap();
        let figure_end = rest.find("</figure>").unwrap();
        assert!(table < figure_end, "a chart without its table");
    }
    let figures = html.matches("<figure").count();
    assert!(html.contains(&format!("Figure {}.", charts.len())));
    assert!(figures >= charts.len());
}

#[tokio::test]
async fn ids_are_unique() {
    let (_dir, store) = data_dir().await;
    let html = build(&store);
    let mut seen = HashSet::new();
    for (at, _) in html.match_indices(" id=\"") {
        let value = html[at + 5..].split('"').next().unwrap();
        assert!(
            seen.insert(value.to_string()),
            "the id {value} appears twice"
        );
    }
}

#[tokio::test]
async fn the_same_data_give_the_same_bytes() {
    let (dir, store) = data_dir().await;
    let first = build(&store);
    drop(store);
    let defs = definition::load_dir(&bundled()).unwrap();
    let again = Store::open_read_only(dir.path(), defs).unwrap();
    assert_eq!(first, build(&again));
    let stamped = report::build(
        &again,
        "spam-2022",
        None,
        &ReportOptions {
            generated: Some("2026-01-02T03:04:05Z".parse().unwrap()),
            progress: false,
            ..ReportOptions::default()
        },
    )
    .unwrap();
    assert!(stamped.contains("2026-01-02 03:04 UTC"));
    assert!(!first.contains("Generated"));
}

#[tokio::test]
async fn hostile_answers_are_escaped_in_the_page() {
    let (_dir, store) = data_dir().await;
    let html = build(&store);
    let escaped = "&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;quoted&#34; &#39;single&#39; &#60;/svg&#62; =1+1";
    let plain = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#x27;single&#x27; &lt;/svg&gt; =1+1";
    let found = html.matches(escaped).count() + html.matches(plain).count();
    assert!(
        found >= 3,
        "the hostile text is quoted, escaped, in P2, A2 and G4: found {found}"
    );
    assert!(!html.contains("<script"));
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    // A control character, which HTML forbids, is shown as its symbol.
    assert!(html.contains("a bell\u{2407}in the text"));
    assert!(!html.contains('\u{7}'));
}

const HOSTILE_MEMBERS: &str = "code,iso3,name,subregion,status
AA,AAA,Alpha <b>&amp; \"A\",Pacific </svg><script>x</script>,member
BB,BBB,Beta,East Asia,member
";

const HOSTILE_SURVEY: &str = r#"
id = "odd-2022"
title = "Odd <survey> & \"title\""
year = 2022
reference_period = "2021"
opens = 2022-03-01
closes = 2022-06-30
members = "members.csv"
introduction = "A fixture."

[[sections]]
id = "A"
title = "Odd </h2> section"

[[sections.questions]]
id = "A1"
type = "multi"
text = "Which <b>one</b>?"
options = [
  { code = "x", label = "X </svg><script>alert('x')</script> & \"y\"" },
  { code = "other", label = "Other", specify = true },
]

[[sections.questions]]
id = "A2"
type = "text"
text = "Comment"
"#;

#[tokio::test]
async fn text_from_the_definition_and_the_member_list_is_escaped_in_the_svg_charts() {
    let surveys = tempfile::tempdir().unwrap();
    std::fs::write(surveys.path().join("members.csv"), HOSTILE_MEMBERS).unwrap();
    std::fs::write(surveys.path().join("odd-2022.toml"), HOSTILE_SURVEY).unwrap();
    let defs = definition::load_dir(surveys.path()).unwrap();
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(data.path(), defs).unwrap();
    save(
        &store,
        "odd-2022",
        "AA",
        Status::Submitted,
        &[
            ("A1", "x"),
            ("A1", "other"),
            ("A1_other_text", HOSTILE),
            ("A2", HOSTILE),
        ],
    )
    .await;
    let html = report::build(&store, "odd-2022", None, &ReportOptions::default()).unwrap();
    assert!(!html.contains("<script"));
    assert!(!html.contains("<b>"));
    let charts = svgs(&html);
    assert!(!charts.is_empty());
    let all: String = charts.concat();
    assert!(
        all.contains("&lt;script&gt;alert"),
        "the option label is in a chart, escaped"
    );
    assert!(
        all.contains("Pacific &lt;/svg&gt;&lt;script&gt;"),
        "the sub-region is in a chart, escaped"
    );
    for svg in &charts {
        assert_eq!(svg.matches("</svg>").count(), 1);
        assert!(!svg.contains("<script"));
    }
}

#[tokio::test]
async fn a_private_question_is_counted_but_never_quoted() {
    let (_dir, store) = data_dir().await;
    let html = build(&store);
    assert!(
        store
            .survey("spam-2022")
            .unwrap()
            .question("P3")
            .unwrap()
            .private
    );
    assert!(
        !html.contains("test@example.org"),
        "a contact's address is not published"
    );
    assert!(!html.contains("Test Person"), "nor a contact's name");
    assert!(html.contains("These answers are personal data"));
    assert!(html.contains("[Test] Ministry"), "other texts are quoted");
}

const BIG_SURVEY: &str = r#"
id = "big-2022"
title = "A big round"
year = 2022
reference_period = "2021"
opens = 2022-03-01
closes = 2022-06-30
members = "members.csv"
introduction = "A fixture."

[[sections]]
id = "A"
title = "Figures"

[[sections.questions]]
id = "A1"
type = "number"
text = "Complaints"
unknown = true

[[sections.questions]]
id = "A2"
type = "multi"
text = "Channels"
options = [
  { code = "sms", label = "SMS" },
  { code = "other", label = "Other", specify = true },
]

[[sections.questions]]
id = "A3"
type = "text"
text = "Good practice"
"#;

/// A data directory of `n` respondents to `big-2022`, written as the store
/// writes its rows: each gives a figure, a text, and every third an "Other".
fn big_round(n: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let surveys = dir.path().join("surveys");
    std::fs::create_dir_all(&surveys).unwrap();
    let mut members = String::from("code,iso3,name,subregion,status\n");
    for i in 0..n {
        members.push_str(&format!("M{i:04},,Member {i:04},Pacific,member\n"));
    }
    std::fs::write(surveys.join("members.csv"), members).unwrap();
    std::fs::write(surveys.join("big-2022.toml"), BIG_SURVEY).unwrap();
    let defs = definition::load_dir(&surveys).unwrap();
    let s = defs[0].clone();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("big-2022")).unwrap();
    let mut file = spam_survey::store::FIXED_HEADER.join(",");
    for c in s.columns() {
        file.push(',');
        file.push_str(&c.name);
    }
    file.push('\n');
    let mut bytes = file.into_bytes();
    for i in 0..n {
        let other = i % 3 == 0;
        let mut fields = vec![
            ("A1", format!("{}", i * 10)),
            ("A2", "sms".to_string()),
            ("A3", format!("Practice of member {i:04}")),
        ];
        if other {
            fields.push(("A2", "other".into()));
            fields.push(("A2_other_text", format!("Channel of member {i:04}")));
        }
        let fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let checked = answers::process(&s, &fields, Mode::Submit).unwrap();
        bytes.extend(spam_survey::store::encode_row(
            &spam_survey::store::Revision {
                number: i as u64 + 1,
                time: "2022-04-01T00:00:00Z".parse().unwrap(),
                member: format!("M{i:04}"),
                status: Status::Submitted,
                cells: checked.cells,
            },
        ));
    }
    std::fs::write(data.join("big-2022").join("responses.csv"), bytes).unwrap();
    let store = Store::open_read_only(&data, defs).unwrap();
    (dir, store)
}

fn big_report(store: &Store, detail: report::Detail) -> String {
    report::build(
        store,
        "big-2022",
        None,
        &ReportOptions {
            detail,
            ..ReportOptions::default()
        },
    )
    .unwrap()
}

#[test]
fn a_round_past_the_threshold_is_summarised_with_no_row_per_member() {
    let n = report::aggregate::FULL_DETAIL_MAX + 30;
    let (_dir, store) = big_round(n);
    let html = big_report(&store, report::Detail::Auto);
    assert!(html.contains(&format!("This report summarises its {n} responses")));
    assert!(
        !html.contains("class=\"respondents\""),
        "no list of respondents"
    );
    assert!(!html.contains("class=\"profiles\""), "no country profiles");
    assert!(html.contains("Lower quartile"));
    // The samples quote the first 10 of each list: members 0–9 for A3,
    // every third from 0 to 27 for "Other"; nobody after that is named.
    for i in 30..n {
        assert!(
            !html.contains(&format!("Member {i:04}")),
            "member {i} is named"
        );
    }
    let a3 = &html[html.find("id=\"q-A3\"").unwrap()..];
    let texts = &a3[..a3.find("</table>").unwrap()];
    assert_eq!(texts.matches("<th scope=\"row\">").count(), 10);
    assert!(a3.contains(&format!("{n} members answered. The first 10")));
    let a2 = &html[html.find("id=\"q-A2\"").unwrap()..html.find("id=\"q-A3\"").unwrap()];
    assert!(a2.contains(&format!("{} members answered. The first 10", n.div_ceil(3))));
    assert!(a2.contains("Member 0027") && !a2.contains("Member 0030"));
}

#[test]
fn the_detail_can_be_forced_either_way() {
    let n = report::aggregate::FULL_DETAIL_MAX + 30;
    let (_dir, store) = big_round(n);
    let full = big_report(&store, report::Detail::Full);
    assert!(full.contains("class=\"respondents\""));
    assert!(full.contains(&format!("Member {:04}", n - 1)));
    assert!(!full.contains("Lower quartile"));
    let (_dir, small) = big_round(12);
    assert!(big_report(&small, report::Detail::Auto).contains("class=\"profiles\""));
    let summary = big_report(&small, report::Detail::Summary);
    assert!(summary.contains("This report summarises its 12 responses"));
    assert!(
        !summary.contains("Member 0011"),
        "the 12th is past the sample"
    );
}
