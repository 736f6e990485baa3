//! What a save must still meet at the moment it is written: decided by the
//! edition's writer thread, after the body has arrived and just before the
//! row gets its number, so that nothing that changed while the request was
//! on its way (a close, a revoked link, another tab's save, a flood of
//! saves) is missed.

use super::responses::Save;
use chrono::{DateTime, Utc};

/// Saves one member may make in [`RATE_WINDOW`] unless set otherwise: a
/// person saves a few times a minute at most.
pub const SAVES_PER_MINUTE: usize = 10;
/// The window of the rate of saves.
pub const RATE_WINDOW: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
/// Revisions one member may store in one edition unless set otherwise (a
/// member saving every few minutes through a whole round stays far below it).
pub const MAX_REVISIONS: usize = 1_000;
/// MiB of rows one member may store in one edition unless set otherwise:
/// 1,000 saves of the whole 2022 questionnaire with long answers (some
/// 20 KiB each) fit.
pub const MAX_MIB: u64 = 32;

/// One member's limits in one edition; 0 is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotas {
    pub saves_per_minute: usize,
    pub max_revisions: usize,
    pub max_bytes: u64,
}

impl Default for Quotas {
    fn default() -> Quotas {
        Quotas {
            saves_per_minute: SAVES_PER_MINUTE,
            max_revisions: MAX_REVISIONS,
            max_bytes: MAX_MIB << 20,
        }
    }
}

/// A question asked again at the moment of writing: whether the link is
/// still valid and the round still open (None: yes; Some: why not).
pub type StillAllowed = Box<dyn FnOnce() -> Option<String> + Send>;

/// What a save asks to be checked when it is written.
#[derive(Default)]
pub struct Conditions {
    /// The number of the latest save the member's page was made from (0:
    /// none); a later save since then means the page was out of date.
    pub based_on: Option<u64>,
    /// The member's own limits, if they apply.
    pub quotas: Option<Quotas>,
    pub still_allowed: Option<StillAllowed>,
}

/// Why a save was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The link or the round said no (revoked, closed): the reason.
    NotAllowed(String),
    /// Another save (number `latest`) came after the page the save was made from.
    Stale { latest: u64 },
    /// Too many saves within the window: wait this many seconds.
    TooFast { wait_secs: u64 },
    /// The member has stored as many revisions or bytes as its quotas allow.
    Full,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::NotAllowed(why) => f.write_str(why),
            Refused::Stale { latest } => write!(f, "revision {latest} came after the page"),
            Refused::TooFast { wait_secs } => {
                write!(f, "too many saves in a minute; wait {wait_secs} s")
            }
            Refused::Full => f.write_str("the member's revisions are at their quota"),
        }
    }
}

impl Conditions {
    /// Decides a save of `row_len` bytes by a member whose stored saves are
    /// `stored`, followed by `taken` (taken earlier in the same write), at `now`.
    pub(crate) fn decide(
        self,
        stored: &[Save],
        taken: &[Save],
        row_len: usize,
        now: DateTime<Utc>,
    ) -> Result<(), Refused> {
        if let Some(why) = self.still_allowed.and_then(|ask| ask()) {
            return Err(Refused::NotAllowed(why));
        }
        let all = || stored.iter().chain(taken);
        if let Some(base) = self.based_on {
            let latest = taken.last().or(stored.last()).map_or(0, |s| s.number);
            if latest != base {
                return Err(Refused::Stale { latest });
            }
        }
        if let Some(q) = self.quotas {
            let count = (stored.len() + taken.len()) as u64;
            let bytes: u64 = all().map(|s| u64::from(s.len)).sum();
            let over = |limit: u64, n: u64| limit > 0 && n > limit;
            if over(q.max_revisions as u64, count + 1) || over(q.max_bytes, bytes + row_len as u64)
            {
                return Err(Refused::Full);
            }
            // Only the latest `saves_per_minute` saves can say whether the
            // window is full: a member's whole history is not walked per save.
            let recent: Vec<&Save> = all()
                .rev()
                .take(q.saves_per_minute)
                .take_while(|s| now - s.time < RATE_WINDOW)
                .collect();
            if q.saves_per_minute > 0 && recent.len() >= q.saves_per_minute {
                // A save is allowed again once the oldest of those leaves the window.
                let oldest = recent.last().map_or(now, |s| s.time);
                let wait = (RATE_WINDOW - (now - oldest)).num_seconds().max(1);
                return Err(Refused::TooFast {
                    wait_secs: wait as u64,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::responses::Status;

    fn saves(times: &[i64], now: DateTime<Utc>) -> Vec<Save> {
        times
            .iter()
            .enumerate()
            .map(|(i, ago)| Save {
                number: i as u64 + 1,
                time: now - chrono::TimeDelta::seconds(*ago),
                status: Status::Draft,
                offset: 0,
                len: 100,
            })
            .collect()
    }

    fn with(q: Quotas) -> Conditions {
        Conditions {
            quotas: Some(q),
            ..Conditions::default()
        }
    }

    #[test]
    fn the_rate_counts_only_the_last_minute_and_says_how_long_to_wait() {
        let now = Utc::now();
        let q = Quotas {
            saves_per_minute: 3,
            ..Quotas::default()
        };
        assert_eq!(
            with(q).decide(&saves(&[90, 50, 40], now), &[], 100, now),
            Ok(())
        );
        assert_eq!(
            with(q).decide(&saves(&[50], now), &saves(&[40, 10], now), 100, now),
            Err(Refused::TooFast { wait_secs: 10 })
        );
    }

    #[test]
    fn revisions_and_bytes_are_bounded_and_zero_is_no_limit() {
        let now = Utc::now();
        let old = saves(&[600, 500, 400], now);
        let q = |max_revisions, max_bytes| Quotas {
            saves_per_minute: 0,
            max_revisions,
            max_bytes,
        };
        assert_eq!(with(q(4, 0)).decide(&old, &[], 100, now), Ok(()));
        assert_eq!(
            with(q(3, 0)).decide(&old, &[], 100, now),
            Err(Refused::Full)
        );
        assert_eq!(with(q(0, 400)).decide(&old, &[], 100, now), Ok(()));
        assert_eq!(
            with(q(0, 399)).decide(&old, &[], 100, now),
            Err(Refused::Full)
        );
    }

    #[test]
    fn a_page_made_before_the_latest_save_is_stale_and_the_question_again_comes_first() {
        let now = Utc::now();
        let two = saves(&[60, 30], now);
        let base = |b| Conditions {
            based_on: Some(b),
            ..Conditions::default()
        };
        assert_eq!(base(2).decide(&two, &[], 1, now), Ok(()));
        assert_eq!(
            base(1).decide(&two, &[], 1, now),
            Err(Refused::Stale { latest: 2 })
        );
        assert_eq!(base(0).decide(&[], &[], 1, now), Ok(()));
        let closed = Conditions {
            based_on: Some(1),
            still_allowed: Some(Box::new(|| Some("closed".into()))),
            ..Conditions::default()
        };
        assert_eq!(
            closed.decide(&two, &[], 1, now),
            Err(Refused::NotAllowed("closed".into()))
        );
    }
}
