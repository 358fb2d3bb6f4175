//! Pongo's API over HTTP, as `docs/providers/pongo.md` shows it: the OAuth form, code
//! exchange and scopes; stores; customers; orders (202 on a repeated `order_id`); checkins;
//! rewards; signed webhooks; Laravel-style 422s. The rules are in [`super::model`].

use super::model::{self, Invalid, Scope};
use crate::console_api::Data;
use crate::faults::{AfterCommit, ErrorShape};
use crate::{Reply, Sim};
use axum::body::Bytes;
use axum::extract::{Form, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use loyalty_shared::signature::{sign, PayloadLayout};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::convert::Infallible;

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

fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"message": "Unauthenticated."})),
    )
        .into_response()
}

/// Laravel's validation answer.
impl From<Invalid> for Response {
    fn from(invalid: Invalid) -> Response {
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
}

pub(super) fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"message": format!("{what} not found.")})),
    )
        .into_response()
}

/// A change of something looked up by key: `None` is a 404 naming `what`, a refusal a 422.
pub(super) fn found<T>(what: &str, outcome: Option<Result<T, Invalid>>) -> Result<T, Response> {
    match outcome {
        None => Err(not_found(what)),
        Some(result) => result.map_err(Response::from),
    }
}

/// Pongo's envelope: `{"data": ...}` with `status`.
pub(super) fn data<T: Serialize>(status: StatusCode, data: T) -> Response {
    (status, Json(Data { data })).into_response()
}

/// Each call of the API, for its fault switch (`pongo.<name>` in the console) and the scope
/// its token needs.
#[derive(Debug, Clone, Copy)]
enum Operation {
    Me,
    Stores,
    ReadCustomer,
    CreateCustomer,
    UpdateCustomer,
    CreateOrder,
    ReadOrder,
    UpdateOrder,
    CreateCheckin,
    ReadRewards,
    BuyReward,
    ChangeReward,
    Subscribe,
}

impl Operation {
    /// The fault switch it answers to.
    fn fault(self) -> &'static str {
        use Operation::*;
        match self {
            Me => "pongo.me",
            Stores => "pongo.stores",
            ReadCustomer | CreateCustomer | UpdateCustomer => "pongo.customers",
            CreateOrder => "pongo.orders.create",
            ReadOrder => "pongo.orders.read",
            UpdateOrder => "pongo.orders.update",
            CreateCheckin => "pongo.checkins",
            ReadRewards | BuyReward | ChangeReward => "pongo.rewards",
            Subscribe => "pongo.webhooks",
        }
    }

    /// The scope its token needs.
    fn scope(self) -> Scope {
        use Operation::*;
        match self {
            Me | Stores | ReadCustomer | Subscribe => Scope::CustomerRead,
            CreateCustomer => Scope::CustomerCreate,
            UpdateCustomer => Scope::CustomerUpdate,
            CreateOrder => Scope::OrderCreate,
            ReadOrder => Scope::OrderRead,
            UpdateOrder => Scope::OrderUpdate,
            CreateCheckin => Scope::CheckinCreate,
            ReadRewards => Scope::RewardRead,
            BuyReward => Scope::RewardCreate,
            ChangeReward => Scope::RewardUpdate,
        }
    }
}

/// Who calls Pongo's API: the simulator and the bearer token the request carries.
struct Caller {
    sim: Sim,
    token: String,
}

impl FromRequestParts<Sim> for Caller {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, sim: &Sim) -> Result<Caller, Infallible> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        Ok(Caller {
            sim: sim.clone(),
            token: token.to_string(),
        })
    }
}

impl Caller {
    /// Faults, then the bearer token and its scope.
    async fn allowed(&self, operation: Operation) -> Result<AfterCommit, Response> {
        let sim = &self.sim;
        let after = sim
            .faults()
            .before(operation.fault(), ErrorShape::Pongo)
            .await?;
        let scope = operation.scope();
        let now = sim.now();
        match sim.pongo().token_scopes(&self.token, now) {
            None => Err(unauthenticated()),
            Some(scopes) if !scopes.contains(&scope) => Err((
                StatusCode::FORBIDDEN,
                Json(json!({"message": "This action is unauthorized."})),
            )
                .into_response()),
            Some(_) => Ok(after),
        }
    }

    /// [`Caller::allowed`], then the body: a JSON object, or the 422 a Laravel backend gives
    /// for anything else.
    async fn sending(
        &self,
        operation: Operation,
        bytes: &[u8],
    ) -> Result<(AfterCommit, Value), Response> {
        let after = self.allowed(operation).await?;
        let body = serde_json::from_slice::<Value>(bytes)
            .ok()
            .filter(Value::is_object)
            .ok_or_else(|| Invalid::field("body", "The body must be a JSON object."))?;
        Ok((after, body))
    }
}

