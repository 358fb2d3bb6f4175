//! The `merchants` table: a merchant's settings row, and the questions asked of all of them.

use super::Db;
use super::{first, statement};
use crate::http::internal;
use crate::http::ApiResult;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

/// A merchant's row with its sealed secrets as one JSON column (`sealed_secrets`), so the
/// secrets come with the settings in the same statement.
macro_rules! merchant_columns {
    () => {
        "SELECT m.*, (SELECT json_group_array(json_object('name', s.name, 'sealed', s.sealed, \
         'previous', s.previous_sealed, 'until', s.previous_valid_until)) \
         FROM merchant_secrets s WHERE s.merchant_id = m.id) AS sealed_secrets FROM merchants m"
    };
}

/// The settings row of merchant `id`, read into the caller's row type.
pub async fn row<T: DeserializeOwned>(db: &Db, id: &str) -> ApiResult<Option<T>> {
    db.first_row(by_id(db, id)?)
        .await
        .map_err(|e| internal("merchant query", e))
}

/// The row of the merchant whose session holds `token_hash` (read with the session).
pub(super) fn of_session(db: &Db, token_hash: &JsValue) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        concat!(
            merchant_columns!(),
            " WHERE m.id = (SELECT merchant_id FROM sessions WHERE token_hash = ?1)"
        ),
        std::slice::from_ref(token_hash),
    )
}

/// Merchant `id`'s row, to run alone or in a batch.
pub(super) fn by_id(db: &Db, id: &str) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        concat!(merchant_columns!(), " WHERE m.id = ?1"),
        &[id.into()],
    )
}

/// Whether any merchant allows `origin` (preflights carry no merchant yet).
pub async fn any_allows_origin(db: &Db, origin: &str) -> ApiResult<bool> {
    let found: Option<serde_json::Value> = first(db, "SELECT 1 AS ok FROM merchants, json_each(merchants.allowed_origins) WHERE json_each.value = ?1 LIMIT 1",
        &[origin.into()], "cors query").await?;
    Ok(found.is_some())
}

/// Whether D1 answers and is migrated (the merchants table exists), for the health check.
pub async fn table_answers(db: &Db) -> bool {
    match statement(db, "SELECT COUNT(*) AS n FROM merchants", &[]) {
        Ok(stmt) => match db.first_row::<serde_json::Value>(stmt).await {
            Ok(found) => found.is_some(),
            Err(err) => {
                worker::console_error!("health: D1 query failed: {err}");
                false
            }
        },
        Err(_) => false,
    }
}
