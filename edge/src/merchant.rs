//! A merchant's configuration: settings from D1, and its secrets sealed in D1
//! (`merchant_secrets`, read with the row in the same statement, opened with the master key).
//!
//! Before the console, secrets were Worker secrets named `MOKAFAA_CLIENT_SECRET__<ID>`,
//! `MOKAFAA_MERCHANT_TOKEN__<ID>` and `MERCHANT_API_SECRET__<ID>` (the merchant id
//! upper-cased, other characters as `_`). One still set is read only while D1 holds none of
//! that name; the operator's `POST /v1/operator/merchants/{id}/secrets/import` seals them in.

use crate::domain::limits::MerchantLimits;
use crate::http::{internal, ApiResult};
use crate::mokafaa::client::MokafaaConfig;
use crate::store::Db;
use loyalty_shared::api::{SecretName, VerifyMethod};
use loyalty_shared::{ApiError, Currency, ErrorCode, Locale, MokafaaRate, Money};
use serde::Deserialize;
use std::time::Duration;
use worker::Env;

/// Upstream calls give up after this long; a redemption without an answer is reconciled.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);

mod settings_view;

/// The `merchants` row as D1 returns it (`SELECT *`, with its sealed secrets).
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
    #[serde(default)]
    programs: Option<String>,
    #[serde(default)]
    verification_methods: Option<String>,
    #[serde(default)]
    abandoned_after_seconds: i64,
    #[serde(default = "on")]
    shopper_emails: i64,
    #[serde(default)]
    email_sender_name: String,
    #[serde(default)]
    widget_theme: String,
    /// `[{name, sealed, previous, until}]` from `merchant_secrets` (JSON, read in the same
    /// statement as the row).
    #[serde(default)]
    sealed_secrets: Option<String>,
}

fn on() -> i64 {
    1
}

/// One sealed secret as the row's JSON column carries it.
#[derive(Debug, Deserialize)]
struct SealedSecret {
    name: String,
    sealed: String,
    previous: Option<String>,
    until: Option<i64>,
}

/// The secrets of a merchant, opened.
#[derive(Debug, Default)]
pub struct Secrets {
    mokafaa_client_secret: Option<String>,
    mokafaa_merchant_token: Option<String>,
    merchant_api_secret: Option<String>,
    /// The replaced API secret and until when it still signs.
    previous_api_secret: Option<(String, i64)>,
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
    /// The programs the widget offers, in its tab order.
    pub programs: Vec<loyalty_shared::api::Program>,
    pub verification_methods: Vec<VerifyMethod>,
    /// The secrets signing the merchant server's calls: the current one, then a replaced
    /// one still inside its overlap window.
    api_secrets: Vec<(String, Option<i64>)>,
}

