//! Phone numbers as shoppers type them, normalised once for each provider.
//!
//! Mokafaa wants a Saudi mobile in the local form `05XXXXXXXX` (the form its public
//! integrations send; an [I] choice kept in [`SaudiMobile::to_mokafaa`]). Pongo keys customers
//! by the international number as digits without '+' (`966501234567`).

use crate::digits::{ascii_digit, is_separator};
use crate::mask::{display_masked, mask_middle};

display_masked!(SaudiMobile, InternationalPhone);
use core::fmt;
use serde::{Deserialize, Serialize};

/// Saudi Arabia's country calling code.
pub const SAUDI_CALLING_CODE: &str = "966";

/// Why a phone number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    InvalidCharacter,
    WrongLength,
    /// A valid Saudi number but not a mobile (mobiles start with 5 after the trunk 0).
    NotAMobile,
    /// A local number (leading 0) with no country to read it in.
    MissingCountryCode,
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PhoneError::Empty => "the phone number is empty",
            PhoneError::InvalidCharacter => {
                "the phone number contains characters that are not digits"
            }
            PhoneError::WrongLength => "the phone number has the wrong number of digits",
            PhoneError::NotAMobile => "the number is not a Saudi mobile number (05XXXXXXXX)",
            PhoneError::MissingCountryCode => "the phone number needs its country code",
        })
    }
}

impl std::error::Error for PhoneError {}

/// Digits of a typed number, with a flag saying whether it was written international
/// (`+` or `00` prefix). Separators are dropped; anything else is an error.
fn digits_of(text: &str) -> Result<(String, bool), PhoneError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(PhoneError::Empty);
    }
    let mut digits = String::with_capacity(text.len());
    let mut plus = false;
    for (i, c) in text.chars().enumerate() {
        if c == '+' && digits.is_empty() && !plus {
            plus = true;
            continue;
        }
        if is_separator(c) {
            continue;
        }
        match ascii_digit(c) {
            Some(d) => digits.push(char::from(b'0' + d)),
            None => return Err(PhoneError::InvalidCharacter),
        }
        if digits.len() > 20 || i > 40 {
            return Err(PhoneError::WrongLength);
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }
    if !plus {
        if let Some(rest) = digits.strip_prefix("00") {
            return Ok((rest.to_string(), true));
        }
    }
    Ok((digits, plus))
}

/// A Saudi mobile number, held as its 9-digit national significant number (`5XXXXXXXX`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SaudiMobile {
    nsn: String,
}

impl SaudiMobile {
    /// Accepts `0501234567`, `501234567`, `966501234567`, `+966 50 123 4567`,
    /// `00966501234567`, `+966 (0)50...` and Arabic-Indic digits.
    pub fn parse(text: &str) -> Result<Self, PhoneError> {
        let (digits, international) = digits_of(text)?;
        let nsn = if let Some(rest) = digits.strip_prefix(SAUDI_CALLING_CODE) {
            // "+966 (0)50..." keeps the trunk 0 after the country code.
            rest.strip_prefix('0').unwrap_or(rest)
        } else if international {
            return Err(PhoneError::NotAMobile);
        } else {
            digits.strip_prefix('0').unwrap_or(&digits)
        };
        if nsn.len() != 9 {
            return Err(PhoneError::WrongLength);
        }
        if !nsn.starts_with('5') {
            return Err(PhoneError::NotAMobile);
        }
        Ok(SaudiMobile {
            nsn: nsn.to_string(),
        })
    }

    /// The form sent to Mokafaa's customer-authorization call.
    pub fn to_mokafaa(&self) -> String {
        format!("0{}", self.nsn)
    }

    /// The same number as Pongo and E.164 want it, without '+'.
    pub fn to_international(&self) -> InternationalPhone {
        InternationalPhone {
            digits: format!("{SAUDI_CALLING_CODE}{}", self.nsn),
        }
    }

    /// `05••••4567`: safe for screens, logs and emails.
    pub fn masked(&self) -> String {
        mask_middle(&self.to_mokafaa(), 2, 4)
    }
}

/// An international number as Pongo keys customers: 8 to 15 digits, country code first, no '+'.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InternationalPhone {
    digits: String,
}

