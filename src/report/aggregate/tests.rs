//! The aggregation checked against figures worked out by hand on a small
//! fixture: four members and an associate, two editions.

use super::*;
use crate::definition::{Member, load_file};

const MEMBERS: &str = "code,iso3,name,subregion,status
AA,AAA,Alpha,South Asia,member
BB,BBB,Beta,East Asia,member
CC,CCC,Gamma,Pacific,member
DD,DDD,Delta,Pacific,member
EE,EEE,Epsilon,South-East Asia,associate
";

const MINI_2022: &str = r#"
id = "mini-2022"
title = "Mini survey 2022"
year = 2022
reference_period = "calendar year 2021"
opens = 2022-03-01
closes = 2022-06-30
previous = "mini-2021"
members = "members.csv"
introduction = "A fixture."

[lists]
channels = [
  { code = "email", label = "E-mail" },
  { code = "sms", label = "SMS" },
  { code = "other", label = "Other", specify = true },
]

[[sections]]
id = "A"
title = "Situation"

[[sections.questions]]
id = "A0"
type = "text"
text = "Contact"
parts = [
  { code = "name", label = "Name", required = true },
  { code = "email", label = "E-mail", format = "email" },
]

[[sections.questions]]
id = "A1"
type = "scale"
text = "How serious?"
required = true
min = 1
max = 5
min_label = "Not a problem"
max_label = "Very serious"

[[sections.questions]]
id = "A2"
type = "multi"
text = "Channels"
required = true
options_from = "channels"

[[sections.questions]]
id = "A3"
type = "matrix_choice"
text = "Severity per channel"
shown_if = { question = "A2", answered = true }
rows_from = "channels"
rows_picked_in = "A2"
columns = [
  { code = "1", label = "1" },
  { code = "2", label = "2" },
  { code = "3", label = "3" },
]

[[sections.questions]]
id = "A9"
type = "yesno"
text = "Statistics?"

[[sections.questions]]
id = "A10"
type = "number_per_year"
text = "Complaints"
shown_if = { question = "A9", is = ["yes"] }
years = [2020, 2021]
unknown = true

[[sections.questions]]
id = "A11"
type = "matrix_number"
text = "Requests"
rows = [
  { code = "sent", label = "Sent" },
  { code = "received", label = "Received" },
]
unknown = true

[[sections.questions]]
id = "A12"
type = "number"
text = "Fines"
unknown = true
unit = "fines"

[[sections]]
id = "B"
title = "Law"

[[sections.questions]]
id = "B1"
type = "single"
text = "Legislation?"
required = true
options = [
  { code = "dedicated_law", label = "Dedicated anti-spam law" },
  { code = "other_laws", label = "Provisions within other laws (telecom)" },
  { code = "no", label = "No" },
]

[[sections.questions]]
id = "B2"
type = "text"
text = "Title of the law"
shown_if = { question = "B1", is_not = ["no"] }
long = true

[[sections.questions]]
id = "B8"
type = "multi"
text = "Sanctions"
options = [
  { code = "fine", label = "Fine" },
  { code = "criminal", label = "Criminal" },
  { code = "none", label = "None", exclusive = true },
]

[[sections]]
id = "G"
title = "Challenges"

[[sections.questions]]
id = "G1"
type = "multi"
text = "Challenges"
required = true
options = [
  { code = "legislation", label = "Insufficient legislation" },
  { code = "spoofing", label = "Caller-ID spoofing" },
  { code = "budget", label = "Limited budget" },
  { code = "awareness", label = "Low awareness" },
]

[[sections.questions]]
id = "G2"
type = "rank"
text = "Top three"
shown_if = { question = "G1", answered = true }
of = "G1"
top = 3

[[sections.questions]]
id = "G4"
type = "text"
text = "Good practices"
long = true
"#;

const MINI_2021: &str = r#"
id = "mini-2021"
title = "Mini survey 2021"
year = 2021
reference_period = "calendar year 2020"
opens = 2021-03-01
closes = 2021-06-30
members = "members.csv"
introduction = "A fixture."

[[sections]]
id = "A"
title = "Situation"

[[sections.questions]]
id = "A1"
type = "scale"
text = "How serious?"
min = 1
max = 5

