//! The interface's own words in each language (one catalogue file per
//! language, compiled in, English the fallback word by word) and which of
//! an edition's languages a page is shown in. No HTTP here: the handlers
//! hand in what the request asked for and what it remembered.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The language every catalogue falls back to, and the default of a
/// definition that lists no `languages`.
pub const ENGLISH: &str = "en";

/// The catalogues there are, by language code: one file each in this folder.
const CATALOGUES: &[(&str, &str)] = &[
    ("en", include_str!("en.toml")),
    ("fr", include_str!("fr.toml")),
];

/// One catalogue as read: its words, and its sentences of the checks of a
/// save keyed by their English text.
#[derive(Debug, Default)]
struct Catalogue {
    words: BTreeMap<String, toml::Value>,
    problems: BTreeMap<String, String>,
}

fn parse(src: &str) -> Result<Catalogue, String> {
    let mut table: toml::Table = toml::from_str(src).map_err(|e| e.to_string())?;
    let problems = match table.remove("problems") {
        Some(toml::Value::Table(t)) => t
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_string())))
            .collect(),
        _ => BTreeMap::new(),
    };
    Ok(Catalogue {
        words: table.into_iter().collect(),
        problems,
    })
}

fn catalogues() -> &'static BTreeMap<&'static str, Catalogue> {
    static ALL: OnceLock<BTreeMap<&'static str, Catalogue>> = OnceLock::new();
    ALL.get_or_init(|| {
        CATALOGUES
            .iter()
            .map(|(lang, src)| {
                // The files are compiled in and held by a test to parse:
                // a broken one gives English words, not a failed page.
                let catalogue = parse(src).unwrap_or_else(|e| {
                    tracing::error!(language = lang, error = %e, "a catalogue does not parse");
                    Catalogue::default()
                });
                (*lang, catalogue)
            })
            .collect()
    })
}

/// The language codes that have a catalogue.
pub fn catalogued() -> impl Iterator<Item = &'static str> {
    CATALOGUES.iter().map(|(lang, _)| *lang)
}

/// The interface's words in one language, falling back to English.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    lang: &'static str,
    own: Option<&'static Catalogue>,
    english: &'static Catalogue,
}

static EMPTY: OnceLock<Catalogue> = OnceLock::new();

impl Words {
    /// The words for `lang` (a code such as `fr`); English where it has no
    /// catalogue, or where its catalogue lacks a word.
    pub fn of(lang: &str) -> Words {
        let all = catalogues();
        let english = all
            .get(ENGLISH)
            .unwrap_or_else(|| EMPTY.get_or_init(Catalogue::default));
        let found = all.get_key_value(lang);
        Words {
            lang: found.map(|(k, _)| *k).unwrap_or(ENGLISH),
            own: found.map(|(_, c)| c),
            english,
        }
    }

    /// English.
    pub fn english() -> Words {
        Words::of(ENGLISH)
    }

    /// The language the words are in (English when there was no catalogue).
    pub fn lang(&self) -> &'static str {
        self.lang
    }

    fn value(&self, key: &str) -> Option<&'static toml::Value> {
        self.own
            .and_then(|c| c.words.get(key))
            .or_else(|| self.english.words.get(key))
    }

    /// The word or sentence under `key`; the key itself if no catalogue has it.
    pub fn get<'a>(&self, key: &'a str) -> &'a str {
        match self.value(key).and_then(|v| v.as_str()) {
            Some(s) => s,
            None => key,
        }
    }

    /// The sentence under `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut out = self.get(key).to_string();
        for (name, value) in values {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// The sentence under `key` with its one `{name}` replaced (for templates).
    pub fn with(&self, key: &str, name: &str, value: impl AsRef<str>) -> String {
        self.fill(key, &[(name, value.as_ref())])
    }

    /// `n` and its noun: the `_one` word for 1, the `_many` word otherwise.
    pub fn count(&self, n: usize, noun: &str) -> String {
        let key = format!("{noun}_{}", if n == 1 { "one" } else { "many" });
        format!("{n} {}", self.get(&key))
    }

    /// The `_one` or `_many` sentence under `key`, with `{n}` filled.
    pub fn plural(&self, n: usize, key: &str) -> String {
        let key = format!("{key}_{}", if n == 1 { "one" } else { "many" });
        self.fill(&key, &[("n", &n.to_string())])
    }

    /// A day written out: "30 June 2022", "30 juin 2022".
    pub fn date(&self, day: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let month = self
            .value("months")
            .and_then(|v| v.as_array())
            .and_then(|m| m.get(day.month0() as usize))
            .and_then(|m| m.as_str());
        match month {
            Some(m) => format!("{} {m} {}", day.day(), day.year()),
            None => day.format("%-d %B %Y").to_string(),
        }
    }

    /// A fixed sentence of the checks of a save in this language; the
    /// English as it is when there is no translation of it.
    pub fn problem<'a>(&self, english: &'a str) -> std::borrow::Cow<'a, str> {
        match self.own.and_then(|c| c.problems.get(english)) {
            Some(t) => std::borrow::Cow::Owned(t.clone()),
            None => std::borrow::Cow::Borrowed(english),
        }
    }
}

