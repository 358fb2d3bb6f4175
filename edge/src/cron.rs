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
