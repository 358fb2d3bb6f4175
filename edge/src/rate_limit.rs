//! Rate limits kept in D1 (`store::rate_limits`, one atomic upsert per check), applied before
//! any upstream call.

use crate::domain::rate_limit::{verdict, Limit};
use crate::http::ApiResult;
use crate::routes::call::Call;
use crate::store::rate_limits;
use crate::store::Db;
use loyalty_shared::{ApiError, ErrorCode, Locale};
use worker::Request;

/// `default`, or the operator's `max/window_seconds` from the Worker var `name`.
pub fn configured(env: &worker::Env, name: &str, default: Limit) -> Limit {
    env.var(name)
        .ok()
        .and_then(|v| Limit::parse(&v.to_string()))
        .unwrap_or(default)
}

/// Counts one action of `kind` for the caller's IP and, when given, the identifier's key;
/// each limit is the operator's Worker var or the default.
pub async fn for_caller(
    call: &Call,
    kind: &str,
    per_ip: (&str, Limit),
    per_identifier: Option<(&str, Limit, &str)>,
    locale: Locale,
) -> ApiResult<()> {
    let mut checks = vec![(
        format!("{kind}:ip:{}", client_ip(&call.req)),
        configured(&call.env, per_ip.0, per_ip.1),
    )];
    if let Some((var, default, who)) = per_identifier {
        checks.push((
            format!("{kind}:id:{who}"),
            configured(&call.env, var, default),
        ));
    }
    // Both counters in one round trip; the first refusal answers.
    let keys: Vec<(&str, i64)> = checks
        .iter()
        .map(|(key, limit)| (key.as_str(), limit.window_seconds))
        .collect();
    let counters = rate_limits::count_each(&call.db, &keys, call.now).await?;
    for ((_, limit), counter) in checks.iter().zip(counters) {
        if let Taken::Refused { wait } = taken(counter, *limit, call.now) {
            return Err(ApiError::new(ErrorCode::RateLimited, locale).with_retry_after(wait));
        }
    }
    Ok(())
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
pub async fn give_back(db: &Db, key: &str) -> ApiResult<()> {
    rate_limits::uncount(db, key).await
}

/// Counts one action for `key` in one atomic upsert, before the action happens, so
/// concurrent requests can never all slip under the limit.
pub async fn take(db: &Db, key: &str, limit: Limit, now: i64) -> ApiResult<Taken> {
    let counter = rate_limits::count(db, key, limit.window_seconds, now).await?;
    Ok(taken(counter, limit, now))
}

/// The verdict on a counter just counted (absent: nothing was counted, nothing refused).
pub fn taken(counter: Option<rate_limits::Counter>, limit: Limit, now: i64) -> Taken {
    let Some(counter) = counter else {
        return Taken::Allowed { left: limit.max };
    };
    let count = u32::try_from(counter.count).unwrap_or(u32::MAX);
    match verdict(counter.window_start, count, now, limit) {
        None => Taken::Allowed {
            left: limit.max.saturating_sub(count),
        },
        Some(wait) => Taken::Refused { wait },
    }
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