[[sections.questions]]
id = "A2"
type = "multi"
text = "Channels"
options = [
  { code = "email", label = "E-mail" },
  { code = "fax", label = "Fax" },
]

[[sections.questions]]
id = "A10"
type = "number_per_year"
text = "Complaints"
years = [2019, 2020]
unknown = true

[[sections]]
id = "B"
title = "Law"

[[sections.questions]]
id = "B1"
type = "single"
text = "Legislation?"
options = [
  { code = "dedicated_law", label = "Dedicated anti-spam law" },
  { code = "other_laws", label = "Provisions within other laws (telecom)" },
  { code = "no", label = "No" },
]

[[sections.questions]]
id = "B8"
type = "text"
text = "Sanctions"

[[sections]]
id = "G"
title = "Challenges"

[[sections.questions]]
id = "G4"
type = "text"
text = "Good practices"
"#;

fn load(dir: &std::path::Path, id: &str, text: &str) -> Survey {
    std::fs::write(dir.join("members.csv"), MEMBERS).unwrap();
    let path = dir.join(format!("{id}.toml"));
    std::fs::write(&path, text).unwrap();
    load_file(&path).unwrap_or_else(|e| panic!("the fixture {id} loads: {e:?}"))
}

/// The fixture as a definition that counts associates in with the
/// members (`count_associates = true`): the figures count everyone.
fn fixture() -> (Survey, Survey) {
    let dir = tempfile::tempdir().unwrap();
    let counted_in = |text: &str| {
        text.replace(
            "members = \"members.csv\"",
            "members = \"members.csv\"\ncount_associates = true",
        )
    };
    (
        load(dir.path(), "mini-2022", &counted_in(MINI_2022)),
        load(dir.path(), "mini-2021", &counted_in(MINI_2021)),
    )
}

/// The fixture as written: associates apart from the members.
fn fixture_apart() -> (Survey, Survey) {
    let dir = tempfile::tempdir().unwrap();
    (
        load(dir.path(), "mini-2022", MINI_2022),
        load(dir.path(), "mini-2021", MINI_2021),
    )
}

/// Cells set column by column, as the store keeps them.
fn cells(s: &Survey, values: &[(&str, &str)]) -> Cells {
    let mut c = vec![String::new(); s.columns().len()];
    for (name, v) in values {
        let i = s
            .column_index(name)
            .unwrap_or_else(|| panic!("no column {name}"));
        c[i] = v.to_string();
    }
    c
}

fn member(s: &Survey, code: &str) -> Member {
    s.member(code).unwrap().clone()
}

/// The responses counted one by one, each at its member's place in the list.
fn tallied(s: &Survey, responses: Vec<(Member, Cells)>) -> Tally<'_> {
    let mut tally = Tally::new(s, Detail::Auto);
    for (m, mut cells) in responses {
        let at = s.members.iter().position(|x| x.code == m.code).unwrap();
        tally.add(at, &mut cells);
    }
    tally
}

fn responses_2022(s: &Survey) -> Vec<(Member, Cells)> {
    vec![
        (
            member(s, "AA"),
            cells(
                s,
                &[
                    ("A0_name", "N. One"),
                    ("A0_email", "a@example.org"),
                    ("A1", "4"),
                    ("A2", "email;sms"),
                    ("A3_email", "3"),
                    ("A3_sms", "2"),
                    ("A9", "yes"),
                    ("A10_2020", "100"),
                    ("A10_2021", "unknown"),
                    ("A11_sent", "5"),
                    ("A11_received", "unknown"),
                    ("A12", "7"),
                    ("B1", "dedicated_law"),
                    ("B2", "Spam Act 2010 <script>"),
                    ("B8", "fine;criminal"),
                    ("G1", "legislation;spoofing;budget"),
                    ("G2_1", "spoofing"),
                    ("G2_2", "legislation"),
                    ("G2_3", "budget"),
                    ("G4", "Line one\nLine two & \"q\""),
                ],
            ),
        ),
        (
            member(s, "BB"),
            cells(
                s,
                &[
                    ("A0_name", "N. Two"),
                    ("A1", "2"),
                    ("A2", "sms;other"),
                    ("A2_other_text", "Carrier <pigeon> & \"post\""),
                    ("A3_sms", "3"),
                    ("A3_other", "1"),
                    ("A9", "no"),
                    // Stale answers to questions that A9 and B1 hide.
                    ("A10_2020", "999"),
                    ("B2", "stale law text"),
                    ("A12", "unknown"),
                    ("B1", "no"),
                    ("B8", "none"),
                    ("G1", "budget"),
                    ("G2_1", "budget"),
                ],
            ),
        ),
        (
            member(s, "CC"),
            cells(
                s,
                &[
                    ("A1", "4"),
                    ("A2", "email"),
                    ("A9", "yes"),
                    ("A10_2020", "300"),
                    ("A10_2021", "50"),
                    ("B1", "other_laws"),
                    ("G1", "legislation;awareness"),
                    ("G2_1", "legislation"),
                    ("G2_2", "awareness"),
                ],
            ),
        ),
        (
            member(s, "EE"),
            cells(
                s,
                &[
                    ("A1", "5"),
                    ("A2", "email"),
                    ("B1", "dedicated_law"),
                    ("G1", "spoofing"),
                ],
            ),
        ),
    ]
}

