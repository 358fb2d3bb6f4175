//! `POST /v1/sessions` and `PATCH /v1/sessions/current`: the widget's session for a cart.

use crate::cors;
use crate::domain::notice::optional_email;
use crate::guards::WidgetCaller;
use crate::http::{internal, ApiResult};
use crate::merchant;
use crate::routes::call::{reply, Call};
use crate::store::sessions::{self, NewSession, SESSION_TTL_SECONDS};
use loyalty_shared::api::{SessionStarted, StartSessionRequest, UpdateCartRequest};
use loyalty_shared::{ApiError, ErrorCode};
use worker::Response;

#[utoipa::path(post, path = "/v1/sessions", tag = "widget", request_body = loyalty_shared::api::StartSessionRequest,
    responses((status = 201, body = loyalty_shared::api::SessionStarted), (status = "default", description = "Error (origin_not_allowed, merchant_not_found, malformed_json, invalid_request)", body = loyalty_shared::ErrorBody)))]
pub async fn start(mut call: Call) -> ApiResult<Response> {
    let origin = cors::origin(&call.req);
    let body: StartSessionRequest = call.json(call.locale).await?;
    let db = &call.db;
    let merchant = merchant::load(db, &call.env, &body.merchant_id, body.locale).await?;
    // The browser says which page asks; only the merchant's own storefronts may.
    let origin = origin
        .as_deref()
        .filter(|o| merchant.origin_allowed(o))
        .ok_or_else(|| ApiError::new(ErrorCode::OriginNotAllowed, body.locale))?;
    if body.cart_id.trim().is_empty() || body.cart_id.len() > 128 {
        return Err(ApiError::new(ErrorCode::InvalidRequest, body.locale).with_field("cart_id"));
    }
    let email = optional_email(body.email.as_deref(), body.locale)?;
    let (_, token) = sessions::create(
        db,
        NewSession {
            merchant_id: &merchant.id,
            cart_id: &body.cart_id,
            amount: body.amount,
            locale: body.locale,
            origin: Some(origin),
            email,
        },
        call.now,
    )
    .await?;
    let response = reply(
        &SessionStarted {
            session_token: token,
            expires_in_seconds: SESSION_TTL_SECONDS as u32,
            merchant_name: merchant.name.clone(),
            accepts_iban: merchant.accept_iban,
        },
        201,
    )?;
    cors::grant(response, origin).map_err(|e| internal("cors", e))
}

#[utoipa::path(patch, path = "/v1/sessions/current", tag = "widget", request_body = loyalty_shared::api::UpdateCartRequest, security(("session" = [])),
    responses((status = 200, description = "The new cart amount"), (status = "default", description = "Error", body = loyalty_shared::ErrorBody)))]
pub async fn update_cart(mut call: Call, caller: WidgetCaller) -> ApiResult<Response> {
    let WidgetCaller { session } = caller;
    let body: UpdateCartRequest = call.json(session.locale()).await?;
    if body.amount.currency != session.amount().currency {
        return Err(ApiError::new(ErrorCode::InvalidAmount, session.locale()).with_field("amount"));
    }
    sessions::update_amount(&call.db, &session.id, body.amount).await?;
    reply(&serde_json::json!({ "amount": body.amount }), 200)
}
