//! The key findings: headline figures computed from the results.

use super::*;

fn have(n: usize) -> &'static str {
    if n == 1 { "has" } else { "have" }
}

/// "12 of the 30 members that answered (40%)"; of one: "1 of 1 member
/// that answered (100%)", never "1 of the 1 members".
fn of(count: usize, base: usize) -> String {
    let whole = if base == 1 {
        format!("{count} of 1 member that answered")
    } else {
        format!("{count} of the {base} members that answered")
    };
    match pct(count, base) {
        Some(p) => format!("{whole} ({}%)", rounded(p)),
        None => whole,
    }
}

/// The options with the highest count, and that count.
fn leaders(q: &QuestionResult) -> Option<(Vec<&str>, usize)> {
    let Body::Choice { options, .. } = &q.body else {
        return None;
    };
    let top = options.iter().map(|s| s.count).max().filter(|n| *n > 0)?;
    let labels = options
        .iter()
        .filter(|s| s.count == top && !s.code.eq_ignore_ascii_case("none"))
        .map(|s| s.label.as_str())
        .collect::<Vec<_>>();
    (!labels.is_empty()).then_some((labels, top))
}

fn quoted_list(labels: &[&str]) -> String {
    let quoted: Vec<String> = labels.iter().map(|l| format!("“{l}”")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// The earlier edition's share of an option, as "(40% in 2021)".
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
    }
    text.push('.');
    out.push(Finding {
        question: String::new(),
        text,
    });
    let answered = |id: &str| report.question(id).filter(|q| q.base.answered > 0);

    if let Some(q) = answered("B1")
        && let Some(law) = q.share("dedicated_law")
    {
        let mut text = format!(
            "{} {} a dedicated anti-spam law{}",
            of(law.count, q.base.answered),
            have(law.count),
            before(report, q, "dedicated_law")
        );
        if let Some(other) = q.share("other_laws").filter(|s| s.count > 0) {
            text.push_str(&format!(
                "; {} more {} on provisions within other laws",
                other.count,
                if other.count == 1 { "relies" } else { "rely" }
            ));
        }
        text.push('.');
        out.push(Finding {
            question: q.id.clone(),
            text,
        });
    }
    if let Some(q) = answered("A1")
        && let Body::Scale {
            mean: Some(mean),
            values,
            min_label,
            max_label,
            ..
        } = &q.body
    {
        let end = |s: Option<&Share>, l: &Option<String>| match (s, l) {
            (Some(s), Some(l)) => format!("{} ({})", s.code, l.to_lowercase()),
            (Some(s), None) => s.code.clone(),
            _ => String::new(),
        };
        let ends = format!(
            " on a scale from {} to {}",
            end(values.first(), min_label),
            end(values.last(), max_label)
        );
        out.push(Finding {
            question: q.id.clone(),
            text: format!(
                "Members rate the seriousness of the spam problem at {mean:.1} on average{ends} ({}).",
                crate::words::count(q.base.answered, "answer", "answers")
            ),
        });
    }
    if let Some(q) = answered("A2")
        && let Some((labels, n)) = leaders(q)
    {
        out.push(Finding {
            question: q.id.clone(),
            text: format!(
                "The most reported spam channel is {}, named by {}.",
                quoted_list(&labels),
                of(n, q.base.answered)
            ),
        });
    }
    if let Some(q) = answered("D1")
        && let Some(yes) = q.share("yes")
    {
        out.push(Finding {
            question: q.id.clone(),
            text: format!(
                "{} {} a national spam reporting centre or hotline{}.",
                of(yes.count, q.base.answered),
                have(yes.count),
                before(report, q, "yes")
            ),
        });
    }
    if let Some(q) = answered("G1")
        && let Some((labels, n)) = leaders(q)
    {
        out.push(Finding {
            question: q.id.clone(),
            text: format!(
                "The most cited challenge is {}, cited by {}.",
                quoted_list(&labels),
                of(n, q.base.answered)
            ),
        });
    }
    if let Some(q) = answered("F5")
        && let Some(yes) = q.share("yes")
    {
        let mut text = format!(
            "{} would join an APT collaborative response framework on spam",
            of(yes.count, q.base.answered)
        );
        if let Some(maybe) = q.share("maybe").filter(|s| s.count > 0) {
            text.push_str(&format!("; {} more answered “Maybe”", maybe.count));
        }
        text.push('.');
        out.push(Finding {
            question: q.id.clone(),
            text,
        });
    }
    out
}
