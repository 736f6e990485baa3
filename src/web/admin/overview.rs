//! The round overview: the totals of every member, and the member table
//! filtered, sorted and (past 500 members) paged by a plain GET query.

use super::listing::{
    Pager, filter_of, hidden_fields, page_note, page_of, pager, query_string, sort_of,
};
use super::{Me, page, require, survey_of};
use crate::definition::Survey;
use crate::round::select::{self, Filter, Paging, SEARCH_MAX, Sort, Wanted};
use crate::round::{self, Count, MemberLine, Standing, Totals, grouped};
use crate::web::{AppError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;

pub struct RegionLine {
    pub name: String,
    pub count: Count,
}

/// The links to each order of the table, keeping the filter.
pub struct SortLinks {
    pub status: String,
    pub name: String,
    pub subregion: String,
    pub last: String,
}

/// The filter's form and what it found.
pub struct Finder {
    /// (value, label, chosen) of each status, then of each sub-region.
    pub statuses: Vec<(&'static str, &'static str, bool)>,
    pub subregions: Vec<(String, bool)>,
    pub search: String,
    pub search_max: usize,
    /// "12 of 1,203 members match" (or how many there are, unfiltered).
    pub matching: String,
    /// The unfiltered overview in the same order, when a filter is on.
    pub every: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct Overview<'a> {
    csrf: String,
    me: Me,
    /// The data directory holds synthetic demo data.
    demo: bool,
    survey: &'a Survey,
    editions: Vec<(String, String)>,
    open: bool,
    round_note: String,
    notice: Option<String>,
    overall: Count,
    regions: Vec<RegionLine>,
    associates: Count,
    members: Vec<MemberLine>,
    sort: &'a str,
    sorts: SortLinks,
    finder: Option<Finder>,
    pager: Option<Pager>,
    /// Why the page shown is not the one asked for.
    page_note: Option<String>,
    caption: String,
    /// The members whose latest submission came with confirmed warnings.
    marks: super::last_year::Marks,
    /// Each member's last message and whether it failed; None when the
    /// edition has no mail yet (the page is then as it was before mail).
    mail: Option<super::mail::LastMessages>,
    /// Whether to link the mail page (the server sends, or has sent).
    mail_link: bool,
}

#[derive(serde::Deserialize)]
pub struct OverviewQuery {
    #[serde(default)]
    sort: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    subregion: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    member: String,
}

/// Every member's standing in the list's order as its saves tell (no
/// texts copied, links not looked at).
pub fn standings(state: &AppState, survey: &Survey) -> Result<Vec<Standing>, AppError> {
    Ok(state
        .store
        .with_index(&survey.id, |index| round::standings(survey, index))?)
}

/// Adds to `rows` whether each holds a link, one look-up each: for the
/// rows shown, where the set of every link (a copy of each code in force)
/// would cost more than the page.
pub fn invite_shown(
    state: &AppState,
    survey: &Survey,
    rows: &mut [Standing],
) -> Result<(), AppError> {
    for row in rows {
        let Some(member) = survey.members.get(row.place) else {
            continue;
        };
        if state
            .store
            .invitations
            .is_invited(&survey.id, &member.code)?
        {
            row.invite();
        }
    }
    Ok(())
}

/// The lines of the table for `rows`.
pub fn lines(survey: &Survey, rows: &[Standing]) -> Vec<MemberLine> {
    rows.iter()
        .filter_map(|s| Some(MemberLine::new(survey.members.get(s.place)?, s)))
        .collect()
}

fn round_note(state: &AppState, survey: &Survey) -> Result<(bool, String), AppError> {
    let now = Utc::now();
    let r = state.store.round(survey, now)?;
    let note = match (r.open, r.by_hand) {
        (true, Some(t)) => format!(
            "Open: reopened by the secretariat on {}.",
            t.format("%-d %B %Y, %H:%M UTC")
        ),
        (false, Some(t)) => format!(
            "Closed by the secretariat on {}.",
            t.format("%-d %B %Y, %H:%M UTC")
        ),
        (true, None) => format!(
            "Open from {} until {} (23:59 UTC), as the questionnaire's dates say.",
            survey.opens, survey.closes
        ),
        (false, None) if now < survey.opens_at() => {
            format!("Not open yet: opens on {}.", survey.opens)
        }
        (false, None) => format!(
            "Closed on {}, as the questionnaire's dates say.",
            survey.closes
        ),
    };
    Ok((r.open, note))
}

fn notice(survey: &Survey, query: &OverviewQuery) -> Option<String> {
    let name_of = |code: &str| {
        survey
            .member(code)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    match query.notice.as_str() {
        "revoked" => Some(format!(
            "The link of {} is revoked: it no longer opens the questionnaire.",
            name_of(&query.member)
        )),
        "not-revoked" => Some(format!(
            "{} had no link in force: nothing was revoked.",
            name_of(&query.member)
        )),
        "closed" => {
            Some("The edition is closed: members can no longer change their answers.".into())
        }
        "reopened" => Some("The edition is open again: members can change their answers.".into()),
        _ => None,
    }
}

/// "status “draft”, sub-region “Pacific”, code or name containing “bank”".
fn described(filter: &Filter) -> String {
    let mut parts = Vec::new();
    if let Some(w) = filter.status {
        parts.push(format!("status “{}”", w.label()));
    }
    if let Some(r) = &filter.subregion {
        parts.push(format!("sub-region “{r}”"));
    }
    if !filter.search.is_empty() {
        parts.push(format!("code or name containing “{}”", filter.search));
    }
    parts.join(", ")
}

/// The filter's form, with the choices made and how many members match.
fn finder(filter: &Filter, sort: Sort, totals: &Totals, paging: &Paging, edition: usize) -> Finder {
    let everyone = grouped(edition);
    Finder {
        statuses: Wanted::ALL
            .into_iter()
            .map(|w| (w.code(), w.label(), filter.status == Some(w)))
            .collect(),
        subregions: totals
            .subregions
            .iter()
            .map(|r| (r.clone(), filter.subregion.as_ref() == Some(r)))
            .collect(),
        search: filter.search.clone(),
        search_max: SEARCH_MAX,
        matching: if filter.is_any() {
            format!("{everyone} members.")
        } else {
            format!(
                "{} of {everyone} members match: {}.",
                grouped(paging.matching),
                described(filter)
            )
        },
        every: (!filter.is_any()).then(|| query_string(&Filter::default(), sort, 1)),
    }
}

/// The rows a page shows of the members `filter` keeps, in `sort`'s
/// order, and where they stand among those members.
fn table(
    state: &AppState,
    survey: &Survey,
    mut standings: Vec<Standing>,
    filter: &Filter,
    sort: Sort,
    asked_page: u64,
) -> Result<(Paging, Vec<MemberLine>), AppError> {
    // A link changes only the status of a member that never saved, and
    // the page only when its filter or order looks at that status; else
    // only the rows shown are looked up.
    let every_link =
        select::needs_every_link(filter, sort) && standings.iter().any(|s| s.revisions == 0);
    if every_link {
        let invited = state.store.invitations.invited(&survey.id)?;
        round::invite_all(survey, &mut standings, invited.members());
    }
    if !filter.is_any() {
        let members = &survey.members;
        standings.retain(|s| filter.admits(&members[s.place], s));
    }
    let paging = Paging::new(survey.members.len(), standings.len(), asked_page);
    let mut rows = select::page(survey, standings, sort, &paging);
    if !every_link {
        invite_shown(state, survey, &mut rows)?;
    }
    Ok((paging, lines(survey, &rows)))
}

/// GET /admin/s/{survey}
pub async fn overview(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<OverviewQuery>,
) -> Result<HttpResponse, AppError> {
    let session = require(&state, &req)?;
    let survey = survey_of(&state, &path)?;
    // The cheap checks first: a bad address costs no pass over the members.
    let sort = sort_of(&query.sort)?;
    let asked_page = page_of(&query.page)?;
    let standings = standings(&state, &survey)?;
    let totals = round::totals(&survey, &standings);
    let filter = filter_of(
        &query.status,
        &query.subregion,
        &query.q,
        &totals.subregions,
    )?;
    let (paging, members) = table(&state, &survey, standings, &filter, sort, asked_page)?;
    let (open, round_note) = round_note(&state, &survey)?;
    let finder = (paging.paged || !filter.is_any())
        .then(|| finder(&filter, sort, &totals, &paging, survey.members.len()));
    let that_match = if filter.is_any() { "" } else { " that match" };
    let pager = paging.paged.then(|| {
        pager(
            &paging,
            that_match,
            format!("/admin/s/{}", survey.id),
            hidden_fields(&filter, sort),
            |p| query_string(&filter, sort, p),
        )
    });
    let caption = match (&pager, filter.is_any()) {
        (None, true) => format!("Every member of {} and where it stands", survey.id),
        (None, false) => format!("Members of {} that match, and where they stand", survey.id),
        (Some(p), _) => format!("{}: where they stand in {}", p.position, survey.id),
    };
    let link = |s| query_string(&filter, s, 1);
    let mail = super::mail::last_messages(&state, &survey)?;
    let page_body = Overview {
        me: session.me(),
        csrf: session.csrf,
        demo: crate::demo::is_demo(&state.store.dir),
        editions: state
            .store
            .surveys
            .values()
            .rev()
            .map(|s| (s.id.clone(), s.title.clone()))
            .collect(),
        survey: &survey,
        open,
        round_note,
        notice: notice(&survey, &query),
        overall: totals.overall,
        regions: totals
            .by_region
            .into_iter()
            .map(|(name, count)| RegionLine { name, count })
            .collect(),
        associates: totals.associates,
        members,
        sort: sort.code(),
        sorts: SortLinks {
            status: link(Sort::Status),
            name: link(Sort::Name),
            subregion: link(Sort::Subregion),
            last: link(Sort::Last),
        },
        finder,
        pager,
        page_note: page_note(&paging),
        caption,
        marks: super::last_year::Marks(super::last_year::confirmed_members(&state, &survey)?),
        mail_link: mail.is_some() || state.mail.configured(),
        mail,
    }
    .render()?;
    Ok(page(page_body))
}
