//! A tally split into parts and merged is the tally of all rows, whatever
//! the split and the order the rows come in; a big round is summarised,
//! the APT's own is not.

use super::*;
use crate::answers::{self, Mode};
use crate::definition::load_dir;

/// A tally of `rows`, (member position, cells), in the order given.
fn tally_of<'a, 'r>(
    s: &'a Survey,
    detail: Detail,
    rows: impl IntoIterator<Item = &'r (usize, Cells)>,
) -> Tally<'a> {
    let mut tally = Tally::new(s, detail);
    let mut buffer = Cells::new();
    for (at, cells) in rows {
        buffer.clone_from(cells);
        tally.add(*at, &mut buffer);
    }
    tally
}

fn positioned(s: &Survey, responses: Vec<(Member, Cells)>) -> Vec<(usize, Cells)> {
    responses
        .into_iter()
        .map(|(m, cells)| {
            let at = s.members.iter().position(|x| x.code == m.code).unwrap();
            (at, cells)
        })
        .collect()
}

#[test]
fn a_tally_split_in_two_and_merged_equals_the_tally_of_all_rows() {
    let (now, before) = fixture();
    let rows = positioned(&now, responses_2022(&now));
    let prev = positioned(&before, responses_2021(&before));
    let whole = || {
        report(
            tally_of(&now, Detail::Auto, &rows),
            Some(tally_of(&before, Detail::Auto, &prev)),
        )
    };
    for cut in 0..=rows.len() {
        let (a, b) = rows.split_at(cut);
        let mut first = tally_of(&now, Detail::Auto, a);
        first.merge(tally_of(&now, Detail::Auto, b));
        let mut second = tally_of(&now, Detail::Auto, b);
        second.merge(tally_of(&now, Detail::Auto, a));
        for merged in [first, second] {
            let r = report(merged, Some(tally_of(&before, Detail::Auto, &prev)));
            assert_eq!(r, whole(), "split at {cut}");
        }
    }
}

/// The bundled editions with a member list of `n` synthetic respondents.
fn bundled(n: usize) -> (tempfile::TempDir, Survey) {
    let dir = tempfile::tempdir().unwrap();
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys");
    for f in ["spam-2021.toml", "spam-2022.toml"] {
        std::fs::copy(bundled.join(f), dir.path().join(f)).unwrap();
    }
    let mut members = String::from("code,iso3,name,subregion,status\n");
    for i in 0..n {
        let region = SUBREGIONS[i % SUBREGIONS.len()];
        let status = if i % 9 == 4 { "associate" } else { "member" };
        members.push_str(&format!("R{i:04},,Respondent {i},{region},{status}\n"));
    }
    std::fs::write(dir.path().join("members.csv"), members).unwrap();
    let survey = load_dir(dir.path())
        .unwrap()
        .into_iter()
        .find(|s| s.id == "spam-2022")
        .unwrap();
    (dir, survey)
}

/// Demo submissions of every member but one in `skip`, as the form stores them.
fn submissions(s: &Survey, skip: usize) -> Vec<(usize, Cells)> {
    s.members
        .iter()
        .enumerate()
        .filter(|(i, _)| i % skip != skip - 1)
        .map(|(i, m)| {
            let fields = crate::demo::submission(s, m, 7);
            let checked = answers::process(s, &fields, Mode::Submit).unwrap();
            assert!(checked.problems.is_empty(), "{:?}", checked.problems);
            (i, checked.cells)
        })
        .collect()
}

#[test]
fn the_merged_tally_depends_neither_on_the_split_nor_on_the_order_of_the_rows() {
    // 231 respondents: each half is under the automatic threshold, the whole above it.
    let (_dir, s) = bundled(264);
    let rows = submissions(&s, 8);
    assert!(rows.len() > FULL_DETAIL_MAX && rows.len() / 2 < FULL_DETAIL_MAX);
    for detail in [Detail::Auto, Detail::Full, Detail::Summary] {
        let whole = report(tally_of(&s, detail, &rows), None);
        let (a, b) = rows.split_at(rows.len() / 2);
        let mut halves = tally_of(&s, detail, b);
        halves.merge(tally_of(&s, detail, a));
        assert_eq!(report(halves, None), whole, "{detail:?}: halves");
        // File order is not member order: odd and even rows, one part backwards.
        let odd = tally_of(&s, detail, rows.iter().skip(1).step_by(2).rev());
        let mut interleaved = tally_of(&s, detail, rows.iter().step_by(2));
        interleaved.merge(odd);
        assert_eq!(report(interleaved, None), whole, "{detail:?}: interleaved");
    }
}

