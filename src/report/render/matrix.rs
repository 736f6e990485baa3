//! A matrix of choices as a table of shares, with its stacked bars.

use super::blocks::{caption, small_base};
use super::*;

/// A matrix of choices as a table of shares: per row its base, the count
/// and share of each column and of "no answer", a mean for a scale;
/// stacked bars at 100 % of each row's base; the associate members' rows apart.
pub(super) fn matrix_blocks(
    q: &QuestionResult,
    columns: &[crate::definition::Choice],
    rows: &[MatrixRow],
    who: Population,
    counter: &mut Counter,
    blocks: &mut Vec<Block>,
) -> Result<(), ReportError> {
    let mut names: Vec<String> = columns.iter().map(|c| c.label.clone()).collect();
    let ordinal = columns.iter().all(|c| c.code.parse::<u32>().is_ok());
    let mut grey: Vec<bool> = columns
        .iter()
        .map(|c| matches!(c.code.as_str(), "unknown" | "dk" | "not_regulated"))
        .collect();
    names.push("No answer".into());
    grey.push(true);
    let stacks: Vec<Stack> = rows
        .iter()
        .map(|r| {
            let mut counts = r.counts.clone();
            counts.push(r.no_answer());
            Stack {
                label: r.label.clone(),
                counts,
                base: r.shown,
            }
        })
        .collect();
    let cell = |n: usize, base: usize| share_text(n, pct_of(n, base));
    let alt_rows: Vec<String> = rows
        .iter()
        .map(|r| {
            let mut parts: Vec<String> = names
                .iter()
                .zip(r.counts.iter().chain([r.no_answer()].iter()))
                .map(|(n, c)| format!("{n} {}", cell(*c, r.shown)))
                .collect();
            parts.insert(0, format!("base {}", r.shown));
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
            "Stacked bar chart of the answers to {}, each row at 100% of the {} shown it. {}.",
            q.id,
            who.short(),
            alt_rows.join("; ")
        ),
    )?;
    let mean = ordinal && rows.iter().any(|r| r.mean.is_some());
    let mut head = vec![
        "Item".to_string(),
        format!("Base ({} shown the row)", who.short()),
    ];
    head.extend(names.iter().cloned());
    if mean {
        head.push("Mean".into());
    }
    let line = |r: &MatrixRow, label: String, muted_row: bool| {
        let mut cells = vec![small_base(r.shown)];
        cells.extend(
            r.counts
                .iter()
                .chain([r.no_answer()].iter())
                .map(|c| cell(*c, r.shown)),
        );
        if mean {
            cells.push(r.mean.map_or("–".into(), |m| format!("{m:.1}")));
        }
        if muted_row {
            muted(label, cells)
        } else {
            row(label, cells)
        }
    };
    let mut table_rows: Vec<RowView> = rows
        .iter()
        .map(|r| line(r, r.label.clone(), false))
        .collect();
    if let Some(Apart {
        body: Body::MatrixChoice { rows: others, .. },
        ..
    }) = q.apart.as_ref()
    {
        table_rows.extend(
            others
                .iter()
                .filter(|r| r.shown > 0)
                .map(|r| line(r, format!("{} – associate members (apart)", r.label), true)),
        );
    }
    blocks.push(Block::Figure(counter.figure(
        caption(q, &format!(": % of the {} shown each row", who.short())),
        svg,
        TableView {
            head,
            rows: table_rows,
            foot: Vec::new(),
            numeric: true,
        },
    )));
    Ok(())
}

fn pct_of(n: usize, base: usize) -> Option<f64> {
    (base > 0).then(|| 100.0 * n as f64 / base as f64)
}