impl InternationalPhone {
    /// Parses a number written with its country code (`+32 470 12 34 56`, `0032...`,
    /// `32470123456`). A local number with a trunk 0 (`0501234567`) is read in
    /// `default_calling_code` when one is given, otherwise refused.
    pub fn parse(text: &str, default_calling_code: Option<&str>) -> Result<Self, PhoneError> {
        let (digits, international) = digits_of(text)?;
        let digits = if !international && digits.starts_with('0') {
            let code = default_calling_code.ok_or(PhoneError::MissingCountryCode)?;
            format!("{code}{}", &digits[1..])
        } else {
            digits
        };
        if digits.starts_with('0') {
            return Err(PhoneError::InvalidCharacter);
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(PhoneError::WrongLength);
        }
        if let Some(rest) = digits.strip_prefix(SAUDI_CALLING_CODE) {
            // A Saudi number must be a valid Saudi number, not merely the right length.
            if rest.len() != 9 {
                return Err(PhoneError::WrongLength);
            }
        }
        Ok(InternationalPhone { digits })
    }

    /// Digits without '+', as Pongo's customer and checkin calls want them.
    pub fn as_digits(&self) -> &str {
        &self.digits
    }

    /// `9665••••4567`.
    pub fn masked(&self) -> String {
        mask_middle(&self.digits, 4, 4)
    }
}

impl TryFrom<String> for InternationalPhone {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        InternationalPhone::parse(&value, None)
    }
}

impl From<InternationalPhone> for String {
    fn from(value: InternationalPhone) -> Self {
        value.digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_form_a_saudi_shopper_types_gives_the_same_mobile() {
        for typed in [
            "0501234567",
            "501234567",
            "966501234567",
            "+966501234567",
            "+966 50 123 4567",
            "00966501234567",
            "+966 (0)50 123 4567",
            "050-123-4567",
            "٠٥٠١٢٣٤٥٦٧",
            "۰۵۰۱۲۳۴۵۶۷",
            " +٩٦٦٥٠١٢٣٤٥٦٧ ",
        ] {
            let m = SaudiMobile::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(m.to_mokafaa(), "0501234567", "{typed}");
            assert_eq!(m.to_international().as_digits(), "966501234567");
        }
    }

    #[test]
    fn refuses_what_is_not_a_saudi_mobile() {
        use PhoneError::*;
        for (typed, reason) in [
            ("", Empty),
            ("   ", Empty),
            ("0112345678", NotAMobile),
            ("05012345", WrongLength),
            ("050123456789", WrongLength),
            ("05O1234567", InvalidCharacter),
            ("+32470123456", NotAMobile),
            ("++966501234567", InvalidCharacter),
        ] {
            assert_eq!(SaudiMobile::parse(typed), Err(reason), "{typed:?}");
        }
    }

    #[test]
    fn masks_for_display_and_logs() {
        let m = SaudiMobile::parse("0501234567").unwrap();
        assert_eq!(m.masked(), "05••••4567");
        assert_eq!(format!("{m}"), "05••••4567");
        assert!(!format!("{m}").contains("0501234567"));
        assert_eq!(m.to_international().masked(), "9665••••4567");
    }

    #[test]
    fn international_numbers_for_pongo() {
        let be = InternationalPhone::parse("+32 470 12 34 56", None).unwrap();
        assert_eq!(be.as_digits(), "32470123456");
        assert_eq!(
            InternationalPhone::parse("0032470123456", None).unwrap(),
            be
        );
        assert_eq!(InternationalPhone::parse("32470123456", None).unwrap(), be);
        assert_eq!(
            InternationalPhone::parse("0501234567", Some("966"))
                .unwrap()
                .as_digits(),
            "966501234567"
        );
        assert_eq!(
            InternationalPhone::parse("0501234567", None),
            Err(PhoneError::MissingCountryCode)
        );
        assert_eq!(
            InternationalPhone::parse("+1234", None),
            Err(PhoneError::WrongLength)
        );
        assert_eq!(
            InternationalPhone::parse("+96650123", None),
            Err(PhoneError::WrongLength)
        );
        let json = serde_json::to_string(&be).unwrap();
        assert_eq!(json, r#""32470123456""#);
        assert!(serde_json::from_str::<InternationalPhone>(r#""abc""#).is_err());
    }

    proptest! {
        #[test]
        fn any_text_is_a_typed_error_never_a_panic(s in "\\PC{0,30}") {
            let _ = SaudiMobile::parse(&s);
            let _ = InternationalPhone::parse(&s, Some("966"));
        }

        #[test]
        fn all_forms_agree(nsn in "5[0-9]{8}") {
            let local = SaudiMobile::parse(&format!("0{nsn}")).unwrap();
            let intl = SaudiMobile::parse(&format!("+966 {nsn}")).unwrap();
            prop_assert_eq!(&local, &intl);
            prop_assert_eq!(SaudiMobile::parse(&local.to_mokafaa()).unwrap(), local.clone());
            let masked = local.masked();
            prop_assert!(!masked.contains(&nsn[..]));
        }
    }
}
