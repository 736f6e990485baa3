//! The form as the page shows it: each question's controls, with what was
//! typed or stored filled in and its errors beside it. No HTML here; the
//! template lays these out.

use crate::answers::{Prefill, Problems, REMOVE_SUFFIX, UNKNOWN_SUFFIX};
use crate::definition::{Bounds, Cell, Choice, Kind, Question, Survey, Test, TextFormat};
use crate::i18n::Words;

/// One section of the form.
pub struct SectionForm {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<QuestionForm>,
}

/// One question with its controls.
pub struct QuestionForm {
    pub id: String,
    pub text: String,
    pub help: Option<String>,
    pub required: bool,
    /// "Answer if you chose “Yes” in A9."
    pub condition: Option<String>,
    /// The condition for the page's script: question, test, codes.
    pub shown_if: Option<(String, &'static str, String)>,
    pub errors: Vec<String>,
    pub widget: Widget,
    /// Ids of more elements that describe it (last year's answer, warnings).
    pub described_by: Vec<String>,
}

impl QuestionForm {
    /// The id of the element that describes the question (help, condition, errors).
    pub fn describedby(&self) -> String {
        let mut ids = Vec::new();
        if self.help.is_some() {
            ids.push(format!("help-{}", self.id));
        }
        if self.condition.is_some() {
            ids.push(format!("cond-{}", self.id));
        }
        if !self.errors.is_empty() {
            ids.push(format!("err-{}", self.id));
        }
        ids.extend(self.described_by.iter().cloned());
        ids.join(" ")
    }
}

/// An option of a radio group, a checkbox list or a select.
pub struct Opt {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
    /// The "please specify" box that goes with it.
    pub specify: Option<TextField>,
}

/// A text box.
pub struct TextField {
    pub id: String,
    pub name: String,
    pub label: String,
    pub value: String,
    pub long: bool,
    pub max_length: usize,
    pub email: bool,
}

/// A number box, with its "Unknown" box where that is an answer.
pub struct NumberField {
    pub id: String,
    pub name: String,
    pub label: String,
    pub value: String,
    pub unknown: Option<bool>,
    pub unknown_name: String,
}

/// A row of a matrix of choices.
pub struct MatrixRow {
    pub code: String,
    pub label: String,
    pub name: String,
    pub cells: Vec<Opt>,
}

/// The controls of a question, by kind.
pub enum Widget {
    Radios {
        name: String,
        options: Vec<Opt>,
    },
    Select {
        name: String,
        options: Vec<Opt>,
    },
    Checkboxes {
        name: String,
        options: Vec<Opt>,
    },
    Text {
        field: TextField,
    },
    Parts {
        fields: Vec<TextField>,
    },
    Numbers {
        fields: Vec<NumberField>,
        one: bool,
    },
    Scale {
        name: String,
        options: Vec<Opt>,
        min_label: String,
        max_label: String,
    },
    Matrix {
        columns: Vec<String>,
        rows: Vec<MatrixRow>,
        note: Option<String>,
        /// The multi whose picked options are this matrix's rows.
        rows_from: Option<String>,
    },
    Rank {
        places: Vec<Select>,
        note: String,
    },
    Date {
        field: DateField,
    },
    File {
        field: FileField,
    },
}

/// A native date box (a text box where the browser has none), with its
/// "Unknown" box where that is an answer.
pub struct DateField {
    pub id: String,
    pub name: String,
    pub value: String,
    pub min: String,
    pub max: String,
    /// "Between 2000-01-01 and 2022-12-31." and the format to type.
    pub hint: String,
    pub unknown: Option<bool>,
    pub unknown_name: String,
}

/// A file box, with the attachment already stored and the box that removes it.
pub struct FileField {
    pub id: String,
    pub name: String,
    /// The `accept` list: extensions and media types of the allowed kinds.
    pub accept: String,
    /// "PDF or Word document (.docx), at most 5.0 MB."
    pub hint: String,
    /// The attachment kept if no other file is chosen: its cell, name and size.
    pub current: Option<(String, String, String)>,
    /// The seal of `current`, set by the handler (a post names it back).
    pub seal: String,
    pub remove: bool,
}

/// One drop-down of a ranking.
pub struct Select {
    pub id: String,
    pub name: String,
    pub label: String,
    pub options: Vec<Opt>,
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn opts(name: &str, choices: &[Choice], prefill: &Prefill, specify_of: Option<&str>) -> Vec<Opt> {
    choices
        .iter()
        .map(|c| Opt {
            id: format!("f-{}-{}", slug(name), slug(&c.code)),
            value: c.code.clone(),
            label: c.label.clone(),
            checked: prefill.has(name, &c.code),
            specify: match specify_of {
                Some(qid) if c.specify => {
                    let n = format!("{qid}_{}_text", c.code);
                    Some(TextField {
                        id: format!("f-{}", slug(&n)),
                        value: prefill.value(&n).to_string(),
                        label: format!("{}: please specify", c.label),
                        name: n,
                        long: false,
                        max_length: crate::definition::SHORT_TEXT_MAX,
                        email: false,
                    })
                }
                _ => None,
            },
        })
        .collect()
}

fn number(name: &str, label: String, bounds: &Bounds, prefill: &Prefill) -> NumberField {
    let unknown_name = format!("{name}{UNKNOWN_SUFFIX}");
    NumberField {
        id: format!("f-{}", slug(name)),
        label,
        value: prefill.value(name).to_string(),
        unknown: bounds
            .unknown
            .then(|| !prefill.value(&unknown_name).is_empty()),
        unknown_name,
        name: name.to_string(),
    }
}

fn label_of<'a>(survey: &'a Survey, qid: &str, code: &'a str) -> &'a str {
    survey
        .question(qid)
        .and_then(|q| q.kind.options())
        .and_then(|o| o.iter().find(|c| c.code == code))
        .map(|c| c.label.as_str())
        .unwrap_or(code)
}

fn quoted_list(survey: &Survey, qid: &str, codes: &[String], w: &Words) -> String {
    let labels: Vec<String> = codes
        .iter()
        .map(|c| format!("“{}”", label_of(survey, qid, c)))
        .collect();
    match labels.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), w.get("or")),
    }
}

