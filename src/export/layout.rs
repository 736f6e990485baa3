//! The answer columns of the wide files (responses and revisions), made from
//! the questionnaire's stored columns: the one place that decides what each
//! export column is called and what it holds, so the codebook cannot drift
//! from the files it describes.

use super::sheet::Sheet;
use crate::definition::{Cell, Choice, Column, Kind, MULTI_SEPARATOR, Question, Section, Survey};

/// What an answer column shows of its stored cell.
#[derive(Debug, Clone, Copy)]
pub enum Shows<'a> {
    /// The cell as stored: a number or `unknown`, a text, a scale point.
    Verbatim,
    /// One code of these options: the code, or its label in labels mode.
    Code(&'a [Choice]),
    /// The codes of a multi joined by `;`, or their labels joined by `; `.
    Codes(&'a [Choice]),
    /// `1` when this option of the multi is picked, `0` when it is not,
    /// empty when the multi has no answer (not answered or not shown).
    Flag(&'a Choice),
}

/// One answer column of the wide files.
#[derive(Debug, Clone)]
pub struct AnswerColumn<'a> {
    pub header: String,
    pub section: &'a Section,
    pub question: &'a Question,
    /// The stored column it is read from.
    pub source: &'a Column,
    /// Its index in [`Survey::columns`] (and in a revision's cells).
    pub index: usize,
    pub shows: Shows<'a>,
}

/// Which answer columns a file has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Selection {
    /// Every column: the secretariat's files.
    #[default]
    All,
    /// Only what may be published: no column of a `private` question, and
    /// free text only where the question says `texts_public`.
    Public,
}

/// Whether a stored column may be in a published file: never a private
/// question's; a free text (a text answer, a "please specify" text) only
/// when the question's texts are public; an attached document's cell (its
/// name, size and hash) only when the question says `public = true` (the
/// documents themselves are never in a published file). The one place
/// that decides it.
pub fn published(q: &Question, cell: &Cell) -> bool {
    let free_text = matches!(q.kind, Kind::Text { .. }) || matches!(cell, Cell::Specify { .. });
    let withheld_file = matches!(&q.kind, Kind::File(rules) if !rules.public);
    !q.private && !withheld_file && (!free_text || q.texts_public)
}

impl Selection {
    /// Whether this selection keeps the stored column `cell` of `q`.
    pub fn keeps(self, q: &Question, cell: &Cell) -> bool {
        match self {
            Selection::All => true,
            Selection::Public => published(q, cell),
        }
    }
}

/// The answer columns of a survey, in questionnaire order.
pub struct Layout<'a> {
    pub columns: Vec<AnswerColumn<'a>>,
}

/// Every question with its section, indexed as [`Column::question`] counts.
pub fn questions(survey: &Survey) -> Vec<(&Section, &Question)> {
    survey
        .sections
        .iter()
        .flat_map(|s| s.questions.iter().map(move |q| (s, q)))
        .collect()
}

/// The options a stored cell holds a code of, if it holds one: the options
/// of a single, yes/no or multi, the columns of a matrix of choices, the
/// options ranked by a rank.
pub fn coded_options<'a>(survey: &'a Survey, q: &'a Question, cell: &Cell) -> Option<&'a [Choice]> {
    match (&q.kind, cell) {
        (
            Kind::Single { options, .. } | Kind::Multi { options } | Kind::YesNo { options },
            Cell::Whole,
        ) => Some(options),
        (Kind::MatrixChoice { columns, .. }, Cell::Row { .. }) => Some(columns),
        (Kind::Rank { of, .. }, Cell::Place { .. }) => {
            survey.question(of).and_then(|r| r.kind.options())
        }
        _ => None,
    }
}

/// The label of a code among options; a code the definition no longer has
/// is shown as it is rather than lost.
pub fn label_of<'a>(options: &'a [Choice], code: &'a str) -> &'a str {
    options
        .iter()
        .find(|o| o.code == code)
        .map_or(code, |o| o.label.as_str())
}

impl<'a> Layout<'a> {
    pub fn new(survey: &'a Survey) -> Layout<'a> {
        Layout::select(survey, Selection::All)
    }

    /// The columns `selection` keeps, in questionnaire order.
    pub fn select(survey: &'a Survey, selection: Selection) -> Layout<'a> {
        let questions = questions(survey);
        let mut columns = Vec::new();
        for (index, source) in survey.columns().iter().enumerate() {
            let (section, question) = questions[source.question];
            if !selection.keeps(question, &source.cell) {
                continue;
            }
            let column = |header: String, shows| AnswerColumn {
                header,
                section,
                question,
                source,
                index,
                shows,
            };
            let options = coded_options(survey, question, &source.cell);
            match (&question.kind, options) {
                (Kind::Multi { .. }, Some(options)) => {
                    columns.push(column(source.name.clone(), Shows::Codes(options)));
                    // The 0/1 columns follow the joined one, before any
                    // "please specify" text, in the options' order.
                    for o in options {
                        columns.push(column(
                            format!("{}_{}", source.name, o.code),
                            Shows::Flag(o),
                        ));
                    }
                }
                (_, Some(options)) => {
                    columns.push(column(source.name.clone(), Shows::Code(options)))
                }
                (_, None) => columns.push(column(source.name.clone(), Shows::Verbatim)),
            }
        }
        Layout { columns }
    }

    pub fn headers(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.header.as_str())
    }

    /// Adds the answer cells of one response to the row being written.
    pub fn write(&self, cells: &[String], labels: bool, sheet: &mut Sheet) {
        // A multi's joined column comes just before its 0/1 columns: its
        // codes are split once there, not once per option.
        let mut picked: Vec<&str> = Vec::new();
        for c in &self.columns {
            let value = cells.get(c.index).map_or("", String::as_str);
            match c.shows {
                Shows::Verbatim => sheet.field(value),
                Shows::Code(options) if labels && !value.is_empty() => {
                    sheet.field(label_of(options, value))
                }
                Shows::Code(_) => sheet.field(value),
                Shows::Codes(options) => {
                    picked.clear();
                    picked.extend(codes(value));
                    if labels && !value.is_empty() {
                        let labels: Vec<&str> =
                            picked.iter().map(|code| label_of(options, code)).collect();
                        sheet.field(&labels.join("; "));
                    } else {
                        sheet.field(value);
                    }
                }
                Shows::Flag(_) if value.is_empty() => sheet.field(""),
                Shows::Flag(option) if picked.contains(&option.code.as_str()) => sheet.field("1"),
                Shows::Flag(_) => sheet.field("0"),
            }
        }
    }
}

/// The codes in the one cell of a multi, without allocating.
pub fn codes(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(MULTI_SEPARATOR).filter(|c| !c.is_empty())
}
