//! The annual report: one self-contained HTML publication built from the
//! latest submitted responses, set beside the previous edition's.

use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};

/// How to build the report.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Put this time in the report as "generated on"; None keeps the same
    /// data giving the same bytes.
    pub generated: Option<DateTime<Utc>>,
    /// Show a progress bar on stderr (only when stderr is a terminal).
    pub progress: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Render(String),
}

/// The edition a report compares with when none is named: the definition's
/// `previous`, if the store has it.
pub fn default_compare(store: &Store, survey: &str) -> Option<String> {
    let _ = (store, survey);
    todo!("report::default_compare")
}

/// Builds the report of `survey` (compared with `compare`, if given) as one HTML document.
pub fn build(
    store: &Store,
    survey: &str,
    compare: Option<&str>,
    options: &ReportOptions,
) -> Result<String, ReportError> {
    let _ = (store, survey, compare, options);
    todo!("report::build")
}
