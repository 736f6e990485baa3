//! Publication: an editor publishes a closed edition for analysts and the
//! public. Publishing builds the public files once (`snapshot`), writes
//! them under `DATA/published/<edition>/v<N>/` with a manifest of their
//! SHA-256, and records the act in `DATA/publications.csv` (append-only,
//! chained) and the audit log. Withdrawing records that the edition is no
//! longer public; publishing again makes a new version, and the earlier
//! versions stay listed. No HTTP here: `web::public` serves what this says.

mod package;
pub mod series;
mod snapshot;

use crate::definition::Survey;
use crate::store::{Store, StoreError, files, journal};
use chrono::{DateTime, SecondsFormat, Utc};
use std::path::{Path, PathBuf};

pub use snapshot::{Manifest, ManifestFile, public_survey};

const JOURNAL_HEADER: [&str; 5] = ["time", "survey", "action", "version", "by"];

/// Why an edition cannot be published or withdrawn.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Refused(String),
    #[error("the published files could not be made: {0}")]
    Build(String),
}

/// One published version of an edition.
#[derive(Debug, Clone)]
pub struct Version {
    pub number: u32,
    pub published: DateTime<Utc>,
    pub by: String,
}

/// What the public may see of an edition now.
#[derive(Debug, Clone)]
pub struct Edition {
    pub survey: String,
    /// Every version published, oldest first, withdrawn ones included.
    pub versions: Vec<Version>,
    /// Whether the edition is public now (its last act was a publication).
    pub public: bool,
}

impl Edition {
    /// The version the public gets now, if the edition is public.
    pub fn current(&self) -> Option<&Version> {
        self.public.then(|| self.versions.last()).flatten()
    }
}

fn journal_path(store: &Store) -> PathBuf {
    store.dir.join("publications.csv")
}

/// The folder of the published versions of an edition.
fn edition_dir(store: &Store, survey: &str) -> PathBuf {
    store.dir.join("published").join(survey)
}

/// The folder of one published version.
pub fn version_dir(store: &Store, survey: &str, version: u32) -> PathBuf {
    edition_dir(store, survey).join(format!("v{version}"))
}

/// What the journal says of every edition ever published, by edition id.
pub fn editions(store: &Store) -> Result<std::collections::BTreeMap<String, Edition>, StoreError> {
    let mut all = std::collections::BTreeMap::<String, Edition>::new();
    for line in journal::read(&journal_path(store))? {
        let (Some(time), Some(survey), Some(action), Some(version), Some(by)) = (
            line.get(0),
            line.get(1),
            line.get(2),
            line.get(3).and_then(|v| v.parse::<u32>().ok()),
            line.get(4),
        ) else {
            continue;
        };
        let edition = all.entry(survey.to_string()).or_insert_with(|| Edition {
            survey: survey.to_string(),
            versions: Vec::new(),
            public: false,
        });
        match action {
            "published" => {
                let published = DateTime::parse_from_rfc3339(time)
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_default();
                edition.versions.push(Version {
                    number: version,
                    published,
                    by: by.to_string(),
                });
                edition.public = true;
            }
            "withdrawn" => edition.public = false,
            _ => {}
        }
    }
    Ok(all)
}

/// The edition `survey` as the journal has it (never published: no versions).
pub fn edition(store: &Store, survey: &str) -> Result<Edition, StoreError> {
    Ok(editions(store)?.remove(survey).unwrap_or(Edition {
        survey: survey.to_string(),
        versions: Vec::new(),
        public: false,
    }))
}

/// The manifest of a published version.
pub fn manifest(store: &Store, survey: &str, version: u32) -> Result<Manifest, StoreError> {
    let path = version_dir(store, survey, version).join(snapshot::MANIFEST);
    let bytes = std::fs::read(&path)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| StoreError::Corrupt(path, format!("the manifest cannot be read: {e}")))
}

/// The bytes of one file of a published version, if it is one of the
/// files its manifest lists (no other name reaches the disk).
pub fn file(
    store: &Store,
    survey: &str,
    version: u32,
    name: &str,
) -> Result<Option<(Vec<u8>, ManifestFile)>, StoreError> {
    let manifest = manifest(store, survey, version)?;
    if name == snapshot::MANIFEST {
        let bytes = std::fs::read(version_dir(store, survey, version).join(name))?;
        let entry = ManifestFile {
            name: name.to_string(),
            title: "The manifest: each file's size and SHA-256".into(),
            media_type: "application/json".into(),
            bytes: bytes.len() as u64,
            sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
        };
        return Ok(Some((bytes, entry)));
    }
    let Some(entry) = manifest.files.into_iter().find(|f| f.name == name) else {
        return Ok(None);
    };
    let bytes = std::fs::read(version_dir(store, survey, version).join(&entry.name))?;
    Ok(Some((bytes, entry)))
}

