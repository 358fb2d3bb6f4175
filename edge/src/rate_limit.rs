//! Rate limits kept in D1 (`store::rate_limits`, one atomic upsert per check), applied before
//! any upstream call.

use crate::domain::rate_limit::{verdict, Limit};
use crate::http::bearer;
use crate::http::ApiResult;
use crate::routes::call::Call;
use crate::store::Db;
use crate::store::{rate_limits, sessions};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use worker::{D1PreparedStatement, D1Result, Request};

/// `default`, or the operator's `max/window_seconds` from the Worker var `name`.
pub fn configured(env: &worker::Env, name: &str, default: Limit) -> Limit {
    env.var(name)
        .ok()
        .and_then(|v| Limit::parse(&v.to_string()))
        .unwrap_or(default)
}

/// A call's counters: per client IP and, when given, per identifier (a phone, an account).
pub struct Checks(Vec<(String, Limit)>);

impl Checks {
    pub fn for_caller(
        call: &Call,
        kind: &str,
        per_ip: (&str, Limit),
        per_identifier: Option<(&str, Limit, &str)>,
    ) -> Checks {
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
        Checks(checks)
    }

    /// Only the identifier's counter (a call whose client IP was counted already).
    pub fn per_identifier(call: &Call, kind: &str, per_identifier: (&str, Limit, &str)) -> Checks {
        let (var, default, who) = per_identifier;
        Checks(vec![(
            format!("{kind}:id:{who}"),
            configured(&call.env, var, default),
        )])
    }

    /// Counts in a round trip of their own and refuses past a limit.
    pub async fn take(&self, call: &Call, locale: Locale) -> ApiResult<()> {
        let statements = self.statements(call)?;
        let results = crate::store::batch(&call.db, statements, "rate limit").await?;
        self.verdict(&results, call.now, locale)
    }

    /// The counting statements, to batch with the call's first reads; they count only for
    /// the caller's live session.
    pub fn statements(&self, call: &Call) -> ApiResult<Vec<D1PreparedStatement>> {
        let token_hash = sessions::token_hash(&bearer(&call.req).unwrap_or_default());
        self.0
            .iter()
            .map(|(key, limit)| {
                rate_limits::count_statement(
                    &call.db,
                    key,
                    limit.window_seconds,
                    call.now,
                    &token_hash,
                )
            })
            .collect()
    }

    /// The first counter's key and its most allowed (the client IP's, for `for_caller`),
    /// for a write that must not happen past it.
    pub fn first_limit(&self) -> (&str, u32) {
        self.0
            .first()
            .map(|(key, limit)| (key.as_str(), limit.max))
            .unwrap_or(("", u32::MAX))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The verdict on the counters the batch returned, in order: the first refusal answers.
    pub fn verdict(&self, results: &[D1Result], now: i64, locale: Locale) -> ApiResult<()> {
        for ((_, limit), result) in self.0.iter().zip(results) {
            let counter = rate_limits::counter_of(result)?;
            if let Taken::Refused { wait } = taken(counter, *limit, now) {
                return Err(ApiError::new(ErrorCode::RateLimited, locale).with_retry_after(wait));
            }
        }
        Ok(())
    }
}

/// Counts the call's actions in one round trip and refuses past a limit.
pub async fn for_caller(
    call: &Call,
    kind: &str,
    per_ip: (&str, Limit),
    per_identifier: Option<(&str, Limit, &str)>,
    locale: Locale,
) -> ApiResult<()> {
    Checks::for_caller(call, kind, per_ip, per_identifier)
        .take(call, locale)
        .await
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
