//! A merchant's Pongo connection (D1 `pongo_connections`, token sealed), its stores and the
//! mapping of its storefronts and terminals to those stores.
//!
//! Platform settings: `PONGO_BASE_URL` and `PONGO_CLIENT_ID` (vars), `PONGO_CLIENT_SECRET`
//! and `PONGO_TOKEN_KEY` (secrets). Loyalty Checkout is one Pongo partner app; each merchant
//! grants it access to its own account.

use super::client::PongoClient;
use super::errors::PongoFailure;
use super::wire::Store;
use crate::http::{internal, ApiResult};
use crate::sealed;
use crate::store::{int, statement};
use loyalty_shared::api::{ConnectionState, PongoStore, StoreMapping};
use loyalty_shared::{ApiError, ErrorCode, Locale, PartnerParameters};
use serde::Deserialize;
use std::time::Duration;
use worker::{D1Database, Env};

/// Pongo calls give up after this long; the outbox retries.
pub const PONGO_TIMEOUT: Duration = Duration::from_secs(10);

/// The partner app's settings.
pub struct PongoApp {
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
    key: String,
}

impl PongoApp {
    pub fn from_env(env: &Env) -> ApiResult<PongoApp> {
        let read = |name: &str| {
            env.secret(name)
                .map(|s| s.to_string())
                .or_else(|_| env.var(name).map(|v| v.to_string()))
                .map_err(|_| internal("pongo settings", format!("{name} is not set")))
        };
        Ok(PongoApp {
            base_url: read("PONGO_BASE_URL")?,
            client_id: read("PONGO_CLIENT_ID")?,
            client_secret: read("PONGO_CLIENT_SECRET")?,
            key: read(sealed::KEY_SECRET)?,
        })
    }

    pub fn seal(&self, merchant_id: &str, plaintext: &str) -> ApiResult<String> {
        sealed::seal(&self.key, merchant_id, plaintext).map_err(|e| internal("seal", e))
    }

    pub fn open(&self, merchant_id: &str, sealed_value: &str) -> ApiResult<String> {
        sealed::open(&self.key, merchant_id, sealed_value).map_err(|e| internal("open", e))
    }
}

#[derive(Debug, Clone, Deserialize)]
struct ConnectionRow {
    merchant_id: String,
    state: String,
    sealed_token: String,
    token_expires_at: Option<i64>,
    sealed_webhook_secret: Option<String>,
    account_name: String,
    partner_parameters: String,
}

/// A connected merchant, its token opened.
pub struct Connection {
    pub merchant_id: String,
    pub state: ConnectionState,
    token: String,
    pub token_expires_at: Option<i64>,
    pub webhook_secret: Option<String>,
    pub account_name: String,
    pub partner_parameters: PartnerParameters,
}

impl Connection {
    pub fn client(&self, app: &PongoApp) -> PongoClient {
        PongoClient::new(&app.base_url, &self.token, PONGO_TIMEOUT)
    }

    /// Whether calls may be made now: connected and, when the expiry is known, not past it.
    pub fn usable(&self, now: i64) -> bool {
        self.state == ConnectionState::Connected && self.token_expires_at.is_none_or(|at| now < at)
    }
}

pub async fn load(
    db: &D1Database,
    app: &PongoApp,
    merchant_id: &str,
) -> ApiResult<Option<Connection>> {
    let row: Option<ConnectionRow> = statement(
        db,
        "SELECT * FROM pongo_connections WHERE merchant_id = ?1",
        &[merchant_id.into()],
    )?
    .first(None)
    .await
    .map_err(|e| internal("pongo connection", e))?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Connection {
        token: app.open(&row.merchant_id, &row.sealed_token)?,
        webhook_secret: row
            .sealed_webhook_secret
            .as_deref()
            .map(|s| app.open(&row.merchant_id, s))
            .transpose()?,
        state: if row.state == "connected" {
            ConnectionState::Connected
        } else {
            ConnectionState::Expired
        },
        partner_parameters: serde_json::from_str(&row.partner_parameters)
            .map_err(|e| internal("partner parameters", e))?,
        merchant_id: row.merchant_id,
        token_expires_at: row.token_expires_at,
        account_name: row.account_name,
    }))
}

/// The connection, or `pongo_not_connected` when there is none or it expired.
pub async fn require(
    db: &D1Database,
    app: &PongoApp,
    merchant_id: &str,
    now: i64,
    locale: Locale,
) -> ApiResult<Connection> {
    match load(db, app, merchant_id).await? {
        Some(c) if c.usable(now) => Ok(c),
        _ => Err(ApiError::new(ErrorCode::PongoNotConnected, locale)),
    }
}

