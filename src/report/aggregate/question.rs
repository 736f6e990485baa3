//! One question's running counts: fed one response at a time, merged
//! across parts of an edition, finished into the question's figures.

use super::figures::Figures;
use super::kept::Kept;
use super::tally::SAMPLE;
use super::*;
use crate::definition::MULTI_SEPARATOR;

/// The separator of a multi's codes, as the byte it is.
const SEPARATOR: u8 = MULTI_SEPARATOR as u8;
const _: () = assert!(MULTI_SEPARATOR.is_ascii(), "codes are split as bytes");

/// Option codes to look a stored code up in, many times a row: each code's
/// length and first 16 bytes, packed, are compared before its text, so an
/// option costs two integer comparisons (a string compare costs a `memcmp`
/// call, even for codes such as "1" to "5"); only longer codes are then
/// compared as text.
#[derive(Debug, Clone)]
struct Codes<'a> {
    keys: Vec<(usize, u128)>,
    codes: Vec<&'a [u8]>,
}

/// How many leading bytes a key holds.
const KEY_BYTES: usize = 16;

fn key(code: &[u8]) -> (usize, u128) {
    let mut prefix = [0u8; KEY_BYTES];
    let n = code.len().min(KEY_BYTES);
    prefix[..n].copy_from_slice(&code[..n]);
    (code.len(), u128::from_le_bytes(prefix))
}

impl<'a> Codes<'a> {
    fn of(options: &'a [Choice]) -> Self {
        Codes {
            keys: options.iter().map(|o| key(o.code.as_bytes())).collect(),
            codes: options.iter().map(|o| o.code.as_bytes()).collect(),
        }
    }

    /// The position of `code` among the codes.
    fn find(&self, code: &[u8]) -> Option<usize> {
        let k = key(code);
        self.keys
            .iter()
            .zip(&self.codes)
            .position(|(key, c)| *key == k && (k.0 <= KEY_BYTES || *c == code))
    }
}

/// What is counted of one question, by the kind of answer it takes.
#[derive(Debug, Clone)]
enum Counts<'a> {
    /// Single, yes/no and multiple choice: members per option.
    Choice {
        options: &'a [Choice],
        codes: Codes<'a>,
        counts: Vec<usize>,
    },
    /// Members per value, lowest first; `codes` are the values as stored.
    Scale {
        min: u8,
        labels: [&'a Option<String>; 2],
        codes: Vec<String>,
        counts: Vec<usize>,
    },
    /// Members per row and column, row by row.
    Matrix {
        rows: &'a [Choice],
        columns: &'a [Choice],
        codes: Codes<'a>,
        counts: Vec<usize>,
        /// The cell of the multi whose picks are the rows asked, if any.
        picked_in: Option<usize>,
        /// Members shown each row.
        shown: Vec<usize>,
    },
    /// Number, number per year, matrix of numbers: the figures of each
    /// column, and each member's row while the report lists members.
    Numbers {
        /// (key, header) of each column: a year, a row, or the question.
        columns: Vec<(String, String)>,
        unit: &'a Option<String>,
        figures: Vec<Figures>,
        rows: Kept<Vec<NumberValue>>,
    },
    /// Members per option and place, option by option.
    Rank {
        options: &'a [Choice],
        codes: Codes<'a>,
        top: usize,
        places: Vec<usize>,
    },
    /// Each member's day, the earliest and latest, and the unknowns.
    Dates {
        kept: Kept<Vec<String>>,
        range: Option<(String, String)>,
        unknown: usize,
    },
    /// Who attached a document.
    Attached { kept: Kept<()> },
    /// The texts of those who answered (none kept for a private question).
    Text {
        parts: &'a [TextPart],
        kept: Kept<Vec<String>>,
    },
}

/// A question's counts so far.
#[derive(Debug, Clone)]
pub(super) struct QuestionTally<'a> {
    pub(super) question: &'a Question,
    shown: usize,
    answered: usize,
    counts: Counts<'a>,
    /// For a choice or a scale: per sub-region, who answered and the
    /// count of each option (or value), options in the counts' order.
    by_region: Vec<(usize, Vec<usize>)>,
    /// Each "please specify" column and its non-empty texts.
    specified: Vec<(usize, Kept<String>)>,
    /// The cells that make an answer: all but the "please specify" texts
    /// (a text alone goes with an option, it does not answer).
    answer_cells: Vec<usize>,
}

