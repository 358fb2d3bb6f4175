//! Giving points back: one flow for the shopper's undo, a cancelled order, an over-large
//! capture and an abandoned cart. The row moves to `reversing` before the bank is called,
//! so a lost answer leaves a row the cron retries, never points silently kept or given twice.

use crate::domain::ledger::{Actor, LedgerEvent};
use crate::domain::notice::NoticeKind;
use crate::http::{internal, ApiResult};
use crate::mokafaa::client::MokafaaClient;
use crate::notify;
use crate::store::redemptions::{self, Changes, LedgerStep, RedemptionRow};
use crate::store::Db;
use loyalty_shared::api::RedemptionState;
use loyalty_shared::{ApiError, ErrorCode, Locale};

/// Who gives the points back and why.
pub struct Why<'a> {
    pub actor: Actor,
    pub reason: &'a str,
    /// Recorded with the start (the order that was refused, say).
    pub changes: Changes<'a>,
    /// The store's name, for the shopper's notice (written with the confirmation).
    pub store_name: &'a str,
}

impl<'a> Why<'a> {
    pub fn new(actor: Actor, reason: &'a str, store_name: &'a str) -> Why<'a> {
        Why {
            actor,
            reason,
            changes: Changes::default(),
            store_name,
        }
    }
}

/// Reverses `row` at the bank (starting the reversal if needed) and returns the row after:
/// `reversed` when the bank confirmed, still `reversing` when it did not answer.
pub async fn reverse(
    db: &Db,
    client: &MokafaaClient,
    row: RedemptionRow,
    why: Why<'_>,
    now: i64,
) -> ApiResult<RedemptionRow> {
    let Why {
        actor,
        reason,
        changes,
        store_name,
    } = why;
    let row = started(db, row, actor, reason, changes, now).await?;
    match row.state() {
        RedemptionState::Reversing => {}
        RedemptionState::Reversed => return Ok(row),
        _ => {
            return Err(ApiError::new(ErrorCode::InvalidRequest, Locale::En)
                .with_message("Only redeemed or captured redemptions can be reversed."))
        }
    }
    let transaction_id = row
        .bank_transaction_id
        .ok_or_else(|| internal("reverse", "redemption without a bank transaction"))?;
    let confirmed = match client.reverse(transaction_id, now).await {
        Ok(()) => Some("bank reversed"),
        Err(failure) => {
            // A refusal ("Validation Failed") or no answer may mean the bank already gave
            // the points back (a reversal whose answer was lost): its list says so.
            worker::console_warn!(
                "reversal of {} not confirmed ({failure:?}); checking the bank's list",
                row.id
            );
            already_reversed(client, &row, transaction_id, now)
                .await
                .then_some("the bank's list shows it already reversed")
        }
    };
    let Some(reason) = confirmed else {
        return Ok(row);
    };
    let told = Told {
        actor,
        reason,
        store_name,
    };
    confirmed_reversed(db, row, told, now).await
}

/// The row moved to `reversing` (if it stood), before the bank is called.
async fn started(
    db: &Db,
    row: RedemptionRow,
    actor: Actor,
    reason: &str,
    changes: Changes<'_>,
    now: i64,
) -> ApiResult<RedemptionRow> {
    if !matches!(
        row.state(),
        RedemptionState::Redeemed | RedemptionState::Captured
    ) {
        return Ok(row);
    }
    let started = LedgerEvent::ReversalStarted;
    match redemptions::transition(db, &row, started, actor, reason, changes, now).await? {
        Some(row) => Ok(row),
        // Someone else moved it first: continue from what they left.
        None => redemptions::get(db, &row.id)
            .await?
            .ok_or_else(|| internal("reverse", "row vanished")),
    }
}

/// The confirmation's author, and whom the notice speaks for.
struct Told<'a> {
    actor: Actor,
    reason: &'a str,
    store_name: &'a str,
}

/// The bank gave the points back: the row is `reversed` and the shopper is told, in one
/// round trip.
async fn confirmed_reversed(
    db: &Db,
    row: RedemptionRow,
    told: Told<'_>,
    now: i64,
) -> ApiResult<RedemptionRow> {
    let step = LedgerStep {
        event: LedgerEvent::ReversalConfirmed,
        actor: told.actor,
        reason: told.reason,
        extra: Changes::default(),
        now,
    };
    let notice = notify::queued_with_step(db, &row, NoticeKind::Reversed, told.store_name, now)?;
    match redemptions::transition_with(db, &row, step, vec![notice]).await? {
        Some(row) => Ok(row),
        // A concurrent reversal confirmed it first (and told): answer from what it left.
        None => Ok(redemptions::get(db, &row.id).await?.unwrap_or(row)),
    }
}

/// Whether the bank's transaction list shows `transaction_id` given back.
async fn already_reversed(
    client: &MokafaaClient,
    row: &RedemptionRow,
    transaction_id: i64,
    now: i64,
) -> bool {
    match client
        .transactions(row.created_at - 60, now + 60, now)
        .await
    {
        Ok(list) => list
            .transactions
            .iter()
            .any(|t| t.shows_reversed(transaction_id)),
        Err(_) => false,
    }
}
