//! The data directory's files are private: made 0700 (folders) and 0600
//! (files) whatever the umask, and checked at start, since they hold the
//! focal points' names, e-mail addresses and answers.

use std::fs::{DirBuilder, OpenOptions};
use std::path::{Path, PathBuf};

/// Makes `dir` and any missing parent, each new one readable by its owner only.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Options that create a file readable and writable by its owner only
/// (the umask can only take bits away, and 0600 has none to spare).
pub fn private() -> OpenOptions {
    #[allow(unused_mut)]
    let mut opts = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts
}

/// Writes a new small file (a marker, a key) readable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = private()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Every folder and file under `dir` (itself included) that someone other
/// than its owner may read, write or enter, with its mode.
pub fn too_open(dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut found = Vec::new();
    walk(dir, &mut found);
    found
}

#[cfg(unix)]
fn walk(path: &Path, found: &mut Vec<(PathBuf, u32)>) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    let mode = meta.permissions().mode() & 0o777;
    if !meta.file_type().is_symlink() && mode & 0o077 != 0 {
        found.push((path.to_path_buf(), mode));
    }
    if meta.is_dir()
        && let Ok(entries) = std::fs::read_dir(path)
    {
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            walk(&p, found);
        }
    }
}

#[cfg(not(unix))]
fn walk(_: &Path, _: &mut Vec<(PathBuf, u32)>) {}

/// The warning for files others can read, with the command that fixes it;
/// None when every file is private.
pub fn warning(dir: &Path) -> Option<String> {
    let open = too_open(dir);
    if open.is_empty() {
        return None;
    }
    let shown: Vec<String> = open
        .iter()
        .take(5)
        .map(|(p, m)| format!("  {:o} {}", m, p.display()))
        .collect();
    let more = if open.len() > 5 {
        format!("\n  … and {} more", open.len() - 5)
    } else {
        String::new()
    };
    Some(format!(
        "warning: {} path(s) of the data directory can be read by other users of this machine (it holds e-mail addresses and answers):\n{}{more}\nfix: chmod -R go-rwx {}",
        open.len(),
        shown.join("\n"),
        shell_quote(dir)
    ))
}

/// A path as one shell word.
fn shell_quote(p: &Path) -> String {
    let s = p.display().to_string();
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+:".contains(&b))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Every file (not folder) under `dir`, at any depth, in no order.
pub(crate) fn every_file(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            every_file(&e.path(), out)?;
        } else {
            out.push(e.path());
        }
    }
    Ok(())
}
