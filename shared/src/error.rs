//! The error vocabulary of the whole API: one stable machine-readable code per situation,
//! its HTTP status, and a message a shopper can read in English or Arabic.
//!
//! Codes are a contract with widgets and merchant servers in the field: add new ones,
//! never rename or reuse one.

use crate::{AccountError, Locale, MoneyError, PhoneError, PointsError};
use core::fmt;
use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($( $variant:ident = $code:literal, $status:literal, $en:literal, $ar:literal; )*) => {
        /// Every error the API can answer.
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $( $variant, )*
        }

        impl ErrorCode {
            /// All codes, for documentation and exhaustive tests.
            pub const ALL: &'static [ErrorCode] = &[$( ErrorCode::$variant, )*];

            /// The stable string on the wire.
            pub const fn as_str(self) -> &'static str {
                match self { $( ErrorCode::$variant => $code, )* }
            }

            pub const fn http_status(self) -> u16 {
                match self { $( ErrorCode::$variant => $status, )* }
            }

            /// A message for the shopper or merchant in their language; never upstream text.
            pub const fn message(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $( (ErrorCode::$variant, Locale::En) => $en,
                       (ErrorCode::$variant, Locale::Ar) => $ar, )*
                }
            }

            pub fn from_code(code: &str) -> Option<ErrorCode> {
                match code { $( $code => Some(ErrorCode::$variant), )* _ => None }
            }
        }
    };
}

