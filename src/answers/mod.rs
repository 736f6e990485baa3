//! A response: the cells of one member's answers, built from a form post by
//! the questionnaire's rules, with the conditions that hide questions applied.

pub mod clean;
mod conditions;
pub mod dates;
pub mod form;
mod show;

pub use conditions::Conditions;
pub use show::{AnswerView, SectionView, describe};

use crate::definition::{
    Bounds, Cell, Choice, Kind, MULTI_SEPARATOR, Question, Survey, TextFormat, UNKNOWN,
};
use std::collections::{HashMap, HashSet};

/// The answer cells of one response, aligned with [`Survey::columns`]; an
/// empty cell is "not answered".
pub type Cells = Vec<String>;

/// Whether a save is a draft (may be incomplete) or a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Draft,
    Submit,
}

/// The suffix of the checkbox field that says a number is unknown.
pub const UNKNOWN_SUFFIX: &str = ":unknown";
/// The suffix of the checkbox field that removes an attachment.
pub const REMOVE_SUFFIX: &str = ":remove";
/// The suffix of the field that names the attachment kept (with its seal).
pub const KEPT_SUFFIX: &str = ":kept";

/// What was typed in the form, field by field: what a page shows back.
#[derive(Debug, Clone, Default)]
pub struct Prefill(HashMap<String, Vec<String>>);

