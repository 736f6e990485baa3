//! The public files of one published version, built once from the store
//! and the definition: the responses (codes, and labels), the long file
//! and the codebook as CSV, the Excel workbook, the data package, the
//! report, all of them as one ZIP, and the manifest of their SHA-256.
//!
//! Every file is made from the same responses, taken from the store once
//! with only the cells a published file may hold ([`export::published`]);
//! the report is built from those responses too, never from live data.

use super::PublishError;
use crate::definition::{Kind, Survey};
use crate::export::{
    self, ExportKind, ExportOptions, Response, Selection, Source, published, workbook,
};
use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use sha2::{Digest, Sha256};
use std::io::Write;

/// The manifest's file name in each version's folder.
pub const MANIFEST: &str = "manifest.json";
/// The report's file name.
pub const REPORT: &str = "report.html";
/// The data package's file name.
pub const PACKAGE: &str = "datapackage.json";
/// What a withheld free text holds in the responses the report counts:
/// answered, never quoted (its columns are in no file).
const WITHHELD: &str = "withheld";

/// What a version's folder holds, as `manifest.json` has it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub edition: String,
    pub title: String,
    pub year: i32,
    pub version: u32,
    /// When it was published (UTC, RFC 3339).
    pub published: String,
    pub respondents: usize,
    pub licence: String,
    #[serde(default)]
    pub licence_url: Option<String>,
    #[serde(default)]
    pub citation: Option<String>,
    /// Every file of the version but the manifest, in the order offered.
    pub files: Vec<ManifestFile>,
}

/// One published file: its name, what it is, its size and SHA-256.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ManifestFile {
    pub name: String,
    pub title: String,
    pub media_type: String,
    pub bytes: u64,
    pub sha256: String,
}

/// A version's files, ready to write.
pub struct Built {
    pub files: Vec<(String, Vec<u8>)>,
    pub respondents: usize,
}

