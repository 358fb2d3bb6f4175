//! The merchant-server API: HMAC-signed (`Loyalty-Signature: t=<unix>,v1=<hex>` over
//! `"{t}.{body}"` with the merchant's API secret, 5-minute window, each signature once).
//! Order paid captures a redemption, order cancelled reverses it, and a widget receipt can
//! be verified so a host page cannot invent a discount.

use crate::domain::ledger::{Actor, LedgerEvent};
use crate::http::{internal, json_response, now, parse_json, respond, ApiResult};
use crate::merchant::{self, secret_name, Merchant};
use crate::mokafaa::client::MokafaaClient;
use crate::reversal;
use crate::routes::DB_BINDING;
use crate::secure::sha256_hex;
use crate::store::redemptions::{self, Changes, RedemptionRow};
use crate::store::{changes, int, statement};
use loyalty_shared::api::{
    MerchantRedemption, OrderCancelledRequest, OrderPaidRequest, RedemptionState,
    VerifyReceiptRequest,
};
use loyalty_shared::signature::{verify, PayloadLayout, DEFAULT_TOLERANCE_SECONDS};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use worker::{D1Database, Env, Request, Response, Result, RouteContext};

/// The header merchant servers sign with.
pub const SIGNATURE_HEADER: &str = "Loyalty-Signature";

pub(crate) struct Signed<T> {
    pub db: D1Database,
    pub merchant: Merchant,
    pub body: T,
    pub now: i64,
}

/// Authenticates a merchant-server request and parses its body. Every failure of the
/// signature is the same `bad_signature` to the caller (the log says which); a signature
/// already used is `signature_replayed`.
pub(crate) async fn signed<T: DeserializeOwned>(
    req: &mut Request,
    env: &Env,
) -> ApiResult<Signed<T>> {
    let locale = Locale::En;
    let bytes = req
        .bytes()
        .await
        .map_err(|_| ApiError::new(ErrorCode::MalformedJson, locale))?;
    #[derive(Deserialize)]
    struct Who {
        merchant_id: String,
    }
    let who: Who = parse_json(&bytes, locale)?;
    let bad = || ApiError::new(ErrorCode::BadSignature, locale);
    let secret = env
        .secret(&secret_name("MERCHANT_API_SECRET", &who.merchant_id))
        .map_err(|_| bad())?
        .to_string();
    let header = req.headers().get(SIGNATURE_HEADER).ok().flatten();
    let now = now(env).await;
    let signed_at = verify(
        secret.as_bytes(),
        header.as_deref(),
        &bytes,
        now,
        DEFAULT_TOLERANCE_SECONDS,
        PayloadLayout::TimestampDotBody,
    )
    .map_err(|e| {
        worker::console_warn!("merchant {}: signature refused: {e}", who.merchant_id);
        bad()
    })?;
    let db = env.d1(DB_BINDING).map_err(|e| internal("d1 binding", e))?;
    // A signature is good once: a captured request replayed within the window is refused.
    // The record is what the signature vouches for (timestamp and body), not the header's
    // text, so the same request re-spelled (order, spaces, hex case, extra v1) is a replay.
    let signed_request = format!("{signed_at}.{}", sha256_hex(&bytes));
    let logged = statement(
        &db,
        "INSERT INTO merchant_request_log (merchant_id, signature, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        &[who.merchant_id.as_str().into(), signed_request.into(), int(now)],
    )?
    .run()
    .await
    .map_err(|e| internal("request log", e))?;
    if changes(&logged) != 1 {
        // Told apart from a wrong signature: the merchant's secret is right, and the
        // caller only has to sign a repeat anew (every merchant call is idempotent).
        worker::console_warn!("merchant {}: replayed signature refused", who.merchant_id);
        return Err(ApiError::new(ErrorCode::SignatureReplayed, locale));
    }
    let merchant = merchant::load(&db, env, &who.merchant_id, locale).await?;
    let body = parse_json(&bytes, locale)?;
    Ok(Signed {
        db,
        merchant,
        body,
        now,
    })
}

async fn merchants_redemption(
    db: &D1Database,
    merchant: &Merchant,
    id: &str,
) -> ApiResult<RedemptionRow> {
    redemptions::get(db, id)
        .await?
        .filter(|r| r.merchant_id == merchant.id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, Locale::En).with_field("redemption_id"))
}

pub fn view(row: &RedemptionRow) -> MerchantRedemption {
    MerchantRedemption {
        redemption_id: row.id.clone(),
        state: row.state(),
        points: row.points.max(0) as u64,
        discount: row.amount(),
        order_id: row.order_id.clone(),
    }
}

fn client(merchant: &Merchant) -> ApiResult<MokafaaClient> {
    Ok(MokafaaClient::new(merchant.mokafaa(Locale::En)?.clone()))
}

/// `POST /v1/merchant/orders/paid`.
#[utoipa::path(post, path = "/v1/merchant/orders/paid", tag = "merchant", request_body = loyalty_shared::api::OrderPaidRequest, security(("merchant_signature" = [])),
    responses((status = 200, body = loyalty_shared::api::MerchantRedemption), (status = "default", description = "Error: bad_signature, signature_replayed, not_found, amount_over_limit (the points were returned), redemption_already_used (409: captured by another order_id), redemption_not_capturable (409: reversing, reversed, pending or failed)", body = loyalty_shared::ErrorBody)))]
