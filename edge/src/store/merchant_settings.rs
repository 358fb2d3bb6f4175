//! What the console writes of a merchant: a new merchant, its settings, its sealed secrets
//! (each write batched with its audit entries, so no change goes unrecorded).

use super::Db;
use super::{all, batch, changes, int, statement};
use crate::http::ApiResult;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

/// A merchant's settings as the console stores them (JSON lists as text).
pub struct SettingsWrite<'a> {
    pub name: &'a str,
    pub programs: &'a str,
    pub mokafaa_environment: &'a str,
    pub mokafaa_client_id: Option<&'a str>,
    pub mokafaa_mapping_pos_id: Option<&'a str>,
    pub points_per_sar: u32,
    pub min_per_order_minor: i64,
    pub max_per_order_minor: i64,
    pub verification_methods: &'a str,
    pub accept_iban: bool,
    pub show_balance_before_code: bool,
    pub abandoned_after_seconds: i64,
    pub allowed_origins: &'a str,
    pub shopper_emails: bool,
    pub email_sender_name: &'a str,
    pub widget_theme: &'a str,
}

fn text(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, Into::into)
}

fn flag(v: bool) -> JsValue {
    int(i64::from(v))
}

/// A new merchant with the defaults (no programs set up yet): `false` when the id is taken.
pub async fn create(
    db: &Db,
    id: &str,
    name: &str,
    also: Vec<D1PreparedStatement>,
    now: i64,
) -> ApiResult<bool> {
    let insert = statement(
        db,
        "INSERT INTO merchants (id, name, allowed_origins, mokafaa_environment, created_at)
         VALUES (?1, ?2, '[]', 'sandbox', ?3) ON CONFLICT (id) DO NOTHING",
        &[id.into(), name.into(), int(now)],
    )?;
    let mut statements = vec![insert];
    statements.extend(also);
    let results = batch(db, statements, "new merchant").await?;
    Ok(results.first().map(changes) == Some(1))
}

/// The statement saving `s` for `merchant_id`. Moving to another Mokafaa environment drops
/// the row's own base URL, so the operator's URL for that environment applies.
pub fn update(db: &Db, merchant_id: &str, s: &SettingsWrite<'_>) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE merchants SET name = ?2, programs = ?3,
           mokafaa_base_url = CASE WHEN mokafaa_environment = ?4 THEN mokafaa_base_url ELSE NULL END,
           mokafaa_environment = ?4, mokafaa_client_id = ?5, mokafaa_mapping_pos_id = ?6,
           points_per_sar = ?7, min_per_order_minor = ?8, max_per_order_minor = ?9,
           verification_methods = ?10, accept_iban = ?11, show_balance_before_code = ?12,
           abandoned_after_seconds = ?13, allowed_origins = ?14, shopper_emails = ?15,
           email_sender_name = ?16, widget_theme = ?17
         WHERE id = ?1",
        &[
            merchant_id.into(),
            s.name.into(),
            s.programs.into(),
            s.mokafaa_environment.into(),
            text(s.mokafaa_client_id),
            text(s.mokafaa_mapping_pos_id),
            int(i64::from(s.points_per_sar)),
            int(s.min_per_order_minor),
            int(s.max_per_order_minor),
            s.verification_methods.into(),
            flag(s.accept_iban),
            flag(s.show_balance_before_code),
            int(s.abandoned_after_seconds),
            s.allowed_origins.into(),
            flag(s.shopper_emails),
            s.email_sender_name.into(),
            s.widget_theme.into(),
        ],
    )
}

/// A sealed secret to write. `previous` is kept (and still opens) until `overlap_until`:
/// the value it replaces (D1's, else `fallback`, the Worker secret it takes over from).
pub struct SecretWrite<'a> {
    pub name: &'a str,
    pub sealed: &'a str,
    pub keep_previous: bool,
    pub fallback_previous: Option<&'a str>,
    pub overlap_until: i64,
}

pub fn put_secret(
    db: &Db,
    merchant_id: &str,
    w: &SecretWrite<'_>,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    let until = if w.keep_previous {
        int(w.overlap_until)
    } else {
        JsValue::NULL
    };
    let fallback = if w.keep_previous {
        text(w.fallback_previous)
    } else {
        JsValue::NULL
    };
    statement(
        db,
        "INSERT INTO merchant_secrets (merchant_id, name, sealed, previous_sealed, previous_valid_until, updated_at)
         VALUES (?1, ?2, ?3, ?5, CASE WHEN ?5 IS NULL THEN NULL ELSE ?4 END, ?6)
         ON CONFLICT (merchant_id, name) DO UPDATE SET
           previous_sealed = CASE WHEN ?4 IS NULL THEN NULL ELSE merchant_secrets.sealed END,
           previous_valid_until = ?4,
           sealed = excluded.sealed, updated_at = excluded.updated_at",
        &[
            merchant_id.into(),
            w.name.into(),
            w.sealed.into(),
            until,
            fallback,
            int(now),
        ],
    )
}

/// Whether each secret is set (never its value).
#[derive(Debug, Deserialize)]
pub struct SecretRow {
    pub name: String,
    pub updated_at: i64,
    pub previous_valid_until: Option<i64>,
}

pub async fn secret_statuses(db: &Db, merchant_id: &str) -> ApiResult<Vec<SecretRow>> {
    all(
        db,
        "SELECT name, updated_at, previous_valid_until FROM merchant_secrets WHERE merchant_id = ?1",
        &[merchant_id.into()],
        "secret statuses",
    )
    .await
}
