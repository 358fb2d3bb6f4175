//! Which field an error is about, so the view ties it there (`aria-describedby`,
//! `aria-invalid`) and shows it beside the field; an error about no field is said once
//! for the whole form.

use loyalty_shared::ErrorCode;

/// A field of a form, by the id of its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Mokafaa's mobile, customer number or IBAN.
    Identifier,
    Otp,
    Amount,
    /// Pongo's phone.
    Phone,
    /// Pongo's two consent questions.
    Optins,
    /// The code texted to prove a Pongo member's phone.
    MemberCode,
}

impl Field {
    /// The id of the field's input (or group).
    pub const fn id(self) -> &'static str {
        match self {
            Field::Identifier => "lc-identifier",
            Field::Otp => "lc-otp",
            Field::Amount => "lc-amount",
            Field::Phone => "lc-phone",
            Field::Optins => "lc-optins",
            Field::MemberCode => "lc-pongo-code",
        }
    }

    /// The id of the error line tied to the field.
    pub const fn error_id(self) -> &'static str {
        match self {
            Field::Identifier => "lc-identifier-error",
            Field::Otp => "lc-otp-error",
            Field::Amount => "lc-amount-error",
            Field::Phone => "lc-phone-error",
            Field::Optins => "lc-optins-error",
            Field::MemberCode => "lc-pongo-code-error",
        }
    }

    /// The field a Mokafaa error is about: the identifier on the first screen, the code or
    /// the amount on the second.
    pub fn of_mokafaa(code: ErrorCode, verifying: bool) -> Option<Field> {
        use ErrorCode::*;
        match code {
            InvalidPhone | InvalidAccount | CustomerNotFound if !verifying => {
                Some(Field::Identifier)
            }
            OtpInvalid | OtpExpired | OtpLocked | OtpAlreadyUsed if verifying => Some(Field::Otp),
            InvalidAmount | AmountOverLimit | AmountUnderMinimum | BalanceInsufficient
                if verifying =>
            {
                Some(Field::Amount)
            }
            _ => None,
        }
    }

    /// The field a Pongo error is about: the phone, the questions, or the texted code once
    /// one was sent.
    pub fn of_pongo(code: ErrorCode, code_sent: bool) -> Option<Field> {
        use ErrorCode::*;
        match code {
            InvalidPhone => Some(Field::Phone),
            OptinRequired => Some(Field::Optins),
            OtpInvalid | OtpExpired | OtpLocked if code_sent => Some(Field::MemberCode),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ErrorCode::*;

    #[test]
    fn errors_go_to_the_field_they_are_about() {
        let cases = [
            (
                Field::of_mokafaa(InvalidPhone, false),
                Some(Field::Identifier),
            ),
            (Field::of_mokafaa(OtpInvalid, true), Some(Field::Otp)),
            (
                Field::of_mokafaa(AmountOverLimit, true),
                Some(Field::Amount),
            ),
            (Field::of_mokafaa(UpstreamUnavailable, true), None),
            (Field::of_mokafaa(ResendLimit, true), None),
            (Field::of_pongo(OptinRequired, false), Some(Field::Optins)),
            (Field::of_pongo(OtpInvalid, true), Some(Field::MemberCode)),
            (Field::of_pongo(OtpInvalid, false), None),
        ];
        for (i, (got, expected)) in cases.into_iter().enumerate() {
            assert_eq!(got, expected, "case {i}");
        }
    }
}
