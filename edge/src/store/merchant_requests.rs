//! Signed merchant requests already seen (`merchant_request_log`), so each is taken once.

use super::{changes, int, statement};
use crate::http::{internal, ApiResult};
use worker::D1Database;

/// Records a signed request; false when it was recorded before (a replay).
pub async fn record_once(
    db: &D1Database,
    merchant_id: &str,
    signed_request: &str,
    now: i64,
) -> ApiResult<bool> {
    let logged = statement(
        db,
        "INSERT INTO merchant_request_log (merchant_id, signature, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        &[merchant_id.into(), signed_request.into(), int(now)],
    )?
    .run()
    .await
    .map_err(|e| internal("request log", e))?;
    Ok(changes(&logged) == 1)
}
