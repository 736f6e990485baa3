//! The figures and tables of one question, by the kind of answer it takes.

use super::*;

pub(super) fn caption(q: &QuestionResult, what: &str) -> String {
    format!("{} ({}){what}", q.text, q.id)
}

pub(super) fn body_blocks(
    q: &QuestionResult,
    summary: Option<&Summary>,
    counter: &mut Counter,
) -> Result<Vec<Block>, ReportError> {
    let mut blocks = Vec::new();
    match &q.body {
        Body::Choice {
            multi,
            options,
            no_answer,
        } => {
            let (bars, rows) = shares_with_no_answer(options, *no_answer);
            let svg = charts::bars(&bars, &alt_of(&format!("the answers to {}", q.id), &bars))?;
            blocks.push(Block::Figure(counter.figure(
                caption(q, ": members per answer"),
                svg,
                TableView {
                    head: vec![
                        "Answer".into(),
                        "Members".into(),
                        "% of those who answered".into(),
                    ],
                    rows,
                    foot: vec![row(
                        "Answered",
                        vec![
                            q.base.answered.to_string(),
                            if *multi {
                                String::new()
                            } else {
                                fmt_pct((q.base.answered > 0).then_some(100.0))
                            },
                        ],
                    )],
                    numeric: true,
                },
            )));
            if *multi {
                blocks.push(Block::Note(
                    "Members could choose several answers, so the percentages add up to more than 100%."
                        .into(),
                ));
            }
        }
        Body::Scale {
            values,
            no_answer,
            mean,
            ..
        } => {
            let (bars, rows) = shares_with_no_answer(values, *no_answer);
            let mean_text = mean.map_or("–".into(), |m| format!("{m:.1}"));
            let svg = charts::bars(
                &bars,
                &format!(
                    "{} Mean: {mean_text}.",
                    alt_of(&format!("the answers to {}", q.id), &bars)
                ),
            )?;
            blocks.push(Block::Figure(counter.figure(
                caption(q, ": distribution of the answers"),
                svg,
                TableView {
                    head: vec![
                        "Answer".into(),
                        "Members".into(),
                        "% of those who answered".into(),
                    ],
                    rows,
                    foot: vec![
                        row("Answered", vec![q.base.answered.to_string(), String::new()]),
                        row("Mean", vec![mean_text.clone(), String::new()]),
                    ],
                    numeric: true,
                },
            )));
            if let Some(m) = mean {
                blocks.push(Block::Note(format!(
                    "Mean of the {} {}: {m:.1}.",
                    q.base.answered,
                    crate::words::plural(q.base.answered, "answer", "answers")
                )));
            }
        }
        Body::MatrixChoice { columns, rows } => {
            let names: Vec<String> = columns.iter().map(|c| c.label.clone()).collect();
            let ordinal = columns.iter().all(|c| c.code.parse::<u32>().is_ok());
            let grey: Vec<bool> = columns
                .iter()
                .map(|c| matches!(c.code.as_str(), "unknown" | "dk" | "not_regulated"))
                .collect();
            let stacks: Vec<Stack> = rows
                .iter()
                .map(|r| Stack {
                    label: r.label.clone(),
                    counts: r.counts.clone(),
                })
                .collect();
            let alt_rows: Vec<String> = rows
                .iter()
                .map(|r| {
                    let parts: Vec<String> = names
                        .iter()
                        .zip(&r.counts)
                        .map(|(n, c)| format!("{n} {c}"))
                        .collect();
                    format!("{}: {}", r.label, parts.join(", "))
                })
                .collect();
            let svg = charts::stacked(
                &stacks,
                &names,
                if ordinal {
                    Palette::Sequential
                } else {
                    Palette::Categorical
                },
                &grey,
                &format!(
                    "Stacked bar chart of the answers to {}, members per row. {}.",
                    q.id,
                    alt_rows.join("; ")
                ),
            )?;
            let mut head = vec!["Item".to_string()];
            head.extend(names.iter().cloned());
            head.push("Answered".into());
            let table_rows = rows
                .iter()
                .map(|r| {
                    let mut cells: Vec<String> = r.counts.iter().map(|c| c.to_string()).collect();
                    cells.push(r.answered.to_string());
                    row(r.label.clone(), cells)
                })
                .collect();
            blocks.push(Block::Figure(counter.figure(
                caption(q, ": members per answer, row by row"),
                svg,
                TableView {
                    head,
                    rows: table_rows,
                    foot: Vec::new(),
                    numeric: true,
                },
            )));
        }
        Body::Numbers {
            columns,
            unit,
            stats,
            quartiles,
            ..
        } if summary.is_some() => {
            let mut head = vec!["Figure".to_string()];
            head.extend(columns.iter().map(|(_, h)| h.clone()));
            let stat = |f: &dyn Fn(&NumberStats) -> String| stats.iter().map(f).collect::<Vec<_>>();
            let quartile = |pick: fn((f64, f64)) -> f64| {
                quartiles
                    .iter()
                    .map(|q| q.map_or("–".into(), |q| fmt_num(pick(q))))
                    .collect::<Vec<_>>()
            };
            let rows = vec![
                row("Members giving a figure", stat(&|s| s.reported.to_string())),
                row("Answered “unknown”", stat(&|s| s.unknown.to_string())),
                row("Lower quartile", quartile(|q| q.0)),
                row("Median", stat(&|s| s.median.map_or("–".into(), fmt_num))),
                row("Upper quartile", quartile(|q| q.1)),
                row("Range", stat(&range)),
            ];
            let unit = unit.as_ref().map(|u| format!(" ({u})")).unwrap_or_default();
            blocks.push(Block::Figure(counter.table(
                caption(q, &format!(": distribution of the figures{unit}")),
                TableView {
                    head,
                    rows,
                    foot: Vec::new(),
                    numeric: true,
                },
            )));
            blocks.push(Block::Note(format!(
                "Members count these figures in different ways, so they are not added up. With {} respondents they are not listed member by member: a quarter of the figures given are below the lower quartile, half below the median, a quarter above the upper quartile. Each member's figures are in the responses file (CSV). “Unknown” is an answer, not zero.",
                group_digits(q.base.respondents as u64)
            )));
        }
        Body::Numbers {
            columns,
            unit,
            rows,
            stats,
            ..
        } => {
            let mut head = vec!["Member".to_string()];
            head.extend(columns.iter().map(|(_, h)| h.clone()));
            let value = |v: &NumberValue| match v {
                NumberValue::Value(n) => group_digits(*n),
                NumberValue::Unknown => "unknown".into(),
                NumberValue::Blank => "–".into(),
            };
            let table_rows = rows
                .iter()
                .map(|r| row(r.country.clone(), r.values.iter().map(value).collect()))
                .collect();
            let stat = |f: &dyn Fn(&NumberStats) -> String| stats.iter().map(f).collect::<Vec<_>>();
            let foot = vec![
                row("Members giving a figure", stat(&|s| s.reported.to_string())),
                row("Answered “unknown”", stat(&|s| s.unknown.to_string())),
                row("Median", stat(&|s| s.median.map_or("–".into(), fmt_num))),
                row("Range", stat(&range)),
            ];
            let unit = unit.as_ref().map(|u| format!(" ({u})")).unwrap_or_default();
            blocks.push(Block::Figure(counter.table(
                caption(q, &format!(", by member{unit}")),
                TableView {
                    head,
                    rows: table_rows,
                    foot,
                    numeric: true,
                },
            )));
            blocks.push(Block::Note(
                "Members count these figures in different ways, so they are not added up; the median and the range are of the figures given. “Unknown” is an answer, not zero.".into(),
            ));
        }
        Body::Rank { top, rows } => {
            let bars: Vec<Bar> = rows
                .iter()
                .map(|r| Bar {
                    label: r.label.clone(),
                    value: r.points as f64,
                    text: format!("{} points", r.points),
                    muted: false,
                })
                .collect();
            let svg = charts::bars(
                &bars,
                &alt_of(&format!("the points of each option in {}", q.id), &bars),
            )?;
            let mut head = vec!["Option".to_string(), "Points".into()];
            head.extend((1..=*top).map(ordinal_place));
            let table_rows = rows
                .iter()
                .map(|r| {
                    let mut cells = vec![r.points.to_string()];
                    cells.extend(r.places.iter().map(|n| n.to_string()));
                    row(r.label.clone(), cells)
                })
                .collect();
            blocks.push(Block::Figure(counter.figure(
                caption(q, ": points per option"),
                svg,
                TableView {
                    head,
                    rows: table_rows,
                    foot: Vec::new(),
                    numeric: true,
                },
            )));
            let points: Vec<String> = (1..=*top)
                .map(|p| {
                    format!(
                        "{} for {} place",
                        rank_points(p, *top),
                        ordinal_place(p).to_lowercase()
                    )
                })
                .collect();
            blocks.push(Block::Note(format!(
                "Points: {}; options are sorted by points.",
                points.join(", ")
            )));
        }
        Body::Text { withheld, .. } if *withheld > 0 => {
            blocks.push(Block::Note(format!(
                "{} answered. These answers are personal data (contact details): the secretariat keeps them, and they are not published.",
                crate::words::count(*withheld, "member", "members")
            )));
        }
        Body::Text { parts, rows, .. } => {
            if rows.is_empty() {
                blocks.push(Block::Note("No member answered this question.".into()));
            } else {
                if summary.is_some() {
                    blocks.push(Block::Note(sample_note(rows.len(), q.base.answered)));
                }
                let mut head = vec!["Member".to_string()];
                if parts.is_empty() {
                    head.push("Answer as typed".into());
                } else {
                    head.extend(parts.iter().cloned());
                }
                blocks.push(Block::Texts {
                    caption: "Answers as typed".into(),
                    head,
                    rows: rows
                        .iter()
                        .map(|r| {
                            (
                                r.country.clone(),
                                r.texts.iter().map(|t| printable(t).into_owned()).collect(),
                            )
                        })
                        .collect(),
                });
            }
        }
    }
    Ok(blocks)
}

