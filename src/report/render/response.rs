//! The response section: the rate by sub-region, the respondents, who did
//! not respond, who the figures count and who both years share.

use super::*;

/// Who the figures count, said once at the front.
pub(super) fn population_note(report: &Report) -> String {
    let p = report.population;
    let r = &report.response;
    if p.associates_in {
        format!(
            "Every figure counts the respondents (members and associates) together: {} members and {} associate members.",
            r.responded, r.associates_responded
        )
    } else if p.associates_apart {
        format!(
            "Every base, percentage and key finding counts the {} responding members. The answers of the {} responding associate members are shown apart, in a column or rows of their own, and are not in any figure.",
            r.responded, r.associates_responded
        )
    } else {
        format!(
            "Every base, percentage and key finding counts the {} responding members.",
            r.responded
        )
    }
}

pub(super) fn response_view(
    report: &Report,
    counter: &mut Counter,
) -> Result<ResponseView, ReportError> {
    let r = &report.response;
    let prev = report
        .previous_response
        .as_ref()
        .zip(report.previous.as_ref());
    let rate = |n: usize, of: usize| fmt_pct((of > 0).then(|| 100.0 * n as f64 / of as f64));
    let mut summary = format!(
        "{} of {} members responded ({}).",
        r.responded,
        r.members,
        rate(r.responded, r.members)
    );
    if let Some((p, info)) = prev {
        summary.push_str(&format!(
            " In {}, {} of {} had responded.",
            info.year, p.responded, p.members
        ));
    }
    let bars: Vec<Bar> = r
        .regions
        .iter()
        .filter(|g| g.members > 0)
        .map(|g| Bar {
            label: g.name.clone(),
            value: if g.members > 0 {
                100.0 * g.responded as f64 / g.members as f64
            } else {
                0.0
            },
            text: format!(
                "{} of {} ({})",
                g.responded,
                g.members,
                rate(g.responded, g.members)
            ),
            muted: false,
        })
        .collect();
    let mut head = vec![
        "Sub-region".to_string(),
        "Members".into(),
        "Responded".into(),
        "Response rate".into(),
    ];
    if let Some((_, info)) = prev {
        head.push(format!("Responded in {}", info.year));
    }
    head.push("Associate members responded (counted apart)".into());
    let prev_of = |name: &str| {
        prev.and_then(|(p, _)| p.regions.iter().find(|g| g.name == name))
            .map_or("–".to_string(), |g| g.responded.to_string())
    };
    let rows = r
        .regions
        .iter()
        .map(|g| {
            let mut cells = vec![
                g.members.to_string(),
                g.responded.to_string(),
                rate(g.responded, g.members),
            ];
            if prev.is_some() {
                cells.push(prev_of(&g.name));
            }
            cells.push(if g.associates > 0 {
                format!("{} of {}", g.associates_responded, g.associates)
            } else {
                "–".into()
            });
            row(g.name.clone(), cells)
        })
        .collect();
    let mut total = vec![
        r.members.to_string(),
        r.responded.to_string(),
        rate(r.responded, r.members),
    ];
    if let Some((p, _)) = prev {
        total.push(p.responded.to_string());
    }
    total.push(format!("{} of {}", r.associates_responded, r.associates));
    let svg = charts::bars(
        &bars,
        Axis::Share,
        &alt_of("the response rate of members by sub-region", &bars),
    )?;
    let figure = counter.figure(
        "Response rate of members by sub-region".into(),
        svg,
        TableView {
            head,
            rows,
            foot: vec![row("All sub-regions", total)],
            numeric: true,
        },
    );
    let groups = r
        .regions
        .iter()
        .filter_map(|g| {
            let of = |associate: bool| -> Vec<String> {
                r.respondents
                    .iter()
                    .filter(|m| m.subregion == g.name && m.associate == associate)
                    .map(|m| {
                        if associate {
                            format!("{} (associate member)", m.name)
                        } else {
                            m.name.clone()
                        }
                    })
                    .collect()
            };
            let (members_of, associates_of) = (of(false), of(true));
            if members_of.is_empty() && associates_of.is_empty() {
                return None;
            }
            let mut head = format!("{}: {}", g.name, members(members_of.len()));
            if !associates_of.is_empty() {
                head.push_str(&format!(
                    " and {} associate member{}",
                    associates_of.len(),
                    if associates_of.len() == 1 { "" } else { "s" }
                ));
            }
            Some((head, members_of.into_iter().chain(associates_of).collect()))
        })
        .collect();
    let associates = (r.associates > 0).then(|| {
        if report.population.associates_in {
            format!(
                "Associate members: {} of {} responded. This edition counts them in: every figure of the questions counts the respondents (members and associates).",
                r.associates_responded, r.associates
            )
        } else {
            format!(
                "Associate members are counted apart: {} of {} responded. Their answers are not in the figures of the questions; each table shows them apart, in a column or rows of their own.",
                r.associates_responded, r.associates
            )
        }
    });
    let missing: Vec<String> = r
        .regions
        .iter()
        .filter(|g| g.members > g.responded)
        .map(|g| format!("{} in {}", g.members - g.responded, g.name))
        .collect();
    let non_response = if missing.is_empty() {
        "Every member responded.".to_string()
    } else {
        format!(
            "Non-response: {} of the {} members did not respond ({}). The figures describe the members that responded, not the whole region.",
            r.members - r.responded,
            r.members,
            missing.join(", ")
        )
    };
    let shared = report.shared.zip(report.previous.as_ref()).map(|(n, p)| {
        format!(
            "Comparisons with {} count the same population in both years ({}). Of the {} {} that responded in {}, {n} also responded in {}: a change may reflect who responded as much as a change in the region.",
            p.year,
            report.population.plural(),
            r.responded + if report.population.associates_in { r.associates_responded } else { 0 },
            report.population.short(),
            report.edition.year,
            p.year
        )
    });
    Ok(ResponseView {
        summary,
        figure,
        groups,
        associates,
        non_response,
        shared,
    })
}
