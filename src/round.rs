//! The round's progress: where each member stands and the totals the
//! secretariat watches ("27 of 38 members have submitted, 71 %"); which
//! members a page of the overview shows is in [`select`].

pub mod select;

use crate::definition::{Member, MemberStatus, Survey};
use crate::store::{Index, Saves, Status};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// Where a member stands in a round, in the order the secretariat chases them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Progress {
    NotInvited,
    Invited,
    Draft,
    /// Submitted once, then saved a draft since: the submission stands, but may change.
    ChangedAfterSubmission,
    Submitted,
}

impl Progress {
    pub fn label(self) -> &'static str {
        match self {
            Progress::NotInvited => "not invited",
            Progress::Invited => "invited",
            Progress::Draft => "draft",
            Progress::ChangedAfterSubmission => "changed after submission",
            Progress::Submitted => "submitted",
        }
    }

    /// Whether the member has a submission that counts.
    pub fn has_submitted(self) -> bool {
        matches!(self, Progress::Submitted | Progress::ChangedAfterSubmission)
    }

    /// A short code for CSS classes and sorting keys.
    pub fn code(self) -> &'static str {
        match self {
            Progress::NotInvited => "not-invited",
            Progress::Invited => "invited",
            Progress::Draft => "draft",
            Progress::ChangedAfterSubmission => "changed",
            Progress::Submitted => "submitted",
        }
    }
}

/// One member's line in the overview.
#[derive(Debug, Clone)]
pub struct MemberLine {
    pub code: String,
    pub name: String,
    pub subregion: String,
    pub associate: bool,
    pub progress: Progress,
    pub invited: bool,
    pub last_save: Option<DateTime<Utc>>,
    pub revisions: usize,
}

/// "n of total", with its percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Count {
    pub done: usize,
    pub total: usize,
}

impl Count {
    pub fn percent(&self) -> usize {
        (self.done * 100 + self.total / 2)
            .checked_div(self.total)
            .unwrap_or(0)
    }
}

/// A count as the pages write it: 100,000 (and 42 as 42). Templates
/// hand it a reference, code a number.
pub fn grouped(n: impl std::borrow::Borrow<usize>) -> String {
    let digits = n.borrow().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Where a member stands, from its saves and whether it holds a link.
pub fn progress(saves: &Saves, invited: bool) -> Progress {
    match (saves.latest(), saves.latest_submitted()) {
        (Some(l), Some(s)) if l.number == s.number => Progress::Submitted,
        (Some(l), Some(_)) if l.status == Status::Draft => Progress::ChangedAfterSubmission,
        (Some(_), Some(_)) => Progress::Submitted,
        (Some(_), None) => Progress::Draft,
        (None, _) if invited => Progress::Invited,
        (None, _) => Progress::NotInvited,
    }
}

/// Where one member stands, without copies of its code or name: its
/// place in the member list says who it is. A million of these are made
/// for each page of the overview, so they stay small and allocate nothing.
/// Its saves settle its progress, except for a member that never saved,
/// which is invited or not by its link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub place: usize,
    pub progress: Progress,
    pub invited: bool,
    pub last_save: Option<DateTime<Utc>>,
    pub revisions: usize,
}

/// Every member of the edition, in the list's order, with where it
/// stands as its saves tell; whether it holds a link is for
/// [`Standing::invite`] to add, for as many members as need it.
pub fn standings(survey: &Survey, saves: &Index) -> Vec<Standing> {
    let mut out: Vec<Standing> = (0..survey.members.len())
        .map(|place| Standing {
            place,
            progress: Progress::NotInvited,
            invited: false,
            last_save: None,
            revisions: 0,
        })
        .collect();
    for (place, st) in saves.listed() {
        if let Some(s) = out.get_mut(place) {
            s.progress = progress(st, false);
            s.last_save = st.latest().map(|l| l.time);
            s.revisions = st.all().len();
        }
    }
    out
}

impl Standing {
    /// The member holds a link in force: one that never saved is invited.
    pub fn invite(&mut self) {
        self.invited = true;
        if self.revisions == 0 {
            self.progress = Progress::Invited;
        }
    }
}

