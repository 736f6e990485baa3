//! Synthetic demo data: plausible, clearly marked answers for the members of
//! an edition, so that a newcomer sees a full overview and report at once.
//!
//! Answers are made as form fields and go through [`answers::process`], the
//! same path as a member's post, so the demo cannot store what the form
//! would refuse. They differ by sub-region and by edition so that the charts
//! and the comparison with the previous year show something.

use crate::answers::{self, Mode, UNKNOWN_SUFFIX};
use crate::definition::{Choice, Kind, Member, Question, Survey, Test, TextFormat};
use crate::store::{Status, Store, StoreError};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::path::Path;

/// The file that marks a data directory as holding demo data only.
pub const MARKER: &str = "DEMO-DATA.txt";

const MARKER_TEXT: &str = "This data directory holds SYNTHETIC demo data made by `spam-survey demo`.\n\
Every answer in it is invented: none comes from a member administration.\n\
Do not publish reports made from it, and do not collect real answers here.\n";

/// What `fill` wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub submitted: usize,
    pub drafts: usize,
    pub missing: usize,
}

/// Whether a CSV file has a row after its header.
fn has_rows(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|bytes| {
        bytes
            .split(|&b| b == b'\n')
            .skip(1)
            .any(|line| !line.iter().all(|b| b.is_ascii_whitespace()))
    })
}

