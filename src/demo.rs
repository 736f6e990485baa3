//! Synthetic demo data: plausible, clearly marked answers for the members of
//! an edition, so that a newcomer sees a full overview and report at once.

use crate::store::{Store, StoreError};
use std::path::Path;

/// The file that marks a data directory as holding demo data only.
pub const MARKER: &str = "DEMO-DATA.txt";

/// What `fill` wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub submitted: usize,
    pub drafts: usize,
    pub missing: usize,
}

/// Checks that `dir` may receive demo data (it is new, empty, or already
/// marked as demo data) and marks it; refuses a directory with real answers.
pub fn prepare_dir(dir: &Path) -> Result<(), String> {
    let _ = dir;
    todo!("demo::prepare_dir")
}

/// Whether `dir` holds demo data.
pub fn is_demo(dir: &Path) -> bool {
    dir.join(MARKER).exists()
}

/// Fills synthetic answers for the members of `survey`.
pub async fn fill(store: &Store, survey: &str, seed: u64) -> Result<Summary, StoreError> {
    let _ = (store, survey, seed);
    todo!("demo::fill")
}
