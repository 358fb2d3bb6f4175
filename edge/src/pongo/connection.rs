//! A merchant's Pongo connection (D1 `pongo_connections`, token sealed), its stores and the
//! mapping of its storefronts and terminals to those stores.
//!
//! Platform settings: `PONGO_BASE_URL` and `PONGO_CLIENT_ID` (vars), `PONGO_CLIENT_SECRET`
//! and `PONGO_TOKEN_KEY` (secrets). Loyalty Checkout is one Pongo partner app; each merchant
//! grants it access to its own account.

use super::client::PongoClient;
use super::errors::PongoFailure;
use crate::counters::Tally;
use crate::http::{internal, ApiResult};
use crate::sealed;
use crate::store::pongo_connections::{self, ConnectionRow, SealedConnection};
use crate::store::Db;
use loyalty_shared::api::{ConnectionState, PongoStore};
use loyalty_shared::{ApiError, ErrorCode, Locale, PartnerParameters};
use std::time::Duration;
use worker::Env;

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
            key: sealed::master_key(env)
                .ok_or_else(|| internal("pongo settings", "SEALING_KEY is not set"))?,
        })
    }

    pub fn seal(&self, merchant_id: &str, plaintext: &str) -> ApiResult<String> {
        sealed::seal(&self.key, merchant_id, plaintext).map_err(|e| internal("seal", e))
    }

    pub fn open(&self, merchant_id: &str, sealed_value: &str) -> ApiResult<String> {
        sealed::open(&self.key, merchant_id, sealed_value).map_err(|e| internal("open", e))
    }
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
    pub fn client(&self, app: &PongoApp, tally: &Tally) -> PongoClient {
        PongoClient::new(&app.base_url, &self.token, PONGO_TIMEOUT, tally)
    }

    /// Whether calls may be made now: connected and, when the expiry is known, not past it.
    pub fn usable(&self, now: i64) -> bool {
        self.state == ConnectionState::Connected && self.token_expires_at.is_none_or(|at| now < at)
    }
}

pub async fn load(db: &Db, app: &PongoApp, merchant_id: &str) -> ApiResult<Option<Connection>> {
    pongo_connections::load(db, merchant_id)
        .await?
        .map(|row| open(app, row))
        .transpose()
}

/// A connection row with its secrets opened.
pub fn open(app: &PongoApp, row: ConnectionRow) -> ApiResult<Connection> {
    Ok(Connection {
        token: app.open(&row.merchant_id, &row.sealed_token)?,
        webhook_secret: row
            .sealed_webhook_secret
            .as_deref()
            .map(|s| app.open(&row.merchant_id, s))
            .transpose()?,
        state: row.state,
        partner_parameters: serde_json::from_slice(row.partner_parameters.as_bytes())
            .map_err(|e| internal("partner parameters", e))?,
        merchant_id: row.merchant_id,
        token_expires_at: row.token_expires_at,
        account_name: row.account_name,
    })
}

/// The connection read with the caller, or `pongo_not_connected` when there is none or it
/// expired.
pub fn usable(
    app: &PongoApp,
    row: Option<ConnectionRow>,
    now: i64,
    locale: Locale,
) -> ApiResult<Connection> {
    match row.map(|row| open(app, row)).transpose()? {
        Some(c) if c.usable(now) => Ok(c),
        _ => Err(ApiError::new(ErrorCode::PongoNotConnected, locale)),
    }
}

/// The connection, or `pongo_not_connected` when there is none or it expired.
pub async fn require(
    db: &Db,
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
pub async fn save(db: &Db, app: &PongoApp, new: NewConnection<'_>, now: i64) -> ApiResult<()> {
    let sealed_token = app.seal(new.merchant_id, new.token)?;
    let sealed_secret = new
        .webhook_secret
        .map(|s| app.seal(new.merchant_id, s))
        .transpose()?;
    let partner_parameters = serde_json::to_string(new.partner_parameters)
        .map_err(|e| internal("partner parameters", e))?;
    let sealed = SealedConnection {
        merchant_id: new.merchant_id,
        sealed_token,
        token_expires_at: new.token_expires_at,
        sealed_webhook_secret: sealed_secret,
        account_name: new.account_name,
        partner_parameters,
    };
    pongo_connections::save(db, sealed, now).await
}

/// Pongo answered 401: the token expired or was revoked. The admin view says so.
pub async fn mark_expired(db: &Db, merchant_id: &str, now: i64) -> ApiResult<()> {
    worker::console_warn!("merchant {merchant_id}: Pongo token refused; reconnect needed");
    pongo_connections::mark_expired(db, merchant_id, now).await
}

/// The store slug for a location: mapped, and still among the stores Pongo listed. Never
/// a guess: anything else is `store_not_mapped`.
pub async fn store_for(
    db: &Db,
    merchant_id: &str,
    location_id: &str,
    locale: Locale,
) -> ApiResult<String> {
    pongo_connections::mapped_store(db, merchant_id, location_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::StoreNotMapped, locale).with_field("location_id"))
}

/// A Pongo failure as the caller sees it. A token refused (expired, revoked, missing a
/// scope) also marks the connection expired, so the admin view asks for a reconnect.
pub async fn refused(
    db: &Db,
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
    db: &Db,
    connection: &Connection,
    app: &PongoApp,
    now: i64,
) -> ApiResult<()> {
    let account = match connection.client(app, db.tally()).me().await {
        Ok(account) => account,
        Err(failure) => {
            return Err(refused(db, &connection.merchant_id, failure, now, Locale::En).await)
        }
    };
    let parameters = serde_json::to_string(&account.partner_parameters)
        .map_err(|e| internal("partner parameters", e))?;
    pongo_connections::save_account(db, &connection.merchant_id, &account.name, parameters, now)
        .await
}

/// Syncs the stores from Pongo; a refused token marks the connection expired.
pub async fn sync_stores(
    db: &Db,
    connection: &Connection,
    app: &PongoApp,
    now: i64,
) -> ApiResult<usize> {
    match connection.client(app, db.tally()).stores().await {
        Ok(stores) => {
            let stores: Vec<PongoStore> = stores
                .into_iter()
                .map(|s| PongoStore {
                    slug: s.slug,
                    name: s.name,
                })
                .collect();
            pongo_connections::save_stores(db, &connection.merchant_id, &stores, now).await?;
            Ok(stores.len())
        }
        Err(failure) => Err(refused(db, &connection.merchant_id, failure, now, Locale::En).await),
    }
}
