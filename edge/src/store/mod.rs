//! D1 access: one module per table family. Queries bind every value; nothing is formatted
//! into SQL.

pub mod audit;
pub mod challenges;
pub mod console;
mod db;
pub mod email_outbox;
pub mod ledger;
pub mod merchant_requests;
pub mod merchant_settings;
pub mod merchants;
pub mod pongo_connections;
pub mod pongo_outbox;
pub mod pongo_webhooks;
pub mod rate_limits;
pub mod redemptions;
pub mod retention;
pub mod sessions;

use crate::http::{internal, ApiResult};
pub use db::Db;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

/// A statement with its values bound.
pub fn statement(db: &Db, sql: &str, values: &[JsValue]) -> ApiResult<D1PreparedStatement> {
    db.prepare(sql)
        .bind(values)
        .map_err(|e| internal("D1 bind", e))
}

/// Runs a statement; returns the rows it wrote. `what` names it in the log on failure.
pub async fn run(db: &Db, sql: &str, values: &[JsValue], what: &str) -> ApiResult<usize> {
    let result = db
        .execute(statement(db, sql, values)?)
        .await
        .map_err(|e| internal(what, e))?;
    Ok(changes(&result))
}

/// The first row of a query, if any.
pub async fn first<T: DeserializeOwned>(
    db: &Db,
    sql: &str,
    values: &[JsValue],
    what: &str,
) -> ApiResult<Option<T>> {
    db.first_row(statement(db, sql, values)?)
        .await
        .map_err(|e| internal(what, e))
}

/// Every row of a query.
pub async fn all<T: DeserializeOwned>(
    db: &Db,
    sql: &str,
    values: &[JsValue],
    what: &str,
) -> ApiResult<Vec<T>> {
    db.all_rows(statement(db, sql, values)?)
        .await
        .and_then(|r| r.results())
        .map_err(|e| internal(what, e))
}

/// Runs statements in one round trip (one transaction).
pub async fn batch(
    db: &Db,
    statements: Vec<D1PreparedStatement>,
    what: &str,
) -> ApiResult<Vec<worker::D1Result>> {
    db.batch(statements).await.map_err(|e| internal(what, e))
}

/// Statement `i`'s first row in a batch's results.
pub fn first_of<T: DeserializeOwned>(
    results: &[worker::D1Result],
    i: usize,
    what: &str,
) -> ApiResult<Option<T>> {
    let result = results.get(i).ok_or_else(|| internal(what, "no result"))?;
    result
        .results::<T>()
        .map(|rows| rows.into_iter().next())
        .map_err(|e| internal(what, e))
}

/// An integer as D1 wants it (a JS number; every value here is far below 2^53).
pub fn int(n: i64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// Rows written by the last statement.
pub fn changes(result: &worker::D1Result) -> usize {
    result
        .meta()
        .ok()
        .flatten()
        .and_then(|m| m.changes)
        .unwrap_or(0)
}
