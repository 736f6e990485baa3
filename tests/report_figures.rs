//! The report's figures proven against the exports: the real binary makes
//! demo data of both editions, writes the report and the responses CSVs,
//! and the figures are recounted here from the CSVs alone (members only,
//! associates apart) and compared with the report's tables. Also: every
//! fill of the demo report's charts against the page, the commentary
//! file, and a report of a questionnaire that is not the APT's.

use spam_survey::definition::{self, Kind, MemberStatus, Survey};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spam-survey"))
}

fn bundled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys")
}

fn run(args: &[&str]) {
    let out = bin().args(args).output().expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Demo data of both editions, the report of 2022 and both exports; made once.
struct Demo {
    _dir: tempfile::TempDir,
    html: String,
    rows: BTreeMap<i32, Vec<BTreeMap<String, String>>>,
    surveys: Vec<Survey>,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let (d, s) = (data.to_str().unwrap(), bundled());
        let s = s.to_str().unwrap();
        for ed in ["spam-2021", "spam-2022"] {
            run(&["demo", "--survey", ed, "--data", d, "--surveys", s]);
        }
        let report = dir.path().join("report.html");
        run(&[
            "report",
            "--survey",
            "spam-2022",
            "--data",
            d,
            "--surveys",
            s,
            "--out",
            report.to_str().unwrap(),
        ]);
        let mut rows = BTreeMap::new();
        for (year, ed) in [(2021, "spam-2021"), (2022, "spam-2022")] {
            let out = dir.path().join(format!("{ed}.csv"));
            run(&[
                "export",
                "--survey",
                ed,
                "--raw",
                "--data",
                d,
                "--surveys",
                s,
                "--out",
                out.to_str().unwrap(),
            ]);
            let mut reader = csv::Reader::from_path(&out).unwrap();
            let headers = reader.headers().unwrap().clone();
            let parsed: Vec<BTreeMap<String, String>> = reader
                .records()
                .map(|r| {
                    let r = r.unwrap();
                    headers
                        .iter()
                        .zip(r.iter())
                        .map(|(h, v)| (h.to_string(), v.to_string()))
                        .collect()
                })
                .collect();
            rows.insert(year, parsed);
        }
        Demo {
            html: std::fs::read_to_string(&report).unwrap(),
            rows,
            surveys: definition::load_dir(&bundled()).unwrap(),
            _dir: dir,
        }
    })
}

/// Text from HTML: the named and numbered references askama writes.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').unwrap_or(0);
        let entity = &rest[1..end.max(1)];
        let c = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            e => e
                .strip_prefix('#')
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(char::from_u32),
        };
        match c {
            Some(c) if end > 0 => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The part of the page between `start` and the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html.find(start).unwrap_or_else(|| panic!("no {start}"));
    let rest = &html[at..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// Every row of a table: its heading cell and its cells, as text.
fn table_rows(table: &str) -> Vec<(String, Vec<String>)> {
    table
        .split("<tr")
        .skip(1)
        .filter_map(|tr| {
            let tr = &tr[..tr.find("</tr>")?];
            let at = tr.find("<th scope=\"row\">")? + 16;
            let th = &tr[at..at + tr[at..].find("</th>")?];
            let cells = tr
                .split("<td>")
                .skip(1)
                .map(|c| unescape(&c[..c.find("</td>").unwrap_or(c.len())]))
                .collect();
            Some((unescape(th), cells))
        })
        .collect()
}

/// The `n`-th table of figures of a question's block.
fn figures(html: &str, id: &str, n: usize) -> Vec<(String, Vec<String>)> {
    let article = between(
        html,
        &format!("<article class=\"question\" id=\"q-{id}\">"),
        "</article>",
    );
    let table = article
        .split("<table class=\"figures\">")
        .nth(n + 1)
        .unwrap_or_else(|| panic!("{id} has no table {n}"));
    table_rows(&table[..table.find("</table>").unwrap()])
}

/// The table of figures of a question whose caption says `what`.
fn figure_with(html: &str, id: &str, what: &str) -> Vec<(String, Vec<String>)> {
    let article = between(
        html,
        &format!("<article class=\"question\" id=\"q-{id}\">"),
        "</article>",
    );
    let figure = article
        .split("<figcaption>")
        .find(|f| f[..f.find("</figcaption>").unwrap_or(0)].contains(what))
        .unwrap_or_else(|| panic!("{id}: no figure of {what}"));
    let table = between(figure, "<table class=\"figures\">", "</table>");
    table_rows(table)
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        return "–".into();
    }
    format!("{}%", (100.0 * n as f64 / of as f64).round() as i64)
}

/// The member rows of an edition's export (associates left out).
fn members(year: i32) -> Vec<&'static BTreeMap<String, String>> {
    demo().rows[&year]
        .iter()
        .filter(|r| r["member_status"] == "member")
        .collect()
}

