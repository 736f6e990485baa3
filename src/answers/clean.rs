//! Clean text: characters that no one types on purpose and that change what
//! a reader sees are refused in answers, with a message that names them.
//!
//! C0 control characters other than tab and line breaks (NUL, the escape
//! that starts a terminal's colour codes, backspace...) and DEL, and the
//! bidirectional embeddings, overrides and isolates (U+202A–U+202E,
//! U+2066–U+2069), which can make a text read differently from what is
//! stored. The marks U+200E and U+200F stay allowed: right-to-left
//! scripts need them.

/// The first character of `text` that answers may not hold, if any.
pub fn stray(text: &str) -> Option<char> {
    text.chars().find(|c| match *c {
        '\t' | '\n' | '\r' => false,
        c if c.is_ascii_control() => true,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    })
}

/// Fields as they are shown back in a form: a control character becomes
/// U+FFFD, visible where it was (and an HTML page may not hold one);
/// everything else is as typed.
pub fn shown(fields: &[(String, String)]) -> Vec<(String, String)> {
    let visible = |c: char| match c {
        '\t' | '\n' | '\r' => c,
        c if c.is_ascii_control() => '\u{FFFD}',
        c => c,
    };
    fields
        .iter()
        .map(|(k, v)| (k.clone(), v.chars().map(visible).collect()))
        .collect()
}

/// What the member reads about a stray character.
pub fn message(c: char) -> String {
    let what = if c.is_ascii_control() {
        "an invisible control character"
    } else {
        "a character that reverses the direction of the text"
    };
    format!(
        "This answer contains {what} (U+{:04X}), perhaps pasted with the text. Please delete it or retype the text; nothing was stored.",
        c as u32
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_line_breaks_and_right_to_left_marks_pass_and_controls_and_overrides_do_not() {
        assert_eq!(stray("a\tb\r\nc ÅÄÖ 総務省 \u{200F}مرحبا"), None);
        for bad in [
            '\0', '\u{1b}', '\u{8}', '\u{7f}', '\u{202E}', '\u{2066}', '\u{2069}',
        ] {
            assert_eq!(stray(&format!("ok {bad} then")), Some(bad), "{:?}", bad);
        }
    }

    #[test]
    fn controls_are_shown_back_as_a_visible_mark_and_the_rest_as_typed() {
        let typed = [("P1".to_string(), "a\0b\u{1b}[1m\tc\n\u{202E}".to_string())];
        assert_eq!(shown(&typed)[0].1, "a\u{FFFD}b\u{FFFD}[1m\tc\n\u{202E}");
    }
}
