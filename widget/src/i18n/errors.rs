//! The widget's own sentence for each error it can show, in each language: what happened,
//! then what to do next, with what the edge told it (attempts left, the wait) and what the
//! screen knows (the order's cap, the button that gets a new code). The edge's `message`
//! is not shown (the widget's errors carry none); codes the widget never meets keep the
//! shared message.

use super::{Lang, MokafaaText, PongoText, Unit};
use loyalty_shared::api::Program;
use loyalty_shared::{ApiError, ErrorCode, Locale, Money};

/// What the screen showing an error knows beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// The program whose screen shows the error: its buttons are named in the sentence.
    pub program: Option<Program>,
    /// The least and the most this order can take in points (Mokafaa's balance answer).
    pub min: Option<Money>,
    pub max: Option<Money>,
}

/// What to say about `error` to this shopper.
pub fn sentence(error: &ApiError, lang: Lang, facts: Facts) -> String {
    match say(error, lang, facts) {
        Some(Said(reason, next, n, b)) => {
            let next = lang.fill(next, &n, b);
            format!("{} {next}", lang.t(reason)).trim_end().to_string()
        }
        None => shared_message(error.code, lang.locale).to_string(),
    }
}

/// The shared message of a code the widget has no sentence for (a shopper never meets
/// these). Each code's messages are worked out at compile time, so that only these, not
/// every code's in every language, are in the widget.
fn shared_message(code: ErrorCode, locale: Locale) -> &'static str {
    use ErrorCode::*;
    let [en, ar, fr] = match code {
        MalformedJson => const { messages(MalformedJson) },
        InvalidRequest => const { messages(InvalidRequest) },
        BadSignature => const { messages(BadSignature) },
        SignatureReplayed => const { messages(SignatureReplayed) },
        Unauthorized => const { messages(Unauthorized) },
        MethodNotAllowed => const { messages(MethodNotAllowed) },
        IdempotencyConflict => const { messages(IdempotencyConflict) },
        RedemptionAlreadyUsed => const { messages(RedemptionAlreadyUsed) },
        RedemptionNotCapturable => const { messages(RedemptionNotCapturable) },
        PayloadTooLarge => const { messages(PayloadTooLarge) },
        AmbiguousMember => const { messages(AmbiguousMember) },
        PaymentNotSuccessful => const { messages(PaymentNotSuccessful) },
        OauthStateInvalid => const { messages(OauthStateInvalid) },
        // Worded by `say`, so never asked for here (a test holds every other code to its
        // own message).
        _ => const { messages(Internal) },
    };
    match locale {
        Locale::En => en,
        Locale::Ar => ar,
        Locale::Fr => fr,
    }
}

/// A code's shared message in English, Arabic and French.
const fn messages(code: ErrorCode) -> [&'static str; 3] {
    [
        code.message(Locale::En),
        code.message(Locale::Ar),
        code.message(Locale::Fr),
    ]
}

