//! The merchant's Pongo settings from the admin page: connect (OAuth2), the connection's
//! status, store sync and the mapping of storefronts and terminals to stores.
//!
//! Connect: the admin page asks for a connect link (admin token); the edge answers with
//! Pongo's form URL carrying a random `state`, and sets a cookie that binds that state to
//! this browser. Pongo sends the browser back to the callback, which accepts the state
//! once, before it expires, only with the same cookie; then it exchanges the code, seals
//! the token, reads the account and its earn rule, subscribes the webhooks and syncs stores.

use super::admin::authorize;
use crate::http::{internal, json_response, now, read_json, respond, ApiResult};
use crate::merchant;
use crate::pongo::client::{authorize_url, exchange_code, PongoClient};
use crate::pongo::connection::{self, NewConnection, PongoApp, PONGO_TIMEOUT};
use crate::routes::DB_BINDING;
use crate::secure::{random_hex, sha256_hex};
use crate::store::{changes, int, statement};
use loyalty_shared::api::{
    ConnectionState, PongoConnectRequest, PongoConnectStart, PongoStatus, StoreMapping,
};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use worker::{D1Database, Env, Headers, Request, Response, Result, RouteContext};

/// How long a connect link stays usable.
const STATE_TTL_SECONDS: i64 = 600;

/// The cookie binding a connect `state` to the admin's browser.
const BROWSER_COOKIE: &str = "lc_pongo_connect";

const CALLBACK_PATH: &str = "/v1/admin/pongo/callback";

fn origin_of(req: &Request) -> ApiResult<String> {
    let url = req.url().map_err(|e| internal("request url", e))?;
    Ok(url.origin().ascii_serialization())
}

/// `POST /v1/admin/pongo/connect`: a single-use connect link for one merchant.
#[utoipa::path(post, path = "/v1/admin/pongo/connect", tag = "admin", request_body = loyalty_shared::api::PongoConnectRequest, security(("admin" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoConnectStart), (status = "default", description = "Error (unauthorized, merchant_not_found)", body = loyalty_shared::ErrorBody)))]
pub async fn connect(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let outcome = async {
        authorize(&req, &ctx.env)?;
        let body: PongoConnectRequest = read_json(&mut req, Locale::En).await?;
        let db = ctx.env.d1(DB_BINDING).map_err(|e| internal("d1 binding", e))?;
        let merchant = merchant::load(&db, &ctx.env, &body.merchant_id, Locale::En).await?;
        let app = PongoApp::from_env(&ctx.env)?;
        let now = now(&ctx.env).await;
        let origin = origin_of(&req)?;
        let redirect_uri = format!("{origin}{CALLBACK_PATH}");
        let state = random_hex(32).map_err(|e| internal("random", e))?;
        let browser = random_hex(32).map_err(|e| internal("random", e))?;
        statement(
            &db,
            "INSERT INTO pongo_oauth_states (state_hash, merchant_id, browser_hash, redirect_uri, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &[sha256_hex(state.as_bytes()).into(), merchant.id.as_str().into(), sha256_hex(browser.as_bytes()).into(), redirect_uri.as_str().into(), int(now), int(now + STATE_TTL_SECONDS)],
        )?
        .run()
        .await
        .map_err(|e| internal("oauth state", e))?;
        let start = PongoConnectStart {
            authorize_url: authorize_url(&app.base_url, &app.client_id, &redirect_uri, &state),
            expires_in_seconds: STATE_TTL_SECONDS as u32,
        };
        let mut response = json_response(&start, 200).map_err(|e| internal("response", e))?;
        let secure = if origin.starts_with("https://") { "; Secure" } else { "" };
        response
            .headers_mut()
            .set("Set-Cookie", &format!("{BROWSER_COOKIE}={browser}; Path={CALLBACK_PATH}; HttpOnly; SameSite=Lax; Max-Age={STATE_TTL_SECONDS}{secure}"))
            .map_err(|e| internal("cookie", e))?;
        Ok(response)
    }
    .await;
    respond(outcome)
}

fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("Cookie").ok().flatten()?;
    header.split(';').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
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

#[derive(Deserialize)]
struct StateRow {
    merchant_id: String,
    browser_hash: String,
    redirect_uri: String,
}

/// Accepts a `state` once: known, not expired, unused, from the browser that asked.
async fn consume_state(
    db: &D1Database,
    state: &str,
    browser: Option<&str>,
    now: i64,
) -> ApiResult<StateRow> {
    let refused = || ApiError::new(ErrorCode::OauthStateInvalid, Locale::En);
    let state_hash = sha256_hex(state.as_bytes());
    let row: Option<StateRow> = statement(db, "SELECT merchant_id, browser_hash, redirect_uri FROM pongo_oauth_states WHERE state_hash = ?1", &[state_hash.as_str().into()])?
        .first(None)
        .await
        .map_err(|e| internal("oauth state", e))?;
    let row = row.ok_or_else(refused)?;
    let browser_hash = sha256_hex(browser.unwrap_or_default().as_bytes());
    if !bool::from(browser_hash.as_bytes().ct_eq(row.browser_hash.as_bytes())) {
        return Err(refused());
    }
    let used = statement(
        db,
        "UPDATE pongo_oauth_states SET used_at = ?2 WHERE state_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        &[state_hash.into(), int(now)],
    )?
    .run()
    .await
    .map_err(|e| internal("oauth state", e))?;
    if changes(&used) != 1 {
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

async fn finish_connect(
    db: &D1Database,
    env: &Env,
    state: &StateRow,
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
    let client = PongoClient::new(&app.base_url, &token.access_token, PONGO_TIMEOUT);
    let account = client
        .me()
        .await
        .map_err(|f| ApiError::new(f.code(), Locale::En))?;
    let origin = state.redirect_uri.trim_end_matches(CALLBACK_PATH);
    // One subscription per merchant: a reconnect keeps the one it has (the sealed secret stays).
    let subscribed = connection::load(db, &app, &state.merchant_id)
        .await
        .ok()
        .flatten()
        .is_some_and(|c| c.webhook_secret.is_some());
    let webhook = if subscribed {
        None
    } else {
        match client
            .subscribe_webhook(&format!("{origin}/v1/pongo/webhooks/{}", state.merchant_id))
            .await
        {
            Ok(subscription) => Some(subscription.secret),
            Err(e) => {
                worker::console_warn!(
                    "merchant {}: webhook subscription failed: {e:?}",
                    state.merchant_id
                );
                None
            }
        }
    };
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
    worker::console_log!("merchant {}: Pongo connected", state.merchant_id);
    Ok(())
}

/// `GET /v1/admin/pongo/callback?code=&state=`: where Pongo sends the admin's browser back.
#[utoipa::path(get, path = "/v1/admin/pongo/callback", tag = "admin", params(("code" = String, Query), ("state" = String, Query)),
    responses((status = 303, description = "Back to /admin/ with `pongo=connected` or `pongo_error=<code>`")))]
pub async fn callback(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let url = req.url()?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.to_string())
    };
    let outcome: ApiResult<String> = async {
        let db = ctx
            .env
            .d1(DB_BINDING)
            .map_err(|e| internal("d1 binding", e))?;
        let now = now(&ctx.env).await;
        let state = param("state")
            .ok_or_else(|| ApiError::new(ErrorCode::OauthStateInvalid, Locale::En))?;
        let row = consume_state(&db, &state, cookie(&req, BROWSER_COOKIE).as_deref(), now).await?;
        let code = param("code").ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidRequest, Locale::En).with_field("code")
        })?;
        finish_connect(&db, &ctx.env, &row, &code, now).await?;
        Ok(row.merchant_id)
    }
    .await;
    match outcome {
        Ok(merchant_id) => back_to_admin(&format!(
            "pongo=connected&merchant_id={}",
            url_encode(&merchant_id)
        )),
        Err(error) => {
            worker::console_warn!("Pongo connect refused: {}", error.code.as_str());
            back_to_admin(&format!("pongo_error={}", error.code.as_str()))
        }
    }
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