/// "1 – 250", the range of a column of figures.
fn range(s: &NumberStats) -> String {
    match (s.min, s.max) {
        (Some(a), Some(b)) => format!("{} – {}", group_digits(a), group_digits(b)),
        _ => "–".into(),
    }
}

/// What a summary's sample of texts is: how many of how many, chosen how.
pub(super) fn sample_note(quoted: usize, all: usize) -> String {
    let who = match all {
        1 => "1 member".to_string(),
        n => format!("{} members", group_digits(n as u64)),
    };
    if quoted >= all {
        format!("{who} answered; every answer is quoted.")
    } else {
        format!(
            "{who} answered. The first {quoted}, in the order of the member list, are quoted; every answer is in the responses file (CSV)."
        )
    }
}

pub(super) fn ordinal_place(p: usize) -> String {
    match p {
        1 => "1st".into(),
        2 => "2nd".into(),
        3 => "3rd".into(),
        n => format!("{n}th"),
    }
}

/// The bars and table rows of answer shares, with "no answer" as its own
/// grey bar and row (outside the base of the percentages).
fn shares_with_no_answer(shares: &[Share], no_answer: usize) -> (Vec<Bar>, Vec<RowView>) {
    let mut bars: Vec<Bar> = shares
        .iter()
        .map(|s| Bar {
            label: s.label.clone(),
            value: s.count as f64,
            text: share_text(s.count, s.pct),
            muted: false,
        })
        .collect();
    bars.push(Bar {
        label: "No answer".into(),
        value: no_answer as f64,
        text: no_answer.to_string(),
        muted: true,
    });
    let mut rows: Vec<RowView> = shares
        .iter()
        .map(|s| row(s.label.clone(), vec![s.count.to_string(), fmt_pct(s.pct)]))
        .collect();
    rows.push(muted("No answer", vec![no_answer.to_string(), "–".into()]));
    (bars, rows)
}