/// What happened, what to do next, and what fills the second's `{n}` and `{b}`.
struct Said(Reason, Next, String, &'static str);

fn say(error: &ApiError, lang: Lang, facts: Facts) -> Option<Said> {
    use ErrorCode::*;
    let plain = |reason, next| Said(reason, next, String::new(), "");
    // A wait the edge gave, or "in a moment".
    let wait = |reason| match error.retry_after_seconds {
        Some(seconds) => Said(reason, Next::TryAgainIn, lang.wait(seconds), ""),
        None => plain(reason, Next::TryAgainSoon),
    };
    Some(match error.code {
        OtpInvalid => match error.attempts_left {
            Some(left) if left > 0 => Said(
                Reason::WrongCode,
                Next::Count,
                lang.count(Unit::TriesLeft, u64::from(left)),
                "",
            ),
            _ => plain(Reason::WrongCode, Next::CheckAndRetype),
        },
        OtpLocked if error.retry_after_seconds.is_some() => wait(Reason::TooManyWrong),
        OtpLocked => new_code(Reason::TooManyWrong, lang, facts),
        OtpExpired => new_code(Reason::Expired, lang, facts),
        OtpAlreadyUsed => new_code(Reason::AlreadyUsed, lang, facts),
        CartChanged => new_code(Reason::CartChanged, lang, facts),
        ResendTooEarly => match error.retry_after_seconds {
            Some(seconds) => Said(Reason::NotYet, Next::AskNewIn, lang.wait(seconds), ""),
            None => plain(Reason::NotYet, Next::TryAgainSoon),
        },
        ResendLimit if facts.program == Some(Program::Mokafaa) => Said(
            Reason::CodesUsedUp,
            Next::TypeLastOrRestart,
            String::new(),
            lang.t(MokafaaText::OtherNumber),
        ),
        ResendLimit => plain(Reason::CodesUsedUp, Next::TypeLast),
        RateLimited => wait(Reason::TooManyTries),
        UpstreamUnavailable => wait(Reason::ServiceDown),
        RequestInProgress => wait(Reason::StillChecking),
        Internal => plain(Reason::Internal, Next::TryAgainSoon),
        InvalidAmount | AmountOverLimit | AmountUnderMinimum | BalanceInsufficient => {
            amount(error.code, lang, facts)
        }
        InvalidPhone if facts.program == Some(Program::Pongo) => {
            plain(Reason::UnreadablePhone, Next::PhoneOrCountryCode)
        }
        InvalidPhone => plain(Reason::BadPhone, Next::PhoneFormat),
        InvalidAccount => plain(Reason::BadAccount, Next::CheckNumber),
        CustomerNotFound => plain(Reason::NoAccount, Next::CheckOrOther),
        OptinRequired => plain(Reason::Optin, Next::Nothing),
        SessionInvalid | SessionExpired => plain(Reason::SessionEnded, Next::Reload),
        NotFound => plain(Reason::Gone, Next::Reload),
        OriginNotAllowed | MerchantNotFound => plain(Reason::NotOnThisSite, Next::PayOtherWay),
        UpstreamRejected => plain(Reason::Refused, Next::PayOtherWay),
        AlreadyReversed => plain(Reason::AlreadyReturned, Next::Nothing),
        VerificationUnavailable => plain(Reason::CannotText, Next::Nothing),
        CartAlreadyRedeemed => plain(Reason::PaidElsewhere, Next::ReloadToSee),
        PongoNotConnected | StoreNotMapped => plain(Reason::ProgramOff, Next::PlaceOrderAnyway),
        _ => return None,
    })
}

/// A code that can no longer be used: the button that gets a new one, where there is one.
fn new_code(reason: Reason, lang: Lang, facts: Facts) -> Said {
    let button = match facts.program {
        Some(Program::Mokafaa) => lang.t(MokafaaText::Resend),
        Some(Program::Pongo) => lang.t(PongoText::SendNewCode),
        None => return Said(reason, Next::AskForNew, String::new(), ""),
    };
    Said(reason, Next::PressForNew, String::new(), button)
}

/// An amount refused: the cap or the minimum, when the balance answer gave them.
fn amount(code: ErrorCode, lang: Lang, facts: Facts) -> Said {
    let use_max = lang.t(MokafaaText::UseMaximum);
    let over = |reason| match facts.max {
        Some(max) => Said(reason, Next::EnterAtMost, lang.money(max), use_max),
        None => Said(reason, Next::EnterSmaller, String::new(), ""),
    };
    match code {
        ErrorCode::AmountOverLimit => over(Reason::OverLimit),
        ErrorCode::BalanceInsufficient => over(Reason::Insufficient),
        ErrorCode::AmountUnderMinimum => match facts.min {
            Some(min) => Said(
                Reason::UnderMinimum,
                Next::EnterAtLeast,
                lang.money(min),
                "",
            ),
            None => Said(Reason::UnderMinimum, Next::EnterLarger, String::new(), ""),
        },
        _ => Said(Reason::BadAmount, Next::EnterLike, String::new(), ""),
    }
}

/// What happened (worded in `error_words.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reason {
    WrongCode,
    TooManyWrong,
    Expired,
    AlreadyUsed,
    CartChanged,
    CodesUsedUp,
    NotYet,
    TooManyTries,
    OverLimit,
    Insufficient,
    UnderMinimum,
    BadAmount,
    BadPhone,
    UnreadablePhone,
    BadAccount,
    NoAccount,
    Optin,
    SessionEnded,
    Gone,
    NotOnThisSite,
    ServiceDown,
    Refused,
    StillChecking,
    AlreadyReturned,
    CannotText,
    PaidElsewhere,
    ProgramOff,
    Internal,
}

