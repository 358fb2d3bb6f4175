//! Pongo's JSON (see `providers/pongo.md`). [I] field names follow the simulator's model; keep
//! any correction against a real sandbox here.

use loyalty_shared::PartnerParameters;
use serde::{Deserialize, Serialize};

/// The code exchange's answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub expires_in: Option<i64>,
}

/// Pongo wraps resources in `{"data": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Data<T> {
    pub data: T,
}

/// `GET /v1/oauth/me`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Account {
    pub name: String,
    #[serde(rename = "partnerParameters")]
    pub partner_parameters: PartnerParameters,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Store {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Customer {
    pub id: String,
    pub phone: Option<String>,
    pub email_optin: bool,
    pub sms_optin: bool,
    pub points: u64,
}

/// `POST /v1/customers`: both opt-ins are always sent, as the shopper answered them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewCustomer {
    pub phone: String,
    pub reference_store_slug: String,
    pub email_optin: bool,
    pub sms_optin: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `POST /v1/orders`, as the outbox sends it; amounts in cents. [I] enums such as `channel`
/// are the constants of `domain::pongo_orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderRequest {
    /// The key Pongo deduplicates on: the merchant's order id, or `<order>~<part>`.
    pub order_id: String,
    pub partner_order_id: String,
    pub channel: &'static str,
    pub delivery_mode: &'static str,
    pub store_slug: String,
    pub amount: u64,
    pub status: &'static str,
    pub created_at: String,
    pub delivery_status: &'static str,
    pub lines: Vec<OrderLine>,
    pub reward_ids: Vec<String>,
    pub payments: Vec<OrderPayment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<OrderCustomer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxes: Option<u64>,
}

/// An order line; `unit_price` and `amount` in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderLine {
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    pub unit_price: u64,
    pub amount: u64,
}

/// A payment of an order, in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderPayment {
    pub method: String,
    pub amount: u64,
}

/// The member an order or checkin credits: international digits without '+'; opt-ins
/// only as the shopper gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderCustomer {
    pub phone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_optin: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_optin: Option<bool>,
}

/// `POST /v1/checkins`: credits an amount to a phone when the items are unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckinRequest {
    pub store_slug: String,
    pub international_phone_number: String,
    pub pos_order_id: String,
    pub amount: u64,
    pub datetime: String,
    pub tags: Vec<String>,
    /// A retry after an unseen success is then refused by Pongo instead of crediting twice
    /// (checkins have no idempotency key).
    pub enforce_checkin_delay: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CreatedOrder {
    pub id: String,
    #[serde(default)]
    pub points_earned: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Reward {
    pub id: String,
    pub name: String,
    pub points: u64,
}

/// `POST /v1/webhooks`' answer: deliveries are signed with `secret`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WebhookSubscription {
    pub id: String,
    pub secret: String,
}

/// Laravel's 422: a message and messages per field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct ValidationError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub errors: std::collections::BTreeMap<String, Vec<String>>,
}
