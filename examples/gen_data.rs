//! Makes a data directory with N submitted responses to the 2022 edition, in
//! the real storage format, for the benchmarks: a member list of N synthetic
//! respondents (a regulator surveying every licensed operator) and one
//! submitted revision each, answers made by the demo generator.
//!
//!     cargo run --release --example gen_data -- --responses 100000 --out target/bench-data/100000
//!
//! `--saves-per-member K` gives each respondent K saves instead of one:
//! K - 1 drafts, then the submission, round after round as in a real
//! round (everyone's first draft, then everyone's second...), for N × K
//! revisions in all.
//!
//! The output folder gets `surveys/` (the bundled editions with the big
//! member list) and `data/` (the responses file, marked as demo data).

use spam_survey::answers::{self, Mode};
use spam_survey::definition::{self, Member, MemberStatus};
use spam_survey::store::{Revision, Status, encode_row};
use std::io::Write;
use std::path::PathBuf;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = arg("--responses")
        .ok_or("--responses N is needed")?
        .parse()?;
    let out = PathBuf::from(arg("--out").ok_or("--out DIR is needed")?);
    let per_member: usize = arg("--saves-per-member").map_or(Ok(1), |k| k.parse())?;
    if per_member == 0 {
        return Err("--saves-per-member must be 1 or more".into());
    }
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("surveys");
    let surveys_dir = out.join("surveys");
    let data_dir = out.join("data");
    std::fs::create_dir_all(&surveys_dir)?;
    std::fs::create_dir_all(data_dir.join("spam-2022"))?;
    for f in ["spam-2021.toml", "spam-2022.toml"] {
        std::fs::copy(bundled.join(f), surveys_dir.join(f))?;
    }
    let regions = ["South Asia", "South-East Asia", "East Asia", "Pacific"];
    let mut members = csv::Writer::from_path(surveys_dir.join("members.csv"))?;
    members.write_record(["code", "iso3", "name", "subregion", "status"])?;
    for i in 0..n {
        members.write_record([
            &format!("R{i:07}"),
            "",
            &format!("Respondent {i}"),
            regions[i % 4],
            "member",
        ])?;
    }
    members.flush()?;
    let survey = definition::load_dir(&surveys_dir)
        .map_err(|e| format!("{e:?}"))?
        .into_iter()
        .find(|s| s.id == "spam-2022")
        .ok_or("no spam-2022")?;
    std::fs::write(
        data_dir.join(spam_survey::demo::MARKER),
        "Synthetic benchmark data.\n",
    )?;

    // A few hundred distinct answer sets from the demo generator, each checked
    // as a submission would be; each respondent gets one of them.
    let templates: Vec<answers::Cells> = (0..500)
        .map(|k| {
            let m = Member {
                code: format!("T{k}"),
                iso3: String::new(),
                name: format!("Template {k}"),
                subregion: regions[k % 4].to_string(),
                status: MemberStatus::Member,
                email: String::new(),
            };
            let fields = spam_survey::demo::submission(&survey, &m, k as u64);
            let checked =
                answers::process(&survey, &fields, Mode::Submit).map_err(|e| e.to_string())?;
            if !checked.problems.is_empty() {
                return Err(format!(
                    "the demo answers do not pass: {:?}",
                    checked.problems
                ));
            }
            Ok(checked.cells)
        })
        .collect::<Result<_, String>>()?;

    let path = data_dir.join("spam-2022").join("responses.csv");
    let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
    let header: Vec<String> = spam_survey::store::FIXED_HEADER
        .iter()
        .map(|s| s.to_string())
        .chain(survey.columns().iter().map(|c| c.name.clone()))
        .collect();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(&header)?;
    file.write_all(&w.into_inner().map_err(|e| e.to_string())?)?;
    let p1 = survey.column_index("P1").ok_or("no P1")?;
    let start = chrono::Utc::now() - chrono::Duration::days(30);
    let mut number = 0u64;
    for round in 0..per_member {
        let status = if round + 1 == per_member {
            Status::Submitted
        } else {
            Status::Draft
        };
        for i in 0..n {
            let mut cells = templates[(i + round) % templates.len()].clone();
            cells[p1] = format!("[Demo] Respondent {i}");
            number += 1;
            let rev = Revision {
                number,
                time: start + chrono::Duration::seconds(number as i64),
                member: format!("R{i:07}"),
                status,
                cells,
            };
            file.write_all(&encode_row(&rev))?;
        }
    }
    file.flush()?;
    let size = std::fs::metadata(&path)?.len();
    println!(
        "{n} submitted responses ({number} revisions), {:.1} MB, in {}",
        size as f64 / 1e6,
        out.display()
    );
    Ok(())
}