mod finish;

/// A question's figures, finished.
pub(super) struct Figured {
    pub(super) base: Base,
    pub(super) body: Body,
    pub(super) specified: Vec<Quote>,
    pub(super) specified_counts: Vec<(String, usize)>,
    pub(super) by_region: Vec<RegionShares>,
}

/// A scale's value as stored ("4"; not "04" or "+4", which the form never stores).
fn scale_value(cell: &str) -> Option<u8> {
    let v: u8 = cell.parse().ok()?;
    let digits = 1 + usize::from(v >= 10) + usize::from(v >= 100);
    (cell.len() == digits).then_some(v)
}

/// A number cell as the report reads it; anything else stored there is blank.
fn number_value(v: &str) -> NumberValue {
    match v {
        "" => NumberValue::Blank,
        UNKNOWN => NumberValue::Unknown,
        n => n.parse().map_or(NumberValue::Blank, NumberValue::Value),
    }
}

fn numbers<'a>(columns: Vec<(String, String)>, unit: &'a Option<String>) -> Counts<'a> {
    Counts::Numbers {
        figures: vec![Figures::default(); columns.len()],
        columns,
        unit,
        // Rows are kept only while the report lists members: never sampled.
        rows: Kept::new(0),
    }
}

impl<'a> QuestionTally<'a> {
    pub(super) fn new(survey: &'a Survey, q: &'a Question, regions: usize) -> Self {
        let counts = match &q.kind {
            Kind::Single { options, .. } | Kind::YesNo { options } | Kind::Multi { options } => {
                Counts::Choice {
                    options,
                    codes: Codes::of(options),
                    counts: vec![0; options.len()],
                }
            }
            Kind::Scale {
                min,
                max,
                min_label,
                max_label,
            } => Counts::Scale {
                min: *min,
                labels: [min_label, max_label],
                codes: (*min..=*max).map(|v| v.to_string()).collect(),
                counts: vec![0; (*min..=*max).count()],
            },
            Kind::MatrixChoice {
                rows,
                columns,
                rows_picked_in,
            } => Counts::Matrix {
                rows,
                columns,
                codes: Codes::of(columns),
                counts: vec![0; rows.len() * columns.len()],
                picked_in: rows_picked_in
                    .as_ref()
                    .and_then(|src| survey.question(src))
                    .map(|src| src.cells.start),
                shown: vec![0; rows.len()],
            },
            Kind::Number { unit, .. } => numbers(
                vec![(
                    q.id.clone(),
                    unit.clone().unwrap_or_else(|| "Number".into()),
                )],
                unit,
            ),
            Kind::NumberPerYear { years, .. } => numbers(
                years
                    .iter()
                    .map(|y| (y.to_string(), y.to_string()))
                    .collect(),
                &None,
            ),
            Kind::MatrixNumber { rows, .. } => numbers(
                rows.iter()
                    .map(|r| (r.code.clone(), r.label.clone()))
                    .collect(),
                &None,
            ),
            Kind::Rank { of, top } => {
                let options = rank_options(survey, of);
                Counts::Rank {
                    options,
                    codes: Codes::of(options),
                    top: *top,
                    places: vec![0; options.len() * top],
                }
            }
            Kind::Text { parts, .. } => Counts::Text {
                parts,
                kept: Kept::new(SAMPLE),
            },
            Kind::Date { .. } => Counts::Dates {
                kept: Kept::new(SAMPLE),
                range: None,
                unknown: 0,
            },
            Kind::File(_) => Counts::Attached {
                kept: Kept::new(SAMPLE),
            },
        };
        let specified = if q.kind.options().is_some() && !q.private {
            q.cells
                .clone()
                .filter(|&i| matches!(survey.columns()[i].cell, Cell::Specify { .. }))
                .map(|i| (i, Kept::new(SAMPLE)))
                .collect()
        } else {
            Vec::new()
        };
        let width = match &counts {
            Counts::Choice { counts, .. } | Counts::Scale { counts, .. } => Some(counts.len()),
            _ => None,
        };
        QuestionTally {
            question: q,
            shown: 0,
            answered: 0,
            by_region: width.map_or(Vec::new(), |w| vec![(0, vec![0; w]); regions]),
            counts,
            specified,
            answer_cells: q
                .cells
                .clone()
                .filter(|&i| !matches!(survey.columns()[i].cell, Cell::Specify { .. }))
                .collect(),
        }
    }

