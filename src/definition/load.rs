//! Reading a definition file: TOML into raw structs, then every check that
//! makes the typed [`Survey`] trustworthy, each error naming file, line and
//! question.

use super::*;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// One problem in a definition file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub question: Option<String>,
    pub message: String,
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(q) = &self.question {
            write!(f, ": question {q}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Loads every `*.toml` definition in `dir`, sorted by edition id.
/// Returns all the problems found, in every file, when any file is broken.
pub fn load_dir(dir: &Path) -> Result<Vec<Survey>, Vec<DefinitionError>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![DefinitionError {
            file: dir.to_path_buf(),
            line: None,
            question: None,
            message: format!("cannot read the surveys folder: {e}"),
        }]
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut surveys = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match load_file(&file) {
            Ok(s) => surveys.push(s),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if surveys.is_empty() && errors.is_empty() {
        errors.push(DefinitionError {
            file: dir.to_path_buf(),
            line: None,
            question: None,
            message: "no definition (*.toml) in this folder".into(),
        });
    }
    if errors.is_empty() {
        surveys.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(surveys)
    } else {
        Err(errors)
    }
}

/// Loads and checks one definition file.
pub fn load_file(path: &Path) -> Result<Survey, Vec<DefinitionError>> {
    let mut cx = Checker {
        file: path.to_path_buf(),
        src: String::new(),
        errors: Vec::new(),
        lists: BTreeMap::new(),
    };
    match std::fs::read_to_string(path) {
        Ok(s) => cx.src = s,
        Err(e) => {
            cx.fail(None, None, format!("cannot read the file: {e}"));
            return Err(cx.errors);
        }
    }
    let raw: RawSurvey = match toml::from_str(&cx.src) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map(|s| cx.line_of(s.start));
            cx.fail(line, None, e.message().trim().to_string());
            return Err(cx.errors);
        }
    };
    let survey = cx.check(raw);
    match survey {
        Some(s) if cx.errors.is_empty() => Ok(s),
        _ => Err(cx.errors),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurvey {
    id: Spanned<String>,
    title: String,
    year: i32,
    reference_period: String,
    opens: Spanned<toml::value::Datetime>,
    closes: Spanned<toml::value::Datetime>,
    previous: Option<String>,
    members: Spanned<String>,
    introduction: String,
    #[serde(default)]
    lists: BTreeMap<String, Vec<RawChoice>>,
    sections: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: String,
    intro: Option<String>,
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    code: String,
    label: String,
    #[serde(default)]
    specify: bool,
    #[serde(default)]
    exclusive: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    code: String,
    label: String,
    #[serde(default)]
    required: bool,
    format: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    question: String,
    is: Option<Vec<String>>,
    is_not: Option<Vec<String>>,
    answered: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    #[serde(rename = "type")]
    kind: String,
    text: String,
    help: Option<String>,
    #[serde(default)]
    required: bool,
    shown_if: Option<RawCondition>,
    options: Option<Vec<RawChoice>>,
    options_from: Option<String>,
    select: Option<bool>,
    min: Option<i64>,
    max: Option<i64>,
    unknown: Option<bool>,
    unit: Option<String>,
    years: Option<Vec<i32>>,
    long: Option<bool>,
    max_length: Option<usize>,
    format: Option<String>,
    parts: Option<Vec<RawPart>>,
    min_label: Option<String>,
    max_label: Option<String>,
    rows: Option<Vec<RawChoice>>,
    rows_from: Option<String>,
    rows_picked_in: Option<String>,
    columns: Option<Vec<RawChoice>>,
    of: Option<String>,
    top: Option<usize>,
}

impl RawQuestion {
    /// The type-specific keys present in this question, by name.
    fn present_keys(&self) -> Vec<&'static str> {
        let keys = [
            ("options", self.options.is_some()),
            ("options_from", self.options_from.is_some()),
            ("select", self.select.is_some()),
            ("min", self.min.is_some()),
            ("max", self.max.is_some()),
            ("unknown", self.unknown.is_some()),
            ("unit", self.unit.is_some()),
            ("years", self.years.is_some()),
            ("long", self.long.is_some()),
            ("max_length", self.max_length.is_some()),
            ("format", self.format.is_some()),
            ("parts", self.parts.is_some()),
            ("min_label", self.min_label.is_some()),
            ("max_label", self.max_label.is_some()),
            ("rows", self.rows.is_some()),
            ("rows_from", self.rows_from.is_some()),
            ("rows_picked_in", self.rows_picked_in.is_some()),
            ("columns", self.columns.is_some()),
            ("of", self.of.is_some()),
            ("top", self.top.is_some()),
        ];
        keys.iter().filter(|(_, p)| *p).map(|(k, _)| *k).collect()
    }
}

fn allowed_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "single" => &["options", "options_from", "select"],
        "multi" => &["options", "options_from"],
        "yesno" | "yesno_dk" => &[],
        "number" => &["min", "max", "unknown", "unit"],
        "number_per_year" => &["years", "min", "max", "unknown"],
        "text" => &["long", "max_length", "format", "parts"],
        "scale" => &["min", "max", "min_label", "max_label"],
        "matrix_choice" => &["rows", "rows_from", "rows_picked_in", "columns"],
        "matrix_number" => &[
            "rows",
            "rows_from",
            "rows_picked_in",
            "min",
            "max",
            "unknown",
        ],
        "rank" => &["of", "top"],
        _ => return None,
    })
}

