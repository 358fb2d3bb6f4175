//! Wire types of the v1 HTTP API, shared by the widget, the edge and the tests.
//!
//! Requests carry raw text where a shopper typed it (phone, account, OTP) so the edge,
//! which holds the rules, is the one place that validates; responses carry only masked
//! identifiers.

use crate::{Locale, Money};
use serde::{Deserialize, Serialize};

mod console;
mod pongo;
pub use console::*;
pub use pongo::*;

/// `GET /v1/health`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    /// `ok` when every dependency answers, `degraded` otherwise.
    pub status: HealthStatus,
    pub version: String,
    /// Whether the D1 database answered a query.
    pub d1: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

/// A loyalty program the widget can offer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Program {
    /// Pay with Al Rajhi Bank Mokafaa points.
    Mokafaa,
    /// Enlist in the merchant's Pongo program and earn points.
    Pongo,
}

/// What the host page tells the widget through `embed.js` (script tag data attributes).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetConfig {
    /// Base URL of the edge API; defaults to the origin `embed.js` was loaded from.
    pub api_base: String,
    pub merchant_id: String,
    pub cart_id: String,
    /// The order total the shopper is about to pay.
    pub amount: Money,
    #[serde(default)]
    pub locale: Locale,
    /// Programs to offer, in order; empty means every program the merchant enabled.
    #[serde(default)]
    pub programs: Vec<Program>,
    /// The shopper's email when the store knows it, so the edge's notices reach them.
    #[serde(default)]
    pub email: Option<String>,
    /// Numbers in Arabic-Indic digits on an Arabic page, where the store asks.
    #[serde(default)]
    pub arabic_digits: bool,
}

/// `POST /v1/sessions`: the widget opens a session for the cart on the page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartSessionRequest {
    pub merchant_id: String,
    pub cart_id: String,
    pub amount: Money,
    #[serde(default)]
    pub locale: Locale,
    /// The shopper's email when the store knows it: redemption and reversal notices go there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A session: the bearer token the widget sends on every later call.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStarted {
    pub session_token: String,
    pub expires_in_seconds: u32,
    pub merchant_name: String,
    /// Whether the merchant lets shoppers verify with a Saudi IBAN.
    #[serde(default)]
    pub accepts_iban: bool,
    /// The ways to verify the merchant offers, in order (empty from an older edge: mobile
    /// and customer number, and IBAN where `accepts_iban`).
    #[serde(default)]
    pub verification_methods: Vec<VerifyMethod>,
    /// The programs the merchant offers at this checkout (set up and connected).
    #[serde(default)]
    pub programs: Vec<Program>,
    /// This session's redemption still standing (redeemed, captured or being reversed): a
    /// reload or a second tab shows it, with its undo, instead of a new form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redemption: Option<Redemption>,
    /// What this cart earns with the merchant's Pongo program, before the shopper joins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earn_preview: Option<EarnPreview>,
}

/// `PATCH /v1/sessions/current`: the cart total changed on the page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCartRequest {
    pub amount: Money,
}

/// `GET /v1/mokafaa/balance?challenge_id=`: what the shopper holds and may use on this order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// The whole balance: only where the merchant opted in to show it before the code
    /// (else it is shown after the redemption, as `balance_points_after`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u64>,
    /// What the whole balance is worth at the merchant's rate (with `points`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worth: Option<Money>,
    /// The most this order accepts: the smallest of order total, balance and merchant limit.
    pub max_redeemable: Money,
    pub min_per_order: Money,
    /// Which of the three sets `max_redeemable`, so the widget can say why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capped_by: Option<CapReason>,
    /// The merchant's rate, so the widget shows what a typed amount costs in points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_per_sar: Option<u32>,
}

/// Why the most an order can take in points is what it is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapReason {
    /// The order total: points cannot pay more than the order.
    OrderTotal,
    /// The shopper's balance at the merchant's rate.
    Balance,
    /// The merchant's maximum per order.
    StoreLimit,
}

/// How the shopper proves they own the Mokafaa account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum VerifyBy {
    /// The mobile number registered with Al Rajhi.
    Mobile { mobile: String },
    /// The bank customer number (CIC); the bank texts the phone on file.
    CustomerNumber { customer_number: String },
    /// A Saudi IBAN, where the merchant enables it.
    Iban { iban: String },
}

