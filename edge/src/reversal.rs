//! Giving points back: one flow for the shopper's undo, a cancelled order, an over-large
//! capture and an abandoned cart. The row moves to `reversing` before the bank is called,
//! so a lost answer leaves a row the cron retries, never points silently kept or given twice.

use crate::domain::ledger::{Actor, LedgerEvent};
use crate::domain::notice::NoticeKind;
use crate::http::{internal, ApiResult};
use crate::mokafaa::client::MokafaaClient;
use crate::notify;
use crate::store::redemptions::{self, Changes, RedemptionRow};
use loyalty_shared::api::RedemptionState;
use loyalty_shared::{ApiError, ErrorCode, Locale};
use worker::D1Database;

/// Reverses `row` at the bank (starting the reversal if needed) and returns the row after:
/// `reversed` when the bank confirmed, still `reversing` when it did not answer.
pub async fn reverse(
    db: &D1Database,
    client: &MokafaaClient,
    row: RedemptionRow,
    actor: Actor,
    reason: &str,
    now: i64,
) -> ApiResult<RedemptionRow> {
    let row = match row.state() {
        RedemptionState::Redeemed | RedemptionState::Captured => {
            match redemptions::transition(
                db,
                &row,
                LedgerEvent::ReversalStarted,
                actor,
                reason,
                Changes::default(),
                now,
            )
            .await?
            {
                Some(row) => row,
                // Someone else moved it first: continue from what they left.
                None => redemptions::get(db, &row.id)
                    .await?
                    .ok_or_else(|| internal("reverse", "row vanished"))?,
            }
        }
        _ => row,
    };
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
    match client.reverse(transaction_id, now).await {
        Ok(()) => {
            let row = redemptions::transition(
                db,
                &row,
                LedgerEvent::ReversalConfirmed,
                actor,
                "bank reversed",
                Changes::default(),
                now,
            )
            .await?
            .unwrap_or(row);
            notify::queue(db, &row, NoticeKind::Reversed, now).await;
            Ok(row)
        }
        Err(failure) => {
            worker::console_warn!(
                "reversal of {} not confirmed ({failure:?}); the cron retries",
                row.id
            );
            Ok(row)
        }
    }
}