fn survey(id: &str) -> &'static Survey {
    demo().surveys.iter().find(|s| s.id == id).unwrap()
}

#[test]
fn every_choice_share_among_members_is_the_one_recounted_from_the_export() {
    let html = &demo().html;
    let rows = members(2022);
    let mut checked = 0;
    for q in survey("spam-2022").questions() {
        let Some(options) = q.kind.options() else {
            continue;
        };
        let answered: Vec<&&BTreeMap<String, String>> =
            rows.iter().filter(|r| !r[&q.id].is_empty()).collect();
        let table = figures(html, &q.id, 0);
        for o in options {
            let count = answered
                .iter()
                .filter(|r| r[&q.id].split(';').any(|c| c == o.code))
                .count();
            let (_, cells) = table
                .iter()
                .find(|(h, _)| *h == o.label)
                .unwrap_or_else(|| panic!("{}: no row {}", q.id, o.label));
            assert_eq!(cells[0], count.to_string(), "{} {}", q.id, o.code);
            assert_eq!(cells[1], pct(count, answered.len()), "{} {}", q.id, o.code);
            checked += 1;
        }
        let (_, total) = table.iter().find(|(h, _)| h == "Answered").unwrap();
        assert_eq!(total[0], answered.len().to_string(), "{}", q.id);
        // The associates' column counts the associates only.
        let associates = demo().rows[&2022]
            .iter()
            .filter(|r| r["member_status"] == "associate" && !r[&q.id].is_empty())
            .count();
        assert_eq!(total[2], associates.to_string(), "{}", q.id);
    }
    assert!(checked > 150, "{checked} shares checked");
}

/// Whether a member's answers show the question, read from the export
/// alone (a hidden question's cells, and so its condition's, are empty).
fn shown(q: &definition::Question, r: &BTreeMap<String, String>) -> bool {
    use definition::Test;
    let Some(c) = &q.shown_if else {
        return true;
    };
    let answer = &r[&c.question];
    let codes = || answer.split(';').filter(|c| !c.is_empty());
    match &c.test {
        Test::Answered => !answer.is_empty(),
        Test::Is(any) => codes().any(|c| any.iter().any(|a| a == c)),
        Test::IsNot(none) => !answer.is_empty() && !codes().any(|c| none.iter().any(|a| a == c)),
    }
}

