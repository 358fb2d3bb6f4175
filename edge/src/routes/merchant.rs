//! The merchant-server API: HMAC-signed (`Loyalty-Signature: t=<unix>,v1=<hex>` over
//! `"{t}.{body}"` with the merchant's API secret, 5-minute window, each signature once).
//! Order paid captures a redemption, order cancelled reverses it, and a widget receipt can
//! be verified so a host page cannot invent a discount.

use crate::counters::Tally;
use crate::domain::ledger::{Actor, LedgerEvent};
use crate::guards::SignedMerchant;
use crate::http::{internal, ApiResult};
use crate::merchant::Merchant;
use crate::mokafaa::client::MokafaaClient;
use crate::reversal::{self, Why};
use crate::routes::call::{reply, Call};
use crate::store::redemptions::{self, Changes, RedemptionRow};
use crate::store::Db;
use loyalty_shared::api::{
    MerchantRedemption, OrderCancelledRequest, OrderPaidRequest, RedemptionState,
    VerifyReceiptRequest,
};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use worker::Response;

async fn merchants_redemption(db: &Db, merchant: &Merchant, id: &str) -> ApiResult<RedemptionRow> {
    redemptions::get(db, id)
        .await?
        .filter(|r| r.merchant_id == merchant.id)
        .ok_or_else(not_found)
}

/// The answer for a redemption that does not exist or is another merchant's: the same.
fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, Locale::En).with_field("redemption_id")
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

fn client(merchant: &Merchant, tally: &Tally) -> ApiResult<MokafaaClient> {
    Ok(MokafaaClient::new(
        merchant.mokafaa(Locale::En)?.clone(),
        tally,
    ))
}

/// `POST /v1/merchant/orders/paid`.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/merchant/orders/paid", tag = "merchant", request_body = loyalty_shared::api::OrderPaidRequest, security(("merchant_signature" = [])),
    responses((status = 200, body = loyalty_shared::api::MerchantRedemption), (status = "default", description = "Error: bad_signature, signature_replayed, not_found, amount_over_limit (the points were returned), redemption_already_used (409: captured by another order_id), redemption_not_capturable (409: reversing, reversed, pending or failed)", body = loyalty_shared::ErrorBody))))]
pub async fn order_paid(
    call: Call,
    SignedMerchant {
        merchant,
        body,
        redemption,
    }: SignedMerchant<OrderPaidRequest>,
) -> ApiResult<Response> {
    let (db, now) = (&call.db, call.now);
    let mut row = redemption.ok_or_else(not_found)?;
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
            let why = Why {
                changes,
                ..Why::new(
                    Actor::MerchantServer,
                    "redeemed amount exceeds the paid order total",
                    &merchant.name,
                )
            };
            let client = client(&merchant, call.db.tally())?;
            reversal::reverse(db, &client, row, why, now).await?;
            return Err(over_total());
        }
        let changes = Changes {
            order_id: Some(&body.order_id),
            ..Changes::default()
        };
        let paid = redemptions::transition(
            db,
            &row,
            LedgerEvent::OrderPaid,
            Actor::MerchantServer,
            "order paid",
            changes,
            now,
        )
        .await?;
        // Whoever moved the row first (a concurrent call, the shopper's undo or the cron),
        // the answer is what the ledger holds now.
        row = match paid {
            Some(paid) => paid,
            None => merchants_redemption(db, &merchant, &body.redemption_id).await?,
        };
    }
    capture_answer(&row, &body.order_id)?;
    reply(&view(&row), 200)
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
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/merchant/orders/cancelled", tag = "merchant", request_body = loyalty_shared::api::OrderCancelledRequest, security(("merchant_signature" = [])),
    responses((status = 200, body = loyalty_shared::api::MerchantRedemption), (status = 202, description = "Reversal started", body = loyalty_shared::api::MerchantRedemption), (status = "default", description = "Error", body = loyalty_shared::ErrorBody))))]
pub async fn order_cancelled(
    call: Call,
    SignedMerchant {
        merchant,
        body,
        redemption,
    }: SignedMerchant<OrderCancelledRequest>,
) -> ApiResult<Response> {
    let (db, now) = (&call.db, call.now);
    let row = redemption.ok_or_else(not_found)?;
    // Points that paid an order come back only with that order's cancellation.
    if row.state() == RedemptionState::Captured
        && body.order_id.as_deref() != row.order_id.as_deref()
    {
        return Err(ApiError::new(ErrorCode::RedemptionAlreadyUsed, Locale::En)
            .with_field("order_id")
            .with_message("This redemption paid another order: only that order's cancellation (with its order_id) gives the points back."));
    }
    let row = match row.state() {
        RedemptionState::Reversed => row,
        _ => {
            let why = Why::new(Actor::MerchantServer, "order cancelled", &merchant.name);
            let client = client(&merchant, call.db.tally())?;
            reversal::reverse(db, &client, row, why, now).await?
        }
    };
    let status = if row.state() == RedemptionState::Reversed {
        200
    } else {
        202
    };
    reply(&view(&row), status)
}

/// `POST /v1/merchant/receipts/verify`.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/merchant/receipts/verify", tag = "merchant", request_body = loyalty_shared::api::VerifyReceiptRequest, security(("merchant_signature" = [])),
    responses((status = 200, body = loyalty_shared::api::MerchantRedemption), (status = "default", description = "Error (bad_signature, signature_replayed)", body = loyalty_shared::ErrorBody))))]
pub async fn verify_receipt(
    call: Call,
    SignedMerchant { merchant, body, .. }: SignedMerchant<VerifyReceiptRequest>,
) -> ApiResult<Response> {
    let (db, now) = (&call.db, call.now);
    let invalid = || {
        ApiError::new(ErrorCode::BadSignature, Locale::En).with_message("The receipt is not valid.")
    };
    let (id, signature) = crate::receipt::parse(&body.receipt).ok_or_else(invalid)?;
    let row = redemptions::get(db, id)
        .await?
        .filter(|r| r.merchant_id == merchant.id)
        .ok_or_else(invalid)?;
    let key = call
        .env
        .secret("RECEIPT_SIGNING_KEY")
        .map_err(|e| internal("receipt key", e))?
        .to_string();
    if !crate::receipt::verify(key.as_bytes(), &row, signature, now) {
        return Err(invalid());
    }
    reply(&view(&row), 200)
}
