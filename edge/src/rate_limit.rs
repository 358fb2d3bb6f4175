//! Rate limits kept in D1 (one atomic upsert per check), applied before any upstream call.

use crate::domain::rate_limit::{verdict, Limit};
use crate::http::{internal, ApiResult};
use crate::store::{int, statement};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use serde::Deserialize;
use worker::{D1Database, Request};

/// `default`, or the operator's `max/window_seconds` from the Worker var `name`.
pub fn configured(env: &worker::Env, name: &str, default: Limit) -> Limit {
    env.var(name)
        .ok()
        .and_then(|v| Limit::parse(&v.to_string()))
        .unwrap_or(default)
}

/// Counts one action for `key` and refuses with `rate_limited` past the limit.
pub async fn check(
    db: &D1Database,
    key: &str,
    limit: Limit,
    now: i64,
    locale: Locale,
) -> ApiResult<()> {
    #[derive(Deserialize)]
    struct Counter {
        window_start: i64,
        count: i64,
    }
    let counter: Option<Counter> = statement(
        db,
        "INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
         ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN window_start + ?3 <= ?2 THEN 1 ELSE count + 1 END,
             window_start = CASE WHEN window_start + ?3 <= ?2 THEN ?2 ELSE window_start END
         RETURNING window_start, count",
        &[key.into(), int(now), int(limit.window_seconds)],
    )?
    .first(None)
    .await
    .map_err(|e| internal("rate limit", e))?;
    let Some(counter) = counter else {
        return Ok(());
    };
    match verdict(
        counter.window_start,
        u32::try_from(counter.count).unwrap_or(u32::MAX),
        now,
        limit,
    ) {
        None => Ok(()),
        Some(wait) => Err(ApiError::new(ErrorCode::RateLimited, locale).with_retry_after(wait)),
    }
}

/// The client's IP as Cloudflare reports it (`CF-Connecting-IP`; absent in some local runs).
pub fn client_ip(req: &Request) -> String {
    req.headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .unwrap_or_else(|| "unknown".to_string())
}
