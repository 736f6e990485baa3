//! The words of one message for one member: the template's placeholders
//! filled from the edition, the member, its link and its answers. The
//! workspace's preview, its ready texts and the outbox all use it.

use super::templates::{self, Kind, Values};
use crate::answers::Cells;
use crate::definition::{Member, Survey};
use crate::round::Progress;

/// What a message says beyond the edition and the member.
#[derive(Debug, Default)]
pub struct Context<'a> {
    /// The member's link (for invitations and reminders).
    pub link: String,
    /// Whether a link of the member's was in force before this one.
    pub earlier: bool,
    pub progress: Option<Progress>,
    /// The submitted answers and when (the thank-you).
    pub answers: Option<(&'a Cells, chrono::DateTime<chrono::Utc>)>,
}

/// Where a member stands, in a sentence of a reminder.
pub fn status_words(progress: Option<Progress>) -> &'static str {
    match progress {
        Some(Progress::Draft) => "Your draft is saved and waiting for you to submit it.",
        Some(Progress::ChangedAfterSubmission) => {
            "You have changed your answers since you submitted them; please submit again so that the changes count."
        }
        Some(Progress::Submitted) => "Your answers are submitted; you may still change them.",
        _ => "We have not yet received your administration's answers.",
    }
}

/// The answers in words, as plain text: each section's title, then each
/// question with its answer indented below it.
pub fn answers_text(survey: &Survey, cells: &Cells) -> String {
    let mut out = String::new();
    for s in crate::answers::describe(survey, cells) {
        if s.answers.is_empty() {
            continue;
        }
        out.push_str(&format!("{}. {}\n", s.id, s.title));
        out.push_str(&"-".repeat(s.id.chars().count() + s.title.chars().count() + 2));
        out.push('\n');
        for a in s.answers {
            out.push_str(&format!("{}. {}\n", a.id, a.text));
            if a.lines.is_empty() {
                out.push_str("    (no answer)\n");
            }
            for line in a.lines {
                for part in line.lines() {
                    out.push_str(&format!("    {part}\n"));
                }
            }
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// The subject and text of `kind` for `member`, from the edition's template.
pub fn compose(
    survey: &Survey,
    member: &Member,
    kind: Kind,
    ctx: &Context,
) -> Result<(String, String), String> {
    let t = templates::load(survey, kind)?;
    Ok(render(&t, survey, member, ctx))
}

/// Fills a template already loaded.
pub fn render(
    t: &templates::Template,
    survey: &Survey,
    member: &Member,
    ctx: &Context,
) -> (String, String) {
    let values = Values {
        member: member.name.clone(),
        code: member.code.clone(),
        title: survey.title.clone(),
        organisation: survey.organisation.clone().unwrap_or_default(),
        closes: survey.closes.format("%-d %B %Y").to_string(),
        link: ctx.link.clone(),
        earlier: if ctx.earlier {
            "Any link sent to you before no longer works: this one replaces it.".into()
        } else {
            String::new()
        },
        status: status_words(ctx.progress).into(),
        // Without answers (a preview before any save), what will stand there.
        answers: ctx.answers.map_or_else(
            || "(the answers, question by question)".to_string(),
            |(cells, _)| answers_text(survey, cells),
        ),
        submitted: ctx.answers.map_or_else(
            || "(the time of the submission)".to_string(),
            |(_, t)| t.format("%-d %B %Y, %H:%M").to_string(),
        ),
    };
    t.render(&values)
}
