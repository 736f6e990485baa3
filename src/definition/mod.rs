//! The questionnaire: the typed model of one edition of the survey, loaded
//! from a definition file in `surveys/` and trusted by the rest of the code.

mod load;
mod members;
mod text;

pub use load::is_survey_id;
pub use load::{DefinitionError, load_dir, load_file};
pub use members::{Member, MemberList, MemberStatus, is_member_code, load_members};
pub use text::{Translations, in_language};

use chrono::{DateTime, NaiveDate, Utc};

/// Whole numbers above this are refused: no count of complaints, fines or
/// requests comes near it, and it keeps every number exact in an `f64`.
pub const NUMBER_MAX: u64 = 1_000_000_000_000;
/// The default length limit of a short text, in characters.
pub const SHORT_TEXT_MAX: usize = 500;
/// The default length limit of a long text, in characters.
pub const LONG_TEXT_MAX: usize = 10_000;
/// What a number cell holds when the respondent said the figure is unknown.
pub const UNKNOWN: &str = "unknown";
/// A figure more than this many times above or below the member's figure
/// of the previous edition is questioned on submission, unless the
/// definition sets its own `jump_factor`.
pub const JUMP_FACTOR: f64 = 5.0;
/// The separator between option codes in the one cell of a multi.
pub const MULTI_SEPARATOR: char = ';';

/// One edition of the survey, as loaded from its definition file.
#[derive(Debug, Clone)]
pub struct Survey {
    pub id: String,
    pub title: String,
    pub year: i32,
    pub reference_period: String,
    pub introduction: String,
    /// Answers are accepted from 00:00 UTC on this day...
    pub opens: NaiveDate,
    /// ...until 23:59:59 UTC on this day.
    pub closes: NaiveDate,
    pub previous: Option<String>,
    /// How many times above or below the member's figure of the previous
    /// edition a figure is before it is questioned on submission
    /// (`jump_factor`; [`JUMP_FACTOR`] when not given).
    pub jump_factor: Option<f64>,
    /// Shared by the editions that name the same list file.
    pub members: std::sync::Arc<MemberList>,
    pub sections: Vec<Section>,
    /// Who publishes the report (none: the report names no organisation).
    pub organisation: Option<String>,
    /// The report's title (none: the edition's `title`).
    pub report_title: Option<String>,
    /// Whom readers of the report may write to.
    pub contact: Option<String>,
    /// Count associate members with the members in every figure of the
    /// report (by default they are shown apart).
    pub count_associates: bool,
    /// What a published edition says of its reuse: licence and citation.
    pub publication: Publication,
    /// The definition file it was loaded from (the report's commentary sits beside it).
    pub file: std::path::PathBuf,
    columns: Vec<Column>,
    /// Look-ups the form and the exports make on every request.
    index: Index,
    /// The edition's languages, the default first (`en` when none is listed).
    pub languages: Vec<String>,
    /// The language this copy's texts are in (see [`Survey::in_language`]).
    pub language: String,
    /// Every text's translations, by its place (`text.rs`).
    translations: std::sync::Arc<Translations>,
}

/// Where each question and column is, built once at load.
#[derive(Debug, Clone, Default)]
struct Index {
    /// (section, position in it) of each question, in questionnaire order.
    questions: Vec<(usize, usize)>,
    columns: std::collections::HashMap<String, usize>,
}

impl Index {
    fn new(sections: &[Section], columns: &[Column]) -> Index {
        Index {
            questions: sections
                .iter()
                .enumerate()
                .flat_map(|(s, sec)| (0..sec.questions.len()).map(move |q| (s, q)))
                .collect(),
            columns: columns
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.clone(), i))
                .collect(),
        }
    }
}

/// What the published files and pages of an edition say of their reuse.
#[derive(Debug, Clone, Default)]
pub struct Publication {
    /// The licence's SPDX identifier (`CC-BY-4.0`); publishing needs one.
    pub licence: Option<String>,
    /// Where the licence's text is (an `https:` address).
    pub licence_url: Option<String>,
    /// How to cite the data, as the publisher wants it.
    pub citation: Option<String>,
}

/// A section of the questionnaire: a heading and its questions.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<Question>,
}

/// One question, with what kind of answer it takes.
#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub help: Option<String>,
    pub required: bool,
    pub shown_if: Option<Condition>,
    /// Personal data (a contact person): kept and exported for the
    /// secretariat, never quoted in the published report.
    pub private: bool,
    /// Its free texts (a text answer, a "please specify" text) may be
    /// published (`texts_public`); by default they never are.
    pub texts_public: bool,
    /// The id this question had in the previous edition (`previous_id`),
    /// when it was renamed: the editions' answers are then set side by side.
    pub previous_id: Option<String>,
    /// This question's own factor for figures that jump (numbers only).
    pub jump_factor: Option<f64>,
    pub kind: Kind,
    /// The range of this question's cells in [`Survey::columns`].
    pub cells: std::ops::Range<usize>,
}

/// An option of a list: a stable code and the label people read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub code: String,
    pub label: String,
    /// "Other – please specify": a free-text box goes with it.
    pub specify: bool,
    /// "None": it cannot be picked together with another option.
    pub exclusive: bool,
}

/// What may be entered as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub min: u64,
    pub max: u64,
    /// "Unknown" may be answered explicitly, distinct from 0 and from no answer.
    pub unknown: bool,
}

/// A special form a text must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    Plain,
    Email,
}

/// One labelled box of a text question that asks several things (a contact).
#[derive(Debug, Clone)]
pub struct TextPart {
    pub code: String,
    pub label: String,
    pub required: bool,
    pub format: TextFormat,
}