fn responses_2021(s: &Survey) -> Vec<(Member, Cells)> {
    vec![
        (
            member(s, "AA"),
            cells(
                s,
                &[
                    ("A1", "2"),
                    ("A2", "email;fax"),
                    ("A10_2019", "10"),
                    ("A10_2020", "20"),
                    ("B1", "no"),
                    ("B8", "fines"),
                ],
            ),
        ),
        (
            member(s, "BB"),
            cells(s, &[("A1", "4"), ("A2", "email"), ("B1", "dedicated_law")]),
        ),
    ]
}

fn built() -> Report {
    let (now, before) = fixture();
    let current = tallied(&now, responses_2022(&now));
    let previous = tallied(&before, responses_2021(&before));
    report(current, Some(previous))
}

fn q<'a>(r: &'a Report, id: &str) -> &'a QuestionResult {
    r.question(id).unwrap_or_else(|| panic!("no question {id}"))
}

fn counts(body: &Body) -> Vec<(&str, usize)> {
    match body {
        Body::Choice { options, .. }
        | Body::Scale {
            values: options, ..
        } => options.iter().map(|s| (s.code.as_str(), s.count)).collect(),
        other => panic!("not a choice: {other:?}"),
    }
}

#[test]
fn response_rate_counts_members_and_associates_apart_by_subregion() {
    let r = built();
    let rate = &r.response;
    assert_eq!((rate.responded, rate.members), (3, 4));
    assert_eq!((rate.associates_responded, rate.associates), (1, 1));
    let regions: Vec<(&str, usize, usize, usize)> = rate
        .regions
        .iter()
        .map(|g| {
            (
                g.name.as_str(),
                g.members,
                g.responded,
                g.associates_responded,
            )
        })
        .collect();
    assert_eq!(
        regions,
        vec![
            ("South Asia", 1, 1, 0),
            ("South-East Asia", 0, 0, 1),
            ("East Asia", 1, 1, 0),
            ("Pacific", 2, 1, 0),
        ]
    );
    let names: Vec<&str> = rate.respondents.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Alpha", "Beta", "Gamma", "Epsilon"]);
    assert_eq!(r.previous_response.as_ref().unwrap().responded, 2);
}

#[test]
fn a_scale_gives_its_distribution_and_mean() {
    let r = built();
    let a1 = q(&r, "A1");
    assert_eq!(
        a1.base,
        Base {
            respondents: 4,
            shown: 4,
            answered: 4
        }
    );
    assert_eq!(
        counts(&a1.body),
        [("1", 0), ("2", 1), ("3", 0), ("4", 2), ("5", 1)]
    );
    let Body::Scale { mean, values, .. } = &a1.body else {
        panic!()
    };
    assert_eq!(*mean, Some(3.75));
    assert_eq!(values[3].pct, Some(50.0));
    assert_eq!(values[0].label, "1 – Not a problem");
}

