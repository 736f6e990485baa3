//! The questionnaire definition loader: what a valid file becomes, and that
//! every mistake a person editing a definition can make is refused with the
//! file, the line and the question it is in.

use spam_survey::definition::{
    Bounds, Cell, Condition, DefinitionError, Kind, Survey, Test, load_dir, load_file,
};
use std::path::{Path, PathBuf};
use std::process::Command;

const MEMBERS: &str = "code,iso3,name,subregion,status\n\
                       KR,KOR,Korea,East Asia,member\n\
                       CK,COK,Cook Islands,Pacific,associate\n";

/// The edition keys every test file starts with (lines 1 to 8).
const HEAD: &str = r#"id = "t-1"
title = "Test edition"
year = 2022
reference_period = "calendar year 2021"
opens = 2022-03-01
closes = 2022-06-30
members = "members.csv"
introduction = "One paragraph."
"#;

/// A whole definition: the edition keys, `lists` (may be empty), then one
/// section holding `questions`.
fn edition_with(lists: &str, questions: &str) -> String {
    format!("{HEAD}\n{lists}\n[[sections]]\nid = \"A\"\ntitle = \"Section A\"\n\n{questions}")
}

/// The smallest edition: one yes/no question, Q1.
fn yes_no_edition() -> String {
    edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "Yes?"
"#,
    )
}

fn edition(questions: &str) -> String {
    edition_with("", questions)
}

/// Writes `src` as `name` beside a good members.csv in `dir`.
fn write(dir: &Path, name: &str, src: &str) -> PathBuf {
    let members = dir.join("members.csv");
    if !members.exists() {
        std::fs::write(&members, MEMBERS).unwrap();
    }
    let path = dir.join(name);
    std::fs::write(&path, src).unwrap();
    path
}

/// Loads `src` as `t-1.toml` from a fresh folder.
fn load(src: &str) -> Result<Survey, Vec<DefinitionError>> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "t-1.toml", src);
    load_file(&path)
}

