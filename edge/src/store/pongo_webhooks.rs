//! Pongo webhook deliveries received (`pongo_webhook_events`) and the OAuth `state`s of
//! connects under way (`pongo_oauth_states`, hashed): what Pongo sends us back.

use super::Db;
use super::{changes, first, int, run, statement};
use crate::http::{internal, ApiResult};
use serde::Deserialize;
use wasm_bindgen::JsValue;

/// One verified delivery.
pub struct WebhookEvent<'a> {
    pub merchant_id: &'a str,
    pub event: &'a str,
    pub customer_id: Option<&'a str>,
    pub signed_at: i64,
}

pub async fn record(db: &Db, event: WebhookEvent<'_>, now: i64) -> ApiResult<()> {
    run(
        db,
        "INSERT INTO pongo_webhook_events (merchant_id, event, customer_id, signed_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            event.merchant_id.into(),
            event.event.into(),
            event.customer_id.map(Into::into).unwrap_or(JsValue::NULL),
            int(event.signed_at),
            int(now),
        ],
        "webhook event",
    )
    .await?;
    Ok(())
}

/// A connect started from the admin page: its `state` and browser cookie, both hashed.
pub struct NewOAuthState<'a> {
    pub state_hash: &'a str,
    pub merchant_id: &'a str,
    pub browser_hash: &'a str,
    pub redirect_uri: &'a str,
    pub expires_at: i64,
}

pub async fn save_state(db: &Db, new: NewOAuthState<'_>, now: i64) -> ApiResult<()> {
    run(db, "INSERT INTO pongo_oauth_states (state_hash, merchant_id, browser_hash, redirect_uri, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            new.state_hash.into(),
            new.merchant_id.into(),
            new.browser_hash.into(),
            new.redirect_uri.into(),
            int(now),
            int(new.expires_at),
        ], "oauth state").await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct OAuthStateRow {
    pub merchant_id: String,
    pub browser_hash: String,
    pub redirect_uri: String,
}

pub async fn state(db: &Db, state_hash: &str) -> ApiResult<Option<OAuthStateRow>> {
    first(db, "SELECT merchant_id, browser_hash, redirect_uri FROM pongo_oauth_states WHERE state_hash = ?1",
        &[state_hash.into()], "oauth state").await
}

/// Marks a state used; false when it was used already or has expired.
pub async fn use_state(db: &Db, state_hash: &str, now: i64) -> ApiResult<bool> {
    let used = db.execute(statement(
        db,
        "UPDATE pongo_oauth_states SET used_at = ?2 WHERE state_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        &[state_hash.into(), int(now)],
    )?)
    .await
    .map_err(|e| internal("oauth state", e))?;
    Ok(changes(&used) == 1)
}
