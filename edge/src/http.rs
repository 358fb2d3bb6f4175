//! HTTP plumbing shared by the routes: JSON in and out in the API's one error shape,
//! bearer tokens, and the clock.

use loyalty_shared::{ApiError, ErrorCode, Locale};
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Request, Response, Result};

/// What a route handler returns: a response, or an error in the contract's shape.
pub type ApiResult<T> = std::result::Result<T, ApiError>;

/// A JSON body with a status code and no caching: every API answer is personal or live.
pub fn json_response<T: Serialize>(body: &T, status: u16) -> Result<Response> {
    let mut response = Response::from_json(body)?.with_status(status);
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

/// `{"error":{"code","message",...}}` with the code's HTTP status.
pub fn error_response(error: &ApiError) -> Result<Response> {
    let mut response = json_response(&error.clone().into_body(), error.http_status())?;
    if let Some(seconds) = error.retry_after_seconds {
        response
            .headers_mut()
            .set("Retry-After", &seconds.to_string())?;
    }
    Ok(response)
}

/// Turns a handler's outcome into a response; nothing escapes as a bare 500.
pub fn respond(outcome: ApiResult<Response>) -> Result<Response> {
    match outcome {
        Ok(response) => Ok(response),
        Err(error) => error_response(&error),
    }
}

/// An unexpected platform failure (D1, fetch plumbing): logged, answered as `internal`.
/// The message logged is the platform's, which never contains request data.
pub fn internal(context: &str, err: impl std::fmt::Display) -> ApiError {
    worker::console_error!("{context}: {err}");
    ApiError::new(ErrorCode::Internal, Locale::En)
}

/// The largest request body any route reads: every API body is a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The pure half of [`read_json`]: a too-large body is `payload_too_large`, a wrong shape
/// `invalid_request` naming the top-level `field` at fault.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], locale: Locale) -> ApiResult<T> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::new(ErrorCode::PayloadTooLarge, locale));
    }
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let parsed: T = serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        let field = e.path().iter().find_map(|segment| match segment {
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            _ => None,
        });
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let error = ApiError::new(ErrorCode::InvalidRequest, locale).with_message(format!(
                    "{}: {inner}",
                    ErrorCode::InvalidRequest.message(locale)
                ));
                match field {
                    Some(f) => error.with_field(&f),
                    None => error,
                }
            }
            _ => ApiError::new(ErrorCode::MalformedJson, locale),
        }
    })?;
    reader
        .end()
        .map_err(|_| ApiError::new(ErrorCode::MalformedJson, locale))?;
    Ok(parsed)
}

/// The token of an `Authorization: Bearer ...` header.
pub fn bearer(req: &Request) -> Option<String> {
    let value = req.headers().get("Authorization").ok().flatten()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// The shopper's language from `Accept-Language`, for errors before a session exists.
pub fn request_locale(req: &Request) -> Locale {
    req.headers()
        .get("Accept-Language")
        .ok()
        .flatten()
        .map(|v| Locale::from_tag(&v))
        .unwrap_or_default()
}

/// Unix seconds. In the local stack `SIM_CLOCK_URL` points at the simulators' clock, so
/// tests can move time for the edge and the providers together; in production it is unset
/// and the edge uses real time.
pub async fn now(env: &worker::Env) -> i64 {
    let real = (worker::Date::now().as_millis() / 1000) as i64;
    let Ok(url) = env.var("SIM_CLOCK_URL").map(|v| v.to_string()) else {
        return real;
    };
    #[derive(serde::Deserialize)]
    struct Clock {
        now: i64,
    }
    match reqwest::get(&url).await {
        Ok(response) => response
            .json::<Clock>()
            .await
            .map(|c| c.now)
            .unwrap_or(real),
        Err(_) => real,
    }
}
