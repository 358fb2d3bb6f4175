//! Calls to Pongo waiting to be sent or sent (`pongo_outbox`). Kinds and states read and
//! write through the shared serde enums: an unknown value is an error, not a default.

use super::Db;
use super::{all, changes, first, int, run, statement};
use crate::domain::pongo_delivery::Decision;
use crate::domain::pongo_orders::PlannedCall;
use crate::http::{internal, ApiResult};
use loyalty_shared::api::{DeliveryState, PongoCallKind, ATTENTION_LIMIT};
use loyalty_shared::ErrorCode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// The one column list every read of the table uses.
const COLUMNS: &str = "merchant_id, call_key, order_id, kind, method, path, payload, state, attempts, last_error, pongo_id, points_earned, maybe_landed";

/// A row is leased this long while one worker sends it, so the cron and a request never
/// send the same row at the same time.
const LEASE_SECONDS: i64 = 120;

#[derive(Debug, Clone, Deserialize)]
pub struct OutboxRow {
    pub merchant_id: String,
    pub call_key: String,
    pub order_id: String,
    pub kind: PongoCallKind,
    pub method: String,
    pub path: String,
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub pongo_id: Option<String>,
    pub points_earned: i64,
    /// 1 once a try ended without an answer: Pongo may have carried it out.
    #[serde(default)]
    pub maybe_landed: i64,
}

/// A shared enum as the text the table holds (its serde name).
fn text<T: Serialize>(value: T) -> ApiResult<JsValue> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s.into()),
        other => Err(internal("enum column", format!("{other:?}"))),
    }
}

async fn rows(db: &Db, sql: &str, values: &[JsValue]) -> ApiResult<Vec<OutboxRow>> {
    all(db, sql, values, "pongo outbox").await
}

/// The calls of an order, in the order they were written.
pub async fn of_order(db: &Db, merchant_id: &str, order_id: &str) -> ApiResult<Vec<OutboxRow>> {
    let sql = format!("SELECT {COLUMNS} FROM pongo_outbox WHERE merchant_id = ?1 AND order_id = ?2 ORDER BY created_at, call_key");
    rows(db, &sql, &[merchant_id.into(), order_id.into()]).await
}

/// Inserts calls whose keys are new (existing keys are left as they are), in one batch.
pub async fn insert(
    db: &Db,
    merchant_id: &str,
    order_id: &str,
    calls: &[PlannedCall],
    now: i64,
) -> ApiResult<()> {
    let mut batch = Vec::with_capacity(calls.len());
    for call in calls {
        batch.push(statement(
            db,
            "INSERT INTO pongo_outbox (merchant_id, call_key, order_id, kind, method, path, payload, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (merchant_id, call_key) DO NOTHING",
            &[
                merchant_id.into(),
                call.key.as_str().into(),
                order_id.into(),
                text(call.kind)?,
                call.method.into(),
                call.path.as_str().into(),
                call.payload.to_string().into(),
                int(now),
            ],
        )?);
    }
    if !batch.is_empty() {
        db.batch(batch)
            .await
            .map_err(|e| internal("pongo outbox insert", e))?;
    }
    Ok(())
}

/// Takes the row for one try, unless another worker holds it or it is not due.
pub async fn lease(db: &Db, row: &OutboxRow, now: i64) -> ApiResult<bool> {
    let result = db.execute(statement(
        db,
        "UPDATE pongo_outbox SET next_attempt_at = ?3 WHERE merchant_id = ?1 AND call_key = ?2 AND state = 'queued' AND next_attempt_at <= ?4",
        &[row.merchant_id.as_str().into(), row.call_key.as_str().into(), int(now + LEASE_SECONDS), int(now)],
    )?)
    .await
    .map_err(|e| internal("pongo outbox lease", e))?;
    Ok(changes(&result) == 1)
}

