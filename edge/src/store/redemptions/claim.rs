//! Claiming an idempotency key: the one statement that decides whether a redeem request
//! calls the bank (one row per key, one standing redemption per cart). It runs in the
//! caller's first batch, so a redeem costs one round trip before the bank and one after.

use super::{RedemptionRow, COLUMNS, SELECT_COLUMNS};
use crate::domain::ledger::Actor;
use crate::http::ApiResult;
use crate::store::rate_limits::{self, Counter};
use crate::store::{changes, first, first_of, int, statement, Db};
use loyalty_shared::api::RedemptionState;
use loyalty_shared::Money;
use worker::{D1PreparedStatement, D1Result};

/// Why a request that passed every check claimed nothing: the cart's redemption.
#[derive(Debug, PartialEq, Eq)]
pub enum CartHolder {
    /// This session's other attempt (another key) is still waiting for the bank.
    OwnAttemptPending,
    /// The cart already has a redemption standing, or pending in another session: one cart
    /// is paid with points once.
    Taken,
}

/// A redeem request's claim, from what the request itself carries. The caller's session,
/// merchant and challenge are read in the same batch, so the guard's rules are in SQL: the
/// live session holding the token, from its storefront, the session's own challenge, the
/// client IP within its limit.
pub struct ClaimAsk<'a> {
    /// The row's id if this request creates it.
    pub id: &'a str,
    pub token_hash: &'a str,
    /// The request's `Origin`, when it sent one.
    pub origin: Option<&'a str>,
    pub key: &'a str,
    pub request_hash: &'a str,
    pub challenge_id: &'a str,
    pub amount: Money,
    pub actor: Actor,
    /// The client IP's counter (counted earlier in the same batch) and its limit.
    pub ip_limit: (&'a str, u32),
    /// The identifier's guess window (`otp:guess:` + the challenge's identity).
    pub guess_window_seconds: i64,
    pub now: i64,
}

/// How many statements [`claim_statements`] adds to a batch.
pub const CLAIM_STATEMENTS: usize = 4;

/// Inserts a `pending` row unless the key has one or the session's cart has a redemption
/// that stands or may still stand. One statement decides both, so concurrent requests —
/// the same key twice, or two tabs of one cart — agree on a single row. Its points are the
/// amount at the merchant's rate, rounded up (what `MokafaaRate::points_for` says for an
/// amount the request checks kept under `MAX_PER_ORDER_MINOR`, so the product fits); the
/// flow prices it again in Rust and the settling write stores what the bank took. After
/// it: the audit row, the guess counted (only when this request inserted), and the key's
/// row.
pub fn claim_statements(db: &Db, ask: &ClaimAsk<'_>) -> ApiResult<Vec<D1PreparedStatement>> {
    let origin = ask
        .origin
        .map(Into::into)
        .unwrap_or(wasm_bindgen::JsValue::NULL);
    let insert = statement(
        db,
        &format!(
            "INSERT INTO redemptions ({COLUMNS})
             SELECT ?1, s.id, s.merchant_id, ?2, ?3, c.id, ?4, ?5, (CAST(?4 AS INTEGER) * m.points_per_sar + 99) / 100,
               'pending', NULL, NULL, ?6, ?6
             FROM sessions s JOIN otp_challenges c ON c.id = ?7 AND c.session_id = s.id
               JOIN merchants m ON m.id = s.merchant_id
             WHERE s.token_hash = ?8 AND s.expires_at > ?6 AND (?9 IS NULL OR s.origin = ?9)
               AND COALESCE((SELECT count FROM rate_limits WHERE key = ?10), 0) <= ?11
               AND NOT EXISTS (
                 SELECT 1 FROM redemptions r JOIN sessions o ON o.id = r.session_id
                 WHERE o.merchant_id = s.merchant_id AND o.cart_id = s.cart_id
                   AND r.state IN ('pending', 'redeemed', 'captured', 'reversing'))
             ON CONFLICT (session_id, idempotency_key) DO NOTHING"
        ),
        &[
            ask.id.into(),
            ask.key.into(),
            ask.request_hash.into(),
            int(i64::try_from(ask.amount.minor).unwrap_or(i64::MAX)),
            ask.amount.currency.code().into(),
            int(ask.now),
            ask.challenge_id.into(),
            ask.token_hash.into(),
            origin,
            ask.ip_limit.0.into(),
            int(i64::from(ask.ip_limit.1)),
        ],
    )?;
    let event = statement(
        db,
        "INSERT INTO redemption_events (redemption_id, from_state, to_state, actor, reason, at)
         SELECT ?1, NULL, 'pending', ?2, 'redeem requested', ?3 WHERE changes() = 1",
        &[ask.id.into(), ask.actor.as_str().into(), int(ask.now)],
    )?;
    let guess = rate_limits::guess_counted_if_written(
        db,
        ask.challenge_id,
        ask.guess_window_seconds,
        ask.now,
    )?;
    let stored = statement(
        db,
        &format!(
            "SELECT {SELECT_COLUMNS} FROM redemptions
             WHERE session_id = (SELECT id FROM sessions WHERE token_hash = ?1) AND idempotency_key = ?2"
        ),
        &[ask.token_hash.into(), ask.key.into()],
    )?;
    Ok(vec![insert, event, guess, stored])
}

/// What the claim's statements found, from `at` in the batch's results.
#[derive(Debug)]
pub struct ClaimRead {
    /// This request inserted the key's row: it, and only it, calls the bank.
    pub inserted: bool,
    /// The identifier's guess counter, when this request inserted.
    pub guess: Option<Counter>,
    /// The key's row: this request's, or an earlier or concurrent one's.
    pub row: Option<RedemptionRow>,
}

pub fn claim_read(results: &[D1Result], at: usize) -> ApiResult<ClaimRead> {
    Ok(ClaimRead {
        inserted: results.get(at).map(changes).unwrap_or(0) == 1,
        guess: first_of(results, at + 2, "guess counter")?,
        row: first_of(results, at + 3, "redemption row")?,
    })
}

/// Why the cart refused a claim: this session's own attempt still pending, or another.
pub async fn cart_holder(db: &Db, session_id: &str) -> ApiResult<CartHolder> {
    #[derive(serde::Deserialize)]
    struct Holder {
        session_id: String,
        state: RedemptionState,
    }
    let holder: Option<Holder> = first(
        db,
        "SELECT r.session_id, r.state FROM redemptions r JOIN sessions s ON s.id = r.session_id
         JOIN sessions me ON me.id = ?1
         WHERE s.merchant_id = me.merchant_id AND s.cart_id = me.cart_id
           AND r.state IN ('pending', 'redeemed', 'captured', 'reversing')
         ORDER BY r.created_at DESC LIMIT 1",
        &[session_id.into()],
        "redemption claim",
    )
    .await?;
    Ok(match holder {
        Some(h) if h.session_id == session_id && h.state == RedemptionState::Pending => {
            CartHolder::OwnAttemptPending
        }
        _ => CartHolder::Taken,
    })
}
