//! The figures and tables of one question, by the kind of answer it takes.

use super::*;

pub(super) fn caption(q: &QuestionResult, what: &str) -> String {
    format!("{} ({}){what}", q.text, q.id)
}

pub(super) fn body_blocks(
    q: &QuestionResult,
    summary: Option<&Summary>,
    who: Population,
    counter: &mut Counter,
) -> Result<Vec<Block>, ReportError> {
    let mut blocks = Vec::new();
    let noun = capital(who.short());
    let apart = q.apart.as_ref();
    match &q.body {
        Body::Choice {
            multi,
            options,
            no_answer,
        } => {
            let (bars, mut rows) = shares_with_no_answer(options, *no_answer);
            let svg = charts::bars(
                &bars,
                Axis::Share,
                &alt_of(
                    &format!(
                        "the answers to {}, % of the {} who answered",
                        q.id,
                        who.short()
                    ),
                    &bars,
                ),
            )?;
            let mut head = vec![
                "Answer".into(),
                noun.clone(),
                "% of those who answered".into(),
            ];
            let mut foot = vec![row(
                "Answered",
                vec![
                    q.base.answered.to_string(),
                    if *multi {
                        String::new()
                    } else {
                        fmt_pct((q.base.answered > 0).then_some(100.0))
                    },
                ],
            )];
            if let Some(a) = apart {
                apart_column(&mut head, &mut rows, &mut foot, options, a);
            }
            blocks.push(Block::Figure(counter.figure(
                caption(q, &format!(": {} per answer", who.short())),
                svg,
                TableView {
                    head,
                    rows,
                    foot,
                    numeric: true,
                },
            )));
            if *multi {
                blocks.push(Block::Note(format!(
                    "{noun} could choose several answers, so the percentages add up to more than 100%."
                )));
            }
        }
        Body::Scale {
            values,
            no_answer,
            mean,
            ..
        } => {
            let (bars, mut rows) = shares_with_no_answer(values, *no_answer);
            let mean_text = mean.map_or("–".into(), |m| format!("{m:.1}"));
            let svg = charts::bars(
                &bars,
                Axis::Share,
                &format!(
                    "{} Mean: {mean_text}.",
                    alt_of(
                        &format!(
                            "the answers to {}, % of the {} who answered",
                            q.id,
                            who.short()
                        ),
                        &bars
                    )
                ),
            )?;
            let mut head = vec![
                "Answer".into(),
                noun.clone(),
                "% of those who answered".into(),
            ];
            let mut foot = vec![
                row("Answered", vec![q.base.answered.to_string(), String::new()]),
                row("Mean", vec![mean_text.clone(), String::new()]),
            ];
            if let Some(a) = apart {
                apart_column(&mut head, &mut rows, &mut foot, values, a);
                if let Body::Scale { mean: am, .. } = &a.body
                    && let Some(last) = foot.last_mut()
                {
                    last.cells[2] = am.map_or("–".into(), |m| format!("{m:.1}"));
                }
            }
            blocks.push(Block::Figure(counter.figure(
                caption(q, ": distribution of the answers"),
                svg,
                TableView {
                    head,
                    rows,
                    foot,
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
            super::matrix::matrix_blocks(q, columns, rows, who, counter, &mut blocks)?;
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
                row(
                    format!("{noun} giving a figure"),
                    stat(&|s| s.reported.to_string()),
                ),
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
            let mut table_rows: Vec<RowView> = rows
                .iter()
                .map(|r| row(r.country.clone(), r.values.iter().map(value).collect()))
                .collect();
            if let Some(Body::Numbers { rows: others, .. }) = apart.map(|a| &a.body) {
                table_rows.extend(
                    others
                        .iter()
                        .map(|r| muted(r.country.clone(), r.values.iter().map(value).collect())),
                );
            }
            let stat = |f: &dyn Fn(&NumberStats) -> String| stats.iter().map(f).collect::<Vec<_>>();
            let foot = vec![
                row(
                    format!("{noun} giving a figure"),
                    stat(&|s| s.reported.to_string()),
                ),
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
            let apart_note = if apart.is_some() {
                " Associate members' figures are listed last, marked, and are not in the median or the range."
            } else {
                ""
            };
            blocks.push(Block::Note(format!(
                "Members count these figures in different ways, so they are not added up; the median and the range are of the {} figures given. “Unknown” is an answer, not zero.{apart_note}",
                who.short()
            )));
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
                Axis::Count,
                &alt_of(&format!("the points of each option in {}", q.id), &bars),
            )?;
            let mut head = vec!["Option".to_string(), "Points".into()];
            head.extend((1..=*top).map(ordinal_place));
            let others = match apart.map(|a| &a.body) {
                Some(Body::Rank { rows, .. }) => Some(rows),
                _ => None,
            };
            if others.is_some() {
                head.push(APART_POINTS.into());
            }
            let table_rows = rows
                .iter()
                .map(|r| {
                    let mut cells = vec![r.points.to_string()];
                    cells.extend(r.places.iter().map(|n| n.to_string()));
                    if let Some(o) = others {
                        cells.push(
                            o.iter()
                                .find(|x| x.code == r.code)
                                .map_or("0".into(), |x| x.points.to_string()),
                        );
                    }
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
            let others = match apart.map(|a| &a.body) {
                Some(Body::Text { rows, .. }) => rows.len(),
                _ => 0,
            };
            if rows.is_empty() && others == 0 {
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
                let others = match apart.map(|a| &a.body) {
                    Some(Body::Text { rows, .. }) => rows.as_slice(),
                    _ => &[],
                };
                blocks.push(Block::Texts {
                    caption: if others.is_empty() {
                        "Answers as typed".into()
                    } else {
                        "Answers as typed; the associate members' last, marked, outside the base"
                            .into()
                    },
                    head,
                    rows: rows
                        .iter()
                        .chain(others)
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
        Body::Dates {
            rows,
            range,
            unknown,
        } => {
            let others = match apart.map(|a| &a.body) {
                Some(Body::Dates { rows, .. }) => rows.as_slice(),
                _ => &[],
            };
            if rows.is_empty() && others.is_empty() {
                blocks.push(Block::Note("No member answered this question.".into()));
            } else {
                if summary.is_some() {
                    blocks.push(Block::Note(sample_note(rows.len(), q.base.answered)));
                }
                blocks.push(Block::Texts {
                    caption: "Dates given, by member".into(),
                    head: vec!["Member".to_string(), "Date".into()],
                    rows: rows
                        .iter()
                        .chain(others)
                        .map(|r| (r.country.clone(), r.texts.clone()))
                        .collect(),
                });
                let span = match range {
                    Some((a, b)) if a == b => format!("Every date given is {a}."),
                    Some((a, b)) => format!("The earliest date given is {a}, the latest {b}."),
                    None => "No member gave a date.".into(),
                };
                let unknown = match unknown {
                    0 => String::new(),
                    n => format!(
                        " {} answered “unknown”.",
                        crate::words::count(*n, "member", "members")
                    ),
                };
                blocks.push(Block::Note(format!("{span}{unknown}")));
            }
        }
        Body::Attached { members } => {
            let others = match apart.map(|a| &a.body) {
                Some(Body::Attached { members }) => members.as_slice(),
                _ => &[],
            };
            let all: Vec<&str> = members.iter().chain(others).map(String::as_str).collect();
            blocks.push(Block::Note(match all.len() {
                0 => "No member attached a document.".to_string(),
                n => format!(
                    "{} attached a document: {}. The documents are kept by the secretariat and not published.",
                    crate::words::count(n, "member", "members"),
                    all.join(", ")
                ),
            }));
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
/// row (outside the base of the percentages: its figure, and no bar).
fn shares_with_no_answer(shares: &[Share], no_answer: usize) -> (Vec<Bar>, Vec<RowView>) {
    let mut bars: Vec<Bar> = shares
        .iter()
        .map(|s| Bar {
            label: s.label.clone(),
            value: s.pct.unwrap_or(0.0),
            text: share_text(s.count, s.pct),
            muted: false,
        })
        .collect();
    bars.push(Bar {
        label: "No answer".into(),
        value: 0.0,
        text: format!("{no_answer} (not in the base)"),
        muted: true,
    });
    let mut rows: Vec<RowView> = shares
        .iter()
        .map(|s| row(s.label.clone(), vec![s.count.to_string(), fmt_pct(s.pct)]))
        .collect();
    rows.push(muted("No answer", vec![no_answer.to_string(), "–".into()]));
    (bars, rows)
}

/// The header of the column of associate members' answers.
const APART: &str = "Associate members (apart, not in the %)";
const APART_POINTS: &str = "Points of associate members (apart)";

/// Adds the associate members' counts as a column of their own: per
/// option, then "no answer" and "answered".
fn apart_column(
    head: &mut Vec<String>,
    rows: &mut [RowView],
    foot: &mut [RowView],
    shares: &[Share],
    apart: &Apart,
) {
    head.push(APART.into());
    let (theirs, no_answer) = match &apart.body {
        Body::Choice {
            options, no_answer, ..
        } => (options.as_slice(), *no_answer),
        Body::Scale {
            values, no_answer, ..
        } => (values.as_slice(), *no_answer),
        _ => (&[][..], 0),
    };
    for (r, s) in rows.iter_mut().zip(shares) {
        let n = theirs
            .iter()
            .find(|t| t.code == s.code)
            .map_or(0, |t| t.count);
        r.cells.push(n.to_string());
    }
    if let Some(last) = rows.last_mut() {
        last.cells.push(no_answer.to_string());
    }
    for (i, f) in foot.iter_mut().enumerate() {
        f.cells.push(if i == 0 {
            apart.base.answered.to_string()
        } else {
            String::new()
        });
    }
}

/// "Members" from "members".
pub(super) fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A base, flagged when it is under [`SMALL_BASE`].
pub(super) fn small_base(n: usize) -> String {
    if n < SMALL_BASE {
        format!("{n}\u{2020}")
    } else {
        n.to_string()
    }
}
