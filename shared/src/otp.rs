//! The code the bank texts: one parser for the widget and the edge, so an API client gets
//! the answers the widget's shopper gets.

use crate::digits::typed_code;
use core::fmt;

/// How many digits the bank's codes have [S: 4 in the samples].
pub const OTP_DIGITS: usize = 4;

/// A well-formed OTP: exactly four ASCII digits, whatever digits and spaces were typed.
#[derive(Clone, PartialEq, Eq)]
pub struct Otp(String);

impl Otp {
    /// Accepts ASCII, Arabic-Indic and Eastern Arabic-Indic digits, with spaces anywhere.
    pub fn parse(text: &str) -> Option<Otp> {
        typed_code(text, OTP_DIGITS, OTP_DIGITS).map(Otp)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Never printed: a code in a log is a code anyone reading it can use.
impl fmt::Debug for Otp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Otp(••••)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digit_form_and_spacing_reads_the_same() {
        for typed in ["1234", " 12 34 ", "١٢٣٤", "۱۲۳۴"] {
            assert_eq!(
                Otp::parse(typed).map(|o| o.0),
                Some("1234".into()),
                "{typed}"
            );
        }
    }

    #[test]
    fn wrong_lengths_and_letters_are_refused_and_never_printed() {
        for typed in ["123", "12345", "12a4", ""] {
            assert!(Otp::parse(typed).is_none(), "{typed}");
        }
        assert!(!format!("{:?}", Otp::parse("1234").unwrap()).contains("1234"));
    }
}
