//! What a query asks of a list of members (its filter, order and page),
//! each value checked, and the addresses that keep it: shared by the
//! overview and the reminders page.

use crate::round::grouped;
use crate::round::select::{Filter, Paging, SEARCH_MAX, Sort, Wanted};
use crate::web::AppError;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a value in a query string must escape: all but RFC 3986's
/// unreserved characters, so that "South-East Asia" stays readable.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

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
pub fn filter_of(
    status: &str,
    subregion: &str,
    search: &str,
    subregions: &[String],
) -> Result<Filter, AppError> {
    let status = match status {
        "" => None,
        code => Some(Wanted::parse(code).ok_or_else(|| {
            AppError::BadRequest(format!(
                "`{}` is not a status to filter by: the statuses are {}",
                quoted(code),
                Wanted::ALL.map(Wanted::code).join(", ")
            ))
        })?),
    };
    let subregion = match subregion {
        "" => None,
        r if subregions.iter().any(|s| s == r) => Some(r.to_string()),
        r => {
            return Err(AppError::BadRequest(format!(
                "no member of this edition is in the sub-region `{}`",
                quoted(r)
            )));
        }
    };
    if search.chars().count() > SEARCH_MAX {
        return Err(AppError::BadRequest(format!(
            "the search text is longer than {SEARCH_MAX} characters"
        )));
    }
    Ok(Filter::new(status, subregion, search))
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
    links(position, paging.page, paging.pages, action, hidden, href)
}

/// A pager at `page` of `pages`, with the links around it.
fn links(
    position: String,
    page: usize,
    pages: usize,
    action: String,
    hidden: Vec<(&'static str, String)>,
    href: impl Fn(usize) -> String,
) -> Pager {
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

/// Pages of a list that is not of members (revisions, audit lines):
/// `per` rows a page, newest first, a page past the end showing the last.
pub struct Pages {
    pub page: usize,
    pub pages: usize,
    /// How many rows come before this page's first one.
    pub start: usize,
    pub total: usize,
    per: usize,
    past_end: Option<u64>,
}

impl Pages {
    pub fn new(total: usize, per: usize, asked: u64) -> Pages {
        let pages = total.div_ceil(per).max(1);
        let fits = usize::try_from(asked).is_ok_and(|a| (1..=pages).contains(&a));
        let page = if fits { asked as usize } else { pages };
        Pages {
            page,
            pages,
            start: (page - 1) * per,
            total,
            per,
            past_end: (!fits).then_some(asked),
        }
    }

    /// The rows of this page, as positions from the newest (0).
    pub fn rows(&self) -> std::ops::Range<usize> {
        self.start.min(self.total)..(self.start + self.per).min(self.total)
    }

    /// "Revisions 1–20 of 1,000 (newest first)" and the links around it.
    pub fn pager(&self, what: &str, action: &str, href: impl Fn(usize) -> String) -> Pager {
        let rows = self.rows();
        let position = if self.total == 0 {
            format!("No {}", what.to_lowercase())
        } else {
            format!(
                "{what} {}–{} of {}, newest first",
                grouped(rows.start + 1),
                grouped(rows.end),
                grouped(self.total)
            )
        };
        links(
            position,
            self.page,
            self.pages,
            action.to_string(),
            Vec::new(),
            href,
        )
    }

    /// Why the page shown is not the one asked for, if it is not.
    pub fn note(&self) -> Option<String> {
        self.past_end.map(|asked| {
            format!(
                "There is no page {asked}: this is the last page, {} of {}.",
                self.page, self.pages
            )
        })
    }
}