    /// Counts the response of the member at `position`, who was shown the
    /// question; `all` keeps every text and row, else only a sample.
    pub(super) fn add(&mut self, position: usize, region: usize, cells: &Cells, all: bool) {
        let q = self.question;
        self.shown += 1;
        if let Counts::Matrix {
            rows,
            picked_in,
            shown,
            ..
        } = &mut self.counts
        {
            // A row picked earlier is shown whether or not it is then rated.
            match picked_in.and_then(|i| cells.get(i)) {
                Some(picked) => {
                    for (row, n) in rows.iter().zip(shown.iter_mut()) {
                        if picked
                            .split(MULTI_SEPARATOR)
                            .any(|c| c == row.code.as_str())
                        {
                            *n += 1;
                        }
                    }
                }
                None => shown.iter_mut().for_each(|n| *n += 1),
            }
        }
        for (i, kept) in &mut self.specified {
            let text = &cells[*i];
            if !text.trim().is_empty() {
                kept.push(position, all, || text.clone());
            }
        }
        if !self
            .answer_cells
            .iter()
            .any(|&i| !cells[i].trim().is_empty())
        {
            return;
        }
        self.answered += 1;
        let own = &cells[q.cells.clone()];
        match &mut self.counts {
            Counts::Choice { codes, counts, .. } => {
                let whole = own.first().map_or(&[][..], |c| c.as_bytes());
                let mut in_region = self.by_region.get_mut(region);
                if let Some((answered, _)) = in_region.as_mut() {
                    *answered += 1;
                }
                // Bytes, not chars: the separator is ASCII, and a code is short.
                for code in whole.split(|b| *b == SEPARATOR).filter(|c| !c.is_empty()) {
                    if let Some(i) = codes.find(code) {
                        counts[i] += 1;
                        if let Some((_, r)) = in_region.as_mut() {
                            r[i] += 1;
                        }
                    }
                }
            }
            Counts::Scale { min, counts, .. } => {
                let at = own
                    .first()
                    .and_then(|v| scale_value(v)?.checked_sub(*min))
                    .map(usize::from);
                if let Some((answered, r)) = self.by_region.get_mut(region) {
                    *answered += 1;
                    if let Some(n) = at.and_then(|k| r.get_mut(k)) {
                        *n += 1;
                    }
                }
                if let Some(n) = at.and_then(|k| counts.get_mut(k)) {
                    *n += 1;
                }
            }
            Counts::Matrix {
                columns,
                codes,
                counts,
                ..
            } => {
                for (r, v) in own.iter().enumerate() {
                    if let Some(c) = codes.find(v.as_bytes()) {
                        counts[r * columns.len() + c] += 1;
                    }
                }
            }
            Counts::Numbers { figures, rows, .. } => {
                for (f, v) in figures.iter_mut().zip(own) {
                    f.add(number_value(v));
                }
                rows.push(position, all, || {
                    own.iter().map(|v| number_value(v)).collect()
                });
            }
            Counts::Rank {
                codes, top, places, ..
            } => {
                for (p, v) in own.iter().enumerate() {
                    if let Some(o) = codes.find(v.as_bytes()) {
                        places[o * *top + p] += 1;
                    }
                }
            }
            Counts::Text { kept, .. } => {
                if !q.private {
                    kept.push(position, all, || own.to_vec());
                }
            }
            Counts::Dates {
                kept,
                range,
                unknown,
            } => {
                let day = own.first().map(String::as_str).unwrap_or_default();
                if day == UNKNOWN {
                    *unknown += 1;
                } else {
                    widen(range, day, day);
                }
                if !q.private {
                    kept.push(position, all, || own.to_vec());
                }
            }
            Counts::Attached { kept } => kept.push(position, all, || ()),
        }
    }

    /// Keeps only the samples: the report will summarise.
    pub(super) fn keep_sample(&mut self) {
        for (_, kept) in &mut self.specified {
            kept.keep_sample();
        }
        match &mut self.counts {
            Counts::Numbers { rows, .. } => rows.keep_sample(),
            Counts::Text { kept, .. } | Counts::Dates { kept, .. } => kept.keep_sample(),
            Counts::Attached { kept } => kept.keep_sample(),
            _ => {}
        }
    }

