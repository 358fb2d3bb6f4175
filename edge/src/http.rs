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
    serde_json::from_slice(bytes).map_err(|e| shape_error(bytes, &e, locale))
}

/// The error for a body that did not parse. Not generic, so the worker carries it once
/// rather than once per body type.
fn shape_error(bytes: &[u8], error: &serde_json::Error, locale: Locale) -> ApiError {
    if error.classify() != serde_json::error::Category::Data {
        return ApiError::new(ErrorCode::MalformedJson, locale);
    }
    let message = format!("{}: {error}", ErrorCode::InvalidRequest.message(locale));
    let invalid = ApiError::new(ErrorCode::InvalidRequest, locale).with_message(message);
    match field_at_fault(bytes, error) {
        Some(field) => invalid.with_field(&field),
        None => invalid,
    }
}

/// The top-level key whose value holds the error's position; else the key a missing or
/// unknown field error names (those point at the object, not at a value).
fn field_at_fault(bytes: &[u8], error: &serde_json::Error) -> Option<String> {
    let position = position_of(bytes, error.line(), error.column());
    let top: std::collections::BTreeMap<String, &serde_json::value::RawValue> =
        serde_json::from_slice(bytes).ok()?;
    let base = bytes.as_ptr() as usize;
    let holding = top.iter().find(|(_, raw)| {
        let start = raw.get().as_ptr() as usize - base;
        (start..start + raw.get().len()).contains(&position)
    });
    if let Some((key, _)) = holding {
        return Some(key.clone());
    }
    let text = error.to_string();
    let named = text
        .strip_prefix("missing field `")
        .or_else(|| text.strip_prefix("unknown field `"))?;
    named.split('`').next().map(str::to_string)
}

/// The byte offset of serde_json's (1-based line, column) in `bytes`.
fn position_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = bytes
        .split(|b| *b == b'\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    line_start + column.saturating_sub(1)
}

/// The token of an `Authorization: Bearer ...` header.
pub fn bearer(req: &Request) -> Option<String> {
    let value = req.headers().get("Authorization").ok().flatten()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// Cookie `name` of the request.
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("Cookie").ok().flatten()?;
    header.split(';').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        quantity: u32,
    }

    #[allow(dead_code)]
    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Body {
        order_id: String,
        amount_minor: u64,
        lines: Vec<Inner>,
    }

    fn field_of(body: &str) -> (ErrorCode, Option<String>) {
        let error = parse_json::<Body>(body.as_bytes(), Locale::En).unwrap_err();
        (error.code, error.field)
    }

    #[test]
    fn a_wrong_shape_names_the_top_level_field_at_fault() {
        let invalid = |f: &str| (ErrorCode::InvalidRequest, Some(f.to_string()));
        assert_eq!(
            field_of(r#"{"order_id":"A","amount_minor":"ten","lines":[]}"#),
            invalid("amount_minor")
        );
        assert_eq!(
            field_of(r#"{"order_id":"A","amount_minor":-1,"lines":[]}"#),
            invalid("amount_minor")
        );
        assert_eq!(
            field_of(r#"{"amount_minor":5,"lines":[]}"#),
            invalid("order_id")
        );
        assert_eq!(
            field_of(r#"{"order_id":"A","amount_minor":5,"lines":[],"extra":1}"#),
            invalid("extra")
        );
        assert_eq!(
            field_of(r#"{"order_id":"A","amount_minor":5,"lines":[{"quantity":"x"}]}"#),
            invalid("lines")
        );
        assert_eq!(
            field_of("{\n  \"order_id\": \"A\",\n  \"lines\": [{}],\n  \"amount_minor\": 5\n}"),
            invalid("lines")
        );
        assert_eq!(
            field_of("{\"order_id\": 7,\n \"amount_minor\": 5, \"lines\": []}"),
            invalid("order_id")
        );
    }

    #[test]
    fn broken_json_is_malformed_not_a_shape_error() {
        assert_eq!(
            field_of(r#"{"order_id":"A""#),
            (ErrorCode::MalformedJson, None)
        );
        assert_eq!(
            field_of(r#"{"order_id":"A","amount_minor":5,"lines":[]} x"#),
            (ErrorCode::MalformedJson, None)
        );
        assert_eq!(field_of("[1,2]").0, ErrorCode::InvalidRequest);
    }
}
