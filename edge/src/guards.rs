//! Who may call a route, checked the same way everywhere it applies.

use crate::cors;
use crate::http::{bearer, request_locale, ApiResult};
use crate::store::sessions::{self, Session};
use loyalty_shared::{ApiError, ErrorCode};
use worker::{D1Database, Request};

/// The widget's caller: a live session bearer, used from the storefront origin the session
/// was opened on (a token taken to another site does not work there). Every widget route
/// goes through here.
pub async fn widget_session(req: &Request, db: &D1Database, now: i64) -> ApiResult<Session> {
    let session = sessions::authenticate(db, bearer(req), now, request_locale(req)).await?;
    if let Some(origin) = cors::origin(req) {
        if session.origin.as_deref() != Some(origin.as_str()) {
            return Err(ApiError::new(ErrorCode::OriginNotAllowed, session.locale()));
        }
    }
    Ok(session)
}
