//! An edition counted one response at a time: counts, not responses, so
//! memory stays flat as respondents grow; two tallies of parts of an
//! edition merge into the tally of the whole, whatever the split.

use super::annex::{ProfileColumn, profile_columns};
use super::kept::Kept;
use super::question::{Figured, QuestionTally};
use super::*;
use crate::answers::Conditions;

/// Up to this many respondents the automatic report lists them: profiles,
/// a row per member in number tables, every text. The APT has 42 members
/// and associates; even a survey of every UN or ITU member state (193,
/// 194) stays a report that names each one. Past it, a table of members is
/// no longer something a reader looks things up in, and it would grow the
/// file by the respondent (145 MB at 100,000).
pub const FULL_DETAIL_MAX: usize = 200;
/// How many texts a summary quotes from each list of texts.
pub const SAMPLE: usize = 10;

/// How much of the responses the report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Full up to [`FULL_DETAIL_MAX`] respondents, a summary above.
    #[default]
    Auto,
    /// Every respondent listed, whatever their number.
    Full,
    /// Distributions and counts, a sample of the texts, no list of members.
    Summary,
}

impl std::str::FromStr for Detail {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Detail::Auto),
            "full" => Ok(Detail::Full),
            "summary" => Ok(Detail::Summary),
            other => Err(format!(
                "`{other}` is not a detail: use auto, full or summary"
            )),
        }
    }
}

/// An edition's responses counted so far.
#[derive(Debug, Clone)]
pub struct Tally<'a> {
    survey: &'a Survey,
    conditions: Conditions<'a>,
    /// Whether each question is shown to the response being counted.
    shown: Vec<bool>,
    detail: Detail,
    /// Associate members are counted with the members.
    associates_in: bool,
    respondents: usize,
    /// Of those, the respondents in the report's population (the members,
    /// or everyone when the definition counts associates in).
    counted: usize,
    /// One bit per position in the member list: whether that member responded.
    responded: Vec<u64>,
    /// The population's counts, one per question.
    questions: Vec<QuestionTally<'a>>,
    /// The associate members' counts, kept apart; empty when they are
    /// counted in, or when the list has none.
    apart: Vec<QuestionTally<'a>>,
    /// The sub-regions, in the report's order, and each listed member's.
    regions: Vec<String>,
    region_of: Vec<u16>,
    profile_columns: Vec<ProfileColumn<'a>>,
    /// Each respondent's profile, in words; only while members are listed.
    profiles: Kept<Vec<String>>,
}

/// An edition's figures, finished: what [`report`] sets side by side.
pub(super) struct Counted<'a> {
    pub(super) survey: &'a Survey,
    pub(super) summary: Option<Summary>,
    pub(super) response: ResponseRate,
    pub(super) population: Population,
    /// One per question, in questionnaire order.
    pub(super) questions: Vec<Figured>,
    /// The associate members' figures, one per question, when kept apart.
    pub(super) apart: Option<Vec<Figured>>,
    /// The codes of the respondents in the population, to tell how many
    /// two editions share.
    pub(super) codes: Vec<String>,
    pub(super) profiles: Profiles,
}

/// Whether the member at `i` is an associate whose answers are kept apart.
fn kept_apart(survey: &Survey, apart: bool, i: usize) -> bool {
    apart
        && survey
            .members
            .get(i)
            .is_some_and(|m| m.status == MemberStatus::Associate)
}

/// The sub-regions in the order the report lists them: the four of the
/// APT first, any other found in the member list after them, alphabetically.
pub(super) fn region_names(survey: &Survey) -> Vec<String> {
    let mut names: Vec<String> = SUBREGIONS.iter().map(|s| s.to_string()).collect();
    let mut others: Vec<String> = survey
        .members
        .iter()
        .map(|m| m.subregion.clone())
        .filter(|s| !SUBREGIONS.contains(&s.as_str()))
        .collect();
    others.sort();
    others.dedup();
    names.extend(others);
    names
}

