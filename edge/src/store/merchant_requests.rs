//! Signed merchant requests already seen (`merchant_request_log`), so each is taken once.

use super::Db;
use super::{changes, first_of, int, statement};
use crate::http::{internal, ApiResult};
use serde::de::DeserializeOwned;

/// Records a signed request and reads the merchant's row, in one round trip; the flag is
/// false when the request was recorded before (a replay).
pub async fn record_once<M: DeserializeOwned>(
    db: &Db,
    merchant_id: &str,
    signed_request: &str,
    now: i64,
) -> ApiResult<(bool, Option<M>)> {
    let log = statement(
        db,
        "INSERT INTO merchant_request_log (merchant_id, signature, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        &[merchant_id.into(), signed_request.into(), int(now)],
    )?;
    let merchant = super::merchants::by_id(db, merchant_id)?;
    let results = db
        .batch(vec![log, merchant])
        .await
        .map_err(|e| internal("request log", e))?;
    let fresh = results.first().map(changes) == Some(1);
    Ok((fresh, first_of(&results, 1, "merchant row")?))
}
