//! The analysts' commentary: an optional Markdown file beside the
//! definition, `<edition>.commentary.md`, whose `## <id>` headings (a
//! question id, a section id, or `Summary`) place its text in the report.
//!
//! The text is Markdown rendered by pulldown-cmark, with raw HTML turned
//! into text, images into their description and links other than web,
//! mail and in-page ones into their words: the report stays one file that
//! runs no script and loads nothing.

use crate::definition::Survey;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::path::{Path, PathBuf};

/// The heading that places text after the key findings.
pub const SUMMARY: &str = "Summary";

/// A commentary file's analysts' texts, by the id they follow, in HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Commentary {
    pieces: Vec<(String, String)>,
}

/// A heading or a line of a commentary file that cannot be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentaryError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for CommentaryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// Where the commentary of `survey` is: beside its definition file.
pub fn path_of(survey: &Survey) -> PathBuf {
    survey
        .file
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!("{}.commentary.md", survey.id))
}

/// The commentary of `survey`, none if it has no file; every heading that
/// names nothing of the edition is an error, with its line.
pub fn load(survey: &Survey) -> Result<Commentary, Vec<CommentaryError>> {
    let file = path_of(survey);
    match std::fs::read_to_string(&file) {
        Ok(text) => parse(&text, survey, &file),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Commentary::default()),
        Err(e) => Err(vec![CommentaryError {
            file,
            line: 0,
            message: format!("cannot read the commentary: {e}"),
        }]),
    }
}

/// The id a `## ` heading names, if the line is one.
fn heading(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("##")?;
    if rest.starts_with('#') || !(rest.starts_with(' ') || rest.starts_with('\t')) {
        return None;
    }
    Some(rest.trim().trim_end_matches('#').trim())
}

/// Reads a commentary file's text (`file` names it in errors).
pub fn parse(text: &str, survey: &Survey, file: &Path) -> Result<Commentary, Vec<CommentaryError>> {
    let mut errors = Vec::new();
    let fail = |errors: &mut Vec<CommentaryError>, line: usize, message: String| {
        errors.push(CommentaryError {
            file: file.to_path_buf(),
            line,
            message,
        })
    };
    let mut pieces: Vec<(String, String)> = Vec::new();
    let mut fence: Option<&str> = None;
    for (n, line) in text.lines().enumerate() {
        let number = n + 1;
        let trimmed = line.trim_start();
        // A heading inside fenced code is code, not a heading.
        for mark in ["```", "~~~"] {
            if trimmed.starts_with(mark) {
                fence = match fence {
                    None => Some(mark),
                    Some(open) if open == mark => None,
                    other => other,
                };
            }
        }
        match heading(line).filter(|_| fence.is_none()) {
            Some(id) => {
                let known = id == SUMMARY
                    || survey.sections.iter().any(|s| s.id == id)
                    || survey.question(id).is_some();
                if !known {
                    fail(
                        &mut errors,
                        number,
                        format!(
                            "`## {id}` names no question or section of {}: use a question id (such as B1), a section id (such as B) or `{SUMMARY}`",
                            survey.id
                        ),
                    );
                } else if pieces.iter().any(|(p, _)| p == id) {
                    fail(
                        &mut errors,
                        number,
                        format!("`## {id}` is given twice: put its text under one heading"),
                    );
                }
                pieces.push((id.to_string(), String::new()));
            }
            None => match pieces.last_mut() {
                Some((_, body)) => {
                    body.push_str(line);
                    body.push('\n');
                }
                None if line.trim().is_empty() || line.starts_with("# ") => {}
                None => fail(
                    &mut errors,
                    number,
                    "text before the first `## <id>` heading belongs to no part of the report: put it under `## Summary`, a section id or a question id".into(),
                ),
            },
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Commentary {
        pieces: pieces
            .into_iter()
            .filter(|(_, body)| !body.trim().is_empty())
            .map(|(id, body)| (id, to_html(&body)))
            .collect(),
    })
}

impl Commentary {
    /// The text placed after the question or at the head of the section `id`.
    pub fn after(&self, id: &str) -> Option<&str> {
        self.pieces
            .iter()
            .find(|(p, _)| p == id)
            .map(|(_, html)| html.as_str())
    }

    /// The text placed after the key findings.
    pub fn summary(&self) -> Option<&str> {
        self.after(SUMMARY)
    }

    /// Whether the file gave any text.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }
}

/// Whether a link may stay a link: web, mail and in-page addresses only.
fn safe_link(dest: &str) -> bool {
    let d = dest.trim().to_ascii_lowercase();
    d.starts_with("https://")
        || d.starts_with("http://")
        || d.starts_with("mailto:")
        || d.starts_with('#')
}

/// Markdown to HTML: raw HTML as text, images as their words, unsafe links as their words.
fn to_html(markdown: &str) -> String {
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .filter_map(|event| match event {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Image { .. }) => None,
        Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link { dest_url, .. }) if !safe_link(&dest_url) => {
            dropped.push(true);
            None
        }
        Event::Start(link @ Tag::Link { .. }) => {
            dropped.push(false);
            Some(Event::Start(link))
        }
        Event::End(TagEnd::Link) => match dropped.pop() {
            Some(true) => None,
            _ => Some(Event::End(TagEnd::Link)),
        },
        Event::Text(t) => Some(Event::Text(CowStr::from(
            crate::report::charts::printable(&t).into_owned(),
        ))),
        other => Some(other),
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}
