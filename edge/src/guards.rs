//! Who may call a route, checked the same way everywhere it applies.

use crate::cors;
use crate::http::{bearer, internal, now, request_locale, ApiResult};
use crate::routes::DB_BINDING;
use crate::store::sessions::{self, Session};
use loyalty_shared::{ApiError, ErrorCode};
use worker::{D1Database, Env, Request};

/// A widget route's caller, checked by the pipeline before the handler runs: a handler that
/// takes one can only be registered as a widget route, and a widget route always gets one.
pub struct WidgetCaller {
    pub db: D1Database,
    pub session: Session,
    pub now: i64,
}

/// The guard of every widget route (see [`widget_session`]).
pub async fn widget_caller(req: &Request, env: &Env) -> ApiResult<WidgetCaller> {
    let db = env.d1(DB_BINDING).map_err(|e| internal("d1 binding", e))?;
    let now = now(env).await;
    let session = widget_session(req, &db, now).await?;
    Ok(WidgetCaller { db, session, now })
}

/// The widget's caller: a live session bearer, used from the storefront origin the session
/// was opened on (a token taken to another site does not work there). Every widget route
/// goes through here.
async fn widget_session(req: &Request, db: &D1Database, now: i64) -> ApiResult<Session> {
    let session = sessions::authenticate(db, bearer(req), now, request_locale(req)).await?;
    if let Some(origin) = cors::origin(req) {
        if session.origin.as_deref() != Some(origin.as_str()) {
            return Err(ApiError::new(ErrorCode::OriginNotAllowed, session.locale()));
        }
    }
    Ok(session)
}