/// A language's own name ("Français"), from its catalogue or a short list
/// of the names of languages regional bodies work in; else its code.
pub fn language_name(lang: &str) -> String {
    if let Some(c) = catalogues().get(lang)
        && let Some(name) = c.words.get("language_name").and_then(|v| v.as_str())
    {
        return name.to_string();
    }
    let known = [
        ("ar", "العربية"),
        ("es", "Español"),
        ("pt", "Português"),
        ("ru", "Русский"),
        ("zh", "中文"),
        ("ja", "日本語"),
        ("ko", "한국어"),
        ("id", "Bahasa Indonesia"),
        ("th", "ไทย"),
        ("vi", "Tiếng Việt"),
    ];
    let primary = lang.split('-').next().unwrap_or(lang);
    known
        .iter()
        .find(|(code, _)| *code == primary)
        .map(|(_, name)| name.to_string())
        .unwrap_or_else(|| lang.to_string())
}

/// Whether `s` is a language code as definitions write them: a BCP 47 tag
/// of a primary language (two or three lower-case letters) and optional
/// subtags (`fr`, `pt-BR`, `zh-Hant`).
pub fn is_language_code(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The language a page is shown in: the one asked for in the address if
/// the edition has it, else the one remembered for the link if it still
/// has it, else its default (the first listed).
pub fn choose<'a>(
    languages: &'a [String],
    asked: Option<&str>,
    remembered: Option<&str>,
) -> &'a str {
    let listed = |l: Option<&str>| l.and_then(|l| languages.iter().find(|x| x.as_str() == l));
    listed(asked)
        .or_else(|| listed(remembered))
        .or(languages.first())
        .map(String::as_str)
        .unwrap_or(ENGLISH)
}

/// The value of `lang=` in a query string, if any.
pub fn asked_in(query: &str) -> Option<&str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .filter(|l| is_language_code(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_parses_and_has_only_words_english_has() {
        let english = parse(include_str!("en.toml")).expect("en.toml parses");
        for (lang, src) in CATALOGUES {
            let c = parse(src).unwrap_or_else(|e| panic!("{lang}.toml: {e}"));
            for key in c.words.keys() {
                assert!(
                    english.words.contains_key(key),
                    "{lang}.toml: `{key}` is not in en.toml"
                );
            }
            for key in c.problems.keys() {
                assert!(
                    english.problems.contains_key(key),
                    "{lang}.toml: problem `{key}` is not in en.toml"
                );
            }
        }
    }

    #[test]
    fn the_french_catalogue_has_every_word_with_the_same_placeholders() {
        let english = parse(include_str!("en.toml")).expect("en.toml parses");
        let french = parse(include_str!("fr.toml")).expect("fr.toml parses");
        let holes = |s: &str| -> Vec<String> {
            s.split('{')
                .skip(1)
                .filter_map(|p| p.split('}').next())
                .map(str::to_string)
                .collect()
        };
        for (key, value) in &english.words {
            let fr = french
                .words
                .get(key)
                .unwrap_or_else(|| panic!("fr.toml lacks `{key}`"));
            if let (Some(e), Some(f)) = (value.as_str(), fr.as_str()) {
                let (mut a, mut b) = (holes(e), holes(f));
                a.sort();
                b.sort();
                assert_eq!(a, b, "`{key}` has other placeholders in French");
            }
        }
    }

    #[test]
    fn a_word_missing_from_a_language_falls_back_to_english() {
        assert_eq!(Words::of("fr").get("submit"), "Envoyer");
        assert_eq!(Words::of("ar").get("submit"), "Submit");
        assert_eq!(Words::of("ar").lang(), "en");
        assert_eq!(Words::of("fr").get("no such word"), "no such word");
        assert_eq!(
            Words::of("fr").problem("A sentence with 3 in it."),
            "A sentence with 3 in it."
        );
    }

    #[test]
    fn dates_are_written_with_the_language_s_month_names() {
        let d = chrono::NaiveDate::from_ymd_opt(2022, 6, 30).expect("a date");
        assert_eq!(Words::of("fr").date(d), "30 juin 2022");
        assert_eq!(Words::english().date(d), "30 June 2022");
    }

    #[test]
    fn the_address_wins_then_the_remembered_choice_then_the_default() {
        let langs = vec!["en".to_string(), "fr".to_string()];
        assert_eq!(choose(&langs, Some("fr"), Some("en")), "fr");
        assert_eq!(choose(&langs, Some("de"), Some("fr")), "fr");
        assert_eq!(choose(&langs, None, Some("xx")), "en");
        assert_eq!(choose(&langs, None, None), "en");
        assert_eq!(asked_in("saved=3&lang=fr"), Some("fr"));
        assert_eq!(asked_in("lang=%3Cx"), None);
    }

    #[test]
    fn language_codes_are_bcp47_tags() {
        for ok in ["en", "fr", "pt-BR", "zh-Hant", "ast"] {
            assert!(is_language_code(ok), "{ok}");
        }
        for bad in ["", "EN", "f", "english", "fr_FR", "fr-", "<b>"] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }
}