impl Prefill {
    /// The first value of a field, or "".
    pub fn value(&self, field: &str) -> &str {
        self.0
            .get(field)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Whether a field carries this value (a ticked box, a chosen radio).
    pub fn has(&self, field: &str, value: &str) -> bool {
        self.0
            .get(field)
            .is_some_and(|v| v.iter().any(|x| x == value))
    }

    /// What a form post typed, kept as it came.
    pub fn from_fields(fields: &[(String, String)]) -> Prefill {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in fields {
            map.entry(k.clone()).or_default().push(v.clone());
        }
        Prefill(map)
    }

    /// The form fields that show stored cells again.
    pub fn from_cells(survey: &Survey, cells: &[String]) -> Prefill {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (col, value) in survey.columns().iter().zip(cells) {
            if value.is_empty() {
                continue;
            }
            let q = question_of(survey, col.question);
            match (&q.kind, &col.cell) {
                (Kind::Multi { .. }, Cell::Whole) => {
                    map.insert(col.name.clone(), split_codes(value));
                }
                _ if value == UNKNOWN && is_number_cell(&q.kind, &col.cell) => {
                    map.insert(format!("{}{UNKNOWN_SUFFIX}", col.name), vec!["1".into()]);
                }
                _ => {
                    map.insert(col.name.clone(), vec![value.clone()]);
                }
            }
        }
        Prefill(map)
    }
}

/// A post that no form of this questionnaire could have sent: 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Malformed(pub String);

/// What the respondent must fix, question by question, in questionnaire order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<(String, String)>);

impl Problems {
    fn add(&mut self, q: &Question, message: impl Into<String>) {
        self.0.push((q.id.clone(), message.into()));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Adds problems found elsewhere (an attached file), keeping the
    /// questionnaire's order.
    pub fn merge(&mut self, survey: &Survey, more: Vec<(String, String)>) {
        if more.is_empty() {
            return;
        }
        self.0.extend(more);
        let order = |id: &str| survey.questions().position(|q| q.id == id);
        self.0.sort_by_key(|(q, _)| order(q));
    }
    /// The messages about one question.
    pub fn for_question(&self, id: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(q, _)| q == id)
            .map(|(_, m)| m.as_str())
            .collect()
    }
}

/// A form post read against the questionnaire: the cells it gives (hidden
/// questions cleared) and what must be fixed before they may be stored.
#[derive(Debug)]
pub struct Checked {
    pub cells: Cells,
    pub problems: Problems,
}

fn question_of(survey: &Survey, index: usize) -> &Question {
    survey
        .question_at(index)
        .expect("a column's question index comes from the loader")
}

fn is_number_cell(kind: &Kind, cell: &Cell) -> bool {
    matches!(
        (kind, cell),
        (Kind::Number { .. }, Cell::Whole)
            | (Kind::NumberPerYear { .. }, Cell::Year { .. })
            | (Kind::MatrixNumber { .. }, Cell::Row { .. })
            | (Kind::Date { .. }, Cell::Whole)
    )
}

/// The codes in the one cell of a multi.
pub fn split_codes(cell: &str) -> Vec<String> {
    cell.split(MULTI_SEPARATOR)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks a form post against the questionnaire and returns the cells to
/// store. Structural nonsense is [`Malformed`]; a person's mistakes are
/// [`Checked::problems`], with a message for each question concerned.
pub fn process(
    survey: &Survey,
    fields: &[(String, String)],
    mode: Mode,
) -> Result<Checked, Malformed> {
    let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
    for (k, v) in fields {
        by_name.entry(k.as_str()).or_default().push(v.as_str());
    }
    // A field is a column's name, or a number column's name with the "unknown" suffix.
    let is_known = |name: &str| {
        let (column, unknown) = match name.strip_suffix(UNKNOWN_SUFFIX) {
            Some(base) => (base, true),
            None => (name, false),
        };
        survey.column_index(column).is_some_and(|i| {
            let col = &survey.columns()[i];
            !unknown || is_number_cell(&question_of(survey, col.question).kind, &col.cell)
        })
    };
    let mut unknown_fields: Vec<&str> = by_name.keys().copied().filter(|k| !is_known(k)).collect();
    unknown_fields.sort_unstable();
    if let Some(first) = unknown_fields.first() {
        let shown: String = first.chars().take(60).collect();
        return Err(Malformed(format!(
            "the form has a field `{shown}` that this questionnaire does not ask"
        )));
    }

    let mut cells: Cells = vec![String::new(); survey.columns().len()];
    let mut problems = Problems::default();
    for q in survey.questions() {
        read_question(survey, q, &by_name, &mut cells, &mut problems)?;
    }
    let shown = apply_conditions(survey, &mut cells);
    if mode == Mode::Submit {
        for (q, visible) in survey.questions().zip(&shown) {
            if *visible {
                check_complete(survey, q, &cells, &mut problems);
            }
        }
    }
    Ok(Checked { cells, problems })
}

/// Whether a question has the answer a required question needs.
fn is_answered(survey: &Survey, q: &Question, cells: &Cells) -> bool {
    let own = || {
        q.cells
            .clone()
            .map(|i| (&survey.columns()[i].cell, cells[i].as_str()))
    };
    match &q.kind {
        Kind::Text { parts, .. } if !parts.is_empty() => parts
            .iter()
            .zip(own())
            .all(|(p, (_, v))| !p.required || !v.trim().is_empty()),
        Kind::NumberPerYear { .. } | Kind::MatrixNumber { .. } | Kind::MatrixChoice { .. } => {
            let mut probe = Problems::default();
            check_complete(survey, q, cells, &mut probe);
            probe.is_empty()
        }
        Kind::Rank { .. } => own().any(|(_, v)| !v.is_empty()),
        _ => !cells[q.cells.start].trim().is_empty(),
    }
}

/// The required questions that are shown and not yet answered.
pub fn unanswered_required<'a>(survey: &'a Survey, cells: &Cells) -> Vec<&'a Question> {
    let mut cells = cells.clone();
    let shown = apply_conditions(survey, &mut cells);
    survey
        .questions()
        .zip(shown)
        .filter(|(q, visible)| *visible && q.required && !is_answered(survey, q, &cells))
        .map(|(q, _)| q)
        .collect()
}

