//! A typed day: what a native date field sends (`YYYY-MM-DD`), and what a
//! person types where the browser shows a plain text box instead.

use crate::definition::UNKNOWN;
use chrono::NaiveDate;

/// How a day is written in the form and stored in the CSV.
pub const FORMAT: &str = "%Y-%m-%d";

/// A typed day, or "unknown": the cell to store, or what is wrong, for a
/// question that takes days from `min` to `max` (either may be open).
pub fn read(
    typed: &str,
    said_unknown: bool,
    (min, max): (Option<NaiveDate>, Option<NaiveDate>),
    unknown_allowed: bool,
) -> Result<String, String> {
    let t = typed.trim();
    if said_unknown {
        if !unknown_allowed {
            return Err("“Unknown” is not an answer to this question.".into());
        }
        if !t.is_empty() {
            return Err("Give either a date or “Unknown”, not both.".into());
        }
        return Ok(UNKNOWN.into());
    }
    if t.is_empty() {
        return Ok(String::new());
    }
    let shown: String = t.chars().take(40).collect();
    // Four digits of year, then month and day: a day such as 03/04/2021
    // reads differently in different countries, so it is refused.
    let well_formed = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let day = match NaiveDate::parse_from_str(t, FORMAT) {
        Ok(d) if well_formed => d,
        Ok(_) | Err(_) if well_formed => {
            return Err(format!(
                "“{shown}” is not a day of the calendar. Check the month and the day."
            ));
        }
        _ => {
            return Err(format!(
                "“{shown}” is not a date written as year-month-day. Write it as YYYY-MM-DD, such as 2021-07-15{}.",
                if unknown_allowed {
                    ", or tick “Unknown”"
                } else {
                    ""
                }
            ));
        }
    };
    match (min, max) {
        (Some(a), Some(b)) if day < a || day > b => Err(format!(
            "The date must be between {} and {}.",
            a.format(FORMAT),
            b.format(FORMAT)
        )),
        (Some(a), None) if day < a => {
            Err(format!("The date must be {} or later.", a.format(FORMAT)))
        }
        (None, Some(b)) if day > b => {
            Err(format!("The date must be {} or earlier.", b.format(FORMAT)))
        }
        _ => Ok(day.format(FORMAT).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, FORMAT).ok()
    }

    #[test]
    fn a_day_in_range_is_stored_as_typed_and_others_say_why() {
        let range = (d("2000-01-01"), d("2022-12-31"));
        assert_eq!(
            read(" 2021-07-15 ", false, range, true),
            Ok("2021-07-15".into())
        );
        assert!(
            read("2023-01-01", false, range, true)
                .unwrap_err()
                .contains("between 2000-01-01 and 2022-12-31")
        );
        assert!(
            read("2021-02-30", false, range, true)
                .unwrap_err()
                .contains("not a day of the calendar")
        );
        assert!(
            read("15/07/2021", false, range, true)
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
        assert!(
            read("2021-7-5", false, range, true)
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
        assert_eq!(read("", true, range, true), Ok("unknown".into()));
        assert!(read("", true, range, false).is_err());
        assert!(read("2021-07-15", true, range, true).is_err());
    }
}