fn show(errors: &[DefinitionError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The 1-based line of the `nth` (from 0) line of `src` containing `needle`,
/// found independently of the loader.
#[track_caller]
fn nth_line(src: &str, needle: &str, nth: usize) -> usize {
    src.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(nth)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("no line {nth} with {needle:?} in\n{src}"))
}

/// The line of the only line of `src` containing `needle`.
#[track_caller]
fn line(src: &str, needle: &str) -> usize {
    let n = src.lines().filter(|l| l.contains(needle)).count();
    assert_eq!(n, 1, "{needle:?} is on {n} lines of\n{src}");
    nth_line(src, needle, 0)
}

/// Loads `src`, which must be refused with exactly one error, and returns it.
#[track_caller]
fn only_error(src: &str) -> DefinitionError {
    let errors = match load(src) {
        Ok(_) => panic!("the definition was accepted:\n{src}"),
        Err(e) => e,
    };
    assert_eq!(
        errors.len(),
        1,
        "expected one error, got:\n{}",
        show(&errors)
    );
    errors.into_iter().next().unwrap()
}

/// Checks an error's line, question and that its message says `part`.
#[track_caller]
fn assert_error(e: &DefinitionError, line: usize, question: Option<&str>, part: &str) {
    assert_eq!(e.line, Some(line), "wrong line in: {e}");
    assert_eq!(e.question.as_deref(), question, "wrong question in: {e}");
    assert!(
        e.message.contains(part),
        "the message of `{e}` does not say {part:?}"
    );
}

fn column_names(s: &Survey) -> Vec<&str> {
    s.columns().iter().map(|c| c.name.as_str()).collect()
}

// ---------------------------------------------------------------------------
// A valid definition

const EVERY_TYPE_LISTS: &str = r#"[lists]
channels = [
  { code = "email", label = "E-mail" },
  { code = "sms", label = "SMS" },
  { code = "other", label = "Other", specify = true },
]
"#;

const EVERY_TYPE: &str = r#"[[sections.questions]]
id = "S1"
type = "single"
text = "Single with a specify option"
required = true
select = true
options = [
  { code = "ministry", label = "Ministry" },
  { code = "other", label = "Other", specify = true },
]

[[sections.questions]]
id = "M1"
type = "multi"
text = "Multi over a shared list"
options_from = "channels"

[[sections.questions]]
id = "M2"
type = "multi"
text = "Multi with a None option"
options = [
  { code = "fines", label = "Fines" },
  { code = "none", label = "None", exclusive = true },
]

[[sections.questions]]
id = "YN"
type = "yesno"
text = "Yes or no"

[[sections.questions]]
id = "YD"
type = "yesno_dk"
text = "Yes, no or don't know"
shown_if = { question = "YN", is = ["yes"] }

[[sections.questions]]
id = "N1"
type = "number"
text = "A number"
unit = "complaints"
unknown = true

[[sections.questions]]
id = "NY"
type = "number_per_year"
text = "A number per year"
years = [2019, 2020, 2021]
max = 1000

[[sections.questions]]
id = "T1"
type = "text"
text = "A long text"
long = true

[[sections.questions]]
id = "T2"
type = "text"
text = "Contact"
required = true
parts = [
  { code = "name", label = "Name", required = true },
  { code = "email", label = "E-mail", format = "email" },
]

[[sections.questions]]
id = "SC"
type = "scale"
text = "How serious?"
min_label = "Not at all"
max_label = "Very"

[[sections.questions]]
id = "MC"
type = "matrix_choice"
text = "Rate each channel picked in M1"
rows_from = "channels"
rows_picked_in = "M1"
columns = [
  { code = "low", label = "Low" },
  { code = "high", label = "High" },
]

[[sections.questions]]
id = "MN"
type = "matrix_number"
text = "Counts per row"
rows = [
  { code = "a", label = "Row A" },
  { code = "b", label = "Row B" },
]
shown_if = { question = "M2", is_not = ["none"] }

[[sections.questions]]
id = "R1"
type = "rank"
text = "Rank the channels picked in M1"
of = "M1"
shown_if = { question = "M1", answered = true }
"#;

#[test]
fn a_minimal_definition_with_every_type_loads_with_the_expected_columns() {
    let s = load(&edition_with(EVERY_TYPE_LISTS, EVERY_TYPE)).unwrap_or_else(|e| {
        panic!("refused:\n{}", show(&e));
    });
    assert_eq!(s.id, "t-1");
    assert_eq!(s.year, 2022);
    assert_eq!(s.opens.to_string(), "2022-03-01");
    assert_eq!(s.closes.to_string(), "2022-06-30");
    assert_eq!(s.previous, None);
    assert_eq!(s.introduction, "One paragraph.");
    assert_eq!(s.members.len(), 2);
    assert_eq!(
        s.member("CK").map(|m| m.name.as_str()),
        Some("Cook Islands")
    );
    assert_eq!(s.sections.len(), 1);
    assert_eq!(
        column_names(&s),
        [
            "S1",
            "S1_other_text",
            "M1",
            "M1_other_text",
            "M2",
            "YN",
            "YD",
            "N1",
            "NY_2019",
            "NY_2020",
            "NY_2021",
            "T1",
            "T2_name",
            "T2_email",
            "SC",
            "MC_email",
            "MC_sms",
            "MC_other",
            "MN_a",
            "MN_b",
            "R1_1",
            "R1_2",
            "R1_3",
        ]
    );

    // Each question's cells are its own columns, in order.
    let ids: Vec<&str> = s.questions().map(|q| q.id.as_str()).collect();
    for (i, q) in s.questions().enumerate() {
        for c in &s.columns()[q.cells.clone()] {
            assert_eq!(c.question, i, "column {} of {}", c.name, q.id);
            assert!(c.name.starts_with(&q.id));
        }
    }
    let cells: usize = s.questions().map(|q| q.cells.len()).sum();
    assert_eq!(cells, s.columns().len());
    assert_eq!(ids.len(), 13);

    let col = |name: &str| &s.columns()[s.column_index(name).unwrap()];
    assert_eq!(
        col("S1_other_text").cell,
        Cell::Specify {
            option: "other".into()
        }
    );
    assert_eq!(col("NY_2020").cell, Cell::Year { year: 2020 });
    assert_eq!(
        col("T2_email").cell,
        Cell::Part {
            part: "email".into()
        }
    );
    assert_eq!(col("MC_sms").cell, Cell::Row { row: "sms".into() });
    assert_eq!(col("R1_3").cell, Cell::Place { place: 3 });
    assert_eq!(col("SC").cell, Cell::Whole);

    // The kinds carry what the form needs, with the documented defaults.
    let kind = |id: &str| &s.question(id).unwrap().kind;
    let names: Vec<&str> = s.questions().map(|q| q.kind.name()).collect();
    assert_eq!(
        names,
        [
            "single",
            "multi",
            "multi",
            "yesno",
            "yesno_dk",
            "number",
            "number_per_year",
            "text",
            "text",
            "scale",
            "matrix_choice",
            "matrix_number",
            "rank",
        ]
    );
    match kind("S1") {
        Kind::Single { options, select } => {
            assert!(*select);
            assert!(options[1].specify);
        }
        k => panic!("S1 is {k:?}"),
    }
    let codes = |k: &Kind| -> Vec<String> {
        k.options()
            .unwrap()
            .iter()
            .map(|o| o.code.clone())
            .collect()
    };
    assert_eq!(codes(kind("M1")), ["email", "sms", "other"]);
    assert!(kind("M2").options().unwrap()[1].exclusive);
    assert_eq!(codes(kind("YN")), ["yes", "no"]);
    assert_eq!(codes(kind("YD")), ["yes", "no", "dk"]);
    match kind("N1") {
        Kind::Number { bounds, unit } => {
            assert_eq!(
                *bounds,
                Bounds {
                    min: 0,
                    max: 1_000_000_000_000,
                    unknown: true
                }
            );
            assert_eq!(unit.as_deref(), Some("complaints"));
        }
        k => panic!("N1 is {k:?}"),
    }
    match kind("NY") {
        Kind::NumberPerYear { years, bounds } => {
            assert_eq!(years, &[2019, 2020, 2021]);
            assert_eq!(bounds.max, 1000);
            assert!(!bounds.unknown);
        }
        k => panic!("NY is {k:?}"),
    }
    match kind("T1") {
        Kind::Text {
            long,
            max_length,
            parts,
            ..
        } => {
            assert!(*long);
            assert_eq!(*max_length, 10_000);
            assert!(parts.is_empty());
        }
        k => panic!("T1 is {k:?}"),
    }
    match kind("T2") {
        Kind::Text {
            long,
            max_length,
            parts,
            ..
        } => {
            assert!(!*long);
            assert_eq!(*max_length, 500);
            assert_eq!(parts.len(), 2);
            assert!(parts[0].required && !parts[1].required);
        }
        k => panic!("T2 is {k:?}"),
    }
    match kind("SC") {
        Kind::Scale {
            min,
            max,
            min_label,
            ..
        } => {
            assert_eq!((*min, *max), (1, 5));
            assert_eq!(min_label.as_deref(), Some("Not at all"));
        }
        k => panic!("SC is {k:?}"),
    }
    match kind("MC") {
        Kind::MatrixChoice {
            rows,
            rows_picked_in,
            columns,
        } => {
            assert_eq!(rows.len(), 3);
            assert_eq!(rows_picked_in.as_deref(), Some("M1"));
            assert_eq!(columns.len(), 2);
        }
        k => panic!("MC is {k:?}"),
    }
    match kind("R1") {
        Kind::Rank { of, top } => assert_eq!((of.as_str(), *top), ("M1", 3)),
        k => panic!("R1 is {k:?}"),
    }

    // The three forms of `shown_if`.
    assert_eq!(
        s.question("YD").unwrap().shown_if,
        Some(Condition {
            question: "YN".into(),
            test: Test::Is(vec!["yes".into()]),
        })
    );
    assert_eq!(
        s.question("MN").unwrap().shown_if.as_ref().unwrap().test,
        Test::IsNot(vec!["none".into()])
    );
    assert_eq!(
        s.question("R1").unwrap().shown_if.as_ref().unwrap().test,
        Test::Answered
    );
    assert!(s.question("S1").unwrap().required);
    assert_eq!(s.question("S1").unwrap().shown_if, None);
}

#[test]
fn an_error_names_the_file_it_is_in_and_displays_as_file_line_question_message() {
    let dir = tempfile::tempdir().unwrap();
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "What?"
years = [2020]
"#,
    );
    let path = write(dir.path(), "t-1.toml", &src);
    let errors = load_file(&path).unwrap_err();
    assert_eq!(errors.len(), 1, "{}", show(&errors));
    let e = &errors[0];
    assert_eq!(e.file, path);
    let l = line(&src, "id = \"Q1\"");
    assert_eq!(
        e.to_string(),
        format!(
            "{}:{l}: question Q1: `years` does not apply to a question of type yesno",
            path.display()
        )
    );
}