/// The kind of answer a question takes, with what the form and the checks need.
#[derive(Debug, Clone)]
pub enum Kind {
    Single {
        options: Vec<Choice>,
        select: bool,
    },
    Multi {
        options: Vec<Choice>,
    },
    /// Yes / No, or Yes / No / Don't know: a single choice over fixed options.
    YesNo {
        options: Vec<Choice>,
    },
    Number {
        bounds: Bounds,
        unit: Option<String>,
    },
    NumberPerYear {
        years: Vec<i32>,
        bounds: Bounds,
    },
    Text {
        long: bool,
        max_length: usize,
        format: TextFormat,
        /// Empty for a one-box text.
        parts: Vec<TextPart>,
    },
    Scale {
        min: u8,
        max: u8,
        min_label: Option<String>,
        max_label: Option<String>,
    },
    MatrixChoice {
        rows: Vec<Choice>,
        rows_picked_in: Option<String>,
        columns: Vec<Choice>,
    },
    MatrixNumber {
        rows: Vec<Choice>,
        rows_picked_in: Option<String>,
        bounds: Bounds,
    },
    Rank {
        of: String,
        top: usize,
    },
    /// A day (ISO 8601, `YYYY-MM-DD`), within `min`..=`max` when given.
    Date {
        min: Option<NaiveDate>,
        max: Option<NaiveDate>,
        /// "Unknown" may be answered explicitly, as for numbers.
        unknown: bool,
    },
    /// An attached document, checked by its content.
    File(FileRules),
}

/// What a `file` question accepts, and who may see what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRules {
    /// The kinds allowed (`pdf`, `docx`...), as [`crate::attachments::KINDS`] names them.
    pub kinds: Vec<String>,
    /// The largest file accepted, in bytes.
    pub max_bytes: u64,
    /// Whether published data may include the file (`public`; false by default).
    pub public: bool,
}

impl Kind {
    /// The name of this kind in definition files.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Single { .. } => "single",
            Kind::Multi { .. } => "multi",
            Kind::YesNo { options } if options.len() == 3 => "yesno_dk",
            Kind::YesNo { .. } => "yesno",
            Kind::Number { .. } => "number",
            Kind::NumberPerYear { .. } => "number_per_year",
            Kind::Text { .. } => "text",
            Kind::Scale { .. } => "scale",
            Kind::MatrixChoice { .. } => "matrix_choice",
            Kind::MatrixNumber { .. } => "matrix_number",
            Kind::Rank { .. } => "rank",
            Kind::Date { .. } => "date",
            Kind::File(_) => "file",
        }
    }

    /// The options of a single, multi or yes/no question.
    pub fn options(&self) -> Option<&[Choice]> {
        match self {
            Kind::Single { options, .. } | Kind::Multi { options } | Kind::YesNo { options } => {
                Some(options)
            }
            _ => None,
        }
    }
}

/// When a question is shown, in terms of an earlier question's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub question: String,
    pub test: Test,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// The answer is one of these codes (for a multi: any of them is picked).
    Is(Vec<String>),
    /// The question is answered, and with none of these codes.
    IsNot(Vec<String>),
    /// The question has any answer.
    Answered,
}

/// One stored cell of a response: which question it belongs to and what it holds.
#[derive(Debug, Clone)]
pub struct Column {
    /// The column header in the CSV files (`A10_2019`).
    pub name: String,
    /// Index of the question in [`Survey::questions`] order.
    pub question: usize,
    pub cell: Cell,
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// The answer of a one-column question (a code, codes, a number, a text).
    Whole,
    /// The free text of a "please specify" option.
    Specify { option: String },
    /// One part of a text that asks several things.
    Part { part: String },
    /// One year of a number per year.
    Year { year: i32 },
    /// One row of a matrix.
    Row { row: String },
    /// One place (1-based) of a ranking.
    Place { place: usize },
}

impl Survey {
    /// Every question, in questionnaire order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// The answer columns of the CSV files, in questionnaire order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The index of the column with this name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.index.columns.get(name).copied()
    }

    /// The question at this index in questionnaire order (as [`Column::question`] counts).
    pub fn question_at(&self, index: usize) -> Option<&Question> {
        let &(s, q) = self.index.questions.get(index)?;
        self.sections.get(s)?.questions.get(q)
    }

    /// Builds an edition from its parts (the loader checks them first).
    pub(crate) fn assemble(mut self) -> Survey {
        self.index = Index::new(&self.sections, &self.columns);
        self
    }

    /// The factor by which a figure of `q` may differ from the member's
    /// figure of the previous edition before it is questioned.
    pub fn jump_factor_of(&self, q: &Question) -> f64 {
        q.jump_factor.or(self.jump_factor).unwrap_or(JUMP_FACTOR)
    }

    /// The member with this code, if it is on this edition's list.
    pub fn member(&self, code: &str) -> Option<&Member> {
        self.members.by_code(code)
    }

    /// When answers start to be accepted.
    pub fn opens_at(&self) -> DateTime<Utc> {
        self.opens
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
    }

    /// The last second at which answers are accepted.
    pub fn closes_at(&self) -> DateTime<Utc> {
        self.closes
            .and_hms_opt(23, 59, 59)
            .unwrap_or_default()
            .and_utc()
    }

    /// The `file` questions of this edition, in questionnaire order.
    pub fn file_questions(&self) -> impl Iterator<Item = (&Question, &FileRules)> {
        self.questions().filter_map(|q| match &q.kind {
            Kind::File(rules) => Some((q, rules)),
            _ => None,
        })
    }

    /// Whether the dates in the definition accept answers at `now`.
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        self.opens_at() <= now && now <= self.closes_at()
    }
}
