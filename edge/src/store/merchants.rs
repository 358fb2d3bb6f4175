//! The `merchants` table: a merchant's settings row, and the questions asked of all of them.

use super::Db;
use super::{first, statement};
use crate::http::ApiResult;
use serde::de::DeserializeOwned;

/// The settings row of merchant `id`, read into the caller's row type.
pub async fn row<T: DeserializeOwned>(db: &Db, id: &str) -> ApiResult<Option<T>> {
    first(
        db,
        "SELECT * FROM merchants WHERE id = ?1",
        &[id.into()],
        "merchant query",
    )
    .await
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
        Ok(stmt) => match stmt.first::<serde_json::Value>(None).await {
            Ok(found) => found.is_some(),
            Err(err) => {
                worker::console_error!("health: D1 query failed: {err}");
                false
            }
        },
        Err(_) => false,
    }
}
