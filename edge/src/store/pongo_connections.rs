//! A merchant's Pongo connection (`pongo_connections`, token and webhook secret sealed by
//! the caller), its stores (`pongo_stores`) and the mapping of its storefronts and
//! terminals to those stores (`pongo_store_mappings`).

use super::Db;
use super::{all, first, int, run, statement};
use crate::http::{internal, ApiResult};
use loyalty_shared::api::{ConnectionState, PongoStore, StoreMapping};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

/// The stored row; the state reads through the shared enum, so an unknown value is an
/// error rather than a silent default.
#[derive(Debug, Clone, Deserialize)]
pub struct ConnectionRow {
    pub merchant_id: String,
    pub state: ConnectionState,
    pub sealed_token: String,
    pub token_expires_at: Option<i64>,
    pub sealed_webhook_secret: Option<String>,
    pub account_name: String,
    pub partner_parameters: String,
}

/// The connection of the merchant whose session holds `token_hash` (read with the session).
pub(super) fn of_session(db: &Db, token_hash: &JsValue) -> ApiResult<D1PreparedStatement> {
    statement(db, "SELECT merchant_id, state, sealed_token, token_expires_at, sealed_webhook_secret, account_name, partner_parameters
         FROM pongo_connections WHERE merchant_id = (SELECT merchant_id FROM sessions WHERE token_hash = ?1)",
        std::slice::from_ref(token_hash))
}

/// Merchant `merchant_id`'s connection, to run alone or in a batch.
pub(super) fn by_merchant(db: &Db, merchant_id: &str) -> ApiResult<D1PreparedStatement> {
    statement(db, "SELECT merchant_id, state, sealed_token, token_expires_at, sealed_webhook_secret, account_name, partner_parameters
         FROM pongo_connections WHERE merchant_id = ?1",
        &[merchant_id.into()])
}

pub async fn load(db: &Db, merchant_id: &str) -> ApiResult<Option<ConnectionRow>> {
    db.first_row(by_merchant(db, merchant_id)?)
        .await
        .map_err(|e| internal("pongo connection", e))
}

/// A connection as it is written: secrets already sealed, parameters already JSON.
pub struct SealedConnection<'a> {
    pub merchant_id: &'a str,
    pub sealed_token: String,
    pub token_expires_at: Option<i64>,
    pub sealed_webhook_secret: Option<String>,
    pub account_name: &'a str,
    pub partner_parameters: String,
}

/// Stores a fresh connection and wakes the orders that waited for it, in one batch.
pub async fn save(db: &Db, new: SealedConnection<'_>, now: i64) -> ApiResult<()> {
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
            new.sealed_token.into(),
            new.token_expires_at.map(int).unwrap_or(JsValue::NULL),
            new.sealed_webhook_secret.map(Into::into).unwrap_or(JsValue::NULL),
            new.account_name.into(),
            new.partner_parameters.into(),
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

pub async fn mark_expired(db: &Db, merchant_id: &str, now: i64) -> ApiResult<()> {
    let sql =
        "UPDATE pongo_connections SET state = 'expired', updated_at = ?2 WHERE merchant_id = ?1";
    run(
        db,
        sql,
        &[merchant_id.into(), int(now)],
        "pongo connection expire",
    )
    .await
    .map(drop)
}

/// The account's name and earn rule (`partner_parameters` as JSON), read again from Pongo.
pub async fn save_account(
    db: &Db,
    merchant_id: &str,
    account_name: &str,
    partner_parameters: String,
    now: i64,
) -> ApiResult<()> {
    run(db, "UPDATE pongo_connections SET account_name = ?2, partner_parameters = ?3, updated_at = ?4 WHERE merchant_id = ?1",
        &[merchant_id.into(), account_name.into(), partner_parameters.into(), int(now)], "pongo account").await?;
    Ok(())
}

pub async fn merchants_connected(db: &Db) -> ApiResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Id {
        merchant_id: String,
    }
    let rows: Vec<Id> = all(
        db,
        "SELECT merchant_id FROM pongo_connections WHERE state = 'connected'",
        &[],
        "pongo connections",
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.merchant_id).collect())
}