#[test]
fn every_matrix_row_has_its_base_no_answer_and_shares_among_members() {
    let html = &demo().html;
    let rows = members(2022);
    let s = survey("spam-2022");
    let mut checked = 0;
    for q in s.questions() {
        let Kind::MatrixChoice {
            rows: items,
            rows_picked_in,
            columns,
        } = &q.kind
        else {
            continue;
        };
        let shown: Vec<&&BTreeMap<String, String>> = rows.iter().filter(|r| shown(q, r)).collect();
        let table = figures(html, &q.id, 0);
        for item in items {
            let col = format!("{}_{}", q.id, item.code);
            let base: Vec<_> = shown
                .iter()
                .filter(|r| match rows_picked_in {
                    Some(src) => r[src].split(';').any(|c| c == item.code),
                    None => true,
                })
                .collect();
            let Some((_, cells)) = table.iter().find(|(h, _)| *h == item.label) else {
                panic!("{}: no row {}", q.id, item.label)
            };
            assert_eq!(
                cells[0].trim_end_matches('†'),
                base.len().to_string(),
                "{col}"
            );
            let mut rated = 0;
            for (k, c) in columns.iter().enumerate() {
                let n = base.iter().filter(|r| r[&col] == c.code).count();
                rated += n;
                let want = match base.len() {
                    0 => n.to_string(),
                    b => format!("{n} ({})", pct(n, b)),
                };
                assert_eq!(cells[1 + k], want, "{col} {}", c.code);
            }
            let no = base.len() - rated;
            let want = match base.len() {
                0 => no.to_string(),
                b => format!("{no} ({})", pct(no, b)),
            };
            assert_eq!(cells[1 + columns.len()], want, "{col}: no answer");
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked} matrix rows checked");
}

#[test]
fn the_response_section_and_year_over_year_count_the_same_members() {
    let html = &demo().html;
    let now = members(2022);
    let before = members(2021);
    let listed = survey("spam-2022")
        .members
        .iter()
        .filter(|m| m.status == MemberStatus::Member)
        .count();
    assert!(html.contains(&format!("{} of {listed} members responded", now.len())));
    let shared = now
        .iter()
        .filter(|r| before.iter().any(|b| b["member"] == r["member"]))
        .count();
    assert!(
        html.contains(&format!("{shared} also responded in 2021")),
        "the respondents both years share"
    );
    // B1 beside 2021: members in both years.
    let table = figure_with(html, "B1", "beside 2021");
    let share = |rows: &[&BTreeMap<String, String>], code: &str| {
        let answered = rows.iter().filter(|r| !r["B1"].is_empty()).count();
        let n = rows.iter().filter(|r| r["B1"] == code).count();
        format!("{} ({n})", pct(n, answered))
    };
    let (_, law) = table
        .iter()
        .find(|(h, _)| h == "Dedicated anti-spam law")
        .unwrap();
    assert_eq!(law[0], share(&before, "dedicated_law"));
    assert_eq!(law[1], share(&now, "dedicated_law"));
}

/// The colour of a `fill="#rrggbb"` attribute.
fn rgb(hex: &str) -> (u8, u8, u8) {
    let v = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    (v(1), v(3), v(5))
}

#[test]
fn every_fill_of_the_demo_report_has_three_to_one_contrast_against_the_page() {
    use spam_survey::report::charts::contrast;
    let html = &demo().html;
    let white = (255, 255, 255);
    let mut fills = 0;
    for svg in html.split("<svg").skip(1) {
        let svg = &svg[..svg.find("</svg>").unwrap()];
        let mut last_rect: Option<(u8, u8, u8)> = None;
        for element in svg.split('<').skip(1) {
            let Some(at) = element.find("fill=\"#") else {
                continue;
            };
            let colour = rgb(&element[at + 6..at + 13].to_ascii_lowercase());
            fills += 1;
            if element.starts_with("rect") {
                let c = contrast(colour, white);
                assert!(c >= 3.0, "a mark of {colour:?} is {c:.2}:1 on white");
                last_rect = Some(colour);
            } else if element.starts_with("text") {
                // Text is set on the page, or (white) on the bar it labels.
                let behind = if colour == white {
                    last_rect.expect("white text sits on a bar")
                } else {
                    white
                };
                let c = contrast(colour, behind);
                assert!(c >= 4.5, "text of {colour:?} is {c:.2}:1 on {behind:?}");
            }
        }
    }
    assert!(fills > 500, "{fills} fills checked");
}

/// A folder with a questionnaire of another kind (no organisation, no
/// report title) and data for it.
fn csirt(commentary: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let surveys = dir.path().join("surveys");
    std::fs::create_dir(&surveys).unwrap();
    std::fs::write(
        surveys.join("members.csv"),
        "code,iso3,name,subregion,status\nXA,XAA,Xanadu,North,member\nXB,XBB,Yonder,South,member\nXC,XCC,Zed Isle,South,associate\n",
    )
    .unwrap();
    std::fs::write(
        surveys.join("csirt-2024.toml"),
        r#"id = "csirt-2024"
title = "CSIRT capacity survey 2024"
year = 2024
reference_period = "calendar year 2023"
opens = 2024-01-15
closes = 2024-03-31
members = "members.csv"
introduction = "Capacity of national CSIRTs."

[[sections]]
id = "A"
title = "Capacity"

[[sections.questions]]
id = "A1"
type = "yesno"
text = "Is there a national CSIRT?"
required = true

[[sections.questions]]
id = "A2"
type = "scale"
text = "How mature is incident handling?"
min = 1
max = 5
"#,
    )
    .unwrap();
    if let Some(text) = commentary {
        std::fs::write(surveys.join("csirt-2024.commentary.md"), text).unwrap();
    }
    (dir, surveys)
}

#[test]
fn a_report_of_a_definition_with_no_organisation_says_nothing_of_the_apt_or_of_spam() {
    let (dir, surveys) = csirt(None);
    let data = dir.path().join("data");
    let store =
        spam_survey::store::Store::open(&data, definition::load_dir(&surveys).unwrap()).unwrap();
    drop(store);
    let out = dir.path().join("r.html");
    run(&[
        "report",
        "--survey",
        "csirt-2024",
        "--data",
        data.to_str().unwrap(),
        "--surveys",
        surveys.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(out).unwrap();
    assert!(
        html.contains("<h1>CSIRT capacity survey 2024</h1>"),
        "the edition's title"
    );
    assert!(
        html.contains("15 January 2024 – 31 March 2024"),
        "the fieldwork period"
    );
    assert!(!html.contains("class=\"kicker\""), "no organisation");
    for word in ["APT", "Asia-Pacific", "Telecommunity"] {
        assert!(!html.contains(word), "{word}");
    }
    assert!(!html.to_lowercase().contains("spam"));
}

#[test]
fn check_refuses_a_commentary_heading_that_names_no_question_or_section() {
    let (_dir, surveys) = csirt(Some(
        "## Summary\nFine.\n\n## A1\nOk.\n\n## Z9\nNo such question.\n",
    ));
    let out = bin()
        .arg("check")
        .arg(surveys.join("csirt-2024.toml"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("csirt-2024.commentary.md:7:")
            && err.contains("`## Z9` names no question or section"),
        "{err}"
    );
    let (_ok, fine) = csirt(Some("## A\nAt the head of part A.\n"));
    let out = bin()
        .arg("check")
        .arg(fine.join("csirt-2024.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn commentary_is_placed_by_its_headings_and_its_html_is_shown_as_text() {
    let (dir, surveys) = csirt(Some(
        "# Notes for 2024\n\n## Summary\nCapacity **grew**.\n\n## A\nPart A <b>bold</b>.\n\n## A2\n<script>alert(1)</script>\n\nSee [a link](javascript:alert(2)) and ![a picture](http://example.org/x.png).\n",
    ));
    let data = dir.path().join("data");
    let out = dir.path().join("r.html");
    let (d, s) = (data.to_str().unwrap(), surveys.to_str().unwrap());
    drop(spam_survey::store::Store::open(&data, definition::load_dir(&surveys).unwrap()).unwrap());
    run(&[
        "report",
        "--survey",
        "csirt-2024",
        "--data",
        d,
        "--surveys",
        s,
        "--out",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(out).unwrap();
    assert!(!html.contains("<script"), "no script in the page");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("href=\"javascript"), "no script link");
    assert!(html.contains("See a link and a picture."));
    assert!(!html.contains("example.org"), "no image is loaded");
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"));
    let findings = between(&html, "id=\"findings\"", "</section>");
    assert!(
        findings.contains("<aside class=\"commentary\"")
            && findings.contains("<strong>grew</strong>")
    );
    let a2 = between(&html, "id=\"q-A2\"", "</article>");
    assert!(a2.contains("<aside class=\"commentary\""));
    let part = between(&html, "id=\"sec-A\"", "<article");
    assert!(part.contains("Part A"));
    // A heading for an unknown id stops the report too, and writes nothing.
    let (bad, bad_surveys) = csirt(Some("## Q7\nText.\n"));
    let bad_data = bad.path().join("data");
    drop(
        spam_survey::store::Store::open(&bad_data, definition::load_dir(&bad_surveys).unwrap())
            .unwrap(),
    );
    let out = bad.path().join("r.html");
    let res = bin()
        .args([
            "report",
            "--survey",
            "csirt-2024",
            "--data",
            bad_data.to_str().unwrap(),
            "--surveys",
            bad_surveys.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!res.status.success());
    assert!(!out.exists());
}

#[test]
fn a_definition_that_counts_associates_in_says_respondents_members_and_associates() {
    let (dir, surveys) = csirt(None);
    let toml = surveys.join("csirt-2024.toml");
    let text = std::fs::read_to_string(&toml).unwrap().replace(
        "members = \"members.csv\"",
        "members = \"members.csv\"\ncount_associates = true\norganisation = \"Regional CSIRT forum\"",
    );
    std::fs::write(&toml, text).unwrap();
    let data = dir.path().join("data");
    drop(spam_survey::store::Store::open(&data, definition::load_dir(&surveys).unwrap()).unwrap());
    let out = dir.path().join("r.html");
    let (d, s) = (data.to_str().unwrap(), surveys.to_str().unwrap());
    run(&[
        "report",
        "--survey",
        "csirt-2024",
        "--data",
        d,
        "--surveys",
        s,
        "--out",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(out).unwrap();
    assert!(html.contains("<p class=\"kicker\">Regional CSIRT forum</p>"));
    assert!(html.contains("Base: 0 respondents (members and associates) shown the question"));
    assert!(html.contains("Every figure counts the respondents (members and associates) together"));
    assert!(
        !html.contains("Associate members (apart"),
        "no column apart"
    );
}
