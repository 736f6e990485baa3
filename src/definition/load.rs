//! Reading a definition file: TOML into raw structs, then every check that
//! makes the typed [`Survey`] trustworthy, each error naming file, line and
//! question.

use super::text::{RawText, Texts, check_languages, key as text_place};
use super::*;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

mod dates_files;
mod publication;
use dates_files::RawBound;

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
/// Beyond what [`load_file`] checks, the `previous` of each edition must name
/// another edition of the folder with an earlier `year`.
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
    let mut loaded = Vec::new();
    let mut broken = HashSet::new();
    let mut errors = Vec::new();
    let mut lists = MemberLists::default();
    for file in files {
        match load(&file, &mut lists) {
            Ok(l) => loaded.push((file, l)),
            Err(mut e) => {
                if let Some(stem) = file.file_stem().and_then(|s| s.to_str()) {
                    broken.insert(stem.to_string());
                }
                errors.append(&mut e);
            }
        }
    }
    if loaded.is_empty() && errors.is_empty() {
        errors.push(DefinitionError {
            file: dir.to_path_buf(),
            line: None,
            question: None,
            message: "no definition (*.toml) in this folder".into(),
        });
    }
    for (file, l) in &loaded {
        let (Some(previous), Some(line)) = (&l.survey.previous, l.previous_line) else {
            continue;
        };
        let this = &l.survey;
        let message = match loaded.iter().find(|(_, o)| &o.survey.id == previous) {
            Some((_, o)) if o.survey.year < this.year => continue,
            Some((_, o)) => format!(
                "`previous` names {previous}, whose year {} is not before the {} of this edition",
                o.survey.year, this.year
            ),
            // Its file is broken, and already reported.
            None if broken.contains(previous) => continue,
            None => format!(
                "`previous` names {previous}, which is not an edition in this folder (there is no {previous}.toml)"
            ),
        };
        errors.push(DefinitionError {
            file: file.clone(),
            line: Some(line),
            question: None,
            message,
        });
    }
    for (file, l) in &loaded {
        let earlier = l.survey.previous.as_ref().and_then(|p| {
            loaded
                .iter()
                .find(|(_, o)| &o.survey.id == p && o.survey.year < l.survey.year)
        });
        errors.extend(
            previous_ids(&l.survey, earlier.map(|(_, o)| &o.survey))
                .into_iter()
                .map(|(question, message)| DefinitionError {
                    file: file.clone(),
                    line: None,
                    question: Some(question),
                    message,
                }),
        );
    }
    if errors.is_empty() {
        let mut surveys: Vec<Survey> = loaded.into_iter().map(|(_, l)| l.survey).collect();
        surveys.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(surveys)
    } else {
        // Each file's problems together, the files in order.
        errors.sort_by(|a, b| a.file.cmp(&b.file));
        Err(errors)
    }
}

/// What is wrong with the `previous_id` of the questions of `survey`: each
/// names a question of the previous edition (when it is known), which no
/// question of this edition has as its own id and no other one claims.
fn previous_ids(survey: &Survey, previous: Option<&Survey>) -> Vec<(String, String)> {
    let mut claimed: BTreeMap<&str, &str> = BTreeMap::new();
    let mut out = Vec::new();
    for q in survey.questions() {
        let Some(p) = &q.previous_id else { continue };
        let message = if survey.question(p).is_some() {
            format!(
                "`previous_id` names {p}, but this edition has a question {p} of its own: the two would both stand for it"
            )
        } else if let Some(other) = claimed.insert(p, &q.id) {
            format!("`previous_id` names {p}, which question {other} names already")
        } else {
            match previous {
                Some(prev) if prev.question(p).is_none() => format!(
                    "`previous_id` names {p}, which is not a question of {}",
                    prev.id
                ),
                None if survey.previous.is_none() => {
                    "`previous_id` needs the edition's `previous`: the edition it names a question of".to_string()
                }
                _ => continue,
            }
        };
        out.push((q.id.clone(), message));
    }
    out
}

/// Loads and checks one definition file. That `previous` names an earlier
/// edition needs the other files: [`load_dir`] checks it.
pub fn load_file(path: &Path) -> Result<Survey, Vec<DefinitionError>> {
    load(path, &mut MemberLists::default()).map(|l| l.survey)
}

/// The member lists read so far, by path: editions that name the same file
/// share one list instead of each reading and holding a copy.
#[derive(Default)]
struct MemberLists(std::collections::HashMap<PathBuf, Result<Arc<MemberList>, String>>);

