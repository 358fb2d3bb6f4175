//! The redemption ledger in D1. Every state change goes through [`transition`], which
//! applies the domain's state machine, updates the row only from the state it was read in,
//! and writes the audit event in the same batch (a D1 batch is one transaction).

mod claim;
mod transition;
pub use claim::{
    cart_holder, claim_read, claim_statements, CartHolder, ClaimAsk, CLAIM_STATEMENTS,
};
pub use transition::{reversal_started_by, transition, transition_with, LedgerStep, SessionHolder};

use super::Db;
use super::{changes, first, int, run, statement};
use crate::http::{internal, ApiResult};
use loyalty_shared::api::RedemptionState;
use loyalty_shared::{ApiError, Currency, ErrorCode, Locale, Money};
use serde::Deserialize;
use worker::D1PreparedStatement;

#[derive(Debug, Clone, Deserialize)]
pub struct RedemptionRow {
    pub id: String,
    pub session_id: String,
    pub merchant_id: String,
    pub request_hash: String,
    pub challenge_id: String,
    pub amount_minor: i64,
    pub currency: String,
    pub points: i64,
    /// Read through the shared enum: an unknown state is an error, not a default.
    pub state: RedemptionState,
    pub bank_transaction_id: Option<i64>,
    pub error_code: Option<String>,
    pub created_at: i64,
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
    pub attempts: i64,
    #[serde(default)]
    pub updated_at: i64,
    /// Why the row waits for a person, with the evidence.
    #[serde(default)]
    pub attention_reason: Option<String>,
}

impl RedemptionRow {
    pub fn state(&self) -> RedemptionState {
        self.state
    }

    pub fn amount(&self) -> Money {
        Money {
            minor: self.amount_minor.max(0) as u64,
            currency: self.currency.parse().unwrap_or(Currency::Sar),
        }
    }

    /// The stored refusal as the shopper should see it.
    pub fn error(&self, locale: Locale) -> Option<ApiError> {
        let code = ErrorCode::from_code(self.error_code.as_deref()?)?;
        Some(ApiError::new(code, locale))
    }
}

/// Every state, in the ledger's order.
pub const STATES: [RedemptionState; 6] = [
    RedemptionState::Pending,
    RedemptionState::Redeemed,
    RedemptionState::Captured,
    RedemptionState::Reversing,
    RedemptionState::Reversed,
    RedemptionState::Failed,
];

/// The state a stored (or typed) name names.
pub fn state_named(name: &str) -> Option<RedemptionState> {
    STATES.into_iter().find(|s| state_name(*s) == name)
}

pub fn state_name(state: RedemptionState) -> &'static str {
    match state {
        RedemptionState::Pending => "pending",
        RedemptionState::Redeemed => "redeemed",
        RedemptionState::Captured => "captured",
        RedemptionState::Reversing => "reversing",
        RedemptionState::Reversed => "reversed",
        RedemptionState::Failed => "failed",
    }
}

const COLUMNS: &str = "id, session_id, merchant_id, idempotency_key, request_hash, challenge_id, amount_minor, currency, points, state, bank_transaction_id, error_code, created_at, updated_at";
const SELECT_COLUMNS: &str = "id, session_id, merchant_id, idempotency_key, request_hash, challenge_id, amount_minor, currency, points, state, bank_transaction_id, error_code, created_at, order_id, attempts, updated_at, attention_reason";

/// Redeemed rows whose merchant's abandoned-cart window has passed without a paid order.
pub async fn abandoned(db: &Db, now: i64, limit: u32) -> ApiResult<Vec<RedemptionRow>> {
    rows(
        db,
        &format!(
            "SELECT {} FROM redemptions r JOIN merchants m ON m.id = r.merchant_id
             WHERE r.state = 'redeemed' AND r.created_at + m.abandoned_after_seconds <= ?1
               AND r.next_attempt_at <= ?1
             ORDER BY r.created_at LIMIT ?2",
            prefixed("r.")
        ),
        &[int(now), int(i64::from(limit))],
    )
    .await
}

/// Rows in `state` whose next retry is due.
pub async fn due(
    db: &Db,
    state: RedemptionState,
    now: i64,
    limit: u32,
) -> ApiResult<Vec<RedemptionRow>> {
    rows(
        db,
        &format!("SELECT {SELECT_COLUMNS} FROM redemptions WHERE state = ?1 AND next_attempt_at <= ?2 ORDER BY updated_at LIMIT ?3"),
        &[state_name(state).into(), int(now), int(i64::from(limit))],
    )
    .await
}

/// `next_attempt_at` of a row whose retries are spent: far in the future, so no job picks it
/// up again until a person acts.
pub const PARKED: i64 = 253_402_300_799;

/// Rows parked after their last retry, of one merchant (the console) or all (the operator).
pub async fn parked(
    db: &Db,
    merchant_id: Option<&str>,
    limit: u32,
) -> ApiResult<Vec<RedemptionRow>> {
    rows(
        db,
        &format!("SELECT {SELECT_COLUMNS} FROM redemptions WHERE next_attempt_at >= ?1 AND (?3 IS NULL OR merchant_id = ?3) ORDER BY updated_at LIMIT ?2"),
        &[
            int(PARKED),
            int(i64::from(limit)),
            merchant_id.map_or(wasm_bindgen::JsValue::NULL, Into::into),
        ],
    )
    .await
}

