//! A choice question's shares by sub-region: one compact table beside the
//! overall figure, each sub-region's base said, and flagged when small.

use super::blocks::{caption, small_base};
use super::*;

/// Adds the table of shares by sub-region of a single, multi, yes/no or
/// scale question (nothing for other kinds, or when no sub-region answered).
pub(super) fn region_blocks(
    q: &QuestionResult,
    who: Population,
    counter: &mut Counter,
    blocks: &mut Vec<Block>,
) {
    let regions: Vec<_> = q.by_region.iter().filter(|r| r.answered > 0).collect();
    if regions.is_empty() || q.base.answered == 0 {
        return;
    }
    let Some(first) = regions.first() else {
        return;
    };
    let mut head = vec!["Answer".to_string()];
    head.extend(regions.iter().map(|r| format!("{} (%)", r.name)));
    head.push("All (%)".into());
    let overall = |code: &str| -> String {
        let shares = match &q.body {
            Body::Choice { options, .. } => options,
            Body::Scale { values, .. } => values,
            _ => return "–".into(),
        };
        shares
            .iter()
            .find(|s| s.code == code)
            .map_or("–".into(), |s| fmt_pct(s.pct))
    };
    let rows = first
        .shares
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut cells: Vec<String> = regions
                .iter()
                .map(|r| r.shares.get(i).map_or("–".into(), |x| fmt_pct(x.pct)))
                .collect();
            cells.push(overall(&s.code));
            row(s.label.clone(), cells)
        })
        .collect();
    let mut base: Vec<String> = regions.iter().map(|r| small_base(r.answered)).collect();
    base.push(small_base(q.base.answered));
    blocks.push(Block::Figure(counter.table(
        caption(
            q,
            &format!(" by sub-region: % of the {} who answered", who.short()),
        ),
        TableView {
            head,
            rows,
            foot: vec![row(format!("Base ({} who answered)", who.short()), base)],
            numeric: true,
        },
    )));
    if regions.iter().any(|r| r.answered < SMALL_BASE) {
        blocks.push(Block::Note(format!(
            "\u{2020} Base under {SMALL_BASE}: one answer moves a share by more than 10 points; sub-regions are compared with care."
        )));
    }
}
