//! Pongo loyalty API simulator, following `providers/pongo.md`: OAuth form, code exchange
//! and scopes; stores; customers keyed by phone with both opt-ins; orders (202 on a repeated
//! `order_id`, points from `partnerParameters`); checkins with the delay rule; rewards;
//! signed webhooks; Laravel-style 422 errors. The pure model is [`model`]; HTTP is here.
//!
//! [I] field names and paths (Pongo does not publish them) are the constants in [`model`].

pub mod model;

use crate::faults::{dropped_connection, ErrorShape};
use crate::Sim;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use loyalty_shared::signature::{sign, PayloadLayout};
pub use model::Pongo;
use model::{Invalid, Scope};
use rand::Rng;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<Sim> {
    Router::new()
        .route("/v1/oauth/form", get(oauth_form))
        .route("/v1/oauth/approve", post(oauth_approve))
        .route("/v1/oauth/token", post(oauth_token))
        .route("/v1/oauth/me", get(me))
        .route("/v1/stores", get(stores))
        .route("/v1/customers", post(create_customer))
        .route(
            "/v1/customers/{key}",
            get(get_customer).head(get_customer).put(update_customer),
        )
        .route(
            "/v1/customers/{key}/rewards",
            get(customer_rewards).post(buy_reward),
        )
        .route("/v1/customer-rewards/{id}", patch(use_reward))
        .route(
            "/v1/customer-rewards/{id}/lock",
            post(lock_reward).delete(unlock_reward),
        )
        .route("/v1/orders", post(create_order))
        .route("/v1/orders/{id}", get(get_order).patch(update_order))
        .route("/v1/checkins", post(create_checkin))
        .route("/v1/rewards", get(rewards))
        .route("/v1/webhooks", post(subscribe))
}

pub fn console() -> Router<Sim> {
    Router::new()
        .route("/books", get(console_books))
        .route("/partner-parameters", put(console_partner_parameters))
        .route("/revoke-tokens", post(console_revoke))
        .route("/customers", post(console_customer))
        .route("/rewards", post(console_reward))
        .route("/customers/{key}/rewards", post(console_buy_reward))
        .route("/config", put(console_config))
}

fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"message": "Unauthenticated."})),
    )
        .into_response()
}

/// Laravel's validation answer.
fn unprocessable(invalid: Invalid) -> Response {
    let errors: serde_json::Map<String, Value> = invalid
        .errors
        .iter()
        .map(|(field, message)| (field.clone(), json!([message])))
        .collect();
    let first = invalid
        .errors
        .first()
        .map(|(_, m)| m.clone())
        .unwrap_or_else(|| "The given data was invalid.".into());
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({"message": first, "errors": errors})),
    )
        .into_response()
}

fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"message": format!("{what} not found.")})),
    )
        .into_response()
}

/// Faults, then the bearer token and its scope. `Ok(drop_after_commit)`.
async fn guard(
    sim: &Sim,
    headers: &HeaderMap,
    operation: &str,
    scope: Scope,
) -> Result<bool, Response> {
    let drop_after = match sim.faults().before(operation, ErrorShape::Pongo).await {
        (Some(response), _) => return Err(response),
        (None, drop_after) => drop_after,
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let now = sim.now();
    match sim.pongo().token_scopes(token, now) {
        None => Err(unauthenticated()),
        Some(scopes) if !scopes.contains(&scope) => Err((
            StatusCode::FORBIDDEN,
            Json(json!({"message": "This action is unauthorized."})),
        )
            .into_response()),
        Some(_) => Ok(drop_after),
    }
}

/// A JSON object body, or the 422 a Laravel backend gives for an unreadable one.
fn object(bytes: &[u8]) -> Result<Value, Response> {
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| unprocessable(Invalid::field("body", "The body must be a JSON object.")))
}

fn finish(drop_after: bool, response: Response) -> Response {
    if drop_after && response.status().is_success() {
        dropped_connection()
    } else {
        response
    }
}

