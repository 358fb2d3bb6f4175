//! A merchant's configuration: settings from D1, Mokafaa secrets from Worker secrets.
//!
//! Secrets are named `MOKAFAA_CLIENT_SECRET__<ID>` and `MOKAFAA_MERCHANT_TOKEN__<ID>` (the
//! merchant id upper-cased, other characters as `_`), set with `wrangler secret put`; the
//! local stack writes them to `.dev.vars` for the simulator's test credentials.

use crate::domain::limits::MerchantLimits;
use crate::http::{internal, ApiResult};
use crate::mokafaa::client::MokafaaConfig;
use crate::store::Db;
use loyalty_shared::{ApiError, Currency, ErrorCode, Locale, MokafaaRate, Money};
use serde::Deserialize;
use std::time::Duration;
use worker::Env;

/// Upstream calls give up after this long; a redemption without an answer is reconciled.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);

/// The `merchants` row as D1 returns it (`SELECT *`).
#[derive(Debug, Deserialize)]
pub struct MerchantRow {
    id: String,
    name: String,
    allowed_origins: String,
    mokafaa_base_url: Option<String>,
    mokafaa_environment: String,
    mokafaa_client_id: Option<String>,
    mokafaa_mapping_pos_id: Option<String>,
    points_per_sar: i64,
    min_per_order_minor: i64,
    max_per_order_minor: i64,
    accept_iban: i64,
    #[serde(default)]
    show_balance_before_code: i64,
    #[serde(default)]
    sms_verify_base_url: Option<String>,
    #[serde(default)]
    sms_verify_service_sid: Option<String>,
    #[serde(default)]
    sms_verify_account_sid: Option<String>,
}

#[derive(Debug)]
pub struct Merchant {
    pub id: String,
    pub name: String,
    pub allowed_origins: Vec<String>,
    pub mokafaa: Option<MokafaaConfig>,
    pub rate: MokafaaRate,
    pub limits: MerchantLimits,
    /// Whether shoppers may verify with a Saudi IBAN.
    pub accept_iban: bool,
    /// Whether the whole balance shows before the code (opt-in: it tells anyone who knows
    /// the shopper's number how many points they hold).
    pub show_balance_before_code: bool,
    /// The SMS verification service that proves a Pongo member owns their phone.
    pub sms_verify: Option<crate::sms_verify::SmsVerifyConfig>,
}

impl Merchant {
    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|o| o == origin)
    }

    /// The Mokafaa settings, or `merchant_not_found` when the merchant has not set them up.
    pub fn mokafaa(&self, locale: Locale) -> ApiResult<&MokafaaConfig> {
        self.mokafaa.as_ref().ok_or_else(|| {
            ApiError::new(ErrorCode::MerchantNotFound, locale)
                .with_message("This merchant has not configured Mokafaa.")
        })
    }
}

/// The Worker secret name for one merchant's secret.
pub fn secret_name(kind: &str, merchant_id: &str) -> String {
    let id: String = merchant_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{kind}__{id}")
}

fn secret(env: &Env, kind: &str, merchant_id: &str) -> Option<String> {
    env.secret(&secret_name(kind, merchant_id))
        .ok()
        .map(|s| s.to_string())
}

/// The merchant's Mokafaa account: its row's settings and its two Worker secrets; `None`
/// (logged) when any is missing.
fn mokafaa_config(env: &Env, row: &MerchantRow) -> Option<MokafaaConfig> {
    let (Some(base_url), Some(client_id)) = (&row.mokafaa_base_url, &row.mokafaa_client_id) else {
        return None;
    };
    match (
        secret(env, "MOKAFAA_CLIENT_SECRET", &row.id),
        secret(env, "MOKAFAA_MERCHANT_TOKEN", &row.id),
    ) {
        (Some(client_secret), Some(merchant_token)) => Some(MokafaaConfig {
            base_url: base_url.clone(),
            environment: row.mokafaa_environment.clone(),
            client_id: client_id.clone(),
            client_secret,
            merchant_token,
            mapping_pos_id: row.mokafaa_mapping_pos_id.clone(),
            timeout: UPSTREAM_TIMEOUT,
        }),
        _ => {
            worker::console_warn!("merchant {}: Mokafaa secrets are not set", row.id);
            None
        }
    }
}

pub async fn load(db: &Db, env: &Env, id: &str, locale: Locale) -> ApiResult<Merchant> {
    let row: Option<MerchantRow> = crate::store::merchants::row(db, id).await?;
    from_row(env, row, locale)
}

/// The merchant from its row (read by [`load`], or with the session in one round trip).
pub fn from_row(env: &Env, row: Option<MerchantRow>, locale: Locale) -> ApiResult<Merchant> {
    let row = row.ok_or_else(|| ApiError::new(ErrorCode::MerchantNotFound, locale))?;
    let sar = |minor: i64| Money::from_minor(minor.max(0) as u64, Currency::Sar);
    let limits = MerchantLimits {
        min_per_order: sar(row.min_per_order_minor).map_err(|e| internal("merchant min", e))?,
        max_per_order: sar(row.max_per_order_minor).map_err(|e| internal("merchant max", e))?,
    };
    let rate = MokafaaRate::new(u32::try_from(row.points_per_sar).unwrap_or(0))
        .map_err(|e| internal("merchant rate", e))?;
    let mokafaa = mokafaa_config(env, &row);
    let sms_verify = match (
        row.sms_verify_base_url,
        row.sms_verify_service_sid,
        row.sms_verify_account_sid,
        secret(env, "SMS_VERIFY_AUTH_TOKEN", &row.id),
    ) {
        (Some(base_url), Some(service_sid), Some(account_sid), Some(auth_token)) => {
            Some(crate::sms_verify::SmsVerifyConfig {
                base_url,
                service_sid,
                account_sid,
                auth_token,
            })
        }
        _ => None,
    };
    Ok(Merchant {
        sms_verify,
        allowed_origins: serde_json::from_slice(row.allowed_origins.as_bytes()).unwrap_or_default(),
        id: row.id,
        name: row.name,
        mokafaa,
        rate,
        limits,
        accept_iban: row.accept_iban != 0,
        show_balance_before_code: row.show_balance_before_code != 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_env_safe() {
        assert_eq!(
            secret_name("MOKAFAA_CLIENT_SECRET", "demo"),
            "MOKAFAA_CLIENT_SECRET__DEMO"
        );
        assert_eq!(
            secret_name("MOKAFAA_MERCHANT_TOKEN", "shop-1.sa"),
            "MOKAFAA_MERCHANT_TOKEN__SHOP_1_SA"
        );
    }
}
