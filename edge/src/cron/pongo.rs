//! Pongo's cron jobs: the outbox's due calls, and stores and earn rules kept fresh.

use super::{Report, BATCH};
use crate::http::ApiResult;
use crate::store::Db;
use worker::Env;

/// Sends the Pongo calls that are due (orders that met an outage, throttling or an expired
/// token), oldest first.
pub(super) async fn outbox(db: &Db, env: &Env, now: i64, report: &mut Report) -> ApiResult<()> {
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
            let loaded = load_connection(db, &app, &row.merchant_id).await;
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

/// A merchant's connection for this run; one merchant's unreadable connection must not
/// hold up the others.
async fn load_connection(
    db: &Db,
    app: &crate::pongo::connection::PongoApp,
    merchant_id: &str,
) -> Option<crate::pongo::connection::Connection> {
    crate::pongo::connection::load(db, app, merchant_id)
        .await
        .unwrap_or_else(|e| {
            worker::console_error!(
                "merchant {merchant_id}: Pongo connection unreadable: {}",
                e.code.as_str()
            );
            None
        })
}

/// Stores and the program's earn rule change rarely: each connected merchant's are read
/// again every 15 minutes (two cheap GETs), so previews follow a program the merchant
/// changed at Pongo, well within a token's life.
pub(super) async fn stores(db: &Db, env: &Env, now: i64) -> ApiResult<()> {
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
