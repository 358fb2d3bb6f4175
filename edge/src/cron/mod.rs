//! The scheduled jobs (`[triggers] crons` in wrangler.toml): reverse abandoned redemptions,
//! finish reversals the bank did not confirm, reconcile redemptions whose answer was lost,
//! send what waits in the Pongo and email outboxes, keep Pongo stores fresh, purge old data.
//! Each job works in small batches, isolates each row's failure, and leaves anything it
//! cannot finish for the next run.

mod pongo;
mod reconcile;
mod reversals;

use crate::domain::retry::next_attempt_at;
use crate::http::{now, ApiResult};
use crate::merchant;
use crate::mokafaa::client::MokafaaClient;
use crate::store::redemptions::{self, RedemptionRow};
use crate::store::Db;
use loyalty_shared::Locale;
use worker::Env;

const BATCH: u32 = 50;

/// What one run did: the operator's answer and the log line.
pub use loyalty_shared::api::CronReport as Report;

/// Runs every job once, on `db` (the caller's request, so its counters include the run).
pub async fn run(db: &Db, env: &Env) -> Report {
    let mut report = Report::default();
    let now = now(env).await;
    if let Err(e) = reversals::abandoned(db, env, now, &mut report).await {
        worker::console_error!("cron abandoned: {e}");
    }
    if let Err(e) = reversals::unfinished(db, env, now, &mut report).await {
        worker::console_error!("cron reversals: {e}");
    }
    if let Err(e) = reconcile::pending(db, env, now, &mut report).await {
        worker::console_error!("cron reconcile: {e}");
    }
    if let Err(e) = pongo::outbox(db, env, now, &mut report).await {
        worker::console_error!("cron pongo outbox: {e}");
    }
    if let Err(e) = pongo::stores(db, env, now).await {
        worker::console_error!("cron pongo stores: {e}");
    }
    match crate::store::retention::purge(db, now).await {
        Ok(n) => report.purged = n,
        Err(e) => worker::console_error!("cron purge: {e}"),
    }
    match crate::notify::send_due(db, env, now).await {
        Ok((sent, failed)) => {
            report.emails_sent = sent;
            report.failures += failed;
        }
        Err(e) => worker::console_error!("cron email: {e}"),
    }
    worker::console_log!("cron: {report:?}");
    report
}

/// Each merchant's bank client, loaded once per run; a merchant whose configuration cannot
/// be read fails only its own rows.
#[derive(Default)]
pub(crate) struct Clients(Vec<(String, Result<Bank, loyalty_shared::ApiError>)>);

/// A merchant's bank client and its store name (what the shopper's notices say).
#[derive(Clone)]
pub(crate) struct Bank {
    pub client: MokafaaClient,
    pub store_name: String,
}

impl Clients {
    pub(crate) async fn get(&mut self, db: &Db, env: &Env, merchant_id: &str) -> ApiResult<Bank> {
        if let Some((_, loaded)) = self.0.iter().find(|(id, _)| id == merchant_id) {
            return loaded.clone();
        }
        let loaded = async {
            let merchant = merchant::load(db, env, merchant_id, Locale::En).await?;
            let config = merchant.mokafaa(Locale::En)?.clone();
            Ok(Bank {
                client: MokafaaClient::new(config, db.tally()),
                store_name: merchant.name,
            })
        }
        .await;
        self.0.push((merchant_id.to_string(), loaded.clone()));
        loaded
    }
}

/// A row's job failed: the failure is recorded on that row (with backoff) and the loop goes
/// on, so one bad row or merchant never stops the cron for everyone.
pub(crate) async fn row_failed(
    db: &Db,
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

/// Schedules the next try with backoff; after the last one the row waits for a person.
pub(crate) async fn retry_later(
    db: &Db,
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
