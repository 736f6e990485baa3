//! What `spam-survey check` says of a definition file, for the command and
//! for the workspace's preview, which reads the file again on every request
//! so that a definition edited (or added) since the server started is shown
//! as it is now, or its errors with the same messages as the command's. No
//! HTTP here.

use crate::definition::{self, Survey};
use std::path::{Path, PathBuf};

/// One file as `check` sees it alone: the definition, then the commentary
/// beside it. The messages are the command's lines.
pub fn check_file(file: &Path) -> Result<Survey, Vec<String>> {
    let survey = definition::load_file(file).map_err(lines)?;
    crate::report::commentary::load(&survey).map_err(lines)?;
    Ok(survey)
}

/// What only the whole folder can tell: each `previous` names an earlier
/// edition there (`check` runs it once every file named passes alone).
pub fn check_folder(folder: &Path) -> Result<(), Vec<String>> {
    definition::load_dir(folder).map(|_| ()).map_err(lines)
}

fn lines<E: std::fmt::Display>(errors: Vec<E>) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

/// The edition's definition as its file says now, checked as `spam-survey
/// check <file>` checks it: the file alone, then its folder.
pub fn check_edition(file: &Path) -> Result<Survey, Vec<String>> {
    let survey = check_file(file)?;
    let folder = match file.parent() {
        Some(f) if !f.as_os_str().is_empty() => f,
        _ => Path::new("."),
    };
    check_folder(folder)?;
    Ok(survey)
}

/// The file of edition `id` in the surveys folder: the one it was loaded
/// from when the server knows it, else `<folder>/<id>.toml` (a definition
/// added since the start); None for a name that cannot be an edition's or
/// a file that is not there.
pub fn file_of(known: Option<&Survey>, folder: Option<&Path>, id: &str) -> Option<PathBuf> {
    if let Some(s) = known {
        return Some(s.file.clone());
    }
    if !definition::is_survey_id(id) {
        return None;
    }
    let file = folder?.join(format!("{id}.toml"));
    file.is_file().then_some(file)
}