impl<'a> Tally<'a> {
    /// An empty tally of `survey`'s responses.
    pub fn new(survey: &'a Survey, detail: Detail) -> Self {
        Tally::counting(survey, detail, survey.count_associates)
    }

    /// An empty tally that counts associate members in with the members
    /// if `associates_in`, else apart: the previous edition of a report is
    /// counted as the report's own edition is, so both years have one population.
    pub fn counting(survey: &'a Survey, detail: Detail, associates_in: bool) -> Self {
        let regions = region_names(survey);
        let region_of = survey
            .members
            .iter()
            .map(|m| regions.iter().position(|r| *r == m.subregion).unwrap_or(0) as u16)
            .collect();
        let apart = !associates_in
            && survey
                .members
                .iter()
                .any(|m| m.status == MemberStatus::Associate);
        let tallies = || -> Vec<QuestionTally<'a>> {
            survey
                .questions()
                .map(|q| QuestionTally::new(survey, q, regions.len()))
                .collect()
        };
        Tally {
            survey,
            conditions: Conditions::new(survey),
            shown: Vec::new(),
            detail,
            associates_in,
            respondents: 0,
            counted: 0,
            responded: vec![0; survey.members.len().div_ceil(64)],
            questions: tallies(),
            apart: if apart { tallies() } else { Vec::new() },
            regions,
            region_of,
            profile_columns: profile_columns(survey),
            profiles: Kept::new(0),
        }
    }

    /// Whether everything is kept so far: the report will list members.
    fn lists(&self) -> bool {
        match self.detail {
            Detail::Full => true,
            Detail::Summary => false,
            Detail::Auto => self.respondents <= FULL_DETAIL_MAX,
        }
    }

    fn keep_sample(&mut self) {
        for q in self.questions.iter_mut().chain(&mut self.apart) {
            q.keep_sample();
        }
        self.profiles.keep_sample();
    }

    /// Counts the latest submitted response of the member at `member` in
    /// the edition's member list. The cells are read through the
    /// questionnaire's conditions first (hidden answers cleared), so a stale
    /// answer to a hidden question is never counted; `cells` may be a
    /// buffer the caller reuses. A position off the list is not counted.
    pub fn add(&mut self, member: usize, cells: &mut Cells) {
        let survey = self.survey;
        if member >= survey.members.len() {
            return;
        }
        cells.resize(survey.columns().len(), String::new());
        // Taken out while the questions are counted, put back for the next row.
        let mut shown = std::mem::take(&mut self.shown);
        self.conditions.apply(cells, &mut shown);
        self.respondents += 1;
        self.responded[member / 64] |= 1 << (member % 64);
        if self.detail == Detail::Auto && self.respondents == FULL_DETAIL_MAX + 1 {
            self.keep_sample();
        }
        let all = self.lists();
        let is_shown = |index: usize| shown.get(index).copied().unwrap_or(false);
        let region = self.region_of.get(member).copied().unwrap_or(0) as usize;
        let tallies = if kept_apart(survey, !self.apart.is_empty(), member) {
            &mut self.apart
        } else {
            self.counted += 1;
            &mut self.questions
        };
        for (index, q) in tallies.iter_mut().enumerate() {
            if is_shown(index) {
                q.add(member, region, cells, all);
            }
        }
        if all {
            let columns = &self.profile_columns;
            self.profiles.push(member, true, || {
                columns
                    .iter()
                    .map(|c| {
                        if is_shown(c.index) {
                            c.in_words(survey, cells)
                        } else {
                            String::new()
                        }
                    })
                    .collect()
            });
        }
        self.shown = shown;
    }

    /// Adds the tally of another part of the same edition (other members).
    pub fn merge(&mut self, other: Tally<'a>) {
        debug_assert!(std::ptr::eq(self.survey, other.survey));
        self.respondents += other.respondents;
        self.counted += other.counted;
        for (a, b) in self.responded.iter_mut().zip(other.responded) {
            *a |= b;
        }
        let all = self.lists();
        for (a, b) in self.questions.iter_mut().zip(other.questions) {
            a.merge(b, all);
        }
        for (a, b) in self.apart.iter_mut().zip(other.apart) {
            a.merge(b, all);
        }
        self.profiles.merge(other.profiles, all);
    }

    /// How many responses were counted.
    pub fn respondents(&self) -> usize {
        self.respondents
    }

    /// The edition's figures; every list in the member list's order.
    pub(super) fn finish(self) -> Counted<'a> {
        let survey = self.survey;
        let full = self.lists();
        let responded = |i: usize| {
            self.responded
                .get(i / 64)
                .is_some_and(|w| w >> (i % 64) & 1 == 1)
        };
        let response = response_rate(survey, &self.regions, &responded, full);
        let apart_on = !self.apart.is_empty();
        let codes = survey
            .members
            .iter()
            .enumerate()
            .filter(|(i, _)| responded(*i) && !kept_apart(survey, apart_on, *i))
            .map(|(_, m)| m.code.clone())
            .collect();
        let regions = &self.regions;
        let counted = self.counted;
        let questions = self
            .questions
            .into_iter()
            .map(|q| q.finish(survey, counted, regions))
            .collect();
        let others = self.respondents - counted;
        let apart = apart_on.then(|| {
            self.apart
                .into_iter()
                .map(|q| q.finish(survey, others, regions))
                .collect()
        });
        let profiles = Profiles {
            columns: self
                .profile_columns
                .iter()
                .map(|c| (c.question.id.clone(), c.header.to_string()))
                .collect(),
            rows: self
                .profiles
                .into_sorted()
                .into_iter()
                .filter_map(|(p, cells)| {
                    let m = survey.members.get(p)?;
                    Some(ProfileRow {
                        country: m.name.clone(),
                        associate: m.status == MemberStatus::Associate,
                        cells,
                    })
                })
                .collect(),
        };
        Counted {
            survey,
            summary: (!full).then_some(Summary { sample: SAMPLE }),
            response,
            population: Population {
                associates_in: self.associates_in,
                associates_apart: apart_on,
            },
            questions,
            apart,
            codes,
            profiles,
        }
    }
}