// ---------------------------------------------------------------------------
// Question ids and conditions

#[test]
fn a_duplicate_question_id_is_refused_with_its_line() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "First"

[[sections.questions]]
id = "Q1"
type = "text"
text = "Second"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        nth_line(&src, "id = \"Q1\"", 1),
        Some("Q1"),
        "this question id appears twice",
    );
}

#[test]
fn a_question_id_repeated_in_another_section_is_refused_too() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "First"

[[sections]]
id = "B"
title = "Section B"

[[sections.questions]]
id = "Q1"
type = "yesno"
text = "Second"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        nth_line(&src, "id = \"Q1\"", 1),
        Some("Q1"),
        "this question id appears twice",
    );
}

#[test]
fn a_question_id_that_is_a_fixed_column_name_is_refused_on_its_line() {
    for id in ["revision", "time", "member", "status"] {
        let src = edition(&format!(
            "[[sections.questions]]\nid = \"{id}\"\ntype = \"yesno\"\ntext = \"What?\"\n"
        ));
        let e = only_error(&src);
        assert_error(
            &e,
            line(&src, &format!("id = \"{id}\"")),
            Some(id),
            &format!("`{id}` is a reserved column name of the responses file; choose another id"),
        );
    }
}

#[test]
fn a_question_id_that_is_a_fixed_column_name_in_other_case_is_refused_too() {
    let src = edition(
        r#"[[sections.questions]]
id = "Status"
type = "yesno"
text = "What is the status of your law?"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Status\""),
        Some("Status"),
        "`Status` differs only in case from `status`, a reserved column name",
    );
}

#[test]
fn a_question_id_with_an_underscore_is_refused_once_not_also_as_a_column_clash() {
    // `Q1_x` would be the column of part `x` of Q1: the id is what is wrong.
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "text"
text = "Contact"
parts = [{ code = "x", label = "X" }]

[[sections.questions]]
id = "Q1_x"
type = "yesno"
text = "Yes?"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1_x\""),
        Some("Q1_x"),
        "letters and digits, starting with a letter",
    );
}

#[test]
fn a_duplicate_question_id_named_later_gives_no_follow_on_error() {
    // Which Q1 the condition means cannot be known: only the id is reported.
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "First"

[[sections.questions]]
id = "Q1"
type = "text"
text = "Second"

[[sections.questions]]
id = "Q2"
type = "text"
text = "Third"
shown_if = { question = "Q1", is = ["maybe"] }
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        nth_line(&src, "id = \"Q1\"", 1),
        Some("Q1"),
        &format!(
            "this question id appears twice (first on line {})",
            nth_line(&src, "id = \"Q1\"", 0)
        ),
    );
}

#[test]
fn a_question_with_an_unknown_type_named_later_gives_no_follow_on_error() {
    let later = [
        r#"type = "text"
shown_if = { question = "Q1", is = ["a"] }"#,
        r#"type = "text"
shown_if = { question = "Q1", answered = true }"#,
        r#"type = "rank"
of = "Q1""#,
        r#"type = "matrix_number"
rows = [{ code = "a", label = "A" }]
rows_picked_in = "Q1""#,
    ];
    for keys in later {
        let src = edition(&format!(
            r#"[[sections.questions]]
id = "Q1"
type = "checkbox"
text = "Pick"

[[sections.questions]]
id = "Q2"
text = "Then"
{keys}
"#
        ));
        let e = only_error(&src);
        assert_error(
            &e,
            line(&src, "id = \"Q1\""),
            Some("Q1"),
            "unknown type `checkbox`",
        );
    }
}

#[test]
fn a_multi_with_broken_options_named_later_gives_no_follow_on_error() {
    // The empty option list is the error: the rank's `top` (3 of 0 options)
    // and the condition's option `a` would only repeat it.
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "Pick"
options = []

[[sections.questions]]
id = "Q2"
type = "rank"
text = "Rank"
of = "Q1"

[[sections.questions]]
id = "Q3"
type = "text"
text = "Why?"
shown_if = { question = "Q1", is = ["a"] }
"#,
    );
    let e = only_error(&src);
    assert_error(&e, line(&src, "id = \"Q1\""), Some("Q1"), "list is empty");
}

#[test]
fn a_broken_question_is_still_checked_for_what_its_type_says() {
    // Q1's text is empty, but it is a yes/no: a rank of it is still wrong.
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = ""

[[sections.questions]]
id = "Q2"
type = "rank"
text = "Rank"
of = "Q1"
"#,
    );
    let errors = load(&src).unwrap_err();
    assert_eq!(errors.len(), 2, "{}", show(&errors));
    assert_error(
        &errors[0],
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "text is empty",
    );
    assert_error(
        &errors[1],
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "Q1 is not a multi",
    );
}

#[test]
fn shown_if_naming_an_unknown_question_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "First"

[[sections.questions]]
id = "Q2"
type = "text"
text = "Second"
shown_if = { question = "Q9", is = ["yes"] }
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "`shown_if` names Q9, which is not an earlier question",
    );
}

