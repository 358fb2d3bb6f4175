//! Wire types of the Pongo half of the v1 API: the shopper's enlist and earn preview, the
//! merchant server's orders, and the admin's connect, stores and mappings.

use crate::{Money, PartnerParameters};
use serde::{Deserialize, Serialize};

/// `POST /v1/pongo/enlist`: identify or enlist a shopper. Both opt-ins must be answered,
/// every time: the answers given are what Pongo stores.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnlistRequest {
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub email_optin: Option<bool>,
    pub sms_optin: Option<bool>,
}

/// A shopper enlisted in (or found in) the merchant's Pongo program.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoMember {
    /// `9665••••4567`.
    pub masked_phone: String,
    /// Points the shopper holds now: only once the shopper proved the phone is theirs (or
    /// just joined). A phone number alone proves nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u64>,
    /// Whether this session proved the phone (a code texted to it) or created the member:
    /// only then are the points and rewards shown and the answers stored. Otherwise the
    /// order's points still reach that number's account.
    #[serde(default)]
    pub verified: bool,
    /// Whether the merchant can text a code to prove the phone (`POST /v1/pongo/verify`).
    #[serde(default)]
    pub can_verify: bool,
    /// What the current cart will earn once paid.
    pub earn_preview: EarnPreview,
    /// Whether this enlist created the shopper at Pongo (false: an existing member).
    #[serde(default)]
    pub new_member: bool,
    /// The merchant's rewards, with whether the shopper's points already reach each.
    #[serde(default)]
    pub rewards: Vec<PongoReward>,
}

/// `POST /v1/pongo/verify`: a code was texted to the session's member phone.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoCodeSent {
    pub masked_phone: String,
    pub expires_in_seconds: u32,
}

/// `POST /v1/pongo/verify/check`: the code the shopper received.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PongoCheckCode {
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub code: String,
}

/// A reward of the merchant's program.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoReward {
    pub id: String,
    pub name: String,
    pub points: u64,
    pub within_reach: bool,
}

/// The points an order will earn.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarnPreview {
    pub amount: Money,
    pub points: u64,
    /// Below this amount an order earns nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Money>,
}

/// The payment status the merchant's system reports. Only `succeeded` sends anything.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Succeeded,
    Pending,
    Failed,
    Cancelled,
    Refunded,
}

/// How a split payment divides the order: per item (each payment pays some lines) or by
/// amount (each payment pays a share of the total).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitMode {
    #[default]
    None,
    PerItem,
    ByAmount,
}

/// The shopper an order earns for. Without both opt-ins, only an existing Pongo member
/// can be credited.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCustomer {
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_optin: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_optin: Option<bool>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPayment {
    /// The payment method's name in the merchant's system (`card`, `cash`, ...).
    pub method: String,
    pub amount: Money,
    /// Per-item splits: the indexes in `lines` this payment paid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_indexes: Vec<usize>,
    /// The payer, when not the order's customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<OrderCustomer>,
}

/// `POST /v1/merchant/pongo/orders` (HMAC-signed): a paid order earns points. Without
/// lines the edge sends a checkin (the items are unknown).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoOrderRequest {
    pub merchant_id: String,
    pub order_id: String,
    /// The storefront, terminal or location the order was taken at; mapped to a store.
    pub location_id: String,
    pub payment_status: PaymentStatus,
    pub amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxes: Option<Money>,
    #[serde(default)]
    pub lines: Vec<OrderLine>,
    #[serde(default)]
    pub payments: Vec<OrderPayment>,
    #[serde(default)]
    pub split: SplitMode,
    /// Rewards used on this order, confirmed inside the order itself.
    #[serde(default)]
    pub reward_ids: Vec<String>,
    /// Rewards used that the merchant's system cannot put in the order: confirmed with
    /// Pongo's use-a-reward call.
    #[serde(default)]
    pub used_reward_ids: Vec<String>,
    /// The shopper; when absent, the one enlisted in the widget for `cart_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<OrderCustomer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart_id: Option<String>,
}

/// `POST /v1/merchant/pongo/orders/cancelled` (HMAC-signed).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoOrderCancelledRequest {
    pub merchant_id: String,
    pub order_id: String,
}

/// What one call to Pongo is for.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PongoCallKind {
    Order,
    Checkin,
    UseReward,
    CancelOrder,
}

/// Where a call to Pongo stands. `queued` is retried by the edge until it is `sent`;
/// `failed` means Pongo refused its content and a person must look.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Queued,
    Sent,
    Failed,
    /// A queued order whose cancellation arrived first: never sent.
    Withdrawn,
}

/// One call to Pongo an order made.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoCall {
    /// The id Pongo knows it by (`order_id` of an order part, `<order>-checkin`, ...).
    pub key: String,
    pub kind: PongoCallKind,
    pub state: DeliveryState,
    pub points_earned: u64,
    /// Why the last try failed (a stable code), while queued or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// The answer to an order or a cancellation: 200 when every call was sent, 202 while some
/// wait in the outbox.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoOrderResult {
    pub order_id: String,
    /// Points earned by the parts sent so far.
    pub points_earned: u64,
    pub calls: Vec<PongoCall>,
}

/// `POST /v1/admin/pongo/connect`: the admin starts connecting a merchant.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoConnectRequest {
    pub merchant_id: String,
}

/// Where the admin's browser goes next (Pongo's consent form).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoConnectStart {
    pub authorize_url: String,
    pub expires_in_seconds: u32,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    NotConnected,
    Connected,
    /// The token expired or was revoked: the merchant must connect again. Orders wait.
    Expired,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoStore {
    pub slug: String,
    pub name: String,
}

/// A storefront, terminal or location of the merchant sent to one Pongo store.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreMapping {
    /// Answered by the edge; a request's is ignored (the console's session names the merchant).
    #[serde(default)]
    pub merchant_id: String,
    pub location_id: String,
    pub store_slug: String,
}

/// `GET /v1/admin/pongo/status?merchant_id=`: what the admin page shows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoStatus {
    pub merchant_id: String,
    pub connection: ConnectionState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub partner_parameters: Option<PartnerParameters>,
    pub stores: Vec<PongoStore>,
    pub mappings: Vec<StoreMapping>,
    /// Calls waiting to be sent (retried by the cron).
    pub queued: u32,
    /// Calls Pongo refused: a person must look.
    pub failed: u32,
    /// The most recent calls refused, or tried and still waiting, newest first (at most
    /// [`ATTENTION_LIMIT`]): which order, and why.
    #[serde(default)]
    pub attention: Vec<PongoCallAttention>,
}

/// How many calls [`PongoStatus::attention`] lists.
pub const ATTENTION_LIMIT: u32 = 20;

/// A call of an order that did not simply go through.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PongoCallAttention {
    pub order_id: String,
    pub key: String,
    pub kind: PongoCallKind,
    pub state: DeliveryState,
    pub attempts: u32,
    /// The stable code of the last failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}