pub(super) fn random_id(sim: &Sim) -> String {
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

fn bad_form(page: &str) -> Response {
    (StatusCode::BAD_REQUEST, Html(page.to_string())).into_response()
}

/// Never redirect to an address that is not whitelisted.
fn invalid_client() -> Response {
    bad_form("<h1>Invalid client or redirect_uri</h1>")
}

async fn oauth_form(State(sim): State<Sim>, Query(q): Query<FormQuery>) -> Reply {
    let pongo = sim.pongo();
    let (Some(client_id), Some(state), Some(redirect_uri)) = (q.client_id, q.state, q.redirect_uri)
    else {
        return Err(bad_form(
            "<h1>Invalid request</h1><p>client_id, state and redirect_uri are required.</p>",
        ));
    };
    if client_id != pongo.config.client_id || !pongo.redirect_allowed(&redirect_uri) {
        return Err(invalid_client());
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
    Ok(Html(page).into_response())
}

/// What the consent form posts to `/pongo/v1/oauth/approve` when the merchant approves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub client_id: String,
    pub state: String,
    pub redirect_uri: String,
    #[serde(default)]
    pub scope: String,
}

async fn oauth_approve(State(sim): State<Sim>, Form(a): Form<Approval>) -> Reply {
    let code = random_id(&sim);
    let now = sim.now();
    let mut pongo = sim.pongo();
    if a.client_id != pongo.config.client_id || !pongo.redirect_allowed(&a.redirect_uri) {
        return Err(invalid_client());
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
    Ok((StatusCode::FOUND, [(header::LOCATION, location)]).into_response())
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
) -> Reply {
    // The exchange is answered even after a `drop_after_commit`: only refusals are simulated.
    sim.faults()
        .before("pongo.oauth_token", ErrorShape::Pongo)
        .await?;
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let request: Option<TokenRequest> = if json {
        serde_json::from_slice(&bytes).ok()
    } else {
        serde_urlencoded::from_bytes(&bytes).ok()
    };
    let code_required = || Invalid::field("code", "The code field is required.");
    let request = request.ok_or_else(code_required)?;
    match request.grant_type.as_deref() {
        Some("client_credentials") | Some("authorization_code") => {}
        _ => {
            return Err(Invalid::field("grant_type", "The selected grant type is invalid.").into())
        }
    }
    let now = sim.now();
    let token = random_id(&sim);
    let mut pongo = sim.pongo();
    if request.client_id.as_deref() != Some(pongo.config.client_id.as_str())
        || request.client_secret.as_deref() != Some(pongo.config.client_secret.as_str())
    {
        return Err(unauthenticated());
    }
    let code = request.code.ok_or_else(code_required)?;
    let scopes = pongo.exchange(&code, now)?;
    let lifetime = pongo.config.token_lifetime_seconds;
    let jwt = jwt_shaped(&token, now + lifetime, &scopes);
    pongo.issue_token(jwt.clone(), scopes, now + lifetime);
    Ok(
        Json(json!({"access_token": jwt, "token_type": "Bearer", "expires_in": lifetime}))
            .into_response(),
    )
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

async fn me(caller: Caller) -> Reply {
    let after = caller.allowed(Operation::Me).await?;
    let pongo = caller.sim.pongo();
    let account = json!({"id": "merchant-1", "name": pongo.config.merchant_name, "partnerParameters": pongo.config.partner_parameters});
    Ok(after.answer(data(StatusCode::OK, account)))
}

async fn stores(caller: Caller) -> Reply {
    let after = caller.allowed(Operation::Stores).await?;
    let stores = caller.sim.pongo().stores.clone();
    Ok(after.answer(data(StatusCode::OK, stores)))
}

// ---------------------------------------------------------------- customers

async fn get_customer(caller: Caller, method: Method, Path(key): Path<String>) -> Reply {
    caller.allowed(Operation::ReadCustomer).await?;
    let pongo = caller.sim.pongo();
    let customer = pongo.customer_by_key(&key);
    if method == Method::HEAD {
        let status = match customer {
            Some(_) => StatusCode::OK,
            None => StatusCode::NOT_FOUND,
        };
        return Ok(status.into_response());
    }
    let customer = customer.ok_or_else(|| not_found("Customer"))?;
    Ok(data(StatusCode::OK, customer))
}

async fn create_customer(caller: Caller, bytes: Bytes) -> Reply {
    let (after, body) = caller.sending(Operation::CreateCustomer, &bytes).await?;
    let id = random_id(&caller.sim);
    let created = caller.sim.pongo().create_customer(&body, id);
    let customer = created?;
    deliver(&caller.sim, "customer.created", json!(customer));
    Ok(after.answer(data(StatusCode::CREATED, customer)))
}

async fn update_customer(caller: Caller, Path(key): Path<String>, bytes: Bytes) -> Reply {
    let (after, body) = caller.sending(Operation::UpdateCustomer, &bytes).await?;
    let updated = caller.sim.pongo().update_customer(&key, &body);
    let customer = found("Customer", updated)?;
    deliver(&caller.sim, "customer.updated", json!(customer));
    Ok(after.answer(data(StatusCode::OK, customer)))
}

// ---------------------------------------------------------------- orders and checkins

async fn create_order(caller: Caller, bytes: Bytes) -> Reply {
    let (after, body) = caller.sending(Operation::CreateOrder, &bytes).await?;
    let id = random_id(&caller.sim);
    let outcome = caller.sim.pongo().create_order(&body, id);
    Ok(match outcome? {
        (order, false) => (
            StatusCode::ACCEPTED,
            Json(json!({"message": "This order has already been processed.", "data": {"id": order.id}})),
        )
            .into_response(),
        (order, true) => after.answer(data(StatusCode::CREATED, order)),
    })
}

/// `GET /v1/orders/{id}` [path I]: an order by Pongo's id or the partner's `order_id`,
/// with the points it earned.
async fn get_order(caller: Caller, Path(id): Path<String>) -> Reply {
    caller.allowed(Operation::ReadOrder).await?;
    let pongo = caller.sim.pongo();
    let order = pongo
        .orders
        .iter()
        .find(|o| o.id == id || o.order_id == id)
        .ok_or_else(|| not_found("Order"))?;
    Ok(data(StatusCode::OK, order))
}

async fn update_order(caller: Caller, Path(id): Path<String>, bytes: Bytes) -> Reply {
    let (after, body) = caller.sending(Operation::UpdateOrder, &bytes).await?;
    let updated = caller.sim.pongo().update_order_status(&id, &body);
    Ok(after.answer(data(StatusCode::OK, found("Order", updated)?)))
}

async fn create_checkin(caller: Caller, bytes: Bytes) -> Reply {
    let (after, body) = caller.sending(Operation::CreateCheckin, &bytes).await?;
    let sim = &caller.sim;
    let (id, customer_id) = (random_id(sim), random_id(sim));
    let now = sim.now();
    let outcome = sim.pongo().create_checkin(&body, id, customer_id, now);
    let (checkin, created_customer) = outcome?;
    if let Some(customer) = created_customer {
        deliver(sim, "customer.created", json!(customer));
    }
    Ok(after.answer(data(StatusCode::CREATED, checkin)))
}

// ---------------------------------------------------------------- rewards

#[derive(Deserialize)]
struct RewardFilter {
    min_points: Option<u64>,
    max_points: Option<u64>,
    store_slug: Option<String>,
    customer: Option<String>,
}

async fn rewards(caller: Caller, Query(f): Query<RewardFilter>) -> Reply {
    caller.allowed(Operation::ReadRewards).await?;
    let list = caller.sim.pongo().rewards_filtered(
        f.min_points,
        f.max_points,
        f.store_slug.as_deref(),
        f.customer.as_deref(),
    );
    Ok(data(StatusCode::OK, list))
}

async fn customer_rewards(caller: Caller, Path(key): Path<String>) -> Reply {
    caller.allowed(Operation::ReadRewards).await?;
    let pongo = caller.sim.pongo();
    let customer = pongo
        .customer_by_key(&key)
        .ok_or_else(|| not_found("Customer"))?;
    let won: Vec<_> = pongo
        .customer_rewards
        .iter()
        .filter(|r| r.customer_id == customer.id)
        .collect();
    Ok(data(StatusCode::OK, won))
}

async fn buy_reward(caller: Caller, Path(key): Path<String>, bytes: Bytes) -> Reply {
    let (after, body) = caller.sending(Operation::BuyReward, &bytes).await?;
    let id = random_id(&caller.sim);
    let bought = caller.sim.pongo().buy_reward(&key, &body, id);
    Ok(after.answer(data(StatusCode::CREATED, found("Customer", bought)?)))
}

async fn lock_reward(caller: Caller, Path(id): Path<String>) -> Reply {
    set_lock(caller, id, true).await
}

async fn unlock_reward(caller: Caller, Path(id): Path<String>) -> Reply {
    set_lock(caller, id, false).await
}

async fn set_lock(caller: Caller, id: String, locked: bool) -> Reply {
    caller.allowed(Operation::ChangeReward).await?;
    let changed = caller.sim.pongo().set_reward_lock(&id, locked);
    Ok(data(StatusCode::OK, found("Reward", changed)?))
}

async fn use_reward(caller: Caller, Path(id): Path<String>) -> Reply {
    let after = caller.allowed(Operation::ChangeReward).await?;
    let used = caller.sim.pongo().use_reward(&id);
    Ok(after.answer(data(StatusCode::OK, found("Reward", used)?)))
}

// ---------------------------------------------------------------- webhooks

async fn subscribe(caller: Caller, bytes: Bytes) -> Reply {
    let (_, body) = caller.sending(Operation::Subscribe, &bytes).await?;
    let sim = &caller.sim;
    let (id, secret) = (random_id(sim), format!("whsec_{}", random_id(sim)));
    let subscribed = sim.pongo().subscribe(&body, id, secret);
    Ok(data(StatusCode::CREATED, subscribed?))
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