impl VerifyBy {
    /// The choice as shown on the widget's first screen.
    pub const fn method_name(&self) -> &'static str {
        match self {
            VerifyBy::Mobile { .. } => "mobile",
            VerifyBy::CustomerNumber { .. } => "customer_number",
            VerifyBy::Iban { .. } => "iban",
        }
    }
}

/// `POST /v1/mokafaa/otp`: send (or resend) an OTP.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendOtpRequest {
    #[serde(flatten)]
    pub by: VerifyBy,
}

/// A pending OTP challenge, as the widget needs it for the countdown and resend button.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpChallenge {
    pub challenge_id: String,
    /// Where the code went, masked (`05••••4567`).
    pub masked_destination: String,
    pub expires_in_seconds: u32,
    pub resend_after_seconds: u32,
    pub resends_left: u32,
}

/// `POST /v1/mokafaa/redeem` (with an `Idempotency-Key` header).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemRequest {
    pub challenge_id: String,
    pub otp: String,
    /// The SAR discount the shopper chose.
    pub amount: Money,
}

/// Where a redemption stands in the ledger.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedemptionState {
    Pending,
    Redeemed,
    Captured,
    Reversing,
    Reversed,
    Failed,
}

/// A redemption as the widget and the host page see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redemption {
    pub redemption_id: String,
    pub state: RedemptionState,
    pub points: u64,
    pub discount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_points_after: Option<u64>,
    /// Signed by the edge, for the merchant's server to verify: the host page cannot forge it.
    pub receipt: String,
}

/// `POST /v1/merchant/orders/paid` (HMAC-signed by the merchant's server): the order the
/// redemption discounted was paid; the points are captured.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPaidRequest {
    pub merchant_id: String,
    pub redemption_id: String,
    pub order_id: String,
    /// The total the shopper was charged before the points discount.
    pub order_total: Money,
}

/// `POST /v1/merchant/orders/cancelled` (HMAC-signed): the points go back to the shopper.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCancelledRequest {
    pub merchant_id: String,
    pub redemption_id: String,
    /// The cancelled order. Required once the redemption was captured: only the order it
    /// paid may give its points back (another order's cancellation is
    /// `redemption_already_used`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
}

/// `POST /v1/merchant/receipts/verify` (HMAC-signed): is this receipt from the widget real?
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReceiptRequest {
    pub merchant_id: String,
    pub receipt: String,
}

/// A redemption as the merchant's server sees it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantRedemption {
    pub redemption_id: String,
    pub state: RedemptionState,
    pub points: u64,
    pub discount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
}

/// A redemption the edge could not finish by itself (its retries are spent), for the
/// merchant's admin view: `GET /v1/admin/redemptions/attention`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttentionItem {
    pub merchant_id: String,
    pub redemption: MerchantRedemption,
    /// Tries made (reversal or reconciliation).
    pub attempts: u32,
    /// Unix seconds of the last change.
    pub updated_at: i64,
    /// Why it waits for a person, with the evidence (the bank transactions in question),
    /// when it was parked for a reason other than spent retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    #[test]
    fn verify_by_is_tagged_by_method() {
        let req = SendOtpRequest {
            by: VerifyBy::CustomerNumber {
                customer_number: "12345678".into(),
            },
        };
        let json = serde_json::to_value(&req).unwrap();
        assert_eq!(json["method"], "customer_number");
        assert_eq!(json["customer_number"], "12345678");
        let back: SendOtpRequest =
            serde_json::from_str(r#"{"method":"mobile","mobile":"0501234567"}"#).unwrap();
        assert_eq!(back.by.method_name(), "mobile");
        assert!(serde_json::from_str::<SendOtpRequest>(r#"{"method":"fax"}"#).is_err());
    }

    #[test]
    fn widget_config_defaults() {
        let cfg: WidgetConfig = serde_json::from_str(
            r#"{"api_base":"http://127.0.0.1:8787","merchant_id":"demo","cart_id":"c1","amount":{"minor":25000,"currency":"SAR"}}"#,
        )
        .unwrap();
        assert_eq!(cfg.locale, Locale::En);
        assert!(cfg.programs.is_empty());
        assert_eq!(cfg.amount, Money::from_minor(25000, Currency::Sar).unwrap());
    }

    #[test]
    fn missing_optin_stays_missing() {
        let req: EnlistRequest =
            serde_json::from_str(r#"{"phone":"0501234567","sms_optin":false}"#).unwrap();
        assert_eq!(req.email_optin, None);
        assert_eq!(req.sms_optin, Some(false));
    }
}