const FIXED_COLUMNS: [&str; 4] = ["revision", "time", "member", "status"];

struct Checker {
    file: PathBuf,
    src: String,
    errors: Vec<DefinitionError>,
    /// The shared option lists of the file being checked.
    lists: BTreeMap<String, Vec<RawChoice>>,
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_question_id(s: &str) -> bool {
    s.len() <= 20
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `s` may name an edition: also what keeps it safe as a file name.
pub(crate) fn is_survey_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 60
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Checker {
    fn line_of(&self, offset: usize) -> usize {
        self.src[..offset.min(self.src.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count()
            + 1
    }

    fn fail(&mut self, line: Option<usize>, question: Option<&str>, message: String) {
        self.errors.push(DefinitionError {
            file: self.file.clone(),
            line,
            question: question.map(str::to_string),
            message,
        });
    }

    fn date(&mut self, v: &Spanned<toml::value::Datetime>, key: &str) -> Option<NaiveDate> {
        let line = Some(self.line_of(v.span().start));
        let dt = v.get_ref();
        match (dt.date, dt.time) {
            (Some(d), None) if dt.offset.is_none() => {
                let date = NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into());
                if date.is_none() {
                    self.fail(line, None, format!("`{key}` is not a real date"));
                }
                date
            }
            _ => {
                self.fail(
                    line,
                    None,
                    format!("`{key}` must be a date such as 2022-03-01, without a time"),
                );
                None
            }
        }
    }

    fn choices(
        &mut self,
        line: usize,
        q: &str,
        what: &str,
        raw: &[RawChoice],
        allow_exclusive: bool,
    ) -> Vec<Choice> {
        if raw.is_empty() {
            self.fail(Some(line), Some(q), format!("the {what} list is empty"));
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for c in raw {
            if !is_code(&c.code) {
                self.fail(
                    Some(line),
                    Some(q),
                    format!(
                        "{what} code `{}` must be lower-case letters, digits and _",
                        c.code
                    ),
                );
            }
            if !seen.insert(c.code.clone()) {
                self.fail(
                    Some(line),
                    Some(q),
                    format!("{what} code `{}` appears twice", c.code),
                );
            }
            if c.label.trim().is_empty() {
                self.fail(
                    Some(line),
                    Some(q),
                    format!("{what} `{}` has an empty label", c.code),
                );
            }
            if c.exclusive && !allow_exclusive {
                self.fail(
                    Some(line),
                    Some(q),
                    format!(
                        "`exclusive` on `{}` only applies to an option of a multi",
                        c.code
                    ),
                );
            }
            out.push(Choice {
                code: c.code.clone(),
                label: c.label.clone(),
                specify: c.specify,
                exclusive: c.exclusive,
            });
        }
        out
    }

    /// The options given inline or by the name of a shared list.
    fn list(
        &mut self,
        line: usize,
        q: &str,
        what: &str,
        inline: &Option<Vec<RawChoice>>,
        from: &Option<String>,
        allow_exclusive: bool,
    ) -> Vec<Choice> {
        match (inline, from) {
            (Some(_), Some(_)) => {
                self.fail(
                    Some(line),
                    Some(q),
                    format!("give the {what} inline or from a list, not both"),
                );
                Vec::new()
            }
            (Some(raw), None) => self.choices(line, q, what, raw, allow_exclusive),
            (None, Some(name)) => match self.lists.get(name).cloned() {
                Some(raw) => self.choices(line, q, what, &raw, allow_exclusive),
                None => {
                    self.fail(
                        Some(line),
                        Some(q),
                        format!("there is no list `{name}` under [lists]"),
                    );
                    Vec::new()
                }
            },
            (None, None) => {
                self.fail(
                    Some(line),
                    Some(q),
                    format!("the {what} list is missing (give `{what}` or `{what}_from`)"),
                );
                Vec::new()
            }
        }
    }

    fn bounds(&mut self, line: usize, q: &str, raw: &RawQuestion) -> Bounds {
        let min = raw.min.unwrap_or(0);
        let max = raw.max.unwrap_or(NUMBER_MAX as i64);
        if min < 0 {
            self.fail(
                Some(line),
                Some(q),
                "`min` cannot be negative: answers are counts".into(),
            );
        }
        if max < min || max as u64 > NUMBER_MAX {
            self.fail(
                Some(line),
                Some(q),
                format!("`max` must be between `min` and {NUMBER_MAX}"),
            );
        }
        Bounds {
            min: min.max(0) as u64,
            max: (max.max(0) as u64).min(NUMBER_MAX),
            unknown: raw.unknown.unwrap_or(false),
        }
    }

    fn text_format(&mut self, line: usize, q: &str, f: &Option<String>) -> TextFormat {
        match f.as_deref() {
            None => TextFormat::Plain,
            Some("email") => TextFormat::Email,
            Some(other) => {
                self.fail(
                    Some(line),
                    Some(q),
                    format!("unknown text format `{other}` (the one there is: email)"),
                );
                TextFormat::Plain
            }
        }
    }

    fn check(&mut self, raw: RawSurvey) -> Option<Survey> {
        self.lists = raw.lists.clone();
        let id_line = self.line_of(raw.id.span().start);
        let id = raw.id.into_inner();
        if !is_survey_id(&id) {
            self.fail(
                Some(id_line),
                None,
                format!("edition id `{id}` must be lower-case letters, digits and '-'"),
            );
        }
        let stem = self
            .file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if stem != id {
            self.fail(Some(id_line), None, format!("the file is named `{stem}` but its id is `{id}`: name the file after the edition"));
        }
        let opens = self.date(&raw.opens, "opens");
        let closes = self.date(&raw.closes, "closes");
        if let (Some(o), Some(c)) = (opens, closes)
            && c < o
        {
            let line = Some(self.line_of(raw.closes.span().start));
            self.fail(line, None, "`closes` is before `opens`".into());
        }
        let members_line = self.line_of(raw.members.span().start);
        let members_path = self
            .file
            .parent()
            .unwrap_or(Path::new("."))
            .join(raw.members.get_ref());
        let members = match load_members(&members_path) {
            Ok(m) => m,
            Err(e) => {
                self.fail(Some(members_line), None, e);
                Vec::new()
            }
        };

        let mut sections = Vec::new();
        let mut seen_sections = HashSet::new();
        // Questions seen so far, by id: conditions and ranks may only look back.
        let mut earlier: BTreeMap<String, Kind> = BTreeMap::new();
        let mut columns: Vec<Column> = Vec::new();
        let mut question_index = 0;
        for rs in raw.sections {
            let s_line = self.line_of(rs.id.span().start);
            let s_id = rs.id.into_inner();
            if !seen_sections.insert(s_id.clone()) {
                self.fail(
                    Some(s_line),
                    None,
                    format!("section id `{s_id}` appears twice"),
                );
            }
            if rs.questions.is_empty() {
                self.fail(
                    Some(s_line),
                    None,
                    format!("section `{s_id}` has no questions"),
                );
            }
            let mut questions = Vec::new();
            for rq in rs.questions {
                let line = self.line_of(rq.id.span().start);
                let qid = rq.id.get_ref().clone();
                if let Some(q) = self.question(&rq, line, &earlier) {
                    if earlier.contains_key(&qid) {
                        self.fail(
                            Some(line),
                            Some(&qid),
                            "this question id appears twice".into(),
                        );
                    }
                    if !is_question_id(&qid) {
                        self.fail(
                            Some(line),
                            Some(&qid),
                            "a question id is letters and digits, starting with a letter".into(),
                        );
                    }
                    let start = columns.len();
                    for cell in cells_of(&q) {
                        columns.push(Column {
                            name: column_name(&qid, &cell),
                            question: question_index,
                            cell,
                        });
                    }
                    earlier.insert(qid.clone(), q.kind.clone());
                    questions.push(Question {
                        cells: start..columns.len(),
                        ..q
                    });
                    question_index += 1;
                }
            }
            sections.push(Section {
                id: s_id,
                title: rs.title,
                intro: rs.intro,
                questions,
            });
        }
        let mut names = HashSet::new();
        for c in &columns {
            if FIXED_COLUMNS.contains(&c.name.as_str()) || !names.insert(c.name.clone()) {
                self.fail(
                    None,
                    None,
                    format!("two answer columns would both be named `{}`", c.name),
                );
            }
        }
        if columns.is_empty() {
            self.fail(None, None, "the edition has no questions".into());
        }
        Some(Survey {
            id,
            title: raw.title,
            year: raw.year,
            reference_period: raw.reference_period,
            introduction: raw.introduction,
            opens: opens?,
            closes: closes?,
            previous: raw.previous,
            members,
            sections,
            columns,
        })
    }

    fn question(
        &mut self,
        rq: &RawQuestion,
        line: usize,
        earlier: &BTreeMap<String, Kind>,
    ) -> Option<Question> {
        let qid = rq.id.get_ref().as_str();
        let Some(allowed) = allowed_keys(&rq.kind) else {
            self.fail(Some(line), Some(qid), format!("unknown type `{}` (single, multi, yesno, yesno_dk, number, number_per_year, text, scale, matrix_choice, matrix_number, rank)", rq.kind));
            return None;
        };
        for key in rq.present_keys() {
            if !allowed.contains(&key) {
                self.fail(
                    Some(line),
                    Some(qid),
                    format!("`{key}` does not apply to a question of type {}", rq.kind),
                );
            }
        }
        if rq.text.trim().is_empty() {
            self.fail(Some(line), Some(qid), "the question text is empty".into());
        }
        let kind = match rq.kind.as_str() {
            "single" => Kind::Single {
                options: self.list(line, qid, "options", &rq.options, &rq.options_from, false),
                select: rq.select.unwrap_or(false),
            },
            "multi" => Kind::Multi {
                options: self.list(line, qid, "options", &rq.options, &rq.options_from, true),
            },
            "yesno" | "yesno_dk" => {
                let mut options = vec![choice("yes", "Yes"), choice("no", "No")];
                if rq.kind == "yesno_dk" {
                    options.push(choice("dk", "Don't know"));
                }
                Kind::YesNo { options }
            }
            "number" => Kind::Number {
                bounds: self.bounds(line, qid, rq),
                unit: rq.unit.clone(),
            },
            "number_per_year" => {
                let years = rq.years.clone().unwrap_or_default();
                let distinct: HashSet<_> = years.iter().collect();
                if years.is_empty() || distinct.len() != years.len() {
                    self.fail(
                        Some(line),
                        Some(qid),
                        "`years` must list one or more distinct years".into(),
                    );
                }
                Kind::NumberPerYear {
                    years,
                    bounds: self.bounds(line, qid, rq),
                }
            }
            "text" => {
                let long = rq.long.unwrap_or(false);
                let max_length =
                    rq.max_length
                        .unwrap_or(if long { LONG_TEXT_MAX } else { SHORT_TEXT_MAX });
                if max_length == 0 || max_length > 100_000 {
                    self.fail(
                        Some(line),
                        Some(qid),
                        "`max_length` must be between 1 and 100000".into(),
                    );
                }
                let format = self.text_format(line, qid, &rq.format);
                let mut parts = Vec::new();
                let mut seen = HashSet::new();
                for p in rq.parts.iter().flatten() {
                    if !is_code(&p.code) || !seen.insert(p.code.clone()) {
                        self.fail(
                            Some(line),
                            Some(qid),
                            format!("part code `{}` must be a unique lower-case code", p.code),
                        );
                    }
                    let format = self.text_format(line, qid, &p.format);
                    parts.push(TextPart {
                        code: p.code.clone(),
                        label: p.label.clone(),
                        required: p.required,
                        format,
                    });
                }
                if rq.parts.as_ref().is_some_and(|p| p.is_empty()) {
                    self.fail(Some(line), Some(qid), "the parts list is empty".into());
                }
                Kind::Text {
                    long,
                    max_length,
                    format,
                    parts,
                }
            }
            "scale" => {
                let min = rq.min.unwrap_or(1);
                let max = rq.max.unwrap_or(5);
                if !(0..=10).contains(&min) || !(0..=10).contains(&max) || min >= max {
                    self.fail(
                        Some(line),
                        Some(qid),
                        "a scale runs from `min` to `max`, both between 0 and 10, min below max"
                            .into(),
                    );
                }
                Kind::Scale {
                    min: min.clamp(0, 10) as u8,
                    max: max.clamp(0, 10) as u8,
                    min_label: rq.min_label.clone(),
                    max_label: rq.max_label.clone(),
                }
            }
            "matrix_choice" | "matrix_number" => {
                let rows = self.list(line, qid, "rows", &rq.rows, &rq.rows_from, false);
                if let Some(src) = &rq.rows_picked_in {
                    match earlier.get(src) {
                        Some(Kind::Multi { options }) => {
                            for r in &rows {
                                if !options.iter().any(|o| o.code == r.code) {
                                    self.fail(Some(line), Some(qid), format!("row `{}` is not an option of {src}, so it could never be picked there", r.code));
                                }
                            }
                        }
                        Some(_) => self.fail(
                            Some(line),
                            Some(qid),
                            format!("`rows_picked_in` names {src}, which is not a multi"),
                        ),
                        None => self.fail(
                            Some(line),
                            Some(qid),
                            format!(
                                "`rows_picked_in` names {src}, which is not an earlier question"
                            ),
                        ),
                    }
                }
                if rq.kind == "matrix_choice" {
                    Kind::MatrixChoice {
                        rows,
                        rows_picked_in: rq.rows_picked_in.clone(),
                        columns: self.list(line, qid, "columns", &rq.columns, &None, false),
                    }
                } else {
                    Kind::MatrixNumber {
                        rows,
                        rows_picked_in: rq.rows_picked_in.clone(),
                        bounds: self.bounds(line, qid, rq),
                    }
                }
            }
            "rank" => {
                let of = rq.of.clone().unwrap_or_default();
                let top = rq.top.unwrap_or(3);
                match earlier.get(&of) {
                    Some(Kind::Multi { options }) => {
                        if top == 0 || top > options.len() {
                            self.fail(
                                Some(line),
                                Some(qid),
                                format!(
                                    "`top` must be between 1 and the {} options of {of}",
                                    options.len()
                                ),
                            );
                        }
                    }
                    Some(_) => self.fail(
                        Some(line),
                        Some(qid),
                        format!("a rank orders the options of a multi, and {of} is not a multi"),
                    ),
                    None if of.is_empty() => self.fail(
                        Some(line),
                        Some(qid),
                        "a rank needs `of`: the multi whose options it orders".into(),
                    ),
                    None => self.fail(
                        Some(line),
                        Some(qid),
                        format!("`of` names {of}, which is not an earlier question"),
                    ),
                }
                Kind::Rank { of, top }
            }
            _ => unreachable!("allowed_keys knows every type"),
        };
        if let Kind::Text { parts, .. } = &kind
            && rq.required
            && !parts.is_empty()
            && !parts.iter().any(|p| p.required)
        {
            self.fail(
                Some(line),
                Some(qid),
                "a required text with parts needs at least one required part".into(),
            );
        }
        let shown_if = rq
            .shown_if
            .as_ref()
            .and_then(|c| self.condition(line, qid, c, earlier));
        Some(Question {
            id: qid.to_string(),
            text: rq.text.clone(),
            help: rq.help.clone(),
            required: rq.required,
            shown_if,
            kind,
            cells: 0..0,
        })
    }

    fn condition(
        &mut self,
        line: usize,
        qid: &str,
        c: &RawCondition,
        earlier: &BTreeMap<String, Kind>,
    ) -> Option<Condition> {
        let Some(target) = earlier.get(&c.question) else {
            self.fail(
                Some(line),
                Some(qid),
                format!(
                    "`shown_if` names {}, which is not an earlier question",
                    c.question
                ),
            );
            return None;
        };
        let test = match (&c.is, &c.is_not, c.answered) {
            (Some(codes), None, None) => Test::Is(codes.clone()),
            (None, Some(codes), None) => Test::IsNot(codes.clone()),
            (None, None, Some(true)) => Test::Answered,
            _ => {
                self.fail(
                    Some(line),
                    Some(qid),
                    "`shown_if` takes exactly one of `is`, `is_not`, `answered = true`".into(),
                );
                return None;
            }
        };
        if let Test::Is(codes) | Test::IsNot(codes) = &test {
            let Some(options) = target.options() else {
                self.fail(Some(line), Some(qid), format!("`shown_if` tests the options of {}, which has none (use `answered = true`)", c.question));
                return None;
            };
            if codes.is_empty() {
                self.fail(Some(line), Some(qid), "`shown_if` lists no option".into());
            }
            for code in codes {
                if !options.iter().any(|o| &o.code == code) {
                    self.fail(
                        Some(line),
                        Some(qid),
                        format!(
                            "`shown_if` names option `{code}`, which {} does not have",
                            c.question
                        ),
                    );
                }
            }
        }
        Some(Condition {
            question: c.question.clone(),
            test,
        })
    }
}

fn choice(code: &str, label: &str) -> Choice {
    Choice {
        code: code.into(),
        label: label.into(),
        specify: false,
        exclusive: false,
    }
}

/// The cells a question's answer is stored in, in order.
fn cells_of(q: &Question) -> Vec<Cell> {
    let specify = |options: &[Choice]| -> Vec<Cell> {
        let mut cells = vec![Cell::Whole];
        cells.extend(options.iter().filter(|o| o.specify).map(|o| Cell::Specify {
            option: o.code.clone(),
        }));
        cells
    };
    match &q.kind {
        Kind::Single { options, .. } | Kind::Multi { options } => specify(options),
        Kind::Text { parts, .. } if !parts.is_empty() => parts
            .iter()
            .map(|p| Cell::Part {
                part: p.code.clone(),
            })
            .collect(),
        Kind::NumberPerYear { years, .. } => {
            years.iter().map(|&year| Cell::Year { year }).collect()
        }
        Kind::MatrixChoice { rows, .. } | Kind::MatrixNumber { rows, .. } => rows
            .iter()
            .map(|r| Cell::Row {
                row: r.code.clone(),
            })
            .collect(),
        Kind::Rank { top, .. } => (1..=*top).map(|place| Cell::Place { place }).collect(),
        _ => vec![Cell::Whole],
    }
}

fn column_name(qid: &str, cell: &Cell) -> String {
    match cell {
        Cell::Whole => qid.to_string(),
        Cell::Specify { option } => format!("{qid}_{option}_text"),
        Cell::Part { part } => format!("{qid}_{part}"),
        Cell::Year { year } => format!("{qid}_{year}"),
        Cell::Row { row } => format!("{qid}_{row}"),
        Cell::Place { place } => format!("{qid}_{place}"),
    }
}