/// The edition as the public files see it: a text question whose texts
/// are withheld counts as private, so that the report counts its answers
/// and never quotes them. (A choice with a withheld "please specify" keeps
/// its choice columns; its texts are simply not in the responses.)
pub fn public_survey(survey: &Survey) -> Survey {
    let mut public = survey.clone();
    for section in &mut public.sections {
        for q in &mut section.questions {
            if matches!(q.kind, Kind::Text { .. }) && !q.texts_public {
                q.private = true;
            }
        }
    }
    public
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn failed(e: impl std::fmt::Display) -> PublishError {
    PublishError::Build(e.to_string())
}

/// Builds every public file of version `version` of `survey`, published at `now`.
pub fn build(
    store: &crate::store::Store,
    survey: &Survey,
    version: u32,
    now: DateTime<Utc>,
) -> Result<Built, PublishError> {
    let public = public_survey(survey);
    let columns = public.columns();
    let questions: Vec<_> = public.questions().collect();
    let responses = take(store, &public, |i| {
        let c = &columns[i];
        let q = questions[c.question];
        if published(q, &c.cell) {
            Keep::Value
        } else if matches!(q.kind, Kind::Text { .. }) {
            Keep::Marker
        } else {
            // A withheld "please specify" text, or a private question's choice.
            Keep::Nothing
        }
    })?;
    let respondents = responses.len();
    let source = Source::Responses(&responses);
    let id = &survey.id;
    let csv = |kind: ExportKind, labels: bool| -> Result<Vec<u8>, PublishError> {
        let mut out = Vec::new();
        let options = ExportOptions {
            labels,
            raw: false,
            bom: false,
        };
        export::write_from(source, &public, kind, options, Selection::Public, &mut out)
            .map_err(failed)?;
        Ok(out)
    };
    let published_at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let licence = survey.publication.licence.clone().unwrap_or_default();
    let mut files: Vec<(String, String, &str, Vec<u8>)> = vec![
        (
            format!("{id}-responses.csv"),
            "Responses, one row per member (codes)".into(),
            "text/csv",
            csv(ExportKind::Responses, false)?,
        ),
        (
            format!("{id}-responses-labels.csv"),
            "Responses, one row per member (labels)".into(),
            "text/csv",
            csv(ExportKind::Responses, true)?,
        ),
        (
            format!("{id}-long.csv"),
            "Long (tidy) table: one row per answer".into(),
            "text/csv",
            csv(ExportKind::Long, false)?,
        ),
        (
            format!("{id}-codebook.csv"),
            "Codebook: what each column holds".into(),
            "text/csv",
            csv(ExportKind::Codebook, false)?,
        ),
    ];
    let about = vec![
        ("Edition".to_string(), id.clone()),
        ("Title".into(), survey.title.clone()),
        ("Year".into(), survey.year.to_string()),
        ("Reference period".into(), survey.reference_period.clone()),
        (
            "Published by".into(),
            survey.organisation.clone().unwrap_or_default(),
        ),
        ("Version".into(), version.to_string()),
        ("Published".into(), published_at.clone()),
        ("Respondents".into(), respondents.to_string()),
        ("Licence".into(), licence.clone()),
        (
            "Licence text".into(),
            survey.publication.licence_url.clone().unwrap_or_default(),
        ),
        (
            "Citation".into(),
            survey.publication.citation.clone().unwrap_or_default(),
        ),
        (
            "Sheets".into(),
            "Responses (labels, one row per member), Codebook (what each column holds), About"
                .into(),
        ),
    ];
    let book = workbook::workbook(source, &public, Selection::Public, &about).map_err(failed)?;
    files.push((
        format!("{id}.xlsx"),
        "Excel workbook: responses, codebook, about".into(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        book,
    ));
    // The previous edition as it is published now, if it is: the public
    // report compares with published figures only.
    let previous = match &survey.previous {
        Some(p) => previous_published(store, p)?,
        None => None,
    };
    let report = crate::report::build_published(
        &public,
        &responses,
        previous.as_ref().map(|(s, r)| (s, r.as_slice())),
        crate::demo::is_demo(&store.dir),
        now,
    )
    .map_err(failed)?;
    files.push((
        REPORT.into(),
        "The report".into(),
        "text/html",
        report.into_bytes(),
    ));
    let package = super::package::datapackage(&public, version, &published_at, respondents);
    files.push((
        PACKAGE.into(),
        "Frictionless Data Package: the CSV files' schemas".into(),
        "application/json",
        package,
    ));
    let zip_name = format!("{id}-v{version}.zip");
    let zipped = zip_all(id, version, now, &files)?;
    files.push((
        zip_name,
        "All of the files above, as one ZIP".into(),
        "application/zip",
        zipped,
    ));
    let manifest = Manifest {
        edition: id.clone(),
        title: survey.title.clone(),
        year: survey.year,
        version,
        published: published_at,
        respondents,
        licence,
        licence_url: survey.publication.licence_url.clone(),
        citation: survey.publication.citation.clone(),
        files: files
            .iter()
            .map(|(name, title, media_type, bytes)| ManifestFile {
                name: name.clone(),
                title: title.clone(),
                media_type: media_type.to_string(),
                bytes: bytes.len() as u64,
                sha256: hex_sha256(bytes),
            })
            .collect(),
    };
    let manifest = serde_json::to_vec_pretty(&manifest).map_err(failed)?;
    let mut out: Vec<(String, Vec<u8>)> = files.into_iter().map(|(n, _, _, b)| (n, b)).collect();
    out.push((MANIFEST.into(), manifest));
    Ok(Built {
        files: out,
        respondents,
    })
}

/// The edition `id` as published now (its current version's responses
/// file read back), if it is public.
fn previous_published(
    store: &crate::store::Store,
    id: &str,
) -> Result<Option<(Survey, Vec<Response>)>, PublishError> {
    let Ok(survey) = store.survey(id) else {
        return Ok(None);
    };
    let edition = super::edition(store, id)?;
    let Some(current) = edition.current() else {
        return Ok(None);
    };
    let name = format!("{id}-responses.csv");
    let Some((bytes, _)) = super::file(store, id, current.number, &name)? else {
        return Ok(None);
    };
    let public = public_survey(survey);
    let responses = export::read_responses(&public, &bytes).map_err(failed)?;
    Ok(Some((public, responses)))
}

enum Keep {
    Value,
    Marker,
    Nothing,
}

/// The responses with only the cells that may be counted: a withheld free
/// text becomes a marker (counted as answered), anything else withheld empty.
fn take(
    store: &crate::store::Store,
    survey: &Survey,
    keep: impl Fn(usize) -> Keep,
) -> Result<Vec<Response>, PublishError> {
    let mut responses = export::take(store, survey).map_err(failed)?;
    for r in &mut responses {
        for (i, cell) in r.cells.iter_mut().enumerate() {
            match keep(i) {
                Keep::Value => {}
                Keep::Marker if !cell.is_empty() => *cell = WITHHELD.into(),
                _ => cell.clear(),
            }
        }
    }
    Ok(responses)
}

/// Every file so far in one ZIP (deflated), under a folder named after the
/// version, each file dated with the publication.
fn zip_all(
    id: &str,
    version: u32,
    now: DateTime<Utc>,
    files: &[(String, String, &str, Vec<u8>)],
) -> Result<Vec<u8>, PublishError> {
    let time = zip::DateTime::from_date_and_time(
        now.year().clamp(1980, 2107) as u16,
        now.month() as u8,
        now.day() as u8,
        now.hour() as u8,
        now.minute() as u8,
        now.second() as u8,
    )
    .map_err(failed)?;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, _, _, bytes) in files {
        zip.start_file(format!("{id}-v{version}/{name}"), options)
            .map_err(failed)?;
        zip.write_all(bytes).map_err(failed)?;
    }
    Ok(zip.finish().map_err(failed)?.into_inner())
}