/// Replaces the merchant's stores with Pongo's list, in one batch.
pub async fn save_stores(
    db: &Db,
    merchant_id: &str,
    stores: &[PongoStore],
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
pub async fn stores_synced_at(db: &Db, merchant_id: &str) -> ApiResult<Option<i64>> {
    #[derive(Deserialize)]
    struct At {
        at: Option<i64>,
    }
    let row: Option<At> = first(
        db,
        "SELECT MAX(synced_at) AS at FROM pongo_stores WHERE merchant_id = ?1",
        &[merchant_id.into()],
        "pongo stores",
    )
    .await?;
    Ok(row.and_then(|r| r.at))
}

pub async fn stores(db: &Db, merchant_id: &str) -> ApiResult<Vec<PongoStore>> {
    all(
        db,
        "SELECT slug, name FROM pongo_stores WHERE merchant_id = ?1 ORDER BY name",
        &[merchant_id.into()],
        "pongo stores",
    )
    .await
}

pub async fn mappings(db: &Db, merchant_id: &str) -> ApiResult<Vec<StoreMapping>> {
    all(db, "SELECT merchant_id, location_id, store_slug FROM pongo_store_mappings WHERE merchant_id = ?1 ORDER BY location_id", &[merchant_id.into()], "pongo mappings").await
}

/// Saves a location's store, and the change in the audit log (the store it had, read in
/// the same transaction) by `actor`.
pub async fn save_mapping(db: &Db, mapping: &StoreMapping, actor: &str, now: i64) -> ApiResult<()> {
    let values = [
        mapping.merchant_id.as_str().into(),
        mapping.location_id.as_str().into(),
        mapping.store_slug.as_str().into(),
        int(now),
        actor.into(),
    ];
    let audit = statement(db, "INSERT INTO audit_log (merchant_id, actor, action, subject, old_value, new_value, at)
         SELECT ?1, ?5, 'pongo.mapping_changed', ?2,
                (SELECT store_slug FROM pongo_store_mappings WHERE merchant_id = ?1 AND location_id = ?2), ?3, ?4",
        &values)?;
    let save = statement(db, "INSERT INTO pongo_store_mappings (merchant_id, location_id, store_slug, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (merchant_id, location_id) DO UPDATE SET store_slug = excluded.store_slug, updated_at = excluded.updated_at",
        &values[..4])?;
    super::batch(db, vec![audit, save], "pongo mapping").await?;
    Ok(())
}

/// The store of the session holding `token_hash`: its storefront's mapping, else the
/// merchant's `web` one, only if Pongo still lists that store; to read with the caller.
pub fn store_of_session(db: &Db, token_hash: &str) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "SELECT m.store_slug FROM pongo_store_mappings m
           JOIN pongo_stores s ON s.merchant_id = m.merchant_id AND s.slug = m.store_slug
           JOIN sessions se ON se.token_hash = ?1 AND se.merchant_id = m.merchant_id
         WHERE m.location_id IN (COALESCE(se.origin, 'web'), 'web')
         ORDER BY m.location_id = 'web' LIMIT 1",
        &[token_hash.into()],
    )
}

/// The slug a [`store_of_session`] statement found.
pub fn slug_of(result: &worker::D1Result) -> ApiResult<Option<String>> {
    #[derive(Deserialize)]
    struct Slug {
        store_slug: String,
    }
    let rows: Vec<Slug> = result.results().map_err(|e| internal("pongo mapping", e))?;
    Ok(rows.into_iter().next().map(|r| r.store_slug))
}

/// The store slug mapped to a location, only if Pongo still lists that store.
pub async fn mapped_store(
    db: &Db,
    merchant_id: &str,
    location_id: &str,
) -> ApiResult<Option<String>> {
    #[derive(Deserialize)]
    struct Slug {
        store_slug: String,
    }
    let row: Option<Slug> = first(db, "SELECT m.store_slug FROM pongo_store_mappings m JOIN pongo_stores s ON s.merchant_id = m.merchant_id AND s.slug = m.store_slug
         WHERE m.merchant_id = ?1 AND m.location_id = ?2",
        &[merchant_id.into(), location_id.into()], "pongo mapping").await?;
    Ok(row.map(|r| r.store_slug))
}