#[test]
fn a_summary_lists_no_member_and_quotes_the_first_texts_in_member_list_order() {
    let (_dir, s) = bundled(264);
    let rows = submissions(&s, 8);
    let r = report(tally_of(&s, Detail::Auto, rows.iter().rev()), None);
    assert_eq!(r.summary, Some(Summary { sample: SAMPLE }));
    assert!(r.response.respondents.is_empty());
    assert_eq!(
        r.response.responded + r.response.associates_responded,
        rows.len()
    );
    assert!(r.profiles.rows.is_empty());
    let mut quoted = 0;
    for q in r.questions() {
        match &q.body {
            Body::Numbers { rows, stats, .. } => {
                assert!(rows.is_empty(), "{}: no row per member", q.id);
                assert!(
                    stats.iter().any(|s| s.reported > 0),
                    "{}: figures counted",
                    q.id
                );
            }
            Body::Text { rows, withheld, .. } if *withheld == 0 => {
                assert_eq!(rows.len(), q.base.answered.min(SAMPLE), "{}", q.id);
                quoted += rows.len();
            }
            _ => {}
        }
        for (label, count) in &q.specified_counts {
            let n = q
                .specified
                .iter()
                .filter(|x| x.label.as_ref() == Some(label))
                .count();
            assert_eq!(n, (*count).min(SAMPLE), "{}: {label}", q.id);
        }
    }
    assert!(quoted > SAMPLE, "the edition's texts are sampled");
    // The sample of G4 is its first answers in the member list's order.
    let g4 = s.column_index("G4").unwrap();
    let expected: Vec<String> = rows
        .iter()
        .filter_map(|(at, cells)| {
            let mut cells = cells.clone();
            answers::apply_conditions(&s, &mut cells);
            // Associates' texts are quoted apart, in their own sample.
            let member = &s.members[*at];
            (member.status == MemberStatus::Member && !cells[g4].trim().is_empty())
                .then(|| member.name.clone())
        })
        .take(SAMPLE)
        .collect();
    let Body::Text { rows: sample, .. } = &q(&r, "G4").body else {
        panic!("G4 is a text")
    };
    let got: Vec<String> = sample.iter().map(|t| t.country.clone()).collect();
    assert_eq!(got, expected);
}

#[test]
fn the_automatic_choice_lists_every_member_of_the_apt_and_summarises_past_the_threshold() {
    let bundled_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys");
    for s in load_dir(&bundled_dir).unwrap() {
        // Every member and associate of the APT responding is still a full report.
        let every: Vec<(usize, Cells)> = (0..s.members.len()).map(|i| (i, Cells::new())).collect();
        assert!(every.len() >= 42, "{}: the APT's list", s.id);
        let r = report(tally_of(&s, Detail::Auto, &every), None);
        assert_eq!(r.summary, None, "{}", s.id);
        assert_eq!(r.response.respondents.len(), every.len());
        assert_eq!(r.profiles.rows.len(), every.len());
    }
    let (_dir, s) = bundled(FULL_DETAIL_MAX + 1);
    let rows: Vec<(usize, Cells)> = (0..s.members.len()).map(|i| (i, Cells::new())).collect();
    let at_most = report(tally_of(&s, Detail::Auto, &rows[1..]), None);
    assert_eq!(at_most.summary, None);
    let past = report(tally_of(&s, Detail::Auto, &rows), None);
    assert!(past.summary.is_some());
    let forced = report(tally_of(&s, Detail::Full, &rows), None);
    assert_eq!(forced.response.respondents.len(), rows.len());
    let small = report(tally_of(&s, Detail::Summary, &rows[..3]), None);
    assert!(small.summary.is_some() && small.profiles.rows.is_empty());
}