    /// Adds the counts of the same question in another part of the edition.
    pub(super) fn merge(&mut self, other: QuestionTally<'a>, all: bool) {
        let add = |a: &mut Vec<usize>, b: Vec<usize>| {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        };
        self.shown += other.shown;
        self.answered += other.answered;
        for ((a, ca), (b, cb)) in self.by_region.iter_mut().zip(other.by_region) {
            *a += b;
            add(ca, cb);
        }
        for ((_, a), (_, b)) in self.specified.iter_mut().zip(other.specified) {
            a.merge(b, all);
        }
        match (&mut self.counts, other.counts) {
            (Counts::Choice { counts: a, .. }, Counts::Choice { counts: b, .. })
            | (Counts::Scale { counts: a, .. }, Counts::Scale { counts: b, .. })
            | (Counts::Rank { places: a, .. }, Counts::Rank { places: b, .. }) => add(a, b),
            (
                Counts::Matrix {
                    counts: a,
                    shown: sa,
                    ..
                },
                Counts::Matrix {
                    counts: b,
                    shown: sb,
                    ..
                },
            ) => {
                add(a, b);
                add(sa, sb);
            }
            (
                Counts::Numbers { figures, rows, .. },
                Counts::Numbers {
                    figures: other_figures,
                    rows: other_rows,
                    ..
                },
            ) => {
                for (a, b) in figures.iter_mut().zip(other_figures) {
                    a.merge(b);
                }
                rows.merge(other_rows, all);
            }
            (Counts::Text { kept: a, .. }, Counts::Text { kept: b, .. }) => a.merge(b, all),
            (
                Counts::Dates {
                    kept: a,
                    range,
                    unknown,
                },
                Counts::Dates {
                    kept: b,
                    range: other_range,
                    unknown: other_unknown,
                },
            ) => {
                a.merge(b, all);
                *unknown += other_unknown;
                if let Some((lo, hi)) = other_range {
                    widen(range, &lo, &hi);
                }
            }
            (Counts::Attached { kept: a }, Counts::Attached { kept: b }) => a.merge(b, all),
            // Tallies of one edition have the same question here.
            _ => debug_assert!(false, "merged tallies of different questions"),
        }
    }
}

/// Widens the range of days to take `lo`..=`hi` in (days as stored,
/// `YYYY-MM-DD`, sort as they read).
fn widen(range: &mut Option<(String, String)>, lo: &str, hi: &str) {
    if lo.is_empty() {
        return;
    }
    match range {
        None => *range = Some((lo.to_string(), hi.to_string())),
        Some((a, b)) => {
            if lo < a.as_str() {
                *a = lo.to_string();
            }
            if hi > b.as_str() {
                *b = hi.to_string();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(code: &str) -> Choice {
        Choice {
            code: code.into(),
            label: code.into(),
            specify: false,
            exclusive: false,
        }
    }

    #[test]
    fn a_code_is_found_by_its_whole_text_even_past_eight_bytes() {
        let options: Vec<Choice> = ["1", "2", "investment_scam", "investment_other", "sms"]
            .into_iter()
            .map(choice)
            .collect();
        let codes = Codes::of(&options);
        let find = |code: &str| codes.find(code.as_bytes());
        assert_eq!(find("2"), Some(1));
        assert_eq!(find("investment_other"), Some(3));
        assert_eq!(find("investment_scam"), Some(2));
        assert_eq!(find("investment_scan"), None);
        assert_eq!(find("sm"), None);
        assert_eq!(find(""), None);
        let long: Vec<Choice> = ["a_very_long_code_one", "a_very_long_code_two"]
            .into_iter()
            .map(choice)
            .collect();
        let long = Codes::of(&long);
        assert_eq!(long.find(b"a_very_long_code_two"), Some(1));
        assert_eq!(long.find(b"a_very_long_code_six"), None);
    }

    #[test]
    fn a_scale_value_counts_only_as_the_form_stores_it() {
        assert_eq!(scale_value("4"), Some(4));
        assert_eq!(scale_value("10"), Some(10));
        assert_eq!(scale_value("04"), None);
        assert_eq!(scale_value("+4"), None);
        assert_eq!(scale_value("4 "), None);
        assert_eq!(scale_value(""), None);
    }
}
