//! Signed merchant requests already seen (`merchant_request_log`), so each is taken once.

use super::Db;
use super::{changes, int, statement};
use crate::http::{internal, ApiResult};

/// Records a signed request; false when it was recorded before (a replay).
pub async fn record_once(
    db: &Db,
    merchant_id: &str,
    signed_request: &str,
    now: i64,
) -> ApiResult<bool> {
    let logged = db.execute(statement(
        db,
        "INSERT INTO merchant_request_log (merchant_id, signature, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        &[merchant_id.into(), signed_request.into(), int(now)],
    )?)
    .await
    .map_err(|e| internal("request log", e))?;
    Ok(changes(&logged) == 1)
}
