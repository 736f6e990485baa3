//! The warnings a member confirmed on submitting ("submit anyway"), one
//! line each, in a journal beside the edition's responses: the responses
//! file keeps its layout, and each line names the revision it goes with.

use super::{Store, StoreError, journal};
use chrono::{SecondsFormat, Utc};
use std::path::PathBuf;

const HEADER: [&str; 6] = [
    "time", "member", "revision", "question", "column", "warning",
];

/// One warning a member confirmed with a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub time: String,
    pub member: String,
    pub revision: u64,
    pub question: String,
    pub column: String,
    pub warning: String,
}

impl Store {
    fn confirmations_path(&self, survey: &str) -> Result<PathBuf, StoreError> {
        self.survey(survey)?;
        Ok(self.dir.join(survey).join("confirmations.csv"))
    }

    /// Records that `member` confirmed these warnings (question, column,
    /// sentence) with `revision`; returns once every line is on disk.
    pub fn confirm_warnings(
        &self,
        survey: &str,
        member: &str,
        revision: u64,
        warnings: &[(String, String, String)],
    ) -> Result<(), StoreError> {
        if warnings.is_empty() {
            return Ok(());
        }
        let path = self.confirmations_path(survey)?;
        journal::create(&path, &HEADER)?;
        let time = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        let revision = revision.to_string();
        for (question, column, warning) in warnings {
            journal::append(
                &path,
                &[&time, member, &revision, question, column, warning],
            )?;
        }
        Ok(())
    }

    /// Every confirmed warning of an edition, in the order recorded; an
    /// edition without any has an empty list.
    pub fn confirmations(&self, survey: &str) -> Result<Vec<Confirmation>, StoreError> {
        Ok(journal::read(&self.confirmations_path(survey)?)?
            .into_iter()
            .filter_map(|r| {
                Some(Confirmation {
                    time: r[0].to_string(),
                    member: r[1].to_string(),
                    revision: r[2].parse().ok()?,
                    question: r[3].to_string(),
                    column: r[4].to_string(),
                    warning: r[5].to_string(),
                })
            })
            .collect())
    }
}
