//! The round's progress: where each member stands and the totals the
//! secretariat watches ("27 of 38 members have submitted, 71 %").

use crate::definition::{MemberStatus, Survey};
use crate::store::{Index, Saves, Status};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

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

/// Every member of the edition with where it stands.
pub fn lines(survey: &Survey, saves: &Index, invited: impl Fn(&str) -> bool) -> Vec<MemberLine> {
    survey
        .members
        .iter()
        .map(|m| {
            let none = Saves::default();
            let st = saves.get(&m.code).unwrap_or(&none);
            let is_invited = invited(&m.code);
            MemberLine {
                code: m.code.clone(),
                name: m.name.clone(),
                subregion: m.subregion.clone(),
                associate: m.status == MemberStatus::Associate,
                progress: progress(st, is_invited),
                invited: is_invited,
                last_save: st.latest().map(|s| s.time),
                revisions: st.all().len(),
            }
        })
        .collect()
}

/// Submissions among full members overall, per sub-region, and among associates.
pub fn totals(lines: &[MemberLine]) -> (Count, BTreeMap<String, Count>, Count) {
    let mut overall = Count::default();
    let mut by_region: BTreeMap<String, Count> = BTreeMap::new();
    let mut associates = Count::default();
    for l in lines {
        let done = usize::from(l.progress.has_submitted());
        if l.associate {
            associates.total += 1;
            associates.done += done;
        } else {
            overall.total += 1;
            overall.done += done;
            let r = by_region.entry(l.subregion.clone()).or_default();
            r.total += 1;
            r.done += done;
        }
    }
    (overall, by_region, associates)
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
}
