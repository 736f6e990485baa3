//! The checks of the `date` and `file` question types, and the `min`/`max`
//! keys that are whole numbers for most types and days for a date.

use super::{At, Checker, RawQuestion};
use crate::attachments::{self, DEFAULT_MAX_BYTES, MAX_MAX_BYTES};
use crate::definition::{FileRules, Kind};
use chrono::NaiveDate;
use serde::Deserialize;

/// A `min` or `max` as written: a whole number, a TOML date, or something else.
#[derive(Debug, Clone)]
pub(super) enum RawBound {
    Int(i64),
    Day(Option<NaiveDate>),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for RawBound {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RawBound, D::Error> {
        Ok(match toml::Value::deserialize(d)? {
            toml::Value::Integer(i) => RawBound::Int(i),
            toml::Value::Datetime(dt) if dt.time.is_none() => {
                RawBound::Day(dt.date.and_then(|x| {
                    NaiveDate::from_ymd_opt(x.year.into(), x.month.into(), x.day.into())
                }))
            }
            toml::Value::Datetime(_) => RawBound::Other("a date with a time"),
            toml::Value::String(_) => RawBound::Other("a string"),
            toml::Value::Float(_) => RawBound::Other("a decimal number"),
            _ => RawBound::Other("neither a number nor a date"),
        })
    }
}

impl Checker {
    /// A `min` or `max` of a type that counts: a whole number, or `default`.
    pub(super) fn whole(
        &mut self,
        at: &At,
        key: &str,
        raw: &Option<RawBound>,
        default: i64,
    ) -> i64 {
        match raw {
            None => default,
            Some(RawBound::Int(i)) => *i,
            Some(RawBound::Day(_)) => {
                self.fail_q(at, format!("`{key}` must be a whole number here, not a date (only a `date` question takes days)"));
                default
            }
            Some(RawBound::Other(what)) => {
                self.fail_q(at, format!("`{key}` must be a whole number, not {what}"));
                default
            }
        }
    }

    /// A `min` or `max` of a date: a TOML day such as 2000-01-01.
    fn day(&mut self, at: &At, key: &str, raw: &Option<RawBound>) -> Option<NaiveDate> {
        let message = match raw.as_ref()? {
            RawBound::Day(Some(d)) => return Some(*d),
            RawBound::Day(None) => format!("`{key}` is not a real date"),
            RawBound::Int(_) => {
                format!("`{key}` of a date must be a day such as {key} = 2000-01-01, not a number")
            }
            RawBound::Other("a string") => format!(
                "`{key}` is written as a string: write it without quotes, as a TOML date ({key} = 2000-01-01)"
            ),
            RawBound::Other(what) => {
                format!("`{key}` of a date must be a day such as 2000-01-01, not {what}")
            }
        };
        self.fail_q(at, message);
        None
    }

    /// A `date` question: its `min` and `max` days, in order.
    pub(super) fn date_kind(&mut self, at: &At, rq: &RawQuestion) -> Kind {
        let min = self.day(at, "min", &rq.min);
        let max = self.day(at, "max", &rq.max);
        if let (Some(a), Some(b)) = (min, max)
            && b < a
        {
            self.fail_q(at, format!("`max` ({b}) is before `min` ({a})"));
        }
        Kind::Date {
            min,
            max,
            unknown: rq.unknown.unwrap_or(false),
        }
    }

    /// A `file` question: the kinds it allows and its size limit.
    pub(super) fn file_kind(&mut self, at: &At, rq: &RawQuestion) -> Kind {
        let names: Vec<&str> = attachments::KINDS.iter().map(|k| k.name).collect();
        let kinds = rq.kinds.clone().unwrap_or_default();
        if kinds.is_empty() {
            self.fail_q(
                at,
                format!(
                    "a file question needs `kinds`, the kinds of document it takes ({})",
                    names.join(", ")
                ),
            );
        }
        for k in &kinds {
            if attachments::kind_named(k).is_none() {
                self.fail_q(
                    at,
                    format!(
                        "unknown kind of document `{k}` (the kinds there are: {})",
                        names.join(", ")
                    ),
                );
            }
        }
        let max_bytes = match rq.max_size.as_deref().map(parse_size) {
            None => DEFAULT_MAX_BYTES,
            Some(Some(n)) if n > 0 && n <= MAX_MAX_BYTES => n,
            Some(_) => {
                self.fail_q(at, format!("`max_size` must be a size such as \"5 MB\" or \"500 KB\", above 0 and at most {}", attachments::size_in_words(MAX_MAX_BYTES)));
                DEFAULT_MAX_BYTES
            }
        };
        Kind::File(FileRules {
            kinds,
            max_bytes,
            public: rq.public.unwrap_or(false),
        })
    }
}

/// `"5 MB"` or `"500 KB"` (binary units, as file managers count) in bytes.
fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = digits.parse().ok()?;
    match unit.trim().to_ascii_uppercase().as_str() {
        "KB" => n.checked_mul(1024),
        "MB" => n.checked_mul(1024 * 1024),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_size_is_kilobytes_or_megabytes() {
        assert_eq!(super::parse_size("5 MB"), Some(5 * 1024 * 1024));
        assert_eq!(super::parse_size("64kb"), Some(64 * 1024));
        assert_eq!(super::parse_size("5"), None);
        assert_eq!(super::parse_size("5 GB"), None);
    }
}
