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
    match take(db, key, limit, now).await? {
        Taken::Allowed { .. } => Ok(()),
        Taken::Refused { wait } => {
            Err(ApiError::new(ErrorCode::RateLimited, locale).with_retry_after(wait))
        }
    }
}

/// What one atomic count said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// Counted; this many more are allowed in the window.
    Allowed { left: u32 },
    /// Over the limit until the window ends, in this many seconds.
    Refused { wait: u32 },
}

/// Gives back one counted action (it turned out not to be what the limit counts, e.g. a
/// code that was right).
pub async fn give_back(db: &D1Database, key: &str) -> ApiResult<()> {
    statement(
        db,
        "UPDATE rate_limits SET count = count - 1 WHERE key = ?1 AND count > 0",
        &[key.into()],
    )?
    .run()
    .await
    .map_err(|e| internal("rate limit", e))?;
    Ok(())
}

/// Counts one action for `key` in one atomic upsert, before the action happens, so
/// concurrent requests can never all slip under the limit.
pub async fn take(db: &D1Database, key: &str, limit: Limit, now: i64) -> ApiResult<Taken> {
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
        return Ok(Taken::Allowed { left: limit.max });
    };
    let count = u32::try_from(counter.count).unwrap_or(u32::MAX);
    Ok(match verdict(counter.window_start, count, now, limit) {
        None => Taken::Allowed {
            left: limit.max.saturating_sub(count),
        },
        Some(wait) => Taken::Refused { wait },
    })
}

/// The client's IP as Cloudflare reports it (`CF-Connecting-IP`; absent in some local runs).
/// An IPv6 client is keyed by its /64 (one subscriber's network), so rotating addresses
/// within it does not multiply the budget.
pub fn client_ip(req: &Request) -> String {
    let ip = req
        .headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .unwrap_or_else(|| "unknown".to_string());
    crate::domain::rate_limit::ip_key(&ip)
}