pub async fn order_paid(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let outcome = async {
        let Signed {
            db,
            merchant,
            body,
            now,
        } = signed::<OrderPaidRequest>(&mut req, &ctx.env).await?;
        let row = merchants_redemption(&db, &merchant, &body.redemption_id).await?;
        if row.state() == RedemptionState::Redeemed {
            // A discount larger than the order is never captured: the points go back, and
            // the order that tried is recorded so its repeat gets the same answer.
            if body.order_total.currency != row.amount().currency
                || row.amount().minor > body.order_total.minor
            {
                let changes = Changes {
                    order_id: Some(&body.order_id),
                    error_code: Some(ErrorCode::AmountOverLimit.as_str()),
                    ..Changes::default()
                };
                reversal::reverse_with(
                    &db,
                    &client(&merchant)?,
                    row,
                    Actor::MerchantServer,
                    "redeemed amount exceeds the paid order total",
                    changes,
                    now,
                )
                .await?;
                return Err(over_total());
            }
            let changes = Changes {
                order_id: Some(&body.order_id),
                ..Changes::default()
            };
            redemptions::transition(
                &db,
                &row,
                LedgerEvent::OrderPaid,
                Actor::MerchantServer,
                "order paid",
                changes,
                now,
            )
            .await?;
        }
        // Whoever moved the row (this call, a concurrent one, the shopper's undo or the
        // cron), the answer is what the ledger holds now.
        let row = merchants_redemption(&db, &merchant, &body.redemption_id).await?;
        capture_answer(&row, &body.order_id)?;
        json_response(&view(&row), 200).map_err(|e| internal("response", e))
    }
    .await;
    respond(outcome)
}

fn over_total() -> ApiError {
    ApiError::new(ErrorCode::AmountOverLimit, Locale::En).with_message(
        "The redeemed amount exceeds the order total; the points were returned to the shopper.",
    )
}

/// A redemption pays exactly one order: only `captured` for this `order_id` is a success.
fn capture_answer(row: &RedemptionRow, order_id: &str) -> ApiResult<()> {
    let ours = row.order_id.as_deref() == Some(order_id);
    match row.state() {
        RedemptionState::Captured if ours => Ok(()),
        RedemptionState::Captured => Err(ApiError::new(
            ErrorCode::RedemptionAlreadyUsed,
            Locale::En,
        )
        .with_field("redemption_id")
        .with_message(
            "This redemption already paid another order; no discount may be granted for this one.",
        )),
        RedemptionState::Reversing | RedemptionState::Reversed
            if ours && row.error_code.as_deref() == Some(ErrorCode::AmountOverLimit.as_str()) =>
        {
            Err(over_total())
        }
        state => Err(
            ApiError::new(ErrorCode::RedemptionNotCapturable, Locale::En)
                .with_field("redemption_id")
                .with_message(format!(
                    "The redemption is {} and cannot pay an order; no discount may be granted.",
                    redemptions::state_name(state)
                )),
        ),
    }
}

/// `POST /v1/merchant/orders/cancelled`: reverses once, however often it is called.
#[utoipa::path(post, path = "/v1/merchant/orders/cancelled", tag = "merchant", request_body = loyalty_shared::api::OrderCancelledRequest, security(("merchant_signature" = [])),
    responses((status = 200, body = loyalty_shared::api::MerchantRedemption), (status = 202, description = "Reversal started", body = loyalty_shared::api::MerchantRedemption), (status = "default", description = "Error", body = loyalty_shared::ErrorBody)))]
pub async fn order_cancelled(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let outcome = async {
        let Signed {
            db,
            merchant,
            body,
            now,
        } = signed::<OrderCancelledRequest>(&mut req, &ctx.env).await?;
        let row = merchants_redemption(&db, &merchant, &body.redemption_id).await?;
        // Points that paid an order come back only with that order's cancellation.
        if row.state() == RedemptionState::Captured && body.order_id.as_deref() != row.order_id.as_deref() {
            return Err(ApiError::new(ErrorCode::RedemptionAlreadyUsed, Locale::En)
                .with_field("order_id")
                .with_message("This redemption paid another order: only that order's cancellation (with its order_id) gives the points back."));
        }
        let row = match row.state() {
            RedemptionState::Reversed => row,
            _ => {
                reversal::reverse(
                    &db,
                    &client(&merchant)?,
                    row,
                    Actor::MerchantServer,
                    "order cancelled",
                    now,
                )
                .await?
            }
        };
        let status = if row.state() == RedemptionState::Reversed {
            200
        } else {
            202
        };
        json_response(&view(&row), status).map_err(|e| internal("response", e))
    }
    .await;
    respond(outcome)
}

/// `POST /v1/merchant/receipts/verify`.
#[utoipa::path(post, path = "/v1/merchant/receipts/verify", tag = "merchant", request_body = loyalty_shared::api::VerifyReceiptRequest, security(("merchant_signature" = [])),
    responses((status = 200, body = loyalty_shared::api::MerchantRedemption), (status = "default", description = "Error (bad_signature, signature_replayed)", body = loyalty_shared::ErrorBody)))]
pub async fn verify_receipt(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let outcome = async {
        let Signed {
            db,
            merchant,
            body,
            now,
        } = signed::<VerifyReceiptRequest>(&mut req, &ctx.env).await?;
        let invalid = || {
            ApiError::new(ErrorCode::BadSignature, Locale::En)
                .with_message("The receipt is not valid.")
        };
        let (id, signature) = crate::receipt::parse(&body.receipt).ok_or_else(invalid)?;
        let row = redemptions::get(&db, id)
            .await?
            .filter(|r| r.merchant_id == merchant.id)
            .ok_or_else(invalid)?;
        let key = ctx
            .env
            .secret("RECEIPT_SIGNING_KEY")
            .map_err(|e| internal("receipt key", e))?
            .to_string();
        if !crate::receipt::verify(key.as_bytes(), &row, signature, now) {
            return Err(invalid());
        }
        json_response(&view(&row), 200).map_err(|e| internal("response", e))
    }
    .await;
    respond(outcome)
}
