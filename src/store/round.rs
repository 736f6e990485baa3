//! The round's life beyond its dates: the secretariat closes an edition
//! early or reopens it, and the audit log of the secretariat's actions.

use super::{Store, StoreError, journal};
use crate::definition::Survey;
use chrono::{DateTime, SecondsFormat, Utc};

const ROUND_HEADER: [&str; 4] = ["time", "survey", "state", "by"];
const AUDIT_HEADER: [&str; 7] = [
    "time", "actor", "address", "action", "survey", "member", "detail",
];

/// Whether an edition takes answers now, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundState {
    pub open: bool,
    /// Set when the secretariat closed or reopened the edition by hand.
    pub by_hand: Option<DateTime<Utc>>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub time: String,
    pub actor: String,
    pub address: String,
    pub action: String,
    pub survey: String,
    pub member: String,
    pub detail: String,
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Store {
    fn round_path(&self) -> std::path::PathBuf {
        self.dir.join("rounds.csv")
    }

    fn audit_path(&self) -> std::path::PathBuf {
        self.dir.join("audit.csv")
    }

    /// Whether `survey` takes answers at `now`: the secretariat's last word
    /// if it closed or reopened the edition, else the definition's dates.
    pub fn round(&self, survey: &Survey, now: DateTime<Utc>) -> Result<RoundState, StoreError> {
        let lines = self.rounds.get(&self.round_path(), |lines| lines)?;
        let last = lines.iter().rev().find(|r| &r[1] == survey.id.as_str());
        Ok(match last {
            Some(r) => RoundState {
                open: &r[2] == "open",
                by_hand: DateTime::parse_from_rfc3339(&r[0])
                    .ok()
                    .map(|t| t.with_timezone(&Utc)),
            },
            None => RoundState {
                open: survey.open_at(now),
                by_hand: None,
            },
        })
    }

    /// Closes (`open = false`) or reopens an edition, whatever its dates say.
    pub fn set_round(&self, survey: &str, open: bool, by: &str) -> Result<(), StoreError> {
        self.survey(survey)?;
        let path = self.round_path();
        journal::create(&path, &ROUND_HEADER)?;
        journal::append(
            &path,
            &[&now(), survey, if open { "open" } else { "closed" }, by],
        )
    }

    /// Records an action of the secretariat in the audit log.
    pub fn audit(
        &self,
        actor: &str,
        address: &str,
        action: &str,
        survey: &str,
        member: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let path = self.audit_path();
        journal::create(&path, &AUDIT_HEADER)?;
        journal::append(
            &path,
            &[&now(), actor, address, action, survey, member, detail],
        )
    }

    /// One page of the audit log, newest first (the `skip` newest passed
    /// over, at most `take` shown), read from the file's end; and how many
    /// lines the log has.
    pub fn audit_page(
        &self,
        skip: usize,
        take: usize,
    ) -> Result<(Vec<AuditEntry>, usize), StoreError> {
        let (lines, total) = journal::newest(&self.audit_path(), skip, take)?;
        let width = AUDIT_HEADER.len();
        let entries = lines
            .into_iter()
            .filter(|r| r.len() == width)
            .map(|r| AuditEntry {
                time: r[0].to_string(),
                actor: r[1].to_string(),
                address: r[2].to_string(),
                action: r[3].to_string(),
                survey: r[4].to_string(),
                member: r[5].to_string(),
                detail: r[6].to_string(),
            })
            .collect();
        Ok((entries, total))
    }
}