#[test]
fn shown_if_naming_a_later_question_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "text"
text = "First"
shown_if = { question = "Q2", is = ["yes"] }

[[sections.questions]]
id = "Q2"
type = "yesno"
text = "Second"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "Q2, which is not an earlier question",
    );
}

#[test]
fn shown_if_naming_the_question_itself_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "First"
shown_if = { question = "Q1", is = ["yes"] }
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "Q1, which is not an earlier question",
    );
}

#[test]
fn shown_if_naming_an_option_the_question_does_not_have_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "First"

[[sections.questions]]
id = "Q2"
type = "text"
text = "Second"
shown_if = { question = "Q1", is = ["maybe"] }
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "option `maybe`, which Q1 does not have",
    );
}

#[test]
fn shown_if_is_not_naming_an_option_of_a_multi_it_does_not_have_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "First"
options = [{ code = "a", label = "A" }, { code = "b", label = "B" }]

[[sections.questions]]
id = "Q2"
type = "text"
text = "Second"
shown_if = { question = "Q1", is_not = ["a", "c"] }
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "option `c`, which Q1 does not have",
    );
}

#[test]
fn shown_if_is_on_a_text_question_is_refused_pointing_to_answered() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "text"
text = "First"

[[sections.questions]]
id = "Q2"
type = "text"
text = "Second"
shown_if = { question = "Q1", is = ["yes"] }
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "tests the options of Q1, which has none (use `answered = true`)",
    );
}

#[test]
fn shown_if_with_two_tests_at_once_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "First"

[[sections.questions]]
id = "Q2"
type = "text"
text = "Second"
shown_if = { question = "Q1", is = ["yes"], answered = true }
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "exactly one of `is`, `is_not`, `answered = true`",
    );
}

#[test]
fn shown_if_with_no_test_or_answered_false_is_refused() {
    for test in ["", ", answered = false"] {
        let src = edition(&format!(
            r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "First"

[[sections.questions]]
id = "Q2"
type = "text"
text = "Second"
shown_if = {{ question = "Q1"{test} }}
"#
        ));
        let e = only_error(&src);
        assert_error(
            &e,
            line(&src, "id = \"Q2\""),
            Some("Q2"),
            "exactly one of `is`, `is_not`, `answered = true`",
        );
    }
}

#[test]
fn shown_if_with_an_empty_list_of_options_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "First"

[[sections.questions]]
id = "Q2"
type = "text"
text = "Second"
shown_if = { question = "Q1", is = [] }
"#,
    );
    let e = only_error(&src);
    assert_error(&e, line(&src, "id = \"Q2\""), Some("Q2"), "lists no option");
}

#[test]
fn a_question_id_with_a_dash_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q-1"
type = "yesno"
text = "First"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q-1\""),
        Some("Q-1"),
        "letters and digits, starting with a letter",
    );
}

// ---------------------------------------------------------------------------
// Option lists

#[test]
fn an_empty_option_list_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "single"
text = "Pick"
options = []
"#,
    );
    let e = only_error(&src);
    assert_error(&e, line(&src, "id = \"Q1\""), Some("Q1"), "list is empty");
}

#[test]
fn a_single_without_options_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "single"
text = "Pick"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "give `options` or `options_from`",
    );
}

#[test]
fn options_and_options_from_together_are_refused() {
    let src = edition_with(
        EVERY_TYPE_LISTS,
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "Pick"
options_from = "channels"
options = [{ code = "a", label = "A" }]
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "inline or from a list, not both",
    );
}

#[test]
fn options_from_naming_a_missing_list_is_refused() {
    let src = edition_with(
        EVERY_TYPE_LISTS,
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "Pick"
options_from = "chanels"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "there is no list `chanels` under [lists]",
    );
}

#[test]
fn an_exclusive_option_in_a_single_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "single"
text = "Pick"
options = [
  { code = "a", label = "A" },
  { code = "none", label = "None", exclusive = true },
]
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "`exclusive` on `none` only applies to an option of a multi",
    );
}

#[test]
fn an_option_code_with_capitals_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "Pick"
options = [
  { code = "Email", label = "E-mail" },
  { code = "sms", label = "SMS" },
]
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "option code `Email` must be lower-case letters, digits and _",
    );
}

#[test]
fn an_option_code_given_twice_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "single"
text = "Pick"
options = [
  { code = "a", label = "A" },
  { code = "a", label = "Also A" },
]
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "option code `a` appears twice",
    );
}

#[test]
fn an_option_with_an_empty_label_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "single"
text = "Pick"
options = [{ code = "a", label = "A" }, { code = "x", label = " " }]
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "option `x` has an empty label",
    );
}

#[test]
fn an_option_code_given_twice_with_specify_is_refused_once() {
    // Not also as two `Q1_other_text` columns.
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "Pick"
options = [
  { code = "other", label = "Other", specify = true },
  { code = "other", label = "Other again", specify = true },
]
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "option code `other` appears twice",
    );
}

// ---------------------------------------------------------------------------
// Shared lists

const BROKEN_LIST: &str = r#"[lists]
channels = [
  { code = "email", label = "E-mail" },
  { code = "Other", label = "Other", specify = true },
]
"#;

#[test]
fn an_error_in_a_shared_list_is_reported_once_on_the_lists_line() {
    let src = edition_with(
        BROKEN_LIST,
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "Pick"
options_from = "channels"

[[sections.questions]]
id = "Q2"
type = "single"
text = "Pick one"
options_from = "channels"

[[sections.questions]]
id = "Q3"
type = "matrix_number"
text = "Counts"
rows_from = "channels"
rows_picked_in = "Q1"

[[sections.questions]]
id = "Q4"
type = "rank"
text = "Rank"
of = "Q1"
top = 2
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "channels = ["),
        None,
        "in list `channels`, option code `Other` must be lower-case letters, digits and _",
    );
}

