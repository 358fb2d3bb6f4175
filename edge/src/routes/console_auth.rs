//! Signing in to the console: an invitation accepted once, a sign-in link emailed to an
//! admin (short-lived, single use, hashed at rest), the session cookie they open, who is
//! signed in (with the CSRF token), and signing out.

use crate::guards::{session_cookie, ConsoleAdmin, ADMIN_SESSION_SECONDS};
use crate::http::{internal, ApiResult};
use crate::notify::Mailer;
use crate::routes::call::{reply, Call};
use crate::secure::{random_hex, sha256_hex};
use crate::store::audit::{self, Change};
use crate::store::console::{self, LinkKind, NewLink};
use loyalty_shared::api::{AdminMe, LinkToken, SignInRequest};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use worker::Response;

/// How long an emailed sign-in link works.
const SIGN_IN_TTL_SECONDS: i64 = 15 * 60;
/// Sign-in links one address may be sent per hour.
const SIGN_IN_LINKS_PER_HOUR: u32 = 5;

/// The edge's own origin (`https://edge.example`), for links and the embed snippet.
pub fn own_origin(call: &Call) -> ApiResult<String> {
    let url = call.req.url().map_err(|e| internal("request url", e))?;
    Ok(url.origin().ascii_serialization())
}

/// An email address as typed, trimmed and lower-cased; `invalid_request` when it is not one.
pub fn email_address(text: &str) -> ApiResult<String> {
    let email = text.trim().to_ascii_lowercase();
    let plausible = email.len() <= 254
        && email.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.starts_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if plausible {
        Ok(email)
    } else {
        Err(ApiError::new(ErrorCode::InvalidRequest, Locale::En)
            .with_field("email")
            .with_message("Enter an email address, like owner@shop.example."))
    }
}

/// A link is spent and a sign-in asked for only from the console's own page.
fn from_console(call: &Call) -> ApiResult<()> {
    if crate::guards::same_origin(call)? {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::CsrfInvalid, Locale::En))
    }
}

/// Spends a link and answers with the signed-in admin and the session cookie.
async fn spend(call: &Call, kind: LinkKind, token: &str) -> ApiResult<Response> {
    from_console(call)?;
    let session_token = random_hex(32).map_err(|e| internal("random", e))?;
    let spender = random_hex(16).map_err(|e| internal("random", e))?;
    let session = (
        sha256_hex(session_token.as_bytes()),
        call.now + ADMIN_SESSION_SECONDS,
    );
    let opened = console::spend_link(
        &call.db,
        kind,
        &sha256_hex(token.trim().as_bytes()),
        &spender,
        (&session.0, session.1),
        call.now,
    )
    .await?
    .ok_or_else(|| ApiError::new(ErrorCode::LinkInvalid, Locale::En))?;
    if kind == LinkKind::Invitation {
        let joined = Change {
            merchant_id: &opened.merchant_id,
            actor: &opened.email,
            action: "admin.joined",
            subject: Some(&opened.email),
            old_value: None,
            new_value: None,
        };
        crate::store::batch(
            &call.db,
            vec![audit::record(&call.db, &joined, call.now)?],
            "audit",
        )
        .await?;
    }
    let me = AdminMe {
        merchant_id: opened.merchant_id,
        merchant_name: opened.merchant_name,
        email: opened.email,
        csrf_token: crate::guards::csrf_of(&session_token),
        edge_origin: own_origin(call)?,
    };
    let mut response = reply(&me, 200)?;
    response
        .headers_mut()
        .set(
            "Set-Cookie",
            &session_cookie(&session_token, ADMIN_SESSION_SECONDS),
        )
        .map_err(|e| internal("cookie", e))?;
    Ok(response)
}

/// `POST /v1/admin/invitations/accept`: the invitation's first use makes its email an admin
/// and signs them in; any later use is `link_invalid`.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/admin/invitations/accept", tag = "console", request_body = loyalty_shared::api::LinkToken,
    responses((status = 200, body = loyalty_shared::api::AdminMe), (status = "default", description = "Error (link_invalid)", body = loyalty_shared::ErrorBody))))]
