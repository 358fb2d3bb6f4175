//! Masking for display and logs: enough for a person to recognise their own number,
//! never enough to recover it. The hidden part is always shown as four bullets so the
//! length of the secret does not leak.

/// Keeps `start` leading and `end` trailing characters and hides the rest.
/// Inputs too short to hide anything are hidden entirely.
pub fn mask_middle(value: &str, start: usize, end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= start + end + 1 {
        return "••••".to_string();
    }
    let head: String = chars[..start].iter().collect();
    let tail: String = chars[chars.len() - end..].iter().collect();
    format!("{head}••••{tail}")
}

/// Personal identifiers print masked, even through `{}`, so a log line cannot leak one.
macro_rules! display_masked {
    ($($kind:ty),* $(,)?) => {
        $(impl std::fmt::Display for $kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.masked())
            }
        })*
    };
}
pub(crate) use display_masked;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_the_middle_and_short_values_entirely() {
        assert_eq!(mask_middle("0501234567", 2, 4), "05••••4567");
        assert_eq!(mask_middle("1234", 2, 4), "••••");
    }
}
