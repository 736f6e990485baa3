//! The annual report: one self-contained HTML publication built from the
//! latest submitted responses, set beside the previous edition's.
//!
//! Three layers: [`aggregate`] counts (typed model, no HTML), [`charts`]
//! draws (plotters into SVG strings), `render` lays out (askama).

pub mod aggregate;
pub mod charts;
mod render;

use crate::definition::Survey;
use crate::store::{Store, StoreError};
use aggregate::Edition;
use chrono::{DateTime, Utc};
use std::io::IsTerminal;

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

impl From<charts::ChartError> for ReportError {
    fn from(e: charts::ChartError) -> Self {
        ReportError::Render(e.to_string())
    }
}

/// The edition a report compares with when none is named: the definition's
/// `previous`, if the store has it.
pub fn default_compare(store: &Store, survey: &str) -> Option<String> {
    let previous = store.survey(survey).ok()?.previous.as_ref()?;
    store
        .surveys
        .contains_key(previous)
        .then(|| previous.clone())
}

/// The responses that count in an edition: each member's latest submitted
/// revision (drafts never count), in the member list's order.
fn edition<'a>(store: &Store, survey: &'a Survey) -> Result<Edition<'a>, ReportError> {
    let latest = store.latest_submitted(&survey.id)?;
    Ok(Edition::new(
        survey,
        latest
            .iter()
            .filter_map(|rev| Some((survey.member(&rev.member)?.clone(), rev.cells.clone()))),
    ))
}

fn progress_bar(wanted: bool, len: usize) -> indicatif::ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "Building the report {bar:32} {pos}/{len} questions",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Builds the report of `survey` (compared with `compare`, if given) as one HTML document.
pub fn build(
    store: &Store,
    survey: &str,
    compare: Option<&str>,
    options: &ReportOptions,
) -> Result<String, ReportError> {
    let current_survey = store.survey(survey)?.clone();
    let current = edition(store, &current_survey)?;
    let previous_survey = compare.map(|c| store.survey(c).cloned()).transpose()?;
    let previous = previous_survey
        .as_deref()
        .map(|p| edition(store, p))
        .transpose()?;
    let report = aggregate::report(&current, previous.as_ref());
    let bar = progress_bar(options.progress, current_survey.questions().count());
    let synthetic = crate::demo::is_demo(&store.dir);
    let html = render::render(&report, options.generated, synthetic, || bar.inc(1));
    bar.finish_and_clear();
    html
}
