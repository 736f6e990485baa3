//! `spam-survey export`: writes a CSV download of an edition.

use super::dirs::write_file;
use super::{Dirs, audit, load_surveys};
use crate::export::{self as exports, ExportKind, ExportOptions};
use crate::store::{Store, StoreError};
use crate::words::count;
use std::path::{Path, PathBuf};

/// The arguments of `spam-survey export`.
#[derive(clap::Args)]
pub struct Args {
    /// The edition, such as spam-2022.
    #[arg(long)]
    pub survey: String,
    /// The language of the texts (questions, options, titles), one of the
    /// edition's `languages` (default: its first). Codes stay codes.
    #[arg(long)]
    pub lang: Option<String>,
    /// Which file: responses (latest submitted, one row per member),
    /// revisions (every save), long (one row per answer cell), codebook.
    #[arg(long, default_value = "responses", value_parser = ["responses", "revisions", "long", "codebook"])]
    pub kind: String,
    /// Where to write (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Option labels instead of codes.
    #[arg(long)]
    pub labels: bool,
    /// Exact values: do not neutralise cells that a spreadsheet would run as formulas.
    #[arg(long)]
    pub raw: bool,
    /// Start with a UTF-8 byte-order mark (for Excel).
    #[arg(long)]
    pub bom: bool,
    #[command(flatten)]
    pub dirs: Dirs,
}

/// Runs `export`.
pub fn run(a: Args) -> Result<(), String> {
    let options = ExportOptions {
        labels: a.labels,
        raw: a.raw,
        bom: a.bom,
    };
    export(
        &a.survey,
        &a.kind,
        a.out.as_deref(),
        options,
        &a.dirs,
        a.lang.as_deref(),
    )
}

fn export(
    survey: &str,
    kind: &str,
    out: Option<&Path>,
    options: ExportOptions,
    dirs: &Dirs,
    lang: Option<&str>,
) -> Result<(), String> {
    // clap has already checked that the name is one of these.
    let kind = ExportKind::from_name(kind).unwrap_or(ExportKind::Responses);
    let surveys = crate::definition::in_language(load_surveys(&dirs.surveys)?, survey, lang)?;
    if !surveys.iter().any(|s| s.id == survey) {
        return Err(StoreError::NoSuchSurvey(survey.to_string()).to_string());
    }
    let dir = dirs.existing_data()?;
    let store = Store::open_read_only(dir, surveys).map_err(|e| e.to_string())?;
    match out {
        Some(path) => {
            let rows = write_file(path, |w| {
                exports::write(&store, survey, kind, options, w).map_err(|e| e.to_string())
            })?;
            eprintln!(
                "{} written to {}",
                count(rows, "row", "rows"),
                path.display()
            );
            audit(&store, "export", survey, "", &path.display().to_string());
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            exports::write(&store, survey, kind, options, &mut w).map_err(|e| e.to_string())?;
            std::io::Write::flush(&mut w).map_err(|e| e.to_string())?;
            audit(&store, "export", survey, "", "standard output");
        }
    }
    Ok(())
}
