//! How a command finds the definitions and the data directory, and what it
//! says when they are not where it looks. Only `serve` and `demo` make a
//! data directory (and say so); every other command needs one that a server
//! has made, so that a mistyped `--data` fails at once instead of issuing a
//! link no server knows or counting the answers of an empty folder.

use super::Dirs;
use crate::store::Store;
use std::path::Path;

/// What `serve` and `demo` found at `--data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A data directory already.
    Data,
    /// Nothing, or an empty folder: the command makes the data directory.
    New,
}

/// Where a relative path is looked up, for messages: " (in /home/x/project)".
pub fn seen_from(path: &Path) -> String {
    if path.is_absolute() {
        return String::new();
    }
    match std::env::current_dir() {
        Ok(cwd) => format!(" (in {})", cwd.display()),
        Err(_) => String::new(),
    }
}

/// Whether `dir` is a data directory a server or `demo` has made: it has
/// the server's key (made at the first start), or the demo marker.
pub fn is_data_dir(dir: &Path) -> bool {
    dir.is_dir() && (Store::is_data_dir(dir) || crate::demo::is_demo(dir))
}

const WHICH: &str = "Give --data the data directory of your server: `spam-survey serve` prints it when it starts (\"data directory: …\"), and the default is ./data. Only `serve` and `demo` make a data directory";

impl Dirs {
    /// The data directory for a command that uses one and never makes one
    /// (`invite`, `export`, `report`): it must exist and be a data directory.
    pub fn existing_data(&self) -> Result<&Path, String> {
        let dir = self.data.as_path();
        let shown = dir.display();
        let here = seen_from(dir);
        if is_data_dir(dir) {
            Ok(dir)
        } else if !dir.exists() {
            Err(format!(
                "there is no data directory {shown}{here}. {WHICH}."
            ))
        } else if !dir.is_dir() {
            Err(format!(
                "{shown}{here} is a file, not a data directory. {WHICH}."
            ))
        } else {
            Err(format!(
                "{shown}{here} is a folder but not a spam-survey data directory (it has no secret.key). {WHICH}."
            ))
        }
    }

    /// The data directory for `serve` and `demo`: a data directory, or a
    /// new or empty folder that they may make into one. A file, or a folder
    /// of other files (the source tree, a home folder), is refused: the
    /// server's files are not scattered among someone else's.
    pub fn new_or_existing_data(&self) -> Result<Found, String> {
        let dir = self.data.as_path();
        let shown = dir.display();
        let here = seen_from(dir);
        if is_data_dir(dir) {
            return Ok(Found::Data);
        }
        if !dir.exists() {
            return Ok(Found::New);
        }
        if !dir.is_dir() {
            return Err(format!(
                "{shown}{here} is a file, not a data directory: give --data a folder (a new one is made), such as --data data"
            ));
        }
        let empty = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read {shown}{here}: {e}"))?
            .next()
            .is_none();
        if empty {
            Ok(Found::New)
        } else {
            Err(format!(
                "{shown}{here} holds other files and is not a spam-survey data directory (it has no secret.key): give --data a new or empty folder (it is made), or an existing data directory"
            ))
        }
    }
}

/// A named --out goes into a folder that exists, as `export --out` does.
pub(super) fn check_out(out: &Path) -> Result<&Path, String> {
    let folder = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if folder.is_dir() {
        Ok(folder)
    } else {
        Err(format!(
            "cannot write {}: there is no folder {}{}; make it first, or give --out a file in a folder that exists",
            out.display(),
            folder.display(),
            seen_from(folder)
        ))
    }
}

/// Writes a file whole or not at all: into a new file beside it, renamed
/// over `path` once complete, so that a failed command leaves neither a
/// half file nor a changed one. Its folder must exist (it is not made: a
/// mistyped folder is an error, not a new folder).
pub(super) fn write_file<T>(
    path: &Path,
    body: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<T, String>,
) -> Result<T, String> {
    let cannot = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
    let folder = check_out(path)?;
    let name = path
        .file_name()
        .ok_or_else(|| format!("--out {} names a folder: give a file name", path.display()))?;
    if path.is_dir() {
        return Err(format!(
            "--out {} is a folder: give a file name",
            path.display()
        ));
    }
    let mut part = name.to_os_string();
    part.push(format!(".part-{}", std::process::id()));
    let part = folder.join(part);
    let file = std::fs::File::create(&part).map_err(|e| cannot(&e))?;
    let mut w = std::io::BufWriter::new(file);
    let done = body(&mut w).and_then(|v| {
        let file = w.into_inner().map_err(|e| cannot(&e.into_error()))?;
        file.sync_all().map_err(|e| cannot(&e))?;
        std::fs::rename(&part, path).map_err(|e| cannot(&e))?;
        Ok(v)
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    done
}