/// Adds every link in force to `standings` (every member, in the list's
/// order), one look-up per link rather than one per member.
pub fn invite_all<'a>(
    survey: &Survey,
    standings: &mut [Standing],
    invited: impl IntoIterator<Item = &'a str>,
) {
    for code in invited {
        if let Some(s) = survey
            .members
            .position(code)
            .and_then(|p| standings.get_mut(p))
        {
            s.invite();
        }
    }
}

impl MemberLine {
    /// The line of `member`, which stands as `standing` says.
    pub fn new(member: &Member, standing: &Standing) -> MemberLine {
        MemberLine {
            code: member.code.clone(),
            name: member.name.clone(),
            subregion: member.subregion.clone(),
            associate: member.status == MemberStatus::Associate,
            progress: standing.progress,
            invited: standing.invited,
            last_save: standing.last_save,
            revisions: standing.revisions,
        }
    }
}

/// The overview's totals: always of every member, whatever a page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Submissions among full members.
    pub overall: Count,
    /// The same by sub-region, in alphabetical order.
    pub by_region: Vec<(String, Count)>,
    /// Submissions among associate members.
    pub associates: Count,
    /// Every sub-region of the edition's members, associates' included.
    pub subregions: Vec<String>,
}

/// Submissions among full members overall, per sub-region, and among associates.
pub fn totals(survey: &Survey, standings: &[Standing]) -> Totals {
    let mut overall = Count::default();
    let mut by_region: BTreeMap<&str, Count> = BTreeMap::new();
    let mut associates = Count::default();
    let mut subregions: BTreeSet<&str> = BTreeSet::new();
    for s in standings {
        let Some(m) = survey.members.get(s.place) else {
            continue;
        };
        let done = usize::from(s.progress.has_submitted());
        if m.status == MemberStatus::Associate {
            associates.total += 1;
            associates.done += done;
            subregions.insert(&m.subregion);
        } else {
            overall.total += 1;
            overall.done += done;
            let r = by_region.entry(&m.subregion).or_default();
            r.total += 1;
            r.done += done;
        }
    }
    subregions.extend(by_region.keys());
    Totals {
        overall,
        by_region: by_region
            .into_iter()
            .map(|(r, c)| (r.to_string(), c))
            .collect(),
        associates,
        subregions: subregions.into_iter().map(str::to_string).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Save;

    fn saves(list: &[(u64, Status)]) -> Saves {
        Saves(
            list.iter()
                .map(|&(number, status)| Save {
                    number,
                    time: Utc::now(),
                    status,
                    offset: 0,
                    len: 0,
                })
                .collect(),
        )
    }

    #[test]
    fn progress_follows_the_saves_and_the_link() {
        let none = Saves::default();
        assert_eq!(progress(&none, false), Progress::NotInvited);
        assert_eq!(progress(&none, true), Progress::Invited);
        let draft = saves(&[(1, Status::Draft)]);
        assert_eq!(progress(&draft, true), Progress::Draft);
        let sub = saves(&[(1, Status::Draft), (2, Status::Submitted)]);
        assert_eq!(progress(&sub, false), Progress::Submitted);
        let changed = saves(&[(2, Status::Submitted), (3, Status::Draft)]);
        assert_eq!(progress(&changed, true), Progress::ChangedAfterSubmission);
        let again = saves(&[
            (2, Status::Submitted),
            (3, Status::Draft),
            (4, Status::Submitted),
        ]);
        assert_eq!(progress(&again, true), Progress::Submitted);
        assert!(Progress::ChangedAfterSubmission.has_submitted());
    }

    #[test]
    fn a_percentage_rounds_to_the_nearest_whole() {
        assert_eq!(
            Count {
                done: 27,
                total: 38
            }
            .percent(),
            71
        );
        assert_eq!(Count { done: 0, total: 0 }.percent(), 0);
        assert_eq!(Count { done: 1, total: 3 }.percent(), 33);
    }

    #[test]
    fn a_link_makes_a_member_invited_only_until_it_saves() {
        let mut never = Standing {
            place: 0,
            progress: Progress::NotInvited,
            invited: false,
            last_save: None,
            revisions: 0,
        };
        never.invite();
        assert_eq!((never.progress, never.invited), (Progress::Invited, true));
        let mut saved = Standing {
            progress: Progress::Draft,
            revisions: 1,
            ..never
        };
        saved.invite();
        assert_eq!(saved.progress, Progress::Draft);
    }

    #[test]
    fn a_count_is_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(100_000), "100,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
