//! The typed model of the report: what was counted, with no HTML.

use crate::definition::Choice;

/// The report's whole content.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub edition: EditionInfo,
    pub previous: Option<EditionInfo>,
    pub response: ResponseRate,
    pub previous_response: Option<ResponseRate>,
    /// Who every figure counts.
    pub population: Population,
    /// How many of this edition's counted respondents also responded to
    /// the previous edition.
    pub shared: Option<usize>,
    /// Some when the report summarises instead of listing members (a big
    /// round): no respondents, profiles or rows of numbers per member, and
    /// a sample of the texts.
    pub summary: Option<Summary>,
    pub findings: Vec<Finding>,
    pub sections: Vec<SectionResult>,
    pub profiles: Profiles,
    pub annex: Vec<AnnexSection>,
}

impl Report {
    /// Every question's result, in questionnaire order.
    pub fn questions(&self) -> impl Iterator<Item = &QuestionResult> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    /// The result of the question with this id.
    pub fn question(&self, id: &str) -> Option<&QuestionResult> {
        self.questions().find(|q| q.id == id)
    }
}

/// How a summary cuts the report short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// The most texts quoted from each list, the first in the member list's order.
    pub sample: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionInfo {
    pub id: String,
    pub title: String,
    pub year: i32,
    pub reference_period: String,
    pub organisation: Option<String>,
    /// The report's title: the definition's `report_title`, else its `title`.
    pub report_title: String,
    pub contact: Option<String>,
    pub opens: chrono::NaiveDate,
    pub closes: chrono::NaiveDate,
}

/// Who the figures of a report count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Population {
    /// The definition counts associate members in with the members.
    pub associates_in: bool,
    /// The member list has associate members whose answers are shown apart.
    pub associates_apart: bool,
}

impl Population {
    /// Those counted, in the plural: "members", or "respondents (members
    /// and associates)" when associates are counted in.
    pub fn plural(&self) -> &'static str {
        if self.associates_in {
            "respondents (members and associates)"
        } else {
            "members"
        }
    }

    /// A short form, where the longer one has been said: "members" or "respondents".
    pub fn short(&self) -> &'static str {
        if self.associates_in {
            "respondents"
        } else {
            "members"
        }
    }
}

/// Who responded: members and associate members counted apart.
/// `respondents` is empty in a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRate {
    pub members: usize,
    pub responded: usize,
    pub associates: usize,
    pub associates_responded: usize,
    pub regions: Vec<RegionRate>,
    pub respondents: Vec<Respondent>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRate {
    pub name: String,
    pub members: usize,
    pub responded: usize,
    pub associates: usize,
    pub associates_responded: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Respondent {
    pub code: String,
    pub name: String,
    pub subregion: String,
    pub associate: bool,
}

/// A headline figure, in one sentence, and the question it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub question: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionResult {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<QuestionResult>,
}

/// Who a question's figures are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Base {
    /// Every respondent of the edition.
    pub respondents: usize,
    /// Respondents whose answers showed them the question.
    pub shown: usize,
    /// Of those, the ones who answered it: the base of every percentage.
    pub answered: usize,
}

/// One option's count, and its share of those who answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub code: String,
    pub label: String,
    pub count: usize,
    pub pct: Option<f64>,
}

/// A quoted answer: the member and the text exactly as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub country: String,
    /// The part of the answer (a text part, or the option it specifies).
    pub label: Option<String>,
    pub text: String,
}

/// A number answer of one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberValue {
    Value(u64),
    Unknown,
    Blank,
}

/// One member's row of a number table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryNumbers {
    pub country: String,
    pub values: Vec<NumberValue>,
}

/// What may be said of a column of numbers without adding up figures that
/// countries define differently.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberStats {
    pub reported: usize,
    pub unknown: usize,
    pub median: Option<f64>,
    pub min: Option<u64>,
    pub max: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRow {
    pub code: String,
    pub label: String,
    /// Members per column, in the columns' order.
    pub counts: Vec<usize>,
    pub answered: usize,
    /// Members shown this row (those who picked it, for rows picked in an
    /// earlier question): the base of the row's percentages.
    pub shown: usize,
    /// The mean of the row, when the columns are a scale of numbers.
    pub mean: Option<f64>,
}

impl MatrixRow {
    /// Shown the row and not answering it.
    pub fn no_answer(&self) -> usize {
        self.shown.saturating_sub(self.answered)
    }
}

/// A choice question's counts within one sub-region.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionShares {
    pub name: String,
    /// Respondents of the sub-region who answered: the base of its shares.
    pub answered: usize,
    /// Per option (or scale value), in the questionnaire's order.
    pub shares: Vec<Share>,
}

