//! Which members a page of the overview shows: a filter by status,
//! sub-region and text, a sort, and pages of a big edition; only the rows
//! of the page shown are put in order and copied out.

use super::{Progress, Standing};
use crate::definition::{Member, MemberStatus, Survey};
use std::cmp::{Ordering, Reverse};

/// Up to this many members an edition is one page, as the APT's always was
/// (about 600 bytes of HTML a row: 300 KB, which any browser shows at once).
pub const ONE_PAGE_UP_TO: usize = 500;

/// Rows of a page past [`ONE_PAGE_UP_TO`]: 130 to 150 KB of HTML (10 KB
/// gzipped), a few screens to scroll, and round numbers in "members
/// 201–400".
pub const PAGE_ROWS: usize = 200;

/// The longest text the search takes, in characters: longer than any code
/// or name the secretariat would type.
pub const SEARCH_MAX: usize = 100;

/// The statuses a filter can keep: one of them, or every one but
/// "submitted" (the members to chase, as the reminders page lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    Is(Progress),
    NotSubmitted,
}

impl Wanted {
    /// In the order the filter's list offers them.
    pub const ALL: [Wanted; 6] = [
        Wanted::NotSubmitted,
        Wanted::Is(Progress::NotInvited),
        Wanted::Is(Progress::Invited),
        Wanted::Is(Progress::Draft),
        Wanted::Is(Progress::ChangedAfterSubmission),
        Wanted::Is(Progress::Submitted),
    ];

    /// The value in a query string (`?status=not-submitted`).
    pub fn code(self) -> &'static str {
        match self {
            Wanted::Is(p) => p.code(),
            Wanted::NotSubmitted => "not-submitted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Wanted::Is(p) => p.label(),
            Wanted::NotSubmitted => "not submitted, or changed since",
        }
    }

    pub fn parse(code: &str) -> Option<Wanted> {
        Wanted::ALL.into_iter().find(|w| w.code() == code)
    }

    pub fn admits(self, p: Progress) -> bool {
        match self {
            Wanted::Is(q) => p == q,
            Wanted::NotSubmitted => p != Progress::Submitted,
        }
    }
}

/// Whether the members a page shows, or their order, depend on which of
/// those that never saved hold a link: only then must every member's link
/// be known (the rows shown are always looked up).
pub fn needs_every_link(filter: &Filter, sort: Sort) -> bool {
    sort == Sort::Status
        || matches!(
            filter.status,
            Some(Wanted::Is(Progress::Invited | Progress::NotInvited))
        )
}

/// The members a page asks for; the default keeps every one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub status: Option<Wanted>,
    pub subregion: Option<String>,
    /// The text sought, as typed (trimmed).
    pub search: String,
    /// The same, lower-cased once for every comparison.
    folded: String,
}

impl Filter {
    pub fn new(status: Option<Wanted>, subregion: Option<String>, search: &str) -> Filter {
        let search = search.trim().to_string();
        Filter {
            status,
            subregion,
            folded: search.to_lowercase(),
            search,
        }
    }

    /// Whether the filter keeps every member.
    pub fn is_any(&self) -> bool {
        self.status.is_none() && self.subregion.is_none() && self.search.is_empty()
    }

    pub fn admits(&self, member: &Member, standing: &Standing) -> bool {
        self.status.is_none_or(|w| w.admits(standing.progress))
            && self
                .subregion
                .as_ref()
                .is_none_or(|r| *r == member.subregion)
            && (self.folded.is_empty()
                || contains_folded(&member.code, &self.folded)
                || contains_folded(&member.name, &self.folded))
    }
}

/// Whether `hay` holds `needle` (already lower-case), ignoring case.
fn contains_folded(hay: &str, needle: &str) -> bool {
    if needle.is_ascii() {
        // No allocation for the usual search (a code, a Latin name): a
        // million names are compared on every request.
        let n = needle.as_bytes();
        hay.len() >= n.len()
            && hay
                .as_bytes()
                .windows(n.len())
                .any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle)
    }
}

/// The orders of the member table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Those who have not submitted first: they are the ones to chase.
    #[default]
    Status,
    Name,
    Subregion,
    /// The latest save first.
    Last,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Status, Sort::Name, Sort::Subregion, Sort::Last];

    /// The value in a query string (`?sort=name`), also the page's word for it.
    pub fn code(self) -> &'static str {
        match self {
            Sort::Status => "status",
            Sort::Name => "name",
            Sort::Subregion => "subregion",
            Sort::Last => "last",
        }
    }

    pub fn parse(code: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The order of two members; the place in the list settles every tie,
    /// so that the order is total and any algorithm gives the same pages
    /// (and the same order as a stable sort of the list).
    fn cmp(self, members: &[Member], a: &Standing, b: &Standing) -> Ordering {
        let (ma, mb) = (&members[a.place], &members[b.place]);
        let key = match self {
            Sort::Status => {
                (a.progress, associate(ma), &ma.name).cmp(&(b.progress, associate(mb), &mb.name))
            }
            Sort::Name => ma.name.cmp(&mb.name),
            Sort::Subregion => (&ma.subregion, &ma.name).cmp(&(&mb.subregion, &mb.name)),
            Sort::Last => (Reverse(a.last_save), &ma.name).cmp(&(Reverse(b.last_save), &mb.name)),
        };
        key.then(a.place.cmp(&b.place))
    }
}