/// Records a try's decision on a row still queued; false when the row was no longer
/// queued (the order was cancelled meanwhile). `Busy` records nothing.
pub async fn record(db: &Db, row: &OutboxRow, decision: &Decision, now: i64) -> ApiResult<bool> {
    let key = || -> [JsValue; 2] {
        [
            row.merchant_id.as_str().into(),
            row.call_key.as_str().into(),
        ]
    };
    let [merchant, call] = key();
    let update = match decision {
        Decision::Busy => return Ok(true),
        Decision::Sent { pongo_id, points } => statement(
            db,
            "UPDATE pongo_outbox SET state = 'sent', attempts = attempts + 1, pongo_id = ?3, points_earned = ?4, sent_at = ?5, last_error = NULL
             WHERE merchant_id = ?1 AND call_key = ?2 AND state = 'queued'",
            &[merchant, call, pongo_id.clone().map(Into::into).unwrap_or(JsValue::NULL), int(i64::try_from(*points).unwrap_or(i64::MAX)), int(now)],
        )?,
        Decision::Retry { at, error, may_have_landed } => statement(
            db,
            "UPDATE pongo_outbox SET attempts = attempts + 1, next_attempt_at = ?3, last_error = ?4, maybe_landed = MAX(maybe_landed, ?5)
             WHERE merchant_id = ?1 AND call_key = ?2 AND state = 'queued'",
            &[merchant, call, int(*at), error.as_str().into(), int(i64::from(*may_have_landed))],
        )?,
        Decision::Expired { at } => statement(
            db,
            "UPDATE pongo_outbox SET attempts = attempts + 1, next_attempt_at = ?3, last_error = ?4 WHERE merchant_id = ?1 AND call_key = ?2 AND state = 'queued'",
            &[merchant, call, int(*at), ErrorCode::PongoNotConnected.as_str().into()],
        )?,
        Decision::Failed { error } => statement(
            db,
            "UPDATE pongo_outbox SET state = 'failed', attempts = attempts + 1, last_error = ?3 WHERE merchant_id = ?1 AND call_key = ?2 AND state = 'queued'",
            &[merchant, call, error.as_str().into()],
        )?,
    };
    let updated = db
        .execute(update)
        .await
        .map_err(|e| internal("pongo outbox update", e))?;
    Ok(changes(&updated) == 1)
}

/// Withdraws the order's parts that were not sent yet (orders and checkins).
pub async fn withdraw_unsent(db: &Db, merchant_id: &str, order_id: &str) -> ApiResult<()> {
    run(db, "UPDATE pongo_outbox SET state = 'withdrawn' WHERE merchant_id = ?1 AND order_id = ?2 AND state = 'queued' AND kind IN ('order', 'checkin')",
        &[merchant_id.into(), order_id.into()], "pongo outbox withdraw").await?;
    Ok(())
}

/// Due rows of connected merchants, oldest first.
pub async fn due(db: &Db, now: i64, limit: u32) -> ApiResult<Vec<OutboxRow>> {
    let sql =
        format!(
        "SELECT {} FROM pongo_outbox o JOIN pongo_connections c ON c.merchant_id = o.merchant_id
         WHERE o.state = 'queued' AND o.next_attempt_at <= ?1 AND c.state = 'connected'
           AND (c.token_expires_at IS NULL OR c.token_expires_at > ?1)
         ORDER BY o.created_at LIMIT ?2",
        COLUMNS.split(", ").map(|c| format!("o.{c}")).collect::<Vec<_>>().join(", ")
    );
    rows(db, &sql, &[int(now), int(i64::from(limit))]).await
}

/// The merchant's calls refused, or tried and still waiting, newest first.
pub async fn needing_attention(db: &Db, merchant_id: &str) -> ApiResult<Vec<OutboxRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM pongo_outbox WHERE merchant_id = ?1 AND (state = 'failed' OR (state = 'queued' AND attempts > 0))
         ORDER BY created_at DESC, call_key LIMIT ?2"
    );
    rows(
        db,
        &sql,
        &[merchant_id.into(), int(i64::from(ATTENTION_LIMIT))],
    )
    .await
}

/// Queued and failed counts for the admin view.
pub async fn counts(db: &Db, merchant_id: &str) -> ApiResult<(u32, u32)> {
    #[derive(Deserialize)]
    struct Counts {
        queued: Option<i64>,
        failed: Option<i64>,
    }
    let row: Option<Counts> = first(db, "SELECT SUM(state = 'queued') AS queued, SUM(state = 'failed') AS failed FROM pongo_outbox WHERE merchant_id = ?1",
        &[merchant_id.into()], "pongo outbox counts").await?;
    let n = |v: Option<i64>| u32::try_from(v.unwrap_or(0).max(0)).unwrap_or(u32::MAX);
    Ok(row.map(|r| (n(r.queued), n(r.failed))).unwrap_or((0, 0)))
}