#[test]
fn an_unused_shared_list_is_checked_too() {
    for (entries, message) in [
        (
            r#"{ code = "a", label = "A" }, { code = "a", label = "B" }"#,
            "in list `spare`, option code `a` appears twice",
        ),
        (
            r#"{ code = "a", label = "" }"#,
            "in list `spare`, option `a` has an empty label",
        ),
        ("", "the list `spare` is empty"),
    ] {
        let src = edition_with(
            &format!("[lists]\nspare = [{entries}]\n"),
            r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "Yes?"
"#,
        );
        let e = only_error(&src);
        assert_error(&e, line(&src, "spare = ["), None, message);
    }
}

#[test]
fn an_exclusive_option_of_a_shared_list_is_refused_where_a_single_uses_it() {
    let src = edition_with(
        r#"[lists]
measures = [
  { code = "fines", label = "Fines" },
  { code = "none", label = "None", exclusive = true },
]
"#,
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "Pick"
options_from = "measures"

[[sections.questions]]
id = "Q2"
type = "single"
text = "Pick one"
options_from = "measures"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "`exclusive` on `none` (from list `measures`) only applies to an option of a multi",
    );
}

// ---------------------------------------------------------------------------
// `specify` on a matrix

#[test]
fn specify_on_a_matrix_row_or_column_is_refused() {
    for (kind, keys) in [
        (
            "matrix_number",
            r#"rows = [{ code = "a", label = "A" }, { code = "other", label = "Other", specify = true }]"#,
        ),
        (
            "matrix_choice",
            r#"rows = [{ code = "other", label = "Other", specify = true }]
columns = [{ code = "low", label = "Low" }]"#,
        ),
        (
            "matrix_choice",
            r#"rows = [{ code = "a", label = "A" }]
columns = [{ code = "low", label = "Low" }, { code = "other", label = "Other", specify = true }]"#,
        ),
    ] {
        let src = edition(&format!(
            "[[sections.questions]]\nid = \"MX\"\ntype = \"{kind}\"\ntext = \"Rate\"\n{keys}\n"
        ));
        let e = only_error(&src);
        assert_error(
            &e,
            line(&src, "id = \"MX\""),
            Some("MX"),
            "`specify` on `other` only applies to an option of a single or multi",
        );
    }
}

#[test]
fn a_shared_list_with_specify_gives_a_matrix_rows_without_it() {
    // The "other" text is asked by the multi; the matrix over the same list
    // has no box for it.
    let s = load(&edition_with(EVERY_TYPE_LISTS, EVERY_TYPE)).unwrap();
    match &s.question("MC").unwrap().kind {
        Kind::MatrixChoice { rows, .. } => {
            assert_eq!(rows[2].code, "other");
            assert!(rows.iter().all(|r| !r.specify), "{rows:?}");
        }
        k => panic!("MC is {k:?}"),
    }
    assert!(s.question("M1").unwrap().kind.options().unwrap()[2].specify);
}

// ---------------------------------------------------------------------------
// Ranks and matrices

#[test]
fn a_rank_of_a_question_that_is_not_a_multi_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "single"
text = "Pick one"
options = [{ code = "a", label = "A" }, { code = "b", label = "B" }, { code = "c", label = "C" }]

[[sections.questions]]
id = "Q2"
type = "rank"
text = "Rank"
of = "Q1"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "Q1 is not a multi",
    );
}

#[test]
fn a_rank_without_of_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q2"
type = "rank"
text = "Rank"
top = 2
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "a rank needs `of`",
    );
}

#[test]
fn a_rank_of_an_unknown_question_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q2"
type = "rank"
text = "Rank"
of = "Q7"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "`of` names Q7, which is not an earlier question",
    );
}

#[test]
fn a_rank_whose_top_exceeds_the_options_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "Pick"
options = [{ code = "a", label = "A" }, { code = "b", label = "B" }]

[[sections.questions]]
id = "Q2"
type = "rank"
text = "Rank"
of = "Q1"
top = 3
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "`top` must be between 1 and the 2 options of Q1",
    );
}

#[test]
fn a_rank_whose_default_top_of_three_exceeds_the_options_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "Pick"
options = [{ code = "a", label = "A" }, { code = "b", label = "B" }]

[[sections.questions]]
id = "Q2"
type = "rank"
text = "Rank"
of = "Q1"
"#,
    );
    let e = only_error(&src);
    assert_error(&e, line(&src, "id = \"Q2\""), Some("Q2"), "`top` must be");
}

#[test]
fn a_rank_with_top_zero_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "Pick"
options = [{ code = "a", label = "A" }, { code = "b", label = "B" }]

[[sections.questions]]
id = "Q2"
type = "rank"
text = "Rank"
of = "Q1"
top = 0
"#,
    );
    let e = only_error(&src);
    assert_error(&e, line(&src, "id = \"Q2\""), Some("Q2"), "`top` must be");
}

#[test]
fn rows_picked_in_naming_a_question_that_is_not_a_multi_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "single"
text = "Pick one"
options = [{ code = "a", label = "A" }, { code = "b", label = "B" }]

[[sections.questions]]
id = "Q2"
type = "matrix_number"
text = "Counts"
rows = [{ code = "a", label = "A" }, { code = "b", label = "B" }]
rows_picked_in = "Q1"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "`rows_picked_in` names Q1, which is not a multi",
    );
}

#[test]
fn rows_picked_in_a_multi_without_those_rows_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "multi"
text = "Pick"
options = [{ code = "a", label = "A" }, { code = "b", label = "B" }]

[[sections.questions]]
id = "Q2"
type = "matrix_choice"
text = "Rate"
rows = [{ code = "a", label = "A" }, { code = "z", label = "Z" }]
rows_picked_in = "Q1"
columns = [{ code = "low", label = "Low" }, { code = "high", label = "High" }]
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "row `z` is not an option of Q1",
    );
}

#[test]
fn a_matrix_choice_without_columns_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q2"
type = "matrix_choice"
text = "Rate"
rows = [{ code = "a", label = "A" }]
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q2\""),
        Some("Q2"),
        "columns list is missing",
    );
}

// ---------------------------------------------------------------------------
// Types and keys

#[test]
fn an_unknown_type_is_refused_with_the_list_of_types() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "checkbox"
text = "Pick"
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "unknown type `checkbox` (single, multi, yesno, yesno_dk",
    );
}

