//! One population, stated: the fixture's members (AA, BB, CC responded of
//! four) are every figure; the associate EE's answers are counted apart;
//! the previous edition is compared on its members too.

use super::*;

fn built_apart() -> Report {
    let (now, before) = fixture_apart();
    let current = tallied(&now, responses_2022(&now));
    let previous = tallied(&before, responses_2021(&before));
    report(current, Some(previous))
}

#[test]
fn bases_and_percentages_count_the_members_and_the_associates_answers_are_apart() {
    let r = built_apart();
    assert!(r.population.associates_apart && !r.population.associates_in);
    let b1 = q(&r, "B1");
    assert_eq!(
        b1.base,
        Base {
            respondents: 3,
            shown: 3,
            answered: 3
        }
    );
    let law = b1.share("dedicated_law").unwrap();
    assert_eq!(law.count, 1);
    assert_eq!(law.pct.map(rounded), Some(33));
    let apart = b1.apart.as_ref().expect("the associate's answers, apart");
    assert_eq!(apart.base.answered, 1);
    assert_eq!(
        counts(&apart.body),
        vec![("dedicated_law", 1), ("other_laws", 0), ("no", 0)]
    );
    let a1 = q(&r, "A1");
    let Body::Scale { mean, .. } = &a1.body else {
        panic!("A1 is a scale")
    };
    assert_eq!(mean.map(|m| (m * 100.0).round()), Some(333.0), "(4+2+4)/3");
    // The associate is marked wherever a country is listed.
    let Body::Text { rows, .. } = &q(&r, "G4").body else {
        panic!("G4 is a text")
    };
    assert!(rows.iter().all(|t| !t.country.contains("Epsilon")));
    assert!(
        r.profiles
            .rows
            .iter()
            .any(|p| p.associate && p.country == "Epsilon")
    );
}

#[test]
fn year_over_year_compares_members_with_members_and_says_how_many_both_years_share() {
    let r = built_apart();
    let Compare::Shares {
        rows, prev_base, ..
    } = &q(&r, "B1").compare
    else {
        panic!("B1 is compared")
    };
    assert_eq!(prev_base.answered, 2);
    let law = rows
        .iter()
        .find(|x| x.now.as_ref().is_some_and(|s| s.code == "dedicated_law"))
        .unwrap();
    // 1 of 3 members (33%) beside 1 of 2 (50%): with the associate it
    // would read 2 of 4 (50%), no change at all.
    assert_eq!(law.change, Some(-17));
    assert_eq!(r.shared, Some(2), "AA and BB responded in both years");
}

#[test]
fn a_matrix_row_picked_but_not_rated_is_in_the_rows_base_as_no_answer() {
    let (now, _) = fixture_apart();
    let mut responses = responses_2022(&now);
    // CC picked e-mail in A2 and rated nothing in A3.
    responses.retain(|(m, _)| m.code != "EE");
    let r = report(tallied(&now, responses), None);
    let Body::MatrixChoice { rows, .. } = &q(&r, "A3").body else {
        panic!("A3 is a matrix")
    };
    let email = rows.iter().find(|x| x.code == "email").unwrap();
    assert_eq!((email.shown, email.answered, email.no_answer()), (2, 1, 1));
    assert_eq!(email.mean, Some(3.0));
    let sms = rows.iter().find(|x| x.code == "sms").unwrap();
    assert_eq!((sms.shown, sms.answered, sms.no_answer()), (2, 2, 0));
    assert_eq!(sms.mean, Some(2.5));
    let fax = rows.iter().find(|x| x.code == "other").unwrap();
    assert_eq!((fax.shown, fax.answered), (1, 1));
}

#[test]
fn a_tie_among_the_members_is_stated_as_a_tie_in_the_key_findings() {
    let r = built_apart();
    let g1 = r
        .findings
        .iter()
        .find(|f| f.question == "G1")
        .expect("a G1 finding");
    // Members: legislation 2, budget 2, spoofing 1 (the associate's
    // spoofing is not counted).
    assert!(
        g1.text
            .contains("“Insufficient legislation” and “Limited budget” are tied as the answer chosen most, each by 2 of the 3 members that answered (67%; base under 10)"),
        "{}",
        g1.text
    );
    assert!(
        r.findings[0]
            .text
            .contains("show the associate members' answers apart")
    );
}

#[test]
fn shares_by_subregion_count_each_subregions_members() {
    let r = built_apart();
    let b1 = q(&r, "B1");
    let by: Vec<(&str, usize, usize)> = b1
        .by_region
        .iter()
        .map(|g| {
            (
                g.name.as_str(),
                g.answered,
                g.shares
                    .iter()
                    .find(|s| s.code == "no")
                    .map_or(0, |s| s.count),
            )
        })
        .collect();
    assert_eq!(
        by,
        vec![
            ("South Asia", 1, 0),
            ("South-East Asia", 0, 0),
            ("East Asia", 1, 1),
            ("Pacific", 1, 0),
        ]
    );
}
