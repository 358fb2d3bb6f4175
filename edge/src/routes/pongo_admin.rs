//! The merchant's Pongo settings from the admin page: connect (OAuth2), the connection's
//! status, store sync and the mapping of storefronts and terminals to stores.
//!
//! Connect: the admin page asks for a connect link (admin token); the edge answers with
//! Pongo's form URL carrying a random `state`, and sets a cookie that binds that state to
//! this browser. Pongo sends the browser back to the callback, which accepts the state
//! once, before it expires, only with the same cookie; then it exchanges the code, seals
//! the token, reads the account and its earn rule, subscribes the webhooks and syncs stores.

use crate::guards::ConsoleAdmin;
use crate::http::{cookie, internal, ApiResult};
use crate::merchant;
use crate::pongo::client::{authorize_url, exchange_code, PongoClient};
use crate::pongo::connection::{self, NewConnection, PongoApp, PONGO_TIMEOUT};
use crate::routes::call::{reply, Call};
use crate::secure::{random_hex, sha256_hex};
use crate::store::audit::{self, Change};
use crate::store::pongo_webhooks::{self, NewOAuthState, OAuthStateRow};
use crate::store::Db;
use loyalty_shared::api::{ConnectionState, PongoConnectStart, PongoStatus, StoreMapping};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use subtle::ConstantTimeEq;
use worker::{Env, Headers, Request, Response, Result};

/// How long a connect link stays usable.
const STATE_TTL_SECONDS: i64 = 600;

/// The cookie binding a connect `state` to the admin's browser.
const BROWSER_COOKIE: &str = "lc_pongo_connect";

const CALLBACK_PATH: &str = "/v1/admin/pongo/callback";

fn origin_of(req: &Request) -> ApiResult<String> {
    let url = req.url().map_err(|e| internal("request url", e))?;
    Ok(url.origin().ascii_serialization())
}

/// `POST /v1/admin/pongo/connect`: a single-use connect link for the signed-in merchant.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/admin/pongo/connect", tag = "admin", security(("console" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoConnectStart), (status = "default", description = "Error (unauthorized, merchant_not_found)", body = loyalty_shared::ErrorBody))))]
pub async fn connect(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let db = &call.db;
    let merchant = merchant::load(db, &call.env, &admin.merchant_id, Locale::En).await?;
    let app = PongoApp::from_env(&call.env)?;
    let now = call.now;
    let origin = origin_of(&call.req)?;
    let redirect_uri = format!("{origin}{CALLBACK_PATH}");
    let state = random_hex(32).map_err(|e| internal("random", e))?;
    let browser = random_hex(32).map_err(|e| internal("random", e))?;
    let new = NewOAuthState {
        state_hash: &sha256_hex(state.as_bytes()),
        merchant_id: &merchant.id,
        browser_hash: &sha256_hex(browser.as_bytes()),
        redirect_uri: &redirect_uri,
        expires_at: now + STATE_TTL_SECONDS,
    };
    pongo_webhooks::save_state(db, new, now).await?;
    let started = Change {
        merchant_id: &merchant.id,
        actor: &admin.email,
        action: "pongo.connect_started",
        subject: None,
        old_value: None,
        new_value: None,
    };
    crate::store::batch(db, vec![audit::record(db, &started, now)?], "audit").await?;
    let start = PongoConnectStart {
        authorize_url: authorize_url(&app.base_url, &app.client_id, &redirect_uri, &state),
        expires_in_seconds: STATE_TTL_SECONDS as u32,
    };
    let mut response = reply(&start, 200)?;
    let secure = if origin.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    response
        .headers_mut()
        .set("Set-Cookie", &format!("{BROWSER_COOKIE}={browser}; Path={CALLBACK_PATH}; HttpOnly; SameSite=Lax; Max-Age={STATE_TTL_SECONDS}{secure}"))
        .map_err(|e| internal("cookie", e))?;
    Ok(response)
}

/// Back to the admin page with the outcome in the query string.
fn back_to_admin(query: &str) -> Result<Response> {
    let headers = Headers::new();
    headers.set("Location", &format!("/admin/?{query}"))?;
    headers.set(
        "Set-Cookie",
        &format!("{BROWSER_COOKIE}=; Path={CALLBACK_PATH}; HttpOnly; SameSite=Lax; Max-Age=0"),
    )?;
    headers.set("Cache-Control", "no-store")?;
    Ok(Response::empty()?.with_status(303).with_headers(headers))
}