impl Merchant {
    /// The API secrets that sign at `now` (the current one first).
    pub fn api_secrets(&self, now: i64) -> impl Iterator<Item = &str> {
        self.api_secrets
            .iter()
            .filter(move |(_, until)| until.is_none_or(|until| now < until))
            .map(|(secret, _)| secret.as_str())
    }

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

/// Where an environment's calls go: the row's own base URL (set by the operator) or the
/// operator's var for that environment (`MOKAFAA_SANDBOX_URL`, `MOKAFAA_SIT_URL`,
/// `MOKAFAA_PROD_URL`). The sandbox speaks the bank's `sit` paths.
fn mokafaa_endpoint(env: &Env, row: &MerchantRow) -> Option<(String, String)> {
    let var = |name: &str| env.var(name).ok().map(|v| v.to_string());
    match row.mokafaa_environment.as_str() {
        "sandbox" => var("MOKAFAA_SANDBOX_URL").map(|url| (url, "sit".to_string())),
        environment => {
            let url = row
                .mokafaa_base_url
                .clone()
                .or_else(|| var(&format!("MOKAFAA_{}_URL", environment.to_ascii_uppercase())))?;
            Some((url, environment.to_string()))
        }
    }
}

/// The merchant's Mokafaa account: its row's settings and its two secrets; `None` (logged)
/// when any is missing.
fn mokafaa_config(env: &Env, row: &MerchantRow, secrets: &Secrets) -> Option<MokafaaConfig> {
    let Some(client_id) = &row.mokafaa_client_id else {
        return None;
    };
    let (base_url, environment) = mokafaa_endpoint(env, row)?;
    let from_d1_or_env =
        |kept: &Option<String>, kind: &str| kept.clone().or_else(|| secret(env, kind, &row.id));
    match (
        from_d1_or_env(&secrets.mokafaa_client_secret, "MOKAFAA_CLIENT_SECRET"),
        from_d1_or_env(&secrets.mokafaa_merchant_token, "MOKAFAA_MERCHANT_TOKEN"),
    ) {
        (Some(client_secret), Some(merchant_token)) => Some(MokafaaConfig {
            base_url,
            environment,
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
    let secrets = open_secrets(env, &row);
    let mokafaa = mokafaa_config(env, &row, &secrets);
    let sms_verify = sms_verify(env, &row);
    let (programs, verification_methods) = (row.programs(), row.verification_methods());
    let api_secrets = api_secrets(env, &row, secrets);
    Ok(Merchant {
        sms_verify,
        allowed_origins: settings_view::list(Some(&row.allowed_origins)).unwrap_or_default(),
        accept_iban: verification_methods.contains(&VerifyMethod::Iban),
        verification_methods,
        programs,
        api_secrets,
        id: row.id,
        name: row.name,
        mokafaa,
        rate,
        limits,
        show_balance_before_code: row.show_balance_before_code != 0,
    })
}

fn sms_verify(env: &Env, row: &MerchantRow) -> Option<crate::sms_verify::SmsVerifyConfig> {
    Some(crate::sms_verify::SmsVerifyConfig {
        base_url: row.sms_verify_base_url.clone()?,
        service_sid: row.sms_verify_service_sid.clone()?,
        account_sid: row.sms_verify_account_sid.clone()?,
        auth_token: secret(env, "SMS_VERIFY_AUTH_TOKEN", &row.id)?,
    })
}

/// The row's sealed secrets, opened (one that does not open is logged and left out: the
/// merchant then answers as if it were not set, never with another merchant's value).
fn open_secrets(env: &Env, row: &MerchantRow) -> Secrets {
    let mut secrets = Secrets::default();
    let Some(list) = row.sealed_secrets.as_deref() else {
        return secrets;
    };
    let sealed: Vec<SealedSecret> = serde_json::from_slice(list.as_bytes()).unwrap_or_default();
    if sealed.is_empty() {
        return secrets;
    }
    let Some(key) = crate::sealed::master_key(env) else {
        worker::console_error!("merchant {}: sealed secrets but no SEALING_KEY", row.id);
        return secrets;
    };
    for one in sealed {
        let owner = secret_owner(&row.id, &one.name);
        let open = |value: &str| match crate::sealed::open(&key, &owner, value) {
            Ok(plain) => Some(plain),
            Err(err) => {
                worker::console_error!(
                    "merchant {}: secret {} does not open: {err}",
                    row.id,
                    one.name
                );
                None
            }
        };
        let value = open(&one.sealed);
        match SecretName::from_name(&one.name) {
            Some(SecretName::MokafaaClientSecret) => secrets.mokafaa_client_secret = value,
            Some(SecretName::MokafaaMerchantToken) => secrets.mokafaa_merchant_token = value,
            Some(SecretName::MerchantApiSecret) => {
                secrets.merchant_api_secret = value;
                secrets.previous_api_secret = one.previous.as_deref().and_then(open).zip(one.until);
            }
            None => {}
        }
    }
    secrets
}

/// The associated data a merchant's secret is sealed with: it opens only as that secret of
/// that merchant.
pub fn secret_owner(merchant_id: &str, name: &str) -> String {
    format!("{merchant_id}/{name}")
}

/// The API secrets that sign: D1's (current, then the replaced one with its deadline), or
/// the Worker secret while D1 holds none.
fn api_secrets(env: &Env, row: &MerchantRow, secrets: Secrets) -> Vec<(String, Option<i64>)> {
    match secrets.merchant_api_secret {
        Some(current) => std::iter::once((current, None))
            .chain(
                secrets
                    .previous_api_secret
                    .map(|(old, until)| (old, Some(until))),
            )
            .collect(),
        None => secret(env, "MERCHANT_API_SECRET", &row.id)
            .map(|s| vec![(s, None)])
            .unwrap_or_default(),
    }
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
