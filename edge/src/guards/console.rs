//! The console's two callers: the operator (one `OPERATOR_TOKEN` bearer, for creating
//! merchants and inviting their admins) and a merchant's admin (a session cookie from a
//! one-time link, scoped to that merchant, with a CSRF token on every change).

use crate::http::{bearer, cookie, internal, ApiResult};
use crate::routes::call::Call;
use crate::secure::sha256_hex;
use crate::store::console;
use loyalty_shared::{ApiError, ErrorCode, Locale};
use subtle::ConstantTimeEq;
use worker::Method;

/// The admin session's cookie: HttpOnly, Secure, SameSite=Strict, only for the admin API.
pub const ADMIN_COOKIE: &str = "lc_admin";
/// The header every state-changing console call carries.
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// How long an admin stays signed in.
pub const ADMIN_SESSION_SECONDS: i64 = 8 * 60 * 60;

/// The operator of this edge. Only this module can make one.
pub struct Operator(());

pub fn operator(call: &Call) -> ApiResult<Operator> {
    let unauthorized = || ApiError::new(ErrorCode::Unauthorized, Locale::En);
    let expected = call
        .env
        .secret("OPERATOR_TOKEN")
        .map_err(|_| unauthorized())?
        .to_string();
    let given = bearer(&call.req).ok_or_else(unauthorized)?;
    if expected.len() >= 16 && bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(Operator(()))
    } else {
        Err(unauthorized())
    }
}

/// A merchant's admin, signed in. Every console handler is given one and reads and writes
/// only `merchant_id`'s data.
pub struct ConsoleAdmin {
    pub merchant_id: String,
    pub merchant_name: String,
    pub email: String,
    pub csrf_token: String,
    session_hash: String,
}

impl ConsoleAdmin {
    pub fn session_hash(&self) -> &str {
        &self.session_hash
    }
}

/// The CSRF token of a session: derived from its secret cookie, so only a page that was
/// given it (by `GET /v1/admin/me`, same origin) can send it.
pub fn csrf_of(session_token: &str) -> String {
    sha256_hex(format!("csrf:{session_token}").as_bytes())
}

/// The `Set-Cookie` value opening (or, with an empty token and 0 seconds, ending) a session.
pub fn session_cookie(token: &str, max_age: i64) -> String {
    format!("{ADMIN_COOKIE}={token}; Path=/v1/admin; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age}")
}

pub async fn console_admin(call: &Call) -> ApiResult<ConsoleAdmin> {
    let unauthorized = || ApiError::new(ErrorCode::Unauthorized, Locale::En);
    let token = cookie(&call.req, ADMIN_COOKIE).ok_or_else(unauthorized)?;
    let session_hash = sha256_hex(token.as_bytes());
    let opened = console::session(&call.db, &session_hash, call.now)
        .await?
        .ok_or_else(unauthorized)?;
    let csrf_token = csrf_of(&token);
    if !matches!(call.req.method(), Method::Get | Method::Head) {
        let given = call
            .req
            .headers()
            .get(CSRF_HEADER)
            .ok()
            .flatten()
            .unwrap_or_default();
        let same_origin = same_origin(call)?;
        if !same_origin || !bool::from(given.as_bytes().ct_eq(csrf_token.as_bytes())) {
            return Err(ApiError::new(ErrorCode::CsrfInvalid, Locale::En));
        }
    }
    Ok(ConsoleAdmin {
        merchant_id: opened.merchant_id,
        merchant_name: opened.merchant_name,
        email: opened.email,
        csrf_token,
        session_hash,
    })
}

/// A browser's `Origin`, when it sends one, is the console's own.
pub fn same_origin(call: &Call) -> ApiResult<bool> {
    let Some(origin) = call.req.headers().get("Origin").ok().flatten() else {
        return Ok(true);
    };
    let own = call.req.url().map_err(|e| internal("request url", e))?;
    Ok(own.origin().ascii_serialization() == origin)
}
