//! The report's figures: an edition's latest submitted responses counted
//! question by question into a typed model, set beside the previous
//! edition's. No HTML here; `render` decides how the figures look.

use crate::answers::{Cells, apply_conditions, split_codes};
use crate::definition::{Cell, Choice, Kind, Member, MemberStatus, Question, Survey, UNKNOWN};

mod annex;
mod compare;
mod findings;
mod model;

pub use annex::{annex, condition_text, group_digits, kind_label};
pub use findings::findings;
pub use model::*;

/// The sub-regions in the order the report lists them; any other sub-region
/// found in the member list follows them, alphabetically.
pub const SUBREGIONS: [&str; 4] = ["South Asia", "South-East Asia", "East Asia", "Pacific"];

/// Points a rank gives: the first of `top` places gets `top` points, the last 1.
pub fn rank_points(place: usize, top: usize) -> usize {
    (top + 1).saturating_sub(place)
}

/// One respondent's latest submitted answers, with the questions that those
/// answers showed them (hidden questions' cells cleared).
#[derive(Debug, Clone)]
pub struct Response {
    pub member: Member,
    cells: Cells,
    shown: Vec<bool>,
}

/// An edition and the responses that count in it.
#[derive(Debug, Clone)]
pub struct Edition<'a> {
    pub survey: &'a Survey,
    pub responses: Vec<Response>,
}

impl<'a> Edition<'a> {
    /// Reads each response through the questionnaire's conditions, so that a
    /// stale answer to a hidden question can never be counted.
    pub fn new(survey: &'a Survey, responses: impl IntoIterator<Item = (Member, Cells)>) -> Self {
        let width = survey.columns().len();
        let responses = responses
            .into_iter()
            .map(|(member, mut cells)| {
                cells.resize(width, String::new());
                let shown = apply_conditions(survey, &mut cells);
                Response {
                    member,
                    cells,
                    shown,
                }
            })
            .collect();
        Edition { survey, responses }
    }

    fn position(&self, id: &str) -> Option<(usize, &'a Question)> {
        self.survey
            .questions()
            .enumerate()
            .find(|(_, q)| q.id == id)
    }

    /// The responses that were shown question number `index`.
    fn shown(&self, index: usize) -> impl Iterator<Item = &Response> {
        self.responses
            .iter()
            .filter(move |r| r.shown.get(index).copied().unwrap_or(false))
    }
}

fn pct(count: usize, base: usize) -> Option<f64> {
    (base > 0).then(|| 100.0 * count as f64 / base as f64)
}

/// A percentage as the report prints it: whole numbers.
pub fn rounded(p: f64) -> i64 {
    p.round() as i64
}

fn label_of<'a>(options: &'a [Choice], code: &'a str) -> &'a str {
    options
        .iter()
        .find(|o| o.code == code)
        .map(|o| o.label.as_str())
        .unwrap_or(code)
}

/// The options a rank orders: those of the multi it names.
fn rank_options<'a>(survey: &'a Survey, of: &str) -> &'a [Choice] {
    survey
        .question(of)
        .and_then(|q| q.kind.options())
        .unwrap_or_default()
}

/// Whether a response answered a question (a "please specify" text alone
/// does not count: it goes with an option).
fn answered(survey: &Survey, q: &Question, cells: &Cells) -> bool {
    q.cells.clone().any(|i| {
        !matches!(survey.columns()[i].cell, Cell::Specify { .. }) && !cells[i].trim().is_empty()
    })
}

/// Builds the whole report of `current`, beside `previous` if given.
pub fn report(current: &Edition, previous: Option<&Edition>) -> Report {
    let sections: Vec<SectionResult> = {
        let mut index = 0;
        current
            .survey
            .sections
            .iter()
            .map(|s| SectionResult {
                id: s.id.clone(),
                title: s.title.clone(),
                intro: s.intro.clone(),
                questions: s
                    .questions
                    .iter()
                    .map(|q| {
                        let r = question(current, index, q, previous);
                        index += 1;
                        r
                    })
                    .collect(),
            })
            .collect()
    };
    let mut report = Report {
        edition: info(current.survey),
        previous: previous.map(|p| info(p.survey)),
        response: response_rate(current),
        previous_response: previous.map(response_rate),
        findings: Vec::new(),
        sections,
        profiles: annex::profiles(current),
        annex: annex(current.survey),
    };
    report.findings = findings(&report);
    report
}

fn info(s: &Survey) -> EditionInfo {
    EditionInfo {
        id: s.id.clone(),
        title: s.title.clone(),
        year: s.year,
        reference_period: s.reference_period.clone(),
    }
}