fn one<'a>(by_name: &HashMap<&str, Vec<&'a str>>, name: &str) -> Result<&'a str, Malformed> {
    match by_name.get(name).map(Vec::as_slice) {
        None | Some([]) => Ok(""),
        Some([v]) => Ok(v),
        Some(_) => Err(Malformed(format!(
            "the field `{name}` is sent more than once"
        ))),
    }
}

fn code_in<'a>(options: &'a [Choice], value: &str, name: &str) -> Result<&'a Choice, Malformed> {
    let shown: String = value.chars().take(40).collect();
    options
        .iter()
        .find(|o| o.code == value)
        .ok_or_else(|| Malformed(format!("`{shown}` is not one of the options of {name}")))
}

/// Reads one question's fields into its cells: format checks only.
fn read_question(
    survey: &Survey,
    q: &Question,
    by_name: &HashMap<&str, Vec<&str>>,
    cells: &mut Cells,
    problems: &mut Problems,
) -> Result<(), Malformed> {
    for i in q.cells.clone() {
        let col = &survey.columns()[i];
        let name = col.name.as_str();
        let value = match (&q.kind, &col.cell) {
            (Kind::Multi { options }, Cell::Whole) => {
                let picked = by_name.get(name).cloned().unwrap_or_default();
                let mut seen = HashSet::new();
                for code in &picked {
                    code_in(options, code, &q.id)?;
                    if !seen.insert(*code) {
                        return Err(Malformed(format!(
                            "option `{code}` of {} is sent twice",
                            q.id
                        )));
                    }
                }
                // Stored in the questionnaire's order, whatever the post's.
                options
                    .iter()
                    .filter(|o| seen.contains(o.code.as_str()))
                    .map(|o| o.code.as_str())
                    .collect::<Vec<_>>()
                    .join(&MULTI_SEPARATOR.to_string())
            }
            (Kind::Single { options, .. } | Kind::YesNo { options }, Cell::Whole) => {
                let v = one(by_name, name)?;
                if !v.is_empty() {
                    code_in(options, v, &q.id)?;
                }
                v.to_string()
            }
            (Kind::Scale { min, max, .. }, Cell::Whole) => {
                let v = one(by_name, name)?;
                if !v.is_empty() && !v.parse::<u8>().is_ok_and(|n| (*min..=*max).contains(&n)) {
                    return Err(Malformed(format!(
                        "{} takes a number from {min} to {max}",
                        q.id
                    )));
                }
                v.to_string()
            }
            (Kind::MatrixChoice { columns, .. }, Cell::Row { .. }) => {
                let v = one(by_name, name)?;
                if !v.is_empty() {
                    code_in(columns, v, &q.id)?;
                }
                v.to_string()
            }
            (Kind::Rank { of, .. }, Cell::Place { .. }) => {
                let v = one(by_name, name)?;
                if !v.is_empty() {
                    let options = survey
                        .question(of)
                        .and_then(|r| r.kind.options())
                        .unwrap_or_default();
                    code_in(options, v, &q.id)?;
                }
                v.to_string()
            }
            (
                Kind::Number { bounds, .. }
                | Kind::NumberPerYear { bounds, .. }
                | Kind::MatrixNumber { bounds, .. },
                _,
            ) => {
                let typed = one(by_name, name)?;
                let unknown = !one(by_name, &format!("{name}{UNKNOWN_SUFFIX}"))?.is_empty();
                match read_number(typed, unknown, bounds) {
                    Ok(v) => v,
                    Err(message) => {
                        problems.add(q, with_cell(&col.cell, message));
                        String::new()
                    }
                }
            }
            (Kind::Date { min, max, unknown }, _) => {
                let typed = one(by_name, name)?;
                let said_unknown = !one(by_name, &format!("{name}{UNKNOWN_SUFFIX}"))?.is_empty();
                match dates::read(typed, said_unknown, (*min, *max), *unknown) {
                    Ok(v) => v,
                    Err(message) => {
                        problems.add(q, message);
                        String::new()
                    }
                }
            }
            (Kind::File(_), _) => {
                // Set by the form's handler from what it stored, never typed.
                let v = one(by_name, name)?;
                if !v.is_empty() && crate::attachments::Attached::parse(v).is_none() {
                    return Err(Malformed(format!(
                        "{} holds an attachment, which is sent as a file",
                        q.id
                    )));
                }
                v.to_string()
            }
            (Kind::Text { max_length, .. }, _) => {
                let v = one(by_name, name)?;
                let len = v.chars().count();
                if len > *max_length {
                    problems.add(q, with_cell(&col.cell, format!("This answer is {len} characters long; the limit is {max_length}. Please shorten it.")));
                }
                if let Some(c) = clean::stray(v) {
                    problems.add(q, with_cell(&col.cell, clean::message(c)));
                }
                v.to_string()
            }
            (_, Cell::Specify { option }) => {
                let v = one(by_name, name)?;
                let len = v.chars().count();
                if len > crate::definition::SHORT_TEXT_MAX {
                    problems.add(
                        q,
                        format!(
                            "The text for “{option}” is {len} characters long; the limit is {}.",
                            crate::definition::SHORT_TEXT_MAX
                        ),
                    );
                }
                if let Some(c) = clean::stray(v) {
                    problems.add(q, format!("The text for “{option}”: {}", clean::message(c)));
                }
                v.to_string()
            }
            _ => one(by_name, name)?.to_string(),
        };
        cells[i] = value;
    }
    Ok(())
}

