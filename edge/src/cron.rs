//! The scheduled jobs (`[triggers] crons` in wrangler.toml): reverse abandoned redemptions,
//! finish reversals the bank did not confirm, and reconcile redemptions whose answer was lost.
//! Each job works in small batches and leaves anything it cannot finish for the next run.

use crate::domain::ledger::{Actor, LedgerEvent};
use crate::domain::reconcile::{self, BankRedemption, PendingRedemption, Verdict};
use crate::domain::retry::next_attempt_at;
use crate::http::{now, ApiResult};
use crate::merchant;
use crate::mokafaa::client::MokafaaClient;
use crate::reversal;
use crate::routes::DB_BINDING;
use crate::secure::sha256_hex;
use crate::store::challenges;
use crate::store::redemptions::{self, Changes, RedemptionRow};
use loyalty_shared::api::RedemptionState;
use loyalty_shared::Locale;
use loyalty_shared::SaudiMobile;
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
    pub purged: u32,
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
    match crate::store::retention::purge(&db, now).await {
        Ok(n) => report.purged = n,
        Err(e) => worker::console_error!("cron purge: {e}"),
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
    use crate::domain::pongo_delivery::Decision;
    use crate::pongo::connection::{self, PongoApp};
    use crate::pongo::outbox;
    let rows = crate::store::pongo_outbox::due(db, now, BATCH).await?;
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
        // One row's failure (D1, a bad payload) is that row's: the loop goes on.
        let decision = match outbox::send(db, &app, connection, &row, now).await {
            Ok(decision) => decision,
            Err(e) => {
                worker::console_error!("cron pongo outbox {}: {}", row.call_key, e.code.as_str());
                report.failures += 1;
                continue;
            }
        };
        match decision {
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
    let merchants = crate::store::pongo_connections::merchants_connected(db).await?;
    if merchants.is_empty() {
        return Ok(());
    }
    let app = PongoApp::from_env(env)?;
    for merchant_id in merchants {
        let fresh = match crate::store::pongo_connections::stores_synced_at(db, &merchant_id).await
        {
            Ok(at) => at.is_some_and(|at| now - at < STORES_MAX_AGE_SECONDS),
            Err(_) => continue,
        };
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

/// Each merchant's bank client, loaded once per run; a merchant whose configuration cannot
/// be read fails only its own rows.
#[derive(Default)]
struct Clients(Vec<(String, Result<MokafaaClient, loyalty_shared::ApiError>)>);

impl Clients {
    async fn get(
        &mut self,
        db: &D1Database,
        env: &Env,
        merchant_id: &str,
    ) -> ApiResult<MokafaaClient> {
        if let Some((_, loaded)) = self.0.iter().find(|(id, _)| id == merchant_id) {
            return loaded.clone();
        }
        let loaded = async {
            let merchant = merchant::load(db, env, merchant_id, Locale::En).await?;
            Ok(MokafaaClient::new(merchant.mokafaa(Locale::En)?.clone()))
        }
        .await;
        self.0.push((merchant_id.to_string(), loaded.clone()));
        loaded
    }
}

/// A row's job failed: the failure is recorded on that row (with backoff) and the loop goes
/// on, so one bad row or merchant never stops the cron for everyone.
async fn row_failed(
    db: &D1Database,
    row: &RedemptionRow,
    job: &str,
    error: &loyalty_shared::ApiError,
    now: i64,
    report: &mut Report,
) {
    worker::console_error!("cron {job} {}: {}", row.id, error.code.as_str());
    if let Err(e) = retry_later(db, row, now, report).await {
        worker::console_error!(
            "cron {job} {}: retry not recorded: {}",
            row.id,
            e.code.as_str()
        );
    }
}

async fn abandoned(db: &D1Database, env: &Env, now: i64, report: &mut Report) -> ApiResult<()> {
    let mut clients = Clients::default();
    for row in redemptions::abandoned(db, now, BATCH).await? {
        if !redemptions::lease(db, &row, now).await? {
            continue;
        }
        let outcome = async {
            let client = clients.get(db, env, &row.merchant_id).await?;
            reversal::reverse(
                db,
                &client,
                row.clone(),
                Actor::Cron,
                "abandoned cart: no paid order within the window",
                now,
            )
            .await
        }
        .await;
        match outcome {
            Ok(after) if after.state() == RedemptionState::Reversed => {
                report.abandoned_reversed += 1
            }
            Ok(after) => retry_later(db, &after, now, report).await?,
            Err(e) => row_failed(db, &row, "abandoned", &e, now, report).await,
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
    let mut clients = Clients::default();
    for row in redemptions::due(db, RedemptionState::Reversing, now, BATCH).await? {
        if !redemptions::lease(db, &row, now).await? {
            continue;
        }
        let outcome = async {
            let client = clients.get(db, env, &row.merchant_id).await?;
            reversal::reverse(db, &client, row.clone(), Actor::Cron, "reversal retry", now).await
        }
        .await;
        match outcome {
            Ok(after) if after.state() == RedemptionState::Reversed => {
                report.reversals_finished += 1
            }
            Ok(after) => retry_later(db, &after, now, report).await?,
            Err(e) => row_failed(db, &row, "reversal", &e, now, report).await,
        }
    }
    Ok(())
}

/// The shopper a pending row belongs to, as the bank's list could name them: the mobile's
/// hash when the challenge was by mobile.
async fn pending_view(db: &D1Database, row: &RedemptionRow) -> ApiResult<PendingRedemption> {
    let challenge = challenges::get(db, &row.challenge_id, &row.session_id).await?;
    Ok(PendingRedemption {
        points: row.points.max(0) as u64,
        created_at: row.created_at,
        shopper: challenge
            .filter(|c| c.method == "mobile")
            .and_then(|c| c.identity_hash),
    })
}

async fn reconcile_pending(
    db: &D1Database,
    env: &Env,
    now: i64,
    report: &mut Report,
) -> ApiResult<()> {
    let settled_before = now - reconcile::SETTLE_AFTER_SECONDS;
    let due: Vec<RedemptionRow> = redemptions::due(db, RedemptionState::Pending, now, BATCH)
        .await?
        .into_iter()
        .filter(|row| row.created_at <= settled_before)
        .collect();
    let mut merchants: Vec<String> = due.iter().map(|r| r.merchant_id.clone()).collect();
    merchants.sort();
    merchants.dedup();
    let mut clients = Clients::default();
    for merchant_id in merchants {
        let rows: Vec<&RedemptionRow> = due
            .iter()
            .filter(|r| r.merchant_id == merchant_id)
            .collect();
        let outcome =
            reconcile_merchant(db, env, &mut clients, &merchant_id, &rows, now, report).await;
        if let Err(e) = outcome {
            for row in rows {
                row_failed(db, row, "reconcile", &e, now, report).await;
            }
        }
    }
    Ok(())
}

/// One merchant's pending rows against one read of the bank's list.
async fn reconcile_merchant(
    db: &D1Database,
    env: &Env,
    clients: &mut Clients,
    merchant_id: &str,
    rows: &[&RedemptionRow],
    now: i64,
    report: &mut Report,
) -> ApiResult<()> {
    let client = clients.get(db, env, merchant_id).await?;
    let from = rows.iter().map(|r| r.created_at).min().unwrap_or(now) - 60;
    let list = client
        .transactions(from, now + 60, now)
        .await
        .map_err(|_| {
            loyalty_shared::ApiError::new(
                loyalty_shared::ErrorCode::UpstreamUnavailable,
                Locale::En,
            )
        })?;
    let mut bank = Vec::new();
    for t in list
        .transactions
        .iter()
        .filter(|t| t.transaction_type.eq_ignore_ascii_case("redemption"))
    {
        let (Some(transaction_id), Some(points)) = (t.transaction_id, t.points_amount) else {
            continue;
        };
        let shopper = t
            .mobile
            .as_deref()
            .and_then(|m| SaudiMobile::parse(m).ok())
            .map(|m| sha256_hex(format!("mobile:{}", m.to_mokafaa()).as_bytes()));
        bank.push(BankRedemption {
            transaction_id,
            points: points.unsigned_abs(),
            shopper,
            at: t.at,
        });
    }
    let mut linked = Vec::new();
    for t in &bank {
        if redemptions::has_transaction(db, t.transaction_id).await? {
            linked.push(t.transaction_id);
        }
    }
    // Every pending row of the merchant competes for these transactions, due or not.
    let mut competitors = Vec::new();
    let since = from - reconcile::GIVE_UP_AFTER_SECONDS;
    for other in redemptions::pending_since(db, merchant_id, since, 500).await? {
        competitors.push((other.id.clone(), pending_view(db, &other).await?));
    }
    for &row in rows {
        let outcome = async {
            if !redemptions::lease(db, row, now).await? {
                return Ok(());
            }
            let ours = pending_view(db, row).await?;
            let others: Vec<PendingRedemption> = competitors
                .iter()
                .filter(|(id, _)| id != &row.id)
                .map(|(_, p)| p.clone())
                .collect();
            let verdict = reconcile::decide(&ours, &others, now, &bank, |id| linked.contains(&id));
            let (event, changes, reason) = match verdict {
                Verdict::Happened(id) => (
                    LedgerEvent::BankConfirmed,
                    Changes { bank_transaction_id: Some(id), ..Changes::default() },
                    "reconciled: found in the bank's transactions",
                ),
                Verdict::DidNotHappen => (
                    LedgerEvent::BankRefused,
                    Changes { error_code: Some("upstream_unavailable"), ..Changes::default() },
                    "reconciled: not in the bank's transactions",
                ),
                Verdict::Wait => return retry_later(db, row, now, report).await,
                Verdict::Ambiguous(candidates) => {
                    let evidence = candidates.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
                    worker::console_warn!("reconcile {}: ambiguous, parked for a person", row.id);
                    report.failures += 1;
                    return redemptions::park(
                        db,
                        row,
                        &format!("ambiguous reconciliation: bank transactions {evidence} could each be this row's or another pending row's ({} points)", row.points),
                        now,
                    )
                    .await;
                }
            };
            if let Verdict::Happened(id) = verdict {
                linked.push(id);
            }
            redemptions::transition(db, row, event, Actor::Reconciliation, reason, changes, now).await?;
            report.reconciled += 1;
            Ok(())
        }
        .await;
        if let Err(e) = outcome {
            row_failed(db, row, "reconcile", &e, now, report).await;
        }
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