/// The response rate, by sub-region, members and associates apart.
pub fn response_rate(ed: &Edition) -> ResponseRate {
    // A set, not a search per member: a round may have a million respondents.
    let codes: std::collections::HashSet<&str> = ed
        .responses
        .iter()
        .map(|r| r.member.code.as_str())
        .collect();
    let responded = |code: &str| codes.contains(code);
    let mut names: Vec<String> = SUBREGIONS.iter().map(|s| s.to_string()).collect();
    let mut others: Vec<String> = ed
        .survey
        .members
        .iter()
        .map(|m| m.subregion.clone())
        .filter(|s| !SUBREGIONS.contains(&s.as_str()))
        .collect();
    others.sort();
    others.dedup();
    names.extend(others);
    let regions = names
        .into_iter()
        .map(|name| {
            let region = name.as_str();
            let of = |status: MemberStatus| {
                ed.survey
                    .members
                    .iter()
                    .filter(move |m| m.subregion == region && m.status == status)
            };
            RegionRate {
                members: of(MemberStatus::Member).count(),
                responded: of(MemberStatus::Member)
                    .filter(|m| responded(&m.code))
                    .count(),
                associates: of(MemberStatus::Associate).count(),
                associates_responded: of(MemberStatus::Associate)
                    .filter(|m| responded(&m.code))
                    .count(),
                name,
            }
        })
        .filter(|r| r.members + r.associates > 0)
        .collect::<Vec<_>>();
    let respondents = ed
        .survey
        .members
        .iter()
        .filter(|m| responded(&m.code))
        .map(|m| Respondent {
            code: m.code.clone(),
            name: m.name.clone(),
            subregion: m.subregion.clone(),
            associate: m.status == MemberStatus::Associate,
        })
        .collect();
    ResponseRate {
        members: regions.iter().map(|r| r.members).sum(),
        responded: regions.iter().map(|r| r.responded).sum(),
        associates: regions.iter().map(|r| r.associates).sum(),
        associates_responded: regions.iter().map(|r| r.associates_responded).sum(),
        regions,
        respondents,
    }
}

/// The figures of one question (number `index` in questionnaire order).
pub fn question(
    ed: &Edition,
    index: usize,
    q: &Question,
    prev: Option<&Edition>,
) -> QuestionResult {
    let (base, body, specified) = figures(ed, index, q);
    let compare = match prev {
        None => Compare::Off,
        Some(p) => match p.position(&q.id) {
            None => Compare::New,
            Some((pi, pq)) => {
                let (prev_base, prev_body, _) = figures(p, pi, pq);
                compare::compare(q, &body, pq, prev_base, &prev_body)
            }
        },
    };
    QuestionResult {
        id: q.id.clone(),
        text: q.text.clone(),
        kind: q.kind.name(),
        base,
        body,
        specified,
        compare,
    }
}

