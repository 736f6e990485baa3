//! The matching of two small editions, what it carries and what it warns.

use super::checks::{jumps, warnings};
use super::*;
use crate::answers::Cells;
use crate::definition::load_file;

const MEMBERS: &str = "code,iso3,name,subregion,status\nAU,AUS,Australia,Pacific,member\n";

const BEFORE: &str = r#"
id = "mini-2021"
title = "Mini 2021"
year = 2021
reference_period = "calendar year 2020"
opens = 2021-03-01
closes = 2021-06-30
members = "members.csv"
introduction = "Hello."

[[sections]]
id = "A"
title = "A"

[[sections.questions]]
id = "A1"
type = "multi"
text = "Channels"
options = [{ code = "email", label = "E-mail" }, { code = "sms", label = "SMS" }, { code = "fax", label = "Fax" }]

[[sections.questions]]
id = "A2"
type = "number"
text = "Complaints"

[[sections.questions]]
id = "A3"
type = "number_per_year"
text = "Complaints per year"
years = [2018, 2019, 2020]
unknown = true

[[sections.questions]]
id = "A4"
type = "text"
text = "Lead agency"

[[sections.questions]]
id = "A5"
type = "scale"
text = "How serious"

[[sections.questions]]
id = "A6"
type = "yesno"
text = "A register?"
"#;

const NOW: &str = r#"
id = "mini-2022"
title = "Mini 2022"
year = 2022
reference_period = "calendar year 2021"
opens = 2022-03-01
closes = 2022-06-30
previous = "mini-2021"
members = "members.csv"
introduction = "Hello."

[[sections]]
id = "A"
title = "A"

[[sections.questions]]
id = "A1"
type = "multi"
text = "Channels used"
options = [{ code = "email", label = "E-mail" }, { code = "sms", label = "SMS" }, { code = "social", label = "Social" }]

[[sections.questions]]
id = "A2"
type = "number"
text = "Complaints"
jump_factor = 3

[[sections.questions]]
id = "A3"
type = "number_per_year"
text = "Complaints per year"
years = [2019, 2020, 2021]
unknown = true

[[sections.questions]]
id = "C1"
previous_id = "A4"
type = "text"
text = "Lead agency"

[[sections.questions]]
id = "A5"
type = "scale"
text = "How serious"
max = 10

[[sections.questions]]
id = "A6"
type = "yesno_dk"
text = "A register?"

[[sections.questions]]
id = "A7"
type = "text"
text = "New"
"#;

fn editions() -> (Survey, Survey) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("members.csv"), MEMBERS).unwrap();
    let load = |id: &str, text: &str| {
        let path = dir.path().join(format!("{id}.toml"));
        std::fs::write(&path, text).unwrap();
        load_file(&path).unwrap_or_else(|e| panic!("{id} loads: {e:?}"))
    };
    (load("mini-2021", BEFORE), load("mini-2022", NOW))
}

fn cells(s: &Survey, values: &[(&str, &str)]) -> Cells {
    let mut c = vec![String::new(); s.columns().len()];
    for (name, v) in values {
        c[s.column_index(name)
            .unwrap_or_else(|| panic!("no column {name}"))] = v.to_string();
    }
    c
}

fn value<'a>(s: &Survey, c: &'a Cells, name: &str) -> &'a str {
    &c[s.column_index(name).unwrap()]
}

#[test]
fn a_question_with_the_same_id_and_the_same_cells_is_the_same() {
    let (b, n) = editions();
    let m = match_editions(&b, &n);
    let a2 = m.pair("A2").unwrap();
    assert_eq!(
        (a2.before.id.as_str(), a2.renamed, &a2.fit),
        ("A2", false, &Fit::Same)
    );
    // yes/no became yes/no/don't know: every earlier answer still fits.
    assert_eq!(m.pair("A6").unwrap().fit, Fit::Same);
}

#[test]
fn options_taken_away_narrow_the_fit_and_options_added_do_not() {
    let (b, n) = editions();
    let m = match_editions(&b, &n);
    assert_eq!(
        m.pair("A1").unwrap().fit,
        Fit::Narrowed {
            removed: vec!["fax".into()]
        }
    );
}

#[test]
fn a_question_that_names_its_earlier_id_is_matched_as_renamed() {
    let (b, n) = editions();
    let m = match_editions(&b, &n);
    let c1 = m.pair("C1").unwrap();
    assert_eq!((c1.before.id.as_str(), c1.renamed), ("A4", true));
    assert!(
        m.removed().is_empty(),
        "A4 is continued by C1: {:?}",
        m.removed()
    );
    let added: Vec<&str> = m.added().iter().map(|q| q.id.as_str()).collect();
    assert_eq!(added, ["A7"]);
}