impl MemberLists {
    fn get(&mut self, path: &Path) -> Result<Arc<MemberList>, String> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.0
            .entry(key)
            .or_insert_with(|| load_members(path).map(Arc::new))
            .clone()
    }
}

/// A checked edition, with what [`load_dir`] needs to check it against the others.
struct Loaded {
    survey: Survey,
    /// The line of `previous`, if given.
    previous_line: Option<usize>,
}

fn load(path: &Path, lists: &mut MemberLists) -> Result<Loaded, Vec<DefinitionError>> {
    let mut cx = Checker {
        file: path.to_path_buf(),
        src: String::new(),
        errors: Vec::new(),
        lists: BTreeMap::new(),
        broken_lists: HashSet::new(),
        tainted: false,
        texts: Texts::default(),
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
    let previous_line = raw.previous.as_ref().map(|p| cx.line_of(p.span().start));
    let survey = cx.check(raw, lists);
    match survey {
        Some(survey) if cx.errors.is_empty() => Ok(Loaded {
            survey,
            previous_line,
        }),
        _ => Err(cx.errors),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurvey {
    id: Spanned<String>,
    /// The languages of the texts, the default first.
    languages: Option<Spanned<Vec<String>>>,
    title: Spanned<RawText>,
    year: i32,
    reference_period: Spanned<RawText>,
    // Any value, so that a date written as a string gets a helpful message.
    opens: Spanned<toml::Value>,
    closes: Spanned<toml::Value>,
    previous: Option<Spanned<String>>,
    members: Spanned<String>,
    introduction: Spanned<RawText>,
    // What the annual report says of itself (all optional).
    organisation: Option<Spanned<RawText>>,
    report_title: Option<Spanned<RawText>>,
    contact: Option<Spanned<RawText>>,
    #[serde(default)]
    count_associates: bool,
    // What the published edition says of its reuse (all optional; `publish` needs a licence).
    licence: Option<Spanned<String>>,
    licence_url: Option<Spanned<String>>,
    citation: Option<String>,
    /// The edition's factor for figures that jump from the previous edition.
    jump_factor: Option<Spanned<f64>>,
    #[serde(default)]
    lists: BTreeMap<String, Spanned<Vec<RawChoice>>>,
    sections: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: RawText,
    intro: Option<RawText>,
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    code: String,
    label: RawText,
    #[serde(default)]
    specify: bool,
    #[serde(default)]
    exclusive: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    code: String,
    label: RawText,
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
    text: RawText,
    help: Option<RawText>,
    #[serde(default)]
    required: bool,
    shown_if: Option<RawCondition>,
    #[serde(default)]
    private: bool,
    /// Its free texts may be published (a text answer, a "please specify").
    #[serde(default)]
    texts_public: bool,
    /// The id this question had in the `previous` edition, when renamed.
    previous_id: Option<String>,
    jump_factor: Option<f64>,
    options: Option<Vec<RawChoice>>,
    options_from: Option<String>,
    select: Option<bool>,
    min: Option<RawBound>,
    max: Option<RawBound>,
    unknown: Option<bool>,
    unit: Option<RawText>,
    years: Option<Vec<i32>>,
    long: Option<bool>,
    max_length: Option<usize>,
    format: Option<String>,
    parts: Option<Vec<RawPart>>,
    min_label: Option<RawText>,
    max_label: Option<RawText>,
    rows: Option<Vec<RawChoice>>,
    rows_from: Option<String>,
    rows_picked_in: Option<String>,
    columns: Option<Vec<RawChoice>>,
    of: Option<String>,
    top: Option<usize>,
    kinds: Option<Vec<String>>,
    max_size: Option<String>,
    public: Option<bool>,
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
            ("jump_factor", self.jump_factor.is_some()),
            ("kinds", self.kinds.is_some()),
            ("max_size", self.max_size.is_some()),
            ("public", self.public.is_some()),
        ];
        keys.iter().filter(|(_, p)| *p).map(|(k, _)| *k).collect()
    }
}

fn allowed_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "single" => &["options", "options_from", "select"],
        "multi" => &["options", "options_from"],
        "yesno" | "yesno_dk" => &[],
        "number" => &["min", "max", "unknown", "unit", "jump_factor"],
        "number_per_year" => &["years", "min", "max", "unknown", "jump_factor"],
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
            "jump_factor",
        ],
        "rank" => &["of", "top"],
        "date" => &["min", "max", "unknown"],
        "file" => &["kinds", "max_size", "public"],
        _ => return None,
    })
}

