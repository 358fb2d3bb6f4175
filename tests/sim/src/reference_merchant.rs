//! A reference merchant server: the part of a deployment that belongs to the merchant,
//! written out so merchants can read it as the example of what their own backend does when
//! a shopper places an order. Locally it is the demo store's server (`POST /shop/orders`),
//! so the demo storefront (`www/demo/`) works end to end offline.
//!
//! What to copy, step by step ([`Merchant::place`]):
//! 1. **Verify the receipt** the widget handed the page (`/v1/merchant/receipts/verify`):
//!    the page is the shopper's, so its word is never believed.
//! 2. **Apply the discount** only once `/v1/merchant/orders/paid` answered `captured` with
//!    this very order's id ([`Merchant::capture`]); anything else, and the shopper pays the
//!    full total.
//! 3. **Call paid / cancelled with a signed request** ([`Merchant::call`]): every call under
//!    `/v1/merchant/` carries `Loyalty-Signature: t=<unix>,v1=HMAC-SHA256(secret, "{t}.{body}")`
//!    with the merchant's API secret, which only the server holds. A cancelled order is the
//!    same signed call to `/v1/merchant/orders/cancelled` with
//!    `{merchant_id, redemption_id, order_id}` (the demo has no cancel button).
//!
//! It also reports the paid order to Pongo (`/v1/merchant/pongo/orders`) for the shopper
//! enlisted on this cart, and answers what the shopper paid with points and what they earned.

use crate::Sim;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use loyalty_shared::api::{
    MerchantRedemption, OrderLine, OrderPaidRequest, OrderPayment, PaymentStatus,
    PongoOrderRequest, PongoOrderResult, RedemptionState, SplitMode, VerifyReceiptRequest,
};
use loyalty_shared::signature::{sign, PayloadLayout};
use loyalty_shared::{ErrorBody, Money};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How the merchant's server reaches the edge.
#[derive(Debug, Clone)]
pub struct Config {
    pub edge_url: String,
    pub merchant_id: String,
    /// The merchant API secret (`MERCHANT_API_SECRET__<ID>` on the edge).
    pub api_secret: String,
}

/// The order as the demo page sends it.
#[derive(Debug, Deserialize)]
pub struct PlaceOrder {
    pub cart_id: String,
    /// The cart's total before any points discount.
    pub amount: Money,
    pub lines: Vec<OrderLine>,
    /// The widget's signed receipt, when the shopper paid part with Mokafaa points.
    #[serde(default)]
    pub receipt: Option<String>,
}

/// One provider's outcome: what it did, or the stable error code the edge answered.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Outcome<T> {
    Done(T),
    Refused { error: String },
}

#[derive(Debug, Serialize)]
pub struct OrderPlaced {
    pub order_id: String,
    /// What the shopper paid by card: the total less the points discount.
    pub paid: Money,
    pub mokafaa: Option<Outcome<MerchantRedemption>>,
    pub pongo: Outcome<PongoOrderResult>,
}

static NEXT_ORDER: AtomicU64 = AtomicU64::new(1);

/// `/orders` (served under `/shop`).
pub fn router(config: Config) -> Router<Sim> {
    let config = Arc::new(config);
    Router::new().route(
        "/orders",
        post(move |state, headers, body| place_order(state, headers, body, config.clone()))
            .options(preflight),
    )
}

/// The page is served by the edge (another origin): the browser asks first.
async fn preflight(headers: HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    allow_origin(&headers, &mut response);
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    response
}

fn allow_origin(request: &HeaderMap, response: &mut Response) {
    if let Some(origin) = request.get(header::ORIGIN) {
        response
            .headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    }
}

async fn place_order(
    State(sim): State<Sim>,
    headers: HeaderMap,
    body: axum::body::Bytes,
    config: Arc<Config>,
) -> Response {
    let mut response = match serde_json::from_slice::<PlaceOrder>(&body) {
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": {"code": "invalid_request", "message": e.to_string()}})),
        )
            .into_response(),
        Ok(order) => {
            let location = headers
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("web")
                .to_string();
            let merchant = Merchant {
                sim: &sim,
                config: &config,
            };
            Json(merchant.place(order, &location).await).into_response()
        }
    };
    allow_origin(&headers, &mut response);
    response
}

struct Merchant<'a> {
    sim: &'a Sim,
    config: &'a Config,
}

