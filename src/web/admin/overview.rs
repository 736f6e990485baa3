//! The round overview: the totals of every member, and the member table
//! filtered, sorted and (past 500 members) paged by a plain GET query.

use super::{page, require, survey_of};
use crate::definition::Survey;
use crate::round::select::{self, Filter, Paging, SEARCH_MAX, Sort, Wanted};
use crate::round::{self, Count, MemberLine, Standing, grouped};
use crate::web::{AppError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a value in a query string must escape: all but RFC 3986's
/// unreserved characters, so that "South-East Asia" stays readable.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

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

/// Where a page stands among the pages, with links to the others.
pub struct Pager {
    /// "Members 201–400 of 100,000".
    pub position: String,
    pub page: usize,
    pub pages: usize,
    pub first: Option<String>,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub last: Option<String>,
    /// Where the "go to page" form goes, and the query it keeps.
    pub action: String,
    pub hidden: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct Overview<'a> {
    csrf: String,
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

/// A value from the query, cut short to be quoted in an error page.
fn quoted(value: &str) -> String {
    let mut s: String = value.chars().take(40).collect();
    if s.len() < value.len() {
        s.push('…');
    }
    s
}

/// The order asked for: none is by status; an unknown one is refused.
pub fn sort_of(value: &str) -> Result<Sort, AppError> {
    if value.is_empty() {
        return Ok(Sort::default());
    }
    Sort::parse(value).ok_or_else(|| {
        AppError::BadRequest(format!(
            "the members cannot be sorted by `{}`: the orders are {}",
            quoted(value),
            Sort::ALL.map(Sort::code).join(", ")
        ))
    })
}

/// The page asked for, from 1: none is the first; a page past the end is
/// for [`Paging`] to bring back to the last.
pub fn page_of(value: &str) -> Result<u64, AppError> {
    if value.is_empty() {
        return Ok(1);
    }
    let refused = || {
        AppError::BadRequest(format!(
            "`{}` is not a page: pages are numbered 1, 2, 3…",
            quoted(value)
        ))
    };
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refused());
    }
    // All digits but too many for a number: a page far past the end.
    match value.parse::<u64>().unwrap_or(u64::MAX) {
        0 => Err(refused()),
        n => Ok(n),
    }
}

/// The filter asked for; each value must be one the form offers.
fn filter_of(query: &OverviewQuery, subregions: &[String]) -> Result<Filter, AppError> {
    let status = match query.status.as_str() {
        "" => None,
        code => Some(Wanted::parse(code).ok_or_else(|| {
            AppError::BadRequest(format!(
                "`{}` is not a status to filter by: the statuses are {}",
                quoted(code),
                Wanted::ALL.map(Wanted::code).join(", ")
            ))
        })?),
    };
    let subregion = match query.subregion.as_str() {
        "" => None,
        r if subregions.iter().any(|s| s == r) => Some(r.to_string()),
        r => {
            return Err(AppError::BadRequest(format!(
                "no member of this edition is in the sub-region `{}`",
                quoted(r)
            )));
        }
    };
    if query.q.chars().count() > SEARCH_MAX {
        return Err(AppError::BadRequest(format!(
            "the search text is longer than {SEARCH_MAX} characters"
        )));
    }
    Ok(Filter::new(status, subregion, &query.q))
}

/// The query string of a view of the overview, defaults left out but the
/// order: with no filter and the first page, `?sort=name` as it always was.
pub fn query_string(filter: &Filter, sort: Sort, page: usize) -> String {
    let enc = |v: &str| utf8_percent_encode(v, QUERY_VALUE).to_string();
    let mut parts = Vec::new();
    if let Some(w) = filter.status {
        parts.push(format!("status={}", w.code()));
    }
    if let Some(r) = &filter.subregion {
        parts.push(format!("subregion={}", enc(r)));
    }
    if !filter.search.is_empty() {
        parts.push(format!("q={}", enc(&filter.search)));
    }
    parts.push(format!("sort={}", sort.code()));
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    format!("?{}", parts.join("&"))
}

/// The filter's fields, for a form that must keep it (the "go to page" one).
pub fn hidden_fields(filter: &Filter, sort: Sort) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(w) = filter.status {
        out.push(("status", w.code().to_string()));
    }
    if let Some(r) = &filter.subregion {
        out.push(("subregion", r.clone()));
    }
    if !filter.search.is_empty() {
        out.push(("q", filter.search.clone()));
    }
    out.push(("sort", sort.code().to_string()));
    out
}

/// "members 201–400 of 100,000" and the links to the pages around it;
/// `href` gives the address of a page.
pub fn pager(
    paging: &Paging,
    of_what: &str,
    action: String,
    hidden: Vec<(&'static str, String)>,
    href: impl Fn(usize) -> String,
) -> Pager {
    let position = if paging.matching == 0 {
        format!("No members {of_what}")
    } else {
        format!(
            "Members {}–{} of {}{of_what}",
            grouped(paging.start + 1),
            grouped(paging.end),
            grouped(paging.matching)
        )
    };
    let (page, pages) = (paging.page, paging.pages);
    Pager {
        position,
        page,
        pages,
        first: (page > 1).then(|| href(1)),
        previous: (page > 1).then(|| href(page - 1)),
        next: (page < pages).then(|| href(page + 1)),
        last: (page < pages).then(|| href(pages)),
        action,
        hidden,
    }
}

/// Why the page shown is not the one asked for, if it is not.
pub fn page_note(paging: &Paging) -> Option<String> {
    paging.past_end.map(|asked| {
        format!(
            "There is no page {asked}: this is the last page, {} of {}.",
            paging.page, paging.pages
        )
    })
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
    let mut standings = standings(&state, &survey)?;
    let totals = round::totals(&survey, &standings);
    let filter = filter_of(&query, &totals.subregions)?;
    // A link changes only the status of a member that never saved, and
    // the page only when its filter or order looks at that status; else
    // only the rows shown are looked up.
    let every_link =
        select::needs_every_link(&filter, sort) && standings.iter().any(|s| s.revisions == 0);
    if every_link {
        let invited = state.store.invitations.invited(&survey.id)?;
        round::invite_all(&survey, &mut standings, &invited);
    }
    if !filter.is_any() {
        let members = &survey.members;
        standings.retain(|s| filter.admits(&members[s.place], s));
    }
    let paging = Paging::new(survey.members.len(), standings.len(), asked_page);
    let mut rows = select::page(&survey, standings, sort, &paging);
    if !every_link {
        invite_shown(&state, &survey, &mut rows)?;
    }
    let members = lines(&survey, &rows);
    let (open, round_note) = round_note(&state, &survey)?;
    let everyone = grouped(survey.members.len());
    let finder = (paging.paged || !filter.is_any()).then(|| Finder {
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
                described(&filter)
            )
        },
        every: (!filter.is_any()).then(|| query_string(&Filter::default(), sort, 1)),
    });
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
    let page_body = Overview {
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
    }
    .render()?;
    Ok(page(page_body))
}
