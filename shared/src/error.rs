//! The error vocabulary of the whole API: one stable machine-readable code per situation,
//! its HTTP status, and a message a shopper can read in English, Arabic or French.
//!
//! Codes are a contract with widgets and merchant servers in the field: add new ones,
//! never rename or reuse one.

use crate::{AccountError, Locale, MoneyError, PhoneError, PointsError};
use core::fmt;
use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($( $variant:ident = $code:literal, $status:literal, $en:literal, $ar:literal, $fr:literal; )*) => {
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
                       (ErrorCode::$variant, Locale::Ar) => $ar,
                       (ErrorCode::$variant, Locale::Fr) => $fr, )*
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
        "The request body is not valid JSON.",
        "نص الطلب ليس بصيغة JSON صحيحة.",
        "Le corps de la requête n'est pas un JSON valide.";
    InvalidRequest = "invalid_request", 400,
        "The request is missing a field or has a wrong value.",
        "الطلب ينقصه حقل أو يحتوي قيمة غير صحيحة.",
        "Il manque un champ à la requête ou une valeur est incorrecte.";
    InvalidAmount = "invalid_amount", 400,
        "The amount is not valid. Enter an amount such as 50 or 12.50.",
        "المبلغ غير صحيح. أدخل مبلغاً مثل 50 أو 12.50.",
        "Le montant n'est pas valide. Saisissez un montant comme 50 ou 12,50.";
    InvalidPhone = "invalid_phone", 400,
        "Please enter a valid Saudi mobile number (05XXXXXXXX).",
        "يرجى إدخال رقم جوال سعودي صحيح (05XXXXXXXX).",
        "Saisissez un numéro de mobile saoudien valide (05XXXXXXXX).";
    InvalidAccount = "invalid_account", 400,
        "Please check the account number you entered, then try again.",
        "يرجى التحقق من رقم الحساب المدخل ثم المحاولة مرة أخرى.",
        "Vérifiez le numéro de compte saisi, puis réessayez.";
    OtpInvalid = "otp_invalid", 400,
        "The code is not correct. Check it and try again.",
        "رمز التحقق غير صحيح. تحقق منه وحاول مرة أخرى.",
        "Le code n'est pas correct. Vérifiez-le et réessayez.";
    OtpExpired = "otp_expired", 400,
        "The code has expired. Please request a new one.",
        "انتهت صلاحية رمز التحقق. يرجى طلب رمز جديد.",
        "Le code a expiré. Demandez-en un nouveau.";
    OtpLocked = "otp_locked", 423,
        "Too many wrong codes. Please request a new one.",
        "محاولات خاطئة كثيرة. يرجى طلب رمز جديد.",
        "Trop de codes erronés. Demandez-en un nouveau.";
    OtpAlreadyUsed = "otp_already_used", 409,
        "This code was already used. Please request a new one.",
        "تم استخدام هذا الرمز مسبقاً. يرجى طلب رمز جديد.",
        "Ce code a déjà été utilisé. Demandez-en un nouveau.";
    ResendTooEarly = "resend_too_early", 429,
        "Please wait before requesting a new code.",
        "يرجى الانتظار قبل طلب رمز جديد.",
        "Patientez un peu avant de demander un nouveau code.";
    ResendLimit = "resend_limit", 429,
        "You have requested too many codes for this order. Use the last code you received.",
        "لقد طلبت رموزاً كثيرة لهذا الطلب. استخدم آخر رمز وصلك.",
        "Vous avez demandé trop de codes pour cette commande. Utilisez le dernier code reçu.";
    BalanceInsufficient = "balance_insufficient", 422,
        "Your points balance is not enough for this amount. Enter a smaller amount.",
        "رصيد نقاطك لا يكفي لهذا المبلغ. أدخل مبلغاً أقل.",
        "Votre solde de points ne suffit pas pour ce montant. Saisissez un montant plus faible.";
    AmountOverLimit = "amount_over_limit", 422,
        "The amount is more than can be paid with points for this order. Enter a smaller amount.",
        "المبلغ أكبر من الحد المسموح دفعه بالنقاط لهذا الطلب. أدخل مبلغاً أقل.",
        "Ce montant dépasse ce que cette commande accepte en points. Saisissez un montant plus faible.";
    AmountUnderMinimum = "amount_under_minimum", 422,
        "The amount is less than the minimum that can be paid with points. Enter a larger amount.",
        "المبلغ أقل من الحد الأدنى للدفع بالنقاط. أدخل مبلغاً أكبر.",
        "Ce montant est inférieur au minimum payable en points. Saisissez un montant plus élevé.";
    CustomerNotFound = "customer_not_found", 404,
        "No loyalty account was found for this number. Check it, or try another number.",
        "لم يتم العثور على حساب ولاء لهذا الرقم. تحقق منه أو جرّب رقماً آخر.",
        "Aucun compte de fidélité n'a été trouvé pour ce numéro. Vérifiez-le ou essayez un autre numéro.";
    OptinRequired = "optin_required", 400,
        "Please answer both the email and the SMS question.",
        "يرجى الإجابة على سؤالي البريد الإلكتروني والرسائل النصية.",
        "Répondez aux deux questions, e-mail et SMS.";
    SessionInvalid = "session_invalid", 401,
        "Your checkout session is not valid. Please reload the page.",
        "جلسة الدفع غير صالحة. يرجى إعادة تحميل الصفحة.",
        "Votre session de paiement n'est pas valide. Rechargez la page.";
    SessionExpired = "session_expired", 401,
        "Your checkout session has expired. Please reload the page.",
        "انتهت جلسة الدفع. يرجى إعادة تحميل الصفحة.",
        "Votre session de paiement a expiré. Rechargez la page.";
    CartChanged = "cart_changed", 409,
        "Your cart changed. Please request a new code.",
        "تغيرت سلة مشترياتك. يرجى طلب رمز جديد.",
        "Votre panier a changé. Demandez un nouveau code.";
    BadSignature = "bad_signature", 401,
        "The request signature is missing, wrong or too old.",
        "توقيع الطلب مفقود أو غير صحيح أو قديم.",
        "La signature de la requête est absente, incorrecte ou trop ancienne.";
    SignatureReplayed = "signature_replayed", 409,
        "This signed request was already received. To repeat it, sign it again with a new timestamp.",
        "تم استلام هذا الطلب الموقّع مسبقاً. لتكراره، وقّعه من جديد بطابع زمني جديد.",
        "Cette requête signée a déjà été reçue. Pour la répéter, signez-la de nouveau avec un nouvel horodatage.";
    Unauthorized = "unauthorized", 401,
        "Please sign in.",
        "يرجى تسجيل الدخول.",
        "Veuillez vous connecter.";
    OriginNotAllowed = "origin_not_allowed", 403,
        "This website is not allowed to use this merchant's loyalty checkout.",
        "هذا الموقع غير مسموح له باستخدام خدمة الولاء لهذا التاجر.",
        "Ce site n'est pas autorisé à utiliser le paiement fidélité de ce marchand.";
    MerchantNotFound = "merchant_not_found", 404,
        "This merchant is not configured.",
        "هذا التاجر غير مُعد.",
        "Ce marchand n'est pas configuré.";
    NotFound = "not_found", 404,
        "Not found.",
        "غير موجود.",
        "Introuvable.";
    MethodNotAllowed = "method_not_allowed", 405,
        "This method is not allowed here.",
        "هذه الطريقة غير مسموحة هنا.",
        "Cette méthode n'est pas autorisée ici.";
    IdempotencyConflict = "idempotency_conflict", 409,
        "This request key was already used with different content.",
        "تم استخدام مفتاح الطلب هذا مسبقاً بمحتوى مختلف.",
        "Cette clé de requête a déjà été utilisée avec un contenu différent.";
    RedemptionAlreadyUsed = "redemption_already_used", 409,
        "This redemption already paid another order.",
        "عملية الاستبدال هذه استُخدمت لطلب آخر.",
        "Cette utilisation de points a déjà payé une autre commande.";
    RedemptionNotCapturable = "redemption_not_capturable", 409,
        "This redemption was given back or never completed, so it cannot pay an order.",
        "أُعيدت عملية الاستبدال هذه أو لم تكتمل، فلا يمكن الدفع بها.",
        "Cette utilisation de points a été annulée ou n'a jamais abouti : elle ne peut pas payer une commande.";
    CartAlreadyRedeemed = "cart_already_redeemed", 409,
        "Points were already used for this cart in another window. Undo them there, or reload this page to see them.",
        "استُخدمت النقاط لهذه السلة في نافذة أخرى. ألغِها هناك أو أعد تحميل هذه الصفحة لرؤيتها.",
        "Des points ont déjà été utilisés pour ce panier dans une autre fenêtre. Annulez-les là-bas, ou rechargez cette page pour les voir.";
    RequestInProgress = "request_in_progress", 409,
        "This request is still being processed. Please try again in a moment.",
        "ما زال هذا الطلب قيد المعالجة. يرجى المحاولة بعد لحظات.",
        "Cette demande est encore en cours de traitement. Réessayez dans un instant.";
    PayloadTooLarge = "payload_too_large", 413,
        "The request body is too large.",
        "نص الطلب كبير جداً.",
        "Le corps de la requête est trop volumineux.";
    AmbiguousMember = "ambiguous_member", 409,
        "More than one loyalty member joined on this cart: name the customer in the order.",
        "انضم أكثر من عضو ولاء على هذه السلة: حدّد العميل في الطلب.",
        "Plusieurs membres du programme de fidélité ont rejoint ce panier : indiquez le client dans la commande.";
    VerificationUnavailable = "verification_unavailable", 409,
        "This store cannot text you a code. Your points are still credited to your number.",
        "لا يستطيع هذا المتجر إرسال رمز إليك. ستُضاف نقاطك إلى رقمك على أي حال.",
        "Ce magasin ne peut pas vous envoyer de code. Vos points sont quand même crédités sur votre numéro.";
    AlreadyReversed = "already_reversed", 409,
        "This redemption was already reversed.",
        "تم إلغاء عملية الاستبدال هذه مسبقاً.",
        "Cette utilisation de points a déjà été annulée.";
    PaymentNotSuccessful = "payment_not_successful", 422,
        "Only successfully paid orders can be sent.",
        "يمكن إرسال الطلبات المدفوعة بنجاح فقط.",
        "Seules les commandes payées avec succès peuvent être envoyées.";
    StoreNotMapped = "store_not_mapped", 422,
        "This store or terminal is not mapped to a loyalty store.",
        "هذا المتجر أو الجهاز غير مربوط بمتجر ولاء.",
        "Ce magasin ou ce terminal n'est associé à aucun magasin du programme de fidélité.";
    PongoNotConnected = "pongo_not_connected", 409,
        "The merchant's Pongo account is not connected.",
        "حساب بونغو الخاص بالتاجر غير مربوط.",
        "Le compte Pongo du marchand n'est pas connecté.";
    OauthStateInvalid = "oauth_state_invalid", 400,
        "This connect link is not valid or was already used. Start connecting again.",
        "رابط الربط غير صالح أو تم استخدامه. ابدأ الربط من جديد.",
        "Ce lien de connexion n'est pas valide ou a déjà été utilisé. Recommencez la connexion.";
    CsrfInvalid = "csrf_invalid", 403,
        "This change did not come from the console page. Reload the page and try again.",
        "لم يأتِ هذا التغيير من صفحة لوحة التحكم. أعد تحميل الصفحة وحاول مرة أخرى.",
        "Cette modification ne vient pas de la page de la console. Rechargez la page et réessayez.";
    LinkInvalid = "link_invalid", 410,
        "This link has expired or was already used. Ask for a new one.",
        "انتهت صلاحية هذا الرابط أو تم استخدامه. اطلب رابطاً جديداً.",
        "Ce lien a expiré ou a déjà été utilisé. Demandez-en un nouveau.";
    MerchantExists = "merchant_exists", 409,
        "A merchant with this id already exists.",
        "يوجد تاجر بهذا المعرّف مسبقاً.",
        "Un marchand avec cet identifiant existe déjà.";
    RateLimited = "rate_limited", 429,
        "Too many requests. Please try again shortly.",
        "طلبات كثيرة. يرجى المحاولة بعد قليل.",
        "Trop de demandes. Réessayez dans un instant.";
    UpstreamUnavailable = "upstream_unavailable", 503,
        "The loyalty service is not answering right now. Please try again: points are never taken twice.",
        "خدمة الولاء لا تستجيب حالياً. يرجى المحاولة مرة أخرى: لا تُخصم النقاط مرتين أبداً.",
        "Le service de fidélité ne répond pas pour le moment. Réessayez : les points ne sont jamais débités deux fois.";
    UpstreamRejected = "upstream_rejected", 502,
        "The loyalty service refused the request. Nothing was charged.",
        "رفضت خدمة الولاء الطلب. لم يتم خصم أي شيء.",
        "Le service de fidélité a refusé la demande. Rien n'a été débité.";
    Internal = "internal", 500,
        "Something went wrong on our side. Please try again: points are never taken twice.",
        "حدث خطأ من جانبنا. يرجى المحاولة مرة أخرى: لا تُخصم النقاط مرتين أبداً.",
        "Une erreur s'est produite de notre côté. Réessayez : les points ne sont jamais débités deux fois.";
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
    fn codes_are_unique_round_trip_and_have_every_language() {
        let mut seen = HashSet::new();
        for &code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!((400..600).contains(&code.http_status()));
            assert!(code.message(Locale::En).is_ascii());
            let arabic = |text: &str| text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
            assert!(arabic(code.message(Locale::Ar)), "{code}");
            let french = code.message(Locale::Fr);
            assert!(
                !arabic(french) && french != code.message(Locale::En),
                "{code}"
            );
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
