//! The console's view of the ledger: one merchant's redemptions filtered and paged, the
//! totals per state over the whole filter, and one redemption's trail.

use super::Db;
use super::{batch, int, statement};
use crate::http::{internal, ApiResult};
use loyalty_shared::api::{RedemptionState, TrailStep};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

/// What the console filters by (each `None` matches everything).
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub state: Option<String>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub to: Option<i64>,
    pub order_id: Option<String>,
    /// The identifier's last digits (the masked form keeps them).
    pub identifier_tail: Option<String>,
}

/// A redemption as the ledger lists it.
#[derive(Debug, Deserialize)]
pub struct LedgerRow {
    pub id: String,
    pub state: RedemptionState,
    pub points: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub order_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub error_code: Option<String>,
    pub method: String,
    pub masked_destination: String,
}

/// One state's sums.
#[derive(Debug, Deserialize)]
pub struct TotalRow {
    pub state: RedemptionState,
    pub n: i64,
    pub points: i64,
    pub minor: i64,
}

const FROM_WHERE: &str = " FROM redemptions r JOIN otp_challenges c ON c.id = r.challenge_id
     WHERE r.merchant_id = ?1 AND (?2 IS NULL OR r.state = ?2)
       AND (?3 IS NULL OR r.created_at >= ?3) AND (?4 IS NULL OR r.created_at < ?4)
       AND (?5 IS NULL OR r.order_id = ?5) AND (?6 IS NULL OR c.masked_destination LIKE '%' || ?6)";

const COLUMNS: &str = "SELECT r.id, r.state, r.points, r.amount_minor, r.currency, r.order_id,
     r.created_at, r.updated_at, r.error_code, c.method, c.masked_destination";

fn bound(merchant_id: &str, filter: &Filter) -> Vec<JsValue> {
    let text = |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, Into::into);
    let number = |v: Option<i64>| v.map_or(JsValue::NULL, int);
    vec![
        merchant_id.into(),
        text(&filter.state),
        number(filter.from),
        number(filter.to),
        text(&filter.order_id),
        text(&filter.identifier_tail),
    ]
}

fn page_statement(
    db: &Db,
    merchant_id: &str,
    filter: &Filter,
    limit: u32,
    offset: u64,
) -> ApiResult<D1PreparedStatement> {
    let mut values = bound(merchant_id, filter);
    values.push(int(i64::from(limit)));
    values.push(int(i64::try_from(offset).unwrap_or(i64::MAX)));
    let sql = format!("{COLUMNS}{FROM_WHERE} ORDER BY r.created_at DESC, r.id LIMIT ?7 OFFSET ?8");
    statement(db, &sql, &values)
}

/// One page of the filtered ledger and the totals per state, in one round trip.
pub async fn page(
    db: &Db,
    merchant_id: &str,
    filter: &Filter,
    limit: u32,
    offset: u64,
) -> ApiResult<(Vec<LedgerRow>, Vec<TotalRow>)> {
    let totals = statement(
        db,
        &format!("SELECT r.state, COUNT(*) AS n, COALESCE(SUM(r.points), 0) AS points, COALESCE(SUM(r.amount_minor), 0) AS minor{FROM_WHERE} GROUP BY r.state ORDER BY r.state"),
        &bound(merchant_id, filter),
    )?;
    let rows = page_statement(db, merchant_id, filter, limit, offset)?;
    let results = batch(db, vec![rows, totals], "ledger page").await?;
    let read = |i: usize| {
        results
            .get(i)
            .ok_or_else(|| internal("ledger", "no result"))
    };
    let items = read(0)?.results().map_err(|e| internal("ledger rows", e))?;
    let totals = read(1)?
        .results()
        .map_err(|e| internal("ledger totals", e))?;
    Ok((items, totals))
}

/// Redemption `id` of `merchant_id` (another merchant's is `None`) and its trail.
pub async fn detail(
    db: &Db,
    merchant_id: &str,
    id: &str,
) -> ApiResult<(Option<LedgerRow>, Vec<TrailStep>)> {
    let row = statement(
        db,
        &format!("{COLUMNS} FROM redemptions r JOIN otp_challenges c ON c.id = r.challenge_id WHERE r.merchant_id = ?1 AND r.id = ?2"),
        &[merchant_id.into(), id.into()],
    )?;
    let trail = statement(
        db,
        "SELECT e.from_state, e.to_state, e.actor, e.reason, e.at FROM redemption_events e
         JOIN redemptions r ON r.id = e.redemption_id
         WHERE r.merchant_id = ?1 AND e.redemption_id = ?2 ORDER BY e.id",
        &[merchant_id.into(), id.into()],
    )?;
    let results = batch(db, vec![row, trail], "redemption detail").await?;
    let row = super::first_of(&results, 0, "redemption detail")?;
    let trail = results
        .get(1)
        .ok_or_else(|| internal("trail", "no result"))?
        .results()
        .map_err(|e| internal("trail", e))?;
    Ok((row, trail))
}
