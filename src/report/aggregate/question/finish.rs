//! A question's counts turned into its figures: shares, distributions,
//! tables, and the texts in the member list's order.

use super::*;

impl QuestionTally<'_> {
    /// The question's figures, its rows and texts in the member list's order.
    pub(in crate::report::aggregate) fn finish(
        self,
        survey: &Survey,
        respondents: usize,
        regions: &[String],
    ) -> Figured {
        let q = self.question;
        let name = |p: usize| survey.members.get(p).map(listed).unwrap_or_default();
        let text_rows = |kept: Kept<Vec<String>>| -> Vec<TextRow> {
            kept.into_sorted()
                .into_iter()
                .map(|(p, texts)| TextRow {
                    country: name(p),
                    texts,
                })
                .collect()
        };
        let base = Base {
            respondents,
            shown: self.shown,
            answered: self.answered,
        };
        let no_answer = base.shown - base.answered;
        let share = |code: &str, label: String, count: usize| Share {
            code: code.to_string(),
            label,
            count,
            pct: pct(count, base.answered),
        };
        let body = match self.counts {
            Counts::Choice {
                options, counts, ..
            } => {
                let multi = matches!(q.kind, Kind::Multi { .. });
                let mut shares: Vec<Share> = options
                    .iter()
                    .zip(counts)
                    .map(|(o, count)| share(&o.code, o.label.clone(), count))
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
            Counts::Scale {
                min,
                labels: [min_label, max_label],
                codes,
                counts,
            } => {
                let mut sum = 0u64;
                let last = codes.len().saturating_sub(1);
                let values = codes
                    .iter()
                    .zip(counts)
                    .enumerate()
                    .map(|(k, (code, count))| {
                        let v = min as u64 + k as u64;
                        sum += v * count as u64;
                        let end = match (k == 0, k == last) {
                            (true, _) => min_label.as_ref(),
                            (_, true) => max_label.as_ref(),
                            _ => None,
                        };
                        let label = match end {
                            Some(l) => format!("{v} – {l}"),
                            None => code.clone(),
                        };
                        share(code, label, count)
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
            Counts::Matrix {
                rows,
                columns,
                counts,
                shown,
                ..
            } => {
                // A scale when every column is a number: then a mean per row.
                let values: Option<Vec<f64>> =
                    columns.iter().map(|c| c.code.parse::<f64>().ok()).collect();
                Body::MatrixChoice {
                    columns: columns.to_vec(),
                    rows: rows
                        .iter()
                        .zip(counts.chunks(columns.len().max(1)))
                        .zip(shown)
                        .map(|((row, counts), shown)| {
                            let answered: usize = counts.iter().sum();
                            let mean = values.as_ref().filter(|_| answered > 0).map(|v| {
                                v.iter()
                                    .zip(counts)
                                    .map(|(v, n)| v * *n as f64)
                                    .sum::<f64>()
                                    / answered as f64
                            });
                            MatrixRow {
                                code: row.code.clone(),
                                label: row.label.clone(),
                                answered,
                                counts: counts.to_vec(),
                                shown,
                                mean,
                            }
                        })
                        .collect(),
                }
            }
            Counts::Numbers {
                columns,
                unit,
                mut figures,
                rows,
            } => Body::Numbers {
                columns,
                unit: unit.clone(),
                rows: rows
                    .into_sorted()
                    .into_iter()
                    .map(|(p, values)| CountryNumbers {
                        country: name(p),
                        values,
                    })
                    .collect(),
                stats: figures.iter_mut().map(Figures::stats).collect(),
                quartiles: figures.iter_mut().map(Figures::quartiles).collect(),
            },
            Counts::Rank {
                options,
                top,
                places,
                ..
            } => {
                let mut rows: Vec<RankRow> = options
                    .iter()
                    .zip(places.chunks(top.max(1)))
                    .map(|(o, places)| RankRow {
                        code: o.code.clone(),
                        label: o.label.clone(),
                        points: places
                            .iter()
                            .enumerate()
                            .map(|(p, n)| n * rank_points(p + 1, top))
                            .sum(),
                        places: places.to_vec(),
                    })
                    .collect();
                rows.sort_by(|a, b| b.points.cmp(&a.points).then(b.places.cmp(&a.places)));
                Body::Rank { top, rows }
            }
            Counts::Text { parts, kept } => Body::Text {
                parts: parts.iter().map(|p| p.label.clone()).collect(),
                rows: text_rows(kept),
                withheld: if q.private { base.answered } else { 0 },
            },
            Counts::Dates {
                kept,
                range,
                unknown,
            } => Body::Dates {
                rows: text_rows(kept),
                range,
                unknown,
            },
            Counts::Attached { kept } => Body::Attached {
                members: kept
                    .into_sorted()
                    .into_iter()
                    .map(|(p, ())| name(p))
                    .collect(),
            },
        };
        let options = q.kind.options().unwrap_or_default();
        let mut specified = Vec::new();
        let mut specified_counts: Vec<(String, usize)> = Vec::new();
        for (i, kept) in self.specified {
            let label = match &survey.columns()[i].cell {
                Cell::Specify { option } => label_of(options, option).to_string(),
                _ => String::new(),
            };
            if kept.count > 0 {
                match specified_counts.iter_mut().find(|(l, _)| *l == label) {
                    Some((_, n)) => *n += kept.count,
                    None => specified_counts.push((label.clone(), kept.count)),
                }
            }
            specified.extend(kept.into_sorted().into_iter().map(|(p, text)| Quote {
                country: name(p),
                label: Some(label.clone()),
                text,
            }));
        }
        let by_region = self
            .by_region
            .into_iter()
            .zip(regions)
            .map(|((answered, counts), name)| RegionShares {
                name: name.clone(),
                answered,
                shares: region_shares(q, &body, &counts, answered),
            })
            .collect();
        Figured {
            base,
            body,
            specified,
            specified_counts,
            by_region,
        }
    }
}

/// A member's name as every list of the report gives it: an associate
/// member is marked as such.
pub(in crate::report::aggregate) fn listed(m: &crate::definition::Member) -> String {
    if m.status == MemberStatus::Associate {
        format!("{} (associate member)", m.name)
    } else {
        m.name.clone()
    }
}

/// One sub-region's shares, in the questionnaire's order (the order of
/// the counts; a multi's figures are sorted, its sub-regions' are not).
fn region_shares(q: &Question, body: &Body, counts: &[usize], answered: usize) -> Vec<Share> {
    let labelled: Vec<(&str, &str)> = match body {
        Body::Scale { values, .. } => values
            .iter()
            .map(|s| (s.code.as_str(), s.label.as_str()))
            .collect(),
        _ => q
            .kind
            .options()
            .unwrap_or_default()
            .iter()
            .map(|o| (o.code.as_str(), o.label.as_str()))
            .collect(),
    };
    labelled
        .iter()
        .zip(counts)
        .map(|((code, label), &count)| Share {
            code: code.to_string(),
            label: label.to_string(),
            count,
            pct: pct(count, answered),
        })
        .collect()
}
