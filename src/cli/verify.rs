//! `spam-survey verify`: every file of the data directory checked against
//! its chain; a backup copy is checked the same way.

use crate::store::{self, Verdict};
use std::path::PathBuf;

/// The arguments of `spam-survey verify`.
#[derive(clap::Args)]
pub struct Args {
    /// The data directory (or a copy of it) to check.
    #[arg(long, env = "SPAM_SURVEY_DATA", default_value = "data")]
    pub data: PathBuf,
}

/// Runs `verify`: prints what it checked, file by file; an error names
/// the first line changed, removed or inserted.
pub fn run(a: Args) -> Result<(), String> {
    let found = store::verify(&a.data).map_err(|e| format!("{}: {e}", a.data.display()))?;
    let mut chained = 0;
    for f in &found.files {
        match &f.verdict {
            Verdict::Whole {
                rows,
                since,
                head,
                note,
            } => {
                chained += 1;
                println!(
                    "ok      {}: {rows} row(s), each the one written (chain begun {since}; head {})",
                    f.path.display(),
                    &head[..16]
                );
                if let Some(n) = note {
                    println!("        note: {n}");
                }
            }
            Verdict::Fault(why) => println!("CHANGED {why}"),
            Verdict::Stored { bytes } => println!(
                "ok      {}: {bytes} bytes, its SHA-256 is its name",
                f.path.display()
            ),
            Verdict::NotChained(why) => {
                println!("-       {}: not chained ({why})", f.path.display())
            }
        }
    }
    if let Some(w) = &found.permissions {
        eprintln!("{w}");
    }
    match found.faults() {
        0 => {
            println!(
                "{}: {chained} chained file(s) checked, every row is the one that was written",
                a.data.display()
            );
            Ok(())
        }
        n => Err(format!(
            "{}: {n} file(s) differ from what was written (the first difference of each is named above); restore them from a backup that verifies",
            a.data.display()
        )),
    }
}