pub async fn accept(mut call: Call) -> ApiResult<Response> {
    let body: LinkToken = call.json(Locale::En).await?;
    spend(&call, LinkKind::Invitation, &body.token).await
}

/// `POST /v1/admin/sign-in/complete`: an emailed link's token, once, within 15 minutes.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/admin/sign-in/complete", tag = "console", request_body = loyalty_shared::api::LinkToken,
    responses((status = 200, body = loyalty_shared::api::AdminMe), (status = "default", description = "Error (link_invalid)", body = loyalty_shared::ErrorBody))))]
pub async fn complete(mut call: Call) -> ApiResult<Response> {
    let body: LinkToken = call.json(Locale::En).await?;
    spend(&call, LinkKind::SignIn, &body.token).await
}

/// `POST /v1/admin/sign-in`: emails a sign-in link to each merchant the address is an admin
/// of. The answer is the same for any address, so it tells nobody who is an admin.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/admin/sign-in", tag = "console", request_body = loyalty_shared::api::SignInRequest,
    responses((status = 202, description = "A link is on its way if the address is an admin's"), (status = "default", description = "Error (invalid_request)", body = loyalty_shared::ErrorBody))))]
pub async fn sign_in(mut call: Call) -> ApiResult<Response> {
    from_console(&call)?;
    let body: SignInRequest = call.json(Locale::En).await?;
    let email = email_address(&body.email)?;
    let db = &call.db;
    let sent = console::links_sent_since(db, &email, call.now - 3600).await?;
    let admins = if sent < SIGN_IN_LINKS_PER_HOUR {
        console::admin_of(db, &email).await?
    } else {
        worker::console_warn!("sign-in links: hourly cap reached for one address");
        Vec::new()
    };
    let mailer = Mailer::from_env(&call.env);
    let origin = own_origin(&call)?;
    for admin in admins {
        let token = random_hex(32).map_err(|e| internal("random", e))?;
        let link = NewLink {
            token_hash: &sha256_hex(token.as_bytes()),
            kind: LinkKind::SignIn,
            merchant_id: &admin.merchant_id,
            email: &email,
            expires_at: call.now + SIGN_IN_TTL_SECONDS,
        };
        console::save_link(db, &link, call.now).await?;
        let text = format!(
            "Sign in to the Loyalty Checkout console for {}:\n\n{origin}/admin/#sign-in={token}\n\nThe link works once, for 15 minutes. If you did not ask for it, ignore this email.",
            admin.merchant_id
        );
        if let Some(mailer) = &mailer {
            db.tally().upstream();
            if !mailer
                .send(
                    None,
                    &email,
                    "Your Loyalty Checkout sign-in link",
                    &text,
                    "console-sign-in",
                )
                .await
            {
                worker::console_warn!("sign-in link: the email provider refused");
            }
        }
    }
    reply(&serde_json::json!({}), 202)
}

/// `GET /v1/admin/me`: who is signed in, and the CSRF token for this session.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/admin/me", tag = "console", security(("console" = [])),
    responses((status = 200, body = loyalty_shared::api::AdminMe), (status = "default", description = "Error (unauthorized)", body = loyalty_shared::ErrorBody))))]
pub async fn me(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let me = AdminMe {
        merchant_id: admin.merchant_id,
        merchant_name: admin.merchant_name,
        email: admin.email,
        csrf_token: admin.csrf_token,
        edge_origin: own_origin(&call)?,
    };
    reply(&me, 200)
}

/// `POST /v1/admin/sign-out`: ends the session here and in the browser.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/admin/sign-out", tag = "console", security(("console" = [])),
    responses((status = 204, description = "Signed out"), (status = "default", description = "Error (unauthorized, csrf_invalid)", body = loyalty_shared::ErrorBody))))]
pub async fn sign_out(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    console::end_session(&call.db, admin.session_hash()).await?;
    let mut response = Response::empty()
        .map_err(|e| internal("response", e))?
        .with_status(204);
    response
        .headers_mut()
        .set("Set-Cookie", &session_cookie("", 0))
        .map_err(|e| internal("cookie", e))?;
    Ok(response)
}
