//! The report as one HTML page: the typed figures turned into numbered
//! figures and tables (charts from `charts`), rendered by askama with
//! auto-escaping on. Only the SVG that `charts` made, and the style sheet
//! compiled in, are inserted unescaped.

use super::ReportError;
use super::aggregate::{
    AnnexSection, Base, Body, Compare, CompareRow, NumberStats, NumberValue, QuestionResult,
    Report, SectionResult, Share, Summary, group_digits, rank_points, rounded,
};
use super::charts::{self, Bar, Pair, Palette, Stack, printable};
use askama::Template;
use chrono::{DateTime, Utc};

mod blocks;
mod compare;

use blocks::{body_blocks, sample_note};
use compare::compare_blocks;

/// The style sheet, inlined into the page's `<style>` element.
const CSS: &str = include_str!("../../templates/report/report.css");
/// Above this many rows a comparison is a table only: bars would not read.
const MAX_PAIRS: usize = 14;

#[derive(Template)]
#[template(path = "report/report.html")]
struct Page<'a> {
    css: &'a str,
    /// The data are synthetic (made by `spam-survey demo`): say so on the cover.
    synthetic: bool,
    /// The report summarises (a big round): what is left out, and where it is.
    summary: Option<String>,
    heading: String,
    questionnaire: String,
    edition: String,
    reference_period: String,
    compared: Option<String>,
    generated: Option<String>,
    contents: Vec<(String, String)>,
    response: ResponseView,
    findings: Vec<FindingView>,
    findings_no: usize,
    sections: Vec<SectionView>,
    profiles_no: usize,
    profiles: TableView,
    profiles_note: String,
    annex: &'a [AnnexSection],
    year: i32,
    previous_year: Option<i32>,
}

struct ResponseView {
    summary: String,
    figure: FigureView,
    groups: Vec<(String, Vec<String>)>,
    associates: Option<String>,
}

struct FindingView {
    text: String,
    question: Option<String>,
}

struct SectionView {
    number: usize,
    id: String,
    title: String,
    intro: Option<String>,
    questions: Vec<QuestionView>,
}

struct QuestionView {
    id: String,
    text: String,
    kind: String,
    base: String,
    badge: Option<String>,
    blocks: Vec<Block>,
}

enum Block {
    Figure(FigureView),
    Note(String),
    /// Answers as typed, one row per member: a country and its texts.
    Texts {
        caption: String,
        head: Vec<String>,
        rows: Vec<(String, Vec<String>)>,
    },
}

/// A numbered figure (a chart with its table) or table (no chart).
struct FigureView {
    id: String,
    label: String,
    caption: String,
    svg: Option<String>,
    table: TableView,
}

struct TableView {
    head: Vec<String>,
    rows: Vec<RowView>,
    foot: Vec<RowView>,
    /// The columns after the first hold figures (right-aligned).
    numeric: bool,
}

struct RowView {
    head: String,
    cells: Vec<String>,
    muted: bool,
}

fn row(head: impl Into<String>, cells: Vec<String>) -> RowView {
    RowView {
        head: head.into(),
        cells,
        muted: false,
    }
}

fn muted(head: impl Into<String>, cells: Vec<String>) -> RowView {
    RowView {
        head: head.into(),
        cells,
        muted: true,
    }
}

/// "40%", or "–" where there is no base.
fn fmt_pct(p: Option<f64>) -> String {
    p.map_or("–".into(), |p| format!("{}%", rounded(p)))
}

/// A non-negative figure that may have a fraction (a median of two), to one
/// decimal where it has one.
fn fmt_num(x: f64) -> String {
    let tenths = (x.max(0.0) * 10.0).round() as u64;
    match tenths % 10 {
        0 => group_digits(tenths / 10),
        t => format!("{}.{t}", group_digits(tenths / 10)),
    }
}

