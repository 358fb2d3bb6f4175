//! The merchant server's Pongo API (HMAC-signed like the Mokafaa half): a paid order earns
//! points, a cancelled one gives them back. Calls are written to the outbox first and sent
//! at once; what Pongo could not take yet is retried by the cron. The answer is 200 when
//! every call was sent and 202 while some wait.

use super::merchant::{signed, Signed};
use crate::domain::pongo_orders::{iso8601, plan};
use crate::http::{internal, json_response, respond, ApiResult};
use crate::pongo::connection::{self, PongoApp};
use crate::pongo::outbox;
use crate::store::sessions;
use loyalty_shared::api::{
    DeliveryState, PaymentStatus, PongoCall, PongoOrderCancelledRequest, PongoOrderRequest,
    PongoOrderResult,
};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use worker::{Request, Response, Result, RouteContext};

/// 200 when Pongo has every call, 202 while some wait; a call Pongo refused is an error
/// with its code (`optin_required`, `upstream_rejected`), never a 2xx the merchant's system
/// would take for "sent". Repeating the same order answers the same.
fn answer(result: &PongoOrderResult) -> ApiResult<Response> {
    let refused: Vec<&PongoCall> = result
        .calls
        .iter()
        .filter(|c| c.state == DeliveryState::Failed)
        .collect();
    if let Some(first) = refused.first() {
        let code = first
            .last_error
            .as_deref()
            .and_then(ErrorCode::from_code)
            .unwrap_or(ErrorCode::UpstreamRejected);
        let keys: Vec<&str> = refused.iter().map(|c| c.key.as_str()).collect();
        return Err(ApiError::new(code, Locale::En)
            .with_field("order_id")
            .with_message(format!(
                "Pongo refused {} ({}): {}",
                keys.join(", "),
                code.as_str(),
                code.message(Locale::En)
            )));
    }
    let waiting = result
        .calls
        .iter()
        .any(|c| c.state == DeliveryState::Queued);
    json_response(result, if waiting { 202 } else { 200 }).map_err(|e| internal("response", e))
}

/// `POST /v1/merchant/pongo/orders`.
#[utoipa::path(post, path = "/v1/merchant/pongo/orders", tag = "merchant", request_body = loyalty_shared::api::PongoOrderRequest, security(("merchant_signature" = [])),
    responses((status = 200, description = "Sent to Pongo", body = loyalty_shared::api::PongoOrderResult), (status = 202, description = "Accepted; some calls wait in the outbox", body = loyalty_shared::api::PongoOrderResult),
        (status = "default", description = "Error (payment_not_successful, store_not_mapped, pongo_not_connected, idempotency_conflict, invalid_request, bad_signature, signature_replayed)", body = loyalty_shared::ErrorBody)))]
pub async fn order_paid(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let outcome = async {
        let Signed {
            db,
            merchant,
            body,
            now,
        } = signed::<PongoOrderRequest>(&mut req, &ctx.env).await?;
        // Only a successful payment is ever sent [S], checked before anything else.
        if body.payment_status != PaymentStatus::Succeeded {
            return Err(ApiError::new(ErrorCode::PaymentNotSuccessful, Locale::En)
                .with_field("payment_status"));
        }
        let app = PongoApp::from_env(&ctx.env)?;
        // An expired connection still takes orders: they wait in the outbox for a reconnect.
        let connection = connection::load(&db, &app, &merchant.id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::PongoNotConnected, Locale::En))?;
        let store_slug =
            connection::store_for(&db, &merchant.id, &body.location_id, Locale::En).await?;
        let customer = match (&body.customer, &body.cart_id) {
            (Some(c), _) => Some(c.clone()),
            (None, Some(cart)) => sessions::pongo_member_for_cart(&db, &merchant.id, cart).await?,
            (None, None) => None,
        };
        let calls = plan(&body, &store_slug, customer.as_ref(), &iso8601(now))?;
        outbox::enqueue(&db, &merchant.id, &body.order_id, &calls, now).await?;
        let result = outbox::deliver_order(
            &db,
            &app,
            Some(&connection),
            &merchant.id,
            &body.order_id,
            now,
        )
        .await?;
        answer(&result)
    }
    .await;
    respond(outcome)
}

/// `POST /v1/merchant/pongo/orders/cancelled`: the earned points go back; parts not sent
/// yet are never sent.
#[utoipa::path(post, path = "/v1/merchant/pongo/orders/cancelled", tag = "merchant", request_body = loyalty_shared::api::PongoOrderCancelledRequest, security(("merchant_signature" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoOrderResult), (status = 202, description = "Cancellation waits in the outbox", body = loyalty_shared::api::PongoOrderResult),
        (status = "default", description = "Error (not_found, bad_signature, signature_replayed)", body = loyalty_shared::ErrorBody)))]
pub async fn order_cancelled(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let outcome = async {
        let Signed {
            db,
            merchant,
            body,
            now,
        } = signed::<PongoOrderCancelledRequest>(&mut req, &ctx.env).await?;
        let app = PongoApp::from_env(&ctx.env)?;
        outbox::cancel_order(&db, &merchant.id, &body.order_id, now).await?;
        let connection = connection::load(&db, &app, &merchant.id).await?;
        let result = outbox::deliver_order(
            &db,
            &app,
            connection.as_ref(),
            &merchant.id,
            &body.order_id,
            now,
        )
        .await?;
        answer(&result)
    }
    .await;
    respond(outcome)
}