#[test]
fn a_key_that_does_not_apply_to_the_type_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "single"
text = "Pick"
options = [{ code = "a", label = "A" }]
years = [2020]
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"Q1\""),
        Some("Q1"),
        "`years` does not apply to a question of type single",
    );
}

#[test]
fn an_unknown_key_in_a_question_is_refused_by_name_on_its_line() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "Yes?"
colour = "red"
"#,
    );
    let e = only_error(&src);
    assert_eq!(e.line, Some(line(&src, "colour = ")), "{e}");
    assert!(e.message.contains("unknown field `colour`"), "{e}");
}

#[test]
fn an_unknown_key_at_the_top_is_refused_by_name_on_its_line() {
    let src = edition("").replace("year = 2022\n", "year = 2022\nedition_name = \"x\"\n");
    let e = only_error(&src);
    assert_eq!(e.line, Some(line(&src, "edition_name = ")), "{e}");
    assert!(e.message.contains("unknown field `edition_name`"), "{e}");
}

#[test]
fn a_toml_syntax_error_names_its_line() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "Is this closed?
"#,
    );
    let e = only_error(&src);
    assert_eq!(e.line, Some(line(&src, "text = \"Is this")), "{e}");
    assert_eq!(e.question, None);
}

#[test]
fn a_key_without_a_value_names_its_line() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text
"#,
    );
    let e = only_error(&src);
    let text_line = src.lines().position(|l| l == "text").unwrap() + 1;
    assert_eq!(e.line, Some(text_line), "{e}");
    assert_eq!(e.question, None);
}

#[test]
fn a_question_without_text_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
"#,
    );
    let e = only_error(&src);
    assert!(e.message.contains("missing field `text`"), "{e}");
    // serde cannot point at a key that is not there: the table it is
    // missing from is the best place.
    assert!(
        e.line
            .is_some_and(|l| l >= line(&src, "[[sections.questions]]")),
        "{e}"
    );
}

// ---------------------------------------------------------------------------
// Dates and numbers

#[test]
fn closes_before_opens_is_refused_on_the_closes_line() {
    let src = yes_no_edition().replace("closes = 2022-06-30", "closes = 2022-02-28");
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "closes = "),
        None,
        "`closes` is before `opens`",
    );
}

#[test]
fn a_date_with_a_time_is_refused() {
    let src = yes_no_edition().replace("opens = 2022-03-01", "opens = 2022-03-01T09:00:00");
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "opens = "),
        None,
        "`opens` must be a date such as 2022-03-01, without a time",
    );
}

#[test]
fn a_date_with_a_time_and_offset_is_refused() {
    let src = yes_no_edition().replace("closes = 2022-06-30", "closes = 2022-06-30T23:59:59Z");
    let e = only_error(&src);
    assert_error(&e, line(&src, "closes = "), None, "without a time");
}

#[test]
fn a_date_given_as_a_string_is_refused_on_its_line() {
    let src = yes_no_edition().replace("opens = 2022-03-01", "opens = \"2022-03-01\"");
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "opens = "),
        None,
        "`opens` is written as a string: write it without quotes, as a TOML date (`opens = 2022-03-01`)",
    );
}

fn number_question(keys: &str) -> String {
    edition(&format!(
        "[[sections.questions]]\nid = \"N1\"\ntype = \"number\"\ntext = \"How many?\"\n{keys}\n"
    ))
}

#[test]
fn a_number_max_above_ten_to_the_twelve_is_refused() {
    let src = number_question("max = 1_000_000_000_001");
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"N1\""),
        Some("N1"),
        "`max` must be between `min` and 1000000000000",
    );
}

#[test]
fn a_number_max_of_exactly_ten_to_the_twelve_is_accepted() {
    let s = load(&number_question("max = 1_000_000_000_000")).unwrap();
    match &s.question("N1").unwrap().kind {
        Kind::Number { bounds, .. } => assert_eq!(bounds.max, 1_000_000_000_000),
        k => panic!("{k:?}"),
    }
}

#[test]
fn a_number_max_below_min_is_refused() {
    let src = number_question("min = 10\nmax = 5");
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"N1\""),
        Some("N1"),
        "`max` must be between `min` and",
    );
}

#[test]
fn a_negative_number_min_is_refused() {
    let src = number_question("min = -1");
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"N1\""),
        Some("N1"),
        "`min` cannot be negative",
    );
}

#[test]
fn a_number_per_year_without_years_or_with_a_year_twice_is_refused() {
    for years in ["", "years = []", "years = [2020, 2020]"] {
        let src = edition(&format!(
            "[[sections.questions]]\nid = \"N1\"\ntype = \"number_per_year\"\ntext = \"How many?\"\n{years}\n"
        ));
        let e = only_error(&src);
        assert_error(
            &e,
            line(&src, "id = \"N1\""),
            Some("N1"),
            "`years` must list one or more distinct years",
        );
    }
}

#[test]
fn a_unit_is_refused_on_every_type_but_number_as_format_md_says() {
    for (kind, keys) in [
        ("number_per_year", "years = [2020, 2021]"),
        ("matrix_number", "rows = [{ code = \"a\", label = \"A\" }]"),
    ] {
        let src = edition(&format!(
            "[[sections.questions]]\nid = \"N1\"\ntype = \"{kind}\"\ntext = \"How many?\"\n{keys}\nunit = \"complaints\"\n"
        ));
        let e = only_error(&src);
        assert_error(
            &e,
            line(&src, "id = \"N1\""),
            Some("N1"),
            &format!(
                "`unit` does not apply to a question of type {kind} (only a `number` has a unit"
            ),
        );
    }
}

#[test]
fn a_matrix_row_code_given_twice_is_refused_once() {
    let src = edition(
        r#"[[sections.questions]]
id = "MN"
type = "matrix_number"
text = "Counts"
rows = [{ code = "a", label = "A" }, { code = "a", label = "Also A" }]
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"MN\""),
        Some("MN"),
        "row code `a` appears twice",
    );
}