/// Accepts a `state` once: known, not expired, unused, from the browser that asked.
async fn consume_state(
    db: &Db,
    state: &str,
    browser: Option<&str>,
    now: i64,
) -> ApiResult<OAuthStateRow> {
    let refused = || ApiError::new(ErrorCode::OauthStateInvalid, Locale::En);
    let state_hash = sha256_hex(state.as_bytes());
    let row = pongo_webhooks::state(db, &state_hash)
        .await?
        .ok_or_else(refused)?;
    let browser_hash = sha256_hex(browser.unwrap_or_default().as_bytes());
    if !bool::from(browser_hash.as_bytes().ct_eq(row.browser_hash.as_bytes())) {
        return Err(refused());
    }
    if !pongo_webhooks::use_state(db, &state_hash, now).await? {
        return Err(refused());
    }
    Ok(row)
}

/// Reads an `exp` from a JWT-shaped token, when it has one [I: Pongo does not document the
/// lifetime].
fn jwt_exp(token: &str) -> Option<i64> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()?
        .get("exp")?
        .as_i64()
}

/// One webhook subscription per merchant: a reconnect keeps the one it has (the sealed
/// secret stays). A failed subscription is logged; the connection works without it.
async fn subscribe_once(
    db: &Db,
    app: &PongoApp,
    client: &PongoClient,
    state: &OAuthStateRow,
) -> Option<String> {
    let subscribed = connection::load(db, app, &state.merchant_id)
        .await
        .ok()
        .flatten()
        .is_some_and(|c| c.webhook_secret.is_some());
    if subscribed {
        return None;
    }
    let origin = state.redirect_uri.trim_end_matches(CALLBACK_PATH);
    let url = format!("{origin}/v1/pongo/webhooks/{}", state.merchant_id);
    match client.subscribe_webhook(&url).await {
        Ok(subscription) => Some(subscription.secret),
        Err(e) => {
            worker::console_warn!(
                "merchant {}: webhook subscription failed: {e:?}",
                state.merchant_id
            );
            None
        }
    }
}

async fn finish_connect(
    db: &Db,
    env: &Env,
    state: &OAuthStateRow,
    code: &str,
    now: i64,
) -> ApiResult<()> {
    let app = PongoApp::from_env(env)?;
    let token = exchange_code(
        &app.base_url,
        &app.client_id,
        &app.client_secret,
        code,
        PONGO_TIMEOUT,
    )
    .await
    .map_err(|f| ApiError::new(f.code(), Locale::En))?;
    let expires_at = token
        .expires_in
        .map(|s| now + s)
        .or_else(|| jwt_exp(&token.access_token));
    let client = PongoClient::new(
        &app.base_url,
        &token.access_token,
        PONGO_TIMEOUT,
        db.tally(),
    );
    let account = client
        .me()
        .await
        .map_err(|f| ApiError::new(f.code(), Locale::En))?;
    let webhook = subscribe_once(db, &app, &client, state).await;
    connection::save(
        db,
        &app,
        NewConnection {
            merchant_id: &state.merchant_id,
            token: &token.access_token,
            token_expires_at: expires_at,
            webhook_secret: webhook.as_deref(),
            account_name: &account.name,
            partner_parameters: &account.partner_parameters,
        },
        now,
    )
    .await?;
    let connection = connection::require(db, &app, &state.merchant_id, now, Locale::En).await?;
    connection::sync_stores(db, &connection, &app, now).await?;
    let connected = Change {
        merchant_id: &state.merchant_id,
        actor: "pongo",
        action: "pongo.connected",
        subject: None,
        old_value: None,
        new_value: Some(&account.name),
    };
    crate::store::batch(db, vec![audit::record(db, &connected, now)?], "audit").await?;
    worker::console_log!("merchant {}: Pongo connected", state.merchant_id);
    Ok(())
}

/// `GET /v1/admin/pongo/callback?code=&state=`: where Pongo sends the admin's browser back.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/admin/pongo/callback", tag = "admin", params(("code" = String, Query), ("state" = String, Query)),
    responses((status = 303, description = "Back to /admin/ with `pongo=connected` or `pongo_error=<code>`"))))]
