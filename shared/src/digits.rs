//! Digits as shoppers type them: ASCII, Arabic-Indic (٠-٩) and Extended Arabic-Indic (۰-۹).

/// The value of a decimal digit in any of the scripts shoppers in the Gulf type.
pub fn ascii_digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{0660}'..='\u{0669}' => Some((c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => Some((c as u32 - 0x06F0) as u8),
        _ => None,
    }
}

/// Separators people put inside numbers, which carry no meaning.
pub fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '.' | '(' | ')' | '/' | '\u{00A0}' | '\u{200F}' | '\u{200E}'
    )
}

/// A code as a shopper types it (any of those digits, spaces anywhere) as ASCII digits, when
/// every other character is a digit and there are `min..=max` of them.
pub fn typed_code(text: &str, min: usize, max: usize) -> Option<String> {
    let mut digits = String::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        digits.push(char::from(b'0' + ascii_digit(c)?));
    }
    (min..=max).contains(&digits.len()).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_all_three_scripts() {
        assert_eq!(ascii_digit('7'), Some(7));
        assert_eq!(ascii_digit('٧'), Some(7));
        assert_eq!(ascii_digit('۷'), Some(7));
        assert_eq!(ascii_digit('a'), None);
    }
}