#[test]
fn a_scale_whose_min_is_not_below_max_is_refused() {
    let src = edition(
        r#"[[sections.questions]]
id = "SC"
type = "scale"
text = "How much?"
min = 5
max = 5
"#,
    );
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"SC\""),
        Some("SC"),
        "a scale runs from `min` to `max`",
    );
}

// ---------------------------------------------------------------------------
// The edition, its file and its member list

#[test]
fn a_file_named_differently_from_its_id_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let src = yes_no_edition();
    let path = write(dir.path(), "t-2.toml", &src);
    let errors = load_file(&path).unwrap_err();
    assert_eq!(errors.len(), 1, "{}", show(&errors));
    assert_error(
        &errors[0],
        line(&src, "id = \"t-1\""),
        None,
        "the file is named `t-2` but its id is `t-1`",
    );
    assert_eq!(errors[0].file, path);
}

#[test]
fn an_edition_id_with_capitals_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let src = yes_no_edition().replace("id = \"t-1\"", "id = \"T-1\"");
    let path = write(dir.path(), "T-1.toml", &src);
    let errors = load_file(&path).unwrap_err();
    assert_eq!(errors.len(), 1, "{}", show(&errors));
    assert_error(
        &errors[0],
        1,
        None,
        "edition id `T-1` must be lower-case letters, digits and '-'",
    );
}

/// Loads a one-question definition beside `members` as its members.csv.
fn load_with_members(members: &str) -> (String, Vec<DefinitionError>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("members.csv"), members).unwrap();
    let src = yes_no_edition();
    let path = write(dir.path(), "t-1.toml", &src);
    (src, load_file(&path).err().unwrap_or_default())
}

#[test]
fn a_member_list_with_a_duplicate_code_is_refused() {
    let (src, errors) =
        load_with_members(&format!("{MEMBERS}KR,KOR,Korea again,East Asia,member\n"));
    assert_eq!(errors.len(), 1, "{}", show(&errors));
    assert_error(
        &errors[0],
        line(&src, "members = "),
        None,
        "members.csv:4: member code `KR` appears twice",
    );
}

#[test]
fn a_member_code_that_is_not_capitals_digits_and_dashes_is_refused() {
    for code in ["kr", "K R", "1KR", "A/B", "..", "ABCDEFGHIJKLMNOPQRSTU"] {
        let (src, errors) =
            load_with_members(&format!("{MEMBERS}{code},KOR,Korea,East Asia,member\n"));
        assert_eq!(errors.len(), 1, "{}", show(&errors));
        assert_error(
            &errors[0],
            line(&src, "members = "),
            None,
            &format!("members.csv:4: member code `{code}` must be 1 to 20 capital letters"),
        );
    }
}

#[test]
fn a_member_code_of_a_bigger_round_is_accepted() {
    let (_, errors) = load_with_members(&format!(
        "{MEMBERS}OP-000123,,Operator 123,East Asia,member\n"
    ));
    assert!(errors.is_empty(), "{}", show(&errors));
}

#[test]
fn a_member_with_an_unknown_status_is_refused_with_the_csv_line() {
    let (src, errors) =
        load_with_members("code,iso3,name,subregion,status\nKR,KOR,Korea,East Asia,observer\n");
    assert_eq!(errors.len(), 1, "{}", show(&errors));
    assert_error(&errors[0], line(&src, "members = "), None, "members.csv:2:");
}

#[test]
fn a_missing_member_list_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let src = yes_no_edition().replace("members.csv", "nobody.csv");
    let path = write(dir.path(), "t-1.toml", &src);
    let errors = load_file(&path).unwrap_err();
    assert_eq!(errors.len(), 1, "{}", show(&errors));
    assert_error(
        &errors[0],
        line(&src, "members = "),
        None,
        "cannot read the member list",
    );
}

#[test]
fn an_edition_without_questions_is_refused() {
    let src = edition("");
    let e = only_error(&src);
    assert_error(
        &e,
        line(&src, "id = \"A\""),
        None,
        "section `A` has no questions",
    );
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "checkbox"
text = "Pick"

[[sections.questions]]
id = "Q2"
type = "single"
text = "Pick"
options = []

[[sections.questions]]
id = "Q3"
type = "number"
text = "How many?"
max = -1
"#,
    );
    let errors = load(&src).unwrap_err();
    let questions: Vec<_> = errors.iter().map(|e| e.question.as_deref()).collect();
    assert_eq!(
        questions,
        [Some("Q1"), Some("Q2"), Some("Q3")],
        "{}",
        show(&errors)
    );
}

// ---------------------------------------------------------------------------
// Folders

#[test]
fn load_dir_with_one_good_and_one_broken_file_returns_the_broken_files_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = yes_no_edition();
    write(dir.path(), "t-1.toml", &good);
    let broken = good.replace("id = \"t-1\"", "id = \"t-2\"").replace(
        "type = \"yesno\"",
        "type = \"yesno\"\nshown_if = { question = \"Q0\", answered = true }",
    );
    let broken_path = write(dir.path(), "t-2.toml", &broken);
    std::fs::write(dir.path().join("notes.txt"), "not a definition").unwrap();

    let errors = load_dir(dir.path()).unwrap_err();
    assert_eq!(errors.len(), 1, "{}", show(&errors));
    assert_eq!(errors[0].file, broken_path);
    assert_error(
        &errors[0],
        line(&broken, "id = \"Q1\""),
        Some("Q1"),
        "`shown_if` names Q0",
    );

    // Without the broken file, the good one loads.
    std::fs::remove_file(&broken_path).unwrap();
    let surveys = load_dir(dir.path()).unwrap();
    assert_eq!(surveys.len(), 1);
    assert_eq!(surveys[0].id, "t-1");
}

/// A one-question edition `id` of `year`, naming `previous` if given.
fn edition_named(id: &str, year: i32, previous: Option<&str>) -> String {
    let previous = previous
        .map(|p| format!("previous = \"{p}\"\n"))
        .unwrap_or_default();
    yes_no_edition()
        .replace("id = \"t-1\"", &format!("id = \"{id}\""))
        .replace("year = 2022\n", &format!("year = {year}\n{previous}"))
}

