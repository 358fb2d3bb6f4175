//! The scheduled jobs (`[triggers] crons` in wrangler.toml): reverse abandoned redemptions,
//! finish reversals the bank did not confirm, and reconcile redemptions whose answer was lost.
//! Each job works in small batches and leaves anything it cannot finish for the next run.

use crate::domain::ledger::{Actor, LedgerEvent};
use crate::domain::reconcile::{self, BankRedemption, Verdict};
use crate::domain::retry::next_attempt_at;
use crate::http::{now, ApiResult};
use crate::merchant;
use crate::mokafaa::client::MokafaaClient;
use crate::reversal;
use crate::routes::DB_BINDING;
use crate::store::redemptions::{self, Changes, RedemptionRow};
use loyalty_shared::api::RedemptionState;
use loyalty_shared::Locale;
use worker::{D1Database, Env};

const BATCH: u32 = 50;

/// What one run did, for the log.
#[derive(Debug, Default)]
pub struct Report {
    pub abandoned_reversed: u32,
    pub reversals_finished: u32,
    pub reconciled: u32,
    pub emails_sent: u32,
    pub pongo_sent: u32,
    pub pongo_waiting: u32,
    pub failures: u32,
}

pub async fn run(env: &Env) -> Report {
    let mut report = Report::default();
    let Ok(db) = env.d1(DB_BINDING) else {
        worker::console_error!("cron: no D1 binding");
        return report;
    };
    let now = now(env).await;
    if let Err(e) = abandoned(&db, env, now, &mut report).await {
        worker::console_error!("cron abandoned: {e}");
    }
    if let Err(e) = unfinished_reversals(&db, env, now, &mut report).await {
        worker::console_error!("cron reversals: {e}");
    }
    if let Err(e) = reconcile_pending(&db, env, now, &mut report).await {
        worker::console_error!("cron reconcile: {e}");
    }
    if let Err(e) = pongo_outbox(&db, env, now, &mut report).await {
        worker::console_error!("cron pongo outbox: {e}");
    }
    if let Err(e) = pongo_stores(&db, env, now).await {
        worker::console_error!("cron pongo stores: {e}");
    }
    match crate::notify::send_due(&db, env, now).await {
        Ok((sent, failed)) => {
            report.emails_sent = sent;
            report.failures += failed;
        }
        Err(e) => worker::console_error!("cron email: {e}"),
    }
    worker::console_log!("cron: {report:?}");
    report
}

/// Sends the Pongo calls that are due (orders that met an outage, throttling or an expired
/// token), oldest first.
async fn pongo_outbox(db: &D1Database, env: &Env, now: i64, report: &mut Report) -> ApiResult<()> {
    use crate::pongo::connection::{self, PongoApp};
    use crate::pongo::outbox::{self, Decision};
    let rows = outbox::due(db, now, BATCH).await?;
    if rows.is_empty() {
        return Ok(());
    }
    let app = PongoApp::from_env(env)?;
    let mut connections: Vec<(String, Option<connection::Connection>)> = Vec::new();
    for row in rows {
        if !connections.iter().any(|(id, _)| id == &row.merchant_id) {
            // One merchant's unreadable connection must not hold up the others.
            let loaded = connection::load(db, &app, &row.merchant_id)
                .await
                .unwrap_or_else(|e| {
                    worker::console_error!(
                        "merchant {}: Pongo connection unreadable: {}",
                        row.merchant_id,
                        e.code.as_str()
                    );
                    None
                });
            connections.push((row.merchant_id.clone(), loaded));
        }
        let Some(Some(connection)) = connections
            .iter()
            .find(|(id, _)| id == &row.merchant_id)
            .map(|(_, c)| c.as_ref())
        else {
            continue;
        };
        if !connection.usable(now) {
            continue;
        }
        match outbox::send(db, &app, connection, &row, now).await? {
            Decision::Sent { .. } => report.pongo_sent += 1,
            Decision::Failed { .. } => report.failures += 1,
            Decision::Expired { .. } => {
                report.pongo_waiting += 1;
                // Every other row of this merchant would meet the same refusal.
                if let Some(slot) = connections
                    .iter_mut()
                    .find(|(id, _)| id == &row.merchant_id)
                {
                    slot.1 = None;
                }
            }
            Decision::Retry { .. } | Decision::Busy => report.pongo_waiting += 1,
        }
    }
    Ok(())
}

/// Stores and the program's earn rule change rarely: each connected merchant's are read
/// again every 15 minutes (two cheap GETs), so previews follow a program the merchant
/// changed at Pongo, well within a token's life.
async fn pongo_stores(db: &D1Database, env: &Env, now: i64) -> ApiResult<()> {
    use crate::pongo::connection::{self, PongoApp};
    const STORES_MAX_AGE_SECONDS: i64 = 900;
    let merchants = connection::merchants_connected(db).await?;
    if merchants.is_empty() {
        return Ok(());
    }
    let app = PongoApp::from_env(env)?;
    for merchant_id in merchants {
        let fresh = connection::stores_synced_at(db, &merchant_id)
            .await?
            .is_some_and(|at| now - at < STORES_MAX_AGE_SECONDS);
        if fresh {
            continue;
        }
        let Ok(Some(connection)) = connection::load(db, &app, &merchant_id).await else {
            continue;
        };
        if let Err(e) = connection::sync_stores(db, &connection, &app, now).await {
            worker::console_warn!(
                "merchant {merchant_id}: store sync failed: {}",
                e.code.as_str()
            );
            continue;
        }
        if let Err(e) = connection::refresh_account(db, &connection, &app, now).await {
            worker::console_warn!(
                "merchant {merchant_id}: earn rule refresh failed: {}",
                e.code.as_str()
            );
        }
    }
    Ok(())
}