#[test]
fn a_multi_is_sorted_by_count_and_keeps_the_other_texts() {
    let r = built();
    let a2 = q(&r, "A2");
    assert_eq!(counts(&a2.body), [("email", 3), ("sms", 2), ("other", 1)]);
    assert_eq!(a2.share("email").unwrap().pct, Some(75.0));
    assert_eq!(
        a2.specified,
        vec![Quote {
            country: "Beta".into(),
            label: Some("Other".into()),
            text: "Carrier <pigeon> & \"post\"".into(),
        }]
    );
    // Ties keep the questionnaire's order.
    let g1 = q(&r, "G1");
    assert_eq!(
        counts(&g1.body),
        [
            ("legislation", 2),
            ("spoofing", 2),
            ("budget", 2),
            ("awareness", 1)
        ]
    );
}

#[test]
fn no_answer_is_a_category_of_its_own_and_not_in_the_base() {
    let r = built();
    let a9 = q(&r, "A9");
    assert_eq!(
        a9.base,
        Base {
            respondents: 4,
            shown: 4,
            answered: 3
        }
    );
    let Body::Choice { no_answer, .. } = &a9.body else {
        panic!()
    };
    assert_eq!(*no_answer, 1);
    assert_eq!(counts(&a9.body), [("yes", 2), ("no", 1)]);
    let pct = a9.share("yes").unwrap().pct.unwrap();
    assert_eq!(rounded(pct), 67);

    let b8 = q(&r, "B8");
    assert_eq!(b8.base.answered, 2);
    assert_eq!(
        counts(&b8.body),
        [("fine", 1), ("criminal", 1), ("none", 1)]
    );
    assert_eq!(b8.share("none").unwrap().pct, Some(50.0));
}

#[test]
fn a_hidden_question_counts_neither_in_its_base_nor_its_figures() {
    let r = built();
    let a10 = q(&r, "A10");
    // Beta answered A9 "no": its stale 999 is not counted.
    assert_eq!(
        a10.base,
        Base {
            respondents: 4,
            shown: 2,
            answered: 2
        }
    );
    let Body::Numbers {
        rows,
        stats,
        columns,
        ..
    } = &a10.body
    else {
        panic!()
    };
    assert_eq!(columns[0].0, "2020");
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].values,
        [NumberValue::Value(100), NumberValue::Unknown]
    );
    assert_eq!(
        stats[0],
        NumberStats {
            reported: 2,
            unknown: 0,
            median: Some(200.0),
            min: Some(100),
            max: Some(300)
        }
    );
    assert_eq!(
        stats[1],
        NumberStats {
            reported: 1,
            unknown: 1,
            median: Some(50.0),
            min: Some(50),
            max: Some(50)
        }
    );

    let b2 = q(&r, "B2");
    assert_eq!(
        b2.base,
        Base {
            respondents: 4,
            shown: 3,
            answered: 1
        }
    );
    let Body::Text { rows, .. } = &b2.body else {
        panic!()
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].texts, ["Spam Act 2010 <script>"]);
}

#[test]
fn unknown_is_kept_apart_from_figures_in_numbers_and_matrices() {
    let r = built();
    let a12 = q(&r, "A12");
    assert_eq!(a12.base.answered, 2);
    let Body::Numbers { stats, unit, .. } = &a12.body else {
        panic!()
    };
    assert_eq!(unit.as_deref(), Some("fines"));
    assert_eq!(
        (stats[0].reported, stats[0].unknown, stats[0].median),
        (1, 1, Some(7.0))
    );

    let a11 = q(&r, "A11");
    assert_eq!(a11.base.answered, 1);
    let Body::Numbers { stats, .. } = &a11.body else {
        panic!()
    };
    assert_eq!((stats[0].reported, stats[0].median), (1, Some(5.0)));
    assert_eq!((stats[1].reported, stats[1].unknown), (0, 1));
}

#[test]
fn a_matrix_counts_each_row_among_the_members_who_rated_it() {
    let r = built();
    let a3 = q(&r, "A3");
    assert_eq!(
        a3.base,
        Base {
            respondents: 4,
            shown: 4,
            answered: 2
        }
    );
    let Body::MatrixChoice { rows, .. } = &a3.body else {
        panic!()
    };
    let got: Vec<(&str, Vec<usize>, usize)> = rows
        .iter()
        .map(|r| (r.code.as_str(), r.counts.clone(), r.answered))
        .collect();
    assert_eq!(
        got,
        vec![
            ("email", vec![0, 0, 1], 1),
            ("sms", vec![0, 1, 1], 2),
            ("other", vec![1, 0, 0], 1),
        ]
    );
}