fn with_cell(cell: &Cell, message: String) -> String {
    match cell {
        Cell::Year { year } => format!("{year}: {message}"),
        Cell::Row { row } => format!("{row}: {message}"),
        Cell::Part { part } => format!("{part}: {message}"),
        _ => message,
    }
}

/// A typed number, or "unknown": the cell to store, or what is wrong.
fn read_number(typed: &str, unknown: bool, bounds: &Bounds) -> Result<String, String> {
    let t = typed.trim();
    if unknown {
        if !bounds.unknown {
            return Err("“Unknown” is not an answer to this question.".into());
        }
        if !t.is_empty() {
            return Err("Give either a number or “Unknown”, not both.".into());
        }
        return Ok(UNKNOWN.into());
    }
    if t.is_empty() {
        return Ok(String::new());
    }
    // People write 12,000 or 12 000; a decimal point or a sign is refused.
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '_'))
        .collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "“{}” is not a whole number. Write digits only, such as 1200{}.",
            t.chars().take(40).collect::<String>(),
            if bounds.unknown {
                ", or tick “Unknown”"
            } else {
                ""
            }
        ));
    }
    match digits.parse::<u64>() {
        Ok(n) if n >= bounds.min && n <= bounds.max => Ok(n.to_string()),
        _ => Err(format!(
            "The number must be between {} and {}.",
            bounds.min, bounds.max
        )),
    }
}

/// Whether each question (in questionnaire order) is shown, given the
/// answers; hidden questions' cells, and matrix rows not picked, are cleared.
/// To read many responses, resolve the [`Conditions`] once instead.
pub fn apply_conditions(survey: &Survey, cells: &mut Cells) -> Vec<bool> {
    let mut shown = Vec::new();
    Conditions::new(survey).apply(cells, &mut shown);
    shown
}

/// Whether text looks like an e-mail address: one `@`, something before it,
/// a dotted domain after it, no spaces.
pub fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|p| !p.is_empty())
}