/// The fixed columns that come before the answers in the responses file.
const FIXED_COLUMNS: [&str; 4] = ["revision", "time", "member", "status"];

struct Checker {
    file: PathBuf,
    src: String,
    errors: Vec<DefinitionError>,
    /// The shared option lists of the file being checked.
    lists: BTreeMap<String, Vec<RawChoice>>,
    /// The shared lists with an error, reported once on their own line.
    broken_lists: HashSet<String>,
    /// Whether the question being checked uses a broken shared list.
    tainted: bool,
    /// The edition's languages and the translations recorded so far.
    texts: Texts,
}

/// What a question can say about an earlier one it names.
struct Earlier {
    /// `None` when its type is unknown or its id is given twice.
    kind: Option<Kind>,
    /// Whether its options and rows are as written: false when they had an
    /// error, already reported, so that checks against them would only repeat it.
    sound: bool,
    line: usize,
}

/// What the checks of an earlier question's options may go on.
enum Target<'a> {
    /// Not defined before the question naming it.
    Missing,
    /// Defined but broken: its error is reported, checks against it are skipped.
    Broken,
    Found {
        kind: &'a Kind,
        sound: bool,
    },
}

fn target<'a>(earlier: &'a BTreeMap<String, Earlier>, id: &str) -> Target<'a> {
    match earlier.get(id) {
        None => Target::Missing,
        Some(Earlier { kind: None, .. }) => Target::Broken,
        Some(Earlier {
            kind: Some(kind),
            sound,
            ..
        }) => Target::Found {
            kind,
            sound: *sound,
        },
    }
}

/// Where an error of the question being checked goes: its line and id.
struct At<'a> {
    line: usize,
    q: &'a str,
}

/// How a list of choices is used, for the messages and the use-level checks.
struct ListUse {
    /// The key naming it: `options`, `rows`, `columns`.
    key: &'static str,
    /// One of it, in messages: `option`, `row`, `column`.
    noun: &'static str,
    /// Whether `exclusive` may be set (an option of a multi).
    exclusive: bool,
    /// Whether `specify` may be set (an option of a single or multi).
    specify: bool,
}