pub struct NewConnection<'a> {
    pub merchant_id: &'a str,
    pub token: &'a str,
    pub token_expires_at: Option<i64>,
    pub webhook_secret: Option<&'a str>,
    pub account_name: &'a str,
    pub partner_parameters: &'a PartnerParameters,
}

/// Stores a fresh connection and wakes the calls that waited for it.
pub async fn save(
    db: &D1Database,
    app: &PongoApp,
    new: NewConnection<'_>,
    now: i64,
) -> ApiResult<()> {
    let sealed_token = app.seal(new.merchant_id, new.token)?;
    let sealed_secret = new
        .webhook_secret
        .map(|s| app.seal(new.merchant_id, s))
        .transpose()?;
    let parameters = serde_json::to_string(new.partner_parameters)
        .map_err(|e| internal("partner parameters", e))?;
    let upsert = statement(
        db,
        "INSERT INTO pongo_connections (merchant_id, state, sealed_token, token_expires_at, sealed_webhook_secret, account_name, partner_parameters, connected_at, updated_at)
         VALUES (?1, 'connected', ?2, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT (merchant_id) DO UPDATE SET state = 'connected', sealed_token = excluded.sealed_token,
           token_expires_at = excluded.token_expires_at,
           sealed_webhook_secret = COALESCE(excluded.sealed_webhook_secret, pongo_connections.sealed_webhook_secret),
           account_name = excluded.account_name, partner_parameters = excluded.partner_parameters, updated_at = excluded.updated_at",
        &[
            new.merchant_id.into(),
            sealed_token.into(),
            new.token_expires_at.map(int).unwrap_or(wasm_bindgen::JsValue::NULL),
            sealed_secret.map(Into::into).unwrap_or(wasm_bindgen::JsValue::NULL),
            new.account_name.into(),
            parameters.into(),
            int(now),
        ],
    )?;
    let wake = statement(
        db,
        "UPDATE pongo_outbox SET next_attempt_at = 0 WHERE merchant_id = ?1 AND state = 'queued'",
        &[new.merchant_id.into()],
    )?;
    db.batch(vec![upsert, wake])
        .await
        .map_err(|e| internal("pongo connection save", e))?;
    Ok(())
}

/// Pongo answered 401: the token expired or was revoked. The admin view says so.
pub async fn mark_expired(db: &D1Database, merchant_id: &str, now: i64) -> ApiResult<()> {
    worker::console_warn!("merchant {merchant_id}: Pongo token refused; reconnect needed");
    statement(
        db,
        "UPDATE pongo_connections SET state = 'expired', updated_at = ?2 WHERE merchant_id = ?1",
        &[merchant_id.into(), int(now)],
    )?
    .run()
    .await
    .map_err(|e| internal("pongo connection expire", e))?;
    Ok(())
}

pub async fn merchants_connected(db: &D1Database) -> ApiResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Id {
        merchant_id: String,
    }
    let rows: Vec<Id> = statement(
        db,
        "SELECT merchant_id FROM pongo_connections WHERE state = 'connected'",
        &[],
    )?
    .all()
    .await
    .and_then(|r| r.results())
    .map_err(|e| internal("pongo connections", e))?;
    Ok(rows.into_iter().map(|r| r.merchant_id).collect())
}

/// Replaces the merchant's stores with Pongo's list.
pub async fn save_stores(
    db: &D1Database,
    merchant_id: &str,
    stores: &[Store],
    now: i64,
) -> ApiResult<()> {
    let mut batch = vec![statement(
        db,
        "DELETE FROM pongo_stores WHERE merchant_id = ?1",
        &[merchant_id.into()],
    )?];
    for store in stores {
        batch.push(statement(
            db,
            "INSERT INTO pongo_stores (merchant_id, slug, name, synced_at) VALUES (?1, ?2, ?3, ?4)",
            &[
                merchant_id.into(),
                store.slug.as_str().into(),
                store.name.as_str().into(),
                int(now),
            ],
        )?);
    }
    db.batch(batch)
        .await
        .map_err(|e| internal("pongo stores", e))?;
    Ok(())
}

/// When the stores were last synced (`None`: never).
pub async fn stores_synced_at(db: &D1Database, merchant_id: &str) -> ApiResult<Option<i64>> {
    #[derive(Deserialize)]
    struct At {
        at: Option<i64>,
    }
    let row: Option<At> = statement(
        db,
        "SELECT MAX(synced_at) AS at FROM pongo_stores WHERE merchant_id = ?1",
        &[merchant_id.into()],
    )?
    .first(None)
    .await
    .map_err(|e| internal("pongo stores", e))?;
    Ok(row.and_then(|r| r.at))
}

