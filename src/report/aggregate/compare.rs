//! A question set beside the same question in the previous edition.

use super::*;

/// Sets a question's figures beside the previous edition's, when the two
/// questions are the same kind and share options (or years, or rows).
pub(super) fn compare(
    q: &Question,
    now: &Body,
    pq: &Question,
    prev_base: Base,
    prev: &Body,
) -> Compare {
    if q.kind.name() != pq.kind.name() {
        return Compare::NotComparable(format!(
            "asked before as a question of another type ({})",
            kind_label(&pq.kind)
        ));
    }
    let no_overlap = || Compare::NotComparable("asked before with other options".into());
    match (now, prev) {
        (Body::Choice { options: a, .. }, Body::Choice { options: b, .. })
        | (Body::Scale { values: a, .. }, Body::Scale { values: b, .. }) => {
            if !a.iter().any(|s| b.iter().any(|t| t.code == s.code)) {
                return no_overlap();
            }
            let mut rows: Vec<CompareRow> = a
                .iter()
                .map(|s| share_row(&s.label, Some(s), b.iter().find(|t| t.code == s.code)))
                .collect();
            rows.extend(
                b.iter()
                    .filter(|t| !a.iter().any(|s| s.code == t.code))
                    .map(|t| share_row(&t.label, None, Some(t))),
            );
            let means = match (now, prev) {
                (Body::Scale { mean: m, .. }, Body::Scale { mean: pm, .. }) => Some((*m, *pm)),
                _ => None,
            };
            Compare::Shares {
                prev_base,
                rows,
                means,
            }
        }
        (
            Body::MatrixChoice {
                columns: ca,
                rows: ra,
            },
            Body::MatrixChoice {
                columns: cb,
                rows: rb,
            },
        ) => {
            let mut rows = Vec::new();
            for r in ra {
                let Some(pr) = rb.iter().find(|p| p.code == r.code) else {
                    continue;
                };
                for (ci, c) in ca.iter().enumerate() {
                    let Some(pci) = cb.iter().position(|p| p.code == c.code) else {
                        continue;
                    };
                    let share = |count: usize, of: usize| Share {
                        code: format!("{}:{}", r.code, c.code),
                        label: c.label.clone(),
                        count,
                        pct: pct(count, of),
                    };
                    let a = share(r.counts[ci], r.shown);
                    let b = share(pr.counts[pci], pr.shown);
                    rows.push(share_row(
                        &format!("{}: {}", r.label, c.label),
                        Some(&a),
                        Some(&b),
                    ));
                }
            }
            if rows.is_empty() {
                return no_overlap();
            }
            Compare::Shares {
                prev_base,
                rows,
                means: None,
            }
        }
        (
            Body::Numbers {
                columns: ca,
                stats: sa,
                ..
            },
            Body::Numbers {
                columns: cb,
                stats: sb,
                ..
            },
        ) => {
            let rows: Vec<NumberCompare> = ca
                .iter()
                .zip(sa)
                .filter_map(|((key, header), now)| {
                    let pi = cb.iter().position(|(k, _)| k == key)?;
                    Some(NumberCompare {
                        column: header.clone(),
                        now: *now,
                        prev: sb[pi],
                    })
                })
                .collect();
            if rows.is_empty() {
                return Compare::NotComparable("asked before for other years or rows".into());
            }
            Compare::Numbers { prev_base, rows }
        }
        (Body::Rank { rows: a, .. }, Body::Rank { rows: b, .. }) => {
            if !a.iter().any(|s| b.iter().any(|t| t.code == s.code)) {
                return no_overlap();
            }
            let mut rows: Vec<RankCompare> = a
                .iter()
                .map(|s| RankCompare {
                    label: s.label.clone(),
                    now: Some(s.points),
                    prev: b.iter().find(|t| t.code == s.code).map(|t| t.points),
                })
                .collect();
            rows.extend(
                b.iter()
                    .filter(|t| !a.iter().any(|s| s.code == t.code))
                    .map(|t| RankCompare {
                        label: t.label.clone(),
                        now: None,
                        prev: Some(t.points),
                    }),
            );
            Compare::Rank { prev_base, rows }
        }
        (Body::Text { .. }, Body::Text { .. })
        | (Body::Dates { .. }, Body::Dates { .. })
        | (Body::Attached { .. }, Body::Attached { .. }) => Compare::Text,
        _ => Compare::NotComparable("asked before in another form".into()),
    }
}

fn share_row(label: &str, now: Option<&Share>, prev: Option<&Share>) -> CompareRow {
    let change = match (now.and_then(|s| s.pct), prev.and_then(|s| s.pct)) {
        (Some(a), Some(b)) => Some(rounded(a) - rounded(b)),
        _ => None,
    };
    CompareRow {
        label: label.to_string(),
        now: now.cloned(),
        prev: prev.cloned(),
        change,
    }
}