fn associate(m: &Member) -> bool {
    m.status == MemberStatus::Associate
}

/// Where a page stands among the members that match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Whether the edition is paged at all (past [`ONE_PAGE_UP_TO`] members).
    pub paged: bool,
    /// The page shown, from 1.
    pub page: usize,
    pub pages: usize,
    /// The rows shown, as positions among the members that match.
    pub start: usize,
    pub end: usize,
    pub matching: usize,
    /// The page asked for, when it was past the last (the last is shown).
    pub past_end: Option<u64>,
}

impl Paging {
    /// The page `asked` (from 1) of `matching` members of an edition of
    /// `edition` members; a page past the end gives the last one.
    pub fn new(edition: usize, matching: usize, asked: u64) -> Paging {
        let paged = edition > ONE_PAGE_UP_TO;
        let rows = if paged { PAGE_ROWS } else { matching.max(1) };
        let pages = matching.div_ceil(rows).max(1);
        let fits = usize::try_from(asked).is_ok_and(|a| (1..=pages).contains(&a));
        let page = if fits { asked as usize } else { pages };
        let start = (page - 1) * rows;
        Paging {
            paged,
            page,
            pages,
            start,
            end: (start + rows).min(matching),
            matching,
            past_end: (!fits).then_some(asked),
        }
    }
}

/// The rows `paging` shows of `matching`, in `sort`'s order.
pub fn page(
    survey: &Survey,
    matching: Vec<Standing>,
    sort: Sort,
    paging: &Paging,
) -> Vec<Standing> {
    let members: &[Member] = &survey.members;
    rows(matching, paging, |a, b| sort.cmp(members, a, b))
}

/// The rows `paging` shows of the members to remind, in the reminders
/// page's order: full members first, then by name.
pub fn reminders_page(survey: &Survey, matching: Vec<Standing>, paging: &Paging) -> Vec<Standing> {
    let members: &[Member] = &survey.members;
    rows(matching, paging, |a, b| {
        let (ma, mb) = (&members[a.place], &members[b.place]);
        (associate(ma), &ma.name, a.place).cmp(&(associate(mb), &mb.name, b.place))
    })
}

/// The rows `paging` shows of `matching` in the order `cmp` gives (a
/// total one). Only those rows are sorted: the rest are only split
/// around them, in linear time, which is what keeps a page of a million
/// members quick.
fn rows(
    mut matching: Vec<Standing>,
    paging: &Paging,
    cmp: impl Fn(&Standing, &Standing) -> Ordering + Copy,
) -> Vec<Standing> {
    let (start, end) = (paging.start, paging.end);
    if end < matching.len() {
        matching.select_nth_unstable_by(end, cmp);
        matching.truncate(end);
    }
    if start > 0 && start < matching.len() {
        matching.select_nth_unstable_by(start, cmp);
    }
    let mut shown = matching.split_off(start.min(matching.len()));
    shown.sort_unstable_by(cmp);
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_ignores_case_in_codes_and_names_of_any_script() {
        assert!(contains_folded("Respondent 12", "ent 1"));
        assert!(contains_folded("KR", "kr"));
        assert!(contains_folded("Türkiye", "tür"));
        assert!(contains_folded("ÅLAND", "åla"));
        assert!(!contains_folded("Fiji", "fijian"));
        assert!(!contains_folded("", "a"));
    }

    #[test]
    fn an_edition_of_up_to_500_members_is_one_page() {
        let p = Paging::new(500, 500, 1);
        assert_eq!((p.paged, p.pages, p.start, p.end), (false, 1, 0, 500));
        let empty = Paging::new(42, 0, 1);
        assert_eq!((empty.pages, empty.start, empty.end), (1, 0, 0));
        assert_eq!(Paging::new(42, 42, 2).past_end, Some(2));
    }

    #[test]
    fn a_bigger_edition_pages_by_200_and_a_page_past_the_end_is_the_last() {
        let p = Paging::new(1_203, 1_203, 2);
        assert_eq!(
            (p.paged, p.page, p.pages, p.start, p.end),
            (true, 2, 7, 200, 400)
        );
        let last = Paging::new(1_203, 1_203, 7);
        assert_eq!((last.start, last.end, last.past_end), (1_200, 1_203, None));
        let past = Paging::new(1_203, 1_203, u64::MAX);
        assert_eq!(
            (past.page, past.start, past.past_end),
            (7, 1_200, Some(u64::MAX))
        );
        let few = Paging::new(1_203, 3, 1);
        assert_eq!((few.paged, few.pages, few.end), (true, 1, 3));
    }

    #[test]
    fn not_submitted_keeps_every_status_but_submitted() {
        let kept: Vec<Progress> = Wanted::ALL
            .into_iter()
            .filter_map(|w| match w {
                Wanted::Is(p) => Some(p),
                Wanted::NotSubmitted => None,
            })
            .filter(|&p| Wanted::NotSubmitted.admits(p))
            .collect();
        assert_eq!(
            kept,
            [
                Progress::NotInvited,
                Progress::Invited,
                Progress::Draft,
                Progress::ChangedAfterSubmission
            ]
        );
        for w in Wanted::ALL {
            assert_eq!(Wanted::parse(w.code()), Some(w));
        }
        assert_eq!(Wanted::parse("Submitted"), None);
    }
}