#[test]
fn a_rank_gives_three_two_one_points_and_is_sorted() {
    let r = built();
    let g2 = q(&r, "G2");
    assert_eq!(g2.base.answered, 3);
    let Body::Rank { rows, top } = &g2.body else {
        panic!()
    };
    assert_eq!(*top, 3);
    let got: Vec<(&str, usize, Vec<usize>)> = rows
        .iter()
        .map(|r| (r.code.as_str(), r.points, r.places.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("legislation", 5, vec![1, 1, 0]),
            ("budget", 4, vec![1, 0, 1]),
            ("spoofing", 3, vec![1, 0, 0]),
            ("awareness", 2, vec![0, 1, 0]),
        ]
    );
}

#[test]
fn texts_are_kept_exactly_as_typed_part_by_part() {
    let r = built();
    let Body::Text { parts, rows, .. } = &q(&r, "A0").body else {
        panic!()
    };
    assert_eq!(parts, &["Name", "E-mail"]);
    assert_eq!(rows[0].texts, ["N. One", "a@example.org"]);
    assert_eq!(rows[1].texts, ["N. Two", ""]);
    let Body::Text { rows, .. } = &q(&r, "G4").body else {
        panic!()
    };
    assert_eq!(rows[0].country, "Alpha");
    assert_eq!(rows[0].texts, ["Line one\nLine two & \"q\""]);
}

#[test]
fn a_question_in_both_editions_is_compared_in_percentage_points() {
    let r = built();
    let Compare::Shares {
        rows,
        means,
        prev_base,
    } = &q(&r, "A1").compare
    else {
        panic!("A1 is compared")
    };
    assert_eq!(prev_base.answered, 2);
    let two = rows.iter().find(|r| r.label == "2").unwrap();
    assert_eq!(two.change, Some(25 - 50));
    assert_eq!(*means, Some((Some(3.75), Some(3.0))));

    let Compare::Shares { rows, .. } = &q(&r, "A2").compare else {
        panic!("A2 is compared")
    };
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["E-mail", "SMS", "Other", "Fax"]);
    assert_eq!(rows[0].change, Some(75 - 100));
    assert!(rows[1].prev.is_none() && rows[1].change.is_none());
    assert!(rows[3].now.is_none());

    let Compare::Shares { rows, .. } = &q(&r, "B1").compare else {
        panic!("B1 is compared")
    };
    assert_eq!(rows[0].change, Some(0));
    assert_eq!(rows[2].change, Some(25 - 50));
}

#[test]
fn new_changed_text_and_number_questions_are_marked_as_such() {
    let r = built();
    for id in ["A0", "A3", "A9", "A11", "A12", "B2", "G1", "G2"] {
        assert_eq!(q(&r, id).compare, Compare::New, "{id}");
    }
    assert!(matches!(q(&r, "B8").compare, Compare::NotComparable(_)));
    assert_eq!(q(&r, "G4").compare, Compare::Text);
    let Compare::Numbers { rows, .. } = &q(&r, "A10").compare else {
        panic!("A10 is compared")
    };
    assert_eq!(rows.len(), 1, "only 2020 is in both editions");
    assert_eq!(rows[0].column, "2020");
    assert_eq!(
        (rows[0].now.median, rows[0].prev.median),
        (Some(200.0), Some(20.0))
    );
}

#[test]
fn without_a_previous_edition_nothing_is_compared() {
    let (now, _) = fixture();
    let r = report(tallied(&now, responses_2022(&now)), None);
    assert!(r.questions().all(|q| q.compare == Compare::Off));
    assert!(r.previous.is_none());
}