/// What to do next; `{n}` is a number, an amount or a wait, `{b}` a button's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    Count,
    CheckAndRetype,
    TryAgainIn,
    TryAgainSoon,
    PressForNew,
    AskForNew,
    AskNewIn,
    TypeLastOrRestart,
    TypeLast,
    EnterAtMost,
    EnterSmaller,
    EnterAtLeast,
    EnterLarger,
    EnterLike,
    PhoneFormat,
    PhoneOrCountryCode,
    CheckNumber,
    CheckOrOther,
    Reload,
    PayOtherWay,
    PlaceOrderAnyway,
    ReloadToSee,
    Nothing,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Digits;
    use loyalty_shared::Currency;

    fn en() -> Lang {
        Lang::default()
    }

    fn mokafaa() -> Facts {
        Facts {
            program: Some(Program::Mokafaa),
            min: Money::from_minor(100, Currency::Sar).ok(),
            max: Money::from_minor(25_000, Currency::Sar).ok(),
        }
    }

    #[test]
    fn sentences_say_what_to_do_next_with_the_numbers() {
        let cases = [
            (
                ApiError::new(ErrorCode::OtpInvalid, Locale::En).with_attempts_left(3),
                "That code is not right. 3 tries left.",
            ),
            (
                ApiError::new(ErrorCode::OtpLocked, Locale::En).with_retry_after(14 * 60 - 20),
                "Too many wrong codes. Try again in 14 minutes.",
            ),
            (
                ApiError::new(ErrorCode::OtpExpired, Locale::En),
                "The code has expired. Press “Resend code” to get a new code.",
            ),
            (
                ApiError::new(ErrorCode::ResendLimit, Locale::En),
                "No more codes can be sent for this try. Type the last code we sent, or press “Use another number” to start again.",
            ),
            (
                ApiError::new(ErrorCode::AmountOverLimit, Locale::En),
                "That is more than this order can take in points. Enter 250.00\u{a0}SAR or less, or press “Use maximum”.",
            ),
            (
                ApiError::new(ErrorCode::UpstreamUnavailable, Locale::En),
                "The loyalty service is not answering. Points are never taken twice. Try again in a moment.",
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(sentence(&error, en(), mokafaa()), expected);
        }
    }

    #[test]
    fn arabic_and_french_count_in_their_own_forms() {
        let error = ApiError::new(ErrorCode::OtpInvalid, Locale::En).with_attempts_left(2);
        let ar = Lang::new(Locale::Ar, Digits::ArabicIndic);
        assert_eq!(
            sentence(&error, ar, mokafaa()),
            "الرمز غير صحيح. بقيت محاولتان."
        );
        let fr = Lang::new(Locale::Fr, Digits::Latin);
        let locked = ApiError::new(ErrorCode::OtpLocked, Locale::En).with_retry_after(840);
        assert_eq!(
            sentence(&locked, fr, mokafaa()),
            "Trop de codes erronés. Réessayez dans 14\u{a0}minutes."
        );
    }

    #[test]
    fn every_code_a_shopper_can_meet_has_a_sentence_in_every_language() {
        use ErrorCode::*;
        let shopper_codes = [
            OtpInvalid,
            OtpLocked,
            OtpExpired,
            OtpAlreadyUsed,
            CartChanged,
            ResendTooEarly,
            ResendLimit,
            RateLimited,
            UpstreamUnavailable,
            RequestInProgress,
            Internal,
            InvalidAmount,
            AmountOverLimit,
            AmountUnderMinimum,
            BalanceInsufficient,
            InvalidPhone,
            InvalidAccount,
            CustomerNotFound,
            OptinRequired,
            SessionInvalid,
            SessionExpired,
            NotFound,
            OriginNotAllowed,
            MerchantNotFound,
            UpstreamRejected,
            AlreadyReversed,
            VerificationUnavailable,
            CartAlreadyRedeemed,
            PongoNotConnected,
            StoreNotMapped,
        ];
        for code in shopper_codes {
            let error = ApiError::new(code, Locale::En);
            for locale in Locale::ALL {
                for program in [None, Some(Program::Mokafaa), Some(Program::Pongo)] {
                    let lang = Lang::new(locale, Digits::Latin);
                    let facts = Facts {
                        program,
                        ..Facts::default()
                    };
                    assert!(say(&error, lang, facts).is_some(), "{code} {locale:?}");
                    let said = sentence(&error, lang, facts);
                    assert!(
                        !said.contains('{') && said.ends_with(['.', '»', '”']),
                        "{said}"
                    );
                }
            }
        }
    }

    #[test]
    fn codes_without_a_sentence_keep_the_shared_message() {
        // Only the merchant console and the operator meet these: the widget never asks
        // for them, and does not carry their words.
        let console_only = [
            ErrorCode::CsrfInvalid,
            ErrorCode::LinkInvalid,
            ErrorCode::MerchantExists,
        ];
        for &code in ErrorCode::ALL.iter().filter(|c| !console_only.contains(c)) {
            let error = ApiError::new(code, Locale::En);
            for locale in Locale::ALL {
                let lang = Lang::new(locale, Digits::Latin);
                if say(&error, lang, Facts::default()).is_none() {
                    assert_eq!(
                        sentence(&error, lang, Facts::default()),
                        code.message(locale)
                    );
                }
            }
        }
    }
}
