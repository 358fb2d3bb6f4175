//! Signed merchant requests already seen (`merchant_request_log`), so each is taken once.

use super::redemptions::RedemptionRow;
use super::Db;
use super::{changes, first_of, int, statement};
use crate::http::{internal, ApiResult};
use serde::de::DeserializeOwned;

/// Records a signed request and reads the merchant's row (and the redemption the request
/// names, if it names one), in one round trip; the flag is false when the request was
/// recorded before (a replay).
pub async fn record_once<M: DeserializeOwned>(
    db: &Db,
    merchant_id: &str,
    signed_request: &str,
    redemption_id: Option<&str>,
    now: i64,
) -> ApiResult<(bool, Option<M>, Option<RedemptionRow>)> {
    let log = statement(
        db,
        "INSERT INTO merchant_request_log (merchant_id, signature, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        &[merchant_id.into(), signed_request.into(), int(now)],
    )?;
    let merchant = super::merchants::by_id(db, merchant_id)?;
    let mut batch = vec![log, merchant];
    if let Some(id) = redemption_id {
        batch.push(super::redemptions::by_id(db, id)?);
    }
    let results = db
        .batch(batch)
        .await
        .map_err(|e| internal("request log", e))?;
    let fresh = results.first().map(changes) == Some(1);
    let redemption = match redemption_id {
        Some(_) => first_of(&results, 2, "redemption row")?,
        None => None,
    };
    Ok((fresh, first_of(&results, 1, "merchant row")?, redemption))
}

/// Takes back the record of a request whose signature did not verify.
pub async fn forget(db: &Db, merchant_id: &str, signed_request: &str) -> ApiResult<()> {
    super::run(
        db,
        "DELETE FROM merchant_request_log WHERE merchant_id = ?1 AND signature = ?2",
        &[merchant_id.into(), signed_request.into()],
        "request log forget",
    )
    .await
    .map(|_| ())
}