#[test]
fn previous_naming_an_earlier_edition_of_the_folder_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t-1.toml", &edition_named("t-1", 2021, None));
    write(
        dir.path(),
        "t-2.toml",
        &edition_named("t-2", 2022, Some("t-1")),
    );
    let surveys = load_dir(dir.path()).unwrap_or_else(|e| panic!("refused:\n{}", show(&e)));
    assert_eq!(surveys[1].previous.as_deref(), Some("t-1"));
}

#[test]
fn previous_naming_an_edition_not_in_the_folder_is_refused_by_load_dir_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t-1.toml", &edition_named("t-1", 2021, None));
    let src = edition_named("t-2", 2022, Some("t-0"));
    let path = write(dir.path(), "t-2.toml", &src);
    // Alone, a file cannot know the other editions.
    assert_eq!(load_file(&path).unwrap().previous.as_deref(), Some("t-0"));

    let errors = load_dir(dir.path()).unwrap_err();
    assert_eq!(errors.len(), 1, "{}", show(&errors));
    assert_eq!(errors[0].file, path);
    assert_error(
        &errors[0],
        line(&src, "previous = "),
        None,
        "`previous` names t-0, which is not an edition in this folder",
    );
}

#[test]
fn previous_naming_an_edition_that_is_not_earlier_is_refused() {
    for year in [2022, 2023] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "t-1.toml", &edition_named("t-1", year, None));
        let src = edition_named("t-2", 2022, Some("t-1"));
        let path = write(dir.path(), "t-2.toml", &src);
        let errors = load_dir(dir.path()).unwrap_err();
        assert_eq!(errors.len(), 1, "{}", show(&errors));
        assert_eq!(errors[0].file, path);
        assert_error(
            &errors[0],
            line(&src, "previous = "),
            None,
            &format!(
                "`previous` names t-1, whose year {year} is not before the 2022 of this edition"
            ),
        );
    }
}

#[test]
fn previous_naming_a_broken_edition_adds_no_error_to_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let broken = edition_named("t-1", 2021, None).replace("type = \"yesno\"", "type = \"yes\"");
    let broken_path = write(dir.path(), "t-1.toml", &broken);
    write(
        dir.path(),
        "t-2.toml",
        &edition_named("t-2", 2022, Some("t-1")),
    );
    let errors = load_dir(dir.path()).unwrap_err();
    assert_eq!(errors.len(), 1, "{}", show(&errors));
    assert_eq!(errors[0].file, broken_path);
    assert!(
        errors[0].message.contains("unknown type `yes`"),
        "{}",
        errors[0]
    );
}

#[test]
fn previous_naming_the_edition_itself_or_no_edition_id_is_refused_by_load_file() {
    for (previous, message) in [
        ("t-1", "`previous` names this edition itself"),
        ("Spam 2021", "`previous` must be the id of an edition"),
    ] {
        let src = edition_named("t-1", 2022, Some(previous));
        let e = only_error(&src);
        assert_error(&e, line(&src, "previous = "), None, message);
    }
}

#[test]
fn load_dir_on_an_empty_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let errors = load_dir(dir.path()).unwrap_err();
    assert_eq!(errors.len(), 1, "{}", show(&errors));
    assert!(errors[0].message.contains("no definition"), "{}", errors[0]);
}

fn bundled() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/surveys"))
}

#[test]
fn the_bundled_surveys_load_with_both_editions() {
    let surveys = load_dir(bundled()).unwrap_or_else(|e| panic!("refused:\n{}", show(&e)));
    let ids: Vec<&str> = surveys.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["spam-2021", "spam-2022"]);
    let (s2021, s2022) = (&surveys[0], &surveys[1]);
    assert_eq!(s2021.questions().count(), 27);
    assert_eq!(s2022.questions().count(), 52);
    assert_eq!(s2022.previous.as_deref(), Some("spam-2021"));
    for q in s2021.questions() {
        assert!(
            s2022.question(&q.id).is_some(),
            "{} of spam-2021 is not in spam-2022",
            q.id
        );
    }
    for s in &surveys {
        assert!(!s.members.is_empty());
        assert!(s.member("KR").is_some(), "{} has no KR", s.id);
    }
}

// ---------------------------------------------------------------------------
// The `check` command

fn check(args: &[&Path], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_spam-survey"))
        .arg("check")
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

#[test]
fn the_check_command_passes_the_bundled_files_and_fails_a_broken_one_naming_its_line() {
    // With no file named, it checks surveys/ in the current folder.
    let out = check(&[], Path::new(env!("CARGO_MANIFEST_DIR")));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("spam-2021.toml: ok (spam-2021, 27 questions"),
        "{stdout}"
    );
    assert!(
        stdout.contains("spam-2022.toml: ok (spam-2022, 52 questions"),
        "{stdout}"
    );

    // The bundled files named one by one.
    let files = [
        bundled().join("spam-2021.toml"),
        bundled().join("spam-2022.toml"),
    ];
    let args: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let out = check(&args, Path::new("/"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A broken file: non-zero, and file:line: question X: message on stderr.
    let dir = tempfile::tempdir().unwrap();
    let src = edition(
        r#"[[sections.questions]]
id = "Q1"
type = "yesno"
text = "Yes?"

[[sections.questions]]
id = "Q2"
type = "text"
text = "Why?"
shown_if = { question = "Q1", is = ["maybe"] }
"#,
    );
    let path = write(dir.path(), "t-1.toml", &src);
    let out = check(&[&path, &files[1]], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    let expected = format!(
        "{}:{}: question Q2: `shown_if` names option `maybe`, which Q1 does not have",
        path.display(),
        line(&src, "id = \"Q2\"")
    );
    assert!(
        stderr.lines().any(|l| l == expected),
        "{expected}\nnot in:\n{stderr}"
    );
    assert!(stderr.contains("1 of 2 definitions has errors"), "{stderr}");
    // The good file is still checked and reported.
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("spam-2022.toml: ok"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
