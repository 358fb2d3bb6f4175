//! Bank-account verification input: the Al Rajhi customer number (CIC) that Mokafaa's
//! `loyaltyCICNo` takes, and a Saudi IBAN for merchants that let shoppers type that instead.

use crate::digits::{ascii_digit, is_separator};
use crate::mask::{display_masked, mask_middle};

display_masked!(CustomerNumber, SaudiIban);
use core::fmt;
use iban::IbanLike;

/// Digits a customer number may have. [I]: the bank does not publish the CIC format;
/// the integrations seen send 6 to 12 digits. Correct here against the bank's sandbox.
pub const CIC_DIGITS: core::ops::RangeInclusive<usize> = 6..=12;

/// Length of a Saudi IBAN: `SA`, 2 check digits, 2-digit bank code, 18-character account.
pub const SAUDI_IBAN_LEN: usize = 24;

/// Why an account input was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountError {
    Empty,
    InvalidCharacter,
    WrongLength,
    NotSaudi,
    Checksum,
}

impl fmt::Display for AccountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AccountError::Empty => "the account number is empty",
            AccountError::InvalidCharacter => "the account number contains invalid characters",
            AccountError::WrongLength => "the account number has the wrong length",
            AccountError::NotSaudi => "the IBAN is not a Saudi IBAN (it must start with SA)",
            AccountError::Checksum => "the IBAN's check digits are wrong: please check for a typo",
        })
    }
}

impl std::error::Error for AccountError {}

/// An Al Rajhi customer number (CIC), digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomerNumber(String);

impl CustomerNumber {
    pub fn parse(text: &str) -> Result<Self, AccountError> {
        let mut digits = String::new();
        for c in text.trim().chars() {
            if is_separator(c) {
                continue;
            }
            let d = ascii_digit(c).ok_or(AccountError::InvalidCharacter)?;
            digits.push(char::from(b'0' + d));
            if digits.len() > *CIC_DIGITS.end() {
                return Err(AccountError::WrongLength);
            }
        }
        if digits.is_empty() {
            return Err(AccountError::Empty);
        }
        if !CIC_DIGITS.contains(&digits.len()) {
            return Err(AccountError::WrongLength);
        }
        Ok(CustomerNumber(digits))
    }

    /// The value sent as `loyaltyCICNo`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `••••5678`.
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 0, 4)
    }
}

/// A Saudi IBAN in electronic form (`SA0380000000608010167519`), checksum verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SaudiIban(String);

impl SaudiIban {
    /// Accepts the printed form with spaces and lower case (`sa03 8000 0000 6080 1016 7519`).
    pub fn parse(text: &str) -> Result<Self, AccountError> {
        let mut compact = String::with_capacity(SAUDI_IBAN_LEN);
        for c in text.chars() {
            if c.is_whitespace() || c == '-' {
                continue;
            }
            if let Some(d) = ascii_digit(c) {
                compact.push(char::from(b'0' + d));
            } else if c.is_ascii_alphabetic() {
                compact.push(c.to_ascii_uppercase());
            } else {
                return Err(AccountError::InvalidCharacter);
            }
            if compact.len() > 34 {
                return Err(AccountError::WrongLength);
            }
        }
        if compact.is_empty() {
            return Err(AccountError::Empty);
        }
        if !compact.starts_with("SA") {
            return Err(AccountError::NotSaudi);
        }
        if compact.len() != SAUDI_IBAN_LEN {
            return Err(AccountError::WrongLength);
        }
        // Saudi BBAN: 2 digits of bank code then 18 alphanumerics; the crate checks
        // the format and the mod-97 check digits.
        match compact.parse::<iban::Iban>() {
            Ok(parsed) => Ok(SaudiIban(parsed.electronic_str().to_string())),
            Err(iban::ParseIbanError::InvalidBaseIban {
                source: iban::ParseBaseIbanError::InvalidChecksum,
            }) => Err(AccountError::Checksum),
            Err(_) => Err(AccountError::InvalidCharacter),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `SA03••••7519`.
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 4, 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VALID: &str = "SA0380000000608010167519";

    #[test]
    fn customer_numbers() {
        assert_eq!(
            CustomerNumber::parse(" 1234 5678 ").unwrap().as_str(),
            "12345678"
        );
        assert_eq!(
            CustomerNumber::parse("١٢٣٤٥٦٧٨").unwrap().as_str(),
            "12345678"
        );
        assert_eq!(CustomerNumber::parse(""), Err(AccountError::Empty));
        assert_eq!(
            CustomerNumber::parse("12345"),
            Err(AccountError::WrongLength)
        );
        assert_eq!(
            CustomerNumber::parse("1234567890123"),
            Err(AccountError::WrongLength)
        );
        assert_eq!(
            CustomerNumber::parse("12AB5678"),
            Err(AccountError::InvalidCharacter)
        );
        assert_eq!(
            CustomerNumber::parse("12345678").unwrap().masked(),
            "••••5678"
        );
    }

    #[test]
    fn saudi_ibans_in_every_typed_form() {
        for typed in [
            VALID,
            "sa03 8000 0000 6080 1016 7519",
            " SA03-8000-0000-6080-1016-7519 ",
        ] {
            assert_eq!(SaudiIban::parse(typed).unwrap().as_str(), VALID, "{typed}");
        }
        assert_eq!(SaudiIban::parse(VALID).unwrap().masked(), "SA03••••7519");
    }

    #[test]
    fn iban_errors_say_what_is_wrong() {
        use AccountError::*;
        for (typed, reason) in [
            ("", Empty),
            ("DE44500105175407324931", NotSaudi),
            ("SA038000000060801016751", WrongLength),
            // One digit changed: the mod-97 check catches the typo.
            ("SA0380000000608010167518", Checksum),
            ("SA03#8000000608010167519", InvalidCharacter),
        ] {
            assert_eq!(SaudiIban::parse(typed), Err(reason), "{typed:?}");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_a_typed_error_never_a_panic(s in "\\PC{0,40}") {
            let _ = SaudiIban::parse(&s);
            let _ = CustomerNumber::parse(&s);
        }

        #[test]
        fn any_single_digit_typo_is_caught(pos in 4usize..24, delta in 1u8..10) {
            let mut bytes = VALID.as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(SaudiIban::parse(&typo), Err(AccountError::Checksum));
        }
    }
}
