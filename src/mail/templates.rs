//! The messages' texts: plain-text templates with `{placeholders}`, the
//! bundled defaults, and an edition's own beside its definition
//! (`<edition>.invitation.txt`, `.reminder.txt`, `.thank-you.txt`).

use crate::definition::Survey;
use std::path::PathBuf;

/// The three messages the server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Invitation,
    Reminder,
    ThankYou,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Invitation, Kind::Reminder, Kind::ThankYou];

    /// The name in files, forms and the outbox.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Invitation => "invitation",
            Kind::Reminder => "reminder",
            Kind::ThankYou => "thank-you",
        }
    }

    /// The kind of a name, as [`Kind::name`] writes it.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The name for people: "invitation", "reminder", "thank-you".
    pub fn words(self) -> &'static str {
        match self {
            Kind::ThankYou => "thank-you",
            k => k.name(),
        }
    }

    fn bundled(self) -> &'static str {
        match self {
            Kind::Invitation => include_str!("../../templates/mail/invitation.txt"),
            Kind::Reminder => include_str!("../../templates/mail/reminder.txt"),
            Kind::ThankYou => include_str!("../../templates/mail/thank-you.txt"),
        }
    }

    /// Whether the message carries the member's link.
    pub fn has_link(self) -> bool {
        self != Kind::ThankYou
    }
}

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 9] = [
    "member",
    "code",
    "title",
    "organisation",
    "closes",
    "link",
    "earlier",
    "status",
    "answers",
];

/// What fills a template's placeholders.
#[derive(Debug, Default)]
pub struct Values {
    pub member: String,
    pub code: String,
    pub title: String,
    pub organisation: String,
    pub closes: String,
    /// The member's link (invitations and reminders).
    pub link: String,
    /// "any earlier link no longer works", only when there was one.
    pub earlier: String,
    /// Where the member stands (reminders).
    pub status: String,
    /// The answers in words (the thank-you).
    pub answers: String,
    /// When the answers were submitted (the thank-you).
    pub submitted: String,
}

impl Values {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "member" => &self.member,
            "code" => &self.code,
            "title" => &self.title,
            "organisation" => &self.organisation,
            "closes" => &self.closes,
            "link" => &self.link,
            "earlier" => &self.earlier,
            "status" => &self.status,
            "answers" => &self.answers,
            "submitted" => &self.submitted,
            _ => return None,
        })
    }
}

/// A template read and checked: its subject line and its body.
#[derive(Debug, Clone)]
pub struct Template {
    pub subject: String,
    pub body: String,
    /// Where it came from: the edition's file, or "the bundled default".
    pub source: String,
}

/// Where an edition's own template of `kind` is: beside its definition.
pub fn path_of(survey: &Survey, kind: Kind) -> PathBuf {
    survey
        .file
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join(format!("{}.{}.txt", survey.id, kind.name()))
}

