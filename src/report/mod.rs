//! The annual report: one self-contained HTML publication built from the
//! latest submitted responses, set beside the previous edition's.
//!
//! Three layers: [`aggregate`] counts (typed model, no HTML), [`charts`]
//! draws (plotters into SVG strings), `render` lays out (askama).

pub mod aggregate;
pub mod charts;
pub mod commentary;
mod render;

use crate::definition::Survey;
use crate::store::{Save, Store, StoreError};
pub use aggregate::Detail;
use aggregate::Tally;
use chrono::{DateTime, Utc};
use std::io::IsTerminal;
use std::time::Instant;

/// Below this many responses one thread counts them all: a second thread
/// costs more than it saves.
const PARALLEL_MIN: usize = 2_000;

/// How to build the report.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Put this time in the report as "generated on"; None keeps the same
    /// data giving the same bytes.
    pub generated: Option<DateTime<Utc>>,
    /// Show a progress bar on stderr (only when stderr is a terminal).
    pub progress: bool,
    /// List every respondent, or summarise (automatic: by their number).
    pub detail: Detail,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Render(String),
    #[error("{0}")]
    Data(String),
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

/// Counts the responses that count in an edition: each member's latest
/// submitted revision (drafts never count). The one place where the report
/// reads the store.
///
/// What it needs from the store: for each member of the edition's list
/// with a submitted response, once, the member's position in the list
/// (its index in `survey.members`) and the cells of its latest submitted
/// revision, which [`Tally::add`] may clear in place (a reused buffer is
/// fine). Order does not matter, nor how the rows are split between
/// threads: each thread counts into its own [`Tally::new`], and
/// [`Tally::merge`] keeps the member list's order wherever the report
/// lists members.
fn tally<'a>(
    store: &Store,
    survey: &'a Survey,
    detail: Detail,
    associates_in: bool,
) -> Result<Tally<'a>, ReportError> {
    let started = Instant::now();
    // Each member's latest submitted save, with its place in the list, in
    // the list's order: where its row is, not its answers.
    let rows = store.submitted(&survey.id)?;
    let count = |rows: &[(usize, Save)]| -> Result<Tally<'a>, ReportError> {
        let mut tally = Tally::counting(survey, detail, associates_in);
        store.read_places(&survey.id, rows, |place, _, cells| {
            tally.add(place, cells);
            Ok::<(), ReportError>(())
        })?;
        Ok(tally)
    };
    let tally = if rows.len() < PARALLEL_MIN {
        count(&rows)?
    } else {
        let (first, second) = rows.split_at(rows.len() / 2);
        std::thread::scope(|scope| {
            let other = scope.spawn(|| count(second));
            let mut tally = count(first)?;
            tally.merge(
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))?,
            );
            Ok::<Tally<'a>, ReportError>(tally)
        })?
    };
    tracing::debug!(
        survey = %survey.id,
        responses = tally.respondents(),
        ms = started.elapsed().as_millis() as u64,
        "responses read and tallied"
    );
    Ok(tally)
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
    let associates_in = current_survey.count_associates;
    let current = tally(store, &current_survey, options.detail, associates_in)?;
    let previous_survey = compare.map(|c| store.survey(c).cloned()).transpose()?;
    // Only the previous edition's figures are shown, never its members.
    let previous = previous_survey
        .as_deref()
        .map(|p| tally(store, p, Detail::Summary, associates_in))
        .transpose()?;
    let started = Instant::now();
    let report = aggregate::report(current, previous);
    let figured = started.elapsed();
    let bar = progress_bar(options.progress, current_survey.questions().count());
    let synthetic = crate::demo::is_demo(&store.dir);
    let notes = commentary::load(&current_survey).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        ReportError::Data(lines.join("\n"))
    })?;
    let html = render::render(&report, &notes, options.generated, synthetic, || bar.inc(1));
    bar.finish_and_clear();
    tracing::debug!(
        survey = %current_survey.id,
        summary = report.summary.is_some(),
        figures_ms = figured.as_millis() as u64,
        rendered_ms = (started.elapsed() - figured).as_millis() as u64,
        "report built"
    );
    html
}

/// Builds the report of a published edition from the responses of its
/// snapshot (`responses`, in the member list's order, only the cells a
/// published file may hold), never from the store: the public report says
/// what the published files say. `survey` is the edition as published
/// (withheld texts count as private: counted, never quoted); `previous`,
/// the previous edition's published responses, to compare with.
pub fn build_published(
    survey: &Survey,
    responses: &[crate::export::Response],
    previous: Option<(&Survey, &[crate::export::Response])>,
    synthetic: bool,
    generated: DateTime<Utc>,
) -> Result<String, ReportError> {
    let associates_in = survey.count_associates;
    let count = |survey, responses: &[crate::export::Response], detail| {
        let mut tally = Tally::counting(survey, detail, associates_in);
        let mut cells = Vec::new();
        for r in responses {
            cells.clone_from(&r.cells);
            tally.add(r.place, &mut cells);
        }
        tally
    };
    let tally = count(survey, responses, Detail::Auto);
    // Only the previous edition's figures are shown, never its members.
    let before = previous.map(|(s, r)| count(s, r, Detail::Summary));
    let report = aggregate::report(tally, before);
    let notes = commentary::load(survey).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        ReportError::Data(lines.join("\n"))
    })?;
    render::render(&report, &notes, Some(generated), synthetic, || {})
}