/// Checks that `dir` may receive demo data (it is new, empty, or already
/// marked as demo data) and marks it; refuses a directory with real answers.
pub fn prepare_dir(dir: &Path) -> Result<(), String> {
    if is_demo(dir) {
        return Ok(());
    }
    if dir.exists() {
        if !dir.is_dir() {
            return Err(format!(
                "{} is not a directory; choose another --data directory for the demo",
                dir.display()
            ));
        }
        let mut real = Vec::new();
        if has_rows(&dir.join("invitations.csv")) {
            real.push("invitations.csv".to_string());
        }
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read the data directory {}: {e}", dir.display()))?;
        let mut editions: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        editions.sort();
        for edition in editions {
            let responses = edition.join("responses.csv");
            if has_rows(&responses)
                && let Some(name) = edition.file_name()
            {
                real.push(format!("{}/responses.csv", name.to_string_lossy()));
            }
        }
        if !real.is_empty() {
            return Err(format!(
                "{} holds real data ({}) and no {MARKER} marker: demo answers are never mixed with real ones. Choose a new directory with --data, such as --data demo-data.",
                dir.display(),
                real.join(", ")
            ));
        }
    }
    crate::store::create_private_dir(dir)
        .map_err(|e| format!("cannot create the data directory {}: {e}", dir.display()))?;
    crate::store::write_private(&dir.join(MARKER), MARKER_TEXT.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", dir.join(MARKER).display()))
}

/// Whether `dir` holds demo data.
pub fn is_demo(dir: &Path) -> bool {
    dir.join(MARKER).exists()
}

/// A seed of its own for each edition and member (FNV-1a over both), so a
/// member's answers do not change when the member list does.
fn member_seed(seed: u64, survey: &str, member: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in survey.bytes().chain([0]).chain(member.bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn invalid(member: &str, why: String) -> StoreError {
    StoreError::Io(std::io::Error::other(format!(
        "the demo answers of {member} do not pass the questionnaire's checks: {why}"
    )))
}

/// Fills synthetic answers for the members of `survey`.
pub async fn fill(store: &Store, survey: &str, seed: u64) -> Result<Summary, StoreError> {
    // prepare_dir is the gate; this keeps a caller who skipped it from
    // writing invented answers among real ones.
    if !is_demo(&store.dir) {
        return Err(StoreError::Io(std::io::Error::other(format!(
            "{} is not marked as demo data ({MARKER} is missing): demo answers go only into a directory that demo::prepare_dir accepted",
            store.dir.display()
        ))));
    }
    let s = store.survey(survey)?.clone();
    let mut summary = Summary::default();
    for member in s.members.iter() {
        let mut rng = ChaCha8Rng::seed_from_u64(member_seed(seed, &s.id, &member.code));
        let fate: f64 = rng.random();
        let final_fields = Maker::new(&s, member, &mut rng).fields();
        if fate < 0.75 {
            if rng.random_bool(0.45) {
                let draft = partial(&s, &final_fields, &mut rng);
                save(store, &s, member, Mode::Draft, &draft).await?;
            }
            if rng.random_bool(0.2) {
                // An earlier submission that the member corrected later.
                let first = Maker::new(&s, member, &mut rng).fields();
                save(store, &s, member, Mode::Submit, &first).await?;
            }
            save(store, &s, member, Mode::Submit, &final_fields).await?;
            summary.submitted += 1;
        } else if fate < 0.85 {
            let draft = partial(&s, &final_fields, &mut rng);
            save(store, &s, member, Mode::Draft, &draft).await?;
            summary.drafts += 1;
        } else {
            summary.missing += 1;
        }
    }
    Ok(summary)
}

/// A complete, plausible submission for `member`, as form fields: what the
/// benchmarks' data generator stores for respondents beyond the demo's.
pub fn submission(survey: &Survey, member: &Member, seed: u64) -> Vec<(String, String)> {
    let mut rng = ChaCha8Rng::seed_from_u64(member_seed(seed, &survey.id, &member.code));
    Maker::new(survey, member, &mut rng).fields()
}

/// The fields of the first questions only: a draft left half done.
fn partial(s: &Survey, fields: &[(String, String)], rng: &mut ChaCha8Rng) -> Vec<(String, String)> {
    let n = s.questions().count();
    let keep = rng.random_range(n / 4..=n * 3 / 4);
    let kept: Vec<&str> = s.questions().take(keep).map(|q| q.id.as_str()).collect();
    fields
        .iter()
        .filter(|(name, _)| {
            s.column_index(name.trim_end_matches(UNKNOWN_SUFFIX))
                .map(|i| s.columns()[i].question)
                .is_some_and(|qi| qi < kept.len())
        })
        .cloned()
        .collect()
}

async fn save(
    store: &Store,
    s: &Survey,
    member: &Member,
    mode: Mode,
    fields: &[(String, String)],
) -> Result<(), StoreError> {
    let checked = answers::process(s, fields, mode).map_err(|e| invalid(&member.code, e.0))?;
    if !checked.problems.is_empty() {
        let problems: Vec<String> = checked
            .problems
            .0
            .iter()
            .map(|(q, m)| format!("{q}: {m}"))
            .collect();
        return Err(invalid(&member.code, problems.join("; ")));
    }
    let status = match mode {
        Mode::Draft => Status::Draft,
        Mode::Submit => Status::Submitted,
    };
    store
        .save(&s.id, &member.code, status, checked.cells)
        .await
        .map(|_| ())
}

/// How a member's answers lean: by sub-region, moved a little each year.
struct Profile {
    /// Mean seriousness of spam, 1 to 5.
    seriousness: f64,
    /// How developed the institutions are, 0 to 1: laws, centres, statistics.
    capacity: f64,
    /// Weights of: dedicated law, provisions in other laws, draft, none.
    law: [f64; 4],
    /// Chance that users receive spam on each channel, by code.
    channels: Vec<(&'static str, f64)>,
    /// Extra weight of some challenges, by code.
    challenges: Vec<(&'static str, f64)>,
}

impl Profile {
    fn of(member: &Member, year: i32) -> Profile {
        let t = (year - 2021).clamp(0, 5) as f64;
        let mut p = match member.subregion.as_str() {
            "East Asia" => Profile {
                seriousness: 3.9,
                capacity: 0.85,
                law: [0.6, 0.3, 0.05, 0.05],
                channels: vec![
                    ("email", 0.9),
                    ("sms", 0.95),
                    ("voice_live", 0.6),
                    ("robocall", 0.75),
                    ("messenger", 0.7),
                    ("social", 0.55),
                    ("rcs_ott", 0.4),
                    ("fax", 0.25),
                ],
                challenges: vec![
                    ("foreign_spam", 0.8),
                    ("spoofing", 0.7),
                    ("new_channels", 0.7),
                ],
            },
            "South-East Asia" => Profile {
                seriousness: 3.8,
                capacity: 0.6,
                law: [0.3, 0.5, 0.15, 0.05],
                channels: vec![
                    ("email", 0.75),
                    ("sms", 0.95),
                    ("voice_live", 0.5),
                    ("robocall", 0.45),
                    ("messenger", 0.8),
                    ("social", 0.7),
                    ("rcs_ott", 0.3),
                    ("fax", 0.05),
                ],
                challenges: vec![
                    ("foreign_spam", 0.7),
                    ("new_channels", 0.6),
                    ("awareness", 0.5),
                ],
            },
            "South Asia" => Profile {
                seriousness: 3.5,
                capacity: 0.45,
                law: [0.15, 0.55, 0.2, 0.1],
                channels: vec![
                    ("email", 0.65),
                    ("sms", 0.95),
                    ("voice_live", 0.8),
                    ("robocall", 0.55),
                    ("messenger", 0.65),
                    ("social", 0.5),
                    ("rcs_ott", 0.15),
                    ("fax", 0.05),
                ],
                challenges: vec![
                    ("statistics", 0.7),
                    ("enforcement_powers", 0.6),
                    ("awareness", 0.6),
                ],
            },
            _ => Profile {
                seriousness: 2.5,
                capacity: 0.25,
                law: [0.05, 0.35, 0.25, 0.35],
                channels: vec![
                    ("email", 0.85),
                    ("sms", 0.7),
                    ("voice_live", 0.15),
                    ("robocall", 0.15),
                    ("messenger", 0.45),
                    ("social", 0.6),
                    ("rcs_ott", 0.05),
                    ("fax", 0.02),
                ],
                challenges: vec![
                    ("legislation", 0.8),
                    ("technical_capacity", 0.8),
                    ("resources", 0.85),
                ],
            },
        };
        // A year later: more spam on messengers, laws adopted from drafts.
        p.seriousness += 0.3 * t;
        p.capacity = (p.capacity + 0.06 * t).min(0.95);
        p.law[0] += 0.1 * t;
        p.law[2] = (p.law[2] - 0.05 * t).max(0.02);
        for (code, w) in &mut p.channels {
            if matches!(*code, "messenger" | "social" | "rcs_ott") {
                *w = (*w + 0.12 * t).min(0.97);
            }
        }
        p
    }

    fn channel(&self, code: &str) -> f64 {
        self.channels
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(0.05, |(_, w)| *w)
    }
}

fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return rng.random_range(0..weights.len().max(1));
    }
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// A roughly normal draw (sum of uniforms), mean `mean`, spread about `sd`.
fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    let s: f64 = (0..6).map(|_| rng.random::<f64>()).sum::<f64>() - 3.0;
    mean + s * sd / 0.707
}

/// Texts that a real form receives and the report must show as typed.
const AWKWARD: [&str; 5] = [
    "[Demo] Budget of <b>R&D</b> unit: \"USD 1.2 million\" & more",
    "=SUM(A1:A9) [Demo] a text that begins with an equals sign",
    "[Demo] <script>alert('not run')</script> stays text",
    "[Demo] Line one of the answer\nLine two, with a 'quote' and a comma",
    "+[Demo] 1,000 fines; see \"Annex 3\" </svg> & <table>",
];

/// Makes one member's answers, question by question, as form fields.
struct Maker<'a> {
    s: &'a Survey,
    member: &'a Member,
    p: Profile,
    rng: &'a mut ChaCha8Rng,
    fields: Vec<(String, String)>,
    /// Codes answered so far, by question: what conditions and ranks look at.
    picked: HashMap<String, Vec<String>>,
}

impl<'a> Maker<'a> {
    fn new(s: &'a Survey, member: &'a Member, rng: &'a mut ChaCha8Rng) -> Self {
        Maker {
            s,
            member,
            p: Profile::of(member, s.year),
            rng,
            fields: Vec::new(),
            picked: HashMap::new(),
        }
    }

    fn fields(mut self) -> Vec<(String, String)> {
        for q in self.s.questions() {
            if !self.shown(q) {
                continue;
            }
            let chance = match &q.kind {
                _ if q.required => 1.0,
                Kind::Text { .. } => 0.6,
                _ => 0.92,
            };
            if self.rng.random_bool(chance) {
                self.answer(q);
            }
        }
        self.fields
    }

    /// The question's condition, on the answers made so far.
    fn shown(&self, q: &Question) -> bool {
        let Some(c) = &q.shown_if else {
            return true;
        };
        let codes = self.picked.get(&c.question).cloned().unwrap_or_default();
        match &c.test {
            Test::Answered => self.picked.contains_key(&c.question),
            Test::Is(list) => codes.iter().any(|c| list.contains(c)),
            Test::IsNot(list) => !codes.is_empty() && !codes.iter().any(|c| list.contains(c)),
        }
    }

    fn column(&self, q: &Question, k: usize) -> String {
        self.s.columns()[q.cells.start + k].name.clone()
    }

    fn push(&mut self, name: String, value: String) {
        self.fields.push((name, value));
    }

    fn answer(&mut self, q: &Question) {
        let before = self.fields.len();
        let codes: Vec<String> = match &q.kind {
            Kind::Single { options, .. } | Kind::YesNo { options } => {
                let i = self.single(q, options);
                vec![options[i].code.clone()]
            }
            Kind::Multi { options } => self.multi(q, options),
            Kind::Scale { min, max, .. } => {
                let mean = if q.id == "A1" {
                    self.p.seriousness
                } else {
                    (*min as f64 + *max as f64) / 2.0
                };
                let v = normal(self.rng, mean, 0.8)
                    .round()
                    .clamp(*min as f64, *max as f64);
                self.push(q.id.clone(), (v as u8).to_string());
                vec![(v as u8).to_string()]
            }
            Kind::MatrixChoice {
                rows,
                rows_picked_in,
                columns,
            } => {
                let source = self.channel_source(rows, rows_picked_in);
                let rows = self.rows(rows, source.as_deref());
                for (k, row) in rows {
                    if !self.rng.random_bool(0.9) {
                        continue;
                    }
                    let col = self.matrix_choice(&row, columns);
                    let name = self.column(q, k);
                    self.push(name, columns[col].code.clone());
                }
                vec!["answered".into()]
            }
            Kind::MatrixNumber {
                rows,
                rows_picked_in,
                bounds,
            } => {
                let source = self.channel_source(rows, rows_picked_in);
                let rows = self.rows(rows, source.as_deref());
                for (k, row) in rows {
                    let scale = match row.code.as_str() {
                        "sent" => 15.0,
                        "received" => 25.0,
                        code => 20_000.0 * self.p.capacity * self.p.channel(code),
                    };
                    let name = self.column(q, k);
                    self.number(name, scale, bounds.unknown, bounds.max);
                }
                vec!["answered".into()]
            }
            Kind::Number { bounds, .. } => {
                let name = self.column(q, 0);
                self.number(name, 100.0, bounds.unknown, bounds.max);
                vec!["answered".into()]
            }
            Kind::NumberPerYear { years, bounds } => {
                let mut level = match q.id.as_str() {
                    "A10" => 10f64.powf(2.0 + 3.5 * self.p.capacity + self.rng.random::<f64>()),
                    _ => 5.0 + 150.0 * self.p.capacity * self.rng.random::<f64>(),
                };
                for k in 0..years.len() {
                    let name = self.column(q, k);
                    let early = k + 1 < years.len();
                    if bounds.unknown && self.rng.random_bool(if early { 0.15 } else { 0.08 }) {
                        self.push(format!("{name}{UNKNOWN_SUFFIX}"), "1".into());
                    } else {
                        let typed = self.typed_number(level.round() as u64);
                        self.push(name, typed);
                    }
                    level *= self.rng.random_range(0.95..1.45);
                }
                vec!["answered".into()]
            }
            Kind::Text { parts, format, .. } => {
                if parts.is_empty() {
                    let text = if *format == TextFormat::Email {
                        self.email()
                    } else {
                        self.text(q)
                    };
                    self.push(q.id.clone(), text);
                } else {
                    for (k, part) in parts.iter().enumerate() {
                        let text = if part.format == TextFormat::Email {
                            self.email()
                        } else if part.code == "name" {
                            format!("[Demo] Focal point of {}", self.member.name)
                        } else if part.required || self.rng.random_bool(0.8) {
                            "[Demo] Director, anti-spam policy".to_string()
                        } else {
                            continue;
                        };
                        let name = self.column(q, k);
                        self.push(name, text);
                    }
                }
                vec!["answered".into()]
            }
            Kind::Rank { of, top } => {
                let mut pool = self.picked.get(of).cloned().unwrap_or_default();
                pool.retain(|c| c != "none");
                // The challenges the member's region feels most come first, mostly.
                pool.shuffle(self.rng);
                let weight = |c: &String| {
                    self.p
                        .challenges
                        .iter()
                        .find(|(x, _)| x == c)
                        .map_or(0.3, |(_, w)| *w)
                };
                let mut keyed: Vec<(f64, String)> = pool
                    .into_iter()
                    .map(|c| (weight(&c) + self.rng.random::<f64>() * 0.6, c))
                    .collect();
                keyed.sort_by(|a, b| b.0.total_cmp(&a.0));
                for (k, (_, code)) in keyed.into_iter().take(*top).enumerate() {
                    let name = self.column(q, k);
                    self.push(name, code);
                }
                vec!["answered".into()]
            }
            Kind::Date { min, max, .. } => {
                let first =
                    min.unwrap_or(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default());
                let last = max.unwrap_or(first + chrono::Days::new(8000));
                let span = (last - first).num_days().max(0) as u64;
                let day = first + chrono::Days::new(self.rng.random_range(0..=span));
                self.push(q.id.clone(), day.format(answers::dates::FORMAT).to_string());
                vec!["answered".into()]
            }
            // The demo attaches no document: its members' laws are made up.
            Kind::File(_) => Vec::new(),
        };
        // A matrix whose rows were all skipped is not answered.
        if self.fields.len() > before {
            self.picked.insert(q.id.clone(), codes);
        }
    }

    /// The question whose picks limit a matrix's rows: its own
    /// `rows_picked_in`, or, for a matrix over the channels, the channels
    /// the member said users receive spam on (a member reports no trend or
    /// complaints for a channel without spam).
    fn channel_source(&self, rows: &[Choice], picked_in: &Option<String>) -> Option<String> {
        picked_in.clone().or_else(|| {
            (rows.iter().any(|r| r.code == "sms") && self.picked.contains_key("A2"))
                .then(|| "A2".to_string())
        })
    }

    /// The rows of a matrix to answer: those picked in `source`, if any.
    fn rows(&self, rows: &[Choice], source: Option<&str>) -> Vec<(usize, Choice)> {
        let picked = source.map(|s| self.picked.get(s).cloned().unwrap_or_default());
        rows.iter()
            .enumerate()
            .filter(|(_, r)| picked.as_ref().is_none_or(|p| p.contains(&r.code)))
            .map(|(k, r)| (k, r.clone()))
            .collect()
    }

    fn single(&mut self, q: &Question, options: &[Choice]) -> usize {
        let cap = self.p.capacity;
        let weights: Vec<f64> = options
            .iter()
            .map(|o| match (q.id.as_str(), o.code.as_str()) {
                ("B1", "dedicated_law") => self.p.law[0],
                ("B1", "other_laws") => self.p.law[1],
                ("B1", "draft") => self.p.law[2],
                ("B1", "no") => self.p.law[3],
                ("F5", "yes") => 0.55 + 0.3 * (1.0 - cap),
                ("F5", "maybe") => 0.3,
                ("F5", "no") => 0.08,
                ("B4", "opt_in") => 0.2 + 0.4 * cap,
                ("B4", "opt_out") => 0.35,
                ("B4", "different") => 0.2,
                ("B4", "no_rule") => 0.5 * (1.0 - cap),
                ("A7", "domestic") => 0.25,
                ("A7", "abroad") => 0.35,
                ("A7", "both") => 0.3,
                ("A7", "unknown") => 0.1,
                ("C2", "regulator") => 0.5,
                ("C2", "ministry") => 0.25,
                ("C2", "none") => 0.3 * (1.0 - cap),
                ("P2", "regulator") => 0.5,
                ("P2", "ministry") => 0.35,
                ("A4", code) => {
                    let picked = self
                        .picked
                        .get("A2")
                        .is_some_and(|p| p.iter().any(|c| c == code));
                    if picked {
                        self.p.channel(code).powi(3)
                    } else {
                        0.0
                    }
                }
                (_, "yes") => 0.2 + 0.7 * cap,
                (_, "no") => 0.8 - 0.6 * cap,
                (_, "dk") => 0.05,
                (_, "other") => 0.03,
                _ => 0.1,
            })
            .collect();
        let i = pick_weighted(self.rng, &weights);
        if options[i].specify {
            let name = format!("{}_{}_text", q.id, options[i].code);
            let text = self.specify_text();
            self.push(name, text);
        }
        self.push(q.id.clone(), options[i].code.clone());
        i
    }

    fn multi(&mut self, q: &Question, options: &[Choice]) -> Vec<String> {
        let cap = self.p.capacity;
        let channels = options.iter().any(|o| o.code == "sms");
        let mut picked: Vec<String> = Vec::new();
        for o in options.iter().filter(|o| !o.exclusive) {
            let p = if o.specify {
                0.06
            } else if channels {
                self.p.channel(&o.code)
            } else {
                match q.id.as_str() {
                    "G1" => self
                        .p
                        .challenges
                        .iter()
                        .find(|(c, _)| *c == o.code)
                        .map_or(0.3, |(_, w)| *w),
                    "G3" => 0.25 + 0.5 * (1.0 - cap),
                    "A5" if matches!(o.code.as_str(), "phishing" | "investment_scam" | "loans") => {
                        0.75
                    }
                    _ => 0.15 + 0.6 * cap,
                }
            };
            if self.rng.random_bool(p.clamp(0.0, 1.0)) {
                picked.push(o.code.clone());
            }
        }
        let none = options.iter().find(|o| o.exclusive);
        if let Some(none) = none
            && (picked.is_empty() || self.rng.random_bool(0.04 * (1.0 - cap)))
        {
            picked = vec![none.code.clone()];
        }
        if picked.is_empty() {
            let first = options
                .iter()
                .find(|o| !o.exclusive && !o.specify)
                .unwrap_or(&options[0]);
            picked.push(first.code.clone());
        }
        for code in &picked {
            self.push(q.id.clone(), code.clone());
            if options.iter().any(|o| &o.code == code && o.specify) {
                let text = self.specify_text();
                self.push(format!("{}_{code}_text", q.id), text);
            }
        }
        picked
    }

    fn matrix_choice(&mut self, row: &Choice, columns: &[Choice]) -> usize {
        let numeric = columns.iter().all(|c| c.code.parse::<u8>().is_ok());
        if numeric {
            let mean = self.p.seriousness + 2.0 * (self.p.channel(&row.code) - 0.6);
            let v = normal(self.rng, mean, 0.7).round();
            return columns
                .iter()
                .position(|c| c.code.parse::<f64>().is_ok_and(|n| n == v))
                .unwrap_or(if v < 1.0 { 0 } else { columns.len() - 1 });
        }
        let growing = self.p.channel(&row.code);
        let weights: Vec<f64> = columns
            .iter()
            .map(|c| match c.code.as_str() {
                "increased" => growing,
                "same" => 0.4,
                "decreased" => 0.5 * (1.0 - growing),
                "unknown" => 0.15,
                "opt_in" => 0.2 + 0.5 * self.p.capacity,
                "opt_out" => 0.4,
                "not_regulated" => 0.4 * (1.0 - self.p.capacity),
                _ => 0.3,
            })
            .collect();
        pick_weighted(self.rng, &weights)
    }

    /// A number field, or "unknown" now and then when allowed.
    fn number(&mut self, name: String, scale: f64, unknown: bool, max: u64) {
        if unknown && self.rng.random_bool(0.12) {
            self.push(format!("{name}{UNKNOWN_SUFFIX}"), "1".into());
            return;
        }
        let n = (scale * self.rng.random_range(0.2..1.8)).round() as u64;
        let typed = self.typed_number(n.min(max));
        self.push(name, typed);
    }

    /// A number as people type it: sometimes with thousands separators.
    fn typed_number(&mut self, n: u64) -> String {
        if n >= 1000 && self.rng.random_bool(0.25) {
            crate::report::aggregate::group_digits(n)
        } else {
            n.to_string()
        }
    }

    fn email(&mut self) -> String {
        format!("demo.{}@example.org", self.member.code.to_ascii_lowercase())
    }

    fn specify_text(&mut self) -> String {
        if self.rng.random_bool(0.3) {
            AWKWARD[self.rng.random_range(0..AWKWARD.len())].to_string()
        } else {
            format!("[Demo] Other, as specified by {}", self.member.name)
        }
    }

    fn text(&mut self, q: &Question) -> String {
        let country = &self.member.name;
        if q.id != "P1" && self.rng.random_bool(0.15) {
            return AWKWARD[self.rng.random_range(0..AWKWARD.len())].to_string();
        }
        match q.id.as_str() {
            "P1" => {
                let body = [
                    "Ministry of ICT",
                    "Ministry of Posts & \"Digital\" Economy",
                    "Telecommunications Regulatory Authority",
                    "Ministry of Communications",
                    "Consumer Protection Commission",
                ];
                format!("[Demo] {} of {country}", body[self.rng.random_range(0..body.len())])
            }
            "C1" => format!("[Demo] Telecommunications Regulatory Authority of {country}"),
            "B2" => format!(
                "[Demo] Act on Unsolicited Commercial Messages of {country}, {}; amended {}",
                self.rng.random_range(2003..2016),
                self.rng.random_range(2016..=self.s.year)
            ),
            "A8" => "[Demo] Neighbouring countries, and servers in other regions".into(),
            "B9" => format!(
                "[Demo] {} local currency units per message",
                crate::report::aggregate::group_digits(self.rng.random_range(1..500) * 1000)
            ),
            "A12" => "[Demo] No official estimate; losses reported by victims of SMS scams only.".into(),
            "B11" => "[Demo] A revision to cover messenger and OTT channels is under discussion.".into(),
            "C3" => "[Demo] The police investigate fraud; the data-protection authority handles consent complaints.".into(),
            "D5" => "[Demo] Not known; operators fund their own filtering.".into(),
            "F2" => format!("[Demo] {} MoUs with neighbouring regulators.", self.rng.random_range(1..6)),
            "G4" => format!("[Demo] The short-code reporting service of {country}, shared with operators within 24 hours."),
            "G5" => "[Demo] A regional contact-point directory would help.".into(),
            _ => format!("[Demo] Synthetic answer of {country} to {}.", q.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_of_a_member_depends_on_the_edition_and_the_member() {
        let a = member_seed(1, "spam-2021", "KR");
        assert_ne!(a, member_seed(1, "spam-2022", "KR"));
        assert_ne!(a, member_seed(1, "spam-2021", "JP"));
        assert_ne!(a, member_seed(2, "spam-2021", "KR"));
        assert_eq!(a, member_seed(1, "spam-2021", "KR"));
    }

    #[test]
    fn a_file_with_only_a_header_holds_no_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, "a,b\n").unwrap();
        assert!(!has_rows(&path));
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        assert!(has_rows(&path));
        assert!(!has_rows(&dir.path().join("missing.csv")));
    }
}