fn fmt_change(c: Option<i64>) -> String {
    match c {
        Some(c) if c > 0 => format!("+{c}"),
        Some(c) if c < 0 => format!("\u{2212}{}", -c),
        Some(_) => "0".into(),
        None => "–".into(),
    }
}

fn members(n: usize) -> String {
    if n == 1 {
        "1 member".into()
    } else {
        format!("{n} members")
    }
}

fn base_text(b: &Base) -> String {
    format!(
        "Base: {} shown the question; {} answered.",
        members(b.shown),
        b.answered
    )
}

/// Numbers figures and tables in the order they appear.
#[derive(Default)]
struct Counter {
    figures: usize,
    tables: usize,
}

impl Counter {
    fn figure(&mut self, caption: String, svg: String, table: TableView) -> FigureView {
        self.figures += 1;
        FigureView {
            id: format!("fig-{}", self.figures),
            label: format!("Figure {}.", self.figures),
            caption,
            svg: Some(svg),
            table,
        }
    }

    fn table(&mut self, caption: String, table: TableView) -> FigureView {
        self.tables += 1;
        FigureView {
            id: format!("tab-{}", self.tables),
            label: format!("Table {}.", self.tables),
            caption,
            svg: None,
            table,
        }
    }
}

/// The text alternative of a bar chart: every bar and its figure.
fn alt_of(what: &str, bars: &[Bar]) -> String {
    let items: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect();
    format!("Bar chart of {what}. {}.", items.join("; "))
}

fn share_text(count: usize, pct: Option<f64>) -> String {
    match pct {
        Some(p) => format!("{count} ({}%)", rounded(p)),
        None => count.to_string(),
    }
}

/// Renders the report as one HTML document; `tick` is called once per question.
pub fn render(
    report: &Report,
    generated: Option<DateTime<Utc>>,
    synthetic: bool,
    mut tick: impl FnMut(),
) -> Result<String, ReportError> {
    let mut counter = Counter::default();
    let year = report.edition.year;
    let previous_year = report.previous.as_ref().map(|p| p.year);
    let response = response_view(report, &mut counter)?;
    let first = 3;
    let mut sections = Vec::new();
    for (i, s) in report.sections.iter().enumerate() {
        sections.push(section_view(report, s, first + i, &mut counter, &mut tick)?);
    }
    let profiles_no = first + sections.len();
    let mut contents = vec![
        ("response".to_string(), "1. Response".to_string()),
        ("findings".to_string(), "2. Key findings".to_string()),
    ];
    contents.extend(sections.iter().map(|s| {
        (
            format!("sec-{}", s.id),
            format!("{}. {}", s.number, s.title),
        )
    }));
    contents.push((
        "profiles".into(),
        format!("{profiles_no}. Country profiles"),
    ));
    contents.push(("annex-a".into(), "Annex A. The questionnaire".into()));
    contents.push((
        "annex-b".into(),
        "Annex B. How the figures were computed".into(),
    ));
    let page = Page {
        css: CSS,
        synthetic,
        summary: report.summary.as_ref().map(|s| summary_note(report, s)),
        heading: format!("Annual report on spam {year}"),
        questionnaire: report.edition.title.clone(),
        edition: format!("{year} ({})", report.edition.id),
        reference_period: report.edition.reference_period.clone(),
        compared: report
            .previous
            .as_ref()
            .map(|p| format!("{} edition ({})", p.year, p.id)),
        generated: generated.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        contents,
        response,
        findings: report
            .findings
            .iter()
            .map(|f| FindingView {
                text: f.text.clone(),
                question: (!f.question.is_empty()).then(|| f.question.clone()),
            })
            .collect(),
        findings_no: 2,
        sections,
        profiles_no,
        profiles: profiles_table(report),
        profiles_note: profiles_note(report),
        annex: &report.annex,
        year,
        previous_year,
    };
    page.render()
        .map_err(|e| ReportError::Render(e.to_string()))
}