async fn status_of(db: &D1Database, env: &Env, merchant_id: &str) -> ApiResult<PongoStatus> {
    let app = PongoApp::from_env(env)?;
    let now = now(env).await;
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

fn merchant_param(req: &Request) -> ApiResult<String> {
    let url = req.url().map_err(|e| internal("request url", e))?;
    url.query_pairs()
        .find(|(k, _)| k == "merchant_id")
        .map(|(_, v)| v.to_string())
        .ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidRequest, Locale::En).with_field("merchant_id")
        })
}

/// `GET /v1/admin/pongo/status?merchant_id=`.
#[utoipa::path(get, path = "/v1/admin/pongo/status", tag = "admin", params(("merchant_id" = String, Query)), security(("admin" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoStatus), (status = "default", description = "Error (unauthorized)", body = loyalty_shared::ErrorBody)))]
pub async fn status(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let outcome = async {
        authorize(&req, &ctx.env)?;
        let merchant_id = merchant_param(&req)?;
        let db = ctx
            .env
            .d1(DB_BINDING)
            .map_err(|e| internal("d1 binding", e))?;
        merchant::load(&db, &ctx.env, &merchant_id, Locale::En).await?;
        json_response(&status_of(&db, &ctx.env, &merchant_id).await?, 200)
            .map_err(|e| internal("response", e))
    }
    .await;
    respond(outcome)
}

/// `POST /v1/admin/pongo/sync?merchant_id=`: reads the stores from Pongo now.
#[utoipa::path(post, path = "/v1/admin/pongo/sync", tag = "admin", params(("merchant_id" = String, Query)), security(("admin" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoStatus), (status = "default", description = "Error (pongo_not_connected, upstream_unavailable)", body = loyalty_shared::ErrorBody)))]
pub async fn sync(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let outcome = async {
        authorize(&req, &ctx.env)?;
        let merchant_id = merchant_param(&req)?;
        let db = ctx
            .env
            .d1(DB_BINDING)
            .map_err(|e| internal("d1 binding", e))?;
        let app = PongoApp::from_env(&ctx.env)?;
        let now = now(&ctx.env).await;
        let connection = connection::require(&db, &app, &merchant_id, now, Locale::En).await?;
        connection::sync_stores(&db, &connection, &app, now).await?;
        json_response(&status_of(&db, &ctx.env, &merchant_id).await?, 200)
            .map_err(|e| internal("response", e))
    }
    .await;
    respond(outcome)
}

/// `PUT /v1/admin/pongo/mappings`: sends a location's orders to one of the merchant's
/// synced stores.
#[utoipa::path(put, path = "/v1/admin/pongo/mappings", tag = "admin", request_body = loyalty_shared::api::StoreMapping, security(("admin" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoStatus), (status = "default", description = "Error (invalid_request: not a synced store)", body = loyalty_shared::ErrorBody)))]
pub async fn map_store(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let outcome = async {
        authorize(&req, &ctx.env)?;
        let mapping: StoreMapping = read_json(&mut req, Locale::En).await?;
        let db = ctx
            .env
            .d1(DB_BINDING)
            .map_err(|e| internal("d1 binding", e))?;
        merchant::load(&db, &ctx.env, &mapping.merchant_id, Locale::En).await?;
        let location = mapping.location_id.trim();
        if location.is_empty() || location.len() > 200 {
            return Err(
                ApiError::new(ErrorCode::InvalidRequest, Locale::En).with_field("location_id")
            );
        }
        let known = crate::store::pongo_connections::stores(&db, &mapping.merchant_id)
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
        crate::store::pongo_connections::save_mapping(&db, &mapping, now(&ctx.env).await).await?;
        json_response(&status_of(&db, &ctx.env, &mapping.merchant_id).await?, 200)
            .map_err(|e| internal("response", e))
    }
    .await;
    respond(outcome)
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