/// The edition's template of `kind` (its own file, else the bundled one),
/// checked; a broken file is an error that names its line.
pub fn load(survey: &Survey, kind: Kind) -> Result<Template, String> {
    let path = path_of(survey, kind);
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text, kind).map(|(subject, body)| Template {
            subject,
            body,
            source: path.display().to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let (subject, body) = parse(kind.bundled(), kind)?;
            Ok(Template {
                subject,
                body,
                source: "the bundled default".into(),
            })
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
    .map_err(|e| {
        if e.starts_with(&path.display().to_string()) {
            e
        } else {
            format!("{}: {e}", path.display())
        }
    })
}

/// The placeholders of a line, each with where it starts; an error for an
/// unknown one or an unclosed brace.
fn placeholders(line: &str, kind: Kind) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err("a `{` is not closed by `}`".into());
        };
        let name = &after[..close];
        let known = PLACEHOLDERS.contains(&name) || (kind == Kind::ThankYou && name == "submitted");
        if !known {
            return Err(format!(
                "`{{{name}}}` is not a placeholder; the placeholders are {{{}}}",
                PLACEHOLDERS.join("}, {")
            ));
        }
        out.push(name);
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// Splits a template into its subject and body, checking every placeholder
/// and that the link stands alone on its line.
pub fn parse(text: &str, kind: Kind) -> Result<(String, String), String> {
    let text = text.replace("\r\n", "\n");
    let mut lines = text.lines();
    let subject = lines
        .next()
        .and_then(|l| l.strip_prefix("Subject:"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or("line 1: a template starts with `Subject: ` and the subject")?;
    placeholders(&subject, kind).map_err(|e| format!("line 1: {e}"))?;
    if subject.contains("{link}") || subject.contains("{answers}") {
        return Err("line 1: the subject cannot hold {link} or {answers}".into());
    }
    if lines.next().is_some_and(|l| !l.trim().is_empty()) {
        return Err("line 2: the subject is followed by an empty line, then the text".into());
    }
    let body: Vec<&str> = lines.collect();
    let mut links = 0;
    for (i, line) in body.iter().enumerate() {
        let names = placeholders(line, kind).map_err(|e| format!("line {}: {e}", i + 3))?;
        if names.contains(&"link") {
            links += 1;
            if line.trim() != "{link}" {
                return Err(format!(
                    "line {}: {{link}} stands alone on its line, so that mail programs keep it whole",
                    i + 3
                ));
            }
        }
    }
    if kind.has_link() && links == 0 {
        return Err(format!(
            "the {} has no {{link}}: the member could not open the form",
            kind.words()
        ));
    }
    Ok((subject, body.join("\n").trim_end().to_string() + "\n"))
}

fn fill(line: &str, values: &Values) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|c| Some((c, values.get(&after[..c])?)))
        {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Template {
    /// The subject and the text with the placeholders filled. A line that
    /// is only a placeholder with nothing to say is left out, with the
    /// empty line after it.
    pub fn render(&self, values: &Values) -> (String, String) {
        let subject = fill(&self.subject, values).replace(['\r', '\n'], " ");
        let mut out = Vec::new();
        let mut skip_blank = false;
        for line in self.body.lines() {
            if skip_blank && line.trim().is_empty() {
                skip_blank = false;
                continue;
            }
            skip_blank = false;
            let t = line.trim();
            let only = t.starts_with('{')
                && t.ends_with('}')
                && t[1..t.len() - 1]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-');
            let filled = fill(line, values);
            if only && filled.trim().is_empty() {
                skip_blank = true;
                continue;
            }
            out.push(filled);
        }
        (subject, out.join("\n") + "\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_templates_pass_their_own_checks() {
        for k in Kind::ALL {
            parse(k.bundled(), k).unwrap();
        }
    }

    #[test]
    fn a_link_inside_a_sentence_or_an_unknown_placeholder_is_refused() {
        let e = parse("Subject: x\n\nGo to {link} now\n", Kind::Invitation).unwrap_err();
        assert!(e.contains("line 3") && e.contains("alone"), "{e}");
        let e = parse("Subject: x\n\n{link}\n{nmae}\n", Kind::Invitation).unwrap_err();
        assert!(e.contains("{nmae}"), "{e}");
        let e = parse("Subject: x\n\nno link\n", Kind::Reminder).unwrap_err();
        assert!(e.contains("no {link}"), "{e}");
    }

    #[test]
    fn a_line_with_nothing_to_say_is_left_out_with_its_blank_line() {
        let (_, body) = parse(
            "Subject: s\n\n{link}\n\n{earlier}\n\nEnd\n",
            Kind::Invitation,
        )
        .unwrap();
        let t = Template {
            subject: "s".into(),
            body,
            source: String::new(),
        };
        let v = Values {
            link: "http://x/r/abc".into(),
            ..Values::default()
        };
        assert_eq!(t.render(&v).1, "http://x/r/abc\n\nEnd\n");
    }
}
