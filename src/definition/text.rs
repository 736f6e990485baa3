//! Texts in the edition's languages. A text people read may be written as
//! a string or as a table of translations (`{ en = "...", fr = "..." }`);
//! the loaded [`Survey`] holds plain strings in its default language and
//! keeps the translations beside them, keyed by where each text sits, so
//! that [`Survey::in_language`] gives a copy in another language and the
//! rest of the code never sees a translation table.

use super::{Kind, Question, Survey};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// A text as written in a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RawText {
    Plain(String),
    /// Language code → text.
    Table(BTreeMap<String, String>),
}

impl Default for RawText {
    fn default() -> RawText {
        RawText::Plain(String::new())
    }
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RawText, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a string, or a table of translations such as { en = \"Name\", fr = \"Nom\" }",
                )
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RawText, E> {
                Ok(RawText::Plain(s.to_string()))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<RawText, E> {
                Ok(RawText::Plain(s))
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> Result<RawText, M::Error> {
                let mut table = BTreeMap::new();
                while let Some((lang, text)) = m.next_entry::<String, String>()? {
                    table.insert(lang, text);
                }
                Ok(RawText::Table(table))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// The translations of an edition's texts: for each text by its place
/// (see [`key`]), the text in each language written.
#[derive(Debug, Clone, Default)]
pub struct Translations(HashMap<String, BTreeMap<String, String>>);

/// Where a text sits, as the loader records it and [`Survey::in_language`]
/// looks it up: `title`, `s/<section>/title`, `q/<question>/text`,
/// `q/<question>/options/<code>`...
pub(crate) fn key(parts: &[&str]) -> String {
    parts.join("/")
}

/// The loader's side of the languages: the edition's languages, and each
/// text's translations recorded as its place is checked.
#[derive(Debug, Default)]
pub(crate) struct Texts {
    /// The listed languages, the default first (`en` when none is listed).
    pub(crate) languages: Vec<String>,
    /// Whether the definition lists `languages` (else a table is refused).
    listed: bool,
    pub(crate) translations: Translations,
}

impl Texts {
    pub(crate) fn new(languages: Vec<String>, listed: bool) -> Texts {
        Texts {
            languages,
            listed,
            translations: Translations::default(),
        }
    }

    fn default_language(&self) -> &str {
        self.languages
            .first()
            .map(String::as_str)
            .unwrap_or(crate::i18n::ENGLISH)
    }

    /// The text in the default language, its translations recorded under
    /// `place`, and what is wrong with it: `what` names it in the messages
    /// ("the question text", "option `email`").
    pub(crate) fn take(
        &mut self,
        place: String,
        what: &str,
        raw: &RawText,
    ) -> (String, Vec<String>) {
        let mut problems = Vec::new();
        let langs = self.languages.join(", ");
        match raw {
            RawText::Plain(s) => {
                if self.languages.len() > 1 {
                    let missing = self.languages[1..].join(", ");
                    problems.push(format!(
                        "{what} lacks a translation into {missing}: write it as a table of the edition's languages ({langs}), such as {{ {} }}",
                        self.languages.iter().map(|l| format!("{l} = \"…\"")).collect::<Vec<_>>().join(", ")
                    ));
                }
                (s.clone(), problems)
            }
            RawText::Table(table) => {
                if !self.listed {
                    problems.push(format!(
                        "{what} is a table of translations, but the edition lists no `languages` (such as languages = [\"en\", \"fr\"], the default first)"
                    ));
                }
                for lang in table.keys().filter(|l| !self.languages.contains(l)) {
                    problems.push(format!(
                        "{what} has a translation into `{lang}`, which is not one of the edition's languages ({langs})"
                    ));
                }
                let missing: Vec<&str> = self
                    .languages
                    .iter()
                    .filter(|l| !table.contains_key(*l))
                    .map(String::as_str)
                    .collect();
                if self.listed && !missing.is_empty() {
                    problems.push(format!(
                        "{what} lacks a translation into {}",
                        missing.join(", ")
                    ));
                }
                for (lang, text) in table.iter().filter(|(l, _)| self.languages.contains(l)) {
                    if text.trim().is_empty() {
                        problems.push(format!("{what} is empty in `{lang}`"));
                    }
                }
                let text = table
                    .get(self.default_language())
                    .or_else(|| table.values().next())
                    .cloned()
                    .unwrap_or_default();
                self.translations.0.insert(place, table.clone());
                (text, problems)
            }
        }
    }

    /// The text in the default language, its translations recorded under
    /// `place` without a check: for a shared list's labels, checked once
    /// on the list's own line.
    pub(crate) fn record(&mut self, place: String, raw: &RawText) -> String {
        self.take(place, "", raw).0
    }

    /// Records built-in words (the labels of yes / no / don't know) in
    /// every listed language from the interface's catalogues.
    pub(crate) fn built_in(&mut self, place: String, word: &str) {
        let table = self
            .languages
            .iter()
            .map(|l| (l.clone(), crate::i18n::Words::of(l).get(word).to_string()))
            .collect();
        self.translations.0.insert(place, table);
    }
}

/// Checks the `languages` of a definition: codes, distinct, at least one.
pub(crate) fn check_languages(langs: &[String]) -> Result<(), String> {
    if langs.is_empty() {
        return Err("`languages` lists no language: list the default first, such as languages = [\"en\", \"fr\"]".into());
    }
    for l in langs {
        if !crate::i18n::is_language_code(l) {
            return Err(format!(
                "`{l}` in `languages` is not a language code such as en, fr or pt-BR"
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = langs.iter().find(|l| !seen.insert(*l)) {
        return Err(format!("`{twice}` appears twice in `languages`"));
    }
    Ok(())
}

impl Survey {
    /// The default language: the first listed (`en` when none is).
    pub fn default_language(&self) -> &str {
        self.languages
            .first()
            .map(String::as_str)
            .unwrap_or(crate::i18n::ENGLISH)
    }

    /// Whether `lang` is one of the edition's languages.
    pub fn has_language(&self, lang: &str) -> bool {
        self.languages.iter().any(|l| l == lang)
    }

    /// A copy of the edition whose every text is in `lang` (one of its
    /// languages; any other gives the default). Codes, columns and rules
    /// are the same: answers given in any language are the same cells.
    pub fn in_language(&self, lang: &str) -> Survey {
        let lang = if self.has_language(lang) {
            lang
        } else {
            self.default_language()
        };
        let mut out = self.clone();
        out.language = lang.to_string();
        let translations = self.translations.clone();
        out.each_text(&mut |place, text| {
            if let Some(t) = translations.0.get(&place).and_then(|t| t.get(lang)) {
                *text = t.clone();
            }
        });
        out
    }

    /// Visits every text people read, with its place.
    fn each_text(&mut self, f: &mut dyn FnMut(String, &mut String)) {
        f(key(&["title"]), &mut self.title);
        f(key(&["introduction"]), &mut self.introduction);
        f(key(&["reference_period"]), &mut self.reference_period);
        for (name, text) in [
            ("organisation", &mut self.organisation),
            ("report_title", &mut self.report_title),
            ("contact", &mut self.contact),
        ] {
            if let Some(t) = text {
                f(key(&[name]), t);
            }
        }
        for s in &mut self.sections {
            f(key(&["s", &s.id, "title"]), &mut s.title);
            if let Some(intro) = &mut s.intro {
                f(key(&["s", &s.id, "intro"]), intro);
            }
            for q in &mut s.questions {
                q.each_text(f);
            }
        }
    }
}

impl Question {
    /// Visits the question's texts and its kind's labels, with their places.
    fn each_text(&mut self, f: &mut dyn FnMut(String, &mut String)) {
        let id = self.id.clone();
        f(key(&["q", &id, "text"]), &mut self.text);
        if let Some(help) = &mut self.help {
            f(key(&["q", &id, "help"]), help);
        }
        let mut labels = |what: &str, choices: &mut Vec<super::Choice>| {
            for c in choices {
                f(key(&["q", &id, what, &c.code]), &mut c.label);
            }
        };
        // A kind with labels of its own adds its arm here; the others
        // (text and help only) need nothing.
        match &mut self.kind {
            Kind::Single { options, .. } | Kind::Multi { options } | Kind::YesNo { options } => {
                labels("options", options)
            }
            Kind::MatrixChoice { rows, columns, .. } => {
                labels("rows", rows);
                labels("columns", columns);
            }
            Kind::MatrixNumber { rows, .. } => labels("rows", rows),
            Kind::Number {
                unit: Some(unit), ..
            } => f(key(&["q", &id, "unit"]), unit),
            Kind::Text { parts, .. } => {
                for p in parts {
                    f(key(&["q", &id, "parts", &p.code]), &mut p.label);
                }
            }
            Kind::Scale {
                min_label,
                max_label,
                ..
            } => {
                for (name, label) in [("min_label", min_label), ("max_label", max_label)] {
                    if let Some(l) = label {
                        f(key(&["q", &id, name]), l);
                    }
                }
            }
            _ => {}
        }
    }
}

impl RawText {
    /// The text in the first of `languages` it has (the default first).
    pub(crate) fn text_in(&self, languages: &[String]) -> &str {
        match self {
            RawText::Plain(s) => s,
            RawText::Table(t) => languages
                .iter()
                .find_map(|l| t.get(l))
                .or_else(|| t.values().next())
                .map(String::as_str)
                .unwrap_or_default(),
        }
    }
}

/// The editions with their texts in `lang` for a report or an export of
/// `edition` (`--lang`): `edition` must have that language; the others
/// (the edition compared with) take it where they have it. No `lang`: the
/// editions as they are, in their default languages.
pub fn in_language(
    surveys: Vec<Survey>,
    edition: &str,
    lang: Option<&str>,
) -> Result<Vec<Survey>, String> {
    let Some(lang) = lang else {
        return Ok(surveys);
    };
    if let Some(s) = surveys.iter().find(|s| s.id == edition)
        && !s.has_language(lang)
    {
        return Err(format!(
            "--lang {lang}: {edition} is not written in `{lang}`; its languages are {} (the first is the default)",
            s.languages.join(", ")
        ));
    }
    Ok(surveys.into_iter().map(|s| s.in_language(lang)).collect())
}