#[test]
fn a_scale_that_changed_its_range_is_incompatible() {
    let (b, n) = editions();
    let m = match_editions(&b, &n);
    let a5 = m.pair("A5").unwrap();
    assert!(matches!(&a5.fit, Fit::Incompatible { why } if why.contains("1–5 to 1–10")));
    assert!(m.columns(a5).is_empty());
}

#[test]
fn carrying_keeps_what_fits_and_names_what_does_not() {
    let (b, n) = editions();
    let m = match_editions(&b, &n);
    let before = cells(
        &b,
        &[
            ("A1", "email;fax"),
            ("A2", "120"),
            ("A3_2018", "5"),
            ("A3_2019", "7"),
            ("A3_2020", "unknown"),
            ("A4", "The regulator"),
            ("A5", "4"),
            ("A6", "yes"),
        ],
    );
    let c = carry::carry(&m, &before);
    assert_eq!(c.carried, ["A2", "A3", "C1", "A6"]);
    let left: Vec<&str> = c.left.iter().map(|(q, _)| q.as_str()).collect();
    assert_eq!(left, ["A1", "A5"]);
    assert!(c.left[0].1.contains("“Fax”"), "{}", c.left[0].1);
    assert_eq!(value(&n, &c.cells, "A1"), "");
    assert_eq!(value(&n, &c.cells, "A2"), "120");
    assert_eq!(value(&n, &c.cells, "A3_2019"), "7");
    assert_eq!(value(&n, &c.cells, "A3_2020"), "unknown");
    assert_eq!(value(&n, &c.cells, "A3_2021"), "");
    assert_eq!(value(&n, &c.cells, "C1"), "The regulator");
    assert_eq!(value(&n, &c.cells, "A5"), "");
}

#[test]
fn last_years_answers_in_words_follow_the_renamed_question() {
    let (b, n) = editions();
    let m = match_editions(&b, &n);
    let before = cells(&b, &[("A4", "The regulator"), ("A1", "email;sms")]);
    let words = carry::in_words(&m, &before);
    let ids: Vec<&str> = words.iter().map(|(q, _)| q.as_str()).collect();
    assert_eq!(ids, ["A1", "C1"]);
    assert_eq!(words[0].1.lines, ["E-mail", "SMS"]);
}

#[test]
fn a_zero_counts_as_one_and_the_factor_is_strict() {
    assert!(!jumps(0, 3, 5.0));
    assert!(jumps(0, 6, 5.0));
    assert!(!jumps(100, 500, 5.0));
    assert!(jumps(100, 501, 5.0));
    assert!(jumps(100, 19, 5.0));
}

#[test]
fn a_jump_past_the_questions_factor_and_a_year_given_differently_are_warned() {
    let (b, n) = editions();
    let m = match_editions(&b, &n);
    let before = cells(&b, &[("A2", "100"), ("A3_2019", "7"), ("A3_2020", "50")]);
    let now = cells(
        &n,
        &[
            ("A2", "301"),
            ("A3_2019", "8"),
            ("A3_2020", "50"),
            ("A3_2021", "500"),
        ],
    );
    let w = warnings(&m, &before, &now);
    let keys: Vec<&str> = w.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(keys, ["A2:jump:301", "A3_2019:year:8", "A3_2021:jump:500"]);
    // Within the factor of 3, and the year as given before: nothing.
    let calm = cells(&n, &[("A2", "300"), ("A3_2019", "7"), ("A3_2021", "240")]);
    assert!(warnings(&m, &before, &calm).is_empty());
}

#[test]
fn years_move_on_only_where_they_stand_alone() {
    assert_eq!(
        edition::years_on("calendar year 2021"),
        "calendar year 2022"
    );
    assert_eq!(
        edition::years_on("2020-21 and 12021 and A2021"),
        "2021-21 and 12021 and A2021"
    );
}

#[test]
fn the_next_edition_keeps_the_comments_and_moves_the_year_on() {
    let (b, _) = editions();
    let source = format!(
        "# Kept.\n{}",
        BEFORE.replace("closes = 2021-06-30", "closes = 2021-06-30 # the end")
    );
    let text = edition::next_edition(&source, &b, "mini-2022").unwrap();
    assert!(text.starts_with("# Kept.\n"));
    assert!(text.contains("id = \"mini-2022\"\n"));
    assert!(text.contains("year = 2022\n"));
    assert!(text.contains("reference_period = \"calendar year 2021\"\n"));
    assert!(text.contains("opens = 2022-03-01\n"));
    assert!(text.contains("closes = 2022-06-30 # the end\n"));
    assert!(text.contains("previous = \"mini-2021\""));
    assert!(text.contains("years = [2018, 2019, 2020]"));
}
