//! `spam-survey check`: checks questionnaire definitions.

use crate::words::{count, plural};
use std::path::{Path, PathBuf};

/// The arguments of `spam-survey check`.
#[derive(clap::Args)]
pub struct Args {
    /// Definition files (default: every *.toml in surveys/).
    pub files: Vec<PathBuf>,
}

/// Runs `check`.
pub fn run(a: Args) -> Result<(), String> {
    check(&a.files)
}

fn check(files: &[PathBuf]) -> Result<(), String> {
    let files: Vec<PathBuf> = if files.is_empty() {
        let mut found: Vec<PathBuf> = std::fs::read_dir("surveys")
            .map_err(|e| {
                format!(
                    "cannot read surveys/{}: {e}. Run the command from the project's folder (where surveys/ is), or name the files to check, such as: spam-survey check path/to/spam-2022.toml",
                    super::dirs::seen_from(Path::new("surveys"))
                )
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        found.sort();
        found
    } else {
        files.to_vec()
    };
    let mut failed = 0;
    for f in &files {
        match crate::preview::check_file(f) {
            Ok(s) => println!(
                "{}: ok ({}, {}, {}, {})",
                f.display(),
                s.id,
                count(s.questions().count(), "question", "questions"),
                count(s.columns().len(), "answer column", "answer columns"),
                count(s.members.len(), "member", "members")
            ),
            Err(errors) => {
                failed += 1;
                for e in errors {
                    eprintln!("{e}");
                }
            }
        }
    }
    if failed > 0 {
        return Err(format!(
            "{failed} of {} {} errors",
            count(files.len(), "definition", "definitions"),
            plural(failed, "has", "have")
        ));
    }
    // What only the whole folder can tell: each `previous` names an earlier edition there.
    let mut folders: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        if let Err(errors) = crate::preview::check_folder(folder) {
            for e in &errors {
                eprintln!("{e}");
            }
            return Err(format!(
                "the editions in {} do not fit together",
                folder.display()
            ));
        }
    }
    Ok(())
}