fn random_id(sim: &Sim) -> String {
    let bytes: [u8; 12] = sim.rng().gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------- OAuth

#[derive(Deserialize)]
struct FormQuery {
    client_id: Option<String>,
    state: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn oauth_form(State(sim): State<Sim>, Query(q): Query<FormQuery>) -> Response {
    let pongo = sim.pongo();
    let (Some(client_id), Some(state), Some(redirect_uri)) = (q.client_id, q.state, q.redirect_uri)
    else {
        return (
            StatusCode::BAD_REQUEST,
            Html(
                "<h1>Invalid request</h1><p>client_id, state and redirect_uri are required.</p>"
                    .to_string(),
            ),
        )
            .into_response();
    };
    if client_id != pongo.config.client_id || !pongo.redirect_allowed(&redirect_uri) {
        // Never redirect to an address that is not whitelisted.
        return (
            StatusCode::BAD_REQUEST,
            Html("<h1>Invalid client or redirect_uri</h1>".to_string()),
        )
            .into_response();
    }
    let scope = q.scope.unwrap_or_default();
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Pongo: connect</title></head><body>\
         <h1>Connect {merchant} to Loyalty Checkout</h1><p>Requested access: <code>{scope_text}</code></p>\
         <form method=\"post\" action=\"approve\">\
         <input type=\"hidden\" name=\"client_id\" value=\"{client}\"><input type=\"hidden\" name=\"state\" value=\"{state}\">\
         <input type=\"hidden\" name=\"redirect_uri\" value=\"{redirect}\"><input type=\"hidden\" name=\"scope\" value=\"{scope_value}\">\
         <button type=\"submit\" id=\"approve\">Approve</button></form></body></html>",
        merchant = escape(&pongo.config.merchant_name),
        scope_text = escape(&scope),
        client = escape(&client_id),
        state = escape(&state),
        redirect = escape(&redirect_uri),
        scope_value = escape(&scope),
    );
    Html(page).into_response()
}

#[derive(Deserialize)]
struct Approve {
    client_id: String,
    state: String,
    redirect_uri: String,
    #[serde(default)]
    scope: String,
}

async fn oauth_approve(
    State(sim): State<Sim>,
    axum::extract::Form(a): axum::extract::Form<Approve>,
) -> Response {
    let code = random_id(&sim);
    let now = sim.now();
    let mut pongo = sim.pongo();
    if a.client_id != pongo.config.client_id || !pongo.redirect_allowed(&a.redirect_uri) {
        return (
            StatusCode::BAD_REQUEST,
            Html("<h1>Invalid client or redirect_uri</h1>".to_string()),
        )
            .into_response();
    }
    pongo.issue_code(
        code.clone(),
        &a.redirect_uri,
        Scope::parse_list(&a.scope),
        now,
    );
    let separator = if a.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    let location = format!(
        "{}{separator}code={code}&state={}",
        a.redirect_uri,
        urlencode(&a.state)
    );
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize)]
struct TokenRequest {
    code: Option<String>,
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// Accepts the exchange as a form or as JSON.
async fn oauth_token(
    State(sim): State<Sim>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Response {
    if let (Some(response), _) = sim
        .faults()
        .before("pongo.oauth_token", ErrorShape::Pongo)
        .await
    {
        return response;
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let request: Option<TokenRequest> = if json {
        serde_json::from_slice(&bytes).ok()
    } else {
        serde_urlencoded_parse(&bytes)
    };
    let Some(request) = request else {
        return unprocessable(Invalid::field("code", "The code field is required."));
    };
    match request.grant_type.as_deref() {
        Some("client_credentials") | Some("authorization_code") => {}
        _ => {
            return unprocessable(Invalid::field(
                "grant_type",
                "The selected grant type is invalid.",
            ))
        }
    }
    let now = sim.now();
    let token = random_id(&sim);
    let mut pongo = sim.pongo();
    if request.client_id.as_deref() != Some(pongo.config.client_id.as_str())
        || request.client_secret.as_deref() != Some(pongo.config.client_secret.as_str())
    {
        return unauthenticated();
    }
    let Some(code) = request.code else {
        return unprocessable(Invalid::field("code", "The code field is required."));
    };
    match pongo.exchange(&code, now) {
        Err(invalid) => unprocessable(invalid),
        Ok(scopes) => {
            let lifetime = pongo.config.token_lifetime_seconds;
            let jwt = jwt_shaped(&token, now + lifetime, &scopes);
            pongo.issue_token(jwt.clone(), scopes, now + lifetime);
            Json(json!({"access_token": jwt, "token_type": "Bearer", "expires_in": lifetime}))
                .into_response()
        }
    }
}

fn serde_urlencoded_parse(bytes: &[u8]) -> Option<TokenRequest> {
    serde_urlencoded::from_bytes(bytes).ok()
}

/// A token shaped like a JWT (`header.payload.signature`, base64url) carrying `exp`, so a
/// client can read the expiry as it would from Pongo's.
fn jwt_shaped(id: &str, exp: i64, scopes: &[Scope]) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let names: Vec<&str> = scopes.iter().map(|s| s.name()).collect();
    let payload =
        URL_SAFE_NO_PAD.encode(json!({"jti": id, "exp": exp, "scopes": names}).to_string());
    format!("{header}.{payload}.{id}")
}

async fn me(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    let drop_after = match guard(&sim, &headers, "pongo.me", Scope::CustomerRead).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let pongo = sim.pongo();
    finish(
        drop_after,
        Json(json!({"data": {"id": "merchant-1", "name": pongo.config.merchant_name, "partnerParameters": pongo.config.partner_parameters}}))
            .into_response(),
    )
}

async fn stores(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    let drop_after = match guard(&sim, &headers, "pongo.stores", Scope::CustomerRead).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    finish(
        drop_after,
        Json(json!({"data": sim.pongo().stores})).into_response(),
    )
}

// ---------------------------------------------------------------- customers

async fn get_customer(
    State(sim): State<Sim>,
    method: Method,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Response {
    if let Err(r) = guard(&sim, &headers, "pongo.customers", Scope::CustomerRead).await {
        return r;
    }
    let pongo = sim.pongo();
    match pongo.customer_by_key(&key) {
        None if method == Method::HEAD => StatusCode::NOT_FOUND.into_response(),
        None => not_found("Customer"),
        Some(_) if method == Method::HEAD => StatusCode::OK.into_response(),
        Some(c) => Json(json!({"data": c})).into_response(),
    }
}

async fn create_customer(
    State(sim): State<Sim>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Response {
    let drop_after = match guard(&sim, &headers, "pongo.customers", Scope::CustomerCreate).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let body = match object(&bytes) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let id = random_id(&sim);
    let now = sim.now();
    let created = sim.pongo().create_customer(&body, id, now);
    match created {
        Err(invalid) => unprocessable(invalid),
        Ok(customer) => {
            deliver(&sim, "customer.created", json!(customer));
            finish(
                drop_after,
                (StatusCode::CREATED, Json(json!({"data": customer}))).into_response(),
            )
        }
    }
}

async fn update_customer(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(key): Path<String>,
    bytes: axum::body::Bytes,
) -> Response {
    let drop_after = match guard(&sim, &headers, "pongo.customers", Scope::CustomerUpdate).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let body = match object(&bytes) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let updated = sim.pongo().update_customer(&key, &body);
    match updated {
        None => not_found("Customer"),
        Some(Err(invalid)) => unprocessable(invalid),
        Some(Ok(customer)) => {
            deliver(&sim, "customer.updated", json!(customer));
            finish(drop_after, Json(json!({"data": customer})).into_response())
        }
    }
}

// ---------------------------------------------------------------- orders and checkins

async fn create_order(
    State(sim): State<Sim>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Response {
    let drop_after = match guard(&sim, &headers, "pongo.orders.create", Scope::OrderCreate).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let body = match object(&bytes) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let id = random_id(&sim);
    let now = sim.now();
    let outcome = sim.pongo().create_order(&body, id, now);
    match outcome {
        Err(invalid) => unprocessable(invalid),
        Ok((order, false)) => (
            StatusCode::ACCEPTED,
            Json(json!({"message": "This order has already been processed.", "data": {"id": order.id}})),
        )
            .into_response(),
        Ok((order, true)) => finish(drop_after, (StatusCode::CREATED, Json(json!({"data": order}))).into_response()),
    }
}

/// `GET /v1/orders/{id}` [path I]: an order by Pongo's id or the partner's `order_id`,
/// with the points it earned.
async fn get_order(State(sim): State<Sim>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(r) = guard(&sim, &headers, "pongo.orders.read", Scope::OrderRead).await {
        return r;
    }
    let found = sim
        .pongo()
        .orders
        .iter()
        .find(|o| o.id == id || o.order_id == id)
        .cloned();
    match found {
        None => not_found("Order"),
        Some(order) => Json(json!({"data": order})).into_response(),
    }
}

async fn update_order(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: axum::body::Bytes,
) -> Response {
    let drop_after = match guard(&sim, &headers, "pongo.orders.update", Scope::OrderUpdate).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let body = match object(&bytes) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let updated = sim.pongo().update_order_status(&id, &body);
    match updated {
        None => not_found("Order"),
        Some(Err(invalid)) => unprocessable(invalid),
        Some(Ok(order)) => finish(drop_after, Json(json!({"data": order})).into_response()),
    }
}

async fn create_checkin(
    State(sim): State<Sim>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Response {
    let drop_after = match guard(&sim, &headers, "pongo.checkins", Scope::CheckinCreate).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let body = match object(&bytes) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let (id, customer_id) = (random_id(&sim), random_id(&sim));
    let now = sim.now();
    let outcome = sim.pongo().create_checkin(&body, id, customer_id, now);
    match outcome {
        Err(invalid) => unprocessable(invalid),
        Ok((checkin, created_customer)) => {
            if let Some(customer) = created_customer {
                deliver(&sim, "customer.created", json!(customer));
            }
            finish(
                drop_after,
                (StatusCode::CREATED, Json(json!({"data": checkin}))).into_response(),
            )
        }
    }
}

// ---------------------------------------------------------------- rewards

#[derive(Deserialize)]
struct RewardFilter {
    min_points: Option<u64>,
    max_points: Option<u64>,
    store_slug: Option<String>,
    customer: Option<String>,
}

async fn rewards(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(f): Query<RewardFilter>,
) -> Response {
    if let Err(r) = guard(&sim, &headers, "pongo.rewards", Scope::RewardRead).await {
        return r;
    }
    let pongo = sim.pongo();
    let list = pongo.rewards_filtered(
        f.min_points,
        f.max_points,
        f.store_slug.as_deref(),
        f.customer.as_deref(),
    );
    Json(json!({"data": list})).into_response()
}

async fn customer_rewards(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Response {
    if let Err(r) = guard(&sim, &headers, "pongo.rewards", Scope::RewardRead).await {
        return r;
    }
    let pongo = sim.pongo();
    match pongo.customer_by_key(&key) {
        None => not_found("Customer"),
        Some(c) => {
            let won: Vec<_> = pongo
                .customer_rewards
                .iter()
                .filter(|r| r.customer_id == c.id)
                .collect();
            Json(json!({"data": won})).into_response()
        }
    }
}

async fn buy_reward(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(key): Path<String>,
    bytes: axum::body::Bytes,
) -> Response {
    let drop_after = match guard(&sim, &headers, "pongo.rewards", Scope::RewardCreate).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let body = match object(&bytes) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let id = random_id(&sim);
    let bought = sim.pongo().buy_reward(&key, &body, id);
    match bought {
        None => not_found("Customer"),
        Some(Err(invalid)) => unprocessable(invalid),
        Some(Ok(won)) => finish(
            drop_after,
            (StatusCode::CREATED, Json(json!({"data": won}))).into_response(),
        ),
    }
}

async fn lock_reward(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    set_lock(sim, headers, id, true).await
}

async fn unlock_reward(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    set_lock(sim, headers, id, false).await
}

async fn set_lock(sim: Sim, headers: HeaderMap, id: String, locked: bool) -> Response {
    if let Err(r) = guard(&sim, &headers, "pongo.rewards", Scope::RewardUpdate).await {
        return r;
    }
    let changed = sim.pongo().set_reward_lock(&id, locked);
    match changed {
        None => not_found("Reward"),
        Some(Err(invalid)) => unprocessable(invalid),
        Some(Ok(won)) => Json(json!({"data": won})).into_response(),
    }
}

async fn use_reward(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let drop_after = match guard(&sim, &headers, "pongo.rewards", Scope::RewardUpdate).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let used = sim.pongo().use_reward(&id);
    match used {
        None => not_found("Reward"),
        Some(Err(invalid)) => unprocessable(invalid),
        Some(Ok(won)) => finish(drop_after, Json(json!({"data": won})).into_response()),
    }
}

// ---------------------------------------------------------------- webhooks

async fn subscribe(
    State(sim): State<Sim>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Response {
    if let Err(r) = guard(&sim, &headers, "pongo.webhooks", Scope::CustomerRead).await {
        return r;
    }
    let body = match object(&bytes) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let (id, secret) = (random_id(&sim), format!("whsec_{}", random_id(&sim)));
    let subscribed = sim.pongo().subscribe(&body, id, secret);
    match subscribed {
        Err(invalid) => unprocessable(invalid),
        Ok(hook) => (StatusCode::CREATED, Json(json!({"data": hook}))).into_response(),
    }
}

/// Posts `event` to every subscriber, signed `Pongo-Signature: t=..,v1=..` over body + t.
fn deliver(sim: &Sim, event: &str, data: Value) {
    let hooks: Vec<model::Webhook> = sim
        .pongo()
        .webhooks
        .iter()
        .filter(|w| w.events.iter().any(|e| e == event))
        .cloned()
        .collect();
    for hook in hooks {
        let body = json!({"event": event, "data": data}).to_string();
        let t = sim.now();
        let signature = sign(
            hook.secret.as_bytes(),
            t,
            body.as_bytes(),
            PayloadLayout::BodyThenTimestamp,
        );
        let (sim, event) = (sim.clone(), event.to_string());
        tokio::spawn(async move {
            let status = reqwest::Client::new()
                .post(&hook.url)
                .header("Content-Type", "application/json")
                .header("Pongo-Signature", signature)
                .body(body)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .ok();
            sim.pongo().deliveries.push(model::Delivery {
                event,
                url: hook.url,
                status,
            });
        });
    }
}

// ---------------------------------------------------------------- console

async fn console_books(State(sim): State<Sim>) -> Json<Value> {
    let p = sim.pongo();
    Json(json!({
        "customers": p.customers, "orders": p.orders, "checkins": p.checkins, "rewards": p.rewards,
        "customer_rewards": p.customer_rewards, "deliveries": p.deliveries, "points_log": p.points_log,
        "webhooks": p.webhooks,
        "config": p.config,
    }))
}

async fn console_partner_parameters(
    State(sim): State<Sim>,
    Json(parameters): Json<loyalty_shared::PartnerParameters>,
) -> Json<Value> {
    sim.pongo().config.partner_parameters = parameters;
    Json(json!({"partnerParameters": parameters}))
}

async fn console_revoke(State(sim): State<Sim>) -> StatusCode {
    sim.pongo().revoke_tokens();
    StatusCode::NO_CONTENT
}

async fn console_customer(State(sim): State<Sim>, Json(body): Json<Value>) -> Response {
    let id = random_id(&sim);
    let now = sim.now();
    let created = sim.pongo().create_customer(&body, id, now);
    match created {
        Ok(c) => (StatusCode::CREATED, Json(json!({"data": c}))).into_response(),
        Err(invalid) => unprocessable(invalid),
    }
}

async fn console_reward(State(sim): State<Sim>, Json(reward): Json<model::Reward>) -> Response {
    sim.pongo().rewards.push(reward.clone());
    (StatusCode::CREATED, Json(json!({"data": reward}))).into_response()
}

/// A customer buys a reward with their points, as at a till (no token needed here).
async fn console_buy_reward(
    State(sim): State<Sim>,
    Path(key): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let id = random_id(&sim);
    let bought = sim.pongo().buy_reward(&key, &body, id);
    match bought {
        None => not_found("Customer"),
        Some(Err(invalid)) => unprocessable(invalid),
        Some(Ok(won)) => (StatusCode::CREATED, Json(json!({"data": won}))).into_response(),
    }
}

async fn console_config(State(sim): State<Sim>, Json(config): Json<model::Config>) -> Json<Value> {
    sim.pongo().config = config.clone();
    Json(json!({"config": config}))
}
