//! Every call that moves Pongo points goes through `pongo_outbox`: written first, then sent
//! (at once, and by the cron until it is sent). A row's payload never changes, so a retry
//! is the same call, and Pongo's idempotency on `order_id` makes a retried order a 202.
//!
//! What happens after an answer is decided by [`decide`] in `domain/pongo_delivery.rs`,
//! plain code with tests; the rows are read and written by `store/pongo_outbox.rs`.

use super::client::PongoClient;
use super::connection::{self, Connection, PongoApp};
use crate::domain::pongo_delivery::{content, decide, Decision, History};
use crate::domain::pongo_orders::{cancel_call, PlannedCall};
use crate::http::{internal, ApiResult};
use crate::store::pongo_outbox::{self, OutboxRow};
use crate::store::Db;
use loyalty_shared::api::{
    DeliveryState, PongoCall, PongoCallAttention, PongoCallKind, PongoOrderResult,
};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use serde_json::Value;

impl OutboxRow {
    pub fn view(&self) -> PongoCall {
        PongoCall {
            key: self.call_key.clone(),
            kind: self.kind,
            state: self.state,
            points_earned: self.points_earned.max(0) as u64,
            last_error: self.last_error.clone(),
        }
    }
}

/// Writes the calls of an order. The same order sent again is a replay (nothing new is
/// written); the same `order_id` with other contents is `idempotency_conflict`.
pub async fn enqueue(
    db: &Db,
    merchant_id: &str,
    order_id: &str,
    calls: &[PlannedCall],
    now: i64,
) -> ApiResult<()> {
    let existing: Vec<OutboxRow> = pongo_outbox::of_order(db, merchant_id, order_id)
        .await?
        .into_iter()
        .filter(|r| r.kind != PongoCallKind::CancelOrder)
        .collect();
    if existing.is_empty() {
        return pongo_outbox::insert(db, merchant_id, order_id, calls, now).await;
    }
    let same = existing.len() == calls.len()
        && calls.iter().all(|call| {
            existing.iter().any(|row| {
                row.call_key == call.key
                    && serde_json::from_slice::<Value>(row.payload.as_bytes())
                        .is_ok_and(|p| content(&p) == content(&call.payload))
            })
        });
    if same {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::IdempotencyConflict, Locale::En).with_field("order_id"))
    }
}

/// Pongo already had the order (our earlier try landed unseen): its 202 names the order
/// but not the points, which the host page shows. A failed look-up leaves 0, logged.
async fn points_of_known_order(client: &PongoClient, row: &OutboxRow, decision: &mut Decision) {
    let Decision::Sent {
        pongo_id: Some(id),
        points,
    } = decision
    else {
        return;
    };
    match client.order_points(id).await {
        Ok(earned) => *points = earned,
        Err(failure) => worker::console_warn!(
            "merchant {}: points of Pongo order {} unknown ({})",
            row.merchant_id,
            row.call_key,
            failure.code().as_str()
        ),
    }
}

/// Sends one queued row once and records the outcome.
pub async fn send(
    db: &Db,
    app: &PongoApp,
    connection: &Connection,
    row: &OutboxRow,
    now: i64,
) -> ApiResult<Decision> {
    if !pongo_outbox::lease(db, row, now).await? {
        return Ok(Decision::Busy);
    }
    let payload: Value = serde_json::from_slice(row.payload.as_bytes())
        .map_err(|e| internal("outbox payload", e))?;
    let client = connection.client(app, db.tally());
    let outcome = client.call(&row.method, &row.path, &payload).await;
    let history = History {
        attempts: row.attempts,
        maybe_landed: row.maybe_landed != 0,
    };
    let mut decision = decide(row.kind, history, &outcome, now);
    if matches!(outcome, Ok((202, _))) && row.kind == PongoCallKind::Order {
        points_of_known_order(&client, row, &mut decision).await;
    }
    match &decision {
        Decision::Expired { .. } => connection::mark_expired(db, &row.merchant_id, now).await?,
        Decision::Failed { error } => worker::console_warn!(
            "merchant {}: Pongo refused call {} ({})",
            row.merchant_id,
            row.call_key,
            error.as_str()
        ),
        _ => {}
    }
    let still_queued = pongo_outbox::record(db, row, &decision, now).await?;
    // The order was cancelled while this try was under way: it reached Pongo all the same,
    // so it is cancelled there too.
    if let (Decision::Sent { pongo_id, .. }, PongoCallKind::Order, false) =
        (&decision, row.kind, still_queued)
    {
        let cancel = cancel_call(&row.call_key, pongo_id.as_deref().unwrap_or(&row.call_key));
        pongo_outbox::insert(db, &row.merchant_id, &row.order_id, &[cancel], now).await?;
    }
    Ok(decision)
}