const OPTIONS_OF_SINGLE: ListUse = ListUse {
    key: "options",
    noun: "option",
    exclusive: false,
    specify: true,
};
const OPTIONS_OF_MULTI: ListUse = ListUse {
    key: "options",
    noun: "option",
    exclusive: true,
    specify: true,
};
const ROWS: ListUse = ListUse {
    key: "rows",
    noun: "row",
    exclusive: false,
    specify: false,
};
const COLUMNS: ListUse = ListUse {
    key: "columns",
    noun: "column",
    exclusive: false,
    specify: false,
};

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
pub fn is_survey_id(s: &str) -> bool {
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

    /// An error in the question being checked, on its line.
    fn fail_q(&mut self, at: &At, message: String) {
        self.fail(Some(at.line), Some(at.q), message);
    }

    fn date(&mut self, v: &Spanned<toml::Value>, key: &str) -> Option<NaiveDate> {
        let line = Some(self.line_of(v.span().start));
        match v.get_ref() {
            toml::Value::Datetime(dt) if dt.date.is_some() && dt.time.is_none() => {
                let d = dt.date?;
                let date = NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into());
                if date.is_none() {
                    self.fail(line, None, format!("`{key}` is not a real date"));
                }
                date
            }
            toml::Value::String(s) => {
                let example = match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                    Ok(d) => d.to_string(),
                    Err(_) => "2022-03-01".to_string(),
                };
                self.fail(
                    line,
                    None,
                    format!(
                        "`{key}` is written as a string: write it without quotes, as a TOML date (`{key} = {example}`)"
                    ),
                );
                None
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

    /// The checks of a list of choices that do not depend on its use: it is
    /// not empty, its codes are well formed and distinct, its labels not empty.
    /// `whose` starts each message about one choice ("in list `channels`, ").
    fn check_choices(
        &mut self,
        line: usize,
        q: Option<&str>,
        whose: &str,
        noun: &str,
        empty: String,
        raw: &[RawChoice],
    ) -> bool {
        let before = self.errors.len();
        if raw.is_empty() {
            self.fail(Some(line), q, empty);
        }
        let mut seen = HashSet::new();
        for c in raw {
            if !is_code(&c.code) {
                self.fail(
                    Some(line),
                    q,
                    format!(
                        "{whose}{noun} code `{}` must be lower-case letters, digits and _",
                        c.code
                    ),
                );
            }
            if !seen.insert(c.code.as_str()) {
                self.fail(
                    Some(line),
                    q,
                    format!("{whose}{noun} code `{}` appears twice", c.code),
                );
            }
            if c.label.text_in(&self.texts.languages).trim().is_empty() {
                self.fail(
                    Some(line),
                    q,
                    format!("{whose}{noun} `{}` has an empty label", c.code),
                );
            }
        }
        self.errors.len() == before
    }

    /// Checks every shared list once, on its own line, used or not.
    fn check_lists(&mut self, lists: BTreeMap<String, Spanned<Vec<RawChoice>>>) {
        for (name, raw) in lists {
            let line = self.line_of(raw.span().start);
            let raw = raw.into_inner();
            for c in &raw {
                let what = format!("in list `{name}`, option `{}`", c.code);
                let place = text_place(&["list", &name, &c.code]);
                let (_, problems) = self.texts.take(place, &what, &c.label);
                for p in problems {
                    self.fail(Some(line), None, p);
                }
            }
            let ok = self.check_choices(
                line,
                None,
                &format!("in list `{name}`, "),
                "option",
                format!("the list `{name}` is empty"),
                &raw,
            );
            if !ok {
                self.broken_lists.insert(name.clone());
            }
            self.lists.insert(name, raw);
        }
    }

    /// The choices given inline or by the name of a shared list, and what
    /// their use allows.
    fn list(
        &mut self,
        at: &At,
        how: &ListUse,
        inline: &Option<Vec<RawChoice>>,
        from: &Option<String>,
    ) -> Vec<Choice> {
        let key = how.key;
        let (raw, shared) = match (inline, from) {
            (Some(_), Some(_)) => {
                self.fail_q(
                    at,
                    format!("give the {key} inline or from a list, not both"),
                );
                return Vec::new();
            }
            (Some(raw), None) => {
                self.check_choices(
                    at.line,
                    Some(at.q),
                    "",
                    how.noun,
                    format!("the {key} list is empty"),
                    raw,
                );
                (raw.clone(), None)
            }
            (None, Some(name)) => match self.lists.get(name).cloned() {
                Some(raw) => {
                    if self.broken_lists.contains(name) {
                        self.tainted = true;
                    }
                    (raw, Some(name.as_str()))
                }
                None => {
                    self.fail_q(at, format!("there is no list `{name}` under [lists]"));
                    return Vec::new();
                }
            },
            (None, None) => {
                let hint = if key == "columns" {
                    "give `columns`".to_string()
                } else {
                    format!("give `{key}` or `{key}_from`")
                };
                self.fail_q(at, format!("the {key} list is missing ({hint})"));
                return Vec::new();
            }
        };
        let from_list = shared
            .map(|name| format!(" (from list `{name}`)"))
            .unwrap_or_default();
        let mut out = Vec::new();
        for c in raw {
            if c.exclusive && !how.exclusive {
                self.fail_q(
                    at,
                    format!(
                        "`exclusive` on `{}`{from_list} only applies to an option of a multi",
                        c.code
                    ),
                );
            }
            // A shared list may give both the options of a multi, where its
            // "other" takes a text, and the rows of a matrix over what was
            // picked there, where it does not: only writing it is refused.
            let specify = c.specify && how.specify;
            if c.specify && !how.specify && shared.is_none() {
                self.fail_q(
                    at,
                    format!(
                        "`specify` on `{}` only applies to an option of a single or multi",
                        c.code
                    ),
                );
            }
            let place = text_place(&["q", at.q, how.key, &c.code]);
            let label = match shared {
                Some(_) => self.texts.record(place, &c.label),
                None => {
                    let what = format!("{} `{}`", how.noun, c.code);
                    self.text(Some(at.line), Some(at.q), place, &what, &c.label)
                }
            };
            out.push(Choice {
                code: c.code,
                label,
                specify,
                exclusive: c.exclusive,
            });
        }
        out
    }

    fn bounds(&mut self, line: usize, q: &str, raw: &RawQuestion) -> Bounds {
        let at = &At { line, q };
        let min = self.whole(at, "min", &raw.min, 0);
        let max = self.whole(at, "max", &raw.max, NUMBER_MAX as i64);
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

    /// A factor for figures that jump: above 1 (else every figure would jump).
    fn jump_factor(&mut self, line: usize, q: Option<&str>, f: f64) -> f64 {
        if !(f > 1.0 && f <= 1000.0) {
            self.fail(
                Some(line),
                q,
                format!("`jump_factor` must be a number above 1 and at most 1000, not {f}"),
            );
        }
        f
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

    /// The text in the default language, its translations recorded under
    /// `place`, each problem with it (a missing translation) reported.
    fn text(
        &mut self,
        line: Option<usize>,
        q: Option<&str>,
        place: String,
        what: &str,
        raw: &RawText,
    ) -> String {
        let (text, problems) = self.texts.take(place, what, raw);
        for p in problems {
            self.fail(line, q, p);
        }
        text
    }

    /// A text at the top of the file, on its own line.
    fn top_text(&mut self, name: &str, raw: &Spanned<RawText>) -> String {
        let line = Some(self.line_of(raw.span().start));
        self.text(
            line,
            None,
            text_place(&[name]),
            &format!("`{name}`"),
            raw.get_ref(),
        )
    }

    /// The edition's languages, the default first; `en` when none is listed.
    fn languages(&mut self, raw: &Option<Spanned<Vec<String>>>) {
        let Some(langs) = raw else {
            self.texts = Texts::new(vec![crate::i18n::ENGLISH.to_string()], false);
            return;
        };
        if let Err(e) = check_languages(langs.get_ref()) {
            let line = Some(self.line_of(langs.span().start));
            self.fail(line, None, e);
        }
        let mut listed = langs.get_ref().clone();
        if listed.is_empty() {
            listed.push(crate::i18n::ENGLISH.to_string());
        }
        self.texts = Texts::new(listed, true);
    }

    fn check(&mut self, raw: RawSurvey, lists: &mut MemberLists) -> Option<Survey> {
        self.languages(&raw.languages);
        let title = self.top_text("title", &raw.title);
        let introduction = self.top_text("introduction", &raw.introduction);
        let reference_period = self.top_text("reference_period", &raw.reference_period);
        let optional = |cx: &mut Checker, name: &str, raw: &Option<Spanned<RawText>>| {
            raw.as_ref()
                .map(|r| cx.top_text(name, r))
                .filter(|s| !s.trim().is_empty())
        };
        let organisation = optional(self, "organisation", &raw.organisation);
        let report_title = optional(self, "report_title", &raw.report_title);
        let contact = optional(self, "contact", &raw.contact);
        let id_line = self.line_of(raw.id.span().start);
        let id = raw.id.into_inner();
        if !is_survey_id(&id) {
            self.fail(
                Some(id_line),
                None,
                format!("edition id `{id}` must be lower-case letters, digits and '-'"),
            );
        } else if id == crate::attachments::FOLDER {
            self.fail(
                Some(id_line),
                None,
                format!("edition id `{id}` is the data directory's folder of attached documents: choose another id"),
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
        let previous = raw.previous.map(|p| {
            let line = Some(self.line_of(p.span().start));
            let p = p.into_inner();
            if !is_survey_id(&p) {
                self.fail(
                    line,
                    None,
                    format!("`previous` must be the id of an edition, such as spam-2021, not `{p}`"),
                );
            } else if p == id {
                self.fail(
                    line,
                    None,
                    "`previous` names this edition itself: it is the earlier edition the report compares with".into(),
                );
            }
            p
        });
        let members_line = self.line_of(raw.members.span().start);
        let members_path = self
            .file
            .parent()
            .unwrap_or(Path::new("."))
            .join(raw.members.get_ref());
        let members = match lists.get(&members_path) {
            Ok(m) => m,
            Err(e) => {
                self.fail(Some(members_line), None, e);
                Arc::default()
            }
        };
        let jump_factor = raw.jump_factor.map(|f| {
            let line = self.line_of(f.span().start);
            self.jump_factor(line, None, *f.get_ref())
        });
        self.check_lists(raw.lists);

        let mut sections = Vec::new();
        let mut seen_sections = HashSet::new();
        // Questions seen so far, by id: conditions and ranks may only look back.
        let mut earlier: BTreeMap<String, Earlier> = BTreeMap::new();
        let mut columns: Vec<Column> = Vec::new();
        // For each question, by index: its line, its id and whether it had
        // no error at all (a column clash of a broken one only repeats it).
        let mut owners: Vec<(usize, String, bool)> = Vec::new();
        let no_sections = raw.sections.is_empty();
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
            let what = format!("the title of section {s_id}");
            let title = self.text(
                Some(s_line),
                None,
                text_place(&["s", &s_id, "title"]),
                &what,
                &rs.title,
            );
            let intro = rs.intro.as_ref().map(|i| {
                let what = format!("the intro of section {s_id}");
                self.text(
                    Some(s_line),
                    None,
                    text_place(&["s", &s_id, "intro"]),
                    &what,
                    i,
                )
            });
            let mut questions = Vec::new();
            for rq in rs.questions {
                let line = self.line_of(rq.id.span().start);
                let qid = rq.id.get_ref().clone();
                let before = self.errors.len();
                let first = earlier.get(&qid).map(|e| e.line);
                if let Some(first) = first {
                    self.fail(
                        Some(line),
                        Some(&qid),
                        format!("this question id appears twice (first on line {first})"),
                    );
                }
                if !is_question_id(&qid) {
                    self.fail(
                        Some(line),
                        Some(&qid),
                        "a question id is letters and digits, starting with a letter".into(),
                    );
                } else if let Some(fixed) =
                    FIXED_COLUMNS.iter().find(|f| f.eq_ignore_ascii_case(&qid))
                {
                    let message = if *fixed == qid {
                        format!(
                            "`{qid}` is a reserved column name of the responses file; choose another id"
                        )
                    } else {
                        format!(
                            "`{qid}` differs only in case from `{fixed}`, a reserved column name of the responses file; choose another id"
                        )
                    };
                    self.fail(Some(line), Some(&qid), message);
                }
                let checked = self.question(&rq, line, &earlier);
                let clean = self.errors.len() == before && !self.tainted;
                let entry = match (&checked, first) {
                    // Which of the two a later question means cannot be known.
                    (_, Some(first)) => Earlier {
                        kind: None,
                        sound: false,
                        line: first,
                    },
                    (Some((q, sound)), None) => Earlier {
                        kind: Some(q.kind.clone()),
                        sound: *sound,
                        line,
                    },
                    (None, None) => Earlier {
                        kind: None,
                        sound: false,
                        line,
                    },
                };
                earlier.insert(qid.clone(), entry);
                let Some((q, _)) = checked else { continue };
                let start = columns.len();
                for cell in cells_of(&q) {
                    columns.push(Column {
                        name: column_name(&qid, &cell),
                        question: owners.len(),
                        cell,
                    });
                }
                owners.push((line, qid, clean));
                questions.push(Question {
                    cells: start..columns.len(),
                    ..q
                });
            }
            sections.push(Section {
                id: s_id,
                title,
                intro,
                questions,
            });
        }
        // A clash of column names that no error above explains. With question
        // ids of letters and digits only, before the `_` of every other column,
        // this is a safety net.
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        let mut clashes = Vec::new();
        for c in &columns {
            match names.get(c.name.as_str()) {
                None => {
                    names.insert(&c.name, c.question);
                }
                Some(&other) => {
                    let (line, qid, clean) = &owners[c.question];
                    let (other_line, other_id, other_clean) = &owners[other];
                    if *clean && *other_clean {
                        let message = if other == c.question {
                            format!("two of its answer columns would both be named `{}`", c.name)
                        } else {
                            format!(
                                "its answer column `{}` would have the same name as a column of question {other_id} (line {other_line})",
                                c.name
                            )
                        };
                        clashes.push((*line, qid.clone(), message));
                    }
                }
            }
        }
        for (line, qid, message) in clashes {
            self.fail(Some(line), Some(&qid), message);
        }
        if no_sections {
            self.fail(
                None,
                None,
                "the edition has no questions: add a [[sections]] with its [[sections.questions]]"
                    .into(),
            );
        }
        Some(
            Survey {
                id,
                title,
                year: raw.year,
                reference_period,
                introduction,
                opens: opens?,
                closes: closes?,
                previous,
                jump_factor,
                members,
                sections,
                columns,
                organisation,
                report_title,
                contact,
                count_associates: raw.count_associates,
                publication: self.publication(
                    raw.licence.as_ref(),
                    raw.licence_url.as_ref(),
                    raw.citation.as_deref(),
                ),
                file: self.file.to_path_buf(),
                index: Default::default(),
                language: self.texts.languages[0].clone(),
                languages: self.texts.languages.clone(),
                translations: Arc::new(std::mem::take(&mut self.texts.translations)),
            }
            .assemble(),
        )
    }

    /// Checks one question. With its kind, gives whether that kind is as
    /// written (no error in its options, rows, years...), for the questions
    /// that name it; `None` when its type is unknown.
    fn question(
        &mut self,
        rq: &RawQuestion,
        line: usize,
        earlier: &BTreeMap<String, Earlier>,
    ) -> Option<(Question, bool)> {
        let qid = rq.id.get_ref().as_str();
        let at = &At { line, q: qid };
        self.tainted = false;
        let Some(allowed) = allowed_keys(&rq.kind) else {
            self.fail_q(at, format!("unknown type `{}` (single, multi, yesno, yesno_dk, number, number_per_year, text, scale, matrix_choice, matrix_number, rank, date, file)", rq.kind));
            return None;
        };
        for key in rq.present_keys() {
            if !allowed.contains(&key) {
                let hint = if key == "unit" {
                    " (only a `number` has a unit: say it in the question text)"
                } else {
                    ""
                };
                self.fail_q(
                    at,
                    format!(
                        "`{key}` does not apply to a question of type {}{hint}",
                        rq.kind
                    ),
                );
            }
        }
        let text = self.text(
            Some(line),
            Some(qid),
            text_place(&["q", qid, "text"]),
            "the question text",
            &rq.text,
        );
        if text.trim().is_empty() {
            self.fail_q(at, "the question text is empty".into());
        }
        let help = rq.help.as_ref().map(|h| {
            self.text(
                Some(line),
                Some(qid),
                text_place(&["q", qid, "help"]),
                "the help",
                h,
            )
        });
        let before = self.errors.len();
        let kind = match rq.kind.as_str() {
            "single" => Kind::Single {
                options: self.list(at, &OPTIONS_OF_SINGLE, &rq.options, &rq.options_from),
                select: rq.select.unwrap_or(false),
            },
            "multi" => Kind::Multi {
                options: self.list(at, &OPTIONS_OF_MULTI, &rq.options, &rq.options_from),
            },
            "yesno" | "yesno_dk" => {
                let mut options = vec![choice("yes", "Yes"), choice("no", "No")];
                if rq.kind == "yesno_dk" {
                    options.push(choice("dk", "Don't know"));
                }
                for o in &options {
                    self.texts
                        .built_in(text_place(&["q", qid, "options", &o.code]), &o.code);
                }
                Kind::YesNo { options }
            }
            "number" => Kind::Number {
                bounds: self.bounds(line, qid, rq),
                unit: rq.unit.as_ref().map(|u| {
                    self.text(
                        Some(line),
                        Some(qid),
                        text_place(&["q", qid, "unit"]),
                        "the unit",
                        u,
                    )
                }),
            },
            "number_per_year" => {
                let years = rq.years.clone().unwrap_or_default();
                let distinct: HashSet<_> = years.iter().collect();
                if years.is_empty() || distinct.len() != years.len() {
                    self.fail_q(at, "`years` must list one or more distinct years".into());
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
                    self.fail_q(at, "`max_length` must be between 1 and 100000".into());
                }
                let format = self.text_format(line, qid, &rq.format);
                let mut parts = Vec::new();
                let mut seen = HashSet::new();
                for p in rq.parts.iter().flatten() {
                    if !is_code(&p.code) || !seen.insert(p.code.clone()) {
                        self.fail_q(
                            at,
                            format!("part code `{}` must be a unique lower-case code", p.code),
                        );
                    }
                    let format = self.text_format(line, qid, &p.format);
                    let what = format!("part `{}`", p.code);
                    let place = text_place(&["q", qid, "parts", &p.code]);
                    let label = self.text(Some(line), Some(qid), place, &what, &p.label);
                    parts.push(TextPart {
                        code: p.code.clone(),
                        label,
                        required: p.required,
                        format,
                    });
                }
                if rq.parts.as_ref().is_some_and(|p| p.is_empty()) {
                    self.fail_q(at, "the parts list is empty".into());
                }
                Kind::Text {
                    long,
                    max_length,
                    format,
                    parts,
                }
            }
            "scale" => {
                let min = self.whole(at, "min", &rq.min, 1);
                let max = self.whole(at, "max", &rq.max, 5);
                if !(0..=10).contains(&min) || !(0..=10).contains(&max) || min >= max {
                    self.fail_q(
                        at,
                        "a scale runs from `min` to `max`, both between 0 and 10, min below max"
                            .into(),
                    );
                }
                Kind::Scale {
                    min: min.clamp(0, 10) as u8,
                    max: max.clamp(0, 10) as u8,
                    min_label: rq.min_label.as_ref().map(|l| {
                        let place = text_place(&["q", qid, "min_label"]);
                        self.text(Some(line), Some(qid), place, "`min_label`", l)
                    }),
                    max_label: rq.max_label.as_ref().map(|l| {
                        let place = text_place(&["q", qid, "max_label"]);
                        self.text(Some(line), Some(qid), place, "`max_label`", l)
                    }),
                }
            }
            "matrix_choice" | "matrix_number" => {
                let rows = self.list(at, &ROWS, &rq.rows, &rq.rows_from);
                if let Some(src) = &rq.rows_picked_in {
                    match target(earlier, src) {
                        Target::Found {
                            kind: Kind::Multi { options },
                            sound,
                        } => {
                            // Against options with an error of their own, this
                            // would only repeat it.
                            for r in rows.iter().filter(|_| sound) {
                                if !options.iter().any(|o| o.code == r.code) {
                                    self.fail_q(at, format!("row `{}` is not an option of {src}, so it could never be picked there", r.code));
                                }
                            }
                        }
                        Target::Found { .. } => self.fail_q(
                            at,
                            format!("`rows_picked_in` names {src}, which is not a multi"),
                        ),
                        Target::Broken => {}
                        Target::Missing => self.fail_q(
                            at,
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
                        columns: self.list(at, &COLUMNS, &rq.columns, &None),
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
                match target(earlier, &of) {
                    Target::Found {
                        kind: Kind::Multi { options },
                        sound,
                    } => {
                        if sound && (top == 0 || top > options.len()) {
                            self.fail_q(
                                at,
                                format!(
                                    "`top` must be between 1 and the {} options of {of}",
                                    options.len()
                                ),
                            );
                        }
                    }
                    Target::Found { .. } => self.fail_q(
                        at,
                        format!("a rank orders the options of a multi, and {of} is not a multi"),
                    ),
                    Target::Broken => {
                        if top == 0 {
                            self.fail_q(at, "`top` must be at least 1".into());
                        }
                    }
                    Target::Missing if of.is_empty() => self.fail_q(
                        at,
                        "a rank needs `of`: the multi whose options it orders".into(),
                    ),
                    Target::Missing => self.fail_q(
                        at,
                        format!("`of` names {of}, which is not an earlier question"),
                    ),
                }
                Kind::Rank { of, top }
            }
            "date" => self.date_kind(at, rq),
            "file" => self.file_kind(at, rq),
            _ => unreachable!("allowed_keys knows every type"),
        };
        let sound = self.errors.len() == before && !self.tainted;
        if let Kind::Text { parts, .. } = &kind
            && rq.required
            && !parts.is_empty()
            && !parts.iter().any(|p| p.required)
        {
            self.fail_q(
                at,
                "a required text with parts needs at least one required part".into(),
            );
        }
        let shown_if = rq
            .shown_if
            .as_ref()
            .and_then(|c| self.condition(at, c, earlier));
        if let Some(p) = &rq.previous_id
            && (!is_question_id(p) || p == qid)
        {
            self.fail_q(
                at,
                format!("`previous_id` must be the id this question had in the previous edition, another question id such as A10, not `{p}`"),
            );
        }
        let jump_factor = rq.jump_factor.map(|f| self.jump_factor(line, Some(qid), f));
        let question = Question {
            id: qid.to_string(),
            text,
            help,
            required: rq.required,
            shown_if,
            private: rq.private,
            texts_public: self.texts_public(at, rq, &kind),
            previous_id: rq.previous_id.clone(),
            jump_factor,
            kind,
            cells: 0..0,
        };
        Some((question, sound))
    }

    fn condition(
        &mut self,
        at: &At,
        c: &RawCondition,
        earlier: &BTreeMap<String, Earlier>,
    ) -> Option<Condition> {
        let found = target(earlier, &c.question);
        if let Target::Missing = found {
            self.fail_q(
                at,
                format!(
                    "`shown_if` names {}, which is not an earlier question",
                    c.question
                ),
            );
            return None;
        }
        let test = match (&c.is, &c.is_not, c.answered) {
            (Some(codes), None, None) => Test::Is(codes.clone()),
            (None, Some(codes), None) => Test::IsNot(codes.clone()),
            (None, None, Some(true)) => Test::Answered,
            _ => {
                self.fail_q(
                    at,
                    "`shown_if` takes exactly one of `is`, `is_not`, `answered = true`".into(),
                );
                return None;
            }
        };
        if let Test::Is(codes) | Test::IsNot(codes) = &test {
            if codes.is_empty() {
                self.fail_q(at, "`shown_if` lists no option".into());
            }
            // A broken question's error is reported: testing its options
            // would only repeat it.
            let Target::Found { kind, sound } = found else {
                return None;
            };
            let Some(options) = kind.options() else {
                self.fail_q(at, format!("`shown_if` tests the options of {}, which has none (use `answered = true`)", c.question));
                return None;
            };
            for code in codes.iter().filter(|_| sound) {
                if !options.iter().any(|o| &o.code == code) {
                    self.fail_q(
                        at,
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