#[test]
fn key_findings_are_computed_and_skip_what_the_edition_lacks() {
    let r = built();
    let texts: Vec<&str> = r.findings.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(
        texts[0],
        "3 of 4 members responded to the 2022 survey (2 of 4 in 2021), as did 1 of 1 associate member; the figures count members and associates together."
    );
    assert!(texts.contains(
        &"B1 (Legislation): 2 of the 4 respondents (members and associates) that answered (50%; base under 10) chose “Dedicated anti-spam law” (50% in 2021)."
    ));
    assert!(
        texts
            .iter()
            .any(|t| t.contains("the answer chosen most is “E-mail”, by 3 of the 4"))
    );
    assert!(texts.iter().any(|t| {
        t.contains("“Insufficient legislation”, “Caller-ID spoofing” and “Limited budget” are tied")
    }));
    assert!(texts.iter().any(|t| t.contains("(base under 10) is 3.8")));
    // D1 and F5 are not in this edition: no finding, no panic.
    assert!(
        !r.findings
            .iter()
            .any(|f| f.question == "D1" || f.question == "F5")
    );

    let (_, before) = fixture();
    let older = report(tallied(&before, responses_2021(&before)), None);
    assert!(older.findings.iter().all(|f| f.question != "G1"));
}

#[test]
fn profiles_have_the_columns_the_edition_asks_and_hide_what_was_not_shown() {
    let r = built();
    let ids: Vec<&str> = r
        .profiles
        .columns
        .iter()
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(ids, ["B1", "B2"]);
    let beta = &r.profiles.rows[1];
    assert_eq!(beta.country, "Beta");
    assert_eq!(beta.cells, ["No", ""]);
    let gamma = &r.profiles.rows[2];
    assert_eq!(gamma.cells[0], "Provisions within other laws");
    assert!(r.profiles.rows[3].associate);
}

#[test]
fn the_annex_lists_every_question_with_its_type_and_condition() {
    let r = built();
    let all: Vec<&AnnexQuestion> = r.annex.iter().flat_map(|s| s.questions.iter()).collect();
    assert_eq!(all.len(), 14);
    let a10 = all.iter().find(|q| q.id == "A10").unwrap();
    assert_eq!(a10.kind, "Number per year");
    assert_eq!(
        a10.condition.as_deref(),
        Some("Shown if the answer to A9 is “Yes”")
    );
    let b8 = all.iter().find(|q| q.id == "B8").unwrap();
    assert!(
        b8.details[0]
            .1
            .contains(&"None (excludes the other options)".to_string())
    );
}

#[test]
fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
    use NumberValue::*;
    let s = number_stats([Value(1), Value(10), Unknown, Blank, Value(4), Value(3)].into_iter());
    assert_eq!(s.median, Some(3.5));
    assert_eq!(
        (s.reported, s.unknown, s.min, s.max),
        (4, 1, Some(1), Some(10))
    );
    assert_eq!(number_stats(std::iter::empty()).median, None);
}

mod merging;
mod population;

#[test]
fn a_question_renamed_by_previous_id_is_compared_with_the_question_it_continues() {
    let dir = tempfile::tempdir().unwrap();
    let counted_in = |text: &str| {
        text.replace(
            "members = \"members.csv\"",
            "members = \"members.csv\"\ncount_associates = true",
        )
    };
    // Last year's B1 was called L1; this year's B1 says it continues L1.
    let before_text = counted_in(MINI_2021).replacen("id = \"B1\"", "id = \"L1\"", 1);
    let now_text = counted_in(MINI_2022).replacen(
        "id = \"B1\"\ntype = \"single\"",
        "id = \"B1\"\nprevious_id = \"L1\"\ntype = \"single\"",
        1,
    );
    let now = load(dir.path(), "mini-2022", &now_text);
    let before = load(dir.path(), "mini-2021", &before_text);
    let earlier = vec![
        (
            member(&before, "AA"),
            cells(&before, &[("A1", "2"), ("L1", "no")]),
        ),
        (
            member(&before, "BB"),
            cells(&before, &[("A1", "4"), ("L1", "dedicated_law")]),
        ),
    ];
    let r = report(
        tallied(&now, responses_2022(&now)),
        Some(tallied(&before, earlier)),
    );
    let Compare::Shares { rows, .. } = &q(&r, "B1").compare else {
        panic!("B1 is compared with L1: {:?}", q(&r, "B1").compare)
    };
    assert_eq!(rows[0].change, Some(0), "as when the ids were the same");
    assert_eq!(rows[2].change, Some(25 - 50));
}
