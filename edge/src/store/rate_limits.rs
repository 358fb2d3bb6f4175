//! The `rate_limits` table: one counter per key and window, counted in one atomic upsert.

use super::Db;
use super::{first, int, statement};
use crate::http::internal;
use crate::http::ApiResult;
use serde::Deserialize;
use worker::D1PreparedStatement;

/// A key's counter after counting one more action.
#[derive(Debug, Deserialize)]
pub struct Counter {
    pub window_start: i64,
    pub count: i64,
}

/// The one counting upsert (`?1` key, `?2` now, `?3` window), after its source row: a new
/// window once the old one passed; the counter as it is now.
macro_rules! counting {
    ($source:literal) => {
        concat!(
            "INSERT INTO rate_limits (key, window_start, count) ",
            $source,
            " ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN window_start + ?3 <= ?2 THEN 1 ELSE count + 1 END,
             window_start = CASE WHEN window_start + ?3 <= ?2 THEN ?2 ELSE window_start END
             RETURNING window_start, count"
        )
    };
}

const COUNT_SQL: &str = counting!("VALUES (?1, ?2, 1)");

/// Counts one guess against the identifier challenge `challenge_id` was sent to
/// (`otp:guess:` + its identity hash, or its id on older rows), only when the statement
/// before it in the batch wrote a row (`changes() = 1`): a guess is counted only by the
/// request that will call the bank.
pub fn guess_counted_if_written(
    db: &Db,
    challenge_id: &str,
    window_seconds: i64,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        counting!(
            "SELECT 'otp:guess:' || COALESCE((SELECT identity_hash FROM otp_challenges WHERE id = ?1), ?1), ?2, 1
             WHERE changes() = 1"
        ),
        &[challenge_id.into(), int(now), int(window_seconds)],
    )
}

/// Counts one code guess against the Pongo number enlisted in the session holding
/// `token_hash` (`pongo:guess:` + its SHA-256), in the caller's first batch. Nothing is
/// counted for a dead session or one without a number's key (enlisted before it was kept).
pub fn phone_guess_counted(
    db: &Db,
    token_hash: &str,
    window_seconds: i64,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        counting!(
            "SELECT 'pongo:guess:' || pongo_phone_key, ?2, 1 FROM sessions
             WHERE token_hash = ?1 AND expires_at > ?2 AND pongo_phone_key IS NOT NULL"
        ),
        &[token_hash.into(), int(now), int(window_seconds)],
    )
}

/// The statement that counts one action for `key`, to batch with a call's first reads:
/// it counts only for a live session (the one holding `token_hash`), so a request with a
/// made-up token spends nobody's budget.
pub fn count_statement(
    db: &Db,
    key: &str,
    window_seconds: i64,
    now: i64,
    token_hash: &str,
) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        counting!(
            "SELECT ?1, ?2, 1 WHERE EXISTS (SELECT 1 FROM sessions WHERE token_hash = ?4 AND expires_at > ?2)"
        ),
        &[key.into(), int(now), int(window_seconds), token_hash.into()],
    )
}

/// A counter as a batch returned it.
pub fn counter_of(result: &worker::D1Result) -> ApiResult<Option<Counter>> {
    result
        .results::<Counter>()
        .map(|rows| rows.into_iter().next())
        .map_err(|e| internal("rate limit row", e))
}

/// Counts one action for `key` (a new window once `window_seconds` passed) and returns the
/// counter as it is now.
pub async fn count(
    db: &Db,
    key: &str,
    window_seconds: i64,
    now: i64,
) -> ApiResult<Option<Counter>> {
    first(
        db,
        COUNT_SQL,
        &[key.into(), int(now), int(window_seconds)],
        "rate limit",
    )
    .await
}

/// Takes one counted action back.
pub async fn uncount(db: &Db, key: &str) -> ApiResult<()> {
    db.execute(uncounted(db, key)?)
        .await
        .map(drop)
        .map_err(|e| internal("rate limit", e))
}

/// The statement that takes one counted action back, to batch with other writes.
pub fn uncounted(db: &Db, key: &str) -> ApiResult<D1PreparedStatement> {
    let sql = "UPDATE rate_limits SET count = count - 1 WHERE key = ?1 AND count > 0";
    statement(db, sql, &[key.into()])
}