/// Sends the order's queued calls now (when the connection is usable) and reports them.
pub async fn deliver_order(
    db: &Db,
    app: &PongoApp,
    connection: Option<&Connection>,
    merchant_id: &str,
    order_id: &str,
    now: i64,
) -> ApiResult<PongoOrderResult> {
    if let Some(connection) = connection.filter(|c| c.usable(now)) {
        for row in pongo_outbox::of_order(db, merchant_id, order_id).await? {
            if row.state == DeliveryState::Queued {
                let decision = send(db, app, connection, &row, now).await?;
                if matches!(decision, Decision::Expired { .. }) {
                    break;
                }
            }
        }
    }
    result(db, merchant_id, order_id).await
}

/// The order's calls as they stand.
pub async fn result(db: &Db, merchant_id: &str, order_id: &str) -> ApiResult<PongoOrderResult> {
    let rows = pongo_outbox::of_order(db, merchant_id, order_id).await?;
    if rows.is_empty() {
        return Err(ApiError::new(ErrorCode::NotFound, Locale::En).with_field("order_id"));
    }
    let calls: Vec<PongoCall> = rows.iter().map(OutboxRow::view).collect();
    Ok(PongoOrderResult {
        order_id: order_id.to_string(),
        points_earned: calls
            .iter()
            .filter(|c| c.state == DeliveryState::Sent && c.kind != PongoCallKind::CancelOrder)
            .map(|c| c.points_earned)
            .sum(),
        calls,
    })
}

/// An order is cancelled: parts not sent yet are withdrawn, parts sent get a cancellation,
/// and so do withdrawn parts whose earlier try may have landed (cancelled by their
/// `order_id`; Pongo's 404 then means there was nothing to take back). A checkin cannot be
/// taken back through Pongo's API [I]: it stays, and the admin status counts it.
pub async fn cancel_order(db: &Db, merchant_id: &str, order_id: &str, now: i64) -> ApiResult<()> {
    let rows = pongo_outbox::of_order(db, merchant_id, order_id).await?;
    if rows.is_empty() {
        return Err(ApiError::new(ErrorCode::NotFound, Locale::En).with_field("order_id"));
    }
    pongo_outbox::withdraw_unsent(db, merchant_id, order_id).await?;
    let cancels: Vec<PlannedCall> = rows
        .iter()
        .filter(|r| {
            r.kind == PongoCallKind::Order
                && (r.state == DeliveryState::Sent
                    || (r.state == DeliveryState::Queued && r.maybe_landed != 0))
        })
        .map(|r| cancel_call(&r.call_key, r.pongo_id.as_deref().unwrap_or(&r.call_key)))
        .collect();
    pongo_outbox::insert(db, merchant_id, order_id, &cancels, now).await
}

/// The merchant's calls refused, or tried and still waiting, newest first.
pub async fn needing_attention(db: &Db, merchant_id: &str) -> ApiResult<Vec<PongoCallAttention>> {
    Ok(pongo_outbox::needing_attention(db, merchant_id)
        .await?
        .into_iter()
        .map(|row| PongoCallAttention {
            kind: row.kind,
            state: row.state,
            attempts: u32::try_from(row.attempts.max(0)).unwrap_or(u32::MAX),
            order_id: row.order_id,
            key: row.call_key,
            last_error: row.last_error,
        })
        .collect())
}