/// The sentence that says when a question applies.
pub fn condition_text(survey: &Survey, q: &Question, w: &Words) -> Option<String> {
    let c = q.shown_if.as_ref()?;
    let question = ("question", c.question.as_str());
    Some(match &c.test {
        Test::Is(codes) => w.fill(
            "condition_is",
            &[
                ("options", &quoted_list(survey, &c.question, codes, w)),
                question,
            ],
        ),
        Test::IsNot(codes) => w.fill(
            "condition_is_not",
            &[
                ("options", &quoted_list(survey, &c.question, codes, w)),
                question,
            ],
        ),
        Test::Answered => w.fill("condition_answered", &[question]),
    })
}

/// Every section of the form, filled from `prefill`, with `problems` beside their questions.
/// Its words (notes, labels of controls) are in `w`'s language.
pub fn form(
    survey: &Survey,
    prefill: &Prefill,
    problems: &Problems,
    w: &Words,
) -> Vec<SectionForm> {
    survey
        .sections
        .iter()
        .map(|s| SectionForm {
            id: s.id.clone(),
            title: s.title.clone(),
            intro: s.intro.clone(),
            questions: s
                .questions
                .iter()
                .map(|q| QuestionForm {
                    id: q.id.clone(),
                    text: q.text.clone(),
                    help: q.help.clone(),
                    required: q.required,
                    condition: condition_text(survey, q, w),
                    shown_if: q.shown_if.as_ref().map(|c| match &c.test {
                        Test::Is(codes) => (c.question.clone(), "is", codes.join(" ")),
                        Test::IsNot(codes) => (c.question.clone(), "is-not", codes.join(" ")),
                        Test::Answered => (c.question.clone(), "answered", String::new()),
                    }),
                    errors: problems
                        .for_question(&q.id)
                        .into_iter()
                        .map(|e| w.problem(e).into_owned())
                        .collect(),
                    widget: widget(survey, q, prefill, w),
                    described_by: Vec::new(),
                })
                .collect(),
        })
        .collect()
}

