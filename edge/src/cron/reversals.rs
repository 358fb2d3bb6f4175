//! Redemptions to give back: carts abandoned past the merchant's window, and reversals the
//! bank has not confirmed yet. Both go through [`crate::reversal`].

use super::{retry_later, row_failed, Clients, Report, BATCH};
use crate::domain::ledger::Actor;
use crate::http::ApiResult;
use crate::reversal::{self, Why};
use crate::store::redemptions::{self, RedemptionRow};
use crate::store::Db;
use loyalty_shared::api::RedemptionState;
use worker::Env;

/// Abandoned carts: redeemed, and no paid order within the merchant's window.
pub(super) async fn abandoned(db: &Db, env: &Env, now: i64, report: &mut Report) -> ApiResult<()> {
    let rows = redemptions::abandoned(db, now, BATCH).await?;
    let reason = "abandoned cart: no paid order within the window";
    let done = reverse_each(db, env, rows, reason, "abandoned", now, report).await?;
    report.abandoned_reversed += done;
    Ok(())
}

/// Reversals the bank did not confirm (no answer, an outage): tried again with backoff.
pub(super) async fn unfinished(db: &Db, env: &Env, now: i64, report: &mut Report) -> ApiResult<()> {
    let rows = redemptions::due(db, RedemptionState::Reversing, now, BATCH).await?;
    let done = reverse_each(db, env, rows, "reversal retry", "reversal", now, report).await?;
    report.reversals_finished += done;
    Ok(())
}

/// Reverses each row it can lease; returns how many the bank confirmed.
async fn reverse_each(
    db: &Db,
    env: &Env,
    rows: Vec<RedemptionRow>,
    reason: &str,
    job: &str,
    now: i64,
    report: &mut Report,
) -> ApiResult<u32> {
    let mut clients = Clients::default();
    let mut reversed = 0;
    for row in rows {
        if !redemptions::lease(db, &row, now).await? {
            continue;
        }
        let outcome = async {
            let bank = clients.get(db, env, &row.merchant_id).await?;
            let why = Why::new(Actor::Cron, reason, &bank.store_name);
            reversal::reverse(db, &bank.client, row.clone(), why, now).await
        }
        .await;
        match outcome {
            Ok(after) if after.state() == RedemptionState::Reversed => reversed += 1,
            Ok(after) => retry_later(db, &after, now, report).await?,
            Err(e) => row_failed(db, &row, job, &e, now, report).await,
        }
    }
    Ok(reversed)
}
