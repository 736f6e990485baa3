//! The checks of what a definition says for publication: the licence, its
//! address, the citation, and which questions' texts may be published.

use super::{At, Checker, Kind, RawQuestion, Spanned};
use crate::definition::Publication;

/// Whether `s` looks like an SPDX licence identifier (`CC-BY-4.0`, `ODbL-1.0`).
fn is_licence_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'+')
}

impl Checker {
    /// The edition's licence, its address and citation, each checked.
    pub(super) fn publication(
        &mut self,
        licence: Option<&Spanned<String>>,
        licence_url: Option<&Spanned<String>>,
        citation: Option<&str>,
    ) -> Publication {
        let licence = licence.and_then(|l| {
            if is_licence_id(l.get_ref()) {
                return Some(l.get_ref().clone());
            }
            let line = self.line_of(l.span().start);
            self.fail(
                Some(line),
                None,
                format!(
                    "`licence` must be the licence's SPDX identifier, such as \"CC-BY-4.0\", not `{}`",
                    l.get_ref()
                ),
            );
            None
        });
        let licence_url = licence_url.and_then(|u| {
            let url = u.get_ref();
            let ok = url.starts_with("https://")
                && url.len() > "https://".len()
                && !url
                    .chars()
                    .any(|c| c.is_whitespace() || c == '"' || c == '<');
            if ok {
                return Some(url.clone());
            }
            let line = self.line_of(u.span().start);
            self.fail(
                Some(line),
                None,
                format!("`licence_url` must be an https: address without spaces, not `{url}`"),
            );
            None
        });
        Publication {
            licence,
            licence_url,
            citation: citation
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
        }
    }

    /// `texts_public`, refused where the question has no free text to publish
    /// and on a private question (whose answers are never published).
    pub(super) fn texts_public(&mut self, at: &At, rq: &RawQuestion, kind: &Kind) -> bool {
        if !rq.texts_public {
            return false;
        }
        let has_text = match kind {
            Kind::Text { .. } => true,
            _ => kind.options().is_some_and(|o| o.iter().any(|c| c.specify)),
        };
        if rq.private {
            self.fail_q(
                at,
                "`texts_public` cannot go with `private = true`: a private question's answers are never published".into(),
            );
            false
        } else if !has_text {
            self.fail_q(
                at,
                "`texts_public` is only for a text question or one with a \"please specify\" option: this question has no free text".into(),
            );
            false
        } else {
            true
        }
    }
}
