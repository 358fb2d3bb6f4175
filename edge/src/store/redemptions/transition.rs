//! A ledger step: the state moved only from the state the row was read in, its audit row,
//! whatever else belongs to the same moment, and the row read back, in one round trip.

use super::{state_name, Changes, RedemptionRow};
use crate::domain::ledger::{self, Actor, LedgerEvent};
use crate::http::{internal, ApiResult};
use crate::store::{changes, first_of, int, statement, Db};
use loyalty_shared::api::RedemptionState;
use loyalty_shared::{ApiError, Locale};
use worker::D1PreparedStatement;

/// Applies `event` to the row if it is still in `row.state`. Returns the new row, or `None`
/// when another request changed it first (the caller re-reads and answers from that).
pub async fn transition(
    db: &Db,
    row: &RedemptionRow,
    event: LedgerEvent,
    actor: Actor,
    reason: &str,
    extra: Changes<'_>,
    now: i64,
) -> ApiResult<Option<RedemptionRow>> {
    let step = LedgerStep {
        event,
        actor,
        reason,
        extra,
        now,
    };
    transition_with(db, row, step, Vec::new()).await
}

/// One ledger step as [`transition`] takes it.
pub struct LedgerStep<'a> {
    pub event: LedgerEvent,
    pub actor: Actor,
    pub reason: &'a str,
    pub extra: Changes<'a>,
    pub now: i64,
}

/// [`transition`] with `also`: statements that go in the same round trip, after the
/// state and its audit row (a spent code, a guess given back), and the row read back.
/// A step that does not change the state writes nothing, `also` included.
pub async fn transition_with(
    db: &Db,
    row: &RedemptionRow,
    step: LedgerStep<'_>,
    also: Vec<D1PreparedStatement>,
) -> ApiResult<Option<RedemptionRow>> {
    let LedgerStep {
        event,
        actor,
        reason,
        extra,
        now,
    } = step;
    let from = row.state();
    let to = ledger::transition(from, event).map_err(|code| ApiError::new(code, Locale::En))?;
    if to == from {
        return Ok(Some(row.clone()));
    }
    let moves = Move {
        from,
        to,
        actor,
        reason,
        now,
    };
    let mut batch = step_statements(db, row, moves, extra)?.to_vec();
    batch.extend(also);
    batch.push(super::by_id(db, &row.id)?);
    let last = batch.len() - 1;
    let results = db
        .batch(batch)
        .await
        .map_err(|e| internal("redemption transition", e))?;
    if results.first().map(changes).unwrap_or(0) != 1 {
        return Ok(None);
    }
    first_of(&results, last, "redemption row")
}

/// Who may start a step in the caller's own first batch: the holder of a live session's
/// token, from the storefront it was opened on (what the widget's guard checks, in SQL).
pub struct SessionHolder<'a> {
    pub token_hash: &'a str,
    /// The request's `Origin`, when it sent one.
    pub origin: Option<&'a str>,
}

/// The reversal of the holder's `redeemed` row started (the state, its audit row, and the
/// row read back: three statements), for the guard's batch: the shopper's undo then costs
/// one round trip before the bank and one after. Nothing is written unless the row is the
/// holder's session's and still `redeemed`; the first result's changes say whether this
/// request started it.
pub fn reversal_started_by(
    db: &Db,
    id: &str,
    holder: SessionHolder<'_>,
    actor: Actor,
    reason: &str,
    now: i64,
) -> ApiResult<Vec<D1PreparedStatement>> {
    let from = RedemptionState::Redeemed;
    let to = ledger::transition(from, LedgerEvent::ReversalStarted)
        .map_err(|code| ApiError::new(code, Locale::En))?;
    let origin = holder
        .origin
        .map(Into::into)
        .unwrap_or(wasm_bindgen::JsValue::NULL);
    let update = statement(
        db,
        "UPDATE redemptions SET state = ?1, updated_at = ?2
         WHERE id = ?3 AND state = ?4 AND session_id = (
           SELECT id FROM sessions WHERE token_hash = ?5 AND expires_at > ?2
             AND (?6 IS NULL OR origin = ?6))",
        &[
            state_name(to).into(),
            int(now),
            id.into(),
            state_name(from).into(),
            holder.token_hash.into(),
            origin,
        ],
    )?;
    let moves = Move {
        from,
        to,
        actor,
        reason,
        now,
    };
    let event_row = event_statement(db, id, &moves)?;
    let read = super::by_id(db, id)?;
    Ok(vec![update, event_row, read])
}

/// A state change as its two statements write it.
struct Move<'a> {
    from: RedemptionState,
    to: RedemptionState,
    actor: Actor,
    reason: &'a str,
    now: i64,
}

/// The state update (only from the state the row was read in) and its audit row (only if
/// the update wrote).
fn step_statements(
    db: &Db,
    row: &RedemptionRow,
    m: Move<'_>,
    extra: Changes<'_>,
) -> ApiResult<[D1PreparedStatement; 2]> {
    let Move { from, to, now, .. } = m;
    let update = statement(
        db,
        "UPDATE redemptions SET state = ?1, updated_at = ?2,
             bank_transaction_id = COALESCE(?3, bank_transaction_id), error_code = COALESCE(?4, error_code),
             order_id = COALESCE(?7, order_id), points = COALESCE(?8, points)
         WHERE id = ?5 AND state = ?6",
        &[
            state_name(to).into(),
            int(now),
            extra.bank_transaction_id.map(int).unwrap_or(wasm_bindgen::JsValue::NULL),
            extra.error_code.map(Into::into).unwrap_or(wasm_bindgen::JsValue::NULL),
            row.id.as_str().into(),
            state_name(from).into(),
            extra.order_id.map(Into::into).unwrap_or(wasm_bindgen::JsValue::NULL),
            extra.points.map(int).unwrap_or(wasm_bindgen::JsValue::NULL),
        ],
    )?;
    let event_row = event_statement(db, &row.id, &m)?;
    Ok([update, event_row])
}

/// The audit row of a state change, written only if the statement before it wrote.
fn event_statement(db: &Db, id: &str, m: &Move<'_>) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO redemption_events (redemption_id, from_state, to_state, actor, reason, at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE changes() = 1",
        &[
            id.into(),
            state_name(m.from).into(),
            state_name(m.to).into(),
            m.actor.as_str().into(),
            m.reason.into(),
            int(m.now),
        ],
    )
}
