//! JSON responses in the API's one error shape.

use loyalty_shared::ApiError;
use serde::Serialize;
use worker::{Response, Result};

/// A JSON body with a status code and no caching: every API answer is personal or live.
pub fn json_response<T: Serialize>(body: &T, status: u16) -> Result<Response> {
    let mut response = Response::from_json(body)?.with_status(status);
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

/// `{"error":{"code","message",...}}` with the code's HTTP status.
pub fn error_response(error: &ApiError) -> Result<Response> {
    json_response(&error.clone().into_body(), error.http_status())
}