async fn client_for(db: &D1Database, env: &Env, merchant_id: &str) -> ApiResult<MokafaaClient> {
    let merchant = merchant::load(db, env, merchant_id, Locale::En).await?;
    Ok(MokafaaClient::new(merchant.mokafaa(Locale::En)?.clone()))
}

async fn abandoned(db: &D1Database, env: &Env, now: i64, report: &mut Report) -> ApiResult<()> {
    for row in redemptions::abandoned(db, now, BATCH).await? {
        let client = client_for(db, env, &row.merchant_id).await?;
        let after = reversal::reverse(
            db,
            &client,
            row,
            Actor::Cron,
            "abandoned cart: no paid order within the window",
            now,
        )
        .await?;
        if after.state() == RedemptionState::Reversed {
            report.abandoned_reversed += 1;
        } else {
            retry_later(db, &after, now, report).await?;
        }
    }
    Ok(())
}

async fn unfinished_reversals(
    db: &D1Database,
    env: &Env,
    now: i64,
    report: &mut Report,
) -> ApiResult<()> {
    for row in redemptions::due(db, RedemptionState::Reversing, now, BATCH).await? {
        let client = client_for(db, env, &row.merchant_id).await?;
        let after = reversal::reverse(db, &client, row, Actor::Cron, "reversal retry", now).await?;
        if after.state() == RedemptionState::Reversed {
            report.reversals_finished += 1;
        } else {
            retry_later(db, &after, now, report).await?;
        }
    }
    Ok(())
}

async fn reconcile_pending(
    db: &D1Database,
    env: &Env,
    now: i64,
    report: &mut Report,
) -> ApiResult<()> {
    let settled_before = now - reconcile::SETTLE_AFTER_SECONDS;
    for row in redemptions::due(db, RedemptionState::Pending, now, BATCH).await? {
        if row.created_at > settled_before {
            continue;
        }
        let client = client_for(db, env, &row.merchant_id).await?;
        let list = match client
            .transactions(row.created_at - 60, now + 60, now)
            .await
        {
            Ok(list) => list,
            Err(e) => {
                worker::console_warn!("reconcile {}: transaction list unavailable ({e:?})", row.id);
                retry_later(db, &row, now, report).await?;
                continue;
            }
        };
        let bank: Vec<BankRedemption> = list
            .transactions
            .iter()
            .filter(|t| t.transaction_type.eq_ignore_ascii_case("redemption"))
            .filter_map(|t| {
                Some(BankRedemption {
                    transaction_id: t.transaction_id?,
                    points: t.points_amount?.unsigned_abs(),
                })
            })
            .collect();
        let mut linked = Vec::new();
        for t in &bank {
            if redemptions::has_transaction(db, t.transaction_id).await? {
                linked.push(t.transaction_id);
            }
        }
        let verdict =
            reconcile::decide(row.points.max(0) as u64, row.created_at, now, &bank, |id| {
                linked.contains(&id)
            });
        let (event, changes, reason) = match verdict {
            Verdict::Happened(id) => (
                LedgerEvent::BankConfirmed,
                Changes {
                    bank_transaction_id: Some(id),
                    ..Changes::default()
                },
                "reconciled: found in the bank's transactions",
            ),
            Verdict::DidNotHappen => (
                LedgerEvent::BankRefused,
                Changes {
                    error_code: Some("upstream_unavailable"),
                    ..Changes::default()
                },
                "reconciled: not in the bank's transactions",
            ),
            Verdict::Wait => {
                retry_later(db, &row, now, report).await?;
                continue;
            }
        };
        redemptions::transition(db, &row, event, Actor::Reconciliation, reason, changes, now)
            .await?;
        report.reconciled += 1;
    }
    Ok(())
}

/// Schedules the next try with backoff; after the last one the row waits for a person.
async fn retry_later(
    db: &D1Database,
    row: &RedemptionRow,
    now: i64,
    report: &mut Report,
) -> ApiResult<()> {
    report.failures += 1;
    // This failure included: after the last allowed one the row is parked.
    let failures = u32::try_from(row.attempts.max(0))
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    match next_attempt_at(now, failures) {
        Some(at) => redemptions::schedule_retry(db, &row.id, at).await,
        None => {
            worker::console_error!(
                "redemption {} needs attention: retries exhausted in state {:?}",
                row.id,
                row.state()
            );
            redemptions::schedule_retry(db, &row.id, redemptions::PARKED).await
        }
    }
}