/// Whether an edition is closed now (by hand or by its dates): only a
/// closed edition may be published, so no answer can still change it.
pub fn is_closed(store: &Store, survey: &Survey, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(!store.round(survey, now)?.open)
}

/// Closes an edition now, as the workspace's "Close" does, and records who did.
pub fn close(store: &Store, survey: &str, by: &str, address: &str) -> Result<(), StoreError> {
    store.set_round(survey, false, by)?;
    store.audit(by, address, "round closed", survey, "", "")
}

/// Holds the publications' lock while it lives: one publication at a time,
/// whether from the server or a command beside it.
struct Lock(std::fs::File);

impl Lock {
    fn take(dir: &Path) -> Result<Lock, StoreError> {
        files::create_dir(dir)?;
        let f = files::private()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join(".lock"))?;
        f.lock()?;
        Ok(Lock(f))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Publishes `survey`: refuses an edition that is open, has no licence or
/// no submitted response; else builds the snapshot, writes it whole as
/// the next version, and records it. Returns the version.
pub fn publish(store: &Store, survey: &str, by: &str, address: &str) -> Result<u32, PublishError> {
    let s = store.survey(survey)?.clone();
    let now = Utc::now();
    if !is_closed(store, &s, now)? {
        return Err(PublishError::Refused(format!(
            "{survey} is still open for answers: close it first (the workspace's \"Close the edition now\", or spam-survey close --survey {survey}); nothing was published"
        )));
    }
    if s.publication.licence.is_none() {
        return Err(PublishError::Refused(format!(
            "{} names no licence: add `licence = \"CC-BY-4.0\"` (or the licence the data is published under) to the definition; nothing was published",
            s.file.display()
        )));
    }
    let root = store.dir.join("published");
    let _lock = Lock::take(&root)?;
    let edition = edition(store, survey)?;
    // The next number after any version listed or left on disk (a version
    // whose journal line could not be written is never reused).
    let on_disk = std::fs::read_dir(edition_dir(store, survey))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(|n| n.strip_prefix('v'))
                        .and_then(|n| n.parse::<u32>().ok())
                })
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0);
    let listed = edition.versions.iter().map(|v| v.number).max().unwrap_or(0);
    let version = listed.max(on_disk) + 1;
    let built = snapshot::build(store, &s, version, now)?;
    if built.respondents == 0 {
        return Err(PublishError::Refused(format!(
            "{survey} has no submitted response: there is nothing to publish"
        )));
    }
    write_version(store, survey, version, &built.files)?;
    let path = journal_path(store);
    journal::create(&path, &JOURNAL_HEADER)?;
    let time = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    journal::append(
        &path,
        &[&time, survey, "published", &version.to_string(), by],
    )?;
    store.audit(
        by,
        address,
        "edition published",
        survey,
        "",
        &format!("version {version}, {} respondents", built.respondents),
    )?;
    Ok(version)
}

/// Writes a version's files into a folder beside its place, fsynced, then
/// renames the folder into place: a version is whole or absent.
fn write_version(
    store: &Store,
    survey: &str,
    version: u32,
    built: &[(String, Vec<u8>)],
) -> Result<(), StoreError> {
    let dir = version_dir(store, survey, version);
    let parent = edition_dir(store, survey);
    files::create_dir(&parent)?;
    let part = parent.join(format!("v{version}.part-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&part);
    let written = (|| {
        files::create_dir(&part)?;
        for (name, bytes) in built {
            files::write_private(&part.join(name), bytes)?;
        }
        std::fs::File::open(&part)?.sync_all()?;
        std::fs::rename(&part, &dir)?;
        std::fs::File::open(&parent)?.sync_all()
    })();
    if written.is_err() {
        // Nothing half made stays behind (a full disk, say).
        let _ = std::fs::remove_dir_all(&part);
    }
    Ok(written?)
}

/// Withdraws a published edition: the public no longer gets it (its
/// files stay on disk, unchanged, for the record).
pub fn withdraw(store: &Store, survey: &str, by: &str, address: &str) -> Result<u32, PublishError> {
    store.survey(survey)?;
    let root = store.dir.join("published");
    let _lock = Lock::take(&root)?;
    let edition = edition(store, survey)?;
    let Some(current) = edition.current() else {
        return Err(PublishError::Refused(format!(
            "{survey} is not published: there is nothing to withdraw"
        )));
    };
    let version = current.number;
    let path = journal_path(store);
    journal::create(&path, &JOURNAL_HEADER)?;
    let time = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    journal::append(
        &path,
        &[&time, survey, "withdrawn", &version.to_string(), by],
    )?;
    store.audit(
        by,
        address,
        "edition withdrawn",
        survey,
        "",
        &format!("version {version}"),
    )?;
    Ok(version)
}
