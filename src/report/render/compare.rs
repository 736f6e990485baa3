//! A question beside the previous edition: grouped bars and a table of changes.

use super::blocks::caption;
use super::*;

pub(super) fn compare_blocks(
    report: &Report,
    q: &QuestionResult,
    counter: &mut Counter,
    blocks: &mut Vec<Block>,
    badge: &mut Option<String>,
) -> Result<(), ReportError> {
    let year = report.edition.year;
    let Some(prev) = report.previous.as_ref() else {
        return Ok(());
    };
    let py = prev.year;
    let who = report.population;
    let same = match report.shared {
        Some(n) => format!(
            " Both years count {}; {n} of them responded in both years.",
            who.plural()
        ),
        None => String::new(),
    };
    match &q.compare {
        Compare::Off => {}
        Compare::New => *badge = Some(format!("New in {year}")),
        Compare::NotComparable(why) => {
            blocks.push(Block::Note(format!("Not set beside {py}: {why}.")))
        }
        Compare::Text => blocks.push(Block::Note(format!(
            "Also asked in {py}; free-text answers are not compared."
        ))),
        Compare::Shares {
            prev_base,
            rows,
            means,
        } => {
            let fig = |s: &Option<Share>| match s {
                Some(s) => match s.pct {
                    Some(p) => format!("{}% ({})", rounded(p), s.count),
                    None => format!("– ({})", s.count),
                },
                None => "not asked".into(),
            };
            let table_rows: Vec<RowView> = rows
                .iter()
                .map(|r: &CompareRow| {
                    row(
                        r.label.clone(),
                        vec![fig(&r.prev), fig(&r.now), fmt_change(r.change)],
                    )
                })
                .collect();
            let mut foot = vec![row(
                format!("{} who answered", capital(who.short())),
                vec![
                    prev_base.answered.to_string(),
                    q.base.answered.to_string(),
                    String::new(),
                ],
            )];
            if let Some((now, before)) = means {
                let m = |x: &Option<f64>| x.map_or("–".into(), |m| format!("{m:.1}"));
                let change = match (now, before) {
                    (Some(a), Some(b)) => {
                        let d = (a * 10.0).round() / 10.0 - (b * 10.0).round() / 10.0;
                        if d > 0.0 {
                            format!("+{d:.1}")
                        } else if d < 0.0 {
                            format!("\u{2212}{:.1}", -d)
                        } else {
                            "0.0".into()
                        }
                    }
                    _ => "–".into(),
                };
                foot.push(row("Mean", vec![m(before), m(now), change]));
            }
            let table = TableView {
                head: vec![
                    "Answer".into(),
                    py.to_string(),
                    year.to_string(),
                    "Change (percentage points)".into(),
                ],
                rows: table_rows,
                foot,
                numeric: true,
            };
            let cap = caption(
                q,
                &format!(
                    " in {year} beside {py}: % of the {} who answered",
                    who.short()
                ),
            );
            if rows.len() <= MAX_PAIRS {
                let pairs: Vec<Pair> = rows
                    .iter()
                    .map(|r| {
                        let v = |s: &Option<Share>| match s {
                            Some(s) => (s.pct, fmt_pct(s.pct)),
                            None => (None, "not asked".into()),
                        };
                        Pair {
                            label: r.label.clone(),
                            values: [v(&r.prev), v(&r.now)],
                            change: match r.change {
                                Some(_) => format!("{} pp", fmt_change(r.change)),
                                None => "–".into(),
                            },
                        }
                    })
                    .collect();
                let items: Vec<String> = pairs
                    .iter()
                    .map(|p| {
                        format!(
                            "{}: {} {}, {} {}, change {}",
                            p.label, py, p.values[0].1, year, p.values[1].1, p.change
                        )
                    })
                    .collect();
                let svg = charts::pairs(
                    &pairs,
                    [&py.to_string(), &year.to_string()],
                    Axis::Share,
                    &format!(
                        "Grouped bar chart of {} in {py} and {year}, % of the {} who answered, with the change in percentage points. {}.",
                        q.id,
                        who.short(),
                        items.join("; ")
                    ),
                )?;
                blocks.push(Block::Figure(counter.figure(cap, svg, table)));
            } else {
                blocks.push(Block::Figure(counter.table(cap, table)));
            }
            blocks.push(Block::Note(format!(
                "Base in {py}: {} shown the question, {} answered.{same}",
                counted(prev_base.shown, who),
                prev_base.answered
            )));
        }
        Compare::Numbers { prev_base, rows } => {
            let stat = |s: &NumberStats| match s.median {
                Some(m) => format!("{} (n = {})", fmt_num(m), s.reported),
                None => "–".into(),
            };
            let table = TableView {
                head: vec![
                    "Figure for".into(),
                    format!("Median in the {py} survey (members giving a figure)"),
                    format!("Median in the {year} survey (members giving a figure)"),
                ],
                rows: rows
                    .iter()
                    .map(|r| row(r.column.clone(), vec![stat(&r.prev), stat(&r.now)]))
                    .collect(),
                foot: Vec::new(),
                numeric: true,
            };
            blocks.push(Block::Figure(counter.table(
                caption(q, &format!(" in the {year} survey beside the {py} survey")),
                table,
            )));
            blocks.push(Block::Note(format!(
                "Base in {py}: {} shown the question, {} answered. Medians of different sets of members are not a trend.{same}",
                counted(prev_base.shown, who),
                prev_base.answered
            )));
        }
        Compare::Rank { prev_base, rows } => {
            let pts = |p: Option<usize>| p.map_or("not asked".into(), |p| p.to_string());
            let table = TableView {
                head: vec![
                    "Option".into(),
                    format!("Points {py}"),
                    format!("Points {year}"),
                    "Change".into(),
                ],
                rows: rows
                    .iter()
                    .map(|r| {
                        let change = match (r.now, r.prev) {
                            (Some(a), Some(b)) => fmt_change(Some(a as i64 - b as i64)),
                            _ => "–".into(),
                        };
                        row(r.label.clone(), vec![pts(r.prev), pts(r.now), change])
                    })
                    .collect(),
                foot: Vec::new(),
                numeric: true,
            };
            let pairs: Vec<Pair> = rows
                .iter()
                .map(|r| Pair {
                    label: r.label.clone(),
                    values: [
                        (r.prev.map(|p| p as f64), pts(r.prev)),
                        (r.now.map(|p| p as f64), pts(r.now)),
                    ],
                    change: match (r.now, r.prev) {
                        (Some(a), Some(b)) => fmt_change(Some(a as i64 - b as i64)),
                        _ => "–".into(),
                    },
                })
                .collect();
            let svg = charts::pairs(
                &pairs,
                [&py.to_string(), &year.to_string()],
                Axis::Count,
                &format!(
                    "Grouped bar chart of the points of each option of {} in {py} and {year}.",
                    q.id
                ),
            )?;
            blocks.push(Block::Figure(counter.figure(
                caption(q, &format!(": points in {year} beside {py}")),
                svg,
                table,
            )));
            blocks.push(Block::Note(format!(
                "Base in {py}: {} answered.{same}",
                counted(prev_base.answered, who)
            )));
        }
    }
    Ok(())
}
