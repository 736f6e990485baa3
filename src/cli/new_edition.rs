//! `spam-survey new-edition`: next year's definition made from this year's.

use crate::continuity::edition;
use crate::definition::{self, is_survey_id};
use std::io::Write;
use std::path::PathBuf;

/// The arguments of `spam-survey new-edition`.
#[derive(clap::Args)]
pub struct Args {
    /// The edition to start from (its file in the surveys folder), e.g. spam-2022.
    #[arg(long)]
    pub from: String,
    /// The id of the new edition, e.g. spam-2023; it is written to <surveys>/<id>.toml.
    #[arg(long)]
    pub id: String,
    /// The folder of questionnaire definitions.
    #[arg(long, env = "SPAM_SURVEY_SURVEYS", default_value = "surveys")]
    pub surveys: PathBuf,
}

/// Runs `new-edition`: writes the new file, or nothing when anything is wrong.
pub fn run(a: Args) -> Result<(), String> {
    if !is_survey_id(&a.id) {
        return Err(format!(
            "`{}` cannot be an edition id: lower-case letters, digits and '-', such as spam-2023",
            a.id
        ));
    }
    let source_path = a.surveys.join(format!("{}.toml", a.from));
    let target = a.surveys.join(format!("{}.toml", a.id));
    if target.exists() {
        return Err(format!(
            "{} exists already: nothing was written (remove it first to make it again)",
            target.display()
        ));
    }
    // The source must be sound, with the folder around it, before anything is made of it.
    let surveys = super::load_surveys(&a.surveys)?;
    let from = surveys
        .iter()
        .find(|s| s.id == a.from)
        .ok_or_else(|| format!("there is no edition {} in {}", a.from, a.surveys.display()))?;
    let source = std::fs::read_to_string(&source_path)
        .map_err(|e| format!("cannot read {}: {e}", source_path.display()))?;
    let text = edition::next_edition(&source, from, &a.id).map_err(|e| e.to_string())?;
    // Written under a temporary name, checked, then moved into place
    // without replacing anything: a broken or clashing result leaves no file.
    let tmp = a.surveys.join(format!(".{}.toml.new", a.id));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("cannot write {}: {e}", tmp.display()));
    }
    let placed = std::fs::hard_link(&tmp, &target);
    let _ = std::fs::remove_file(&tmp);
    placed.map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    if let Err(errors) = definition::load_dir(&a.surveys) {
        let _ = std::fs::remove_file(&target);
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        return Err(format!(
            "the new edition would not pass `check`, so nothing was written:\n{}",
            lines.join("\n")
        ));
    }
    println!(
        "{}: written ({} → {}, year {}, `previous` = {})",
        target.display(),
        a.from,
        a.id,
        from.year + 1,
        a.from
    );
    let lines = edition::lines_naming(&text, &[from.year, from.year - 1]);
    if !lines.is_empty() {
        let shown: Vec<String> = lines.iter().map(usize::to_string).collect();
        println!(
            "Still naming {} or {} (the title, the introduction, the years a question asks): lines {}. Look at them before the round opens.",
            from.year - 1,
            from.year,
            shown.join(", ")
        );
    }
    Ok(())
}
