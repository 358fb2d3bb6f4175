//! Forgetting on time: replay records, rate-limit counters and old sessions (which hold
//! full phone numbers and emails) are removed once nothing can need them.

use super::Db;
use super::{changes, int, statement};
use crate::http::{internal, ApiResult};

/// A merchant signature is accepted for 5 minutes either side of now: its replay record is
/// needed for twice that, kept a little longer.
pub const REQUEST_LOG_SECONDS: i64 = 15 * 60;
/// Longer than any rate-limit window or lock.
pub const RATE_LIMIT_SECONDS: i64 = 24 * 3600;
/// A session's personal data outlives it as long as a receipt stays verifiable and a paid
/// order may still name its cart (the Pongo member enlisted on it).
pub const SESSION_SECONDS: i64 = 7 * 24 * 3600;

/// Rows removed or scrubbed by one purge, for the cron's report.
pub async fn purge(db: &Db, now: i64) -> ApiResult<u32> {
    let statements = vec![
        statement(
            db,
            "DELETE FROM merchant_request_log WHERE at < ?1",
            &[int(now - REQUEST_LOG_SECONDS)],
        )?,
        statement(
            db,
            "DELETE FROM rate_limits WHERE window_start < ?1",
            &[int(now - RATE_LIMIT_SECONDS)],
        )?,
        // Challenges no ledger row points at, then sessions nothing points at; the rest keep
        // their rows (the ledger is never deleted) without the personal data.
        statement(
            db,
            "DELETE FROM otp_challenges WHERE session_id IN (SELECT id FROM sessions WHERE expires_at < ?1)
               AND id NOT IN (SELECT challenge_id FROM redemptions)",
            &[int(now - SESSION_SECONDS)],
        )?,
        statement(
            db,
            "DELETE FROM sessions WHERE expires_at < ?1
               AND id NOT IN (SELECT session_id FROM redemptions)
               AND id NOT IN (SELECT session_id FROM otp_challenges)",
            &[int(now - SESSION_SECONDS)],
        )?,
        statement(
            db,
            "UPDATE sessions SET email = NULL, pongo_phone = NULL, pongo_answers = NULL,
               pongo_phone_key = NULL
             WHERE expires_at < ?1
               AND (email IS NOT NULL OR pongo_phone IS NOT NULL OR pongo_answers IS NOT NULL
                 OR pongo_phone_key IS NOT NULL)",
            &[int(now - SESSION_SECONDS)],
        )?,
        // Sent or given-up notices keep their row (one per event) without the address.
        statement(
            db,
            "UPDATE email_outbox SET to_address = '', text_body = ''
             WHERE state IN ('sent', 'failed') AND created_at < ?1 AND to_address != ''",
            &[int(now - SESSION_SECONDS)],
        )?,
    ];
    let results = db
        .batch(statements)
        .await
        .map_err(|e| internal("purge", e))?;
    Ok(results
        .iter()
        .map(|r| u32::try_from(changes(r)).unwrap_or(u32::MAX))
        .sum())
}
