//! The merchant server's Pongo API (HMAC-signed like the Mokafaa half): a paid order earns
//! points, a cancelled one gives them back. Calls are written to the outbox first and sent
//! at once; what Pongo could not take yet is retried by the cron. The answer is 200 when
//! every call was sent and 202 while some wait.

use crate::domain::pongo_orders::{delivery_status, iso8601, plan};
use crate::guards::SignedMerchant;
use crate::http::ApiResult;
use crate::pongo::connection::{self, PongoApp};
use crate::pongo::outbox;
use crate::routes::call::{reply, Call};
use crate::store::sessions;
use loyalty_shared::api::{
    PaymentStatus, PongoOrderCancelledRequest, PongoOrderRequest, PongoOrderResult,
};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use worker::Response;

fn answer(result: &PongoOrderResult) -> ApiResult<Response> {
    let status = delivery_status(result)?;
    reply(result, status)
}

/// `POST /v1/merchant/pongo/orders`.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/merchant/pongo/orders", tag = "merchant", request_body = loyalty_shared::api::PongoOrderRequest, security(("merchant_signature" = [])),
    responses((status = 200, description = "Sent to Pongo", body = loyalty_shared::api::PongoOrderResult), (status = 202, description = "Accepted; some calls wait in the outbox", body = loyalty_shared::api::PongoOrderResult),
        (status = "default", description = "Error (payment_not_successful, store_not_mapped, pongo_not_connected, idempotency_conflict, invalid_request, bad_signature, signature_replayed)", body = loyalty_shared::ErrorBody))))]
pub async fn order_paid(
    call: Call,
    SignedMerchant { merchant, body, .. }: SignedMerchant<PongoOrderRequest>,
) -> ApiResult<Response> {
    let (db, now) = (&call.db, call.now);
    // Only a successful payment is ever sent [S], checked before anything else.
    if body.payment_status != PaymentStatus::Succeeded {
        return Err(
            ApiError::new(ErrorCode::PaymentNotSuccessful, Locale::En).with_field("payment_status")
        );
    }
    let app = PongoApp::from_env(&call.env)?;
    // An expired connection still takes orders: they wait in the outbox for a reconnect.
    let connection = connection::load(db, &app, &merchant.id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::PongoNotConnected, Locale::En))?;
    let store_slug = connection::store_for(db, &merchant.id, &body.location_id, Locale::En).await?;
    let customer = match (&body.customer, &body.cart_id) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(cart)) => {
            let mut members = sessions::pongo_members_for_cart(db, &merchant.id, cart).await?;
            if members.len() > 1 {
                let phones: Vec<String> = members
                    .iter()
                    .filter_map(|m| loyalty_shared::InternationalPhone::parse(&m.phone, None).ok())
                    .map(|p| p.masked())
                    .collect();
                return Err(ApiError::new(ErrorCode::AmbiguousMember, Locale::En)
                    .with_field("customer")
                    .with_message(format!(
                        "Members {} joined on this cart: send the order with the customer who paid.",
                        phones.join(", ")
                    )));
            }
            members.pop()
        }
        (None, None) => None,
    };
    let calls = plan(&body, &store_slug, customer.as_ref(), &iso8601(now))?;
    outbox::enqueue(db, &merchant.id, &body.order_id, &calls, now).await?;
    let result = outbox::deliver_order(
        db,
        &app,
        Some(&connection),
        &merchant.id,
        &body.order_id,
        now,
    )
    .await?;
    answer(&result)
}

/// `POST /v1/merchant/pongo/orders/cancelled`: the earned points go back; parts not sent
/// yet are never sent.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/merchant/pongo/orders/cancelled", tag = "merchant", request_body = loyalty_shared::api::PongoOrderCancelledRequest, security(("merchant_signature" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoOrderResult), (status = 202, description = "Cancellation waits in the outbox", body = loyalty_shared::api::PongoOrderResult),
        (status = "default", description = "Error (not_found, bad_signature, signature_replayed)", body = loyalty_shared::ErrorBody))))]
pub async fn order_cancelled(
    call: Call,
    SignedMerchant { merchant, body, .. }: SignedMerchant<PongoOrderCancelledRequest>,
) -> ApiResult<Response> {
    let (db, now) = (&call.db, call.now);
    let app = PongoApp::from_env(&call.env)?;
    outbox::cancel_order(db, &merchant.id, &body.order_id, now).await?;
    let connection = connection::load(db, &app, &merchant.id).await?;
    let result = outbox::deliver_order(
        db,
        &app,
        connection.as_ref(),
        &merchant.id,
        &body.order_id,
        now,
    )
    .await?;
    answer(&result)
}