/// Counts a retry and schedules the next one.
pub async fn schedule_retry(db: &Db, id: &str, next_attempt_at: i64) -> ApiResult<()> {
    run(db, "UPDATE redemptions SET attempts = attempts + 1, next_attempt_at = ?1, lease_until = 0 WHERE id = ?2",
        &[int(next_attempt_at), id.into()], "redemption retry").await?;
    Ok(())
}

/// How long the cron holds a row while it calls the bank for it.
pub const LEASE_SECONDS: i64 = 120;

/// Takes the row for one cron worker if it is still in the state it was read in and no
/// other run holds it: overlapping runs never call the bank twice for one row.
pub async fn lease(db: &Db, row: &RedemptionRow, now: i64) -> ApiResult<bool> {
    let result = db.execute(statement(
        db,
        "UPDATE redemptions SET lease_until = ?1 WHERE id = ?2 AND state = ?3 AND lease_until <= ?4",
        &[int(now + LEASE_SECONDS), row.id.as_str().into(), state_name(row.state()).into(), int(now)],
    )?)
    .await
    .map_err(|e| internal("redemption lease", e))?;
    Ok(changes(&result) == 1)
}

/// Parks a row for a person with the reason and evidence (shown in the attention list),
/// and records it in the row's audit trail.
pub async fn park(db: &Db, row: &RedemptionRow, reason: &str, now: i64) -> ApiResult<()> {
    let state = state_name(row.state());
    let update = statement(
        db,
        "UPDATE redemptions SET next_attempt_at = ?1, attention_reason = ?2, lease_until = 0 WHERE id = ?3",
        &[int(PARKED), reason.into(), row.id.as_str().into()],
    )?;
    let event = statement(
        db,
        "INSERT INTO redemption_events (redemption_id, from_state, to_state, actor, reason, at)
         VALUES (?1, ?2, ?2, 'reconciliation', ?3, ?4)",
        &[
            row.id.as_str().into(),
            state.into(),
            reason.into(),
            int(now),
        ],
    )?;
    db.batch(vec![update, event])
        .await
        .map_err(|e| internal("redemption park", e))?;
    Ok(())
}

/// The pending rows of a merchant created since `since` (they compete for the bank
/// transactions of that period, parked ones included).
pub async fn pending_since(
    db: &Db,
    merchant_id: &str,
    since: i64,
    limit: u32,
) -> ApiResult<Vec<RedemptionRow>> {
    rows(
        db,
        &format!("SELECT {SELECT_COLUMNS} FROM redemptions WHERE merchant_id = ?1 AND state = 'pending' AND created_at >= ?2 ORDER BY created_at DESC LIMIT ?3"),
        &[merchant_id.into(), int(since), int(i64::from(limit))],
    )
    .await
}

/// Whether a bank transaction id is already in the ledger (reconciliation must not reuse it).
pub async fn has_transaction(db: &Db, transaction_id: i64) -> ApiResult<bool> {
    let found: Option<serde_json::Value> = first(
        db,
        "SELECT 1 AS found FROM redemptions WHERE bank_transaction_id = ?1",
        &[int(transaction_id)],
        "redemption query",
    )
    .await?;
    Ok(found.is_some())
}

fn prefixed(prefix: &str) -> String {
    SELECT_COLUMNS
        .split(", ")
        .map(|c| format!("{prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn rows(
    db: &Db,
    sql: &str,
    values: &[wasm_bindgen::JsValue],
) -> ApiResult<Vec<RedemptionRow>> {
    let result = db
        .all_rows(statement(db, sql, values)?)
        .await
        .map_err(|e| internal("redemption scan", e))?;
    result.results().map_err(|e| internal("redemption rows", e))
}

/// The session's latest redemption still standing (redeemed, captured, being reversed).
pub async fn standing_of_session(db: &Db, session_id: &str) -> ApiResult<Option<RedemptionRow>> {
    let sql = format!(
        "SELECT {SELECT_COLUMNS} FROM redemptions WHERE session_id = ?1
         AND state IN ('redeemed', 'captured', 'reversing') ORDER BY created_at DESC LIMIT 1"
    );
    first(db, &sql, &[session_id.into()], "redemption query").await
}

pub async fn get(db: &Db, id: &str) -> ApiResult<Option<RedemptionRow>> {
    db.first_row(by_id(db, id)?)
        .await
        .map_err(|e| internal("redemption query", e))
}

/// Row `id`, to run alone or with a call's first reads.
pub fn by_id(db: &Db, id: &str) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        &format!("SELECT {SELECT_COLUMNS} FROM redemptions WHERE id = ?1"),
        &[id.into()],
    )
}

/// What a transition writes besides the state.
#[derive(Debug, Default)]
pub struct Changes<'a> {
    pub bank_transaction_id: Option<i64>,
    /// The points debited: the bank's, or the request's price.
    pub points: Option<i64>,
    pub error_code: Option<&'a str>,
    pub order_id: Option<&'a str>,
}
