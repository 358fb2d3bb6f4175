//! The merchant's admin API (Worker secret `ADMIN_TOKEN` as a bearer token, compared in
//! constant time). For now: the redemptions the edge could not finish by itself.

use crate::guards::Admin;
use crate::http::ApiResult;
use crate::routes::call::{reply, Call};
use crate::routes::merchant::view;
use crate::store::redemptions;
use loyalty_shared::api::AttentionItem;
use worker::Response;

/// `GET /v1/admin/redemptions/attention`: reversals and reconciliations whose retries are
/// spent. Each needs a person: check the bank's dashboard, then settle it there.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/admin/redemptions/attention", tag = "admin", security(("admin" = [])),
    responses((status = 200, body = Vec<loyalty_shared::api::AttentionItem>), (status = "default", description = "Error (unauthorized)", body = loyalty_shared::ErrorBody))))]
pub async fn attention(call: Call, _admin: Admin) -> ApiResult<Response> {
    let items: Vec<AttentionItem> = redemptions::parked(&call.db, 200)
        .await?
        .iter()
        .map(|row| AttentionItem {
            merchant_id: row.merchant_id.clone(),
            redemption: view(row),
            attempts: u32::try_from(row.attempts.max(0)).unwrap_or(u32::MAX),
            updated_at: row.updated_at,
            reason: row.attention_reason.clone(),
        })
        .collect();
    reply(&items, 200)
}
