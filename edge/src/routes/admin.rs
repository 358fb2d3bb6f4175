//! The merchant's admin API (Worker secret `ADMIN_TOKEN` as a bearer token, compared in
//! constant time). For now: the redemptions the edge could not finish by itself.

use crate::http::{bearer, internal, json_response, respond, ApiResult};
use crate::routes::merchant::view;
use crate::routes::DB_BINDING;
use crate::store::redemptions;
use loyalty_shared::api::AttentionItem;
use loyalty_shared::{ApiError, ErrorCode, Locale};
use subtle::ConstantTimeEq;
use worker::{Env, Request, Response, Result, RouteContext};

pub(crate) fn authorize(req: &Request, env: &Env) -> ApiResult<()> {
    let unauthorized = || ApiError::new(ErrorCode::Unauthorized, Locale::En);
    let expected = env
        .secret("ADMIN_TOKEN")
        .map_err(|_| unauthorized())?
        .to_string();
    let given = bearer(req).ok_or_else(unauthorized)?;
    if expected.len() >= 16 && bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(unauthorized())
    }
}

/// `GET /v1/admin/redemptions/attention`: reversals and reconciliations whose retries are
/// spent. Each needs a person: check the bank's dashboard, then settle it there.
#[utoipa::path(get, path = "/v1/admin/redemptions/attention", tag = "admin", security(("admin" = [])),
    responses((status = 200, body = Vec<loyalty_shared::api::AttentionItem>), (status = "default", description = "Error (unauthorized)", body = loyalty_shared::ErrorBody)))]
pub async fn attention(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let outcome = async {
        authorize(&req, &ctx.env)?;
        let db = ctx
            .env
            .d1(DB_BINDING)
            .map_err(|e| internal("d1 binding", e))?;
        let items: Vec<AttentionItem> = redemptions::parked(&db, 200)
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
        json_response(&items, 200).map_err(|e| internal("response", e))
    }
    .await;
    respond(outcome)
}