fn response_view(report: &Report, counter: &mut Counter) -> Result<ResponseView, ReportError> {
    let r = &report.response;
    let prev = report
        .previous_response
        .as_ref()
        .zip(report.previous.as_ref());
    let rate = |n: usize, of: usize| fmt_pct((of > 0).then(|| 100.0 * n as f64 / of as f64));
    let mut summary = format!(
        "{} of {} responded ({}).",
        r.responded,
        members(r.members),
        rate(r.responded, r.members)
    );
    if let Some((p, info)) = prev {
        summary.push_str(&format!(
            " In {}, {} of {} had responded.",
            info.year, p.responded, p.members
        ));
    }
    let bars: Vec<Bar> = r
        .regions
        .iter()
        .filter(|g| g.members > 0)
        .map(|g| Bar {
            label: g.name.clone(),
            value: if g.members > 0 {
                100.0 * g.responded as f64 / g.members as f64
            } else {
                0.0
            },
            text: format!(
                "{} of {} ({})",
                g.responded,
                g.members,
                rate(g.responded, g.members)
            ),
            muted: false,
        })
        .collect();
    let mut head = vec![
        "Sub-region".to_string(),
        "Members".into(),
        "Responded".into(),
        "Response rate".into(),
    ];
    if let Some((_, info)) = prev {
        head.push(format!("Responded in {}", info.year));
    }
    head.push("Associate members responded".into());
    let prev_of = |name: &str| {
        prev.and_then(|(p, _)| p.regions.iter().find(|g| g.name == name))
            .map_or("–".to_string(), |g| g.responded.to_string())
    };
    let rows = r
        .regions
        .iter()
        .map(|g| {
            let mut cells = vec![
                g.members.to_string(),
                g.responded.to_string(),
                rate(g.responded, g.members),
            ];
            if prev.is_some() {
                cells.push(prev_of(&g.name));
            }
            cells.push(if g.associates > 0 {
                format!("{} of {}", g.associates_responded, g.associates)
            } else {
                "–".into()
            });
            row(g.name.clone(), cells)
        })
        .collect();
    let mut total = vec![
        r.members.to_string(),
        r.responded.to_string(),
        rate(r.responded, r.members),
    ];
    if let Some((p, _)) = prev {
        total.push(p.responded.to_string());
    }
    total.push(format!("{} of {}", r.associates_responded, r.associates));
    let svg = charts::bars(
        &bars,
        &alt_of("the response rate of members by sub-region", &bars),
    )?;
    let figure = counter.figure(
        "Response rate of members by sub-region".into(),
        svg,
        TableView {
            head,
            rows,
            foot: vec![row("All sub-regions", total)],
            numeric: true,
        },
    );
    let groups = r
        .regions
        .iter()
        .map(|g| {
            (
                g.name.clone(),
                r.respondents
                    .iter()
                    .filter(|m| m.subregion == g.name)
                    .map(|m| {
                        if m.associate {
                            format!("{} (associate member)", m.name)
                        } else {
                            m.name.clone()
                        }
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, names)| !names.is_empty())
        .collect();
    let associates = (r.associates > 0).then(|| {
        format!(
            "Associate members are counted apart: {} of {} responded. Their answers are included in the figures of each question.",
            r.associates_responded, r.associates
        )
    });
    Ok(ResponseView {
        summary,
        figure,
        groups,
        associates,
    })
}

fn section_view(
    report: &Report,
    s: &SectionResult,
    number: usize,
    counter: &mut Counter,
    tick: &mut impl FnMut(),
) -> Result<SectionView, ReportError> {
    let mut questions = Vec::new();
    for q in &s.questions {
        let annex_q = report
            .annex
            .iter()
            .flat_map(|a| a.questions.iter())
            .find(|a| a.id == q.id);
        let mut blocks = body_blocks(q, report.summary.as_ref(), counter)?;
        let mut labels: Vec<&str> = Vec::new();
        for quote in &q.specified {
            let l = quote.label.as_deref().unwrap_or("Other");
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
        for l in labels {
            let rows: Vec<(String, Vec<String>)> = q
                .specified
                .iter()
                .filter(|x| x.label.as_deref().unwrap_or("Other") == l)
                .map(|x| (x.country.clone(), vec![printable(&x.text).into_owned()]))
                .collect();
            if report.summary.is_some() {
                let all = q
                    .specified_counts
                    .iter()
                    .find(|(label, _)| label == l)
                    .map_or(rows.len(), |(_, n)| *n);
                blocks.push(Block::Note(format!(
                    "Texts given with “{l}”: {}",
                    sample_note(rows.len(), all)
                )));
            }
            blocks.push(Block::Texts {
                caption: format!("Answers given with “{l}”, as specified"),
                head: vec!["Member".into(), "Text as typed".into()],
                rows,
            });
        }
        let mut badge = None;
        compare_blocks(report, q, counter, &mut blocks, &mut badge)?;
        let mut kind = annex_q.map(|a| a.kind.clone()).unwrap_or_default();
        if let Some(c) = annex_q.and_then(|a| a.condition.clone()) {
            kind.push_str(" · ");
            kind.push_str(&c);
        }
        questions.push(QuestionView {
            id: q.id.clone(),
            text: q.text.clone(),
            kind,
            base: base_text(&q.base),
            badge,
            blocks,
        });
        tick();
    }
    Ok(SectionView {
        number,
        id: s.id.clone(),
        title: s.title.clone(),
        intro: s.intro.clone(),
        questions,
    })
}

fn profiles_table(report: &Report) -> TableView {
    let p = &report.profiles;
    let mut head = vec!["Member".to_string()];
    head.extend(p.columns.iter().map(|(id, h)| format!("{h} ({id})")));
    TableView {
        head,
        rows: p
            .rows
            .iter()
            .map(|r| {
                row(
                    if r.associate {
                        format!("{} (associate member)", r.country)
                    } else {
                        r.country.clone()
                    },
                    r.cells
                        .iter()
                        .map(|c| {
                            if c.is_empty() {
                                "–".into()
                            } else {
                                printable(c).into_owned()
                            }
                        })
                        .collect(),
                )
            })
            .collect(),
        foot: Vec::new(),
        numeric: false,
    }
}

/// What a summary leaves out, and where to find it.
fn summary_note(report: &Report, s: &Summary) -> String {
    let n = group_digits(
        report.response.responded as u64 + report.response.associates_responded as u64,
    );
    format!(
        "This report summarises its {n} responses instead of listing them: the respondents, the country profiles and each member's figures are left out, and each list of texts quotes its first {} in the order of the member list, with the number of all. Every response is in the responses file (CSV, one row per respondent), which the secretariat exports from the survey's data.",
        s.sample
    )
}

fn profiles_note(report: &Report) -> String {
    if report.summary.is_some() {
        return "Left out of this summary: one row per respondent would not be read. Each respondent's answers are in the responses file (CSV, one row per respondent).".into();
    }
    let ids: Vec<&str> = report
        .profiles
        .columns
        .iter()
        .map(|(id, _)| id.as_str())
        .collect();
    if ids.is_empty() {
        "This edition asks none of the questions of the profiles.".into()
    } else {
        format!(
            "One row per responding member: the answers to {}, in the members' own words for the texts. “–”: not answered, or not asked given the member's earlier answers.",
            ids.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_grouped_and_halves_kept() {
        assert_eq!(fmt_num(1234567.0), "1,234,567");
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(fmt_num(1999.96), "2,000");
        assert_eq!(fmt_change(Some(-4)), "\u{2212}4");
        assert_eq!(fmt_change(Some(3)), "+3");
        assert_eq!(fmt_pct(None), "–");
        assert_eq!(fmt_pct(Some(66.6)), "67%");
    }
}
