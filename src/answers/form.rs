//! Strict parsing of an `application/x-www-form-urlencoded` body: invalid
//! UTF-8 and oversized forms are refused, never patched up.

use percent_encoding::percent_decode;

/// How many fields a form post may carry (the 2022 questionnaire has about 200).
pub const MAX_FIELDS: usize = 2_000;

/// Why a body is not a form this server takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("the form data is not valid UTF-8 text (in field {0})")]
    InvalidUtf8(String),
    #[error("the form has more than {MAX_FIELDS} fields")]
    TooManyFields,
}

/// Splits a form body into its (name, value) pairs, in order, decoding
/// `+` and percent escapes. Empty segments (`a=1&&b=2`) are skipped.
pub fn parse(body: &[u8]) -> Result<Vec<(String, String)>, FormError> {
    let mut out = Vec::new();
    for segment in body.split(|&b| b == b'&') {
        if segment.is_empty() {
            continue;
        }
        if out.len() == MAX_FIELDS {
            return Err(FormError::TooManyFields);
        }
        let (name, value) = match segment.iter().position(|&b| b == b'=') {
            Some(i) => (&segment[..i], &segment[i + 1..]),
            None => (segment, &b""[..]),
        };
        let name = decode(name).map_err(|_| FormError::InvalidUtf8(lossy(name)))?;
        let value = decode(value).map_err(|_| FormError::InvalidUtf8(name.clone()))?;
        out.push((name, value));
    }
    Ok(out)
}

fn decode(raw: &[u8]) -> Result<String, std::string::FromUtf8Error> {
    let plus: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    String::from_utf8(percent_decode(&plus).collect())
}

fn lossy(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_percent_escapes() {
        let f = parse(b"P1=a+b%2Bc&A2=email&A2=sms&empty=&bare").unwrap();
        assert_eq!(
            f,
            vec![
                ("P1".into(), "a b+c".into()),
                ("A2".into(), "email".into()),
                ("A2".into(), "sms".into()),
                ("empty".into(), "".into()),
                ("bare".into(), "".into()),
            ]
        );
    }

    #[test]
    fn refuses_invalid_utf8_in_a_value() {
        assert_eq!(
            parse(b"P1=%FF%FE"),
            Err(FormError::InvalidUtf8("P1".into()))
        );
    }

    #[test]
    fn refuses_too_many_fields() {
        let body = "a=1&".repeat(MAX_FIELDS + 1);
        assert_eq!(parse(body.as_bytes()), Err(FormError::TooManyFields));
    }

    #[test]
    fn keeps_line_breaks_and_a_leading_equals_sign() {
        let f = parse(b"G4=%3D1%2B1%0D%0Aline+two").unwrap();
        assert_eq!(f[0].1, "=1+1\r\nline two");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_fields_survive_encoding_and_parsing(fields in proptest::collection::vec((".{1,20}", any::<String>()), 0..20)) {
            let body = fields
                .iter()
                .map(|(k, v)| format!("{}={}", utf8_percent_encode(k, NON_ALPHANUMERIC), utf8_percent_encode(v, NON_ALPHANUMERIC)))
                .collect::<Vec<_>>()
                .join("&");
            prop_assert_eq!(parse(body.as_bytes()).unwrap(), fields);
        }

        #[test]
        fn any_bytes_are_either_parsed_or_refused_without_a_panic(body in proptest::collection::vec(any::<u8>(), 0..400)) {
            match parse(&body) {
                Ok(fields) => prop_assert!(fields.len() <= MAX_FIELDS),
                Err(FormError::InvalidUtf8(_)) | Err(FormError::TooManyFields) => {}
            }
        }

        #[test]
        fn a_value_is_decoded_exactly(value in any::<String>()) {
            let body = format!("G4={}", utf8_percent_encode(&value, NON_ALPHANUMERIC));
            prop_assert_eq!(parse(body.as_bytes()).unwrap(), vec![("G4".to_string(), value)]);
        }
    }
}