/// The associate members' answers to a question, counted apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Apart {
    pub base: Base,
    pub body: Body,
    pub specified: Vec<Quote>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RankRow {
    pub code: String,
    pub label: String,
    pub points: usize,
    /// How many put it in each place, first place first.
    pub places: Vec<usize>,
}

/// The figures of one question, by the kind of answer it takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Single, yes/no and multiple choice; a multi's options are sorted by count.
    Choice {
        multi: bool,
        options: Vec<Share>,
        no_answer: usize,
    },
    Scale {
        values: Vec<Share>,
        no_answer: usize,
        mean: Option<f64>,
        min_label: Option<String>,
        max_label: Option<String>,
    },
    MatrixChoice {
        columns: Vec<Choice>,
        rows: Vec<MatrixRow>,
    },
    /// Number, number per year and matrix of numbers: one row per member
    /// (none in a summary).
    Numbers {
        /// Column keys (a year, a row code, or the question's id) and headers.
        columns: Vec<(String, String)>,
        unit: Option<String>,
        rows: Vec<CountryNumbers>,
        stats: Vec<NumberStats>,
        /// Lower and upper quartile of each column's figures.
        quartiles: Vec<Option<(f64, f64)>>,
    },
    Rank {
        top: usize,
        rows: Vec<RankRow>,
    },
    /// Free text: every answer as typed, one row per member (one text per
    /// part, for a text in parts); in a summary, the first answers only.
    Text {
        parts: Vec<String>,
        rows: Vec<TextRow>,
        /// Answers of a private question: counted, never quoted.
        withheld: usize,
    },
    /// A date: each member's day (or "unknown"), and the range of the days.
    Dates {
        rows: Vec<TextRow>,
        /// The earliest and the latest day given (`YYYY-MM-DD`).
        range: Option<(String, String)>,
        unknown: usize,
    },
    /// An attached document: the members who attached one (never the file).
    Attached {
        members: Vec<String>,
    },
}

/// One member's free-text answer, exactly as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRow {
    pub country: String,
    pub texts: Vec<String>,
}

/// One row of a comparison of shares: this edition beside the previous.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub label: String,
    pub now: Option<Share>,
    pub prev: Option<Share>,
    /// Difference of the rounded percentages, in percentage points.
    pub change: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NumberCompare {
    pub column: String,
    pub now: NumberStats,
    pub prev: NumberStats,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RankCompare {
    pub label: String,
    pub now: Option<usize>,
    pub prev: Option<usize>,
}

/// How a question stands beside the previous edition.
#[derive(Debug, Clone, PartialEq)]
pub enum Compare {
    /// The report compares with no edition.
    Off,
    /// The previous edition did not ask it.
    New,
    /// Asked before in a form that cannot be set beside this one.
    NotComparable(String),
    /// Asked before as free text: answers are not compared.
    Text,
    Shares {
        prev_base: Base,
        rows: Vec<CompareRow>,
        /// Means of a scale (this edition, previous).
        means: Option<(Option<f64>, Option<f64>)>,
    },
    Numbers {
        prev_base: Base,
        rows: Vec<NumberCompare>,
    },
    Rank {
        prev_base: Base,
        rows: Vec<RankCompare>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionResult {
    pub id: String,
    pub text: String,
    pub kind: &'static str,
    pub base: Base,
    pub body: Body,
    /// The "other – please specify" texts (in a summary, the first of each option).
    pub specified: Vec<Quote>,
    /// How many texts specify each option, by its label.
    pub specified_counts: Vec<(String, usize)>,
    pub compare: Compare,
    /// For a single, multi, yes/no or scale question: the shares by sub-region.
    pub by_region: Vec<RegionShares>,
    /// The associate members' answers, when kept apart.
    pub apart: Option<Apart>,
}

impl QuestionResult {
    /// The share of those who answered that picked this option.
    pub fn share(&self, code: &str) -> Option<&Share> {
        match &self.body {
            Body::Choice { options, .. } => options.iter().find(|s| s.code == code),
            _ => None,
        }
    }
}

/// The table readers look up first: one row per respondent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profiles {
    /// (question id, header) of each column the edition has.
    pub columns: Vec<(String, String)>,
    pub rows: Vec<ProfileRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRow {
    pub country: String,
    pub associate: bool,
    /// The answer in words, "" when not answered or not shown.
    pub cells: Vec<String>,
}

/// The questionnaire as asked, for the annex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexSection {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<AnnexQuestion>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexQuestion {
    pub id: String,
    pub text: String,
    pub help: Option<String>,
    pub kind: String,
    pub required: bool,
    pub condition: Option<String>,
    /// Options, rows, columns, years, parts: what the form offered.
    pub details: Vec<(String, Vec<String>)>,
}