/// The rules a submission must pass beyond the format of each answer.
fn check_complete(survey: &Survey, q: &Question, cells: &Cells, problems: &mut Problems) {
    let own: Vec<(&Cell, &str)> = q
        .cells
        .clone()
        .map(|i| (&survey.columns()[i].cell, cells[i].as_str()))
        .collect();
    let answered = own.iter().any(|(_, v)| !v.trim().is_empty());
    match &q.kind {
        Kind::Text { parts, format, .. } => {
            if parts.is_empty() {
                if q.required && !answered {
                    problems.add(q, "This question is required.");
                } else if *format == TextFormat::Email && answered && !looks_like_email(own[0].1) {
                    problems.add(q, "Write an e-mail address such as name@example.org.");
                }
            }
            for (p, (_, v)) in parts.iter().zip(&own) {
                if v.trim().is_empty() {
                    if p.required && (q.required || answered) {
                        problems.add(q, format!("{}: this is required.", p.label));
                    }
                } else if p.format == TextFormat::Email && !looks_like_email(v) {
                    problems.add(
                        q,
                        format!(
                            "{}: write an e-mail address such as name@example.org.",
                            p.label
                        ),
                    );
                }
            }
            return;
        }
        Kind::MatrixChoice { rows_picked_in, .. } | Kind::MatrixNumber { rows_picked_in, .. } => {
            if q.required {
                let picked = rows_picked_in
                    .as_ref()
                    .and_then(|s| survey.question(s))
                    .map(|s| split_codes(&cells[s.cells.start]));
                let missing = own.iter().any(|(cell, v)| {
                    let Cell::Row { row } = cell else {
                        return false;
                    };
                    v.is_empty() && picked.as_ref().is_none_or(|p| p.contains(row))
                });
                if missing {
                    problems.add(q, "Answer every row: this question is required.");
                }
            }
            return;
        }
        Kind::NumberPerYear { .. } => {
            if q.required && own.iter().any(|(_, v)| v.is_empty()) {
                problems.add(
                    q,
                    "Give a number or “Unknown” for every year: this question is required.",
                );
            }
            return;
        }
        Kind::Rank { of, .. } => {
            let picked = survey
                .question(of)
                .map(|s| split_codes(&cells[s.cells.start]))
                .unwrap_or_default();
            let places: Vec<&str> = own.iter().map(|(_, v)| *v).collect();
            if q.required && !answered {
                problems.add(q, "This question is required.");
            }
            if let Some(gap) = places.iter().position(|v| v.is_empty())
                && places[gap..].iter().any(|v| !v.is_empty())
            {
                problems.add(
                    q,
                    format!(
                        "Fill the places in order: place {} is empty but a later one is not.",
                        gap + 1
                    ),
                );
            }
            let mut seen = HashSet::new();
            for v in places.iter().filter(|v| !v.is_empty()) {
                if !seen.insert(*v) {
                    problems.add(q, "Each place must hold a different option.");
                    break;
                }
            }
            if places
                .iter()
                .any(|v| !v.is_empty() && !picked.iter().any(|p| p == v))
            {
                problems.add(q, format!("Rank only options that you picked in {of}."));
            }
            return;
        }
        _ => {}
    }
    if q.required && !answered {
        problems.add(q, "This question is required.");
    }
    if let Kind::Multi { options } = &q.kind {
        let picked = split_codes(own[0].1);
        if let Some(none) = options
            .iter()
            .find(|o| o.exclusive && picked.contains(&o.code))
            && picked.len() > 1
        {
            problems.add(
                q,
                format!(
                    "“{}” cannot be chosen together with other options.",
                    none.label
                ),
            );
        }
    }
    if let Some(options) = q.kind.options() {
        let chosen = split_codes(own[0].1);
        for (cell, v) in &own {
            if let Cell::Specify { option } = cell {
                let label = options
                    .iter()
                    .find(|o| &o.code == option)
                    .map(|o| o.label.as_str())
                    .unwrap_or(option);
                let picked = chosen.contains(option);
                if !v.trim().is_empty() && !picked {
                    problems.add(q, format!("You wrote a text for “{label}”: choose “{label}” too, or clear the text."));
                } else if picked && v.trim().is_empty() {
                    problems.add(q, format!("Please specify “{label}”."));
                }
            }
        }
    }
}
