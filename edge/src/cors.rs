//! CORS for widget routes: only a merchant's allowed origins get a grant. A disallowed
//! origin gets no `Access-Control-Allow-Origin`, so the browser refuses the answer.

use crate::store::Db;
use worker::{Request, Response, Result};

/// The grant's header.
pub const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";

/// Methods and headers the widget uses.
const ALLOW_METHODS: &str = "GET, POST, PATCH, OPTIONS";
const ALLOW_HEADERS: &str = "Authorization, Content-Type, Idempotency-Key, Accept-Language";

pub fn origin(req: &Request) -> Option<String> {
    req.headers().get("Origin").ok().flatten()
}

/// Whether any merchant allows `origin` (for preflights, which carry no merchant yet).
pub async fn allowed_by_any_merchant(db: &Db, origin: &str) -> bool {
    crate::store::merchants::any_allows_origin(db, origin)
        .await
        .unwrap_or(false)
}

/// Adds the grant for `origin` to a response.
pub fn grant(mut response: Response, origin: &str) -> Result<Response> {
    let headers = response.headers_mut();
    headers.set(ALLOW_ORIGIN, origin)?;
    headers.set("Vary", "Origin")?;
    headers.set("Access-Control-Expose-Headers", "Retry-After")?;
    Ok(response)
}

/// The answer to a preflight: 204 with a grant for an allowed origin, 204 without one otherwise.
pub async fn preflight(req: &Request, db: &Db) -> Result<Response> {
    let mut response = Response::empty()?.with_status(204);
    if let Some(origin) = origin(req) {
        if allowed_by_any_merchant(db, &origin).await {
            response = grant(response, &origin)?;
            let headers = response.headers_mut();
            headers.set("Access-Control-Allow-Methods", ALLOW_METHODS)?;
            headers.set("Access-Control-Allow-Headers", ALLOW_HEADERS)?;
            headers.set("Access-Control-Max-Age", "600")?;
        }
    }
    Ok(response)
}
