//! The JSON of the test console (`/__sim/...`), one definition of each shape: the console's
//! handlers serialize these and [`crate::console_client::SimConsole`] reads them back.

use crate::faults::FaultConfig;
use crate::sms_verify::model::Verification;
use crate::{mokafaa, pongo};

/// `GET /email/outbox`: the email simulator's own record.
pub use crate::email::Outbox;
use loyalty_shared::PartnerParameters;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `GET /clock`, `POST /clock/advance`: the simulated time the local edge reads too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub now: i64,
    pub offset_seconds: i64,
}

/// `POST /clock/advance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    pub seconds: u32,
}

/// `GET /faults`, and the answer of `PUT /faults/{operation}`: every fault switched on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faults {
    pub faults: BTreeMap<String, FaultConfig>,
}

/// What the console says when it has nothing to show or refuses a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub message: String,
}

/// One record the console answers as `{"data": ...}` (Pongo's envelope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Data<T> {
    pub data: T,
}

/// A provider's switches, as set and answered: `{"config": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings<T> {
    pub config: T,
}

/// `GET /mokafaa/otp?mobile=`: which number to read the texts of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpQuery {
    pub mobile: String,
}

/// The last OTP the bank texted to a number, as the shopper's phone shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextedOtp {
    pub mobile: String,
    pub otp: String,
    pub otp_token: String,
    pub expires_at: i64,
}

impl From<&mokafaa::Otp> for TextedOtp {
    fn from(otp: &mokafaa::Otp) -> TextedOtp {
        TextedOtp {
            mobile: otp.mobile.clone(),
            otp: otp.otp.clone(),
            otp_token: otp.otp_token.clone(),
            expires_at: otp.expires_at,
        }
    }
}

/// `GET /mokafaa/books`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankBooks {
    pub customers: Vec<mokafaa::Customer>,
    pub transactions: Vec<mokafaa::Transaction>,
    pub config: mokafaa::Config,
}

impl BankBooks {
    /// The customer with this `05XXXXXXXX` mobile.
    pub fn customer(&self, mobile: &str) -> Option<&mokafaa::Customer> {
        self.customers.iter().find(|c| c.mobile == mobile)
    }

    /// Redemptions and reversals of this `05XXXXXXXX` mobile.
    pub fn transactions_of<'a>(
        &'a self,
        mobile: &'a str,
    ) -> impl Iterator<Item = &'a mokafaa::Transaction> + 'a {
        self.transactions.iter().filter(move |t| t.mobile == mobile)
    }
}

/// `GET /pongo/books`: everything the Pongo account holds that a test checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PongoBooks {
    pub customers: Vec<pongo::model::Customer>,
    pub orders: Vec<pongo::model::Order>,
    pub checkins: Vec<pongo::model::Checkin>,
    pub rewards: Vec<pongo::model::Reward>,
    pub customer_rewards: Vec<pongo::model::CustomerReward>,
    pub deliveries: Vec<pongo::model::Delivery>,
    pub points_log: Vec<pongo::model::PointsEntry>,
    pub webhooks: Vec<pongo::model::Webhook>,
    pub config: pongo::model::Config,
}

impl PongoBooks {
    /// The customer whose phone is these international digits (`9665...`).
    pub fn customer(&self, digits: &str) -> Option<&pongo::model::Customer> {
        self.customers
            .iter()
            .find(|c| c.phone.as_deref() == Some(digits))
    }

    /// The orders whose partner `order_id` starts with `prefix` (an order and its parts).
    pub fn orders_with_prefix(&self, prefix: &str) -> Vec<&pongo::model::Order> {
        self.orders
            .iter()
            .filter(|o| o.order_id.starts_with(prefix))
            .collect()
    }
}

/// `PUT /pongo/partner-parameters`, answered as set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerParametersSet {
    #[serde(rename = "partnerParameters")]
    pub partner_parameters: PartnerParameters,
}

/// `GET /email/outbox?to=` (every message without `to`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// `GET /sms/inbox?to=+9665...`: which number to read the texts of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxQuery {
    pub to: String,
}

/// The last code the SMS verification service texted to a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextedCode {
    pub to: String,
    pub code: String,
    pub status: String,
    pub sends: u32,
}

impl From<&Verification> for TextedCode {
    fn from(texted: &Verification) -> TextedCode {
        TextedCode {
            to: texted.to.clone(),
            code: texted.code.clone(),
            status: texted.status.clone(),
            sends: texted.sends,
        }
    }
}