/// The response rate, by sub-region, members and associates apart; the
/// respondents are listed only if `list`.
fn response_rate(
    survey: &Survey,
    names: &[String],
    responded: &impl Fn(usize) -> bool,
    list: bool,
) -> ResponseRate {
    let mut regions: Vec<RegionRate> = names
        .iter()
        .map(|name| RegionRate {
            name: name.clone(),
            members: 0,
            responded: 0,
            associates: 0,
            associates_responded: 0,
        })
        .collect();
    let mut respondents = Vec::new();
    // One pass over the member list: a round may have a million members.
    for (i, m) in survey.members.iter().enumerate() {
        let yes = responded(i);
        if let Some(g) = regions.iter_mut().find(|g| g.name == m.subregion) {
            let associate = m.status == MemberStatus::Associate;
            let (count, answered) = if associate {
                (&mut g.associates, &mut g.associates_responded)
            } else {
                (&mut g.members, &mut g.responded)
            };
            *count += 1;
            *answered += usize::from(yes);
        }
        if yes && list {
            respondents.push(Respondent {
                code: m.code.clone(),
                name: m.name.clone(),
                subregion: m.subregion.clone(),
                associate: m.status == MemberStatus::Associate,
            });
        }
    }
    regions.retain(|r| r.members + r.associates > 0);
    ResponseRate {
        members: regions.iter().map(|r| r.members).sum(),
        responded: regions.iter().map(|r| r.responded).sum(),
        associates: regions.iter().map(|r| r.associates).sum(),
        associates_responded: regions.iter().map(|r| r.associates_responded).sum(),
        regions,
        respondents,
    }
}
