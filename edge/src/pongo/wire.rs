//! Pongo's JSON (see `providers/pongo.md`). [I] field names follow the simulator's model; keep
//! any correction against a real sandbox here.

use loyalty_shared::PartnerParameters;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

/// `POST /v1/orders`; amounts in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderRequest {
    pub order_id: String,
    pub channel: String,
    pub delivery_mode: String,
    pub store_slug: String,
    pub amount: u64,
    pub status: String,
    pub created_at: String,
    pub delivery_status: String,
    pub lines: Vec<Value>,
    pub reward_ids: Vec<String>,
    pub customer: Value,
    pub payments: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CreatedOrder {
    pub id: String,
    #[serde(default)]
    pub points_earned: u64,
}

/// The 202 answer to an `order_id` Pongo already processed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DuplicateOrder {
    pub id: String,
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