fn figures(ed: &Edition, index: usize, q: &Question) -> (Base, Body, Vec<Quote>) {
    let survey = ed.survey;
    let shown: Vec<&Response> = ed.shown(index).collect();
    let answering: Vec<&Response> = shown
        .iter()
        .copied()
        .filter(|r| answered(survey, q, &r.cells))
        .collect();
    let base = Base {
        respondents: ed.responses.len(),
        shown: shown.len(),
        answered: answering.len(),
    };
    let no_answer = base.shown - base.answered;
    let whole = |r: &Response| r.cells[q.cells.start].clone();
    let body = match &q.kind {
        Kind::Single { options, .. } | Kind::YesNo { options } | Kind::Multi { options } => {
            let multi = matches!(q.kind, Kind::Multi { .. });
            let mut counts = vec![0; options.len()];
            for r in &answering {
                for code in split_codes(&whole(r)) {
                    if let Some(i) = options.iter().position(|o| o.code == code) {
                        counts[i] += 1;
                    }
                }
            }
            let mut shares: Vec<Share> = options
                .iter()
                .zip(counts)
                .map(|(o, count)| Share {
                    code: o.code.clone(),
                    label: o.label.clone(),
                    count,
                    pct: pct(count, base.answered),
                })
                .collect();
            if multi {
                // Stable: ties keep the questionnaire's order.
                shares.sort_by_key(|s| std::cmp::Reverse(s.count));
            }
            Body::Choice {
                multi,
                options: shares,
                no_answer,
            }
        }
        Kind::Scale {
            min,
            max,
            min_label,
            max_label,
        } => {
            let mut sum = 0u64;
            let values = (*min..=*max)
                .map(|v| {
                    let code = v.to_string();
                    let count = answering.iter().filter(|r| whole(r) == code).count();
                    sum += v as u64 * count as u64;
                    let end = match (v == *min, v == *max) {
                        (true, _) => min_label.as_ref(),
                        (_, true) => max_label.as_ref(),
                        _ => None,
                    };
                    Share {
                        label: match end {
                            Some(l) => format!("{v} – {l}"),
                            None => code.clone(),
                        },
                        code,
                        count,
                        pct: pct(count, base.answered),
                    }
                })
                .collect();
            Body::Scale {
                values,
                no_answer,
                mean: (base.answered > 0).then(|| sum as f64 / base.answered as f64),
                min_label: min_label.clone(),
                max_label: max_label.clone(),
            }
        }
        Kind::MatrixChoice { rows, columns, .. } => {
            let rows = rows
                .iter()
                .zip(q.cells.clone())
                .map(|(row, i)| {
                    let counts: Vec<usize> = columns
                        .iter()
                        .map(|c| answering.iter().filter(|r| r.cells[i] == c.code).count())
                        .collect();
                    MatrixRow {
                        code: row.code.clone(),
                        label: row.label.clone(),
                        answered: counts.iter().sum(),
                        counts,
                    }
                })
                .collect();
            Body::MatrixChoice {
                columns: columns.clone(),
                rows,
            }
        }
        Kind::Number { unit, .. } => numbers(
            &answering,
            q,
            vec![(
                q.id.clone(),
                unit.clone().unwrap_or_else(|| "Number".into()),
            )],
            unit.clone(),
        ),
        Kind::NumberPerYear { years, .. } => numbers(
            &answering,
            q,
            years
                .iter()
                .map(|y| (y.to_string(), y.to_string()))
                .collect(),
            None,
        ),
        Kind::MatrixNumber { rows, .. } => numbers(
            &answering,
            q,
            rows.iter()
                .map(|r| (r.code.clone(), r.label.clone()))
                .collect(),
            None,
        ),
        Kind::Rank { of, top } => {
            let options = rank_options(survey, of);
            let mut rows: Vec<RankRow> = options
                .iter()
                .map(|o| {
                    let places: Vec<usize> = (0..*top)
                        .map(|p| {
                            answering
                                .iter()
                                .filter(|r| {
                                    q.cells.clone().nth(p).is_some_and(|i| r.cells[i] == o.code)
                                })
                                .count()
                        })
                        .collect();
                    RankRow {
                        code: o.code.clone(),
                        label: o.label.clone(),
                        points: places
                            .iter()
                            .enumerate()
                            .map(|(p, n)| n * rank_points(p + 1, *top))
                            .sum(),
                        places,
                    }
                })
                .collect();
            rows.sort_by(|a, b| b.points.cmp(&a.points).then(b.places.cmp(&a.places)));
            Body::Rank { top: *top, rows }
        }
        Kind::Text { parts, .. } => Body::Text {
            parts: parts.iter().map(|p| p.label.clone()).collect(),
            rows: answering
                .iter()
                .filter(|_| !q.private)
                .map(|r| TextRow {
                    country: r.member.name.clone(),
                    texts: q.cells.clone().map(|i| r.cells[i].clone()).collect(),
                })
                .collect(),
            withheld: if q.private { answering.len() } else { 0 },
        },
    };
    let mut specified = Vec::new();
    if let Some(options) = q.kind.options().filter(|_| !q.private) {
        for i in q.cells.clone() {
            if let Cell::Specify { option } = &survey.columns()[i].cell {
                for r in &shown {
                    if !r.cells[i].trim().is_empty() {
                        specified.push(Quote {
                            country: r.member.name.clone(),
                            label: Some(label_of(options, option).to_string()),
                            text: r.cells[i].clone(),
                        });
                    }
                }
            }
        }
    }
    (base, body, specified)
}

fn numbers(
    answering: &[&Response],
    q: &Question,
    columns: Vec<(String, String)>,
    unit: Option<String>,
) -> Body {
    let value = |v: &str| match v {
        "" => NumberValue::Blank,
        UNKNOWN => NumberValue::Unknown,
        n => n.parse().map_or(NumberValue::Blank, NumberValue::Value),
    };
    let rows: Vec<CountryNumbers> = answering
        .iter()
        .map(|r| CountryNumbers {
            country: r.member.name.clone(),
            values: q.cells.clone().map(|i| value(&r.cells[i])).collect(),
        })
        .collect();
    let stats = (0..columns.len())
        .map(|c| number_stats(rows.iter().map(|r| r.values[c])))
        .collect();
    Body::Numbers {
        columns,
        unit,
        rows,
        stats,
    }
}

/// Median and range of the figures given; "unknown" counted apart.
pub fn number_stats(values: impl Iterator<Item = NumberValue>) -> NumberStats {
    let mut known = Vec::new();
    let mut unknown = 0;
    for v in values {
        match v {
            NumberValue::Value(n) => known.push(n),
            NumberValue::Unknown => unknown += 1,
            NumberValue::Blank => {}
        }
    }
    known.sort_unstable();
    let median = match known.len() {
        0 => None,
        n if n % 2 == 1 => Some(known[n / 2] as f64),
        n => Some((known[n / 2 - 1] as f64 + known[n / 2] as f64) / 2.0),
    };
    NumberStats {
        reported: known.len(),
        unknown,
        median,
        min: known.first().copied(),
        max: known.last().copied(),
    }
}

#[cfg(test)]
mod tests;
