//! The key findings: headline figures computed from the results, each
//! worded from the questionnaire's own text (a question's id and words, an
//! option's label), so that the report of another questionnaire says
//! nothing that it did not ask.

use super::*;

/// The questions that give a headline when the edition asks them, in the
/// order of the findings: with an option, the share that picked it; a
/// scale, its mean; a choice, the answer chosen most.
const HEADLINES: [(&str, Option<&str>); 6] = [
    ("B1", Some("dedicated_law")),
    ("A1", None),
    ("A2", None),
    ("D1", Some("yes")),
    ("G1", None),
    ("F5", Some("yes")),
];

/// "12 of the 30 members that answered (40%)".
fn of(count: usize, base: usize, who: &str) -> String {
    let small = if base < SMALL_BASE {
        format!("; base under {SMALL_BASE}")
    } else {
        String::new()
    };
    // Of one: "1 of 1 member that answered", never "1 of the 1 members".
    let whole = match (base, who) {
        (1, "members") => format!("{count} of 1 member that answered"),
        (1, _) => format!("{count} of 1 respondent that answered"),
        _ => format!("{count} of the {base} {who} that answered"),
    };
    match pct(count, base) {
        Some(p) => format!("{whole} ({}%{small})", rounded(p)),
        None => whole,
    }
}

/// The options with the highest count (never "None"), and that count.
fn leaders(q: &QuestionResult) -> Option<(Vec<&str>, usize)> {
    let Body::Choice { options, .. } = &q.body else {
        return None;
    };
    let real = || {
        options
            .iter()
            .filter(|s| !s.code.eq_ignore_ascii_case("none"))
    };
    let top = real().map(|s| s.count).max().filter(|n| *n > 0)?;
    let labels = real()
        .filter(|s| s.count == top)
        .map(|s| s.label.as_str())
        .collect::<Vec<_>>();
    Some((labels, top))
}

fn quoted_list(labels: &[&str]) -> String {
    let quoted: Vec<String> = labels.iter().map(|l| format!("“{l}”")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// The earlier edition's share of an option, as " (40% in 2021)".
fn before(report: &Report, q: &QuestionResult, code: &str) -> String {
    let Compare::Shares { rows, .. } = &q.compare else {
        return String::new();
    };
    let Some(year) = report.previous.as_ref().map(|p| p.year) else {
        return String::new();
    };
    rows.iter()
        .find(|r| r.now.as_ref().is_some_and(|s| s.code == code))
        .and_then(|r| r.prev.as_ref()?.pct)
        .map(|p| format!(" ({}% in {year})", rounded(p)))
        .unwrap_or_default()
}

/// The finding of one question, if its figures give one.
fn headline(report: &Report, q: &QuestionResult, option: Option<&str>) -> Option<String> {
    let who = report.population.plural();
    let n = q.base.answered;
    let head = format!("{} ({})", q.id, q.text.trim_end_matches(['?', '.', ':']));
    match (&q.body, option) {
        (Body::Choice { .. }, Some(code)) => {
            let s = q.share(code)?;
            Some(format!(
                "{head}: {} chose “{}”{}.",
                of(s.count, n, who),
                s.label,
                before(report, q, code)
            ))
        }
        (
            Body::Scale {
                mean: Some(mean),
                values,
                min_label,
                max_label,
                ..
            },
            None,
        ) => {
            let end = |s: Option<&Share>, l: &Option<String>| match (s, l) {
                (Some(s), Some(l)) => format!("{} ({})", s.code, l.to_lowercase()),
                (Some(s), None) => s.code.clone(),
                _ => String::new(),
            };
            let small = if n < SMALL_BASE {
                format!(" (base under {SMALL_BASE})")
            } else {
                String::new()
            };
            Some(format!(
                "{head}: the mean answer of the {n} {who} that answered{small} is {mean:.1}, on a scale from {} to {}.",
                end(values.first(), min_label),
                end(values.last(), max_label)
            ))
        }
        (Body::Choice { .. }, None) => {
            let (labels, top) = leaders(q)?;
            Some(if labels.len() == 1 {
                format!(
                    "{head}: the answer chosen most is {}, by {}.",
                    quoted_list(&labels),
                    of(top, n, who)
                )
            } else {
                format!(
                    "{head}: {} are tied as the answer chosen most, each by {}.",
                    quoted_list(&labels),
                    of(top, n, who)
                )
            })
        }
        _ => None,
    }
}

/// The key findings: headline figures computed from the results. A question
/// or option the edition lacks simply gives no finding.
pub fn findings(report: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    let r = &report.response;
    let mut text = format!(
        "{} of {} responded to the {} survey",
        r.responded,
        crate::words::count(r.members, "member", "members"),
        report.edition.year
    );
    if let (Some(p), Some(pr)) = (&report.previous, &report.previous_response) {
        text.push_str(&format!(
            " ({} of {} in {})",
            pr.responded, pr.members, p.year
        ));
    }
    if r.associates > 0 {
        text.push_str(&format!(
            ", as did {} of {}",
            r.associates_responded,
            crate::words::count(r.associates, "associate member", "associate members")
        ));
        text.push_str(if report.population.associates_in {
            "; the figures count members and associates together"
        } else {
            "; the figures count the members, and show the associate members' answers apart"
        });
    }
    text.push('.');
    out.push(Finding {
        question: String::new(),
        text,
    });
    for (id, option) in HEADLINES {
        if let Some(q) = report.question(id).filter(|q| q.base.answered > 0)
            && let Some(text) = headline(report, q, option)
        {
            out.push(Finding {
                question: q.id.clone(),
                text,
            });
        }
    }
    out
}