impl Merchant<'_> {
    /// A signed merchant-API call; the edge's clock is the simulators', so is the signature's.
    async fn call<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Outcome<T> {
        let bytes = match serde_json::to_vec(body) {
            Ok(b) => b,
            Err(_) => return refused("internal"),
        };
        let signature = sign(
            self.config.api_secret.as_bytes(),
            self.sim.now(),
            &bytes,
            PayloadLayout::TimestampDotBody,
        );
        let sent = reqwest::Client::new()
            .post(format!(
                "{}{path}",
                self.config.edge_url.trim_end_matches('/')
            ))
            .header("Content-Type", "application/json")
            .header("Loyalty-Signature", signature)
            .body(bytes)
            .send()
            .await;
        let Ok(response) = sent else {
            return refused("upstream_unavailable");
        };
        let ok = response.status().is_success();
        let Ok(text) = response.text().await else {
            return refused("upstream_unavailable");
        };
        if ok {
            serde_json::from_str(&text).map_or_else(|_| refused("internal"), Outcome::Done)
        } else {
            serde_json::from_str::<ErrorBody>(&text)
                .map_or_else(|_| refused("internal"), |e| refused(e.error.code.as_str()))
        }
    }

    /// Steps 1 and 2: the receipt verified by the edge, then captured by this order. The
    /// discount is the captured redemption's, and only when it is this order's.
    async fn capture(
        &self,
        receipt: &str,
        order_id: &str,
        total: Money,
    ) -> Outcome<MerchantRedemption> {
        let verified: Outcome<MerchantRedemption> = self
            .call(
                "/v1/merchant/receipts/verify",
                &VerifyReceiptRequest {
                    merchant_id: self.config.merchant_id.clone(),
                    receipt: receipt.to_string(),
                },
            )
            .await;
        let redemption = match verified {
            Outcome::Done(redemption) => redemption,
            refusal => return refusal,
        };
        let captured: Outcome<MerchantRedemption> = self
            .call(
                "/v1/merchant/orders/paid",
                &OrderPaidRequest {
                    merchant_id: self.config.merchant_id.clone(),
                    redemption_id: redemption.redemption_id,
                    order_id: order_id.to_string(),
                    order_total: total,
                },
            )
            .await;
        match captured {
            Outcome::Done(r)
                if r.state == RedemptionState::Captured
                    && r.order_id.as_deref() == Some(order_id) =>
            {
                Outcome::Done(r)
            }
            Outcome::Done(_) => refused("redemption_not_capturable"),
            refusal => refusal,
        }
    }

    async fn place(&self, order: PlaceOrder, location: &str) -> OrderPlaced {
        let order_id = format!(
            "demo-{}-{}",
            self.sim.now(),
            NEXT_ORDER.fetch_add(1, Ordering::Relaxed)
        );
        let mokafaa = match &order.receipt {
            None => None,
            Some(receipt) => Some(self.capture(receipt, &order_id, order.amount).await),
        };
        let discount = match &mokafaa {
            Some(Outcome::Done(r)) => r.discount,
            _ => Money::zero(order.amount.currency),
        };
        let paid = Money {
            minor: order.amount.minor.saturating_sub(discount.minor),
            currency: order.amount.currency,
        };
        let mut payments = vec![OrderPayment {
            method: "card".into(),
            amount: paid,
            line_indexes: vec![],
            customer: None,
        }];
        if discount.minor > 0 {
            payments.push(OrderPayment {
                method: "mokafaa_points".into(),
                amount: discount,
                line_indexes: vec![],
                customer: None,
            });
        }
        // Pongo: the paid order, for whoever enlisted in the widget on this cart.
        let pongo = self
            .call(
                "/v1/merchant/pongo/orders",
                &PongoOrderRequest {
                    merchant_id: self.config.merchant_id.clone(),
                    order_id: order_id.clone(),
                    location_id: location.to_string(),
                    payment_status: PaymentStatus::Succeeded,
                    amount: order.amount,
                    taxes: None,
                    lines: order.lines,
                    payments,
                    split: SplitMode::None,
                    reward_ids: vec![],
                    used_reward_ids: vec![],
                    customer: None,
                    cart_id: Some(order.cart_id),
                },
            )
            .await;
        OrderPlaced {
            order_id,
            paid,
            mokafaa,
            pongo,
        }
    }
}

fn refused<T>(code: &str) -> Outcome<T> {
    Outcome::Refused {
        error: code.to_string(),
    }
}