error_codes! {
    MalformedJson = "malformed_json", 400,
        "The request body is not valid JSON.", "نص الطلب ليس بصيغة JSON صحيحة.";
    InvalidRequest = "invalid_request", 400,
        "The request is missing a field or has a wrong value.", "الطلب ينقصه حقل أو يحتوي قيمة غير صحيحة.";
    InvalidAmount = "invalid_amount", 400,
        "The amount is not valid.", "المبلغ غير صحيح.";
    InvalidPhone = "invalid_phone", 400,
        "Please enter a valid Saudi mobile number (05XXXXXXXX).", "يرجى إدخال رقم جوال سعودي صحيح (05XXXXXXXX).";
    InvalidAccount = "invalid_account", 400,
        "Please check the account number you entered.", "يرجى التحقق من رقم الحساب المدخل.";
    OtpInvalid = "otp_invalid", 400,
        "The code is not correct.", "رمز التحقق غير صحيح.";
    OtpExpired = "otp_expired", 400,
        "The code has expired. Please request a new one.", "انتهت صلاحية رمز التحقق. يرجى طلب رمز جديد.";
    OtpLocked = "otp_locked", 423,
        "Too many wrong codes. Please request a new one.", "محاولات خاطئة كثيرة. يرجى طلب رمز جديد.";
    OtpAlreadyUsed = "otp_already_used", 409,
        "This code was already used. Please request a new one.", "تم استخدام هذا الرمز مسبقاً. يرجى طلب رمز جديد.";
    ResendTooEarly = "resend_too_early", 429,
        "Please wait before requesting a new code.", "يرجى الانتظار قبل طلب رمز جديد.";
    ResendLimit = "resend_limit", 429,
        "You have requested too many codes for this order.", "لقد طلبت رموزاً كثيرة لهذا الطلب.";
    BalanceInsufficient = "balance_insufficient", 422,
        "Your points balance is not enough for this amount.", "رصيد نقاطك لا يكفي لهذا المبلغ.";
    AmountOverLimit = "amount_over_limit", 422,
        "The amount is more than can be paid with points for this order.", "المبلغ أكبر من الحد المسموح دفعه بالنقاط لهذا الطلب.";
    AmountUnderMinimum = "amount_under_minimum", 422,
        "The amount is less than the minimum that can be paid with points.", "المبلغ أقل من الحد الأدنى للدفع بالنقاط.";
    CustomerNotFound = "customer_not_found", 404,
        "No loyalty account was found for this number.", "لم يتم العثور على حساب ولاء لهذا الرقم.";
    OptinRequired = "optin_required", 400,
        "Please answer both the email and the SMS question.", "يرجى الإجابة على سؤالي البريد الإلكتروني والرسائل النصية.";
    SessionInvalid = "session_invalid", 401,
        "Your checkout session is not valid. Please reload the page.", "جلسة الدفع غير صالحة. يرجى إعادة تحميل الصفحة.";
    SessionExpired = "session_expired", 401,
        "Your checkout session has expired. Please reload the page.", "انتهت جلسة الدفع. يرجى إعادة تحميل الصفحة.";
    CartChanged = "cart_changed", 409,
        "Your cart changed. Please request a new code.", "تغيرت سلة مشترياتك. يرجى طلب رمز جديد.";
    BadSignature = "bad_signature", 401,
        "The request signature is missing, wrong or too old.", "توقيع الطلب مفقود أو غير صحيح أو قديم.";
    SignatureReplayed = "signature_replayed", 409,
        "This signed request was already received. To repeat it, sign it again with a new timestamp.", "تم استلام هذا الطلب الموقّع مسبقاً. لتكراره، وقّعه من جديد بطابع زمني جديد.";
    Unauthorized = "unauthorized", 401,
        "Please sign in.", "يرجى تسجيل الدخول.";
    OriginNotAllowed = "origin_not_allowed", 403,
        "This website is not allowed to use this merchant's loyalty checkout.", "هذا الموقع غير مسموح له باستخدام خدمة الولاء لهذا التاجر.";
    MerchantNotFound = "merchant_not_found", 404,
        "This merchant is not configured.", "هذا التاجر غير مُعد.";
    NotFound = "not_found", 404,
        "Not found.", "غير موجود.";
    MethodNotAllowed = "method_not_allowed", 405,
        "This method is not allowed here.", "هذه الطريقة غير مسموحة هنا.";
    IdempotencyConflict = "idempotency_conflict", 409,
        "This request key was already used with different content.", "تم استخدام مفتاح الطلب هذا مسبقاً بمحتوى مختلف.";
    RedemptionAlreadyUsed = "redemption_already_used", 409,
        "This redemption already paid another order.", "عملية الاستبدال هذه استُخدمت لطلب آخر.";
    RedemptionNotCapturable = "redemption_not_capturable", 409,
        "This redemption was given back or never completed, so it cannot pay an order.", "أُعيدت عملية الاستبدال هذه أو لم تكتمل، فلا يمكن الدفع بها.";
    CartAlreadyRedeemed = "cart_already_redeemed", 409,
        "Points were already used for this cart in another window. Undo them there, or reload this page to see them.", "استُخدمت النقاط لهذه السلة في نافذة أخرى. ألغِها هناك أو أعد تحميل هذه الصفحة لرؤيتها.";
    RequestInProgress = "request_in_progress", 409,
        "This request is still being processed. Please try again in a moment.", "ما زال هذا الطلب قيد المعالجة. يرجى المحاولة بعد لحظات.";
    PayloadTooLarge = "payload_too_large", 413,
        "The request body is too large.", "نص الطلب كبير جداً.";
    AmbiguousMember = "ambiguous_member", 409,
        "More than one loyalty member joined on this cart: name the customer in the order.", "انضم أكثر من عضو ولاء على هذه السلة: حدّد العميل في الطلب.";
    VerificationUnavailable = "verification_unavailable", 409,
        "This store cannot text you a code. Your points are still credited to your number.", "لا يستطيع هذا المتجر إرسال رمز إليك. ستُضاف نقاطك إلى رقمك على أي حال.";
    AlreadyReversed = "already_reversed", 409,
        "This redemption was already reversed.", "تم إلغاء عملية الاستبدال هذه مسبقاً.";
    PaymentNotSuccessful = "payment_not_successful", 422,
        "Only successfully paid orders can be sent.", "يمكن إرسال الطلبات المدفوعة بنجاح فقط.";
    StoreNotMapped = "store_not_mapped", 422,
        "This store or terminal is not mapped to a loyalty store.", "هذا المتجر أو الجهاز غير مربوط بمتجر ولاء.";
    PongoNotConnected = "pongo_not_connected", 409,
        "The merchant's Pongo account is not connected.", "حساب بونغو الخاص بالتاجر غير مربوط.";
    OauthStateInvalid = "oauth_state_invalid", 400,
        "This connect link is not valid or was already used. Start connecting again.", "رابط الربط غير صالح أو تم استخدامه. ابدأ الربط من جديد.";
    RateLimited = "rate_limited", 429,
        "Too many requests. Please try again shortly.", "طلبات كثيرة. يرجى المحاولة بعد قليل.";
    UpstreamUnavailable = "upstream_unavailable", 503,
        "The loyalty service is not answering right now. Please try again.", "خدمة الولاء لا تستجيب حالياً. يرجى المحاولة مرة أخرى.";
    UpstreamRejected = "upstream_rejected", 502,
        "The loyalty service refused the request.", "رفضت خدمة الولاء الطلب.";
    Internal = "internal", 500,
        "Something went wrong on our side. Nothing was charged.", "حدث خطأ من جانبنا. لم يتم خصم أي شيء.";
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error response: `{"error": {...}}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ApiError,
}

/// An error as the API answers it. Extra fields appear only when they help the caller act.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds to wait before retrying (resend cooldown, rate limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u32>,
    /// Wrong OTPs still allowed on this challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// The request field at fault, for forms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, locale: Locale) -> Self {
        ApiError {
            code,
            message: code.message(locale).to_string(),
            retry_after_seconds: None,
            attempts_left: None,
            field: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: u32) -> Self {
        self.retry_after_seconds = Some(seconds);
        self
    }

    pub fn with_attempts_left(mut self, attempts: u32) -> Self {
        self.attempts_left = Some(attempts);
        self
    }

    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    /// A message with detail for developers (merchant servers), in place of the generic one.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }

    pub fn into_body(self) -> ErrorBody {
        ErrorBody { error: self }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

/// Each validation error of the shared types is one stable code to the caller.
macro_rules! error_code_of {
    ($($error:ty => $code:ident),* $(,)?) => {
        $(impl From<$error> for ErrorCode {
            fn from(_: $error) -> Self {
                ErrorCode::$code
            }
        })*
    };
}

error_code_of!(
    PhoneError => InvalidPhone,
    AccountError => InvalidAccount,
    MoneyError => InvalidAmount,
    PointsError => InvalidAmount,
);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_round_trip_and_have_both_languages() {
        let mut seen = HashSet::new();
        for &code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!((400..600).contains(&code.http_status()));
            assert!(code.message(Locale::En).is_ascii());
            assert!(code
                .message(Locale::Ar)
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)));
        }
    }

    #[test]
    fn the_codes_named_in_the_contract_exist() {
        for code in [
            "otp_invalid",
            "otp_expired",
            "otp_locked",
            "resend_too_early",
            "balance_insufficient",
            "amount_over_limit",
            "invalid_phone",
            "invalid_account",
            "bad_signature",
            "origin_not_allowed",
            "upstream_unavailable",
            "optin_required",
            "payment_not_successful",
        ] {
            assert!(ErrorCode::from_code(code).is_some(), "{code}");
        }
    }

    #[test]
    fn error_body_shape() {
        let body = ApiError::new(ErrorCode::ResendTooEarly, Locale::En)
            .with_retry_after(42)
            .into_body();
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["error"]["code"], "resend_too_early");
        assert_eq!(json["error"]["retry_after_seconds"], 42);
        assert!(json["error"].get("attempts_left").is_none());
    }
}
