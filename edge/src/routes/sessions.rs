//! `POST /v1/sessions`, `GET` and `PATCH /v1/sessions/current`: the widget's session for a
//! cart, what it offers, and the redemption a reload resumes.

use crate::cors;
use crate::domain::notice::optional_email;
use crate::domain::pongo_orders::earn_preview;
use crate::guards::WidgetCaller;
use crate::http::{internal, ApiResult};
use crate::merchant::{self, Merchant};
use crate::pongo::connection::{self, PongoApp};
use crate::routes::call::{reply, Call};
use crate::routes::mokafaa::redemption_view;
use crate::store::pongo_connections::ConnectionRow;
use crate::store::redemptions;
use crate::store::sessions::{self, NewSession, Session};
use loyalty_shared::api::{
    Program, Redemption, SessionStarted, StartSessionRequest, UpdateCartRequest,
};
use loyalty_shared::{ApiError, ErrorCode};
use worker::Response;

#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/sessions", tag = "widget", request_body = loyalty_shared::api::StartSessionRequest,
    responses((status = 201, body = loyalty_shared::api::SessionStarted), (status = "default", description = "Error (origin_not_allowed, merchant_not_found, malformed_json, invalid_request)", body = loyalty_shared::ErrorBody))))]
pub async fn start(mut call: Call) -> ApiResult<Response> {
    let origin = cors::origin(&call.req);
    let body: StartSessionRequest = call.json(call.locale).await?;
    let locale = body.locale;
    if body.cart_id.trim().is_empty() || body.cart_id.len() > 128 {
        return Err(ApiError::new(ErrorCode::InvalidRequest, locale).with_field("cart_id"));
    }
    let email = optional_email(body.email.as_deref(), locale)?;
    // One round trip: the merchant, its Pongo connection, and the session written only
    // when the browser's page is one of the merchant's own storefronts.
    let new = NewSession {
        merchant_id: &body.merchant_id,
        cart_id: &body.cart_id,
        amount: body.amount,
        locale,
        origin: origin.as_deref(),
        email,
    };
    let opened = sessions::open(&call.db, new, call.now).await?;
    let merchant = merchant::from_row(&call.env, opened.merchant, locale)?;
    let not_allowed = || ApiError::new(ErrorCode::OriginNotAllowed, locale);
    let origin = origin
        .as_deref()
        .filter(|o| merchant.origin_allowed(o))
        .ok_or_else(not_allowed)?;
    let (session, token) = opened.session.ok_or_else(not_allowed)?;
    let started = offer(&call, &merchant, opened.pongo, &session, token, None);
    let response = reply(&started, 201)?;
    cors::grant(response, origin).map_err(|e| internal("cors", e))
}

/// What a session offers: the programs set up for this merchant (Pongo only while its
/// connection works), the cart's earn preview, and the redemption to resume.
fn offer(
    call: &Call,
    merchant: &Merchant,
    pongo: Option<ConnectionRow>,
    session: &Session,
    token: String,
    redemption: Option<Redemption>,
) -> SessionStarted {
    let pongo = PongoApp::from_env(&call.env)
        .ok()
        .and_then(|app| connection::usable(&app, pongo, call.now, session.locale()).ok());
    // The console's choice and order, of the programs that are set up.
    let programs = merchant
        .programs
        .iter()
        .copied()
        .filter(|program| match program {
            Program::Mokafaa => merchant.mokafaa.is_some(),
            Program::Pongo => pongo.is_some(),
        })
        .collect();
    SessionStarted {
        session_token: token,
        expires_in_seconds: u32::try_from(session.expires_at - call.now).unwrap_or(0),
        merchant_name: merchant.name.clone(),
        accepts_iban: merchant.accept_iban,
        verification_methods: merchant.verification_methods.clone(),
        programs,
        redemption,
        earn_preview: pongo.map(|c| earn_preview(&c.partner_parameters, session.amount())),
    }
}

/// `GET /v1/sessions/current`: the session again, for a reload, a second tab or the way
/// back from the payment page: the widget shows the redemption still standing, with its
/// undo, instead of a new form.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/sessions/current", tag = "widget", security(("session" = [])),
    responses((status = 200, body = loyalty_shared::api::SessionStarted), (status = "default", description = "Error (session_invalid, session_expired, origin_not_allowed)", body = loyalty_shared::ErrorBody))))]
pub async fn current(call: Call, caller: WidgetCaller) -> ApiResult<Response> {
    let WidgetCaller {
        session,
        merchant,
        pongo,
        ..
    } = caller;
    let redemption = redemptions::standing_of_session(&call.db, &session.id)
        .await?
        .map(|row| redemption_view(&call.env, &row, None, call.now));
    let token = crate::http::bearer(&call.req).unwrap_or_default();
    let started = offer(&call, &merchant, pongo, &session, token, redemption);
    reply(&started, 200)
}

#[cfg_attr(feature = "openapi", utoipa::path(patch, path = "/v1/sessions/current", tag = "widget", request_body = loyalty_shared::api::UpdateCartRequest, security(("session" = [])),
    responses((status = 200, description = "The new cart amount"), (status = "default", description = "Error", body = loyalty_shared::ErrorBody))))]
pub async fn update_cart(mut call: Call, caller: WidgetCaller) -> ApiResult<Response> {
    let WidgetCaller { session, .. } = caller;
    let body: UpdateCartRequest = call.json(session.locale()).await?;
    if body.amount.currency != session.amount().currency {
        return Err(ApiError::new(ErrorCode::InvalidAmount, session.locale()).with_field("amount"));
    }
    sessions::update_amount(&call.db, &session.id, body.amount).await?;
    reply(&serde_json::json!({ "amount": body.amount }), 200)
}
