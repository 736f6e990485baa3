//! Words that agree with their number: "1 member has", "2 members have".
//! Messages, pages and the report call [`plural`] instead of writing "(s)".

/// `one` when `n` is 1, `many` otherwise (0 takes the plural in English:
/// "0 members").
pub fn plural<'a, N: PartialEq + From<u8>>(n: N, one: &'a str, many: &'a str) -> &'a str {
    if n == N::from(1) { one } else { many }
}

/// The number and its word: "1 question", "7 questions".
pub fn count<N>(n: N, one: &str, many: &str) -> String
where
    N: Copy + PartialEq + From<u8> + std::fmt::Display,
{
    format!("{n} {}", plural(n, one, many))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_takes_the_singular_and_every_other_number_the_plural() {
        assert_eq!(count(1, "question", "questions"), "1 question");
        assert_eq!(count(0, "question", "questions"), "0 questions");
        assert_eq!(count(7, "question", "questions"), "7 questions");
        assert_eq!(plural(1, "member has", "members have"), "member has");
        assert_eq!(plural(2, "member has", "members have"), "members have");
    }
}
