//! The demo store's own server: what a merchant's backend does when a shopper places an
//! order. It is no provider, but it is the one part of a deployment that belongs to the
//! merchant, so the demo storefront (`www/demo/`) can be used end to end offline.
//!
//! `POST /shop/orders` takes the cart as the page knows it and the Mokafaa receipt the
//! widget gave the page. Like a real store it trusts neither: it verifies the receipt with
//! the edge, captures the redemption, and reports the paid order to Pongo for the shopper
//! enlisted on this cart; every call is signed with the merchant's API secret, which the
//! page never sees. The answer says what the shopper paid with points and what they earned.

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

/// How the demo store reaches the edge.
#[derive(Debug, Clone)]
pub struct ShopConfig {
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

pub fn router(config: ShopConfig) -> Router<Sim> {
    let config = std::sync::Arc::new(config);
    Router::new().route(
        "/orders",
        post({
            let config = config.clone();
            move |state, headers, body| place_order(state, headers, body, config.clone())
        })
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
    config: std::sync::Arc<ShopConfig>,
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
            let placed = Shop {
                sim: &sim,
                config: &config,
            }
            .place(order, &location)
            .await;
            Json(placed).into_response()
        }
    };
    allow_origin(&headers, &mut response);
    response
}

struct Shop<'a> {
    sim: &'a Sim,
    config: &'a ShopConfig,
}

impl Shop<'_> {
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

    async fn place(&self, order: PlaceOrder, location: &str) -> OrderPlaced {
        let order_id = format!(
            "demo-{}-{}",
            self.sim.now(),
            NEXT_ORDER.fetch_add(1, Ordering::Relaxed)
        );
        let merchant_id = self.config.merchant_id.clone();
        // Mokafaa: the receipt is checked by the edge, never believed as the page sent it.
        let mut discount = Money::zero(order.amount.currency);
        let mokafaa = match &order.receipt {
            None => None,
            Some(receipt) => {
                let verified: Outcome<MerchantRedemption> = self
                    .call(
                        "/v1/merchant/receipts/verify",
                        &VerifyReceiptRequest {
                            merchant_id: merchant_id.clone(),
                            receipt: receipt.clone(),
                        },
                    )
                    .await;
                Some(match verified {
                    Outcome::Refused { error } => Outcome::Refused { error },
                    Outcome::Done(redemption) => {
                        let captured: Outcome<MerchantRedemption> = self
                            .call(
                                "/v1/merchant/orders/paid",
                                &OrderPaidRequest {
                                    merchant_id: merchant_id.clone(),
                                    redemption_id: redemption.redemption_id,
                                    order_id: order_id.clone(),
                                    order_total: order.amount,
                                },
                            )
                            .await;
                        // A discount only for a redemption captured by this very order.
                        match captured {
                            Outcome::Done(r)
                                if r.state == RedemptionState::Captured
                                    && r.order_id.as_deref() == Some(order_id.as_str()) =>
                            {
                                discount = r.discount;
                                Outcome::Done(r)
                            }
                            Outcome::Done(_) => refused("redemption_not_capturable"),
                            refusal => refusal,
                        }
                    }
                })
            }
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
                    merchant_id,
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