pub async fn stores(db: &D1Database, merchant_id: &str) -> ApiResult<Vec<PongoStore>> {
    statement(
        db,
        "SELECT slug, name FROM pongo_stores WHERE merchant_id = ?1 ORDER BY name",
        &[merchant_id.into()],
    )?
    .all()
    .await
    .and_then(|r| r.results())
    .map_err(|e| internal("pongo stores", e))
}

pub async fn mappings(db: &D1Database, merchant_id: &str) -> ApiResult<Vec<StoreMapping>> {
    statement(db, "SELECT merchant_id, location_id, store_slug FROM pongo_store_mappings WHERE merchant_id = ?1 ORDER BY location_id", &[merchant_id.into()])?
        .all()
        .await
        .and_then(|r| r.results())
        .map_err(|e| internal("pongo mappings", e))
}

pub async fn save_mapping(db: &D1Database, mapping: &StoreMapping, now: i64) -> ApiResult<()> {
    statement(
        db,
        "INSERT INTO pongo_store_mappings (merchant_id, location_id, store_slug, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (merchant_id, location_id) DO UPDATE SET store_slug = excluded.store_slug, updated_at = excluded.updated_at",
        &[mapping.merchant_id.as_str().into(), mapping.location_id.as_str().into(), mapping.store_slug.as_str().into(), int(now)],
    )?
    .run()
    .await
    .map_err(|e| internal("pongo mapping", e))?;
    Ok(())
}

/// The store slug for a location: mapped, and still among the stores Pongo listed. Never
/// a guess: anything else is `store_not_mapped`.
pub async fn store_for(
    db: &D1Database,
    merchant_id: &str,
    location_id: &str,
    locale: Locale,
) -> ApiResult<String> {
    #[derive(Deserialize)]
    struct Slug {
        store_slug: String,
    }
    let row: Option<Slug> = statement(
        db,
        "SELECT m.store_slug FROM pongo_store_mappings m JOIN pongo_stores s ON s.merchant_id = m.merchant_id AND s.slug = m.store_slug
         WHERE m.merchant_id = ?1 AND m.location_id = ?2",
        &[merchant_id.into(), location_id.into()],
    )?
    .first(None)
    .await
    .map_err(|e| internal("pongo mapping", e))?;
    row.map(|r| r.store_slug)
        .ok_or_else(|| ApiError::new(ErrorCode::StoreNotMapped, locale).with_field("location_id"))
}

/// A Pongo failure as the caller sees it. A token refused (expired, revoked, missing a
/// scope) also marks the connection expired, so the admin view asks for a reconnect.
pub async fn refused(
    db: &D1Database,
    merchant_id: &str,
    failure: PongoFailure,
    now: i64,
    locale: Locale,
) -> ApiError {
    if failure.needs_reconnect() {
        if let Err(e) = mark_expired(db, merchant_id, now).await {
            return e;
        }
    }
    ApiError::new(failure.code(), locale)
}

/// Reads the account again (its name and `partnerParameters`, the earn rule); a refused
/// token marks the connection expired.
pub async fn refresh_account(
    db: &D1Database,
    connection: &Connection,
    app: &PongoApp,
    now: i64,
) -> ApiResult<()> {
    let account = match connection.client(app).me().await {
        Ok(account) => account,
        Err(failure) => {
            return Err(refused(db, &connection.merchant_id, failure, now, Locale::En).await)
        }
    };
    let parameters = serde_json::to_string(&account.partner_parameters)
        .map_err(|e| internal("partner parameters", e))?;
    statement(
        db,
        "UPDATE pongo_connections SET account_name = ?2, partner_parameters = ?3, updated_at = ?4 WHERE merchant_id = ?1",
        &[connection.merchant_id.as_str().into(), account.name.as_str().into(), parameters.into(), int(now)],
    )?
    .run()
    .await
    .map_err(|e| internal("pongo account", e))?;
    Ok(())
}

/// Syncs the stores from Pongo; a refused token marks the connection expired.
pub async fn sync_stores(
    db: &D1Database,
    connection: &Connection,
    app: &PongoApp,
    now: i64,
) -> ApiResult<usize> {
    match connection.client(app).stores().await {
        Ok(stores) => {
            save_stores(db, &connection.merchant_id, &stores, now).await?;
            Ok(stores.len())
        }
        Err(failure) => Err(refused(db, &connection.merchant_id, failure, now, Locale::En).await),
    }
}