fn widget(survey: &Survey, q: &Question, prefill: &Prefill, w: &Words) -> Widget {
    let name = q.id.clone();
    let columns = &survey.columns()[q.cells.clone()];
    match &q.kind {
        Kind::Single { options, select } => {
            let mut options = opts(&name, options, prefill, Some(&q.id));
            specify_in(&mut options, w);
            if *select {
                options.insert(
                    0,
                    Opt {
                        id: String::new(),
                        value: String::new(),
                        label: w.get("choose").into(),
                        checked: prefill.value(&name).is_empty(),
                        specify: None,
                    },
                );
                Widget::Select { name, options }
            } else {
                Widget::Radios { name, options }
            }
        }
        Kind::YesNo { options } => Widget::Radios {
            options: opts(&name, options, prefill, None),
            name,
        },
        Kind::Multi { options } => {
            let mut options = opts(&name, options, prefill, Some(&q.id));
            specify_in(&mut options, w);
            Widget::Checkboxes { options, name }
        }
        Kind::Scale {
            min,
            max,
            min_label,
            max_label,
        } => {
            let choices: Vec<Choice> = (*min..=*max)
                .map(|n| Choice {
                    code: n.to_string(),
                    label: n.to_string(),
                    specify: false,
                    exclusive: false,
                })
                .collect();
            Widget::Scale {
                options: opts(&name, &choices, prefill, None),
                name,
                min_label: min_label.clone().unwrap_or_else(|| min.to_string()),
                max_label: max_label.clone().unwrap_or_else(|| max.to_string()),
            }
        }
        Kind::Text {
            long,
            max_length,
            format,
            parts,
        } => {
            let field = |name: &str, label: &str, format: TextFormat| TextField {
                id: format!("f-{}", slug(name)),
                name: name.to_string(),
                label: label.to_string(),
                value: prefill.value(name).to_string(),
                long: *long,
                max_length: *max_length,
                email: format == TextFormat::Email,
            };
            if parts.is_empty() {
                Widget::Text {
                    field: field(&name, &q.text, *format),
                }
            } else {
                let fields = parts
                    .iter()
                    .zip(columns)
                    .map(|(p, c)| {
                        let label = if p.required {
                            format!("{} {}", p.label, w.get("required"))
                        } else {
                            p.label.clone()
                        };
                        field(&c.name, &label, p.format)
                    })
                    .collect();
                Widget::Parts { fields }
            }
        }
        Kind::Number { bounds, unit } => {
            let label = match unit {
                Some(u) => w.fill("number_unit", &[("unit", u)]),
                None => w.get("number").into(),
            };
            Widget::Numbers {
                fields: vec![number(&name, label, bounds, prefill)],
                one: true,
            }
        }
        Kind::NumberPerYear { bounds, .. } | Kind::MatrixNumber { bounds, .. } => {
            let rows: &[Choice] = match &q.kind {
                Kind::MatrixNumber { rows, .. } => rows,
                _ => &[],
            };
            let fields = columns
                .iter()
                .map(|c| {
                    let label = match &c.cell {
                        Cell::Year { year } => year.to_string(),
                        Cell::Row { row } => rows
                            .iter()
                            .find(|r| &r.code == row)
                            .map(|r| r.label.clone())
                            .unwrap_or_default(),
                        _ => String::new(),
                    };
                    number(&c.name, label, bounds, prefill)
                })
                .collect();
            Widget::Numbers { fields, one: false }
        }
        Kind::MatrixChoice {
            rows,
            rows_picked_in,
            columns: choices,
        } => Widget::Matrix {
            columns: choices.iter().map(|c| c.label.clone()).collect(),
            rows: rows
                .iter()
                .zip(columns)
                .map(|(r, c)| MatrixRow {
                    code: r.code.clone(),
                    label: r.label.clone(),
                    name: c.name.clone(),
                    cells: opts(&c.name, choices, prefill, None),
                })
                .collect(),
            note: rows_picked_in
                .as_ref()
                .map(|src| w.fill("rows_picked", &[("question", src)])),
            rows_from: rows_picked_in.clone(),
        },
        Kind::Date { min, max, unknown } => {
            let unknown_name = format!("{name}{UNKNOWN_SUFFIX}");
            let day = |d: &Option<chrono::NaiveDate>| {
                d.map(|d| d.format(crate::answers::dates::FORMAT).to_string())
                    .unwrap_or_default()
            };
            let (min, max) = (day(min), day(max));
            let bounds = [("min", min.as_str()), ("max", max.as_str())];
            let range = match (min.is_empty(), max.is_empty()) {
                (false, false) => w.fill("date_between", &bounds),
                (false, true) => w.fill("date_from", &bounds),
                (true, false) => w.fill("date_up_to", &bounds),
                (true, true) => String::new(),
            };
            Widget::Date {
                field: DateField {
                    id: format!("f-{}", slug(&name)),
                    value: prefill.value(&name).to_string(),
                    hint: w.with("date_hint", "range", &range),
                    min,
                    max,
                    unknown: unknown.then(|| !prefill.value(&unknown_name).is_empty()),
                    unknown_name,
                    name,
                },
            }
        }
        Kind::File(rules) => {
            let kinds: Vec<&crate::attachments::FileKind> = rules
                .kinds
                .iter()
                .filter_map(|k| crate::attachments::kind_named(k))
                .collect();
            let labels: Vec<&str> = kinds.iter().map(|k| k.label).collect();
            let labels = match labels.as_slice() {
                [init @ .., last] if !init.is_empty() => {
                    format!("{} {} {last}", init.join(", "), w.get("or"))
                }
                _ => labels.join(""),
            };
            let accept: Vec<String> = kinds
                .iter()
                .flat_map(|k| [format!(".{}", k.name), k.mime.to_string()])
                .collect();
            let current = crate::attachments::Attached::parse(prefill.value(&name))
                .map(|a| (a.cell(), a.name.clone(), a.size_in_words()));
            Widget::File {
                field: FileField {
                    id: format!("f-{}", slug(&name)),
                    accept: accept.join(","),
                    hint: w.fill(
                        "file_hint",
                        &[
                            ("kinds", &labels),
                            ("size", &crate::attachments::size_in_words(rules.max_bytes)),
                        ],
                    ),
                    current,
                    seal: String::new(),
                    remove: !prefill.value(&format!("{name}{REMOVE_SUFFIX}")).is_empty(),
                    name,
                },
            }
        }
        Kind::Rank { of, .. } => {
            let choices = survey
                .question(of)
                .and_then(|r| r.kind.options())
                .unwrap_or_default();
            let places = columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let mut options = opts(&c.name, choices, prefill, None);
                    options.insert(
                        0,
                        Opt {
                            id: String::new(),
                            value: String::new(),
                            label: w.get("none").into(),
                            checked: prefill.value(&c.name).is_empty(),
                            specify: None,
                        },
                    );
                    Select {
                        id: format!("f-{}", slug(&c.name)),
                        name: c.name.clone(),
                        label: ordinal(i + 1, w),
                        options,
                    }
                })
                .collect();
            Widget::Rank {
                places,
                note: w.fill("rank_note", &[("question", of)]),
            }
        }
    }
}

/// "1st", "2nd"... in `w`'s language.
fn ordinal(n: usize, w: &Words) -> String {
    let key = match n {
        1 => "ordinal_1",
        2 => "ordinal_2",
        3 => "ordinal_3",
        _ => "ordinal_n",
    };
    w.fill(key, &[("n", &n.to_string())])
}

/// The "please specify" boxes' labels in `w`'s language.
fn specify_in(options: &mut [Opt], w: &Words) {
    for o in options {
        if let Some(sp) = &mut o.specify {
            sp.label = w.fill("please_specify", &[("label", &o.label)]);
        }
    }
}