pub async fn callback(call: Call) -> ApiResult<Response> {
    let outcome = async {
        let state = call
            .query("state", Locale::En)
            .map_err(|_| ApiError::new(ErrorCode::OauthStateInvalid, Locale::En))?;
        let browser = cookie(&call.req, BROWSER_COOKIE);
        let row = consume_state(&call.db, &state, browser.as_deref(), call.now).await?;
        let code = call.query("code", Locale::En)?;
        finish_connect(&call.db, &call.env, &row, &code, call.now).await?;
        Ok::<_, ApiError>(row.merchant_id)
    }
    .await;
    let query = match outcome {
        Ok(merchant_id) => format!("pongo=connected&merchant_id={}", url_encode(&merchant_id)),
        Err(error) => {
            worker::console_warn!("Pongo connect refused: {}", error.code.as_str());
            format!("pongo_error={}", error.code.as_str())
        }
    };
    back_to_admin(&query).map_err(|e| internal("redirect", e))
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn status_of(db: &Db, env: &Env, merchant_id: &str, now: i64) -> ApiResult<PongoStatus> {
    let app = PongoApp::from_env(env)?;
    let connection = connection::load(db, &app, merchant_id).await?;
    let (queued, failed) = crate::store::pongo_outbox::counts(db, merchant_id).await?;
    Ok(PongoStatus {
        merchant_id: merchant_id.to_string(),
        connection: match &connection {
            None => ConnectionState::NotConnected,
            Some(c) if c.usable(now) => ConnectionState::Connected,
            Some(_) => ConnectionState::Expired,
        },
        account_name: connection.as_ref().map(|c| c.account_name.clone()),
        partner_parameters: connection.as_ref().map(|c| c.partner_parameters),
        stores: crate::store::pongo_connections::stores(db, merchant_id).await?,
        mappings: crate::store::pongo_connections::mappings(db, merchant_id).await?,
        queued,
        failed,
        attention: crate::pongo::outbox::needing_attention(db, merchant_id).await?,
    })
}

/// `GET /v1/admin/pongo/status`: the signed-in merchant's connection, queue, stores and mappings.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/admin/pongo/status", tag = "admin", security(("console" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoStatus), (status = "default", description = "Error (unauthorized)", body = loyalty_shared::ErrorBody))))]
pub async fn status(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let merchant_id = admin.merchant_id.clone();
    let db = &call.db;
    merchant::load(db, &call.env, &merchant_id, Locale::En).await?;
    reply(
        &status_of(db, &call.env, &merchant_id, call.now).await?,
        200,
    )
}

/// `POST /v1/admin/pongo/sync`: reads the stores from Pongo now.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/admin/pongo/sync", tag = "admin", security(("console" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoStatus), (status = "default", description = "Error (pongo_not_connected, upstream_unavailable)", body = loyalty_shared::ErrorBody))))]
pub async fn sync(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let merchant_id = admin.merchant_id.clone();
    let db = &call.db;
    let app = PongoApp::from_env(&call.env)?;
    let now = call.now;
    let connection = connection::require(db, &app, &merchant_id, now, Locale::En).await?;
    connection::sync_stores(db, &connection, &app, now).await?;
    reply(
        &status_of(db, &call.env, &merchant_id, call.now).await?,
        200,
    )
}

/// `PUT /v1/admin/pongo/mappings`: sends a location's orders to one of the merchant's
/// synced stores.
#[cfg_attr(feature = "openapi", utoipa::path(put, path = "/v1/admin/pongo/mappings", tag = "admin", request_body = loyalty_shared::api::StoreMapping, security(("console" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoStatus), (status = "default", description = "Error (invalid_request: not a synced store)", body = loyalty_shared::ErrorBody))))]
pub async fn map_store(mut call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let mapping: StoreMapping = call.json(Locale::En).await?;
    // The session's merchant, whatever the body names.
    let mapping = StoreMapping {
        merchant_id: admin.merchant_id.clone(),
        ..mapping
    };
    let db = &call.db;
    merchant::load(db, &call.env, &mapping.merchant_id, Locale::En).await?;
    let location = mapping.location_id.trim();
    if location.is_empty() || location.len() > 200 {
        return Err(ApiError::new(ErrorCode::InvalidRequest, Locale::En).with_field("location_id"));
    }
    let known = crate::store::pongo_connections::stores(db, &mapping.merchant_id)
        .await?
        .iter()
        .any(|s| s.slug == mapping.store_slug);
    if !known {
        return Err(ApiError::new(ErrorCode::InvalidRequest, Locale::En)
            .with_field("store_slug")
            .with_message(
                "This is not one of the merchant's Pongo stores; sync the stores first.",
            ));
    }
    let mapping = StoreMapping {
        location_id: location.to_string(),
        ..mapping
    };
    crate::store::pongo_connections::save_mapping(db, &mapping, &admin.email, call.now).await?;
    reply(
        &status_of(db, &call.env, &mapping.merchant_id, call.now).await?,
        200,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_expiry_of_a_jwt_shaped_token() {
        // {"exp":1800000000}
        assert_eq!(
            jwt_exp("e30.eyJleHAiOjE4MDAwMDAwMDB9.sig"),
            Some(1_800_000_000)
        );
        assert_eq!(jwt_exp("opaque-token"), None);
        assert_eq!(jwt_exp("a.!!!.c"), None);
    }
}
