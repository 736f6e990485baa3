//! The report's figures: an edition's latest submitted responses counted
//! question by question into a typed model, set beside the previous
//! edition's. No HTML here; `render` decides how the figures look.
//!
//! Responses are counted one at a time into a [`Tally`] (counts, not
//! responses), which [`report`] finishes into the [`Report`] model.

use crate::answers::{Cells, split_codes};
use crate::definition::{Cell, Choice, Kind, MemberStatus, Question, Survey, TextPart, UNKNOWN};

mod annex;
mod compare;
mod figures;
mod findings;
mod kept;
mod model;
mod question;
mod tally;

pub use annex::{annex, condition_text, group_digits, kind_label};
pub use figures::number_stats;
pub use findings::findings;
pub use model::*;
pub use tally::{Detail, FULL_DETAIL_MAX, SAMPLE, Tally};

/// The sub-regions in the order the report lists them; any other sub-region
/// found in the member list follows them, alphabetically.
pub const SUBREGIONS: [&str; 4] = ["South Asia", "South-East Asia", "East Asia", "Pacific"];

/// A percentage on fewer respondents than this is flagged where it appears.
pub const SMALL_BASE: usize = 10;

/// Points a rank gives: the first of `top` places gets `top` points, the last 1.
pub fn rank_points(place: usize, top: usize) -> usize {
    (top + 1).saturating_sub(place)
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

/// Builds the whole report of `current`, beside `previous` if given.
pub fn report(current: Tally, previous: Option<Tally>) -> Report {
    let now = current.finish();
    let before = previous.map(Tally::finish);
    let mut figures = now.questions.into_iter();
    let mut apart = now.apart.map(|a| a.into_iter());
    let shared = before.as_ref().map(|p| {
        let earlier: std::collections::HashSet<&str> = p.codes.iter().map(String::as_str).collect();
        now.codes
            .iter()
            .filter(|c| earlier.contains(c.as_str()))
            .count()
    });
    // Which earlier question each question continues: the one the form, the
    // soft checks and `diff` use too (by `previous_id`, else by its own id).
    let matching = before
        .as_ref()
        .map(|p| crate::continuity::match_editions(p.survey, now.survey));
    let sections: Vec<SectionResult> = now
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
                .zip(figures.by_ref())
                .map(|(q, f)| {
                    let apart = apart.as_mut().and_then(Iterator::next).map(|a| Apart {
                        base: a.base,
                        body: a.body,
                        specified: a.specified,
                    });
                    let prev = before.as_ref().zip(matching.as_ref());
                    question(q, f, apart, prev)
                })
                .collect(),
        })
        .collect();
    let mut report = Report {
        edition: info(now.survey),
        previous: before.as_ref().map(|p| info(p.survey)),
        response: now.response,
        previous_response: before.map(|p| p.response),
        population: now.population,
        shared,
        summary: now.summary,
        findings: Vec::new(),
        sections,
        profiles: now.profiles,
        annex: annex(now.survey),
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
        organisation: s.organisation.clone(),
        report_title: s.report_title.clone().unwrap_or_else(|| s.title.clone()),
        contact: s.contact.clone(),
        opens: s.opens,
        closes: s.closes,
    }
}

/// The result of one question, set beside the question of `prev` it continues.
fn question(
    q: &Question,
    f: question::Figured,
    apart: Option<Apart>,
    prev: Option<(&tally::Counted, &crate::continuity::Matching)>,
) -> QuestionResult {
    let compare = match prev {
        None => Compare::Off,
        Some((p, matching)) => match matching.pair(&q.id).and_then(|pair| {
            p.survey
                .questions()
                .zip(&p.questions)
                .find(|(pq, _)| pq.id == pair.before.id)
        }) {
            None => Compare::New,
            Some((pq, pf)) => compare::compare(q, &f.body, pq, pf.base, &pf.body),
        },
    };
    QuestionResult {
        id: q.id.clone(),
        text: q.text.clone(),
        kind: q.kind.name(),
        base: f.base,
        body: f.body,
        specified: f.specified,
        specified_counts: f.specified_counts,
        compare,
        by_region: f.by_region,
        apart,
    }
}

#[cfg(test)]
mod tests;
